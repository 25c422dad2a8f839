/*
 * Table streams (see dataset.h): a table read one record at a time for scoring, each
 * row's features coded against a fixed schema. Memory is constant in the number of rows:
 * the CSV reader's buffer, one record's fields and the current id.
 *
 * Headers, labels and cells follow the same rules as ck_dataset_read_table() with a
 * schema, through the helpers of dataset_int.h, so a stream yields exactly the rows that
 * reading the whole table would, and fails on the same line with the same message.
 *
 * A scan reads the rest of the table in parts on several threads, with the speculative
 * record starts of the event reader (events.c): a part's rows count once the part before
 * it has stopped exactly where it starts; a wrong guess is read again.
 */
#include "churnkit/dataset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/csv.h"
#include "csv_int.h"
#include "dataset_int.h"
#include "parallel.h"
#include "util.h"

struct ck_table_stream {
    char *path;
    ck_csv *csv;
    ck_schema *schema;
    ck__table_layout layout;
    size_t n_rows; /* rows returned so far */
    char *id;      /* the current row's id, NUL-terminated */
    size_t id_cap;
    char delimiter;
    bool scanned; /* ck_table_stream_scan() read to the end */
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
    s->delimiter = opts->delimiter;
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

/* A record's label and features; its id is the caller's. */
static int code_record(const ck_table_stream *s, const ck_csv_row *rec, float *row, float *label,
                       ck_error *err)
{
    const ck__table_layout *t = &s->layout;
    int rc = ck__table_check_fields(t, rec, err);
    if (rc < 0)
        return rc;
    *label = NAN;
    if (t->label_field >= 0 && (rc = ck__table_label(label, t, rec, err)) < 0)
        return rc;
    for (size_t j = 0; j < t->n_features; j++) {
        const char *cell;
        size_t len;
        ck__table_cell(rec, t->feature_field[j], &cell, &len);
        if ((rc = ck__table_code_cell(&row[j], t, s->schema, j, cell, len, rec->line, err)) < 0)
            return rc;
    }
    return CK_OK;
}

/* The record's id cell, or the 1-based row number written into `number` (24 bytes). */
static void record_id(const ck_table_stream *s, const ck_csv_row *rec, size_t row_number,
                      char *number, const char **id, size_t *len)
{
    if (s->layout.id_field >= 0) {
        ck__table_cell(rec, (size_t)s->layout.id_field, id, len);
    } else {
        *len = (size_t)snprintf(number, 24, "%zu", row_number);
        *id = number;
    }
}

int ck_table_stream_next(ck_table_stream *s, float *row, const char **id, float *label,
                         ck_error *err)
{
    ck_csv_row rec;
    int rc = s->scanned ? 0 : ck_csv_next(s->csv, &rec, err);
    if (rc <= 0)
        return rc;
    if ((rc = code_record(s, &rec, row, label, err)) < 0)
        return rc;
    const char *cell;
    size_t len;
    char number[24];
    record_id(s, &rec, s->n_rows + 1, number, &cell, &len);
    if (!ck__grow((void **)&s->id, &s->id_cap, len + 1, 1))
        return ck_error_set(err, CK_ENOMEM, s->layout.path, rec.line, "out of memory");
    memcpy(s->id, cell, len);
    s->id[len] = '\0';
    s->n_rows++;
    *id = s->id;
    return 1;
}

const char *ck_table_stream_id_name(const ck_table_stream *s)
{
    return s->layout.id_name;
}

/* ---- parallel scans ---------------------------------------------------------------- */

#define PART_BYTES ((int64_t)8 << 20)
#define BLOCK_ROWS 1024
#define MAX_PARTS  64

typedef struct part {
    ck_table_stream *s;
    const ck_table_scan_fns *fns;
    int index;
    bool own_csv;           /* opened at `start`, lines counted from 1 there; else s->csv */
    int64_t start, stop_at; /* read the records that start in [start, stop_at) */
    /* the block being filled */
    float *rows, *labels;
    int64_t *keys;
    const char **ids;
    size_t *id_at; /* where each id starts in id_text */
    char *id_text;
    size_t id_len, id_cap;
    /* what reading the part found */
    int rc; /* the first failure: its line counts from the part's start when own_csv */
    ck_error err;
    int64_t stopped; /* where the next record would start */
    long lines;      /* lines read */
    size_t n_rows;
    bool at_end;
} part;

static void part_free(part *p)
{
    free(p->rows);
    free(p->labels);
    free(p->keys);
    free(p->ids);
    free(p->id_at);
    free(p->id_text);
}

static bool part_alloc(part *p, size_t n_features)
{
    p->rows = ck__alloc_array(BLOCK_ROWS * (n_features + 1), sizeof *p->rows);
    p->labels = ck__alloc_array(BLOCK_ROWS, sizeof *p->labels);
    p->keys = ck__alloc_array(BLOCK_ROWS, sizeof *p->keys);
    p->ids = ck__alloc_array(BLOCK_ROWS, sizeof *p->ids);
    p->id_at = ck__alloc_array(BLOCK_ROWS, sizeof *p->id_at);
    return p->rows && p->labels && p->keys && p->ids && p->id_at;
}

/* Hand the block's n rows to the callback. */
static int emit_block(part *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p->ids[i] = p->id_text + p->id_at[i];
    ck_table_block b = { n, p->rows, p->labels, p->ids, p->keys, p->index };
    p->id_len = 0;
    return n > 0 ? p->fns->block(p->fns->ctx, &b, &p->err) : CK_OK;
}

static int read_part(part *p, ck_csv *csv)
{
    ck_table_stream *s = p->s;
    size_t n_features = s->layout.n_features, n = 0;
    ck_csv_row rec;
    int rc = CK_OK;
    while (ck__csv_offset(csv) < p->stop_at) {
        int64_t key = ck__csv_offset(csv);
        if ((rc = ck_csv_next(csv, &rec, &p->err)) <= 0) {
            p->at_end = rc == 0;
            break;
        }
        if ((rc = code_record(s, &rec, p->rows + n * n_features, &p->labels[n], &p->err)) < 0)
            break;
        const char *id;
        size_t len;
        char number[24];
        record_id(s, &rec, s->n_rows + p->n_rows + 1, number, &id, &len);
        if (!ck__grow((void **)&p->id_text, &p->id_cap, p->id_len + len + 1, 1)) {
            rc = ck_error_set(&p->err, CK_ENOMEM, s->layout.path, rec.line, "out of memory");
            break;
        }
        memcpy(p->id_text + p->id_len, id, len);
        p->id_text[p->id_len + len] = '\0';
        p->id_at[n] = p->id_len;
        p->id_len += len + 1;
        p->keys[n++] = key;
        p->n_rows++;
        if (n == BLOCK_ROWS) {
            if ((rc = emit_block(p, n)) < 0)
                break;
            n = 0;
        }
    }
    if (rc >= 0)
        rc = emit_block(p, n);
    p->stopped = ck__csv_offset(csv);
    p->lines = ck__csv_line(csv) - 1;
    return rc < 0 ? rc : CK_OK;
}

static void run_part(part *p)
{
    ck_csv *csv = p->s->csv;
    p->rc =
        p->own_csv ? ck__csv_open_at(&csv, p->s->path, p->s->delimiter, p->start, &p->err) : CK_OK;
    if (p->rc == CK_OK)
        p->rc = read_part(p, csv);
    if (p->own_csv)
        ck_csv_free(csv);
}

static int run_parts(size_t lo, size_t hi, void *arg)
{
    part *parts = arg;
    for (size_t k = lo; k < hi; k++)
        run_part(&parts[k]);
    return 0;
}

/* Plan up to n parts from the record start pos: part k starts at the first line after
 * pos + k × PART_BYTES; the last stops at the first record at or past pos + n × PART_BYTES. */
static size_t plan_parts(part *parts, size_t n, int64_t pos, FILE *probe)
{
    size_t planned = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t start =
            k == 0 ? pos : ck__csv_line_start_after(probe, pos + (int64_t)k * PART_BYTES);
        if (k > 0 && (start < 0 || start <= parts[k - 1].start))
            break;
        parts[k].start = start;
        if (k > 0)
            parts[k - 1].stop_at = start;
        parts[k].stop_at = pos + (int64_t)(k + 1) * PART_BYTES;
        planned++;
    }
    return planned;
}

