/* SPDX-License-Identifier: ISC */
/*
 * hist.c: unit tests for the latency histogram (lib/hist.c).
 *
 * Known distributions go through the histogram and through a sorted array
 * side by side; every reported quantile must be within the promised
 * error (1/64 of the exact nearest-rank value from 1us up, 16ns below)
 * and the extremes must be exact.  A sweep over every power of two checks
 * that bucketing and midpoints agree at each boundary.  The random
 * numbers come from a fixed seed, so a failure repeats.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

#define N	100000
#define DAY	(86400 * PF_NSEC)

static uint64_t	 rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t	 vals[N];

static uint64_t	 rng(void);
static double	 rng_unit(void);
static double	 ln(double);
static int	 cmp_u64(const void *, const void *);
static uint64_t	 exact(const uint64_t *, size_t, double);
static int	 close_enough(uint64_t, uint64_t);
static void	 check_dist(const char *, struct pf_hist *, uint64_t *,
		    size_t);
static void	 test_empty(void);
static void	 test_single(void);
static void	 test_constant(void);
static void	 test_uniform(void);
static void	 test_exponential(void);
static void	 test_loguniform(void);
static void	 test_small(void);
static void	 test_huge(void);
static void	 test_sweep(void);
static void	 test_merge(void);
static void	 test_reset(void);
static void	 test_overflow(void);

/* splitmix64: small, fast, good enough for test data. */
static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Uniform in (0, 1]. */
static double
rng_unit(void)
{
	return ((double)((rng() >> 11) + 1) / 9007199254740992.0);
}

/*
 * Natural logarithm of x in (0, 1], without libm: x = m 2^-e with m in
 * [0.5, 1), then ln m = 2 atanh((m - 1) / (m + 1)) by its series.
 */
