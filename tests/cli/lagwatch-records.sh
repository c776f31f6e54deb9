#!/bin/sh
# SPDX-License-Identifier: ISC
# lagwatch moves records by tee(2) and splice(2) when its input and output
# are both pipes, and through its queue otherwise; both ways behave the
# same, in line and -z framing, with records whole or split across reads
# by a bursty neighbour:
# - a record longer than --max-record ends the stream after the records
#   before it, terminated or last: exit 3, a message naming it and no
#   partial record reported; one of exactly --max-record passes;
# - records of 3M pass byte-exact within --max-record 4M, with and
#   without --time-field (the long timed one has its age);
# - the final JSON report counts every record and byte, empty records and
#   an unterminated last one included;
# - SIGTERM with a partial record pending delivers the whole records only,
#   warns of the partial one and exits 143;
# - --time-field gives the same ages and untimed records.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/report.sh"	# within

[ -r /proc/self/stat ] || skip_all "needs /proc"

gone() {
	_s=$(pstate "$1")
	[ -z "$_s" ] || [ "$_s" = Z ]
}

# jget KEY: the number KEY (age.KEY: in "age") in the final JSON report
# of the last run, "-" if there is none.
jget() {
	case $1 in
	age.*)
		case $final in
		*'"age":{'*)
			;;
		*)
			echo -
			return
			;;
		esac
		_r=${final#*\"age\":\{}
		_k=${1#age.}
		;;
	*)
		_r=$final
		_k=$1
		;;
	esac
	case $_r in
	*"\"$_k\":"*)
		_r=${_r#*\"$_k\":}
		echo "${_r%%[,\}]*}"
		;;
	*)
		echo -
		;;
	esac
}

# counts: records in and out, bytes in and out of the final JSON report.
counts() {
	echo "$(jget records_in)/$(jget records_out)" \
	    "$(jget bytes_in)/$(jget bytes_out)"
}

# nrec FILE TERM: the records in FILE, ended by TERM ('\n' or '\000'),
# an unterminated last one included.
nrec() {
	_n=$(tr -cd "$2" < "$1" | wc -c | tr -d ' ')
	if [ -s "$1" ] && [ "$(tail -c 1 "$1" | tr -d "$2" | wc -c)" -eq 1 ]
	then
		_n=$((_n + 1))
	fi
	echo "$_n"
}

# unlike GOT EXTENDED-REGEX NAME: no line of GOT matches.
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '%s\n' "$1" | grep -E -- "$2" | sed 's/^/#   got:  /'
	else
		ok 0 "$3"
	fi
}

size() {
	wc -c < "$1" | tr -d ' '
}

# through HOW IN ARGS...: lagwatch ARGS reading IN, its output in $T/out,
# its stderr in $T/err, its status in $rc, its final JSON report (if
# any) in $final.  HOW is
#   pipes		pipes on both sides: tee(2) and splice(2)
#   stalled-pipes	the same, with stallpipe $stall on both sides
#   files		a regular file on both sides (IN an operand): the queue
#   stalled-to-file	stallpipe $stall before, a file after: the queue,
#			with records split across reads
#   file-to-pipe	< IN, a pipe after: the queue
through() {
	_how=$1
	_in=$2
	shift 2
	seed=$((seed + 1))
	rm -f "$T/out" "$T/err" "$T/rc"
	case $_how in
	pipes)
		cat "$_in" 2> /dev/null | {
			lagwatch "$@" 2> "$T/err"
			echo $? > "$T/rc"
		} | cat > "$T/out"
		;;
	stalled-pipes)
		stallpipe $seed $stall < "$_in" 2> /dev/null | {
			lagwatch "$@" 2> "$T/err"
			echo $? > "$T/rc"
		} | stallpipe $((seed + 100)) $stall > "$T/out"
		;;
	files)
		lagwatch "$@" "$_in" > "$T/out" 2> "$T/err"
		echo $? > "$T/rc"
		;;
	stalled-to-file)
		stallpipe $seed $stall < "$_in" 2> /dev/null | {
			lagwatch "$@" > "$T/out" 2> "$T/err"
			echo $? > "$T/rc"
		}
		;;
	file-to-pipe)
		{
			lagwatch "$@" < "$_in" 2> "$T/err"
			echo $? > "$T/rc"
		} | cat > "$T/out"
		;;
	esac
	rc=$(cat "$T/rc")
	final=$(grep '"final":true' "$T/err" | tail -n 1)
}

seed=0
all="pipes stalled-pipes files stalled-to-file file-to-pipe"

