#!/usr/bin/env bash
# Reading a training table: churn-train --table's reading (the read part of its timing
# line: the CSV parsed into the column store) against pandas read_csv with float32
# features and XGBoost's QuantileDMatrix built from that frame (peers/read_peers.py), on the
# training CSV of run_gbm.sh's table (the same CK_GBM_ROWS and CK_GBM_SEED; the file is
# page-cached by a first untimed read). Runs are interleaved (churnkit, the peers;
# CK_READ_RUNS times), each block with its load average (benchmarks/lib.sh); medians,
# MB/s, and the min-max of each per-run ratio (peers/summarise_runs.py).
# Usage: benchmarks/run_read.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
build=${1:-build}
runs=${CK_READ_RUNS:-3}
threads=2
python=/usr/bin/python3 # Debian's, with python3-pandas, python3-xgboost
work=${CK_BENCH_DIR:-out/bench}/gbm
gbm_table
mb=$(echo "$(stat -c %s "$train") / 1000000" | bc -l)
cat "$train" >/dev/null # page-cached, as the target says
printf 'read benchmark: %s (%.0f MB, %d rows), %d threads, %d interleaved runs\n' "$train" "$mb" \
    "$(($(wc -l <"$train") - 1))" $threads "$runs"
machine
results="$work/read-$rows-$seed.tsv"
printf 'run\ttool\tread_s\tload_before\tload_after\tothers\n' >"$results"
for run in $(seq 1 "$runs"); do
    # one boosting round: the reading is timed on its own in churn-train's timing line
    block_begin
    timed "$work/read.out" "$work/read.err" "$build/churn-train" --table "$train" --label churned \
        --id customer_id --model gbm --rounds 1 --threads $threads --out "$work/read_model.json"
    printf '%s\tchurnkit\t%s\t%s\n' "$run" "$(sed -n \
        's/^churn-train: timing: read \([0-9.]*\) s.*/\1/p' "$work/read.err")" "$(block_end)" \
        >>"$results"
    block_begin
    timed "$work/read_peers.json" "$work/read_peers.err" "$python" benchmarks/peers/read_peers.py \
        "$train" --threads $threads
    "$python" - "$work/read_peers.json" "$run" "$(block_end)" >>"$results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%s\tpandas %s float32\t%s\t%s" % (sys.argv[2], d["pandas"], d["read_s"], sys.argv[3]))
print("%s\tpandas + QuantileDMatrix\t%.3f\t%s" % (sys.argv[2], d["read_s"] + d["quantile_dmatrix_s"],
                                               sys.argv[3]))
PY
done
"$python" benchmarks/peers/summarise_runs.py "$results" --reference churnkit --measures read_s
"$python" - "$results" "$mb" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
mb = float(sys.argv[2])
for tool in dict.fromkeys(r["tool"] for r in rows):
    s = statistics.median(float(r["read_s"]) for r in rows if r["tool"] == tool)
    print("  %-26s %7.0f MB/s" % (tool, mb / s))
PY
echo "the two peer rows of a run share one block (one python process); its load is theirs"
