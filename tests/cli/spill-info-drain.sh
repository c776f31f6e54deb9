#!/bin/sh
# SPDX-License-Identifier: ISC
# spill --info and --drain.  --info describes a spill directory, as text
# or JSON, exactly: segments = files, undelivered records = what --drain
# then writes, raw bytes = the bytes drained (checkpoint at 0), stored =
# the files' size; a checkpoint found mid-way says where --drain resumes.
# An empty directory is described as such; a missing one is an error.
# --info takes no lock: it works while a spill runs on the directory
# (which a second spill may not).  --drain writes out a dead-letter file,
# plain or zstd, and stops with exit 3 on corrupt or cut zstd data; it
# empties a spill directory, so that a second --drain has nothing to say.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"

gone() {
	_s=$(pstate "$1")
	[ -z "$_s" ] || [ "$_s" = Z ]
}
# json FILE KEY: a top-level field of the JSON object in FILE;
# "error" if FILE is not one JSON object
json() {
	jsonget "$1" "$2" 2> /dev/null || echo error
}
# segsize DIR: the total size of the segment files in DIR
segsize() {
	find "$1" -name 'seg-*.pfs' -exec stat -c %s {} + 2>/dev/null |
	    awk '{ s += $1 } END { print s + 0 }'
}
nsegs() {
	find "$1" -name 'seg-*.pfs' | wc -l | tr -d ' '
}
# field FILE NAME: the value of "NAME:" in --info text output
field() {
	sed -n "s/^$2: *//p" "$1"
}

D=$T/spool
seq 1 200000 > "$T/in"
bytes=$(wc -c < "$T/in")

# A directory with known content: every record kept, a checkpoint at 0 (the
# consumer never read), in several segments.
rm -f "$T/b"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > /dev/null &
c=$!
spill --durable -d "$D" --segment-size 256K < "$T/in" > "$T/b" \
    2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
# all read, all on disk (--info takes no lock: it may look)
all_on_disk() {
	spill --info "$D" --format json > "$T/info.json" 2> /dev/null &&
	    [ "$(json "$T/info.json" records)" = 200000 ]
}
wait_until 10 all_on_disk
ok $? "setup: all 200000 records on disk"
kill -TERM $q
{ wait $q; } 2> /dev/null
is $? 143 "setup: SIGTERM, exit 143"
like "$(cat "$T/err")" "200000 records kept in $D for the next run" \
    "setup: all 200000 records kept"
kill -CONT "$(cat "$T/cpid")"
wait $c

n=$(nsegs "$D")
[ "$n" -ge 2 ]
ok $? "setup: $n segments"
stored=$(segsize "$D")

spill --info "$D" > "$T/info" 2> "$T/info.err"
is $? 0 "--info: exit 0"
is "$(cat "$T/info.err")" "" "--info: nothing on stderr"
is "$(field "$T/info" directory)" "$D" "--info: the directory"
is "$(field "$T/info" segments)" "$n" "--info: segments = $n files"
is "$(field "$T/info" records)" "200000 undelivered" \
    "--info: 200000 records undelivered"
is "$(field "$T/info" "raw bytes")" 1.2M "--info: raw bytes 1.2M"
like "$(field "$T/info" "stored bytes")" '^[0-9.]+[KM] \([0-9.]+% of raw\)$' \
    "--info: stored bytes, as a share of raw"
like "$(field "$T/info" oldest)" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z \([0-9.]+m?s ago\)$' \
    "--info: the oldest record's time and age"
is "$(field "$T/info" checkpoint)" "first undelivered 0" \
    "--info: the checkpoint written before the first segment: at 0"
is "$(field "$T/info" "torn tails")" 0 "--info: no torn tail"
is "$(field "$T/info" "other files")" 0 "--info: no other file"
is "$(field "$T/info" fault)" none "--info: no fault"

spill --info "$D" --format json > "$T/info.json"
is $? 0 "--info --format json: exit 0"
jsonget "$T/info.json"
ok $? "--info --format json: one valid JSON object"
is "$(json "$T/info.json" directory)" "$D" "json: directory"
is "$(json "$T/info.json" segments)" "$n" "json: segments = $n files"
is "$(json "$T/info.json" records)" 200000 "json: records 200000"
is "$(json "$T/info.json" raw_bytes)" "$bytes" "json: raw_bytes = the input's size"
is "$(json "$T/info.json" stored_bytes)" "$stored" \
    "json: stored_bytes = the files' size"
is "$(json "$T/info.json" checkpoint)" true "json: checkpoint true (at 0)"
is "$(json "$T/info.json" first_undelivered)" 0 "json: first_undelivered 0"
is "$(json "$T/info.json" torn_tails)/$(json "$T/info.json" other_files)/$(json "$T/info.json" corrupt)" \
    0/0/false "json: no torn tail, no other file, not corrupt"
