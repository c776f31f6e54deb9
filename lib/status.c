/* SPDX-License-Identifier: ISC */
/*
 * status.c: publish a stage's counters as a Prometheus text file.
 *
 * Each stage writes DIR/NAME.prom in the text exposition format 0.0.4, the
 * one node_exporter's textfile collector reads, so that the same file
 * serves lagwatch --watch, shed --follow, throttle --follow and Prometheus
 * without a daemon.  Readers must never see half a file: the text is built
 * in memory, written to a temporary file in the same directory and renamed
 * over the old one.  The temporary name does not end in ".prom", so the
 * textfile collector skips it.
 *
 * The directory is checked once at open and then used only through its
 * descriptor, so nobody can swap it for a symlink later; it must belong to
 * us and be closed to writes by others, since anyone who can write there
 * can feed lies to every reader.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"

#define STATUS_NAME_MAX		64
#define STATUS_SUFFIX		".prom"
#define STATUS_TMP_RANDOM	6	/* random characters in a temp name */
#define STATUS_TMP_TRIES	100
#define STATUS_LOCK_TRIES	10

struct pf_status {
	int			 dirfd;
	char			*file;		/* NAME.prom, under dirfd */
	char			*path;		/* DIR/NAME.prom */
	char			*labels;	/* escaped stage="",tool="" */
	char			*lock;		/* .NAME.lock, under dirfd */
	int			 lockfd;	/* flock()ed while we live */
	locale_t		 cloc;		/* C numbers, or (locale_t)0 */
	pf_status_extra_fn	*extra;
	void			*extra_arg;
};

static char	*status_concat(const char *, const char *, const char *);
static int	 status_lock(struct pf_status *, const char **);
static void	 status_free(struct pf_status *);
static void	 status_putesc(FILE *, const char *);
static void	 status_putdouble(FILE *, double);
static void	 status_putns(FILE *, uint64_t);
static void	 status_head(FILE *, const char *, const char *, const char *);
static void	 status_u64(FILE *, const struct pf_status *, const char *,
		    const char *, const char *, uint64_t);
static void	 status_double(FILE *, const struct pf_status *, const char *,
		    const char *, double);
static void	 status_seconds(FILE *, const struct pf_status *,
		    const char *, const char *, uint64_t);
static int	 status_format(struct pf_status *, const struct pf_counters *,
		    char **, size_t *);
static int	 status_tmpfile(struct pf_status *, char *, size_t);
static int	 status_writeall(int, const char *, size_t);

int
pf_status_valid_name(const char *name)
{
	size_t	i;
	int	ch;

	if (name == NULL)
		return (0);
	/* Explicit ranges: isalnum(3) would follow the locale. */
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= STATUS_NAME_MAX)
			return (0);
		ch = (unsigned char)name[i];
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-')
			continue;
		return (0);
	}
	return (i > 0);
}

/*
 * The rule of pf_status_open(), on its own so that a reader
 * (lagwatch --watch) finds the directory without creating it.  An empty
 * variable counts as unset; a relative $XDG_RUNTIME_DIR is ignored, as the
 * XDG base directory specification asks.
 */
int
pf_status_dir(char *buf, size_t len, const char *dir)
{
	const char	*env;
	int		 n;

	if (dir == NULL && (env = getenv("PIPEFLOW_STATUS_DIR")) != NULL &&
	    *env != '\0')
		dir = env;
	if (dir != NULL) {
		if (*dir == '\0') {
			errno = ENOENT;
			return (-1);
		}
		n = snprintf(buf, len, "%s", dir);
	} else if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env == '/')
		n = snprintf(buf, len, "%s/pipeflow", env);
	else
		n = snprintf(buf, len, "/tmp/pipeflow-%ju",
		    (uintmax_t)geteuid());
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/*
 * A tool of NULL means getprogname().  On failure *errstr (if errstr is
 * not NULL) names the problem: "invalid name", "cannot create directory",
 * "cannot open directory", "not a directory", "is a symbolic link",
 * "owned by another user" (EPERM), "writable by group or others" (EPERM),
 * "empty directory name" (ENOENT), "directory name too long"
 * (ENAMETOOLONG), "out of memory".  The caller owns the result;
 * free it with pf_status_close(), which also removes the file.
 */