static double
ln(double x)
{
	double	m = x, t, t2, term, sum = 0;
	int	e = 0, k;

	while (m < 0.5) {
		m *= 2;
		e++;
	}
	t = (m - 1) / (m + 1);
	t2 = t * t;
	term = t;
	for (k = 1; k < 60; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return (2 * sum - e * 0.69314718055994530942);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The nearest-rank quantile of sorted v: rank ceil(q n), at least 1. */
static uint64_t
exact(const uint64_t *v, size_t n, double q)
{
	double	want = q * (double)n;
	size_t	rank = (size_t)want;

	if ((double)rank < want)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (v[rank - 1]);
}

/* Within 1/64 relative from 1024ns up, within 16ns below. */
static int
close_enough(uint64_t got, uint64_t want)
{
	uint64_t	diff = got > want ? got - want : want - got;

	if (want < 1024)
		return (diff <= 16);
	return ((double)diff <= (double)want / 64);
}

static void
check_dist(const char *what, struct pf_hist *h, uint64_t *v, size_t n)
{
	static const double	 qs[] = { 0.001, 0.01, 0.1, 0.25, 0.5, 0.75,
	    0.9, 0.95, 0.99, 0.999, 0.9999 };
	uint64_t		 got, want, prev = 0;
	size_t			 i;
	int			 good = 1, mono = 1;

	qsort(v, n, sizeof(*v), cmp_u64);
	is_int(pf_hist_count(h), n, "%s: count", what);
	ok(pf_hist_max(h) == v[n - 1], "%s: max exact", what);
	ok(pf_hist_min(h) == v[0], "%s: min exact", what);
	ok(pf_hist_quantile(h, 1) == v[n - 1], "%s: q=1 is the max", what);
	ok(pf_hist_quantile(h, 0) == v[0], "%s: q=0 is the min", what);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		got = pf_hist_quantile(h, qs[i]);
		want = exact(v, n, qs[i]);
		if (!close_enough(got, want)) {
			good = 0;
			diag("%s: q=%g got %llu want %llu", what, qs[i],
			    (unsigned long long)got, (unsigned long long)want);
		}
		if (got < prev)
			mono = 0;
		prev = got;
	}
	ok(good, "%s: quantiles within 1/64 of exact", what);
	ok(mono, "%s: quantiles grow with q", what);
}

static void
test_empty(void)
{
	struct pf_hist	h, zero;

	pf_hist_reset(&h);
	memset(&zero, 0, sizeof(zero));
	ok(memcmp(&h, &zero, sizeof(h)) == 0, "empty: reset is all zeros");
	is_int(pf_hist_count(&h), 0, "empty: count 0");
	is_int(pf_hist_max(&h), 0, "empty: max 0");
	is_int(pf_hist_min(&h), 0, "empty: min 0");
	is_int(pf_hist_quantile(&h, 0.5), 0, "empty: p50 is 0");
	is_int(pf_hist_quantile(&h, 0), 0, "empty: q=0 is 0");
	is_int(pf_hist_quantile(&h, 1), 0, "empty: q=1 is 0");
	ok(sizeof(struct pf_hist) <= 6 * 1024,
	    "size: struct pf_hist is %zu bytes", sizeof(struct pf_hist));
}

static void
test_single(void)
{
	struct pf_hist	h;

	pf_hist_reset(&h);
	pf_hist_add(&h, 123456789);
	is_int(pf_hist_count(&h), 1, "single: count 1");
	is_int(pf_hist_quantile(&h, 0.5), 123456789, "single: p50 exact");
	is_int(pf_hist_quantile(&h, 0.99), 123456789, "single: p99 exact");
	is_int(pf_hist_quantile(&h, 0.0001), 123456789,
	    "single: p0.01 exact");
	is_int(pf_hist_max(&h), 123456789, "single: max exact");
	is_int(pf_hist_quantile(&h, -1), 123456789, "single: q<0 is min");
	is_int(pf_hist_quantile(&h, 2), 123456789, "single: q>1 is max");
	is_int(pf_hist_quantile(&h, NAN), 123456789,
	    "single: q=NaN is min");

	pf_hist_reset(&h);
	pf_hist_add(&h, 0);
	is_int(pf_hist_count(&h), 1, "single zero: counted");
	is_int(pf_hist_quantile(&h, 0.5), 0, "single zero: p50 is 0");
}

static void
test_constant(void)
{
	struct pf_hist	h;
	int		i;

	pf_hist_reset(&h);
	for (i = 0; i < 1000; i++)
		pf_hist_add(&h, 5 * PF_MSEC);
	is_int(pf_hist_quantile(&h, 0.5), 5 * PF_MSEC,
	    "constant: p50 exact (clamped to min and max)");
	is_int(pf_hist_quantile(&h, 0.95), 5 * PF_MSEC, "constant: p95 exact");
	is_int(pf_hist_quantile(&h, 0.99), 5 * PF_MSEC, "constant: p99 exact");
	is_int(pf_hist_max(&h), 5 * PF_MSEC, "constant: max exact");
}

static void
test_uniform(void)
{
	struct pf_hist	h;
	size_t		i;

	pf_hist_reset(&h);
	for (i = 0; i < N; i++) {
		vals[i] = 1000 + rng() % PF_NSEC;
		pf_hist_add(&h, vals[i]);
	}
	check_dist("uniform 1us..1s", &h, vals, N);
}

static void
test_exponential(void)
{
	struct pf_hist	h;
	size_t		i;

	pf_hist_reset(&h);
	for (i = 0; i < N; i++) {
		vals[i] = (uint64_t)(-ln(rng_unit()) * 10 * PF_MSEC);
		pf_hist_add(&h, vals[i]);
	}
	check_dist("exponential mean 10ms", &h, vals, N);
}

/* Spread evenly over the orders of magnitude from 1us to 30 days. */
static void
test_loguniform(void)
{
	struct pf_hist	h;
	double		lo = ln(1e3 / (30.0 * DAY));
	size_t		i;
	uint64_t	v;
	double		x;
	int		k;

	pf_hist_reset(&h);
	for (i = 0; i < N; i++) {
		/* 30 days times e^(u lo), e^y by squaring e^(y/1024). */
		x = 1 + lo * rng_unit() / 1024;
		for (k = 0; k < 10; k++)
			x *= x;
		v = (uint64_t)(30.0 * DAY * x);
		vals[i] = v < 1000 ? 1000 : v;
		pf_hist_add(&h, vals[i]);
	}
	check_dist("log-uniform 1us..30d", &h, vals, N);
}

static void
test_small(void)
{
	struct pf_hist	h;
	size_t		i;

	pf_hist_reset(&h);
	for (i = 0; i < 2048; i++) {
		vals[i] = i;
		pf_hist_add(&h, i);
	}
	check_dist("every value 0..2047", &h, vals, 2048);
}

static void
test_huge(void)
{
	struct pf_hist	h;
	size_t		i;

	pf_hist_reset(&h);
	pf_hist_add(&h, UINT64_MAX);
	pf_hist_add(&h, 1);
	is_int(pf_hist_count(&h), 2, "huge: counted");
	ok(pf_hist_max(&h) == UINT64_MAX, "huge: max exact at UINT64_MAX");
	ok(pf_hist_quantile(&h, 1) == UINT64_MAX, "huge: q=1 is UINT64_MAX");
	is_int(pf_hist_quantile(&h, 0.5), 1, "huge: p50 of two is the lower");

	/* Beyond the top bucket only the extremes stay exact. */
	pf_hist_reset(&h);
	for (i = 0; i < 100; i++)
		pf_hist_add(&h, 100 * DAY + i);
	ok(pf_hist_quantile(&h, 0.5) >= 100 * DAY &&
	    pf_hist_quantile(&h, 0.5) <= 100 * DAY + 99,
	    "huge: above 52 days, quantiles stay within [min, max]");
	is_int(pf_hist_max(&h), 100 * DAY + 99, "huge: max exact");
}

/*
 * Around every power of two (and a few values between), one value among
 * far smaller and far larger ones: the median is that value's bucket,
 * unclamped, so its midpoint is checked directly.
 */
static void
test_sweep(void)
{
	struct pf_hist	h;
	uint64_t	v, got;
	int		k, d, good = 1, n = 0;

	for (k = 0; k < 52; k++) {
		for (d = -3; d <= 3; d++) {
			v = (1ULL << k) + (uint64_t)(int64_t)d *
			    ((1ULL << k) / 7 + 1);
			if ((1ULL << k) < 4 && d < 0)
				continue;
			pf_hist_reset(&h);
			pf_hist_add(&h, 0);
			pf_hist_add(&h, v);
			pf_hist_add(&h, v);
			pf_hist_add(&h, v);
			pf_hist_add(&h, UINT64_MAX);
			got = pf_hist_quantile(&h, 0.5);
			n++;
			if (!close_enough(got, v)) {
				good = 0;
				diag("sweep: %llu reported as %llu",
				    (unsigned long long)v,
				    (unsigned long long)got);
			}
		}
	}
	ok(good, "sweep: %d values from 1ns to 2^52ns within 1/64", n);
}

static void
test_merge(void)
{
	struct pf_hist	a, b, all, empty;
	size_t		i;
	uint64_t	v;

	pf_hist_reset(&a);
	pf_hist_reset(&b);
	pf_hist_reset(&all);
	pf_hist_reset(&empty);
	for (i = 0; i < 5000; i++) {
		v = rng() % (10 * PF_NSEC);
		pf_hist_add(i % 3 ? &a : &b, v);
		pf_hist_add(&all, v);
	}
	pf_hist_add(&b, 7);
	pf_hist_add(&all, 7);
	pf_hist_merge(&a, &b);
	ok(memcmp(&a, &all, sizeof(a)) == 0,
	    "merge: equals adding every value to one histogram");
	is_int(pf_hist_min(&a), 7, "merge: min from the source");

	b = a;
	pf_hist_merge(&a, &empty);
	ok(memcmp(&a, &b, sizeof(a)) == 0, "merge: an empty source is a no-op");
	pf_hist_merge(&empty, &a);
	ok(memcmp(&empty, &a, sizeof(a)) == 0,
	    "merge: into an empty histogram copies");
}

static void
test_reset(void)
{
	struct pf_hist	h, zero;
	int		i;

	pf_hist_reset(&h);
	for (i = 0; i < 100; i++)
		pf_hist_add(&h, (uint64_t)i * 1000);
	pf_hist_reset(&h);
	memset(&zero, 0, sizeof(zero));
	ok(memcmp(&h, &zero, sizeof(h)) == 0, "reset: back to empty");
	is_int(pf_hist_count(&h), 0, "reset: count 0");
	is_int(pf_hist_quantile(&h, 0.99), 0, "reset: p99 0");
	pf_hist_add(&h, 42000);
	is_int(pf_hist_quantile(&h, 0.5), 42000, "reset: usable again");
}

/*
 * 2^32 adds take too long for a unit test; fill a bucket by hand instead,
 * as a plain struct allows.
 */
static void
test_overflow(void)
{
	struct pf_hist	h, g;
	uint64_t	p50;
	size_t		i;

	pf_hist_reset(&h);
	pf_hist_add(&h, 1 * PF_MSEC);
	pf_hist_add(&h, 2 * PF_NSEC);
	/* Make the 1ms bucket full. */
	for (i = 0; i < PF_HIST_BUCKETS; i++)
		if (h.bucket[i] != 0) {
			h.count += UINT32_MAX - h.bucket[i];
			h.total += UINT32_MAX - h.bucket[i];
			h.bucket[i] = UINT32_MAX;
			break;
		}
	g = h;
	pf_hist_add(&h, 1 * PF_MSEC);
	ok(pf_hist_count(&h) == (uint64_t)UINT32_MAX + 2,
	    "overflow: count stays exact past 2^32");
	ok(h.total < h.count && h.total > 0, "overflow: buckets halved");
	p50 = pf_hist_quantile(&h, 0.5);
	ok(close_enough(p50, PF_MSEC), "overflow: p50 still 1ms");
	is_int(pf_hist_max(&h), 2 * PF_NSEC, "overflow: max exact");

	pf_hist_merge(&g, &g);
	ok(pf_hist_count(&g) == 2 * ((uint64_t)UINT32_MAX + 1),
	    "overflow: merged count exact");
	ok(close_enough(pf_hist_quantile(&g, 0.5), PF_MSEC),
	    "overflow: merged p50 still 1ms");
	ok(g.total <= 2ULL * UINT32_MAX, "overflow: merged buckets scaled");
}

int
main(void)
{
	test_empty();
	test_single();
	test_constant();
	test_uniform();
	test_exponential();
	test_loguniform();
	test_small();
	test_huge();
	test_sweep();
	test_merge();
	test_reset();
	test_overflow();
	return (done());
}
