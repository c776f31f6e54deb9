#!/bin/sh
# SPDX-License-Identifier: ISC
# Every bad option value, unknown option, extra operand and conflicting
# pair is a usage error: exit 2, a message naming the option, the "Try"
# line, nothing written to standard output and no input consumed (the
# input is a file whose offset the next reader shares: it must get all).
# No --log file is created and no status file published.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

seq 1 1000 > "$T/in"

# usage NAME ERE ARGS...: lagwatch ARGS is refused (see proc.sh).
usage() {
	refused lagwatch "$@"
}

usage "-i 5ms" "--interval" -i 5ms
usage "-i 0" "--interval" -i 0
usage "-i foo" "--interval" -i foo
usage "-i -1s" "--interval" -i -1s
usage "-i 1x" "--interval" -i 1x
usage "--interval=" "--interval" --interval=
usage "--interval 0x10" "--interval" --interval 0x10
usage "--interval overflow" "--interval" --interval 99999999999999999999
usage "--time-format iso" "--time-format" --time-field 2 --time-format iso
usage "--time-format EPOCH" "--time-format" --time-field 2 \
    --time-format EPOCH
usage "--time-format empty" "--time-format" --time-field 2 --time-format ""
usage "--format xml" "--format" --format xml
usage "--format JSON" "--format" --format JSON
usage "--format empty" "--format" --format ""
usage "--time-field 0" "--time-field" --time-field 0
usage "--time-field .." "--time-field" --time-field ..
usage "--time-field a" "--time-field" --time-field a
usage "--time-field ." "--time-field" --time-field .
usage "--time-field .a." "--time-field" --time-field .a.
usage "--time-field -1" "--time-field" --time-field -1
usage "--time-field 1.5" "--time-field" --time-field 1.5
usage "--time-field empty" "--time-field" --time-field ""
usage "--time-field overflow" "--time-field" \
    --time-field 99999999999999999999
usage "--age-target without --time-field" \
    "--age-target.*--time-field" --age-target 2s
usage "--age-target 0" "--age-target" --time-field 2 --age-target 0
usage "--age-target 2q" "--age-target" --time-field 2 --age-target 2q
usage "--once without --watch" "--once.*--watch" --once
usage "--check without --watch" "--check.*--watch" --check
usage "--time-field with --bytes" "--time-field.*--bytes" \
    --time-field 2 --bytes
usage "--bytes with --time-field" "--time-field.*--bytes" \
    --bytes --time-field 2
usage "-t without --time-field" "--separator.*--time-field" -t ,
usage "-t ,," "--separator" -t ,, --time-field 2
usage "-t empty" "--separator" -t "" --time-field 2
usage "--stall x" "--stall" --stall x
usage "--stall -1" "--stall" --stall -1
usage "--watch --format prom" "--format" --watch --format prom
usage "--max-record 0" "--max-record" --max-record 0
usage "--name ../x" "--name" --name ../x
usage "--status-interval 1us" "--status-interval" --status-interval 1us
usage "--saturated 120%" "--saturated" --saturated 120%
usage "--settle -1" "--settle" --settle -1
usage "unknown option" "--no-such-option" --no-such-option
usage "unknown short option" "invalid option.*'?Y" -Y
usage "missing value" "'?--log'? requires an argument" --log
usage "extra operand" "extra operand 'two'" one two
usage "bad usage with --log" "--format" --log "$T/log" --format xml
usage "--watch with --time-field" "--watch takes only" --watch --time-field 2
usage "--watch with --bytes" "--watch takes only" --watch --bytes
usage "--watch with --name" "--watch takes only" --watch --name x

[ ! -e "$T/log" ]
ok $? "refused --log file not created"
[ ! -e "$T/st" ]
ok $? "no status directory made"

# Bad usage wins over a good FILE operand: the file is not even opened.
refused_fifo "bad usage with a FIFO operand" lagwatch --format xml

done_testing
