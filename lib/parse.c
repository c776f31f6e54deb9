/* SPDX-License-Identifier: ISC */
/*
 * parse.c: the units of pipeflow(7) -- sizes, counts, durations,
 * percentages and rates -- parsed strictly, and sizes and durations
 * formatted for people.  Writing JSON is in json.c.
 *
 * Every tool reads its numbers through here so that they all accept and
 * refuse the same things.  expand_number(3) is not used for input: it
 * accepts signs, hex, octal, junk after the suffix and overflow.  Numbers
 * are scanned once into an integer part and a string of fraction digits,
 * then scaled with integer arithmetic so that "1.5G" is exactly
 * 1610612736; where a unit leaves a fraction of a byte or a nanosecond,
 * the result is truncated toward zero ("1.5" is 1 byte, "0.5" is 0).
 */

#include "config.h"

#include <errno.h>
#include <libutil.h>
#include <stdio.h>
#include <string.h>

#include "pipeflow.h"

/* A scanned decimal: ip + 0.frac, frac being nfrac digits (maybe 0). */
struct num {
	uint64_t	 ip;
	const char	*frac;
	size_t		 nfrac;
};

struct unit {
	const char	*name;
	uint64_t	 mult;
};

static int	 fail(const char **, const char *, int);
static int	 suffix_fail(const char **, const char *, const char *);
static const char *scan_num(const char *, struct num *, int *);
static int	 scale(const struct num *, uint64_t, uint64_t *);
static double	 num_double(const struct num *);
static int	 unit_find(const struct unit *, const char *, size_t,
		     uint64_t *);
static int	 size_unit(const char *, size_t, uint64_t *);
static unsigned __int128 gcd128(unsigned __int128, unsigned __int128);

static const struct unit duration_units[] = {
	{ "",	PF_NSEC },
	{ "us",	1000ULL },
	{ "ms",	PF_MSEC },
	{ "s",	PF_NSEC },
	{ "m",	60 * PF_NSEC },
	{ "h",	3600 * PF_NSEC },
	{ "d",	86400 * PF_NSEC },
	{ NULL,	0 }
};

/* Record rates count things, so their prefixes are decimal. */
static const struct unit record_units[] = {
	{ "",	1 },
	{ "k",	1000ULL },
	{ "K",	1000ULL },
	{ "M",	1000000ULL },
	{ "G",	1000000000ULL },
	{ NULL,	0 }
};

/* Rate periods, in seconds. */
static const struct unit periods[] = {
	{ "s",		1 },
	{ "sec",	1 },
	{ "second",	1 },
	{ "m",		60 },
	{ "min",	60 },
	{ "minute",	60 },
	{ "h",		3600 },
	{ "hour",	3600 },
	{ "d",		86400 },
	{ "day",	86400 },
	{ NULL,		0 }
};

static int
fail(const char **errstr, const char *msg, int error)
{
	if (errstr != NULL)
		*errstr = msg;
	errno = error;
	return -1;
}

/* A bad suffix that starts with a letter is named as such. */
static int
suffix_fail(const char **errstr, const char *p, const char *msg)
{
	if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		msg = "unknown suffix";
	return fail(errstr, msg, EINVAL);
}

/*
 * Scan a decimal at s: a digit first, no leading zero before another
 * digit (it would read as octal elsewhere), at most one '.' and a digit
 * after it.  Returns the end of the number, or NULL with *error set to
 * EINVAL or ERANGE.
 */
static const char *
scan_num(const char *s, struct num *n, int *error)
{
	const char	*p = s;
	unsigned int	 d;

	if (*p < '0' || *p > '9') {
		*error = EINVAL;
		return NULL;
	}
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
		*error = EINVAL;
		return NULL;
	}
	n->ip = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		d = *p - '0';
		if (n->ip > (UINT64_MAX - d) / 10) {
			*error = ERANGE;
			return NULL;
		}
		n->ip = n->ip * 10 + d;
	}
	n->frac = NULL;
	n->nfrac = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9') {
			*error = EINVAL;
			return NULL;
		}
		n->frac = p;
		while (*p >= '0' && *p <= '9')
			p++;
		n->nfrac = p - n->frac;
	}
	return p;
}

/*
 * Store floor(n * mult) in *out; -1 on overflow.  The fraction is folded
 * in from its last digit: floor((d * mult + x) / 10) equals
 * floor((d * mult + floor(x)) / 10), so each step is exact in integers,
 * and d * mult + x < 10 * mult fits while mult < 2^64 / 10.
 */
static int
scale(const struct num *n, uint64_t mult, uint64_t *out)
{
	uint64_t	 f = 0;
	size_t		 i;

	for (i = n->nfrac; i > 0; i--)
		f = ((uint64_t)(n->frac[i - 1] - '0') * mult + f) / 10;
	if (n->ip != 0 && mult > (UINT64_MAX - f) / n->ip)
		return -1;
	*out = n->ip * mult + f;
	return 0;
}