age=$(json "$T/info.json" oldest_age_seconds)
awk -v a="$age" 'BEGIN { exit !(a ~ /^[0-9.]+$/ && a >= 0 && a < 60) }'
ok $? "json: oldest_age_seconds $age"
like "$(json "$T/info.json" oldest)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' \
    "json: oldest in UTC"

# --info takes no lock: it works while a spill runs there; a second spill
# does not.
rm -f "$T/b"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
spill --durable -d "$D" --segment-size 256K < /dev/null > "$T/b" \
    2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
wait_until 10 grep -q resuming "$T/err"
spill --info "$D" --format json > "$T/info2.json" 2> "$T/info2.err"
is $? 0 "--info while a spill runs on DIR: exit 0"
is "$(json "$T/info2.json" segments)" "$n" \
    "--info while a spill runs on DIR: describes it"
spill --drain "$D" > "$T/out2" 2> "$T/err2"
is $? 1 "a second spill on DIR: exit 1"
like "$(cat "$T/err2")" "in use by another spill" \
    "a second spill on DIR: refused, in use"
is "$(wc -c < "$T/out2" | tr -d ' ')" 0 "a second spill on DIR: writes nothing"
kill -TERM $q
{ wait $q; } 2> /dev/null
kill -CONT "$(cat "$T/cpid")"
wait $c

# --drain with the checkpoint at 0: exactly the records and bytes --info
# gave, then the directory is empty.
spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 0 "--drain: exit 0"
cmp -s "$T/in" "$T/out"
ok $? "--drain: all 200000 records, $bytes bytes, in order"
like "$(cat "$T/err")" "^spill: $D: resuming: 200000 records \\(1.2M\\) from an earlier run, from number 0" \
    "--drain: says what it resumes"
is "$(ls -A "$D")" "" "--drain: no segment, no checkpoint, no lock left"
spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 0 "a second --drain: exit 0"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "a second --drain: nothing"
is "$(cat "$T/err")" "" "a second --drain: nothing to say"

# A checkpoint mid-way: a reader takes exactly 300000 bytes, then idles
# for a second (20 checkpoints) and leaves.  At least once, duplicates
# bounded by the checkpoint interval: of what the reader took a second
# before it left, some is recorded as delivered, and never more than it
# took.  Then a --drain run, read the same way, records its progress too.
# reader: take exactly 300000 bytes, idle, leave
reader() {
	dd bs=1000 count=300 iflag=fullblock of=/dev/null 2> /dev/null
	sleep 1
}
rm -rf "$D"
seq 1 2000000 > "$T/in"
{
	cat "$T/in" | spill --durable -d "$D" --checkpoint 50ms \
	    --segment-size 1M 2> "$T/err"
	echo $? > "$T/rc"
} | reader
is "$(cat "$T/rc")" 141 "mid-way: the reader left: exit 141"
spill --info "$D" --format json > "$T/info.json"
spill --info "$D" > "$T/info"
is "$(json "$T/info.json" checkpoint)" true "mid-way: json: checkpoint true"
first=$(json "$T/info.json" first_undelivered)
is "$(field "$T/info" checkpoint)" "first undelivered $first" \
    "mid-way: text: checkpoint: first undelivered $first"
taken=$(head -c 300000 "$T/in" | wc -l)
[ "$first" -gt 0 ] && [ "$first" -le "$taken" ]
ok $? "mid-way: first undelivered $first: progress, not past the $taken records taken"
is "$(nsegs "$D")" "$(json "$T/info.json" segments)" "mid-way: segments = files"
is "$(segsize "$D")" "$(json "$T/info.json" stored_bytes)" \
    "mid-way: stored_bytes = the files' size"

{
	spill --drain "$D" --checkpoint 50ms 2> "$T/err"
	echo $? > "$T/rc"
} | reader
is "$(cat "$T/rc")" 141 "mid-way, --drain: the reader left: exit 141"
spill --info "$D" --format json > "$T/info.json"
first2=$(json "$T/info.json" first_undelivered)
taken=$(tail -n "+$((first + 1))" "$T/in" | head -c 300000 | wc -l)
[ "$first2" -gt "$first" ] && [ "$first2" -le $((first + taken)) ]
ok $? "mid-way, --drain: first undelivered $first2: progress from $first, not past the $((first + taken)) records taken"

first=$first2
records=$(json "$T/info.json" records)
raw=$(json "$T/info.json" raw_bytes)
spill --drain "$D" > "$T/out" 2> "$T/err"
is $? 0 "mid-way: --drain: exit 0"
is "$(wc -l < "$T/out" | tr -d ' ')" "$records" \
    "mid-way: --drain writes the $records records --info said"
is "$(head -n 1 "$T/out")" $((first + 1)) \
    "mid-way: --drain starts at the first undelivered (number $first)"
last=$(tail -n 1 "$T/out")
sed -n "$((first + 1)),${last:-0}p" "$T/in" | cmp -s - "$T/out"
ok $? "mid-way: --drain writes the rest of what was received ($((first + 1)) to ${last:-?}), in order"
drained=$(wc -c < "$T/out")
[ "$raw" -ge "$drained" ] && [ "$raw" -le $((drained + 262144)) ]
ok $? "mid-way: raw_bytes $raw: the bytes drained ($drained) and the rest of a frame"
is "$(ls -A "$D")" "" "mid-way: --drain leaves the directory empty"

