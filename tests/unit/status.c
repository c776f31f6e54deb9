/* SPDX-License-Identifier: ISC */
/*
 * status.c: unit tests for the Prometheus status file (lib/status.c) and
 * the drop-reason table (lib/counters.c).
 *
 * Everything happens in a private directory under $TMPDIR, reached
 * through $PIPEFLOW_STATUS_DIR as a tool would: directory creation and
 * the refusals, name checks, the file's contents line by line, atomic
 * replacement without leftovers, and removal at close.  When promtool is
 * installed it checks each file as Prometheus would.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

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

static char	 base[256];
static int	 have_promtool;

static void	 test_names(void);
static void	 test_counters(void);
static void	 test_open(void);
static void	 test_one_per_name(void);
static void	 test_write(void);
static void	 test_escape(void);
static void	 test_refuse(void);
static void	 test_failure(void);
static void	 test_dir(void);
static void	 extra(FILE *, const char *, void *);
static char	*slurp(const char *);
static int	 has_line(const char *, const char *);
static int	 count_prefix(const char *, const char *);
static int	 leftovers(const char *);
static int	 no_timestamps(const char *);
static void	 promtool(const char *, const char *);
static void	 rmtree(const char *);
static void	 fill(struct pf_counters *);

/* Read a whole file; NULL if it cannot be read. */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(fp);
		return (NULL);
	}
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return (NULL);
	}
	buf[n] = '\0';
	fclose(fp);
	return (buf);
}

/* Whether text holds line as a whole line. */
static int
has_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 len = strlen(line);

	if (text == NULL)
		return (0);
	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return (1);
		p++;
	}
	return (0);
}

/* Number of lines starting with prefix. */
static int
count_prefix(const char *text, const char *prefix)
{
	const char	*p;
	int		 n = 0;

	if (text == NULL)
		return (-1);
	for (p = text; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
		if (strchr(p, '\n') == NULL)
			break;
	}
	return (n);
}

/*
 * Whether every sample line is "name{labels} value": no timestamp.  The
 * labels in these tests hold no spaces, so a third field would show.
 */
static int
no_timestamps(const char *text)
{
	const char	*p, *nl;
	int		 fields, inspace;

	if (text == NULL)
		return (0);
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return (0);	/* the file must end in a newline */
		if (*p == '#')
			continue;
		fields = 0;
		inspace = 1;
		for (; p < nl; p++) {
			if (*p == ' ')
				inspace = 1;
			else if (inspace) {
				fields++;
				inspace = 0;
			}
		}
		if (fields != 2)
			return (0);
	}
	return (1);
}

/*
 * Entries of dir whose names start with ".", other than . and .. and the
 * locks (.NAME.lock) that open stages hold.
 */
static int
leftovers(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    (strlen(de->d_name) < 5 || strcmp(de->d_name +
		    strlen(de->d_name) - 5, ".lock") != 0))
			n++;
	closedir(d);
	return (n);
}

static void
promtool(const char *path, const char *what)
{
	char	cmd[512];
	int	rc;

	if (!have_promtool) {
		ok(1, "promtool check metrics %s # SKIP promtool not installed",
		    what);
		return;
	}
	(void)snprintf(cmd, sizeof(cmd),
	    "promtool check metrics < '%s' >&2", path);
	rc = system(cmd);
	ok(rc == 0, "promtool check metrics accepts %s", what);
}

/* Remove a directory tree of depth two; enough for these tests. */
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
fill(struct pf_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->records_in = 10;
	c->bytes_in = 1000;
	c->records_out = 7;
	c->bytes_out = 700;
	c->coalesced = 1;
	c->buffer_bytes = 300;
	c->buffer_records = 3;
	c->buffer_capacity = 65536;
	c->spill_bytes = 0;
	c->pressure = 0.5;
	c->state = PF_STATE_CONSTRAINED;
	c->oldest_age = 1.25;
	c->input_wait_ns = 1500000000ULL;
	c->output_wait_ns = 2000000001ULL;
	c->output_pipe_fill = 0.25;
	c->input_pipe_fill = -1;
}

static void
extra(FILE *fp, const char *labels, void *arg)
{
	fprintf(fp, "# HELP pipeflow_test_rate A test metric.\n"
	    "# TYPE pipeflow_test_rate gauge\n"
	    "pipeflow_test_rate{%s} %d\n", labels, *(int *)arg);
}

