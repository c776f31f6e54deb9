/* SPDX-License-Identifier: ISC */
/*
 * shed: deliberate, counted load shedding by a record's priority.
 *
 * While downstream keeps up, records go straight into the engine's queue
 * and out, in order.  When it falls behind they are held in a record
 * store (lib/recstore.c) of --buffer bytes, each with its priority as the
 * store's class, and handed back in order as the queue drains.  When the
 * store is full the least important held record (the oldest among equals)
 * is shed, or the arriving one if it is less important than everything
 * held; priority 0 is never shed: the record waits, and input with it.
 * --follow sheds by class while another stage is constrained or
 * saturated, --max-age what is too old to matter.  Every drop is counted
 * by reason and priority and goes to the dead-letter file if asked.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "engine.h"
#include "follow.h"
#include "recstore.h"
#include "tool.h"
#include "shed.h"

enum {
	OPT_BUFFER = PF_OPT_TOOL,
	OPT_BUFFER_RECORDS,
	OPT_CONSTRAINED_SHED,
	OPT_DEAD_LETTER,
	OPT_DEFAULT_PRIORITY,
	OPT_FOLLOW,
	OPT_MARK,
	OPT_MATCH,
	OPT_MAX_AGE,
	OPT_SAMPLE,
	OPT_SATURATED_SHED,
	OPT_TIME_FIELD,
	OPT_TIME_FORMAT
};

const char *const reason_name[NREASON] = { "full", "follow", "age",
    "state" };

static void	 usage(void) __attribute__((noreturn));
static int	 shed_prio(struct shed *, const char *, size_t);
static int	 shed_old(struct shed *, const char *, size_t, int);
static int	 shed_threshold(struct shed *, struct pf_engine *, uint64_t);
static void	 shed_count(struct shed *, int, int);
static int	 shed_spare(struct shed *, int, int);
static void	 shed_watch(struct shed *, struct pf_engine *, uint64_t);
static uint64_t	 shed_lag(const struct shed *);
static int	 shed_behind(struct shed *, uint64_t, uint64_t *);
static enum pf_verdict shed_record(void *, struct pf_engine *,
		     const struct pf_record *, uint64_t, int *, uint64_t *);
static int	 shed_pump(void *, struct pf_engine *, uint64_t);
static uint64_t	 shed_held(void *, struct pf_engine *);
static double	 shed_pressure(void *, struct pf_engine *);
static void	 shed_add_rule(struct shed *, const char *);
static int	 shed_digit(const char *, const char *);

static const struct option longopts[] = {
	{ "buffer",		required_argument, NULL, OPT_BUFFER },
	{ "buffer-records",	required_argument, NULL, OPT_BUFFER_RECORDS },
	{ "constrained-shed",	required_argument, NULL, OPT_CONSTRAINED_SHED },
	{ "dead-letter",	required_argument, NULL, OPT_DEAD_LETTER },
	{ "default-priority",	required_argument, NULL, OPT_DEFAULT_PRIORITY },
	{ "follow",		required_argument, NULL, OPT_FOLLOW },
	{ "mark",		no_argument,	NULL, OPT_MARK },
	{ "match",		required_argument, NULL, OPT_MATCH },
	{ "max-age",		required_argument, NULL, OPT_MAX_AGE },
	{ "priority",		required_argument, NULL, 'p' },
	{ "sample",		required_argument, NULL, OPT_SAMPLE },
	{ "saturated-shed",	required_argument, NULL, OPT_SATURATED_SHED },
	{ "separator",		required_argument, NULL, 't' },
	{ "time-field",		required_argument, NULL, OPT_TIME_FIELD },
	{ "time-format",	required_argument, NULL, OPT_TIME_FORMAT },
	PF_OPTS_LONG,
	{ NULL,			0,		NULL, 0 }
};

static void
usage(void)
{
	const char	*p, *nl;

	printf("usage: %s [-hqVvz] [-p FIELD | --match REGEX=PRIO ...] "
	    "[-t SEP] [-o FILE]\n"
	    "              [--default-priority N] [--buffer SIZE] "
	    "[--buffer-records N]\n"
	    "              [--follow STATUSFILE] [--max-age DUR "
	    "--time-field FIELD]\n"
	    "              [--dead-letter FILE] [--name NAME] [options] "
	    "[FILE]\n"
	    "Shed the least important records, and only while downstream "
	    "is behind.\n\n"
	    "  -p, --priority FIELD        priority 0 (most important) to 9 "
	    "of a record\n"
	    "  -t, --separator SEP         split numbered fields on SEP "
	    "(default blanks)\n"
	    "      --match REGEX=PRIO      priority PRIO for records REGEX "
	    "matches (PCRE2)\n"
	    "      --default-priority N    for records without one "
	    "(default 9)\n"
	    "      --buffer SIZE           hold at most SIZE bytes "
	    "(default 1M)\n"
	    "      --buffer-records N      hold at most N records\n"
	    "      --follow STATUSFILE     shed by class while that stage "
	    "is behind\n"
	    "      --constrained-shed N    shed N and above while it (or shed) "
	    "is constrained\n"
	    "      --saturated-shed N      shed N and above while it (or shed) "
	    "is saturated\n"
	    "      --max-age DUR           drop records older than DUR\n"
	    "      --time-field FIELD      where a record's time is\n"
	    "      --time-format FMT       epoch (default), epoch-ms, "
	    "epoch-us or rfc3339\n"
	    "      --sample N              of what those and --max-age shed, "
	    "keep 1 in N\n"
	    "      --mark                  after shedding, a record that "
	    "says what was shed\n"
	    "      --dead-letter FILE      append shed records to FILE "
	    "(.zst: zstd)\n", getprogname());
	/* The shared options but --bytes, which shed refuses. */
	for (p = pf_opts_help; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		if (strncmp(p, "      --bytes ", 14) != 0)
			fwrite(p, 1, nl - p + 1, stdout);
	}
	printf("\nPriority 0 is never shed: shed blocks upstream instead.  "
	    "See shed(1) and\npipeflow(7).\n");
	exit(0);
}

