#!/usr/bin/env bash
# tests/bench/spill.sh -- spill against zstd and mbuffer, with a consumer
# that takes nothing until the producer is done, so that all of the input
# passes through disk.
#
# Usage: bash tests/bench/spill.sh [BUILD_DIR]
#
# For each contender, `cat FILE | CONTENDER | HELD-CONSUMER`: the consumer
# reads nothing until the producer (cat) has exited, then reads everything
# into cksum.  Measured:
#   absorb  input bytes / time until the producer is released (cat exits);
#   replay  input bytes / time from then until the consumer has it all;
#   disk    bytes on disk once everything was absorbed;
#   RSS     the contender's peak resident memory.
# Contenders: spill (-m 64M, -c 1), spill --durable --sync none, and
# mbuffer -q -m SIZE -T FILE (its whole buffer a file).  Peers for the
# targets: zstd -1 -T1 compressing FILE to a file (single-thread speed and
# output size), zstd -d of that file into a pipe to cat (replay peer), and
# the pipeline `cat FILE | zstd -1 -c | zstd -d -c | cat`.  Each figure is
# the median of BENCH_REPEATS runs.  Prints a Markdown table and the
# targets, and saves them to BUILD_DIR/tests/bench/results/spill.md.
#
# The input is log-like lines with random fields (a 16 MiB block repeated;
# zstd -1's window is far smaller than the block, so it compresses as
# unique data would).
#
# Environment:
#   SPILL          spill binary (default BUILD_DIR/spill)
#   BENCH_SIZE     input size (default 1G)
#   BENCH_REPEATS  runs per figure (default 3)
#   BENCH_TMPDIR   where the input goes (default /dev/shm if it has room)
#   BENCH_DISKDIR  where the spill directory and mbuffer's file go
#                  (default /var/tmp: a disk, not memory)
#
# Not run by `make check`; run by `make bench`.

set -u
set -o pipefail
export LC_ALL=C

build_dir=${1:-.}
build_dir=$(cd "$build_dir" && pwd) || exit 2
SPILL=${SPILL:-$build_dir/spill}
BENCH_SIZE=${BENCH_SIZE:-1G}
BENCH_REPEATS=${BENCH_REPEATS:-3}
BENCH_DISKDIR=${BENCH_DISKDIR:-/var/tmp}
results_dir=$build_dir/tests/bench/results

notes=()
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh" || { echo "bench: no common.sh" >&2; exit 2; }

[ -x "$SPILL" ] || die "no spill at $SPILL (build it, or set SPILL)"
have zstd || die "zstd not installed (apt package zstd)"
have numfmt || die "numfmt not found"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (apt package 'time')"
have_mbuffer=0
have mbuffer && have_mbuffer=1 || note "mbuffer not installed: its row skipped"

size=$(numfmt --from=iec "$BENCH_SIZE" 2>/dev/null) ||
    die "BENCH_SIZE=$BENCH_SIZE: not a size"
[ "$size" -ge 1000000 ] || die "BENCH_SIZE=$BENCH_SIZE is too small"

if [ -z "${BENCH_TMPDIR:-}" ]; then
    BENCH_TMPDIR=/tmp
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        avail_k=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
        [ "${avail_k:-0}" -gt $((size / 1024 + 256 * 1024)) ] && BENCH_TMPDIR=/dev/shm
    fi
fi
tmp=$(mktemp -d "$BENCH_TMPDIR/pipeflow-bench-spill.XXXXXX") || die "mktemp failed"
disk=$(mktemp -d "$BENCH_DISKDIR/pipeflow-bench-spill.XXXXXX") || die "mktemp in $BENCH_DISKDIR failed"
trap 'rm -rf "$tmp" "$disk"' EXIT
trap 'exit 130' INT TERM

input=$tmp/input
printf 'bench: generating %s bytes of log lines in %s\n' "$size" "$BENCH_TMPDIR" >&2
awk 'BEGIN {
        srand(42)
        split("GET POST PUT DELETE", m, " ")
        split("/api/v1/orders /api/v1/users /static/app.js /health /api/v2/search /login", p, " ")
        split("200 200 200 200 201 204 301 404 500", s, " ")
        t = 1764000000
        for (n = 0; n < 16777216; n += length(line) + 1) {
            t += rand() * 0.01
            line = sprintf("{\"ts\":%.3f,\"ip\":\"10.%d.%d.%d\",\"m\":\"%s\",\"path\":\"%s\",\"status\":%s,\"ms\":%d,\"user\":%d}",
                t, int(rand() * 256), int(rand() * 256), int(rand() * 256),
                m[1 + int(rand() * 4)], p[1 + int(rand() * 6)], s[1 + int(rand() * 9)],
                int(rand() * rand() * 2000), int(rand() * 100000))
            print line
        }
     }' > "$tmp/block"