int ck_table_stream_scan(ck_table_stream *s, int n_threads, const ck_table_scan_fns *fns,
                         ck_error *err)
{
    if (s->scanned)
        return CK_OK;
    size_t n_parts = n_threads < 1 ? 1 : n_threads > MAX_PARTS ? MAX_PARTS : (size_t)n_threads;
    FILE *probe = NULL;
    /* row numbers as ids need every row before a part counted first */
    if (n_parts > 1 && s->layout.id_field >= 0 && ck__csv_is_plain(s->csv) &&
        ck__csv_file_size(s->csv) > 2 * PART_BYTES)
        probe = fopen(s->path, "rb");
    if (probe == NULL)
        n_parts = 1;
    part *parts = calloc(n_parts, sizeof *parts);
    int rc = parts ? CK_OK : ck_error_set(err, CK_ENOMEM, s->path, 0, "out of memory");
    for (size_t k = 0; rc == CK_OK && k < n_parts; k++) {
        parts[k] = (part){ .s = s, .fns = fns, .index = (int)k, .own_csv = probe != NULL };
        if (!part_alloc(&parts[k], s->layout.n_features))
            rc = ck_error_set(err, CK_ENOMEM, s->path, 0, "out of memory");
    }
    int64_t pos = ck__csv_offset(s->csv);
    long line_base = ck__csv_line(s->csv) - 1; /* lines before pos */
    bool at_end = false;
    while (rc == CK_OK && !at_end) {
        size_t n = probe ? plan_parts(parts, n_parts, pos, probe) : 1;
        if (probe == NULL) {
            parts[0].start = pos;
            parts[0].stop_at = pos + PART_BYTES;
        }
        for (size_t k = 0; k < n; k++) {
            part *p = &parts[k];
            p->rc = CK_OK, p->n_rows = 0, p->at_end = false, p->id_len = 0;
        }
        ck__parallel_for(n, 1, (int)n, run_parts, parts);
        /* keep the parts that start where the one before stopped */
        size_t kept = 0;
        for (; kept < n && rc == CK_OK; kept++) {
            part *p = &parts[kept], *prev = kept > 0 ? &parts[kept - 1] : NULL;
            if (prev != NULL && (prev->at_end || prev->stopped != p->start))
                break;
            if (p->rc < 0) {
                if (p->own_csv && p->err.line > 0)
                    p->err.line += line_base;
                if (err)
                    *err = p->err;
                rc = p->rc;
                break;
            }
            rc = fns->end_part(fns->ctx, p->index, true, err);
            s->n_rows += p->n_rows;
            line_base = p->own_csv ? line_base + p->lines : p->lines;
            pos = p->stopped;
            at_end = p->at_end;
        }
        for (size_t k = kept; k < n && rc == CK_OK; k++)
            rc = fns->end_part(fns->ctx, parts[k].index, false, err);
    }
    for (size_t k = 0; parts && k < n_parts; k++)
        part_free(&parts[k]);
    free(parts);
    if (probe)
        fclose(probe);
    s->scanned = true;
    return rc;
}
