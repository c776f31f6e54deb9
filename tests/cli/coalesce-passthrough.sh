#!/bin/sh
# SPDX-License-Identifier: ISC
# While downstream keeps up, records pass untouched and in order, however
# often keys repeat: the output's checksum is the input's and nothing is
# coalesced.  Lines, -z records, empty input, a last record without a
# newline, binary bytes; and from a file straight into a fast reader.
. "$top_srcdir/tests/lib/tap.sh"

# 200000 records over 10 keys: held, most would be collapsed.
awk 'BEGIN { srand(5); for (i = 1; i <= 200000; i++)
	printf "%d k%d %s\n", i, int(rand() * 10), "payload-payload" }' \
    > "$T/in"
want=$(cksum < "$T/in")

got=$(stallpipe 1 8192 2000 < "$T/in" | coalesce -k 2 -v 2> "$T/err" |
    cksum)
is "$got" "$want" "bursty producer: output = input"
like "$(tail -n 1 "$T/err")" "200000 records in, 200000 out, 0 dropped, 0 buffered" \
    "bursty producer: -v says nothing was coalesced"

coalesce -k 2 < "$T/in" | cat > "$T/out"
is "$(cksum < "$T/out")" "$want" "from a file into a fast reader: output = input"

tr '\n' '\0' < "$T/in" > "$T/in0"
got=$(stallpipe 2 8192 2000 < "$T/in0" | coalesce -z -k 2 | cksum)
is "$got" "$(cksum < "$T/in0")" "-z: output = input"

: > "$T/empty"
got=$(coalesce -k 1 < "$T/empty" | wc -c | tr -d ' ')
is "$got" 0 "empty input: empty output"

{ head -c 100000 /dev/urandom; printf '\n\nlast k1 no newline'; } > "$T/bin"
got=$(coalesce -k 2 < "$T/bin" | cksum)
is "$got" "$(cksum < "$T/bin")" "binary bytes, empty lines, no final newline: byte-exact"

# A file operand and -o.
coalesce -k 2 -o "$T/out2" "$T/in"
is "$(cksum < "$T/out2")" "$want" "FILE operand and -o FILE: output = input"

done_testing
