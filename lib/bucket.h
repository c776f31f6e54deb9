/* SPDX-License-Identifier: ISC */
/*
 * bucket.h: a token bucket on the monotonic clock (lib/bucket.c).
 *
 * The rate is a whole number of tokens per period, the period a number of
 * nanoseconds that divides one day (PF_BUCKET_DAY): 5000 per second, 300
 * per minute, 1 per minute, 20000000 per second for 20 MB/s, 3 per two
 * seconds.  A rate per second, minute, hour or day is thus exact, and any
 * rate down to one token a day can be put this way (as so many per day).
 * A token stands for a record (take 1 per record) or a byte (take the
 * record's length).
 *
 * The level is kept in integers of 1/PF_BUCKET_DAY-th of a token, for
 * every rate alike: refilling adds elapsed ns times an integer, exactly,
 * and no fraction of a token is lost between refills nor when the rate
 * or the period changes.  A consumer that takes its tokens when they are
 * due (at pf_bucket_when()) gets exactly floor(rate * time) of them over
 * any stretch of time, plus what the bucket held at its start, however
 * often or seldom it looks: there is no drift over hours.  Only what
 * comes in while the bucket is full is lost, which is what the burst is.
 *
 * The bucket holds burst tokens when full: however long it sat unused (a
 * long idle, SIGSTOP and SIGCONT), what it gives at once is burst tokens.
 * The cap is applied at whole nanoseconds, so that a take at the time
 * pf_bucket_when() rounded up loses no fraction of a token: a full level
 * may pass burst by less than what one nanosecond brings in, which is
 * less than a token below 10^9 tokens a second.
 *
 * A take of n tokens succeeds when the bucket holds min(n, burst): a
 * request no larger than the burst waits for its n tokens, a larger one
 * for a full bucket, and then takes all n, leaving the bucket in debt
 * (below zero) by n - burst.  Later takes wait until the debt is paid, so
 * the long-run rate holds even for records larger than the burst, and
 * such a record never waits forever.  A burst of 0 is allowed: every take
 * then waits for the debt of the previous one, with no burst at all.
 *
 * Times are pf_clock_now() values.  A time earlier than the latest one
 * seen (which CLOCK_MONOTONIC never gives) refills nothing and does not
 * move the bucket's clock back.
 *
 * The struct is public so that it can live inside another structure --
 * the value area of a pf_keytab entry, one bucket per key -- without an
 * allocation of its own; its members are for lib/bucket.c only.  It needs
 * no cleanup: 64 bytes.  The arithmetic uses __int128 (GCC and Clang on
 * 64-bit targets).
 */
#ifndef PF_BUCKET_H
#define PF_BUCKET_H

#include <stdint.h>

#include "pipeflow.h"

/* One day in nanoseconds: every period must divide it. */
#define PF_BUCKET_DAY		(86400ULL * PF_NSEC)

struct pf_bucket {
	__int128	 level;		/* in 1/PF_BUCKET_DAY tokens */
	uint64_t	 last;		/* time of the last refill */
	uint64_t	 tokens;	/* per period */
	uint64_t	 period;	/* ns */
	uint64_t	 step;		/* PF_BUCKET_DAY / period */
	uint64_t	 burst;		/* tokens */
};

/*
 * Set up a full bucket (burst tokens in it) at time now, for a rate of
 * tokens per period_ns.  tokens may be 0: nothing comes in until the
 * rate is changed.  Returns 0, or -1 with errno EINVAL when period_ns is
 * 0 or does not divide PF_BUCKET_DAY.  Never allocates.
 */
int		 pf_bucket_init(struct pf_bucket *, uint64_t, uint64_t,
		     uint64_t, uint64_t);
/*
 * Change the rate (tokens per period_ns) and the burst at time now: the
 * tokens that came in up to now at the old rate are kept, capped at the
 * new burst (a debt stays as it is), and the new rate applies from now
 * on.  Returns 0, or -1 with errno EINVAL as pf_bucket_init(), and then
 * the bucket is unchanged.
 */
int		 pf_bucket_set(struct pf_bucket *, uint64_t, uint64_t,
		     uint64_t, uint64_t);
/*
 * Take n tokens at time now if the bucket holds min(n, burst) of them
 * (see above).  Returns 1 when they were taken, 0 when not (and nothing
 * was taken).  A take of 0 tokens succeeds unless the bucket is in debt.
 * Never blocks: sleep until pf_bucket_when() and try again.
 */
int		 pf_bucket_take(struct pf_bucket *, uint64_t, uint64_t);
/*
 * pf_bucket_take() for a take that was due at time due (a
 * pf_bucket_when() it waited for) and comes only now, late by a timer's
 * slack or the scheduler.  A take that waits for a full bucket (a burst
 * of one record) would lose what came in while it was late, and the rate
 * would fall short by the lateness of every wake; here up to
 * PF_BUCKET_LATE of it (and no more than the n tokens taken) is kept.  The long-run
 * rate is then that of takes on time, never more.  due 0, or one before
 * the bucket's last refill: a plain take.
 */
#define PF_BUCKET_LATE		(5 * PF_NSEC / 1000)	/* 5ms */
int		 pf_bucket_take_due(struct pf_bucket *, uint64_t, uint64_t,
		     uint64_t);
/*
 * The earliest time at which pf_bucket_take() of n tokens succeeds, to
 * the nanosecond, rounded up: a take at that time succeeds and a take one
 * nanosecond earlier fails.  When the bucket holds enough already, the
 * time it was last refilled (no later than any now since).  UINT64_MAX
 * when that time is beyond the clock's range or never comes (a rate of
 * 0).  Changes nothing.
 */
uint64_t	 pf_bucket_when(const struct pf_bucket *, uint64_t);
/*
 * The whole tokens in the bucket at its last refill, rounded down
 * (negative in debt), clamped to the range of an int64_t.
 */
int64_t		 pf_bucket_level(const struct pf_bucket *);

#endif /* PF_BUCKET_H */
