#!/usr/bin/env bash
# tests/bench/coalesce.sh -- coalesce against its keep-latest peers.
#
# Usage: bash tests/bench/coalesce.sh [BUILD_DIR]
#
# BENCH_RECORDS 100-byte lines over BENCH_KEYS keys.  Everything
# collapsed: `coalesce -k 2 --window 1d` (the window longer than the run)
# and `coalesce -k 2` with a consumer that reads nothing until input
# ended, against the peers that keep the latest record per key: gawk and
# mawk (in first-arrival order, as coalesce) and `tac | sort -s -u -k2,2`;
# `--keep first` against `gawk '!seen[$2]++'` and mawk; pass-through with a
# fast consumer against bqueue and no stage at all (cat); NDJSON keys
# (-k .id) against jq if it is installed.  Each with the scheduler free
# and pinned to one CPU; each figure the median of BENCH_REPEATS runs, in
# million records per second, with coalesce's peak RSS.  Prints a Markdown
# table and saves it to BUILD_DIR/tests/bench/results/coalesce.md.
#
# Environment:
#   COALESCE, BQUEUE  the binaries (default BUILD_DIR/coalesce, bqueue)
#   BENCH_RECORDS     records (default 10000000)
#   BENCH_KEYS        distinct keys (default 100000)
#   BENCH_REPEATS     runs per figure (default 3)
#   BENCH_CPU         CPU for the pinned placement (default 0)
#   BENCH_TMPDIR      where the input goes (default /dev/shm if tmpfs)
#
# Not run by `make check`; run by `make bench`.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
COALESCE=${COALESCE:-$build_dir/coalesce}
BQUEUE=${BQUEUE:-$build_dir/bqueue}
BENCH_RECORDS=${BENCH_RECORDS:-10000000}
BENCH_KEYS=${BENCH_KEYS:-100000}
BENCH_REPEATS=${BENCH_REPEATS:-3}
BENCH_CPU=${BENCH_CPU:-0}
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$COALESCE" ] || die "no coalesce at $COALESCE (build it, or set COALESCE)"
[ -x "$BQUEUE" ] || die "no bqueue at $BQUEUE"
have gawk || note "gawk not installed: skipped"
have mawk || note "mawk not installed: skipped"
have jq || note "jq not installed: NDJSON peer skipped"
have_taskset=0
have taskset && have_taskset=1 || note "taskset not installed: pinned placement skipped"
have_time=0
[ -x /usr/bin/time ] && have_time=1 || note "/usr/bin/time missing: peak RSS not measured"

if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    [ -d /dev/shm ] && [ -w /dev/shm ] && BENCH_TMPDIR=/dev/shm
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pf-bench-coalesce.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# 100-byte lines "SEQ KEY PAD": SEQ 10 digits, KEY k + 7 digits.
gawk -v n="$BENCH_RECORDS" -v k="$BENCH_KEYS" 'BEGIN { srand(1)
    pad = sprintf("%80s", ""); gsub(/ /, "x", pad)
    for (i = 0; i < n; i++)
        printf "%010d k%07d %s\n", i, int(rand() * k), pad }' > "$tmp/lines" ||
    die "could not write the input"
gawk -v n="$((BENCH_RECORDS / 5))" -v k="$BENCH_KEYS" 'BEGIN { srand(2)
    for (i = 0; i < n; i++)
        printf "{\"seq\":%d,\"id\":\"k%07d\",\"px\":%d,\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n", i,
            int(rand() * k), int(rand() * 100000) }' > "$tmp/json" ||
    die "could not write the NDJSON input"
nrec=$BENCH_RECORDS
njson=$((BENCH_RECORDS / 5))

# Keep the latest per key, in first-arrival order (as a shell word: the
# program is written with \$ for the bash -c that runs it).
prog='{ if (!($2 in s)) { s[$2] = n + 0; o[n++] = $0 } else o[s[$2]] = $0 }
    END { for (i = 0; i < n; i++) print o[i] }'
