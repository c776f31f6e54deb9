/* SPDX-License-Identifier: ISC */
/*
 * shed-report.c: what shed tells of what it shed: the metrics it adds to
 * the status file, the counts by trigger and priority at exit, which are
 * never silent, and with --mark, in the stream itself, a record after
 * each shedding episode so that the consumer knows of the gap.
 */
#include "config.h"

#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shed.h"

static void	 shed_mark_make(struct shed *, struct pf_engine *);

void
shed_metrics(FILE *fp, const char *labels, void *arg)
{
	struct shed	*s = arg;
	int		 i, c;

	fputs("# HELP pipeflow_shed_dropped_total Records shed, by reason "
	    "and priority.\n# TYPE pipeflow_shed_dropped_total counter\n",
	    fp);
	for (i = 0; i < NREASON; i++)
		for (c = 0; c < NPRIO; c++)
			fprintf(fp, "pipeflow_shed_dropped_total{%s,reason="
			    "\"%s\",priority=\"%d\"} %" PRIu64 "\n", labels,
			    reason_name[i], c, s->dropped[i][c]);
	if (s->sample > 0) {
		fputs("# HELP pipeflow_shed_sampled_total Records a trigger "
		    "would have shed, kept by --sample.\n"
		    "# TYPE pipeflow_shed_sampled_total counter\n", fp);
		for (i = 0; i < NREASON; i++)
			for (c = 0; c < NPRIO; c++)
				fprintf(fp, "pipeflow_shed_sampled_total{%s,"
				    "reason=\"%s\",priority=\"%d\"} %" PRIu64
				    "\n", labels, reason_name[i], c,
				    s->sampled[i][c]);
	}
	if (s->mark)
		fprintf(fp, "# HELP pipeflow_shed_marks_total Marks written "
		    "after shedding episodes.\n"
		    "# TYPE pipeflow_shed_marks_total counter\n"
		    "pipeflow_shed_marks_total{%s} %" PRIu64 "\n", labels,
		    s->marks);
	fprintf(fp, "# HELP pipeflow_shed_held_records Records held in the "
	    "buffer.\n# TYPE pipeflow_shed_held_records gauge\n"
	    "pipeflow_shed_held_records{%s} %" PRIu64 "\n", labels,
	    pf_recstore_records(s->rs, PF_RECSTORE_ALL));
	fprintf(fp, "# HELP pipeflow_shed_held_bytes Bytes held in the "
	    "buffer.\n# TYPE pipeflow_shed_held_bytes gauge\n"
	    "pipeflow_shed_held_bytes{%s} %" PRIu64 "\n", labels,
	    pf_recstore_bytes(s->rs, PF_RECSTORE_ALL));
	fprintf(fp, "# HELP pipeflow_shed_default_priority_total Records "
	    "given the default priority.\n"
	    "# TYPE pipeflow_shed_default_priority_total counter\n"
	    "pipeflow_shed_default_priority_total{%s} %" PRIu64 "\n", labels,
	    s->defaulted);
	fprintf(fp, "# HELP pipeflow_shed_examined_records_total Records "
	    "whose priority was read (not those passed while nothing was "
	    "held).\n"
	    "# TYPE pipeflow_shed_examined_records_total counter\n"
	    "pipeflow_shed_examined_records_total{%s} %" PRIu64 "\n", labels,
	    s->examined);
}

