/*
 * A table read straight into bins (data/binned_table.h) against the table read as values
 * and binned afterwards: a generated table of more rows than the bin edges are learned
 * from (so the edges come from a sample) and more bytes than two read parts (so both
 * passes run in parts), read on 1 and 2 threads, gives
 *  - the schema, labels and bins of ck__bins_fit() on ck_dataset_read_table()'s dataset,
 *    byte for byte, and the features constant in it;
 *  - from its first pass, the rows 0, s, 2s, ... of that dataset, s the sample stride;
 *  - once the constant features are dropped, the other features' bins unchanged;
 * and a value decoded from a bin falls in that bin, so that a model scores decoded rows
 * (and binned rows, ck__gbm_predict_bins()) exactly as the rows themselves. A bad cell
 * fails with the message of the values reader.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/gbm.h"
#include "churnkit/schema.h"
#include "data/binned_table.h"
#include "data/dataset_int.h"
#include "learn/gbm/gbm_int.h"
#include "support/dataset_fixtures.h"

/* More rows than CK__BIN_SAMPLE_ROWS, and over 16 MiB: read in parts on 2 threads. */
#define ROWS 330000

static uint32_t rnd(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

static const char *plans[] = { "basic", "plus", "premium", "family", "student" };

/* id,spend,visits,always3,plan,gappy,never,tenure,score,zero,tier,churned: spend with many
 * distinct values (quantile edges), visits with few (a bin each), three constant columns
 * (one of them always missing) at places that move features across groups of eight, a
 * categorical plan, missing cells, and a tier of numbers that turns to words late in the
 * file (categorical, its levels read in a pass of their own). */
static char path[512];

static void write_table(void)
{
    snprintf(path, sizeof path, "%s/binned_table.csv", CK_TEST_TMP);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    uint64_t r = 20261205;
    fputs("id,spend,visits,always3,plan,gappy,never,tenure,score,zero,tier,churned\n", f);
    for (size_t i = 0; i < ROWS; i++) {
        uint32_t spend = rnd(&r) % 5000000;
        fprintf(f, "c%06zu,%u.%02u,%u,3,", i, spend / 100, spend % 100, rnd(&r) % 12);
        fputs(rnd(&r) % 10 == 0 ? "" : plans[rnd(&r) % 5], f);
        if (rnd(&r) % 4 == 0)
            fputs(",", f);
        else
            fprintf(f, ",%.3f", (rnd(&r) % 100000) / 7.0);
        fprintf(f, ",,%u,%d.%u,0,", rnd(&r) % 3650, (int)(rnd(&r) % 200) - 100, rnd(&r) % 10);
        if (i < ROWS / 5 * 3)
            fprintf(f, "%u", rnd(&r) % 5);
        else
            fputs(plans[rnd(&r) % 5], f);
        fprintf(f, ",%u\n", rnd(&r) % 5 == 0);
    }
    CHECK(fclose(f) == 0);
}

static ck_table_opts table_opts(int n_threads)
{
    ck_table_opts o = opts_for("churned", "id", NULL);
    o.n_threads = n_threads;
    return o;
}

static bool same_edges(const ck__bins *a, const ck__bins *b)
{
    if (a->n_features != b->n_features)
        return false;
    for (size_t j = 0; j < a->n_features; j++)
        if (a->categorical[j] != b->categorical[j] || a->n_edges[j] != b->n_edges[j] ||
            (a->n_edges[j] > 0 &&
             memcmp(a->edges[j], b->edges[j], a->n_edges[j] * sizeof(double)) != 0))
            return false;
    return true;
}

static bool same_bins(const ck__bins *a, const ck__bins *b)
{
    if (a->n_rows != b->n_rows || a->n_features != b->n_features || !same_edges(a, b))
        return false;
    for (size_t j = 0; j < a->n_features; j++)
        for (size_t i = 0; i < a->n_rows; i++)
            if (ck__bin_at(a, j, i) != ck__bin_at(b, j, i))
                return false;
    return true;
}

static bool is_constant(const ck_dataset *d, size_t j)
{
    const float *x = ck_dataset_column(d, j);
    for (size_t i = 1; i < ck_dataset_n_rows(d); i++)
        if (!same_float(x[i], x[0]))
            return false;
    return true;
}

static void test_binned_table__same_as_values(void)
{
    ck_table_opts one = table_opts(1);
    ck_dataset *d = read_ok(path, &one);
    CHECK_EQ_INT((long)ck_dataset_n_rows(d), ROWS);
    ck__bins want = { 0 };
    ck_error err = { 0 };
    CHECK_OK(ck__bins_fit(&want, d, 255, 1, &err));
    for (int threads = 1; threads <= 2; threads++) {
        ck_table_opts o = table_opts(threads);
        ck__binned_table t;
        CHECK_OK(ck__binned_table_read(&t, path, &o, 255, &err));
        CHECK(same_schemas(t.schema, ck_dataset_schema(d)));
        CHECK(memcmp(t.labels, ck_dataset_labels(d), ROWS * sizeof(float)) == 0);
        CHECK(same_bins(&t.bins, &want));
        for (size_t j = 0; j < ck_dataset_n_features(d); j++)
            CHECK(t.constant[j] == is_constant(d, j));
        CHECK(t.constant[2] && t.constant[5] && t.constant[8]);       /* always3, never, zero */
        CHECK(ck_schema_kind(t.schema, 9) == CK_FEATURE_CATEGORICAL); /* tier */
        ck__binned_table_free(&t);
    }
    ck__bins_free(&want);
    ck_dataset_free(d);
}

static void test_binned_table__sample(void)
{
    ck_table_opts o = table_opts(2);
    ck_dataset *d = read_ok(path, &o);
    ck_dataset *sample = NULL;
    size_t n = 0;
    ck_error err = { 0 };
    CHECK_OK(ck__dataset_read_table_sample(&sample, &n, path, &o, &err));
    size_t stride = ck__bins_sample_stride(n);
    CHECK_EQ_INT((long)n, ROWS);
    CHECK_EQ_INT((long)stride, 2); /* 330000 rows: 165000 of them */
    CHECK_EQ_INT((long)ck_dataset_n_rows(sample), (long)((n + stride - 1) / stride));
    CHECK(same_schemas(ck_dataset_schema(sample), ck_dataset_schema(d)));
    bool same = true;
    for (size_t j = 0; j < ck_dataset_n_features(d); j++)
        for (size_t k = 0; k < ck_dataset_n_rows(sample); k++)
            same &=
                same_float(ck_dataset_column(sample, j)[k], ck_dataset_column(d, j)[k * stride]);
    for (size_t k = 0; k < ck_dataset_n_rows(sample); k++)
        same &= strcmp(ck_dataset_row_id(sample, k), ck_dataset_row_id(d, k * stride)) == 0;
    CHECK(same);
    ck_dataset_free(sample);
    ck_dataset_free(d);
}

/* The smallest power of two leaving at most CK__BIN_SAMPLE_ROWS. */
static void test_binned_table__stride(void)
{
    CHECK_EQ_INT((long)ck__bins_sample_stride(0), 1);
    CHECK_EQ_INT((long)ck__bins_sample_stride(CK__BIN_SAMPLE_ROWS), 1);
    CHECK_EQ_INT((long)ck__bins_sample_stride(CK__BIN_SAMPLE_ROWS + 1), 2);
    CHECK_EQ_INT((long)ck__bins_sample_stride(2 * CK__BIN_SAMPLE_ROWS), 2);
    CHECK_EQ_INT((long)ck__bins_sample_stride(2 * CK__BIN_SAMPLE_ROWS + 1), 4);
    CHECK_EQ_INT((long)ck__bins_sample_stride(5000000), 32);
}

/* The features of t that are not constant, with their levels. */
static ck_schema *not_constant(const ck__binned_table *t)
{
    ck_error err = { 0 };
    ck_schema *kept = NULL;
    CHECK_OK(ck_schema_new(&kept, &err));
    for (size_t j = 0; kept != NULL && j < ck_schema_n_features(t->schema); j++) {
        if (t->constant[j])
            continue;
        int at = ck_schema_add_feature(kept, ck_schema_name(t->schema, j),
                                       ck_schema_kind(t->schema, j), &err);
        for (size_t k = 0; k < ck_schema_n_levels(t->schema, j); k++) {
            const char *level = ck_schema_level(t->schema, j, k);
            CHECK(ck_schema_add_level(kept, (size_t)at, level, strlen(level), &err) >= 0);
        }
    }
    return kept;
}

static void test_binned_table__keep(void)
{
    ck_table_opts o = table_opts(2);
    ck_error err = { 0 };
    ck__binned_table full, t;
    CHECK_OK(ck__binned_table_read(&full, path, &o, 255, &err));
    CHECK_OK(ck__binned_table_read(&t, path, &o, 255, &err));
    CHECK_OK(ck__binned_table_keep(&t, not_constant(&full), &err));
    CHECK_EQ_INT((long)t.bins.n_features, 7);
    CHECK_EQ_INT((long)t.bins.n_groups, 1);
    bool same = true;
    for (size_t j = 0, k = 0; j < full.bins.n_features; j++) {
        if (full.constant[j])
            continue;
        same &= strcmp(ck_schema_name(t.schema, k), ck_schema_name(full.schema, j)) == 0;
        same &= t.bins.n_edges[k] == full.bins.n_edges[j] && !t.constant[k];
        for (size_t i = 0; i < ROWS; i++)
            same &= ck__bin_at(&t.bins, k, i) == ck__bin_at(&full.bins, j, i);
        k++;
    }
    for (size_t s = t.bins.n_slots; s < CK__GROUP; s++) /* the padding lanes */
        for (size_t i = 0; i < ROWS; i++)
            same &= t.bins.data[ck__slot_offset(&t.bins, s, i)] == 0;
    CHECK(same);
    ck__binned_table_free(&t);
    ck__binned_table_free(&full);
}

/* Rows held out as the dataset's split holds them out: the training rows' bins are
 * ck__bins_fit() of the training rows (their edges from a sample of those rows alone, at
 * a stride of 2 here), the held-out rows' bins those edges applied to them; constant means
 * constant in the whole table; dropping features drops them from both; a refit's read of
 * every row gives the bins of reading every row. */
static void test_binned_table__split(void)
{
    ck_table_opts one = table_opts(1);
    ck_dataset *d = read_ok(path, &one), *train = NULL, *valid = NULL;
    ck_error err = { 0 };
    uint8_t *mask = ck__held_out_mask(ROWS, 0.2, 42);
    CHECK_OK(ck_dataset_split(d, mask, &train, &valid, &err));
    free(mask);
    size_t n_train = ck_dataset_n_rows(train), n_valid = ck_dataset_n_rows(valid);
    CHECK(n_train > CK__BIN_SAMPLE_ROWS && n_valid > 60000);
    ck__bins want = { 0 }, want_valid = { 0 }, all = { 0 };
    CHECK_OK(ck__bins_fit(&want, train, 255, 1, &err));
    CHECK_OK(ck__bins_apply(&want_valid, &want, valid, 1, &err));
    CHECK_OK(ck__bins_fit(&all, d, 255, 1, &err));
    CHECK(!same_edges(&want, &all)); /* the held-out rows' values move the edges */
    for (int threads = 1; threads <= 2; threads++) {
        ck_table_opts o = table_opts(threads);
        ck__binned_table t;
        CHECK_OK(ck__binned_table_read_split(&t, path, &o, 255, 0.2, 42, &err));
        CHECK(same_schemas(t.schema, ck_dataset_schema(d)));
        CHECK(same_bins(&t.bins, &want));
        CHECK(same_bins(&t.held_out, &want_valid));
        CHECK(memcmp(t.labels, ck_dataset_labels(train), n_train * sizeof(float)) == 0);
        CHECK(memcmp(t.held_out_labels, ck_dataset_labels(valid), n_valid * sizeof(float)) == 0);
        for (size_t j = 0; j < ck_dataset_n_features(d); j++)
            CHECK(t.constant[j] == is_constant(d, j));
        ck__binned_table kept;
        CHECK_OK(ck__binned_table_read_split(&kept, path, &o, 255, 0.2, 42, &err));
        CHECK_OK(ck__binned_table_keep(&kept, not_constant(&kept), &err));
        CHECK_EQ_INT((long)kept.held_out.n_features, 7);
        bool same = true;
        for (size_t j = 0, k = 0; j < t.bins.n_features; j++) {
            if (t.constant[j])
                continue;
            for (size_t i = 0; i < n_valid; i++)
                same &= ck__bin_at(&kept.held_out, k, i) == ck__bin_at(&t.held_out, j, i);
            k++;
        }
        CHECK(same);
        /* a refit's read of every row, in one pass with the edges the split's first pass
         * learned: what reading every row and keeping the same features gives */
        ck__binned_table every = { 0 };
        CHECK_OK(ck__binned_table_read(&every, path, &o, 255, &err));
        CHECK(same_bins(&every.bins, &all));
        CHECK_OK(ck__binned_table_keep(&every, not_constant(&every), &err));
        CHECK_OK(ck__binned_table_read_every_row(&kept, path, &o, &err));
        CHECK(same_schemas(kept.schema, every.schema));
        CHECK(same_bins(&kept.bins, &every.bins));
        CHECK(memcmp(kept.labels, ck_dataset_labels(d), ROWS * sizeof(float)) == 0);
        CHECK_EQ_INT((long)kept.held_out.n_rows, 0);
        ck__binned_table_free(&every);
        ck__binned_table_free(&kept);
        ck__binned_table_free(&t);
    }
    ck__bins_free(&want);
    ck__bins_free(&want_valid);
    ck__bins_free(&all);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_dataset_free(d);
}

/* Every bin's decoded value falls back in it; a model scores the binned rows, and the
 * dataset of their decoded values, exactly as the rows. */
static void test_binned_table__decode_and_score(void)
{
    ck_table_opts o = table_opts(2);
    ck_dataset *d = read_ok(path, &o);
    ck_error err = { 0 };
    ck__binned_table t;
    CHECK_OK(ck__binned_table_read(&t, path, &o, 255, &err));
    size_t nf = t.bins.n_features;
    bool round_trip = true;
    float row[16];
    uint8_t back[16];
    for (size_t i = 0; i < ROWS; i += 7) {
        for (size_t j = 0; j < nf; j++)
            row[j] = ck__bin_value(&t.bins, j, ck__bin_at(&t.bins, j, i));
        ck__bin_row(&t.bins, row, back);
        for (size_t j = 0; j < nf; j++)
            round_trip &= t.bins.decode[j][back[t.bins.slot[j]]] == ck__bin_at(&t.bins, j, i);
    }
    CHECK(round_trip);

    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 40;
    p.n_threads = 2;
    ck_gbm *m = NULL;
    CHECK_OK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err));
    double *want = malloc(ROWS * sizeof *want), *got = malloc(ROWS * sizeof *got);
    double *decoded = malloc(ROWS * sizeof *decoded);
    ck_dataset *values = NULL;
    CHECK_OK(ck_gbm_predict(m, d, want, 2, &err));
    CHECK_OK(ck__gbm_predict_bins(m, &t.bins, got, 2));
    CHECK_OK(ck__dataset_from_bins(&values, t.schema, &t.bins, 0, ROWS, &err));
    CHECK_OK(ck_gbm_predict(m, values, decoded, 1, &err));
    CHECK(memcmp(want, got, ROWS * sizeof *want) == 0);
    CHECK(memcmp(want, decoded, ROWS * sizeof *want) == 0);
    free(want);
    free(got);
    free(decoded);
    ck_dataset_free(values);
    ck_gbm_free(m);
    ck__binned_table_free(&t);
    ck_dataset_free(d);
}

