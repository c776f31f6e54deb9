/* SPDX-License-Identifier: ISC */
/*
 * spill-info.c: what spill says about data at rest -- --info DIR, a
 * spill directory described without changing it, and --drain FILE, a
 * dead-letter file copied out.  spill --drain DIR runs the engine, in
 * spill.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeflow.h"
#include "deadletter.h"
#include "diskq.h"
#include "spill.h"

/*
 * A dead-letter file: records as they were dropped, zstd-compressed if it
 * starts with a zstd frame.  Returns an exit status.
 */
int
spill_drain_file(const char *path, const char *output)
{
	struct pf_dl_error	 err;
	struct stat		 st;
	int			 fd, ofd = STDOUT_FILENO, code = 1;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		warn("--drain: %s", path);
		return (1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		warnx("--drain: %s: not a spill directory or a file", path);
		close(fd);
		return (1);
	}
	if (output != NULL && (ofd = open(output, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0666)) == -1) {
		warn("%s", output);
		close(fd);
		return (1);
	}
	if (pf_dl_copy(fd, ofd, &err) == 0)
		code = 0;
	else {
		switch (err.fault) {
		case PF_DL_CORRUPT:
			warnx("--drain: %s: corrupt zstd data near offset "
			    "%" PRIu64 ": %s", path, err.off, err.what);
			code = 3;
			break;
		case PF_DL_TRUNCATED:
			warnx("--drain: %s: truncated zstd data at offset "
			    "%" PRIu64, path, err.off);
			code = 3;
			break;
		case PF_DL_WRITE:
			if (err.errnum == EPIPE) {
				warnx("--drain: reader went away");
				code = 141;
			} else
				warnc(err.errnum, "write error");
			break;
		case PF_DL_READ:
			warnc(err.errnum, "--drain: %s", path);
			break;
		default:
			warnc(err.errnum, NULL);
			break;
		}
	}
	if (ofd != STDOUT_FILENO && close(ofd) == -1 && code == 0) {
		warn("%s", output);
		code = 1;
	}
	close(fd);
	return (code);
}

int
spill_info(const char *dir, int json)
{
	struct pf_diskq_info	 in;
	const char		*errstr, *unit;
	char			 raw[16], stored[16], when[32], age[16];
	uint64_t		 now;
	struct tm		 tm;
	time_t			 t;
	double			 agesec = 0;

	if (pf_diskq_info(dir, &in, &errstr) == -1) {
		warnx("--info: %s: %s: %s", dir, errstr, strerror(errno));
		return (1);
	}
	unit = in.framing == PF_FRAME_BYTES ? "bytes" : "records";
	when[0] = '\0';
	if (in.oldest_ns != 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * PF_NSEC + ts.tv_nsec;
		agesec = now > in.oldest_ns ?
		    (double)(now - in.oldest_ns) / PF_NSEC : 0;
		t = in.oldest_ns / PF_NSEC;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (json) {
		printf("{\"directory\":");
		pf_json_string(stdout, dir);
		printf(",\"segments\":%" PRIu64 ",\"%s\":%" PRIu64
		    ",\"raw_bytes\":%" PRIu64 ",\"stored_bytes\":%" PRIu64
		    ",\"oldest\":", in.segments, unit, in.records,
		    in.raw_bytes, in.stored_bytes);
		if (in.oldest_ns != 0)
			printf("\"%s\",\"oldest_age_seconds\":%.3f", when,
			    agesec);
		else
			printf("null,\"oldest_age_seconds\":null");
		printf(",\"checkpoint\":%s,\"first_undelivered\":%" PRIu64
		    ",\"torn_tails\":%" PRIu64 ",\"other_files\":%" PRIu64
		    ",\"corrupt\":%s", in.checkpoint ? "true" : "false",
		    in.delivered, in.torn, in.others,
		    in.corrupt ? "true" : "false");
		if (in.corrupt) {
			printf(",\"fault\":");
			pf_json_string(stdout, in.fault);
		}
		printf("}\n");
	} else {
		pf_format_size(raw, sizeof(raw), in.raw_bytes);
		pf_format_size(stored, sizeof(stored), in.stored_bytes);
		printf("directory:      %s\n", dir);
		printf("segments:       %" PRIu64 "\n", in.segments);
		printf("%s:%*s%" PRIu64 " undelivered\n", unit,
		    (int)(15 - strlen(unit)), "", in.records);
		printf("raw bytes:      %s\n", raw);
		printf("stored bytes:   %s", stored);
		if (in.raw_bytes > 0)
			printf(" (%.1f%% of raw)", 100.0 * in.stored_bytes /
			    in.raw_bytes);
		printf("\n");
		if (in.oldest_ns != 0) {
			pf_format_duration(age, sizeof(age),
			    (uint64_t)(agesec * PF_NSEC));
			printf("oldest:         %s (%s ago)\n", when, age);
		} else
			printf("oldest:         -\n");
		if (in.checkpoint)
			printf("checkpoint:     first undelivered %" PRIu64
			    "\n", in.delivered);
		else
			printf("checkpoint:     none\n");
		printf("torn tails:     %" PRIu64 "\n", in.torn);
		printf("other files:    %" PRIu64 "\n", in.others);
		printf("fault:          %s\n", in.corrupt ? in.fault :
		    "none");
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return (1);
	}
	return (in.corrupt ? 3 : 0);
}
