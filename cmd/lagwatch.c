/* SPDX-License-Identifier: ISC */
/*
 * lagwatch: an inline meter that names the bottleneck.
 *
 * Data passes through the engine unchanged (spliced in --bytes mode while
 * nothing waits).  The engine already measures time spent waiting for
 * input and blocked on output; lagwatch adds record ages (--time-field),
 * stalls, a live line on a terminal or periodic lines to a log, and at
 * exit the verdict: which side held the pipeline back.  With --watch it
 * shows every stage's status file instead (lagwatch-watch.c).
 */
#include "config.h"

#include <sys/ioctl.h>

#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "engine.h"
#include "tool.h"
#include "lagwatch.h"

enum {
	OPT_AGE_TARGET = PF_OPT_TOOL,
	OPT_CHECK,
	OPT_FORMAT,
	OPT_LOG,
	OPT_ONCE,
	OPT_STALL,
	OPT_TIME_FIELD,
	OPT_TIME_FORMAT,
	OPT_WATCH
};

enum fmt { FMT_TEXT, FMT_JSON, FMT_PROM };

#define SPARK		16		/* intervals in the sparkline */
#define TTY_EVERY	(200 * PF_MSEC)	/* at most 5 redraws a second */

struct lagwatch {
	const char	*stage;
	struct pf_field	 field;
	int		 has_field;
	enum pf_timefmt	 tfmt;
	struct pf_timememo memo;	/* what the next time may share */
	uint64_t	 age_target;
	uint64_t	 stall;
	uint64_t	 interval;
	enum fmt	 fmt;
	FILE		*log;
	int		 tty;
	int		 color;
	int		 utf8;
	int		 quiet;
	int		 verbose;

	int64_t		 wall_off;	/* wall minus monotonic, ns */
	struct pf_hist	 iv;		/* ages of this interval */
	struct pf_hist	 last;		/* of the last whole one */
	int		 has_last;
	struct pf_hist	 all;
	double		 age_sum;	/* of every timed record, seconds */
	uint64_t	 age_count;
	uint64_t	 last_age;
	uint64_t	 no_time;

	uint64_t	 iv_start;	/* the interval's counters at start */
	struct pf_counters iv_c;
	double		 rate_in, rate_out, brate_out;
	double		 spark[SPARK];
	int		 nspark;
	uint64_t	 stalls;
	uint64_t	 stall_since;
	int		 stalled;
	uint64_t	 stall_out;
	int		 drawn;
	uint64_t	 drawn_at;
};

static void	 usage(void) __attribute__((noreturn));
static enum pf_verdict lw_record(void *, struct pf_engine *,
		     const struct pf_record *, uint64_t, int *, uint64_t *);
static double	 lw_pressure(void *, struct pf_engine *);
static void	 lw_tick(void *, struct pf_engine *, uint64_t, int);
static void	 lw_metrics(FILE *, const char *, void *);
static void	 lw_roll(struct lagwatch *, struct pf_engine *, uint64_t);
static void	 lw_stall(struct lagwatch *, struct pf_engine *, uint64_t);
static void	 lw_line(struct lagwatch *, struct pf_engine *, uint64_t, int);
static void	 lw_tty(struct lagwatch *, struct pf_engine *, uint64_t, int);
static const char *lw_verdict(const struct pf_counters *, uint64_t,
		     double *, double *);
static char	*lw_num(char *, size_t, double);

