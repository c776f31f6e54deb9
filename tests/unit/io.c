/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/io.c: pipes reopened privately so that O_NONBLOCK
 * never reaches the description other processes share, reads and writes
 * that do not block, splice between pipes, pipe fill, and writeall.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "io.h"
#include "tap.h"

int
main(void)
{
	struct pf_io	 in, out, a, b;
	struct iovec	 iov[2];
	char		 buf[256], path[] = "/tmp/pfio.XXXXXX";
	int		 p[2], q[2], keep, fd, fl;
	ssize_t		 n;

	signal(SIGPIPE, SIG_IGN);

	/* stdin on a pipe whose description another process would share. */
	if (pipe(p) == -1 || (keep = dup(p[0])) == -1)
		return (99);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	ok(pf_io_open_in(&in, NULL) == 0, "open stdin");
	is_int(in.kind, PF_IO_PIPE, "stdin is a pipe");
	ok(in.nonblock, "stdin reopened privately, non-blocking");
	fl = fcntl(keep, F_GETFL);
	ok(fl != -1 && !(fl & O_NONBLOCK),
	    "the shared description stays blocking");
	n = pf_io_read(&in, buf, sizeof(buf));
	ok(n == -1 && errno == EAGAIN, "empty pipe: EAGAIN, not a block");
	if (write(p[1], "hello\n", 6) != 6)
		ok(0, "write: %s", strerror(errno));
	n = pf_io_read(&in, buf, sizeof(buf));
	ok(n == 6 && memcmp(buf, "hello\n", 6) == 0, "data read");
	ok(in.pipe_size > 0, "pipe size known");
	pf_io_pipe_grow(&in, 1 << 20);
	ok(in.pipe_size >= 65536, "pipe grown or left as it was");
	if (write(p[1], "abcd", 4) != 4)
		ok(0, "write: %s", strerror(errno));
	ok(pf_io_pipe_fill(&in) > 0, "fill of a pipe with data is positive");
	(void)pf_io_read(&in, buf, sizeof(buf));
	ok(pf_io_pipe_fill(&in) == 0, "fill of an empty pipe is 0");
	close(p[1]);
	n = pf_io_read(&in, buf, sizeof(buf));
	is_int(n, 0, "end of stream after the writer closed");
	close(keep);

	/* Writes to a full pipe do not block. */
	if (pipe(q) == -1)
		return (99);
	memset(&out, 0, sizeof(out));
	out.fd = q[1];
	out.name = "pipe";
	out.kind = PF_IO_PIPE;
	fl = fcntl(q[1], F_GETFL);
	fcntl(q[1], F_SETFL, fl | O_NONBLOCK);
	out.nonblock = 1;
	iov[0].iov_base = buf;
	iov[0].iov_len = sizeof(buf);
	memset(buf, 'x', sizeof(buf));
	while ((n = pf_io_writev(&out, iov, 1)) > 0)
		;
	ok(n == -1 && errno == EAGAIN, "full pipe: EAGAIN");
	close(q[0]);
	n = pf_io_writev(&out, iov, 1);
	ok(n == -1 && errno == EPIPE, "reader gone: EPIPE");
	close(q[1]);

	/* Splice moves bytes between two pipes. */
	if (pipe(p) == -1 || pipe(q) == -1)
		return (99);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.fd = p[0];
	a.kind = PF_IO_PIPE;
	b.fd = q[1];
	b.kind = PF_IO_PIPE;
	ok(pf_io_can_splice(&a, &b), "pipe to pipe can splice");
	if (write(p[1], "spliced", 7) != 7)
		ok(0, "write: %s", strerror(errno));
	n = pf_io_splice(&a, &b, 100);
	is_int(n, 7, "splice moved 7 bytes");
	n = read(q[0], buf, sizeof(buf));
	ok(n == 7 && memcmp(buf, "spliced", 7) == 0, "spliced bytes arrive");
	n = pf_io_splice(&a, &b, 100);
	ok(n == -1 && errno == EAGAIN, "splice from an empty pipe: EAGAIN");
	close(p[1]);
	n = pf_io_splice(&a, &b, 100);
	is_int(n, 0, "splice at end of stream: 0");
	close(p[0]);
	close(q[0]);
	close(q[1]);

	/* Regular files: kind, writeall over two pieces. */
	if ((fd = mkstemp(path)) == -1)
		return (99);
	close(fd);
	ok(pf_io_open_out(&out, path) == 0, "open -o FILE");
	is_int(out.kind, PF_IO_FILE, "a regular file never waits");
	ok(!pf_io_pollable(&out), "files are not polled");
	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "cd\n";
	iov[1].iov_len = 3;
	ok(pf_io_writeall(out.fd, iov, 2) == 0, "writeall");
	ok(pf_io_close(&out) == 0, "close");
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	ok(n == 5 && memcmp(buf, "abcd\n", 5) == 0, "both pieces written");
	close(fd);
	ok(pf_io_open_in(&a, "/nonexistent/pipeflow") == -1 &&
	    errno == ENOENT, "missing input: ENOENT");
	unlink(path);
	return (done());
}
