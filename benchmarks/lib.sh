# Shared by the run_*.sh benchmarks (source it): the load average, the CPU other processes
# take while a tool runs, timing a tool with its peak memory, and the machine line. A
# result row records the 1-minute load average before and after its block and "others",
# the mean number of cores other processes kept busy meanwhile (/proc/stat less the tool's
# own CPU time), so a block run on a shared machine can be told apart: peers/summarise_runs.py
# marks every block whose load average was above 1.5.

load1() { cut -d' ' -f1 /proc/loadavg; }

# busy: the CPU ticks all processes have used since boot (all but idle and iowait)
busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# machine: one line naming the machine, the commit and the time
machine() {
    echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
        head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
        "$(date -u '+%Y-%m-%d %H:%M UTC')"
}

# block_begin: starts a block (one tool, one run): its load and CPU accounting. It first
# waits, up to CK_BENCH_SETTLE seconds [45], for the load average to fall to 1.5: the tools
# run on every core, so the block before leaves a load near the core count that would
# otherwise mark this one; load that stays is other work, and the block is marked.
block_begin() {
    local waited=0
    while (($(echo "$(load1) > 1.5" | bc) && waited < ${CK_BENCH_SETTLE:-45})); do
        sleep 5
        waited=$((waited + 5))
    done
    blk_load=$(load1) blk_wall=0 blk_others=0
}

# timed OUT ERR CMD...: runs CMD under /usr/bin/time; sets wall_s and peak_kb, and adds its
# wall seconds and the CPU seconds other processes used meanwhile to the block's
timed() {
    local out=$1 err=$2 b0 b1 user_s sys_s hz
    shift 2
    hz=$(getconf CLK_TCK)
    b0=$(busy)
    /usr/bin/time -f "%e %M %U %S" -o "$out.time" "$@" >"$out" 2>"$err"
    b1=$(busy)
    read -r wall_s peak_kb user_s sys_s <"$out.time"
    blk_wall=$(echo "$blk_wall + $wall_s" | bc -l)
    blk_others=$(echo "$blk_others + ($b1 - $b0) / $hz - $user_s - $sys_s" | bc -l)
}

# block_end: "load_before<TAB>load_after<TAB>others" of the block, for its result row
block_end() {
    local o
    o=$(echo "if ($blk_wall > 0) $blk_others / $blk_wall else 0" | bc -l)
    printf '%s\t%s\t%.2f' "$blk_load" "$(load1)" "$(echo "if ($o < 0) 0 else $o" | bc -l)"
}

# gbm_table: the stumps benchmark's table (peers/make_gbm_table.py), CK_GBM_ROWS rows
# [1000000] of seed CK_GBM_SEED [20241124], made once in $work/data-ROWS-SEED; sets rows,
# seed, train and test (needs work and python)
gbm_table() {
    rows=${CK_GBM_ROWS:-1000000}
    seed=${CK_GBM_SEED:-20241124}
    local data="$work/data-$rows-$seed"
    train="$data/train.csv" test="$data/test.csv"
    if [ ! -f "$train" ] || [ ! -f "$test" ]; then
        mkdir -p "$data"
        "$python" benchmarks/peers/make_gbm_table.py "$data" --rows "$rows" --seed "$seed"
    fi
}
