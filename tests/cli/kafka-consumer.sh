#!/bin/sh
# SPDX-License-Identifier: ISC
# The consumer side of pipeflow(7)'s Kafka recipe:
#   kcat -C -G GROUP ... raw | coalesce -k .id | throttle -r RATE | load
# The topic holds many updates of a few hundred ids; the loader is held to
# RATE by throttle, so coalesce is backed up and keeps each id's latest.
# The loader gets every id's latest value, at no more than RATE; the
# group's committed offsets advance to the end, so a second run of the
# group gets nothing, and after more records only those.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"
. "$top_srcdir/tests/lib/kafka.sh"

RATE=2000
N=30000
KEYS=300
# Records of about 200 bytes, so that the pipes between the stages hold
# only a few thousand and coalesce has work to do.
awk -v n=$N -v k=$KEYS 'BEGIN { srand(3); pad = sprintf("%180s", "");
	gsub(/ /, "x", pad)
	for (i = 1; i <= n; i++)
		printf "{\"id\":%d,\"v\":%d,\"pad\":\"%s\"}\n", int(rand() * k), i, pad
}' > "$T/in"
# Each id's last value, sorted by id.
awk -F'[:,]' '{ last[$2] = $4 } END { for (id in last) print id, last[id] }' \
    "$T/in" | sort -n > "$T/want"

kafka_start raw:1
# shellcheck disable=SC2086
kcat -P -b "$kafka" -t raw $KCAT_PRODUCE < "$T/in" 2> "$T/kcat-p.err"
is "$?" 0 "the records are published"

# consume GROUP: the group's consumer, ending at the end of the topic.
consume() {
	timeout 90 kcat -C -q -b "$kafka" -G "$1" -e -f '%s\n' \
	    -X auto.offset.reset=earliest -X enable.auto.commit=true \
	    -X auto.commit.interval.ms=200 raw 2> "$T/kcat-c.err"
}

# The loader: ratemeter (from throttle's tests) times what it reads on
# the monotonic clock and copies it.
consume etl | coalesce -k .id -v 2> "$T/coalesce.err" |
    throttle -r $RATE/s 2> "$T/throttle.err" |
    ratemeter -d 1000 > "$T/out" 2> "$T/meter"
is "$?" 0 "the pipeline exits 0"
n=$(wc -l < "$T/out" | tr -d ' ')
diag "the loader got $n of $N records"

# The latest value of each id, as the loader saw it last.
awk -F'[:,]' '{ last[$2] = $4 }
    END { for (id in last) print id, last[id] }' "$T/out" | sort -n > "$T/got"
cmp -s "$T/want" "$T/got"
ok $? "the loader got every id's latest value"
[ "$n" -lt $N ]
ok $? "coalesce collapsed what was superseded while the loader was behind"
like "$(cat "$T/coalesce.err")" "coalesced [1-9][0-9]*|[1-9][0-9]* coalesced" \
    "coalesce counts what it collapsed"

# The rate, from the loader's clock: what came after the first read, over
# the time from the first read to the last, no more than RATE, and not far
# below it (a loose bound); no second much more than RATE.
diag "ratemeter: $(cat "$T/meter")"
set -- $(cat "$T/meter")
# records N bytes B seconds S maxrecords R maxbytes X first F FB
rate=$(awk -v n="$2" -v s="$6" -v f="${12}" \
    'BEGIN { if (s <= 0) s = 0.001; printf "%d", (n - f) / s }')
diag "the loader's rate: $rate records/s (limit $RATE)"
[ "$rate" -le $((RATE * 105 / 100)) ] && [ "$rate" -ge $((RATE / 2)) ]
ok $? "throttle holds the rate"
[ "$8" -le $((RATE * 13 / 10)) ]
ok $? "no second carries much more than the rate ($8)"

# The group's offsets were committed: a second run gets nothing...
sleep 1
consume etl > "$T/again"
is "$(wc -l < "$T/again" | tr -d ' ')" 0 \
    "the group's committed offsets are at the end: a second run gets nothing"
# ...and after three more records, exactly those.
printf '{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n{"id":1,"v":"c"}\n' |
    kcat -P -b "$kafka" -t raw 2> /dev/null
consume etl > "$T/more"
is "$(cat "$T/more" | tr '\n' ' ')" \
    '{"id":1,"v":"a"} {"id":2,"v":"b"} {"id":1,"v":"c"} ' \
    "a third run gets only what was published since"
kafka_stop
done_testing
