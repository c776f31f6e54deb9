/* SPDX-License-Identifier: ISC */
/*
 * recstore.h: records held outside the queue (lib/recstore.c).
 *
 * shed and coalesce hold records apart from the engine's queue: shed to
 * evict the least important when full, coalesce to replace a key's held
 * record by a newer one.  A store keeps copies of records in arrival
 * order, each with its arrival time, record number, a class 0..9 (0 the
 * most important) and optionally a key, unique among the held records
 * that have one.  It is bounded by a count of records and by bytes: the
 * record bytes plus the key bytes of every held record, nothing else.
 * What the store costs beyond that is said in lib/recstore.c and given by
 * pf_recstore_memory().  Every operation but free is O(1): expected for
 * those that look up a key, amortised where the key index or a pool
 * grows.  Not thread-safe.
 */
#ifndef PF_RECSTORE_H
#define PF_RECSTORE_H

#include "pipeflow.h"

#define PF_RECSTORE_CLASSES	10		/* classes 0..9 */
#define PF_RECSTORE_ALL		(-1)		/* every class, for counts */
/* The most records a store may be bounded to. */
#define PF_RECSTORE_MAX_RECORDS	((uint64_t)UINT32_MAX - 64)
/* The most bytes one record may have, key included. */
#define PF_RECSTORE_MAX_SIZE	((size_t)UINT32_MAX)

/*
 * A held record: what pf_recstore_add() is given, and what the store tells of
 * one it holds.  key NULL means no key; a key may be empty or hold any
 * bytes.  Filled in by the store, data and key point into it (data is
 * never NULL, key NULL when there is none).
 */
struct pf_held {
	const char	*data;		/* without its terminator */
	size_t		 len;
	const char	*key;
	size_t		 keylen;
	uint64_t	 recno;
	uint64_t	 t;		/* arrival, monotonic ns */
	int		 class;		/* 0..9, 0 the most important */
};

struct pf_recstore;
/* A held record's place; valid until the record leaves the store. */
struct pf_recslot;

/*
 * Allocate a store for at most max_records records (1 to
 * PF_RECSTORE_MAX_RECORDS) and max_bytes bytes of records and keys.
 * Returns it, or NULL with errno EINVAL (max_records out of range) or
 * ENOMEM.
 */
struct pf_recstore *pf_recstore_new(uint64_t, uint64_t);
/* Free the store and every record; NULL is a no-op. */
void		 pf_recstore_free(struct pf_recstore *);

/*
 * Copy the record r (bytes and key) in at the tail, the newest.  Returns
 * its slot, or NULL with errno, the store unchanged: EINVAL for a class
 * outside 0..9, E2BIG when len + keylen exceeds PF_RECSTORE_MAX_SIZE,
 * EEXIST when a held record has the same key (checked before the bounds:
 * the caller replaces that one instead), ENOSPC when the record would
 * pass either bound, ENOMEM.  r may describe a record the store holds
 * or the last pop or take gave; the life of the latter then ends, also
 * when the add fails.
 */
struct pf_recslot *pf_recstore_add(struct pf_recstore *,
		     const struct pf_held *);
/*
 * The same, given the hash pf_recstore_hash() gave of r's key (ignored
 * when r has none), so that a caller who looked the key up first hashes
 * it once.
 */
struct pf_recslot *pf_recstore_add_hash(struct pf_recstore *,
		     const struct pf_held *, uint64_t);
/*
 * Replace the bytes of the held record s by len bytes at data, and its
 * record number and time by recno and t, keeping its key, class and place
 * in arrival order: latest wins, where the key first arrived.  data may
 * point into s's own bytes or those the last pop or take gave.  Returns
 * 0, or -1 with errno, the record unchanged: E2BIG, ENOSPC when the held
 * bytes would pass the bound, or ENOMEM.  The slot stays valid, its old
 * bytes do not.  Ends the life of what the last pop or take gave, even
 * when it fails.
 */
int		 pf_recstore_replace(struct pf_recstore *, struct pf_recslot *,
		     const void *, size_t, uint64_t, uint64_t);

/* The oldest held record, NULL when the store is empty. */
struct pf_recslot *pf_recstore_peek(const struct pf_recstore *);
/*
 * Walk in arrival order: the record after s, or the oldest if s is NULL;
 * NULL after the newest.  Taking the next slot before removing s lets a
 * walk remove records as it goes.
 */
struct pf_recslot *pf_recstore_next(const struct pf_recstore *,
		     const struct pf_recslot *);
/* The held record with that key, or NULL. */
struct pf_recslot *pf_recstore_find(const struct pf_recstore *,
		     const void *, size_t);
/*
 * Looking keys up ahead.  pf_recstore_hash(): the hash of a key, the same
 * for the life of the store.  pf_recstore_find_hash(): pf_recstore_find()
 * given that hash.  pf_recstore_prefetch(): start bringing into the CPU's
 * caches what a lookup of the key with that hash will read, one level a
 * call: 0 its place in the index, 1 (once that is in) the record's
 * header, 2 (once that is in) its key and bytes.  A caller with a batch
 * of records hashes each on arrival, asks for the next level a few
 * records later each time, and does the lookup last: the loads of
 * several records then overlap instead of waiting one after the other.
 * A prefetch is a hint: it changes nothing and is right to make whatever
 * was added or removed in between.
 */
uint64_t	 pf_recstore_hash(const struct pf_recstore *, const void *,
		     size_t);
struct pf_recslot *pf_recstore_find_hash(const struct pf_recstore *,
		     const void *, size_t, uint64_t);
void		 pf_recstore_prefetch(const struct pf_recstore *, uint64_t,
		     int);
/*
 * Describe the held record s in *r; its pointers are valid until s is
 * replaced or leaves the store.
 */
void		 pf_recstore_view(const struct pf_recstore *,
		     const struct pf_recslot *, struct pf_held *);

/*
 * Remove the oldest record and describe it in *r, without a copy: its
 * bytes and key stay valid until the next call to add, replace, pop, take,
 * remove or free.  Returns 0, or -1 with errno ENOENT when the store is
 * empty.
 */
int		 pf_recstore_pop(struct pf_recstore *, struct pf_held *);
/*
 * Shed one record: among the classes from class to 9, the oldest record
 * of the least important (highest numbered) class that has any.  It is
 * removed and described in *r as by pf_recstore_pop().  Returns 0, or -1
 * with errno ENOENT when no record is of class or above, EINVAL for a
 * class outside 0..9.
 */
int		 pf_recstore_take(struct pf_recstore *, int,
		     struct pf_held *);
/*
 * Remove the held record s and free its bytes at once; s is no longer
 * valid.  Ends the life of what the last pop or take gave.
 */
void		 pf_recstore_remove(struct pf_recstore *, struct pf_recslot *);

/*
 * Held records and their bytes (records and keys, as bounded), of one
 * class or of PF_RECSTORE_ALL; a class outside both gives 0.
 */
uint64_t	 pf_recstore_records(const struct pf_recstore *, int);
uint64_t	 pf_recstore_bytes(const struct pf_recstore *, int);
/*
 * Memory the store has allocated, in bytes: record headers, key index,
 * blocks of bytes, and the store itself.
 */
uint64_t	 pf_recstore_memory(const struct pf_recstore *);

#endif /* PF_RECSTORE_H */
