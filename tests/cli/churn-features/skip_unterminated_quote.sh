# An unterminated quote is refused even with --skip-bad-rows (docs/EVENTS.md, "Limits"):
# the rest of the file would be one field, so skipping it would drop every later row.
# Exit 1, the line where the quote opens, no output file.
printf 'customer_id,ts,event,amount\nc1,2024-01-05,purchase,10.5\nc2,2024-01-06,"visit,\nc3,2024-01-07,purchase,1\n' >events.csv
churn-features --events events.csv --cutoff 2024-03-01 --out f.csv --skip-bad-rows \
    --rejects rejects.csv
code=$?
ls f.csv* 2>/dev/null
exit $code
