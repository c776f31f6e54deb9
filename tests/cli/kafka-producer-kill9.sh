#!/bin/sh
# SPDX-License-Identifier: ISC
# The producer stage of pipeflow(7)'s Kafka recipe killed -9 while the
# brokers are down, and restarted on the same directory:
#   run 1: 1..N       | spill --durable -d DIR | kcat -P   (spill killed)
#   run 2: N+1..2N    | spill --durable -d DIR | kcat -P
# kcat of run 1 sees end of input and delivers what it already took once
# the brokers are back.  Run 2 first delivers what run 1 left on disk.
# Nothing made durable is lost: run 1's numbers on the topic form an
# unbroken prefix 1..P with P at least what run 1 made durable (run 2's
# resume message says); all of run 2's numbers are there;
# duplicates come only from the resume, bounded as spill(1) says, and are
# counted here.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/kafka.sh"

N=80000
seq 1 $N > "$T/in1"
seq $((N + 1)) $((2 * N)) > "$T/in2"
kafka_start raw:1
D="$T/spool"
mkdir "$T/st"
metric_file=$T/st/producer.prom

kafka_down
# Run 1: spill in the background with its pid known, kcat reading a FIFO.
mkfifo "$T/p1"
# shellcheck disable=SC2086
kcat -P -b "$kafka" -t raw $KCAT_PRODUCE < "$T/p1" 2> "$T/kcat1.err" &
kcat1=$!
mkfifo "$T/src1"
stallpipe 3 256 5000 < "$T/in1" > "$T/src1" 2> /dev/null &
PIPEFLOW_STATUS_DIR=$T/st spill --durable -d "$D" -m 64K --segment-size 1M \
    --checkpoint 100ms --name producer --status-interval 50ms \
    < "$T/src1" > "$T/p1" 2> "$T/spill1.err" &
spill1=$!
sleep 1.5
read1=$(metric pipeflow_records_in_total)
kill -9 $spill1
{ wait $spill1; } 2>/dev/null
diag "run 1 had read $read1 records when it was killed"
[ "${read1:-0}" -gt 0 ]
ok $? "run 1 read records before the kill"

kafka_up
wait_until 60 sh -c "! kill -0 $kcat1 2>/dev/null"
ok $? "run 1's kcat ends once the brokers are back"
wait $kcat1
is "$?" 0 "run 1's kcat exits 0"

# Run 2 on the same directory.
# shellcheck disable=SC2086
PIPEFLOW_STATUS_DIR=$T/st spill --durable -d "$D" -m 64K --segment-size 1M \
    --name producer -v < "$T/in2" 2> "$T/spill2.err" |
    kcat -P -b "$kafka" -t raw $KCAT_PRODUCE 2> "$T/kcat2.err"
is "$?" 0 "run 2's kcat exits 0"
like "$(cat "$T/spill2.err")" "resuming: [0-9]+ records" \
    "run 2 says it resumes what run 1 left"
# "resuming: X records (SIZE) from an earlier run, from number F": run 1
# made records F..F+X-1 (from 0) durable and did not see them delivered.
resumed=$(sed -n 's/.*resuming: \([0-9]*\) records.*from number \([0-9]*\).*/\1 \2/p' \
    "$T/spill2.err")
durable=$(echo "$resumed" | awk '{ print $1 + $2 }')
diag "run 2 resumed $resumed (count, first): run 1 made 1..$durable durable"

kafka_consume raw "$T/topic"
awk -v n=$N '$1 <= n' "$T/topic" | sort -n -u > "$T/got1"
P=$(tail -n 1 "$T/got1")
seq 1 "$P" > "$T/want1"
cmp -s "$T/want1" "$T/got1"
ok $? "run 1's numbers on the topic are an unbroken prefix 1..$P"
[ "$P" -ge "${durable:-1}" ] && [ "$P" -gt 0 ]
ok $? "the prefix holds all that run 1 made durable"
awk -v n=$N '$1 > n' "$T/topic" > "$T/got2"
cmp -s "$T/in2" "$T/got2"
ok $? "all of run 2's records, in order, once each"
sort -n "$T/topic" | uniq -d > "$T/dups"
dups=$(wc -l < "$T/dups" | tr -d ' ')
diag "duplicates on the topic: $dups (delivered again after the resume)"
# Duplicates come only from the resume: each is one of the records run 2
# resumed (numbers F+1..F+X), none twice more.
first=$(echo "$resumed" | awk '{ print $2 + 1 }')
is "$(awk -v a="$first" -v b="$durable" '$1 < a || $1 > b' "$T/dups" |
    wc -l | tr -d ' ')" 0 "every duplicate is a resumed record"
is "$(sort -n "$T/topic" | uniq -c | awk '$1 > 2' | wc -l | tr -d ' ')" 0 \
    "no record three times"
kafka_stop
done_testing