/* The value of n as a double, to within a rounding or two. */
static double
num_double(const struct num *n)
{
	struct num	 fr;
	uint64_t	 f;

	fr = *n;
	fr.ip = 0;
	(void)scale(&fr, 1000000000000000000ULL, &f);
	return (double)n->ip + (double)f / 1e18;
}

/* Look up the len bytes at s in a NULL-terminated table. */
static int
unit_find(const struct unit *tab, const char *s, size_t len, uint64_t *mult)
{
	for (; tab->name != NULL; tab++) {
		if (strlen(tab->name) == len &&
		    memcmp(tab->name, s, len) == 0) {
			*mult = tab->mult;
			return 0;
		}
	}
	return -1;
}

/*
 * Size suffixes: none or "B" for bytes; K (or k) M G T P E alone or with
 * "iB" for powers of 1024, with "B" for powers of 1000.
 */
static int
size_unit(const char *s, size_t len, uint64_t *mult)
{
	static const char	 prefixes[] = "KMGTPE";
	const char		*p;
	uint64_t		 base;
	int			 e;

	if (len == 0 || (len == 1 && s[0] == 'B')) {
		*mult = 1;
		return 0;
	}
	if (s[0] == 'k')
		p = prefixes;
	else if ((p = memchr(prefixes, s[0], sizeof(prefixes) - 1)) == NULL)
		return -1;
	if (len == 1 || (len == 3 && s[1] == 'i' && s[2] == 'B'))
		base = 1024;
	else if (len == 2 && s[1] == 'B')
		base = 1000;
	else
		return -1;
	*mult = 1;
	for (e = 0; e <= p - prefixes; e++)
		*mult *= base;
	return 0;
}

int
pf_parse_size(const char *s, uint64_t *out, const char **errstr)
{
	struct num	 n;
	const char	*p;
	uint64_t	 mult, v;
	int		 error;

	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" :
		    "invalid size", error);
	if (size_unit(p, strlen(p), &mult) == -1)
		return suffix_fail(errstr, p, "invalid size");
	if (scale(&n, mult, &v) == -1)
		return fail(errstr, "too large", ERANGE);
	*out = v;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

int
pf_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    const char **errstr)
{
	struct num	 n;
	const char	*p;
	int		 error;

	if (min > max)
		return fail(errstr, "invalid", EINVAL);
	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" : "invalid",
		    error);
	if (*p != '\0' || n.nfrac != 0)
		return fail(errstr, "invalid", EINVAL);
	if (n.ip < min)
		return fail(errstr, "too small", ERANGE);
	if (n.ip > max)
		return fail(errstr, "too large", ERANGE);
	*out = n.ip;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

int
pf_parse_duration(const char *s, uint64_t *out, const char **errstr)
{
	struct num	 n;
	const char	*p;
	uint64_t	 mult, v;
	int		 error;

	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" :
		    "invalid duration", error);
	if (unit_find(duration_units, p, strlen(p), &mult) == -1)
		return suffix_fail(errstr, p, "invalid duration");
	if (scale(&n, mult, &v) == -1)
		return fail(errstr, "too large", ERANGE);
	*out = v;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

/*
 * Percentages are scaled to billionths, exact for up to nine fraction
 * digits, so that the range checks are exact and "80%" divides to the
 * double nearest 0.8.
 */
int
pf_parse_percent(const char *s, double *out, const char **errstr)
{
	struct num	 n;
	const char	*p;
	uint64_t	 v, one;
	int		 error;

	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" :
		    "invalid percentage", error);
	if (p[0] == '%' && p[1] == '\0')
		one = 100;
	else if (p[0] == '\0')
		one = 1;
	else
		return suffix_fail(errstr, p, "invalid percentage");
	if (scale(&n, 1000000000ULL, &v) == -1 || v > one * 1000000000ULL)
		return fail(errstr, "too large", ERANGE);
	*out = (double)v / (one * 1e9);
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

/*
 * A unit with a 'B' in it counts bytes and follows the size rules, down
 * to truncating to whole bytes; otherwise it counts records, which may
 * be fractional ("0.5/s" is one record every two seconds).
 */
int
pf_parse_rate(const char *s, double *rate, int *is_bytes,
    const char **errstr)
{
	struct num	 n;
	const char	*p, *period;
	uint64_t	 mult, secs, v;
	size_t		 len;
	double		 r;
	int		 bytes, error;

	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" :
		    "invalid rate", error);
	len = strcspn(p, "/");
	bytes = memchr(p, 'B', len) != NULL;
	if (bytes ? size_unit(p, len, &mult) == -1 :
	    unit_find(record_units, p, len, &mult) == -1)
		return suffix_fail(errstr, p, "invalid rate");
	if (p[len] != '/')
		return fail(errstr, "missing /s", EINVAL);
	period = p + len + 1;
	if (unit_find(periods, period, strlen(period), &secs) == -1)
		return fail(errstr, "unknown period", EINVAL);
	if (bytes) {
		if (scale(&n, mult, &v) == -1)
			return fail(errstr, "too large", ERANGE);
		r = (double)v;
	} else
		r = num_double(&n) * (double)mult;
	if (r <= 0)
		return fail(errstr, "must be positive", EINVAL);
	*rate = r / (double)secs;
	*is_bytes = bytes;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

