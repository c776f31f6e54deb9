#!/bin/sh
# SPDX-License-Identifier: ISC
# spill --durable on damaged spill data.  A spool is made by a run whose
# reader goes away (spill exits 141 and keeps every record), uncompressed
# (-c 0) in 16K segments so that frames sit at offsets read back from the
# files.  Then, each on a fresh copy:
#  - a torn tail of the last segment (cut inside a payload, inside a frame
#    header) is cut back at the last whole frame, said with its offset,
#    and the rest delivered, exit 0; a last segment shorter than its
#    header is removed as "created but never written";
#  - a flipped payload byte, a flipped frame header byte, a bad file
#    header, a deleted middle segment, garbage appended to a middle or to
#    the last segment: every record before the fault is delivered, then
#    exit 3 with a message naming the file and the offset, the data is
#    kept; with --skip-corrupt the run goes on, says "skipped: N records
#    lost" and "N records lost to corrupt spill data" with N exactly what
#    is missing from the output (the frame's records for a payload byte,
#    the segment's for a bad header or a deleted segment), exit 0;
#  - a corrupt checkpoint: exit 3 before delivering anything, input left
#    unread; with --skip-corrupt everything on disk is delivered;
#  - a file that is not spill data is left alone with one warning and
#    changes no exit status;
#  - spill --info reports torn tails and faults (exit 3 on a fault).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

N=30000
seq 1 $N > "$T/in"
P=$T/pristine
D=$T/spool

# u32 FILE OFFSET: the little-endian u32 at OFFSET.
u32() {
	od -An -tu1 -j "$2" -N 4 "$1" |
	    awk '{ print $1 + $2 * 256 + $3 * 65536 + $4 * 16777216 }'
}

# frames FILE: a line per frame: offset first_seq nrec stored_len.
frames() {
	_size=$(wc -c < "$1")
	_off=32
	while [ $((_off + 40)) -le "$_size" ]; do
		_st=$(u32 "$1" $((_off + 32)))
		echo "$_off $(u32 "$1" $((_off + 8))) $(u32 "$1" \
		    $((_off + 24))) $_st"
		_off=$((_off + 40 + _st + 8))
	done
}

