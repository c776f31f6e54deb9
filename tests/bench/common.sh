# shellcheck shell=bash
# tests/bench/common.sh -- helpers shared by the benchmark scripts
# (run.sh, lagwatch.sh).  Sourced, not run.  The caller sets `tmp` (scratch
# directory) and BENCH_CPU before calling run_pipe, and declares `notes=()`.

die() { printf 'bench: %s\n' "$*" >&2; exit 2; }
note() { printf 'bench: %s\n' "$*" >&2; notes+=("$*"); }
have() { command -v "$1" >/dev/null 2>&1; }

# Other work on the machine skews the figures: measure the CPU time spent
# outside this script (all CPUs busy time minus our own and our children's).
# shellcheck disable=SC2034  # used by the callers
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
sys_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat 2>/dev/null || echo 0; }
own_busy() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$$/stat" 2>/dev/null || echo 0; }

# run_pipe PLACEMENT FILE STAGECMD CONSUMERCMD -> prints elapsed ns, or
# returns 1 (after printing the failure) if any process failed.
# shellcheck disable=SC2154  # tmp is set by the caller
run_pipe() {
    local placement=$1 file=$2 stage=$3 consumer=$4 t0 t1 st want="0 0 0"
    local script="cat '$file' | $stage | $consumer; echo \"\${PIPESTATUS[*]}\" > '$tmp/status'"
    if [ -z "$stage" ]; then
        script="cat '$file' | $consumer; echo \"\${PIPESTATUS[*]}\" > '$tmp/status'"
        want="0 0"
    fi
    local pin=()
    [ "$placement" = pinned ] && pin=(taskset -c "$BENCH_CPU")
    rm -f "$tmp/status"
    t0=$(date +%s%N)
    "${pin[@]}" bash -c "$script" < /dev/null 2> "$tmp/stderr"
    t1=$(date +%s%N)
    st=$(cat "$tmp/status" 2>/dev/null)
    if [ "$st" != "$want" ]; then
        printf 'bench: FAILED (exit %s): %s\n' "${st:-?}" "$script" >&2
        sed 's/^/bench:   /' "$tmp/stderr" >&2
        return 1
    fi
    echo $((t1 - t0))
}

# time_stage KEY PLACEMENT FILE STAGECMD CONSUMERCMD: one timed run of
# run_pipe.  Appends the elapsed ns (or FAIL) to times[KEY] and, when
# have_time is 1, the stage's CPU seconds and peak RSS (KiB) to cpus[KEY]
# and rsss[KEY]; the stage runs under /usr/bin/time for them, a waiting
# parent that costs it nothing.  The caller declares the three arrays.
# shellcheck disable=SC2154  # times, cpus, rsss, have_time: the caller's
time_stage() {
    local key=$1 placement=$2 file=$3 cmd=$4 consumer=$5 ns u sy k
    [ "$have_time" = 1 ] && [ -n "$cmd" ] &&
        cmd="/usr/bin/time -f '%U %S %M' -o '$tmp/usage' $cmd"
    if ns=$(run_pipe "$placement" "$file" "$cmd" "$consumer"); then
        times[$key]="${times[$key]:-} $ns"
        if [ "$have_time" = 1 ] && [ -n "$cmd" ] && read -r u sy k < "$tmp/usage"; then
            cpus[$key]="${cpus[$key]:-} $(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')"
            rsss[$key]="${rsss[$key]:-} $k"
        fi
    else
        times[$key]="${times[$key]:-} FAIL"
    fi
}

median() {  # median of the arguments; FAIL if any is FAIL
    local v
    for v; do [ "$v" = FAIL ] && { echo FAIL; return; }; done
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 }
        END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

ratio() {  # ratio A B (MB/s figures), or a dash
    case "$1$2" in *FAIL*) echo "-"; return ;; esac
    [ -n "$1" ] && [ -n "$2" ] || { echo "-"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# run_start: note the machine's busy time before the measurements.
run_start() {
    run_sys0=$(sys_busy) run_own0=$(own_busy) run_t0=$(date +%s%N)
}

# run_context: after them, set other_pct (CPU others used meanwhile, in %
# of one CPU; noted when above 5), cpu_model and load_end for the report.
run_context() {
    local run_sys1 run_own1 run_t1
    run_sys1=$(sys_busy) run_own1=$(own_busy) run_t1=$(date +%s%N)
    other_pct=$(awk -v s=$((run_sys1 - run_sys0)) -v o=$((run_own1 - run_own0)) \
        -v hz="$hz" -v ns=$((run_t1 - run_t0)) \
        'BEGIN { v = 100 * (s - o) / hz / (ns / 1e9); printf "%.0f", v < 0 ? 0 : v }')
    if [ "$other_pct" -gt 5 ]; then
        note "during the run other processes used on average ${other_pct}% of one CPU: figures are noisy, rerun on a quiet machine"
    fi
    cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
    [ -n "$cpu_model" ] || cpu_model=$(uname -m)
    # shellcheck disable=SC2034  # read by the callers
    load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
}
