churn-ab --assignments a.csv --events e.csv
