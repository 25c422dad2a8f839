# The value model on the CDNOW sample (tests/data/cdnow): from its transaction log as
# events, as of 1997-10-01 in weeks, it gives Fader, Hardie & Lee's estimates (r 0.243,
# alpha 4.414, a 0.793, b 2.426, LL -9582.4; p 6.25, q 3.74, gamma 15.44); from the
# summary table the same purchase model; churn-predict scores both ways, and churn-eval
# measures the 39-week holdout against the naive baseline. A log of one purchase per
# customer cannot be fit (no repeat purchase), and says so.
set -e
zcat "$TESTS/data/cdnow/CDNOW_sample.txt.gz" | awk 'BEGIN { print "customer_id,ts,event,amount" }
    { d = $3; printf "%s,%s-%s-%s,purchase,%s\n", $2, substr(d, 1, 4), substr(d, 5, 2), substr(d, 7, 2), $5 }' >cdnow.csv
churn-train --model bgnbd --events cdnow.csv --cutoff 1997-10-01 --time-unit week --out v.json \
    2>err.txt
grep -E 'customers|BG/NBD|Gamma' err.txt
grep -o '"model_type":[^,]*' v.json
churn-predict --model v.json --events cdnow.csv --as-of 1997-10-01 --horizon-days 273 --out s.csv -q
# six digits: the solver's last ulps are not the point here (test_value checks the scores)
round6='NR == 1 { print; next } { printf "%s", $1; for (i = 2; i <= NF; i++) printf ",%.6f", $i; print "" }'
head -3 s.csv | awk -F, "$round6"
churn-eval --model v.json --events cdnow.csv --cutoff 1997-10-01 --horizon-days 273 \
    --json e.json --report e.html -q | head -4
grep -c '<svg' e.html
summary="$TESTS/data/cdnow/cdnow_customers_summary_with_transactions.csv.gz"
churn-train --model bgnbd --table "$summary" --frequency x --recency t_x --age T --monetary zbar \
    --id ID --time-unit week --out t.json 2>err.txt
grep -E 'BG/NBD' err.txt
churn-predict --model t.json --table "$summary" --horizon-days 273 --out t.csv -q
sed -n 2p t.csv | awk -F, "$round6"
printf 'customer_id,ts,event,amount\na,2024-01-01,purchase,5\nb,2024-01-02,purchase,6\n' >one.csv
churn-train --model bgnbd --events one.csv --cutoff 2024-02-01 --out o.json || echo "exit $?"