struct pf_status *
pf_status_open(const char *dir, const char *name, const char *tool,
    const char **errstr)
{
	struct pf_status	*st = NULL;
	char			 path[PATH_MAX];
	const char		*e = "out of memory";
	FILE			*fp;
	size_t			 len;
	int			 serrno, ferr;

	if (!pf_status_valid_name(name)) {
		e = "invalid name";
		errno = EINVAL;
		goto fail;
	}
	if (tool == NULL && (tool = getprogname()) == NULL)
		tool = "pipeflow";
	if (pf_status_dir(path, sizeof(path), dir) == -1) {
		e = errno == ENAMETOOLONG ? "directory name too long" :
		    "empty directory name";
		goto fail;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		goto fail;
	st->dirfd = st->lockfd = -1;
	if ((st->dirfd = pf_privdir_open(path, PF_PRIVDIR_CREATE, &e)) == -1)
		goto fail;
	e = "out of memory";
	if ((st->file = status_concat(name, STATUS_SUFFIX, "")) == NULL ||
	    (st->lock = status_concat(".", name, ".lock")) == NULL)
		goto fail;
	if (status_lock(st, &e) == -1)
		goto fail;
	e = "out of memory";
	len = strlen(path);
	st->path = status_concat(path,
	    (len > 0 && path[len - 1] == '/') ? "" : "/", st->file);
	if (st->path == NULL)
		goto fail;

	/* Names are restricted, but the tool name and future ones are not. */
	if ((fp = open_memstream(&st->labels, &len)) == NULL)
		goto fail;
	fputs("stage=\"", fp);
	status_putesc(fp, name);
	fputs("\",tool=\"", fp);
	status_putesc(fp, tool);
	fputc('"', fp);
	ferr = ferror(fp);
	if (fclose(fp) != 0 || ferr) {
		errno = ENOMEM;
		goto fail;
	}

	/*
	 * The format wants "0.5" whatever LC_NUMERIC the tool runs under;
	 * without a C locale object we fall back to the process locale.
	 */
	st->cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return (st);

fail:
	serrno = errno;
	status_free(st);
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (NULL);
}

const char *
pf_status_path(const struct pf_status *st)
{
	return (st->path);
}

/*
 * The callback writes to the memory stream of the file being built, with
 * LC_NUMERIC set to "C" so that its %g prints a decimal point.
 */
void
pf_status_set_extra(struct pf_status *st, pf_status_extra_fn *fn, void *arg)
{
	st->extra = fn;
	st->extra_arg = arg;
}

/*
 * Build the whole file in memory first, so that a failure leaves the old
 * file in place and the new one is written with as few calls as possible.
 * No fsync: the file is rewritten every few hundred milliseconds and is
 * worthless after a crash, and fsync can block for seconds.
 */
int
pf_status_write(struct pf_status *st, const struct pf_counters *c)
{
	char	 tmp[1 + STATUS_NAME_MAX + sizeof(STATUS_SUFFIX) +
		    1 + STATUS_TMP_RANDOM + 1];
	char	*buf = NULL;
	size_t	 len = 0;
	int	 fd, serrno;

	if (status_format(st, c, &buf, &len) == -1)
		return (-1);
	if ((fd = status_tmpfile(st, tmp, sizeof(tmp))) == -1) {
		serrno = errno;
		free(buf);
		errno = serrno;
		return (-1);
	}
	if (status_writeall(fd, buf, len) == -1) {
		serrno = errno;
		(void)close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		serrno = errno;
		goto fail;
	}
	if (renameat(st->dirfd, tmp, st->dirfd, st->file) == -1) {
		serrno = errno;
		goto fail;
	}
	free(buf);
	return (0);

fail:
	(void)unlinkat(st->dirfd, tmp, 0);
	free(buf);
	errno = serrno;
	return (-1);
}

/* NULL-safe; keeps errno, so it can run on an error path or at exit. */
void
pf_status_close(struct pf_status *st)
{
	int	serrno = errno;

	if (st == NULL)
		return;
	if (st->dirfd != -1 && st->file != NULL)
		(void)unlinkat(st->dirfd, st->file, 0);
	/* Unlinked while still held: see status_lock(). */
	if (st->lockfd != -1)
		(void)unlinkat(st->dirfd, st->lock, 0);
	status_free(st);
	errno = serrno;
}

/* Free without touching the file: pf_status_open() may be failing. */
static void
status_free(struct pf_status *st)
{
	if (st == NULL)
		return;
	if (st->lockfd != -1)
		(void)close(st->lockfd);
	if (st->dirfd != -1)
		(void)close(st->dirfd);
	free(st->lock);
	if (st->cloc != (locale_t)0)
		freelocale(st->cloc);
	free(st->labels);
	free(st->path);
	free(st->file);
	free(st);
}

/*
 * One stage per name in a directory: hold an flock() on .NAME.lock for
 * as long as the status file lives.  A stage that exits unlinks the lock
 * before closing it, so a newcomer may have locked an unlinked file: it
 * checks that the name still leads to what it locked, else tries again.
 * Fails with EBUSY and "in use by another stage" while another holds it.
 */
static int
status_lock(struct pf_status *st, const char **errstr)
{
	struct stat	 a, b;
	int		 fd, i;

	for (i = 0; i < STATUS_LOCK_TRIES; i++) {
		fd = openat(st->dirfd, st->lock,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1) {
			*errstr = "cannot create the lock";
			return (-1);
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			(void)close(fd);
			if (errno == EWOULDBLOCK) {
				*errstr = "in use by another stage";
				errno = EBUSY;
			} else
				*errstr = "cannot lock";
			return (-1);
		}
		if (fstat(fd, &a) == 0 &&
		    fstatat(st->dirfd, st->lock, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			st->lockfd = fd;
			return (0);
		}
		(void)close(fd);
	}
	*errstr = "cannot lock";
	errno = EAGAIN;
	return (-1);
}

/* Returns a new string a b c, or NULL with errno set. */
static char *
status_concat(const char *a, const char *b, const char *c)
{
	size_t	 la = strlen(a), lb = strlen(b), lc = strlen(c);
	char	*p;

	if ((p = malloc(la + lb + lc + 1)) == NULL)
		return (NULL);
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	memcpy(p + la + lb, c, lc);
	p[la + lb + lc] = '\0';
	return (p);
}

/* A label value, escaped as the exposition format requires. */
static void
status_putesc(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '"':
			fputs("\\\"", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		default:
			fputc(*s, fp);
			break;
		}
	}
}

/*
 * The shortest of %.15g and %.17g that reads back as the same double:
 * "0.5" rather than "0.50000000000000000", yet no value is rounded.
 */
static void
status_putdouble(FILE *fp, double v)
{
	char	buf[32];

	if (isnan(v)) {
		fputs("NaN", fp);
		return;
	}
	if (isinf(v)) {
		fputs(v > 0 ? "+Inf" : "-Inf", fp);
		return;
	}
	(void)snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		(void)snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, fp);
}

