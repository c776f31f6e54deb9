/* SPDX-License-Identifier: ISC */
/*
 * pipeflow.h: the flow-control library shared by every pipeflow tool.
 *
 * lib/ holds the mechanisms (units, clocks, record framing, the bounded
 * record queue, the I/O engine, the saturation state machine, status files,
 * counters and signals); each tool in cmd/ holds its options and policy.
 * Library functions never print and never exit: they return 0 or -1 with
 * errno set, or fill a `const char **errstr' as strtonum(3) does.
 */
#ifndef PIPEFLOW_H
#define PIPEFLOW_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PF_NSEC		1000000000ULL
#define PF_MSEC		1000000ULL

/* clock.c */

/* Monotonic time in nanoseconds (CLOCK_MONOTONIC); never fails. */
uint64_t	 pf_clock_now(void);
/* Wall-clock time as seconds since the epoch, for status files. */
double		 pf_clock_wall(void);

/* parse.c: strict parsing of the units in pipeflow(7). */

/*
 * Sizes: "64K", "1.5G", "64KiB" are powers of 1024, "64KB" powers of
 * 1000, a plain number is bytes.  A leading digit, at most one suffix and
 * nothing after it; overflow, signs, hex and octal are rejected.  Returns 0
 * and stores the byte count, or -1 with *errstr set.
 */
int		 pf_parse_size(const char *, uint64_t *, const char **);
/* Counts: a plain decimal in [min, max], as strtonum(3). */
int		 pf_parse_count(const char *, uint64_t, uint64_t, uint64_t *,
		     const char **);
/*
 * Durations: "250ms", "5s", "2m", "1h", "1d", "10us", a plain number is
 * seconds; decimals allowed ("0.5s").  Stored in nanoseconds.
 */
int		 pf_parse_duration(const char *, uint64_t *, const char **);
/* Percentages: "80%" or "0.8"; stored as a fraction in [0, 1]. */
int		 pf_parse_percent(const char *, double *, const char **);
/*
 * Rates: "10k/s", "300/min" (records; k M G are powers of 1000) or
 * "10MiB/s", "5MB/s" (bytes, as sizes).  Periods: s sec m min h hour d day.
 * Stores the rate per second and whether it counts bytes.
 */
int		 pf_parse_rate(const char *, double *, int *, const char **);
/*
 * The same rates in integers, for token buckets: *tokens per *period_ns
 * nanoseconds, the period dividing one day (so that "300/min" is 300 per
 * 60 s and "0.5/s" 1 per 2 s, exactly).  A rate with more fraction
 * digits than that allows is rounded down to whole tokens per day.
 * Returns 0, or -1 with *errstr set as pf_parse_rate().
 */
int		 pf_parse_rate_exact(const char *, uint64_t *, uint64_t *, int *,
		     const char **);
/* Format a byte count for people: "1.5M", "64K", "12B".  Returns buf. */
char		*pf_format_size(char *, size_t, uint64_t);
/* Format a duration for people: "250ms", "1.5s", "2m03s".  Returns buf. */
char		*pf_format_duration(char *, size_t, uint64_t);

/* json.c: writing JSON. */

/* Write s as a JSON string; bytes that are not UTF-8 become U+FFFD. */
void		 pf_json_string(FILE *, const char *);

/* frame.c: record framing. */

enum pf_framing {
	PF_FRAME_LINE = 0,	/* '\n'-terminated records */
	PF_FRAME_NUL,		/* '\0'-terminated records */
	PF_FRAME_BYTES		/* no framing: arbitrary chunks */
};

/*
 * Scan len bytes at p for record terminators, at most maxrec records.
 * Returns the number of complete records found and stores in *end the
 * offset just past the last terminator found (0 if none).  Uses memchr;
 * never touches bytes past p + len.
 */
size_t		 pf_frame_scan(enum pf_framing, const char *, size_t, size_t,
		     size_t *);
/*
 * The record rules: check the len new bytes at p, whose first record
 * continues carry bytes that came before them, against maxrec (a record's
 * length without its terminator).  Stores in *good the bytes from p to
 * just past the last whole record before the first one too long (all
 * whole records when none is) and in *nrec, unless NULL (which saves
 * counting them), the number of those records.
 * Returns 1 if a record is too long, counting the unterminated rest at
 * the end as a record (it cannot get shorter), else 0.  Bytes mode: no
 * records, no limit; *good is len.
 */
