#!/bin/sh
# SPDX-License-Identifier: ISC
# spill's status file: under $PIPEFLOW_STATUS_DIR as NAME.prom, with the
# metrics every stage publishes and spill's own, valid for promtool.
# With the consumer stopped and data on disk: pipeflow_spill_bytes and
# the stored bytes are the size of the segment files, the bytes received
# are all accounted for (out, in memory, on disk, staged), the state is
# constrained or saturated, the file keeps being updated and the age of
# the oldest record grows.  A rerun of --durable counts what it recovered.
# The file is removed at exit.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

metric_file=$T/snap
labels='stage="sp",tool="spill"'
# has NAME [LABELS]: a sample of NAME with our labels (and LABELS) in the
# snapshot
has() {
	grep -q "^$1{$labels${2:+,$2}} [0-9]" "$metric_file"
}
# kind NAME KIND: the value of NAME{...,kind="KIND"}
kind() {
	sed -n "s/^$1{$labels,kind=\"$2\"} //p" "$metric_file"
}
segsize() {
	find "$1" -name 'seg-*.pfs' -exec stat -c %s {} + 2>/dev/null |
	    awk '{ s += $1 } END { print s + 0 }'
}
nsegs() {
	find "$1" -name 'seg-*.pfs' | wc -l | tr -d ' '
}
# settled: the status file shows all input received and no change in the
# counters that move while data goes to disk
settled() {
	_a=$(grep -v -e timestamp -e age -e wait_seconds -e pressure \
	    "$T/st/sp.prom" 2> /dev/null)
	sleep 0.2
	_b=$(grep -v -e timestamp -e age -e wait_seconds -e pressure \
	    "$T/st/sp.prom" 2> /dev/null)
	[ -n "$_a" ] && [ "$_a" = "$_b" ] &&
	    grep -q "^pipeflow_records_in_total{$labels} $records\$" \
	    "$T/st/sp.prom"
}

# 8M of lines that compress little
head -c 6000000 /dev/urandom | base64 > "$T/in"
records=$(wc -l < "$T/in" | tr -d ' ')
bytes=$(wc -c < "$T/in" | tr -d ' ')
D=$T/spool

rm -f "$T/b"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
PIPEFLOW_STATUS_DIR=$T/st spill --name sp --status-interval 50ms -m 1M \
    -d "$D" < "$T/in" > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
wait_until 10 test -f "$T/st/sp.prom"
ok $? "the status file is \$PIPEFLOW_STATUS_DIR/NAME.prom"
wait_until 15 settled
ok $? "all $records records received, spill settled with data on disk"
cp "$T/st/sp.prom" "$T/snap"
onesize=$(segsize "$D")
n=$(nsegs "$D")

if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$T/snap" > "$T/promtool" 2>&1
	ok $? "promtool check metrics accepts it"
	[ $? -eq 0 ] || sed 's/^/# /' "$T/promtool"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP promtool is not installed"
fi

missing=
for m in pipeflow_records_in_total pipeflow_bytes_in_total \
    pipeflow_records_out_total pipeflow_bytes_out_total \
    pipeflow_records_coalesced_total pipeflow_buffer_bytes \
    pipeflow_buffer_records pipeflow_buffer_capacity_bytes \
    pipeflow_spill_bytes pipeflow_pressure pipeflow_oldest_age_seconds \
    pipeflow_input_wait_seconds_total pipeflow_output_wait_seconds_total \
    pipeflow_output_pipe_fill_ratio pipeflow_updated_timestamp_seconds; do
	has $m || missing="$missing $m"
done
has pipeflow_records_dropped_total 'reason="[a-z]*"' ||
    missing="$missing pipeflow_records_dropped_total"
has pipeflow_build_info 'version="[^"]*"' ||
    missing="$missing pipeflow_build_info"
for s in normal constrained saturated recovery; do
	has pipeflow_state "state=\"$s\"" || missing="$missing state=$s"
done
is "$missing" "" "the metrics every stage publishes"

missing=
for m in pipeflow_spill_segments pipeflow_spill_disk_records \
    pipeflow_spill_full pipeflow_spill_recovered_total \
    pipeflow_spill_lost_total pipeflow_spill_staged_bytes; do
	has $m || missing="$missing $m"
done
for k in raw stored; do
	has pipeflow_spill_disk_bytes "kind=\"$k\"" ||
	    missing="$missing disk_bytes/$k"
	has pipeflow_spill_written_bytes_total "kind=\"$k\"" ||
	    missing="$missing written_bytes_total/$k"
done
is "$missing" "" "spill's own metrics"
for m in pipeflow_spill_written_bytes_total pipeflow_spill_recovered_total \
    pipeflow_spill_lost_total; do
	grep -q "^# TYPE $m counter\$" "$T/snap" || missing="$missing $m"
done
for m in pipeflow_spill_disk_bytes pipeflow_spill_segments \
    pipeflow_spill_disk_records pipeflow_spill_full \
    pipeflow_spill_staged_bytes; do
	grep -q "^# TYPE $m gauge\$" "$T/snap" || missing="$missing $m"
done
is "$missing" "" "spill's metrics typed: counters and gauges"

