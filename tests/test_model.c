/*
 * Tests of model.h: the model file (save → load gives back every field bit for bit and
 * the same scores; numbers round-trip exactly; NaN/Inf refused; every malformed file
 * refused with its exact message), the reference files of models/reference/ (each scores
 * its stored rows as computed independently by models/reference/score_reference.py,
 * which sums the stumps, or the logistic regression's terms, straight from the JSON), and
 * versioned paths. All of it for both model types, gbm_stumps and logreg.
 *
 * Models are built by hand (stumps drawn from a fixed-seed generator, compiled by
 * ck__gbm_compile; coefficients and preprocessing set directly), so these tests do not
 * depend on the trainers.
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

#define TMP CK_TEST_TMP "/model_"

/* ---- helpers ------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea & Flood 2014): a fixed stream of test numbers. */
static uint64_t rng_state;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static size_t below(size_t n)
{
    return (size_t)(next_u64() % n);
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const char *const stage_levels[] = { "new", "active", "dormant", "churned" };
static const char *const channel_levels[] = { "sms", "app", "web" };

/* A schema of 3 numeric and 2 categorical features. */
static ck_schema *make_schema(void)
{
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    CHECK_EQ_INT(ck_schema_add_feature(s, "recency_days", CK_FEATURE_NUMERIC, &err), 0);
    CHECK_EQ_INT(ck_schema_add_feature(s, "lifecycle_stage", CK_FEATURE_CATEGORICAL, &err), 1);
    CHECK_EQ_INT(ck_schema_add_feature(s, "frequency", CK_FEATURE_NUMERIC, &err), 2);
    CHECK_EQ_INT(ck_schema_add_feature(s, "monetary", CK_FEATURE_NUMERIC, &err), 3);
    CHECK_EQ_INT(ck_schema_add_feature(s, "channel", CK_FEATURE_CATEGORICAL, &err), 4);
    for (size_t k = 0; k < 4; k++)
        ck_schema_add_level(s, 1, stage_levels[k], strlen(stage_levels[k]), &err);
    for (size_t k = 0; k < 3; k++)
        ck_schema_add_level(s, 4, channel_levels[k], strlen(channel_levels[k]), &err);
    return s;
}

/* A model on make_schema() with room for n stumps, none yet, not compiled. */
static ck_gbm *bare_gbm(size_t n)
{
    ck_gbm *g = calloc(1, sizeof *g);
    CHECK(g != NULL);
    g->schema = make_schema();
    g->base_score = -1.3862943611198906; /* logit(0.2) */
    g->stumps = calloc(n + 1, sizeof *g->stumps);
    return g;
}

/* A stumps model on make_schema(): n random stumps, thresholds from a small grid (so
 * several stumps share one) and awkward leaf values, compiled. */
static ck_gbm *make_gbm(uint64_t seed, size_t n)
{
    ck_error err = { 0 };
    rng_state = seed;
    ck_gbm *g = bare_gbm(n);
    g->n_stumps = n;
    for (size_t i = 0; i < n; i++) {
        ck__stump *s = &g->stumps[i];
        s->feature = (uint32_t)below(5);
        if (s->feature == 1 || s->feature == 4) {
            size_t n_levels = s->feature == 1 ? 4 : 3;
            s->left_levels = calloc(n_levels, sizeof *s->left_levels);
            for (size_t k = 0; k < n_levels; k++)
                if (next_u64() & 1)
                    s->left_levels[s->n_left_levels++] = (uint32_t)k;
        } else {
            s->threshold = (double)below(40) * 7.3 + (s->feature == 3 ? 0.01 : 0);
        }
        s->missing_left = next_u64() & 1;
        s->left_value = (uniform() - 0.5) / 3;
        s->right_value = (uniform() - 0.5) / 3;
        s->gain = uniform() * 100;
    }
    CHECK_OK(ck__gbm_compile(g, &err));
    return g;
}

static void fill_spec(ck_model_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->source = CK_SOURCE_EVENTS;
    ck_config_init(&spec->config);
    ck_config *c = &spec->config;
    c->delimiter = ';';
    snprintf(c->column_names[CK_COL_CUSTOMER_ID], CK_NAME_MAX, "member");
    snprintf(c->column_names[CK_COL_TS], CK_NAME_MAX, "order_date");
    c->n_aliases = 2;
    snprintf(c->aliases[0].alias, CK_NAME_MAX, "order");
    c->aliases[0].event = CK_EV_PURCHASE;
    snprintf(c->aliases[1].alias, CK_NAME_MAX, "unsubscribe");
    c->aliases[1].event = CK_EV_CANCEL;
    c->lookback_days = 400;
    c->horizon_days = 60;
    c->gap_days = 7;
    c->new_days = 21;
    c->active_days = 120;
    c->dormant_days = 300;
    c->has_rfm_bounds = true;
    const double bounds[3][4] = { { 12.5, 40, 95.25, 200 },
                                  { 1, 2, 4, 9 },
                                  { 0.1, 1.0 / 3, 250.75, 1e6 } };
    memcpy(c->rfm_bounds, bounds, sizeof bounds);
    snprintf(c->rfm_segments[4][4], CK_NAME_MAX, "best of all");
    c->n_channels = 2;
    snprintf(c->channels[0], CK_NAME_MAX, "wechat");
    snprintf(c->channels[1], CK_NAME_MAX, "store");
}

static void fill_training(ck_model_training *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->created_at, sizeof t->created_at, "2025-03-04T05:06:07Z");
    t->rows = 120345;
    t->positives = 23456;
    t->valid_rows = 40000;
    t->valid_positives = 8001;
    t->n_cutoffs = 3;
    t->cutoffs[0] = 1704067200;   /* 2024-01-01 */
    t->cutoffs[1] = 1711929600;   /* 2024-04-01 */
    t->cutoffs[2] = 1719792000;   /* 2024-07-01 */
    t->valid_cutoff = 1727740800; /* 2024-10-01 */
    t->n_inputs = 2;
    snprintf(t->inputs[0].role, sizeof t->inputs[0].role, "events");
    snprintf(t->inputs[0].path, sizeof t->inputs[0].path, "data/events \"2024\".csv.gz");
    snprintf(t->inputs[0].sha256, sizeof t->inputs[0].sha256, "%s",
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    snprintf(t->inputs[1].role, sizeof t->inputs[1].role, "customers");
    snprintf(t->inputs[1].path, sizeof t->inputs[1].path, "customers.csv");
    snprintf(t->inputs[1].sha256, sizeof t->inputs[1].sha256, "%s",
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    t->rounds_kept = 187;
    t->train_logloss = 0.41234567890123456;
    t->valid_logloss = 0.43;
    t->train_auc = 0.81;
    t->valid_auc = NAN; /* not measured: written as null */
}

static ck_model *make_model(uint64_t seed, size_t n_stumps)
{
    ck_error err = { 0 };
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    params.rounds = 500;
    params.learning_rate = 0.05;
    params.max_bins = 63;
    params.lambda = 2.5;
    params.min_child_weight = 1e-3;
    params.min_samples_leaf = 7;
    params.patience = 25;
    params.pos_weight = 3.75;
    params.subsample = 0.8;
    params.seed = 18446744073709551615ULL; /* 2^64 − 1: no double holds it */
    params.n_threads = 4;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, make_gbm(seed, n_stumps), &params, &spec, &training, &err));
    return m;
}

