# Events mode for the campaign team: shards concatenate to the whole output (so a
# customer's percentile does not depend on the batch), prospects
# get insufficient_history and no score, --budget flags exactly N customers (the largest
# values at risk), and JSON Lines carries the same rows.
set -e
churn-synth --customers 2000 --days 600 --seed 9 --out events.csv -q
churn-train --events events.csv --cutoff 2024-12-01 --cutoff 2025-03-01 --model gbm \
    --rounds 40 --out m.json -q
churn-predict --model m.json --events events.csv --all-customers --out all.csv -q
for i in 0 1 2; do
    churn-predict --model m.json --events events.csv --all-customers --shard $i/3 \
        --out s$i.csv -q
done
tail -q -n +2 s0.csv s1.csv s2.csv | sort >shards.sorted
tail -n +2 all.csv | sort >all.sorted
cmp shards.sorted all.sorted
head -n 1 all.csv
# prospects: no probability, status insufficient_history; every scored row has a band
awk -F, 'NR > 1 && $7 == "prospect" && ($2 != "" || $NF != "insufficient_history") { bad++ }
         NR > 1 && $NF == "scored" && $4 !~ /^(high|medium|low)$/ { bad++ }
         NR > 1 && $NF == "scored" && ($5 == "" || $5 < 0 || $5 > 100 || $6 == "") { bad++ }
         END { print bad + 0, "inconsistent rows" }' all.csv
churn-predict --model m.json --events events.csv --budget 25 --out b.csv -q
awk -F, 'NR > 1 { n += $NF } END { print n, "to contact" }' b.csv
churn-predict --model m.json --events events.csv --format jsonl --out all.jsonl -q
[ "$(wc -l <all.jsonl)" = "$(($(wc -l <b.csv) - 1))" ]
head -c 1 all.jsonl; echo
