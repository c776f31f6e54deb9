#!/bin/sh
# SPDX-License-Identifier: ISC
# JSON keys (-k .path) are compared as written: strings with escapes,
# numbers by their literal text, nested paths.  Records that lack the
# field, or are not JSON at all, are never collapsed: they keep their
# place and are counted.
. "$top_srcdir/tests/lib/tap.sh"

cat > "$T/in" << 'EOF2'
{"id":"a\"b","v":1}
{"id":"a\u0062","v":2}
{"id":"ab","v":3}
{"id":12,"v":4}
{"d":{"id":"x"},"v":5}
{"id":"a\"b","v":6}
{"v":7}
not json at all
{"id":12.0,"v":8}
{"id":12,"v":9}
{"id":"ab" ,"v":10}
{"id":[1],"v":11}
{"id":"unterminated
EOF2
cat > "$T/want" << 'EOF2'
{"id":"a\"b","v":6}
{"id":"a\u0062","v":2}
{"id":"ab" ,"v":10}
{"id":12,"v":9}
{"d":{"id":"x"},"v":5}
{"v":7}
not json at all
{"id":12.0,"v":8}
{"id":[1],"v":11}
{"id":"unterminated
EOF2
coalesce -k .id --window 1h -v < "$T/in" > "$T/out" 2> "$T/err"
is "$?" 0 "exit 0"
cmp -s "$T/out" "$T/want"
ok $? "keys as written, latest wins, records without the key in place"
[ $? -eq 0 ] || diff "$T/want" "$T/out" | sed 's/^/# /'
like "$(cat "$T/err")" "3 records coalesced; at most 10 held; 5 without the key" \
    "-v: 3 coalesced, 5 without the key"

printf '%s\n' '{"d":{"id":"x"},"v":1}' '{"d":{"id":"y"},"v":2}' \
    '{"d":{"id":"x"},"v":3}' '{"d":{"e":{"id":"x"}},"v":4}' \
    '{"d":{"id":"x","id":"z"},"v":5}' > "$T/in"
printf '%s\n' '{"d":{"id":"x","id":"z"},"v":5}' '{"d":{"id":"y"},"v":2}' \
    '{"d":{"e":{"id":"x"}},"v":4}' > "$T/want"
coalesce -k .d.id --window 1h < "$T/in" | cmp -s - "$T/want"
ok $? "nested path .d.id; of duplicate names the first counts"

# A stream of quotes, against an awk oracle on the same keys (and jq).
awk 'BEGIN { srand(3); for (i = 1; i <= 50000; i++)
	printf "{\"seq\":%d,\"sym\":\"s%d\",\"px\":%d}\n", i,
	    int(rand() * 500), int(rand() * 1000) }' > "$T/in"
coalesce -k .sym --window 1h < "$T/in" > "$T/out"
awk -F'"sym":"' '{ split($2, a, "\""); k = a[1]
	if (!(k in s)) { s[k] = n + 0; o[n++] = $0 } else o[s[k]] = $0 }
	END { for (i = 0; i < n; i++) print o[i] }' "$T/in" > "$T/want"
cmp -s "$T/out" "$T/want"
ok $? "NDJSON quotes by .sym: one per symbol, the latest, first-arrival order"
if command -v jq > /dev/null 2>&1; then
	jq -c -s 'group_by(.sym) | map(last) | sort_by(.seq) | .[]' "$T/in" \
	    > "$T/jq"
	sort "$T/jq" | cmp -s - "$(sort "$T/out" > "$T/outs"; echo "$T/outs")"
	ok $? "the same records as jq's group_by(.sym) | map(last)"
else
	ok 0 "the same records as jq # SKIP jq is not installed"
fi

done_testing
