#!/bin/sh
# SPDX-License-Identifier: ISC
# --mark: after each shedding episode (nothing held and nothing shed for
# --settle, or input ended) one record in the stream says what was shed,
# by trigger and priority: a line, or a JSON object when the priority is
# a JSON field.  It comes after every record held in the episode, counts
# exactly what went to the dead-letter file in it, and counts as a record
# received and delivered.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

pad=$(head -c 900 /dev/zero | tr '\0' p)

# counts FILE: "dropped p1 ... p9" of the records in FILE (field 1).
counts() {
	awk '{ n++; p[$1]++ } END { printf "%d", n
	    for (i = 1; i < 10; i++) printf " %d", p[i] }' "$1"
}

# One episode, input ending while the consumer is stalled: a line mark.
awk -v pad="$pad" 'BEGIN { srand(4); for (i = 0; i < 1500; i++)
	printf "%d %d %s\n", 1 + int(rand() * 9), i, pad }' > "$T/in"
shed -v --mark -p 1 --buffer-records 40 --dead-letter "$T/dl" < "$T/in" \
    2> "$T/err" | { sleep 1; cat; } > "$T/out"
is "$(grep -c '^#pipeflow-shed ' "$T/out")" 1 "one episode: one mark"
is "$(tail -n 1 "$T/out" | cut -c1-14)" "#pipeflow-shed" \
    "one episode: the mark comes after every record held"
want=$(counts "$T/dl" | awk '{ printf "dropped=%d full=%d follow=0 age=0 state=0", $1, $1
    for (i = 2; i <= 10; i++) printf " p%d=%d", i - 1, $i }')
is "$(grep '^#pipeflow-shed ' "$T/out" | cut -d' ' -f2-)" "$want" \
    "one episode: the mark counts what was shed, by priority"
grep -v '^#pipeflow-shed ' "$T/out" > "$T/recs"
is "$(sort "$T/recs" "$T/dl" | cksum)" "$(sort "$T/in" | cksum)" \
    "one episode: records delivered and shed are the input"
n=$(wc -l < "$T/in" | tr -d ' ')
o=$(wc -l < "$T/out" | tr -d ' ')
d=$(wc -l < "$T/dl" | tr -d ' ')
like "$(cat "$T/err")" "done: $((n + 1)) records in, $o out, $d dropped" \
    "one episode: the mark is received and delivered in the counts"

# JSON records: a JSON mark.
awk -v pad="$pad" 'BEGIN { srand(5); for (i = 0; i < 1500; i++)
	printf "{\"prio\":%d,\"n\":%d,\"x\":\"%s\"}\n", 1 + int(rand() * 9), i, pad }' \
    > "$T/in"
rm -f "$T/dl"
shed --mark -p .prio --buffer-records 40 --dead-letter "$T/dl" < "$T/in" \
    2> "$T/err" | { sleep 1; cat; } > "$T/out"
m=$(grep '^{"pipeflow_shed"' "$T/out")
d=$(wc -l < "$T/dl" | tr -d ' ')
like "$m" "^\{\"pipeflow_shed\":\{\"dropped\":$d,\"full\":$d,\"follow\":0,\"age\":0,\"state\":0,\"priority\":\{\"1\":[0-9]+,.*\"9\":[0-9]+\}\}\}\$" \
    "JSON: the mark is a JSON object"
if command -v python3 > /dev/null 2>&1; then
	printf '%s\n' "$m" | python3 -c 'import json, sys; json.load(sys.stdin)'
	ok $? "JSON: the mark parses"
else
	ok 0 "JSON: the mark parses # SKIP python3 not installed"
fi

# Two episodes, --settle apart: two marks, each counting its own.
rm -f "$T/a" "$T/b" "$T/dl" "$T/cpid"
mkfifo "$T/a" "$T/b"
# The consumer stops itself once its FIFO is open: no stop mid-open.
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" < "$T/b" \
    > "$T/out" &
c=$!
shed -v --mark -p 1 --buffer-records 40 --settle 200ms \
    --dead-letter "$T/dl" < "$T/a" > "$T/b" 2> "$T/err" &
q=$!
exec 3> "$T/a"
wait_until 10 is_stopped $c
ok $? "two episodes: the consumer is ready, stopped"
burst() {
	awk -v pad="$pad" -v b=$1 'BEGIN { srand(b); for (i = 0; i < 1500; i++)
	    printf "%d %d-%d %s\n", 1 + int(rand() * 9), b, i, pad }'
}
burst 1 >&3
sleep 0.5
kill -CONT $c
sleep 1
kill -STOP $c
burst 2 >&3
sleep 0.5
kill -CONT $c
exec 3>&-
wait $q
wait $c
is "$(grep -c '^#pipeflow-shed ' "$T/out")" 2 "two episodes: two marks"
first=$(grep -n '^#pipeflow-shed ' "$T/out" | head -n 1 | cut -d: -f1)
second2=$(grep -n ' 2-' "$T/out" | head -n 1 | cut -d: -f1)
ok $([ -n "$first" ] && [ -n "$second2" ] && [ "$first" -lt "$second2" ]; echo $?) \
    "two episodes: the first mark comes before the second burst"
sum=$(grep '^#pipeflow-shed ' "$T/out" | sed 's/.*dropped=\([0-9]*\).*/\1/' |
    awk '{ s += $1 } END { print s + 0 }')
is "$sum" "$(wc -l < "$T/dl" | tr -d ' ')" \
    "two episodes: the marks add up to what was shed"
want1=$(grep ' 1-' "$T/dl" | wc -l | tr -d ' ')
is "$(grep '^#pipeflow-shed ' "$T/out" | head -n 1 | sed 's/.*dropped=\([0-9]*\).*/\1/')" \
    "$want1" "two episodes: the first mark counts the first burst's"

shed --mark < /dev/null > "$T/out"
is "$?:$(wc -c < "$T/out" | tr -d ' ')" "0:0" "nothing shed: no mark"

done_testing
