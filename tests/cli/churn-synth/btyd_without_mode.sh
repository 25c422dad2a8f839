# A BTYD parameter without --btyd is a usage error.
churn-synth --customers 4 --days 120 --seed 2 --gamma 20 --out a.csv
