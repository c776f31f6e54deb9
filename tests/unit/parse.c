/* SPDX-License-Identifier: ISC */
/*
 * parse.c: unit tests for lib/parse.c.  Each unit of pipeflow(7) is
 * checked for exact values on what it accepts and for the message on
 * each class of input it must refuse: garbage, signs, hex, octal,
 * blanks, junk after a suffix, a second point and overflow.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

#define SENTINEL	0xdeadbeefULL

static void	 size_ok(const char *, uint64_t);
static void	 size_bad(const char *, const char *);
static void	 count_ok(const char *, uint64_t, uint64_t, uint64_t);
static void	 count_bad(const char *, uint64_t, uint64_t, const char *);
static void	 duration_ok(const char *, uint64_t);
static void	 duration_bad(const char *, const char *);
static void	 percent_ok(const char *, double);
static void	 percent_bad(const char *, const char *);
static void	 rate_ok(const char *, double, int);
static void	 rate_bad(const char *, const char *);
static int	 close_to(double, double);
static void	 fmt_size(uint64_t, const char *);
static void	 fmt_duration(uint64_t, const char *);
static void	 test_size(void);
static void	 test_count(void);
static void	 test_duration(void);
static void	 test_percent(void);
static void	 test_rate(void);
static void	 exact_ok(const char *, uint64_t, uint64_t, int);
static void	 exact_bad(const char *, const char *);
static void	 test_rate_exact(void);
static void	 test_format(void);

static void
size_ok(const char *s, uint64_t want)
{
	const char	*errstr = "unset";
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_size(s, &v, &errstr);
	if (!ok(r == 0 && v == want && errstr == NULL, "size \"%s\" = %llu",
	    s, (unsigned long long)want))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

static void
size_bad(const char *s, const char *msg)
{
	const char	*errstr = NULL;
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_size(s, &v, &errstr);
	if (!ok(r == -1 && v == SENTINEL && errstr != NULL &&
	    strcmp(errstr, msg) == 0, "size \"%s\" refused: %s", s, msg))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

static void
count_ok(const char *s, uint64_t min, uint64_t max, uint64_t want)
{
	const char	*errstr = "unset";
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_count(s, min, max, &v, &errstr);
	if (!ok(r == 0 && v == want && errstr == NULL,
	    "count \"%s\" in [%llu, %llu] = %llu", s, (unsigned long long)min,
	    (unsigned long long)max, (unsigned long long)want))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

static void
count_bad(const char *s, uint64_t min, uint64_t max, const char *msg)
{
	const char	*errstr = NULL;
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_count(s, min, max, &v, &errstr);
	if (!ok(r == -1 && v == SENTINEL && errstr != NULL &&
	    strcmp(errstr, msg) == 0,
	    "count \"%s\" in [%llu, %llu] refused: %s", s,
	    (unsigned long long)min, (unsigned long long)max, msg))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

static void
duration_ok(const char *s, uint64_t want)
{
	const char	*errstr = "unset";
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_duration(s, &v, &errstr);
	if (!ok(r == 0 && v == want && errstr == NULL,
	    "duration \"%s\" = %lluns", s, (unsigned long long)want))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

static void
duration_bad(const char *s, const char *msg)
{
	const char	*errstr = NULL;
	uint64_t	 v = SENTINEL;
	int		 r;

	r = pf_parse_duration(s, &v, &errstr);
	if (!ok(r == -1 && v == SENTINEL && errstr != NULL &&
	    strcmp(errstr, msg) == 0, "duration \"%s\" refused: %s", s, msg))
		diag("got %d, %llu, %s", r, (unsigned long long)v,
		    errstr ? errstr : "(null)");
}

/* Within a few ulps: the parsers round at most twice. */
static int
close_to(double got, double want)
{
	return fabs(got - want) <= 4 * 2.3e-16 * fabs(want);
}

static void
percent_ok(const char *s, double want)
{
	const char	*errstr = "unset";
	double		 v = -1;
	int		 r;

	r = pf_parse_percent(s, &v, &errstr);
	if (!ok(r == 0 && close_to(v, want) && errstr == NULL,
	    "percent \"%s\" = %g", s, want))
		diag("got %d, %.17g, %s", r, v, errstr ? errstr : "(null)");
}

