# Champion against challenger on the same rows: both side by side, DeLong's test with its
# interval, bootstrap intervals reproducible by seed (the same bytes for any thread count,
# other bytes for another seed), DIR/name@N model names, and a self-contained report.
set -e
churn-synth --customers 3000 --days 600 --seed 5 --out events.csv -q
churn-train --events events.csv --cutoff 2024-09-01 --cutoff 2024-12-01 --model gbm \
    --rounds 40 --out models/ -q
churn-train --events events.csv --cutoff 2024-06-01 --cutoff 2024-09-01 --cutoff 2024-12-01 \
    --model gbm --rounds 120 --out models/ -q
run() {
    churn-eval --model models/churn@1 --model models/churn --events events.csv \
        --cutoff 2025-03-01 --bootstrap 200 "$@"
}
run --seed 7 --threads 1 --json a.json --report r.html >table.txt
run --seed 7 --threads 4 --json b.json -q >/dev/null
run --seed 8 --threads 2 --json c.json -q >/dev/null
cmp a.json b.json
! cmp -s a.json c.json
for key in '"comparison": {"auc_diff": ' '"auc_diff_ci": [' '"delong_z": ' '"delong_p": ' \
    '"auc_ci": [' '"bootstrap_diff_ci": [' '"model": "churn-v1.json"' \
    '"model": "churn-v2.json"'; do
    grep -qF "$key" a.json || { echo "missing $key"; exit 1; }
done
[ "$(grep -oF '"auc_ci": [' a.json | wc -l)" = 3 ] # both models and the baseline
# the report: one file, charts as inline SVG, no script, nothing to fetch
[ "$(grep -o '<svg' r.html | wc -l)" -ge 10 ]
! grep -qi '<script\|src=\|href=\|@import\|url(' r.html
grep -q 'ROC curve' r.html && grep -q 'Shape functions' r.html
grep -E '^(A|B)  |^   recency' table.txt | cut -c1-22 | sort -u
grep -c "champion A against challenger B, DeLong's test" table.txt
