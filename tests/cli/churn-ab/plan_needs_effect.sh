churn-ab --plan --baseline 0.05
