/* SPDX-License-Identifier: ISC */
/*
 * throttle: hold a stream to a rate of records and of bytes per second.
 *
 * Each limit is a token bucket (lib/bucket.c) in integers on the
 * monotonic clock; a record passes when every bucket holds enough for it,
 * else it waits (backpressure) or, with --mode drop, is dropped under the
 * reason "rate".  With -k each key gets buckets of its own in a bounded
 * table.  --adaptive moves the rates between --min-rate and the ceiling,
 * lowering them while downstream is pressed, and --control FILE, reread
 * on SIGHUP, changes the ceiling while the stage runs.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "aimd.h"
#include "bucket.h"
#include "engine.h"
#include "follow.h"
#include "keytab.h"
#include "optfile.h"
#include "tool.h"

#define TICK		(100 * PF_MSEC)
#define QUANTUM		(2 * PF_MSEC)	/* the shortest wait for tokens */
#define DEF_BURST	(100 * PF_MSEC)
#define DEF_KEYS	65536
#define DAY		PF_BUCKET_DAY

enum {
	OPT_ADAPTIVE = PF_OPT_TOOL,
	OPT_BURST,
	OPT_CONTROL,
	OPT_DEAD_LETTER,
	OPT_FOLLOW,
	OPT_MAX_KEYS,
	OPT_MIN_RATE,
	OPT_MODE
};

/* One limit: 0 records, 1 bytes.  Rates are tokens per day. */
struct lim {
	int		 on;
	uint64_t	 max;		/* -r, -B */
	uint64_t	 min;		/* --min-rate, 0: none */
	uint64_t	 cur;		/* now, between the two */
	uint64_t	 burst;		/* tokens, for cur */
	uint64_t	 quantum;	/* tokens worth a wakeup */
};

/* What a key (or the shared and overflow slots) holds. */
struct kb {
	struct pf_bucket b[2];
	uint64_t	 gen;		/* the rates it was set to */
};

struct throttle {
	struct lim	 lim[2];
	uint64_t	 burst_ns;	/* --burst */
	uint64_t	 gen;
	int		 drop, bytes, keyed, r_rate;
	struct pf_field	 field;
	struct pf_keytab *kt;
	struct kb	 one, nokey, over;
	uint64_t	 n_nokey, n_over;
	uint64_t	 delayed, wait_since, win_delayed, win_start;
	uint64_t	 due;		/* the waiting record's wake, 0: none */
	double		 pressure;
	uint64_t	 last_out;	/* --bytes: bytes out charged */
	struct pf_aimd	 aimd;		/* --adaptive */
	int		 adaptive, warned;
	struct pf_follow *fo;
	struct pf_statem *sm;
	const char	*control;
	int		 verbose, quiet;
};

static void	 usage(void) __attribute__((noreturn));
static int	 set_rate(struct lim *, const char *, int, const char **);
static int	 set_min(struct throttle *, const char *, const char **);
static void	 set_floor(struct throttle *);
static void	 apply(struct throttle *, uint64_t, int);
static void	 kb_sync(struct throttle *, struct kb *, uint64_t);
static struct kb *key_buckets(struct throttle *, const struct pf_record *,
		     uint64_t);
static enum pf_verdict th_record(void *, struct pf_engine *,
		     const struct pf_record *, uint64_t, int *, uint64_t *);
static size_t	 th_allow(void *, struct pf_engine *, uint64_t, uint64_t *);
static void	 th_tick(void *, struct pf_engine *, uint64_t, int);
static double	 th_pressure(void *, struct pf_engine *);
static void	 th_metrics(FILE *, const char *, void *);
static void	 th_reload(void *, struct pf_engine *);
static int	 read_control(struct throttle *, const char *, char *, size_t);

