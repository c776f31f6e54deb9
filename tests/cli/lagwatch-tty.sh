#!/bin/sh
# SPDX-License-Identifier: ISC
# On a terminal (a pseudo-terminal from script(1)), with standard output
# redirected to a file: a live status line on stderr, redrawn in place
# (carriage return and erase to end of line), replaced at exit by the
# final report and the verdict; the file gets the data and nothing else.
# The state is coloured when it is not normal, unless NO_COLOR is set
# and not empty.  TERM=dumb (or no TERM) gets no colour and no cursor
# movement: a line each interval, as off a terminal.
# The sparkline is ASCII in the C locale and block characters in UTF-8.
# At most five redraws a second.  --format, --log or -q turn the live
# line off.
. "$top_srcdir/tests/lib/tap.sh"

command -v script > /dev/null 2>&1 || skip_all "script(1) is not installed"
script -qfec true /dev/null < /dev/null > /dev/null 2>&1 ||
    skip_all "script(1) cannot make a pseudo-terminal here"

ESC=$(printf '\033')
# A terminal that can redraw, whatever make check was started from.
TERM=xterm
export TERM

# src.sh OUT: 200 records 10s old, then, 1.2s after they reach OUT
# (lagwatch may be slow to start: valgrind), 200 more: the line is drawn
# several times.
cat > "$T/src.sh" << 'EOF'
t=$(($(date +%s) - 10))
i=0
while [ $i -lt 200 ]; do echo "$i $t"; i=$((i + 1)); done
j=0
while [ ! -s "$1" ] && [ $j -lt 1000 ]; do sleep 0.01; j=$((j + 1)); done
sleep 1.2
while [ $i -lt 400 ]; do echo "$i $t"; i=$((i + 1)); done
EOF

# pty NAME ARGS...: in the background, the source into lagwatch ARGS with
# stderr on a pseudo-terminal and stdout to $T/NAME.out; the source's
# output in $T/NAME.in, what the terminal showed in $T/NAME.pty and the
# exit status in $T/NAME.rc.
pty() {
	_n=$1
	shift
	printf 'sh "%s/src.sh" "%s/%s.out" | tee "%s/%s.in" | lagwatch' \
	    "$T" "$T" "$_n" "$T" "$_n" > "$T/$_n.sh"
	for _a; do
		printf " '%s'" "$_a" >> "$T/$_n.sh"
	done
	printf ' > "%s/%s.out"\n' "$T" "$_n" >> "$T/$_n.sh"
	{
		script -qfec "sh $T/$_n.sh" /dev/null < /dev/null \
		    > "$T/$_n.pty" 2>&1
		echo $? > "$T/$_n.rc"
	} &
}
# redraws NAME: how many times the line was drawn afresh
redraws() {
	grep -o "$ESC\\[K" "$T/$1.pty" | wc -l | tr -d ' '
}
# data NAME: exit 0 and the data intact (2 tests)
data() {
	is "$(cat "$T/$1.rc")" 0 "$1: exit 0"
	cmp -s "$T/$1.in" "$T/$1.out"
	ok $? "$1: stdout has the data and nothing else"
}

# The runs sleep: they go side by side.
pty live -i 200ms
pty color -i 200ms --time-field 2 --age-target 1s
NO_COLOR=1 pty nocolor -i 200ms --time-field 2 --age-target 1s
# (Set for the one run: pty forks at once.)
NO_COLOR=
export NO_COLOR
pty emptync -i 200ms --time-field 2 --age-target 1s
unset NO_COLOR
TERM=dumb
pty dumb -i 200ms --time-field 2 --age-target 1s
TERM=xterm
LC_ALL=C.UTF-8 pty utf8 -i 200ms
pty format -i 200ms --format text
pty log -i 200ms --log "$T/log"
pty quiet -i 200ms -q
pty fast -i 200ms --stall 400ms
wait

data live
n=$(redraws live)
[ "$n" -ge 3 ]
ok $? "live: the line drawn $n times in place (CR, ESC[K)"
grep -q "$(printf '\r')$ESC\\[Klagwatch: [0-9.]*k\\{0,1\\} rec/s .* rec | normal " \
    "$T/live.pty"
ok $? "live: the line shows the rates, the count and the state"
tr '\r' '\n' < "$T/live.pty" | grep -v '^$' > "$T/live.lines"
like "$(tail -n 2 "$T/live.lines" | head -n 1)" \
    "^${ESC}\\[Klagwatch: done: .* 400 rec " \
    "live: at exit the line is replaced by the final report"
like "$(tail -n 1 "$T/live.lines")" \
    '^lagwatch: upstream-bound: waiting for input' \
    "live: then the verdict"
grep -q "$ESC\\[3[0-9]m" "$T/live.pty"
ok $((! $?)) "live: state normal: no colour"
grep -q "rec | normal [ .:=+*#%-]*%" "$T/live.pty"
ok $? "live, C locale: an ASCII sparkline"

data color
grep -q "$ESC\\[31msaturated$ESC\\[0m" "$T/color.pty"
ok $? "saturated (old records): in red"
grep -q "| age p99 1[0-9]s" "$T/color.pty"
ok $? "with --time-field: the p99 age on the line"

data nocolor
grep -q "| saturated " "$T/nocolor.pty"
ok $? "NO_COLOR: saturated shows"
grep -q "$ESC\\[3[0-9]m" "$T/nocolor.pty"
ok $((! $?)) "NO_COLOR: no colour escapes"

data emptync
grep -q "$ESC\\[31msaturated$ESC\\[0m" "$T/emptync.pty"
ok $? "NO_COLOR set but empty: colour as without it"

data dumb
grep -q "$ESC" "$T/dumb.pty"
ok $((! $?)) "TERM=dumb: no escape sequence at all"
# (The terminal ends each line with CR LF: any other CR redraws.)
sed "s/$(printf '\r')\$//" "$T/dumb.pty" | grep -q "$(printf '\r')"
ok $((! $?)) "TERM=dumb: no line redrawn in place"
n=$(grep -c '^lagwatch: [0-9.]*k\{0,1\} rec/s' "$T/dumb.pty")
[ "$n" -ge 2 ]
ok $? "TERM=dumb: a report line each interval ($n)"
grep -q '^lagwatch: done: ' "$T/dumb.pty"
ok $? "TERM=dumb: then the final report"

data utf8
grep -q "$(printf '\342\226\210')" "$T/utf8.pty"
ok $? "UTF-8 locale: a sparkline of block characters"

data format
grep -q "$ESC\\[K" "$T/format.pty"
ok $((! $?)) "--format text: no live line"
n=$(tr -d '\r' < "$T/format.pty" | grep -c '^lagwatch: ')
[ "$n" -ge 5 ]
ok $? "--format text: report lines instead ($n)"

data log
is "$(wc -c < "$T/log.pty" | tr -d ' ')" 0 "--log: nothing on the terminal"
grep -q 'lagwatch: done: ' "$T/log"
ok $? "--log: the reports in the log"

data quiet
is "$(wc -c < "$T/quiet.pty" | tr -d ' ')" 0 "-q: nothing on the terminal"

# Ticks come faster to look for stalls; the line is still redrawn no
# more than five times a second.
data fast
n=$(redraws fast)
el=$(tr '\r' '\n' < "$T/fast.pty" |
    sed -n 's/.*done: .* in \([0-9.]*\)s; wait in.*/\1/p')
awk -v n="$n" -v el="$el" 'BEGIN { exit !(el > 0 && n <= el * 5 + 2) }'
ok $? "--stall 400ms: $n redraws in ${el}s"

done_testing
