/* SPDX-License-Identifier: ISC */
/*
 * spillq.c: a FIFO that overflows from memory to disk, for spill.
 *
 * Records are numbered in the order they arrive (bytes, in --bytes mode),
 * and three numbers describe where everything is:
 *
 *	delivered <= mem_seq <= next_seq
 *
 * Everything before mem_seq is in the engine's queue or delivered; the
 * records from mem_seq to next_seq are on disk only; the staging buffer
 * holds what comes after next_seq.  Reads go into the staging buffer.
 * While nothing waits on disk (mem_seq == next_seq) and the queue has
 * room, whole records move from staging to the queue, and no byte touches
 * the disk; otherwise staging fills and is written out as a frame, and
 * the reader brings frames back into the queue, in order, as it drains.
 * So the order is the arrival order whatever the path.
 *
 * With durable set every record is written before it may leave (then
 * copied straight into the queue if it is next and fits), the number of
 * the first undelivered record is checkpointed, and segments are removed
 * only once a checkpoint says they were delivered.  A later run on the
 * directory starts reading at the checkpoint.
 *
 * Faults on disk are found by the segment checksums and the sequence
 * numbers.  Each is reported once every record before it was delivered;
 * --skip-corrupt then skips exactly the records it cost, by number.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeflow.h"
#include "engine.h"
#include "diskq.h"
#include "spillq.h"

#define SQ_TICK		(10 * PF_MSEC)	/* timers' resolution */
#define SQ_RETRY	(100 * PF_MSEC)	/* after a full disk */
#define SQ_STATFS	(100 * PF_MSEC)	/* --min-free: free space kept */
#define SQ_OVERHEAD	(32 + 40 + 8)	/* file and frame headers, trailer */
#define SQ_MARKS	1024		/* output progress, for checkpoints */
#define SQ_WRITE_MAX	(64 * 1024)	/* durable: a mark this often */
#define SQ_GRACE	(500 * PF_MSEC)	/* durable stop: ending a record */
#define SQ_FRAME_MIN	(4 * 1024)	/* a full disk: frames down to */
#define SQ_DIRECT_MIN	(64 * 1024)	/* a read into the queue, at least */
#define SQ_FULL(e)	((e) == ENOSPC || (e) == EFBIG || (e) == EDQUOT)

struct pf_spillq {
	struct pf_spillq_conf	 conf;
	struct pf_spilldir	*dir;
	int			 dfd;
	int			 term;

	char			*sbuf;		/* staging */
	size_t			 scap;
	size_t			 slen;
	size_t			 swhole;	/* bytes of whole records */
	uint64_t		 stime;		/* epoch ns of its oldest */
	uint64_t		 sstart;	/* monotonic, likewise */

	uint64_t		 next_seq;
	uint64_t		 mem_seq;
	uint64_t		 base_seq;	/* delivered, at base_out */
	uint64_t		 base_out;
	uint64_t		 ckpt_seq;	/* in the checkpoint */
	uint64_t		 last_mono;	/* ages handed to the queue */

	struct pf_diskq_seg		*segs;
	size_t			 nsegs;
	size_t			 segcap;
	uint64_t		 next_num;
	struct pf_seg_writer	*w;		/* on the last segment */
	int			 dirty;		/* appended since a sync */
	struct pf_seg_reader	*r;
	uint64_t		 r_num;
	const char		*fdata;		/* the frame being loaded */
	size_t			 flen;
	size_t			 fpos;
	uint64_t		 fseq;		/* record number at fpos */
	uint64_t		 ftime;
	uint64_t		 disk_raw;
	uint64_t		 disk_stored;

	uint64_t		 lost_at;	/* a fault waits at this one */
	uint64_t		 lost_n;	/* records it cost */
	char			 lost_msg[1024];
	int			 lost_known;	/* lost_n is exact */
	int			 lost_pending;
	uint64_t		 tail_at;	/* a fault past the end */
	char			 tail_msg[1024];
	int			 tail_pending;
	uint32_t		 pass_nrec;	/* a bad frame to step over */

	int			 eof;
	int			 qeof;		/* unterminated last record */
	int			 qeof_done;
	int			 qpartial;	/* the queue ends mid-record */
	int			 inq;		/* this read: into the queue */
	const char		*inq_p;		/* there */
	uint64_t		 toolong;	/* record number */
	uint64_t		 qtoolong;	/* likewise, found by the queue */
	int			 full_warned;
	int			 full;		/* at a bound */
	uint64_t		 retry_at;
	uint64_t		 free_at;	/* when free space was read */
	uint64_t		 free_bytes;
	uint64_t		 next_ckpt;
	int			 started;
	uint64_t		 recovered;
	uint64_t		 recovered_bytes;
	uint64_t		 torn;
	uint64_t		 lost;
	uint64_t		 written;	/* raw bytes ever written */
	uint64_t		 written_stored;
	int			 closed;
	int			 stopped;
	uint64_t		 stop_at;	/* durable stop: when it came */
	int			 sync_failed;	/* said once; never again */
	int			 ckpt_file;	/* one is in place */
	int			 ckpt_warned;	/* it could not be written */
	uint64_t		 ckpt_retry;	/* a full disk: early, at */
	size_t			 fcap;		/* frame size now (a full disk) */
	int			 roll;		/* the next frame: a new segment */

	struct {
		uint64_t	 bytes;		/* bytes written by then */
		uint64_t	 units;		/* records (bytes) completed */
	}			 marks[SQ_MARKS];
	size_t			 mfirst;
	size_t			 mcount;
};

static const char *sq_framing(unsigned int);
static uint64_t	 sq_epoch(void);
static void	 sq_msg(struct pf_spillq *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
static void	 sq_segname(char *, uint64_t);
static struct pf_diskq_seg *sq_push(struct pf_spillq *);
static void	 sq_pop(struct pf_spillq *, size_t);
static uint64_t	 sq_units(const struct pf_spillq *, const char *, size_t);
static uint64_t	 sq_delivered(struct pf_spillq *, struct pf_engine *);
static void	 sq_mark(struct pf_spillq *, struct pf_engine *);
static uint64_t	 sq_taken(struct pf_spillq *, struct pf_engine *);
static uint64_t	 sq_mono(struct pf_spillq *, uint64_t, uint64_t);
static size_t	 sq_in_queue(struct pf_spillq *, struct pf_queue *, char **);
static size_t	 sq_toqueue(struct pf_spillq *, struct pf_queue *,
		     const char *, size_t, int, int, uint64_t, uint64_t *);
static void	 sq_unstage(struct pf_spillq *, size_t, uint64_t);
static int	 sq_room(struct pf_spillq *, uint64_t, uint64_t);
static uint64_t	 sq_free(struct pf_spillq *, uint64_t);
static int	 sq_sync(struct pf_spillq *);
static int	 sq_append(struct pf_spillq *, struct pf_engine *, uint64_t);
static int	 sq_flush(struct pf_spillq *, struct pf_engine *, uint64_t,
		     int);
static int	 sq_direct(struct pf_spillq *, struct pf_engine *, uint64_t);
static int	 sq_next_frame(struct pf_spillq *, struct pf_engine *);
static int	 sq_load(struct pf_spillq *, struct pf_engine *, uint64_t);
static void	 sq_retire(struct pf_spillq *);
static int	 sq_checkpoint(struct pf_spillq *, struct pf_engine *, int);
static int	 sq_ckpt_write(struct pf_spillq *, uint64_t, int);
static int	 sq_fault(struct pf_spillq *, struct pf_engine *);

static size_t	 sq_in_space(void *, struct pf_engine *, char **);
static int	 sq_in_data(void *, struct pf_engine *, size_t, uint64_t,
		     uint64_t *);
static void	 sq_in_end(void *, struct pf_engine *, uint64_t, int);
static int	 sq_pump(void *, struct pf_engine *, uint64_t);
static uint64_t	 sq_held(void *, struct pf_engine *);
static void	 sq_uncount(struct pf_spillq *, struct pf_engine *);
static void	 sq_gone(void *, struct pf_engine *);
static size_t	 sq_allow(void *, struct pf_engine *, uint64_t, uint64_t *);
static size_t	 sq_whole(struct pf_spillq *, struct pf_engine *, uint64_t,
		     uint64_t *);
static void	 sq_quit(void *, struct pf_engine *);
static void	 sq_tick(void *, struct pf_engine *, uint64_t, int);
static double	 sq_pressure(void *, struct pf_engine *);
static void	 sq_metrics(FILE *, const char *, void *);

static const char *
sq_framing(unsigned int kind)
{
	switch (kind) {
	case PF_FRAME_LINE:
		return ("in lines");
	case PF_FRAME_NUL:
		return ("in NUL-terminated records (-z)");
	case PF_FRAME_BYTES:
		return ("as bytes (--bytes)");
	}
	return ("in an unknown framing");
}

static uint64_t
sq_epoch(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * PF_NSEC + (uint64_t)ts.tv_nsec);
}

