#!/bin/sh
# SPDX-License-Identifier: ISC
# The disk bounds hold, and block rather than drop.  --max-disk: with the
# consumer stopped, the segment files never add up to more than the
# bound (and come close to it), the producer is held back in write, the
# status file says spill is full and saturated (pressure 1); when the
# consumer goes on, everything arrives and the bound still holds while
# the disk drains and fills again.  --min-free on a small tmpfs: the free
# space never drops below it.
#
# The --min-free part mounts a tmpfs: it needs root or a user namespace
# (unshare -r -m), and is skipped without.
if [ "$(id -u)" != 0 ] && [ -z "${PF_UNSHARED:-}" ] &&
    command -v unshare > /dev/null 2>&1 &&
    unshare -r -m true > /dev/null 2>&1; then
	PF_UNSHARED=1 exec unshare -r -m sh "$0" "$@"
fi
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
trap 'umount "$T/mnt" 2> /dev/null; rm -rf "$T"' EXIT

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}
saturated() {
	grep -q '^pipeflow_state{.*state="saturated"} 1$' "$metric_file" \
	    2>/dev/null
}
# segsize DIR: the total size of the segment files in DIR
segsize() {
	find "$1" -name 'seg-*.pfs' -exec stat -c %s {} + 2>/dev/null |
	    awk '{ s += $1 } END { print s + 0 }'
}
# freespace DIR: bytes free for us on DIR's file system
freespace() {
	stat -f -c '%a %S' "$1" | awk '{ print $1 * $2 }'
}
# sampler PID FILE CMD...: while PID lives, run CMD every 20ms and keep
# its outputs, one a line, in FILE.
sampler() {
	_pid=$1
	_f=$2
	shift 2
	: > "$_f"
	while kill -0 "$_pid" 2>/dev/null; do
		"$@" >> "$_f"
		sleep 0.02
	done
}

# 8M of lines that compress little
head -c 6000000 /dev/urandom | base64 > "$T/in"
max=1048576

# start ARGS...: a stopped consumer (slow once it goes on, so the disk
# drains and fills again for a while), a producer of $T/in through FIFO
# a, spill ARGS between, publishing its status as b.
start() {
	rm -rf "$T/a" "$T/b" "$T/cpid" "$T/out" "$T/st"
	mkfifo "$T/a" "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec stallpipe 5 4096 4000' \
	    "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	cat "$T/in" > "$T/a" &
	p=$!
	PIPEFLOW_STATUS_DIR=$T/st spill --name b --status-interval 50ms \
	    -m 64K --segment-size 256K "$@" < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	metric_file=$T/st/b.prom
	wait_until 10 is_stopped $c
}

for level in 0 1; do
	m="--max-disk 1M, -c $level"
	d=$T/spool
	rm -rf "$d"
	start -c $level --max-disk 1M -d "$d"
	sampler $q "$T/sizes" segsize "$d" &
	s=$!
	wait_until 15 saturated
	ok $? "$m: saturated"
	wait_until 5 grep -q '^pipeflow_spill_full{.*} 1$' "$metric_file"
	ok $? "$m: status: pipeflow_spill_full 1"
	sleep 0.5
	cp "$metric_file" "$T/snap"
	now=$(segsize "$d")
	is "$(metric pipeflow_pressure "$T/snap")" 1 "$m: status: pressure 1"
	is "$(metric pipeflow_spill_full "$T/snap")" 1 \
	    "$m: status: still full"
	stored=$(sed -n 's/^pipeflow_spill_disk_bytes{.*kind="stored"} //p' \
	    "$T/snap")
	is "$stored" "$now" "$m: status: stored bytes = size of the segments"
	is "$(metric pipeflow_spill_bytes "$T/snap")" "$now" \
	    "$m: status: pipeflow_spill_bytes = size of the segments"
	[ "$now" -le $max ] && [ "$now" -ge $((max - 2 * 65536)) ]
	ok $? "$m: $now bytes on disk: up to the bound, not past it"
	alive $p && blocked_in $p pipe_write
	ok $? "$m: the producer is held back, blocked in write"
	alive $q
	ok $? "$m: spill waits"

	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$m: exit 0 once the consumer went on"
	wait $c $p $s
	cmp -s "$T/in" "$T/out"
	ok $? "$m: nothing lost: output = input"
	top=$(sort -n "$T/sizes" | tail -n 1)
	n=$(wc -l < "$T/sizes")
	[ "$n" -ge 20 ] && [ "$top" -le $max ]
	ok $? "$m: at most $top bytes on disk over $n samples, bound $max"
	is "$(cat "$T/err")" "" "$m: nothing on stderr"
done

# --min-free on a 4M tmpfs: keep 2M free.
mkdir "$T/mnt"
if mount -t tmpfs -o size=4M tmpfs "$T/mnt" > /dev/null 2>&1; then
	m="--min-free 2M"
	keep=2097152
	start -c 0 --min-free 2M -d "$T/mnt/sp"
	sampler $q "$T/free" freespace "$T/mnt" &
	s=$!
	wait_until 15 saturated
	ok $? "$m: saturated"
	wait_until 5 grep -q '^pipeflow_spill_full{.*} 1$' "$metric_file"
	ok $? "$m: status: pipeflow_spill_full 1"
	sleep 0.5
	free=$(freespace "$T/mnt")
	[ "$free" -ge $keep ] && [ "$free" -le $((keep + 2 * 65536)) ]
	ok $? "$m: $free bytes free: down to the bound, not past it"
	alive $p && blocked_in $p pipe_write
	ok $? "$m: the producer is held back, blocked in write"
	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$m: exit 0 once the consumer went on"
	wait $c $p $s
	cmp -s "$T/in" "$T/out"
	ok $? "$m: nothing lost: output = input"
	low=$(sort -n "$T/free" | head -n 1)
	n=$(wc -l < "$T/free")
	[ "$n" -ge 20 ] && [ "$low" -ge $keep ]
	ok $? "$m: at least $low bytes free over $n samples, bound $keep"
	is "$(cat "$T/err")" "" "$m: nothing on stderr"
	umount "$T/mnt"
else
	i=0
	while [ $i -lt 8 ]; do
		skip "cannot mount a tmpfs here"
		i=$((i + 1))
	done
fi

done_testing
