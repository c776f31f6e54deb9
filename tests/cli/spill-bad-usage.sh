#!/bin/sh
# SPDX-License-Identifier: ISC
# Every bad option value, unknown option, extra operand, missing -d and
# conflicting pair of spill is a usage error: exit 2, a message naming
# the option, the "Try" line, nothing written to standard output and no
# input consumed (the input is a file whose offset the next reader
# shares: it must get all).  No spill directory is created, and a spill
# directory named is left as it was.  The values just inside the limits
# are accepted, so that the limits are where they are said to be.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

seq 1 1000 > "$T/in"
X=$T/dir

# usage NAME ERE ARGS...: spill ARGS is refused (see proc.sh).
usage() {
	refused spill "$@"
}

usage "--durable without -d" "--durable.*-d" --durable
usage "--durable -m 4K without -d" "--durable.*-d" --durable -m 4K
usage "--sync without --durable" "--sync.*--durable" --sync none -d "$X"
usage "--sync always without --durable" "--sync.*--durable" --sync always
usage "--checkpoint without --durable" "--checkpoint.*--durable" \
    --checkpoint 1s -d "$X"
usage "--format without --info" "--format.*--info" --format json
usage "--format text with -d" "--format.*--info" --format text -d "$X"
usage "--format with --drain" "--format.*--info" --format json --drain "$X"
usage "--drain with --info" "--drain.*--info" --drain "$X" --info "$X"
usage "--info with --drain" "--drain.*--info" --info "$X" --drain "$X"
usage "-m foo" "--memory" -m foo
usage "-m 0" "--memory" -m 0
usage "-m -1" "--memory" -m -1
usage "-m 1x" "--memory" -m 1x
usage "-m 0x10" "--memory" -m 0x10
usage "-m 17T" "--memory" -m 17T
usage "-m overflow" "--memory" -m 99999999999999999999
usage "--memory=" "--memory" --memory=
usage "-c 20" "--compress" -c 20
usage "-c -1" "--compress" -c -1
usage "-c 1.5" "--compress" -c 1.5
usage "-c x" "--compress" -c x
usage "-c empty" "--compress" -c ""
usage "--segment-size 4095" "--segment-size" --segment-size 4095
usage "--segment-size 3K" "--segment-size" --segment-size 3K
usage "--segment-size 1025G" "--segment-size" --segment-size 1025G
usage "--segment-size 2T" "--segment-size" --segment-size 2T
usage "--segment-size foo" "--segment-size" --segment-size foo
usage "--max-disk 0" "--max-disk" --max-disk 0
usage "--max-disk -1" "--max-disk" --max-disk -1
usage "--max-disk foo" "--max-disk" --max-disk foo
usage "--max-disk 1M, 64M segments" "--max-disk.*--segment-size" \
    --max-disk 1M
usage "--max-disk 1M, 2M segments" "--max-disk.*--segment-size" \
    --max-disk 1M --segment-size 2M
usage "--max-disk 8K, 16K segments" "--max-disk.*--segment-size" \
    --max-disk 8K --segment-size 16K
usage "--min-free foo" "--min-free" --min-free foo
usage "--min-free -1" "--min-free" --min-free -1
usage "--min-free 1x" "--min-free" --min-free 1x
usage "--sync sometimes" "--sync" --durable -d "$X" --sync sometimes
usage "--sync empty" "--sync" --durable -d "$X" --sync ""
usage "--sync ALWAYS" "--sync" --durable -d "$X" --sync ALWAYS
usage "--checkpoint 0" "--checkpoint" --durable -d "$X" --checkpoint 0
usage "--checkpoint -1s" "--checkpoint" --durable -d "$X" --checkpoint -1s
usage "--checkpoint foo" "--checkpoint" --durable -d "$X" --checkpoint foo
usage "--checkpoint 1x" "--checkpoint" --durable -d "$X" --checkpoint 1x
usage "--format xml" "--format" --info "$X" --format xml
usage "--format JSON" "--format" --info "$X" --format JSON
usage "--format empty" "--format" --info "$X" --format ""
usage "--max-record 65M" "--max-record" --max-record 65M
usage "--max-record 1G" "--max-record" --max-record 1G
usage "--max-record 65M --bytes" "--max-record" --bytes --max-record 65M
usage "-d empty" "--directory" -d ""
usage "extra operand" "extra operand 'two'" one two
usage "--info extra operand" "extra operand 'two'" --info "$X" two
usage "--drain extra operand" "extra operand 'two'" --drain "$X" two
usage "unknown option" "--no-such-option" --no-such-option
usage "unknown short option" "invalid option.*'?Y" -Y
usage "-d without a value" "requires an argument.*'?d" -d
usage "--drain without a value" "'?--drain'? requires an argument" --drain
usage "--info without a value" "'?--info'? requires an argument" --info

[ ! -e "$X" ]
ok $? "no spill directory created"

# A spill directory named in a refused call is left as it was.
mkdir -m 700 "$X"
echo "not spill data" > "$X/notes.txt"
usage "--drain DIR with --format" "--format" --drain "$X" --format json
usage "--durable -d DIR --sync bad" "--sync" --durable -d "$X" --sync x
is "$(ls -A "$X")" notes.txt "the directory named is left as it was"
rm -rf "$X"

# Bad usage wins over a good FILE operand: the file is not even opened.
refused_fifo "bad usage with a FIFO operand" spill --durable

# Just inside the limits: accepted, every record through (within 10s:
# a spill that hangs is killed).
n=0
fine() {
	n=$((n + 1))
	spill -d "$T/ok$n" "$@" < "$T/in" > "$T/out" 2> "$T/err" &
	_p=$!
	wait_until 10 gone $_p ||
	    { diag "spill $* hung: killed"; kill -KILL $_p; }
	{ wait $_p; } 2>/dev/null
	is $? 0 "accepted: $*"
	cmp -s "$T/in" "$T/out"
	ok $? "accepted: $*: every record"
}
fine -c 0
fine -c 19
fine --segment-size 4K
fine --segment-size 1T
fine -m 1
fine --max-disk 2M
fine --max-disk 1M --segment-size 1M
fine --max-disk 8K --segment-size 4K
fine --min-free 0
fine --max-record 64M
fine --durable --sync always --checkpoint 1ms
fine --durable --sync none

done_testing
