#!/bin/sh
# SPDX-License-Identifier: ISC
# drop-newest and drop-oldest with a stopped consumer: every record is
# either delivered or dropped (out + dropped = in, in the summary and the
# status file), the dead-letter file holds exactly the dropped records,
# drop-newest keeps the first records and drop-oldest the latest, drops are
# announced without -v, and --fail-on-drop exits 4.  Drops are deferred
# (lib/queue.c): a read that finds the buffer full but nothing waiting
# drops nothing, its records wait; the next read drops if they still do.
# So the records of the last read may still wait when input ends, and are
# then delivered, not dropped.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

metric_file=$T/st/d.prom
# All of the first part was read, and the output pipe is full: nothing
# more can leave until the consumer goes on.
phase1_done() {
	[ "$(metric pipeflow_records_in_total)" = "$p1" ] &&
	    [ "$(metric pipeflow_buffer_bytes)" -gt 0 ] 2>/dev/null &&
	    awk -v f="$(metric pipeflow_output_pipe_fill_ratio)" \
	    'BEGIN { exit !(f >= 0.99) }'
}
phase2_done() {
	[ "$(metric pipeflow_records_in_total)" = "$n" ]
}

# Nothing is dropped before the output pipe is full and records wait
# behind a full buffer.  The first part overfills pipe and buffer; the
# second alone is more than the buffer and the records of one read waiting
# behind it hold.  A read brings at most 1 MiB, so at most 1048576 / 7 + 1
# records of the second part (7 bytes each) wait at a time.
p1=400000
n=800000
seq 1 $p1 > "$T/p1"
seq $((p1 + 1)) $n > "$T/p2"
cat "$T/p1" "$T/p2" > "$T/in"