# flip FILE OFFSET: change the byte at OFFSET (to 255 minus itself).
flip() {
	_b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %o $((255 - _b)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# json_field NAME DIR: a number or boolean from spill --info --format json.
json_field() {
	spill --info "$2" --format json 2>/dev/null |
	    sed -n "s/.*\"$1\":\([0-9a-z]*\).*/\1/p"
}

holds() {
	[ "$(json_field records "$1")" = "$2" ]
}

# fresh: $D is a new copy of the pristine spool.
fresh() {
	rm -rf "$D"
	cp -Rp "$P" "$D"
}

# run ARGS...: spill ARGS; output in $T/out, messages in $T/err, $rc.
run() {
	spill "$@" > "$T/out" 2> "$T/err"
	rc=$?
}

# said TEXT NAME: a message on stderr contains TEXT.
said() {
	grep -F -q -- "$1" "$T/err"
	_r=$?
	ok $_r "$2"
	[ $_r -eq 0 ] || sed 's/^/#   stderr: /' "$T/err"
}

# without A B: the input without the numbers A to B (nothing if A > B).
without() {
	awk -v a="$1" -v b="$2" '$1 < a || $1 > b' "$T/in"
}

# delivered NAME [FILE]: $T/out is exactly what FILE, by default $T/want,
# holds.
delivered() {
	[ $# -lt 2 ] || cp "$2" "$T/want"
	cmp -s "$T/want" "$T/out"
	_r=$?
	ok $_r "$1"
	[ $_r -eq 0 ] || diag "got $(wc -l < "$T/out") records, want" \
	    "$(wc -l < "$T/want")"
}

nsegs() {
	ls "$1" | grep -c '^seg-.*\.pfs$'
}

# The spool: every record on disk, the reader gone before reading any.
{
	spill --durable -d "$P" -m 4K --segment-size 16K -c 0 < "$T/in"
	echo $? > "$T/rc"
} 2> "$T/err" | wait_until 30 holds "$P" $N
is "$(cat "$T/rc")" 141 "setup: spill exits 141 when its reader goes away"
said "reader went away: $N records kept in $P" \
    "setup: it says how many records it kept"
is "$(json_field first_undelivered "$P")/$(json_field checkpoint "$P")" \
    "0/true" "setup: nothing delivered, the checkpoint written at 0"
segs=$(ls "$P" | grep '^seg-.*\.pfs$')
n=$(echo "$segs" | wc -l)
[ "$n" -ge 6 ]
ok $? "setup: $n segments"
[ "$n" -ge 6 ] || { done_testing; exit 1; }

# MID, the third segment, holds the numbers MIDFIRST+1 to MIDEND.
MID=$(echo "$segs" | sed -n 3p)
NEXT=$(echo "$segs" | sed -n 4p)
LAST=$(echo "$segs" | tail -n 1)
MIDFIRST=$(u32 "$P/$MID" 16)
MIDEND=$(u32 "$P/$NEXT" 16)
MIDSIZE=$(wc -c < "$P/$MID")
LASTSIZE=$(wc -c < "$P/$LAST")
frames "$P/$MID" > "$T/midframes"
frames "$P/$LAST" > "$T/lastframes"
# The frame to damage: the first in MID with more than one record and
# frames after it.
set -- $(awk 'NR > 1 && want { print prev; exit }
	{ want = $3 > 1; prev = $0 }' "$T/midframes")
FOFF=${1:-} FSEQ=${2:-0} FNREC=${3:-0} FSTORED=${4:-0}
[ -n "$FOFF" ] && [ "$FNREC" -gt 1 ]
ok $? "setup: a frame to damage in $MID ($FNREC records at offset $FOFF)"
[ -n "$FOFF" ] || { done_testing; exit 1; }
diag "$MID: numbers $((MIDFIRST + 1)) to $MIDEND, frames:" \
    "$(tr '\n' ';' < "$T/midframes")"
set -- $(tail -n 1 "$T/lastframes")
LOFF=$1 LSEQ=$2 LSTORED=$4

# A clean copy: all of it, the segments removed.
fresh
run --drain "$D"
is "$rc" 0 "clean: exit 0"
delivered "clean: every record, in order" "$T/in"
is "$(nsegs "$D")" 0 "clean: no segment left"
grep -q corrupt "$T/err"
is $? 1 "clean: no word of corruption"

# A torn tail: the last frame cut inside its payload.  A rerun with new
# input delivers what was whole, then the new records.
fresh
dd if="$P/$LAST" of="$D/$LAST" bs=$((LOFF + 40 + LSTORED / 2)) count=1 \
    2>/dev/null
is "$(json_field torn_tails "$D")/$(json_field corrupt "$D")" "1/false" \
    "torn payload: --info counts a torn tail, no fault"
spill --info "$D" > /dev/null 2>&1
is $? 0 "torn payload: --info exits 0"
seq $((N + 1)) $((N + 10)) > "$T/more"
run --durable -d "$D" "$T/more"
is "$rc" 0 "torn payload: exit 0"
said "$D/$LAST: torn tail of " "torn payload: the torn tail is said"
said "cut back at offset $LOFF" "torn payload: cut back at offset $LOFF"
without $((LSEQ + 1)) $N | cat - "$T/more" > "$T/want"
delivered "torn payload: every whole frame, then the new input"
is "$(nsegs "$D")" 0 "torn payload: no segment left"

# Torn inside a frame header.
fresh
dd if="$P/$LAST" of="$D/$LAST" bs=$((LOFF + 20)) count=1 2>/dev/null
run --drain "$D"
is "$rc" 0 "torn header: exit 0"
said "$D/$LAST: torn tail of 20B cut back at offset $LOFF" \
    "torn header: cut back at offset $LOFF"
without $((LSEQ + 1)) $N > "$T/want"
delivered "torn header: every whole frame"

# Fewer garbage bytes than a frame header at the end: a torn tail too.
fresh
printf 0123456789 >> "$D/$LAST"
run --drain "$D"
is "$rc" 0 "short garbage on the last segment: exit 0"
said "$D/$LAST: torn tail of 10B cut back at offset $LASTSIZE" \
    "short garbage on the last segment: cut back at offset $LASTSIZE"
delivered "short garbage on the last segment: every record" "$T/in"

# A segment created but never written, after the last: removed.
for len in 0 10; do
	fresh
	num=${LAST#seg-}
	NEW=$(printf 'seg-%016x.pfs' $((0x${num%.pfs} + 1)))
	head -c $len "$P/$LAST" > "$D/$NEW"
	run --drain "$D"
	is "$rc" 0 "$len-byte new segment: exit 0"
	said "$D/$NEW: created but never written: removed" \
	    "$len-byte new segment: removed, and said so"
	delivered "$len-byte new segment: every record" "$T/in"
	[ ! -e "$D/$NEW" ]
	ok $? "$len-byte new segment: gone"
done

# A flipped payload byte in the middle of a segment.
fresh
flip "$D/$MID" $((FOFF + 40 + FSTORED / 2))
run --drain "$D"
is "$rc" 3 "payload byte: exit 3"
said "$D/$MID: offset $FOFF: bad payload checksum: corrupt spill data (--skip-corrupt skips it)" \
    "payload byte: the message names file and offset"
seq 1 "$FSEQ" > "$T/want"
delivered "payload byte: every record before the frame"
[ -f "$D/$MID" ] && [ -f "$D/$LAST" ]
ok $? "payload byte: the data is kept"
# Then --skip-corrupt on what is left: the frame's records are lost.
mv "$T/out" "$T/out1"
run --drain "$D" --skip-corrupt
is "$rc" 0 "payload byte, then --skip-corrupt: exit 0"
said "$D/$MID: offset $FOFF: bad payload checksum: skipped: $FNREC records lost" \
    "payload byte, then --skip-corrupt: $FNREC records lost"
said "$FNREC records lost to corrupt spill data" \
    "payload byte, then --skip-corrupt: the total at exit"
cat "$T/out1" "$T/out" > "$T/both"
mv "$T/both" "$T/out"
without $((FSEQ + 1)) $((FSEQ + FNREC)) > "$T/want"
delivered "payload byte: both runs deliver all but the frame's records"

# The same with --skip-corrupt at once.
fresh
flip "$D/$MID" $((FOFF + 40 + FSTORED / 2))
run --drain "$D" --skip-corrupt
is "$rc" 0 "payload byte, --skip-corrupt: exit 0"
said "$D/$MID: offset $FOFF: bad payload checksum: skipped: $FNREC records lost" \
    "payload byte, --skip-corrupt: $FNREC records lost"
said "$FNREC records lost to corrupt spill data" \
    "payload byte, --skip-corrupt: the total at exit"
without $((FSEQ + 1)) $((FSEQ + FNREC)) > "$T/want"
delivered "payload byte, --skip-corrupt: all but the frame's records"
is "$(nsegs "$D")" 0 "payload byte, --skip-corrupt: no segment left"

# gap: the numbers missing from $T/out: "count first last".
gap() {
	awk -v f="$T/out" 'BEGIN { while ((getline l < f) > 0) h[l] = 1 }
		!($1 in h) { if (!n++) first = $1; last = $1 }
		END { print n + 0, first + 0, last + 0 }' "$T/in"
}

# A flipped frame header byte (its time): the rest of the segment cannot
# be read.
fresh
flip "$D/$MID" $((FOFF + 16))
spill --info "$D" > "$T/info" 2>&1
is $? 3 "frame header: --info exits 3"
like "$(grep '^fault:' "$T/info")" "$MID: offset $FOFF: " \
    "frame header: --info names file and offset"
run --drain "$D"
is "$rc" 3 "frame header: exit 3"
said "$D/$MID: offset $FOFF: bad frame header checksum: corrupt spill data" \
    "frame header: the message names file and offset"
seq 1 "$FSEQ" > "$T/want"
delivered "frame header: every record before the frame"
fresh
flip "$D/$MID" $((FOFF + 16))
run --drain "$D" --skip-corrupt
is "$rc" 0 "frame header, --skip-corrupt: exit 0"
set -- $(gap)
lost=$1
is "$2" $((FSEQ + 1)) "frame header, --skip-corrupt: lost from the frame on"
[ "$3" -le "$MIDEND" ] && [ "$lost" -ge "$FNREC" ]
ok $? "frame header, --skip-corrupt: lost only in $MID ($2 to $3)"
without "$2" "$3" > "$T/want"
delivered "frame header, --skip-corrupt: the rest, in order"
said "$D/$MID: offset $FOFF: bad frame header checksum: skipped: $lost records lost" \
    "frame header, --skip-corrupt: the fault says the $lost records lost"
said "$lost records lost to corrupt spill data" \
    "frame header, --skip-corrupt: the total at exit"

# A bad file header: the whole segment is lost.
fresh
flip "$D/$MID" 20
spill --info "$D" > "$T/info" 2>&1
is $? 3 "file header: --info exits 3"
like "$(grep '^fault:' "$T/info")" "$MID: offset 0: " \
    "file header: --info names file and offset"
run --drain "$D"
is "$rc" 3 "file header: exit 3"
said "$D/$MID: offset 0: bad header: corrupt spill data" \
    "file header: the message names file and offset 0"
seq 1 "$MIDFIRST" > "$T/want"
delivered "file header: every record before it"
fresh
flip "$D/$MID" 20
run --drain "$D" --skip-corrupt
is "$rc" 0 "file header, --skip-corrupt: exit 0"
said "$D/$MID: offset 0: bad header: skipped: $((MIDEND - MIDFIRST)) records lost" \
    "file header, --skip-corrupt: the segment's $((MIDEND - MIDFIRST)) records lost"
said "$((MIDEND - MIDFIRST)) records lost to corrupt spill data" \
    "file header, --skip-corrupt: the total at exit"
without $((MIDFIRST + 1)) "$MIDEND" > "$T/want"
delivered "file header, --skip-corrupt: all but the segment's records"

# A middle segment deleted.
fresh
rm "$D/$MID"
spill --info "$D" > "$T/info" 2>&1
is $? 3 "deleted segment: --info exits 3"
grep -q '^fault: *none' "$T/info"
is $? 1 "deleted segment: --info reports a fault"
run --drain "$D"
is "$rc" 3 "deleted segment: exit 3"
said "$D: records $MIDFIRST to $((MIDEND - 1)) missing (a segment before $NEXT): corrupt spill data" \
    "deleted segment: the message names the records and where"
seq 1 "$MIDFIRST" > "$T/want"
delivered "deleted segment: every record before it"
fresh
rm "$D/$MID"
echo "not spill data" > "$D/notes.txt"
run --drain "$D" --skip-corrupt
is "$rc" 0 "deleted segment, --skip-corrupt: exit 0"
said "missing (a segment before $NEXT): skipped: $((MIDEND - MIDFIRST)) records lost" \
    "deleted segment, --skip-corrupt: the segment's $((MIDEND - MIDFIRST)) records lost"
said "$((MIDEND - MIDFIRST)) records lost to corrupt spill data" \
    "deleted segment, --skip-corrupt: the total at exit"
without $((MIDFIRST + 1)) "$MIDEND" > "$T/want"
delivered "deleted segment, --skip-corrupt: all but the segment's records"
is "$(cat "$D/notes.txt" 2>/dev/null)" "not spill data" \
    "deleted segment, --skip-corrupt: notes.txt left alone"

# Garbage appended to a middle segment: a fault after its last frame.
fresh
head -c 100 /dev/zero | tr '\0' x >> "$D/$MID"
spill --info "$D" > /dev/null 2>&1
is $? 3 "garbage in the middle: --info exits 3"
run --drain "$D"
is "$rc" 3 "garbage in the middle: exit 3"
said "$D/$MID: offset $MIDSIZE: " \
    "garbage in the middle: the message names file and offset"
said "corrupt spill data (--skip-corrupt skips it)" \
    "garbage in the middle: and calls it corrupt"
seq 1 "$MIDEND" > "$T/want"
delivered "garbage in the middle: every record before it"
fresh
head -c 100 /dev/zero | tr '\0' x >> "$D/$MID"
run --drain "$D" --skip-corrupt
is "$rc" 0 "garbage in the middle, --skip-corrupt: exit 0"
said "$D/$MID: offset $MIDSIZE: bad frame magic: skipped: 0 records lost" \
    "garbage in the middle, --skip-corrupt: 0 records lost"
delivered "garbage in the middle, --skip-corrupt: every record" "$T/in"

# Garbage (a whole frame header's worth) appended to the last segment:
# not a torn tail, since a torn write cannot make it.
fresh
head -c 100 /dev/zero | tr '\0' x >> "$D/$LAST"
spill --info "$D" > "$T/info" 2>&1
is $? 3 "garbage at the end: --info exits 3"
run --drain "$D"
is "$rc" 3 "garbage at the end: exit 3"
said "$D/$LAST: offset $LASTSIZE: " \
    "garbage at the end: the message names file and offset"
delivered "garbage at the end: every record before it" "$T/in"
[ -f "$D/$LAST" ]
ok $? "garbage at the end: the segment is kept"
fresh
head -c 100 /dev/zero | tr '\0' x >> "$D/$LAST"
run --drain "$D" --skip-corrupt
is "$rc" 0 "garbage at the end, --skip-corrupt: exit 0"
said "$D/$LAST: offset $LASTSIZE: " \
    "garbage at the end, --skip-corrupt: the fault is said"
delivered "garbage at the end, --skip-corrupt: every record" "$T/in"

# A file that is not spill data: one warning, left alone.
fresh
echo "not spill data" > "$D/notes.txt"
run --drain "$D"
is "$rc" 0 "notes.txt: exit 0"
is "$(grep -c 'not spill data' "$T/err")" 1 "notes.txt: one warning"
said "$D: 1 file that is not spill data, left alone" \
    "notes.txt: the warning says it is left alone"
delivered "notes.txt: every record" "$T/in"
is "$(cat "$D/notes.txt" 2>/dev/null)" "not spill data" \
    "notes.txt: still there, unchanged"
fresh
echo "not spill data" > "$D/notes.txt"
flip "$D/$MID" $((FOFF + 40 + FSTORED / 2))
is "$(json_field other_files "$D")" 1 "notes.txt: --info counts it"
run --drain "$D"
is "$rc" 3 "notes.txt with a corrupt frame: still exit 3"
is "$(cat "$D/notes.txt" 2>/dev/null)" "not spill data" \
    "notes.txt with a corrupt frame: still there"

# A spool with a checkpoint: a reader takes some records, then goes.
ckpt_past() {
	[ "$(cut -d' ' -f2 "$C/checkpoint" 2>/dev/null)" -ge "$1" ] 2>/dev/null
}
all_read() {
	_ck=$(cut -d' ' -f2 "$C/checkpoint" 2>/dev/null |
	    sed 's/^0*\([0-9]\)/\1/')
	[ -n "$_ck" ] && [ "$(json_field records "$C")" = "$((N - _ck))" ]
}
C=$T/ckpt
{
	spill --durable -d "$C" -m 4K --segment-size 16K -c 0 \
	    --checkpoint 50ms < "$T/in"
	echo $? > "$T/rc"
} 2> "$T/err" | {
	head -n 5000 > /dev/null
	wait_until 10 ckpt_past 5000
	# and spill has read all of its input: every record not delivered
	# is on disk before the reader goes.
	wait_until 30 all_read
}
is "$(cat "$T/rc")" 141 "checkpoint setup: exit 141"
ckraw=$(cut -d' ' -f2 "$C/checkpoint")
ck=$(echo "$ckraw" | sed 's/^0*\([0-9]\)/\1/')
like "$(cat "$C/checkpoint")" '^PFCKPT1 [0-9]+ [0-9a-f]{16}$' \
    "checkpoint setup: a checkpoint ($ck)"
[ "$ck" -ge 5000 ] 2>/dev/null
ok $? "checkpoint setup: the checkpoint is past what the reader took"
FIRST=$(u32 "$C/$(ls "$C" | grep '^seg-' | head -n 1)" 16)
spill --info "$C" > "$T/info" 2>&1
is $? 0 "checkpoint: --info exits 0"
like "$(grep '^checkpoint:' "$T/info")" "first undelivered $ck\$" \
    "checkpoint: --info gives it"
rm -rf "$D"
cp -Rp "$C" "$D"
run --drain "$D"
is "$rc" 0 "checkpoint: exit 0"
seq $((ck + 1)) $N > "$T/want"
delivered "checkpoint: delivers from it on"

# A corrupt checkpoint: its number changed, its checksum kept.
corrupt_ckpt() {
	rm -rf "$D"
	cp -Rp "$C" "$D"
	sed "s/^PFCKPT1 $ckraw /PFCKPT1 $((ck + 1)) /" "$C/checkpoint" \
	    > "$D/checkpoint"
}
corrupt_ckpt
spill --info "$D" > "$T/info" 2>&1
is $? 3 "corrupt checkpoint: --info exits 3"
like "$(grep '^fault:' "$T/info")" "checkpoint: corrupt" \
    "corrupt checkpoint: --info says so"
run --drain "$D"
is "$rc" 3 "corrupt checkpoint: exit 3"
said "$D/checkpoint: corrupt" "corrupt checkpoint: said"
is "$(wc -c < "$T/out")" 0 "corrupt checkpoint: nothing delivered"
is "$(nsegs "$D")" "$(nsegs "$C")" "corrupt checkpoint: the segments kept"
{
	spill --durable -d "$D" > "$T/out" 2> "$T/err"
	echo $? > "$T/rc"
	cat > "$T/rest"
} < "$T/in"
is "$(cat "$T/rc")" 3 "corrupt checkpoint, --durable: exit 3"
cmp -s "$T/in" "$T/rest"
ok $? "corrupt checkpoint, --durable: the input left unread"
run --drain "$D" --skip-corrupt
is "$rc" 0 "corrupt checkpoint, --skip-corrupt: exit 0"
said "$D/checkpoint: corrupt" "corrupt checkpoint, --skip-corrupt: said"
seq $((FIRST + 1)) $N > "$T/want"
delivered "corrupt checkpoint, --skip-corrupt: everything on disk"

# Compressed segments: a flipped byte inside a zstd payload.
Z=$T/zst
{
	spill --durable -d "$Z" -m 4K --segment-size 16K < "$T/in"
	echo $? > "$T/rc"
} 2> "$T/err" | wait_until 30 holds "$Z" $N
is "$(cat "$T/rc")" 141 "zstd setup: exit 141"
zn=$(nsegs "$Z")
[ "$zn" -ge 3 ]
ok $? "zstd setup: $zn segments"
[ "$zn" -ge 3 ] || { done_testing; exit 1; }
ZMID=$(ls "$Z" | grep '^seg-.*\.pfs$' | sed -n 2p)
set -- $(frames "$Z/$ZMID" | head -n 1)
rm -rf "$D"
cp -Rp "$Z" "$D"
flip "$D/$ZMID" $(($1 + 40 + $4 / 2))
run --drain "$D"
is "$rc" 3 "zstd payload byte: exit 3"
said "$D/$ZMID: offset $1: " "zstd payload byte: names file and offset"
seq 1 "$2" > "$T/want"
delivered "zstd payload byte: every record before the frame"
rm -rf "$D"
cp -Rp "$Z" "$D"
flip "$D/$ZMID" $(($1 + 40 + $4 / 2))
run --drain "$D" --skip-corrupt
is "$rc" 0 "zstd payload byte, --skip-corrupt: exit 0"
zseq=$2 znrec=$3
set -- $(gap)
is "$1/$2/$3" "$znrec/$((zseq + 1))/$((zseq + znrec))" \
    "zstd payload byte, --skip-corrupt: the frame's records are lost"
said "skipped: $1 records lost" \
    "zstd payload byte, --skip-corrupt: says the $1 records lost"

done_testing
