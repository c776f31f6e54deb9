/* SPDX-License-Identifier: ISC */
/*
 * time.c: unit tests for lib/time.c: timestamps in each format, what is
 * refused and with which message, the calendar checked on every day from
 * 1678 to 2261 against a day counter, and random epoch and RFC 3339
 * strings read the same with and without the memo of the one before.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

static const char *show(const char *, size_t);
static void	 time_ok(const char *, enum pf_timefmt, int64_t);
static void	 time_bad(const char *, enum pf_timefmt, const char *);
static void	 test_timefmt(void);
static void	 test_epoch(void);
static void	 test_rfc3339(void);
static void	 test_calendar(void);
static int	 ref_epoch(const char *, size_t, unsigned int, int64_t *);
static void	 test_epoch_random(void);
static void	 two(char *, int);
static void	 test_rfc3339_memo(void);

static const char *fmtname[] = { "epoch", "epoch-ms", "epoch-us",
    "rfc3339" };

/*
 * A record made fit for a TAP line: C escapes for what is not printable,
 * cut at 60 bytes.  Two buffers, so two calls may share one printf.
 */
static const char *
show(const char *p, size_t len)
{
	static char	 buf[2][256];
	static int	 which;
	char		*b = buf[which ^= 1];
	size_t		 i, n = 0;

	for (i = 0; i < len && i < 60; i++) {
		if (p[i] == '\\' || p[i] == '\'')
			n += snprintf(b + n, 256 - n, "\\%c", p[i]);
		else if (p[i] >= ' ' && p[i] <= '~')
			b[n++] = p[i];
		else
			n += snprintf(b + n, 256 - n, "\\x%02x",
			    (unsigned char)p[i]);
	}
	if (i < len)
		n += snprintf(b + n, 256 - n, "...");
	b[n] = '\0';
	return (b);
}

static void
time_ok(const char *s, enum pf_timefmt fmt, int64_t want)
{
	const char	*errstr = "unset";
	int64_t		 ns = -42;
	int		 r;

	r = pf_time_parse(s, strlen(s), fmt, &ns, &errstr);
	if (!ok(r == 0 && ns == want && errstr == NULL, "%s '%s' = %lld",
	    fmtname[fmt], s, (long long)want))
		diag("got %d, %lld, %s", r, (long long)ns,
		    errstr ? errstr : "(null)");
}

static void
time_bad(const char *s, enum pf_timefmt fmt, const char *msg)
{
	const char	*errstr = NULL;
	int64_t		 ns = -42;
	int		 r;

	r = pf_time_parse(s, strlen(s), fmt, &ns, &errstr);
	if (!ok(r == -1 && errstr != NULL && strcmp(errstr, msg) == 0 &&
	    ns == -42, "%s '%s' refused: %s", fmtname[fmt], s, msg))
		diag("got %d, %lld, %s", r, (long long)ns,
		    errstr ? errstr : "(null)");
}

static void
test_timefmt(void)
{
	enum pf_timefmt	 fmt;

	ok(pf_timefmt_parse("epoch", &fmt) == 0 && fmt == PF_TIME_EPOCH,
	    "timefmt epoch");
	ok(pf_timefmt_parse("epoch-ms", &fmt) == 0 &&
	    fmt == PF_TIME_EPOCH_MS, "timefmt epoch-ms");
	ok(pf_timefmt_parse("epoch-us", &fmt) == 0 &&
	    fmt == PF_TIME_EPOCH_US, "timefmt epoch-us");
	ok(pf_timefmt_parse("rfc3339", &fmt) == 0 && fmt == PF_TIME_RFC3339,
	    "timefmt rfc3339");
	errno = 0;
	ok(pf_timefmt_parse("RFC3339", &fmt) == -1 && errno == EINVAL,
	    "timefmt names are case-sensitive");
	ok(pf_timefmt_parse("", &fmt) == -1, "timefmt empty refused");
	ok(pf_timefmt_parse("epoch-ns", &fmt) == -1,
	    "timefmt epoch-ns refused");
}

