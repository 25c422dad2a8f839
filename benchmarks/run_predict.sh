#!/usr/bin/env bash
# Batch scoring at scale (issue 7), in one run on this machine, one run per command (each
# takes tens of seconds; rerun for spread):
#
# 1. 10M customers scored from a feature table, with the model size of run_gbm.sh (500
#    depth-1 trees, 50 features): churn-predict --table on a 10M-row CSV (the 200k-row
#    test table of peers/make_gbm_table.py tiled 50 times with new ids) against XGBoost
#    (peers/predict_xgboost.py: pandas read, then DMatrix + predict from memory, then
#    writing the scores, each timed on its own), and the kernels from memory: churnkit's
#    bench_gbm_score (ck_gbm_predict) against XGBoost's DMatrix + predict.
# 2. Events to scores for 1M customers on 2 threads: churn-synth --customers 1000000
#    (about 47M events), a model trained on a separate 100k-customer log, then
#    churn-predict --events on the 1M-customer log, timed whole (read, features, score,
#    enrich, write).
#
# Data stays in out/bench/ (git-ignored): about 2.3 GB for the 10M-row table and 2.3 GB
# for the 1M-customer log; the large score files are removed after they are counted.
# Usage: benchmarks/run_predict.sh [BUILD_DIR]   (bench_gbm_score needs
# -DCK_BUILD_BENCHMARKS=ON in BUILD_DIR; without it that line is skipped).
# CK_PREDICT_ROWS and CK_PREDICT_CUSTOMERS shrink the run to try the script.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bench=${CK_BENCH_DIR:-out/bench}
gbm="$bench/gbm" work="$bench/predict"
mkdir -p "$gbm" "$work"
python=/usr/bin/python3 # Debian's, with python3-pandas, python3-xgboost
threads=2
target_rows=${CK_PREDICT_ROWS:-10000000} # smaller for a trial run of the script
customers=${CK_PREDICT_CUSTOMERS:-1000000}

# timed FILE CMD...: runs CMD under /usr/bin/time, stdout to FILE; sets wall_s and peak_kb
timed() {
    local out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out"
    read -r wall_s peak_kb <"$work/time.txt"
}

# json FILE KEY...: the values of KEYs in a one-line JSON file, space-separated
json() {
    "$python" -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(" ".join(str(d[k]) for k in sys.argv[2:]))' "$@"
}

ratio() {
    printf '%.1f' "$(echo "($1) / ($2)" | bc -l)"
}

# need BYTES DIR: stop unless DIR's file system has BYTES free
need() {
    local free_kb
    free_kb=$(df -Pk "$2" | awk 'NR == 2 { print $4 }')
    if ((free_kb < $1 / 1024)); then
        echo "run_predict: $(($1 / 1048576)) MB needed in $2, $((free_kb / 1024)) MB free" >&2
        exit 1
    fi
}

# ---- 1. 10M customers from a feature table ------------------------------------------

train="$gbm/train.csv" test="$gbm/test.csv" model="$gbm/model.json"
if [ ! -f "$train" ] || [ ! -f "$test" ]; then
    "$python" benchmarks/peers/make_gbm_table.py "$gbm"
fi
if [ ! -f "$model" ]; then # the model of run_gbm.sh, trained the same way
    "$build/churn-train" --table "$train" --label churned --id customer_id --model gbm \
        --rounds 500 --learning-rate 0.1 --max-bins 255 --lambda 1 --min-child-weight 0.001 \
        --min-samples-leaf 20 --patience 0 --valid-fraction 0 --subsample 1 --seed 42 \
        --threads $threads --out "$model" -q
fi
table="$work/table-$target_rows.csv"
n_test=$(($(wc -l <"$test") - 1))
tiles=$(((target_rows + n_test - 1) / n_test))
if [ ! -f "$table" ]; then
    need $(($(stat -c %s "$test") * tiles * 11 / 10)) "$work"
    # tile t prefixes every id with T<t>, so the ids stay unique
    {
        head -n 1 "$test"
        for t in $(seq -w 1 $tiles); do
            tail -n +2 "$test" | sed "s/^/T$t/"
        done
    } >"$table.tmp.$$"
    mv "$table.tmp.$$" "$table"
fi
n_rows=$(($(wc -l <"$table") - 1))
table_mb=$(($(stat -c %s "$table") / 1048576))
n_features=$(($(head -1 "$table" | tr ',' '\n' | wc -l) - 2))
n_stumps=$("$python" -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["body"]["stumps"]))' "$model")
need $((n_rows * 200)) "$work"

echo "batch scoring: $n_rows rows x $n_features features ($table_mb MB CSV), $n_stumps stumps" \
    "(depth 1), $threads threads, $(nproc) cores"

# churnkit, whole runs: read the CSV, score, enrich, write every output column
timed /dev/null "$build/churn-predict" --model "$model" --table "$table" --id customer_id \
    --out "$work/scores-ck.csv" --threads $threads -q
ck_s=$wall_s ck_kb=$peak_kb ck_rows=$(($(wc -l <"$work/scores-ck.csv") - 1))
ck_cols=$(head -1 "$work/scores-ck.csv" | tr ',' '\n' | wc -l)
rm -f "$work/scores-ck.csv"
timed /dev/null "$build/churn-predict" --model "$model" --table "$table" --id customer_id \
    --reasons 0 --out "$work/scores-ck0.csv" --threads $threads -q
ck0_s=$wall_s ck0_rows=$(($(wc -l <"$work/scores-ck0.csv") - 1))
rm -f "$work/scores-ck0.csv"

