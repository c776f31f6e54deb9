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