/* One digit 0..9 and nothing else, or -1. */
static int
shed_digit(const char *p, const char *end)
{
	if (end - p != 1 || *p < '0' || *p > '9')
		return (-1);
	return (*p - '0');
}

/* The priority of a record: its field, the first rule that matches. */
static int
shed_prio(struct shed *s, const char *p, size_t len)
{
	const char	*v;
	size_t		 vlen;
	int		 i, c;

	s->examined++;
	if (s->has_pfield) {
		if (pf_field_get(&s->pfield, p, len, &v, &vlen) &&
		    (c = shed_digit(v, v + vlen)) >= 0)
			return (c);
		s->defaulted++;
		return (s->defprio);
	}
	for (i = 0; i < s->nrule; i++) {
		if (pcre2_match(s->rule[i].re, (PCRE2_SPTR)p, len, 0, 0,
		    s->md, NULL) >= 0)
			return (s->rule[i].prio);
	}
	if (s->nrule > 0)
		s->defaulted++;
	return (s->defprio);
}

/*
 * Whether a record is older than --max-age now; one without a time is
 * not, and counted when first seen (first set).
 */
static int
shed_old(struct shed *s, const char *p, size_t len, int first)
{
	const char	*v, *errstr;
	size_t		 vlen;
	int64_t		 t;
	double		 now;

	if (s->max_age == 0)
		return (0);
	if (!pf_field_get(&s->tfield, p, len, &v, &vlen) ||
	    pf_time_parse_memo(&s->memo, v, vlen, s->tfmt, &t,
	    &errstr) == -1) {
		if (first)
			s->untimed++;
		return (0);
	}
	now = pf_clock_wall() * 1e9;
	return (now > (double)t && now - (double)t > (double)s->max_age);
}

