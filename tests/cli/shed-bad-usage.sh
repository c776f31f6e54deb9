#!/bin/sh
# SPDX-License-Identifier: ISC
# Bad values, bad regexes, options that do not go together, --bytes and
# extra operands are usage errors: exit 2, a message naming the option
# (or the rule), the Try line, nothing on stdout, no input consumed.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 1000 > "$T/in"

usage() {
	refused shed "$@"
}

usage "--bytes" "--bytes" --bytes
usage "-p 0" "--priority" -p 0
usage "-p ." "--priority" -p .
usage "-p and --match" "--priority and --match" -p 1 --match 'a=1'
usage "--default-priority 10" "--default-priority" --default-priority 10
usage "--default-priority -1" "--default-priority" --default-priority -1
usage "--default-priority x" "--default-priority" --default-priority x
usage "--match no =" "--match=abc: must be REGEX=PRIO" --match abc
usage "--match bad prio" "--match=a=x: priority" --match 'a=x'
usage "--match prio 10" "--match=a=10: priority" --match 'a=10'
usage "--match bad regex" "--match=\(=1: at offset" --match '(=1'
usage "--match second bad" "--match=\[a=2" --match 'a=1' --match '[a=2'
usage "--buffer 0" "--buffer" --buffer 0
usage "--buffer 1Q" "--buffer" --buffer 1Q
usage "--buffer-records 0" "--buffer-records" --buffer-records 0
usage "-t ab" "--separator" -p 2 -t ab
usage "-t alone" "--separator needs" -t ,
usage "--constrained-shed 0" "--constrained-shed" --follow x \
    --constrained-shed 0
usage "--saturated-shed 10" "--saturated-shed" --follow x \
    --saturated-shed 10
usage "--max-age alone" "--max-age and --time-field" --max-age 5s
usage "--time-field alone" "--max-age and --time-field" --time-field 1
usage "--max-age 0" "--max-age" --max-age 0 --time-field 1
usage "--sample 0" "--sample" --sample 0 --follow x
usage "--sample x" "--sample" --sample x --follow x
usage "--sample alone" "--sample needs" --sample 3
usage "--constrained-shed 10" "--constrained-shed" --constrained-shed 10
usage "--time-format x" "--time-format" --time-format x
usage "--constrained 95%" "--constrained" --constrained 95%
usage "unknown option" "unrecognized option" --frobnicate
usage "extra operand" "extra operand" a b

shed --help > "$T/help"
is "$?" 0 "--help exits 0"
like "$(head -n 1 "$T/help")" "^usage: shed " "--help prints the usage"
shed --version > "$T/v"
like "$(cat "$T/v")" "^shed \(pipeflow\) " "--version"

shed "$T/nonexistent" > "$T/out" 2> "$T/err"
is "$?" 1 "a missing FILE: exit 1"
like "$(head -n 1 "$T/err")" "nonexistent" "a missing FILE: named"

done_testing
