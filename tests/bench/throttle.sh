#!/usr/bin/env bash
# tests/bench/throttle.sh -- throttle's rate error and CPU against pv -L,
# pv -l -L, cstream -t and mbuffer -r; its unlimited pass-through against
# bqueue; and how --adaptive converges.
#
# Usage: bash tests/bench/throttle.sh [BUILD_DIR]
#
# Rate error: `yes LINE | head -c N | STAGE | ratemeter` for BENCH_DUR
# seconds' worth at each rate (100-byte lines): 10, 1,000, 100,000 and
# 1,000,000 records/s (throttle -r, pv -l -L) and 10 MB/s, 100 MB/s and
# 1 GB/s (throttle --bytes -B, throttle -B on lines, pv -L, cstream -t,
# mbuffer -r).  ratemeter (tests/lib) times the consumer side on the
# monotonic clock: the rate is what arrived after the first second, over
# the time from there to the last read, so that a stage's start-up burst
# does not count; the error is that against the asked rate.  The CPU is
# the stage's user + system time over the run, in % of one core.
#
# Pass-through: throttle with a limit far above what the pipe carries,
# against bqueue, in bytes and line mode, over BENCH_SIZE from a file
# (median of BENCH_REPEATS runs).
#
# Adaptive: throttle -r 2000/s --adaptive --min-rate 100/s in front of a
# consumer that takes about 1,000 records of 4000 bytes a second, for
# BENCH_ADAPT seconds: the time until the rate first comes down to what
# the consumer takes, and the range of the rate after that.
#
# Environment:
#   THROTTLE, BQUEUE   binaries (default BUILD_DIR/throttle, BUILD_DIR/bqueue)
#   RATEMETER          default BUILD_DIR/tests/lib/ratemeter (make check builds it)
#   BENCH_DUR          seconds per rate figure (default 10)
#   BENCH_SIZE         pass-through input (default 512M)
#   BENCH_REPEATS      pass-through runs per figure (default 3)
#   BENCH_ADAPT        adaptive run, seconds (default 20)
#   BENCH_TMPDIR       where the input file goes (default /dev/shm if tmpfs)
#
# Not run by `make check`; run by `make bench`.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
THROTTLE=${THROTTLE:-$build_dir/throttle}
BQUEUE=${BQUEUE:-$build_dir/bqueue}
RATEMETER=${RATEMETER:-$build_dir/tests/lib/ratemeter}
BENCH_DUR=${BENCH_DUR:-10}
BENCH_SIZE=${BENCH_SIZE:-512M}
BENCH_REPEATS=${BENCH_REPEATS:-3}
BENCH_ADAPT=${BENCH_ADAPT:-20}
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$THROTTLE" ] || die "no throttle at $THROTTLE (build it, or set THROTTLE)"
[ -x "$BQUEUE" ] || die "no bqueue at $BQUEUE"
[ -x "$RATEMETER" ] || die "no ratemeter at $RATEMETER (make tests/lib/ratemeter)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt package 'time')"
have numfmt || die "numfmt not found"
have_pv=0 have_cstream=0 have_mbuffer=0
have pv && have_pv=1 || note "pv not installed: its rows SKIP"
have cstream && have_cstream=1 || note "cstream not installed: its rows SKIP"
have mbuffer && have_mbuffer=1 || note "mbuffer not installed: its rows SKIP"

if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    [ -d /dev/shm ] && [ -w /dev/shm ] && BENCH_TMPDIR=/dev/shm
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pipeflow-bench-throttle.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

line=$(printf '%099d' 0)        # 99 bytes and a newline

