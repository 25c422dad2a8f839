# An iteration limit too low: the model is written, with a warning on stderr and
# "converged": false in the file; -q silences the warning.
set -e
printf 'x,y\n' >t.csv
awk 'BEGIN { srand(3); for (i = 0; i < 500; i++) { x = rand(); print x "," (rand() < x) } }' >>t.csv
churn-train --table t.csv --label y --model logreg --max-iter 1 --out m.json 2>err.txt
grep warning err.txt | sed 's/gradient [0-9.e+-]* of/gradient G of/'
grep '"converged"' m.json | tr -d '\t '
churn-train --table t.csv --label y --model logreg --solver lbfgs --max-iter 2 --out m.json -q
grep '"converged"' m.json | tr -d '\t '
