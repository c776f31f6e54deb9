#!/bin/sh
# SPDX-License-Identifier: ISC
# Signals and a reader that goes away.
# SIGTERM/SIGINT without --durable: spill stops reading, delivers what it
# holds in memory and on disk, then dies of the signal (143/130): the
# output is a prefix of the input, whole records, as many as received.
# A second SIGTERM exits at once, and the private directory goes too.
# SIGTERM with --durable: out at once, the records kept on disk for the
# next run, which delivers them: together the two runs cover what was
# received, without a gap, duplicates only at the seam.
# EPIPE: exit 141 and the count of records not delivered; with --durable,
# they are kept, and a drain or a rerun delivers every one the reader had
# not taken.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

saturated() {
	in_state saturated "$T/st/s.prom"
}
# counts FILE: "received delivered dropped pending" from the line of counts
counts() {
	sed -n 's/^spill\( s\)\{0,1\}: records received \([0-9]*\), delivered \([0-9]*\), dropped \([0-9]*\), pending \([0-9]*\)$/\2 \3 \4 \5/p' "$1"
}
# contiguous FILE FIRST LAST: FILE holds the numbers FIRST..LAST, one a
# line, in order
contiguous() {
	awk -v f="$1" -v l="$2" '$0 != f + NR - 1 { bad = 1; exit }
	    END { exit bad || NR != l - f + 1 }' "$3"
}
# whole FILE: FILE is empty or ends with a newline
whole() {
	[ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]
}

mkdir -m 700 "$T/tmp"

# start ARGS...: a consumer stopped at once, a producer without end (for
# all we care), spill ARGS between, saturated.
feed() {
	exec seq 1 100000000000
}
start() {
	held 15 saturated feed env TMPDIR="$T/tmp" spill -v --name s \
	    --status-interval 50ms "$@"
}
finish() {
	release
	kill $p 2> /dev/null
	wait $c
	wait $p
}

# SIGTERM and SIGINT without --durable
for sig in TERM INT; do
	[ $sig = TERM ] && want=143 || want=130
	start -c 0 -m 1M --max-disk 2M --segment-size 512K
	ok $? "SIG$sig: consumer stopped, spill saturated, data on disk"
	sleep 0.2
	got=$(metric pipeflow_records_in_total "$T/st/s.prom")
	kill -$sig $q
	sleep 0.5
	! gone $q
	ok $? "SIG$sig: spill waits to deliver what it holds"
	release
	wait_until 20 gone $q
	ok $? "SIG$sig: ends once delivered (it stopped reading)"
	gone $q || kill -KILL $q
	wait $q
	is $? $want "SIG$sig: exit $want after delivering"
	finish
	k=$(wc -l < "$T/out" | tr -d ' ')
	seq 1 "$k" | cmp -s - "$T/out"
	ok $? "SIG$sig: output is a prefix of the input ($k records)"
	whole "$T/out"
	ok $? "SIG$sig: the last record delivered is whole"
	is "$(counts "$T/err")" "$k $k 0 0" \
	    "SIG$sig: line of counts: every record received delivered"
	# (what it had, and at most one more read, of 1M)
	[ "$k" -ge "${got:-0}" ] && [ "$k" -le $((${got:-0} + 150000)) ]
	ok $? "SIG$sig: $k records: the ${got:-?} received before the signal and no more"
	like "$(grep '^spill s: disk:' "$T/err")" '^spill s: disk: [1-9][0-9.]*M written' \
	    "SIG$sig: what was on disk was delivered too"
	[ ! -e "$T/st/s.prom" ]
	ok $? "SIG$sig: status file removed"
	is "$(ls -A "$T/tmp")" "" "SIG$sig: private directory removed"
done