# 1. --max-record 1K: a 2000-byte third record, followed by a short one
# or last and unterminated, stops the stream after the first two; a
# record of exactly 1K passes.  Stalls in 7-byte pieces split the long
# record across many reads.
stall="7 200"
long=$(head -c 2000 /dev/zero | tr '\0' x)
bound=$(head -c 1024 /dev/zero | tr '\0' x)
for mode in "" -z; do
	if [ -z "$mode" ]; then
		m=lines
		nl='\n'
	else
		m=-z
		nl='\0'
	fi
	printf "a${nl}b${nl}" > "$T/head"
	{ cat "$T/head"; printf "%s${nl}c${nl}" "$long"; } > "$T/long"
	{ cat "$T/head"; printf "%s" "$long"; } > "$T/long-last"
	{ cat "$T/head"; printf "%s${nl}c${nl}" "$bound"; } > "$T/bound"
	for how in $all; do
		for f in long long-last; do
			n="$m, $how, $f"
			through $how "$T/$f" $mode --max-record 1K \
			    --format json -i 10s
			is "$rc" 3 "$n: exit 3"
			like "$(cat "$T/err")" \
			    "record 3: longer than --max-record" \
			    "$n: the message names record 3"
			unlike "$(cat "$T/err")" "cut short" \
			    "$n: no partial record reported"
			like "$(cat "$T/err")" \
			    "records received 2, delivered 2, dropped 0," \
			    "$n: the line of counts"
			cmp -s "$T/head" "$T/out"
			ok $? "$n: output exactly the 2 records before it"
			is "$(jget records_in)/$(jget records_out)" 2/2 \
			    "$n: the final report counts 2 records"
			is "$(jget bytes_out)" 4 \
			    "$n: the final report counts 4 bytes out"
		done
		n="$m, $how"
		through $how "$T/bound" $mode --max-record 1K
		is "$rc" 0 "$n: a record of exactly --max-record: exit 0"
		cmp -s "$T/bound" "$T/out"
		ok $? "$n: a record of exactly --max-record passes"
	done
done

# 2. Two 3M records among short ones, with --max-record 4M: the timed one
# 1000s old, the other without a time; an empty record, and a last one
# without terminator.
now=$(date +%s)
mega=$(head -c 3145728 /dev/zero | tr '\0' y)
{
	seq 1 500 | awk -v t=$((now - 1)) '{ print $1, t ".5", "short" }'
	printf 'L %d %s\n\n' $((now - 1000)) "$mega"
	seq 501 1000 | awk -v t=$((now - 1)) '{ print $1, t ".5", "short" }'
	printf 'untimed%s\n' "$mega"
	printf 'end %d.5' $((now - 1))
} > "$T/big"
unset mega
tr '\n' '\0' < "$T/big" > "$T/bigz"
for mode in "" -z; do
	if [ -z "$mode" ]; then
		m=lines
		in=$T/big
		want="$(nrec "$in" '\n')/$(nrec "$in" '\n')"
	else
		m=-z
		in=$T/bigz
		want="$(nrec "$in" '\000')/$(nrec "$in" '\000')"
	fi
	want="$want $(size "$in")/$(size "$in")"
	for tf in "" "--time-field 2"; do
		for how in pipes stalled-pipes files stalled-to-file; do
			stall="65536 3000"
			n="$m${tf:+, $tf}, $how, 3M records"
			through $how "$in" $mode $tf --max-record 4M \
			    --format json -i 10s
			is "$rc" 0 "$n: exit 0"
			cmp -s "$in" "$T/out"
			ok $? "$n: byte-exact"
			is "$(counts)" "$want" \
			    "$n: every record and byte counted"
			[ -n "$tf" ] || continue
			is "$(jget age.count)/$(jget no_time)" 1002/2 \
			    "$n: 1002 ages, 2 records without time"
			v=$(jget age.max)
			within "$v" 999 1300
			ok $? "$n: max age $v: the 3M timed record's, 1000s"
		done
	done
	# Pieces of at most 16K: each 3M record in hundreds of reads.
	n="$m, stalled-pipes, 16K pieces, 3M records"
	stall="16384 300"
	through stalled-pipes "$in" $mode --time-field 2 --max-record 4M \
	    --format json -i 10s
	is "$rc" 0 "$n: exit 0"
	cmp -s "$in" "$T/out"
	ok $? "$n: byte-exact"
	is "$(counts)" "$want" "$n: every record and byte counted"
	is "$(jget age.count)/$(jget no_time)" 1002/2 \
	    "$n: 1002 ages, 2 records without time"
done

