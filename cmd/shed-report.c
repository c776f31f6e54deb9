/* SPDX-License-Identifier: ISC */
/*
 * shed-report.c: what shed tells of what it shed: the metrics it adds to
 * the status file, and the counts by trigger and priority at exit, which
 * are never silent.
 */
#include "config.h"

#include <err.h>
#include <inttypes.h>
#include <stdio.h>

#include "shed.h"

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

	(void)e;
	(void)now;
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
		warnx("%" PRIu64 " records without a priority: given %d",
		    s->defaulted, s->defprio);
	if (s->untimed > 0 && s->verbose)
		warnx("%" PRIu64 " records without a time: not aged",
		    s->untimed);
}
