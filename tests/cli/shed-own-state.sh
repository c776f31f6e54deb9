#!/bin/sh
# SPDX-License-Identifier: ISC
# Without --follow, --constrained-shed and --saturated-shed apply to
# shed's own state (its buffer's fill), shedding early by class before
# the buffer is full, counted under "state"; not asked, they shed
# nothing, and nothing is shed while the consumer keeps up.
. "$top_srcdir/tests/lib/tap.sh"

pad=$(head -c 200 /dev/zero | tr '\0' p)
awk -v pad="$pad" 'BEGIN { srand(8); for (i = 0; i < 20000; i++)
	printf "%d %d %s\n", int(rand() * 10), i, pad }' > "$T/in"

shed -p 1 --constrained-shed 8 --saturated-shed 5 < "$T/in" 2> "$T/err" |
    cat > "$T/out"
cmp -s "$T/in" "$T/out"
ok $? "a consumer that keeps up: nothing shed"
is "$(cat "$T/err")" "" "a consumer that keeps up: nothing said"

rm -f "$T/dl"
shed -v -p 1 --buffer 256K --constrained-shed 8 --saturated-shed 5 \
    --dead-letter "$T/dl" < "$T/in" 2> "$T/err" | { sleep 1; cat; } > "$T/out"
line=$(grep '^shed: shed by state:' "$T/err")
like "$line" "^shed: shed by state: [1-9][0-9]* " "stalled: shed by state"
ok $(printf '%s\n' "$line" | grep -q ' p[1-4]='; echo $((! $?))) \
    "stalled: the state sheds only priority 5 and above"
is "$(grep -c '^0 ' "$T/out")" "$(grep -c '^0 ' "$T/in")" \
    "stalled: every priority 0 record arrives"
is "$(sort "$T/out" "$T/dl" | cksum)" "$(sort "$T/in" | cksum)" \
    "stalled: delivered and shed are the input"
like "$(cat "$T/err")" "normal -> (constrained|saturated)" \
    "stalled: the state changed"

rm -f "$T/dl"
shed -v -p 1 --buffer 256K --dead-letter "$T/dl" < "$T/in" 2> "$T/err" |
    { sleep 1; cat; } > "$T/out"
like "$(cat "$T/err")" "shed by state: 0" "not asked: nothing shed by state"

done_testing
