/* SPDX-License-Identifier: ISC */
/*
 * segment.c: unit tests for spill segments (lib/segment.c).
 *
 * Segments must read back byte-exact whatever the compression, with
 * each frame's arrival time, and a damaged one must say precisely what
 * is left: a torn tail at every possible cut, a flipped bit anywhere, a
 * sequence gap, lying lengths, a zstd bomb and trailing garbage are each
 * checked against the expected answer and offset.  pf_seg_skim() must
 * walk the same frames to the same end as pf_seg_next(), except past a
 * damaged payload, which it does not read.  A real full disk (a 256k
 * tmpfs, root only, else skipped) and a file size limit check that a
 * failed append leaves the file valid and can be retried.  Files live in
 * a private directory under $TMPDIR.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#include "pipeflow.h"
#include "tap.h"

#define NFRAMES	50
#define FRAME_HDR	40	/* a frame's header */
#define FRAME_OVH	48	/* a frame's header and payload checksum */
#define T0		UINT64_C(1700000000123456789)	/* a time, in ns */

static int	 dfd;
static char	 dir[4096];
static uint32_t	 rnd_state = 12345;

struct got {
	int	 frames;
	int	 last;		/* the answer that ended the read */
	off_t	 off;		/* pf_seg_offset() then */
	uint64_t seq;		/* the next sequence number expected */
	const char *errstr;
	int	 bad;		/* frames that differed from the expected */
};

/* A walk through a segment with pf_seg_next() or pf_seg_skim(). */
struct walk {
	int		 n;		/* frames returned */
	int		 last;		/* the answer that ended the walk */
	off_t		 off[NFRAMES + 1];	/* theirs, then the end */
	uint64_t	 seq[NFRAMES];
	uint64_t	 time[NFRAMES];
	uint32_t	 nrec[NFRAMES];
	uint32_t	 raw[NFRAMES];
	uint32_t	 stored[NFRAMES];
	uint64_t	 next;		/* pf_seg_reader_next_seq() */
	const char	*errstr;
};

static uint32_t	 rnd(void);
static void	 fill(char *, size_t, int);
static char	*load(const char *, size_t *);
static void	 save(const char *, const void *, size_t);
static void	 readseg(const char *, struct got *, char **, size_t *);
static void	 mkseg(const char *, int, int, char **, size_t *, off_t *);
static void	 freewant(char **);
static size_t	 framelen(int);
static uint64_t	 frametime(int);
static void	 walk(const char *, int, struct walk *);
static int	 sameends(const char *, struct walk *, struct walk *);
static void	 put32(unsigned char *, uint32_t);
static void	 put64(unsigned char *, uint64_t);
static size_t	 mkframe(unsigned char *, uint32_t, uint64_t, uint32_t,
		     uint32_t, const void *, uint32_t, uint64_t);
static void	 test_roundtrip(int);
static void	 test_refused(void);
static void	 test_time(void);
static void	 test_skim(int);
static void	 test_torn(int);
static void	 test_bits(void);
static void	 test_pass(int);
static void	 test_gap(void);
static void	 test_lies(void);
static void	 test_garbage(void);
static void	 test_names(void);
static void	 test_efbig(void);
static void	 test_enospc(void);

static uint32_t
rnd(void)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 8);
}

/* Compressible records (kind 0) with NULs, or random bytes (kind 1). */
static void
fill(char *p, size_t len, int kind)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = kind ? (char)rnd() :
		    (char)(i % 7 == 6 ? 0 : 'a' + (int)(i % 5));
}

