# --penalty l1 is solved by LIBLINEAR -s 6 (the default solver for l1); a small C zeroes
# the coefficients of the noise columns.
set -e
printf 'x,noise1,noise2,y\n' >t.csv
awk 'BEGIN { srand(5); for (i = 0; i < 2000; i++) { x = rand(); print x "," rand() "," rand() "," (rand() < x) } }' >>t.csv
churn-train --table t.csv --label y --model logreg --penalty l1 --C 0.01 --out m.json -q
grep -E '"(solver|penalty)"' m.json | tr -d '\t '
grep '"coef"' m.json | tr -d '\t ,'
