# 8158 per arm: statsmodels' samplesize_proportions_2indep_onetail(0.01, 0.05, 0.8,
# alpha=0.05) = 8157.73, rounded up; with four arms and power 0.9, alpha/3 per comparison:
# 14040.8 → 14041. The JSON carries the same numbers.
set -e
churn-ab --plan --baseline 0.05 --mde 0.01
churn-ab --plan --baseline 0.05 --mde-relative 0.2 --arms 4 --power 0.9 --json plan.json
cat plan.json