static char *
load(const char *name, size_t *len)
{
	struct stat	 st;
	char		*p;
	int		 fd;

	if ((fd = openat(dfd, name, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		abort();
	if ((p = malloc(st.st_size + 1)) == NULL ||
	    read(fd, p, st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = st.st_size;
	return (p);
}

static void
save(const char *name, const void *p, size_t len)
{
	int	fd;

	if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
	    -1 || (len > 0 && write(fd, p, len) != (ssize_t)len) ||
	    close(fd) == -1)
		abort();
}

/* The length of the i-th test frame: 1 byte up to about 5k. */
static size_t
framelen(int i)
{
	return (1 + (size_t)i * 97 % 5000);
}

/* The arrival time of the i-th test frame: not in order. */
static uint64_t
frametime(int i)
{
	return (T0 + (uint64_t)(i * 7919 % 1000) * 1000000);
}

/*
 * Read a segment to its end.  If want is not NULL, frame i must hold
 * want[i] (wantlen[i] bytes, i + 1 records, from sequence 1000 + i(i+1)/2,
 * time frametime(i)).
 */
static void
readseg(const char *name, struct got *g, char **want, size_t *wantlen)
{
	struct pf_seg_reader	*r;
	const char		*data, *errstr;
	size_t			 len;
	uint64_t		 seq, next = 1000;
	uint32_t		 nrec;
	int			 ret;

	memset(g, 0, sizeof(*g));
	if ((r = pf_seg_open(dfd, name, &errstr)) == NULL) {
		g->last = -9;
		g->errstr = errstr;
		return;
	}
	while ((ret = pf_seg_next(r, &data, &len, &seq, &nrec,
	    &errstr)) == 1) {
		if (want != NULL && (g->frames >= NFRAMES ||
		    len != wantlen[g->frames] ||
		    memcmp(data, want[g->frames], len) != 0 ||
		    nrec != (uint32_t)g->frames + 1 || seq != next ||
		    pf_seg_time(r) != frametime(g->frames)))
			g->bad++;
		next = seq + nrec;
		g->frames++;
	}
	g->last = ret;
	g->off = pf_seg_offset(r);
	g->seq = pf_seg_reader_next_seq(r);
	g->errstr = ret == 0 ? NULL : errstr;
	pf_seg_close_reader(r);
}

/* Walk a segment with pf_seg_next() (skim 0) or pf_seg_skim(). */
static void
walk(const char *name, int skim, struct walk *w)
{
	struct pf_seg_reader	*r;
	const char		*data, *errstr = NULL;
	size_t			 len;
	uint64_t		 seq;
	uint32_t		 nrec, raw, stored = 0;
	int			 i, ret;

	memset(w, 0, sizeof(*w));
	if ((r = pf_seg_open(dfd, name, &errstr)) == NULL) {
		w->last = -9;
		w->errstr = errstr;
		return;
	}
	for (;;) {
		if (skim)
			ret = pf_seg_skim(r, &seq, &nrec, &raw, &stored,
			    &errstr);
		else {
			ret = pf_seg_next(r, &data, &len, &seq, &nrec,
			    &errstr);
			raw = (uint32_t)len;
		}
		if (ret != 1)
			break;
		if (w->n == NFRAMES) {
			ret = -8;	/* more frames than any test writes */
			break;
		}
		w->off[w->n] = pf_seg_offset(r);
		w->seq[w->n] = seq;
		w->time[w->n] = pf_seg_time(r);
		w->nrec[w->n] = nrec;
		w->raw[w->n] = raw;
		w->stored[w->n] = stored;
		w->n++;
	}
	w->last = ret;
	w->off[w->n] = pf_seg_offset(r);
	w->next = pf_seg_reader_next_seq(r);
	w->errstr = ret == 0 ? NULL : errstr;
	/* pf_seg_next() does not tell stored_len: the offsets do. */
	for (i = 0; !skim && i < w->n; i++)
		w->stored[i] = w->off[i + 1] - w->off[i] - FRAME_OVH;
	pf_seg_close_reader(r);
}

/*
 * Walk a segment with pf_seg_next() into *wn and with pf_seg_skim() into
 * *ws; 1 if they agree on every frame and on how and where they end.
 */
static int
sameends(const char *name, struct walk *wn, struct walk *ws)
{
	int	i;

	walk(name, 0, wn);
	walk(name, 1, ws);
	if (wn->n != ws->n || wn->last != ws->last ||
	    wn->off[wn->n] != ws->off[ws->n] || wn->next != ws->next ||
	    (wn->errstr == NULL) != (ws->errstr == NULL) ||
	    (wn->errstr != NULL && strcmp(wn->errstr, ws->errstr) != 0)) {
		diag("%s: next: %d frames, %d at %lld (%s); skim: %d "
		    "frames, %d at %lld (%s)", name, wn->n, wn->last,
		    (long long)wn->off[wn->n],
		    wn->errstr ? wn->errstr : "", ws->n, ws->last,
		    (long long)ws->off[ws->n], ws->errstr ? ws->errstr : "");
		return (0);
	}
	for (i = 0; i < wn->n; i++)
		if (wn->off[i] != ws->off[i] || wn->seq[i] != ws->seq[i] ||
		    wn->time[i] != ws->time[i] ||
		    wn->nrec[i] != ws->nrec[i] || wn->raw[i] != ws->raw[i] ||
		    wn->stored[i] != ws->stored[i]) {
			diag("%s: frame %d differs", name, i);
			return (0);
		}
	return (1);
}

/* Write a segment of NFRAMES frames; keeps the records in want. */
static void
mkseg(const char *name, int level, int kind, char **want, size_t *wantlen,
    off_t *ends)
{
	struct pf_seg_writer	*w;
	const char		*errstr;
	int			 i;

	if ((w = pf_seg_create(dfd, name, 1000, level, 0, &errstr)) == NULL)
		abort();
	for (i = 0; i < NFRAMES; i++) {
		wantlen[i] = framelen(i);
		if ((want[i] = malloc(wantlen[i])) == NULL)
			abort();
		fill(want[i], wantlen[i], kind);
		if (pf_seg_append(w, want[i], wantlen[i], i + 1,
		    frametime(i)) == -1)
			abort();
		if (ends != NULL)
			ends[i] = pf_seg_bytes(w);
	}
	if (pf_seg_close(w) == -1)
		abort();
}

static void
freewant(char **want)
{
	int	i;

	for (i = 0; i < NFRAMES; i++)
		free(want[i]);
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
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A hand-made frame with valid checksums; returns its length. */
static size_t
mkframe(unsigned char *p, uint32_t flags, uint64_t seq, uint32_t nrec,
    uint32_t raw, const void *payload, uint32_t stored, uint64_t time)
{
	put32(p, 0x50464652U);
	put32(p + 4, flags);
	put64(p + 8, seq);
	put64(p + 16, time);
	put32(p + 24, nrec);
	put32(p + 28, raw);
	put32(p + 32, stored);
	put32(p + 36, (uint32_t)XXH3_64bits(p, 36));
	memcpy(p + FRAME_HDR, payload, stored);
	put64(p + FRAME_HDR + stored, XXH3_64bits(payload, stored));
	return (FRAME_OVH + (size_t)stored);
}

static void
test_roundtrip(int level)
{
	struct pf_seg_writer	*w;
	struct got		 g;
	char			*want[NFRAMES], *big, *file;
	size_t			 wantlen[NFRAMES], total = 0, flen;
	off_t			 ends[NFRAMES];
	const char		*errstr, *data;
	struct pf_seg_reader	*r;
	size_t			 len;
	uint64_t		 seq;
	uint32_t		 nrec;
	int			 i, kind;
	char			 name[32];

	for (kind = 0; kind < 2; kind++) {
		snprintf(name, sizeof(name), "rt-%d-%d", level, kind);
		mkseg(name, level, kind, want, wantlen, ends);
		for (i = 0; i < NFRAMES; i++)
			total += wantlen[i];
		readseg(name, &g, want, wantlen);
		is_int(g.frames, NFRAMES, "level %d %s: every frame read",
		    level, kind ? "random" : "text");
		is_int(g.bad, 0, "level %d %s: records, counts and sequence "
		    "numbers exact", level, kind ? "random" : "text");
		is_int(g.last, 0, "level %d %s: a clean end", level,
		    kind ? "random" : "text");
		is_int(g.seq, 1000 + NFRAMES * (NFRAMES + 1) / 2,
		    "level %d %s: next sequence number", level,
		    kind ? "random" : "text");
		file = load(name, &flen);
		is_int(flen, ends[NFRAMES - 1], "level %d %s: "
		    "pf_seg_bytes() is the file size", level,
		    kind ? "random" : "text");
		if (level == 0 || kind == 1)
			is_int(flen, 32 + total + NFRAMES * FRAME_OVH,
			    "level %d %s: stored raw", level,
			    kind ? "random" : "text");
		else
			ok(flen < total / 2, "level %d text: compressed "
			    "(%zu of %zu)", level, flen, total);
		free(file);
		freewant(want);
		total = 0;
	}

	/* A 1 MiB frame. */
	snprintf(name, sizeof(name), "big-%d", level);
	if ((big = malloc(1 << 20)) == NULL)
		abort();
	fill(big, 1 << 20, 0);
	big[(1 << 20) - 1] = '\n';
	w = pf_seg_create(dfd, name, 7, level, 0, &errstr);
	ok(w != NULL && pf_seg_append(w, big, 1 << 20, 1, T0) == 0 &&
	    pf_seg_append(w, "x\n", 2, 1, 0) == 0 && pf_seg_next_seq(w) == 9 &&
	    pf_seg_sync(w) == 0 && pf_seg_close(w) == 0,
	    "level %d: a 1 MiB frame written and synced", level);
	r = pf_seg_open(dfd, name, &errstr);
	ok(r != NULL && pf_seg_first_seq(r) == 7 &&
	    pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 1 &&
	    len == 1 << 20 && memcmp(data, big, len) == 0 && seq == 7 &&
	    nrec == 1 && pf_seg_time(r) == T0 &&
	    pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 1 &&
	    len == 2 && memcmp(data, "x\n", 2) == 0 && seq == 8 &&
	    pf_seg_time(r) == 0 &&
	    pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 0,
	    "level %d: the 1 MiB frame reads back", level);
	pf_seg_close_reader(r);
	free(big);
}

static void
test_refused(void)
{
	struct pf_seg_writer	*w;
	const char		*errstr;
	static char		 one[1];

	w = pf_seg_create(dfd, "refused", 0, 0, 0, &errstr);
	errno = 0;
	ok(pf_seg_append(w, "", 0, 1, T0) == -1 && errno == EINVAL,
	    "an empty append is refused (EINVAL)");
	errno = 0;
	ok(pf_seg_append(w, "a\n", 2, 0, T0) == -1 && errno == EINVAL,
	    "an append of no records is refused (EINVAL)");
	errno = 0;
	ok(pf_seg_append(w, one, (size_t)PF_SEG_FRAME_MAX + 1, 1, T0) ==
	    -1 && errno == E2BIG, "an append over PF_SEG_FRAME_MAX: E2BIG");
	is_int(pf_seg_bytes(w), 32, "refused appends wrote nothing");
	pf_seg_close(w);
	errno = 0;
	ok(pf_seg_create(dfd, "badlevel", 0, 20, 0, &errstr) == NULL &&
	    errno == EINVAL, "level 20 refused");
}

/* Frame times: stored as given, in any order, and where documented. */
static void
test_time(void)
{
	struct pf_seg_writer	*w;
	struct pf_seg_reader	*r;
	const char		*errstr, *data;
	unsigned char		 frame[64];
	char			*file, rec[3] = "a\n";
	size_t			 len, flen, n;
	uint64_t		 seq, times[5] = { 0, 1, T0, UINT64_MAX, 5 };
	uint32_t		 nrec, raw, stored;
	int			 i, good = 0;

	if ((w = pf_seg_create(dfd, "time", 0, 0, 0, &errstr)) == NULL)
		abort();
	for (i = 0; i < 5; i++) {
		rec[0] = 'a' + i;
		if (pf_seg_append(w, rec, 2, 1, times[i]) == -1)
			abort();
	}
	pf_seg_close(w);
	if ((r = pf_seg_open(dfd, "time", &errstr)) == NULL)
		abort();
	is_int(pf_seg_time(r), 0, "no frame read yet: time 0");
	while (pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 1)
		good += seq < 5 && len == 2 && data[0] == 'a' + (int)seq &&
		    pf_seg_time(r) == times[seq];
	is_int(good, 5, "each frame's time reads back (0, 1, now, 2^64-1, "
	    "then back to 5)");
	ok(pf_seg_time(r) == 5, "the clean end leaves the last frame's time");
	pf_seg_close_reader(r);
	if ((r = pf_seg_open(dfd, "time", &errstr)) == NULL)
		abort();
	good = 0;
	while (pf_seg_skim(r, &seq, &nrec, &raw, &stored, &errstr) == 1)
		good += seq < 5 && nrec == 1 && raw == 2 && stored == 2 &&
		    pf_seg_time(r) == times[seq];
	is_int(good, 5, "pf_seg_skim(): the same times, lengths and counts");
	pf_seg_close_reader(r);

	file = load("time", &flen);
	n = mkframe(frame, 0, 2, 1, 2, "c\n", 2, T0);
	ok(flen == 32 + 5 * (FRAME_OVH + 2) &&
	    memcmp(file + 32 + 2 * (FRAME_OVH + 2), frame, n) == 0,
	    "a frame is laid out as documented (time at byte 16, a 40-byte "
	    "header)");
	free(file);
}

/* Cut a segment at every offset inside its last frame and header. */
static void
test_torn(int level)
{
	struct got	 g;
	char		*want[NFRAMES], *file;
	size_t		 wantlen[NFRAMES], flen, cut;
	off_t		 ends[NFRAMES], start;
	int		 torn = 0, clean = 0, n = 0, headers = 0, cutok = 0;
	char		 name[32];

	snprintf(name, sizeof(name), "torn-%d", level);
	mkseg(name, level, 0, want, wantlen, ends);
	file = load(name, &flen);
	start = ends[NFRAMES - 2];
	for (cut = start; cut < flen; cut++) {
		save("torn-cut", file, cut);
		readseg("torn-cut", &g, want, wantlen);
		n++;
		if (cut == (size_t)start) {
			clean = g.last == 0 && g.frames == NFRAMES - 1 &&
			    g.bad == 0 && g.off == start;
			continue;
		}
		if (g.last == PF_SEG_TORN && g.frames == NFRAMES - 1 &&
		    g.bad == 0 && g.off == start)
			torn++;
		else
			diag("cut %zu: last %d frames %d off %lld", cut,
			    g.last, g.frames, (long long)g.off);
		if (pf_seg_truncate_torn(dfd, "torn-cut", g.off) == 0) {
			readseg("torn-cut", &g, want, wantlen);
			if (g.last == 0 && g.frames == NFRAMES - 1)
				cutok++;
		}
	}
	ok(clean, "level %d: cut at a frame boundary is a clean end",
	    level);
	is_int(torn, n - 1, "level %d: a cut anywhere in the last frame is "
	    "torn, at its offset, with every earlier frame", level);
	is_int(cutok, n - 1, "level %d: pf_seg_truncate_torn() leaves a "
	    "clean segment", level);
	for (cut = 0; cut < 32; cut++) {
		save("torn-cut", file, cut);
		readseg("torn-cut", &g, NULL, NULL);
		if (g.last == -9 && errno == EBADMSG && g.errstr != NULL &&
		    strcmp(g.errstr, "short header") == 0)
			headers++;
	}
	is_int(headers, 32, "level %d: a cut in the file header: EBADMSG, "
	    "short header", level);
	errno = 0;
	ok(pf_seg_truncate_torn(dfd, name, 31) == -1 && errno == EINVAL,
	    "cutting into the header refused");
	errno = 0;
	ok(pf_seg_truncate_torn(dfd, name, flen + 1) == -1 &&
	    errno == EINVAL, "cutting past the end refused");
	free(file);
	freewant(want);
}

/* Flip one bit in every byte in turn. */
static void
test_bits(void)
{
	struct got	 g;
	char		*want[NFRAMES], *file;
	size_t		 wantlen[NFRAMES], flen, i;
	off_t		 ends[NFRAMES];
	int		 good = 0, hdr = 0, k, levels[2] = { 0, 3 }, lv;
	char		 name[32];

	for (lv = 0; lv < 2; lv++) {
		snprintf(name, sizeof(name), "bits-%d", levels[lv]);
		mkseg(name, levels[lv], 0, want, wantlen, ends);
		file = load(name, &flen);
		/* The file header, then the first three frames. */
		for (i = 0; i < (size_t)ends[2]; i++) {
			file[i] ^= 1 << (i % 8);
			save("bits-flip", file, flen);
			file[i] ^= 1 << (i % 8);
			readseg("bits-flip", &g, want, wantlen);
			if (i < 32) {
				hdr += g.last == -9 && g.errstr != NULL &&
				    strcmp(g.errstr, "bad header") == 0;
				continue;
			}
			for (k = 0; (size_t)ends[k] <= i; k++)
				;
			if (g.last == -1 && g.frames == k && g.bad == 0 &&
			    g.off == (k == 0 ? 32 : ends[k - 1]))
				good++;
			else
				diag("level %d byte %zu: last %d frames %d "
				    "off %lld %s", levels[lv], i, g.last,
				    g.frames, (long long)g.off,
				    g.errstr ? g.errstr : "");
		}
		is_int(hdr, 32, "level %d: a flipped bit in the file header: "
		    "bad header", levels[lv]);
		is_int(good, ends[2] - 32, "level %d: a flipped bit in a "
		    "frame: corruption at that frame's offset", levels[lv]);
		hdr = good = 0;
		free(file);
		freewant(want);
	}
}

/* pf_seg_skim() against pf_seg_next(): good, torn and damaged files. */
static void
test_skim(int level)
{
	struct pf_seg_reader	*r;
	struct walk		 wn, ws;
	const char		*errstr, *data;
	char			*want[NFRAMES], *file;
	size_t			 wantlen[NFRAMES], flen, cut, i, len;
	off_t			 ends[NFRAMES];
	uint64_t		 seq;
	uint32_t		 nrec, raw, stored;
	int			 n = 0, same = 0, hdr = 0, pay = 0, k;
	char			 name[32];

	snprintf(name, sizeof(name), "skim-%d", level);
	mkseg(name, level, 0, want, wantlen, ends);
	ok(sameends(name, &wn, &ws) && ws.n == NFRAMES && ws.last == 0 &&
	    ws.off[NFRAMES] == ends[NFRAMES - 1],
	    "level %d: skim and next agree on a good segment", level);
	for (k = 0; k < NFRAMES; k++)
		same += ws.time[k] == frametime(k) &&
		    ws.raw[k] == wantlen[k] && ws.nrec[k] == (uint32_t)k + 1 &&
		    ws.off[k] + FRAME_OVH + (off_t)ws.stored[k] == ends[k];
	is_int(same, NFRAMES, "level %d: skim's times, lengths and counts "
	    "are right", level);

	/* Skip 10 frames, then read the next one. */
	if ((r = pf_seg_open(dfd, name, &errstr)) == NULL)
		abort();
	for (k = 0; k < 10; k++)
		if (pf_seg_skim(r, &seq, &nrec, &raw, &stored, &errstr) != 1)
			abort();
	ok(pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 1 &&
	    seq == 1000 + 55 && nrec == 11 && len == wantlen[10] &&
	    memcmp(data, want[10], len) == 0 &&
	    pf_seg_time(r) == frametime(10),
	    "level %d: pf_seg_next() after pf_seg_skim() reads on", level);
	pf_seg_close_reader(r);

	/* Cut in the last frame: every byte near its ends, some between. */
	file = load(name, &flen);
	same = 0;
	for (cut = ends[NFRAMES - 2]; cut < flen; cut += cut <
	    (size_t)ends[NFRAMES - 2] + 64 || cut + 64 > flen ? 1 : 61) {
		save("skim-x", file, cut);
		n++;
		same += sameends("skim-x", &wn, &ws) &&
		    ws.n == NFRAMES - 1 && ws.off[ws.n] == ends[NFRAMES - 2] &&
		    ws.last == (cut == (size_t)ends[NFRAMES - 2] ? 0 :
		    PF_SEG_TORN);
	}
	is_int(same, n, "level %d: skim and next agree on a segment cut "
	    "in its last frame (%d cuts)", level, n);

	/* A flipped bit in the header of the third frame. */
	for (i = ends[1]; i < (size_t)ends[1] + FRAME_HDR; i++) {
		file[i] ^= 1 << (i % 8);
		save("skim-x", file, flen);
		file[i] ^= 1 << (i % 8);
		hdr += sameends("skim-x", &wn, &ws) && ws.last == -1 &&
		    ws.n == 2 && ws.off[2] == ends[1];
	}
	is_int(hdr, FRAME_HDR, "level %d: a flipped bit in a frame header: "
	    "skim and next fail alike at that frame", level);

	/* In its payload or payload checksum: skim does not see it. */
	for (; i < (size_t)ends[2]; i++) {
		file[i] ^= 1 << (i % 8);
		save("skim-x", file, flen);
		file[i] ^= 1 << (i % 8);
		walk("skim-x", 0, &wn);
		walk("skim-x", 1, &ws);
		pay += wn.last == -1 && wn.n == 2 && wn.off[2] == ends[1] &&
		    ws.last == 0 && ws.n == NFRAMES &&
		    ws.off[NFRAMES] == (off_t)flen;
	}
	is_int(pay, ends[2] - ends[1] - FRAME_HDR, "level %d: a flipped bit "
	    "in a payload: next fails at that frame, skim does not notice",
	    level);
	free(file);
	freewant(want);
}

/* A bad payload under a good header: pf_seg_pass() steps over it. */
static void
test_pass(int level)
{
	struct pf_seg_reader	*r;
	struct pf_seg_writer	*w;
	char			*want[NFRAMES], *file;
	size_t			 wantlen[NFRAMES], flen, len;
	off_t			 ends[NFRAMES];
	const char		*errstr, *data;
	uint64_t		 seq;
	uint32_t		 nrec, lost;
	int			 ret, good = 0, i;
	char			 name[32];

	snprintf(name, sizeof(name), "pass-%d", level);
	mkseg(name, level, 0, want, wantlen, ends);
	file = load(name, &flen);
	/* The last payload byte of frame 3 (its trailer follows). */
	file[ends[3] - 9] ^= 0x10;
	save("pass-bad", file, flen);
	r = pf_seg_open(dfd, "pass-bad", &errstr);
	errno = 0;
	ok(r != NULL && pf_seg_pass(r, &lost) == -1 && errno == EINVAL,
	    "level %d: nothing to pass before a failure", level);
	for (i = 0; i < 3; i++)
		good += pf_seg_next(r, &data, &len, &seq, &nrec, &errstr) == 1;
	ret = pf_seg_next(r, &data, &len, &seq, &nrec, &errstr);
	ok(good == 3 && ret == -1 && errno == EBADMSG &&
	    pf_seg_offset(r) == ends[2], "level %d: the bad frame fails at "
	    "its offset (%s)", level, errstr ? errstr : "");
	ok(pf_seg_pass(r, &lost) == 0 && lost == 4,
	    "level %d: pass steps over its 4 records", level);
	ret = pf_seg_next(r, &data, &len, &seq, &nrec, &errstr);
	ok(ret == 1 && seq == 1000 + 1 + 2 + 3 + 4 && nrec == 5 &&
	    len == wantlen[4] && memcmp(data, want[4], len) == 0,
	    "level %d: and the next frame reads", level);
	errno = 0;
	ok(pf_seg_pass(r, &lost) == -1 && errno == EINVAL,
	    "level %d: no pass after a good frame", level);
	pf_seg_close_reader(r);

	/* A bad header is not passed: its length cannot be trusted. */
	free(file);
	file = load(name, &flen);
	file[ends[2] + 30] ^= 0x01;
	save("pass-bad", file, flen);
	r = pf_seg_open(dfd, "pass-bad", &errstr);
	for (i = 0; i < 3; i++)
		(void)pf_seg_next(r, &data, &len, &seq, &nrec, &errstr);
	ret = pf_seg_next(r, &data, &len, &seq, &nrec, &errstr);
	errno = 0;
	ok(ret == -1 && pf_seg_pass(r, &lost) == -1 && errno == EINVAL,
	    "level %d: a bad frame header is not passed", level);
	pf_seg_close_reader(r);
	free(file);
	freewant(want);

	/* The kind round-trips; out of range is refused. */
	w = pf_seg_create(dfd, "kind", 0, level, 2, &errstr);
	ok(w != NULL && pf_seg_close(w) == 0 &&
	    (r = pf_seg_open(dfd, "kind", &errstr)) != NULL &&
	    pf_seg_kind(r) == 2, "level %d: the kind is kept", level);
	pf_seg_close_reader(r);
	unlinkat(dfd, "kind", 0);
	errno = 0;
	ok(pf_seg_create(dfd, "kind", 0, level, PF_SEG_KIND_MAX + 1,
	    &errstr) == NULL && errno == EINVAL,
	    "level %d: a kind over PF_SEG_KIND_MAX refused", level);
}

static void
test_gap(void)
{
	struct pf_seg_writer	*w;
	struct got		 g;
	const char		*errstr;
	char			*a, *b, *c;
	size_t			 alen, blen;

	w = pf_seg_create(dfd, "gap-a", 0, 0, 0, &errstr);
	pf_seg_append(w, "a\n", 2, 1, T0);
	pf_seg_append(w, "b\nc\n", 4, 2, T0);
	pf_seg_close(w);
	w = pf_seg_create(dfd, "gap-b", 5, 0, 0, &errstr);
	pf_seg_append(w, "f\n", 2, 1, T0);
	pf_seg_close(w);
	a = load("gap-a", &alen);
	b = load("gap-b", &blen);
	if ((c = malloc(2 * alen + blen)) == NULL)
		abort();
	memcpy(c, a, alen);
	memcpy(c + alen, b + 32, blen - 32);
	save("gap", c, alen + blen - 32);
	readseg("gap", &g, NULL, NULL);
	ok(g.last == -1 && g.frames == 2 && g.off == (off_t)alen &&
	    g.seq == 3 && strcmp(g.errstr, "sequence gap") == 0,
	    "a sequence gap is corruption at its frame");
	/* A frame repeated: sequence numbers going back. */
	memcpy(c + alen, a + 32, alen - 32);
	save("gap", c, alen + alen - 32);
	readseg("gap", &g, NULL, NULL);
	ok(g.last == -1 && g.frames == 2 && g.off == (off_t)alen &&
	    strcmp(g.errstr, "sequence gap") == 0,
	    "a repeated frame is corruption");
	free(a);
	free(b);
	free(c);
}

/* Frames with valid checksums whose lengths lie. */
static void
test_lies(void)
{
	struct pf_seg_writer	*w;
	struct got		 g;
	struct walk		 wn, ws;
	const char		*errstr;
	unsigned char		*buf, *f, *zeros;
	char			*hdr;
	size_t			 hlen, z, n;
	uint32_t		 huge = 1U << 31;

	w = pf_seg_create(dfd, "lie", 0, 0, 0, &errstr);
	pf_seg_close(w);
	hdr = load("lie", &hlen);
	if ((buf = malloc(1 << 20)) == NULL ||
	    (zeros = calloc(1, 8 << 20)) == NULL)
		abort();
	memcpy(buf, hdr, 32);
	f = buf + 32;

	n = mkframe(f, 0, 0, 1, huge, "x", 1, T0);
	put32(f + 32, huge);
	put32(f + 36, (uint32_t)XXH3_64bits(f, 36));
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && g.off == 32 &&
	    strcmp(g.errstr, "frame too large") == 0,
	    "raw_len and stored_len 2^31: too large, nothing allocated");
	ok(sameends("lie-x", &wn, &ws) && ws.last == -1,
	    "pf_seg_skim(): too large all the same");

	n = mkframe(f, 1, 0, 1, huge, "x", 1, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "frame too large") == 0,
	    "a zstd frame claiming raw_len 2^31: too large");

	/* A valid header whose 60 MiB payload is missing: torn. */
	n = mkframe(f, 0, 0, 1, 60 << 20, "x", 1, T0);
	put32(f + 32, 60 << 20);
	put32(f + 36, (uint32_t)XXH3_64bits(f, 36));
	save("lie-x", buf, 32 + FRAME_HDR + 100);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == PF_SEG_TORN && g.off == 32,
	    "a header promising more than the file holds: torn");
	ok(sameends("lie-x", &wn, &ws) && ws.last == PF_SEG_TORN,
	    "pf_seg_skim(): torn all the same");

	/* 8 MiB of zeros in a few hundred bytes, said to be 1 MiB. */
	z = ZSTD_compress(f + FRAME_HDR, (1 << 20) - 200, zeros, 8 << 20,
	    1);
	if (ZSTD_isError(z))
		abort();
	memmove(zeros, f + FRAME_HDR, z);
	n = mkframe(f, 1, 0, 1, 1 << 20, zeros, z, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && g.off == 32 &&
	    strcmp(g.errstr, "bad zstd frame") == 0,
	    "a zstd bomb is corruption");

	/* 1000 bytes said to be 2000, then 500. */
	memset(zeros, 'a', 1000);
	z = ZSTD_compress(zeros + 1000, 4096, zeros, 1000, 1);
	n = mkframe(f, 1, 0, 1, 2000, zeros + 1000, z, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "zstd size mismatch") == 0,
	    "a zstd payload shorter than raw_len: size mismatch");
	n = mkframe(f, 1, 0, 1, 500, zeros + 1000, z, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "bad zstd frame") == 0,
	    "a zstd payload longer than raw_len: corruption");
	n = mkframe(f, 1, 0, 1, 1000, "not zstd", 8, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "bad zstd frame") == 0,
	    "a payload that is not zstd: corruption");
	n = mkframe(f, 0, 0, 1, 3, "ab", 2, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "frame length mismatch") == 0,
	    "a raw frame whose lengths differ: corruption");
	n = mkframe(f, 4, 0, 1, 2, "ab", 2, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "unknown frame flags") == 0,
	    "unknown flags: corruption");
	n = mkframe(f, 0, 0, 0, 2, "ab", 2, T0);
	save("lie-x", buf, 32 + n);
	readseg("lie-x", &g, NULL, NULL);
	ok(g.last == -1 && strcmp(g.errstr, "empty frame") == 0,
	    "a frame of no records: corruption");
	free(hdr);
	free(buf);
	free(zeros);
}

