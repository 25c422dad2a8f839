# Events mode out of time: a model trained on cutoffs up to 2024-12-01 is evaluated as of
# 2025-03-01, its features and labels rebuilt with its own spec. The rows are churn-features'
# population at that date, the recency baseline sits beside the model with DeLong's test
# against it, and the output is the same for any thread count.
set -e
churn-synth --customers 3000 --days 600 --seed 3 --out events.csv -q
churn-train --events events.csv --cutoff 2024-09-01 --cutoff 2024-12-01 --model gbm \
    --rounds 60 --out m.json -q
churn-eval --model m.json --events events.csv --cutoff 2025-03-01 --json e1.json --threads 1 \
    >out.txt
churn-eval --model m.json --events events.csv --cutoff 2025-03-01 --json e3.json --threads 3 \
    -q >out3.txt
cmp e1.json e3.json
cmp out.txt out3.txt
churn-features --events events.csv --cutoff 2025-03-01 --out f.csv -q
rows=$(($(wc -l <f.csv) - 1))
positives=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "label") c = i; next }
                     $c == 1 { n++ } END { print n }' f.csv)
grep -q "^{\"rows\": $rows, \"positives\": $positives," e1.json
grep -q '"baseline": {"name": "recency baseline"' e1.json
grep -q '"vs_baseline": {"auc_diff": ' e1.json
# the model ranks better than recency alone
awk '$1 == "m.json" && m == "" { m = $2 } $1 == "recency" && b == "" { b = $3 }
     END { exit !(m + 0 > b + 0) }' out.txt
sed -n '1,2p' out.txt
grep -c 'recency baseline' out.txt
