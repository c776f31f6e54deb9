/* SPDX-License-Identifier: ISC */
/*
 * spill.h: what spill.c (options, the run) and spill-info.c (--info,
 * --drain FILE) share.
 */
#ifndef SPILL_H
#define SPILL_H

/*
 * Describe the spill directory dir on stdout, as text or with json set
 * one JSON object, without changing it.  Returns the exit status: 0; 1
 * when it cannot be read; 3 when it holds a fault.
 */
int		 spill_info(const char *, int);
/*
 * Copy the dead-letter file path (raw, or zstd if it starts with a zstd
 * frame) to output, or stdout if NULL.  Returns the exit status: 0; 1;
 * 3 for corrupt or truncated zstd data; 141 when the reader went away.
 */
int		 spill_drain_file(const char *, const char *);

#endif /* SPILL_H */
