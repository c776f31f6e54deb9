#!/bin/sh
# SPDX-License-Identifier: ISC
# A step of the wall clock changes nothing: with the clock stepped an
# hour forward or back a third of a second into the run (tests/lib/
# clockstep.so, by LD_PRELOAD, as `date -s' would for the whole
# machine), the rate holds within the bounds of throttle-rate.sh and no
# burst comes, in records and in bytes.
. "$top_srcdir/tests/lib/tap.sh"

so=$top_builddir/tests/lib/clockstep.so
[ -r "$so" ] || skip_all "tests/lib/clockstep.so was not built"
ldd "$(command -v throttle)" 2>/dev/null | grep -q libasan &&
    skip_all "ASan must be the first library loaded: no LD_PRELOAD"
[ -n "${PF_VALGRIND:-}" ] && skip_all "valgrind replaces LD_PRELOAD's clock"

# The shim works: date(1) under it is off by the step.
t0=$(date +%s)
t1=$(LD_PRELOAD=$so CLOCKSTEP_AFTER_MS=0 CLOCKSTEP_BY=-3600 date +%s)
[ $((t0 - t1)) -ge 3590 ] && [ $((t0 - t1)) -le 3610 ]
ok $? "the shim steps the wall clock an hour back ($t0, $t1)"

seq 1 3000 > "$T/lines"
awk 'BEGIN { for (i = 0; i < 300; i++) printf "%0999d\n", i }' > "$T/wide"

# check NAME RATE BURST FIELD: the rate in $T/m's FIELD (6 records,
# 8 bytes), past the first burst, within 1% above and 5% below RATE;
# no 100ms window above a burst and 140ms worth.
check() {
	set -- "$1" "$2" "$3" "$4" $(cat "$T/m")
	_name=$1 _rate=$2 _burst=$3
	if [ "$4" = records ]; then
		_n=$6 _max=${12} _first=${16}
	else
		_n=$8 _max=${14} _first=${17}
	fi
	_got=$(awk -v n="$_n" -v f="$_first" -v s="${10}" \
	    'BEGIN { if (s > 0) printf "%.1f", (n - f) / s }')
	awk -v g="$_got" -v r="$_rate" 'BEGIN { exit !(g <= r * 1.01 && g >= r * 0.95) }'
	ok $? "$_name: the rate holds ($_got/s, asked $_rate/s)"
	awk -v m="$_max" -v b="$_burst" -v r="$_rate" \
	    'BEGIN { exit !(m <= b + r * 0.14 + 1) }'
	ok $? "$_name: no burst ($_max in 100ms)"
}

for by in 3600 -3600; do
	LD_PRELOAD=$so CLOCKSTEP_AFTER_MS=300 CLOCKSTEP_BY=$by \
	    throttle -r 2000/s "$T/lines" | ratemeter 100 > "$T/m"
	check "clock stepped ${by}s, -r 2000/s" 2000 200 records
	LD_PRELOAD=$so CLOCKSTEP_AFTER_MS=300 CLOCKSTEP_BY=$by \
	    throttle --bytes -B 200KB/s "$T/wide" | ratemeter 100 > "$T/m"
	check "clock stepped ${by}s, --bytes -B 200KB/s" 200000 20000 bytes
done

done_testing
