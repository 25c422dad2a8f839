/*
 * Datasets (see dataset.h): a dense float matrix stored by column, 0/1 labels, row ids and
 * the schema of the features.
 *
 * Layout: columns[j] is one allocation of n_rows floats, so the trainer gets each feature
 * as a contiguous array; row ids live NUL-terminated in one text arena addressed by
 * offset (one allocation for a million ids, not a million).
 *
 * Reading a table is one pass that codes every cell as it comes. A column stays numeric
 * while its present cells parse as numbers; a column whose first present cell is not a
 * number is categorical from the start, its levels interned in order of first
 * appearance. A column that stops being numeric after some numbers were read is
 * "deferred": coding its levels in order of first appearance needs the text of those
 * earlier cells, so a second pass over the file re-reads just those columns. Real tables
 * rarely need it (a categorical column usually shows a word in its first rows).
 *
 * Numbers: Clinger's fast path (W. D. Clinger, "How to read floating point numbers
 * accurately", PLDI 1990, section 7): a decimal mantissa below 2^53 and a power of ten of
 * at most 22 are both exact doubles, so one IEEE multiply or divide gives the correctly
 * rounded value, the same double strtod returns. Every other cell goes to
 * ck__cell_parse_number, which therefore decides alone what a number is.
 */
#include "churnkit/dataset.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"
#include "churnkit/csv.h"
#include "churnkit/features.h"
#include "churnkit/timestamp.h"
#include "data/binned_table.h"
#include "data/dataset_int.h"
#include "data/parts.h"
#include "io/cell.h"
#include "io/csv_scan.h"

struct ck_dataset {
    size_t n_rows, n_features;
    float **columns; /* n_features arrays of n_rows floats */
    float *labels;   /* NULL without labels */
    float *weights;  /* NULL: every row weighs 1 */
    char *id_text;   /* row ids, NUL-terminated, one after another */
    size_t id_text_len, id_text_cap;
    size_t *id_offsets; /* row i's id starts at id_text + id_offsets[i] */
    char *id_name;
    ck_schema *schema;
};

/* ---- the table rules, shared with table_stream.c ------------------------------------ */

void ck__table_cell(const ck_csv_row *row, size_t f, const char **s, size_t *len)
{
    *s = row->fields[f];
    *len = row->lengths[f];
    ck__cell_trim(s, len);
}

bool ck__table_number(double *out, const char *s, size_t len)
{
    /* ck__cell_parse_number refuses cells of 64 bytes or more: so must we */
    if (len == 0 || len >= 64)
        return ck__cell_parse_number(out, s, len);
    const char *p = s, *end = s + len;
    bool negative = *p == '-';
    p += *p == '-' || *p == '+';
    ck__digits d;
    p = ck__scan_digits(p, end, &d);
    int exponent = -d.n_fraction;
    if (d.n_digits > 0 && p < end && (*p == 'e' || *p == 'E')) {
        const char *k = p + 1;
        bool exp_negative = false;
        if (k < end && (*k == '-' || *k == '+'))
            exp_negative = *k++ == '-';
        int e = 0;
        const char *first = k;
        for (; k < end && *k >= '0' && *k <= '9' && e < 1000; k++)
            e = e * 10 + (*k - '0');
        if (k == first)
            return ck__cell_parse_number(out, s, len);
        exponent += exp_negative ? -e : e;
        p = k;
    }
    if (p != end || !ck__table_decimal(out, negative, &d, exponent))
        return ck__cell_parse_number(out, s, len);
    return true;
}

bool ck__table_to_float(float *out, double v)
{
    if (fabs(v) > FLT_MAX)
        return false;
    *out = (float)v;
    return true;
}

/* At most this many bytes of a bad cell are quoted in a message. */
#define QUOTE_MAX 80

static int quoted_len(size_t len)
{
    return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static int out_of_range(const char *path, long line, const char *column, const char *s, size_t len,
                        ck_error *err)
{
    return ck_error_set(err, CK_EPARSE, path, line,
                        "number \"%.*s\" in column \"%s\" is beyond the float range",
                        quoted_len(len), s, column);
}

int ck__table_code_cell(float *out, const ck__table_layout *t, const ck_schema *schema, size_t j,
                        const char *s, size_t len, double number, long line, ck_error *err)
{
    double v = number;
    if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC) {
        /* numbers first: no missing-value token is a number, and most cells are numbers */
        if (!isnan(v) || ck__table_number(&v, s, len)) {
            if (!ck__table_to_float(out, v))
                return out_of_range(t->path, line, t->feature_names[j], s, len, err);
            return CK_OK;
        }
        if (ck__cell_is_missing(s, len)) {
            *out = NAN;
            return CK_OK;
        }
        return ck_error_set(err, CK_EPARSE, t->path, line, "bad number \"%.*s\" in column \"%s\"",
                            quoted_len(len), s, t->feature_names[j]);
    }
    *out = ck__cell_is_missing(s, len) ? NAN : (float)ck_schema_level_code(schema, j, s, len);
    return CK_OK;
}

int ck__table_label(float *out, const ck__table_layout *t, const ck_csv_row *row, ck_error *err)
{
    const char *s;
    size_t len;
    ck__table_cell(row, (size_t)t->label_field, &s, &len);
    int v = ck__cell_parse_flag(s, len);
    if (v < 0)
        return ck_error_set(err, CK_EPARSE, t->path, row->line,
                            "bad label \"%.*s\" in column \"%s\" (expected 1/0, true/false or "
                            "yes/no)",
                            quoted_len(len), s, t->label_name);
    *out = (float)v;
    return CK_OK;
}

int ck__table_check_fields(const ck__table_layout *t, const ck_csv_row *row, ck_error *err)
{
    if (row->n_fields == t->n_fields)
        return CK_OK;
    return ck_error_set(err, CK_EPARSE, t->path, row->line, "expected %zu fields, got %zu",
                        t->n_fields, row->n_fields);
}

void ck__table_layout_free(ck__table_layout *t)
{
    free(t->label_name);
    free(t->id_name);
    free(t->feature_field);
    if (t->feature_names != NULL)
        for (size_t j = 0; j < t->n_features; j++)
            free(t->feature_names[j]);
    free(t->feature_names);
    memset(t, 0, sizeof *t);
}

/* The header's names: names.count distinct ones; first[k] is the first field named k;
 * twice[k] when another field has the same name. */
typedef struct header_names {
    ck__intern names;
    size_t *first;
    bool *twice;
    long *field_name; /* the name index of each field */
} header_names;

static void header_names_free(header_names *h)
{
    ck__intern_free(&h->names);
    free(h->first);
    free(h->twice);
    free(h->field_name);
}

static bool header_names_init(header_names *h, const ck_csv_row *header)
{
    size_t n = header->n_fields;
    memset(h, 0, sizeof *h);
    h->first = ck__alloc_array(n, sizeof *h->first);
    h->twice = calloc(n ? n : 1, sizeof *h->twice);
    h->field_name = ck__alloc_array(n, sizeof *h->field_name);
    if (h->first == NULL || h->twice == NULL || h->field_name == NULL)
        return false;
    for (size_t f = 0; f < n; f++) {
        const char *s;
        size_t len;
        ck__table_cell(header, f, &s, &len);
        size_t before = h->names.count;
        long k = ck__intern_put(&h->names, s, len);
        if (k < 0)
            return false;
        if (h->names.count > before)
            h->first[k] = f;
        else
            h->twice[k] = true;
        h->field_name[f] = k;
    }
    return true;
}

