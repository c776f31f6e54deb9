#!/bin/sh
# SPDX-License-Identifier: ISC
# Stages on a loopback TCP socket, as behind ssh or inetd: writing to a
# socket with a small send buffer (short writes) and reading from one,
# also when someone else left the socket non-blocking (EAGAIN), with a
# bursty neighbour on the other end.  Every byte arrives, in order, and
# the stage exits 0.
. "$top_srcdir/tests/lib/tap.sh"

seq 1 150000 > "$T/in"
awk 'BEGIN { srand(5); for (i = 0; i < 3000; i++) {
	n = int(rand() * 300); s = ""
	for (j = 0; j < n; j++) s = s sprintf("%c", 97 + int(rand() * 26))
	print i, s } }' >> "$T/in"

# check NAME WRITER READER [NONBLOCK-END]: tcppair, then compare.
check() {
	_name=$1
	rm -f "$T/out"
	timeout 120 tcppair ${4:+-n "$4"} -s 16384 "$2" "$3" 2> "$T/err"
	is "$?" 0 "$_name: exit 0"
	cmp -s "$T/in" "$T/out"
	ok $? "$_name: every byte, in order"
	[ -s "$T/err" ] && sed 's/^/# /' "$T/err"
}

slow_reader="stallpipe 1 700 2000 > '$T/out'"
slow_writer="stallpipe 2 700 2000 < '$T/in'"
for tool in "bqueue -m 64K" "bqueue -m 64K --bytes" "spill -m 64K -d '$T/sp'" \
    "lagwatch -q"; do
	for nb in "" w; do
		check "$tool writes to a ${nb:+non-blocking }socket" \
		    "$tool < '$T/in'" "$slow_reader" $nb
	done
	for nb in "" r; do
		check "$tool reads from a ${nb:+non-blocking }socket" \
		    "$slow_writer" "$tool > '$T/out'" $nb
	done
done
done_testing
