#!/bin/sh
# SPDX-License-Identifier: ISC
# Every bad rate, bad value, missing or conflicting option is a usage
# error: exit 2, a message naming the option, the "Try" line, nothing on
# standard output and no input consumed.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 1000 > "$T/in"

usage() {
	refused throttle "$@"
}

usage "no rate" "-r RATE or -B RATE"
usage "-r garbage" "--rate=foo" -r foo
usage "-r negative" "--rate=-5/s" -r -5/s
usage "-r zero" "--rate=0/s: must be positive" -r 0/s
usage "-r hex" "--rate=0x10/s" -r 0x10/s
usage "-r no period" "--rate=10k: missing /s" -r 10k
usage "-r bad period" "--rate=10k/fortnight" -r 10k/fortnight
usage "-r junk after suffix" "--rate=10kfoo/s" -r 10kfoo/s
usage "-r overflow" "--rate" -r 99999999999999999999/s
usage "-r a byte rate" "--rate=20MB/s: not a record rate" -r 20MB/s
usage "-B a record rate" "--bytes-rate=5k/s: not a byte rate" -B 5k/s
usage "-B garbage" "--bytes-rate=xMB/s" -B xMB/s
usage "-B overflow" "--bytes-rate" -B 16EiB/s
usage "--burst 0" "--burst=0: must be positive" -r 1/s --burst 0
usage "--burst garbage" "--burst=5x" -r 1/s --burst 5x
usage "--mode bad" "--mode=never" -r 1/s --mode never
usage "--bytes with -r" "--rate cannot be used with --bytes" \
    --bytes -r 10/s
usage "--bytes with -k" "--key cannot be used with --bytes" \
    --bytes -B 1MB/s -k 1
usage "--bytes with --mode drop" "--mode drop cannot be used with --bytes" \
    --bytes -B 1MB/s --mode drop
usage "--dead-letter without drop" "--dead-letter needs --mode drop" \
    -r 1/s --dead-letter "$T/dl"
usage "--adaptive without --min-rate" "--adaptive needs --min-rate" \
    -r 1/s --adaptive
usage "--min-rate without --adaptive" "--min-rate needs --adaptive" \
    -r 10/s --min-rate 1/s
usage "--follow without --adaptive" "--follow needs --adaptive" \
    -r 10/s --follow "$T/x.prom"
usage "--min-rate above -r" "--min-rate=20/s: above the --rate" \
    -r 10/s --adaptive --min-rate 20/s
usage "--min-rate bytes without -B" "--min-rate=1MB/s: a byte rate without -B" \
    -r 10/s --adaptive --min-rate 1MB/s
usage "--min-rate garbage" "--min-rate=x" -r 10/s --adaptive --min-rate x
usage "--max-keys without -k" "--max-keys needs --key" -r 1/s --max-keys 5
usage "-t without -k" "--separator needs --key" -r 1/s -t ,
usage "--max-keys 0" "--max-keys=0" -r 1/s -k 1 --max-keys 0
usage "--max-keys garbage" "--max-keys=x" -r 1/s -k 1 --max-keys x
usage "-k bad field" "--key=0" -r 1/s -k 0
usage "-t two characters" "--separator=ab" -r 1/s -k 1 -t ab
usage "unknown option" "--no-such-option" -r 1/s --no-such-option
usage "missing value" "requires an argument.*'?r" -r
usage "extra operand" "extra operand 'two'" -r 1/s one two

# A control file that does not read well at start is a usage error too.
printf -- '-r bogus\n' > "$T/ctl"
usage "bad --control at start" "--control: .*ctl: -r bogus: invalid rate" \
    -r 1/s --control "$T/ctl"
printf -- '--mode drop\n' > "$T/ctl"
usage "--control with another option" "not an option a control file may set" \
    -r 1/s --control "$T/ctl"
printf -- '-B 1MB/s\n' > "$T/ctl"
usage "--control setting a limit not given" "not given on the command line" \
    -r 1/s --control "$T/ctl"

throttle --help > "$T/out" 2> "$T/err"
is "$?" 0 "--help exits 0"
like "$(head -n 1 "$T/out")" "^usage: throttle " "--help prints the usage"
is "$(cat "$T/err")" "" "--help prints nothing on stderr"
like "$(throttle --version)" "^throttle \(pipeflow\) " "--version"

done_testing
