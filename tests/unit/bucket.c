/* SPDX-License-Identifier: ISC */
/*
 * bucket.c: unit tests for the token bucket (lib/bucket.c).
 *
 * Time is simulated, so hours pass in an instant and every figure is
 * checked exactly.  A consumer that takes tokens as soon as
 * pf_bucket_when() says they are there must get, by time T, exactly
 * floor(rate * T) tokens plus the burst it started with: one token at a
 * time (each take at the very nanosecond it is due) at 5000/s, 7/s,
 * 300/min and 1/min, and in batches of random size over 10 simulated
 * hours; a burst of one token, which every take waits to fill, loses no
 * fraction of a token to the nanosecond rounding.  In byte mode at 20
 * MB/s, records of random size must come within one record of the exact
 * figure, with a burst above and below the largest record.  A rate
 * changed halfway gives the exact sum of the two parts, fractions of a
 * token carried across; an hour's pause gives one burst and no more; a
 * clock going back changes nothing; and on randomised states a take at
 * pf_bucket_when() - 1ns fails while one at pf_bucket_when() succeeds.
 * Huge rates, bursts, requests and times must not overflow (run under
 * UBSan to be sure).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pipeflow.h"
#include "bucket.h"
#include "tap.h"

#ifndef SEED
#define SEED		0x5851f42d4c957f2dULL	/* -DSEED=n for other runs */
#endif
#include "rand.h"

#define S(x)		((uint64_t)(x) * PF_NSEC)
#define MIN		S(60)
#define HOUR		S(3600)
#define T0		S(12345)	/* a clock that does not start at 0 */

static uint64_t	 expect(uint64_t, uint64_t, uint64_t);
static uint64_t	 drain(struct pf_bucket *, uint64_t, uint64_t);
static int	 same(const struct pf_bucket *, const struct pf_bucket *);
static void	 test_init(void);
static void	 singles(const char *, uint64_t, uint64_t, uint64_t,
		    uint64_t);
static void	 batches(const char *, uint64_t, uint64_t, uint64_t,
		    uint64_t);
static void	 bytes(const char *, uint64_t, uint64_t, uint64_t);
static void	 change(const char *, uint64_t, uint64_t, uint64_t, uint64_t,
		    uint64_t, uint64_t);
static void	 test_pause(void);
static void	 test_burst_change(void);
static void	 test_backwards(void);
static void	 test_debt(void);
static void	 test_when_random(void);
static void	 test_huge(void);
static void	 late(const char *, uint64_t, uint64_t, uint64_t);
static void	 test_late_stop(void);

/* Whole tokens that tokens per period bring in over t nanoseconds. */
static uint64_t
expect(uint64_t tokens, uint64_t period, uint64_t t)
{
	return ((uint64_t)((unsigned __int128)t * tokens / period));
}

/*
 * Take tokens as they come, up to time end: batches of 1 to max tokens,
 * each at the time pf_bucket_when() names, then single tokens for what
 * is left.  Returns the tokens taken, 0 if a take at its time failed.
 */
static uint64_t
drain(struct pf_bucket *b, uint64_t end, uint64_t max)
{
	uint64_t	 got = 0, n, w;

	for (;;) {
		n = max > 1 ? rnd_in(1, max) : 1;
		if ((w = pf_bucket_when(b, n)) > end) {
			if (n == 1)
				break;
			max = 1;
			continue;
		}
		if (!pf_bucket_take(b, n, w))
			return (0);
		got += n;
	}
	return (got);
}

static int
same(const struct pf_bucket *a, const struct pf_bucket *b)
{
	return (a->level == b->level && a->last == b->last &&
	    a->tokens == b->tokens && a->period == b->period &&
	    a->burst == b->burst);
}

