/* SPDX-License-Identifier: ISC */
/*
 * fault.h: I/O faults on demand, for tests (lib/fault.c).
 *
 * A build configured with --enable-fault-injection asks before each
 * write and sync in lib/ whether it is to fail, as PIPEFLOW_FAULT says: a
 * comma-separated list of OP:ERRNO:N, where OP is one of
 *
 *	out	the stage's output (the writes of the loop)
 *	write	whole-buffer writes: dead-letter files, spill --drain
 *	seg	spill segment writes
 *	ckpt	spill checkpoint writes
 *	sync	fsync(2) and fdatasync(2) of segments and checkpoints
 *
 * ERRNO a name (ENOSPC, EIO, EFBIG, EDQUOT, EPIPE, EAGAIN, EINTR) and N
 * the call, counted from 1 per OP, that fails.  N alone fails that call
 * once; N+ that call and every later one; Ns (seg and ckpt) writes half
 * of that call's bytes for real and fails the rest with ERRNO, as a full
 * disk does.  A bad PIPEFLOW_FAULT is ignored with a word on stderr.
 * Without the option the hooks compile to nothing: release builds carry
 * none of this.
 */
#ifndef PF_FAULT_H
#define PF_FAULT_H

#include <stddef.h>

enum pf_fault_op {
	PF_FAULT_OUT = 0,
	PF_FAULT_WRITE,
	PF_FAULT_SEG,
	PF_FAULT_CKPT,
	PF_FAULT_SYNC,
	PF_FAULT_NOPS
};

#ifdef PF_FAULT_INJECTION
/*
 * Count a call of op about to move *len bytes (NULL for a sync).  Returns
 * 0 to go ahead, having cut *len if a short write is due, or the errno
 * the call is to fail with.
 */
int		 pf_fault(enum pf_fault_op, size_t *);
#else
#define pf_fault(op, len)	0
#endif

#endif /* PF_FAULT_H */
