#!/bin/sh
# SPDX-License-Identifier: ISC
# Damage that keeps every checksum valid, made by editing a durable spill
# directory between runs (tests/lib/spilledit): the data is the truth.
# Each case under a timeout, so a hang fails:
#   - a frame header whose record count is larger (smaller) than what the
#     frame holds: exit 3 naming the offset, or with --skip-corrupt the
#     exact count lost and every other record delivered;
#   - a record one byte over --max-record, stored by a run that allowed it;
#   - a checkpoint pointing past the data, or replaced by garbage;
#   - a segment copied under another name (overlapping numbers).
# --info exits 3 and names each of them.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

command -v timeout > /dev/null 2>&1 || skip_all "needs timeout(1)"

# to LIMIT CMD...: CMD under a timeout that cannot be caught
to() {
	_l=$1
	shift
	timeout -s KILL "$_l" "$@"
}

# keep DIR ARGS...: a --durable run on DIR whose reader never reads,
# stopped by SIGTERM: everything stays in DIR.
keep() {
	_d=$1
	shift
	rm -rf "$_d" "$T/f"
	mkfifo "$T/f"
	sleep 30 < "$T/f" &
	_s=$!
	spill --durable -d "$_d" "$@" < "$T/in" > "$T/f" 2> "$T/keep.err" &
	_p=$!
	wait_until 10 grep -q . "$_d/checkpoint"
	sleep 1
	kill -TERM $_p
	wait $_p
	kill $_s
	wait $_s 2> /dev/null
}

seq 1 300000 > "$T/in"
D=$T/d
S=$D/seg-0000000000000000.pfs

# A record count too large in the last frame: nothing after it can tell.
keep "$D"
nf=$(spilledit frames "$S" | wc -l | tr -d ' ')
[ "$nf" -ge 2 ]
ok $? "setup: $nf frames in one segment"
set -- $(spilledit frames "$S" | tail -n 1)
off=$1 first=$2 n=$3
spilledit nrec "$S" $((nf - 1)) $((n + 5))
cp -R "$D" "$T/copy"
to 20 spill --info "$D" > "$T/info"
is $? 3 "count too large: --info exits 3"
like "$(sed -n 's/^fault: *//p' "$T/info")" \
    "seg-0000000000000000\\.pfs: offset $off: a frame of $((n + 5)) records holds $n" \
    "count too large: --info names the segment, the offset and the counts"
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 3 "count too large: --drain exits 3, no hang"
like "$(cat "$T/err")" \
    "seg-0000000000000000\\.pfs: offset $off: a frame of $((n + 5)) records holds $n: corrupt spill data" \
    "count too large: the message names the offset"
seq 1 "$first" | cmp -s - "$T/out"
ok $? "count too large: every record before the frame delivered"
rm -rf "$D"
mv "$T/copy" "$D"
to 20 spill --drain "$D" --skip-corrupt > "$T/out" 2> "$T/err"
is $? 0 "count too large, --skip-corrupt: exit 0"
like "$(cat "$T/err")" "skipped: $((n + 5)) records lost" \
    "count too large, --skip-corrupt: the exact count lost, by the numbers"
seq 1 "$first" | cmp -s - "$T/out"
ok $? "count too large, --skip-corrupt: everything else delivered"

# A record count too small in the last frame.
keep "$D"
spilledit nrec "$S" $((nf - 1)) $((n - 5))
to 20 spill --info "$D" > /dev/null
is $? 3 "count too small: --info exits 3"
to 20 spill --drain "$D" --skip-corrupt > "$T/out" 2> "$T/err"
is $? 0 "count too small, --skip-corrupt: exit 0, no hang"
like "$(cat "$T/err")" "skipped: $((n - 5)) records lost" \
    "count too small, --skip-corrupt: the count lost"
seq 1 "$first" | cmp -s - "$T/out"
ok $? "count too small, --skip-corrupt: everything else delivered"

# A count too large in the first frame: the next frame's number shows it.
keep "$D"
set -- $(spilledit frames "$S" | head -n 1)
spilledit nrec "$S" 0 $(($3 + 5))
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 3 "count too large mid-segment: exit 3, no hang"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 \
    "count too large mid-segment: nothing of the bad frame delivered"

# A record one byte over --max-record, kept by a run that allowed it.
{
	seq 1 1000
	head -c 1048577 /dev/zero | tr '\0' a
	echo
	seq 1 1000
} > "$T/in"
keep "$D" --max-record 2M
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 3 "one byte over --max-record: --drain exits 3, no hang"
like "$(cat "$T/err")" "record 1001: longer than --max-record" \
    "one byte over --max-record: the record named"