static void
sq_msg(struct pf_spillq *sq, const char *fmt, ...)
{
	va_list	ap;

	/* warnx(3): the program name, which names the stage (cmd/tool.c). */
	(void)sq;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static void
sq_segname(char *buf, uint64_t num)
{
	(void)pf_spilldir_segname(buf, PF_SPILLDIR_SEGNAME_MAX, num);
}

static struct pf_diskq_seg *
sq_push(struct pf_spillq *sq)
{
	struct pf_diskq_seg	*n;
	size_t		 cap;

	if (sq->nsegs == sq->segcap) {
		cap = sq->segcap ? sq->segcap * 2 : 16;
		if ((n = reallocarray(sq->segs, cap, sizeof(*n))) == NULL)
			return (NULL);
		sq->segs = n;
		sq->segcap = cap;
	}
	n = &sq->segs[sq->nsegs++];
	memset(n, 0, sizeof(*n));
	return (n);
}

/* Forget segment i (its file is gone). */
static void
sq_pop(struct pf_spillq *sq, size_t i)
{
	sq->disk_raw -= sq->segs[i].raw;
	sq->disk_stored -= sq->segs[i].stored;
	memmove(&sq->segs[i], &sq->segs[i + 1],
	    (sq->nsegs - i - 1) * sizeof(sq->segs[0]));
	sq->nsegs--;
}

/* Records (bytes in --bytes mode) in len bytes of whole records. */
static uint64_t
sq_units(const struct pf_spillq *sq, const char *p, size_t len)
{
	return (pf_diskq_count(sq->conf.framing, p, len));
}

/* The number of the first record not yet written out. */
static uint64_t
sq_delivered(struct pf_spillq *sq, struct pf_engine *e)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	uint64_t			 out;

	out = sq->conf.framing == PF_FRAME_BYTES ? c->bytes_out :
	    c->records_out;
	return (sq->base_seq + (out - sq->base_out));
}

/* Note how far output got, to tell later what left the pipe. */
static void
sq_mark(struct pf_spillq *sq, struct pf_engine *e)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	size_t				 i;

	if (sq->mcount > 0) {
		i = (sq->mfirst + sq->mcount - 1) % SQ_MARKS;
		if (sq->marks[i].bytes == c->bytes_out)
			return;
	}
	if (sq->mcount == SQ_MARKS) {
		sq->mfirst = (sq->mfirst + 1) % SQ_MARKS;
		sq->mcount--;
	}
	i = (sq->mfirst + sq->mcount++) % SQ_MARKS;
	sq->marks[i].bytes = c->bytes_out;
	sq->marks[i].units = sq_delivered(sq, e);
}

/*
 * The number of the first record that has not left the output pipe:
 * what its reader has not read yet is not delivered, as a crash of the
 * machine or of the reader would lose it.  Without a mark old enough, no
 * progress since the last checkpoint is claimed.
 */
static uint64_t
sq_taken(struct pf_spillq *sq, struct pf_engine *e)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	uint64_t			 unread, target, best;
	size_t				 i, k;

	unread = pf_engine_out_unread(e);
	if (unread == 0)
		return (sq_delivered(sq, e));
	target = c->bytes_out > unread ? c->bytes_out - unread : 0;
	if (sq->conf.framing == PF_FRAME_BYTES)
		return (sq->base_seq + (target - sq->base_out));
	sq_mark(sq, e);
	best = sq->ckpt_seq;
	for (k = 0; k < sq->mcount; k++) {
		i = (sq->mfirst + k) % SQ_MARKS;
		if (sq->marks[i].bytes > target)
			break;
		if (sq->marks[i].units > best)
			best = sq->marks[i].units;
	}
	/* The marks before the one used are of no more use. */
	if (k > 1) {
		sq->mfirst = (sq->mfirst + k - 1) % SQ_MARKS;
		sq->mcount -= k - 1;
	}
	return (best);
}

/* The monotonic time a frame's records arrived, for their ages. */
static uint64_t
sq_mono(struct pf_spillq *sq, uint64_t now, uint64_t epoch)
{
	uint64_t	wall = sq_epoch(), t = now;

	if (epoch != 0 && epoch < wall && wall - epoch < now)
		t = now - (wall - epoch);
	if (t < sq->last_mono)
		t = sq->last_mono;
	sq->last_mono = t;
	return (t);
}

/*
 * Copy whole records from len bytes at p into the queue, as far as -m
 * leaves room.  A record larger than -m goes into an empty queue alone,
 * in pieces if need be when split is set (the pieces that follow must
 * then come from the same place: qpartial).  last: p ends with the
 * unterminated last record of the input.  Returns the bytes copied and
 * stores the records (bytes) completed in *units.
 */
static size_t
sq_toqueue(struct pf_spillq *sq, struct pf_queue *q, const char *p,
    size_t len, int last, int split, uint64_t when, uint64_t *units)
{
	char		*dst;
	const char	*t;
	size_t		 room, n;
	uint64_t	 used, recs;

	*units = 0;
	if (len == 0 || (room = pf_queue_space(q, &dst)) == 0)
		return (0);
	used = pf_queue_bytes(q) + pf_queue_pending(q);
	n = len;
	if (n > room)
		n = room;
	if (sq->conf.framing == PF_FRAME_BYTES) {
		if (used >= sq->conf.memory)
			return (0);
		if (n > sq->conf.memory - used)
			n = sq->conf.memory - used;
		memcpy(dst, p, n);
		(void)pf_queue_input(q, n, when, &recs);
		*units = n;
		return (n);
	}
	if (sq->qpartial) {
		/* The rest of a long record: up to its end. */
		if ((t = memchr(p, sq->term, n)) != NULL)
			n = t - p + 1;
	} else if (used < sq->conf.memory || used == 0) {
		if (used < sq->conf.memory && n > sq->conf.memory - used)
			n = sq->conf.memory - used;
		if (n < len) {
			if ((t = memrchr(p, sq->term, n)) != NULL)
				n = t - p + 1;
			else if (used > 0 || !split)
				return (0);
			else {
				/* A record longer than -m, alone. */
				n = len < room ? len : room;
				if ((t = memchr(p, sq->term, n)) != NULL)
					n = t - p + 1;
			}
		}
	} else
		return (0);
	memcpy(dst, p, n);
	/*
	 * Records from staging were checked already; one from disk may be
	 * longer than this run allows (an earlier run wrote it with a larger
	 * --max-record): the queue finds it, and takes nothing more.
	 */
	if (pf_queue_input(q, n, when, &recs) == PF_QUEUE_TOOLONG &&
	    sq->qtoolong == 0)
		sq->qtoolong = sq->base_seq + pf_queue_toolong(q);
	*units = recs;
	sq->qpartial = p[n - 1] != sq->term;
	if (last && n == len && sq->qpartial) {
		(*units)++;
		sq->qeof = 1;
		sq->qpartial = 0;
	}
	return (n);
}

/* Remove n bytes (whole records) from the front of the staging buffer. */
static void
sq_unstage(struct pf_spillq *sq, size_t n, uint64_t now)
{
	memmove(sq->sbuf, sq->sbuf + n, sq->slen - n);
	sq->slen -= n;
	sq->swhole -= n;
	if (sq->slen > 0) {
		/* The rest came with a later read: near enough. */
		sq->stime = sq_epoch();
		sq->sstart = now;
	}
}

/*
 * Whether len more bytes may go to disk now: -1 at a bound (or waiting
 * after a full disk), 0 if so.
 */
static int
sq_room(struct pf_spillq *sq, uint64_t len, uint64_t now)
{
	uint64_t	need = len + SQ_OVERHEAD, avail;

	if (sq->retry_at != 0 && now < sq->retry_at)
		return (-1);
	if (sq->conf.max_disk != 0 && sq->disk_stored + need >
	    sq->conf.max_disk)
		return (-1);
	if (sq->conf.min_free != 0) {
		avail = sq_free(sq, now);
		if (avail < need || avail - need < sq->conf.min_free)
			return (-1);
	}
	return (0);
}

/* Free space on the directory's file system, read at most so often. */
static uint64_t
sq_free(struct pf_spillq *sq, uint64_t now)
{
	struct statvfs	sv;

	if (sq->free_at == 0 || now - sq->free_at >= SQ_STATFS) {
		if (fstatvfs(sq->dfd, &sv) == 0)
			sq->free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
		sq->free_at = now;
	}
	return (sq->free_bytes);
}

/*
 * fdatasync the segment being written.  A failure is final: the kernel
 * may have dropped what it could not write and forgotten the error, so
 * it is said once and never tried again.  Returns 0 or -1.
 */
static int
sq_sync(struct pf_spillq *sq)
{
	char	name[PF_SPILLDIR_SEGNAME_MAX];

	if (pf_seg_sync(sq->w) == 0) {
		sq->dirty = 0;
		return (0);
	}
	sq_segname(name, sq->segs[sq->nsegs - 1].num);
	sq_msg(sq, "%s/%s: sync: %s; what it holds since its last good sync "
	    "may be lost", pf_spilldir_path(sq->dir), name, strerror(errno));
	sq->sync_failed = 1;
	return (-1);
}

/*
 * Write the front of the staging buffer as one frame: whole records, at
 * most the frame size unless one record is larger.  Returns 0 (also when
 * a bound or a full disk holds it back: sq->full says so), or an exit
 * status after a message.
 */
