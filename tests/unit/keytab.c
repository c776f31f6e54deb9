/* SPDX-License-Identifier: ISC */
/*
 * keytab.c: unit tests for the bounded key table (lib/keytab.c).
 *
 * Seeded random operations -- find, get, remove, evict, get that evicts
 * when full, walks -- run against the table and against a plain array
 * that knows, for each key of a pool, whether it is in, its value area
 * and when it was last used.  The pool holds the empty key, keys of NUL
 * bytes, keys that differ only in their last byte or by a trailing NUL,
 * and keys from one byte to 2000, on both sides of the length held
 * inline.  After every operation the count and key bytes must match; a
 * found entry must have the value area it was given, with what was
 * written there; a new one must be zero-filled; ENOSPC must come exactly
 * at the bound on keys or key bytes and leave the table as it was; the
 * least recently used entry (or, in arrival order, the oldest) must be
 * the one the model names; and a walk must visit every entry once, in
 * that order.  Targeted cases pin down the bounds, room after a remove,
 * E2BIG, the order after finds in both modes, removal during a walk,
 * value areas that stay put while the table grows to thousands of keys,
 * and the arguments refused.  Under valgrind nothing may leak.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keytab.h"
#include "tap.h"

#ifndef SEED
#define SEED		0x27bb2ee687b0b0fdULL	/* -DSEED=n for other runs */
#endif
#include "rand.h"

#define LIT(s)		(s), sizeof(s) - 1
#define MAXPOOL		3000

struct pkey {
	char		*p;
	size_t		 len;
};

struct model {
	int		 in;
	void		*value;
	uint64_t	 used;		/* last use (or insertion) */
};

static struct pkey	 pool[MAXPOOL];
static struct model	 ref[MAXPOOL];
static size_t		 npool;

static void	 pool_make(size_t);
static void	 pool_free(void);
static int	 pool_has(const char *, size_t);
static size_t	 model_lru(void);
static size_t	 value_key(const void *);
static int	 model_walk(const struct pf_keytab *, size_t);
static void	 random_run(const char *, size_t, size_t, size_t, int, int);
static void	 test_new(void);
static void	 test_bound(void);
static void	 test_bytes(void);
static void	 test_order(void);
static void	 test_walk_remove(void);
static void	 test_stable(void);
static void	 test_binary(void);

static int
pool_has(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < npool; i++)
		if (pool[i].len == len &&
		    (len == 0 || memcmp(pool[i].p, p, len) == 0))
			return (1);
	return (0);
}

/* n distinct keys, awkward ones first. */
static void
pool_make(size_t n)
{
	static const char	 few[] = { 0, 'a', (char)0xff };
	char			*p;
	size_t			 len, i, from, r;

	npool = 0;
	while (npool < n) {
		if (npool < 4) {
			/* "", "\0", "\0\0", "\0\0\0" */
			len = npool;
			p = calloc(1, len + 1);
		} else if (npool > 8 && rnd_in(0, 3) == 0) {
			/* An earlier key but for its last byte, or a NUL. */
			from = rnd_in(4, npool - 1);
			len = pool[from].len + rnd_in(0, 1);
			p = calloc(1, len + 1);
			memcpy(p, pool[from].p, pool[from].len);
			if (len == pool[from].len)
				p[len - 1] ^= (char)rnd_in(1, 255);
		} else {
			/* Mostly short, some around the inline size, few long. */
			r = rnd_in(0, 19);
			if (r == 0)
				len = rnd_in(301, 2000);
			else if (r < 5)
				len = rnd_in(65, 300);
			else if (r < 7)
				len = rnd_in(PF_KEYTAB_INLINE - 1,
				    PF_KEYTAB_INLINE + 1);
			else if (r < 11)
				len = rnd_in(17, 64);
			else
				len = rnd_in(1, 16);
			p = malloc(len);
			for (i = 0; i < len; i++)
				p[i] = rnd_in(0, 1) ? few[rnd_in(0, 2)] :
				    (char)rnd();
		}
		if (p == NULL)
			abort();
		if (pool_has(p, len)) {
			free(p);
			continue;
		}
		pool[npool].p = p;
		pool[npool].len = len;
		npool++;
	}
}

static void
pool_free(void)
{
	size_t	 i;

	for (i = 0; i < npool; i++)
		free(pool[i].p);
	npool = 0;
}

