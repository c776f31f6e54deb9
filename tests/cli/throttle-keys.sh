#!/bin/sh
# SPDX-License-Identifier: ISC
# -k at its bound: a million distinct keys through --max-keys 1000 keep
# the table at 1000 keys and memory far below a table that holds them
# all; with more keys than the bound, the total rate stays within the
# promise (--max-keys + 2 rates: the keys, the overflow and the records
# without a key); records without the field are counted; keys come from
# a column with -t or from a JSON path.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/status ] || skip_all "needs /proc"
mkdir -m 700 "$T/st"

awk 'BEGIN { for (i = 0; i < 1000000; i++) print "k" i }' > "$T/million"

# hwm MAXKEYS: run throttle -k over the million keys, then, with all
# input counted out and the input still open, set $hwm to its peak
# resident size (kB) from /proc and $keys and $over from its status file.
hwm() {
	rm -f "$T/kf"
	mkfifo "$T/kf"
	PIPEFLOW_STATUS_DIR=$T/st throttle -k 1 -r 1M/s --max-keys "$1" \
	    --name keys$1 < "$T/kf" > /dev/null &
	_p=$!
	exec 3> "$T/kf"
	cat "$T/million" >&3
	metric_file=$T/st/keys$1.prom
	wait_until 60 sh -c "[ \"\$(sed -n 's/^pipeflow_records_out_total{[^}]*} //p' $metric_file 2>/dev/null)\" = 1000000 ]"
	_ok=$?
	# One more status write, so that the counts are the last ones.
	sleep 0.5
	keys=$(metric pipeflow_throttle_keys)
	over=$(metric pipeflow_throttle_overflow_total)
	hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$_p/status")
	exec 3>&-
	wait $_p
	return $_ok
}

hwm 1000
ok $? "--max-keys 1000: the million records went through"
small=$hwm
is "$keys" 1000 "--max-keys 1000: the table holds 1000 keys"
ok "$([ "${over:-0}" -gt 0 ]; echo $?)" \
    "--max-keys 1000: new keys past the bound share the overflow ($over)"
hwm 1000000
ok $? "--max-keys 1000000: the million records went through"
large=$hwm
is "$keys" 1000000 "--max-keys 1000000: the table holds them all"
diag "peak memory: $small kB at 1000 keys, $large kB at 1000000"
ok "$([ "$small" -gt 0 ] && [ $((small * 2)) -lt "$large" ]; echo $?)" \
    "memory stays bounded by --max-keys ($small kB vs $large kB)"

# Six keys round robin through --max-keys 2 at 100/s each: at most
# 4 x 100/s in all (2 keys, the overflow, no unkeyed here).
awk 'BEGIN { for (i = 0; i < 1200; i++) print "key" (i % 6), i }' \
    > "$T/six"
throttle -k 1 -r 100/s --max-keys 2 "$T/six" | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
is "$2" 1200 "six keys, --max-keys 2: every record passes"
# 1200 records at no more than 400/s, after bursts of 10 each: >= 2.9s.
awk -v s="$6" 'BEGIN { exit !(s >= (1200 - 40) / 400 * 0.99) }'
ok $? "six keys, --max-keys 2: the total stays within 4 x 100/s ($6 s)"

# Records without the field share one bucket and are counted.
printf 'a 1\nb\nc\nd 2\n' > "$T/some"
PIPEFLOW_STATUS_DIR=$T/st throttle -k 2 -r 1/s --burst 1s --name unk \
    "$T/some" > "$T/out" 2> "$T/err" &
p=$!
metric_file=$T/st/unk.prom
wait_until 5 sh -c "[ \"\$(sed -n 's/^pipeflow_throttle_unkeyed_total{[^}]*} //p' $metric_file 2>/dev/null)\" = 2 ]"
ok $? "records without the key are counted (2)"
wait $p
cmp -s "$T/some" "$T/out"
ok $? "records without the key pass, in order"

# -t and a JSON path.
printf 'x,1\nx,2\ny,3\n' | throttle -k 1 -t , -r 1/s --burst 2s |
    ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
awk -v s="$6" 'BEGIN { exit !(s < 0.5) }'
ok $? "-t ,: keys x and y each within their burst of 2 ($6 s)"
printf '{"t":"a"}\n{"t":"a"}\n{"t":"a"}\n{"t":"b"}\n' |
    throttle -k .t -r 10/s --burst 200ms | ratemeter 100 > "$T/m"
set -- $(cat "$T/m")
awk -v s="$6" 'BEGIN { exit !(s >= 0.09 && s < 0.5) }'
ok $? "-k .t: the third record of key a waits its 100ms ($6 s)"

done_testing