static void
test_names(void)
{
	char	long64[65], long65[66];

	memset(long64, 'a', 64);
	long64[64] = '\0';
	memset(long65, 'a', 65);
	long65[65] = '\0';
	ok(pf_status_valid_name("a"), "name: one letter is valid");
	ok(pf_status_valid_name("Stage_1.b-2"), "name: all classes valid");
	ok(pf_status_valid_name(long64), "name: 64 characters is valid");
	ok(!pf_status_valid_name(long65), "name: 65 characters is invalid");
	ok(!pf_status_valid_name(""), "name: empty is invalid");
	ok(!pf_status_valid_name(NULL), "name: NULL is invalid");
	ok(!pf_status_valid_name("../x"), "name: slash is invalid");
	ok(!pf_status_valid_name("a b"), "name: space is invalid");
	ok(!pf_status_valid_name("a\"b"), "name: quote is invalid");
	ok(!pf_status_valid_name("caf\xc3\xa9"), "name: non-ASCII is invalid");
}

static void
test_counters(void)
{
	struct pf_counters	c;
	char			fullname[] = "full";
	int			i;

	memset(&c, 0, sizeof(c));
	is_int(pf_counters_dropped(&c), 0, "counters: no drops");
	is_int(pf_counters_reason(&c, "full"), 0, "reason: first is slot 0");
	is_int(pf_counters_reason(&c, "expired"), 1,
	    "reason: second is slot 1");
	is_int(pf_counters_reason(&c, fullname), 0,
	    "reason: found by content, not pointer");
	c.dropped[0] = 5;
	c.dropped[1] = 7;
	is_int(pf_counters_dropped(&c), 12, "counters: drops summed");
	is_int(pf_counters_reason(&c, "even"), 2, "reason: third is slot 2");
	is_int(pf_counters_reason(&c, "odd"), 3, "reason: fourth is slot 3");
	is_int(pf_counters_reason(&c, "even"), 2,
	    "reason: a known reason keeps its slot");
	errno = 0;
	is_int(pf_counters_reason(&c, NULL), -1, "reason: NULL refused");
	ok(errno == EINVAL, "reason: NULL is EINVAL");
	for (i = 4; i < PF_DROP_REASONS; i++) {
		static char	names[PF_DROP_REASONS][8];

		(void)snprintf(names[i], sizeof(names[i]), "r%d", i);
		pf_counters_reason(&c, names[i]);
	}
	is_int(pf_counters_reason(&c, "r4"), 4, "reason: table filled");
	errno = 0;
	is_int(pf_counters_reason(&c, "another"), -1,
	    "reason: full table returns -1");
	ok(errno == ENOSPC, "reason: full table is ENOSPC");
	is_int(pf_counters_reason(&c, "full"), 0,
	    "reason: known reason still found when full");
}

