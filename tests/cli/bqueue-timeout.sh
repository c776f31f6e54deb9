#!/bin/sh
# SPDX-License-Identifier: ISC
# --timeout DUR: a consumer that accepts nothing for DUR while data waits
# ends bqueue with exit 124, a message naming --timeout and the line of
# counts, within a few seconds; a consumer that reads slowly but steadily,
# or an input that pauses, does not.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# between A B LO HI: LO <= B - A <= HI
between() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" \
	    'BEGIN { d = b - a; exit !(d >= lo && d <= hi) }'
}

seq 1 500000 > "$T/in"

# A consumer stopped for good.
rm -f "$T/b"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > /dev/null &
c=$!
t0=$(now)
bqueue --timeout 1s < "$T/in" > "$T/b" 2> "$T/err" &
q=$!
wait $q
rc=$?
t1=$(now)
is $rc 124 "stopped consumer: exit 124"
between "$t0" "$t1" 0.9 6
ok $? "stopped consumer: after about 1s ($t0 .. $t1)"
like "$(head -n 1 "$T/err")" \
    "^bqueue: --timeout: downstream accepted nothing for 1" \
    "stopped consumer: message names --timeout"
like "$(cat "$T/err")" \
    "records received [0-9]+, delivered [0-9]+, dropped 0, pending [1-9]" \
    "stopped consumer: line of counts with records pending"
wait_until 5 is_stopped $c
kill -CONT "$(cat "$T/cpid")"
wait $c

# A slow but steady consumer, for longer than the timeout.
head -n 300000 "$T/in" > "$T/in2"
t0=$(now)
bqueue --timeout 2s -m 64K < "$T/in2" 2> "$T/err" |
    stallpipe 3 4096 20000 > "$T/out"
diag "slow consumer took from $t0 to $(now)"
cmp -s "$T/in2" "$T/out"
ok $? "slow consumer: all delivered"
is "$(cat "$T/err")" "" "slow consumer: no timeout"

# Waiting for input is not downstream's fault.
{ echo a; sleep 1; echo b; } | {
	bqueue --timeout 300ms > "$T/out" 2> "$T/err"
	echo $? > "$T/rc"
}
is "$(cat "$T/rc")" 0 "pausing input: exit 0"
is "$(cat "$T/out")" "$(printf 'a\nb')" "pausing input: all delivered"

done_testing
