#!/bin/sh
# SPDX-License-Identifier: ISC
# Records go into the store through a short line where their lookups are
# prefetched (cmd/coalesce.c): only records the store is sure to take
# enter it, longer ones (past 2 KiB with their key) and those near a bound
# go in at once, and whatever decides by the store empties the line
# first.  Records of every size around that limit, a key's record
# replaced by a much longer or shorter one, records without the key, and
# --max-keys set to exactly the keys of the input (the line then refuses
# records that a lookup in the store takes): with --window longer than
# the run, the output is the awk oracle's and no window closes early.
. "$top_srcdir/tests/lib/tap.sh"

oracle=$top_srcdir/tests/lib/coalesce-oracle.awk

# 60000 records over 400 keys: mostly short, one in eight from 1900 to
# 2200 bytes, one in sixteen from 4000 to 9000; one in 100 without a key.
awk 'BEGIN { srand(7); pad = "x"
	while (length(pad) < 9000) pad = pad pad
	for (i = 1; i <= 60000; i++) {
		if (rand() < 0.01) { print i; continue }
		r = rand()
		if (r < 0.125) n = 1900 + int(rand() * 300)
		else if (r < 0.1875) n = 4000 + int(rand() * 5000)
		else n = int(rand() * 40)
		printf "%d k%d %s\n", i, int(rand() * 400), substr(pad, 1, n)
	} }' > "$T/in"
nkeys=$(awk 'NF >= 2 && !s[$2]++' "$T/in" | wc -l | tr -d ' ')
awk 'length($0) > 2048' "$T/in" | wc -l | tr -d ' ' > "$T/long"
[ "$(cat "$T/long")" -gt 1000 ]
ok $? "input: $(cat "$T/long") records past 2 KiB, $nkeys keys"

awk -f "$oracle" "$T/in" > "$T/want"
coalesce -k 2 --window 1h < "$T/in" > "$T/out"
cmp -s "$T/out" "$T/want"
ok $? "every size: output = awk oracle (latest per key)"

awk -v keep=first -f "$oracle" "$T/in" > "$T/want1"
coalesce -k 2 --window 1h --keep first < "$T/in" > "$T/out"
cmp -s "$T/out" "$T/want1"
ok $? "every size, --keep first: output = awk oracle (first per key)"

# Exactly the input's keys: every new key fits, so no window closes
# early, though the line cannot take a record once the keys it might add
# would pass the bound.
for keep in last first; do
	w=$T/want
	[ "$keep" = first ] && w=$T/want1
	coalesce -k 2 --window 1h --keep $keep --max-keys "$nkeys" -v \
	    < "$T/in" > "$T/out" 2> "$T/err"
	cmp -s "$T/out" "$w"
	ok $? "--max-keys $nkeys, --keep $keep: output = awk oracle"
	like "$(cat "$T/err")" "0 waits for room; 0 windows closed early" \
	    "--max-keys $nkeys, --keep $keep: nothing waited"
done

# One key: every record after the first is merged, whatever its size.
awk '{ $2 = "k"; print }' "$T/in" > "$T/in1"
coalesce -k 2 --window 1h -v < "$T/in1" > "$T/out" 2> "$T/err"
awk -f "$oracle" "$T/in1" | cmp -s - "$T/out"
ok $? "one key: output = awk oracle"
like "$(tail -n 1 "$T/err")" "59999 coalesced" "one key: 59999 records coalesced"

done_testing
