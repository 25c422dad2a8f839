# Events mode with two cutoffs: the later one validates out of time; then scoring the
# population as of a date; the model is the same file for any thread count (but for
# created_at).
set -e
churn-synth --customers 3000 --days 600 --seed 3 --out events.csv -q
for t in 1 2 4; do
    churn-train --events events.csv --cutoff 2024-12-01 --cutoff 2025-03-01 --model gbm \
        --rounds 60 --threads $t --out m$t.json -q
    grep -v '"created_at"' m$t.json >m$t.stripped
done
cmp m1.stripped m2.stripped && cmp m1.stripped m4.stripped
grep -q '"valid_cutoff":[[:space:]]*"2025-03-01"' m1.json
churn-predict --model m1.json --events events.csv --as-of 2025-06-01 --out s.csv -q
churn-features --events events.csv --cutoff 2025-06-01 --out f.csv -q
# one score per customer of the population
[ "$(wc -l <s.csv)" = "$(wc -l <f.csv)" ]
head -n 1 s.csv
