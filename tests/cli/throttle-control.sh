#!/bin/sh
# SPDX-License-Identifier: ISC
# --control FILE: read at start, reread on SIGHUP.  A raised and a
# lowered rate apply at once (the status file shows the new rate and the
# records that follow come at it, a lowered one within one burst); a bad
# file is reported and changes nothing; without --control SIGHUP ends
# the process as usual.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/stat ] || skip_all "needs /proc"
mkdir -m 700 "$T/st"
metric_file=$T/st/ctl.prom

rate() {
	sed -n 's/^pipeflow_throttle_rate{.*unit="records"} //p' \
	    "$metric_file" 2>/dev/null
}
out() {
	sed -n 's/^pipeflow_records_out_total{[^}]*} //p' "$metric_file" \
	    2>/dev/null
}

seq 1 100000 > "$T/in"
# The file overrides the command line at start: 200/s, not 50k/s.
printf '# the nightly rate\n-r 200/s   # per second\n' > "$T/ctl"
rm -f "$T/fifo"
mkfifo "$T/fifo"
PIPEFLOW_STATUS_DIR=$T/st throttle -r 50k/s --control "$T/ctl" \
    --name ctl -v "$T/in" > "$T/fifo" 2> "$T/err" &
p=$!
ratemeter 100 < "$T/fifo" > "$T/m" &
m=$!
wait_until 5 sh -c "[ -s '$metric_file' ]"
is "$(rate)" 200 "the control file's rate applies at start"

# A bad file changes nothing.
printf -- '-r 1M/s\n--burst never\n' > "$T/ctl"
kill -HUP $p
wait_until 5 grep -q "burst never" "$T/err"
ok $? "a bad control file is reported"
like "$(grep 'burst never' "$T/err")" \
    "--control: .*ctl: --burst never: invalid duration: the rates stay as they were" \
    "the message names the file, the option and the value"
sleep 0.3
is "$(rate)" 200 "a bad control file leaves the rate as it was"
alive $p
ok $? "a bad control file does not end the process"

# Raised, then lowered, as the status file shows.
printf -- '--rate=20k/s\n' > "$T/ctl"
kill -HUP $p
wait_until 5 sh -c '[ "$(sed -n "s/^pipeflow_throttle_rate{.*unit=\"records\"} //p" "$0")" = 20000 ]' "$metric_file"
ok $? "SIGHUP: a raised rate applies"
sleep 1
printf -- '-r 100/s --burst 100ms\n' > "$T/ctl"
kill -HUP $p
wait_until 5 sh -c '[ "$(sed -n "s/^pipeflow_throttle_rate{.*unit=\"records\"} //p" "$0")" = 100 ]' "$metric_file"
ok $? "SIGHUP: a lowered rate applies"
# Over the next second, 100 records and at most one burst of 10 more
# (the status file is up to 250ms behind at each end: 50 to 135).
sleep 0.5
a=$(out)
sleep 1
b=$(out)
diag "records out over 1s after the lowered rate: $((b - a))"
ok "$([ $((b - a)) -ge 50 ] && [ $((b - a)) -le 135 ]; echo $?)" \
    "the lowered rate holds within a burst ($((b - a)) in 1s)"
# SIGTERM delivers what was read at the rate; a second one ends it.
kill $p
sleep 0.3
alive $p
ok $? "SIGTERM: what was read goes on at the rate"
kill $p
wait $p
is "$?" 143 "a second SIGTERM: exit 143 at once"
wait $m
like "$(cat "$T/err")" "record rate now 20000/s" "-v reports the change"

# Without --control, SIGHUP ends it, unless it was ignored when throttle
# started (under nohup(1), say), as for any program.
if [ $((0x$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status 2> /dev/null ||
    echo 0) & 1)) -eq 1 ]; then
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP SIGHUP is ignored here (nohup), and so by throttle"
else
	throttle -r 10/s "$T/in" > /dev/null 2>&1 &
	p=$!
	sleep 0.3
	kill -HUP $p
	wait_until 5 sh -c "! kill -0 $p 2> /dev/null" || kill -9 $p
	wait $p
	is "$?" 129 "without --control SIGHUP ends the process (129)"
fi

done_testing