/* Nanoseconds as exact decimal seconds, without trailing zeros. */
static void
status_putns(FILE *fp, uint64_t ns)
{
	uint64_t	frac = ns % PF_NSEC;
	int		digits = 9;

	fprintf(fp, "%" PRIu64, (uint64_t)(ns / PF_NSEC));
	if (frac == 0)
		return;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	fprintf(fp, ".%0*" PRIu64, digits, frac);
}

static void
status_head(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
status_u64(FILE *fp, const struct pf_status *st, const char *name,
    const char *type, const char *help, uint64_t v)
{
	status_head(fp, name, type, help);
	fprintf(fp, "%s{%s} %" PRIu64 "\n", name, st->labels, v);
}

/* A gauge given as a double. */
static void
status_double(FILE *fp, const struct pf_status *st, const char *name,
    const char *help, double v)
{
	status_head(fp, name, "gauge", help);
	fprintf(fp, "%s{%s} ", name, st->labels);
	status_putdouble(fp, v);
	fputc('\n', fp);
}

/* A counter of seconds kept in nanoseconds. */
static void
status_seconds(FILE *fp, const struct pf_status *st, const char *name,
    const char *help, uint64_t ns)
{
	status_head(fp, name, "counter", help);
	fprintf(fp, "%s{%s} ", name, st->labels);
	status_putns(fp, ns);
	fputc('\n', fp);
}

/*
 * Every family gets its HELP and TYPE lines even when it has no sample
 * this time (no drop reasons yet, output not a pipe), so readers see the
 * same set of families from every stage.  Sample lines carry no
 * timestamp: node_exporter refuses files that have them.
 */
static int
status_format(struct pf_status *st, const struct pf_counters *c, char **bufp,
    size_t *lenp)
{
	static const char *const pipe_names[2] = {
		"pipeflow_output_pipe_fill_ratio",
		"pipeflow_input_pipe_fill_ratio"
	};
	static const char *const pipe_helps[2] = {
		"Fill of the output pipe from 0 to 1, when it is a pipe.",
		"Fill of the input pipe from 0 to 1, when it is a pipe."
	};
	FILE		*fp;
	locale_t	 old = (locale_t)0;
	double		 fill[2];
	size_t		 i;
	int		 ferr, serrno;

	*bufp = NULL;
	*lenp = 0;
	if ((fp = open_memstream(bufp, lenp)) == NULL)
		return (-1);
	if (st->cloc != (locale_t)0)
		old = uselocale(st->cloc);

	status_u64(fp, st, "pipeflow_records_in_total", "counter",
	    "Records read from the input.", c->records_in);
	status_u64(fp, st, "pipeflow_bytes_in_total", "counter",
	    "Bytes read from the input.", c->bytes_in);
	status_u64(fp, st, "pipeflow_records_out_total", "counter",
	    "Records written to the output.", c->records_out);
	status_u64(fp, st, "pipeflow_bytes_out_total", "counter",
	    "Bytes written to the output.", c->bytes_out);

	status_head(fp, "pipeflow_records_dropped_total", "counter",
	    "Records dropped, by reason.");
	for (i = 0; i < PF_DROP_REASONS && c->drop_reason[i] != NULL; i++) {
		fprintf(fp, "pipeflow_records_dropped_total{%s,reason=\"",
		    st->labels);
		status_putesc(fp, c->drop_reason[i]);
		fprintf(fp, "\"} %" PRIu64 "\n", c->dropped[i]);
	}

	status_u64(fp, st, "pipeflow_records_coalesced_total", "counter",
	    "Records merged into an earlier record.", c->coalesced);
	status_u64(fp, st, "pipeflow_buffer_bytes", "gauge",
	    "Bytes held in the buffer.", c->buffer_bytes);
	status_u64(fp, st, "pipeflow_buffer_records", "gauge",
	    "Records held in the buffer.", c->buffer_records);
	status_u64(fp, st, "pipeflow_buffer_capacity_bytes", "gauge",
	    "Capacity of the buffer in bytes.", c->buffer_capacity);
	status_u64(fp, st, "pipeflow_spill_bytes", "gauge",
	    "Bytes held in spill files.", c->spill_bytes);
	status_double(fp, st, "pipeflow_pressure",
	    "Pressure from 0 to 1 that drives the saturation state.",
	    c->pressure);

	status_head(fp, "pipeflow_state", "gauge",
	    "Saturation state: 1 for the current state, 0 for the others.");
	for (i = 0; i < PF_NSTATES; i++)
		fprintf(fp, "pipeflow_state{%s,state=\"%s\"} %d\n", st->labels,
		    pf_state_name((enum pf_state)i), c->state == i);

	status_double(fp, st, "pipeflow_oldest_age_seconds",
	    "Age of the oldest buffered record, 0 if none.", c->oldest_age);
	status_seconds(fp, st, "pipeflow_input_wait_seconds_total",
	    "Time spent waiting for input.", c->input_wait_ns);
	status_seconds(fp, st, "pipeflow_output_wait_seconds_total",
	    "Time spent waiting for the output to accept data.",
	    c->output_wait_ns);

	/* Negative means "not a pipe"; NaN fails the test as well. */
	fill[0] = c->output_pipe_fill;
	fill[1] = c->input_pipe_fill;
	for (i = 0; i < 2; i++) {
		if (fill[i] >= 0)
			status_double(fp, st, pipe_names[i], pipe_helps[i],
			    fill[i]);
		else
			status_head(fp, pipe_names[i], "gauge", pipe_helps[i]);
	}

	status_double(fp, st, "pipeflow_updated_timestamp_seconds",
	    "When this file was written, in seconds since the epoch.",
	    pf_clock_wall());
	/* Asked each time: the stage may have forked since it opened. */
	status_u64(fp, st, "pipeflow_process_id", "gauge",
	    "Process id of the stage that writes this file.",
	    (uint64_t)getpid());
	status_head(fp, "pipeflow_build_info", "gauge",
	    "The pipeflow version, as a label; always 1.");
	fprintf(fp, "pipeflow_build_info{%s,version=\"", st->labels);
	status_putesc(fp, PACKAGE_VERSION);
	fputs("\"} 1\n", fp);

	if (st->extra != NULL)
		st->extra(fp, st->labels, st->extra_arg);

	if (old != (locale_t)0)
		(void)uselocale(old);
	/* A memory stream fails only when it cannot grow. */
	ferr = ferror(fp);
	if (fclose(fp) != 0 || ferr) {
		serrno = ferr ? ENOMEM : errno;
		free(*bufp);
		*bufp = NULL;
		errno = serrno;
		return (-1);
	}
	return (0);
}

/*
 * Create DIR/.NAME.prom.XXXXXX.  Mode 0644 (less the umask) so that a
 * collector running as another user can read it where the directory
 * allows.  O_EXCL makes a clash, or a planted symlink, fail with EEXIST;
 * try another name then.  Returns the descriptor and the name in tmp.
 */
static int
status_tmpfile(struct pf_status *st, char *tmp, size_t size)
{
	static const char	 chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char			*x;
	int			 fd, i, tries, n;

	n = snprintf(tmp, size, ".%s.%.*s", st->file, STATUS_TMP_RANDOM,
	    "XXXXXXXXXXXXXXXX");
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	x = tmp + n - STATUS_TMP_RANDOM;
	for (tries = 0; tries < STATUS_TMP_TRIES; tries++) {
		for (i = 0; i < STATUS_TMP_RANDOM; i++)
			x[i] = chars[arc4random_uniform(sizeof(chars) - 1)];
		fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd != -1 || errno != EEXIST)
			return (fd);
	}
	return (-1);
}

/* Write all of buf, retrying short writes and EINTR. */
static int
status_writeall(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}
