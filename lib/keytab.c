/* SPDX-License-Identifier: ISC */
/*
 * keytab.c: the bounded key table behind throttle -k and coalesce.
 *
 * Both tools keep state per key for keys they read from records, so the
 * table has to be fast per record, bounded whatever the input, and immune
 * to keys chosen to collide.  It is two structures:
 *
 *   - Entries, numbered from 0, in chunks: chunk 0 holds entries 0 to 15
 *     and chunk c > 0 the 16 << (c - 1) entries from 16 << (c - 1), so
 *     that an entry never moves once made (its value area is handed out)
 *     and a small bound costs little.  An entry is a 64-byte header (the
 *     order links, the key's length, the key itself up to
 *     PF_KEYTAB_INLINE bytes or a pointer to a longer copy) followed by
 *     the value area.  The order of use is a doubly linked list through
 *     the headers, by number; removed entries go on a free list through
 *     the same links and are reused first.
 *
 *   - An index of 8-byte slots, open addressing with linear probing: the
 *     entry's number plus one (0: empty) and the top 32 bits of its
 *     key's hash.  Those bits decide the home slot as well (the index has
 *     at most 2^31 slots), so the index can be rebuilt and an entry's
 *     slot moved without touching the entry; a lookup reads an entry
 *     only when its 32 bits match.  Removal shifts the following slots
 *     back, so there are no tombstones and probes stay short whatever
 *     the history.  The index is at most half full and doubles when it
 *     would pass that, up to its size for the bound.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "keytab.h"

#define NIL		UINT32_MAX	/* no entry */
#define CHUNK0_BITS	4		/* chunk 0 holds 16 entries */
#define NCHUNKS		28		/* enough for PF_KEYTAB_MAXKEYS */
#define SLOTS_MIN	64
#define ALIGN		16		/* of value areas */

struct entry {
	uint32_t	 prev;		/* order of use, or NIL */
	uint32_t	 next;		/* order of use, free list, or NIL */
	uint32_t	 len;		/* key length */
	uint32_t	 pad;		/* unused */
	char		*heap;		/* a key longer than inline, or NULL */
	char		 inl[PF_KEYTAB_INLINE];
};

struct slot {
	uint32_t	 ent;		/* entry number + 1, 0 if empty */
	uint32_t	 tag;		/* hash >> 32 */
};

struct pf_keytab {
	uint64_t	 seed;
	size_t		 max_keys;
	size_t		 max_bytes;
	size_t		 value_size;
	size_t		 stride;	/* header and value, rounded */
	int		 flags;

	char		*chunk[NCHUNKS];
	uint32_t	 used;		/* entries ever made */
	uint32_t	 freelist;
	uint32_t	 head;		/* least recently used */
	uint32_t	 tail;		/* most recently used */
	size_t		 count;
	size_t		 bytes;

	struct slot	*slots;
	size_t		 nslots;	/* a power of two */
	size_t		 maxslots;
};

static unsigned int	 keytab_chunk(uint32_t, size_t *);
static struct entry	*keytab_ent(const struct pf_keytab *, uint32_t);
static void		*keytab_value(struct entry *);
static const char	*keytab_key(const struct entry *);
static uint32_t		 keytab_tag(const struct pf_keytab *, const char *,
			    size_t);
static size_t		 keytab_lookup(const struct pf_keytab *, const char *,
			    size_t, uint32_t, int *);
static int		 keytab_grow(struct pf_keytab *);
static int		 keytab_alloc(struct pf_keytab *, uint32_t *);
static void		 keytab_unlink(struct pf_keytab *, struct entry *);
static void		*keytab_use(struct pf_keytab *, size_t);
static void		 keytab_append(struct pf_keytab *, uint32_t,
			    struct entry *);
static void		 keytab_drop(struct pf_keytab *, size_t);

_Static_assert(sizeof(struct entry) % ALIGN == 0,
    "value areas follow entry headers aligned");

/*
 * The chunk of entry i, from the position of its top bit as above, and
 * in *off its place there.
 */
static unsigned int
keytab_chunk(uint32_t i, size_t *off)
{
	unsigned int	 c;

	if (i < (1U << CHUNK0_BITS)) {
		*off = i;
		return (0);
	}
	c = 31 - (unsigned int)__builtin_clz(i) - CHUNK0_BITS + 1;
	*off = i - (1U << (c + CHUNK0_BITS - 1));
	return (c);
}

static struct entry *
keytab_ent(const struct pf_keytab *t, uint32_t i)
{
	unsigned int	 c;
	size_t		 off;

	c = keytab_chunk(i, &off);
	return ((struct entry *)(void *)(t->chunk[c] + off * t->stride));
}

static void *
keytab_value(struct entry *e)
{
	return ((char *)e + sizeof(*e));
}

static const char *
keytab_key(const struct entry *e)
{
	return (e->len > PF_KEYTAB_INLINE ? e->heap : e->inl);
}

static uint32_t
keytab_tag(const struct pf_keytab *t, const char *key, size_t len)
{
	return ((uint32_t)(XXH3_64bits_withSeed(len == 0 ? "" : key, len,
	    t->seed) >> 32));
}

