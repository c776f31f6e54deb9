/* SPDX-License-Identifier: ISC */
/*
 * spilldir.c: unit tests for the spill directory (lib/spilldir.c).
 *
 * A spill directory holds other people's data and decides what a restart
 * replays, so most of these tests are attacks: a directory open to
 * others or owned by someone else, symlinks planted where the lock, the
 * directory or the checkpoint's temporary file go, a second spill on the
 * same directory.  Each must be refused, or defused, with the target
 * left untouched.  Everything happens under a private directory in
 * $TMPDIR.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "tap.h"

#define VICTIM_TEXT	"victim\n"

static char	 base[256];

static void	 test_segname(void);
static void	 test_create(void);
static void	 test_temporary(void);
static void	 test_refuse(void);
static void	 test_lock(void);
static void	 test_checkpoint(void);
static void	 test_list(void);
static void	 touch(const char *, const char *);
static int	 victim_intact(const char *);
static void	 rmtree(const char *);

static void
touch(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
}

/* Whether the file still holds VICTIM_TEXT and nothing else. */
static int
victim_intact(const char *path)
{
	char	buf[64];
	FILE	*fp;
	size_t	n;

	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return (strcmp(buf, VICTIM_TEXT) == 0);
}

static void
rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 p[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		(void)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) == -1)
			rmtree(p);
	}
	closedir(d);
	(void)chmod(dir, 0700);
	(void)rmdir(dir);
}

static void
test_segname(void)
{
	char	buf[PF_SPILLDIR_SEGNAME_MAX];

	ok(pf_spilldir_segname(buf, sizeof(buf), 0) == 0, "segname 0");
	is_str(buf, "seg-0000000000000000.pfs", "segname 0 format");
	ok(pf_spilldir_segname(buf, sizeof(buf), 0xabcdefULL) == 0 &&
	    strcmp(buf, "seg-0000000000abcdef.pfs") == 0,
	    "segname hex lower case");
	ok(pf_spilldir_segname(buf, sizeof(buf), UINT64_MAX) == 0 &&
	    strcmp(buf, "seg-ffffffffffffffff.pfs") == 0, "segname max");
	errno = 0;
	ok(pf_spilldir_segname(buf, sizeof(buf) - 1, 1) == -1 &&
	    errno == ENAMETOOLONG, "segname too small a buffer");
}

static void
test_create(void)
{
	struct pf_spilldir	*d;
	struct stat		 sb;
	const char		*e = NULL;
	char			 dir[512], lock[600];
	mode_t			 old;

	(void)snprintf(dir, sizeof(dir), "%s/fresh", base);
	/* A lax umask must not leave the directory open. */
	old = umask(0);
	d = pf_spilldir_open(dir, &e);
	umask(old);
	ok(d != NULL, "open creates a missing directory (%s)", e ? e : "");
	if (d == NULL)
		return;
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "new directory is 0700");
	is_str(pf_spilldir_path(d), dir, "path as given");
	ok(pf_spilldir_fd(d) >= 0, "has a descriptor");
	(void)snprintf(lock, sizeof(lock), "%s/lock", dir);
	ok(stat(lock, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (sb.st_mode & 0777) == 0600, "lock file is 0600");
	pf_spilldir_close(d, 0);
	ok(stat(lock, &sb) == 0, "close without purge keeps the lock file");

	/* Reopening an existing directory works once the lock is free. */
	d = pf_spilldir_open(dir, &e);
	ok(d != NULL, "reopen after close");
	pf_spilldir_close(d, 1);
	ok(stat(lock, &sb) == -1 && stat(dir, &sb) == 0,
	    "purge of a user directory removes the lock, keeps the directory");

	(void)snprintf(dir, sizeof(dir), "%s/no/such", base);
	e = NULL;
	ok(pf_spilldir_open(dir, &e) == NULL && e != NULL &&
	    strcmp(e, "cannot create directory") == 0,
	    "only the last component is created");
	e = NULL;
	ok(pf_spilldir_open("", &e) == NULL && e != NULL &&
	    strcmp(e, "empty directory name") == 0, "empty name refused");
}

