/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/deadletter.c: what the writer keeps, plain and zstd,
 * over several runs appending to one file, the reader gives back byte for
 * byte; damaged zstd data is named with its offset; a failed write is
 * final.  Files live in a private directory under $TMPDIR.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED	0x6465616446ULL
#include "rand.h"
#include "tap.h"
#include "pipeflow.h"
#include "deadletter.h"

static char	dir[256];

static void	 path_in(char *, size_t, const char *);
static int	 write_runs(const char *, int, struct buf *);
static int	 read_back(const char *, struct buf *, struct pf_dl_error *);
static void	 test_roundtrip(const char *);
static void	 test_empty(void);
static void	 test_damage(void);
static void	 test_full(void);
static void	 test_flush(const char *);

static void
path_in(char *p, size_t len, const char *name)
{
	snprintf(p, len, "%s/%s", dir, name);
}

/*
 * Runs of random drop batches (one to three pieces each, as the queue
 * gives them), each run a new open of the same file.  What was written
 * goes to *want.  Returns 0, or -1 on the first failure.
 */
static int
write_runs(const char *path, int runs, struct buf *want)
{
	struct pf_dl	*dl;
	struct iovec	 iov[3];
	char		 piece[3][5000];
	size_t		 j, k, n;
	int		 r, b, nb, cnt;

	for (r = 0; r < runs; r++) {
		if ((dl = pf_dl_open(path)) == NULL)
			return (-1);
		nb = (int)rnd_in(0, 200);
		for (b = 0; b < nb; b++) {
			cnt = (int)rnd_in(1, 3);
			for (k = 0; k < (size_t)cnt; k++) {
				n = rnd_in(0, sizeof(piece[k]));
				for (j = 0; j < n; j++)
					/* Text-like, and runs that compress. */
					piece[k][j] = rnd() % 8 == 0 ? '\n' :
					    (char)(j % 64 < 32 ? 'a' + j % 26 :
					    (int)(rnd() & 0xff));
				iov[k].iov_base = piece[k];
				iov[k].iov_len = n;
				buf_add(want, piece[k], n);
			}
			if (pf_dl_write(dl, iov, cnt) == -1) {
				(void)pf_dl_close(dl);
				return (-1);
			}
		}
		if (pf_dl_close(dl) == -1)
			return (-1);
	}
	return (0);
}

/* pf_dl_copy() of path into *got, through a file. */
static int
read_back(const char *path, struct buf *got, struct pf_dl_error *err)
{
	char	out[300], chunk[65536];
	ssize_t	n;
	int	fd, ofd, r;

	path_in(out, sizeof(out), "copy");
	if ((fd = open(path, O_RDONLY)) == -1 ||
	    (ofd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	r = pf_dl_copy(fd, ofd, err);
	if (lseek(ofd, 0, SEEK_SET) == -1)
		abort();
	while ((n = read(ofd, chunk, sizeof(chunk))) > 0)
		buf_add(got, chunk, (size_t)n);
	close(fd);
	close(ofd);
	unlink(out);
	return (r);
}

static void
test_roundtrip(const char *name)
{
	struct buf		want = { 0 }, got = { 0 };
	struct pf_dl_error	err;
	struct stat		st;
	char			path[300];
	int			r;

	path_in(path, sizeof(path), name);
	ok(write_runs(path, 4, &want) == 0, "%s: four runs written", name);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "%s: mode 0600", name);
	if (pf_dl_is_zstd(name))
		ok((size_t)st.st_size < want.len,
		    "%s: compressed, %lld bytes for %zu", name,
		    (long long)st.st_size, want.len);
	else
		ok((size_t)st.st_size == want.len,
		    "%s: plain, the bytes as given", name);
	r = read_back(path, &got, &err);
	ok(r == 0, "%s: read back whole", name);
	ok(got.len == want.len && memcmp(got.p, want.p, want.len) == 0,
	    "%s: byte-exact over four appended runs (%zu bytes)", name,
	    want.len);
	unlink(path);
	buf_free(&want);
	buf_free(&got);
}

static void
test_empty(void)
{
	struct pf_dl	*dl;
	struct stat	 st;
	char		 path[300];

	path_in(path, sizeof(path), "empty.zst");
	dl = pf_dl_open(path);
	ok(dl != NULL && pf_dl_close(dl) == 0, "no drops: open and close");
	ok(stat(path, &st) == 0 && st.st_size == 0,
	    "no drops: the file stays empty, no frame");
	unlink(path);
}

static void
test_damage(void)
{
	struct buf		 want = { 0 }, got = { 0 };
	struct pf_dl_error	 err;
	struct stat		 st;
	char			 path[300];
	unsigned char		 c;
	off_t			 at;
	int			 fd, r;

	path_in(path, sizeof(path), "bad.zst");
	if (write_runs(path, 1, &want) == -1 || stat(path, &st) == -1)
		abort();

	/* Cut in the middle of the frame. */
	if (truncate(path, st.st_size / 2) == -1)
		abort();
	r = read_back(path, &got, &err);
	ok(r == -1 && err.fault == PF_DL_TRUNCATED &&
	    err.off == (uint64_t)(st.st_size / 2),
	    "truncated: said so at the offset where the data ends");
	ok(got.len <= want.len && memcmp(got.p, want.p, got.len) == 0,
	    "truncated: what came out is the front of what went in");
	buf_free(&got);
	unlink(path);
	buf_free(&want);

	/* A flipped byte: the block or the frame checksum catches it. */
	if (write_runs(path, 1, &want) == -1 || stat(path, &st) == -1)
		abort();
	at = st.st_size / 3;
	if ((fd = open(path, O_RDWR)) == -1 || pread(fd, &c, 1, at) != 1)
		abort();
	c ^= 0x5a;
	if (pwrite(fd, &c, 1, at) != 1)
		abort();
	close(fd);
	r = read_back(path, &got, &err);
	ok(r == -1 && err.fault == PF_DL_CORRUPT && err.what != NULL &&
	    err.off <= (uint64_t)st.st_size,
	    "flipped byte: corrupt, near offset %llu of %lld (%s)",
	    (unsigned long long)err.off, (long long)st.st_size,
	    err.what != NULL ? err.what : "?");
	buf_free(&got);
	unlink(path);
	buf_free(&want);

	/* Plain data that happens not to start with the magic passes. */
	path_in(path, sizeof(path), "plain");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, "\x28\xb5\x2f", 3) != 3)
		abort();
	close(fd);
	r = read_back(path, &got, &err);
	ok(r == 0 && got.len == 3, "three bytes of the magic: plain");
	buf_free(&got);
	unlink(path);
}

