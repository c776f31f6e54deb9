#!/bin/sh
# SPDX-License-Identifier: ISC
# A missing -k, a bad field, --bytes, and every bad option value are
# usage errors: exit 2, a message naming the option, the "Try" line,
# nothing on standard output and no input consumed.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 1000 > "$T/in"

usage() {
	refused coalesce "$@"
}

usage "no -k" "-k/--key FIELD is required"
usage "-k 0" "--key=0: field numbers start at 1" -k 0
usage "-k 01" "--key=01: invalid field" -k 01
usage "-k x" "--key=x: invalid field" -k x
usage "-k empty" "--key=: invalid field" -k ""
usage "-k 99999" "--key=99999: field number too large" -k 99999
usage "-k .a..b" "--key=\\.a\\.\\.b: invalid field" -k .a..b
usage "-k too deep" "--key=.*: field path too deep" -k .a.b.c.d.e.f.g.h.i
usage "-t two bytes" "--separator=ab: must be one character" -k 1 -t ab
usage "--bytes" "--bytes: coalesce needs records" -k 1 --bytes
usage "-m foo" "--memory" -k 1 -m foo
usage "-m 0" "--memory" -k 1 -m 0
usage "-m -1" "--memory" -k 1 -m -1
usage "-m 10kfoo" "--memory" -k 1 -m 10kfoo
usage "--max-keys 0" "--max-keys" -k 1 --max-keys 0
usage "--max-keys -3" "--max-keys" -k 1 --max-keys -3
usage "--max-keys 1.5" "--max-keys" -k 1 --max-keys 1.5
usage "--keep latest" "--keep=latest: must be last or first" -k 1 \
    --keep latest
usage "--window 0" "--window=0: must be positive" -k 1 --window 0
usage "--window 5x" "--window" -k 1 --window 5x
usage "--window -1s" "--window" -k 1 --window -1s
usage "--name ../x" "--name" -k 1 --name ../x
usage "unknown option" "--no-such-option" -k 1 --no-such-option
usage "missing value" "requires an argument.*'?k" -k
usage "extra operand" "extra operand 'two'" -k 1 one two

coalesce -k 1 "$T/no-such-file" > "$T/out" 2> "$T/err"
is "$?" 1 "missing FILE operand: exit 1"
like "$(cat "$T/err")" "no-such-file: No such file" "missing FILE: named"

out=$(coalesce --help)
is "$?" 0 "--help exits 0"
like "$out" "^usage: coalesce " "--help prints the usage"
like "$(coalesce --version)" "^coalesce \\(pipeflow\\) " "--version"

done_testing