static void
test_epoch(void)
{
	const char	*errstr;
	int64_t		 ns;

	time_ok("0", PF_TIME_EPOCH, 0);
	time_ok("1700000000", PF_TIME_EPOCH, 1700000000000000000LL);
	time_ok("1700000000.123", PF_TIME_EPOCH, 1700000000123000000LL);
	time_ok("1700000000.000000001", PF_TIME_EPOCH, 1700000000000000001LL);
	time_ok("1700000000.9999999999", PF_TIME_EPOCH,
	    1700000000999999999LL);
	time_ok("0001700000000", PF_TIME_EPOCH, 1700000000000000000LL);
	time_ok("9223372036.854775807", PF_TIME_EPOCH, INT64_MAX);
	time_ok("1700000000123", PF_TIME_EPOCH_MS, 1700000000123000000LL);
	time_ok("1700000000123.5", PF_TIME_EPOCH_MS, 1700000000123500000LL);
	time_ok("1700000000123.456789", PF_TIME_EPOCH_MS,
	    1700000000123456789LL);
	time_ok("1700000000123456", PF_TIME_EPOCH_US, 1700000000123456000LL);
	time_ok("1700000000123456.789", PF_TIME_EPOCH_US,
	    1700000000123456789LL);
	time_ok("1.0009", PF_TIME_EPOCH_US, 1000);

	time_bad("", PF_TIME_EPOCH, "invalid time");
	time_bad(".5", PF_TIME_EPOCH, "invalid time");
	time_bad("5.", PF_TIME_EPOCH, "invalid time");
	time_bad("5.5.5", PF_TIME_EPOCH, "invalid time");
	time_bad("-1", PF_TIME_EPOCH, "invalid time");
	time_bad("+1", PF_TIME_EPOCH, "invalid time");
	time_bad(" 1", PF_TIME_EPOCH, "invalid time");
	time_bad("1 ", PF_TIME_EPOCH, "invalid time");
	time_bad("1e9", PF_TIME_EPOCH, "invalid time");
	time_bad("0x10", PF_TIME_EPOCH, "invalid time");
	time_bad("17000s", PF_TIME_EPOCH, "invalid time");
	time_bad("2026-11-23T16:19:40Z", PF_TIME_EPOCH, "invalid time");
	time_bad("9223372036.854775808", PF_TIME_EPOCH, "time out of range");
	time_bad("9223372037", PF_TIME_EPOCH, "time out of range");
	time_bad("99999999999999999999999999", PF_TIME_EPOCH,
	    "time out of range");
	time_bad("99999999999999999999999999x", PF_TIME_EPOCH,
	    "invalid time");
	time_bad("9223372036854776", PF_TIME_EPOCH_MS, "time out of range");
	time_bad("9223372036854776", PF_TIME_EPOCH_US, "time out of range");

	/* The length bounds the value: no NUL needed, none read past. */
	ok(pf_time_parse("17000000001234", 10, PF_TIME_EPOCH, &ns,
	    &errstr) == 0 && ns == 1700000000000000000LL,
	    "epoch reads only len bytes");
	ok(pf_time_parse("1\0", 2, PF_TIME_EPOCH, &ns, &errstr) == -1,
	    "a NUL inside the span is refused");
}

