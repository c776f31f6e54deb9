#!/bin/sh
# SPDX-License-Identifier: ISC
# A consumer that takes half of what comes in, steadily, with a producer
# that does not wait: throttle paces both sides (-B 4MB/s in, 2MB/s out)
# for 4 seconds.
# About half is shed, and by priority: 0 to 3 arrive complete (the
# priorities are even, so shedding 5 to 9 would be enough), priority 0
# is never shed, delivered records keep their order, and received =
# delivered + dropped.
. "$top_srcdir/tests/lib/tap.sh"

awk 'BEGIN { srand(7); for (n = 0; n < 160000; n++)
	printf "%d %07d %s\n", int(rand() * 10), n,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz0123" }' \
    > "$T/in"			# 160000 records, 16 MB
throttle -B 4MB/s "$T/in" | shed -v -p 1 --buffer 1M 2> "$T/err" |
    throttle -B 2MB/s > "$T/out"
for p in 0 1 2 3; do
	is "$(grep -c "^$p " "$T/out")" "$(grep -c "^$p " "$T/in")" \
	    "priority $p arrives complete"
done
shed=$(sed -n 's/^shed: dropped \([0-9]*\) records.*/\1/p' "$T/err")
# Half of what comes in for 4s, less what the buffers hold at the end.
diag "shed $shed of 160000"
[ -n "$shed" ] && [ "$shed" -gt 40000 ] && [ "$shed" -lt 80000 ]
ok $? "between a quarter and half is shed ($shed)"
is "$(wc -l < "$T/out")" $((160000 - ${shed:-0})) "delivered + shed = received"
awk 'NR > 1 && $2 + 0 <= last { bad++ } { last = $2 + 0 } END { exit bad > 0 }' "$T/out"
ok $? "delivered records keep their order"
like "$(cat "$T/err")" "shed by full: $shed p[4-9]=" "all shed by full, none of 0 to 3"

done_testing
