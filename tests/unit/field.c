/* SPDX-License-Identifier: ISC */
/*
 * field.c: unit tests for lib/field.c.  Field specs are checked for what
 * they accept and the message for what they refuse; numbered fields
 * split on blanks as awk does and on a separator as cut does; the JSON
 * scanner finds members along a path while skipping everything else
 * (escapes, nesting, look-alike keys), and refuses what is not an object
 * or is malformed; timestamps in each format, the calendar checked on
 * every day from 1678 to 2261 against a day counter.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

/* A record given as a string literal, NUL bytes and all. */
#define REC(s)		(s), sizeof(s) - 1

static const char *show(const char *, size_t);
static void	 get_ok(const char *, const char *, const char *, size_t,
		     const char *, size_t);
static void	 get_none(const char *, const char *, const char *, size_t);
static void	 spec_bad(const char *, const char *, const char *);
static void	 time_ok(const char *, enum pf_timefmt, int64_t);
static void	 time_bad(const char *, enum pf_timefmt, const char *);
static void	 test_spec(void);
static void	 test_blanks(void);
static void	 test_sep(void);
static void	 test_json(void);
static void	 test_json_bad(void);
static void	 test_json_deep(void);
static void	 test_json_prefix(void);
static void	 test_timefmt(void);
static void	 test_epoch(void);
static void	 test_rfc3339(void);
static void	 test_calendar(void);
static int	 ref_blanks(const char *, size_t, unsigned int, size_t *,
		     size_t *);
static int	 ref_epoch(const char *, size_t, unsigned int, int64_t *);
static void	 test_blanks_random(void);
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

/* Field spec (sep) in rec has the value want. */
static void
get_ok(const char *spec, const char *sep, const char *rec, size_t len,
    const char *want, size_t wlen)
{
	struct pf_field	 f;
	const char	*errstr, *val = NULL;
	size_t		 vlen = 0;
	int		 r;

	if (pf_field_parse(&f, spec, sep, &errstr) == -1) {
		ok(0, "%s in '%s': parse: %s", spec, show(rec, len), errstr);
		return;
	}
	r = pf_field_get(&f, rec, len, &val, &vlen);
	if (!ok(r == 1 && vlen == wlen && val >= rec &&
	    val + vlen <= rec + len && memcmp(val, want, wlen) == 0,
	    "%s in '%s' is '%s'", spec, show(rec, len),
	    show(want, wlen))) {
		if (r == 1)
			diag("got '%s'", show(val, vlen));
		else
			diag("got %d", r);
	}
}

/* Field spec (sep) is not in rec. */
static void
get_none(const char *spec, const char *sep, const char *rec, size_t len)
{
	struct pf_field	 f;
	const char	*errstr, *val = NULL;
	size_t		 vlen = 0;
	int		 r;

	if (pf_field_parse(&f, spec, sep, &errstr) == -1) {
		ok(0, "%s in '%s': parse: %s", spec, show(rec, len), errstr);
		return;
	}
	r = pf_field_get(&f, rec, len, &val, &vlen);
	if (!ok(r == 0, "%s not in '%s'", spec, show(rec, len)))
		diag("got '%s'", show(val, vlen));
}

