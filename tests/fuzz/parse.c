/* SPDX-License-Identifier: ISC */
/*
 * parse.c: a libFuzzer target for lib/parse.c.  The input, made a C
 * string, goes to every parser; what they accept must obey their
 * contracts and format without overrunning a buffer.
 *
 *	clang -fsanitize=fuzzer,address,undefined -I lib -I build \
 *	    $(pkg-config --cflags --libs libbsd-overlay) \
 *	    tests/fuzz/parse.c lib/parse.c
 */

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*errstr;
	char		*s, out[8];
	uint64_t	 v;
	double		 d;
	int		 bytes;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (pf_parse_size(s, &v, &errstr) == 0) {
		if (errstr != NULL || (s[0] < '0' || s[0] > '9'))
			abort();
		pf_format_size(out, sizeof out, v);
		if (strlen(out) > 4)
			abort();
	} else if (errstr == NULL)
		abort();

	if (pf_parse_count(s, 10, 1000, &v, &errstr) == 0) {
		if (v < 10 || v > 1000 || strtoull(s, NULL, 10) != v)
			abort();
	} else if (errstr == NULL)
		abort();

	if (pf_parse_duration(s, &v, &errstr) == 0)
		pf_format_duration(out, sizeof out, v);
	else if (errstr == NULL)
		abort();

	if (pf_parse_percent(s, &d, &errstr) == 0) {
		if (!(d >= 0 && d <= 1))
			abort();
	} else if (errstr == NULL)
		abort();

	if (pf_parse_rate(s, &d, &bytes, &errstr) == 0) {
		if (!(d > 0) || !isfinite(d) || (bytes != 0 && bytes != 1))
			abort();
	} else if (errstr == NULL)
		abort();

	free(s);
	return 0;
}
