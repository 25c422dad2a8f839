# --emit-sql --dialect clickhouse on the reference model: `quoted` columns, numbers
# compared as Nullable(Float32) (churnkit scores 32-bit floats; Nullable so that a NULL
# reaching the cast is no error), one CASE per feature, base score first.
churn-predict --model "$TESTS/../models/reference/v1-gbm_stumps.json" --emit-sql --dialect clickhouse
