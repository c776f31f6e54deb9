/* SPDX-License-Identifier: ISC */
/*
 * queue.c: unit tests for the bounded record queue (lib/queue.c).
 *
 * Data goes in through pf_queue_space() and pf_queue_input() and comes out
 * through pf_queue_peek() and pf_queue_consume() in random pieces, on small
 * rings so that records straddle the wrap point all the time: round trips
 * must be byte-exact and record counts must balance.  The bounds of each
 * overflow policy, what the drop policies keep and hand to the dead-letter
 * callback and when (only a read that finds records still waiting drops:
 * one read that brings more than fits does not, nor does admitting or the
 * end of input), --max-record, fill and age get targeted checks, and a
 * seeded random walk runs thousands of operations on every policy and framing
 * against a plain array FIFO implementing the same contract, comparing
 * every result and counter.  Times are synthetic; nothing sleeps.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "queue.h"
#include "tap.h"

#define NLINES		1000	/* numbered lines in the drop tests */
#define EPISODES	100	/* model runs per policy and framing */
#define MS(x)		((uint64_t)(x) * PF_MSEC)
#define S(x)		((uint64_t)(x) * PF_NSEC)
#ifndef SEED
#define SEED		0x9e3779b97f4a7c15ULL	/* -DSEED=n for other runs */
#endif
#include "rand.h"

/* Compare with the model: return 0 from m_check(), fail an episode. */
#define M_EQ(field, a, b) do {						\
	if (differ(what, (field), (uint64_t)(a), (uint64_t)(b)))	\
		return (0);						\
} while (0)
#define E_EQ(field, a, b) do {						\
	if (differ(what, (field), (uint64_t)(a), (uint64_t)(b)))	\
		goto out;						\
} while (0)

/* Read or compare a string literal, embedded NULs included. */
#define PUT(q, s)	put((q), (s), sizeof(s) - 1, &lastn)
#define PEEK_IS(q, s)	peek_is((q), (s), sizeof(s) - 1)

/* What the drop callback was given, by enum pf_drop. */
struct sink {
	struct buf	 b[2];
	uint64_t	 nrec[2];
	int		 calls[2];
	int		 bad;		/* calls breaking the contract */
	int		 term;		/* -1 in bytes mode */
};

struct mrec {
	char		*p;
	size_t		 len;		/* terminator included, if any */
	uint64_t	 t;		/* admitted at */
};

struct mlist {
	struct mrec	*r;
	size_t		 first;
	size_t		 n;
	size_t		 cap;
};

/*
 * The reference model: the contract of queue.h with records in arrays,
 * and none of the ring, offsets or moves of the real thing.
 */
struct model {
	struct pf_queue_limits	 lim;
	int			 term;		/* -1 in bytes mode */
	struct mlist		 adm;		/* admitted, oldest first */
	size_t			 headw;		/* bytes of the head written */
	uint64_t		 admbytes;	/* admitted bytes not written */
	struct mlist		 wait;		/* whole records waiting */
	uint64_t		 waitbytes;
	struct buf		 part;		/* the partial record */
	uint64_t		 recno;		/* admitted or dropped */
	uint64_t		 toolong;
	int			 eof;
	struct buf		 dead[2];
	uint64_t		 deadn[2];
};

static void	 sink_drop(void *, const struct iovec *, int, uint64_t,
		     enum pf_drop);
static struct pf_queue_limits limits(enum pf_framing, enum pf_overflow,
		     uint64_t, uint64_t, uint64_t, size_t);
static struct pf_queue *qnew(const struct pf_queue_limits *, struct sink *);
static void	 qfree(struct pf_queue *, struct sink *);
static int	 put(struct pf_queue *, const char *, size_t, uint64_t *);
static size_t	 feed(struct pf_queue *, const char *, size_t, size_t,
		     uint64_t *, int *);
static uint64_t	 drain(struct pf_queue *, struct buf *, size_t, size_t);
static uint64_t	 drain_all(struct pf_queue *, struct buf *, size_t,
		     struct sink *);
static size_t	 peek_copy(struct pf_queue *, struct buf *);
static int	 peek_is(struct pf_queue *, const char *, size_t);
static const char *fname(enum pf_framing);
static const char *oname(enum pf_overflow);
static size_t	 line_make(char *, unsigned, int);
static int	 line_parse(const char *, size_t, int, unsigned *);
static int	 block_bounded(struct pf_queue *,
		     const struct pf_queue_limits *);

static void	 test_new(void);
static void	 test_roundtrip(enum pf_framing, uint64_t, uint64_t, uint64_t,
		     size_t, size_t, int);
static void	 test_block(void);
static void	 test_drop(enum pf_overflow, int, uint64_t, uint64_t, int);
static void	 test_defer(enum pf_overflow);
static void	 test_drop_bytes(void);
static void	 test_drop_wrap(void);
static void	 test_fail(void);
static void	 test_toolong(void);
static void	 test_fill_age(void);
static void	 test_append(void);
static void	 test_model(enum pf_overflow);
static int	 model_episode(enum pf_framing, enum pf_overflow, long *);

static struct mrec *ml_at(struct mlist *, size_t);
static void	 ml_push(struct mlist *, const char *, size_t, uint64_t);
static void	 ml_del(struct mlist *, size_t);
static void	 ml_free(struct mlist *);
static void	 m_init(struct model *, const struct pf_queue_limits *);
static void	 m_free(struct model *);
static int	 m_fits(const struct model *, uint64_t, uint64_t);
static void	 m_move(struct model *);
static void	 m_dropadm(struct model *, size_t);
static uint64_t	 m_take(struct model *, size_t, struct buf *);
static int	 m_admit(struct model *);
static void	 m_overflow(struct model *);
static int	 m_input(struct model *, const char *, size_t, uint64_t *);
static int	 m_eof(struct model *, uint64_t *);
static uint64_t	 m_space(const struct model *);
static int	 differ(const char *, const char *, uint64_t, uint64_t);
static int	 m_check(struct pf_queue *, struct model *, struct sink *,
		     uint64_t, const char *);

static uint64_t	 tnow = S(1);
static uint64_t	 lastn;
static int	 wraps;		/* peeks that returned two pieces */
static int	 peekbad;	/* peeks whose pieces did not add up */

/*
 * The dead-letter: keep the bytes and check the contract, 1 or 2 pieces
 * holding exactly nrec whole records (only the unterminated last record
 * may lack its terminator), or one chunk in bytes mode.
 */
static void
sink_drop(void *arg, const struct iovec *iov, int iovcnt, uint64_t nrec,
    enum pf_drop why)
{
	struct sink	*s = arg;
	const char	*p;
	uint64_t	 terms = 0;
	size_t		 i, len = 0;
	int		 j, last = -1;

	if ((why != PF_DROP_NEWEST && why != PF_DROP_OLDEST) ||
	    iovcnt < 1 || iovcnt > 2 || nrec == 0) {
		s->bad++;
		return;
	}
	for (j = 0; j < iovcnt; j++) {
		p = iov[j].iov_base;
		if (iov[j].iov_len == 0)
			s->bad++;
		for (i = 0; s->term != -1 && i < iov[j].iov_len; i++)
			terms += (p[i] == (char)s->term);
		if (iov[j].iov_len > 0)
			last = (unsigned char)p[iov[j].iov_len - 1];
		len += iov[j].iov_len;
		buf_add(&s->b[why], p, iov[j].iov_len);
	}
	if (len == 0)
		s->bad++;
	else if (s->term == -1) {
		if (nrec != 1)
			s->bad++;
	} else if (last == s->term ? terms != nrec : terms + 1 != nrec)
		s->bad++;
	s->nrec[why] += nrec;
	s->calls[why]++;
}

static struct pf_queue_limits
limits(enum pf_framing f, enum pf_overflow o, uint64_t mb, uint64_t mr,
    uint64_t maxrec, size_t rs)
{
	struct pf_queue_limits	l;

	memset(&l, 0, sizeof(l));
	l.framing = f;
	l.overflow = o;
	l.max_bytes = mb;
	l.max_records = mr;
	l.max_record = maxrec;
	l.read_size = rs;
	return (l);
}

static struct pf_queue *
qnew(const struct pf_queue_limits *l, struct sink *s)
{
	struct pf_queue	*q;

	memset(s, 0, sizeof(*s));
	s->term = l->framing == PF_FRAME_BYTES ? -1 :
	    l->framing == PF_FRAME_NUL ? '\0' : '\n';
	if ((q = pf_queue_new(l, sink_drop, s)) == NULL) {
		printf("Bail out! pf_queue_new failed\n");
		exit(1);
	}
	return (q);
}

static void
qfree(struct pf_queue *q, struct sink *s)
{
	pf_queue_free(q);
	buf_free(&s->b[0]);
	buf_free(&s->b[1]);
}

/* Read len bytes in one piece; -1 if pf_queue_space() offers less. */
static int
put(struct pf_queue *q, const char *p, size_t len, uint64_t *nrec)
{
	char	*sp;

	*nrec = 0;
	if (pf_queue_space(q, &sp) < len)
		return (-1);
	memcpy(sp, p, len);
	return (pf_queue_input(q, len, tnow, nrec));
}

/*
 * Read up to len bytes in random pieces of at most piece bytes, as an
 * event loop would: stop when pf_queue_space() offers nothing or a read
 * is not PF_QUEUE_OK.  Returns the bytes read and adds up the records.
 */
static size_t
feed(struct pf_queue *q, const char *p, size_t len, size_t piece,
    uint64_t *nrec, int *res)
{
	char		*sp;
	size_t		 done = 0, n, want;
	uint64_t	 r;

	*res = PF_QUEUE_OK;
	while (done < len) {
		if ((n = pf_queue_space(q, &sp)) == 0)
			break;
		want = rnd_in(1, piece);
		if (want > len - done)
			want = len - done;
		if (n > want)
			n = want;
		memcpy(sp, p + done, n);
		*res = pf_queue_input(q, n, tnow, &r);
		*nrec += r;
		done += n;
		if (*res != PF_QUEUE_OK)
			break;
	}
	return (done);
}

/*
 * Write up to max admitted bytes into b in random pieces of at most piece
 * bytes.  Returns the records the writes completed.
 */
