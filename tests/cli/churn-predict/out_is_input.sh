# --out naming an input is refused with exit 2 before anything is read: the same path, a
# symlink or a hard link to it, or the file a model name DIR/<name>[@N] resolves to. The
# inputs stay as they were and no output or temporary appears.
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-train --table t.csv --label y --id id --model gbm --rounds 3 --out models/ -q || exit 1
cp t.csv t.orig
cp models/churn-v1.json m.orig
echo '{}' >c.json
ln -s t.csv link.csv
ln t.csv hard.csv
churn-predict --model models/churn --table t.csv --out t.csv
echo "exit $?"
churn-predict --model models/churn --table t.csv --out link.csv
echo "exit $?"
churn-predict --model models/churn --table hard.csv --out t.csv
echo "exit $?"
churn-predict --model models/churn --table t.csv --out models/churn-v1.json
echo "exit $?"
churn-predict --model models/churn@1 --table t.csv --out ./models/churn-v1.json
echo "exit $?"
churn-predict --model models/churn --table t.csv --config c.json --out c.json
echo "exit $?"
cmp t.csv t.orig && cmp models/churn-v1.json m.orig && echo "inputs intact"
ls -A . models
