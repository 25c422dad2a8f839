#!/usr/bin/env bash
# The main job end to end on built-in synthetic data: a synthetic membership brand's
# behaviour history, its feature matrix (features, label, lifecycle stage, RFM), a
# boosted-stumps churn model validated out of time, and churn scores for today.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
bin=build
out=${CK_DEMO_DIR:-out/demo}
mkdir -p "$out"

"$bin/churn-synth" --customers 20000 --days 730 --seed 7 --out "$out/events.csv" \
    --customers-out "$out/customers.csv" --campaign-out "$out/assignments.csv" \
    --truth-out "$out/truth.json"
"$bin/churn-features" --events "$out/events.csv" --customers "$out/customers.csv" \
    --cutoff 2025-06-01 --cutoff 2025-09-01 --out "$out/features.csv"
# train on three quarterly snapshots, validate on the latest (out of time)
"$bin/churn-train" --events "$out/events.csv" --customers "$out/customers.csv" \
    --cutoff 2025-03-01 --cutoff 2025-06-01 --cutoff 2025-09-01 --model gbm \
    --rounds 300 --out "$out/models/"
"$bin/churn-predict" --model "$out/models/churn" --events "$out/events.csv" \
    --customers "$out/customers.csv" --out "$out/scores.csv"

echo
echo "demo outputs in $out/:"
echo "  events.csv       behaviour history ($(($(wc -l <"$out/events.csv") - 1)) events)"
echo "  customers.csv    customer attributes"
echo "  assignments.csv  a recall campaign's random assignments"
echo "  truth.json       the generator's true lifts and latent states"
echo "  features.csv     feature matrix as of 2025-06-01 and 2025-09-01 ($(($(wc -l <"$out/features.csv") - 1)) rows)"
echo "  models/          churn-v<N>.json: the model, one version per run"
echo "  scores.csv       churn probability of every active customer today ($(($(wc -l <"$out/scores.csv") - 1)) rows)"
echo
echo "lifecycle stages as of 2025-09-01:"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         $col["cutoff"] == "2025-09-01" { n[$col["lifecycle_stage"]]++ }
         END { for (s in n) printf "  %-10s %d\n", s, n[s] }' "$out/features.csv" | sort
echo
echo "highest churn risk today:"
sort -t, -k2 -g -r "$out/scores.csv" | grep -v churn_probability | head -n 5 | sed 's/^/  /'