static void
test_garbage(void)
{
	struct got	 g;
	char		*want[NFRAMES], *file;
	size_t		 wantlen[NFRAMES], flen;
	off_t		 ends[NFRAMES];
	int		 n, torn = 0, bad = 0;

	mkseg("garbage", 1, 0, want, wantlen, ends);
	file = load("garbage", &flen);
	if ((file = realloc(file, flen + 1024)) == NULL)
		abort();
	for (n = 1; n <= 1024; n++) {
		fill(file + flen, n, 1);
		save("garbage-x", file, flen + n);
		readseg("garbage-x", &g, want, wantlen);
		if (g.frames == NFRAMES && g.bad == 0 && g.off == (off_t)flen) {
			if (n < FRAME_HDR && g.last == PF_SEG_TORN)
				torn++;
			if (n >= FRAME_HDR && g.last == -1)
				bad++;
		}
	}
	is_int(torn, FRAME_HDR - 1, "garbage shorter than a frame header: "
	    "torn");
	is_int(bad, 1024 - (FRAME_HDR - 1), "garbage of a frame header or "
	    "more: corruption");
	memset(file + flen, 0, FRAME_HDR);
	save("garbage-x", file, flen + FRAME_HDR);
	readseg("garbage-x", &g, want, wantlen);
	ok(g.last == -1 && g.off == (off_t)flen &&
	    strcmp(g.errstr, "bad frame magic") == 0,
	    "zeros after the last frame: bad frame magic");
	free(file);
	freewant(want);
}

