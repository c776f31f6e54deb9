#!/bin/sh
# SPDX-License-Identifier: ISC
# Stalls: with the consumer stopped (SIGSTOP) for about 1.5s while data
# waits, --stall 500ms -v reports a stall on stderr, counts it in the
# final JSON report and the status file, and saturates the stage; the
# data arrives intact once the consumer goes on.  Short stalls are seen
# even with a report interval longer than the stall.  The same pause is
# no stall under the default --stall 5s or with --stall 0, and a consumer
# that keeps up gives none.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# stalls LOG: the "stalls" of the final JSON report in LOG
stalls() {
	grep '"final":true' "$1" | sed -n 's/.*"stalls":\([0-9]*\).*/\1/p'
}

seq 1 400000 > "$T/in"		# about 2.6M: more than the pipes hold

# stopped NAME ARGS...: lagwatch ARGS --log $T/NAME.log --format json,
# its stderr in $T/NAME.err, into a consumer that stops itself at once
# and writes $T/NAME.out; its pid in $T/NAME.cpid, lagwatch's status in
# $T/NAME.rc.
stopped() {
	_n=$1
	shift
	rm -f "$T/$_n.fifo" "$T/$_n.cpid"
	mkfifo "$T/$_n.fifo"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/$_n.cpid" \
	    < "$T/$_n.fifo" > "$T/$_n.out" &
	{
		PIPEFLOW_STATUS_DIR=$T/st lagwatch --name "$_n" \
		    --status-interval 50ms --format json --log "$T/$_n.log" \
		    "$@" < "$T/in" > "$T/$_n.fifo" 2> "$T/$_n.err"
		echo $? > "$T/$_n.rc"
	} &
}
consumer_stopped() {
	[ -s "$T/$1.cpid" ] && is_stopped "$(cat "$T/$1.cpid")"
}
stalls_published() {
	grep -q '^pipeflow_lagwatch_stalls_total{stage="s",tool="lagwatch"} 1$' \
	    "$T/st/s.prom" 2>/dev/null
}

# The runs sleep: they go side by side.
stopped s -v --stall 500ms
stopped b -v --stall 500ms --bytes
stopped iv -v --stall 500ms -i 10s
stopped dflt -v
stopped off -v --stall 0
for n in s b iv dflt off; do
	wait_until 10 consumer_stopped $n
	ok $? "consumer $n stopped"
done
# While the stall lasts: published, and the stage saturated.
wait_until 5 stalls_published
ok $? "status file: pipeflow_lagwatch_stalls_total 1 during the stall"
grep -q '^pipeflow_state{stage="s",tool="lagwatch",state="saturated"} 1$' \
    "$T/st/s.prom"
ok $? "status file: saturated during the stall"
sleep 1
for n in s b iv dflt off; do
	kill -CONT "$(cat "$T/$n.cpid")"
done
wait

for n in s b iv; do
	is "$(cat "$T/$n.rc")" 0 "$n: exit 0"
	cmp -s "$T/in" "$T/$n.out"
	ok $? "$n: data intact"
	like "$(cat "$T/$n.err")" \
	    "^lagwatch $n: stall: nothing delivered for [0-9.]+m?s while data waits" \
	    "$n: -v reports the stall on stderr"
	s=$(stalls "$T/$n.log")
	[ -n "$s" ] && [ "$s" -ge 1 ]
	ok $? "$n: the final report counts $s stalls"
done
for n in dflt off; do
	is "$(cat "$T/$n.rc")" 0 "$n: exit 0"
	cmp -s "$T/in" "$T/$n.out"
	ok $? "$n: data intact"
	grep -q 'stall' "$T/$n.err"
	ok $((! $?)) "$n: 1.5s is no stall"
	is "$(stalls "$T/$n.log")" 0 "$n: no stall counted"
done

# A consumer that keeps up: no stall.
lagwatch -v --stall 500ms --format json < "$T/in" 2> "$T/err" |
    cat > "$T/out"
cmp -s "$T/in" "$T/out"
ok $? "no pause: data intact"
is "$(stalls "$T/err")" 0 "no pause: no stall"

done_testing
