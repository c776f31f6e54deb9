#!/bin/sh
# SPDX-License-Identifier: ISC
# A stop signal while a stage is still blocked opening a FIFO (the FILE
# operand waiting for a writer, or -o FILE waiting for a reader): every
# stage ends at once with 128+N and its line of counts, never a crash.
# Once lagwatch died of SIGSEGV here: its last tick asked the engine about
# a queue that did not exist yet.  A tool added to pipeflow adds its line
# to the list below.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

seq 1 1000 > "$T/in"
mkdir "$T/spool"
chmod 700 "$T/spool"

# name|options
stages="bqueue|
bqueue --bytes|--bytes
spill|
spill --durable|--durable -d $T/spool
lagwatch|
lagwatch --bytes|--bytes
lagwatch -z|-z"

# run_case NAME TOOL OPTS SIDE SIG NUM
run_case() {
	rm -f "$T/f"
	mkfifo "$T/f"
	if [ "$4" = in ]; then
		# shellcheck disable=SC2086
		$2 $3 "$T/f" > /dev/null 2> "$T/err" &
	else
		# shellcheck disable=SC2086
		$2 $3 -o "$T/f" < "$T/in" 2> "$T/err" &
	fi
	p=$!
	wait_until 10 blocked_in $p wait_for_partner
	ok $? "$1, $4 FIFO: blocked in open"
	kill -"$5" $p
	wait_until 1 eval '! alive $p'
	ok $? "$1, $4 FIFO, SIG$5: gone within a second"
	kill -9 $p 2>/dev/null
	wait $p
	is $? $((128 + $6)) "$1, $4 FIFO, SIG$5: exit $((128 + $6))"
	like "$(grep records "$T/err")" "records received 0, delivered 0," \
	    "$1, $4 FIFO, SIG$5: the line of counts"
}

while IFS='|' read -r name opts; do
	tool=${name%% *}
	for side in in out; do
		run_case "$name" "$tool" "$opts" $side TERM 15
		run_case "$name" "$tool" "$opts" $side INT 2
	done
done <<EOF
$stages
EOF

done_testing
