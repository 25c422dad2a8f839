#!/usr/bin/env bash
# churn-train --model gbm against XGBoost (hist) and scikit-learn (HistGradientBoosting),
# all fitting 500 stumps at learning rate 0.1 with 255 bins on 2 threads, on the same
# table (peers/make_gbm_table.py: 1M rows x 50 features by default, 80% train, 20% test):
# read, train and predict seconds, test AUC and peak memory. Runs are interleaved
# (churnkit, XGBoost, scikit-learn; repeated CK_GBM_RUNS times), each block with the load
# average before and after and the cores other processes took (benchmarks/lib.sh); then
# medians and the min-max of each per-run ratio (peers/summarise_runs.py), blocks above
# load 1.5 marked.
# Usage: benchmarks/run_gbm.sh [BUILD_DIR]
#   CK_GBM_ROWS   rows of the table, 80% of them train [1000000]
#   CK_GBM_SEED   its seed [20241124; another gives a table the results were never tuned on]
#   CK_GBM_RUNS   runs per tool [3]
#   CK_GBM_PEERS  the peers to run ["xgboost sklearn"]
#   CK_GBM_MEMORY churn-train's --memory: auto, low (the table held as bins) or high [auto:
#                 low for a train.csv over 512 MiB, so at 5M rows]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
build=${1:-build}
runs=${CK_GBM_RUNS:-3}
peers=${CK_GBM_PEERS:-xgboost sklearn}
memory=${CK_GBM_MEMORY:-auto}
rounds=500
threads=2
python=/usr/bin/python3 # Debian's, with python3-pandas, python3-xgboost, python3-sklearn
work=${CK_BENCH_DIR:-out/bench}/gbm
gbm_table
n_train=$(($(wc -l <"$train") - 1))
n_test=$(($(wc -l <"$test") - 1))
n_features=$(($(head -1 "$train" | tr ',' '\n' | wc -l) - 2))
echo "gbm benchmark: $n_train train / $n_test test rows x $n_features features (seed $seed)," \
    "$rounds stumps, learning rate 0.1, 255 bins, $threads threads, $runs interleaved runs," \
    "churn-train --memory $memory"
machine
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

results="$work/runs-$rows-$seed.tsv"
printf 'run\ttool\tread_s\ttrain_s\tpredict_s\tauc\tpeak_mb\tload_before\tload_after\tothers\n' \
    >"$results"

# churnkit RUN: churn-train's own timing line gives read and train apart; predict is the
# whole churn-predict run (read test.csv, score, write)
churnkit() {
    local t_read t_train train_kb
    block_begin
    timed "$work/train.out" "$work/train.err" "$build/churn-train" --table "$train" \
        --label churned --id customer_id --model gbm --rounds $rounds --learning-rate 0.1 \
        --max-bins 255 --lambda 1 --min-child-weight 0.001 --min-samples-leaf 20 --patience 0 \
        --valid-fraction 0 --subsample 1 --seed 42 --threads $threads --memory "$memory" \
        --out "$work/model.json"
    train_kb=$peak_kb
    read -r t_read t_train <<<"$(sed -n \
        's/^churn-train: timing: read \([0-9.]*\) s, train \([0-9.]*\) s.*/\1 \2/p' "$work/train.err")"
    timed "$work/predict.out" "$work/predict.err" "$build/churn-predict" --model "$work/model.json" \
        --table "$test" --id customer_id --out "$work/scores.csv" --threads $threads -q
    local auc
    auc=$("$python" benchmarks/peers/gbm_auc.py "$work/scores.csv" "$test")
    printf '%s\tchurnkit\t%s\t%s\t%s\t%s\t%d\t%s\n' "$1" "$t_read" "$t_train" "$wall_s" "$auc" \
        "$(((train_kb > peak_kb ? train_kb : peak_kb) / 1024))" "$(block_end)" >>"$results"
}

# peer RUN NAME: the peer's JSON line (read_s, train_s, predict_s, test_auc)
peer() {
    block_begin
    timed "$work/$2.json" "$work/$2.err" "$python" "benchmarks/peers/gbm_$2.py" "$train" "$test" \
        --rounds $rounds --threads $threads
    "$python" - "$work/$2.json" "$1" "$peak_kb" "$(block_end)" >>"$results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\t".join([sys.argv[2], "%s %s" % (d["tool"], d["version"]), str(d["read_s"]),
                 str(d["train_s"]), str(d["predict_s"]), str(d["test_auc"]),
                 "%.0f" % (int(sys.argv[3]) / 1024), sys.argv[4]]))
PY
}

for run in $(seq 1 "$runs"); do
    churnkit "$run"
    for p in $peers; do
        peer "$run" "$p"
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" benchmarks/peers/summarise_runs.py "$results" --reference churnkit \
    --measures read_s,train_s,predict_s
echo
echo "test AUC and peak MB (last run):"
tail -n "$((1 + $(wc -w <<<"$peers")))" "$results" | cut -f2,6,7 | sed 's/^/  /'
echo "read s: churnkit parses train.csv (the read part of churn-train's timing line);"
echo "  the peers read both CSVs with pandas. train s: XGBoost's includes its DMatrix."
echo "predict s: churnkit's is the whole churn-predict run (reads test.csv, writes the scores);"
echo "  the peers' is scoring the test set already in memory"

# the scoring kernel from memory and the cost of one round (the issue's ms/round), when
# the benchmarks are built (-DCK_BUILD_BENCHMARKS=ON)
if [ -x "$build/benchmarks/bench_gbm_score" ]; then
    "$build/benchmarks/bench_gbm_score" --model "$work/model.json" --table "$train" \
        --id customer_id --threads $threads
    "$build/benchmarks/bench_gbm_rounds" --table "$train" --label churned --id customer_id \
        --threads $threads --reps "$runs"
fi
