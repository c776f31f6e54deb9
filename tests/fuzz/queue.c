/* SPDX-License-Identifier: ISC */
/*
 * queue.c: a libFuzzer target for lib/queue.c and lib/frame.c.  The first
 * bytes choose framing, policy and limits; the rest is a program of reads
 * (bytes copied into the space the queue offers) and writes (bytes taken
 * from the head).  Whatever the program, no byte may be invented or lost:
 * written + dropped + held = read; written and dropped are each the read
 * bytes in order with gaps (a subsequence), and under block written is a
 * prefix of read.  Drops are deferred: only a read that finds records
 * waiting drops, never one that finds none, nor pf_queue_admit() or
 * pf_queue_eof(); and the drop policies never refuse input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "queue.h"

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	 fz_drop(void *, const struct iovec *, int, uint64_t,
		     enum pf_drop);

static int	 fz_subseq(const uint8_t *, size_t, const uint8_t *, size_t);

static uint64_t	 fz_dropped;
static uint8_t	*fz_dead;		/* the dropped bytes, in order */

static void
fz_drop(void *arg, const struct iovec *iov, int n, uint64_t nrec,
    enum pf_drop why)
{
	int	i;

	(void)arg;
	(void)nrec;
	(void)why;
	for (i = 0; i < n; i++) {
		memcpy(fz_dead + fz_dropped, iov[i].iov_base, iov[i].iov_len);
		fz_dropped += iov[i].iov_len;
	}
}

/* Is b[0..bn) a subsequence of a[0..an)? */
static int
fz_subseq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t	i, j;

	for (i = j = 0; i < an && j < bn; i++)
		if (a[i] == b[j])
			j++;
	return (j == bn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_queue_limits	 lim;
	struct pf_queue		*q;
	struct iovec		 iov[2];
	uint8_t			*in, *out;
	size_t			 pos = 6, nin = 0, nout = 0, len, n, room;
	uint64_t		 recs, dropped;
	char			*p;
	int			 cnt, i, r = PF_QUEUE_OK, stopped = 0, waited;
	int			 dropping;

	if (size < 6)
		return (0);
	memset(&lim, 0, sizeof(lim));
	lim.framing = data[0] % 3;
	lim.overflow = data[1] % 4;
	lim.max_bytes = 16 + (data[2] | (data[3] << 8)) % 4096;
	lim.max_records = data[4] % 16;
	lim.max_record = 1 + data[5] * 2;
	lim.read_size = 64;
	if (lim.framing == PF_FRAME_BYTES)
		lim.max_records = 0;
	dropping = lim.overflow == PF_FULL_DROP_NEWEST ||
	    lim.overflow == PF_FULL_DROP_OLDEST;
	fz_dropped = 0;
	if ((q = pf_queue_new(&lim, fz_drop, NULL)) == NULL)
		return (0);
	in = malloc(size + 1);
	out = malloc(size + 1);
	fz_dead = malloc(size + 1);
	if (in == NULL || out == NULL || fz_dead == NULL)
		abort();

	while (pos < size && !stopped) {
		uint8_t op = data[pos++];

		if (op & 1) {
			len = op >> 1;
			room = pf_queue_space(q, &p);
			if (dropping && room == 0)
				abort();	/* upstream stopped */
			n = len < room ? len : room;
			if (n > size - pos)
				n = size - pos;
			if (n == 0)
				goto drain;
			memcpy(p, data + pos, n);
			memcpy(in + nin, data + pos, n);
			pos += n;
			nin += n;
			waited = pf_queue_waiting(q);
			dropped = fz_dropped;
			r = pf_queue_input(q, n, pos, &recs);
			if (!waited && fz_dropped != dropped)
				abort();	/* dropped, none waited */
			if (waited && dropping && pf_queue_waiting(q))
				abort();	/* waiting after a drop pass */
			if (r != PF_QUEUE_OK)
				stopped = 1;
			continue;
		}
drain:
		cnt = pf_queue_peek(q, iov, &len);
		n = (op >> 1) % (len + 1);
		if (n == 0 && len > 0 && op == 0)
			n = len;
		for (i = 0; i < cnt && n > 0; i++) {
			size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;

			memcpy(out + nout, iov[i].iov_base, k);
			nout += k;
			n -= k;
			pf_queue_consume(q, k);
		}
		dropped = fz_dropped;
		if (pf_queue_waiting(q) &&
		    pf_queue_admit(q, pos) == PF_QUEUE_FULL)
			stopped = 1;
		if (fz_dropped != dropped)
			abort();	/* admitting dropped */
	}
	dropped = fz_dropped;
	if (!stopped && pf_queue_eof(q, pos, &recs) != PF_QUEUE_OK)
		stopped = 1;
	/* Drain everything admitted. */
	for (;;) {
		cnt = pf_queue_peek(q, iov, &len);
		if (cnt == 0)
			break;
		for (i = 0; i < cnt; i++) {
			memcpy(out + nout, iov[i].iov_base, iov[i].iov_len);
			nout += iov[i].iov_len;
		}
		pf_queue_consume(q, len);
		if (pf_queue_waiting(q))
			pf_queue_admit(q, pos);
	}
	if (fz_dropped != dropped)
		abort();		/* the end of input or admitting dropped */
	if (nout + fz_dropped + pf_queue_pending(q) > nin)
		abort();		/* bytes invented */
	if (!stopped && nout + fz_dropped != nin)
		abort();		/* bytes lost */
	if (lim.overflow == PF_FULL_BLOCK && memcmp(in, out, nout) != 0)
		abort();		/* reordered or changed */
	if (!fz_subseq(in, nin, out, nout) ||
	    !fz_subseq(in, nin, fz_dead, fz_dropped))
		abort();		/* reordered or changed */
	if (!dropping && fz_dropped != 0)
		abort();
	pf_queue_free(q);
	free(in);
	free(out);
	free(fz_dead);
	return (0);
}
