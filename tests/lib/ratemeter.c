/* SPDX-License-Identifier: ISC */
/*
 * ratemeter: read stdin to its end and say how fast it came, on the
 * monotonic clock, for the rate tests of throttle.
 *
 * usage: ratemeter [-dz] [-s SKIP_MS] WINDOW_MS [DELAY_US]
 *
 * Prints one line: "records N bytes B seconds S maxrecords R maxbytes X
 * first F FB", S being the time from the first read to the last, R and X
 * the most records and bytes that arrived within any WINDOW_MS, F and FB
 * the records and bytes of the first read (which S does not time).  With
 * -s it adds "steady R B S": the records and bytes that came after the
 * first SKIP_MS, and the time they took from there to the last read, a
 * rate with the start-up (a first burst) left out.  Records end with
 * a newline, or a NUL with -z.  With DELAY_US it sleeps that long after
 * each read of at most 4 KiB: a consumer paced well below the producer.
 * -d: copy what it reads to stdout too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ev {
	uint64_t	 t;
	uint64_t	 recs, bytes;	/* totals after this read */
};

static uint64_t
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

int
main(int argc, char *argv[])
{
	static char	 buf[1 << 16];
	struct ev	*ev = NULL;
	size_t		 nev = 0, cap = 0, i, j, rd;
	uint64_t	 win, recs = 0, bytes = 0, maxr = 0, maxb = 0, r, b;
	uint64_t	 skip = 0;
	long		 delay = 0;
	ssize_t		 n;
	int		 term = '\n', dup = 0, c;
	char		*p;

	while ((c = getopt(argc, argv, "ds:z")) != -1) {
		if (c == 'z')
			term = '\0';
		else if (c == 'd')
			dup = 1;
		else if (c == 's')
			skip = strtoull(optarg, NULL, 10) * 1000000ULL;
		else
			return (2);
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: ratemeter [-dz] [-s SKIP_MS] "
		    "WINDOW_MS [DELAY_US]\n");
		return (2);
	}
	win = strtoull(argv[0], NULL, 10) * 1000000ULL;
	if (argc == 2)
		delay = strtol(argv[1], NULL, 10);
	rd = delay > 0 ? 4096 : sizeof(buf);
	while ((n = read(0, buf, rd)) > 0) {
		if (dup && write(1, buf, (size_t)n) != n)
			return (1);
		for (p = buf; (p = memchr(p, term, buf + n - p)) != NULL; p++)
			recs++;
		bytes += (uint64_t)n;
		if (nev == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((ev = realloc(ev, cap * sizeof(*ev))) == NULL)
				return (1);
		}
		ev[nev].t = mono();
		ev[nev].recs = recs;
		ev[nev].bytes = bytes;
		nev++;
		if (delay > 0)
			usleep((useconds_t)delay);
	}
	if (n < 0)
		return (1);
	/* Most that came in any window: reads j..i with t[i] - t[j] < win. */
	for (i = 0, j = 0; i < nev; i++) {
		while (ev[i].t - ev[j].t >= win)
			j++;
		r = ev[i].recs - (j > 0 ? ev[j - 1].recs : 0);
		b = ev[i].bytes - (j > 0 ? ev[j - 1].bytes : 0);
		if (r > maxr)
			maxr = r;
		if (b > maxb)
			maxb = b;
	}
	fprintf(dup ? stderr : stdout, "records %llu bytes %llu seconds %.6f "
	    "maxrecords %llu maxbytes %llu first %llu %llu",
	    (unsigned long long)recs,
	    (unsigned long long)bytes,
	    nev ? (double)(ev[nev - 1].t - ev[0].t) / 1e9 : 0.0,
	    (unsigned long long)maxr, (unsigned long long)maxb,
	    (unsigned long long)(nev ? ev[0].recs : 0),
	    (unsigned long long)(nev ? ev[0].bytes : 0));
	if (skip > 0) {
		/* From the last read before the skip ends. */
		for (j = 0; j + 1 < nev && ev[j + 1].t - ev[0].t <= skip; j++)
			;
		fprintf(dup ? stderr : stdout, " steady %llu %llu %.6f",
		    (unsigned long long)(nev ? recs - ev[j].recs : 0),
		    (unsigned long long)(nev ? bytes - ev[j].bytes : 0),
		    nev ? (double)(ev[nev - 1].t - ev[j].t) / 1e9 : 0.0);
	}
	fprintf(dup ? stderr : stdout, "\n");
	free(ev);
	return (0);
}
