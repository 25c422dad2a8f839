# No control arm: exit 1, and --json leaves no file behind.
printf 'customer_id,arm,converted\nc1,a,1\nc2,b,0\n' > a.csv
churn-ab --assignments a.csv --converted converted --json out.json
code=$?
[ ! -e out.json ] || exit 99
exit $code
