# Customers who all drop out alike: churn-synth --btyd with a + b = 200,000 (dropout p =
# 0.1 with no spread). The BG/NBD fit runs to a + b -> infinity; churn-train names the
# limit, fits it (r, alpha, p) and recovers the truth (r 1, alpha 100, p 0.1) within 3
# standard errors; churn-predict scores it with the limit's closed forms (finite), and the
# model file reads back.
set -e
churn-synth --btyd --customers 20000 --days 730 --seed 3 --r 1 --alpha 100 --a 20000 \
    --b 180000 --out e.csv -q
churn-train --model bgnbd --events e.csv --cutoff 2025-12-01 --out v.json 2>err.txt
grep -c 'warning: the same dropout for everyone' err.txt
grep -o '"same_dropout":[[:space:]]*[a-z]*' v.json
awk '/the same dropout for everyone: r/ { r = $9; alpha = $11; p = $13 }
     /standard errors/ { sr = $5; sa = $7; sp = $9 }
     END { d = (r - 1) / sr; if (d < 0) d = -d; print "r within 3 SE:", (d < 3 ? "yes" : "no")
           d = (alpha - 100) / sa; if (d < 0) d = -d; print "alpha within 3 SE:", (d < 3 ? "yes" : "no")
           d = (p - 0.1) / sp; if (d < 0) d = -d; print "p within 3 SE:", (d < 3 ? "yes" : "no") }' err.txt
churn-predict --model v.json --events e.csv --as-of 2025-12-01 --out s.csv -q
awk -F, 'NR > 1 && ($6 == "" || $7 == "" || $9 == "") { bad++ } END { print NR - 1, "rows,", bad + 0, "without a score" }' s.csv
