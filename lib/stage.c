/* SPDX-License-Identifier: ISC */
/*
 * stage.c: read the status files of lib/status.c back, for
 * lagwatch --watch and anything else that follows other stages.
 *
 * The files are Prometheus text, written by our own stages, but a reader
 * cannot know that: the directory may be node_exporter's textfile
 * directory, a copy from another host, or a place where anyone can write.
 * So everything here is untrusted input.  Sizes are bounded before
 * anything is read, the parser works on the buffer in place (a line is
 * never copied but to convert a number), nothing it finds is used as a
 * format, an index or a size, and every value is clamped into the range
 * a display or a conversion to nanoseconds can take.  Names end up on
 * terminals, so the stage name must be one a writer could have chosen and
 * the tool name is stripped to harmless characters.
 *
 * The parser follows the text exposition format 0.0.4 and, like the
 * textfile collector, refuses a file with any malformed line rather than
 * guess: a file cut short or mangled says nothing reliable.  It is
 * lenient where the format is (label order, blanks, escapes, NaN and
 * Inf, timestamps, unknown metrics) and where it costs nothing (CRLF).
 *
 * This file deliberately depends on nothing else in lib/, so that the
 * fuzz target builds from it alone; the state names and the name rule are
 * therefore repeated from state.c and status.c.  The rule that finds the
 * status directory lives here instead, and status.c calls it.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"

#define SR_NAME_MAX	64
#define SR_SUFFIX	".prom"
#define SR_MAX_REASONS	64	/* the writer has PF_DROP_REASONS */
#define SR_STATE_MAX	16	/* longer state names are unknown ones */

enum sr_kind {
	SR_U64,		/* a counter or byte gauge */
	SR_RATIO,	/* 0..1 */
	SR_FILL,	/* 0..1, -1 when absent */
	SR_SECONDS,	/* 0..PF_STAGE_MAX_SECONDS */
	SR_DROPPED,	/* summed over the reason label */
	SR_STATE,	/* one sample per state label */
	SR_PID		/* 1..INT_MAX, -1 when absent or invalid */
};

static const struct sr_metric {
	const char	*name;
	enum sr_kind	 kind;
	size_t		 off;
} sr_metrics[] = {
	{ "pipeflow_records_in_total", SR_U64,
	    offsetof(struct pf_stage, records_in) },
	{ "pipeflow_bytes_in_total", SR_U64,
	    offsetof(struct pf_stage, bytes_in) },
	{ "pipeflow_records_out_total", SR_U64,
	    offsetof(struct pf_stage, records_out) },
	{ "pipeflow_bytes_out_total", SR_U64,
	    offsetof(struct pf_stage, bytes_out) },
	{ "pipeflow_records_dropped_total", SR_DROPPED,
	    offsetof(struct pf_stage, dropped) },
	{ "pipeflow_records_coalesced_total", SR_U64,
	    offsetof(struct pf_stage, coalesced) },
	{ "pipeflow_buffer_bytes", SR_U64,
	    offsetof(struct pf_stage, buffer_bytes) },
	{ "pipeflow_buffer_records", SR_U64,
	    offsetof(struct pf_stage, buffer_records) },
	{ "pipeflow_buffer_capacity_bytes", SR_U64,
	    offsetof(struct pf_stage, buffer_capacity) },
	{ "pipeflow_spill_bytes", SR_U64,
	    offsetof(struct pf_stage, spill_bytes) },
	{ "pipeflow_pressure", SR_RATIO,
	    offsetof(struct pf_stage, pressure) },
	{ "pipeflow_state", SR_STATE, 0 },
	{ "pipeflow_oldest_age_seconds", SR_SECONDS,
	    offsetof(struct pf_stage, oldest_age) },
	{ "pipeflow_input_wait_seconds_total", SR_SECONDS,
	    offsetof(struct pf_stage, input_wait) },
	{ "pipeflow_output_wait_seconds_total", SR_SECONDS,
	    offsetof(struct pf_stage, output_wait) },
	{ "pipeflow_output_pipe_fill_ratio", SR_FILL,
	    offsetof(struct pf_stage, output_pipe_fill) },
	{ "pipeflow_input_pipe_fill_ratio", SR_FILL,
	    offsetof(struct pf_stage, input_pipe_fill) },
	{ "pipeflow_updated_timestamp_seconds", SR_SECONDS,
	    offsetof(struct pf_stage, updated) },
	{ "pipeflow_process_id", SR_PID,
	    offsetof(struct pf_stage, pid) },
};
#define SR_NMETRICS	(sizeof(sr_metrics) / sizeof(sr_metrics[0]))

