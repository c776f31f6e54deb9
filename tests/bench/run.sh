#!/usr/bin/env bash
# tests/bench/run.sh -- bqueue throughput against cat and peer buffers.
#
# Usage: bash tests/bench/run.sh [BUILD_DIR]
#
# Runs `cat FILE | STAGE | CONSUMER` for every STAGE in {cat, bqueue, pv,
# mbuffer, buffer}, in byte mode and in line mode (100-byte lines), with a
# fast consumer (cat > /dev/null) and a rate-capped slow consumer, with the
# scheduler free and with the whole pipeline pinned to CPU 0.  Each figure
# is the median of BENCH_REPEATS runs, interleaved across stages.  Prints a
# Markdown table and saves it to BUILD_DIR/tests/bench/results/latest.md.
#
# Environment:
#   BQUEUE         bqueue binary (default BUILD_DIR/bqueue)
#   BENCH_SIZE     data for fast-consumer cases (default 1G; 256M, 64M ...)
#   BENCH_REPEATS  runs per figure (default 3)
#   BENCH_TMPDIR   where the input file goes (default /dev/shm if tmpfs)
#   SLOW_RATE      slow consumer rate, bytes/s (default 200M = 200 MiB/s)
#   SLOW_DIV       slow cases use BENCH_SIZE / SLOW_DIV (default 8)
#   BUFFER_OPTS    options for buffer(1) (default "-s 64k": 1 MiB shm ring)
#   BENCH_CPU      CPU for the pinned placement (default 0)
#
# Not run by `make check`; run by `make bench`.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
BQUEUE=${BQUEUE:-$build_dir/bqueue}
BENCH_SIZE=${BENCH_SIZE:-1G}
BENCH_REPEATS=${BENCH_REPEATS:-3}
SLOW_RATE=${SLOW_RATE:-200M}
SLOW_DIV=${SLOW_DIV:-8}
BUFFER_OPTS=${BUFFER_OPTS:--s 64k}
BENCH_CPU=${BENCH_CPU:-0}
MEM=64M                 # -m for bqueue and mbuffer
MEM_BYTES=$((64 * 1024 * 1024))
RSS_SLACK=$((8 * 1024 * 1024))
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$BQUEUE" ] || die "no bqueue at $BQUEUE (build it, or set BQUEUE)"
have cksum || die "cksum not found"
have numfmt || die "numfmt not found"

# ---- sizes ------------------------------------------------------------------
size=$(numfmt --from=iec "$BENCH_SIZE" 2>/dev/null) ||
    die "BENCH_SIZE=$BENCH_SIZE: not a size"
size=$((size / 100 * 100))                  # whole 100-byte lines
slow_size=$((size / SLOW_DIV / 100 * 100))
[ "$size" -ge 100000 ] || die "BENCH_SIZE=$BENCH_SIZE is too small"

# ---- peers ------------------------------------------------------------------
have_pv=0 have_mbuffer=0 have_buffer=0 have_taskset=0 have_time=0
have pv && have_pv=1 || note "pv not installed: pv stages skipped"
have mbuffer && have_mbuffer=1 || note "mbuffer not installed: skipped"
have buffer && have_buffer=1 || note "buffer not installed: skipped"
have taskset && have_taskset=1 || note "taskset not installed: pinned placement skipped"
if [ -x /usr/bin/time ]; then
    have_time=1
else
    note "/usr/bin/time missing (apt package 'time'): peak RSS not measured"
fi

slow_rate=$(numfmt --from=iec "$SLOW_RATE" 2>/dev/null) ||
    die "SLOW_RATE=$SLOW_RATE: not a rate"

# ---- scratch and input --------------------------------------------------------
if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        avail_k=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
        [ "${avail_k:-0}" -gt $(((size + 2 * slow_size) / 1024 + 256 * 1024)) ] &&
            BENCH_TMPDIR=/dev/shm
    fi
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pipeflow-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

input=$tmp/input
slow_input=$tmp/input.slow

# Slow consumer, the same behind every stage: reads 64 KiB at a time, paced
# to exactly slow_rate bytes/s from its first byte.  (pv -L paces in 100 ms
# bursts, which quantizes the run time and hides a stage's own delay.)
if have perl && perl -MTime::HiRes -e 1 2>/dev/null; then
    cat > "$tmp/slow.pl" <<'EOF'
