/*
 * Tests of sql.h: the exact expression for a hand-built stumps model (every number as
 * "%.17g", thresholds ascending, the column cast to a 32-bit float; a logistic
 * regression's clipped, standardised terms and one-hot levels), identifiers and
 * levels quoted per dialect, features without stumps left out, non-finite numbers refused
 * with nothing written. That the expression scores as churnkit does, in a real server, is
 * tests/cli/churn-predict/emit_sql_postgres.sh.
 *
 * Models are built by hand (stumps compiled by ck__gbm_compile; logistic coefficients set
 * by ck__logreg_set_beta), so these tests do not depend on the trainers.
 */
#include "churnkit/sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"

/* A model on numeric `num_name` and categorical `cat_name` (levels `levels`) and a
 * numeric "unused" no stump reads: stumps num <= 7.25, num <= 1.5 (missing left) and
 * cat in {level 0}. */
static ck_model *make_model(const char *num_name, const char *cat_name, const char *const *levels,
                            size_t n_levels)
{
    ck_error err = { 0 };
    ck_gbm *g = calloc(1, sizeof *g);
    CHECK(g != NULL);
    CHECK_OK(ck_schema_new(&g->schema, &err));
    CHECK_EQ_INT(ck_schema_add_feature(g->schema, num_name, CK_FEATURE_NUMERIC, &err), 0);
    CHECK_EQ_INT(ck_schema_add_feature(g->schema, "unused", CK_FEATURE_NUMERIC, &err), 1);
    CHECK_EQ_INT(ck_schema_add_feature(g->schema, cat_name, CK_FEATURE_CATEGORICAL, &err), 2);
    for (size_t k = 0; k < n_levels; k++)
        ck_schema_add_level(g->schema, 2, levels[k], strlen(levels[k]), &err);
    g->base_score = -1.3862943611198906;
    g->n_stumps = 3;
    g->stumps = calloc(3, sizeof *g->stumps);
    g->stumps[0] = (ck__stump){
        .feature = 0, .threshold = 7.25, .left_value = 0.1, .right_value = -0.30000000000000004
    };
    g->stumps[1] = (ck__stump){ .feature = 0,
                                .threshold = 1.5,
                                .missing_left = true,
                                .left_value = 1.0 / 3,
                                .right_value = -0.05 };
    g->stumps[2] = (ck__stump){ .feature = 2, .left_value = 0.25, .right_value = -0.125 };
    g->stumps[2].left_levels = calloc(1, sizeof *g->stumps[2].left_levels);
    g->stumps[2].n_left_levels = 1;
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec = { 0 };
    ck_config_init(&spec.config);
    ck_model_training training = { 0 };
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    return m;
}

/* The expression as a string (malloc'd), or NULL; *rc_out gets ck_sql_emit's code. */
static char *emit(const ck_model *m, ck_sql_dialect dialect, int *rc_out)
{
    ck_error err = { 0 };
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out != NULL);
    *rc_out = ck_sql_emit(out, m, dialect, &err);
    fclose(out);
    return text;
}

static void test_sql__postgres_expression(void)
{
    static const char *const levels[] = { "basic", "pro" };
    ck_model *m = make_model("tenure", "plan", levels, 2);
    /* num: missing left of both stumps; (−∞, 1.5] left of both; (1.5, 7.25] right of
     * the second; (7.25, ∞) right of both. plan: basic left, pro and unseen right. */
    char expected[2048];
    snprintf(expected, sizeof expected,
             "1 / (1 + exp(-greatest(-700.0, least(700.0,\n"
             "  CAST(-1.3862943611198906 AS DOUBLE PRECISION)\n"
             "  + CASE WHEN \"tenure\" IS NULL THEN %.17g\n"
             "         WHEN CAST(\"tenure\" AS REAL) <= 1.5 THEN %.17g\n"
             "         WHEN CAST(\"tenure\" AS REAL) <= 7.25 THEN %.17g\n"
             "         ELSE %.17g END\n"
             "  + CASE WHEN \"plan\" IS NULL OR \"plan\" IN ('', 'NA', 'NaN', 'null', '?') "
             "THEN %.17g\n"
             "         WHEN \"plan\" = 'basic' THEN 0.25\n"
             "         WHEN \"plan\" = 'pro' THEN -0.125\n"
             "         ELSE -0.125 END\n"
             "))))\n",
             -0.30000000000000004 + 1.0 / 3, 0.1 + 1.0 / 3, 0.1 + -0.05,
             -0.30000000000000004 + -0.05, -0.125);
    int rc;
    char *text = emit(m, CK_SQL_POSTGRES, &rc);
    CHECK_EQ_INT(rc, CK_OK);
    CHECK_EQ_STR(text, expected);
    /* "unused" has no stump: its table is all zero and it is left out */
    CHECK(text != NULL && strstr(text, "unused") == NULL);
    free(text);
    ck_model_free(m);
}

/* A logistic regression on numeric "tenure" (clipped, with a missing indicator), numeric
 * "unused" (coefficient 0, left out) and categorical "plan" (basic, pro). */