static const struct option longopts[] = {
	{ "adaptive",		no_argument,	   NULL, OPT_ADAPTIVE },
	{ "burst",		required_argument, NULL, OPT_BURST },
	{ "bytes-rate",		required_argument, NULL, 'B' },
	{ "control",		required_argument, NULL, OPT_CONTROL },
	{ "dead-letter",	required_argument, NULL, OPT_DEAD_LETTER },
	{ "follow",		required_argument, NULL, OPT_FOLLOW },
	{ "key",		required_argument, NULL, 'k' },
	{ "max-keys",		required_argument, NULL, OPT_MAX_KEYS },
	{ "min-rate",		required_argument, NULL, OPT_MIN_RATE },
	{ "mode",		required_argument, NULL, OPT_MODE },
	{ "rate",		required_argument, NULL, 'r' },
	{ "separator",		required_argument, NULL, 't' },
	PF_OPTS_LONG,
	{ NULL,			0,		   NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s [-hqVvz] [-r RATE] [-B RATE] [--burst DUR] "
	    "[--mode delay|drop]\n"
	    "              [-k FIELD [-t SEP] [--max-keys N]] [--adaptive "
	    "--min-rate RATE\n"
	    "              [--follow STATUSFILE]] [--control FILE] "
	    "[--dead-letter FILE]\n"
	    "              [options] [FILE]\n"
	    "Hold a stream to a rate of records and of bytes.\n\n"
	    "  -r, --rate RATE         at most RATE records (10k/s, 300/min)\n"
	    "  -B, --bytes-rate RATE   at most RATE bytes (20MB/s, 10MiB/s)\n"
	    "      --burst DUR         let through DUR worth of each rate at "
	    "once (100ms)\n"
	    "      --mode MODE         delay (default: backpressure) or drop\n"
	    "      --dead-letter FILE  append dropped records to FILE "
	    "(.zst: zstd)\n"
	    "  -k, --key FIELD         a rate for each key (N or .json.path)\n"
	    "  -t, --separator SEP     split fields on SEP (default blanks)\n"
	    "      --max-keys N        track at most N keys (default %d)\n"
	    "      --adaptive          lower the rate while downstream is "
	    "pressed\n"
	    "      --min-rate RATE     the lowest rate --adaptive goes to\n"
	    "      --follow FILE       downstream's status file, for "
	    "--adaptive\n"
	    "      --control FILE      -r, -B, --burst, --min-rate reread on "
	    "SIGHUP\n"
	    "%s\n"
	    "Rates as 10k/s 300/min (records) or 20MB/s 10MiB/s (bytes); "
	    "durations as\n250ms 5s.  See throttle(1) and pipeflow(7).\n",
	    getprogname(), DEF_KEYS, pf_opts_help);
	exit(0);
}

/* A rate into l, as tokens per day; bytes says which kind is wanted. */
static int
set_rate(struct lim *l, const char *s, int bytes, const char **errstr)
{
	uint64_t		 tok, per;
	unsigned __int128	 d;
	int			 isb;

	if (pf_parse_rate_exact(s, &tok, &per, &isb, errstr) == -1)
		return (-1);
	if (isb != bytes) {
		*errstr = bytes ? "not a byte rate (say B: 20MB/s)" :
		    "not a record rate (a byte rate goes to -B)";
		return (-1);
	}
	d = (unsigned __int128)tok * (DAY / per);
	if (d > UINT64_MAX) {
		*errstr = "too large";
		return (-1);
	}
	l->max = (uint64_t)d;
	l->on = 1;
	return (0);
}

/* --min-rate RATE: the floor of the limit of its kind. */
static int
set_min(struct throttle *t, const char *s, const char **errstr)
{
	struct lim	 m;
	uint64_t	 tok, per;
	int		 isb;

	if (pf_parse_rate_exact(s, &tok, &per, &isb, errstr) == -1)
		return (-1);
	if (!t->lim[isb].on) {
		*errstr = isb ? "a byte rate without -B" :
		    "a record rate without -r";
		return (-1);
	}
	if (set_rate(&m, s, isb, errstr) == -1)
		return (-1);
	t->lim[isb].min = m.max;
	return (0);
}

/*
 * The factor's floor: the lowest share of its ceiling that a limit's
 * --min-rate allows (a limit without one goes down with the others).
 */
static void
set_floor(struct throttle *t)
{
	unsigned __int128	 r;
	uint64_t		 f;
	int			 i;

	f = PF_AIMD_ONE;
	for (i = 0; i < 2; i++)
		if (t->lim[i].on && t->lim[i].min > 0) {
			r = (unsigned __int128)t->lim[i].min * PF_AIMD_ONE /
			    t->lim[i].max;
			if (r < f)
				f = (uint64_t)r;
		}
	pf_aimd_floor(&t->aimd, f);
}