static void
test_rfc3339(void)
{
	const char	*errstr, *good = "2026-11-23t17:19:40.123-01:30";
	char		*p;
	size_t		 i;
	int64_t		 ns;
	int		 bad;

	time_ok("1970-01-01T00:00:00Z", PF_TIME_RFC3339, 0);
	time_ok("2026-11-23T16:19:40Z", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23t16:19:40z", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23 16:19:40Z", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23T17:19:40+01:00", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23T10:49:40-05:30", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23T16:19:40-00:00", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-24T00:19:40+08:00", PF_TIME_RFC3339,
	    1795450780LL * 1000000000);
	time_ok("2026-11-23T16:19:40.5Z", PF_TIME_RFC3339,
	    1795450780500000000LL);
	time_ok("2026-11-23T16:19:40.123456789Z", PF_TIME_RFC3339,
	    1795450780123456789LL);
	time_ok("2026-11-23T16:19:40.1234567891234Z", PF_TIME_RFC3339,
	    1795450780123456789LL);
	time_ok("2026-11-23T16:19:40.000001+00:00", PF_TIME_RFC3339,
	    1795450780000001000LL);
	time_ok("1969-12-31T23:59:59Z", PF_TIME_RFC3339, -1000000000LL);
	time_ok("1969-12-31T23:59:59.75Z", PF_TIME_RFC3339, -250000000LL);
	time_ok("2000-02-29T00:00:00Z", PF_TIME_RFC3339,
	    951782400LL * 1000000000);
	time_ok("2024-02-29T12:00:00Z", PF_TIME_RFC3339,
	    1709208000LL * 1000000000);
	time_ok("2016-12-31T23:59:60Z", PF_TIME_RFC3339,
	    1483228800LL * 1000000000);
	time_ok("2262-04-11T23:47:16.854775807Z", PF_TIME_RFC3339,
	    INT64_MAX);
	time_ok("1677-09-21T00:12:44Z", PF_TIME_RFC3339,
	    -9223372036LL * 1000000000);

	time_bad("2026-02-29T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("1900-02-29T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-04-31T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-13-01T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-00-01T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-01-00T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-01-32T00:00:00Z", PF_TIME_RFC3339, "invalid date");
	time_bad("2026-01-01T24:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:60:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:61Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:00+24:00", PF_TIME_RFC3339,
	    "invalid time");
	time_bad("2026-01-01T00:00:00+01:60", PF_TIME_RFC3339,
	    "invalid time");
	time_bad("2026-01-01T00:00:00", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:00+0100", PF_TIME_RFC3339,
	    "invalid time");
	time_bad("2026-01-01T00:00:00+01", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:00.Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:00ZZ", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:00Z ", PF_TIME_RFC3339, "invalid time");
	time_bad(" 2026-01-01T00:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01X00:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-1-01T00:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("26-01-01T00:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("+2026-01-01T00:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T0:00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01", PF_TIME_RFC3339, "invalid time");
	time_bad("1795450780", PF_TIME_RFC3339, "invalid time");
	time_bad("", PF_TIME_RFC3339, "invalid time");
	time_bad("2026-01-01T00:00:0-Z", PF_TIME_RFC3339, "invalid time");
	time_bad("2262-04-11T23:47:16.854775808Z", PF_TIME_RFC3339,
	    "time out of range");
	time_bad("9999-12-31T23:59:59Z", PF_TIME_RFC3339,
	    "time out of range");
	time_bad("0000-01-01T00:00:00Z", PF_TIME_RFC3339,
	    "time out of range");
	time_bad("1677-09-21T00:12:43Z", PF_TIME_RFC3339,
	    "time out of range");

	/*
	 * Every proper prefix of a good time is refused, each tried in a
	 * buffer of exactly its length so that a sanitizer build catches
	 * a read past len.
	 */
	for (i = 0, bad = 0; i < strlen(good); i++) {
		if ((p = malloc(i + 1)) == NULL)
			break;
		memcpy(p, good, i);
		if (pf_time_parse(p, i, PF_TIME_RFC3339, &ns, &errstr) != -1)
			bad++;
		free(p);
	}
	ok(i == strlen(good) && bad == 0,
	    "rfc3339: all %zu prefixes of '%s' are refused", i, good);
	ok(pf_time_parse("2026-11-23T16:19:40Zjunk", 20, PF_TIME_RFC3339,
	    &ns, &errstr) == 0 && ns == 1795450780LL * 1000000000,
	    "rfc3339 reads only len bytes");
}

/*
 * Walk every day from 1678 to 2261 and check that each date maps to the
 * day after the previous one and that the day past each month's end is
 * refused: the calendar arithmetic against plain counting.
 */
static void
test_calendar(void)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char	*errstr;
	char		 buf[64];
	int64_t		 ns, day, want;
	int		 y, m, d, dim, leap, bad = 0, refused = 0, days = 0;

	want = 0;
	/* Days from 1678-01-01 to 1970-01-01. */
	for (y = 1678; y < 1970; y++)
		want -= 365 + (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	for (y = 1678; y <= 2261; y++) {
		leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
		for (m = 1; m <= 12; m++) {
			dim = mdays[m - 1] + (m == 2 && leap);
			for (d = 1; d <= dim + 1; d++) {
				snprintf(buf, sizeof(buf),
				    "%04d-%02d-%02dT12:00:00Z", y, m, d);
				if (pf_time_parse(buf, strlen(buf),
				    PF_TIME_RFC3339, &ns, &errstr) == -1) {
					if (d <= dim && bad++ < 5)
						diag("%s: %s", buf, errstr);
					if (d > dim)
						refused++;
					continue;
				}
				if (d > dim) {
					if (bad++ < 5)
						diag("%s accepted", buf);
					continue;
				}
				day = (ns / 1000000000 - 43200) / 86400;
				if (ns % 1000000000 != 0 ||
				    (ns / 1000000000 - 43200) % 86400 != 0 ||
				    day != want) {
					if (bad++ < 5)
						diag("%s: day %lld, want %lld",
						    buf, (long long)day,
						    (long long)want);
				}
				want++;
				days++;
			}
		}
	}
	ok(bad == 0 && refused == (2261 - 1678 + 1) * 12,
	    "rfc3339 agrees with a day counter on %d days", days);
}

/* An epoch timestamp of 10^places ns units, one digit at a time. */
static int
ref_epoch(const char *s, size_t len, unsigned int places, int64_t *ns)
{
	unsigned __int128	ip = 0, frac = 0;
	size_t			i = 0, d;
	unsigned int		k = 0;
	int			big = 0;

	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (ip > (unsigned __int128)1 << 100)
			big = 1;
		else
			ip = ip * 10 + (s[i] - '0');
	}
	if (i == d)
		return (-1);
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (k < places) {
				frac = frac * 10 + (s[i] - '0');
				k++;
			}
		if (i == d)
			return (-1);
		for (; k < places; k++)
			frac *= 10;
	}
	if (i != len)
		return (-1);
	for (k = 0; k < places; k++)
		ip *= 10;
	if (big || ip + frac > (unsigned __int128)INT64_MAX)
		return (-2);
	*ns = (int64_t)(ip + frac);
	return (0);
}