/*
 * What was written is in the file after pf_dl_flush(), before the close:
 * a stage that dies then leaves its drops readable (zstd: a frame not
 * ended, read up to where it stops).
 */
static void
test_flush(const char *name)
{
	struct buf		 got = { 0 };
	struct pf_dl_error	 err;
	struct pf_dl		*dl;
	struct iovec		 iov = { "dropped\n", 8 };
	struct stat		 st;
	char			 path[300];

	path_in(path, sizeof(path), name);
	if ((dl = pf_dl_open(path)) == NULL)
		abort();
	ok(pf_dl_write(dl, &iov, 1) == 0 && stat(path, &st) == 0 &&
	    st.st_size == 0, "%s: a write waits in memory", name);
	ok(pf_dl_flush(dl) == 0 && stat(path, &st) == 0 && st.st_size > 0,
	    "%s: the flush writes it out", name);
	(void)read_back(path, &got, &err);
	ok(got.len == 8 && memcmp(got.p, "dropped\n", 8) == 0,
	    "%s: readable before the close", name);
	ok(pf_dl_flush(dl) == 0, "%s: a flush with nothing new", name);
	ok(pf_dl_close(dl) == 0, "%s: close", name);
	unlink(path);
	buf_free(&got);
}

/*
 * A file size limit makes the writes fail with EFBIG (SIGXFSZ ignored, as
 * the stages do), for plain and zstd alike.
 */
static void
test_full(void)
{
	static const char *names[2] = { "big.log", "big.zst" };
	struct pf_dl	*dl;
	struct rlimit	 old, lim;
	struct iovec	 iov;
	char		 path[300], data[4096];
	size_t		 i;
	int		 z, w, r1, e1, r2, e2, rc, ec;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(rnd() & 0xff);
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &old) == -1)
		abort();
	for (z = 0; z < 2; z++) {
		path_in(path, sizeof(path), names[z]);
		if ((dl = pf_dl_open(path)) == NULL)
			abort();
		lim = old;
		lim.rlim_cur = 1024;
		if (setrlimit(RLIMIT_FSIZE, &lim) == -1)
			abort();
		/* Gathered in memory, the write goes to the file here. */
		w = pf_dl_write(dl, &iov, 1);
		r1 = pf_dl_flush(dl);
		e1 = errno;
		r2 = pf_dl_write(dl, &iov, 1);
		e2 = errno;
		rc = pf_dl_close(dl);
		ec = errno;
		if (setrlimit(RLIMIT_FSIZE, &old) == -1)
			abort();
		ok(w == 0, "%s: a write waits in memory", names[z]);
		ok(r1 == -1 && e1 == EFBIG, "%s: the flush fails", names[z]);
		ok(r2 == -1 && e2 == EFBIG,
		    "%s: and every later write, the same way", names[z]);
		ok(rc == -1 && ec == EFBIG, "%s: close says it failed",
		    names[z]);
		unlink(path);
	}
}

int
main(void)
{
	const char	*tmp;
	char		 cmd[400];

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/pf-deadletter.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		abort();

	ok(pf_dl_is_zstd("a.zst") && !pf_dl_is_zstd(".zst") &&
	    !pf_dl_is_zstd("a.zstd") && !pf_dl_is_zstd("zst"),
	    "zstd by a .zst name only");
	test_roundtrip("plain.log");
	test_roundtrip("dl.zst");
	test_empty();
	test_damage();
	test_full();
	test_flush("flush.log");
	test_flush("flush.zst");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return (done());
}
