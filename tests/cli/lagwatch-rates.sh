#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch between two pipes (the tee path) in front of a slow reader
# (about 1 MB/s): its status file, read every 200ms, shows records out
# moving in most samples, never ahead of records in, rather than a whole
# look (up to 1 MiB) at a time; lagwatch --watch --once, as text and as
# JSON, the live --watch table on a terminal, and lagwatch's own line of
# each second show rates that are not 0
# and agree with the rate of the counters; and every record still
# arrives, counted once.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

command -v lagwatch > /dev/null 2>&1 || skip_all "lagwatch is not built"
command -v ratemeter > /dev/null 2>&1 || skip_all "ratemeter is not built"

D=$T/st
metric_file=$T/snap
# 1000000 records of 8 bytes, read 4 KiB every 4ms.
N=1000000
{ yes 1234567 | head -n $N; } 2> /dev/null |
    PIPEFLOW_STATUS_DIR=$D lagwatch --name slow --status-interval 50ms \
    2> "$T/err" | ratemeter 100 4000 > "$T/meter" &
p=$!
trap 'kill $p 2>/dev/null; wait; rm -rf "$T"' EXIT

# Sampled once records have begun to leave.
started() {
	cp "$D/slow.prom" "$T/snap" 2> /dev/null &&
	    [ "$(metric pipeflow_records_out_total)" -gt 0 ] 2> /dev/null
}
wait_until 10 started
ok $? "setup: the status file shows records out"

: > "$T/samples"
i=0
while [ $i -lt 11 ]; do
	cp "$D/slow.prom" "$T/snap" 2> /dev/null
	echo "$(now) $(metric pipeflow_records_in_total)" \
	    "$(metric pipeflow_records_out_total)" >> "$T/samples"
	sleep 0.2
	i=$((i + 1))
done
sed 's/^/# /' "$T/samples"
awk '$3 > $2 { bad++ } END { exit bad > 0 }' "$T/samples"
ok $? "records out never exceed records in"
moved=$(awk 'NR > 1 && $3 > out { n++ } { out = $3 } END { print n + 0 }' \
    "$T/samples")
[ "$moved" -ge 8 ]
ok $? "records out move in most samples ($moved of 10)"
moved=$(awk 'NR > 1 && $2 > i { n++ } { i = $2 } END { print n + 0 }' \
    "$T/samples")
[ "$moved" -ge 8 ]
ok $? "records in move in most samples ($moved of 10)"
# records/s of the counters over the 2s sampled
rate=$(awk 'NR == 1 { t = $1; o = $3 } END { printf "%d", ($3 - o) / ($1 - t) }' \
    "$T/samples")
diag "counters: $rate records/s out"

# near RATE VALUE: VALUE is within a factor of 2 of RATE
near() {
	awk -v r="$1" -v v="$2" 'BEGIN { exit !(v > 0 && v >= r / 2 &&
	    v <= r * 2) }'
}
# "246k" and the like as a number
unhuman() {
	awk -v v="$1" 'BEGIN { m = 1; u = substr(v, length(v))
		if (u == "k") m = 1e3; else if (u == "M") m = 1e6
		if (m > 1) v = substr(v, 1, length(v) - 1)
		printf "%d", v * m }'
}

lagwatch --watch --once --format json "$D" > "$T/json" 2> "$T/werr"
sed 's/^/# /' "$T/json"
in_rate=$(sed -n 's/.*"in_rate":\([0-9.]*\).*/\1/p' "$T/json")
out_rate=$(sed -n 's/.*"out_rate":\([0-9.]*\).*/\1/p' "$T/json")
near "$rate" "$out_rate"
ok $? "--once --format json: out_rate $out_rate agrees with the counters"
near "$rate" "$in_rate"
ok $? "--once --format json: in_rate $in_rate agrees with the counters"

lagwatch --watch --once "$D" > "$T/text" 2> "$T/werr"
sed 's/^/# /' "$T/text"
set -- $(sed -n 's/^slow  *lagwatch  *[a-z]*  *\([^ ]*\)  *\([^ ]*\) .*/\1 \2/p' \
    "$T/text")
near "$rate" "$(unhuman "${2:--}")"
ok $? "--once: OUT/s ${2:-missing} agrees with the counters"
near "$rate" "$(unhuman "${1:--}")"
ok $? "--once: IN/s ${1:-missing} agrees with the counters"

# The live table, under a pseudo-terminal: every row but the first
# (rates need two scans) shows OUT/s near the counters' rate.
if command -v script > /dev/null 2>&1 && command -v timeout > /dev/null 2>&1 &&
    script -qfec true /dev/null < /dev/null > /dev/null 2>&1; then
	printf 'stty cols 120 rows 24 && TERM=xterm timeout -s INT 1.5 lagwatch --watch -i 200ms "%s"\n' \
	    "$D" > "$T/live.sh"
	script -qfec "sh $T/live.sh" /dev/null < /dev/null > "$T/live.pty" 2>&1
	ESC=$(printf '\033')
	tr -d '\r' < "$T/live.pty" | sed -e "s/$ESC\\[[0-9;?]*[A-Za-z]//g" |
	    sed -n 's/^slow  *lagwatch  *[a-z]*  *[^ ]*  *\([^ ]*\) .*/\1/p' |
	    sed 1d > "$T/live"
	bad=0
	while read -r v; do
		near "$rate" "$(unhuman "$v")" || bad=$((bad + 1))
	done < "$T/live"
	[ $bad = 0 ] && [ "$(wc -l < "$T/live")" -ge 3 ]
	ok $? "--watch on a terminal: OUT/s agrees with the counters"
	sed 's/^/# live OUT\/s: /' "$T/live"
else
	skip_n 1 "script(1) cannot make a pseudo-terminal here"
fi

wait $p
ok $? "the pipeline ends, the reader with 0"
like "$(cat "$T/meter")" "^records $N bytes $((N * 8)) " \
    "every record arrives, once"
# The line of every second but the first and the last (of the end).
sed -n 's/^lagwatch slow: \([0-9.]*[kM]*\) rec\/s .*/\1/p' "$T/err" |
    sed '1d;$d' > "$T/lines"
bad=0
while read -r v; do
	near "$rate" "$(unhuman "$v")" || bad=$((bad + 1))
done < "$T/lines"
[ $bad = 0 ] && [ "$(wc -l < "$T/lines")" -ge 3 ]
ok $? \
    "the line of each second agrees with the counters"
[ $bad = 0 ] || sed 's/^/# /' "$T/err"
done_testing
