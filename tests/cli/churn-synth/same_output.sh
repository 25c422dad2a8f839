# Two outputs naming one file, or an output naming the config, are refused with exit 2
# before anything is written: one entry of one directory under two spellings (neither
# there yet), a hard link to the config. Nothing appears.
mkdir d
echo '{}' >c.json
ln c.json c-hard.json
churn-synth --customers 5 --days 30 --seed 1 --out e.csv --customers-out ./e.csv
echo "exit $?"
churn-synth --customers 5 --days 30 --seed 1 --out e.csv --truth-out d/../e.csv
echo "exit $?"
churn-synth --customers 5 --days 30 --seed 1 --config c.json --out c-hard.json
echo "exit $?"
ls -A . d
