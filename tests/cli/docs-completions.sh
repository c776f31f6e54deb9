#!/bin/sh
# SPDX-License-Identifier: ISC
# For every tool with completions: the bash, zsh and fish files all exist
# and load, offer the values of the tool's enumerated options (bqueue
# --on-full, throttle --mode, lagwatch --format and --time-format), and
# name only options that `TOOL --help' knows (and all of them).  Each shell's part is skipped
# when that shell is not installed, and the --help comparison when the
# tool is not built yet.
. "$top_srcdir/tests/lib/tap.sh"

# Keep the shells away from the user's files.
HOME=$T
XDG_CONFIG_HOME=$T/.config
XDG_DATA_HOME=$T/.local/share
XDG_CACHE_HOME=$T/.cache
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME

# What to probe in each tool's completion:
#   values   pairs "OPTION VALUE": completing OPTION offers VALUE;
#            the first pair is the one checked through zsh's compinit
#   exact    regex the bash completion of the first OPTION must match
#   prefix   a partial long option and the one option it completes to
#   none     an option whose argument gets no completion (a size, ...)
probe() {
	case $1 in
	bqueue)
		values="--on-full drop-oldest"
		exact='^block drop-newest drop-oldest fail$'
		prefix="--dead --dead-letter"
		none=-m
		;;
	spill)
		values="--sync always --format json --compress 19"
		exact='^none interval always$'
		prefix="--skip --skip-corrupt"
		none=-m
		;;
	coalesce)
		values="--keep first"
		exact='^last first$'
		prefix="--max-k --max-keys"
		none=-m
		;;
	throttle)
		values="--mode drop"
		exact='^delay drop$'
		prefix="--dead --dead-letter"
		none=-r
		;;
	shed)
		values="--time-format rfc3339 --default-priority 7"
		exact='^epoch epoch-ms epoch-us rfc3339$'
		prefix="--dead --dead-letter"
		none=--buffer
		;;
	lagwatch)
		values="--format json --time-format rfc3339"
		exact='^text json prom$'
		prefix="--age --age-target"
		none=-i
		;;
	*)
		return 1
		;;
	esac
}

# Tools that have a completion file for any shell.
tools=$(
	for f in "$top_srcdir"/completions/bash/* \
	    "$top_srcdir"/completions/zsh/_* \
	    "$top_srcdir"/completions/fish/*.fish; do
		[ -f "$f" ] || continue
		f=${f##*/}
		f=${f#_}
		echo "${f%.fish}"
	done | sort -u
)
[ -n "$tools" ]
ok $? "completion files found in completions/"

