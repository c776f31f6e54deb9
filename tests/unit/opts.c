/* SPDX-License-Identifier: ISC */
/* Unit tests for lib/opts.c: the shared options and their messages. */
#include "config.h"

#include <string.h>

#include "pipeflow.h"
#include "opts.h"
#include "tap.h"

int
main(void)
{
	struct pf_opts	 o;
	const char	*e = NULL;

	pf_opts_init(&o);
	is_int(o.framing, PF_FRAME_LINE, "lines by default");
	is_int(o.max_record, 1 << 20, "--max-record defaults to 1M");
	is_int(o.status_interval, 250 * PF_MSEC, "status every 250ms");
	ok(o.constrained == 0.5 && o.saturated == 0.9, "50%% and 90%% marks");
	is_int(o.settle, 2 * PF_NSEC, "settle 2s");

	is_int(pf_opts_parse(&o, 'z', NULL, &e), 1, "-z is shared");
	is_int(o.framing, PF_FRAME_NUL, "-z sets NUL framing");
	is_int(pf_opts_parse(&o, PF_OPT_BYTES, NULL, &e), 1, "--bytes");
	is_int(o.framing, PF_FRAME_BYTES, "--bytes sets byte framing");
	is_int(pf_opts_parse(&o, 'm', "1M", &e), 0, "-m is not shared");

	is_int(pf_opts_parse(&o, PF_OPT_MAX_RECORD, "4K", &e), 1,
	    "--max-record 4K");
	is_int(o.max_record, 4096, "--max-record value");
	is_int(pf_opts_parse(&o, PF_OPT_MAX_RECORD, "4Q", &e), -1,
	    "--max-record 4Q rejected");
	ok(e != NULL && strncmp(e, "--max-record=4Q: ", 17) == 0,
	    "message names the option and value: %s", e ? e : "");
	is_int(pf_opts_parse(&o, PF_OPT_MAX_RECORD, "0", &e), -1,
	    "--max-record 0 rejected");

	is_int(pf_opts_parse(&o, PF_OPT_NAME, "etl.load-1", &e), 1,
	    "a good --name");
	is_int(pf_opts_parse(&o, PF_OPT_NAME, "../x", &e), -1,
	    "--name ../x rejected");
	ok(e != NULL && strstr(e, "--name") != NULL, "message names --name");

	is_int(pf_opts_parse(&o, PF_OPT_SETTLE, "500ms", &e), 1, "--settle");
	is_int(o.settle, 500 * PF_MSEC, "--settle value");
	is_int(pf_opts_parse(&o, PF_OPT_SETTLE, "-1", &e), -1,
	    "--settle -1 rejected");
	ok(e != NULL && strstr(e, "--settle") != NULL, "message names --settle");
	is_int(pf_opts_parse(&o, PF_OPT_STATUS_INTERVAL, "0", &e), -1,
	    "--status-interval 0 rejected");

	is_int(pf_opts_parse(&o, PF_OPT_CONSTRAINED, "95%", &e), 1,
	    "--constrained 95%%");
	is_int(pf_opts_check(&o, &e), -1, "constrained above saturated");
	ok(e != NULL && strstr(e, "--constrained") != NULL,
	    "message names --constrained");
	is_int(pf_opts_parse(&o, PF_OPT_SATURATED, "99%", &e), 1,
	    "--saturated 99%%");
	is_int(pf_opts_check(&o, &e), 0, "95%% below 99%% is fine");

	pf_opts_parse(&o, 'v', NULL, &e);
	pf_opts_parse(&o, 'q', NULL, &e);
	ok(o.quiet && !o.verbose, "the last of -v and -q wins");
	return (done());
}
