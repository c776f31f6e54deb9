/* SPDX-License-Identifier: ISC */
/*
 * engine-report.c: what a stage tells, the one place in lib/ that
 * prints: state changes and the status file at every tick, the stats
 * line of SIGUSR1 and -v, and the exit protocol of pipeflow(7) (the
 * line of counts, the messages of the end, the re-raised signal).
 * Every message goes through warnx(3), so that it starts with the
 * program name, which the tool makes "TOOL NAME" when the stage has a
 * --name; the tool's own words for its options come from struct
 * pf_engine_conf.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-int.h"

#define TITLE_EVERY	(250 * PF_MSEC)

static double	 engine_pressure(struct pf_engine *);
static void	 engine_transition(struct pf_engine *, enum pf_state,
		     double);
static void	 engine_status(struct pf_engine *, uint64_t);
static void	 engine_snapshot(struct pf_engine *, uint64_t);
static uint64_t	 engine_pending(const struct pf_engine *);

void
engine_warn(struct pf_engine *e, const char *fmt, ...)
{
	va_list	ap;

	(void)e;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static double
engine_pressure(struct pf_engine *e)
{
	const struct pf_policy	*p = &e->conf->policy;

	if (p->pressure != NULL)
		return (p->pressure(p->arg, e));
	return (pf_queue_fill(e->q));
}

static void
engine_transition(struct pf_engine *e, enum pf_state prev, double pressure)
{
	char		 envs[4][96];
	char		*env[5];
	enum pf_state	 now = pf_statem_state(e->sm);

	if (e->o->verbose)
		engine_warn(e, "%s -> %s (pressure %.1f%%)",
		    pf_state_name(prev), pf_state_name(now), pressure * 100);
	if (e->o->on_state == NULL)
		return;
	snprintf(envs[0], sizeof(envs[0]), "PIPEFLOW_STATE=%s",
	    pf_state_name(now));
	snprintf(envs[1], sizeof(envs[1]), "PIPEFLOW_PREV_STATE=%s",
	    pf_state_name(prev));
	snprintf(envs[2], sizeof(envs[2]), "PIPEFLOW_STAGE=%s",
	    e->o->name != NULL ? e->o->name : e->tool);
	snprintf(envs[3], sizeof(envs[3]), "PIPEFLOW_PRESSURE=%.3f",
	    pressure);
	env[0] = envs[0];
	env[1] = envs[1];
	env[2] = envs[2];
	env[3] = envs[3];
	env[4] = NULL;
	if (pf_proc_spawn(e->o->on_state, env) == -1)
		engine_warn(e, "--on-state: %s", strerror(errno));
}

/* Counters that describe the present, for status files and messages. */
static void
engine_snapshot(struct pf_engine *e, uint64_t now)
{
	e->c.buffer_bytes = pf_queue_bytes(e->q) +
	    (e->tee != NULL ? pf_tee_held(e->tee) : 0);
	e->c.buffer_records = pf_queue_records(e->q);
	e->c.buffer_capacity = pf_queue_capacity(e->q);
	e->c.oldest_age = pf_queue_oldest_age(e->q, now);
	e->c.state = pf_statem_state(e->sm);
}

static void
engine_status(struct pf_engine *e, uint64_t now)
{
	if (e->st == NULL)
		return;
	engine_snapshot(e, now);
	e->c.input_pipe_fill = pf_io_pipe_fill(&e->in);
	e->c.output_pipe_fill = pf_io_pipe_fill(&e->out);
	if (pf_status_write(e->st, &e->c) == -1 && !e->status_warned) {
		/* Never fails the data path: warn once and go on. */
		e->status_warned = 1;
		if (!e->o->quiet)
			engine_warn(e, "status file %s: %s",
			    pf_status_path(e->st), strerror(errno));
	}
	e->next_status = now + e->o->status_interval;
}

/* Pressure, state, process title and status file, as time passes. */
void
engine_tick(struct pf_engine *e, uint64_t now, int force)
{
	enum pf_state	prev = pf_statem_state(e->sm);
	double		p;

	p = engine_pressure(e);
	e->c.pressure = p;
	e->stale_since = 0;
	if (pf_statem_update(e->sm, p, now)) {
		engine_transition(e, prev, p);
		force = 1;
	}
	/* Policies report the state (lagwatch): keep it current. */
	e->c.state = pf_statem_state(e->sm);
	if (force || now >= e->next_title) {
		pf_proc_title(pf_statem_state(e->sm), p);
		e->next_title = now + TITLE_EVERY;
	}
	if (e->st != NULL && (force || now >= e->next_status))
		engine_status(e, now);
}

void
engine_statsline(struct pf_engine *e, uint64_t now, const char *lead)
{
	char		bi[16], bo[16], rate[16], dur[16], co[48] = "";
	uint64_t	el = now - e->c.start_ns;
	double		secs = (double)el / PF_NSEC;

	engine_snapshot(e, now);
	pf_format_size(bi, sizeof(bi), e->c.bytes_in);
	pf_format_size(bo, sizeof(bo), e->c.bytes_out);
	pf_format_size(rate, sizeof(rate),
	    secs > 0 ? (uint64_t)(e->c.bytes_out / secs) : 0);
	pf_format_duration(dur, sizeof(dur), el);
	if (e->c.coalesced > 0)
		snprintf(co, sizeof(co), "%llu coalesced, ",
		    (unsigned long long)e->c.coalesced);
	engine_warn(e, "%s%llu records in, %llu out, %llu dropped, "
	    "%s%llu buffered; %s in, %s out in %s (%s/s); %s", lead,
	    (unsigned long long)e->c.records_in,
	    (unsigned long long)e->c.records_out,
	    (unsigned long long)pf_counters_dropped(&e->c), co,
	    (unsigned long long)e->c.buffer_records,
	    bi, bo, dur, rate, pf_state_name(e->c.state));
}