static void
spec_bad(const char *spec, const char *sep, const char *msg)
{
	struct pf_field	 f;
	const char	*errstr = NULL;
	int		 r;

	r = pf_field_parse(&f, spec, sep, &errstr);
	if (!ok(r == -1 && errstr != NULL && strcmp(errstr, msg) == 0,
	    "spec '%.40s' sep '%s' refused: %s", spec, sep ? sep : "(null)",
	    msg))
		diag("got %d, %s", r, errstr ? errstr : "(null)");
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
test_spec(void)
{
	struct pf_field	 f;
	const char	*errstr;
	char		 buf[400];

	ok(pf_field_parse(&f, "1", NULL, &errstr) == 0 && errstr == NULL &&
	    f.num == 1 && f.sep == -1, "spec 1");
	ok(pf_field_parse(&f, "1024", "", &errstr) == 0 && f.num == 1024 &&
	    f.sep == -1, "spec 1024, empty sep means blanks");
	ok(pf_field_parse(&f, "3", ",", &errstr) == 0 && f.num == 3 &&
	    f.sep == ',', "spec 3 with -t ,");
	ok(pf_field_parse(&f, "2", "\xff", &errstr) == 0 && f.sep == 0xff,
	    "a high-bit separator byte is positive");
	ok(pf_field_parse(&f, ".a.bc", NULL, &errstr) == 0 && f.num == 0 &&
	    f.depth == 2 && f.len[0] == 1 && f.len[1] == 2 &&
	    memcmp(f.names + f.off[1], "bc", 2) == 0, "spec .a.bc");
	ok(pf_field_parse(&f, ".a.b.c.d.e.f.g.h", NULL, &errstr) == 0 &&
	    f.depth == 8, "a path 8 deep");
	ok(pf_field_parse(&f, ".x y\"z", ",", &errstr) == 0 && f.depth == 1 &&
	    f.len[0] == 5, "names take any byte but '.'");

	spec_bad("", NULL, "invalid field");
	spec_bad("0", NULL, "field numbers start at 1");
	spec_bad("00", NULL, "invalid field");
	spec_bad("01", NULL, "invalid field");
	spec_bad("1025", NULL, "field number too large");
	spec_bad("99999999999999999999999", NULL, "field number too large");
	spec_bad("-1", NULL, "invalid field");
	spec_bad("+1", NULL, "invalid field");
	spec_bad(" 1", NULL, "invalid field");
	spec_bad("1 ", NULL, "invalid field");
	spec_bad("1a", NULL, "invalid field");
	spec_bad("0x1", NULL, "invalid field");
	spec_bad("a", NULL, "invalid field");
	spec_bad(".", NULL, "invalid field");
	spec_bad("..a", NULL, "invalid field");
	spec_bad(".a.", NULL, "invalid field");
	spec_bad(".a..b", NULL, "invalid field");
	spec_bad(".a.b.c.d.e.f.g.h.i", NULL, "field path too deep");
	spec_bad("1", ",,", "separator must be one character");
	spec_bad("1", "\xc3\xa9", "separator must be one character");
	spec_bad(".a", "ab", "separator must be one character");
	buf[0] = '.';
	memset(buf + 1, 'k', 257);
	buf[258] = '\0';
	spec_bad(buf, NULL, "field path too long");
	buf[257] = '\0';
	ok(pf_field_parse(&f, buf, NULL, &errstr) == 0 && f.len[0] == 256,
	    "a 256-byte name fits");
	buf[129] = '.';
	ok(pf_field_parse(&f, buf, NULL, &errstr) == 0 && f.depth == 2 &&
	    f.len[0] == 128 && f.len[1] == 127, "two names fill 255 bytes");
}

static void
test_blanks(void)
{
	get_ok("1", NULL, REC("alpha beta gamma"), REC("alpha"));
	get_ok("2", NULL, REC("alpha beta gamma"), REC("beta"));
	get_ok("3", NULL, REC("alpha beta gamma"), REC("gamma"));
	get_none("4", NULL, REC("alpha beta gamma"));
	get_ok("1", NULL, REC("   lead  two"), REC("lead"));
	get_ok("2", NULL, REC("   lead  two"), REC("two"));
	get_ok("2", NULL, REC("a \t\t b\t"), REC("b"));
	get_none("3", NULL, REC("a \t\t b\t \t"));
	get_ok("1", NULL, REC("\tx"), REC("x"));
	get_ok("1", "", REC("solo"), REC("solo"));
	get_none("1", NULL, REC(""));
	get_none("1", NULL, REC("  \t "));
	get_ok("2", NULL, REC("a,b c,d"), REC("c,d"));
	get_ok("2", NULL, REC("a\rb c\r"), REC("c\r"));
	get_ok("2", NULL, REC("x\0y z\0"), REC("z\0"));
	get_ok("1", NULL, REC("\0 b"), REC("\0"));
	get_ok("2", NULL, REC("\xff\xfe \xc3\xa9t\xc3\xa9"),
	    REC("\xc3\xa9t\xc3\xa9"));
	get_ok("1", NULL, REC("a\nb c"), REC("a\nb"));
	get_none("1024", NULL, REC("a b c"));
}

static void
test_sep(void)
{
	static char	 many[4096];
	size_t		 n;
	int		 i;

	get_ok("1", ",", REC("a,b,c"), REC("a"));
	get_ok("2", ",", REC("a,b,c"), REC("b"));
	get_ok("3", ",", REC("a,b,c"), REC("c"));
	get_none("4", ",", REC("a,b,c"));
	get_ok("2", ",", REC("a,,c"), REC(""));
	get_ok("1", ",", REC(",b"), REC(""));
	get_ok("2", ",", REC("a,"), REC(""));
	get_none("3", ",", REC("a,"));
	get_ok("1", ",", REC(","), REC(""));
	get_ok("2", ",", REC(","), REC(""));
	get_none("1", ",", REC(""));
	get_ok("1", ",", REC("no separator here"), REC("no separator here"));
	get_ok("2", ",", REC(" a , b "), REC(" b "));
	get_ok("2", ":", REC("x\0:\0y"), REC("\0y"));
	get_ok("2", "\t", REC("a b\tc d"), REC("c d"));
	get_ok("3", "|", REC("a||c|"), REC("c"));
	get_ok("2", "\xff", REC("a\xff\xc3\xa9"), REC("\xc3\xa9"));

	/* The last field a spec can name, and one past the end. */
	for (i = 0, n = 0; i < 1024; i++)
		n += snprintf(many + n, sizeof(many) - n, "%s%d",
		    i ? ";" : "", i + 1);
	get_ok("1024", ";", many, n, REC("1024"));
	get_ok("1000", ";", many, n, REC("1000"));
	get_none("1024", ";", many, n - 5);
	get_ok("1", NULL, many, n, many, n);
	get_none("2", NULL, many, n);
	for (i = 0; many[i] != '\0'; i++)
		if (many[i] == ';')
			many[i] = i % 3 ? ' ' : '\t';
	get_ok("1024", NULL, many, n, REC("1024"));
	get_ok("17", NULL, many, n, REC("17"));
	get_none("1024", NULL, many, n - 5);
}

static void
test_json(void)
{
	get_ok(".a", NULL, REC("{\"a\":\"x\"}"), REC("x"));
	get_ok(".a", NULL, REC("{\"a\":1}"), REC("1"));
	get_ok(".b", NULL, REC("{\"a\":1,\"b\":2}"), REC("2"));
	get_ok(".id", NULL, REC("{\"id\":-12.5e+3}"), REC("-12.5e+3"));
	get_ok(".id", NULL, REC("{\"id\":0}"), REC("0"));
	get_ok(".id", NULL, REC("{\"id\":0.25E2 }"), REC("0.25E2"));
	get_ok(".a", NULL, REC(" \t\r\n{ \n\"a\" \t:\r\n \"v\" \n} \r\n"),
	    REC("v"));
	get_ok(".a", NULL, REC("{\"a\":\"\"}"), REC(""));
	get_ok(".a", ",", REC("{\"a\":\"x,y\"}"), REC("x,y"));

	/* Escapes are left as they are; quotes inside do not end it. */
	get_ok(".a", NULL, REC("{\"a\":\"say \\\"hi\\\"\"}"),
	    REC("say \\\"hi\\\""));
	get_ok(".a", NULL, REC("{\"a\":\"back\\\\\"}"), REC("back\\\\"));
	get_ok(".a", NULL, REC("{\"a\":\"\\\\\\\\\",\"b\":1}"),
	    REC("\\\\\\\\"));
	get_ok(".a", NULL, REC("{\"a\":\"\\u00e9\\n\"}"), REC("\\u00e9\\n"));
	get_ok(".a", NULL, REC("{\"a\":\"\xc3\xa9\xff\"}"),
	    REC("\xc3\xa9\xff"));
	get_ok(".a", NULL, REC("{\"a\":\"nul\0in\"}"), REC("nul\0in"));

	/* Other members' values are skipped, whatever they hold. */
	get_ok(".b", NULL, REC("{\"a\":\"}\\\"{\",\"b\":\"y\"}"), REC("y"));
	get_ok(".b", NULL, REC("{\"a\":\"\\\\\",\"b\":\"y\"}"), REC("y"));
	get_ok(".b", NULL, REC("{\"a\":\"\\\\\\\"b\\\":1\",\"b\":2}"),
	    REC("2"));
	get_ok(".b", NULL, REC("{\"a\":{\"b\":1},\"b\":2}"), REC("2"));
	get_ok(".b", NULL, REC("{\"a\":[{\"b\":1},[\"b\",{}]],\"b\":3}"),
	    REC("3"));
	get_ok(".b", NULL, REC("{\"a\":{\"x\":{\"b\":{\"b\":0}}}, \"b\":4}"),
	    REC("4"));
	get_ok(".b", NULL,
	    REC("{\"t\":true,\"f\":false,\"n\":null,\"e\":[],\"o\":{},"
	    "\"x\":-0.5e-7,\"b\":5}"), REC("5"));
	get_ok(".b", NULL, REC("{\"a\":[ 1 , 2 , [ ] , { } ] , \"b\" : 6 }"),
	    REC("6"));
	get_ok(".b", NULL, REC("{\"a\":\"{\",\"c\":\"[\",\"b\":7}"), REC("7"));
	get_ok(".b", NULL, REC("{\"b\\\"\":0,\"b\":8}"), REC("8"));
	get_ok(".b", NULL, REC("{\"ab\":0,\"ba\":0,\"b\":9}"), REC("9"));
	get_none(".b", NULL, REC("{\"a\":{\"b\":1}}"));
	get_none(".b", NULL, REC("{\"a\":[\"b\",1]}"));
	get_none(".b", NULL, REC("{\"a\":\"\\\"b\\\":1\"}"));

	/* Paths. */
	get_ok(".a.b", NULL, REC("{\"a\":{\"b\":\"deep\"}}"), REC("deep"));
	get_ok(".a.b", NULL, REC("{\"b\":0,\"a\":{\"x\":[1,{\"b\":2}],"
	    "\"b\":3},\"c\":4}"), REC("3"));
	get_ok(".a.b.c.d.e.f.g.h", NULL,
	    REC("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":8}"
	    "}}}}}}}"), REC("8"));
	get_none(".a.b", NULL, REC("{\"a\":1,\"b\":2}"));
	get_none(".a.b", NULL, REC("{\"a\":\"{\\\"b\\\":1}\"}"));
	get_none(".a.b", NULL, REC("{\"a\":[{\"b\":1}]}"));
	get_none(".a.b", NULL, REC("{\"a\":{}}"));
	get_none(".a.b", NULL, REC("{\"x\":{\"a\":{\"b\":1}}}"));

	/* First wins: a later member of the same name is not looked at. */
	get_ok(".a", NULL, REC("{\"a\":1,\"a\":2}"), REC("1"));
	get_none(".a.b", NULL, REC("{\"a\":{\"c\":1},\"a\":{\"b\":2}}"));
	get_none(".a", NULL, REC("{\"a\":null,\"a\":2}"));

	/* Keys are compared raw. */
	get_none(".ab", NULL, REC("{\"a\\u0062\":1}"));
	get_ok(".a\\u0062", NULL, REC("{\"a\\u0062\":1}"), REC("1"));
	get_ok(".x y", NULL, REC("{\"x y\":\"sp\"}"), REC("sp"));
	get_ok(".\xc3\xa9", NULL, REC("{\"\xc3\xa9\":1}"), REC("1"));

	/* Values that are not usable fields. */
	get_none(".a", NULL, REC("{\"a\":{\"b\":1}}"));
	get_none(".a", NULL, REC("{\"a\":[1]}"));
	get_none(".a", NULL, REC("{\"a\":true}"));
	get_none(".a", NULL, REC("{\"a\":false}"));
	get_none(".a", NULL, REC("{\"a\":null}"));
	get_none(".a", NULL, REC("{}"));
	get_none(".a", NULL, REC("{ }"));
	get_none(".a", NULL, REC("{\"b\":1}"));

	/* Malformed after the value is not looked at. */
	get_ok(".a", NULL, REC("{\"a\":1, garbage"), REC("1"));
	get_ok(".a", NULL, REC("{\"a\":\"x\"}}}}"), REC("x"));
}

