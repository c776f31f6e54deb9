#!/bin/sh
# SPDX-License-Identifier: ISC
# Delay mode is lossless: binary data with NUL bytes, empty lines, a long
# line and no final newline pass byte-exact in line, -z and --bytes mode,
# with -r and -B at once, while a bursty producer and consumer
# (stallpipe) and throttle itself are stopped and continued at random.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

{
	head -c 131072 /dev/urandom
	printf '\n\n\n\0\0\0'
	head -c 300000 /dev/zero | tr '\0' x
	printf '\n\0\n\n'
	head -c 65536 /dev/urandom
	printf '\n\n\0no final newline'
} > "$T/in"
want=$(sha256sum < "$T/in" | cut -d' ' -f1)

awk 'BEGIN { srand(11); for (i = 0; i < 400; i++)
	printf "%d %d\n", int(rand() * 3), 2 + int(rand() * 25) }' \
    > "$T/pauses"

run=0
for mode in "" -z --bytes; do
	run=$((run + 1))
	case $mode in
	--bytes)	rates="-B 400KB/s" ;;
	*)		rates="-r 5k/s -B 400KB/s" ;;
	esac
	rm -f "$T/a" "$T/b" "$T/out"
	mkfifo "$T/a" "$T/b"
	stallpipe $run 65536 10000 < "$T/in" > "$T/a" &
	p=$!
	throttle $mode $rates < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	stallpipe $((run + 50)) 16384 10000 < "$T/b" > "$T/out" &
	c=$!
	stopper "$T/pauses" $p $q $c &
	s=$!
	wait $q
	rc=$?
	wait $p $c
	wait $s
	is "$rc" 0 "exit 0 (${mode:-lines}, $rates)"
	got=$(sha256sum < "$T/out" | cut -d' ' -f1)
	is "$got" "$want" "sha256 of output = input (${mode:-lines})"
	is "$(cat "$T/err")" "" "nothing on stderr (${mode:-lines})"
done

done_testing
