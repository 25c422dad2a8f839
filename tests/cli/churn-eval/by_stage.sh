# Every metric per lifecycle stage. Events mode: the model and the recency baseline each
# get "by_stage" in the JSON, the stages in lifecycle order with the rows and churners that
# churn-features' table at the cutoff holds for each stage (counted here with awk), a
# per-stage table on stdout and a chart and table in the report. Table mode reads the
# table's lifecycle_stage column (the same counts), says so when the table has none, and
# refuses a cell that names no stage, with its line.
set -e
churn-synth --customers 3000 --days 600 --seed 3 --out events.csv -q
churn-train --events events.csv --cutoff 2024-09-01 --cutoff 2024-12-01 --model gbm \
    --rounds 40 --out m.json -q
churn-eval --model m.json --events events.csv --cutoff 2025-03-01 --json e.json \
    --report r.html -q >out.txt
churn-features --events events.csv --cutoff 2025-03-01 --out f.csv -q
counts() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "label") l = i
                                                   if ($i == "lifecycle_stage") s = i }
                       next }
             { n[$s]++; p[$s] += $l }
             END { split("prospect new active dormant churned", order, " ")
                   for (k = 1; k <= 5; k++) if (order[k] in n)
                       printf "{\"stage\": \"%s\", \"rows\": %d, \"positives\": %d\n",
                              order[k], n[order[k]], p[order[k]] }' "$1"
}
counts f.csv >want.txt
cat want.txt want.txt >want2.txt # the model's, then the baseline's
grep -o '{"stage": "[a-z]*", "rows": [0-9]*, "positives": [0-9]*' e.json >got.txt
cmp want2.txt got.txt
# each entry: the seven metrics of the overall ones, null where undefined
[ "$(grep -c '"metrics": {"auc": [0-9.enul-]*, "pr_auc": .*, "logloss": .*, "brier": .*, "ks": .*, "ece": .*, "top_decile_lift": [^,]*}}' e.json)" -ge 1 ]
grep -q '{"stage": "churned", "rows": [0-9]*, "positives": [0-9]*, "metrics": {"auc": null' e.json
grep -q 'AUC by stage' r.html
# the table (the model's own numbers left out: they follow its training, the rest does not)
sed -n '/^by stage/,$p' out.txt | awk '/m\.json/ { print substr($0, 1, 46) "..."; next } { print }'

# table mode: the lifecycle_stage column of the table
churn-eval --model m.json --table f.csv --json t.json -q >/dev/null
grep -o '{"stage": "[a-z]*", "rows": [0-9]*, "positives": [0-9]*' t.json >got_t.txt
cmp want.txt got_t.txt
# a table without it: no by_stage, and the text says why
cut -d, -f1-5 f.csv >narrow.csv # customer_id and four numbers
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "label") l = i } { print $l }' f.csv |
    paste -d, narrow.csv - >small.csv
churn-train --table small.csv --label label --id customer_id --model gbm --rounds 10 \
    --out small.json -q
churn-eval --model small.json --table small.csv --json s.json -q | tail -n 2
! grep -q '"by_stage"' s.json
# a cell that names no stage
awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "lifecycle_stage") s = i }
         NR == 4 { $s = "vip" } { print }' f.csv >bad.csv
set +e
churn-eval --model m.json --table bad.csv
echo "exit $?"
