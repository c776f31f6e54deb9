/* SPDX-License-Identifier: ISC */
/*
 * state.c: unit tests for the saturation state machine (lib/state.c).
 *
 * Times are synthetic, so every settle is checked to the nanosecond
 * without sleeping: each transition, the deadlines an event loop would
 * wake for, one transition per update, and that a pressure hovering
 * around a threshold does not make the state flap.  A seeded random walk
 * then checks the rules against an independent model.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pipeflow.h"
#include "tap.h"

#define S(x)	((uint64_t)(x) * PF_NSEC)
#define MS(x)	((uint64_t)(x) * PF_MSEC)

static void	test_new(void);
static void	test_names(void);
static void	test_constrained(void);
static void	test_saturated(void);
static void	test_one_step(void);
static void	test_flapping(void);
static void	test_edges(void);
static void	test_random(void);
static uint32_t	lcg(uint32_t *);

static void
test_new(void)
{
	struct pf_statem	*sm;

	errno = 0;
	ok(pf_statem_new(0.9, 0.5, S(2)) == NULL && errno == EINVAL,
	    "new: constrained above saturated is EINVAL");
	errno = 0;
	ok(pf_statem_new(NAN, 0.5, S(2)) == NULL && errno == EINVAL,
	    "new: NaN threshold is EINVAL");
	errno = 0;
	ok(pf_statem_new(-0.1, 0.5, S(2)) == NULL && errno == EINVAL,
	    "new: negative threshold is EINVAL");
	sm = pf_statem_new(0.5, 0.9, S(2));
	ok(sm != NULL, "new: defaults accepted");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "new: starts normal");
	is_int(pf_statem_deadline(sm), 0, "new: no deadline");
	pf_statem_free(sm);
	sm = pf_statem_new(0.7, 0.7, 0);
	ok(sm != NULL, "new: equal thresholds accepted");
	is_int(pf_statem_update(sm, 0.7, S(1)), 1,
	    "equal thresholds: at the mark changes state");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "equal thresholds: straight to saturated");
	pf_statem_free(sm);
	pf_statem_free(NULL);
	ok(1, "free(NULL) is harmless");
}

static void
test_names(void)
{
	is_str(pf_state_name(PF_STATE_NORMAL), "normal", "name normal");
	is_str(pf_state_name(PF_STATE_CONSTRAINED), "constrained",
	    "name constrained");
	is_str(pf_state_name(PF_STATE_SATURATED), "saturated",
	    "name saturated");
	is_str(pf_state_name(PF_STATE_RECOVERY), "recovery", "name recovery");
	is_str(pf_state_name((enum pf_state)PF_NSTATES), "unknown",
	    "name out of range");
}

/* normal <-> constrained, with the settle timer started and reset. */
static void
test_constrained(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, S(2));
	is_int(pf_statem_update(sm, 0.0, S(1)), 0, "normal: 0 stays");
	is_int(pf_statem_update(sm, 0.49, S(2)), 0, "normal: 0.49 stays");
	is_int(pf_statem_deadline(sm), 0, "normal: nothing pending");
	is_int(pf_statem_update(sm, 0.5, S(3)), 1,
	    "normal: 0.5 (the mark) changes");
	is_int(pf_statem_state(sm), PF_STATE_CONSTRAINED,
	    "normal -> constrained");
	is_int(pf_statem_deadline(sm), 0, "constrained: nothing pending");
	is_int(pf_statem_update(sm, 0.89, S(4)), 0,
	    "constrained: 0.89 stays");

	is_int(pf_statem_update(sm, 0.4, S(10)), 0,
	    "constrained: first drop below does not change");
	is_int(pf_statem_deadline(sm), S(12), "deadline is drop + settle");
	is_int(pf_statem_update(sm, 0.45, S(11)), 0,
	    "constrained: still below, before deadline");
	is_int(pf_statem_deadline(sm), S(12),
	    "deadline kept while still below");
	is_int(pf_statem_update(sm, 0.6, S(11) + MS(500)), 0,
	    "constrained: back above the mark");
	is_int(pf_statem_deadline(sm), 0, "rise above resets the timer");
	is_int(pf_statem_update(sm, 0.4, S(12)), 0,
	    "constrained: below again");
	is_int(pf_statem_deadline(sm), S(14), "timer restarted");
	is_int(pf_statem_update(sm, 0.1, S(14) - 1), 0,
	    "constrained: 1ns before deadline stays");
	is_int(pf_statem_state(sm), PF_STATE_CONSTRAINED,
	    "still constrained");
	is_int(pf_statem_update(sm, 0.1, S(14)), 1,
	    "constrained: at the deadline changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL,
	    "constrained -> normal after settle");
	is_int(pf_statem_deadline(sm), 0, "normal: nothing pending");

	/* A late update settles as well: no update needed at the deadline. */
	pf_statem_update(sm, 0.6, S(20));
	pf_statem_update(sm, 0.2, S(21));
	is_int(pf_statem_update(sm, 0.2, S(100)), 1,
	    "constrained: a late update settles");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "late settle is normal");

	/* constrained -> saturated, with a pending settle dropped. */
	pf_statem_update(sm, 0.6, S(200));
	pf_statem_update(sm, 0.2, S(201));
	is_int(pf_statem_update(sm, 0.95, S(202)), 1,
	    "constrained: 0.95 changes");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "constrained -> saturated");
	is_int(pf_statem_deadline(sm), 0, "saturated: nothing pending");
	pf_statem_free(sm);
}

