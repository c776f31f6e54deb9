/* SPDX-License-Identifier: ISC */
/*
 * stage.c: unit tests for reading status files (lib/stage.c).
 *
 * Files written by lib/status.c must read back exactly; hand-written
 * ones exercise the parser on what the writer never produces: other
 * label orders, escapes, NaN and Inf, huge and negative numbers, CRLF,
 * and the many ways a file can be malformed.  Directory scans run in a
 * private directory under $TMPDIR holding good files, a writer's
 * temporary file, a symbolic link, a FIFO and junk.  The status directory
 * is resolved from the environment as the writer does.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeflow.h"
#include "tap.h"

#define L	"{stage=\"s\",tool=\"t\"}"

static char	 base[256];

static int	 parse(struct pf_stage *, const char *, const char **);
static void	 bad(const char *, const char *, const char *);
static void	 put(const char *, const char *, const char *);
static void	 rmtree(const char *);
static void	 fill(struct pf_counters *);
static void	 test_roundtrip(void);
static void	 test_states(void);
static void	 test_basic(void);
static void	 test_labels(void);
static void	 test_values(void);
static void	 test_duplicates(void);
static void	 test_malformed(void);
static void	 test_limits(void);
static void	 test_read(void);
static void	 test_scan(void);
static void	 test_pid(void);

static int
parse(struct pf_stage *st, const char *text, const char **errstr)
{
	*errstr = "unset";
	return (pf_stage_parse(st, text, strlen(text), errstr));
}

/* text must be refused with the message want. */
static void
bad(const char *text, const char *want, const char *what)
{
	struct pf_stage	 st;
	const char	*errstr;
	int		 rc;

	errno = 0;
	rc = parse(&st, text, &errstr);
	ok(rc == -1 && errno == EINVAL, "refused: %s", what);
	is_str(rc == -1 ? errstr : "accepted", want, "refused: %s: message",
	    what);
}

/* Write base/sub/name. */
static void
put(const char *name, const char *contents, const char *sub)
{
	char	 path[768];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s/%s", base, sub, name);
	if ((fp = fopen(path, "w")) == NULL) {
		diag("cannot create %s", path);
		return;
	}
	fputs(contents, fp);
	fclose(fp);
}

/* Remove a directory tree of depth two; enough for these tests. */
static void
rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 p[768];

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
	(void)rmdir(dir);
}

static void
fill(struct pf_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->records_in = UINT64_MAX;
	c->bytes_in = 1000;
	c->records_out = 7;
	c->bytes_out = 700;
	c->drop_reason[0] = "full";
	c->dropped[0] = 3;
	c->drop_reason[1] = "expired";
	c->dropped[1] = 4;
	c->coalesced = 1;
	c->buffer_bytes = 300;
	c->buffer_records = 3;
	c->buffer_capacity = 65536;
	c->spill_bytes = 12345678901ULL;
	c->pressure = 0.93;
	c->state = PF_STATE_SATURATED;
	c->oldest_age = 1.25;
	c->input_wait_ns = 1500000000ULL;
	c->output_wait_ns = 2000000001ULL;
	c->output_pipe_fill = 0.25;
	c->input_pipe_fill = -1;
}