static int
sq_append(struct pf_spillq *sq, struct pf_engine *e, uint64_t now)
{
	struct pf_diskq_seg	*s;
	const char	*t, *errstr;
	char		 name[PF_SPILLDIR_SEGNAME_MAX];
	size_t		 n = sq->swhole, c;
	uint64_t	 units, first, u;
	int		 last, clear;

	if (n > sq->fcap) {
		n = sq->fcap;
		if (sq->conf.framing != PF_FRAME_BYTES) {
			if ((t = memrchr(sq->sbuf, sq->term, n)) != NULL)
				n = t - sq->sbuf + 1;
			else if ((t = memchr(sq->sbuf, sq->term,
			    sq->swhole)) != NULL)
				n = t - sq->sbuf + 1;
			else
				n = sq->swhole;
		}
	}
	last = n == sq->slen && sq->eof;
	units = sq_units(sq, sq->sbuf, n);
	if (sq_room(sq, n, now) == -1) {
		sq->full = 1;
		return (0);
	}
	/*
	 * A new segment at the size, or where records went past the disk
	 * (a segment's numbers run on without a gap).
	 */
	if (sq->w != NULL &&
	    (sq->segs[sq->nsegs - 1].stored >= sq->conf.segment_size ||
	    sq->roll || 	    pf_seg_next_seq(sq->w) != sq->next_seq)) {
		if (sq->conf.durable && sq->conf.sync != PF_SYNC_NONE &&
		    sq->dirty && sq_sync(sq) == -1)
			return (1);
		sq->dirty = 0;
		(void)pf_seg_close(sq->w);
		sq->w = NULL;
	}
	if (sq->w == NULL) {
		/* Durable: a checkpoint in place before any data. */
		if (sq->conf.durable && !sq->ckpt_file) {
			switch (sq_ckpt_write(sq, sq->ckpt_seq,
			    sq->conf.sync != PF_SYNC_NONE)) {
			case -1:
				return (1);
			case 1:
				sq->full = 1;
				sq->retry_at = now + SQ_RETRY;
				return (0);
			}
		}
		sq_segname(name, sq->next_num);
		sq->w = pf_seg_create(sq->dfd, name, sq->next_seq,
		    sq->conf.level, sq->conf.framing, &errstr);
		if (sq->w == NULL)
			goto fail;
		sq->roll = 0;
		if ((s = sq_push(sq)) == NULL) {
			sq_msg(sq, "%s", strerror(errno));
			return (1);
		}
		s->num = sq->next_num++;
		s->first = s->end = sq->next_seq;
		s->end_known = 1;
		/* Durable: the new name must survive a crash too. */
		if (sq->conf.durable && sq->conf.sync != PF_SYNC_NONE &&
		    fsync(sq->dfd) == -1) {
			sq_msg(sq, "%s: sync: %s", pf_spilldir_path(sq->dir),
			    strerror(errno));
			sq->sync_failed = 1;
			return (1);
		}
		s->stored = pf_seg_bytes(sq->w);
		s->time = sq->stime;
		sq->disk_stored += s->stored;
		sq->written_stored += s->stored;
	}
	s = &sq->segs[sq->nsegs - 1];
	if (pf_seg_append(sq->w, sq->sbuf, n, (uint32_t)units,
	    sq->stime) == -1) {
		errstr = "write";
		sq_segname(name, s->num);
		goto fail;
	}
	sq->full = 0;
	sq->retry_at = 0;
	/* The all-clear once frames are not cut short for the disk. */
	clear = sq->fcap >= sq->conf.frame_size || sq->swhole <= sq->fcap;
	if (sq->fcap < sq->conf.frame_size)
		sq->fcap = sq->fcap * 2 < sq->conf.frame_size ?
		    sq->fcap * 2 : sq->conf.frame_size;
	if (clear) {
		if (sq->full_warned && !sq->conf.quiet)
			sq_msg(sq, "%s: space again, writing on",
			    pf_spilldir_path(sq->dir));
		sq->full_warned = 0;
	}
	sq->dirty = 1;
	sq->disk_stored += pf_seg_bytes(sq->w) - s->stored;
	sq->written_stored += pf_seg_bytes(sq->w) - s->stored;
	sq->free_bytes -= sq->free_bytes >
	    (uint64_t)(pf_seg_bytes(sq->w) - s->stored) ?
	    (uint64_t)(pf_seg_bytes(sq->w) - s->stored) : sq->free_bytes;
	s->stored = pf_seg_bytes(sq->w);
	s->raw += n;
	sq->disk_raw += n;
	sq->written += n;
	first = sq->next_seq;
	sq->next_seq += units;
	s->end = sq->next_seq;
	if (sq->conf.sync == PF_SYNC_ALWAYS && sq_sync(sq) == -1)
		return (1);
	/* Durable: next in line, so straight on into memory too. */
	if (sq->mem_seq == first) {
		c = sq_toqueue(sq, pf_engine_queue(e), sq->sbuf, n, last, 0,
		    sq_mono(sq, now, sq->stime), &u);
		sq->mem_seq += u;
		(void)c;
	}
	sq_unstage(sq, n, now);
	return (0);

fail:
	if (errno == EFBIG && sq->w != NULL && sq->nsegs > 0 &&
	    sq->segs[sq->nsegs - 1].end > sq->segs[sq->nsegs - 1].first) {
		/* The file's size limit: on in a new segment, at once. */
		sq->roll = 1;
		sq->full = 1;
		sq->retry_at = now;
		return (0);
	}
	if (SQ_FULL(errno)) {
		/*
		 * Cut back to the last whole frame already.  Start a new
		 * segment, so that the one holding delivered records can go.
		 * A frame larger than the room left may never fit: try
		 * smaller ones at once; at the smallest, wait and retry.
		 */
		if (sq->w != NULL && sq->nsegs > 0 &&
		    sq->segs[sq->nsegs - 1].end > sq->segs[sq->nsegs - 1].first)
			sq->roll = 1;
		sq->full = 1;
		if (!sq->full_warned && !sq->conf.quiet)
			sq_msg(sq, "%s: %s: %s; input waits until there is "
			    "room", pf_spilldir_path(sq->dir), name,
			    strerror(errno));
		sq->full_warned = 1;
		if (n > SQ_FRAME_MIN && sq->fcap > SQ_FRAME_MIN) {
			if (n > sq->fcap)
				n = sq->fcap;
			sq->fcap = n / 2 > SQ_FRAME_MIN ? n / 2 : SQ_FRAME_MIN;
			sq->retry_at = now;
			return (0);
		}
		sq->retry_at = now + SQ_RETRY;
		return (0);
	}
	sq_msg(sq, "%s/%s: %s: %s", pf_spilldir_path(sq->dir), name,
	    errstr, strerror(errno));
	return (1);
}

/* Write staged whole records out (all: even a short frame). */
static int
sq_flush(struct pf_spillq *sq, struct pf_engine *e, uint64_t now, int all)
{
	int	code;

	while (sq->swhole > 0 &&
	    (all || sq->swhole >= sq->conf.frame_size)) {
		if ((code = sq_append(sq, e, now)) != 0)
			return (code);
		if (sq->full)
			break;
	}
	return (0);
}

/* Nothing waits on disk: staged records go straight into memory. */
static int
sq_direct(struct pf_spillq *sq, struct pf_engine *e, uint64_t now)
{
	size_t		c;
	uint64_t	u;

	if (sq->swhole == 0 || sq->mem_seq != sq->next_seq)
		return (0);
	c = sq_toqueue(sq, pf_engine_queue(e), sq->sbuf, sq->swhole,
	    sq->eof && sq->swhole == sq->slen, 1,
	    sq_mono(sq, now, sq->stime), &u);
	if (c == 0)
		return (0);
	sq->mem_seq += u;
	sq->next_seq += u;
	sq_unstage(sq, c, now);
	return (1);
}

/*
 * Have the next frame to load in fdata: 1; 0 when there is none yet, or a
 * fault was found (lost_pending: reported once the records before it are
 * out); -1 after a message for an error that ends the run (exit 1).
 */
