#!/bin/sh
# SPDX-License-Identifier: ISC
# A failed fsync is final (spill --durable): with fdatasync made to fail
# by strace's fault injection, spill says which file could not be synced,
# exits 1 and delivers nothing that was not synced (--sync always syncs
# every frame before its records may leave); it does not try again as if
# the data were safe.  The data stays on disk, and a rerun without the
# fault delivers every record that spill had read, in order.
. "$top_srcdir/tests/lib/tap.sh"

command -v strace > /dev/null 2>&1 || skip_all "needs strace"
[ -n "${PF_VALGRIND:-}" ] && skip_all "strace and valgrind do not mix"
strace -f -o /dev/null -e trace=none true 2> /dev/null ||
    skip_all "strace cannot trace here"

D="$T/spool"
seq 1 100000 > "$T/in"

# --sync always: the first frame's sync fails.
seq 1 100000 | strace -f -o /dev/null -e trace=fdatasync \
    -e inject=fdatasync:error=EIO:when=1 \
    spill --durable -d "$D" --sync always -m 4K > "$T/out" 2> "$T/err"
rc=$?
is "$rc" 1 "--sync always, fdatasync fails: exit 1"
grep -q "seg-0000000000000000.pfs: sync: Input/output error" "$T/err"
ok $? "the message names the segment and the error"
is "$(grep -c 'sync:' "$T/err")" 1 "said once, not tried again"
is "$(wc -c < "$T/out")" 0 "nothing delivered that was not synced"
grep -q 'records received [1-9][0-9]*, delivered 0' "$T/err"
ok $? "the counts: received some, delivered none"

n=$(spill --info "$D" --format json |
    sed -n 's/.*"records":\([0-9]*\).*/\1/p')
[ "${n:-0}" -gt 0 ]
ok $? "the records read are on disk ($n)"
spill --drain "$D" > "$T/out2" 2> "$T/err2"
is "$?" 0 "a rerun without the fault: exit 0"
head -n "$n" "$T/in" > "$T/want"
is "$(cksum < "$T/out2")" "$(cksum < "$T/want")" \
    "it delivers every record read, 1 to $n, in order"

# --sync interval: the checkpoint's sync fails.
rm -rf "$D"
seq 1 100000 | strace -f -o /dev/null -e trace=fdatasync \
    -e inject=fdatasync:error=EIO:when=1 \
    spill --durable -d "$D" --sync interval --checkpoint 10ms -m 4K \
    2> "$T/err3" | (sleep 0.5; cat > "$T/out3")
is "$(grep -c 'sync: Input/output error' "$T/err3")" 1 \
    "--sync interval: the failed sync is said once"
grep -q 'records received' "$T/err3"
ok $? "--sync interval: and ends the run with the counts"
spill --drain "$D" > "$T/out4" 2> /dev/null
is "$?" 0 "--sync interval: the rerun exits 0"
cat "$T/out3" "$T/out4" | sort -n -u | awk '$1 != NR { bad++ } END {
	exit bad > 0 }'
ok $? "--sync interval: the two runs together leave no gap"

done_testing
