/* SPDX-License-Identifier: ISC */
/*
 * shed.h: what the files of shed share (cmd/shed.c, the options and the
 * policy; cmd/shed-report.c, what it tells: the status file's metrics,
 * the summary at exit and the marks of --mark).
 */
#ifndef SHED_H
#define SHED_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdio.h>
#include <pcre2.h>

#include "pipeflow.h"
#include "engine.h"
#include "follow.h"
#include "recstore.h"

#define NPRIO		PF_RECSTORE_CLASSES
#define MAX_MATCH	64
/* Downstream is behind when its pipe has had less room for this long. */
#define BEHIND		(100 * PF_MSEC)
#define BEHIND_ROOM	(16 << 10)
#define HOLD_AFTER	(10 * PF_MSEC)	/* queue full: the buffer takes */

/* Why a record was shed; the names are the status file's labels. */
enum { R_FULL, R_FOLLOW, R_AGE, R_STATE, NREASON };
extern const char *const reason_name[NREASON];

struct rule {
	pcre2_code	*re;
	int		 prio;
};

struct shed {
	struct pf_recstore	*rs;
	struct pf_field		 pfield;
	int			 has_pfield;
	int			 defprio;
	struct rule		 rule[MAX_MATCH];
	int			 nrule;
	pcre2_match_data	*md;
	struct pf_follow	*follow;
	const char		*follow_path;
	int			 follow_warned;
	int			 own;		/* thresholds on shed's own state */
	int			 th_why;	/* R_FOLLOW or R_STATE */
	int			 cshed;		/* --constrained-shed */
	int			 sshed;		/* --saturated-shed */
	uint64_t		 max_age;	/* ns, 0: none */
	struct pf_field		 tfield;
	enum pf_timefmt		 tfmt;
	struct pf_timememo	 memo;
	int			 slot[NREASON];	/* engine reason slots */
	int			 registered;
	uint64_t		 dropped[NREASON][NPRIO];
	uint64_t		 sample;	/* --sample, 0: none */
	uint64_t		 seen[NREASON][NPRIO];	/* would shed */
	uint64_t		 sampled[NREASON][NPRIO];	/* kept */
	int			 keep;		/* this one kept by it */
	uint64_t		 spared;	/* the head kept by it */
	uint64_t		 defaulted;	/* no or a bad priority */
	uint64_t		 examined;	/* priorities read */
	uint64_t		 untimed;	/* no time to age by */
	int			 waiting;	/* a record waits for room */
	int			 lagging;	/* behind, till the store empties */
	uint64_t		 full_since;	/* records wait, the queue full */
	int			 passing;	/* pf_engine_keep_fitting() on */
	int			 can_pass;	/* and may be, if nothing held */
	uint64_t		 pass_until;	/* until then */
	uint64_t		 wait_num;	/* its number */
	int			 wait_prio;	/* and priority */
	uint64_t		 room_at;	/* when room was asked */
	uint64_t		 out_seen;	/* records out then */
	uint64_t		 out_at;	/* since when, or nothing waited */
	int			 room;		/* and the answer */
	uint64_t		 behind_since;	/* full, the output pipe too */
	double			 bufbytes;	/* --buffer */
	double			 bufrecs;	/* --buffer-records */
	int			 verbose, quiet;
	/* --mark: what was shed since the last mark, and the mark. */
	int			 mark;
	int			 mark_json;
	uint64_t		 settle;	/* an episode ends after it */
	uint64_t		 ep[NREASON][NPRIO];
	uint64_t		 ep_total;
	uint64_t		 last_drop;	/* monotonic, of the episode */
	uint64_t		 now;		/* of the hook or pump at work */
	char			 markbuf[512];
	size_t			 marklen;
	int			 mark_pending;
	uint64_t		 marks;		/* written so far */
};

/* shed-report.c */
void		 shed_metrics(FILE *, const char *, void *);
void		 shed_tick(void *, struct pf_engine *, uint64_t, int);
void		 shed_mark_check(struct shed *, struct pf_engine *, uint64_t,
		     int);

#endif /* SHED_H */
