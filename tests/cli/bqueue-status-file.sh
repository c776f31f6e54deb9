#!/bin/sh
# SPDX-License-Identifier: ISC
# The status file: published under $PIPEFLOW_STATUS_DIR (made mode 700)
# while bqueue runs, valid Prometheus text, showing the saturated state
# and the buffer; removed at exit.  The states go normal -> constrained ->
# saturated and, once the consumer goes on, recovery -> normal (-v);
# --on-state sees each in PIPEFLOW_STATE and its output never reaches the
# data.  A status directory open to the group is refused with a warning,
# and the data passes all the same.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

metric_file=$T/st/q1.prom
in_state() {
	grep -q "^pipeflow_state{stage=\"q1\",tool=\"bqueue\",state=\"$1\"} 1\$" \
	    "$T/st/q1.prom" 2>/dev/null
}
# order FILE A B...: the first lines matching A, B, ... come in that order
order() {
	_f=$1
	shift
	_last=0
	for _re; do
		_l=$(grep -n -e "$_re" "$_f" | head -n 1 | cut -d: -f1)
		[ -n "$_l" ] && [ "$_l" -gt "$_last" ] || return 1
		_last=$_l
	done
}

seq 1 400000 > "$T/in"		# about 2.6M: more than pipes and -m hold

rm -f "$T/b"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
# A slow, steady producer, so the fill passes each mark on its own; it
# keeps its end open a while after, for the recovery to settle.
{ stallpipe 1 2048 5000 < "$T/in"; sleep 0.6; } |
    PIPEFLOW_STATUS_DIR=$T/st bqueue -v -m 1M --name q1 --settle 200ms \
    --status-interval 50ms \
    --on-state "echo \"\$PIPEFLOW_STATE\" >> '$T/states'; echo on-state-said" \
    > "$T/b" 2> "$T/err" &
q=$!

wait_until 10 is_stopped $c
ok $? "consumer stopped"
wait_until 30 in_state saturated
ok $? "the status file shows state saturated"
test -f "$T/st/q1.prom"
ok $? "status file is \$PIPEFLOW_STATUS_DIR/q1.prom"
is "$(stat -c %a "$T/st")" 700 "status directory made mode 700"
bytes=$(metric pipeflow_buffer_bytes)
cap=$(metric pipeflow_buffer_capacity_bytes)
is "$cap" 1048576 "capacity is -m"
[ -n "$bytes" ] && [ "$bytes" -ge $((cap * 9 / 10)) ] &&
    [ "$bytes" -le "$cap" ]
ok $? "buffer bytes $bytes past 90% of the capacity, within it"
like "$(metric pipeflow_pressure)" "^(0\.9|1$)" "pressure past 0.9"
grep -q '^pipeflow_records_in_total{stage="q1",tool="bqueue"} [0-9]' \
    "$T/st/q1.prom"
ok $? "samples carry the stage and tool labels"
cp "$T/st/q1.prom" "$T/snapshot"
if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$T/snapshot" > "$T/promtool" 2>&1
	ok $? "promtool check metrics accepts it"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP promtool is not installed"
fi
ls -a "$T/st" > "$T/ls"
is "$(grep -v '^\.\.\{0,1\}$' "$T/ls" | tr '\n' ' ')" ".q1.lock q1.prom " \
    "nothing else in the directory than the file and its lock"

kill -CONT "$(cat "$T/cpid")"
wait $q
is $? 0 "exit 0"
wait $c
cmp -s "$T/in" "$T/out"
ok $? "data intact; nothing from --on-state in it"
[ ! -e "$T/st/q1.prom" ]
ok $? "status file removed at exit"

order "$T/err" "normal -> constrained" "constrained -> saturated" \
    "saturated -> recovery" "recovery -> normal"
ok $? "-v: normal -> constrained -> saturated -> recovery -> normal"
grep -q on-state-said "$T/err"
ok $? "--on-state output goes to stderr"
wait_until 5 grep -qx normal "$T/states"
order "$T/states" '^constrained$' '^saturated$' '^recovery$' \
    '^normal$'
ok $? "--on-state ran with PIPEFLOW_STATE for each state in turn"

# Input that stays open until the file "$T/eof" appears (removed before
# the pipeline starts: removed inside, it could go after the test made it).
until_eof() {
	seq 1 10
	while [ ! -e "$T/eof" ]; do sleep 0.05; done
}

# Without --name the stage is bqueue-PID.
rm -rf "$T/st" "$T/eof"
until_eof | PIPEFLOW_STATUS_DIR=$T/st bqueue \
    --status-interval 50ms > "$T/out" &
q=$!
wait_until 20 test -f "$T/st/bqueue-$q.prom"
ok $? "without --name: \$PIPEFLOW_STATUS_DIR/bqueue-PID.prom"
: > "$T/eof"
wait $q
[ ! -e "$T/st/bqueue-$q.prom" ]
ok $? "without --name: removed at exit"

# No $PIPEFLOW_STATUS_DIR: $XDG_RUNTIME_DIR/pipeflow.
mkdir -m 700 "$T/xdg"
rm -f "$T/eof"
until_eof | XDG_RUNTIME_DIR=$T/xdg bqueue --name q2 \
    --status-interval 50ms > "$T/out" &
q=$!
wait_until 20 test -f "$T/xdg/pipeflow/q2.prom"
ok $? "\$XDG_RUNTIME_DIR/pipeflow/q2.prom"
: > "$T/eof"
wait $q
is "$(stat -c %a "$T/xdg/pipeflow")" 700 \
    "\$XDG_RUNTIME_DIR/pipeflow is mode 700"

# A directory others may write to is refused; the data goes on.
mkdir "$T/open"
chmod 770 "$T/open"
seq 1 100000 | PIPEFLOW_STATUS_DIR=$T/open bqueue --name q3 > "$T/out" \
    2> "$T/err"
is $? 0 "group-writable status directory: exit 0"
like "$(cat "$T/err")" "status file not written: writable by group or others" \
    "group-writable status directory: refused with a warning"
seq 1 100000 | cmp -s - "$T/out"
ok $? "group-writable status directory: data intact"
is "$(ls -A "$T/open")" "" "group-writable status directory: left empty"

done_testing
