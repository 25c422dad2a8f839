# --rejects without --skip-bad-rows is a usage error, and no file is created.
churn-features --events "$TESTS/data/cli/events.csv" --cutoff 2024-03-01 --out f.csv \
    --rejects rejects.csv
code=$?
[ ! -e rejects.csv ] && [ ! -e f.csv ] || exit 99
exit $code
