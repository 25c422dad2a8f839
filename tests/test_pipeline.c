/*
 * Pipeline tests: training, evaluation and scoring rows from the hand-made log
 * tests/data/features/basic.csv, whose populations, labels and revenues are worked out by
 * hand below from DESIGN.md's churn definition (lookback 365 d, horizon 90 d, gap 0).
 * Shards, the random split and the input hash are checked against Python (FNV-1a,
 * splitmix64 and hashlib, values quoted where used); the budget against a brute-force
 * sort; each evaluation row's lifecycle stage against the stages worked out by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/events.h"
#include "churnkit/gbm.h"
#include "churnkit/lifecycle.h"
#include "churnkit/pipeline.h"
#include "churnkit/sha256.h"
#include "churnkit/timestamp.h"
#include "pipeline/select.h"

#define EVENTS CK_TEST_DATA "/features/basic.csv"

static int64_t date(const char *s)
{
    int64_t ts = 0;
    ck_date_parse(&ts, s, strlen(s));
    return ts;
}

static ck_events *read_events(void)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    ck_events_read_opts ropts = CK_EVENTS_READ_OPTS_INIT;
    CHECK_OK(ck_events_read_csv(&ev, EVENTS, &ropts, &err));
    return ev;
}

static void test_pipeline__feature_tables_at_each_cutoff(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    if (ev == NULL)
        return;
    int64_t cutoffs[2] = { date("2023-09-01"), date("2024-03-01") };
    ck_features *tables[2];
    ck_features_opts fopts = CK_FEATURES_OPTS_INIT;
    CHECK_OK(ck_pipeline_feature_tables(tables, ev, cutoffs, 2, &fopts, &err));
    /* populations (a purchase in the year before): B, D, F; then A, B, E, F */
    CHECK_EQ_INT(ck_features_n_rows(tables[0]), 3);
    CHECK_EQ_INT(ck_features_n_rows(tables[1]), 4);
    CHECK_EQ_INT(ck_features_cutoff(tables[1]), cutoffs[1]);
    ck_features_free(tables[0]);
    ck_features_free(tables[1]);
    ck_events_free(ev);
}

static void test_pipeline__training_sets_out_of_time(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    if (ev == NULL)
        return;
    ck_model_spec spec = { 0 };
    ck_config_init(&spec.config);
    ck_model_training tr = { 0 };
    int64_t cutoffs[2] = { date("2024-03-01"), date("2023-09-01") };
    ck_pipeline_training_opts o = { .cutoffs = cutoffs,
                                    .n_cutoffs = 2,
                                    .out_of_time = true,
                                    .events_path = EVENTS,
                                    .n_threads = 2 };
    ck_dataset *train = NULL, *valid = NULL;
    CHECK_OK(ck_pipeline_training_sets(&train, &valid, &spec, &tr, ev, &o, &err));
    if (train == NULL || valid == NULL)
        return;
    /* the latest cutoff validates; the other trains */
    CHECK_EQ_INT(tr.n_cutoffs, 1);
    CHECK_EQ_INT(tr.cutoffs[0], date("2023-09-01"));
    CHECK_EQ_INT(tr.valid_cutoff, date("2024-03-01"));
    /* 2023-09-01: B (2023-05-01), D (2022-12-01), F (2023-06-01, 08-01); none buys in
     * [2023-09-01, 2023-11-30): all churned */
    CHECK_EQ_INT(ck_dataset_n_rows(train), 3);
    CHECK_EQ_STR(ck_dataset_row_id(train, 0), "B");
    CHECK_EQ_STR(ck_dataset_row_id(train, 1), "D");
    CHECK_EQ_STR(ck_dataset_row_id(train, 2), "F");
    for (size_t i = 0; i < 3; i++)
        CHECK_NEAR(ck_dataset_labels(train)[i], 1.0, 0);
    /* 2024-03-01: A buys on the cutoff day (stays), B, E (next purchase 2024-06-15, after
     * the horizon ends 2024-05-30) and F churn */
    CHECK_EQ_INT(ck_dataset_n_rows(valid), 4);
    const char *ids[4] = { "A", "B", "E", "F" };
    const float labels[4] = { 0, 1, 1, 1 };
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ_STR(ck_dataset_row_id(valid, i), ids[i]);
        CHECK_NEAR(ck_dataset_labels(valid)[i], labels[i], 0);
    }
    CHECK(ck_dataset_schema(valid) != NULL && ck_schema_n_features(ck_dataset_schema(valid)) ==
                                                  ck_schema_n_features(ck_dataset_schema(train)));
    /* RFM boundaries of the training population are kept for scoring */
    CHECK(spec.config.has_rfm_bounds);
    ck_pipeline_count_rows(&tr, train, valid);
    CHECK_EQ_INT(tr.rows, 3);
    CHECK_EQ_INT(tr.positives, 3);
    CHECK_EQ_INT(tr.valid_rows, 4);
    CHECK_EQ_INT(tr.valid_positives, 3);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_events_free(ev);
}

