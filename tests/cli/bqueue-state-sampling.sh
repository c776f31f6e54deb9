#!/bin/sh
# The buffer fill that drives the state is taken once downstream has
# taken what it will, not just after a read: a buffer no larger than one
# read, in front of a consumer that keeps up, never looks saturated.
. "$top_srcdir/tests/lib/tap.sh"

seq 1 2000000 > "$T/in"
bqueue -m 4K -v < "$T/in" > "$T/out" 2> "$T/err"
is $? 0 "bqueue -m 4K into a file: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "bqueue -m 4K: data intact"
grep -q 'saturated' "$T/err"
ok $((!$?)) "bqueue -m 4K, downstream keeping up: never saturated"

lagwatch -v < "$T/in" > "$T/out" 2> "$T/err"
is $? 0 "lagwatch into a file: exit 0"
grep -q 'saturated' "$T/err"
ok $((!$?)) "lagwatch, downstream keeping up: never saturated"
done_testing