/* normal -> saturated -> recovery -> saturated -> recovery -> normal. */
static void
test_saturated(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, S(2));
	is_int(pf_statem_update(sm, 0.9, S(1)), 1, "normal: 0.9 changes");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "normal -> saturated directly");
	is_int(pf_statem_update(sm, 0.6, S(2)), 0,
	    "saturated: between the marks stays (hysteresis)");
	is_int(pf_statem_update(sm, 0.5, S(3)), 0,
	    "saturated: at the constrained mark stays");
	is_int(pf_statem_deadline(sm), 0, "saturated: nothing pending");
	is_int(pf_statem_update(sm, 0.49, S(4)), 1,
	    "saturated: below constrained changes");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "saturated -> recovery");
	is_int(pf_statem_deadline(sm), S(6),
	    "recovery: deadline is entry + settle");
	is_int(pf_statem_update(sm, 0.3, S(5)), 0,
	    "recovery: below, before deadline, stays");
	is_int(pf_statem_deadline(sm), S(6), "recovery: deadline kept");
	is_int(pf_statem_update(sm, 0.55, S(5) + MS(500)), 1,
	    "recovery: climbing to the mark changes");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "recovery -> saturated when it climbs again");
	is_int(pf_statem_deadline(sm), 0, "saturated again: nothing pending");
	is_int(pf_statem_update(sm, 0.2, S(7)), 1, "saturated: drop again");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY, "recovery again");
	is_int(pf_statem_deadline(sm), S(9), "fresh deadline from re-entry");
	is_int(pf_statem_update(sm, 0.2, S(9) - 1), 0,
	    "recovery: 1ns early stays");
	is_int(pf_statem_update(sm, 0.2, S(9)), 1,
	    "recovery: at the deadline changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "recovery -> normal");
	is_int(pf_statem_deadline(sm), 0, "normal: nothing pending");
	pf_statem_free(sm);
}

/* At most one transition per update, even with a zero settle time. */
static void
test_one_step(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, 0);
	pf_statem_update(sm, 1.0, S(1));
	is_int(pf_statem_state(sm), PF_STATE_SATURATED, "settle 0: saturated");
	is_int(pf_statem_update(sm, 0.0, S(2)), 1, "settle 0: drop changes");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "settle 0: one step, to recovery, not to normal");
	ok(pf_statem_deadline(sm) != 0 && pf_statem_deadline(sm) <= S(2),
	    "settle 0: deadline pending and already due");
	is_int(pf_statem_update(sm, 0.0, S(2)), 1,
	    "settle 0: next update changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "settle 0: then normal");
	pf_statem_update(sm, 0.6, S(3));
	is_int(pf_statem_update(sm, 0.1, S(3)), 1,
	    "settle 0: constrained drops to normal at once");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL,
	    "settle 0: constrained -> normal");
	pf_statem_free(sm);

	/* Deadline 0 means "none", so a due settle at time 0 is not 0. */
	sm = pf_statem_new(0.5, 0.9, 0);
	pf_statem_update(sm, 1.0, 0);
	pf_statem_update(sm, 0.0, 0);
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY, "time 0: recovery");
	ok(pf_statem_deadline(sm) != 0,
	    "time 0, settle 0: deadline is not the 'none' value");
	pf_statem_free(sm);
}

/* Pressure hovering around a mark, sampled every 100ms for a minute. */
static void
test_flapping(void)
{
	struct pf_statem	*sm;
	uint64_t		 t;
	int			 changes, i, normal;

	sm = pf_statem_new(0.5, 0.9, S(2));
	changes = 0;
	for (i = 0, t = S(1); i < 600; i++, t += MS(100))
		changes += pf_statem_update(sm, i % 2 ? 0.49 : 0.51, t);
	is_int(changes, 1, "hovering at constrained: one transition only");
	is_int(pf_statem_state(sm), PF_STATE_CONSTRAINED,
	    "hovering at constrained: stays constrained");

	/* Below for 1.9s out of every 2s is still not 2s in a row. */
	changes = 0;
	for (i = 0; i < 600; i++, t += MS(100))
		changes += pf_statem_update(sm, i % 20 == 19 ? 0.5 : 0.1, t);
	is_int(changes, 0, "brief rises keep constrained from settling");

	pf_statem_update(sm, 1.0, t);
	changes = 0;
	for (i = 0; i < 600; i++, t += MS(100))
		changes += pf_statem_update(sm, i % 2 ? 0.89 : 0.91, t);
	is_int(changes, 0, "hovering at saturated: no transition");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "hovering at saturated: stays saturated");

	/* Across the constrained mark it may only cycle saturated/recovery. */
	normal = 0;
	for (i = 0; i < 600; i++, t += MS(100)) {
		pf_statem_update(sm, i % 2 ? 0.49 : 0.51, t);
		if (pf_statem_state(sm) == PF_STATE_NORMAL ||
		    pf_statem_state(sm) == PF_STATE_CONSTRAINED)
			normal++;
	}
	is_int(normal, 0,
	    "hovering below saturated: never back to normal without settle");
	pf_statem_free(sm);
}

