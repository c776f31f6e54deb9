#!/bin/sh
# SPDX-License-Identifier: ISC
# Two stages with the same --name in one status directory never share a
# status file: while one runs, every tool (each of bin_PROGRAMS) started
# with its name is refused, exit 1, a message naming the option and the
# name, nothing read from its input, and the first stage's file left to
# it.  Once the first has gone, the name is free again.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -n "${PF_PROGRAMS:-}" ] || skip_all "PF_PROGRAMS not set (run by make check)"

PIPEFLOW_STATUS_DIR=$T/st
export PIPEFLOW_STATUS_DIR
seq 1 1000 > "$T/in"

# The holder: a bqueue named "dup", its input a FIFO held open here.
mkfifo "$T/fifo"
bqueue --name dup < "$T/fifo" > "$T/held.out" 2> "$T/held.err" &
holder=$!
exec 3> "$T/fifo"
wait_until 10 test -f "$T/st/dup.prom"
ok $? "the first stage publishes dup.prom"
grep -q "^pipeflow_process_id{stage=\"dup\",tool=\"bqueue\"} $holder\$" \
    "$T/st/dup.prom"
ok $? "dup.prom is the first stage's"

# args PROG: what PROG needs beyond its input to run as a pass-through.
args() {
	case $1 in
	coalesce) echo "-k 1" ;;
	throttle) echo "-r 1G/s" ;;
	esac
}

for prog in $PF_PROGRAMS; do
	# A tool that needs more than its input to run is not for this test.
	# shellcheck disable=SC2046
	"$prog" $(args "$prog") --name "free-$prog" < /dev/null > /dev/null 2>&1
	if [ $? -eq 2 ]; then
		skip_n 4 "$prog needs options to run"
		continue
	fi
	{
		# shellcheck disable=SC2046
		"$prog" $(args "$prog") --name dup > "$T/out" 2> "$T/err"
		echo $? > "$T/rc"
		cat > "$T/rest"
	} < "$T/in"
	is "$(cat "$T/rc")" 1 "$prog --name dup while another runs: exit 1"
	is "$(cat "$T/err")" "$prog dup: --name dup: in use by another stage" \
	    "$prog: the message names the option and the name"
	cmp -s "$T/in" "$T/rest"
	ok $? "$prog: nothing read from its input"
	grep -q "^pipeflow_process_id{stage=\"dup\",tool=\"bqueue\"} $holder\$" \
	    "$T/st/dup.prom"
	ok $? "$prog: dup.prom still the first stage's"
done

echo last >&3
exec 3>&-
wait $holder
is $? 0 "the first stage exits 0"
is "$(ls -A "$T/st")" "" "its file and lock gone with it"
for prog in $PF_PROGRAMS; do
	# shellcheck disable=SC2046
	"$prog" $(args "$prog") --name dup < "$T/in" > "$T/out" 2> "$T/err"
	rc=$?
	if [ $rc -eq 2 ]; then
		skip_n 1 "$prog needs options to run"
		continue
	fi
	is "$rc:$(cmp -s "$T/in" "$T/out" && echo same)" 0:same \
	    "$prog --name dup once the name is free: runs, exit 0"
done

done_testing