# 3. The final report counts records and bytes: empty records at the
# start, in the middle and at the end, with and without a final
# terminator, and empty input.
{
	printf '\n\nfirst\n\n'
	seq 1 3000 | awk 'NR % 100 == 0 { print "" } { print }'
	printf '\n\nlast, no terminator'
} > "$T/c1"
printf 'a\n\n\n' > "$T/c2"
: > "$T/c3"
stall="7 200"
for f in c1 c2 c3; do
	for mode in "" -z; do
		if [ -z "$mode" ]; then
			m=lines
			in=$T/$f
			nr=$(nrec "$in" '\n')
		else
			m=-z
			in=$T/$f.z
			tr '\n' '\0' < "$T/$f" > "$in"
			nr=$(nrec "$in" '\000')
		fi
		want="$nr/$nr $(size "$in")/$(size "$in")"
		hows=$all
		[ $f = c1 ] || hows="pipes files"
		for how in $hows; do
			n="$m, $how, $f ($nr records)"
			through $how "$in" $mode --format json -i 10s
			is "$rc" 0 "$n: exit 0"
			cmp -s "$in" "$T/out"
			ok $? "$n: byte-exact"
			is "$(counts)" "$want" \
			    "$n: every record and byte counted"
		done
	done
done

# 4. SIGTERM while "thr" waits for the rest of its record: the two whole
# records are delivered, the partial one is not, exit 143.  Through FIFOs:
# pipes on both sides, or a FIFO in and a file out.
printf 'one\ntwo\n' > "$T/whole"
printf 'one\ntwo\nthr' > "$T/part"
tr '\n' '\0' < "$T/whole" > "$T/whole.z"
tr '\n' '\0' < "$T/part" > "$T/part.z"
for mode in "" -z; do
	if [ -z "$mode" ]; then
		m=lines
		z=
	else
		m=-z
		z=.z
	fi
	for how in pipes fifo-to-file; do
		n="$m, $how, SIGTERM"
		rm -f "$T/a" "$T/b" "$T/go" "$T/out" "$T/err"
		mkfifo "$T/a" "$T/b"
		{
			cat "$T/part$z"
			while [ ! -e "$T/go" ]; do sleep 0.05; done
		} > "$T/a" &
		w=$!
		c=
		if [ $how = pipes ]; then
			cat < "$T/b" > "$T/out" &
			c=$!
			lagwatch $mode "$T/a" > "$T/b" 2> "$T/err" &
		else
			lagwatch $mode < "$T/a" > "$T/out" 2> "$T/err" &
		fi
		p=$!
		wait_until 60 cmp -s "$T/whole$z" "$T/out"
		ok $? "$n: the 2 whole records reached the output"
		kill -TERM $p
		wait_until 60 gone $p
		ok $? "$n: lagwatch stops"
		gone $p || kill -KILL $p
		wait $p
		is $? 143 "$n: exit 143"
		: > "$T/go"
		wait $w
		[ -z "$c" ] || wait $c
		cmp -s "$T/whole$z" "$T/out"
		ok $? "$n: output exactly the 2 whole records"
		like "$(cat "$T/err")" \
		    "input cut short: a partial record \(3B\)" \
		    "$n: the partial record reported"
		like "$(cat "$T/err")" \
		    "records received 2, delivered 2, dropped 0," \
		    "$n: the line of counts"
	done
done

# 5. --time-field in records split across reads: 1000 records, 200 of
# them without a time; of the 801 timed ones (the last one unterminated)
# a quarter 100s old, the others 1s.
now=$(date +%s)
awk -v now="$now" 'BEGIN {
	for (i = 0; i < 1000; i++)
		if (i % 10 == 3)
			printf "%d notatime x\n", i
		else if (i % 10 == 7)
			printf "%d\n", i
		else
			printf "%d %d.5 p %d\n", i, now - (i % 5 ? 1 : 100), i
	printf "last %d.25", now - 100
}' > "$T/ages"
tr '\n' '\0' < "$T/ages" > "$T/ages.z"
stall="7 200"
for mode in "" -z; do
	if [ -z "$mode" ]; then
		m=lines
		in=$T/ages
	else
		m=-z
		in=$T/ages.z
	fi
	for how in pipes stalled-pipes files stalled-to-file; do
		n="$m, $how, ages"
		through $how "$in" $mode --time-field 2 --format json -i 10s
		is "$rc" 0 "$n: exit 0"
		cmp -s "$in" "$T/out"
		ok $? "$n: data intact"
		is "$(jget records_out)" 1001 "$n: 1001 records"
		is "$(jget age.count)" 801 "$n: 801 ages"
		is "$(jget no_time)" 200 "$n: 200 without time"
		v=$(jget age.p50)
		within "$v" 0.45 60
		ok $? "$n: p50 $v: about 1s"
		for q in p95 max; do
			v=$(jget age.$q)
			within "$v" 97 200
			ok $? "$n: $q $v: about 100s"
		done
	done
done

done_testing
