/* SPDX-License-Identifier: ISC */
/*
 * lagwatch-watch.c: lagwatch --watch, a table of every stage that
 * publishes a status file, worst first.
 *
 * A pipeline's stages are separate processes that share nothing but their
 * status files, so the only dashboard that needs no daemon is one that
 * reads the status directory over and over.  The files are counters; the
 * rates come from two scans, as the change in records over the change in
 * the writer's own timestamp, so they do not depend on when we happen to
 * look.  A stage that died without removing its file would look frozen
 * rather than gone: one whose file is old or whose process no longer
 * exists is marked stale, and counts as stalled for --check.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/select.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeflow.h"
#include "follow.h"
#include "lagwatch.h"
#include "tool.h"

#define WATCH_INTERVAL	(200 * PF_MSEC)	/* default refresh */
#define WATCH_ONCE_MORE	(500 * PF_MSEC)	/* --once waits for rates */
#define WATCH_ONCE_POLL	(50 * PF_MSEC)

struct row {
	struct pf_stage	 st;
	double		 in_rate;	/* records/s, -1 unknown */
	double		 out_rate;
	int		 stale;
};

struct scan {
	struct row	*rows;		/* sorted by name, as scanned */
	struct row	**by;		/* worst first */
	size_t		 n;
	size_t		 skipped;
	double		 now;		/* wall clock */
};

static volatile sig_atomic_t	 got_stop, got_tstp;

static int	 watch_scan(const char *, const struct scan *, struct scan *);
static void	 watch_free(struct scan *);
static int	 watch_cmp(const void *, const void *);
static int	 watch_byname(const void *, const void *);
static int	 watch_severity(const struct row *);
static int	 watch_bad(const struct scan *);
static int	 watch_unrated(const struct scan *);
static void	 watch_table(FILE *, const struct scan *, int, int, int);
static void	 watch_json(FILE *, const char *, const struct scan *);
static void	 watch_jnum(FILE *, double, int);
static char	*watch_num(char *, size_t, double);
static int	 watch_flush(FILE *);
static int	 watch_live(const char *, const struct watch_opts *,
		     struct scan *);
static void	 watch_term(int);
static void	 watch_sleep(uint64_t, const sigset_t *);
static void	 watch_onsig(int);

/* Severity, then the stale and saturated ahead of everything else. */
static int
watch_severity(const struct row *r)
{
	switch (r->st.state) {
	case PF_STATE_SATURATED:
		return (3);
	case PF_STATE_RECOVERY:
		return (2);
	case PF_STATE_CONSTRAINED:
		return (1);
	default:
		return (0);
	}
}

static int
watch_cmp(const void *a, const void *b)
{
	const struct row	*x = *(const struct row *const *)a;
	const struct row	*y = *(const struct row *const *)b;
	int			 bx, by;

	bx = x->stale || x->st.state == PF_STATE_SATURATED;
	by = y->stale || y->st.state == PF_STATE_SATURATED;
	if (bx != by)
		return (by - bx);
	if (watch_severity(x) != watch_severity(y))
		return (watch_severity(y) - watch_severity(x));
	if (x->st.pressure != y->st.pressure)
		return (x->st.pressure < y->st.pressure ? 1 : -1);
	return (strcmp(x->st.name, y->st.name));
}

static int
watch_byname(const void *a, const void *b)
{
	const struct row	*x = a, *y = b;

	return (strcmp(x->st.name, y->st.name));
}

/*
 * Scan dir into cur, taking rates from prev (may be empty).  A file not
 * rewritten since prev keeps prev's rates; counters that went back (a
 * new stage under the same name) leave them unknown.
 */
