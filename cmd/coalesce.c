/* SPDX-License-Identifier: ISC */
/*
 * coalesce: latest-wins by key while downstream is backed up.
 *
 * While downstream takes records, they pass straight through the engine's
 * queue, in order, and no key is looked at.  When the queue cannot take
 * the next record, records go into a store (lib/recstore.c) that keeps
 * one record per key where the key first arrived: a newer record of a
 * held key replaces the older one in place (--keep last) or is merged
 * into it (--keep first), and records without the key keep their own
 * place.  As downstream drains, the store is handed back to the queue
 * oldest first; while anything is held, every new record goes behind it.
 * With --window every record is held, and the store is handed back whole
 * each time a window closes.
 *
 * The store is bounded by -m and --max-keys.  A record that does not fit
 * waits, and input with it, until downstream takes some: no key's latest
 * record is ever lost.  Every record merged into another is counted
 * (pipeflow_records_coalesced_total), so that received = delivered +
 * coalesced + pending at all times.
 *
 * Once the keys outgrow the CPU's caches, a lookup in the store costs
 * three loads from memory one after the other (its place in the index,
 * the record's header, its bytes), which is most of the time a record
 * takes.  So records on their way into the store pass through a short
 * line of CO_AHEAD copies first: each is hashed as it comes and what its
 * lookup will read is prefetched a level at a time as it moves along,
 * CO_STEP records apart, so that the loads of several records overlap;
 * it goes into the store at the end of the line.  A record enters the
 * line only if the store is sure to take it, with every record before it
 * a new key: the verdict (held) is given when it enters.  Anything that
 * looks at the store or must decide by it (handing records back, a
 * window closing, a record that may not fit) empties the line into the
 * store first, and records in the line count as held.
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
#include "engine.h"
#include "recstore.h"
#include "tool.h"

/*
 * The engine's queue, between the store and the output.  Records wait
 * for room in it, input with them, as long as downstream takes them: they
 * are held only once it is backed up, when the queue has not been less
 * than CO_BACKED full for CO_GRACE.  While a record waits, that is asked
 * again every CO_RECHECK.
 */
#define CO_QUEUE	(1U << 20)
#define CO_BACKED	0.5
#define CO_GRACE	(50 * PF_MSEC)
#define CO_RECHECK	(10 * PF_MSEC)
#define CO_ROOM		(64U << 10)	/* output room that is not backed up */
/* What -m charges a held record beyond its bytes and key. */
#define CO_OVERHEAD	64
/*
 * The line of records on their way into the store: CO_STEP records
 * between the levels of prefetching, room for the three levels, and at
 * most CO_STAGED bytes of a record and its key in it (longer ones go into
 * the store at once, not copied twice).
 */
#define CO_STEP		4
#define CO_AHEAD	(3 * CO_STEP)
#define CO_STAGED	2048

enum {
	OPT_KEEP = PF_OPT_TOOL,
	OPT_MAX_KEYS,
	OPT_WINDOW
};

/* A record in the line, its copy in a stage of the line's bytes. */
struct co_stage {
	uint64_t		 hash;		/* of its key */
	uint64_t		 recno;
	uint64_t		 t;
	uint32_t		 len;
	uint32_t		 koff;		/* the key's place in the record */
	uint32_t		 klen;
	int			 has;		/* whether it has the key */
};

struct coalesce {
	struct pf_field		 key;
	struct pf_recstore	*rs;
	uint64_t		 max_bytes;	/* -m */
	uint64_t		 max_keys;	/* --max-keys, 0: none */
	uint64_t		 window;	/* --window, 0: by pressure */
	int			 keep_first;
	int			 verbose;
	uint64_t		 keys;		/* held records with a key */
	uint64_t		 peak;		/* the most records held */
	uint64_t		 keyless;	/* looked at, lacking the key */
	uint64_t		 waits;		/* records that waited for room */
	uint64_t		 waited;	/* number of the last of them */
	uint64_t		 early;		/* windows closed by a bound */
	uint64_t		 looked;	/* number of the last looked at */
	int			 flushing;	/* a window closed: emptying */
	int			 waiting;	/* a record waits for the store */
	int			 qwait;		/* one waits for the queue */
	size_t			 qlen;		/* its length */
	uint64_t		 drained;	/* the queue last below half */
	int			 unterm;	/* input ended without terminator */

