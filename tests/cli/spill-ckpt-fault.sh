#!/bin/sh
# SPDX-License-Identifier: ISC
# A checkpoint that cannot be written for a full disk, from PIPEFLOW_FAULT
# in a build made with --enable-fault-injection (lib/fault.h), where no
# real disk can be made to fail the checkpoint alone: a failure once, a
# failure as a short write, and every checkpoint after the first failing
# (the in-place rewrite too).  Each is warned once, never ends the run:
# exit 0, everything delivered once, and the directory emptied.
. "$top_srcdir/tests/lib/tap.sh"

[ "${PF_FAULT_BUILD:-no}" = yes ] ||
    skip_all "built without --enable-fault-injection"
command -v timeout > /dev/null 2>&1 || skip_all "needs timeout(1)"

seq 1 300000 > "$T/in"

# fault NAME SPEC: spill --durable under PIPEFLOW_FAULT=SPEC into a slow
# reader, checkpointing every 20ms.
fault() {
	rm -rf "$T/d"
	{ PIPEFLOW_FAULT=$2 timeout -s KILL 60 spill --durable -d "$T/d" \
	    --checkpoint 20ms -m 64K < "$T/in" 2> "$T/err"; \
	    echo $? > "$T/rc"; } | stallpipe 3 8192 500 > "$T/out"
	is "$(cat "$T/rc")" 0 "$1: exit 0"
	cmp -s "$T/in" "$T/out"
	ok $? "$1: everything delivered once"
	is "$(grep -c 'cannot write checkpoint: No space left on device; retrying, nothing is lost' "$T/err")" 1 \
	    "$1: one warning"
	[ ! -e "$T/d" ] || [ -z "$(ls -A "$T/d")" ]
	ok $? "$1: the directory emptied"
}

fault "checkpoint ENOSPC once" ckpt:ENOSPC:3,ckpt:ENOSPC:4
grep -q 'checkpoint written again' "$T/err"
ok $? "checkpoint ENOSPC once: the all-clear"
fault "checkpoint ENOSPC as a short write" ckpt:ENOSPC:3s,ckpt:ENOSPC:4
fault "every checkpoint but the first failing" ckpt:ENOSPC:2+

done_testing
