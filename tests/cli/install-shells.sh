#!/bin/sh
# SPDX-License-Identifier: ISC
# `make install' puts each completion where the shells, as Debian builds
# them, look without help from XDG_DATA_DIRS: under the default prefix
# /usr/local, bash-completion's /usr/local/share, zsh's site-functions
# and fish's /etc/fish/completions; under /usr, where Debian's own
# packages put them.  The tree is configured afresh under each prefix in
# a copy, installed into a DESTDIR, and each completion is loaded from
# there by bash, zsh and fish, found by the command's name.  With
# --program-transform-name the man page and the completions follow the
# program's new name.  Each shell's part is skipped when it is missing.
. "$top_srcdir/tests/lib/tap.sh"

# Keep the shells away from the user's files.
HOME=$T
XDG_CONFIG_HOME=$T/.config
XDG_DATA_HOME=$T/.local/share
XDG_CACHE_HOME=$T/.cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
unset XDG_DATA_DIRS

for f in configure configure.ac aclocal.m4 Makefile.am Makefile.in \
    config.h.in build-aux lib/pipeflow.h man completions; do
	[ -e "$top_srcdir/$f" ] || skip_all "no $f in the source tree"
done
command -v "${CC:-cc}" > /dev/null 2>&1 || skip_all "no C compiler"

# The tools that have completions for every shell.
tools=$(cd "$top_srcdir/completions/bash" && ls)
[ -n "$tools" ]
ok $? "completions to install"

# A copy of what configure and `make install-data' read, times kept so
# that make regenerates nothing.
mkdir "$T/src" "$T/src/lib"
(cd "$top_srcdir" && cp -Rp configure configure.ac aclocal.m4 \
    Makefile.am Makefile.in config.h.in build-aux man completions \
    "$T/src/") && cp -p "$top_srcdir/lib/pipeflow.h" "$T/src/lib/"
ok $? "a copy of the tree to configure"

# install NAME CONFIGURE-ARGS...: configure the copy and install its
# data into $T/NAME
install() {
	_d=$T/$1
	shift
	(cd "$T/src" && { [ ! -f Makefile ] || make distclean; } &&
	    ./configure "$@" && make install-data DESTDIR="$_d") \
	    > "$T/install.log" 2>&1
	_rc=$?
	[ $_rc -eq 0 ] || sed 's/^/# /' "$T/install.log" | tail -n 20
	return $_rc
}

# The search paths of the shells as they start, XDG_DATA_DIRS unset.
if command -v zsh > /dev/null 2>&1; then
	zsh -fc 'print -l $fpath' > "$T/zsh.path"
fi
if command -v fish > /dev/null 2>&1; then
	fish --no-config -c 'string join \n -- $fish_complete_path' \
	    > "$T/fish.path" 2> /dev/null ||
	    fish -c 'string join \n -- $fish_complete_path' > "$T/fish.path"
fi
BASHCOMP=/usr/share/bash-completion/bash_completion