int		 pf_frame_check(enum pf_framing, const char *, size_t, size_t,
		     size_t, size_t *, size_t *);
/* Count terminators in len bytes at p. */
size_t		 pf_frame_count(enum pf_framing, const char *, size_t);

/* counters.c: what every stage counts and reports. */

#define PF_DROP_REASONS	8

enum pf_state {
	PF_STATE_NORMAL = 0,
	PF_STATE_CONSTRAINED,
	PF_STATE_SATURATED,
	PF_STATE_RECOVERY
};
#define PF_NSTATES	4

struct pf_counters {
	uint64_t	 records_in;
	uint64_t	 bytes_in;
	uint64_t	 records_out;
	uint64_t	 bytes_out;
	/* Drops by reason; reason names are static strings, NULL ends. */
	const char	*drop_reason[PF_DROP_REASONS];
	uint64_t	 dropped[PF_DROP_REASONS];
	uint64_t	 coalesced;
	uint64_t	 buffer_bytes;
	uint64_t	 buffer_records;
	uint64_t	 buffer_capacity;
	uint64_t	 spill_bytes;
	double		 pressure;		/* 0..1 */
	enum pf_state	 state;
	double		 oldest_age;		/* seconds, 0 if empty */
	uint64_t	 input_wait_ns;
	uint64_t	 output_wait_ns;
	double		 output_pipe_fill;	/* 0..1, -1 if not a pipe */
	double		 input_pipe_fill;	/* 0..1, -1 if not a pipe */
	uint64_t	 start_ns;		/* pf_clock_now() at start */
};

/* Total of all drop reasons. */
uint64_t	 pf_counters_dropped(const struct pf_counters *);
/* Index of a drop reason, added if new; -1 if the table is full. */
int		 pf_counters_reason(struct pf_counters *, const char *);

/* state.c: the saturation state machine of pipeflow(7). */

struct pf_statem;

/*
 * Thresholds are fractions (constrained < saturated), settle in ns.
 * Returns NULL with errno set on allocation failure.
 */
struct pf_statem *pf_statem_new(double, double, uint64_t);
void		 pf_statem_free(struct pf_statem *);
/*
 * Feed the current pressure at monotonic time now.  Returns 1 when the
 * state changed (the new state is pf_statem_state()), 0 otherwise.
 */
int		 pf_statem_update(struct pf_statem *, double, uint64_t);
enum pf_state	 pf_statem_state(const struct pf_statem *);
/*
 * Monotonic time at which pf_statem_update must be called again for a
 * pending settle to take effect, or 0 if nothing is pending.
 */
uint64_t	 pf_statem_deadline(const struct pf_statem *);
/* "normal", "constrained", "saturated", "recovery". */
const char	*pf_state_name(enum pf_state);

/* status.c: the Prometheus text status file. */

struct pf_status;

/* Extra metrics a tool appends; labels is `stage="..",tool=".."'. */
typedef void	 pf_status_extra_fn(FILE *, const char *, void *);

/*
 * Resolve the status directory: dir if not NULL, else $PIPEFLOW_STATUS_DIR,
 * else $XDG_RUNTIME_DIR/pipeflow, else /tmp/pipeflow-UID, as
 * pf_status_dir() does.  Create it 0700 if missing; refuse one owned by
 * another user or writable by group or others.  One stage per name: while
 * another holds it, fails with EBUSY and "in use by another stage" (the
 * lock is DIR/.NAME.lock).  Returns NULL with *errstr set (and errno) on
 * failure.
 */
struct pf_status *pf_status_open(const char *, const char *, const char *,
		     const char **);
/*
 * Resolve the status directory as pf_status_open() does, into buf of len
 * bytes: dir if not NULL, else $PIPEFLOW_STATUS_DIR, else
 * $XDG_RUNTIME_DIR/pipeflow (when absolute), else /tmp/pipeflow-UID; an
 * empty variable counts as unset.  Nothing is created or checked.
 * Returns 0, or -1 with errno ENAMETOOLONG when the path does not fit in
 * len bytes, or ENOENT when dir is the empty string.
 */
int		 pf_status_dir(char *, size_t, const char *);
/* Whether name matches [A-Za-z0-9_.-]{1,64}. */
int		 pf_status_valid_name(const char *);
/* Path of the status file, for messages. */
const char	*pf_status_path(const struct pf_status *);
/* Set a callback that appends tool-specific metrics. */
void		 pf_status_set_extra(struct pf_status *, pf_status_extra_fn *,
		     void *);
