/* SPDX-License-Identifier: ISC */
/*
 * spilldir.c: a spill directory, safely.
 *
 * spill keeps records that do not fit in memory, and with --durable
 * records not yet delivered, in segment files under one directory.  Those
 * files hold other people's data and decide what the next run replays, so
 * the directory must be ours alone: it is created 0700, refused when owned
 * by another user or writable by group or others, opened once and from
 * then on used only through its descriptor, so that nobody can swap a
 * symlink in for it later.  Every file in it is opened O_NOFOLLOW, created
 * O_EXCL and named by us ("seg-%016llx.pfs"), never after anything read
 * from the input.  A lock file held with flock(2) keeps two spills from
 * sharing a directory, and the read position is checkpointed by writing a
 * temporary file and renaming it over the old one, so a crash leaves the
 * old checkpoint or the new one, never half of one.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "fault.h"

#define SPILLDIR_LOCK		"lock"
#define SPILLDIR_CKPT		"checkpoint"
#define SPILLDIR_CKPT_TMP	"checkpoint.tmp"
#define SPILLDIR_FULL(e)	((e) == ENOSPC || (e) == EDQUOT || (e) == EFBIG)
#define SPILLDIR_TEMPLATE	"pipeflow-spill.XXXXXX"
#define SPILLDIR_LOCK_TRIES	10

struct pf_spilldir {
	int	 dirfd;
	int	 lockfd;
	int	 temporary;	/* made by mkdtemp, removed at close */
	char	*path;
};

static int	 spilldir_lock(struct pf_spilldir *, const char **);
static int	 spilldir_parse(const char *, uint64_t *);
static int	 spilldir_cmp(const void *, const void *);
static int	 spilldir_writeall(int, const void *, size_t);
static void	 spilldir_empty(struct pf_spilldir *);
static void	 spilldir_free(struct pf_spilldir *);

/*
 * Take the lock.  flock(2) locks belong to the open file description, so
 * a second open of the lock in this very process conflicts too.  Once we
 * hold it, the name must still lead to the file we locked: a spill that
 * removed its directory's files at close may have unlinked it after we
 * opened it, and a lock on an unlinked file excludes nobody.
 */
static int
spilldir_lock(struct pf_spilldir *d, const char **errstr)
{
	struct stat	sb, sn;
	int		fd, tries, serrno;

	for (tries = 0; tries < SPILLDIR_LOCK_TRIES; tries++) {
		/* O_NONBLOCK: a FIFO planted here must not hang us. */
		fd = openat(d->dirfd, SPILLDIR_LOCK, O_RDWR | O_CREAT |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		if (fd == -1) {
			if (errno == ELOOP)
				*errstr = "lock is a symbolic link";
			else
				*errstr = "cannot open lock";
			return (-1);
		}
		if (fstat(fd, &sb) == -1) {
			*errstr = "cannot open lock";
			goto fail;
		}
		if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
			*errstr = "lock is not a regular file";
			errno = EPERM;
			goto fail;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK) {
				*errstr = "in use by another spill";
				errno = EBUSY;
			} else
				*errstr = "cannot lock";
			goto fail;
		}
		if (fstatat(d->dirfd, SPILLDIR_LOCK, &sn,
		    AT_SYMLINK_NOFOLLOW) == 0 && sn.st_dev == sb.st_dev &&
		    sn.st_ino == sb.st_ino) {
			d->lockfd = fd;
			return (0);
		}
		(void)close(fd);
	}
	*errstr = "cannot lock";
	errno = EAGAIN;
	return (-1);

fail:
	serrno = errno;
	(void)close(fd);
	errno = serrno;
	return (-1);
}

/*
 * On failure *errstr (if errstr is not NULL) names the problem; see
 * pipeflow.h.
 */
