/* SPDX-License-Identifier: ISC */
/*
 * recstore.c: records held outside the engine's queue, for shed and
 * coalesce.
 *
 * The engine's queue is a FIFO of bytes; shed must evict the least
 * important record wherever it is, and coalesce must replace a key's held
 * record by a newer one where the key first arrived.  Both need records
 * kept one by one, in arrival order, with a class and a key, and taken
 * out of the middle in O(1): that is this store.
 *
 * Every record has a 64-byte header (struct pf_recslot) linked into two
 * circular doubly linked lists: all records in arrival order, and the
 * records of its class in arrival order.  The lists link by 32-bit slot
 * numbers, not pointers, to keep the header at 64 bytes; slots 0..10 are
 * the heads of the lists (0: arrival, 1 + c: class c), so linking and
 * unlinking never test for an end.  A mask of the classes that hold
 * records finds the least important at or above a class with one count
 * of leading zeros.  Keys are found through a private index, hashed with
 * XXH3 under a random seed (keys come from input: the seed keeps a crafted
 * input from piling keys onto one place).  The index is open addressing
 * with linear probing over 8-byte entries: a slot number (0: empty) and
 * the top 32 bits of the key's hash, which also decide the home entry, so
 * that a probe reads one cache line of the index and a record's header
 * only when its 32 bits match, and the index is rebuilt without touching
 * a header.  A removal shifts the following entries back: no tombstones.
 * The index is at most half full, doubles as keys come and never
 * shrinks.  Lookups run at the speed of memory once the keys outgrow the
 * caches, so a caller with records in hand can hash each one ahead
 * (pf_recstore_hash()), prefetch what its lookup will touch, level by
 * level (pf_recstore_prefetch()), and look it up by that hash later.
 *
 * Nothing is allocated per record on the common path.  Headers come from
 * chunks of 1024 that are never given back (so at most max_records
 * headers' worth), through a free list.  A record's key and bytes share
 * one block, key first, so that replacing the bytes never moves the key.
 * Blocks of up to 8 KiB come from slabs of 64 KiB, one size class per
 * slab: 8, 16, 24 and 32 bytes, then four classes per power of two.  A
 * slab lists its freed blocks and is linked with the other slabs of its
 * class that have room; when its last block is freed it goes back to the
 * allocator (two are kept spare, so that a store emptied and filled again
 * does not call it each time).  A block over 8 KiB is one malloc of its
 * own: the copy costs more than the call.  An empty record without a key
 * takes no block.
 *
 * So a held record costs, beyond its bytes and its key: the 64-byte
 * header; for a keyed one 16 to 32 bytes of key index; and the rounding of
 * key and bytes together up to a size class, at most 7 bytes up to 32 and
 * under a quarter above.  Headers and the index are kept for the most
 * records and keys ever held at once, and slabs left part used by records
 * removed out of order hold more than their blocks; pf_recstore_memory()
 * tells the total.  The bytes bound counts record and key bytes only, so
 * that a caller can say exactly what fits.
 *
 * A popped or taken record's header and block are kept, unlinked, until
 * the next call that changes the store: its bytes go to the caller
 * without a copy.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "pipeflow.h"
#include "recstore.h"

#define NIL		0		/* no slot: 0 is a list head */
#define HEAD_ARRIVAL	0
#define HEAD_CLASS(c)	(1 + (uint32_t)(c))
#define SLOT_FIRST	(1 + PF_RECSTORE_CLASSES)	/* the first record */
#define SLOT_SHIFT	10
#define SLOT_CHUNK	(1U << SLOT_SHIFT)	/* headers per chunk */

#define L_ARRIVAL	0		/* the lists a record is on */
#define L_CLASS		1
#define PREV		0
#define NEXT		1

