#!/usr/bin/env bash
# churn-train --model gbm against XGBoost (hist) and scikit-learn (HistGradientBoosting),
# all fitting 500 stumps at learning rate 0.1 on 2 threads, on the same 1M-row x 50-feature
# table (800k train, 200k test), in one run: read, train and predict seconds, scoring
# rows/s, test AUC, peak memory, and the ratios. One run per tool (each takes tens of
# seconds; rerun for spread). Usage: benchmarks/run_gbm.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=${CK_BENCH_DIR:-out/bench}/gbm
mkdir -p "$work"
python=/usr/bin/python3 # Debian's, with python3-pandas, python3-xgboost, python3-sklearn
rounds=500
threads=2

train="$work/train.csv" test="$work/test.csv"
if [ ! -f "$train" ] || [ ! -f "$test" ]; then
    "$python" benchmarks/peers/make_gbm_table.py "$work"
fi
n_train=$(($(wc -l <"$train") - 1))
n_test=$(($(wc -l <"$test") - 1))
n_features=$(($(head -1 "$train" | tr ',' '\n' | wc -l) - 2))

# timed FILE CMD...: runs CMD under /usr/bin/time; sets wall_s and peak_kb
timed() {
    local out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out"
    read -r wall_s peak_kb <"$work/time.txt"
}

# row LABEL READ TRAIN PREDICT AUC PEAK_KB: one line of the table
row() {
    printf '%-14s %8.2f %9.2f %10.2f %12.0f %9.4f %8.0f\n' "$1" "$2" "$3" "$4" \
        "$(echo "$n_test / $4" | bc -l)" "$5" "$(echo "$6 / 1024" | bc -l)"
}

# json FILE KEY...: the values of KEYs in a one-line JSON file, space-separated
json() {
    "$python" -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(" ".join(str(d[k]) for k in sys.argv[2:]))' "$@"
}

echo "gbm benchmark: $n_train train / $n_test test rows x $n_features features," \
    "$rounds stumps, learning rate 0.1, $threads threads, $(nproc) cores"

# churnkit: the reading and training times come from churn-train's own timing line;
# predict is the whole churn-predict run (read test.csv, score, write the scores)
timed "$work/train.out" "$build/churn-train" --table "$train" --label churned --id customer_id \
    --model gbm --rounds $rounds --learning-rate 0.1 --max-bins 255 --lambda 1 \
    --min-child-weight 0.001 --min-samples-leaf 20 --patience 0 --valid-fraction 0 \
    --subsample 1 --seed 42 --threads $threads --out "$work/model.json" 2>"$work/train.err"
ck_wall=$wall_s ck_train_kb=$peak_kb
timing=$(sed -n 's/^churn-train: timing: read \([0-9.]*\) s, train \([0-9.]*\) s.*/\1 \2/p' \
    "$work/train.err")
if [ -n "$timing" ]; then
    read -r ck_read ck_train <<<"$timing"
else
    echo "run_gbm: warning: no timing line from churn-train; train s is its wall time" >&2
    ck_read=0 ck_train=$ck_wall
fi
timed "$work/predict.out" "$build/churn-predict" --model "$work/model.json" --table "$test" \
    --id customer_id --out "$work/scores.csv" --threads $threads -q
ck_predict=$wall_s ck_predict_kb=$peak_kb
ck_auc=$("$python" benchmarks/peers/gbm_auc.py "$work/scores.csv" "$test")
ck_kb=$((ck_train_kb > ck_predict_kb ? ck_train_kb : ck_predict_kb))

timed "$work/xgboost.json" "$python" benchmarks/peers/gbm_xgboost.py "$train" "$test" \
    --rounds $rounds --threads $threads
xgb_kb=$peak_kb
read -r xgb_read xgb_train xgb_predict xgb_auc <<<"$(json "$work/xgboost.json" read_s train_s \
    predict_s test_auc)"
xgb_version=$(json "$work/xgboost.json" version)

timed "$work/sklearn.json" "$python" benchmarks/peers/gbm_sklearn.py "$train" "$test" \
    --rounds $rounds --threads $threads
sk_kb=$peak_kb
read -r sk_read sk_train sk_predict sk_auc <<<"$(json "$work/sklearn.json" read_s train_s \
    predict_s test_auc)"
sk_version=$(json "$work/sklearn.json" version)

printf '%-14s %8s %9s %10s %12s %9s %8s\n' tool "read s" "train s" "predict s" "rows/s" \
    "test AUC" "peak MB"
row churnkit "$ck_read" "$ck_train" "$ck_predict" "$ck_auc" "$ck_kb"
row "xgboost $xgb_version" "$xgb_read" "$xgb_train" "$xgb_predict" "$xgb_auc" "$xgb_kb"
row "sklearn $sk_version" "$sk_read" "$sk_train" "$sk_predict" "$sk_auc" "$sk_kb"
printf 'churnkit train speed-up: %.2fx over XGBoost hist, %.2fx over scikit-learn\n' \
    "$(echo "$xgb_train / $ck_train" | bc -l)" "$(echo "$sk_train / $ck_train" | bc -l)"
printf 'test AUC difference: churnkit - XGBoost = %+.5f, churnkit - scikit-learn = %+.5f\n' \
    "$(echo "$ck_auc - $xgb_auc" | bc -l)" "$(echo "$ck_auc - $sk_auc" | bc -l)"
# the float matrix and one byte of bin index per cell, for the training rows
matrix_mb=$(echo "$n_train * $n_features * 5 / 1048576" | bc -l)
printf 'churnkit peak memory: train %.0f MB, predict %.0f MB; float matrix + bins %.0f MB\n' \
    "$(echo "$ck_train_kb / 1024" | bc -l)" "$(echo "$ck_predict_kb / 1024" | bc -l)" "$matrix_mb"
echo "read s: churnkit parses train.csv; the peers read both CSVs with pandas"
echo "predict s: churnkit's is the whole churn-predict run (reads test.csv, writes the scores);"
echo "  the peers' is scoring the test set already in memory"

# the scoring kernel from memory, when the benchmarks are built (-DCK_BUILD_BENCHMARKS=ON)
for bench in "$build/benchmarks/bench_gbm_score" "$build/bench_gbm_score"; do
    if [ -x "$bench" ]; then
        "$bench" --model "$work/model.json" --table "$train" --id customer_id --threads $threads
        break
    fi
done
