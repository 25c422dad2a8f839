# The minimum detectable effect of 8000 per arm from 5%: 1.0103 points (statsmodels'
# sample size inverted with scipy.optimize.brentq: 0.010102517054625629).
churn-ab --plan --baseline 0.05 --n 8000
