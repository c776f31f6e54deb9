#!/bin/sh
# SPDX-License-Identifier: ISC
# Faults at every point of the I/O, from PIPEFLOW_FAULT in a build made
# with --enable-fault-injection (lib/fault.h): the output failing, the
# dead-letter file failing, a full disk under spill at each segment write
# in turn (once, and as a short write then a failure), and a failed sync.
# Each either goes on losing nothing or ends with status 1 and the error
# named; none hangs.
. "$top_srcdir/tests/lib/tap.sh"

[ "${PF_FAULT_BUILD:-no}" = yes ] ||
    skip_all "built without --enable-fault-injection"

seq 1 200000 > "$T/in"

# An output that fails: exit 1, the error named, the line of counts.
PIPEFLOW_FAULT=out:EIO:1 timeout 20 bqueue < "$T/in" > "$T/out" 2> "$T/err"
is $? 1 "output EIO: exit 1"
like "$(head -n 1 "$T/err")" "write error: stdout: Input/output error" \
    "output EIO: the error named"
like "$(cat "$T/err")" "records received" "output EIO: the line of counts"

# Interrupted and would-block writes are retried: nothing lost.
PIPEFLOW_FAULT=out:EINTR:1,out:EAGAIN:2 timeout 20 bqueue < "$T/in" \
    > "$T/out" 2> "$T/err"
is $? 0 "output EINTR, EAGAIN: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "output EINTR, EAGAIN: everything, once"

# A dead-letter file that fails ends the run.
PIPEFLOW_FAULT=write:ENOSPC:1 timeout 20 bqueue -n 10 --on-full drop-newest \
    --dead-letter "$T/dl" < "$T/in" 2> "$T/err" | { sleep 0.3; cat; } \
    > /dev/null
like "$(cat "$T/err")" "dead-letter file: .*: No space left on device" \
    "dead-letter ENOSPC: the file and the error named"

# A full disk at each segment write in turn, once and as a short write:
# spill waits, goes on, and delivers everything in order.
for mode in "" s; do
	n=1
	while [ $n -le 6 ]; do
		PIPEFLOW_FAULT=seg:ENOSPC:$n$mode timeout 30 spill -m 4K \
		    --segment-size 64K -c 0 < "$T/in" 2> "$T/err" |
		    { sleep 0.3; cat; } > "$T/out"
		name="segment write $n${mode:+ (short)} ENOSPC"
		cmp -s "$T/in" "$T/out"
		ok $? "$name: everything delivered, in order"
		like "$(cat "$T/err")" "No space left on device; input waits" \
		    "$name: the wait said"
		like "$(cat "$T/err")" "space again, writing on" \
		    "$name: and the end of it"
		n=$((n + 1))
	done
done

# A failed sync is final: exit 1, named; a rerun finds whole frames.
mkdir -m 700 "$T/spool"
( PIPEFLOW_FAULT=sync:EIO:2 timeout 30 spill --durable -d "$T/spool" \
    --sync always -m 4K < "$T/in" 2> "$T/err"; echo $? > "$T/rc" ) |
    { sleep 0.3; cat; } > "$T/out"
is "$(cat "$T/rc")" 1 "sync EIO: exit 1"
like "$(cat "$T/err")" "sync: Input/output error" "sync EIO: named"
timeout 30 spill --drain "$T/spool" > "$T/rest" 2> "$T/err"
is $? 0 "sync EIO: what is on disk drains cleanly"
awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }' \
    "$T/rest"
ok $? "sync EIO: what drains is in order, without a gap"
last=$(tail -n 1 "$T/out")
first=$(head -n 1 "$T/rest")
[ -n "$first" ] && [ "$first" -le $((${last:-0} + 1)) ]
ok $? "sync EIO: it starts where delivery stopped, or before (${last:-none}, $first)"

done_testing
