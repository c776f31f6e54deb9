/* SPDX-License-Identifier: ISC */
/*
 * engine-rec.c: the record hook, where a policy decides per record.
 *
 * throttle waits per record, shed drops or holds by priority, coalesce
 * holds the latest record of a key: each needs a record whole, with its
 * number and arrival time, before it goes into the queue.  So with a
 * record hook input is read into a buffer of its own (struct engine_rb),
 * framed by pf_frame_check() like every other path, and each whole record
 * is offered where it lies.  Consecutive kept records form a run that
 * leaves in one piece: written from where it lies while the queue is
 * empty and a write cannot block, the rest (or all of it) copied into the
 * queue with one copy, not framed again.  So a policy that keeps what it
 * is offered costs a memchr(3) and a call per record, and a write per
 * read.  Dropped records are counted and dead-lettered, held ones were
 * copied by the policy, which hands them back with pf_engine_give().  A
 * wait stops the offers, and so the reads, until its time.  The counters
 * count a record in when it is framed and out when it is written, so
 * held and waiting records are pending throughout.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine-int.h"

#define RB_READ		(1 << 20)	/* the largest read */

static int	 rec_enqueue(struct pf_engine *, const char *, size_t,
		     uint64_t, int);
static void	 rec_drop(struct pf_engine *, const char *, size_t, int,
		     int);
static int	 rec_term(const struct pf_engine *);

static int
rec_term(const struct pf_engine *e)
{
	return (e->o->framing == PF_FRAME_NUL ? '\0' : '\n');
}

int
engine_rec_init(struct pf_engine *e)
{
	struct engine_rb	*rb = &e->rb;

	memset(rb, 0, sizeof(*rb));
	rb->num = 1;
	if (!engine_decides(e))
		return (0);
	/* A record's start, at most the limit, and a read after it. */
	rb->size = e->o->max_record + 1 + RB_READ;
	if ((rb->buf = malloc(rb->size)) == NULL)
		return (-1);
	return (0);
}

void
engine_rec_free(struct pf_engine *e)
{
	free(e->rb.buf);
	e->rb.buf = NULL;
}

/* Room to read: none while whole records wait to be done with. */
size_t
engine_rec_space(struct pf_engine *e)
{
	struct engine_rb	*rb = &e->rb;

	if (rb->off < rb->whole || e->eof)
		return (0);
	if (rb->off > 0) {
		memmove(rb->buf, rb->buf + rb->off, rb->len - rb->off);
		rb->len -= rb->off;
		rb->whole -= rb->off;
		rb->off = rb->run = 0;
	}
	return (rb->size - rb->len);
}

int
engine_rec_read(struct pf_engine *e, uint64_t now)
{
	struct engine_rb	*rb = &e->rb;
	size_t			 space, n, good, nrec;
	int			 toolong;

	/*
	 * No more than RB_READ: a read no longer than --max-record (by
	 * default) is framed without measuring each record.
	 */
	if ((space = engine_rec_space(e)) > RB_READ)
		space = RB_READ;
	if (space == 0 ||
	    (n = engine_fill(e, rb->buf + rb->len, space, now)) == 0)
		return (0);
	toolong = pf_frame_check(e->o->framing, rb->buf + rb->len, n,
	    rb->len - rb->whole, e->o->max_record, &good, &nrec);
	e->c.records_in += nrec;
	if (good > 0)
		rb->whole = rb->len + good;
	rb->len += n;
	rb->when = now;
	if (toolong) {
		/* Every record before it goes on; then exit 3. */
		e->toolong = e->c.records_in + 1;
		e->eof = 1;
		rb->len = rb->whole;
	}
	engine_rec_offer(e, now);
	return (0);
}

/*
 * Input ended, or (cut set) was cut short by a stop signal: a partial
 * last record is then not passed on (engine_rec_partial() tells its
 * size), else it is a record of its own, unterminated.
 */
void
engine_rec_end(struct pf_engine *e, uint64_t now, int cut)
{
	struct engine_rb	*rb = &e->rb;

	if (rb->len == rb->whole || cut)
		return;
	rb->whole = rb->len;
	rb->last = 1;
	rb->when = now;
	e->c.records_in++;
}

size_t
engine_rec_unsent(const struct pf_engine *e)
{
	return (e->rb.whole - e->rb.run);
}

/* Bytes of whole records the policy has not been offered yet. */
size_t
engine_rec_unoffered(const struct pf_engine *e)
{
	return (e->rb.whole - (e->rb.kept ? e->rb.kept_end : e->rb.off));
}

size_t
engine_rec_partial(const struct pf_engine *e)
{
	return (e->rb.len - e->rb.whole);
}

/*
 * Whether a record of len bytes (terminator included) kept now would go
 * into the queue behind the run of kept ones not copied in yet.
 */