# check LAYOUT DESTDIR PREFIX BASHDIR ZSHDIR FISHDIR [OLD NEW]: every
# completion is in those directories (under DESTDIR), each directory is
# one the shell searches, and the shell loads each completion from there
# for the command's installed name (NEW for OLD).
check() {
	_l=$1 _dest=$2 _bd=$4 _zd=$5 _fd=$6 _old=${7:-} _new=${8:-}
	for _t in $tools; do
		_n=$_t
		[ "$_t" = "$_old" ] && _n=$_new
		for _f in "$_bd/$_n" "$_zd/_$_n" "$_fd/$_n.fish"; do
			[ -f "$_dest$_f" ]
			ok $? "$_l: $_f installed"
		done

		# bash-completion searches XDG_DATA_DIRS, by default
		# /usr/local/share:/usr/share: the same under DESTDIR.
		if ! command -v bash > /dev/null 2>&1 || [ ! -f "$BASHCOMP" ]
		then
			ok 0 "$_l: bash finds $_n # SKIP no bash-completion"
		else
			case $_bd in
			/usr/local/share/bash-completion/completions | \
			    /usr/share/bash-completion/completions)
				ok 0 "$_l: $_bd is searched by bash-completion" ;;
			*)
				ok 1 "$_l: $_bd is searched by bash-completion" ;;
			esac
			_out=$(XDG_DATA_DIRS=$_dest/usr/local/share:$_dest/usr/share \
			    bash --norc --noprofile -c '. "$1" &&
			    __load_completion "$2" && complete -p "$2"' \
			    bash "$BASHCOMP" "$_n" 2>&1)
			like "$_out" "^complete -F _[a-z_]+ $_n\$" \
			    "$_l: bash-completion loads the completion for $_n"
		fi

		if [ ! -f "$T/zsh.path" ]; then
			ok 0 "$_l: zsh finds _$_n # SKIP zsh not installed"
		else
			grep -qx -- "$_zd" "$T/zsh.path"
			ok $? "$_l: $_zd is in zsh's fpath"
			_out=$(zsh -fc 'fpath=($1 $fpath); autoload -Uz compinit
			    compinit -u -D; print -r -- ${_comps[$2]}' zsh \
			    "$_dest$_zd" "$_n" 2>&1)
			is "$_out" "_$_n" "$_l: zsh's compinit binds _$_n to $_n"
		fi

		if [ ! -f "$T/fish.path" ]; then
			ok 0 "$_l: fish finds $_n # SKIP fish not installed"
		else
			grep -qx -- "$_fd" "$T/fish.path"
			ok $? "$_l: $_fd is in fish's completion path"
			# fish completes only commands that exist.
			mkdir -p "$T/bin"
			printf '#!/bin/sh\n' > "$T/bin/$_n"
			chmod +x "$T/bin/$_n"
			_out=$(PATH=$T/bin:$PATH fish -c 'set fish_complete_path $argv[1] \
			    $fish_complete_path; complete -C"$argv[2] --he"' \
			    "$_dest$_fd" "$_n" 2>&1)
			like "$_out" "^--help" \
			    "$_l: fish completes $_n --help from there"
		fi
	done
}

install local
ok $? "default prefix: configure and make install-data"
check "prefix /usr/local" "$T/local" /usr/local \
    /usr/local/share/bash-completion/completions \
    /usr/local/share/zsh/site-functions /etc/fish/completions

install usr --prefix=/usr
ok $? "prefix /usr: configure and make install-data"
check "prefix /usr" "$T/usr" /usr /usr/share/bash-completion/completions \
    /usr/share/zsh/vendor-completions /usr/share/fish/vendor_completions.d

# Any tool renamed: its man page and completions follow, the rest stay.
old=$(echo "$tools" | sed -n 1p)
new=pf-$old
install renamed --prefix=/usr --program-transform-name="s/^$old\$/$new/"
ok $? "--program-transform-name: configure and make install-data"
check "renamed" "$T/renamed" /usr /usr/share/bash-completion/completions \
    /usr/share/zsh/vendor-completions /usr/share/fish/vendor_completions.d \
    "$old" "$new"
[ -f "$T/renamed/usr/share/man/man1/$new.1" ] &&
    [ ! -e "$T/renamed/usr/share/man/man1/$old.1" ]
ok $? "renamed: $old.1 installed as $new.1"
[ -f "$T/renamed/usr/share/man/man7/pipeflow.7" ]
ok $? "renamed: pipeflow.7 keeps its name"
is "$(grep -l -- "$old\$" "$T/renamed/usr/share/bash-completion/completions/$new" \
    "$T/renamed/usr/share/zsh/vendor-completions/_$new" 2>/dev/null |
    xargs -r grep -E -- "^(complete -F .* |#compdef )$old\$")" "" \
    "renamed: no completion bound to the old name"
grep -q "^complete -c $old " \
    "$T/renamed/usr/share/fish/vendor_completions.d/$new.fish"
is $? 1 "renamed: fish completion not bound to the old name"

# What was installed goes away with uninstall.
mkdir -p "$T/renamed/usr/bin"
(cd "$T/src" && make uninstall DESTDIR="$T/renamed") > "$T/install.log" 2>&1
ok $? "renamed: make uninstall"
is "$(find "$T/renamed" -type f | sed "s|^$T/renamed||")" "" \
    "renamed: uninstall leaves no file"

done_testing
