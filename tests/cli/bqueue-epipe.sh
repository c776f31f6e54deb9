#!/bin/sh
# SPDX-License-Identifier: ISC
# When downstream closes the pipe early, bqueue says how many records were
# not delivered, prints its line of counts and dies of SIGPIPE (141), as
# `set -o pipefail' expects; -q keeps it silent but not its status.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 1000000 > "$T/in"

for mode in "" -z --bytes; do
	m=${mode:-lines}
	if [ "$mode" = -z ]; then
		tr '\n' '\0' < "$T/in" > "$T/in-z"
	else
		cp "$T/in" "$T/in-z"
	fi
	{ bqueue $mode < "$T/in-z" 2> "$T/err"; echo $? > "$T/rc"; } |
	    head -c 10 > "$T/out"
	is "$(cat "$T/rc")" 141 "$m: exit 141 (SIGPIPE)"
	like "$(head -n 1 "$T/err")" \
	    "^bqueue: stdout: reader went away: [0-9]+ records .* not delivered" \
	    "$m: says how many records were not delivered"
	like "$(sed -n 2p "$T/err")" "^bqueue: records received [0-9]+, \
delivered [0-9]+, dropped 0, pending [0-9]+" "$m: the line of counts"
	# (counting bqueue's lines only: valgrind may add its own)
	is "$(grep -c '^bqueue:' "$T/err")" 2 "$m: two lines from bqueue"
	head -c 10 "$T/in-z" | cmp -s - "$T/out"
	ok $? "$m: what was read downstream is intact"
done

# The pipeline of the manual.
{ seq 1 1000000 | bqueue 2> "$T/err"; echo $? > "$T/rc"; } | head -n 5 \
    > "$T/out"
is "$(cat "$T/rc")" 141 "seq | bqueue | head -n 5: exit 141"
like "$(cat "$T/err")" "not delivered" "seq | bqueue | head -n 5: reported"
seq 1 5 | cmp -s - "$T/out"
ok $? "seq | bqueue | head -n 5: head got 1 to 5"

{ seq 1 1000000 | bqueue -q 2> "$T/err"; echo $? > "$T/rc"; } | head -n 5 \
    > /dev/null
is "$(cat "$T/rc")" 141 "-q: still exit 141"
is "$(grep -c '^bqueue:' "$T/err")" 0 "-q: nothing from bqueue on stderr"

# With everything read and buffered before the reader leaves, the count
# is exact: all that was received and not written.
metric_file=$T/st/e.prom
{
	PIPEFLOW_STATUS_DIR=$T/st bqueue --name e --status-interval 50ms \
	    < "$T/in" 2> "$T/err"
	echo $? > "$T/rc"
} | {
	i=0
	while [ "$(metric pipeflow_records_in_total)" != 1000000 ] &&
	    [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	head -n 5 > /dev/null
}
is "$(cat "$T/rc")" 141 "all buffered: exit 141"
n=$(sed -n 's/.*reader went away: \([0-9]*\) records.*/\1/p' "$T/err")
set -- $(sed -n 's/.*received \([0-9]*\), delivered \([0-9]*\),.*/\1 \2/p' \
    "$T/err")
is "${1:-}" 1000000 "all buffered: received 1000000"
[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -eq $((1000000 - ${2:-0})) ]
ok $? "all buffered: ${n:-?} not delivered = received - delivered"
[ ! -e "$T/st/e.prom" ]
ok $? "all buffered: status file removed"

done_testing
