#!/bin/sh
# SPDX-License-Identifier: ISC
# With the consumer stalled the whole time input arrives, shed keeps what
# a reference model of the policy keeps: the records the queue took
# before the first was held, then, in a store of --buffer-records, the
# most important, shedding the least important and, among equals, the
# oldest (or the arriving record itself when it is less important than
# everything held).  Priority 0 is never shed; the dead-letter file holds
# exactly the shed records; delivered records keep their input order; the
# counts by priority at exit add up.
. "$top_srcdir/tests/lib/tap.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) ||
    skip_all "python3 is not installed"

pad=$(head -c 900 /dev/zero | tr '\0' p)
for seed in 1 2 3; do
	awk -v seed=$seed -v pad="$pad" 'BEGIN { srand(seed)
	    for (i = 0; i < 1500; i++) {
		r = rand(); p = r < 0.02 ? 0 : 1 + int(rand() * 9)
		printf "{\"n\":%d,\"prio\":%d,\"pad\":\"%s\"}\n", i, p, pad
	    } }' > "$T/in"
	rm -f "$T/dl"
	# The reader sleeps until shed has read everything.
	shed -v -p .prio --buffer-records 40 --dead-letter "$T/dl" \
	    < "$T/in" 2> "$T/err" | { sleep 1; cat; } > "$T/out"
	sed 's/.*"prio":\([0-9]\).*/\1/' "$T/in" > "$T/prios"
	"$PY" "$top_srcdir/tests/lib/shedmodel.py" "$T/in" "$T/out" "$T/dl" \
	    40 "$T/prios" > "$T/res" 2>&1
	is "$(sed -n 's/^order //p' "$T/res")" ok "seed $seed: delivered in input order"
	is "$(sed -n 's/^p0shed //p' "$T/res")" 0 "seed $seed: no priority 0 shed"
	is "$(sed -n 's/^split //p' "$T/res")" ok \
	    "seed $seed: delivered and dead-lettered are the input, once each"
	is "$(sed -n 's/^model //p' "$T/res")" ok \
	    "seed $seed: what was kept is what the reference model keeps"
	want=$(awk '$1 == "count" && $3 > 0 { printf " p%d=%d", $2, $3 }' "$T/res")
	got=$(sed -n 's/^shed: shed by full: [0-9]*//p' "$T/err")
	is "$got" "$want" "seed $seed: the exit summary counts by priority"
	like "$(cat "$T/err")" "records in, [0-9]+ out" "seed $seed: -v summary"
done

done_testing
