/* SPDX-License-Identifier: ISC */
/*
 * state.c: unit tests for the saturation state machine (lib/state.c).
 *
 * Times are synthetic, so every settle is checked to the nanosecond
 * without sleeping: each transition, the deadlines an event loop would
 * wake for, the dwell of settle/8 before SATURATED gives way to RECOVERY,
 * RECOVERY holding between the marks, one transition per update, and
 * that a pressure hovering around a threshold or oscillating fast does
 * not make the state flap.  A seeded random walk then checks the rules
 * against an independent model.
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
static void	test_dwell(void);
static void	test_recovery_hold(void);
static void	test_one_step(void);
static void	test_flapping(void);
static void	test_oscillation(void);
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
	is_int(pf_statem_update(sm, 0.49, S(4)), 0,
	    "saturated: first update below constrained stays");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "saturated: a fresh dip is not yet recovery");
	is_int(pf_statem_deadline(sm), S(4) + MS(250),
	    "saturated: deadline is first dip + settle/8");
	is_int(pf_statem_update(sm, 0.3, S(4) + MS(250)), 1,
	    "saturated: below for settle/8 changes");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "saturated -> recovery");
	is_int(pf_statem_deadline(sm), S(6),
	    "recovery: deadline is first dip + settle");
	is_int(pf_statem_update(sm, 0.3, S(5)), 0,
	    "recovery: below, before deadline, stays");
	is_int(pf_statem_deadline(sm), S(6), "recovery: deadline kept");
	is_int(pf_statem_update(sm, 0.55, S(5) + MS(500)), 0,
	    "recovery: climbing to the constrained mark stays");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "recovery: between the marks is still recovery");
	is_int(pf_statem_update(sm, 0.9, S(5) + MS(600)), 1,
	    "recovery: climbing to the saturated mark changes");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "recovery -> saturated when it climbs again");
	is_int(pf_statem_deadline(sm), 0, "saturated again: nothing pending");
	is_int(pf_statem_update(sm, 0.2, S(7)), 0,
	    "saturated: drop again stays at first");
	is_int(pf_statem_deadline(sm), S(7) + MS(250),
	    "saturated: fresh dwell deadline from the new dip");
	is_int(pf_statem_update(sm, 0.2, S(7) + MS(250)), 1,
	    "saturated: drop again changes after settle/8");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY, "recovery again");
	is_int(pf_statem_deadline(sm), S(9), "fresh deadline from the new dip");
	is_int(pf_statem_update(sm, 0.2, S(9) - 1), 0,
	    "recovery: 1ns early stays");
	is_int(pf_statem_update(sm, 0.2, S(9)), 1,
	    "recovery: at the deadline changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "recovery -> normal");
	is_int(pf_statem_deadline(sm), 0, "normal: nothing pending");
	pf_statem_free(sm);
}

/*
 * The dwell in SATURATED: a dip shorter than settle/8 keeps it, one of
 * settle/8 enters RECOVERY, and the settle to NORMAL counts from the
 * first update of the dip, not from entering RECOVERY.
 */
static void
test_dwell(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, S(2));
	pf_statem_update(sm, 1.0, S(1));
	is_int(pf_statem_update(sm, 0.1, S(2)), 0, "dwell: dip starts");
	is_int(pf_statem_update(sm, 0.0, S(2) + MS(250) - 1), 0,
	    "dwell: 1ns short of settle/8 stays");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "dwell: short dip is still saturated");
	is_int(pf_statem_deadline(sm), S(2) + MS(250),
	    "dwell: deadline is first dip + settle/8");
	is_int(pf_statem_update(sm, 0.5, S(2) + MS(250) - 1), 0,
	    "dwell: back at the constrained mark stays");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "dwell: a dip shorter than settle/8 keeps saturated");
	is_int(pf_statem_deadline(sm), 0, "dwell: the rise cancels the dwell");
	is_int(pf_statem_update(sm, 0.1, S(2) + MS(250)), 0,
	    "dwell: a dip after the rise starts over");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "dwell: the first dip's time does not count");
	is_int(pf_statem_deadline(sm), S(2) + MS(500),
	    "dwell: deadline from the new dip");

	/* A single update below: no time has passed, so no change yet. */
	is_int(pf_statem_update(sm, 0.8, S(3)), 0, "dwell: between the marks");
	is_int(pf_statem_update(sm, 0.2, S(3)), 0,
	    "dwell: dip of 0 stays");
	is_int(pf_statem_update(sm, 0.2, S(3) + MS(250)), 1,
	    "dwell: dip of exactly settle/8 changes");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "dwell: settle/8 below enters recovery");
	is_int(pf_statem_deadline(sm), S(5),
	    "dwell: the settle runs from the first dip, not from recovery");
	is_int(pf_statem_update(sm, 0.2, S(5) - 1), 0,
	    "dwell: 1ns before first dip + settle stays");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY, "dwell: still recovery");
	is_int(pf_statem_update(sm, 0.2, S(5)), 1,
	    "dwell: first dip + settle changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL,
	    "dwell: normal a settle after the first dip");
	pf_statem_free(sm);

	/* A late update ends the dwell, and one step only. */
	sm = pf_statem_new(0.5, 0.9, S(2));
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.1, S(2));
	is_int(pf_statem_update(sm, 0.1, S(60)), 1,
	    "dwell: a late update ends the dwell");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "dwell: late update goes to recovery, not normal");
	is_int(pf_statem_deadline(sm), S(4),
	    "dwell: the settle is already due");
	is_int(pf_statem_update(sm, 0.1, S(60)), 1,
	    "dwell: next update completes the settle");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL, "dwell: then normal");
	pf_statem_free(sm);

	/* settle/8 is integer nanoseconds, rounded down. */
	sm = pf_statem_new(0.5, 0.9, 1001);
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.1, S(2));
	is_int(pf_statem_deadline(sm), S(2) + 125,
	    "dwell: settle 1001ns dwells 125ns");
	is_int(pf_statem_update(sm, 0.1, S(2) + 124), 0,
	    "dwell: 124ns stays");
	is_int(pf_statem_update(sm, 0.1, S(2) + 125), 1,
	    "dwell: 125ns changes");
	is_int(pf_statem_deadline(sm), S(2) + 1001,
	    "dwell: then the full settle from the dip");
	pf_statem_free(sm);
}

