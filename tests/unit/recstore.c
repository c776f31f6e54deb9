/* SPDX-License-Identifier: ISC */
/*
 * recstore.c: unit tests for the record store (lib/recstore.c).
 *
 * Targeted checks hold the store to its contract at the edges: both
 * bounds to the byte and the record, with the store unchanged after a
 * refusal; EEXIST before ENOSPC; replace keeping a record's place, key
 * and class; take picking the oldest of the least important class at or
 * above the one asked; empty records, empty and binary keys; walking
 * while removing; memory given back.  Then a seeded random walk of
 * 300000 operations (add, replace, take, pop, remove, find, peek) runs
 * against a plain array in arrival order searched linearly, adding and
 * finding now by key, now by a hash taken ahead (pf_recstore_hash()),
 * and prefetching keys at every level between operations, comparing
 * every result, the counts and bytes after each operation, and the whole
 * store, record by record, every 1000.  Records go from 0 bytes to past
 * the largest slab block, with random binary bytes and keys, so that
 * every size class, the big blocks and the key index's growth are used.
 * Last, the time an add and a pop of a 100-byte record take is printed,
 * as a figure, not a check.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "recstore.h"
#include "tap.h"

#define NOPS		300000		/* random operations */
#define WALK_EVERY	1000		/* compare the whole store */
#define WALK_MAX	1000		/* records a walk keeps */
#define PHASE		5000		/* fill, then drain, in turns */
#define M_RECORDS	300		/* the model run's bounds */
#define M_BYTES		150000
#define NKEYS		600		/* distinct key numbers */
#define KEY_MAX		16
#define REC_MAX		20000
#define BENCH_N		1000000
#ifndef SEED
#define SEED		0x9e3779b97f4a7c15ULL	/* -DSEED=n for other runs */
#endif
#include "rand.h"

/* A record of the model: its own copies, and the store's slot for it. */
struct mrec {
	char			*data;
	size_t			 len;
	char			*key;		/* NULL: none */
	size_t			 keylen;
	uint64_t		 recno;
	uint64_t		 t;
	int			 class;
	struct pf_recslot	*slot;
};

/* The reference model: records in arrival order, found by scanning. */
struct model {
	struct mrec	*r;
	size_t		 n;
	size_t		 cap;
	uint64_t	 max_records;
	uint64_t	 max_bytes;
};

static void	 rec_set(struct pf_held *, const void *, size_t,
		     const void *, size_t, uint64_t, uint64_t, int);
static struct pf_recslot *add(struct pf_recstore *, const char *,
		     const char *, int, uint64_t);
static int	 rec_is(const struct pf_held *, const char *, size_t,
		     const char *, size_t, uint64_t, uint64_t, int);
static size_t	 walk(struct pf_recstore *);
static int	 walk_is(struct pf_recstore *, const uint64_t *, size_t);
static int	 add_fails(struct pf_recstore *, const struct pf_held *,
		     int);
static void	 fill_random(char *, size_t);
static size_t	 key_make(char *, unsigned int);
static size_t	 size_pick(void);

static void	 m_init(struct model *, uint64_t, uint64_t);
static void	 m_free(struct model *);
static uint64_t	 m_bytes(const struct model *, int);
static long	 m_find(const struct model *, const char *, size_t);
static void	 m_push(struct model *, const struct pf_held *,
		     struct pf_recslot *);
static void	 m_del(struct model *, size_t);
static int	 m_same(const struct mrec *, const struct pf_held *);
static int	 m_counts(struct pf_recstore *, const struct model *);
static int	 m_walk(struct pf_recstore *, const struct model *);

static void	 test_new(void);
static void	 test_bounds(void);
static void	 test_exist(void);
static void	 test_replace(void);
static void	 test_take(void);
static void	 test_keys(void);
static void	 test_walk_remove(void);
static void	 test_memory(void);
static void	 test_model(void);
static void	 bench(void);

static struct pf_held	 walked[WALK_MAX];
static struct pf_recslot *walkslot[WALK_MAX];

static void
rec_set(struct pf_held *r, const void *data, size_t len, const void *key,
    size_t keylen, uint64_t recno, uint64_t t, int class)
{
	r->data = data;
	r->len = len;
	r->key = key;
	r->keylen = keylen;
	r->recno = recno;
	r->t = t;
	r->class = class;
}

/* Add a string record with a string key (NULL: none), time recno * 10. */
static struct pf_recslot *
add(struct pf_recstore *rs, const char *data, const char *key, int class,
    uint64_t recno)
{
	struct pf_held	r;

	rec_set(&r, data, strlen(data), key, key ? strlen(key) : 0, recno,
	    recno * 10, class);
	return (pf_recstore_add(rs, &r));
}

