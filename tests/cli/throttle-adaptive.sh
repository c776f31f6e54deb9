#!/bin/sh
# SPDX-License-Identifier: ISC
# --adaptive.  By the output pipe: with a consumer that takes about half
# of -r, the delivered rate stays near what the consumer takes and the
# pipe stays below saturation once the rate has come down, while without
# --adaptive the pipe sits full.  By --follow: a status file driven
# through saturated and normal moves the rate down, then back up; a
# missing file is warned about once and holds the rate.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
mkdir -m 700 "$T/st"

# 1200 records of 4000 bytes; the consumer reads 4 KiB every 5ms: about
# 200 records a second, half of -r 400/s.
awk 'BEGIN { for (i = 0; i < 1200; i++) printf "%03999d\n", i }' > "$T/in"
ratemeter 100 5000 < "$T/in" > "$T/m"
set -- $(cat "$T/m")
take=$(awk -v n="$2" -v s="$6" 'BEGIN { printf "%.0f", n / s }')
diag "the consumer alone takes $take records/s"

# fills NAME: the output pipe fill of stage NAME, sampled every 100ms
# from 3s in until it ends, one a line, into $T/fills.
fills() {
	: > "$T/fills"
	sleep 3
	while [ -f "$T/st/$1.prom" ]; do
		metric pipeflow_output_pipe_fill_ratio "$T/st/$1.prom" \
		    >> "$T/fills"
		sleep 0.1
	done
}

for how in adaptive fixed; do
	case $how in
	adaptive)	opts="--adaptive --min-rate 50/s" ;;
	fixed)		opts= ;;
	esac
	PIPEFLOW_STATUS_DIR=$T/st throttle -r 400/s $opts --name $how -v \
	    "$T/in" 2> "$T/err.$how" | ratemeter 100 5000 > "$T/m" &
	fills $how
	wait
	set -- $(cat "$T/m")
	is "$2" 1200 "$how: every record passes"
	got=$(awk -v n="$2" -v s="$6" 'BEGIN { printf "%.0f", n / s }')
	max=$(sort -g "$T/fills" | tail -n 1)
	diag "$how: delivered $got/s, output pipe fill at most $max after 3s"
	eval "got_$how=\$got max_$how=\$max"
done
awk -v g="$got_adaptive" -v t="$take" 'BEGIN { exit !(g >= 0.85 * t) }'
ok $? "adaptive: the consumer gets 85% or more of what it takes ($got_adaptive of $take/s)"
awk -v m="$max_adaptive" 'BEGIN { exit !(m != "" && m < 0.9) }'
ok $? "adaptive: the output pipe stays below saturation (at most $max_adaptive)"
awk -v m="$max_fixed" 'BEGIN { exit !(m >= 0.9) }'
ok $? "fixed: without --adaptive the pipe sits full ($max_fixed)"
like "$(cat "$T/err.adaptive")" "record rate now [0-9.]+/s" \
    "adaptive: -v reports the rate changes"

# --follow: a stage whose status file this test writes.
put() {
	{
		for s in normal constrained saturated recovery; do
			v=0
			[ "$s" = "$1" ] && v=1
			echo "pipeflow_state{stage=\"s\",tool=\"bqueue\",state=\"$s\"} $v"
		done
		echo "pipeflow_pressure{stage=\"s\",tool=\"bqueue\"} $2"
		echo "pipeflow_updated_timestamp_seconds{stage=\"s\",tool=\"bqueue\"} $(date +%s.%N | cut -c1-14)"
		echo "pipeflow_process_id{stage=\"s\",tool=\"bqueue\"} $$"
	} > "$T/s.prom.tmp"
	mv "$T/s.prom.tmp" "$T/s.prom"
}
# drive STATE PRESSURE SECONDS: keep the file fresh in STATE.
drive() {
	_n=$(($3 * 5))
	while [ $_n -gt 0 ]; do
		put "$1" "$2"
		sleep 0.2
		_n=$((_n - 1))
	done
}
rate() {
	metric 'pipeflow_throttle_rate' "$T/st/follow.prom" | head -n 1
}

put normal 0
seq 1 1000000 > "$T/many"
PIPEFLOW_STATUS_DIR=$T/st throttle -r 10k/s --adaptive --min-rate 1k/s \
    --follow "$T/s.prom" --name follow "$T/many" > /dev/null 2> "$T/err" &
p=$!
drive normal 0 1
is "$(rate)" 10000 "--follow normal: the rate stays at the ceiling"
drive saturated 0.95 2
r1=$(rate)
diag "after 2s saturated: $r1/s"
awk -v r="$r1" 'BEGIN { exit !(r < 10000 * 0.7 && r >= 1000) }'
ok $? "--follow saturated: the rate comes down, not below --min-rate ($r1)"
drive saturated 0.95 4
r2=$(rate)
awk -v r="$r2" -v b="$r1" 'BEGIN { exit !(r >= 1000 && r <= b) }'
ok $? "--follow saturated: it stops at --min-rate at the lowest ($r2)"
drive recovery 0.3 1
is "$(rate)" "$r2" "--follow recovery: the rate is held"
drive normal 0 2
r3=$(rate)
awk -v r="$r3" -v b="$r2" 'BEGIN { exit !(r > b) }'
ok $? "--follow normal: the rate climbs back ($r2 -> $r3)"
rm -f "$T/s.prom"
sleep 0.5
r4=$(rate)
sleep 0.5
is "$(rate)" "$r4" "--follow: a missing file holds the rate"
# What was read goes on at the rate after SIGTERM: a second one ends it.
kill $p
sleep 0.2
kill $p 2>/dev/null
wait $p
is "$(grep -c -- '--follow: ' "$T/err")" 1 "--follow: a missing file is warned about once"

done_testing
