#!/bin/sh
# SPDX-License-Identifier: ISC
# --max-age with --time-field: records already older than DUR when they
# arrive are dropped and counted under "age", in each --time-format;
# records that grew too old while held (the consumer stalled) are dropped
# when their turn comes; priority 0 is never dropped; records without a
# parsable time are not aged, and counted.
. "$top_srcdir/tests/lib/tap.sh"

now=$(date +%s)

# Old and fresh records, in each format.
for fmt in epoch epoch-ms epoch-us rfc3339; do
	awk -v now=$now -v fmt=$fmt 'BEGIN { for (i = 0; i < 1000; i++) {
		p = i % 10; old = (i % 3 == 0)
		t = old ? now - 100 : now + 5
		if (fmt == "epoch-ms") t = t * 1000
		if (fmt == "epoch-us") t = t * 1000000
		# as digits: mawk prints a number this large as 1.79e+15
		t = sprintf("%.0f", t)
		if (fmt == "rfc3339") { cmd = "date -u -d @" t " +%Y-%m-%dT%H:%M:%SZ"
		    cmd | getline t; close(cmd) }
		if (i % 50 == 7) t = "garbage"
		printf "%s %d %d %s\n", t, p, i, (old && t != "garbage") ? "old" : "new"
	} }' > "$T/in"
	shed -v -p 2 --max-age 30s --time-field 1 --time-format $fmt \
	    --dead-letter "$T/dl.$fmt" < "$T/in" > "$T/out" 2> "$T/err"
	is "$?" 0 "$fmt: exit 0"
	want=$(awk '$4 == "old" && $2 != 0' "$T/in" | cksum)
	is "$(cksum < "$T/dl.$fmt")" "$want" \
	    "$fmt: the old records but priority 0 are dropped, in order"
	want=$(awk '$4 == "new" || $2 == 0' "$T/in" | cksum)
	is "$(cksum < "$T/out")" "$want" "$fmt: the rest delivered"
	n=$(wc -l < "$T/dl.$fmt" | tr -d ' ')
	like "$(cat "$T/err")" "shed by age: $n " "$fmt: counted under age"
	like "$(cat "$T/err")" "20 records without a time: not aged" \
	    "$fmt: records without a time counted"
done

# --sample 10: the first of every ten old records of each priority kept.
awk -v now=$now 'BEGIN { for (i = 0; i < 1000; i++)
	printf "%d %d %d\n", now - 100, i % 10, i }' > "$T/in"
shed -v -p 2 --max-age 5s --time-field 1 --sample 10 < "$T/in" \
    > "$T/out" 2> "$T/err"
want=$(awk '$2 == 0 || int($3 / 10) % 10 == 0' "$T/in" | cksum)
is "$(cksum < "$T/out")" "$want" "--sample 10: 1 in 10 of each priority kept, the first"
like "$(cat "$T/err")" "kept by --sample from age: 90 p1=10 p2=10" \
    "--sample 10: counted as kept"
like "$(cat "$T/err")" "shed by age: 810 " "--sample 10: the rest shed"

# Records that age while held: fresh on arrival, held past --max-age.
pad=$(head -c 900 /dev/zero | tr '\0' p)
awk -v now=$now -v pad="$pad" 'BEGIN { for (i = 0; i < 600; i++)
	printf "%d %d %d %s\n", now, i % 10, i, pad }' > "$T/in"
shed -v -p 2 --max-age 1s --time-field 1 --buffer 4M --dead-letter "$T/dl" \
    < "$T/in" 2> "$T/err" | { sleep 2.5; cat; } > "$T/out"
nd=$(wc -l < "$T/dl" | tr -d ' ')
ok $([ "$nd" -gt 0 ]; echo $?) "held past --max-age: dropped at their turn ($nd)"
is "$(grep -c '^[0-9]* 0 ' "$T/out")" 60 "held past --max-age: priority 0 all delivered"
is "$(sort "$T/out" "$T/dl" | cksum)" "$(sort "$T/in" | cksum)" \
    "held past --max-age: delivered and dropped are the input"
like "$(cat "$T/err")" "shed by age: $nd " "held past --max-age: counted"
like "$(cat "$T/err")" "shed by full: 0\$" "held past --max-age: none shed as full"

done_testing