static void
percent_bad(const char *s, const char *msg)
{
	const char	*errstr = NULL;
	double		 v = -1;
	int		 r;

	r = pf_parse_percent(s, &v, &errstr);
	if (!ok(r == -1 && v == -1 && errstr != NULL &&
	    strcmp(errstr, msg) == 0, "percent \"%s\" refused: %s", s, msg))
		diag("got %d, %.17g, %s", r, v, errstr ? errstr : "(null)");
}

static void
rate_ok(const char *s, double want, int want_bytes)
{
	const char	*errstr = "unset";
	double		 v = -1;
	int		 r, bytes = -1;

	r = pf_parse_rate(s, &v, &bytes, &errstr);
	if (!ok(r == 0 && close_to(v, want) && bytes == want_bytes &&
	    errstr == NULL, "rate \"%s\" = %g %s/s", s, want,
	    want_bytes ? "bytes" : "records"))
		diag("got %d, %.17g, bytes %d, %s", r, v, bytes,
		    errstr ? errstr : "(null)");
}

static void
rate_bad(const char *s, const char *msg)
{
	const char	*errstr = NULL;
	double		 v = -1;
	int		 r, bytes = -1;

	r = pf_parse_rate(s, &v, &bytes, &errstr);
	if (!ok(r == -1 && v == -1 && bytes == -1 && errstr != NULL &&
	    strcmp(errstr, msg) == 0, "rate \"%s\" refused: %s", s, msg))
		diag("got %d, %.17g, %s", r, v, errstr ? errstr : "(null)");
}

static void
fmt_size(uint64_t v, const char *want)
{
	char	 buf[32];

	is_str(pf_format_size(buf, sizeof buf, v), want, "format size %llu",
	    (unsigned long long)v);
}

static void
fmt_duration(uint64_t v, const char *want)
{
	char	 buf[32];

	is_str(pf_format_duration(buf, sizeof buf, v), want,
	    "format duration %lluns", (unsigned long long)v);
}

static void
test_size(void)
{
	const char	*errstr;
	uint64_t	 v;

	/* Plain bytes. */
	size_ok("0", 0);
	size_ok("1", 1);
	size_ok("512", 512);
	size_ok("512B", 512);
	size_ok("0B", 0);
	size_ok("18446744073709551615", UINT64_MAX);
	/* Powers of 1024. */
	size_ok("1K", 1024);
	size_ok("1k", 1024);
	size_ok("64K", 65536);
	size_ok("64KiB", 65536);
	size_ok("64M", 64ULL << 20);
	size_ok("64MiB", 64ULL << 20);
	size_ok("1G", 1ULL << 30);
	size_ok("1.5G", 1610612736);
	size_ok("1.5GiB", 1610612736);
	size_ok("1T", 1ULL << 40);
	size_ok("1P", 1ULL << 50);
	size_ok("1E", 1ULL << 60);
	size_ok("15E", 15ULL << 60);
	size_ok("0K", 0);
	size_ok("0.5K", 512);
	size_ok("0.0009765625K", 1);
	size_ok("2.25M", 2359296);
	size_ok("17179869183G", 17179869183ULL << 30);
	/* Powers of 1000. */
	size_ok("64KB", 64000);
	size_ok("64kB", 64000);
	size_ok("5MB", 5000000);
	size_ok("1.5GB", 1500000000);
	size_ok("1TB", 1000000000000ULL);
	size_ok("1PB", 1000000000000000ULL);
	size_ok("1EB", 1000000000000000000ULL);
	size_ok("18.446744073709551615EB", UINT64_MAX);
	/* Fractions of a byte are truncated, exactly. */
	size_ok("1.5", 1);
	size_ok("0.5", 0);
	size_ok("0.1K", 102);
	size_ok("1.999999999999999999999999G", (2ULL << 30) - 1);
	size_ok("15.9999999999999999999E", UINT64_MAX);

	/* Garbage, blanks, signs. */
	size_bad("", "invalid size");
	size_bad("K", "invalid size");
	size_bad("B", "invalid size");
	size_bad("x", "invalid size");
	size_bad(" 5", "invalid size");
	size_bad("5 ", "invalid size");
	size_bad("5 K", "invalid size");
	size_bad("-1", "invalid size");
	size_bad("-0", "invalid size");
	size_bad("+1", "invalid size");
	size_bad("5\n", "invalid size");
	size_bad("1,5G", "invalid size");
	/* Points. */
	size_bad(".5K", "invalid size");
	size_bad("1.", "invalid size");
	size_bad("1.K", "invalid size");
	size_bad("1.5.5G", "invalid size");
	size_bad("1..5G", "invalid size");
	/* Hex and octal. */
	size_bad("0x10", "unknown suffix");
	size_bad("0X10", "unknown suffix");
	size_bad("010k", "invalid size");
	size_bad("010", "invalid size");
	size_bad("00", "invalid size");
	size_bad("00.5K", "invalid size");
	/* Junk after or instead of a suffix. */
	size_bad("10kfoo", "unknown suffix");
	size_bad("10KK", "unknown suffix");
	size_bad("10KiBB", "unknown suffix");
	size_bad("10Ki", "unknown suffix");
	size_bad("10iB", "unknown suffix");
	size_bad("10b", "unknown suffix");
	size_bad("10kb", "unknown suffix");
	size_bad("10m", "unknown suffix");
	size_bad("10Z", "unknown suffix");
	size_bad("1e3", "unknown suffix");
	size_bad("10BB", "unknown suffix");
	size_bad("10K ", "unknown suffix");
	size_bad("10K/s", "unknown suffix");
	/* Overflow. */
	size_bad("16E", "too large");
	size_bad("16EiB", "too large");
	size_bad("17179869184G", "too large");
	size_bad("18446744073709551616", "too large");
	size_bad("99999999999999999999", "too large");
	size_bad("99999999999999999999K", "too large");
	size_bad("18.446744073709551616EB", "too large");
	size_bad("16.0000000000000000001E", "too large");

	/* errno as strtonum, and a NULL errstr is allowed. */
	errno = 0;
	ok(pf_parse_size("x", &v, &errstr) == -1 && errno == EINVAL,
	    "size garbage sets EINVAL");
	errno = 0;
	ok(pf_parse_size("16E", &v, &errstr) == -1 && errno == ERANGE,
	    "size overflow sets ERANGE");
	ok(pf_parse_size("2K", &v, NULL) == 0 && v == 2048,
	    "size with NULL errstr");
	ok(pf_parse_size("2Q", &v, NULL) == -1, "size error with NULL errstr");
}

