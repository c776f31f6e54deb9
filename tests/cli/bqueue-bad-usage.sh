#!/bin/sh
# SPDX-License-Identifier: ISC
# Every bad option value, unknown option, extra operand and conflicting
# pair is a usage error: exit 2, a message naming the option, the "Try"
# line, nothing written to standard output and no input consumed (the
# input is a file whose offset the next reader shares: it must get all).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

seq 1 1000 > "$T/in"

# usage NAME ERE ARGS...: bqueue ARGS is refused (see proc.sh).
usage() {
	refused bqueue "$@"
}

usage "-m foo" "--memory" -m foo
usage "-m -1" "--memory" -m -1
usage "-m 0x10" "--memory" -m 0x10
usage "-m 10kfoo" "--memory" -m 10kfoo
usage "-m 010k" "--memory" -m 010k
usage "-m 0" "--memory" -m 0
usage "-m overflow" "--memory" -m 99999999999999999999999
usage "--memory=1.5.5M" "--memory" --memory=1.5.5M
usage "--max-record 1Q" "--max-record" --max-record 1Q
usage "--timeout 5x" "--timeout" --timeout 5x
usage "--timeout 0" "--timeout" --timeout 0
usage "--settle -1" "--settle" --settle -1
usage "--status-interval 1us" "--status-interval" \
    --status-interval 1us
usage "--start-at 120%" "--start-at" --start-at 120%
usage "--start-at 1.5" "--start-at" --start-at 1.5
usage "--saturated 50%%" "--saturated" --saturated 50%%
usage "--constrained 95%" "--constrained" --constrained 95%
usage "-n 0" "--records" -n 0
usage "-n -5" "--records" -n -5
usage "-n 1.5" "--records" -n 1.5
usage "--on-full never" "--on-full" --on-full never
usage "--name ../x" "--name" --name ../x
usage "--name empty" "--name" --name ""
usage "unknown option" "--no-such-option" --no-such-option
usage "unknown short option" "invalid option.*'?Y" -Y
usage "missing value" "requires an argument.*'?m" -m
usage "extra operand" "extra operand 'two'" one two
usage "--records with --bytes" "--records.*--bytes" -n 10 --bytes
usage "--bytes with --records" "--records.*--bytes" --bytes -n 10
usage "--dead-letter with block" "--dead-letter" \
    --dead-letter "$T/dl"
usage "--dead-letter with fail" "--dead-letter" \
    --on-full fail --dead-letter "$T/dl"
[ ! -e "$T/dl" ]
ok $? "refused --dead-letter file not created"

# Bad usage wins over a good FILE operand: the file is not even opened.
refused_fifo "bad usage with a FIFO operand" bqueue -m foo

done_testing
