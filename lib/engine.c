/* SPDX-License-Identifier: ISC */
/*
 * engine.c: the loop that moves records from input to output through the
 * bounded queue, and everything pipeflow(7) promises around it.
 *
 * One thread, one poll(2) per step.  Signals stay blocked except inside
 * ppoll(2), so a handler never interrupts a half-done step and every wait
 * wakes at once for them.  Descriptors are only waited on when something
 * is wanted of them: the input while the queue has room, the output while
 * records wait; so a stalled neighbour costs no CPU.  In --bytes mode,
 * while the queue is empty, data goes from pipe to pipe by splice(2)
 * without entering user memory; in line and NUL modes a stage that only
 * looks at its records has them pass the same way, read from a duplicate
 * (lib/tee.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-int.h"

#define PIPE_GROW	(1 << 20)
#define SPLICE_MAX	(1 << 20)
#define STALE_MAX	(10 * PF_MSEC)	/* a read not yet followed by a write */

static volatile sig_atomic_t	 sig_stop;	/* first stop signal */
static volatile sig_atomic_t	 sig_stops;	/* how many */
static volatile sig_atomic_t	 sig_info;
static volatile sig_atomic_t	 sig_hup;

static void	 engine_onsig(int);
static void	 engine_signals(struct pf_engine *);
static void	 engine_drop(void *, const struct iovec *, int, uint64_t,
		     enum pf_drop);
static void	 engine_input_end(struct pf_engine *, uint64_t);
static int	 engine_open(struct pf_engine *);
static int	 engine_carry(struct pf_engine *, const char *, size_t);
static inline void engine_look(struct pf_engine *, const char *, size_t,
		     uint64_t);
static void	 engine_inspect(struct pf_engine *, const char *, size_t,
		     uint64_t);
static int	 engine_queue_result(struct pf_engine *, int);
static int	 engine_read(struct pf_engine *, uint64_t);
static int	 engine_read_policy(struct pf_engine *, uint64_t);
static size_t	 engine_space(struct pf_engine *);
static uint64_t	 engine_held(struct pf_engine *);
static int	 engine_write_error(struct pf_engine *);
static int	 engine_write(struct pf_engine *, size_t, uint64_t);
static int	 engine_splice(struct pf_engine *, size_t, uint64_t);
static int	 engine_tee_read(struct pf_engine *, uint64_t);
static int	 engine_tee_write(struct pf_engine *);
static int	 engine_loop(struct pf_engine *);

/* How many stop signals came. */
int
engine_stops(void)
{
	return (sig_stops);
}

static void
engine_onsig(int sig)
{
	if (sig == SIGUSR1) {
		sig_info = 1;
		return;
	}
	if (sig == SIGHUP) {
		sig_hup = 1;
		return;
	}
	if (sig_stops == 0)
		sig_stop = sig;
	sig_stops++;
}

static void
engine_signals(struct pf_engine *e)
{
	struct sigaction	sa;
	sigset_t		block;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = engine_onsig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* SIGHUP is the policy's, if it reloads; else it kills as ever. */
	if (e->conf->policy.reload != NULL)
		sigaction(SIGHUP, &sa, NULL);

	/* Deliver them only while waiting in ppoll(). */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	if (e->conf->policy.reload != NULL)
		sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &e->waitmask);
	sigdelset(&e->waitmask, SIGTERM);
	sigdelset(&e->waitmask, SIGINT);
	sigdelset(&e->waitmask, SIGUSR1);
	sigdelset(&e->waitmask, SIGHUP);
}

/* Records the queue dropped by policy: count them, keep them if asked. */
static void
engine_drop(void *arg, const struct iovec *iov, int iovcnt, uint64_t nrec,
    enum pf_drop why)
{
	struct pf_engine	*e = arg;
	int			 slot;