static void
test_roundtrip(void)
{
	struct pf_status	*ps;
	struct pf_counters	 c;
	struct pf_stage		 st;
	const char		*errstr = NULL;
	char			 dir[512];
	double			 now;
	int			 dfd;

	(void)snprintf(dir, sizeof(dir), "%s/rt", base);
	setenv("PIPEFLOW_STATUS_DIR", dir, 1);
	if ((ps = pf_status_open(NULL, "stage-1.a", "bqueue", &errstr)) ==
	    NULL) {
		ok(0, "roundtrip: open: %s", errstr);
		return;
	}
	fill(&c);
	now = pf_clock_wall();
	is_int(pf_status_write(ps, &c), 0, "roundtrip: written");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	errstr = "unset";
	is_int(pf_stage_read(dfd, "stage-1.a.prom", &st, &errstr), 0,
	    "roundtrip: read back");
	ok(errstr == NULL, "roundtrip: errstr NULL on success");
	is_str(st.name, "stage-1.a", "roundtrip: name");
	is_str(st.tool, "bqueue", "roundtrip: tool");
	is_int(st.state, PF_STATE_SATURATED, "roundtrip: state");
	ok(st.records_in == UINT64_MAX,
	    "roundtrip: records_in exact at 2^64-1");
	is_int(st.bytes_in, 1000, "roundtrip: bytes_in");
	is_int(st.records_out, 7, "roundtrip: records_out");
	is_int(st.bytes_out, 700, "roundtrip: bytes_out");
	is_int(st.dropped, 7, "roundtrip: dropped summed over reasons");
	is_int(st.coalesced, 1, "roundtrip: coalesced");
	is_int(st.buffer_bytes, 300, "roundtrip: buffer_bytes");
	is_int(st.buffer_records, 3, "roundtrip: buffer_records");
	is_int(st.buffer_capacity, 65536, "roundtrip: buffer_capacity");
	ok(st.spill_bytes == 12345678901ULL, "roundtrip: spill_bytes");
	ok(st.pressure == 0.93, "roundtrip: pressure exact");
	ok(st.oldest_age == 1.25, "roundtrip: oldest_age");
	ok(st.input_wait == 1.5, "roundtrip: input_wait");
	ok(st.output_wait == 2.000000001, "roundtrip: output_wait");
	ok(st.output_pipe_fill == 0.25, "roundtrip: output_pipe_fill");
	ok(st.input_pipe_fill == -1, "roundtrip: absent input_pipe_fill is -1");
	ok(st.updated >= now - 1 && st.updated <= now + 60,
	    "roundtrip: updated is the write time");
	ok(st.mtime >= now - 60 && st.mtime <= now + 60,
	    "roundtrip: mtime from fstat");
	is_int(st.pid, getpid(), "roundtrip: pid is the writer's");

	/* A quote and a space in the tool name come back harmless. */
	pf_status_close(ps);
	ps = pf_status_open(NULL, "odd", "my \"tool\"\n\x1b[2J", &errstr);
	fill(&c);
	c.input_pipe_fill = 1;
	c.output_pipe_fill = -1;
	c.drop_reason[0] = NULL;
	if (ps != NULL && pf_status_write(ps, &c) == 0) {
		is_int(pf_stage_read(dfd, "odd.prom", &st, &errstr), 0,
		    "roundtrip: odd tool name read back");
		is_str(st.tool, "my__tool____2J", "roundtrip: tool cleaned");
		is_int(st.dropped, 0, "roundtrip: no drop reasons is 0");
		ok(st.input_pipe_fill == 1 && st.output_pipe_fill == -1,
		    "roundtrip: fills");
	} else
		ok(0, "roundtrip: odd tool name written");
	pf_status_close(ps);
	close(dfd);
}

