/* SPDX-License-Identifier: ISC */
/*
 * bucket.c: the token bucket behind throttle's rates, records and bytes
 * alike.
 *
 * A throttle asked for 5000 records a second must deliver 18 million in
 * an hour, not 17.99, and one asked for 300 a minute must not turn that
 * into 4.99 a second.  So nothing here is a float: the rate is tokens per
 * period, and the level counts units of 1/PF_BUCKET_DAY token.  Since the
 * period divides one day, a nanosecond brings in tokens * (DAY / period)
 * units, an integer: a refill over e nanoseconds adds exactly e times
 * that, and whatever fraction of a token it leaves stays in the level for
 * the next.  The same unit serves every rate, so a rate change keeps the
 * fraction too.
 *
 * A level of up to 2^64 tokens in units of 2^47 needs 111 bits, hence the
 * 128-bit level.  The product of an elapsed time and the rate could be
 * larger still, so a refill first checks whether the bucket would be full
 * (then it is full) and multiplies only below that.  For any rate
 * under about 2 * 10^14 tokens a second a nanosecond brings in fewer than
 * 2^64 units, and the product fits in 128 bits without a division, which
 * keeps a take cheap.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "pipeflow.h"
#include "bucket.h"

static int		 bucket_valid(uint64_t);
static int		 bucket_rate(struct pf_bucket *, uint64_t, uint64_t,
			    uint64_t);
static __int128		 bucket_cap(const struct pf_bucket *);
static __int128		 bucket_need(const struct pf_bucket *, uint64_t);
static unsigned __int128 bucket_inc(const struct pf_bucket *);
static void		 bucket_fill(struct pf_bucket *, uint64_t, __int128);
static void		 bucket_refill(struct pf_bucket *, uint64_t);

static int
bucket_valid(uint64_t period)
{
	return (period != 0 && PF_BUCKET_DAY % period == 0);
}

/* The most the bucket holds, in units. */
static __int128
bucket_cap(const struct pf_bucket *b)
{
	return ((__int128)b->burst * PF_BUCKET_DAY);
}

/* What a take of n waits for: n tokens, or a full bucket if n is more. */
static __int128
bucket_need(const struct pf_bucket *b, uint64_t n)
{
	return ((__int128)(n < b->burst ? n : b->burst) * PF_BUCKET_DAY);
}

/* Units a nanosecond brings in: below 2^64 * 2^47. */
static unsigned __int128
bucket_inc(const struct pf_bucket *b)
{
	return ((unsigned __int128)b->tokens * b->step);
}

/*
 * Bring the level up to time now.  The cap is applied at whole
 * nanoseconds: a bucket that fills between two of them keeps the level
 * of the first nanosecond at which it is full, less than one
 * nanosecond's worth above the cap, and gains nothing after that.  A take
 * at the time pf_bucket_when() gives, rounded up to the nanosecond, thus
 * loses nothing even when it waited for a full bucket.
 */
static void
bucket_refill(struct pf_bucket *b, uint64_t now)
{
	bucket_fill(b, now, bucket_cap(b));
}

/* bucket_refill() up to a cap of the caller's. */
static void
bucket_fill(struct pf_bucket *b, uint64_t now, __int128 cap)
{
	unsigned __int128	 inc, room;
	uint64_t		 e;
	int			 full;

	if (now <= b->last)
		return;
	e = now - b->last;
	b->last = now;
	if (b->tokens == 0 || b->level >= cap)
		return;
	room = (unsigned __int128)(cap - b->level);
	inc = bucket_inc(b);
	if ((inc >> 64) == 0)
		/* Both factors below 2^64: the product fits. */
		full = (unsigned __int128)e * (uint64_t)inc >= room;
	else
		/* It may not: compare e with the time to fill instead. */
		full = e >= (room + inc - 1) / inc;
	if (full)
		b->level += (__int128)((room + inc - 1) / inc * inc);
	else
		b->level += (__int128)((unsigned __int128)e * inc);
}

