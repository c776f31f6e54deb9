# SPDX-License-Identifier: ISC
# The Kafka recipes' tests: a mock cluster (tests/lib/kafkamock, built when
# librdkafka is there) and Debian's kcat.  Source it after tap.sh and
# proc.sh; it skips the whole test when either is missing.

command -v kafkamock > /dev/null 2>&1 ||
    skip_all "no tests/lib/kafkamock (configure found no librdkafka-dev)"
command -v kcat > /dev/null 2>&1 || skip_all "no kcat"

# The producer as the recipes run it: -E, so that kcat rides out an
# outage instead of ending at "all broker connections are down";
# idempotent, so that retries after an outage neither reorder nor
# duplicate; a small queue, so that an outage reaches back into the pipe
# soon instead of after 100000 records; a quick reconnect.
KCAT_PRODUCE="-E -X enable.idempotence=true -X queue.buffering.max.messages=1000 -X reconnect.backoff.max.ms=500 -X message.timeout.ms=90000"

# kafka_start TOPIC[:PARTITIONS]...: start the cluster; sets $kafka (the
# bootstrap address) and $kafka_pid.  The cluster ends itself after two
# minutes if the test dies.
kafka_start() {
	_kargs=
	for _t in "$@"; do
		_kargs="$_kargs -t $_t"
	done
	# shellcheck disable=SC2086
	kafkamock -l 120 -a "$T/kafka.addr" $_kargs > /dev/null \
	    2> "$T/kafka.log" &
	kafka_pid=$!
	wait_until 10 test -s "$T/kafka.addr" || {
		cat "$T/kafka.log" >&2
		skip_all "the mock cluster did not start"
	}
	kafka=$(cat "$T/kafka.addr")
}

kafka_down() {
	kill -USR1 "$kafka_pid"
}

kafka_up() {
	kill -USR2 "$kafka_pid"
}

kafka_stop() {
	kill "$kafka_pid" 2>/dev/null
	wait "$kafka_pid" 2>/dev/null
}

# kafka_consume TOPIC FILE: everything TOPIC holds, one message per line.
# The mock cluster keeps a bounded log per partition and forgets the
# oldest messages beyond it (a few hundred thousand short ones): the tests
# stay well below, and a log that no longer starts at offset 0 ends the
# test instead of passing for lost data.
kafka_consume() {
	timeout 60 kcat -C -b "$kafka" -t "$1" -o beginning -e -q \
	    -f '%o %s\n' > "$2.o" 2> "$T/kcat-consume.err"
	_first=$(head -n 1 "$2.o" | cut -d' ' -f1)
	if [ -s "$2.o" ] && [ "$_first" != 0 ]; then
		echo "Bail out! the mock cluster dropped the log before $_first"
		exit 1
	fi
	cut -d' ' -f2- "$2.o" > "$2"
}
