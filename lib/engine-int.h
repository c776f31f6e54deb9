/* SPDX-License-Identifier: ISC */
/*
 * engine-int.h: what the files of the engine share (lib/engine.c, the
 * loop and the exit protocol; lib/engine-rec.c, the record hook).  Not
 * for tools: they see engine.h.
 */
#ifndef PF_ENGINE_INT_H
#define PF_ENGINE_INT_H

#include <signal.h>

#include "pipeflow.h"
#include "deadletter.h"
#include "engine.h"
#include "io.h"
#include "tee.h"

/*
 * With a record hook, input is read here, not into the queue: each whole
 * record is offered to the policy where it lies, and what it keeps is
 * copied into the queue.  [0, off) is done with; [off, whole) are whole
 * records not yet done with (the one at off kept already if kept is set,
 * waiting for room); [whole, len) is the start of a record.  Input is
 * read only once every whole record is done with, so those all came with
 * one read, at time when.  While records are offered, the kept ones in
 * [run, off), run_n of them, wait to go into the queue with one copy;
 * they fit (with what is in it), and go before anything else does.
 */
struct engine_rb {
	char		*buf;
	size_t		 size;
	size_t		 len;
	size_t		 off;
	size_t		 whole;
	uint64_t	 num;		/* number of the record at off */
	uint64_t	 when;
	uint64_t	 wake;		/* PF_WAIT: offer again then, or 0 */
	int		 kept;		/* the record at off: kept, no room */
	size_t		 kept_end;	/* where it ends, when kept */
	int		 last;		/* whole ends the unterminated last */
	size_t		 run;		/* kept, not yet in the queue */
	uint64_t	 run_n;
	int		 offering;	/* in engine_rec_offer() */
	int		 room_ok;	/* the queue's room, while unchanged */
	uint64_t	 room_bytes;	/* pf_queue_room() */
	uint64_t	 room_recs;
	uint64_t	 room_one;
	int		 wrote;		/* the output took some: look again */
	uint64_t	 bulk;		/* pf_engine_keep_fitting()'s until */
};

struct pf_engine {
	const struct pf_engine_conf *conf;
	const struct pf_opts	*o;
	const char		*tool;
	struct pf_io		 in;
	struct pf_io		 out;
	struct pf_queue		*q;
	struct pf_tee		*tee;		/* records pass by tee(2) */
	struct pf_statem	*sm;
	struct pf_status	*st;
	struct pf_counters	 c;
	struct pf_dl		*dl;		/* the dead-letter file */
	int			 dl_errno;	/* it failed: the run ends */
	int			 r_newest;	/* drop reason slots */
	int			 r_oldest;
	int			 eof;		/* no more reading */
	int			 splice;	/* splice may be tried */
	int			 status_warned;
	int			 exitcode;	/* after the queue drains */
	int			 stop_code;	/* pf_engine_exit(), or -1 */
	uint64_t		 toolong;
	uint64_t		 wait_since;	/* for --timeout */
	uint64_t		 next_status;
	uint64_t		 next_title;
	uint64_t		 next_tick;
	uint64_t		 stale_since;	/* read since the last sample */
	int			 out_stalled;	/* the last wait: output not ready */
	int			 final_done;	/* the last tick ran */
	char			*carry;		/* a record split by reads */
	size_t			 carry_len;
	size_t			 carry_size;
	int			 carry_skip;	/* too long to join */
	uint64_t		 look_num;	/* records looked at */
	int			 look_last;	/* the next is the last, cut */
	struct engine_rb	 rb;		/* the record hook's reads */
	int			 direct;	/* kept runs may go straight out */
	int			 out_errno;	/* such a write failed */
	sigset_t		 waitmask;	/* the mask inside ppoll */
};

/* Whether the record hook decides (not only looks). */
static inline int
engine_decides(const struct pf_engine *e)
{
	return (e->conf->policy.record != NULL && !e->conf->look_only);
}

/* Whether the record hook only looks. */
static inline int
engine_looks(const struct pf_engine *e)
{
	return (e->conf->policy.record != NULL && e->conf->look_only);
}

/* engine.c */
void		 engine_cleanup(struct pf_engine *);
int		 engine_stops(void);

/* engine-io.c */
int		 engine_queue_result(struct pf_engine *, int);
void		 engine_input_end(struct pf_engine *, uint64_t);
int		 engine_carry(struct pf_engine *, const char *, size_t);
void		 engine_inspect(struct pf_engine *, const char *, size_t,
		     uint64_t);
size_t		 engine_space(struct pf_engine *);
uint64_t	 engine_held(struct pf_engine *);
size_t		 engine_fill(struct pf_engine *, char *, size_t, uint64_t);
int		 engine_read_policy(struct pf_engine *, uint64_t);
int		 engine_read(struct pf_engine *, uint64_t);
int		 engine_write_error(struct pf_engine *);
int		 engine_write(struct pf_engine *, size_t, uint64_t);
int		 engine_splice(struct pf_engine *, size_t, uint64_t);
int		 engine_tee_read(struct pf_engine *, uint64_t);
int		 engine_tee_write(struct pf_engine *);

/* engine-report.c */
void		 engine_warn(struct pf_engine *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
void		 engine_tick(struct pf_engine *, uint64_t, int);
void		 engine_statsline(struct pf_engine *, uint64_t, const char *);
void		 engine_counts(struct pf_engine *);
void		 engine_final(struct pf_engine *);
void		 engine_raise(struct pf_engine *, int)
		     __attribute__((noreturn));
void		 engine_epipe(struct pf_engine *) __attribute__((noreturn));
int		 engine_finish(struct pf_engine *, int);

/* engine-rec.c */
int		 engine_rec_init(struct pf_engine *);
void		 engine_rec_free(struct pf_engine *);
size_t		 engine_rec_space(struct pf_engine *);
int		 engine_rec_read(struct pf_engine *, uint64_t);
void		 engine_rec_end(struct pf_engine *, uint64_t, int);
void		 engine_rec_offer(struct pf_engine *, uint64_t);
void		 engine_rec_flush(struct pf_engine *, int);
size_t		 engine_rec_unsent(const struct pf_engine *);
size_t		 engine_rec_unoffered(const struct pf_engine *);
size_t		 engine_rec_partial(const struct pf_engine *);

#endif /* PF_ENGINE_INT_H */