/* The model's least recently used key, npool if none is in. */
static size_t
model_lru(void)
{
	size_t	 i, best = npool;

	for (i = 0; i < npool; i++)
		if (ref[i].in && (best == npool || ref[i].used <
		    ref[best].used))
			best = i;
	return (best);
}

/* Value areas hold their key's pool index and its complement. */
static size_t
value_key(const void *v)
{
	uint32_t	 w[2];

	memcpy(w, v, sizeof(w));
	if (w[0] != ~w[1] || w[0] >= npool)
		return (SIZE_MAX);
	return (w[0]);
}

/*
 * Walk the table: every entry once, least recent first, each with its
 * key and the value area it was given.  Returns the faults seen.
 */
static int
model_walk(const struct pf_keytab *t, size_t count)
{
	const char	*k;
	void		*v;
	uint64_t	 last = 0;
	size_t		 pos = 0, seen = 0, len, j;
	int		 bad = 0;

	while ((v = pf_keytab_next(t, &pos, &k, &len)) != NULL) {
		j = value_key(v);
		if (j == SIZE_MAX || !ref[j].in || ref[j].value != v ||
		    len != pool[j].len ||
		    (len > 0 && memcmp(k, pool[j].p, len) != 0) ||
		    ref[j].used <= last)
			bad++;
		else
			last = ref[j].used;
		if (++seen > count)
			break;
	}
	if (seen != count)
		bad++;
	return (bad);
}

/*
 * nops random operations on a table of max_keys keys and max_bytes key
 * bytes (0: none) with value areas of 24 bytes, keys from a pool of npk.
 */
static void
random_run(const char *name, size_t max_keys, size_t max_bytes,
    size_t npk, int flags, int nops)
{
	struct pf_keytab	*t;
	const char		*k;
	void			*v;
	uint64_t		 clock = 0;
	uint32_t		 w[2];
	size_t			 count = 0, bytes = 0, i, len, j;
	size_t			 vsize = 24;
	int			 op, isnew, n, bad_find = 0, bad_get = 0;
	int			 bad_new = 0, bad_full = 0, bad_remove = 0;
	int			 bad_lru = 0, bad_walk = 0, bad_count = 0;
	int			 bad_align = 0, fulls = 0, hits = 0, walks = 0;
	int			 arrival = flags & PF_KEYTAB_ARRIVAL;

	pool_make(npk);
	memset(ref, 0, sizeof(ref));
	if ((t = pf_keytab_new(max_keys, max_bytes, vsize, flags)) == NULL)
		abort();
	for (n = 0; n < nops; n++) {
		i = rnd_in(0, npool - 1);
		k = pool[i].p;
		len = pool[i].len;
		op = (int)rnd_in(0, 99);
		if (op < 25) {
			v = pf_keytab_find(t, k, len);
			if (v != (ref[i].in ? ref[i].value : NULL))
				bad_find++;
			if (v != NULL) {
				hits++;
				if (value_key(v) != i)
					bad_find++;
				if (!arrival)
					ref[i].used = ++clock;
			}
		} else if (op < 70) {
			if (op >= 60 && !ref[i].in && count == max_keys) {
				/* As throttle does: make room, then insert. */
				j = model_lru();
				if (pf_keytab_evict(t) != 0)
					bad_remove++;
				ref[j].in = 0;
				count--;
				bytes -= pool[j].len;
			}
			errno = 0;
			isnew = -1;
			v = pf_keytab_get(t, k, len, &isnew);
			if (ref[i].in) {
				if (v != ref[i].value || isnew != 0 ||
				    value_key(v) != i)
					bad_get++;
				if (!arrival)
					ref[i].used = ++clock;
			} else if (count == max_keys || (max_bytes != 0 &&
			    bytes + len > max_bytes)) {
				fulls++;
				if (v != NULL || errno != ENOSPC ||
				    pf_keytab_count(t) != count ||
				    pf_keytab_bytes(t) != bytes)
					bad_full++;
			} else if (v == NULL || isnew != 1) {
				bad_get++;
			} else {
				if ((uintptr_t)v % 16 != 0)
					bad_align++;
				for (j = 0; j < vsize; j++)
					if (((char *)v)[j] != 0)
						bad_new++;
				w[0] = (uint32_t)i;
				w[1] = ~w[0];
				memcpy(v, w, sizeof(w));
				memset((char *)v + 8, 0x5a, vsize - 8);
				ref[i].in = 1;
				ref[i].value = v;
				ref[i].used = ++clock;
				count++;
				bytes += len;
			}
		} else if (op < 85) {
			errno = 0;
			if (pf_keytab_remove(t, k, len) !=
			    (ref[i].in ? 0 : -1) ||
			    (!ref[i].in && errno != ENOENT))
				bad_remove++;
			if (ref[i].in) {
				ref[i].in = 0;
				count--;
				bytes -= len;
			}
		} else if (op < 95) {
			j = model_lru();
			v = pf_keytab_lru(t, &k, &len);
			if (j == npool) {
				if (v != NULL)
					bad_lru++;
			} else if (v != ref[j].value || len != pool[j].len ||
			    (len > 0 && memcmp(k, pool[j].p, len) != 0))
				bad_lru++;
			if (op < 90 && j != npool) {
				if (pf_keytab_evict(t) != 0)
					bad_remove++;
				ref[j].in = 0;
				count--;
				bytes -= pool[j].len;
			}
		} else if (op == 99 || n % 2000 == 0) {
			walks++;
			bad_walk += model_walk(t, count);
		}
		if (pf_keytab_count(t) != count ||
		    pf_keytab_bytes(t) != bytes)
			bad_count++;
	}
	diag("%s: %d hits, %d times full, %d walks, %zu keys at the end",
	    name, hits, fulls, walks, count);
	ok(hits > nops / 20 && fulls > nops / 100 && walks > 50,
	    "%s: the run hit, filled and walked", name);
	is_int(bad_find, 0, "%s: find agrees with the model", name);
	is_int(bad_get, 0, "%s: get of a key in returns its value area", name);
	is_int(bad_new, 0, "%s: a new value area is zero-filled", name);
	is_int(bad_align, 0, "%s: value areas are 16-byte aligned", name);
	is_int(bad_full, 0, "%s: ENOSPC exactly at the bound, nothing "
	    "changed", name);
	is_int(bad_remove, 0, "%s: remove and evict agree with the model",
	    name);
	is_int(bad_lru, 0, "%s: the least recent entry is the model's",
	    name);
	is_int(bad_walk, 0, "%s: walks see every entry once, in order", name);
	is_int(bad_count, 0, "%s: count and key bytes agree", name);
	pf_keytab_free(t);
	pool_free();
}

