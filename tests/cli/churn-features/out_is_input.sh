# --out or --rejects naming an input (or each other) is refused with exit 2 before anything
# is read: the same path, a symlink or a hard link to it, or one entry of one directory
# (f.csv and ./f.csv, neither there yet). The inputs stay as they were and no output or
# temporary appears.
churn-synth --customers 20 --days 120 --seed 1 --out e.csv --customers-out c.csv -q || exit 1
cp e.csv e.orig
cp c.csv c.orig
ln -s e.csv e-link.csv
ln c.csv c-hard.csv
churn-features --events e.csv --cutoff 2024-04-01 --out e.csv
echo "exit $?"
churn-features --events e.csv --cutoff 2024-04-01 --out e-link.csv
echo "exit $?"
churn-features --events e-link.csv --cutoff 2024-04-01 --out e.csv
echo "exit $?"
churn-features --events e.csv --customers c.csv --cutoff 2024-04-01 --out c-hard.csv
echo "exit $?"
churn-features --events e.csv --cutoff 2024-04-01 --out f.csv --skip-bad-rows --rejects e.csv
echo "exit $?"
churn-features --events e.csv --cutoff 2024-04-01 --out f.csv --skip-bad-rows --rejects ./f.csv
echo "exit $?"
cmp e.csv e.orig && cmp c.csv c.orig && echo "inputs intact"
ls -A
