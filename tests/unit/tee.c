/* SPDX-License-Identifier: ISC */
/*
 * tee.c: unit tests for records passed from pipe to pipe by tee(2) and
 * splice(2) while a callback looks at each one (lib/tee.c).
 *
 * Each run puts two real non-blocking pipes around a pf_tee, writes the
 * input in seeded random chunks (single bytes up to more than 64 KiB,
 * into input and output pipes of several sizes) and drives it as a
 * stage would: look when ready, take, move while bytes are pending, read
 * the output as it fills, end once the input has.  The output must be the
 * input byte for byte, the callback must see exactly its records in order
 * (empty ones, split ones and an unterminated last one included), and the
 * record and byte counts of pf_tee_look(), pf_tee_end() and pf_tee_move()
 * must add up, in line and NUL framing, with and without a callback (the
 * pf_frame_count() fast path) and with --max-record wide, tight or too
 * short.  Invariants are checked after every step: only whole records
 * leave before the end, nothing leaves before the callback saw it, and
 * the bytes looked at are always moved, pending or partial.  Targeted
 * cases pin down what leaves before a record's end, pf_tee_end(), every
 * way a record can be too long, a record longer than the private pipe,
 * the errors of pf_tee_look() and pf_tee_move(), and what pf_tee_new()
 * refuses; a record found too long while its start is held keeps
 * nothing, as the queue does.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "io.h"
#include "tee.h"
#include "tap.h"

#ifndef SEED
#define SEED		0x2545f4914f6cdd1dULL	/* -DSEED=n for other runs */
#endif
#include "rand.h"
#define KIB		1024
#define MIB		(1024 * 1024)
#define WIDE		(8 * MIB)	/* a bound no look reaches */
#define MAXSTEPS	2000000		/* a run this long is stuck */
#define LIT(s)		(s), sizeof(s) - 1

enum chunking {
	CH_ONE,				/* single bytes */
	CH_SMALL,			/* up to 64 bytes */
	CH_MIXED,			/* up to 64 KiB */
	CH_BIG				/* mostly more than 64 KiB */
};

enum bound {
	B_WIDE,				/* more than any look */
	B_TIGHT,			/* the longest record */
	B_SHORT				/* one record is too long */
};

/* The callback's side: each record is checked against the input. */
struct seen {
	const char	*data;		/* the whole input */
	size_t		 len;
	int		 term;
	size_t		 cur;		/* input the records seen covered */
	uint64_t	 nrec;
	uint64_t	 now;		/* given to the current look */
	int		 atend;		/* in pf_tee_end() */
	int		 bad;
};

struct run {
	struct pf_io	 in;
	struct pf_io	 out;
	int		 inw;		/* the input's write end */
	int		 outr;		/* the output's read end */
	struct pf_tee	*t;
	pf_tee_fn	*fn;
	struct seen	 s;
	struct buf	 got;		/* what came out */
	uint64_t	 look_recs;	/* from looks and pf_tee_end() */
	uint64_t	 move_recs;
	uint64_t	 move_bytes;
	uint64_t	 term_at;	/* terminators counted up to here */
	uint64_t	 terms;		/* in the input moved so far */
	uint64_t	 looked;	/* bytes looked at */
	size_t		 maxlook;
	uint64_t	 ended;		/* what pf_tee_end() returned */
	int		 eof;		/* a look returned 0 */
	int		 chaos;		/* random partial moves and reads */
	int		 bad;		/* broken invariants */
};

/* Random input: records, their lengths, the bound to use. */
struct gen {
	struct buf	 b;
	size_t		*rl;
	size_t		 n;
	size_t		 maxrec;
	size_t		 k;		/* the too-long record, or n */
	size_t		 koff;		/* where it starts */
};

static void	 fill(char *, size_t, int);
static void	 bad(struct run *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
static enum pf_verdict seen_fn(void *, struct pf_engine *,
		     const struct pf_record *, uint64_t, int *, uint64_t *);
static int	 pipe_open(int *, int);
static int	 run_open(struct run *, enum pf_framing, size_t, pf_tee_fn *,
		     const char *, size_t, int, int);
static void	 run_close(struct run *);
static void	 put(struct run *, const char *, size_t);
static size_t	 drain(struct run *, int);
static ssize_t	 look(struct run *);
static void	 take(struct run *);
static int	 move(struct run *, int);
static void	 check(struct run *);
static void	 step(struct run *);
static void	 finish(struct run *);
static void	 stream(struct run *, enum chunking);
static int	 got_is(struct run *, const char *, size_t);
static int	 look_again(struct run *);
static size_t	 chunk(enum chunking);
static size_t	 rec_len(size_t);
static void	 gen_make(struct gen *, enum pf_framing, size_t, size_t, int,
		     enum bound);
static void	 gen_free(struct gen *);

static void	 test_new(void);
static void	 test_errors(void);
static void	 test_whole(void);
static void	 test_end(void);
static void	 test_toolong(void);
static void	 test_exact(void);
static void	 test_nofn(void);
static void	 test_bound(void);
static void	 test_huge(enum pf_framing, pf_tee_fn *, int);
static void	 test_random(enum pf_framing, enum chunking, pf_tee_fn *, int,
		     enum bound);

/* Random bytes, never the terminator (but often the other one). */
static void
fill(char *p, size_t len, int term)
{
	uint64_t	 x = 0;
	size_t		 i;
	int		 c;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			x = rnd();
		c = (int)(x & 0xff);
		x >>= 8;
		if (c == term)
			c = term == '\n' ? '\0' : '\n';
		p[i] = (char)c;
	}
}

/* An invariant broke: say so for the first few. */
static void
bad(struct run *r, const char *fmt, ...)
{
	va_list	 ap;

	if (r->bad++ >= 3)
		return;
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (after %llu bytes looked at, %llu moved)\n",
	    (unsigned long long)r->looked, (unsigned long long)r->move_bytes);
}

/*
 * The callback: the record must be the next one of the input, whole,
 * with the time of its look; an unterminated one only at the end.
 */
static enum pf_verdict
seen_fn(void *arg, struct pf_engine *e, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct seen	*s = arg;
	const char	*p = r->data;
	size_t		 len = r->len;
	size_t		 end = s->cur + len;
	const char	*why = NULL;

	(void)e;
	(void)reason;
	(void)wake;
	s->nrec++;
	if (now != s->now || r->when != now)
		why = "the wrong time";
	else if (r->num != s->nrec)
		why = "the wrong number";
	else if (r->unterminated != (end == s->len && s->atend &&
	    (end == 0 || s->data[end - 1] != s->term) && !(end < s->len)))
		why = "unterminated said wrongly";
	else if (end > s->len || memcmp(p, s->data + s->cur, len) != 0)
		why = "not the next bytes of the input";
	else if (memchr(p, s->term, len) != NULL)
		why = "a terminator inside";
	else if (end < s->len && s->data[end] != s->term)
		why = "not a whole record";
	else if (end == s->len && !s->atend)
		why = "unterminated before the end";
	if (why != NULL && s->bad++ < 3)
		printf("#   record %llu (%zu bytes at %zu): %s\n",
		    (unsigned long long)s->nrec, len, s->cur, why);
	s->cur = end < s->len ? end + 1 : s->len;
	return (PF_KEEP);
}