static void
test_new(void)
{
	struct pf_keytab	*t;

	errno = 0;
	ok(pf_keytab_new(0, 0, 8, 0) == NULL && errno == EINVAL,
	    "new: no keys at all is EINVAL");
	errno = 0;
	ok(pf_keytab_new(PF_KEYTAB_MAXKEYS + (size_t)1, 0, 8, 0) == NULL &&
	    errno == EINVAL, "new: too many keys is EINVAL");
	errno = 0;
	ok(pf_keytab_new(10, 0, PF_KEYTAB_MAXVALUE + 1, 0) == NULL &&
	    errno == EINVAL, "new: too large a value is EINVAL");
	errno = 0;
	ok(pf_keytab_new(10, 0, 8, 0x100) == NULL && errno == EINVAL,
	    "new: an unknown flag is EINVAL");
	t = pf_keytab_new(10, 0, 0, 0);
	ok(t != NULL, "new: a value area of 0 bytes");
	ok(pf_keytab_get(t, NULL, 0, NULL) != NULL,
	    "new: the empty key, as NULL");
	ok(pf_keytab_find(t, "", 0) != NULL, "new: found as \"\"");
	ok(pf_keytab_lru(t, NULL, NULL) != NULL, "new: lru without key");
	is_int(pf_keytab_count(t), 1, "new: one entry");
	is_int(pf_keytab_bytes(t), 0, "new: of no bytes");
	ok(pf_keytab_remove(t, NULL, 0) == 0, "new: removed");
	errno = 0;
	ok(pf_keytab_remove(t, NULL, 0) == -1 && errno == ENOENT,
	    "new: not twice");
	errno = 0;
	ok(pf_keytab_evict(t) == -1 && errno == ENOENT,
	    "new: nothing to evict");
	ok(pf_keytab_lru(t, NULL, NULL) == NULL, "new: no lru when empty");
	pf_keytab_free(t);
	pf_keytab_free(NULL);
	ok(1, "new: free(NULL) is harmless");
}

