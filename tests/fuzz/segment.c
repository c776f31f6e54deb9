/* SPDX-License-Identifier: ISC */
/*
 * segment.c: a libFuzzer target for the spill segment reader
 * (lib/segment.c).  The input is a whole segment file image: a crash, a
 * bad disk or a hostile user may leave any bytes there, and the reader
 * must answer with frames, a clean end, a torn tail or a corruption
 * error, never crash or allocate beyond its caps.  Checked: frames come
 * with consecutive sequence numbers and within the caps, offsets only
 * grow and stay inside the file, a failed call gives the same answer
 * again, pf_seg_skim() walks the same frames to the same end (but over a
 * damaged payload, which it does not read), and cutting a torn tail
 * leaves a file that reads the same frames to a clean end.
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
#define FZ_HDR		32	/* the file header */
#define FZ_FRAME_HDR	40	/* a frame header */
#define FZ_TRAILER	8	/* a frame's payload checksum */

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	 fz_cleanup(void);
static int	 fz_read(size_t, off_t *, int *);
static int	 fz_payload_error(const char *);
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
	uint64_t	off = FZ_HDR, stored;

	if (size < FZ_HDR)
		return;
	fz_put64(p + 24, XXH3_64bits(p, 24));
	while (off + FZ_FRAME_HDR <= size) {
		fz_put32(p + off + 36, (uint32_t)XXH3_64bits(p + off, 36));
		stored = (uint64_t)p[off + 32] | (uint64_t)p[off + 33] << 8 |
		    (uint64_t)p[off + 34] << 16 | (uint64_t)p[off + 35] << 24;
		if (off + FZ_FRAME_HDR + stored + FZ_TRAILER > size)
			break;
		fz_put64(p + off + FZ_FRAME_HDR + stored,
		    XXH3_64bits(p + off + FZ_FRAME_HDR, stored));
		off += FZ_FRAME_HDR + stored + FZ_TRAILER;
	}
}

/* pf_seg_next()'s errors that pf_seg_skim() cannot see. */
static int
fz_payload_error(const char *errstr)
{
	return (strcmp(errstr, "bad payload checksum") == 0 ||
	    strcmp(errstr, "bad zstd frame") == 0 ||
	    strcmp(errstr, "zstd size mismatch") == 0);
}

/*
 * Read the segment to its end, and skim it alongside; returns the number
 * of good frames.
 */
static int
fz_read(size_t size, off_t *end, int *last)
{
	struct pf_seg_reader	*r, *rs;
	const char		*data, *errstr, *serr;
	size_t			 len, len2;
	uint64_t		 seq, want, seq2, sseq;
	uint32_t		 nrec, nrec2, snrec, sraw, sstored;
	off_t			 prev = 0;
	int			 n = 0, ret, sret;

	*last = -2;
	*end = 0;
	if ((r = pf_seg_open(fz_dirfd, FZ_NAME, &errstr)) == NULL) {
		if (errno != EBADMSG ||
		    (size < FZ_HDR) != (strcmp(errstr, "short header") == 0))
			abort();	/* not the right header error */
		return (-1);
	}
	if ((rs = pf_seg_open(fz_dirfd, FZ_NAME, &serr)) == NULL)
		abort();
	want = pf_seg_first_seq(r);
	while ((ret = pf_seg_next(r, &data, &len, &seq, &nrec,
	    &errstr)) == 1) {
		if (seq != want || nrec == 0 || len == 0 ||
		    len > PF_SEG_FRAME_MAX || data == NULL)
			abort();
		if (pf_seg_offset(r) <= prev && prev != 0)
			abort();
		if (pf_seg_offset(r) < FZ_HDR ||
		    (size_t)pf_seg_offset(r) + FZ_FRAME_HDR + 1 + FZ_TRAILER >
		    size)
			abort();	/* a frame outside the file */
		if (pf_seg_skim(rs, &sseq, &snrec, &sraw, &sstored,
		    &serr) != 1 || sseq != seq || snrec != nrec ||
		    sraw != len || pf_seg_offset(rs) != pf_seg_offset(r) ||
		    pf_seg_time(rs) != pf_seg_time(r) ||
		    (size_t)pf_seg_offset(r) + FZ_FRAME_HDR + sstored +
		    FZ_TRAILER > size)
			abort();	/* skimmed otherwise */
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
	sret = pf_seg_skim(rs, &sseq, &snrec, &sraw, &sstored, &serr);
	if (ret == -1 && fz_payload_error(errstr)) {
		if (sret != 1 || pf_seg_offset(rs) != *end)
			abort();	/* skimmed otherwise */
	} else if (sret != ret || pf_seg_offset(rs) != *end ||
	    pf_seg_reader_next_seq(rs) != want ||
	    (ret != 0 && strcmp(serr, errstr) != 0))
		abort();		/* skim ends otherwise */
	pf_seg_close_reader(rs);
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
