/* SPDX-License-Identifier: ISC */
/*
 * queue.h: the bounded record queue (lib/queue.c).
 *
 * A ring of bytes holding, in order, the admitted records (ready to write)
 * followed by pending input: whole records read but waiting for room, then
 * at most one partial record.  Input is read straight into the ring and
 * output written straight from it: records are never copied on the common
 * path.
 *
 * A read may bring more records than -m or -n leaves room for: what fits
 * is admitted, the rest waits, and writes make room for it in order.  The
 * policies differ in what happens to input that comes while records wait:
 * block and fail read none (fail has reported PF_QUEUE_FULL already); the
 * drop policies read it, and that read drops by policy from the waiting
 * and the new records together.  So a read that starts with nothing
 * waiting never drops, and records are dropped only when the buffer stayed
 * full from one read to the next: downstream did not take them.
 */
#ifndef PF_QUEUE_H
#define PF_QUEUE_H

#include "pipeflow.h"

enum pf_overflow {
	PF_FULL_BLOCK = 0,	/* stop reading: backpressure */
	PF_FULL_DROP_NEWEST,	/* discard the arriving records */
	PF_FULL_DROP_OLDEST,	/* discard the oldest buffered records */
	PF_FULL_FAIL		/* report the buffer full */
};

/* Why records left the queue without being written. */
enum pf_drop {
	PF_DROP_NEWEST = 0,
	PF_DROP_OLDEST
};

/* Results of pf_queue_input() and pf_queue_admit(). */
#define PF_QUEUE_OK		0
#define PF_QUEUE_TOOLONG	1	/* a record exceeds max_record */
#define PF_QUEUE_FULL		2	/* full under PF_FULL_FAIL */

/*
 * Called for records dropped by policy: iovcnt (1 or 2) pieces holding
 * nrec whole records (or, in bytes mode, one chunk), why they went.
 */
typedef void	 pf_queue_drop_fn(void *, const struct iovec *, int,
		     uint64_t, enum pf_drop);

struct pf_queue_limits {
	enum pf_framing	 framing;
	uint64_t	 max_bytes;	/* -m */
	uint64_t	 max_records;	/* -n, 0 = none; bytes mode: none */
	uint64_t	 max_record;	/* --max-record, without terminator */
	enum pf_overflow overflow;
	size_t		 read_size;	/* the largest single read */
};

struct pf_queue;

/*
 * Allocate a queue.  The ring is mapped lazily, so memory is only used as
 * data arrives; its size is max_bytes plus room for one partial record
 * (and, under the other policies, for records waiting from one read and a
 * next read).  NULL with errno on failure.
 */
struct pf_queue	*pf_queue_new(const struct pf_queue_limits *,
		     pf_queue_drop_fn *, void *);
void		 pf_queue_free(struct pf_queue *);

/*
 * Where the next read may go: stores a pointer and returns how many bytes
 * may be read there, 0 when input must wait: the block policy at its
 * bound, records waiting under block or fail, or a record found too long.
 * Never 0 otherwise under the drop policies.
 */
size_t		 pf_queue_space(struct pf_queue *, char **);
/*
 * Account n bytes read into the space given by pf_queue_space(), frame
 * them and admit what fits; the rest waits.  Under the drop policies, if
 * records were waiting already, drop instead: drop-newest the records,
 * waiting or new, that do not fit (in order, each that fits is kept);
 * drop-oldest the oldest admitted and waiting ones until the rest fits (a
 * partly written head record and the newest record are kept).  Stores the
 * number of whole records framed in *nrec.  Returns PF_QUEUE_OK,
 * PF_QUEUE_TOOLONG (pf_queue_toolong() gives the record number; nothing
 * after it is admitted) or PF_QUEUE_FULL (fail: a record did not fit).
 */
int		 pf_queue_input(struct pf_queue *, size_t, uint64_t,
		     uint64_t *);
/*
 * Input ended: a partial last record becomes a record of its own,
 * unterminated, and waits with the others; none is dropped, as writes
 * will make room for them all.  Returns as pf_queue_input(); *nrec is 0
 * or 1.
 */
int		 pf_queue_eof(struct pf_queue *, uint64_t, uint64_t *);
/*
 * Admit the waiting records that now fit, oldest first, up to the first
 * that does not; call after writes.  Never drops.  PF_QUEUE_FULL under
 * fail while records still wait, else PF_QUEUE_OK.
 */
int		 pf_queue_admit(struct pf_queue *, uint64_t);
/*
 * The admitted bytes, oldest first, as at most two pieces.  Returns the
 * number of pieces (0 when empty) and stores the total in *len.
 */
int		 pf_queue_peek(struct pf_queue *, struct iovec[2], size_t *);
/*
 * Remove n admitted bytes that were written.  Returns the number of whole
 * records they completed.
 */
uint64_t	 pf_queue_consume(struct pf_queue *, size_t);

/*
 * Admitted bytes and records, and pending bytes: waiting records and the
 * partial one.
 */
uint64_t	 pf_queue_bytes(const struct pf_queue *);
uint64_t	 pf_queue_records(const struct pf_queue *);
uint64_t	 pf_queue_pending(const struct pf_queue *);
/* Whole records read but waiting for room. */
int		 pf_queue_waiting(const struct pf_queue *);
/* Fill, the larger of bytes and records against their limits, 0..1+. */
double		 pf_queue_fill(const struct pf_queue *);
/* Age in seconds of the oldest admitted byte, 0 when empty. */
double		 pf_queue_oldest_age(const struct pf_queue *, uint64_t);
/* Whether the head record was partly written. */
int		 pf_queue_midrec(const struct pf_queue *);
/*
 * Whether len bytes holding one whole record (its terminator included)
 * would be admitted at once if read now: no record waits, none is
 * partial, and the bounds leave room (an empty queue takes any record).
 * For stages that copy records in themselves.
 */
int		 pf_queue_fits(const struct pf_queue *, uint64_t);
/*
 * The same for nrec whole records in len bytes, terminators included,
 * that would go in together: the bounds count them all, and only a
 * single record always fits an empty queue.
 */
int		 pf_queue_fits_run(const struct pf_queue *, uint64_t,
		     uint64_t);
/*
 * What pf_queue_fits_run() says yes to now, for a caller that asks it of
 * many runs in a row with the queue unchanged: runs of at most *bytes and
 * *recs, or (an empty queue) one record of at most *one bytes, 0 if not
 * empty.
 */
void		 pf_queue_room(const struct pf_queue *, uint64_t *,
		     uint64_t *, uint64_t *);
/*
 * Copy in len bytes at p holding nrec whole records, each with its
 * terminator, that pf_queue_fits_run() said fit, and admit them: one copy
 * (two at the ring's wrap), and no framing, as the caller framed them.
 * Arrived at time now.
 */
void		 pf_queue_append(struct pf_queue *, const char *, size_t,
		     uint64_t, uint64_t);
/* Number (1-based) of the record found too long. */
uint64_t	 pf_queue_toolong(const struct pf_queue *);
/* Capacity in bytes as configured (-m). */
uint64_t	 pf_queue_capacity(const struct pf_queue *);

#endif /* PF_QUEUE_H */
