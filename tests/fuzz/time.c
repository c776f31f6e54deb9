/* SPDX-License-Identifier: ISC */
/*
 * time.c: a libFuzzer target for lib/time.c.  The whole input, and each
 * value the field specs below find in it (as a record's timestamp field
 * would be), goes through every timestamp format, in a buffer of exactly
 * its size; what is accepted must survive a round trip through gmtime_r,
 * and the memo of earlier times must never change a result.
 *
 *	clang -fsanitize=fuzzer,address,undefined -I lib -I . \
 *	    $(pkg-config --cflags --libs libbsd-overlay) \
 *	    tests/fuzz/time.c lib/time.c lib/field.c
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeflow.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	 check_time(const char *, size_t);
static void	 check_copy(const char *, size_t);

static const struct {
	const char	*spec;
	const char	*sep;
} specs[] = {
	{ "1",			NULL },
	{ "2",			NULL },
	{ "4",			NULL },
	{ "2",			"," },
	{ "4",			"," },
	{ "2",			";" },
	{ ".ts",		NULL },
	{ ".a",			NULL },
	{ ".a.b",		NULL },
	{ ".a.b.c.d.e.f.g.h",	NULL },
};
#define NSPECS	(sizeof(specs) / sizeof(specs[0]))

/*
 * Whatever a format accepts formats back to the same instant, and the
 * memo of the whole units of earlier times (kept across inputs, as a
 * stream's records share them) never changes a result.
 */
static void
check_time(const char *s, size_t len)
{
	static struct pf_timememo memo;
	struct tm	 tm;
	const char	*errstr, *merr;
	char		 buf[64];
	int64_t		 ns, ns2, mns, sec, frac;
	time_t		 t;
	int		 fmt, n, r;

	for (fmt = PF_TIME_EPOCH; fmt <= PF_TIME_RFC3339; fmt++) {
		errstr = merr = NULL;
		ns = mns = 0;
		r = pf_time_parse(s, len, fmt, &ns, &errstr);
		if (pf_time_parse_memo(&memo, s, len, fmt, &mns, &merr) != r ||
		    mns != ns || (r == -1 && (merr == NULL ||
		    strcmp(merr, errstr) != 0)))
			abort();
		if (r == -1) {
			if (errstr == NULL)
				abort();
			continue;
		}
		if (errstr != NULL)
			abort();
		if (fmt != PF_TIME_RFC3339 && ns < 0)
			abort();
		sec = ns / (int64_t)PF_NSEC;
		frac = ns % (int64_t)PF_NSEC;
		if (frac < 0) {
			sec--;
			frac += PF_NSEC;
		}
		if (fmt != PF_TIME_RFC3339) {
			n = snprintf(buf, sizeof(buf), "%lld.%09lld",
			    (long long)sec, (long long)frac);
			if (pf_time_parse(buf, n, PF_TIME_EPOCH, &ns2,
			    &errstr) == -1 || ns2 != ns)
				abort();
			continue;
		}
		t = sec;
		if (gmtime_r(&t, &tm) == NULL)
			abort();
		n = snprintf(buf, sizeof(buf),
		    "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (long long)frac);
		if (pf_time_parse(buf, n, PF_TIME_RFC3339, &ns2, &errstr) ==
		    -1 || ns2 != ns)
			abort();
	}
}

/* The len bytes at s in a buffer of exactly that size. */
static void
check_copy(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len ? len : 1)) == NULL)
		return;
	memcpy(p, s, len);
	check_time(p, len);
	free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pf_field	 fields[NSPECS];
	static int		 ready;
	const char		*errstr, *val, *rec = (const char *)data;
	size_t			 i, vlen;

	if (!ready) {
		for (i = 0; i < NSPECS; i++)
			if (pf_field_parse(&fields[i], specs[i].spec,
			    specs[i].sep, &errstr) == -1)
				abort();
		ready = 1;
	}
	check_copy(rec, size);
	for (i = 0; i < NSPECS; i++)
		if (pf_field_get(&fields[i], rec, size, &val, &vlen) == 1)
			check_copy(val, vlen);
	return (0);
}