static int
rec_is(const struct pf_held *r, const char *data, size_t len,
    const char *key, size_t keylen, uint64_t recno, uint64_t t, int class)
{
	if (r->data == NULL || r->len != len ||
	    (len > 0 && memcmp(r->data, data, len) != 0))
		return (0);
	if ((key == NULL) != (r->key == NULL))
		return (0);
	if (key != NULL && (r->keylen != keylen ||
	    (keylen > 0 && memcmp(r->key, key, keylen) != 0)))
		return (0);
	return (r->recno == recno && r->t == t && r->class == class);
}

/*
 * Walk the whole store into walked[] and walkslot[], WALK_MAX at most.
 * Returns the number of records walked, which may be more.
 */
static size_t
walk(struct pf_recstore *rs)
{
	struct pf_recslot	*s;
	size_t			 i = 0;

	for (s = pf_recstore_next(rs, NULL); s != NULL;
	    s = pf_recstore_next(rs, s), i++) {
		if (i < WALK_MAX) {
			walkslot[i] = s;
			pf_recstore_view(rs, s, &walked[i]);
		}
	}
	return (i);
}

/* Whether the store holds exactly the record numbers want, in order. */
static int
walk_is(struct pf_recstore *rs, const uint64_t *want, size_t n)
{
	size_t	i;

	if (walk(rs) != n || pf_recstore_records(rs, PF_RECSTORE_ALL) != n)
		return (0);
	for (i = 0; i < n; i++)
		if (walked[i].recno != want[i])
			return (0);
	return (1);
}

/* Whether adding r is refused with errno e. */
static int
add_fails(struct pf_recstore *rs, const struct pf_held *r, int e)
{
	errno = 0;
	return (pf_recstore_add(rs, r) == NULL && errno == e);
}

static void
fill_random(char *p, size_t len)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = rnd();
		p[i] = (char)(v & 0xff);
		v >>= 8;
	}
}

/*
 * Key number k as bytes: 0 to 12 of them, NULs and high bytes among them.
 * Numbers 0, 13, 26... all make the empty key.
 */
static size_t
key_make(char *p, unsigned int k)
{
	size_t	len = k % 13, i;

	for (i = 0; i < len; i++)
		p[i] = (char)((k * 37 + i * 101) % 7 == 0 ? 0 :
		    (k * 2654435761U >> (i % 24)) & 0xff);
	return (len);
}

/* Mostly short records, some empty, some past the largest slab block. */
static size_t
size_pick(void)
{
	unsigned int	p = (unsigned int)rnd_in(0, 99);

	if (p < 10)
		return (0);
	if (p < 70)
		return (rnd_in(1, 200));
	if (p < 90)
		return (rnd_in(201, 2000));
	if (p < 98)
		return (rnd_in(2001, 9000));
	return (rnd_in(9001, REC_MAX));
}

static void
m_init(struct model *m, uint64_t max_records, uint64_t max_bytes)
{
	memset(m, 0, sizeof(*m));
	m->max_records = max_records;
	m->max_bytes = max_bytes;
}

static void
m_free(struct model *m)
{
	while (m->n > 0)
		m_del(m, m->n - 1);
	free(m->r);
}

static uint64_t
m_bytes(const struct model *m, int class)
{
	uint64_t	b = 0;
	size_t		i;

	for (i = 0; i < m->n; i++)
		if (class == PF_RECSTORE_ALL || m->r[i].class == class)
			b += m->r[i].len + m->r[i].keylen;
	return (b);
}

static long
m_find(const struct model *m, const char *key, size_t keylen)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].key != NULL && m->r[i].keylen == keylen &&
		    (keylen == 0 || memcmp(m->r[i].key, key, keylen) == 0))
			return ((long)i);
	return (-1);
}

static void
m_push(struct model *m, const struct pf_held *r, struct pf_recslot *s)
{
	struct mrec	*e;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		if ((m->r = reallocarray(m->r, m->cap, sizeof(*m->r))) == NULL)
			abort();
	}
	e = &m->r[m->n++];
	if ((e->data = malloc(r->len + 1)) == NULL)
		abort();
	memcpy(e->data, r->data, r->len);
	e->len = r->len;
	e->key = NULL;
	e->keylen = 0;
	if (r->key != NULL) {
		if ((e->key = malloc(r->keylen + 1)) == NULL)
			abort();
		memcpy(e->key, r->key, r->keylen);
		e->keylen = r->keylen;
	}
	e->recno = r->recno;
	e->t = r->t;
	e->class = r->class;
	e->slot = s;
}

static void
m_del(struct model *m, size_t i)
{
	free(m->r[i].data);
	free(m->r[i].key);
	memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(*m->r));
	m->n--;
}

static int
m_same(const struct mrec *e, const struct pf_held *r)
{
	return (rec_is(r, e->data, e->len, e->key, e->keylen, e->recno, e->t,
	    e->class));
}