static const struct option longopts[] = {
	{ "age-target",		required_argument, NULL, OPT_AGE_TARGET },
	{ "check",		no_argument,	NULL, OPT_CHECK },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "interval",		required_argument, NULL, 'i' },
	{ "log",		required_argument, NULL, OPT_LOG },
	{ "once",		no_argument,	NULL, OPT_ONCE },
	{ "separator",		required_argument, NULL, 't' },
	{ "stall",		required_argument, NULL, OPT_STALL },
	{ "time-field",		required_argument, NULL, OPT_TIME_FIELD },
	{ "time-format",	required_argument, NULL, OPT_TIME_FORMAT },
	{ "watch",		no_argument,	NULL, OPT_WATCH },
	PF_OPTS_LONG,
	{ NULL,			0,		NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s [-hqVvz] [-i DUR] [-o FILE] [-t SEP] [--bytes] "
	    "[--format FMT]\n"
	    "                [--log FILE] [--time-field FIELD] "
	    "[--time-format FMT]\n"
	    "                [--age-target DUR] [--stall DUR] [options] "
	    "[FILE]\n"
	    "       %s --watch [--once] [--check] [--format FMT] [DIR]\n"
	    "Pass data through unchanged and measure it: rates, waits, "
	    "record ages,\nand at exit which side held the pipeline back.\n\n"
	    "  -i, --interval DUR      report every DUR (default 1s)\n"
	    "      --format FMT        text (default), json or prom\n"
	    "      --log FILE          append reports to FILE, not stderr\n"
	    "      --time-field FIELD  a record's time: N or .json.path\n"
	    "  -t, --separator SEP     field separator (default: blanks)\n"
	    "      --time-format FMT   epoch (default), epoch-ms, epoch-us or "
	    "rfc3339\n"
	    "      --age-target DUR    records older than DUR raise pressure\n"
	    "      --stall DUR         no output for DUR while data waits is "
	    "a stall (5s)\n"
	    "      --watch             show every stage's status instead\n"
	    "      --once              with --watch: one snapshot, then exit\n"
	    "      --check             with --watch: exit 3 on a saturated or "
	    "stalled stage\n"
	    "%s\n"
	    "See lagwatch(1) and pipeflow(7).\n", getprogname(),
	    getprogname(), pf_opts_help);
	exit(0);
}


/* A record went by: how old is it?  It passes whatever the answer. */
static enum pf_verdict
lw_record(void *arg, struct pf_engine *eng, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct lagwatch	*lw = arg;
	const char	*v, *e;
	size_t		 vlen;
	int64_t		 t, wall;

	(void)eng;
	(void)reason;
	(void)wake;
	if (!lw->has_field)
		return (PF_KEEP);
	if (pf_field_get(&lw->field, r->data, r->len, &v, &vlen) != 1 ||
	    pf_time_parse_memo(&lw->memo, v, vlen, lw->tfmt, &t, &e) == -1) {
		lw->no_time++;
		return (PF_KEEP);
	}
	wall = (int64_t)now + lw->wall_off;
	lw->last_age = t < wall ? (uint64_t)(wall - t) : 0;
	pf_hist_add(&lw->iv, lw->last_age);	/* into all at its end */
	lw->age_sum += (double)lw->last_age / 1e9;
	lw->age_count++;
	return (PF_KEEP);
}

static double
lw_pressure(void *arg, struct pf_engine *e)
{
	struct lagwatch	*lw = arg;
	double		 p, f;

	if (lw->stalled)
		return (1);
	/*
	 * The small buffer of a meter fills with every read whatever the
	 * pipeline does: downstream pressure shows in its pipe.
	 */
	p = pf_engine_pipe_fill(e, 1);
	if (p < 0)
		p = 0;
	if (lw->age_target > 0 &&
	    (f = (double)lw->last_age / lw->age_target) > p)
		p = f;
	return (p > 1 ? 1 : p);
}

/* A stall: data waits and nothing has left for --stall. */
static void
lw_stall(struct lagwatch *lw, struct pf_engine *e, uint64_t now)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	char				 d[16];

	if (lw->stall == 0)
		return;
	if (c->bytes_out != lw->stall_out ||
	    pf_engine_unsent(e) == 0) {
		lw->stall_out = c->bytes_out;
		lw->stall_since = now;
		lw->stalled = 0;
		return;
	}
	if (!lw->stalled && now - lw->stall_since >= lw->stall) {
		lw->stalled = 1;
		lw->stalls++;
		if (lw->verbose) {
			pf_format_duration(d, sizeof(d), now - lw->stall_since);
			warnx("stall: nothing delivered for %s while data "
			    "waits", d);
		}
	}
}

