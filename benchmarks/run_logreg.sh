#!/usr/bin/env bash
# churn-train --model logreg (newton, lbfgs and the liblinear bridge) against LIBLINEAR's
# command-line trainer (liblinear-train -s 0 -B 1) and scikit-learn's LogisticRegression
# (lbfgs), all at the same C on the same design matrix (churnkit's: 50 standardised
# numeric features and 50 missing indicators, plus the bias), on the 1M-row x 50-feature
# table of the stumps benchmark (800k train, 200k test), in one run: read and train
# seconds, the objective each reaches and its gap to the best, test AUC, and the ratios.
# churnkit and scikit-learn on 2 threads; LIBLINEAR 2.3 has one. Reading is reported apart
# for every tool (see peers/logreg_peers.py for how LIBLINEAR's is measured).
# Usage: benchmarks/run_logreg.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
table=${CK_BENCH_DIR:-out/bench}/gbm
work=${CK_BENCH_DIR:-out/bench}/logreg
mkdir -p "$table" "$work"
python=/usr/bin/python3 # Debian's, with python3-pandas and python3-sklearn
if ! command -v liblinear-train >/dev/null; then
    echo "run_logreg: liblinear-train missing (apt-get install liblinear-tools)" >&2
    exit 1
fi
threads=2
C=1
tol=1e-7

train="$table/train.csv" test="$table/test.csv"
if [ ! -f "$train" ] || [ ! -f "$test" ]; then
    "$python" benchmarks/peers/make_gbm_table.py "$table"
fi
n_train=$(($(wc -l <"$train") - 1))
n_test=$(($(wc -l <"$test") - 1))

echo "logreg benchmark: $n_train train / $n_test test rows, C $C, tol $tol (relative gradient)," \
    "$threads threads, $(nproc) cores"

# churnkit: read and train seconds from churn-train's timing line, its peak memory; test AUC
# of churn-predict's scores (peers/gbm_auc.py)
declare -A ck_read ck_train ck_auc ck_kb
for solver in newton lbfgs liblinear; do
    /usr/bin/time -f "%M" -o "$work/$solver.kb" "$build/churn-train" --table "$train" \
        --label churned --id customer_id --model logreg --solver $solver --C $C --tol $tol \
        --threads $threads --out "$work/$solver.json" 2>"$work/$solver.err"
    ck_kb[$solver]=$(tail -n 1 "$work/$solver.kb")
    read -r ck_read[$solver] ck_train[$solver] < <(sed -n \
        's/^churn-train: timing: read \([0-9.]*\) s, train \([0-9.]*\) s.*/\1 \2/p' \
        "$work/$solver.err")
    "$build/churn-predict" --model "$work/$solver.json" --table "$test" --id customer_id \
        --out "$work/$solver.scores.csv" --threads $threads -q
    ck_auc[$solver]=$("$python" benchmarks/peers/gbm_auc.py "$work/$solver.scores.csv" "$test")
done

# the peers, and every objective on one matrix
"$python" benchmarks/peers/logreg_peers.py "$train" "$test" "$work" --C $C --tol $tol \
    --threads $threads "$work/newton.json" "$work/lbfgs.json" "$work/liblinear.json" \
    >"$work/peers.jsonl"

"$python" - "$work/peers.jsonl" \
    "${ck_read[newton]}" "${ck_train[newton]}" "${ck_auc[newton]}" "${ck_kb[newton]}" \
    "${ck_read[lbfgs]}" "${ck_train[lbfgs]}" "${ck_auc[lbfgs]}" "${ck_kb[lbfgs]}" \
    "${ck_read[liblinear]}" "${ck_train[liblinear]}" "${ck_auc[liblinear]}" \
    "${ck_kb[liblinear]}" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
peers = {r["tool"]: r for r in rows if "tool" in r}
ours = {r["solver"]: r for r in rows if "solver" in r}
args = sys.argv[2:]
table = []  # (key, label, read s, train s, objective, test AUC, iterations, peak MB)
for k, solver in enumerate(["newton", "lbfgs", "liblinear"]):
    read_s, train_s, auc, kb = (float(a) for a in args[4 * k:4 * k + 4])
    r = ours[solver]
    table.append((f"churnkit {solver}", f"churnkit {solver}", read_s, train_s, r["objective"],
                  auc, r["iterations"], kb / 1024))
for key in ["liblinear-train", "scikit-learn"]:
    r = peers[key]
    table.append((key, f"{key} {r['version']}", r["read_s"], r["train_s"], r["objective"],
                  r["test_auc"], r["iterations"], r["peak_mb"]))
best = min(t[4] for t in table)
print(f"{'tool':<24} {'read s':>7} {'train s':>8} {'iter':>5} {'objective':>18} {'gap':>9} "
      f"{'test AUC':>9} {'peak MB':>8}")
for key, label, read_s, train_s, obj, auc, it, mb in table:
    print(f"{label:<24} {read_s:7.2f} {train_s:8.2f} {it:5d} {obj:18.6f} "
          f"{(obj - best) / best:9.1e} {auc:9.6f} {mb:8.0f}")
train = {t[0]: t[3] for t in table}
for solver in ["newton", "lbfgs"]:
    ck = train[f"churnkit {solver}"]
    print(f"churnkit {solver} train speed-up: {train['liblinear-train'] / ck:.1f}x over "
          f"LIBLINEAR -s 0, {train['scikit-learn'] / ck:.1f}x over scikit-learn lbfgs")
for solver, r in ours.items():
    print(f"churnkit {solver}: objective {r['reported_objective']:.10f} as reported, "
          f"{r['objective']:.10f} recomputed by the peer script")
EOF
echo "gap: (objective - best) / best; every tool minimises C * sum of log losses + |w|^2 / 2 on"
echo "  the same matrix (scikit-learn's objective divided by C, the bias a penalised feature)"
echo "read s: churnkit parses train.csv (churn-train's timing line); LIBLINEAR reads its libsvm"
echo "  file (a run stopped after the first gradient); scikit-learn: pandas and the design"
echo "peak MB: churnkit's whole churn-train run; LIBLINEAR's trainer; scikit-learn's Python process"
echo "  (pandas, the design matrix and the fit)"
echo "train s: churnkit's includes learning the preprocessing and the train metrics; its design"
echo "  rows are made again from the float columns in every pass, never stored"
