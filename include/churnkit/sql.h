/**
 * @file sql.h
 * @brief A model as one SQL expression, so a warehouse can score a feature table in place.
 *
 * The expression reads the model's features as columns of the same names (quoted per
 * dialect) and computes churn_probability, `1 / (1 + exp(-logit))`, with the logit summed
 * in churnkit's order from the same doubles (boosted stumps: a CASE over each feature's
 * step table; logistic regression: each feature's clipped, standardised term or its
 * level's coefficient), so a row scores what churnkit gives it to within the rounding of
 * exp (far below 1e-9). A numeric column is SQL NULL when missing and is read as a 32-bit
 * float, as churnkit stores it; a categorical column holds the level text, NULL (or one
 * of churnkit's missing-value tokens: empty, NA, NaN, null, ?) when missing.
 */
#ifndef CHURNKIT_SQL_H
#define CHURNKIT_SQL_H

#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The SQL flavours written. */
typedef enum ck_sql_dialect {
    CK_SQL_POSTGRES,  /**< "name" identifiers, REAL for 32-bit floats */
    CK_SQL_HIVE,      /**< `name` identifiers, FLOAT (Hive and Spark SQL) */
    CK_SQL_CLICKHOUSE /**< `name` identifiers, Float32 */
} ck_sql_dialect;

/**
 * Print the expression computing churn_probability from a row of the model's features:
 * `SELECT id, <expression> AS churn_probability FROM features`. One CASE per feature the
 * model uses (features whose contribution is always 0 are left out); every number is
 * written with "%.17g", so it reads back to the model's double. Nothing is written on
 * CK_EINVAL.
 * @param out  where the expression goes, ending with a newline
 * @return CK_OK, CK_EINVAL (a model type without a SQL form yet, a NaN or infinite number
 *         in the model), CK_EIO (writing failed)
 */
CK_API int ck_sql_emit(FILE *out, const ck_model *model, ck_sql_dialect dialect, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
