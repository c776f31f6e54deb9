/* SPDX-License-Identifier: ISC */
/*
 * privdir.c: open a directory that must be ours and closed to others.
 *
 * Status directories and spill directories live in places like /tmp that
 * others can write to, so the same checks guard both: create only the
 * last component, never follow a symlink planted at the name, refuse a
 * directory planted by another user or left writable by others.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "pipeflow.h"

int
pf_privdir_open(const char *path, int flags, const char **errstr)
{
	struct stat	sb;
	int		fd, serrno, created = (flags & PF_PRIVDIR_MADE) != 0;

	if (*path == '\0') {
		*errstr = "empty directory name";
		errno = ENOENT;
		return (-1);
	}
	if (flags & PF_PRIVDIR_CREATE) {
		if (mkdir(path, 0700) == 0)
			created = 1;
		else if (errno != EEXIST) {
			*errstr = "cannot create directory";
			return (-1);
		}
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		/* Linux says ENOTDIR for a symlink; lstat tells them apart. */
		serrno = errno;
		if ((serrno == ELOOP || serrno == ENOTDIR) &&
		    lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
			*errstr = "is a symbolic link";
		else if (serrno == ENOTDIR)
			*errstr = "not a directory";
		else
			*errstr = "cannot open directory";
		errno = serrno;
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		*errstr = "cannot open directory";
		goto fail;
	}
	if (sb.st_uid != geteuid()) {
		*errstr = "owned by another user";
		errno = EPERM;
		goto fail;
	}
	if ((sb.st_mode & 022) != 0) {
		*errstr = "writable by group or others";
		errno = EPERM;
		goto fail;
	}
	/* A strange umask must not leave our own directory other than 0700. */
	if (created && (sb.st_mode & 0777) != 0700 && fchmod(fd, 0700) == -1) {
		*errstr = "cannot create directory";
		goto fail;
	}
	return (fd);

fail:
	serrno = errno;
	(void)close(fd);
	errno = serrno;
	return (-1);
}