static int
watch_scan(const char *dir, const struct scan *prev, struct scan *cur)
{
	struct pf_stage	*st;
	struct row	*r, key, *o;
	const char	*errstr;
	double		 t, dt;
	size_t		 i;

	memset(cur, 0, sizeof(*cur));
	if (pf_stage_scan(dir, &st, &cur->n, &cur->skipped, &errstr) == -1)
		return (-1);
	cur->now = pf_clock_wall();
	cur->rows = calloc(cur->n + 1, sizeof(*cur->rows));
	cur->by = calloc(cur->n + 1, sizeof(*cur->by));
	if (cur->rows == NULL || cur->by == NULL) {
		free(st);
		watch_free(cur);
		return (-1);
	}
	for (i = 0; i < cur->n; i++) {
		r = &cur->rows[i];
		r->st = st[i];
		r->in_rate = r->out_rate = -1;
		t = r->st.updated > 0 ? r->st.updated : r->st.mtime;
		r->stale = pf_follow_stale(&r->st, cur->now);
		cur->by[i] = r;

		memcpy(key.st.name, r->st.name, sizeof(key.st.name));
		o = prev->n == 0 ? NULL : bsearch(&key, prev->rows, prev->n,
		    sizeof(*prev->rows), watch_byname);
		if (o == NULL)
			continue;
		dt = t - (o->st.updated > 0 ? o->st.updated : o->st.mtime);
		if (dt == 0) {
			r->in_rate = o->in_rate;
			r->out_rate = o->out_rate;
		} else if (dt > 0 && r->st.records_in >= o->st.records_in &&
		    r->st.records_out >= o->st.records_out) {
			r->in_rate = (r->st.records_in - o->st.records_in) / dt;
			r->out_rate = (r->st.records_out -
			    o->st.records_out) / dt;
		}
	}
	free(st);
	qsort(cur->by, cur->n, sizeof(*cur->by), watch_cmp);
	return (0);
}

static void
watch_free(struct scan *s)
{
	free(s->rows);
	free(s->by);
	memset(s, 0, sizeof(*s));
}

/* --check: saturated or stale (a stale stage has stalled or died). */
static int
watch_bad(const struct scan *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (s->rows[i].stale ||
		    s->rows[i].st.state == PF_STATE_SATURATED)
			return (1);
	return (0);
}

static int
watch_unrated(const struct scan *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (!s->rows[i].stale && s->rows[i].in_rate < 0)
			return (1);
	return (0);
}

/* Records for people: "950", "1.2k", "34M"; "-" when unknown. */
static char *
watch_num(char *buf, size_t len, double v)
{
	static const char	 units[] = " kMGTPE";
	size_t			 u = 0;

	if (v < 0) {
		(void)snprintf(buf, len, "-");
		return (buf);
	}
	while (v >= 999.5 && u < sizeof(units) - 2) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		(void)snprintf(buf, len, v > 0 && v < 9.95 &&
		    v != (double)(uint64_t)v ? "%.1f" : "%.0f", v);
	else
		(void)snprintf(buf, len, v < 9.95 ? "%.1f%c" : "%.0f%c", v,
		    units[u]);
	return (buf);
}

/* The table's columns, and the order in which a narrow terminal drops them. */
enum { WC_STAGE, WC_TOOL, WC_STATE, WC_IN, WC_OUT, WC_BUF, WC_PIPE, WC_AGE,
    WC_DROPS, WC_N };
static const int	 watch_dropped[] = { WC_TOOL, WC_PIPE, WC_AGE, WC_BUF,
			     WC_DROPS, WC_OUT };
static const char	*watch_heads[WC_N] = { "STAGE", "TOOL", "STATE", "IN/s",
			     "OUT/s", "BUF%", "PIPE%", "AGE", "DROPS" };

/* The width the shown columns take, with a space between each two. */
static int
watch_width(const int *w, const int *show)
{
	int	i, t = -1;

	for (i = 0; i < WC_N; i++)
		if (show[i])
			t += w[i] + 1;
	return (t);
}

