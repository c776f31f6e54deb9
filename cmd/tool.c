/* SPDX-License-Identifier: ISC */
/*
 * tool.c: the parts of option handling that every tool does alike, so
 * that a bad value or an unknown option reads the same from each.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tool.h"

extern char **environ;

static const char	*tool_self;	/* the tool's own name */

static void	 tool_name_messages(const struct pf_opts *);

void
tool_init(int argc, char *argv[])
{
	pf_proc_stdfds();
	pf_proc_title_init(argc, argv, environ);
	tool_self = getprogname();
	if (argc > 0)
		argv[0] = (char *)tool_self;
}

const char *
tool_progname(void)
{
	return (tool_self != NULL ? tool_self : getprogname());
}

void
tool_badusage(const char *fmt, ...)
{
	va_list	ap;

	/* About the command line, not the stage: the tool's name alone. */
	fprintf(stderr, "%s: ", tool_progname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    tool_progname());
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
	    tool_progname());
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
		    tool_progname(), PACKAGE_VERSION, PF_COPYRIGHT_YEARS);
		if (fflush(stdout) != 0 || ferror(stdout))
			err(1, "stdout");
		exit(0);
	}
	if (argc > maxargs)
		tool_badusage("extra operand '%s'", argv[maxargs]);
	if (pf_opts_check(o, &errstr) == -1)
		tool_badusage("%s", errstr);
	tool_name_messages(o);
}

/*
 * From here on every message names the stage: warn(3), warnx(3) and
 * err(3), through which lib/ prints too, start with the program name,
 * which becomes "TOOL NAME" when --name was given.  getprogname() says
 * the same from then on: tool_progname() keeps the tool's own name.
 */
static void
tool_name_messages(const struct pf_opts *o)
{
	static char	 who[256];

	if (o->name == NULL || *o->name == '\0')
		return;
	(void)snprintf(who, sizeof(who), "%s %s", tool_progname(), o->name);
	program_invocation_short_name = who;
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