#define SLAB_SIZE	(64U * 1024)	/* and aligned to it */
#define SLAB_HDR	64		/* the blocks start here */
#define BLOCK_MAX	8192U		/* larger blocks: malloc */
#define NSIZES		36		/* size classes up to BLOCK_MAX */
#define SPARE_SLABS	2
#define INDEX_MIN	64		/* index entries at first */
#define INDEX_MAX	((uint64_t)1 << 32)	/* homes from 32 bits */
#define PREFETCH_MAX	256		/* of a block, by pf_recstore_prefetch() */

struct pf_recslot {
	uint32_t	 link[2][2];	/* [L_ARRIVAL, L_CLASS][PREV, NEXT] */
	uint32_t	 hash;		/* the top 32 bits of its key's */
	uint32_t	 len;
	uint32_t	 keylen;
	char		*block;		/* the key, then the bytes */
	uint64_t	 recno;
	uint64_t	 t;
	uint32_t	 self;		/* own slot number */
	uint8_t		 class;
	uint8_t		 keyed;
};

/* An entry of the key index. */
struct ix {
	uint32_t	 slot;		/* NIL: empty */
	uint32_t	 tag;		/* its key's hash >> 32 */
};

struct slab {
	struct slab	*prev;		/* slabs of its class with room */
	struct slab	*next;
	char		*free;		/* freed blocks, through their start */
	uint32_t	 bump;		/* the blocks never used start here */
	uint32_t	 live;		/* blocks given out */
	uint32_t	 cap;		/* blocks it holds */
	uint32_t	 size;		/* its size class */
};

struct pf_recstore {
	uint64_t		 max_records;
	uint64_t		 max_bytes;
	uint64_t		 nrec;
	uint64_t		 nbytes;
	uint64_t		 cnrec[PF_RECSTORE_CLASSES];
	uint64_t		 cnbytes[PF_RECSTORE_CLASSES];
	unsigned int		 mask;		/* classes holding records */

	struct pf_recslot	**chunks;
	uint32_t		 nchunks;
	uint32_t		 chunkcap;
	uint32_t		 nslots;	/* slots ever used */
	uint32_t		 freeslot;	/* free list, by L_ARRIVAL */
	uint32_t		 zombie;	/* popped, NIL if none */

	struct ix		*index;
	uint64_t		 nix;		/* a power of two, or 0 */
	uint64_t		 nkeyed;
	uint64_t		 seed;

	struct slab		*room[NSIZES];
	struct slab		*spare[SPARE_SLABS];
	int			 nspare;
	uint64_t		 nslabs;	/* spares included */
	uint64_t		 bigbytes;	/* in blocks of their own */
};

_Static_assert(sizeof(struct pf_recslot) <= 64, "a header fits in 64 bytes");
_Static_assert(sizeof(struct slab) <= SLAB_HDR, "a slab header fits");

static char	 empty_block[1];	/* for 0 bytes; never written */

static struct pf_recslot *slot(const struct pf_recstore *, uint32_t);
static uint32_t	 slot_get(struct pf_recstore *);
static void	 slot_put(struct pf_recstore *, uint32_t);
static void	 list_append(struct pf_recstore *, int, uint32_t,
		     struct pf_recslot *);
static void	 list_unlink(struct pf_recstore *, int, struct pf_recslot *);
static unsigned int size_class(size_t);
static size_t	 class_size(unsigned int);
static int	 block_same(size_t, size_t);
static char	*block_get(struct pf_recstore *, size_t);
static void	 block_put(struct pf_recstore *, char *, size_t);
static struct slab *slab_new(struct pf_recstore *, unsigned int);
static void	 slab_link(struct pf_recstore *, struct slab *);
static void	 slab_unlink(struct pf_recstore *, struct slab *);
static void	 slab_drop(struct pf_recstore *, struct slab *);
static uint64_t	 key_hash(const struct pf_recstore *, const void *, size_t);
static struct pf_recslot *key_find(const struct pf_recstore *, const void *,
		     size_t, uint32_t);