while cat "$tmp/block"; do :; done 2>/dev/null | head -c "$size" > "$input"
rm -f "$tmp/block"
[ "$(stat -c %s "$input")" = "$size" ] || die "could not generate input"
sum_input=$(cksum < "$input")
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
run_start

declare -A absorb replay diskb rss ok

# held_run NAME CMD DIR: cat FILE | CMD | (wait; cksum).  Sets the
# figures for this run in h_absorb h_replay h_disk h_rss; 1 on failure.
held_run() {
    local name=$1 cmd=$2 dir=$3 t0 tp te flag=$tmp/flag
    rm -f "$flag" "$tmp/tprod" "$tmp/sum" "$tmp/rss" "$tmp/status"
    t0=$(date +%s%N)
    bash -c "{ cat '$input'; date +%s%N > '$tmp/tprod'; } |
        /usr/bin/time -f %M -o '$tmp/rss' $cmd |
        { while [ ! -e '$flag' ]; do sleep 0.01; done; cksum > '$tmp/sum'; }
        echo \"\${PIPESTATUS[*]}\" > '$tmp/status'" 2> "$tmp/stderr" &
    local pid=$!
    while [ ! -s "$tmp/tprod" ]; do
        kill -0 $pid 2>/dev/null || break
        sleep 0.01
    done
    tp=$(cat "$tmp/tprod" 2>/dev/null)
    sleep 0.2                   # the last read reaches the disk
    h_disk=$(du -sb "$dir" 2>/dev/null | cut -f1)
    touch "$flag"
    wait $pid
    te=$(date +%s%N)
    if [ "$(cat "$tmp/status" 2>/dev/null)" != "0 0 0" ] ||
       [ "$(cat "$tmp/sum" 2>/dev/null)" != "$sum_input" ] || [ -z "$tp" ]; then
        note "$name: FAILED (status $(cat "$tmp/status" 2>/dev/null)); $(head -3 "$tmp/stderr" | tr '\n' ' ')"
        return 1
    fi
    h_absorb=$(awk -v b="$size" -v ns=$((tp - t0)) 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }')
    # The 0.2 s pause is not replay time.
    h_replay=$(awk -v b="$size" -v ns=$((te - tp - 200000000)) 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }')
    h_rss=$(tail -n 1 "$tmp/rss" 2>/dev/null)
    return 0
}

contenders() {  # name|command|dir|memory MiB
    echo "spill -m 1M|$SPILL -q -m 1M -d $disk/spool|$disk/spool|1"
    echo "spill -m 64M|$SPILL -q -m 64M -d $disk/spool|$disk/spool|64"
    echo "spill --durable -m 1M --sync none|$SPILL -q -m 1M -d $disk/dspool --durable --sync none|$disk/dspool|1"
    echo "spill --durable -m 1M|$SPILL -q -m 1M -d $disk/dspool --durable|$disk/dspool|1"
    [ "$have_mbuffer" = 1 ] &&
        echo "mbuffer -T|mbuffer -q -m $(( (size / 1048576 + 64) ))M -T $disk/mbuf/buffer|$disk/mbuf|$((size / 1048576 + 64))"
    return 0
}

declare -A a_runs r_runs d_runs m_runs
zc_runs="" zd_runs="" zp_runs=""
for ((r = 0; r < BENCH_REPEATS; r++)); do
    # zstd -1, single thread, file to file: speed and size.
    t0=$(date +%s%N)
    zstd -1 -T1 -q -c "$input" > "$tmp/z"
    t1=$(date +%s%N)
    zc_runs="$zc_runs $((t1 - t0))"
    zbytes=$(stat -c %s "$tmp/z")
    t0=$(date +%s%N)
    zstd -d -q -c "$tmp/z" | cat > /dev/null
    t1=$(date +%s%N)
    zd_runs="$zd_runs $((t1 - t0))"
    t0=$(date +%s%N)
    cat "$input" | zstd -1 -T1 -q -c | zstd -d -q -c | cat > /dev/null
    t1=$(date +%s%N)
    zp_runs="$zp_runs $((t1 - t0))"
    rm -f "$tmp/z"
    while IFS='|' read -r name cmd dir mem; do
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        [ "$name" = "mbuffer -T" ] && mkdir -p "$dir"
        if held_run "$name" "$cmd" "$dir"; then
            a_runs[$name]="${a_runs[$name]:-} $h_absorb"
            r_runs[$name]="${r_runs[$name]:-} $h_replay"
            d_runs[$name]="${d_runs[$name]:-} $h_disk"
            m_runs[$name]="${m_runs[$name]:-} $h_rss"
        else
            a_runs[$name]="${a_runs[$name]:-} FAIL"
        fi
        rm -rf "$dir"
    done < <(contenders)
    printf 'bench: round %d done\n' $((r + 1)) >&2
done