	slot = (why == PF_DROP_NEWEST) ? e->r_newest : e->r_oldest;
	if (slot >= 0)
		e->c.dropped[slot] += nrec;
	if (e->dl == NULL)
		return;
	/*
	 * Records dropped without their dead letter would be lost without
	 * trace: the run ends at the next turn of the loop.
	 */
	if (pf_dl_write(e->dl, iov, iovcnt) == -1 && e->dl_errno == 0)
		e->dl_errno = errno;
}

void
engine_cleanup(struct pf_engine *e)
{
	if (e->st != NULL) {
		pf_status_close(e->st);
		e->st = NULL;
	}
	/*
	 * Nothing to report here (engine_finish() checks the output's close
	 * on the way out that matters); just leave no descriptor behind.
	 */
	(void)pf_io_close(&e->in);
	(void)pf_io_close(&e->out);
	pf_tee_free(e->tee);
	e->tee = NULL;
	(void)pf_dl_close(e->dl);
	e->dl = NULL;
}

static int
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

static void
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
static int
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
static void
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
static size_t
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
static uint64_t
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
static int
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

static int
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
static int
engine_write_error(struct pf_engine *e)
{
	if (errno == EAGAIN)
		return (0);
	if (errno == EPIPE)
		engine_epipe(e);
	engine_warn(e, "write error: %s: %s", e->out.name, strerror(errno));
	return (-1);
}

static int
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
static int
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
static int
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

static int
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

/* What one turn of the loop wants, and what the wait found. */
struct engine_turn {
	uint64_t	 now;
	uint64_t	 wake;		/* the policy's, 0: none */
	size_t		 allow;		/* bytes that may be written */
	size_t		 splice;	/* bytes that may be spliced */
	int		 want_read;
	int		 want_write;
	int		 try_splice;
	int		 in_ready;
	int		 out_ready;
	int		 blocked;	/* nothing is ready without a wait */
};

/*
 * The chores of a turn, before deciding what to wait for: signals, the
 * policy's ticks and pump, offering records.  Returns -1 to go on, or the
 * status to end the run with.
 */
static int
engine_chores(struct pf_engine *e, uint64_t now)
{
	const struct pf_policy	*pol = &e->conf->policy;
	int			 n;

	if (sig_stops > 1)
		engine_raise(e, sig_stop);
	if (e->dl_errno != 0) {
		engine_warn(e, "dead-letter file: %s: %s",
		    e->conf->dead_letter, strerror(e->dl_errno));
		return (1);
	}
	if (e->out_errno != 0) {
		engine_warn(e, "write error: %s: %s", e->out.name,
		    strerror(e->out_errno));
		return (1);
	}
	/*
	 * Drain, then raise.  Input is cut, not ended: a partial last record
	 * is not passed on as if it were whole.
	 */
	if (sig_stops == 1 && !e->eof) {
		e->eof = 1;
		if (pol->in_space != NULL)
			pol->in_end(pol->arg, e, now, 1);
		if (engine_decides(e))
			engine_rec_end(e, now, 1);
	}
	if (sig_hup) {
		sig_hup = 0;
		pol->reload(pol->arg, e);
	}
	if (sig_info) {
		sig_info = 0;
		engine_statsline(e, now, "");
	}
	if (e->o->on_state != NULL)
		pf_proc_reap();
	/*
	 * The pressure is sampled after writes (below).  If a read is not
	 * followed by a write soon because the output was not ready,
	 * downstream is not taking anything: sample now, before waiting for
	 * it for good.  Time alone (the stage was not run for a while) says
	 * nothing of downstream: a buffer just filled by a read would look
	 * saturated.
	 */
	if (e->stale_since != 0 && now - e->stale_since >= STALE_MAX &&
	    e->out_stalled)
		engine_tick(e, now, 0);
	if (pol->tick != NULL && now >= e->next_tick) {
		pol->tick(pol->arg, e, now, 0);
		e->next_tick = now + pol->tick_interval;
	}
	if (pol->pump != NULL && (n = pol->pump(pol->arg, e, now)) != 0)
		return (n);
	if (e->stop_code >= 0)
		return (e->stop_code);
	if (engine_decides(e))
		engine_rec_offer(e, now);
	if (e->eof && pf_engine_unsent(e) == 0 && !pf_queue_waiting(e->q) &&
	    engine_held(e) == 0)
		return (e->exitcode);
	return (-1);
}