/* Counts and bytes, in all and by class, as the model has them. */
static int
m_counts(struct pf_recstore *rs, const struct model *m)
{
	uint64_t	nr[PF_RECSTORE_CLASSES + 1];
	uint64_t	nb[PF_RECSTORE_CLASSES + 1];
	size_t		i;
	int		c;

	memset(nr, 0, sizeof(nr));
	memset(nb, 0, sizeof(nb));
	for (i = 0; i < m->n; i++) {
		c = m->r[i].class + 1;
		nr[c]++;
		nb[c] += m->r[i].len + m->r[i].keylen;
		nr[0]++;
		nb[0] += m->r[i].len + m->r[i].keylen;
	}
	for (c = PF_RECSTORE_ALL; c < PF_RECSTORE_CLASSES; c++) {
		if (pf_recstore_records(rs, c) != nr[c + 1] ||
		    pf_recstore_bytes(rs, c) != nb[c + 1]) {
			diag("class %d: %llu records %llu bytes, "
			    "want %llu %llu", c,
			    (unsigned long long)pf_recstore_records(rs, c),
			    (unsigned long long)pf_recstore_bytes(rs, c),
			    (unsigned long long)nr[c + 1],
			    (unsigned long long)nb[c + 1]);
			return (0);
		}
	}
	return (1);
}

/* The whole store, in order, record by record and slot by slot. */
static int
m_walk(struct pf_recstore *rs, const struct model *m)
{
	size_t	i, n;

	if ((n = walk(rs)) != m->n) {
		diag("walk: %zu records, want %zu", n, m->n);
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (m->r[i].slot != walkslot[i] || !m_same(&m->r[i],
		    &walked[i])) {
			diag("walk: record %zu of %zu differs", i, n);
			return (0);
		}
	}
	return (pf_recstore_peek(rs) == (n ? m->r[0].slot : NULL));
}

static void
test_new(void)
{
	struct pf_recstore	*rs;
	struct pf_held	 r;

	errno = 0;
	ok(pf_recstore_new(0, 100) == NULL && errno == EINVAL,
	    "new: a bound of 0 records is refused");
	errno = 0;
	ok(pf_recstore_new(PF_RECSTORE_MAX_RECORDS + 1, 100) == NULL &&
	    errno == EINVAL, "new: too many records is refused");
	rs = pf_recstore_new(1, 0);
	ok(rs != NULL, "new: 1 record, 0 bytes");
	ok(pf_recstore_peek(rs) == NULL && pf_recstore_next(rs, NULL) == NULL,
	    "empty: nothing to peek or walk");
	errno = 0;
	ok(pf_recstore_pop(rs, &r) == -1 && errno == ENOENT,
	    "empty: pop gives ENOENT");
	errno = 0;
	ok(pf_recstore_take(rs, 0, &r) == -1 && errno == ENOENT,
	    "empty: take gives ENOENT");
	errno = 0;
	ok(pf_recstore_take(rs, 10, &r) == -1 && errno == EINVAL,
	    "take: class 10 is EINVAL");
	errno = 0;
	ok(pf_recstore_take(rs, -1, &r) == -1 && errno == EINVAL,
	    "take: class -1 is EINVAL");
	ok(pf_recstore_find(rs, "", 0) == NULL, "empty: no key found");
	ok(pf_recstore_records(rs, PF_RECSTORE_ALL) == 0 &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 0 &&
	    pf_recstore_records(rs, 10) == 0 && pf_recstore_bytes(rs, -2) == 0,
	    "empty: counts are 0, and 0 for a class out of range");
	errno = 0;
	ok(add(rs, "", NULL, 10, 1) == NULL && errno == EINVAL,
	    "add: class 10 is EINVAL");
	errno = 0;
	ok(add(rs, "", NULL, -1, 1) == NULL && errno == EINVAL,
	    "add: class -1 is EINVAL");
	ok(add(rs, "", NULL, 0, 1) != NULL,
	    "a 0-byte record fits a 0-byte bound");
	ok(pf_recstore_pop(rs, &r) == 0 && rec_is(&r, "", 0, NULL, 0, 1, 10, 0),
	    "and pops as it went in");
	pf_recstore_free(rs);
	pf_recstore_free(NULL);
}

