churn-ab --assignments a.csv --converted c --alpha 0.7