/*
 * Write the counters to DIR/.NAME.prom.XXXXXX and rename it over
 * DIR/NAME.prom.  Returns 0, or -1 with errno set; never blocks on
 * anything but the local file system.
 */
int		 pf_status_write(struct pf_status *,
		     const struct pf_counters *);
/* Remove the status file and free. */
void		 pf_status_close(struct pf_status *);

/* proc.c: process-wide setup shared by every tool. */

/* Open fds 0, 1 and 2 on /dev/null if closed.  Call first in main. */
void		 pf_proc_stdfds(void);
/* Initialise the process title (wraps setproctitle_init). */
void		 pf_proc_title_init(int, char *[], char *[]);
/* Set the process title: "TOOL: STATE NN%". */
void		 pf_proc_title(enum pf_state, double);
/*
 * Run cmd with /bin/sh -c in the background, stdin /dev/null, stdout to
 * our stderr, with the given NULL-terminated "NAME=value" environment
 * additions.  Does not wait; children are reaped by pf_proc_reap().
 * Returns the pid or -1 with errno set.
 */
pid_t		 pf_proc_spawn(const char *, char *const []);
/* Reap finished children without blocking. */
void		 pf_proc_reap(void);

/* field.c: picking a field out of a record. */

#define PF_FIELD_MAXNUM		1024	/* highest field number */
#define PF_FIELD_MAXDEPTH	8	/* JSON path segments */
#define PF_FIELD_MAXSPEC	256	/* bytes of JSON path names */

/*
 * A compiled field spec, filled by pf_field_parse(); plain data that
 * holds no pointer into the spec string, so it may be copied and needs
 * no freeing.
 */
struct pf_field {
	unsigned int	 num;		/* field number (1-based), 0 if JSON */
	int		 sep;		/* separator byte, -1 for blanks */
	unsigned int	 depth;		/* JSON path segments */
	uint16_t	 off[PF_FIELD_MAXDEPTH];	/* name offsets */
	uint16_t	 len[PF_FIELD_MAXDEPTH];	/* name lengths */
	char		 names[PF_FIELD_MAXSPEC];
};

/*
 * Compile a field spec as pipeflow(7) defines it.  "N" is the Nth field
 * (1 to PF_FIELD_MAXNUM, plain decimal without sign or leading zero),
 * split on sep: sep NULL or "" means runs of blanks (space and tab), as
 * awk and sort split, leading and trailing blanks ignored; otherwise sep
 * is one byte and every occurrence ends a field.  ".name" or ".a.b" is a
 * member of a JSON object record, at most PF_FIELD_MAXDEPTH names deep;
 * a name is any non-empty run of bytes other than '.'.  sep is checked
 * but unused for a JSON path.  Returns 0, or -1 with *errstr set
 * ("invalid field", "field numbers start at 1", "field number too large",
 * "field path too deep", "field path too long", "separator must be one
 * character").
 */
int		 pf_field_parse(struct pf_field *, const char *, const char *,
		     const char **);
/*
 * Find the field in the record of len bytes at rec: the record need not
 * be NUL-terminated, may hold NUL bytes and invalid UTF-8, and excludes
 * its terminator.  Returns 1 and stores the value's span (inside rec) in
 * *val and *vlen, or 0 if the record lacks the field.  Never reads past
 * rec + len, never allocates, runs in time linear in len.
 *
 * Numbered fields: a record split on a separator has one more field than
 * it has separators, so fields may be empty ("a,,b" has an empty field
 * 2); an empty record has no field at all.  Split on blanks, a field is a
 * run of non-blanks and is never empty.
 *
 * JSON paths: the record (blanks around it allowed) must be an object.
 * Keys are compared with the spec's names byte for byte, without
 * unescaping ("a\u0062" does not match ".ab"); of duplicate keys the
 * first wins, for the last name and for the objects on the way.  A
 * string value is returned as the raw bytes between its quotes, escapes
 * left as they are; a number as its literal text ("-1.5e3").  An object,
 * array, true, false or null where the value should be is not a usable
 * field: 0.  Everything up to and just after the value is checked for
 * JSON syntax, bracket nesting included (up to 1024 levels), and a
 * malformed or truncated record yields 0; what follows the value is not
 * read.  String contents are not validated (escapes, control bytes,
 * UTF-8): the scanner only finds where each string ends.
 */
