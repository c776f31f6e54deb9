#!/bin/sh
# SPDX-License-Identifier: ISC
# The kill -9 loss window of spill --durable, measured: with a reader
# that never reads, spill is stopped at a random moment (SIGSTOP, so the
# offset it read its input to can be read from /proc), killed with
# SIGKILL, and the directory drained.  What was read and is not on disk
# is lost to a kill -9; spill(1) bounds it by one read, at most 64 KiB
# (plus the start of a record the read ended in).  Every drain is a
# prefix of the input, byte-exact.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/fdinfo/0 ] || skip_all "needs /proc/PID/fdinfo"
command -v timeout > /dev/null 2>&1 || skip_all "needs timeout(1)"

RUNS=20
BOUND=$((65536 + 16))
[ -n "${PF_VALGRIND:-}" ] && RUNS=4
seq 1 3000000 > "$T/in"
awk 'BEGIN { srand(16); for (i = 0; i < 100; i++)
	printf "0.%03d\n", 20 + int(rand() * 80) }' > "$T/delays"
D=$T/d

worst=0
over=0
short=0
prefix=0
for i in $(seq 1 $RUNS); do
	rm -rf "$D" "$T/f"
	mkfifo "$T/f"
	sleep 60 < "$T/f" &
	r=$!
	spill --durable -d "$D" < "$T/in" > "$T/f" 2> /dev/null &
	p=$!
	sleep "$(sed -n "${i}p" "$T/delays")"
	kill -STOP $p
	wait_until 5 is_stopped $p
	pos=$(sed -n 's/^pos:[[:space:]]*//p' "/proc/$p/fdinfo/0")
	kill -KILL $p
	wait $p 2> /dev/null
	kill $r
	wait $r 2> /dev/null
	timeout -s KILL 20 spill --drain "$D" > "$T/out" 2> /dev/null
	got=$(wc -c < "$T/out" | tr -d ' ')
	head -c "$got" "$T/in" | cmp -s - "$T/out" || prefix=$((prefix + 1))
	lost=$((pos - got))
	[ "$lost" -gt "$worst" ] && worst=$lost
	[ "$lost" -gt "$BOUND" ] && over=$((over + 1))
	[ "$got" -eq 0 ] && short=$((short + 1))
done
diag "kill -9 after 20-100 ms, $RUNS runs: at most $worst bytes read and lost"
is "$prefix" 0 "every drain is a byte-exact prefix of the input"
is "$over" 0 "no run lost more than one read ($BOUND bytes) of what it read"
[ "$short" -lt "$RUNS" ]
ok $? "the runs got to write something ($short of $RUNS empty)"

# A bursty reader: after kill -9 the last record it got may be cut short
# (a write larger than PIPE_BUF is not atomic); the next run delivers
# from that record on, whole: never a gap.  Torn tails are counted.
torn=0
early=0
empty=0
gap=0
none=0
for i in $(seq 1 $RUNS); do
	rm -rf "$D" "$T/f"
	mkfifo "$T/f"
	stallpipe "$i" 3000 2000 < "$T/f" > "$T/out" &
	r=$!
	spill --durable -d "$D" < "$T/in" > "$T/f" 2> /dev/null &
	p=$!
	sleep "$(sed -n "$((i + 30))p" "$T/delays")"
	kill -KILL $p
	wait $p 2> /dev/null
	wait $r
	[ "$(wc -c < "$T/out")" -lt "$(wc -c < "$T/in")" ] ||
	    early=$((early + 1))
	if [ ! -s "$T/out" ]; then
		empty=$((empty + 1))
	elif [ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" != '\n' ]; then
		torn=$((torn + 1))
	fi
	# the last whole record the reader got, and where the rerun starts
	last=$(grep -a -c '' "$T/out")
	[ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" = '\n' ] ||
	    last=$((last - 1))
	timeout -s KILL 20 spill --drain "$D" > "$T/again" 2> /dev/null
	# Nothing to drain: killed before it wrote anything down, or after
	# the reader had taken all it had (no later record to skip to).
	if [ ! -s "$T/again" ]; then
		none=$((none + 1))
		continue
	fi
	first=$(head -n 1 "$T/again")
	n=$(grep -c '' "$T/again")
	if [ "$first" -gt $((last + 1)) ] ||
	    ! seq "$first" $((first + n - 1)) | cmp -s - "$T/again"; then
		gap=$((gap + 1))
	fi
done
diag "runs with nothing left to drain: $none"
diag "kill -9 with a bursty reader: $torn of $RUNS left a record cut short"
is "$gap" 0 "the next run delivers from the last whole record on, whole"
[ "$empty" -lt "$RUNS" ]
ok $? "the reader got something ($empty of $RUNS empty)"
is "$early" 0 "every run was killed before the end of its input"
[ "$none" -lt "$RUNS" ]
ok $? "most runs left something to drain ($none of $RUNS had nothing)"

done_testing
