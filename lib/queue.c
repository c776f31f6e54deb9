/* SPDX-License-Identifier: ISC */
/*
 * queue.c: the bounded record queue shared by the buffering tools.
 *
 * Bytes live in one ring and are addressed by absolute stream offsets
 * (uint64_t, never wrapping in practice), so that the three regions are
 * plain intervals:
 *
 *	[out, adm)	admitted records, written to the output from out
 *	[adm, cend)	whole records read but not admitted: no room yet
 *	[cend, in)	a partial record whose terminator has not arrived
 *
 * A read brings whatever is there, and records cannot be counted before
 * they are read, so one read may bring more than -m or -n leaves room for.
 * What fits is admitted and the rest waits in [adm, cend), to be admitted
 * in order as writes make room (pf_queue_admit()).  Under block and fail
 * no more is read while records wait.  The drop policies read on, but a
 * read never drops what it brought itself: only when input arrives while
 * records still wait -- the buffer stayed full from one read to the next,
 * downstream did not take them -- does the policy pick, from the waiting
 * and the new records together, what to drop.  Drops are thus the mark of
 * a downstream that stalled, never of a large read.
 *
 * The ring is mapped with MAP_NORESERVE so that a large -m costs nothing
 * until data arrives.  Reads land in the ring and writes leave from it;
 * the only copies are those a drop forces (closing the gap a dropped record
 * leaves behind), never the common path.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "queue.h"

#define MARKS		64		/* arrival-time marks for ages */
#define REBASE_MAX	4096		/* partial record moved to the base */
#define MARK_COALESCE	(10 * PF_MSEC)

struct mark {
	uint64_t	 end;		/* stream offset the mark covers to */
	uint64_t	 t;		/* arrival time */
};

struct pf_queue {
	struct pf_queue_limits	 lim;
	pf_queue_drop_fn	*drop;
	void			*drop_arg;
	char			*buf;
	size_t			 size;
	int			 term;

	uint64_t		 out;
	uint64_t		 adm;
	uint64_t		 cend;
	uint64_t		 in;
	uint64_t		 nrec;		/* admitted records */
	uint64_t		 ncomplete;	/* records in [adm, cend) */
	uint64_t		 recno;		/* admitted or dropped */
	uint64_t		 toolong;	/* record number, 0 if none */
	int			 eof;		/* input ended */
	int			 midrec;	/* head record partly written */

	struct mark		 marks[MARKS];
	unsigned		 mfirst;
	unsigned		 mcount;
};

static void	 ring_iov(const struct pf_queue *, uint64_t, uint64_t,
		     struct iovec *, int *);
static uint64_t	 ring_next(const struct pf_queue *, uint64_t, uint64_t);
static uint64_t	 ring_count(const struct pf_queue *, uint64_t, uint64_t);
static void	 ring_move(struct pf_queue *, uint64_t, uint64_t, uint64_t);
static uint64_t	 queue_recend(const struct pf_queue *, uint64_t);
static void	 queue_scan(struct pf_queue *, uint64_t, size_t);
static void	 queue_drop(struct pf_queue *, uint64_t, uint64_t, uint64_t,
		     enum pf_drop);
static int	 queue_fits(const struct pf_queue *, uint64_t, uint64_t);
static int	 queue_dropping(const struct pf_queue *);
static void	 queue_newest(struct pf_queue *, uint64_t);
static void	 queue_oldest(struct pf_queue *, uint64_t);
static void	 queue_overflow(struct pf_queue *, uint64_t, uint64_t);
static void	 queue_rebase(struct pf_queue *);
static void	 queue_mark(struct pf_queue *, uint64_t);
static void	 queue_unmark(struct pf_queue *);
static void	 queue_head(struct pf_queue *, uint64_t, uint64_t);