/* At exit: what was shed, by reason and priority; never silent. */
void
shed_tick(void *arg, struct pf_engine *e, uint64_t now, int last)
{
	struct shed	*s = arg;
	char		 line[512];
	size_t		 n;
	const uint64_t	*v;
	uint64_t	 sum;
	int		 i, c;

	/* Not the last tick: nothing more is written then. */
	if (s->mark && !last)
		shed_mark_check(s, e, now, 0);
	if (!last || s->quiet)
		return;
	for (i = 0; i < 2 * NREASON; i++) {
		/* What each trigger shed, then what --sample kept of it. */
		v = i < NREASON ? s->dropped[i] : s->sampled[i - NREASON];
		for (sum = 0, c = 0; c < NPRIO; c++)
			sum += v[c];
		if (sum == 0 && (!s->verbose || (i >= NREASON &&
		    (s->sample == 0 || i == NREASON + R_FULL))))
			continue;
		n = snprintf(line, sizeof(line), "%s %s: %" PRIu64,
		    i < NREASON ? "shed by" : "kept by --sample from",
		    reason_name[i % NREASON], sum);
		for (c = 0; c < NPRIO && n < sizeof(line); c++)
			if (v[c] > 0)
				n += snprintf(line + n, sizeof(line) - n,
				    " p%d=%" PRIu64, c, v[c]);
		warnx("%s", line);
	}
	if (s->defaulted > 0 && s->verbose)
		warnx("%" PRIu64 " records without a priority, of %" PRIu64
		    " looked at: given %d", s->defaulted, s->examined,
		    s->defprio);
	if (s->untimed > 0 && s->verbose)
		warnx("%" PRIu64 " records without a time: not aged",
		    s->untimed);
}

/*
 * --mark: the mark of the episode that ended, as a line
 *	#pipeflow-shed dropped=N full=N follow=N age=N state=N p1=N ... p9=N
 * or, for NDJSON, an object
 *	{"pipeflow_shed":{"dropped":N,"full":N,"follow":N,"age":N,"state":N,
 *	"priority":{"1":N,...,"9":N}}}
 * counting what was shed since the last mark (priority 0 never is).
 */
static void
shed_mark_make(struct shed *s, struct pf_engine *e)
{
	struct pf_counters	*cnt = pf_engine_counters_rw(e);
	uint64_t		 by[NREASON];
	size_t			 n, size = sizeof(s->markbuf);
	int			 i, c;

	for (i = 0; i < NREASON; i++)
		for (by[i] = 0, c = 0; c < NPRIO; c++)
			by[i] += s->ep[i][c];
	n = snprintf(s->markbuf, size, s->mark_json ?
	    "{\"pipeflow_shed\":{\"dropped\":%" PRIu64 ",\"full\":%" PRIu64
	    ",\"follow\":%" PRIu64 ",\"age\":%" PRIu64 ",\"state\":%" PRIu64
	    ",\"priority\":{" :
	    "#pipeflow-shed dropped=%" PRIu64 " full=%" PRIu64 " follow=%"
	    PRIu64 " age=%" PRIu64 " state=%" PRIu64, s->ep_total, by[R_FULL],
	    by[R_FOLLOW], by[R_AGE], by[R_STATE]);
	for (c = 1; c < NPRIO && n < size; c++) {
		for (by[0] = 0, i = 0; i < NREASON; i++)
			by[0] += s->ep[i][c];
		if (s->mark_json)
			n += snprintf(s->markbuf + n, size - n,
			    "%s\"%d\":%" PRIu64, c > 1 ? "," : "", c, by[0]);
		else
			n += snprintf(s->markbuf + n, size - n,
			    " p%d=%" PRIu64, c, by[0]);
	}
	if (s->mark_json && n < size)
		n += snprintf(s->markbuf + n, size - n, "}}}");
	s->marklen = n < size ? n : size - 1;
	memset(s->ep, 0, sizeof(s->ep));
	s->ep_total = 0;
	s->mark_pending = 1;
	s->marks++;
	/* A record of shed's own: received and, once written, delivered. */
	cnt->records_in++;
	cnt->bytes_in += s->marklen + 1;
}

/*
 * An episode ends once nothing is held and nothing was shed for
 * --settle, or input ended (done set); its mark goes out behind every
 * record held in it.
 */
void
shed_mark_check(struct shed *s, struct pf_engine *e, uint64_t now,
    int done)
{
	if (pf_recstore_records(s->rs, PF_RECSTORE_ALL) > 0)
		return;
	if (!s->mark_pending && s->ep_total > 0 && !s->waiting &&
	    (done || now - s->last_drop >= s->settle))
		shed_mark_make(s, e);
	if (s->mark_pending && pf_engine_give(e, s->markbuf, s->marklen,
	    now, 0) == 0)
		s->mark_pending = 0;
}