for pol in drop-newest drop-oldest; do
	rm -rf "$T/a" "$T/b" "$T/st" "$T/cpid" "$T/out" "$T/dl" "$T/go"
	mkfifo "$T/a" "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	# The second part comes once the first has filled everything.
	{
		cat "$T/p1"
		while [ ! -e "$T/go" ]; do sleep 0.05; done
		cat "$T/p2"
	} > "$T/a" &
	p=$!
	PIPEFLOW_STATUS_DIR=$T/st bqueue -v -m 1M --on-full $pol \
	    --dead-letter "$T/dl" --name d --status-interval 50ms \
	    < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	wait_until 10 is_stopped $c
	ok $? "$pol: consumer stopped"
	wait_until 20 phase1_done
	ok $? "$pol: first $p1 records read, output pipe full"
	: > "$T/go"
	wait_until 20 phase2_done
	ok $? "$pol: all $n records read"
	cp "$T/st/d.prom" "$T/snap"
	in=$(metric pipeflow_records_in_total "$T/snap")
	out=$(metric pipeflow_records_out_total "$T/snap")
	buf=$(metric pipeflow_buffer_records "$T/snap")
	drop=$(sed -n "s/^pipeflow_records_dropped_total{.*} //p" \
	    "$T/snap" | awk '{ s += $1 } END { print s + 0 }')
	# Buffered counts the admitted records, not those waiting.
	wait=$((in - out - drop - buf))
	[ "$wait" -ge 0 ] && [ "$wait" -le $((1048576 / 7 + 1)) ]
	m="in $in = out $out + dropped $drop + buffered $buf + $wait waiting"
	ok $? "$pol: status: $m (at most one read)"
	# Input has ended: no more drops, and all of them are kept.
	is "$(wc -l < "$T/dl" | tr -d ' ')" "$drop" \
	    "$pol: dead-letter holds the $drop records counted dropped so far"

	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$pol: exit 0"
	wait $p $c

	# "bqueue d: done: N records in, N out, N dropped, ..."
	sum=$(awk '$1 == "bqueue" && $2 == "d:" && $3 == "done:" {
	    print $4, $7, $9 }' "$T/err")
	set -- $sum
	is "${1:-}" "$n" "$pol: summary: $n records in"
	[ $# -eq 3 ] && [ $(($2 + $3)) -eq "$n" ] && [ "$3" -gt 0 ]
	ok $? "$pol: summary: out ${2:-?} + dropped ${3:-?} = in"
	is "$(wc -l < "$T/out" | tr -d ' ')" "${2:-}" \
	    "$pol: output holds the records counted out"
	is "$(wc -l < "$T/dl" | tr -d ' ')" "${3:-}" \
	    "$pol: dead-letter holds the records counted dropped"
	sort -n "$T/out" "$T/dl" | cmp -s - "$T/in"
	ok $? "$pol: output + dead-letter = input, no record lost or doubled"
	sort -n "$T/out" | cmp -s - "$T/out"
	ok $? "$pol: output in order"
	like "$(cat "$T/err")" "dropped ${3:-x} records" \
	    "$pol: the drops are announced"

	if [ $pol = drop-newest ]; then
		# Records from where the buffer filled on are all 7 bytes: once
		# one did not fit none after it did, so what came out is a
		# prefix of the input, and then the last records, those that
		# still waited when input ended.
		k1=$(awk '$1 != NR { exit } { k = NR } END { print k + 0 }' \
		    "$T/out")
		k2=$((${2:-0} - k1))
		{
			seq 1 $k1
			[ $k2 -gt 0 ] && seq $((n - k2 + 1)) $n
		} | cmp -s - "$T/out"
		ok $? "$pol: delivered: the first $k1, then the last $k2"
		[ $k1 -lt $p1 ] && [ $k2 -le $((1048576 / 7 + 1)) ]
		m="the first from before the buffer filled, the last"
		ok $? "$pol: $m at most one read"
		is "$(awk -v p=$p1 '$1 > p' "$T/out" | wc -l | tr -d ' ')" $k2 \
		    "$pol: no newer record delivered but the last $k2"
	else
		is "$(tail -n 1 "$T/out")" $n "$pol: the latest record delivered"
		# The newer records delivered are the last k of them.
		awk -v p=$p1 '$1 > p' "$T/out" > "$T/late"
		k=$(wc -l < "$T/late" | tr -d ' ')
		[ "$k" -gt 0 ] && seq $((n - k + 1)) $n | cmp -s - "$T/late"
		ok $? "$pol: the newer records delivered are the latest ($k)"
		grep -qx $((p1 + 1)) "$T/dl"
		ok $? "$pol: the oldest of the newer records dropped"
	fi
done

# A downstream that keeps up (a regular file) sees no drops, however much
# more than -m one read could bring.
seq 1 1000000 > "$T/big"
for pol in drop-newest drop-oldest fail; do
	bqueue -m 4K --on-full $pol --fail-on-drop < "$T/big" > "$T/out" \
	    2> "$T/err"
	is $? 0 "$pol, downstream keeping up (file): exit 0"
	cmp -s "$T/big" "$T/out"
	ok $? "$pol, downstream keeping up (file): nothing dropped"
	is "$(cat "$T/err")" "" "$pol, downstream keeping up (file): silent"
done

# Without -v, drops are still announced; --fail-on-drop makes them exit 4.
# The consumer reads only once bqueue has read all of its input.
all_read() {
	[ "$(metric pipeflow_records_in_total)" = 1000000 ]
}
late_reader() {
	wait_until 30 all_read
	cat > /dev/null
}
rm -rf "$T/st"
PIPEFLOW_STATUS_DIR=$T/st bqueue -m 4K --on-full drop-newest --name d \
    --status-interval 50ms < "$T/big" 2> "$T/err" | late_reader
like "$(cat "$T/err")" "dropped [1-9][0-9]* records" \
    "drops announced on stderr without -v"
{
	PIPEFLOW_STATUS_DIR=$T/st bqueue -m 4K --on-full drop-oldest \
	    --fail-on-drop --name d --status-interval 50ms < "$T/big" \
	    2> "$T/err"
	echo $? > "$T/rc"
} | late_reader
is "$(cat "$T/rc")" 4 "--fail-on-drop: exit 4"
like "$(cat "$T/err")" "dropped [1-9][0-9]* records" \
    "--fail-on-drop: drops announced"
like "$(cat "$T/err")" \
    "records received 1000000, delivered [0-9]+, dropped [1-9]" \
    "--fail-on-drop: the line of counts"

done_testing
