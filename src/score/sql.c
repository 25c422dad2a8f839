/*
 * A model as one SQL expression (see sql.h): 1 / (1 + exp(−logit)), the logit the base
 * plus one CASE per feature that adds anything, clamped to [−700, 700] so that exp stays
 * inside the double range (PostgreSQL raises an error when exp overflows or underflows;
 * the clamp moves a probability by less than e^−700).
 *
 * Boosted stumps: logit = base + Σ_j f_j(x_j), each f_j a step table (gbm.h):
 *   numeric      CASE WHEN x IS NULL THEN m WHEN CAST(x AS REAL) <= t0 THEN v0 ...
 *                     ELSE vK END                      (x in (t[k−1], t[k]] → v[k])
 *   categorical  CASE WHEN x IS NULL OR x IN ('', 'NA', 'NaN', 'null', '?') THEN m
 *                     WHEN x = 'level' THEN v ... ELSE unseen END
 * Logistic regression: logit = intercept + Σ_j c_j (logreg.h, "Contributions"):
 *   numeric      CASE WHEN x IS NULL THEN missing_coef ELSE coef * ((greatest(low,
 *                     least(high, CAST(CAST(x AS REAL) AS DOUBLE PRECISION))) − center)
 *                     / scale) END                     (greatest/least only when clipped)
 *   categorical  CASE WHEN x IS NULL OR ... THEN missing_coef WHEN x = 'level' THEN coef
 *                     ... ELSE 0 END                   (one-hot; an unseen level adds 0)
 *
 * Why the cast to a 32-bit float. churnkit reads a cell as a double and keeps it as a
 * float (dataset.c), then compares the float, widened back, with the double thresholds
 * (gbm_score.c, table_value), or standardises the widened float (logreg_score.c).
 * A threshold can lie between a value and its float: 0.1 is kept as 0.100000001490116…,
 * above a threshold of 0.1000000005 that the double 0.1 is below, so comparing the
 * warehouse's double would score the row on the other side of the step; and a linear
 * term of the double would differ from churnkit's by up to coef · 6e-8 · |x| / scale.
 * Casting a double column to REAL (FLOAT, Float32) rounds it to nearest, as C's
 * conversion does, giving churnkit's float; a comparison then widens that float to a
 * double against the double threshold, exactly as churnkit does.
 *
 * Why the sum is churnkit's, bit for bit. SQL's + associates to the left, so
 * ((base + f_0) + f_1) + … adds in churnkit's order (ck_gbm_logit_row,
 * ck_logreg_logit_row); a feature left out adds 0, which changes no sum. Every number is
 * written with "%.17g", which reads back to the same double. In PostgreSQL a decimal
 * literal has type numeric: the base is cast to double precision, so each + is a double
 * addition and each CASE's numeric result becomes the double it was printed from
 * (numeric → float8 converts through text and strtod); `real <= numeric` resolves to
 * `real <= double precision` (float48le), and `double precision op numeric` to the
 * double operator. Hive and ClickHouse read decimal literals as doubles. Only exp may
 * differ from the C library's in the last bits, far below the 1e-9 the tests allow.
 */
#include "churnkit/sql.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>

#include "churnkit/gbm.h"
#include "churnkit/logreg.h"

/* The logit's clamp: e^700 ≈ 1e304 is below DBL_MAX and e^−700 a normal double. Written
 * with a decimal point so Hive reads a double, the other argument's type. */
#define LOGIT_CLAMP "700.0"

/* What churnkit reads as a missing cell (cell.c, ck__cell_is_missing), empty included:
 * a categorical column loaded from churnkit's CSV may hold them as text. */
static const char *const missing_tokens[] = { "", "NA", "NaN", "null", "?" };

static void put_number(FILE *out, double v)
{
    fprintf(out, "%.17g", v);
}

/* A quoted identifier: "name" with " doubled (PostgreSQL); `name` with ` doubled (Hive)
 * or backslash-escaped (ClickHouse). */
static void put_identifier(FILE *out, const char *name, ck_sql_dialect dialect)
{
    char quote = dialect == CK_SQL_POSTGRES ? '"' : '`';
    fputc(quote, out);
    for (const char *p = name; *p; p++) {
        if (*p == quote || (dialect == CK_SQL_CLICKHOUSE && *p == '\\'))
            fputc(dialect == CK_SQL_CLICKHOUSE ? '\\' : quote, out);
        fputc(*p, out);
    }
    fputc(quote, out);
}

/* A string literal: ' doubled (PostgreSQL, standard_conforming_strings on, its default
 * since 9.1); ' and \ backslash-escaped (Hive, ClickHouse). */
