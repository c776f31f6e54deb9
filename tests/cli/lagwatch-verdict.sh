#!/bin/sh
# SPDX-License-Identifier: ISC
# The verdict at exit names the side that held the pipeline back, and the
# shares of the time it reports are those the test imposes: a producer
# limited to 2M/s (pv -L) in front makes lagwatch wait for input nearly
# all the time, "upstream-bound"; a consumer so limited behind blocks it
# on output, "downstream-bound"; two phases of 1s each, the consumer
# asleep then the producer, give half and half, within 10 points; cat
# into cat is bound by neither side.  Text and json say the same.
. "$top_srcdir/tests/lib/tap.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) ||
    skip_all "python3 is not installed"
. "$top_srcdir/tests/lib/report.sh"

seq 1 1000000 > "$T/in"		# about 6.9M: more than the pipes hold
head -c 4194304 "$T/in" > "$T/in4m"
seq 1 12000000 > "$T/big"	# about 90M

# started FILE: wait until lagwatch has opened its --log FILE (it may be
# slow to start: valgrind), so that what the test imposes starts with it.
started() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 1000 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
}

# The runs that sleep go side by side, each about 2s.
have_pv=0
if command -v pv > /dev/null 2>&1; then
	have_pv=1
	# A producer at 2M/s: lagwatch waits for input.
	{ started "$T/up.log"; pv -qL 2M < "$T/in4m"; } |
	    lagwatch --format json --log "$T/up.log" | cat > "$T/up.out" &
	# A consumer at 2M/s: lagwatch is blocked on output.
	lagwatch --format json --log "$T/down.log" < "$T/in4m" |
	    { started "$T/down.log"; pv -qL 2M > "$T/down.out"; } &
fi
# 1s with the consumer asleep, the input all there: blocked on output;
# then 1s with the producer asleep and the output drained: waiting for
# input.
{ started "$T/half.log"; cat "$T/in"; sleep 1; } |
    lagwatch --format json --log "$T/half.log" |
    { started "$T/half.log"; sleep 1; cat > "$T/half.out"; } &
# The same in text.
{ started "$T/half.txt"; cat "$T/in"; sleep 1; } |
    lagwatch --log "$T/half.txt" |
    { started "$T/half.txt"; sleep 1; cat > /dev/null; } &
wait

if [ $have_pv = 1 ]; then
	final "$T/up.log"
	is "$(get verdict.bound)" upstream-bound \
	    "slow producer: upstream-bound"
	fi=$(get verdict.input_wait)
	within "$fi" 0.8 1
	ok $? "slow producer: waiting for input $fi of the time, >= 0.8"
	fo=$(get verdict.output_wait)
	within "$fo" 0 0.1
	ok $? "slow producer: blocked on output $fo of the time, <= 0.1"
	is "$(get input_wait)" "$fi" \
	    "slow producer: the report's input_wait is the verdict's"
	cmp -s "$T/in4m" "$T/up.out"
	ok $? "slow producer: data intact"

	final "$T/down.log"
	is "$(get verdict.bound)" downstream-bound \
	    "slow consumer: downstream-bound"
	fo=$(get verdict.output_wait)
	within "$fo" 0.8 1
	ok $? "slow consumer: blocked on output $fo of the time, >= 0.8"
	fi=$(get verdict.input_wait)
	within "$fi" 0 0.1
	ok $? "slow consumer: waiting for input $fi of the time, <= 0.1"
	is "$(get output_wait)" "$fo" \
	    "slow consumer: the report's output_wait is the verdict's"
	cmp -s "$T/in4m" "$T/down.out"
	ok $? "slow consumer: data intact"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP pv is not installed: no rate-limited runs"
fi

final "$T/half.log"
fi=$(get verdict.input_wait)
fo=$(get verdict.output_wait)
within "$fo" 0.4 0.6
ok $? "1s blocked then 1s waiting: blocked on output $fo, 0.5 +- 0.1"
within "$fi" 0.4 0.6
ok $? "1s blocked then 1s waiting: waiting for input $fi, 0.5 +- 0.1"
el=$(get elapsed)
within "$el" 1.9 4
ok $? "1s blocked then 1s waiting: elapsed $el"
cmp -s "$T/in" "$T/half.out"
ok $? "1s blocked then 1s waiting: data intact"
like "$(tail -n 1 "$T/half.txt")" \
    "^lagwatch: (balanced|downstream-bound|upstream-bound): (blocked on output|waiting for input) [0-9]+% of the time \\((waiting for input|blocked on output) [0-9]+%\\)\$" \
    "text: the verdict is the last line"
pct=$(tail -n 1 "$T/half.txt" | grep -Eo '[0-9]+%' | tr -d % | tr '\n' ' ')
set -- $pct
[ $# = 2 ] && [ "$1" -ge 40 ] && [ "$1" -le 60 ] && [ "$2" -ge 40 ] &&
    [ "$2" -le 60 ]
ok $? "text: both shares within 50% +- 10 ($pct)"
like "$(tail -n 2 "$T/half.txt" | head -n 1)" \
    "^lagwatch: done: .* wait in [0-9]+% out [0-9]+%; [a-z]+" \
    "text: the final report before the verdict"

# Both sides fast: no side holds it back for long.
cat "$T/big" | lagwatch --format json 2> "$T/fast.log" | cat > /dev/null
final "$T/fast.log"
b=$(get verdict.bound)
fi=$(get verdict.input_wait)
fo=$(get verdict.output_wait)
diag "cat | lagwatch | cat: $b, input $fi, output $fo"
if [ -z "${PF_VALGRIND:-}" ]; then
	within "$fi" 0 0.8 && within "$fo" 0 0.8
	ok $? "fast on both sides: neither side bound with a large share"
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP under valgrind lagwatch is the slow stage"
fi
like "$b" "^(balanced|upstream-bound|downstream-bound)\$" \
    "fast on both sides: a verdict"
is "$(get bytes_out)" "$(wc -c < "$T/big" | tr -d ' ')" \
    "fast on both sides: every byte counted"

done_testing