/* As pf_state_name(), in enum pf_state order. */
static const char *const sr_states[PF_NSTATES] = {
	"normal", "constrained", "saturated", "recovery"
};

/* What the whole file has shown so far. */
struct sr_file {
	struct pf_stage	*st;
	uint64_t	 reason[SR_MAX_REASONS];	/* hashes seen */
	size_t		 nreasons;
	uint32_t	 seen;		/* sr_metrics seen, by index */
	unsigned int	 states_seen;
	unsigned int	 states_marked;
	int		 known;		/* pipeflow_ samples found */
	int		 have_stage;
	int		 have_tool;
	locale_t	 cloc;
};

/* The labels of one sample that matter here. */
struct sr_labels {
	int		 stage;		/* each: whether present */
	int		 tool;
	int		 reason;
	int		 state;
	char		 stagev[SR_NAME_MAX + 1];
	char		 toolv[sizeof(((struct pf_stage *)0)->tool)];
	uint64_t	 reasonv;	/* hash */
	int		 statev;	/* index, -1 if unknown */
};

static int	 sr_line(struct sr_file *, const char *, const char *,
		    const char **);
static int	 sr_labels(const char **, const char *, struct sr_labels *,
		    const char **);
static int	 sr_value(const char **, const char *, char *, size_t,
		    size_t *, uint64_t *);
static int	 sr_number(struct sr_file *, const char *, size_t, double *,
		    uint64_t *, int *);
static int	 sr_sample(struct sr_file *, int, const struct sr_labels *,
		    double, uint64_t, int, const char **);
static int	 sr_valid_name(const char *, size_t);
static void	 sr_tool(char *, size_t, const char *, size_t);
static const char *sr_blanks(const char *, const char *);
static int	 sr_cmp(const void *, const void *);

#define SR_BLANK(c)	((c) == ' ' || (c) == '\t')
#define SR_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define SR_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z') || (c) == '_')

/*
 * Duplicates follow the format: a sample repeated with the same name and
 * labels makes the file invalid.  Only the labels read here are compared,
 * so the same metric twice with different unknown labels counts as a
 * repeat as well: the caller could not tell which one to believe.
 */
int
pf_stage_parse(struct pf_stage *st, const char *buf, size_t len,
    const char **errstr)
{
	static locale_t	 cloc = (locale_t)0;
	struct sr_file	 f;
	const char	*p, *end, *nl, *e = NULL;
	unsigned int	 i;

	memset(st, 0, sizeof(*st));
	st->state = -1;
	st->output_pipe_fill = -1;
	st->input_pipe_fill = -1;
	st->pid = -1;

	if (len > PF_STAGE_MAX_FILE) {
		*errstr = "file too large";
		errno = EFBIG;
		return (-1);
	}
	/*
	 * strtod(3) follows LC_NUMERIC; the format does not.  The C locale
	 * object is made once and kept: it is the same for every caller.
	 */
	if (cloc == (locale_t)0)
		cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	memset(&f, 0, sizeof(f));
	f.st = st;
	f.cloc = cloc;

	/* The writer ends every line; a file that does not was cut short. */
	if (len > 0 && buf[len - 1] != '\n') {
		e = "no newline at end of file";
		goto fail;
	}
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(nl - p) > PF_STAGE_MAX_LINE) {
			e = "line too long";
			goto fail;
		}
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			e = "NUL byte";
			goto fail;
		}
		if (sr_line(&f, p, nl > p && nl[-1] == '\r' ? nl - 1 : nl,
		    &e) == -1)
			goto fail;
	}
	if (!f.known) {
		e = "no pipeflow metrics";
		goto fail;
	}
	/* Exactly one state marked current, or we do not know. */
	for (i = 0; i < PF_NSTATES; i++)
		if (f.states_marked == (1U << i))
			st->state = (int)i;
	*errstr = NULL;
	return (0);

fail:
	*errstr = e;
	errno = EINVAL;
	return (-1);
}