/* The current rates from the factor, and their bursts; say: with -v. */
static void
apply(struct throttle *t, uint64_t now, int say)
{
	struct lim		*l;
	unsigned __int128	 c;
	uint64_t		 cur;
	int			 i;

	for (i = 0; i < 2; i++) {
		l = &t->lim[i];
		if (!l->on)
			continue;
		cur = (uint64_t)((unsigned __int128)l->max * t->aimd.f /
		    PF_AIMD_ONE);
		if (cur < l->min)
			cur = l->min;
		if (cur == 0)
			cur = 1;
		c = (unsigned __int128)cur * t->burst_ns / DAY;
		l->burst = c > 0 ? (uint64_t)c : 1;
		c = (unsigned __int128)cur * QUANTUM / DAY;
		l->quantum = c < 1 ? 1 : c > l->burst ? l->burst : (uint64_t)c;
		if (cur != l->cur && l->cur != 0 && t->verbose && say)
			warnx("%s rate now %.6g/s", i ? "byte" : "record",
			    (double)cur / 86400);
		l->cur = cur;
	}
	t->gen++;
	kb_sync(t, &t->one, now);
	kb_sync(t, &t->nokey, now);
	kb_sync(t, &t->over, now);
}

/* Bring a key's buckets to the current rates (a new key: full ones). */
static void
kb_sync(struct throttle *t, struct kb *k, uint64_t now)
{
	int	i;

	if (k->gen == t->gen)
		return;
	for (i = 0; i < 2; i++)
		if (t->lim[i].on && (k->gen == 0 ?
		    pf_bucket_init(&k->b[i], t->lim[i].cur, DAY,
		    t->lim[i].burst, now) :
		    pf_bucket_set(&k->b[i], t->lim[i].cur, DAY,
		    t->lim[i].burst, now)) == -1)
			abort();	/* DAY divides a day */
	k->gen = t->gen;
}

/*
 * The buckets of a record's key.  At --max-keys the least recently used
 * key is forgotten if its buckets are full (a new one starts full: no
 * token is gained); if not, a new key shares the overflow buckets until
 * one is.  So the keys never get more than max-keys + 2 rates in all.
 */
static struct kb *
key_buckets(struct throttle *t, const struct pf_record *r, uint64_t now)
{
	struct kb	*k, *lru;
	const char	*v;
	size_t		 vlen;
	int		 i, full;

	if (!t->keyed)
		return (&t->one);
	if (pf_field_get(&t->field, r->data, r->len, &v, &vlen) != 1) {
		t->n_nokey++;
		return (&t->nokey);
	}
	if ((k = pf_keytab_get(t->kt, v, vlen, NULL)) == NULL &&
	    errno == ENOSPC && (lru = pf_keytab_lru(t->kt, NULL,
	    NULL)) != NULL) {
		kb_sync(t, lru, now);
		for (full = 1, i = 0; i < 2; i++)
			if (t->lim[i].on &&
			    pf_bucket_when(&lru->b[i], UINT64_MAX) > now)
				full = 0;
		if (full && pf_keytab_evict(t->kt) == 0)
			k = pf_keytab_get(t->kt, v, vlen, NULL);
	}
	if (k == NULL) {
		t->n_over++;
		return (&t->over);
	}
	kb_sync(t, k, now);
	return (k);
}

