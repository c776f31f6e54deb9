#!/bin/sh
# SPDX-License-Identifier: ISC
# The man pages pass mandoc's linter with no warnings, lexgrog can read
# their NAME sections (lintian runs it), and bqueue.1 documents exactly the
# long options that `bqueue --help' lists.
. "$top_srcdir/tests/lib/tap.sh"

command -v mandoc >/dev/null 2>&1 || skip_all "mandoc is not installed"

pages=
for f in "$top_srcdir"/man/*.[0-9]; do
	[ -f "$f" ] && pages="$pages $f"
done
[ -n "$pages" ]
ok $? "man pages found in man/"

for f in $pages; do
	name=${f##*/}
	out=$(mandoc -T lint -W warning "$f" 2>&1)
	ok $? "$name: mandoc -T lint -W warning exits 0"
	is "$out" "" "$name: mandoc -T lint -W warning prints nothing"
done

for f in $pages; do
	name=${f##*/}
	if command -v lexgrog >/dev/null 2>&1; then
		out=$(lexgrog "$f" 2>&1)
		like "$out" ": \"${name%.*} - .+\"\$" \
		    "$name: lexgrog parses the NAME section"
	else
		ok 0 "$name: lexgrog parses the NAME section # SKIP no lexgrog"
	fi
done

# Long options named in a text, one per line, sorted: `--on-full=POLICY'
# and `Fl -on-full' both give `on-full'.
help_opts() {
	grep -oE -- '--[a-z][a-z0-9-]*' | sed 's/^--//' | sort -u
}
man_opts() {
	grep -oE -- 'Fl -[a-z][a-z0-9-]*' "$1" | sed 's/^Fl -//' | sort -u
}

bq=$top_builddir/bqueue
man1=$top_srcdir/man/bqueue.1
if [ -x "$bq" ]; then
	help=$("$bq" --help 2>&1)
	ok $? "bqueue --help exits 0"
	printf '%s\n' "$help" | help_opts >"$T/help"
	[ -s "$T/help" ]
	ok $? "bqueue --help lists long options"
	man_opts "$man1" >"$T/man"
	missing=$(comm -23 "$T/help" "$T/man" | tr '\n' ' ')
	is "$missing" "" "every option of bqueue --help is in bqueue.1"
	extra=$(comm -13 "$T/help" "$T/man" | tr '\n' ' ')
	is "$extra" "" "every option in bqueue.1 is in bqueue --help"
else
	ok 0 "bqueue --help options documented in bqueue.1 # SKIP bqueue not built"
fi

done_testing