static void test_pipeline__no_label_past_the_data(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    if (ev == NULL)
        return;
    ck_model_spec spec = { 0 };
    ck_config_init(&spec.config);
    ck_model_training tr = { 0 };
    /* the data ends 2024-06-30: a horizon from 2024-06-01 runs past it */
    int64_t cutoffs[1] = { date("2024-06-01") };
    ck_pipeline_training_opts o = {
        .cutoffs = cutoffs, .n_cutoffs = 1, .events_path = EVENTS, .n_threads = 1
    };
    ck_dataset *train = NULL, *valid = NULL;
    CHECK_EQ_INT(ck_pipeline_training_sets(&train, &valid, &spec, &tr, ev, &o, &err), CK_EINVAL);
    CHECK(train == NULL && valid == NULL);
    CHECK_EQ_STR(err.file, EVENTS);
    CHECK_EQ_STR(err.msg, "no label as of 2024-06-01: the churn horizon runs past the last event");
    ck_events_free(ev);
}

/* A 20-row table: id i, x = i, label i % 2. */
static ck_dataset *numbered_table(void)
{
    ck_error err = { 0 };
    const char *path = CK_TEST_TMP "/pipeline_numbered.csv";
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return NULL;
    fprintf(f, "id,x,label\n");
    for (int i = 0; i < 20; i++)
        fprintf(f, "r%d,%d,%d\n", i, i, i % 2);
    fclose(f);
    ck_dataset *d = NULL;
    ck_table_opts topts = { "label", "id", NULL, 0, ',', NULL, 0 };
    CHECK_OK(ck_dataset_read_table(&d, path, &topts, &err));
    return d;
}

/* Table mode leaves constant columns out: the same dataset as reading the table with
 * those columns ignored. */