static void put_string(FILE *out, const char *s, ck_sql_dialect dialect)
{
    fputc('\'', out);
    for (const char *p = s; *p; p++) {
        if (dialect == CK_SQL_POSTGRES && *p == '\'')
            fputc('\'', out);
        else if (dialect != CK_SQL_POSTGRES && (*p == '\'' || *p == '\\'))
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc('\'', out);
}

/* The column rounded to a 32-bit float (see the top of this file). ClickHouse's target
 * is Nullable so that a NULL, already handled by the first WHEN, does not raise an error
 * when every branch is evaluated. */
static void put_float_column(FILE *out, const char *name, ck_sql_dialect dialect)
{
    static const char *const types[] = { "REAL", "FLOAT", "Nullable(Float32)" };
    fputs("CAST(", out);
    put_identifier(out, name, dialect);
    fprintf(out, " AS %s)", types[dialect]);
}

/* "CASE WHEN x IS NULL [OR x IN (tokens)] THEN " */
static void put_case_missing(FILE *out, const char *name, bool categorical, ck_sql_dialect dialect)
{
    fputs("CASE WHEN ", out);
    put_identifier(out, name, dialect);
    fputs(" IS NULL", out);
    if (categorical) {
        fputs(" OR ", out);
        put_identifier(out, name, dialect);
        fputs(" IN (", out);
        for (size_t k = 0; k < sizeof missing_tokens / sizeof *missing_tokens; k++) {
            if (k > 0)
                fputs(", ", out);
            put_string(out, missing_tokens[k], dialect);
        }
        fputc(')', out);
    }
    fputs(" THEN ", out);
}

/* "\n         WHEN x = 'level' THEN v" */
static void put_level_branch(FILE *out, const char *name, const char *level, double value,
                             ck_sql_dialect dialect)
{
    fputs("\n         WHEN ", out);
    put_identifier(out, name, dialect);
    fputs(" = ", out);
    put_string(out, level, dialect);
    fputs(" THEN ", out);
    put_number(out, value);
}

/* The start of the expression, up to the base of the logit. In PostgreSQL the base is
 * cast to double precision, so that every + after it is a double addition. */
static void put_head(FILE *out, double base, ck_sql_dialect dialect)
{
    fputs("1 / (1 + exp(-greatest(-" LOGIT_CLAMP ", least(" LOGIT_CLAMP ",\n  ", out);
    if (dialect == CK_SQL_POSTGRES)
        fputs("CAST(", out);
    put_number(out, base);
    if (dialect == CK_SQL_POSTGRES)
        fputs(" AS DOUBLE PRECISION)", out);
}

static int not_finite(const ck_schema *schema, size_t j, const char *what, ck_error *err)
{
    return ck_error_set(err, CK_EINVAL, NULL, 0,
                        "feature \"%s\": a %s is not finite: cannot write it as SQL",
                        ck_schema_name(schema, j), what);
}

/* ---- boosted stumps ------------------------------------------------------------------ */

static void put_step_case(FILE *out, const ck_gbm_table *t, const char *name,
                          ck_sql_dialect dialect)
{
    put_case_missing(out, name, false, dialect);
    put_number(out, t->missing_value);
    for (size_t k = 0; k < t->n_thresholds; k++) {
        fputs("\n         WHEN ", out);
        put_float_column(out, name, dialect);
        fputs(" <= ", out);
        put_number(out, t->thresholds[k]);
        fputs(" THEN ", out);
        put_number(out, t->values[k]);
    }
    fputs("\n         ELSE ", out);
    put_number(out, t->values[t->n_thresholds]);
    fputs(" END", out);
}

static void put_level_case(FILE *out, const ck_gbm_table *t, const ck_schema *schema, size_t j,
                           ck_sql_dialect dialect)
{
    const char *name = ck_schema_name(schema, j);
    put_case_missing(out, name, true, dialect);
    put_number(out, t->missing_value);
    for (size_t code = 0; code < t->n_levels; code++)
        put_level_branch(out, name, ck_schema_level(schema, j, code), t->level_values[code],
                         dialect);
    fputs("\n         ELSE ", out);
    put_number(out, t->unseen_value);
    fputs(" END", out);
}

/* The first number of a step table that is NaN or infinite, or NULL when none. */
static const char *first_nonfinite(const ck_gbm_table *t)
{
    if (!isfinite(t->missing_value) || !isfinite(t->unseen_value))
        return "missing or unseen value";
    for (size_t k = 0; k < t->n_thresholds; k++)
        if (!isfinite(t->thresholds[k]))
            return "threshold";
    for (size_t k = 0; t->values && k <= t->n_thresholds; k++)
        if (!isfinite(t->values[k]))
            return "value";
    for (size_t k = 0; k < t->n_levels; k++)
        if (!isfinite(t->level_values[k]))
            return "level value";
    return NULL;
}

static int emit_gbm(FILE *out, const ck_gbm *m, ck_sql_dialect dialect, ck_error *err)
{
    const ck_schema *schema = ck_gbm_schema(m);
    size_t n_features = ck_schema_n_features(schema);
    double base = ck_gbm_base_score(m);
    ck_gbm_table t;
    /* check everything first, so that nothing is written on CK_EINVAL */
    if (!isfinite(base))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "base score %g: cannot write it as SQL", base);
    for (size_t j = 0; j < n_features; j++) {
        ck_gbm_step_table(m, j, &t);
        const char *what = first_nonfinite(&t);
        if (what != NULL)
            return not_finite(schema, j, what, err);
    }
    put_head(out, base, dialect);
    for (size_t j = 0; j < n_features; j++) {
        ck_gbm_step_table(m, j, &t);
        if (t.constant_zero)
            continue;
        fputs("\n  + ", out);
        if (ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL)
            put_level_case(out, &t, schema, j, dialect);
        else
            put_step_case(out, &t, ck_schema_name(schema, j), dialect);
    }
    fputs("\n))))\n", out);
    return CK_OK;
}

