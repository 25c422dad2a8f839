# A NUL byte in a field is a bad row like any (issue 13): with --skip-bad-rows the row is
# skipped with a warning naming its line and column and written verbatim (NUL included)
# to the rejects file, and the rows after it are read. The feature count is masked.
printf 'customer_id,ts,event,amount\nc1,2024-01-05,purchase,10.5\nC00\0 0001,2024-01-06,purchase,3\nc2,2024-01-07,purch\0ase,1\nc2,2024-02-01,purchase,4\n' >events.csv
churn-features --events events.csv --cutoff 2024-03-01 --out f.csv --skip-bad-rows \
    --rejects rejects.csv 2>err || { cat err >&2; exit 1; }
sed 's/ × [0-9]* features / × N features /' err >&2
od -An -c rejects.csv
cut -d, -f1 f.csv