/*
 * What to wait for: reading while there is room, writing while records
 * wait and the policy allows.  Returns 0, or 124 when the watchdog
 * (--timeout) fires.
 */
static int
engine_wants(struct pf_engine *e, struct engine_turn *u)
{
	const struct pf_policy	*pol = &e->conf->policy;
	char			 d[16];

	/* The policy sees the queue run empty too (--start-at). */
	u->wake = 0;
	u->allow = SIZE_MAX;
	if (pol->out_allow != NULL)
		u->allow = pol->out_allow(pol->arg, e, u->now, &u->wake);
	u->splice = u->allow;
	if (pf_queue_bytes(e->q) == 0)
		u->allow = 0;
	u->want_write = u->allow > 0;
	u->want_read = !e->eof && engine_space(e) > 0;
	if (e->tee != NULL) {
		u->want_write = pf_tee_pending(e->tee) > 0;
		u->want_read = !e->eof && pf_tee_ready(e->tee);
	}
	u->try_splice = e->splice && u->want_read && pol->in_space == NULL &&
	    pf_queue_bytes(e->q) == 0 && pf_queue_pending(e->q) == 0 &&
	    (pol->out_allow == NULL || pol->splice_allowed);
	/* Nothing may be spliced yet: wait for the policy, not for input. */
	if (u->try_splice && u->splice == 0) {
		u->try_splice = 0;
		u->want_read = 0;
	}

	/* The watchdog counts only time spent wanting to write. */
	if (e->conf->timeout && u->want_write) {
		if (e->wait_since == 0)
			e->wait_since = u->now;
		else if (u->now - e->wait_since >= e->conf->timeout) {
			pf_format_duration(d, sizeof(d), e->conf->timeout);
			engine_warn(e, "%s%sdownstream accepted nothing for %s",
			    e->conf->timeout_words ? e->conf->timeout_words :
			    "", e->conf->timeout_words ? ": " : "", d);
			return (124);
		}
	} else if (!u->want_write)
		e->wait_since = 0;
	return (0);
}

/* The nearest of every deadline a wait must wake for; 0: none. */
static uint64_t
engine_deadline(struct pf_engine *e, const struct engine_turn *u)
{
	const struct pf_policy	*pol = &e->conf->policy;
	uint64_t		 dl = u->wake, t;

	if (e->st != NULL && (dl == 0 || e->next_status < dl))
		dl = e->next_status;
	t = pf_statem_deadline(e->sm);
	if (t != 0 && (dl == 0 || t < dl))
		dl = t;
	if (e->stale_since != 0 && (dl == 0 || e->stale_since + STALE_MAX < dl))
		dl = e->stale_since + STALE_MAX;
	if (pol->tick != NULL && (dl == 0 || e->next_tick < dl))
		dl = e->next_tick;
	if (e->rb.wake != 0 && (dl == 0 || e->rb.wake < dl))
		dl = e->rb.wake;
	if (e->conf->timeout && e->wait_since) {
		t = e->wait_since + e->conf->timeout;
		if (dl == 0 || t < dl)
			dl = t;
	}
	return (dl);
}

/*
 * Wait for what is wanted, and for the nearest deadline; signals come in
 * only here.  Returns 0, -1 to start the turn again (a signal), or 1
 * after a message.
 */
