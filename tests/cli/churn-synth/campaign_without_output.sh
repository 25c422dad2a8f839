# A campaign date without --campaign-out is a usage error, and nothing is written.
churn-synth --customers 10 --days 30 --seed 1 --out e.csv --campaign-date 2024-01-20
code=$?
[ ! -e e.csv ] || exit 99
exit $code
