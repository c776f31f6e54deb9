/* SPDX-License-Identifier: ISC */
/*
 * aimd.c: unit tests for the adaptive share (lib/aimd.c).
 *
 * Each rule is checked step by step: the first cut is at once and to
 * 70%, the next not within 500ms nor while the pressure falls, recovery
 * holds, normal adds 1% up to the whole, the floor holds.  Then a
 * simulated pipeline: a producer at the share of 1000 records/s into a
 * pipe of 256 records read at 500/s, the pipe's fill run through the
 * real state machine (50%, 90%, 2s) every 100ms for 10 simulated
 * minutes.  After the first minute the consumer must get at least 90% of
 * what it can take, the pipe must spend under 10% of the time saturated,
 * and the share must not swing wider than the cut it makes.
 */
#include "config.h"

#include <stdint.h>

#include "pipeflow.h"
#include "aimd.h"
#include "tap.h"

#define MS(x)	((uint64_t)(x) * PF_MSEC)
#define T0	(12345 * PF_NSEC)

static void	 test_rules(void);
static void	 test_pipeline(void);

static void
test_rules(void)
{
	struct pf_aimd	 a;
	uint64_t	 t = T0;
	int		 i;

	pf_aimd_init(&a, 100000);
	is_int(a.f, PF_AIMD_ONE, "starts at the ceiling");
	ok(pf_aimd_step(&a, PF_STATE_NORMAL, 0, t) == 0, "normal at the "
	    "ceiling changes nothing");
	ok(pf_aimd_step(&a, PF_STATE_CONSTRAINED, 0.6, t) == 1 &&
	    a.f == 700000, "the first cut is at once, to 70%%");
	ok(pf_aimd_step(&a, PF_STATE_SATURATED, 0.95, t + MS(499)) == 0,
	    "no second cut within 500ms");
	ok(pf_aimd_step(&a, PF_STATE_SATURATED, 0.95, t + MS(500)) == 1 &&
	    a.f == 490000, "a second cut after 500ms while pressed");
	ok(pf_aimd_step(&a, PF_STATE_SATURATED, 0.9, t + MS(1500)) == 0,
	    "no cut while the pressure falls");
	ok(pf_aimd_step(&a, PF_STATE_RECOVERY, 0.3, t + MS(2000)) == 0 &&
	    a.f == 490000, "recovery holds");
	ok(pf_aimd_step(&a, PF_STATE_NORMAL, 0.1, t + MS(4000)) == 1 &&
	    a.f == 500000, "normal adds 1%% of the ceiling");
	ok(pf_aimd_step(&a, PF_STATE_CONSTRAINED, 0.1, t + MS(4100)) == 1 &&
	    a.f == 350000, "after normal a cut is at once again");
	for (i = 0; i < 20; i++)
		(void)pf_aimd_step(&a, PF_STATE_SATURATED, 1.0,
		    t + MS(5000 + 500 * i));
	is_int(a.f, 100000, "cuts stop at the floor");
	for (i = 0; i < 200; i++)
		(void)pf_aimd_step(&a, PF_STATE_NORMAL, 0, t + MS(20000 + i));
	is_int(a.f, PF_AIMD_ONE, "growth stops at the ceiling");
	pf_aimd_floor(&a, 2 * PF_AIMD_ONE);
	is_int(a.floor, PF_AIMD_ONE, "a floor above the ceiling is the "
	    "ceiling");
	pf_aimd_init(&a, 0);
	a.f = 10;
	pf_aimd_floor(&a, 500000);
	is_int(a.f, 500000, "a raised floor raises the share");
}

static void
test_pipeline(void)
{
	struct pf_aimd	 a;
	struct pf_statem *sm;
	double		 fill = 0, pipe = 256, want = 0, got = 0, in, out;
	double		 lo = 1, hi = 0;
	uint64_t	 t = T0, step = MS(100);
	int		 i, sat = 0, n = 0;

	pf_aimd_init(&a, 50000);
	if ((sm = pf_statem_new(0.5, 0.9, 2 * PF_NSEC)) == NULL) {
		ok(0, "state machine");
		return;
	}
	for (i = 0; i < 6000; i++, t += step) {
		in = 1000.0 * (double)a.f / PF_AIMD_ONE * 0.1;
		out = 50;		/* 500/s */
		fill += in;
		if (fill > pipe)
			fill = pipe;	/* the producer blocks */
		if (out > fill)
			out = fill;
		fill -= out;
		(void)pf_statem_update(sm, fill / pipe, t);
		(void)pf_aimd_step(&a, pf_statem_state(sm), fill / pipe, t);
		if (i < 600)
			continue;
		want += 50;
		got += out;
		n++;
		if (pf_statem_state(sm) == PF_STATE_SATURATED)
			sat++;
		if ((double)a.f / PF_AIMD_ONE < lo)
			lo = (double)a.f / PF_AIMD_ONE;
		if ((double)a.f / PF_AIMD_ONE > hi)
			hi = (double)a.f / PF_AIMD_ONE;
	}
	pf_statem_free(sm);
	ok(got >= 0.9 * want, "the consumer gets %.1f%% of what it takes",
	    100 * got / want);
	ok(sat < n / 10, "saturated %.1f%% of the time", 100.0 * sat / n);
	ok(lo >= 0.3 && hi <= 0.8, "the share stays between %.2f and %.2f "
	    "of the ceiling", lo, hi);
}

int
main(void)
{
	test_rules();
	test_pipeline();
	return (done());
}