static uint64_t	 index_probe(const struct pf_recstore *, uint32_t,
		     uint32_t);
static int	 index_reserve(struct pf_recstore *);
static void	 index_insert(struct pf_recstore *, struct pf_recslot *);
static void	 index_remove(struct pf_recstore *, struct pf_recslot *);
static void	 account(struct pf_recstore *, const struct pf_recslot *,
		     int);
static void	 detach(struct pf_recstore *, struct pf_recslot *);
static void	 release(struct pf_recstore *, struct pf_recslot *);
static void	 zombie_release(struct pf_recstore *);
static int	 take_out(struct pf_recstore *, uint32_t, struct pf_held *);
static uint64_t	 by_class(const uint64_t *, uint64_t, int);

static struct pf_recslot *
slot(const struct pf_recstore *rs, uint32_t i)
{
	return (&rs->chunks[i >> SLOT_SHIFT][i & (SLOT_CHUNK - 1)]);
}

/* A free slot's number, NIL with errno ENOMEM. */
static uint32_t
slot_get(struct pf_recstore *rs)
{
	struct pf_recslot	**c, *s;
	uint32_t		  i, cap;

	if ((i = rs->freeslot) != NIL) {
		rs->freeslot = slot(rs, i)->link[L_ARRIVAL][NEXT];
		return (i);
	}
	if (rs->nslots == (uint64_t)rs->nchunks * SLOT_CHUNK) {
		if (rs->nchunks == rs->chunkcap) {
			cap = rs->chunkcap * 2;
			c = reallocarray(rs->chunks, cap, sizeof(*c));
			if (c == NULL)
				return (NIL);
			rs->chunks = c;
			rs->chunkcap = cap;
		}
		if ((s = calloc(SLOT_CHUNK, sizeof(*s))) == NULL)
			return (NIL);
		rs->chunks[rs->nchunks++] = s;
	}
	return (rs->nslots++);
}

static void
slot_put(struct pf_recstore *rs, uint32_t i)
{
	slot(rs, i)->link[L_ARRIVAL][NEXT] = rs->freeslot;
	rs->freeslot = i;
}

/* Append s to the circular list l whose head is slot h. */
static void
list_append(struct pf_recstore *rs, int l, uint32_t h, struct pf_recslot *s)
{
	struct pf_recslot	*head = slot(rs, h);

	s->link[l][PREV] = head->link[l][PREV];
	s->link[l][NEXT] = h;
	slot(rs, head->link[l][PREV])->link[l][NEXT] = s->self;
	head->link[l][PREV] = s->self;
}

static void
list_unlink(struct pf_recstore *rs, int l, struct pf_recslot *s)
{
	slot(rs, s->link[l][PREV])->link[l][NEXT] = s->link[l][NEXT];
	slot(rs, s->link[l][NEXT])->link[l][PREV] = s->link[l][PREV];
}

/*
 * Size classes for n in 1..BLOCK_MAX: 8, 16, 24, 32, then for n in
 * (2^k, 2^(k+1)] four steps of 2^(k-2).
 */
static unsigned int
size_class(size_t n)
{
	unsigned int	k;

	if (n <= 32)
		return ((unsigned int)(n + 7) / 8 - 1);
	k = 63 - (unsigned int)__builtin_clzll((unsigned long long)n - 1);
	return (4 + (k - 5) * 4 +
	    (unsigned int)((n - 1 - ((size_t)1 << k)) >> (k - 2)));
}

static size_t
class_size(unsigned int c)
{
	unsigned int	k;

	if (c < 4)
		return (8 * (size_t)(c + 1));
	k = 5 + (c - 4) / 4;
	return (((size_t)1 << k) + ((size_t)((c - 4) % 4 + 1) << (k - 2)));
}

/* Whether a block for a bytes can hold b bytes in its place. */
static int
block_same(size_t a, size_t b)
{
	if (a == b)
		return (1);
	if (a == 0 || b == 0 || a > BLOCK_MAX || b > BLOCK_MAX)
		return (0);
	return (size_class(a) == size_class(b));
}

