/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the engine's record hook (lib/engine-rec.c), with a
 * scripted policy: each record's first byte says its verdict.  'k' keep,
 * 'd' drop (dead-lettered), 'h' hold (handed back once input ends, or a
 * stop signal came), 'w' wait 2 ms the first time it is offered, then
 * keep, 'W' wait for ever the first time, until the pump wakes it with
 * pf_engine_wake() at the next turn, then keep, 'x' hold and then drop
 * (pf_engine_drop()) once input ends.  The
 * engine runs in a child process between two pipes, as a tool
 * would; the parent writes the input, reads the output and checks it,
 * the dead-letter file, the exit status and the line of counts.  Inside,
 * the policy checks what it is offered: every record once, in order,
 * whole, numbered, and again only after a wait, not before its time.
 * With pf_engine_keep_fitting() on, records that fit go unoffered: the
 * output is still the input, and only records that did not fit come.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED	0x656e67696eULL
#include "rand.h"
#include "tap.h"
#include "pipeflow.h"
#include "engine.h"

#define WAIT_NS	(2 * PF_MSEC)

struct held {
	char		*p;
	size_t		 len;
	uint64_t	 when;
	int		 unterminated;
};

struct script {
	int		 reason;
	uint64_t	 next;		/* the number expected next */
	uint64_t	 waited;	/* the record told to wait, 0 */
	uint64_t	 wake;
	int		 forever;	/* a 'W' waits to be woken */
	struct held	*held;
	size_t		 nheld;
	size_t		 given;
	uint64_t	 heldbytes;
	int		 fitting;	/* pf_engine_keep_fitting() on */
	uint64_t	 offered;
	int		 bad;		/* what the policy saw was wrong */
	char		 why[200];
};

static char	dir[256];
static int	fitting;		/* runs with pf_engine_keep_fitting() */
static int	  targc;
static char	**targv, **tenvp;

static enum pf_verdict
script_record(void *arg, struct pf_engine *e, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct script	*s = arg;
	struct held	*h;

	if (s->reason < 0)
		s->reason = pf_engine_reason(e, "test");
	s->offered++;
	/* Kept unoffered while they fit: only one that does not comes. */
	if (s->fitting && !r->unterminated && pf_engine_fits(e, r->len) &&
	    s->waited != r->num && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof(s->why), "record %llu offered, "
		    "though it fits", (unsigned long long)r->num);
	}
	if (s->fitting && r->num > s->next)
		s->next = r->num;
	if (r->num != s->next && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof(s->why), "offered record %llu, "
		    "expected %llu", (unsigned long long)r->num,
		    (unsigned long long)s->next);
	}
	if (r->len > 0 && memchr(r->data, '\n', r->len) != NULL && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof(s->why), "record %llu holds a "
		    "terminator", (unsigned long long)r->num);
	}
	if (s->waited == r->num && now < s->wake && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof(s->why), "record %llu offered again "
		    "before its time", (unsigned long long)r->num);
	}
	if (s->forever && !s->bad) {
		s->bad = 1;
		snprintf(s->why, sizeof(s->why), "record %llu offered again "
		    "before it was woken", (unsigned long long)r->num);
	}
	switch (r->len > 0 ? r->data[0] : 'k') {
	case 'W':
		if (s->waited != r->num) {
			s->waited = r->num;
			s->wake = 0;
			s->forever = 1;
			*wake = UINT64_MAX;
			return (PF_WAIT);
		}
		break;
	case 'w':
		if (s->waited != r->num) {
			s->waited = r->num;
			s->wake = now + WAIT_NS;
			*wake = s->wake;
			return (PF_WAIT);
		}
		break;
	case 'd':
		*reason = s->reason;
		s->next++;
		return (PF_DROP);
	case 'x':
	case 'h':
		s->held = realloc(s->held, (s->nheld + 1) * sizeof(*s->held));
		if (s->held == NULL)
			abort();
		h = &s->held[s->nheld++];
		if ((h->p = malloc(r->len + 1)) == NULL)
			abort();
		memcpy(h->p, r->data, r->len);
		h->len = r->len;
		h->when = r->when;
		h->unterminated = r->unterminated;
		s->heldbytes += r->len + 1;
		s->next++;
		return (PF_HOLD);
	}
	s->next++;
	return (PF_KEEP);
}

