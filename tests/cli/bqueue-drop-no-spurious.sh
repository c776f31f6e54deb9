#!/bin/sh
# SPDX-License-Identifier: ISC
# The drop policies drop only when downstream stops taking records, never
# because one read brought more records than -n leaves room for (records
# cannot be counted before they are read): into a regular file or
# /dev/null, which never stall, nothing is dropped, however small -n.
. "$top_srcdir/tests/lib/tap.sh"

# About 10 MB of short lines, and of 100-byte ones.
seq 1 1300000 > "$T/short"
awk 'BEGIN { s = sprintf("%099d", 0); for (i = 0; i < 100000; i++) print s }' \
    > "$T/l100"

for pol in drop-newest drop-oldest; do
	for n in 100 7; do
		bqueue -n $n --on-full $pol < "$T/short" > "$T/out" 2> "$T/err"
		is $? 0 "$pol -n $n, short lines into a file: exit 0"
		cmp -s "$T/short" "$T/out"
		ok $? "$pol -n $n, short lines into a file: output = input"
		is "$(cat "$T/err")" "" \
		    "$pol -n $n, short lines into a file: no drop reported"
	done

	bqueue -n 100 --on-full $pol --dead-letter "$T/dl" < "$T/l100" \
	    > /dev/null 2> "$T/err"
	is $? 0 "$pol -n 100, 100-byte lines into /dev/null: exit 0"
	is "$(cat "$T/err")" "" \
	    "$pol -n 100, 100-byte lines into /dev/null: no drop reported"
	[ ! -s "$T/dl" ]
	ok $? "$pol -n 100, 100-byte lines into /dev/null: dead-letter empty"
	rm -f "$T/dl"

	# -m as well as -n, and -v for the summary: 0 dropped.
	bqueue -v -m 64K -n 50 --on-full $pol < "$T/short" > "$T/out" \
	    2> "$T/err"
	is $? 0 "$pol -m 64K -n 50 -v: exit 0"
	cmp -s "$T/short" "$T/out"
	ok $? "$pol -m 64K -n 50 -v: output = input"
	m="done: 1300000 records in, 1300000 out, 0 dropped"
	like "$(cat "$T/err")" "$m" \
	    "$pol -m 64K -n 50 -v: summary says 0 dropped"
done

done_testing
