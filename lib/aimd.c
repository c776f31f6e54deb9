/* SPDX-License-Identifier: ISC */
/*
 * aimd.c: the share of a ceiling that a stage's state moves, as
 * lib/aimd.h describes: cut while downstream is pressed and not
 * draining, held while it recovers, raised while it is normal.
 */
#include "config.h"

#include "aimd.h"

void
pf_aimd_init(struct pf_aimd *a, uint64_t floor)
{
	a->f = PF_AIMD_ONE;
	a->last_down = 0;
	a->level = 0;
	a->cut = 0;
	a->floor = 0;
	pf_aimd_floor(a, floor);
}

void
pf_aimd_floor(struct pf_aimd *a, uint64_t floor)
{
	a->floor = floor > PF_AIMD_ONE ? PF_AIMD_ONE : floor;
	if (a->f < a->floor)
		a->f = a->floor;
}

int
pf_aimd_step(struct pf_aimd *a, enum pf_state st, double level,
    uint64_t now)
{
	uint64_t	f = a->f;

	switch (st) {
	case PF_STATE_CONSTRAINED:
	case PF_STATE_SATURATED:
		/* The first cut at once; then only while not draining. */
		if (a->cut && (now - a->last_down < PF_AIMD_DOWN_EVERY ||
		    level < a->level))
			break;
		f = f * PF_AIMD_DOWN_NUM / PF_AIMD_DOWN_DEN;
		a->last_down = now;
		a->level = level;
		a->cut = 1;
		break;
	case PF_STATE_NORMAL:
		a->cut = 0;
		f += PF_AIMD_UP;
		break;
	case PF_STATE_RECOVERY:
		break;
	}
	if (f > PF_AIMD_ONE)
		f = PF_AIMD_ONE;
	if (f < a->floor)
		f = a->floor;
	if (f == a->f)
		return (0);
	a->f = f;
	return (1);
}
