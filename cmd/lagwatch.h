/* SPDX-License-Identifier: ISC */
/*
 * lagwatch.h: what lagwatch.c (options, the inline meter) and
 * lagwatch-watch.c (the --watch table) share.
 */
#ifndef LAGWATCH_H
#define LAGWATCH_H

#include <stdint.h>

struct watch_opts {
	const char	*dir;		/* NULL: as pf_status_dir() resolves */
	int		 once;		/* --once: one snapshot, then exit */
	int		 check;		/* --check: exit 3 if a stage is bad */
	int		 json;		/* --format json: one JSON object */
	uint64_t	 interval_ns;	/* refresh, 0 for the default 200ms */
	int		 color;		/* colour the states (NO_COLOR unset) */
};

/*
 * Show every stage of the status directory, worst first: a live table
 * when stdout is a terminal, else (or with --once, --check or --format
 * json) one snapshot.  Prints to stdout, errors to stderr.  Returns the
 * exit status: 0; 1 when the directory cannot be read; 3 with check when
 * a stage is saturated or stale.  The live table returns 0 on SIGINT or
 * SIGTERM, after restoring the terminal.
 */
int		 lagwatch_watch(const struct watch_opts *);

#endif /* LAGWATCH_H */
