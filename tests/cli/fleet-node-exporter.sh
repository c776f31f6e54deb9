#!/bin/sh
# SPDX-License-Identifier: ISC
# The fleet view of pipeflow(7): node_exporter's textfile collector over
# the status directory of two running pipelines (four stages) serves every
# stage's families without a scrape error, the scrape is valid exposition
# text, and the recording rules in contrib/prometheus answer "which stage
# is saturated" and "how far behind is spill" right on what was scraped.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

ne=$(command -v prometheus-node-exporter || command -v node_exporter) ||
    skip_all "no node_exporter (Debian's prometheus-node-exporter)"
if command -v curl > /dev/null 2>&1; then
	FETCH="curl -sf"
elif command -v wget > /dev/null 2>&1; then
	FETCH="wget -q -O -"
else
	skip_all "no curl or wget to scrape with"
fi

mkdir "$T/st"
export PIPEFLOW_STATUS_DIR="$T/st"
seq 1 5000000 | bqueue -m 64K --name extract --status-interval 100ms |
    spill -m 64K --name spool -d "$T/spool" --status-interval 100ms |
    lagwatch --name meter -q --status-interval 100ms |
    stallpipe 1 1024 20000 > /dev/null 2>&1 &
pipeline=$!
# A second pipeline on the host, shedding behind its slow consumer.
seq 1 5000000 | shed -p 1 --name shedder -q --status-interval 100ms |
    stallpipe 2 1024 20000 > /dev/null 2>&1 &
pipeline2=$!
wait_until 10 sh -c "test -s '$T/st/spool.prom' && test -s '$T/st/meter.prom' &&
    test -s '$T/st/shedder.prom'"
ok $? "the stages publish their status"

started=
for try in 1 2 3 4 5 6 7 8; do
	port=$(random_port "$try")
	"$ne" --web.listen-address="127.0.0.1:$port" \
	    --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$T/st" 2> "$T/ne.log" &
	ne_pid=$!
	if wait_until 5 sh -c \
	    "$FETCH http://127.0.0.1:$port/metrics > '$T/scrape'"; then
		started=1
		break
	fi
	kill "$ne_pid" 2> /dev/null
	wait "$ne_pid" 2> /dev/null
done
[ -n "$started" ] || skip_all "node_exporter did not start on 127.0.0.1"
trap 'kill $ne_pid 2>/dev/null; rm -rf "$T"' EXIT
sleep 1
$FETCH "http://127.0.0.1:$port/metrics" > "$T/scrape"
ok $? "node_exporter serves the status directory"

is "$(sed -n 's/^node_textfile_scrape_error //p' "$T/scrape")" 0 \
    "the textfile collector reads every status file without error"
for s in spool shedder meter; do
	n=$(grep -c "^pipeflow_[a-z_]*{stage=\"$s\"" "$T/scrape")
	[ "$n" -ge 20 ]
	ok $? "stage $s: $n pipeflow samples scraped"
done
for f in records_in_total records_out_total state pressure \
    oldest_age_seconds updated_timestamp_seconds; do
	grep -q "^# TYPE pipeflow_$f " "$T/scrape"
	ok $? "family pipeflow_$f"
done
grep -q '^pipeflow_spill_disk_records{stage="spool"' "$T/scrape"
ok $? "spill's own families"
grep -q '^pipeflow_shed_dropped_total{priority="9",reason="[a-z]*",stage="shedder"' \
    "$T/scrape"
ok $? "shed's drops by priority and reason"

if ! command -v promtool > /dev/null 2>&1; then
	echo "ok $((_tap_n + 1)) # SKIP no promtool (Debian's prometheus)"
	_tap_n=$((_tap_n + 1))
	kill $pipeline $pipeline2 2>/dev/null
	done_testing
fi
kill -STOP $pipeline $pipeline2
grep -E '^(# (HELP|TYPE) )?pipeflow_' "$T/scrape" |
    promtool check metrics > "$T/lint" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/lint"
ok $rc "promtool check metrics: the scrape is valid"
rules=$top_srcdir/contrib/prometheus/pipeflow.rules.yml
promtool check rules "$rules" > "$T/rules.out" 2>&1
ok $? "promtool check rules: the recording rules are valid"

# The rules on what was scraped: the scraped samples as a constant series,
# and what the rules must say of them.
{
	echo "rule_files: ['$rules']"
	echo "evaluation_interval: 1m"
	echo "tests:"
	echo "  - interval: 1m"
	echo "    input_series:"
	grep -E '^pipeflow_(state|spill_disk_records)\{' "$T/scrape" |
	    while read -r series value; do
		printf "      - series: '%s'\n        values: '%s %s %s'\n" \
		    "$series" "$value" "$value" "$value"
	done
	echo "    promql_expr_test:"
	echo "      - expr: pipeflow:saturated"
	echo "        eval_time: 2m"
	echo "        exp_samples:"
	grep '^pipeflow_state{.*state="saturated".*} 1$' "$T/scrape" |
	    while read -r series value; do
		labels=$(echo "$series" | sed 's/^pipeflow_state//')
		printf "          - labels: 'pipeflow:saturated%s'\n            value: 1\n" \
		    "$labels"
	done
	echo "      - expr: pipeflow:spill_backlog_records"
	echo "        eval_time: 2m"
	echo "        exp_samples:"
	grep '^pipeflow_spill_disk_records{' "$T/scrape" |
	    while read -r series value; do
		labels=$(echo "$series" | sed 's/^pipeflow_spill_disk_records//')
		printf "          - labels: 'pipeflow:spill_backlog_records%s'\n            value: %s\n" \
		    "$labels" "$value"
	done
} > "$T/rules-test.yml"
sat=$(grep -c '^pipeflow_state{.*state="saturated".*} 1$' "$T/scrape")
diag "saturated stages scraped: $sat"
[ "$sat" -ge 1 ]
ok $? "at least one stage is saturated behind the slow loader"
promtool test rules "$T/rules-test.yml" > "$T/rules-test.out" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$T/rules-test.out"
ok $rc "the recording rules name the saturated stages and spill's backlog"
kill -CONT $pipeline $pipeline2 2>/dev/null
kill $pipeline $pipeline2 2>/dev/null
done_testing