/* One line from p to end (no newline, no CR): a comment or a sample. */
static int
sr_line(struct sr_file *f, const char *p, const char *end,
    const char **errstr)
{
	struct sr_labels	 lb;
	const char		*name, *v;
	size_t			 namelen, i;
	double			 d;
	uint64_t		 u;
	int			 metric = -1, isint;

	p = sr_blanks(p, end);
	if (p == end || *p == '#')
		return (0);

	/* The metric name: [a-zA-Z_:][a-zA-Z0-9_:]* */
	name = p;
	if (!SR_ALPHA(*p) && *p != ':') {
		*errstr = "malformed metric name";
		return (-1);
	}
	while (p < end && (SR_ALPHA(*p) || SR_DIGIT(*p) || *p == ':'))
		p++;
	namelen = (size_t)(p - name);
	for (i = 0; i < SR_NMETRICS; i++)
		if (strlen(sr_metrics[i].name) == namelen &&
		    memcmp(sr_metrics[i].name, name, namelen) == 0) {
			metric = (int)i;
			break;
		}

	memset(&lb, 0, sizeof(lb));
	lb.statev = -1;
	v = sr_blanks(p, end);
	if (v < end && *v == '{') {
		p = v;
		if (sr_labels(&p, end, &lb, errstr) == -1)
			return (-1);
	}

	/* The value, after at least one blank. */
	if (p == end || !SR_BLANK(*p)) {
		*errstr = p == end ? "missing value" : "malformed sample";
		return (-1);
	}
	p = sr_blanks(p, end);
	v = p;
	while (p < end && !SR_BLANK(*p))
		p++;
	if (p == v) {
		*errstr = "missing value";
		return (-1);
	}
	if (sr_number(f, v, (size_t)(p - v), &d, &u, &isint) == -1) {
		*errstr = "malformed value";
		return (-1);
	}

	/* An optional timestamp in milliseconds; we have no use for it. */
	p = sr_blanks(p, end);
	if (p < end) {
		if (*p == '-' || *p == '+')
			p++;
		v = p;
		while (p < end && SR_DIGIT(*p))
			p++;
		if (p == v || (p < end && !SR_BLANK(*p))) {
			*errstr = "malformed timestamp";
			return (-1);
		}
		if (sr_blanks(p, end) != end) {
			*errstr = "junk after sample";
			return (-1);
		}
	}

	if (namelen >= 9 && memcmp(name, "pipeflow_", 9) == 0)
		f->known = 1;
	return (sr_sample(f, metric, &lb, d, u, isint, errstr));
}

/*
 * Labels from '{' to '}': name="value" pairs separated by commas, a
 * trailing comma allowed, blanks around every token.  Advances *pp past
 * the '}'.
 */