struct pf_queue *
pf_queue_new(const struct pf_queue_limits *lim, pf_queue_drop_fn *drop,
    void *arg)
{
	struct pf_queue	*q;
	uint64_t	 size, rec;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (NULL);
	q->lim = *lim;
	q->drop = drop;
	q->drop_arg = arg;
	q->term = (lim->framing == PF_FRAME_NUL) ? '\0' : '\n';
	if (q->lim.read_size == 0)
		q->lim.read_size = 1 << 20;
	if (q->lim.max_bytes == 0)
		q->lim.max_bytes = 1;

	/*
	 * Under block the ring holds at most the bound, or one record longer
	 * than it.  The other policies read while full.  Admitted records
	 * take at most the bound or one long record, or under drop-oldest a
	 * partly written head and the newest record kept past the bound:
	 * max(-m, rec) + rec.  Behind them wait at most what one read brought
	 * and the partial record it completed, rec + read_size (the next
	 * read drops or admits all of them, and fail reads no more), and
	 * there must be room for that next read: the drop policies never
	 * stop upstream.  In bytes mode a chunk is no larger than -m and a
	 * count of chunks means nothing, so -n is ignored.
	 */
	if (lim->framing == PF_FRAME_BYTES) {
		if (q->lim.read_size > q->lim.max_bytes)
			q->lim.read_size = q->lim.max_bytes;
		q->lim.max_records = 0;
		rec = 0;
	} else
		rec = q->lim.max_record + 1;
	size = q->lim.max_bytes > rec ? q->lim.max_bytes : rec;
	if (lim->overflow != PF_FULL_BLOCK)
		size += 2 * rec + 2 * (uint64_t)q->lim.read_size;
	if (size < 4096)
		size = 4096;
	if (size > SIZE_MAX / 2) {
		free(q);
		errno = ENOMEM;
		return (NULL);
	}
	q->size = size;
	q->buf = mmap(NULL, q->size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (q->buf == MAP_FAILED) {
		free(q);
		return (NULL);
	}
	return (q);
}

void
pf_queue_free(struct pf_queue *q)
{
	if (q == NULL)
		return;
	munmap(q->buf, q->size);
	free(q);
}

/* The one or two pieces of the ring holding [pos, pos + len). */
static void
ring_iov(const struct pf_queue *q, uint64_t pos, uint64_t len,
    struct iovec *iov, int *n)
{
	size_t	off = pos % q->size, first;

	*n = 0;
	if (len == 0)
		return;
	first = q->size - off;
	if (first > len)
		first = len;
	iov[0].iov_base = q->buf + off;
	iov[0].iov_len = first;
	*n = 1;
	if (first < len) {
		iov[1].iov_base = q->buf;
		iov[1].iov_len = len - first;
		*n = 2;
	}
}

/* Offset of the first terminator in [pos, end), or end if none. */
static uint64_t
ring_next(const struct pf_queue *q, uint64_t pos, uint64_t end)
{
	struct iovec	 iov[2];
	const char	*p;
	uint64_t	 base = pos;
	int		 i, n;

	ring_iov(q, pos, end - pos, iov, &n);
	for (i = 0; i < n; i++) {
		p = memchr(iov[i].iov_base, q->term, iov[i].iov_len);
		if (p != NULL)
			return (base + (p - (char *)iov[i].iov_base));
		base += iov[i].iov_len;
	}
	return (end);
}

static uint64_t
ring_count(const struct pf_queue *q, uint64_t pos, uint64_t len)
{
	struct iovec	iov[2];
	uint64_t	c = 0;
	int		i, n;

	ring_iov(q, pos, len, iov, &n);
	for (i = 0; i < n; i++)
		c += pf_frame_count(q->lim.framing, iov[i].iov_base,
		    iov[i].iov_len);
	return (c);
}

/*
 * Move len bytes from stream offset src to dst within the ring.  Pieces
 * are copied in the order that never overwrites bytes not yet moved:
 * forwards when moving towards older offsets, backwards otherwise.
 */
static void
ring_move(struct pf_queue *q, uint64_t dst, uint64_t src, uint64_t len)
{
	size_t	do_, so, n;

	if (dst == src || len == 0)
		return;
	if (dst < src) {
		while (len > 0) {
			do_ = dst % q->size;
			so = src % q->size;
			n = len;
			if (n > q->size - do_)
				n = q->size - do_;
			if (n > q->size - so)
				n = q->size - so;
			memmove(q->buf + do_, q->buf + so, n);
			dst += n;
			src += n;
			len -= n;
		}
		return;
	}
	while (len > 0) {
		/* Copy the last piece first: the end of each interval. */
		do_ = (dst + len - 1) % q->size + 1;
		so = (src + len - 1) % q->size + 1;
		n = len;
		if (n > do_)
			n = do_;
		if (n > so)
			n = so;
		memmove(q->buf + do_ - n, q->buf + so - n, n);
		len -= n;
	}
}

size_t
pf_queue_space(struct pf_queue *q, char **p)
{
	uint64_t	used = q->in - q->out, limit, cap, rec;
	size_t		off, n;

	/* The drop policies read on while records wait: see the top. */
	if (q->toolong || (q->ncomplete > 0 && !queue_dropping(q)))
		return (0);
	if (q->lim.overflow == PF_FULL_BLOCK) {
		if (q->lim.max_records && q->nrec >= q->lim.max_records)
			return (0);
		/*
		 * Past -m only when empty, to complete a partial record that
		 * alone fills it: any earlier, a read of many short records
		 * would go past the bound.
		 */
		cap = q->lim.max_bytes;
		rec = q->lim.framing == PF_FRAME_BYTES ? 0 :
		    q->lim.max_record + 1;
		if (q->adm == q->out && used >= cap && rec > cap)
			cap = rec;
		limit = cap > used ? cap - used : 0;
	} else
		limit = q->size - used;
	if (limit > q->size - used)
		limit = q->size - used;
	off = q->in % q->size;
	n = q->size - off;
	if (n > limit)
		n = limit;
	if (n > q->lim.read_size)
		n = q->lim.read_size;
	*p = q->buf + off;
	return (n);
}

/*
 * Frame len new bytes at stream offset pos (contiguous in the ring); the
 * partial record before them, from cend, may wrap.
 */
static void
queue_scan(struct pf_queue *q, uint64_t pos, size_t len)
{
	size_t	good, nrec;
	int	toolong;

	if (q->lim.framing == PF_FRAME_BYTES) {
		q->ncomplete++;
		q->cend = pos + len;
		return;
	}
	toolong = pf_frame_check(q->lim.framing, q->buf + pos % q->size, len,
	    pos - q->cend, q->lim.max_record, &good, &nrec);
	q->ncomplete += nrec;
	if (good > 0)
		q->cend = pos + good;
	if (toolong) {
		q->toolong = q->recno + q->ncomplete + 1;
		q->in = q->cend;
	}
}

/*
 * End of the whole record starting at pos in [pos, cend): past its
 * terminator, or cend for the unterminated last record after EOF and for
 * a chunk in bytes mode.
 */
static uint64_t
queue_recend(const struct pf_queue *q, uint64_t pos)
{
	uint64_t	t;

	if (q->lim.framing == PF_FRAME_BYTES)
		return (q->cend);
	t = ring_next(q, pos, q->cend);
	return (t == q->cend ? t : t + 1);
}

static int
queue_fits(const struct pf_queue *q, uint64_t bytes, uint64_t recs)
{
	if (q->adm == q->out && recs <= 1)
		return (1);		/* one record always fits when empty */
	if ((q->adm - q->out) + bytes > q->lim.max_bytes)
		return (0);
	if (q->lim.max_records && q->nrec + recs > q->lim.max_records)
		return (0);
	return (1);
}

int
pf_queue_fits(const struct pf_queue *q, uint64_t len)
{
	if (q->toolong || q->eof || q->ncomplete > 0 || q->in != q->cend)
		return (0);
	if (q->size - (q->in - q->out) < len)
		return (0);
	return (queue_fits(q, len, 1));
}

int
pf_queue_fits_run(const struct pf_queue *q, uint64_t len, uint64_t nrec)
{
	if (q->toolong || q->eof || q->ncomplete > 0 || q->in != q->cend)
		return (0);
	if (q->size - (q->in - q->out) < len)
		return (0);
	return (queue_fits(q, len, nrec));
}

void
pf_queue_room(const struct pf_queue *q, uint64_t *bytes, uint64_t *recs,
    uint64_t *one)
{
	uint64_t	ring = q->size - (q->in - q->out), used = q->adm - q->out;

	*bytes = *recs = *one = 0;
	if (q->toolong || q->eof || q->ncomplete > 0 || q->in != q->cend)
		return;
	if (q->adm == q->out)
		*one = ring;
	if (used < q->lim.max_bytes)
		*bytes = q->lim.max_bytes - used < ring ?
		    q->lim.max_bytes - used : ring;
	*recs = UINT64_MAX;
	if (q->lim.max_records)
		*recs = q->nrec < q->lim.max_records ?
		    q->lim.max_records - q->nrec : 0;
}

void
pf_queue_append(struct pf_queue *q, const char *p, size_t len,
    uint64_t nrec, uint64_t now)
{
	size_t	off, first;

	if (len == 0)
		return;
	/* The caller asked pf_queue_fits_run(): anything else is a bug. */
	if (!pf_queue_fits_run(q, len, nrec))
		abort();
	off = q->in % q->size;
	first = q->size - off;
	if (first > len)
		first = len;
	memcpy(q->buf + off, p, first);
	if (first < len)
		memcpy(q->buf, p + first, len - first);
	q->in += len;
	q->cend = q->adm = q->in;
	if (q->lim.framing != PF_FRAME_BYTES)
		q->nrec += nrec;
	q->recno += nrec;
	queue_mark(q, now);
}

static void
queue_drop(struct pf_queue *q, uint64_t pos, uint64_t len, uint64_t nrec,
    enum pf_drop why)
{
	struct iovec	iov[2];
	int		n;

	if (len == 0)
		return;
	ring_iov(q, pos, len, iov, &n);
	if (q->drop != NULL)
		q->drop(q->drop_arg, iov, n, nrec, why);
}

static int
queue_dropping(const struct pf_queue *q)
{
	return (q->lim.overflow == PF_FULL_DROP_NEWEST ||
	    q->lim.overflow == PF_FULL_DROP_OLDEST);
}

/*
 * Admit the waiting records that fit, oldest first, and stop at the first
 * that does not: they stay in order.  Never drops.
 */
int
pf_queue_admit(struct pf_queue *q, uint64_t now)
{
	uint64_t	rs, re;
	int		bytesmode = q->lim.framing == PF_FRAME_BYTES;

	if (q->ncomplete == 0)
		return (PF_QUEUE_OK);
	if (queue_fits(q, q->cend - q->adm, q->ncomplete)) {
		q->adm = q->cend;
		if (!bytesmode)
			q->nrec += q->ncomplete;
		q->recno += q->ncomplete;
		q->ncomplete = 0;
	} else {
		/*
		 * In bytes mode [adm, cend) is one chunk here: a read that
		 * finds one waiting admits or drops both at once.
		 */
		for (rs = q->adm; q->ncomplete > 0; rs = re) {
			re = queue_recend(q, rs);
			if (!queue_fits(q, re - rs, 1))
				break;
			q->adm = re;
			q->nrec += !bytesmode;
			q->recno++;
			q->ncomplete--;
		}
	}
	queue_mark(q, now);
	if (q->ncomplete > 0 && q->lim.overflow == PF_FULL_FAIL)
		return (PF_QUEUE_FULL);
	return (PF_QUEUE_OK);
}

/*
 * Drop-newest: keep each waiting record that fits, in order, drop the
 * others, and close the gaps by moving kept records down.  Consecutive
 * drops are reported as one run.  In bytes mode the chunks are the one
 * that waited, [adm, old), and the one just read, [old, cend).
 */
static void
queue_newest(struct pf_queue *q, uint64_t old)
{
	uint64_t	rs, re, wr, ds, dn, partial;
	int		bytesmode = q->lim.framing == PF_FRAME_BYTES;

	wr = q->adm;
	ds = dn = 0;
	for (rs = q->adm; q->ncomplete > 0; rs = re) {
		if (bytesmode)
			re = rs < old ? old : q->cend;
		else
			re = queue_recend(q, rs);
		q->ncomplete--;
		q->recno++;
		if (!queue_fits(q, re - rs, 1)) {
			if (dn == 0)
				ds = rs;
			dn++;
			/* A chunk goes alone: the callback's nrec is 1. */
			if (bytesmode) {
				queue_drop(q, ds, re - ds, 1, PF_DROP_NEWEST);
				dn = 0;
			}
			continue;
		}
		if (dn > 0) {
			queue_drop(q, ds, rs - ds, dn, PF_DROP_NEWEST);
			dn = 0;
		}
		ring_move(q, wr, rs, re - rs);
		wr += re - rs;
		q->adm = wr;
		q->nrec += !bytesmode;
	}
	if (dn > 0)
		queue_drop(q, ds, q->cend - ds, dn, PF_DROP_NEWEST);
	partial = q->in - q->cend;
	ring_move(q, wr, q->cend, partial);
	q->cend = wr;
	q->in = wr + partial;
}

/*
 * Drop-oldest: admitted and waiting records form one FIFO; drop from its
 * head until the rest fits.  A head record already partly written cannot
 * be dropped; it is moved up over the gap.  The newest record is always
 * kept.  Bytes mode has no records: exactly the excess bytes go.
 */
static void
queue_oldest(struct pf_queue *q, uint64_t now)
{
	uint64_t	rs, re, k, total, recs, skip, start, t;
	int		bytesmode = q->lim.framing == PF_FRAME_BYTES;

	skip = 0;
	if (q->midrec && q->adm > q->out) {
		skip = ring_next(q, q->out, q->adm);
		skip = (skip == q->adm ? skip : skip + 1) - q->out;
	}
	start = q->out + skip;
	total = q->cend - q->out;
	recs = q->nrec + q->ncomplete;
	k = 0;
	if (bytesmode) {
		/* Over -m, or queue_fits() would have let it all in. */
		rs = start + (total - q->lim.max_bytes);
		k = 1;
	} else for (rs = start; rs < q->cend; rs = re) {
		if (total <= q->lim.max_bytes &&
		    (q->lim.max_records == 0 || recs <= q->lim.max_records))
			break;
		re = queue_recend(q, rs);
		if (re == q->cend)
			break;		/* keep the newest record */
		total -= re - rs;
		recs--;
		k++;
	}
	queue_drop(q, start, rs - start, k, PF_DROP_OLDEST);
	if (skip > 0)
		ring_move(q, rs - skip, q->out, skip);
	q->out = rs - skip;
	q->adm = q->cend;
	q->recno += q->ncomplete;
	q->nrec = bytesmode ? 0 : recs;
	q->ncomplete = 0;
	t = q->mcount > 0 ? q->marks[q->mfirst].t : now;
	queue_unmark(q);
	if (skip > 0)
		queue_head(q, rs, t);
}

/*
 * Input came while records waited: the drop policy decides, over the
 * waiting and the new records together (old is where the new ones begin).
 * Nothing waits afterwards.
 */
static void
queue_overflow(struct pf_queue *q, uint64_t now, uint64_t old)
{
	if (queue_fits(q, q->cend - q->adm, q->ncomplete)) {
		pf_queue_admit(q, now);
		return;
	}
	if (q->lim.overflow == PF_FULL_DROP_NEWEST)
		queue_newest(q, old);
	else
		queue_oldest(q, now);
	queue_mark(q, now);
}

int
pf_queue_input(struct pf_queue *q, size_t n, uint64_t now, uint64_t *nrec)
{
	uint64_t	before = q->recno + q->ncomplete, old = q->cend;
	int		waited = q->ncomplete > 0;

	queue_scan(q, q->in, n);
	if (!q->toolong)
		q->in += n;
	*nrec = q->recno + q->ncomplete - before;
	if (waited && queue_dropping(q))
		queue_overflow(q, now, old);
	else if (pf_queue_admit(q, now) == PF_QUEUE_FULL)
		return (PF_QUEUE_FULL);
	return (q->toolong ? PF_QUEUE_TOOLONG : PF_QUEUE_OK);
}

int
pf_queue_eof(struct pf_queue *q, uint64_t now, uint64_t *nrec)
{
	int	r;

	*nrec = 0;
	if (q->toolong)
		return (PF_QUEUE_TOOLONG);
	q->eof = 1;
	if (q->in > q->cend && q->lim.framing != PF_FRAME_BYTES) {
		q->ncomplete++;
		q->cend = q->in;
		*nrec = 1;
	}
	r = pf_queue_admit(q, now);
	return (r);
}

int
pf_queue_peek(struct pf_queue *q, struct iovec iov[2], size_t *len)
{
	int	n;

	*len = q->adm - q->out;
	ring_iov(q, q->out, q->adm - q->out, iov, &n);
	return (n);
}

uint64_t
pf_queue_consume(struct pf_queue *q, size_t n)
{
	uint64_t	c = 0;

	if (n == 0)
		return (0);
	if (q->lim.framing != PF_FRAME_BYTES) {
		c = ring_count(q, q->out, n);
		q->midrec = q->buf[(q->out + n - 1) % q->size] != q->term;
		/* After EOF the only unterminated record is the last one. */
		if (q->eof && q->midrec && q->out + n == q->in &&
		    q->adm == q->in) {
			c++;
			q->midrec = 0;
		}
		q->nrec -= c;
	}
	q->out += n;
	queue_unmark(q);
	if (q->out == q->adm && q->ncomplete == 0 &&
	    q->in - q->adm <= REBASE_MAX)
		queue_rebase(q);
	return (c);
}

/*
 * Nothing admitted is left: start over at the ring's base, bringing along
 * the few bytes of a partial record.  While downstream keeps up, reads and
 * writes then stay in the first megabyte of the ring, warm in the cache,
 * instead of walking all of -m (and faulting it in) round after round.
 */
static void
queue_rebase(struct pf_queue *q)
{
	char		tmp[REBASE_MAX];
	struct iovec	iov[2];
	uint64_t	len = q->in - q->adm;
	int		i, n;

	if (q->out == 0)
		return;
	ring_iov(q, q->adm, len, iov, &n);
	for (i = 0, len = 0; i < n; i++) {
		memcpy(tmp + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	memcpy(q->buf, tmp, len);
	q->out = q->adm = q->cend = 0;
	q->in = len;
	q->midrec = 0;
	q->mcount = q->mfirst = 0;
}

static void
queue_mark(struct pf_queue *q, uint64_t now)
{
	struct mark	*m;

	if (q->mcount > 0) {
		m = &q->marks[(q->mfirst + q->mcount - 1) % MARKS];
		if (m->end >= q->adm)
			return;
		if (now - m->t < MARK_COALESCE || q->mcount == MARKS) {
			m->end = q->adm;
			return;
		}
	}
	m = &q->marks[(q->mfirst + q->mcount) % MARKS];
	m->end = q->adm;
	m->t = now;
	q->mcount++;
}

static void
queue_unmark(struct pf_queue *q)
{
	while (q->mcount > 0 && q->marks[q->mfirst].end <= q->out) {
		q->mfirst = (q->mfirst + 1) % MARKS;
		q->mcount--;
	}
	if (q->mcount == 0)
		q->mfirst = 0;
}

/*
 * The partly written head record was moved up to end at stream offset
 * end, and the marks that covered it may have gone with the records
 * dropped: give it back its arrival time t, or its age is lost.
 */
static void
queue_head(struct pf_queue *q, uint64_t end, uint64_t t)
{
	struct mark	*m = &q->marks[q->mfirst];

	if (q->mcount == 0 || (m->t > t && q->mcount < MARKS)) {
		/* A mark of its own, in front of the others. */
		if (q->mcount > 0)
			q->mfirst = (q->mfirst + MARKS - 1) % MARKS;
		q->mcount++;
		m = &q->marks[q->mfirst];
		m->end = end;
		m->t = t;
		return;
	}
	/* Stretch the first mark over it, at the older time. */
	if (m->end < end)
		m->end = end;
	if (m->t > t)
		m->t = t;
}

uint64_t
pf_queue_bytes(const struct pf_queue *q)
{
	return (q->adm - q->out);
}

uint64_t
pf_queue_records(const struct pf_queue *q)
{
	return (q->nrec);
}

uint64_t
pf_queue_pending(const struct pf_queue *q)
{
	return (q->in - q->adm);
}

int
pf_queue_waiting(const struct pf_queue *q)
{
	return (q->ncomplete > 0);
}

double
pf_queue_fill(const struct pf_queue *q)
{
	double	f, r;

	f = (double)(q->adm - q->out) / (double)q->lim.max_bytes;
	if (q->lim.max_records) {
		r = (double)q->nrec / (double)q->lim.max_records;
		if (r > f)
			f = r;
	}
	return (f);
}

double
pf_queue_oldest_age(const struct pf_queue *q, uint64_t now)
{
	if (q->adm == q->out || q->mcount == 0)
		return (0);
	return ((double)(now - q->marks[q->mfirst].t) / PF_NSEC);
}

int
pf_queue_midrec(const struct pf_queue *q)
{
	return (q->midrec);
}

uint64_t
pf_queue_toolong(const struct pf_queue *q)
{
	return (q->toolong);
}

uint64_t
pf_queue_capacity(const struct pf_queue *q)
{
	return (q->lim.max_bytes);
}