/*
 * RECOVERY between the marks stays RECOVERY, but the settle timer starts
 * over; only the saturated mark takes it back to SATURATED.
 */
static void
test_recovery_hold(void)
{
	struct pf_statem	*sm;

	sm = pf_statem_new(0.5, 0.9, S(2));
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.1, S(2));
	is_int(pf_statem_update(sm, 0.1, S(2) + MS(250)), 1,
	    "hold: enters recovery");
	is_int(pf_statem_deadline(sm), S(4), "hold: deadline from the dip");
	is_int(pf_statem_update(sm, 0.5, S(3)), 0,
	    "hold: at the constrained mark stays");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "hold: at the constrained mark is still recovery");
	is_int(pf_statem_deadline(sm), 0, "hold: the timer is stopped");
	is_int(pf_statem_update(sm, 0.89, S(3) + MS(500)), 0,
	    "hold: just below the saturated mark stays");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "hold: not constrained, not saturated");
	is_int(pf_statem_update(sm, 0.2, S(4)), 0,
	    "hold: below again, at the old deadline, stays");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "hold: the old dip does not count");
	is_int(pf_statem_deadline(sm), S(6),
	    "hold: the timer starts over from the new dip");
	is_int(pf_statem_update(sm, 0.2, S(6) - 1), 0,
	    "hold: 1ns before the new deadline stays");
	is_int(pf_statem_update(sm, 0.7, S(6) - 1), 0,
	    "hold: between the marks once more stays");
	is_int(pf_statem_update(sm, 0.2, S(6)), 0,
	    "hold: below again stays");
	is_int(pf_statem_deadline(sm), S(8), "hold: and starts over again");
	is_int(pf_statem_update(sm, 0.2, S(8)), 1,
	    "hold: a full settle below changes");
	is_int(pf_statem_state(sm), PF_STATE_NORMAL,
	    "hold: recovery -> normal after a full settle");
	pf_statem_free(sm);

	/* Only the saturated mark takes it back to saturated. */
	sm = pf_statem_new(0.5, 0.9, S(2));
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.0, S(2));
	pf_statem_update(sm, 0.0, S(3));
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY, "hold: recovery");
	is_int(pf_statem_update(sm, 0.899, S(3) + 1), 0,
	    "hold: 0.899 stays recovery");
	is_int(pf_statem_update(sm, 0.9, S(3) + 2), 1,
	    "hold: 0.9 (the saturated mark) changes");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "hold: recovery -> saturated at the saturated mark");
	is_int(pf_statem_deadline(sm), 0, "hold: saturated, nothing pending");
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

	/* Dips of 100ms are shorter than settle/8: saturated holds. */
	normal = 0;
	changes = 0;
	for (i = 0; i < 600; i++, t += MS(100)) {
		changes += pf_statem_update(sm, i % 2 ? 0.49 : 0.51, t);
		if (pf_statem_state(sm) == PF_STATE_NORMAL ||
		    pf_statem_state(sm) == PF_STATE_CONSTRAINED)
			normal++;
	}
	is_int(normal, 0,
	    "hovering below saturated: never back to normal without settle");
	is_int(changes, 0,
	    "hovering at constrained from saturated: no transition");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "hovering at constrained from saturated: stays saturated");

	/* In recovery, hovering between the marks holds recovery. */
	pf_statem_update(sm, 0.1, t);
	t += MS(250);
	is_int(pf_statem_update(sm, 0.1, t), 1, "to recovery");
	changes = 0;
	for (i = 0; i < 600; i++, t += MS(100))
		changes += pf_statem_update(sm, i % 2 ? 0.49 : 0.89, t);
	is_int(changes, 0, "hovering in recovery: no transition");
	is_int(pf_statem_state(sm), PF_STATE_RECOVERY,
	    "hovering in recovery: stays recovery");
	pf_statem_free(sm);
}

