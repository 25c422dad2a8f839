# Table mode on a model trained in the case: features tables as of two dates from a
# synthetic log; train on the first table (churn-train --table ... --model gbm), evaluate
# on the second. The JSON counts the rows and churners of the table, holds the keys of
# DESIGN.md, and the table on stdout names the model.
set -e
churn-synth --customers 3000 --days 600 --seed 11 --out events.csv -q
churn-features --events events.csv --cutoff 2024-12-01 --out train.csv -q
churn-features --events events.csv --cutoff 2025-03-01 --out test.csv -q
churn-train --table train.csv --label label --id customer_id --model gbm --rounds 80 \
    --out model.json -q
churn-eval --model model.json --table test.csv --json m.json --top 5,10 >table.txt
# the model's label and id columns are the defaults; naming them gives the same JSON
churn-eval --model model.json --table test.csv --label label --id customer_id --json m2.json \
    --top 5,10 -q >/dev/null
cmp m.json m2.json
rows=$(($(wc -l <test.csv) - 1))
positives=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "label") c = i; next }
                     $c == 1 { n++ } END { print n }' test.csv)
grep -q "^{\"rows\": $rows, \"positives\": $positives," m.json
for key in '"models"' '"model": "model.json"' '"metrics"' '"auc"' '"pr_auc"' '"logloss"' \
    '"brier"' '"ks"' '"ece"' '"top_decile_lift"' '"deciles"' '"calibration"' '"confusion"'; do
    grep -q "$key" m.json || { echo "missing $key"; exit 1; }
done
# one model, no bootstrap: no comparison, no interval, no baseline in table mode
! grep -q '"comparison"\|"auc_ci"\|"baseline"' m.json
sed -n '1,2p;4p' table.txt
grep -c '^model.json' table.txt
