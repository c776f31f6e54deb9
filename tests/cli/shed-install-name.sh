#!/bin/sh
# SPDX-License-Identifier: ISC
# Installed under another name (Debian ships another shed): with the
# program name transform, `make install' puts the binary, its man page and
# the bash, zsh and fish completions under the new name, completing the
# new command; the binary works and names itself so; the other tools keep
# their names.  A transform set at configure time is the same make
# variable, set here on the command line.
. "$top_srcdir/tests/lib/tap.sh"

command -v make > /dev/null 2>&1 || skip_all "make is not installed"
[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in the build tree"
unset MAKEFLAGS MFLAGS MAKELEVEL

d=$T/dest
make -s -C "$top_builddir" install DESTDIR="$d" prefix=/usr \
    transform='s/^shed$$/pf-shed/' > "$T/log" 2>&1
ok $? "make install with the transform"

bin=$d/usr/bin/pf-shed
[ -x "$bin" ]
ok $? "the binary is pf-shed"
[ ! -e "$d/usr/bin/shed" ]
ok $? "no binary called shed"
like "$("$bin" --version)" "^pf-shed \(pipeflow\) " "it names itself pf-shed"
printf '1 a\n9 b\n0 c\n' | "$bin" -p 1 > "$T/out"
is "$(cat "$T/out")" "$(printf '1 a\n9 b\n0 c')" "it works"
"$bin" --frobnicate 2> "$T/err"
like "$(sed -n 2p "$T/err")" "^Try 'pf-shed --help'" "its messages use the new name"
[ -f "$d/usr/share/man/man1/pf-shed.1" ] && [ ! -e "$d/usr/share/man/man1/shed.1" ]
ok $? "the man page is pf-shed.1"
m=$d/usr/share/man/man1/pf-shed.1
grep -q '^\.Dt PF-SHED 1$' "$m" && grep -q '^\.Nm pf-shed$' "$m" &&
    ! grep -q '^\.Nm shed$' "$m"
ok $? "its title and name are pf-shed"
p7=$d/usr/share/man/man7/pipeflow.7
grep -q '^\.It Xr pf-shed 1$' "$p7" && ! grep -q 'Xr shed 1' "$p7"
ok $? "pipeflow(7) refers to pf-shed(1)"
if command -v mandoc > /dev/null 2>&1; then
	# The SEE ALSO order is the upstream names'.
	is "$(mandoc -Tlint -W warning "$m" 2>&1; mandoc -Tlint -W error "$p7" 2>&1)" \
	    "" "mandoc -Tlint: clean"
else
	skip_n 1 "mandoc is not installed"
fi
b=$(find "$d" -path '*bash*' -name pf-shed)
z=$(find "$d" -path '*zsh*' -name _pf-shed)
f=$(find "$d" -path '*fish*' -name pf-shed.fish)
[ -n "$b" ] && [ -n "$z" ] && [ -n "$f" ]
ok $? "completions named pf-shed, _pf-shed, pf-shed.fish"
is "$(find "$d" -name '*shed*' ! -name '*pf-shed*' | wc -l | tr -d ' ')" 0 \
    "nothing installed under the old name"
if command -v bash > /dev/null 2>&1; then
	like "$(bash --norc --noprofile -c '. "$1"; complete -p pf-shed' bash "$b")" \
	    "complete -F _shed pf-shed" "bash: completes pf-shed"
else
	ok 0 "bash: completes pf-shed # SKIP bash not installed"
fi
is "$(sed -n 1p "$z")" "#compdef pf-shed" "zsh: #compdef pf-shed"
is "$(grep -c '^complete -c shed ' "$f")" 0 "fish: no rule for shed"
ok $([ "$(grep -c '^complete -c pf-shed ' "$f")" -gt 10 ]; echo $?) \
    "fish: rules for pf-shed"
[ -x "$d/usr/bin/bqueue" ] && [ -f "$d/usr/share/man/man1/bqueue.1" ] &&
    [ -n "$(find "$d" -name _bqueue)" ]
ok $? "the other tools keep their names"

make -s -C "$top_builddir" uninstall DESTDIR="$d" prefix=/usr \
    transform='s/^shed$$/pf-shed/' > "$T/log" 2>&1
ok $? "make uninstall"
is "$(find "$d" -type f | wc -l | tr -d ' ')" 0 "uninstall removes everything"

done_testing
