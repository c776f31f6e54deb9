#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch passes its input through byte for byte in every framing (lines,
# -z, --bytes), with a bursty neighbour on either side: binary data with
# NULs and CRs, a long line, lines no longer than their newline, and no
# final terminator.  Standard output carries the data and nothing else:
# the reports go to standard error, or to the --log file.
. "$top_srcdir/tests/lib/tap.sh"

sum() {
	if command -v sha256sum > /dev/null 2>&1; then
		sha256sum < "$1" | cut -d' ' -f1
	else
		cksum < "$1"
	fi
}

# Binary data (NULs, newlines, CRs, invalid UTF-8), a 300K line with no
# NUL in it, empty lines and records, and no final terminator.
{
	head -c 1048576 /dev/urandom
	head -c 307200 /dev/zero | tr '\0' a
	printf '\n\n\0\0\r\n'
	head -c 200000 /dev/urandom
	seq 1 50000
	printf 'no terminator'
} > "$T/in"
want=$(sum "$T/in")
size=$(wc -c < "$T/in" | tr -d ' ')

seed=1
for mode in "" -z --bytes; do
	m=${mode:-lines}
	for fmt in text json; do
		seed=$((seed + 1))
		stallpipe $seed 65536 3000 < "$T/in" |
		    lagwatch $mode -v -i 20ms --format $fmt 2> "$T/err" |
		    stallpipe $((seed + 100)) 65536 3000 > "$T/out"
		is "$(sum "$T/out")" "$want" \
		    "$m, reports in $fmt: byte-exact under stalls"
		[ -s "$T/err" ]
		ok $? "$m, reports in $fmt: the reports went to stderr"
		if [ $fmt = json ]; then
			grep -q "\"final\":true,.*\"bytes_out\":$size," \
			    "$T/err"
			ok $? "$m: the final report counts every byte ($size)"
		fi
	done

	# With --log, the reports go there and stderr stays empty.
	rm -f "$T/log"
	seed=$((seed + 1))
	stallpipe $seed 4096 2000 < "$T/in" |
	    lagwatch $mode -i 20ms --log "$T/log" 2> "$T/err" |
	    stallpipe $((seed + 100)) 4096 2000 > "$T/out"
	is "$(sum "$T/out")" "$want" "$m, --log: byte-exact under stalls"
	is "$(wc -c < "$T/err" | tr -d ' ')" 0 "$m, --log: nothing on stderr"
	grep -q 'lagwatch: done: ' "$T/log"
	ok $? "$m, --log: the final report in the log"

	# -o FILE, from a FILE operand.
	lagwatch $mode -q -o "$T/out" "$T/in" > "$T/stdout" 2> "$T/err"
	is $? 0 "$m, -o FILE: exit 0"
	is "$(sum "$T/out")" "$want" "$m, -o FILE: byte-exact"
	is "$(wc -c < "$T/stdout" | tr -d ' ')" 0 "$m, -o FILE: stdout empty"
done

# Empty input: empty output, exit 0.
for mode in "" -z --bytes; do
	lagwatch $mode -q < /dev/null > "$T/out"
	is "$?:$(wc -c < "$T/out" | tr -d ' ')" 0:0 \
	    "${mode:-lines}: empty input, empty output"
done

# Many small records in one stream, each mode: counted one by one.
seq 1 100000 | lagwatch --format json 2> "$T/err" > "$T/out"
grep -q '"final":true,.*"records_in":100000,"records_out":100000,' "$T/err"
ok $? "lines: 100000 records in and out"
seq 1 100000 | cmp -s - "$T/out"
ok $? "lines: intact"
seq 1 100000 | tr '\n' '\0' | lagwatch -z --format json 2> "$T/err" |
    tr '\0' '\n' > "$T/out"
grep -q '"final":true,.*"records_in":100000,"records_out":100000,' "$T/err"
ok $? "-z: 100000 records in and out"
seq 1 100000 | cmp -s - "$T/out"
ok $? "-z: intact"

done_testing
