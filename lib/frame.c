/* SPDX-License-Identifier: ISC */
/*
 * frame.c: find record boundaries in a buffer.
 *
 * Records end with '\n' (lines) or '\0' (-z); --bytes has no boundaries.
 * Everything here runs on large reads, so it scans with memchr(3), which
 * glibc vectorises, instead of looking at one byte at a time.
 */
#include "config.h"

#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FRAME_AVX2	1
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pipeflow.h"

static inline int
frame_term(enum pf_framing f)
{
	return (f == PF_FRAME_NUL ? '\0' : '\n');
}

size_t
pf_frame_scan(enum pf_framing f, const char *p, size_t len, size_t maxrec,
    size_t *end)
{
	const char	*q, *lim = p + len, *start = p;
	size_t		 n = 0;
	int		 t;

	*end = 0;
	if (f == PF_FRAME_BYTES)
		return (0);
	t = frame_term(f);
	while (n < maxrec && p < lim &&
	    (q = memchr(p, t, lim - p)) != NULL) {
		p = q + 1;
		n++;
	}
	*end = (n > 0) ? (size_t)(p - start) : 0;
	return (n);
}

/*
 * The record rules, in one place: see pipeflow.h.  When the carried part
 * and the new bytes together are no longer than the limit, no record can
 * be too long; when only the new bytes are, the records inside them are
 * shorter still, so only the first (which may continue the carried part)
 * and the unterminated rest need a look, and the count is the vectorised
 * one.  Otherwise each record is measured.
 */
int
pf_frame_check(enum pf_framing f, const char *p, size_t len, size_t carry,
    size_t maxrec, size_t *good, size_t *nrec)
{
	const char	*q, *r, *lim = p + len, *s;
	size_t		 n = 0;
	int		 t;

	*good = 0;
	if (nrec != NULL)
		*nrec = 0;
	if (f == PF_FRAME_BYTES) {
		*good = len;
		return (0);
	}
	t = frame_term(f);
	if (len <= maxrec) {
		if ((q = memchr(p, t, len)) == NULL)
			return (carry + len > maxrec);
		if (carry + (size_t)(q - p) > maxrec)
			return (1);
		r = memrchr(q, t, lim - q);
		*good = r - p + 1;
		if (nrec != NULL)
			*nrec = 1 + pf_frame_count(f, q + 1, r - q);
		return (0);
	}
	for (s = p; s < lim && (q = memchr(s, t, lim - s)) != NULL;
	    s = q + 1) {
		if ((size_t)(q - s) + (s == p ? carry : 0) > maxrec)
			goto out;
		n++;
		*good = q + 1 - p;
	}
	if ((size_t)(lim - s) + (s == p ? carry : 0) <= maxrec) {
		if (nrec != NULL)
			*nrec = n;
		return (0);
	}
out:
	if (nrec != NULL)
		*nrec = n;
	return (1);
}

#ifdef FRAME_AVX2
static size_t	 frame_count_avx2(const char *, size_t, int, size_t *)
		     __attribute__((target("avx2")));

/* The same as the SSE2 loop below, 32 bytes at a time. */
static size_t
frame_count_avx2(const char *p, size_t len, int t, size_t *done)
{
	const __m256i	 tv = _mm256_set1_epi8((char)t);
	const __m256i	 zero = _mm256_setzero_si256();
	__m256i		 acc, x;
	size_t		 n = 0, i = 0, blocks = len / 32, b, run;

	while (blocks > 0) {
		run = blocks > 255 ? 255 : blocks;
		acc = _mm256_setzero_si256();
		for (b = 0; b < run; b++, i += 32) {
			x = _mm256_loadu_si256((const __m256i *)(p + i));
			acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(x, tv));
		}
		acc = _mm256_sad_epu8(acc, zero);
		n += (size_t)_mm256_extract_epi64(acc, 0) +
		    (size_t)_mm256_extract_epi64(acc, 1) +
		    (size_t)_mm256_extract_epi64(acc, 2) +
		    (size_t)_mm256_extract_epi64(acc, 3);
		blocks -= run;
	}
	*done = i;
	return (n);
}
#endif

/*
 * Counting is on the output path of every record, where memchr would be
 * called once per record: compare 16 bytes at a time instead and add up
 * the matches.  The per-lane byte counters are flushed before they can
 * wrap (255 rounds).
 */
size_t
pf_frame_count(enum pf_framing f, const char *p, size_t len)
{
	size_t	n = 0, i = 0;
	int	t;

	if (f == PF_FRAME_BYTES)
		return (0);
	t = frame_term(f);
#ifdef FRAME_AVX2
	{
		static int	 avx2 = -1;

		if (avx2 == -1)
			avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
		if (avx2) {
			n = frame_count_avx2(p, len, t, &i);
			p += i;
			len -= i;
			i = 0;
		}
	}
#endif
#ifdef __SSE2__
	{
		const __m128i	 tv = _mm_set1_epi8((char)t);
		const __m128i	 zero = _mm_setzero_si128();
		__m128i		 acc, x;
		size_t		 blocks = len / 16, b, run;

		while (blocks > 0) {
			run = blocks > 255 ? 255 : blocks;
			acc = _mm_setzero_si128();
			for (b = 0; b < run; b++, i += 16) {
				x = _mm_loadu_si128((const __m128i *)(p + i));
				/* A match is 0xff, that is -1: subtract it. */
				acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, tv));
			}
			acc = _mm_sad_epu8(acc, zero);
			n += (size_t)_mm_cvtsi128_si64(acc) +
			    (size_t)_mm_extract_epi16(acc, 4);
			blocks -= run;
		}
	}
#endif
	for (; i < len; i++)
		n += (p[i] == (char)t);
	return (n);
}