/* A block for n bytes, NULL with errno ENOMEM. */
static char *
block_get(struct pf_recstore *rs, size_t n)
{
	struct slab	*s;
	unsigned int	 c;
	char		*p;

	if (n == 0)
		return (empty_block);
	if (n > BLOCK_MAX) {
		if ((p = malloc(n)) != NULL)
			rs->bigbytes += n;
		return (p);
	}
	c = size_class(n);
	if ((s = rs->room[c]) == NULL && (s = slab_new(rs, c)) == NULL)
		return (NULL);
	if (s->free != NULL) {
		p = s->free;
		memcpy(&s->free, p, sizeof(s->free));
	} else {
		p = (char *)s + s->bump;
		s->bump += (uint32_t)class_size(c);
	}
	if (++s->live == s->cap)
		slab_unlink(rs, s);	/* full: no room to offer */
	return (p);
}

static void
block_put(struct pf_recstore *rs, char *p, size_t n)
{
	struct slab	*s;
	int		 full;

	if (n == 0)
		return;
	if (n > BLOCK_MAX) {
		free(p);
		rs->bigbytes -= n;
		return;
	}
	s = (struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_SIZE - 1));
	full = s->live == s->cap;
	if (--s->live == 0) {
		if (!full)
			slab_unlink(rs, s);
		slab_drop(rs, s);
		return;
	}
	memcpy(p, &s->free, sizeof(s->free));
	s->free = p;
	if (full)
		slab_link(rs, s);
}

static struct slab *
slab_new(struct pf_recstore *rs, unsigned int c)
{
	struct slab	*s;

	if (rs->nspare > 0)
		s = rs->spare[--rs->nspare];
	else {
		if ((s = aligned_alloc(SLAB_SIZE, SLAB_SIZE)) == NULL)
			return (NULL);
		rs->nslabs++;
	}
	s->free = NULL;
	s->bump = SLAB_HDR;
	s->live = 0;
	s->size = c;
	s->cap = (uint32_t)((SLAB_SIZE - SLAB_HDR) / class_size(c));
	slab_link(rs, s);
	return (s);
}

static void
slab_link(struct pf_recstore *rs, struct slab *s)
{
	s->prev = NULL;
	s->next = rs->room[s->size];
	if (s->next != NULL)
		s->next->prev = s;
	rs->room[s->size] = s;
}

static void
slab_unlink(struct pf_recstore *rs, struct slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		rs->room[s->size] = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
}

/* An empty slab: kept spare, or given back. */
static void
slab_drop(struct pf_recstore *rs, struct slab *s)
{
	if (rs->nspare < SPARE_SLABS) {
		rs->spare[rs->nspare++] = s;
		return;
	}
	free(s);
	rs->nslabs--;
}

static uint64_t
key_hash(const struct pf_recstore *rs, const void *key, size_t len)
{
	return (XXH3_64bits_withSeed(len == 0 ? "" : key, len, rs->seed));
}

/*
 * The held record with the len bytes at key, whose hash has tag as its
 * top 32 bits.  The index is never full, so the probe ends.
 */
static struct pf_recslot *
key_find(const struct pf_recstore *rs, const void *key, size_t len,
    uint32_t tag)
{
	const struct ix		*x;
	struct pf_recslot	*s;
	uint64_t		 mask = rs->nix - 1, i;

	if (rs->nix == 0)
		return (NULL);
	for (i = tag & mask;; i = (i + 1) & mask) {
		x = &rs->index[i];
		if (x->slot == NIL)
			return (NULL);
		if (x->tag != tag)
			continue;
		s = slot(rs, x->slot);
		if (s->keylen == len &&
		    (len == 0 || memcmp(s->block, key, len) == 0))
			return (s);
	}
}