static unsigned __int128
gcd128(unsigned __int128 a, unsigned __int128 b)
{
	unsigned __int128	t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The same syntax as pf_parse_rate(), as a whole number of tokens per a
 * period of nanoseconds that divides a day, for lib/bucket.c.  Records:
 * n = ip.frac is (ip * 10^k + frac) * mult tokens per secs * 10^k
 * seconds, reduced to the shortest whole number of seconds; byte counts are whole bytes per period as sizes are.
 * Where the period does not divide a day (more fraction digits than a
 * day has factors of ten for), the rate becomes whole tokens per day,
 * rounded down; a rate below one a day is refused.
 */
int
pf_parse_rate_exact(const char *s, uint64_t *tokens, uint64_t *period_ns,
    int *is_bytes, const char **errstr)
{
	struct num		 n;
	const char		*p, *period;
	uint64_t		 mult, secs, v;
	unsigned __int128	 t, per, g, day = 86400ULL * PF_NSEC;
	size_t			 len, i;
	int			 bytes, error;

	if ((p = scan_num(s, &n, &error)) == NULL)
		return fail(errstr, error == ERANGE ? "too large" :
		    "invalid rate", error);
	len = strcspn(p, "/");
	bytes = memchr(p, 'B', len) != NULL;
	if (bytes ? size_unit(p, len, &mult) == -1 :
	    unit_find(record_units, p, len, &mult) == -1)
		return suffix_fail(errstr, p, "invalid rate");
	if (p[len] != '/')
		return fail(errstr, "missing /s", EINVAL);
	period = p + len + 1;
	if (unit_find(periods, period, strlen(period), &secs) == -1)
		return fail(errstr, "unknown period", EINVAL);
	per = (unsigned __int128)secs * PF_NSEC;
	if (bytes) {
		if (scale(&n, mult, &v) == -1)
			return fail(errstr, "too large", ERANGE);
		t = v;
	} else {
		/* Digits past the ninth are dropped: 128 bits suffice. */
		if (n.nfrac > 9)
			n.nfrac = 9;
		t = n.ip;
		for (i = 0; i < n.nfrac; i++) {
			t = t * 10 + (unsigned)(n.frac[i] - '0');
			per *= 10;
		}
		t *= mult;
	}
	if (t == 0)
		return fail(errstr, "must be positive", EINVAL);
	/* Reduced, but never below whole seconds: "10k/s" stays so. */
	g = gcd128(t, per / PF_NSEC);
	t /= g;
	per /= g;
	if (day % per != 0) {
		/* Whole tokens per day, rounded down. */
		t = t * day / per;
		per = day;
		if (t == 0)
			return fail(errstr, "below one a day", ERANGE);
	}
	if (t > UINT64_MAX)
		return fail(errstr, "too large", ERANGE);
	*tokens = (uint64_t)t;
	*period_ns = (uint64_t)per;
	*is_bytes = bytes;
	if (errstr != NULL)
		*errstr = NULL;
	return 0;
}

/*
 * As humanize_number(3) with five characters: "512B", "1.5K", "64K",
 * "1023K".  It takes an int64_t, so sizes from 8 EiB up are done here.
 */
char *
pf_format_size(char *buf, size_t len, uint64_t v)
{
	char	 tmp[24];
	double	 e;

	if (len == 0)
		return buf;
	if (v > INT64_MAX) {
		e = (double)v / (double)(1ULL << 60);
		snprintf(tmp, sizeof tmp, e < 9.95 ? "%.1fE" : "%.0fE", e);
	} else if (humanize_number(tmp, 5, (int64_t)v, "", HN_AUTOSCALE,
	    HN_B | HN_NOSPACE | HN_DECIMAL) == -1)
		snprintf(tmp, sizeof tmp, "%lluB", (unsigned long long)v);
	strlcpy(buf, tmp, len);
	return buf;
}

/*
 * Two units at most, truncated: "750ns", "12us", "250ms", "1.5s", "59s",
 * "2m03s", "1h02m", "3d04h".  One decimal below ten seconds only.
 */
char *
pf_format_duration(char *buf, size_t len, uint64_t ns)
{
	uint64_t	 s;

	if (len == 0)
		return buf;
	s = ns / PF_NSEC;
	if (ns == 0)
		snprintf(buf, len, "0s");
	else if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < PF_MSEC)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000));
	else if (ns < PF_NSEC)
		snprintf(buf, len, "%llums",
		    (unsigned long long)(ns / PF_MSEC));
	else if (s < 10)
		snprintf(buf, len, "%llu.%llus", (unsigned long long)s,
		    (unsigned long long)(ns % PF_NSEC / (PF_NSEC / 10)));
	else if (s < 60)
		snprintf(buf, len, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%llud%02lluh",
		    (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
	return buf;
}