/*
 * The slot holding key, with *found set, or the empty slot where it would
 * go, with *found clear.  The index is never full, so the probe ends.
 */
static size_t
keytab_lookup(const struct pf_keytab *t, const char *key, size_t len,
    uint32_t tag, int *found)
{
	const struct slot	*s;
	const struct entry	*e;
	size_t			 mask = t->nslots - 1, i;

	for (i = tag & mask;; i = (i + 1) & mask) {
		s = &t->slots[i];
		if (s->ent == 0) {
			*found = 0;
			return (i);
		}
		if (s->tag != tag)
			continue;
		e = keytab_ent(t, s->ent - 1);
		if (e->len == len &&
		    (len == 0 || memcmp(keytab_key(e), key, len) == 0)) {
			*found = 1;
			return (i);
		}
	}
}

/* Double the index, placing every slot anew from its tag. */
static int
keytab_grow(struct pf_keytab *t)
{
	struct slot	*ns;
	size_t		 n = t->nslots * 2, mask = n - 1, i, j;

	if ((ns = calloc(n, sizeof(*ns))) == NULL)
		return (-1);
	for (i = 0; i < t->nslots; i++) {
		if (t->slots[i].ent == 0)
			continue;
		for (j = t->slots[i].tag & mask; ns[j].ent != 0;
		    j = (j + 1) & mask)
			;
		ns[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->nslots = n;
	return (0);
}

/* A free entry's number: a reused one, or the next, in a new chunk. */
static int
keytab_alloc(struct pf_keytab *t, uint32_t *ip)
{
	unsigned int	 c;
	size_t		 off, n;
	uint32_t	 i;

	if (t->freelist != NIL) {
		i = t->freelist;
		t->freelist = keytab_ent(t, i)->next;
		*ip = i;
		return (0);
	}
	i = t->used;
	c = keytab_chunk(i, &off);
	if (off == 0) {
		/* Chunk c > 0 holds as many entries as come before it. */
		n = c == 0 ? (1U << CHUNK0_BITS) : i;
		if (n > t->max_keys - i)
			n = t->max_keys - i;
		if ((t->chunk[c] = malloc(n * t->stride)) == NULL)
			return (-1);
	}
	t->used++;
	*ip = i;
	return (0);
}

static void
keytab_unlink(struct pf_keytab *t, struct entry *e)
{
	if (e->prev == NIL)
		t->head = e->next;
	else
		keytab_ent(t, e->prev)->next = e->next;
	if (e->next == NIL)
		t->tail = e->prev;
	else
		keytab_ent(t, e->next)->prev = e->prev;
}

/* Entry i becomes the most recently used. */
static void
keytab_append(struct pf_keytab *t, uint32_t i, struct entry *e)
{
	e->prev = t->tail;
	e->next = NIL;
	if (t->tail == NIL)
		t->head = i;
	else
		keytab_ent(t, t->tail)->next = i;
	t->tail = i;
}

/* The entry in slot i was found or made: it is used now. */
static void *
keytab_use(struct pf_keytab *t, size_t i)
{
	struct entry	*e;
	uint32_t	 n = t->slots[i].ent - 1;

	e = keytab_ent(t, n);
	if (!(t->flags & PF_KEYTAB_ARRIVAL) && n != t->tail) {
		keytab_unlink(t, e);
		keytab_append(t, n, e);
	}
	return (keytab_value(e));
}

/*
 * Remove the entry in slot i.  The slots after it, up to an empty one,
 * move back into the hole when their home is not between the hole and
 * where they are: a later probe for them would stop at the hole.
 */
static void
keytab_drop(struct pf_keytab *t, size_t i)
{
	struct entry	*e;
	size_t		 mask = t->nslots - 1, j, home;
	uint32_t	 n = t->slots[i].ent - 1;

	e = keytab_ent(t, n);
	for (j = (i + 1) & mask; t->slots[j].ent != 0; j = (j + 1) & mask) {
		home = t->slots[j].tag & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].ent = 0;

	keytab_unlink(t, e);
	t->count--;
	t->bytes -= e->len;
	free(e->heap);
	e->heap = NULL;
	e->next = t->freelist;
	t->freelist = n;
}

struct pf_keytab *
pf_keytab_new(size_t max_keys, size_t max_bytes, size_t value_size,
    int flags)
{
	struct pf_keytab	*t;

	if (max_keys == 0 || max_keys > PF_KEYTAB_MAXKEYS ||
	    value_size > PF_KEYTAB_MAXVALUE ||
	    (flags & ~PF_KEYTAB_ARRIVAL) != 0) {
		errno = EINVAL;
		return (NULL);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	arc4random_buf(&t->seed, sizeof(t->seed));
	t->max_keys = max_keys;
	t->max_bytes = max_bytes;
	t->value_size = value_size;
	t->stride = sizeof(struct entry) +
	    (value_size + ALIGN - 1) / ALIGN * ALIGN;
	t->flags = flags;
	t->freelist = t->head = t->tail = NIL;
	for (t->maxslots = SLOTS_MIN; t->maxslots < 2 * max_keys;)
		t->maxslots *= 2;
	t->nslots = SLOTS_MIN;
	if ((t->slots = calloc(t->nslots, sizeof(*t->slots))) == NULL) {
		free(t);
		return (NULL);
	}
	return (t);
}

void
pf_keytab_free(struct pf_keytab *t)
{
	unsigned int	 c;
	uint32_t	 i;

	if (t == NULL)
		return;
	/* Keys of removed entries were freed and set to NULL. */
	for (i = 0; i < t->used; i++)
		free(keytab_ent(t, i)->heap);
	for (c = 0; c < NCHUNKS; c++)
		free(t->chunk[c]);
	free(t->slots);
	free(t);
}

void *
pf_keytab_find(struct pf_keytab *t, const char *key, size_t len)
{
	size_t		 i;
	int		 found;

	if (len > UINT32_MAX)
		return (NULL);
	i = keytab_lookup(t, key, len, keytab_tag(t, key, len), &found);
	if (!found)
		return (NULL);
	return (keytab_use(t, i));
}

void *
pf_keytab_get(struct pf_keytab *t, const char *key, size_t len, int *isnew)
{
	struct entry	*e;
	void		*v;
	size_t		 i;
	uint32_t	 tag, n;
	int		 found;

	if (len > UINT32_MAX || (t->max_bytes != 0 && len > t->max_bytes)) {
		errno = E2BIG;
		return (NULL);
	}
	tag = keytab_tag(t, key, len);
	i = keytab_lookup(t, key, len, tag, &found);
	if (found) {
		if (isnew != NULL)
			*isnew = 0;
		return (keytab_use(t, i));
	}
	if (t->count >= t->max_keys ||
	    (t->max_bytes != 0 && len > t->max_bytes - t->bytes)) {
		errno = ENOSPC;
		return (NULL);
	}
	if (2 * (t->count + 1) > t->nslots && t->nslots < t->maxslots) {
		if (keytab_grow(t) == -1)
			return (NULL);
		i = keytab_lookup(t, key, len, tag, &found);
	}
	if (keytab_alloc(t, &n) == -1)
		return (NULL);
	e = keytab_ent(t, n);
	e->heap = NULL;
	if (len > PF_KEYTAB_INLINE) {
		if ((e->heap = malloc(len)) == NULL) {
			e->next = t->freelist;
			t->freelist = n;
			return (NULL);
		}
		memcpy(e->heap, key, len);
	} else if (len > 0)
		memcpy(e->inl, key, len);
	e->len = (uint32_t)len;
	v = keytab_value(e);
	memset(v, 0, t->value_size);

	t->slots[i].ent = n + 1;
	t->slots[i].tag = tag;
	keytab_append(t, n, e);
	t->count++;
	t->bytes += len;
	if (isnew != NULL)
		*isnew = 1;
	return (v);
}

int
pf_keytab_remove(struct pf_keytab *t, const char *key, size_t len)
{
	size_t	 i;
	int	 found;

	if (len > UINT32_MAX) {
		errno = ENOENT;
		return (-1);
	}
	i = keytab_lookup(t, key, len, keytab_tag(t, key, len), &found);
	if (!found) {
		errno = ENOENT;
		return (-1);
	}
	keytab_drop(t, i);
	return (0);
}

void *
pf_keytab_lru(const struct pf_keytab *t, const char **key, size_t *len)
{
	struct entry	*e;

	if (t->head == NIL)
		return (NULL);
	e = keytab_ent(t, t->head);
	if (key != NULL)
		*key = keytab_key(e);
	if (len != NULL)
		*len = e->len;
	return (keytab_value(e));
}

int
pf_keytab_evict(struct pf_keytab *t)
{
	struct entry	*e;
	const char	*key;
	size_t		 i;
	int		 found;

	if (t->head == NIL) {
		errno = ENOENT;
		return (-1);
	}
	e = keytab_ent(t, t->head);
	key = keytab_key(e);
	i = keytab_lookup(t, key, e->len, keytab_tag(t, key, e->len),
	    &found);
	keytab_drop(t, i);
	return (0);
}

/* *pos holds the number of the entry to return next, plus one. */
void *
pf_keytab_next(const struct pf_keytab *t, size_t *pos, const char **key,
    size_t *len)
{
	struct entry	*e;
	uint32_t	 n;

	if (*pos == SIZE_MAX)
		return (NULL);
	n = *pos == 0 ? t->head : (uint32_t)(*pos - 1);
	if (n == NIL) {
		*pos = SIZE_MAX;
		return (NULL);
	}
	e = keytab_ent(t, n);
	*pos = e->next == NIL ? SIZE_MAX : (size_t)e->next + 1;
	if (key != NULL)
		*key = keytab_key(e);
	if (len != NULL)
		*len = e->len;
	return (keytab_value(e));
}

size_t
pf_keytab_count(const struct pf_keytab *t)
{
	return (t->count);
}

size_t
pf_keytab_bytes(const struct pf_keytab *t)
{
	return (t->bytes);
}
