#!/bin/sh
# SPDX-License-Identifier: ISC
# A full disk never ends a --durable run nor wedges it, on a file system
# smaller than one default frame (a 256k tmpfs): the checkpoint is
# rewritten in place when there is no room for a new one, frames shrink
# to what fits, and input waits while the disk is full.  Every case under
# a timeout, every output compared with its input:
#   - small segments and a slow reader (the checkpoint meets ENOSPC);
#   - the default 1 MiB frames, and --segment-size 1M;
#   - EFBIG: ulimit -f far below --segment-size (no tmpfs needed);
#   - the disk full at start, freed two seconds later.
#
# Mounting needs root, or a user namespace (unshare -r -m); without
# either the tmpfs cases are skipped.
if [ "$(id -u)" != 0 ] && [ -z "${PF_UNSHARED:-}" ] &&
    command -v unshare > /dev/null 2>&1 &&
    unshare -r -m true > /dev/null 2>&1; then
	PF_UNSHARED=1 exec unshare -r -m sh "$0" "$@"
fi
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

command -v timeout > /dev/null 2>&1 || skip_all "needs timeout(1)"

# 4M of lines, sixteen times what the file system holds
head -c 3000000 /dev/urandom | base64 > "$T/in"

# runrc NAME DIR ARGS...: spill ARGS -d DIR into a slow reader, under a
# timeout: exit 0, output = input, nothing left in DIR, no other message.
runrc() {
	_name=$1
	_d=$2
	shift 2
	{ timeout 60 spill -d "$_d" "$@" < "$T/in" 2> "$T/err"; \
	    echo $? > "$T/rc"; } | stallpipe 7 16384 300 > "$T/out"
	is "$(cat "$T/rc")" 0 "$_name: exit 0 within the timeout"
	cmp -s "$T/in" "$T/out"
	ok $? "$_name: nothing lost: output = input"
	is "$(find "$_d" -name 'seg-*.pfs' 2> /dev/null | wc -l | tr -d ' ')" \
	    0 "$_name: no segment left"
	grep -v -e 'No space left on device' -e 'File too large' \
	    -e 'space again, writing on' -e 'checkpoint written again' \
	    "$T/err" > "$T/other"
	is "$(cat "$T/other")" "" "$_name: no other message"
}

# EFBIG first: it needs no mount.
{ timeout 60 sh -c 'ulimit -f 200; exec spill --durable -c 0 \
    --segment-size 1M -d "$0"' "$T/fsz" < "$T/in" 2> "$T/err"; \
    echo $? > "$T/rc"; } | stallpipe 7 16384 300 > "$T/out"
is "$(cat "$T/rc")" 0 "EFBIG (ulimit -f 200): exit 0 within the timeout"
cmp -s "$T/in" "$T/out"
ok $? "EFBIG: nothing lost: output = input"
is "$(grep -c 'File too large' "$T/err")" 0 \
    "EFBIG: a file at its size limit is no full disk: a new segment, quietly"
rm -rf "$T/fsz"

mkdir "$T/mnt"
if ! mount -t tmpfs -o size=256k tmpfs "$T/mnt" > /dev/null 2>&1; then
	diag "SKIP the tmpfs cases: cannot mount a tmpfs here"
	done_testing
fi
trap 'umount "$T/mnt" 2> /dev/null; rm -rf "$T"' EXIT

runrc "small segments" "$T/mnt/sp" --durable -m 64K -c 0 \
    --segment-size 64K
is "$(grep -c 'cannot write checkpoint' "$T/err")" 0 \
    "small segments: the checkpoint is rewritten in place, no error"
rm -rf "$T/mnt/sp"

runrc "1 MiB frames" "$T/mnt/sp" --durable -c 0
rm -rf "$T/mnt/sp"

runrc "--segment-size 1M" "$T/mnt/sp" --durable -c 0 --segment-size 1M
rm -rf "$T/mnt/sp"

runrc "not durable, 1 MiB frames" "$T/mnt/sp" -m 64K -c 0
rm -rf "$T/mnt/sp"

# The disk full at start, freed two seconds later.
dd if=/dev/zero of="$T/mnt/fill" bs=4k > /dev/null 2>&1
is "$(df -k "$T/mnt" | awk 'NR == 2 { print $4 }')" 0 "the disk is full"
{ timeout 60 spill --durable -c 0 -d "$T/mnt/sp" < "$T/in" \
    2> "$T/err"; echo $? > "$T/rc"; } | stallpipe 7 16384 300 \
    > "$T/out" &
c=$!
sleep 2
like "$(head -n 1 "$T/err")" 'No space left on device; (input waits|retrying)' \
    "full at start: spill says the disk is full and waits"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "full at start: nothing delivered yet"
rm -f "$T/mnt/fill"
wait $c
is "$(cat "$T/rc")" 0 "full at start, then freed: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "full at start, then freed: nothing lost"
is "$(grep -c "No space left on device" "$T/err")" \
    "$(grep -c -e "space again" -e "written again" "$T/err")" \
    "full at start: every warning is followed by its all-clear"
rm -rf "$T/mnt/sp"

done_testing
