# --memory low reads a table straight into bins (two passes over the file) instead of
# keeping its values: the model file is the same byte for byte (but for its creation
# time), constant features left out, lifecycle-stage percentiles and contribution means
# included, on a gzip file, on a categorical of more levels than bins, without an id
# column; with validation rows held out (early stopping, with and without the refit, and
# a selection of no round, which leaves nothing to refit); a bad cell fails with the same
# message; --memory belongs to --model gbm.
set -e
same_model() {
    grep -v created_at "$1" >a.txt
    grep -v created_at "$2" >b.txt
    if cmp -s a.txt b.txt; then
        echo "$3: the same model"
    else
        echo "$3: the models differ"
    fi
}
log="$TESTS/data/invoice/invoices.csv"
churn-features --events "$log" --cutoff 2024-03-01 --cutoff 2024-06-01 --out f.csv -q
for m in low high; do
    churn-train --table f.csv --label label --id customer_id --ignore cutoff --model gbm \
        --rounds 30 --memory $m --out invoice-$m.json -q
done
same_model invoice-low.json invoice-high.json "invoice log features"
grep -c '"stage_score_percentiles"' invoice-low.json
telco="$TESTS/data/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
for m in low high; do
    churn-train --table "$telco" --label Churn --id customerID --model gbm --rounds 50 \
        --memory $m --threads 2 --out telco-$m.json -q
done
same_model telco-low.json telco-high.json "telco, gzip"
for refit in --refit --no-refit; do
    for m in low high; do
        churn-train --table "$telco" --label Churn --id customerID --model gbm --rounds 300 \
            --learning-rate 0.5 --valid-fraction 0.25 --patience 5 ${refit#--refit} \
            --memory $m --threads 2 --out telco$refit-$m.json -q
    done
    same_model telco$refit-low.json telco$refit-high.json "telco, validation rows, $refit"
    grep -o '"rounds_kept":[^,]*' telco$refit-low.json | tr -d '\t'
    echo "refit records: $(grep -c '"refit":' telco$refit-low.json)"
done
for m in low high; do
    churn-train --table f.csv --label label --id customer_id --ignore cutoff --model gbm \
        --rounds 40 --valid-fraction 0.3 --patience 5 --memory $m --out invoice-v-$m.json -q
    # no split can leave 150 rows on each side of 400: no round, nothing to refit
    head -n 401 f.csv >small.csv
    churn-train --table small.csv --label label --id customer_id --ignore cutoff --model gbm \
        --rounds 40 --valid-fraction 0.5 --min-samples-leaf 150 --memory $m \
        --out none-$m.json -q 2>/dev/null
done
same_model invoice-v-low.json invoice-v-high.json "invoice log features, validation rows"
same_model none-low.json none-high.json "no round kept"
# more levels than bins (300 cities: codes from 254 on share a bin), missing values, no id
# column (rows numbered)
awk 'BEGIN { print "city,spend,visits,churned"
             for (i = 0; i < 6000; i++) {
                 c = (i * 7919) % 300; s = (i * 104729) % 1000 / 10
                 printf "c%03d,%s,%d,%d\n", c, (i % 11 == 0 ? "" : s), i % 13,
                        ((c * 31 + i) % 100 < 20 + c / 10) }
           }' >cities.csv
for m in low high; do
    churn-train --table cities.csv --label churned --model gbm --rounds 60 --memory $m \
        --out cities-$m.json -q
done
same_model cities-low.json cities-high.json "300 levels, no id"
# a bad label on the last line: the values reader's message
cp f.csv bad.csv
tail -n 1 f.csv | sed 's/,[01]$/,maybe/' >>bad.csv
set +e
churn-train --table bad.csv --label label --id customer_id --ignore cutoff --model gbm \
    --memory low --out bad.json -q
echo "exit $?"
test -e bad.json && echo "bad.json written"
churn-train --table f.csv --label label --model logreg --memory low --out v.json -q
echo "exit $?"
exit 0