/* ---- logistic regression ------------------------------------------------------------- */

/* The first number of a feature that is NaN or infinite, or NULL when none. */
static const char *first_nonfinite_coef(const ck_logreg_feature *f)
{
    if (!isfinite(f->missing_coef))
        return "missing-indicator coefficient";
    if (f->categorical) {
        for (size_t k = 0; k < f->n_levels; k++)
            if (!isfinite(f->level_coefs[k]))
                return "level coefficient";
        return NULL;
    }
    if (!isfinite(f->coef) || !isfinite(f->center) || !isfinite(f->scale) || f->scale == 0)
        return "coefficient, center or scale";
    if (f->clipped && (!isfinite(f->clip_low) || !isfinite(f->clip_high)))
        return "clipping bound";
    return NULL;
}

/* A feature that adds exactly 0 to every logit. */
static bool adds_nothing(const ck_logreg_feature *f)
{
    if (f->missing_coef != 0)
        return false;
    if (!f->categorical)
        return f->coef == 0;
    for (size_t k = 0; k < f->n_levels; k++)
        if (f->level_coefs[k] != 0)
            return false;
    return true;
}

/* coef · ((x̂ − center) / scale), x̂ the float clamped to the clipping bounds: the
 * operations of ck_logreg_logit_row, in its order, on doubles. */
static void put_linear_case(FILE *out, const ck_logreg_feature *f, const char *name,
                            ck_sql_dialect dialect)
{
    static const char *const doubles[] = { "DOUBLE PRECISION", "DOUBLE", "Nullable(Float64)" };
    put_case_missing(out, name, false, dialect);
    put_number(out, f->missing_coef);
    fputs("\n         ELSE ", out);
    put_number(out, f->coef);
    fputs(" * ((", out);
    if (f->clipped) {
        fputs("greatest(", out);
        put_number(out, f->clip_low);
        fputs(", least(", out);
        put_number(out, f->clip_high);
        fputs(", ", out);
    }
    fputs("CAST(", out);
    put_float_column(out, name, dialect);
    fprintf(out, " AS %s)", doubles[dialect]);
    if (f->clipped)
        fputs("))", out);
    fputs(" - ", out);
    put_number(out, f->center);
    fputs(") / ", out);
    put_number(out, f->scale);
    fputs(") END", out);
}

/* One-hot: the level's coefficient; an unseen level adds 0. */
static void put_onehot_case(FILE *out, const ck_logreg_feature *f, const ck_schema *schema,
                            size_t j, ck_sql_dialect dialect)
{
    const char *name = ck_schema_name(schema, j);
    put_case_missing(out, name, true, dialect);
    put_number(out, f->missing_coef);
    for (size_t code = 0; code < f->n_levels; code++)
        put_level_branch(out, name, ck_schema_level(schema, j, code), f->level_coefs[code],
                         dialect);
    fputs("\n         ELSE 0 END", out);
}

static int emit_logreg(FILE *out, const ck_logreg *m, ck_sql_dialect dialect, ck_error *err)
{
    const ck_schema *schema = ck_logreg_schema(m);
    size_t n_features = ck_schema_n_features(schema);
    double intercept = ck_logreg_intercept(m, false);
    if (!isfinite(intercept))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "intercept %g: cannot write it as SQL",
                            intercept);
    for (size_t j = 0; j < n_features; j++) {
        const char *what = first_nonfinite_coef(ck_logreg_feature_at(m, j));
        if (what != NULL)
            return not_finite(schema, j, what, err);
    }
    put_head(out, intercept, dialect);
    for (size_t j = 0; j < n_features; j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
        if (adds_nothing(f))
            continue;
        fputs("\n  + ", out);
        if (f->categorical)
            put_onehot_case(out, f, schema, j, dialect);
        else
            put_linear_case(out, f, ck_schema_name(schema, j), dialect);
    }
    fputs("\n))))\n", out);
    return CK_OK;
}

int ck_sql_emit(FILE *out, const ck_model *model, ck_sql_dialect dialect, ck_error *err)
{
    assert(out != NULL && model != NULL);
    assert(dialect == CK_SQL_POSTGRES || dialect == CK_SQL_HIVE || dialect == CK_SQL_CLICKHOUSE);
    int rc;
    if (ck_model_gbm(model) != NULL)
        rc = emit_gbm(out, ck_model_gbm(model), dialect, err);
    else if (ck_model_logreg(model) != NULL)
        rc = emit_logreg(out, ck_model_logreg(model), dialect, err);
    else
        rc = ck_error_set(err, CK_EINVAL, NULL, 0, "SQL is not supported for this model type yet");
    if (rc == CK_OK && (fflush(out) != 0 || ferror(out)))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the SQL expression");
    return rc;
}