/* The field named @p name, or -1. */
static long header_find(const header_names *h, const char *name)
{
    long k = ck__intern_find(&h->names, name, strlen(name));
    return k < 0 ? -1 : (long)h->first[k];
}

/* A column that is read must be the only one of its name. */
static int used_once(const header_names *h, long f, const char *path, long line, ck_error *err)
{
    long k = h->field_name[f];
    if (!h->twice[k])
        return CK_OK;
    return ck_error_set(err, CK_EPARSE, path, line, "column \"%s\" appears twice",
                        ck__intern_str(&h->names, (size_t)k));
}

int ck__table_layout_init(ck__table_layout *t, const char *path, const ck_csv_row *header,
                          const ck_table_opts *opts, const ck_schema *schema, ck_error *err)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    t->n_fields = header->n_fields;
    t->label_field = t->id_field = -1;
    const long line = header->line;
    size_t n = header->n_fields;
    header_names h;
    bool *skip = calloc(n ? n : 1, sizeof *skip); /* not a feature: label, id, ignored */
    int rc;
    if (skip == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    if (!header_names_init(&h, header))
        goto nomem;
    if (opts->label != NULL) {
        if ((t->label_field = header_find(&h, opts->label)) < 0) {
            rc = ck_error_set(err, CK_EINVAL, path, line, "missing label column \"%s\"",
                              opts->label);
            goto fail;
        }
        if ((rc = used_once(&h, t->label_field, path, line, err)) < 0)
            goto fail;
        skip[t->label_field] = true;
        if ((t->label_name = strdup(opts->label)) == NULL)
            goto nomem;
    }
    if (opts->id != NULL) {
        if ((t->id_field = header_find(&h, opts->id)) < 0) {
            rc = ck_error_set(err, CK_EINVAL, path, line, "missing id column \"%s\"", opts->id);
            goto fail;
        }
        if ((rc = used_once(&h, t->id_field, path, line, err)) < 0)
            goto fail;
        skip[t->id_field] = true;
    }
    if ((t->id_name = strdup(opts->id != NULL ? opts->id : "row")) == NULL)
        goto nomem;
    for (size_t k = 0; k < opts->n_ignore; k++) {
        long f = header_find(&h, opts->ignore[k]);
        if (f < 0) {
            rc = ck_error_set(err, CK_EINVAL, path, line, "missing ignored column \"%s\"",
                              opts->ignore[k]);
            goto fail;
        }
        /* every column of that name: they are all left out */
        for (size_t g = 0; g < n; g++)
            skip[g] |= h.field_name[g] == h.field_name[f];
    }
    /* which fields are features, in feature order */
    size_t n_features = schema != NULL ? ck_schema_n_features(schema) : 0;
    if (schema == NULL)
        for (size_t f = 0; f < n; f++)
            n_features += !skip[f];
    t->feature_field = ck__alloc_array(n_features, sizeof *t->feature_field);
    t->feature_names = calloc(n_features ? n_features : 1, sizeof *t->feature_names);
    if (t->feature_field == NULL || t->feature_names == NULL)
        goto nomem;
    t->n_features = n_features;
    for (size_t j = 0, f = 0; j < n_features; j++, f++) {
        if (schema != NULL) {
            const char *name = ck_schema_name(schema, j);
            long g = header_find(&h, name);
            if (g < 0) {
                rc =
                    ck_error_set(err, CK_EPARSE, path, line, "missing feature column \"%s\"", name);
                goto fail;
            }
            f = (size_t)g;
        } else {
            while (skip[f])
                f++;
        }
        if ((rc = used_once(&h, (long)f, path, line, err)) < 0)
            goto fail;
        t->feature_field[j] = f;
        t->feature_names[j] = strdup(ck__intern_str(&h.names, (size_t)h.field_name[f]));
        if (t->feature_names[j] == NULL)
            goto nomem;
    }
    header_names_free(&h);
    free(skip);
    return CK_OK;
nomem:
    rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
fail:
    header_names_free(&h);
    free(skip);
    ck__table_layout_free(t);
    return rc;
}

/* ---- the dataset object -------------------------------------------------------------- */