int		 pf_field_get(const struct pf_field *, const char *, size_t,
		     const char **, size_t *);

/* time.c: the timestamp formats a field may hold. */

enum pf_timefmt {
	PF_TIME_EPOCH = 0,	/* seconds since the epoch, decimals allowed */
	PF_TIME_EPOCH_MS,	/* milliseconds, decimals allowed */
	PF_TIME_EPOCH_US,	/* microseconds, decimals allowed */
	PF_TIME_RFC3339		/* 2026-11-23T16:19:40.5+01:00 */
};

/*
 * Name to format: "epoch", "epoch-ms", "epoch-us", "rfc3339".  Returns 0,
 * or -1 with errno EINVAL for any other name.
 */
int		 pf_timefmt_parse(const char *, enum pf_timefmt *);
/*
 * Parse the timestamp of len bytes at s (not NUL-terminated, e.g. a span
 * from pf_field_get) into nanoseconds since 1970-01-01T00:00:00Z.  Epoch
 * formats take an unsigned decimal with an optional fraction
 * ("1700000000.123"; digits on both sides of the point; no sign, blank
 * or exponent).  RFC 3339 takes YYYY-MM-DDThh:mm:ss, optional fraction
 * of any length, then Z or +hh:mm / -hh:mm; t, z and a space for T are
 * accepted; a leap second (ss = 60) counts as the first second of the
 * next minute.  Fractions finer than a nanosecond are truncated.  The
 * computation is pure arithmetic: no locale or TZ involved.  Returns 0,
 * or -1 with *errstr set ("invalid time", "invalid date", "time out of
 * range" when the result does not fit in an int64_t).
 */
int		 pf_time_parse(const char *, size_t, enum pf_timefmt,
		     int64_t *, const char **);
/*
 * The same, remembering what the times of a stream's consecutive records
 * mostly share: the whole units (the digits before the point) of the last
 * epoch time read, or the date, hour and minute of the last RFC 3339 one.
 * When they match, only the rest is read.  A zeroed struct is empty; the
 * result never depends on what it holds.
 */
struct pf_timememo {
	uint64_t	 units;		/* their value (RFC 3339: seconds) */
	size_t		 len;		/* how many bytes, 0: none */
	int		 rfc3339;	/* they are "YYYY-MM-DDThh:mm" */
	char		 digits[24];
};
int		 pf_time_parse_memo(struct pf_timememo *, const char *,
		     size_t, enum pf_timefmt, int64_t *, const char **);

/* hist.c: ages and latencies, summarised. */

/*
 * A fixed-size log-linear histogram of nanosecond values, after
 * HdrHistogram: 32 linear buckets per power of two, so a quantile is
 * reported within 1/64 of the exact value from 1024ns to 2^52ns (52
 * days), within 16ns below (1.6% at 1us).  Larger values share the top
 * bucket; the count, minimum and maximum stay exact.  A zeroed struct is
 * an empty histogram; it needs no allocation and no cleanup.
 */
#define PF_HIST_SUB_BITS	5	/* 32 buckets per power of two */
#define PF_HIST_UNIT_BITS	5	/* 32ns wide at the bottom */
#define PF_HIST_TOP_BITS	47	/* values below 2^(47 + 5) ns */
#define PF_HIST_BUCKETS	\
	((PF_HIST_TOP_BITS - PF_HIST_SUB_BITS + 1) << PF_HIST_SUB_BITS)

struct pf_hist {
	uint64_t	 count;		/* values added */
	uint64_t	 total;		/* sum of bucket[] */
	uint64_t	 min;		/* valid when count > 0 */
	uint64_t	 max;
	uint32_t	 bucket[PF_HIST_BUCKETS];
};

/* Empty the histogram. */
void		 pf_hist_reset(struct pf_hist *);
/*
 * Add one value.  O(1) and branch-light: meant to be called per record.
 * Should a bucket reach 2^32 values, every bucket is halved, so that from
 * then on the quantiles lean towards recent values; count and max do not.
 */
