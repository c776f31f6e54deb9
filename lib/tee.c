/* SPDX-License-Identifier: ISC */
/*
 * tee.c: records that pass from pipe to pipe unchanged, looked at on the
 * way.  See tee.h.
 *
 * The stream is always in one of two places.  Bytes not yet looked at
 * wait at the head of the input pipe; tee(2) copies them, by reference,
 * into the private pipe, from which they are read and scanned.  Of what
 * was looked at, the whole records (ahead) are spliced to the output, and
 * what follows them (tail), the start of a record whose end has not come,
 * is then read out of the input into memory (hold).  When its end comes,
 * the held start is written (pend) before the rest is spliced.  A new
 * look is made only once ahead and tail are gone, so that the head of the
 * input is always the first byte not looked at.
 *
 * Nothing is looked at twice and every byte is copied into memory once
 * (by reading the duplicate); only a record's unfinished start is copied
 * again, in and out.
 *
 * A record has left once its terminator has been spliced: the duplicate
 * stays in buf until the next look, so the terminators of each piece
 * spliced are counted there as it goes, and a slow reader sees the
 * records out move with the bytes rather than a whole look at a time.
 * A look is no longer than the caller asks (the room in the output), so
 * that what is counted in does not run far ahead of what can leave.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tee.h"

#define TEE_PIPE	(1 << 20)
#define TEE_MIN_LOOK	(64 << 10)	/* a look is never shorter */

struct pf_tee {
	struct pf_io		*in;
	struct pf_io		*out;
	int			 pr;		/* the private pipe */
	int			 pw;
	enum pf_framing		 framing;
	int			 term;
	size_t			 max_record;
	int			 used;		/* a tee worked */
	char			*buf;		/* the duplicate, read back */
	size_t			 bufsize;
	size_t			 look;		/* ahead when looked at */
	size_t			 ahead;		/* looked at, to splice */
	size_t			 tail;		/* after it, to take */
	char			*hold;		/* a record's start */
	size_t			 hold_len;
	size_t			 hold_size;
	char			*pend;		/* written before ahead */
	size_t			 pend_len;
	size_t			 pend_off;
	size_t			 pend_size;
	uint64_t		 recs;		/* records looked at */
	uint64_t		 looked;	/* of them, handed to a hook */
	uint64_t		 recs_out;	/* unterminated, not counted out */
	uint64_t		 toolong;
};

static int	 tee_grow(char **, size_t *, size_t);
static void	 tee_release(struct pf_tee *);
static int	 tee_read(struct pf_tee *, size_t);
static void	 tee_look(struct pf_tee *, pf_tee_fn *, void *,
		     struct pf_engine *, const char *, size_t, uint64_t, int);
static void	 tee_scan(struct pf_tee *, size_t, pf_tee_fn *, void *,
		     struct pf_engine *,
		     uint64_t, uint64_t *);

struct pf_tee *
pf_tee_new(struct pf_io *in, struct pf_io *out, enum pf_framing f,
    size_t max_record)
{
#ifdef HAVE_SPLICE
	struct pf_tee	*t;
	int		 fd[2], size;

	if (f == PF_FRAME_BYTES || !pf_io_can_splice(in, out))
		return (NULL);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	if (pipe2(fd, O_CLOEXEC | O_NONBLOCK) == -1) {
		free(t);
		return (NULL);
	}
	/* As large as it may be: a look is as long as this pipe. */
	(void)fcntl(fd[1], F_SETPIPE_SZ, TEE_PIPE);
	if ((size = fcntl(fd[1], F_GETPIPE_SZ)) <= 0)
		size = 65536;
	t->pr = fd[0];
	t->pw = fd[1];
	t->in = in;
	t->out = out;
	t->framing = f;
	t->term = f == PF_FRAME_NUL ? '\0' : '\n';
	t->max_record = max_record;
	t->bufsize = size;
	if ((t->buf = malloc(t->bufsize)) == NULL) {
		pf_tee_free(t);
		return (NULL);
	}
	return (t);
#else
	(void)in;
	(void)out;
	(void)f;
	(void)max_record;
	return (NULL);
#endif
}

