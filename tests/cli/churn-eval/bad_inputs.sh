# Data errors: exit 1 with the tool, the file and what is wrong, and no output file.
set -u
churn-synth --customers 600 --days 500 --seed 2 --out events.csv -q
churn-features --events events.csv --cutoff 2024-09-01 --out f.csv -q
churn-train --events events.csv --cutoff 2024-09-01 --model gbm --rounds 10 --out ev.json -q
churn-train --table f.csv --label label --id customer_id --model gbm --rounds 10 --out tab.json -q
printf '{"churn": {"horizon_days": 60}}\n' >h60.json
churn-train --events events.csv --cutoff 2024-09-01 --model gbm --rounds 10 --config h60.json \
    --out h60-model.json -q
# no model there
churn-eval --model missing.json --table f.csv
echo "exit $?"
# the churn horizon after the cutoff runs past the last event: no labels
churn-eval --model ev.json --events events.csv --cutoff 2025-05-01 --json out.json
echo "exit $?"
[ ! -e out.json ] || echo "out.json written"
# a table model cannot rebuild its features from events
churn-eval --model tab.json --events events.csv --cutoff 2024-12-01
echo "exit $?"
# a table without the label column
cut -d, -f1-5 f.csv >nolabel.csv
churn-eval --model tab.json --table nolabel.csv --label label
echo "exit $?"
# a row without a label
sed '3s/,[01]$/,/' f.csv >gap.csv
churn-eval --model tab.json --table gap.csv 2>&1 | sed 's/^churn-eval: gap.csv:3: .*/churn-eval: gap.csv:3: (bad label)/'
# two models whose churn definitions differ cannot be compared
churn-eval --model ev.json --model h60-model.json --events events.csv --cutoff 2024-12-01 \
    --report r.html
echo "exit $?"
[ ! -e r.html ] || echo "r.html written"
# evaluating at a training cutoff works, with a warning that it is not out of time
churn-eval --model ev.json --events events.csv --cutoff 2024-09-01 >/dev/null
echo "exit $?"
