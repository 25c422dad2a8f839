# --json or --report naming an input is refused with exit 2 before anything is read (the
# same path, or the same file through a symlink or a hard link); --plan's --json too when
# it is the config. The inputs stay as they were and no output or temporary appears.
printf 'customer_id,arm,converted\n' >a.csv
awk 'BEGIN { for (i = 0; i < 40; i++) printf "c%d,%s,%d\n", i, i % 2 ? "A" : "control", i % 3 == 0 }' >>a.csv
churn-synth --customers 20 --days 120 --seed 1 --out e.csv -q || exit 1
echo '{}' >c.json
cp a.csv a.orig
cp e.csv e.orig
ln -s e.csv e-link.csv
ln c.json c-hard.json
churn-ab --assignments a.csv --converted converted --json a.csv
echo "exit $?"
churn-ab --assignments a.csv --events e.csv --window 30 --report e-link.csv
echo "exit $?"
churn-ab --plan --baseline 0.1 --mde 0.02 --config c.json --json c-hard.json
echo "exit $?"
cmp a.csv a.orig && cmp e.csv e.orig && echo "inputs intact"
ls -A
