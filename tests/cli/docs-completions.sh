#!/bin/sh
# SPDX-License-Identifier: ISC
# The bash, zsh and fish completions for bqueue load, offer the --on-full
# policies, and name only options that `bqueue --help' knows (and all of
# them).  Each shell's part is skipped when that shell is not installed.
. "$top_srcdir/tests/lib/tap.sh"

bashcomp=$top_srcdir/completions/bash/bqueue
zshcomp=$top_srcdir/completions/zsh/_bqueue
fishcomp=$top_srcdir/completions/fish/bqueue.fish
bq=$top_builddir/bqueue

# Keep the shells away from the user's files.
HOME=$T
XDG_CONFIG_HOME=$T/.config
XDG_DATA_HOME=$T/.local/share
XDG_CACHE_HOME=$T/.cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME

for f in "$bashcomp" "$zshcomp" "$fishcomp"; do
	[ -f "$f" ]
	ok $? "${f#"$top_srcdir"/} exists"
done

# bash: complete `bqueue --on-full ' with and without bash-completion.
if command -v bash >/dev/null 2>&1; then
	for lib in /usr/share/bash-completion/bash_completion ""; do
		if [ -n "$lib" ] && [ ! -f "$lib" ]; then
			ok 0 "bash: with bash-completion # SKIP not installed"
			continue
		fi
		out=$(bash --norc --noprofile -c '
			[ -n "$1" ] && . "$1"
			. "$2" || exit 1
			comp() {
				COMP_WORDS=("$@")
				COMP_CWORD=$(($# - 1))
				COMP_LINE="$*"
				COMP_POINT=${#COMP_LINE}
				COMPREPLY=()
				_bqueue bqueue "${COMP_WORDS[COMP_CWORD]}" \
				    "${COMP_WORDS[COMP_CWORD-1]}"
				echo "${COMPREPLY[*]}"
			}
			comp bqueue --on-full ""
			comp bqueue --dead
			comp bqueue -m ""
		' bash "$lib" "$bashcomp" 2>&1)
		ok $? "bash: the completion loads (${lib:-plain bash})"
		first=$(printf '%s\n' "$out" | sed -n 1p)
		like "$first" '(^| )drop-oldest( |$)' \
		    "bash: --on-full offers drop-oldest (${lib:-plain bash})"
		like "$first" '^block drop-newest drop-oldest fail$' \
		    "bash: --on-full offers exactly the four policies"
		is "$(printf '%s\n' "$out" | sed -n 2p)" "--dead-letter" \
		    "bash: long options complete (${lib:-plain bash})"
		is "$(printf '%s\n' "$out" | sed -n 3p)" "" \
		    "bash: nothing is offered for a size (${lib:-plain bash})"
	done
else
	ok 0 "bash completion # SKIP bash not installed"
fi

# zsh: the file parses, is a compdef for bqueue and, where zsh/zpty is
# available, really completes `bqueue --on-full ' through compinit.
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$zshcomp" 2>"$T/zsh.err"
	ok $? "zsh: _bqueue parses"
	is "$(sed -n 1p "$zshcomp")" "#compdef bqueue" \
	    "zsh: _bqueue starts with #compdef bqueue"
	grep -q 'drop-newest' "$zshcomp"
	ok $? "zsh: _bqueue mentions drop-newest"
	mkdir "$T/zfunc" && cp "$zshcomp" "$T/zfunc/"
	if zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		cat >"$T/zpty.zsh" <<'EOF'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''"
zpty -wn z $'bqueue --on-full \t'
# Read until the listing shows up; the caller's timeout bounds the wait.
zpty -r z out '*drop-oldest*' && print -r -- drop-oldest-listed
zpty -d z
EOF
		if command -v timeout >/dev/null 2>&1; then
			to="timeout 30"
		else
			to=
		fi
		out=$($to zsh -f "$T/zpty.zsh" "$T/zfunc" 2>&1)
		like "$out" 'drop-oldest-listed' \
		    "zsh: compinit completes --on-full with drop-oldest"
	else
		ok 0 "zsh: compinit completes --on-full # SKIP no zsh/zpty"
	fi
else
	ok 0 "zsh completion # SKIP zsh not installed"
fi

# fish: complete -C lists the policies.
if command -v fish >/dev/null 2>&1; then
	out=$(fish -c 'source $argv[1]; or exit 1
	    complete -C "bqueue --on-full "' "$fishcomp" 2>&1)
	ok $? "fish: the completion loads"
	like "$out" '^drop-oldest' "fish: --on-full offers drop-oldest"
	out=$(fish -c 'source $argv[1]; complete -C "bqueue --dead"' \
	    "$fishcomp" 2>&1)
	like "$out" '^--dead-letter' "fish: long options complete"
else
	ok 0 "fish completion # SKIP fish not installed"
fi

# Every long option each completion names is a bqueue option, and the
# bash completion names them all.
if [ -x "$bq" ]; then
	help=$("$bq" --help 2>&1)
	ok $? "bqueue --help exits 0"
	printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u \
	    >"$T/help"
	grep -oE -- '--[a-z][a-z0-9-]*' "$bashcomp" | sort -u >"$T/bash"
	grep -oE -- "--[a-z][a-z0-9-]*" "$zshcomp" | sort -u >"$T/zsh"
	grep -oE -- '-l [a-z][a-z0-9-]*' "$fishcomp" | sed 's/^-l /--/' |
	    sort -u >"$T/fish"
	for sh in bash zsh fish; do
		extra=$(comm -13 "$T/help" "$T/$sh" | tr '\n' ' ')
		is "$extra" "" "$sh: every long option is in bqueue --help"
		missing=$(comm -23 "$T/help" "$T/$sh" | tr '\n' ' ')
		is "$missing" "" "$sh: every option of bqueue --help is offered"
	done
else
	ok 0 "completion options match bqueue --help # SKIP bqueue not built"
fi

done_testing
