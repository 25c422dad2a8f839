# Two bad rows (one spanning two lines) are skipped: exit 0, both reported on stderr, and
# the rejects file holds exactly the two raw records. The feature count in the closing
# note is masked: it grows as features are added.
cp "$TESTS/data/cli/events_2bad.csv" events.csv
churn-features --events events.csv --cutoff 2024-03-01 --out f.csv --skip-bad-rows \
    --rejects rejects.csv 2>err || { cat err >&2; exit 1; }
sed 's/ × [0-9]* features / × N features /' err >&2
cmp rejects.csv "$TESTS/data/cli/events_2bad.rejects.csv" && [ -s f.csv ]
