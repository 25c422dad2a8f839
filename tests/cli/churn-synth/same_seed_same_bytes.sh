# Same seed: byte-identical files, whatever --threads; another seed: different events.
set -e
churn-synth --customers 300 --days 200 --seed 5 --out a.csv --customers-out ac.csv \
    --campaign-out aa.csv --truth-out at.json -q
churn-synth --customers 300 --days 200 --seed 5 --out b.csv --customers-out bc.csv \
    --campaign-out ba.csv --truth-out bt.json -q --threads 2
cmp a.csv b.csv && cmp ac.csv bc.csv && cmp aa.csv ba.csv && cmp at.json bt.json
churn-synth --customers 300 --days 200 --seed 6 --out c.csv -q
! cmp -s a.csv c.csv
head -n 1 a.csv