static void
test_bounds(void)
{
	struct pf_recstore	*rs;
	struct pf_held	 r;
	char			 d[100];
	uint64_t		 w1[] = { 1, 2 }, w2[] = { 1, 2, 3 };
	uint64_t		 w3[] = { 2, 3, 4 };

	memset(d, 'x', sizeof(d));
	rs = pf_recstore_new(3, 100);
	rec_set(&r, d, 60, "key-of-10b", 10, 1, 10, 4);
	ok(pf_recstore_add(rs, &r) != NULL, "bounds: 60 bytes + 10 key bytes");
	rec_set(&r, d, 31, NULL, 0, 2, 20, 4);
	ok(add_fails(rs, &r, ENOSPC),
	    "bounds: one byte past the bound is ENOSPC");
	ok(walk_is(rs, w1, 1) && pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 70,
	    "bounds: and the store is unchanged");
	r.len = 30;
	ok(pf_recstore_add(rs, &r) != NULL &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 100,
	    "bounds: exactly the byte bound fits");
	rec_set(&r, d, 1, NULL, 0, 3, 30, 0);
	ok(add_fails(rs, &r, ENOSPC),
	    "bounds: a byte more at the byte bound is ENOSPC");
	rec_set(&r, d, 0, "", 0, 3, 30, 0);
	ok(pf_recstore_add(rs, &r) != NULL,
	    "bounds: an empty record with an empty key still fits");
	ok(walk_is(rs, w2, 3) && pf_recstore_records(rs, 0) == 1 &&
	    pf_recstore_records(rs, 4) == 2 && pf_recstore_bytes(rs, 4) == 100,
	    "bounds: 3 records, 100 bytes, by class");
	rec_set(&r, d, 0, NULL, 0, 4, 40, 0);
	ok(add_fails(rs, &r, ENOSPC),
	    "bounds: a record more at the count bound is ENOSPC");
	ok(walk_is(rs, w2, 3) && pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 100,
	    "bounds: and the store is unchanged");
	ok(pf_recstore_pop(rs, &r) == 0 &&
	    rec_is(&r, d, 60, "key-of-10b", 10, 1, 10, 4),
	    "bounds: pop gives the oldest");
	rec_set(&r, d, 69, "k5", 2, 4, 40, 9);
	ok(add_fails(rs, &r, ENOSPC),
	    "bounds: the key counts: 69 + 2 past 70 free is ENOSPC");
	r.len = 68;
	ok(pf_recstore_add(rs, &r) != NULL && walk_is(rs, w3, 3) &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 100 &&
	    pf_recstore_bytes(rs, 9) == 70,
	    "bounds: 68 + 2 fills it to the byte");
	rec_set(&r, d, 0, NULL, 0, 5, 50, 9);
	ok(add_fails(rs, &r, ENOSPC) &&
	    walk_is(rs, w3, 3), "bounds: full both ways, ENOSPC, unchanged");
	pf_recstore_free(rs);
}

static void
test_exist(void)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*a;
	uint64_t		 w[] = { 1 };

	rs = pf_recstore_new(1, 11);
	a = add(rs, "0123456789", "k", 3, 1);
	ok(a != NULL, "exist: a full store");
	errno = 0;
	ok(add(rs, "x", "k", 3, 2) == NULL && errno == EEXIST,
	    "exist: a held key is EEXIST even when full");
	errno = 0;
	ok(add(rs, "x", "j", 3, 2) == NULL && errno == ENOSPC,
	    "exist: a new key is ENOSPC");
	ok(walk_is(rs, w, 1) && pf_recstore_find(rs, "k", 1) == a,
	    "exist: the store is unchanged");
	pf_recstore_free(rs);
}

