/* SPDX-License-Identifier: ISC */
/*
 * stage.c: a libFuzzer target for pf_stage_parse() in
 * lib/stage.c, the parser lagwatch runs on status files anyone may
 * have written.  The input is a file as is, in a buffer of exactly its
 * size so that the sanitizers see any read past the end.  Whatever the
 * input, the parser must answer 0 or -1 with a message, and what it
 * accepts must obey the contract in pipeflow.h: printable names, states
 * in range, every value clamped and never NaN, and the same answer twice.
 *
 *	clang -fsanitize=fuzzer,address,undefined -I lib -I . \
 *	    $(pkg-config --cflags --libs libbsd-overlay) \
 *	    tests/fuzz/stage.c lib/stage.c
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static int	 fz_charset(const char *, size_t, const char *);
static int	 fz_seconds(double);

/* Whether s, NUL-terminated within size bytes, holds only allowed. */
static int
fz_charset(const char *s, size_t size, const char *allowed)
{
	size_t	len = strnlen(s, size);

	if (len == size)
		return (0);
	return (strspn(s, allowed) == len);
}

static int
fz_seconds(double d)
{
	return (d >= 0 && d <= PF_STAGE_MAX_SECONDS);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-";
	static const char	 toolset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-+";
	struct pf_stage		 st, again;
	const char		*errstr = NULL, *errstr2 = NULL;
	char			*buf;
	int			 rc, rc2;

	if ((buf = malloc(size == 0 ? 1 : size)) == NULL)
		return (0);
	memcpy(buf, data, size);

	errno = 0;
	rc = pf_stage_parse(&st, buf, size, &errstr);
	if (rc == -1) {
		if (errstr == NULL || (errno != EINVAL && errno != EFBIG))
			abort();
	} else if (rc == 0) {
		if (errstr != NULL)
			abort();
		if (!fz_charset(st.name, sizeof(st.name), alnum) ||
		    strlen(st.name) > 64)
			abort();
		if (!fz_charset(st.tool, sizeof(st.tool), toolset))
			abort();
		if (st.state < -1 || st.state >= PF_NSTATES)
			abort();
		if (!(st.pressure >= 0 && st.pressure <= 1))
			abort();
		if (!(st.output_pipe_fill == -1 ||
		    (st.output_pipe_fill >= 0 && st.output_pipe_fill <= 1)))
			abort();
		if (!(st.input_pipe_fill == -1 ||
		    (st.input_pipe_fill >= 0 && st.input_pipe_fill <= 1)))
			abort();
		if (!fz_seconds(st.oldest_age) || !fz_seconds(st.input_wait) ||
		    !fz_seconds(st.output_wait) || !fz_seconds(st.updated))
			abort();
		if (!(st.pid == -1 || st.pid >= 1) || st.mtime != 0)
			abort();
	} else
		abort();

	/* No hidden state: the same input, the same answer. */
	rc2 = pf_stage_parse(&again, buf, size, &errstr2);
	if (rc2 != rc || errstr2 != errstr ||
	    (rc == 0 && memcmp(&st, &again, sizeof(st)) != 0))
		abort();
	free(buf);
	return (0);
}