	struct co_stage		 line[CO_AHEAD];	/* a ring */
	char			*lbytes;	/* CO_AHEAD stages of CO_STAGED */
	unsigned int		 lfirst;	/* the oldest */
	unsigned int		 lcount;
	uint64_t		 lsize;		/* bytes of records and keys */
	uint64_t		 lkeyed;	/* records with the key */
};

static void		 usage(void) __attribute__((noreturn));
static int		 co_fits(const struct coalesce *, uint64_t, uint64_t,
			     int);
static enum pf_verdict	 co_wait(struct coalesce *, struct pf_engine *,
			     uint64_t, uint64_t *, int);
static int		 co_empty(const struct coalesce *);
static int		 co_stage(struct coalesce *, struct pf_engine *,
			     const struct pf_record *, const char *, size_t,
			     int);
static void		 co_store(struct coalesce *, struct pf_engine *);
static void		 co_flush(struct coalesce *, struct pf_engine *);
static enum pf_verdict	 co_record(void *, struct pf_engine *,
			     const struct pf_record *, uint64_t, int *,
			     uint64_t *);
static int		 co_pump(void *, struct pf_engine *, uint64_t);
static uint64_t		 co_held(void *, struct pf_engine *);
static double		 co_pressure(void *, struct pf_engine *);
static void		 co_tick(void *, struct pf_engine *, uint64_t, int);
static void		 co_metrics(FILE *, const char *, void *);

static const struct option longopts[] = {
	{ "keep",		required_argument, NULL, OPT_KEEP },
	{ "key",		required_argument, NULL, 'k' },
	{ "max-keys",		required_argument, NULL, OPT_MAX_KEYS },
	{ "memory",		required_argument, NULL, 'm' },
	{ "separator",		required_argument, NULL, 't' },
	{ "window",		required_argument, NULL, OPT_WINDOW },
	PF_OPTS_LONG,
	{ NULL,			0,		NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s [-hqVvz] -k FIELD [-t SEP] [-m SIZE] "
	    "[--max-keys N]\n"
	    "              [--keep last|first] [--window DUR] [-o FILE] "
	    "[--name NAME]\n"
	    "              [options] [FILE]\n"
	    "Keep only the latest record of each key while downstream is "
	    "backed up.\n\n"
	    "  -k, --key FIELD         the key: field N (split by -t) or "
	    ".json.path\n"
	    "  -t, --separator SEP     fields end at SEP (default: runs of "
	    "blanks)\n"
	    "  -m, --memory SIZE       hold at most SIZE bytes (default 64M)\n"
	    "      --max-keys N        hold at most N keys\n"
	    "      --keep WHICH        last (default) or first record of a "
	    "key wins\n"
	    "      --window DUR        hold every key for DUR, then emit it\n"
	    "%s\n"
	    "--bytes is refused: coalesce needs records.  Sizes as 64K 1.5G "
	    "64KiB (1024)\nor 64KB (1000); durations as 250ms 5s 2m.  See "
	    "coalesce(1) and pipeflow(7).\n", getprogname(), pf_opts_help);
	exit(0);
}

/*
 * Whether the store takes bytes more of records and keys and records more
 * records, key a new key, within -m (held bytes plus CO_OVERHEAD each)
 * and --max-keys.
 */
static int
co_fits(const struct coalesce *co, uint64_t bytes, uint64_t records,
    int key)
{
	uint64_t	n = pf_recstore_records(co->rs, PF_RECSTORE_ALL);

	if (key && co->max_keys != 0 && co->keys >= co->max_keys)
		return (0);
	return (pf_recstore_bytes(co->rs, PF_RECSTORE_ALL) + bytes +
	    (n + records) * CO_OVERHEAD <= co->max_bytes);
}

/*
 * The record must wait, and input with it: for room in the store
 * (co_pump() wakes it), or (fail set) for ever, the run ending.  With
 * --window, the window closes now, as no room comes otherwise.
 */