static void
test_replace(void)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*a, *b, *c, *d;
	struct pf_held	 r;
	static char		 big[20000], bytes[1000];
	uint64_t		 w[] = { 1, 99, 3, 4 };
	uint64_t		 held;

	fill_random(big, sizeof(big));
	fill_random(bytes, sizeof(bytes));
	rs = pf_recstore_new(10, 30000);
	a = add(rs, "aaaaaaaaaa", "a", 1, 1);
	b = add(rs, "bbbbbbbbbbbbbbbbbbbb", "b", 2, 2);
	c = add(rs, "ccccc", NULL, 3, 3);
	d = add(rs, "ddd", "d", 4, 4);
	ok(a && b && c && d, "replace: four records");
	ok(pf_recstore_replace(rs, b, bytes, 300, 99, 777) == 0,
	    "replace: b by 300 bytes");
	ok(walk_is(rs, w, 4), "replace: b keeps its place");
	pf_recstore_view(rs, b, &r);
	ok(rec_is(&r, bytes, 300, "b", 1, 99, 777, 2),
	    "replace: new bytes, record number and time; key and class kept");
	ok(pf_recstore_find(rs, "b", 1) == b, "replace: the key finds it");
	ok(pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 11 + 301 + 5 + 4 &&
	    pf_recstore_bytes(rs, 2) == 301, "replace: bytes follow");
	ok(pf_recstore_replace(rs, b, bytes + 1, 299, 99, 777) == 0 &&
	    (pf_recstore_view(rs, b, &r), rec_is(&r, bytes + 1, 299, "b", 1,
	    99, 777, 2)), "replace: by a shorter copy in the same block");
	ok(pf_recstore_replace(rs, b, r.data + 10, 200, 99, 778) == 0 &&
	    (pf_recstore_view(rs, b, &r), rec_is(&r, bytes + 11, 200, "b", 1,
	    99, 778, 2)), "replace: by its own bytes, moved");
	ok(pf_recstore_replace(rs, b, r.data + 5, 150, 99, 779) == 0 &&
	    (pf_recstore_view(rs, b, &r), rec_is(&r, bytes + 16, 150, "b", 1,
	    99, 779, 2)), "replace: by its own bytes, into a smaller block");
	ok(pf_recstore_replace(rs, b, r.data + 1, 149, 99, 780) == 0 &&
	    (pf_recstore_view(rs, b, &r), rec_is(&r, bytes + 17, 149, "b", 1,
	    99, 780, 2)), "replace: by its own bytes, overlapping in place");
	ok(pf_recstore_replace(rs, c, "", 0, 3, 30) == 0 &&
	    (pf_recstore_view(rs, c, &r), rec_is(&r, "", 0, NULL, 0, 3, 30,
	    3)), "replace: by nothing");
	ok(pf_recstore_replace(rs, c, big, 20000, 3, 31) == 0 &&
	    (pf_recstore_view(rs, c, &r), rec_is(&r, big, 20000, NULL, 0, 3,
	    31, 3)), "replace: by a big record");
	ok(pf_recstore_replace(rs, c, r.data + 1, 19999, 3, 32) == 0 &&
	    (pf_recstore_view(rs, c, &r), rec_is(&r, big + 1, 19999, NULL, 0,
	    3, 32, 3)), "replace: a big record by its own bytes");
	held = pf_recstore_bytes(rs, PF_RECSTORE_ALL);
	ok(pf_recstore_replace(rs, a, big, 30000 - held + 10, 1, 11) == 0 &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 30000,
	    "replace: up to exactly the bound");
	errno = 0;
	ok(pf_recstore_replace(rs, a, big, 30000 - held + 11, 5, 55) == -1 &&
	    errno == ENOSPC, "replace: a byte more is ENOSPC");
	pf_recstore_view(rs, a, &r);
	ok(rec_is(&r, big, 30000 - held + 10, "a", 1, 1, 11, 1) &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 30000,
	    "replace: and the record is unchanged");
	ok(pf_recstore_replace(rs, a, "A", 1, 1, 12) == 0 &&
	    pf_recstore_bytes(rs, 1) == 2, "replace: shrinking always fits");
	w[1] = 99;
	ok(walk_is(rs, w, 4), "replace: the order never changed");
	pf_recstore_free(rs);
}

static void
test_take(void)
{
	static const int	 cls[] = { 3, 7, 7, 1, 9, 0, 9 };
	static const struct {
		int		 at;
		int		 got;	/* record number, 0: ENOENT */
	} steps[] = {
		{ 8, 5 }, { 8, 7 }, { 8, 0 }, { 5, 2 }, { 0, 3 }, { 2, 1 },
		{ 2, 0 }, { 0, 4 }, { 0, 6 }, { 0, 0 }
	};
	struct pf_recstore	*rs;
	struct pf_held	 r;
	uint64_t		 w[] = { 4, 6 };
	size_t			 i;
	int			 good = 1;
	char			 name[8];

	rs = pf_recstore_new(10, 1000);
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "r%zu", i + 1);
		if (add(rs, name, NULL, cls[i], i + 1) == NULL)
			good = 0;
	}
	ok(good && pf_recstore_records(rs, 9) == 2 &&
	    pf_recstore_records(rs, 7) == 2 && pf_recstore_bytes(rs, 7) == 4,
	    "take: seven records in five classes");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		errno = 0;
		if (steps[i].got == 0) {
			ok(pf_recstore_take(rs, steps[i].at, &r) == -1 &&
			    errno == ENOENT, "take at %d: none", steps[i].at);
			continue;
		}
		snprintf(name, sizeof(name), "r%d", steps[i].got);
		ok(pf_recstore_take(rs, steps[i].at, &r) == 0 &&
		    rec_is(&r, name, strlen(name), NULL, 0,
		    (uint64_t)steps[i].got, (uint64_t)steps[i].got * 10,
		    cls[steps[i].got - 1]),
		    "take at %d: record %d, class %d", steps[i].at,
		    steps[i].got, cls[steps[i].got - 1]);
		if (i == 5)
			ok(walk_is(rs, w, 2) && pf_recstore_records(rs, 9) == 0,
			    "take: the rest in order");
	}
	ok(pf_recstore_records(rs, PF_RECSTORE_ALL) == 0 &&
	    pf_recstore_bytes(rs, PF_RECSTORE_ALL) == 0, "take: all gone");
	pf_recstore_free(rs);
}