static void test_pipeline__training_table_without_constant_features(void)
{
    ck_error err = { 0 };
    const char *path = CK_TEST_TMP "/pipeline_constant.csv";
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return;
    /* `same` is 7 everywhere, `none` empty everywhere, `plan` one level everywhere */
    fprintf(f, "id,x,same,none,plan,kind,label\n");
    for (int i = 0; i < 30; i++)
        fprintf(f, "r%d,%d,7,,gold,%s,%d\n", i, i * i % 11, i % 3 ? "a" : "b", i % 2);
    fclose(f);
    ck_model_training tr = { 0 };
    ck_dataset *d = NULL, *expected = NULL;
    ck_table_opts topts = { "label", "id", NULL, 0, ',', NULL, 0 };
    CHECK_OK(ck_pipeline_training_table(&d, path, &topts, &tr, &err));
    const char *const ignore[3] = { "same", "none", "plan" };
    ck_table_opts by_hand = { "label", "id", ignore, 3, ',', NULL, 0 };
    CHECK_OK(ck_dataset_read_table(&expected, path, &by_hand, &err));
    CHECK_EQ_INT(tr.n_constant_features, 3);
    /* the table is an input, hashed while it was read (ck_sha256_file: see test_sha256) */
    char want_hash[65] = "";
    CHECK_OK(ck_sha256_file(want_hash, path, &err));
    CHECK_EQ_INT(tr.n_inputs, 1);
    CHECK_EQ_STR(tr.inputs[0].role, "table");
    CHECK_EQ_STR(tr.inputs[0].path, path);
    CHECK_EQ_STR(tr.inputs[0].sha256, want_hash);
    ck_pipeline_bins *bins = NULL;
    ck_model_training tr_bins = { 0 };
    CHECK_OK(ck_pipeline_training_table_bins(&bins, path, &topts, 255, NULL, &tr_bins, &err));
    CHECK_EQ_INT(tr_bins.n_inputs, 1);
    CHECK_EQ_STR(tr_bins.inputs[0].sha256, want_hash);
    ck_pipeline_bins_free(bins);
    CHECK_EQ_STR(tr.constant_features[0], "same");
    CHECK_EQ_STR(tr.constant_features[1], "none");
    CHECK_EQ_STR(tr.constant_features[2], "plan");
    if (d != NULL && expected != NULL) {
        const ck_schema *a = ck_dataset_schema(d), *b = ck_dataset_schema(expected);
        CHECK_EQ_INT(ck_schema_n_features(a), 2);
        CHECK_EQ_INT(ck_schema_n_features(b), 2);
        size_t n = ck_dataset_n_rows(d), same = 0;
        CHECK_EQ_INT(n, 30);
        for (size_t j = 0; j < 2; j++) {
            CHECK_EQ_STR(ck_schema_name(a, j), ck_schema_name(b, j));
            for (size_t i = 0; i < n; i++)
                same += ck_dataset_column(d, j)[i] == ck_dataset_column(expected, j)[i];
        }
        CHECK_EQ_INT(same, 2 * n);
    }
    ck_dataset_free(expected);
    ck_dataset_free(d);
    /* nothing constant: nothing left out */
    ck_model_training none = { 0 };
    ck_table_opts kept = { "label", "id", ignore, 3, ',', NULL, 0 };
    CHECK_OK(ck_pipeline_training_table(&d, path, &kept, &none, &err));
    CHECK_EQ_INT(none.n_constant_features, 0);
    CHECK_EQ_INT(d ? ck_schema_n_features(ck_dataset_schema(d)) : 0, 2);
    ck_dataset_free(d);
}

static void test_pipeline__split_random_matches_splitmix64(void)
{
    ck_error err = { 0 };
    ck_dataset *train = numbered_table(), *valid = NULL;
    if (train == NULL)
        return;
    CHECK_OK(ck_pipeline_split_random(&train, &valid, 0.3, 42, &err));
    /* Python: state = 42 ^ 0x5DEECE66D, splitmix64 per row, u = (z >> 11) * 2^-53 < 0.3
     * for rows 2, 3, 8, 10, 17 */
    const char *held_out[5] = { "r2", "r3", "r8", "r10", "r17" };
    CHECK_EQ_INT(ck_dataset_n_rows(valid), 5);
    CHECK_EQ_INT(ck_dataset_n_rows(train), 15);
    for (size_t i = 0; i < 5 && i < ck_dataset_n_rows(valid); i++)
        CHECK_EQ_STR(ck_dataset_row_id(valid, i), held_out[i]);
    ck_model_training tr = { 0 };
    ck_pipeline_count_rows(&tr, train, valid);
    /* odd rows are positive: 3 and 17 held out */
    CHECK_EQ_INT(tr.valid_positives, 2);
    CHECK_EQ_INT(tr.positives, 8);
    ck_dataset_free(train);
    ck_dataset_free(valid);
}

