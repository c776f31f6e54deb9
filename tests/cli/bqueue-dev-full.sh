#!/bin/sh
# SPDX-License-Identifier: ISC
# Writing to /dev/full fails at once: exit 1, "No space left on device",
# the line of counts, in line, -z and --bytes mode, from a file and from a
# pipe, to standard output and to -o.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -w /dev/full ] || skip_all "no /dev/full"
[ -r /proc/self/stat ] || skip_all "needs /proc"

seq 1 100000 > "$T/in"
cp "$T/in" "$T/in--bytes"
tr '\n' '\0' < "$T/in" > "$T/in-z"
within() {
	# within START SECONDS: now - START < SECONDS
	awk -v s="$1" -v e="$(now)" -v l="$2" 'BEGIN { exit !(e - s < l) }'
}

for mode in "" -z --bytes; do
	m=${mode:-lines}
	t0=$(now)
	bqueue $mode < "$T/in$mode" > /dev/full 2> "$T/err"
	rc=$?
	within "$t0" 2
	ok $? "$m, file to /dev/full: prompt"
	is $rc 1 "$m, file to /dev/full: exit 1"
	like "$(cat "$T/err")" "^bqueue: .*stdout: No space left on device" \
	    "$m, file to /dev/full: No space left on device"
	like "$(cat "$T/err")" "records received [0-9]+, delivered 0," \
	    "$m, file to /dev/full: line of counts, nothing delivered"

	# The input stays open (fd 3 here) while bqueue should be gone.
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	bqueue $mode < "$T/fifo" > /dev/full 2> "$T/err" &
	q=$!
	exec 3> "$T/fifo"
	cat "$T/in$mode" >&3 2>/dev/null
	i=0
	while alive $q && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	! alive $q
	ok $? "$m, pipe to /dev/full: exits before its input ends"
	exec 3>&-
	wait $q
	is $? 1 "$m, pipe to /dev/full: exit 1"
	like "$(cat "$T/err")" "No space left on device" \
	    "$m, pipe to /dev/full: No space left on device"
done

printf 'one line\n' | bqueue -o /dev/full 2> "$T/err"
is $? 1 "-o /dev/full: exit 1"
like "$(cat "$T/err")" "/dev/full: No space left on device" \
    "-o /dev/full: message names the file"

done_testing
