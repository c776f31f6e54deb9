/* SPDX-License-Identifier: ISC */
/*
 * engine-io.c: the engine's moves of data (lib/engine.c runs the loop
 * that calls them): reading into the queue or the policy's storage,
 * writing what the queue and the policy allow, splice(2) from pipe to
 * pipe, the tee(2) path of a stage that only looks, and the end of
 * input.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-int.h"

#define SPLICE_MAX	(1 << 20)

static inline void engine_look(struct pf_engine *, const char *, size_t,
		     uint64_t);

int
engine_queue_result(struct pf_engine *e, int r)
{
	char	sz[16];

	switch (r) {
	case PF_QUEUE_TOOLONG:
		/* Deliver every earlier record, then exit 3. */
		e->eof = 1;
		e->toolong = pf_queue_toolong(e->q);
		break;
	case PF_QUEUE_FULL:
		pf_format_size(sz, sizeof(sz), pf_queue_capacity(e->q));
		engine_warn(e, "buffer full (%s, %llu records)%s%s", sz,
		    (unsigned long long)pf_queue_records(e->q),
		    e->conf->full_words != NULL ? ": " : "",
		    e->conf->full_words != NULL ? e->conf->full_words : "");
		return (-1);
	}
	return (0);
}

void
engine_input_end(struct pf_engine *e, uint64_t now)
{
	uint64_t	n;
	int		r;

	if (e->eof)
		return;
	e->eof = 1;
	if (engine_looks(e) && e->carry_len > 0 && !e->carry_skip) {
		e->look_last = 1;
		engine_look(e, e->carry, e->carry_len, now);
	}
	e->carry_len = 0;
	if (e->conf->policy.in_space != NULL) {
		e->conf->policy.in_end(e->conf->policy.arg, e, now, 0);
		return;
	}
	if (engine_decides(e)) {
		engine_rec_end(e, now, 0);
		return;
	}
	if (e->tee != NULL) {
		e->c.records_in += pf_tee_end(e->tee, engine_looks(e) ?
		    e->conf->policy.record : NULL, e->conf->policy.arg, e,
		    now);
		return;
	}
	r = pf_queue_eof(e->q, now, &n);
	e->c.records_in += n;
	if (engine_queue_result(e, r) == -1)
		e->exitcode = 1;
}

/*
 * A record for a policy that only looks: offered where it lies, and kept
 * whatever the hook says.  Its number is its place in the input; only
 * the one the end of input completes can be unterminated.
 */
static inline void
engine_look(struct pf_engine *e, const char *p, size_t len, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	struct pf_record	 r;
	uint64_t		 wake = 0;
	int			 reason = -1;

	r.data = p;
	r.len = len;
	r.num = ++e->look_num;
	r.when = now;
	r.unterminated = e->look_last;
	(void)pol->record(pol->arg, e, &r, now, &reason, &wake);
}

/* Keep the start of a record that a read split, to join it up. */
int
engine_carry(struct pf_engine *e, const char *p, size_t len)
{
	size_t	 want = e->carry_len + len, size;
	char	*n;

	if (e->carry_skip)
		return (-1);
	if (want > e->o->max_record) {
		e->carry_skip = 1;	/* the queue reports it; not ours */
		e->carry_len = 0;
		return (-1);
	}
	if (want > e->carry_size) {
		size = e->carry_size ? e->carry_size : 256;
		while (size < want)
			size *= 2;
		if ((n = realloc(e->carry, size)) == NULL) {
			e->carry_skip = 1;
			e->carry_len = 0;
			return (-1);
		}
		e->carry = n;
		e->carry_size = size;
	}
	memcpy(e->carry + e->carry_len, p, len);
	e->carry_len = want;
	return (0);
}

/*
 * Hand each whole record in n bytes just read to the policy.  Records are
 * looked at where they lie in the ring; only one split by the end of a
 * read is copied, to join it with its end in the next.
 */