mbs() { awk -v b="$size" -v ns="$1" 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }'; }
# shellcheck disable=SC2086
zc=$(mbs "$(median $zc_runs)")
# shellcheck disable=SC2086
zd=$(mbs "$(median $zd_runs)")
# shellcheck disable=SC2086
zp=$(mbs "$(median $zp_runs)")

run_context
mkdir -p "$results_dir" || die "cannot create $results_dir"
out=$results_dir/spill.md
{
    echo "# spill benchmark"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), kernel $(uname -r), CPU: $cpu_model;" \
         "$("$SPILL" -V 2>/dev/null | head -1), $(zstd -V 2>/dev/null | head -1);" \
         "load average at start: $load_start, at end: $load_end;" \
         "CPU used by other processes during the run: ${other_pct}% of one CPU"
    echo
    echo "Input: $(mib "$size") of JSON log lines (about 130 bytes, random fields) in $BENCH_TMPDIR;" \
         "spill directory and mbuffer's file in $BENCH_DISKDIR. The consumer reads nothing until" \
         "the producer has exited. Median of $BENCH_REPEATS runs; MB = 10^6 bytes."
    echo
    echo "| | MB/s | notes |"
    echo "|---|---:|---|"
    echo "| zstd -1 -T1, file to file | $zc | output $(mib "$zbytes") ($(awk -v a="$zbytes" -v b="$size" 'BEGIN { printf "%.1f%%", 100 * a / b }') of input) |"
    echo "| zstd -d, file to a pipe | $zd | |"
    echo "| cat \\| zstd -1 -c \\| zstd -d -c \\| cat | $zp | |"
    echo
    echo "| contender | absorb MB/s | × zstd -1 | replay MB/s | × zstd -d | on disk | × zstd -1 output | peak RSS | RSS − -m |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    while IFS='|' read -r name cmd dir mem; do
        # shellcheck disable=SC2086
        a=$(median ${a_runs[$name]:-FAIL})
        if [ "$a" = FAIL ]; then
            echo "| $name | FAILED | | | | | | | |"
            continue
        fi
        # shellcheck disable=SC2086
        rp=$(median ${r_runs[$name]})
        # shellcheck disable=SC2086
        db=$(median ${d_runs[$name]})
        # shellcheck disable=SC2086
        mr=$(printf '%s\n' ${m_runs[$name]} | sort -n | tail -1)
        absorb[$name]=$a replay[$name]=$rp diskb[$name]=$db rss[$name]=$mr
        if [ "$name" = "mbuffer -T" ]; then
            # Its buffer file is unlinked once open: du cannot see it.
            db=$((mem * 1048576)) diskb[$name]=$db
        fi
        echo "| $name | $a | $(ratio "$a" "$zc") | $rp | $(ratio "$rp" "$zd") | $(mib "$db") | $(ratio "$db" "$zbytes") | $(awk -v k="$mr" 'BEGIN { printf "%.1f MiB", k / 1024 }') | $(awk -v k="$mr" -v m="$mem" 'BEGIN { printf "%.1f MiB", k / 1024 - m }') |"
    done < <(contenders)
    echo
    t1="spill -m 1M"
    echo "Targets (\`$t1\`: all of the input goes through disk):"
    if [ -n "${absorb[$t1]:-}" ]; then
        t=$(awk -v z="$zc" 'BEGIN { printf "%.1f", 0.9 * z }')
        echo "- absorb ≥ 0.9 × zstd -1 ($t MB/s): ${absorb[$t1]} MB/s, $(ge "${absorb[$t1]}" "$t" && echo met || echo NOT met)"
        t=$(awk -v z="$zbytes" 'BEGIN { printf "%.0f", 1.02 * z }')
        echo "- disk ≤ zstd -1 output + 2% ($(mib "$t")): $(mib "${diskb[$t1]}"), $(ge "$t" "${diskb[$t1]}" && echo met || echo NOT met)"
        t=$(awk -v z="$zd" 'BEGIN { printf "%.1f", 0.8 * z }')
        echo "- replay ≥ 0.8 × zstd -d ($t MB/s): ${replay[$t1]} MB/s, $(ge "${replay[$t1]}" "$t" && echo met || echo NOT met)"
    fi
    for t1 in "spill -m 1M" "spill -m 64M"; do
        [ -n "${rss[$t1]:-}" ] || continue
        m=${t1#spill -m }; m=${m%M}
        echo "- memory of \`$t1\` ≤ -m + 16 MiB ($((m + 16)) MiB): $(awk -v k="${rss[$t1]}" 'BEGIN { printf "%.1f MiB", k / 1024 }'), $(ge $(((m + 16) * 1024)) "${rss[$t1]}" && echo met || echo NOT met)"
    done
    for n in "${notes[@]}"; do echo "- note: $n"; done
} > "$out"
cat "$out"
