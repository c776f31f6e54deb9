/* SPDX-License-Identifier: ISC */
/*
 * field.c: a libFuzzer target for lib/field.c.  The input is a record
 * for a fixed set of field specs (numbered and JSON); an input starting
 * with '#' carries its own spec and separator first ("#SPEC\nS..." where
 * S is the separator byte, or a space for blanks).  Every value found
 * must lie inside the record; numbered fields must agree with a naive
 * splitter; JSON values must look like what the contract says.  What
 * the values give as timestamps is fuzzed by time.c.
 *
 *	clang -fsanitize=fuzzer,address,undefined -I lib -I . \
 *	    $(pkg-config --cflags --libs libbsd-overlay) \
 *	    tests/fuzz/field.c lib/field.c
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static int	 ref_get(const struct pf_field *, const char *, size_t,
		     const char **, size_t *);
static void	 check(const struct pf_field *, const char *, size_t);

static const struct {
	const char	*spec;
	const char	*sep;
} specs[] = {
	{ "1",			NULL },
	{ "3",			NULL },
	{ "1024",		NULL },
	{ "2",			"," },
	{ "4",			"\t" },
	{ ".a",			NULL },
	{ ".ts",		NULL },
	{ ".a.b",		NULL },
	{ ".a.b.c.d.e.f.g.h",	NULL },
};
#define NSPECS	(sizeof(specs) / sizeof(specs[0]))

/*
 * The Nth field by the book, written differently from lib/field.c: one
 * pass over every byte, counting where fields start and end.
 */
static int
ref_get(const struct pf_field *f, const char *rec, size_t len,
    const char **val, size_t *vlen)
{
	size_t		 i, start = 0;
	unsigned int	 k = 0;
	int		 in = 0, blank;

	if (f->sep != -1) {
		if (len == 0)
			return (0);
		for (i = 0, k = 1; i <= len; i++) {
			if (i < len && (unsigned char)rec[i] != f->sep)
				continue;
			if (k++ == f->num) {
				*val = rec + start;
				*vlen = i - start;
				return (1);
			}
			start = i + 1;
		}
		return (0);
	}
	for (i = 0; i <= len; i++) {
		blank = i == len || rec[i] == ' ' || rec[i] == '\t';
		if (!in && !blank) {
			in = 1;
			start = i;
			k++;
		} else if (in && blank) {
			in = 0;
			if (k == f->num) {
				*val = rec + start;
				*vlen = i - start;
				return (1);
			}
		}
	}
	return (0);
}

static void
check(const struct pf_field *f, const char *rec, size_t len)
{
	const char	*val = NULL, *rval = NULL, *end = rec + len;
	size_t		 vlen = 0, rvlen = 0, i;
	int		 r;

	r = pf_field_get(f, rec, len, &val, &vlen);
	if (r != 0 && r != 1)
		abort();
	if (r == 1 && (val < rec || val > end || vlen > (size_t)(end - val)))
		abort();		/* outside the record */
	if (f->num != 0) {
		if (ref_get(f, rec, len, &rval, &rvlen) != r)
			abort();
		if (r == 1 && (val != rval || vlen != rvlen))
			abort();
	} else if (r == 1) {
		if (val > rec && val[-1] == '"') {
			/* A string: its closing quote is in the record. */
			if (vlen == (size_t)(end - val) || val[vlen] != '"')
				abort();
		} else {
			/* A number: its literal and nothing else. */
			if (vlen == 0 || (val[0] != '-' &&
			    (val[0] < '0' || val[0] > '9')))
				abort();
			for (i = 0; i < vlen; i++)
				if (strchr("0123456789.eE+-", val[i]) == NULL ||
				    val[i] == '\0')
					abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pf_field	 fields[NSPECS];
	static int		 ready;
	struct pf_field		 f;
	const uint8_t		*nl;
	const char		*errstr;
	char			*rec, spec[320], sep[2];
	size_t			 i, n;

	if (!ready) {
		for (i = 0; i < NSPECS; i++)
			if (pf_field_parse(&fields[i], specs[i].spec,
			    specs[i].sep, &errstr) == -1)
				abort();
		ready = 1;
	}

	/* A copy of exactly size bytes, so that overreads are caught. */
	if ((rec = malloc(size ? size : 1)) == NULL)
		return (0);
	memcpy(rec, data, size);
	for (i = 0; i < NSPECS; i++)
		check(&fields[i], rec, size);

	if (size > 0 && data[0] == '#' &&
	    (nl = memchr(data, '\n', size)) != NULL &&
	    (n = nl - data - 1) < sizeof(spec) && nl + 1 < data + size) {
		memcpy(spec, data + 1, n);
		spec[n] = '\0';
		sep[0] = nl[1] == ' ' ? '\0' : nl[1];
		sep[1] = '\0';
		errstr = NULL;
		if (pf_field_parse(&f, spec, sep, &errstr) == 0) {
			if (errstr != NULL)
				abort();
			n = nl + 2 - data;
			check(&f, rec + n, size - n);
		} else if (errstr == NULL)
			abort();
	}
	free(rec);
	return (0);
}