/* A non-blocking pipe of about size bytes (0: as it comes). */
static int
pipe_open(int *fd, int size)
{
	if (pipe2(fd, O_NONBLOCK | O_CLOEXEC) == -1)
		return (-1);
	if (size > 0)
		(void)fcntl(fd[1], F_SETPIPE_SZ, size);
	return (fcntl(fd[1], F_GETPIPE_SZ));
}

/*
 * A pf_tee between two fresh pipes; data is the whole input, for the
 * checks.  0, or -1 with a failed test.
 */
static int
run_open(struct run *r, enum pf_framing f, size_t maxrec, pf_tee_fn *fn,
    const char *data, size_t len, int insz, int outsz)
{
	int	 a[2], b[2];

	memset(r, 0, sizeof(*r));
	r->inw = r->outr = r->in.fd = r->out.fd = -1;
	if ((r->in.pipe_size = pipe_open(a, insz)) == -1) {
		ok(0, "pipe: %s", strerror(errno));
		return (-1);
	}
	r->in.fd = a[0];
	r->inw = a[1];
	if ((r->out.pipe_size = pipe_open(b, outsz)) == -1) {
		ok(0, "pipe: %s", strerror(errno));
		run_close(r);
		return (-1);
	}
	r->outr = b[0];
	r->out.fd = b[1];
	r->in.name = "in";
	r->out.name = "out";
	r->in.kind = r->out.kind = PF_IO_PIPE;
	r->in.nonblock = r->out.nonblock = 1;
	r->fn = fn;
	r->s.data = data;
	r->s.len = len;
	r->s.term = f == PF_FRAME_NUL ? '\0' : '\n';
	if ((r->t = pf_tee_new(&r->in, &r->out, f, maxrec)) == NULL) {
		ok(0, "pf_tee_new: %s", strerror(errno));
		run_close(r);
		return (-1);
	}
	return (0);
}

static void
run_close(struct run *r)
{
	pf_tee_free(r->t);
	r->t = NULL;
	if (r->inw != -1)
		close(r->inw);
	if (r->outr != -1)
		close(r->outr);
	if (r->in.fd != -1)
		close(r->in.fd);
	if (r->out.fd != -1)
		close(r->out.fd);
	r->inw = r->outr = r->in.fd = r->out.fd = -1;
	buf_free(&r->got);
}

/* Write a few bytes to the input: they must fit. */
static void
put(struct run *r, const char *p, size_t len)
{
	if (write(r->inw, p, len) != (ssize_t)len)
		bad(r, "write %zu bytes to the input: %s", len,
		    strerror(errno));
}