static enum pf_verdict
th_record(void *arg, struct pf_engine *e, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct throttle	*t = arg;
	struct kb	*k;
	uint64_t	 need[2], w, when = 0;
	int		 i;

	if (t->drop && t->r_rate < 0)
		t->r_rate = pf_engine_reason(e, "rate");
	k = key_buckets(t, r, now);
	need[0] = 1;
	need[1] = r->len + !r->unterminated;
	for (i = 0; i < 2; i++)
		if (t->lim[i].on &&
		    (w = pf_bucket_when(&k->b[i], need[i])) > now && w > when)
			when = w;
	if (when > now) {
		if (t->drop) {
			*reason = t->r_rate;
			return (PF_DROP);
		}
		if (t->wait_since == 0)
			t->wait_since = now;
		/*
		 * Wake when a quantum has come in, not for every token: the
		 * tokens are the same, fewer wakeups and writes carry them.
		 */
		for (i = 0; i < 2; i++)
			if (t->lim[i].on && (w = pf_bucket_when(&k->b[i],
			    need[i] > t->lim[i].quantum ? need[i] :
			    t->lim[i].quantum)) > when)
				when = w;
		*wake = t->due = when;
		return (PF_WAIT);
	}
	/* A record that waited is charged as of when it was due. */
	for (i = 0; i < 2; i++)
		if (t->lim[i].on)
			(void)pf_bucket_take_due(&k->b[i], need[i], now,
			    t->due);
	t->due = 0;
	if (t->wait_since != 0) {
		t->delayed += now - t->wait_since;
		t->wait_since = 0;
	}
	return (PF_KEEP);
}

/*
 * --bytes: what was written since is paid for (it was allowed, so the
 * bucket holds it), and what the bucket holds may go now.  An empty
 * bucket wakes when a write worth making is due.
 */
static size_t
th_allow(void *arg, struct pf_engine *e, uint64_t now, uint64_t *wake)
{
	struct throttle		*t = arg;
	struct pf_bucket	*b = &t->one.b[1];
	uint64_t		 out = pf_engine_counters(e)->bytes_out, n, q, p;
	int64_t			 lvl;

	if ((n = out - t->last_out) > 0)
		(void)pf_bucket_take(b, n, now);
	t->last_out = out;
	/* A write worth making: a quantum, or all that waits. */
	q = t->lim[1].quantum > 65536 ? t->lim[1].quantum : 65536;
	if (q > t->lim[1].burst)
		q = t->lim[1].burst;
	/*
	 * With nothing queued, input waits to be spliced: a whole quantum,
	 * but no more than half what the input pipe holds, or the pipe
	 * would fill and its writer wait while the tokens grow.
	 */
	if ((n = pf_queue_bytes(pf_engine_queue(e))) < q && n > 0)
		q = n;
	else if (n == 0 && (p = pf_engine_pipe_size(e, 0) / 2) > 0 && p < q)
		q = p;
	(void)pf_bucket_take(b, 0, now);
	if ((lvl = pf_bucket_level(b)) > 0 && (uint64_t)lvl >= q) {
		if (t->wait_since != 0) {
			t->delayed += now - t->wait_since;
			t->wait_since = 0;
		}
		return ((size_t)lvl);
	}
	if (t->wait_since == 0)
		t->wait_since = now;
	*wake = pf_bucket_when(b, q);
	return (0);
}

/*
 * Every tick: the share of time input was held back is the pressure;
 * with --adaptive, downstream's state moves the rate factor.
 */
static void
th_tick(void *arg, struct pf_engine *e, uint64_t now, int last)
{
	struct throttle		*t = arg;
	struct pf_follow_view	 v;
	enum pf_state		 st;
	uint64_t		 d, f;
	double			 fill, level;

	if (t->wait_since != 0) {
		t->delayed += now - t->wait_since;
		t->wait_since = now;
	}
	d = t->delayed - t->win_delayed;
	if (now > t->win_start)
		t->pressure = (double)d / (double)(now - t->win_start);
	if (t->pressure > 1)
		t->pressure = 1;
	t->win_delayed = t->delayed;
	t->win_start = now;
	if (t->drop && t->r_rate < 0)
		t->r_rate = pf_engine_reason(e, "rate");
	if (!t->adaptive || last)
		return;
	if (t->fo != NULL) {
		(void)pf_follow_poll(t->fo, now, &v);
		if (!v.known) {
			if (!t->warned++ && !t->quiet &&
			    !pf_engine_stopping(e))
				warnx("--follow: %s: the rate is held", v.why);
			return;
		}
		t->warned = 0;
		st = v.state;
		level = v.pressure;
	} else {
		if ((fill = pf_engine_pipe_fill(e, 1)) < 0) {
			if (!t->warned++ && !t->quiet)
				warnx("--adaptive: the output is not a pipe: "
				    "the rate is held");
			return;
		}
		(void)pf_statem_update(t->sm, fill, now);
		st = pf_statem_state(t->sm);
		level = fill;
	}
	f = t->aimd.f;
	/* -v tells of each cut and of the ceiling regained, not each step. */
	if (pf_aimd_step(&t->aimd, st, level, now))
		apply(t, now, t->aimd.f < f || t->aimd.f == PF_AIMD_ONE);
}

