churn-synth --customers 12x --days 30 --seed 1 --out e.csv