/* Read what waits in the output, or (!all, chaos) one piece of it. */
static size_t
drain(struct run *r, int all)
{
	size_t	 want, total = 0;
	ssize_t	 n;
	int	 avail;

	for (;;) {
		/* Read no more than waits (valgrind checks all of want). */
		if (ioctl(r->outr, FIONREAD, &avail) == -1) {
			bad(r, "FIONREAD: %s", strerror(errno));
			break;
		}
		if (avail <= 0)
			break;
		want = avail;
		if (r->chaos && rnd_in(0, 3) == 0 && want > 1)
			want = rnd_in(1, want < 512 ? want : 512);
		if (r->got.len + want > r->got.cap) {
			r->got.cap = (r->got.len + want) * 2;
			if ((r->got.p = realloc(r->got.p, r->got.cap)) == NULL)
				abort();
		}
		n = read(r->outr, r->got.p + r->got.len, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			if (errno != EAGAIN)
				bad(r, "read the output: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			bad(r, "the output ended");
			break;
		}
		r->got.len += n;
		total += n;
		if (!all)
			break;
	}
	return (total);
}

/*
 * A look, counted and checked: the records it completes are the
 * terminators in what it looked at.  At the end, pf_tee_end().
 */
static ssize_t
look(struct run *r)
{
	const char	*p;
	uint64_t	 recs, want = 0;
	ssize_t		 n;
	size_t		 i;

	r->s.now++;
	n = pf_tee_look(r->t, SIZE_MAX, r->fn, &r->s, NULL, r->s.now, &recs);
	if (n > 0) {
		if (r->looked + n > r->s.len)
			bad(r, "looked at %zd bytes past the input", n);
		else if (pf_tee_toolong(r->t) == 0) {
			p = r->s.data + r->looked;
			for (i = 0; i < (size_t)n; i++)
				want += p[i] == (char)r->s.term;
			if (recs != want)
				bad(r, "a look of %zd bytes completed %llu "
				    "records, not %llu", n,
				    (unsigned long long)recs,
				    (unsigned long long)want);
		}
		r->looked += n;
		r->look_recs += recs;
		if ((size_t)n > r->maxlook)
			r->maxlook = n;
	} else if (n == 0) {
		if (recs != 0)
			bad(r, "the end of input completed records");
		if (r->looked != r->s.len && r->s.len > 0)
			bad(r, "the input ended early");
		r->eof = 1;
		r->s.atend = 1;
		r->ended = pf_tee_end(r->t, r->fn, &r->s, NULL, r->s.now);
		r->s.atend = 0;
		r->look_recs += r->ended;
	} else if (errno != EAGAIN || recs != 0)
		bad(r, "look: %s, %llu records", strerror(errno),
		    (unsigned long long)recs);
	return (n);
}

static void
take(struct run *r)
{
	if (pf_tee_pending(r->t) == 0 && pf_tee_take(r->t) == -1)
		bad(r, "take: %s", strerror(errno));
}

/*
 * Move what is pending, reading the output whenever it is full; only
 * once when !full.  Returns what the last pf_tee_move() did.
 */
static int
move(struct run *r, int full)
{
	uint64_t	 bytes, recs, at;
	int		 rc = 0;

	while (pf_tee_pending(r->t) > 0) {
		rc = pf_tee_move(r->t, &bytes, &recs);
		r->move_bytes += bytes;
		r->move_recs += recs;
		/* Every record whose end has left is out, even on EAGAIN. */
		for (; r->term_at < r->move_bytes && r->term_at < r->s.len;
		    r->term_at++)
			r->terms += r->s.data[r->term_at] == r->s.term;
		if (r->move_recs != r->terms + (r->ended &&
		    r->move_bytes == r->s.len && r->s.len > 0 &&
		    r->s.data[r->s.len - 1] != r->s.term))
			bad(r, "move: %llu records out after %llu bytes, "
			    "%llu ended", (unsigned long long)r->move_recs,
			    (unsigned long long)r->move_bytes,
			    (unsigned long long)r->terms);
		if (rc == 0) {
			at = r->move_bytes;
			if (pf_tee_pending(r->t) != 0)
				bad(r, "moved, still %zu bytes pending",
				    pf_tee_pending(r->t));
			if (at > r->s.len)
				bad(r, "moved more than the input");
			else if (at > 0 && r->s.data[at - 1] != r->s.term &&
			    !(r->eof && at == r->s.len))
				bad(r, "moved part of a record");
			if (r->fn != NULL && at > r->s.cur)
				bad(r, "moved a record the callback did not "
				    "see");
			break;
		}
		if (errno != EAGAIN) {
			bad(r, "move: %s, %llu records", strerror(errno),
			    (unsigned long long)recs);
			break;
		}
		if (drain(r, 1) == 0 && bytes == 0) {
			bad(r, "move: EAGAIN with room in the output");
			break;
		}
		if (!full)
			break;
	}
	return (rc);
}

/* What holds after every step. */
static void
check(struct run *r)
{
	size_t	 pending, partial, held;

	pending = pf_tee_pending(r->t);
	partial = pf_tee_partial(r->t);
	held = pf_tee_held(r->t);
	if (pf_tee_toolong(r->t) == 0 &&
	    r->looked != r->move_bytes + pending + partial)
		bad(r, "looked at %llu bytes: %llu moved, %zu pending, "
		    "%zu partial", (unsigned long long)r->looked,
		    (unsigned long long)r->move_bytes, pending, partial);
	if (held > pending + partial)
		bad(r, "%zu bytes held, %zu pending, %zu partial", held,
		    pending, partial);
	if (pf_tee_ready(r->t) && held != partial)
		bad(r, "ready with %zu bytes held but %zu partial", held,
		    partial);
	if (pf_tee_ready(r->t) && pending != 0)
		bad(r, "ready with %zu bytes pending", pending);
	if (pending == 0 && pf_tee_ready(r->t) != (partial == held))
		bad(r, "%sready with %zu bytes partial, %zu held (a tail "
		    "%s)", pf_tee_ready(r->t) ? "" : "not ", partial, held,
		    partial == held ? "taken" : "to take");
	if (r->got.len > r->move_bytes)
		bad(r, "read more than was moved");
}

/* One round of a stage: look, take, move, take, read the output. */
static void
step(struct run *r)
{
	uint64_t	 nrec = r->s.nrec, recs;
	int		 full = !r->chaos || rnd_in(0, 3) != 0;

	if (r->chaos && !r->eof && !pf_tee_ready(r->t) &&
	    rnd_in(0, 7) == 0) {
		/* Out of turn: nothing may be looked at. */
		if (pf_tee_look(r->t, SIZE_MAX, r->fn, &r->s, NULL, r->s.now,
		    &recs) != -1 ||
		    errno != EAGAIN || recs != 0 || r->s.nrec != nrec)
			bad(r, "a look before the last one left");
	}
	if (!r->eof && pf_tee_ready(r->t) && pf_tee_toolong(r->t) == 0)
		(void)look(r);
	take(r);
	(void)move(r, full);
	check(r);
	take(r);
	check(r);
	if (!r->chaos || rnd_in(0, 3) != 0)
		(void)drain(r, !r->chaos || rnd_in(0, 1));
}

/* Step until the input ended or a record was too long, and all left. */
static void
finish(struct run *r)
{
	long	 i;

	for (i = 0; i < MAXSTEPS; i++) {
		step(r);
		if (pf_tee_pending(r->t) == 0 &&
		    (r->eof || pf_tee_toolong(r->t) != 0))
			break;
	}
	if (i == MAXSTEPS)
		bad(r, "stuck");
	(void)drain(r, 1);
}

/* Write the whole input in chunks, closing it at the end, and run. */
static void
stream(struct run *r, enum chunking ch)
{
	size_t	 wpos = 0, left = 0, len;
	ssize_t	 n;
	long	 i;

	r->chaos = 1;
	if (r->s.len == 0) {
		close(r->inw);
		r->inw = -1;
	}
	for (i = 0; i < MAXSTEPS; i++) {
		if (wpos < r->s.len) {
			if (left == 0)
				left = chunk(ch);
			len = r->s.len - wpos;
			if (len > left)
				len = left;
			n = write(r->inw, r->s.data + wpos, len);
			if (n > 0) {
				wpos += n;
				left -= n;
			} else if (n == -1 && errno != EAGAIN) {
				bad(r, "write: %s", strerror(errno));
				break;
			}
			if (wpos == r->s.len) {
				close(r->inw);
				r->inw = -1;
			} else if (ch != CH_ONE && rnd_in(0, 3) == 0)
				continue;	/* chunks pile up */
		}
		step(r);
		if (pf_tee_pending(r->t) == 0 &&
		    (r->eof || pf_tee_toolong(r->t) != 0))
			break;
	}
	if (i == MAXSTEPS)
		bad(r, "stuck");
	(void)drain(r, 1);
}

/* Whether the output is exactly p, saying what it is if not. */
static int
got_is(struct run *r, const char *p, size_t len)
{
	if (r->got.len == len && (len == 0 || memcmp(r->got.p, p, len) == 0))
		return (1);
	printf("#   output (%zu bytes): \"%.*s\", want \"%.*s\"\n",
	    r->got.len, (int)(r->got.len > 60 ? 60 : r->got.len),
	    r->got.p ? r->got.p : "", (int)(len > 60 ? 60 : len), p);
	return (0);
}

/* Whether a further look is refused with EAGAIN, seeing nothing. */
static int
look_again(struct run *r)
{
	uint64_t	 recs = 1, nrec = r->s.nrec;
	ssize_t		 n;

	errno = 0;
	n = pf_tee_look(r->t, SIZE_MAX, r->fn, &r->s, NULL, r->s.now, &recs);
	return (n == -1 && errno == EAGAIN && recs == 0 && r->s.nrec == nrec);
}

static size_t
chunk(enum chunking ch)
{
	size_t	 r = rnd_in(0, 9);

	switch (ch) {
	case CH_ONE:
		return (1);
	case CH_SMALL:
		return (rnd_in(1, 64));
	case CH_MIXED:
		if (r < 3)
			return (rnd_in(1, 16));
		if (r < 8)
			return (rnd_in(17, 4 * KIB));
		return (rnd_in(4 * KIB + 1, 64 * KIB));
	case CH_BIG:
		if (r < 3)
			return (rnd_in(1, 4 * KIB));
		return (rnd_in(64 * KIB + 1, MIB));
	}
	return (1);
}

/* A record length: many empty and short ones, a few up to cap. */
static size_t
rec_len(size_t cap)
{
	size_t	 r = rnd_in(0, 99);

	if (r < 20)
		return (0);
	if (r < 70)
		return (rnd_in(1, 80));
	if (r < 92 || cap <= 2000)
		return (rnd_in(81, cap < 2000 ? cap : 2000));
	return (rnd_in(2001, cap));
}

/*
 * About want bytes of records up to cap long, the last one unterminated
 * if unterm.  B_SHORT makes one of the later half longer than the bound
 * that all before it keep to.
 */
static void
gen_make(struct gen *g, enum pf_framing f, size_t want, size_t cap,
    int unterm, enum bound bd)
{
	size_t	 i, total = 0, size = 0, m = 0;
	int	 term = f == PF_FRAME_NUL ? '\0' : '\n';
	char	 t = (char)term;

	memset(g, 0, sizeof(*g));
	while (total < want) {
		if (g->n == size) {
			size = size ? size * 2 : 256;
			if ((g->rl = realloc(g->rl, size *
			    sizeof(*g->rl))) == NULL)
				abort();
		}
		g->rl[g->n] = rec_len(cap);
		total += g->rl[g->n++] + 1;
	}
	if (unterm && g->rl[g->n - 1] == 0)
		g->rl[g->n - 1] = rnd_in(1, 80);
	g->k = g->n;
	if (bd == B_SHORT) {
		g->k = rnd_in(g->n / 2, g->n - 1);
		for (i = 0; i < g->k; i++)
			if (g->rl[i] > m)
				m = g->rl[i];
		g->maxrec = m + rnd_in(0, 3);
		switch (rnd_in(0, 3)) {
		case 0:
			g->rl[g->k] = g->maxrec + 1;
			break;
		case 1:
			g->rl[g->k] = g->maxrec + rnd_in(2, 100);
			break;
		case 2:
			g->rl[g->k] = g->maxrec + rnd_in(1, cap);
			break;
		default:
			g->rl[g->k] = 2 * g->maxrec + rnd_in(1, cap);
			break;
		}
	} else if (bd == B_TIGHT) {
		for (i = 0; i < g->n; i++)
			if (g->rl[i] > m)
				m = g->rl[i];
		g->maxrec = m;
	} else
		g->maxrec = WIDE;
	for (i = 0; i < g->n; i++) {
		if (i == g->k)
			g->koff = g->b.len;
		if (g->b.len + g->rl[i] + 1 > g->b.cap) {
			g->b.cap = (g->b.len + g->rl[i] + 1) * 2;
			if ((g->b.p = realloc(g->b.p, g->b.cap)) == NULL)
				abort();
		}
		fill(g->b.p + g->b.len, g->rl[i], term);
		g->b.len += g->rl[i];
		if (!unterm || i + 1 < g->n)
			buf_add(&g->b, &t, 1);
	}
}

static void
gen_free(struct gen *g)
{
	buf_free(&g->b);
	free(g->rl);
	memset(g, 0, sizeof(*g));
}

static void
test_new(void)
{
	struct pf_io	 in, out;
	struct pf_tee	*t;
	int		 a[2], b[2];

	if (pipe_open(a, 0) == -1 || pipe_open(b, 0) == -1) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.fd = a[0];
	out.fd = b[1];
	in.name = "in";
	out.name = "out";
	in.kind = out.kind = PF_IO_PIPE;
	in.nonblock = out.nonblock = 1;
	in.pipe_size = fcntl(a[0], F_GETPIPE_SZ);
	out.pipe_size = fcntl(b[1], F_GETPIPE_SZ);

	t = pf_tee_new(&in, &out, PF_FRAME_BYTES, WIDE);
	ok(t == NULL, "new: no tee in bytes framing");
	pf_tee_free(t);
	in.kind = PF_IO_FILE;
	t = pf_tee_new(&in, &out, PF_FRAME_LINE, WIDE);
	ok(t == NULL, "new: no tee from a file");
	pf_tee_free(t);
	in.kind = PF_IO_PIPE;
	out.kind = PF_IO_FILE;
	t = pf_tee_new(&in, &out, PF_FRAME_LINE, WIDE);
	ok(t == NULL, "new: no tee to a file");
	pf_tee_free(t);
	out.kind = PF_IO_SOCKET;
	t = pf_tee_new(&in, &out, PF_FRAME_NUL, WIDE);
	ok(t == NULL, "new: no tee to a socket");
	pf_tee_free(t);
	out.kind = PF_IO_PIPE;
	t = pf_tee_new(&in, &out, PF_FRAME_LINE, WIDE);
	ok(t != NULL, "new: a tee between pipes, line framing");
	if (t != NULL) {
		is_int(pf_tee_pending(t), 0, "new: nothing pending");
		ok(pf_tee_ready(t), "new: ready");
		is_int(pf_tee_held(t), 0, "new: nothing held");
		is_int(pf_tee_partial(t), 0, "new: nothing partial");
		is_int(pf_tee_toolong(t), 0, "new: nothing too long");
	}
	pf_tee_free(t);
	t = pf_tee_new(&in, &out, PF_FRAME_NUL, 0);
	ok(t != NULL, "new: a tee between pipes, NUL framing");
	pf_tee_free(t);
	pf_tee_free(NULL);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void
test_errors(void)
{
	struct run	 r;
	uint64_t	 bytes, recs;
	ssize_t		 n;
	int		 fd, rc;

	/* What cannot be duplicated: EINVAL before anything was. */
	if (run_open(&r, PF_FRAME_LINE, WIDE, seen_fn, LIT("a\n"), 0,
	    0) == -1)
		return;
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		ok(0, "open /dev/null: %s", strerror(errno));
		run_close(&r);
		return;
	}
	close(r.in.fd);
	r.in.fd = fd;
	recs = 1;
	errno = 0;
	n = pf_tee_look(r.t, SIZE_MAX, seen_fn, &r.s, NULL, 1, &recs);
	ok(n == -1 && errno == EINVAL && recs == 0,
	    "look: EINVAL when the input is no pipe");
	run_close(&r);

	/* The same once a look worked: EIO, the tee cannot be let go. */
	if (run_open(&r, PF_FRAME_LINE, WIDE, seen_fn, LIT("a\n"), 0,
	    0) == -1)
		return;
	put(&r, LIT("a\n"));
	step(&r);
	ok(got_is(&r, LIT("a\n")) && pf_tee_ready(r.t),
	    "look: a first look worked");
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		ok(0, "open /dev/null: %s", strerror(errno));
		run_close(&r);
		return;
	}
	close(r.in.fd);
	r.in.fd = fd;
	recs = 1;
	errno = 0;
	n = pf_tee_look(r.t, SIZE_MAX, seen_fn, &r.s, NULL, 1, &recs);
	ok(n == -1 && errno == EIO && recs == 0,
	    "look: EIO, not EINVAL, after a look worked");
	run_close(&r);

	/* Nothing waits: EAGAIN; looked-at bytes still there: EAGAIN. */
	if (run_open(&r, PF_FRAME_LINE, WIDE, seen_fn, LIT("a\nb\n"), 0,
	    0) == -1)
		return;
	ok(look_again(&r), "look: EAGAIN when nothing waits");
	put(&r, LIT("a\nb\n"));
	n = look(&r);
	is_int(n, 4, "look: sees what waits");
	is_int(pf_tee_pending(r.t), 4, "look: all of it pending");
	ok(!pf_tee_ready(r.t), "look: not ready while it has not left");
	ok(look_again(&r), "look: EAGAIN while the last look has not left");
	is_int(r.look_recs, 2, "look: two records");

	/* The reader is gone: EPIPE, nothing counted out. */
	close(r.outr);
	r.outr = -1;
	recs = bytes = 1;
	errno = 0;
	rc = pf_tee_move(r.t, &bytes, &recs);
	ok(rc == -1 && errno == EPIPE && bytes == 0 && recs == 0,
	    "move: EPIPE when the reader is gone");
	is_int(pf_tee_pending(r.t), 4, "move: still pending after EPIPE");
	ok(r.bad == 0 && r.s.bad == 0, "errors: no broken invariants");
	run_close(&r);
}