/* Hand held records back once input is done, or a stop signal came. */
static int
script_pump(void *arg, struct pf_engine *e, uint64_t now)
{
	struct script	*s = arg;
	struct held	*h;

	(void)now;
	if (s->fitting)
		pf_engine_keep_fitting(e, UINT64_MAX);
	/* What it waits for came, says the policy: offer it again. */
	if (s->forever) {
		s->forever = 0;
		pf_engine_wake(e);
	}
	if (!pf_engine_input_done(e) && !pf_engine_stopping(e))
		return (0);
	while (s->given < s->nheld) {
		h = &s->held[s->given];
		if (h->len > 0 && h->p[0] == 'x')
			pf_engine_drop(e, h->p, h->len, s->reason,
			    h->unterminated);
		else if (!pf_engine_fits(e, h->len) || pf_engine_give(e, h->p,
		    h->len, h->when, h->unterminated) == -1)
			break;
		s->heldbytes -= h->len + 1;
		free(h->p);
		s->given++;
	}
	return (0);
}

static uint64_t
script_held(void *arg, struct pf_engine *e)
{
	struct script	*s = arg;

	(void)e;
	return (s->heldbytes);
}

/*
 * Run the engine on input (len bytes) with the script, -m mem; the
 * reader takes chunk bytes at a time with pause_us between (0: as fast as
 * it can) and goes away after stop_after bytes (0: never); sig is sent
 * to the stage once it has read everything (0: none).  Stores what came
 * out, the dead letters, stderr and the wait status.
 */
static void
run(const char *in, size_t len, uint64_t mem, size_t chunk, int pause_us,
    size_t stop_after, int sig, struct buf *out, struct buf *dl,
    struct buf *err, int *status)
{
	struct pf_engine_conf	 conf;
	struct script		 s;
	char			 path[300], epath[300], b[65536];
	int			 inp[2], outp[2], fd;
	size_t			 off = 0;
	ssize_t			 n;
	pid_t			 pid;

	snprintf(path, sizeof(path), "%s/dl", dir);
	snprintf(epath, sizeof(epath), "%s/err", dir);
	unlink(path);
	if (pipe(inp) == -1 || pipe(outp) == -1)
		abort();
	fflush(stdout);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		if ((fd = open(epath, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) == -1)
			_exit(99);
		dup2(inp[0], 0);
		dup2(outp[1], 1);
		dup2(fd, 2);
		close(inp[0]);
		close(inp[1]);
		close(outp[0]);
		close(outp[1]);
		close(fd);
		pf_proc_title_init(targc, targv, tenvp);
		memset(&s, 0, sizeof(s));
		s.reason = -1;
		s.next = 1;
		s.fitting = fitting;
		memset(&conf, 0, sizeof(conf));
		conf.tool = "enginetest";
		pf_opts_init(&conf.opts);
		conf.queue.framing = PF_FRAME_LINE;
		conf.queue.max_bytes = mem;
		conf.queue.max_record = conf.opts.max_record = 1000;
		conf.queue.overflow = PF_FULL_BLOCK;
		conf.queue.read_size = 1 << 16;
		conf.dead_letter = path;
		conf.policy.record = script_record;
		conf.policy.pump = script_pump;
		conf.policy.held = script_held;
		conf.policy.arg = &s;
		/* A record that waits for ever fails the test, not hangs it. */
		alarm(60);
		n = pf_engine_run(&conf);
		if (s.bad) {
			fprintf(stderr, "policy: %s\n", s.why);
			_exit(98);
		}
		if (s.fitting)
			fprintf(stderr, "offered %llu",
			    (unsigned long long)s.offered);
		_exit((int)n);
	}
	close(inp[0]);
	close(outp[1]);
	/* Feed it all first: the pipe and the stage take it or block. */
	if (fork() == 0) {
		close(outp[0]);
		while (off < len) {
			if ((n = write(inp[1], in + off, len - off)) <= 0)
				_exit(1);
			off += (size_t)n;
		}
		_exit(0);
	}
	close(inp[1]);
	for (;;) {
		if (stop_after != 0 && out->len >= stop_after)
			break;
		n = read(outp[0], b, chunk < sizeof(b) ? chunk : sizeof(b));
		if (n <= 0)
			break;
		buf_add(out, b, (size_t)n);
		if (pause_us > 0)
			usleep((useconds_t)pause_us);
		if (sig != 0 && out->len > 0) {
			kill(pid, sig);
			sig = 0;
		}
	}
	close(outp[0]);
	if (waitpid(pid, status, 0) != pid)
		abort();
	while (wait(NULL) > 0)
		;
	if ((fd = open(path, O_RDONLY)) != -1) {
		while ((n = read(fd, b, sizeof(b))) > 0)
			buf_add(dl, b, (size_t)n);
		close(fd);
	}
	if ((fd = open(epath, O_RDONLY)) != -1) {
		while ((n = read(fd, b, sizeof(b))) > 0)
			buf_add(err, b, (size_t)n);
		close(fd);
	}
	buf_add(err, "", 1);
}

