/* SPDX-License-Identifier: ISC */
/*
 * segment.c: spill segments on disk.
 *
 * spill keeps what does not fit in memory in segment files, and with
 * --durable keeps everything there across a crash.  A segment must
 * therefore say, after any crash or disk error, exactly which records it
 * still holds: every frame is checksummed, and frames carry sequence
 * numbers so that a lost frame is a counted gap, never a silent one.
 *
 * Format (all integers little-endian, written byte by byte):
 *
 *   file header, 32 bytes:
 *	0  magic "PFSPILL1"			8 bytes
 *	8  version = 1				u32
 *	12 kind (what the records are; 0..255, the caller's)	u32
 *	16 first_seq (of the first record)	u64
 *	24 XXH3-64 of bytes 0..23		u64
 *
 *   then frames back to back, each:
 *	0  magic 0x50464652 ("PFFR")		u32
 *	4  flags: bit 0 = payload is one zstd frame, else raw	u32
 *	8  first_seq				u64
 *	16 time (ns since the epoch, 0 = unknown)	u64
 *	24 nrec (>= 1)				u32
 *	28 raw_len (>= 1)			u32
 *	32 stored_len				u32
 *	36 low 32 bits of XXH3-64 of bytes 0..35	u32
 *	40 payload, stored_len bytes
 *	   XXH3-64 of the payload		u64
 *
 * The payload is the frame's records, raw, with their terminators,
 * concatenated.  A frame's first_seq is the previous frame's first_seq +
 * nrec (the file header's first_seq for the first frame); anything else
 * is corruption.  time is when the frame's first record arrived, in
 * nanoseconds since the Unix epoch (UTC), 0 if unknown: readers use it
 * for the age of the records.  It is not checked for order, since clocks
 * step.  raw_len and stored_len are capped at PF_SEG_FRAME_MAX (65 MiB: a
 * 64 MiB segment's worth of records plus room for the largest record)
 * before anything is allocated, and a zstd payload must decode to exactly
 * raw_len bytes into a buffer of raw_len bytes, so a zstd bomb or a lying
 * length is an error, not an OOM.
 *
 * The end of a file: nothing after the last frame is a clean end; fewer
 * bytes than a frame header, or a valid frame header whose payload or
 * checksum runs past the end of the file, is a torn tail (a crash or a
 * full disk during an append); a full 40-byte header that does not check
 * out is corruption, even at the end, since a torn write cannot produce
 * one.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#include "pipeflow.h"
#include "fault.h"

#define SEG_MAGIC	"PFSPILL1"
#define SEG_VERSION	1
#define SEG_HDR		32
#define FRAME_MAGIC	0x50464652U
#define FRAME_HDR	40
#define FRAME_TRAILER	8
#define FRAME_ZSTD	0x1U

struct pf_seg_writer {
	int		 fd;
	int		 level;
	int		 failed;	/* a sync or cut-back failed */
	uint64_t	 next_seq;
	off_t		 end;		/* end of the last whole frame */
	ZSTD_CCtx	*cctx;
	char		*cbuf;
	size_t		 cbufsz;
};

/* A frame header, as read. */
struct frame {
	uint32_t	 flags;
	uint64_t	 seq;
	uint64_t	 time_ns;
	uint32_t	 nrec;
	uint32_t	 raw;
	uint32_t	 stored;
};

struct pf_seg_reader {
	int		 fd;
	unsigned int	 kind;
	uint32_t	 bad_nrec;	/* a good header, a bad payload */
	off_t		 bad_end;
	uint64_t	 first_seq;
	uint64_t	 next_seq;
	off_t		 off;		/* the frame returned or being read */
	off_t		 next;		/* where the next frame starts */
	uint64_t	 time_ns;	/* of the frame last returned */
	ZSTD_DCtx	*dctx;
	char		*zbuf;		/* stored payload */
	size_t		 zbufsz;
	char		*rbuf;		/* decompressed payload */
	size_t		 rbufsz;
};

