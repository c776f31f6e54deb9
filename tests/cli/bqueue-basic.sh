#!/bin/sh
# bqueue passes records through unchanged: lines, NUL records, bytes, an
# unterminated last record and empty input, all byte-exact.
. "$top_srcdir/tests/lib/tap.sh"

printf 'a\nbb\n\nccc' > "$T/in"
for mode in "" -z --bytes; do
	bqueue $mode < "$T/in" > "$T/out"
	ok $? "exit 0 ($mode)"
	cmp -s "$T/in" "$T/out"
	ok $? "unterminated last record kept byte-exact ($mode)"
done

: > "$T/empty"
bqueue < "$T/empty" > "$T/out"
ok $? "empty input: exit 0"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "empty input: empty output"

bqueue "$T/in" > "$T/out"
cmp -s "$T/in" "$T/out"
ok $? "FILE operand read"

bqueue -o "$T/o2" < "$T/in"
cmp -s "$T/in" "$T/o2"
ok $? "-o FILE written"

printf 'x\0y\0' | bqueue -z | od -An -c | tr -s ' ' > "$T/od"
is "$(cat "$T/od")" " x \\0 y \\0" "NUL records pass"

done_testing