/*
 * The least important priority the state trigger sheds at now, NPRIO for
 * none: by the state of the stage --follow reads, else (when asked) of
 * shed's own.  A file that cannot be read, or is stale, sheds nothing:
 * that is said once, until it is read again.
 */
static int
shed_threshold(struct shed *s, struct pf_engine *e, uint64_t now)
{
	struct pf_follow_view	v;
	enum pf_state		st;

	if (s->follow != NULL) {
		(void)pf_follow_poll(s->follow, now, &v);
		if (!v.known) {
			if (!s->follow_warned && !s->quiet)
				warnx("--follow %s: %s; shedding nothing by "
				    "it", s->follow_path, v.why);
			s->follow_warned = 1;
			return (NPRIO);
		}
		s->follow_warned = 0;
		st = v.state;
	} else if (s->own) {
		/* Full of a burst that downstream is taking is no state. */
		shed_watch(s, e, now);
		if (shed_lag(s) > now)
			return (NPRIO);
		st = pf_engine_counters(e)->state;
	} else
		return (NPRIO);
	switch (st) {
	case PF_STATE_SATURATED:
		return (s->sshed);
	case PF_STATE_CONSTRAINED:
	case PF_STATE_RECOVERY:
		return (s->cshed);
	default:
		return (NPRIO);
	}
}

/*
 * What downstream does, looked at once for all the records offered at
 * one time now (it costs a system call): whether its pipe has room (a
 * file always has), since when it has had none, since when it has taken
 * nothing while records waited for it.
 */
static void
shed_watch(struct shed *s, struct pf_engine *e, uint64_t now)
{
	uint64_t	out;

	if (s->room_at == now)
		return;
	s->room_at = now;
	s->room = pf_engine_out_room(e) >= BEHIND_ROOM;
	if (s->room)
		s->behind_since = 0;
	else if (s->behind_since == 0)
		s->behind_since = now;
	out = pf_engine_counters(e)->records_out;
	if (out != s->out_seen || s->out_at == 0) {
		s->out_seen = out;
		s->out_at = now;
	}
}

/*
 * When downstream is behind, or will be if nothing changes: once its
 * pipe has had no room, or it has taken nothing, for BEHIND.
 */
static uint64_t
shed_lag(const struct shed *s)
{
	uint64_t	t = s->out_at + BEHIND;

	if (s->behind_since != 0 && s->behind_since + BEHIND < t)
		t = s->behind_since + BEHIND;
	/* Records have waited since, and the queue never ran empty. */
	if (s->full_since != 0 && s->full_since + BEHIND < t)
		t = s->full_since + BEHIND;
	return (t);
}

/* Whether downstream is behind; else *wake is when to look again. */
static int
shed_behind(struct shed *s, uint64_t now, uint64_t *wake)
{
	uint64_t	t = shed_lag(s);

	if (now >= t)
		return (1);
	s->waiting = 1;
	*wake = t;
	return (0);
}

static void
shed_count(struct shed *s, int why, int prio)
{
	s->dropped[why][prio]++;
	if (s->mark) {
		s->ep[why][prio]++;
		s->ep_total++;
		s->last_drop = s->now;
	}
}

/*
 * --sample: of the records the follow and age triggers would shed, keep
 * one in N of each priority, the first of each N.
 */
static int
shed_spare(struct shed *s, int why, int prio)
{
	if (s->sample == 0 || s->seen[why][prio]++ % s->sample != 0)
		return (0);
	s->sampled[why][prio]++;
	s->keep = 1;
	return (1);
}