static void
test_count(void)
{
	count_ok("0", 0, 10, 0);
	count_ok("10", 0, 10, 10);
	count_ok("5", 5, 5, 5);
	count_ok("1", 1, UINT64_MAX, 1);
	count_ok("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	count_ok("1000000", 1, 1000000, 1000000);

	count_bad("11", 0, 10, "too large");
	count_bad("0", 1, 10, "too small");
	count_bad("4", 5, 5, "too small");
	count_bad("18446744073709551616", 0, UINT64_MAX, "too large");
	count_bad("99999999999999999999", 0, UINT64_MAX, "too large");
	count_bad("", 0, 10, "invalid");
	count_bad(" 1", 0, 10, "invalid");
	count_bad("1 ", 0, 10, "invalid");
	count_bad("-1", 0, 10, "invalid");
	count_bad("+1", 0, 10, "invalid");
	count_bad("1.0", 0, 10, "invalid");
	count_bad("1.5", 0, 10, "invalid");
	count_bad("1K", 0, 10000, "invalid");
	count_bad("1e3", 0, 10000, "invalid");
	count_bad("010", 0, 100, "invalid");
	count_bad("0x1", 0, 100, "invalid");
	count_bad("abc", 0, 100, "invalid");
	count_bad("5", 10, 1, "invalid");
}

static void
test_duration(void)
{
	duration_ok("0", 0);
	duration_ok("0s", 0);
	duration_ok("5", 5 * PF_NSEC);
	duration_ok("5s", 5 * PF_NSEC);
	duration_ok("0.5", PF_NSEC / 2);
	duration_ok("0.5s", PF_NSEC / 2);
	duration_ok("250ms", 250 * PF_MSEC);
	duration_ok("1.5ms", 1500000);
	duration_ok("10us", 10000);
	duration_ok("1.5us", 1500);
	duration_ok("0.0001us", 0);
	duration_ok("0.000000001", 1);
	duration_ok("2m", 120 * PF_NSEC);
	duration_ok("1.5m", 90 * PF_NSEC);
	duration_ok("1h", 3600 * PF_NSEC);
	duration_ok("1.5h", 5400 * PF_NSEC);
	duration_ok("1d", 86400 * PF_NSEC);
	duration_ok("0.25d", 21600 * PF_NSEC);
	duration_ok("18446744073", 18446744073ULL * PF_NSEC);
	duration_ok("18446744073.709551615", UINT64_MAX);
	duration_ok("213503d", 213503ULL * 86400 * PF_NSEC);

	duration_bad("", "invalid duration");
	duration_bad("s", "invalid duration");
	duration_bad(" 5s", "invalid duration");
	duration_bad("5 s", "invalid duration");
	duration_bad("-1", "invalid duration");
	duration_bad("-1s", "invalid duration");
	duration_bad("+1s", "invalid duration");
	duration_bad(".5s", "invalid duration");
	duration_bad("1.s", "invalid duration");
	duration_bad("1.5.5s", "invalid duration");
	duration_bad("010s", "invalid duration");
	duration_bad("0x10", "unknown suffix");
	duration_bad("5s ", "unknown suffix");
	duration_bad("5sfoo", "unknown suffix");
	duration_bad("1ms5", "unknown suffix");
	duration_bad("5S", "unknown suffix");
	duration_bad("5ns", "unknown suffix");
	duration_bad("5min", "unknown suffix");
	duration_bad("5sec", "unknown suffix");
	duration_bad("1m30s", "unknown suffix");
	duration_bad("1e3", "unknown suffix");
	duration_bad("18446744074", "too large");
	duration_bad("18446744073.709551616", "too large");
	duration_bad("213504d", "too large");
	duration_bad("99999999999999999999", "too large");
	duration_bad("99999999999999999999ms", "too large");
}

static void
test_percent(void)
{
	const char	*errstr;
	double		 v;

	percent_ok("0", 0);
	percent_ok("0%", 0);
	percent_ok("1", 1);
	percent_ok("1.0", 1);
	percent_ok("100%", 1);
	percent_ok("100.000%", 1);
	percent_ok("50%", 0.5);
	percent_ok("0.5", 0.5);
	percent_ok("12.5%", 0.125);
	percent_ok("99.9%", 0.999);
	percent_ok("0.1%", 0.001);
	percent_ok("0.333", 0.333);
	/* The nearest double, as the literal would be. */
	ok(pf_parse_percent("80%", &v, &errstr) == 0 && v == 0.8,
	    "percent \"80%%\" is exactly 0.8");
	ok(pf_parse_percent("0.8", &v, &errstr) == 0 && v == 0.8,
	    "percent \"0.8\" is exactly 0.8");
	ok(pf_parse_percent("90%", &v, &errstr) == 0 && v == 0.9,
	    "percent \"90%%\" is exactly 0.9");

	percent_bad("", "invalid percentage");
	percent_bad("%", "invalid percentage");
	percent_bad("-1%", "invalid percentage");
	percent_bad("-0.5", "invalid percentage");
	percent_bad("+50%", "invalid percentage");
	percent_bad(" 50%", "invalid percentage");
	percent_bad("50 %", "invalid percentage");
	percent_bad("50% ", "invalid percentage");
	percent_bad("50%%", "invalid percentage");
	percent_bad(".5", "invalid percentage");
	percent_bad("050%", "invalid percentage");
	percent_bad("0.5.5", "invalid percentage");
	percent_bad("50%x", "invalid percentage");
	percent_bad("0x1", "unknown suffix");
	percent_bad("50pct", "unknown suffix");
	percent_bad("101%", "too large");
	percent_bad("100.0000001%", "too large");
	percent_bad("1.5", "too large");
	percent_bad("2", "too large");
	percent_bad("1.000000001", "too large");
	percent_bad("99999999999999999999%", "too large");
}

static void
test_rate(void)
{
	/* Records. */
	rate_ok("10k/s", 10000, 0);
	rate_ok("10K/s", 10000, 0);
	rate_ok("500/s", 500, 0);
	rate_ok("1.5k/s", 1500, 0);
	rate_ok("2M/s", 2000000, 0);
	rate_ok("1G/second", 1e9, 0);
	rate_ok("0.5/s", 0.5, 0);
	rate_ok("1/sec", 1, 0);
	rate_ok("300/min", 5, 0);
	rate_ok("60/minute", 1, 0);
	rate_ok("1/m", 1.0 / 60, 0);
	rate_ok("2/h", 2.0 / 3600, 0);
	rate_ok("3600/hour", 1, 0);
	rate_ok("86400/day", 1, 0);
	rate_ok("1/d", 1.0 / 86400, 0);
	/* Bytes, as sizes. */
	rate_ok("10MiB/s", 10485760, 1);
	rate_ok("5MB/s", 5000000, 1);
	rate_ok("64KiB/s", 65536, 1);
	rate_ok("64kB/s", 64000, 1);
	rate_ok("1GB/s", 1e9, 1);
	rate_ok("1.5GiB/s", 1610612736, 1);
	rate_ok("512B/s", 512, 1);
	rate_ok("1KB/min", 1000.0 / 60, 1);
	rate_ok("16EB/s", 16e18, 1);

	rate_bad("", "invalid rate");
	rate_bad("/s", "invalid rate");
	rate_bad("k/s", "invalid rate");
	rate_bad("-10/s", "invalid rate");
	rate_bad("+10/s", "invalid rate");
	rate_bad(" 10/s", "invalid rate");
	rate_bad("10 /s", "invalid rate");
	rate_bad("010/s", "invalid rate");
	rate_bad("1.5.5k/s", "invalid rate");
	rate_bad("10", "missing /s");
	rate_bad("10k", "missing /s");
	rate_bad("10MiB", "missing /s");
	rate_bad("0x10/s", "unknown suffix");
	rate_bad("10x/s", "unknown suffix");
	rate_bad("10kfoo/s", "unknown suffix");
	rate_bad("10T/s", "unknown suffix");
	rate_bad("10E/s", "unknown suffix");
	rate_bad("10m/s", "unknown suffix");
	rate_bad("10MiBB/s", "unknown suffix");
	rate_bad("10k/", "unknown period");
	rate_bad("10k/x", "unknown period");
	rate_bad("10k/s ", "unknown period");
	rate_bad("10k/S", "unknown period");
	rate_bad("10k/s/s", "unknown period");
	rate_bad("10k/2s", "unknown period");
	rate_bad("0/s", "must be positive");
	rate_bad("0k/s", "must be positive");
	rate_bad("0B/s", "must be positive");
	rate_bad("0.5B/s", "must be positive");
	rate_bad("16EiB/s", "too large");
	rate_bad("99999999999999999999/s", "too large");
}

static void
exact_ok(const char *s, uint64_t tok, uint64_t per, int want_bytes)
{
	const char	*errstr = "unset";
	uint64_t	 t = 0, p = 0;
	int		 r, bytes = -1;

	r = pf_parse_rate_exact(s, &t, &p, &bytes, &errstr);
	if (!ok(r == 0 && t == tok && p == per && bytes == want_bytes &&
	    errstr == NULL, "rate \"%s\" = %llu per %lluns", s,
	    (unsigned long long)tok, (unsigned long long)per))
		diag("got %d, %llu per %llu, bytes %d, %s", r,
		    (unsigned long long)t, (unsigned long long)p, bytes,
		    errstr ? errstr : "(null)");
	ok(r != 0 || (86400ULL * PF_NSEC) % p == 0,
	    "rate \"%s\": the period divides a day", s);
}

static void
exact_bad(const char *s, const char *msg)
{
	const char	*errstr = NULL;
	uint64_t	 t = 7, p = 7;
	int		 r, bytes = -1;

	r = pf_parse_rate_exact(s, &t, &p, &bytes, &errstr);
	if (!ok(r == -1 && t == 7 && p == 7 && bytes == -1 &&
	    errstr != NULL && strcmp(errstr, msg) == 0,
	    "exact rate \"%s\" refused: %s", s, msg))
		diag("got %d, %s", r, errstr ? errstr : "(null)");
}

static void
test_rate_exact(void)
{
	uint64_t	 s = PF_NSEC;

	exact_ok("10k/s", 10000, s, 0);
	exact_ok("5k/s", 5000, s, 0);
	exact_ok("300/min", 5, s, 0);
	exact_ok("1/min", 1, 60 * s, 0);
	exact_ok("7/min", 7, 60 * s, 0);
	exact_ok("0.5/s", 1, 2 * s, 0);
	exact_ok("1.5/s", 3, 2 * s, 0);
	exact_ok("1.5k/s", 1500, s, 0);
	exact_ok("0.25/s", 1, 4 * s, 0);
	exact_ok("2.5/h", 1, 1440 * s, 0);
	exact_ok("1/d", 1, 86400 * s, 0);
	exact_ok("1M/s", 1000000, s, 0);
	exact_ok("3/hour", 1, 1200 * s, 0);
	/* A period of 1000 s does not divide a day: 86.4 a day, so 86. */
	exact_ok("0.001/s", 86, 86400 * s, 0);
	exact_ok("20MB/s", 20000000, s, 1);
	exact_ok("10MiB/s", 10485760, s, 1);
	exact_ok("1KB/min", 50, 3 * s, 1);
	exact_ok("1.5KiB/s", 1536, s, 1);
	exact_ok("16EB/s", 16000000000000000000ULL, s, 1);
	exact_bad("", "invalid rate");
	exact_bad("10", "missing /s");
	exact_bad("10k/x", "unknown period");
	exact_bad("10x/s", "unknown suffix");
	exact_bad("0/s", "must be positive");
	exact_bad("0.5B/s", "must be positive");
	exact_bad("16EiB/s", "too large");
	exact_bad("0.000001/d", "below one a day");
}

static void
test_format(void)
{
	char	 buf[8];

	fmt_size(0, "0B");
	fmt_size(1, "1B");
	fmt_size(512, "512B");
	fmt_size(999, "999B");
	fmt_size(1023, "1.0K");
	fmt_size(1024, "1.0K");
	fmt_size(1536, "1.5K");
	fmt_size(10240, "10K");
	fmt_size(65536, "64K");
	fmt_size(1047552, "1.0M");
	fmt_size(1048576, "1.0M");
	fmt_size(1572864, "1.5M");
	fmt_size(64ULL << 20, "64M");
	fmt_size(2ULL << 30, "2.0G");
	fmt_size(1ULL << 40, "1.0T");
	fmt_size(1ULL << 50, "1.0P");
	fmt_size(INT64_MAX, "8.0E");
	fmt_size((uint64_t)INT64_MAX + 1, "8.0E");
	fmt_size(12ULL << 60, "12E");
	fmt_size(UINT64_MAX, "16E");

	fmt_duration(0, "0s");
	fmt_duration(1, "1ns");
	fmt_duration(999, "999ns");
	fmt_duration(1000, "1us");
	fmt_duration(1500, "1us");
	fmt_duration(250 * PF_MSEC, "250ms");
	fmt_duration(PF_NSEC - 1, "999ms");
	fmt_duration(PF_NSEC, "1.0s");
	fmt_duration(1500 * PF_MSEC, "1.5s");
	fmt_duration(9999 * PF_MSEC, "9.9s");
	fmt_duration(10 * PF_NSEC, "10s");
	fmt_duration(59999 * PF_MSEC, "59s");
	fmt_duration(60 * PF_NSEC, "1m00s");
	fmt_duration(123 * PF_NSEC, "2m03s");
	fmt_duration(3599 * PF_NSEC, "59m59s");
	fmt_duration(3600 * PF_NSEC, "1h00m");
	fmt_duration(3720 * PF_NSEC, "1h02m");
	fmt_duration(86399 * PF_NSEC, "23h59m");
	fmt_duration(86400 * PF_NSEC, "1d00h");
	fmt_duration((3 * 86400 + 4 * 3600 + 59) * PF_NSEC, "3d04h");
	fmt_duration(UINT64_MAX, "213503d23h");

	/* Truncation to the buffer, always terminated. */
	memset(buf, 'x', sizeof buf);
	is_str(pf_format_size(buf, 3, 65536), "64", "format size truncated");
	memset(buf, 'x', sizeof buf);
	is_str(pf_format_size(buf, 1, 65536), "", "format size into 1 byte");
	memset(buf, 'x', sizeof buf);
	ok(pf_format_size(buf, 0, 65536) == buf && buf[0] == 'x',
	    "format size into 0 bytes writes nothing");
	memset(buf, 'x', sizeof buf);
	is_str(pf_format_duration(buf, 4, 123 * PF_NSEC), "2m0",
	    "format duration truncated");
	memset(buf, 'x', sizeof buf);
	is_str(pf_format_duration(buf, 1, 123 * PF_NSEC), "",
	    "format duration into 1 byte");
	memset(buf, 'x', sizeof buf);
	ok(pf_format_duration(buf, 0, 5) == buf && buf[0] == 'x',
	    "format duration into 0 bytes writes nothing");
}

int
main(void)
{
	test_size();
	test_count();
	test_duration();
	test_percent();
	test_rate();
	test_rate_exact();
	test_format();
	return done();
}