/* One line of the table: the shown columns of cell[], padded to w[]. */
static void
watch_line(FILE *fp, const int *w, const int *show, char cell[][72],
    const char *on)
{
	int	i, first = 1, l;

	for (i = 0; i < WC_N; i++) {
		if (!show[i])
			continue;
		if (!first)
			fputc(' ', fp);
		first = 0;
		l = (int)strlen(cell[i]);
		if (l > w[i])
			l = w[i];
		if (i <= WC_STATE) {
			/* Words to the left; the state in its colour. */
			if (i == WC_STATE && on != NULL)
				fprintf(fp, "%s%.*s\033[0m", on, l, cell[i]);
			else
				fprintf(fp, "%.*s", l, cell[i]);
			if (i != WC_N - 1)
				fprintf(fp, "%*s", w[i] - l, "");
		} else
			fprintf(fp, "%*.*s", w[i], l, cell[i]);
	}
	fputc('\n', fp);
}

/*
 * width is the terminal's (0: no limit) and rows how many stages fit (0:
 * all).  So that a line never wraps, long names are cut and, where that
 * is not enough, columns go: the tool, the pipe fill, the age, the buffer
 * fill, the drops, the output rate; the stage, its state and its input
 * rate stay.
 */
static void
watch_table(FILE *fp, const struct scan *s, int width, int rows, int color)
{
	const struct row	*r;
	const char		*state, *on;
	char			 cell[WC_N][72], name[sizeof(r->st.name)];
	size_t			 i, n, len, head;
	int			 w[WC_N] = { 5, 4, 17, 6, 6, 5, 5, 7, 6 };
	int			 show[WC_N], nw, l, k;

	for (i = 0; i < s->n; i++) {
		if ((l = (int)strlen(s->rows[i].st.name)) > w[WC_STAGE])
			w[WC_STAGE] = l;
		if ((l = (int)strlen(s->rows[i].st.tool)) > w[WC_TOOL])
			w[WC_TOOL] = l;
	}
	for (k = 0; k < WC_N; k++)
		show[k] = 1;
	nw = w[WC_STAGE];
	/* One column more keeps off the margin. */
	if (width > 0 && watch_width(w, show) > width - 1) {
		if (w[WC_TOOL] > 8)
			w[WC_TOOL] = 8;
		if (w[WC_STAGE] > 8)
			w[WC_STAGE] = 8;
		for (k = 0; k < (int)(sizeof(watch_dropped) /
		    sizeof(watch_dropped[0])) &&
		    watch_width(w, show) > width - 1; k++)
			show[watch_dropped[k]] = 0;
		if ((l = watch_width(w, show) - (width - 1)) > 0)
			w[WC_STAGE] = w[WC_STAGE] - l < 5 ? 5 : w[WC_STAGE] - l;
		if ((l = (width - 1) - watch_width(w, show)) > 0)
			w[WC_STAGE] = w[WC_STAGE] + l > nw ? nw :
			    w[WC_STAGE] + l;
	}
	nw = w[WC_STAGE];
	n = rows > 0 && (size_t)rows < s->n ? (size_t)rows - 1 : s->n;
	for (k = 0; k < WC_N; k++)
		(void)snprintf(cell[k], sizeof(cell[k]), "%s", watch_heads[k]);
	watch_line(fp, w, show, cell, NULL);
	for (i = 0; i < n; i++) {
		r = s->by[i];
		/* Names tend to differ at the end: cut in the middle. */
		if ((len = strlen(r->st.name)) > (size_t)nw) {
			head = ((size_t)nw - 1) / 2;
			(void)snprintf(name, sizeof(name), "%.*s~%s", (int)head,
			    r->st.name, r->st.name + len + head + 1 - nw);
		} else
			memcpy(name, r->st.name, sizeof(name));
		(void)snprintf(cell[WC_STAGE], sizeof(cell[0]), "%s", name);
		(void)snprintf(cell[WC_TOOL], sizeof(cell[0]), "%s",
		    r->st.tool);
		state = r->st.state < 0 ? "unknown" :
		    pf_state_name((enum pf_state)r->st.state);
		(void)snprintf(cell[WC_STATE], sizeof(cell[0]), "%s%s", state,
		    r->stale ? " stale" : "");
		if (r->st.buffer_capacity == 0)
			(void)snprintf(cell[WC_BUF], sizeof(cell[0]), "-");
		else
			(void)snprintf(cell[WC_BUF], sizeof(cell[0]), "%.0f%%",
			    100.0 * r->st.buffer_bytes / r->st.buffer_capacity);
		if (r->st.output_pipe_fill < 0)
			(void)snprintf(cell[WC_PIPE], sizeof(cell[0]), "-");
		else
			(void)snprintf(cell[WC_PIPE], sizeof(cell[0]), "%.0f%%",
			    100 * r->st.output_pipe_fill);
		pf_format_duration(cell[WC_AGE], sizeof(cell[0]),
		    (uint64_t)(r->st.oldest_age * PF_NSEC));
		watch_num(cell[WC_IN], sizeof(cell[0]), r->in_rate);
		watch_num(cell[WC_OUT], sizeof(cell[0]), r->out_rate);
		watch_num(cell[WC_DROPS], sizeof(cell[0]),
		    (double)r->st.dropped);
		on = !color ? NULL : r->stale ||
		    r->st.state == PF_STATE_SATURATED ? "\033[31m" :
		    watch_severity(r) > 0 ? "\033[33m" : NULL;
		watch_line(fp, w, show, cell, on);
	}
	if (n < s->n)
		fprintf(fp, "(%zu more)\n", s->n - n);
}


