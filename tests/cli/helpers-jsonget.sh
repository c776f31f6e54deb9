#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/lib/jsonget, which the tests use to read --format json output:
# it accepts valid JSON only, and prints a member as a reader expects
# (strings unescaped, other values as written).
. "$top_srcdir/tests/lib/tap.sh"

printf '%s\n' '{"a": 1, "s": "x\"y\u00e9\n", "t": true, "n": null,' \
    ' "o": {"a": [1, 2.5e-3, "z"]}, "neg": -0.25, "e": ""}' > "$T/good"
jsonget "$T/good"
ok $? "a valid object is accepted"
is "$(jsonget "$T/good" a)" 1 "a number as written"
is "$(jsonget "$T/good" neg)" -0.25 "a negative fraction as written"
is "$(jsonget "$T/good" s)" "$(printf 'x"y\303\251\n')" \
    "a string unescaped, \\u to UTF-8"
is "$(jsonget "$T/good" t)/$(jsonget "$T/good" n)" true/null \
    "true and null as written"
is "$(jsonget "$T/good" o)" '{"a": [1, 2.5e-3, "z"]}' \
    "an object as its text"
is "$(jsonget "$T/good" e)" "" "an empty string"
jsonget "$T/good" missing > "$T/out" 2> "$T/err"
is "$?:$(cat "$T/out")" 1: "a missing member: exit 1, nothing printed"
jsonget "$T/good" a > /dev/null 2>&1 < /dev/null
ok $? "reads the file, not stdin"

n=0
for bad in '' '{' '{"a":}' '{"a":1,}' '{"a":1} x' '[1 2]' '{"a":01}' \
    '{"a":"\q"}' '{a:1}' '{"a":tru}' '{"a":1.}' "{\"a\":\"$(printf '\t')\"}"; do
	n=$((n + 1))
	printf '%s' "$bad" > "$T/bad"
	jsonget "$T/bad" > /dev/null 2>&1
	is $? 1 "invalid JSON refused ($n: '$bad')"
done
printf '[1]' > "$T/arr"
jsonget "$T/arr" a > /dev/null 2>&1
is $? 1 "a member of a non-object: exit 1"
jsonget > /dev/null 2>&1
is $? 2 "no operand: usage, exit 2"

done_testing