int ck_dataset_set_labels(ck_dataset *d, const float *labels, ck_error *err)
{
    if (d->labels == NULL &&
        (d->labels = ck__alloc_array(d->n_rows + 1, sizeof *d->labels)) == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    memcpy(d->labels, labels, d->n_rows * sizeof *labels);
    return CK_OK;
}

void ck_dataset_free(ck_dataset *d)
{
    if (d == NULL)
        return;
    if (d->columns != NULL)
        for (size_t j = 0; j < d->n_features; j++)
            free(d->columns[j]);
    free(d->columns);
    free(d->labels);
    free(d->weights);
    free(d->id_text);
    free(d->id_offsets);
    free(d->id_name);
    ck_schema_free(d->schema);
    free(d);
}

/* A dataset with room for @p cap rows of @p n_features columns (n_rows stays 0). */
static ck_dataset *dataset_new(size_t n_features, size_t cap, bool has_labels, const char *id_name)
{
    ck_dataset *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->n_features = n_features;
    d->columns = calloc(n_features ? n_features : 1, sizeof *d->columns);
    d->id_offsets = ck__alloc_array(cap, sizeof *d->id_offsets);
    d->id_name = strdup(id_name);
    bool ok = d->columns != NULL && d->id_offsets != NULL && d->id_name != NULL;
    for (size_t j = 0; ok && j < n_features; j++)
        ok = (d->columns[j] = ck__alloc_array(cap, sizeof(float))) != NULL;
    if (ok && has_labels)
        ok = (d->labels = ck__alloc_array(cap, sizeof *d->labels)) != NULL;
    if (!ok) {
        ck_dataset_free(d);
        return NULL;
    }
    return d;
}

/* Store row i's id. */
static bool push_id(ck_dataset *d, size_t i, const char *s, size_t len)
{
    if (!ck__grow((void **)&d->id_text, &d->id_text_cap, d->id_text_len + len + 1, 1))
        return false;
    d->id_offsets[i] = d->id_text_len;
    memcpy(d->id_text + d->id_text_len, s, len);
    d->id_text[d->id_text_len + len] = '\0';
    d->id_text_len += len + 1;
    return true;
}

/* Move every per-row array of the first n_kept rows onto huge pages with room for cap
 * rows: the parts' reader fills them at once (ck__alloc_huge_array). */
static bool move_rows_to_huge(ck_dataset *d, size_t n_kept, size_t cap)
{
    for (size_t j = 0; j < d->n_features; j++) {
        float *p = ck__move_to_huge_array(d->columns[j], n_kept, cap, sizeof(float));
        if (p == NULL)
            return false;
        d->columns[j] = p;
    }
    if (d->labels != NULL) {
        float *p = ck__move_to_huge_array(d->labels, n_kept, cap, sizeof(float));
        if (p == NULL)
            return false;
        d->labels = p;
    }
    size_t *p = ck__move_to_huge_array(d->id_offsets, n_kept, cap, sizeof *d->id_offsets);
    if (p == NULL)
        return false;
    d->id_offsets = p;
    return true;
}

/* Resize every per-row array to @p cap rows. */
static bool resize_rows(ck_dataset *d, size_t cap)
{
    size_t n = cap ? cap : 1;
    for (size_t j = 0; j < d->n_features; j++) {
        float *p = ck__realloc_array(d->columns[j], n, sizeof(float));
        if (p == NULL)
            return false;
        d->columns[j] = p;
    }
    if (d->labels != NULL) {
        float *p = ck__realloc_array(d->labels, n, sizeof(float));
        if (p == NULL)
            return false;
        d->labels = p;
    }
    size_t *p = ck__realloc_array(d->id_offsets, n, sizeof *d->id_offsets);
    if (p == NULL)
        return false;
    d->id_offsets = p;
    return true;
}

size_t ck_dataset_n_rows(const ck_dataset *d)
{
    return d->n_rows;
}

size_t ck_dataset_n_features(const ck_dataset *d)
{
    return d->n_features;
}

const ck_schema *ck_dataset_schema(const ck_dataset *d)
{
    return d->schema;
}

const float *ck_dataset_column(const ck_dataset *d, size_t j)
{
    assert(j < d->n_features);
    return d->columns[j];
}

const float *ck_dataset_labels(const ck_dataset *d)
{
    return d->labels;
}

const float *ck_dataset_weights(const ck_dataset *d)
{
    return d->weights;
}

const char *ck_dataset_row_id(const ck_dataset *d, size_t i)
{
    assert(i < d->n_rows);
    return d->id_text + d->id_offsets[i];
}

const char *ck_dataset_id_name(const ck_dataset *d)
{
    return d->id_name;
}

/* ---- reading a table ----------------------------------------------------------------- */

typedef enum { INFER_NUMERIC, INFER_CATEGORICAL, INFER_DEFERRED } infer_state;

/* A column whose kind is being inferred. */
typedef struct infer_column {
    infer_state state;
    bool seen_number; /* a number was read: turning categorical now defers the column */
    ck__intern levels;
    size_t n_values; /* present cells coded as levels */
} infer_column;

typedef struct table_reader {
    ck__table_layout layout;
    const ck_schema *schema; /* NULL: infer */
    infer_column *cols;      /* inference: one per feature */
    size_t n_deferred;
    ck_dataset *d;
    size_t cap;    /* rows the dataset's arrays can hold */
    size_t n_read; /* rows read from the file */
    size_t stride; /* 0: every row is kept; else the sample's (see keep_sampled()) */
} table_reader;

static int code_level(float *out, const table_reader *rd, infer_column *c, size_t j, const char *s,
                      size_t len, long line, ck_error *err)
{
    if (len > CK__MAX_LEVEL_BYTES)
        return ck_error_set(err, CK_EPARSE, rd->layout.path, line,
                            "a value of %zu bytes in column \"%s\" (at most %d for a category): "
                            "\"%.*s...\"",
                            len, rd->layout.feature_names[j], CK__MAX_LEVEL_BYTES, 20, s);
    c->n_values++;
    long code = ck__intern_put(&c->levels, s, len);
    if (code < 0)
        return ck_error_set(err, CK_ENOMEM, rd->layout.path, line, "out of memory");
    if ((size_t)code >= CK__MAX_LEVELS)
        return ck_error_set(err, CK_EPARSE, rd->layout.path, line,
                            "column \"%s\" has more than %zu distinct values",
                            rd->layout.feature_names[j], CK__MAX_LEVELS);
    *out = (float)code;
    return CK_OK;
}

/* Code one cell of a column whose kind is being inferred; `number`: the cell as read
 * while it was split, or NaN. */
static int infer_cell(float *out, table_reader *rd, size_t j, const char *s, size_t len,
                      double number, long line, ck_error *err)
{
    infer_column *c = &rd->cols[j];
    if (c->state == INFER_NUMERIC) {
        double v = number;
        if (!isnan(v) || ck__table_number(&v, s, len)) {
            if (!ck__table_to_float(out, v))
                return out_of_range(rd->layout.path, line, rd->layout.feature_names[j], s, len,
                                    err);
            c->seen_number = true;
            return CK_OK;
        }
        if (ck__cell_is_missing(s, len)) {
            *out = NAN;
            return CK_OK;
        }
        /* as a schema's numeric column refuses it (ck__table_code_cell): `inf` or `1e400`
         * is a number out of range, not the first word of a categorical column */
        if (ck__cell_spells_number(s, len))
            return ck_error_set(err, CK_EPARSE, rd->layout.path, line,
                                "bad number \"%.*s\" in column \"%s\"", quoted_len(len), s,
                                rd->layout.feature_names[j]);
        c->state = c->seen_number ? INFER_DEFERRED : INFER_CATEGORICAL;
        rd->n_deferred += c->state == INFER_DEFERRED;
    }
    if (c->state == INFER_DEFERRED || ck__cell_is_missing(s, len)) {
        *out = NAN; /* a deferred column is coded by the second pass */
        return CK_OK;
    }
    return code_level(out, rd, c, j, s, len, line, err);
}

/* Of rows [from, n_rows), the first of which is row first_index of the file, keep those
 * whose index is a multiple of stride (columns, labels and ids move up). */
static void keep_every(ck_dataset *d, size_t from, size_t first_index, size_t stride)
{
    size_t kept = from, text = 0;
    if (from > 0) {
        const char *last = d->id_text + d->id_offsets[from - 1];
        text = d->id_offsets[from - 1] + strlen(last) + 1;
    }
    for (size_t i = from; i < d->n_rows; i++) {
        if ((first_index + i - from) % stride != 0)
            continue;
        for (size_t j = 0; j < d->n_features; j++)
            d->columns[j][kept] = d->columns[j][i];
        if (d->labels != NULL)
            d->labels[kept] = d->labels[i];
        const char *id = d->id_text + d->id_offsets[i];
        size_t len = strlen(id) + 1;
        memmove(d->id_text + text, id, len);
        d->id_offsets[kept] = text;
        text += len;
        kept++;
    }
    d->n_rows = kept;
    d->id_text_len = text;
}

/* The rows from `at` on were just read. Sampling, only those whose index in the file is
 * a multiple of the stride stay, and the stride doubles (every other row kept leaving)
 * while more than CK__BIN_SAMPLE_ROWS are kept: the sample of ck__bins_sample_stride(),
 * kept while the rows are being counted. */
static void keep_sampled(table_reader *rd, size_t at)
{
    ck_dataset *d = rd->d;
    size_t first_index = rd->n_read;
    rd->n_read += d->n_rows - at;
    if (rd->stride == 0)
        return;
    keep_every(d, at, first_index, rd->stride);
    while (d->n_rows > CK__BIN_SAMPLE_ROWS) {
        keep_every(d, 0, 0, 2);
        rd->stride *= 2;
    }
}

/* A record; `numbers`: its fields as read while it was split (ck__part_fields). */
static int read_row(table_reader *rd, const ck_csv_row *row, const double *numbers, ck_error *err)
{
    const ck__table_layout *t = &rd->layout;
    ck_dataset *d = rd->d;
    int rc = ck__table_check_fields(t, row, err);
    if (rc < 0)
        return rc;
    if (d->n_rows == rd->cap) {
        size_t cap = rd->cap * 2;
        if (cap < rd->cap || !resize_rows(d, cap))
            return ck_error_set(err, CK_ENOMEM, t->path, row->line, "out of memory");
        rd->cap = cap;
    }
    size_t i = d->n_rows;
    if (t->label_field >= 0 && (rc = ck__table_label(&d->labels[i], t, row, err)) < 0)
        return rc;
    const char *s;
    size_t len;
    char number[24];
    if (t->id_field >= 0) {
        ck__table_cell(row, (size_t)t->id_field, &s, &len);
    } else {
        len = (size_t)snprintf(number, sizeof number, "%zu", i + 1);
        s = number;
    }
    if (!push_id(d, i, s, len))
        return ck_error_set(err, CK_ENOMEM, t->path, row->line, "out of memory");
    for (size_t j = 0; j < t->n_features; j++) {
        size_t f = t->feature_field[j];
        ck__table_cell(row, f, &s, &len);
        float *out = &d->columns[j][i];
        rc = rd->schema != NULL
                 ? ck__table_code_cell(out, t, rd->schema, j, s, len, numbers[f], row->line, err)
                 : infer_cell(out, rd, j, s, len, numbers[f], row->line, err);
        if (rc < 0)
            return rc;
    }
    d->n_rows++;
    keep_sampled(rd, i);
    return CK_OK;
}

/* The second pass: code the deferred columns' levels in order of first appearance. */
static int read_deferred(table_reader *rd, const char *path, char delimiter, ck_error *err)
{
    ck_csv *csv = NULL;
    ck_csv_row row;
    int rc = ck_csv_open(&csv, path, delimiter, err);
    if (rc < 0)
        return rc;
    size_t i = 0, stride = rd->stride ? rd->stride : 1;
    if ((rc = ck_csv_next(csv, &row, err)) < 0) /* the header */
        goto done;
    while ((rc = ck_csv_next(csv, &row, err)) == 1) {
        if (i == rd->n_read || row.n_fields != rd->layout.n_fields) {
            rc = ck_error_set(err, CK_EIO, path, row.line, "the file changed while being read");
            goto done;
        }
        for (size_t j = 0; j < rd->layout.n_features; j++) {
            if (rd->cols[j].state != INFER_DEFERRED)
                continue;
            const char *s;
            size_t len;
            ck__table_cell(&row, rd->layout.feature_field[j], &s, &len);
            /* every row's levels count, in order; a sample keeps only its rows' codes */
            float code = NAN;
            if (!ck__cell_is_missing(s, len) &&
                (rc = code_level(&code, rd, &rd->cols[j], j, s, len, row.line, err)) < 0)
                goto done;
            if (i % stride == 0)
                rd->d->columns[j][i / stride] = code;
        }
        i++;
    }
    if (rc == 0 && i != rd->n_read)
        rc = ck_error_set(err, CK_EIO, path, 0, "the file changed while being read");
done:
    ck_csv_free(csv);
    return rc < 0 ? rc : CK_OK;
}

/* An inferred categorical column whose values hardly repeat is an id (or free text): as
 * a feature it would only memorise rows, and every level would be copied into the model. */
static int refuse_id_like(const table_reader *rd, ck_error *err)
{
    for (size_t j = 0; j < rd->layout.n_features; j++) {
        const infer_column *c = &rd->cols[j];
        size_t n_levels = c->levels.count;
        if (c->state != INFER_NUMERIC && n_levels > CK__ID_LIKE_LEVELS &&
            n_levels > c->n_values / 2)
            return ck_error_set(err, CK_EPARSE, rd->layout.path, 0,
                                "column \"%s\" looks like an id, not a feature: %zu distinct "
                                "values in %zu rows (name it as the id column or ignore it)",
                                rd->layout.feature_names[j], n_levels, c->n_values);
    }
    return CK_OK;
}

/* The schema inferred: kinds from the columns' states, levels in order of appearance. */
static int inferred_schema(ck_schema **out, const table_reader *rd, ck_error *err)
{
    int rc = ck_schema_new(out, err);
    for (size_t j = 0; rc >= 0 && j < rd->layout.n_features; j++) {
        const infer_column *c = &rd->cols[j];
        rc = ck_schema_add_feature(
            *out, rd->layout.feature_names[j],
            c->state == INFER_NUMERIC ? CK_FEATURE_NUMERIC : CK_FEATURE_CATEGORICAL, err);
        for (size_t k = 0; rc >= 0 && k < c->levels.count; k++)
            rc = ck_schema_add_level(*out, j, ck__intern_str(&c->levels, k), c->levels.lengths[k],
                                     err);
    }
    return rc < 0 ? rc : CK_OK;
}

/* ---- reading a table in parts ------------------------------------------------------------
 *
 * With several threads, a plain file is read in parts (data/parts.h): each part parses
 * its records into its own column buffers, numbers straight to floats, and infers each
 * column's kind on its own rows, coding text cells in a per-part dictionary in order of
 * first appearance. The calling thread appends the parts in file order and replays the
 * one-thread reader's column states at part granularity:
 *  - a column numeric in every part is numeric;
 *  - a column whose first non-number (in file order) comes before any number, and whose
 *    later parts are text from their first present cell (or empty), is categorical: the
 *    parts' dictionaries, merged in part order, give the levels in order of first
 *    appearance in the file;
 *  - any other column that is not numeric is deferred and read again as the one-thread
 *    reader does (its numbers' text is needed for the levels).
 * Whatever could fail depending on a column's state in the whole file (a number beyond
 * the float range, `inf`, an over-long level), and every other failure, sends the whole
 * read to the one-thread reader, which names the first bad line of the file with the
 * same message: errors are rare, and that keeps them identical by construction.
 */

/* A part of 8 MiB holds about 40k rows of a 50-column table: enough work per hand-over,
 * and 2 slots per thread stay small. */
#define PART_BYTES ((int64_t)8 << 20)

typedef enum { LOCAL_NUMERIC, LOCAL_CATEGORICAL, LOCAL_MIXED } local_state;

/* One column of one part. */
typedef struct part_column {
    float *values;     /* the part's rows: numbers, local level codes, NaN */
    local_state state; /* LOCAL_MIXED: values are not kept (the column will be read again) */
    bool seen_number;  /* a number came before the first non-number */
    bool number_error; /* the first non-number was a number out of range or spelled like
                          one: an error if the column is still numeric in the file there */
    ck__intern levels; /* LOCAL_CATEGORICAL: in order of first appearance in the part */
    size_t n_values;   /* present cells coded as levels */
} part_column;

typedef struct table_part {
    const table_reader *rd;
    const char *path;
    char delimiter;
    int64_t part_bytes;
    size_t n_rows, cap;
    part_column *cols;
    float *labels;
    char *id_text; /* the part's ids, NUL-terminated one after another */
    size_t id_len, id_cap;
    size_t *id_at;
    ck__part_fields fields;
} table_part;

static void table_part_free(table_part *p, size_t n_features)
{
    if (p->cols != NULL)
        for (size_t j = 0; j < n_features; j++) {
            free(p->cols[j].values);
            ck__intern_free(&p->cols[j].levels);
        }
    free(p->cols);
    free(p->labels);
    free(p->id_text);
    free(p->id_at);
    ck__part_fields_free(&p->fields);
}

static bool table_part_grow(table_part *p)
{
    size_t cap = p->cap ? 2 * p->cap : 4096;
    const ck__table_layout *t = &p->rd->layout;
    for (size_t j = 0; j < t->n_features; j++) {
        float *v = ck__realloc_array(p->cols[j].values, cap, sizeof *v);
        if (v == NULL)
            return false;
        p->cols[j].values = v;
    }
    float *l = ck__realloc_array(p->labels, cap, sizeof *l);
    if (l != NULL)
        p->labels = l;
    size_t *at = ck__realloc_array(p->id_at, cap, sizeof *at);
    if (at != NULL)
        p->id_at = at;
    if (l == NULL || at == NULL)
        return false;
    p->cap = cap;
    return true;
}

/* A cell of a categorical column in the part's dictionary. */
static int code_local(float *out, table_part *p, part_column *c, const char *s, size_t len,
                      long line, ck_error *err)
{
    if (len > CK__MAX_LEVEL_BYTES)
        return ck_error_set(err, CK_EPARSE, p->path, line, "a value of %zu bytes", len);
    long code = ck__intern_put(&c->levels, s, len);
    if (code < 0)
        return ck_error_set(err, CK_ENOMEM, p->path, line, "out of memory");
    if ((size_t)code >= CK__MAX_LEVELS)
        return ck_error_set(err, CK_EPARSE, p->path, line, "too many distinct values");
    c->n_values++;
    *out = (float)code;
    return CK_OK;
}

/* Infer on the part's own rows (see above): the one-thread rules, each state local;
 * `number`: the cell as read while it was split, or NaN. */
static int part_infer_cell(float *out, table_part *p, part_column *c, const char *s, size_t len,
                           double number, long line, ck_error *err)
{
    double v = number;
    switch (c->state) {
    case LOCAL_NUMERIC:
        if (!isnan(v) || ck__table_number(&v, s, len)) {
            if (ck__table_to_float(out, v)) {
                c->seen_number = true;
                return CK_OK;
            }
            c->number_error = true;
        } else if (ck__cell_is_missing(s, len)) {
            *out = NAN;
            return CK_OK;
        } else if (ck__cell_spells_number(s, len)) {
            c->number_error = true;
        } else if (!c->seen_number) {
            c->state = LOCAL_CATEGORICAL;
            return code_local(out, p, c, s, len, line, err);
        }
        c->state = LOCAL_MIXED;
        *out = NAN;
        return CK_OK;
    case LOCAL_CATEGORICAL:
        if (ck__cell_is_missing(s, len)) {
            *out = NAN;
            return CK_OK;
        }
        return code_local(out, p, c, s, len, line, err);
    case LOCAL_MIXED:
        break;
    }
    *out = NAN;
    return CK_OK;
}

static int part_read_row(table_part *p, const ck_csv_row *row, ck_error *err)
{
    const table_reader *rd = p->rd;
    const ck__table_layout *t = &rd->layout;
    int rc = ck__table_check_fields(t, row, err);
    if (rc < 0)
        return rc;
    if (p->n_rows == p->cap && !table_part_grow(p))
        return ck_error_set(err, CK_ENOMEM, p->path, row->line, "out of memory");
    size_t i = p->n_rows;
    if (t->label_field >= 0 && (rc = ck__table_label(&p->labels[i], t, row, err)) < 0)
        return rc;
    const char *s;
    size_t len;
    if (t->id_field >= 0) {
        ck__table_cell(row, (size_t)t->id_field, &s, &len);
        if (!ck__grow((void **)&p->id_text, &p->id_cap, p->id_len + len + 1, 1))
            return ck_error_set(err, CK_ENOMEM, p->path, row->line, "out of memory");
        memcpy(p->id_text + p->id_len, s, len);
        p->id_text[p->id_len + len] = '\0';
        p->id_at[i] = p->id_len;
        p->id_len += len + 1;
    }
    for (size_t j = 0; j < t->n_features; j++) {
        size_t f = t->feature_field[j];
        double number = p->fields.numbers[f];
        part_column *c = &p->cols[j];
        float *out = &c->values[i];
        if (!isnan(number) && rd->schema == NULL && c->state == LOCAL_NUMERIC) {
            *out = (float)number; /* a plain decimal is well within the float range */
            c->seen_number = true;
            continue;
        }
        ck__table_cell(row, f, &s, &len);
        rc = rd->schema != NULL
                 ? ck__table_code_cell(out, t, rd->schema, j, s, len, number, row->line, err)
                 : part_infer_cell(out, p, c, s, len, number, row->line, err);
        if (rc < 0)
            return rc;
    }
    p->n_rows++;
    return CK_OK;
}

/* What the calling thread merges the parts with. */
typedef struct table_merge {
    table_reader *rd;
    table_part *slots;
    float *map; /* a part's level codes to the file's */
    size_t map_cap;
    size_t n_parts, n_kept; /* parts planned, and kept so far */
} table_merge;

/* ck__parts_fns.read: ctx is the table_merge. */
static void part_read(void *ctx, size_t slot, int64_t start, int64_t stop_at, bool guessed,
                      ck__part_result *res)
{
    table_part *p = &((table_merge *)ctx)->slots[slot];
    const ck__table_layout *t = &p->rd->layout;
    p->n_rows = 0;
    p->id_len = 0;
    for (size_t j = 0; j < t->n_features; j++) {
        part_column *c = &p->cols[j];
        ck__intern_free(&c->levels);
        c->state = LOCAL_NUMERIC;
        c->seen_number = c->number_error = false;
        c->n_values = 0;
    }
    ck_csv *csv = NULL;
    ck_csv_row row;
    res->rc = ck__parts_open(&csv, p->path, p->delimiter, start, guessed, p->part_bytes, &res->err);
    while (res->rc == CK_OK && ck__csv_offset(csv) < stop_at) {
        int rc = ck__part_next_record(csv, &row, &p->fields, p->delimiter, &res->err);
        if (rc <= 0) {
            res->at_end = rc == 0;
            res->rc = rc < 0 ? rc : CK_OK;
            break;
        }
        res->rc = part_read_row(p, &row, &res->err);
    }
    if (csv != NULL) {
        res->stopped = ck__csv_offset(csv);
        res->lines = ck__csv_line(csv) - 1;
        res->over_limit = res->rc < 0 && guessed && ck__csv_over_limit(csv);
    }
    ck_csv_free(csv);
}

/* The part's levels of column j appended to the file's, its codes mapped onto them. */
static int merge_levels(table_merge *m, infer_column *g, const part_column *c, float *dst, size_t n,
                        ck_error *err)
{
    size_t n_levels = c->levels.count;
    if (!ck__grow((void **)&m->map, &m->map_cap, n_levels + 1, sizeof *m->map))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < n_levels; k++) {
        long code = ck__intern_put(&g->levels, ck__intern_str(&c->levels, k), c->levels.lengths[k]);
        if (code < 0)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        if ((size_t)code >= CK__MAX_LEVELS)
            return ck_error_set(err, CK_EPARSE, NULL, 0, "too many distinct values");
        m->map[k] = (float)code;
    }
    g->n_values += c->n_values;
    for (size_t i = 0; i < n; i++)
        dst[i] = isnan(c->values[i]) ? NAN : m->map[(size_t)c->values[i]];
    return CK_OK;
}