static int
sr_labels(const char **pp, const char *end, struct sr_labels *lb,
    const char **errstr)
{
	const char	*p = *pp + 1, *ln;
	char		 statev[SR_STATE_MAX];
	size_t		 lnlen, vlen, i;
	uint64_t	 hash;
	int		*dup;

	for (;;) {
		p = sr_blanks(p, end);
		if (p < end && *p == '}')
			break;
		ln = p;
		if (p == end || !SR_ALPHA(*p)) {
			*errstr = "malformed labels";
			return (-1);
		}
		while (p < end && (SR_ALPHA(*p) || SR_DIGIT(*p)))
			p++;
		lnlen = (size_t)(p - ln);
		p = sr_blanks(p, end);
		if (p == end || *p != '=') {
			*errstr = "malformed labels";
			return (-1);
		}
		p = sr_blanks(p + 1, end);

#define SR_IS(s)	(lnlen == sizeof(s) - 1 && memcmp(ln, s, lnlen) == 0)
		dup = NULL;
		if (SR_IS("stage")) {
			dup = &lb->stage;
			if (sr_value(&p, end, lb->stagev, sizeof(lb->stagev),
			    &vlen, &hash) == -1)
				goto bad;
			if (!sr_valid_name(lb->stagev, vlen)) {
				*errstr = "invalid stage name";
				return (-1);
			}
		} else if (SR_IS("tool")) {
			dup = &lb->tool;
			/* Checked here, cleaned from the raw text. */
			if (sr_value(&p, end, NULL, 0, &vlen, &hash) == -1)
				goto bad;
			sr_tool(lb->toolv, sizeof(lb->toolv), ln + lnlen,
			    (size_t)(p - (ln + lnlen)));
		} else if (SR_IS("reason")) {
			dup = &lb->reason;
			if (sr_value(&p, end, NULL, 0, &vlen,
			    &lb->reasonv) == -1)
				goto bad;
		} else if (SR_IS("state")) {
			dup = &lb->state;
			if (sr_value(&p, end, statev, sizeof(statev), &vlen,
			    &hash) == -1)
				goto bad;
			lb->statev = -1;
			for (i = 0; i < PF_NSTATES && vlen < sizeof(statev);
			    i++)
				if (strcmp(statev, sr_states[i]) == 0)
					lb->statev = (int)i;
		} else if (sr_value(&p, end, NULL, 0, &vlen, &hash) == -1)
			goto bad;
#undef SR_IS
		if (dup != NULL) {
			if (*dup) {
				*errstr = "duplicate label";
				return (-1);
			}
			*dup = 1;
		}

		p = sr_blanks(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			break;
		*errstr = "malformed labels";
		return (-1);
	}
	*pp = p + 1;
	return (0);

bad:
	*errstr = "malformed label value";
	return (-1);
}

/*
 * A quoted label value at *pp: escapes \\ \" \n, nothing else.  The value
 * unescaped goes to out (if not NULL) as a C string, cut to fit; its full
 * length goes to *lenp and its FNV-1a hash to *hashp.  Advances *pp past
 * the closing quote.
 */
static int
sr_value(const char **pp, const char *end, char *out, size_t size,
    size_t *lenp, uint64_t *hashp)
{
	const char	*p = *pp;
	uint64_t	 hash = 0xcbf29ce484222325ULL;
	size_t		 n = 0;
	char		 c;

	if (p == end || *p != '"')
		return (-1);
	for (p++; p < end && *p != '"'; p++) {
		c = *p;
		if (c == '\\') {
			if (++p == end)
				return (-1);
			switch (*p) {
			case '\\':
			case '"':
				c = *p;
				break;
			case 'n':
				c = '\n';
				break;
			default:
				return (-1);
			}
		}
		if (out != NULL && n + 1 < size)
			out[n] = c;
		n++;
		hash = (hash ^ (unsigned char)c) * 0x100000001b3ULL;
	}
	if (p == end)
		return (-1);
	if (out != NULL && size > 0)
		out[n < size ? n : size - 1] = '\0';
	*pp = p + 1;
	*lenp = n;
	*hashp = hash;
	return (0);
}

/*
 * A sample value: a decimal float, or NaN, Inf, Infinity in any case and
 * with a sign.  Go's ParseFloat, which Prometheus uses, takes more (hex,
 * underscores), but no writer of ours produces them.  A plain decimal
 * integer is also kept exactly in *u (saturated), since counters may pass
 * 2^53 where a double would round them.
 */
static int
sr_number(struct sr_file *f, const char *s, size_t n, double *d,
    uint64_t *u, int *isint)
{
	char		 buf[PF_STAGE_MAX_LINE + 1];
	const char	*p = s, *end = s + n;
	char		*ep;
	size_t		 digits = 0;
	unsigned int	 dig;
	int		 neg = 0;

	*isint = 0;
	*u = 0;
	if (n == 3 && strncasecmp(s, "nan", 3) == 0) {
		*d = NAN;
		return (0);
	}
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (((size_t)(end - p) == 3 && strncasecmp(p, "inf", 3) == 0) ||
	    ((size_t)(end - p) == 8 && strncasecmp(p, "infinity", 8) == 0)) {
		*d = neg ? -INFINITY : INFINITY;
		return (0);
	}

	while (p < end && SR_DIGIT(*p)) {
		dig = (unsigned int)(*p - '0');
		if (*u > UINT64_MAX / 10 ||
		    (*u == UINT64_MAX / 10 && dig > UINT64_MAX % 10))
			*u = UINT64_MAX;
		else
			*u = *u * 10 + dig;
		p++;
		digits++;
	}
	if (p == end && digits > 0 && s[0] != '+' && s[0] != '-') {
		*isint = 1;
		*d = (double)*u;
		return (0);
	}
	*u = 0;
	if (p < end && *p == '.')
		for (p++; p < end && SR_DIGIT(*p); p++)
			digits++;
	if (digits == 0)
		return (-1);
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !SR_DIGIT(*p))
			return (-1);
		while (p < end && SR_DIGIT(*p))
			p++;
	}
	if (p != end || n >= sizeof(buf))
		return (-1);

	/* The syntax is checked; strtod only converts, exactly. */
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (f->cloc != (locale_t)0)
		*d = strtod_l(buf, &ep, f->cloc);
	else
		*d = strtod(buf, &ep);
	return (ep == buf + n ? 0 : -1);
}

