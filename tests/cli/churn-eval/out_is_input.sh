# --json or --report naming an input is refused with exit 2 before anything is read: a
# model as named or as DIR/<name>[@N] resolves, the table through a symlink. The inputs
# stay as they were and no output or temporary appears.
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-train --table t.csv --label y --id id --model gbm --rounds 3 --out models/ -q || exit 1
cp t.csv t.orig
cp models/churn-v1.json m.orig
ln -s t.csv link.csv
churn-eval --model models/churn-v1.json --table t.csv --label y --json models/churn-v1.json
echo "exit $?"
churn-eval --model models/churn --table t.csv --label y --json models/churn-v1.json
echo "exit $?"
churn-eval --model models/churn@1 --table t.csv --label y --report link.csv
echo "exit $?"
cmp t.csv t.orig && cmp models/churn-v1.json m.orig && echo "inputs intact"
ls -A . models
