#!/bin/sh
# SPDX-License-Identifier: ISC
# The rate holds: records alone, bytes alone (lines and --bytes), both at
# once with each binding in turn, and per key with keys of different
# volumes.  A consumer times the run on the monotonic clock (ratemeter):
# past the first burst, what arrives over the run must come at the asked
# rate, never faster (1% for timer slack) and not much slower (5%, for a
# loaded machine); in no 100ms window may more arrive than one burst and
# 140ms worth (40ms for the consumer's own scheduling on a busy machine).
. "$top_srcdir/tests/lib/tap.sh"

# check NAME RATE BURST UNIT: judge $T/m (ratemeter's line) for UNIT
# (records or bytes) against RATE per second with a BURST.
check() {
	set -- "$1" "$2" "$3" "$4" $(cat "$T/m")
	_name=$1 _rate=$2 _burst=$3
	if [ "$4" = records ]; then
		_n=$6 _max=${12} _first=${16}
	else
		_n=$8 _max=${14} _first=${17}
	fi
	_s=${10}
	_got=$(awk -v n="$_n" -v f="$_first" -v s="$_s" \
	    'BEGIN { if (s > 0) printf "%.1f", (n - f) / s }')
	diag "$_name: $_n $4 in ${_s}s: $_got/s (asked $_rate/s)"
	awk -v g="$_got" -v r="$_rate" 'BEGIN { exit !(g <= r * 1.01) }'
	ok $? "$_name: never above the rate ($_got/s)"
	awk -v g="$_got" -v r="$_rate" 'BEGIN { exit !(g >= r * 0.95) }'
	ok $? "$_name: within 5% of the rate ($_got/s)"
	awk -v m="$_max" -v b="$_burst" -v r="$_rate" \
	    'BEGIN { exit !(m <= b + r * 0.14 + 1) }'
	ok $? "$_name: at most a burst and 140ms worth in 100ms ($_max)"
}

seq 1 5000 > "$T/lines"			# 23893 bytes
awk 'BEGIN { for (i = 0; i < 400; i++) printf "%0999d\n", i }' \
    > "$T/wide"				# 400 records of 1000 bytes

throttle -r 2000/s "$T/lines" | ratemeter 100 > "$T/m"
check "-r 2000/s" 2000 200 records

throttle -B 200KB/s "$T/wide" | ratemeter 100 > "$T/m"
check "-B 200KB/s" 200000 20000 bytes

throttle --bytes -B 200KB/s "$T/wide" | ratemeter 100 > "$T/m"
check "--bytes -B 200KB/s" 200000 20000 bytes

# Pipe to pipe, --bytes splices what the bucket allows, no more.
cat "$T/wide" | throttle --bytes -B 200KB/s | ratemeter 100 > "$T/m"
check "--bytes -B 200KB/s, pipe to pipe" 200000 20000 bytes
if command -v strace > /dev/null 2>&1 &&
    strace -o /dev/null true > /dev/null 2>&1; then
	cat "$T/wide" | strace -f -e trace=splice,read,write -o "$T/trace" \
	    throttle --bytes -B 2MB/s | cksum > "$T/sum"
	is "$(cat "$T/sum")" "$(cksum < "$T/wide")" \
	    "--bytes pipe to pipe under strace: output = input"
	grep -q '^[0-9]* *splice(0, NULL, 1, NULL' "$T/trace" &&
	    ! grep -q '^[0-9]* *write(1,' "$T/trace"
	ok $? "--bytes pipe to pipe: moved by splice(2), not written"
else
	skip_n 2 "strace is not installed or cannot trace here"
fi

tr '\n' '\0' < "$T/lines" | throttle -z -r 2000/s | ratemeter -z 100 > "$T/m"
check "-z -r 2000/s" 2000 200 records

# Both at once: records bind for short lines, bytes for wide ones.
throttle -r 2000/s -B 1MB/s "$T/lines" | ratemeter 100 > "$T/m"
check "-r 2000/s -B 1MB/s, records bind" 2000 200 records
throttle -r 2000/s -B 200KB/s "$T/wide" | ratemeter 100 > "$T/m"
check "-r 2000/s -B 200KB/s, bytes bind" 200000 20000 bytes

# Per key: 3000, 1500 and 300 records of keys a, b and c at 1000/s each:
# the largest key sets the time, as if the others were not there.
awk 'BEGIN { for (i = 0; i < 3000; i++) {
	print "a", i; if (i % 2) print "b", i; if (i % 10 == 0) print "c", i } }' \
    > "$T/keyed"
throttle -k 1 -r 1000/s "$T/keyed" | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
is "$2" 4800 "-k: every record passes"
awk -v s="$6" 'BEGIN { exit !(s >= 2.9 * 0.99 && s <= 2.9 / 0.95) }'
ok $? "-k: 3000 records of the largest key at 1000/s take 2.9s ($6 s)"
awk -v m="$8" 'BEGIN { exit !(m <= 3 * 240 + 3) }'
ok $? "-k: at most a burst and 140ms worth of each key in 100ms ($8)"
# Key c alone goes at its own pace, not the others' total.
grep '^c' "$T/keyed" | throttle -k 1 -r 1000/s | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
awk -v s="$6" 'BEGIN { exit !(s <= 0.2 / 0.95 + 0.05) }'
ok $? "-k: 300 records of one key take 0.2s ($6 s)"

done_testing