/* A number, or null when not known. */
static void
watch_jnum(FILE *fp, double v, int known)
{
	if (known)
		fprintf(fp, "%.6g", v);
	else
		fputs("null", fp);
}

static void
watch_json(FILE *fp, const char *dir, const struct scan *s)
{
	const struct pf_stage	*st;
	const struct row	*r;
	locale_t		 c, old = (locale_t)0;
	size_t			 i;

	/* JSON wants "0.5" whatever LC_NUMERIC says. */
	if ((c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)) != (locale_t)0)
		old = uselocale(c);
	fputs("{\"dir\":", fp);
	pf_json_string(fp, dir);
	fprintf(fp, ",\"time\":%.3f,\"skipped\":%zu,\"stages\":[", s->now,
	    s->skipped);
	for (i = 0; i < s->n; i++) {
		r = s->by[i];
		st = &r->st;
		fprintf(fp, "%s{\"stage\":", i > 0 ? "," : "");
		pf_json_string(fp, st->name);
		fputs(",\"tool\":", fp);
		pf_json_string(fp, st->tool);
		fputs(",\"state\":", fp);
		if (st->state < 0)
			fputs("null", fp);
		else
			pf_json_string(fp,
			    pf_state_name((enum pf_state)st->state));
		fprintf(fp, ",\"stale\":%s,\"pid\":", r->stale ? "true" :
		    "false");
		watch_jnum(fp, st->pid, st->pid > 0);
		fprintf(fp, ",\"records_in\":%ju,\"records_out\":%ju,"
		    "\"bytes_in\":%ju,\"bytes_out\":%ju,\"in_rate\":",
		    (uintmax_t)st->records_in, (uintmax_t)st->records_out,
		    (uintmax_t)st->bytes_in, (uintmax_t)st->bytes_out);
		watch_jnum(fp, r->in_rate, r->in_rate >= 0);
		fputs(",\"out_rate\":", fp);
		watch_jnum(fp, r->out_rate, r->out_rate >= 0);
		fprintf(fp, ",\"buffer_bytes\":%ju,\"buffer_capacity\":%ju,"
		    "\"buffer_fill\":", (uintmax_t)st->buffer_bytes,
		    (uintmax_t)st->buffer_capacity);
		watch_jnum(fp, st->buffer_capacity == 0 ? 0 :
		    (double)st->buffer_bytes / st->buffer_capacity,
		    st->buffer_capacity > 0);
		fputs(",\"output_pipe_fill\":", fp);
		watch_jnum(fp, st->output_pipe_fill, st->output_pipe_fill >= 0);
		fprintf(fp, ",\"pressure\":%.6g,\"oldest_age\":%.6g,"
		    "\"dropped\":%ju,\"updated\":%.3f}", st->pressure,
		    st->oldest_age, (uintmax_t)st->dropped, st->updated);
	}
	fputs("]}\n", fp);
	if (c != (locale_t)0) {
		(void)uselocale(old);
		freelocale(c);
	}
}

