#!/bin/sh
# Replay the fuzz corpora through the fuzz targets built without libFuzzer,
# so that every make check (and the sanitizer build) runs them.
. "$top_srcdir/tests/lib/tap.sh"

# The targets are FUZZ_TARGETS of Makefile.am; each must have a corpus.
ok "$([ -n "${PF_FUZZ_TARGETS:-}" ]; echo $?)" "the fuzz targets are known"
for target in ${PF_FUZZ_TARGETS:-}; do
	bin=$top_builddir/tests/fuzz/$target-replay
	out=$("$bin" "$top_srcdir"/tests/fuzz/corpus/$target/* 2>&1)
	ok $? "$target: the corpus replays without a crash"
	n=$(printf '%s\n' "$out" | grep -c '^ok ')
	total=$(ls "$top_srcdir"/tests/fuzz/corpus/$target | wc -l)
	is "$n" "$total" "$target: every corpus file ran"
done
done_testing