static void
test_init(void)
{
	struct pf_bucket	 b;

	errno = 0;
	ok(pf_bucket_init(&b, 1, 0, 1, 0) == -1 && errno == EINVAL,
	    "init: period 0 is EINVAL");
	errno = 0;
	ok(pf_bucket_init(&b, 1, S(7), 1, 0) == -1 && errno == EINVAL,
	    "init: 7s does not divide a day: EINVAL");
	errno = 0;
	ok(pf_bucket_init(&b, 1, 2 * PF_BUCKET_DAY, 1, 0) == -1 &&
	    errno == EINVAL, "init: two days is EINVAL");
	ok(pf_bucket_init(&b, 1, 1, 1, 0) == 0, "init: 1ns period accepted");
	ok(pf_bucket_init(&b, 1, PF_BUCKET_DAY, 1, 0) == 0,
	    "init: a day accepted");
	ok(pf_bucket_init(&b, 3, S(2), 1, 0) == 0, "init: 2s accepted");
	ok(pf_bucket_init(&b, 300, MIN, 25, T0) == 0, "init: 300/min");
	is_int(pf_bucket_level(&b), 25, "init: starts full");
	is_int(pf_bucket_when(&b, 25), T0, "init: burst there at once");
	is_int(pf_bucket_when(&b, 26), T0,
	    "init: more than the burst waits for a full bucket: now");
	errno = 0;
	ok(pf_bucket_set(&b, 5, S(7), 25, T0) == -1 && errno == EINVAL,
	    "set: a bad period is EINVAL");
	is_int(b.tokens, 300, "set: a refused change leaves the rate");
}

/*
 * One token at a time for t nanoseconds: the count is exact, and the kth
 * token after the burst is taken at exactly ceil(k * period / tokens).
 */
static void
singles(const char *name, uint64_t tokens, uint64_t period, uint64_t burst,
    uint64_t t)
{
	struct pf_bucket	 b, c;
	uint64_t		 count = 0, w, want, k;
	int			 failed = 0, late = 0, early = 0;

	(void)pf_bucket_init(&b, tokens, period, burst, T0);
	while ((w = pf_bucket_when(&b, 1)) <= T0 + t) {
		count++;
		if (count > burst) {
			k = count - burst;
			want = T0 + (uint64_t)(((unsigned __int128)k * period +
			    tokens - 1) / tokens);
			if (w != want)
				late++;
			c = b;
			if (pf_bucket_take(&c, 1, w - 1))
				early++;
		}
		if (!pf_bucket_take(&b, 1, w)) {
			failed++;
			break;
		}
	}
	is_int(failed, 0, "%s: every take at its time succeeds", name);
	is_int(early, 0, "%s: no take 1ns early succeeds", name);
	is_int(late, 0, "%s: token k due at ceil(k / rate)", name);
	is_int(count, expect(tokens, period, t) + burst,
	    "%s: floor(rate * T) + burst takes", name);
}

/* Batches of random size over t: exact again. */
static void
batches(const char *name, uint64_t tokens, uint64_t period, uint64_t burst,
    uint64_t t)
{
	struct pf_bucket	 b;

	(void)pf_bucket_init(&b, tokens, period, burst, T0);
	is_int(drain(&b, T0 + t, burst), expect(tokens, period, t) + burst,
	    "%s: floor(rate * T) + burst tokens in batches", name);
}

/*
 * Records of 1 to max bytes, each taken when its bytes are there: within
 * one record of the exact figure, with a burst below max too (debt).
 */
static void
bytes(const char *name, uint64_t rate, uint64_t burst, uint64_t max)
{
	struct pf_bucket	 b;
	uint64_t		 got = 0, n, w, end = T0 + 10 * HOUR, want;
	int			 failed = 0;

	(void)pf_bucket_init(&b, rate, PF_NSEC, burst, T0);
	for (;;) {
		n = rnd_in(1, max);
		if ((w = pf_bucket_when(&b, n)) > end)
			break;
		if (!pf_bucket_take(&b, n, w))
			failed++;
		got += n;
	}
	want = expect(rate, PF_NSEC, end - T0) + burst;
	is_int(failed, 0, "%s: every take at its time succeeds", name);
	ok(got <= want + max && got + max >= want,
	    "%s: %llu bytes in 10h, %llu due: within one record", name,
	    (unsigned long long)got, (unsigned long long)want);
}

/*
 * tokens1 per period1 until half, then tokens2 per period2 until 10h:
 * the tokens taken are the burst and the exact sum of what both rates
 * brought in, a fraction of a token from the first part carried over.
 */
