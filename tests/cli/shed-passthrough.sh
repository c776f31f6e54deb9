#!/bin/sh
# SPDX-License-Identifier: ISC
# While the consumer keeps up, shed drops nothing and keeps the order: a
# stream ten times --buffer, with every priority, passes byte-exact into
# a file, through cat and through a bursty reader (stallpipe), in line
# and -z mode; empty records, a record larger than the buffer and a last
# record without terminator included.
. "$top_srcdir/tests/lib/tap.sh"

awk 'BEGIN { srand(3); for (i = 0; i < 40000; i++) {
	printf "%d rec %d %s\n", int(rand() * 10), i, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, int(rand() * 48))
	if (i % 997 == 0) printf "\n"
} }' > "$T/in"
head -c 300000 /dev/zero | tr '\0' y >> "$T/in"
printf '\n9 no final newline' >> "$T/in"
tr '\n' '\0' < "$T/in" > "$T/inz"
want=$(cksum < "$T/in")
wantz=$(cksum < "$T/inz")

shed -p 1 --buffer 256K "$T/in" > "$T/out" 2> "$T/err"
is "$?" 0 "into a file: exit 0"
is "$(cksum < "$T/out")" "$want" "into a file: output = input"
is "$(cat "$T/err")" "" "into a file: nothing on stderr"

for i in 1 2 3; do
	shed -p 1 --buffer 256K < "$T/in" 2> "$T/err" | cat > "$T/out"
	is "$(cksum < "$T/out")" "$want" "through cat ($i): output = input"
	is "$(cat "$T/err")" "" "through cat ($i): nothing on stderr"
done

stallpipe 5 65536 2000 < "$T/in" | shed -p 1 --buffer 256K 2> "$T/err" |
    stallpipe 6 65536 1000 > "$T/out"
is "$(cksum < "$T/out")" "$want" "bursty neighbours: output = input"
is "$(cat "$T/err")" "" "bursty neighbours: nothing on stderr"

shed -z -p 1 --buffer 256K < "$T/inz" 2> "$T/err" | cat > "$T/out"
is "$(cksum < "$T/out")" "$wantz" "-z through cat: output = input"
is "$(cat "$T/err")" "" "-z through cat: nothing on stderr"

: > "$T/empty"
shed < "$T/empty" > "$T/out"
is "$?:$(wc -c < "$T/out" | tr -d ' ')" "0:0" "empty input: exit 0, no output"

done_testing
