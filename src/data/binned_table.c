/*
 * A table read straight into bins (see binned_table.h).
 *
 * The second pass is a table scan (ck_table_stream_scan()): workers bin each block of
 * rows into their part's buffer, row by row, as it is parsed; the calling thread copies
 * the buffers, in file order, into the bins' column groups. Memory is the bins, the labels, and
 * a few parts' worth of floats and bins.
 */
#include "data/binned_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "data/dataset_int.h"

/* One part's rows, binned row after row. */
typedef struct binned_part {
    uint8_t *bins; /* n_rows × n_slots (ck__bin_row()) */
    float *labels;
    size_t n_rows, cap;
    float *first; /* the part's first row */
    bool *varies; /* per feature: a row of the part differs from its first */
} binned_part;

typedef struct binned_scan {
    ck__binned_table *t;
    const char *path;
    binned_part *parts;
    size_t n_rows; /* rows copied into the bins so far */
    bool seen_first;
    float *first; /* the table's first row */
} binned_scan;

static bool same_value(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

static bool part_grow(binned_part *s, size_t n_rows, size_t n_slots)
{
    if (n_rows <= s->cap)
        return true;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < n_rows)
        cap *= 2;
    uint8_t *bins = ck__realloc_array(s->bins, cap, n_slots ? n_slots : 1);
    if (bins != NULL)
        s->bins = bins;
    float *labels = ck__realloc_array(s->labels, cap, sizeof *labels);
    if (labels != NULL)
        s->labels = labels;
    if (bins == NULL || labels == NULL)
        return false;
    s->cap = cap;
    return true;
}

/* ck_table_scan_fns.block, on a worker. */
static int bin_block(void *ctx, const ck_table_block *block, ck_error *err)
{
    binned_scan *scan = ctx;
    const ck__bins *b = &scan->t->bins;
    size_t nf = b->n_features;
    binned_part *s = &scan->parts[block->part];
    if (!part_grow(s, s->n_rows + block->n_rows, b->n_slots))
        return ck_error_set(err, CK_ENOMEM, scan->path, 0, "out of memory");
    for (size_t i = 0; i < block->n_rows; i++) {
        const float *row = block->rows + i * nf;
        if (s->n_rows == 0)
            memcpy(s->first, row, nf * sizeof *row);
        for (size_t j = 0; j < nf; j++)
            s->varies[j] |= !same_value(row[j], s->first[j]);
        ck__bin_row(b, row, s->bins + s->n_rows * b->n_slots);
        s->labels[s->n_rows++] = block->labels[i];
    }
    return CK_OK;
}

/* ck_table_scan_fns.end_part, on the calling thread in file order. */
static int end_part(void *ctx, int part, bool keep, ck_error *err)
{
    binned_scan *scan = ctx;
    ck__binned_table *t = scan->t;
    ck__bins *b = &t->bins;
    size_t nf = b->n_features, ns = b->n_slots, at = scan->n_rows;
    binned_part *s = &scan->parts[part];
    size_t n = s->n_rows;
    s->n_rows = 0;
    if (!keep || n == 0)
        goto reset;
    if (n > b->n_rows - at)
        return ck_error_set(err, CK_EIO, scan->path, 0, "the file changed while being read");
    for (size_t g = 0; g < b->n_groups; g++) {
        size_t lanes = ns - g * CK__GROUP < CK__GROUP ? ns - g * CK__GROUP : CK__GROUP;
        uint8_t *dst = b->data + ck__slot_offset(b, g * CK__GROUP, at);
        const uint8_t *src = s->bins + g * CK__GROUP;
        for (size_t i = 0; i < n; i++, dst += CK__GROUP, src += ns)
            memcpy(dst, src, lanes);
    }
    memcpy(t->labels + at, s->labels, n * sizeof *t->labels);
    if (!scan->seen_first)
        memcpy(scan->first, s->first, nf * sizeof *s->first);
    scan->seen_first = true;
    for (size_t j = 0; j < nf; j++)
        t->constant[j] &= !s->varies[j] && same_value(s->first[j], scan->first[j]);
    scan->n_rows += n;
reset:
    memset(s->varies, 0, nf * sizeof *s->varies);
    return CK_OK;
}