/* Defer column g: it is read again after the parts, every row coded from its text. */
static void defer(table_reader *rd, infer_column *g)
{
    ck__intern_free(&g->levels);
    g->n_values = 0;
    g->state = INFER_DEFERRED;
    rd->n_deferred++;
}

/* Column j of a part, appended at row `at`: the one-thread states, advanced by a part. */
static int merge_column(table_merge *m, size_t j, const table_part *p, size_t at, ck_error *err)
{
    table_reader *rd = m->rd;
    const part_column *c = &p->cols[j];
    float *dst = rd->d->columns[j] + at;
    if (rd->schema != NULL) {
        memcpy(dst, c->values, p->n_rows * sizeof *dst);
        return CK_OK;
    }
    infer_column *g = &rd->cols[j];
    switch (g->state) {
    case INFER_NUMERIC:
        if (c->state == LOCAL_NUMERIC) {
            memcpy(dst, c->values, p->n_rows * sizeof *dst);
            g->seen_number |= c->seen_number;
            return CK_OK;
        }
        /* the one-thread reader fails at this part's first non-number */
        if (c->number_error)
            return ck_error_set(err, CK_EPARSE, NULL, 0, "bad number");
        if (c->state == LOCAL_CATEGORICAL && !g->seen_number) {
            g->state = INFER_CATEGORICAL;
            return merge_levels(m, g, c, dst, p->n_rows, err);
        }
        defer(rd, g);
        return CK_OK;
    case INFER_CATEGORICAL:
        if (c->state == LOCAL_NUMERIC && !c->seen_number) {
            memcpy(dst, c->values, p->n_rows * sizeof *dst); /* all missing */
            return CK_OK;
        }
        if (c->state == LOCAL_CATEGORICAL)
            return merge_levels(m, g, c, dst, p->n_rows, err);
        defer(rd, g);
        return CK_OK;
    case INFER_DEFERRED:
        break;
    }
    return CK_OK;
}