# A second SIGTERM: out at once, though the consumer is stopped.
start -c 0 -m 1M --max-disk 2M --segment-size 512K
ok $? "second SIGTERM: spill saturated, data on disk"
kill -TERM $q
sleep 0.3
kill -TERM $q
wait_until 5 gone $q
ok $? "second SIGTERM: exits at once, consumer still stopped"
gone $q || kill -KILL $q
wait $q
is $? 143 "second SIGTERM: exit 143"
set -- $(counts "$T/err")
[ $# -eq 4 ] && [ "$4" -gt 0 ] && [ "$4" -eq $(($1 - $2)) ]
ok $? "second SIGTERM: line of counts with ${4:-?} records pending"
finish
is "$(ls -A "$T/tmp")" "" "second SIGTERM: private directory removed"
rm -rf "$T/tmp"/*

# SIGTERM with --durable: out at once, the rest kept for the next run.
D=$T/spool
seq 1 3000000 > "$T/in"
rm -rf "$T/a" "$T/b" "$T/out" "$D"
mkfifo "$T/a" "$T/b"
stallpipe 1 4096 10000 < "$T/b" > "$T/out" &
c=$!
cat "$T/in" > "$T/a" 2> /dev/null &
p=$!
spill --durable -d "$D" --checkpoint 100ms -m 64K < "$T/a" > "$T/b" \
    2> "$T/err" &
q=$!
sleep 1			# some delivered, and checkpointed
kill -STOP $c
kill -TERM $q
wait_until 3 gone $q
ok $? "--durable, SIGTERM: exits at once, consumer stopped"
gone $q || kill -KILL $q
wait $q
is $? 143 "--durable, SIGTERM: exit 143"
kill -CONT $c
wait $c
wait $p
kept=$(sed -n "s|^spill: \([0-9]*\) records kept in $D for the next run\$|\\1|p" \
    "$T/err")
like "$kept" '^[1-9][0-9]*$' "--durable, SIGTERM: says N records kept in DIR for the next run"
set -- $(counts "$T/err")
received=${1:-0}
# Records left unread in the pipe are kept, so not counted delivered.
is "$(( ${4:-0} ))" "${kept:-x}" \
    "--durable, SIGTERM: the counts' pending is the N kept"
whole "$T/out"
ok $? "--durable, SIGTERM: run 1's last record is whole"
# (a torn last record aside)
head -n "$(wc -l < "$T/out")" "$T/out" > "$T/out1"
a=$(wc -l < "$T/out1" | tr -d ' ')
contiguous 1 "$a" "$T/out1"
ok $? "--durable, SIGTERM: run 1 delivered 1 to $a in order"
spill --drain "$D" > "$T/out2" 2> "$T/err2"
is $? 0 "--durable, SIGTERM: --drain exits 0"
b=$(head -n 1 "$T/out2")
[ -n "$b" ] && [ "$b" -gt 1 ] && [ "$b" -le $((a + 1)) ]
ok $? "--drain resumes at $b: after the checkpoint, no gap after run 1 (1..$a)"
contiguous "$b" "$received" "$T/out2"
ok $? "--drain delivers $b to $received (all received) in order"
is "$(wc -l < "$T/out2" | tr -d ' ')" "${kept:-?}" \
    "--drain delivers the N records said kept"
is "$(ls -A "$D")" "" "--drain leaves the directory empty"

# EPIPE without --durable: seq | spill | head -1
{ seq 1 1000000 | spill -m 4K 2> "$T/err"; echo $? > "$T/rc"; } |
    head -n 1 > "$T/out"
is "$(cat "$T/rc")" 141 "EPIPE: exit 141"
is "$(cat "$T/out")" 1 "EPIPE: head got the first record"
n=$(sed -n 's/^spill: reader went away: \([0-9]*\) records (.*) not delivered$/\1/p' "$T/err")
# N is 0 when the reader left while spill waited for input.
like "$n" '^[0-9][0-9]*$' "EPIPE: reader went away: N records (size) not delivered"
set -- $(counts "$T/err")
[ $# -eq 4 ] && [ "$4" = "$n" ] && [ "$n" -eq $(($1 - $2)) ]
ok $? "EPIPE: N = pending = received - delivered (${n:-?})"
is "$(grep -c '^spill:' "$T/err")" 2 "EPIPE: two lines from spill"

# EPIPE with --durable: kept; then a drain, or a rerun, delivers every
# record the reader did not take (read(1) takes exactly one line).
for how in drain rerun; do
	rm -rf "$D"
	{
		seq 1 1000000 | spill -m 4K --durable -d "$D" 2> "$T/err"
		echo $? > "$T/rc"
	} | { read -r l; echo "$l" > "$T/out"; }
	is "$(cat "$T/rc")" 141 "--durable, EPIPE ($how): exit 141"
	is "$(cat "$T/out")" 1 "--durable, EPIPE ($how): the reader took 1"
	kept=$(sed -n "s|^spill: reader went away: \([0-9]*\) records kept in $D; run spill --durable -d $D again to deliver them\$|\\1|p" "$T/err")
	like "$kept" '^[1-9][0-9]*$' \
	    "--durable, EPIPE ($how): N kept in DIR; run spill --durable -d DIR again"
	set -- $(counts "$T/err")
	received=${1:-0}
	if [ $how = drain ]; then
		spill --drain "$D" > "$T/out2" 2> "$T/err2"
	else
		spill --durable -d "$D" < /dev/null > "$T/out2" 2> "$T/err2"
	fi
	is $? 0 "--durable, EPIPE ($how): exit 0"
	b=$(head -n 1 "$T/out2")
	[ -n "$b" ] && [ "$b" -le 2 ]
	ok $? "--durable, EPIPE ($how): resumes at ${b:-?}, nothing after 1 missed"
	contiguous "$b" "$received" "$T/out2"
	ok $? "--durable, EPIPE ($how): $b to $received (all received) in order"
	is "$(wc -l < "$T/out2" | tr -d ' ')" "${kept:-?}" \
	    "--durable, EPIPE ($how): the N records said kept"
	is "$(ls -A "$D")" "" "--durable, EPIPE ($how): directory left empty"
done

done_testing