static void test_pipeline__input_hash(void)
{
    ck_error err = { 0 };
    ck_model_training tr = { 0 };
    CHECK_OK(ck_pipeline_add_input(&tr, "events", EVENTS, &err));
    CHECK_EQ_INT(tr.n_inputs, 1);
    CHECK_EQ_STR(tr.inputs[0].role, "events");
    /* hashlib.sha256 of the file */
    CHECK_EQ_STR(tr.inputs[0].sha256,
                 "1fae2d7f202aa9bead7c5f2760b6dbb9368dfb8152f0e75448ccd0b3d54dea9e");
    CHECK(ck_pipeline_add_input(&tr, "table", CK_TEST_TMP "/no-such-file.csv", &err) < 0);
    CHECK_EQ_INT(tr.n_inputs, 1);
}

static void test_pipeline__shards_are_fnv1a(void)
{
    /* Python: FNV-1a 64 of the id modulo 7 */
    CHECK(ck_pipeline_in_shard("A", 3, 7));
    CHECK(ck_pipeline_in_shard("F", 0, 7));
    CHECK(ck_pipeline_in_shard("customer-17", 5, 7));
    CHECK(!ck_pipeline_in_shard("customer-17", 4, 7));
    CHECK(ck_pipeline_in_shard("C000123", 5, 7));
    CHECK(ck_pipeline_in_shard("anything", 0, 1));
}

/* The order of the budget, written out again: value, probability, id, key. */
static int budget_order(const void *pa, const void *pb)
{
    const ck__ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    if (a->probability != b->probability)
        return a->probability > b->probability ? -1 : 1;
    int by_id = strcmp(a->id, b->id);
    if (by_id != 0)
        return by_id;
    return (a->key > b->key) - (a->key < b->key);
}

static int by_key(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* The budget prunes as candidates arrive; the best N must be those of one full sort. Few
 * distinct values and probabilities, so the id decides many ties; ids are not in key
 * order. */
static void test_pipeline__budget_keeps_the_best_n(void)
{
    ck_error err = { 0 };
    enum { N = 200000, BEST = 1000, CHUNK = 4096 };
    ck__ranked *all = malloc(N * sizeof *all);
    char(*ids)[16] = malloc(N * sizeof *ids);
    int64_t *expected = malloc(BEST * sizeof *expected);
    if (all == NULL || ids == NULL || expected == NULL)
        return;
    uint64_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double v = (double)((x >> 33) % 5000);
        snprintf(ids[i], sizeof ids[i], "c%06u", (unsigned)((x >> 13) % 1000000));
        all[i] = (ck__ranked){ v < 50 ? -HUGE_VAL : v, (double)((x >> 20) % 3), ids[i],
                               (int64_t)(N - i) };
    }
    ck__budget budget = { .n_best = BEST };
    for (size_t i = 0; i < N; i += CHUNK)
        CHECK_OK(ck__budget_offer(&budget, all + i, N - i < CHUNK ? N - i : CHUNK, &err));
    int64_t *keys = NULL;
    size_t n_keys = 0;
    CHECK_OK(ck__budget_keys(&budget, &keys, &n_keys, &err));
    qsort(all, N, sizeof *all, budget_order);
    for (size_t i = 0; i < BEST; i++)
        expected[i] = all[i].key;
    /* the cut falls inside a run of equal values: ties decide who is in */
    CHECK(all[BEST - 1].value == all[BEST].value);
    qsort(expected, BEST, sizeof *expected, by_key);
    CHECK_EQ_INT(n_keys, BEST);
    size_t same = 0;
    for (size_t i = 0; i < BEST && i < n_keys; i++)
        same += keys[i] == expected[i];
    CHECK_EQ_INT(same, BEST);
    CHECK(ck__budget_has(keys, n_keys, expected[7]));
    CHECK(!ck__budget_has(keys, n_keys, all[BEST].key));
    free(keys);
    ck__budget_free(&budget);
    free(expected);
    free(ids);
    free(all);
}