static void
test_states(void)
{
	struct pf_status	*ps;
	struct pf_counters	 c;
	struct pf_stage		 st;
	const char		*errstr;
	char			 dir[512];
	int			 i, dfd;

	(void)snprintf(dir, sizeof(dir), "%s/rt", base);
	if ((ps = pf_status_open(dir, "states", "shed", &errstr)) == NULL) {
		ok(0, "states: open: %s", errstr);
		return;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	fill(&c);
	for (i = 0; i < PF_NSTATES; i++) {
		c.state = (enum pf_state)i;
		(void)pf_status_write(ps, &c);
		st.state = -2;
		(void)pf_stage_read(dfd, "states.prom", &st, &errstr);
		is_int(st.state, i, "states: %s read back",
		    pf_state_name((enum pf_state)i));
	}
	close(dfd);
	pf_status_close(ps);
}

static void
test_basic(void)
{
	struct pf_stage	 st;
	const char	*errstr;

	is_int(parse(&st, "pipeflow_records_in_total 5\n", &errstr), 0,
	    "basic: one sample, no labels");
	ok(errstr == NULL, "basic: errstr NULL");
	is_int(st.records_in, 5, "basic: value");
	is_str(st.name, "", "basic: no stage label, no name");
	is_str(st.tool, "", "basic: no tool label, no tool");
	is_int(st.state, -1, "basic: no state sample, state unknown");
	ok(st.input_pipe_fill == -1 && st.output_pipe_fill == -1,
	    "basic: fills absent are -1");
	ok(st.records_out == 0 && st.dropped == 0 && st.pressure == 0 &&
	    st.updated == 0 && st.oldest_age == 0, "basic: the rest is 0");
	is_int(st.pid, -1, "basic: pid -1");

	is_int(parse(&st, "# HELP x y\n# TYPE x counter\n\n   \n"
	    "# anything \"at all\" {\n"
	    "  pipeflow_buffer_bytes" L "\t 12  \n"
	    "node_load1 3.5\n"
	    "pipeflow_future_metric{stage=\"s\",x=\"1\"} 2\n", &errstr), 0,
	    "basic: comments, blanks, unknown metrics skipped");
	is_int(st.buffer_bytes, 12, "basic: leading and inner blanks");
	is_str(st.name, "s", "basic: name from the stage label");
	is_str(st.tool, "t", "basic: tool from the tool label");

	is_int(parse(&st, "pipeflow_records_in_total" L " 5\r\n"
	    "pipeflow_pressure" L " 0.5\r\n"
	    "pipeflow_state{stage=\"s\",tool=\"t\",state=\"recovery\"} 1\r\n",
	    &errstr), 0, "basic: CRLF line ends accepted");
	ok(st.records_in == 5 && st.pressure == 0.5 &&
	    st.state == PF_STATE_RECOVERY, "basic: CRLF values");

	is_int(parse(&st, "pipeflow_records_in_total" L " 5 1712345678000\n"
	    "pipeflow_bytes_in_total" L " 6 -1\n", &errstr), 0,
	    "basic: timestamps accepted");
	ok(st.records_in == 5 && st.bytes_in == 6, "basic: timestamp ignored");
}

static void
test_labels(void)
{
	struct pf_stage	 st;
	const char	*errstr;

	is_int(parse(&st, "pipeflow_records_dropped_total{reason=\"x\","
	    "tool=\"shed\",stage=\"s1\"} 4\n", &errstr), 0,
	    "labels: any order");
	ok(strcmp(st.name, "s1") == 0 && strcmp(st.tool, "shed") == 0 &&
	    st.dropped == 4, "labels: any order, values");

	is_int(parse(&st, "pipeflow_spill_bytes{ stage = \"s\" , tool=\"t\", }"
	    " 9\n", &errstr), 0, "labels: blanks and a trailing comma");
	is_int(st.spill_bytes, 9, "labels: blanks, value");
	is_int(parse(&st, "pipeflow_spill_bytes{} 9\n", &errstr), 0,
	    "labels: empty braces");

	is_int(parse(&st, "pipeflow_records_dropped_total{stage=\"s\","
	    "reason=\"a \\\"quoted\\\" \\\\ reason\\n\"} 2\n"
	    "pipeflow_records_dropped_total{stage=\"s\",reason=\"a \\\"quoted"
	    "\\\" \\\\ reason\"} 3\n", &errstr), 0,
	    "labels: escaped quotes, backslashes and newlines");
	is_int(st.dropped, 5, "labels: escaped reasons kept apart");
	is_int(parse(&st,
	    "pipeflow_spill_bytes{stage=\"s\",x=\"}{,=\\\"\"} 1\n",
	    &errstr), 0, "labels: braces and commas inside a value");

	bad("pipeflow_spill_bytes{stage=\"a\\\"b\"} 1\n", "invalid stage name",
	    "escaped quote in the stage name");
	bad("pipeflow_spill_bytes{stage=\"a b\"} 1\n", "invalid stage name",
	    "space in the stage name");
	bad("pipeflow_spill_bytes{stage=\"\"} 1\n", "invalid stage name",
	    "empty stage name");
	bad("pipeflow_spill_bytes{stage=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa\"} 1\n", "invalid stage name",
	    "65-character stage name");
	is_int(parse(&st, "pipeflow_spill_bytes{stage=\"aaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"} 1\n", &errstr), 0,
	    "labels: 64-character stage name");
	is_int(strlen(st.name), 64, "labels: 64 characters kept");
	is_int(parse(&st, "pipeflow_spill_bytes{tool=\"aaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaa\"} 1\n", &errstr), 0,
	    "labels: long tool name");
	is_int(strlen(st.tool), 31, "labels: long tool name cut to 31");

	bad("pipeflow_spill_bytes{stage=\"a\\tb\"} 1\n",
	    "malformed label value", "unknown escape");
	bad("pipeflow_spill_bytes{stage=\"ab} 1\n", "malformed label value",
	    "unterminated label value");
	bad("pipeflow_spill_bytes{stage=ab} 1\n", "malformed label value",
	    "unquoted label value");
	bad("pipeflow_spill_bytes{stage} 1\n", "malformed labels",
	    "label without value");
	bad("pipeflow_spill_bytes{stage=\"a\" tool=\"b\"} 1\n",
	    "malformed labels", "labels without a comma");
	bad("pipeflow_spill_bytes{,} 1\n", "malformed labels", "lone comma");
	bad("pipeflow_spill_bytes{1a=\"b\"} 1\n", "malformed labels",
	    "label name starting with a digit");
	bad("pipeflow_spill_bytes{stage=\"a\",stage=\"a\"} 1\n",
	    "duplicate label", "the same label twice");
	bad("pipeflow_spill_bytes{stage=\"a\"} 1\n"
	    "pipeflow_buffer_bytes{stage=\"b\"} 1\n",
	    "samples of more than one stage", "two stages in one file");
	bad("pipeflow_spill_bytes{tool=\"a\"} 1\n"
	    "pipeflow_buffer_bytes{tool=\"b\"} 1\n",
	    "samples of more than one tool", "two tools in one file");
}

static void
test_values(void)
{
	struct pf_stage	 st;
	const char	*errstr;

	is_int(parse(&st, "pipeflow_records_in_total 18446744073709551615\n"
	    "pipeflow_records_out_total 18446744073709551614\n"
	    "pipeflow_bytes_in_total 99999999999999999999999999\n"
	    "pipeflow_bytes_out_total 1e400\n"
	    "pipeflow_buffer_bytes -5\n"
	    "pipeflow_buffer_records NaN\n"
	    "pipeflow_buffer_capacity_bytes +Inf\n"
	    "pipeflow_spill_bytes 2.9e3\n"
	    "pipeflow_records_coalesced_total -Inf\n", &errstr), 0,
	    "values: huge, negative, NaN, Inf counters accepted");
	ok(st.records_in == UINT64_MAX, "values: 2^64-1 exact");
	ok(st.records_out == UINT64_MAX - 1, "values: 2^64-2 exact");
	ok(st.bytes_in == UINT64_MAX, "values: 26 digits saturate");
	ok(st.bytes_out == UINT64_MAX, "values: 1e400 saturates");
	is_int(st.buffer_bytes, 0, "values: negative counter is 0");
	is_int(st.buffer_records, 0, "values: NaN counter is 0");
	ok(st.buffer_capacity == UINT64_MAX, "values: +Inf counter saturates");
	is_int(st.spill_bytes, 2900, "values: float counter");
	is_int(st.coalesced, 0, "values: -Inf counter is 0");

	is_int(parse(&st, "pipeflow_pressure 7\n"
	    "pipeflow_oldest_age_seconds +Inf\n"
	    "pipeflow_input_wait_seconds_total -3\n"
	    "pipeflow_output_wait_seconds_total 1e300\n"
	    "pipeflow_output_pipe_fill_ratio nan\n"
	    "pipeflow_input_pipe_fill_ratio 2\n"
	    "pipeflow_updated_timestamp_seconds NaN\n", &errstr), 0,
	    "values: out-of-range gauges accepted");
	ok(st.pressure == 1, "values: pressure clamped to 1");
	ok(st.oldest_age == PF_STAGE_MAX_SECONDS, "values: +Inf age clamped");
	ok(st.input_wait == 0, "values: negative wait is 0");
	ok(st.output_wait == PF_STAGE_MAX_SECONDS, "values: 1e300 clamped");
	ok(st.output_pipe_fill == -1, "values: NaN fill is unknown (-1)");
	ok(st.input_pipe_fill == 1, "values: fill clamped to 1");
	ok(st.updated == 0, "values: NaN time is 0");

	is_int(parse(&st, "pipeflow_pressure -0.5\n"
	    "pipeflow_output_pipe_fill_ratio -1\n"
	    "pipeflow_oldest_age_seconds .5\n"
	    "pipeflow_input_wait_seconds_total 5.\n"
	    "pipeflow_output_wait_seconds_total 2E-1\n"
	    "pipeflow_updated_timestamp_seconds +1712345678.25\n", &errstr), 0,
	    "values: other spellings");
	ok(st.pressure == 0, "values: negative pressure is 0");
	ok(st.output_pipe_fill == -1, "values: negative fill is absent");
	ok(st.oldest_age == 0.5, "values: .5");
	ok(st.input_wait == 5, "values: 5.");
	ok(st.output_wait == 0.2, "values: 2E-1");
	ok(st.updated == 1712345678.25, "values: signed decimal");

	is_int(parse(&st, "pipeflow_records_dropped_total{reason=\"a\"} "
	    "18446744073709551615\n"
	    "pipeflow_records_dropped_total{reason=\"b\"} 10\n", &errstr), 0,
	    "values: drops near 2^64");
	ok(st.dropped == UINT64_MAX, "values: drop sum saturates");

	bad("pipeflow_pressure abc\n", "malformed value", "a word as value");
	bad("pipeflow_pressure 1.2.3\n", "malformed value", "two points");
	bad("pipeflow_pressure 0x10\n", "malformed value", "hex");
	bad("pipeflow_pressure 1e\n", "malformed value", "empty exponent");
	bad("pipeflow_pressure --1\n", "malformed value", "two signs");
	bad("pipeflow_pressure .\n", "malformed value", "a lone point");
	bad("pipeflow_pressure 1,5\n", "malformed value", "decimal comma");
	bad("pipeflow_pressure Infx\n", "malformed value", "Inf and junk");
	bad("pipeflow_pressure 1 2 3\n", "junk after sample",
	    "a third field");
	bad("pipeflow_pressure 1 12.5\n", "malformed timestamp",
	    "a fractional timestamp");
}

static void
test_duplicates(void)
{
	struct pf_stage	 st;
	const char	*errstr;

	bad("pipeflow_records_in_total" L " 1\npipeflow_records_in_total" L
	    " 2\n", "duplicate sample", "a counter twice");
	bad("pipeflow_records_dropped_total{reason=\"full\"} 1\n"
	    "pipeflow_records_dropped_total{reason=\"full\"} 1\n",
	    "duplicate sample", "a drop reason twice");
	bad("pipeflow_records_dropped_total 1\n"
	    "pipeflow_records_dropped_total 1\n",
	    "duplicate sample", "drops without reason twice");
	bad("pipeflow_state{state=\"normal\"} 1\n"
	    "pipeflow_state{state=\"normal\"} 0\n",
	    "duplicate sample", "a state twice");

	is_int(parse(&st, "pipeflow_state{state=\"normal\"} 1\n"
	    "pipeflow_state{state=\"saturated\"} 1\n", &errstr), 0,
	    "states: two marked current accepted");
	is_int(st.state, -1, "states: two marked current is unknown");
	is_int(parse(&st, "pipeflow_state{state=\"normal\"} 0\n"
	    "pipeflow_state{state=\"saturated\"} 0\n", &errstr), 0,
	    "states: none marked accepted");
	is_int(st.state, -1, "states: none marked is unknown");
	is_int(parse(&st, "pipeflow_state{state=\"normal\"} 0\n"
	    "pipeflow_state{state=\"overloaded\"} 1\n"
	    "pipeflow_state{state=\"overloaded\"} 1\n"
	    "pipeflow_state{state=\"constrained\"} 1\n"
	    "pipeflow_state 1\n", &errstr), 0,
	    "states: unknown and unlabelled states ignored");
	is_int(st.state, PF_STATE_CONSTRAINED, "states: the known one wins");
	is_int(parse(&st, "pipeflow_state{state=\"normal\"} NaN\n"
	    "pipeflow_state{state=\"recovery\"} 1\n", &errstr), 0,
	    "states: NaN accepted");
	is_int(st.state, PF_STATE_RECOVERY, "states: NaN is not current");
}

static void
test_malformed(void)
{
	bad("", "no pipeflow metrics", "empty file");
	bad("# HELP pipeflow_pressure x\n", "no pipeflow metrics",
	    "comments only");
	bad("node_load1 1\n", "no pipeflow metrics", "no pipeflow metric");
	bad("pipeflow_pressure 1", "no newline at end of file",
	    "no final newline");
	bad("pipeflow_pressure 1\npipeflow_buffer_bytes{stage=\"s\",to",
	    "no newline at end of file", "truncated mid-line");
	bad("pipeflow_pressure{stage=\"s\"\n", "malformed labels",
	    "line cut inside the labels");
	bad("pipeflow_pressure{stage=\"s\n", "malformed label value",
	    "line cut inside a label value");
	bad("pipeflow_pressure\n", "missing value", "name alone");
	bad("pipeflow_pressure   \n", "missing value", "name and blanks");
	bad("pipeflow_pressure" L "\n", "missing value", "labels, no value");
	bad("pipeflow_pressure" L "1\n", "malformed sample",
	    "no blank before the value");
	bad("{stage=\"s\"} 1\n", "malformed metric name", "labels, no name");
	bad("1pipeflow 1\n", "malformed metric name", "name with a digit");
	bad("pipeflow_pressure 1\n\x01\x02\xff garbage\n",
	    "malformed metric name", "binary garbage");
	bad("pipeflow_pressure} 1\n", "malformed sample", "stray brace");
	bad("pipeflow_pressure 1\r\r\n", "malformed value", "two CRs");
}

static void
test_limits(void)
{
	struct pf_stage	 st;
	const char	*errstr;
	char		*buf;
	size_t		 n;
	int		 rc;

	/* Lines: 4096 bytes before the newline are fine, 4097 are not. */
	n = PF_STAGE_MAX_LINE + 64;
	if ((buf = malloc(n + 64)) == NULL)
		abort();
	strcpy(buf, "pipeflow_pressure 1\n#");
	memset(buf + 21, 'x', PF_STAGE_MAX_LINE - 1);
	strcpy(buf + 20 + PF_STAGE_MAX_LINE, "\n");
	is_int(parse(&st, buf, &errstr), 0, "limits: 4096-byte line");
	strcpy(buf + 20 + PF_STAGE_MAX_LINE, "x\n");
	rc = parse(&st, buf, &errstr);
	ok(rc == -1 && strcmp(errstr, "line too long") == 0,
	    "limits: 4097-byte line refused");
	free(buf);

	/* Files: 1 MiB is fine, a byte more is not. */
	n = PF_STAGE_MAX_FILE;
	if ((buf = malloc(n + 1)) == NULL)
		abort();
	memset(buf, '\n', n + 1);
	memcpy(buf, "pipeflow_pressure 1", 19);
	is_int(pf_stage_parse(&st, buf, n, &errstr), 0, "limits: 1 MiB file");
	errno = 0;
	rc = pf_stage_parse(&st, buf, n + 1, &errstr);
	ok(rc == -1 && errno == EFBIG && strcmp(errstr, "file too large") == 0,
	    "limits: 1 MiB + 1 refused with EFBIG");
	free(buf);

	rc = pf_stage_parse(&st, "pipeflow_pressure 1\n\0\n", 22, &errstr);
	ok(rc == -1 && strcmp(errstr, "NUL byte") == 0,
	    "limits: NUL byte refused");
}

static void
test_read(void)
{
	struct pf_stage	 st;
	const char	*errstr;
	char		 dir[512], path[768], *big;
	FILE		*fp;
	int		 dfd, rc;

	(void)snprintf(dir, sizeof(dir), "%s/rd", base);
	(void)mkdir(dir, 0700);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	put("fromname.prom", "pipeflow_pressure 0.5\n", "rd");
	is_int(pf_stage_read(dfd, "fromname.prom", &st, &errstr), 0,
	    "read: file without stage label");
	is_str(st.name, "fromname", "read: name from the file name");
	put("labelled.prom", "pipeflow_pressure{stage=\"other\"} 0.5\n", "rd");
	is_int(pf_stage_read(dfd, "labelled.prom", &st, &errstr), 0,
	    "read: file with stage label");
	is_str(st.name, "other", "read: the label wins over the file name");

	put("bad name.prom", "pipeflow_pressure 0.5\n", "rd");
	rc = pf_stage_read(dfd, "bad name.prom", &st, &errstr);
	ok(rc == -1 && strcmp(errstr, "invalid stage name") == 0,
	    "read: invalid file name without stage label refused");
	put("noprom", "pipeflow_pressure 0.5\n", "rd");
	rc = pf_stage_read(dfd, "noprom", &st, &errstr);
	ok(rc == -1 && strcmp(errstr, "invalid stage name") == 0,
	    "read: no .prom suffix and no stage label refused");
	put("junk.prom", "junk\n", "rd");
	rc = pf_stage_read(dfd, "junk.prom", &st, &errstr);
	ok(rc == -1 && errno == EINVAL && strcmp(errstr, "missing value") == 0,
	    "read: parse errors passed on");

	(void)snprintf(path, sizeof(path), "%s/link.prom", dir);
	if (symlink("fromname.prom", path) == -1)
		ok(0, "symlink: %s", strerror(errno));
	errno = 0;
	rc = pf_stage_read(dfd, "link.prom", &st, &errstr);
	ok(rc == -1 && errno == ELOOP &&
	    strcmp(errstr, "is a symbolic link") == 0,
	    "read: symbolic link refused");

	(void)snprintf(path, sizeof(path), "%s/fifo.prom", dir);
	(void)mkfifo(path, 0600);
	rc = pf_stage_read(dfd, "fifo.prom", &st, &errstr);
	ok(rc == -1 && strcmp(errstr, "not a regular file") == 0,
	    "read: FIFO refused without blocking");
	(void)snprintf(path, sizeof(path), "%s/sub.prom", dir);
	(void)mkdir(path, 0700);
	rc = pf_stage_read(dfd, "sub.prom", &st, &errstr);
	ok(rc == -1 && strcmp(errstr, "not a regular file") == 0,
	    "read: directory refused");

	errno = 0;
	rc = pf_stage_read(dfd, "missing.prom", &st, &errstr);
	ok(rc == -1 && errno == ENOENT && strcmp(errstr, "cannot open") == 0,
	    "read: missing file is ENOENT");

	(void)snprintf(path, sizeof(path), "%s/big.prom", dir);
	if ((big = calloc(1, PF_STAGE_MAX_FILE + 1)) != NULL &&
	    (fp = fopen(path, "w")) != NULL) {
		memset(big, '\n', PF_STAGE_MAX_FILE + 1);
		fwrite(big, 1, PF_STAGE_MAX_FILE + 1, fp);
		fclose(fp);
	}
	free(big);
	errno = 0;
	rc = pf_stage_read(dfd, "big.prom", &st, &errstr);
	ok(rc == -1 && errno == EFBIG, "read: file over 1 MiB is EFBIG");

	/* Relative to the working directory. */
	if (chdir(dir) == 0) {
		is_int(pf_stage_read(AT_FDCWD, "fromname.prom", &st, &errstr),
		    0, "read: AT_FDCWD");
		if (chdir("/") == -1)
			ok(0, "chdir /: %s", strerror(errno));
	}
	close(dfd);
}

static void
test_scan(void)
{
	struct pf_status	*ps;
	struct pf_counters	 c;
	struct pf_stage		*stages = NULL;
	const char		*errstr;
	char			 dir[512], path[768], tmp[768];
	size_t			 n = 99, skipped = 99;
	int			 rc;

	(void)snprintf(dir, sizeof(dir), "%s/scan", base);
	(void)mkdir(dir, 0700);
	rc = pf_stage_scan(dir, &stages, &n, &skipped, &errstr);
	ok(rc == 0 && n == 0 && skipped == 0, "scan: empty directory");
	free(stages);

	fill(&c);
	if ((ps = pf_status_open(dir, "zeta", "bqueue", &errstr)) != NULL) {
		(void)pf_status_write(ps, &c);
		/* Keep it: close would remove it. */
	}
	put("alpha.prom", "pipeflow_records_in_total{stage=\"alpha\","
	    "tool=\"shed\"} 42\n", "scan");
	put("mid.prom", "pipeflow_pressure 0.5\n", "scan");
	/* A writer's temporary file, complete but not yet renamed. */
	put(".mid.prom.AbC123", "pipeflow_pressure 0.9\n", "scan");
	put(".hidden.prom", "pipeflow_pressure 0.9\n", "scan");
	put("junk.prom", "this is not a status file\n", "scan");
	put("notes.txt", "pipeflow_pressure 0.9\n", "scan");
	(void)snprintf(path, sizeof(path), "%s/link.prom", dir);
	if (symlink("alpha.prom", path) == -1)
		ok(0, "symlink: %s", strerror(errno));
	(void)snprintf(path, sizeof(path), "%s/fifo.prom", dir);
	(void)mkfifo(path, 0600);

	stages = NULL;
	rc = pf_stage_scan(dir, &stages, &n, &skipped, &errstr);
	is_int(rc, 0, "scan: returns 0");
	is_int(n, 3, "scan: three stages");
	is_int(skipped, 3, "scan: junk, symlink and FIFO skipped and counted");
	if (rc == 0 && n == 3) {
		is_str(stages[0].name, "alpha", "scan: sorted, alpha first");
		is_int(stages[0].records_in, 42, "scan: alpha read");
		is_str(stages[1].name, "mid", "scan: mid second");
		ok(stages[1].pressure == 0.5,
		    "scan: mid read, not its temporary file");
		is_str(stages[2].name, "zeta", "scan: zeta last");
		is_str(stages[2].tool, "bqueue", "scan: zeta's tool");
		ok(stages[2].mtime > 0, "scan: mtime set");
	}
	free(stages);
	rc = pf_stage_scan(dir, &stages, &n, NULL, &errstr);
	ok(rc == 0 && n == 3, "scan: skipped count is optional");
	free(stages);
	pf_status_close(ps);

	errno = 0;
	(void)snprintf(tmp, sizeof(tmp), "%s/nonexistent", base);
	rc = pf_stage_scan(tmp, &stages, &n, NULL, &errstr);
	ok(rc == -1 && errno == ENOENT &&
	    strcmp(errstr, "cannot open directory") == 0,
	    "scan: missing directory is ENOENT");
	(void)snprintf(tmp, sizeof(tmp), "%s/mid.prom", dir);
	rc = pf_stage_scan(tmp, &stages, &n, NULL, &errstr);
	ok(rc == -1 && strcmp(errstr, "not a directory") == 0,
	    "scan: a file is not a directory");
}

/* Only a pid kill(2) takes as one process; anything else is -1. */
static void
test_pid(void)
{
	static const struct {
		const char	*text;
		long		 want;
		const char	*what;
	} cases[] = {
		{ "1", 1, "1" },
		{ "4194304", 4194304, "a large pid" },
		{ "2147483647", 2147483647, "INT_MAX" },
		{ "2147483648", -1, "INT_MAX + 1" },
		{ "18446744073709551616", -1, "past 2^64" },
		{ "0", -1, "0 (the process group)" },
		{ "-1", -1, "-1 (every process)" },
		{ "-42", -1, "a negative pid" },
		{ "+42", -1, "a signed pid" },
		{ "42.5", -1, "a fraction" },
		{ "4.2e1", -1, "an exponent" },
		{ "NaN", -1, "NaN" },
		{ "+Inf", -1, "Inf" },
	};
	struct pf_stage	 st;
	const char	*errstr;
	char		 text[128];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(text, sizeof(text),
		    "pipeflow_process_id" L " %s\n", cases[i].text);
		st.pid = -2;
		is_int(parse(&st, text, &errstr), 0, "pid: %s accepted",
		    cases[i].what);
		is_int(st.pid, cases[i].want, "pid: %s read as %ld",
		    cases[i].what, cases[i].want);
	}
	bad("pipeflow_process_id" L " 1\npipeflow_process_id" L " 2\n",
	    "duplicate sample", "a pid twice");
	bad("pipeflow_process_id" L " 0\npipeflow_process_id" L " 0\n",
	    "duplicate sample", "an invalid pid twice");
	bad("pipeflow_process_id" L " x\n", "malformed value",
	    "a word as pid");
}

int
main(void)
{
	const char	*tmpdir;

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	(void)snprintf(base, sizeof(base), "%s/stage.XXXXXX", tmpdir);
	if (mkdtemp(base) == NULL) {
		printf("Bail out! cannot create a directory under %s\n",
		    tmpdir);
		return (1);
	}
	test_roundtrip();
	test_states();
	test_basic();
	test_labels();
	test_values();
	test_duplicates();
	test_malformed();
	test_limits();
	test_read();
	test_scan();
	test_pid();
	rmtree(base);
	return (done());
}
