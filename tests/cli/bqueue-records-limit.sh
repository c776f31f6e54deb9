#!/bin/sh
# SPDX-License-Identifier: ISC
# -n COUNT bounds the records held, whatever their size: with the consumer
# stopped the status file never shows more than COUNT buffered and the
# pressure is the record fill; once the consumer goes on all arrive intact.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

metric_file=$T/st/n.prom
# The buffer is full by -n and the producer held back: records in stays
# the same for a while.
settled() {
	_a=$(metric pipeflow_records_in_total)
	sleep 0.3
	_b=$(metric pipeflow_records_in_total)
	[ -n "$_a" ] && [ "$_a" = "$_b" ] &&
	    [ "$(metric pipeflow_pressure)" = 1 ]
}

seq 1 400000 > "$T/in"
tr '\n' '\0' < "$T/in" > "$T/in-z"

for mode in "" -z; do
	m=${mode:-lines}
	rm -rf "$T/b" "$T/st" "$T/cpid" "$T/out"
	mkfifo "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	cat "$T/in$mode" |
	    PIPEFLOW_STATUS_DIR=$T/st bqueue $mode -n 10 --name n \
	    --status-interval 50ms > "$T/b" &
	q=$!
	wait_until 10 is_stopped $c
	ok $? "$m: consumer stopped"
	wait_until 15 settled
	ok $? "$m: producer held back, pressure 1 (from -n)"
	recs=$(metric pipeflow_buffer_records)
	[ "$recs" -ge 1 ] && [ "$recs" -le 10 ]
	ok $? "$m: $recs records buffered, at most 10"
	grep -q '^pipeflow_state{.*state="saturated"} 1$' "$T/st/n.prom"
	ok $? "$m: state saturated"
	bytes=$(metric pipeflow_buffer_bytes)
	[ "$bytes" -le 70 ]
	ok $? "$m: $bytes bytes buffered, ten records' worth at most"
	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$m: exit 0"
	wait $c
	cmp -s "$T/in$mode" "$T/out"
	ok $? "$m: all data delivered intact"
done

done_testing
