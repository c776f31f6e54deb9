#!/bin/sh
# SPDX-License-Identifier: ISC
# Counts and signals with records held: every status file written while
# the reader is stopped says received = delivered + coalesced + pending
# (queue and store); SIGUSR1 prints a stats line with the coalesced
# count; SIGTERM stops reading, delivers everything held, then 143 with
# the counts adding up; a reader that goes away gets 141 and the count
# of records not delivered.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
model=$top_srcdir/tests/lib/coalesce-model.awk

awk 'BEGIN { srand(9); for (i = 1; i <= 300000; i++)
	printf "%d k%d pppppppppppppppppppp\n", i, int(rand() * 2000) }' \
    > "$T/in"

coalesced() {
	metric_above pipeflow_records_coalesced_total 0 "$T/st/c.prom"
}

# start [ARGS]: the reader stopped, input fed, coalesce holding.
feed() {
	exec cat "$T/in"
}
start() {
	held 20 coalesced feed coalesce -k 2 --name c --status-interval 20ms \
	    "$@"
}

start
ok $? "reader stopped: records coalesced"
wait $p
# Every status file while held: the counts add up.
bad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	cp "$T/st/c.prom" "$T/snap" 2>/dev/null || continue
	awk '/^pipeflow_records_in_total/ { i = $2 }
	    /^pipeflow_records_out_total/ { o = $2 }
	    /^pipeflow_records_coalesced_total/ { c = $2 }
	    /^pipeflow_buffer_records/ { b = $2 }
	    /^pipeflow_coalesce_held_records/ { h = $2 }
	    END { exit !(i > 0 && i == o + c + b + h) }' "$T/snap" || bad=1
	sleep 0.03
done
is "$bad" 0 "status file: received = delivered + coalesced + queued + held"
p1=$(metric pipeflow_pressure "$T/st/c.prom")
awk -v p="$p1" 'BEGIN { exit !(p > 0 && p <= 1) }'
ok $? "status file: pressure is the store's fill ($p1)"
kill -USR1 $q
wait_until 5 grep -q "coalesced, " "$T/err"
ok $? "SIGUSR1: a stats line with the coalesced count"
like "$(cat "$T/err")" "records in, [0-9]+ out, 0 dropped, [0-9]+ coalesced, " \
    "SIGUSR1: in, out, dropped, coalesced"

kill -TERM $q
sleep 0.2
release
wait $q
rc=$?
wait $c
is "$rc" 143 "SIGTERM with records held: 143 after delivering them"
got=$(awk -f "$model" "$T/in" "$T/out" 2>&1)
like "$got" "^delivered " "SIGTERM: every key's latest delivered, in order"
d=${got#delivered }
like "$(cat "$T/err")" \
    "records received 300000, delivered $d, dropped 0, coalesced $((300000 - d)), pending 0" \
    "SIGTERM: the line of counts adds up, nothing pending"
[ ! -e "$T/st/c.prom" ]
ok $? "SIGTERM: the status file removed"

# The reader goes away with records held.
rm -rf "$T/st"
{ cat "$T/in"; sleep 0.5; } | PIPEFLOW_STATUS_DIR=$T/st coalesce -k 2 \
    2> "$T/err" | { sleep 0.3; head -n 1 > /dev/null; }
like "$(cat "$T/err")" "reader went away: [0-9]+ records" \
    "reader gone: the records not delivered are said"
like "$(cat "$T/err")" "records received [0-9]+, delivered [0-9]+, dropped 0, coalesced [0-9]+, pending [1-9]" \
    "reader gone: coalesced and pending in the counts"
awk '/records received/ { gsub(/,/, ""); exit !($4 == $6 + $8 + $10 + $12) }' \
    "$T/err"
ok $? "reader gone: received = delivered + dropped + coalesced + pending"
rm -f "$T/a"; mkfifo "$T/a"
coalesce -k 2 < "$T/in" 2> /dev/null > "$T/a" &
q=$!
{ sleep 0.3; head -n 1 > /dev/null; } < "$T/a"
wait $q
is "$?" 141 "reader gone: 141 (SIGPIPE re-raised)"

done_testing
