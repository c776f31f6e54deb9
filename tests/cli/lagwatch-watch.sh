#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch --watch: with two pipelines running, one flowing and one whose
# consumer is stopped, --once --format json lists both, the saturated one
# first, with its pid and the right states; a stage killed with SIGKILL
# (its status file left behind) is marked stale; --check exits 3 while a
# stage is saturated or stale and 0 once all are normal; the plain
# snapshot has no escape sequences; the directory comes from
# $PIPEFLOW_STATUS_DIR without an operand; a missing directory exits 1.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

command -v lagwatch > /dev/null 2>&1 || skip_all "lagwatch is not built"
command -v python3 > /dev/null 2>&1 || skip_all "needs python3"

# in_state STAGE STATE: the status file says so
in_state() {
	_l="pipeflow_state{stage=\"$1\",tool=\"bqueue\",state=\"$2\"} 1"
	grep -q -x -F "$_l" "$D/$1.prom" 2>/dev/null
}
# json EXPR: evaluate EXPR on the parsed snapshot in $T/json, with
# s[NAME] for each stage and names for their order
json() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [x["stage"] for x in d["stages"]]
s = dict((x["stage"], x) for x in d["stages"])
print(eval(sys.argv[2]))' "$T/json" "$1"
}
# Input that stays open until "$T/eof" appears.
until_eof() {
	seq 1 10
	while [ ! -e "$T/eof" ]; do sleep 0.05; done
}
# Every stage ends on end of input; one that would not must not hang the
# suite, hence the watchdog (its output away, or the harness waits for
# it).
cleanup() {
	[ -n "${_cleaned-}" ] && return
	_cleaned=1
	: > "$T/eof"
	[ -s "$T/cpid" ] && kill -CONT "$(cat "$T/cpid")" 2>/dev/null
	{ sleep 20; kill -KILL ${q1-} ${q2-} ${q3-} 2>/dev/null; } \
	    > /dev/null 2>&1 &
	_w=$!
	wait ${q1-} ${q2-} ${q3-} ${c-} 2> /dev/null
	kill $_w 2> /dev/null
	wait
}
trap 'cleanup; rm -rf "$T"' EXIT

# No stage in a shell pipeline: wait must reap the killed one at once (a
# zombie still answers kill -0).
D=$T/st
mkdir -m 700 "$D"
rm -f "$T/eof"
mkfifo "$T/in1" "$T/in2" "$T/in3" "$T/b"

until_eof > "$T/in1" &
PIPEFLOW_STATUS_DIR=$D bqueue --name flowing --status-interval 50ms \
    "$T/in1" > /dev/null 2> "$T/err1" &
q1=$!
# About 2.6M: more than -m and the pipes (which bqueue enlarges) hold.
{ seq 1 400000; until_eof; } > "$T/in2" &
PIPEFLOW_STATUS_DIR=$D bqueue --name stuck -m 64K --settle 200ms \
    --status-interval 50ms "$T/in2" > "$T/b" 2> "$T/err2" &
q2=$!
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat > /dev/null' "$T/cpid" \
    < "$T/b" &
c=$!
until_eof > "$T/in3" &
PIPEFLOW_STATUS_DIR=$D bqueue --name doomed --status-interval 50ms \
    "$T/in3" > /dev/null 2> "$T/err3" &
q3=$!

wait_until 20 in_state stuck saturated
ok $? "setup: stuck saturates behind its stopped consumer"
wait_until 10 in_state flowing normal && wait_until 10 in_state doomed normal
ok $? "setup: flowing and doomed publish, normal"

lagwatch --watch --once --format json "$D" > "$T/json" 2> "$T/err"
is $? 0 "--once --format json: exit 0"
is "$(cat "$T/err")" "" "--once --format json: nothing on stderr"
is "$(json 'sorted(names)')" "['doomed', 'flowing', 'stuck']" \
    "json: every stage listed"
is "$(json 'names[0]')" stuck "json: the saturated stage comes first"
is "$(json 's["stuck"]["state"], s["stuck"]["stale"]')" \
    "('saturated', False)" "json: stuck is saturated, not stale"
is "$(json 's["flowing"]["state"], s["flowing"]["stale"]')" \
    "('normal', False)" "json: flowing is normal, not stale"
is "$(json 's["stuck"]["pid"]')" "$q2" "json: the pid is the stage's"
is "$(json 's["stuck"]["tool"], s["stuck"]["buffer_capacity"]')" \
    "('bqueue', 65536)" "json: tool and buffer capacity"
is "$(json 's["stuck"]["buffer_fill"] >= 0.9')" True \
    "json: buffer_fill of the saturated stage past 0.9"
is "$(json 'isinstance(s["flowing"]["in_rate"], (int, float))')" True \
    "json: a rate for a stage that writes often"
is "$(json 'd["dir"]')" "$D" "json: dir"

lagwatch --watch --check "$D" > "$T/out" 2> "$T/err"
is $? 3 "--check: exit 3 while a stage is saturated"
like "$(head -n 1 "$T/out")" "^STAGE +TOOL +STATE +IN/s +OUT/s +BUF% +PIPE% \
+AGE +DROPS\$" "--check: prints the table"
like "$(sed -n 2p "$T/out")" "^stuck +bqueue +saturated " \
    "table: worst first"
printf '\033' > "$T/esc"
! grep -q -F -f "$T/esc" "$T/out"
ok $? "table: no escape sequences when not a terminal"

kill -KILL $q3
wait $q3 2> /dev/null
test -f "$D/doomed.prom"
ok $? "a stage killed with SIGKILL leaves its file"
lagwatch --watch --once --format json "$D" > "$T/json"
is "$(json 's["doomed"]["stale"]')" True \
    "json: the killed stage is stale (its process is gone)"
is "$(json 's["flowing"]["stale"]')" False "json: flowing is still not"
lagwatch --watch --once "$D" > "$T/out"
like "$(grep '^doomed ' "$T/out")" "^doomed +bqueue +normal stale " \
    "table: the killed stage is marked stale"

kill -CONT "$(cat "$T/cpid")"
wait_until 20 in_state stuck normal
ok $? "setup: stuck back to normal once its consumer runs"
lagwatch --watch --check "$D" > /dev/null
is $? 3 "--check: exit 3 while a stage is stale"
rm -f "$D/doomed.prom"
lagwatch --watch --check "$D" > "$T/out"
is $? 0 "--check: exit 0 when every stage is normal"

PIPEFLOW_STATUS_DIR=$D lagwatch --watch --once --format json > "$T/json"
is "$(json 'd["dir"], sorted(names)')" "('$D', ['flowing', 'stuck'])" \
    "no operand: the directory of \$PIPEFLOW_STATUS_DIR"

mkdir -m 700 "$T/empty"
lagwatch --watch --check --format json "$T/empty" > "$T/json"
is $? 0 "--check: exit 0 with no stages"
is "$(json 'd["stages"]')" "[]" "json: no stages, an empty list"

lagwatch --watch --once "$T/nope" > "$T/out" 2> "$T/err"
is $? 1 "missing directory: exit 1"
is "$(cat "$T/err")" "lagwatch: $T/nope: No such file or directory" \
    "missing directory: says so"
is "$(cat "$T/out")" "" "missing directory: nothing on stdout"
lagwatch --watch --check "$T/nope" > /dev/null 2>&1
is $? 1 "missing directory: --check exits 1 too"

cleanup
done_testing
