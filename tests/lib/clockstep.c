/* SPDX-License-Identifier: ISC */
/*
 * clockstep.so: step the wall clock of one process, for the tests that
 * prove a stage's timing does not follow it (LD_PRELOAD).
 *
 * CLOCKSTEP_AFTER_MS milliseconds (on the monotonic clock) after the
 * wall clock is first read, every later reading of it -- clock_gettime()
 * of CLOCK_REALTIME and its kin, gettimeofday(), time() -- is off by
 * CLOCKSTEP_BY seconds (signed: -3600 steps it an hour back), as after
 * `date -s'.  The monotonic clocks are left alone.  Without the
 * variables, nothing changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static int	(*real_gettime)(clockid_t, struct timespec *);
static int64_t	 step_after = -1;	/* ns of monotonic time, -1: unset */
static int64_t	 step_by;		/* seconds */
static int64_t	 first;			/* monotonic ns of the first read */

static int64_t
mono(void)
{
	struct timespec	ts;

	real_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* The seconds to add to a wall clock reading now. */
static int64_t
offset(void)
{
	const char	*a, *b;
	int64_t		 now;

	if (real_gettime == NULL)
		real_gettime = (int (*)(clockid_t, struct timespec *))
		    dlsym(RTLD_NEXT, "clock_gettime");
	if (step_after == -1) {
		a = getenv("CLOCKSTEP_AFTER_MS");
		b = getenv("CLOCKSTEP_BY");
		step_after = a != NULL ? strtoll(a, NULL, 10) * 1000000 : 0;
		step_by = b != NULL ? strtoll(b, NULL, 10) : 0;
		first = mono();
	}
	if (step_by == 0)
		return (0);
	now = mono();
	return (now - first >= step_after ? step_by : 0);
}

static int
is_wall(clockid_t id)
{
	return (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE ||
	    id == CLOCK_TAI);
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int64_t	off = offset();
	int	r;

	r = real_gettime(id, ts);
	if (r == 0 && is_wall(id))
		ts->tv_sec += off;
	return (r);
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec	ts;
	int64_t		off = offset();

	(void)tz;
	if (real_gettime(CLOCK_REALTIME, &ts) == -1)
		return (-1);
	/* glibc declares tv nonnull: no program may pass NULL here. */
	tv->tv_sec = ts.tv_sec + off;
	tv->tv_usec = ts.tv_nsec / 1000;
	return (0);
}

time_t
time(time_t *t)
{
	struct timespec	ts;
	int64_t		off = offset();
	time_t		s;

	s = (real_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec + off : -1);
	if (t != NULL)
		*t = s;
	return (s);
}