static enum pf_verdict
co_wait(struct coalesce *co, struct pf_engine *e, uint64_t num,
    uint64_t *wake, int fail)
{
	if (fail) {
		warn("holding a record");
		pf_engine_exit(e, 1);
	}
	co->waiting = 1;
	if (co->waited != num) {
		co->waited = num;
		co->waits++;
	}
	/* A window that fills the store closes early: room comes. */
	if (co->window != 0 && !co->flushing) {
		co->flushing = 1;
		co->early++;
	}
	*wake = UINT64_MAX;
	return (PF_WAIT);
}

/* Whether nothing is held, in the store or on its way there. */
static int
co_empty(const struct coalesce *co)
{
	return (co->lcount == 0 && pf_recstore_peek(co->rs) == NULL);
}

/*
 * Put the record (its key klen bytes at k, has clear if it has none) in
 * the line, if it is short enough and the store is sure to take it: as a
 * new key, after every record in the line went in as one.  Returns 1 if
 * it went in (it is held), 0 if not (nothing changed).  The oldest record
 * goes on into the store when the line is full.
 */
static int
co_stage(struct coalesce *co, struct pf_engine *e, const struct pf_record *r,
    const char *k, size_t klen, int has)
{
	struct co_stage	*l;
	uint64_t	 n;
	unsigned int	 i, j;

	if (!has)
		klen = 0;
	n = r->len + klen;
	if (n > CO_STAGED)
		return (0);
	if (has && co->max_keys != 0 &&
	    co->keys + co->lkeyed >= co->max_keys)
		return (0);
	if (pf_recstore_bytes(co->rs, PF_RECSTORE_ALL) + co->lsize + n +
	    (pf_recstore_records(co->rs, PF_RECSTORE_ALL) + co->lcount + 1) *
	    CO_OVERHEAD > co->max_bytes)
		return (0);
	if (co->lcount == CO_AHEAD)
		co_store(co, e);

	i = (co->lfirst + co->lcount) % CO_AHEAD;
	l = &co->line[i];
	memcpy(co->lbytes + (size_t)i * CO_STAGED, r->data, r->len);
	l->len = (uint32_t)r->len;
	l->has = has;
	l->klen = (uint32_t)klen;
	l->koff = has ? (uint32_t)(k - r->data) : 0;
	l->recno = r->num;
	l->t = r->when;
	if (has) {
		l->hash = pf_recstore_hash(co->rs, k, klen);
		pf_recstore_prefetch(co->rs, l->hash, 0);
	}
	co->lcount++;
	co->lsize += n;
	co->lkeyed += has;

	/* The next level for those CO_STEP and twice that ahead. */
	if (co->lcount > CO_STEP) {
		j = (i + CO_AHEAD - CO_STEP) % CO_AHEAD;
		if (co->line[j].has)
			pf_recstore_prefetch(co->rs, co->line[j].hash, 1);
	}
	if (co->lcount > 2 * CO_STEP) {
		j = (i + CO_AHEAD - 2 * CO_STEP) % CO_AHEAD;
		if (co->line[j].has)
			pf_recstore_prefetch(co->rs, co->line[j].hash, 2);
	}
	return (1);
}

/*
 * The oldest record in the line goes into the store.  It fits: it was
 * let in only if it would as a new key.  Failing all the same (out of
 * memory) ends the run.
 */
static void
co_store(struct coalesce *co, struct pf_engine *e)
{
	struct co_stage		*l = &co->line[co->lfirst];
	struct pf_recslot	*s;
	struct pf_held		 h;
	const char		*data;

	data = co->lbytes + (size_t)co->lfirst * CO_STAGED;
	co->lfirst = (co->lfirst + 1) % CO_AHEAD;
	co->lcount--;
	co->lsize -= (uint64_t)l->len + l->klen;
	co->lkeyed -= l->has;

	if (l->has && (s = pf_recstore_find_hash(co->rs, data + l->koff,
	    l->klen, l->hash)) != NULL) {
		if (!co->keep_first && pf_recstore_replace(co->rs, s, data,
		    l->len, l->recno, l->t) == -1)
			goto fail;
		pf_engine_counters_rw(e)->coalesced++;
		return;
	}
	memset(&h, 0, sizeof(h));
	h.data = data;
	h.len = l->len;
	h.key = l->has ? data + l->koff : NULL;
	h.keylen = l->klen;
	h.recno = l->recno;
	h.t = l->t;
	if (pf_recstore_add_hash(co->rs, &h, l->hash) == NULL)
		goto fail;
	co->keys += l->has;
	if (pf_recstore_records(co->rs, PF_RECSTORE_ALL) > co->peak)
		co->peak = pf_recstore_records(co->rs, PF_RECSTORE_ALL);
	return;
fail:
	warn("holding a record");
	pf_engine_exit(e, 1);
}