# rate_run STAGE COUNT UNIT ASKED: COUNT records (UNIT=rec) or bytes
# (UNIT=B) of 100-byte lines through STAGE; prints "error% cpu%".
rate_run() {
    local stage=$1 count=$2 unit=$3 asked=$4 head m u s n first secs
    if [ "$unit" = rec ]; then head="head -n $count"; else head="head -c $count"; fi
    if ! bash -c "yes '$line' | $head | /usr/bin/time -f '%U %S' -o '$tmp/usage' $stage |
        '$RATEMETER' -s 1000 1000 > '$tmp/m'" 2> "$tmp/err"; then
        echo "FAIL FAIL"
        sed 's/^/bench:   /' "$tmp/err" >&2
        return
    fi
    read -r u s < "$tmp/usage"
    set -- $(cat "$tmp/m")
    secs=$6
    if [ "$unit" = rec ]; then n=${15}; else n=${16}; fi
    awk -v n="$n" -v t="${17}" -v s="$secs" -v a="$asked" -v u="$u" -v y="$s" \
        'BEGIN { if (t <= 0) { print "- -"; exit }
            printf "%+.3f %.1f\n", 100 * (n / t - a) / a, 100 * (u + y) / s }'
}

printf 'bench: rate error over %ss a figure\n' "$BENCH_DUR" >&2
run_start
rows=()
for r in 10 1000 100000 1000000; do
    n=$((r * BENCH_DUR))
    tr=$(rate_run "'$THROTTLE' -r $r/s" "$n" rec "$r")
    pr="SKIP SKIP"
    [ $have_pv = 1 ] && pr=$(rate_run "pv -q -l -L $r" "$n" rec "$r")
    rows+=("| $r records/s | ${tr% *} % | ${tr#* } % | pv -l -L: ${pr% *} % | ${pr#* } % |")
    printf 'bench: %s records/s done\n' "$r" >&2
done
brows=()
for r in 10000000 100000000 1000000000; do
    n=$((r * BENCH_DUR))
    tb=$(rate_run "'$THROTTLE' --bytes -B ${r}B/s" "$n" B "$r")
    tl=$(rate_run "'$THROTTLE' -B ${r}B/s" "$n" B "$r")
    pb="SKIP SKIP" cb="SKIP SKIP" mb="SKIP SKIP"
    [ $have_pv = 1 ] && pb=$(rate_run "pv -q -L $r" "$n" B "$r")
    [ $have_cstream = 1 ] && cb=$(rate_run "cstream -t $r" "$n" B "$r")
    [ $have_mbuffer = 1 ] && mb=$(rate_run "mbuffer -q -m 4M -r $r" "$n" B "$r")
    brows+=("| $((r / 1000000)) MB/s | ${tb% *} % (${tb#* } %) | ${tl% *} % (${tl#* } %) | ${pb% *} % (${pb#* } %) | ${cb% *} % (${cb#* } %) | ${mb% *} % (${mb#* } %) |")
    printf 'bench: %s MB/s done\n' "$((r / 1000000))" >&2
done

# The ceiling: the same pipeline with no stage, unthrottled.
if bash -c "yes '$line' | head -c $((1000000000 * BENCH_DUR)) |
    '$RATEMETER' -s 1000 1000 > '$tmp/m'" 2> "$tmp/err"; then
    set -- $(cat "$tmp/m")
    ceiling=$(awk -v n="${16}" -v t="${17}" 'BEGIN { if (t > 0) printf "%.0f", n / t / 1e6; else print "-" }')
else
    ceiling=FAIL
fi
# And with a stage that only copies: what any stage can reach here.
if bash -c "yes '$line' | head -c $((1000000000 * BENCH_DUR)) | cat |
    '$RATEMETER' -s 1000 1000 > '$tmp/m'" 2> "$tmp/err"; then
    set -- $(cat "$tmp/m")
    ceiling_cat=$(awk -v n="${16}" -v t="${17}" 'BEGIN { if (t > 0) printf "%.0f", n / t / 1e6; else print "-" }')
else
    ceiling_cat=FAIL
fi
printf 'bench: no stage done\n' >&2

# ---- pass-through -----------------------------------------------------------
size=$(numfmt --from=iec "$BENCH_SIZE") || die "BENCH_SIZE: not a size"
size=$((size / 100 * 100))
input=$tmp/input
yes "$line" | head -c "$size" > "$input"
declare -A times
pass() {  # pass KEY CMD: one timed run into times[KEY]
    local t0 t1
    t0=$(date +%s%N)
    if bash -c "$2 < '$input' | cat > /dev/null"; then
        t1=$(date +%s%N)
        times[$1]="${times[$1]:-} $((t1 - t0))"
    else
        times[$1]="${times[$1]:-} FAIL"
    fi
}
for ((i = 0; i < BENCH_REPEATS; i++)); do
    pass bq-bytes "'$BQUEUE' --bytes"
    pass th-bytes "'$THROTTLE' --bytes -B 1000GB/s"
    pass bq-lines "'$BQUEUE'"
    pass th-lines "'$THROTTLE' -r 1G/s"
