/* SPDX-License-Identifier: ISC */
/*
 * diskq.c: unit tests for lib/diskq.c.  A checkpoint reads back as the
 * number it was written for, is of one length whatever the number, and
 * anything damaged, cut or lengthened is refused.  Records are counted
 * in each framing.  The scan of a segment gives its records, raw and
 * stored sizes and the time of its first frame after a given record, and
 * says a torn tail (with where its last whole frame ends), a header too
 * short or bad, a frame that holds fewer records than it says (when
 * verifying) and a file that is not there.  Files live in a private
 * directory under $TMPDIR.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "diskq.h"
#include "tap.h"

#define T0	UINT64_C(1700000000123456789)	/* a time, in ns */

static int	 dfd;
static char	 dir[4096];

static void	 test_ckpt(void);
static void	 test_count(void);
static void	 test_scan(void);
static void	 put(uint64_t, const char *, size_t);
static void	 cleanup(void);

static void
test_ckpt(void)
{
	static const uint64_t	 nums[] = { 0, 1, 42, UINT64_MAX };
	char			 buf[PF_DISKQ_CKPT_MAX], bad[PF_DISKQ_CKPT_MAX];
	uint64_t		 d;
	size_t			 i;
	int			 n, len = -1;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		n = pf_diskq_ckpt_format(buf, sizeof(buf), nums[i]);
		ok(n > 0 && n < PF_DISKQ_CKPT_MAX && buf[n - 1] == '\n',
		    "checkpoint for %ju: one line", (uintmax_t)nums[i]);
		if (len == -1)
			len = n;
		is_int(n, len, "checkpoint for %ju: always %d bytes",
		    (uintmax_t)nums[i], len);
		d = 7;
		ok(pf_diskq_ckpt_parse(buf, n, &d) == 0 && d == nums[i],
		    "checkpoint for %ju reads back", (uintmax_t)nums[i]);
	}
	n = pf_diskq_ckpt_format(buf, sizeof(buf), 12345);
	ok(strncmp(buf, "PFCKPT1 00000000000000012345 ", 29) == 0,
	    "checkpoint: magic, then the number in 20 digits");
	d = 7;
	ok(pf_diskq_ckpt_parse(buf, 0, &d) == -1 && d == 7,
	    "empty checkpoint refused, nothing stored");
	ok(pf_diskq_ckpt_parse(buf, n - 1, &d) == -1,
	    "checkpoint without its newline refused");
	ok(pf_diskq_ckpt_parse(buf, n - 5, &d) == -1,
	    "cut checkpoint refused");
	memcpy(bad, buf, n);
	bad[10] = bad[10] == '1' ? '2' : '1';
	ok(pf_diskq_ckpt_parse(bad, n, &d) == -1,
	    "checkpoint with a digit changed refused (checksum)");
	memcpy(bad, buf, n);
	bad[0] = 'Q';
	ok(pf_diskq_ckpt_parse(bad, n, &d) == -1,
	    "checkpoint with another magic refused");
	memcpy(bad, buf, n);
	bad[n - 2] = 'g';
	ok(pf_diskq_ckpt_parse(bad, n, &d) == -1,
	    "checkpoint with a checksum that is not hex refused");
	memcpy(bad, buf, n);
	bad[n - 1] = ' ';
	ok(pf_diskq_ckpt_parse(bad, n, &d) == -1,
	    "checkpoint ending in a blank refused");
	memset(bad, '1', sizeof(bad));
	bad[sizeof(bad) - 1] = '\n';
	ok(pf_diskq_ckpt_parse(bad, sizeof(bad), &d) == -1,
	    "checkpoint of %zu bytes refused", sizeof(bad));
	memcpy(bad, buf, n);
	memcpy(bad + n, buf, n);
	ok(pf_diskq_ckpt_parse(bad, 2 * n, &d) == -1,
	    "two checkpoints in one refused");
}