static void
test_names(void)
{
	struct pf_seg_writer	*w;
	const char		*errstr;
	struct stat		 st;

	w = pf_seg_create(dfd, "excl", 0, 0, 0, &errstr);
	pf_seg_append(w, "a\n", 2, 1, T0);
	pf_seg_close(w);
	errno = 0;
	ok(pf_seg_create(dfd, "excl", 0, 0, 0, &errstr) == NULL &&
	    errno == EEXIST, "create over an existing file: EEXIST");
	ok(fstatat(dfd, "excl", &st, 0) == 0 && st.st_size == 82,
	    "the existing file is untouched");
	ok((st.st_mode & 0777) == 0600, "segments are created 0600");
	if (symlinkat("target", dfd, "link") == -1)
		abort();
	errno = 0;
	ok(pf_seg_create(dfd, "link", 0, 0, 0, &errstr) == NULL &&
	    (errno == EEXIST || errno == ELOOP) &&
	    fstatat(dfd, "target", &st, AT_SYMLINK_NOFOLLOW) == -1,
	    "create through a symlink refused, nothing created");
	if (symlinkat("excl", dfd, "link2") == -1)
		abort();
	errno = 0;
	ok(pf_seg_open(dfd, "link2", &errstr) == NULL && errno == ELOOP,
	    "open through a symlink refused (ELOOP)");
	errno = 0;
	ok(pf_seg_truncate_torn(dfd, "link2", 32) == -1 && errno == ELOOP,
	    "cutting through a symlink refused (ELOOP)");
	if (mkfifoat(dfd, "fifo", 0600) == -1)
		abort();
	errno = 0;
	ok(pf_seg_open(dfd, "fifo", &errstr) == NULL && errno == EINVAL,
	    "a FIFO refused without blocking");
	save("notseg", "PFSPILL2\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0", 32);
	errno = 0;
	ok(pf_seg_open(dfd, "notseg", &errstr) == NULL && errno == EBADMSG &&
	    strcmp(errstr, "bad header") == 0, "a bad magic: bad header");
}