/*
 * The index entry holding slot n, whose tag is tag (n NIL: the empty
 * entry where tag would go).
 */
static uint64_t
index_probe(const struct pf_recstore *rs, uint32_t tag, uint32_t n)
{
	uint64_t	mask = rs->nix - 1, i;

	for (i = tag & mask; rs->index[i].slot != n; i = (i + 1) & mask)
		;
	return (i);
}

/*
 * Room in the index for one more key: double it past half full (at its
 * largest it may fill up, as there are fewer records than entries).  The
 * stored tags place every key again without reading a header.  -1 with
 * errno ENOMEM, the index unchanged.
 */
static int
index_reserve(struct pf_recstore *rs)
{
	struct ix	*nidx;
	uint64_t	 n, mask, i, j;

	if (2 * (rs->nkeyed + 1) <= rs->nix || rs->nix == INDEX_MAX)
		return (0);
	n = rs->nix ? rs->nix * 2 : INDEX_MIN;
	if ((nidx = calloc(n, sizeof(*nidx))) == NULL)
		return (-1);
	mask = n - 1;
	for (i = 0; i < rs->nix; i++) {
		if (rs->index[i].slot == NIL)
			continue;
		for (j = rs->index[i].tag & mask; nidx[j].slot != NIL;
		    j = (j + 1) & mask)
			;
		nidx[j] = rs->index[i];
	}
	free(rs->index);
	rs->index = nidx;
	rs->nix = n;
	return (0);
}

static void
index_insert(struct pf_recstore *rs, struct pf_recslot *s)
{
	struct ix	*x = &rs->index[index_probe(rs, s->hash, NIL)];

	x->slot = s->self;
	x->tag = s->hash;
	rs->nkeyed++;
}

/*
 * The entries after the removed one, up to an empty one, move back into
 * the hole when their home is not between the hole and where they are:
 * a later probe for them would stop at the hole.
 */
static void
index_remove(struct pf_recstore *rs, struct pf_recslot *s)
{
	uint64_t	mask = rs->nix - 1, i, j, home;

	i = index_probe(rs, s->hash, s->self);
	for (j = (i + 1) & mask; rs->index[j].slot != NIL;
	    j = (j + 1) & mask) {
		home = rs->index[j].tag & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			rs->index[i] = rs->index[j];
			i = j;
		}
	}
	rs->index[i].slot = NIL;
	rs->nkeyed--;
}

/* Count s in (sign 1) or out (sign -1) of the totals. */
static void
account(struct pf_recstore *rs, const struct pf_recslot *s, int sign)
{
	uint64_t	n = (uint64_t)s->keylen + s->len;

	if (sign > 0) {
		rs->nrec++;
		rs->nbytes += n;
		rs->cnrec[s->class]++;
		rs->cnbytes[s->class] += n;
		rs->mask |= 1U << s->class;
		return;
	}
	rs->nrec--;
	rs->nbytes -= n;
	rs->cnbytes[s->class] -= n;
	if (--rs->cnrec[s->class] == 0)
		rs->mask &= ~(1U << s->class);
}

/* Take s off the lists, the index and the counts; it keeps its block. */
static void
detach(struct pf_recstore *rs, struct pf_recslot *s)
{
	list_unlink(rs, L_ARRIVAL, s);
	list_unlink(rs, L_CLASS, s);
	if (s->keyed)
		index_remove(rs, s);
	account(rs, s, -1);
}

static void
release(struct pf_recstore *rs, struct pf_recslot *s)
{
	block_put(rs, s->block, (size_t)s->keylen + s->len);
	slot_put(rs, s->self);
}

/* The bytes the last pop or take gave are no longer the caller's. */
static void
zombie_release(struct pf_recstore *rs)
{
	int	saved = errno;

	if (rs->zombie != NIL) {
		release(rs, slot(rs, rs->zombie));
		rs->zombie = NIL;
	}
	errno = saved;
}