static double
th_pressure(void *arg, struct pf_engine *e)
{
	(void)e;
	return (((struct throttle *)arg)->pressure);
}

static void
th_metrics(FILE *fp, const char *labels, void *arg)
{
	struct throttle	*t = arg;
	static const char *unit[2] = { "records", "bytes" };
	int		 i;

	fprintf(fp, "# HELP pipeflow_throttle_rate The rate now, per "
	    "second.\n# TYPE pipeflow_throttle_rate gauge\n");
	for (i = 0; i < 2; i++)
		if (t->lim[i].on)
			fprintf(fp, "pipeflow_throttle_rate{%s,unit=\"%s\"} "
			    "%.9g\n", labels, unit[i],
			    (double)t->lim[i].cur / 86400);
	fprintf(fp, "# HELP pipeflow_throttle_burst Tokens a full bucket "
	    "holds.\n# TYPE pipeflow_throttle_burst gauge\n");
	for (i = 0; i < 2; i++)
		if (t->lim[i].on)
			fprintf(fp, "pipeflow_throttle_burst{%s,unit=\"%s\"} "
			    "%llu\n", labels, unit[i],
			    (unsigned long long)t->lim[i].burst);
	if (!t->keyed) {
		fprintf(fp, "# HELP pipeflow_throttle_tokens Tokens in the "
		    "bucket.\n# TYPE pipeflow_throttle_tokens gauge\n");
		for (i = 0; i < 2; i++)
			if (t->lim[i].on)
				fprintf(fp, "pipeflow_throttle_tokens{%s,"
				    "unit=\"%s\"} %lld\n", labels, unit[i],
				    (long long)pf_bucket_level(&t->one.b[i]));
	}
	fprintf(fp, "# HELP pipeflow_throttle_delayed_seconds_total Time "
	    "input was held back.\n"
	    "# TYPE pipeflow_throttle_delayed_seconds_total counter\n"
	    "pipeflow_throttle_delayed_seconds_total{%s} %.6f\n", labels,
	    (double)t->delayed / 1e9);
	if (!t->keyed)
		return;
	fprintf(fp, "# HELP pipeflow_throttle_keys Keys tracked.\n"
	    "# TYPE pipeflow_throttle_keys gauge\n"
	    "pipeflow_throttle_keys{%s} %zu\n"
	    "# HELP pipeflow_throttle_unkeyed_total Records without the key "
	    "field.\n# TYPE pipeflow_throttle_unkeyed_total counter\n"
	    "pipeflow_throttle_unkeyed_total{%s} %llu\n"
	    "# HELP pipeflow_throttle_overflow_total Records of new keys "
	    "past --max-keys.\n"
	    "# TYPE pipeflow_throttle_overflow_total counter\n"
	    "pipeflow_throttle_overflow_total{%s} %llu\n", labels,
	    pf_keytab_count(t->kt), labels,
	    (unsigned long long)t->n_nokey, labels,
	    (unsigned long long)t->n_over);
}

/*
 * The control file (lib/optfile.c): -r, -B, --burst and --min-rate.  All
 * or nothing: on any error the rates stay as they were and msg says why.
 */