static void
test_open(void)
{
	struct pf_status	*st;
	struct stat		 sb;
	const char		*errstr = NULL;
	char			 dir[768], want[1024], xdg[512];

	(void)snprintf(dir, sizeof(dir), "%s/st", base);
	setenv("PIPEFLOW_STATUS_DIR", dir, 1);
	st = pf_status_open(NULL, "stage1", "bqueue", &errstr);
	ok(st != NULL, "open: from $PIPEFLOW_STATUS_DIR (%s)",
	    st ? "ok" : errstr);
	ok(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode),
	    "open: directory created");
	is_int(sb.st_mode & 07777, 0700, "open: directory created 0700");
	(void)snprintf(want, sizeof(want), "%s/stage1.prom", dir);
	is_str(st ? pf_status_path(st) : NULL, want, "open: path");
	ok(access(want, F_OK) == -1, "open: no file before the first write");
	pf_status_close(st);

	/* An explicit directory wins over the environment. */
	(void)snprintf(dir, sizeof(dir), "%s/explicit", base);
	st = pf_status_open(dir, "s", "t", &errstr);
	(void)snprintf(want, sizeof(want), "%s/s.prom", dir);
	is_str(st ? pf_status_path(st) : NULL, want,
	    "open: explicit directory wins");
	pf_status_close(st);

	/* Then $XDG_RUNTIME_DIR/pipeflow. */
	unsetenv("PIPEFLOW_STATUS_DIR");
	(void)snprintf(xdg, sizeof(xdg), "%s/xdg", base);
	(void)mkdir(xdg, 0700);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	st = pf_status_open(NULL, "s", "t", &errstr);
	(void)snprintf(want, sizeof(want), "%s/pipeflow/s.prom", xdg);
	is_str(st ? pf_status_path(st) : NULL, want,
	    "open: falls back to $XDG_RUNTIME_DIR/pipeflow");
	(void)snprintf(dir, sizeof(dir), "%s/pipeflow", xdg);
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 07777) == 0700,
	    "open: $XDG_RUNTIME_DIR/pipeflow created 0700");
	pf_status_close(st);

	/* An existing directory keeps its mode if it is safe. */
	(void)snprintf(dir, sizeof(dir), "%s/shared", base);
	(void)mkdir(dir, 0755);
	(void)chmod(dir, 0755);
	st = pf_status_open(dir, "s", "t", &errstr);
	ok(st != NULL, "open: existing 0755 directory accepted");
	ok(stat(dir, &sb) == 0 && (sb.st_mode & 07777) == 0755,
	    "open: existing directory mode left alone");
	pf_status_close(st);

	(void)snprintf(dir, sizeof(dir), "%s/st", base);
	setenv("PIPEFLOW_STATUS_DIR", dir, 1);
	pf_status_close(NULL);
	ok(1, "close(NULL) is harmless");
}

/* Two stages never share a status file: the second open is refused. */
static void
test_one_per_name(void)
{
	struct pf_status	*a, *b, *c;
	const char		*errstr = NULL;
	char			 dir[768], lock[1024];

	(void)snprintf(dir, sizeof(dir), "%s/clash", base);
	(void)snprintf(lock, sizeof(lock), "%s/.dup.lock", dir);
	a = pf_status_open(dir, "dup", "t", &errstr);
	ok(a != NULL, "one per name: the first stage opens");
	errno = 0;
	errstr = NULL;
	b = pf_status_open(dir, "dup", "u", &errstr);
	ok(b == NULL && errno == EBUSY, "one per name: the second is refused "
	    "with EBUSY");
	is_str(errstr, "in use by another stage", "one per name: errstr");
	pf_status_close(b);
	c = pf_status_open(dir, "other", "t", &errstr);
	ok(c != NULL, "one per name: another name opens beside it");
	pf_status_close(c);
	ok(access(lock, F_OK) == 0, "one per name: the lock held as .dup.lock");
	pf_status_close(a);
	ok(access(lock, F_OK) == -1 && errno == ENOENT,
	    "one per name: the lock removed at close");
	b = pf_status_open(dir, "dup", "u", &errstr);
	ok(b != NULL, "one per name: free again once the first has closed");
	pf_status_close(b);
	is_int(rmdir(dir), 0, "one per name: nothing left in the directory");
}

