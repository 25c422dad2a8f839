/*
 * Fixtures of the model tests (test_model, test_gbm_io, test_logreg_io, test_model_store):
 * a fixed-seed stream of test numbers, the schema of 3 numeric and 2 categorical features,
 * stumps models built by hand (stumps drawn from the stream, compiled by ck__gbm_compile,
 * so no test depends on the trainer), the feature spec and training record every model
 * file holds, files written, read and edited, and field-by-field comparison of two models.
 *
 * Header-only (static inline): check.h keeps its counters per translation unit, so the
 * CHECKs these helpers make must be compiled into the test program that counts them.
 * Each program defines TMP, the prefix of its own files (ctest runs them in parallel),
 * before including this header.
 */
#ifndef CK_TEST_MODEL_FIXTURES_H
#define CK_TEST_MODEL_FIXTURES_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/events.h"
#include "churnkit/model.h"
#include "learn/gbm/gbm_int.h"

#ifndef TMP
#error "define TMP, the prefix of the test program's files, before including model_fixtures.h"
#endif

/* ---- helpers ------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea & Flood 2014): a fixed stream of test numbers. */
static uint64_t rng_state;

static inline uint64_t next_u64(void)
{
    return ck__splitmix64(&rng_state);
}

static inline double uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static inline size_t below(size_t n)
{
    return (size_t)(next_u64() % n);
}

static inline bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const char *const stage_levels[] = { "new", "active", "dormant", "churned" };
static const char *const channel_levels[] = { "sms", "app", "web" };

/* A schema of 3 numeric and 2 categorical features. */
static inline ck_schema *make_schema(void)
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
static inline ck_gbm *bare_gbm(size_t n)
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
static inline ck_gbm *make_gbm(uint64_t seed, size_t n)
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

static inline void fill_spec(ck_model_spec *spec)
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

static inline void fill_training(ck_model_training *t)
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

static inline ck_model *make_model(uint64_t seed, size_t n_stumps)
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

static inline void save(const ck_model *m, const char *path)
{
    ck_error err = { 0 };
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    CHECK_OK(ck_model_save(m, f, &err));
    CHECK_EQ_INT(fclose(f), 0);
}

static inline char *slurp(const char *path)
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

static inline void spit(const char *path, const char *text)
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
static inline void random_row(float row[5])
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

static inline void check_same_config(const ck_config *a, const ck_config *b)
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

static inline void check_same_schema(const ck_schema *a, const ck_schema *b)
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

static inline void check_same_body(const ck_gbm *a, const ck_gbm *b)
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

static inline void check_same_training(const ck_model_training *a, const ck_model_training *b)
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

static inline void check_same_model(const ck_model *a, const ck_model *b)
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

/* Save fails with CK_EINVAL and exactly `want`, writing nothing. */
static inline void check_save_refused(const ck_model *m, const char *want)
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

/* ---- bad files ---------------------------------------------------------------------- */

static char *good_text;

/* The good file with the first occurrence of `old` replaced by `new`. */
static inline char *edited(const char *old, const char *new)
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

static inline void check_load_fails_text(const char *text, int code, long line, const char *msg)
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

#endif
