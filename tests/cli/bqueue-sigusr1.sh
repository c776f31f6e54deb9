#!/bin/sh
# SPDX-License-Identifier: ISC
# SIGUSR1 prints one line of statistics on stderr, as dd does, and bqueue
# goes on: one line per signal, with the counts so far, data intact.  Also
# while it waits for a FIFO's writer.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

lines() {
	[ "$(grep -c 'records in' "$T/err")" = "$1" ]
}
got_all() {
	[ "$(wc -c < "$T/out" | tr -d ' ')" = "$(wc -c < "$T/in" | tr -d ' ')" ]
}

seq 1 300000 > "$T/in"
rm -f "$T/a"
mkfifo "$T/a"
bqueue < "$T/a" > "$T/out" 2> "$T/err" &
q=$!
exec 3> "$T/a"
cat "$T/in" >&3
wait_until 60 got_all
ok $? "all data through, input still open"

for i in 1 2 3; do
	kill -USR1 $q
	wait_until 20 lines $i
	ok $? "SIGUSR1 number $i: line number $i"
	alive $q
	ok $? "SIGUSR1 number $i: bqueue goes on"
done
like "$(tail -n 1 "$T/err")" "^bqueue: 300000 records in, 300000 out, \
0 dropped, 0 buffered; .* normal\$" "the line has the counts and the state"
exec 3>&-
wait $q
is $? 0 "exit 0 at end of input"
cmp -s "$T/in" "$T/out"
ok $? "data intact"
is "$(grep -c 'records in' "$T/err")" 3 "no more lines than signals"

# While waiting in open(2) for the writer of a FIFO operand.
rm -f "$T/a"
mkfifo "$T/a"
bqueue "$T/a" > "$T/out" 2> "$T/err" &
q=$!
wait_until 10 blocked_in $q wait_for_partner
kill -USR1 $q
sleep 0.3
alive $q
ok $? "SIGUSR1 while waiting for a FIFO writer: bqueue waits on"
if alive $q; then
	cat "$T/in" > "$T/a"
fi
wait $q
is $? 0 "SIGUSR1 while waiting for a FIFO writer: exit 0"
is "$(grep -c 'records in' "$T/err")" 1 \
    "SIGUSR1 while waiting for a FIFO writer: its line, once open"
cmp -s "$T/in" "$T/out"
ok $? "SIGUSR1 while waiting for a FIFO writer: data intact"

done_testing
