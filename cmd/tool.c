/* SPDX-License-Identifier: ISC */
/*
 * tool.c: the parts of option handling that every tool does alike, so
 * that a bad value or an unknown option reads the same from each.
 */
#include "config.h"

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tool.h"

extern char **environ;

void
tool_init(int argc, char *argv[])
{
	pf_proc_stdfds();
	pf_proc_title_init(argc, argv, environ);
	if (argc > 0)
		argv[0] = (char *)getprogname();
}

void
tool_badusage(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    getprogname());
	exit(2);
}

void
tool_option(struct pf_opts *o, int ch, const char *arg)
{
	const char	*errstr;

	switch (pf_opts_parse(o, ch, arg, &errstr)) {
	case 1:
		return;
	case -1:
		tool_badusage("%s", errstr);
	}
	/* getopt_long has named the unknown option already. */
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    getprogname());
	exit(2);
}

void
tool_options_done(struct pf_opts *o, void (*usage)(void), int argc,
    char *argv[], int maxargs)
{
	const char	*errstr;

	if (o->help)
		usage();
	if (o->version) {
		/* As coreutils prints it: name, copyright, license. */
		printf("%s (pipeflow) %s\n"
		    "Copyright (c) %s The pipeflow authors.\n"
		    "License ISC: <https://spdx.org/licenses/ISC.html>.\n"
		    "This is free software: you are free to change and "
		    "redistribute it.\n"
		    "There is NO WARRANTY, to the extent permitted by law.\n",
		    getprogname(), PACKAGE_VERSION, PF_COPYRIGHT_YEARS);
		if (fflush(stdout) != 0 || ferror(stdout))
			err(1, "stdout");
		exit(0);
	}
	if (argc > maxargs)
		tool_badusage("extra operand '%s'", argv[maxargs]);
	if (pf_opts_check(o, &errstr) == -1)
		tool_badusage("%s", errstr);
}

uint64_t
tool_size(const char *name, const char *arg)
{
	const char	*errstr;
	uint64_t	 v;

	if (pf_parse_size(arg, &v, &errstr) == -1)
		tool_badusage("%s=%s: %s", name, arg, errstr);
	return (v);
}

uint64_t
tool_duration(const char *name, const char *arg)
{
	const char	*errstr;
	uint64_t	 v;

	if (pf_parse_duration(arg, &v, &errstr) == -1)
		tool_badusage("%s=%s: %s", name, arg, errstr);
	return (v);
}

enum pf_timefmt
tool_timefmt(const char *arg)
{
	enum pf_timefmt	f;

	if (pf_timefmt_parse(arg, &f) == -1)
		tool_badusage("--time-format=%s: must be epoch, epoch-ms, "
		    "epoch-us or rfc3339", arg);
	return (f);
}

int
tool_term_capable(void)
{
	const char	*term = getenv("TERM");

	return (term != NULL && *term != '\0' && strcmp(term, "dumb") != 0);
}

int
tool_term_color(void)
{
	const char	*nc = getenv("NO_COLOR");

	return (tool_term_capable() && (nc == NULL || *nc == '\0'));
}