latest=${prog//\$/\\\$}
first="'!seen[\$2]++'"

# The stage: NAME FILE CMD (input on stdin, output to stdout).
names=()
declare -A cmd file count times cpus rsss
stage() {
    names+=("$1"); file[$1]=$2; cmd[$1]=$3
    [ "$2" = json ] && count[$1]=$njson || count[$1]=$nrec
}
stage "coalesce --window 1d" lines "$COALESCE -k 2 --window 1d"
stage "coalesce, reader waits for EOF" lines "WAITEOF $COALESCE -k 2"
have gawk && stage "gawk latest" lines "gawk \"$latest\""
have mawk && stage "mawk latest" lines "mawk \"$latest\""
stage "tac | sort -s -u -k2,2" lines "tac | sort -s -u -k2,2"
stage "coalesce --keep first --window 1d" lines "$COALESCE -k 2 --keep first --window 1d"
have gawk && stage "gawk $first" lines "gawk $first"
have mawk && stage "mawk $first" lines "mawk $first"
stage "pass-through: coalesce" lines "PASS $COALESCE -k 2"
stage "pass-through: bqueue" lines "PASS $BQUEUE"
stage "pass-through: cat" lines "PASS cat"
stage "NDJSON: coalesce -k .id --window 1d" json "$COALESCE -k .id --window 1d"
have jq && stage "NDJSON: jq -c latest" json \
    "jq -c -n 'reduce inputs as \$r ({}; .[\$r.id] = \$r) | .[]'"

# One run: prints elapsed ns (or FAIL) and coalesce's peak RSS in KiB
# (or -).  Everything-collapsed stages write
# to a file; WAITEOF stages have a reader that waits for the input's end.
one() {
    local name=$1 placement=$2 c=${cmd[$1]} f=$tmp/${file[$1]} t0 t1 script pin=()
    local u sy k
    [ "$placement" = pinned ] && pin=(taskset -c "$BENCH_CPU")
    rm -f "$tmp/eof" "$tmp/usage"
    case $c in
    WAITEOF*)
        c=${c#WAITEOF }
        [ "$have_time" = 1 ] && c="/usr/bin/time -f '%U %S %M' -o '$tmp/usage' $c"
        script="{ cat '$f'; touch '$tmp/eof'; } | $c | { while [ ! -e '$tmp/eof' ]; do sleep 0.01; done; cat > '$tmp/out'; }"
        ;;
    PASS*)
        c=${c#PASS }
        case $c in "$COALESCE"*) [ "$have_time" = 1 ] &&
            c="/usr/bin/time -f '%U %S %M' -o '$tmp/usage' $c" ;; esac
        script="cat '$f' | $c | cat > /dev/null"
        ;;
    *)
        case $c in "$COALESCE"*) [ "$have_time" = 1 ] &&
            c="/usr/bin/time -f '%U %S %M' -o '$tmp/usage' $c" ;; esac
        script="cat '$f' | $c > '$tmp/out'"
        ;;
    esac
    t0=$(date +%s%N)
    if ! "${pin[@]}" bash -o pipefail -c "$script" < /dev/null 2> "$tmp/stderr"; then
        echo "FAIL -"
        sed 's/^/bench:   /' "$tmp/stderr" >&2
        return
    fi
    t1=$(date +%s%N)
    k=-
    [ -s "$tmp/usage" ] && read -r u sy k < "$tmp/usage"
    echo "$((t1 - t0)) $k"
}

placements=(free)
[ "$have_taskset" = 1 ] && placements+=(pinned)

run_start
for r in $(seq 1 "$BENCH_REPEATS"); do
    for p in "${placements[@]}"; do
        for n in "${names[@]}"; do
            read -r ns k <<< "$(one "$n" "$p")"
            times[$n,$p]="${times[$n,$p]:-} $ns"
            [ -n "$k" ] && [ "$k" != - ] &&
                rsss[$n,$p]="${rsss[$n,$p]:-} $k"
        done
    done
    printf 'bench: round %d of %d done\n' "$r" "$BENCH_REPEATS" >&2
