/* SPDX-License-Identifier: ISC */
/*
 * opts.c: parsing of the options every tool shares, so that --max-record
 * or --settle mean the same thing, with the same messages, everywhere.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pipeflow.h"
#include "opts.h"

static char	 opts_msg[256];

static const char *opts_fail(const char *, const char *, const char *);
static const char *opts_name(int);

const char pf_opts_help[] =
"  -z, --null              records end with NUL, not newline\n"
"      --bytes             no records: move arbitrary chunks\n"
"      --max-record SIZE   longest record accepted (default 1M)\n"
"  -o, --output FILE       write to FILE instead of standard output\n"
"      --name NAME         publish the status file NAME.prom\n"
"      --status-interval DUR  rewrite the status file this often (250ms)\n"
"      --constrained PCT   pressure for the constrained state (50%)\n"
"      --saturated PCT     pressure for the saturated state (90%)\n"
"      --settle DUR        time below the constrained mark to recover (2s)\n"
"      --on-state CMD      run CMD at each state change\n"
"      --fail-on-drop      exit 4 if any record was dropped\n"
"  -v, --verbose           report state changes and a summary\n"
"  -q, --quiet             report errors only\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n";

void
pf_opts_init(struct pf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->framing = PF_FRAME_LINE;
	o->max_record = 1 << 20;
	o->status_interval = 250 * PF_MSEC;
	o->constrained = 0.5;
	o->saturated = 0.9;
	o->settle = 2 * PF_NSEC;
}

static const char *
opts_name(int ch)
{
	switch (ch) {
	case PF_OPT_CONSTRAINED:
		return ("--constrained");
	case PF_OPT_MAX_RECORD:
		return ("--max-record");
	case PF_OPT_NAME:
		return ("--name");
	case PF_OPT_SATURATED:
		return ("--saturated");
	case PF_OPT_SETTLE:
		return ("--settle");
	case PF_OPT_STATUS_INTERVAL:
		return ("--status-interval");
	}
	return ("option");
}

static const char *
opts_fail(const char *opt, const char *arg, const char *why)
{
	snprintf(opts_msg, sizeof(opts_msg), "%s=%s: %s", opt, arg, why);
	return (opts_msg);
}

int
pf_opts_parse(struct pf_opts *o, int ch, const char *arg, const char **errstr)
{
	const char	*e;

	switch (ch) {
	case 'h':
		o->help = 1;
		break;
	case 'V':
		o->version = 1;
		break;
	case 'v':
		o->verbose++;
		o->quiet = 0;
		break;
	case 'q':
		o->quiet = 1;
		o->verbose = 0;
		break;
	case 'z':
		o->framing = PF_FRAME_NUL;
		break;
	case 'o':
		o->output = arg;
		break;
	case PF_OPT_BYTES:
		o->framing = PF_FRAME_BYTES;
		break;
	case PF_OPT_CONSTRAINED:
		if (pf_parse_percent(arg, &o->constrained, &e) == -1)
			goto bad;
		break;
	case PF_OPT_FAIL_ON_DROP:
		o->fail_on_drop = 1;
		break;
	case PF_OPT_MAX_RECORD:
		if (pf_parse_size(arg, &o->max_record, &e) == -1)
			goto bad;
		if (o->max_record == 0) {
			e = "must be at least 1";
			goto bad;
		}
		if (o->max_record > (1ULL << 40)) {
			e = "too large";
			goto bad;
		}
		break;
	case PF_OPT_NAME:
		if (!pf_status_valid_name(arg)) {
			e = "must be 1 to 64 of A-Z a-z 0-9 _ . -";
			goto bad;
		}
		o->name = arg;
		break;
	case PF_OPT_ON_STATE:
		o->on_state = arg;
		break;
	case PF_OPT_SATURATED:
		if (pf_parse_percent(arg, &o->saturated, &e) == -1)
			goto bad;
		break;
	case PF_OPT_SETTLE:
		if (pf_parse_duration(arg, &o->settle, &e) == -1)
			goto bad;
		break;
	case PF_OPT_STATUS_INTERVAL:
		if (pf_parse_duration(arg, &o->status_interval, &e) == -1)
			goto bad;
		if (o->status_interval < PF_MSEC) {
			e = "must be at least 1ms";
			goto bad;
		}
		break;
	default:
		return (0);
	}
	return (1);
bad:
	*errstr = opts_fail(opts_name(ch), arg, e);
	return (-1);
}

int
pf_opts_check(struct pf_opts *o, const char **errstr)
{
	if (o->constrained >= o->saturated) {
		snprintf(opts_msg, sizeof(opts_msg),
		    "--constrained (%g%%) must be below --saturated (%g%%)",
		    o->constrained * 100, o->saturated * 100);
		*errstr = opts_msg;
		return (-1);
	}
	return (0);
}