static void
test_keys(void)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*e, *n, *s;
	struct pf_held	 r;
	char			 k[32];
	uint64_t		 h;
	unsigned int		 i;
	int			 good, lvl;

	rs = pf_recstore_new(20000, 1 << 20);
	rec_set(&r, "empty key", 9, "", 0, 1, 10, 0);
	e = pf_recstore_add(rs, &r);
	rec_set(&r, "no key", 6, NULL, 0, 2, 20, 0);
	n = pf_recstore_add(rs, &r);
	ok(e != NULL && n != NULL && pf_recstore_find(rs, "", 0) == e,
	    "keys: the empty key is a key, no key is none");
	pf_recstore_view(rs, n, &r);
	ok(r.key == NULL && r.keylen == 0, "keys: a record without a key");
	pf_recstore_view(rs, e, &r);
	ok(r.key != NULL && r.keylen == 0, "keys: a record with an empty one");
	rec_set(&r, "x", 1, "", 0, 3, 30, 0);
	ok(add_fails(rs, &r, EEXIST),
	    "keys: the empty key twice is EEXIST");
	rec_set(&r, "1", 1, "a\0b", 3, 4, 40, 5);
	s = pf_recstore_add(rs, &r);
	rec_set(&r, "2", 1, "a\0c", 3, 5, 50, 5);
	ok(s != NULL && pf_recstore_add(rs, &r) != NULL &&
	    pf_recstore_find(rs, "a\0b", 3) == s &&
	    pf_recstore_find(rs, "a", 1) == NULL &&
	    pf_recstore_find(rs, "a\0b\0", 4) == NULL,
	    "keys: binary keys differ past a NUL");
	pf_recstore_remove(rs, s);
	ok(pf_recstore_find(rs, "a\0b", 3) == NULL,
	    "keys: a removed record's key is gone");
	rec_set(&r, "3", 1, "a\0b", 3, 6, 60, 5);
	ok(pf_recstore_add(rs, &r) != NULL &&
	    pf_recstore_find(rs, "a\0b", 3) != NULL,
	    "keys: and can be held again");

	/* Enough keys to double the index several times. */
	good = 1;
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		rec_set(&r, k, strlen(k), k, strlen(k), 100 + i, i, i % 10);
		if (pf_recstore_add(rs, &r) == NULL)
			good = 0;
	}
	ok(good, "keys: 10000 keys held");
	for (i = 0; i < 10000; i += 2) {
		snprintf(k, sizeof(k), "key-%u", i);
		if ((s = pf_recstore_find(rs, k, strlen(k))) == NULL)
			good = 0;
		else
			pf_recstore_remove(rs, s);
	}
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		s = pf_recstore_find(rs, k, strlen(k));
		if (i % 2 == 0 ? s != NULL : s == NULL)
			good = 0;
		if (s != NULL) {
			pf_recstore_view(rs, s, &r);
			if (!rec_is(&r, k, strlen(k), k, strlen(k), 100 + i, i,
			    (int)(i % 10)))
				good = 0;
		}
	}
	ok(good, "keys: each found as held, none after removal");

	/* Hashed ahead: the same hash each time, the same answers. */
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		h = pf_recstore_hash(rs, k, strlen(k));
		if (h != pf_recstore_hash(rs, k, strlen(k)))
			good = 0;
		for (lvl = 0; lvl < 3; lvl++)
			pf_recstore_prefetch(rs, h, lvl);
		if (pf_recstore_find_hash(rs, k, strlen(k), h) !=
		    pf_recstore_find(rs, k, strlen(k)))
			good = 0;
	}
	ok(good, "keys: found by a hash taken ahead as by the key");
	rec_set(&r, "x", 1, "key-0", 5, 1, 1, 0);
	h = pf_recstore_hash(rs, "key-0", 5);
	ok((s = pf_recstore_add_hash(rs, &r, h)) != NULL &&
	    pf_recstore_find(rs, "key-0", 5) == s &&
	    pf_recstore_add_hash(rs, &r, h) == NULL && errno == EEXIST,
	    "keys: added by its hash, found by its key, then EEXIST");
	pf_recstore_free(rs);
}

static void
test_walk_remove(void)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*s, *next;
	struct pf_held	 r;
	uint64_t		 w[50];
	size_t			 i;
	char			 d[8];

	rs = pf_recstore_new(100, 10000);
	for (i = 0; i < 100; i++) {
		snprintf(d, sizeof(d), "%zu", i);
		add(rs, d, i % 3 ? d : NULL, (int)(i % 10), i);
	}
	for (s = pf_recstore_peek(rs), i = 0; s != NULL; s = next, i++) {
		next = pf_recstore_next(rs, s);
		if (i % 2 == 0)
			pf_recstore_remove(rs, s);
	}
	for (i = 0; i < 50; i++)
		w[i] = 2 * i + 1;
	ok(walk_is(rs, w, 50), "walk: every other record removed on the way");
	ok(pf_recstore_records(rs, 1) == 10 && pf_recstore_records(rs, 0) == 0,
	    "walk: by class too");
	/* The popped record's bytes stay valid past lookups, and re-add. */
	ok(pf_recstore_pop(rs, &r) == 0 && r.recno == 1 &&
	    pf_recstore_find(rs, "1", 1) == NULL &&
	    pf_recstore_peek(rs) != NULL &&
	    rec_is(&r, "1", 1, "1", 1, 1, 10, 1),
	    "walk: what pop gave survives looking");
	r.recno = 1000;
	ok(pf_recstore_add(rs, &r) != NULL &&
	    (pf_recstore_view(rs, pf_recstore_find(rs, "1", 1), &r),
	    rec_is(&r, "1", 1, "1", 1, 1000, 10, 1)),
	    "walk: and can be added again as it is");
	pf_recstore_free(rs);
}