static enum pf_verdict
shed_record(void *arg, struct pf_engine *e, const struct pf_record *r,
    uint64_t now, int *reason, uint64_t *wake)
{
	struct shed	*s = arg;
	struct pf_held	 h, old;
	int		 c, m;

	s->now = now;
	/* Whatever it decides, the records behind it wait for that. */
	if (s->passing) {
		s->passing = 0;
		pf_engine_keep_fitting(e, 0);
	}
	if (s->waiting && r->num == s->wait_num)
		/* Offered again: judged and counted already. */
		c = s->wait_prio;
	else {
		c = shed_prio(s, r->data, r->len);
		s->keep = 0;
		if (c > 0 && shed_old(s, r->data, r->len, 1) &&
		    !shed_spare(s, R_AGE, c)) {
			shed_count(s, R_AGE, c);
			*reason = s->slot[R_AGE];
			return (PF_DROP);
		}
		if (c > 0 && !s->keep && c >= shed_threshold(s, e, now) &&
		    !shed_spare(s, s->th_why, c)) {
			shed_count(s, s->th_why, c);
			*reason = s->slot[s->th_why];
			return (PF_DROP);
		}
	}
	s->waiting = 0;
	s->wait_num = r->num;
	s->wait_prio = c;
	/*
	 * Nothing held: straight on, waiting in the queue if need be; and
	 * until downstream is behind, wait for the queue to drain rather
	 * than copy records into the store and out again: a reader that
	 * takes a pipe's worth now and then is keeping up.
	 */
	if (pf_recstore_records(s->rs, PF_RECSTORE_ALL) == 0) {
		if (r->unterminated || pf_engine_fits(e, r->len)) {
			s->out_at = now;	/* nothing waits */
			/* The one that waited goes: the rest as it fits. */
			if (s->can_pass) {
				s->passing = 1;
				pf_engine_keep_fitting(e, s->pass_until);
			}
			return (PF_KEEP);
		}
		shed_watch(s, e, now);
		if (s->full_since == 0)
			s->full_since = now;
		/*
		 * Not behind yet: a moment's wait is the reader's scheduling;
		 * past HOLD_AFTER the buffer takes what comes, so that a
		 * producer held back does not come in a burst when let go.
		 */
		if (!shed_behind(s, now, wake) &&
		    now - s->full_since < HOLD_AFTER) {
			if (*wake > s->full_since + HOLD_AFTER)
				*wake = s->full_since + HOLD_AFTER;
			return (PF_WAIT);
		}
	}
	/* The engine puts the last, unterminated, behind all held. */
	if (r->unterminated)
		return (PF_KEEP);
	memset(&h, 0, sizeof(h));
	h.data = r->data;
	h.len = r->len;
	h.recno = r->num;
	h.t = r->when;
	h.class = c;
	/* Kept by --sample: a key (unique, its number) says so at the head. */
	if (s->keep) {
		h.key = (const char *)&r->num;
		h.keylen = sizeof(r->num);
	}
	for (;;) {
		if (pf_recstore_add(s->rs, &h) != NULL)
			return (PF_HOLD);
		if (errno != ENOSPC) {
			warn("holding record %" PRIu64, r->num);
			pf_engine_exit(e, 1);
			*wake = now + PF_NSEC;
			return (PF_WAIT);
		}
		if (pf_recstore_records(s->rs, PF_RECSTORE_ALL) == 0)
			/* Larger than the buffer: it waits for the queue. */
			return (PF_KEEP);
		/*
		 * Full.  Wait while downstream takes what it is given (a
		 * file always does), though one read brings more than the
		 * buffer holds; shed once it is behind, and until it has
		 * caught up with all that is held: a reader that takes a
		 * little now and then but less than comes in is behind all
		 * along, though its pipe has room at times.
		 */
		if (!s->lagging) {
			shed_watch(s, e, now);
			if (!shed_behind(s, now, wake))
				return (PF_WAIT);
			s->lagging = 1;
		}
		for (m = NPRIO - 1; m > 0; m--)
			if (pf_recstore_records(s->rs, m) > 0)
				break;
		if (c > m) {
			/* Less important than all held: itself. */
			shed_count(s, R_FULL, c);
			*reason = s->slot[R_FULL];
			return (PF_DROP);
		}
		if (m == 0) {
			/* Only priority 0 held: wait for room, and block. */
			s->waiting = 1;
			*wake = now + PF_NSEC;
			return (PF_WAIT);
		}
		if (pf_recstore_take(s->rs, 1, &old) == -1)
			abort();
		shed_count(s, R_FULL, old.class);
		pf_engine_drop(e, old.data, old.len, s->slot[R_FULL], 0);
	}
}

