#!/bin/sh
# SPDX-License-Identifier: ISC
# The producer side of pipeflow(7)'s Kafka recipe:
#   source | spill --durable -d DIR | kcat -P -b BROKERS -t raw
# The brokers go down for four seconds while the source is still writing.
# spill takes the outage on disk (its status says so) and the source is
# never held back for long; when the brokers are back, every record reaches
# the topic, in order, none twice.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/kafka.sh"

N=300000
seq 1 $N > "$T/in"
kafka_start raw:1
D="$T/spool"
mkdir "$T/st"

# A source that writes in bursts for about five seconds.
{
	stallpipe 7 512 5000 < "$T/in" |
	    PIPEFLOW_STATUS_DIR=$T/st spill --durable -d "$D" -m 64K \
	    --segment-size 1M --name producer --status-interval 100ms \
	    2> "$T/spill.err"
	echo $? > "$T/spill.rc"
} | {
	# shellcheck disable=SC2086
	kcat -P -b "$kafka" -t raw $KCAT_PRODUCE 2> "$T/kcat.err"
	echo $? > "$T/kcat.rc"
} &
pipeline=$!

metric_file=$T/st/producer.prom
wait_until 10 test -s "$metric_file"
ok $? "spill publishes its status"
sleep 0.5
kafka_down
sleep 1
out1=$(metric pipeflow_records_out_total)
in1=$(metric pipeflow_records_in_total)
# kcat keeps a queue of its own (well over a hundred thousand short
# messages whatever queue.buffering.max.messages says); once it is full,
# spill holds the rest on disk.
disk=0
i=0
while [ $i -lt 30 ]; do
	d=$(metric pipeflow_spill_disk_records)
	[ "${d:-0}" -gt "$disk" ] && disk=$d
	sleep 0.1
	i=$((i + 1))
done
out2=$(metric pipeflow_records_out_total)
in2=$(metric pipeflow_records_in_total)
kafka_up
diag "during the outage: in $in1 -> $in2, out $out1 -> $out2, on disk up to $disk"
[ "$in2" -gt "$in1" ]
ok $? "the source goes on writing while the brokers are down"
[ "$out2" -lt "$in2" ]
ok $? "kcat has taken less than the source gave"
[ "$disk" -gt 0 ]
ok $? "spill's status shows records on disk during the outage"

wait_until 60 sh -c "! kill -0 $pipeline 2>/dev/null"
ok $? "the pipeline ends after the brokers are back"
wait $pipeline
is "$(cat "$T/spill.rc")" 0 "spill exits 0"
is "$(cat "$T/kcat.rc")" 0 "kcat exits 0"

kafka_consume raw "$T/topic"
is "$(wc -l < "$T/topic" | tr -d ' ')" $N "every record reached the topic"
cmp -s "$T/in" "$T/topic"
ok $? "in order, none twice: the topic is the input"
kafka_stop
done_testing
