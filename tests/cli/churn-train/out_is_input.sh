# --out naming an input is refused with exit 2 before anything is read (same path, or the
# same file through a symlink or a hard link); so is a --name that is no file name (empty,
# with '/' or '@', "." or ".."): the missing table shows that nothing was read. The inputs
# stay as they were and no model or temporary appears.
printf 'id,x,y\n' >t.csv
awk 'BEGIN { for (i = 0; i < 200; i++) printf "r%d,%d,%d\n", i, i % 37, ((i % 37) > 18) }' >>t.csv
churn-synth --customers 20 --days 120 --seed 1 --out e.csv --customers-out c.csv -q || exit 1
cp t.csv t.orig
cp e.csv e.orig
cp c.csv c.orig
ln -s t.csv link.csv
ln c.csv c-hard.csv
churn-train --table t.csv --label y --model gbm --out t.csv
echo "exit $?"
churn-train --table link.csv --label y --model gbm --out t.csv
echo "exit $?"
churn-train --table t.csv --label y --model gbm --out link.csv
echo "exit $?"
churn-train --events e.csv --cutoff 2024-03-01 --model gbm --out ./e.csv
echo "exit $?"
churn-train --events e.csv --customers c.csv --cutoff 2024-03-01 --model gbm --out c-hard.csv
echo "exit $?"
churn-train --table missing.csv --label y --model gbm --out models/ --name ../evil
echo "exit $?"
churn-train --table missing.csv --label y --model gbm --out models/ --name ''
echo "exit $?"
churn-train --table missing.csv --label y --model gbm --out models/ --name churn@2
echo "exit $?"
churn-train --table missing.csv --label y --model gbm --out m.json --name ..
echo "exit $?"
cmp t.csv t.orig && cmp e.csv e.orig && cmp c.csv c.orig && echo "inputs intact"
ls -A
