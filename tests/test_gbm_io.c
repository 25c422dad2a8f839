/*
 * Tests of the boosted stumps' part of the model file (src/learn/gbm/gbm_io.c) and of the
 * envelope around it: save → load gives back every field bit for bit and the same scores;
 * numbers round-trip exactly; NaN/Inf refused naming the field; every malformed file
 * refused with its exact message; step tables that do not match the stumps refused; the
 * public step tables (ck_gbm_step_table, ck_gbm_base_score) against hand-worked values.
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "churnkit/events.h"
#include "churnkit/predict.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"

#define TMP CK_TEST_TMP "/gbm_io_"
#include "support/model_fixtures.h"

/* A model whose one stump and base score hold `v`, saved and loaded. */
static void check_number_round_trip(double v, const char *want_text)
{
    ck_error err = { 0 };
    ck_gbm *g = make_gbm(1, 0);
    g->base_score = v;
    g->n_stumps = 1;
    g->stumps[0].feature = 0;
    g->stumps[0].threshold = v;
    g->stumps[0].left_value = v;
    g->stumps[0].right_value = -v;
    g->stumps[0].gain = v;
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    training.train_auc = v;
    ck_model *m = NULL, *back = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    save(m, TMP "number.json");
    char *text = slurp(TMP "number.json");
    char want[64];
    snprintf(want, sizeof want, "\"threshold\":\t%s,", want_text);
    CHECK(text != NULL && strstr(text, want) != NULL);
    free(text);
    CHECK_OK(ck_model_load(&back, TMP "number.json", &err));
    if (back != NULL) {
        const ck_gbm *b = ck_model_gbm(back);
        CHECK(same_bits(b->base_score, v));
        CHECK(same_bits(b->stumps[0].threshold, v));
        CHECK(same_bits(b->stumps[0].left_value, v));
        CHECK(same_bits(b->stumps[0].right_value, -v));
        CHECK(same_bits(ck_model_training_of(back)->train_auc, v));
    }
    ck_model_free(back);
    ck_model_free(m);
}

/* A model made for editing: stump 3 is the only one with threshold 4.25, stump 5 the only
 * categorical one. */
static ck_model *editable_model(void)
{
    ck_error err = { 0 };
    ck_gbm *g = bare_gbm(8);
    ck__stump *s = g->stumps;
    g->n_stumps = 8;
    const double thresholds[8] = { 10.5, 2.5, 100.75, 4.25, 30.5, 0, 60.5, 1.5 };
    const uint32_t features[8] = { 0, 2, 3, 2, 0, 1, 0, 2 };
    for (size_t i = 0; i < 8; i++) {
        s[i].feature = features[i];
        s[i].threshold = features[i] == 1 ? 0 : thresholds[i];
        s[i].missing_left = i % 2 == 0;
        s[i].left_value = 0.125 * (double)(i + 1);
        s[i].right_value = -0.0625 * (double)(i + 1);
        s[i].gain = 10.0 * (double)(8 - i);
    }
    s[5].left_levels = calloc(2, sizeof *s[5].left_levels);
    s[5].left_levels[0] = 2; /* dormant */
    s[5].left_levels[1] = 3; /* churned */
    s[5].n_left_levels = 2;
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    return m;
}

/* ---- save and load ------------------------------------------------------------------ */

static void test_gbm_io__save_load_round_trip(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(7, 300), *back = NULL;
    save(m, TMP "round_trip.json");
    CHECK_OK(ck_model_load(&back, TMP "round_trip.json", &err));
    if (back == NULL) {
        ck_model_free(m);
        return;
    }
    check_same_model(m, back);
    /* n_threads is not in the file (the model does not depend on it) */
    CHECK_EQ_INT(ck_model_gbm_params(back)->n_threads, 1);

    /* the same scores, bit for bit, on many rows (missing values and unseen levels too) */
    rng_state = 99;
    size_t differ = 0;
    for (int i = 0; i < 20000; i++) {
        float row[5];
        random_row(row);
        double p = ck_model_predict_row(m, row), q = ck_model_predict_row(back, row);
        differ += !same_bits(p, q);
        CHECK(p > 0 && p < 1);
    }
    CHECK_EQ_INT(differ, 0);

    /* saving what was loaded writes the same bytes */
    save(back, TMP "round_trip2.json");
    char *a = slurp(TMP "round_trip.json"), *b = slurp(TMP "round_trip2.json");
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    free(a);
    free(b);
    ck_model_free(back);
    ck_model_free(m);
}

