#!/bin/sh
# SPDX-License-Identifier: ISC
# A full disk blocks, it does not lose: on a 2M tmpfs, with the consumer
# stopped and far more input than fits, spill warns once that there is
# no space and input waits, holds the producer back (blocked in write),
# and leaves no torn frame behind.  When the consumer goes on, space comes
# back as segments are read, spill says so and writes on, and everything
# arrives intact: exit 0.  The same with --durable.
#
# Mounting needs root, or a user namespace (unshare -r -m); without
# either the test is skipped.
if [ "$(id -u)" != 0 ] && [ -z "${PF_UNSHARED:-}" ] &&
    command -v unshare > /dev/null 2>&1 &&
    unshare -r -m true > /dev/null 2>&1; then
	PF_UNSHARED=1 exec unshare -r -m sh "$0" "$@"
fi
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
mkdir "$T/mnt"
mount -t tmpfs -o size=2M tmpfs "$T/mnt" > /dev/null 2>&1 ||
    skip_all "cannot mount a tmpfs here"
trap 'umount "$T/mnt" 2> /dev/null; rm -rf "$T"' EXIT

gone() {
	_s=$(pstate "$1")
	[ -z "$_s" ] || [ "$_s" = Z ]
}
# json FILE KEY: a top-level field of the JSON object in FILE
json() {
	jsonget "$1" "$2"
}

# 8M of lines: four times what the file system holds
head -c 6000000 /dev/urandom | base64 > "$T/in"

for durable in "" --durable; do
	m=${durable:-plain}
	d=$T/mnt/sp
	rm -f "$T/a" "$T/b" "$T/cpid" "$T/out"
	mkfifo "$T/a" "$T/b"
	# a stopped consumer, slow once it goes on: space comes back while
	# input still waits
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec stallpipe 3 8192 4000' \
	    "$T/cpid" < "$T/b" > "$T/out" &
	c=$!
	cat "$T/in" > "$T/a" &
	p=$!
	spill $durable -c 0 -m 64K --segment-size 256K -d "$d" \
	    < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	wait_until 10 is_stopped $c
	wait_until 15 grep -q 'No space left on device' "$T/err"
	ok $? "$m: spill meets the full disk"
	sleep 1			# many retries: one warning all the same
	is "$(grep -c 'No space left on device' "$T/err")" 1 \
	    "$m: one warning while the disk stays full"
	like "$(head -n 1 "$T/err")" \
	    "^spill: .*/sp: seg-[0-9a-f]{16}\\.pfs: No space left on device; input waits until there is room\$" \
	    "$m: the warning names the file and says input waits"
	alive $p && blocked_in $p pipe_write
	ok $? "$m: the producer is held back, blocked in write"
	alive $q
	ok $? "$m: spill waits, alive"
	spill --info "$d" --format json > "$T/info" 2> "$T/info.err"
	is "$(json "$T/info" torn_tails) $(json "$T/info" corrupt)" "0 false" \
	    "$m: the short write was cut back: no torn frame, nothing corrupt"
	nseg=$(find "$d" -name 'seg-*.pfs' | wc -l)
	is "$(json "$T/info" segments)" "$nseg" "$m: --info counts $nseg segments"

	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$m: exit 0 once the consumer went on"
	wait $c
	wait $p
	cmp -s "$T/in" "$T/out"
	ok $? "$m: nothing lost: output = input"
	grep -q '^spill: .*/sp: space again, writing on$' "$T/err"
	ok $? "$m: says when there is space again"
	is "$(grep -c 'space again, writing on' "$T/err")" \
	    "$(grep -c 'No space left on device' "$T/err")" \
	    "$m: every warning is followed by its all-clear"
	grep -v -e 'No space left on device; input waits' \
	    -e 'space again, writing on' "$T/err" > "$T/other"
	is "$(cat "$T/other")" "" "$m: nothing else on stderr"
	is "$(find "$d" -name 'seg-*.pfs' | wc -l | tr -d ' ')" 0 \
	    "$m: no segment left"
	rm -rf "$d"
done

# One segment larger than the disk (the default --segment-size), a fast
# consumer: no space comes back until the reader has caught up.
rm -f "$T/b" "$T/cpid" "$T/out"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
spill -c 0 -m 64K -d "$T/mnt/sp" < "$T/in" > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
wait_until 15 grep -q 'No space left on device' "$T/err"
ok $? "one big segment: spill meets the full disk"
kill -CONT "$(cat "$T/cpid")"
wait $q
is $? 0 "one big segment: exit 0"
wait $c
cmp -s "$T/in" "$T/out"
ok $? "one big segment: nothing lost"

done_testing