/* ck__parts_fns.end: a kept part is appended to the dataset. */
static int part_end(void *ctx, size_t slot, bool keep, ck_error *err)
{
    table_merge *m = ctx;
    const table_part *p = &m->slots[slot];
    if (!keep || p->n_rows == 0) /* an empty part has no buffers yet */
        return CK_OK;
    table_reader *rd = m->rd;
    ck_dataset *d = rd->d;
    size_t at = d->n_rows;
    m->n_kept++;
    if (at + p->n_rows > rd->cap) {
        /* room for the rows the parts so far say the file has (parts are of about equal
         * bytes), so that the columns are seldom copied to grow, on whole huge pages since
         * they are filled at once; the spare room is given back at the end */
        size_t cap = rd->stride ? rd->cap : (at + p->n_rows) / m->n_kept * m->n_parts * 21 / 20 + 1;
        while (cap < at + p->n_rows)
            cap *= 2;
        if (!move_rows_to_huge(d, at, cap))
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        rd->cap = cap;
    }
    if (d->labels != NULL)
        memcpy(d->labels + at, p->labels, p->n_rows * sizeof *d->labels);
    if (rd->layout.id_field >= 0) {
        if (!ck__grow((void **)&d->id_text, &d->id_text_cap, d->id_text_len + p->id_len, 1))
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        memcpy(d->id_text + d->id_text_len, p->id_text, p->id_len);
        for (size_t i = 0; i < p->n_rows; i++)
            d->id_offsets[at + i] = d->id_text_len + p->id_at[i];
        d->id_text_len += p->id_len;
    } else {
        for (size_t i = 0; i < p->n_rows; i++) {
            char number[24];
            int len = snprintf(number, sizeof number, "%zu", at + i + 1);
            if (!push_id(d, at + i, number, (size_t)len))
                return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        }
    }
    for (size_t j = 0; j < rd->layout.n_features; j++) {
        int rc = merge_column(m, j, p, at, err);
        if (rc < 0)
            return rc;
    }
    d->n_rows += p->n_rows;
    keep_sampled(rd, at);
    return CK_OK;
}

