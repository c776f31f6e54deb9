/* SPDX-License-Identifier: ISC */
/*
 * deadletter.c: keep dropped records, plain or zstd, and read them back.
 *
 * One module for the writer that bqueue (and shed and throttle) use and
 * the reader behind spill --drain FILE, so that what one writes the other
 * reads.  See deadletter.h for the format.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "pipeflow.h"
#include "io.h"
#include "deadletter.h"

#define DL_BUF		(64 * 1024)	/* plain: gathered up to this */

struct pf_dl {
	int		 fd;
	ZSTD_CCtx	*cctx;		/* NULL: plain */
	char		*obuf;		/* plain: what waits; zstd: output */
	size_t		 osize;
	size_t		 olen;		/* plain: bytes waiting */
	int		 started;	/* a zstd frame is open */
	int		 dirty;		/* written since the last flush */
	int		 error;		/* errno of a failed write, 0 */
};

static const unsigned char dl_zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

static int	 dl_zstd(struct pf_dl *, const void *, size_t,
		     ZSTD_EndDirective);

int
pf_dl_is_zstd(const char *path)
{
	size_t	len = strlen(path);

	return (len > 4 && strcmp(path + len - 4, ".zst") == 0);
}

struct pf_dl *
pf_dl_open(const char *path)
{
	struct pf_dl	*dl;
	int		 saved;

	if ((dl = calloc(1, sizeof(*dl))) == NULL)
		return (NULL);
	dl->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (dl->fd == -1) {
		saved = errno;
		free(dl);
		errno = saved;
		return (NULL);
	}
	dl->osize = pf_dl_is_zstd(path) ? ZSTD_CStreamOutSize() : DL_BUF;
	if ((dl->obuf = malloc(dl->osize)) == NULL) {
		(void)close(dl->fd);
		free(dl);
		errno = ENOMEM;
		return (NULL);
	}
	if (pf_dl_is_zstd(path)) {
		if ((dl->cctx = ZSTD_createCCtx()) == NULL) {
			(void)close(dl->fd);
			free(dl->obuf);
			free(dl);
			errno = ENOMEM;
			return (NULL);
		}
		(void)ZSTD_CCtx_setParameter(dl->cctx, ZSTD_c_compressionLevel,
		    ZSTD_CLEVEL_DEFAULT);
		(void)ZSTD_CCtx_setParameter(dl->cctx, ZSTD_c_checksumFlag, 1);
	}
	return (dl);
}

/*
 * Compress len bytes at p with directive end, writing out everything the
 * compressor gives back until it is done with that directive.
 */
static int
dl_zstd(struct pf_dl *dl, const void *p, size_t len, ZSTD_EndDirective end)
{
	ZSTD_inBuffer	 in = { p, len, 0 };
	ZSTD_outBuffer	 out;
	struct iovec	 iov;
	size_t		 left;

	do {
		out.dst = dl->obuf;
		out.size = dl->osize;
		out.pos = 0;
		left = ZSTD_compressStream2(dl->cctx, &out, &in, end);
		if (ZSTD_isError(left)) {
			errno = EIO;
			return (-1);
		}
		iov.iov_base = dl->obuf;
		iov.iov_len = out.pos;
		if (out.pos > 0 && pf_io_writeall(dl->fd, &iov, 1) == -1)
			return (-1);
		/* continue: done once all input is taken; else when 0. */
	} while (end == ZSTD_e_continue ? in.pos < in.size : left != 0);
	return (0);
}

int
pf_dl_write(struct pf_dl *dl, const struct iovec *iov, int iovcnt)
{
	int	i;

	if (dl->error != 0) {
		errno = dl->error;
		return (-1);
	}
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		if (dl->cctx != NULL) {
			if (dl_zstd(dl, iov[i].iov_base, iov[i].iov_len,
			    ZSTD_e_continue) == -1)
				goto fail;
			dl->started = 1;
		} else if (dl->olen + iov[i].iov_len <= dl->osize) {
			memcpy(dl->obuf + dl->olen, iov[i].iov_base,
			    iov[i].iov_len);
			dl->olen += iov[i].iov_len;
		} else {
			/* What waits first, then this piece as it is. */
			if (pf_dl_flush(dl) == -1 ||
			    pf_io_writeall(dl->fd, &iov[i], 1) == -1)
				goto fail;
		}
		dl->dirty = 1;
	}
	return (0);