static void
test_temporary(void)
{
	struct pf_spilldir	*d;
	struct stat		 sb;
	const char		*e = NULL, *p;
	char			 tmpdir[300], path[512], seg[600];
	char			 name[PF_SPILLDIR_SEGNAME_MAX];
	const char		*saved;
	char			*saved_copy = NULL;
	size_t			 len;
	int			 fd;

	(void)snprintf(tmpdir, sizeof(tmpdir), "%s/tmpdir", base);
	if (mkdir(tmpdir, 0700) == -1) {
		ok(0, "mkdir %s", tmpdir);
		return;
	}
	if ((saved = getenv("TMPDIR")) != NULL)
		saved_copy = strdup(saved);
	setenv("TMPDIR", tmpdir, 1);
	d = pf_spilldir_open(NULL, &e);
	if (saved_copy != NULL) {
		setenv("TMPDIR", saved_copy, 1);
		free(saved_copy);
	} else
		unsetenv("TMPDIR");
	ok(d != NULL, "temporary directory (%s)", e ? e : "");
	if (d == NULL)
		return;
	p = pf_spilldir_path(d);
	len = strlen(tmpdir);
	ok(strncmp(p, tmpdir, len) == 0 &&
	    strncmp(p + len, "/pipeflow-spill.", 16) == 0 &&
	    strlen(p + len) == 22, "temporary directory under $TMPDIR: %s", p);
	(void)snprintf(path, sizeof(path), "%s", p);
	ok(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    (sb.st_mode & 0777) == 0700, "temporary directory is 0700");

	/* Contents of any name go with it. */
	(void)pf_spilldir_segname(name, sizeof(name), 7);
	fd = openat(pf_spilldir_fd(d), name, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd != -1)
		close(fd);
	(void)snprintf(seg, sizeof(seg), "%s/other", path);
	touch(seg, "x");
	ok(pf_spilldir_checkpoint_write(d, "ab", 2, 0, &e) == 0,
	    "checkpoint in temporary directory");
	pf_spilldir_close(d, 1);
	ok(stat(path, &sb) == -1 && errno == ENOENT,
	    "temporary directory removed at close");
}