/* Written as the shortest text that reads back to the same double. */
static void test_gbm_io__numbers_round_trip_exactly(void)
{
    check_number_round_trip(0.1, "0.1");
    check_number_round_trip(1.0 / 3, "0.3333333333333333");
    check_number_round_trip(2.0 / 3, "0.6666666666666666");
    check_number_round_trip(1e-300, "1e-300");
    check_number_round_trip(5e-324, "4.94065645841247e-324"); /* the least subnormal */
    check_number_round_trip(-0.0, "-0");
    check_number_round_trip(0.0, "0");
    check_number_round_trip(DBL_MAX, "1.7976931348623157e+308");
    check_number_round_trip(-DBL_MIN, "-2.2250738585072014e-308");
    check_number_round_trip(123456789.123, "123456789.123");
    check_number_round_trip(9007199254740993.0, "9007199254740992"); /* 2^53 + 1 rounds */
    check_number_round_trip(0.30000000000000004, "0.30000000000000004");
}

static void test_gbm_io__nan_and_inf_refused_on_save(void)
{
    ck_model *m = make_model(11, 20);
    ck_gbm *g = (ck_gbm *)ck_model_gbm(m);
    double saved = g->stumps[3].left_value;
    g->stumps[3].left_value = NAN;
    check_save_refused(m, "body.stumps[3].left: cannot write nan (model numbers must be finite)");
    g->stumps[3].left_value = saved;
    g->base_score = -INFINITY;
    check_save_refused(m, "body.base_score: cannot write -inf (model numbers must be finite)");
    g->base_score = 0;
    g->tables[2].missing_value = INFINITY;
    check_save_refused(m,
                       "body.tables[2].missing: cannot write inf (model numbers must be finite)");
    ck_model_free(m);

    m = make_model(11, 20);
    ck_model_training *t = (ck_model_training *)ck_model_training_of(m);
    t->valid_logloss = INFINITY;
    check_save_refused(m, "metrics.valid_logloss: cannot write inf (model numbers must be finite)");
    ck_model_free(m);

    m = make_model(11, 20);
    ck_gbm_params *p = (ck_gbm_params *)ck_model_gbm_params(m);
    p->learning_rate = NAN;
    check_save_refused(m, "params.learning_rate: cannot write nan (model numbers must be finite)");
    ck_model_free(m);

    m = make_model(11, 20);
    ck_model_spec *s = (ck_model_spec *)ck_model_spec_of(m);
    s->config.rfm_bounds[2][1] = NAN;
    check_save_refused(m, "feature_spec.config.rfm.monetary_bounds[1]: cannot write nan (model "
                          "numbers must be finite)");
    ck_model_free(m);
}