seq 1 1000 | cmp -s - "$T/out"
ok $? "one byte over --max-record: every record before it delivered"
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 3 "one byte over --max-record, resumed past 1000: exit 3"
like "$(cat "$T/err")" "record 1001: longer than --max-record" \
    "one byte over --max-record, resumed: the record named by its number"
to 20 spill --drain "$D" --max-record 2M > "$T/out" 2> "$T/err"
is $? 0 "one byte over --max-record: a larger --max-record drains it"
tail -n +1001 "$T/in" | cmp -s - "$T/out"
ok $? "one byte over --max-record: then the rest, byte-exact"

# Damaged checkpoints: the data decides.
seq 1 300000 > "$T/in"
keep "$D"
cp -R "$D" "$T/clean"
# ckcase NAME CMD...: CMD damages $D/checkpoint of a fresh copy; --info
# and --drain exit 3 naming the checkpoint; --drain --skip-corrupt
# delivers everything on disk and says so.
ckcase() {
	_name=$1
	shift
	rm -rf "$D"
	cp -R "$T/clean" "$D"
	"$@"
	to 20 spill --info "$D" > "$T/info"
	is $? 3 "$_name: --info exits 3"
	like "$(sed -n 's/^fault: *//p' "$T/info")" '^checkpoint: ' \
	    "$_name: --info names the checkpoint"
	to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
	is $? 3 "$_name: --drain exits 3"
	like "$(cat "$T/err")" "$D/checkpoint: corrupt.*--skip-corrupt" \
	    "$_name: the message names the checkpoint"
	is "$(wc -c < "$T/out" | tr -d ' ')" 0 "$_name: nothing delivered"
	to 20 spill --drain "$D" --skip-corrupt > "$T/out" 2> "$T/err"
	is $? 0 "$_name, --skip-corrupt: exit 0"
	cmp -s "$T/in" "$T/out"
	ok $? "$_name, --skip-corrupt: everything on disk delivered"
	like "$(cat "$T/err")" \
	    "$D/checkpoint: corrupt.*: ignored, delivering everything on disk, from record 0" \
	    "$_name, --skip-corrupt: says what it assumed"
	like "$(cat "$T/err")" "resuming: 300000 records \\([1-9][0-9.]*M\\)" \
	    "$_name, --skip-corrupt: the size of what it resumes"
}
past() { spilledit ckpt "$D/checkpoint" 900000; }
garbage() { head -c 1000 /dev/urandom > "$D/checkpoint"; }
longline() { printf 'PFCKPT1 %0300d\n' 5 > "$D/checkpoint"; }
short() { echo hello > "$D/checkpoint"; }
ckcase "a checkpoint past the data" past
ckcase "a checkpoint of garbage" garbage
ckcase "a checkpoint of one long line" longline
ckcase "a short garbage checkpoint" short

# A checkpoint at the very end of the data is no fault: nothing to do.
rm -rf "$D"
cp -R "$T/clean" "$D"
spilledit ckpt "$D/checkpoint" 300000
to 20 spill --info "$D" > "$T/info"
is $? 0 "a checkpoint at the end of the data: --info exits 0"
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 0 "a checkpoint at the end of the data: --drain exits 0"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 \
    "a checkpoint at the end of the data: nothing to deliver"

# A segment copied under another generated name: numbers seen twice.
seq 1 60765 > "$T/in"
keep "$D" -m 4K --segment-size 64K -c 0
[ "$(ls "$D" | grep -c '^seg-')" -ge 3 ]
ok $? "overlap setup: several segments"
cp "$S" "$D/seg-00000000000000ff.pfs"
n0=$(spilledit frames "$S" | awk '{ n += $3 } END { print n }')
cp -R "$D" "$T/copy"
to 20 spill --info "$D" > "$T/info"
is $? 3 "overlap: --info exits 3"
is "$(sed -n 's/^fault: *//p' "$T/info")" \
    "seg-00000000000000ff.pfs: offset 0: records 0 to $((n0 - 1)) overlap an earlier segment's" \
    "overlap: --info names the file, the offset and the records"
to 20 spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 3 "overlap: --drain exits 3"
like "$(cat "$T/err")" "$D/seg-00000000000000ff.pfs: offset 0: records 0 to $((n0 - 1)) overlap an earlier segment's: corrupt spill data" \
    "overlap: the message names the file and the offset"
rm -rf "$D"
mv "$T/copy" "$D"
to 20 spill --drain "$D" --skip-corrupt > "$T/out" 2> "$T/err"
is $? 0 "overlap, --skip-corrupt: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "overlap, --skip-corrupt: every record once, in order"
like "$(cat "$T/err")" "skipped: $n0 records seen twice, none lost" \
    "overlap, --skip-corrupt: the exact count skipped"

done_testing
