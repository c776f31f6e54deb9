#!/usr/bin/env bash
# tests/bench/shed.sh -- shed against the peers that do the same per-record
# work, with nothing shed, and shed under a consumer that takes half.
#
# Usage: bash tests/bench/shed.sh [BUILD_DIR]
#
# Input: 100-byte lines whose first field is a priority 0..9.
# Fast consumer (`cat > /dev/null`), `cat FILE | STAGE | cat > /dev/null`
# for each STAGE:
#   (none)            the ceiling: no stage at all
#   cat               a stage that only copies
#   bqueue            line mode, default options
#   shed -p 1         priority from field 1, nothing shed
#   mawk '$1 <= 8'    a static field filter doing the same per-record work
#   shed --match      one PCRE2 rule ('^[0-8] '=0), nothing shed
#   ..., each read    the same two with --max-age: while nothing is held
#                     shed passes records it would keep unread; with an
#                     age to check it reads each (and its time, field 2)
#   grep -P           the same pattern
# Each figure is the median of BENCH_REPEATS runs, interleaved; the
# stage's CPU seconds and peak RSS come from /usr/bin/time.  Then, with
# pv, a producer paced at SHED_RATE and a consumer at half of it: shed's
# CPU, what share it shed, and whether priorities 0 to 3 arrived complete.
# Prints a Markdown table and saves it to
# BUILD_DIR/tests/bench/results/shed.md.
#
# Environment:
#   SHED, BQUEUE   binaries (default BUILD_DIR/shed, BUILD_DIR/bqueue)
#   BENCH_SIZE     input size (default 256M)
#   BENCH_REPEATS  runs per figure (default 3)
#   BENCH_TMPDIR   where the input goes (default /dev/shm if it has room)
#   SHED_RATE      producer rate of the paced run, bytes/s (default 20M)
#   SHED_SECS      length of the paced run in seconds (default 10)
#   SHED_BUFFER    shed's --buffer in the paced run (default 4M)
#
# Not run by `make check`; run by `make bench`.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
SHED=${SHED:-$build_dir/shed}
BQUEUE=${BQUEUE:-$build_dir/bqueue}
BENCH_SIZE=${BENCH_SIZE:-256M}
BENCH_REPEATS=${BENCH_REPEATS:-3}
SHED_RATE=${SHED_RATE:-20M}
SHED_SECS=${SHED_SECS:-10}
SHED_BUFFER=${SHED_BUFFER:-4M}
BENCH_CPU=${BENCH_CPU:-0}
BUFFER=$((1024 * 1024))         # shed's default --buffer
RSS_SLACK=$((8 * 1024 * 1024))
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$SHED" ] || die "no shed at $SHED (build it, or set SHED)"
[ -x "$BQUEUE" ] || die "no bqueue at $BQUEUE (build it, or set BQUEUE)"
have numfmt || die "numfmt not found"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt package 'time')"
have_time=1
have mawk && AWK=mawk || { AWK=awk; note "mawk not installed: awk used"; }
have_grep=0
grep -P x /dev/null 2>/dev/null; [ $? -le 1 ] && have_grep=1 ||
    note "grep -P not available: its row skipped"
have_pv=0
have pv && have_pv=1 || note "pv not installed: the paced run skipped"

size=$(numfmt --from=iec "$BENCH_SIZE" 2>/dev/null) ||
    die "BENCH_SIZE=$BENCH_SIZE: not a size"
[ "$size" -ge 1000000 ] || die "BENCH_SIZE=$BENCH_SIZE is too small"
rate=$(numfmt --from=iec "$SHED_RATE" 2>/dev/null) ||
    die "SHED_RATE=$SHED_RATE: not a size"

if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        avail_k=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
        [ "${avail_k:-0}" -gt $((size / 1024 + 256 * 1024)) ] && BENCH_TMPDIR=/dev/shm
    fi
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pipeflow-bench-shed.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

input=$tmp/input
printf 'bench: generating %s bytes of 100-byte lines in %s\n' "$size" "$BENCH_TMPDIR" >&2
awk 'BEGIN { srand(42)
    for (n = 0; n < 16777216; n += 100)
        printf "%d %09d %s\n", int(rand() * 10), n / 100,
            substr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz0123456789", 1, 88)
}' > "$tmp/block"
while cat "$tmp/block"; do :; done 2>/dev/null | head -c "$size" > "$input"
rm -f "$tmp/block"
[ "$(stat -c %s "$input")" = "$size" ] || die "could not generate input"
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
run_start

stages() {  # key|command
    echo "none|"
    echo "cat|cat"
    echo "bqueue|$BQUEUE -q"
    echo "shed -p 1|$SHED -q -p 1"
    echo "$AWK|$AWK '\$1 <= 8'"
    echo "shed --match|$SHED -q --match '^[0-8] =0'"
    # --max-age has every record looked at: the rule runs on each, and a
    # time (field 2, a number) is read too.
    echo "shed --match, each read|$SHED -q --match '^[0-8] =0' --max-age 100000d --time-field 2"
    echo "shed -p 1, each read|$SHED -q -p 1 --max-age 100000d --time-field 2"
    [ "$have_grep" = 1 ] && echo "grep -P|grep -P '^[0-8] '"
    return 0
}

declare -A times cpus rsss
for ((r = 0; r < BENCH_REPEATS; r++)); do
    while IFS='|' read -r key cmd; do
        time_stage "$key" free "$input" "$cmd" "cat > /dev/null"
    done < <(stages)
    printf 'bench: round %d done\n' $((r + 1)) >&2
done

