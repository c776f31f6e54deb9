/* SPDX-License-Identifier: ISC */
/*
 * field.c: the field syntax of pipeflow(7) -- "N" for the Nth field of a
 * delimited record, ".a.b" for a member of a JSON object record.  The
 * timestamp formats a field may hold are in time.c.
 *
 * Keys, priorities and timestamps are read from every record, at
 * millions of records a second, so the extractor allocates nothing and
 * reads each byte at most once.  The JSON side is a single-pass scanner,
 * not a parser: it walks the objects along the path, skips every other
 * value with an explicit bracket stack (no recursion, bounded depth) and
 * stops as soon as the value is found.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pipeflow.h"

/* Brackets a skipped value may nest: one bit each in skip_value(). */
#define JSON_MAXNEST	1024

/*
 * Eight bytes at a time where a word holds them in string order from its
 * low end: the end of a blank-separated field found with a few word
 * operations instead of a loop.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIELD_SWAR	1
#define ONES		0x0101010101010101ULL
#define HIGHS		0x8080808080808080ULL
static uint64_t	 load8(const char *);
static uint64_t	 zero_bytes(uint64_t);
#endif

static int	 is_blank(int);
static const char *skip_word(const char *, const char *);
static const char *skip_ws(const char *, const char *);
static const char *skip_string(const char *, const char *);
static const char *skip_number(const char *, const char *);
static const char *skip_value(const char *, const char *);
static int	 value_end(const char *, const char *);
static int	 get_blanks(const struct pf_field *, const char *, size_t,
		     const char **, size_t *);
static int	 get_sep(const struct pf_field *, const char *, size_t,
		     const char **, size_t *);
static int	 get_json(const struct pf_field *, const char *, size_t,
		     const char **, size_t *);

int
pf_field_parse(struct pf_field *f, const char *spec, const char *sep,
    const char **errstr)
{
	const char	*p, *dot;
	size_t		 n, used;
	unsigned int	 num;

	memset(f, 0, sizeof(*f));
	f->sep = -1;
	if (sep != NULL && sep[0] != '\0') {
		if (sep[1] != '\0') {
			*errstr = "separator must be one character";
			return (-1);
		}
		f->sep = (unsigned char)sep[0];
	}

	if (spec[0] == '.') {
		used = 0;
		for (p = spec + 1;; p = dot + 1) {
			if ((dot = strchr(p, '.')) == NULL)
				dot = p + strlen(p);
			if ((n = dot - p) == 0) {
				*errstr = "invalid field";
				return (-1);
			}
			if (f->depth == PF_FIELD_MAXDEPTH) {
				*errstr = "field path too deep";
				return (-1);
			}
			if (n > sizeof(f->names) - used) {
				*errstr = "field path too long";
				return (-1);
			}
			memcpy(f->names + used, p, n);
			f->off[f->depth] = used;
			f->len[f->depth] = n;
			f->depth++;
			used += n;
			if (*dot == '\0')
				break;
		}
		*errstr = NULL;
		return (0);
	}

	/* A plain decimal: no sign, no blank, no leading zero. */
	if (spec[0] < '0' || spec[0] > '9') {
		*errstr = "invalid field";
		return (-1);
	}
	num = 0;
	for (p = spec; *p >= '0' && *p <= '9'; p++) {
		if (num <= PF_FIELD_MAXNUM)
			num = num * 10 + (*p - '0');
	}
	if (*p != '\0' || (spec[0] == '0' && spec[1] != '\0')) {
		*errstr = "invalid field";
		return (-1);
	}
	if (num == 0) {
		*errstr = "field numbers start at 1";
		return (-1);
	}
	if (num > PF_FIELD_MAXNUM) {
		*errstr = "field number too large";
		return (-1);
	}
	f->num = num;
	*errstr = NULL;
	return (0);
}

int
pf_field_get(const struct pf_field *f, const char *rec, size_t len,
    const char **val, size_t *vlen)
{
	if (f->num == 0)
		return (get_json(f, rec, len, val, vlen));
	if (f->sep == -1)
		return (get_blanks(f, rec, len, val, vlen));
	return (get_sep(f, rec, len, val, vlen));
}

static int
is_blank(int c)
{
	return (c == ' ' || c == '\t');
}

#ifdef FIELD_SWAR
static uint64_t
load8(const char *p)
{
	uint64_t	x;

	memcpy(&x, p, sizeof(x));
	return (x);
}

/*
 * The high bit of every zero byte of x.  A borrow can mark bytes above a
 * zero byte too, never below one: the lowest mark is always exact.
 */