void		 pf_hist_add(struct pf_hist *, uint64_t);
/* Add every value of src to dst, as if each had been added to dst. */
void		 pf_hist_merge(struct pf_hist *, const struct pf_hist *);
/*
 * The q-quantile (q in [0, 1]) by nearest rank: the smallest value with
 * at least q of the values at or below it, within the error above and
 * clamped to [min, max].  q <= 0 (or NaN) gives the exact minimum, q >= 1
 * the exact maximum; an empty histogram gives 0.  O(PF_HIST_BUCKETS).
 */
uint64_t	 pf_hist_quantile(const struct pf_hist *, double);
/* Number of values added (exact). */
uint64_t	 pf_hist_count(const struct pf_hist *);
/* Largest and smallest value added (exact), or 0 if none. */
uint64_t	 pf_hist_max(const struct pf_hist *);
uint64_t	 pf_hist_min(const struct pf_hist *);

/* privdir.c: directories that are ours alone. */

#define PF_PRIVDIR_CREATE	1	/* mkdir the last component, 0700 */
#define PF_PRIVDIR_MADE		2	/* the caller just created it */

/*
 * Open path as a directory that is ours and closed to others: not a
 * symbolic link, owned by the effective user, not writable by group or
 * others.  With PF_PRIVDIR_CREATE, create the last component 0700 if it
 * is missing; a directory just created (or PF_PRIVDIR_MADE) is set to
 * 0700 whatever the umask.  Returns an O_DIRECTORY descriptor, or -1 with
 * errno and *errstr set: "empty directory name", "cannot create
 * directory", "is a symbolic link", "not a directory", "cannot open
 * directory", "owned by another user", "writable by group or others".
 */
int		 pf_privdir_open(const char *, int, const char **);

/* stage.c: reading status files back. */

#define PF_STAGE_MAX_FILE	(1024 * 1024)	/* larger: refused */
#define PF_STAGE_MAX_LINE	4096		/* so are longer lines */
#define PF_STAGE_MAX_SECONDS	1e10		/* seconds clamp here */

/*
 * One stage as its status file describes it.  Counters missing from the
 * file are 0, fills and the pid -1.  Every value is clamped to its range
 * (counters to [0, UINT64_MAX], pressure and fills to [0, 1], seconds to
 * [0, PF_STAGE_MAX_SECONDS] so that they convert to nanoseconds in a
 * uint64_t) and is never NaN.  The pid is a plain decimal in [1, INT_MAX]
 * or -1 (absent, or anything else), so that kill(pid, 0) can never reach
 * a process group.  name matches pf_status_valid_name() (or is empty from
 * pf_stage_parse() without a stage label); tool holds only
 * [A-Za-z0-9_.+-], other bytes replaced by '_', so both are safe to print.
 */
struct pf_stage {
	char		 name[65];
	char		 tool[32];
	int		 state;		/* enum pf_state or -1 */
	uint64_t	 records_in;
	uint64_t	 records_out;
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
	uint64_t	 dropped;	/* all reasons */
	uint64_t	 coalesced;
	uint64_t	 buffer_bytes;
	uint64_t	 buffer_records;
	uint64_t	 buffer_capacity;
	uint64_t	 spill_bytes;
	double		 pressure;
	double		 oldest_age;	/* seconds */
	double		 input_wait;	/* seconds */
	double		 output_wait;	/* seconds */
	double		 output_pipe_fill;	/* -1 when absent */
	double		 input_pipe_fill;	/* -1 when absent */
	double		 updated;	/* epoch seconds, 0 if absent */
	pid_t		 pid;		/* the writer's, -1 when absent */
	double		 mtime;		/* epoch seconds (fstat) */
};

/*
 * Parse len bytes of Prometheus text (format 0.0.4) into *st.  Comments,
 * blank lines, unknown metrics and unknown states are skipped, labels may
 * come in any order, a trailing CR is ignored, a timestamp is accepted.
 * The file is refused, returning -1 with errno EINVAL (EFBIG when too
 * large) and *errstr set, when it is larger than PF_STAGE_MAX_FILE, has
 * a line longer than PF_STAGE_MAX_LINE, a NUL byte, a line that is not a
 * well-formed sample, no newline at the end (a truncated file), a sample
 * given twice, samples of more than one stage or tool, or an invalid
 * stage name.  *st is filled even then, but means nothing.  Returns 0 on
 * success.  Allocates nothing but, on the first call, a C locale object
 * kept for the life of the process; not thread-safe before that call.
 */
int		 pf_stage_parse(struct pf_stage *, const char *, size_t,
		     const char **);