/* A bad cell late in the file: the values reader's code, file, line and message. */
static void test_binned_table__bad_cell(void)
{
    char bad[512];
    snprintf(bad, sizeof bad, "%s/binned_bad.csv", CK_TEST_TMP);
    FILE *f = fopen(bad, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs("id,spend,plan,churned\n", f);
    for (int i = 0; i < 5000; i++)
        fprintf(f, "c%d,%d.5,%s,%d\n", i, i % 97, plans[i % 5], i % 3 == 0);
    fputs("c5000,12.5,basic,maybe\n", f);
    CHECK(fclose(f) == 0);
    ck_table_opts o = table_opts(2);
    ck_error want = { 0 }, got = { 0 };
    ck_dataset *d = NULL;
    ck__binned_table t;
    int want_rc = ck_dataset_read_table(&d, bad, &o, &want);
    CHECK_EQ_INT(want_rc, CK_EPARSE);
    CHECK_EQ_INT(ck__binned_table_read(&t, bad, &o, 255, &got), want_rc);
    CHECK_EQ_INT(got.line, 5002);
    CHECK_EQ_STR(got.msg, want.msg);
    CHECK_EQ_STR(got.file, want.file);
    CHECK(t.schema == NULL && t.labels == NULL && t.bins.data == NULL);
}

int main(void)
{
    RUN(test_binned_table__stride);
    write_table();
    RUN(test_binned_table__same_as_values);
    RUN(test_binned_table__sample);
    RUN(test_binned_table__keep);
    RUN(test_binned_table__split);
    RUN(test_binned_table__decode_and_score);
    RUN(test_binned_table__bad_cell);
    return check_summary();
}
