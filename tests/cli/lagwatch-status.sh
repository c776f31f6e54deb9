#!/bin/sh
# SPDX-License-Identifier: ISC
# The status file of lagwatch: $PIPEFLOW_STATUS_DIR/NAME.prom exists
# while it runs, is valid Prometheus text (promtool), carries the metrics
# every stage publishes and lagwatch's own -- the record ages of the last
# interval, never empty just because an interval has just begun, stalls
# and untimed records -- and is removed at exit.  Without --name the
# stage is lagwatch-PID.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

# metric NAME [LABELS]: the value of NAME{stage="lw1",tool="lagwatch"LABELS}
# in $T/snap (in place of proc.sh's metric, which takes any labels).
metric() {
	sed -n "s/^$1{stage=\"lw1\",tool=\"lagwatch\"${2-}} //p" "$T/snap" \
	    2>/dev/null
}
# A snapshot taken once the first 13 records have gone through.
ready() {
	cp "$T/st/lw1.prom" "$T/snap" 2>/dev/null &&
	    [ "$(metric pipeflow_records_in_total)" = 13 ] &&
	    [ "$(metric pipeflow_records_out_total)" = 13 ]
}

# 13 records 5s old (3 without a time); a pause; then a record 5s old
# every 20ms until "$T/eof" appears.
now=$(date +%s)
rm -f "$T/eof" "$T/in"
mkfifo "$T/in"
{
	i=0
	while [ $i -lt 10 ]; do
		echo "$i $((now - 5))"
		i=$((i + 1))
	done
	printf 'x\ny notime\n\n'
	sleep 0.6
	while [ ! -e "$T/eof" ]; do
		echo "tick $(($(date +%s) - 5))"
		sleep 0.02
	done
} > "$T/in" &
g=$!
PIPEFLOW_STATUS_DIR=$T/st lagwatch --name lw1 --time-field 2 -i 300ms \
    --status-interval 50ms "$T/in" > "$T/out" 2> "$T/err" &
p=$!

wait_until 10 ready
ok $? "status file \$PIPEFLOW_STATUS_DIR/lw1.prom while it runs"
is "$(stat -c %a "$T/st")" 700 "status directory made mode 700"
if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$T/snap" > "$T/promtool" 2>&1
	ok $? "promtool check metrics accepts it"
	[ $? = 0 ] || sed 's/^/# /' "$T/promtool"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP promtool is not installed"
fi
for m in pipeflow_records_in_total pipeflow_bytes_in_total \
    pipeflow_records_out_total pipeflow_bytes_out_total \
    pipeflow_records_dropped_total pipeflow_buffer_bytes \
    pipeflow_buffer_records pipeflow_buffer_capacity_bytes \
    pipeflow_pressure pipeflow_state pipeflow_oldest_age_seconds \
    pipeflow_input_wait_seconds_total pipeflow_output_wait_seconds_total \
    pipeflow_updated_timestamp_seconds pipeflow_build_info \
    pipeflow_lagwatch_age_seconds pipeflow_lagwatch_stalls_total \
    pipeflow_lagwatch_untimed_records_total; do
	grep -q "^$m{stage=\"lw1\",tool=\"lagwatch\"[,}]" "$T/snap"
	ok $? "has $m"
done
grep -q '^# TYPE pipeflow_lagwatch_age_seconds summary$' "$T/snap"
ok $? "pipeflow_lagwatch_age_seconds is a summary (it has quantiles)"
# A summary without _sum and _count reads as zeros to Prometheus.
is "$(metric pipeflow_lagwatch_age_seconds_count)" 10 \
    "summary: _count is the 10 timed records"
sum=$(metric pipeflow_lagwatch_age_seconds_sum)
awk -v s="$sum" 'BEGIN { exit !(s ~ /^[0-9.]+$/ && s >= 45 && s <= 75) }'
ok $? "summary: _sum is their ages added up, about 10 x 5s ($sum)"
is "$(metric pipeflow_records_out_total)" 13 "records out"
is "$(metric pipeflow_lagwatch_untimed_records_total)" 3 \
    "3 records without a time"
is "$(metric pipeflow_lagwatch_stalls_total)" 0 "no stalls"
grep -q '^pipeflow_state{stage="lw1",tool="lagwatch",state="normal"} 1$' \
    "$T/snap"
ok $? "state normal"

# The ages, read many times over while ticks come: those of the last
# whole interval, so never 0 because an interval has just begun.
age_set() {
	cp "$T/st/lw1.prom" "$T/snap" 2>/dev/null &&
	    like_5s "$(metric pipeflow_lagwatch_age_seconds ',quantile="0.5"')"
}
like_5s() {
	case $1 in
	[4-6].*)	return 0 ;;
	esac
	return 1
}
# Ticks for more than two intervals: the last whole one has some.
ticks() {
	[ "$(grep -c tick "$T/out")" -ge 40 ]
}
wait_until 10 ticks && wait_until 5 age_set
ok $? "the ages of the ticks show"
n=0
zero=0
lo=0
while [ $n -lt 40 ]; do
	cp "$T/st/lw1.prom" "$T/snap"
	for q in 0.5 0.95 0.99; do
		v=$(metric pipeflow_lagwatch_age_seconds ",quantile=\"$q\"")
		case $v in
		0|0.0*|"")	zero=$((zero + 1)); diag "quantile $q: '$v'" ;;
		[4-6].*)	;;
		*)		lo=$((lo + 1)); diag "quantile $q: '$v'" ;;
		esac
	done
	sleep 0.03
	n=$((n + 1))
done
is "$zero" 0 "ages never read 0 while 5s-old records flow"
is "$lo" 0 "ages about 5s"

: > "$T/eof"
wait $p
is $? 0 "exit 0"
wait $g
[ ! -e "$T/st/lw1.prom" ]
ok $? "status file removed at exit"
is "$(ls -A "$T/st")" "" "nothing left in the directory"

# Without --name: lagwatch-PID.
rm -f "$T/eof"
{
	seq 1 10
	while [ ! -e "$T/eof" ]; do sleep 0.05; done
} | PIPEFLOW_STATUS_DIR=$T/st lagwatch -q --status-interval 50ms \
    > "$T/out" &
p=$!
wait_until 10 test -f "$T/st/lagwatch-$p.prom"
ok $? "without --name: \$PIPEFLOW_STATUS_DIR/lagwatch-PID.prom"
grep -q "^pipeflow_records_in_total{stage=\"lagwatch-$p\",tool=\"lagwatch\"} " \
    "$T/st/lagwatch-$p.prom"
ok $? "without --name: the stage label is lagwatch-PID"
# No --time-field, no ages: no age family at all, rather than zeros.
grep -c '^pipeflow_lagwatch_age_seconds' "$T/st/lagwatch-$p.prom" > "$T/n"
is "$(cat "$T/n")" 0 "without --time-field: no pipeflow_lagwatch_age_seconds"
: > "$T/eof"
wait $p
[ ! -e "$T/st/lagwatch-$p.prom" ]
ok $? "without --name: removed at exit"

done_testing
