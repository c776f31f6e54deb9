#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch's live line fits the terminal: under a pseudo-terminal 40
# columns wide no redraw is wider than 39 (a line that wraps leaves a
# stale row at every redraw), the least important parts going first
# (the sparkline, the byte rate, the count, the age) while the rate and
# the state stay; at 120 columns every part shows.
. "$top_srcdir/tests/lib/tap.sh"

command -v script > /dev/null 2>&1 || skip_all "script(1) is not installed"
script -qfec true /dev/null < /dev/null > /dev/null 2>&1 ||
    skip_all "script(1) cannot make a pseudo-terminal here"
command -v stty > /dev/null 2>&1 || skip_all "stty is not installed"

ESC=$(printf '\033')
CR=$(printf '\r')
TERM=xterm
export TERM

# Records a minute old, over about 1.5s: several redraws.
cat > "$T/src.sh" << 'EOF2'
t=$(($(date +%s) - 60))
i=0
while [ $i -lt 15 ]; do
	seq 1 2000 | sed "s/\$/ $t/"
	sleep 0.1
	i=$((i + 1))
done
EOF2

# run COLS: lagwatch --name m on a terminal COLS wide; the redrawn lines
# (what follows each CR ESC[K, colour escapes removed) in $T/COLS.lines
run() {
	printf 'stty cols %s rows 24 && sh "%s/src.sh" | PIPEFLOW_STATUS_DIR=%s/st%s lagwatch --name m -i 200ms --time-field 2 > /dev/null\n' \
	    "$1" "$T" "$T" "$1" > "$T/$1.sh"
	script -qfec "sh $T/$1.sh" /dev/null < /dev/null > "$T/$1.pty" 2>&1
	echo $? > "$T/$1.rc"
	tr '\r' '\n' < "$T/$1.pty" | sed -n "s/^$ESC\\[K//p" |
	    sed "s/$ESC\\[[0-9;]*m//g" | grep '^m: ' > "$T/$1.lines"
}
run 40 &
run 120 &
wait

for cols in 40 120; do
	is "$(cat "$T/$cols.rc")" 0 "$cols columns: exit 0"
	n=$(wc -l < "$T/$cols.lines" | tr -d ' ')
	[ "$n" -ge 3 ]
	ok $? "$cols columns: the line redrawn ($n times)"
	wide=$(awk -v c=$cols 'length > c - 1' "$T/$cols.lines" | head -n 3)
	is "$wide" "" "$cols columns: no redraw wider than $((cols - 1))"
done

# 40 columns: the rate and the state stay.
bad=$(grep -Evc '^m: [0-9.]+[kMG]? rec/s.* \| (normal|constrained|saturated|recovery)' \
    "$T/40.lines")
is "$bad" 0 "40 columns: every redraw has the rate and the state"
grep -q ' rec/s [0-9.]*[KMG]\{0,1\}i\{0,1\}B\{0,1\}/s ' "$T/40.lines"
ok $((! $?)) "40 columns: the byte rate went first"

# 120 columns: everything, the age of a minute-old record among it.
grep -Eq '^m: [0-9.]+[kMG]? rec/s [0-9.]+[KMG]?i?B?/s \| [0-9.]+[kMG]? rec \| [a-z]+ [ .:=+*#%-]+ \| age p99 [0-9]' \
    "$T/120.lines"
ok $? "120 columns: rate, byte rate, count, state, sparkline and age"
grep -q 'age p99 1m\|age p99 [56][0-9]' "$T/120.lines"
ok $? "120 columns: the age about a minute"

# The data is not touched by any of it: lagwatch-tty.sh checks stdout.
done_testing
