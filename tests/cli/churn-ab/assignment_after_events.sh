printf 'customer_id,ts,event,amount\nc1,2024-03-01,purchase,10\nc2,2024-03-10,visit,\n' > e.csv
printf 'customer_id,arm,assigned_at\nc1,control,2024-03-01\nc2,treat,2024-04-01\n' > a.csv
churn-ab --assignments a.csv --events e.csv --window 7
