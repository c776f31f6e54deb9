/* SPDX-License-Identifier: ISC */
/*
 * field.c: unit tests for lib/field.c.  Field specs are checked for what
 * they accept and the message for what they refuse; numbered fields
 * split on blanks as awk does and on a separator as cut does; the JSON
 * scanner finds members along a path while skipping everything else
 * (escapes, nesting, look-alike keys), and refuses what is not an object
 * or is malformed.  The timestamp formats are tested in time.c.
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
static void	 test_spec(void);
static void	 test_blanks(void);
static void	 test_sep(void);
static void	 test_json(void);
static void	 test_json_bad(void);
static void	 test_json_deep(void);
static void	 test_json_prefix(void);
static int	 ref_blanks(const char *, size_t, unsigned int, size_t *,
		     size_t *);
static void	 test_blanks_random(void);

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
	test_blanks_random();
	return (done());
}