# XGBoost: the booster is trained once and cached (not timed here)
if [ ! -f "$work/xgboost-model.json" ]; then
    "$python" benchmarks/peers/predict_xgboost.py "$train" "$test" \
        --model-cache "$work/xgboost-model.json" --threads $threads >"$work/xgboost-train.json"
fi
timed "$work/xgboost.json" "$python" benchmarks/peers/predict_xgboost.py "$train" "$table" \
    --model-cache "$work/xgboost-model.json" --threads $threads --out "$work/scores-xgb.csv"
xgb_kb=$peak_kb
read -r xgb_read xgb_predict xgb_write xgb_rows xgb_trees xgb_version <<<"$(json \
    "$work/xgboost.json" read_s predict_s write_s rows trees version)"
rm -f "$work/scores-xgb.csv"

printf '%-44s %9s %12s %8s\n' "" seconds rows/s "peak MB"
line() {
    printf '%-44s %9.2f %12.0f %8s\n' "$1" "$2" "$(echo "$n_rows / $2" | bc -l)" "$3"
}
line "churn-predict --table (${ck_cols} columns, 3 reasons)" "$ck_s" "$((ck_kb / 1024))"
line "churn-predict --table --reasons 0" "$ck0_s" ""
line "xgboost $xgb_version: pandas read" "$xgb_read" ""
line "xgboost $xgb_version: DMatrix + predict" "$xgb_predict" ""
line "xgboost $xgb_version: write id,probability" "$xgb_write" ""
line "xgboost $xgb_version: read + predict + write" \
    "$(echo "$xgb_read + $xgb_predict + $xgb_write" | bc -l)" "$((xgb_kb / 1024))"
[ "$ck_rows" = "$n_rows" ] && [ "$ck0_rows" = "$n_rows" ] && [ "$xgb_rows" = "$n_rows" ] ||
    echo "run_predict: warning: rows scored: churnkit $ck_rows and $ck0_rows," \
        "xgboost $xgb_rows, of $n_rows" >&2
echo "($xgb_trees XGBoost trees against $n_stumps churnkit stumps)"
echo "speed-up of churn-predict from the CSV over XGBoost:" \
    "$(ratio "$xgb_read + $xgb_predict + $xgb_write" "$ck_s")x its read + predict + write," \
    "$(ratio "$xgb_read + $xgb_predict" "$ck_s")x its read + predict," \
    "$(ratio "$xgb_predict" "$ck_s")x its predict alone"
echo "  churn-predict's seconds are the whole run: parse the CSV, score, risk band, stage, RFM,"
echo "  strategy, channel, reasons in words, write every column; XGBoost's predict starts"
echo "  from a float32 matrix already in memory and writes nothing"

# the kernels from memory: the table is read first, outside the timing
for kernel in "$build/benchmarks/bench_gbm_score" "$build/bench_gbm_score"; do
    if [ -x "$kernel" ]; then
        out=$("$kernel" --model "$model" --table "$table" --id customer_id --threads $threads)
        echo "$out"
        ns=$(sed -n 's/.*median \([0-9.]*\) ns\/row.*/\1/p' <<<"$out")
        kernel_s=$(echo "$ns * $n_rows / 1000000000" | bc -l)
        printf 'speed-up from memory: ck_gbm_predict %.2f s for %d rows, %sx over XGBoost'"'"'s DMatrix + predict\n' \
            "$kernel_s" "$n_rows" "$(ratio "$xgb_predict" "$kernel_s")"
        break
    fi
done

# ---- 2. events to scores, 1M customers ------------------------------------------------

events="$work/events-$customers-customers.csv"
train_events="$work/events-$((customers / 10))-customers.csv"
if [ ! -f "$events" ]; then
    need $((customers * 2500)) "$work" # about 47 events of 50 bytes per customer
    "$build/churn-synth" --customers $customers --days 730 --seed 2025 --out "$events" -q
fi
if [ ! -f "$train_events" ]; then
    "$build/churn-synth" --customers $((customers / 10)) --days 730 --seed 2026 \
        --out "$train_events" -q
fi
events_model="$work/events-model-$((customers / 10)).json"
if [ ! -f "$events_model" ]; then
    "$build/churn-train" --events "$train_events" --cutoff 2025-03-01 --cutoff 2025-06-01 \
        --cutoff 2025-09-01 --model gbm --rounds 300 --threads $threads --out "$events_model" -q
fi
n_events=$(($(wc -l <"$events") - 1))
events_mb=$(($(stat -c %s "$events") / 1048576))
timed /dev/null "$build/churn-predict" --model "$events_model" --events "$events" \
    --out "$work/scores-events.csv" --threads $threads -q
ev_s=$wall_s ev_kb=$peak_kb ev_rows=$(($(wc -l <"$work/scores-events.csv") - 1))
ev_scored=$(awk -F, 'NR > 1 && $NF == "scored"' "$work/scores-events.csv" | wc -l)
rm -f "$work/scores-events.csv"
echo
echo "events to scores: $customers customers, $n_events events ($events_mb MB CSV), $threads threads"
printf 'churn-predict --events: %.2f s wall, %d MB peak; %d rows, %d of them scored\n' \
    "$ev_s" "$((ev_kb / 1024))" "$ev_rows" "$ev_scored"
echo "  (the rows are the model's population as of the day after the last event: customers"
echo "  seen in the lookback window; read, features, score, enrich and write all included)"