/*
 * Random epoch strings -- digit runs of every length on both sides of the
 * point, leading zeros, now and then a stray byte, and half the time a
 * change to the one before as in a stream -- each in a buffer of exactly
 * its size, agree with the digit loop in all three units, with and
 * without the memo of the last whole units.
 */
static void
test_epoch_random(void)
{
	static const char	 junk[] = "x:/.- \0\xff";
	static const enum pf_timefmt fmts[3] = { PF_TIME_EPOCH,
	    PF_TIME_EPOCH_MS, PF_TIME_EPOCH_US };
	static const unsigned int places[3] = { 9, 6, 3 };
	struct pf_timememo	 memo;
	const char		*errstr, *merr;
	char			 tmp[96], *s;
	size_t			 len, plen = 0, j, ni, nf;
	unsigned int		 i, bad = 0, good = 0, mbad = 0, memos = 0, m;
	int64_t			 got, want, mgot;
	int			 r, w, mr;

	memset(&memo, 0, sizeof(memo));
	srandom(11);
	for (i = 0; i < 300000; i++) {
		if (i > 0 && random() % 2 == 0) {
			/* Like the last: a stream's next record. */
			len = plen;
			for (j = 0; j < len && tmp[j] >= '0' && tmp[j] <= '9';
			    j++)
				;
			switch (random() % 4) {
			case 0:		/* another fraction */
				len = j;
				nf = random() % 12;
				if (nf > 0)
					tmp[len++] = '.';
				for (; nf > 0; nf--)
					tmp[len++] = '0' + random() % 10;
				break;
			case 1:		/* the next second, or so */
				if (j > 0)
					tmp[j - 1] = '0' + random() % 10;
				break;
			case 2:		/* one more whole digit */
				if (j < 30) {
					memmove(tmp + j + 1, tmp + j, len - j);
					tmp[j] = '0' + random() % 10;
					len++;
				}
				break;
			default:	/* one fewer */
				if (j > 0) {
					memmove(tmp + j - 1, tmp + j, len - j);
					len--;
				}
				break;
			}
		} else {
			ni = random() % 24;
			nf = random() % 4 == 0 ? 0 : random() % 14;
			len = 0;
			for (j = 0; j < ni; j++)
				tmp[len++] = (j < 3 && random() % 4 == 0) ?
				    '0' : '0' + random() % 10;
			if (nf > 0 || random() % 8 == 0)
				tmp[len++] = '.';
			for (j = 0; j < nf; j++)
				tmp[len++] = '0' + random() % 10;
			if (len > 0 && random() % 6 == 0)
				tmp[random() % len] = junk[random() %
				    (sizeof(junk) - 1)];
		}
		plen = len;
		if ((s = malloc(len ? len : 1)) == NULL)
			break;
		memcpy(s, tmp, len);
		m = i % 3;
		got = want = 0;
		r = pf_time_parse(s, len, fmts[m], &got, &errstr);
		w = ref_epoch(s, len, places[m], &want);
		mgot = 0;
		memos += memo.len > 0 && len >= memo.len &&
		    memcmp(s, memo.digits, memo.len) == 0 &&
		    (len == memo.len || s[memo.len] < '0' ||
		    s[memo.len] > '9');
		mr = pf_time_parse_memo(&memo, s, len, fmts[m], &mgot,
		    &merr);
		if (mr != r || mgot != got || (r == -1 && strcmp(merr,
		    errstr) != 0)) {
			if (mbad++ < 5)
				diag("%s as %s: %d %lld with the memo of "
				    "%zu digits, %d %lld without",
				    show(s, len), fmtname[fmts[m]], mr,
				    (long long)mgot, memo.len, r,
				    (long long)got);
		}
		if ((w == 0) != (r == 0) || (r == 0 && got != want) ||
		    (w == -1 && (errstr == NULL ||
		    strcmp(errstr, "invalid time") != 0)) ||
		    (w == -2 && (errstr == NULL ||
		    strcmp(errstr, "time out of range") != 0))) {
			if (bad++ < 5)
				diag("%s as %s: got %d %lld (%s), want %d %lld",
				    show(s, len), fmtname[fmts[m]], r,
				    (long long)got, r ? errstr : "", w,
				    (long long)want);
		}
		good += (w == 0);
		free(s);
	}
	ok(bad == 0 && good > 100000,
	    "epoch times agree with a digit loop on 300000 random strings "
	    "(%u valid)", good);
	ok(mbad == 0 && memos > 20000,
	    "and with the memo of whole units of the one before (%u used)",
	    memos);
}

