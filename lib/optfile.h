/* SPDX-License-Identifier: ISC */
/*
 * optfile.h: a small file of options, as on a command line (lib/optfile.c).
 *
 * throttle --control FILE holds a few options that a stage rereads on
 * SIGHUP.  The file is words separated by blanks and newlines, "#" to
 * the end of a line a comment; every option takes a value, written as
 * on a command line: "--rate=5k/s", "--rate 5k/s", "-r5k/s", "-r 5k/s".
 * What the options mean is the tool's.
 */
#ifndef PF_OPTFILE_H
#define PF_OPTFILE_H

#include <stddef.h>

#define PF_OPTFILE_MAX	4096		/* the largest file, in bytes */

struct pf_optfile_opt {
	const char	*name;		/* "-r", "--rate": as written */
	const char	*value;
};

/*
 * Read the file at path into buf, of bufsize bytes (at least
 * PF_OPTFILE_MAX + 1), and store its options in order in opts, at most
 * max of them; names and values point into buf.  Returns how many, or -1
 * with *errstr saying why (static storage; strerror(3)'s words when the
 * file cannot be read, with errno set) and *word, unless NULL then, the
 * word it is about: "too long" (more than PF_OPTFILE_MAX bytes), "not an
 * option" (a word that does not start with "-"), "a value is missing",
 * "too many options".  Never blocks on anything but the file system.
 */
int		 pf_optfile_read(const char *, char *, size_t,
		     struct pf_optfile_opt *, int, const char **,
		     const char **);

#endif /* PF_OPTFILE_H */