/* Every record in the line goes into the store. */
static void
co_flush(struct coalesce *co, struct pf_engine *e)
{
	while (co->lcount > 0)
		co_store(co, e);
}

static enum pf_verdict
co_record(void *arg, struct pf_engine *e, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct coalesce		*co = arg;
	struct pf_recslot	*s;
	struct pf_held		 h, old;
	const char		*k = NULL;
	size_t			 klen = 0;
	int			 has;

	(void)reason;
	/*
	 * Nothing held: straight through while downstream takes records,
	 * waiting for room if need be; held once it is backed up.
	 */
	co->qwait = 0;
	if (co->window == 0 && co_empty(co)) {
		if (pf_engine_fits(e, r->len))
			return (PF_KEEP);
		if (now - co->drained < CO_GRACE) {
			co->qwait = 1;
			co->qlen = r->len;
			*wake = now + CO_RECHECK;
			return (PF_WAIT);
		}
	}
	/* A closed window leaves whole before the next one opens. */
	if (co->flushing) {
		co->waiting = 1;
		*wake = UINT64_MAX;
		return (PF_WAIT);
	}
	has = pf_field_get(&co->key, r->data, r->len, &k, &klen);
	if (!has && co->looked != r->num)
		co->keyless++;
	co->looked = r->num;
	if (co_stage(co, e, r, k, klen, has)) {
		co->unterm |= r->unterminated;
		return (PF_HOLD);
	}
	/* What comes next depends on the store: the line goes in first. */
	co_flush(co, e);
	if (has && (s = pf_recstore_find(co->rs, k, klen)) != NULL) {
		if (!co->keep_first) {
			pf_recstore_view(co->rs, s, &old);
			if (r->len > old.len &&
			    !co_fits(co, r->len - old.len, 0, 0))
				return (co_wait(co, e, r->num, wake, 0));
			if (pf_recstore_replace(co->rs, s, r->data, r->len,
			    r->num, r->when) == -1)
				return (co_wait(co, e, r->num, wake, 1));
		}
		pf_engine_counters_rw(e)->coalesced++;
		co->unterm |= r->unterminated;
		return (PF_HOLD);
	}
	if (!co_fits(co, r->len + klen, 1, has)) {
		/* Larger than -m by itself: it waits in the queue instead. */
		if (pf_recstore_peek(co->rs) == NULL)
			return (PF_KEEP);
		return (co_wait(co, e, r->num, wake, 0));
	}
	memset(&h, 0, sizeof(h));
	h.data = r->data;
	h.len = r->len;
	h.key = has ? k : NULL;
	h.keylen = klen;
	h.recno = r->num;
	h.t = r->when;
	if (pf_recstore_add(co->rs, &h) == NULL)
		return (co_wait(co, e, r->num, wake, 1));
	co->keys += has;
	if (pf_recstore_records(co->rs, PF_RECSTORE_ALL) > co->peak)
		co->peak = pf_recstore_records(co->rs, PF_RECSTORE_ALL);
	co->unterm |= r->unterminated;
	return (PF_HOLD);
}

/*
 * At every turn: hand held records to the queue, oldest first, as long as
 * it takes them; with --window only once a window closed, input ended or
 * a stop signal came.  The output ends as the input did: if its last
 * record had no terminator, the last record handed back has none.
 */
