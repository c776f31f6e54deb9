/* SPDX-License-Identifier: ISC */
/*
 * diskq.c: the disk side of spill's FIFO -- the checkpoint's format, the
 * scan of a segment's frames that recovery and spill --info rest on, and
 * the description of a whole directory for --info.  It reads; it never
 * changes a file and never prints.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "pipeflow.h"
#include "diskq.h"

#define DISKQ_CKPT_MAGIC	"PFCKPT1"

int
pf_diskq_ckpt_format(char *buf, size_t size, uint64_t d)
{
	int	n;

	n = snprintf(buf, size, "%s %020" PRIu64, DISKQ_CKPT_MAGIC, d);
	n += snprintf(buf + n, size - n, " %016" PRIx64 "\n",
	    (uint64_t)XXH3_64bits(buf, n));
	return (n);
}

int
pf_diskq_ckpt_parse(const char *buf, size_t len, uint64_t *seq)
{
	char		 tmp[PF_DISKQ_CKPT_MAX], *sp, *ep;
	uint64_t	 v, h;

	if (len == 0 || len >= sizeof(tmp) || buf[len - 1] != '\n')
		return (-1);
	memcpy(tmp, buf, len);
	tmp[len - 1] = '\0';
	if ((sp = strrchr(tmp, ' ')) == NULL)
		return (-1);
	if (strncmp(tmp, DISKQ_CKPT_MAGIC " ", sizeof(DISKQ_CKPT_MAGIC)) != 0)
		return (-1);
	errno = 0;
	h = strtoull(sp + 1, &ep, 16);
	if (errno != 0 || *ep != '\0' || ep - (sp + 1) != 16)
		return (-1);
	if (h != (uint64_t)XXH3_64bits(tmp, sp - tmp))
		return (-1);
	*sp = '\0';
	if (!(tmp[sizeof(DISKQ_CKPT_MAGIC)] >= '0' &&
	    tmp[sizeof(DISKQ_CKPT_MAGIC)] <= '9'))
		return (-1);
	errno = 0;
	v = strtoull(tmp + sizeof(DISKQ_CKPT_MAGIC), &ep, 10);
	if (errno != 0 || *ep != '\0')
		return (-1);
	*seq = v;
	return (0);
}

uint64_t
pf_diskq_count(unsigned int kind, const char *p, size_t len)
{
	uint64_t	n;

	if (kind == PF_FRAME_BYTES)
		return (len);
	n = pf_frame_count(kind, p, len);
	/* The unterminated last record of the input. */
	if (len > 0 && p[len - 1] != (kind == PF_FRAME_NUL ? '\0' : '\n'))
		n++;
	return (n);
}

/* What segment num's frames say; see diskq.h. */
int
pf_diskq_scan(int dfd, uint64_t num, uint64_t from, struct pf_diskq_seg *s,
    off_t *tornoff, char *msg, size_t msglen, int *badhdr, int verify)
{
	struct pf_seg_reader	*r;
	struct stat		 st;
	const char		*errstr, *data;
	char			 name[PF_SPILLDIR_SEGNAME_MAX], bad[64];
	size_t			 len;
	uint64_t		 fs, u;
	uint32_t		 nrec, raw, stored;
	int			 ret;

	memset(s, 0, sizeof(*s));
	s->num = num;
	*badhdr = 0;
	(void)pf_spilldir_segname(name, sizeof(name), num);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		s->stored = st.st_size;
	if ((r = pf_seg_open(dfd, name, &errstr)) == NULL) {
		snprintf(msg, msglen, "%s: offset 0: %s", name, errstr);
		if (errno == EBADMSG) {
			*badhdr = 1;
			*tornoff = 0;
			return (strcmp(errstr, "short header") == 0 ? 1 : 2);
		}
		return (-1);
	}
	s->first = s->end = pf_seg_first_seq(r);
	s->kind = pf_seg_kind(r);
	for (;;) {
		if (!verify)
			ret = pf_seg_skim(r, &fs, &nrec, &raw, &stored,
			    &errstr);
		else if ((ret = pf_seg_next(r, &data, &len, &fs, &nrec,
		    &errstr)) == 1) {
			raw = len;
			if ((u = pf_diskq_count(s->kind, data, len)) != nrec) {
				snprintf(bad, sizeof(bad), "a frame of %"
				    PRIu32 " records holds %" PRIu64, nrec, u);
				errstr = bad;
				errno = EBADMSG;
				ret = -1;
			}
		}
		if (ret != 1)
			break;
		s->end = fs + nrec;
		if (s->end > from) {
			if (s->time == 0)
				s->time = pf_seg_time(r);
			s->raw += raw;
		}
	}
	*tornoff = pf_seg_offset(r);
	if (ret != 0)
		snprintf(msg, msglen, "%s: offset %lld: %s", name,
		    (long long)*tornoff, errstr);
	pf_seg_close_reader(r);
	if (ret == 0)
		return (0);
	if (ret == PF_SEG_TORN)
		return (1);
	return (ret == -1 && errno != EBADMSG ? -1 : 2);
}