/*
 * Records neither delivered nor dropped nor merged into another: pending,
 * wherever they wait.
 */
static uint64_t
engine_pending(const struct pf_engine *e)
{
	return (e->c.records_in - e->c.records_out -
	    pf_counters_dropped(&e->c) - e->c.coalesced);
}

/*
 * The one line of counts every non-zero exit prints.  Records merged into
 * another (coalesce) are named only by a stage that merges any.
 */
void
engine_counts(struct pf_engine *e)
{
	char	co[48] = "";

	if (e->o->quiet)
		return;
	if (e->c.coalesced > 0)
		snprintf(co, sizeof(co), ", coalesced %llu",
		    (unsigned long long)e->c.coalesced);
	engine_warn(e, "records received %llu, delivered %llu, "
	    "dropped %llu%s, pending %llu",
	    (unsigned long long)e->c.records_in,
	    (unsigned long long)e->c.records_out,
	    (unsigned long long)pf_counters_dropped(&e->c), co,
	    (unsigned long long)engine_pending(e));
}

/* The policy's last tick, once, whichever way the stage exits. */
void
engine_final(struct pf_engine *e)
{
	const struct pf_policy	*pol = &e->conf->policy;

	if (pol->tick == NULL || e->final_done)
		return;
	e->final_done = 1;
	pol->tick(pol->arg, e, pf_clock_now(), 1);
}

void
engine_raise(struct pf_engine *e, int sig)
{
	sigset_t	set;

	/* engine_epipe() has said more than this already. */
	if (sig != SIGPIPE)
		engine_counts(e);
	if (engine_stops() < 2)
		engine_final(e);
	else if (e->conf->policy.quit != NULL)
		e->conf->policy.quit(e->conf->policy.arg, e);
	engine_cleanup(e);
	fflush(stderr);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

void
engine_epipe(struct pf_engine *e)
{
	char		sz[16];
	uint64_t	n;

	n = engine_pending(e);
	if (e->conf->policy.gone != NULL) {
		e->conf->policy.gone(e->conf->policy.arg, e);
		if (!e->o->quiet)
			engine_counts(e);
	} else if (!e->o->quiet) {
		pf_format_size(sz, sizeof(sz), pf_engine_unsent(e) +
		    pf_queue_pending(e->q) +
		    (e->tee != NULL ? pf_tee_partial(e->tee) : 0));
		engine_warn(e, "%s: reader went away: %llu records (%s) "
		    "not delivered", e->out.name, (unsigned long long)n, sz);
		engine_counts(e);
	}
	engine_raise(e, SIGPIPE);
}

/* Exit protocol: close the output, report, remove the status file. */
int
engine_finish(struct pf_engine *e, int code)
{
	char		 sz[16];
	uint64_t	 now = pf_clock_now(), dropped, pending;

	engine_final(e);
	if (pf_io_close(&e->out) == -1 && code == 0) {
		engine_warn(e, "close: %s: %s", e->out.name, strerror(errno));
		code = 1;
	}
	if (pf_dl_close(e->dl) == -1 && code == 0) {
		engine_warn(e, "close: %s: %s", e->conf->dead_letter,
		    strerror(errno));
		code = 1;
	}
	e->dl = NULL;
	pending = pf_queue_pending(e->q) + engine_rec_partial(e) +
	    (e->tee != NULL ? pf_tee_partial(e->tee) : 0);
	if (pending > 0 && !e->o->quiet) {
		/* Only a stop signal cuts the input short of a record end. */
		pf_format_size(sz, sizeof(sz), pending);
		engine_warn(e, "input cut short: a partial record (%s) not "
		    "delivered", sz);
	}
	if (code == 0 && e->toolong) {
		pf_format_size(sz, sizeof(sz), e->o->max_record);
		engine_warn(e, "record %llu: longer than --max-record (%s)",
		    (unsigned long long)e->toolong, sz);
		code = 3;
	}
	dropped = pf_counters_dropped(&e->c);
	if (dropped > 0 && !e->o->quiet)
		engine_warn(e, "dropped %llu records%s%s%s%s%s",
		    (unsigned long long)dropped,
		    e->conf->drop_words ? " (" : "",
		    e->conf->drop_words ? e->conf->drop_words : "",
		    e->conf->drop_words ? ")" : "",
		    e->conf->dead_letter ? "; kept in " : "",
		    e->conf->dead_letter ? e->conf->dead_letter : "");
	if (code == 0 && dropped > 0 && e->o->fail_on_drop)
		code = 4;
	if (e->o->verbose)
		engine_statsline(e, now, "done: ");
	if (code != 0)
		engine_counts(e);
	engine_cleanup(e);
	return (code);
}