/* A model trained as of 2024-03-01 (validated on 2023-09-01): 4 rows, so no split
 * passes min_samples_leaf and every customer gets the same probability. */
static ck_model *small_model(ck_events *ev)
{
    ck_error err = { 0 };
    ck_model_spec spec = { 0 };
    ck_config_init(&spec.config);
    spec.source = CK_SOURCE_EVENTS;
    ck_model_training tr = { 0 };
    int64_t cutoffs[2] = { date("2023-09-01"), date("2024-03-01") };
    ck_pipeline_training_opts o = { .cutoffs = cutoffs,
                                    .n_cutoffs = 2,
                                    .valid_cutoff = cutoffs[0],
                                    .events_path = EVENTS,
                                    .n_threads = 1 };
    ck_dataset *train = NULL, *valid = NULL;
    ck_gbm *gbm = NULL;
    ck_model *model = NULL;
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    params.rounds = 5;
    params.patience = 0;
    ck_gbm_report report;
    CHECK_OK(ck_pipeline_training_sets(&train, &valid, &spec, &tr, ev, &o, &err));
    if (train != NULL)
        CHECK_OK(ck_gbm_train(&gbm, train, NULL, &params, &report, NULL, NULL, &err));
    if (gbm != NULL)
        CHECK_OK(ck_model_new_gbm(&model, gbm, &params, &spec, &tr, &err));
    ck_dataset_free(train);
    ck_dataset_free(valid);
    return model;
}

static void test_pipeline__evaluation_rows(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    ck_model *model = ev ? small_model(ev) : NULL;
    if (model == NULL) {
        ck_events_free(ev);
        return;
    }
    CHECK_EQ_INT(ck_pipeline_latest_cutoff(model), date("2024-03-01"));
    ck_dataset *d = NULL, *again = NULL;
    ck_features *table = NULL, *table2 = NULL;
    CHECK_OK(ck_pipeline_eval_set(&d, &table, model, "m.json", ev, NULL, date("2024-03-01"), EVENTS,
                                  1, &err));
    CHECK_OK(ck_pipeline_eval_set(&again, &table2, model, "m.json", ev, NULL, date("2024-03-01"),
                                  EVENTS, 2, &err));
    if (d != NULL && again != NULL) {
        CHECK_EQ_INT(ck_dataset_n_rows(d), 4);
        CHECK_NEAR(ck_dataset_labels(d)[0], 0.0, 0); /* A buys on the cutoff day */
        CHECK(ck_pipeline_same_rows(d, again));
        double *baseline = NULL;
        CHECK_OK(ck_pipeline_recency_baseline(&baseline, table, d, &err));
        /* A's last purchase before the cutoff: 2024-02-10, 20 days */
        CHECK_NEAR(baseline ? baseline[0] : -1, 20.0, 0);
        free(baseline);
    }
    ck_dataset_free(again);
    ck_features_free(table2);
    /* a later cutoff has other customers: not the same rows */
    ck_dataset *later = NULL;
    ck_features *later_table = NULL;
    CHECK_OK(ck_pipeline_eval_set(&later, &later_table, model, "m.json", ev, NULL,
                                  date("2023-09-01"), EVENTS, 1, &err));
    CHECK(d != NULL && later != NULL && !ck_pipeline_same_rows(d, later));
    /* no labels past the data; the table is not left behind */
    ck_dataset *none = NULL;
    ck_features *none_table = NULL;
    CHECK_EQ_INT(ck_pipeline_eval_set(&none, &none_table, model, "m.json", ev, NULL,
                                      date("2024-06-01"), EVENTS, 1, &err),
                 CK_EINVAL);
    CHECK(none == NULL && none_table == NULL);
    CHECK_EQ_STR(err.msg, "no labels as of 2024-06-01: the churn horizon (90 days) runs past "
                          "the last event; choose an earlier --cutoff");
    ck_dataset_free(later);
    ck_features_free(later_table);
    ck_dataset_free(d);
    ck_features_free(table);
    ck_model_free(model);
    ck_events_free(ev);
}

