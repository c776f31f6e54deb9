/* SPDX-License-Identifier: ISC */
/*
 * keytab.h: a bounded table of per-key state (lib/keytab.c).
 *
 * Keys are byte strings taken as given: binary-safe (NUL bytes, any
 * length, the empty key), compared byte for byte.  Each entry holds a
 * copy of its key and a value area of the size given at creation, which
 * the caller owns: a bucket for throttle -k, a held record for coalesce.
 * A value area is zero-filled when its entry is made and stays at the
 * same address until the entry is removed; it is aligned for any type.
 *
 * The table is bounded by a number of keys and optionally by the bytes of
 * all keys together.  An insertion past either bound fails with ENOSPC and
 * changes nothing; the caller decides what gives: evict the least
 * recently used entry (pf_keytab_evict()) and insert again, or wait for
 * an entry to be removed.
 *
 * Entries are kept in order of use, least recent first: a find or an
 * insertion makes an entry the most recent.  With PF_KEYTAB_ARRIVAL they
 * are kept in the order they were made instead, a find or a get of a key
 * already in changing nothing, so that the "least recent" entry is the
 * oldest one (coalesce flushes keys in order of first arrival).
 * pf_keytab_next() walks that order.
 *
 * Cost: find, insert and remove are O(1) on average.  Keys are hashed
 * with XXH3 under a seed drawn from arc4random(3) for each table, so that
 * input crafted to collide cannot slow a table down.  Entries live in
 * chunks allocated as the table first grows (16 entries, then doubling,
 * never more than the bound), so they never move; removed entries are
 * reused.  The hash index (open addressing, 8-byte slots, at least 64,
 * at most half full) doubles as the table grows, up to twice the bound
 * rounded up to a power of two.  An insertion allocates only when the
 * table holds more keys than it ever did (a new chunk, a larger index),
 * and for a key longer than PF_KEYTAB_INLINE bytes, which gets a
 * malloc'd copy of its own, freed with its entry.  Memory per entry: 64
 * bytes, the value rounded up to 16, 16 to 32 bytes of index at the
 * bound, and a long key's copy; the bytes bound counts key lengths only.
 * Chunks and index are kept until pf_keytab_free().
 */
#ifndef PF_KEYTAB_H
#define PF_KEYTAB_H

#include <stddef.h>

#define PF_KEYTAB_ARRIVAL	0x1		/* order of first insertion */
#define PF_KEYTAB_MAXKEYS	(1U << 30)	/* the largest bound on keys */
#define PF_KEYTAB_MAXVALUE	(1U << 20)	/* the largest value area */
#define PF_KEYTAB_INLINE	40		/* key bytes inside an entry */

struct pf_keytab;

/*
 * A table for at most max_keys keys (1 to PF_KEYTAB_MAXKEYS) holding at
 * most max_bytes of keys in all (0: no bound but max_keys), each entry
 * with a value area of value_size bytes (0 to PF_KEYTAB_MAXVALUE).  flags
 * is 0 or PF_KEYTAB_ARRIVAL.  Allocates only a small index up front.
 * Returns NULL with errno EINVAL for a bound or size out of range or an
 * unknown flag, ENOMEM.
 */
struct pf_keytab *pf_keytab_new(size_t, size_t, size_t, int);
/* Free the table, its entries and their keys; NULL is a no-op. */
void		 pf_keytab_free(struct pf_keytab *);

/*
 * The value area of the entry for the len bytes at key (key may be NULL
 * when len is 0), made the most recently used; NULL if there is none.
 */
void		*pf_keytab_find(struct pf_keytab *, const char *, size_t);
/*
 * The value area of the entry for key, made the most recently used,
 * making the entry (its value zero-filled) if there was none; *isnew (if
 * isnew is not NULL) says which.  Returns NULL with errno: ENOSPC when a
 * new entry would pass max_keys or max_bytes (the table is unchanged;
 * make room and try again), E2BIG for a key longer than max_bytes by
 * itself or than 2^32 - 1 bytes (no room can be made for it), ENOMEM.
 */
void		*pf_keytab_get(struct pf_keytab *, const char *, size_t,
		     int *);
/*
 * Remove the entry for key; its value area is gone.  Returns 0, or -1
 * with errno ENOENT if there is none.
 */
int		 pf_keytab_remove(struct pf_keytab *, const char *, size_t);
/*
 * The least recently used entry (with PF_KEYTAB_ARRIVAL, the oldest):
 * its value area, with its key and length in *key and *len (either may be
 * NULL; the key stays valid until the entry is removed).  NULL when the
 * table is empty.  Changes nothing.
 */
void		*pf_keytab_lru(const struct pf_keytab *, const char **,
		     size_t *);
/*
 * Remove the entry pf_keytab_lru() names.  Returns 0, or -1 with errno
 * ENOENT when the table is empty.
 */
int		 pf_keytab_evict(struct pf_keytab *);
/*
 * Walk the entries, least recently used first: set *pos to 0, then each
 * call returns the next entry's value area (and its key as
 * pf_keytab_lru() does) until NULL says every entry was seen once.  The
 * walk changes nothing; the entry just returned may be removed during
 * it, but any other change to the table ends the walk's validity.
 */
void		*pf_keytab_next(const struct pf_keytab *, size_t *,
		     const char **, size_t *);
/* Entries in the table, and bytes of their keys. */
size_t		 pf_keytab_count(const struct pf_keytab *);
size_t		 pf_keytab_bytes(const struct pf_keytab *);

#endif /* PF_KEYTAB_H */
