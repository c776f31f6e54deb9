#!/bin/sh
# SPDX-License-Identifier: ISC
# When downstream closes the pipe early, lagwatch says how many records
# were not delivered, prints its line of counts and dies of SIGPIPE (141)
# as `set -o pipefail' expects, whichever way its records pass: tee and
# splice between two pipes, or read and write when its input is a file;
# what downstream did read is intact.
. "$top_srcdir/tests/lib/tap.sh"

seq 1 1000000 > "$T/in"
tr '\n' '\0' < "$T/in" > "$T/in-z"

for mode in "" -z --bytes; do
	m=${mode:-lines}
	f=$T/in
	[ "$mode" = -z ] && f=$T/in-z
	for how in pipe file; do
		if [ $how = pipe ]; then
			{ cat "$f" | lagwatch $mode 2> "$T/err"
			    echo $? > "$T/rc"; } | head -c 10 > "$T/out"
		else
			{ lagwatch $mode "$f" 2> "$T/err"
			    echo $? > "$T/rc"; } | head -c 10 > "$T/out"
		fi
		is "$(cat "$T/rc")" 141 "$m, $how: exit 141 (SIGPIPE)"
		went='^lagwatch: stdout: reader went away: [0-9]+ records'
		like "$(grep 'reader went away' "$T/err" | head -n 1)" \
		    "$went \(.*\) not delivered" \
		    "$m, $how: says how many records were not delivered"
		like "$(grep '^lagwatch: records' "$T/err")" \
		    "^lagwatch: records received [0-9]+, delivered [0-9]+, \
dropped 0, pending [0-9]+$" "$m, $how: the line of counts"
		head -c 10 "$f" | cmp -s - "$T/out"
		ok $? "$m, $how: what downstream read is intact"
	done
done

# The pipeline of the manual, quiet: the status without the words.
{ seq 1 1000000 | lagwatch -q 2> "$T/err"; echo $? > "$T/rc"; } |
    head -n 5 > "$T/out"
is "$(cat "$T/rc")" 141 "seq | lagwatch -q | head -n 5: exit 141"
is "$(grep -c '^lagwatch' "$T/err")" 0 "-q: nothing from lagwatch on stderr"
seq 1 5 | cmp -s - "$T/out"
ok $? "seq | lagwatch -q | head -n 5: head got 1 to 5"

done_testing
