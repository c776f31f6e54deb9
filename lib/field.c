/* SPDX-License-Identifier: ISC */
/*
 * field.c: the field syntax of pipeflow(7) -- "N" for the Nth field of a
 * delimited record, ".a.b" for a member of a JSON object record -- and
 * the timestamp formats a field may hold.
 *
 * Keys, priorities and timestamps are read from every record, at
 * millions of records a second, so the extractor allocates nothing and
 * reads each byte at most once.  The JSON side is a single-pass scanner,
 * not a parser: it walks the objects along the path, skips every other
 * value with an explicit bracket stack (no recursion, bounded depth) and
 * stops as soon as the value is found.  Timestamps are converted with
 * plain calendar arithmetic so that the result never depends on the
 * locale or on TZ.
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

static const uint64_t	 pow10tab[10] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000 };

/* "YYYY-MM-DDThh:mm": what the memo keeps of an RFC 3339 time. */
#define RFC_MINUTE	16

/*
 * Eight bytes at a time where a word holds them in string order from its
 * low end: the end of a blank-separated field found, and a remembered
 * time's digits compared, with a few word operations instead of a loop.
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
static int	 time_fail(const char **, const char *);
static int	 digits(const char *, const char *, size_t, int *);
static int	 time_epoch(const char *, size_t, unsigned int,
		     struct pf_timememo *, int64_t *, const char **);
static int	 memo_match(const struct pf_timememo *, const char *, size_t);
static int	 time_rfc3339(const char *, size_t, struct pf_timememo *,
		     int64_t *, const char **);
static int	 leap_year(int);
static int64_t	 days_from_civil(int, int, int);

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

int
pf_timefmt_parse(const char *name, enum pf_timefmt *fmt)
{
	if (strcmp(name, "epoch") == 0)
		*fmt = PF_TIME_EPOCH;
	else if (strcmp(name, "epoch-ms") == 0)
		*fmt = PF_TIME_EPOCH_MS;
	else if (strcmp(name, "epoch-us") == 0)
		*fmt = PF_TIME_EPOCH_US;
	else if (strcmp(name, "rfc3339") == 0)
		*fmt = PF_TIME_RFC3339;
	else {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

int
pf_time_parse(const char *s, size_t len, enum pf_timefmt fmt, int64_t *ns,
    const char **errstr)
{
	return (pf_time_parse_memo(NULL, s, len, fmt, ns, errstr));
}

int
pf_time_parse_memo(struct pf_timememo *m, const char *s, size_t len,
    enum pf_timefmt fmt, int64_t *ns, const char **errstr)
{
	switch (fmt) {
	case PF_TIME_EPOCH:
		return (time_epoch(s, len, 9, m, ns, errstr));
	case PF_TIME_EPOCH_MS:
		return (time_epoch(s, len, 6, m, ns, errstr));
	case PF_TIME_EPOCH_US:
		return (time_epoch(s, len, 3, m, ns, errstr));
	case PF_TIME_RFC3339:
		return (time_rfc3339(s, len, m, ns, errstr));
	}
	return (time_fail(errstr, "invalid time format"));
}

static int
time_fail(const char **errstr, const char *msg)
{
	*errstr = msg;
	return (-1);
}

/* Read exactly n decimal digits at p (before end) into *v. */
static int
digits(const char *p, const char *end, size_t n, int *v)
{
	if ((size_t)(end - p) < n)
		return (-1);
	for (*v = 0; n > 0; n--, p++) {
		if (*p < '0' || *p > '9')
			return (-1);
		*v = *v * 10 + (*p - '0');
	}
	return (0);
}

/*
 * Whether the len bytes at s start with the digits m holds, and no more
 * digits follow them.  Eight to sixteen of them (today's seconds,
 * milliseconds) are two overlapping word compares.
 */
static int
memo_match(const struct pf_timememo *m, const char *s, size_t len)
{
	size_t	n = m->len;

	if (n == 0 || m->rfc3339 || len < n ||
	    (len > n && (unsigned int)(s[n] - '0') <= 9))
		return (0);
#ifdef FIELD_SWAR
	if (n >= 8 && n <= 16)
		return (((load8(s) ^ load8(m->digits)) |
		    (load8(s + n - 8) ^ load8(m->digits + n - 8))) == 0);
#endif
	return (memcmp(s, m->digits, n) == 0);
}

/*
 * An unsigned decimal of units worth 10^places nanoseconds each.
 * The integer part saturates rather than wraps, so overflow is reported
 * only once the whole string is known to be well formed.  Fraction digits
 * past whole nanoseconds are checked and dropped.
 */
static int
time_epoch(const char *s, size_t len, unsigned int places,
    struct pf_timememo *m, int64_t *ns, const char **errstr)
{
#define IPMAX(k)	((uint64_t)INT64_MAX / (k))
	static const uint64_t	 ipmax[10] = { IPMAX(1), IPMAX(10),
	    IPMAX(100), IPMAX(1000), IPMAX(10000), IPMAX(100000),
	    IPMAX(1000000), IPMAX(10000000), IPMAX(100000000),
	    IPMAX(1000000000) };
#undef IPMAX
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	const unsigned char	*d, *lim;
	uint64_t		 ip = 0, frac = 0;
	unsigned int		 c, k;
	int			 big = 0;

