#!/bin/sh
# SPDX-License-Identifier: ISC
# --mode drop: records out + dropped = records in, the drops counted
# under the reason "rate" (stderr, status file) and kept in the
# dead-letter file, exactly the ones missing from the output, which
# spill --drain reads back, plain and .zst; --fail-on-drop exits 4.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 8000 > "$T/in"
mkdir -m 700 "$T/st"

for dl in dropped dropped.zst; do
	rm -f "$T/$dl"
	# Offered at 8000/s for a second, let through at 2000/s.
	throttle -r 8000/s "$T/in" |
	    PIPEFLOW_STATUS_DIR=$T/st throttle -r 2000/s --mode drop \
	    --dead-letter "$T/$dl" --name drop -v > "$T/out" 2> "$T/err"
	is "$?" 0 "$dl: exit 0 without --fail-on-drop"
	out=$(wc -l < "$T/out" | tr -d ' ')
	spill --drain "$T/$dl" > "$T/back"
	is "$?" 0 "$dl: spill --drain reads the dead-letter file"
	back=$(wc -l < "$T/back" | tr -d ' ')
	is "$((out + back))" 8000 "$dl: out ($out) + dropped ($back) = in"
	ok "$([ "$out" -ge 1500 ] && [ "$out" -le 4500 ]; echo $?)" \
	    "$dl: some passed, most were dropped ($out)"
	sort -n "$T/out" "$T/back" | cmp -s - "$T/in"
	ok $? "$dl: the dead-letter file holds exactly the missing records"
	sort -n -c "$T/out"
	ok $? "$dl: what passed is in order"
	like "$(cat "$T/err")" "dropped $back records" \
	    "$dl: stderr counts the drops"
done

# The reason, in the status file while it runs.
{ cat "$T/in"; sleep 1; cat "$T/in"; } |
    PIPEFLOW_STATUS_DIR=$T/st throttle -r 100/s --mode drop --name drop2 \
    > /dev/null 2> "$T/err" &
p=$!
metric_file=$T/st/drop2.prom
wait_until 5 sh -c "[ \"\$(sed -n 's/^pipeflow_records_dropped_total{.*reason=\"rate\"} //p' $metric_file 2>/dev/null)\" -gt 0 ] 2>/dev/null"
ok $? "the status file counts drops under reason=\"rate\""
wait $p

throttle -r 1000/s --mode drop --fail-on-drop "$T/in" > "$T/out" \
    2> "$T/err"
is "$?" 4 "--fail-on-drop: exit 4 when records were dropped"
like "$(cat "$T/err")" "dropped [0-9]+ records" \
    "--fail-on-drop: the drops are reported"
head -n 50 "$T/in" | throttle -r 1000/s --mode drop --fail-on-drop \
    > "$T/out" 2> "$T/err"
is "$?" 0 "--fail-on-drop: exit 0 when nothing was dropped"
is "$(cat "$T/err")" "" "--fail-on-drop: nothing on stderr then"
cmp -s "$T/out" - <<EOF2
$(head -n 50 "$T/in")
EOF2
ok $? "--fail-on-drop: a burst's worth passes whole"

done_testing