# An empty directory, and a missing one.
mkdir -m 700 "$T/empty"
spill --info "$T/empty" > "$T/info"
is $? 0 "empty directory: --info exits 0"
is "$(field "$T/info" segments)/$(field "$T/info" records)/$(field "$T/info" "raw bytes")/$(field "$T/info" oldest)/$(field "$T/info" checkpoint)" \
    "0/0 undelivered/0B/-/none" "empty directory: --info: nothing in it"
spill --info "$T/empty" --format json > "$T/info.json"
is $? 0 "empty directory: --info --format json exits 0"
is "$(json "$T/info.json" segments)/$(json "$T/info.json" records)/$(json "$T/info.json" raw_bytes)/$(json "$T/info.json" stored_bytes)/$(json "$T/info.json" oldest)/$(json "$T/info.json" checkpoint)" \
    "0/0/0/0/null/false" "empty directory: json: nothing in it"
spill --drain "$T/empty" > "$T/out" 2> "$T/err"
is $? 0 "empty directory: --drain exits 0"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "empty directory: --drain writes nothing"
is "$(ls -A "$T/empty")" "" "empty directory: left empty"

for fmt in text json; do
	spill --info "$T/missing" --format $fmt > "$T/out" 2> "$T/err"
	is $? 1 "missing directory: --info ($fmt) exits 1"
	like "$(cat "$T/err")" "^spill: --info: $T/missing: .*No such file or directory$" \
	    "missing directory: --info ($fmt) says so"
	is "$(wc -c < "$T/out" | tr -d ' ')" 0 \
	    "missing directory: --info ($fmt) writes nothing"
done
spill --drain "$T/missing" > "$T/out" 2> "$T/err"
is $? 1 "missing directory: --drain exits 1"
like "$(cat "$T/err")" "No such file or directory" \
    "missing directory: --drain says so"
[ ! -e "$T/missing" ]
ok $? "missing directory: --drain does not create it"

# Dead-letter files: plain, zstd (one frame or several), corrupt, cut.
printf 'a\nb\0c\n\n%s' "no final newline" > "$T/dl"
head -c 100000 /dev/urandom >> "$T/dl"
seq 1 50000 >> "$T/dl"
cp "$T/dl" "$T/dl.orig"
spill --drain "$T/dl" > "$T/out" 2> "$T/err"
is $? 0 "dead letters, plain: exit 0"
cmp -s "$T/dl.orig" "$T/out"
ok $? "dead letters, plain: written out byte for byte"
cmp -s "$T/dl.orig" "$T/dl"
ok $? "dead letters, plain: the file is left as it was"
spill --drain "$T/dl" -o "$T/out.o" 2> "$T/err"
cmp -s "$T/dl.orig" "$T/out.o"
ok $? "dead letters, plain: -o FILE"

if command -v zstd > /dev/null 2>&1; then
	zstd -q -c "$T/dl" > "$T/dl.zst"
	spill --drain "$T/dl.zst" > "$T/out" 2> "$T/err"
	is $? 0 "dead letters, zstd: exit 0"
	cmp -s "$T/dl" "$T/out"
	ok $? "dead letters, zstd: decompressed byte for byte"
	{ zstd -q -c "$T/dl"; seq 1 10 | zstd -q -c; } > "$T/two.zst"
	{ cat "$T/dl"; seq 1 10; } > "$T/two"
	spill --drain "$T/two.zst" > "$T/out" 2> "$T/err"
	is $? 0 "dead letters, two zstd frames: exit 0"
	cmp -s "$T/two" "$T/out"
	ok $? "dead letters, two zstd frames: both written out"
	# flip bytes inside the first block
	cp "$T/dl.zst" "$T/bad.zst"
	printf 'XXXXXXXX' | dd of="$T/bad.zst" bs=1 seek=200 conv=notrunc \
	    2> /dev/null
	spill --drain "$T/bad.zst" > "$T/out" 2> "$T/err"
	is $? 3 "dead letters, corrupt zstd: exit 3"
	like "$(cat "$T/err")" "^spill: --drain: $T/bad.zst: corrupt zstd data near offset [0-9]+" \
	    "dead letters, corrupt zstd: names the file and the offset"
	head -c 20000 "$T/dl.zst" > "$T/cut.zst"
	spill --drain "$T/cut.zst" > "$T/out" 2> "$T/err"
	is $? 3 "dead letters, cut zstd: exit 3"
	like "$(cat "$T/err")" "^spill: --drain: $T/cut.zst: truncated zstd data at offset 20000" \
	    "dead letters, cut zstd: names the file and the offset"
else
	for i in 1 2 3 4 5 6 7 8; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP zstd is not installed"
	done
fi

done_testing