static void
test_count(void)
{
	is_int(pf_diskq_count(PF_FRAME_LINE, "a\nb\n", 4), 2,
	    "count: two lines");
	is_int(pf_diskq_count(PF_FRAME_LINE, "a\nb", 3), 2,
	    "count: the unterminated last line counts");
	is_int(pf_diskq_count(PF_FRAME_LINE, "\n\n\n", 3), 3,
	    "count: empty lines count");
	is_int(pf_diskq_count(PF_FRAME_LINE, "", 0), 0, "count: nothing");
	is_int(pf_diskq_count(PF_FRAME_NUL, "a\0b\nc\0", 6), 2,
	    "count: NUL-terminated records, newlines inside");
	is_int(pf_diskq_count(PF_FRAME_NUL, "a\0b", 3), 2,
	    "count: an unterminated last NUL record counts");
	is_int(pf_diskq_count(PF_FRAME_BYTES, "a\nb\0c", 5), 5,
	    "count: bytes are bytes");
}

/* Write len bytes at p as segment num's file. */
static void
put(uint64_t num, const char *p, size_t len)
{
	char	name[PF_SPILLDIR_SEGNAME_MAX];
	int	fd;

	(void)pf_spilldir_segname(name, sizeof(name), num);
	if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
	    -1 || write(fd, p, len) != (ssize_t)len)
		ok(0, "write %s: %s", name, strerror(errno));
	if (fd != -1)
		close(fd);
}

