/* SPDX-License-Identifier: ISC */
/*
 * clock.c: unit tests for lib/clock.c.  The monotonic clock never goes
 * back and advances across a sleep; the wall clock is near time(3).
 * Bounds are loose on purpose: a loaded build machine may oversleep.
 */

#include "config.h"

#include <stdint.h>
#include <time.h>

#include "pipeflow.h"
#include "tap.h"

static void	 test_monotonic(void);
static void	 test_sleep(void);
static void	 test_wall(void);

static void
test_monotonic(void)
{
	uint64_t	 prev, now;
	int		 i, back = 0;

	prev = pf_clock_now();
	ok(prev > 0, "monotonic clock is not zero");
	for (i = 0; i < 100000; i++) {
		now = pf_clock_now();
		if (now < prev)
			back++;
		prev = now;
	}
	is_int(back, 0, "monotonic clock never goes back in 100000 reads");
}

static void
test_sleep(void)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	uint64_t	 t0, t1;

	t0 = pf_clock_now();
	while (nanosleep(&ts, &ts) == -1)
		continue;
	t1 = pf_clock_now();
	if (!ok(t1 - t0 >= 20 * PF_MSEC, "monotonic clock advances by a "
	    "20ms sleep at least"))
		diag("advanced %lluns", (unsigned long long)(t1 - t0));
	if (!ok(t1 - t0 < 10 * PF_NSEC, "monotonic clock advances by a "
	    "20ms sleep less than 10s"))
		diag("advanced %lluns", (unsigned long long)(t1 - t0));
}

static void
test_wall(void)
{
	double	 w0, w1;
	time_t	 t;

	w0 = pf_clock_wall();
	t = time(NULL);
	w1 = pf_clock_wall();
	ok(w0 > 1.5e9, "wall clock is after 2017");
	if (!ok(w0 - 2 <= (double)t && (double)t <= w1 + 2,
	    "wall clock agrees with time(3)"))
		diag("wall %.3f, time %lld", w0, (long long)t);
	ok(w0 != (double)(time_t)w0 || w1 != (double)(time_t)w1 ||
	    pf_clock_wall() != w1, "wall clock has sub-second resolution");
}

int
main(void)
{
	test_monotonic();
	test_sleep();
	test_wall();
	return done();
}