done
run_context

# Checks: the collapsing stages agree with each other.
"$COALESCE" -k 2 --window 1d < "$tmp/lines" > "$tmp/a"
gawk "$prog" "$tmp/lines" | cmp -s - "$tmp/a" ||
    note "coalesce --window 1d and gawk disagree"

mrps() {  # records ns -> million records per second
    awk -v r="$1" -v ns="$2" 'BEGIN { if (ns > 0) printf "%.2f", r / (ns / 1e9) / 1e6; else print "-" }'
}
declare -A rate
{
    printf '## coalesce, %s records of 100 bytes over %s keys\n\n' "$nrec" "$BENCH_KEYS"
    printf '%s; median of %s runs; M records/s (peak RSS of coalesce)\n\n' \
        "${cpu_model:-?}" "$BENCH_REPEATS"
    printf '| stage |'; for p in "${placements[@]}"; do printf ' %s |' "$p"; done; echo
    printf '|---|'; for p in "${placements[@]}"; do printf -- '---:|'; done; echo
    for n in "${names[@]}"; do
        printf '| %s |' "${n//|/\\|}"
        for p in "${placements[@]}"; do
            # shellcheck disable=SC2086
            m=$(median ${times[$n,$p]})
            if [ "$m" = FAIL ]; then
                rate[$n,$p]=FAIL; printf ' FAIL |'; continue
            fi
            rate[$n,$p]=$(mrps "${count[$n]}" "$m")
            printf ' %s' "${rate[$n,$p]}"
            if [ -n "${rsss[$n,$p]:-}" ]; then
                # shellcheck disable=SC2086
                printf ' (%s)' "$(mib $(( $(median ${rsss[$n,$p]}) * 1024 )))"
            fi
            printf ' |'
        done
        echo
    done
    echo
    for p in "${placements[@]}"; do
        best=0 bestn=-
        for n in "gawk latest" "mawk latest" "tac | sort -s -u -k2,2"; do
            v=${rate[$n,$p]:-}
            [ -n "$v" ] && [ "$v" != FAIL ] && ge "$v" "$best" && best=$v bestn=$n
        done
        printf -- '- %s: coalesce --window 1d / best keep-latest peer (%s): %s\n' \
            "$p" "$bestn" "$(ratio "${rate[coalesce --window 1d,$p]}" "$best")"
        printf -- '- %s: coalesce, reader waits / best keep-latest peer: %s\n' \
            "$p" "$(ratio "${rate[coalesce, reader waits for EOF,$p]}" "$best")"
        gk="gawk $first,$p"
        printf -- "- %s: coalesce --keep first / gawk %s: %s\n" "$p" "$first" \
            "$(ratio "${rate[coalesce --keep first --window 1d,$p]}" "${rate[$gk]:-}")"
        printf -- '- %s: pass-through coalesce / bqueue: %s; / cat: %s\n' \
            "$p" "$(ratio "${rate[pass-through: coalesce,$p]}" "${rate[pass-through: bqueue,$p]}")" \
            "$(ratio "${rate[pass-through: coalesce,$p]}" "${rate[pass-through: cat,$p]}")"
        printf -- '- %s: NDJSON coalesce / jq: %s\n' \
            "$p" "$(ratio "${rate[NDJSON: coalesce -k .id --window 1d,$p]}" "${rate[NDJSON: jq -c latest,$p]:-}")"
    done
    for n in "${notes[@]}"; do printf -- '- note: %s\n' "$n"; done
} > "$tmp/table"
mkdir -p "$results_dir"
cp "$tmp/table" "$results_dir/coalesce.md"
cat "$tmp/table"
