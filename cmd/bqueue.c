/* SPDX-License-Identifier: ISC */
/*
 * bqueue: a bounded, record-aware buffer between two pipeline stages.
 *
 * Upstream runs ahead by up to -m bytes (or -n records); then, by default,
 * it blocks, so the pressure carries on upstream.  The drop policies keep
 * upstream moving and count every record they discard.  Everything but the
 * options and the --start-at hold lives in the engine.
 */
#include "config.h"

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

enum {
	OPT_DEAD_LETTER = PF_OPT_TOOL,
	OPT_ON_FULL,
	OPT_START_AT,
	OPT_TIMEOUT
};

struct bqueue {
	double	 start_at;	/* --start-at, 0: none */
	int	 holding;
};

static void	 usage(void) __attribute__((noreturn));
static size_t	 bqueue_allow(void *, struct pf_engine *, uint64_t,
		     uint64_t *);

static const struct option longopts[] = {
	{ "dead-letter",	required_argument, NULL, OPT_DEAD_LETTER },
	{ "memory",		required_argument, NULL, 'm' },
	{ "on-full",		required_argument, NULL, OPT_ON_FULL },
	{ "records",		required_argument, NULL, 'n' },
	{ "start-at",		required_argument, NULL, OPT_START_AT },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	PF_OPTS_LONG,
	{ NULL,			0,		NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s [-hqVvz] [-m SIZE] [-n COUNT] [-o FILE] [--bytes]\n"
	    "              [--on-full POLICY] [--timeout DUR] "
	    "[--start-at PCT]\n"
	    "              [--dead-letter FILE] [--name NAME] [options] "
	    "[FILE]\n"
	    "Buffer records between two pipeline stages, within bounds.\n\n"
	    "  -m, --memory SIZE       buffer at most SIZE bytes "
	    "(default 64M)\n"
	    "  -n, --records COUNT     buffer at most COUNT records\n"
	    "      --on-full POLICY    block (default), drop-newest, "
	    "drop-oldest or fail\n"
	    "      --timeout DUR       exit 124 if downstream accepts nothing "
	    "for DUR\n"
	    "      --start-at PCT      hold output until the buffer is PCT "
	    "full\n"
	    "      --dead-letter FILE  append dropped records to FILE (.zst: zstd)\n"
	    "%s\n"
	    "Sizes as 64K 1.5G 64KiB (1024) or 64KB (1000); durations as "
	    "250ms 5s 2m;\npercentages as 80%% or 0.8.  See bqueue(1) and "
	    "pipeflow(7).\n", getprogname(), pf_opts_help);
	exit(0);
}


/*
 * --start-at: hold output until the buffer is that full or input ended,
 * and again each time the buffer runs empty (as mbuffer -P), so that a
 * consumer that works best in bursts gets bursts.
 */
static size_t
bqueue_allow(void *arg, struct pf_engine *e, uint64_t now, uint64_t *wake)
{
	struct bqueue	*b = arg;
	struct pf_queue	*q = pf_engine_queue(e);
	char		*p;

	(void)now;
	(void)wake;
	if (pf_queue_bytes(q) == 0 && !pf_engine_input_done(e))
		b->holding = 1;
	/* Release too when the buffer can take no more (--start-at 100%). */
	if (b->holding && (pf_engine_input_done(e) ||
	    pf_queue_fill(q) >= b->start_at || pf_queue_waiting(q) ||
	    pf_queue_space(q, &p) == 0))
		b->holding = 0;
	return (b->holding ? 0 : SIZE_MAX);
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct bqueue		 b;
	const char		*errstr;
	int			 ch, nset = 0;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&b, 0, sizeof(b));
	conf.tool = getprogname();
	pf_opts_init(&conf.opts);
	conf.queue.max_bytes = 64 << 20;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.timeout_words = "--timeout";
	conf.drop_words = "--on-full";
	conf.full_words = "--on-full fail";

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "m:n:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'm':
			conf.queue.max_bytes = tool_size("--memory", optarg);
			if (conf.queue.max_bytes == 0)
				tool_badusage("--memory=%s: must be at least "
				    "1", optarg);
			if (conf.queue.max_bytes > (1ULL << 44))
				tool_badusage("--memory=%s: too large", optarg);
			break;
		case 'n':
			if (pf_parse_count(optarg, 1, UINT32_MAX,
			    &conf.queue.max_records, &errstr) == -1)
				tool_badusage("--records=%s: %s", optarg,
				    errstr);
			nset = 1;
			break;
		case OPT_DEAD_LETTER:
			conf.dead_letter = optarg;
			break;
		case OPT_ON_FULL:
			if (strcmp(optarg, "block") == 0)
				conf.queue.overflow = PF_FULL_BLOCK;
			else if (strcmp(optarg, "drop-newest") == 0)
				conf.queue.overflow = PF_FULL_DROP_NEWEST;
			else if (strcmp(optarg, "drop-oldest") == 0)
				conf.queue.overflow = PF_FULL_DROP_OLDEST;
			else if (strcmp(optarg, "fail") == 0)
				conf.queue.overflow = PF_FULL_FAIL;
			else
				tool_badusage("--on-full=%s: must be block, "
				    "drop-newest, drop-oldest or fail", optarg);
			break;
		case OPT_START_AT:
			if (pf_parse_percent(optarg, &b.start_at,
			    &errstr) == -1)
				tool_badusage("--start-at=%s: %s", optarg,
				    errstr);
			break;
		case OPT_TIMEOUT:
			conf.timeout = tool_duration("--timeout", optarg);
			if (conf.timeout == 0)
				tool_badusage("--timeout=%s: must be "
				    "positive", optarg);
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
	if (nset && conf.opts.framing == PF_FRAME_BYTES)
		tool_badusage("--records cannot be used with --bytes");
	if (conf.dead_letter != NULL &&
	    (conf.queue.overflow == PF_FULL_BLOCK ||
	    conf.queue.overflow == PF_FULL_FAIL))
		tool_badusage("--dead-letter needs --on-full drop-newest or "
		    "drop-oldest");

	conf.queue.framing = conf.opts.framing;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.read_size = 1 << 20;
	if (b.start_at > 0) {
		conf.policy.out_allow = bqueue_allow;
		conf.policy.arg = &b;
	}
	return (pf_engine_run(&conf));
}
