#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch --watch fits its table to the terminal rather than wrapping:
# under a pseudo-terminal 40 columns wide no line is wider than 39, long
# stage names are cut and columns dropped (the stage, its state and its
# input rate stay); at 120 columns every column shows.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

command -v script > /dev/null 2>&1 || skip_all "script(1) is not installed"
script -qfec true /dev/null < /dev/null > /dev/null 2>&1 ||
    skip_all "script(1) cannot make a pseudo-terminal here"
command -v stty > /dev/null 2>&1 || skip_all "stty is not installed"
command -v timeout > /dev/null 2>&1 || skip_all "timeout is not installed"

ESC=$(printf '\033')
TERM=xterm
export TERM
PIPEFLOW_STATUS_DIR=$T/st
export PIPEFLOW_STATUS_DIR

# Two live stages, one with a long name, their input FIFOs held open.
mkfifo "$T/f1" "$T/f2"
bqueue --name short < "$T/f1" > /dev/null &
b1=$!
bqueue --name a-rather-long-stage-name-for-a-narrow-terminal < "$T/f2" \
    > /dev/null &
b2=$!
exec 3> "$T/f1" 4> "$T/f2"
seq 1 1000 >&3
seq 1 1000 >&4
wait_until 10 sh -c "[ \$(ls '$T/st' | grep -c '\\.prom\$') -eq 2 ]"
ok $? "two stages publish"

# run COLS: lagwatch --watch for about 1.5s on a terminal COLS wide; the
# lines it drew (escapes removed) in $T/COLS.lines
run() {
	printf 'stty cols %s rows 24 && timeout -s INT 1.5 lagwatch --watch -i 200ms "%s"\n' \
	    "$1" "$T/st" > "$T/$1.sh"
	script -qfec "sh $T/$1.sh" /dev/null < /dev/null > "$T/$1.pty" 2>&1
	tr -d '\r' < "$T/$1.pty" |
	    sed -e "s/$ESC\\[[0-9;?]*[A-Za-z]//g" | grep -v '^$' > "$T/$1.lines"
}
run 40
run 120
exec 3>&- 4>&-
wait $b1 $b2

for cols in 40 120; do
	grep -q '^STAGE ' "$T/$cols.lines"
	ok $? "$cols columns: the table was drawn"
	wide=$(awk -v c=$cols 'length > c - 1' "$T/$cols.lines" | head -n 3)
	is "$wide" "" "$cols columns: no line wider than $((cols - 1))"
done
like "$(grep '^STAGE ' "$T/40.lines" | head -n 1)" \
    '^STAGE +STATE +IN/s$' "40 columns: the stage, the state and IN/s stay"
grep -Eq '^a-r[a-z-]*~[a-z-]*l +normal ' "$T/40.lines"
ok $? "40 columns: the long name cut in the middle"
like "$(grep '^STAGE ' "$T/120.lines" | head -n 1)" \
    '^STAGE +TOOL +STATE +IN/s +OUT/s +BUF% +PIPE% +AGE +DROPS$' \
    "120 columns: every column"
grep -q '^a-rather-long-stage-name-for-a-narrow-terminal bqueue ' \
    "$T/120.lines"
ok $? "120 columns: the long name whole"

done_testing
