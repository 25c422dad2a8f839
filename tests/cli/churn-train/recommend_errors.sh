# What a recommender cannot be trained, scored or evaluated on, each refused with what is
# wrong and nothing written: a log without an item column (a retailer's invoice log), a
# table, several cutoffs, an unknown method, a blend with no purchase in its validation
# window; --top or --exclude-purchased without a recommender, a recommender on a table, a
# churn model given as --recommender, a holdout past the log.
printf 'customer_id,ts,event,amount\nc1,2024-01-02,purchase,9.5\nc2,2024-01-03,purchase,3\n' >invoices.csv
printf 'customer_id,ts,event,amount,item\nc1,2024-01-02,purchase,9.5,A\nc2,2024-01-03,view,,B\nc2,2024-03-03,purchase,3,B\n' >items.csv
churn-train --model recommend --events invoices.csv --out r.json
echo "exit $?"
churn-train --model recommend --table invoices.csv --label amount --out r.json
echo "exit $?"
churn-train --model recommend --events items.csv --cutoff 2024-02-01 --cutoff 2024-03-01 --out r.json
echo "exit $?"
churn-train --model recommend --events items.csv --method svd --out r.json
echo "exit $?"
churn-train --model recommend --events items.csv --cutoff 2024-02-01 --out r.json
echo "exit $?"
churn-train --model recommend --events items.csv --cutoff 2024-02-01 --method popular --out r.json -q
echo "exit $?"
churn-predict --model r.json --events items.csv --top 3 --table items.csv --out p.csv
echo "exit $?"
churn-predict --model r.json --table items.csv --out p.csv
echo "exit $?"
churn-eval --model r.json --events items.csv --cutoff 2024-02-01 --horizon-days 60 -q
echo "exit $?"
churn-synth --customers 300 --days 400 --seed 1 --out e.csv -q
churn-train --model gbm --events e.csv --cutoff 2024-10-01 --out c.json -q
churn-predict --model c.json --events e.csv --top 3 --out p.csv
echo "exit $?"
churn-predict --model c.json --events e.csv --recommender c.json --out p.csv
echo "exit $?"
ls p.csv 2>/dev/null || echo "no p.csv"
