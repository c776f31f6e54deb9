#!/bin/sh
# SPDX-License-Identifier: ISC
# What memory cannot hold goes to disk, and the producer is not held
# back: with the consumer stopped, a producer of 20 MB gets everything
# into spill and exits, while spill's memory stays within -m plus 16 MiB;
# the segments sit in a private directory under $TMPDIR that --info
# describes.  When the consumer goes on, everything arrives in order and
# the directory is removed.  With -d DIR (not durable) our files go and
# the directory's other files stay.  A consumer that keeps up leaves the
# disk untouched.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/status ] || skip_all "needs /proc"

gone() {
	_s=$(pstate "$1")
	[ -z "$_s" ] || [ "$_s" = Z ]
}
# vmhwm PID: peak resident memory of PID in kB
vmhwm() {
	sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}
# json FILE KEY: a top-level field of the JSON object in FILE
json() {
	jsonget "$1" "$2"
}
# nsegs_atleast DIR N: DIR holds N segment files or more
nsegs_atleast() {
	[ "$(find "$1" -name 'seg-*.pfs' | wc -l)" -ge "$2" ]
}
# dir_settled DIR: the segment files in DIR stop growing
dir_settled() {
	_a=$(segsize "$1")
	sleep 0.3
	[ "$_a" -gt 0 ] && [ "$_a" = "$(segsize "$1")" ]
}
# segsize DIR: the total size of the segment files in DIR
segsize() {
	find "$1" -name 'seg-*.pfs' -exec stat -c %s {} + |
	    awk '{ s += $1 } END { print s + 0 }'
}

seq 1 2700000 > "$T/in.lines"		# 19.6M
head -c 15000000 /dev/urandom | base64 > "$T/in.bytes"	# 19.3M
mkdir -m 700 "$T/tmp"
mem=1048576
bound=$(((mem + 16 * 1048576) / 1024))

for mode in "" --bytes; do
	m=${mode:-lines}
	in=$T/in.${m#--}
	total=$(wc -c < "$in")
	rm -f "$T/a" "$T/b" "$T/cpid" "$T/out"
	mkfifo "$T/a" "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	cat "$in" > "$T/a" &
	p=$!
	TMPDIR=$T/tmp spill $mode -v -m 1M < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	wait_until 10 is_stopped $c
	ok $? "$m: consumer stopped"
	wait_until 20 gone $p
	ok $? "$m: the producer got all $total bytes out and exited"
	wait $p
	if [ -z "${PF_VALGRIND:-}" ]; then
		hwm=$(vmhwm $q)
		[ -n "$hwm" ] && [ "$hwm" -le "$bound" ]
		ok $? "$m: spill's peak memory ${hwm}kB within -m + 16 MiB (${bound}kB)"
	else
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP memory use under valgrind is valgrind's"
	fi

	set -- "$T"/tmp/pipeflow-spill.*
	# spill has all the input; wait until it has written what it will
	wait_until 20 dir_settled "$1"
	is "$#" 1 "$m: one private directory under \$TMPDIR"
	d=$1
	like "$d" '/tmp/pipeflow-spill\.[A-Za-z0-9]{6}$' \
	    "$m: named pipeflow-spill.XXXXXX"
	is "$(stat -c %a "$d")" 700 "$m: the directory is mode 700"
	nseg=$(find "$d" -name 'seg-*.pfs' | wc -l)
	[ "$nseg" -ge 1 ]
	ok $? "$m: segment files in it ($nseg)"
	ssize=$(segsize "$d")
	spill $mode --info "$d" --format json > "$T/info.json" 2> "$T/info.err"
	is $? 0 "$m: --info on the live directory: exit 0"
	is "$(json "$T/info.json" segments)" "$nseg" \
	    "$m: --info: segments = files"
	is "$(json "$T/info.json" stored_bytes)" "$ssize" \
	    "$m: --info: stored bytes = size of the files"
	raw=$(json "$T/info.json" raw_bytes)
	# all but what memory, staging and the output pipe hold
	[ -n "$raw" ] && [ "$raw" -le "$total" ] &&
	    [ "$raw" -ge $((total - 5 * 1048576)) ]
	ok $? "$m: --info: $raw raw bytes on disk of $total"
	spill $mode --info "$d" > "$T/info.txt"
	like "$(cat "$T/info.txt")" "segments: +$nseg" \
	    "$m: --info text: the segment count"

	kill -CONT "$(cat "$T/cpid")"
	wait $q
	is $? 0 "$m: exit 0 after the consumer went on"
	wait $c
	cmp -s "$in" "$T/out"
	ok $? "$m: everything delivered, in order"
	like "$(grep '^spill: disk:' "$T/err")" \
	    '^spill: disk: 1[0-9](\.[0-9])?M written' \
	    "$m: -v: most of it went through disk"
	[ ! -e "$d" ]
	ok $? "$m: the private directory is removed at exit"
	is "$(ls -A "$T/tmp")" "" "$m: nothing left under \$TMPDIR"
done

# -d DIR, not durable: our files go, the directory and others' files stay.
mkdir -m 700 "$T/dir"
echo precious > "$T/dir/keep.txt"
in=$T/in.lines
rm -f "$T/b" "$T/cpid" "$T/out"
mkfifo "$T/b"
sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
    < "$T/b" > "$T/out" &
c=$!
TMPDIR=$T/tmp spill -v -m 1M -d "$T/dir" --segment-size 1M \
    < "$in" > "$T/b" 2> "$T/err" &
q=$!
wait_until 10 is_stopped $c
wait_until 20 nsegs_atleast "$T/dir" 2
ok $? "-d DIR: segment files in DIR"
kill -CONT "$(cat "$T/cpid")"
wait $q
is $? 0 "-d DIR: exit 0"
wait $c
cmp -s "$in" "$T/out"
ok $? "-d DIR: everything delivered, in order"
is "$(ls -A "$T/dir")" keep.txt "-d DIR: only the file that was there is left"
is "$(cat "$T/dir/keep.txt")" precious "-d DIR: that file untouched"
is "$(ls -A "$T/tmp")" "" "-d DIR: nothing made under \$TMPDIR"

# A consumer that keeps up, -m 64M: memory is enough, disk is not touched.
TMPDIR=$T/tmp spill -v -m 64M < "$in" 2> "$T/err" | cat > "$T/out"
cmp -s "$in" "$T/out"
ok $? "fast consumer: everything delivered"
like "$(grep '^spill: disk:' "$T/err")" \
    '^spill: disk: 0B written \(0B stored\), 0 segments$' \
    "fast consumer: -v: disk: 0B written"
is "$(ls -A "$T/tmp")" "" "fast consumer: nothing left under \$TMPDIR"

done_testing