static void
change(const char *name, uint64_t tokens1, uint64_t period1,
    uint64_t tokens2, uint64_t period2, uint64_t burst, uint64_t half)
{
	struct pf_bucket	 b;
	unsigned __int128	 units;
	uint64_t		 got, end = 10 * HOUR, want;

	(void)pf_bucket_init(&b, tokens1, period1, burst, T0);
	got = drain(&b, T0 + half, burst);
	ok(pf_bucket_set(&b, tokens2, period2, burst, T0 + half) == 0,
	    "%s: rate changed", name);
	got += drain(&b, T0 + end, burst);
	units = (unsigned __int128)half * tokens1 * (PF_BUCKET_DAY / period1) +
	    (unsigned __int128)(end - half) * tokens2 *
	    (PF_BUCKET_DAY / period2);
	want = (uint64_t)(units / PF_BUCKET_DAY) + burst;
	is_int(got, want, "%s: exact sum of both parts", name);
}

/* An hour stopped (SIGSTOP, idle): one burst, then the rate again. */
static void
test_pause(void)
{
	struct pf_bucket	 b;
	uint64_t		 t, n;

	(void)pf_bucket_init(&b, 100, PF_NSEC, 10, T0);
	(void)drain(&b, T0 + S(5), 10);
	t = T0 + S(5) + HOUR;
	ok(b.last == T0 + S(5) && pf_bucket_level(&b) == 0,
	    "pause: emptied at the last token's time");
	is_int(pf_bucket_when(&b, 10), T0 + S(5) + PF_NSEC / 10,
	    "pause: full again 100ms after");
	for (n = 0; pf_bucket_take(&b, 1, t); n++)
		;
	is_int(n, 10, "pause: an hour later, exactly the burst");
	is_int(pf_bucket_when(&b, 1), t + PF_NSEC / 100,
	    "pause: then one token per 10ms");
	(void)pf_bucket_init(&b, 7, PF_NSEC, 1, T0);
	(void)drain(&b, T0 + S(5), 1);
	ok(pf_bucket_take(&b, 1, T0 + HOUR) && !pf_bucket_take(&b, 1,
	    T0 + HOUR), "pause: burst 1 at 7/s gives one token after an hour");
	is_int(pf_bucket_level(&b), 0, "pause: and none is left");

	(void)pf_bucket_init(&b, 100, PF_NSEC, 10, t);
	ok(pf_bucket_take(&b, 1000, t + HOUR), "pause: a request above "
	    "the burst goes through on a full bucket");
	is_int(pf_bucket_level(&b), 10 - 1000, "pause: and leaves a debt");
	is_int(pf_bucket_when(&b, 1), t + HOUR + S(9) + 91 * PF_NSEC / 100,
	    "pause: paid off at the rate before the next token");
}

static void
test_burst_change(void)
{
	struct pf_bucket	 b;

	(void)pf_bucket_init(&b, 100, PF_NSEC, 100, T0);
	ok(pf_bucket_set(&b, 100, PF_NSEC, 10, T0 + 1) == 0,
	    "burst: lowered");
	is_int(pf_bucket_level(&b), 10, "burst: a full bucket is capped");
	ok(pf_bucket_set(&b, 100, PF_NSEC, 1000, T0 + 2) == 0,
	    "burst: raised");
	is_int(pf_bucket_level(&b), 10, "burst: raising it adds nothing");
	is_int(pf_bucket_when(&b, 1000), T0 + 2 + S(9) + 9 * PF_NSEC / 10,
	    "burst: the new cap fills at the rate");
	ok(pf_bucket_set(&b, 0, PF_NSEC, 1000, T0 + S(1)) == 0,
	    "burst: rate 0");
	is_int(pf_bucket_level(&b), 109, "burst: what came in is kept");
	is_int(pf_bucket_when(&b, 110), UINT64_MAX,
	    "burst: at rate 0 nothing more comes");
	ok(pf_bucket_take(&b, 109, T0 + HOUR), "burst: but that may be taken");
	ok(!pf_bucket_take(&b, 1, T0 + 2 * HOUR), "burst: and no more");
}

