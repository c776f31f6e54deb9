/* SPDX-License-Identifier: ISC */
/*
 * proc.c: process-wide chores every tool needs: sane standard
 * descriptors, the process title, and --on-state commands.
 */
#include "config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"

void
pf_proc_stdfds(void)
{
	int	fd;

	/*
	 * A closed 0, 1 or 2 would be reused by the next open(2): the
	 * status file or the dead-letter file would become our output.
	 */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			_exit(1);
	}
}

void
pf_proc_title_init(int argc, char *argv[], char *envp[])
{
	setproctitle_init(argc, argv, envp);
}

void
pf_proc_title(enum pf_state st, double pressure)
{
	int	pct;

	pct = (int)(pressure * 100 + 0.5);
	if (pct < 0)
		pct = 0;
	setproctitle("%s %d%%", pf_state_name(st), pct);
}

pid_t
pf_proc_spawn(const char *cmd, char *const env[])
{
	sigset_t	set;
	pid_t		pid;
	int		fd, i;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid > 0)
		return (pid);

	/* Child: stdin from /dev/null, stdout to our stderr, never our data. */
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	dup2(STDERR_FILENO, STDOUT_FILENO);
	for (i = 0; env[i] != NULL; i++)
		putenv(env[i]);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

void
pf_proc_reap(void)
{
	int	status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}
