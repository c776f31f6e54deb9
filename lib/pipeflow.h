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
/* Format a byte count for people: "1.5M", "64K", "12B".  Returns buf. */
char		*pf_format_size(char *, size_t, uint64_t);
/* Format a duration for people: "250ms", "1.5s", "2m03s".  Returns buf. */
char		*pf_format_duration(char *, size_t, uint64_t);

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
 * else $XDG_RUNTIME_DIR/pipeflow, else /tmp/pipeflow-UID.  Create it 0700
 * if missing; refuse one owned by another user or writable by group or
 * others.  Returns NULL with *errstr set (and errno) on failure.
 */
struct pf_status *pf_status_open(const char *, const char *, const char *,
		     const char **);
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
int		 pf_status_write(struct pf_status *, const struct pf_counters *);
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

#endif /* PIPEFLOW_H */
