/* SPDX-License-Identifier: ISC */
/*
 * opts.h: the options every pipeflow tool shares (lib/opts.c).
 *
 * A tool appends PF_OPTS_LONG to its own getopt_long(3) table and
 * PF_OPTS_SHORT to its short string, and hands every option it does not
 * know to pf_opts_parse().  Parsing is here; messages and exits stay in
 * the tool.
 */
#ifndef PF_OPTS_H
#define PF_OPTS_H

#include <getopt.h>

#include "pipeflow.h"

/* Long-only options shared by all tools; tools number theirs from 512. */
enum {
	PF_OPT_BYTES = 256,
	PF_OPT_CONSTRAINED,
	PF_OPT_FAIL_ON_DROP,
	PF_OPT_MAX_RECORD,
	PF_OPT_NAME,
	PF_OPT_ON_STATE,
	PF_OPT_SATURATED,
	PF_OPT_SETTLE,
	PF_OPT_STATUS_INTERVAL,
	PF_OPT_TOOL = 512
};

#define PF_OPTS_SHORT	"hVvqzo:"
#define PF_OPTS_LONG							\
	{ "bytes",		no_argument,	NULL, PF_OPT_BYTES },	\
	{ "constrained",	required_argument, NULL, PF_OPT_CONSTRAINED }, \
	{ "fail-on-drop",	no_argument,	NULL, PF_OPT_FAIL_ON_DROP }, \
	{ "help",		no_argument,	NULL, 'h' },		\
	{ "max-record",		required_argument, NULL, PF_OPT_MAX_RECORD }, \
	{ "name",		required_argument, NULL, PF_OPT_NAME },	\
	{ "null",		no_argument,	NULL, 'z' },		\
	{ "on-state",		required_argument, NULL, PF_OPT_ON_STATE }, \
	{ "output",		required_argument, NULL, 'o' },		\
	{ "quiet",		no_argument,	NULL, 'q' },		\
	{ "saturated",		required_argument, NULL, PF_OPT_SATURATED }, \
	{ "settle",		required_argument, NULL, PF_OPT_SETTLE }, \
	{ "status-interval",	required_argument, NULL,		\
	    PF_OPT_STATUS_INTERVAL },					\
	{ "verbose",		no_argument,	NULL, 'v' },		\
	{ "version",		no_argument,	NULL, 'V' }

/* What the shared options set, with their defaults. */
struct pf_opts {
	enum pf_framing	 framing;
	uint64_t	 max_record;
	const char	*output;
	const char	*name;
	const char	*on_state;
	uint64_t	 status_interval;
	double		 constrained;
	double		 saturated;
	uint64_t	 settle;
	int		 verbose;
	int		 quiet;
	int		 fail_on_drop;
	int		 help;
	int		 version;
};

/* Fill in the defaults of pipeflow(7). */
void		 pf_opts_init(struct pf_opts *);
/*
 * Handle one option returned by getopt_long.  Returns 1 if it was a
 * shared option, 0 if it is not one, -1 with *errstr holding a message
 * that names the option when its value is bad (static storage).
 */
int		 pf_opts_parse(struct pf_opts *, int, const char *,
		     const char **);
/* Checks across options (thresholds in order).  0, or -1 and *errstr. */
int		 pf_opts_check(struct pf_opts *, const char **);
/* The --help lines for the shared options. */
extern const char pf_opts_help[];

#endif /* PF_OPTS_H */