/* Detach slot i, describe it in *r and keep it until the next change. */
static int
take_out(struct pf_recstore *rs, uint32_t i, struct pf_held *r)
{
	struct pf_recslot	*s = slot(rs, i);

	zombie_release(rs);
	detach(rs, s);
	pf_recstore_view(rs, s, r);
	rs->zombie = i;
	return (0);
}

struct pf_recstore *
pf_recstore_new(uint64_t max_records, uint64_t max_bytes)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*s;
	uint32_t		 i;

	if (max_records == 0 || max_records > PF_RECSTORE_MAX_RECORDS) {
		errno = EINVAL;
		return (NULL);
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return (NULL);
	rs->max_records = max_records;
	rs->max_bytes = max_bytes;
	rs->seed = (uint64_t)arc4random() << 32 | arc4random();
	rs->chunkcap = 4;
	if ((rs->chunks = calloc(rs->chunkcap, sizeof(*rs->chunks))) == NULL ||
	    (rs->chunks[0] = calloc(SLOT_CHUNK, sizeof(*s))) == NULL) {
		free(rs->chunks);
		free(rs);
		return (NULL);
	}
	rs->nchunks = 1;
	/* The list heads point at themselves: empty lists. */
	for (i = 0; i < SLOT_FIRST; i++) {
		s = slot(rs, i);
		s->self = i;
		s->link[L_ARRIVAL][PREV] = s->link[L_ARRIVAL][NEXT] = i;
		s->link[L_CLASS][PREV] = s->link[L_CLASS][NEXT] = i;
	}
	rs->nslots = SLOT_FIRST;
	return (rs);
}

void
pf_recstore_free(struct pf_recstore *rs)
{
	struct pf_recslot	*s;
	uint32_t		 i, next;

	if (rs == NULL)
		return;
	zombie_release(rs);
	for (i = slot(rs, HEAD_ARRIVAL)->link[L_ARRIVAL][NEXT]; i != NIL;
	    i = next) {
		s = slot(rs, i);
		next = s->link[L_ARRIVAL][NEXT];
		block_put(rs, s->block, (size_t)s->keylen + s->len);
	}
	/* Every slab emptied, so all are spare now. */
	while (rs->nspare > 0)
		free(rs->spare[--rs->nspare]);
	for (i = 0; i < rs->nchunks; i++)
		free(rs->chunks[i]);
	free(rs->chunks);
	free(rs->index);
	free(rs);
}

struct pf_recslot *
pf_recstore_add(struct pf_recstore *rs, const struct pf_held *r)
{
	uint64_t	hash = 0;

	if (r->key != NULL && r->keylen <= PF_RECSTORE_MAX_SIZE)
		hash = key_hash(rs, r->key, r->keylen);
	return (pf_recstore_add_hash(rs, r, hash));
}

