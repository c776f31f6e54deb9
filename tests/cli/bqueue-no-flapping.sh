#!/bin/sh
# A small buffer in front of a consumer that reads in bursts is full,
# then empty, many times a second.  The state must not follow every
# burst: it settles on saturated (or leaves it) a handful of times, and
# --on-state runs as often, not hundreds of times.
. "$top_srcdir/tests/lib/tap.sh"

head -c 30000000 /dev/urandom > "$T/in"
bqueue --bytes -m 64K -v --on-state "echo x >> '$T/hook'" < "$T/in" 2> "$T/err" |
    stallpipe 3 100000 100 > "$T/out"
cmp -s "$T/in" "$T/out"
ok $? "data intact"
n=$(grep -c -- '->' "$T/err")
ok $([ "$n" -le 6 ]; echo $?) "at most 6 transitions (saw $n)"
sleep 0.5
h=$(cat "$T/hook" 2>/dev/null | wc -l)
ok $([ "$h" -le 6 ]; echo $?) "--on-state ran at most 6 times (saw $h)"
done_testing
