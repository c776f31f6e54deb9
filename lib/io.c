/* SPDX-License-Identifier: ISC */
/*
 * io.c: moving bytes in and out of a stage without blocking it and
 * without disturbing the processes that share its descriptors.
 *
 * O_NONBLOCK lives on the open file description, which the shell shares
 * with every process in the pipeline: setting it on fd 0 or 1 changes
 * them all.  A pipe reached through /proc/self/fd/N can be opened again,
 * giving a description of our own; that one may be non-blocking.  Where
 * that fails (no /proc) the blocking descriptor is kept and used only
 * after poll(2) says it is ready, writing at most PIPE_BUF bytes so that
 * a write never waits for more room than poll promised.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "fault.h"
#include "io.h"

#define IO_PAGE		4096	/* a pipe buffer's page */

static int	 io_setup(struct pf_io *, int, int);

/*
 * Classify fd and, for pipes and terminals, swap in a private non-blocking
 * description.
 * own: the descriptor is ours alone (we opened it), so O_NONBLOCK may be
 * set on it directly.
 */
static int
io_setup(struct pf_io *io, int wr, int own)
{
	struct stat	 st;
	struct statfs	 sfs;
	char		 path[64];
	int		 fd, fl;

	if (fstat(io->fd, &st) == -1)
		return (-1);
	io->nonblock = 0;
	io->pipe_size = 0;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		io->kind = PF_IO_FILE;
		return (0);
	}
	if (S_ISSOCK(st.st_mode)) {
		io->kind = PF_IO_SOCKET;
		return (0);
	}
	if (S_ISCHR(st.st_mode) && !isatty(io->fd)) {
		/*
		 * /dev/null, /dev/full, a tape: they take what they are given
		 * (or fail) without waiting on another process, like a file.
		 */
		io->kind = PF_IO_FILE;
		return (0);
	}
	if (S_ISFIFO(st.st_mode)) {
		io->kind = PF_IO_PIPE;
		if ((fl = fcntl(io->fd, F_GETPIPE_SZ)) > 0)
			io->pipe_size = fl;
		/*
		 * Not a named FIFO that we read: opened again after its last
		 * writer left, it would never poll as hung up (Linux takes the
		 * writers seen since that open), and the end of input would
		 * never come.  The shell's description, opened while a writer
		 * was there, is used with care instead.
		 */
		if (!wr && !own && fstatfs(io->fd, &sfs) == 0 &&
		    sfs.f_type != PIPEFS_MAGIC)
			return (0);
	} else
		io->kind = PF_IO_OTHER;		/* a terminal */
	if (own) {
		if ((fl = fcntl(io->fd, F_GETFL)) != -1 &&
		    fcntl(io->fd, F_SETFL, fl | O_NONBLOCK) != -1)
			io->nonblock = 1;
		return (0);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", io->fd);
	fd = open(path, (wr ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1)
		return (0);	/* keep the shared one, used with care */
	if (dup2(fd, io->fd) == -1) {
		close(fd);
		return (0);
	}
	close(fd);
	io->nonblock = 1;
	return (0);
}

int
pf_io_open_in(struct pf_io *io, const char *path)
{
	memset(io, 0, sizeof(*io));
	if (path == NULL || strcmp(path, "-") == 0) {
		io->fd = STDIN_FILENO;
		io->name = "stdin";
		return (io_setup(io, 0, 0));
	}
	io->name = path;
	/* Blocking open: a FIFO waits here for its writer. */
	if ((io->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	return (io_setup(io, 0, 1));
}

int
pf_io_open_out(struct pf_io *io, const char *path)
{
	struct stat	st;
	int		flags = O_WRONLY | O_CLOEXEC;

	memset(io, 0, sizeof(*io));
	if (path == NULL || strcmp(path, "-") == 0) {
		io->fd = STDOUT_FILENO;
		io->name = "stdout";
		return (io_setup(io, 1, 0));
	}
	io->name = path;
	if (stat(path, &st) == -1 || !S_ISFIFO(st.st_mode))
		flags |= O_CREAT | O_TRUNC;
	if ((io->fd = open(path, flags, 0666)) == -1)
		return (-1);
	return (io_setup(io, 1, 1));
}

int
pf_io_close(struct pf_io *io)
{
	int	r;

	if (io->fd < 0)
		return (0);
	/* Never retried: after EINTR the descriptor is gone anyway. */
	r = close(io->fd);
	io->fd = -1;
	if (r == -1 && errno == EINTR)
		r = 0;
	return (r);
}

int
pf_io_pollable(const struct pf_io *io)
{
	return (io->kind != PF_IO_FILE);
}

ssize_t
pf_io_read(struct pf_io *io, void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		if (io->kind == PF_IO_SOCKET)
			n = recv(io->fd, buf, len, MSG_DONTWAIT);
		else
			n = read(io->fd, buf, len);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n == -1 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	return (n);
}

ssize_t
pf_io_writev(struct pf_io *io, const struct iovec *iov, int iovcnt)
{
	struct iovec	one;
	struct msghdr	msg;
	ssize_t		n;
	int		err;

	if (io->kind == PF_IO_SOCKET) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = (struct iovec *)iov;
		msg.msg_iovlen = iovcnt;
	} else if (!io->nonblock && io->kind != PF_IO_FILE) {
		/*
		 * A shared blocking descriptor: poll said there is room, which
		 * for a pipe means at least one page; PIPE_BUF fits in it.
		 */
		one = iov[0];
		if (one.iov_len > PIPE_BUF)
			one.iov_len = PIPE_BUF;
		iov = &one;
		iovcnt = 1;
	}
	for (;;) {
		if ((err = pf_fault(PF_FAULT_OUT, NULL)) != 0) {
			errno = err;
			n = -1;
		} else if (io->kind == PF_IO_SOCKET)
			n = sendmsg(io->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = writev(io->fd, iov, iovcnt);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n == -1 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	return (n);
}

int
pf_io_can_splice(const struct pf_io *in, const struct pf_io *out)
{
#ifdef HAVE_SPLICE
	return (in->kind == PF_IO_PIPE && out->kind == PF_IO_PIPE);
#else
	(void)in;
	(void)out;
	return (0);
#endif
}

ssize_t
pf_io_splice(struct pf_io *in, struct pf_io *out, size_t len)
{
#ifdef HAVE_SPLICE
	ssize_t	n;

	for (;;) {
		n = splice(in->fd, NULL, out->fd, NULL, len,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n == -1 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	return (n);
#else
	(void)in;
	(void)out;
	(void)len;
	errno = EINVAL;
	return (-1);
#endif
}

void
pf_io_pipe_grow(struct pf_io *io, int size)
{
	int	got;

	if (io->kind != PF_IO_PIPE || io->pipe_size >= size)
		return;
	/* Advisory: EPERM above pipe-max-size or the per-user quota. */
	if ((got = fcntl(io->fd, F_SETPIPE_SZ, size)) > 0)
		io->pipe_size = got;
}

ssize_t
pf_io_pipe_unread(const struct pf_io *io)
{
	int	n;

	if (io->kind != PF_IO_PIPE || io->fd < 0 ||
	    ioctl(io->fd, FIONREAD, &n) == -1 || n < 0)
		return (-1);
	return (n);
}

double
pf_io_pipe_fill(const struct pf_io *io)
{
	ssize_t	n;

	if (io->pipe_size <= 0 || (n = pf_io_pipe_unread(io)) == -1)
		return (-1);
	return ((double)n / io->pipe_size);
}

size_t
pf_io_pipe_room(const struct pf_io *io)
{
	ssize_t		n;
	uint64_t	slots, used;

	if (io->pipe_size <= 0 || (n = pf_io_pipe_unread(io)) == -1)
		return (SIZE_MAX);
	/*
	 * A pipe holds pages: besides the full ones, at most one partly
	 * read at its head and one partly filled at its tail.
	 */
	slots = (uint64_t)io->pipe_size / IO_PAGE;
	used = ((uint64_t)n + IO_PAGE - 1) / IO_PAGE + 1;
	return (slots > used ? (size_t)((slots - used) * IO_PAGE) : 0);
}

int
pf_io_writeall(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec	v[2];
	ssize_t		n;
	int		i;

	if (iovcnt > 2) {
		for (i = 0; i < iovcnt; i++)
			if (pf_io_writeall(fd, &iov[i], 1) == -1)
				return (-1);
		return (0);
	}
	for (i = 0; i < iovcnt; i++)
		v[i] = iov[i];
	while (iovcnt > 0) {
		if ((i = pf_fault(PF_FAULT_WRITE, NULL)) != 0) {
			errno = i;
			n = -1;
		} else
			n = writev(fd, v, iovcnt);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				/* Someone made it non-blocking: wait a bit. */
				usleep(1000);
				continue;
			}
			return (-1);
		}
		/* Skip what went, keeping the rest. */
		for (i = 0; i < iovcnt && (size_t)n >= v[i].iov_len; i++)
			n -= v[i].iov_len;
		if (i > 0) {
			memmove(v, v + i, (iovcnt - i) * sizeof(v[0]));
			iovcnt -= i;
		}
		if (iovcnt > 0) {
			v[0].iov_base = (char *)v[0].iov_base + n;
			v[0].iov_len -= n;
		}
	}
	return (0);
}
