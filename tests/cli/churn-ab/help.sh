churn-ab --help