static int
co_pump(void *arg, struct pf_engine *e, uint64_t now)
{
	struct coalesce		*co = arg;
	struct pf_recslot	*s;
	struct pf_held		 h;
	int			 done, last, gave = 0;

	/*
	 * Not backed up while the queue drains below half, or while the
	 * output has room: a pipe with room takes what comes, and a file,
	 * a terminal or a socket (no pipe room to tell by) is never taken
	 * for backed up, so that a slow turn of the loop collapses nothing.
	 */
	if (co->drained == 0 ||
	    pf_queue_fill(pf_engine_queue(e)) < CO_BACKED ||
	    pf_engine_out_room(e) >= CO_ROOM)
		co->drained = now;
	if (co->qwait && pf_engine_fits(e, co->qlen)) {
		co->qwait = 0;
		pf_engine_wake(e);
	}
	done = pf_engine_input_done(e) || pf_engine_stopping(e);
	if (co->window == 0 || co->flushing || done) {
		co_flush(co, e);
		while ((s = pf_recstore_peek(co->rs)) != NULL) {
			pf_recstore_view(co->rs, s, &h);
			last = co->unterm && pf_engine_input_done(e) &&
			    pf_recstore_next(co->rs, s) == NULL;
			if (!last && !pf_engine_fits(e, h.len))
				break;
			if (pf_engine_give(e, h.data, h.len, h.t, last) == -1)
				break;
			co->keys -= h.key != NULL;
			pf_recstore_remove(co->rs, s);
			gave = 1;
		}
	}
	if (pf_recstore_peek(co->rs) == NULL)
		co->flushing = 0;
	if (gave && co->waiting && !co->flushing) {
		co->waiting = 0;
		pf_engine_wake(e);
	}
	return (0);
}

static uint64_t
co_held(void *arg, struct pf_engine *e)
{
	struct coalesce	*co = arg;

	(void)e;
	/* Not 0 while any is held, empty records without a key included. */
	return (pf_recstore_bytes(co->rs, PF_RECSTORE_ALL) +
	    pf_recstore_records(co->rs, PF_RECSTORE_ALL) + co->lsize +
	    co->lcount);
}

/* The store's fill against the larger of its two bounds. */
static double
co_pressure(void *arg, struct pf_engine *e)
{
	struct coalesce	*co = arg;
	double		 p, k;

	(void)e;
	p = (double)(pf_recstore_bytes(co->rs, PF_RECSTORE_ALL) + co->lsize +
	    (pf_recstore_records(co->rs, PF_RECSTORE_ALL) + co->lcount) *
	    CO_OVERHEAD) / co->max_bytes;
	if (co->max_keys != 0) {
		k = (double)co->keys / co->max_keys;
		if (k > p)
			p = k;
	}
	return (p > 1 ? 1 : p);
}

/* A window closes at every tick; the last one says what was done. */
static void
co_tick(void *arg, struct pf_engine *e, uint64_t now, int final)
{
	struct coalesce			*co = arg;
	const struct pf_counters	*c = pf_engine_counters(e);
	char				 early[64] = "";

	(void)now;
	if (!final) {
		if (co->window != 0 && !co_empty(co))
			co->flushing = 1;
		return;
	}
	if (co->window != 0)
		snprintf(early, sizeof(early), "; %llu windows closed early",
		    (unsigned long long)co->early);
	if (co->verbose)
		warnx("%llu records coalesced; at most %llu held; %llu "
		    "without the key; %llu waits for room%s",
		    (unsigned long long)c->coalesced,
		    (unsigned long long)co->peak,
		    (unsigned long long)co->keyless,
		    (unsigned long long)co->waits, early);
}

