/* SPDX-License-Identifier: ISC */
/*
 * tool.h: what every tool's main() does the same way (cmd/tool.c):
 * usage errors in the GNU form, the shared options, --help and
 * --version, and the operand count.
 */
#ifndef PF_TOOL_H
#define PF_TOOL_H

#include <stdint.h>

#include "opts.h"

/*
 * First thing in main(): standard descriptors, the process title, and
 * the short program name in argv[0] for getopt's own messages.
 */
void	 tool_init(int, char *[]);
/* The tool's name; messages say "TOOL NAME" once --name is known. */
const char	*tool_progname(void);
/* "prog: message", then "Try 'prog --help' ...", exit 2. */
void	 tool_badusage(const char *, ...)
	     __attribute__((noreturn, format(printf, 1, 2)));
/*
 * The value of the size or duration option name (as "--memory"), or a
 * usage error naming it.
 */
uint64_t tool_size(const char *, const char *);
uint64_t tool_duration(const char *, const char *);
/* --time-format FMT, or a usage error. */
enum pf_timefmt tool_timefmt(const char *);
/* An option the tool does not handle itself: a shared one, or exit 2. */
void	 tool_option(struct pf_opts *, int, const char *);
/*
 * After getopt: run usage (which exits) for --help, print the version for
 * --version, refuse more than maxargs operands and options that do not
 * go together.  Returns only when the tool should run.
 */
void	 tool_options_done(struct pf_opts *, void (*)(void), int, char *[],
	     int);

/*
 * Whether the terminal can move the cursor and erase: not when TERM is
 * unset, empty or "dumb".
 */
int	 tool_term_capable(void);
/*
 * Whether to colour: a capable terminal, and NO_COLOR unset or empty
 * (no-color.org: set to a non-empty value, it turns colour off).
 */
int	 tool_term_color(void);

#endif /* PF_TOOL_H */