static void
test_refuse(void)
{
	struct pf_spilldir	*d;
	struct stat		 sb;
	const char		*e;
	char			 dir[512], lnk[512], victim[512], p[600];

	(void)snprintf(dir, sizeof(dir), "%s/gw", base);
	mkdir(dir, 0700);
	chmod(dir, 0770);
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d == NULL && e != NULL &&
	    strcmp(e, "writable by group or others") == 0 && errno == EPERM,
	    "group-writable directory refused");
	pf_spilldir_close(d, 0);
	(void)snprintf(p, sizeof(p), "%s/lock", dir);
	ok(lstat(p, &sb) == -1, "nothing created in a refused directory");

	(void)snprintf(dir, sizeof(dir), "%s/ww", base);
	mkdir(dir, 0700);
	chmod(dir, 01777);
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d == NULL && e != NULL &&
	    strcmp(e, "writable by group or others") == 0,
	    "world-writable (sticky) directory refused");
	pf_spilldir_close(d, 0);

	(void)snprintf(dir, sizeof(dir), "%s/foreign", base);
	mkdir(dir, 0700);
	if (geteuid() != 0)
		printf("ok %d # SKIP giving a directory away needs root\n",
		    ++tap_n);
	else if (chown(dir, 65534, 65534) == -1)
		printf("ok %d # SKIP cannot chown to 65534\n", ++tap_n);
	else {
		e = NULL;
		d = pf_spilldir_open(dir, &e);
		ok(d == NULL && e != NULL &&
		    strcmp(e, "owned by another user") == 0 &&
		    errno == EPERM, "foreign-owned directory refused");
		pf_spilldir_close(d, 0);
	}

	(void)snprintf(dir, sizeof(dir), "%s/real", base);
	(void)snprintf(lnk, sizeof(lnk), "%s/link", base);
	mkdir(dir, 0700);
	if (symlink(dir, lnk) == -1)
		ok(0, "symlink");
	e = NULL;
	d = pf_spilldir_open(lnk, &e);
	ok(d == NULL && e != NULL && strcmp(e, "is a symbolic link") == 0,
	    "directory path that is a symlink refused");
	pf_spilldir_close(d, 0);
	(void)snprintf(p, sizeof(p), "%s/lock", dir);
	ok(lstat(p, &sb) == -1, "symlink target untouched");

	(void)snprintf(victim, sizeof(victim), "%s/victim", base);
	touch(victim, VICTIM_TEXT);
	(void)chmod(victim, 0644);
	(void)snprintf(dir, sizeof(dir), "%s/locklink", base);
	mkdir(dir, 0700);
	(void)snprintf(p, sizeof(p), "%s/lock", dir);
	if (symlink(victim, p) == -1)
		ok(0, "symlink");
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d == NULL && e != NULL &&
	    strcmp(e, "lock is a symbolic link") == 0,
	    "lock planted as a symlink refused");
	pf_spilldir_close(d, 0);
	ok(victim_intact(victim) && stat(victim, &sb) == 0 &&
	    (sb.st_mode & 0777) == 0644, "lock symlink target untouched");

	(void)snprintf(dir, sizeof(dir), "%s/lockhard", base);
	mkdir(dir, 0700);
	(void)snprintf(p, sizeof(p), "%s/lock", dir);
	if (link(victim, p) == -1)
		ok(0, "link");
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d == NULL && e != NULL &&
	    strcmp(e, "lock is not a regular file") == 0,
	    "lock planted as a hard link refused");
	pf_spilldir_close(d, 0);
	ok(victim_intact(victim), "hard-linked victim untouched");

	(void)snprintf(dir, sizeof(dir), "%s/lockdir", base);
	mkdir(dir, 0700);
	(void)snprintf(p, sizeof(p), "%s/lock", dir);
	mkfifo(p, 0600);
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d == NULL && e != NULL &&
	    strcmp(e, "lock is not a regular file") == 0,
	    "lock planted as a FIFO refused without hanging");
	pf_spilldir_close(d, 0);

	(void)snprintf(p, sizeof(p), "%s/victim", base);
	e = NULL;
	d = pf_spilldir_open(p, &e);
	ok(d == NULL && e != NULL && strcmp(e, "not a directory") == 0,
	    "a regular file as directory refused");
	pf_spilldir_close(d, 0);
}

