# --quiet: a good run writes its output and nothing on stderr (no notes).
cp "$TESTS/data/cli/events.csv" events.csv
churn-features --quiet --events events.csv --cutoff 2024-03-01 --out f.csv || exit $?
[ -s f.csv ] && ls f.csv*
