#!/usr/bin/env bash
# tests/bench/lagwatch.sh -- lagwatch throughput against cat and pv.
#
# Usage: bash tests/bench/lagwatch.sh [BUILD_DIR]
#
# Runs `cat FILE | STAGE | cat > /dev/null` for every STAGE in {cat,
# lagwatch -q --bytes, lagwatch -q, lagwatch -q --time-field 2,
# pv -f -b -r -i 0.5} (pv as the meter in the same position; its stderr goes
# to /dev/null), with the scheduler free and with the whole pipeline pinned
# to one CPU.  The input is 100-byte lines whose second blank-separated
# field is an epoch timestamp with milliseconds, so every stage reads the
# same bytes.  Each figure is the median of BENCH_REPEATS runs, interleaved
# across stages.  Prints a Markdown table and the targets, and saves them to
# BUILD_DIR/tests/bench/results/lagwatch.md.
#
# Environment:
#   LAGWATCH       lagwatch binary (default BUILD_DIR/lagwatch)
#   BENCH_SIZE     input size (default 1G; 512M, 256M, 64M ...)
#   BENCH_REPEATS  runs per figure (default 3)
#   BENCH_TMPDIR   where the input file goes (default /dev/shm if tmpfs)
#   BENCH_CPU      CPU for the pinned placement (default 0)
#
# Not run by `make check`; run by `make bench` after run.sh.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
LAGWATCH=${LAGWATCH:-$build_dir/lagwatch}
BENCH_SIZE=${BENCH_SIZE:-1G}
BENCH_REPEATS=${BENCH_REPEATS:-3}
BENCH_CPU=${BENCH_CPU:-0}
PV_OPTS="-f -b -r -i 0.5"
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$LAGWATCH" ] || die "no lagwatch at $LAGWATCH (build it, or set LAGWATCH)"
have cksum || die "cksum not found"
have numfmt || die "numfmt not found"

size=$(numfmt --from=iec "$BENCH_SIZE" 2>/dev/null) ||
    die "BENCH_SIZE=$BENCH_SIZE: not a size"
size=$((size / 100 * 100))                  # whole 100-byte lines
[ "$size" -ge 100000 ] || die "BENCH_SIZE=$BENCH_SIZE is too small"

have_pv=0 have_taskset=0 have_time=0
have pv && have_pv=1 || note "pv not installed: pv stage skipped, its target n/a"
have taskset && have_taskset=1 || note "taskset not installed: pinned placement skipped"
if [ -x /usr/bin/time ]; then
    have_time=1
else
    note "/usr/bin/time missing (apt package 'time'): stage CPU and RSS not measured"
fi

# ---- scratch and input --------------------------------------------------------
if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        avail_k=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
        [ "${avail_k:-0}" -gt $((size / 1024 + 256 * 1024)) ] && BENCH_TMPDIR=/dev/shm
    fi
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pipeflow-bench-lagwatch.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

input=$tmp/input
printf 'bench: generating %s bytes of timestamped 100-byte lines in %s\n' "$size" "$BENCH_TMPDIR" >&2
# One ~1 MiB block of 100-byte lines "NNNNNNNN EPOCH.MMM xxx...", one
# millisecond apart and ending now, repeated.
awk -v now="$(date +%s)" 'BEGIN {
        pad = sprintf("%75s", ""); gsub(/ /, "x", pad)
        n = 10486; t0 = now * 1000 - n
        for (i = 0; i < n; i++) {
            t = t0 + i
            block = block sprintf("%08d %d.%03d %s\n", i, int(t / 1000), t % 1000, pad)
        }
        for (;;) printf "%s", block
     }' 2>/dev/null | head -c "$size" > "$input"
[ "$(stat -c %s "$input")" = "$size" ] || die "could not generate input"
[ "$(head -1 "$input" | wc -c)" = 100 ] || die "input lines are not 100 bytes"
sum_input=$(cksum < "$input")
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