void
engine_inspect(struct pf_engine *e, const char *p, size_t n, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	struct pf_record	 r;
	const char		*end = p + n, *t;
	uint64_t		 wake, num = e->look_num;
	int			 term, reason;

	term = (e->o->framing == PF_FRAME_NUL) ? '\0' : '\n';
	r.when = now;
	r.unterminated = 0;
	while (p < end) {
		if ((t = memchr(p, term, end - p)) == NULL) {
			engine_carry(e, p, end - p);
			break;
		}
		r.data = p;
		r.len = t - p;
		if (e->carry_len > 0 || e->carry_skip) {
			r.data = NULL;
			if (engine_carry(e, p, t - p) == 0) {
				r.data = e->carry;
				r.len = e->carry_len;
			}
			e->carry_len = 0;
			e->carry_skip = 0;
		}
		/* A record too long to join is the queue's to report. */
		if (r.data != NULL) {
			r.num = ++num;
			(void)pol->record(pol->arg, e, &r, now, &reason,
			    &wake);
		}
		p = t + 1;
	}
	e->look_num = num;
}

/* Room for input: the policy's storage, or the queue. */
size_t
engine_space(struct pf_engine *e)
{
	const struct pf_policy	*pol = &e->conf->policy;
	char			*p;

	if (pol->in_space != NULL)
		return (pol->in_space(pol->arg, e, &p));
	if (engine_decides(e))
		return (engine_rec_space(e));
	return (pf_queue_space(e->q, &p));
}

/* Bytes the policy holds outside the queue. */
uint64_t
engine_held(struct pf_engine *e)
{
	const struct pf_policy	*pol = &e->conf->policy;

	return (pol->held != NULL ? pol->held(pol->arg, e) : 0);
}

/*
 * Read up to len bytes into p.  Returns how many came, counted in; 0 when
 * none did: nothing yet, or the input ended or failed (dealt with here).
 */
size_t
engine_fill(struct pf_engine *e, char *p, size_t len, uint64_t now)
{
	ssize_t	n;

	n = pf_io_read(&e->in, p, len);
	if (n == -1) {
		if (errno == EAGAIN)
			return (0);
		engine_warn(e, "read error: %s: %s", e->in.name,
		    strerror(errno));
		e->exitcode = 1;
		engine_input_end(e, now);
		return (0);
	}
	if (n == 0) {
		engine_input_end(e, now);
		return (0);
	}
	e->c.bytes_in += n;
	return ((size_t)n);
}

/* A read into the policy's own storage. */
int
engine_read_policy(struct pf_engine *e, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	char			*p;
	size_t			 len, n;
	uint64_t		 recs = 0;
	int			 r;

	if ((len = pol->in_space(pol->arg, e, &p)) == 0 ||
	    (n = engine_fill(e, p, len, now)) == 0)
		return (0);
	r = pol->in_data(pol->arg, e, n, now, &recs);
	e->c.records_in += (e->o->framing == PF_FRAME_BYTES) ? 1 : recs;
	if (r != 0)
		pf_engine_exit(e, r);
	return (0);
}

int
engine_read(struct pf_engine *e, uint64_t now)
{
	const struct pf_queue_limits *lim = &e->conf->queue;
	char		*p;
	size_t		 len, n;
	uint64_t	 recs, used;
	int		 r;

	if (e->conf->policy.in_space != NULL)
		return (engine_read_policy(e, now));
	if (engine_decides(e))
		return (engine_rec_read(e, now));
	if ((len = pf_queue_space(e->q, &p)) == 0)
		return (0);
	/*
	 * The other policies may read past -m.  While there is room they
	 * read no more than -m leaves, so that what waits past the bound
	 * (lib/queue.c) and the memory it takes stay within one read made
	 * at the bound.  Records cannot be counted before they are read, so
	 * a read may still bring more than -n leaves room for: they wait,
	 * and are dropped only if more input comes before writes take them.
	 */
	used = pf_queue_bytes(e->q) + pf_queue_pending(e->q);
	if (lim->overflow != PF_FULL_BLOCK && used < lim->max_bytes &&
	    (lim->max_records == 0 ||
	    pf_queue_records(e->q) < lim->max_records) &&
	    len > lim->max_bytes - used)
		len = lim->max_bytes - used;
	if ((n = engine_fill(e, p, len, now)) == 0)
		return (0);
	/* Before the queue may move bytes about (drop-newest). */
	if (engine_looks(e) && e->o->framing != PF_FRAME_BYTES)
		engine_inspect(e, p, n, now);
	r = pf_queue_input(e->q, n, now, &recs);
	e->c.records_in += (e->o->framing == PF_FRAME_BYTES) ? 1 : recs;
	if (engine_queue_result(e, r) == -1)
		return (-1);
	return (0);
}