/*
 * An input of n records with random verdicts, and what should come of
 * it: the kept and waiting ones in order, then the held ones in order;
 * the dropped ones in the dead-letter file, those dropped after a hold
 * last.  last: no final newline.
 */
static void
script_input(size_t n, int last, const char *mix, struct buf *in,
    struct buf *out, struct buf *held, struct buf *dl)
{
	struct buf	xs = { 0 };
	char		rec[1100];
	size_t		i, k, len, pad;
	char		c;

	for (i = 1; i <= n; i++) {
		c = mix[rnd() % strlen(mix)];
		pad = rnd() % 4 == 0 ? rnd_in(0, 990) : rnd_in(0, 40);
		len = (size_t)snprintf(rec, sizeof(rec), "%c%zu ", c, i);
		for (k = 0; k < pad; k++)
			rec[len++] = (char)('a' + rnd() % 26);
		if (!(last && i == n))
			rec[len++] = '\n';
		buf_add(in, rec, len);
		if (c == 'd')
			buf_add(dl, rec, len);
		else if (c == 'x')
			buf_add(&xs, rec, len);
		else if (c == 'h')
			buf_add(held, rec, len);
		else
			buf_add(out, rec, len);
	}
	/* Dropped after they were held: once input ended, behind the rest. */
	buf_add(dl, xs.p, xs.len);
	buf_free(&xs);
}

/* Free every buffer of a NULL-ended list. */
static void
bufs_free(struct buf *b, ...)
{
	va_list	ap;

	va_start(ap, b);
	for (; b != NULL; b = va_arg(ap, struct buf *))
		buf_free(b);
	va_end(ap);
}

static int
same(const struct buf *a, const struct buf *b)
{
	return (a->len == b->len && (a->len == 0 ||
	    memcmp(a->p, b->p, a->len) == 0));
}

static void
test_mix(const char *name, size_t nrec, const char *mix, uint64_t mem,
    size_t chunk, int pause_us, int last)
{
	struct buf	in = { 0 }, want = { 0 }, held = { 0 }, wdl = { 0 };
	struct buf	out = { 0 }, dl = { 0 }, err = { 0 };
	int		status;

	script_input(nrec, last, mix, &in, &want, &held, &wdl);
	if (last && held.len > 0 && want.len > 0 &&
	    want.p[want.len - 1] != '\n') {
		/* The unterminated last record comes after the held ones. */
		const char *t = memrchr(want.p, '\n', want.len);
		size_t keep = t != NULL ? (size_t)(t - want.p) + 1 : 0;
		struct buf tail = { 0 };

		buf_add(&tail, want.p + keep, want.len - keep);
		want.len = keep;
		buf_add(&want, held.p, held.len);
		buf_add(&want, tail.p, tail.len);
		buf_free(&tail);
	} else
		buf_add(&want, held.p, held.len);
	run(in.p, in.len, mem, chunk, pause_us, 0, 0, &out, &dl, &err,
	    &status);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: exit 0 (%d)%s%s", name, WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1, err.len > 1 ? ": " : "",
	    err.len > 1 ? err.p : "");
	ok(same(&out, &want), "%s: kept and waited records in order, then "
	    "the held ones (%zu bytes)", name, want.len);
	ok(same(&dl, &wdl), "%s: the dead-letter file holds the dropped "
	    "ones (%zu bytes)", name, wdl.len);
	ok(strstr(err.p, "dropped ") != NULL || wdl.len == 0,
	    "%s: drops said at exit", name);
	bufs_free(&in, &want, &held, &wdl, &out, &dl, &err, NULL);
}

/*
 * pf_engine_keep_fitting(): records that fit are kept unoffered, the
 * output is the input, and only those that did not fit (and waited) are
 * offered: with a fast reader few, with a slow one more.
 */
static void
test_fitting(const char *name, size_t nrec, const char *mix, size_t chunk,
    int pause_us, int last)
{
	struct buf	in = { 0 }, want = { 0 }, held = { 0 }, wdl = { 0 };
	struct buf	out = { 0 }, dl = { 0 }, err = { 0 };
	unsigned long long offered = 0;
	const char	*c;
	int		status;

	script_input(nrec, last, mix, &in, &want, &held, &wdl);
	fitting = 1;
	run(in.p, in.len, 4096, chunk, pause_us, 0, 0, &out, &dl, &err,
	    &status);
	fitting = 0;
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: exit 0 (%d)", name, WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1);
	if (strncmp(err.p, "offered ", 8) != 0)
		diag("%s", err.p);
	ok(same(&out, &want), "%s: the output is the input (%zu bytes)", name,
	    want.len);
	if ((c = strstr(err.p, "offered ")) != NULL)
		offered = strtoull(c + 8, NULL, 10);
	ok(c != NULL && offered < nrec / 2, "%s: %llu of %zu records offered",
	    name, offered, nrec);
	bufs_free(&in, &want, &held, &wdl, &out, &dl, &err, NULL);
}