/* Hand held records back, oldest first, as the queue takes them. */
static int
shed_pump(void *arg, struct pf_engine *e, uint64_t now)
{
	struct shed		*s = arg;
	struct pf_recslot	*sl;
	struct pf_held		 h;
	int			 th, i, why;

	s->now = now;
	/* The first turn, before any record: the reasons, in order. */
	if (!s->registered) {
		for (i = 0; i < NREASON; i++)
			s->slot[i] = pf_engine_reason(e, reason_name[i]);
		s->registered = 1;
	}
	th = shed_threshold(s, e, now);
	while ((sl = pf_recstore_peek(s->rs)) != NULL) {
		pf_recstore_view(s->rs, sl, &h);
		why = h.class >= th ? s->th_why : R_AGE;
		/* Not a record --sample kept, at arrival or here before. */
		if (h.class > 0 && h.key == NULL && h.recno != s->spared &&
		    (h.class >= th || shed_old(s, h.data, h.len, 0))) {
			if (!shed_spare(s, why, h.class)) {
				shed_count(s, why, h.class);
				pf_engine_drop(e, h.data, h.len, s->slot[why],
				    0);
				pf_recstore_remove(s->rs, sl);
				continue;
			}
			s->spared = h.recno;
		}
		if (pf_engine_give(e, h.data, h.len, h.t, 0) == -1)
			break;
		pf_recstore_remove(s->rs, sl);
	}
	/*
	 * The record that waits is offered again at every turn: the queue
	 * or the store may have room now.  It waits again (for the output,
	 * or its time) when not, so this is no busy loop.
	 */
	if (pf_recstore_records(s->rs, PF_RECSTORE_ALL) == 0)
		s->lagging = 0;		/* caught up */
	/* Downstream took all there was: it keeps up. */
	if (pf_queue_bytes(pf_engine_queue(e)) == 0)
		s->full_since = 0;
	if (s->waiting)
		pf_engine_wake(e);
	if (s->mark)
		shed_mark_check(s, e, now, pf_engine_input_done(e));
	/*
	 * Nothing held, no trigger but a full buffer: a record that fits
	 * into the queue would be kept whatever its priority, so it is not
	 * even looked at.
	 */
	s->can_pass = s->max_age == 0 && th == NPRIO;
	s->passing = s->can_pass && !s->waiting &&
	    pf_recstore_records(s->rs, PF_RECSTORE_ALL) == 0;
	if (s->passing)
		s->out_at = now;	/* nothing waits */
	/* Until the trigger may say otherwise. */
	s->pass_until = UINT64_MAX;
	if (s->follow != NULL)
		s->pass_until = pf_follow_next(s->follow);
	else if (s->own && shed_lag(s) < s->pass_until)
		s->pass_until = shed_lag(s);
	pf_engine_keep_fitting(e, s->passing ? s->pass_until : 0);
	return (0);
}

/* Records count too: an empty line holds no bytes. */
static uint64_t
shed_held(void *arg, struct pf_engine *e)
{
	struct shed	*s = arg;

	(void)e;
	return (pf_recstore_bytes(s->rs, PF_RECSTORE_ALL) +
	    pf_recstore_records(s->rs, PF_RECSTORE_ALL) + s->mark_pending);
}