struct pf_spilldir *
pf_spilldir_open(const char *path, const char **errstr)
{
	struct pf_spilldir	*d;
	const char		*e = "out of memory", *tmp;
	size_t			 len;
	int			 created = 0, serrno;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		goto fail;
	d->dirfd = d->lockfd = -1;
	if (path == NULL) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		len = strlen(tmp);
		if (asprintf(&d->path, "%s%s" SPILLDIR_TEMPLATE, tmp,
		    tmp[len - 1] == '/' ? "" : "/") == -1) {
			d->path = NULL;
			errno = ENOMEM;
			goto fail;
		}
		if (mkdtemp(d->path) == NULL) {
			e = "cannot create directory";
			goto fail;
		}
		d->temporary = created = 1;
	} else {
		if ((d->path = strdup(path)) == NULL)
			goto fail;
	}
	if ((d->dirfd = pf_privdir_open(d->path, created ? PF_PRIVDIR_MADE :
	    PF_PRIVDIR_CREATE, &e)) == -1)
		goto fail;
	if (spilldir_lock(d, &e) == -1)
		goto fail;
	return (d);

fail:
	serrno = errno;
	if (d != NULL && d->temporary) {
		/* Only our lock can be in a directory just made. */
		if (d->dirfd != -1)
			(void)unlinkat(d->dirfd, SPILLDIR_LOCK, 0);
		(void)rmdir(d->path);
	}
	spilldir_free(d);
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (NULL);
}

int
pf_spilldir_fd(const struct pf_spilldir *d)
{
	return (d->dirfd);
}

const char *
pf_spilldir_path(const struct pf_spilldir *d)
{
	return (d->path);
}

int
pf_spilldir_segname(char *buf, size_t len, uint64_t n)
{
	int	r;

	r = snprintf(buf, len, "seg-%016" PRIx64 ".pfs", n);
	if (r < 0 || (size_t)r >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/*
 * Exactly what pf_spilldir_segname() writes, lower-case hex only, so that
 * names and numbers map one to one.
 */
struct pf_spilldir *
pf_spilldir_inspect(const char *path, const char **errstr)
{
	struct pf_spilldir	*d;
	const char		*e = "out of memory";
	int			 serrno;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		goto fail;
	d->dirfd = d->lockfd = -1;
	if ((d->path = strdup(path)) == NULL)
		goto fail;
	if ((d->dirfd = pf_privdir_open(d->path, 0, &e)) == -1)
		goto fail;
	return (d);

fail:
	serrno = errno;
	spilldir_free(d);
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (NULL);
}

static int
spilldir_parse(const char *name, uint64_t *np)
{
	uint64_t	n = 0;
	size_t		i;
	int		ch;

	if (strlen(name) != PF_SPILLDIR_SEGNAME_MAX - 1 ||
	    strncmp(name, "seg-", 4) != 0 || strcmp(name + 20, ".pfs") != 0)
		return (-1);
	for (i = 4; i < 20; i++) {
		ch = (unsigned char)name[i];
		if (ch >= '0' && ch <= '9')
			n = n << 4 | (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			n = n << 4 | (uint64_t)(ch - 'a' + 10);
		else
			return (-1);
	}
	*np = n;
	return (0);
}

static int
spilldir_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

int
pf_spilldir_list(struct pf_spilldir *d, uint64_t **nums, size_t *np,
    size_t *others, const char **errstr)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*dp;
	uint64_t	*v = NULL, *nv, n;
	size_t		 count = 0, size = 0, other = 0;
	int		 fd, serrno;
	const char	*e = "cannot read directory";

	/* A descriptor of our own: readdir moves its offset. */
	fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		goto fail;
	if ((dp = fdopendir(fd)) == NULL) {
		serrno = errno;
		(void)close(fd);
		errno = serrno;
		goto fail;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL) {
			if (errno != 0)
				goto fail_dir;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, SPILLDIR_LOCK) == 0 ||
		    strcmp(de->d_name, SPILLDIR_CKPT) == 0 ||
		    strcmp(de->d_name, SPILLDIR_CKPT_TMP) == 0)
			continue;
		/* A symlink or directory by a segment's name: a stranger. */
		if (spilldir_parse(de->d_name, &n) == -1 ||
		    fstatat(d->dirfd, de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode)) {
			other++;
			continue;
		}
		if (count == size) {
			size = size == 0 ? 64 : size * 2;
			nv = reallocarray(v, size, sizeof(*v));
			if (nv == NULL) {
				e = "out of memory";
				goto fail_dir;
			}
			v = nv;
		}
		v[count++] = n;
	}
	(void)closedir(dp);
	if (count > 0)
		qsort(v, count, sizeof(*v), spilldir_cmp);
	*nums = v;
	*np = count;
	if (others != NULL)
		*others = other;
	return (0);

fail_dir:
	serrno = errno;
	(void)closedir(dp);
	errno = serrno;
fail:
	serrno = errno;
	free(v);
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (-1);
}