static void
test_memory(void)
{
	struct pf_recstore	*rs;
	struct pf_held	 r;
	static char		 d[REC_MAX];
	uint64_t		 m0, full, held;
	size_t			 i;

	rs = pf_recstore_new(1000, 1 << 30);
	m0 = pf_recstore_memory(rs);
	for (i = 0; i < 1000; i++) {
		rec_set(&r, d, i * 17 % REC_MAX, NULL, 0, i, i, 0);
		pf_recstore_add(rs, &r);
	}
	full = pf_recstore_memory(rs);
	held = pf_recstore_bytes(rs, PF_RECSTORE_ALL);
	ok(full > m0 + held,
	    "memory: the bytes and more while held");
	while (pf_recstore_pop(rs, &r) == 0)
		;
	diag("memory: %llu bytes empty, %llu full (%llu held), %llu after",
	    (unsigned long long)m0, (unsigned long long)full,
	    (unsigned long long)held,
	    (unsigned long long)pf_recstore_memory(rs));
	ok(pf_recstore_memory(rs) <= m0 + 2 * 65536,
	    "memory: given back when emptied, but two spare slabs");
	pf_recstore_free(rs);
}

static void
test_model(void)
{
	struct pf_recstore	*rs;
	struct pf_recslot	*s;
	struct pf_held	 r, v;
	struct model		 m;
	static char		 d[REC_MAX], kb[KEY_MAX];
	const char		*what = NULL, *key;
	uint64_t		 recno = 0, nb;
	unsigned long		 n[8];
	long			 i, want;
	int			 op, p, fill, class, rc, err, hi;
	size_t			 len, keylen, k;

	memset(n, 0, sizeof(n));
	rs = pf_recstore_new(M_RECORDS, M_BYTES);
	m_init(&m, M_RECORDS, M_BYTES);
	for (op = 0; op < NOPS && what == NULL; op++) {
		fill = (op / PHASE) % 2 == 0;
		p = (int)rnd_in(0, 99);
		errno = 0;
		if (p < (fill ? 50 : 20)) {
			/* add */
			len = size_pick();
			fill_random(d, len);
			keylen = 0;
			key = NULL;
			if (rnd() % 2) {
				keylen = key_make(kb, (unsigned int)rnd_in(0,
				    NKEYS - 1));
				key = kb;
			}
			class = (int)rnd_in(0, PF_RECSTORE_CLASSES - 1);
			rec_set(&r, d, len, key, keylen, ++recno, rnd(),
			    class);
			if (key != NULL && rnd() % 2)
				s = pf_recstore_add_hash(rs, &r,
				    pf_recstore_hash(rs, key, keylen));
			else
				s = pf_recstore_add(rs, &r);
			err = errno;
			if (r.key != NULL && m_find(&m, r.key, r.keylen) >= 0)
				want = EEXIST;
			else if (m.n >= M_RECORDS ||
			    m_bytes(&m, PF_RECSTORE_ALL) + len + r.keylen >
			    M_BYTES)
				want = ENOSPC;
			else
				want = 0;
			if (want == 0 && s != NULL)
				m_push(&m, &r, s);
			else if (s != NULL || err != want)
				what = "add";
			n[want == 0 ? 0 : want == EEXIST ? 6 : 7]++;
		} else if (p < (fill ? 65 : 35)) {
			/* replace, sometimes by the record's own bytes */
			if (m.n == 0)
				goto check;
			i = (long)rnd_in(0, m.n - 1);
			recno++;
			pf_recstore_view(rs, m.r[i].slot, &v);
			if (v.len > 0 && rnd() % 4 == 0) {
				k = rnd_in(0, v.len - 1);
				len = rnd_in(0, v.len - k);
				memcpy(d, v.data + k, len);
				rc = pf_recstore_replace(rs, m.r[i].slot,
				    v.data + k, len, recno, recno);
			} else {
				len = size_pick();
				fill_random(d, len);
				rc = pf_recstore_replace(rs, m.r[i].slot, d,
				    len, recno, recno);
			}
			err = errno;
			nb = m_bytes(&m, PF_RECSTORE_ALL);
			if (nb - m.r[i].len + len > M_BYTES) {
				if (rc != -1 || err != ENOSPC)
					what = "replace at the bound";
				goto check;
			}
			if (rc != 0) {
				what = "replace";
				goto check;
			}
			free(m.r[i].data);
			if ((m.r[i].data = malloc(len + 1)) == NULL)
				abort();
			memcpy(m.r[i].data, d, len);
			m.r[i].len = len;
			m.r[i].recno = m.r[i].t = recno;
			n[1]++;
		} else if (p < (fill ? 73 : 55)) {
			/* take */
			class = (int)rnd_in(0, PF_RECSTORE_CLASSES - 1);
			rc = pf_recstore_take(rs, class, &v);
			err = errno;
			for (hi = -1, k = 0; k < m.n; k++)
				if (m.r[k].class > hi)
					hi = m.r[k].class;
			if (hi < class) {
				if (rc != -1 || err != ENOENT)
					what = "take of none";
				goto check;
			}
			for (k = 0; m.r[k].class != hi; k++)
				;
			if (rc != 0 || !m_same(&m.r[k], &v))
				what = "take";
			else
				m_del(&m, k);
			n[2]++;
		} else if (p < (fill ? 81 : 75)) {
			/* pop, and sometimes add what it gave again */
			rc = pf_recstore_pop(rs, &v);
			err = errno;
			if (m.n == 0) {
				if (rc != -1 || err != ENOENT)
					what = "pop of none";
				goto check;
			}
			if (rc != 0 || !m_same(&m.r[0], &v)) {
				what = "pop";
				goto check;
			}
			m_del(&m, 0);
			n[3]++;
			if (rnd() % 8 == 0) {
				/* The model copies first: the add ends v. */
				v.recno = ++recno;
				m_push(&m, &v, NULL);
				if ((s = pf_recstore_add(rs, &v)) == NULL)
					what = "add of what pop gave";
				m.r[m.n - 1].slot = s;
			}
		} else if (p < (fill ? 89 : 90)) {
			/* remove */
			if (m.n == 0)
				goto check;
			i = (long)rnd_in(0, m.n - 1);
			pf_recstore_remove(rs, m.r[i].slot);
			m_del(&m, (size_t)i);
			n[4]++;
		} else {
			/* find, and peek */
			keylen = key_make(kb, (unsigned int)rnd_in(0,
			    NKEYS - 1));
			s = pf_recstore_find(rs, kb, keylen);
			i = m_find(&m, kb, keylen);
			if (s != (i >= 0 ? m.r[i].slot : NULL))
				what = "find";
			if (pf_recstore_find_hash(rs, kb, keylen,
			    pf_recstore_hash(rs, kb, keylen)) != s)
				what = "find by hash";
			if (pf_recstore_peek(rs) != (m.n ? m.r[0].slot : NULL))
				what = "peek";
			n[5]++;
		}
check:
		/* A hint, whatever the store holds: it must change nothing. */
		keylen = key_make(kb, (unsigned int)rnd_in(0, NKEYS - 1));
		pf_recstore_prefetch(rs, pf_recstore_hash(rs, kb, keylen),
		    (int)rnd_in(0, 2));
		if (what == NULL && !m_counts(rs, &m))
			what = "counts";
		if (what == NULL && op % WALK_EVERY == 0 && !m_walk(rs, &m))
			what = "walk";
	}
	if (what == NULL && !m_walk(rs, &m))
		what = "the last walk";
	if (what != NULL)
		diag("model: %s differs at operation %d", what, op);
	ok(what == NULL, "model: %d random operations agree", op);
	diag("model: %lu added, %lu EEXIST, %lu ENOSPC, %lu replaced, "
	    "%lu taken, %lu popped, %lu removed, %lu finds", n[0], n[6], n[7],
	    n[1], n[2], n[3], n[4], n[5]);
	ok(n[0] > 1000 && n[6] > 1000 && n[7] > 1000 && n[1] > 1000 &&
	    n[2] > 1000 && n[3] > 1000 && n[4] > 1000 && n[5] > 1000,
	    "model: every operation and refusal was exercised");
	pf_recstore_free(rs);
	m_free(&m);
}

/* A figure, not a check: an add and a pop of a 100-byte record. */
static void
bench(void)
{
	struct pf_recstore	*rs;
	struct pf_held	 r, v;
	char			 d[100];
	uint64_t		 t0, t1;
	long			 i, bad = 0;

	memset(d, 'x', sizeof(d));
	rs = pf_recstore_new(1000, 1 << 20);
	rec_set(&r, d, sizeof(d), NULL, 0, 0, 0, 5);
	t0 = pf_clock_now();
	for (i = 0; i < BENCH_N; i++) {
		r.recno = (uint64_t)i;
		if (pf_recstore_add(rs, &r) == NULL ||
		    pf_recstore_pop(rs, &v) == -1)
			bad++;
	}
	t1 = pf_clock_now();
	ok(bad == 0, "bench: %d adds and pops", BENCH_N);
	diag("bench: %.1f ns per add+pop of a 100-byte record",
	    (double)(t1 - t0) / BENCH_N);
	pf_recstore_free(rs);
}

int
main(void)
{
	test_new();
	test_bounds();
	test_exist();
	test_replace();
	test_take();
	test_keys();
	test_walk_remove();
	test_memory();
	test_model();
	bench();
	return (done());
}