static int
sq_next_frame(struct pf_spillq *sq, struct pf_engine *e)
{
	struct pf_diskq_seg	*s = NULL;
	const char	*data, *errstr;
	char		 name[PF_SPILLDIR_SEGNAME_MAX];
	size_t		 i, len;
	uint64_t	 fs, u;
	uint32_t	 nrec;
	int		 ret;

	(void)e;
	for (;;) {
		if (sq->r == NULL) {
			for (i = 0; i < sq->nsegs; i++)
				if (sq->segs[i].end > sq->mem_seq ||
				    sq->segs[i].badhdr)
					break;
			if (i == sq->nsegs) {
				/* Records missing at the end. */
				sq->lost_at = sq->mem_seq;
				sq->lost_n = sq->next_seq - sq->mem_seq;
				sq->lost_known = 1;
				snprintf(sq->lost_msg, sizeof(sq->lost_msg),
				    "%s: records %" PRIu64 " to %" PRIu64
				    " missing", pf_spilldir_path(sq->dir),
				    sq->mem_seq, sq->next_seq - 1);
				sq->lost_pending = 1;
				return (0);
			}
			s = &sq->segs[i];
			sq_segname(name, s->num);
			if (s->first > sq->mem_seq || s->badhdr) {
				/* A segment missing, or unreadable. */
				sq->lost_at = sq->mem_seq;
				sq->lost_n = (s->badhdr ? s->end : s->first) -
				    sq->mem_seq;
				sq->lost_known = !s->badhdr || s->end_known;
				if (s->badhdr)
					snprintf(sq->lost_msg,
					    sizeof(sq->lost_msg), "%s/%s: "
					    "offset 0: bad header",
					    pf_spilldir_path(sq->dir), name);
				else
					snprintf(sq->lost_msg,
					    sizeof(sq->lost_msg), "%s: "
					    "records %" PRIu64 " to %" PRIu64
					    " missing (a segment before %s)",
					    pf_spilldir_path(sq->dir),
					    sq->mem_seq, s->first - 1, name);
				sq->lost_pending = 1;
				return (0);
			}
			if ((sq->r = pf_seg_open(sq->dfd, name,
			    &errstr)) == NULL) {
				if (errno == EBADMSG) {
					sq->lost_at = sq->mem_seq;
					sq->lost_n = s->end - sq->mem_seq;
					sq->lost_known = 1;
					snprintf(sq->lost_msg,
					    sizeof(sq->lost_msg), "%s/%s: "
					    "offset 0: %s",
					    pf_spilldir_path(sq->dir), name,
					    errstr);
					sq->lost_pending = 1;
					return (0);
				}
				sq_msg(sq, "%s/%s: %s: %s",
				    pf_spilldir_path(sq->dir), name, errstr,
				    strerror(errno));
				return (-1);
			}
			sq->r_num = s->num;
		}
		for (i = 0; i < sq->nsegs; i++)
			if (sq->segs[i].num == sq->r_num)
				break;
		s = i < sq->nsegs ? &sq->segs[i] : NULL;
		sq_segname(name, sq->r_num);
		ret = pf_seg_next(sq->r, &data, &len, &fs, &nrec, &errstr);
		if (ret == 1) {
			if (fs + nrec <= sq->mem_seq)
				continue;	/* delivered, or in memory */
			if ((u = sq_units(sq, data, len)) != nrec) {
				/*
				 * The header's count is not what the frame
				 * holds: its numbers (which the next frame's
				 * confirm) are lost, the reader is past it.
				 */
				sq->lost_at = fs > sq->mem_seq ? fs :
				    sq->mem_seq;
				sq->lost_n = fs + nrec - sq->lost_at;
				sq->lost_known = 1;
				sq->pass_nrec = nrec;
				snprintf(sq->lost_msg, sizeof(sq->lost_msg),
				    "%s/%s: offset %lld: a frame of %" PRIu32
				    " records holds %" PRIu64,
				    pf_spilldir_path(sq->dir), name,
				    (long long)pf_seg_offset(sq->r), nrec, u);
				sq->lost_pending = 1;
				return (0);
			}
			sq->fdata = data;
			sq->flen = len;
			sq->fpos = 0;
			sq->fseq = fs;
			sq->ftime = pf_seg_time(sq->r);
			return (1);
		}
		if (ret == 0 && s != NULL &&
		    pf_seg_reader_next_seq(sq->r) >= s->end) {
			if (sq->w != NULL && i == sq->nsegs - 1)
				return (0);	/* caught up with the writer */
			pf_seg_close_reader(sq->r);
			sq->r = NULL;
			if (!sq->conf.durable) {
				(void)pf_spilldir_remove_seg(sq->dir,
				    sq->r_num);
				sq_pop(sq, i);
			}
			continue;
		}
		if (ret == -1 && errno != EBADMSG && ret != PF_SEG_TORN) {
			sq_msg(sq, "%s/%s: offset %lld: %s: %s",
			    pf_spilldir_path(sq->dir), name,
			    (long long)pf_seg_offset(sq->r), errstr,
			    strerror(errno));
			return (-1);
		}
		/* Corrupt, torn, or short of what its successor says. */
		sq->lost_at = pf_seg_reader_next_seq(sq->r);
		if (sq->lost_at < sq->mem_seq)
			sq->lost_at = sq->mem_seq;
		snprintf(sq->lost_msg, sizeof(sq->lost_msg),
		    "%s/%s: offset %lld: %s", pf_spilldir_path(sq->dir), name,
		    (long long)pf_seg_offset(sq->r),
		    ret == 0 ? "ends early" : errstr);
		sq->lost_pending = 1;
		if (ret == -1 && pf_seg_pass(sq->r, &sq->pass_nrec) == 0) {
			/* Only the payload is bad: that frame is lost. */
			sq->lost_n = sq->pass_nrec;
			sq->lost_known = 1;
			return (0);
		}
		sq->pass_nrec = 0;
		sq->lost_n = (s != NULL && s->end > sq->lost_at) ?
		    s->end - sq->lost_at : 0;
		sq->lost_known = s != NULL && s->end_known;
		return (0);
	}
}

/* Bring records from disk into the queue while it has room. */
static int
sq_load(struct pf_spillq *sq, struct pf_engine *e, uint64_t now)
{
	struct pf_queue	*q = pf_engine_queue(e);
	const char	*p, *t;
	size_t		 c;
	uint64_t	 u, k;
	int		 r;

	while (sq->mem_seq < sq->next_seq && !sq->lost_pending) {
		if (sq->fpos == sq->flen) {
			if ((r = sq_next_frame(sq, e)) == -1)
				return (1);
			if (r == 0)
				break;
		}
		/* Skip what went into memory before (or was delivered). */
		if (sq->fseq < sq->mem_seq) {
			k = sq->mem_seq - sq->fseq;
			if (sq->conf.framing == PF_FRAME_BYTES)
				sq->fpos += k;
			else {
				p = sq->fdata + sq->fpos;
				while (k > 0 && (t = memchr(p, sq->term,
				    sq->fdata + sq->flen - p)) != NULL) {
					p = t + 1;
					k--;
				}
				sq->fpos = k > 0 ? sq->flen :
				    (size_t)(p - sq->fdata);
			}
			sq->fseq = sq->mem_seq;
			continue;
		}
		/* Only the input's last record may lack its terminator. */
		c = sq_toqueue(sq, q, sq->fdata + sq->fpos,
		    sq->flen - sq->fpos, sq->conf.framing != PF_FRAME_BYTES &&
		    sq->fdata[sq->flen - 1] != sq->term, 1,
		    sq_mono(sq, now, sq->ftime), &u);
		if (c == 0)
			break;
		sq->fpos += c;
		sq->fseq += u;
		sq->mem_seq += u;
	}
	return (0);
}

/* Not durable and caught up: nothing need stay on disk. */
static void
sq_retire(struct pf_spillq *sq)
{
	if (sq->conf.durable || sq->mem_seq != sq->next_seq ||
	    sq->nsegs == 0)
		return;
	pf_seg_close_reader(sq->r);
	sq->r = NULL;
	sq->fdata = NULL;
	sq->fpos = sq->flen = 0;
	(void)pf_seg_close(sq->w);
	sq->w = NULL;
	sq->dirty = 0;
	while (sq->nsegs > 0) {
		(void)pf_spilldir_remove_seg(sq->dir, sq->segs[0].num);
		sq_pop(sq, 0);
	}
}

/*
 * Write the checkpoint: record d is the first undelivered.  Always of one
 * length, so that on a full disk it can be rewritten in place.  Returns
 * 0; 1 when a full disk holds it back (said once; the data on disk is
 * the truth, a stale checkpoint costs only duplicates); -1 after a
 * message for an error that ends the run.
 */
static int
sq_ckpt_write(struct pf_spillq *sq, uint64_t d, int sync)
{
	char		 buf[PF_DISKQ_CKPT_MAX];
	const char	*errstr;
	int		 n;

	n = pf_diskq_ckpt_format(buf, sizeof(buf), d);
	if (pf_spilldir_checkpoint_write(sq->dir, buf, n, sync,
	    &errstr) == 0) {
		if (sq->ckpt_warned && !sq->conf.quiet)
			sq_msg(sq, "%s: checkpoint written again",
			    pf_spilldir_path(sq->dir));
		sq->ckpt_warned = 0;
		sq->ckpt_file = 1;
		return (0);
	}
	if (SQ_FULL(errno) && strcmp(errstr, "cannot write checkpoint") == 0) {
		if (!sq->ckpt_warned && !sq->conf.quiet)
			sq_msg(sq, "%s: %s: %s; retrying, nothing is lost",
			    pf_spilldir_path(sq->dir), errstr,
			    strerror(errno));
		sq->ckpt_warned = 1;
		return (1);
	}
	sq_msg(sq, "%s: %s: %s", pf_spilldir_path(sq->dir), errstr,
	    strerror(errno));
	return (-1);
}

/*
 * Durable: sync if asked, record the first undelivered record, then
 * remove the segments that are wholly before it.  Returns 0 or an exit
 * status after a message.
 */
static int
sq_checkpoint(struct pf_spillq *sq, struct pf_engine *e, int sync)
{
	uint64_t	 d;

	if (!sq->conf.durable || sq->closed)
		return (0);
	d = sq_taken(sq, e);
	if (sq->sync_failed)
		return (1);
	if (sync && sq->w != NULL && sq->dirty && sq_sync(sq) == -1)
		return (1);
	if (d != sq->ckpt_seq || !sq->ckpt_file) {
		switch (sq_ckpt_write(sq, d, sync)) {
		case -1:
			return (1);
		case 1:
			/* A full disk: the files stay until it is written. */
			return (0);
		}
		sq->ckpt_seq = d;
	}
	/*
	 * Delivered and recorded: the files can go, but for one with a fault
	 * not skipped, kept to look into.
	 */
	while (sq->nsegs > 0 && sq->segs[0].end <= d &&
	    sq->segs[0].end_known &&
	    (sq->nsegs > 1 || sq->segs[0].end == sq->next_seq)) {
		if (sq->r != NULL && sq->r_num == sq->segs[0].num) {
			pf_seg_close_reader(sq->r);
			sq->r = NULL;
			sq->fdata = NULL;
			sq->fpos = sq->flen = 0;
		}
		if (sq->nsegs == 1 && sq->w != NULL) {
			(void)pf_seg_close(sq->w);
			sq->w = NULL;
			sq->dirty = 0;
		}
		(void)pf_spilldir_remove_seg(sq->dir, sq->segs[0].num);
		sq_pop(sq, 0);
	}
	return (0);
}

