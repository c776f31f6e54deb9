#!/bin/sh
# Replay the fuzz corpora through the fuzz targets built without libFuzzer,
# so that every make check (and the sanitizer build) runs them.
. "$top_srcdir/tests/lib/tap.sh"

for target in field parse queue segment statusread; do
	bin=$top_builddir/tests/fuzz/$target-replay
	out=$("$bin" "$top_srcdir"/tests/fuzz/corpus/$target/* 2>&1)
	ok $? "$target: the corpus replays without a crash"
	n=$(printf '%s\n' "$out" | grep -c '^ok ')
	total=$(ls "$top_srcdir"/tests/fuzz/corpus/$target | wc -l)
	is "$n" "$total" "$target: every corpus file ran"
done
done_testing