/* Only whole records leave before the end. */
static void
test_whole(void)
{
	static const char	 in[] = "aa\nbbb\n";
	struct run		 r;
	ssize_t			 n;

	if (run_open(&r, PF_FRAME_LINE, 100, seen_fn, LIT(in), 0, 0) == -1)
		return;
	put(&r, in, 6);
	n = look(&r);
	is_int(n, 6, "whole: \"aa\\nbbb\" looked at");
	is_int(pf_tee_pending(r.t), 3, "whole: \"aa\\n\" pending");
	is_int(pf_tee_partial(r.t), 3, "whole: \"bbb\" partial");
	is_int(pf_tee_held(r.t), 0, "whole: nothing held yet");
	(void)move(&r, 1);
	(void)drain(&r, 1);
	ok(!pf_tee_ready(r.t), "whole: not ready before \"bbb\" is taken");
	take(&r);
	ok(got_is(&r, LIT("aa\n")), "whole: \"aa\\nbbb\": only \"aa\\n\" "
	    "leaves");
	is_int(pf_tee_partial(r.t), 3, "whole: 3 bytes partial");
	is_int(pf_tee_held(r.t), 3, "whole: 3 bytes held");
	is_int(pf_tee_pending(r.t), 0, "whole: nothing pending");
	ok(pf_tee_ready(r.t), "whole: ready for more");
	is_int(r.s.nrec, 1, "whole: the callback saw one record");
	ok(look_again(&r), "whole: EAGAIN while the rest does not come");

	put(&r, in + 6, 1);
	n = look(&r);
	is_int(n, 1, "whole: the terminator looked at");
	is_int(r.s.nrec, 2, "whole: the callback saw \"bbb\" whole");
	is_int(pf_tee_pending(r.t), 4, "whole: held start and terminator "
	    "pending");
	is_int(pf_tee_held(r.t), 3, "whole: the start still held");
	is_int(pf_tee_partial(r.t), 0, "whole: nothing partial");
	take(&r);
	is_int(pf_tee_pending(r.t), 4, "whole: take waits for the move");
	(void)move(&r, 1);
	(void)drain(&r, 1);
	ok(got_is(&r, LIT(in)), "whole: then \"bbb\\n\" leaves");
	is_int(pf_tee_held(r.t), 0, "whole: nothing held");

	close(r.inw);
	r.inw = -1;
	finish(&r);
	ok(r.eof, "whole: end of input");
	is_int(r.ended, 0, "whole: pf_tee_end makes no record after a "
	    "terminator");
	is_int(r.look_recs, 2, "whole: looks count 2 records");
	is_int(r.move_recs, 2, "whole: moves count 2 records");
	is_int(r.move_bytes, 7, "whole: moves count 7 bytes");
	ok(r.bad == 0 && r.s.bad == 0, "whole: no broken invariants");
	run_close(&r);
}