static void
test_bound(void)
{
	struct pf_keytab	*t;
	char			 key[16];
	void			*v;
	int			 i, isnew, fails = 0;

	t = pf_keytab_new(100, 0, 8, 0);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (pf_keytab_get(t, key, strlen(key), &isnew) == NULL ||
		    !isnew)
			fails++;
	}
	is_int(fails, 0, "bound: 100 keys go in");
	errno = 0;
	ok(pf_keytab_get(t, LIT("k100"), &isnew) == NULL && errno == ENOSPC,
	    "bound: the 101st is ENOSPC");
	is_int(pf_keytab_count(t), 100, "bound: still 100");
	ok(pf_keytab_find(t, LIT("k100")) == NULL, "bound: and not in");
	v = pf_keytab_get(t, LIT("k7"), &isnew);
	ok(v != NULL && !isnew, "bound: a key in is still got when full");
	ok(pf_keytab_remove(t, LIT("k42")) == 0, "bound: one removed");
	v = pf_keytab_get(t, LIT("k100"), &isnew);
	ok(v != NULL && isnew, "bound: then there is room");
	errno = 0;
	ok(pf_keytab_get(t, LIT("k101"), &isnew) == NULL && errno == ENOSPC,
	    "bound: for one only");
	ok(pf_keytab_evict(t) == 0 && pf_keytab_find(t, LIT("k0")) == NULL,
	    "bound: evicting makes room, taking the oldest");
	ok(pf_keytab_get(t, LIT("k101"), &isnew) != NULL && isnew,
	    "bound: and the key goes in");
	pf_keytab_free(t);
}

static void
test_bytes(void)
{
	struct pf_keytab	*t;
	int			 isnew;

	t = pf_keytab_new(5, 10, 8, 0);
	ok(pf_keytab_get(t, LIT("aaaa"), &isnew) != NULL,
	    "bytes: 4 of 10");
	ok(pf_keytab_get(t, LIT("bbbbbb"), &isnew) != NULL,
	    "bytes: 10 of 10");
	errno = 0;
	ok(pf_keytab_get(t, LIT("c"), &isnew) == NULL && errno == ENOSPC,
	    "bytes: one more is ENOSPC");
	ok(pf_keytab_get(t, NULL, 0, &isnew) != NULL && isnew,
	    "bytes: the empty key costs none");
	errno = 0;
	ok(pf_keytab_get(t, LIT("0123456789a"), &isnew) == NULL &&
	    errno == E2BIG, "bytes: a key above the bound alone is E2BIG");
	ok(pf_keytab_remove(t, LIT("aaaa")) == 0, "bytes: 4 freed");
	is_int(pf_keytab_bytes(t), 6, "bytes: 6 in use");
	ok(pf_keytab_get(t, LIT("cccc"), &isnew) != NULL,
	    "bytes: then 4 fit again");
	pf_keytab_free(t);
}

/* The order after finds, by use and by arrival. */
static void
test_order(void)
{
	static const char	*const keys[] = { "a", "b", "c", "d" };
	struct pf_keytab	*t;
	const char		*k;
	size_t			 len, i;
	int			 arrival;

	for (arrival = 0; arrival <= 1; arrival++) {
		t = pf_keytab_new(10, 0, 8,
		    arrival ? PF_KEYTAB_ARRIVAL : 0);
		for (i = 0; i < 4; i++)
			(void)pf_keytab_get(t, keys[i], 1, NULL);
		(void)pf_keytab_find(t, LIT("a"));
		(void)pf_keytab_get(t, LIT("c"), NULL);
		(void)pf_keytab_find(t, LIT("b"));
		(void)pf_keytab_find(t, LIT("x"));
		(void)pf_keytab_lru(t, &k, &len);
		ok(len == 1 && *k == (arrival ? 'a' : 'd'),
		    "order%s: the least recent is %c", arrival ?
		    " (arrival)" : "", arrival ? 'a' : 'd');
		(void)pf_keytab_evict(t);
		(void)pf_keytab_lru(t, &k, &len);
		ok(len == 1 && *k == (arrival ? 'b' : 'a'),
		    "order%s: after evicting it, %c", arrival ?
		    " (arrival)" : "", arrival ? 'b' : 'a');
		pf_keytab_free(t);
	}
}

