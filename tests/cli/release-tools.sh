#!/bin/sh
# SPDX-License-Identifier: ISC
# What every installed program owes a user and a packager, checked for
# each of bin_PROGRAMS: --version prints the name, the package and its
# version, then the copyright and license lines as coreutils prints them,
# with the copyright line LICENSE has; --help and a usage error fit in 80
# columns.
. "$top_srcdir/tests/lib/tap.sh"

[ -n "${PF_PROGRAMS:-}" ] || skip_all "PF_PROGRAMS not set (run by make check)"

copyright=$(sed -n 1p "$top_srcdir/LICENSE")
like "$copyright" "^Copyright \\(c\\) [0-9]{4} The pipeflow authors\$" \
    "LICENSE opens with a copyright line"

for prog in $PF_PROGRAMS; do
	bin=$top_builddir/$prog
	"$bin" --version > "$T/out" 2> "$T/err"
	is "$?:$(cat "$T/err")" 0: "$prog --version: exit 0, nothing on stderr"
	is "$(sed -n 1p "$T/out")" "$prog (pipeflow) $PF_VERSION" \
	    "$prog --version: name, package and version"
	is "$(sed -n 2p "$T/out")" "$copyright." \
	    "$prog --version: the copyright line of LICENSE"
	is "$(sed -n 3p "$T/out")" \
	    "License ISC: <https://spdx.org/licenses/ISC.html>." \
	    "$prog --version: the license"
	is "$(sed -n '4,$p' "$T/out")" "$(printf '%s\n%s' \
	    'This is free software: you are free to change and redistribute it.' \
	    'There is NO WARRANTY, to the extent permitted by law.')" \
	    "$prog --version: free software, no warranty"
	"$bin" -V > "$T/out2" 2>&1
	cmp -s "$T/out" "$T/out2"
	ok $? "$prog -V: the same"

	"$bin" --help > "$T/out" 2> "$T/err"
	is "$?:$(cat "$T/err")" 0: "$prog --help: exit 0, nothing on stderr"
	is "$(awk 'length > 80' "$T/out")" "" "$prog --help: within 80 columns"
	is "$(grep -c "	" "$T/out")" 0 "$prog --help: no tabs"
	"$bin" --no-such-option > "$T/out" 2> "$T/err" < /dev/null
	is "$?" 2 "$prog --no-such-option: exit 2"
	is "$(awk 'length > 80' "$T/err")" "" \
	    "$prog: the usage error within 80 columns"
done

# The year of every copyright line in the sources that carry one matches
# LICENSE's, so that a new year is not forgotten in one place.
is "$(sed -n 's/^Copyright (c) \([0-9]*\).*/\1/p' "$top_srcdir/LICENSE")" \
    "$(sed -n 's/.*PF_COPYRIGHT_YEARS\], \["\([0-9-]*\)"\].*/\1/p' \
    "$top_srcdir/configure.ac")" "LICENSE and --version give the same year"

# Where bugs go: configure's bug-report address is the one the package
# names as its maintainers and upstream contact.
bug=$(sed -n 's/^#define PACKAGE_BUGREPORT "\(.*\)"$/\1/p' "$top_builddir/config.h")
like "$bug" "^[^@ ]+@[^@ ]+\.[a-z]+\$" "configure has a bug-report address ($bug)"
grep -q "^Maintainer: .*<$bug>\$" "$top_srcdir/debian/control" &&
    grep -q "^Upstream-Contact: .*<$bug>\$" "$top_srcdir/debian/copyright"
ok $? "the same address is the package's maintainer and upstream contact"

done_testing