/*
 * Read and parse the status file name under dirfd (AT_FDCWD for the
 * current directory).  A symbolic link, anything but a regular file and
 * anything over PF_STAGE_MAX_FILE are refused; opening never blocks.  The
 * stage name falls back to the file name less ".prom".  Returns 0, or -1
 * with errno and *errstr set.
 */
int		 pf_stage_read(int, const char *, struct pf_stage *,
		     const char **);
/*
 * Read every DIR/NAME.prom, skipping names that start with '.' (among
 * them the writers' temporary files).  Stores a malloc'd array sorted by
 * name, to be freed with free(3), and its length; files that cannot be
 * read or parsed are skipped, and counted in *skipped if it is not NULL.
 * Returns 0, or -1 with errno and *errstr set when the directory cannot be
 * read or memory runs out (nothing is stored then).
 */
int		 pf_stage_scan(const char *, struct pf_stage **, size_t *,
		     size_t *, const char **);
/* spilldir.c: a spill directory, safely. */

struct pf_spilldir;

/* Room for a segment name: "seg-" 16 hex digits ".pfs" and a NUL. */
#define PF_SPILLDIR_SEGNAME_MAX	25

/*
 * Open a spill directory and lock it for this process.  path NULL: create
 * a private directory with mkdtemp(3) under $TMPDIR (else /tmp) named
 * pipeflow-spill.XXXXXX, marked temporary.  Otherwise create path 0700 if
 * it is missing (its last component only) and use it.  Either way it is
 * opened without following a symlink and refused when owned by another
 * user or writable by group or others; then the file "lock" in it is
 * created 0600 (never followed, refused unless a regular file with one
 * link) and locked with flock(2) without waiting.  Returns the handle, to
 * be freed with pf_spilldir_close(), or NULL with errno and *errstr (if
 * errstr is not NULL) set: "empty directory name", "cannot create
 * directory", "cannot open directory", "not a directory", "is a symbolic
 * link", "owned by another user" (EPERM), "writable by group or others"
 * (EPERM), "lock is a symbolic link", "lock is not a regular file"
 * (EPERM), "cannot open lock", "cannot lock", "in use by another spill"
 * (EBUSY), "out of memory".  Never blocks on the lock.
 */
struct pf_spilldir *pf_spilldir_open(const char *, const char **);
/*
 * Open an existing spill directory only to look at it: the same checks,
 * but nothing is created and no lock is taken.  pf_spilldir_close() with
 * purge 0 frees it.
 */
struct pf_spilldir *pf_spilldir_inspect(const char *, const char **);
/* The directory's descriptor, for openat(2) and friends; still ours. */
int		 pf_spilldir_fd(const struct pf_spilldir *);
/* The directory's path, for messages (the mkdtemp name if temporary). */
const char	*pf_spilldir_path(const struct pf_spilldir *);
/*
 * Write the name of segment n, "seg-%016" PRIx64 ".pfs", into buf of len
 * bytes (PF_SPILLDIR_SEGNAME_MAX is enough).  Returns 0, or -1 with errno
 * ENAMETOOLONG when it does not fit.
 */
int		 pf_spilldir_segname(char *, size_t, uint64_t);
/*
 * The segments present: regular files whose names are exactly what
 * pf_spilldir_segname() writes.  Stores a malloc'd array of their numbers
 * sorted ascending (NULL when empty), to be freed with free(3), and its
 * length; the other entries, apart from "lock", "checkpoint" and
 * "checkpoint.tmp", are counted in *others if it is not NULL.  Returns 0,
 * or -1 with errno and *errstr set ("cannot read directory", "out of
 * memory"); nothing is stored then.
 */
int		 pf_spilldir_list(struct pf_spilldir *, uint64_t **, size_t *,
		     size_t *, const char **);
/*
 * Replace the checkpoint with len bytes at buf: write "checkpoint.tmp"
 * (any old one unlinked first, then created O_EXCL|O_NOFOLLOW 0600), and
 * rename it over "checkpoint".  With sync, fsync the file before the
 * rename and the directory after it.  When the disk is full (ENOSPC,
 * EDQUOT, EFBIG) and the checkpoint in place is at least len bytes long,
 * it is rewritten in place instead, which allocates nothing.  Returns
 * 0, or -1 with errno and *errstr set ("cannot write checkpoint",
 * "cannot sync checkpoint", "cannot sync directory"); after -1 the new
 * checkpoint must not be taken as stored, and after "cannot sync
 * directory" it may or may not be the one in place.  Blocks on the disk
 * when sync is set.
 */
