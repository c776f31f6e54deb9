#!/bin/sh
# SPDX-License-Identifier: ISC
# A FIFO as FILE operand and as -o FILE: bqueue waits for the other ends
# however late they come (an empty first read before a writer is not end
# of input), and the data passes intact, in every framing.
. "$top_srcdir/tests/lib/tap.sh"

{
	head -c 200000 /dev/urandom
	printf '\n\0\n'
	seq 1 100000
	printf 'last'
} > "$T/in"

for mode in "" -z --bytes; do
	m=${mode:-lines}
	rm -f "$T/fin" "$T/fout" "$T/out"
	mkfifo "$T/fin" "$T/fout"
	bqueue $mode --max-record 1M "$T/fin" -o "$T/fout" 2> "$T/err" &
	q=$!
	sleep 0.3		# bqueue is waiting for both ends now
	cat "$T/fout" > "$T/out" &
	c=$!
	sleep 0.2
	stallpipe 5 65536 2000 < "$T/in" > "$T/fin"
	wait $q
	is $? 0 "$m: FIFO in, FIFO out: exit 0"
	wait $c
	cmp -s "$T/in" "$T/out"
	ok $? "$m: FIFO in, FIFO out: data intact"
	is "$(cat "$T/err")" "" "$m: FIFO in, FIFO out: nothing on stderr"
done

# The reader first, and the writer opening and closing without data.
rm -f "$T/fin" "$T/fout"
mkfifo "$T/fin" "$T/fout"
cat "$T/fout" > "$T/out" &
c=$!
bqueue "$T/fin" -o "$T/fout" &
q=$!
sleep 0.3
: > "$T/fin"
wait $q
is $? 0 "writer that writes nothing: exit 0"
wait $c
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "writer that writes nothing: empty"

# A FIFO operand fed through a pipe chain and -o FIFO read by a pipe chain.
rm -f "$T/fin" "$T/fout"
mkfifo "$T/fin" "$T/fout"
stallpipe 7 4096 1000 < "$T/in" > "$T/fin" &
p=$!
stallpipe 8 4096 1000 < "$T/fout" > "$T/out" &
c=$!
bqueue -m 4K --max-record 1M "$T/fin" -o "$T/fout"
is $? 0 "small buffer between FIFOs: exit 0"
wait $p $c
cmp -s "$T/in" "$T/out"
ok $? "small buffer between FIFOs: data intact"

done_testing
