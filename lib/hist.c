/* SPDX-License-Identifier: ISC */
/*
 * hist.c: p50/p95/p99/max of ages and latencies in fixed memory.
 *
 * lagwatch measures the age of every record it passes, and the seeds'
 * advice is to watch age, not queue length; keeping every sample to sort
 * later is out of the question at a million records a second.  This is
 * the log-linear bucketing of HdrHistogram, cut down to what a stage
 * needs: a value is shifted to 32ns units, its highest set bit picks a
 * power of two and the next five bits one of 32 equal buckets inside it.
 * Every bucket is then at most 1/32 of its lower bound wide, and its
 * midpoint is within 1/64 of anything in it.  Adding is a shift, a count
 * of leading zeros and an increment; no floating point, no libm.
 *
 * Counts are 32 bits to keep the whole histogram near 5 KiB.  A bucket
 * about to overflow halves them all, which keeps the shape and gives up
 * only the weight of old values against new ones.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "pipeflow.h"

#define HIST_SUB	(1U << PF_HIST_SUB_BITS)
#define HIST_LINEAR	(2 * HIST_SUB)	/* the linear buckets */
#define HIST_UMAX	((1ULL << PF_HIST_TOP_BITS) - 1)

static size_t	 hist_index(uint64_t);
static uint64_t	 hist_mid(size_t);
static void	 hist_halve(struct pf_hist *);

void
pf_hist_reset(struct pf_hist *h)
{
	memset(h, 0, sizeof(*h));
}

/*
 * u | (HIST_LINEAR - 1) makes the values below HIST_LINEAR units look like
 * the octave below the first, where the shift is 0 and the index is u
 * itself: no branch for small values.  For larger ones the top bit k sets
 * the shift, and u >> shift lies in [HIST_SUB, 2 * HIST_SUB).
 */
static size_t
hist_index(uint64_t ns)
{
	uint64_t	u = ns >> PF_HIST_UNIT_BITS;
	unsigned int	k, shift;

	if (u > HIST_UMAX)
		u = HIST_UMAX;
	k = 63 - (unsigned int)__builtin_clzll(u | (HIST_LINEAR - 1));
	shift = k - PF_HIST_SUB_BITS;
	return (((size_t)shift << PF_HIST_SUB_BITS) + (size_t)(u >> shift));
}

/* The midpoint of bucket i, in nanoseconds: the inverse of hist_index. */
static uint64_t
hist_mid(size_t i)
{
	unsigned int	shift;
	uint64_t	lo, width;

	if (i < HIST_LINEAR) {
		shift = 0;
		lo = i;
	} else {
		shift = (unsigned int)(i >> PF_HIST_SUB_BITS) - 1;
		lo = (uint64_t)(HIST_SUB + (i & (HIST_SUB - 1))) << shift;
	}
	width = 1ULL << (shift + PF_HIST_UNIT_BITS);
	return ((lo << PF_HIST_UNIT_BITS) + width / 2);
}

/* Halve every bucket, rounding up so that no value disappears entirely. */
static void
hist_halve(struct pf_hist *h)
{
	size_t	i;

	h->total = 0;
	for (i = 0; i < PF_HIST_BUCKETS; i++) {
		h->bucket[i] = h->bucket[i] / 2 + (h->bucket[i] & 1);
		h->total += h->bucket[i];
	}
}

void
pf_hist_add(struct pf_hist *h, uint64_t ns)
{
	size_t	i = hist_index(ns);

	if (__builtin_expect(h->bucket[i] == UINT32_MAX, 0))
		hist_halve(h);
	h->bucket[i]++;
	h->total++;
	if (h->count++ == 0 || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

/*
 * Sums that do not fit in 32 bits are scaled down together, by the
 * smallest power of two that makes the largest fit, as hist_halve does.
 */
void
pf_hist_merge(struct pf_hist *dst, const struct pf_hist *src)
{
	uint64_t	sum, big = 0;
	unsigned int	shift = 0;
	size_t		i;

	if (src->count == 0)
		return;
	for (i = 0; i < PF_HIST_BUCKETS; i++) {
		sum = (uint64_t)dst->bucket[i] + src->bucket[i];
		if (sum > big)
			big = sum;
	}
	while ((big >> shift) > UINT32_MAX)
		shift++;
	dst->total = 0;
	for (i = 0; i < PF_HIST_BUCKETS; i++) {
		sum = (uint64_t)dst->bucket[i] + src->bucket[i];
		sum = (sum + (1ULL << shift) - 1) >> shift;
		dst->bucket[i] = (uint32_t)sum;
		dst->total += sum;
	}
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
}

/*
 * Nearest rank: the value at rank ceil(q * total), counting from 1.  The
 * exact value at that rank lies in the bucket where the running sum first
 * reaches the rank, so the bucket's midpoint is within the promised error;
 * clamping to the exact extremes only brings it closer.
 */
uint64_t
pf_hist_quantile(const struct pf_hist *h, double q)
{
	uint64_t	rank, sum = 0, v;
	double		want;
	size_t		i;

	if (h->count == 0 || h->total == 0)
		return (0);
	if (!(q > 0))
		return (h->min);
	if (q >= 1)
		return (h->max);
	want = q * (double)h->total;
	rank = (uint64_t)want;
	if ((double)rank < want)
		rank++;
	if (rank <= 1)
		return (h->min);
	if (rank >= h->total)
		return (h->max);
	for (i = 0; i < PF_HIST_BUCKETS; i++) {
		sum += h->bucket[i];
		if (sum >= rank)
			break;
	}
	v = hist_mid(i < PF_HIST_BUCKETS ? i : PF_HIST_BUCKETS - 1);
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return (v);
}

uint64_t
pf_hist_count(const struct pf_hist *h)
{
	return (h->count);
}

uint64_t
pf_hist_max(const struct pf_hist *h)
{
	return (h->count == 0 ? 0 : h->max);
}

uint64_t
pf_hist_min(const struct pf_hist *h)
{
	return (h->count == 0 ? 0 : h->min);
}