void
pf_tee_free(struct pf_tee *t)
{
	if (t == NULL)
		return;
	close(t->pr);
	close(t->pw);
	free(t->buf);
	free(t->hold);
	free(t->pend);
	free(t);
}

/* Make *p at least want bytes, keeping what it holds. */
static int
tee_grow(char **p, size_t *size, size_t want)
{
	size_t	 n;
	char	*np;

	if (want <= *size)
		return (0);
	n = *size ? *size : 256;
	while (n < want)
		n *= 2;
	if ((np = realloc(*p, n)) == NULL)
		return (-1);
	*p = np;
	*size = n;
	return (0);
}

/* The held start of a record is whole: it leaves first. */
static void
tee_release(struct pf_tee *t)
{
	char	*swap = t->pend;
	size_t	 size = t->pend_size;

	t->pend = t->hold;
	t->pend_size = t->hold_size;
	t->pend_len = t->hold_len;
	t->pend_off = 0;
	t->hold = swap;
	t->hold_size = size;
	t->hold_len = 0;
}

/* Read len bytes of the duplicate into buf: they are there. */
static int
tee_read(struct pf_tee *t, size_t len)
{
	size_t	got;
	ssize_t	r;

	for (got = 0; got < len; got += r) {
		r = read(t->pr, t->buf + got, len - got);
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			/* What tee put there is gone: cannot happen. */
			if (r == 0 || errno == EAGAIN)
				errno = EIO;
			return (-1);
		}
	}
	return (0);
}

/*
 * Find the records in the n bytes just read into buf: set ahead to the
 * end of the last whole one and tail to what follows, and hand each to
 * fn.  The first completes what hold has.  A record longer than the bound
 * ends the look before it.
 */
/* Hand one record to the hook: number num, a look at time now. */
static void
tee_look(struct pf_tee *t, pf_tee_fn *fn, void *arg, struct pf_engine *e,
    const char *p, size_t len, uint64_t now, int last)
{
	struct pf_record	r;
	uint64_t		wake;
	int			reason;

	r.data = p;
	r.len = len;
	r.num = ++t->looked;
	r.when = now;
	r.unterminated = last;
	(void)fn(arg, e, &r, now, &reason, &wake);
}

static void
tee_scan(struct pf_tee *t, size_t n, pf_tee_fn *fn, void *arg,
    struct pf_engine *e, uint64_t now, uint64_t *recs)
{
	const char	*p = t->buf, *end, *q;
	size_t		 good, nrec = 0, len;
	int		 toolong;

	*recs = 0;
	/* With a hook the walk below counts the records anyway. */
	toolong = pf_frame_check(t->framing, p, n, t->hold_len, t->max_record,
	    &good, fn != NULL ? NULL : &nrec);
	if (good == 0) {
		/* All of it continues one record, or the first is too long. */
		if (toolong) {
			t->toolong = t->recs + 1;
			t->hold_len = 0;
		} else
			t->tail = n;
		return;
	}
	end = p + good;
	q = memchr(p, t->term, good);
	len = t->hold_len + (q - p);
	if (t->hold_len > 0) {
		/* The held start leaves first; the look sees it whole. */
		if (fn != NULL) {
			if (tee_grow(&t->hold, &t->hold_size, len) == 0) {
				memcpy(t->hold + t->hold_len, p, q - p);
				tee_look(t, fn, arg, e, t->hold, len, now, 0);
			}
		}
		tee_release(t);
	} else if (fn != NULL)
		tee_look(t, fn, arg, e, p, q - p, now, 0);
	if (fn != NULL)
		for (nrec = 1, p = q + 1; p < end; p = q + 1, nrec++) {
			q = memchr(p, t->term, end - p);
			tee_look(t, fn, arg, e, p, q - p, now, 0);
		}
	t->ahead = t->look = good;
	if (toolong)
		t->toolong = t->recs + nrec + 1;
	else
		t->tail = n - good;
	t->recs += nrec;
	*recs = nrec;
}

