# Scoring a table that lacks one of the model's features fails naming the column.
set -e
printf 'id,a,b,y\n' >train.csv
awk 'BEGIN { for (i = 0; i < 300; i++) printf "r%d,%d,%d,%d\n", i, i % 11, i % 7, ((i % 11) > 5) }' >>train.csv
churn-train --table train.csv --label y --id id --model gbm --rounds 5 --out m.json -q
printf 'id,a\nz,1\n' >score.csv
set +e
churn-predict --model m.json --table score.csv --out s.csv
code=$?
[ ! -e s.csv ] || exit 99
exit $code