static void
test_write(void)
{
	struct pf_status	*st;
	struct pf_counters	 c;
	struct stat		 sb;
	const char		*errstr = NULL;
	char			*text, dir[512], path[600], pidline[128];
	int			 arg = 42;

	(void)snprintf(dir, sizeof(dir), "%s/st", base);
	st = pf_status_open(NULL, "stage1", "bqueue", &errstr);
	if (st == NULL) {
		ok(0, "write: open failed: %s", errstr);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s", pf_status_path(st));
	fill(&c);
	c.drop_reason[0] = "full";
	c.dropped[0] = 3;
	c.drop_reason[1] = "expired";
	c.dropped[1] = 0;

	is_int(pf_status_write(st, &c), 0, "write: returns 0");
	ok(stat(path, &sb) == 0 && S_ISREG(sb.st_mode),
	    "write: file exists");
	is_int(sb.st_mode & 07777, 0644, "write: file is 0644 (umask 022)");
	text = slurp(path);
	ok(text != NULL, "write: file readable");
#define LINE(s, what)	ok(has_line(text, s), "write: %s", what)
	LINE("# HELP pipeflow_records_in_total Records read from the input.",
	    "HELP line");
	LINE("# TYPE pipeflow_records_in_total counter", "TYPE counter");
	LINE("pipeflow_records_in_total{stage=\"stage1\",tool=\"bqueue\"} 10",
	    "records_in");
	LINE("pipeflow_bytes_in_total{stage=\"stage1\",tool=\"bqueue\"} 1000",
	    "bytes_in");
	LINE("pipeflow_records_out_total{stage=\"stage1\",tool=\"bqueue\"} 7",
	    "records_out");
	LINE("pipeflow_bytes_out_total{stage=\"stage1\",tool=\"bqueue\"} 700",
	    "bytes_out");
	LINE("# TYPE pipeflow_records_dropped_total counter",
	    "dropped TYPE");
	LINE("pipeflow_records_dropped_total{stage=\"stage1\",tool=\"bqueue\","
	    "reason=\"full\"} 3", "dropped full");
	LINE("pipeflow_records_dropped_total{stage=\"stage1\",tool=\"bqueue\","
	    "reason=\"expired\"} 0", "dropped expired, even at 0");
	is_int(count_prefix(text, "pipeflow_records_dropped_total{"), 2,
	    "write: one drop line per reason");
	LINE("pipeflow_records_coalesced_total{stage=\"stage1\","
	    "tool=\"bqueue\"} 1", "coalesced");
	LINE("# TYPE pipeflow_buffer_bytes gauge", "TYPE gauge");
	LINE("pipeflow_buffer_bytes{stage=\"stage1\",tool=\"bqueue\"} 300",
	    "buffer_bytes");
	LINE("pipeflow_buffer_records{stage=\"stage1\",tool=\"bqueue\"} 3",
	    "buffer_records");
	LINE("pipeflow_buffer_capacity_bytes{stage=\"stage1\","
	    "tool=\"bqueue\"} 65536", "buffer_capacity_bytes");
	LINE("pipeflow_spill_bytes{stage=\"stage1\",tool=\"bqueue\"} 0",
	    "spill_bytes");
	LINE("pipeflow_pressure{stage=\"stage1\",tool=\"bqueue\"} 0.5",
	    "pressure");
	LINE("pipeflow_state{stage=\"stage1\",tool=\"bqueue\","
	    "state=\"normal\"} 0", "state normal 0");
	LINE("pipeflow_state{stage=\"stage1\",tool=\"bqueue\","
	    "state=\"constrained\"} 1", "state constrained 1");
	LINE("pipeflow_state{stage=\"stage1\",tool=\"bqueue\","
	    "state=\"saturated\"} 0", "state saturated 0");
	LINE("pipeflow_state{stage=\"stage1\",tool=\"bqueue\","
	    "state=\"recovery\"} 0", "state recovery 0");
	is_int(count_prefix(text, "pipeflow_state{"), PF_NSTATES,
	    "write: one state line per state");
	LINE("pipeflow_oldest_age_seconds{stage=\"stage1\",tool=\"bqueue\"} "
	    "1.25", "oldest_age_seconds");
	LINE("pipeflow_input_wait_seconds_total{stage=\"stage1\","
	    "tool=\"bqueue\"} 1.5", "input_wait_seconds from ns");
	LINE("pipeflow_output_wait_seconds_total{stage=\"stage1\","
	    "tool=\"bqueue\"} 2.000000001", "output_wait_seconds exact");
	LINE("pipeflow_output_pipe_fill_ratio{stage=\"stage1\","
	    "tool=\"bqueue\"} 0.25", "output_pipe_fill_ratio");
	is_int(count_prefix(text, "pipeflow_input_pipe_fill_ratio{"), 0,
	    "write: input_pipe_fill_ratio omitted when not a pipe");
	LINE("# TYPE pipeflow_input_pipe_fill_ratio gauge",
	    "input_pipe_fill_ratio TYPE kept");
	is_int(count_prefix(text, "pipeflow_updated_timestamp_seconds{"
	    "stage=\"stage1\",tool=\"bqueue\"} 1"), 1,
	    "write: updated_timestamp_seconds");
	LINE("pipeflow_build_info{stage=\"stage1\",tool=\"bqueue\","
	    "version=\"" PACKAGE_VERSION "\"} 1", "build_info");
	LINE("# TYPE pipeflow_process_id gauge", "process_id TYPE");
	(void)snprintf(pidline, sizeof(pidline),
	    "pipeflow_process_id{stage=\"stage1\",tool=\"bqueue\"} %ld",
	    (long)getpid());
	LINE(pidline, "process_id is getpid()");
	is_int(count_prefix(text, "# HELP "), count_prefix(text, "# TYPE "),
	    "write: a HELP for every TYPE");
	is_int(count_prefix(text, "# TYPE "), 20, "write: 20 metric families");
	ok(no_timestamps(text), "write: no sample timestamps");
	is_int(leftovers(dir), 0, "write: no temporary file left");
	promtool(path, "the status file");
	free(text);

	/* A second write replaces the file; the extra callback appends. */
	c.records_in = 11;
	c.state = PF_STATE_SATURATED;
	c.input_pipe_fill = 0;
	c.drop_reason[0] = NULL;
	c.drop_reason[1] = NULL;
	pf_status_set_extra(st, extra, &arg);
	is_int(pf_status_write(st, &c), 0, "rewrite: returns 0");
	text = slurp(path);
	LINE("pipeflow_records_in_total{stage=\"stage1\",tool=\"bqueue\"} 11",
	    "rewrite: new value");
	ok(!has_line(text, "pipeflow_records_in_total{stage=\"stage1\","
	    "tool=\"bqueue\"} 10"), "rewrite: old value gone");
	LINE("pipeflow_state{stage=\"stage1\",tool=\"bqueue\","
	    "state=\"saturated\"} 1", "rewrite: state saturated 1");
	is_int(count_prefix(text, "pipeflow_records_dropped_total{"), 0,
	    "rewrite: no reasons, no drop lines");
	LINE("# TYPE pipeflow_records_dropped_total counter",
	    "rewrite: drop TYPE kept without reasons");
	LINE("pipeflow_input_pipe_fill_ratio{stage=\"stage1\","
	    "tool=\"bqueue\"} 0", "rewrite: input_pipe_fill_ratio at 0");
	LINE("pipeflow_test_rate{stage=\"stage1\",tool=\"bqueue\"} 42",
	    "rewrite: extra callback output");
	ok(no_timestamps(text), "rewrite: no sample timestamps");
	is_int(leftovers(dir), 0, "rewrite: no temporary file left");
	promtool(path, "the rewritten file");
	free(text);
#undef LINE

	pf_status_close(st);
	ok(access(path, F_OK) == -1 && errno == ENOENT,
	    "close: removes the file");
	ok(access(dir, F_OK) == 0, "close: keeps the directory");
	is_int(leftovers(dir), 0, "close: nothing left behind");
}

/* Label values are escaped even though stage names are restricted. */
static void
test_escape(void)
{
	struct pf_status	*st;
	struct pf_counters	 c;
	const char		*errstr = NULL;
	char			*text, path[600];

	st = pf_status_open(NULL, "esc", "a\"b\\c\nd", &errstr);
	if (st == NULL) {
		ok(0, "escape: open failed: %s", errstr);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s", pf_status_path(st));
	fill(&c);
	c.drop_reason[0] = "we\"ird";
	c.dropped[0] = 1;
	c.pressure = 1.0 / 3;
	is_int(pf_status_write(st, &c), 0, "escape: write returns 0");
	text = slurp(path);
	ok(has_line(text, "pipeflow_records_in_total{stage=\"esc\","
	    "tool=\"a\\\"b\\\\c\\nd\"} 10"),
	    "escape: quote, backslash, newline");
	ok(has_line(text, "pipeflow_records_dropped_total{stage=\"esc\","
	    "tool=\"a\\\"b\\\\c\\nd\",reason=\"we\\\"ird\"} 1"),
	    "escape: reason escaped");
	ok(has_line(text, "pipeflow_pressure{stage=\"esc\","
	    "tool=\"a\\\"b\\\\c\\nd\"} 0.33333333333333331"),
	    "escape: a third written with all its digits");
	promtool(path, "escaped labels");
	free(text);
	pf_status_close(st);
}

static void
test_refuse(void)
{
	struct pf_status	*st;
	const char		*errstr;
	char			 dir[512], target[512], name65[66];
	char			*huge;

	memset(name65, 'x', 65);
	name65[65] = '\0';
#define REFUSE(d, n, want, err, what) do {				\
	errstr = NULL;							\
	errno = 0;							\
	st = pf_status_open((d), (n), "t", &errstr);			\
	ok(st == NULL && errno == (err), "refuse: %s", what);		\
	is_str(errstr, want, "refuse: %s: message", what);		\
	pf_status_close(st);						\
} while (0)
	REFUSE(NULL, "../x", "invalid name", EINVAL, "name ../x");
	REFUSE(NULL, "", "invalid name", EINVAL, "empty name");
	REFUSE(NULL, name65, "invalid name", EINVAL, "65-character name");
	REFUSE(NULL, NULL, "invalid name", EINVAL, "NULL name");

	(void)snprintf(dir, sizeof(dir), "%s/gw", base);
	(void)mkdir(dir, 0700);
	(void)chmod(dir, 0770);
	REFUSE(dir, "s", "writable by group or others", EPERM,
	    "group-writable directory");
	(void)chmod(dir, 0702);
	REFUSE(dir, "s", "writable by group or others", EPERM,
	    "world-writable directory");

	(void)snprintf(target, sizeof(target), "%s/st", base);
	(void)snprintf(dir, sizeof(dir), "%s/link", base);
	if (symlink(target, dir) == -1)
		ok(0, "symlink: %s", strerror(errno));
	errstr = NULL;
	errno = 0;
	st = pf_status_open(dir, "s", "t", &errstr);
	ok(st == NULL && (errno == ELOOP || errno == ENOTDIR),
	    "refuse: symlink to directory");
	is_str(errstr, "is a symbolic link", "refuse: symlink: message");
	pf_status_close(st);

	(void)snprintf(dir, sizeof(dir), "%s/file", base);
	close(open(dir, O_WRONLY | O_CREAT, 0600));
	REFUSE(dir, "s", "not a directory", ENOTDIR, "regular file");

	(void)snprintf(dir, sizeof(dir), "%s/no/such", base);
	REFUSE(dir, "s", "cannot create directory", ENOENT,
	    "missing parent");
	REFUSE("", "s", "empty directory name", ENOENT, "empty directory");
	if ((huge = malloc(PATH_MAX + 2)) != NULL) {
		memset(huge, 'd', PATH_MAX + 1);
		huge[0] = '/';
		huge[PATH_MAX + 1] = '\0';
		REFUSE(huge, "s", "directory name too long", ENAMETOOLONG,
		    "directory name of PATH_MAX + 1 bytes");
		free(huge);
	}

	/* Only root can make a directory that belongs to someone else. */
	if (geteuid() == 0) {
		(void)snprintf(dir, sizeof(dir), "%s/other", base);
		(void)mkdir(dir, 0700);
		if (chown(dir, 65534, 65534) == 0) {
			REFUSE(dir, "s", "owned by another user", EPERM,
			    "directory of another user");
		} else {
			ok(1, "refuse: other user # SKIP chown failed");
			ok(1, "refuse: other user # SKIP chown failed");
		}
	} else {
		ok(1, "refuse: other user # SKIP needs root to chown");
		ok(1, "refuse: other user # SKIP needs root to chown");
	}
#undef REFUSE
}

/* A failed rename leaves no temporary file and reports errno. */
static void
test_failure(void)
{
	struct pf_status	*st;
	struct pf_counters	 c;
	const char		*errstr = NULL;
	char			 dir[512], sub[600];

	(void)snprintf(dir, sizeof(dir), "%s/fail", base);
	st = pf_status_open(dir, "s", "t", &errstr);
	if (st == NULL) {
		ok(0, "failure: open failed: %s", errstr);
		return;
	}
	/* A non-empty directory where the file goes makes rename fail. */
	(void)snprintf(sub, sizeof(sub), "%s/s.prom", dir);
	(void)mkdir(sub, 0700);
	(void)snprintf(sub, sizeof(sub), "%s/s.prom/x", dir);
	(void)mkdir(sub, 0700);
	fill(&c);
	errno = 0;
	is_int(pf_status_write(st, &c), -1, "failure: write returns -1");
	ok(errno != 0, "failure: errno set (%s)", strerror(errno));
	is_int(leftovers(dir), 0, "failure: temporary file removed");
	pf_status_close(st);
}

static void
test_dir(void)
{
	struct stat	 sb;
	char		 buf[512], want[512], small[8], big[600];

	unsetenv("PIPEFLOW_STATUS_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	(void)snprintf(want, sizeof(want), "/tmp/pipeflow-%ju",
	    (uintmax_t)geteuid());
	is_int(pf_status_dir(buf, sizeof(buf), NULL), 0,
	    "dir: no variables");
	is_str(buf, want, "dir: /tmp/pipeflow-UID without variables");

	setenv("XDG_RUNTIME_DIR", "run/relative", 1);
	(void)pf_status_dir(buf, sizeof(buf), NULL);
	is_str(buf, want, "dir: a relative $XDG_RUNTIME_DIR is ignored");
	setenv("XDG_RUNTIME_DIR", "", 1);
	(void)pf_status_dir(buf, sizeof(buf), NULL);
	is_str(buf, want, "dir: an empty $XDG_RUNTIME_DIR is ignored");

	(void)snprintf(want, sizeof(want), "%s/xdg-dir", base);
	setenv("XDG_RUNTIME_DIR", want, 1);
	(void)snprintf(want, sizeof(want), "%s/xdg-dir/pipeflow", base);
	is_int(pf_status_dir(buf, sizeof(buf), NULL), 0, "dir: XDG");
	is_str(buf, want, "dir: $XDG_RUNTIME_DIR/pipeflow");
	ok(stat(want, &sb) == -1 && errno == ENOENT,
	    "dir: nothing created");

	setenv("PIPEFLOW_STATUS_DIR", "", 1);
	(void)pf_status_dir(buf, sizeof(buf), NULL);
	is_str(buf, want, "dir: an empty $PIPEFLOW_STATUS_DIR is unset");
	setenv("PIPEFLOW_STATUS_DIR", "/some/where", 1);
	(void)pf_status_dir(buf, sizeof(buf), NULL);
	is_str(buf, "/some/where", "dir: $PIPEFLOW_STATUS_DIR wins over XDG");
	(void)pf_status_dir(buf, sizeof(buf), "rel/dir");
	is_str(buf, "rel/dir", "dir: an explicit directory wins, as given");

	errno = 0;
	is_int(pf_status_dir(buf, sizeof(buf), ""), -1,
	    "dir: empty directory refused");
	is_int(errno, ENOENT, "dir: empty directory is ENOENT");
	errno = 0;
	is_int(pf_status_dir(small, sizeof(small), "/abcdefg"), -1,
	    "dir: 8 bytes do not fit in 8");
	is_int(errno, ENAMETOOLONG, "dir: too long is ENAMETOOLONG");
	is_int(pf_status_dir(small, sizeof(small), "/abcdef"), 0,
	    "dir: 7 bytes and the NUL fit in 8");
	is_str(small, "/abcdef", "dir: exact fit");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	unsetenv("PIPEFLOW_STATUS_DIR");
	setenv("XDG_RUNTIME_DIR", "/", 1);
	is_int(pf_status_dir(small, sizeof(small), NULL), -1,
	    "dir: $XDG_RUNTIME_DIR/pipeflow too long");
	setenv("PIPEFLOW_STATUS_DIR", big, 1);
	errno = 0;
	is_int(pf_status_dir(buf, sizeof(buf), NULL), -1,
	    "dir: a too long $PIPEFLOW_STATUS_DIR refused");
	is_int(errno, ENAMETOOLONG, "dir: and is ENAMETOOLONG");
	unsetenv("PIPEFLOW_STATUS_DIR");
	unsetenv("XDG_RUNTIME_DIR");
}

int
main(void)
{
	const char	*tmp;
	struct stat	 sb;

	umask(022);
	have_promtool = system("command -v promtool >/dev/null 2>&1") == 0;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	(void)snprintf(base, sizeof(base), "%s/pf-status.XXXXXX", tmp);
	if (mkdtemp(base) == NULL) {
		ok(0, "mkdtemp %s: %s", base, strerror(errno));
		return (done());
	}
	unsetenv("XDG_RUNTIME_DIR");

	test_names();
	test_counters();
	test_open();
	test_one_per_name();
	test_write();
	test_escape();
	test_refuse();
	test_failure();
	test_dir();

	rmtree(base);
	ok(stat(base, &sb) == -1, "scratch directory removed");
	return (done());
}
