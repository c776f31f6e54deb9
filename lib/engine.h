/* SPDX-License-Identifier: ISC */
/*
 * engine.h: the event loop every buffering stage runs (lib/engine.c).
 *
 * The engine owns the input and output, the record queue, the clock, the
 * saturation state, the status file, signals and the exit protocol of
 * pipeflow(7).  A tool configures it and plugs its policy in through
 * struct pf_policy: what may leave now, how pressure is measured, which
 * metrics it adds.  Overflow policies (block, drop) are the queue's.
 */
#ifndef PF_ENGINE_H
#define PF_ENGINE_H

#include "pipeflow.h"
#include "opts.h"
#include "queue.h"

struct pf_engine;

/* What a policy says of a record it is offered (the record hook). */
enum pf_verdict {
	PF_KEEP = 0,	/* into the queue, in order */
	PF_DROP,	/* counted under a reason, dead-lettered if asked */
	PF_HOLD,	/* the policy copied it; pf_engine_give() hands it back */
	PF_WAIT		/* not yet: it and all after it wait until *wake */
};

/* A whole record, as the record hook is offered it. */
struct pf_record {
	const char	*data;		/* without its terminator, one piece */
	size_t		 len;
	uint64_t	 num;		/* 1-based, in arrival order */
	uint64_t	 when;		/* monotonic time it arrived */
	int		 unterminated;	/* the input's last, without one */
};

struct pf_policy {
	/*
	 * Each whole record, once, in arrival order, at monotonic time now
	 * (line and NUL modes; the queue's overflow must be block): the
	 * verdict says what becomes of it.  PF_DROP counts it under the
	 * reason slot stored in *reason (from pf_engine_reason()); PF_WAIT
	 * offers the same record again at the monotonic time stored in
	 * *wake, and reads nothing meanwhile.  A record kept when the queue
	 * is full waits there, not offered again, and input with it.  Held
	 * and waiting records count as pending.  NULL: records go straight
	 * into the queue, at no cost.  With look_only (below) the policy
	 * only looks: every verdict is taken as PF_KEEP, and records are
	 * offered where they lie, at no copy.
	 */
	enum pf_verdict	 (*record)(void *, struct pf_engine *,
			     const struct pf_record *, uint64_t, int *,
			     uint64_t *);
	/* SIGHUP came: reread what the tool reads.  NULL: SIGHUP kills. */
	void		 (*reload)(void *, struct pf_engine *);
	/*
	 * How many bytes may be written now (SIZE_MAX: no limit).  When it
	 * returns 0 it may set *wake to the monotonic time to ask again.
	 * NULL: always everything.
	 */
	size_t		 (*out_allow)(void *, struct pf_engine *, uint64_t,
			     uint64_t *);
	/*
	 * Set: out_allow also bounds what goes pipe to pipe by splice(2)
	 * while the queue is empty (--bytes), and while it allows nothing
	 * input is not read but waits for *wake.  Unset: a policy with
	 * out_allow never splices.
	 */
	int		 splice_allowed;
	/* Pressure 0..1; NULL: the queue's fill. */
	double		 (*pressure)(void *, struct pf_engine *);
	/* Extra status file metrics; NULL: none. */
	pf_status_extra_fn *metrics;
	/*
	 * Every tick_interval while the stage runs, and once more with the
	 * last argument set just before it exits (but after a second stop
	 * signal, which exits at once).  NULL: no ticks.
	 */
	void		 (*tick)(void *, struct pf_engine *, uint64_t, int);
	uint64_t	 tick_interval;
	/*
	 * Storage of the policy's own between input and the queue (spill).
	 * in_space: where the next read may go and how much, 0 to wait;
	 * in_data: n bytes were read there at monotonic time now, store how
	 * many records they completed and return 0, or an exit status to
	 * stop with (after a message); in_end: input ended or (cut set) was
	 * cut short by a stop signal.  pump: at every turn of the loop,
	 * before waiting, move what it can into the queue and return 0 or an
	 * exit status (it may also call pf_engine_exit()); held: bytes it
	 * still holds outside the queue, 0 when it holds none.  gone: called
	 * instead of the usual message when the reader went away (EPIPE).
	 * NULL in_space: input goes straight into the queue, and the others
	 * are not called.
	 */
	size_t		 (*in_space)(void *, struct pf_engine *, char **);
	int		 (*in_data)(void *, struct pf_engine *, size_t,
			     uint64_t, uint64_t *);
	void		 (*in_end)(void *, struct pf_engine *, uint64_t, int);
	int		 (*pump)(void *, struct pf_engine *, uint64_t);
	uint64_t	 (*held)(void *, struct pf_engine *);
	void		 (*gone)(void *, struct pf_engine *);
	/*
	 * After a second stop signal, just before the process dies without
	 * the last tick: remove what must not outlive it.  NULL: nothing.
	 */
	void		 (*quit)(void *, struct pf_engine *);
	void		*arg;
};

