# --ab-results: where churn-ab measured a significant lift in a customer's RFM segment,
# that arm is the strategy (and decided_by says so); elsewhere the rules decide.
set -e
churn-synth --customers 20000 --days 730 --seed 7 --out events.csv \
    --campaign-out assignments.csv -q
churn-train --events events.csv --cutoff 2025-03-01 --cutoff 2025-06-01 --model gbm \
    --rounds 60 --out m.json -q
churn-ab --assignments assignments.csv --events events.csv --window 30 --by rfm_segment \
    --json ab.json -q >/dev/null
churn-predict --model m.json --events events.csv --ab-results ab.json --out s.csv -q
awk -F, 'NR > 1 && $12 ~ /^ab:/ {
             n++
             split($12, f, " ")                 # ab:rfm_segment=X arm=Y lift=... p=...
             sub(/^ab:rfm_segment=/, "", f[1]); sub(/^arm=/, "", f[2])
             if (f[1] != $9 || f[2] != $10 || $4 == "low") bad++
         }
         NR > 1 && $12 ~ /^rule:/ { rules++ }
         END { print (n > 0 ? "decided by a measured lift: some" : "none"), (rules > 0 ? "by rules: some" : "none"), bad + 0, "inconsistent" }' s.csv