static void
test_backwards(void)
{
	struct pf_bucket	 b, c;

	(void)pf_bucket_init(&b, 7, PF_NSEC, 3, T0);
	(void)drain(&b, T0 + S(100), 3);
	c = b;
	ok(!pf_bucket_take(&b, 1, T0), "backwards: an earlier time refills "
	    "nothing");
	ok(same(&b, &c), "backwards: and changes nothing");
	ok(pf_bucket_set(&b, 7000, PF_NSEC, 3, T0 + S(50)) == 0 &&
	    b.last == c.last, "backwards: a rate change does not move the "
	    "clock back");
	ok(pf_bucket_take(&b, 1, pf_bucket_when(&b, 1)),
	    "backwards: the new rate applies from the latest time");
	is_int(pf_bucket_level(&b) >= 0, 1, "backwards: no debt made");
}

static void
test_debt(void)
{
	struct pf_bucket	 b;

	(void)pf_bucket_init(&b, 2, PF_NSEC, 0, T0);
	ok(pf_bucket_take(&b, 5, T0), "debt: burst 0 lets the first through");
	is_int(pf_bucket_level(&b), -5, "debt: five tokens owed");
	is_int(pf_bucket_when(&b, 1), T0 + S(2) + PF_NSEC / 2,
	    "debt: the next waits for the debt at 2/s");
	ok(!pf_bucket_take(&b, 1, T0 + S(1) + PF_NSEC / 4),
	    "debt: not before");
	is_int(pf_bucket_level(&b), -3, "debt: -2.5 rounds down to -3");
	ok(!pf_bucket_take(&b, 0, T0 + S(1)),
	    "debt: even a take of 0 waits for it");
	is_int(pf_bucket_when(&b, 0), T0 + S(2) + PF_NSEC / 2,
	    "debt: as long as any other");
	ok(pf_bucket_take(&b, 1, T0 + S(2) + PF_NSEC / 2),
	    "debt: on time it goes through");
	(void)pf_bucket_init(&b, 2, PF_NSEC, 3, T0);
	ok(pf_bucket_take(&b, 0, T0) && pf_bucket_level(&b) == 3,
	    "debt: out of debt a take of 0 succeeds and takes nothing");
}

/* Random rates, bursts and histories: pf_bucket_when() is exact. */
static void
test_when_random(void)
{
	static const uint64_t	 periods[] = { 1, 1000, PF_MSEC, PF_NSEC,
	    S(2), MIN, HOUR, PF_BUCKET_DAY };
	struct pf_bucket	 b, c;
	uint64_t		 tokens, burst, n, w, now;
	int			 i, j, early = 0, missed = 0, checked = 0;

	for (i = 0; i < 3000; i++) {
		tokens = rnd() >> rnd_in(0, 63);
		burst = rnd() >> rnd_in(0, 63);
		if (rnd_in(0, 3) == 0)
			burst = rnd_in(0, 3);
		now = rnd() >> rnd_in(1, 63);
		(void)pf_bucket_init(&b, tokens, periods[rnd_in(0, 7)], burst,
		    now);
		for (j = 0; j < 20; j++) {
			n = rnd_in(0, 2) == 0 ? rnd() >> rnd_in(0, 63) :
			    rnd_in(0, 2 * (burst < 1000 ? burst : 1000) + 2);
			w = pf_bucket_when(&b, n);
			if (w == UINT64_MAX)
				continue;
			checked++;
			if (w > b.last) {
				c = b;
				if (pf_bucket_take(&c, n, w - 1))
					early++;
			}
			c = b;
			if (!pf_bucket_take(&c, n, w))
				missed++;
			/* Move on: take it, or skip ahead a random time. */
			if (rnd_in(0, 1))
				(void)pf_bucket_take(&b, n, w);
			else if (b.last < UINT64_MAX / 2)
				(void)pf_bucket_take(&b, n,
				    b.last + (rnd() >> rnd_in(20, 63)));
		}
	}
	ok(checked > 20000, "random: %d states checked", checked);
	is_int(early, 0, "random: a take at when - 1ns fails");
	is_int(missed, 0, "random: a take at when succeeds");
}

