# The three l2 solvers on the IBM telco table (string categoricals, blank TotalCharges)
# give the same probabilities within 1e-4 at the default tolerance, and rank churners well.
# The table is carried in tests/data/telco/ (see its PROVENANCE.md).
data="$TESTS/data/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
set -e
for solver in newton lbfgs liblinear; do
    churn-train --table "$data" --label Churn --id customerID --model logreg --solver $solver \
        --out $solver.json -q
    churn-predict --model $solver.json --table "$data" --out $solver.csv -q
    cut -d, -f2 $solver.csv | tail -n +2 >$solver.p
done
paste newton.p lbfgs.p liblinear.p | awk '
    { for (k = 2; k <= 3; k++) { d = $1 - $k; d = d < 0 ? -d : d; if (d > worst) worst = d } }
    END { print (worst <= 1e-4 ? "solvers agree within 1e-4" : "solvers differ: " worst), "on", NR, "rows" }'
head -n 1 newton.csv | cut -d, -f1-2