static uint64_t
drain(struct pf_queue *q, struct buf *b, size_t max, size_t piece)
{
	struct iovec	iov[2];
	size_t		len, n, k, take;
	uint64_t	c = 0;
	int		cnt, i;

	while (max > 0) {
		cnt = pf_queue_peek(q, iov, &len);
		if (cnt == 0)
			break;
		if (cnt == 2)
			wraps++;
		if (iov[0].iov_len + (cnt == 2 ? iov[1].iov_len : 0) != len)
			peekbad++;
		n = rnd_in(1, piece);
		if (n > len)
			n = len;
		if (n > max)
			n = max;
		for (i = 0, k = n; i < cnt && k > 0; i++) {
			take = k < iov[i].iov_len ? k : iov[i].iov_len;
			buf_add(b, iov[i].iov_base, take);
			k -= take;
		}
		c += pf_queue_consume(q, n);
		max -= n;
	}
	return (c);
}

/*
 * Write everything, admitting the waiting records as room is made, as the
 * engine does.  Returns the records written; *drops counts the drop calls
 * made meanwhile (pf_queue_admit() must never drop).
 */
static uint64_t
drain_all(struct pf_queue *q, struct buf *b, size_t piece, struct sink *s)
{
	uint64_t	c = 0;
	int		calls = s->calls[0] + s->calls[1];

	for (;;) {
		c += drain(q, b, SIZE_MAX, piece);
		if (!pf_queue_waiting(q))
			break;
		pf_queue_admit(q, tnow);
	}
	s->bad += s->calls[0] + s->calls[1] != calls;
	return (c);
}

/* Append what pf_queue_peek() shows to b; returns its length. */
static size_t
peek_copy(struct pf_queue *q, struct buf *b)
{
	struct iovec	iov[2];
	size_t		len, got = 0;
	int		cnt, i;

	cnt = pf_queue_peek(q, iov, &len);
	for (i = 0; i < cnt; i++) {
		buf_add(b, iov[i].iov_base, iov[i].iov_len);
		got += iov[i].iov_len;
	}
	if (got != len)
		peekbad++;
	return (len);
}

static int
peek_is(struct pf_queue *q, const char *p, size_t len)
{
	struct buf	b;
	int		r;

	memset(&b, 0, sizeof(b));
	r = peek_copy(q, &b) == len && (len == 0 ||
	    memcmp(b.p, p, len) == 0);
	buf_free(&b);
	return (r);
}

static const char *
fname(enum pf_framing f)
{
	return (f == PF_FRAME_BYTES ? "bytes" :
	    f == PF_FRAME_NUL ? "nul" : "lines");
}

static const char *
oname(enum pf_overflow o)
{
	switch (o) {
	case PF_FULL_BLOCK:
		return ("block");
	case PF_FULL_DROP_NEWEST:
		return ("drop-newest");
	case PF_FULL_DROP_OLDEST:
		return ("drop-oldest");
	case PF_FULL_FAIL:
		return ("fail");
	}
	return ("?");
}

/* Line n: "%06u\n" when fixed, else "n:" and a pad of n's own length. */
static size_t
line_make(char *p, unsigned n, int fixed)
{
	size_t	len, pad;

	if (fixed)
		return ((size_t)snprintf(p, 16, "%06u\n", n));
	len = (size_t)snprintf(p, 16, "%u:", n);
	pad = (n * 7) % 23;
	memset(p + len, '-', pad);
	p[len + pad] = '\n';
	return (len + pad + 1);
}

/*
 * Split len bytes into lines made by line_make(), storing their numbers
 * (room for NLINES).  Returns the count, or -1 if any part is not exactly
 * one of those lines: a torn, merged or altered record.
 */
static int
line_parse(const char *p, size_t len, int fixed, unsigned *nums)
{
	char		 want[64];
	const char	*nl;
	char		*end;
	size_t		 i = 0, wl;
	unsigned long	 v;
	int		 count = 0;

	while (i < len) {
		if ((nl = memchr(p + i, '\n', len - i)) == NULL)
			return (-1);
		if (p[i] < '0' || p[i] > '9')
			return (-1);
		v = strtoul(p + i, &end, 10);
		if (v >= NLINES || count >= NLINES)
			return (-1);
		wl = line_make(want, (unsigned)v, fixed);
		if (wl != (size_t)(nl - (p + i)) + 1 ||
		    memcmp(want, p + i, wl) != 0)
			return (-1);
		if (nums != NULL)
			nums[count] = (unsigned)v;
		count++;
		i += wl;
	}
	return (count);
}

/*
 * The bounds of the block policy: -m unless one record alone, -n, and
 * reading stops at them.  An empty queue reads past -m only to complete a
 * record that alone fills it.
 */
static int
block_bounded(struct pf_queue *q, const struct pf_queue_limits *l)
{
	uint64_t	bytes = pf_queue_bytes(q), recs = pf_queue_records(q);
	uint64_t	pend = pf_queue_pending(q);
	size_t		space;
	char		*sp;

	space = pf_queue_space(q, &sp);
	if (bytes > l->max_bytes && recs > 1)
		return (0);
	if (l->max_records && recs > l->max_records)
		return (0);
	if (l->framing == PF_FRAME_BYTES && bytes + pend > l->max_bytes)
		return (0);
	if (bytes > 0 && bytes + pend >= l->max_bytes && space > 0)
		return (0);
	if (bytes + pend < l->max_bytes &&
	    bytes + pend + space > l->max_bytes)
		return (0);
	if (l->max_records && recs >= l->max_records && space > 0)
		return (0);
	return (1);
}

static void
test_new(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	char			*sp;
	uint64_t		 n = 0;
	int			 res;

	pf_queue_free(NULL);
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 0, 0, 100, 0);
	q = qnew(&l, &s);
	ok(pf_queue_capacity(q) == 1 && pf_queue_space(q, &sp) == 1 &&
	    feed(q, "ab\n", 3, 1, &n, &res) == 3 && res == PF_QUEUE_OK &&
	    pf_queue_records(q) == 1 && pf_queue_space(q, &sp) == 0,
	    "new: -m 0 is taken as 1 byte, one record fits when empty");
	qfree(q, &s);
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, (uint64_t)SIZE_MAX / 2 + 1,
	    0, 100, 0);
	errno = 0;
	q = pf_queue_new(&l, NULL, NULL);
	ok(q == NULL && errno == ENOMEM, "new: a ring past SIZE_MAX/2: ENOMEM");
	pf_queue_free(q);
}

/*
 * Lossless round trip under the block policy: random records (empty ones,
 * ones up to --max-record, the other framing's terminator as data), fed
 * and drained in random pieces with random interleaving.
 */
static void
test_roundtrip(enum pf_framing f, uint64_t mb, uint64_t mr, uint64_t maxrec,
    size_t rs, size_t piece, int tail)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 in, out;
	uint64_t		 nin = 0, nout = 0, want = 0, n;
	size_t			 fed = 0, len, i, k;
	int			 term, res, eof = 0, unbound = 0, badres = 0;
	int			 guard, w0 = wraps, p0 = peekbad;
	char			 c, *sp, desc[128];

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	snprintf(desc, sizeof(desc), "round trip %s -m %llu -n %llu "
	    "--max-record %llu read %zu%s", fname(f), (unsigned long long)mb,
	    (unsigned long long)mr, (unsigned long long)maxrec, rs,
	    tail ? ", unterminated tail" : "");
	term = f == PF_FRAME_NUL ? '\0' : '\n';
	while (in.len < 40000) {
		len = rnd() % 4 == 0 ? rnd_in(0, maxrec) :
		    rnd_in(0, maxrec < 12 ? maxrec : 12);
		for (i = 0; i < len; i++) {
			c = (char)('a' + rnd() % 26);
			if (rnd() % 16 == 0)
				c = term == '\n' ? '\0' : '\n';
			buf_add(&in, &c, 1);
		}
		c = (char)term;
		buf_add(&in, &c, 1);
		want++;
	}
	if (tail) {
		buf_add(&in, "tail", 4);
		want++;
	}

	l = limits(f, PF_FULL_BLOCK, mb, mr, maxrec, rs);
	q = qnew(&l, &s);
	for (guard = 0; guard < 1000000; guard++) {
		k = pf_queue_bytes(q);
		if (fed < in.len && (rnd() % 2 ||
		    (k <= 1 && pf_queue_space(q, &sp) > 0))) {
			k = rnd_in(1, 4 * piece);
			if (k > in.len - fed)
				k = in.len - fed;
			fed += feed(q, in.p + fed, k, piece, &nin, &res);
			badres += res != PF_QUEUE_OK;
			unbound += !block_bounded(q, &l);
		} else if (k > 0) {
			/* Not empty while reading: the ring restarts at 0. */
			if (k > 1 && (fed < in.len || rnd() % 64 != 0))
				k = rnd_in(1, k - 1);
			nout += drain(q, &out, k, piece);
			if (pf_queue_waiting(q) &&
			    pf_queue_admit(q, tnow) != PF_QUEUE_OK)
				badres++;
			unbound += !block_bounded(q, &l);
		} else if (fed == in.len && !eof) {
			badres += pf_queue_eof(q, tnow, &n) != PF_QUEUE_OK;
			nin += n;
			eof = 1;
		} else if (eof)
			break;
		tnow += MS(1);
	}

	ok(out.len == in.len && memcmp(out.p, in.p, in.len) == 0,
	    "%s: output equals input (%zu bytes)", desc, in.len);
	if (f == PF_FRAME_BYTES)
		ok(nout == 0 && nin > 0 && pf_queue_records(q) == 0,
		    "%s: no records counted, a chunk per read", desc);
	else
		ok(nin == want && nout == want,
		    "%s: records in %llu = records out %llu = %llu", desc,
		    (unsigned long long)nin, (unsigned long long)nout,
		    (unsigned long long)want);
	ok(unbound == 0 && badres == 0 && peekbad == p0,
	    "%s: bounds held, reads accepted", desc);
	ok(pf_queue_bytes(q) == 0 && pf_queue_records(q) == 0 &&
	    pf_queue_pending(q) == 0 && !pf_queue_waiting(q),
	    "%s: empty at the end", desc);
	/* Records longer than -m empty the queue, and the ring restarts. */
	if (f == PF_FRAME_BYTES || maxrec < mb)
		ok(wraps > w0, "%s: records straddled the wrap (%d peeks)",
		    desc, wraps - w0);
	qfree(q, &s);
	buf_free(&in);
	buf_free(&out);
}