static void save(const ck_model *m, const char *path)
{
    ck_error err = { 0 };
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_OK(ck_model_save(m, f, &err));
    CHECK_EQ_INT(fclose(f), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (bigger == NULL)
                free(text);
            text = bigger;
        }
    }
    fclose(f);
    if (text)
        text[len] = '\0';
    return text;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs(text, f);
    CHECK_EQ_INT(fclose(f), 0);
}

/* A random row coded against make_schema(): numbers near the thresholds, about one
 * value in ten missing, some categorical codes unseen (n_levels). */
static void random_row(float row[5])
{
    for (int j = 0; j < 5; j++) {
        if (below(10) == 0)
            row[j] = NAN;
        else if (j == 1)
            row[j] = (float)below(5);
        else if (j == 4)
            row[j] = (float)below(4);
        else
            row[j] = (float)(uniform() * 300 - 5);
    }
    /* land exactly on a threshold now and then: x <= threshold goes left */
    if (below(4) == 0)
        row[0] = (float)(7.3 * (double)below(40));
}

/* ---- comparison of two models ------------------------------------------------------- */

static void check_same_config(const ck_config *a, const ck_config *b)
{
    CHECK_EQ_INT(a->delimiter, b->delimiter);
    for (int c = 0; c < CK_COL_COUNT; c++)
        CHECK_EQ_STR(a->column_names[c], b->column_names[c]);
    CHECK_EQ_INT(a->n_aliases, b->n_aliases);
    for (size_t i = 0; i < a->n_aliases && i < b->n_aliases; i++) {
        CHECK_EQ_STR(a->aliases[i].alias, b->aliases[i].alias);
        CHECK_EQ_INT(a->aliases[i].event, b->aliases[i].event);
    }
    CHECK_EQ_INT(a->lookback_days, b->lookback_days);
    CHECK_EQ_INT(a->horizon_days, b->horizon_days);
    CHECK_EQ_INT(a->gap_days, b->gap_days);
    CHECK_EQ_INT(a->new_days, b->new_days);
    CHECK_EQ_INT(a->active_days, b->active_days);
    CHECK_EQ_INT(a->dormant_days, b->dormant_days);
    CHECK_EQ_INT(a->has_rfm_bounds, b->has_rfm_bounds);
    for (int d = 0; d < 3 && a->has_rfm_bounds; d++)
        for (int k = 0; k < 4; k++)
            CHECK(same_bits(a->rfm_bounds[d][k], b->rfm_bounds[d][k]));
    for (int r = 0; r < 5; r++)
        for (int f = 0; f < 5; f++)
            CHECK_EQ_STR(a->rfm_segments[r][f], b->rfm_segments[r][f]);
    CHECK_EQ_INT(a->n_channels, b->n_channels);
    for (size_t i = 0; i < a->n_channels && i < b->n_channels; i++)
        CHECK_EQ_STR(a->channels[i], b->channels[i]);
}

static void check_same_schema(const ck_schema *a, const ck_schema *b)
{
    CHECK_EQ_INT(ck_schema_n_features(a), ck_schema_n_features(b));
    for (size_t j = 0; j < ck_schema_n_features(a) && j < ck_schema_n_features(b); j++) {
        CHECK_EQ_STR(ck_schema_name(a, j), ck_schema_name(b, j));
        CHECK_EQ_INT(ck_schema_kind(a, j), ck_schema_kind(b, j));
        CHECK_EQ_INT(ck_schema_n_levels(a, j), ck_schema_n_levels(b, j));
        for (size_t k = 0; k < ck_schema_n_levels(a, j) && k < ck_schema_n_levels(b, j); k++)
            CHECK_EQ_STR(ck_schema_level(a, j, k), ck_schema_level(b, j, k));
    }
}

static void check_same_body(const ck_gbm *a, const ck_gbm *b)
{
    CHECK(same_bits(a->base_score, b->base_score));
    CHECK_EQ_INT(a->n_stumps, b->n_stumps);
    for (size_t i = 0; i < a->n_stumps && i < b->n_stumps; i++) {
        const ck__stump *x = &a->stumps[i], *y = &b->stumps[i];
        CHECK_EQ_INT(x->feature, y->feature);
        CHECK(same_bits(x->threshold, y->threshold));
        CHECK_EQ_INT(x->n_left_levels, y->n_left_levels);
        for (size_t k = 0; k < x->n_left_levels && k < y->n_left_levels; k++)
            CHECK_EQ_INT(x->left_levels[k], y->left_levels[k]);
        CHECK_EQ_INT(x->missing_left, y->missing_left);
        CHECK(same_bits(x->left_value, y->left_value));
        CHECK(same_bits(x->right_value, y->right_value));
        CHECK(same_bits(x->gain, y->gain));
    }
    size_t n_features = ck_schema_n_features(a->schema);
    for (size_t j = 0; j < n_features; j++) {
        const ck__step_table *x = &a->tables[j], *y = &b->tables[j];
        CHECK_EQ_INT(x->n_thresholds, y->n_thresholds);
        CHECK_EQ_INT(x->n_levels, y->n_levels);
        for (size_t k = 0; k < x->n_thresholds && k < y->n_thresholds; k++)
            CHECK(same_bits(x->thresholds[k], y->thresholds[k]));
        for (size_t k = 0; x->values && k <= x->n_thresholds && k <= y->n_thresholds; k++)
            CHECK(same_bits(x->values[k], y->values[k]));
        for (size_t k = 0; k < x->n_levels && k < y->n_levels; k++)
            CHECK(same_bits(x->level_values[k], y->level_values[k]));
        CHECK(same_bits(x->unseen_value, y->unseen_value));
        CHECK(same_bits(x->missing_value, y->missing_value));
        CHECK(same_bits(a->importance[j], b->importance[j]));
    }
}

static void check_same_training(const ck_model_training *a, const ck_model_training *b)
{
    CHECK_EQ_STR(a->created_at, b->created_at);
    CHECK_EQ_INT(a->rows, b->rows);
    CHECK_EQ_INT(a->positives, b->positives);
    CHECK_EQ_INT(a->valid_rows, b->valid_rows);
    CHECK_EQ_INT(a->valid_positives, b->valid_positives);
    CHECK_EQ_INT(a->n_cutoffs, b->n_cutoffs);
    for (size_t i = 0; i < a->n_cutoffs && i < b->n_cutoffs; i++)
        CHECK_EQ_INT(a->cutoffs[i], b->cutoffs[i]);
    CHECK_EQ_INT(a->valid_cutoff, b->valid_cutoff);
    CHECK_EQ_INT(a->n_inputs, b->n_inputs);
    for (size_t i = 0; i < a->n_inputs && i < b->n_inputs; i++) {
        CHECK_EQ_STR(a->inputs[i].role, b->inputs[i].role);
        CHECK_EQ_STR(a->inputs[i].path, b->inputs[i].path);
        CHECK_EQ_STR(a->inputs[i].sha256, b->inputs[i].sha256);
    }
    CHECK_EQ_INT(a->rounds_kept, b->rounds_kept);
    /* bit for bit, NaN (a metric not measured) included */
    CHECK(same_bits(a->train_logloss, b->train_logloss) ||
          (isnan(a->train_logloss) && isnan(b->train_logloss)));
    CHECK(same_bits(a->valid_logloss, b->valid_logloss) ||
          (isnan(a->valid_logloss) && isnan(b->valid_logloss)));
    CHECK(same_bits(a->train_auc, b->train_auc) || (isnan(a->train_auc) && isnan(b->train_auc)));
    CHECK(same_bits(a->valid_auc, b->valid_auc) || (isnan(a->valid_auc) && isnan(b->valid_auc)));
}

