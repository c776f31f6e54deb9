#!/bin/sh
# SPDX-License-Identifier: ISC
# --max-record in every tool that frames records, at the edges: a record
# of exactly the limit passes byte-exact; one a byte longer is a data
# error (exit 3, a message naming its number) after every earlier record
# was delivered byte-exact, and nothing after it is.  For limits of 1, 10,
# 4K, 64K-1, 64K, 1M and 4M; with -m smaller than, equal to and larger
# than the limit; from a pipe, a regular file and a FIFO; in line and NUL
# modes.
#
# spill once lost data silently here: a too-long record that arrived
# whole within one read (always so with a small limit) was neither
# reported nor delivered, nor was anything after it, and spill exited 0;
# or, if the queue found it first, spill hung, even past SIGTERM.  The
# older tests used limits larger than a read, so the long record never
# came whole.
. "$top_srcdir/tests/lib/tap.sh"

# make_input FILE LEN TERMCHAR(n|0): 300 one-byte records, a record of
# exactly the limit, the record under test of LEN bytes, then 50 more.
make_input() {
	_t=$3
	{
		i=0
		while [ $i -lt 300 ]; do
			printf "a\\$_t"
			i=$((i + 1))
		done
		head -c "$lim" /dev/zero | tr '\0' x
		printf "\\$_t"
		head -c "$2" /dev/zero | tr '\0' y
		printf "\\$_t"
		i=0
		while [ $i -lt 50 ]; do
			printf "b\\$_t"
			i=$((i + 1))
		done
	} > "$1"
}

# feed IN OUT FILE CMD...: run CMD with FILE as its input, IN being pipe,
# file (standard input a regular file) or fifo (a FIFO operand); its
# output goes to $T/out through a pipe (OUT pipe) or straight to the file
# (OUT file).  Stores the tool's status in $rc; a stage that hangs is
# killed after 30 seconds.
feed() {
	_inkind=$1
	_outkind=$2
	_in=$3
	shift 3
	rm -f "$T/fifo"
	_arg=
	_from=$_in
	if [ "$_inkind" = fifo ]; then
		mkfifo "$T/fifo"
		cat "$_in" > "$T/fifo" &
		_w=$!
		_arg=$T/fifo
		_from=/dev/null
	fi
	if [ "$_inkind" = pipe ]; then
		_cat="cat $_in"
		_from=/dev/stdin
	else
		_cat=true
	fi
	if [ "$_outkind" = pipe ]; then
		rc=$( { { $_cat; } | { timeout -s KILL 30 "$@" $_arg < "$_from" \
		    2> "$T/err"; echo $? >&3; } | cat > "$T/out"; } 3>&1 )
	else
		rc=$( { { $_cat; } | { timeout -s KILL 30 "$@" $_arg < "$_from" \
		    > "$T/out" 2> "$T/err"; echo $? >&3; }; } 3>&1 )
	fi
	if [ "$_inkind" = fifo ]; then
		# A stage that stopped early leaves the writer blocked.
		kill $_w 2>/dev/null
		wait $_w 2>/dev/null
	fi
}

# check NAME WANT-RC: $T/out, $rc and $T/err against the case.
check() {
	if [ "$2" = 0 ]; then
		if [ "$rc" = 0 ] && cmp -s "$T/want-at" "$T/out"; then
			ok 0 "$1: exit 0, byte-exact"
		else
			ok 1 "$1: exit 0, byte-exact"
			diag "exit $rc; $(head -n 3 "$T/err")"
		fi
		return
	fi
	if [ "$rc" = 3 ] && cmp -s "$T/want-over" "$T/out" &&
	    grep -q "record 302: longer than --max-record" "$T/err"; then
		ok 0 "$1: exit 3 naming record 302, the records before it"
	else
		ok 1 "$1: exit 3 naming record 302, the records before it"
		diag "exit $rc; $(wc -c < "$T/out") bytes out;" \
		    "$(head -n 3 "$T/err")"
	fi
}

for lim in 1 10 4096 65535 65536 1048576 4194304; do
	for mode in lines nul; do
		if [ $mode = lines ]; then
			t=n
			z=
		else
			t=0
			z=-z
		fi
		make_input "$T/at" "$lim" $t
		make_input "$T/over" $((lim + 1)) $t
		cp "$T/at" "$T/want-at"
		# What comes before the too-long record: 300 + 1 records.
		head -c $((300 * 2 + lim + 1)) "$T/over" > "$T/want-over"

		for how in "pipe pipe" "file file" "fifo file"; do
			for m in smaller equal larger; do
				case $m in
				smaller) mem=$((lim / 2)) ;;
				equal)	 mem=$lim ;;
				larger)	 mem=$((lim * 2)) ;;
				esac
				[ "$mem" -ge 1 ] || continue
				for tool in bqueue spill spill-durable; do
					case $tool in
					spill-durable)
						rm -rf "$T/spool"
						mkdir -m 700 "$T/spool"
						cmd="spill --durable -d $T/spool"
						;;
					*)
						cmd=$tool
						;;
					esac
					name="$tool, $mode, limit $lim, -m $m, ${how% *}"
					# shellcheck disable=SC2086
					feed $how "$T/at" $cmd $z -m $mem \
					    --max-record $lim
					check "$name, at" 0
					rm -rf "$T/spool"
					mkdir -m 700 "$T/spool"
					# shellcheck disable=SC2086
					feed $how "$T/over" $cmd $z -m $mem \
					    --max-record $lim
					check "$name, over" 3
				done
			done
		done
		# lagwatch has no -m; between two pipes (a FIFO is one) it
		# passes records by tee(2) and splice(2), else through its
		# queue.
		for how in "pipe pipe" "fifo pipe" "file file" "fifo file" \
		    "pipe file"; do
			name="lagwatch, $mode, limit $lim, $how"
			# shellcheck disable=SC2086
			feed $how "$T/at" lagwatch -q $z --max-record $lim
			check "$name, at" 0
			# shellcheck disable=SC2086
			feed $how "$T/over" lagwatch -q $z --max-record $lim
			check "$name, over" 3
		done
		rm -f "$T/at" "$T/over" "$T/want-at" "$T/want-over"
	done
done

done_testing