/* The fill of the buffer, by bytes or records, whichever is fuller. */
static double
shed_pressure(void *arg, struct pf_engine *e)
{
	struct shed	*s = arg;
	double		 b, n;

	(void)e;
	b = (double)pf_recstore_bytes(s->rs, PF_RECSTORE_ALL) / s->bufbytes;
	n = (double)pf_recstore_records(s->rs, PF_RECSTORE_ALL) / s->bufrecs;
	return (b > n ? b : n);
}

/* --match REGEX=PRIO: the last '=' ends the pattern. */
static void
shed_add_rule(struct shed *s, const char *arg)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	const char	*eq;
	int		 prio, ec;

	if ((eq = strrchr(arg, '=')) == NULL || eq == arg)
		tool_badusage("--match=%s: must be REGEX=PRIO", arg);
	if ((prio = shed_digit(eq + 1, eq + 1 + strlen(eq + 1))) == -1)
		tool_badusage("--match=%s: priority must be 0 to 9", arg);
	if (s->nrule == MAX_MATCH)
		tool_badusage("--match=%s: more than %d rules", arg,
		    MAX_MATCH);
	s->rule[s->nrule].re = pcre2_compile((PCRE2_SPTR)arg, eq - arg, 0,
	    &ec, &off, NULL);
	if (s->rule[s->nrule].re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		tool_badusage("--match=%s: at offset %zu: %s", arg,
		    (size_t)off, (char *)msg);
	}
	/* Without JIT (not built in, no executable memory) it still works. */
	(void)pcre2_jit_compile(s->rule[s->nrule].re, PCRE2_JIT_COMPLETE);
	s->rule[s->nrule++].prio = prio;
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct shed		 s;
	const char		*errstr, *pfield = NULL, *tfield = NULL;
	const char		*sep = NULL;
	uint64_t		 bufbytes = 1 << 20, bufrecs = 0;
	int			 ch, i, rc, cset = 0, sset = 0;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&s, 0, sizeof(s));
	conf.tool = getprogname();
	pf_opts_init(&conf.opts);
	s.defprio = NPRIO - 1;
	s.cshed = 9;
	s.sshed = 1;

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "p:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'p':
			pfield = optarg;
			break;
		case 't':
			sep = optarg;
			break;
		case OPT_BUFFER:
			bufbytes = tool_size("--buffer", optarg);
			if (bufbytes == 0)
				tool_badusage("--buffer=%s: must be at least "
				    "1", optarg);
			if (bufbytes > (1ULL << 44))
				tool_badusage("--buffer=%s: too large", optarg);
			break;
		case OPT_BUFFER_RECORDS:
			if (pf_parse_count(optarg, 1, PF_RECSTORE_MAX_RECORDS,
			    &bufrecs, &errstr) == -1)
				tool_badusage("--buffer-records=%s: %s", optarg,
				    errstr);
			break;
		case OPT_CONSTRAINED_SHED:
			cset = 1;
			if ((s.cshed = shed_digit(optarg, optarg +
			    strlen(optarg))) < 1)
				tool_badusage("--constrained-shed=%s: must be "
				    "1 to 9", optarg);
			break;
		case OPT_DEAD_LETTER:
			conf.dead_letter = optarg;
			break;
		case OPT_DEFAULT_PRIORITY:
			if ((s.defprio = shed_digit(optarg, optarg +
			    strlen(optarg))) < 0)
				tool_badusage("--default-priority=%s: must be "
				    "0 to 9", optarg);
			break;
		case OPT_FOLLOW:
			s.follow_path = optarg;
			break;
		case OPT_MARK:
			s.mark = 1;
			break;
		case OPT_MATCH:
			shed_add_rule(&s, optarg);
			break;
		case OPT_MAX_AGE:
			s.max_age = tool_duration("--max-age", optarg);
			if (s.max_age == 0)
				tool_badusage("--max-age=%s: must be positive",
				    optarg);
			break;
		case OPT_SAMPLE:
			if (pf_parse_count(optarg, 1, UINT32_MAX, &s.sample,
			    &errstr) == -1)
				tool_badusage("--sample=%s: %s", optarg, errstr);
			break;
		case OPT_SATURATED_SHED:
			sset = 1;
			if ((s.sshed = shed_digit(optarg, optarg +
			    strlen(optarg))) < 1)
				tool_badusage("--saturated-shed=%s: must be "
				    "1 to 9", optarg);
			break;
		case OPT_TIME_FIELD:
			tfield = optarg;
			break;
		case OPT_TIME_FORMAT:
			s.tfmt = tool_timefmt(optarg);
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
		tool_badusage("--bytes: shed needs records");
	if (pfield != NULL && s.nrule > 0)
		tool_badusage("--priority and --match cannot be used together");
	if (sep != NULL && (sep[0] == '\0' || sep[1] != '\0'))
		tool_badusage("--separator=%s: must be one character", sep);
	if (pfield != NULL) {
		if (pf_field_parse(&s.pfield, pfield, sep, &errstr) == -1)
			tool_badusage("--priority=%s: %s", pfield, errstr);
		s.has_pfield = 1;
	}
	if ((s.max_age > 0) != (tfield != NULL))
		tool_badusage("--max-age and --time-field go together");
	if (tfield != NULL &&
	    pf_field_parse(&s.tfield, tfield, sep, &errstr) == -1)
		tool_badusage("--time-field=%s: %s", tfield, errstr);
	if (sep != NULL && pfield == NULL && tfield == NULL)
		tool_badusage("--separator needs --priority or --time-field");
	/* Without --follow, the thresholds asked for apply to shed itself. */
	s.own = s.follow_path == NULL && (cset || sset);
	if (s.own && !cset)
		s.cshed = NPRIO;
	if (s.own && !sset)
		s.sshed = NPRIO;
	s.th_why = s.follow_path != NULL ? R_FOLLOW : R_STATE;
	if (s.sample > 0 && s.follow_path == NULL && s.max_age == 0 &&
	    !s.own)
		tool_badusage("--sample needs --follow, --max-age, "
		    "--constrained-shed or --saturated-shed");

	if (bufrecs == 0)
		bufrecs = PF_RECSTORE_MAX_RECORDS;
	s.bufbytes = (double)bufbytes;
	s.bufrecs = (double)bufrecs;
	if ((s.rs = pf_recstore_new(bufrecs, bufbytes)) == NULL)
		err(1, "buffer");
	if (s.nrule > 0 && (s.md = pcre2_match_data_create(1, NULL)) == NULL)
		err(1, "--match");
	if (s.follow_path != NULL && (s.follow = pf_follow_new(s.follow_path,
	    conf.opts.status_interval)) == NULL)
		err(1, "--follow %s", s.follow_path);
	s.mark_json = (s.has_pfield && s.pfield.num == 0) ||
	    (tfield != NULL && s.tfield.num == 0);
	s.settle = conf.opts.settle;
	s.verbose = conf.opts.verbose;
	s.quiet = conf.opts.quiet;

	/* A small queue in front of the output: the buffer is the store. */
	conf.queue.framing = conf.opts.framing;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.max_bytes = 128 << 10;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.queue.read_size = 64 << 10;
	conf.drop_words = "shed";
	conf.policy.record = shed_record;
	conf.policy.pump = shed_pump;
	conf.policy.held = shed_held;
	conf.policy.pressure = shed_pressure;
	conf.policy.metrics = shed_metrics;
	conf.policy.tick = shed_tick;
	/* Ticks end shedding episodes for --mark; else only the last. */
	conf.policy.tick_interval = s.mark ? 100 * PF_MSEC : 3600 * PF_NSEC;
	conf.policy.arg = &s;
	rc = pf_engine_run(&conf);
	pf_recstore_free(s.rs);
	pf_follow_free(s.follow);
	for (i = 0; i < s.nrule; i++)
		pcre2_code_free(s.rule[i].re);
	pcre2_match_data_free(s.md);
	return (rc);
}