static inline int
rec_fits(struct pf_engine *e, size_t len)
{
	struct engine_rb	*rb = &e->rb;

	/*
	 * Asked once while the queue stays as it is: pf_queue_fits_run().
	 * Only offers keep it so (writes come between them).
	 */
	if (!rb->room_ok || !rb->offering) {
		pf_queue_room(e->q, &rb->room_bytes, &rb->room_recs,
		    &rb->room_one);
		rb->room_ok = 1;
	}
	if (rb->run_n == 0 && rb->room_one > 0)
		return (len <= rb->room_one);
	return (rb->off - rb->run + len <= rb->room_bytes &&
	    rb->run_n < rb->room_recs);
}

/*
 * pf_engine_keep_fitting(): the whole records from off that fit into the
 * queue behind the run join it unoffered.  1 if any did, 0 when the next
 * record does not fit or is the unterminated last (it is offered) or the
 * queue's record bound is nearer than a run's end (each is offered, and
 * rec_fits() finds where it ends).
 */
static int
rec_bulk(struct pf_engine *e)
{
	struct engine_rb	*rb = &e->rb;
	const char		*p, *t;
	size_t			 used, avail;
	uint64_t		 n;

	if (!rb->room_ok) {
		pf_queue_room(e->q, &rb->room_bytes, &rb->room_recs,
		    &rb->room_one);
		rb->room_ok = 1;
	}
	used = rb->off - rb->run;
	if (rb->room_bytes <= used || rb->room_recs <= rb->run_n)
		return (0);
	avail = rb->whole - rb->off;
	if (avail > rb->room_bytes - used)
		avail = rb->room_bytes - used;
	p = rb->buf + rb->off;
	if ((t = memrchr(p, rec_term(e), avail)) == NULL)
		return (0);
	n = pf_frame_count(e->o->framing, p, (size_t)(t - p) + 1);
	if (n > rb->room_recs - rb->run_n)
		return (0);
	rb->run_n += n;
	rb->off += (size_t)(t - p) + 1;
	rb->num += n;
	return (1);
}

/*
 * The run of kept records goes straight to the output while the queue is
 * empty and a write cannot block (e->direct), as far as the output takes
 * it.  A write that fails is reported at the next turn (engine.c).
 */
static void
rec_write(struct pf_engine *e)
{
	struct engine_rb	*rb = &e->rb;
	struct iovec		 iov;
	ssize_t			 n;
	uint64_t		 recs;

	if (pf_queue_bytes(e->q) != 0 || pf_queue_pending(e->q) != 0 ||
	    e->out_errno != 0)
		return;
	iov.iov_base = rb->buf + rb->run;
	iov.iov_len = rb->off - rb->run;
	if ((n = pf_io_writev(&e->out, &iov, 1)) == -1) {
		if (errno == EPIPE)
			engine_epipe(e);
		if (errno != EAGAIN)
			e->out_errno = errno;
		return;
	}
	recs = (size_t)n == iov.iov_len ? rb->run_n :
	    pf_frame_count(e->o->framing, iov.iov_base, (size_t)n);
	e->c.bytes_out += n;
	e->c.records_out += recs;
	if (n > 0) {
		e->wait_since = 0;
		rb->wrote = 1;
	}
	rb->run += (size_t)n;
	rb->run_n -= recs;
}

/*
 * The run of kept records goes into the queue, with one copy, or (out
 * set) first to the output as far as it takes it.
 */
void
engine_rec_flush(struct pf_engine *e, int out)
{
	struct engine_rb	*rb = &e->rb;

	if (out && e->direct && rb->run_n > 0)
		rec_write(e);
	if (rb->off > rb->run)
		pf_queue_append(e->q, rb->buf + rb->run, rb->off - rb->run,
		    rb->run_n, rb->when);
	rb->run = rb->off;
	rb->run_n = 0;
	rb->room_ok = 0;
}

/*
 * Offer the records that wait, in order, until one must wait: for its
 * time (PF_WAIT), or for room in the queue (kept).  Consecutive kept
 * records that fit go into the queue together, at the end or before
 * anything else does.  The unterminated last record goes into the queue
 * only once the policy holds nothing more, as anything behind it would
 * run into it.
 */