static void test_gbm_io__bad_files_refused_with_their_message(void)
{
    ck_model *m = editable_model();
    save(m, TMP "good.json");
    ck_model_free(m);
    good_text = slurp(TMP "good.json");
    if (good_text == NULL)
        return;
    ck_error err = { 0 };
    CHECK_OK(ck_model_load(&m, TMP "good.json", &err));
    ck_model_free(m);

    /* not JSON, with the line of the fault */
    check_load_fails_text("", CK_EPARSE, 1, "invalid JSON");
    check_load_fails_text(
        "{\n\t\"format\": \"churnkit-model\",\n\t\"format_version\": 1\n\t\"x\": 2\n}", CK_EPARSE,
        4, "invalid JSON");
    char *trailing = malloc(strlen(good_text) + 8);
    strcpy(trailing, good_text);
    strcat(trailing, "{}\n");
    long last_line = 1;
    for (const char *p = good_text; *p; p++)
        last_line += *p == '\n';
    check_load_fails_text(trailing, CK_EPARSE, last_line, "invalid JSON");
    free(trailing);

    /* not a churnkit model; a newer one */
    check_load_fails_text("[1, 2]", CK_EINVAL, 0, "not a churnkit model");
    check_load_fails_text("{\"format\": \"sklearn\"}", CK_EINVAL, 0, "not a churnkit model");
    CHECK_EDIT_FAILS("\"churnkit-model\"", "\"churnkit-modell\"", CK_EINVAL,
                     "not a churnkit model");
    CHECK_EDIT_FAILS("\"format_version\":\t1,", "\"format_version\":\t2,", CK_EVERSION,
                     "written by a newer churnkit (format_version 2; this one reads up to 1)");
    /* a newer file is named as such even when it no longer looks like a v1 file */
    check_load_fails_text(
        "{\"format\": \"churnkit-model\", \"format_version\": 17, \"body\": 0}", CK_EVERSION, 0,
        "written by a newer churnkit (format_version 17; this one reads up to 1)");
    CHECK_EDIT_FAILS("\"format_version\":\t1,", "\"format_version\":\t\"1\",", CK_EINVAL,
                     "format_version: expected a whole number from 1");
    CHECK_EDIT_FAILS("\"format_version\":\t1,", "\"format_version\":\t0.5,", CK_EINVAL,
                     "format_version: expected a whole number from 1");
    CHECK_EDIT_FAILS("\"format_version\":\t1,", "", CK_EINVAL, "format_version: missing");
    CHECK_EDIT_FAILS("\"gbm_stumps\"", "\"random_forest\"", CK_EINVAL,
                     "model_type: \"random_forest\" is not a model type this churnkit reads "
                     "(gbm_stumps, logreg, bgnbd, uplift, recommend)");

    /* each member missing, named by its path */
    static const struct {
        const char *key, *path;
    } members[] = {
        { "\"model_type\":", "model_type" },
        { "\"created_at\":", "created_at" },
        { "\"toolkit_version\":", "toolkit_version" },
        { "\"features\":", "features" },
        { "\"feature_spec\":", "feature_spec" },
        { "\"source\":", "feature_spec.source" },
        { "\"config\":", "feature_spec.config" },
        { "\"id_column\":", "feature_spec.id_column" },
        { "\"label_column\":", "feature_spec.label_column" },
        { "\"schema\":", "feature_spec.schema" },
        { "\"name\":", "feature_spec.schema[0].name" },
        { "\"kind\":", "feature_spec.schema[0].kind" },
        { "\"levels\":", "feature_spec.schema[1].levels" },
        { "\"params\":", "params" },
        { "\"rounds\":", "params.rounds" },
        { "\"learning_rate\":", "params.learning_rate" },
        { "\"max_bins\":", "params.max_bins" },
        { "\"lambda\":", "params.lambda" },
        { "\"min_child_weight\":", "params.min_child_weight" },
        { "\"min_samples_leaf\":", "params.min_samples_leaf" },
        { "\"patience\":", "params.patience" },
        { "\"pos_weight\":", "params.pos_weight" },
        { "\"subsample\":", "params.subsample" },
        { "\"seed\":", "params.seed" },
        { "\"training\":", "training" },
        { "\"rows\":", "training.rows" },
        { "\"positives\":", "training.positives" },
        { "\"valid_rows\":", "training.valid_rows" },
        { "\"valid_positives\":", "training.valid_positives" },
        { "\"cutoffs\":", "training.cutoffs" },
        { "\"cutoffs_unix\":", "training.cutoffs_unix" },
        { "\"valid_cutoff\":", "training.valid_cutoff" },
        { "\"valid_cutoff_unix\":", "training.valid_cutoff_unix" },
        { "\"inputs\":", "training.inputs" },
        { "\"role\":", "training.inputs[0].role" },
        { "\"path\":", "training.inputs[0].path" },
        { "\"sha256\":", "training.inputs[0].sha256" },
        { "\"metrics\":", "metrics" },
        { "\"rounds_kept\":", "metrics.rounds_kept" },
        { "\"train_logloss\":", "metrics.train_logloss" },
        { "\"valid_logloss\":", "metrics.valid_logloss" },
        { "\"train_auc\":", "metrics.train_auc" },
        { "\"valid_auc\":", "metrics.valid_auc" },
        { "\"body\":", "body" },
        { "\"base_score\":", "body.base_score" },
        { "\"stumps\":", "body.stumps" },
        { "\"threshold\":", "body.stumps[0].threshold" },
        { "\"left_levels\":", "body.stumps[5].left_levels" },
        { "\"missing_left\":", "body.stumps[0].missing_left" },
        { "\"left\":", "body.stumps[0].left" },
        { "\"right\":", "body.stumps[0].right" },
        { "\"gain\":", "body.stumps[0].gain" },
        { "\"tables\":", "body.tables" },
        { "\"thresholds\":", "body.tables[0].thresholds" },
        { "\"values\":", "body.tables[0].values" },
        { "\"level_values\":", "body.tables[1].level_values" },
        { "\"unseen\":", "body.tables[1].unseen" },
        { "\"missing\":", "body.tables[0].missing" },
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        /* renaming the key is removing the member, for a reader */
        char renamed[64], msg[128];
        snprintf(renamed, sizeof renamed, "\"x%s", members[i].key + 1);
        snprintf(msg, sizeof msg, "%s: missing", members[i].path);
        CHECK_EDIT_FAILS(members[i].key, renamed, CK_EINVAL, msg);
    }
    /* the feature of a stump and of a table: the first "feature" member is stump 0's */
    CHECK_EDIT_FAILS("\"feature\":", "\"x\":", CK_EINVAL, "body.stumps[0].feature: missing");

    /* ill-typed members */
    CHECK_EDIT_FAILS("\"threshold\":\t4.25", "\"threshold\":\t\"4.25\"", CK_EINVAL,
                     "body.stumps[3].threshold: expected a number");
    CHECK_EDIT_FAILS("\"threshold\":\t4.25", "\"threshold\":\t1e999", CK_EINVAL,
                     "body.stumps[3].threshold: expected a number");
    CHECK_EDIT_FAILS("\"missing_left\":\ttrue", "\"missing_left\":\t1", CK_EINVAL,
                     "body.stumps[0].missing_left: expected true or false");
    CHECK_EDIT_FAILS("\"base_score\":\t", "\"base_score\":\tnull, \"x\": ", CK_EINVAL,
                     "body.base_score: expected a number");
    CHECK_EDIT_FAILS("\"stumps\":\t[", "\"stumps\":\t{}, \"x\": [", CK_EINVAL,
                     "body.stumps: expected an array");
    CHECK_EDIT_FAILS("\"feature_spec\":\t{", "\"feature_spec\":\t[], \"x\": {", CK_EINVAL,
                     "feature_spec: expected an object");
    CHECK_EDIT_FAILS("\"rows\":\t120345", "\"rows\":\t-1", CK_EINVAL,
                     "training.rows: expected a whole number from 0 to 9007199254740992");
    CHECK_EDIT_FAILS("\"rows\":\t120345", "\"rows\":\t1.5", CK_EINVAL,
                     "training.rows: expected a whole number from 0 to 9007199254740992");
    CHECK_EDIT_FAILS("\"rows\":\t120345", "\"rows\":\t12", CK_EINVAL,
                     "training: more positives than rows");
    CHECK_EDIT_FAILS("\"rounds\":\t300", "\"rounds\":\t3e9", CK_EINVAL,
                     "params.rounds: expected a whole number from 0 to 2147483647");
    CHECK_EDIT_FAILS("\"seed\":\t\"42\"", "\"seed\":\t42", CK_EINVAL,
                     "params.seed: expected a string");
    CHECK_EDIT_FAILS("\"seed\":\t\"42\"", "\"seed\":\t\"18446744073709551616\"", CK_EINVAL,
                     "params.seed: expected a whole number from 0 to 2^64 - 1 as a string");
    CHECK_EDIT_FAILS("\"seed\":\t\"42\"", "\"seed\":\t\"-1\"", CK_EINVAL,
                     "params.seed: expected a whole number from 0 to 2^64 - 1 as a string");
    CHECK_EDIT_FAILS("\"valid_auc\":\tnull", "\"valid_auc\":\t\"n/a\"", CK_EINVAL,
                     "metrics.valid_auc: expected a number or null");
    CHECK_EDIT_FAILS("\"created_at\":\t\"2025-03-04T05:06:07Z\"", "\"created_at\":\t20250304",
                     CK_EINVAL, "created_at: expected a string");
    CHECK_EDIT_FAILS("\"role\":\t\"events\"",
                     "\"role\":\t\"events and more than thirty-one bytes of role\"", CK_EINVAL,
                     "training.inputs[0].role: too long (at most 31 bytes)");
    CHECK_EDIT_FAILS("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                     "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", CK_EINVAL,
                     "training.inputs[0].sha256: expected 64 lowercase hex digits");
    CHECK_EDIT_FAILS("\"2024-04-01\"", "\"2024-04-02\"", CK_EINVAL,
                     "training.cutoffs[1]: \"2024-04-02\" is not the day of "
                     "training.cutoffs_unix[1] (2024-04-01)");
    CHECK_EDIT_FAILS("\"valid_cutoff_unix\":\t1727740800", "\"valid_cutoff_unix\":\tnull",
                     CK_EINVAL,
                     "training.valid_cutoff: null, and training.valid_cutoff_unix not, or the "
                     "other way round");
    CHECK_EDIT_FAILS("[1704067200, ", "[", CK_EINVAL,
                     "training.cutoffs_unix: 2 times for 3 cutoffs");

    /* the schema and the feature list */
    CHECK_EDIT_FAILS("\"kind\":\t\"numeric\"", "\"kind\":\t\"ordinal\"", CK_EINVAL,
                     "feature_spec.schema[0].kind: expected \"numeric\" or \"categorical\", got "
                     "\"ordinal\"");
    CHECK_EDIT_FAILS("\"name\":\t\"frequency\"", "\"name\":\t\"recency_days\"", CK_EINVAL,
                     "feature_spec.schema[2].name: \"recency_days\" appears twice");
    CHECK_EDIT_FAILS("[\"new\", \"active\"", "[\"new\", \"new\"", CK_EINVAL,
                     "feature_spec.schema[1].levels[1]: \"new\" appears twice");
    CHECK_EDIT_FAILS("\"kind\":\t\"numeric\"", "\"kind\":\t\"numeric\", \"levels\": [\"a\"]",
                     CK_EINVAL, "feature_spec.schema[0].levels: a numeric feature has no levels");
    CHECK_EDIT_FAILS("\"source\":\t\"events\"", "\"source\":\t\"parquet\"", CK_EINVAL,
                     "feature_spec.source: expected \"events\" or \"table\", got \"parquet\"");
    CHECK_EDIT_FAILS("[\"recency_days\", \"lifecycle_stage\"", "[\"recency_days\", \"stage\"",
                     CK_EINVAL,
                     "features[1]: \"stage\" differs from feature_spec.schema[1] "
                     "\"lifecycle_stage\"");
    CHECK_EDIT_FAILS("[\"recency_days\", \"lifecycle_stage\", ", "[\"lifecycle_stage\", ",
                     CK_EINVAL, "features: 4 names for 5 features in feature_spec.schema");
    /* the config, under the rules of a config file */
    CHECK_EDIT_FAILS("\"delimiter\":\t\";\"", "\"delimiter\":\t\";;\"", CK_EINVAL,
                     "\"delimiter\": expected a one-character string");
    CHECK_EDIT_FAILS("\"lookback_days\":", "\"lookback_dayz\":", CK_EINVAL,
                     "\"churn\": unknown key \"lookback_dayz\"");

    /* the body against the schema */
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\"", "\"feature\":\t\"recency\"", CK_EINVAL,
                     "body.stumps[0].feature: unknown feature \"recency\"");
    CHECK_EDIT_FAILS("[\"dormant\", \"churned\"]", "[\"dormant\", \"lapsed\"]", CK_EINVAL,
                     "body.stumps[5].left_levels[1]: unknown level \"lapsed\" of "
                     "\"lifecycle_stage\"");
    CHECK_EDIT_FAILS("[\"dormant\", \"churned\"]", "[\"dormant\", \"dormant\"]", CK_EINVAL,
                     "body.stumps[5].left_levels[1]: \"dormant\" appears twice");
    CHECK_EDIT_FAILS("[\"dormant\", \"churned\"]", "[\"dormant\", 3]", CK_EINVAL,
                     "body.stumps[5].left_levels[1]: expected a string");
    CHECK_EDIT_FAILS("[\"dormant\", \"churned\"]",
                     "[\"dormant\", \"churned\", \"new\", "
                     "\"active\", \"new\"]",
                     CK_EINVAL, "body.stumps[5].left_levels: too many items (at most 4)");

    /* the tables */
    CHECK_EDIT_FAILS("\"thresholds\":\t[10.5, 30.5, 60.5]", "\"thresholds\":\t[10.5, 60.5, 30.5]",
                     CK_EINVAL, "body.tables[0].thresholds[2]: thresholds not in ascending order");
    CHECK_EDIT_FAILS("\"thresholds\":\t[10.5, 30.5, 60.5]", "\"thresholds\":\t[10.5, 30.5]",
                     CK_EINVAL,
                     "body.tables[0].values: expected 3 numbers (one more than thresholds), got 4");
    CHECK_EDIT_FAILS("\"thresholds\":\t[10.5, 30.5, 60.5]", "\"thresholds\":\t[10.5, 30.5, 60.25]",
                     CK_EINVAL,
                     "body.tables[0].thresholds: does not match the stumps (60.25 stored, 60.5 "
                     "from the stumps)");
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\",\n\t\t\t\t\"thresholds\"",
                     "\"feature\":\t\"frequency\",\n\t\t\t\t\"thresholds\"", CK_EINVAL,
                     "body.tables[0].feature: expected \"recency_days\" (tables follow the order "
                     "of features)");
    CHECK_EDIT_FAILS("\"level_values\":\t[", "\"level_values\":\t[0, ", CK_EINVAL,
                     "body.tables[1].level_values: expected 4 numbers (one per level), got 5");
    free(good_text);
    good_text = NULL;

    ck_model *none = NULL;
    CHECK_EQ_INT(ck_model_load(&none, TMP "no-such-model.json", &err), CK_EIO);
    CHECK_EQ_STR(err.file, TMP "no-such-model.json");
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
}

