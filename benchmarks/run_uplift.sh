#!/usr/bin/env bash
# churn-train --model uplift (T- and X-learner) against a scikit-learn T-learner
# (HistGradientBoostingClassifier per arm, peers/uplift_sklearn.py) on the same randomised
# experiment (peers/make_uplift_table.py: 1,000,000 train rows x 20 features, control + 2
# offers, about 4% converting, effects of a few points; 200,000 test rows from another
# seed, true uplift per row known), all with stumps, learning rate 0.05, at most 300
# rounds, early stopping on 20% of each arm, at least 100 rows per leaf, L2 10, 64 bins,
# 2 threads. Runs are interleaved (churnkit T, churnkit X, scikit-learn; repeated), each
# block printing the 1-minute load average before and after, marked * above 1.5 since the
# machine may be shared (the average also counts the benchmark's own 2 threads, so on 2
# cores most blocks are marked), and "others": the mean number of cores that other
# processes kept busy during the block (/proc/stat less the tool's own CPU time). Read and train are timed apart (churn-train's timing line;
# pandas read and fit in the peer); predict is churn-predict's whole run on the test table
# against scikit-learn's predict_proba from memory. Then medians, min-max of the per-run
# ratios, and the quality of each tool's test predictions (peers/uplift_quality.py: Spearman
# with the true uplift, Qini area and coefficient per arm).
# No uplift library is a peer: scikit-uplift and causalml are not installed here.
# Usage: benchmarks/run_uplift.sh [BUILD_DIR]
#   CK_UPLIFT_ROWS (train rows, 1000000), CK_UPLIFT_RUNS (runs per tool, 3), CK_BENCH_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
build=${1:-build}
rows=${CK_UPLIFT_ROWS:-1000000}
runs=${CK_UPLIFT_RUNS:-3}
test_rows=200000
threads=2
python=/usr/bin/python3 # Debian's, with python3-pandas, python3-sklearn, python3-scipy
work=${CK_BENCH_DIR:-out/bench}/uplift
data="$work/data-$rows"
mkdir -p "$data"
for tool in churn-train churn-predict; do
    if [ ! -x "$build/$tool" ]; then
        echo "run_uplift: $build/$tool missing (build churnkit first)" >&2
        exit 1
    fi
done

train="$data/train.csv" test="$data/test.csv"
if [ ! -f "$train" ] || [ ! -f "$test" ] || [ ! -f "$data/test_truth.csv" ]; then
    "$python" benchmarks/peers/make_uplift_table.py "$data" --rows "$rows" \
        --test-rows $test_rows
fi

sk_version=$("$python" -c 'import sklearn; print(sklearn.__version__)')
echo "uplift benchmark: $rows train / $test_rows test rows x 20 features, 3 arms," \
    "$threads threads, $runs interleaved runs per tool"
machine
echo "scikit-learn $sk_version"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

results="$work/runs.tsv"
printf 'run\ttool\tread_s\ttrain_s\tpredict_s\tpeak_mb\tload_before\tload_after\tothers\n' >"$results"

# churnkit RUN METHOD: train on the train table, score the test table; one row of results
churnkit() {
    local run=$1 method=$2 t_read t_train
    block_begin
    timed "$work/train_$method.out" "$work/train_$method.err" "$build/churn-train" \
        --model uplift --table "$train" --label converted --treatment arm --id id \
        --uplift-method "$method" --threads $threads --out "$work/model_$method.json"
    local train_kb=$peak_kb train_wall=$wall_s
    read -r t_read t_train <<<"$(sed -n \
        's/^churn-train: timing: read \([0-9.]*\) s, train \([0-9.]*\) s.*/\1 \2/p' \
        "$work/train_$method.err")"
    if [ -z "${t_train:-}" ]; then
        echo "run_uplift: warning: no timing line from churn-train; train s is its wall time" >&2
        t_read=0 t_train=$train_wall
    fi
    timed "$work/predict_$method.out" "$work/predict_$method.err" "$build/churn-predict" \
        --model "$work/model_$method.json" --table "$test" --out "$work/pred_$method.csv" \
        --threads $threads -q
    printf '%s\tchurnkit %s\t%s\t%s\t%s\t%d\t%s\n' "$run" \
        "$(tr a-z A-Z <<<"$method")" "$t_read" "$t_train" "$wall_s" \
        "$((train_kb / 1024))" "$(block_end)" >>"$results"
}