void
engine_rec_offer(struct pf_engine *e, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	struct engine_rb	*rb = &e->rb;
	struct pf_record	 r;
	enum pf_verdict		 v;
	const char		*p, *t;
	uint64_t		 wake;
	int			 reason, term = rec_term(e);

	rb->run = rb->off;
	rb->run_n = 0;
	rb->room_ok = 0;
	/* A wait is set only where the loop ends. */
	if (rb->wake != 0) {
		if (now < rb->wake)
			return;
		rb->wake = 0;
	}
	rb->offering = 1;
	r.when = rb->when;
	while (rb->off < rb->whole) {
		if (now < rb->bulk && !rb->kept && rec_bulk(e))
			continue;
		p = rb->buf + rb->off;
		t = memchr(p, term, rb->whole - rb->off);
		r.data = p;
		r.unterminated = t == NULL;
		r.len = t != NULL ? (size_t)(t - p) : rb->whole - rb->off;
		r.num = rb->num;
		if (!rb->kept) {
			reason = -1;
			wake = 0;
			v = pol->record(pol->arg, e, &r, now, &reason, &wake);
			if (v == PF_WAIT) {
				/* Not in the past: that would spin. */
				rb->wake = wake > now ? wake : now + 1;
				break;
			}
			if (v == PF_KEEP && !r.unterminated &&
			    rec_fits(e, r.len + 1)) {
				rb->run_n++;
				rb->off += r.len + 1;
				rb->num++;
				continue;
			}
			if (v == PF_DROP)
				rec_drop(e, r.data, r.len, reason,
				    r.unterminated);
			if (v == PF_KEEP) {
				rb->kept = 1;
				rb->kept_end = rb->off + r.len +
				    !r.unterminated;
			}
		}
		/* Whatever goes in next goes behind the run. */
		if (rb->run_n > 0)
			engine_rec_flush(e, 1);
		if (rb->kept) {
			if (r.unterminated && pol->held != NULL &&
			    pol->held(pol->arg, e) > 0)
				break;
			if (rec_enqueue(e, r.data, r.len, r.when,
			    r.unterminated) == -1)
				break;
		}
		rb->kept = 0;
		rb->off += r.len + !r.unterminated;
		rb->run = rb->off;
		rb->num++;
	}
	engine_rec_flush(e, 1);
	rb->offering = 0;
}

/*
 * Copy a whole record and its terminator (none if unterminated) into the
 * queue, in the pieces its ring gives.  -1 with errno EAGAIN, and nothing
 * copied, when it does not fit now.
 */
static int
rec_enqueue(struct pf_engine *e, const char *p, size_t len, uint64_t when,
    int unterminated)
{
	struct pf_queue	*q = e->q;
	size_t		 need = len + !unterminated, done = 0, n, k;
	uint64_t	 recs;
	char		*dst;

	if (!pf_queue_fits(q, need)) {
		errno = EAGAIN;
		return (-1);
	}
	e->rb.room_ok = 0;
	while (done < need) {
		/* pf_queue_fits() said the room is there. */
		if ((n = pf_queue_space(q, &dst)) == 0)
			abort();
		if (n > need - done)
			n = need - done;
		k = done < len ? (n < len - done ? n : len - done) : 0;
		memcpy(dst, p + done, k);
		if (k < n)
			dst[k] = (char)rec_term(e);
		(void)pf_queue_input(q, n, when, &recs);
		done += n;
	}
	if (unterminated)
		(void)pf_queue_eof(q, when, &recs);
	return (0);
}

/* Count a dropped record, and keep it in the dead-letter file. */
static void
rec_drop(struct pf_engine *e, const char *p, size_t len, int reason,
    int unterminated)
{
	struct iovec	iov[2];
	char		term = (char)rec_term(e);

	if (reason < 0 || reason >= PF_DROP_REASONS)
		reason = pf_counters_reason(&e->c, "policy");
	if (reason >= 0)
		e->c.dropped[reason]++;
	if (e->dl == NULL)
		return;
	iov[0].iov_base = (void *)(uintptr_t)p;
	iov[0].iov_len = len;
	iov[1].iov_base = &term;
	iov[1].iov_len = 1;
	if (pf_dl_write(e->dl, iov, unterminated ? 1 : 2) == -1 &&
	    e->dl_errno == 0)
		e->dl_errno = errno;
}

int
pf_engine_reason(struct pf_engine *e, const char *name)
{
	return (pf_counters_reason(&e->c, name));
}

int
pf_engine_fits(struct pf_engine *e, size_t len)
{
	return (rec_fits(e, len + 1));
}

int
pf_engine_give(struct pf_engine *e, const char *p, size_t len,
    uint64_t when, int unterminated)
{
	engine_rec_flush(e, 0);
	return (rec_enqueue(e, p, len, when, unterminated));
}

void
pf_engine_drop(struct pf_engine *e, const char *p, size_t len, int reason,
    int unterminated)
{
	rec_drop(e, p, len, reason, unterminated);
}

void
pf_engine_keep_fitting(struct pf_engine *e, uint64_t until)
{
	e->rb.bulk = until;
}

void
pf_engine_wake(struct pf_engine *e)
{
	/* Not 0: that is "none waits"; any time past is "offer it now". */
	if (e->rb.wake != 0)
		e->rb.wake = 1;
}