/* Each row's lifecycle stage as of 2024-03-01, worked out from basic.csv with the default
 * stage windows (new 30 d, active 180 d, dormant 365 d): A first bought 2023-12-01 (91 d:
 * not new), last 2024-02-10 (20 d) → active; B cancelled → churned; E first bought
 * 2024-02-15 (15 d) → new; F last bought 2023-08-01 (213 d) → dormant. */
static void test_pipeline__evaluation_stages(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    ck_model *model = ev ? small_model(ev) : NULL;
    ck_dataset *d = NULL;
    ck_features *table = NULL;
    if (model != NULL)
        CHECK_OK(ck_pipeline_eval_set(&d, &table, model, "m.json", ev, NULL, date("2024-03-01"),
                                      EVENTS, 1, &err));
    const char **stages = NULL;
    if (d != NULL) {
        CHECK_OK(ck_pipeline_eval_stages(&stages, table, d, &err));
        static const char *const ids[4] = { "A", "B", "E", "F" };
        static const ck_stage want[4] = { CK_STAGE_ACTIVE, CK_STAGE_CHURNED, CK_STAGE_NEW,
                                          CK_STAGE_DORMANT };
        CHECK_EQ_INT(ck_dataset_n_rows(d), 4);
        for (size_t i = 0; stages != NULL && i < 4; i++) {
            CHECK_EQ_STR(ck_dataset_row_id(d, i), ids[i]);
            CHECK(stages[i] == ck_stage_name(want[i])); /* the static names */
        }
        free(stages);
    }

    /* table mode: the lifecycle_stage column, trimmed, or none; a bad cell names its line */
    const char *path = CK_TEST_TMP "/pipeline_stages.csv";
    const char *plain = CK_TEST_TMP "/pipeline_nostage.csv";
    FILE *f = fopen(path, "w"), *g = fopen(plain, "w");
    if (f != NULL)
        fputs("id,x,lifecycle_stage,label\nr1,1, new ,1\nr2,2,\"dormant\",0\nr3,3,active,0\n", f);
    if (g != NULL)
        fputs("id,x,label\nr1,1,1\nr2,2,0\nr3,3,0\n", g);
    if (f != NULL)
        fclose(f);
    if (g != NULL)
        fclose(g);
    ck_dataset *t = NULL, *t_plain = NULL;
    ck_table_opts topts = { "label", "id", NULL, 0, ',', NULL, 0 };
    CHECK_OK(ck_dataset_read_table(&t, path, &topts, &err));
    CHECK_OK(ck_dataset_read_table(&t_plain, plain, &topts, &err));
    if (model != NULL && t != NULL && t_plain != NULL) {
        CHECK_OK(ck_pipeline_eval_table_stages(&stages, model, path, t, &err));
        CHECK(stages != NULL && stages[0] == ck_stage_name(CK_STAGE_NEW) &&
              stages[1] == ck_stage_name(CK_STAGE_DORMANT) &&
              stages[2] == ck_stage_name(CK_STAGE_ACTIVE));
        free(stages);
        stages = (const char **)&err; /* set to NULL */
        CHECK_OK(ck_pipeline_eval_table_stages(&stages, model, plain, t_plain, &err));
        CHECK(stages == NULL);
        /* rows out of step: the stages of another table */
        CHECK_EQ_INT(ck_pipeline_eval_table_stages(&stages, model, path, d, &err), CK_EINVAL);
        CHECK(stages == NULL);
        CHECK_EQ_STR(err.msg, "the stages' rows are out of step");
        f = fopen(path, "w");
        if (f != NULL) {
            fputs("id,x,lifecycle_stage,label\nr1,1,new,1\nr2,2,vip,0\nr3,3,,0\n", f);
            fclose(f);
        }
        CHECK_EQ_INT(ck_pipeline_eval_table_stages(&stages, model, path, t, &err), CK_EPARSE);
        CHECK(stages == NULL);
        CHECK_EQ_STR(err.file, path);
        CHECK_EQ_INT(err.line, 3);
        CHECK_EQ_STR(err.msg, "bad lifecycle stage \"vip\" in column \"lifecycle_stage\" "
                              "(expected prospect, new, active, dormant or churned)");
    }
    ck_dataset_free(t);
    ck_dataset_free(t_plain);
    ck_dataset_free(d);
    ck_features_free(table);
    ck_model_free(model);
    ck_events_free(ev);
}