static uint64_t
zero_bytes(uint64_t x)
{
	return ((x - ONES) & ~x & HIGHS);
}

#endif

/* The first blank at or after p, or end. */
static inline const char *
skip_word(const char *p, const char *end)
{
#ifdef FIELD_SWAR
	uint64_t	x, m;

	for (; end - p >= 8; p += 8) {
		x = load8(p);
		m = zero_bytes(x ^ (ONES * ' ')) |
		    zero_bytes(x ^ (ONES * '\t'));
		if (m != 0)
			return (p + (__builtin_ctzll(m) >> 3));
	}
#endif
	while (p < end && !is_blank(*p))
		p++;
	return (p);
}

/*
 * The num-th run of non-blanks.  With SSE2, sixteen bytes at a time: a
 * mask of their blanks shows where fields start (a non-blank after a
 * blank) and end, and the field wanted is found by counting starts.
 */
static int
get_blanks(const struct pf_field *f, const char *rec, size_t len,
    const char **val, size_t *vlen)
{
	const char	*p = rec, *end = rec + len, *start;
	unsigned int	 n = 0;
#ifdef __SSE2__
	const __m128i	 sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	__m128i		 x;
	unsigned int	 blank, word, starts, prev = 0, at;

	for (; end - p >= 16; p += 16) {
		x = _mm_loadu_si128((const void *)p);
		blank = (unsigned int)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, tab)));
		word = ~blank & 0xffff;
		starts = word & ~((word << 1) | prev);
		prev = word >> 15;
		for (; starts != 0; starts &= starts - 1) {
			if (++n < f->num)
				continue;
			at = __builtin_ctz(starts);
			start = p + at;
			blank &= ~0U << at;
			p = blank != 0 ? p + __builtin_ctz(blank) :
			    skip_word(p + 16, end);
			*val = start;
			*vlen = p - start;
			return (1);
		}
	}
	/* The rest of a field the last block ended in. */
	if (prev)
		p = skip_word(p, end);
#endif
	for (n++;; n++) {
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			return (0);
		start = p;
		p = skip_word(p, end);
		if (n == f->num) {
			*val = start;
			*vlen = p - start;
			return (1);
		}
	}
}

static int
get_sep(const struct pf_field *f, const char *rec, size_t len,
    const char **val, size_t *vlen)
{
	const char	*p = rec, *end = rec + len, *q;
	unsigned int	 n;

	/* As awk: an empty record has no fields, not one empty one. */
	if (len == 0)
		return (0);
	for (n = 1; n < f->num; n++) {
		if ((q = memchr(p, f->sep, end - p)) == NULL)
			return (0);
		p = q + 1;
	}
	if ((q = memchr(p, f->sep, end - p)) == NULL)
		q = end;
	*val = p;
	*vlen = q - p;
	return (1);
}

/* JSON whitespace. */
static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return (p);
}

/*
 * p is at an opening quote: return a pointer to the closing one, or NULL
 * if the string is not closed before end.  A quote is escaped when an
 * odd number of backslashes precede it inside the string, so memchr can
 * jump from quote to quote instead of looking at every byte.
 */
static const char *
skip_string(const char *p, const char *end)
{
	const char	*start = p + 1, *q, *b;

#ifdef __SSE2__
	/* Keys and most values end, unescaped, in their first 16 bytes. */
	if (end - start >= 16) {
		__m128i		x = _mm_loadu_si128((const void *)start);
		unsigned int	mq, mb;

		mq = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
		    _mm_set1_epi8('"')));
		mb = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
		    _mm_set1_epi8('\\')));
		if (mq != 0 && (mb == 0 ||
		    __builtin_ctz(mq) < __builtin_ctz(mb)))
			return (start + __builtin_ctz(mq));
	}
#endif
	for (p = start; p < end; p = q + 1) {
		if ((q = memchr(p, '"', end - p)) == NULL)
			return (NULL);
		for (b = q; b > start && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return (q);
	}
	return (NULL);
}

/*
 * A number as JSON spells it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * Returns a pointer past it, or NULL if p does not start one.
 */
static const char *
skip_number(const char *p, const char *end)
{
	const char	*d;

	if (p < end && *p == '-')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return (NULL);
	if (*p++ != '0')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		d = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return (NULL);
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		d = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return (NULL);
	}
	return (p);
}