/* The records after the header, read in parts on n_threads threads. Any failure means
 * "read it on one thread": its code and message are not the file's. */
static int read_parts(table_reader *rd, const ck_csv *csv, const ck_table_opts *opts,
                      int64_t part_bytes, size_t *parts_out, ck_error *err)
{
    const char *path = rd->layout.path;
    size_t n_parts, n_features = rd->layout.n_features;
    int64_t *starts = ck__parts_plan(path, ck__csv_offset(csv), part_bytes, &n_parts);
    size_t n_slots = (size_t)CK_TABLE_SCAN_PARTS(opts->n_threads);
    table_part *slots = calloc(n_slots, sizeof *slots);
    table_merge m = { rd, slots, NULL, 0, n_parts, 0 };
    int rc = CK_OK;
    if (starts == NULL || slots == NULL)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t k = 0; rc == CK_OK && k < n_slots; k++) {
        slots[k] = (table_part){
            .rd = rd, .path = path, .delimiter = opts->delimiter, .part_bytes = part_bytes
        };
        slots[k].cols = calloc(n_features ? n_features : 1, sizeof *slots[k].cols);
        if (slots[k].cols == NULL || !ck__part_fields_init(&slots[k].fields, rd->layout.n_fields))
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    if (rc == CK_OK) {
        ck__parts_fns fns = { part_read, part_end, &m };
        rc = ck__parts_run(starts, n_parts, n_slots, opts->n_threads, ck__csv_line(csv) - 1, &fns,
                           err);
        *parts_out = n_parts;
    }
    for (size_t k = 0; slots != NULL && k < n_slots; k++)
        table_part_free(&slots[k], n_features);
    free(slots);
    free(starts);
    free(m.map);
    return rc;
}

/* ---- the whole-table reader --------------------------------------------------------------- */

static void table_reader_free(table_reader *rd)
{
    ck_dataset_free(rd->d);
    if (rd->cols != NULL)
        for (size_t j = 0; j < rd->layout.n_features; j++)
            ck__intern_free(&rd->cols[j].levels);
    free(rd->cols);
    ck__table_layout_free(&rd->layout);
    memset(rd, 0, sizeof *rd);
}

/* The table, or with `sample` the sample of its rows (*n_read_out: the rows read). */
static int read_table(ck_dataset **out, size_t *n_read_out, const char *path,
                      const ck_table_opts *opts, int64_t part_bytes, size_t *parts_out, bool sample,
                      ck_error *err)
{
    static const ck_table_opts default_opts = CK_TABLE_OPTS_INIT;
    if (opts == NULL)
        opts = &default_opts;
    *out = NULL;
    size_t parts = 0;
    table_reader rd = { .schema = opts->schema, .cap = 4096, .stride = sample ? 1 : 0 };
    ck_csv *csv = NULL;
    ck_csv_row row;
    int rc = ck_csv_open(&csv, path, opts->delimiter, err);
    if (rc < 0)
        return rc;
    if ((rc = ck_csv_next(csv, &row, err)) == 0)
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file: expected a header row");
    if (rc < 0)
        goto fail;
    if ((rc = ck__table_layout_init(&rd.layout, path, &row, opts, opts->schema, err)) < 0)
        goto fail;
    rd.cols = calloc(rd.layout.n_features ? rd.layout.n_features : 1, sizeof *rd.cols);
    rd.d = dataset_new(rd.layout.n_features, rd.cap, opts->label != NULL, rd.layout.id_name);
    if (rd.cols == NULL || rd.d == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    if (opts->n_threads > 1 && ck__csv_is_plain(csv) && ck__csv_file_size(csv) > 2 * part_bytes) {
        if (read_parts(&rd, csv, opts, part_bytes, &parts, NULL) < 0) {
            /* the one-thread reader says what is wrong, as it would have */
            ck_table_opts one = *opts;
            one.n_threads = 1;
            ck_csv_free(csv);
            table_reader_free(&rd);
            return read_table(out, n_read_out, path, &one, part_bytes, parts_out, sample, err);
        }
    } else {
        ck__part_fields fields;
        if (!ck__part_fields_init(&fields, rd.layout.n_fields))
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        else
            while ((rc = ck__part_next_record(csv, &row, &fields, opts->delimiter, err)) == 1)
                if ((rc = read_row(&rd, &row, fields.numbers, err)) < 0)
                    break;
        ck__part_fields_free(&fields);
        if (rc < 0)
            goto fail;
    }
    ck_csv_free(csv);
    csv = NULL;
    /* a header alone has nothing to train on or to measure */
    if (opts->label != NULL && rd.d->n_rows == 0) {
        rc = ck_error_set(err, CK_EPARSE, path, 0, "no rows after the header");
        goto fail;
    }
    if (rd.n_deferred > 0 && (rc = read_deferred(&rd, path, opts->delimiter, err)) < 0)
        goto fail;
    if (opts->schema == NULL && (rc = refuse_id_like(&rd, err)) < 0)
        goto fail;
    rc = opts->schema != NULL ? ck_schema_copy(&rd.d->schema, opts->schema, err)
                              : inferred_schema(&rd.d->schema, &rd, err);
    if (rc < 0)
        goto fail;
    /* give back the spare capacity of the last doubling */
    if (!resize_rows(rd.d, rd.d->n_rows)) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto fail;
    }
    *out = rd.d;
    rd.d = NULL;
    if (n_read_out != NULL)
        *n_read_out = rd.n_read;
    if (parts_out != NULL)
        *parts_out = parts;
    rc = CK_OK;
fail:
    ck_csv_free(csv);
    table_reader_free(&rd);
    return rc;
}

