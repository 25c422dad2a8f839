/*
 * Fixtures of the dataset tests (test_dataset, test_dataset_features, test_split,
 * test_table_stream): table options, reading that must succeed or fail in a given way,
 * column and level checks, dataset equality, the hand-made basic table, and a stream
 * compared row by row with a dataset.
 *
 * Header-only (static inline): check.h keeps its counters per translation unit, so the
 * CHECKs these helpers make must be compiled into the test program that counts them.
 */
#ifndef CK_TEST_DATASET_FIXTURES_H
#define CK_TEST_DATASET_FIXTURES_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/schema.h"

/* The hand-made tables of tests/data/dataset/. */
#define DATA CK_TEST_DATA "/dataset/"

static inline bool same_float(float a, float b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Write @p text to CK_TEST_TMP/name and return the path (valid until the next call). */
/* Schemas equal: names, kinds, levels in order. */
static inline bool same_schemas(const ck_schema *a, const ck_schema *b)
{
    if (ck_schema_n_features(a) != ck_schema_n_features(b))
        return false;
    for (size_t j = 0; j < ck_schema_n_features(a); j++) {
        if (strcmp(ck_schema_name(a, j), ck_schema_name(b, j)) != 0 ||
            ck_schema_kind(a, j) != ck_schema_kind(b, j) ||
            ck_schema_n_levels(a, j) != ck_schema_n_levels(b, j))
            return false;
        for (size_t k = 0; k < ck_schema_n_levels(a, j); k++)
            if (strcmp(ck_schema_level(a, j, k), ck_schema_level(b, j, k)) != 0)
                return false;
    }
    return true;
}

static inline const char *tmp_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", CK_TEST_TMP, name);
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        fprintf(stderr, "cannot write %s\n", path);
        return path;
    }
    fputs(text, out);
    fclose(out);
    return path;
}

static inline ck_table_opts opts_for(const char *label, const char *id, const ck_schema *schema)
{
    ck_table_opts o = CK_TABLE_OPTS_INIT;
    o.label = label;
    o.id = id;
    o.schema = schema;
    return o;
}

static inline ck_dataset *read_ok(const char *path, const ck_table_opts *o)
{
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, path, o, &err));
    return d;
}

/* Reading fails with this code, line and message, and leaves *out NULL. */
static inline void read_fails(const char *path, const ck_table_opts *o, int code, long line,
                              const char *msg)
{
    ck_error err = { 0 };
    ck_dataset *d = (ck_dataset *)&err; /* must be reset to NULL */
    CHECK_EQ_INT(ck_dataset_read_table(&d, path, o, &err), code);
    CHECK(d == NULL);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
    CHECK_EQ_STR(err.file, path);
}

/* The feature index of @p name in the dataset's schema, or a failed check. */
static inline size_t feature(const ck_dataset *d, const char *name)
{
    long j = ck_schema_find(ck_dataset_schema(d), name);
    CHECK(j >= 0);
    return j < 0 ? 0 : (size_t)j;
}

/* Column @p name equals @p expect (NaN matches NaN). */
static inline void check_column(const ck_dataset *d, const char *name, const float *expect,
                                size_t n)
{
    CHECK_EQ_INT(ck_dataset_n_rows(d), n);
    if (ck_dataset_n_rows(d) != n)
        return;
    const float *x = ck_dataset_column(d, feature(d, name));
    for (size_t i = 0; i < n; i++)
        if (!same_float(x[i], expect[i])) {
            fprintf(stderr, "column %s row %zu: %.9g, expected %.9g\n", name, i, x[i], expect[i]);
            CHECK(false);
        }
}

static inline void check_levels(const ck_dataset *d, const char *name, const char *const *levels,
                                size_t n)
{
    const ck_schema *s = ck_dataset_schema(d);
    size_t j = feature(d, name);
    CHECK_EQ_INT(ck_schema_kind(s, j), CK_FEATURE_CATEGORICAL);
    CHECK_EQ_INT(ck_schema_n_levels(s, j), n);
    for (size_t k = 0; k < n && k < ck_schema_n_levels(s, j); k++)
        CHECK_EQ_STR(ck_schema_level(s, j, k), levels[k]);
}

/* Same rows, ids, labels and schema names, bit for bit (NaN matches NaN). */
static inline bool same_datasets(const ck_dataset *a, const ck_dataset *b)
{
    size_t n = ck_dataset_n_rows(a), p = ck_dataset_n_features(a);
    if (n != ck_dataset_n_rows(b) || p != ck_dataset_n_features(b))
        return false;
    if ((ck_dataset_labels(a) == NULL) != (ck_dataset_labels(b) == NULL))
        return false;
    for (size_t j = 0; j < p; j++) {
        if (strcmp(ck_schema_name(ck_dataset_schema(a), j),
                   ck_schema_name(ck_dataset_schema(b), j)) != 0)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!same_float(ck_dataset_column(a, j)[i], ck_dataset_column(b, j)[i]))
                return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ck_dataset_row_id(a, i), ck_dataset_row_id(b, i)) != 0)
            return false;
        if (ck_dataset_labels(a) && ck_dataset_labels(a)[i] != ck_dataset_labels(b)[i])
            return false;
    }
    return true;
}

static inline ck_dataset *basic_dataset(void)
{
    const char *ignore[] = { "skip_me" };
    ck_table_opts o = opts_for("churn", "id", NULL);
    o.ignore = ignore;
    o.n_ignore = 1;
    return read_ok(DATA "basic.csv", &o);
}

/* Stream @p path against @p schema and compare every row with @p d. */
static inline void check_stream_matches(const char *path, const ck_table_opts *o,
                                        const ck_schema *schema, const ck_dataset *d)
{
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    CHECK_OK(ck_table_stream_open(&s, path, o, schema, &err));
    if (s == NULL)
        return;
    CHECK_EQ_STR(ck_table_stream_id_name(s), ck_dataset_id_name(d));
    size_t p = ck_schema_n_features(schema), i = 0;
    float *row = calloc(p + 1, sizeof *row);
    const char *id = NULL;
    float label = 0;
    int rc;
    bool ok = row != NULL;
    while (ok && (rc = ck_table_stream_next(s, row, &id, &label, &err)) == 1) {
        ok = i < ck_dataset_n_rows(d) && strcmp(id, ck_dataset_row_id(d, i)) == 0;
        for (size_t j = 0; ok && j < p; j++)
            ok = same_float(row[j], ck_dataset_column(d, j)[i]);
        ok = ok && same_float(label, ck_dataset_labels(d) ? ck_dataset_labels(d)[i] : NAN);
        i++;
    }
    CHECK(ok);
    CHECK_EQ_INT(i, ck_dataset_n_rows(d));
    CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 0); /* the end stays */
    free(row);
    ck_table_stream_free(s);
}

#endif