/*
 * Skip one JSON value starting at p (whitespace already skipped) and
 * return a pointer just past it, or NULL if it is malformed, truncated
 * or nested deeper than JSON_MAXNEST.  Containers are walked with a bit
 * stack (1 = object, 0 = array) instead of recursion, so a hostile
 * record cannot exhaust the C stack.
 */
static const char *
skip_value(const char *p, const char *end)
{
	uint64_t	 stack[JSON_MAXNEST / 64];
	unsigned int	 depth = 0;
	int		 obj = 0;

	for (;;) {
		/* At the start of a value. */
		if (p == end)
			return (NULL);
		switch (*p) {
		case '"':
			if ((p = skip_string(p, end)) == NULL)
				return (NULL);
			p++;
			break;
		case '{':
		case '[':
			if (depth == JSON_MAXNEST)
				return (NULL);
			obj = *p == '{';
			if (obj)
				stack[depth / 64] |= 1ULL << (depth % 64);
			else
				stack[depth / 64] &= ~(1ULL << (depth % 64));
			depth++;
			p = skip_ws(p + 1, end);
			if (p < end && *p == (obj ? '}' : ']')) {
				depth--;
				p++;
				break;
			}
			if (obj)
				goto key;
			continue;
		case 't':
			if (end - p < 4 || memcmp(p, "true", 4) != 0)
				return (NULL);
			p += 4;
			break;
		case 'f':
			if (end - p < 5 || memcmp(p, "false", 5) != 0)
				return (NULL);
			p += 5;
			break;
		case 'n':
			if (end - p < 4 || memcmp(p, "null", 4) != 0)
				return (NULL);
			p += 4;
			break;
		default:
			if ((p = skip_number(p, end)) == NULL)
				return (NULL);
			break;
		}

		/* After a value: close containers until one goes on. */
		for (;;) {
			if (depth == 0)
				return (p);
			obj = (stack[(depth - 1) / 64] >>
			    ((depth - 1) % 64)) & 1;
			p = skip_ws(p, end);
			if (p == end)
				return (NULL);
			if (*p == (obj ? '}' : ']')) {
				depth--;
				p++;
				continue;
			}
			if (*p != ',')
				return (NULL);
			p = skip_ws(p + 1, end);
			break;
		}
		if (!obj)
			continue;
key:
		/* In an object, before a member: "key" ws : ws */
		if (p == end || *p != '"' ||
		    (p = skip_string(p, end)) == NULL)
			return (NULL);
		p = skip_ws(p + 1, end);
		if (p == end || *p != ':')
			return (NULL);
		p = skip_ws(p + 1, end);
	}
}

/* Whether what follows a member's value ends it properly: ws [,}]. */
static int
value_end(const char *p, const char *end)
{
	p = skip_ws(p, end);
	return (p < end && (*p == ',' || *p == '}'));
}

static int
get_json(const struct pf_field *f, const char *rec, size_t len,
    const char **val, size_t *vlen)
{
	const char	*p = rec, *end = rec + len, *key, *q;
	unsigned int	 level = 0;
	size_t		 klen;

	p = skip_ws(p, end);
	if (p == end || *p != '{')
		return (0);
	p++;
	/*
	 * Inside the object at path level `level', before a member.  The
	 * field is looked for in the first member of each name only, so
	 * a closing brace at this level means it is absent: the rest of
	 * the record need not be read.
	 */
	for (;;) {
		p = skip_ws(p, end);
		if (p == end || *p != '"')
			return (0);	/* '}', a trailing comma or junk */
		key = p + 1;
		if ((q = skip_string(p, end)) == NULL)
			return (0);
		klen = q - key;
		p = skip_ws(q + 1, end);
		if (p == end || *p != ':')
			return (0);
		p = skip_ws(p + 1, end);
		if (p == end)
			return (0);
		if (klen == f->len[level] &&
		    memcmp(key, f->names + f->off[level], klen) == 0) {
			if (level + 1 < f->depth) {
				if (*p != '{')
					return (0);
				p++;
				level++;
				continue;
			}
			if (*p == '"') {
				if ((q = skip_string(p, end)) == NULL ||
				    !value_end(q + 1, end))
					return (0);
				*val = p + 1;
				*vlen = q - (p + 1);
				return (1);
			}
			if ((q = skip_number(p, end)) == NULL ||
			    !value_end(q, end))
				return (0);
			*val = p;
			*vlen = q - p;
			return (1);
		}
		if ((p = skip_value(p, end)) == NULL)
			return (0);
		p = skip_ws(p, end);
		if (p == end || *p != ',')
			return (0);
		p++;
	}
}