static void
test_block(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 in, out;
	uint64_t		 nin = 0;
	size_t			 fed;
	char			*sp;
	int			 res;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));

	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 10, 0, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "aaaa\nbbbb\n"), PF_QUEUE_OK, "block: fill -m exactly");
	is_int(lastn, 2, "block: two records read");
	is_int(pf_queue_space(q, &sp), 0, "block: no space at the -m bound");
	is_int(pf_queue_consume(q, 5), 1, "block: a record written");
	is_int(pf_queue_space(q, &sp), 5, "block: room again after writing");
	qfree(q, &s);

	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 1000, 3, 100, 0);
	q = qnew(&l, &s);
	PUT(q, "a\nb\nc\n");
	is_int(pf_queue_records(q), 3, "block -n 3: three records admitted");
	is_int(pf_queue_space(q, &sp), 0, "block: no space at the -n bound");
	qfree(q, &s);

	q = qnew(&l, &s);
	is_int(PUT(q, "a\nb\nc\nd\ne\n"), PF_QUEUE_OK,
	    "block -n 3: five records in one read");
	is_int(lastn, 5, "block -n 3: all five framed");
	ok(pf_queue_records(q) == 3 && pf_queue_waiting(q) &&
	    pf_queue_pending(q) == 4, "block -n 3: three admitted, two wait");
	is_int(pf_queue_space(q, &sp), 0, "block: no space while records wait");
	is_int(pf_queue_admit(q, tnow), PF_QUEUE_OK, "block: admit, no room");
	ok(pf_queue_records(q) == 3 && pf_queue_waiting(q),
	    "block: nothing admitted without room");
	is_int(pf_queue_consume(q, 2), 1, "block: one record written");
	is_int(pf_queue_admit(q, tnow), PF_QUEUE_OK, "block: admit one");
	ok(pf_queue_records(q) == 3 && pf_queue_waiting(q) &&
	    PEEK_IS(q, "b\nc\nd\n"), "block: the next one admitted in order");
	is_int(pf_queue_consume(q, 4), 2, "block: two more written");
	pf_queue_admit(q, tnow);
	ok(pf_queue_records(q) == 2 && !pf_queue_waiting(q) &&
	    pf_queue_pending(q) == 0 && PEEK_IS(q, "d\ne\n"),
	    "block: the last one admitted");
	ok(pf_queue_space(q, &sp) > 0, "block: reading again below -n");
	qfree(q, &s);

	/* A record longer than -m fits an empty queue, and only then. */
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 64, 0, 1000, 0);
	q = qnew(&l, &s);
	ok(pf_queue_space(q, &sp) <= 64,
	    "block: an empty queue reads no more than -m");
	memset(&in, 0, sizeof(in));
	while (in.len < 300)
		buf_add(&in, "x", 1);
	buf_add(&in, "\n", 1);
	fed = feed(q, in.p, in.len, 50, &nin, &res);
	ok(fed == in.len && res == PF_QUEUE_OK && nin == 1,
	    "block: a 301-byte record read with -m 64");
	ok(pf_queue_records(q) == 1 && pf_queue_bytes(q) == 301,
	    "block: and admitted whole");
	is_int(pf_queue_space(q, &sp), 0, "block: no space behind it");
	drain(q, &out, SIZE_MAX, 37);
	ok(out.len == in.len && memcmp(out.p, in.p, in.len) == 0,
	    "block: the long record written byte-exact");

	/* Behind another record, a long one waits for the queue to empty. */
	PUT(q, "a\n");
	nin = 0;
	fed = feed(q, in.p, in.len, 50, &nin, &res);
	is_int(fed, 62, "block: a long partial stops at -m behind a record");
	is_int(pf_queue_space(q, &sp), 0, "block: and waits");
	is_int(pf_queue_consume(q, 2), 1, "block: the record ahead written");
	fed += feed(q, in.p + fed, in.len - fed, 50, &nin, &res);
	ok(fed == in.len && nin == 1 && pf_queue_bytes(q) == 301,
	    "block: then the long record completes");
	qfree(q, &s);
	buf_free(&in);
	buf_free(&out);
}

/*
 * Numbered lines into a drop policy, with or without partial writes in
 * between: what was delivered and what was dropped must together be the
 * input, each in order, each record whole, counted exactly.  A read drops
 * only if records were waiting when it came.
 */
static void
test_drop(enum pf_overflow o, int fixed, uint64_t mb, uint64_t mr,
    int consume)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 in, out, tmp;
	unsigned		 a[NLINES], d[NLINES];
	int			 seen[NLINES];
	char			 line[64], desc[128], *sp;
	const char		*nl;
	uint64_t		 nin = 0, nout = 0, recs, bytes, n, k;
	size_t			 fed = 0, want, i, w;
	int			 na, nd, res, why, badres = 0, unbound = 0;
	int			 order = 1, part = 0, partok = 0, midrec, all;
	int			 oldest = o == PF_FULL_DROP_OLDEST, calls;
	int			 early = 0, waited, unacc = 0;
	uint64_t		 wb, maxk = 0;
	size_t			 j;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&tmp, 0, sizeof(tmp));
	why = oldest ? PF_DROP_OLDEST : PF_DROP_NEWEST;
	snprintf(desc, sizeof(desc), "%s, %s lines, -m %llu -n %llu%s",
	    oname(o), fixed ? "fixed" : "varying", (unsigned long long)mb,
	    (unsigned long long)mr, consume ? ", partial writes" : "");
	for (i = 0; i < NLINES; i++)
		buf_add(&in, line, line_make(line, (unsigned)i, fixed));

	/* Small reads keep the ring small: it wraps, and moves cross it. */
	l = limits(PF_FRAME_LINE, o, mb, mr, 64, 40);
	q = qnew(&l, &s);
	while (fed < in.len) {
		want = rnd_in(1, 40);
		if (want > in.len - fed)
			want = in.len - fed;
		/* One read at a time, to see which one drops. */
		if (want > pf_queue_space(q, &sp))
			want = pf_queue_space(q, &sp);
		waited = pf_queue_waiting(q);
		calls = s.calls[why];
		res = put(q, in.p + fed, want, &n);
		nin += n;
		early += !waited && s.calls[why] != calls;
		if (want == 0 || res != PF_QUEUE_OK) {
			badres++;
			break;
		}
		fed += want;
		midrec = out.len > 0 && out.p[out.len - 1] != '\n';
		bytes = pf_queue_bytes(q);
		recs = pf_queue_records(q);
		/*
		 * Exact accounting: what waits are the newest whole records,
		 * before the partial one.
		 */
		for (i = fed; i > 0 && in.p[i - 1] != '\n'; i--)
			;
		w = fed - i;
		wb = pf_queue_pending(q) - w;
		for (k = 0, j = wb <= i ? i - wb : i; j < i; j++)
			k += in.p[j] == '\n';
		maxk = k > maxk ? k : maxk;
		unacc += wb > i ||
		    out.len + s.b[why].len + bytes + wb + w != fed ||
		    nout + s.nrec[why] + recs + k != nin;
		if (bytes > mb && recs > 1 && !(oldest && midrec && recs == 2))
			unbound++;
		if (mr && recs > mr && !(oldest && midrec && recs == 2))
			unbound++;
		if (midrec) {
			/* The written part and what follows: one line. */
			for (i = out.len; i > 0 && out.p[i - 1] != '\n'; i--)
				;
			tmp.len = 0;
			buf_add(&tmp, out.p + i, out.len - i);
			w = tmp.len;
			peek_copy(q, &tmp);
			nl = memchr(tmp.p + w, '\n', tmp.len - w);
			part++;
			if (nl != NULL && line_parse(tmp.p,
			    (size_t)(nl - tmp.p) + 1, fixed, NULL) == 1)
				partok++;
		}
		if (consume && rnd() % 3 == 0)
			nout += drain(q, &out, rnd_in(1, 30), 30);
		tnow += MS(1);
	}
	/* Fixed lines, none partial: the waiting ones, delivered at the end. */
	k = pf_queue_pending(q) / 7;
	calls = s.calls[why];
	badres += pf_queue_eof(q, tnow, &n) != PF_QUEUE_OK || n != 0;
	nout += drain_all(q, &out, 64, &s);
	early += s.calls[why] != calls;

	na = line_parse(out.p, out.len, fixed, a);
	nd = line_parse(s.b[why].p, s.b[why].len, fixed, d);
	ok(badres == 0 && fed == in.len, "%s: every read accepted", desc);
	ok(early == 0, "%s: no drop by a read that found nothing waiting, "
	    "nor at the end", desc);
	ok(unacc == 0 && maxk > 0, "%s: after every read, in = out + dropped "
	    "+ admitted + waiting (up to %llu), in bytes and records", desc,
	    (unsigned long long)maxk);
	ok(unbound == 0, "%s: -m and -n held after every read", desc);
	ok(na >= 0, "%s: delivered records whole and unaltered", desc);
	ok(nd >= 0 && s.b[!why].len == 0 && s.calls[!why] == 0,
	    "%s: dead-letter holds whole records, all %s", desc,
	    oldest ? "oldest" : "newest");
	memset(seen, 0, sizeof(seen));
	for (i = 0; na > 0 && i < (size_t)na; i++)
		seen[a[i]]++;
	for (i = 0; nd > 0 && i < (size_t)nd; i++)
		seen[d[i]]++;
	for (i = 0, all = 1; i < NLINES; i++)
		all &= seen[i] == 1;
	ok(all && nd > 0, "%s: delivered %d + dropped %d = input %d", desc,
	    na, nd, NLINES);
	for (i = 1; na > 0 && i < (size_t)na; i++)
		order &= a[i - 1] < a[i];
	for (i = 1; nd > 0 && i < (size_t)nd; i++)
		order &= d[i - 1] < d[i];
	ok(order, "%s: order kept in output and dead-letter", desc);
	ok(nin == NLINES && nout == (uint64_t)na &&
	    s.nrec[why] == (uint64_t)nd && s.bad == 0,
	    "%s: counted: in %llu, out %llu, dropped %llu", desc,
	    (unsigned long long)nin, (unsigned long long)nout,
	    (unsigned long long)s.nrec[why]);
	if (consume)
		ok(part > 0 && partok == part,
		    "%s: a partly written head delivered whole (%d/%d)", desc,
		    partok, part);
	if (fixed && !consume) {
		/*
		 * The bound's worth, the oldest or the newest, and then the
		 * records still waiting at the end: the last ones read.
		 */
		w = k;
		k = mb / 7;
		if (mr && mr < k)
			k = mr;
		all = na == (int)(k + w);
		for (i = 0; all && i < k; i++)
			all &= a[i] == (oldest ? NLINES - k - w + i : i);
		for (i = 0; all && i < w; i++)
			all &= a[k + i] == NLINES - w + i;
		ok(all, "%s: the %s %llu delivered, then the last %zu", desc,
		    oldest ? "newest" : "oldest", (unsigned long long)k, w);
	}
	qfree(q, &s);
	buf_free(&in);
	buf_free(&out);
	buf_free(&tmp);
}

