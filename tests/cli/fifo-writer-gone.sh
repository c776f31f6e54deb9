#!/bin/sh
# SPDX-License-Identifier: ISC
# Standard input a FIFO whose writer came and went before the stage first
# read it (`grep nomatch log > p & stage < p`): the stage reopens its
# input to own its flags, and such a FIFO never polls as hung up, so the
# end of input is found by reading.  Every stage must end at once, exit 0
# and write nothing; and with data written first, pass it on whole.
. "$top_srcdir/tests/lib/tap.sh"

for tool in bqueue lagwatch spill; do
	rm -f "$T/f"
	mkfifo "$T/f"
	( : > "$T/f" ) &
	timeout 10 $tool -q < "$T/f" > "$T/out" 2> "$T/err"
	rc=$?
	wait
	is "$rc" 0 "$tool: empty FIFO, writer gone: exit 0 at once"
	is "$(wc -c < "$T/out")" 0 "$tool: nothing written"

	rm -f "$T/f"
	mkfifo "$T/f"
	( seq 1 1000 > "$T/f" ) &
	sleep 0.2	# the writer is done before the stage opens it
	timeout 10 $tool -q < "$T/f" > "$T/out" 2> "$T/err"
	rc=$?
	wait
	is "$rc" 0 "$tool: FIFO written and closed: exit 0"
	is "$(cksum < "$T/out")" "$(seq 1 1000 | cksum)" "$tool: all of it"
done

done_testing
