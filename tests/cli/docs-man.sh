#!/bin/sh
# SPDX-License-Identifier: ISC
# The man pages pass mandoc's linter with no warnings, lexgrog can read
# their NAME sections (lintian runs it), and each tool's page in section 1
# documents exactly the long options that `TOOL --help' lists.  A tool not
# built yet has that check skipped.
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

for man1 in "$top_srcdir"/man/*.1; do
	[ -f "$man1" ] || continue
	tool=${man1##*/}
	tool=${tool%.1}
	bin=$top_builddir/$tool
	if [ ! -x "$bin" ]; then
		skip="# SKIP $tool not built"
		ok 0 "$tool --help options documented in $tool.1 $skip"
		continue
	fi
	help=$("$bin" --help 2>&1)
	ok $? "$tool --help exits 0"
	printf '%s\n' "$help" | help_opts >"$T/help"
	[ -s "$T/help" ]
	ok $? "$tool --help lists long options"
	man_opts "$man1" >"$T/man"
	missing=$(comm -23 "$T/help" "$T/man" | tr '\n' ' ')
	is "$missing" "" "every option of $tool --help is in $tool.1"
	extra=$(comm -13 "$T/help" "$T/man" | tr '\n' ' ')
	is "$extra" "" "every option in $tool.1 is in $tool --help"
done

done_testing
