#!/bin/sh
# SPDX-License-Identifier: ISC
# SIGTERM with records held: shed stops reading, delivers every record it
# holds (in order, none torn), prints the line of counts and exits 143;
# SIGUSR1 prints one stats line and goes on.  A reader that goes away
# gets the undelivered count and 141.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

held() {
	v=$(metric pipeflow_shed_held_records "$T/st/s.prom")
	[ -n "$v" ] && [ "$v" -gt 0 ]
}

awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%d %07d\n", i % 10, i }' \
    > "$T/in"
mkfifo "$T/a" "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" < "$T/b" \
    > "$T/out" &
c=$!
cat "$T/in" > "$T/a" 2> /dev/null &
p=$!
PIPEFLOW_STATUS_DIR=$T/st shed -p 1 --buffer 64K --name s \
    --status-interval 50ms < "$T/a" > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c && wait_until 10 held
ok $? "consumer stopped, shed holds records"
kill -USR1 $q
wait_until 5 grep -q 'records in' "$T/err"
ok $? "SIGUSR1: a stats line"
alive $q
ok $? "SIGUSR1: shed goes on"
kill -TERM $q
sleep 0.2
kill -CONT $c
wait $q
is "$?" 143 "SIGTERM: exit 143"
wait $c
kill $p 2> /dev/null
wait $p 2> /dev/null
k=$(wc -l < "$T/out" | tr -d ' ')
ok $([ "$k" -gt 0 ]; echo $?) "SIGTERM: held records delivered ($k)"
is "$(cut -d' ' -f2 "$T/out" | sort -c 2>&1; echo $?)" 0 \
    "SIGTERM: delivered in input order"
is "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\n' \
    "SIGTERM: the last record is whole"
like "$(cat "$T/err")" "records received [0-9]+, delivered $k, dropped [0-9]+, pending 0" \
    "SIGTERM: counts, nothing pending"
r=$(sed -n 's/.*records received \([0-9]*\), delivered \([0-9]*\), dropped \([0-9]*\).*/\1 \2 \3/p' "$T/err")
set -- $r
is "$1" "$(($2 + $3))" "SIGTERM: received = delivered + dropped"

# The reader goes away.
( shed -p 1 < "$T/in" 2> "$T/err"; echo $? > "$T/rc" ) | head -n 5 > /dev/null
is "$(cat "$T/rc")" 141 "EPIPE: exit 141"
like "$(cat "$T/err")" "reader went away" "EPIPE: said so"

done_testing