static void check_same_model(const ck_model *a, const ck_model *b)
{
    CHECK_EQ_INT(ck_model_type_of(a), ck_model_type_of(b));
    check_same_schema(ck_model_schema(a), ck_model_schema(b));
    const ck_model_spec *sa = ck_model_spec_of(a), *sb = ck_model_spec_of(b);
    CHECK_EQ_INT(sa->source, sb->source);
    CHECK_EQ_STR(sa->id_column, sb->id_column);
    CHECK_EQ_STR(sa->label_column, sb->label_column);
    check_same_config(&sa->config, &sb->config);
    const ck_gbm_params *pa = ck_model_gbm_params(a), *pb = ck_model_gbm_params(b);
    CHECK_EQ_INT(pa->rounds, pb->rounds);
    CHECK(same_bits(pa->learning_rate, pb->learning_rate));
    CHECK_EQ_INT(pa->max_bins, pb->max_bins);
    CHECK(same_bits(pa->lambda, pb->lambda));
    CHECK(same_bits(pa->min_child_weight, pb->min_child_weight));
    CHECK_EQ_INT(pa->min_samples_leaf, pb->min_samples_leaf);
    CHECK_EQ_INT(pa->patience, pb->patience);
    CHECK(same_bits(pa->pos_weight, pb->pos_weight));
    CHECK(same_bits(pa->subsample, pb->subsample));
    CHECK(pa->seed == pb->seed);
    check_same_training(ck_model_training_of(a), ck_model_training_of(b));
    check_same_body(ck_model_gbm(a), ck_model_gbm(b));
}

/* ---- save and load ------------------------------------------------------------------ */

static void test_model__save_load_round_trip(void)
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

static void test_model__table_source_round_trip(void)
{
    ck_error err = { 0 };
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    memset(&spec, 0, sizeof spec);
    memset(&training, 0, sizeof training);
    spec.source = CK_SOURCE_TABLE;
    ck_config_init(&spec.config);
    spec.config.delimiter = '\t';
    snprintf(spec.id_column, sizeof spec.id_column, "customerID");
    snprintf(spec.label_column, sizeof spec.label_column, "Churn");
    training.train_logloss = training.valid_logloss = NAN;
    training.train_auc = training.valid_auc = NAN;
    ck_model *m = NULL, *back = NULL;
    CHECK_OK(ck_model_new_gbm(&m, make_gbm(3, 0), &params, &spec, &training, &err));
    if (m == NULL)
        return;
    save(m, TMP "table.json");
    CHECK_OK(ck_model_load(&back, TMP "table.json", &err));
    if (back != NULL) {
        check_same_model(m, back);
        CHECK_EQ_INT(ck_model_spec_of(back)->source, CK_SOURCE_TABLE);
        CHECK_EQ_INT(ck_model_training_of(back)->valid_cutoff, 0);
        /* no stumps: every row scores the base rate */
        float row[5] = { 1, 2, 3, 4, 0 };
        CHECK_NEAR(ck_model_predict_row(back, row), 0.2, 1e-15);
    }
    ck_model_free(back);
    ck_model_free(m);
}

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

/* Written as the shortest text that reads back to the same double. */
static void test_model__numbers_round_trip_exactly(void)
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

/* Save fails with CK_EINVAL and exactly `want`, writing nothing. */
static void check_save_refused(const ck_model *m, const char *want)
{
    ck_error err = { 0 };
    FILE *f = fopen(TMP "refused.json", "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_EQ_INT(ck_model_save(m, f, &err), CK_EINVAL);
    CHECK_EQ_INT(ftell(f), 0);
    fclose(f);
    CHECK_EQ_INT(err.code, CK_EINVAL);
    CHECK_EQ_STR(err.msg, want);
}

static void test_model__nan_and_inf_refused_on_save(void)
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

/* ---- bad files ---------------------------------------------------------------------- */

static char *good_text;

/* The good file with the first occurrence of `old` replaced by `new`. */
static char *edited(const char *old, const char *new)
{
    const char *at = strstr(good_text, old);
    CHECK(at != NULL);
    if (at == NULL) {
        fprintf(stderr, "  (no \"%s\" in the good file)\n", old);
        return NULL;
    }
    size_t head = (size_t)(at - good_text);
    char *text = malloc(strlen(good_text) + strlen(new) + 1);
    memcpy(text, good_text, head);
    strcpy(text + head, new);
    strcat(text, at + strlen(old));
    return text;
}

static void check_load_fails_text(const char *text, int code, long line, const char *msg)
{
    ck_error err = { 0 };
    ck_model *m = (ck_model *)&err; /* must be set to NULL */
    spit(TMP "bad.json", text);
    CHECK_EQ_INT(ck_model_load(&m, TMP "bad.json", &err), code);
    CHECK(m == NULL);
    CHECK_EQ_INT(err.code, code);
    CHECK_EQ_STR(err.file, TMP "bad.json");
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
}

#define CHECK_EDIT_FAILS(old, new, code, msg)                                                      \
    do {                                                                                           \
        char *text_ = edited((old), (new));                                                        \
        if (text_ != NULL)                                                                         \
            check_load_fails_text(text_, (code), 0, (msg));                                        \
        free(text_);                                                                               \
    } while (0)

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

static void test_model__bad_files_refused_with_their_message(void)
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
                     "(gbm_stumps, logreg)");

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
static void test_model__tables_must_match_the_stumps(void)
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

static void test_model__accessors(void)
{
    ck_model *m = make_model(2, 10);
    CHECK_EQ_INT(ck_model_type_of(m), CK_MODEL_GBM_STUMPS);
    CHECK(ck_model_gbm(m) != NULL);
    CHECK(ck_model_schema(m) == ck_gbm_schema(ck_model_gbm(m)));
    CHECK_EQ_INT(ck_model_gbm_params(m)->n_threads, 4);
    CHECK_EQ_INT(ck_model_gbm_params(m)->max_bins, 63);
    CHECK_EQ_STR(ck_model_spec_of(m)->config.column_names[CK_COL_TS], "order_date");
    CHECK_EQ_INT(ck_model_training_of(m)->rounds_kept, 187);
    ck_model_free(m);
    ck_model_free(NULL);
}

/* The logistic function at extreme logits: no overflow, no loss to 1 − p. */
static void test_model__probability_is_stable(void)
{
    ck_error err = { 0 };
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    const double logits[] = { -800, -40, -1e-20, 0, 2, 40, 800 };
    const double want[] = { 0, 4.2483542552915889e-18, 0.5, 0.5, 0.88079707797788231, 1, 1 };
    for (size_t i = 0; i < sizeof logits / sizeof *logits; i++) {
        ck_gbm *g = make_gbm(1, 0);
        g->base_score = logits[i];
        ck_model *m = NULL;
        CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
        float row[5] = { 1, 1, 1, 1, 1 };
        double p = ck_model_predict_row(m, row);
        /* relative: e^−40 = 4.248e−18 is exact to the last digits only relatively */
        CHECK_NEAR(p, want[i], 1e-15 * want[i] + (want[i] == 0 ? 1e-300 : 0));
        CHECK(p >= 0 && p <= 1 && !isnan(p));
        ck_model_free(m);
    }
    /* e^−800 underflows to 0 rather than e^800 overflowing to inf / inf */
}

