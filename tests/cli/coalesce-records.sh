#!/bin/sh
# SPDX-License-Identifier: ISC
# The record rules with records held: the output ends as the input did
# (no final terminator if the input had none, whichever record comes
# last); a record longer than --max-record is exit 3 naming it, after
# every earlier record, held ones included, was delivered.
. "$top_srcdir/tests/lib/tap.sh"

printf 'a 1\nb 1\na 2' | coalesce -k 1 --window 1h > "$T/out"
printf 'a 2\nb 1' | cmp -s - "$T/out"
ok $? "no final newline, its key held earlier: delivered there, the output ends without one"
printf 'a 1\nb 1\nc 2' | coalesce -k 1 --window 1h > "$T/out"
printf 'a 1\nb 1\nc 2' | cmp -s - "$T/out"
ok $? "no final newline, a new key: byte-exact"
printf 'a 1\0b 1\0a 2' | coalesce -z -k 1 --window 1h > "$T/out"
printf 'a 2\0b 1' | cmp -s - "$T/out"
ok $? "-z, no final NUL: the output ends without one"

printf 'a 1\nb 1\na 2\nlongrecord\nz 9\n' |
    coalesce -k 1 --window 1h --max-record 3 > "$T/out" 2> "$T/err"
is "$?" 3 "a record over --max-record: exit 3"
printf 'a 2\nb 1\n' | cmp -s - "$T/out"
ok $? "too long: every record before it delivered, the held ones too"
like "$(head -n 1 "$T/err")" "record 4: longer than --max-record" \
    "too long: the message names record 4"
like "$(tail -n 1 "$T/err")" \
    "records received 3, delivered 2, dropped 0, coalesced 1, pending 0" \
    "too long: the line of counts adds up"

done_testing