fail:
	dl->error = errno;
	return (-1);
}

int
pf_dl_flush(struct pf_dl *dl)
{
	struct iovec	iov;

	if (dl->error != 0) {
		errno = dl->error;
		return (-1);
	}
	if (!dl->dirty)
		return (0);
	if (dl->cctx != NULL) {
		if (dl_zstd(dl, NULL, 0, ZSTD_e_flush) == -1)
			goto fail;
	} else if (dl->olen > 0) {
		iov.iov_base = dl->obuf;
		iov.iov_len = dl->olen;
		if (pf_io_writeall(dl->fd, &iov, 1) == -1)
			goto fail;
		dl->olen = 0;
	}
	dl->dirty = 0;
	return (0);
fail:
	dl->error = errno;
	return (-1);
}

int
pf_dl_close(struct pf_dl *dl)
{
	int	error;

	if (dl == NULL)
		return (0);
	if (pf_dl_flush(dl) == -1)
		error = errno;
	else if (dl->cctx != NULL && dl->started &&
	    dl_zstd(dl, NULL, 0, ZSTD_e_end) == -1)
		error = errno;
	else
		error = 0;
	if (close(dl->fd) == -1 && error == 0)
		error = errno;
	ZSTD_freeCCtx(dl->cctx);
	free(dl->obuf);
	free(dl);
	if (error != 0) {
		errno = error;
		return (-1);
	}
	return (0);
}

int
pf_dl_copy(int fd, int ofd, struct pf_dl_error *err)
{
	ZSTD_DCtx	*dctx = NULL;
	ZSTD_inBuffer	 in;
	ZSTD_outBuffer	 out;
	struct iovec	 iov;
	char		*ibuf = NULL, *obuf = NULL;
	size_t		 isz = ZSTD_DStreamInSize();
	size_t		 osz = ZSTD_DStreamOutSize();
	size_t		 z = 0;
	ssize_t		 n;
	uint64_t	 off = 0;
	int		 first = 1, zst = 0, ret = -1;

	memset(err, 0, sizeof(*err));
	if ((ibuf = malloc(isz)) == NULL || (obuf = malloc(osz)) == NULL ||
	    (dctx = ZSTD_createDCtx()) == NULL) {
		err->fault = PF_DL_NOMEM;
		err->errnum = ENOMEM;
		goto done;
	}
	for (;;) {
		if ((n = read(fd, ibuf, isz)) == -1) {
			if (errno == EINTR)
				continue;
			err->fault = PF_DL_READ;
			goto fail;
		}
		if (n == 0)
			break;
		if (first && (size_t)n >= sizeof(dl_zmagic) &&
		    memcmp(ibuf, dl_zmagic, sizeof(dl_zmagic)) == 0)
			zst = 1;
		first = 0;
		if (!zst) {
			iov.iov_base = ibuf;
			iov.iov_len = n;
			if (pf_io_writeall(ofd, &iov, 1) == -1) {
				err->fault = PF_DL_WRITE;
				goto fail;
			}
			off += n;
			continue;
		}
		in.src = ibuf;
		in.size = n;
		in.pos = 0;
		while (in.pos < in.size) {
			out.dst = obuf;
			out.size = osz;
			out.pos = 0;
			z = ZSTD_decompressStream(dctx, &out, &in);
			if (ZSTD_isError(z)) {
				err->fault = PF_DL_CORRUPT;
				err->off = off + in.pos;
				err->what = ZSTD_getErrorName(z);
				goto done;
			}
			iov.iov_base = obuf;
			iov.iov_len = out.pos;
			if (out.pos > 0 &&
			    pf_io_writeall(ofd, &iov, 1) == -1) {
				err->fault = PF_DL_WRITE;
				goto fail;
			}
		}
		off += n;
	}
	if (zst && z != 0) {
		err->fault = PF_DL_TRUNCATED;
		err->off = off;
		goto done;
	}
	ret = 0;
	goto done;
fail:
	err->errnum = errno;
	err->off = off;
done:
	ZSTD_freeDCtx(dctx);
	free(ibuf);
	free(obuf);
	return (ret);
}