/* ck_model_predict on a dataset read against the model's schema scores each row as
 * ck_model_predict_row does. */
/* Five rows on make_schema(), one per lifecycle stage (and one unseen), as a dataset. */
static ck_dataset *population(const ck_model *m)
{
    ck_error err = { 0 };
    spit(TMP "population.csv", "id,monetary,recency_days,channel,lifecycle_stage,frequency\n"
                               "a,100.5,3,sms,new,2\n"
                               "b,,70,web,dormant,1\n"
                               "c,2500,219,fax,churned,\n"
                               "d,0.25,NA,,active,14\n"
                               "e,73,14.6,app,lapsed,3\n");
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    opts.schema = ck_model_schema(m);
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "population.csv", &opts, &err));
    return d;
}

static void test_model__predict_dataset_matches_rows(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(31, 120);
    ck_dataset *d = population(m);
    if (d == NULL) {
        ck_model_free(m);
        return;
    }
    size_t n = ck_dataset_n_rows(d);
    CHECK_EQ_INT(n, 5);
    double prob[5];
    CHECK_OK(ck_model_predict(m, d, prob, 2, &err));
    for (size_t i = 0; i < n; i++) {
        float row[5];
        for (size_t j = 0; j < 5; j++)
            row[j] = ck_dataset_column(d, j)[i];
        CHECK(same_bits(prob[i], ck_model_predict_row(m, row)));
    }
    ck_dataset_free(d);

    /* a dataset with other features */
    spit(TMP "predict_other.csv", "id,x,y\na,1,2\n");
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    CHECK_OK(ck_dataset_read_table(&d, TMP "predict_other.csv", &opts, &err));
    if (d != NULL)
        CHECK_EQ_INT(ck_model_predict(m, d, prob, 1, &err), CK_EINVAL);
    ck_dataset_free(d);
    ck_model_free(m);
}

/* ---- what scoring compares a customer against --------------------------------------- */

