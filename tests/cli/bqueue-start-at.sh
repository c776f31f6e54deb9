#!/bin/sh
# SPDX-License-Identifier: ISC
# --start-at 50% -m 1M: nothing leaves while less than half of -m has come
# in and input goes on; past half, everything flows; the hold starts again
# when the buffer has run empty; end of input releases it.  Output always
# byte-exact.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

metric_file=$T/st/h.prom
read_all() {
	[ "$(metric pipeflow_records_in_total)" = "$1" ]
}
read_bytes() {
	[ "$(metric pipeflow_bytes_in_total)" = "$1" ]
}
size() {
	wc -c < "$1" | tr -d ' '
}
out_past() {
	[ "$(size "$T/out")" -ge "$1" ]
}
# The output stops growing.
out_settled() {
	_a=$(size "$T/out")
	sleep 0.3
	[ "$_a" = "$(size "$T/out")" ]
}

seq 1 18000 > "$T/p1"			# about 95K: under half of 1M
seq 18001 100000 > "$T/p2"		# about 570K more: past half
seq 100001 110000 > "$T/p3"		# about 70K: under half again
cat "$T/p1" "$T/p2" "$T/p3" > "$T/in"

for mode in "" --bytes; do
	m=${mode:-lines}
	rm -rf "$T/a" "$T/st" "$T/out" "$T/go2" "$T/go3" "$T/end"
	mkfifo "$T/a"
	{
		cat "$T/p1"
		while [ ! -e "$T/go2" ]; do sleep 0.05; done
		cat "$T/p2"
		while [ ! -e "$T/go3" ]; do sleep 0.05; done
		cat "$T/p3"
		while [ ! -e "$T/end" ]; do sleep 0.05; done
	} > "$T/a" &
	p=$!
	PIPEFLOW_STATUS_DIR=$T/st bqueue $mode --start-at 50% -m 1M \
	    --name h --status-interval 50ms -o "$T/out" < "$T/a" &
	q=$!

	if [ -z "$mode" ]; then
		wait_until 10 read_all 18000
		ok $? "$m: the first part read"
	else
		wait_until 10 read_bytes "$(size "$T/p1")"
		ok $? "$m: the first part read"
	fi
	sleep 0.5
	is "$(size "$T/out")" 0 "$m: under half full: nothing delivered"

	# Once past the mark what is held leaves; if the rest of the second
	# part comes in late, the buffer ran empty and it is held anew.
	: > "$T/go2"
	wait_until 10 out_past 524288
	ok $? "$m: past half full: output flows"
	wait_until 10 out_settled
	n12=$(size "$T/out")
	: > "$T/go3"
	if [ -z "$mode" ]; then
		wait_until 10 read_all 110000
	else
		wait_until 10 read_bytes "$(size "$T/in")"
	fi
	ok $? "$m: the third part read"
	sleep 0.5
	is "$(size "$T/out")" "$n12" \
	    "$m: ran empty, then under half full again: held again"

	: > "$T/end"
	wait $p
	wait $q
	is $? 0 "$m: exit 0"
	cmp -s "$T/in" "$T/out"
	ok $? "$m: end of input released the rest, byte-exact"
done

# Input that ends before the mark comes out at once, whole.
printf 'short\nno newline' | bqueue --start-at 90% -m 1M > "$T/out"
is $? 0 "input ends under the mark: exit 0"
is "$(cat "$T/out")" "$(printf 'short\nno newline')" \
    "input ends under the mark: all delivered"

done_testing
