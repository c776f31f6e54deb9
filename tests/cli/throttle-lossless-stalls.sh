#!/bin/sh
# SPDX-License-Identifier: ISC
# Delay mode is lossless: binary data with NUL bytes, empty lines, a long
# line and no final newline pass byte-exact in line, -z and --bytes mode,
# with -r and -B at once, while a bursty producer and consumer
# (stallpipe) and throttle itself are stopped and continued at random.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

mixed_input "$T/in" 131072 300000 65536
want=$(sha "$T/in")

pauses 11 "$T/pauses"

run=0
for mode in "" -z --bytes; do
	run=$((run + 1))
	case $mode in
	--bytes)	rates="-B 400KB/s" ;;
	*)		rates="-r 5k/s -B 400KB/s" ;;
	esac
	stalled $run "$T/pauses" throttle $mode $rates
	is "$rc" 0 "exit 0 (${mode:-lines}, $rates)"
	got=$(sha "$T/out")
	is "$got" "$want" "sha256 of output = input (${mode:-lines})"
	is "$(cat "$T/err")" "" "nothing on stderr (${mode:-lines})"
done

done_testing
