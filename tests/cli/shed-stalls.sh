#!/bin/sh
# SPDX-License-Identifier: ISC
# A random stream through shed while the consumer is stopped and
# continued at random, now and then for longer than shed waits before it
# finds it behind: every priority 0 record arrives, delivered records
# keep their input order, the zstd dead-letter file read back by
# `spill --drain' holds exactly the shed records, and the counts add up:
# at exit (received = delivered + dropped), by priority, and in every
# status file sampled on the way (dropped by priority = dropped by
# reason, received >= delivered + dropped).  --fail-on-drop exits 4.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
command -v zstd > /dev/null 2>&1 || skip_all "zstd is not installed"

awk 'BEGIN { srand(11); for (i = 0; i < 60000; i++)
	printf "%d %07d %s\n", int(rand() * 10), i, "0123456789abcdefghijklmnopqrstuvwxyz0123456789" }' \
    > "$T/in"
awk 'BEGIN { srand(5); for (i = 0; i < 300; i++)
	printf "0 %d\n", 5 + int(rand() * 60) }' > "$T/pauses"

mkdir -m 700 "$T/st"
mkfifo "$T/a" "$T/b"
stallpipe 1 8192 3000 < "$T/in" > "$T/a" &
p=$!
PIPEFLOW_STATUS_DIR=$T/st shed -v -p 1 --buffer 64K --name s \
    --dead-letter "$T/dl.zst" --fail-on-drop < "$T/a" > "$T/b" 2> "$T/err" &
q=$!
stallpipe 2 4096 2000 < "$T/b" > "$T/out" &
c=$!
stopper "$T/pauses" $c &
s=$!
# Sample the status file while it runs.
n=0
bad=0
while alive $q && [ $n -lt 400 ]; do
	if cp "$T/st/s.prom" "$T/snap" 2> /dev/null; then
		awk '
		/^pipeflow_records_in_total/ { i = $2 }
		/^pipeflow_records_out_total/ { o = $2 }
		/^pipeflow_records_dropped_total/ { d += $2 }
		/^pipeflow_shed_dropped_total/ { sp += $2 }
		END { exit !(d == sp && i >= o + d) }' "$T/snap" || bad=$((bad + 1))
		n=$((n + 1))
	fi
	# Now and then a stop long enough for shed to find it behind.
	case $n in
	5|15|25) kill -STOP $c; sleep 0.3; kill -CONT $c ;;
	esac
	sleep 0.02
done
wait $q
rc=$?
wait $p $c $s
diag "$n status files sampled"
is "$bad" 0 "every status file: by priority = by reason, received >= delivered + dropped"
ok $([ $n -gt 0 ]; echo $?) "status files were sampled"

spill --drain "$T/dl.zst" > "$T/dl" 2> "$T/drainerr"
is "$?" 0 "spill --drain reads the dead-letter file"
nin=$(wc -l < "$T/in" | tr -d ' ')
nout=$(wc -l < "$T/out" | tr -d ' ')
ndl=$(wc -l < "$T/dl" | tr -d ' ')
diag "received $nin, delivered $nout, shed $ndl"
is "$((nout + ndl))" "$nin" "delivered + shed = received"
is "$(sort "$T/out" "$T/dl" | cksum)" "$(sort "$T/in" | cksum)" \
    "delivered and dead-lettered records are the input, byte for byte"
is "$(cut -d' ' -f2 "$T/out" | sort -c 2>&1; echo $?)" 0 \
    "delivered records keep their input order"
is "$(grep -c '^0 ' "$T/out")" "$(grep -c '^0 ' "$T/in")" \
    "every priority 0 record arrives"
is "$(grep -c '^0 ' "$T/dl")" 0 "no priority 0 record is in the dead letters"
like "$(cat "$T/err")" "done: $nin records in, $nout out, $ndl dropped, 0 buffered" \
    "-v: received = delivered + dropped at exit"
want=$(cut -c1 "$T/dl" | sort | uniq -c | awk '{ printf " p%d=%d", $2, $1 }')
is "$(sed -n 's/^shed s: shed by full: [0-9]*//p' "$T/err")" "$want" \
    "the exit summary counts by priority"
if [ "$ndl" -gt 0 ]; then
	is "$rc" 4 "--fail-on-drop: exit 4 after drops"
else
	is "$rc" 0 "--fail-on-drop: nothing dropped, exit 0 # SKIP nothing shed"
fi
[ -e "$T/st/s.prom" ]
ok $((! $?)) "the status file is gone at exit"

# NUL-terminated records with newlines inside, shed the same way.
awk 'BEGIN { srand(9); for (i = 0; i < 20000; i++)
	printf "%d line\nwith newline %06d %s%c", int(rand() * 10), i,
	    "0123456789012345678901234567890123456789", 0 }' > "$T/inz"
rm -f "$T/dlz"
shed -z -p 1 --buffer 16K --dead-letter "$T/dlz" < "$T/inz" 2> "$T/err" |
    { sleep 1; cat; } > "$T/outz"
nz=$(tr -cd '\0' < "$T/dlz" | wc -c | tr -d ' ')
ok $([ "$nz" -gt 0 ]; echo $?) "-z: records shed ($nz)"
is "$(cat "$T/outz" "$T/dlz" | tr '\0\n' '\n ' | sort | cksum)" \
    "$(tr '\0\n' '\n ' < "$T/inz" | sort | cksum)" \
    "-z: delivered and shed records are the input, whole"
is "$(tr '\0\n' '\n ' < "$T/dlz" | grep -c '^0 ')" 0 "-z: no priority 0 shed"

done_testing
