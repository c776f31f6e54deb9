#!/bin/sh
# SPDX-License-Identifier: ISC
# Every message of a stage names it: with --name st1 each line a tool
# prints on stderr starts with "TOOL st1: " (the reader gone, a write
# error, the line of counts, -v's line, the tool's own warnings), and
# without it with "TOOL: "; a usage error names the tool alone, and its
# Try line too.
. "$top_srcdir/tests/lib/tap.sh"

for t in bqueue spill lagwatch throttle shed coalesce; do
	command -v $t > /dev/null 2>&1 || skip_all "$t is not built"
done

seq 1 1000000 > "$T/big"
seq 1 1000 > "$T/small"

# args TOOL: what the tool needs to run at all
args() {
	case $1 in
	throttle)	echo "-r 1G/s" ;;
	coalesce)	echo "-k 1" ;;
	esac
}
# prefixed PREFIX FILE: every line of FILE starts with PREFIX, and there
# is one; lagwatch's own lines of each interval say "lagwatch NAME: ",
# where NAME is "lagwatch" without --name.
prefixed() {
	[ -s "$2" ] || return 1
	_p=$1
	[ "$_p" = "lagwatch: " ] && _p="lagwatch\\( lagwatch\\)\\{0,1\\}: "
	if grep -v "^$_p" "$2" > "$T/stray"; then
		sed 's/^/# stray: /' "$T/stray"
		return 1
	fi
	return 0
}

for t in bqueue spill lagwatch throttle shed coalesce; do
	for n in "st1" ""; do
		p="$t${n:+ $n}: "
		w="${n:+--name $n}"
		say="$t${n:+ --name $n}"

		# The reader goes away.
		{ $t $(args $t) $w < "$T/big" 2> "$T/err"; echo $? > "$T/rc"; } |
		    head -c 1 > /dev/null
		is "$(cat "$T/rc")" 141 "$say: killed by SIGPIPE"
		grep -q "^${p}\\(stdout: \\)\\{0,1\\}reader went away" "$T/err" &&
		    grep -q "^${p}records received " "$T/err"
		ok $? "$say: \"${p}reader went away\" and the counts"
		prefixed "$p" "$T/err"
		ok $? "$say: every message starts with \"$p\""

		# A write error.
		$t $(args $t) $w < "$T/small" > /dev/full 2> "$T/err"
		is $? 1 "$say > /dev/full: exit 1"
		grep -q "^${p}write error: stdout: " "$T/err"
		ok $? "$say > /dev/full: \"${p}write error: stdout: ...\""
		prefixed "$p" "$T/err"
		ok $? "$say > /dev/full: every message starts with \"$p\""
	done
done

# The tools' own messages (cmd/, through warn(3)) and the engine's.
lagwatch --name st1 --log "$T/no/such" < "$T/small" > /dev/null 2> "$T/err"
is "$(cat "$T/err")" "lagwatch st1: --log: $T/no/such: No such file or directory" \
    "lagwatch --log: the tool's error names the stage"
shed --name st1 --follow "$T/no/such" < "$T/small" > /dev/null 2> "$T/err"
like "$(cat "$T/err")" "^shed st1: --follow $T/no/such: no such file" \
    "shed --follow: the tool's warning names the stage"
shed --follow "$T/no/such" < "$T/small" > /dev/null 2> "$T/err"
like "$(cat "$T/err")" "^shed: --follow $T/no/such: no such file" \
    "shed --follow: \"shed: \" without --name"
bqueue --name st1 --on-full drop-newest --dead-letter "$T/no/such" \
    < "$T/small" > /dev/null 2> "$T/err"
like "$(cat "$T/err")" "^bqueue st1: dead-letter file: $T/no/such: " \
    "bqueue --dead-letter: the engine's error names the stage"
bqueue -v --name st1 < "$T/small" > /dev/null 2> "$T/err"
grep -q "^bqueue st1: done: 1000 records in, 1000 out" "$T/err" &&
    prefixed "bqueue st1: " "$T/err"
ok $? "bqueue -v: the line of the end names the stage"

# Usage errors: the tool alone, found while parsing or after.
throttle --name st1 < "$T/small" > /dev/null 2> "$T/err"
is "$?" 2 "throttle without a rate: exit 2"
is "$(cat "$T/err")" "throttle: a rate is needed: -r RATE or -B RATE
Try 'throttle --help' for more information." \
    "throttle without a rate: the tool's name alone, in both lines"
bqueue --name st1 -m nonsense < "$T/small" > /dev/null 2> "$T/err"
like "$(head -n 1 "$T/err")" "^bqueue: " \
    "bqueue -m nonsense: the tool's name alone"
done_testing