int ck__dataset_read_table_parts(ck_dataset **out, const char *path, const ck_table_opts *opts,
                                 int64_t part_bytes, size_t *parts_out, ck_error *err)
{
    return read_table(out, NULL, path, opts, part_bytes, parts_out, false, err);
}

int ck_dataset_read_table(ck_dataset **out, const char *path, const ck_table_opts *opts,
                          ck_error *err)
{
    return read_table(out, NULL, path, opts, PART_BYTES, NULL, false, err);
}

int ck__dataset_read_table_sample(ck_dataset **out, size_t *n_rows, const char *path,
                                  const ck_table_opts *opts, ck_error *err)
{
    return read_table(out, n_rows, path, opts, PART_BYTES, NULL, true, err);
}

/* A dataset of n rows of `schema`, ids empty, no labels, its values not yet set. */
static int unlabelled(ck_dataset **out, const ck_schema *schema, size_t n, ck_error *err)
{
    ck_dataset *d = dataset_new(ck_schema_n_features(schema), n ? n : 1, false, "row");
    int rc = d != NULL ? ck_schema_copy(&d->schema, schema, err)
                       : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; rc == CK_OK && i < n; i++)
        if (!push_id(d, i, "", 0))
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc < 0) {
        ck_dataset_free(d);
        d = NULL;
    }
    if (d != NULL)
        d->n_rows = n;
    *out = d;
    return rc;
}

int ck__dataset_from_bins(ck_dataset **out, const ck_schema *schema, const ck__bins *bins,
                          size_t lo, size_t hi, ck_error *err)
{
    size_t n = hi - lo;
    int rc = unlabelled(out, schema, n, err);
    for (size_t j = 0; rc == CK_OK && j < bins->n_features; j++) {
        float value_of_byte[256];
        for (int c = 0; c < 256; c++)
            value_of_byte[c] = ck__bin_value(bins, j, bins->decode[j][c]);
        const uint8_t *byte = bins->data + ck__bin_offset(bins, j, lo);
        for (size_t i = 0; i < n; i++, byte += CK__GROUP)
            (*out)->columns[j][i] = value_of_byte[*byte];
    }
    return rc;
}

int ck__dataset_from_rows(ck_dataset **out, const ck_schema *schema, const float *rows,
                          size_t n_rows, ck_error *err)
{
    int rc = unlabelled(out, schema, n_rows, err);
    size_t nf = ck_schema_n_features(schema);
    for (size_t j = 0; rc == CK_OK && j < nf; j++)
        for (size_t i = 0; i < n_rows; i++)
            (*out)->columns[j][i] = rows[i * nf + j];
    return rc;
}

/* ---- feature tables ---------------------------------------------------------------------- */

static int no_labels(const ck_features *f, ck_error *err)
{
    char day[16];
    ck_ts_format_date(ck_features_cutoff(f), day);
    return ck_error_set(err, CK_EINVAL, NULL, 0,
                        "no labels: the horizon after cutoff %s runs past the end of the data",
                        day);
}

/* The schema of stacked tables: table 0's columns; each categorical column's levels in
 * the order the tables list them, table by table. */
static int stacked_schema(ck_schema **out, const ck_features *const *tables, size_t n_tables,
                          ck_error *err)
{
    const ck_features *f0 = tables[0];
    int rc = ck_schema_new(out, err);
    for (size_t j = 0; rc >= 0 && j < ck_features_n_columns(f0); j++)
        rc = ck_schema_add_feature(
            *out, ck_features_column_name(f0, j),
            ck_features_is_categorical(f0, j) ? CK_FEATURE_CATEGORICAL : CK_FEATURE_NUMERIC, err);
    for (size_t t = 0; rc >= 0 && t < n_tables; t++) {
        for (size_t j = 0; rc >= 0 && j < ck_schema_n_features(*out); j++) {
            if (ck_schema_kind(*out, j) != CK_FEATURE_CATEGORICAL)
                continue;
            long c = ck_features_column_index(tables[t], ck_schema_name(*out, j));
            if (c < 0 || !ck_features_is_categorical(tables[t], (size_t)c))
                continue; /* reported when the columns are matched */
            for (size_t k = 0; rc >= 0 && k < ck_features_n_levels(tables[t], (size_t)c); k++) {
                const char *level = ck_features_level(tables[t], (size_t)c, (uint32_t)k);
                rc = ck_schema_add_level(*out, j, level, strlen(level), err);
            }
        }
    }
    if (rc < 0) {
        ck_schema_free(*out);
        *out = NULL;
        return rc;
    }
    return CK_OK;
}

/* Table column c into rows [at, at + kept) of feature j: numbers, or codes mapped by name
 * onto the schema's levels. */
static int stack_column(ck_dataset *d, size_t j, size_t at, const ck_features *f, size_t c,
                        const int8_t *labels, ck_error *err)
{
    size_t n = ck_features_n_rows(f);
    float *dst = d->columns[j] + at;
    if (ck_schema_kind(d->schema, j) == CK_FEATURE_NUMERIC) {
        const double *v = ck_features_values(f, c);
        for (size_t i = 0; i < n; i++) {
            if (labels != NULL && labels[i] < 0)
                continue;
            if (!ck__table_to_float(dst++, v[i]))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "feature \"%s\" value %g is beyond the float range",
                                    ck_schema_name(d->schema, j), v[i]);
        }
        return CK_OK;
    }
    size_t n_levels = ck_features_n_levels(f, c);
    float *map = ck__alloc_array(n_levels, sizeof *map);
    if (map == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < n_levels; k++) {
        const char *level = ck_features_level(f, c, (uint32_t)k);
        map[k] = (float)ck_schema_level_code(d->schema, j, level, strlen(level));
    }
    const uint32_t *codes = ck_features_codes(f, c);
    for (size_t i = 0; i < n; i++) {
        if (labels != NULL && labels[i] < 0)
            continue;
        *dst++ = codes[i] < n_levels ? map[codes[i]] : NAN;
    }
    free(map);
    return CK_OK;
}

/* Every schema feature is a column of the table, of the same kind. */
static int match_columns(const ck_features *f, const ck_schema *schema, ck_error *err)
{
    char day[16];
    ck_ts_format_date(ck_features_cutoff(f), day);
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        const char *name = ck_schema_name(schema, j);
        long c = ck_features_column_index(f, name);
        if (c < 0)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "the feature table for cutoff %s has no column \"%s\"", day, name);
        bool categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        if (ck_features_is_categorical(f, (size_t)c) != categorical)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "column \"%s\" is %s in the feature table for cutoff %s but %s in "
                                "the schema",
                                name, categorical ? "numeric" : "categorical", day,
                                categorical ? "categorical" : "numeric");
    }
    return CK_OK;
}

