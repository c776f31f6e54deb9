/* SPDX-License-Identifier: ISC */
/*
 * tee.h: records that pass from pipe to pipe unchanged, looked at on the
 * way (lib/tee.c).
 *
 * A stage that only watches its records (lagwatch) need not copy them
 * into its memory and out again.  tee(2) duplicates what waits in the
 * input pipe into a private pipe without copying; that duplicate is read
 * and scanned for records, and the records themselves go on by splice(2).
 * Only whole records leave: the start of a record still incomplete is
 * taken into memory and written out once its end has come, so that a stop
 * or a record longer than --max-record cuts the stream where the queue
 * would.
 */
#ifndef PF_TEE_H
#define PF_TEE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "pipeflow.h"
#include "engine.h"
#include "io.h"

struct pf_tee;

/* The policy's record hook: it only looks, so its verdict is ignored. */
typedef enum pf_verdict pf_tee_fn(void *, struct pf_engine *,
		     const struct pf_record *, uint64_t, int *, uint64_t *);

/*
 * Between the pipes in and out, in line or NUL framing.  NULL when they
 * are not two pipes or there is no private pipe to be had: read and write
 * instead.
 */
struct pf_tee	*pf_tee_new(struct pf_io *, struct pf_io *, enum pf_framing,
		     size_t);
void		 pf_tee_free(struct pf_tee *);

/*
 * Look at what waits in the input, at most max bytes (the room in the
 * output; a look is never shorter than 64 KiB nor longer than the private
 * pipe): every whole record in it goes to fn
 * (if not NULL, with arg and e, numbered from 1 in input order) with the
 * time now.  Returns the bytes looked at, with
 * *recs the records completed; 0 at end of input; -1 with errno: EAGAIN
 * when nothing waits or bytes looked at earlier have not all left yet,
 * EINVAL when the input cannot be duplicated (only before the first
 * success: read and write instead).  A record longer than the bound
 * stops it: pf_tee_toolong() names it and nothing more is looked at.
 */
ssize_t		 pf_tee_look(struct pf_tee *, size_t, pf_tee_fn *, void *,
		     struct pf_engine *, uint64_t, uint64_t *);
/*
 * At the end of input: an unterminated last record is whole, goes to fn
 * and waits to be written.  Returns the records it made (0 or 1).
 */
uint64_t	 pf_tee_end(struct pf_tee *, pf_tee_fn *, void *,
		     struct pf_engine *, uint64_t);
/*
 * Move what was looked at to the output.  *bytes and *recs are what left
 * (a record counts once its terminator has), also when it fails.  Returns
 * 0 once all has left, or -1 with errno (EAGAIN: the output is full).
 */
int		 pf_tee_move(struct pf_tee *, uint64_t *, uint64_t *);
/*
 * Once all of that has left, take the start of an incomplete record out
 * of the input into memory.  0, or -1 with errno from the input.
 */
int		 pf_tee_take(struct pf_tee *);
/* Bytes looked at that have not left: a write is wanted. */
size_t		 pf_tee_pending(const struct pf_tee *);
/* Whether a look may be made (nothing looked at is still in the input). */
int		 pf_tee_ready(const struct pf_tee *);
/* Bytes held in memory: a record's start, and bytes to write. */
size_t		 pf_tee_held(const struct pf_tee *);
/* The start of an incomplete record, which a stop would leave behind. */
size_t		 pf_tee_partial(const struct pf_tee *);
/* Number of the record longer than the bound, 0 if none. */
uint64_t	 pf_tee_toolong(const struct pf_tee *);

#endif /* PF_TEE_H */