ssize_t
pf_tee_look(struct pf_tee *t, size_t max, pf_tee_fn *fn, void *arg,
    struct pf_engine *e, uint64_t now, uint64_t *recs)
{
#ifdef HAVE_SPLICE
	ssize_t	n;

	*recs = 0;
	if (!pf_tee_ready(t) || t->toolong) {
		errno = EAGAIN;
		return (-1);
	}
	if (max < TEE_MIN_LOOK)
		max = TEE_MIN_LOOK;
	if (max > t->bufsize)
		max = t->bufsize;
	for (;;) {
		n = tee(t->in->fd, t->pw, max, SPLICE_F_NONBLOCK);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n == -1) {
		if (errno == EWOULDBLOCK)
			errno = EAGAIN;
		else if (errno == EINVAL && t->used)
			errno = EIO;
		return (-1);
	}
	if (n == 0)
		return (0);
	t->used = 1;
	if (tee_read(t, n) == -1)
		return (-1);
	tee_scan(t, n, fn, arg, e, now, recs);
	return (n);
#else
	(void)t;
	(void)max;
	(void)fn;
	(void)arg;
	(void)e;
	(void)now;
	*recs = 0;
	errno = EINVAL;
	return (-1);
#endif
}

uint64_t
pf_tee_end(struct pf_tee *t, pf_tee_fn *fn, void *arg, struct pf_engine *e,
    uint64_t now)
{
	if (t->hold_len == 0 || t->toolong)
		return (0);
	if (fn != NULL)
		tee_look(t, fn, arg, e, t->hold, t->hold_len, now, 1);
	tee_release(t);
	t->recs++;
	t->recs_out++;
	return (1);
}

int
pf_tee_move(struct pf_tee *t, uint64_t *bytes, uint64_t *recs)
{
	struct iovec	iov;
	ssize_t		n;

	*bytes = *recs = 0;
	/* A record's held start has no terminator: that is in buf. */
	while (t->pend_off < t->pend_len) {
		iov.iov_base = t->pend + t->pend_off;
		iov.iov_len = t->pend_len - t->pend_off;
		if ((n = pf_io_writev(t->out, &iov, 1)) == -1)
			return (-1);
		t->pend_off += n;
		*bytes += n;
	}
	t->pend_off = t->pend_len = 0;
	/* Only the last record, unterminated, is all in pend. */
	*recs += t->recs_out;
	t->recs_out = 0;
	while (t->ahead > 0) {
		n = pf_io_splice(t->in, t->out, t->ahead);
		if (n == -1)
			return (-1);
		if (n == 0) {
			/* The input ended under bytes it held: cannot be. */
			errno = EIO;
			return (-1);
		}
		*recs += pf_frame_count(t->framing,
		    t->buf + (t->look - t->ahead), (size_t)n);
		t->ahead -= n;
		*bytes += n;
	}
	return (0);
}

int
pf_tee_take(struct pf_tee *t)
{
	ssize_t	n;

	if (pf_tee_pending(t) > 0)
		return (0);
	while (t->tail > 0) {
		if (tee_grow(&t->hold, &t->hold_size,
		    t->hold_len + t->tail) == -1)
			return (-1);
		n = pf_io_read(t->in, t->hold + t->hold_len, t->tail);
		if (n <= 0) {
			if (n == 0 || errno == EAGAIN)
				errno = EIO;
			return (-1);
		}
		t->hold_len += n;
		t->tail -= n;
	}
	return (0);
}

size_t
pf_tee_pending(const struct pf_tee *t)
{
	return (t->pend_len - t->pend_off + t->ahead);
}

int
pf_tee_ready(const struct pf_tee *t)
{
	return (pf_tee_pending(t) == 0 && t->tail == 0);
}

size_t
pf_tee_held(const struct pf_tee *t)
{
	return (t->hold_len + t->pend_len - t->pend_off);
}

size_t
pf_tee_partial(const struct pf_tee *t)
{
	return (t->hold_len + t->tail);
}

uint64_t
pf_tee_toolong(const struct pf_tee *t)
{
	return (t->toolong);
}
