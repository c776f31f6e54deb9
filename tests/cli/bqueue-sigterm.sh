#!/bin/sh
# SPDX-License-Identifier: ISC
# SIGTERM and SIGINT: stop reading, deliver every whole record already
# read (never a torn one), print the line of counts, exit 128+N, never 0;
# a second signal exits at once.  Also while waiting to open a FIFO, while
# idle, and when the signal comes just as bqueue is about to exit 0.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

saturated() {
	in_state saturated "$T/st/s.prom"
}
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

seq 1 2000000 > "$T/in"

# start: a stopped consumer, a producer with far more than fits, and
# bqueue between them, saturated.
feed() {
	exec cat "$T/in"
}
start() {
	held 10 saturated feed bqueue -m 1M --name s --status-interval 50ms
}

# whole_prefix NAME: the output is the first K lines of the input, K as
# counted delivered, and ends with a newline.
whole_prefix() {
	k=$(wc -l < "$T/out" | tr -d ' ')
	head -n "$k" "$T/in" | cmp -s - "$T/out"
	ok $? "$1: output is a prefix of the input ($k records)"
	is "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\n' \
	    "$1: the last record delivered is whole"
	like "$(cat "$T/err")" \
	    "records received $k, delivered $k, dropped 0, pending 0" \
	    "$1: line of counts, every record received delivered"
}

for sig in TERM INT; do
	[ $sig = TERM ] && want=143 || want=130
	start
	ok $? "SIG$sig: consumer stopped, bqueue saturated"
	kill -$sig $q
	sleep 0.5
	! gone $q
	ok $? "SIG$sig: bqueue waits to deliver what it holds"
	release
	wait $q
	is $? $want "SIG$sig: exit $want after delivering"
	wait $c
	wait $p
	whole_prefix "SIG$sig"
	[ ! -e "$T/st/s.prom" ]
	ok $? "SIG$sig: status file removed"
done

# A second signal: out at once, with the records still held.
start
ok $? "second SIGTERM: bqueue saturated"
kill -TERM $q
sleep 0.3
kill -TERM $q
wait_until 5 gone $q
ok $? "second SIGTERM: exits at once, consumer still stopped"
wait $q
is $? 143 "second SIGTERM: exit 143"
like "$(cat "$T/err")" \
    "records received [0-9]+, delivered [0-9]+, dropped 0, pending [1-9]" \
    "second SIGTERM: line of counts with records pending"
release
wait $c
wait $p

# Idle, waiting for input that does not come.
rm -f "$T/a"
mkfifo "$T/a"
bqueue < "$T/a" > "$T/out" 2> "$T/err" &
q=$!
exec 3> "$T/a"
wait_until 10 blocked_in $q poll
kill -TERM $q
wait_until 5 gone $q
ok $? "idle: SIGTERM ends bqueue at once"
wait $q
is $? 143 "idle: exit 143"
exec 3>&-

# Waiting in open(2) for a FIFO's other end.
rm -f "$T/a"
mkfifo "$T/a"
bqueue "$T/a" > "$T/out" 2> "$T/err" &
q=$!
wait_until 10 blocked_in $q wait_for_partner
kill -TERM $q
wait_until 5 gone $q
ok $? "FIFO operand without a writer: SIGTERM ends bqueue at once"
gone $q || kill -KILL $q
wait $q
is $? 143 "FIFO operand without a writer: exit 143"
bqueue -o "$T/a" < /dev/null 2> "$T/err" &
q=$!
wait_until 10 blocked_in $q wait_for_partner
kill -INT $q
wait_until 5 gone $q
ok $? "-o FIFO without a reader: SIGINT ends bqueue at once"
gone $q || kill -KILL $q
wait $q
is $? 130 "-o FIFO without a reader: exit 130"

# The signal comes after the last wait for I/O, as bqueue is about to
# exit 0 (the removal of its status file is made slow to hold it there).
if command -v strace > /dev/null 2>&1 &&
    strace -o /dev/null true > /dev/null 2>&1; then
	seq 1 1000 > "$T/small"
	rm -rf "$T/st"
	# strace exits as its tracee did, signal included
	{
		strace -o /dev/null -e trace=unlinkat \
		    -e inject=unlinkat:delay_enter=1500000 \
		    env PIPEFLOW_STATUS_DIR="$T/st" \
		    sh -c 'echo $$ > "$0"; exec bqueue --name late' \
		    "$T/qpid" < "$T/small" 2> "$T/err"
		echo $? > "$T/rc"
	} | {
		# strace holds the pipe too: read what is due, not to EOF
		head -c "$(wc -c < "$T/small")" > "$T/out"
		kill -TERM "$(cat "$T/qpid")"
		cat > /dev/null
	}
	is "$(cat "$T/rc")" 143 "SIGTERM just before exit: 143, not 0"
	cmp -s "$T/small" "$T/out"
	ok $? "SIGTERM just before exit: all delivered"
else
	skip "strace cannot trace here"
	skip "strace cannot trace here"
fi

done_testing