static void
test_json_bad(void)
{
	/* Not an object. */
	get_none(".a", NULL, REC(""));
	get_none(".a", NULL, REC("   "));
	get_none(".a", NULL, REC("[{\"a\":1}]"));
	get_none(".a", NULL, REC("\"a\":1"));
	get_none(".a", NULL, REC("a b c"));
	get_none(".a", NULL, REC("1"));
	get_none(".a", NULL, REC("\xef\xbb\xbf{\"a\":1}"));
	get_none(".a", NULL, REC("\0{\"a\":1}"));

	/* Truncated. */
	get_none(".a", NULL, REC("{"));
	get_none(".a", NULL, REC("{\"a"));
	get_none(".a", NULL, REC("{\"a\""));
	get_none(".a", NULL, REC("{\"a\":"));
	get_none(".a", NULL, REC("{\"a\":1"));
	get_none(".a", NULL, REC("{\"a\":12 "));
	get_none(".a", NULL, REC("{\"a\":\"x"));
	get_none(".a", NULL, REC("{\"a\":\"x\\\"}"));
	get_none(".a", NULL, REC("{\"a\":\"x\""));
	get_none(".b", NULL, REC("{\"a\":[1,2"));
	get_none(".b", NULL, REC("{\"a\":{\"c\":"));
	get_none(".b", NULL, REC("{\"a\":\"}"));
	get_none(".b", NULL, REC("{\"a\":tru"));
	get_none(".b", NULL, REC("{\"a\":1,"));

	/* Malformed before the field. */
	get_none(".a", NULL, REC("{a:1}"));
	get_none(".a", NULL, REC("{'a':1}"));
	get_none(".a", NULL, REC("{\"a\" 1}"));
	get_none(".a", NULL, REC("{\"a\"::1}"));
	get_none(".a", NULL, REC("{\"a\":x}"));
	get_none(".a", NULL, REC("{\"a\":+1}"));
	get_none(".a", NULL, REC("{\"a\":01}"));
	get_none(".a", NULL, REC("{\"a\":1.}"));
	get_none(".a", NULL, REC("{\"a\":.5}"));
	get_none(".a", NULL, REC("{\"a\":1e}"));
	get_none(".a", NULL, REC("{\"a\":1x}"));
	get_none(".a", NULL, REC("{\"a\":\"x\"y}"));
	get_none(".a", NULL, REC("{\"a\":\"x\" \"y\"}"));
	get_none(".a", NULL, REC("{\"a\":-}"));
	get_none(".a", NULL, REC("{\"a\":1 2}"));
	get_none(".b", NULL, REC("{\"a\":1 \"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":1,,\"b\":2}"));
	get_none(".b", NULL, REC("{,\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":1,}"));
	get_none(".b", NULL, REC("{\"a\":[1,],\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":[,1],\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":[1 2],\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":[1},\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":{\"x\":1],\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":{\"x\"},\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":{1:2},\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":{\"x\":1,},\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":]\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":nul,\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":True,\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":truex,\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":\"x\"\"y\",\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":1\0,\"b\":2}"));
	get_none(".b", NULL, REC("{\"a\":1}\"b\":2}"));
}

/* Brackets nested past the scanner's limit fail; just under it pass. */
static void
test_json_deep(void)
{
	static char	 rec[5000];
	size_t		 n;
	int		 i, depth;

	for (depth = 1023; depth <= 1025; depth++) {
		n = 0;
		n += snprintf(rec + n, sizeof(rec) - n, "{\"a\":");
		for (i = 0; i < depth; i++)
			rec[n++] = '[';
		for (i = 0; i < depth; i++)
			rec[n++] = ']';
		n += snprintf(rec + n, sizeof(rec) - n, ",\"b\":1}");
		if (depth <= 1024)
			get_ok(".b", NULL, rec, n, REC("1"));
		else
			get_none(".b", NULL, rec, n);
	}
	/* Unclosed to the very end: no read past it. */
	memset(rec, '[', sizeof(rec));
	memcpy(rec, "{\"a\":", 5);
	get_none(".b", NULL, rec, sizeof(rec));
}

/*
 * Every prefix of a record, each in a buffer of exactly its length: the
 * field is found only once the record holds its value and what ends it.
 */
static void
test_json_prefix(void)
{
	struct pf_field	 f;
	const char	*rec, *errstr, *val;
	char		*p;
	size_t		 i, len, need, vlen;
	int		 bad = 0;

	rec = "{\"x\":[1,{\"b\":\"}\"}],\"a\":{\"b\":\"v\\\"\"},\"c\":1}";
	len = strlen(rec);
	need = strstr(rec, "\"},") - rec + 2;
	if (pf_field_parse(&f, ".a.b", NULL, &errstr) == -1) {
		ok(0, "prefixes: parse .a.b: %s", errstr);
		return;
	}
	for (i = 0; i <= len; i++) {
		if ((p = malloc(i + 1)) == NULL)
			break;
		memcpy(p, rec, i);
		if (pf_field_get(&f, p, i, &val, &vlen) != (i >= need)) {
			if (bad++ < 5)
				diag("prefix of %zu: wrong", i);
		} else if (i >= need && (vlen != 3 || memcmp(val, "v\\\"", 3)))
			bad++;
		free(p);
	}
	ok(i == len + 1 && bad == 0,
	    ".a.b in every prefix of '%s' only once complete", rec);
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

/* Field n split on blanks, one byte at a time: offset and length. */
static int
ref_blanks(const char *r, size_t len, unsigned int n, size_t *off,
    size_t *vlen)
{
	size_t		i = 0, st;
	unsigned int	k;

	for (k = 1;; k++) {
		while (i < len && (r[i] == ' ' || r[i] == '\t'))
			i++;
		if (i == len)
			return (0);
		for (st = i; i < len && r[i] != ' ' && r[i] != '\t'; i++)
			;
		if (k == n) {
			*off = st;
			*vlen = i - st;
			return (1);
		}
	}
}

/*
 * Blank-separated fields of random records, each in a buffer of exactly
 * its size (so that the sanitizers see any read past it), at every
 * length up to past several 16-byte blocks, agree with the byte loop.
 */
static void
test_blanks_random(void)
{
	static const char	 alpha[] = " \t\t  ab0.:\xff\n\0";
	struct pf_field		 f;
	const char		*errstr, *v;
	char			 spec[8], *r;
	size_t			 len, vlen, off = 0, wlen = 0;
	unsigned int		 n, i, bad = 0, runs = 0, found = 0;
	int			 got, want;

	srandom(7);
	for (i = 0; i < 200000; i++) {
		len = random() % 90;
		n = 1 + random() % 14;
		if ((r = malloc(len ? len : 1)) == NULL)
			break;
		for (off = 0; off < len; off++)
			r[off] = (random() % 3 == 0) ? 'x' :
			    alpha[random() % (sizeof(alpha) - 1)];
		snprintf(spec, sizeof(spec), "%u", n);
		if (pf_field_parse(&f, spec, NULL, &errstr) == -1) {
			free(r);
			bad++;
			continue;
		}
		got = pf_field_get(&f, r, len, &v, &vlen);
		want = ref_blanks(r, len, n, &off, &wlen);
		if (got != want || (got == 1 && (v != r + off ||
		    vlen != wlen))) {
			if (bad++ < 5)
				diag("%s: field %u of %zu bytes: got %d "
				    "(%td, %zu), want %d (%zu, %zu)",
				    show(r, len), n, len, got,
				    got == 1 ? v - r : 0, got == 1 ? vlen : 0,
				    want, off, wlen);
		}
		found += want;
		runs++;
		free(r);
	}
	ok(bad == 0 && runs == 200000 && found > 50000,
	    "blank fields agree with a byte loop on %u random records "
	    "(%u found)", runs, found);
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
	test_spec();
	test_blanks();
	test_sep();
	test_json();
	test_json_bad();
	test_json_deep();
	test_json_prefix();
	test_timefmt();
	test_epoch();
	test_rfc3339();
	test_calendar();
	test_blanks_random();
	test_epoch_random();
	test_rfc3339_memo();
	return (done());
}
