# 1000 against 800 assigned under an expected 1:1 split: chi-square 22.2, p 2.5e-6, a loud
# warning on stderr and a flag in the table and the JSON.
set -e
{
    echo "customer_id,arm,converted"
    awk 'BEGIN { for (i = 0; i < 1800; i++) printf "c%d,%s,%d\n", i, i < 1000 ? "control" : "treat", i % 9 == 0 }'
} > a.csv
churn-ab --assignments a.csv --converted converted --json r.json 2> err.txt > out.txt
grep -c 'warning: SAMPLE RATIO MISMATCH: arm sizes 1000:800' err.txt
grep -c '\*\* MISMATCH' out.txt
grep -o '"mismatch":true' r.json | head -n 1
# an expected split of 5:4 is met
churn-ab --assignments a.csv --converted converted --expected-split control=5,treat=4 -q \
    | grep 'sample ratio'