is "$(metric pipeflow_buffer_capacity_bytes)" 1048576 "capacity is -m"
sb=$(metric pipeflow_spill_bytes)
[ -n "$sb" ] && [ "$sb" -gt 0 ]
ok $? "pipeflow_spill_bytes $sb > 0 while data sits on disk"
is "$sb" "$onesize" "pipeflow_spill_bytes = size of the segment files"
is "$(kind pipeflow_spill_disk_bytes stored)" "$onesize" \
    "disk bytes, stored = size of the segment files"
is "$(metric pipeflow_spill_segments)" "$n" "segments = the $n segment files"
raw=$(kind pipeflow_spill_disk_bytes raw)
staged=$(metric pipeflow_spill_staged_bytes)
is "$(metric pipeflow_bytes_in_total)" "$bytes" "all $bytes bytes received"
is $(($(metric pipeflow_bytes_out_total) + $(metric pipeflow_buffer_bytes) + \
    raw + staged)) "$bytes" \
    "bytes received = out + in memory + on disk (raw) + staged"
# records staged: from the input, those past the ones out, in memory and
# on disk
inmem=$(($(metric pipeflow_records_out_total) + \
    $(metric pipeflow_buffer_records) + $(metric pipeflow_spill_disk_records)))
is "$(tail -n +$((inmem + 1)) "$T/in" | wc -c | tr -d ' ')" "$staged" \
    "records out + in memory + on disk, then the staged bytes: the input"
# nothing removed yet: all that was written is there
is "$(kind pipeflow_spill_written_bytes_total raw)" "$raw" \
    "written, raw = on disk, raw (nothing removed yet)"
is "$(kind pipeflow_spill_written_bytes_total stored)" "$onesize" \
    "written, stored = the files' size (nothing removed yet)"
is "$(metric pipeflow_spill_full)/$(metric pipeflow_spill_recovered_total)/$(metric pipeflow_spill_lost_total)" \
    0/0/0 "not full (no bound), nothing recovered, nothing lost"
grep -q -E "^pipeflow_state\{$labels,state=\"(constrained|saturated)\"\} 1\$" \
    "$T/snap"
ok $? "state constrained or saturated"
like "$(metric pipeflow_pressure)" '^(0\.[5-9]|1$)' \
    "pressure at least 0.5 with data on disk"
age1=$(metric pipeflow_oldest_age_seconds)
ts1=$(metric pipeflow_updated_timestamp_seconds)
sleep 1
cp "$T/st/sp.prom" "$T/snap"
age2=$(metric pipeflow_oldest_age_seconds)
ts2=$(metric pipeflow_updated_timestamp_seconds)
awk -v a="$age1" -v b="$age2" 'BEGIN { exit !(b - a >= 0.8 && b - a <= 3) }'
ok $? "the oldest record's age grows with time: $age1 s, then $age2 s"
awk -v a="$ts1" -v b="$ts2" 'BEGIN { exit !(b - a >= 0.8) }'
ok $? "the file keeps being updated while spill is blocked"
is "$(stat -c %a "$T/st")" 700 "status directory made mode 700"

kill -CONT "$(cat "$T/cpid")"
wait $q
is $? 0 "exit 0"
wait $c
cmp -s "$T/in" "$T/out"
ok $? "data intact"
[ ! -e "$T/st/sp.prom" ]
ok $? "status file removed at exit"

# --durable: kept by a SIGTERM, then counted as recovered by the rerun.
seq 1 100000 > "$T/in"
rm -rf "$D" "$T/st"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > /dev/null &
c=$!
spill --durable -d "$D" < "$T/in" > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
# all on disk (--info takes no lock: it may look)
all_on_disk() {
	spill --info "$D" 2> /dev/null |
	    grep -q '^records: *100000 undelivered$'
}
wait_until 20 all_on_disk
kill -TERM $q
{ wait $q; } 2> /dev/null
kill -CONT "$(cat "$T/cpid")"
wait $c
kept=$(sed -n 's/^spill: \([0-9]*\) records kept in .* for the next run$/\1/p' \
    "$T/err")
like "$kept" '^[1-9][0-9]*$' "--durable: $kept records kept"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
PIPEFLOW_STATUS_DIR=$T/st spill --name sp --status-interval 50ms \
    --durable -d "$D" < /dev/null > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
wait_until 10 test -f "$T/st/sp.prom"
wait_until 10 grep -q "^pipeflow_records_in_total{$labels} $kept\$" \
    "$T/st/sp.prom"
cp "$T/st/sp.prom" "$T/snap"
is "$(metric pipeflow_spill_recovered_total)" "$kept" \
    "rerun: pipeflow_spill_recovered_total = the $kept records kept"
is "$(metric pipeflow_records_in_total)" "$kept" \
    "rerun: they count as received"
kill -CONT "$(cat "$T/cpid")"
wait $q
is $? 0 "rerun: exit 0"
wait $c
cmp -s "$T/in" "$T/out"
ok $? "rerun: delivers them all"
[ ! -e "$T/st/sp.prom" ]
ok $? "rerun: status file removed at exit"

done_testing
