#!/bin/sh
# SPDX-License-Identifier: ISC
# Where a record's priority comes from: a JSON field as a number or a
# string, a numbered field split on -t, or the first --match rule that
# matches; records without a usable priority (missing, not 0 to 9, not a
# digit) get --default-priority and are counted.  Each run stalls the
# consumer until input ended, and what shed kept must be what the
# reference model keeps with the priorities the test expects.
. "$top_srcdir/tests/lib/tap.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) ||
    skip_all "python3 is not installed"

pad=$(head -c 900 /dev/zero | tr '\0' p)

# check NAME DEFAULTED SHED-ARGS...: run on $T/in, expecting $T/prios.
check() {
	name=$1
	ndef=$2
	shift 2
	rm -f "$T/dl"
	shed -v --buffer-records 30 --dead-letter "$T/dl" "$@" < "$T/in" \
	    2> "$T/err" | { sleep 1; cat; } > "$T/out"
	touch "$T/dl"
	"$PY" "$top_srcdir/tests/lib/shedmodel.py" "$T/in" "$T/out" \
	    "$T/dl" 30 "$T/prios" > "$T/res" 2>&1
	is "$(sed -n 's/^order //p' "$T/res")" ok "$name: input order kept"
	is "$(sed -n 's/^split //p' "$T/res")" ok \
	    "$name: delivered and shed are the input"
	is "$(sed -n 's/^p0shed //p' "$T/res")" 0 "$name: no priority 0 shed"
	is "$(sed -n 's/^model //p' "$T/res")" ok \
	    "$name: shed by the expected priorities"
	if [ "$ndef" -eq 0 ]; then
		grep -q 'without a priority' "$T/err"
		ok $((! $?)) "$name: no record given the default"
	fi
}

# JSON: numbers, strings, and bad ones that get the default (7).
awk -v pad="$pad" 'BEGIN { srand(1); for (i = 0; i < 600; i++) {
	k = int(rand() * 12)
	if (k < 5) { p = int(rand() * 10); if (p == 0 && rand() < 0.8) p = 4
	    printf "{\"n\":%d,\"prio\":%d,\"x\":\"%s\"}\n", i, p, pad }
	else if (k < 9) { p = 1 + int(rand() * 9)
	    printf "{\"prio\":\"%d\",\"n\":%d,\"x\":\"%s\"}\n", p, i, pad }
	else if (k == 9) { p = 7; printf "{\"n\":%d,\"x\":\"%s\"}\n", i, pad }
	else if (k == 10) { p = 7; printf "{\"n\":%d,\"prio\":12,\"x\":\"%s\"}\n", i, pad }
	else { p = 7; printf "{\"n\":%d,\"prio\":\"x\",\"x\":\"%s\"}\n", i, pad }
	print p > "/dev/stderr"
} }' > "$T/in" 2> "$T/prios"
n=$(grep -vc '"prio":"\{0,1\}[0-9]"\{0,1\},' "$T/in")
check "-p .prio" "$n" -p .prio --default-priority 7
# With --max-age every record is looked at (its time): all are counted.
shed -v -p .prio --default-priority 7 --max-age 100d --time-field .none \
    < "$T/in" 2> "$T/err" > /dev/null
like "$(cat "$T/err")" "shed: $n records without a priority, of 600 looked at: given 7" \
    "-p .prio: each record given the default is counted once looked at"

# A numbered field split on a comma.
awk -v pad="$pad" 'BEGIN { srand(2); for (i = 0; i < 600; i++) {
	p = 1 + int(rand() * 9); if (rand() < 0.03) p = 0
	printf "%d,%d,%s\n", i, p, pad; print p > "/dev/stderr"
} }' > "$T/in" 2> "$T/prios"
check "-p 2 -t ," 0 -p 2 -t ,

# --match rules: the first that matches wins, else the default (6).
awk -v pad="$pad" 'BEGIN { srand(3); for (i = 0; i < 600; i++) {
	k = int(rand() * 5)
	if (k == 0) { w = rand() < 0.1 ? "ERROR payment" : "click"; p = w == "click" ? 9 : 0 }
	else if (k == 1) { w = "WARN disk"; p = 3 }
	else if (k == 2) { w = "NOTICE login"; p = 3 }
	else if (k == 3) { w = "click then ERROR"; p = 9 }
	else { w = "other"; p = 6 }
	printf "%s %d %s\n", w, i, pad; print p > "/dev/stderr"
} }' > "$T/in" 2> "$T/prios"
n=$(grep -c '^other' "$T/in")
check "--match" "$n" --match '^click=9' --match 'ERROR=0' \
    --match 'WARN|NOTICE=3' --default-priority 6
shed -v --match '^click=9' --match 'ERROR=0' --match 'WARN|NOTICE=3' \
    --default-priority 6 --max-age 100d --time-field 9 \
    < "$T/in" 2> "$T/err" > /dev/null
like "$(cat "$T/err")" "shed: $n records without a priority, of 600 looked at: given 6" \
    "--match: each record given the default is counted once looked at"

done_testing
