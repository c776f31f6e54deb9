#!/bin/sh
# SPDX-License-Identifier: ISC
# kill -9 loops on spill --durable.  Run k feeds its own numbers
# (k*100000+1 ...) through spill into a bursty consumer and is killed at
# a random moment; run k+1 on the same directory first delivers what was
# not delivered, then its own numbers.  The last run is left to finish.
# Then: within each run's output every source's numbers rise (duplicates
# only across runs, after a resume); over all outputs each run's numbers
# form an unbroken prefix (nothing made durable was lost: a lost record
# would leave a hole); the last run delivered all of its own, and the
# directory is left empty.
. "$top_srcdir/tests/lib/tap.sh"

RUNS=24
slow=1
chunk=4096
want_resumed=12
# Under valgrind a run takes ten times as long to get anywhere, and the
# consumer reads slower too so that spill is not the slow side: a kill
# must find records on disk not yet delivered for the rerun to resume.
if [ -n "${PF_VALGRIND:-}" ]; then
	RUNS=8
	slow=3
	chunk=512
	want_resumed=2
fi
D="$T/spool"
awk 'BEGIN { srand(11); for (i = 0; i < 100; i++)
	printf "%d\n", 30 + int(rand() * 400) }' > "$T/delays"

k=0
while [ $k -le $RUNS ]; do
	seq $((k * 100000 + 1)) $((k * 100000 + 100000)) > "$T/in"
	rm -f "$T/p"
	mkfifo "$T/p"
	stallpipe $((k + 1)) $chunk 5000 < "$T/p" > "$T/out.$k" &
	c=$!
	spill --durable -d "$D" -m 64K --segment-size 64K \
	    --checkpoint 50ms < "$T/in" > "$T/p" 2> "$T/err.$k" &
	s=$!
	if [ $k -lt $RUNS ]; then
		ms=$(sed -n "$((k + 1))p" "$T/delays")
		sleep "$(awk -v m="$ms" -v k=$slow \
		    'BEGIN { printf "%.3f", m * k / 1000 }')"
		kill -9 $s 2>/dev/null
		{ wait $s; } 2>/dev/null
		wait $c
	else
		{ wait $s; } 2>/dev/null
		rc=$?
		wait $c
		is "$rc" 0 "the last run exits 0"
	fi
	k=$((k + 1))
done

# whole FILE...: the files' records, but for a last one cut short: a run
# killed in the middle of a write leaves its reader the start of a record,
# which the next run delivers again whole (spill(1)).
whole() {
	for _f; do
		if [ -s "$_f" ] && [ "$(tail -c 1 "$_f" | od -An -c | tr -d ' ')" != '\n' ]; then
			sed '$d' "$_f"
		else
			cat "$_f"
		fi
	done
}
torn=0
for f in "$T"/out.*; do
	[ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ] &&
	    torn=$((torn + 1))
done
diag "runs whose reader got a last record cut short: $torn"

# Numbers rise per source within each run.
bad=0
k=0
while [ $k -le $RUNS ]; do
	whole "$T/out.$k" > "$T/whole.$k"
	awk '{ s = int(($1 - 1) / 100000)
		if ($1 <= last[s]) { bad++; exit }
		last[s] = $1 } END { exit bad > 0 }' "$T/whole.$k" ||
	    { bad=$((bad + 1)); diag "run $k: order broken"; }
	k=$((k + 1))
done
is "$bad" 0 "every run delivers each source's numbers in order"

# Over all runs, each source's numbers delivered are 1..x with no hole.
whole "$T"/out.* | sort -n -u | awk '
	{ s = int(($1 - 1) / 100000); i = $1 - s * 100000
	  if (i != n[s] + 1) { holes++; printf "# hole in run %d at %d\n", \
	      s, i }
	  n[s] = i }
	END { print holes + 0 }' > "$T/holes"
is "$(tail -n 1 "$T/holes")" 0 "no record lost: no hole in any run's numbers"
grep '^#' "$T/holes" | head -5

got=$(whole "$T"/out.* | awk -v k=$RUNS '$1 > k * 100000' | sort -n -u | wc -l)
is "$got" 100000 "the last run delivered all of its own records"

# Earlier runs got further than nothing, and resumes were announced
# (how many depends on where the kills fall; the checks below are what
# matter, this one only shows that the loop exercised resuming).
resumed=$(cat "$T"/err.* | grep -c 'resuming:')
[ "$resumed" -ge $want_resumed ]; ok $? "reruns resumed ($resumed times)"
dups=$(cat "$T"/out.* | wc -l)
uniq=$(cat "$T"/out.* | sort -u | wc -l)
diag "$dups records delivered, $uniq distinct, $(cat "$T"/out.[0-9]* |
    awk '$1 <= 100000' | sort -u | wc -l) of run 0"

left=$(ls "$D" | grep -c 'seg-' || true)
is "$left" 0 "no segment left after the last run"

done_testing