/* Close an interval: its rates, and a point for the sparkline. */
static void
lw_roll(struct lagwatch *lw, struct pf_engine *e, uint64_t now)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	double				 s;

	s = (double)(now - lw->iv_start) / PF_NSEC;
	if (s <= 0)
		s = 1e-9;
	lw->rate_in = (c->records_in - lw->iv_c.records_in) / s;
	lw->rate_out = (c->records_out - lw->iv_c.records_out) / s;
	lw->brate_out = (c->bytes_out - lw->iv_c.bytes_out) / s;
	if (lw->nspark == SPARK) {
		memmove(lw->spark, lw->spark + 1, (SPARK - 1) *
		    sizeof(lw->spark[0]));
		lw->nspark--;
	}
	lw->spark[lw->nspark++] = lw->brate_out;
}

static char *
lw_num(char *buf, size_t len, double v)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.1fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return (buf);
}

static const char *
lw_verdict(const struct pf_counters *c, uint64_t now, double *fi, double *fo)
{
	double	el = (double)(now - c->start_ns);

	*fi = el > 0 ? c->input_wait_ns / el : 0;
	*fo = el > 0 ? c->output_wait_ns / el : 0;
	if (*fo >= 0.5 && *fo > *fi)
		return ("downstream-bound");
	if (*fi >= 0.5)
		return ("upstream-bound");
	return ("balanced");
}

/* One report line (or object) for the log, or the final one. */
static void
lw_line(struct lagwatch *lw, struct pf_engine *e, uint64_t now, int final)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	const struct pf_hist		*h = final ? &lw->all : &lw->iv;
	const char			*v;
	char				 a[4][16], r[3][16], b[2][16], d[16];
	double				 fi, fo, el;
	int				 i;
	static const double		 q[4] = { 0.5, 0.95, 0.99, 1 };

	el = (double)(now - c->start_ns) / PF_NSEC;
	v = lw_verdict(c, now, &fi, &fo);
	for (i = 0; i < 4; i++)
		pf_format_duration(a[i], sizeof(a[i]),
		    pf_hist_quantile(h, q[i]));
	switch (lw->fmt) {
	case FMT_JSON:
		fprintf(lw->log, "{\"stage\":\"%s\",\"time\":%.3f,"
		    "\"final\":%s,\"elapsed\":%.3f,\"records_in\":%llu,"
		    "\"records_out\":%llu,\"bytes_in\":%llu,"
		    "\"bytes_out\":%llu,\"in_rate\":%.1f,\"out_rate\":%.1f,"
		    "\"bytes_rate\":%.1f,\"input_wait\":%.4f,"
		    "\"output_wait\":%.4f,\"output_pipe_fill\":%.3f,"
		    "\"state\":\"%s\",\"stalls\":%llu,\"no_time\":%llu",
		    lw->stage, pf_clock_wall(), final ? "true" : "false", el,
		    (unsigned long long)c->records_in,
		    (unsigned long long)c->records_out,
		    (unsigned long long)c->bytes_in,
		    (unsigned long long)c->bytes_out,
		    final ? c->records_in / (el > 0 ? el : 1) : lw->rate_in,
		    final ? c->records_out / (el > 0 ? el : 1) : lw->rate_out,
		    final ? c->bytes_out / (el > 0 ? el : 1) : lw->brate_out,
		    fi, fo, pf_engine_pipe_fill(e, 1), pf_state_name(c->state),
		    (unsigned long long)lw->stalls,
		    (unsigned long long)lw->no_time);
		if (lw->has_field)
			fprintf(lw->log, ",\"age\":{\"count\":%llu,"
			    "\"p50\":%.6f,\"p95\":%.6f,\"p99\":%.6f,"
			    "\"max\":%.6f}",
			    (unsigned long long)pf_hist_count(h),
			    pf_hist_quantile(h, 0.5) / 1e9,
			    pf_hist_quantile(h, 0.95) / 1e9,
			    pf_hist_quantile(h, 0.99) / 1e9,
			    pf_hist_max(h) / 1e9);
		if (final)
			fprintf(lw->log, ",\"verdict\":{\"bound\":\"%s\","
			    "\"input_wait\":%.4f,\"output_wait\":%.4f}",
			    v, fi, fo);
		fprintf(lw->log, "}\n");
		break;
	case FMT_PROM:
		fprintf(lw->log, "pipeflow_records_in_total{stage=\"%s\","
		    "tool=\"lagwatch\"} %llu\n"
		    "pipeflow_records_out_total{stage=\"%s\","
		    "tool=\"lagwatch\"} "
		    "%llu\n"
		    "pipeflow_bytes_out_total{stage=\"%s\",tool=\"lagwatch\"} "
		    "%llu\n"
		    "pipeflow_input_wait_seconds_total{stage=\"%s\","
		    "tool=\"lagwatch\"} %.3f\n"
		    "pipeflow_output_wait_seconds_total{stage=\"%s\","
		    "tool=\"lagwatch\"} %.3f\n\n",
		    lw->stage, (unsigned long long)c->records_in, lw->stage,
		    (unsigned long long)c->records_out, lw->stage,
		    (unsigned long long)c->bytes_out, lw->stage,
		    c->input_wait_ns / 1e9, lw->stage, c->output_wait_ns / 1e9);
		break;
	case FMT_TEXT:
		pf_format_duration(d, sizeof(d), now - c->start_ns);
		lw_num(r[0], sizeof(r[0]), final ? c->records_out /
		    (el > 0 ? el : 1) : lw->rate_out);
		pf_format_size(b[0], sizeof(b[0]), (uint64_t)(final ?
		    c->bytes_out / (el > 0 ? el : 1) : lw->brate_out));
		lw_num(r[1], sizeof(r[1]), (double)c->records_out);
		pf_format_size(b[1], sizeof(b[1]), c->bytes_out);
		lw_num(r[2], sizeof(r[2]), (double)lw->no_time);
		fprintf(lw->log, "%s: %s%s rec/s %s/s, %s rec %s in %s; "
		    "wait in %.0f%% out %.0f%%; %s", getprogname(),
		    final ? "done: " : "", r[0], b[0], r[1], b[1], d,
		    fi * 100, fo * 100, pf_state_name(c->state));
		if (lw->has_field)
			fprintf(lw->log, "; age p50 %s p95 %s p99 %s max %s",
			    a[0], a[1], a[2], a[3]);
		if (lw->no_time > 0)
			fprintf(lw->log, "; %s without time", r[2]);
		if (lw->stalls > 0)
			fprintf(lw->log, "; %llu stalls",
			    (unsigned long long)lw->stalls);
		fputc('\n', lw->log);
		if (final) {
			if (fo >= fi)
				fprintf(lw->log, "%s: %s: blocked on output "
				    "%.0f%% of the time (waiting for input "
				    "%.0f%%)\n", getprogname(), v,
				    fo * 100, fi * 100);
			else
				fprintf(lw->log, "%s: %s: waiting for input "
				    "%.0f%% of the time (blocked on output "
				    "%.0f%%)\n", getprogname(), v,
				    fi * 100, fo * 100);
		}
		break;
	}
	fflush(lw->log);
}