static void
test_edges(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, S(2));
	is_int(pf_statem_update(sm, NAN, S(1)), 0, "NaN pressure ignored");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "NaN: still normal");
	is_int(pf_statem_update(sm, 1.5, S(1)), 1, "pressure above 1");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED, "above 1: saturated");
	pf_statem_update(sm, 0.1, S(10));
	is_int(pf_statem_update(sm, NAN, S(20)), 0,
	    "NaN during recovery does not settle");
	is_int(pf_statem_deadline(sm), S(12), "NaN keeps the deadline");
	is_int(pf_statem_update(sm, 0.1, S(5)), 0,
	    "time before the timer started: no settle");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "time going back: still recovery");
	is_int(pf_statem_update(sm, -1.0, S(12)), 1,
	    "negative pressure is below the mark");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "negative: normal");
	pf_statem_free(sm);

	sm = pf_statem_new(0.5, 0.9, UINT64_MAX);
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.0, S(2));
	ok(pf_statem_deadline(sm) == UINT64_MAX,
	    "huge settle: deadline saturates at UINT64_MAX");
	is_int(pf_statem_update(sm, 0.0, UINT64_MAX - 1), 0,
	    "huge settle: never settles early");
	pf_statem_free(sm);
}

static uint32_t
lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return (*seed >> 8);
}

/*
 * A random walk with random steps in time, checked against the rules:
 * only the allowed edges, each for the right pressure, and NORMAL entered
 * only after the pressure was below the mark for the whole settle time.
 */
static void
test_random(void)
{
	static const int	 allowed[PF_NSTATES][PF_NSTATES] = {
		/* to: normal constrained saturated recovery */
		{ 1, 1, 1, 0 },		/* from normal */
		{ 1, 1, 1, 0 },		/* from constrained */
		{ 0, 0, 1, 1 },		/* from saturated */
		{ 1, 0, 1, 1 },		/* from recovery */
	};
	struct pf_statem	*sm;
	enum pf_state		 prev, cur;
	uint64_t		 t = S(1), below = 0, settle = MS(700);
	uint32_t		 seed = 20240601;
	double			 p;
	int			 bad_edge = 0, bad_level = 0, bad_settle = 0;
	int			 bad_return = 0, bad_deadline = 0, changes = 0;
	int			 i, r, isbelow = 0;

	sm = pf_statem_new(0.5, 0.9, settle);
	for (i = 0; i < 200000; i++) {
		t += lcg(&seed) % MS(300);
		p = (double)(lcg(&seed) % 1001) / 1000.0;
		/* Long calm and busy stretches, so every state is reached. */
		if ((i / 500) % 3 == 0)
			p *= 0.5;
		prev = pf_statem_state(sm);
		r = pf_statem_update(sm, p, t);
		cur = pf_statem_state(sm);
		if (p < 0.5) {
			if (!isbelow)
				below = t;
			isbelow = 1;
		} else
			isbelow = 0;
		if (r != (prev != cur))
			bad_return++;
		if (!allowed[prev][cur])
			bad_edge++;
		if (cur != prev) {
			changes++;
			if ((cur == PF_STATE_SATURATED && p < 0.5) ||
			    (cur == PF_STATE_CONSTRAINED && p < 0.5) ||
			    (cur == PF_STATE_RECOVERY && p >= 0.5))
				bad_level++;
			if (cur == PF_STATE_SATURATED &&
			    prev != PF_STATE_RECOVERY && p < 0.9)
				bad_level++;
			if (cur == PF_STATE_NORMAL &&
			    (!isbelow || t - below < settle))
				bad_settle++;
		}
		if ((cur == PF_STATE_RECOVERY ||
		    (cur == PF_STATE_CONSTRAINED && isbelow)) ?
		    pf_statem_deadline(sm) != below + settle :
		    pf_statem_deadline(sm) != 0)
			bad_deadline++;
	}
	ok(changes > 1000, "random: the walk changes state (%d times)",
	    changes);
	is_int(bad_return, 0, "random: return value matches a change");
	is_int(bad_edge, 0, "random: only the allowed transitions");
	is_int(bad_level, 0, "random: each transition at the right pressure");
	is_int(bad_settle, 0, "random: normal only after a full settle");
	is_int(bad_deadline, 0, "random: deadline is first drop + settle");
	pf_statem_free(sm);
}

int
main(void)
{
	test_new();
	test_names();
	test_constrained();
	test_saturated();
	test_one_step();
	test_flapping();
	test_edges();
	test_random();
	return (done());
}