static void test_model__learn_population(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(31, 120);
    ck_dataset *d = population(m);
    if (d == NULL) {
        ck_model_free(m);
        return;
    }
    CHECK(ck_model_contribution_means(m) == NULL);
    CHECK_OK(ck_model_learn_population(m, d, 2, &err));
    /* by hand: each row's contributions, averaged; each row's probability, sorted */
    double sum[5] = { 0 }, prob[5], logit_sum = 0;
    for (size_t i = 0; i < 5; i++) {
        float row[5];
        double contrib[5], base;
        for (size_t j = 0; j < 5; j++)
            row[j] = ck_dataset_column(d, j)[i];
        ck_model_contributions(m, row, contrib, &base);
        double logit = base;
        for (size_t j = 0; j < 5; j++) {
            sum[j] += contrib[j];
            logit += contrib[j];
        }
        logit_sum += logit;
        prob[i] = ck_model_predict_row(m, row);
    }
    const double *means = ck_model_contribution_means(m);
    CHECK(means != NULL);
    double base = ck_model_gbm(m)->base_score, mean_logit = base;
    for (size_t j = 0; means && j < 5; j++) {
        CHECK(same_bits(means[j], sum[j] / 5));
        mean_logit += means[j];
    }
    /* additive: the mean logit is the base plus the mean contributions */
    CHECK_NEAR(mean_logit, logit_sum / 5, 1e-12);
    /* percentiles of five scores (type 7): 0 → the least, 50 → the third, 100 → the most */
    double sorted[5];
    memcpy(sorted, prob, sizeof sorted);
    for (size_t i = 1; i < 5; i++)
        for (size_t k = i; k > 0 && sorted[k] < sorted[k - 1]; k--) {
            double t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    const ck_model_training *t = ck_model_training_of(m);
    CHECK(t->has_score_percentiles);
    CHECK(same_bits(t->score_percentiles[0], sorted[0]));
    CHECK(same_bits(t->score_percentiles[50], sorted[2]));
    CHECK(same_bits(t->score_percentiles[100], sorted[4]));
    CHECK_NEAR(t->score_percentiles[25], sorted[1], 1e-15);
    /* one row per seen stage: each stage's distribution is that one score */
    CHECK_EQ_INT(t->n_stage_percentiles, 4);
    for (size_t s = 0; s < t->n_stage_percentiles; s++)
        CHECK(t->stage_percentiles[s][0] == t->stage_percentiles[s][100]);

    /* the file keeps them exactly */
    save(m, TMP "population.json");
    ck_model *back = NULL;
    CHECK_OK(ck_model_load(&back, TMP "population.json", &err));
    const double *back_means = back ? ck_model_contribution_means(back) : NULL;
    CHECK(back_means != NULL);
    for (size_t j = 0; means && back_means && j < 5; j++)
        CHECK(same_bits(back_means[j], means[j]));
    if (back != NULL)
        check_same_training(ck_model_training_of(back), t);
    ck_model_free(back);

    /* optional (older files have none); when present, one number per feature */
    char *text = slurp(TMP "population.json");
    char *at = text ? strstr(text, "\"contribution_means\"") : NULL;
    CHECK(at != NULL);
    if (at != NULL) {
        char *open = strchr(at, '['), *close = strchr(at, ']');
        char *shorter = malloc(strlen(text) + 1);
        if (shorter != NULL && open && close) {
            /* drop the last number: [a, b, c, d, e] → [a, b, c, d] */
            char *last_comma = close;
            while (last_comma > open && *last_comma != ',')
                last_comma--;
            snprintf(shorter, strlen(text) + 1, "%.*s%s", (int)(last_comma - text), text, close);
            check_load_fails_text(shorter, CK_EINVAL, 0,
                                  "metrics.contribution_means: expected 5 numbers");
            /* without the member: loads, with no means */
            char *before = at;
            while (before > text && *before != ',')
                before--;
            snprintf(shorter, strlen(text) + 1, "%.*s%s", (int)(before - text), text, close + 1);
            spit(TMP "no_means.json", shorter);
            CHECK_OK(ck_model_load(&back, TMP "no_means.json", &err));
            CHECK(back != NULL && ck_model_contribution_means(back) == NULL);
            ck_model_free(back);
        }
        free(shorter);
    }
    free(text);
    ck_dataset_free(d);
    ck_model_free(m);
}

/* A reason raises the customer's risk above the average training customer's: a stump
 * whose two leaves both add to the logit is a reason only for the customers on its
 * higher leaf. */
static void test_model__reasons_against_the_training_mean(void)
{
    ck_error err = { 0 };
    ck_gbm *g = bare_gbm(1);
    g->n_stumps = 1;
    /* recency_days > 30 adds 1 to the logit, the rest (missing too) 0.5 */
    g->stumps[0] = (ck__stump){
        .feature = 0, .threshold = 30, .missing_left = true, .left_value = 0.5, .right_value = 1.0
    };
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    if (m == NULL)
        return;
    /* recency 3, 70, 219, missing (left), 14.6: contributions 0.5, 1, 1, 0.5, 0.5 */
    ck_dataset *d = population(m);
    CHECK_OK(ck_model_learn_population(m, d, 1, &err));
    const double *means = ck_model_contribution_means(m);
    CHECK(means != NULL && means[0] == 0.7 && means[2] == 0);
    ck_config cfg;
    ck_config_init(&cfg);
    ck_predict_writer w;
    CHECK_OK(ck_predict_writer_init(&w, m, &cfg.predict, NULL, 1, true, false, &err));
    ck_predict_buffer b = { 0 };
    float row[5] = { 70, NAN, NAN, NAN, NAN };
    CHECK_OK(ck_predict_write_row(&w, "x", row, true, false, &b, &err));
    row[0] = 10;
    CHECK_OK(ck_predict_write_row(&w, "y", row, true, false, &b, &err));
    CHECK(b.text != NULL);
    if (b.text != NULL) {
        b.text[b.len] = '\0';
        /* 70 days: 1 − 0.7 above the mean, its reason; 10 days: 0.5 − 0.7, none */
        CHECK(strstr(b.text, "\"customer_id\": \"x\"") != NULL);
        CHECK(strstr(b.text, "\"reason_1\": \"no purchase for 70 days\"") != NULL);
        const char *y = strstr(b.text, "\"customer_id\": \"y\"");
        CHECK(y != NULL && strstr(y, "\"reason_1\": null") != NULL);
    }
    ck_predict_buffer_free(&b);
    ck_predict_writer_free(&w);
    ck_dataset_free(d);
    ck_model_free(m);
}

/* ---- logistic regression -------------------------------------------------------------- */

static const ck_logreg_params logreg_params_example = { 0.37,
                                                        CK_LOGREG_L2,
                                                        CK_LOGREG_LBFGS,
                                                        2.5,
                                                        1e-8,
                                                        500,
                                                        0.01,
                                                        5,
                                                        4,
                                                        { 0.01, 0.1, 1.0 / 3, 10 },
                                                        18446744073709551615ULL,
                                                        4 };

static ck_logreg_report logreg_report_example(void)
{
    ck_logreg_report r;
    memset(&r, 0, sizeof r);
    r.C = 0.37;
    r.iterations = 17;
    r.objective = 1234.5678901234567;
    r.grad_norm = 3.3e-9;
    r.converged = true;
    r.n_cv = 4;
    const double C[4] = { 0.01, 0.1, 1.0 / 3, 10 }, loss[4] = { 0.5, 0.41, 0.4000001, 0.43 };
    memcpy(r.cv_C, C, sizeof C);
    memcpy(r.cv_logloss, loss, sizeof loss);
    return r;
}

/* A logistic regression on make_schema() with awkward numbers: recency_days clipped with
 * missing values, lifecycle_stage with missing values, frequency plain, monetary clipped,
 * channel plain. */
static ck_logreg *make_logreg(uint64_t seed)
{
    ck_error err = { 0 };
    rng_state = seed;
    ck_schema *schema = make_schema();
    ck_logreg *m = NULL;
    CHECK_OK(ck__logreg_new(&m, schema, &err));
    ck_schema_free(schema);
    if (m == NULL)
        return NULL;
    for (size_t j = 0; j < 5; j++) {
        ck_logreg_feature *f = &m->features[j];
        f->has_missing = j <= 1;
        if (f->categorical)
            continue;
        f->center = uniform() * 100 - 3;
        f->scale = 20 + uniform() * 40; /* z stays within ±15 on random_row()'s values */
        f->clipped = j != 2;
        f->clip_low = f->center - 2.5 * f->scale;
        f->clip_high = f->center + uniform() * 4 * f->scale;
    }
    ck__logreg_layout(m);
    double beta[32];
    for (size_t k = 0; k < m->n_columns; k++)
        beta[k] = (uniform() - 0.5) / 0.7;
    ck__logreg_set_beta(m, beta);
    return m;
}

static ck_model *make_logreg_model(uint64_t seed)
{
    ck_error err = { 0 };
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    training.rounds_kept = 0;
    ck_logreg_report report = logreg_report_example();
    ck_model *m = NULL;
    ck_logreg *lr = make_logreg(seed);
    if (lr != NULL)
        CHECK_OK(
            ck_model_new_logreg(&m, lr, &logreg_params_example, &report, &spec, &training, &err));
    return m;
}

static void check_same_logreg_model(const ck_model *a, const ck_model *b)
{
    CHECK_EQ_INT(ck_model_type_of(a), CK_MODEL_LOGREG);
    CHECK_EQ_INT(ck_model_type_of(b), CK_MODEL_LOGREG);
    check_same_schema(ck_model_schema(a), ck_model_schema(b));
    check_same_config(&ck_model_spec_of(a)->config, &ck_model_spec_of(b)->config);
    check_same_training(ck_model_training_of(a), ck_model_training_of(b));
    const ck_logreg_params *pa = ck_model_logreg_params(a), *pb = ck_model_logreg_params(b);
    CHECK(same_bits(pa->C, pb->C) && pa->penalty == pb->penalty && pa->solver == pb->solver);
    CHECK(same_bits(pa->pos_weight, pb->pos_weight) && same_bits(pa->tol, pb->tol));
    CHECK(pa->max_iter == pb->max_iter && same_bits(pa->clip, pb->clip));
    CHECK(pa->cv_folds == pb->cv_folds && pa->n_grid == pb->n_grid && pa->seed == pb->seed);
    for (size_t g = 0; g < pa->n_grid && g < pb->n_grid; g++)
        CHECK(same_bits(pa->grid[g], pb->grid[g]));
    const ck_logreg_report *ra = ck_model_logreg_report(a), *rb = ck_model_logreg_report(b);
    CHECK(same_bits(ra->C, rb->C) && ra->iterations == rb->iterations);
    CHECK(same_bits(ra->objective, rb->objective) && ra->converged == rb->converged);
    CHECK(same_bits(ra->grad_norm, rb->grad_norm) ||
          (isnan(ra->grad_norm) && isnan(rb->grad_norm)));
    CHECK_EQ_INT(ra->n_cv, rb->n_cv);
    for (size_t g = 0; g < ra->n_cv && g < rb->n_cv; g++)
        CHECK(same_bits(ra->cv_C[g], rb->cv_C[g]) &&
              same_bits(ra->cv_logloss[g], rb->cv_logloss[g]));
    const ck_logreg *la = ck_model_logreg(a), *lb = ck_model_logreg(b);
    CHECK_EQ_INT(la->n_columns, lb->n_columns);
    CHECK(same_bits(ck_logreg_intercept(la, false), ck_logreg_intercept(lb, false)));
    CHECK(same_bits(ck_logreg_intercept(la, true), ck_logreg_intercept(lb, true)));
    for (size_t j = 0; j < ck_schema_n_features(la->schema); j++) {
        const ck_logreg_feature *x = ck_logreg_feature_at(la, j), *y = ck_logreg_feature_at(lb, j);
        CHECK(x->categorical == y->categorical && x->clipped == y->clipped);
        CHECK(x->has_missing == y->has_missing && same_bits(x->missing_coef, y->missing_coef));
        CHECK(same_bits(x->center, y->center) && same_bits(x->scale, y->scale));
        CHECK(!x->clipped ||
              (same_bits(x->clip_low, y->clip_low) && same_bits(x->clip_high, y->clip_high)));
        CHECK(same_bits(x->coef, y->coef) && same_bits(x->coef_original, y->coef_original));
        CHECK_EQ_INT(x->n_levels, y->n_levels);
        for (size_t k = 0; k < x->n_levels && k < y->n_levels; k++)
            CHECK(same_bits(x->level_coefs[k], y->level_coefs[k]));
    }
}

static void test_model__logreg_save_load_round_trip(void)
{
    ck_error err = { 0 };
    ck_model *m = make_logreg_model(17), *back = NULL;
    if (m == NULL)
        return;
    save(m, TMP "logreg.json");
    CHECK_OK(ck_model_load(&back, TMP "logreg.json", &err));
    if (back == NULL) {
        ck_model_free(m);
        return;
    }
    check_same_logreg_model(m, back);
    CHECK_EQ_INT(ck_model_logreg_params(back)->n_threads, 1);
    CHECK(ck_model_gbm(back) == NULL && ck_model_gbm_params(back) == NULL);
    CHECK(ck_model_logreg(back) != NULL &&
          ck_model_schema(back) == ck_logreg_schema(ck_model_logreg(back)));
    /* the same scores and contributions, bit for bit; contributions sum to the logit */
    rng_state = 77;
    size_t differ = 0;
    for (int i = 0; i < 20000; i++) {
        float row[5];
        random_row(row);
        if (i % 50 == 0)
            row[0] = (float)(i % 100 == 0 ? 1e9 : -1e9); /* beyond the clip bounds */
        double p = ck_model_predict_row(m, row), q = ck_model_predict_row(back, row);
        differ += !same_bits(p, q);
        double contrib[5], base;
        ck_model_contributions(back, row, contrib, &base);
        double logit = base;
        for (int j = 0; j < 5; j++)
            logit += contrib[j];
        differ += !same_bits(logit, ck_logreg_logit_row(ck_model_logreg(back), row));
        CHECK(p > 0 && p < 1);
    }
    CHECK_EQ_INT(differ, 0);
    save(back, TMP "logreg2.json");
    char *a = slurp(TMP "logreg.json"), *b = slurp(TMP "logreg2.json");
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    CHECK(a != NULL && strstr(a, "\"model_type\":\t\"logreg\"") != NULL);
    CHECK(a != NULL && strstr(a, "\"rounds_kept\"") == NULL);
    free(a);
    free(b);
    ck_model_free(back);
    ck_model_free(m);
}

static void test_model__logreg_nan_refused_on_save(void)
{
    ck_model *m = make_logreg_model(3);
    if (m == NULL)
        return;
    ck_logreg *lr = (ck_logreg *)ck_model_logreg(m);
    double saved = lr->features[3].coef;
    lr->features[3].coef = NAN; /* the original-scale intercept is written first */
    check_save_refused(m, "body.intercept_original: cannot write nan (model numbers must be "
                          "finite)");
    lr->features[3].coef = saved;
    lr->features[0].missing_coef = -INFINITY;
    check_save_refused(m, "body.terms[0].missing_coef: cannot write -inf (model numbers must be "
                          "finite)");
    lr->features[0].missing_coef = 0;
    lr->level_coefs[2] = INFINITY;
    check_save_refused(m, "body.terms[1].level_coefs[2]: cannot write inf (model numbers must be "
                          "finite)");
    lr->level_coefs[2] = 0;
    ck_logreg_report *r = (ck_logreg_report *)ck_model_logreg_report(m);
    r->objective = NAN;
    check_save_refused(m, "metrics.objective: cannot write nan (model numbers must be finite)");
    r->objective = 1;
    r->cv_logloss[3] = -INFINITY;
    check_save_refused(m,
                       "metrics.cv[3].logloss: cannot write -inf (model numbers must be finite)");
    r->cv_logloss[3] = 1;
    ck_logreg_params *p = (ck_logreg_params *)ck_model_logreg_params(m);
    p->grid[1] = NAN;
    check_save_refused(m, "params.C_grid[1]: cannot write nan (model numbers must be finite)");
    ck_model_free(m);
}

/* Simple numbers, so that the file can be edited by text (see the comments for the
 * values): intercept −1.25, intercept_original −1.25 − (0.5 · 10.5 / 2 − 0.75 · 3 / 1.5 +
 * 0.2 · 250 / 100) = −2.875. */
static ck_model *editable_logreg_model(void)
{
    ck_error err = { 0 };
    ck_schema *schema = make_schema();
    ck_logreg *lr = NULL;
    CHECK_OK(ck__logreg_new(&lr, schema, &err));
    ck_schema_free(schema);
    if (lr == NULL)
        return NULL;
    ck_logreg_feature *f = lr->features;
    f[0].center = 10.5, f[0].scale = 2, f[0].clipped = true, f[0].clip_low = 1;
    f[0].clip_high = 100, f[0].has_missing = true;
    f[1].has_missing = true;
    f[2].center = 3, f[2].scale = 1.5;
    f[3].center = 250, f[3].scale = 100, f[3].clipped = true, f[3].clip_low = 0;
    f[3].clip_high = 5000;
    ck__logreg_layout(lr);
    /* recency 0.5, missing −0.75; stage levels, missing 0.0625; frequency −0.75; monetary
     * 0.2; channel levels; intercept */
    const double beta[] = { 0.5,   -0.75, 0.125, -0.25, 0.375, 1,    0.0625,
                            -0.75, 0.2,   0.5,   -0.5,  0,     -1.25 };
    CHECK_EQ_INT(lr->n_columns, sizeof beta / sizeof *beta);
    ck__logreg_set_beta(lr, beta);
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_logreg_params params = logreg_params_example;
    params.C = 1;
    ck_logreg_report report = logreg_report_example();
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_logreg(&m, lr, &params, &report, &spec, &training, &err));
    return m;
}