/*
 * The live line's parts, most important first: the rate, the state, the
 * age, the count, the byte rate, the sparkline.  A line that would not
 * fit the terminal drops them from the end of this list, since a line
 * that wraps leaves a stale row at every redraw.
 */
enum lw_part { LP_STATE, LP_AGE, LP_COUNT, LP_BYTES, LP_SPARK, LP_N };

/* The width of the terminal on stderr, 0 if unknown. */
static int
lw_cols(void)
{
	struct winsize	ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == -1)
		return (0);
	return (ws.ws_col);
}

/* The live line on a terminal, redrawn in place. */
static void
lw_tty(struct lagwatch *lw, struct pf_engine *e, uint64_t now, int final)
{
	const struct pf_counters	*c = pf_engine_counters(e);
	static const char		*blocks[] = { " ", "\u2581", "\u2582",
					    "\u2583", "\u2584", "\u2585",
					    "\u2586", "\u2587", "\u2588" };
	static const char		 ascii[] = " .:-=+*#%";
	char				 r[2][16], b[16], a[16];
	char				 sp[SPARK * 4 + 1];
	char				 head[128];
	const char			*st, *on = "", *off = "";
	const struct pf_hist		*h;
	double				 max = 0;
	int				 i, k, cols, len, w[LP_N], show[LP_N];

	if (final) {
		if (lw->drawn)
			fprintf(stderr, "\r\033[K");
		lw->log = stderr;
		lw->fmt = FMT_TEXT;
		lw_line(lw, e, now, 1);
		return;
	}
	for (i = 0; i < lw->nspark; i++)
		if (lw->spark[i] > max)
			max = lw->spark[i];
	sp[0] = '\0';
	for (i = 0; i < lw->nspark; i++) {
		k = max > 0 ? (int)(lw->spark[i] / max * 8 + 0.5) : 0;
		if (lw->utf8)
			strlcat(sp, blocks[k], sizeof(sp));
		else {
			char one[2] = { ascii[k], '\0' };

			strlcat(sp, one, sizeof(sp));
		}
	}
	st = pf_state_name(c->state);
	if (lw->color && c->state == PF_STATE_SATURATED)
		on = "\033[31m";
	else if (lw->color && c->state != PF_STATE_NORMAL)
		on = "\033[33m";
	if (*on != '\0')
		off = "\033[0m";
	lw_num(r[0], sizeof(r[0]), lw->rate_out);
	lw_num(r[1], sizeof(r[1]), (double)c->records_out);
	pf_format_size(b, sizeof(b), (uint64_t)lw->brate_out);
	/* Just after a roll the interval is empty: show the last one. */
	h = pf_hist_count(&lw->iv) == 0 && lw->has_last ? &lw->last : &lw->iv;
	pf_format_duration(a, sizeof(a), pf_hist_quantile(h, 0.99));

	/* Each part's width on the screen; escapes and UTF-8 take none. */
	len = snprintf(head, sizeof(head), "%s: %s rec/s", lw->stage, r[0]);
	if (len < 0)
		return;
	if (len >= (int)sizeof(head))
		len = (int)sizeof(head) - 1;
	w[LP_BYTES] = (int)strlen(b) + 3;		/* " %s/s" */
	w[LP_COUNT] = (int)strlen(r[1]) + 7;		/* " | %s rec" */
	w[LP_STATE] = (int)strlen(st) + 3;		/* " | %s" */
	w[LP_SPARK] = lw->nspark > 0 ? lw->nspark + 1 : 0;
	w[LP_AGE] = lw->has_field ? (int)strlen(a) + 11 : 0;
	for (i = 0; i < LP_N; i++)
		show[i] = w[i] > 0;
	/* The last column stays free: writing there may wrap at once. */
	if ((cols = lw_cols()) > 0) {
		k = len;
		for (i = 0; i < LP_N; i++)
			k += w[i];
		for (i = LP_N - 1; i >= 0 && k > cols - 1; i--)
			if (show[i]) {
				show[i] = 0;
				k -= w[i];
			}
		if (len > cols - 1)
			len = cols > 1 ? cols - 1 : 0;
	}
	fprintf(stderr, "\r\033[K%.*s", len, head);
	if (show[LP_BYTES])
		fprintf(stderr, " %s/s", b);
	if (show[LP_COUNT])
		fprintf(stderr, " | %s rec", r[1]);
	if (show[LP_STATE])
		fprintf(stderr, " | %s%s%s", on, st, off);
	if (show[LP_SPARK])
		fprintf(stderr, " %s", sp);
	if (show[LP_AGE])
		fprintf(stderr, " | age p99 %s", a);
	fflush(stderr);
	lw->drawn = 1;
}

