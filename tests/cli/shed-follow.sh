#!/bin/sh
# SPDX-License-Identifier: ISC
# --follow: another stage's status file, driven by the test through
# normal, constrained, saturated, recovery and normal again, while the
# consumer keeps up.  Nothing is shed in normal, priority >=
# --constrained-shed in constrained and recovery, priority >=
# --saturated-shed in saturated, never priority 0; each shed record is in
# the dead-letter file and counted under "follow".  A stale or missing
# file sheds nothing and is warned about once.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# status STATE [AGE]: the followed stage's file, AGE seconds old.
status() {
	_t=$(awk -v a="${2:-0}" 'BEGIN { srand(); printf "%.3f", srand() - a }')
	{
		for s in normal constrained saturated recovery; do
			[ "$s" = "$1" ] && v=1 || v=0
			echo "pipeflow_state{stage=\"up\",tool=\"bqueue\",state=\"$s\"} $v"
		done
		echo "pipeflow_pressure{stage=\"up\",tool=\"bqueue\"} 0.5"
		echo "pipeflow_updated_timestamp_seconds{stage=\"up\",tool=\"bqueue\"} $_t"
		echo "pipeflow_process_id{stage=\"up\",tool=\"bqueue\"} $$"
	} > "$T/f.tmp"
	mv "$T/f.tmp" "$T/f.prom"
}

# batch PHASE: 100 records of each priority, tagged with the phase.
batch() {
	awk -v ph="$1" 'BEGIN { for (i = 0; i < 100; i++)
	    for (p = 0; p < 10; p++) printf "%d %s %d\n", p, ph, i }' >&3
}

# run NAME CSHED SSHED SHED PER-100 SHED-ARGS...
run() {
	name=$1
	cs=$2
	ss=$3
	per=$4
	shift 4
	rm -f "$T/in" "$T/dl" "$T/run"
	mkfifo "$T/in"
	echo normal > "$T/state"
	status normal
	touch "$T/run"
	( while [ -e "$T/run" ]; do status "$(cat "$T/state")"; sleep 0.1
	    done ) &
	w=$!
	shed -v -p 1 --follow "$T/f.prom" --status-interval 50ms \
	    --dead-letter "$T/dl" "$@" < "$T/in" 2> "$T/err" | cat > "$T/out" &
	exec 3> "$T/in"
	for ph in normal constrained saturated recovery back; do
		[ $ph = back ] && st=normal || st=$ph
		echo $st > "$T/state"
		sleep 0.5
		batch $ph
		sleep 0.3
	done
	exec 3>&-
	wait_until 10 grep -q 'done:' "$T/err"
	rm -f "$T/run"
	wait $w
	for ph in normal constrained saturated recovery back; do
		case $ph in
		constrained|recovery) th=$cs ;;
		saturated) th=$ss ;;
		*) th=10 ;;
		esac
		want=$(awk -v th=$th 'BEGIN { for (p = 0; p < 10; p++)
		    if (p > 0 && p >= th) printf "%d:'$per' ", p }')
		got=$(awk -v ph=$ph '$2 == ph { n[$1]++ } END {
		    for (p = 0; p < 10; p++) if (n[p]) printf "%d:%d ", p, n[p] }' \
		    "$T/dl")
		is "$got" "$want" "$name: $ph sheds what it should"
	done
	is "$(sort "$T/out" "$T/dl" | cksum)" \
	    "$(for ph in normal constrained saturated recovery back; do
		batch $ph 3>&1; done | sort | cksum)" \
	    "$name: delivered and shed are the input"
	like "$(cat "$T/err")" "shed by follow: $(wc -l < "$T/dl" | tr -d ' ')( |\$)" \
	    "$name: counted under follow"
	like "$(cat "$T/err")" "shed by full: 0\$" "$name: nothing shed as full"
}

run "defaults" 9 1 100
run "--constrained-shed 6 --saturated-shed 3" 6 3 100 --constrained-shed 6 \
    --saturated-shed 3
run "--sample 4" 9 1 75 --sample 4
like "$(cat "$T/err")" "kept by --sample from follow: [0-9]+ " \
    "--sample 4: what it kept is counted"

# A stale file, then a missing one: nothing shed, one warning.
for what in stale missing; do
	rm -f "$T/f.prom"
	[ $what = stale ] && status saturated 60
	awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%d %d\n", i % 10, i }' \
	    > "$T/in2"
	shed -p 1 --follow "$T/f.prom" --status-interval 50ms < "$T/in2" \
	    2> "$T/err" | { sleep 0.3; cat; } > "$T/out"
	cmp -s "$T/in2" "$T/out"
	ok $? "$what file: nothing shed"
	is "$(grep -c -- '--follow' "$T/err")" 1 "$what file: warned once"
	like "$(cat "$T/err")" "$(if [ $what = stale ]; then echo stale; else echo 'no such file'; fi)" \
	    "$what file: the warning says why"
done

done_testing