/*
 * A fault on disk, once every record before it is out: exit 3, or with
 * --skip-corrupt count what it cost and go on.
 */
static int
sq_fault(struct pf_spillq *sq, struct pf_engine *e)
{
	struct pf_queue	*q = pf_engine_queue(e);
	size_t		 i;

	if (pf_queue_bytes(q) != 0 || pf_queue_pending(q) != 0)
		return (0);
	if (!sq->conf.skip_corrupt) {
		sq_msg(sq, "%s: corrupt spill data (--skip-corrupt skips "
		    "it)", sq->lost_msg);
		return (3);
	}
	if (!sq->conf.quiet) {
		if (sq->lost_known)
			sq_msg(sq, "%s: skipped: %" PRIu64 " %s lost",
			    sq->lost_msg, sq->lost_n,
			    sq->conf.framing == PF_FRAME_BYTES ? "bytes" :
			    "records");
		else
			sq_msg(sq, "%s: skipped the rest of the segment: "
			    "what it held cannot be counted", sq->lost_msg);
	}
	sq->lost += sq->lost_n;
	/* Delivered numbering jumps the gap, as reading does. */
	sq->base_seq += sq->lost_n;
	sq->mem_seq = sq->lost_at + sq->lost_n;
	if (sq->mem_seq > sq->next_seq)
		sq->next_seq = sq->mem_seq;
	if (sq->pass_nrec != 0) {
		/* The reader stepped over the bad frame: read on. */
		sq->pass_nrec = 0;
	} else if (sq->r != NULL) {
		/* Leave the faulty segment for one past the gap. */
		for (i = 0; i < sq->nsegs; i++)
			if (sq->segs[i].num == sq->r_num)
				break;
		pf_seg_close_reader(sq->r);
		sq->r = NULL;
		if (i < sq->nsegs && (sq->w == NULL || i != sq->nsegs - 1)) {
			sq->segs[i].end = sq->mem_seq;
			sq->segs[i].badhdr = 0;
			if (!sq->conf.durable) {
				(void)pf_spilldir_remove_seg(sq->dir,
				    sq->segs[i].num);
				sq_pop(sq, i);
			}
		}
	} else {
		for (i = 0; i < sq->nsegs; i++)
			if (sq->segs[i].badhdr &&
			    sq->segs[i].end <= sq->mem_seq)
				sq->segs[i].badhdr = 0;
	}
	for (i = 0; i < sq->nsegs; i++)
		if (sq->segs[i].end <= sq->mem_seq)
			sq->segs[i].end_known = 1;
	sq->fdata = NULL;
	sq->fpos = sq->flen = 0;
	sq->lost_pending = 0;
	return (0);
}

/*
 * Memory only, nothing staged or on disk: the next read goes straight
 * into the queue, with no copy, up to -m less one record's worth
 * (--max-record), so that the rest of a record a read ends inside always
 * fits too.  Past that mark, reads are staged again, and the rest of such
 * a record goes from there into the queue (sq_toqueue()).  Returns the
 * room, or SIZE_MAX to stage instead.
 */
static size_t
sq_in_queue(struct pf_spillq *sq, struct pf_queue *q, char **p)
{
	uint64_t	used, ceil, lim;
	size_t		room;

	if (sq->conf.durable || sq->slen != 0 ||
	    sq->mem_seq != sq->next_seq)
		return (SIZE_MAX);
	lim = sq->conf.framing == PF_FRAME_BYTES ? 0 : sq->conf.max_record;
	ceil = sq->conf.memory > lim ? sq->conf.memory - lim : 0;
	used = pf_queue_bytes(q) + pf_queue_pending(q);
	room = pf_queue_space(q, p);
	/* A new read is worth it only with some room; a record's rest is. */
	if (used >= ceil || room == 0 ||
	    (!sq->qpartial && (ceil - used < SQ_DIRECT_MIN ||
	    room < SQ_DIRECT_MIN)))
		return (SIZE_MAX);
	if (room > ceil - used)
		room = ceil - used;
	if (room > sq->conf.frame_size)
		room = sq->conf.frame_size;
	sq->inq = 1;
	sq->inq_p = *p;
	return (room);
}

static size_t
sq_in_space(void *arg, struct pf_engine *e, char **p)
{
	struct pf_spillq	*sq = arg;
	size_t			 n;

	if (sq->eof || sq->toolong || sq->stopped)
		return (0);
	/*
	 * Durable: what was read is written out before more is read, and a
	 * read is at most SQ_WRITE_MAX, so that a kill -9 loses at most that
	 * much of what was read (the machine staying up).
	 */
	if (sq->conf.durable && sq->swhole > 0)
		return (0);
	if ((n = sq_in_queue(sq, pf_engine_queue(e), p)) != SIZE_MAX)
		return (n);
	if (sq->swhole >= sq->conf.frame_size ||
	    sq->slen >= sq->scap - 1)
		return (0);
	n = sq->scap - sq->slen;
	if (n > sq->conf.frame_size)
		n = sq->conf.frame_size;
	if (sq->conf.durable && n > SQ_WRITE_MAX)
		n = SQ_WRITE_MAX;
	*p = sq->sbuf + sq->slen;
	return (n);
}

static int
sq_in_data(void *arg, struct pf_engine *e, size_t n, uint64_t now,
    uint64_t *recs)
{
	struct pf_spillq	*sq = arg;
	const struct pf_counters *c = pf_engine_counters(e);
	size_t			 carry = sq->slen - sq->swhole, good, nrec;
	uint64_t		 u;
	int			 toolong;

	if (sq->inq) {
		/* Read into the queue (sq_in_queue). */
		sq->inq = 0;
		toolong = pf_queue_input(pf_engine_queue(e), n,
		    sq_mono(sq, now, 0), &u) == PF_QUEUE_TOOLONG;
		if (sq->conf.framing == PF_FRAME_BYTES) {
			u = n;
			*recs = 1;
		} else {
			*recs = u;
			sq->qpartial = n > 0 && sq->inq_p[n - 1] != sq->term;
		}
		sq->mem_seq += u;
		sq->next_seq += u;
		if (toolong) {
			/* Deliver every record before it, then exit 3. */
			sq->toolong = c->records_in + u + 1;
			sq->qpartial = 0;
		}
		return (0);
	}
	if (sq->slen == 0) {
		sq->stime = sq_epoch();
		sq->sstart = now;
	}
	if (sq->conf.framing == PF_FRAME_BYTES) {
		sq->slen += n;
		sq->swhole = sq->slen;
		*recs = 1;
		return (0);
	}
	toolong = pf_frame_check(sq->conf.framing, sq->sbuf + sq->slen, n,
	    carry, sq->conf.max_record, &good, &nrec);
	*recs = nrec;
	if (good > 0)
		sq->swhole = sq->slen + good;
	if (toolong) {
		/* Deliver every record before it, then exit 3. */
		sq->toolong = c->records_in + nrec + 1;
		sq->slen = sq->swhole;
	} else
		sq->slen += n;
	return (0);
}

static void
sq_in_end(void *arg, struct pf_engine *e, uint64_t now, int cut)
{
	struct pf_spillq	*sq = arg;
	struct pf_counters	*c = pf_engine_counters_rw(e);
	char			 sz[16];

	(void)now;
	sq->eof = 1;
	if (sq->qpartial && sq->slen == 0 && sq->mem_seq == sq->next_seq) {
		/* The last record, in the queue already (sq_in_queue). */
		sq->qpartial = 0;
		if (cut) {
			if (!sq->conf.quiet)
				sq_msg(sq, "input cut short: a partial record "
				    "not delivered");
			return;
		}
		sq->qeof = 1;
		sq->mem_seq++;
		sq->next_seq++;
		c->records_in++;
		return;
	}
	if (sq->slen == sq->swhole)
		return;
	if (cut || sq->toolong) {
		if (cut && !sq->conf.quiet) {
			pf_format_size(sz, sizeof(sz), sq->slen - sq->swhole);
			sq_msg(sq, "input cut short: a partial record (%s) "
			    "not delivered", sz);
		}
		sq->slen = sq->swhole;
		return;
	}
	/* The last record has no terminator: it is whole all the same. */
	sq->swhole = sq->slen;
	c->records_in++;
}