/*
 * Deferred drops, for a drop policy: a read that finds nothing waiting
 * drops nothing, however many records it brings past -n or -m; the excess
 * waits and is admitted, in order, as writes make room.  Only a read that
 * comes while records still wait drops, by policy, from the waiting and
 * the new records together.  Admitting never drops, and neither does the
 * end of input.
 */
static void
test_defer(enum pf_overflow o)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 in, out;
	const char		*on = oname(o);
	char			*sp, line[64];
	uint64_t		 n;
	size_t			 i;
	int			 oldest = o == PF_FULL_DROP_OLDEST, why, bad;

	why = oldest ? PF_DROP_OLDEST : PF_DROP_NEWEST;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));

	/* (1) One read past -n while nothing waits. */
	l = limits(PF_FRAME_LINE, o, 1000, 3, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "a\nb\nc\nd\ne\n"), PF_QUEUE_OK,
	    "%s -n 3: five records in one read", on);
	ok(lastn == 5 && pf_queue_records(q) == 3 && pf_queue_waiting(q) &&
	    pf_queue_pending(q) == 4 && PEEK_IS(q, "a\nb\nc\n") &&
	    s.calls[0] + s.calls[1] == 0,
	    "%s -n 3: three admitted, two wait, none dropped", on);
	ok(pf_queue_space(q, &sp) > 0,
	    "%s: upstream may read on while records wait", on);
	is_int(pf_queue_admit(q, tnow), PF_QUEUE_OK,
	    "%s: admit with no room", on);
	ok(pf_queue_records(q) == 3 && pf_queue_waiting(q) &&
	    s.calls[0] + s.calls[1] == 0,
	    "%s: admit with no room: nothing admitted, nothing dropped", on);
	is_int(drain(q, &out, 2, 2), 1, "%s: one record written", on);
	pf_queue_admit(q, tnow);
	ok(PEEK_IS(q, "b\nc\nd\n") && pf_queue_waiting(q) &&
	    s.calls[0] + s.calls[1] == 0,
	    "%s: admit: the next one in order, none dropped", on);
	drain_all(q, &out, 3, &s);
	ok(out.len == 10 && memcmp(out.p, "a\nb\nc\nd\ne\n", 10) == 0 &&
	    s.calls[0] + s.calls[1] == 0 && s.bad == 0 &&
	    pf_queue_pending(q) == 0,
	    "%s -n 3: all five delivered in order, none dropped", on);
	qfree(q, &s);

	/* Many times -n in one read, as from a file: still no drop. */
	l = limits(PF_FRAME_LINE, o, 1 << 20, 5, 100, 0);
	q = qnew(&l, &s);
	in.len = out.len = 0;
	for (i = 0; i < NLINES; i++)
		buf_add(&in, line, line_make(line, (unsigned)i, 0));
	is_int(put(q, in.p, in.len, &n), PF_QUEUE_OK,
	    "%s -n 5: %d records in one read", on, NLINES);
	ok(n == NLINES && pf_queue_records(q) == 5 &&
	    s.calls[0] + s.calls[1] == 0,
	    "%s -n 5: five admitted, the rest wait, none dropped", on);
	drain_all(q, &out, 50, &s);
	ok(out.len == in.len && memcmp(out.p, in.p, in.len) == 0 &&
	    s.calls[0] + s.calls[1] == 0 && s.bad == 0,
	    "%s -n 5: written as room was made, all delivered", on);
	qfree(q, &s);

	/* And past -m. */
	l = limits(PF_FRAME_LINE, o, 10, 0, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "aaaa\nbbbb\ncccc\n"), PF_QUEUE_OK,
	    "%s -m 10: three records of 5 bytes in one read", on);
	ok(PEEK_IS(q, "aaaa\nbbbb\n") && pf_queue_pending(q) == 5 &&
	    s.calls[0] + s.calls[1] == 0,
	    "%s -m 10: two admitted, one waits, none dropped", on);
	qfree(q, &s);

	/* (2) No writes at all: the second read drops, exactly. */
	l = limits(PF_FRAME_LINE, o, 1000, 3, 100, 0);
	q = qnew(&l, &s);
	PUT(q, "a\nb\nc\nd\ne\n");
	is_int(PUT(q, "f\ng\n"), PF_QUEUE_OK,
	    "%s -n 3: a second read while two wait", on);
	if (oldest)
		ok(PEEK_IS(q, "e\nf\ng\n") && s.nrec[why] == 4 &&
		    s.b[why].len == 8 && memcmp(s.b[why].p,
		    "a\nb\nc\nd\n", 8) == 0,
		    "%s: a, b, c, d dropped, the newest three kept", on);
	else
		ok(PEEK_IS(q, "a\nb\nc\n") && s.nrec[why] == 4 &&
		    s.b[why].len == 8 && memcmp(s.b[why].p,
		    "d\ne\nf\ng\n", 8) == 0,
		    "%s: d, e, f, g dropped, the oldest three kept", on);
	ok(!pf_queue_waiting(q) && pf_queue_pending(q) == 0 &&
	    s.calls[!why] == 0 && s.bad == 0,
	    "%s: nothing waits after the drop, in = kept 3 + dropped 4", on);
	is_int(PUT(q, "h\ni\n"), PF_QUEUE_OK,
	    "%s: a third read, nothing waiting", on);
	ok(s.nrec[why] == 4 && pf_queue_waiting(q) &&
	    pf_queue_pending(q) == 4,
	    "%s: h, i wait, nothing more dropped", on);
	is_int(PUT(q, "j"), PF_QUEUE_OK,
	    "%s: a fourth read, only a partial record", on);
	if (oldest)
		ok(PEEK_IS(q, "g\nh\ni\n") && s.nrec[why] == 6 &&
		    s.b[why].len == 12 && memcmp(s.b[why].p + 8, "e\nf\n",
		    4) == 0, "%s: e, f dropped for h, i", on);
	else
		ok(PEEK_IS(q, "a\nb\nc\n") && s.nrec[why] == 6 &&
		    s.b[why].len == 12 && memcmp(s.b[why].p + 8, "h\ni\n",
		    4) == 0, "%s: h, i dropped", on);
	ok(!pf_queue_waiting(q) && pf_queue_pending(q) == 1,
	    "%s: in 9 = kept 3 + dropped 6, the partial pending", on);
	PUT(q, "k\nl");
	bad = s.calls[0] + s.calls[1];
	ok(pf_queue_eof(q, tnow, &n) == PF_QUEUE_OK && n == 1 &&
	    s.calls[0] + s.calls[1] == bad && pf_queue_waiting(q),
	    "%s: end of input while jk and l wait: no drop", on);
	out.len = 0;
	drain_all(q, &out, 2, &s);
	if (oldest)
		ok(out.len == 10 && memcmp(out.p, "g\nh\ni\njk\nl",
		    10) == 0 && s.nrec[why] == 6 && s.bad == 0,
		    "%s: delivered g h i jk l, dropped 6: all 11 accounted",
		    on);
	else
		ok(out.len == 10 && memcmp(out.p, "a\nb\nc\njk\nl",
		    10) == 0 && s.nrec[why] == 6 && s.bad == 0,
		    "%s: delivered a b c jk l, dropped 6: all 11 accounted",
		    on);
	qfree(q, &s);

	/* (3) Admit never drops, whatever waits and however often. */
	l = limits(PF_FRAME_LINE, o, 8, 2, 100, 0);
	q = qnew(&l, &s);
	PUT(q, "aaa\nbbb\nccc\nddd\neee\n");
	for (i = 0, bad = 0; i < 50; i++) {
		bad += pf_queue_admit(q, tnow) != PF_QUEUE_OK;
		if (i % 10 == 9)
			drain(q, &out, 1, 1);
	}
	ok(bad == 0 && s.calls[0] + s.calls[1] == 0 && s.bad == 0,
	    "%s: 50 admits, some after writes: none dropped", on);
	qfree(q, &s);

	buf_free(&in);
	buf_free(&out);
}

/*
 * Bytes mode has no records: drop-oldest cuts exactly the excess from the
 * front, drop-newest drops whole reads.  Here too a read drops only if a
 * chunk was waiting when it came, and then the chunk that waited and the
 * one read are each kept or dropped whole.
 */
