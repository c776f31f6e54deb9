/* SPDX-License-Identifier: ISC */
/*
 * state.c: the saturation state machine of pipeflow(7).
 *
 * Every stage reduces its condition to a pressure in 0..1 and feeds it
 * here; the resulting state is logged, published in the status file and
 * handed to --on-state.  One machine in lib/ keeps the tools agreeing on
 * what "saturated" means, and its dwell times keep a pressure hovering
 * around a threshold from producing a stream of transitions.
 *
 * With thresholds C (constrained) and S (saturated), C <= S, and a settle
 * time T:
 *
 *   NORMAL       pressure >= S -> SATURATED;
 *                else pressure >= C -> CONSTRAINED.
 *   CONSTRAINED  pressure >= S -> SATURATED;
 *                pressure < C continuously for T -> NORMAL.  The timer
 *                starts at the first update below C and is cancelled by
 *                any update at or above C.
 *   SATURATED    pressure < C continuously for T/8 -> RECOVERY (the
 *                timer keeps running).  Between C and S it stays
 *                SATURATED (hysteresis).
 *   RECOVERY     pressure >= S -> SATURATED (it climbed again);
 *                pressure < C continuously for T (counted from the first
 *                update below C in SATURATED) -> NORMAL; between C and S
 *                it stays, and the timer starts over.
 *
 * The dwell of T/8 in SATURATED and the full mark S to return to it keep
 * a bursty pressure (a small buffer that a consumer empties in bursts:
 * full, empty, full, many times a second) from toggling between
 * SATURATED and RECOVERY at every burst.
 *
 * "Continuously" is judged from the updates seen: the time between the
 * first update below C and one at least T later with no update at or
 * above C in between.  Each update makes at most one transition, so a
 * SATURATED stage whose pressure drops to zero passes through RECOVERY
 * even when T is 0.  pf_statem_deadline() says when a pending settle
 * completes, so an event loop can wake for it instead of polling.
 *
 * A NaN pressure carries no information and is ignored.  A time earlier
 * than the start of the pending settle counts as no time elapsed.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pipeflow.h"

struct pf_statem {
	double		 constrained;
	double		 saturated;
	uint64_t	 settle;
	enum pf_state	 state;
	int		 pending;	/* a settle timer is running */
	uint64_t	 below_since;	/* when it started */
};

static int	statem_settled(struct pf_statem *, uint64_t);

static const char *const state_names[PF_NSTATES] = {
	"normal",
	"constrained",
	"saturated",
	"recovery"
};

/*
 * Returns a machine in NORMAL, or NULL with errno set: ENOMEM, or EINVAL
 * if a threshold is NaN or negative or constrained > saturated.
 */
struct pf_statem *
pf_statem_new(double constrained, double saturated, uint64_t settle)
{
	struct pf_statem	*sm;

	if (isnan(constrained) || isnan(saturated) || constrained < 0 ||
	    constrained > saturated) {
		errno = EINVAL;
		return (NULL);
	}
	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return (NULL);
	sm->constrained = constrained;
	sm->saturated = saturated;
	sm->settle = settle;
	sm->state = PF_STATE_NORMAL;
	return (sm);
}

void
pf_statem_free(struct pf_statem *sm)
{
	free(sm);
}

/*
 * Called for an update below the constrained mark: start the settle timer
 * if it is not running, and say whether it has run for the settle time.
 */
static int
statem_settled(struct pf_statem *sm, uint64_t now)
{
	if (!sm->pending) {
		sm->pending = 1;
		sm->below_since = now;
	}
	if (now < sm->below_since)
		return (0);
	return (now - sm->below_since >= sm->settle);
}

int
pf_statem_update(struct pf_statem *sm, double pressure, uint64_t now)
{
	enum pf_state	next;

	if (isnan(pressure))
		return (0);

	next = sm->state;
	switch (sm->state) {
	case PF_STATE_NORMAL:
		if (pressure >= sm->saturated)
			next = PF_STATE_SATURATED;
		else if (pressure >= sm->constrained)
			next = PF_STATE_CONSTRAINED;
		break;
	case PF_STATE_CONSTRAINED:
		if (pressure >= sm->saturated)
			next = PF_STATE_SATURATED;
		else if (pressure >= sm->constrained)
			sm->pending = 0;
		else if (statem_settled(sm, now))
			next = PF_STATE_NORMAL;
		break;
	case PF_STATE_SATURATED:
		if (pressure >= sm->constrained)
			sm->pending = 0;
		else {
			(void)statem_settled(sm, now);
			if (now >= sm->below_since &&
			    now - sm->below_since >= sm->settle / 8)
				next = PF_STATE_RECOVERY;
		}
		break;
	case PF_STATE_RECOVERY:
		if (pressure >= sm->saturated)
			next = PF_STATE_SATURATED;
		else if (pressure >= sm->constrained)
			sm->pending = 0;
		else if (statem_settled(sm, now))
			next = PF_STATE_NORMAL;
		break;
	}

	if (next == sm->state)
		return (0);
	sm->state = next;
	/* RECOVERY goes on timing the dip that SATURATED started. */
	if (next != PF_STATE_RECOVERY)
		sm->pending = 0;
	return (1);
}

enum pf_state
pf_statem_state(const struct pf_statem *sm)
{
	return (sm->state);
}

/*
 * The deadline saturates at UINT64_MAX for a huge settle time, and is
 * never 0 while a settle is pending, since 0 means "nothing pending".
 */
uint64_t
pf_statem_deadline(const struct pf_statem *sm)
{
	uint64_t	wait;

	if (!sm->pending)
		return (0);
	wait = sm->state == PF_STATE_SATURATED ? sm->settle / 8 : sm->settle;
	if (wait > UINT64_MAX - sm->below_since)
		return (UINT64_MAX);
	if (sm->below_since + wait == 0)
		return (1);
	return (sm->below_since + wait);
}

/* Returns "unknown" for a value outside the enum. */
const char *
pf_state_name(enum pf_state st)
{
	if ((unsigned int)st >= PF_NSTATES)
		return ("unknown");
	return (state_names[st]);
}
