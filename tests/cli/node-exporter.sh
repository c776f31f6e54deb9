#!/bin/sh
# SPDX-License-Identifier: ISC
# Debian's prometheus-node-exporter, run as its user `prometheus', reads
# a live pipeline's status files with the recipe pipeflow(7) gives: a
# status directory of mode 0755 that the pipeline's user owns (the
# default 0700 one it cannot read: node_textfile_scrape_error 1).  The
# exporter listens on 127.0.0.1 on a free port with only the textfile
# collector; /metrics must say node_textfile_scrape_error 0 and carry
# the stage's families.  Skipped without node_exporter or bash.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

NE=
for c in prometheus-node-exporter node_exporter; do
	if command -v "$c" > /dev/null 2>&1; then
		NE=$(command -v "$c")
		break
	fi
done
[ -n "$NE" ] || skip_all "node_exporter is not installed"
command -v bash > /dev/null 2>&1 || skip_all "bash is not installed"

# As root the exporter runs as Debian's user for it, as the service
# does; otherwise as whoever runs the test.
as=
if [ "$(id -u)" = 0 ] && id prometheus > /dev/null 2>&1 &&
    command -v setpriv > /dev/null 2>&1; then
	as="setpriv --reuid=prometheus --regid=prometheus --clear-groups --"
	chmod 755 "$T"	# the scratch directory on the way to the status one
fi

# get PORT: GET /metrics from 127.0.0.1:PORT into $T/metrics
get() {
	bash -c 'exec 3<> "/dev/tcp/127.0.0.1/$1" || exit 1
	    printf "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
	    cat <&3' bash "$1" > "$T/metrics" 2> /dev/null &&
	    grep -q '^HTTP/1\.[01] 200' "$T/metrics"
}

# exporter DIR: start node_exporter on a free port over DIR; sets $ne
# (its pid) and $port
exporter() {
	for _try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		$as "$NE" --web.listen-address="127.0.0.1:$port" \
		    --collector.disable-defaults --collector.textfile \
		    --collector.textfile.directory="$1" \
		    > "$T/ne.log" 2>&1 &
		ne=$!
		if wait_until 10 get "$port"; then
			return 0
		fi
		kill "$ne" 2> /dev/null
		wait "$ne" 2> /dev/null
	done
	sed 's/^/# /' "$T/ne.log"
	return 1
}

# scrape_error: node_textfile_scrape_error in $T/metrics
scrape_error() {
	sed -n 's/^node_textfile_scrape_error \([0-9]*\).*/\1/p' "$T/metrics"
}

# A live stage: bqueue named "ne" reading a FIFO held open here.
# start DIR: run it publishing in DIR
start() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	PIPEFLOW_STATUS_DIR=$1 bqueue --name ne < "$T/fifo" > /dev/null &
	stage=$!
	exec 3> "$T/fifo"
	seq 1 1000 >&3
	wait_until 10 test -f "$1/ne.prom"
}
stop() {
	exec 3>&-
	wait "$stage"
}

# The recipe: a directory of mode 0755 that the pipeline's user owns.
mkdir -m 755 "$T/status"
start "$T/status"
ok $? "a live stage publishes $T/status/ne.prom"
exporter "$T/status"
ok $? "node_exporter serves /metrics${as:+ as user prometheus}"
# The stage rewrites its file every 250ms: scrape until it has all.
got_all() {
	get "$port" &&
	    grep -q '^pipeflow_records_in_total{stage="ne",tool="bqueue"} 1000$' \
	    "$T/metrics"
}
wait_until 10 got_all
ok $? "/metrics counts the 1000 records read"
is "$(scrape_error)" 0 "mode 0755 status directory: node_textfile_scrape_error 0"
# (The exporter sorts the labels.)
for m in pipeflow_records_in_total pipeflow_bytes_in_total \
    pipeflow_records_out_total pipeflow_pressure pipeflow_state \
    pipeflow_build_info; do
	grep -q "^$m{.*stage=\"ne\".*tool=\"bqueue\"" "$T/metrics"
	ok $? "/metrics has $m of the stage"
done
kill "$ne"
wait "$ne" 2> /dev/null
stop

# Without it: the default private directory (0700), which only its owner
# reads; another user's exporter cannot.
if [ -n "$as" ]; then
	start "$T/private"
	is "$(stat -c %a "$T/private")" 700 "the default status directory is 0700"
	exporter "$T/private"
	ok $? "node_exporter over the private directory"
	get "$port"
	is "$(scrape_error)" 1 \
	    "0700 directory, user prometheus: node_textfile_scrape_error 1"
	kill "$ne"
	wait "$ne" 2> /dev/null
	stop
else
	skip_n 4 "needs root to run node_exporter as another user"
fi

done_testing