static void test_model__logreg_bad_files_refused_with_their_message(void)
{
    ck_model *m = editable_logreg_model();
    if (m == NULL)
        return;
    CHECK_NEAR(ck_logreg_intercept(ck_model_logreg(m), true), -2.875, 1e-15);
    save(m, TMP "logreg_good.json");
    ck_model_free(m);
    good_text = slurp(TMP "logreg_good.json");
    if (good_text == NULL)
        return;
    ck_error err = { 0 };
    CHECK_OK(ck_model_load(&m, TMP "logreg_good.json", &err));
    ck_model_free(m);

    static const struct {
        const char *key, *path;
    } members[] = {
        { "\"solver\":", "params.solver" },
        { "\"penalty\":", "params.penalty" },
        { "\"C\":", "params.C" },
        { "\"pos_weight\":", "params.pos_weight" },
        { "\"tol\":", "params.tol" },
        { "\"max_iter\":", "params.max_iter" },
        { "\"clip\":\t0.01", "params.clip" },
        { "\"cv_folds\":", "params.cv_folds" },
        { "\"C_grid\":", "params.C_grid" },
        { "\"seed\":", "params.seed" },
        { "\"train_logloss\":", "metrics.train_logloss" },
        { "\"iterations\":", "metrics.iterations" },
        { "\"objective\":", "metrics.objective" },
        { "\"gradient_norm\":", "metrics.gradient_norm" },
        { "\"converged\":", "metrics.converged" },
        { "\"cv\":", "metrics.cv" },
        { "\"logloss\":", "metrics.cv[0].logloss" },
        { "\"intercept\":", "body.intercept" },
        { "\"intercept_original\":", "body.intercept_original" },
        { "\"terms\":", "body.terms" },
        { "\"feature\":", "body.terms[0].feature" },
        { "\"center\":", "body.terms[0].center" },
        { "\"scale\":", "body.terms[0].scale" },
        { "\"clip\":\t[", "body.terms[0].clip" },
        { "\"coef\":", "body.terms[0].coef" },
        { "\"coef_original\":", "body.terms[0].coef_original" },
        { "\"missing_coef\":", "body.terms[0].missing_coef" },
        { "\"level_coefs\":", "body.terms[1].level_coefs" },
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        char renamed[64], msg[128];
        snprintf(renamed, sizeof renamed, "\"x%s", members[i].key + 1);
        snprintf(msg, sizeof msg, "%s: missing", members[i].path);
        CHECK_EDIT_FAILS(members[i].key, renamed, CK_EINVAL, msg);
    }
    /* the C of the cross-validation curve (the first "C" is the parameter's) */
    CHECK_EDIT_FAILS("{\n\t\t\t\t\"C\":", "{\n\t\t\t\t\"x\":", CK_EINVAL,
                     "metrics.cv[0].C: missing");
    /* a stumps model's members are not a logistic regression's, nor the other way round */
    CHECK_EDIT_FAILS("\"logreg\"", "\"gbm_stumps\"", CK_EINVAL, "params.rounds: missing");

    /* the parameters */
    CHECK_EDIT_FAILS("\"solver\":\t\"lbfgs\"", "\"solver\":\t\"sgd\"", CK_EINVAL,
                     "params.solver: expected \"newton\", \"lbfgs\" or \"liblinear\", got \"sgd\"");
    CHECK_EDIT_FAILS("\"penalty\":\t\"l2\"", "\"penalty\":\t\"elasticnet\"", CK_EINVAL,
                     "params.penalty: expected \"l2\" or \"l1\", got \"elasticnet\"");
    CHECK_EDIT_FAILS("\"penalty\":\t\"l2\"", "\"penalty\":\t\"l1\"", CK_EINVAL,
                     "params.penalty: \"l1\" needs the \"liblinear\" solver");
    CHECK_EDIT_FAILS("\"C\":\t1,", "\"C\":\t0,", CK_EINVAL, "params.C: expected a positive number");
    CHECK_EDIT_FAILS("\"C\":\t1,", "\"C\":\t\"1\",", CK_EINVAL, "params.C: expected a number");
    CHECK_EDIT_FAILS("\"tol\":\t1e-08", "\"tol\":\t1", CK_EINVAL,
                     "params.tol: expected a number in (0, 1)");
    CHECK_EDIT_FAILS("\"clip\":\t0.01", "\"clip\":\t0.5", CK_EINVAL,
                     "params.clip: expected a number in [0, 0.5)");
    CHECK_EDIT_FAILS("\"max_iter\":\t500", "\"max_iter\":\t-1", CK_EINVAL,
                     "params.max_iter: expected a whole number from 0 to 2147483647");
    CHECK_EDIT_FAILS("\"cv_folds\":\t5", "\"cv_folds\":\t1", CK_EINVAL,
                     "params.cv_folds: expected 0 or 2 to 100");
    CHECK_EDIT_FAILS("\"C_grid\":\t[0.01, 0.1", "\"C_grid\":\t[0.01, -0.1", CK_EINVAL,
                     "params.C_grid[1]: expected a positive number");

    /* the metrics */
    CHECK_EDIT_FAILS("\"converged\":\ttrue", "\"converged\":\t1", CK_EINVAL,
                     "metrics.converged: expected true or false");
    CHECK_EDIT_FAILS("\"gradient_norm\":\t3.3e-09", "\"gradient_norm\":\t\"small\"", CK_EINVAL,
                     "metrics.gradient_norm: expected a number or null");
    CHECK_EDIT_FAILS("\"cv\":\t[", "\"cv\":\t[7, ", CK_EINVAL, "metrics.cv[0]: expected an object");

    /* the body */
    CHECK_EDIT_FAILS("\"terms\":\t[", "\"terms\":\t[{}, ", CK_EINVAL,
                     "body.terms: expected 5 terms (one per feature), got 6");
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\"", "\"feature\":\t\"frequency\"", CK_EINVAL,
                     "body.terms[0].feature: expected \"recency_days\" (terms follow the order of "
                     "features)");
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\"", "\"feature\":\t\"recency\"", CK_EINVAL,
                     "body.terms[0].feature: unknown feature \"recency\"");
    CHECK_EDIT_FAILS("\"scale\":\t2,", "\"scale\":\t0,", CK_EINVAL,
                     "body.terms[0].scale: expected a positive number");
    CHECK_EDIT_FAILS("\"clip\":\t[1, 100]", "\"clip\":\t[100, 1]", CK_EINVAL,
                     "body.terms[0].clip: expected null or [low, high] with low <= high");
    CHECK_EDIT_FAILS("\"clip\":\t[1, 100]", "\"clip\":\t[1]", CK_EINVAL,
                     "body.terms[0].clip: expected null or [low, high] with low <= high");
    CHECK_EDIT_FAILS(
        "\"coef_original\":\t0.25", "\"coef_original\":\t0.26", CK_EINVAL,
        "body.terms[0].coef_original: does not match coef / scale (0.26000000000000001 "
        "stored, 0.25 computed)");
    CHECK_EDIT_FAILS("\"intercept_original\":\t-2.875", "\"intercept_original\":\t-2.5", CK_EINVAL,
                     "body.intercept_original: does not match the terms (-2.5 stored, -2.875 from "
                     "intercept, coef, center and scale)");
    CHECK_EDIT_FAILS("\"level_coefs\":\t[", "\"level_coefs\":\t[0, ", CK_EINVAL,
                     "body.terms[1].level_coefs: expected 4 numbers (one per level), got 5");
    CHECK_EDIT_FAILS("\"missing_coef\":\t-0.75", "\"missing_coef\":\t\"n/a\"", CK_EINVAL,
                     "body.terms[0].missing_coef: expected a number or null");
    CHECK_EDIT_FAILS("\"coef\":\t0.5", "\"coef\":\t1e999", CK_EINVAL,
                     "body.terms[0].coef: expected a number");

    /* a missing indicator null: the feature then has none, and a missing value scores 0 */
    char *text = edited("\"missing_coef\":\t-0.75", "\"missing_coef\":\tnull");
    if (text != NULL) {
        spit(TMP "logreg_edit.json", text);
        free(text);
        CHECK_OK(ck_model_load(&m, TMP "logreg_edit.json", &err));
        if (m != NULL) {
            const ck_logreg *lr = ck_model_logreg(m);
            CHECK(!ck_logreg_feature_at(lr, 0)->has_missing);
            CHECK_EQ_INT(lr->n_columns, 12);
            float row[5] = { NAN, 0, 3, 250, 0 };
            double contrib[5], base;
            ck_model_contributions(m, row, contrib, &base);
            CHECK(contrib[0] == 0 && contrib[2] == 0 && contrib[3] == 0);
            CHECK(contrib[1] == 0.125 && contrib[4] == 0.5 && base == -1.25);
        }
        ck_model_free(m);
    }
    free(good_text);
    good_text = NULL;
}