/* pf_tee_end() and the unterminated last record. */
static void
test_end(void)
{
	static const char	 split[] = "abcdefgh";
	static const char	 nul[] = "a\nb\0c\n";
	struct run		 r;

	if (run_open(&r, PF_FRAME_LINE, 100, seen_fn, LIT("x\ny"), 0,
	    0) == -1)
		return;
	put(&r, LIT("x\ny"));
	close(r.inw);
	r.inw = -1;
	step(&r);
	ok(got_is(&r, LIT("x\n")), "end: \"x\\ny\": \"x\\n\" leaves first");
	is_int(pf_tee_partial(r.t), 1, "end: \"y\" partial");
	step(&r);
	ok(r.eof, "end: end of input");
	is_int(r.ended, 1, "end: pf_tee_end makes the last record");
	ok(got_is(&r, LIT("x\ny")), "end: \"y\" delivered unterminated");
	is_int(r.s.nrec, 2, "end: the callback saw \"y\"");
	is_int(pf_tee_held(r.t), 0, "end: nothing held");
	is_int(pf_tee_partial(r.t), 0, "end: nothing partial");
	is_int(pf_tee_end(r.t, seen_fn, &r.s, NULL, r.s.now), 0,
	    "end: a second pf_tee_end makes nothing");
	ok(look(&r) == 0, "end: a look after the end is 0 again");
	ok(r.look_recs == 2 && r.move_recs == 2 && r.move_bytes == 3,
	    "end: 2 records and 3 bytes counted");
	ok(r.bad == 0 && r.s.bad == 0, "end: no broken invariants");
	run_close(&r);

	/* A single record, in three pieces, never terminated. */
	if (run_open(&r, PF_FRAME_LINE, 100, seen_fn, LIT(split), 0,
	    0) == -1)
		return;
	put(&r, split, 3);
	step(&r);
	put(&r, split + 3, 3);
	step(&r);
	is_int(pf_tee_held(r.t), 6, "end: 6 bytes held in two pieces");
	ok(got_is(&r, "", 0), "end: nothing left yet");
	put(&r, split + 6, 2);
	close(r.inw);
	r.inw = -1;
	finish(&r);
	ok(got_is(&r, LIT(split)), "end: a split unterminated record "
	    "byte-exact");
	ok(r.s.nrec == 1 && r.ended == 1 && r.move_recs == 1,
	    "end: seen whole once, counted once");
	ok(r.bad == 0 && r.s.bad == 0, "end: no broken invariants");
	run_close(&r);

	/* NUL framing: newlines are bytes like any other. */
	if (run_open(&r, PF_FRAME_NUL, 100, seen_fn, LIT(nul), 0, 0) == -1)
		return;
	put(&r, LIT(nul));
	close(r.inw);
	r.inw = -1;
	finish(&r);
	ok(got_is(&r, LIT(nul)), "end: NUL framing byte-exact");
	ok(r.s.nrec == 2 && r.ended == 1 && r.look_recs == 2 &&
	    r.move_recs == 2, "end: NUL framing, 2 records, the last "
	    "unterminated");
	ok(r.bad == 0 && r.s.bad == 0, "end: no broken invariants");
	run_close(&r);

	/* Terminated, and empty input. */
	if (run_open(&r, PF_FRAME_LINE, 100, seen_fn, LIT("\n\na\n"), 0,
	    0) == -1)
		return;
	put(&r, LIT("\n\na\n"));
	close(r.inw);
	r.inw = -1;
	finish(&r);
	ok(got_is(&r, LIT("\n\na\n")) && r.s.nrec == 3 && r.ended == 0 &&
	    r.look_recs == 3 && r.move_recs == 3, "end: two empty records "
	    "and a terminated one; pf_tee_end makes none");
	ok(r.bad == 0 && r.s.bad == 0, "end: no broken invariants");
	run_close(&r);
	if (run_open(&r, PF_FRAME_LINE, 100, seen_fn, "", 0, 0, 0) == -1)
		return;
	close(r.inw);
	r.inw = -1;
	finish(&r);
	ok(r.eof && r.got.len == 0 && r.s.nrec == 0 && r.ended == 0 &&
	    r.move_recs == 0, "end: empty input, nothing at all");
	ok(r.bad == 0 && r.s.bad == 0, "end: no broken invariants");
	run_close(&r);
}

