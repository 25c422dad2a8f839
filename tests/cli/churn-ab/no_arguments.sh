churn-ab
