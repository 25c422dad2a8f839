/*
 * Table streams (see dataset.h): a table read one record at a time for scoring, each
 * row's features coded against a fixed schema. Memory is constant in the number of rows:
 * the CSV reader's buffer, one record's fields and the current id.
 *
 * Headers, labels and cells follow the same rules as ck_dataset_read_table() with a
 * schema, through the helpers of dataset_int.h, so a stream yields exactly the rows that
 * reading the whole table would, and fails on the same line with the same message.
 */
#include "churnkit/dataset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/csv.h"
#include "dataset_int.h"
#include "util.h"

struct ck_table_stream {
    char *path;
    ck_csv *csv;
    ck_schema *schema;
    ck__table_layout layout;
    size_t n_rows; /* rows returned so far */
    char *id;      /* the current row's id, NUL-terminated */
    size_t id_cap;
};

void ck_table_stream_free(ck_table_stream *s)
{
    if (s == NULL)
        return;
    ck__table_layout_free(&s->layout);
    ck_csv_free(s->csv);
    ck_schema_free(s->schema);
    free(s->path);
    free(s->id);
    free(s);
}

int ck_table_stream_open(ck_table_stream **out, const char *path, const ck_table_opts *opts,
                         const ck_schema *schema, ck_error *err)
{
    static const ck_table_opts default_opts = CK_TABLE_OPTS_INIT;
    assert(schema != NULL);
    if (opts == NULL)
        opts = &default_opts;
    *out = NULL;
    ck_csv_row header;
    ck_table_stream *s = calloc(1, sizeof *s);
    int rc;
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    if ((rc = ck_schema_copy(&s->schema, schema, err)) < 0 ||
        (rc = ck_csv_open(&s->csv, path, opts->delimiter, err)) < 0)
        goto fail;
    if ((rc = ck_csv_next(s->csv, &header, err)) == 0)
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file: expected a header row");
    if (rc < 0)
        goto fail;
    /* the layout names the file by our copy of the path: the caller's may not outlive us */
    if ((rc = ck__table_layout_init(&s->layout, s->path, &header, opts, s->schema, err)) < 0)
        goto fail;
    *out = s;
    return CK_OK;
fail:
    ck_table_stream_free(s);
    return rc;
}

/* Keep the row's id as a NUL-terminated string. */
static bool set_id(ck_table_stream *s, const char *id, size_t len)
{
    if (!ck__grow((void **)&s->id, &s->id_cap, len + 1, 1))
        return false;
    memcpy(s->id, id, len);
    s->id[len] = '\0';
    return true;
}

int ck_table_stream_next(ck_table_stream *s, float *row, const char **id, float *label,
                         ck_error *err)
{
    const ck__table_layout *t = &s->layout;
    ck_csv_row rec;
    int rc = ck_csv_next(s->csv, &rec, err);
    if (rc <= 0)
        return rc;
    if ((rc = ck__table_check_fields(t, &rec, err)) < 0)
        return rc;
    *label = NAN;
    if (t->label_field >= 0 && (rc = ck__table_label(label, t, &rec, err)) < 0)
        return rc;
    const char *cell;
    size_t len;
    char number[24];
    if (t->id_field >= 0) {
        ck__table_cell(&rec, (size_t)t->id_field, &cell, &len);
    } else {
        len = (size_t)snprintf(number, sizeof number, "%zu", s->n_rows + 1);
        cell = number;
    }
    if (!set_id(s, cell, len))
        return ck_error_set(err, CK_ENOMEM, t->path, rec.line, "out of memory");
    for (size_t j = 0; j < t->n_features; j++) {
        ck__table_cell(&rec, t->feature_field[j], &cell, &len);
        if ((rc = ck__table_code_cell(&row[j], t, s->schema, j, cell, len, rec.line, err)) < 0)
            return rc;
    }
    s->n_rows++;
    *id = s->id;
    return 1;
}

const char *ck_table_stream_id_name(const ck_table_stream *s)
{
    return s->layout.id_name;
}
