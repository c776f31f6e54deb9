#!/bin/sh
# SPDX-License-Identifier: ISC
# A record longer than --max-record is a data error: every earlier record
# is delivered first, then exit 3 with a message naming the record number.
# In line and -z mode, whether the long record comes in one read or in
# many small pieces, terminated or last; a record of exactly --max-record
# bytes is fine.
. "$top_srcdir/tests/lib/tap.sh"

long=$(head -c 5000 /dev/zero | tr '\0' x)
for mode in "" -z; do
	m=${mode:-lines}
	if [ -z "$mode" ]; then
		nl='\n'
	else
		nl='\0'
	fi
	printf "a${nl}bb${nl}ccc${nl}" > "$T/head"
	{ cat "$T/head"; printf "%s${nl}e${nl}f${nl}" "$long"; } > "$T/in"
	{ cat "$T/head"; printf "%s" "$long"; } > "$T/in-last"

	for feed in cat "stallpipe 3 7 200"; do
		f=${feed%% *}
		$feed < "$T/in" | bqueue $mode --max-record 4999 \
		    > "$T/out" 2> "$T/err"
		is $? 3 "$m, $f: exit 3"
		like "$(cat "$T/err")" "record 4.*--max-record" \
		    "$m, $f: message names record 4"
		cmp -s "$T/head" "$T/out"
		ok $? "$m, $f: output is exactly the first 3 records"

		$feed < "$T/in-last" | bqueue $mode -m 4K --max-record 4999 \
		    > "$T/out" 2> "$T/err"
		is $? 3 "$m, $f: unterminated last record too long: exit 3"
		like "$(cat "$T/err")" "record 4.*--max-record" \
		    "$m, $f: unterminated last record: message names record 4"
		cmp -s "$T/head" "$T/out"
		ok $? "$m, $f: unterminated last record: first 3 delivered"

		$feed < "$T/in" | bqueue $mode -m 4K --max-record 5000 \
		    > "$T/out" 2> "$T/err"
		is $? 0 "$m, $f: a record of exactly --max-record: exit 0"
		cmp -s "$T/in" "$T/out"
		ok $? "$m, $f: a record of exactly --max-record passes"
	done
done

# The default is 1M; far into the stream, through a small buffer.
{ seq 1 100000; head -c 1048577 /dev/zero | tr '\0' x; echo; echo z; } |
    bqueue -m 64K > "$T/out" 2> "$T/err"
is $? 3 "default --max-record: exit 3"
like "$(cat "$T/err")" "record 100001" \
    "default --max-record: names record 100001"
seq 1 100000 | cmp -s - "$T/out"
ok $? "default --max-record: the 100000 earlier records delivered"

done_testing
