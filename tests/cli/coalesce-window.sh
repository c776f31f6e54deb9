#!/bin/sh
# SPDX-License-Identifier: ISC
# --window DUR: a key updated continuously is emitted once per window,
# always with its latest record, and still every window; a key updated
# once is emitted once; the end of input flushes what is held.  A window
# that fills -m closes early instead of blocking until its end.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

# A updated every 10 ms or so for about 1.5 s, B once at the start.
t0=$(now)
awk 'BEGIN { print "0 B once"; fflush()
	for (i = 1; i <= 150; i++) {
		print i, "A", i; fflush(); system("sleep 0.01")
	} }' | coalesce -k 2 --window 200ms -v 2> "$T/err" > "$T/out"
rc=$?
t1=$(now)
is "$rc" 0 "exit 0"
windows=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) / 0.2 }')
na=$(grep -c ' A ' "$T/out")
diag "$na records of A in $windows windows"
[ "$na" -ge $((windows - 2)) ] && [ "$na" -le $((windows + 2)) ]
ok $? "A emitted once per window ($na in about $windows)"
is "$(grep -c ' B ' "$T/out")" 1 "B, updated once, emitted once"
is "$(tail -n 1 "$T/out")" "150 A 150" "the end of input flushes A's latest"
awk '$2 == "A" && $1 <= prev { exit 1 } $2 == "A" { prev = $1 }' "$T/out"
ok $? "A's records newer each window"
n=$(wc -l < "$T/out" | tr -d ' ')
like "$(tail -n 1 "$T/err")" "151 records in, $n out, 0 dropped, $((151 - n)) coalesced" \
    "received = delivered + coalesced"

# Every record of a fast stream in one window: one record per key.
seq 1 100000 | awk '{ print $1, "k" ($1 % 7) }' |
    coalesce -k 2 --window 10s > "$T/out"
is "$(wc -l < "$T/out" | tr -d ' ')" 7 "input shorter than the window: one record per key"
is "$(head -n 1 "$T/out")" "99996 k1" "the latest of the key that came first, first"

# A window that fills -m closes early: the run does not wait for its end.
t0=$(now)
seq 1 200000 | awk '{ print $1, "k" $1 }' |
    coalesce -k 2 -m 256K --window 1h -v 2> "$T/err" | cksum > "$T/sum"
t1=$(now)
is "$(cat "$T/sum")" "$(seq 1 200000 | awk '{ print $1, "k" $1 }' | cksum)" \
    "-m 256K --window 1h, distinct keys: every record delivered"
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 30) }'
ok $? "-m 256K --window 1h: done long before the window's end"
like "$(cat "$T/err")" "; [1-9][0-9]* windows closed early" \
    "-v counts the windows closed early"

done_testing