struct pf_recslot *
pf_recstore_add_hash(struct pf_recstore *rs, const struct pf_held *r,
    uint64_t hash)
{
	struct pf_recslot	*s = NULL;
	size_t			 keylen = r->key != NULL ? r->keylen : 0, n;
	uint32_t		 h = 0, i;
	char			*b;

	if (r->class < 0 || r->class >= PF_RECSTORE_CLASSES) {
		errno = EINVAL;
		goto out;
	}
	if (r->len > PF_RECSTORE_MAX_SIZE ||
	    keylen > PF_RECSTORE_MAX_SIZE - r->len) {
		errno = E2BIG;
		goto out;
	}
	n = keylen + r->len;
	if (r->key != NULL) {
		h = (uint32_t)(hash >> 32);
		if (key_find(rs, r->key, keylen, h) != NULL) {
			errno = EEXIST;
			goto out;
		}
	}
	if (rs->nrec >= rs->max_records || n > rs->max_bytes - rs->nbytes) {
		errno = ENOSPC;
		goto out;
	}
	if (r->key != NULL && index_reserve(rs) == -1)
		goto out;
	if ((i = slot_get(rs)) == NIL)
		goto out;
	if ((b = block_get(rs, n)) == NULL) {
		slot_put(rs, i);
		goto out;
	}
	/* Copy before the zombie goes: r may point into it. */
	if (keylen > 0)
		memcpy(b, r->key, keylen);
	if (r->len > 0)
		memcpy(b + keylen, r->data, r->len);
	s = slot(rs, i);
	s->self = i;
	s->block = b;
	s->len = (uint32_t)r->len;
	s->keylen = (uint32_t)keylen;
	s->hash = h;
	s->keyed = r->key != NULL;
	s->recno = r->recno;
	s->t = r->t;
	s->class = (uint8_t)r->class;
	list_append(rs, L_ARRIVAL, HEAD_ARRIVAL, s);
	list_append(rs, L_CLASS, HEAD_CLASS(r->class), s);
	if (s->keyed)
		index_insert(rs, s);
	account(rs, s, 1);
out:
	zombie_release(rs);
	return (s);
}

int
pf_recstore_replace(struct pf_recstore *rs, struct pf_recslot *s,
    const void *data, size_t len, uint64_t recno, uint64_t t)
{
	size_t	 old = (size_t)s->keylen + s->len, n;
	char	*b;
	int	 rc = -1;

	if (len > PF_RECSTORE_MAX_SIZE - s->keylen) {
		errno = E2BIG;
		goto out;
	}
	n = s->keylen + len;
	if (len > s->len && len - s->len > rs->max_bytes - rs->nbytes) {
		errno = ENOSPC;
		goto out;
	}
	if (block_same(old, n)) {
		/* memmove: data may be the record's own bytes. */
		if (len > 0)
			memmove(s->block + s->keylen, data, len);
	} else {
		if ((b = block_get(rs, n)) == NULL)
			goto out;
		if (s->keylen > 0)
			memcpy(b, s->block, s->keylen);
		if (len > 0)
			memcpy(b + s->keylen, data, len);
		block_put(rs, s->block, old);
		s->block = b;
	}
	rs->nbytes = rs->nbytes - s->len + len;
	rs->cnbytes[s->class] = rs->cnbytes[s->class] - s->len + len;
	s->len = (uint32_t)len;
	s->recno = recno;
	s->t = t;
	rc = 0;
out:
	zombie_release(rs);
	return (rc);
}

struct pf_recslot *
pf_recstore_peek(const struct pf_recstore *rs)
{
	return (pf_recstore_next(rs, NULL));
}

struct pf_recslot *
pf_recstore_next(const struct pf_recstore *rs, const struct pf_recslot *s)
{
	uint32_t	i;

	if (s == NULL)
		s = slot(rs, HEAD_ARRIVAL);
	i = s->link[L_ARRIVAL][NEXT];
	return (i == NIL ? NULL : slot(rs, i));
}

struct pf_recslot *
pf_recstore_find(const struct pf_recstore *rs, const void *key, size_t len)
{
	if (rs->nkeyed == 0 || len > PF_RECSTORE_MAX_SIZE)
		return (NULL);
	return (key_find(rs, key, len, (uint32_t)(key_hash(rs, key, len) >>
	    32)));
}

uint64_t
pf_recstore_hash(const struct pf_recstore *rs, const void *key, size_t len)
{
	return (key_hash(rs, key, len));
}

struct pf_recslot *
pf_recstore_find_hash(const struct pf_recstore *rs, const void *key,
    size_t len, uint64_t hash)
{
	if (rs->nkeyed == 0 || len > PF_RECSTORE_MAX_SIZE)
		return (NULL);
	return (key_find(rs, key, len, (uint32_t)(hash >> 32)));
}

