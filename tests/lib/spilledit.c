/* SPDX-License-Identifier: ISC */
/*
 * spilledit: damage spill data as an adversary would, with checksums
 * that still hold, for the corruption tests (lib/segment.c has the
 * format).
 *
 * usage: spilledit frames FILE		offset first_seq nrec raw stored,
 *					one line a frame
 *	  spilledit nrec FILE N COUNT	set frame N's record count (from 0)
 *	  spilledit ckpt FILE SEQ	a valid checkpoint: SEQ undelivered
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#define SEG_HDR		32
#define FRAME_HDR	40
#define FRAME_TRAILER	8

static uint32_t
get32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static uint64_t
get64(const unsigned char *p)
{
	return ((uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void
usage(void)
{
	fprintf(stderr, "usage: spilledit frames FILE | nrec FILE N COUNT | "
	    "ckpt FILE SEQ\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	unsigned char	 hdr[FRAME_HDR];
	char		 buf[128];
	off_t		 off = SEG_HDR;
	long		 want = -1, i = 0;
	uint64_t	 v = 0;
	int		 fd, n;

	if (argc < 3)
		usage();
	if (strcmp(argv[1], "ckpt") == 0) {
		if (argc != 4)
			usage();
		v = strtoull(argv[3], NULL, 10);
		n = snprintf(buf, sizeof(buf), "PFCKPT1 %020" PRIu64, v);
		n += snprintf(buf + n, sizeof(buf) - n, " %016" PRIx64 "\n",
		    (uint64_t)XXH3_64bits(buf, n));
		if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || write(fd, buf, n) != n || close(fd) == -1) {
			perror(argv[2]);
			return (1);
		}
		return (0);
	}
	if (strcmp(argv[1], "nrec") == 0) {
		if (argc != 5)
			usage();
		want = strtol(argv[3], NULL, 10);
		v = strtoull(argv[4], NULL, 10);
	} else if (strcmp(argv[1], "frames") != 0 || argc != 3)
		usage();
	if ((fd = open(argv[2], want >= 0 ? O_RDWR : O_RDONLY)) == -1) {
		perror(argv[2]);
		return (1);
	}
	while (pread(fd, hdr, sizeof(hdr), off) == (ssize_t)sizeof(hdr)) {
		if (i == want) {
			put32(hdr + 24, (uint32_t)v);
			put32(hdr + 36, (uint32_t)XXH3_64bits(hdr, 36));
			if (pwrite(fd, hdr, sizeof(hdr), off) !=
			    (ssize_t)sizeof(hdr)) {
				perror(argv[2]);
				return (1);
			}
			return (close(fd) == -1);
		}
		if (want < 0)
			printf("%lld %" PRIu64 " %" PRIu32 " %" PRIu32 " %"
			    PRIu32 "\n", (long long)off, get64(hdr + 8),
			    get32(hdr + 24), get32(hdr + 28), get32(hdr + 32));
		off += FRAME_HDR + get32(hdr + 32) + FRAME_TRAILER;
		i++;
	}
	if (want >= 0) {
		fprintf(stderr, "spilledit: %s: no frame %ld\n", argv[2], want);
		return (1);
	}
	return (close(fd) == -1);
}