int		 pf_spilldir_checkpoint_write(struct pf_spilldir *,
		     const void *, size_t, int, const char **);
/*
 * Read the checkpoint into buf of max bytes.  Returns its length, 0 when
 * there is none (or it is empty), or -1 with errno and *errstr set:
 * "checkpoint is a symbolic link", "checkpoint is not a regular file"
 * (EPERM), "checkpoint too large" (EFBIG, more than max bytes), "cannot
 * read checkpoint".
 */
ssize_t		 pf_spilldir_checkpoint_read(struct pf_spilldir *, void *,
		     size_t, const char **);
/* Unlink segment n.  Returns 0, or -1 with errno set (ENOENT if none). */
int		 pf_spilldir_remove_seg(struct pf_spilldir *, uint64_t);
/*
 * Unlock and free.  With purge set, first remove our files: in a user's
 * directory the segments, the checkpoint (and its temporary) and the
 * lock, leaving anything else; a temporary directory is emptied of every
 * entry but subdirectories (symlinks are unlinked, never followed) and
 * removed.  A NULL handle is ignored.
 */
void		 pf_spilldir_close(struct pf_spilldir *, int);

/* segment.c: spill segments on disk. */

/*
 * A segment is a file header and checksummed frames of records with
 * sequence numbers; the format is described in lib/segment.c.  A frame
 * holds at most PF_SEG_FRAME_MAX bytes of records, raw or compressed.
 */
#define PF_SEG_FRAME_MAX	(65U * 1024 * 1024)
/* pf_seg_next(): the file ends inside a frame. */
#define PF_SEG_TORN		2
/* The largest kind of records a segment may be marked with. */
#define PF_SEG_KIND_MAX		255

struct pf_seg_writer;
struct pf_seg_reader;

/*
 * Create the segment name under dirfd (O_EXCL, O_NOFOLLOW, mode 0600) and
 * write its header; its first record will be number first_seq.  level 0
 * stores frames raw, 1..19 compresses them with zstd at that level.  kind
 * (0..PF_SEG_KIND_MAX) says what the records are, for readers; spill
 * stores its framing there.  Returns the writer, or NULL with errno and
 * *errstr set (EEXIST when the name exists, ELOOP for a symbolic link,
 * EINVAL for a bad level or kind); a file
 * created but not fully written is removed.
 */
struct pf_seg_writer *pf_seg_create(int, const char *, uint64_t, int,
		     unsigned int, const char **);
/*
 * Append len bytes holding nrec whole records as one frame; the records
 * get the numbers pf_seg_next_seq() onwards.  time_ns is stored in the
 * frame as the time its first record arrived: nanoseconds since the Unix
 * epoch (UTC), 0 if unknown; it is not checked.  Blocks on the disk only.
 * Returns 0, or -1 with errno: EINVAL for len or nrec 0, E2BIG for len
 * over PF_SEG_FRAME_MAX, ENOMEM, or a write error (ENOSPC, EFBIG with
 * SIGXFSZ ignored, EIO...).  After a write error the file is cut back to
 * the end of the last whole frame, so it stays valid and the same append
 * may be retried later; if even that cut fails, or after a failed
 * pf_seg_sync(), the writer is dead and every call fails with EIO.
 */
int		 pf_seg_append(struct pf_seg_writer *, const void *, size_t,
		     uint32_t, uint64_t);
/* The sequence number the next appended record will get. */
uint64_t	 pf_seg_next_seq(const struct pf_seg_writer *);
/* The size of the file: the end of the last whole frame. */
off_t		 pf_seg_bytes(const struct pf_seg_writer *);
/*
 * fdatasync(2) the segment.  Returns 0, or -1 with errno.  A failure means
 * frames appended since the last good sync may be lost even if a later
 * sync succeeds (the kernel forgets the error): the caller must treat it
 * as final, not retry it; the writer fails every later call with EIO.
 */
int		 pf_seg_sync(struct pf_seg_writer *);
/*
 * Close the file (not synced: call pf_seg_sync() first for durability)
 * and free the writer; NULL is a no-op.  Returns 0, or -1 with errno when
 * close(2) failed (the writer is freed all the same).
 */