use strict; use warnings; use Time::HiRes qw(time sleep);
my $rate = shift or die "usage: slow.pl BYTES_PER_SECOND\n";
my ($n, $t0, $buf) = (0);
while (my $k = sysread(STDIN, $buf, 65536)) {
    $t0 //= time;
    $n += $k;
    my $d = $t0 + $n / $rate - time;
    sleep($d) if $d > 0;
}
EOF
    slow_consumer="perl '$tmp/slow.pl' $slow_rate"
    slow_desc="64 KiB reads paced to $slow_rate B/s (perl)"
elif [ "$have_pv" = 1 ]; then
    note "perl with Time::HiRes missing: slow consumer is pv -q -L (100 ms bursts)"
    slow_consumer="pv -q -L $slow_rate > /dev/null"
    slow_desc="pv -q -L $SLOW_RATE > /dev/null"
else
    die "need perl (Time::HiRes) or pv for the slow consumer"
fi

printf 'bench: generating %s bytes of 100-byte lines in %s\n' "$size" "$BENCH_TMPDIR" >&2
# One ~1 MiB block of numbered 100-byte lines, repeated.
awk 'BEGIN {
        pad = sprintf("%90s", ""); gsub(/ /, "x", pad)
        for (i = 0; i < 10486; i++) block = block sprintf("%08d %s\n", i, pad)
        for (;;) printf "%s", block
     }' 2>/dev/null | head -c "$size" > "$input"
[ "$(stat -c %s "$input")" = "$size" ] || die "could not generate input"
head -c "$slow_size" "$input" > "$slow_input"
# The RSS run needs more data than -m so that the buffer fills.
rss_input=$slow_input
if [ "$slow_size" -lt $((2 * MEM_BYTES)) ]; then
    rss_input=$tmp/input.rss
    head -c $((2 * MEM_BYTES)) "$input" > "$rss_input"
fi
rss_size=$(stat -c %s "$rss_input")
sum_input=$(cksum < "$input")
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