static void
test_drop_bytes(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 in, out, want;
	uint64_t		 r, before, dead, grow, wl;
	size_t			 fed = 0, n, i;
	char			 c, *gone, *sp;
	const char		*dp;
	int			 res, bad = 0, early = 0, waited, calls;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&want, 0, sizeof(want));
	while (in.len < 1000) {
		c = (char)rnd();
		buf_add(&in, &c, 1);
	}
	if ((gone = calloc(1, in.len)) == NULL)
		abort();

	l = limits(PF_FRAME_BYTES, PF_FULL_DROP_OLDEST, 64, 0, 0, 0);
	q = qnew(&l, &s);
	for (fed = 0; fed < in.len; fed += n) {
		n = rnd_in(1, 64);
		if (n > in.len - fed)
			n = in.len - fed;
		if (n > pf_queue_space(q, &sp))
			n = pf_queue_space(q, &sp);
		waited = pf_queue_waiting(q);
		calls = s.calls[PF_DROP_OLDEST];
		res = put(q, in.p + fed, n, &r);
		bad += n == 0 || res != PF_QUEUE_OK || pf_queue_bytes(q) > 64;
		early += !waited && s.calls[PF_DROP_OLDEST] != calls;
		if (n == 0)
			break;
	}
	/* A chunk still waiting is delivered after the 64 bytes. */
	wl = pf_queue_pending(q);
	drain_all(q, &out, 64, &s);
	ok(bad == 0 && early == 0 && out.len == 64 + wl &&
	    memcmp(out.p, in.p + in.len - out.len, out.len) == 0,
	    "drop-oldest bytes: the last 64 bytes delivered, and the %llu "
	    "waiting", (unsigned long long)wl);
	ok(s.b[PF_DROP_OLDEST].len == in.len - out.len &&
	    memcmp(s.b[PF_DROP_OLDEST].p, in.p, in.len - out.len) == 0 &&
	    s.nrec[PF_DROP_OLDEST] == (uint64_t)s.calls[PF_DROP_OLDEST] &&
	    s.b[PF_DROP_NEWEST].len == 0 && s.bad == 0,
	    "drop-oldest bytes: the first %zu bytes dropped, in order",
	    in.len - out.len);
	qfree(q, &s);
	buf_free(&out);

	l = limits(PF_FRAME_BYTES, PF_FULL_DROP_NEWEST, 64, 0, 0, 0);
	q = qnew(&l, &s);
	for (fed = 0; fed < in.len; fed += n) {
		n = rnd_in(1, 40);
		if (n > in.len - fed)
			n = in.len - fed;
		before = pf_queue_bytes(q);
		dead = s.b[PF_DROP_NEWEST].len;
		waited = pf_queue_waiting(q);
		wl = pf_queue_pending(q);
		if (put(q, in.p + fed, n, &r) != PF_QUEUE_OK) {
			bad++;
			break;
		}
		grow = s.b[PF_DROP_NEWEST].len - dead;
		dp = s.b[PF_DROP_NEWEST].p + dead;
		if (!waited) {
			/* Admitted, or waiting: never dropped. */
			early += grow != 0;
			bad += !(pf_queue_bytes(q) == before + n &&
			    !pf_queue_waiting(q)) &&
			    !(pf_queue_bytes(q) == before &&
			    pf_queue_pending(q) == n);
		} else if (grow == wl && memcmp(dp, in.p + fed - wl, wl) == 0)
			memset(gone + fed - wl, 1, wl);
		else if (grow == n && memcmp(dp, in.p + fed, n) == 0)
			memset(gone + fed, 1, n);
		else if (grow == wl + n &&
		    memcmp(dp, in.p + fed - wl, wl + n) == 0)
			memset(gone + fed - wl, 1, wl + n);
		else
			bad += grow != 0;
		bad += waited && pf_queue_waiting(q);
		if (rnd() % 4 == 0) {
			drain(q, &out, rnd_in(1, 30), 30);
			calls = s.calls[PF_DROP_NEWEST];
			pf_queue_admit(q, tnow);
			early += s.calls[PF_DROP_NEWEST] != calls;
		}
	}
	drain_all(q, &out, 64, &s);
	for (i = 0; i < in.len; i++)
		if (!gone[i])
			buf_add(&want, in.p + i, 1);
	ok(bad == 0 && early == 0 && s.calls[PF_DROP_NEWEST] > 0 &&
	    out.len + s.b[PF_DROP_NEWEST].len == in.len &&
	    out.len == want.len && memcmp(out.p, want.p, out.len) == 0 &&
	    s.bad == 0 && s.b[PF_DROP_OLDEST].len == 0,
	    "drop-newest bytes: each read kept or dropped whole, and only "
	    "behind a waiting one");
	qfree(q, &s);
	free(gone);
	buf_free(&in);
	buf_free(&out);
	buf_free(&want);
}

/*
 * Drop-newest closes the gap a dropped record leaves by moving the records
 * and the partial record behind it down, here across the end of the ring;
 * the dropped record itself straddles it and reaches the callback in two
 * pieces.
 */
static void
test_drop_wrap(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct iovec		 iov[2];
	struct buf		 in;
	char			*sp, *base;
	size_t			 len, i;
	int			 bad = 0;

	memset(&in, 0, sizeof(in));
	l = limits(PF_FRAME_LINE, PF_FULL_DROP_NEWEST, 100, 0, 200, 128);
	q = qnew(&l, &s);
	pf_queue_space(q, &base);
	PUT(q, "aaaaaaaaa\n");
	/* Walk to 6 bytes before the end, one record always admitted. */
	while (pf_queue_space(q, &sp) > 6) {
		bad += PUT(q, "aaaaaaaaa\n") != PF_QUEUE_OK;
		bad += pf_queue_consume(q, 10) != 1;
	}
	ok(bad == 0 && pf_queue_space(q, &sp) == 6 && sp > base,
	    "drop wrap: 6 bytes before the end of the ring");
	PUT(q, "bbbbbb");
	ok(pf_queue_space(q, &sp) > 0 && sp == base,
	    "drop wrap: reading on from the base");
	for (i = 0; i < 89; i++)
		buf_add(&in, "b", 1);
	buf_add(&in, "\nccccccccc", 10);
	is_int(put(q, in.p, in.len, &lastn), PF_QUEUE_OK,
	    "drop wrap: a 96-byte record past -m 100, and a partial");
	ok(s.calls[PF_DROP_NEWEST] == 0 && pf_queue_waiting(q),
	    "drop wrap: it waits, nothing waited before");
	is_int(PUT(q, "\ndd"), PF_QUEUE_OK,
	    "drop wrap: more input while it waits");
	ok(s.calls[PF_DROP_NEWEST] == 1 && s.nrec[PF_DROP_NEWEST] == 1 &&
	    s.bad == 0 && s.b[PF_DROP_NEWEST].len == 96 &&
	    memcmp(s.b[PF_DROP_NEWEST].p, "bbbbbb", 6) == 0 &&
	    memcmp(s.b[PF_DROP_NEWEST].p + 6, in.p, 90) == 0 &&
	    !pf_queue_waiting(q),
	    "drop wrap: the straddling record dropped byte-exact");
	PUT(q, "\n");
	ok(pf_queue_peek(q, iov, &len) == 2 && len == 23 &&
	    PEEK_IS(q, "aaaaaaaaa\nccccccccc\ndd\n"),
	    "drop wrap: the record and the partial moved over the end");
	qfree(q, &s);
	buf_free(&in);
}

static void
test_fail(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	char			*sp;

	l = limits(PF_FRAME_LINE, PF_FULL_FAIL, 10, 0, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "aaaa\nbbbb\n"), PF_QUEUE_OK, "fail: -m filled");
	is_int(PUT(q, "cc\n"), PF_QUEUE_FULL, "fail: a record past -m: FULL");
	ok(pf_queue_records(q) == 2 && pf_queue_waiting(q) &&
	    pf_queue_pending(q) == 3 && s.calls[0] + s.calls[1] == 0,
	    "fail: nothing admitted, nothing dropped");
	is_int(pf_queue_space(q, &sp), 0, "fail: no more reading");
	pf_queue_consume(q, 5);
	is_int(pf_queue_admit(q, tnow), PF_QUEUE_OK, "fail: admit once room");
	ok(PEEK_IS(q, "bbbb\ncc\n"), "fail: nothing lost");
	qfree(q, &s);

	l = limits(PF_FRAME_LINE, PF_FULL_FAIL, 1000, 2, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "a\nb\nc\n"), PF_QUEUE_FULL, "fail: a record past -n");
	ok(pf_queue_records(q) == 2 && PEEK_IS(q, "a\nb\n"),
	    "fail: those before it admitted");
	qfree(q, &s);

	l = limits(PF_FRAME_LINE, PF_FULL_FAIL, 10, 0, 100, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "0123456789abcdef\n"), PF_QUEUE_OK,
	    "fail: one record longer than -m fits an empty queue");
	qfree(q, &s);

	l = limits(PF_FRAME_BYTES, PF_FULL_FAIL, 10, 0, 0, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "abcdef"), PF_QUEUE_OK, "fail bytes: 6 of 10");
	is_int(PUT(q, "ghijk"), PF_QUEUE_FULL, "fail bytes: 11 of 10");
	qfree(q, &s);
}