/* A failed write: 0 to wait for room, -1 after a message; EPIPE exits. */
int
engine_write_error(struct pf_engine *e)
{
	if (errno == EAGAIN)
		return (0);
	if (errno == EPIPE)
		engine_epipe(e);
	engine_warn(e, "write error: %s: %s", e->out.name, strerror(errno));
	return (-1);
}

int
engine_write(struct pf_engine *e, size_t allow, uint64_t now)
{
	struct iovec	iov[2];
	size_t		len;
	ssize_t		n;
	uint64_t	recs;
	int		i, cnt;

	cnt = pf_queue_peek(e->q, iov, &len);
	if (cnt == 0)
		return (0);
	if (len > allow) {
		for (i = 0, len = 0; i < cnt; i++) {
			if (len + iov[i].iov_len >= allow) {
				iov[i].iov_len = allow - len;
				cnt = i + 1;
				break;
			}
			len += iov[i].iov_len;
		}
	}
	if ((n = pf_io_writev(&e->out, iov, cnt)) == -1)
		return (engine_write_error(e));
	recs = pf_queue_consume(e->q, n);
	e->c.bytes_out += n;
	if (e->o->framing != PF_FRAME_BYTES)
		e->c.records_out += recs;
	else if (pf_queue_bytes(e->q) == 0 && pf_queue_pending(e->q) == 0 &&
	    engine_held(e) == 0)
		/*
		 * A chunk is a record in --bytes mode, and writes do not
		 * follow reads' bounds: every chunk read has left once
		 * nothing waits, and only then is the count exact.
		 */
		e->c.records_out = e->c.records_in -
		    pf_counters_dropped(&e->c);
	e->wait_since = 0;
	if (pf_queue_waiting(e->q) &&
	    engine_queue_result(e, pf_queue_admit(e->q, now)) == -1)
		return (-1);
	return (0);
}

/*
 * Pipe to pipe with the queue empty, at most len bytes: 1 on progress, 0
 * to read instead.
 */
int
engine_splice(struct pf_engine *e, size_t len, uint64_t now)
{
	ssize_t	n;

	n = pf_io_splice(&e->in, &e->out, len < SPLICE_MAX ? len : SPLICE_MAX);
	if (n > 0) {
		e->c.bytes_in += n;
		e->c.bytes_out += n;
		e->c.records_in++;
		e->c.records_out++;
		return (1);
	}
	if (n == 0) {
		engine_input_end(e, now);
		return (1);
	}
	if (errno == EPIPE)
		engine_epipe(e);
	if (errno != EAGAIN)
		e->splice = 0;		/* EINVAL and the like: read/write */
	return (0);
}

/* A look at what waits in the input (lib/tee.c). */
int
engine_tee_read(struct pf_engine *e, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	ssize_t			 n;
	uint64_t		 recs;

	/* No further ahead than can leave: the counts move with the bytes. */
	n = pf_tee_look(e->tee, pf_io_pipe_room(&e->out),
	    engine_looks(e) ? pol->record : NULL, pol->arg, e, now, &recs);
	if (n > 0) {
		e->c.bytes_in += n;
		e->c.records_in += recs;
		if ((e->toolong = pf_tee_toolong(e->tee)) != 0)
			e->eof = 1;	/* deliver every earlier record */
		else if (pf_tee_take(e->tee) == -1)
			goto fail;	/* no whole record: take it now */
		return (0);
	}
	if (n == 0) {
		engine_input_end(e, now);
		return (0);
	}
	if (errno == EAGAIN)
		return (0);
	if (errno == EINVAL) {
		/* Before anything was looked at: read and write instead. */
		pf_tee_free(e->tee);
		e->tee = NULL;
		return (0);
	}
fail:
	engine_warn(e, "read error: %s: %s", e->in.name, strerror(errno));
	e->exitcode = 1;
	engine_input_end(e, now);
	return (0);
}

int
engine_tee_write(struct pf_engine *e)
{
	uint64_t	bytes, recs;
	int		r;

	r = pf_tee_move(e->tee, &bytes, &recs);
	e->c.bytes_out += bytes;
	e->c.records_out += recs;
	if (bytes > 0)
		e->wait_since = 0;
	if (r == -1)
		return (engine_write_error(e));
	if (pf_tee_take(e->tee) == -1) {
		engine_warn(e, "read error: %s: %s", e->in.name,
		    strerror(errno));
		return (-1);
	}
	return (0);
}