/* Records longer than --max-record, every way they can come. */
static void
test_toolong(void)
{
	static const char	 a[] = "short\nLLLLLLLLLLLLLLLLLLLL\nmore\n";
	static const char	 first[] = "LLLLLLLLLLLLLLLLLLLL\nok\n";
	static const char	 tail[] = "short\nLLLLLLLLLLL";
	static const char	 span[] = "ab\nccccccccccc\nd\n";
	static const char	 spanend[] = "ab\ncccccccc" "ccc\nx\n";
	struct run		 r;
	int			 i;

	for (i = 0; i < 2; i++) {
		if (run_open(&r, PF_FRAME_LINE, 10, i ? NULL : seen_fn,
		    LIT(a), 0, 0) == -1)
			return;
		put(&r, LIT(a));
		finish(&r);
		is_int(pf_tee_toolong(r.t), 2, "toolong%s: record 2 of "
		    "\"short\\n\" + 20 bytes", i ? " (no callback)" : "");
		ok(got_is(&r, LIT("short\n")), "toolong%s: only \"short\\n\" "
		    "leaves", i ? " (no callback)" : "");
		ok(look_again(&r), "toolong%s: then looks give EAGAIN",
		    i ? " (no callback)" : "");
		is_int(pf_tee_end(r.t, r.fn, &r.s, NULL, r.s.now), 0,
		    "toolong%s: pf_tee_end makes nothing",
		    i ? " (no callback)" : "");
		ok(r.look_recs == 1 && r.move_recs == 1 &&
		    r.move_bytes == 6 && r.s.nrec == (i ? 0 : 1),
		    "toolong%s: one record counted", i ? " (no callback)" :
		    "");
		ok(r.bad == 0 && r.s.bad == 0, "toolong: no broken "
		    "invariants");
		run_close(&r);
	}

	/* The first record. */
	if (run_open(&r, PF_FRAME_LINE, 10, seen_fn, LIT(first), 0,
	    0) == -1)
		return;
	put(&r, LIT(first));
	finish(&r);
	is_int(pf_tee_toolong(r.t), 1, "toolong: the first record");
	ok(got_is(&r, "", 0) && r.s.nrec == 0 && r.move_recs == 0,
	    "toolong: nothing leaves or is seen");
	ok(look_again(&r), "toolong: then looks give EAGAIN");
	ok(r.bad == 0 && r.s.bad == 0, "toolong: no broken invariants");
	run_close(&r);

	/* The tail of a look, its end not come yet. */
	if (run_open(&r, PF_FRAME_LINE, 10, seen_fn, LIT(tail), 0, 0) == -1)
		return;
	put(&r, LIT(tail));
	step(&r);
	is_int(pf_tee_toolong(r.t), 2, "toolong: 11 bytes after a record, "
	    "the input still open");
	ok(got_is(&r, LIT("short\n")) && r.s.nrec == 1 && r.move_recs == 1,
	    "toolong: the record before it leaves");
	ok(pf_tee_partial(r.t) == 0 && pf_tee_held(r.t) == 0,
	    "toolong: then nothing is partial or held");
	ok(look_again(&r), "toolong: then looks give EAGAIN");
	ok(r.bad == 0 && r.s.bad == 0, "toolong: no broken invariants");
	run_close(&r);

	/* Over several chunks: the bound is passed while holding. */
	if (run_open(&r, PF_FRAME_LINE, 10, seen_fn, LIT(span), 0, 0) == -1)
		return;
	put(&r, span, 3);
	step(&r);
	put(&r, span + 3, 6);
	step(&r);
	is_int(pf_tee_held(r.t), 6, "toolong: 6 bytes held");
	put(&r, span + 9, 4);
	step(&r);
	is_int(pf_tee_held(r.t), 10, "toolong: 10 bytes held, the bound");
	is_int(pf_tee_toolong(r.t), 0, "toolong: not too long yet");
	put(&r, span + 13, 1);
	step(&r);
	is_int(pf_tee_toolong(r.t), 2, "toolong: the 11th byte makes it "
	    "too long");
	ok(pf_tee_partial(r.t) == 0, "toolong: then nothing is partial "
	    "(as when its end makes it too long, and in the queue)");
	ok(pf_tee_held(r.t) == 0, "toolong: then nothing is held");
	put(&r, span + 14, 3);
	step(&r);
	ok(look_again(&r), "toolong: then looks give EAGAIN");
	ok(got_is(&r, LIT("ab\n")) && r.s.nrec == 1 && r.move_recs == 1 &&
	    r.look_recs == 1, "toolong: only the record before it");
	ok(r.bad == 0 && r.s.bad == 0, "toolong: no broken invariants");
	run_close(&r);

	/* Over several chunks, too long only with the piece that ends it. */
	if (run_open(&r, PF_FRAME_LINE, 10, seen_fn, LIT(spanend), 0,
	    0) == -1)
		return;
	put(&r, spanend, 3);
	step(&r);
	put(&r, spanend + 3, 8);
	step(&r);
	is_int(pf_tee_held(r.t), 8, "toolong: 8 bytes held");
	put(&r, spanend + 11, 6);
	finish(&r);
	is_int(pf_tee_toolong(r.t), 2, "toolong: its end makes it 11 long");
	ok(pf_tee_partial(r.t) == 0 && pf_tee_held(r.t) == 0,
	    "toolong: then nothing is partial or held");
	ok(got_is(&r, LIT("ab\n")) && r.s.nrec == 1 && r.move_recs == 1 &&
	    r.look_recs == 1, "toolong: only the record before it");
	ok(look_again(&r), "toolong: then looks give EAGAIN");
	ok(r.bad == 0 && r.s.bad == 0, "toolong: no broken invariants");
	run_close(&r);
}

