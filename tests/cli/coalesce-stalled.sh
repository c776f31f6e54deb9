#!/bin/sh
# SPDX-License-Identifier: ISC
# A reader that takes nothing until input has ended gets, after what the
# output pipe and the small queue took before they filled, exactly one
# record per key, the latest, in first-arrival order of keys, records
# without the key in their place; --window longer than the run gives
# exactly that for the whole input, and --keep first the first of each
# key.  Checked against an awk oracle and against `tac | sort -s -u`.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

oracle=$top_srcdir/tests/lib/coalesce-oracle.awk

# 400000 records over 3000 keys, one in 200 without a key.
awk 'BEGIN { srand(11); for (i = 1; i <= 400000; i++)
	if (rand() < 0.005) print i
	else printf "%d k%d v%d\n", i, int(rand() * 3000), i }' > "$T/in"
nrec=$(wc -l < "$T/in" | tr -d ' ')

# The reader waits until the producer has written everything.
rm -f "$T/done"
{ cat "$T/in"; touch "$T/done"; } |
    coalesce -k 2 -v 2> "$T/err" |
    { wait_until 60 test -f "$T/done"; sleep 0.3; cat; } > "$T/out"
# k: the records that passed before coalesce held any.
k=$(awk 'NR == FNR { a[FNR] = $0; next }
	a[FNR] != $0 { print FNR - 1; exit }' "$T/in" "$T/out")
match=1
tries=0
while [ "$match" -ne 0 ] && [ "$tries" -lt 4 ] && [ "$k" -ge 0 ]; do
	tail -n +$((k + 1)) "$T/in" | awk -f "$oracle" > "$T/want"
	tail -n +$((k + 1)) "$T/out" | cmp -s - "$T/want"
	match=$?
	k=$((k - 1))
	tries=$((tries + 1))
done
ok $match "stalled reader: a prefix passed, then exactly the oracle of the rest"
# The output pipe (1 MiB at most) and the queue (1 MiB) took it.
pb=$(head -n $((k + 1)) "$T/in" | wc -c | tr -d ' ')
[ "$pb" -le $((3 * 1048576)) ]
ok $? "stalled reader: the prefix is what pipe and queue hold ($pb bytes)"
d=$(wc -l < "$T/out" | tr -d ' ')
like "$(tail -n 1 "$T/err")" "$nrec records in, $d out, 0 dropped, $((nrec - d)) coalesced" \
    "stalled reader: -v counts: received = delivered + coalesced"
like "$(cat "$T/err")" "records coalesced; at most [0-9]+ held; [1-9][0-9]* without the key" \
    "stalled reader: -v counts the records without the key"

# --window longer than the run: the oracle of the whole input.
coalesce -k 2 --window 1h < "$T/in" > "$T/out"
awk -f "$oracle" "$T/in" > "$T/want"
cmp -s "$T/out" "$T/want"
ok $? "--window 1h: output = awk oracle (latest per key, first-arrival order)"
awk 'NF >= 2' "$T/in" | tac | sort -s -u -k2,2 | sort > "$T/tacsort"
awk 'NF >= 2' "$T/out" | sort > "$T/got"
cmp -s "$T/got" "$T/tacsort"
ok $? "--window 1h: the keyed records are those of tac | sort -s -u -k2,2"
is "$(awk 'NF < 2' "$T/out" | cksum)" "$(awk 'NF < 2' "$T/in" | cksum)" \
    "--window 1h: every record without the key, in order"

coalesce -k 2 --window 1h --keep first < "$T/in" > "$T/out"
awk -v keep=first -f "$oracle" "$T/in" > "$T/want"
cmp -s "$T/out" "$T/want"
ok $? "--window 1h --keep first: output = awk oracle of the first per key"
awk 'NF < 2 || !seen[$2]++' "$T/in" | cmp -s - "$T/out"
ok $? "--keep first: the same as awk '!seen[\$2]++'"

# Another separator, a JSON-free column, -z records.
tr ' ' ',' < "$T/in" | tr '\n' '\0' > "$T/in0"
coalesce -z -t , -k 2 --window 1h < "$T/in0" | tr '\0' '\n' | tr ',' ' ' \
    > "$T/out"
awk -f "$oracle" "$T/in" | cmp -s - "$T/out"
ok $? "-z -t , : the same records"

done_testing