/* The second pass: every row binned with the edges of t->bins. */
static int bin_rows(ck__binned_table *t, const char *path, const ck_table_opts *opts, ck_error *err)
{
    size_t nf = t->bins.n_features, n_parts = CK_TABLE_SCAN_PARTS(opts->n_threads);
    binned_scan scan = { .t = t, .path = path };
    scan.parts = calloc(n_parts, sizeof *scan.parts);
    scan.first = ck__alloc_array(nf + 1, sizeof *scan.first);
    int rc = scan.parts && scan.first ? CK_OK : CK_ENOMEM;
    for (size_t k = 0; rc == CK_OK && k < n_parts; k++) {
        scan.parts[k].first = ck__alloc_array(nf + 1, sizeof *scan.parts[k].first);
        scan.parts[k].varies = calloc(nf + 1, sizeof *scan.parts[k].varies);
        if (scan.parts[k].first == NULL || scan.parts[k].varies == NULL)
            rc = CK_ENOMEM;
    }
    ck_table_stream *stream = NULL;
    if (rc != CK_OK)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    else if ((rc = ck_table_stream_open(&stream, path, opts, t->schema, err)) == CK_OK) {
        ck_table_scan_fns fns = { bin_block, end_part, &scan };
        rc = ck_table_stream_scan(stream, opts->n_threads, &fns, err);
    }
    if (rc == CK_OK && scan.n_rows != t->bins.n_rows)
        rc = ck_error_set(err, CK_EIO, path, 0, "the file changed while being read");
    ck_table_stream_free(stream);
    for (size_t k = 0; scan.parts != NULL && k < n_parts; k++) {
        free(scan.parts[k].bins);
        free(scan.parts[k].labels);
        free(scan.parts[k].first);
        free(scan.parts[k].varies);
    }
    free(scan.parts);
    free(scan.first);
    return rc;
}

int ck__binned_table_read(ck__binned_table *out, const char *path, const ck_table_opts *opts,
                          int max_bins, ck_error *err)
{
    memset(out, 0, sizeof *out);
    ck_dataset *sample = NULL;
    size_t n_rows = 0;
    int rc = ck__dataset_read_table_sample(&sample, &n_rows, path, opts, err);
    if (rc == CK_OK)
        rc = ck_schema_copy(&out->schema, ck_dataset_schema(sample), err);
    if (rc == CK_OK)
        rc = ck__bins_fit_edges(&out->bins, sample, max_bins, opts->n_threads, err);
    ck_dataset_free(sample);
    if (rc < 0) {
        ck__binned_table_free(out);
        return rc;
    }
    size_t nf = out->bins.n_features;
    out->labels = ck__alloc_array(n_rows + 1, sizeof *out->labels);
    out->constant = ck__alloc_array(nf + 1, sizeof *out->constant);
    if (out->labels == NULL || out->constant == NULL ||
        ck__bins_alloc_rows(&out->bins, n_rows) != CK_OK)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t j = 0; j < nf && out->constant; j++)
        out->constant[j] = true;
    if (rc == CK_OK)
        rc = bin_rows(out, path, opts, err);
    if (rc < 0)
        ck__binned_table_free(out);
    return rc;
}

int ck__binned_table_keep(ck__binned_table *t, ck_schema *kept, ck_error *err)
{
    size_t nf = t->bins.n_features, k = 0;
    bool *drop = calloc(nf + 1, sizeof *drop);
    for (size_t j = 0; drop != NULL && j < nf; j++) {
        drop[j] = !(k < ck_schema_n_features(kept) &&
                    strcmp(ck_schema_name(kept, k), ck_schema_name(t->schema, j)) == 0);
        k += !drop[j];
    }
    if (drop == NULL || ck__bins_drop(&t->bins, drop) != CK_OK) {
        free(drop);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    k = 0;
    for (size_t j = 0; j < nf; j++)
        if (!drop[j])
            t->constant[k++] = t->constant[j];
    free(drop);
    ck_schema_free(t->schema);
    t->schema = kept;
    return CK_OK;
}

void ck__binned_table_free(ck__binned_table *t)
{
    ck_schema_free(t->schema);
    ck__bins_free(&t->bins);
    free(t->labels);
    free(t->constant);
    memset(t, 0, sizeof *t);
}