uint64_t
pf_diskq_raw_all(int dfd, uint64_t num)
{
	struct pf_seg_reader	*r;
	const char		*errstr;
	char			 name[PF_SPILLDIR_SEGNAME_MAX];
	uint64_t		 fs, raw = 0;
	uint32_t		 nrec, len, stored;

	(void)pf_spilldir_segname(name, sizeof(name), num);
	if ((r = pf_seg_open(dfd, name, &errstr)) == NULL)
		return (0);
	while (pf_seg_skim(r, &fs, &nrec, &len, &stored, &errstr) == 1)
		raw += len;
	pf_seg_close_reader(r);
	return (raw);
}

int
pf_diskq_info(const char *path, struct pf_diskq_info *info,
    const char **errstr)
{
	struct pf_spilldir	*dir;
	struct pf_diskq_seg	 s;
	char			 buf[PF_DISKQ_CKPT_MAX], msg[256];
	char			 name[PF_SPILLDIR_SEGNAME_MAX];
	uint64_t		*nums = NULL, d = 0, prev = 0, top = 0;
	size_t			 nnums = 0, others = 0, i;
	ssize_t			 n;
	off_t			 off;
	int			 ret, bad, saved, known = 0;

	memset(info, 0, sizeof(*info));
	info->framing = -1;
	if ((dir = pf_spilldir_inspect(path, errstr)) == NULL)
		return (-1);
	if (pf_spilldir_list(dir, &nums, &nnums, &others, errstr) == -1)
		goto fail;
	info->others = others;
	n = pf_spilldir_checkpoint_read(dir, buf, sizeof(buf), errstr);
	if (n > 0 && pf_diskq_ckpt_parse(buf, n, &d) == 0)
		info->checkpoint = 1;
	else if (n != 0) {
		info->corrupt = 1;
		snprintf(info->fault, sizeof(info->fault), "checkpoint: %s",
		    n == -1 ? *errstr : "corrupt");
	}
	for (i = 0; i < nnums; i++) {
		ret = pf_diskq_scan(pf_spilldir_fd(dir), nums[i], d, &s, &off, msg,
		    sizeof(msg), &bad, 1);
		if (!info->checkpoint && i == 0)
			d = s.first;
		/* Records missing between segments, or before the first. */
		if (!bad && (i > 0 ? known : 1) &&
		    s.first > (i > 0 ? prev : d) && !info->corrupt) {
			(void)pf_spilldir_segname(name, sizeof(name), nums[i]);
			info->corrupt = 1;
			snprintf(info->fault, sizeof(info->fault), "records %"
			    PRIu64 " to %" PRIu64 " missing (a segment before "
			    "%s)", i > 0 ? prev : d, s.first - 1, name);
		}
		/* Numbers seen twice: a segment copied, say. */
		if (!bad && i > 0 && s.first < top && !info->corrupt) {
			(void)pf_spilldir_segname(name, sizeof(name), nums[i]);
			info->corrupt = 1;
			snprintf(info->fault, sizeof(info->fault), "%s: offset 0: "
			    "records %" PRIu64 " to %" PRIu64 " overlap an "
			    "earlier segment's", name, s.first,
			    (s.end < top ? s.end : top) - 1);
		}
		prev = s.end;
		if (!bad && s.end > top)
			top = s.end;
		known = !bad && ret == 0;
		if (info->framing < 0 && !bad)
			info->framing = s.kind;
		info->segments++;
		info->stored_bytes += s.stored;
		info->raw_bytes += s.raw;
		if (s.end > d)
			info->records += s.end - (s.first > d ? s.first : d);
		if (info->oldest_ns == 0)
			info->oldest_ns = s.time;
		if (ret == 1 && i == nnums - 1)
			info->torn++;
		else if (ret != 0 && !info->corrupt) {
			info->corrupt = 1;
			snprintf(info->fault, sizeof(info->fault), "%s", msg);
		}
	}
	if (info->checkpoint && nnums > 0 && known && d > prev &&
	    !info->corrupt) {
		info->corrupt = 1;
		snprintf(info->fault, sizeof(info->fault), "checkpoint: "
		    "corrupt (first undelivered %" PRIu64 ", past the data, "
		    "which ends at %" PRIu64 ")", d, prev);
	}
	info->delivered = d;
	free(nums);
	pf_spilldir_close(dir, 0);
	return (0);

fail:
	saved = errno;
	free(nums);
	pf_spilldir_close(dir, 0);
	errno = saved;
	return (-1);
}
