# Usage errors of --model logreg and its options, each exit 2 before any data is read.
for args in "--rounds 5" "--penalty l1 --solver newton" "--penalty l1 --solver lbfgs" \
    "--solver sgd" "--penalty l3" "--C-grid 0.1,1" "--cv 3 --C 2" "--cv 1" \
    "--solver liblinear --max-iter 10" "--clip 0.5" "--C 0" "--C-grid 0.1,x --cv 3" "--tol 1"; do
    churn-train --table t.csv --label y --model logreg $args --out m.json
    echo "exit $?"
done
churn-train --table t.csv --label y --model gbm --C 2 --out m.json
echo "exit $?"