for tool in $tools; do
	bashcomp=$top_srcdir/completions/bash/$tool
	zshcomp=$top_srcdir/completions/zsh/_$tool
	fishcomp=$top_srcdir/completions/fish/$tool.fish
	bin=$top_builddir/$tool

	for f in "$bashcomp" "$zshcomp" "$fishcomp"; do
		[ -f "$f" ]
		ok $? "${f#"$top_srcdir"/} exists"
	done
	values= exact= prefix= none=
	probe "$tool"
	ok $? "$tool: this test knows what to probe"
	[ -n "$values" ] || continue
	set -- $values
	vopt=$1 vwant=$2
	shift 2
	more=$*
	lpre=${prefix% *} lwant=${prefix#* }

	# bash: with and without bash-completion.
	if ! command -v bash >/dev/null 2>&1; then
		ok 0 "$tool: bash completion # SKIP bash not installed"
	elif [ -f "$bashcomp" ]; then
		for lib in /usr/share/bash-completion/bash_completion ""; do
			how=${lib:-plain bash}
			if [ -n "$lib" ] && [ ! -f "$lib" ]; then
				skip="# SKIP not installed"
				ok 0 "$tool: bash with bash-completion $skip"
				continue
			fi
			out=$(bash --norc --noprofile -c '
				[ -n "$1" ] && . "$1"
				. "$2" || exit 1
				tool=$3
				comp() {
					COMP_WORDS=("$tool" "$@")
					COMP_CWORD=$#
					COMP_LINE="${COMP_WORDS[*]}"
					COMP_POINT=${#COMP_LINE}
					COMPREPLY=()
					"_$tool" "$tool" \
					    "${COMP_WORDS[COMP_CWORD]}" \
					    "${COMP_WORDS[COMP_CWORD-1]}"
					echo "${COMPREPLY[*]}"
				}
				shift 3
				comp "$1" ""
				comp "$2"
				comp "$3" ""
				shift 3
				while [ $# -ge 2 ]; do
					comp "$1" ""
					shift 2
				done
			' bash "$lib" "$bashcomp" "$tool" \
			    "$vopt" "$lpre" "$none" $more 2>&1)
			ok $? "$tool: bash: the completion loads ($how)"
			first=$(printf '%s\n' "$out" | sed -n 1p)
			like "$first" "(^| )$vwant( |\$)" \
			    "$tool: bash: $vopt offers $vwant ($how)"
			like "$first" "$exact" \
			    "$tool: bash: $vopt offers exactly its values ($how)"
			is "$(printf '%s\n' "$out" | sed -n 2p)" "$lwant" \
			    "$tool: bash: long options complete ($how)"
			is "$(printf '%s\n' "$out" | sed -n 3p)" "" \
			    "$tool: bash: nothing is offered for $none ($how)"
			n=4
			set -- $more
			while [ $# -ge 2 ]; do
				like "$(printf '%s\n' "$out" | sed -n ${n}p)" \
				    "(^| )$2( |\$)" \
				    "$tool: bash: $1 offers $2 ($how)"
				n=$((n + 1))
				shift 2
			done
		done
	fi

	# zsh: the file parses, is a compdef for the tool and, where
	# zsh/zpty is available, really completes `TOOL VOPT ' through
	# compinit.
	if ! command -v zsh >/dev/null 2>&1; then
		ok 0 "$tool: zsh completion # SKIP zsh not installed"
	elif [ -f "$zshcomp" ]; then
		zsh -n "$zshcomp" 2>"$T/zsh.err"
		ok $? "$tool: zsh: _$tool parses"
		is "$(sed -n 1p "$zshcomp")" "#compdef $tool" \
		    "$tool: zsh: _$tool starts with #compdef $tool"
		set -- $values
		while [ $# -ge 2 ]; do
			grep -q -- "$2" "$zshcomp"
			ok $? "$tool: zsh: _$tool mentions $2"
			shift 2
		done
		rm -rf "$T/zfunc"
		mkdir "$T/zfunc" && cp "$zshcomp" "$T/zfunc/"
		if zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
			cat >"$T/zpty.zsh" <<'EOF'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''"
# Two tabs: the first may only insert a common prefix ("d" of delay, drop).
zpty -wn z "$2 "$'\t\t'
# Read until the listing shows up; the caller's timeout bounds the wait.
zpty -r z out "*$3*" && print -r -- "$3-listed"
zpty -d z
EOF
			if command -v timeout >/dev/null 2>&1; then
				to="timeout 30"
			else
				to=
			fi
			out=$($to zsh -f "$T/zpty.zsh" "$T/zfunc" \
			    "$tool $vopt" "$vwant" 2>&1)
			like "$out" "$vwant-listed" \
			    "$tool: zsh: compinit completes $vopt with $vwant"
		else
			skip="# SKIP no zsh/zpty"
			ok 0 "$tool: zsh: compinit completes $vopt $skip"
		fi
	fi

	# fish: complete -C lists the values.
	if ! command -v fish >/dev/null 2>&1; then
		ok 0 "$tool: fish completion # SKIP fish not installed"
	elif [ -f "$fishcomp" ]; then
		out=$(fish -c 'source $argv[1]; or exit 1' "$fishcomp" 2>&1)
		ok $? "$tool: fish: the completion loads"
		set -- $values
		while [ $# -ge 2 ]; do
			out=$(fish -c 'source $argv[1]; complete -C $argv[2]' \
			    "$fishcomp" "$tool $1 " 2>&1)
			like "$out" "^$2" "$tool: fish: $1 offers $2"
			shift 2
		done
		out=$(fish -c 'source $argv[1]; complete -C $argv[2]' \
		    "$fishcomp" "$tool $lpre" 2>&1)
		like "$out" "^$lwant" "$tool: fish: long options complete"
	fi

	# Every long option each completion names is an option of the tool,
	# and each completion names them all.
	if [ ! -x "$bin" ]; then
		skip="# SKIP $tool not built"
		ok 0 "$tool: completion options match $tool --help $skip"
		continue
	fi
	help=$("$bin" --help 2>&1)
	ok $? "$tool --help exits 0"
	printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u \
	    >"$T/help"
	grep -oE -- '--[a-z][a-z0-9-]*' "$bashcomp" | sort -u >"$T/bash"
	grep -oE -- "--[a-z][a-z0-9-]*" "$zshcomp" | sort -u >"$T/zsh"
	grep -oE -- '-l [a-z][a-z0-9-]*' "$fishcomp" | sed 's/^-l /--/' |
	    sort -u >"$T/fish"
	for sh in bash zsh fish; do
		extra=$(comm -13 "$T/help" "$T/$sh" | tr '\n' ' ')
		is "$extra" "" "$tool: $sh: every long option is in $tool --help"
		missing=$(comm -23 "$T/help" "$T/$sh" | tr '\n' ' ')
		is "$missing" "" \
		    "$tool: $sh: every option of $tool --help is offered"
	done
done

done_testing