/* Store one parsed sample, clamped, after the duplicate checks. */
static int
sr_sample(struct sr_file *f, int metric, const struct sr_labels *lb,
    double d, uint64_t u, int isint, const char **errstr)
{
	struct pf_stage		*st = f->st;
	const struct sr_metric	*m;
	double			*dp;
	uint64_t		*up, v;
	pid_t			*pp;
	size_t			 i;

	if (lb->stage) {
		if (!f->have_stage) {
			memcpy(st->name, lb->stagev, sizeof(st->name));
			f->have_stage = 1;
		} else if (strcmp(st->name, lb->stagev) != 0) {
			*errstr = "samples of more than one stage";
			return (-1);
		}
	}
	if (lb->tool) {
		if (!f->have_tool) {
			memcpy(st->tool, lb->toolv, sizeof(st->tool));
			f->have_tool = 1;
		} else if (strcmp(st->tool, lb->toolv) != 0) {
			*errstr = "samples of more than one tool";
			return (-1);
		}
	}
	if (metric == -1)
		return (0);
	m = &sr_metrics[metric];

	/* NaN fails every comparison below, so it lands on the low end. */
	if (isint)
		v = u;
	else if (!(d > 0))
		v = 0;
	else if (d >= 18446744073709551616.0)
		v = UINT64_MAX;
	else
		v = (uint64_t)d;

	switch (m->kind) {
	case SR_DROPPED:
		for (i = 0; i < f->nreasons; i++)
			if (f->reason[i] == lb->reasonv)
				goto dup;
		if (f->nreasons == SR_MAX_REASONS) {
			*errstr = "too many drop reasons";
			return (-1);
		}
		f->reason[f->nreasons++] = lb->reasonv;
		st->dropped = st->dropped > UINT64_MAX - v ? UINT64_MAX :
		    st->dropped + v;
		return (0);
	case SR_STATE:
		if (lb->statev == -1)
			return (0);	/* a state from a later version */
		if (f->states_seen & (1U << lb->statev))
			goto dup;
		f->states_seen |= 1U << lb->statev;
		if (d > 0)
			f->states_marked |= 1U << lb->statev;
		return (0);
	default:
		break;
	}

	if (f->seen & (1U << metric))
		goto dup;
	f->seen |= 1U << metric;
	up = (uint64_t *)(void *)((char *)st + m->off);
	dp = (double *)(void *)((char *)st + m->off);
	pp = (pid_t *)(void *)((char *)st + m->off);
	switch (m->kind) {
	case SR_U64:
		*up = v;
		break;
	case SR_RATIO:
		*dp = !(d > 0) ? 0 : d > 1 ? 1 : d;
		break;
	case SR_FILL:
		*dp = !(d >= 0) ? -1 : d > 1 ? 1 : d;
		break;
	case SR_SECONDS:
		*dp = !(d > 0) ? 0 : d > PF_STAGE_MAX_SECONDS ?
		    PF_STAGE_MAX_SECONDS : d;
		break;
	case SR_PID:
		/*
		 * Not clamped but refused: readers pass it to kill(2), where
		 * 0 and -1 mean groups of processes, and a clamped pid would
		 * name some other process.
		 */
		*pp = isint && u >= 1 && u <= INT_MAX ? (pid_t)u : -1;
		break;
	default:
		break;
	}
	return (0);

dup:
	*errstr = "duplicate sample";
	return (-1);
}

/* As pf_status_valid_name(), on a counted string. */
static int
sr_valid_name(const char *s, size_t len)
{
	size_t	i;
	int	ch;

	if (len == 0 || len > SR_NAME_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-')
			continue;
		return (0);
	}
	return (1);
}

/*
 * The tool label, still quoted and escaped (p points at the blanks or the
 * '"' after '='): unescape and keep [A-Za-z0-9_.+-], replacing any other
 * byte by '_', so that it is safe to print on a terminal.
 */
static void
sr_tool(char *out, size_t size, const char *p, size_t n)
{
	const char	*end = p + n;
	size_t		 o = 0;
	int		 ch;

	while (p < end && *p != '"')
		p++;
	for (p++; p < end && *p != '"' && o + 1 < size; p++) {
		ch = (unsigned char)*p;
		if (ch == '\\' && p + 1 < end) {
			ch = (unsigned char)*++p;
			if (ch == 'n')
				ch = '\n';
		}
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '+' || ch == '-'))
			ch = '_';
		out[o++] = (char)ch;
	}
	out[o] = '\0';
}

static const char *
sr_blanks(const char *p, const char *end)
{
	while (p < end && SR_BLANK(*p))
		p++;
	return (p);
}

/*
 * O_NONBLOCK keeps a FIFO planted under a .prom name from blocking the
 * open; fstat then refuses it with anything else that is not a regular
 * file.  The size from fstat bounds the read: a file that grows while we
 * read it is not one of ours (those are replaced, never rewritten).
 */