static void
test_toolong(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	struct buf		 out;
	char			*sp;
	uint64_t		 n;

	memset(&out, 0, sizeof(out));
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 1000, 0, 8, 0);

	/* Reads longer than --max-record take the slow path. */
	q = qnew(&l, &s);
	is_int(PUT(q, "123456789\nab\n"), PF_QUEUE_TOOLONG,
	    "toolong: the first record of the first read");
	ok(pf_queue_toolong(q) == 1 && lastn == 0 &&
	    pf_queue_records(q) == 0 && pf_queue_pending(q) == 0,
	    "toolong: record 1, nothing admitted after it");
	is_int(pf_queue_space(q, &sp), 0, "toolong: no more reading");
	is_int(pf_queue_eof(q, tnow, &n), PF_QUEUE_TOOLONG,
	    "toolong: eof says so again");
	qfree(q, &s);

	q = qnew(&l, &s);
	is_int(PUT(q, "a\nbb\n123456789xyz\ncc\n"), PF_QUEUE_TOOLONG,
	    "toolong: in the middle of a read");
	ok(pf_queue_toolong(q) == 3 && lastn == 2 && PEEK_IS(q, "a\nbb\n") &&
	    pf_queue_pending(q) == 0,
	    "toolong: record 3; the two before it delivered");
	qfree(q, &s);

	q = qnew(&l, &s);
	is_int(PUT(q, "a\n123456789"), PF_QUEUE_TOOLONG,
	    "toolong: a partial past the limit at the end of a read");
	ok(pf_queue_toolong(q) == 2 && lastn == 1 && PEEK_IS(q, "a\n"),
	    "toolong: record 2; the one before it delivered");
	qfree(q, &s);

	/* Reads within --max-record take the fast path. */
	q = qnew(&l, &s);
	is_int(PUT(q, "12345678\n"), PF_QUEUE_OK,
	    "toolong: exactly --max-record is fine");
	is_int(PUT(q, "ab\ncd\n"), PF_QUEUE_OK, "toolong: two more");
	PUT(q, "12345");
	is_int(PUT(q, "6789\n"), PF_QUEUE_TOOLONG,
	    "toolong: the first record of a later read");
	ok(pf_queue_toolong(q) == 4 && lastn == 0 &&
	    PEEK_IS(q, "12345678\nab\ncd\n") && pf_queue_pending(q) == 0,
	    "toolong: record 4; all before it delivered");
	qfree(q, &s);

	q = qnew(&l, &s);
	PUT(q, "x\n");
	is_int(PUT(q, "1234"), PF_QUEUE_OK, "toolong: a partial grows");
	is_int(PUT(q, "5678"), PF_QUEUE_OK, "toolong: to --max-record");
	is_int(PUT(q, "9"), PF_QUEUE_TOOLONG, "toolong: and one past it");
	ok(pf_queue_toolong(q) == 2 && PEEK_IS(q, "x\n") &&
	    pf_queue_pending(q) == 0, "toolong: record 2, across reads");
	is_int(pf_queue_consume(q, 2), 1, "toolong: the record before written");
	ok(pf_queue_bytes(q) == 0 && pf_queue_records(q) == 0,
	    "toolong: then empty");
	qfree(q, &s);

	/* Waiting and dropped records count in the record number. */
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 100, 1, 8, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "aaa\nbbb\nccc\n123456789"), PF_QUEUE_TOOLONG,
	    "toolong: behind records waiting for room");
	ok(pf_queue_toolong(q) == 4 && lastn == 3 && pf_queue_waiting(q),
	    "toolong: record 4, after one admitted and two waiting");
	while (pf_queue_bytes(q) > 0) {
		drain(q, &out, SIZE_MAX, 3);
		pf_queue_admit(q, tnow);
	}
	ok(out.len == 12 && memcmp(out.p, "aaa\nbbb\nccc\n", 12) == 0 &&
	    pf_queue_pending(q) == 0, "toolong: the waiting ones delivered");
	qfree(q, &s);

	l = limits(PF_FRAME_LINE, PF_FULL_DROP_NEWEST, 4, 0, 8, 0);
	q = qnew(&l, &s);
	PUT(q, "aaa\nbbb\nccc\n");
	is_int(PUT(q, "123456789\n"), PF_QUEUE_TOOLONG,
	    "toolong: after drops");
	ok(pf_queue_toolong(q) == 4 && s.nrec[PF_DROP_NEWEST] == 2,
	    "toolong: record 4, counting the two dropped");
	qfree(q, &s);

	l = limits(PF_FRAME_NUL, PF_FULL_BLOCK, 100, 0, 8, 0);
	q = qnew(&l, &s);
	is_int(PUT(q, "a\nb\0" "123456789\0"), PF_QUEUE_TOOLONG,
	    "toolong: NUL framing");
	ok(pf_queue_toolong(q) == 2 && PEEK_IS(q, "a\nb\0"),
	    "toolong: NUL record 2; newline is data");
	qfree(q, &s);
	buf_free(&out);
}

/*
 * Runs of whole records copied in by the caller (the engine's record
 * hook): pf_queue_fits_run() and pf_queue_room() agree with the bounds,
 * pf_queue_append() admits them at once, across the ring's wrap too.
 */
static void
test_append(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	char			 rec[100], big[4000], want[200];
	uint64_t		 b, r, one, n;
	int			 i;

	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 100, 4, 400, 0);
	q = qnew(&l, &s);
	pf_queue_room(q, &b, &r, &one);
	ok(b == 100 && r == 4 && one >= 401,
	    "room: -m and -n when empty, and one record up to the ring");
	ok(pf_queue_fits_run(q, 30, 3) && !pf_queue_fits_run(q, 101, 2) &&
	    pf_queue_fits_run(q, 300, 1),
	    "fits_run: within the bounds, and one long record when empty");
	pf_queue_append(q, "aaa\nbbb\nccc\n", 12, 3, tnow);
	ok(pf_queue_bytes(q) == 12 && pf_queue_records(q) == 3 &&
	    pf_queue_pending(q) == 0 && !pf_queue_waiting(q),
	    "append: 12 bytes and 3 records admitted at once");
	ok(PEEK_IS(q, "aaa\nbbb\nccc\n"), "append: the bytes in order");
	pf_queue_room(q, &b, &r, &one);
	ok(b == 88 && r == 1 && one == 0, "room: what -m and -n leave");
	ok(pf_queue_fits_run(q, 4, 1) && !pf_queue_fits_run(q, 8, 2) &&
	    !pf_queue_fits_run(q, 89, 1),
	    "fits_run: -n counts the run, -m its bytes");
	is_int(pf_queue_consume(q, 8), 2, "append: two records written");
	is_int(pf_queue_records(q), 1, "append: one left");
	PUT(q, "dd");
	ok(!pf_queue_fits_run(q, 3, 1), "fits_run: not behind a partial");
	pf_queue_room(q, &b, &r, &one);
	ok(b == 0 && r == 0 && one == 0, "room: none behind a partial");
	qfree(q, &s);

	/* A ring of 4096: 40 records, all but one written, then two more. */
	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 4096, 0, 200, 0);
	q = qnew(&l, &s);
	memset(rec, 'x', sizeof(rec));
	rec[99] = '\n';
	for (i = 0; i < 40; i++)
		memcpy(big + i * 100, rec, 100);
	pf_queue_append(q, big, sizeof(big), 40, tnow);
	is_int(pf_queue_consume(q, 3900), 39, "wrap: 39 of 40 written");
	for (i = 0; i < 2; i++) {
		memset(want + i * 100, 'a' + i, 99);
		want[i * 100 + 99] = '\n';
	}
	ok(pf_queue_fits_run(q, 200, 2), "wrap: two more fit");
	pf_queue_append(q, want, 200, 2, tnow);
	memcpy(big, rec, 100);
	memcpy(big + 100, want, 200);
	ok(peek_is(q, big, 300), "wrap: the run straddles the end, intact");
	n = pf_queue_consume(q, 300);
	is_int(n, 3, "wrap: three records written");
	ok(pf_queue_bytes(q) == 0 && pf_queue_records(q) == 0,
	    "wrap: empty again");
	(void)pf_queue_eof(q, tnow, &n);
	ok(!pf_queue_fits_run(q, 1, 1), "fits_run: nothing after the end");
	ok(s.calls[0] + s.calls[1] == 0, "append: nothing dropped");
	qfree(q, &s);
}

static void
test_fill_age(void)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct sink		 s;
	double			 e = 1e-9;

	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 100, 4, 100, 0);
	q = qnew(&l, &s);
	is_int(pf_queue_capacity(q), 100, "capacity: -m");
	ok(pf_queue_fill(q) == 0 && pf_queue_oldest_age(q, S(5)) == 0,
	    "fill and age 0 when empty");
	tnow = S(10);
	PUT(q, "aaaaaaaaa\n");
	ok(pf_queue_fill(q) > 0.25 - e && pf_queue_fill(q) < 0.25 + e,
	    "fill: 1 of -n 4 outweighs 10 of -m 100");
	tnow = S(12);
	PUT(q, "bbbbbbbbb\nccccccccc\nddddddddd\n");
	ok(pf_queue_fill(q) > 1 - e && pf_queue_fill(q) < 1 + e,
	    "fill: 4 of -n 4");
	ok(pf_queue_oldest_age(q, S(15)) > 5 - e &&
	    pf_queue_oldest_age(q, S(15)) < 5 + e, "age: of the oldest read");
	pf_queue_consume(q, 10);
	ok(pf_queue_oldest_age(q, S(15)) > 3 - e &&
	    pf_queue_oldest_age(q, S(15)) < 3 + e,
	    "age: of the next once it is written");
	pf_queue_consume(q, 5);
	ok(pf_queue_oldest_age(q, S(15)) > 3 - e,
	    "age: unchanged by a partial write");
	pf_queue_consume(q, 25);
	ok(pf_queue_oldest_age(q, S(15)) == 0 && pf_queue_fill(q) == 0,
	    "age and fill 0 once all written");
	qfree(q, &s);

	l = limits(PF_FRAME_LINE, PF_FULL_BLOCK, 200, 0, 400, 0);
	q = qnew(&l, &s);
	PUT(q, "0123456789012345678901234567890123456789012345678\n");
	ok(pf_queue_fill(q) > 0.25 - e && pf_queue_fill(q) < 0.25 + e,
	    "fill: 50 of -m 200");
	qfree(q, &s);

	/* A partly written head survives drop-oldest with its age. */
	l = limits(PF_FRAME_LINE, PF_FULL_DROP_OLDEST, 20, 0, 100, 0);
	q = qnew(&l, &s);
	tnow = S(1);
	PUT(q, "aaaaaaaaa\n");
	pf_queue_consume(q, 3);
	tnow = S(100);
	PUT(q, "bbbbbbbbb\nccccccccc\n");
	ok(PEEK_IS(q, "aaaaaa\nbbbbbbbbb\n") && pf_queue_waiting(q) &&
	    s.calls[PF_DROP_OLDEST] == 0, "drop-oldest: b admitted, c waits");
	PUT(q, "ddddddddd\n");
	ok(PEEK_IS(q, "aaaaaa\nddddddddd\n") &&
	    s.nrec[PF_DROP_OLDEST] == 2 && !pf_queue_waiting(q),
	    "drop-oldest: head kept, b and c dropped");
	ok(pf_queue_oldest_age(q, S(100)) > 99 - e,
	    "age: the kept head is 99s old (got %.3f)",
	    pf_queue_oldest_age(q, S(100)));
	pf_queue_consume(q, 7);
	ok(pf_queue_oldest_age(q, S(101)) > 1 - e &&
	    pf_queue_oldest_age(q, S(101)) < 1 + e,
	    "age: then the record after it");
	qfree(q, &s);
}

static struct mrec *
ml_at(struct mlist *l, size_t i)
{
	return (&l->r[l->first + i]);
}

