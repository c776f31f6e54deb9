/* SPDX-License-Identifier: ISC */
/*
 * tcppair: run WRITER and READER (each by /bin/sh -c) with a loopback TCP
 * connection between them, WRITER's standard output to READER's standard
 * input, the way ssh or a socket-activated service hands a stage a socket.
 *
 * usage: tcppair [-n w|r] [-s BYTES] WRITER READER
 *
 *   -n w|r    set O_NONBLOCK on the writer's (w) or the reader's (r)
 *             socket before it starts, as a careless parent would
 *   -s BYTES  SO_SNDBUF of the writer's socket and SO_RCVBUF of the
 *             reader's, small to force short writes
 *
 * Exits with READER's status, or 1 if WRITER failed and READER did not.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: tcppair [-n w|r] [-s bytes] writer reader\n");
	exit(2);
}

static void
fail(const char *what)
{
	fprintf(stderr, "tcppair: %s: %s\n", what, strerror(errno));
	exit(2);
}

static pid_t
run(const char *cmd, int fd, int target, int nonblock, int close_too)
{
	pid_t	pid;

	if ((pid = fork()) == -1)
		fail("fork");
	if (pid != 0)
		return (pid);
	if (nonblock &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		fail("fcntl");
	if (dup2(fd, target) == -1)
		fail("dup2");
	close(fd);
	if (close_too >= 0)
		close(close_too);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fail("/bin/sh");
	return (-1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	pid_t			 wpid, rpid, pid;
	int			 lfd, wfd, rfd, ch, nb = 0, buf = 0, one = 1;
	int			 status, wstatus = 0, rstatus = 0;

	while ((ch = getopt(argc, argv, "n:s:")) != -1) {
		switch (ch) {
		case 'n':
			if (strcmp(optarg, "w") == 0)
				nb = 'w';
			else if (strcmp(optarg, "r") == 0)
				nb = 'r';
			else
				usage();
			break;
		case 's':
			buf = atoi(optarg);
			if (buf <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fail("socket");
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
		fail("listen");
	if ((wfd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fail("socket");
	if (buf > 0 && setsockopt(wfd, SOL_SOCKET, SO_SNDBUF, &buf,
	    sizeof(buf)) == -1)
		fail("SO_SNDBUF");
	if (connect(wfd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fail("connect");
	if ((rfd = accept(lfd, NULL, NULL)) == -1)
		fail("accept");
	close(lfd);
	(void)setsockopt(rfd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one,
	    sizeof(one));
	if (buf > 0 && setsockopt(rfd, SOL_SOCKET, SO_RCVBUF, &buf,
	    sizeof(buf)) == -1)
		fail("SO_RCVBUF");

	wpid = run(argv[0], wfd, 1, nb == 'w', rfd);
	close(wfd);
	rpid = run(argv[1], rfd, 0, nb == 'r', -1);
	close(rfd);
	while ((pid = wait(&status)) != -1 || errno == EINTR) {
		if (pid == wpid)
			wstatus = status;
		else if (pid == rpid)
			rstatus = status;
	}
	if (WIFEXITED(rstatus) && WEXITSTATUS(rstatus) != 0)
		return (WEXITSTATUS(rstatus));
	if (!WIFEXITED(rstatus))
		return (128 + WTERMSIG(rstatus));
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		return (1);
	return (0);
}