/* Two random decimal digits at p, 00 to 99, now and then not digits. */
static void
two(char *p, int max)
{
	int	v = random() % (max + 1);

	p[0] = '0' + v / 10;
	p[1] = '0' + v % 10;
	if (random() % 50 == 0)
		p[random() % 2] = "x:-"[random() % 3];
}

/*
 * RFC 3339 times as a stream has them -- the seconds, the fraction, now
 * the minute or the day changing, zones, bad dates, stray bytes -- and
 * now and then an epoch time through the same memo: with the memo of the
 * last date and minute they read exactly as without it.
 */
static void
test_rfc3339_memo(void)
{
	static const char	*zones[] = { "Z", "z", "+01:00", "-05:30",
	    "+23:59", "+24:00", "-00:60", "", "Zx" };
	struct pf_timememo	 memo;
	const char		*e1, *e2;
	char			 t[64], *s;
	size_t			 len, j;
	unsigned int		 i, bad = 0, hits = 0, good = 0, nf;
	int64_t			 n1, n2;
	int			 r1, r2, fmt;

	memset(&memo, 0, sizeof(memo));
	memcpy(t, "2026-12-02T03:04:05", 19);
	srandom(13);
	for (i = 0; i < 300000; i++) {
		switch (random() % 16) {
		case 0:
			two(t + 2, 99);		/* the year */
			break;
		case 1:
			two(t + 5, 13);		/* the month */
			break;
		case 2:
			two(t + 8, 31);		/* the day */
			break;
		case 3:
			two(t + 11, 24);	/* the hour */
			break;
		case 4:
		case 5:
			two(t + 14, 60);	/* the minute */
			break;
		case 6:
			t[10] = "Tt x"[random() % 4];
			break;
		default:
			two(t + 17, 61);	/* the second */
			break;
		}
		len = 19;
		if (random() % 3 != 0) {
			nf = random() % 13;
			t[len++] = '.';
			for (j = 0; j < nf; j++)
				t[len++] = '0' + random() % 10;
		}
		j = random() % 10 < 7 ? 0 : random() %
		    (sizeof(zones) / sizeof(zones[0]));
		memcpy(t + len, zones[j], strlen(zones[j]));
		len += strlen(zones[j]);
		if (random() % 40 == 0)
			len = random() % (len + 1);
		fmt = PF_TIME_RFC3339;
		if (random() % 20 == 0) {
			/* Digits where the date goes: the memo is epoch's. */
			len = 16 + random() % 8;
			for (j = 0; j < len; j++)
				t[j] = '0' + random() % 10;
			fmt = random() % 2 ? PF_TIME_EPOCH : PF_TIME_RFC3339;
		}
		if ((s = malloc(len ? len : 1)) == NULL)
			break;
		memcpy(s, t, len);
		hits += memo.rfc3339 && fmt == PF_TIME_RFC3339 &&
		    len >= memo.len && memcmp(s, memo.digits, memo.len) == 0;
		n1 = n2 = 0;
		e1 = e2 = NULL;
		r1 = pf_time_parse(s, len, fmt, &n1, &e1);
		r2 = pf_time_parse_memo(&memo, s, len, fmt, &n2, &e2);
		if (r1 != r2 || n1 != n2 || (r1 == -1 && (e1 == NULL ||
		    e2 == NULL || strcmp(e1, e2) != 0))) {
			if (bad++ < 5)
				diag("%s as %s: %d %lld (%s) with the memo, "
				    "%d %lld (%s) without", show(s, len),
				    fmtname[fmt], r2, (long long)n2,
				    r2 ? e2 : "", r1, (long long)n1,
				    r1 ? e1 : "");
		}
		good += r1 == 0;
		free(s);
		if (fmt != PF_TIME_RFC3339)	/* put the date back */
			memcpy(t, "2026-12-02T03:04:05", 19);
	}
	ok(bad == 0 && hits > 30000 && good > 50000,
	    "rfc3339 times read the same with the memo of the last minute "
	    "(%u used, %u valid)", hits, good);
}

int
main(void)
{
	test_timefmt();
	test_epoch();
	test_rfc3339();
	test_calendar();
	test_epoch_random();
	test_rfc3339_memo();
	return (done());
}
