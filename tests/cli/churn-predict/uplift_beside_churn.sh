# An uplift model end to end from events: churn-synth's recall campaign (random arms, a
# control), the even ids train the T-learner, the odd ids evaluate it; churn-predict scores
# the arms alone and beside a churn model, where the arm worth its cost decides the strategy
# and the budget goes by incremental value. Numbers rounded: the outputs, not the last ulps.
set -e
churn-synth --customers 30000 --days 730 --seed 5 --out e.csv --campaign-out a.csv \
    --campaign-date 2025-11-01 -q
awk -F, 'NR == 1 || substr($1, 2) % 2 == 0' a.csv >train.csv
awk -F, 'NR == 1 || substr($1, 2) % 2 == 1' a.csv >test.csv
printf '{"uplift": {"value": 50, "cost": {"discount": 5, "vip": 3}}}\n' >config.json
churn-train --model uplift --events e.csv --assignments train.csv --window 30 \
    --config config.json --out u.json 2>&1 | grep -v timing
grep -o '"model_type":[^,]*' u.json
churn-predict --model u.json --events e.csv --as-of 2025-11-01 --out u.csv -q
head -1 u.csv
sed -n 2,3p u.csv | awk -F, '{ printf "%s", $1; for (i = 2; i <= 8; i++) printf ",%.3f", $i; printf ",%s,%.2f\n", $9, $10 }'
cut -d, -f9 u.csv | sort | uniq -c
churn-eval --model u.json --events e.csv --assignments test.csv --window 30 --json eval.json -q |
    grep -E '^(arm|average uplift)'
grep -c '"arm"' eval.json
churn-train --model gbm --events e.csv --cutoff 2025-07-01 --out c.json -q
churn-predict --model c.json --uplift-model u.json --events e.csv --budget 100 --out s.csv -q
head -1 s.csv
awk -F, 'NR > 1 && $12 ~ /^uplift:/ { n[$12]++; c[$12] += $NF } END { for (k in n) print k, n[k], c[k] }' s.csv | sort
# the arms of an uplift model are not churn probabilities: no churn option applies alone
churn-predict --model u.json --events e.csv --budget 10 --out x.csv || echo "exit $?"
