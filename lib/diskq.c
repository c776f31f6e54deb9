/* SPDX-License-Identifier: ISC */
/*
 * diskq.c: the disk side of spill's FIFO -- the checkpoint's format and
 * the scan of a segment's frames that recovery and spill --info rest on.
 * It reads; it never changes a file and never prints.
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
