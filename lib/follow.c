/* SPDX-License-Identifier: ISC */
/*
 * follow.c: read another stage's status file, now and then, never
 * blocking, and say whether it is fresh.  See follow.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "follow.h"

struct pf_follow {
	char			*path;
	uint64_t		 interval;
	uint64_t		 last;		/* monotonic, of the last read */
	int			 read;		/* read at least once */
	struct pf_follow_view	 view;
};

int
pf_follow_stale(const struct pf_stage *st, double now)
{
	double	t = st->updated > 0 ? st->updated : st->mtime;

	if (now - t > PF_FOLLOW_STALE)
		return (1);
	/* The pid is never 0 or negative here: no process group. */
	return (st->pid > 0 && kill(st->pid, 0) == -1 && errno == ESRCH);
}

struct pf_follow *
pf_follow_new(const char *path, uint64_t interval)
{
	struct pf_follow	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	if ((f->path = strdup(path)) == NULL) {
		free(f);
		return (NULL);
	}
	f->interval = interval;
	f->view.why = "not read yet";
	return (f);
}

uint64_t
pf_follow_next(const struct pf_follow *f)
{
	return (f->read ? f->last + f->interval : 0);
}

int
pf_follow_poll(struct pf_follow *f, uint64_t now, struct pf_follow_view *v)
{
	struct pf_stage	 st;
	const char	*errstr;
	int		 saved = errno;

	if (f->read && now - f->last < f->interval) {
		*v = f->view;
		return (0);
	}
	f->read = 1;
	f->last = now;
	memset(&f->view, 0, sizeof(f->view));
	if (pf_stage_read(AT_FDCWD, f->path, &st, &errstr) == -1) {
		f->view.why = errno == ENOENT ? "no such file" : errstr;
	} else if (st.state < 0) {
		f->view.why = "no state in the file";
	} else if (pf_follow_stale(&st, pf_clock_wall())) {
		f->view.stale = 1;
		f->view.why = "stale: not updated, or its stage is gone";
	} else {
		f->view.known = 1;
		f->view.state = (enum pf_state)st.state;
		f->view.pressure = st.pressure;
	}
	errno = saved;
	*v = f->view;
	return (1);
}

void
pf_follow_free(struct pf_follow *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f);
}