/* A file size limit: EFBIG (SIGXFSZ ignored), cut back, retried. */
static void
test_efbig(void)
{
	struct pf_seg_writer	*w;
	struct rlimit		 old, lim;
	struct got		 g;
	const char		*errstr;
	char			 rec[3000];
	int			 i, accepted = 0, err = 0;
	off_t			 bytes;

	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &old) == -1)
		abort();
	w = pf_seg_create(dfd, "efbig", 0, 0, 0, &errstr);
	fill(rec, sizeof(rec), 1);
	lim = old;
	lim.rlim_cur = 20000;
	if (setrlimit(RLIMIT_FSIZE, &lim) == -1)
		abort();
	for (i = 0; i < 20; i++) {
		if (pf_seg_append(w, rec, sizeof(rec), 1, T0) == 0)
			accepted++;
		else {
			err = errno;
			break;
		}
	}
	bytes = pf_seg_bytes(w);
	setrlimit(RLIMIT_FSIZE, &old);
	is_int(err, EFBIG, "over the file size limit: EFBIG");
	readseg("efbig", &g, NULL, NULL);
	ok(g.last == 0 && g.frames == accepted && g.off == bytes,
	    "the file holds every accepted frame and ends cleanly");
	ok(pf_seg_append(w, rec, sizeof(rec), 1, T0) == 0 &&
	    pf_seg_close(w) == 0, "the retried append succeeds");
	readseg("efbig", &g, NULL, NULL);
	ok(g.last == 0 && g.frames == accepted + 1 &&
	    g.seq == (uint64_t)accepted + 1, "and reads back");
	signal(SIGXFSZ, SIG_DFL);
}