static int
sq_pump(void *arg, struct pf_engine *e, uint64_t now)
{
	struct pf_spillq	*sq = arg;
	struct pf_counters	*c = pf_engine_counters_rw(e);
	struct pf_queue		*q = pf_engine_queue(e);
	char			 sz[16];
	uint64_t		 n;
	int			 code;

	if (sq->closed)
		return (0);
	if (!sq->started) {
		/* Records from an earlier run count as received. */
		sq->started = 1;
		if (sq->conf.framing == PF_FRAME_BYTES) {
			c->records_in += sq->recovered > 0;
			c->bytes_in += sq->recovered;
		} else {
			c->records_in += sq->recovered;
			c->bytes_in += sq->recovered_bytes;
		}
		sq->base_out = 0;
		sq->next_ckpt = now + sq->conf.checkpoint;
	}
	if ((code = sq_load(sq, e, now)) != 0)
		return (code);
	/* A fault past the last frame of the earlier run, once reached. */
	if (sq->tail_pending && !sq->lost_pending &&
	    sq->mem_seq >= sq->tail_at) {
		sq->tail_pending = 0;
		sq->lost_at = sq->tail_at;
		sq->lost_n = 0;
		sq->lost_known = 0;
		memcpy(sq->lost_msg, sq->tail_msg, sizeof(sq->lost_msg));
		sq->lost_pending = 1;
	}
	if (sq->lost_pending && (code = sq_fault(sq, e)) != 0)
		return (code);
	if (sq->conf.durable) {
		/* Every read, at once (sq_in_space waits for it). */
		if (sq->swhole > 0 && (code = sq_flush(sq, e, now, 1)) != 0)
			return (code);
		/* A full disk: what was delivered makes room sooner. */
		if (sq->full && sq->nsegs > 0 && now >= sq->ckpt_retry) {
			sq->ckpt_retry = now + SQ_RETRY;
			if ((code = sq_checkpoint(sq, e,
			    sq->conf.sync != PF_SYNC_NONE)) != 0)
				return (code);
		}
	} else {
		sq_retire(sq);
		while (sq_direct(sq, e, now))
			;
		if ((code = sq_flush(sq, e, now, 0)) != 0)
			return (code);
		sq_retire(sq);
	}
	if (sq->conf.durable && sq->conf.framing != PF_FRAME_BYTES)
		sq_mark(sq, e);
	if (sq->conf.durable && sq->conf.sync == PF_SYNC_ALWAYS &&
	    sq_taken(sq, e) != sq->ckpt_seq &&
	    (code = sq_checkpoint(sq, e, 1)) != 0)
		return (code);
	if (sq->qeof && !sq->qeof_done && sq->mem_seq == sq->next_seq &&
	    sq->slen == 0) {
		sq->qeof_done = 1;
		(void)pf_queue_eof(q, now, &n);
	}
	c->spill_bytes = sq->disk_stored;
	if ((sq->toolong && sq->slen == 0 && sq->mem_seq == sq->next_seq &&
	    pf_queue_bytes(q) == 0) || (sq->qtoolong &&
	    pf_queue_bytes(q) == 0)) {
		pf_format_size(sz, sizeof(sz), sq->conf.max_record);
		sq_msg(sq, "record %" PRIu64 ": longer than --max-record (%s)",
		    sq->qtoolong ? sq->qtoolong : sq->toolong, sz);
		pf_engine_exit(e, 3);
	}
	/*
	 * Durable: a stop signal persists what is buffered and stops, once
	 * the record half written to the output is whole (for a while).
	 */
	if (sq->conf.durable && pf_engine_stopping(e) && !sq->stopped &&
	    (sq->swhole == 0 || sq->full)) {
		sq->stopped = 1;
		sq->stop_at = now;
		if (sq->swhole > 0 && !sq->conf.quiet) {
			pf_format_size(sz, sizeof(sz), sq->swhole);
			sq_msg(sq, "%s: no room to keep the last %s received",
			    pf_spilldir_path(sq->dir), sz);
		}
	}
	if (sq->stopped && sq->conf.durable) {
		if (!pf_queue_midrec(q) || pf_queue_bytes(q) == 0)
			pf_engine_exit(e, 0);
		else if (now - sq->stop_at >= SQ_GRACE) {
			if (!sq->conf.quiet)
				sq_msg(sq, "the output takes nothing: its last "
				    "record is cut short (delivered whole on "
				    "the next run)");
			pf_engine_exit(e, 0);
		}
	}
	return (0);
}

/*
 * Durable: writes of at most SQ_WRITE_MAX, so that the checkpoint can
 * tell to within that much what the reader took; once stopped, only the
 * rest of the record half written.
 */
static size_t
sq_allow(void *arg, struct pf_engine *e, uint64_t now, uint64_t *wake)
{
	struct pf_spillq	*sq = arg;
	struct iovec		 iov[2];
	const char		*t;
	size_t			 len, off = 0;
	int			 i, n;

	if (!sq->conf.durable)
		return (SIZE_MAX);
	if (!sq->stopped)
		return (sq_whole(sq, e, now, wake));
	if (sq->conf.framing == PF_FRAME_BYTES)
		return (0);
	n = pf_queue_peek(pf_engine_queue(e), iov, &len);
	for (i = 0; i < n; i++) {
		if ((t = memchr(iov[i].iov_base, sq->term,
		    iov[i].iov_len)) != NULL)
			return (off + (t - (char *)iov[i].iov_base) + 1);
		off += iov[i].iov_len;
	}
	return (off);
}

/*
 * Durable: whole records that the output pipe is sure to take whole, so
 * that a stop leaves no record cut short in it (a record larger than the
 * pipe cannot help it).  At most SQ_WRITE_MAX.
 */
static size_t
sq_whole(struct pf_spillq *sq, struct pf_engine *e, uint64_t now,
    uint64_t *wake)
{
	struct iovec	 iov[2];
	const char	*t, *last = NULL;
	size_t		 len, cap, off = 0, lastoff = 0, n;
	int		 i, cnt;

	cap = pf_engine_out_room(e);
	if (cap > SQ_WRITE_MAX)
		cap = SQ_WRITE_MAX;
	if (sq->conf.framing == PF_FRAME_BYTES || cap == SIZE_MAX)
		return (cap);
	cnt = pf_queue_peek(pf_engine_queue(e), iov, &len);
	for (i = 0; i < cnt && off < cap; i++) {
		n = iov[i].iov_len;
		if (n > cap - off)
			n = cap - off;
		if ((t = memrchr(iov[i].iov_base, sq->term, n)) != NULL) {
			last = t;
			lastoff = off + (t - (char *)iov[i].iov_base) + 1;
		}
		off += iov[i].iov_len;
	}
	if (last != NULL)
		return (lastoff);
	if (len <= cap)
		return (len);		/* the unterminated last record */
	/*
	 * The head record does not fit now.  Wait for room if it will fit
	 * whole later; write it in pieces if it never will, or was begun.
	 */
	for (i = 0, off = 0; i < cnt; i++) {
		if ((t = memchr(iov[i].iov_base, sq->term,
		    iov[i].iov_len)) != NULL) {
			off += t - (char *)iov[i].iov_base + 1;
			break;
		}
		off += iov[i].iov_len;
	}
	if (off <= SQ_WRITE_MAX && !pf_queue_midrec(pf_engine_queue(e))) {
		*wake = now + SQ_TICK;
		return (0);
	}
	return (cap);
}

/* A second stop signal: no checkpoint, but no temporary files left. */
static void
sq_quit(void *arg, struct pf_engine *e)
{
	struct pf_spillq	*sq = arg;

	(void)e;
	if (sq->closed)
		return;
	(void)pf_seg_close(sq->w);
	sq->w = NULL;
	pf_seg_close_reader(sq->r);
	sq->r = NULL;
	pf_spilldir_close(sq->dir, !sq->conf.durable);
	sq->dir = NULL;
	sq->dfd = -1;
	sq->closed = 1;
}

static uint64_t
sq_held(void *arg, struct pf_engine *e)
{
	struct pf_spillq	*sq = arg;

	if (sq->stopped)
		return (0);
	if (sq->slen > 0 || sq->mem_seq < sq->next_seq)
		return (sq->slen + (sq->mem_seq < sq->next_seq ?
		    (sq->disk_raw > 0 ? sq->disk_raw : 1) : 0));
	/*
	 * Durable, at the end: what is written is not delivered until the
	 * reader has taken it from the pipe.  Wait for that.
	 */
	if (sq->conf.durable && sq->eof &&
	    pf_queue_bytes(pf_engine_queue(e)) == 0)
		return (pf_engine_out_unread(e));
	return (0);
}

/*
 * Durable, stopping with records kept: what the reader did not take is
 * not delivered, whatever was written; the counts say so.
 */
static void
sq_uncount(struct pf_spillq *sq, struct pf_engine *e)
{
	if (sq->conf.framing != PF_FRAME_BYTES &&
	    sq->ckpt_seq >= sq->base_seq)
		pf_engine_counters_rw(e)->records_out =
		    sq->ckpt_seq - sq->base_seq + sq->base_out;
}

static void
sq_gone(void *arg, struct pf_engine *e)
{
	struct pf_spillq	*sq = arg;
	const struct pf_counters *c = pf_engine_counters(e);
	char			 sz[16];
	uint64_t		 n;

	n = c->records_in - c->records_out;
	if (sq->conf.durable) {
		/* Keep what came, and what the reader left unread. */
		(void)sq_flush(sq, e, pf_clock_now(), 1);
		(void)sq_checkpoint(sq, e, sq->conf.sync != PF_SYNC_NONE);
		sq->stopped = 1;
		sq_uncount(sq, e);
		if (!sq->conf.quiet)
			sq_msg(sq, "reader went away: %" PRIu64 " %s kept in "
			    "%s; run spill --durable -d %s again to deliver "
			    "them", sq->next_seq - sq->ckpt_seq,
			    sq->conf.framing == PF_FRAME_BYTES ? "bytes" :
			    "records", pf_spilldir_path(sq->dir),
			    pf_spilldir_path(sq->dir));
		return;
	}
	if (!sq->conf.quiet) {
		pf_format_size(sz, sizeof(sz), pf_queue_bytes(
		    pf_engine_queue(e)) + sq->slen + sq->disk_raw);
		sq_msg(sq, "reader went away: %" PRIu64 " records (%s) not "
		    "delivered", n, sz);
	}
}