# sklearn RUN: the peer's JSON line; one row of results
sklearn() {
    local run=$1
    block_begin
    timed "$work/sklearn.json" "$work/sklearn.err" "$python" benchmarks/peers/uplift_sklearn.py \
        "$train" "$test" --pred "$work/pred_sklearn.csv" --threads $threads
    "$python" - "$work/sklearn.json" "$run" "$peak_kb" "$(block_end)" >>"$results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\t".join([sys.argv[2], "sklearn T", str(d["read_s"]), str(d["train_s"]),
                 str(d["predict_s"]), "%.0f" % (int(sys.argv[3]) / 1024), sys.argv[4]]))
PY
}

for run in $(seq 1 "$runs"); do
    churnkit "$run" t
    churnkit "$run" x
    sklearn "$run"
    tail -n 3 "$results" | while IFS=$'\t' read -r r tool rd tr pr mb lb la ot; do
        mark=$(echo "$lb > 1.5 || $la > 1.5" | bc)
        printf 'run %s %-11s read %5.2f s  train %6.2f s  predict %5.2f s  peak %4s MB  ' \
            "$r" "$tool" "$rd" "$tr" "$pr" "$mb"
        printf 'load %s -> %s%s  others %s cores\n' "$lb" "$la" \
            "$([ "$mark" = 1 ] && echo ' *' || echo '  ')" "$ot"
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rounds kept per arm (last run):"
sed -n 's/^churn-train: \{3\}/  churnkit T /p' "$work/train_t.err" | sed 's/  */ /g'
"$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("  sklearn T " + ", ".join("%s %d rows %d iterations" % (a, v["rows"], v["n_iter"])
      for a, v in d["arms"].items()))' "$work/sklearn.json"

"$python" - "$results" <<'PY'
import sys
import numpy as np
import pandas as pd

d = pd.read_csv(sys.argv[1], sep="\t")
d["marked"] = (d.load_before > 1.5) | (d.load_after > 1.5)
print("\nmedian (min-max) over %d runs; %d of %d blocks ran above load 1.5, %d beside other "
      "processes using 0.25 cores or more on average (most %.2f)" % (
          d.run.nunique(), d.marked.sum(), len(d), (d.others >= 0.25).sum(), d.others.max()))
print("%-11s %-22s %-22s %-22s" % ("tool", "read s", "train s", "predict s"))
for tool, g in d.groupby("tool", sort=False):
    cells = ["%.2f (%.2f-%.2f)" % (g[c].median(), g[c].min(), g[c].max())
             for c in ("read_s", "train_s", "predict_s")]
    print("%-11s %-22s %-22s %-22s" % (tool, *cells))
w = d.pivot(index="run", columns="tool")
sk = "sklearn T"
print("\nratios per run (scikit-learn / churnkit), median (min-max):")
for what, col in (("train", "train_s"), ("read", "read_s"), ("read + train", None),
                  ("predict", "predict_s")):
    for ck in ("churnkit T", "churnkit X"):
        if col is None:
            r = (w["read_s"][sk] + w["train_s"][sk]) / (w["read_s"][ck] + w["train_s"][ck])
        else:
            r = w[col][sk] / w[col][ck]
        print("  %-13s sklearn T / %-10s %6.2fx (%.2f-%.2fx)" % (
            what, ck, r.median(), r.min(), r.max()))
PY
echo "read s: churn-train parses train.csv; scikit-learn's is pandas reading train.csv and test.csv"
echo "predict s: churnkit's is the whole churn-predict run (reads test.csv, scores, writes);"
echo "  scikit-learn's is predict_proba of the 3 arm models on the test rows in memory"
echo "churnkit refits each arm's model on all its rows after early stopping; scikit-learn does not"

echo
echo "quality on the $test_rows test rows (last run's predictions; all three are deterministic):"
"$python" benchmarks/peers/uplift_quality.py "$test" "$data/test_truth.csv" \
    "churnkit T=$work/pred_t.csv" "churnkit X=$work/pred_x.csv" \
    "sklearn T=$work/pred_sklearn.csv"
