/* SPDX-License-Identifier: ISC */
/*
 * rand.h: what the randomised unit tests share -- a seeded xorshift
 * generator, so that a failing run can be repeated with -DSEED=n, and a
 * growing byte buffer to collect what came out.  Define SEED first.
 */
#ifndef PF_RAND_H
#define PF_RAND_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

static uint64_t	 rng = SEED;

static inline uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

/* Uniform in [lo, hi]. */
static inline size_t
rnd_in(size_t lo, size_t hi)
{
	return (lo + (size_t)(rnd() % ((uint64_t)(hi - lo) + 1)));
}

static inline void
buf_add(struct buf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static inline void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

#endif /* PF_RAND_H */
