#!/bin/sh
# SPDX-License-Identifier: ISC
# Periodic reports: with -i 200ms --log FILE, every format writes one
# report per interval to FILE and nothing to stderr or stdout (stdout is
# the data).  json: one object per line with the documented members, only
# the last "final": true and carrying the verdict.  text: one line per
# interval, a final "done:" line and the verdict.  prom: blocks of
# counters, each followed by an empty line.  --log appends.  A --stall
# shorter than -i does not space the reports out.  -q prints nothing,
# neither on stderr nor in the log.
. "$top_srcdir/tests/lib/tap.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) ||
    skip_all "python3 is not installed"

# 1000 records, about 1s of nothing, 1000 more; with FILE, only once
# FILE exists (lagwatch opened its --log: it may be slow to start).
src() {
	_i=0
	while [ -n "${1-}" ] && [ ! -e "$1" ] && [ $_i -lt 1000 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
	seq 1 1000
	sleep 1
	seq 1001 2000
}
seq 1 2000 > "$T/want"
# run NAME ARGS...: in the background, src | lagwatch ARGS, its stdout in
# $T/NAME.out, its stderr in $T/NAME.err, its status in $T/NAME.rc.
run() {
	_n=$1
	shift
	_w=
	case "$*" in
	*"$T/$_n.log"*)	_w=$T/$_n.log ;;
	esac
	{
		# A status directory each: several runs share a --name.
		src "$_w" | PIPEFLOW_STATUS_DIR=$T/st-$_n \
		    lagwatch "$@" > "$T/$_n.out" 2> "$T/$_n.err"
		echo $? > "$T/$_n.rc"
	} &
}
# checkrun NAME: exit 0, the data on stdout, stderr empty (3 tests)
checkrun() {
	is "$(cat "$T/$1.rc")" 0 "$1: exit 0"
	cmp -s "$T/want" "$T/$1.out"
	ok $? "$1: stdout is the data"
	is "$(wc -c < "$T/$1.err" | tr -d ' ')" 0 "$1: nothing on stderr"
}

# The runs sleep: they go side by side.
echo previous > "$T/app"
run json -i 200ms --log "$T/json.log" --format json --name lg
run append -i 200ms --log "$T/app" --format json
run text -i 200ms --log "$T/text.log" --name lg
run prom -i 200ms --log "$T/prom.log" --format prom --name lg
run stall -i 200ms --log "$T/stall.log" --format json --stall 600ms
for fmt in text json prom; do
	run "q$fmt" -q -i 200ms --format $fmt
done
wait

checkrun json
"$PY" - "$T/json.log" > "$T/check" 2>&1 << 'EOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "the log ends with a newline"
objs = [json.loads(l) for l in lines[:-1]]
assert len(objs) >= 3, "%d reports in over 1s at -i 200ms" % len(objs)
keys = ["stage", "time", "final", "elapsed", "records_in", "records_out",
        "bytes_in", "bytes_out", "in_rate", "out_rate", "bytes_rate",
        "input_wait", "output_wait", "output_pipe_fill", "state", "stalls",
        "no_time"]
for o in objs:
    assert isinstance(o, dict), "an object per line"
    for k in keys:
        assert k in o, "member %s in %r" % (k, o)
    assert o["stage"] == "lg", "stage is --name"
    assert "age" not in o, "no age without --time-field"
for o in objs[:-1]:
    assert o["final"] is False, "only the last is final"
    assert "verdict" not in o, "no verdict before the end"
f = objs[-1]
assert f["final"] is True, "the last is final"
assert f["records_in"] == 2000 and f["records_out"] == 2000, "counts"
v = f["verdict"]
assert v["bound"] in ("upstream-bound", "downstream-bound", "balanced")
assert v["input_wait"] == f["input_wait"], "the verdict's input_wait"
assert v["output_wait"] == f["output_wait"], "the verdict's output_wait"
prev = 0
for o in objs:
    assert o["elapsed"] >= prev, "elapsed grows"
    prev = o["elapsed"]
    assert 0 <= o["input_wait"] <= 1 and 0 <= o["output_wait"] <= 1
