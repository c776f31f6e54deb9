#!/bin/sh
# SPDX-License-Identifier: ISC
# While memory has room and nothing waits on disk, spill reads straight
# into its queue.  The cases where that path hands over: memory filling
# (the rest goes to disk, the producer is not held back, and everything
# arrives in order once the consumer goes on), a read that ends inside a
# record, the unterminated last record, a record over --max-record, and
# a stop signal with half a record read.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

gone() {
	_s=$(pstate "$1")
	[ -z "$_s" ] || [ "$_s" = Z ]
}

# Lines of every length up to 3000 bytes, 20 MB: reads end inside
# records, and -m 4M with --max-record 64K leaves the queue path room.
awk 'BEGIN { srand(9); n = 0; while (n < 20000000) {
	l = int(rand() * rand() * 3000); s = sprintf("%d %0" l "d", n, 0)
	print s; n += length(s) + 1 } }' > "$T/in"
want=$(cksum < "$T/in")
mkdir -m 700 "$T/tmp"
for mode in "" --bytes; do
	m=${mode:-lines}
	rm -f "$T/a" "$T/b" "$T/cpid" "$T/out"
	mkfifo "$T/a" "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	cat "$T/in" > "$T/a" &
	p=$!
	TMPDIR=$T/tmp spill $mode -m 4M --max-record 64K < "$T/a" > "$T/b" \
	    2> "$T/err" &
	q=$!
	wait_until 10 is_stopped $c
	wait_until 30 gone $p
	ok $? "$m: memory full, the rest to disk: the producer is not held back"
	kill -CONT $c
	wait $q
	is "$?" 0 "$m: exit 0"
	wait $p $c
	is "$(cksum < "$T/out")" "$want" "$m: everything arrives, in order"
	is "$(cat "$T/err")" "" "$m: nothing on stderr"
done

# A fast consumer: output = input, in lines and bytes, from a pipe.
for mode in "" --bytes; do
	cat "$T/in" | spill $mode | cat > "$T/out"
	is "$(cksum < "$T/out")" "$want" "${mode:-lines}, fast consumer: output = input"
done

# The unterminated last record comes last, unterminated.
printf 'a\nbb\nlast' | spill > "$T/out"
is "$(od -An -c < "$T/out" | tr -d ' \n')" 'a\nbb\nlast' \
    "the unterminated last record, as it came"

# A record over --max-record: those before it delivered, then exit 3.
{ seq 1 1000; head -c 3000 /dev/zero | tr '\0' x; echo; echo after; } |
    spill --max-record 1K > "$T/out" 2> "$T/err"
is "$?" 3 "a record over --max-record: exit 3"
is "$(cat "$T/out")" "$(seq 1 1000)" "the 1000 records before it delivered"
like "$(cat "$T/err")" "record 1001: longer than --max-record" \
    "the message names record 1001"

# SIGTERM with half a record read: whole records out, the half not.
mkfifo "$T/c"
{ printf '1\n2\nhalf'; sleep 30; } > "$T/c" &
w=$!
spill < "$T/c" > "$T/out" 2> "$T/err" &
q=$!
wait_until 10 sh -c "test \"\$(cat '$T/out')\" = '1
2'"
kill -TERM $q
wait $q
is "$?" 143 "SIGTERM: exit 143"
kill $w 2> /dev/null
wait $w 2> /dev/null
is "$(od -An -c < "$T/out" | tr -d ' \n')" '1\n2\n' "SIGTERM: the whole records, not the half"
like "$(cat "$T/err")" "input cut short: a partial record" \
    "SIGTERM: the half record said"

done_testing
