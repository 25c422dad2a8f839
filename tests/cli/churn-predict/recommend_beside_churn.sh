# A recommender end to end from churn-synth's products: trained before a cutoff (the blend,
# its two sets of weights chosen on the 30 days before it), each customer's top 5 alone and
# for new items only (none of them in the customer's history), evaluated out of time, and
# its picks in the campaign rows of a churn model.
set -e
churn-synth --customers 3000 --days 730 --seed 7 --out e.csv -q
churn-train --model recommend --events e.csv --cutoff 2025-10-02 --factors 8 --iterations 4 \
    --out r.json 2>&1 | grep -v -e timing -e '^churn-train: blend for'
grep -o '"model_type":[^,]*' r.json
churn-predict --model r.json --events e.csv --as-of 2025-10-02 --top 5 --out r.csv -q
head -1 r.csv
awk -F, 'NR > 1 { n++; k += split($2, a, ";") } END { print n " customers, " k / n " items each" }' r.csv
churn-predict --model r.json --events e.csv --as-of 2025-10-02 --top 5 --exclude-purchased \
    --out new.csv -q
# the items each customer interacted with before the cutoff, against their new picks
awk -F, 'NR == FNR { if ($2 < "2025-10-02" && $7 != "" && $3 ~ /^(purchase|cart|favorite|view)$/)
                         seen[$1 ";" $7] = 1; next }
         FNR > 1 { n = split($2, a, ";"); for (i = 1; i <= n; i++) if (seen[$1 ";" a[i]]) bad++ }
         END { print "new picks already in the history: " bad + 0 }' e.csv new.csv
churn-eval --model r.json --events e.csv --cutoff 2025-10-02 --top 10 --horizon-days 60 \
    --json eval.json -q | sed -n '1p;3,8p' | cut -c1-40
grep -o '"name":[^,]*' eval.json
churn-train --model gbm --events e.csv --cutoff 2025-07-01 --out c.json -q
churn-predict --model c.json --recommender r.json --top 3 --reasons 0 --events e.csv --out s.csv -q
head -1 s.csv | tr ',' '\n' | tail -2
awk -F, 'NR > 1 { n++; k += $(NF - 1) != "" } END { print k " of " n " rows with picks" }' s.csv
churn-eval --model r.json --events e.csv --cutoff 2025-08-01 --top 10 | head -1
