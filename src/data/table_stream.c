/*
 * Table streams (see dataset.h): a table read one record at a time for scoring, each
 * row's features coded against a fixed schema. Memory is constant in the number of rows:
 * the CSV reader's buffer, one record's fields and the current id.
 *
 * Headers, labels and cells follow the same rules as ck_dataset_read_table() with a
 * schema, through the helpers of dataset_int.h, so a stream yields exactly the rows that
 * reading the whole table would, and fails on the same line with the same message.
 *
 * A scan reads the rest of the table in parts on several threads (data/parts.h, the
 * speculative record starts of the event reader): a part's rows count once the part
 * before it has stopped exactly where it starts; a wrong guess is read again.
 */
#include "churnkit/dataset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/csv.h"
#include "data/dataset_int.h"
#include "data/parts.h"
#include "io/csv_scan.h"

struct ck_table_stream {
    char *path;
    ck_csv *csv;
    ck_schema *schema;
    ck__table_layout layout;
    size_t n_rows; /* rows returned so far */
    long line;     /* where the row last returned starts */
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

/* A record's label and features; its id is the caller's. `numbers`: its fields as read
 * while it was split (ck__part_fields), or NULL. */
static int code_record(const ck_table_stream *s, const ck_csv_row *rec, const double *numbers,
                       float *row, float *label, ck_error *err)
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
        size_t f = t->feature_field[j];
        ck__table_cell(rec, f, &cell, &len);
        double number = numbers ? numbers[f] : NAN;
        if ((rc = ck__table_code_cell(&row[j], t, s->schema, j, cell, len, number, rec->line,
                                      err)) < 0)
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
    if ((rc = code_record(s, &rec, NULL, row, label, err)) < 0)
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
    s->line = rec.line;
    *id = s->id;
    return 1;
}

long ck_table_stream_line(const ck_table_stream *s)
{
    return s->line;
}

const char *ck_table_stream_id_name(const ck_table_stream *s)
{
    return s->layout.id_name;
}

/* ---- scans ------------------------------------------------------------------------- */

/*
 * A plain file with an id column is read in parts on several threads (data/parts.h): each
 * part's blocks go to the callback as they are read, and the parts are ended in file
 * order. Anything else is read on the calling thread, part after part, from s->csv.
 */

#define PART_BYTES ((int64_t)8 << 20)
#define BLOCK_ROWS 1024

typedef struct part {
    ck_table_stream *s;
    const ck_table_scan_fns *fns;
    int slot;
    bool own_csv;           /* opened at `start`, lines counted from 1 there; else s->csv */
    int64_t start, stop_at; /* read the records that start in [start, stop_at) */
    size_t first_row;       /* rows before the part (known only when read in order) */
    /* the block being filled */
    float *rows, *labels;
    int64_t *keys;
    const char **ids;
    size_t *id_at; /* where each id starts in id_text */
    char *id_text;
    size_t id_len, id_cap;
    ck__part_fields fields; /* a plain line's fields */
    /* what reading the part found */
    int rc; /* the first failure: its line counts from the part's start when own_csv */
    ck_error err;
    int64_t stopped; /* where the next record would start */
    long lines;      /* lines read */
    size_t n_rows;
    bool at_end;
    bool over_limit; /* a guessed part stopped at a long record: it is read again */
} part;

static void part_free(part *p)
{
    free(p->rows);
    free(p->labels);
    free(p->keys);
    free(p->ids);
    free(p->id_at);
    free(p->id_text);
    ck__part_fields_free(&p->fields);
}

static bool part_alloc(part *p, size_t n_features)
{
    p->rows = ck__alloc_array(BLOCK_ROWS * (n_features + 1), sizeof *p->rows);
    p->labels = ck__alloc_array(BLOCK_ROWS, sizeof *p->labels);
    p->keys = ck__alloc_array(BLOCK_ROWS, sizeof *p->keys);
    p->ids = ck__alloc_array(BLOCK_ROWS, sizeof *p->ids);
    p->id_at = ck__alloc_array(BLOCK_ROWS, sizeof *p->id_at);
    bool fields = ck__part_fields_init(&p->fields, p->s->layout.n_fields);
    return p->rows && p->labels && p->keys && p->ids && p->id_at && fields;
}

/* Hand the block's n rows to the callback. */
static int emit_block(part *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p->ids[i] = p->id_text + p->id_at[i];
    ck_table_block b = { n, p->rows, p->labels, p->ids, p->keys, p->slot };
    p->id_len = 0;
    return n > 0 ? p->fns->block(p->fns->ctx, &b, &p->err) : CK_OK;
}