/* ---- reference files ---------------------------------------------------------------- */

/* Split a CSV line (no quoting: the reference rows need none) in place. */
static size_t split_line(char *line, char **cells, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        cells[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

/* Score the rows of `<stem>.scores.csv` (features by name, then "probability") with the
 * model `<stem>.json`; returns the number of rows. */
static size_t check_reference(const char *dir, const char *json_name)
{
    ck_error err = { 0 };
    char path[1024], csv_path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, json_name);
    snprintf(csv_path, sizeof csv_path, "%s/%.*s.scores.csv", dir, (int)(strlen(json_name) - 5),
             json_name);
    ck_model *m = NULL;
    CHECK_OK(ck_model_load(&m, path, &err));
    FILE *f = fopen(csv_path, "r");
    CHECK(f != NULL);
    if (m == NULL || f == NULL) {
        fprintf(stderr, "  reference %s\n", path);
        ck_model_free(m);
        if (f)
            fclose(f);
        return 0;
    }
    const ck_schema *schema = ck_model_schema(m);
    size_t n_features = ck_schema_n_features(schema);
    char line[4096], *cells[64];
    long column_of[64]; /* csv column → feature, −1 for the probability */
    CHECK(fgets(line, sizeof line, f) != NULL);
    size_t n_cols = split_line(line, cells, 64);
    CHECK_EQ_INT(n_cols, n_features + 1);
    for (size_t c = 0; c < n_cols; c++) {
        column_of[c] = ck_schema_find(schema, cells[c]);
        CHECK(column_of[c] >= 0 || strcmp(cells[c], "probability") == 0);
    }
    size_t rows = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        float row[64];
        double want = NAN;
        CHECK_EQ_INT(split_line(line, cells, 64), n_cols);
        for (size_t c = 0; c < n_cols; c++) {
            long j = column_of[c];
            if (j < 0)
                want = strtod(cells[c], NULL);
            else if (cells[c][0] == '\0')
                row[j] = NAN;
            else if (ck_schema_kind(schema, (size_t)j) == CK_FEATURE_NUMERIC)
                row[j] = strtof(cells[c], NULL);
            else
                row[j] = (float)ck_schema_level_code(schema, (size_t)j, cells[c], strlen(cells[c]));
        }
        /* independent sum of the stumps in double precision (score_reference.py) */
        CHECK_NEAR(ck_model_predict_row(m, row), want, 1e-12);
        rows++;
    }
    fclose(f);
    ck_model_free(m);
    return rows;
}