static void
ml_push(struct mlist *l, const char *p, size_t len, uint64_t t)
{
	struct mrec	*r;

	if (l->first + l->n == l->cap) {
		if (l->first > 0) {
			memmove(l->r, l->r + l->first, l->n * sizeof(*l->r));
			l->first = 0;
		} else {
			l->cap = l->cap * 2 + 16;
			l->r = realloc(l->r, l->cap * sizeof(*l->r));
			if (l->r == NULL)
				abort();
		}
	}
	r = &l->r[l->first + l->n++];
	if ((r->p = malloc(len + 1)) == NULL)
		abort();
	memcpy(r->p, p, len);
	r->len = len;
	r->t = t;
}

/* Remove record i; the ones before it move up. */
static void
ml_del(struct mlist *l, size_t i)
{
	free(ml_at(l, i)->p);
	memmove(l->r + l->first + 1, l->r + l->first, i * sizeof(*l->r));
	l->first++;
	l->n--;
}

static void
ml_free(struct mlist *l)
{
	while (l->n > 0)
		ml_del(l, 0);
	free(l->r);
	memset(l, 0, sizeof(*l));
}

static void
m_init(struct model *m, const struct pf_queue_limits *l)
{
	memset(m, 0, sizeof(*m));
	m->lim = *l;
	if (m->lim.read_size == 0)
		m->lim.read_size = 1 << 20;
	if (l->framing == PF_FRAME_BYTES && m->lim.read_size > l->max_bytes)
		m->lim.read_size = l->max_bytes;
	if (l->framing == PF_FRAME_BYTES)
		m->lim.max_records = 0;		/* chunks are not counted */
	m->term = l->framing == PF_FRAME_BYTES ? -1 :
	    l->framing == PF_FRAME_NUL ? '\0' : '\n';
}

static void
m_free(struct model *m)
{
	ml_free(&m->adm);
	ml_free(&m->wait);
	buf_free(&m->part);
	buf_free(&m->dead[0]);
	buf_free(&m->dead[1]);
}

/* One record always fits an empty queue; otherwise -m and -n. */
static int
m_fits(const struct model *m, uint64_t bytes, uint64_t recs)
{
	uint64_t	have = m->term == -1 ? 0 : m->adm.n;

	if (m->admbytes == 0 && recs <= 1)
		return (1);
	if (m->admbytes + bytes > m->lim.max_bytes)
		return (0);
	if (m->lim.max_records && have + recs > m->lim.max_records)
		return (0);
	return (1);
}

/* Admit the first waiting record. */
static void
m_move(struct model *m)
{
	struct mrec	*r = ml_at(&m->wait, 0);

	ml_push(&m->adm, r->p, r->len, tnow);
	m->admbytes += r->len;
	m->waitbytes -= r->len;
	m->recno++;
	ml_del(&m->wait, 0);
}

/* Drop admitted record i (never a partly written head) as oldest. */
static void
m_dropadm(struct model *m, size_t i)
{
	struct mrec	*r = ml_at(&m->adm, i);

	buf_add(&m->dead[PF_DROP_OLDEST], r->p, r->len);
	m->deadn[PF_DROP_OLDEST]++;
	m->admbytes -= r->len;
	ml_del(&m->adm, i);
}

/* Take n admitted bytes off the front; returns the records completed. */
static uint64_t
m_take(struct model *m, size_t n, struct buf *to)
{
	struct mrec	*r;
	size_t		 k;
	uint64_t	 c = 0;

	m->admbytes -= n;
	while (n > 0) {
		r = ml_at(&m->adm, 0);
		k = r->len - m->headw;
		if (k > n)
			k = n;
		if (to != NULL)
			buf_add(to, r->p + m->headw, k);
		m->headw += k;
		n -= k;
		if (m->headw == r->len) {
			ml_del(&m->adm, 0);
			m->headw = 0;
			c++;
		}
	}
	return (m->term == -1 ? 0 : c);
}

/* Admit the waiting records that fit, in order; never drop. */
static int
m_admit(struct model *m)
{
	while (m->wait.n > 0 && m_fits(m, ml_at(&m->wait, 0)->len, 1))
		m_move(m);
	if (m->wait.n > 0 && m->lim.overflow == PF_FULL_FAIL)
		return (PF_QUEUE_FULL);
	return (PF_QUEUE_OK);
}

/*
 * Input came while records waited, under a drop policy: drop from the
 * waiting and the new records together, until nothing waits.
 */
static void
m_overflow(struct model *m)
{
	struct mrec	*r;
	uint64_t	 d;
	size_t		 i;

	if (m_fits(m, m->waitbytes, m->wait.n)) {
		while (m->wait.n > 0)
			m_move(m);
		return;
	}
	if (m->lim.overflow == PF_FULL_DROP_NEWEST) {
		/* Each record that fits is kept, in order. */
		while (m->wait.n > 0) {
			r = ml_at(&m->wait, 0);
			if (m_fits(m, r->len, 1)) {
				m_move(m);
				continue;
			}
			buf_add(&m->dead[PF_DROP_NEWEST], r->p, r->len);
			m->deadn[PF_DROP_NEWEST]++;
			m->waitbytes -= r->len;
			m->recno++;
			ml_del(&m->wait, 0);
		}
		return;
	}
	if (m->term == -1) {
		/* No records: the excess bytes, oldest first. */
		d = m->admbytes + m->waitbytes - m->lim.max_bytes;
		while (m->wait.n > 0)
			m_move(m);
		m_take(m, d, &m->dead[PF_DROP_OLDEST]);
		m->deadn[PF_DROP_OLDEST]++;
		return;
	}
	while (m->wait.n > 0)
		m_move(m);
	i = m->headw > 0;
	while (i + 1 < m->adm.n && (m->admbytes > m->lim.max_bytes ||
	    (m->lim.max_records && m->adm.n > m->lim.max_records)))
		m_dropadm(m, i);
}

static int
m_input(struct model *m, const char *p, size_t n, uint64_t *nrec)
{
	size_t	i;
	int	waited = m->wait.n > 0;

	*nrec = 0;
	if (m->term == -1) {
		ml_push(&m->wait, p, n, 0);
		m->waitbytes += n;
		*nrec = 1;
	} else {
		for (i = 0; i < n && !m->toolong; i++) {
			buf_add(&m->part, p + i, 1);
			if (p[i] != (char)m->term)
				continue;
			if (m->part.len - 1 > m->lim.max_record)
				m->toolong = m->recno + m->wait.n + 1;
			else {
				ml_push(&m->wait, m->part.p, m->part.len, 0);
				m->waitbytes += m->part.len;
				(*nrec)++;
			}
			m->part.len = 0;
		}
		if (!m->toolong && m->part.len > m->lim.max_record)
			m->toolong = m->recno + m->wait.n + 1;
		if (m->toolong)
			m->part.len = 0;
	}
	if (waited && (m->lim.overflow == PF_FULL_DROP_NEWEST ||
	    m->lim.overflow == PF_FULL_DROP_OLDEST))
		m_overflow(m);
	else if (m_admit(m) == PF_QUEUE_FULL)
		return (PF_QUEUE_FULL);
	return (m->toolong ? PF_QUEUE_TOOLONG : PF_QUEUE_OK);
}

static int
m_eof(struct model *m, uint64_t *nrec)
{
	*nrec = 0;
	if (m->toolong)
		return (PF_QUEUE_TOOLONG);
	m->eof = 1;
	if (m->term != -1 && m->part.len > 0) {
		ml_push(&m->wait, m->part.p, m->part.len, 0);
		m->waitbytes += m->part.len;
		m->part.len = 0;
		*nrec = 1;
	}
	return (m_admit(m));
}

/*
 * How much may be read: 0 or the exact room under block, unlimited (but
 * not 0) under the other policies, which read on while full; the drop
 * policies even while records wait.
 */
static uint64_t
m_space(const struct model *m)
{
	uint64_t	used, cap;

	if (m->toolong)
		return (0);
	if (m->lim.overflow == PF_FULL_DROP_NEWEST ||
	    m->lim.overflow == PF_FULL_DROP_OLDEST)
		return (UINT64_MAX);
	if (m->wait.n > 0)
		return (0);
	if (m->lim.overflow != PF_FULL_BLOCK)
		return (UINT64_MAX);
	if (m->term != -1 && m->lim.max_records &&
	    m->adm.n >= m->lim.max_records)
		return (0);
	used = m->admbytes + m->part.len;
	cap = m->lim.max_bytes;
	if (m->term != -1 && m->admbytes == 0 && used >= cap &&
	    m->lim.max_record + 1 > cap)
		cap = m->lim.max_record + 1;
	return (cap > used ? cap - used : 0);
}

static int
differ(const char *what, const char *field, uint64_t a, uint64_t b)
{
	if (a == b)
		return (0);
	diag("model: %s: %s: queue %llu, model %llu", what, field,
	    (unsigned long long)a, (unsigned long long)b);
	return (1);
}

/* Compare everything the queue shows with the model. */
static int
m_check(struct pf_queue *q, struct model *m, struct sink *s, uint64_t t0,
    const char *what)
{
	struct buf	 got, want;
	struct mrec	*r;
	uint64_t	 recs = pf_queue_records(q), bytes = pf_queue_bytes(q);
	uint64_t	 at = tnow + MS(1);
	double		 age, mage;
	size_t		 i;
	int		 same, mid;

	M_EQ("bytes", bytes, m->admbytes);
	M_EQ("records", recs, m->term == -1 ? 0 : m->adm.n);
	M_EQ("pending", pf_queue_pending(q),
	    m->waitbytes + m->part.len);
	M_EQ("waiting", pf_queue_waiting(q), m->wait.n > 0);
	M_EQ("toolong", pf_queue_toolong(q), m->toolong);
	M_EQ("dropped newest", s->nrec[PF_DROP_NEWEST],
	    m->deadn[PF_DROP_NEWEST]);
	M_EQ("dropped oldest", s->nrec[PF_DROP_OLDEST],
	    m->deadn[PF_DROP_OLDEST]);
	M_EQ("dead-letter newest bytes", s->b[PF_DROP_NEWEST].len,
	    m->dead[PF_DROP_NEWEST].len);
	M_EQ("dead-letter oldest bytes", s->b[PF_DROP_OLDEST].len,
	    m->dead[PF_DROP_OLDEST].len);
	M_EQ("bad drop calls", s->bad, 0);

	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	peek_copy(q, &got);
	for (i = 0; i < m->adm.n; i++) {
		r = ml_at(&m->adm, i);
		buf_add(&want, r->p + (i == 0 ? m->headw : 0),
		    r->len - (i == 0 ? m->headw : 0));
	}
	same = got.len == want.len &&
	    (got.len == 0 || memcmp(got.p, want.p, got.len) == 0);
	buf_free(&got);
	buf_free(&want);
	M_EQ("peeked bytes equal", same, 1);

	/* The bounds, with the exceptions the contract allows. */
	mid = m->lim.overflow == PF_FULL_DROP_OLDEST && m->headw > 0 &&
	    recs == 2;
	if (m->term != -1) {
		M_EQ("-m held", bytes <= m->lim.max_bytes || recs <= 1 || mid,
		    1);
		M_EQ("-n held", m->lim.max_records == 0 ||
		    recs <= m->lim.max_records || mid, 1);
	} else
		M_EQ("-m held", bytes <= m->lim.max_bytes, 1);

	/* Never younger than the oldest byte, never older than the run. */
	age = pf_queue_oldest_age(q, at);
	mage = m->adm.n ? (double)(at - ml_at(&m->adm, 0)->t) / PF_NSEC : 0;
	M_EQ("age > 0 iff bytes", age > 0, bytes > 0);
	M_EQ("age not under the oldest record's", age >= mage - 1e-9, 1);
	M_EQ("age within the run", age <= (double)(at - t0) / PF_NSEC + 1e-9,
	    1);
	return (1);
}