struct pf_engine_conf {
	const char		*tool;		/* "bqueue" */
	const char		*input;		/* FILE operand, NULL: stdin */
	struct pf_opts		 opts;		/* the shared options */
	struct pf_queue_limits	 queue;
	uint64_t		 timeout;	/* --timeout, 0: none */
	const char		*dead_letter;	/* --dead-letter FILE */
	/*
	 * The tool's words for what caused a message, so that the engine
	 * names no tool's option: the watchdog ("--timeout"), drops by the
	 * queue ("--on-full"), a full buffer that fails the run ("--on-full
	 * fail").  NULL: plain words.
	 */
	const char		*timeout_words;
	const char		*drop_words;
	const char		*full_words;
	/*
	 * Records pass unchanged and the policy's record hook only looks at
	 * them: in line and NUL modes between two pipes they go by tee(2) and
	 * splice(2), not through the queue (lib/tee.c).  Not with in_space or
	 * out_allow.
	 */
	int			 look_only;
	struct pf_policy	 policy;
};

/*
 * Run the stage to the end and return its exit status (0, 1, 3, 4, 124).
 * Does not return after a fatal signal or EPIPE: the signal is re-raised
 * so that the shell sees 128+N.  Prints diagnostics on stderr as
 * pipeflow(7) describes, prefixed with the tool name.
 */
int		 pf_engine_run(const struct pf_engine_conf *);

/*
 * For policies: the queue, whether input has ended (with a record hook:
 * and every record was offered), the counters.
 */
struct pf_queue	*pf_engine_queue(struct pf_engine *);
int		 pf_engine_input_done(const struct pf_engine *);
const struct pf_counters *pf_engine_counters(const struct pf_engine *);
/* Fill of the input or (out set) the output pipe, -1 if not a pipe. */
double		 pf_engine_pipe_fill(const struct pf_engine *, int);
/* Size of the input or (out set) the output pipe, 0 if not a pipe. */
size_t		 pf_engine_pipe_size(const struct pf_engine *, int);
/*
 * Bytes written to the output pipe that its reader has not read yet (0
 * when the output is not a pipe).
 */
uint64_t	 pf_engine_out_unread(const struct pf_engine *);
/*
 * Bytes a write to the output is sure to take whole: a conservative guess
 * of a pipe's free room (SIZE_MAX when the output is not a pipe).
 */
size_t		 pf_engine_out_room(const struct pf_engine *);
/* Bytes read in that wait to be written, in the queue or in the input. */
size_t		 pf_engine_unsent(const struct pf_engine *);
/* Whether a stop signal (SIGTERM, SIGINT) came. */
int		 pf_engine_stopping(const struct pf_engine *);
/*
 * End the run at the next turn of the loop with exit status code (0 to
 * end as if everything were delivered); a stop signal that came is still
 * re-raised after it.
 */
void		 pf_engine_exit(struct pf_engine *, int);
/* The counters, for policies that move records themselves. */
struct pf_counters *pf_engine_counters_rw(struct pf_engine *);

/*
 * For policies with a record hook.  pf_engine_reason(): the counter slot
 * of drop reason name (registered on first use), -1 when there is no
 * room for another.  pf_engine_fits(): whether a record of len bytes
 * would go into the queue now.  pf_engine_give(): hand back a record the
 * policy held (len bytes at p without terminator, which the engine adds
 * unless unterminated; when: its arrival time), behind everything kept
 * so far; 0, or -1 with errno EAGAIN when it does not fit now.
 * pf_engine_drop(): a held record dropped after all: counted under
 * reason, dead-lettered if asked.
 */
int		 pf_engine_reason(struct pf_engine *, const char *);
int		 pf_engine_fits(struct pf_engine *, size_t);
int		 pf_engine_give(struct pf_engine *, const char *, size_t,
		     uint64_t, int);
void		 pf_engine_drop(struct pf_engine *, const char *, size_t,
		     int, int);
/*
 * For policies with a record hook: the record that waits (PF_WAIT) is
 * offered again at the next turn of the loop, before the time it was
 * given; for a policy that waits for room of its own (a bound) rather
 * than for a time, and has just made some.  A no-op when none waits.
 */
void		 pf_engine_wake(struct pf_engine *);
/*
 * For policies with a record hook: records offered before the monotonic
 * time until that fit into the queue are kept without being offered, a
 * read's worth at a time in one run, as if there were no hook; the hook
 * sees only a record that does not fit, or the unterminated last one.
 * For a policy with nothing to decide while downstream keeps up (shed
 * with nothing held) until a time it knows (when it next looks at
 * another stage's state); it turns this off (until 0) before it has
 * something to decide again, from its hook or its pump.  Off at the
 * start.
 */
void		 pf_engine_keep_fitting(struct pf_engine *, uint64_t);

#endif /* PF_ENGINE_H */
