/* SPDX-License-Identifier: ISC */
/*
 * time.c: the timestamp formats of pipeflow(7) -- seconds, milliseconds
 * or microseconds since the epoch, and RFC 3339 -- as a field of a record
 * holds them (see field.c).
 *
 * Timestamps are read from every record, so nothing is allocated and a
 * memo of what consecutive records share skips most of the work.  They
 * are converted with plain calendar arithmetic so that the result never
 * depends on the locale or on TZ.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pipeflow.h"

static const uint64_t	 pow10tab[10] = { 1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000 };

/* "YYYY-MM-DDThh:mm": what the memo keeps of an RFC 3339 time. */
#define RFC_MINUTE	16

/*
 * Eight bytes at a time where a word holds them in string order from its
 * low end: a remembered time's digits compared with two word operations
 * instead of a loop.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TIME_SWAR	1
static uint64_t	 load8(const char *);
#endif

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

#ifdef TIME_SWAR
static uint64_t
load8(const char *p)
{
	uint64_t	x;

	memcpy(&x, p, sizeof(x));
	return (x);
}
#endif

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
#ifdef TIME_SWAR
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
