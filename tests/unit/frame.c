/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/frame.c: record boundaries in lines, NUL and bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

static size_t	naive_count(const char *, size_t, int);

static size_t
naive_count(const char *p, size_t len, int t)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += (p[i] == t);
	return (n);
}

int
main(void)
{
	char	*big;
	size_t	 end, n, i, len, off;
	int	 ok_all;

	n = pf_frame_scan(PF_FRAME_LINE, "a\nbb\nccc", 8, SIZE_MAX, &end);
	is_int(n, 2, "two lines found");
	is_int(end, 5, "end after the second newline");

	n = pf_frame_scan(PF_FRAME_LINE, "a\nbb\nccc", 8, 1, &end);
	is_int(n, 1, "record limit respected");
	is_int(end, 2, "end after the first newline");

	n = pf_frame_scan(PF_FRAME_LINE, "abc", 3, SIZE_MAX, &end);
	is_int(n, 0, "no terminator: no record");
	is_int(end, 0, "no terminator: end 0");

	n = pf_frame_scan(PF_FRAME_LINE, "", 0, SIZE_MAX, &end);
	is_int(n, 0, "empty input");

	n = pf_frame_scan(PF_FRAME_NUL, "a\0b\nc\0", 6, SIZE_MAX, &end);
	is_int(n, 2, "NUL framing ignores newlines");
	is_int(end, 6, "NUL framing end");

	n = pf_frame_scan(PF_FRAME_BYTES, "a\nb\n", 4, SIZE_MAX, &end);
	is_int(n, 0, "bytes framing has no records");

	n = pf_frame_scan(PF_FRAME_LINE, "\n\n\n", 3, SIZE_MAX, &end);
	is_int(n, 3, "empty lines are records");

	is_int(pf_frame_count(PF_FRAME_LINE, "x\ny\n\n", 5), 3,
	    "count lines");
	is_int(pf_frame_count(PF_FRAME_NUL, "x\0y\n\0", 5), 2,
	    "count NUL records");

	/* Random buffers against a byte-by-byte reference, odd lengths. */
	len = 1 << 20;
	if ((big = malloc(len)) == NULL)
		return (99);
	srandom(7);
	ok_all = 1;
	for (i = 0; i < 200; i++) {
		size_t	j, l = (size_t)random() % len;
		int	dens = 1 + random() % 300;

		for (j = 0; j < l; j++)
			big[j] = (random() % dens == 0) ? '\n' :
			    (char)(random() % 256 == '\n' ? 'x' :
			    random() % 256);
		off = l > 7 ? i % 7 : 0;
		if (pf_frame_count(PF_FRAME_LINE, big + off, l - off) !=
		    naive_count(big + off, l - off, '\n'))
			ok_all = 0;
	}
	ok(ok_all, "count matches a naive count on 200 random buffers");
	free(big);
	return (done());
}
