#!/bin/sh
# --start-at 100% must release output once the buffer can take no more,
# even when a partial record keeps the fill just under 100%: otherwise
# input and output both wait for ever.
. "$top_srcdir/tests/lib/tap.sh"

awk 'BEGIN { for (i = 0; i < 40000; i++) printf "%099d\n", i; printf "tail" }' \
    > "$T/in"
# Keep the input open after the data: only a full buffer can release it.
(cat "$T/in"; sleep 2) | timeout 20 bqueue -m 1M --start-at 100% > "$T/out"
is "$?" 0 "no deadlock with a partial record in a full buffer"
cmp -s "$T/in" "$T/out"
ok $? "all data delivered byte-exact"

(cat "$T/in"; sleep 2) | timeout 20 bqueue -m 1M -n 1000 --start-at 100% \
    > "$T/out"
is "$?" 0 "no deadlock at the -n bound"
cmp -s "$T/in" "$T/out"
ok $? "all data delivered byte-exact at the -n bound"
done_testing