/* Records exactly max_record long are allowed, however they come. */
static void
test_exact(void)
{
	static const char	 in[] = "0123456789\nabc\n0123456789\n"
	    "0123456789";
	static const size_t	 cuts[][4] = {
		{ 36, 36, 36, 36 },	/* all at once */
		{ 5, 10, 11, 36 },	/* split, then the tail */
		{ 10, 11, 25, 26 },	/* each before its terminator */
		{ 1, 2, 3, 4 }		/* bytes, then the rest */
	};
	struct run		 r;
	size_t			 i, j, at;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (run_open(&r, PF_FRAME_LINE, 10, i % 2 ? seen_fn : NULL,
		    LIT(in), 0, 0) == -1)
			return;
		for (at = 0, j = 0; j < 4; j++) {
			put(&r, in + at, cuts[i][j] - at);
			at = cuts[i][j];
			step(&r);
		}
		put(&r, in + at, sizeof(in) - 1 - at);
		close(r.inw);
		r.inw = -1;
		finish(&r);
		ok(got_is(&r, LIT(in)) && pf_tee_toolong(r.t) == 0,
		    "exact %zu: records of max_record bytes pass", i);
		ok(r.look_recs == 4 && r.move_recs == 4 && r.ended == 1 &&
		    r.s.nrec == (i % 2 ? 4 : 0), "exact %zu: 4 records, the "
		    "last unterminated", i);
		ok(r.bad == 0 && r.s.bad == 0, "exact %zu: no broken "
		    "invariants", i);
		run_close(&r);
	}
}

/* No callback: pf_frame_count() when the bound exceeds the look. */
static void
test_nofn(void)
{
	static const char	 in[] = "ab\ncd\n\nef\n";
	static const char	 held[] = "abc\nd\ne\n";
	static const char	 tl[] = "ab\nabcdefgh\n";
	static const size_t	 bounds[] = { 2, 3, 9, 10, 100, WIDE };
	struct run		 r;
	size_t			 i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (run_open(&r, PF_FRAME_LINE, bounds[i], NULL, LIT(in), 0,
		    0) == -1)
			return;
		put(&r, LIT(in));
		close(r.inw);
		r.inw = -1;
		finish(&r);
		ok(got_is(&r, LIT(in)) && pf_tee_toolong(r.t) == 0 &&
		    r.look_recs == 4 && r.move_recs == 4 && r.ended == 0,
		    "nofn: bound %zu, a 10-byte look, 4 records", bounds[i]);
		ok(r.bad == 0, "nofn: no broken invariants");
		run_close(&r);
	}
	for (i = 0; i < 2; i++) {
		if (run_open(&r, PF_FRAME_LINE, i ? 100 : 3, NULL, LIT(held),
		    0, 0) == -1)
			return;
		put(&r, held, 2);
		step(&r);
		put(&r, held + 2, sizeof(held) - 3);
		close(r.inw);
		r.inw = -1;
		finish(&r);
		ok(got_is(&r, LIT(held)) && pf_tee_toolong(r.t) == 0 &&
		    r.look_recs == 3 && r.move_recs == 3,
		    "nofn: bound %d, a held start completed, 3 records",
		    i ? 100 : 3);
		ok(r.bad == 0, "nofn: no broken invariants");
		run_close(&r);
	}
	if (run_open(&r, PF_FRAME_LINE, 4, NULL, LIT(tl), 0, 0) == -1)
		return;
	put(&r, LIT(tl));
	finish(&r);
	is_int(pf_tee_toolong(r.t), 2, "nofn: a record too long inside a "
	    "look");
	ok(got_is(&r, LIT("ab\n")) && r.look_recs == 1 && r.move_recs == 1,
	    "nofn: only the record before it");
	ok(r.bad == 0, "nofn: no broken invariants");
	run_close(&r);
}

/* A record longer than the private pipe, with a bound above it. */
/*
 * A look no longer than asked (never under 64 KiB), and records counted
 * out as their terminators leave, piece by piece behind a full output.
 */
static void
test_bound(void)
{
	static char	 in[256 << 10];
	struct run	 r;
	uint64_t	 bytes, recs, out = 0, outb = 0;
	ssize_t		 n;
	size_t		 i;
	int		 moves = 0, steady = 1, rc;

	for (i = 0; i < sizeof(in); i += 8)
		memcpy(in + i, "1234567\n", 8);
	if (run_open(&r, PF_FRAME_LINE, WIDE, seen_fn, in, sizeof(in),
	    1 << 20, 16 << 10) == -1)
		return;
	put(&r, in, sizeof(in));
	r.s.now = 1;
	n = pf_tee_look(r.t, 0, seen_fn, &r.s, NULL, 1, &recs);
	ok(n == 64 << 10 && recs == 8192,
	    "bound: a look asked for 0 bytes takes 64 KiB (%zd, %llu)", n,
	    (unsigned long long)recs);
	/* A 16 KiB output: the look leaves in pieces. */
	for (;;) {
		rc = pf_tee_move(r.t, &bytes, &recs);
		out += recs;
		outb += bytes;
		moves++;
		if (out != outb / 8)
			steady = 0;
		if (rc == 0)
			break;
		if (errno != EAGAIN || drain(&r, 1) == 0)
			break;
	}
	ok(rc == 0 && outb == 64 << 10 && out == 8192 && moves > 2,
	    "bound: moved in %d pieces, every record counted once", moves);
	ok(steady, "bound: records out move with the bytes, not per look");
	n = pf_tee_look(r.t, 100000, seen_fn, &r.s, NULL, 1, &recs);
	ok(n > 64 << 10 && n <= 100000 && recs == (uint64_t)n / 8,
	    "bound: a look asked for 100000 bytes takes no more (%zd)", n);
	ok(r.bad == 0 && r.s.bad == 0, "bound: no broken invariants (%d, %d)",
	    r.bad, r.s.bad);
	run_close(&r);
}