static int
read_control(struct throttle *t, const char *path, char *msg, size_t len)
{
	struct throttle		 n = *t;
	struct pf_optfile_opt	 o[16];
	static char		 buf[PF_OPTFILE_MAX + 1];
	const char		*errstr, *w, *val;
	int			 i, nopt, kind;

	if ((nopt = pf_optfile_read(path, buf, sizeof(buf), o, 16, &errstr,
	    &w)) == -1) {
		snprintf(msg, len, "%s: %s%s%s", path, w ? w : "",
		    w ? ": " : "", errstr);
		return (-1);
	}
	for (i = 0; i < nopt; i++) {
		w = o[i].name;
		val = o[i].value;
		kind = strcmp(w, "-r") == 0 || strcmp(w, "--rate") == 0 ? 0 :
		    strcmp(w, "-B") == 0 || strcmp(w, "--bytes-rate") == 0 ?
		    1 : -1;
		errstr = NULL;
		if (kind >= 0) {
			if (!t->lim[kind].on)
				errstr = "not given on the command line";
			else
				(void)set_rate(&n.lim[kind], val, kind,
				    &errstr);
		} else if (strcmp(w, "--burst") == 0) {
			if (pf_parse_duration(val, &n.burst_ns,
			    &errstr) == 0 && n.burst_ns == 0)
				errstr = "must be positive";
		} else if (strcmp(w, "--min-rate") == 0) {
			if (!t->adaptive)
				errstr = "needs --adaptive";
			else
				(void)set_min(&n, val, &errstr);
		} else
			errstr = "not an option a control file may set";
		if (errstr != NULL) {
			snprintf(msg, len, "%s: %s %s: %s", path, w, val,
			    errstr);
			return (-1);
		}
	}
	for (kind = 0; kind < 2; kind++)
		if (n.lim[kind].on && n.lim[kind].min > n.lim[kind].max) {
			snprintf(msg, len, "%s: --min-rate above the rate",
			    path);
			return (-1);
		}
	for (kind = 0; kind < 2; kind++) {
		t->lim[kind].max = n.lim[kind].max;
		t->lim[kind].min = n.lim[kind].min;
	}
	t->burst_ns = n.burst_ns;
	if (t->adaptive)
		set_floor(t);
	return (0);
}

