# An events file that does not exist: exit 1, "tool: file: strerror", no output file.
churn-features --events missing.csv --cutoff 2024-03-01 --out f.csv
code=$?
ls f.csv* 2>/dev/null && exit 99
exit $code