done
mbs() {  # MB/s of the median time of KEY
    local med
    # shellcheck disable=SC2086
    med=$(median ${times[$1]})
    [ "$med" = FAIL ] && { echo FAIL; return; }
    awk -v b="$size" -v ns="$med" 'BEGIN { printf "%.0f", b / (ns / 1e9) / 1e6 }'
}

# ---- adaptive ---------------------------------------------------------------
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%03999d\n", i }' > "$tmp/wide"
take=$(head -n 5000 "$tmp/wide" | "$RATEMETER" 100 1000 | awk '{ printf "%.0f", $2 / $6 }')
mkdir -m 700 "$tmp/st"
PIPEFLOW_STATUS_DIR=$tmp/st timeout "$BENCH_ADAPT" "$THROTTLE" -r 2000/s \
    --adaptive --min-rate 100/s --name ad "$tmp/wide" 2>/dev/null |
    "$RATEMETER" 100 1000 > "$tmp/m" &
t0=$(date +%s%N)
: > "$tmp/rates"
while [ $(( $(date +%s%N) - t0 )) -lt $((BENCH_ADAPT * 1000000000 - 300000000)) ]; do
    v=$(sed -n 's/^pipeflow_throttle_rate{[^}]*} //p' "$tmp/st/ad.prom" 2>/dev/null)
    [ -n "$v" ] && echo "$(( ($(date +%s%N) - t0) / 1000000 )) $v" >> "$tmp/rates"
    sleep 0.1
done
wait
adapt=$(awk -v c="$take" '
    !conv && $2 <= c { conv = $1 }
    conv && $1 >= conv { if (lo == "" || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
    END { if (!conv) print "never - -"; else printf "%.1f %.0f %.0f\n", conv / 1000, lo, hi }' \
    "$tmp/rates")
got=$(awk '{ printf "%.0f", $2 / $6 }' "$tmp/m")
run_context

# ---- report -----------------------------------------------------------------
mkdir -p "$results_dir"
report=$results_dir/throttle.md
{
    echo "throttle benchmark, $(date -u +%Y-%m-%d), $cpu_model, $(nproc) CPUs, load at end $load_end"
    echo
    echo "Rate error over ${BENCH_DUR}s (what arrived after the first second, over the time from there to the last read; 100-byte lines; CPU in % of one core):"
    echo
    echo "| rate | throttle -r error | throttle CPU | peer error | peer CPU |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| rate | throttle --bytes -B (CPU) | throttle -B, lines (CPU) | pv -L (CPU) | cstream -t (CPU) | mbuffer -r (CPU) |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${brows[@]}"
    echo
    echo "The same pipeline with no stage carried $ceiling MB/s, and with cat as the stage $ceiling_cat MB/s (the ceilings for the 1000 MB/s row)."
    echo
    echo "Pass-through of $(mib "$size") from a file, unlimited, median of $BENCH_REPEATS:"
    echo
    echo "| mode | bqueue MB/s | throttle MB/s | throttle / bqueue |"
    echo "|---|---|---|---|"
    a=$(mbs bq-bytes) b=$(mbs th-bytes)
    echo "| bytes | $a | $b | $(ratio "$b" "$a") |"
    a=$(mbs bq-lines) b=$(mbs th-lines)
    echo "| lines | $a | $b | $(ratio "$b" "$a") |"
    echo
    set -- $adapt
    echo "Adaptive: -r 2000/s --min-rate 100/s, consumer alone takes $take records/s of 4000 bytes; delivered $got/s over ${BENCH_ADAPT}s; rate first at or below the consumer's after $1 s, then between $2 and $3 records/s."
    for n in "${notes[@]}"; do echo; echo "Note: $n"; done
} | tee "$report"
printf 'bench: saved %s\n' "$report" >&2
