#!/bin/sh
# SPDX-License-Identifier: ISC
# With the consumer stopped, --on-full block holds upstream back: the
# producer gets no further than -m plus the pipe buffers, the buffer never
# holds more than its capacity, and bqueue, blocked, uses no CPU.  When the
# consumer goes on, everything arrives intact.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

metric_file=$T/st/bb.prom
cputicks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
# The file tee writes stops growing: the producer is held back.
src_settled() {
	_a=$(wc -c < "$T/src")
	sleep 0.5
	_b=$(wc -c < "$T/src")
	[ "$_a" -gt 0 ] && [ "$_a" = "$_b" ]
}

pipemax=$(cat /proc/sys/fs/pipe-max-size 2>/dev/null || echo 1048576)
seq 1 3000000 > "$T/in"
total=$(wc -c < "$T/in")
mem=262144
maxrec=65536
# Memory stays within about -m plus --max-record (room to find the end of
# a long record); besides, the producer may fill the pipe into bqueue and
# bqueue the one out of it, each up to pipe-max-size; tee holds a buffer.
bound=$((mem + maxrec + 2 * pipemax + 262144))

for mode in "" --bytes; do
	m=${mode:-lines}
	rm -rf "$T/b" "$T/st" "$T/cpid" "$T/out" "$T/src"
	mkfifo "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	tee "$T/src" < "$T/in" |
	    PIPEFLOW_STATUS_DIR=$T/st bqueue $mode -m $mem \
	    --max-record $maxrec --name bb > "$T/b" &
	q=$!
	wait_until 10 is_stopped $c
	ok $? "consumer stopped ($m)"
	wait_until 15 src_settled
	ok $? "producer held back ($m)"
	pushed=$(wc -c < "$T/src")
	[ "$pushed" -lt "$total" ] && [ "$pushed" -le "$bound" ]
	ok $? "producer pushed $pushed bytes, bound $bound of $total ($m)"

	if [ -z "${PF_VALGRIND:-}" ]; then
		t0=$(cputicks $q)
		sleep 1
		t1=$(cputicks $q)
		[ $((t1 - t0)) -le 5 ]
		ok $? "blocked bqueue used $((t1 - t0)) ticks of CPU in 1s ($m)"
	else
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP CPU use under valgrind is valgrind's"
	fi

	wait_until 5 test -s "$T/st/bb.prom"
	bytes=$(metric pipeflow_buffer_bytes)
	cap=$(metric pipeflow_buffer_capacity_bytes)
	is "$cap" "$mem" "status: capacity is -m ($m)"
	[ -n "$bytes" ] && [ "$bytes" -le "$cap" ]
	ok $? "status: buffer_bytes $bytes <= capacity ($m)"

	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "exit 0 after the consumer went on ($m)"
	wait $c
	cmp -s "$T/in" "$T/out"
	ok $? "all data delivered intact ($m)"
done

done_testing
