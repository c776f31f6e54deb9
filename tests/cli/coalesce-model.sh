#!/bin/sh
# SPDX-License-Identifier: ISC
# Random streams of 1 to 100000 keys, records without the key among them,
# through coalesce while its reader is stopped and continued at random:
# the reference model (tests/lib/coalesce-model.awk) checks that every
# delivered record is an input record, each key's last (--keep first: its
# first) record is delivered, held keys leave in first-arrival order,
# records without the key all arrive in order; and the counts add up.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
model=$top_srcdir/tests/lib/coalesce-model.awk

awk 'BEGIN { srand(17); for (i = 0; i < 300; i++)
	printf "%d %d\n", int(rand() * 2), 5 + int(rand() * 60) }' \
    > "$T/pauses"

run=0
for spec in "1 last" "100 last" "100000 last" "100 first" "5000 first"; do
	set -- $spec
	keys=$1 keep=$2
	run=$((run + 1))
	awk -v keys="$keys" -v seed="$run" 'BEGIN { srand(seed)
	    for (i = 1; i <= 300000; i++)
		if (rand() < 0.01) print i
		else printf "%d k%d %.*s\n", i, int(rand() * keys),
		    1 + int(rand() * 60), "abcdefghijklmnopqrstuvwxyz" \
		    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmn" }' \
	    > "$T/in"
	rm -f "$T/a" "$T/b"
	mkfifo "$T/a" "$T/b"
	stallpipe $run 65536 2000 < "$T/in" > "$T/a" &
	p=$!
	coalesce -k 2 --keep "$keep" -m 4M -v < "$T/a" > "$T/b" \
	    2> "$T/err" &
	q=$!
	stallpipe $((run + 50)) 8192 3000 < "$T/b" > "$T/out" &
	c=$!
	stopper "$T/pauses" $p $c &
	s=$!
	wait $q
	rc=$?
	wait $p $c $s
	name="$keys keys, --keep $keep"
	diag "$name: $(sed -n "s/^coalesce: \([0-9]* records coalesced\).*waits for room.*/\1/p" "$T/err")"
	is "$rc" 0 "$name: exit 0"
	got=$(awk -v keep="$keep" -f "$model" "$T/in" "$T/out" 2>&1)
	like "$got" "^delivered [0-9]+$" "$name: the model accepts the output"
	d=${got#delivered }
	like "$(tail -n 1 "$T/err")" \
	    "300000 records in, $d out, 0 dropped, $((300000 - d)) coalesced, 0 buffered" \
	    "$name: received = delivered + coalesced"
done

done_testing
