# --btyd: purchases from a known BG/NBD + Gamma-Gamma process, the same bytes on 1 and 2
# threads; busier buyers than CDNOW's (a mean rate of 0.1 a day) show repeat purchases.
set -e
churn-synth --btyd --customers 4 --days 120 --seed 2 --r 2 --alpha 20 --first-window 10 \
    --out a.csv --truth-out at.json --threads 1
churn-synth --btyd --customers 4 --days 120 --seed 2 --r 2 --alpha 20 --first-window 10 \
    --out b.csv --truth-out bt.json --threads 2 -q
cmp a.csv b.csv && cmp at.json bt.json
cat a.csv
grep -c '"alive":false' at.json || true
