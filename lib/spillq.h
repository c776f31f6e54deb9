/* SPDX-License-Identifier: ISC */
/*
 * spillq.h: a FIFO that overflows from memory to disk (lib/spillq.c).
 *
 * The engine's queue is the memory that output is written from.  Input
 * goes into a staging buffer first; from there, whole records go into the
 * queue while nothing waits on disk, and otherwise into segment files in
 * the spill directory, which are read back into the queue in order as it
 * drains.  With durable set every record is written to disk before it may
 * leave, and a checkpoint of what was delivered lets a later run on the
 * same directory deliver the rest first.
 */
#ifndef PF_SPILLQ_H
#define PF_SPILLQ_H

#include "pipeflow.h"
#include "engine.h"

enum pf_sync {
	PF_SYNC_NONE = 0,	/* leave it to the kernel */
	PF_SYNC_INTERVAL,	/* at every checkpoint */
	PF_SYNC_ALWAYS		/* every frame before it leaves */
};

struct pf_spillq_conf {
	const char	*tool;
	const char	*dir;		/* -d, NULL: a private temporary one */
	enum pf_framing	 framing;
	uint64_t	 max_record;
	uint64_t	 memory;	/* -m: the queue's size */
	uint64_t	 frame_size;	/* raw bytes per frame, at most */
	uint64_t	 segment_size;
	int		 level;		/* zstd level, 0: stored raw */
	uint64_t	 max_disk;	/* 0: no bound */
	uint64_t	 min_free;	/* 0: no bound */
	int		 durable;
	enum pf_sync	 sync;
	uint64_t	 checkpoint;	/* interval, ns */
	int		 skip_corrupt;
	int		 drain;		/* --drain: no new data expected */
	int		 quiet;
	int		 verbose;
};

struct pf_spillq;

/*
 * Open the spill directory and, if it holds data from an earlier run
 * (durable only; refused otherwise), scan it: cut back a torn tail, find
 * where to resume.  Prints its messages.  Returns the handle, or NULL
 * with *code set to the exit status (1, or 3 for corrupt data).
 */
struct pf_spillq *pf_spillq_open(const struct pf_spillq_conf *, int *);
/*
 * The framing of the records: as configured, or with drain set that of
 * the data found.
 */
enum pf_framing	 pf_spillq_framing(const struct pf_spillq *);
/* The engine hooks; arg is the handle. */
void		 pf_spillq_policy(struct pf_spillq *, struct pf_policy *);
/* Free after the run (the directory was closed by the last tick). */
void		 pf_spillq_free(struct pf_spillq *);

#endif /* PF_SPILLQ_H */