/* Take on a new rate and burst, or refuse a bad period with EINVAL. */
static int
bucket_rate(struct pf_bucket *b, uint64_t tokens, uint64_t period,
    uint64_t burst)
{
	if (!bucket_valid(period)) {
		errno = EINVAL;
		return (-1);
	}
	b->tokens = tokens;
	b->period = period;
	b->step = PF_BUCKET_DAY / period;
	b->burst = burst;
	return (0);
}

int
pf_bucket_init(struct pf_bucket *b, uint64_t tokens, uint64_t period,
    uint64_t burst, uint64_t now)
{
	if (bucket_rate(b, tokens, period, burst) == -1)
		return (-1);
	b->last = now;
	b->level = bucket_cap(b);
	return (0);
}

int
pf_bucket_set(struct pf_bucket *b, uint64_t tokens, uint64_t period,
    uint64_t burst, uint64_t now)
{
	if (!bucket_valid(period)) {
		errno = EINVAL;
		return (-1);
	}
	/* What came in so far came in at the old rate. */
	bucket_refill(b, now);
	(void)bucket_rate(b, tokens, period, burst);
	if (b->level > bucket_cap(b))
		b->level = bucket_cap(b);
	return (0);
}

/*
 * n * PF_BUCKET_DAY is below 2^111 and the level before a take is at
 * least 0 (it held min(n, burst) >= 0), so a debt stays above -2^111.
 */
int
pf_bucket_take(struct pf_bucket *b, uint64_t n, uint64_t now)
{
	bucket_refill(b, now);
	if (b->level < bucket_need(b, n))
		return (0);
	b->level -= (__int128)n * PF_BUCKET_DAY;
	return (1);
}

/*
 * Up to due the bucket fills as always.  From due to now it may hold
 * more than its cap by what came in over the first PF_BUCKET_LATE of that
 * time, and by no more than the n tokens taken: the room a take on time
 * would have made for them.  So the take leaves at most a full bucket,
 * as one on time would have by now, and is never ahead of it.
 */
int
pf_bucket_take_due(struct pf_bucket *b, uint64_t n, uint64_t now,
    uint64_t due)
{
	unsigned __int128	 inc;
	__int128		 extra;
	uint64_t		 late;

	inc = bucket_inc(b);
	if (due != 0 && due >= b->last && due < now && (inc >> 64) == 0) {
		bucket_refill(b, due);
		late = now - due < PF_BUCKET_LATE ? now - due : PF_BUCKET_LATE;
		extra = (__int128)((unsigned __int128)late * (uint64_t)inc);
		if (extra > (__int128)n * PF_BUCKET_DAY)
			extra = (__int128)n * PF_BUCKET_DAY;
		bucket_fill(b, now, bucket_cap(b) + extra);
	}
	return (pf_bucket_take(b, n, now));
}

/*
 * Exact because a refill is: after w nanoseconds the level has grown by
 * w * inc, and the smallest w with w * inc >= deficit is the deficit over
 * inc rounded up.  The cap cannot get in the way, as what is needed is
 * never more than the cap and the cap is applied at that same nanosecond.
 */
uint64_t
pf_bucket_when(const struct pf_bucket *b, uint64_t n)
{
	unsigned __int128	 deficit, inc, wait;
	__int128		 need;

	need = bucket_need(b, n);
	if (b->level >= need)
		return (b->last);
	if (b->tokens == 0)
		return (UINT64_MAX);
	deficit = (unsigned __int128)(need - b->level);
	inc = bucket_inc(b);
	wait = (deficit + inc - 1) / inc;
	if (wait > UINT64_MAX - b->last)
		return (UINT64_MAX);
	return (b->last + (uint64_t)wait);
}

int64_t
pf_bucket_level(const struct pf_bucket *b)
{
	__int128	 q;

	/* Division truncates towards zero; a debt rounds down. */
	q = b->level / (__int128)PF_BUCKET_DAY;
	if (b->level % (__int128)PF_BUCKET_DAY < 0)
		q--;
	if (q > INT64_MAX)
		return (INT64_MAX);
	if (q < INT64_MIN)
		return (INT64_MIN);
	return ((int64_t)q);
}