/* The entry a walk just returned may be removed. */
static void
test_walk_remove(void)
{
	struct pf_keytab	*t;
	const char		*k;
	char			 key[16];
	size_t			 pos = 0, len;
	int			 i, n = 0, bad = 0;

	t = pf_keytab_new(1000, 0, 8, 0);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "%d", i);
		(void)pf_keytab_get(t, key, strlen(key), NULL);
	}
	while (pf_keytab_next(t, &pos, &k, &len) != NULL) {
		snprintf(key, sizeof(key), "%d", n);
		if (len != strlen(key) || memcmp(k, key, len) != 0)
			bad++;
		if (n++ % 2 == 0 && pf_keytab_remove(t, k, len) != 0)
			bad++;
	}
	is_int(n, 1000, "walk: 1000 entries seen while removing");
	is_int(bad, 0, "walk: in order of insertion");
	is_int(pf_keytab_count(t), 500, "walk: half removed");
	ok(pf_keytab_next(t, &pos, &k, &len) == NULL,
	    "walk: a finished walk stays finished");
	pf_keytab_free(t);
}

/* Value areas do not move while the table grows to 50000 keys. */
static void
test_stable(void)
{
	struct pf_keytab	*t;
	void			**vals;
	char			 key[64];
	uint32_t		 w;
	int			 i, moved = 0, lost = 0, reused = 0;

	vals = calloc(50000, sizeof(*vals));
	t = pf_keytab_new(50000, 0, 4, 0);
	for (i = 0; i < 50000; i++) {
		/* Every third key long enough to be held outside. */
		snprintf(key, sizeof(key), i % 3 ? "%d" :
		    "a longer key than fits in an entry: %d", i);
		vals[i] = pf_keytab_get(t, key, strlen(key), NULL);
		w = (uint32_t)i;
		memcpy(vals[i], &w, sizeof(w));
	}
	for (i = 0; i < 50000; i++) {
		snprintf(key, sizeof(key), i % 3 ? "%d" :
		    "a longer key than fits in an entry: %d", i);
		if (pf_keytab_find(t, key, strlen(key)) != vals[i])
			moved++;
		memcpy(&w, vals[i], sizeof(w));
		if (w != (uint32_t)i)
			lost++;
	}
	is_int(moved, 0, "stable: 50000 value areas stayed put");
	is_int(lost, 0, "stable: with what was written in them");
	for (i = 0; i < 50000; i += 2) {
		snprintf(key, sizeof(key), i % 3 ? "%d" :
		    "a longer key than fits in an entry: %d", i);
		(void)pf_keytab_remove(t, key, strlen(key));
	}
	for (i = 0; i < 25000; i++) {
		snprintf(key, sizeof(key), "new %d", i);
		if (pf_keytab_get(t, key, strlen(key), NULL) == NULL)
			reused++;
	}
	is_int(reused, 0, "stable: removed entries are made again");
	is_int(pf_keytab_count(t), 50000, "stable: full again");
	pf_keytab_free(t);
	free(vals);
}

static void
test_binary(void)
{
	struct pf_keytab	*t;
	void			*a, *b, *c, *d;

	t = pf_keytab_new(10, 0, 8, 0);
	a = pf_keytab_get(t, LIT("a\0b"), NULL);
	b = pf_keytab_get(t, LIT("a\0c"), NULL);
	c = pf_keytab_get(t, LIT("a"), NULL);
	d = pf_keytab_get(t, LIT("a\0"), NULL);
	ok(a && b && c && d && a != b && a != c && a != d && b != c &&
	    b != d && c != d, "binary: NUL bytes are part of the key");
	ok(pf_keytab_find(t, LIT("a\0b")) == a &&
	    pf_keytab_find(t, LIT("a\0")) == d, "binary: found byte-exact");
	ok(pf_keytab_find(t, LIT("a\0d")) == NULL, "binary: no near miss");
	pf_keytab_free(t);
}

int
main(void)
{
	test_new();
	test_bound();
	test_bytes();
	test_order();
	test_walk_remove();
	test_stable();
	test_binary();
	random_run("random", 300, 0, 800, 0, 200000);
	random_run("random, 20000 key bytes", 2000, 20000, 2500, 0, 100000);
	random_run("random, arrival order", 300, 0, 800, PF_KEYTAB_ARRIVAL,
	    100000);
	return (done());
}