static int
engine_wait(struct pf_engine *e, struct engine_turn *u)
{
	struct pollfd	 pfd[2];
	struct timespec	 ts, *tsp = NULL;
	uint64_t	 dl, t;
	int		 n, out_gone;

	u->in_ready = u->want_read && !pf_io_pollable(&e->in);
	u->out_ready = u->want_write && !pf_io_pollable(&e->out);
	pfd[0].fd = (u->want_read && !u->in_ready) ? e->in.fd : -1;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	pfd[1].fd = pf_io_pollable(&e->out) ? e->out.fd : -1;
	pfd[1].events = (u->want_write && !u->out_ready) ? POLLOUT : 0;
	pfd[1].revents = 0;
	dl = engine_deadline(e, u);
	u->blocked = !u->in_ready && !u->out_ready;
	/*
	 * Records went straight out while offered: a policy waiting for
	 * room (its pump) looks again before any wait.
	 */
	if (!u->blocked || e->rb.wrote)
		dl = u->now;
	e->rb.wrote = 0;
	if (dl != 0) {
		t = dl > u->now ? dl - u->now : 0;
		ts.tv_sec = t / PF_NSEC;
		ts.tv_nsec = t % PF_NSEC;
		tsp = &ts;
	}
	/* Dropped records reach their file before any wait. */
	if (e->dl != NULL && pf_dl_flush(e->dl) == -1 && e->dl_errno == 0) {
		e->dl_errno = errno;
		return (-1);
	}
	n = ppoll(pfd, 2, tsp, &e->waitmask);
	t = pf_clock_now() - u->now;
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return (-1);
		engine_warn(e, "poll: %s", strerror(errno));
		return (1);
	}
	u->in_ready |= (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
	u->out_ready |= (pfd[1].revents & POLLOUT) != 0;
	e->out_stalled = u->want_write && !u->out_ready;
	out_gone = (pfd[1].revents & (POLLERR | POLLHUP)) != 0;
	/*
	 * Time blocked in poll is charged to the side that held us: the
	 * output while records wait for it, whatever ended the wait, else
	 * the input.
	 */
	if (u->blocked && t > 1000) {
		if (u->want_write)
			e->c.output_wait_ns += t;
		else if (u->want_read)
			e->c.input_wait_ns += t;
	}
	if (out_gone && e->out.kind == PF_IO_PIPE)
		engine_epipe(e);
	return (0);
}

/* Move what is ready.  Returns 0, or 1 after a message. */
static int
engine_dispatch(struct pf_engine *e, struct engine_turn *u)
{
	uint64_t	now = pf_clock_now();
	int		draining;

	if (u->in_ready && u->try_splice && engine_splice(e, u->splice, now)) {
		engine_tick(e, now, 0);
		return (0);
	}
	/*
	 * While records wait, writes come first: a read would have the drop
	 * policies drop them although downstream takes records.  Read once
	 * it stops taking them (its pipe full), or from the round after the
	 * last of them was admitted: that round's write then usually empties
	 * the queue first, and the ring starts over at its base instead of
	 * walking all of it.
	 */
	draining = u->out_ready && u->want_write && pf_queue_waiting(e->q);
	if (u->out_ready && u->want_write && e->tee != NULL) {
		if (engine_tee_write(e) == -1)
			return (1);
	} else if (u->out_ready && u->want_write &&
	    engine_write(e, u->allow, now) == -1)
		return (1);
	/*
	 * Pressure is sampled once downstream has taken what it will: just
	 * after a read, a buffer no larger than a read would always look
	 * full.
	 */
	engine_tick(e, now, 0);
	if (u->in_ready && !draining) {
		if ((e->tee != NULL ? engine_tee_read(e, now) :
		    engine_read(e, now)) == -1)
			return (1);
		e->stale_since = now;
	}
	return (0);
}