static void
test_scan(void)
{
	struct pf_seg_writer	*w;
	struct pf_diskq_seg	 s;
	const char		*errstr;
	char			 name[PF_SPILLDIR_SEGNAME_MAX], msg[256];
	char			 hdr[64];
	off_t			 off, ends[3] = { 0, 0, 0 };
	int			 bad, fd, ret, verify;

	(void)pf_spilldir_segname(name, sizeof(name), 7);
	if ((w = pf_seg_create(dfd, name, 100, 0, PF_FRAME_LINE,
	    &errstr)) == NULL) {
		ok(0, "create a segment: %s", errstr);
		return;
	}
	ok(pf_seg_append(w, "a\nb\nc\n", 6, 3, T0) == 0 &&
	    (ends[0] = pf_seg_bytes(w)) > 0 &&
	    pf_seg_append(w, "dd\n", 3, 1, T0 + 1) == 0 &&
	    (ends[1] = pf_seg_bytes(w)) > ends[0] &&
	    pf_seg_append(w, "e\nf\n", 4, 2, T0 + 2) == 0 &&
	    (ends[2] = pf_seg_bytes(w)) > ends[1] && pf_seg_close(w) == 0,
	    "a segment of three frames, records 100 to 105");
	for (verify = 0; verify <= 1; verify++) {
		ret = pf_diskq_scan(dfd, 7, 0, &s, &off, msg, sizeof(msg),
		    &bad, verify);
		ok(ret == 0 && !bad && s.num == 7 && s.first == 100 &&
		    s.end == 106 && s.raw == 13 && s.stored ==
		    (uint64_t)ends[2] && s.time == T0 &&
		    s.kind == PF_FRAME_LINE,
		    "scan%s: clean, records 100 to 105, 13 raw bytes, %jd "
		    "stored, the first frame's time", verify ? " (verify)" :
		    "", (intmax_t)ends[2]);
		is_int(off, ends[2], "scan%s: ends at the end",
		    verify ? " (verify)" : "");
	}
	ret = pf_diskq_scan(dfd, 7, 103, &s, &off, msg, sizeof(msg), &bad,
	    0);
	ok(ret == 0 && s.first == 100 && s.end == 106 && s.raw == 7 &&
	    s.time == T0 + 1,
	    "scan from record 103: the frames that end after it only");
	ret = pf_diskq_scan(dfd, 7, 106, &s, &off, msg, sizeof(msg), &bad,
	    0);
	ok(ret == 0 && s.end == 106 && s.raw == 0 && s.time == 0,
	    "scan from its end: no raw bytes, no time");
	is_int(pf_diskq_raw_all(dfd, 7), 13, "raw_all: every frame's bytes");

	/* Cut inside the last frame: torn, ending after the second. */
	if ((fd = openat(dfd, name, O_WRONLY)) == -1 ||
	    ftruncate(fd, ends[2] - 3) == -1)
		ok(0, "truncate: %s", strerror(errno));
	if (fd != -1)
		close(fd);
	ret = pf_diskq_scan(dfd, 7, 0, &s, &off, msg, sizeof(msg), &bad, 0);
	ok(ret == 1 && !bad && s.end == 104 && off == ends[1] &&
	    s.stored == (uint64_t)ends[2] - 3,
	    "torn tail: 1, records to 103, last whole frame at %jd",
	    (intmax_t)ends[1]);
	ok(strstr(msg, name) != NULL, "torn tail: the message names the "
	    "segment (%s)", msg);
	is_int(pf_diskq_raw_all(dfd, 7), 9, "raw_all: whole frames only");

	/* A frame that says more records than it holds. */
	(void)pf_spilldir_segname(name, sizeof(name), 8);
	if ((w = pf_seg_create(dfd, name, 0, 0, PF_FRAME_LINE,
	    &errstr)) == NULL ||
	    pf_seg_append(w, "x\ny\n", 4, 3, T0) != 0 || pf_seg_close(w) != 0)
		ok(0, "a lying segment");
	ret = pf_diskq_scan(dfd, 8, 0, &s, &off, msg, sizeof(msg), &bad, 0);
	ok(ret == 0 && s.end == 3, "lying frame: headers alone believe it");
	ret = pf_diskq_scan(dfd, 8, 0, &s, &off, msg, sizeof(msg), &bad, 1);
	ok(ret == 2 && !bad && strstr(msg, "a frame of 3 records holds 2") !=
	    NULL, "lying frame, verified: a fault (%s)", msg);

	/* Headers: too short (a crash right after creation), or bad. */
	put(9, "PFSEG", 5);
	ret = pf_diskq_scan(dfd, 9, 0, &s, &off, msg, sizeof(msg), &bad, 0);
	ok(ret == 1 && bad && off == 0 && strstr(msg, "short header"),
	    "short header: torn at 0, header bad (%s)", msg);
	memset(hdr, 'x', sizeof(hdr));
	put(10, hdr, sizeof(hdr));
	ret = pf_diskq_scan(dfd, 10, 0, &s, &off, msg, sizeof(msg), &bad, 0);
	ok(ret == 2 && bad && off == 0 && strstr(msg, "bad header"),
	    "bad header: a fault at 0 (%s)", msg);
	is_int(pf_diskq_raw_all(dfd, 10), 0, "raw_all of a bad header: 0");

	/* Not there at all. */
	errno = 0;
	ret = pf_diskq_scan(dfd, 11, 0, &s, &off, msg, sizeof(msg), &bad, 0);
	ok(ret == -1 && errno == ENOENT && !bad,
	    "a missing segment: -1, ENOENT (%s)", msg);
	is_int(pf_diskq_raw_all(dfd, 11), 0, "raw_all of a missing one: 0");
}

static void
cleanup(void)
{
	char	name[PF_SPILLDIR_SEGNAME_MAX];
	int	n;

	for (n = 7; n <= 11; n++) {
		(void)pf_spilldir_segname(name, sizeof(name), n);
		(void)unlinkat(dfd, name, 0);
	}
	close(dfd);
	ok(rmdir(dir) == 0, "scratch directory removed");
}

int
main(void)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	(void)snprintf(dir, sizeof(dir), "%s/pf-diskq.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY)) == -1) {
		printf("Bail out! cannot create a directory under %s\n", tmp);
		return (1);
	}
	test_ckpt();
	test_count();
	test_scan();
	cleanup();
	return (done());
}
