# The same input with --threads 1 and --threads 2 gives byte-identical output. 3,000
# customers: more than two 1,024-customer blocks, so two threads really split the work.
awk 'BEGIN { print "customer_id,ts,event,amount,channel"
  for (i = 0; i < 3000; i++) for (k = 0; k <= i % 7; k++)
    printf "c%d,%d,%s,%d.%02d,%s\n", i, 1672531200 + (i * 7919 + k * 104729) % 40000000,
      (k % 3 ? "purchase" : "visit"), i % 97, k * 13 % 100, (k % 2 ? "app" : "web") }' >events.csv
churn-features -q --events events.csv --cutoff 2023-12-01 --out f1.csv --threads 1 || exit $?
churn-features -q --events events.csv --cutoff 2023-12-01 --out f2.csv --threads 2 || exit $?
cmp f1.csv f2.csv && [ "$(wc -l <f1.csv)" -gt 2049 ]