/* Turn by turn until the run ends; returns its exit status. */
static int
engine_loop(struct pf_engine *e)
{
	struct engine_turn	u;
	int			r;

	for (;;) {
		memset(&u, 0, sizeof(u));
		u.now = pf_clock_now();
		if ((r = engine_chores(e, u.now)) >= 0)
			return (r);
		if ((r = engine_wants(e, &u)) != 0)
			return (r);
		if ((r = engine_wait(e, &u)) == -1)
			continue;
		if (r != 0 || (r = engine_dispatch(e, &u)) != 0)
			return (r);
	}
}

/*
 * Open the output, the input and the dead-letter file.  Opening a FIFO
 * waits for its other end, for ever if need be, so the signals blocked
 * elsewhere are let in meanwhile: a stop signal ends the wait.  Returns 0,
 * or -1 after a message (none if a stop signal came: sig_stop says so).
 */
static int
engine_open(struct pf_engine *e)
{
	const struct pf_engine_conf	*conf = e->conf;
	struct pf_io			*io;
	sigset_t			 blocked;
	int				 r;

	sigprocmask(SIG_SETMASK, &e->waitmask, &blocked);
	io = &e->out;
	while ((r = pf_io_open_out(io, e->o->output)) == -1 &&
	    errno == EINTR && sig_stop == 0)
		;
	if (r == 0) {
		io = &e->in;
		while ((r = pf_io_open_in(io, conf->input)) == -1 &&
		    errno == EINTR && sig_stop == 0)
			;
	}
	if (r == -1 && sig_stop == 0)
		engine_warn(e, "%s: %s", io->name, strerror(errno));
	if (r == 0 && conf->dead_letter != NULL &&
	    (e->dl = pf_dl_open(conf->dead_letter)) == NULL) {
		engine_warn(e, "dead-letter file: %s: %s", conf->dead_letter,
		    strerror(errno));
		r = -1;
	}
	sigprocmask(SIG_SETMASK, &blocked, NULL);
	return (r);
}