/*
 * 0, or 1 after a warning.  A reader that went away ends us as it would
 * any filter: by SIGPIPE, whatever the caller did with the signal.
 */
static int
watch_flush(FILE *fp)
{
	if (fflush(fp) == 0 && !ferror(fp))
		return (0);
	if (errno == EPIPE) {
		(void)signal(SIGPIPE, SIG_DFL);
		(void)raise(SIGPIPE);
	}
	warn("stdout");
	return (1);
}

/*
 * --once, --check, --format json, or stdout not a terminal: one snapshot.
 * The rates need a second scan: at least one interval later, and up to
 * WATCH_ONCE_MORE longer while a live stage has not rewritten its file
 * (rates still unknown then print as "-" or null).  --check exits 3 when
 * any stage is saturated or stale, since a stale stage has stalled or
 * died; constrained and recovery are 0, the pipeline still flows.
 */
int
lagwatch_watch(const struct watch_opts *o)
{
	struct scan	 prev, cur;
	struct timespec	 ts;
	char		 dir[PATH_MAX];
	uint64_t	 iv, until;
	int		 rc;

	iv = o->interval_ns > 0 ? o->interval_ns : WATCH_INTERVAL;
	if (pf_status_dir(dir, sizeof(dir), o->dir) == -1) {
		warn("%s", o->dir != NULL ? o->dir : "status directory");
		return (1);
	}
	memset(&prev, 0, sizeof(prev));
	if (watch_scan(dir, &prev, &cur) == -1) {
		warn("%s", dir);
		return (1);
	}
	/* The live view moves the cursor: not on a dumb terminal. */
	if (!o->once && !o->check && !o->json && isatty(STDOUT_FILENO) &&
	    tool_term_capable())
		return (watch_live(dir, o, &cur));

	/* Nothing to rate in an empty directory: answer at once. */
	until = pf_clock_now() + iv + WATCH_ONCE_MORE;
	while (cur.n > 0) {
		ts.tv_sec = (time_t)(iv / PF_NSEC);
		ts.tv_nsec = (long)(iv % PF_NSEC);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			continue;
		prev = cur;
		rc = watch_scan(dir, &prev, &cur);
		watch_free(&prev);
		if (rc == -1) {
			warn("%s", dir);
			return (1);
		}
		if (!watch_unrated(&cur) || pf_clock_now() >= until)
			break;
		iv = WATCH_ONCE_POLL;
	}

	if (o->json)
		watch_json(stdout, dir, &cur);
	else
		watch_table(stdout, &cur, 0, 0, 0);
	rc = watch_flush(stdout) ? 1 : o->check && watch_bad(&cur) ? 3 : 0;
	watch_free(&cur);
	return (rc);
}

static void
watch_onsig(int sig)
{
	if (sig == SIGTSTP)
		got_tstp = 1;
	else if (sig != SIGWINCH)
		got_stop = 1;
}

/* The alternate screen keeps the user's scrollback; no cursor on it. */
static void
watch_term(int on)
{
	fputs(on ? "\033[?1049h\033[?25l" : "\033[?25h\033[?1049l", stdout);
	(void)fflush(stdout);
}

/* Sleep, woken early by any of the signals we catch. */
static void
watch_sleep(uint64_t ns, const sigset_t *unblocked)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(ns / PF_NSEC);
	ts.tv_nsec = (long)(ns % PF_NSEC);
	(void)pselect(0, NULL, NULL, NULL, &ts, unblocked);
}

/*
 * The live table: redraw every interval from the top of the screen, each
 * line cleared to its end, the frame built in memory and written at once
 * so that it does not flicker.  The signals stay blocked but in pselect,
 * so one that comes while we draw is not lost.
 */