/* A real full disk: a 256k tmpfs. */
static void
test_enospc(void)
{
	struct pf_seg_writer	*w;
	struct got		 g;
	const char		*errstr;
	char			 mnt[4200], *filler, rec[5000];
	int			 mfd, sfd, i, accepted = 0, err = 0;
	off_t			 bytes;

	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	if (mkdir(mnt, 0700) == -1)
		abort();
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=256k") == -1) {
		printf("ok %d # SKIP cannot mount a tmpfs: %s\n", ++tap_n,
		    strerror(errno));
		rmdir(mnt);
		return;
	}
	if ((mfd = open(mnt, O_RDONLY | O_DIRECTORY)) == -1)
		abort();
	if ((filler = calloc(1, 64 << 10)) == NULL ||
	    (sfd = openat(mfd, "filler", O_WRONLY | O_CREAT, 0600)) == -1 ||
	    write(sfd, filler, 64 << 10) != 64 << 10 || close(sfd) == -1)
		abort();
	w = pf_seg_create(mfd, "seg", 0, 0, 0, &errstr);
	ok(w != NULL, "a segment on the small tmpfs");
	fill(rec, sizeof(rec), 1);
	for (i = 0; i < 100; i++) {
		if (pf_seg_append(w, rec, sizeof(rec), 2, T0) == 0)
			accepted++;
		else {
			err = errno;
			break;
		}
	}
	bytes = pf_seg_bytes(w);
	is_int(err, ENOSPC, "appending until the disk is full: ENOSPC");
	dfd = mfd;
	readseg("seg", &g, NULL, NULL);
	ok(g.last == 0 && g.frames == accepted && g.off == bytes &&
	    accepted > 0, "every accepted frame reads back (%d), clean end",
	    accepted);
	ok(pf_seg_append(w, rec, sizeof(rec), 2, T0) == -1 &&
	    errno == ENOSPC,
	    "still full: ENOSPC again, the file still valid");
	readseg("seg", &g, NULL, NULL);
	ok(g.last == 0 && g.frames == accepted, "and still reads cleanly");
	unlinkat(mfd, "filler", 0);
	ok(pf_seg_append(w, rec, sizeof(rec), 2, T0) == 0 &&
	    pf_seg_sync(w) == 0 && pf_seg_close(w) == 0,
	    "space freed: the retried append succeeds");
	readseg("seg", &g, NULL, NULL);
	ok(g.last == 0 && g.frames == accepted + 1 &&
	    g.seq == 2 * ((uint64_t)accepted + 1),
	    "all frames read back, sequence numbers unbroken");
	free(filler);
	close(mfd);
	if (umount(mnt) == -1)
		diag("umount %s: %s", mnt, strerror(errno));
	rmdir(mnt);
}

int
main(void)
{
	const char	*tmp;
	char		 cmd[4200];
	int		 rc;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/pf-segment.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		abort();

	test_roundtrip(0);
	test_roundtrip(1);
	test_roundtrip(19);
	test_refused();
	test_time();
	test_torn(0);
	test_torn(1);
	test_bits();
	test_skim(0);
	test_skim(3);
	test_pass(0);
	test_pass(3);
	test_gap();
	test_lies();
	test_garbage();
	test_names();
	test_efbig();
	test_enospc();

	rc = done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return (1);
	return (rc);
}
