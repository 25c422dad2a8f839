# --model logreg gives the same model file for any thread count (but for created_at), with
# each solver, with clipping and cross-validation; the model scores its table.
set -e
printf 'id,x,n,c,y\n' >t.csv
awk 'BEGIN {
    srand(7)
    for (i = 0; i < 6000; i++) {
        x = rand() * 10; n = int(rand() * 50); c = substr("abcd", int(rand() * 4) + 1, 1)
        z = -1 + 0.3 * x - 0.04 * n + (c == "b" ? 1 : 0)
        y = rand() < 1 / (1 + exp(-z))
        printf "r%d,%s,%d,%s,%d\n", i, (rand() < 0.1 ? "" : x), n, (rand() < 0.05 ? "" : c), y
    }
}' >>t.csv
for solver in newton lbfgs liblinear; do
    for t in 1 2 4; do
        churn-train --table t.csv --label y --id id --model logreg --solver $solver --clip 0.01 \
            --threads $t --out m$t.json -q
        grep -v '"created_at"' m$t.json >m$t.stripped
    done
    cmp m1.stripped m2.stripped && cmp m1.stripped m4.stripped && echo "$solver: same bytes"
done
for t in 1 3; do
    churn-train --table t.csv --label y --id id --model logreg --cv 4 --C-grid 0.001,0.1,10 \
        --threads $t --out cv$t.json -q
    grep -v '"created_at"' cv$t.json >cv$t.stripped
done
cmp cv1.stripped cv3.stripped && echo "cv: same bytes"
grep -c '"logloss"' cv1.json
churn-predict --model cv1.json --table t.csv --out s.csv -q
head -n 1 s.csv | cut -d, -f1-2
echo "$(($(wc -l <s.csv) - 1)) rows"
