#!/bin/sh
# SPDX-License-Identifier: ISC
# Record ages with --time-field: streams whose records carry times 10s and
# 1s in the past, in a blank-separated field, a -t field, and JSON members
# in rfc3339 (Z and offsets), epoch-ms, epoch-us and epoch; the final JSON
# report gives the median, p95, p99 and maximum age of what was imposed.
# Records from the future are 0s old.  Records without a valid time are
# counted as no_time, never an error: exit 0, data intact.  With
# --age-target 2s, 10s-old records saturate the stage (-v, the final
# report, the status file) and fresh ones leave it normal.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) ||
    skip_all "python3 is not installed"
. "$top_srcdir/tests/lib/report.sh"

# gen.py STYLE N OLDPCT OLD NEW [SLEEP]: N records, OLDPCT% of them OLD
# seconds old (spread through the stream), the others NEW seconds old,
# written as STYLE; then sleep SLEEP seconds before closing.
cat > "$T/gen.py" << 'EOF'
import datetime, sys, time
style, n, oldpct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
old, new = float(sys.argv[4]), float(sys.argv[5])
now = time.time()
tz = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
out = []
for i in range(n):
    t = now - (old if i * oldpct // 100 != (i + 1) * oldpct // 100 else new)
    if style == "blanks":
        out.append(" %d \t %.6f\t\tpayload  %d" % (i, t, i))
    elif style == "csv":
        out.append("%d,a b,%.3f,x" % (i, t))
    elif style == "rfc3339":
        d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        if i % 2:
            s = d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        else:
            s = d.astimezone(tz).isoformat()
        out.append('{"id":%d,"ts":"%s","msg":"x y"}' % (i, s))
    elif style == "epoch-ms":
        out.append('{"ts":%d,"id":%d}' % (int(t * 1000), i))
    elif style == "epoch-us":
        out.append('{"id":%d,"meta":{"ts":"%d"}}' % (i, int(t * 1e6)))
    elif style == "epoch":
        out.append('{"id":%d,"meta":{"ts":%.3f}}' % (i, t))
sys.stdout.write("\n".join(out) + "\n")
sys.stdout.flush()
if len(sys.argv) > 6:
    time.sleep(float(sys.argv[6]))
EOF

# ages NAME STYLE LAGWATCH-ARGS...: 1000 records, 40% 10s old and 60% 1s
# old: p50 about 1s, p95, p99 and max about 10s.
ages() {
	_name=$1
	_style=$2
	shift 2
	"$PY" "$T/gen.py" "$_style" 1000 40 10 1 |
	    tee "$T/in" | lagwatch --format json "$@" > "$T/out" 2> "$T/err"
	is $? 0 "$_name: exit 0"
	final "$T/err"
	cmp -s "$T/in" "$T/out"
	ok $? "$_name: data intact"
	is "$(get age.count)" 1000 "$_name: 1000 ages"
	is "$(get no_time)" 0 "$_name: none without time"
	_v=$(get age.p50)
	within "$_v" 0.97 2.5
	ok $? "$_name: p50 $_v about 1s"
	for _q in p95 p99 max; do
		_v=$(get age.$_q)
		within "$_v" 9.8 11.5
		ok $? "$_name: $_q $_v about 10s"
	done
}

ages "field 2, blanks" blanks --time-field 2
ages "-t , field 3" csv -t , --time-field 3
ages ".ts rfc3339" rfc3339 --time-field .ts --time-format rfc3339
ages ".ts epoch-ms" epoch-ms --time-field .ts --time-format epoch-ms
ages ".meta.ts epoch-us" epoch-us --time-field .meta.ts \
    --time-format epoch-us
ages ".meta.ts epoch" epoch --time-field .meta.ts

# Most of them old: the median moves to 10s.
"$PY" "$T/gen.py" blanks 1000 70 10 1 |
    lagwatch --format json --time-field 2 > /dev/null 2> "$T/err"
final "$T/err"
v=$(get age.p50)
within "$v" 9.8 11.5
ok $? "70% 10s old: p50 $v about 10s"

# From the future: 0s old.
"$PY" "$T/gen.py" blanks 100 50 -100 -1000 |
    lagwatch --format json --time-field 2 > /dev/null 2> "$T/err"
final "$T/err"
is "$(get age.max)" 0.0 "from the future: 0s old"
is "$(get age.count)" 100 "from the future: counted"

# Records without a valid time: counted, passed on, never fatal.
{
	"$PY" "$T/gen.py" blanks 10 0 0 1
	printf 'garbage\n\nonefield\nx notatime y\nx 12abc y\n'
	printf 'x 1e400 y\nx -- y\nx\t\t\n\0\377\376 binary\n'
	"$PY" "$T/gen.py" blanks 10 0 0 1
	printf 'no terminator'
} > "$T/in"
lagwatch --time-field 2 --format json < "$T/in" > "$T/out" 2> "$T/err"
is $? 0 "field 2 without time: exit 0"
final "$T/err"
cmp -s "$T/in" "$T/out"
ok $? "field 2 without time: data intact"
is "$(get no_time)" 10 "field 2 without time: 10 counted"
is "$(get age.count)" 20 "field 2 without time: 20 timed"
is "$(get records_out)" 30 "field 2 without time: 30 records"
lagwatch --time-field 2 < "$T/in" > "$T/out" 2> "$T/err"
like "$(grep 'done: ' "$T/err")" "; 10 without time" \
    "field 2 without time: the text report says how many"

{
	"$PY" "$T/gen.py" rfc3339 10 0 0 1
	printf '%s\n' 'not json' '{"id":1}' '{"ts":"yesterday"}' \
	    '{"ts":null}' '{"ts":{"a":1}}' '{"ts":"2026-13-45T99:00:00Z"}' \
	    '{"ts":12}' '[1,2]' '{"ts":"2026-11-23T10:00:00' ''
} > "$T/in"
lagwatch --time-field .ts --time-format rfc3339 --format json \
    < "$T/in" > "$T/out" 2> "$T/err"
is $? 0 ".ts without time: exit 0"
final "$T/err"
cmp -s "$T/in" "$T/out"
ok $? ".ts without time: data intact"
is "$(get no_time)" 10 ".ts without time: 10 counted"
is "$(get age.count)" 10 ".ts without time: 10 timed"

# --age-target 2s: 10s-old records saturate the stage.
"$PY" "$T/gen.py" blanks 1000 100 10 10 |
    lagwatch -v --time-field 2 --age-target 2s --format json \
    > "$T/out" 2> "$T/err"
is $? 0 "--age-target, 10s old: exit 0"
final "$T/err"
grep -q -- '-> saturated' "$T/err"
ok $? "--age-target, 10s old: -v reports the change to saturated"
is "$(get state)" saturated \
    "--age-target, 10s old: the final report says saturated"

"$PY" "$T/gen.py" blanks 1000 0 0 0 |
    lagwatch -v --time-field 2 --age-target 2s --format json \
    > "$T/out" 2> "$T/err"
is $? 0 "--age-target, fresh: exit 0"
final "$T/err"
grep -q -- ' -> ' "$T/err"
ok $((! $?)) "--age-target, fresh: no change of state"
is "$(get state)" normal "--age-target, fresh: normal"

# The status file while it runs: saturated, then, once fresh records
# come, recovery and normal again.
in_state() {
	grep -q "^pipeflow_state{stage=\"age\",tool=\"lagwatch\",state=\"$1\"} 1\$" \
	    "$T/st/age.prom" 2>/dev/null
}
rm -f "$T/go"
{
	"$PY" "$T/gen.py" blanks 100 100 10 10
	while [ ! -e "$T/go" ]; do sleep 0.05; done
	"$PY" "$T/gen.py" blanks 100 0 0 0 1.5
} | PIPEFLOW_STATUS_DIR=$T/st lagwatch -v --name age --time-field 2 \
    --age-target 2s --settle 300ms --status-interval 50ms > "$T/out" \
    2> "$T/err" &
p=$!
wait_until 10 in_state saturated
ok $? "--age-target, status file: saturated with 10s-old records"
: > "$T/go"
wait_until 10 in_state normal
ok $? "--age-target, status file: normal again with fresh records"
wait $p
is $? 0 "--age-target, status file: exit 0"
grep -q 'saturated -> recovery' "$T/err" &&
    grep -q 'recovery -> normal' "$T/err"
ok $? "--age-target: -v saturated -> recovery -> normal"

done_testing
