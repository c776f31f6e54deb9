#!/bin/sh
# In --bytes mode a record is a chunk as read.  Writes do not follow the
# reads' bounds, yet at the end records out must equal records in, and
# the exit line's pending count must never wrap around.
. "$top_srcdir/tests/lib/tap.sh"

head -c 20000000 /dev/urandom > "$T/in"
stallpipe 5 2000 0 < "$T/in" | bqueue --bytes -m 1M -v 2> "$T/err" |
    sh -c 'sleep 1; exec stallpipe 6 1000000 100' > "$T/out"
cmp -s "$T/in" "$T/out"
ok $? "data intact"
line=$(grep 'done:' "$T/err")
rin=$(printf '%s\n' "$line" | sed -n 's/.*done: \([0-9]*\) records in.*/\1/p')
rout=$(printf '%s\n' "$line" | sed -n 's/.* \([0-9]*\) out,.*/\1/p')
ok $([ -n "$rin" ] && [ "$rin" -gt 0 ]; echo $?) "chunks counted in ($rin)"
is "$rout" "$rin" "records out = records in"

# Cut short by the reader: the pending count stays sane.
head -c 20000000 /dev/urandom | bqueue --bytes -m 64K 2> "$T/err2" |
    head -c 1000000 > /dev/null
p=$(sed -n 's/.*pending \([0-9]*\).*/\1/p' "$T/err2")
ok $([ -n "$p" ] && [ "$p" -lt 1000000 ]; echo $?) "pending count is sane ($p)"
done_testing
