#!/bin/sh
# SPDX-License-Identifier: ISC
# SIGTERM at random points of a run whose input holds a record longer than
# --max-record, arriving slowly: before it, while the stage holds its
# start, after it was found too long.  Every stage ends within a second of
# the signal, with 143 (or 3, if it was done first), and what it delivered
# is whole records from the front of the input, none of the long one.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

# rand SEED: a delay of 0 to 0.4 seconds, the same for a seed.
rand() {
	awk -v s="$1" 'BEGIN { srand(s); printf "%.3f\n", rand() * 0.4 }'
}

# LIMIT CHUNK PAUSE MEM: a long record that comes in many small reads,
# and a short one that comes whole in one read (once spill hung on it,
# past SIGTERM).
while read -r lim chunk pause mem; do
for mode in lines nul; do
	if [ $mode = lines ]; then
		t=n
		z=
	else
		t=0
		z=-z
	fi
	{
		seq 1 1000 | tr '\n' "\\$t"
		head -c $((lim + 1)) /dev/zero | tr '\0' y
		printf "\\$t"
		seq 1 1000 | tr '\n' "\\$t"
	} > "$T/in"
	# What may come out: a prefix of the first 1000 records.
	seq 1 1000 | tr '\n' "\\$t" > "$T/head"

	for stage in bqueue spill spill-durable lagwatch-tee lagwatch-queue; do
		seed=0
		while [ $seed -lt 4 ]; do
			seed=$((seed + 1))
			rm -rf "$T/spool"
			mkdir -m 700 "$T/spool"
			rm -f "$T/out" "$T/p"
			mkfifo "$T/p"
			case $stage in
			bqueue)	cmd="bqueue -m $mem" ;;
			spill)	cmd="spill -m $mem" ;;
			spill-durable)
				cmd="spill -m $mem --durable -d $T/spool" ;;
			lagwatch-*)
				cmd=lagwatch ;;
			esac
			stallpipe $seed $chunk $pause < "$T/in" > "$T/p" &
			w=$!
			rm -f "$T/st.pid" "$T/rc"
			# The tee path wants a pipe on both sides.
			if [ $stage = lagwatch-queue ]; then
				# shellcheck disable=SC2086
				( sh -c 'echo $$ > "$0.pid"; exec "$@"' \
				    "$T/st" $cmd $z --max-record $lim "$T/p" \
				    > "$T/out" 2> "$T/err"
				echo $? > "$T/rc" ) &
			else
				# shellcheck disable=SC2086
				( sh -c 'echo $$ > "$0.pid"; exec "$@"' \
				    "$T/st" $cmd $z --max-record $lim "$T/p" \
				    2> "$T/err"
				echo $? > "$T/rc" ) | cat > "$T/out" &
			fi
			wait_until 5 test -s "$T/st.pid"
			p=$(cat "$T/st.pid")
			# Past the exec and into the stage's own start.
			wait_until 5 eval '[ "$(cat /proc/$p/comm)" != sh ]'
			sleep 0.01
			sleep "$(rand $seed)"
			name="$stage, $mode, limit $lim, SIGTERM $seed"
			kill -TERM "$p" 2>/dev/null
			wait_until 1 eval '! alive $p'
			ok $? "$name: gone within a second"
			kill -9 "$p" $w 2>/dev/null
			wait
			rc=$(cat "$T/rc")
			case $rc in
			143)	like "$(cat "$T/err")" "records received" \
				    "$name: exit 143, the counts line" ;;
			3)	like "$(cat "$T/err")" \
				    "record 1001: longer than --max-record" \
				    "$name: done first: exit 3, record 1001" ;;
			*)	ok 1 "$name: exit 143 or 3, not $rc" ;;
			esac
			n=$(wc -c < "$T/out")
			head -c "$n" "$T/head" | cmp -s - "$T/out"
			ok $? "$name: a prefix of what came before, $n bytes"
			if [ "$n" -gt 0 ]; then
				last=$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')
				[ "$last" = "\\$t" ]
				ok $? "$name: whole records"
			fi
		done
	done
done
done <<EOF
1048576 4096 2000 64K
4096 65536 20000 4K
EOF

done_testing
