# SPDX-License-Identifier: ISC
# Helpers shared by the shell tests that watch processes through /proc,
# poll for conditions and read status files.  Source it after tap.sh.

# wait_until SECONDS CMD...: true as soon as CMD is, false after SECONDS.
wait_until() {
	_n=$(($1 * 20))
	shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

# pstate PID: the state letter of PID from /proc/PID/stat, empty if none.
pstate() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1
}

# is_stopped PID: PID is stopped (state T).
is_stopped() {
	[ "$(pstate "$1")" = T ]
}

# alive PID: PID is running, not gone nor a zombie waiting to be reaped.
alive() {
	_s=$(pstate "$1")
	[ -n "$_s" ] && [ "$_s" != Z ]
}

# gone PID: PID has exited (or is a zombie waiting to be reaped).
gone() {
	! alive "$1"
}

# blocked_in PID WORD: /proc/PID/wchan names WORD (poll, wait_for_partner).
blocked_in() {
	grep -q "$2" "/proc/$1/wchan" 2>/dev/null
}

# metric NAME [FILE]: the value of NAME in FILE, by default $metric_file.
metric() {
	sed -n "s/^$1{[^}]*} //p" "${2:-$metric_file}" 2>/dev/null
}

# now: seconds since the epoch, to the millisecond (date +%N is GNU).
now() {
	date +%s.%N | cut -c1-14
}

# refused TOOL NAME ERE ARGS...: TOOL ARGS, reading $T/in, is a usage
# error: exit 2, a first line naming the problem (matching ERE), the Try
# line, nothing else on stderr, nothing on stdout, no input consumed.
refused() {
	_tool=$1
	_name=$2
	_ere=$3
	shift 3
	{
		PIPEFLOW_STATUS_DIR=$T/st "$_tool" "$@" > "$T/out" 2> "$T/err"
		echo $? > "$T/rc"
		cat > "$T/rest"
	} < "$T/in"
	is "$(cat "$T/rc")" 2 "$_name: exit 2"
	# getopt(3) names the program as invoked: allow a directory
	like "$(head -n 1 "$T/err")" "^(.*/)?$_tool: .*$_ere" \
	    "$_name: the message names the option"
	is "$(sed -n 2p "$T/err")" \
	    "Try '$_tool --help' for more information." \
	    "$_name: the Try line"
	is "$(wc -l < "$T/err" | tr -d ' ')" 2 "$_name: two lines on stderr"
	is "$(wc -c < "$T/out" | tr -d ' ')" 0 "$_name: nothing on stdout"
	cmp -s "$T/in" "$T/rest"
	ok $? "$_name: no input consumed"
}

# stopper PAUSES PID...: for each line "WHICH MS" of the file PAUSES, stop
# the WHICH-th PID (from 0) for MS milliseconds and continue it, until the
# last PID (the consumer) has exited; then continue them all.
stopper() {
	_stop_pauses=$1
	shift
	eval "_stop_last=\${$#}"
	while read -r which ms; do
		eval "pid=\${$((which + 1))}"
		kill -0 "$_stop_last" 2>/dev/null || break
		kill -STOP "$pid" 2>/dev/null
		sleep "0.0$(printf '%02d' "$ms")"
		kill -CONT "$pid" 2>/dev/null
		sleep 0.005
	done < "$_stop_pauses"
	kill -CONT "$@" 2>/dev/null
}

# random_port TRY: a port from 20000 to 59999 to try binding on 127.0.0.1,
# another for each TRY (and each test process).
random_port() {
	awk -v s="$$$1" 'BEGIN { srand(s); print 20000 + int(rand() * 40000) }'
}