	d = p;
	if (m != NULL && memo_match(m, s, len)) {
		ip = m->units;
		p += m->len;
		goto point;
	}
	/* Nineteen digits cannot overflow: check only past them. */
	for (; p < end && (c = *p - '0') <= 9 && p - d < 19; p++)
		ip = ip * 10 + c;
	for (; p < end && (c = *p - '0') <= 9; p++) {
		if (ip > (UINT64_MAX - 9) / 10)
			big = 1;
		else
			ip = ip * 10 + c;
	}
	if (p == d)
		return (time_fail(errstr, "invalid time"));
	if (m != NULL && !big && (size_t)(p - d) <= sizeof(m->digits)) {
		m->units = ip;
		m->len = p - d;
		m->rfc3339 = 0;
		memcpy(m->digits, d, m->len);
	}
point:
	if (p < end && *p == '.') {
		d = ++p;
		lim = (size_t)(end - p) > places ? p + places : end;
		for (; p < lim && (c = *p - '0') <= 9; p++)
			frac = frac * 10 + c;
		k = p - d;
		while (p < end && (unsigned int)(*p - '0') <= 9)
			p++;
		if (p == d)
			return (time_fail(errstr, "invalid time"));
		frac *= pow10tab[places - k];
	}
	if (p != end)
		return (time_fail(errstr, "invalid time"));
	if (big || ip > ipmax[places] ||
	    ip * pow10tab[places] > (uint64_t)INT64_MAX - frac)
		return (time_fail(errstr, "time out of range"));
	*ns = (int64_t)(ip * pow10tab[places] + frac);
	*errstr = NULL;
	return (0);
}

static int
leap_year(int y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/*
 * Days from 1970-01-01 to the proleptic Gregorian date y-m-d, counting
 * years from March so that the leap day ends a year (the well-known
 * civil-from-days algorithm, run backwards).  y is 0..9999 here.
 */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
time_rfc3339(const char *s, size_t len, struct pf_timememo *m, int64_t *ns,
    const char **errstr)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char	*p = s, *end = s + len, *d, *lim;
	int		 y, mo, dd, h, mi, sec, oh, om, dim, known = 0;
	int64_t		 secs, base = 0, off = 0, frac = 0;
	unsigned int	 c;

	/* The minute of the last time read, already checked: its seconds. */
	if (m != NULL && m->rfc3339 && len >= RFC_MINUTE &&
	    memcmp(s, m->digits, RFC_MINUTE) == 0) {
		if (end - p < RFC_MINUTE + 3 || p[RFC_MINUTE] != ':' ||
		    digits(p + RFC_MINUTE + 1, end, 2, &sec) == -1)
			return (time_fail(errstr, "invalid time"));
		base = (int64_t)m->units;
		known = 1;
		y = mo = dd = h = mi = 0;
	} else if (digits(p, end, 4, &y) == -1 || end - p < 5 ||
	    p[4] != '-' ||
	    digits(p + 5, end, 2, &mo) == -1 || end - p < 8 || p[7] != '-' ||
	    digits(p + 8, end, 2, &dd) == -1 || end - p < 11 ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
	    digits(p + 11, end, 2, &h) == -1 || end - p < 14 ||
	    p[13] != ':' || digits(p + 14, end, 2, &mi) == -1 ||
	    end - p < 17 || p[16] != ':' ||
	    digits(p + 17, end, 2, &sec) == -1)
		return (time_fail(errstr, "invalid time"));
	p += 19;
	if (p < end && *p == '.') {
		/* Nine digits make nanoseconds; the rest are dropped. */
		d = ++p;
		lim = end - p > 9 ? p + 9 : end;
		for (; p < lim && (c = (unsigned char)*p - '0') <= 9; p++)
			frac = frac * 10 + c;
		frac *= (int64_t)pow10tab[9 - (p - d)];
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return (time_fail(errstr, "invalid time"));
	}
	if (p < end && (*p == 'Z' || *p == 'z'))
		p++;
	else if (p < end && (*p == '+' || *p == '-')) {
		if (digits(p + 1, end, 2, &oh) == -1 || end - p < 4 ||
		    p[3] != ':' || digits(p + 4, end, 2, &om) == -1)
			return (time_fail(errstr, "invalid time"));
		if (oh > 23 || om > 59)
			return (time_fail(errstr, "invalid time"));
		off = (oh * 60 + om) * 60;
		if (*p == '-')
			off = -off;
		p += 6;
	} else
		return (time_fail(errstr, "invalid time"));
	if (p != end)
		return (time_fail(errstr, "invalid time"));

	if (!known) {
		if (mo < 1 || mo > 12)
			return (time_fail(errstr, "invalid date"));
		dim = mdays[mo - 1] + (mo == 2 && leap_year(y));
		if (dd < 1 || dd > dim)
			return (time_fail(errstr, "invalid date"));
		if (h > 23 || mi > 59)
			return (time_fail(errstr, "invalid time"));
		base = days_from_civil(y, mo, dd) * 86400 + h * 3600 +
		    mi * 60;
		if (m != NULL) {
			m->units = (uint64_t)base;
			m->len = RFC_MINUTE;
			m->rfc3339 = 1;
			memcpy(m->digits, s, RFC_MINUTE);
		}
	}
	if (sec > 60)
		return (time_fail(errstr, "invalid time"));

	/* Local time minus its offset is UTC. */
	secs = base + sec - off;
	if (secs > INT64_MAX / (int64_t)PF_NSEC ||
	    (secs == INT64_MAX / (int64_t)PF_NSEC &&
	    frac > INT64_MAX % (int64_t)PF_NSEC) ||
	    secs < INT64_MIN / (int64_t)PF_NSEC)
		return (time_fail(errstr, "time out of range"));
	*ns = secs * (int64_t)PF_NSEC + frac;
	*errstr = NULL;
	return (0);
}
