# A long run under way (a 100000-customer log, about 230 MB) stopped by SIGTERM once it has
# opened its rejects file: it dies of the signal, no temporary is left, no rejects file
# appears, and the old feature table is as it was.
churn-synth --customers 100000 --days 730 --seed 3 --out big.csv -q || exit 1
echo "old features" >f.csv
churn-features --events big.csv --cutoff 2025-06-01 --out f.csv \
    --skip-bad-rows --rejects rej.csv -q &
pid=$!
i=0
while [ -z "$(ls -A | grep '^\.rej\.csv\.tmp\.')" ] && [ $i -lt 1000 ]; do
    sleep 0.01
    i=$((i + 1))
done
ls -A | grep '^\.' | sed 's/[0-9][0-9]*/N/g'
kill -TERM $pid
wait $pid 2>/dev/null
echo "exit $?"
rm big.csv
ls -A
cat f.csv