static void
sq_tick(void *arg, struct pf_engine *e, uint64_t now, int last)
{
	struct pf_spillq	*sq = arg;
	int			 code, keep;

	if (sq->closed)
		return;
	if (!last) {
		if (sq->conf.durable && now >= sq->next_ckpt) {
			sq->next_ckpt = now + sq->conf.checkpoint;
			if ((code = sq_checkpoint(sq, e,
			    sq->conf.sync != PF_SYNC_NONE)) != 0)
				pf_engine_exit(e, code);
		}
		return;
	}
	/* The end, whichever way: record, and tidy up. */
	keep = 0;
	if (sq->conf.durable) {
		if (sq_checkpoint(sq, e, sq->conf.sync != PF_SYNC_NONE) != 0)
			keep = 1;
		keep |= sq->nsegs > 0 || sq->slen > 0 ||
		    sq->ckpt_seq != sq->next_seq;
		/* No checkpoint for a full disk, but everything delivered. */
		if (keep && sq->ckpt_warned && !sq->sync_failed &&
		    sq->slen == 0 && sq_taken(sq, e) == sq->next_seq)
			keep = 0;
		if (keep)
			sq_uncount(sq, e);
		if (keep && !sq->conf.quiet && pf_engine_stopping(e) &&
		    sq->next_seq > sq->ckpt_seq)
			sq_msg(sq, "%" PRIu64 " %s kept in %s for the next "
			    "run", sq->next_seq - sq->ckpt_seq,
			    sq->conf.framing == PF_FRAME_BYTES ? "bytes" :
			    "records", pf_spilldir_path(sq->dir));
	}
	if (sq->w != NULL && sq->conf.durable && sq->dirty &&
	    sq->conf.sync != PF_SYNC_NONE && !sq->sync_failed)
		(void)pf_seg_sync(sq->w);
	(void)pf_seg_close(sq->w);
	sq->w = NULL;
	pf_seg_close_reader(sq->r);
	sq->r = NULL;
	if (sq->conf.verbose) {
		char	a[16], b[16];

		pf_format_size(a, sizeof(a), sq->written);
		pf_format_size(b, sizeof(b), sq->written_stored);
		sq_msg(sq, "disk: %s written (%s stored), %" PRIu64
		    " segment%s", a, b, sq->next_num,
		    sq->next_num == 1 ? "" : "s");
	}
	if (sq->lost > 0 && !sq->conf.quiet)
		sq_msg(sq, "%" PRIu64 " %s lost to corrupt spill data",
		    sq->lost, sq->conf.framing == PF_FRAME_BYTES ? "bytes" :
		    "records");
	pf_spilldir_close(sq->dir, !keep);
	sq->dir = NULL;
	sq->dfd = -1;
	sq->closed = 1;
}

/*
 * Memory fills the first half of the scale; once records go to disk, the
 * disk's fill against its bound (--max-disk, or the free space above
 * --min-free) the second.
 */
static double
sq_pressure(void *arg, struct pf_engine *e)
{
	struct pf_spillq	*sq = arg;
	double			 mem, disk = 0, cap;

	mem = pf_queue_fill(pf_engine_queue(e));
	if (mem > 1)
		mem = 1;
	if (sq->mem_seq == sq->next_seq && sq->slen < sq->conf.frame_size)
		return (mem / 2);
	if (sq->full)
		return (1);
	if (sq->conf.max_disk != 0)
		disk = (double)sq->disk_stored / sq->conf.max_disk;
	else if (sq->dfd != -1) {
		cap = (double)sq_free(sq, pf_clock_now()) + sq->disk_stored -
		    sq->conf.min_free;
		if (cap > 0)
			disk = sq->disk_stored / cap;
	}
	if (disk > 1)
		disk = 1;
	return (0.5 + disk / 2);
}

static void
sq_metrics(FILE *f, const char *labels, void *arg)
{
	struct pf_spillq	*sq = arg;

	fprintf(f, "# HELP pipeflow_spill_staged_bytes Bytes received and "
	    "not yet in the buffer or on disk.\n"
	    "# TYPE pipeflow_spill_staged_bytes gauge\n"
	    "pipeflow_spill_staged_bytes{%s} %zu\n", labels, sq->slen);
	fprintf(f, "# HELP pipeflow_spill_disk_bytes Bytes in spill "
	    "segments, raw and as stored.\n"
	    "# TYPE pipeflow_spill_disk_bytes gauge\n"
	    "pipeflow_spill_disk_bytes{%s,kind=\"raw\"} %" PRIu64 "\n"
	    "pipeflow_spill_disk_bytes{%s,kind=\"stored\"} %" PRIu64 "\n",
	    labels, sq->disk_raw, labels, sq->disk_stored);
	fprintf(f, "# HELP pipeflow_spill_segments Spill segment files.\n"
	    "# TYPE pipeflow_spill_segments gauge\n"
	    "pipeflow_spill_segments{%s} %zu\n", labels, sq->nsegs);
	fprintf(f, "# HELP pipeflow_spill_disk_records Records (bytes with "
	    "--bytes) on disk and not in memory.\n"
	    "# TYPE pipeflow_spill_disk_records gauge\n"
	    "pipeflow_spill_disk_records{%s} %" PRIu64 "\n", labels,
	    sq->next_seq - sq->mem_seq);
	fprintf(f, "# HELP pipeflow_spill_recovered_total Records (bytes "
	    "with --bytes) found from an earlier run.\n"
	    "# TYPE pipeflow_spill_recovered_total counter\n"
	    "pipeflow_spill_recovered_total{%s} %" PRIu64 "\n", labels,
	    sq->recovered);
	fprintf(f, "# HELP pipeflow_spill_lost_total Records (bytes with "
	    "--bytes) skipped with corrupt spill data.\n"
	    "# TYPE pipeflow_spill_lost_total counter\n"
	    "pipeflow_spill_lost_total{%s} %" PRIu64 "\n", labels, sq->lost);
	fprintf(f, "# HELP pipeflow_spill_written_bytes_total Bytes written "
	    "to disk, raw and as stored.\n"
	    "# TYPE pipeflow_spill_written_bytes_total counter\n"
	    "pipeflow_spill_written_bytes_total{%s,kind=\"raw\"} %" PRIu64
	    "\n"
	    "pipeflow_spill_written_bytes_total{%s,kind=\"stored\"} %" PRIu64
	    "\n", labels, sq->written, labels, sq->written_stored);
	fprintf(f, "# HELP pipeflow_spill_full Whether a disk bound or a "
	    "full disk holds input back.\n"
	    "# TYPE pipeflow_spill_full gauge\n"
	    "pipeflow_spill_full{%s} %d\n", labels, sq->full);
}