mbs() { awk -v b="$size" -v ns="$1" 'BEGIN { if (ns > 0) printf "%.1f", b / (ns / 1e9) / 1e6; else print "-" }'; }
declare -A mb cpu rss
while IFS='|' read -r key cmd; do
    # shellcheck disable=SC2086
    t=$(median ${times[$key]})
    [ "$t" = FAIL ] && mb[$key]=FAIL || mb[$key]=$(mbs "$t")
    # shellcheck disable=SC2086
    [ -n "${cpus[$key]:-}" ] && cpu[$key]=$(median ${cpus[$key]}) || cpu[$key]=-
    # shellcheck disable=SC2086
    [ -n "${rsss[$key]:-}" ] && rss[$key]=$(median ${rsss[$key]}) || rss[$key]=-
done < <(stages)

# The paced runs: producer at rate, consumer at half of it; shed with
# the full trigger only, then with thresholds on its own state too.
paced=""
paced_run() {  # LABEL SHED-OPTIONS...
    local label=$1 nin nout complete a b p pu ps pk
    shift
    rm -f "$tmp/usage"
    pv -q -L "$rate" "$tmp/paced" |
        /usr/bin/time -f '%U %S %M' -o "$tmp/usage" "$SHED" -q -p 1 "$@" |
        pv -q -L $((rate / 2)) > "$tmp/pout"
    read -r pu ps pk < "$tmp/usage"
    nin=$(wc -l < "$tmp/paced")
    nout=$(wc -l < "$tmp/pout")
    complete=""
    for p in 0 1 2 3; do
        a=$(grep -c "^$p " "$tmp/paced")
        b=$(grep -c "^$p " "$tmp/pout")
        [ "$a" = "$b" ] || complete="$complete${complete:+, }priority $p: $b of $a"
    done
    complete=${complete:+no ($complete)}
    complete=${complete:-yes}
    awk -v i="$nin" -v o="$nout" -v u="$pu" -v s="$ps" -v k="$pk" \
        -v secs="$SHED_SECS" -v r="$rate" -v c="$complete" -v l="$label" 'BEGIN {
        printf "| %s; producer %.0f MB/s, consumer half | %.1f%% shed | CPU %.2f s of %d s | RSS %.1f MiB | priorities 0-3 complete: %s |\n",
            l, r / 1e6, 100 * (i - o) / i, u + s, secs, k / 1024, c }'
}
if [ "$have_pv" = 1 ]; then
    head -c $((rate * SHED_SECS)) "$input" > "$tmp/paced"
    paced=$(paced_run "--buffer $SHED_BUFFER" --buffer "$SHED_BUFFER"
        paced_run "--buffer $SHED_BUFFER --constrained-shed 8 --saturated-shed 5" \
            --buffer "$SHED_BUFFER" --constrained-shed 8 --saturated-shed 5)
fi

run_context
mkdir -p "$results_dir" || die "cannot create $results_dir"
out=$results_dir/shed.md
{
    echo "# shed benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), kernel $(uname -r), CPU: $cpu_model;" \
         "load average at start: $load_start, at end: $load_end;" \
         "CPU used by other processes during the run: ${other_pct}% of one CPU"
    echo
    echo "Input: $(mib "$size") of 100-byte lines, priority 0..9 in field 1, in $BENCH_TMPDIR;" \
         "\`cat FILE | STAGE | cat > /dev/null\`, median of $BENCH_REPEATS runs."
    echo
    echo "| stage | MB/s | CPU s | peak RSS |"
    echo "|---|---:|---:|---:|"
    while IFS='|' read -r key cmd; do
        r=${rss[$key]}
        [ "$r" != - ] && r=$(awk -v k="$r" 'BEGIN { printf "%.1f MiB", k / 1024 }')
        label=$key
        [ "$key" = "$AWK" ] && label="$AWK '\$1 <= 8'"
        echo "| $label | ${mb[$key]} | ${cpu[$key]} | $r |"
    done < <(stages)
    echo
    echo "| ratio | value | target |"
    echo "|---|---:|---:|"
    echo "| shed -p 1 / bqueue | $(ratio "${mb[shed -p 1]}" "${mb[bqueue]}") | >= 0.8 |"
    echo "| shed -p 1 / $AWK '\$1 <= 8' | $(ratio "${mb[shed -p 1]}" "${mb[$AWK]}") | >= 3 |"
    [ "$have_grep" = 1 ] &&
        echo "| shed --match / grep -P | $(ratio "${mb[shed --match]}" "${mb[grep -P]}") | >= 1 |" &&
        echo "| shed --match, each record read / grep -P | $(ratio "${mb[shed --match, each read]}" "${mb[grep -P]}") | |"
    echo "| shed -p 1, each record read / $AWK '\$1 <= 8' | $(ratio "${mb[shed -p 1, each read]}" "${mb[$AWK]}") | |"
    echo "| shed -p 1 / cat | $(ratio "${mb[shed -p 1]}" "${mb[cat]}") | |"
    echo "| shed -p 1 / none | $(ratio "${mb[shed -p 1]}" "${mb[none]}") | |"
    k=${rss[shed -p 1]}
    if [ "$k" != - ]; then
        if [ $((k * 1024)) -le $((BUFFER + RSS_SLACK)) ]; then v=yes; else v=no; fi
        echo "| shed peak RSS <= --buffer + 8 MiB | $(awk -v k="$k" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $v |"
    fi
    if [ -n "$paced" ]; then
        echo
        echo "| run | shed | CPU | RSS | complete |"
        echo "|---|---:|---:|---:|---|"
        echo "$paced"
    fi
    for n in "${notes[@]}"; do echo; echo "Note: $n"; done
} > "$out"
cat "$out"