static void test_model__reference_files_score_their_rows(void)
{
    const char *dir = CK_MODELS_DIR "/reference";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (d == NULL)
        return;
    size_t files = 0, rows = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            size_t n = check_reference(dir, e->d_name);
            CHECK(n >= 10);
            rows += n;
            files++;
        }
    }
    closedir(d);
    CHECK(files >= 1);
    CHECK(rows >= 10);
}

/* ---- versioned paths ---------------------------------------------------------------- */

#define VDIR TMP "versions"

static void touch(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDIR, name);
    spit(path, "{}\n");
}

static void clear_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    const struct dirent *e;
    char path[1024];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0) {
            clear_dir(path);
            rmdir(path);
        }
    }
    closedir(d);
}

static void test_model__next_path(void)
{
    ck_error err = { 0 };
    char out[512];
    clear_dir(VDIR);
    rmdir(VDIR);

    /* a new directory (and its parent) is created; the first version is 1 */
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR "/deeper/", "churn", &err));
    CHECK_EQ_STR(out, VDIR "/deeper/churn-v1.json");
    struct stat st;
    CHECK(stat(VDIR "/deeper", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v1.json");

    /* one above the highest, whatever else lies there */
    touch("churn-v1.json");
    touch("churn-v2.json");
    touch("churn-v10.json");
    touch("churn-v01.json");       /* not canonical: not a version */
    touch("churn-v30.json.tmp.1"); /* a temporary file */
    touch("churn-v.json");
    touch("churn-vx.json");
    touch("churnx-v50.json"); /* another name */
    touch("other-v40.json");
    touch("churn-v99999999999999999999.json"); /* too large to be a version */
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v11.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "other", &err));
    CHECK_EQ_STR(out, VDIR "/other-v41.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR, "churnx", &err));
    CHECK_EQ_STR(out, VDIR "/churnx-v51.json");

    /* names that cannot be one file name, or would read as a version */
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "a/b", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bad model name \"a/b\" (expected a non-empty name without '/' or '@')");
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "churn@2", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR, "", &err), CK_EINVAL);
    /* the path must fit */
    CHECK_EQ_INT(ck_model_next_path(out, 10, VDIR, "churn", &err), CK_EINVAL);
    /* a file where the directory should be */
    CHECK_EQ_INT(ck_model_next_path(out, sizeof out, VDIR "/churn-v1.json", "churn", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, "not a directory");
}

static void test_model__resolve_path(void)
{
    ck_error err = { 0 };
    char out[512];
    /* (the files of test_model__next_path) */

    /* a file is itself */
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn-v2.json", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v2.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn-v01.json", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v01.json");
    /* a name is its latest version, numerically (10 after 2) */
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v10.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn@2", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v2.json");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/other@40", &err));
    CHECK_EQ_STR(out, VDIR "/other-v40.json");

    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@7", &err), CK_EIO);
    CHECK_EQ_STR(err.file, VDIR "/churn@7");
    CHECK_EQ_STR(err.msg, "no such version (have 1, 2, 10)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/nobody", &err), CK_EIO);
    CHECK_EQ_STR(err.file, VDIR "/nobody");
    CHECK_EQ_STR(err.msg, "no such model (no nobody-v<N>.json in " VDIR "/)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/nobody@1", &err), CK_EIO);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/typo.json", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@x", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "bad version \"x\" (expected a whole number from 1)");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@02", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@0", &err), CK_EINVAL);
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/", &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "expected a model file, DIR/<name> or DIR/<name>@N");
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, TMP "no-such-dir/churn", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));

    /* many versions: the list is shortened */
    for (int v = 11; v <= 30; v++) {
        char name[32];
        snprintf(name, sizeof name, "churn-v%d.json", v);
        touch(name);
    }
    CHECK_EQ_INT(ck_model_resolve_path(out, sizeof out, VDIR "/churn@31", &err), CK_EIO);
    CHECK_EQ_STR(err.msg, "no such version (have 1, 2, 10, ..., 28, 29, 30)");
    CHECK_OK(ck_model_resolve_path(out, sizeof out, VDIR "/churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v30.json");
    CHECK_OK(ck_model_next_path(out, sizeof out, VDIR "/", "churn", &err));
    CHECK_EQ_STR(out, VDIR "/churn-v31.json");
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_model__save_load_round_trip);
    RUN(test_model__table_source_round_trip);
    RUN(test_model__numbers_round_trip_exactly);
    RUN(test_model__nan_and_inf_refused_on_save);
    RUN(test_model__bad_files_refused_with_their_message);
    RUN(test_model__tables_must_match_the_stumps);
    RUN(test_model__accessors);
    RUN(test_model__probability_is_stable);
    RUN(test_model__predict_dataset_matches_rows);
    RUN(test_model__logreg_save_load_round_trip);
    RUN(test_model__logreg_nan_refused_on_save);
    RUN(test_model__logreg_bad_files_refused_with_their_message);
    RUN(test_model__reference_files_score_their_rows);
    RUN(test_model__next_path);
    RUN(test_model__learn_population);
    RUN(test_model__reasons_against_the_training_mean);
    RUN(test_model__resolve_path);
    return check_summary();
}