b0=$(sys_busy); sleep 1; b1=$(sys_busy)
idle_busy=$(awk -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.0f", 100 * d / hz }')
if [ "$idle_busy" -gt 10 ]; then
    note "before the run other processes kept ${idle_busy}% of one CPU busy: figures may be noisy"
fi
run_start

# ---- stages -------------------------------------------------------------------
# name|command, per mode
stages_for() {
    local mode=$1
    echo "(no stage)|"          # reference: cat FILE | CONSUMER
    echo "cat|cat"
    if [ "$mode" = bytes ]; then
        echo "bqueue --bytes|$BQUEUE --bytes -m $MEM"
        [ "$have_pv" = 1 ] && echo "pv -q|pv -q"
    else
        echo "bqueue|$BQUEUE -m $MEM"
        [ "$have_pv" = 1 ] && echo "pv -q -l|pv -q -l"
    fi
    [ "$have_mbuffer" = 1 ] && echo "mbuffer|mbuffer -q -m $MEM"
    [ "$have_buffer" = 1 ] && echo "buffer|buffer $BUFFER_OPTS"
    return 0
}

modes="bytes lines"
consumers="fast slow"
placements="free"
[ "$have_taskset" = 1 ] && placements="free pinned"

declare -A ok times mbps cpus rsss scpu srss

# ---- correctness: once per stage and mode, on the full input -------------------
printf 'bench: checking output of each stage\n' >&2
for mode in $modes; do
    while IFS='|' read -r name cmd; do
        if run_pipe free "$input" "$cmd" "cksum > '$tmp/sum'" > /dev/null &&
           [ "$(cat "$tmp/sum")" = "$sum_input" ]; then
            ok[$mode/$name]=1
        else
            ok[$mode/$name]=0
            note "$name ($mode mode): output differs from input or the pipeline failed; not timed"
        fi
    done < <(stages_for "$mode")
done

# ---- timing: repeats outermost, stage order rotated each round -----------------
printf 'bench: timing, %s rounds\n' "$BENCH_REPEATS" >&2
for ((r = 0; r < BENCH_REPEATS; r++)); do
    for consumer in $consumers; do
        if [ "$consumer" = fast ]; then
            file=$input ccmd="cat > /dev/null"
        else
            file=$slow_input ccmd=$slow_consumer
        fi
        for placement in $placements; do
            for mode in $modes; do
                mapfile -t st < <(stages_for "$mode")
                n=${#st[@]}
                for ((i = 0; i < n; i++)); do
                    entry=${st[$(((i + r) % n))]}
                    name=${entry%%|*} cmd=${entry#*|}
                    [ "${ok[$mode/$name]:-0}" = 1 ] || continue
                    time_stage "$mode/$consumer/$placement/$name" \
                        "$placement" "$file" "$cmd" "$ccmd"
                done
            done
        done
    done
    printf 'bench: round %d done\n' $((r + 1)) >&2
done

for key in "${!times[@]}"; do
    consumer=${key#*/}; consumer=${consumer%%/*}
    bytes=$size; [ "$consumer" = slow ] && bytes=$slow_size
    # shellcheck disable=SC2086
    m=$(median ${times[$key]})
    if [ "$m" = FAIL ]; then
        mbps[$key]=FAIL
    else
        mbps[$key]=$(awk -v b="$bytes" -v ns="$m" 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }')
    fi
    if [ -n "${cpus[$key]:-}" ]; then
        # shellcheck disable=SC2086
        scpu[$key]=$(printf '%.2f' "$(median ${cpus[$key]})")
        # shellcheck disable=SC2086
        srss[$key]=$(printf '%s\n' ${rsss[$key]} | sort -n | tail -1 |
            awk '{ printf "%.1f", $1 / 1024 }')
    fi
done

# ---- peak RSS of bqueue, slow consumer, free placement --------------------------
declare -A rss cpu
if [ "$have_time" = 1 ]; then
    printf 'bench: measuring peak RSS\n' >&2
    for mode in lines bytes; do
        flag=; [ "$mode" = bytes ] && flag=--bytes
        if run_pipe free "$rss_input" \
            "/usr/bin/time -f '%M %U %S' -o '$tmp/rss' $BQUEUE $flag -m $MEM" \
            "$slow_consumer" > /dev/null; then
            read -r k u s < "$tmp/rss"
            rss[$mode]=$k
            cpu[$mode]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        else
            rss[$mode]=FAIL
        fi
    done
fi

# ---- report -----------------------------------------------------------------------

bq_name() { [ "$1" = bytes ] && echo "bqueue --bytes" || echo "bqueue"; }
pv_name() { [ "$1" = bytes ] && echo "pv -q" || echo "pv -q -l"; }
best_peer() {  # best_peer PREFIX -> "mbps name" of the fastest peer
    local prefix=$1 mode=${1%%/*} p
    for p in "$(pv_name "$mode")" mbuffer buffer; do
        printf '%s\t%s\n' "${mbps[$prefix/$p]:-FAIL}" "$p"
    done | awk -F'\t' '$1 != "FAIL" && ($1 + 0 > best || n == "") { best = $1 + 0; v = $1; n = $2 }
                       END { if (n != "") print v, n }'
}

run_context

mkdir -p "$results_dir" || die "cannot create $results_dir"
out=$results_dir/latest.md
{
    echo "# bqueue benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), kernel $(uname -r), CPU: $cpu_model;" \
         "$("$BQUEUE" -V 2>/dev/null | head -1); load average at start: $load_start, at end: $load_end;" \
         "CPU used by other processes during the run: ${other_pct}% of one CPU"
    echo
    echo "Pipeline \`cat FILE | STAGE | CONSUMER\`. Input: 100-byte lines in $BENCH_TMPDIR;" \
         "fast consumer \`cat > /dev/null\` on $(mib "$size"), slow consumer \`$slow_desc\` on $(mib "$slow_size")." \
         "Pinned: \`taskset -c $BENCH_CPU\` on the whole pipeline. Median of $BENCH_REPEATS interleaved runs; MB = 10^6 bytes." \
         "Stage CPU: user + system seconds of the stage alone (median); stage RSS: its largest peak RSS."
    echo "Stages: bqueue \`-m $MEM\`, mbuffer \`-q -m $MEM\`, buffer \`$BUFFER_OPTS\`."
    echo
    echo "| case | placement | stage | MB/s | × cat | × fastest peer | × pv | × own --bytes | stage CPU s | stage RSS MiB |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for mode in $modes; do
        for consumer in $consumers; do
            for placement in $placements; do
                prefix=$mode/$consumer/$placement
                catv=${mbps[$prefix/cat]:-}
                read -r bestv bestn <<< "$(best_peer "$prefix")"
                pvv=${mbps[$prefix/$(pv_name "$mode")]:-}
                while IFS='|' read -r name cmd; do
                    v=${mbps[$prefix/$name]:-}
                    [ -n "$v" ] || v="not run"
                    bp=""; vp=""; ob=""
                    if [ "$name" = "$(bq_name "$mode")" ]; then
                        bp="$(ratio "$v" "${bestv:-}")${bestn:+ ($bestn)}"
                        vp=$(ratio "$v" "$pvv")
                        [ "$mode" = lines ] &&
                            ob=$(ratio "$v" "${mbps[bytes/$consumer/$placement/bqueue --bytes]:-}")
                    fi
                    name_md=$name; [ "$name" = "$(bq_name "$mode")" ] && name_md="**$name**"
                    echo "| $mode, $consumer | $placement | $name_md | $v | $(ratio "$v" "$catv") | $bp | $vp | $ob | ${scpu[$prefix/$name]:-} | ${srss[$prefix/$name]:-} |"
                done < <(stages_for "$mode")
            done
        done
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
    for consumer in $consumers; do
        # Slow cases are bound by the consumer's rate: allow 2% for noise.
        tol=1; [ "$consumer" = slow ] && tol=0.98
        for placement in $placements; do
            p=$consumer/$placement
            bqb=${mbps[bytes/$p/bqueue --bytes]:-}
            bql=${mbps[lines/$p/bqueue]:-}
            read -r bestv bestn <<< "$(best_peer "bytes/$p")"
            if [ -n "${bestv:-}" ]; then
                tgt "--bytes, $consumer, $placement: ≥ fastest peer ($bestn), ratio" \
                    "$(ratio "$bqb" "$bestv")" "$tol"
            fi
            if [ "$consumer" = fast ]; then
                want=3; [ "$placement" = pinned ] && want=1.25
                tgt "--bytes, fast, $placement: × cat" "$(ratio "$bqb" "${mbps[bytes/$p/cat]:-}")" "$want"
                echo "  (ceiling: \`cat FILE | cat > /dev/null\` with no stage at all is" \
                     "$(ratio "${mbps[bytes/$p/(no stage)]:-}" "${mbps[bytes/$p/cat]:-}") × cat;" \
                     "bqueue --bytes is $(ratio "$bqb" "${mbps[bytes/$p/(no stage)]:-}") × that)"
            fi
            if [ "$have_pv" = 1 ]; then
                tgt "lines, $consumer, $placement: ≥ pv -q -l, ratio" \
                    "$(ratio "$bql" "${mbps[lines/$p/pv -q -l]:-}")" "$tol"
            fi
            tgt "lines, $consumer, $placement: ≥ 0.9 × own --bytes, ratio" \
                "$(ratio "$bql" "$bqb")" "$(awk -v t="$tol" 'BEGIN { print 0.9 * t }')"
        done
    done
    if [ "$have_time" = 1 ]; then
        lim=$(((MEM_BYTES + RSS_SLACK) / 1024))
        for mode in lines bytes; do
            r=${rss[$mode]:-FAIL}
            if [ "$r" = FAIL ]; then
                echo "- n/a: peak RSS, $mode, slow consumer: measurement failed"
                continue
            fi
            verdict=MISS; [ "$r" -le "$lim" ] && verdict=pass
            extra=; [ "$mode" = bytes ] && extra=" (informative)"
            echo "- $verdict: peak RSS of bqueue -m $MEM, $mode, slow consumer$extra:" \
                 "$r KiB vs ≤ $lim KiB (-m + 8 MiB); CPU ${cpu[$mode]} s for $(mib "$rss_size")"
        done
    else
        echo "- n/a: peak RSS: /usr/bin/time is missing (apt package 'time')"
    fi
    if [ "${#notes[@]}" -gt 0 ]; then
        echo
        echo "## Notes"
        echo
        for n in "${notes[@]}"; do echo "- $n"; done
    fi
} > "$out"
cat "$out"
printf '\nbench: saved to %s\n' "$out" >&2