static void
test_huge(enum pf_framing f, pf_tee_fn *fn, int unterm)
{
	struct buf	 b;
	struct run	 r;
	size_t		 n;
	char		 t = f == PF_FRAME_NUL ? '\0' : '\n';
	const char	*name = f == PF_FRAME_NUL ? "nul" : "line";

	memset(&b, 0, sizeof(b));
	buf_add(&b, "before", 6);
	buf_add(&b, &t, 1);
	n = b.len;
	if ((b.p = realloc(b.p, n + 3 * MIB + 8)) == NULL)
		abort();
	fill(b.p + n, 3 * MIB, t);
	b.len += 3 * MIB;
	if (!unterm) {
		buf_add(&b, &t, 1);
		buf_add(&b, "after", 5);
		buf_add(&b, &t, 1);
	}
	if (run_open(&r, f, 4 * MIB, fn, b.p, b.len, 0, 0) == -1) {
		buf_free(&b);
		return;
	}
	stream(&r, unterm ? CH_MIXED : CH_BIG);
	ok(got_is(&r, b.p, b.len), "huge %s: a 3 MiB record%s passes "
	    "byte-exact", name, unterm ? ", unterminated," : "");
	ok(pf_tee_toolong(r.t) == 0 && r.ended == (unsigned)unterm,
	    "huge %s: not too long for a 4 MiB bound", name);
	ok(r.look_recs == (unterm ? 2 : 3) && r.move_recs == r.look_recs &&
	    r.move_bytes == b.len, "huge %s: records and bytes counted",
	    name);
	if (fn != NULL)
		ok(r.s.nrec == (unterm ? 2u : 3u) && r.s.cur == b.len,
		    "huge %s: the callback saw it whole", name);
	ok(r.bad == 0 && r.s.bad == 0, "huge %s: no broken invariants",
	    name);
	run_close(&r);
	buf_free(&b);
}

static void
test_random(enum pf_framing f, enum chunking ch, pf_tee_fn *fn, int unterm,
    enum bound bd)
{
	static const char	*chn[] = { "one", "small", "mixed", "big" };
	static const char	*bdn[] = { "wide", "tight", "short" };
	static const size_t	 want[] = { 1536, 16 * KIB, 192 * KIB,
	    MIB };
	static const size_t	 cap[] = { 300, 2000, 20 * KIB, 200 * KIB };
	static const int	 sizes[] = { 4 * KIB, 64 * KIB, MIB };
	struct gen		 g;
	struct run		 r;
	char			 name[64];
	uint64_t		 nrec;
	size_t			 explen;
	int			 insz, outsz;

	snprintf(name, sizeof(name), "%s/%s/%s/%s/%s",
	    f == PF_FRAME_NUL ? "nul" : "line", chn[ch], fn ? "fn" : "nofn",
	    unterm ? "unterm" : "term", bdn[bd]);
	gen_make(&g, f, want[ch], cap[ch], unterm, bd);
	nrec = bd == B_SHORT ? g.k : g.n;
	explen = bd == B_SHORT ? g.koff : g.b.len;
	insz = ch == CH_BIG ? MIB : sizes[rnd_in(0, ch == CH_MIXED ? 2 : 1)];
	outsz = sizes[rnd_in(0, 2)];
	if (run_open(&r, f, g.maxrec, fn, g.b.p, g.b.len, insz,
	    outsz) == -1) {
		gen_free(&g);
		return;
	}
	stream(&r, ch);
	ok(got_is(&r, g.b.p, explen), "%s: output byte-exact (%zu of %zu "
	    "bytes)", name, explen, g.b.len);
	if (fn != NULL && !ok(r.s.bad == 0 && r.s.nrec == nrec &&
	    r.s.cur == explen, "%s: the callback saw the %llu records",
	    name, (unsigned long long)nrec))
		printf("#   saw %llu, up to byte %zu\n",
		    (unsigned long long)r.s.nrec, r.s.cur);
	if (!ok(r.look_recs == nrec && r.move_recs == nrec,
	    "%s: %llu records looked at and moved", name,
	    (unsigned long long)nrec))
		printf("#   looked %llu, moved %llu\n",
		    (unsigned long long)r.look_recs,
		    (unsigned long long)r.move_recs);
	is_int(r.move_bytes, explen, "%s: bytes moved", name);
	if (bd == B_SHORT) {
		is_int(pf_tee_toolong(r.t), g.k + 1, "%s: record %zu of %zu "
		    "too long (%zu > %zu)", name, g.k + 1, g.n, g.rl[g.k],
		    g.maxrec);
		ok(look_again(&r) && pf_tee_end(r.t, fn, &r.s, NULL,
		    r.s.now) == 0, "%s: no look nor end after it", name);
	} else {
		is_int(pf_tee_toolong(r.t), 0, "%s: nothing too long", name);
		is_int(r.ended, unterm, "%s: pf_tee_end made %d records",
		    name, unterm);
	}
	if (ch == CH_BIG && bd != B_SHORT && r.in.pipe_size > 64 * KIB)
		ok(r.maxlook > 64 * KIB, "%s: a look of %zu bytes", name,
		    r.maxlook);
	ok(r.bad == 0, "%s: no broken invariants", name);
	run_close(&r);
	gen_free(&g);
}

int
main(void)
{
	static const enum pf_framing	 fr[] = { PF_FRAME_LINE, PF_FRAME_NUL };
	size_t				 i;
	int				 ch, fn, unterm, bd;

	signal(SIGPIPE, SIG_IGN);
	test_new();
	test_errors();
	test_whole();
	test_end();
	test_toolong();
	test_exact();
	test_nofn();
	test_bound();
	test_huge(PF_FRAME_LINE, seen_fn, 0);
	test_huge(PF_FRAME_NUL, NULL, 1);
	for (i = 0; i < 2; i++)
		for (ch = CH_ONE; ch <= CH_BIG; ch++)
			for (fn = 0; fn < 2; fn++)
				for (unterm = 0; unterm < 2; unterm++)
					for (bd = B_WIDE; bd <= B_SHORT; bd++)
						test_random(fr[i], ch,
						    fn ? seen_fn : NULL,
						    unterm, bd);
	return (done());
}
