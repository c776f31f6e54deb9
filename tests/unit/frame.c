/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/frame.c: record boundaries in lines, NUL and bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

static size_t	naive_count(const char *, size_t, int);
static int	naive_check(const char *, size_t, size_t, size_t, int,
		    size_t *, size_t *);
static void	check_cases(void);
static void	check_random(void);

static size_t
naive_count(const char *p, size_t len, int t)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += (p[i] == t);
	return (n);
}

/* pf_frame_check() one byte and one record at a time. */
static int
naive_check(const char *p, size_t len, size_t carry, size_t maxrec, int t,
    size_t *good, size_t *nrec)
{
	size_t	i, rec = carry;

	*good = *nrec = 0;
	for (i = 0; i < len; i++) {
		if (p[i] != t) {
			rec++;
			continue;
		}
		if (rec > maxrec)
			return (1);
		(*nrec)++;
		*good = i + 1;
		rec = 0;
	}
	return (rec > maxrec);
}

static void
check_cases(void)
{
	size_t	good, nrec;
	int	r;

	r = pf_frame_check(PF_FRAME_LINE, "a\nbb\nccc", 8, 0, 3, &good, &nrec);
	ok(r == 0 && good == 5 && nrec == 2, "check: all within the limit");
	r = pf_frame_check(PF_FRAME_LINE, "a\nbb\nccc", 8, 0, 2, &good, &nrec);
	ok(r == 1 && good == 5 && nrec == 2,
	    "check: the unterminated rest too long, the records before good");
	r = pf_frame_check(PF_FRAME_LINE, "a\nbbb\nc\n", 8, 0, 2, &good,
	    &nrec);
	ok(r == 1 && good == 2 && nrec == 1,
	    "check: a whole record inside the read too long");
	r = pf_frame_check(PF_FRAME_LINE, "xx\nb\n", 5, 1, 2, &good, &nrec);
	ok(r == 1 && good == 0 && nrec == 0,
	    "check: the carried part makes the first record too long");
	r = pf_frame_check(PF_FRAME_LINE, "x\nb\n", 4, 1, 2, &good, &nrec);
	ok(r == 0 && good == 4 && nrec == 2,
	    "check: the carried part and the first record at the limit");
	r = pf_frame_check(PF_FRAME_LINE, "xyz", 3, 5, 8, &good, &nrec);
	ok(r == 0 && good == 0 && nrec == 0,
	    "check: no terminator, carried part and read at the limit");
	r = pf_frame_check(PF_FRAME_LINE, "xyz", 3, 6, 8, &good, &nrec);
	ok(r == 1 && good == 0, "check: no terminator, one byte over");
	r = pf_frame_check(PF_FRAME_NUL, "ab\0c\nd\0", 7, 0, 2, &good, &nrec);
	ok(r == 1 && good == 3 && nrec == 1, "check: NUL records");
	r = pf_frame_check(PF_FRAME_BYTES, "abc\n", 4, 9, 1, &good, &nrec);
	ok(r == 0 && good == 4 && nrec == 0, "check: bytes have no limit");
	r = pf_frame_check(PF_FRAME_LINE, "", 0, 0, 1, &good, &nrec);
	ok(r == 0 && good == 0 && nrec == 0, "check: nothing new");
}

/*
 * Random reads against the reference: limits around the read's length,
 * records around the limit, carried parts around both.  Each read is in
 * a buffer of exactly its size, so the sanitizers see a look past it.
 */
static void
check_random(void)
{
	size_t	 i, j, len, maxrec, carry, good, nrec, ngood, nnrec, rl;
	char	*p;
	int	 r, nr, bad = 0;

	srandom(11);
	for (i = 0; i < 100000 && bad < 5; i++) {
		maxrec = 1 + (size_t)random() % (i % 3 == 0 ? 8 : 300);
		len = (size_t)random() % (maxrec * 3 + 2);
		carry = (size_t)random() % 2 ? 0 :
		    (size_t)random() % (maxrec + 2);
		if ((p = malloc(len + 1)) == NULL)
			abort();
		for (j = 0; j < len; j += rl + 1) {
			rl = (size_t)random() % (maxrec + 2);
			if (random() % 4 == 0)
				rl = maxrec + (size_t)random() % 2;
			memset(p + j, 'x', j + rl < len ? rl : len - j);
			if (j + rl < len)
				p[j + rl] = i % 2 ? '\n' : '\0';
		}
		r = pf_frame_check(i % 2 ? PF_FRAME_LINE : PF_FRAME_NUL, p,
		    len, carry, maxrec, &good, &nrec);
		nr = naive_check(p, len, carry, maxrec, i % 2 ? '\n' : '\0',
		    &ngood, &nnrec);
		if (r != nr || good != ngood || nrec != nnrec) {
			diag("read %zu: len %zu carry %zu max %zu: got %d %zu "
			    "%zu, want %d %zu %zu", i, len, carry, maxrec, r,
			    good, nrec, nr, ngood, nnrec);
			bad++;
		}
		free(p);
	}
	ok(bad == 0, "check matches the reference on 100000 random reads");
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

	check_cases();
	check_random();
	return (done());
}
