# A churn model with a value model beside it (--value-model). Table mode: the table holds
# the churn features and the value columns; each row's clv is the value model's alone
# (churn-predict --model VALUE on the same table), value_at_risk = churn_probability x clv,
# and --budget 5 contacts the five largest values at risk. Events mode (churn-synth): the
# same identities, customers without a purchase have no value, and the budget follows
# value at risk.
set -e
awk 'BEGIN { srand(5); print "id,visits,churned,frequency,recency,T,monetary"
             for (i = 1; i <= 400; i++) { x = int(rand() * 6); T = 100 + int(rand() * 200)
               tx = x ? 1 + int(rand() * (T - 1)) : 0; m = x ? 10 + int(rand() * 90) : 0
               printf "c%d,%d,%d,%d,%d,%d,%d\n", i, x + int(rand() * 3), (rand() < 0.2 + 0.1 * (x == 0)), x, tx, T, m } }' >t.csv
churn-train --table t.csv --label churned --id id --ignore frequency,recency,T,monetary \
    --model logreg --out churn.json -q
churn-train --model bgnbd --table t.csv --frequency frequency --recency recency --age T \
    --monetary monetary --id id --out value.json -q
churn-predict --model value.json --table t.csv --out v.csv -q
churn-predict --model churn.json --value-model value.json --table t.csv --budget 5 --out s.csv -q
head -1 s.csv
# clv against the value model's own, value at risk against probability x clv, contacts
awk -F, 'NR == FNR { if (FNR > 1) clv[$1] = $9; next }
         FNR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
         { c = $col["clv"]; d = c - clv[$1]; if (d < 0) d = -d; if (d > 1e-4) bad_clv++
           r = $col["churn_probability"] * c - $col["value_at_risk"]; if (r < 0) r = -r
           if (r > 1e-3) bad_risk++; if ($col["contact"] == 1) print $col["value_at_risk"] > "contacts"
           else print $col["value_at_risk"] > "others" }
         END { print FNR - 1, "rows;", bad_clv + 0, "clv differ;", bad_risk + 0, "value_at_risk differ" }' v.csv s.csv
echo "contacted: $(wc -l <contacts)"
lowest=$(sort -g contacts | head -1); highest=$(sort -g others | tail -1)
awk -v a="$lowest" -v b="$highest" 'BEGIN { print (a >= b ? "contacts hold the largest values at risk" : "budget wrong") }'
# events mode
churn-synth --customers 1500 --days 500 --seed 4 --out e.csv -q
churn-train --events e.csv --cutoff 2024-09-01 --model gbm --rounds 20 --out ce.json -q
churn-train --model bgnbd --events e.csv --cutoff 2025-01-01 --out ve.json -q
churn-predict --model ce.json --value-model ve.json --events e.csv --budget 20 --out se.csv -q
awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
         { if ($col["clv"] == "") none++; else n++
           if ($col["contact"] == 1) { contacted++; if ($col["clv"] == "") bad++ } }
         END { print n + 0, "with a value,", none + 0, "without;", contacted, "contacted,", bad + 0, "of them without a value" }' se.csv