static void test_sql__logreg_expression(void)
{
    ck_error err = { 0 };
    ck_schema *schema = NULL;
    CHECK_OK(ck_schema_new(&schema, &err));
    ck_schema_add_feature(schema, "tenure", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(schema, "unused", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(schema, "plan", CK_FEATURE_CATEGORICAL, &err);
    ck_schema_add_level(schema, 2, "basic", 5, &err);
    ck_schema_add_level(schema, 2, "pro", 3, &err);
    ck_logreg *lr = NULL;
    CHECK_OK(ck__logreg_new(&lr, schema, &err));
    ck_schema_free(schema);
    ck_logreg_feature *tenure = &lr->features[0];
    tenure->has_missing = true;
    tenure->center = 2.5;
    tenure->scale = 1.25;
    tenure->clipped = true;
    tenure->clip_low = 0.5;
    tenure->clip_high = 9.75;
    ck__logreg_layout(lr);
    /* columns: tenure, its indicator, unused, plan=basic, plan=pro, bias */
    const double beta[] = { -0.7, 0.3, 0, 0.1, -1.0 / 3, 0.05 };
    CHECK_EQ_INT(lr->n_columns, 6);
    ck__logreg_set_beta(lr, beta);
    ck_logreg_params params = CK_LOGREG_PARAMS_INIT;
    ck_logreg_report report = { 0 };
    ck_model_spec spec = { 0 };
    ck_config_init(&spec.config);
    ck_model_training training = { 0 };
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_logreg(&m, lr, &params, &report, &spec, &training, &err));
    char expected[2048];
    snprintf(expected, sizeof expected,
             "1 / (1 + exp(-greatest(-700.0, least(700.0,\n"
             "  CAST(0.050000000000000003 AS DOUBLE PRECISION)\n"
             "  + CASE WHEN \"tenure\" IS NULL THEN 0.29999999999999999\n"
             "         ELSE -0.69999999999999996 * ((greatest(0.5, least(9.75, "
             "CAST(CAST(\"tenure\" AS REAL) AS DOUBLE PRECISION))) - 2.5) / 1.25) END\n"
             "  + CASE WHEN \"plan\" IS NULL OR \"plan\" IN ('', 'NA', 'NaN', 'null', '?') "
             "THEN 0\n"
             "         WHEN \"plan\" = 'basic' THEN 0.10000000000000001\n"
             "         WHEN \"plan\" = 'pro' THEN %.17g\n"
             "         ELSE 0 END\n"
             "))))\n",
             -1.0 / 3);
    int rc;
    char *text = m ? emit(m, CK_SQL_POSTGRES, &rc) : NULL;
    CHECK(m != NULL && rc == CK_OK);
    CHECK_EQ_STR(text, expected);
    free(text);
    ck_model_free(m);
}

static void test_sql__quotes_per_dialect(void)
{
    static const char *const levels[] = { "it's", "a\\b" };
    ck_model *m = make_model("we\"ird", "pl`an", levels, 2);
    int rc;
    char *pg = emit(m, CK_SQL_POSTGRES, &rc);
    CHECK_EQ_INT(rc, CK_OK);
    char *hive = emit(m, CK_SQL_HIVE, &rc);
    CHECK_EQ_INT(rc, CK_OK);
    char *ch = emit(m, CK_SQL_CLICKHOUSE, &rc);
    CHECK_EQ_INT(rc, CK_OK);
    /* PostgreSQL: " doubled in identifiers, ' doubled in strings, \ as is */
    CHECK(pg && strstr(pg, "CAST(\"we\"\"ird\" AS REAL) <= 1.5"));
    CHECK(pg && strstr(pg, "\"pl`an\" = 'it''s' THEN"));
    CHECK(pg && strstr(pg, "\"pl`an\" = 'a\\b' THEN"));
    /* Hive: ` doubled in identifiers, ' and \ backslash-escaped in strings */
    CHECK(hive && strstr(hive, "CAST(`we\"ird` AS FLOAT) <= 1.5"));
    CHECK(hive && strstr(hive, "`pl``an` = 'it\\'s' THEN"));
    CHECK(hive && strstr(hive, "`pl``an` = 'a\\\\b' THEN"));
    CHECK(hive && strstr(hive, "\n  -1.3862943611198906\n"));
    /* ClickHouse: ` and \ backslash-escaped in identifiers too */
    CHECK(ch && strstr(ch, "CAST(`we\"ird` AS Nullable(Float32)) <= 1.5"));
    CHECK(ch && strstr(ch, "`pl\\`an` = 'it\\'s' THEN"));
    CHECK(ch && strstr(ch, "`pl\\`an` = 'a\\\\b' THEN"));
    free(pg);
    free(hive);
    free(ch);
    ck_model_free(m);
}

static void test_sql__refuses_nonfinite(void)
{
    static const char *const levels[] = { "basic" };
    ck_model *m = make_model("tenure", "plan", levels, 1);
    ck_gbm *g = (ck_gbm *)ck_model_gbm(m);
    g->tables[0].values[1] = NAN;
    int rc;
    char *text = emit(m, CK_SQL_POSTGRES, &rc);
    CHECK_EQ_INT(rc, CK_EINVAL);
    CHECK(text != NULL && text[0] == '\0'); /* nothing written */
    free(text);
    g->tables[0].values[1] = 0.5;
    g->base_score = INFINITY;
    text = emit(m, CK_SQL_HIVE, &rc);
    CHECK_EQ_INT(rc, CK_EINVAL);
    CHECK(text != NULL && text[0] == '\0');
    free(text);
    ck_model_free(m);
}

int main(void)
{
    RUN(test_sql__postgres_expression);
    RUN(test_sql__logreg_expression);
    RUN(test_sql__quotes_per_dialect);
    RUN(test_sql__refuses_nonfinite);
    return check_summary();
}
