#!/bin/sh
# SPDX-License-Identifier: ISC
# Block mode is lossless under any stall pattern: binary data with NUL
# bytes, empty lines, a 1 MiB line and no final newline pass byte-exact in
# line, -z and --bytes mode, through a tiny and a large buffer, while a
# bursty producer and consumer (stallpipe) are stopped and continued at
# random, and bqueue itself now and then.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# binary, empty lines, NUL records, a 1 MiB line, no final newline
mixed_input "$T/in" 262144 1048576 131072
want=$(sha "$T/in")

pauses 7 "$T/pauses"

run=0
for mode in "" -z --bytes; do
	for mem in 4K 64M; do
		run=$((run + 1))
		stalled $run "$T/pauses" bqueue $mode -m $mem --max-record 4M
		is "$rc" 0 "exit 0 (${mode:-lines}, -m $mem)"
		got=$(sha "$T/out")
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