/* Tables edited by hand are refused beyond TABLE_TOL (1e-12 relative); within it, the
 * stored numbers are the ones used. */
static void test_gbm_io__tables_must_match_the_stumps(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(21, 50), *back = NULL;
    ck_gbm *g = (ck_gbm *)ck_model_gbm(m);
    double orig = g->tables[0].values[1];
    g->tables[0].values[1] = orig + 1e-9;
    save(m, TMP "tables.json");
    CHECK_EQ_INT(ck_model_load(&back, TMP "tables.json", &err), CK_EINVAL);
    char want[256];
    snprintf(want, sizeof want,
             "body.tables[0].values: does not match the stumps (%.17g stored, %.17g from the "
             "stumps)",
             orig + 1e-9, orig);
    CHECK_EQ_STR(err.msg, want);

    g->tables[3].missing_value += 1.0;
    g->tables[0].values[1] = orig;
    save(m, TMP "tables.json");
    CHECK_EQ_INT(ck_model_load(&back, TMP "tables.json", &err), CK_EINVAL);
    const char *prefix = "body.tables[3].missing: does not match the stumps (";
    CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0);
    g->tables[3].missing_value -= 1.0;

    /* within tolerance: loads, and scores with the stored table */
    double nudged = g->tables[0].values[1] * (1 + 4e-16) + 1e-15;
    g->tables[0].values[1] = nudged;
    save(m, TMP "tables.json");
    CHECK_OK(ck_model_load(&back, TMP "tables.json", &err));
    if (back != NULL)
        CHECK(same_bits(ck_model_gbm(back)->tables[0].values[1], nudged));
    ck_model_free(back);
    ck_model_free(m);
}

