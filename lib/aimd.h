/* SPDX-License-Identifier: ISC */
/*
 * aimd.h: additive increase, multiplicative decrease of a share of a
 * ceiling, driven by a downstream stage's state (lib/aimd.c).
 *
 * throttle --adaptive keeps its rates at a share f of their ceilings, in
 * millionths (PF_AIMD_ONE is the whole ceiling), never below a floor.
 * Each step is given the state of the stage that is followed (its output
 * pipe's or a status file's) and its pressure, 0..1:
 *
 *  - constrained or saturated: f is multiplied by PF_AIMD_DOWN_NUM /
 *    PF_AIMD_DOWN_DEN, at most once per PF_AIMD_DOWN_EVERY, and only
 *    while the pressure has not fallen since the last cut: once a cut
 *    has made downstream drain, it is given time to, instead of cutting
 *    on to the floor;
 *  - recovery: f is held (the dwell of --settle is the hysteresis that
 *    keeps it from oscillating);
 *  - normal: f grows by PF_AIMD_UP a step.
 *
 * With steps every 100ms the ceiling is reached from nothing in 10 s,
 * and a cut to 70% takes effect within 500ms.
 */
#ifndef PF_AIMD_H
#define PF_AIMD_H

#include <stdint.h>

#include "pipeflow.h"

#define PF_AIMD_ONE		1000000ULL
#define PF_AIMD_UP		10000ULL		/* +1% a step */
#define PF_AIMD_DOWN_NUM	7			/* times 0.7 */
#define PF_AIMD_DOWN_DEN	10
#define PF_AIMD_DOWN_EVERY	(500 * PF_MSEC)

struct pf_aimd {
	uint64_t	 f;		/* the share now */
	uint64_t	 floor;
	uint64_t	 last_down;	/* monotonic time of the last cut */
	double		 level;		/* pressure at the last cut */
	int		 cut;		/* a cut was made since normal */
};

/* Start at the whole ceiling with a floor (0..PF_AIMD_ONE). */
void		 pf_aimd_init(struct pf_aimd *, uint64_t);
/* Change the floor; the share is raised to it if below. */
void		 pf_aimd_floor(struct pf_aimd *, uint64_t);
/*
 * One step at monotonic time now for a stage in state st at pressure
 * level.  Returns 1 when the share changed, else 0.
 */
int		 pf_aimd_step(struct pf_aimd *, enum pf_state, double,
		     uint64_t);

#endif /* PF_AIMD_H */