static int read_records(part *p, ck_csv *csv)
{
    ck_table_stream *s = p->s;
    size_t n_features = s->layout.n_features, n = 0;
    ck_csv_row rec;
    int rc = CK_OK;
    while (ck__csv_offset(csv) < p->stop_at) {
        if ((rc = ck__part_next_record(csv, &rec, &p->fields, s->delimiter, &p->err)) <= 0) {
            p->at_end = rc == 0;
            break;
        }
        if ((rc = code_record(s, &rec, p->fields.numbers, p->rows + n * n_features, &p->labels[n],
                              &p->err)) < 0)
            break;
        const char *id;
        size_t len;
        char number[24];
        record_id(s, &rec, p->first_row + p->n_rows + 1, number, &id, &len);
        if (!ck__grow((void **)&p->id_text, &p->id_cap, p->id_len + len + 1, 1)) {
            rc = ck_error_set(&p->err, CK_ENOMEM, s->layout.path, rec.line, "out of memory");
            break;
        }
        memcpy(p->id_text + p->id_len, id, len);
        p->id_text[p->id_len + len] = '\0';
        p->id_at[n] = p->id_len;
        p->id_len += len + 1;
        p->keys[n++] = ck__csv_record_offset(csv, &rec);
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

/* Read the records that start in [start, stop_at). */
static void read_part(part *p, int64_t start, int64_t stop_at, bool guessed)
{
    p->start = start;
    p->stop_at = stop_at;
    p->n_rows = 0;
    p->at_end = false;
    p->id_len = 0;
    ck_csv *csv = p->s->csv;
    p->rc = p->own_csv ? ck__parts_open(&csv, p->s->path, p->s->delimiter, start, guessed,
                                        PART_BYTES, &p->err)
                       : CK_OK;
    if (p->rc == CK_OK)
        p->rc = read_records(p, csv);
    p->over_limit = p->rc < 0 && guessed && ck__csv_over_limit(csv);
    if (p->own_csv)
        ck_csv_free(csv);
}

/* What the calling thread keeps track of while committing parts in order. */
typedef struct committer {
    ck_table_stream *s;
    const ck_table_scan_fns *fns;
    long line_base; /* lines before the next part */
    bool at_end;
} committer;

/* Commit a part read in order from s->csv: report its failure, or keep its rows. */
static int commit(committer *c, part *p, ck_error *err)
{
    if (p->rc < 0) {
        if (err)
            *err = p->err;
        return p->rc;
    }
    c->s->n_rows += p->n_rows;
    c->line_base = p->lines;
    c->at_end = p->at_end;
    return c->fns->end_part(c->fns->ctx, p->slot, true, err);
}

/* One part after another on this thread, from s->csv (compressed files, row numbers). */
static int scan_in_order(committer *c, part *p, ck_error *err)
{
    int rc = CK_OK;
    while (rc == CK_OK && !c->at_end) {
        p->first_row = c->s->n_rows;
        int64_t pos = ck__csv_offset(c->s->csv);
        read_part(p, pos, pos + PART_BYTES, false);
        rc = commit(c, p, err);
    }
    return rc;
}

/* The parts callbacks: ctx is the slots. */
static void read_slot(void *ctx, size_t slot, int64_t start, int64_t stop_at, bool guessed,
                      ck__part_result *res)
{
    part *p = &((part *)ctx)[slot];
    read_part(p, start, stop_at, guessed);
    res->rc = p->rc;
    res->err = p->err;
    res->stopped = p->stopped;
    res->lines = p->lines;
    res->at_end = p->at_end;
    res->over_limit = p->over_limit;
}

static int end_slot(void *ctx, size_t slot, bool keep, ck_error *err)
{
    part *p = &((part *)ctx)[slot];
    if (keep)
        p->s->n_rows += p->n_rows;
    return p->fns->end_part(p->fns->ctx, p->slot, keep, err);
}

int ck_table_stream_scan(ck_table_stream *s, int n_threads, const ck_table_scan_fns *fns,
                         ck_error *err)
{
    if (s->scanned)
        return CK_OK;
    int n_workers = n_threads < 1 ? 1 : n_threads;
    size_t n_parts = 0, n_slots = 1;
    int64_t pos = ck__csv_offset(s->csv);
    int64_t *starts = NULL;
    /* row numbers as ids need every row before a part counted first */
    if (n_workers > 1 && s->layout.id_field >= 0 && ck__csv_is_plain(s->csv) &&
        ck__csv_file_size(s->csv) > 2 * PART_BYTES)
        starts = ck__parts_plan(s->path, pos, PART_BYTES, &n_parts);
    if (starts != NULL)
        n_slots = (size_t)CK_TABLE_SCAN_PARTS(n_workers);
    part *slots = calloc(n_slots, sizeof *slots);
    int rc = slots ? CK_OK : ck_error_set(err, CK_ENOMEM, s->path, 0, "out of memory");
    for (size_t k = 0; rc == CK_OK && k < n_slots; k++) {
        slots[k] = (part){ .s = s, .fns = fns, .slot = (int)k, .own_csv = starts != NULL };
        if (!part_alloc(&slots[k], s->layout.n_features))
            rc = ck_error_set(err, CK_ENOMEM, s->path, 0, "out of memory");
    }
    if (rc == CK_OK && starts == NULL) {
        committer c = { s, fns, ck__csv_line(s->csv) - 1, false };
        rc = scan_in_order(&c, &slots[0], err);
    } else if (rc == CK_OK) {
        ck__parts_fns pf = { read_slot, end_slot, slots };
        rc = ck__parts_run(starts, n_parts, n_slots, n_workers, ck__csv_line(s->csv) - 1, &pf, err);
    }
    for (size_t k = 0; slots && k < n_slots; k++)
        part_free(&slots[k]);
    free(slots);
    free(starts);
    s->scanned = true;
    return rc;
}
