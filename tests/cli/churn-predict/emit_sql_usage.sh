# --emit-sql reads no data and --dialect belongs to it: usage errors (exit 2) for a bad
# dialect, --dialect alone, and --emit-sql with --table or --out.
m="$TESTS/../models/reference/v1-gbm_stumps.json"
churn-predict --model "$m" --emit-sql --dialect mysql; echo "exit $?"
churn-predict --model "$m" --dialect hive --table t.csv --out s.csv; echo "exit $?"
churn-predict --model "$m" --emit-sql --out s.csv; echo "exit $?"
churn-predict --emit-sql; echo "exit $?"
[ ! -e s.csv ]
