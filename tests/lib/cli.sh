# SPDX-License-Identifier: ISC
# The pieces of a tool's CLI tests that every tool has: bad usage, a
# stage held by a stopped reader (for signals and counts), the lossless
# run under stalls with checksums, and waiting on a status file.  Source
# it after tap.sh and proc.sh.  Each function documents the variables it
# sets; the assertions stay in the tests, but for refused() (proc.sh) and
# refused_fifo() below, which are the assertions of a usage error.

# --- Bad usage ---------------------------------------------------------

# refused_fifo NAME TOOL ARGS...: TOOL ARGS FIFO, ARGS being a usage
# error and FIFO a FIFO nobody opens: the usage error wins, without
# waiting in open(2) for a writer.  Two assertions: it is gone within 5 s
# (else killed), and its exit status is 2.
refused_fifo() {
	_rf_name=$1
	shift
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	"$@" "$T/fifo" > "$T/out" 2> "$T/err" &
	_rf_pid=$!
	wait_until 5 gone $_rf_pid
	ok $? "$_rf_name: no wait for a writer"
	kill -KILL $_rf_pid 2>/dev/null
	wait $_rf_pid
	is $? 2 "$_rf_name: exit 2"
}

# --- Status files ------------------------------------------------------

# in_state STATE FILE: the status file FILE says the stage is in STATE
# (normal, constrained, saturated, recovery).
in_state() {
	grep -q "^pipeflow_state{.*state=\"$1\"} 1\$" "$2" 2>/dev/null
}

# metric_above NAME N FILE: metric NAME in FILE is a number above N.
metric_above() {
	_ma=$(metric "$1" "$3")
	[ -n "$_ma" ] && awk -v v="$_ma" -v n="$2" 'BEGIN { exit !(v > n) }'
}

# --- A stage held by a stopped reader ----------------------------------

# held SECONDS COND FEED TOOL ARGS...: the reader (cat into $T/out, its
# pid in $T/cpid) stopped at once; FEED (a function or program, no
# arguments; a function that execs its last command leaves no process
# behind when p is killed) writes the input; TOOL ARGS between them,
# with $T/st as status directory and stderr in $T/err.  Sets c, p and q
# to the pids of the reader, the feeder and the tool.  True once the
# reader is stopped and COND (a command) holds, within SECONDS each.
held() {
	_h_secs=$1
	_h_cond=$2
	_h_feed=$3
	shift 3
	rm -rf "$T/a" "$T/b" "$T/st" "$T/cpid" "$T/out"
	mkfifo "$T/a" "$T/b"
	sh -c 'echo $$ > "$0"; kill -STOP $$; exec cat' "$T/cpid" \
	    < "$T/b" > "$T/out" &
	c=$!
	"$_h_feed" > "$T/a" 2> /dev/null &
	p=$!
	PIPEFLOW_STATUS_DIR=$T/st "$@" < "$T/a" > "$T/b" 2> "$T/err" &
	q=$!
	wait_until "$_h_secs" is_stopped $c && wait_until "$_h_secs" $_h_cond
}

# release: continue the stopped reader of held().
release() {
	kill -CONT "$(cat "$T/cpid")" 2> /dev/null
}

# --- Lossless under stalls ---------------------------------------------

# mixed_input FILE RANDOM LONG RANDOM2 [SEQ]: input that every record
# rule is tried on: RANDOM bytes of binary, empty lines and NUL records,
# a line of LONG bytes, the numbers 1 to SEQ if given, RANDOM2 bytes of
# binary, and no final terminator.
mixed_input() {
	{
		head -c "$2" /dev/urandom
		printf '\n\n\n\0\0\0'
		head -c "$3" /dev/zero | tr '\0' x
		printf '\n\0\n\n'
		[ -n "${5:-}" ] && seq 1 "$5"
		head -c "$4" /dev/urandom
		printf '\n\n\0%s' "${6:-no final newline}"
	} > "$1"
}

# sha FILE: the SHA-256 of FILE, in hex.
sha() {
	sha256sum < "$1" | cut -d' ' -f1
}

# pauses SEED FILE: a list of pauses decided up front (awk's rand()),
# "WHICH MS" a line, for stopper() (proc.sh) on producer, tool, consumer.
pauses() {
	awk -v seed="$1" 'BEGIN { srand(seed); for (i = 0; i < 400; i++)
		printf "%d %d\n", int(rand() * 3), 2 + int(rand() * 25) }' \
	    > "$2"
}

# watchdog PID FILE [TENTHS]: kill PID if FILE stops growing for TENTHS
# tenths of a second (by default 50, 300 under valgrind) while PID lives,
# so that a hang fails instead of holding the suite; says so in $T/hung.
watchdog() {
	_wd_last=-1
	_wd_same=0
	_wd_max=${3:-$stall_patience}
	while kill -0 "$1" 2>/dev/null; do
		_wd_size=$({ wc -c < "$2"; } 2>/dev/null || echo 0)
		if [ "$_wd_size" = "$_wd_last" ]; then
			_wd_same=$((_wd_same + 1))
		else
			_wd_same=0
		fi
		_wd_last=$_wd_size
		if [ $_wd_same -ge "$_wd_max" ]; then
			echo "no output for $((_wd_max / 10))s after $_wd_size bytes" \
			    > "$T/hung"
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.1
	done
}
[ -n "${PF_VALGRIND:-}" ] && stall_patience=300 || stall_patience=50

# stalled SEED PAUSES TOOL ARGS...: $T/in through TOOL ARGS into $T/out,
# between a bursty producer and a bursty consumer (tests/lib/stallpipe,
# seeds SEED and SEED + 50, blocks and delays as $stall_in and $stall_out
# say), the three of them stopped and continued as the file PAUSES says
# (stopper(), proc.sh), and a watchdog on the output.  TOOL's stderr is
# in $T/err.  Sets rc to TOOL's exit status; a hang is said with diag.
stall_in="65536 10000"
stall_out="16384 10000"
stalled() {
	_st_seed=$1
	_st_pauses=$2
	shift 2
	rm -f "$T/a" "$T/b" "$T/out" "$T/hung"
	mkfifo "$T/a" "$T/b"
	stallpipe "$_st_seed" $stall_in < "$T/in" > "$T/a" &
	_st_p=$!
	"$@" < "$T/a" > "$T/b" 2> "$T/err" &
	_st_q=$!
	stallpipe $((_st_seed + 50)) $stall_out < "$T/b" > "$T/out" &
	_st_c=$!
	stopper "$_st_pauses" $_st_p $_st_q $_st_c &
	_st_s=$!
	watchdog $_st_q "$T/out" &
	_st_w=$!
	{ wait $_st_q; } 2> /dev/null
	rc=$?
	kill -CONT $_st_p $_st_c 2>/dev/null
	wait $_st_p $_st_c
	wait $_st_s
	wait $_st_w
	if [ -e "$T/hung" ]; then
		diag "$1 hung: $(cat "$T/hung"); killed"
	fi
}