static void
test_huge(void)
{
	struct pf_bucket	 b;
	uint64_t		 w;

	ok(pf_bucket_init(&b, UINT64_MAX, 1, UINT64_MAX, 0) == 0,
	    "huge: 2^64 tokens a nanosecond, burst 2^64");
	is_int(pf_bucket_level(&b), INT64_MAX, "huge: level clamps");
	ok(pf_bucket_take(&b, UINT64_MAX, 0), "huge: take 2^64 - 1");
	ok(!pf_bucket_take(&b, UINT64_MAX, 0), "huge: not twice at once");
	is_int(pf_bucket_when(&b, UINT64_MAX), 1, "huge: full again in 1ns");
	ok(pf_bucket_take(&b, UINT64_MAX, UINT64_MAX),
	    "huge: after 2^64 ns, full and no more");
	is_int(pf_bucket_level(&b), 0, "huge: emptied again");

	ok(pf_bucket_init(&b, UINT64_MAX / 3, PF_NSEC, UINT64_MAX, 0) == 0,
	    "huge: a rate that takes the slow path");
	ok(pf_bucket_take(&b, UINT64_MAX, 0), "huge: emptied");
	ok(pf_bucket_take(&b, UINT64_MAX / 3, PF_NSEC),
	    "huge: a second's worth after a second");
	ok(!pf_bucket_take(&b, 1, PF_NSEC), "huge: and not one more");
	ok(pf_bucket_take(&b, UINT64_MAX, UINT64_MAX), "huge: full at the "
	    "end of time");

	(void)pf_bucket_init(&b, 10ULL * 1000 * 1000 * 1000, PF_NSEC,
	    1000ULL * 1000 * 1000, 0);
	ok(pf_bucket_take(&b, UINT64_MAX, 0), "10 GB/s: a 2^64 byte request "
	    "on a full bucket");
	w = (UINT64_MAX - 1000000000 + 1 + 9) / 10;
	is_int(pf_bucket_when(&b, 1), w, "10 GB/s: its debt is paid at "
	    "10 bytes a nanosecond");
	ok(!pf_bucket_take(&b, 1, w - 1) && pf_bucket_take(&b, 1, w),
	    "10 GB/s: and not a nanosecond sooner");

	w = UINT64_MAX / (PF_BUCKET_DAY / PF_NSEC);
	ok(pf_bucket_init(&b, w, PF_NSEC, UINT64_MAX, 0) == 0,
	    "huge: the fastest rate on the fast path");
	ok(pf_bucket_take(&b, UINT64_MAX, 0), "huge: emptied");
	ok(pf_bucket_take(&b, w, PF_NSEC) && !pf_bucket_take(&b, 1, PF_NSEC),
	    "huge: a second's worth after a second, no more");
	ok(pf_bucket_take(&b, UINT64_MAX, UINT64_MAX), "huge: full at the "
	    "end of time");

	(void)pf_bucket_init(&b, 1, PF_BUCKET_DAY, 1, UINT64_MAX - 5);
	ok(pf_bucket_take(&b, 1, UINT64_MAX - 5), "end of time: taken");
	is_int(pf_bucket_when(&b, 1), UINT64_MAX,
	    "end of time: the next is beyond the clock");
}

/*
 * Every take comes late by 0 to 300us after pf_bucket_when(), as a timer
 * does.  A plain take loses the lateness when each one waits for a full
 * bucket; pf_bucket_take_due() keeps the rate: within one token of the
 * exact figure over 10 hours.
 */
static void
late(const char *name, uint64_t tokens, uint64_t burst, uint64_t t)
{
	struct pf_bucket	 b, p;
	uint64_t		 n = 0, np = 0, w, want;

	(void)pf_bucket_init(&b, tokens, PF_NSEC, burst, T0);
	p = b;
	while ((w = pf_bucket_when(&b, 1)) <= T0 + t) {
		if (!pf_bucket_take_due(&b, 1, w + rnd_in(0, 300000), w))
			break;
		n++;
	}
	while ((w = pf_bucket_when(&p, 1)) <= T0 + t) {
		if (!pf_bucket_take(&p, 1, w + rnd_in(0, 300000)))
			break;
		np++;
	}
	want = expect(tokens, PF_NSEC, t) + burst;
	ok(n <= want && n + 1 >= want, "%s, late takes charged when due: "
	    "%llu of %llu", name, (unsigned long long)n,
	    (unsigned long long)want);
	if (burst == 1)
		ok(np + want / 1000 < want, "%s, plain late takes fall short: "
		    "%llu", name, (unsigned long long)np);
}