static void
lw_tick(void *arg, struct pf_engine *e, uint64_t now, int final)
{
	struct lagwatch	*lw = arg;

	lw_stall(lw, e, now);
	if (final || now - lw->iv_start >= lw->interval) {
		lw_roll(lw, e, now);
		pf_hist_merge(&lw->all, &lw->iv);
		if (!lw->tty && !final && !lw->quiet)
			lw_line(lw, e, now, 0);
		if (!final) {
			lw->iv_start = now;
			lw->iv_c = *pf_engine_counters(e);
			lw->last = lw->iv;
			lw->has_last = 1;
			pf_hist_reset(&lw->iv);
		}
	}
	if (final && lw->quiet)
		return;
	if (lw->tty) {
		/* Ticks may come faster to see stalls: redraw at most 5/s. */
		if (final || now - lw->drawn_at >= TTY_EVERY) {
			lw_tty(lw, e, now, final);
			lw->drawn_at = now;
		}
	} else if (final)
		lw_line(lw, e, now, 1);
}

static void
lw_metrics(FILE *f, const char *labels, void *arg)
{
	struct lagwatch		*lw = arg;
	const struct pf_hist	*h;
	static const double	 q[3] = { 0.5, 0.95, 0.99 };
	int			 i;

	/*
	 * A summary, as Prometheus reads one: quantiles of the last whole
	 * interval (the current one may have just begun; NaN when it had
	 * no timed record), _sum and _count over the whole run.  Without
	 * --time-field there are no ages: no family at all.
	 */
	if (lw->has_field) {
		h = lw->has_last ? &lw->last : &lw->iv;
		fprintf(f, "# HELP pipeflow_lagwatch_age_seconds Age of the "
		    "records as they pass.\n"
		    "# TYPE pipeflow_lagwatch_age_seconds summary\n");
		for (i = 0; i < 3; i++) {
			fprintf(f, "pipeflow_lagwatch_age_seconds{%s,"
			    "quantile=\"%g\"} ", labels, q[i]);
			if (pf_hist_count(h) == 0)
				fputs("NaN\n", f);
			else
				fprintf(f, "%.6f\n",
				    pf_hist_quantile(h, q[i]) / 1e9);
		}
		fprintf(f, "pipeflow_lagwatch_age_seconds_sum{%s} %.6f\n"
		    "pipeflow_lagwatch_age_seconds_count{%s} %llu\n",
		    labels, lw->age_sum, labels,
		    (unsigned long long)lw->age_count);
	}
	fprintf(f, "# HELP pipeflow_lagwatch_stalls_total Stalls seen.\n"
	    "# TYPE pipeflow_lagwatch_stalls_total counter\n"
	    "pipeflow_lagwatch_stalls_total{%s} %llu\n"
	    "# HELP pipeflow_lagwatch_untimed_records_total Records without "
	    "a parsable time.\n"
	    "# TYPE pipeflow_lagwatch_untimed_records_total counter\n"
	    "pipeflow_lagwatch_untimed_records_total{%s} %llu\n",
	    labels, (unsigned long long)lw->stalls, labels,
	    (unsigned long long)lw->no_time);
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct watch_opts	 w;
	struct lagwatch		 lw;
	const char		*errstr, *sep = NULL, *tfield = NULL;
	const char		*logf = NULL;
	const char		*lang;
	uint64_t		 tick, n;
	int			 ch, r, watch = 0, fmtset = 0, iset = 0;
	int			 stallset = 0;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&lw, 0, sizeof(lw));
	memset(&w, 0, sizeof(w));
	conf.tool = getprogname();
	pf_opts_init(&conf.opts);
	lw.interval = PF_NSEC;
	lw.stall = 5 * PF_NSEC;
	lw.tfmt = PF_TIME_EPOCH;

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "i:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'i':
			iset = 1;
			lw.interval = tool_duration("--interval", optarg);
			if (lw.interval < 10 * PF_MSEC)
				tool_badusage("--interval=%s: must be at "
				    "least 10ms", optarg);
			break;
		case 't':
			sep = optarg;
			break;
		case OPT_AGE_TARGET:
			lw.age_target = tool_duration("--age-target", optarg);
			if (lw.age_target == 0)
				tool_badusage("--age-target=%s: must be "
				    "positive", optarg);
			break;
		case OPT_CHECK:
			w.check = 1;
			break;
		case OPT_FORMAT:
			fmtset = 1;
			if (strcmp(optarg, "text") == 0)
				lw.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				lw.fmt = FMT_JSON;
			else if (strcmp(optarg, "prom") == 0)
				lw.fmt = FMT_PROM;
			else
				tool_badusage("--format=%s: must be text, "
				    "json or prom", optarg);
			break;
		case OPT_LOG:
			logf = optarg;
			break;
		case OPT_ONCE:
			w.once = 1;
			break;
		case OPT_STALL:
			stallset = 1;
			lw.stall = tool_duration("--stall", optarg);
			break;
		case OPT_TIME_FIELD:
			tfield = optarg;
			break;
		case OPT_TIME_FORMAT:
			lw.tfmt = tool_timefmt(optarg);
			break;
		case OPT_WATCH:
			watch = 1;
			break;
		default:
			tool_option(&conf.opts, ch, optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;

	tool_options_done(&conf.opts, usage, argc, argv, 1);
	if (tfield != NULL) {
		if (conf.opts.framing == PF_FRAME_BYTES)
			tool_badusage("--time-field cannot be used with "
			    "--bytes");
		/* Else "" means blanks and the message names --time-field. */
		if (sep != NULL && (sep[0] == '\0' || sep[1] != '\0'))
			tool_badusage("--separator=%s: must be one character",
			    sep);
		if (pf_field_parse(&lw.field, tfield, sep, &errstr) == -1)
			tool_badusage("--time-field=%s: %s", tfield, errstr);
		lw.has_field = 1;
	} else if (sep != NULL)
		tool_badusage("--separator needs --time-field");
	if (lw.age_target > 0 && tfield == NULL)
		tool_badusage("--age-target needs --time-field");
	if ((w.once || w.check) && !watch)
		tool_badusage("--once and --check go with --watch");
	if (fmtset && lw.fmt == FMT_PROM && watch)
		tool_badusage("--watch --format: must be text or json");

	if (watch) {
		/* The meter's options mean nothing to the view. */
		if (tfield != NULL || logf != NULL || stallset ||
		    conf.opts.output != NULL || conf.opts.name != NULL ||
		    conf.opts.framing != PF_FRAME_LINE)
			tool_badusage("--watch takes only --once, --check, "
			    "--format, -i and a directory");
		w.dir = argc == 1 ? argv[0] : NULL;
		w.json = lw.fmt == FMT_JSON;
		w.interval_ns = iset ? lw.interval : 200 * PF_MSEC;
		w.color = tool_term_color();
		return (lagwatch_watch(&w));
	}

	if (argc == 1)
		conf.input = argv[0];
	lw.stage = conf.opts.name != NULL ? conf.opts.name : "lagwatch";
	lw.quiet = conf.opts.quiet;
	lw.verbose = conf.opts.verbose;
	lw.log = stderr;
	if (logf != NULL && (lw.log = fopen(logf, "ae")) == NULL)
		err(1, "--log: %s", logf);
	/*
	 * A live line only in the foreground of a terminal that can redraw
	 * it (not TERM=dumb): no log, no -q.
	 */
	lw.tty = !lw.quiet && logf == NULL && !fmtset &&
	    isatty(STDERR_FILENO) && tcgetpgrp(STDERR_FILENO) == getpgrp() &&
	    tool_term_capable();
	lw.color = tool_term_color();
	if ((lang = getenv("LC_ALL")) == NULL || *lang == '\0')
		if ((lang = getenv("LC_CTYPE")) == NULL || *lang == '\0')
			lang = getenv("LANG");
	lw.utf8 = lang != NULL && (strcasestr(lang, "utf-8") != NULL ||
	    strcasestr(lang, "utf8") != NULL);
	lw.wall_off = (int64_t)(pf_clock_wall() * 1e9) -
	    (int64_t)pf_clock_now();
	lw.iv_start = pf_clock_now();

	/* A meter buffers little: a pipe's worth, enough to keep up. */
	conf.queue.framing = conf.opts.framing;
	conf.queue.max_bytes = 1 << 20;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.queue.read_size = 1 << 20;
	conf.policy.pressure = lw_pressure;
	conf.policy.metrics = lw_metrics;
	conf.policy.tick = lw_tick;
	/*
	 * A tick every interval, or every nth of one so that reports still
	 * come each interval: often enough to redraw the live line, and to
	 * see a stall as short as --stall (stalls are looked for at ticks).
	 */
	tick = lw.interval;
	if (lw.tty && tick > TTY_EVERY)
		tick = TTY_EVERY;
	if (lw.stall > 0 && tick > lw.stall / 4)
		tick = lw.stall / 4 > 10 * PF_MSEC ? lw.stall / 4 :
		    10 * PF_MSEC;
	n = (lw.interval + tick - 1) / tick;
	conf.policy.tick_interval = (lw.interval + n - 1) / n;
	if (lw.has_field)
		conf.policy.record = lw_record;
	conf.look_only = 1;
	conf.policy.arg = &lw;
	r = pf_engine_run(&conf);
	if (lw.log != stderr && fclose(lw.log) == EOF && r == 0) {
		warn("--log: %s", logf);
		r = 1;
	}
	return (r);
}