int
pf_engine_run(const struct pf_engine_conf *conf)
{
	struct pf_engine	 e;
	const char		*errstr, *name;
	char			 defname[64];
	int			 code, sig;

	memset(&e, 0, sizeof(e));
	e.conf = conf;
	e.o = &conf->opts;
	e.tool = conf->tool;
	e.stop_code = -1;
	e.in.fd = e.out.fd = -1;
	e.c.start_ns = pf_clock_now();
	e.r_newest = pf_counters_reason(&e.c, "newest");
	e.r_oldest = pf_counters_reason(&e.c, "oldest");
	e.c.input_pipe_fill = e.c.output_pipe_fill = -1;

	/*
	 * The queue and the state machine come first: a stop signal while
	 * a FIFO operand waits for its other end runs the policy's last tick,
	 * which may ask the engine about either.
	 */
	if ((e.q = pf_queue_new(&conf->queue, engine_drop, &e)) == NULL) {
		engine_warn(&e, "buffer: %s", strerror(errno));
		return (1);
	}
	e.c.buffer_capacity = pf_queue_capacity(e.q);
	if ((e.sm = pf_statem_new(e.o->constrained, e.o->saturated,
	    e.o->settle)) == NULL || engine_rec_init(&e) == -1) {
		engine_warn(&e, "%s", strerror(errno));
		return (1);
	}

	engine_signals(&e);
	if (engine_open(&e) == -1) {
		if (sig_stop != 0)
			engine_raise(&e, sig_stop);
		engine_cleanup(&e);
		pf_queue_free(e.q);
		engine_rec_free(&e);
		pf_statem_free(e.sm);
		return (1);
	}
	pf_io_pipe_grow(&e.in, PIPE_GROW);
	pf_io_pipe_grow(&e.out, PIPE_GROW);
	e.splice = conf->queue.framing == PF_FRAME_BYTES &&
	    pf_io_can_splice(&e.in, &e.out);
	/*
	 * Records a hook keeps may be written where they were read, while
	 * the queue is empty, if a write never waits: what the output does
	 * not take goes into the queue.
	 */
	e.direct = engine_decides(&e) && conf->policy.out_allow == NULL &&
	    (e.out.kind == PF_IO_FILE || e.out.kind == PF_IO_SOCKET ||
	    e.out.nonblock);
	if (conf->look_only && conf->policy.in_space == NULL &&
	    conf->policy.out_allow == NULL)
		e.tee = pf_tee_new(&e.in, &e.out, conf->queue.framing,
		    conf->queue.max_record);

	name = e.o->name;
	if (name == NULL && getenv("PIPEFLOW_STATUS_DIR") != NULL) {
		snprintf(defname, sizeof(defname), "%s-%ld", e.tool,
		    (long)getpid());
		name = defname;
	}
	if (name != NULL) {
		e.st = pf_status_open(NULL, name, e.tool, &errstr);
		/* Never one status file for two stages: refused. */
		if (e.st == NULL && errno == EBUSY) {
			engine_warn(&e, "--name %s: %s", name, errstr);
			engine_cleanup(&e);
			pf_queue_free(e.q);
			engine_rec_free(&e);
			pf_statem_free(e.sm);
			return (1);
		}
		if (e.st == NULL && !e.o->quiet)
			engine_warn(&e, "status file not written: %s", errstr);
		if (e.st != NULL && conf->policy.metrics != NULL)
			pf_status_set_extra(e.st, conf->policy.metrics,
			    conf->policy.arg);
	}
	engine_tick(&e, pf_clock_now(), 1);

	if (conf->policy.tick != NULL)
		e.next_tick = pf_clock_now() + conf->policy.tick_interval;
	code = engine_loop(&e);
	if (code == 124 || code == 1) {
		engine_final(&e);
		engine_counts(&e);
		engine_cleanup(&e);
		pf_queue_free(e.q);
		engine_rec_free(&e);
		pf_statem_free(e.sm);
		free(e.carry);
		return (code);
	}
	code = engine_finish(&e, code);
	pf_queue_free(e.q);
	engine_rec_free(&e);
	pf_statem_free(e.sm);
	free(e.carry);
	/*
	 * A stop signal that came after the last wait still counts, and so
	 * does one that comes from now on: the status is never 0 after one.
	 */
	sigprocmask(SIG_SETMASK, &e.waitmask, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if ((sig = sig_stop) != 0 && code == 0)
		engine_raise(&e, sig);
	return (code);
}

struct pf_queue *
pf_engine_queue(struct pf_engine *e)
{
	/* A hook that looks at the queue sees the records it kept. */
	engine_rec_flush(e, 0);
	return (e->q);
}

int
pf_engine_input_done(const struct pf_engine *e)
{
	/* With a record hook: and every record was offered. */
	return (e->eof && engine_rec_unoffered(e) == 0);
}

const struct pf_counters *
pf_engine_counters(const struct pf_engine *e)
{
	return (&e->c);
}

double
pf_engine_pipe_fill(const struct pf_engine *e, int out)
{
	return (pf_io_pipe_fill(out ? &e->out : &e->in));
}

uint64_t
pf_engine_out_unread(const struct pf_engine *e)
{
	ssize_t	n;

	return ((n = pf_io_pipe_unread(&e->out)) > 0 ? (uint64_t)n : 0);
}

size_t
pf_engine_out_room(const struct pf_engine *e)
{
	return (pf_io_pipe_room(&e->out));
}

size_t
pf_engine_unsent(const struct pf_engine *e)
{
	return (pf_queue_bytes(e->q) + engine_rec_unsent(e) +
	    (e->tee != NULL ? pf_tee_pending(e->tee) : 0));
}

int
pf_engine_stopping(const struct pf_engine *e)
{
	(void)e;
	return (sig_stop != 0);
}

void
pf_engine_exit(struct pf_engine *e, int code)
{
	if (e->stop_code < 0)
		e->stop_code = code;
}

struct pf_counters *
pf_engine_counters_rw(struct pf_engine *e)
{
	return (&e->c);
}
