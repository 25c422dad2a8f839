# --out DIR/ writes DIR/<name>-v<N>.json, never overwriting; predict takes DIR/<name>
# (the latest) and DIR/<name>@N.
set -e
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 400; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-train --table t.csv --label y --id id --model gbm --rounds 5 --out models/ -q
churn-train --table t.csv --label y --id id --model gbm --rounds 9 --out models/ --name churn -q
ls models
churn-predict --model models/churn --table t.csv --out latest.csv -q
churn-predict --model models/churn@1 --table t.csv --out first.csv -q
! cmp -s latest.csv first.csv
churn-predict --model models/churn@7 --table t.csv --out x.csv