int ck_dataset_from_columns(ck_dataset **out, const char *const *names, size_t n_features,
                            const double *const *columns, const char *const *ids, size_t n_rows,
                            const char *id_name, ck_error *err)
{
    *out = NULL;
    ck_schema *schema = NULL;
    int rc = ck_schema_new(&schema, err);
    for (size_t j = 0; rc == CK_OK && j < n_features; j++) {
        int k = ck_schema_add_feature(schema, names[j], CK_FEATURE_NUMERIC, err);
        rc = k < 0 ? k : CK_OK;
    }
    if (rc < 0) {
        ck_schema_free(schema);
        return rc;
    }
    ck_dataset *d = dataset_new(n_features, n_rows ? n_rows : 1, false, id_name);
    if (d == NULL) {
        ck_schema_free(schema);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    d->schema = schema;
    for (size_t i = 0; i < n_rows; i++) {
        if (!push_id(d, i, ids[i], strlen(ids[i]))) {
            ck_dataset_free(d);
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        }
        for (size_t j = 0; j < n_features; j++)
            if (!ck__table_to_float(&d->columns[j][i], columns[j][i])) {
                ck_dataset_free(d);
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "customer \"%s\": %s %g is beyond the float range", ids[i],
                                    names[j], columns[j][i]);
            }
    }
    d->n_rows = n_rows;
    *out = d;
    return CK_OK;
}

int ck_dataset_from_features(ck_dataset **out, const ck_features *const *tables, size_t n_tables,
                             bool need_labels, const ck_schema *schema, ck_error *err)
{
    *out = NULL;
    assert(tables != NULL || n_tables == 0);
    if (n_tables == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no feature table");
    /* labels only when every table has them: rows without one (-1) are then left out */
    bool has_labels = true;
    for (size_t t = 0; t < n_tables; t++) {
        if (ck_features_has_label(tables[t]))
            continue;
        if (need_labels)
            return no_labels(tables[t], err);
        has_labels = false;
    }
    ck_schema *own = NULL;
    int rc = schema != NULL ? ck_schema_copy(&own, schema, err)
                            : stacked_schema(&own, tables, n_tables, err);
    if (rc < 0)
        return rc;
    size_t n_features = ck_schema_n_features(own);
    size_t n_rows = 0;
    for (size_t t = 0; t < n_tables; t++) {
        const int8_t *labels = has_labels ? ck_features_labels(tables[t]) : NULL;
        for (size_t i = 0; i < ck_features_n_rows(tables[t]); i++)
            n_rows += labels == NULL || labels[i] >= 0;
        if ((rc = match_columns(tables[t], own, err)) < 0) {
            ck_schema_free(own);
            return rc;
        }
    }
    ck_dataset *d = dataset_new(n_features, n_rows, has_labels, "customer_id");
    if (d == NULL) {
        ck_schema_free(own);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    d->schema = own;
    size_t at = 0;
    for (size_t t = 0; t < n_tables; t++) {
        const ck_features *f = tables[t];
        const int8_t *labels = has_labels ? ck_features_labels(f) : NULL;
        size_t kept = 0;
        for (size_t i = 0; i < ck_features_n_rows(f); i++) {
            if (labels != NULL && labels[i] < 0)
                continue;
            if (labels != NULL)
                d->labels[at + kept] = labels[i];
            const char *id = ck_features_row_id(f, i);
            if (!push_id(d, at + kept, id, strlen(id))) {
                rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
                goto fail;
            }
            kept++;
        }
        for (size_t j = 0; j < n_features; j++) {
            long c = ck_features_column_index(f, ck_schema_name(own, j));
            if ((rc = stack_column(d, j, at, f, (size_t)c, labels, err)) < 0)
                goto fail;
        }
        at += kept;
    }
    d->n_rows = n_rows;
    *out = d;
    return CK_OK;
fail:
    ck_dataset_free(d);
    return rc;
}

/* ---- splitting ----------------------------------------------------------------------- */

/* The rows of d whose mask is `want` (n of them): their ids, labels and weights, and
 * room for their columns (one row more: split_columns() writes one past the last),
 * filled by split_columns(). */
static ck_dataset *subset(const ck_dataset *d, const uint8_t *mask, bool want, size_t n)
{
    ck_dataset *s = dataset_new(d->n_features, n + 1, d->labels != NULL, d->id_name);
    if (s == NULL)
        return NULL;
    if (d->weights != NULL && (s->weights = ck__alloc_array(n, sizeof *s->weights)) == NULL)
        goto fail;
    if (ck_schema_copy(&s->schema, d->schema, NULL) < 0)
        goto fail;
    size_t k = 0;
    for (size_t i = 0; i < d->n_rows; i++) {
        if ((mask[i] != 0) != want)
            continue;
        if (d->labels != NULL)
            s->labels[k] = d->labels[i];
        if (d->weights != NULL)
            s->weights[k] = d->weights[i];
        const char *id = ck_dataset_row_id(d, i);
        if (!push_id(s, k, id, strlen(id)))
            goto fail;
        k++;
    }
    s->n_rows = n;
    return s;
fail:
    ck_dataset_free(s);
    return NULL;
}

/* Each column of d into a (mask 0) and b (mask 1); with `consume`, d's column is freed
 * once copied. Cannot fail: a and b have their room already. */
static void split_columns(ck_dataset *d, const uint8_t *mask, ck_dataset *a, ck_dataset *b,
                          bool consume)
{
    for (size_t j = 0; j < d->n_features; j++) {
        const float *src = d->columns[j];
        float *to_a = a->columns[j], *to_b = b->columns[j];
        /* every value to both, only one of them moving on: a branch on a random mask
         * would mispredict */
        size_t ka = 0, kb = 0;
        for (size_t i = 0; i < d->n_rows; i++) {
            size_t in_b = mask[i] != 0;
            to_a[ka] = to_b[kb] = src[i];
            ka += 1 - in_b;
            kb += in_b;
        }
        if (consume) {
            free(d->columns[j]);
            d->columns[j] = NULL;
        }
    }
}

static int split(ck_dataset *d, const uint8_t *mask, bool consume, ck_dataset **a_out,
                 ck_dataset **b_out, ck_error *err)
{
    assert(mask != NULL || d->n_rows == 0);
    *a_out = *b_out = NULL;
    size_t n_b = 0;
    for (size_t i = 0; i < d->n_rows; i++)
        n_b += mask[i] != 0;
    ck_dataset *a = subset(d, mask, false, d->n_rows - n_b);
    ck_dataset *b = a != NULL ? subset(d, mask, true, n_b) : NULL;
    if (b == NULL) {
        ck_dataset_free(a);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    split_columns(d, mask, a, b, consume);
    *a_out = a;
    *b_out = b;
    return CK_OK;
}

int ck_dataset_split(const ck_dataset *d, const uint8_t *mask, ck_dataset **a_out,
                     ck_dataset **b_out, ck_error *err)
{
    /* not consumed: d's columns are only read */
    return split((ck_dataset *)d, mask, false, a_out, b_out, err);
}

int ck_dataset_split_consume(ck_dataset **d, const uint8_t *mask, ck_dataset **a_out,
                             ck_dataset **b_out, ck_error *err)
{
    int rc = split(*d, mask, true, a_out, b_out, err);
    if (rc == CK_OK) {
        ck_dataset_free(*d);
        *d = NULL;
    }
    return rc;
}