/* A model that gives every row one probability says it ranks nobody; one that ranks
 * does not. */
static void test_pipeline__a_constant_model_says_so(void)
{
    ck_error err = { 0 };
    ck_events *ev = read_events();
    ck_model *model = ev ? small_model(ev) : NULL;
    ck_dataset *rows = numbered_table();
    if (model != NULL) {
        /* the 4 training rows as of 2024-03-01: no split passes min_samples_leaf */
        ck_dataset *d = NULL;
        ck_features *table = NULL;
        CHECK_OK(ck_pipeline_eval_set(&d, &table, model, "m.json", ev, NULL, date("2024-03-01"),
                                      EVENTS, 1, &err));
        size_t before = ck_model_training_of(model)->n_warnings;
        if (d != NULL)
            CHECK_OK(ck_model_learn_population(model, d, 1, &err));
        const ck_model_training *t = ck_model_training_of(model);
        CHECK_EQ_INT(t->n_warnings, before + 1);
        /* 1 of the 4 rows stays: the base rate 3/4 is everyone's probability */
        CHECK_EQ_STR(t->n_warnings > before ? t->warnings[before] : "",
                     "the model learned nothing from its 4 training rows: every customer gets "
                     "the same churn probability (0.7500), so its scores rank nobody");
        ck_dataset_free(d);
        ck_features_free(table);
    }
    if (rows != NULL) {
        /* x = i and label = i % 2 on 20 rows: a stump model that splits */
        ck_gbm_params p = CK_GBM_PARAMS_INIT;
        p.rounds = 5;
        p.min_samples_leaf = 2;
        ck_model_spec spec = { 0 };
        ck_config_init(&spec.config);
        spec.source = CK_SOURCE_TABLE;
        ck_model_training tr = { 0 };
        ck_model *ranking = NULL;
        CHECK_OK(ck_model_train(&ranking, CK_MODEL_GBM_STUMPS, &p, rows, NULL, &spec, &tr, NULL,
                                NULL, &err));
        if (ranking != NULL) {
            CHECK_OK(ck_model_learn_population(ranking, rows, 1, &err));
            CHECK_EQ_INT(ck_model_training_of(ranking)->n_warnings, 0);
        }
        ck_model_free(ranking);
    }
    ck_dataset_free(rows);
    ck_model_free(model);
    ck_events_free(ev);
}

/* The column of a CSV header line. */
static int column_of(const char *header, const char *name)
{
    int col = 0;
    size_t len = strlen(name);
    for (const char *p = header; *p && *p != '\n'; col++) {
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\n'))
            return col;
        while (*p && *p != ',' && *p != '\n')
            p++;
        if (*p == ',')
            p++;
    }
    return -1;
}

/* Field `col` of the line for `id` (quoted fields are not expected here). */
static void field_of(char *out, size_t size, const char *text, const char *id, int col)
{
    snprintf(out, size, "(no row)");
    size_t id_len = strlen(id);
    for (const char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *p = line + 1;
        if (strncmp(p, id, id_len) != 0 || p[id_len] != ',')
            continue;
        for (int c = 0; c < col && p; c++) {
            p = strchr(p, ',');
            p = p ? p + 1 : NULL;
        }
        size_t n = p ? strcspn(p, ",\n") : 0;
        snprintf(out, size, "%.*s", (int)n, p ? p : "");
        return;
    }
}

