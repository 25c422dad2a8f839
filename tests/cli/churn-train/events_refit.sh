# Several cutoffs: early stopping on the latest picks the rounds, then the model is refit
# with them on both cutoffs' rows (training.refit: rounds, and rows = training + validation
# rows), and the summary says so. --no-refit keeps the model of the training rows: the
# same validation metrics (they are the selection's either way), no refit record. A table
# validated on a random fraction is refit on the whole table, logreg at its C.
set -e
churn-synth --customers 2000 --days 600 --seed 3 --out events.csv -q
churn-train --events events.csv --cutoff 2024-12-01 --cutoff 2025-03-01 --model gbm \
    --rounds 200 --learning-rate 0.3 --patience 10 --out m.json 2>err.txt
grep -E 'rows,|rounds|refit' err.txt
grep -A3 '"refit"' m.json | tr -d '\t ,'
echo "rows + valid_rows = $(($(grep -m1 '"rows"' m.json | tr -dc 0-9) + \
    $(grep -m1 '"valid_rows"' m.json | tr -dc 0-9)))"
churn-train --events events.csv --cutoff 2024-12-01 --cutoff 2025-03-01 --model gbm \
    --rounds 200 --learning-rate 0.3 --patience 10 --no-refit --out n.json 2>err.txt
grep -E 'rows,|rounds|refit' err.txt
grep -c '"refit"' n.json || true
[ "$(grep '"valid_' m.json | grep -v rows)" = "$(grep '"valid_' n.json | grep -v rows)" ]
echo "same validation metrics"
churn-features --events events.csv --cutoff 2025-03-01 --out f.csv -q
churn-train --table f.csv --label label --id customer_id --model logreg --C 0.5 \
    --valid-fraction 0.25 --out l.json 2>err.txt
grep -E 'rows,|refit' err.txt
grep -A3 '"refit"' l.json | tr -d '\t ,'
