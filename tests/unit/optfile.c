/* SPDX-License-Identifier: ISC */
/*
 * optfile.c: unit tests for options files (lib/optfile.c): every way an
 * option and its value are written, comments, blank lines and CRLF; a
 * missing value, a word that is not an option, too many options, a file
 * too long or with a NUL byte, a missing file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optfile.h"
#include "tap.h"

static char	 path[64];
static char	 buf[PF_OPTFILE_MAX + 1];

static void	 put(const char *, size_t);
#define puts_(s)	put((s), strlen(s))
static int	 rd(struct pf_optfile_opt *, int, const char **,
		    const char **);

static void
put(const char *s, size_t len)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(s, 1, len, fp) != len || fclose(fp) != 0)
		abort();
}

static int
rd(struct pf_optfile_opt *o, int max, const char **errstr,
    const char **word)
{
	*errstr = NULL;
	return (pf_optfile_read(path, buf, sizeof(buf), o, max, errstr,
	    word));
}

int
main(void)
{
	struct pf_optfile_opt	 o[8];
	const char		*errstr, *word;
	char			*big;
	int			 fd, n;

	snprintf(path, sizeof(path), "/tmp/pf-optfile.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);

	puts_("# the nightly rates\n-r 5k/s   # records\r\n"
	    "--bytes-rate=20MB/s\n\n  -B10MiB/s --burst\t50ms\n");
	n = rd(o, 8, &errstr, &word);
	is_int(n, 4, "four options");
	ok(n == 4 && strcmp(o[0].name, "-r") == 0 &&
	    strcmp(o[0].value, "5k/s") == 0, "-r VALUE");
	ok(n == 4 && strcmp(o[1].name, "--bytes-rate") == 0 &&
	    strcmp(o[1].value, "20MB/s") == 0, "--name=VALUE");
	ok(n == 4 && strcmp(o[2].name, "-B") == 0 &&
	    strcmp(o[2].value, "10MiB/s") == 0, "-xVALUE");
	ok(n == 4 && strcmp(o[3].name, "--burst") == 0 &&
	    strcmp(o[3].value, "50ms") == 0, "--name VALUE after a tab");

	puts_("");
	is_int(rd(o, 8, &errstr, &word), 0, "an empty file has no options");
	puts_("# nothing\n\n");
	is_int(rd(o, 8, &errstr, &word), 0, "comments only: no options");

	puts_("-r 1/s --burst\n");
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "a value is missing") == 0 &&
	    strcmp(word, "--burst") == 0, "a missing value, named");
	puts_("-r 1/s # --burst\n50ms\n");
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "not an option") == 0 &&
	    strcmp(word, "50ms") == 0, "a comment ends at the line's end");
	puts_("rate 5\n");
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "not an option") == 0 &&
	    strcmp(word, "rate") == 0, "a word that is not an option");
	puts_("-- x\n");
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "not an option") == 0, "-- is not an option");
	puts_("-a 1 -b 2 -c 3\n");
	ok(rd(o, 2, &errstr, &word) == -1 &&
	    strcmp(errstr, "too many options") == 0 &&
	    strcmp(word, "-c") == 0, "too many options");
	put("-r 1/s\0-B 1B/s\n", 15);
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "not a text file") == 0, "a NUL byte");

	if ((big = malloc(PF_OPTFILE_MAX + 1)) == NULL)
		abort();
	memset(big, ' ', PF_OPTFILE_MAX + 1);
	memcpy(big, "-r 1/s", 6);
	put(big, PF_OPTFILE_MAX);
	is_int(rd(o, 8, &errstr, &word), 1, "a file of the largest size");
	put(big, PF_OPTFILE_MAX + 1);
	ok(rd(o, 8, &errstr, &word) == -1 &&
	    strcmp(errstr, "too long") == 0, "a byte more is too long");
	free(big);

	unlink(path);
	errno = 0;
	ok(rd(o, 8, &errstr, &word) == -1 && errno == ENOENT &&
	    strcmp(errstr, strerror(ENOENT)) == 0, "a missing file: ENOENT");
	errno = 0;
	ok(pf_optfile_read(path, buf, 16, o, 8, &errstr, &word) == -1 &&
	    errno == EINVAL, "a buffer too small: EINVAL");
	return (done());
}
