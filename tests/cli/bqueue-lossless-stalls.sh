#!/bin/sh
# SPDX-License-Identifier: ISC
# Block mode is lossless under any stall pattern: binary data with NUL
# bytes, empty lines, a 1 MiB line and no final newline pass byte-exact in
# line, -z and --bytes mode, through a tiny and a large buffer, while a
# bursty producer and consumer (stallpipe) are stopped and continued at
# random, and bqueue itself now and then.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# binary, empty lines, NUL records, a 1 MiB line, no final newline
{
	head -c 262144 /dev/urandom
	printf '\n\n\n\0\0\0'
	head -c 1048576 /dev/zero | tr '\0' x
	printf '\n\0\n\n'
	head -c 131072 /dev/urandom
	printf '\n\n\0no final newline'
} > "$T/in"
want=$(sha256sum < "$T/in" | cut -d' ' -f1)

# A list of pauses in milliseconds, decided up front (awk's rand()).
awk 'BEGIN { srand(7); for (i = 0; i < 400; i++)
	printf "%d %d\n", int(rand() * 3), 2 + int(rand() * 25) }' \
    > "$T/pauses"

run=0
for mode in "" -z --bytes; do
	for mem in 4K 64M; do
		run=$((run + 1))
		rm -f "$T/a" "$T/b" "$T/out"
		mkfifo "$T/a" "$T/b"
		stallpipe $run 65536 10000 < "$T/in" > "$T/a" &
		p=$!
		bqueue $mode -m $mem --max-record 4M < "$T/a" > "$T/b" \
		    2> "$T/err" &
		q=$!
		stallpipe $((run + 50)) 16384 10000 < "$T/b" > "$T/out" &
		c=$!
		stopper "$T/pauses" $p $q $c &
		s=$!
		wait $q
		rc=$?
		wait $p $c
		wait $s
		is "$rc" 0 "exit 0 (${mode:-lines}, -m $mem)"
		got=$(sha256sum < "$T/out" | cut -d' ' -f1)
		is "$got" "$want" "sha256 of output = input (${mode:-lines}, -m $mem)"
		is "$(cat "$T/err")" "" "nothing on stderr (${mode:-lines}, -m $mem)"
	done
done

# Direct pipes too (splice in --bytes mode), with bursty neighbours only.
for mode in "" -z --bytes; do
	got=$(stallpipe 11 8192 2000 < "$T/in" |
	    bqueue $mode -m 4K --max-record 4M |
	    stallpipe 12 4096 2000 | sha256sum | cut -d' ' -f1)
	is "$got" "$want" "sha256 through pipes (${mode:-lines}, -m 4K)"
done

done_testing
