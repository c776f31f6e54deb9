#!/bin/sh
# SPDX-License-Identifier: ISC
# spill is lossless and keeps order across memory and disk under any
# stall pattern: binary data with NUL bytes, empty records, a 1 MiB record
# (far larger than -m) and no final terminator pass byte-exact in line, -z
# and --bytes mode, with a 4K memory buffer and 16K segments so that most
# of the data goes through disk, while a bursty producer and a slower
# bursty consumer (stallpipe) are stopped and continued at random, and
# spill itself now and then.  The same with --durable -d DIR (every record
# through disk; the directory is left empty), without compression (-c 0)
# and at the highest level (-c 19).  -v proves the data went through
# disk.  And a record larger than -m alone goes out at once.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/cli.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

# binary, empty records, NUL records, a 1 MiB record, no final newline;
# 3.6M in all, well past what the pipes around spill hold (1M each)
mixed_input "$T/in" 1572864 1048576 524288 100000 "no final terminator"
size=$(wc -c < "$T/in")
want=$(sha "$T/in")

pauses 5 "$T/pauses"

# A hang is killed by the watchdog (cli.sh) after 5 s without output
# (30 under valgrind).
patience=$stall_patience
# A producer in smaller bursts, a consumer slower than usual.
stall_in="65536 2000"
stall_out="8192 10000"

# sizes as -v prints them (1.5M, 228K, 0B) in bytes, roughly
bytes_of() {
	echo "$1" | awk '{ v = $0 + 0; u = substr($0, length($0))
		if (u == "K") v *= 1024; else if (u == "M") v *= 1048576
		printf "%d\n", v }'
}
disk_sizes() {
	raw=$(bytes_of "$(echo "$disk" | sed 's/^spill: disk: \([^ ]*\) .*/\1/')")
	stored=$(bytes_of "$(echo "$disk" | sed 's/.*written (\([^ ]*\) stored.*/\1/')")
}

# run NAME SEED SPILL-ARGS...: input through spill between stalled
# neighbours; checks exit, sha256, stderr, and that disk was used.
run() {
	_name=$1
	_seed=$2
	shift 2
	stalled "$_seed" "$T/pauses" \
	    spill -v -m 4K --segment-size 16K --max-record 4M "$@"
	is "$rc" 0 "$_name: exit 0"
	got=$(sha "$T/out")
	is "$got" "$want" "$_name: sha256 of output = input"
	# -v adds state changes, the disk line and the summary; nothing else
	grep -v -E '^spill: ((normal|constrained|saturated|recovery) -> |disk: |done: )' \
	    "$T/err" > "$T/other"
	is "$(cat "$T/other")" "" "$_name: no warning on stderr"
	disk=$(grep '^spill: disk: ' "$T/err")
	like "$disk" '^spill: disk: [1-9][0-9.]*[KM] written \([0-9.]+[BKM] stored\), ([2-9]|[1-9][0-9]+) segments$' \
	    "$_name: data went through disk ($disk)"
	disk_sizes
	[ "$raw" -ge $((size / 3)) ]
	ok $? "$_name: much of it through disk ($raw of $size bytes)"
}

n=0
for mode in "" -z --bytes; do
	n=$((n + 1))
	run "${mode:-lines}" $n $mode
done

# --durable: every record passes through disk, in a directory of ours
# that is left without segments or checkpoint at the end.
for mode in "" --bytes; do
	n=$((n + 1))
	rm -rf "$T/spool"
	run "${mode:-lines}, --durable" $n $mode --durable -d "$T/spool" \
	    --checkpoint 50ms
	# every byte went to disk: the raw figure is the input's size
	disk_sizes
	[ "$raw" -ge $((size * 97 / 100)) ] &&
	    [ "$raw" -le $((size * 103 / 100)) ]
	ok $? "${mode:-lines}, --durable: all $size bytes written ($raw)"
	ls -A "$T/spool" > "$T/left"
	is "$(cat "$T/left")" "" \
	    "${mode:-lines}, --durable: directory left empty"
done


n=$((n + 1))
run "lines, -c 0" $n -c 0
disk_sizes
[ "$raw" -gt 0 ] && [ "$stored" -ge $((raw * 99 / 100)) ]
ok $? "lines, -c 0: stored as is ($stored of $raw bytes)"
n=$((n + 1))
# (durable: everything through disk, the compressible records too)
rm -rf "$T/spool"
run "-z, -c 19, --durable" $n -z -c 19 --durable -d "$T/spool"
disk_sizes
[ "$raw" -gt 0 ] && [ "$stored" -lt $((raw * 9 / 10)) ]
ok $? "-z, -c 19, --durable: compressed ($stored of $raw bytes)"

# Direct pipes too, with bursty neighbours only, in all three modes.
for mode in "" -z --bytes; do
	rm -f "$T/hung" "$T/out"
	stallpipe 11 65536 1000 < "$T/in" |
	    sh -c 'echo $$ > "$0"; exec "$@"' "$T/qpid" \
	    spill $mode -m 4K --segment-size 16K --max-record 4M |
	    stallpipe 12 16384 10000 > "$T/out" &
	wait_until 5 test -s "$T/qpid"
	watchdog "$(cat "$T/qpid")" "$T/out"
	wait
	[ -e "$T/hung" ] && diag "spill hung: $(cat "$T/hung"); killed"
	got=$(sha "$T/out")
	is "$got" "$want" "sha256 through pipes (${mode:-lines}, -m 4K)"
	rm -f "$T/qpid"
done

# A record larger than -m on its own, with nothing else to do: it goes
# out whole, at once.
for mode in "" -z; do
	[ -z "$mode" ] && t='\n' || t='\0'
	{ head -c 5000 /dev/zero | tr '\0' y; printf "$t"; } > "$T/one"
	timeout -s KILL $((patience / 10)) spill $mode -m 4K < "$T/one" > "$T/out" 2> "$T/err"
	is $? 0 "${mode:-lines}: a 5000-byte record through -m 4K: exit 0"
	cmp -s "$T/one" "$T/out"
	ok $? "${mode:-lines}: a 5000-byte record through -m 4K: delivered"
done

done_testing
