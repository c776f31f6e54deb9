#!/bin/sh
# SPDX-License-Identifier: ISC
# No burst beyond --burst: after throttle was stopped for 2s (SIGSTOP,
# as a suspended job is), after 2s of idle input, and at start.  The
# consumer (ratemeter) counts the most records that came within any
# 100ms: one burst and 100ms worth of the rate (40ms more for the
# consumer's own scheduling on a busy machine); without the cap on the
# bucket, the 2s would come out at once.  The rate over the run holds all the same.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

seq 1 4000 > "$T/in"

# 1000/s with --burst 50ms: 50 at once, then 100 a 100ms.
rm -f "$T/fifo"
mkfifo "$T/fifo"
throttle -r 1000/s --burst 50ms "$T/in" > "$T/fifo" 2> "$T/err" &
p=$!
ratemeter 100 < "$T/fifo" > "$T/m" &
m=$!
sleep 1
kill -STOP $p
wait_until 5 is_stopped $p
ok $? "throttle stopped"
sleep 2
kill -CONT $p
wait $p
is "$?" 0 "exit 0 after SIGSTOP and SIGCONT"
wait $m
set -- $(cat "$T/m")
is "$2" 4000 "every record came through"
awk -v m="$8" 'BEGIN { exit !(m <= 50 + 140 + 1) }'
ok $? "after SIGSTOP of 2s: at most 50 + 140 records in 100ms ($8)"
# 3950 records after the first burst take 3.95s, plus the 2s stopped,
# less the one burst (50ms) that the bucket held again at SIGCONT.
awk -v s="$6" 'BEGIN { exit !(s >= 3.95 + 2 - 0.05 - 0.02 && s <= 6.5) }'
ok $? "after SIGSTOP: the run took 3.95s + 2s - one burst ($6 s)"

# Idle input: 500 records, 2s of nothing, 1500 more.
{ head -n 500 "$T/in"; sleep 2; sed -n '501,2000p' "$T/in"; } |
    throttle -r 1000/s --burst 50ms | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
is "$2" 2000 "idle input: every record came through"
awk -v m="$8" 'BEGIN { exit !(m <= 50 + 140 + 1) }'
ok $? "after 2s idle: at most 50 + 140 records in 100ms ($8)"

# A byte burst: 10KB/s with --burst 200ms is 2000 bytes at once.
awk 'BEGIN { for (i = 0; i < 300; i++) printf "%099d\n", i }' > "$T/wide"
throttle -B 10KB/s --burst 200ms "$T/wide" | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
awk -v m="${10}" 'BEGIN { exit !(m <= 2000 + 1400 + 100) }'
ok $? "-B --burst 200ms: at most 2000 + 1400 bytes in 100ms (${10})"

done_testing
