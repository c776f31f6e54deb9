#!/bin/sh
# SPDX-License-Identifier: ISC
# --dead-letter keeps every dropped record, plain or, for a name ending in
# .zst, zstd-compressed; runs append, and spill --drain gives back what
# all of them kept: with the output, exactly the input.  A dead-letter
# file that cannot be written ends the run (exit 1, the file named), as
# dropped records would otherwise go without trace.
. "$top_srcdir/tests/lib/tap.sh"

seq 1 2000000 > "$T/in"
for name in dl dl.zst; do
	rm -f "$T/$name" "$T/out"*
	for run in 1 2; do
		bqueue -n 10 --on-full drop-oldest --dead-letter "$T/$name" \
		    < "$T/in" 2> "$T/err" | { sleep 0.3; cat > "$T/out$run"; }
		like "$(cat "$T/err")" "dropped [0-9]+ records.*kept in" \
		    "$name, run $run: drops said, and where they are kept"
	done
	spill --drain "$T/$name" > "$T/kept"
	is $? 0 "$name: spill --drain reads it"
	cat "$T/in" "$T/in" | sort -n > "$T/both"
	cat "$T/out1" "$T/out2" "$T/kept" | sort -n | cmp -s - "$T/both"
	ok $? "$name: output and dead letters of two runs = the input twice"
	if [ $name = dl.zst ]; then
		od -An -tx1 -N4 "$T/$name" | tr -d ' \n' > "$T/magic"
		is "$(cat "$T/magic")" 28b52ffd "$name: a zstd file"
		if command -v zstd > /dev/null 2>&1; then
			zstd -q -dc "$T/$name" | cmp -s - "$T/kept"
			ok $? "$name: zstd -dc reads the same"
		else
			_tap_n=$((_tap_n + 1))
			echo "ok $_tap_n # SKIP zstd is not installed"
		fi
	else
		is "$(od -An -c -N1 "$T/$name" | tr -d ' ')" 1 \
		    "$name: plain text"
	fi
done

if [ -w /dev/full ]; then
	bqueue -n 10 --on-full drop-newest --dead-letter /dev/full \
	    < "$T/in" 2> "$T/err" | { sleep 0.3; cat > /dev/null; }
	like "$(head -n 1 "$T/err")" \
	    "dead-letter file: /dev/full: No space left on device" \
	    "dead-letter write fails: the file and the error named"
	like "$(cat "$T/err")" "records received [0-9]+, delivered" \
	    "dead-letter write fails: the line of counts"
	( bqueue -n 10 --on-full drop-newest --dead-letter /dev/full \
	    < "$T/in" 2> /dev/null; echo $? > "$T/rc" ) |
	    { sleep 0.3; cat > /dev/null; }
	is "$(cat "$T/rc")" 1 "dead-letter write fails: exit 1"
else
	for i in 1 2 3; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP no writable /dev/full"
	done
fi

done_testing