b0=$(sys_busy); sleep 1; b1=$(sys_busy)
idle_busy=$(awk -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.0f", 100 * d / hz }')
if [ "$idle_busy" -gt 10 ]; then
    note "before the run other processes kept ${idle_busy}% of one CPU busy: figures may be noisy"
fi
run_start

# ---- stages -------------------------------------------------------------------
LW_BYTES="lagwatch -q --bytes"
LW_LINES="lagwatch -q"
LW_TIME="lagwatch -q --time-field 2"
PV_NAME="pv $PV_OPTS"
stages() {  # name|command
    echo "(no stage)|"          # reference: cat FILE | cat > /dev/null
    echo "cat|cat"
    echo "$LW_BYTES|$LAGWATCH -q --bytes"
    echo "$LW_LINES|$LAGWATCH -q"
    echo "$LW_TIME|$LAGWATCH -q --time-field 2"
    [ "$have_pv" = 1 ] && echo "$PV_NAME|pv $PV_OPTS 2>/dev/null"
    return 0
}
placements="free"
[ "$have_taskset" = 1 ] && placements="free pinned"
consumer="cat > /dev/null"

declare -A ok times mbps cpus rsss scpu srss

# ---- correctness: once per stage, on the full input ------------------------------
printf 'bench: checking output of each stage\n' >&2
while IFS='|' read -r name cmd; do
    if run_pipe free "$input" "$cmd" "cksum > '$tmp/sum'" > /dev/null &&
       [ "$(cat "$tmp/sum")" = "$sum_input" ]; then
        ok[$name]=1
    else
        ok[$name]=0
        note "$name: output differs from input or the pipeline failed; not timed"
    fi
done < <(stages)

# ---- timing: repeats outermost, stage order rotated each round -----------------
printf 'bench: timing, %s rounds\n' "$BENCH_REPEATS" >&2
mapfile -t st < <(stages)
n=${#st[@]}
for ((r = 0; r < BENCH_REPEATS; r++)); do
    for placement in $placements; do
        for ((i = 0; i < n; i++)); do
            entry=${st[$(((i + r) % n))]}
            name=${entry%%|*} cmd=${entry#*|}
            [ "${ok[$name]:-0}" = 1 ] || continue
            time_stage "$placement/$name" "$placement" "$input" "$cmd" \
                "$consumer"
        done
    done
    printf 'bench: round %d done\n' $((r + 1)) >&2
done

for key in "${!times[@]}"; do
    # shellcheck disable=SC2086
    m=$(median ${times[$key]})
    if [ "$m" = FAIL ]; then
        mbps[$key]=FAIL
    else
        mbps[$key]=$(awk -v b="$size" -v ns="$m" 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }')
    fi
    if [ -n "${cpus[$key]:-}" ]; then
        # shellcheck disable=SC2086
        scpu[$key]=$(printf '%.2f' "$(median ${cpus[$key]})")
        # shellcheck disable=SC2086
        srss[$key]=$(printf '%s\n' ${rsss[$key]} | sort -n | tail -1 |
            awk '{ printf "%.1f", $1 / 1024 }')
    fi
done

# ---- report -----------------------------------------------------------------------
run_context

mkdir -p "$results_dir" || die "cannot create $results_dir"
out=$results_dir/lagwatch.md
{
    echo "# lagwatch benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), kernel $(uname -r), CPU: $cpu_model;" \
         "$("$LAGWATCH" -V 2>/dev/null | head -1); load average at start: $load_start, at end: $load_end;" \
         "CPU used by other processes during the run: ${other_pct}% of one CPU"
    echo
    echo "Pipeline \`cat FILE | STAGE | cat > /dev/null\`. Input: $(mib "$size") of 100-byte lines" \
         "\`NNNNNNNN EPOCH.MMM xxx…\` (field 2 an epoch timestamp) in $BENCH_TMPDIR." \
         "Pinned: \`taskset -c $BENCH_CPU\` on the whole pipeline. Median of $BENCH_REPEATS interleaved runs; MB = 10^6 bytes." \
         "Stage CPU: user + system seconds of the stage alone (median); stage RSS: its largest peak RSS." \
         "pv's stderr goes to /dev/null."
    echo
    echo "| placement | stage | MB/s | × cat | × pv | × lagwatch --bytes | stage CPU s | stage RSS MiB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for placement in $placements; do
        catv=${mbps[$placement/cat]:-}
        pvv=${mbps[$placement/$PV_NAME]:-}
        lbv=${mbps[$placement/$LW_BYTES]:-}
        while IFS='|' read -r name cmd; do
            v=${mbps[$placement/$name]:-}
            [ -n "$v" ] || v="not run"
            vp=""; ob=""; name_md=$name
            case $name in
            lagwatch*)
                name_md="**$name**"
                vp=$(ratio "$v" "$pvv")
                [ "$name" = "$LW_BYTES" ] || ob=$(ratio "$v" "$lbv")
                ;;
            esac
            echo "| $placement | $name_md | $v | $(ratio "$v" "$catv") | $vp | $ob | ${scpu[$placement/$name]:-} | ${srss[$placement/$name]:-} |"
        done < <(stages)
    done
    echo
    echo "## Targets"
    echo
    tgt() {  # tgt DESCRIPTION VALUE LIMIT
        local verdict=MISS
        case "$2$3" in *FAIL*|*-*) verdict="n/a" ;; *) ge "$2" "$3" && verdict=pass ;; esac
        [ -z "$2" ] || [ -z "$3" ] && verdict="n/a"
        echo "- $verdict: $1 ($2 vs ≥ $3)"
    }
    for placement in $placements; do
        lbv=${mbps[$placement/$LW_BYTES]:-}
        tgt "$LW_BYTES, $placement: ≥ $PV_NAME, ratio" \
            "$(ratio "$lbv" "${mbps[$placement/$PV_NAME]:-}")" 1
        tgt "$LW_LINES, $placement: ≥ 0.9 × own --bytes, ratio" \
            "$(ratio "${mbps[$placement/$LW_LINES]:-}" "$lbv")" 0.9
        tgt "$LW_TIME, $placement: ≥ 0.7 × own --bytes, ratio" \
            "$(ratio "${mbps[$placement/$LW_TIME]:-}" "$lbv")" 0.7
    done
    if [ "${#notes[@]}" -gt 0 ]; then
        echo
        echo "## Notes"
        echo
        for n in "${notes[@]}"; do echo "- $n"; done
    fi
} > "$out"
cat "$out"
printf '\nbench: saved to %s\n' "$out" >&2