/*
 * One random run: a random configuration, a few hundred random reads,
 * writes and admissions, then end of input and a drain.  Returns 1 if the
 * queue agreed with the model throughout.
 */
static int
model_episode(enum pf_framing f, enum pf_overflow o, long *nops)
{
	struct pf_queue_limits	 l;
	struct pf_queue		*q;
	struct model		 m;
	struct sink		 s;
	struct buf		 data;
	struct iovec		 iov[2];
	uint64_t		 mb, mr, maxrec, nq, nm, a, b, t0 = tnow;
	uint64_t		 rin = 0, rout = 0, bin = 0, bout = 0;
	size_t			 rs, n, len, i, ops, pterm, pread;
	char			*sp, c, what[160];
	int			 rq, rm, ok_ = 0, step, guard = 0;

	memset(&data, 0, sizeof(data));
	switch (rnd() % 3) {
	case 0:
		mb = rnd_in(1, 64);
		break;
	case 1:
		mb = rnd_in(64, 600);
		break;
	default:
		mb = rnd_in(600, 4096);
		break;
	}
	mr = rnd() % 3 == 0 ? rnd_in(1, 20) : 0;
	maxrec = rnd() % 4 == 0 ? rnd_in(0, 5000) : rnd_in(0, 300);
	rs = rnd() % 4 == 0 ? 0 : rnd_in(1, 300);
	pterm = rnd_in(1, 40);
	pread = rnd_in(3, 9);		/* in 10 operations, the rest writes */
	ops = rnd_in(20, 400);
	l = limits(f, o, mb, mr, maxrec, rs);
	q = qnew(&l, &s);
	m_init(&m, &l);

	for (step = 0; ; step++) {
		if (++guard > 100000) {
			diag("model: no progress");
			goto out;
		}
		if ((size_t)step == ops) {
			snprintf(what, sizeof(what), "eof");
			rq = pf_queue_eof(q, tnow, &a);
			rm = m_eof(&m, &b);
			E_EQ("eof result", rq, rm);
			E_EQ("eof records", a, b);
			rin += a;
		} else if ((size_t)step > ops) {
			/* Drain: write everything, admit what waits. */
			if (m.adm.n == 0 && m.wait.n == 0)
				break;
			snprintf(what, sizeof(what), "drain");
			pf_queue_peek(q, iov, &len);
			n = rnd() % 2 ? len : rnd_in(0, len);
			a = pf_queue_consume(q, n);
			E_EQ("consume records", a, m_take(&m, n, NULL));
			rout += a;
			bout += n;
			rq = pf_queue_admit(q, tnow);
			E_EQ("admit result", rq, m_admit(&m));
		} else if (rnd() % 10 < pread) {
			nq = pf_queue_space(q, &sp);
			nm = m_space(&m);
			snprintf(what, sizeof(what), "space (model %llu)",
			    (unsigned long long)nm);
			E_EQ("space 0", nq == 0, nm == 0);
			E_EQ("space within room", nq <= nm, 1);
			E_EQ("space within read size",
			    nq <= m.lim.read_size, 1);
			if (nq > 0) {
				/* Reads up to 1M under drop: keep it quick. */
				if (nq > 8192)
					nq = rnd() % 64 != 0 ? 8192 :
					    nq > 65536 ? 65536 : nq;
				n = rnd() % 4 == 0 ? nq : rnd_in(1, nq);
				data.len = 0;
				for (i = 0; i < n; i++) {
					c = (char)('a' + rnd() % 26);
					if (rnd() % pterm == 0)
						c = f == PF_FRAME_NUL ? '\0' :
						    '\n';
					else if (rnd() % 20 == 0)
						c = f == PF_FRAME_NUL ? '\n' :
						    '\0';
					buf_add(&data, &c, 1);
				}
				memcpy(sp, data.p, n);
				snprintf(what, sizeof(what), "read %zu", n);
				rq = pf_queue_input(q, n, tnow, &a);
				rm = m_input(&m, data.p, n, &b);
				E_EQ("read result", rq, rm);
				E_EQ("read records", a, b);
				rin += a;
				bin += m.term == -1 || !m.toolong ? n : 0;
			}
		} else if (rnd() % 5 != 0) {
			pf_queue_peek(q, iov, &len);
			switch (rnd() % 4) {
			case 0:
				n = len < 16 ? len : rnd_in(0, 16);
				break;
			case 1:
				n = rnd_in(0, len);
				break;
			case 2:
				n = len;
				break;
			default:
				n = len > 0 ? len - 1 : 0;
				break;
			}
			snprintf(what, sizeof(what), "write %zu of %zu", n,
			    len);
			a = pf_queue_consume(q, n);
			E_EQ("consume records", a, m_take(&m, n, NULL));
			rout += a;
			bout += n;
		} else {
			snprintf(what, sizeof(what), "admit");
			rq = pf_queue_admit(q, tnow);
			E_EQ("admit result", rq, m_admit(&m));
		}
		if (!m_check(q, &m, &s, t0, what))
			goto out;
		tnow += MS(rnd_in(0, 20));
		(*nops)++;
	}

	snprintf(what, sizeof(what), "end");
	for (i = 0; i < 2; i++)
		E_EQ("dead-letter bytes equal", s.b[i].len == m.dead[i].len &&
		    (s.b[i].len == 0 ||
		    memcmp(s.b[i].p, m.dead[i].p, s.b[i].len) == 0), 1);
	if (f != PF_FRAME_BYTES)
		E_EQ("records in = out + dropped", rin,
		    rout + s.nrec[0] + s.nrec[1]);
	else
		E_EQ("bytes in = out + dropped", bin,
		    bout + s.b[0].len + s.b[1].len);
	E_EQ("empty", pf_queue_bytes(q) + pf_queue_pending(q), 0);
	E_EQ("drops only by policy",
	    (o == PF_FULL_DROP_NEWEST || s.calls[PF_DROP_NEWEST] == 0) &&
	    (o == PF_FULL_DROP_OLDEST || s.calls[PF_DROP_OLDEST] == 0), 1);
	ok_ = 1;
out:
	if (!ok_)
		diag("model: %s %s -m %llu -n %llu --max-record %llu "
		    "read %zu, step %d", oname(o), fname(f),
		    (unsigned long long)mb, (unsigned long long)mr,
		    (unsigned long long)maxrec, rs, step);
	m_free(&m);
	qfree(q, &s);
	buf_free(&data);
	return (ok_);
}

static void
test_model(enum pf_overflow o)
{
	enum pf_framing	f;
	long		nops;
	int		e, agree;

	for (f = PF_FRAME_LINE; f <= PF_FRAME_BYTES; f++) {
		nops = 0;
		for (e = 0, agree = 1; e < EPISODES && agree; e++)
			agree = model_episode(f, o, &nops);
		ok(agree, "model: %s %s: %d runs, %ld operations agree",
		    oname(o), fname(f), e, nops);
	}
}

int
main(void)
{
	static const enum pf_framing	fr[] = {
		PF_FRAME_LINE, PF_FRAME_NUL, PF_FRAME_BYTES
	};
	size_t				i;

	test_new();
	for (i = 0; i < 3; i++) {
		test_roundtrip(fr[i], 64, 0, 40, 0, 30, 1);
		test_roundtrip(fr[i], 100, 0, 300, 64, 50, 0);
		test_roundtrip(fr[i], 1000, 5, 200, 300, 200, 1);
		test_roundtrip(fr[i], 4096, 0, 8, 0, 700, 0);
	}
	test_block();
	test_drop(PF_FULL_DROP_NEWEST, 1, 70, 0, 0);
	test_drop(PF_FULL_DROP_NEWEST, 1, 1000, 8, 0);
	test_drop(PF_FULL_DROP_NEWEST, 0, 100, 0, 0);
	test_drop(PF_FULL_DROP_NEWEST, 0, 150, 4, 1);
	test_drop(PF_FULL_DROP_OLDEST, 1, 70, 0, 0);
	test_drop(PF_FULL_DROP_OLDEST, 1, 1000, 8, 0);
	test_drop(PF_FULL_DROP_OLDEST, 0, 100, 0, 1);
	test_drop(PF_FULL_DROP_OLDEST, 1, 50, 0, 1);
	test_drop(PF_FULL_DROP_OLDEST, 0, 200, 3, 1);
	test_drop(PF_FULL_DROP_OLDEST, 0, 64, 1, 1);
	test_defer(PF_FULL_DROP_NEWEST);
	test_defer(PF_FULL_DROP_OLDEST);
	test_drop_bytes();
	test_drop_wrap();
	test_fail();
	test_toolong();
	test_fill_age();
	test_append();
	test_model(PF_FULL_BLOCK);
	test_model(PF_FULL_DROP_NEWEST);
	test_model(PF_FULL_DROP_OLDEST);
	test_model(PF_FULL_FAIL);
	is_int(peekbad, 0, "peek: the pieces always add up to the length");
	return (done());
}