/*
 * Only loads that the earlier levels brought in, and prefetches: a hint
 * that changes nothing, whatever the store held when the earlier levels
 * were asked.  A header is prefetched for every entry whose tag matches
 * (almost always the one), a block's lines up to PREFETCH_MAX bytes.
 */
void
pf_recstore_prefetch(const struct pf_recstore *rs, uint64_t hash, int level)
{
	const struct ix		*x;
	const struct pf_recslot	*s;
	uint64_t		 mask = rs->nix - 1, i;
	uint32_t		 tag = (uint32_t)(hash >> 32);
	size_t			 n, off;

	if (rs->nix == 0)
		return;
	if (level <= 0) {
		__builtin_prefetch(&rs->index[tag & mask]);
		return;
	}
	for (i = tag & mask;; i = (i + 1) & mask) {
		x = &rs->index[i];
		if (x->slot == NIL)
			return;
		if (x->tag != tag)
			continue;
		s = slot(rs, x->slot);
		if (level == 1) {
			__builtin_prefetch(s);
			continue;
		}
		n = (size_t)s->keylen + s->len;
		if (n > PREFETCH_MAX)
			n = PREFETCH_MAX;
		for (off = 0; off < n; off += 64)
			__builtin_prefetch(s->block + off, 1);
		if (n > 0)
			__builtin_prefetch(s->block + n - 1, 1);
	}
}

void
pf_recstore_view(const struct pf_recstore *rs, const struct pf_recslot *s,
    struct pf_held *r)
{
	(void)rs;
	r->key = s->keyed ? s->block : NULL;
	r->keylen = s->keylen;
	r->data = s->block + s->keylen;
	r->len = s->len;
	r->recno = s->recno;
	r->t = s->t;
	r->class = s->class;
}

int
pf_recstore_pop(struct pf_recstore *rs, struct pf_held *r)
{
	uint32_t	i = slot(rs, HEAD_ARRIVAL)->link[L_ARRIVAL][NEXT];

	if (i == NIL) {
		zombie_release(rs);
		errno = ENOENT;
		return (-1);
	}
	return (take_out(rs, i, r));
}

int
pf_recstore_take(struct pf_recstore *rs, int class, struct pf_held *r)
{
	unsigned int	c;

	if (class < 0 || class >= PF_RECSTORE_CLASSES) {
		zombie_release(rs);
		errno = EINVAL;
		return (-1);
	}
	/* The least important class held, if it is at or above class. */
	if ((rs->mask >> class) == 0) {
		zombie_release(rs);
		errno = ENOENT;
		return (-1);
	}
	c = 31 - (unsigned int)__builtin_clz(rs->mask);
	return (take_out(rs, slot(rs, HEAD_CLASS(c))->link[L_CLASS][NEXT], r));
}

void
pf_recstore_remove(struct pf_recstore *rs, struct pf_recslot *s)
{
	detach(rs, s);
	release(rs, s);
	zombie_release(rs);
}

/* A count of one class, or all of them; 0 for a class out of range. */
static uint64_t
by_class(const uint64_t *per, uint64_t all, int class)
{
	if (class == PF_RECSTORE_ALL)
		return (all);
	if (class < 0 || class >= PF_RECSTORE_CLASSES)
		return (0);
	return (per[class]);
}

uint64_t
pf_recstore_records(const struct pf_recstore *rs, int class)
{
	return (by_class(rs->cnrec, rs->nrec, class));
}

uint64_t
pf_recstore_bytes(const struct pf_recstore *rs, int class)
{
	return (by_class(rs->cnbytes, rs->nbytes, class));
}

uint64_t
pf_recstore_memory(const struct pf_recstore *rs)
{
	return (sizeof(*rs) + rs->chunkcap * sizeof(*rs->chunks) +
	    (uint64_t)rs->nchunks * SLOT_CHUNK * sizeof(struct pf_recslot) +
	    rs->nix * sizeof(*rs->index) +
	    rs->nslabs * SLAB_SIZE + rs->bigbytes);
}
