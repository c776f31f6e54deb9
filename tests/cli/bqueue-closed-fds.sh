#!/bin/sh
# SPDX-License-Identifier: ISC
# Standard descriptors closed at start are opened on /dev/null before
# anything else, so no file bqueue opens later lands on fd 0, 1 or 2:
# stdout closed, no crash and the dead-letter file does not become the
# output; stdin closed, empty output and exit 0; stderr closed, the data
# and the status file stay apart and the data passes.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
[ -z "${PF_VALGRIND:-}" ] || skip_all "valgrind needs the standard descriptors"

seq 1 100000 > "$T/in"

bqueue < "$T/in" >&- 2> "$T/err"
is $? 0 "stdout closed: exit 0, no crash"
is "$(cat "$T/err")" "" "stdout closed: nothing on stderr"

bqueue -m 4K --on-full drop-newest --dead-letter "$T/dl" < "$T/in" >&-
is $? 0 "stdout closed, --dead-letter: exit 0"
is "$(wc -c < "$T/dl" | tr -d ' ')" 0 \
    "stdout closed, --dead-letter: the dead-letter file is not the output"

bqueue <&- > "$T/out" 2> "$T/err"
is $? 0 "stdin closed: exit 0"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "stdin closed: empty output"
is "$(cat "$T/err")" "" "stdin closed: nothing on stderr"

bqueue <&- >&- 2>&-
is $? 0 "all three closed: exit 0"

# stderr closed while a status file is written and -v has things to say.
rm -f "$T/a"
mkfifo "$T/a"
PIPEFLOW_STATUS_DIR=$T/st bqueue -v --name c --status-interval 50ms \
    < "$T/a" > "$T/out" 2>&- &
q=$!
exec 3> "$T/a"
cat "$T/in" >&3
wait_until 10 test -s "$T/st/c.prom"
ok $? "stderr closed: status file written"
sleep 0.2
cp "$T/st/c.prom" "$T/snapshot"
exec 3>&-
wait $q
is $? 0 "stderr closed: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "stderr closed: data intact, no status text in it"
grep -q -v -e '^# ' -e '^pipeflow_[a-z_]*{[^}]*} [-+0-9.eE]*$' \
    -e '^pipeflow_[a-z_]*{[^}]*} [+-]Inf$' -e '^pipeflow_[a-z_]*{[^}]*} NaN$' \
    "$T/snapshot"
ok $((!$?)) "stderr closed: status file holds only metrics"
if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$T/snapshot" > /dev/null 2>&1
	ok $? "stderr closed: promtool accepts the status file"
fi
[ ! -e "$T/st/c.prom" ]
ok $? "stderr closed: status file removed"

done_testing
