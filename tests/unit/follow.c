/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/follow.c: a followed status file's state and
 * pressure, re-read no more often than asked, and not known when the
 * file is missing, malformed, old or its writer gone.  Files live in a
 * private directory under $TMPDIR.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "pipeflow.h"
#include "follow.h"

static char	dir[256], path[300];

static void	 put(const char *, double, double, long);

/*
 * Write a status file for a stage in state (one of pf_state's names),
 * updated at the given wall-clock time, written by pid (0: no pid line),
 * through a rename as the writers do.
 */
static void
put(const char *state, double pressure, double updated, long pid)
{
	static const char *names[] = { "normal", "constrained", "saturated",
	    "recovery" };
	char	tmp[320];
	FILE	*fp;
	size_t	i;

	snprintf(tmp, sizeof(tmp), "%s/.tmp", dir);
	if ((fp = fopen(tmp, "w")) == NULL)
		abort();
	for (i = 0; i < 4; i++)
		fprintf(fp, "pipeflow_state{stage=\"s\",tool=\"bqueue\","
		    "state=\"%s\"} %d\n", names[i],
		    strcmp(state, names[i]) == 0);
	fprintf(fp, "pipeflow_pressure{stage=\"s\",tool=\"bqueue\"} %.3f\n",
	    pressure);
	fprintf(fp, "pipeflow_updated_timestamp_seconds{stage=\"s\","
	    "tool=\"bqueue\"} %.3f\n", updated);
	if (pid != 0)
		fprintf(fp, "pipeflow_process_id{stage=\"s\",tool=\"bqueue\"} "
		    "%ld\n", pid);
	if (fclose(fp) != 0 || rename(tmp, path) == -1)
		abort();
}

int
main(void)
{
	struct pf_follow	*f;
	struct pf_follow_view	 v;
	struct pf_stage		 st;
	const char		*tmp;
	char			 cmd[400];
	double			 now = pf_clock_wall();
	uint64_t		 t = 1000 * PF_NSEC;
	pid_t			 dead;
	FILE			*fp;
	int			 r;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/pf-follow.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/s.prom", dir);

	if ((f = pf_follow_new(path, 250 * PF_MSEC)) == NULL)
		abort();
	r = pf_follow_poll(f, t, &v);
	ok(r == 1 && !v.known && !v.stale && v.why != NULL &&
	    strcmp(v.why, "no such file") == 0, "missing file: not known");

	put("saturated", 0.93, now, (long)getpid());
	r = pf_follow_poll(f, t + 100 * PF_MSEC, &v);
	ok(r == 0 && !v.known, "not read again within the interval");
	r = pf_follow_poll(f, t + 250 * PF_MSEC, &v);
	ok(r == 1 && v.known && v.state == PF_STATE_SATURATED &&
	    v.pressure > 0.92 && v.pressure < 0.94,
	    "read after the interval: saturated, pressure 0.93");

	put("constrained", 0.6, pf_clock_wall(), (long)getpid());
	r = pf_follow_poll(f, t + 300 * PF_MSEC, &v);
	ok(r == 0 && v.known && v.state == PF_STATE_SATURATED,
	    "the last view kept between reads");
	r = pf_follow_poll(f, t + 600 * PF_MSEC, &v);
	ok(r == 1 && v.known && v.state == PF_STATE_CONSTRAINED,
	    "a change seen at the next read");

	put("normal", 0.1, pf_clock_wall() - 5, (long)getpid());
	r = pf_follow_poll(f, t + 900 * PF_MSEC, &v);
	ok(r == 1 && !v.known && v.stale,
	    "updated 5 s ago: stale, not known");

	/* A pid that no longer exists: a reaped child's. */
	if ((dead = fork()) == -1)
		abort();
	if (dead == 0)
		_exit(0);
	if (waitpid(dead, NULL, 0) != dead)
		abort();
	put("normal", 0.1, pf_clock_wall(), (long)dead);
	r = pf_follow_poll(f, t + 1200 * PF_MSEC, &v);
	ok(r == 1 && !v.known && v.stale, "its writer gone: stale");

	put("normal", 0.1, pf_clock_wall(), 0);
	r = pf_follow_poll(f, t + 1500 * PF_MSEC, &v);
	ok(r == 1 && v.known && v.state == PF_STATE_NORMAL,
	    "no pid in the file, fresh: known, normal");

	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fprintf(fp, "pipeflow_state{stage=\"s\",tool=\"bqueue\",state=\"nor");
	fclose(fp);
	r = pf_follow_poll(f, t + 1800 * PF_MSEC, &v);
	ok(r == 1 && !v.known && !v.stale && v.why != NULL,
	    "a truncated file: not known (%s)", v.why ? v.why : "?");

	if (unlink(path) == -1 || symlink("/etc/passwd", path) == -1)
		abort();
	r = pf_follow_poll(f, t + 2100 * PF_MSEC, &v);
	ok(r == 1 && !v.known, "a symbolic link: refused, not known");
	unlink(path);
	pf_follow_free(f);

	/* Interval 0: every call reads. */
	put("recovery", 0.4, pf_clock_wall(), 0);
	if ((f = pf_follow_new(path, 0)) == NULL)
		abort();
	ok(pf_follow_poll(f, t, &v) == 1 && pf_follow_poll(f, t, &v) == 1 &&
	    v.known && v.state == PF_STATE_RECOVERY,
	    "interval 0: every call reads");
	pf_follow_free(f);
	pf_follow_free(NULL);

	/* The stale rule alone, as lagwatch --watch uses it. */
	memset(&st, 0, sizeof(st));
	st.pid = -1;
	st.updated = now;
	ok(!pf_follow_stale(&st, now + PF_FOLLOW_STALE - 0.01),
	    "stale rule: just within the limit");
	ok(pf_follow_stale(&st, now + PF_FOLLOW_STALE + 0.01),
	    "stale rule: just past it");
	st.updated = 0;
	st.mtime = now;
	ok(!pf_follow_stale(&st, now + 1) &&
	    pf_follow_stale(&st, now + 2),
	    "stale rule: the mtime when the file has no timestamp");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return (done());
}
