/* SPDX-License-Identifier: ISC */
/*
 * optfile.c: options read from a small file, split as getopt_long(3)
 * would split them on a command line (see optfile.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "optfile.h"

#define BLANKS	" \t\r\n"

static char	 shortname[256][3];

int
pf_optfile_read(const char *path, char *buf, size_t bufsize,
    struct pf_optfile_opt *opts, int max, const char **errstr,
    const char **word)
{
	char	*s, *w, *save, *val;
	size_t	 got = 0;
	ssize_t	 n;
	int	 fd, nopt = 0, saved, c;

	*word = NULL;
	if (bufsize < PF_OPTFILE_MAX + 1) {
		errno = EINVAL;
		*errstr = strerror(errno);
		return (-1);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*errstr = strerror(errno);
		return (-1);
	}
	/* One byte more than allowed tells a file that is too long. */
	while (got < PF_OPTFILE_MAX + 1 &&
	    (n = read(fd, buf + got, PF_OPTFILE_MAX + 1 - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			*errstr = strerror(errno);
			return (-1);
		}
		got += (size_t)n;
	}
	close(fd);
	if (got > PF_OPTFILE_MAX) {
		*errstr = "too long";
		return (-1);
	}
	buf[got] = '\0';
	if (memchr(buf, '\0', got) != NULL) {
		*errstr = "not a text file";
		return (-1);
	}
	for (s = buf; (s = strchr(s, '#')) != NULL; )
		for (; *s != '\0' && *s != '\n'; s++)
			*s = ' ';
	for (w = strtok_r(buf, BLANKS, &save); w != NULL;
	    w = strtok_r(NULL, BLANKS, &save)) {
		*word = w;
		if (w[0] != '-' || w[1] == '\0' || strcmp(w, "--") == 0) {
			*errstr = "not an option";
			return (-1);
		}
		if (nopt == max) {
			*errstr = "too many options";
			return (-1);
		}
		if (w[1] == '-' && (val = strchr(w, '=')) != NULL) {
			*val++ = '\0';		/* --name=value */
		} else if (w[1] != '-' && w[2] != '\0') {
			/* -xvalue: the name "-x" is one of a table. */
			c = (unsigned char)w[1];
			shortname[c][0] = '-';
			shortname[c][1] = w[1];
			val = w + 2;
			w = shortname[c];
		} else if ((val = strtok_r(NULL, BLANKS, &save)) == NULL) {
			*errstr = "a value is missing";
			return (-1);
		}
		opts[nopt].name = w;
		opts[nopt].value = val;
		nopt++;
	}
	*word = NULL;
	return (nopt);
}