/* Write all of buf, retrying short writes and EINTR. */
static int
spilldir_writeall(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	size_t		 l;
	int		 err;

	while (len > 0) {
		l = len;
		if ((err = pf_fault(PF_FAULT_CKPT, &l)) != 0) {
			errno = err;
			n = -1;
		} else
			n = write(fd, p, l);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0) {
			errno = EIO;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * A full disk: rewrite the checkpoint in place.  Only when it already
 * holds at least len bytes, so that nothing is allocated; a single write
 * of a few dozen bytes at offset 0 is not torn by a crash of the process
 * (a checksum catches the rest).
 */
static int
spilldir_checkpoint_inplace(struct pf_spilldir *d, const void *buf,
    size_t len, int sync, const char **e)
{
	struct stat	 sb;
	const char	*p = buf;
	ssize_t		 n;
	size_t		 l, off = 0;
	int		 fd, err, serrno;

	fd = openat(d->dirfd, SPILLDIR_CKPT, O_WRONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return (-1);
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1 ||
	    (uintmax_t)sb.st_size < len) {
		errno = ENOSPC;
		goto fail;
	}
	while (off < len) {
		l = len - off;
		if ((err = pf_fault(PF_FAULT_CKPT, &l)) != 0) {
			errno = err;
			n = -1;
		} else
			n = pwrite(fd, p + off, l, (off_t)off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0) {
			errno = EIO;
			goto fail;
		}
		off += (size_t)n;
	}
	/* Shrinking needs no space. */
	while ((uintmax_t)sb.st_size > len && ftruncate(fd, (off_t)len) == -1)
		if (errno != EINTR)
			goto fail;
	if (sync && (pf_fault(PF_FAULT_SYNC, NULL) != 0 ||
	    fdatasync(fd) == -1)) {
		*e = "cannot sync checkpoint";
		goto fail;
	}
	if (close(fd) == -1 && errno != EINTR)
		return (-1);
	return (0);
fail:
	serrno = errno;
	(void)close(fd);
	errno = serrno;
	return (-1);
}

/*
 * A stale temporary file (a crash between create and rename) is removed
 * first, so that O_EXCL can insist on a file of our own making: whatever
 * is planted by that name, a symlink included, is unlinked, never
 * followed.
 */
int
pf_spilldir_checkpoint_write(struct pf_spilldir *d, const void *buf,
    size_t len, int sync, const char **errstr)
{
	static const char	 w[] = "cannot write checkpoint";
	const char	*e = w;
	int		 fd, serrno;

	if (unlinkat(d->dirfd, SPILLDIR_CKPT_TMP, 0) == -1 &&
	    errno != ENOENT) {
		if (errstr != NULL)
			*errstr = e;
		return (-1);
	}
	fd = openat(d->dirfd, SPILLDIR_CKPT_TMP, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (SPILLDIR_FULL(errno))
			goto fail;
		if (errstr != NULL)
			*errstr = e;
		return (-1);
	}
	if (spilldir_writeall(fd, buf, len) == -1)
		goto fail;
	/* A failed fsync may have lost the data: never rename then. */
	if (sync && (pf_fault(PF_FAULT_SYNC, NULL) != 0 || fsync(fd) == -1)) {
		e = "cannot sync checkpoint";
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(d->dirfd, SPILLDIR_CKPT_TMP, d->dirfd,
	    SPILLDIR_CKPT) == -1)
		goto fail;
	if (sync && fsync(d->dirfd) == -1) {
		/* Renamed, but not known to be on disk. */
		if (errstr != NULL)
			*errstr = "cannot sync directory";
		return (-1);
	}
	return (0);

fail:
	serrno = errno;
	if (fd != -1)
		(void)close(fd);
	(void)unlinkat(d->dirfd, SPILLDIR_CKPT_TMP, 0);
	/* A full disk: the one in place has room for the new one. */
	if (SPILLDIR_FULL(serrno) && e == w) {
		if (spilldir_checkpoint_inplace(d, buf, len, sync, &e) == 0)
			return (0);
		if (e != w)
			serrno = errno;
	}
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (-1);
}

ssize_t
pf_spilldir_checkpoint_read(struct pf_spilldir *d, void *buf, size_t max,
    const char **errstr)
{
	struct stat	 sb;
	const char	*e = "cannot read checkpoint";
	char		*p = buf, extra;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, serrno;

	fd = openat(d->dirfd, SPILLDIR_CKPT, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return (0);
		if (errno == ELOOP)
			e = "checkpoint is a symbolic link";
		if (errstr != NULL)
			*errstr = e;
		return (-1);
	}
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		e = "checkpoint is not a regular file";
		errno = EPERM;
		goto fail;
	}
	if ((uintmax_t)sb.st_size > max) {
		e = "checkpoint too large";
		errno = EFBIG;
		goto fail;
	}
	/* Read to end of file: it may have changed since fstat. */
	for (;;) {
		if (got < max)
			n = read(fd, p + got, max - got);
		else
			n = read(fd, &extra, 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		if (got == max) {
			e = "checkpoint too large";
			errno = EFBIG;
			goto fail;
		}
		got += (size_t)n;
	}
	(void)close(fd);
	return ((ssize_t)got);

fail:
	serrno = errno;
	(void)close(fd);
	if (errstr != NULL)
		*errstr = e;
	errno = serrno;
	return (-1);
}

int
pf_spilldir_remove_seg(struct pf_spilldir *d, uint64_t n)
{
	char	name[PF_SPILLDIR_SEGNAME_MAX];

	if (pf_spilldir_segname(name, sizeof(name), n) == -1)
		return (-1);
	return (unlinkat(d->dirfd, name, 0));
}

/*
 * Remove what we may have made.  A temporary directory is ours alone, so
 * every entry but a subdirectory goes (unlinking a symlink leaves its
 * target alone); in a user's directory only our own names go.  The lock
 * goes last, while we still hold it.
 */
static void
spilldir_empty(struct pf_spilldir *d)
{
	struct dirent	*de;
	DIR		*dp;
	uint64_t	 n;
	int		 fd;

	fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1 && (dp = fdopendir(fd)) == NULL)
		(void)close(fd);
	else if (fd != -1) {
		while ((de = readdir(dp)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    strcmp(de->d_name, SPILLDIR_LOCK) == 0)
				continue;
			if (d->temporary ||
			    spilldir_parse(de->d_name, &n) == 0 ||
			    strcmp(de->d_name, SPILLDIR_CKPT) == 0 ||
			    strcmp(de->d_name, SPILLDIR_CKPT_TMP) == 0)
				(void)unlinkat(d->dirfd, de->d_name, 0);
		}
		(void)closedir(dp);
	}
	(void)unlinkat(d->dirfd, SPILLDIR_LOCK, 0);
}

static void
spilldir_free(struct pf_spilldir *d)
{
	if (d == NULL)
		return;
	if (d->lockfd != -1)
		(void)close(d->lockfd);
	if (d->dirfd != -1)
		(void)close(d->dirfd);
	free(d->path);
	free(d);
}

void
pf_spilldir_close(struct pf_spilldir *d, int purge)
{
	if (d == NULL)
		return;
	if (purge) {
		spilldir_empty(d);
		/* By name, but rmdir(2) only takes an empty directory. */
		if (d->temporary)
			(void)rmdir(d->path);
	}
	spilldir_free(d);
}