static void	 put32(unsigned char *, uint32_t);
static void	 put64(unsigned char *, uint64_t);
static uint32_t	 get32(const unsigned char *);
static uint64_t	 get64(const unsigned char *);
static int	 pwrite_all(int, const void *, size_t, off_t);
static ssize_t	 pread_all(int, void *, size_t, off_t);
static int	 grow(char **, size_t *, size_t);
static int	 frame_head(struct pf_seg_reader *, struct frame *,
		     const char **);

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static uint64_t
get64(const unsigned char *p)
{
	return ((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

/*
 * Write all of buf at off.  A regular file on a full disk first takes
 * part of a write and then fails: loop on the remainder, never rewrite
 * what was taken.
 */
static int
pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const char	*p = buf;
	ssize_t		 n;
	size_t		 l;
	int		 err;

	while (len > 0) {
		l = len;
		if ((err = pf_fault(PF_FAULT_SEG, &l)) != 0) {
			errno = err;
			n = -1;
		} else
			n = pwrite(fd, p, l, off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		p += n;
		len -= n;
		off += n;
	}
	return (0);
}

/* Read up to len bytes at off; fewer only at the end of the file. */
static ssize_t
pread_all(int fd, void *buf, size_t len, off_t off)
{
	char	*p = buf;
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = pread(fd, p + got, len - got, off + got);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		got += n;
	}
	return ((ssize_t)got);
}

static int
grow(char **buf, size_t *sz, size_t want)
{
	char	*p;

	if (want <= *sz)
		return (0);
	/* Never realloc: the old contents are not needed. */
	if ((p = malloc(want)) == NULL)
		return (-1);
	free(*buf);
	*buf = p;
	*sz = want;
	return (0);
}

struct pf_seg_writer *
pf_seg_create(int dirfd, const char *name, uint64_t first_seq, int level,
    unsigned int kind, const char **errstr)
{
	struct pf_seg_writer	*w;
	unsigned char		 hdr[SEG_HDR];
	int			 saved;

	if (kind > PF_SEG_KIND_MAX) {
		*errstr = "bad kind";
		errno = EINVAL;
		return (NULL);
	}
	if (level < 0 || level > 19) {
		*errstr = "bad compression level";
		errno = EINVAL;
		return (NULL);
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		*errstr = "out of memory";
		return (NULL);
	}
	w->level = level;
	w->next_seq = first_seq;
	if (level > 0 && (w->cctx = ZSTD_createCCtx()) == NULL) {
		free(w);
		*errstr = "out of memory";
		errno = ENOMEM;
		return (NULL);
	}
	w->fd = openat(dirfd, name,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd == -1) {
		saved = errno;
		ZSTD_freeCCtx(w->cctx);
		free(w);
		*errstr = "cannot create";
		errno = saved;
		return (NULL);
	}
	memcpy(hdr, SEG_MAGIC, 8);
	put32(hdr + 8, SEG_VERSION);
	put32(hdr + 12, kind);
	put64(hdr + 16, first_seq);
	put64(hdr + 24, XXH3_64bits(hdr, 24));
	if (pwrite_all(w->fd, hdr, sizeof(hdr), 0) == -1) {
		/* We created it (O_EXCL), so it is ours to remove. */
		saved = errno;
		unlinkat(dirfd, name, 0);
		close(w->fd);
		ZSTD_freeCCtx(w->cctx);
		free(w);
		*errstr = "cannot write header";
		errno = saved;
		return (NULL);
	}
	w->end = SEG_HDR;
	return (w);
}

int
pf_seg_append(struct pf_seg_writer *w, const void *data, size_t len,
    uint32_t nrec, uint64_t time_ns)
{
	unsigned char	 hdr[FRAME_HDR], tr[FRAME_TRAILER];
	const void	*payload = data;
	size_t		 stored = len, bound, z;
	uint32_t	 flags = 0;
	off_t		 off;
	int		 saved;

	if (w->failed) {
		errno = EIO;
		return (-1);
	}
	if (len == 0 || nrec == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (len > PF_SEG_FRAME_MAX) {
		errno = E2BIG;
		return (-1);
	}
	if (w->next_seq + nrec < w->next_seq) {
		errno = EOVERFLOW;
		return (-1);
	}
	if (w->level > 0) {
		bound = ZSTD_compressBound(len);
		if (grow(&w->cbuf, &w->cbufsz, bound) == -1)
			return (-1);
		z = ZSTD_compressCCtx(w->cctx, w->cbuf, bound, data, len,
		    w->level);
		if (ZSTD_isError(z)) {
			errno = ENOMEM;
			return (-1);
		}
		/* Incompressible data costs no more than raw. */
		if (z < len) {
			payload = w->cbuf;
			stored = z;
			flags = FRAME_ZSTD;
		}
	}
	put32(hdr, FRAME_MAGIC);
	put32(hdr + 4, flags);
	put64(hdr + 8, w->next_seq);
	put64(hdr + 16, time_ns);
	put32(hdr + 24, nrec);
	put32(hdr + 28, (uint32_t)len);
	put32(hdr + 32, (uint32_t)stored);
	put32(hdr + 36, (uint32_t)XXH3_64bits(hdr, 36));
	put64(tr, XXH3_64bits(payload, stored));

	off = w->end;
	if (pwrite_all(w->fd, hdr, sizeof(hdr), off) == -1 ||
	    pwrite_all(w->fd, payload, stored, off + FRAME_HDR) == -1 ||
	    pwrite_all(w->fd, tr, sizeof(tr), off + FRAME_HDR + stored) ==
	    -1) {
		/*
		 * Cut the part of the frame that got through, so that the
		 * file ends on a whole frame and the same append can be
		 * tried again.  Shrinking needs no space.
		 */
		saved = errno;
		while (ftruncate(w->fd, w->end) == -1) {
			if (errno == EINTR)
				continue;
			w->failed = 1;
			break;
		}
		errno = saved;
		return (-1);
	}
	w->end = off + FRAME_HDR + stored + FRAME_TRAILER;
	w->next_seq += nrec;
	return (0);
}

uint64_t
pf_seg_next_seq(const struct pf_seg_writer *w)
{
	return (w->next_seq);
}

off_t
pf_seg_bytes(const struct pf_seg_writer *w)
{
	return (w->end);
}

int
pf_seg_sync(struct pf_seg_writer *w)
{
	int	err;

	if (w->failed) {
		errno = EIO;
		return (-1);
	}
	/*
	 * After a failed fdatasync the kernel may have dropped the dirty
	 * pages and cleared the error: a second call would succeed without
	 * the data being on disk.  So the writer is dead from here on.
	 */
	if ((err = pf_fault(PF_FAULT_SYNC, NULL)) != 0 ||
	    fdatasync(w->fd) == -1) {
		if (err != 0)
			errno = err;
		w->failed = 1;
		return (-1);
	}
	return (0);
}

int
pf_seg_close(struct pf_seg_writer *w)
{
	int	r, saved;

	if (w == NULL)
		return (0);
	r = close(w->fd);
	saved = errno;
	ZSTD_freeCCtx(w->cctx);
	free(w->cbuf);
	free(w);
	if (r == -1 && saved != EINTR) {
		errno = saved;
		return (-1);
	}
	return (0);
}

struct pf_seg_reader *
pf_seg_open(int dirfd, const char *name, const char **errstr)
{
	struct pf_seg_reader	*r;
	struct stat		 st;
	unsigned char		 hdr[SEG_HDR];
	ssize_t			 n;
	int			 saved;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		*errstr = "out of memory";
		return (NULL);
	}
	r->fd = -1;
	if ((r->dctx = ZSTD_createDCtx()) == NULL) {
		free(r);
		*errstr = "out of memory";
		errno = ENOMEM;
		return (NULL);
	}
	if ((r->fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		*errstr = "cannot open";
		goto fail;
	}
	if (fstat(r->fd, &st) == -1) {
		*errstr = "cannot stat";
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		*errstr = "not a regular file";
		errno = EINVAL;
		goto fail;
	}
	if ((n = pread_all(r->fd, hdr, sizeof(hdr), 0)) == -1) {
		*errstr = "cannot read";
		goto fail;
	}
	if ((size_t)n < sizeof(hdr)) {
		*errstr = "short header";
		errno = EBADMSG;
		goto fail;
	}
	if (memcmp(hdr, SEG_MAGIC, 8) != 0 || get32(hdr + 8) != SEG_VERSION ||
	    get32(hdr + 12) > PF_SEG_KIND_MAX ||
	    get64(hdr + 24) != XXH3_64bits(hdr, 24)) {
		*errstr = "bad header";
		errno = EBADMSG;
		goto fail;
	}
	r->first_seq = r->next_seq = get64(hdr + 16);
	r->kind = get32(hdr + 12);
	r->off = r->next = SEG_HDR;
	return (r);
fail:
	saved = errno;
	pf_seg_close_reader(r);
	errno = saved;
	return (NULL);
}

/*
 * Read and check the header of the frame at r->next, and that the whole
 * frame is inside the file.  Returns 1 with the header in *f, else what
 * pf_seg_next() returns for a clean end, a torn tail or corruption.
 */
static int
frame_head(struct pf_seg_reader *r, struct frame *f, const char **errstr)
{
	struct stat		 st;
	unsigned char		 hdr[FRAME_HDR];
	ssize_t			 got;

	r->off = r->next;
	if ((got = pread_all(r->fd, hdr, sizeof(hdr), r->off)) == -1) {
		*errstr = "read error";
		return (-1);
	}
	if (got == 0)
		return (0);
	if ((size_t)got < sizeof(hdr)) {
		*errstr = "torn frame header";
		return (PF_SEG_TORN);
	}
	if (get32(hdr) != FRAME_MAGIC) {
		*errstr = "bad frame magic";
		errno = EBADMSG;
		return (-1);
	}
	if (get32(hdr + 36) != (uint32_t)XXH3_64bits(hdr, 36)) {
		*errstr = "bad frame header checksum";
		errno = EBADMSG;
		return (-1);
	}
	f->flags = get32(hdr + 4);
	f->seq = get64(hdr + 8);
	f->time_ns = get64(hdr + 16);
	f->nrec = get32(hdr + 24);
	f->raw = get32(hdr + 28);
	f->stored = get32(hdr + 32);
	*errstr = NULL;
	if ((f->flags & ~FRAME_ZSTD) != 0)
		*errstr = "unknown frame flags";
	else if (f->raw > PF_SEG_FRAME_MAX || f->stored > PF_SEG_FRAME_MAX)
		*errstr = "frame too large";
	else if (f->nrec == 0 || f->raw == 0 || f->stored == 0)
		*errstr = "empty frame";
	else if (!(f->flags & FRAME_ZSTD) && f->stored != f->raw)
		*errstr = "frame length mismatch";
	else if (f->seq != r->next_seq)
		*errstr = "sequence gap";
	else if (r->next_seq + f->nrec < r->next_seq)
		*errstr = "sequence overflow";
	if (*errstr != NULL) {
		errno = EBADMSG;
		return (-1);
	}

	/* Tell a torn payload from a short read before allocating. */
	if (fstat(r->fd, &st) == -1) {
		*errstr = "cannot stat";
		return (-1);
	}
	if (st.st_size - r->off <
	    (off_t)(FRAME_HDR + (off_t)f->stored + FRAME_TRAILER)) {
		*errstr = "torn frame";
		return (PF_SEG_TORN);
	}
	return (1);
}

int
pf_seg_next(struct pf_seg_reader *r, const char **data, size_t *len,
    uint64_t *first_seq, uint32_t *nrec, const char **errstr)
{
	struct frame		 f;
	uint32_t		 raw, stored;
	size_t			 z;
	ssize_t			 got;
	int			 ret;

	r->bad_nrec = 0;
	if ((ret = frame_head(r, &f, errstr)) != 1)
		return (ret);
	raw = f.raw;
	stored = f.stored;
	if (grow(&r->zbuf, &r->zbufsz, (size_t)stored + FRAME_TRAILER) ==
	    -1) {
		*errstr = "out of memory";
		return (-1);
	}
	got = pread_all(r->fd, r->zbuf, (size_t)stored + FRAME_TRAILER,
	    r->off + FRAME_HDR);
	if (got == -1) {
		*errstr = "read error";
		return (-1);
	}
	if ((size_t)got < (size_t)stored + FRAME_TRAILER) {
		*errstr = "torn frame";
		return (PF_SEG_TORN);
	}
	if (get64((unsigned char *)r->zbuf + stored) !=
	    XXH3_64bits(r->zbuf, stored)) {
		*errstr = "bad payload checksum";
		goto bad;
	}
	if (f.flags & FRAME_ZSTD) {
		/* One zstd frame, exactly filling a raw_len buffer. */
		z = ZSTD_findFrameCompressedSize(r->zbuf, stored);
		if (ZSTD_isError(z) || z != stored) {
			*errstr = "bad zstd frame";
			goto bad;
		}
		if (grow(&r->rbuf, &r->rbufsz, raw) == -1) {
			*errstr = "out of memory";
			return (-1);
		}
		z = ZSTD_decompressDCtx(r->dctx, r->rbuf, raw, r->zbuf,
		    stored);
		if (ZSTD_isError(z)) {
			*errstr = "bad zstd frame";
			goto bad;
		}
		if (z != raw) {
			*errstr = "zstd size mismatch";
			goto bad;
		}
		*data = r->rbuf;
	} else
		*data = r->zbuf;
	*len = raw;
	*first_seq = f.seq;
	*nrec = f.nrec;
	r->time_ns = f.time_ns;
	r->next = r->off + FRAME_HDR + stored + FRAME_TRAILER;
	r->next_seq += f.nrec;
	return (1);

bad:
	/* The header holds: pf_seg_pass() may step over the frame. */
	r->bad_nrec = f.nrec;
	r->bad_end = r->off + FRAME_HDR + stored + FRAME_TRAILER;
	errno = EBADMSG;
	return (-1);
}

int
pf_seg_pass(struct pf_seg_reader *r, uint32_t *nrec)
{
	if (r->bad_nrec == 0) {
		errno = EINVAL;
		return (-1);
	}
	*nrec = r->bad_nrec;
	r->next = r->bad_end;
	r->next_seq += r->bad_nrec;
	r->bad_nrec = 0;
	return (0);
}

/* pf_seg_next() without reading the payload. */
int
pf_seg_skim(struct pf_seg_reader *r, uint64_t *first_seq, uint32_t *nrec,
    uint32_t *raw_len, uint32_t *stored_len, const char **errstr)
{
	struct frame		 f;
	int			 ret;

	r->bad_nrec = 0;
	if ((ret = frame_head(r, &f, errstr)) != 1)
		return (ret);
	*first_seq = f.seq;
	*nrec = f.nrec;
	*raw_len = f.raw;
	*stored_len = f.stored;
	r->time_ns = f.time_ns;
	r->next = r->off + FRAME_HDR + f.stored + FRAME_TRAILER;
	r->next_seq += f.nrec;
	return (1);
}

off_t
pf_seg_offset(const struct pf_seg_reader *r)
{
	return (r->off);
}

uint64_t
pf_seg_time(const struct pf_seg_reader *r)
{
	return (r->time_ns);
}

unsigned int
pf_seg_kind(const struct pf_seg_reader *r)
{
	return (r->kind);
}

uint64_t
pf_seg_first_seq(const struct pf_seg_reader *r)
{
	return (r->first_seq);
}

uint64_t
pf_seg_reader_next_seq(const struct pf_seg_reader *r)
{
	return (r->next_seq);
}

int
pf_seg_truncate_torn(int dirfd, const char *name, off_t off)
{
	struct stat	 st;
	int		 fd, saved;

	if (off < SEG_HDR) {
		errno = EINVAL;
		return (-1);
	}
	if ((fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || off > st.st_size) {
		errno = EINVAL;
		goto fail;
	}
	while (ftruncate(fd, off) == -1)
		if (errno != EINTR)
			goto fail;
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1 && errno != EINTR)
		return (-1);
	return (0);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

void
pf_seg_close_reader(struct pf_seg_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd != -1)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->zbuf);
	free(r->rbuf);
	free(r);
}