print("ok", len(objs))
EOF
ok $? "json: $(tail -n 1 "$T/check")"

is "$(head -n 1 "$T/app")" previous "--log appends: what was there stays"
is "$(grep -c '"final":true' "$T/app")" 1 "--log appends: the reports follow"

checkrun text
n=$(wc -l < "$T/text.log" | tr -d ' ')
[ "$n" -ge 4 ]
ok $? "text: $n lines: reports, the final one and the verdict"
sed '$d' "$T/text.log" > "$T/reports"
bad=$(grep -Evc '^lagwatch lg: (done: )?[0-9.]+k? rec/s [0-9.]+[KMG]?i?B?/s, [0-9.]+k? rec [0-9.]+[KMG]?i?B? in [0-9.hms]+; wait in [0-9]+% out [0-9]+%; (normal|constrained|saturated|recovery)$' \
    "$T/reports")
is "$bad" 0 "text: every report line in the documented form"
[ $? = 0 ] || sed 's/^/# /' "$T/reports"
is "$(grep -c 'done: ' "$T/text.log")" 1 "text: one final report"
like "$(sed -n '$p' "$T/text.log")" \
    '^lagwatch lg: (upstream-bound|downstream-bound|balanced): (waiting for input|blocked on output) [0-9]+% of the time \((blocked on output|waiting for input) [0-9]+%\)$' \
    "text: the verdict last"

checkrun prom
bad=$(grep -v '^$' "$T/prom.log" | grep -Evc '^pipeflow_[a-z_]+\{stage="lg",tool="lagwatch"\} [0-9]+(\.[0-9]+)?$')
is "$bad" 0 "prom: every line a sample or empty"
blocks=$(grep -c '^$' "$T/prom.log")
[ "$blocks" -ge 3 ]
ok $? "prom: $blocks blocks, each ended by an empty line"
is "$(sed -n '$p' "$T/prom.log")" "" "prom: the log ends with an empty line"
is "$(grep -c '^pipeflow_records_in_total' "$T/prom.log")" "$blocks" \
    "prom: records in every block"
is "$(grep '^pipeflow_records_out_total' "$T/prom.log" | tail -n 1 |
    cut -d' ' -f2)" 2000 "prom: the last block counts every record"
grep '^pipeflow_input_wait_seconds_total' "$T/prom.log" | cut -d' ' -f2 |
    awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 } END { exit bad }'
ok $? "prom: the wait counter never goes back"

# Looking for stalls more often than -i does not space the reports out.
checkrun stall
"$PY" - "$T/stall.log" > "$T/check" 2>&1 << 'EOF'
import json, sys
t = [json.loads(l)["elapsed"] for l in open(sys.argv[1])][:-1]
d = sorted(b - a for a, b in zip(t, t[1:]))
assert d, "reports: %r" % t
m = d[len(d) // 2]
assert 0.15 <= m <= 0.27, "reports %.3fs apart: %r" % (m, t)
print("reports %.3fs apart" % m)
EOF
ok $? "--stall 600ms -i 200ms: $(tail -n 1 "$T/check")"

# -q: nothing at all.
for fmt in text json prom; do
	checkrun "q$fmt"
done
rm -f "$T/qlog"
seq 1 10 | lagwatch -q -i 200ms --log "$T/qlog" > /dev/null 2> "$T/err"
is "$(cat "$T/qlog" "$T/err" | wc -c | tr -d ' ')" 0 \
    "-q --log: nothing in the log either"

# A log that cannot be opened: an error naming it, not a pass.
seq 1 10 | lagwatch --log "$T/no/such/dir/log" > "$T/out" 2> "$T/err"
r=$?
[ $r -ne 0 ] && [ $r -ne 2 ]
ok $? "--log in a missing directory: a runtime error ($r)"
like "$(cat "$T/err")" "lagwatch: --log: .*no/such/dir/log" \
    "--log in a missing directory: the message names it"

done_testing