static char *score(const ck_model *model, const ck_events *ev, long budget, long shard,
                   long n_shards, size_t *rows)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_predict_writer w = { 0 };
    CHECK_OK(ck_predict_writer_init(&w, model, &cfg.predict, NULL, 0, false, budget >= 0, &err));
    ck_pipeline_score_opts o = { .writer = &w,
                                 .model_path = "m.json",
                                 .shard = shard,
                                 .n_shards = n_shards,
                                 .budget = budget,
                                 .n_threads = 2,
                                 .as_of = date("2024-03-01"),
                                 .all_customers = true };
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out != NULL)
        CHECK_OK(ck_pipeline_score_events(ev, &o, out, "scores.csv", rows, &err));
    if (out != NULL)
        fclose(out);
    ck_predict_writer_free(&w);
    return text;
}

static void test_pipeline__score_events_eligibility_and_budget(void)
{
    ck_events *ev = read_events();
    ck_model *model = ev ? small_model(ev) : NULL;
    size_t rows = 0;
    char *text = model ? score(model, ev, 1, 0, 1, &rows) : NULL;
    if (text != NULL) {
        /* every customer with an event before 2024-03-01: A, B, C, D, E, F (G's only event
         * is later) */
        CHECK_EQ_INT(rows, 6);
        int status = column_of(text, "status"), contact = column_of(text, "contact");
        char cell[64];
        const char *scored[] = { "A", "B", "E", "F" };
        for (size_t i = 0; i < 4; i++) {
            field_of(cell, sizeof cell, text, scored[i], status);
            CHECK_EQ_STR(cell, "scored");
        }
        /* C never bought (no recency); D's last purchase is 456 days old, past the
         * lookback */
        field_of(cell, sizeof cell, text, "C", status);
        CHECK_EQ_STR(cell, "insufficient_history");
        field_of(cell, sizeof cell, text, "D", status);
        CHECK_EQ_STR(cell, "insufficient_history");
        /* one probability for all: the value at risk follows revenue_365d, A 180, B 50,
         * E 25, F 300, so the budget of one is F */
        field_of(cell, sizeof cell, text, "F", contact);
        CHECK_EQ_STR(cell, "1");
        field_of(cell, sizeof cell, text, "A", contact);
        CHECK_EQ_STR(cell, "0");
    }
    free(text);
    /* shard 1 of 2 by FNV-1a (Python): B, D, F */
    text = model ? score(model, ev, -1, 1, 2, &rows) : NULL;
    if (text != NULL) {
        CHECK_EQ_INT(rows, 3);
        char cell[64];
        field_of(cell, sizeof cell, text, "A", 0);
        CHECK_EQ_STR(cell, "(no row)");
        field_of(cell, sizeof cell, text, "D", 0);
        CHECK_EQ_STR(cell, "D");
    }
    free(text);
    ck_model_free(model);
    ck_events_free(ev);
}

int main(void)
{
    RUN(test_pipeline__feature_tables_at_each_cutoff);
    RUN(test_pipeline__training_sets_out_of_time);
    RUN(test_pipeline__no_label_past_the_data);
    RUN(test_pipeline__training_table_without_constant_features);
    RUN(test_pipeline__split_random_matches_splitmix64);
    RUN(test_pipeline__input_hash);
    RUN(test_pipeline__shards_are_fnv1a);
    RUN(test_pipeline__budget_keeps_the_best_n);
    RUN(test_pipeline__evaluation_rows);
    RUN(test_pipeline__evaluation_stages);
    RUN(test_pipeline__score_events_eligibility_and_budget);
    RUN(test_pipeline__a_constant_model_says_so);
    return check_summary();
}
