/* SPDX-License-Identifier: ISC */
/*
 * deadletter.h: the file where a stage keeps the records it drops by
 * policy, for reconciliation and replay (lib/deadletter.c).
 *
 * Records go in byte-exact as received, terminators and all, appended.  A
 * name that ends in ".zst" gets zstd: each run appends one zstd frame.
 * Writes are gathered in memory (drops come a record at a time from a
 * policy) and go to the file at pf_dl_flush(), which the engine calls
 * before every wait, as a whole zstd block when compressed: so what a
 * stage said it kept is in the file (though not synced) even if it dies
 * before the frame ends.  Concatenated frames are valid zstd: `zstd -dc`
 * and `spill --drain FILE` read the file whole.  The reader here is the
 * one spill --drain uses: plain files pass as they are, a file that
 * starts with a zstd frame is decompressed.
 */
#ifndef PF_DEADLETTER_H
#define PF_DEADLETTER_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stdint.h>

struct pf_dl;

/*
 * Open (create, mode 0600, or append to) the dead-letter file path, never
 * through a symlink.  zstd when the name ends in ".zst".  NULL with errno
 * on failure.
 */
struct pf_dl	*pf_dl_open(const char *);
/*
 * Append iovcnt pieces, in order, to what waits for pf_dl_flush() (some
 * may reach the file at once).  Returns 0, or -1 with errno: the records
 * were not kept, and the writer takes no more (every later call fails
 * with the same errno).
 */
int		 pf_dl_write(struct pf_dl *, const struct iovec *, int);
/*
 * Write out what waits, as a whole zstd block if compressed.  Returns 0
 * (also when nothing waits), or -1 with errno, final as for a write.
 */
int		 pf_dl_flush(struct pf_dl *);
/*
 * Flush, end the zstd frame, close the file and free everything, whatever
 * happens.  Returns 0, or -1 with errno if the end of the frame or the
 * close failed, or an earlier write had.  NULL is a no-op.
 */
int		 pf_dl_close(struct pf_dl *);
/* Whether a name gets zstd. */
int		 pf_dl_is_zstd(const char *);

/* Why pf_dl_copy() stopped. */
enum pf_dl_fault {
	PF_DL_OK = 0,
	PF_DL_READ,		/* reading the file: errno */
	PF_DL_WRITE,		/* writing the output: errno (EPIPE too) */
	PF_DL_CORRUPT,		/* bad zstd data near off: what */
	PF_DL_TRUNCATED,	/* the zstd data ends mid-frame at off */
	PF_DL_NOMEM
};

struct pf_dl_error {
	enum pf_dl_fault	 fault;
	int			 errnum;
	uint64_t		 off;	/* in the file */
	const char		*what;	/* zstd's words, or NULL */
};

/*
 * Copy the records of the dead-letter file open on fd to ofd, with
 * blocking writes.  Returns 0, or -1 with *err saying why.
 */
int		 pf_dl_copy(int, int, struct pf_dl_error *);

#endif /* PF_DEADLETTER_H */
