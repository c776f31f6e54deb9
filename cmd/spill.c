/* SPDX-License-Identifier: ISC */
/*
 * spill: a memory buffer that overflows to disk, in strict FIFO order
 * across both, and with --durable survives a crash.
 *
 * The mechanism (staging, segments, checkpoints, replay) is lib/spillq.c
 * and lib/diskq.c; this file holds the options, spill-info.c what
 * --info and --drain FILE print.
 */
#include "config.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "engine.h"
#include "io.h"
#include "spill.h"
#include "spillq.h"
#include "tool.h"

#define FRAME_DEFAULT	(1 << 20)
#define RECORD_MAX	(64ULL << 20)	/* a frame holds the largest */

enum {
	OPT_CHECKPOINT = PF_OPT_TOOL,
	OPT_DRAIN,
	OPT_DURABLE,
	OPT_FORMAT,
	OPT_INFO,
	OPT_MAX_DISK,
	OPT_MIN_FREE,
	OPT_SEGMENT_SIZE,
	OPT_SKIP_CORRUPT,
	OPT_SYNC
};

static void	 usage(void) __attribute__((noreturn));

static const struct option longopts[] = {
	{ "checkpoint",		required_argument, NULL, OPT_CHECKPOINT },
	{ "compress",		required_argument, NULL, 'c' },
	{ "directory",		required_argument, NULL, 'd' },
	{ "drain",		required_argument, NULL, OPT_DRAIN },
	{ "durable",		no_argument,	NULL, OPT_DURABLE },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "info",		required_argument, NULL, OPT_INFO },
	{ "max-disk",		required_argument, NULL, OPT_MAX_DISK },
	{ "memory",		required_argument, NULL, 'm' },
	{ "min-free",		required_argument, NULL, OPT_MIN_FREE },
	{ "segment-size",	required_argument, NULL, OPT_SEGMENT_SIZE },
	{ "skip-corrupt",	no_argument,	NULL, OPT_SKIP_CORRUPT },
	{ "sync",		required_argument, NULL, OPT_SYNC },
	PF_OPTS_LONG,
	{ NULL,			0,		NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s [-hqVvz] [-m SIZE] [-d DIR] [-c LEVEL] "
	    "[--segment-size SIZE]\n"
	    "             [--max-disk SIZE] [--min-free SIZE]\n"
	    "             [--durable [--sync MODE] [--checkpoint DUR]] "
	    "[--skip-corrupt]\n"
	    "             [--bytes] [-o FILE] [--name NAME] [options] "
	    "[FILE]\n"
	    "       %s --drain DIR|FILE [-o FILE] [--skip-corrupt]\n"
	    "       %s --info DIR [--format text|json]\n"
	    "Buffer records in memory, overflowing to disk, in order.\n\n"
	    "  -m, --memory SIZE       memory buffer (default 64M)\n"
	    "  -d, --directory DIR     spill directory (default: a private "
	    "one under $TMPDIR)\n"
	    "  -c, --compress LEVEL    zstd level 1..19, 0 = off "
	    "(default 1)\n"
	    "      --segment-size SIZE size of each spill file (default 64M)\n"
	    "      --max-disk SIZE     keep at most SIZE on disk, then block\n"
	    "      --min-free SIZE     keep SIZE free on the file system, "
	    "then block\n"
	    "      --durable           write every record to disk first; "
	    "resume after a crash\n"
	    "      --sync MODE         none, interval (default) or always\n"
	    "      --checkpoint DUR    record what was delivered this often "
	    "(default 1s)\n"
	    "      --skip-corrupt      skip corrupt spill data, counting "
	    "what is lost\n"
	    "      --drain DIR|FILE    write out a spill directory or a "
	    "dead-letter file\n"
	    "      --info DIR          describe a spill directory\n"
	    "      --format FORMAT     --info as text (default) or json\n"
	    "%s\n"
	    "Sizes as 64K 1.5G 64KiB (1024) or 64KB (1000); durations as "
	    "250ms 5s 2m.\nSee spill(1) and pipeflow(7).\n", getprogname(),
	    getprogname(), getprogname(), pf_opts_help);
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct pf_engine_conf	 conf;
	struct pf_spillq_conf	 sc;
	struct pf_spillq	*sq;
	const char		*errstr, *drain = NULL, *infodir = NULL;
	uint64_t		 v;
	int			 ch, code, json = 0, fmtset = 0, syncset = 0;
	int			 ckptset = 0;

	tool_init(argc, argv);

	memset(&conf, 0, sizeof(conf));
	memset(&sc, 0, sizeof(sc));
	conf.tool = sc.tool = getprogname();
	pf_opts_init(&conf.opts);
	sc.memory = 64 << 20;
	sc.segment_size = 64 << 20;
	sc.level = 1;
	sc.sync = PF_SYNC_INTERVAL;
	sc.checkpoint = PF_NSEC;

	while ((ch = getopt_long(argc, argv, PF_OPTS_SHORT "c:d:m:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (pf_parse_count(optarg, 0, 19, &v, &errstr) == -1)
				tool_badusage("--compress=%s: %s (0 to 19)",
				    optarg, errstr);
			sc.level = (int)v;
			break;
		case 'd':
			if (*optarg == '\0')
				tool_badusage("--directory: empty name");
			sc.dir = optarg;
			break;
		case 'm':
			sc.memory = tool_size("--memory", optarg);
			if (sc.memory == 0)
				tool_badusage("--memory=%s: must be at least "
				    "1", optarg);
			if (sc.memory > (1ULL << 44))
				tool_badusage("--memory=%s: too large", optarg);
			break;
		case OPT_CHECKPOINT:
			sc.checkpoint = tool_duration("--checkpoint", optarg);
			if (sc.checkpoint == 0)
				tool_badusage("--checkpoint=%s: must be "
				    "positive", optarg);
			ckptset = 1;
			break;
		case OPT_DRAIN:
			drain = optarg;
			break;
		case OPT_DURABLE:
			sc.durable = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0)
				tool_badusage("--format=%s: must be text or "
				    "json", optarg);
			fmtset = 1;
			break;
		case OPT_INFO:
			infodir = optarg;
			break;
		case OPT_MAX_DISK:
			sc.max_disk = tool_size("--max-disk", optarg);
			if (sc.max_disk == 0)
				tool_badusage("--max-disk=%s: must be "
				    "positive", optarg);
			break;
		case OPT_MIN_FREE:
			sc.min_free = tool_size("--min-free", optarg);
			break;
		case OPT_SEGMENT_SIZE:
			sc.segment_size = tool_size("--segment-size", optarg);
			if (sc.segment_size < 4096 ||
			    sc.segment_size > (1ULL << 40))
				tool_badusage("--segment-size=%s: must be "
				    "from 4K to 1T", optarg);
			break;
		case OPT_SKIP_CORRUPT:
			sc.skip_corrupt = 1;
			break;
		case OPT_SYNC:
			if (strcmp(optarg, "none") == 0)
				sc.sync = PF_SYNC_NONE;
			else if (strcmp(optarg, "interval") == 0)
				sc.sync = PF_SYNC_INTERVAL;
			else if (strcmp(optarg, "always") == 0)
				sc.sync = PF_SYNC_ALWAYS;
			else
				tool_badusage("--sync=%s: must be none, "
				    "interval or always", optarg);
			syncset = 1;
			break;
		default:
			tool_option(&conf.opts, ch, optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;

	tool_options_done(&conf.opts, usage, argc, argv, 1);
	if (drain != NULL && infodir != NULL)
		tool_badusage("--drain and --info cannot be used together");
	if ((drain != NULL || infodir != NULL) && argc > 0)
		tool_badusage("extra operand '%s'", argv[0]);
	if (fmtset && infodir == NULL)
		tool_badusage("--format needs --info");
	if ((syncset || ckptset) && !sc.durable && drain == NULL)
		tool_badusage("--%s needs --durable",
		    syncset ? "sync" : "checkpoint");
	if (sc.durable && sc.dir == NULL && drain == NULL)
		tool_badusage("--durable needs -d DIR: a run must find the "
		    "data again");
	if (conf.opts.max_record > RECORD_MAX)
		tool_badusage("--max-record: at most 64M for spill");
	if (sc.max_disk != 0 && sc.max_disk < sc.segment_size &&
	    sc.max_disk < 2 * FRAME_DEFAULT)
		tool_badusage("--max-disk: smaller than --segment-size");
	if (infodir != NULL)
		return (spill_info(infodir, json));

	if (drain != NULL) {
		struct stat st;

		if (lstat(drain, &st) == -1) {
			warn("--drain: %s", drain);
			return (1);
		}
		if (S_ISLNK(st.st_mode)) {
			warnx("--drain: %s: is a symbolic link", drain);
			return (1);
		}
		if (!S_ISDIR(st.st_mode))
			return (spill_drain_file(drain, conf.opts.output));
		/* A spill directory: resume it with nothing new to add. */
		sc.dir = drain;
		sc.durable = 1;
		sc.drain = 1;
		conf.input = "/dev/null";
	} else if (argc == 1)
		conf.input = argv[0];

	sc.framing = conf.opts.framing;
	sc.max_record = conf.opts.max_record;
	sc.frame_size = FRAME_DEFAULT;
	if (sc.frame_size > sc.segment_size / 4)
		sc.frame_size = sc.segment_size / 4;
	sc.quiet = conf.opts.quiet;
	sc.verbose = conf.opts.verbose;

	conf.queue.framing = conf.opts.framing;
	conf.queue.max_record = conf.opts.max_record;
	conf.queue.max_bytes = sc.memory;
	conf.queue.overflow = PF_FULL_BLOCK;
	conf.queue.read_size = sc.frame_size;

	if ((sq = pf_spillq_open(&sc, &code)) == NULL)
		return (code);
	/* --drain takes the records as they were written. */
	conf.opts.framing = conf.queue.framing = pf_spillq_framing(sq);
	pf_spillq_policy(sq, &conf.policy);
	code = pf_engine_run(&conf);
	pf_spillq_free(sq);
	return (code);
}