static void
test_lock(void)
{
	struct pf_spilldir	*d, *d2;
	const char		*e = NULL;
	char			 dir[512];
	pid_t			 pid;
	int			 status;

	(void)snprintf(dir, sizeof(dir), "%s/locked", base);
	d = pf_spilldir_open(dir, &e);
	ok(d != NULL, "first open");
	if (d == NULL)
		return;

	/* flock(2) locks the open file description: ours conflicts too. */
	e = NULL;
	errno = 0;
	d2 = pf_spilldir_open(dir, &e);
	ok(d2 == NULL && e != NULL &&
	    strcmp(e, "in use by another spill") == 0 && errno == EBUSY,
	    "second open in the same process refused");
	pf_spilldir_close(d2, 1);

	fflush(stdout);
	if ((pid = fork()) == 0) {
		e = NULL;
		d2 = pf_spilldir_open(dir, &e);
		_exit(d2 == NULL && e != NULL &&
		    strcmp(e, "in use by another spill") == 0 ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "second open in another process refused");

	/* Purge unlinks the lock; a new open makes a new one and wins. */
	pf_spilldir_close(d, 1);
	e = NULL;
	d = pf_spilldir_open(dir, &e);
	ok(d != NULL, "open after the holder closed (%s)", e ? e : "");
	pf_spilldir_close(d, 1);
}

static void
test_checkpoint(void)
{
	struct pf_spilldir	*d;
	struct stat		 sb;
	const char		*e = NULL;
	char			 dir[512], victim[512], p[600], buf[64];
	ssize_t			 n;
	int			 i;

	(void)snprintf(dir, sizeof(dir), "%s/ckpt", base);
	if ((d = pf_spilldir_open(dir, &e)) == NULL) {
		ok(0, "open %s: %s", dir, e);
		return;
	}
	is_int(pf_spilldir_checkpoint_read(d, buf, sizeof(buf), &e), 0,
	    "no checkpoint reads as 0");
	for (i = 0; i < 2; i++) {
		ok(pf_spilldir_checkpoint_write(d, i ? "second" : "first!!",
		    i ? 6 : 7, i, &e) == 0, "checkpoint write %d", i);
		n = pf_spilldir_checkpoint_read(d, buf, sizeof(buf), &e);
		ok(n == (i ? 6 : 7) && memcmp(buf, i ? "second" : "first!!",
		    (size_t)n) == 0, "checkpoint round trip %d", i);
	}
	(void)snprintf(p, sizeof(p), "%s/checkpoint", dir);
	ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "checkpoint is 0600");
	(void)snprintf(p, sizeof(p), "%s/checkpoint.tmp", dir);
	ok(lstat(p, &sb) == -1, "no temporary left behind");

	e = NULL;
	ok(pf_spilldir_checkpoint_read(d, buf, 5, &e) == -1 && e != NULL &&
	    strcmp(e, "checkpoint too large") == 0 && errno == EFBIG,
	    "oversize checkpoint refused");
	n = pf_spilldir_checkpoint_read(d, buf, 6, &e);
	is_int(n, 6, "checkpoint of exactly max bytes");

	/* A symlink planted as the temporary is unlinked, not followed. */
	(void)snprintf(victim, sizeof(victim), "%s/ckvictim", base);
	touch(victim, VICTIM_TEXT);
	if (symlink(victim, p) == -1)
		ok(0, "symlink");
	ok(pf_spilldir_checkpoint_write(d, "third", 5, 1, &e) == 0,
	    "checkpoint write over a planted symlink");
	ok(victim_intact(victim), "checkpoint.tmp symlink target untouched");
	n = pf_spilldir_checkpoint_read(d, buf, sizeof(buf), &e);
	ok(n == 5 && memcmp(buf, "third", 5) == 0, "new checkpoint in place");

	/* And a symlink as the checkpoint itself is refused on read. */
	(void)snprintf(p, sizeof(p), "%s/checkpoint", dir);
	unlink(p);
	if (symlink(victim, p) == -1)
		ok(0, "symlink");
	e = NULL;
	ok(pf_spilldir_checkpoint_read(d, buf, sizeof(buf), &e) == -1 &&
	    e != NULL && strcmp(e, "checkpoint is a symbolic link") == 0,
	    "checkpoint symlink refused");
	unlink(p);
	mkdir(p, 0700);
	e = NULL;
	ok(pf_spilldir_checkpoint_read(d, buf, sizeof(buf), &e) == -1 &&
	    e != NULL && strcmp(e, "checkpoint is not a regular file") == 0,
	    "checkpoint directory refused");
	rmdir(p);
	pf_spilldir_close(d, 1);
	ok(victim_intact(victim), "victim untouched after purge");
}

