# Table mode on several threads: a 20 MB table (past the size where parts are read in
# parallel) whose unused "note" column holds quoted line ends and record-like text, so
# some guessed part starts fall inside a quoted field. Every thread count writes the same
# bytes; --budget flags exactly the N largest values at risk (probability x revenue_365d);
# shards concatenate to the whole.
set -e
churn-synth --customers 3000 --days 600 --seed 5 --out events.csv -q
churn-features --events events.csv --cutoff 2025-03-01 --out feats.csv -q
churn-train --table feats.csv --label label --id customer_id --model gbm --rounds 30 \
    --out m.json -q
awk -F, -v tiles=55 'NR == 1 { print $0 ",note"; next } { rows[NR] = $0 } END {
    for (t = 1; t <= tiles; t++)
        for (i = 2; i <= NR; i++) {
            r = "T" t "-" rows[i]
            if (i % 3 == 0)
                print r ",\"seen twice\nT" t "-X" i ",1,2,3\nthen \"\"quoted\"\"\""
            else
                print r ",plain"
        }
}' feats.csv >big.csv
[ "$(wc -c <big.csv)" -gt 17000000 ]
churn-predict --model m.json --table big.csv --out t1.csv --threads 1 -q
for threads in 2 3; do
    churn-predict --model m.json --table big.csv --out t$threads.csv --threads $threads -q
    cmp t1.csv t$threads.csv
done
echo "$(($(wc -l <t1.csv) - 1)) rows, the same on 1, 2 and 3 threads"

churn-predict --model m.json --table big.csv --budget 40 --out b1.csv --threads 1 -q
churn-predict --model m.json --table big.csv --budget 40 --out b2.csv --threads 2 -q
cmp b1.csv b2.csv
# the contacted rows' values at risk are all at least every other row's
awk -F, 'NR == FNR { if (FNR == 1) for (k = 1; k <= NF; k++) { if ($k == "revenue_365d") col = k }
                     else revenue[$1] = $col; next }
         FNR > 1 { v = $2 * revenue[$1]; if ($NF == 1) { n++; if (!seen || v < lo) lo = v; seen = 1 }
                   else if (!other || v > hi) { hi = v; other = 1 } }
         END { print n, "to contact,", (lo >= hi ? "the largest values at risk" : "WRONG: " lo " < " hi) }' \
    big.csv b2.csv

for i in 0 1 2; do
    churn-predict --model m.json --table big.csv --shard $i/3 --out s$i.csv --threads 2 -q
done
tail -q -n +2 s0.csv s1.csv s2.csv | sort >shards.sorted
tail -n +2 t1.csv | sort | cmp - shards.sorted
echo "3 shards add up to the whole"