static int
watch_live(const char *dir, const struct watch_opts *o, struct scan *cur)
{
	static const int	 sigs[] = {
		SIGINT, SIGTERM, SIGTSTP, SIGWINCH
	};
	struct sigaction	 sa;
	struct winsize		 ws;
	struct scan		 prev;
	sigset_t		 mask, omask;
	FILE			*fp;
	char			*frame = NULL, *p, tbuf[16];
	char			 head[PATH_MAX + 160], skip[48];
	int			 hlen;
	size_t			 len = 0, i;
	struct tm		*tm;
	time_t			 t;
	int			 rc = 0, failed = 0, saturated, stale;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_onsig;
	sigemptyset(&mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		(void)sigaction(sigs[i], &sa, NULL);
		sigaddset(&mask, sigs[i]);
	}
	(void)sigprocmask(SIG_BLOCK, &mask, &omask);
	watch_term(1);
	while (!got_stop) {
		if (got_tstp) {
			/* Give the terminal back while we are stopped. */
			got_tstp = 0;
			watch_term(0);
			(void)signal(SIGTSTP, SIG_DFL);
			(void)sigprocmask(SIG_SETMASK, &omask, NULL);
			(void)raise(SIGTSTP);
			(void)sigprocmask(SIG_BLOCK, &mask, NULL);
			(void)sigaction(SIGTSTP, &sa, NULL);
			watch_term(1);
		}
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 ||
		    ws.ws_col == 0 || ws.ws_row < 4) {
			ws.ws_col = 80;
			ws.ws_row = 24;
		}
		if ((fp = open_memstream(&frame, &len)) == NULL) {
			warn("out of memory");
			rc = 1;
			break;
		}
		saturated = stale = 0;
		for (i = 0; i < cur->n; i++) {
			saturated += cur->rows[i].st.state ==
			    PF_STATE_SATURATED;
			stale += cur->rows[i].stale;
		}
		t = time(NULL);
		if ((tm = localtime(&t)) == NULL ||
		    strftime(tbuf, sizeof(tbuf), "%H:%M:%S", tm) == 0)
			tbuf[0] = '\0';
		/* The heading too stays off the last column. */
		skip[0] = '\0';
		if (cur->skipped > 0)
			(void)snprintf(skip, sizeof(skip), ", %zu unreadable",
			    cur->skipped);
		hlen = snprintf(head, sizeof(head),
		    "%.*s  %s  %zu %s, %d saturated, %d stale%s%s",
		    ws.ws_col > 60 ? ws.ws_col - 50 : 10, dir, tbuf, cur->n,
		    cur->n == 1 ? "stage" : "stages", saturated, stale, skip,
		    failed ? "  (cannot read the directory)" : "");
		if (hlen >= (int)sizeof(head))
			hlen = (int)sizeof(head) - 1;
		if (hlen > ws.ws_col - 1)
			hlen = ws.ws_col - 1;
		fprintf(fp, "%.*s\n", hlen < 0 ? 0 : hlen, head);
		/* The last line stays empty: writing it would scroll. */
		watch_table(fp, cur, ws.ws_col, ws.ws_row - 3, o->color);
		if (fclose(fp) != 0)
			break;
		/* Home, each line cleared to its end, then the rest. */
		fputs("\033[H", stdout);
		for (p = strtok(frame, "\n"); p != NULL; p = strtok(NULL, "\n"))
			printf("%s\033[K\n", p);
		fputs("\033[J", stdout);
		free(frame);
		frame = NULL;
		if (watch_flush(stdout)) {
			rc = 1;
			break;
		}
		watch_sleep(o->interval_ns > 0 ? o->interval_ns :
		    WATCH_INTERVAL, &omask);
		prev = *cur;
		/* A directory that goes away leaves an empty table. */
		failed = watch_scan(dir, &prev, cur) == -1;
		watch_free(&prev);
	}
	watch_free(cur);
	watch_term(0);
	(void)sigprocmask(SIG_SETMASK, &omask, NULL);
	return (rc);
}
