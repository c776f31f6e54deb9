/* SPDX-License-Identifier: ISC */
/*
 * segment.c: a libFuzzer target for the spill segment reader
 * (lib/segment.c).  The input is a whole segment file image: a crash, a
 * bad disk or a hostile user may leave any bytes there, and the reader
 * must answer with frames, a clean end, a torn tail or a corruption
 * error, never crash or allocate beyond its caps.  Checked: frames come
 * with consecutive sequence numbers and within the caps, offsets only
 * grow and stay inside the file, a failed call gives the same answer
 * again, and cutting a torn tail leaves a file that reads the same frames
 * to a clean end.
 *
 * The first input byte is a mode, the rest the file: with bit 0 set, the
 * checksums in the image are made right first, so that mutations reach
 * the checks behind them (lengths, caps, sequence numbers, zstd) instead
 * of all dying at the first checksum.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "pipeflow.h"

#define FZ_NAME		"seg"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	 fz_cleanup(void);
static int	 fz_read(size_t, off_t *, int *);
static void	 fz_fix(uint8_t *, size_t);
static void	 fz_put32(uint8_t *, uint32_t);
static void	 fz_put64(uint8_t *, uint64_t);

static int	 fz_dirfd = -1;
static char	 fz_dir[4096];

static void
fz_cleanup(void)
{
	unlinkat(fz_dirfd, FZ_NAME, 0);
	rmdir(fz_dir);
}

static void
fz_put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void
fz_put64(uint8_t *p, uint64_t v)
{
	fz_put32(p, (uint32_t)v);
	fz_put32(p + 4, (uint32_t)(v >> 32));
}

/* Make every checksum in a file image right, walking its frames. */
static void
fz_fix(uint8_t *p, size_t size)
{
	uint64_t	off = 32, stored;

	if (size < 32)
		return;
	fz_put64(p + 24, XXH3_64bits(p, 24));
	while (off + 32 <= size) {
		fz_put32(p + off + 28, (uint32_t)XXH3_64bits(p + off, 28));
		stored = (uint64_t)p[off + 24] | (uint64_t)p[off + 25] << 8 |
		    (uint64_t)p[off + 26] << 16 | (uint64_t)p[off + 27] << 24;
		if (off + 32 + stored + 8 > size)
			break;
		fz_put64(p + off + 32 + stored,
		    XXH3_64bits(p + off + 32, stored));
		off += 32 + stored + 8;
	}
}

/* Read the segment to its end; returns the number of good frames. */
static int
fz_read(size_t size, off_t *end, int *last)
{
	struct pf_seg_reader	*r;
	const char		*data, *errstr;
	size_t			 len, len2;
	uint64_t		 seq, want, seq2;
	uint32_t		 nrec, nrec2;
	off_t			 prev = 0;
	int			 n = 0, ret;

	*last = -2;
	*end = 0;
	if ((r = pf_seg_open(fz_dirfd, FZ_NAME, &errstr)) == NULL) {
		if (errno != EBADMSG ||
		    (size < 32) != (strcmp(errstr, "short header") == 0))
			abort();	/* not the right header error */
		return (-1);
	}
	want = pf_seg_first_seq(r);
	while ((ret = pf_seg_next(r, &data, &len, &seq, &nrec,
	    &errstr)) == 1) {
		if (seq != want || nrec == 0 || len == 0 ||
		    len > PF_SEG_FRAME_MAX || data == NULL)
			abort();
		if (pf_seg_offset(r) <= prev && prev != 0)
			abort();
		if (pf_seg_offset(r) < 32 ||
		    (size_t)pf_seg_offset(r) + 32 + 1 + 8 > size)
			abort();	/* a frame outside the file */
		prev = pf_seg_offset(r);
		want += nrec;
		n++;
	}
	if (ret != 0 && ret != -1 && ret != PF_SEG_TORN)
		abort();
	if (ret != 0 && errstr == NULL)
		abort();
	if (pf_seg_reader_next_seq(r) != want)
		abort();
	*end = pf_seg_offset(r);
	if (ret == 0 && (size_t)*end != size)
		abort();		/* a clean end is the end */
	if (pf_seg_next(r, &data, &len2, &seq2, &nrec2, &errstr) != ret ||
	    pf_seg_offset(r) != *end)
		abort();		/* not sticky */
	*last = ret;
	pf_seg_close_reader(r);
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*tmp;
	uint8_t		*img;
	off_t		 end, end2;
	int		 fd, n, n2, last, last2;

	if (fz_dirfd == -1) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		if (snprintf(fz_dir, sizeof(fz_dir), "%s/pf-fuzz-seg.XXXXXX",
		    tmp) >= (int)sizeof(fz_dir) || mkdtemp(fz_dir) == NULL ||
		    (fz_dirfd = open(fz_dir, O_RDONLY | O_DIRECTORY)) == -1)
			abort();
		atexit(fz_cleanup);
	}
	if (size < 1)
		return (0);
	if ((img = malloc(size)) == NULL)
		abort();
	memcpy(img, data + 1, --size);
	if (data[0] & 1)
		fz_fix(img, size);
	if ((fd = openat(fz_dirfd, FZ_NAME, O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) == -1 || (size > 0 && write(fd, img, size) !=
	    (ssize_t)size) || close(fd) == -1)
		abort();
	free(img);

	n = fz_read(size, &end, &last);
	if (last == PF_SEG_TORN) {
		/* Cutting the torn tail leaves the same frames, cleanly. */
		if (pf_seg_truncate_torn(fz_dirfd, FZ_NAME, end) == -1)
			abort();
		n2 = fz_read((size_t)end, &end2, &last2);
		if (n2 != n || last2 != 0 || end2 != end)
			abort();
	}
	return (0);
}
