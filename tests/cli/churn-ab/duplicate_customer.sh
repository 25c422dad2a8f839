# The assignments are read first: the duplicate stops the run before any event is read.
printf 'customer_id,arm,assigned_at\nc1,control,2024-01-01\nc2,treat,2024-01-01\nc1,treat,2024-01-02\n' > a.csv
churn-ab --assignments a.csv --events e.csv --window 7
