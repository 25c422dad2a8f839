churn-train --table t.csv --label y --model xgb --out m.json
echo "exit $?"
churn-train --table t.csv --model gbm --out m.json
echo "exit $?"
churn-train --events e.csv --model gbm --out m.json
echo "exit $?"
churn-train --table t.csv --label y --model gbm
echo "exit $?"