static void
test_list(void)
{
	static const uint64_t	 want[] = { 0, 3, 0x10, 0xabc, UINT64_MAX };
	static const char *const junk[] = {
		"seg-000000000000000A.pfs",	/* upper case */
		"seg-00000000000000001.pfs",	/* 17 digits */
		"seg-000000000000001.pfs",	/* 15 digits */
		"seg-0000000000000001.pfsx",
		"seg-0000000000000001.pfs.tmp",
		"xseg-0000000000000001.pfs",
		"notes.txt"
	};
	struct pf_spilldir	*d;
	const char		*e = NULL;
	char			 dir[512], p[600];
	char			 name[PF_SPILLDIR_SEGNAME_MAX];
	uint64_t		*nums = NULL;
	size_t			 n = 0, others = 0, i;
	int			 fd, sorted;

	(void)snprintf(dir, sizeof(dir), "%s/list", base);
	if ((d = pf_spilldir_open(dir, &e)) == NULL) {
		ok(0, "open %s: %s", dir, e);
		return;
	}
	ok(pf_spilldir_list(d, &nums, &n, &others, &e) == 0 && n == 0 &&
	    others == 0, "empty directory lists nothing");
	free(nums);
	nums = NULL;

	/* Created out of order, so that the sort shows. */
	for (i = sizeof(want) / sizeof(want[0]); i-- > 0;) {
		(void)pf_spilldir_segname(name, sizeof(name), want[i]);
		fd = openat(pf_spilldir_fd(d), name,
		    O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd != -1)
			close(fd);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", dir, junk[i]);
		touch(p, "");
	}
	/* A segment's name on a symlink is not a segment. */
	(void)snprintf(p, sizeof(p), "%s/seg-0000000000000002.pfs", dir);
	if (symlink("/etc/passwd", p) == -1)
		ok(0, "symlink");
	ok(pf_spilldir_checkpoint_write(d, "x", 1, 0, &e) == 0,
	    "checkpoint beside segments");

	ok(pf_spilldir_list(d, &nums, &n, &others, &e) == 0, "list");
	is_int(n, sizeof(want) / sizeof(want[0]), "only generated names");
	is_int(others, sizeof(junk) / sizeof(junk[0]) + 1,
	    "other entries counted");
	sorted = n == sizeof(want) / sizeof(want[0]);
	for (i = 0; sorted && i < n; i++)
		sorted = nums[i] == want[i];
	ok(sorted, "segment numbers sorted ascending");
	free(nums);
	nums = NULL;
	ok(pf_spilldir_list(d, &nums, &n, NULL, &e) == 0 && n == 5,
	    "others may be NULL");
	free(nums);
	nums = NULL;

	ok(pf_spilldir_remove_seg(d, 3) == 0, "remove segment 3");
	errno = 0;
	ok(pf_spilldir_remove_seg(d, 3) == -1 && errno == ENOENT,
	    "remove it again: ENOENT");
	ok(pf_spilldir_list(d, &nums, &n, NULL, &e) == 0 && n == 4 &&
	    nums[1] == 0x10, "segment 3 gone");
	free(nums);

	/* Purge in a user's directory takes ours and leaves the rest. */
	pf_spilldir_close(d, 1);
	(void)snprintf(p, sizeof(p), "%s/notes.txt", dir);
	ok(access(p, F_OK) == 0, "purge leaves foreign files");
	(void)pf_spilldir_segname(name, sizeof(name), 0x10);
	(void)snprintf(p, sizeof(p), "%s/%s", dir, name);
	ok(access(p, F_OK) == -1, "purge removes segments");
	(void)snprintf(p, sizeof(p), "%s/checkpoint", dir);
	ok(access(p, F_OK) == -1, "purge removes the checkpoint");
	ok(access("/etc/passwd", F_OK) == 0, "symlink target untouched");
}

int
main(void)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	(void)snprintf(base, sizeof(base), "%s/pf-spilldir.XXXXXX", tmp);
	if (mkdtemp(base) == NULL) {
		printf("Bail out! mkdtemp %s\n", base);
		return (1);
	}
	test_segname();
	test_create();
	test_temporary();
	test_refuse();
	test_lock();
	test_checkpoint();
	test_list();
	rmtree(base);
	return (done());
}