/*
 * A bursty pressure: full, empty, full every 10ms for 2s, with a settle
 * of 2s.  The state must not follow each burst.
 */
static void
test_oscillation(void)
{
	struct pf_statem	*sm;
	uint64_t		 t;
	int			 changes, i;

	sm = pf_statem_new(0.5, 0.9, S(2));
	changes = 0;
	for (i = 0, t = S(1); t <= S(3); i++, t += MS(10))
		changes += pf_statem_update(sm, i % 2 ? 0.0 : 1.0, t);
	ok(changes <= 2, "oscillation 0 <-> 1 every 10ms: at most 2 "
	    "transitions (saw %d)", changes);
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "oscillation: settles on saturated");

	/* Starting low, and with the dips longer than the rises. */
	pf_statem_free(sm);
	sm = pf_statem_new(0.5, 0.9, S(2));
	changes = 0;
	for (i = 0, t = S(1); t <= S(3); i++, t += MS(10))
		changes += pf_statem_update(sm, i % 3 ? 0.0 : 1.0, t);
	ok(changes <= 2, "oscillation 1 then 0, 0: at most 2 transitions "
	    "(saw %d)", changes);
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
	    "NaN during the dwell does not end it");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED, "NaN: still saturated");
	is_int(pf_statem_deadline(sm), S(10) + MS(250),
	    "NaN keeps the dwell deadline");
	is_int(pf_statem_update(sm, 0.1, S(5)), 0,
	    "time before the dwell started: no change");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "time going back: still saturated");
	is_int(pf_statem_deadline(sm), S(10) + MS(250),
	    "time going back keeps the dwell deadline");
	is_int(pf_statem_update(sm, 0.1, S(10) + MS(250)), 1,
	    "dwell over: recovery");
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
	ok(pf_statem_deadline(sm) == S(2) + UINT64_MAX / 8,
	    "huge settle: dwell deadline is dip + settle/8");
	is_int(pf_statem_update(sm, 0.0, S(2) + UINT64_MAX / 8 - 1), 0,
	    "huge settle: dwell does not end early");
	is_int(pf_statem_update(sm, 0.0, S(2) + UINT64_MAX / 8), 1,
	    "huge settle: dwell ends at dip + settle/8");
	ok(pf_statem_deadline(sm) == UINT64_MAX,
	    "huge settle: deadline saturates at UINT64_MAX");
	is_int(pf_statem_update(sm, 0.0, UINT64_MAX - 1), 0,
	    "huge settle: never settles early");
	pf_statem_free(sm);

	/* The dwell deadline saturates too. */
	sm = pf_statem_new(0.5, 0.9, UINT64_MAX);
	pf_statem_update(sm, 1.0, S(1));
	pf_statem_update(sm, 0.0, UINT64_MAX - S(1));
	ok(pf_statem_deadline(sm) == UINT64_MAX,
	    "huge settle: dwell deadline saturates at UINT64_MAX");
	is_int(pf_statem_update(sm, 0.0, UINT64_MAX), 0,
	    "huge settle: dwell never ends early");
	is_int(pf_statem_state(sm), PF_STATE_SATURATED,
	    "huge settle: still saturated");
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
 * only the allowed edges, each for the right pressure, RECOVERY entered
 * only after the pressure was below the mark for settle/8, NORMAL only
 * after it was below for the whole settle time, the deadlines, and, step
 * by step, the state an independent model of the rules predicts.
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
	enum pf_state		 prev, cur, model = PF_STATE_NORMAL;
	uint64_t		 t = S(1), below = 0, settle = MS(700);
	uint64_t		 step, want;
	uint32_t		 seed = 20240601;
	double			 p;
	int			 bad_edge = 0, bad_level = 0, bad_settle = 0;
	int			 bad_return = 0, bad_deadline = 0, changes = 0;
	int			 bad_dwell = 0, bad_model = 0;
	int			 short_dips = 0, holds = 0, unseen = 0;
	int			 seen[PF_NSTATES][PF_NSTATES] = { { 0 } };
	int			 a, b, i, r, isbelow = 0;

	sm = pf_statem_new(0.5, 0.9, settle);
	for (i = 0; i < 200000; i++) {
		/*
		 * lcg() has 24 bits, less than 17ms in nanoseconds: two make
		 * a step of up to 300ms, or up to 40ms in some stretches, so
		 * several updates fall within the dwell.
		 */
		step = (uint64_t)lcg(&seed) << 24 | lcg(&seed);
		if ((i / 700) % 4 == 1)
			t += step % MS(40);
		else
			t += step % MS(300);
		p = (double)(lcg(&seed) % 1001) / 1000.0;
		/*
		 * Long calm, busy and middling stretches (never saturated),
		 * so every state and every transition is reached.
		 */
		if ((i / 500) % 3 == 0)
			p *= 0.5;
		else if ((i / 500) % 9 == 5)
			p *= 0.8;
		prev = pf_statem_state(sm);
		r = pf_statem_update(sm, p, t);
		cur = pf_statem_state(sm);
		if (p < 0.5) {
			if (!isbelow)
				below = t;
			isbelow = 1;
		} else
			isbelow = 0;

		/* The model: the rules of pipeflow(7), one step per update. */
		switch (model) {
		case PF_STATE_NORMAL:
			if (p >= 0.9)
				model = PF_STATE_SATURATED;
			else if (p >= 0.5)
				model = PF_STATE_CONSTRAINED;
			break;
		case PF_STATE_CONSTRAINED:
			if (p >= 0.9)
				model = PF_STATE_SATURATED;
			else if (isbelow && t - below >= settle)
				model = PF_STATE_NORMAL;
			break;
		case PF_STATE_SATURATED:
			if (isbelow && t - below >= settle / 8)
				model = PF_STATE_RECOVERY;
			else if (isbelow)
				short_dips++;
			break;
		case PF_STATE_RECOVERY:
			if (p >= 0.9)
				model = PF_STATE_SATURATED;
			else if (isbelow && t - below >= settle)
				model = PF_STATE_NORMAL;
			else if (!isbelow)
				holds++;
			break;
		default:
			break;
		}
		if (cur != model) {
			bad_model++;
			model = cur;	/* count each divergence once */
		}

		if (r != (prev != cur))
			bad_return++;
		if (!allowed[prev][cur])
			bad_edge++;
		if (cur != prev) {
			changes++;
			seen[prev][cur]++;
			if ((cur == PF_STATE_SATURATED && p < 0.9) ||
			    (cur == PF_STATE_CONSTRAINED && p < 0.5) ||
			    (cur == PF_STATE_RECOVERY && p >= 0.5))
				bad_level++;
			if (cur == PF_STATE_RECOVERY &&
			    (!isbelow || t - below < settle / 8))
				bad_dwell++;
			if (cur == PF_STATE_NORMAL &&
			    (!isbelow || t - below < settle))
				bad_settle++;
		}
		if (isbelow && cur == PF_STATE_SATURATED)
			want = below + settle / 8;
		else if (isbelow && (cur == PF_STATE_RECOVERY ||
		    cur == PF_STATE_CONSTRAINED))
			want = below + settle;
		else
			want = 0;
		if (pf_statem_deadline(sm) != want)
			bad_deadline++;
	}
	ok(changes > 1000, "random: the walk changes state (%d times)",
	    changes);
	for (a = 0; a < PF_NSTATES; a++)
		for (b = 0; b < PF_NSTATES; b++)
			if (a != b && allowed[a][b] && seen[a][b] == 0)
				unseen++;
	is_int(unseen, 0, "random: every allowed transition is taken");
	ok(short_dips > 100, "random: dips shorter than settle/8 (%d)",
	    short_dips);
	ok(holds > 100, "random: recovery between the marks (%d)", holds);
	is_int(bad_return, 0, "random: return value matches a change");
	is_int(bad_edge, 0, "random: only the allowed transitions");
	is_int(bad_level, 0, "random: each transition at the right pressure");
	is_int(bad_dwell, 0, "random: recovery only after settle/8 below");
	is_int(bad_settle, 0, "random: normal only after a full settle");
	is_int(bad_deadline, 0,
	    "random: deadline is first drop + settle (settle/8 if saturated)");
	is_int(bad_model, 0, "random: every step as the model predicts");
	pf_statem_free(sm);
}

int
main(void)
{
	test_new();
	test_names();
	test_constrained();
	test_saturated();
	test_dwell();
	test_recovery_hold();
	test_one_step();
	test_flapping();
	test_oscillation();
	test_edges();
	test_random();
	return (done());
}
