/* SPDX-License-Identifier: ISC */
/*
 * clock.c: the two clocks a stage needs.  Every interval, deadline, rate
 * and age is measured on CLOCK_MONOTONIC, so that a wall-clock step
 * neither stalls nor bursts a stage; the wall clock is read only to stamp
 * status files.
 */

#include "config.h"

#include <time.h>

#include "pipeflow.h"

uint64_t
pf_clock_now(void)
{
	struct timespec	 ts;

	/* Cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PF_NSEC + (uint64_t)ts.tv_nsec;
}

double
pf_clock_wall(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
