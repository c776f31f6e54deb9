/* SPDX-License-Identifier: ISC */
/*
 * diskq.h: the disk side of spill's FIFO (lib/diskq.c): what a spill
 * directory's segments and checkpoint hold, read without changing them.
 * Nothing here prints; faults come back as text for the caller to say.
 */
#ifndef PF_DISKQ_H
#define PF_DISKQ_H

#include <sys/types.h>

#include <stdint.h>

#include "pipeflow.h"

/* A checkpoint is one line shorter than this. */
#define PF_DISKQ_CKPT_MAX	128

/* One segment of the table, as its frame headers describe it. */
struct pf_diskq_seg {
	uint64_t	 num;
	uint64_t	 first;		/* first record, from the header */
	uint64_t	 end;		/* one past the last record */
	uint64_t	 raw;		/* raw bytes of its frames */
	uint64_t	 stored;	/* size of the file */
	uint64_t	 time;		/* time of the first frame, 0 */
	int		 badhdr;	/* unreadable header */
	int		 end_known;	/* end is exact, faults or not */
	unsigned int	 kind;		/* the framing it was written in */
};

/*
 * The checkpoint, "PFCKPT1 <first undelivered> <xxh3 hex>\n", always of
 * one length (so that it can be rewritten in place on a full disk).
 * pf_diskq_ckpt_format() writes it for record d into buf (at least
 * PF_DISKQ_CKPT_MAX bytes) and returns its length; pf_diskq_ckpt_parse()
 * checks len bytes at buf and stores the record number: 0, or -1 for
 * anything but a whole, well-formed line with the right checksum.
 */
int		 pf_diskq_ckpt_format(char *, size_t, uint64_t);
int		 pf_diskq_ckpt_parse(const char *, size_t, uint64_t *);

/*
 * Records in len bytes of whole records framed as kind (a segment's
 * kind: PF_FRAME_*), the unterminated last record of the input counted;
 * bytes for PF_FRAME_BYTES.
 */
uint64_t	 pf_diskq_count(unsigned int, const char *, size_t);

/*
 * Read segment num's frame headers under the directory dfd (with verify,
 * the frames too, and check that each holds as many records as it says):
 * its first and end record numbers, raw and stored bytes of the frames
 * that end after record from, and the time of the first of those, into
 * *s.  Returns 0 for a clean file, 1 when it ends torn (*tornoff: where
 * its last whole frame ends), 2 when a fault stops the scan (*tornoff:
 * its offset), -1 when it cannot be read (errno); msg says what for all
 * but 0.  *badhdr is set when not even the file header is good.
 */
int		 pf_diskq_scan(int, uint64_t, uint64_t, struct pf_diskq_seg *,
		     off_t *, char *, size_t, int *, int);
/* The raw bytes of segment num's whole frames, 0 if it cannot be read. */
uint64_t	 pf_diskq_raw_all(int, uint64_t);

/* What a spill directory holds, for spill --info. */
struct pf_diskq_info {
	uint64_t	 segments;
	uint64_t	 records;	/* undelivered, bytes in --bytes */
	uint64_t	 raw_bytes;	/* undelivered */
	uint64_t	 stored_bytes;	/* the segment files */
	uint64_t	 oldest_ns;	/* epoch ns of the oldest frame, 0 */
	uint64_t	 delivered;	/* the checkpoint, first record */
	uint64_t	 torn;		/* frames of a torn tail */
	uint64_t	 others;	/* files that are not ours */
	int		 framing;	/* of the first segment, -1 */
	int		 checkpoint;	/* a checkpoint was found */
	int		 corrupt;	/* a fault found */
	char		 fault[512];	/* the first fault, for messages */
};

/*
 * Describe the spill directory dir without changing or locking it: read
 * every frame and check that it holds the records it says (the first
 * fault found is in fault).  Returns 0, or -1 with *errstr set when the
 * directory cannot be read at all.
 */
int		 pf_diskq_info(const char *, struct pf_diskq_info *,
		     const char **);

#endif /* PF_DISKQ_H */