struct pf_spillq *
pf_spillq_open(const struct pf_spillq_conf *conf, int *code)
{
	struct pf_spillq	*sq;
	struct pf_diskq_seg		*s;
	const char		*errstr;
	char			 buf[PF_DISKQ_CKPT_MAX], msg[256], sz[16];
	char			 name[PF_SPILLDIR_SEGNAME_MAX];
	uint64_t		*nums = NULL, d = 0, top, over;
	size_t			 nnums = 0, others = 0, i;
	ssize_t			 n;
	off_t			 off;
	int			 haveckpt = 0, ret, bad;
	const char		*ckbad = NULL;

	*code = 1;
	if ((sq = calloc(1, sizeof(*sq))) == NULL) {
		warn(NULL);
		return (NULL);
	}
	sq->conf = *conf;
	sq->dfd = -1;
	sq->term = conf->framing == PF_FRAME_NUL ? '\0' : '\n';
	sq->scap = conf->frame_size * 2 + conf->max_record + 1;
	sq->fcap = conf->frame_size;
	if ((sq->sbuf = malloc(sq->scap)) == NULL) {
		sq_msg(sq, "staging buffer: %s", strerror(errno));
		goto fail;
	}
	if ((sq->dir = pf_spilldir_open(conf->dir, &errstr)) == NULL) {
		sq_msg(sq, "%s: %s: %s", conf->dir ? conf->dir :
		    "temporary spill directory", errstr, strerror(errno));
		goto fail;
	}
	sq->dfd = pf_spilldir_fd(sq->dir);
	if (pf_spilldir_list(sq->dir, &nums, &nnums, &others,
	    &errstr) == -1) {
		sq_msg(sq, "%s: %s: %s", pf_spilldir_path(sq->dir), errstr,
		    strerror(errno));
		goto fail;
	}
	if (others > 0 && !conf->quiet)
		sq_msg(sq, "%s: %zu file%s that %s not spill data, left "
		    "alone", pf_spilldir_path(sq->dir), others,
		    others == 1 ? "" : "s", others == 1 ? "is" : "are");
	if ((n = pf_spilldir_checkpoint_read(sq->dir, buf, sizeof(buf),
	    &errstr)) == -1 && errno != EFBIG) {
		sq_msg(sq, "%s: %s: %s", pf_spilldir_path(sq->dir), errstr,
		    strerror(errno));
		goto fail;
	}
	if (!conf->durable && (nnums > 0 || n != 0)) {
		sq_msg(sq, "%s holds spill data from an earlier run: resume "
		    "with --durable, or empty it with spill --drain",
		    pf_spilldir_path(sq->dir));
		goto fail;
	}
	/* A checkpoint is a hint: the data on disk is the truth. */
	if (n == -1)
		ckbad = "corrupt (too large)";
	else if (n > 0 && pf_diskq_ckpt_parse(buf, n, &d) == -1)
		ckbad = "corrupt";
	else if (n > 0)
		haveckpt = 1;
	if (ckbad != NULL && !conf->skip_corrupt) {
		sq_msg(sq, "%s/checkpoint: %s (--skip-corrupt delivers "
		    "everything on disk instead)", pf_spilldir_path(sq->dir),
		    ckbad);
		*code = 3;
		goto fail;
	}

	/* Read every frame header: where each segment ends, torn tails. */
	for (i = 0; i < nnums; i++) {
		if ((s = sq_push(sq)) == NULL) {
			sq_msg(sq, "%s", strerror(errno));
			goto fail;
		}
		ret = pf_diskq_scan(sq->dfd, nums[i], d, s, &off, msg, sizeof(msg),
		    &bad, 0);
		sq_segname(name, nums[i]);
		if (ret == -1) {
			sq_msg(sq, "%s/%s: %s", pf_spilldir_path(sq->dir), msg,
			    strerror(errno));
			goto fail;
		}
		if (ret == 1 && i == nnums - 1) {
			/* The crash of the last run: cut it back, count. */
			if (bad) {
				(void)unlinkat(sq->dfd, name, 0);
				sq->nsegs--;
				sq->torn++;
				if (!conf->quiet)
					sq_msg(sq, "%s/%s: created but never "
					    "written: removed",
					    pf_spilldir_path(sq->dir), name);
				continue;
			}
			if (pf_seg_truncate_torn(sq->dfd, name, off) == -1) {
				sq_msg(sq, "%s/%s: cutting a torn tail: %s",
				    pf_spilldir_path(sq->dir), name,
				    strerror(errno));
				goto fail;
			}
			pf_format_size(sz, sizeof(sz), s->stored - off);
			if (!conf->quiet)
				sq_msg(sq, "%s/%s: torn tail of %s cut back "
				    "at offset %lld", pf_spilldir_path(sq->dir),
				    name, sz, (long long)off);
			s->stored = off;
			sq->torn++;
		}
		s->badhdr = bad;
		s->end_known = ret == 0 || ret == 1;
		if (ret == 2 || (ret == 1 && i != nnums - 1)) {
			/* Its end is the next one's start, if there is one. */
			s->end_known = 0;
			if (i == nnums - 1 && !bad) {
				/* Past the last whole frame: once reached. */
				sq->tail_pending = 1;
				sq->tail_at = s->end;
				snprintf(sq->tail_msg, sizeof(sq->tail_msg),
				    "%s/%s", pf_spilldir_path(sq->dir), msg);
			}
		}
		sq->disk_raw += s->raw;
		sq->disk_stored += s->stored;
	}
	/* The records must be framed as they were written. */
	for (i = 0; i < sq->nsegs; i++) {
		if (sq->segs[i].badhdr)
			continue;
		if (conf->drain && i == 0 &&
		    sq->segs[i].kind <= PF_FRAME_BYTES) {
			sq->conf.framing = sq->segs[i].kind;
			sq->term = sq->conf.framing == PF_FRAME_NUL ? '\0' :
			    '\n';
		}
		if (sq->segs[i].kind != (unsigned int)sq->conf.framing) {
			sq_segname(name, sq->segs[i].num);
			sq_msg(sq, "%s/%s: written %s, not %s: run with the "
			    "same framing", pf_spilldir_path(sq->dir), name,
			    sq_framing(sq->segs[i].kind),
			    sq_framing(sq->conf.framing));
			goto fail;
		}
	}
	/*
	 * Numbers seen twice (a segment copied under another name): the
	 * earlier segments hold them.  With --skip-corrupt a segment wholly
	 * inside what those before it hold is a copy and goes; one that
	 * overlaps in part is read from past the overlap.  Nothing is lost.
	 */
	for (i = 1, top = 0; i < sq->nsegs; i++) {
		s = &sq->segs[i];
		if (!sq->segs[i - 1].badhdr && sq->segs[i - 1].end > top)
			top = sq->segs[i - 1].end;
		if (s->badhdr || s->first >= top)
			continue;
		sq_segname(name, s->num);
		over = (s->end < top ? s->end : top) - s->first;
		snprintf(msg, sizeof(msg), "%s/%s: offset 0: records %" PRIu64
		    " to %" PRIu64 " overlap an earlier segment's",
		    pf_spilldir_path(sq->dir), name, s->first,
		    s->first + over - 1);
		if (!conf->skip_corrupt) {
			sq_msg(sq, "%s: corrupt spill data (--skip-corrupt "
			    "skips them)", msg);
			*code = 3;
			goto fail;
		}
		if (!conf->quiet)
			sq_msg(sq, "%s: skipped: %" PRIu64 " records seen twice, "
			    "none lost", msg, over);
		if (s->end <= top) {
			(void)pf_spilldir_remove_seg(sq->dir, s->num);
			sq_pop(sq, i);
			i--;
		}
	}
	/*
	 * A fault: the segment's records end where the next one's begin (the
	 * last one's cannot be told).  An unreadable header: they begin where
	 * the previous one's end.
	 */
	for (i = 0; i < sq->nsegs; i++) {
		s = &sq->segs[i];
		if (s->badhdr)
			s->first = s->end = i > 0 ? sq->segs[i - 1].end : d;
		if ((s->badhdr || !s->end_known) && i + 1 < sq->nsegs &&
		    sq->segs[i + 1].first >= s->end) {
			s->end = sq->segs[i + 1].first;
			s->end_known = 1;
		}
	}
	/*
	 * Past the end of data that ends clean: no run wrote that.  Only
	 * the data can say what is undelivered.
	 */
	if (haveckpt && sq->nsegs > 0 && !sq->tail_pending &&
	    sq->segs[sq->nsegs - 1].end_known &&
	    d > sq->segs[sq->nsegs - 1].end) {
		snprintf(msg, sizeof(msg), "corrupt (first undelivered %"
		    PRIu64 ", past the data, which ends at %" PRIu64 ")", d,
		    sq->segs[sq->nsegs - 1].end);
		if (!conf->skip_corrupt) {
			sq_msg(sq, "%s/checkpoint: %s (--skip-corrupt delivers "
			    "everything on disk instead)",
			    pf_spilldir_path(sq->dir), msg);
			*code = 3;
			goto fail;
		}
		ckbad = msg;
		haveckpt = 0;
		/* The raw sizes were of what follows the checkpoint. */
		for (i = 0; i < sq->nsegs; i++) {
			sq->disk_raw -= sq->segs[i].raw;
			sq->segs[i].raw = pf_diskq_raw_all(sq->dfd, sq->segs[i].num);
			sq->disk_raw += sq->segs[i].raw;
		}
	}
	if (!haveckpt)
		d = sq->nsegs > 0 ? sq->segs[0].first : 0;
	if (ckbad != NULL && !conf->quiet)
		sq_msg(sq, "%s/checkpoint: %s: ignored, delivering everything "
		    "on disk, from record %" PRIu64, pf_spilldir_path(sq->dir),
		    ckbad, d);
	/* Delivered before the last run stopped: gone now. */
	while (sq->nsegs > 0 && sq->segs[0].end <= d &&
	    !sq->segs[0].badhdr) {
		(void)pf_spilldir_remove_seg(sq->dir, sq->segs[0].num);
		sq_pop(sq, 0);
	}
	sq->next_seq = d;
	if (sq->nsegs > 0 && sq->segs[sq->nsegs - 1].end > d)
		sq->next_seq = sq->segs[sq->nsegs - 1].end;
	sq->mem_seq = sq->base_seq = sq->ckpt_seq = d;
	sq->ckpt_file = haveckpt;
	sq->next_num = nnums > 0 ? nums[nnums - 1] + 1 : 0;
	sq->recovered = sq->next_seq - d;
	sq->recovered_bytes = sq->disk_raw;
	if (sq->recovered > 0 && !conf->quiet) {
		pf_format_size(sz, sizeof(sz), sq->disk_raw);
		sq_msg(sq, "%s: resuming: %" PRIu64 " %s (%s) from an earlier "
		    "run, from number %" PRIu64 "%s",
		    pf_spilldir_path(sq->dir), sq->recovered,
		    sq->conf.framing == PF_FRAME_BYTES ? "bytes" : "records",
		    sz,
		    d, haveckpt ? "; any delivered after its last checkpoint "
		    "come again" : "");
	}
	free(nums);
	return (sq);

fail:
	free(nums);
	pf_spilldir_close(sq->dir, 0);
	free(sq->segs);
	free(sq->sbuf);
	free(sq);
	return (NULL);
}

enum pf_framing
pf_spillq_framing(const struct pf_spillq *sq)
{
	return (sq->conf.framing);
}

void
pf_spillq_policy(struct pf_spillq *sq, struct pf_policy *p)
{
	p->in_space = sq_in_space;
	p->in_data = sq_in_data;
	p->in_end = sq_in_end;
	p->pump = sq_pump;
	p->held = sq_held;
	p->gone = sq_gone;
	p->quit = sq_quit;
	p->out_allow = sq_allow;
	p->tick = sq_tick;
	/* Durable runs checkpoint and retry a full disk on a finer tick. */
	p->tick_interval = sq->conf.durable ? SQ_TICK : SQ_RETRY;
	p->pressure = sq_pressure;
	p->metrics = sq_metrics;
	p->arg = sq;
}

void
pf_spillq_free(struct pf_spillq *sq)
{
	if (sq == NULL)
		return;
	(void)pf_seg_close(sq->w);
	pf_seg_close_reader(sq->r);
	pf_spilldir_close(sq->dir, 0);
	free(sq->segs);
	free(sq->sbuf);
	free(sq);
}
