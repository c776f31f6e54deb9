/* SPDX-License-Identifier: ISC */
/*
 * counters.c: helpers for the counters every stage keeps.
 *
 * struct pf_counters is plain data that the engine and the tools update
 * in place and status.c publishes.  Drops are kept per reason ("full",
 * "expired", ...) in a small fixed table so that the data path never
 * allocates to count one; these functions manage that table.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pipeflow.h"

/*
 * Every slot counts, named or not, so a drop is never lost from the total
 * even if it was counted in a slot without a reason.
 */
uint64_t
pf_counters_dropped(const struct pf_counters *c)
{
	uint64_t	sum = 0;
	size_t		i;

	for (i = 0; i < PF_DROP_REASONS; i++)
		sum += c->dropped[i];
	return (sum);
}

/*
 * Returns the slot of reason, which must be a string that outlives c (a
 * literal), adding it after the last named slot if it is new.  Returns -1
 * with errno set to ENOSPC if the table is full, EINVAL if reason is NULL.
 * A lookup is a pointer compare for the common case of the same literal,
 * then strcmp, so it is cheap enough for the data path.
 */
int
pf_counters_reason(struct pf_counters *c, const char *reason)
{
	size_t	i;

	if (reason == NULL) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < PF_DROP_REASONS; i++) {
		if (c->drop_reason[i] == NULL) {
			c->drop_reason[i] = reason;
			return ((int)i);
		}
		if (c->drop_reason[i] == reason ||
		    strcmp(c->drop_reason[i], reason) == 0)
			return ((int)i);
	}
	errno = ENOSPC;
	return (-1);
}
