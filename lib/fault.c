/* SPDX-License-Identifier: ISC */
/*
 * fault.c: the fault plan of PIPEFLOW_FAULT, for test builds only.  See
 * fault.h.  Compiled to an empty file without --enable-fault-injection.
 */
#include "config.h"

#ifdef PF_FAULT_INJECTION

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

#define FAULT_MAX	8

struct fault {
	enum pf_fault_op op;
	int		 err;
	unsigned long	 at;
	int		 mode;		/* ' ' once, '+' from then on, 's' short */
};

static struct fault	 plan[FAULT_MAX];
static size_t		 nplan;
static unsigned long	 calls[PF_FAULT_NOPS];
static int		 loaded;
static int		 short_due[PF_FAULT_NOPS];	/* errno, 0 */

static const char *const opnames[PF_FAULT_NOPS] = {
	"out", "write", "seg", "ckpt", "sync"
};

static const struct {
	const char	*name;
	int		 err;
} errnames[] = {
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EFBIG", EFBIG },
	{ "EDQUOT", EDQUOT }, { "EPIPE", EPIPE }, { "EAGAIN", EAGAIN },
	{ "EINTR", EINTR }
};

static int	 fault_parse(char *);
static void	 fault_load(void);

/* One OP:ERRNO:N[+s] item; -1 if it is not one. */
static int
fault_parse(char *item)
{
	struct fault	 f;
	char		*op, *er, *n, *end;
	size_t		 i;

	if (nplan == FAULT_MAX || (op = strtok(item, ":")) == NULL ||
	    (er = strtok(NULL, ":")) == NULL || (n = strtok(NULL, ":")) == NULL ||
	    strtok(NULL, ":") != NULL)
		return (-1);
	memset(&f, 0, sizeof(f));
	for (i = 0; i < PF_FAULT_NOPS && strcmp(op, opnames[i]) != 0; i++)
		;
	if (i == PF_FAULT_NOPS)
		return (-1);
	f.op = (enum pf_fault_op)i;
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]) &&
	    strcmp(er, errnames[i].name) != 0; i++)
		;
	if (i == sizeof(errnames) / sizeof(errnames[0]))
		return (-1);
	f.err = errnames[i].err;
	errno = 0;
	f.at = strtoul(n, &end, 10);
	if (errno != 0 || end == n || f.at == 0)
		return (-1);
	f.mode = ' ';
	if (*end == '+' || (*end == 's' && (f.op == PF_FAULT_SEG ||
	    f.op == PF_FAULT_CKPT)))
		f.mode = *end++;
	if (*end != '\0')
		return (-1);
	plan[nplan++] = f;
	return (0);
}

static void
fault_load(void)
{
	const char	*env;
	char		*copy, *item, *save = NULL;

	loaded = 1;
	if ((env = getenv("PIPEFLOW_FAULT")) == NULL || *env == '\0')
		return;
	if ((copy = strdup(env)) == NULL)
		return;
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char	buf[128];

		snprintf(buf, sizeof(buf), "%s", item);
		if (fault_parse(buf) == -1) {
			fprintf(stderr, "PIPEFLOW_FAULT: %s: ignored\n", item);
			nplan = 0;
			break;
		}
	}
	free(copy);
}

int
pf_fault(enum pf_fault_op op, size_t *len)
{
	unsigned long	n;
	size_t		i;
	int		err;

	if (!loaded)
		fault_load();
	if (short_due[op] != 0) {
		/* The rest of a short write fails, as a full disk's does. */
		err = short_due[op];
		short_due[op] = 0;
		return (err);
	}
	n = ++calls[op];
	for (i = 0; i < nplan; i++) {
		if (plan[i].op != op)
			continue;
		if (n == plan[i].at || (plan[i].mode == '+' && n > plan[i].at)) {
			if (plan[i].mode == 's' && len != NULL && *len > 1) {
				*len /= 2;
				short_due[op] = plan[i].err;
				return (0);
			}
			return (plan[i].err);
		}
	}
	return (0);
}

#endif /* PF_FAULT_INJECTION */