/* Late by a long stop: one burst, as a take on time would have, no more. */
static void
test_late_stop(void)
{
	struct pf_bucket	 b;
	uint64_t		 w, n;

	(void)pf_bucket_init(&b, 10, PF_NSEC, 1, T0);
	ok(pf_bucket_take(&b, 1, T0), "late stop: the burst taken");
	w = pf_bucket_when(&b, 1);
	ok(pf_bucket_take_due(&b, 1, w + S(2), w),
	    "late stop: due, taken 2s late");
	is_int(pf_bucket_when(&b, 1), w + S(2) + PF_NSEC / 10 -
	    PF_BUCKET_LATE, "late stop: the next due a period less 5ms later");
	(void)pf_bucket_init(&b, 100, PF_NSEC, 10, T0);
	for (n = 0; pf_bucket_take(&b, 1, T0); n++)
		;
	w = pf_bucket_when(&b, 10);
	for (n = 0; pf_bucket_take_due(&b, 1, w + HOUR, w); n++)
		;
	is_int(n, 10, "late stop: an hour late, burst 10 gives 10");
	(void)pf_bucket_init(&b, 1000000, PF_NSEC, 1000, T0);
	(void)pf_bucket_take(&b, 1000, T0);
	w = pf_bucket_when(&b, 1000);
	for (n = 0; pf_bucket_take_due(&b, 1, w + S(1), w); n++)
		;
	is_int(n, 1001, "late stop: at most the take's own tokens beyond "
	    "the cap");
	ok(pf_bucket_take_due(&b, 0, w + S(2), 0) && pf_bucket_take(&b, 1000,
	    w + S(2)) && !pf_bucket_take(&b, 1, w + S(2)),
	    "late stop: due 0 is a plain take");
}

int
main(void)
{
	test_init();
	singles("5000/s for 100s", 5000, PF_NSEC, 500, S(100));
	singles("7/s for 10h", 7, PF_NSEC, 1, 10 * HOUR);
	singles("300/min for 10h", 300, MIN, 30, 10 * HOUR);
	singles("1/min for 10h", 1, MIN, 1, 10 * HOUR);
	singles("3 per 2s for 10h", 3, S(2), 1, 10 * HOUR);
	batches("5000/s for 10h", 5000, PF_NSEC, 500, 10 * HOUR);
	batches("7/s for 10h", 7, PF_NSEC, 7, 10 * HOUR + 12345);
	batches("300/min for 10h", 300, MIN, 30, 10 * HOUR + 1);
	batches("1/min for 10h", 1, MIN, 1, 10 * HOUR - 1);
	batches("1M/s for 10h", 1000000, PF_NSEC, 100000, 10 * HOUR);
	bytes("20 MB/s, burst 2 MB, records to 1 MiB", 20000000, 2000000,
	    1024 * 1024);
	bytes("20 MB/s, burst 64 KiB, records to 1 MiB", 20000000, 65536,
	    1024 * 1024);
	change("5000/s then 7/s", 5000, PF_NSEC, 7, PF_NSEC, 100,
	    5 * HOUR + 123456789);
	change("7/s then 300/min", 7, PF_NSEC, 300, MIN, 2,
	    5 * HOUR + 123456789);
	change("1/min then 20M/s", 1, MIN, 20000000, PF_NSEC, 2000000,
	    5 * HOUR + 7 * PF_NSEC);
	change("300/min then 1/min", 300, MIN, 1, MIN, 5, 5 * HOUR + 333);
	test_pause();
	test_burst_change();
	test_backwards();
	test_debt();
	test_when_random();
	test_huge();
	late("10/s, burst 1", 10, 1, 10 * HOUR);
	late("7/s, burst 1", 7, 1, 10 * HOUR);
	late("1000/s, burst 100", 1000, 100, HOUR);
	test_late_stop();
	return (done());
}