int
pf_stage_read(int dirfd, const char *name, struct pf_stage *st,
    const char **errstr)
{
	struct stat	 sb;
	const char	*e;
	char		*buf = NULL;
	size_t		 len = 0, size, nlen;
	ssize_t		 n;
	int		 fd, serrno;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		*errstr = errno == ELOOP ? "is a symbolic link" :
		    "cannot open";
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		e = "cannot stat";
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		e = "not a regular file";
		errno = EINVAL;
		goto fail;
	}
	if (sb.st_size < 0 || sb.st_size > PF_STAGE_MAX_FILE) {
		e = "file too large";
		errno = EFBIG;
		goto fail;
	}
	size = (size_t)sb.st_size;
	if ((buf = malloc(size + 1)) == NULL) {
		e = "out of memory";
		goto fail;
	}
	for (;;) {
		n = read(fd, buf + len, size + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			e = "read error";
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > size) {
			e = "file changed while reading";
			errno = EAGAIN;
			goto fail;
		}
	}
	(void)close(fd);
	fd = -1;

	if (pf_stage_parse(st, buf, len, &e) == -1) {
		serrno = errno;
		free(buf);
		*errstr = e;
		errno = serrno;
		return (-1);
	}
	free(buf);
	st->mtime = (double)sb.st_mtim.tv_sec + sb.st_mtim.tv_nsec / 1e9;

	/* No stage label: the file name must be a valid stage name. */
	if (st->name[0] == '\0') {
		nlen = strlen(name);
		if (nlen <= sizeof(SR_SUFFIX) - 1 ||
		    strcmp(name + nlen - (sizeof(SR_SUFFIX) - 1),
		    SR_SUFFIX) != 0 ||
		    !sr_valid_name(name, nlen - (sizeof(SR_SUFFIX) - 1))) {
			*errstr = "invalid stage name";
			errno = EINVAL;
			return (-1);
		}
		memcpy(st->name, name, nlen - (sizeof(SR_SUFFIX) - 1));
		st->name[nlen - (sizeof(SR_SUFFIX) - 1)] = '\0';
	}
	*errstr = NULL;
	return (0);

fail:
	serrno = errno;
	if (fd != -1)
		(void)close(fd);
	free(buf);
	*errstr = e;
	errno = serrno;
	return (-1);
}

static int
sr_cmp(const void *a, const void *b)
{
	const struct pf_stage	*x = a, *y = b;

	return (strcmp(x->name, y->name));
}

/*
 * Names starting with '.' are skipped before anything is opened: they
 * are the writers' temporary files (.NAME.prom.XXXXXX) and editors'
 * leftovers.  Symbolic links are refused by pf_stage_read (O_NOFOLLOW),
 * so someone else's link cannot make us read an arbitrary file.
 */
int
pf_stage_scan(const char *dir, struct pf_stage **stagesp, size_t *np,
    size_t *skippedp, const char **errstr)
{
	struct pf_stage	*stages = NULL, *tmp;
	struct dirent	*de;
	DIR		*d;
	const char	*e;
	size_t		 n = 0, cap = 0, skipped = 0, len;
	int		 fd, serrno;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		*errstr = errno == ENOTDIR ? "not a directory" :
		    "cannot open directory";
		return (-1);
	}
	if ((d = fdopendir(fd)) == NULL) {
		serrno = errno;
		(void)close(fd);
		*errstr = "cannot open directory";
		errno = serrno;
		return (-1);
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				e = "cannot read directory";
				goto fail;
			}
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= sizeof(SR_SUFFIX) - 1 ||
		    strcmp(de->d_name + len - (sizeof(SR_SUFFIX) - 1),
		    SR_SUFFIX) != 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			tmp = reallocarray(stages, cap, sizeof(*stages));
			if (tmp == NULL) {
				e = "out of memory";
				goto fail;
			}
			stages = tmp;
		}
		if (pf_stage_read(dirfd(d), de->d_name, &stages[n], &e) == 0)
			n++;
		else
			skipped++;
	}
	(void)closedir(d);
	if (n > 1)
		qsort(stages, n, sizeof(*stages), sr_cmp);
	*stagesp = stages;
	*np = n;
	if (skippedp != NULL)
		*skippedp = skipped;
	*errstr = NULL;
	return (0);

fail:
	serrno = errno;
	(void)closedir(d);
	free(stages);
	*errstr = e;
	errno = serrno;
	return (-1);
}
