/* SPDX-License-Identifier: ISC */
/*
 * follow.h: another stage's status file, followed (lib/follow.c).
 *
 * shed --follow and throttle --follow react to the state of a stage
 * further down the pipeline, and lagwatch --watch shows every stage; all
 * of them read status files with the untrusted parser of stage.c and
 * judge a file stale by one rule, here.
 */
#ifndef PF_FOLLOW_H
#define PF_FOLLOW_H

#include "pipeflow.h"

/*
 * A status file older than this (by its own timestamp, else its mtime),
 * in seconds, is stale: five times the default --status-interval.  The
 * file does not say how often its stage writes, so a stage run with a
 * longer interval can look stale between two writes.
 */
#define PF_FOLLOW_STALE		1.25

/*
 * Whether st, read at wall-clock time now (epoch seconds), is stale: its
 * file is older than PF_FOLLOW_STALE, or the process that wrote it no
 * longer exists.  A stale stage has stalled or died.
 */
int		 pf_follow_stale(const struct pf_stage *, double);

struct pf_follow;

/* What the followed stage says, as of the last read. */
struct pf_follow_view {
	int		 known;		/* the file was read and is fresh */
	int		 stale;		/* it was read, and is stale */
	enum pf_state	 state;		/* when known */
	double		 pressure;	/* 0..1, when known */
	const char	*why;		/* when not known: why, for a message */
};

/*
 * Follow the status file at path, re-reading it at most every interval
 * (monotonic nanoseconds; 0 means at every call).  Nothing is read yet.
 * NULL with errno on failure.
 */
struct pf_follow *pf_follow_new(const char *, uint64_t);
/*
 * The followed stage at monotonic time now, reading the file again if
 * interval has passed since the last read.  Never blocks: the file is
 * opened non-blocking and must be a regular file of at most
 * PF_STAGE_MAX_FILE.  A file missing, unreadable, malformed or stale
 * gives a view that is not known.  Returns 1 if this call read the file
 * (the view may have changed), else 0.
 */
/* The monotonic time from which pf_follow_poll() reads the file again. */
uint64_t	 pf_follow_next(const struct pf_follow *);
int		 pf_follow_poll(struct pf_follow *, uint64_t,
		     struct pf_follow_view *);
void		 pf_follow_free(struct pf_follow *);

#endif /* PF_FOLLOW_H */
