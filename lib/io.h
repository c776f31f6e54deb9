/* SPDX-License-Identifier: ISC */
/*
 * io.h: the two ends of a stage (lib/io.c).
 *
 * An endpoint wraps a descriptor and knows how to wait on it and move bytes
 * without blocking the stage, whatever it turned out to be: a pipe or FIFO
 * (reopened privately so that O_NONBLOCK is ours alone), a socket
 * (MSG_DONTWAIT per call), a regular file (always ready), or anything else
 * (poll first, then small writes that cannot block).
 */
#ifndef PF_IO_H
#define PF_IO_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stddef.h>

enum pf_io_kind {
	PF_IO_PIPE = 0,		/* pipe or FIFO */
	PF_IO_FILE,		/* regular file or block device: never waits */
	PF_IO_SOCKET,
	PF_IO_OTHER		/* terminals, character devices */
};

struct pf_io {
	int		 fd;
	const char	*name;		/* for messages: "stdin", a path */
	enum pf_io_kind	 kind;
	int		 nonblock;	/* a private O_NONBLOCK description */
	int		 pipe_size;	/* F_GETPIPE_SZ, 0 if not a pipe */
};

/*
 * Open the input: path, or standard input when path is NULL or "-".  A
 * FIFO is opened blocking (waiting for a writer, so that a first empty
 * read is end of stream) and then made non-blocking.  Returns 0, or -1
 * with errno set; EINTR when a signal handler interrupted the wait, so
 * that the caller can act on the signal (call again to go on waiting).
 */
int		 pf_io_open_in(struct pf_io *, const char *);
/*
 * Open the output: path (created or truncated mode 0666 as the shell's >,
 * a FIFO waits for its reader), or standard output when NULL or "-".
 * Returns as pf_io_open_in().
 */
int		 pf_io_open_out(struct pf_io *, const char *);
/* Close; for outputs the result of close(2) matters (NFS, quota). */
int		 pf_io_close(struct pf_io *);
/*
 * Read at most len bytes without blocking.  Returns the count, 0 at end
 * of stream, or -1 with errno (EAGAIN: nothing yet; EINTR is retried).
 */
ssize_t		 pf_io_read(struct pf_io *, void *, size_t);
/*
 * Write from iov without blocking (for regular files: a normal write).
 * Returns bytes written, possibly short, or -1 with errno (EAGAIN: not
 * ready, EPIPE: the reader is gone).
 */
ssize_t		 pf_io_writev(struct pf_io *, const struct iovec *, int);
/*
 * Move up to len bytes from a pipe to a pipe in the kernel.  Returns the
 * count, 0 at end of input, -1 with errno: EAGAIN when either side is not
 * ready, EINVAL when the pair cannot splice (use read and write).
 */
ssize_t		 pf_io_splice(struct pf_io *, struct pf_io *, size_t);
/* Whether pf_io_splice() can be tried between these two endpoints. */
int		 pf_io_can_splice(const struct pf_io *, const struct pf_io *);
/* Whether the endpoint must be polled before I/O. */
int		 pf_io_pollable(const struct pf_io *);
/* Grow a pipe towards size bytes (advisory; errors ignored). */
void		 pf_io_pipe_grow(struct pf_io *, int);
/* Fill of a pipe as a fraction of its size, -1 if not a pipe. */
double		 pf_io_pipe_fill(const struct pf_io *);
/* Bytes in a pipe not read yet (FIONREAD), -1 if not a pipe. */
ssize_t		 pf_io_pipe_unread(const struct pf_io *);
/*
 * Bytes a write to a pipe is sure to take whole: a conservative guess of
 * its free room.  SIZE_MAX if not a pipe.
 */
size_t		 pf_io_pipe_room(const struct pf_io *);
/*
 * Write all of len bytes to a blocking descriptor, retrying EINTR and
 * short writes (dead-letter files and the like).  0 or -1 with errno.
 */
int		 pf_io_writeall(int, const struct iovec *, int);

#endif /* PF_IO_H */
