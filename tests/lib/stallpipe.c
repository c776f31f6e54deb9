/* SPDX-License-Identifier: ISC */
/*
 * stallpipe: copy stdin to stdout in random small chunks with random
 * pauses, a bursty neighbour for the lossless tests.
 *
 * usage: stallpipe SEED MAXCHUNK MAXPAUSE_US
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static char	 buf[1 << 20];
	unsigned	 seed;
	size_t		 maxchunk, len, off;
	long		 maxpause;
	ssize_t		 n, w;

	if (argc != 4) {
		fprintf(stderr, "usage: stallpipe SEED MAXCHUNK MAXPAUSE_US\n");
		return (2);
	}
	seed = (unsigned)strtoul(argv[1], NULL, 10);
	maxchunk = strtoul(argv[2], NULL, 10);
	maxpause = strtol(argv[3], NULL, 10);
	if (maxchunk < 1 || maxchunk > sizeof(buf))
		maxchunk = sizeof(buf);
	srandom(seed);
	for (;;) {
		len = 1 + (size_t)random() % maxchunk;
		n = read(0, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			perror("stallpipe: read");
			return (1);
		}
		if (n == 0)
			break;
		for (off = 0; off < (size_t)n; off += w) {
			w = write(1, buf + off, n - off);
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w == -1) {
				perror("stallpipe: write");
				return (1);
			}
		}
		if (maxpause > 0 && random() % 4 == 0)
			usleep(random() % maxpause);
	}
	return (0);
}