static void
th_reload(void *arg, struct pf_engine *e)
{
	struct throttle	*t = arg;
	char		 msg[512];

	(void)e;
	if (read_control(t, t->control, msg, sizeof(msg)) == -1) {
		warnx("--control: %s: the rates stay as they were", msg);
		return;
	}
	if (t->verbose)
		warnx("--control: %s read", t->control);
	apply(t, pf_clock_now(), 1);
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct throttle		 t;
	const char		*errstr, *sep = NULL, *key = NULL;
	const char		*minrate[2] = { NULL, NULL }, *follow = NULL;
	char			 msg[512];
	uint64_t		 maxkeys = DEF_KEYS, now;
	int			 ch, i, keysset = 0;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&t, 0, sizeof(t));
	conf.tool = getprogname();
	pf_opts_init(&conf.opts);
	t.burst_ns = DEF_BURST;
	t.r_rate = -1;
	pf_aimd_init(&t.aimd, 0);

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "B:k:r:t:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'B':
			if (set_rate(&t.lim[1], optarg, 1, &errstr) == -1)
				tool_badusage("--bytes-rate=%s: %s", optarg,
				    errstr);
			break;
		case 'k':
			key = optarg;
			break;
		case 'r':
			if (set_rate(&t.lim[0], optarg, 0, &errstr) == -1)
				tool_badusage("--rate=%s: %s", optarg, errstr);
			break;
		case 't':
			sep = optarg;
			break;
		case OPT_ADAPTIVE:
			t.adaptive = 1;
			break;
		case OPT_BURST:
			t.burst_ns = tool_duration("--burst", optarg);
			if (t.burst_ns == 0)
				tool_badusage("--burst=%s: must be positive",
				    optarg);
			break;
		case OPT_CONTROL:
			t.control = optarg;
			break;
		case OPT_DEAD_LETTER:
			conf.dead_letter = optarg;
			break;
		case OPT_FOLLOW:
			follow = optarg;
			break;
		case OPT_MAX_KEYS:
			if (pf_parse_count(optarg, 1, PF_KEYTAB_MAXKEYS,
			    &maxkeys, &errstr) == -1)
				tool_badusage("--max-keys=%s: %s", optarg,
				    errstr);
			keysset = 1;
			break;
		case OPT_MIN_RATE:
			/* Which limit it floors is known at the end. */
			minrate[strchr(optarg, 'B') != NULL] = optarg;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "delay") == 0)
				t.drop = 0;
			else if (strcmp(optarg, "drop") == 0)
				t.drop = 1;
			else
				tool_badusage("--mode=%s: must be delay or "
				    "drop", optarg);
			break;
		default:
			tool_option(&conf.opts, ch, optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;

	tool_options_done(&conf.opts, usage, argc, argv, 1);
	if (argc == 1)
		conf.input = argv[0];
	t.bytes = conf.opts.framing == PF_FRAME_BYTES;
	if (!t.lim[0].on && !t.lim[1].on)
		tool_badusage("a rate is needed: -r RATE or -B RATE");
	if (t.bytes && t.lim[0].on)
		tool_badusage("--rate cannot be used with --bytes (no "
		    "records): use -B");
	if (t.bytes && key != NULL)
		tool_badusage("--key cannot be used with --bytes");
	if (t.bytes && t.drop)
		tool_badusage("--mode drop cannot be used with --bytes");
	if (conf.dead_letter != NULL && !t.drop)
		tool_badusage("--dead-letter needs --mode drop");
	if (key == NULL && (sep != NULL || keysset))
		tool_badusage("%s needs --key", sep != NULL ? "--separator" :
		    "--max-keys");
	if (t.adaptive && minrate[0] == NULL && minrate[1] == NULL)
		tool_badusage("--adaptive needs --min-rate");
	if (!t.adaptive && (minrate[0] != NULL || minrate[1] != NULL ||
	    follow != NULL))
		tool_badusage("%s needs --adaptive", follow != NULL ?
		    "--follow" : "--min-rate");
	for (i = 0; i < 2; i++) {
		if (minrate[i] == NULL)
			continue;
		if (set_min(&t, minrate[i], &errstr) == -1)
			tool_badusage("--min-rate=%s: %s", minrate[i], errstr);
		if (t.lim[i].min > t.lim[i].max)
			tool_badusage("--min-rate=%s: above the %s", minrate[i],
			    i ? "--bytes-rate" : "--rate");
	}
	if (key != NULL) {
		if (sep != NULL && (sep[0] == '\0' || sep[1] != '\0'))
			tool_badusage("--separator=%s: must be one character",
			    sep);
		if (pf_field_parse(&t.field, key, sep, &errstr) == -1)
			tool_badusage("--key=%s: %s", key, errstr);
		t.keyed = 1;
		if ((t.kt = pf_keytab_new(maxkeys, 0, sizeof(struct kb),
		    0)) == NULL)
			err(1, "key table");
	}
	/* At start the file may not be there yet. */
	if (t.control != NULL && access(t.control, F_OK) == 0 &&
	    read_control(&t, t.control, msg, sizeof(msg)) == -1)
		tool_badusage("--control: %s", msg);
	if (t.adaptive) {
		set_floor(&t);
		if (follow != NULL && (t.fo = pf_follow_new(follow,
		    TICK)) == NULL)
			err(1, "--follow");
		if ((t.sm = pf_statem_new(conf.opts.constrained,
		    conf.opts.saturated, conf.opts.settle)) == NULL)
			err(1, NULL);
	}
	t.verbose = conf.opts.verbose && !conf.opts.quiet;
	t.quiet = conf.opts.quiet;
	now = pf_clock_now();
	t.win_start = now;
	apply(&t, now, 0);

	/*
	 * What waits in the queue has been let through already, and follows
	 * a stall of downstream at once: so the queue holds about a burst.
	 */
	conf.queue.framing = conf.opts.framing;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.queue.read_size = 1 << 20;
	conf.queue.max_bytes = 1 << 20;
	if (!t.bytes && t.lim[1].on)
		conf.queue.max_bytes = t.lim[1].burst > 4096 ?
		    t.lim[1].burst : 4096;
	if (!t.bytes && t.lim[0].on)
		conf.queue.max_records = t.lim[0].burst;
	conf.drop_words = "--mode drop";
	conf.policy.pressure = th_pressure;
	conf.policy.metrics = th_metrics;
	conf.policy.tick = th_tick;
	conf.policy.tick_interval = TICK;
	if (t.bytes) {
		conf.policy.out_allow = th_allow;
		conf.policy.splice_allowed = 1;
	} else
		conf.policy.record = th_record;
	if (t.control != NULL)
		conf.policy.reload = th_reload;
	conf.policy.arg = &t;
	i = pf_engine_run(&conf);
	pf_keytab_free(t.kt);
	pf_follow_free(t.fo);
	if (t.sm != NULL)
		pf_statem_free(t.sm);
	return (i);
}