int		 pf_seg_close(struct pf_seg_writer *);

/*
 * Open the segment name under dirfd for reading (O_NOFOLLOW; opening never
 * blocks) and check its header.  Returns the reader, or NULL with errno
 * and *errstr set: EBADMSG with "short header" for a file shorter than
 * the header (a crash right after creation) or "bad header" for a wrong
 * magic, version, flags or checksum; EINVAL for anything but a regular
 * file; ELOOP for a symbolic link.
 */
struct pf_seg_reader *pf_seg_open(int, const char *, const char **);
/*
 * Read the next frame.  Returns 1 and stores its records in *data and
 * *len (valid until the next call on this reader), its first sequence
 * number and record count; 0 at a clean end of file; PF_SEG_TORN when
 * the file ends inside a frame (fewer bytes than a frame header, or a
 * valid header whose payload runs past the end: a torn tail, which
 * pf_seg_truncate_torn() at pf_seg_offset() cuts off); -1 with *errstr
 * naming the fault, errno EBADMSG, for corruption: a full frame header
 * with a bad magic or checksum, unknown flags, a length over
 * PF_SEG_FRAME_MAX, a sequence gap, a bad payload checksum, a zstd error
 * or a decoded size other than the header says (-1 with another errno
 * for a read error or ENOMEM).  Nothing is allocated before the checks
 * and at most PF_SEG_FRAME_MAX per buffer.  After anything but 1 the
 * reader stays at that frame: calling again gives the same answer.
 */
int		 pf_seg_next(struct pf_seg_reader *, const char **, size_t *,
		     uint64_t *, uint32_t *, const char **);
/*
 * Step over the next frame reading only its header, to describe a large
 * spill quickly.  Returns what pf_seg_next() would, after the same
 * header, length, sequence and torn-tail (file size) checks, and moves
 * the reader on the same way, but stores only the frame's first sequence
 * number, record count, raw_len and stored_len (the payload's size on
 * disk; the frame takes 48 bytes more).  The payload is not read, so
 * neither its checksum nor its zstd frame is verified: a frame with a
 * damaged payload is returned as good where pf_seg_next() fails.  Calls
 * to pf_seg_skim() and pf_seg_next() may be mixed on one reader.
 */
int		 pf_seg_skim(struct pf_seg_reader *, uint64_t *, uint32_t *,
		     uint32_t *, uint32_t *, const char **);
/*
 * The byte offset of the frame pf_seg_next() or pf_seg_skim() last
 * returned or failed on; after 0 or PF_SEG_TORN, the end of the last
 * whole frame.
 */
off_t		 pf_seg_offset(const struct pf_seg_reader *);
/*
 * The time stored in the frame pf_seg_next() or pf_seg_skim() last
 * returned (nanoseconds since the Unix epoch, 0 if unknown): when its
 * first record arrived, for the age of its records.  0 before any frame;
 * a failed call leaves it unchanged.
 */
uint64_t	 pf_seg_time(const struct pf_seg_reader *);
/*
 * After pf_seg_next() failed on a frame whose header checks out but whose
 * payload does not (a bad payload checksum or zstd data), step over that
 * frame, so that reading goes on with the next: returns 0 and stores the
 * records it held (lost) in *nrec.  -1 with errno EINVAL if the last call
 * did not fail that way.
 */
int		 pf_seg_pass(struct pf_seg_reader *, uint32_t *);
/* The first sequence number, from the file header. */
uint64_t	 pf_seg_first_seq(const struct pf_seg_reader *);
/* The kind given to pf_seg_create(), from the file header. */
unsigned int	 pf_seg_kind(const struct pf_seg_reader *);
/*
 * The sequence number the next frame must start with: after a failure,
 * the first record the bad frame should have held.
 */
uint64_t	 pf_seg_reader_next_seq(const struct pf_seg_reader *);
/* Close the file and free the reader; NULL is a no-op. */
void		 pf_seg_close_reader(struct pf_seg_reader *);
/*
 * Cut the segment name under dirfd back to off bytes (the end of its last
 * whole frame, from pf_seg_offset() after PF_SEG_TORN) and fsync it.
 * Returns 0, or -1 with errno (EINVAL when off is inside the file header
 * or past the end, or the file is not a regular file).
 */
int		 pf_seg_truncate_torn(int, const char *, off_t);

#endif /* PIPEFLOW_H */
