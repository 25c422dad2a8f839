# --emit-sql --dialect hive on the reference model: `quoted` columns, numbers compared as
# FLOAT (churnkit scores 32-bit floats), one CASE per feature, base score first.
churn-predict --model "$TESTS/../models/reference/v1-gbm_stumps.json" --emit-sql --dialect hive