static void
co_metrics(FILE *f, const char *labels, void *arg)
{
	struct coalesce	*co = arg;

	fprintf(f, "# HELP pipeflow_coalesce_held_records Records held by "
	    "key.\n# TYPE pipeflow_coalesce_held_records gauge\n"
	    "pipeflow_coalesce_held_records{%s} %llu\n", labels,
	    (unsigned long long)(pf_recstore_records(co->rs, PF_RECSTORE_ALL) +
	    co->lcount));
	fprintf(f, "# HELP pipeflow_coalesce_held_bytes Bytes of the records "
	    "and keys held.\n# TYPE pipeflow_coalesce_held_bytes gauge\n"
	    "pipeflow_coalesce_held_bytes{%s} %llu\n", labels,
	    (unsigned long long)(pf_recstore_bytes(co->rs, PF_RECSTORE_ALL) +
	    co->lsize));
	fprintf(f, "# HELP pipeflow_coalesce_keys Keys held.\n"
	    "# TYPE pipeflow_coalesce_keys gauge\n"
	    "pipeflow_coalesce_keys{%s} %llu\n", labels,
	    (unsigned long long)co->keys);
	fprintf(f, "# HELP pipeflow_coalesce_keyless_total Records looked at "
	    "that lack the key.\n"
	    "# TYPE pipeflow_coalesce_keyless_total counter\n"
	    "pipeflow_coalesce_keyless_total{%s} %llu\n", labels,
	    (unsigned long long)co->keyless);
	fprintf(f, "# HELP pipeflow_coalesce_early_windows_total Windows "
	    "closed early by -m or --max-keys.\n"
	    "# TYPE pipeflow_coalesce_early_windows_total counter\n"
	    "pipeflow_coalesce_early_windows_total{%s} %llu\n", labels,
	    (unsigned long long)co->early);
	fprintf(f, "# HELP pipeflow_coalesce_waits_total Records that waited "
	    "for room in the store.\n"
	    "# TYPE pipeflow_coalesce_waits_total counter\n"
	    "pipeflow_coalesce_waits_total{%s} %llu\n", labels,
	    (unsigned long long)co->waits);
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct coalesce		 co;
	const char		*errstr, *key = NULL, *sep = NULL;
	int			 ch;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&co, 0, sizeof(co));
	conf.tool = getprogname();
	pf_opts_init(&conf.opts);
	co.max_bytes = 64 << 20;

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "k:m:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k':
			key = optarg;
			break;
		case 'm':
			co.max_bytes = tool_size("--memory", optarg);
			if (co.max_bytes == 0)
				tool_badusage("--memory=%s: must be at least "
				    "1", optarg);
			if (co.max_bytes > (1ULL << 44))
				tool_badusage("--memory=%s: too large", optarg);
			break;
		case 't':
			sep = optarg;
			break;
		case OPT_KEEP:
			if (strcmp(optarg, "last") == 0)
				co.keep_first = 0;
			else if (strcmp(optarg, "first") == 0)
				co.keep_first = 1;
			else
				tool_badusage("--keep=%s: must be last or "
				    "first", optarg);
			break;
		case OPT_MAX_KEYS:
			if (pf_parse_count(optarg, 1, PF_RECSTORE_MAX_RECORDS,
			    &co.max_keys, &errstr) == -1)
				tool_badusage("--max-keys=%s: %s", optarg,
				    errstr);
			break;
		case OPT_WINDOW:
			co.window = tool_duration("--window", optarg);
			if (co.window == 0)
				tool_badusage("--window=%s: must be positive",
				    optarg);
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
	if (conf.opts.framing == PF_FRAME_BYTES)
		tool_badusage("--bytes: coalesce needs records");
	if (key == NULL)
		tool_badusage("-k/--key FIELD is required");
	if (sep != NULL && strlen(sep) > 1)
		tool_badusage("--separator=%s: must be one character", sep);
	if (pf_field_parse(&co.key, key, sep, &errstr) == -1)
		tool_badusage("--key=%s: %s", key, errstr);
	if ((co.rs = pf_recstore_new(PF_RECSTORE_MAX_RECORDS,
	    co.max_bytes)) == NULL ||
	    (co.lbytes = malloc((size_t)CO_AHEAD * CO_STAGED)) == NULL)
		err(1, "store");
	co.verbose = conf.opts.verbose;

	conf.queue.framing = conf.opts.framing;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.max_bytes = CO_QUEUE;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.queue.read_size = 1 << 20;
	conf.policy.record = co_record;
	conf.policy.pump = co_pump;
	conf.policy.held = co_held;
	conf.policy.pressure = co_pressure;
	conf.policy.metrics = co_metrics;
	conf.policy.tick = co_tick;
	conf.policy.tick_interval = co.window != 0 ? co.window : PF_NSEC;
	conf.policy.arg = &co;
	ch = pf_engine_run(&conf);
	pf_recstore_free(co.rs);
	free(co.lbytes);
	return (ch);
}