/* Step tables worked by hand from three stumps: feature 0 (numeric) has two, feature 1
 * (categorical, 4 levels) one, the others none. Every sum is exact in binary. */
static void test_gbm_io__step_tables_by_hand(void)
{
    ck_error err = { 0 };
    ck_gbm *g = bare_gbm(3);
    g->n_stumps = 3;
    ck__stump *s = g->stumps;
    s[0] = (ck__stump){ .feature = 0,
                        .threshold = 10.5,
                        .missing_left = true,
                        .left_value = 0.125,
                        .right_value = -0.0625,
                        .gain = 1 };
    s[1] = (ck__stump){ .feature = 0,
                        .threshold = 4.25,
                        .missing_left = false,
                        .left_value = 0.5,
                        .right_value = -0.25,
                        .gain = 2 };
    s[2] = (ck__stump){
        .feature = 1, .missing_left = false, .left_value = 1, .right_value = -2, .gain = 4
    };
    s[2].left_levels = calloc(2, sizeof *s[2].left_levels);
    s[2].left_levels[0] = 2; /* dormant */
    s[2].left_levels[1] = 3; /* churned */
    s[2].n_left_levels = 2;
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_model *m = NULL, *back = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    if (m == NULL)
        return;
    save(m, TMP "by_hand.json");
    CHECK_OK(ck_model_load(&back, TMP "by_hand.json", &err));
    const ck_model *models[2] = { m, back };
    for (int k = 0; k < 2 && back != NULL; k++) {
        const ck_gbm *gbm = ck_model_gbm(models[k]);
        ck_gbm_table t;
        CHECK(ck_gbm_base_score(gbm) == -1.3862943611198906); /* logit(0.2), as built */
        /* x <= 4.25: both left; (4.25, 10.5]: left of 10.5, right of 4.25; above: both right;
         * missing: left of the first (missing_left), right of the second */
        ck_gbm_step_table(gbm, 0, &t);
        CHECK_EQ_INT(t.n_thresholds, 2);
        CHECK(t.thresholds[0] == 4.25 && t.thresholds[1] == 10.5);
        CHECK(t.values[0] == 0.625 && t.values[1] == -0.125 && t.values[2] == -0.3125);
        CHECK(t.missing_value == -0.125);
        CHECK(t.level_values == NULL && t.n_levels == 0 && t.unseen_value == 0);
        CHECK(!t.constant_zero);
        /* levels new, active go right (-2), dormant, churned left (1); unseen and missing
         * go right */
        ck_gbm_step_table(gbm, 1, &t);
        CHECK_EQ_INT(t.n_levels, 4);
        CHECK(t.values == NULL && t.n_thresholds == 0);
        CHECK(t.level_values[0] == -2 && t.level_values[1] == -2 && t.level_values[2] == 1 &&
              t.level_values[3] == 1);
        CHECK(t.unseen_value == -2 && t.missing_value == -2);
        CHECK(!t.constant_zero);
        /* no stump: a constant 0 */
        ck_gbm_step_table(gbm, 2, &t);
        CHECK_EQ_INT(t.n_thresholds, 0);
        CHECK(t.values[0] == 0 && t.missing_value == 0 && t.constant_zero);
        ck_gbm_step_table(gbm, 4, &t);
        CHECK_EQ_INT(t.n_levels, 3);
        CHECK(t.level_values[0] == 0 && t.level_values[2] == 0 && t.unseen_value == 0);
        CHECK(t.constant_zero);
        /* the tables are what scoring adds: base + one value per feature */
        float row[5] = { 7, 3, 1, 2, 0 };
        CHECK(ck_gbm_logit_row(gbm, row) == -1.3862943611198906 + -0.125 + 1 + 0 + 0 + 0);
    }
    ck_model_free(back);
    ck_model_free(m);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_gbm_io__save_load_round_trip);
    RUN(test_gbm_io__numbers_round_trip_exactly);
    RUN(test_gbm_io__nan_and_inf_refused_on_save);
    RUN(test_gbm_io__bad_files_refused_with_their_message);
    RUN(test_gbm_io__tables_must_match_the_stumps);
    RUN(test_gbm_io__step_tables_by_hand);
    return check_summary();
}
