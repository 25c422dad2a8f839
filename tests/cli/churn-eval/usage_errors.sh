# Usage errors: exit 2 and a one-line message, before any data is read.
churn-eval --events e.csv --cutoff 2025-01-01
echo "exit $?"
churn-eval --model m.json
echo "exit $?"
churn-eval --model m.json --events e.csv --table t.csv
echo "exit $?"
churn-eval --model m.json --events e.csv
echo "exit $?"
churn-eval --model m.json --table t.csv --cutoff 2025-01-01
echo "exit $?"
churn-eval --model m.json --events e.csv --cutoff 2025-01-01 --label y
echo "exit $?"
churn-eval --model a --model b --model c --table t.csv
echo "exit $?"
churn-eval --model m.json --table t.csv --top 5,,10
echo "exit $?"
churn-eval --model m.json --table t.csv --top 150
echo "exit $?"
churn-eval --model m.json --table t.csv --threshold 1.5
echo "exit $?"
churn-eval --model m.json --table t.csv --bootstrap -1
echo "exit $?"
churn-eval --model m.json --table t.csv --json x --report x
echo "exit $?"
churn-eval --model m.json --events e.csv --cutoff 2025-13-01
echo "exit $?"