/* A stop signal, and the reader going away, with records held. */
static void
test_stops(void)
{
	struct buf	in = { 0 }, want = { 0 }, held = { 0 }, wdl = { 0 };
	struct buf	out = { 0 }, dl = { 0 }, err = { 0 };
	unsigned long long rin, rout, rdrop, rpend;
	const char	*c;
	int		status;

	script_input(20000, 0, "kkhd", &in, &want, &held, &wdl);
	run(in.p, in.len, 4096, 4096, 200, 0, SIGTERM, &out, &dl, &err,
	    &status);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	    "SIGTERM with records held: killed by it (128+15)");
	c = strstr(err.p, "records received");
	ok(c != NULL && sscanf(c, "records received %llu, delivered %llu, "
	    "dropped %llu, pending %llu", &rin, &rout, &rdrop, &rpend) == 4 &&
	    rin == rout + rdrop + rpend && rpend == 0,
	    "SIGTERM: received = delivered + dropped, nothing pending");
	ok(out.len > 0 && out.p[out.len - 1] == '\n',
	    "SIGTERM: whole records out");
	bufs_free(&out, &dl, &err, NULL);

	run(in.p, in.len, 4096, 4096, 0, 20000, 0, &out, &dl, &err,
	    &status);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	    "reader gone with records held: SIGPIPE (141)");
	c = strstr(err.p, "records received");
	ok(c != NULL && sscanf(c, "records received %llu, delivered %llu, "
	    "dropped %llu, pending %llu", &rin, &rout, &rdrop, &rpend) == 4 &&
	    rin == rout + rdrop + rpend && rpend > 0,
	    "reader gone: the counts add up, held ones pending (%llu)",
	    c != NULL ? rpend : 0ULL);
	ok(strstr(err.p, "not delivered") != NULL,
	    "reader gone: the records not delivered are said");
	bufs_free(&in, &want, &held, &wdl, &out, &dl, &err, NULL);
}

/* A record over the limit: those before it out, held ones too; exit 3. */
static void
test_toolong(void)
{
	struct buf	in = { 0 }, want = { 0 }, held = { 0 }, wdl = { 0 };
	struct buf	out = { 0 }, dl = { 0 }, err = { 0 };
	char		big[1200];
	int		status;

	script_input(500, 0, "kkkkhdw", &in, &want, &held, &wdl);
	buf_add(&want, held.p, held.len);
	memset(big, 'k', sizeof(big));
	buf_add(&in, big, sizeof(big));
	buf_add(&in, "\nk tail\n", 8);
	run(in.p, in.len, 1 << 20, 65536, 0, 0, 0, &out, &dl, &err, &status);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	    "record 501 too long: exit 3");
	ok(strstr(err.p, "record 501: longer than") != NULL,
	    "too long: the message names record 501");
	ok(same(&out, &want) && same(&dl, &wdl),
	    "too long: every record before it out or dead-lettered");
	if (!same(&out, &want) || !same(&dl, &wdl))
		diag("out %zu want %zu, dead letters %zu want %zu", out.len,
		    want.len, dl.len, wdl.len);
	bufs_free(&in, &want, &held, &wdl, &out, &dl, &err, NULL);
}

int
main(int argc, char *argv[], char *envp[])
{
	const char	*tmp;
	char		 cmd[400];

	targc = argc;
	targv = argv;
	tenvp = envp;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/pf-engine.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();

	test_mix("keep only", 20000, "k", 1 << 20, 65536, 0, 0);
	test_mix("every verdict", 20000, "kkkkkkkkdhhwx", 1 << 20, 65536, 0,
	    0);
	test_mix("every verdict, -m 4K, slow reader", 3000, "kkkkdhwx", 4096,
	    512, 100, 0);
	test_mix("waits only, -m 1", 50, "w", 1, 65536, 0, 0);
	test_mix("waits woken by pf_engine_wake()", 3000, "kkWhw", 4096, 512,
	    0, 0);
	test_mix("waits woken only, unterminated last", 200, "W", 1 << 20,
	    65536, 0, 1);
	test_mix("unterminated last, held ones before it", 2000, "kdh",
	    1 << 20, 65536, 0, 1);
	test_mix("drops only", 5000, "d", 4096, 65536, 0, 0);
	test_fitting("keep fitting, fast reader", 20000, "k", 65536, 0, 0);
	test_fitting("keep fitting, slow reader, unterminated last", 5000,
	    "kkkkw", 512, 100, 1);
	test_stops();
	test_toolong();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return (done());
}
