/*
 * A table read straight into bins (see binned_table.h).
 *
 * The binning pass is a table scan (ck_table_stream_scan()): workers bin each block of
 * rows into their part's buffer, row by row, as it is parsed; the calling thread copies
 * the buffers, in file order, into the bins' column groups (the training rows' or the
 * held-out rows'). The pass that keeps a split's sample is a scan too: parts of floats,
 * of which the calling thread keeps the sampled rows. Memory is the bins, the labels, and
 * a few parts' worth of floats and bins.
 */
#include "data/binned_table.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
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
    const uint8_t *held_out; /* per row of the file; NULL: none */
    size_t n_total;          /* rows in the file */
    binned_part *parts;
    size_t n_rows; /* rows copied into the bins so far */
    size_t n_kept; /* ... of them into t->bins */
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
    size_t nf = t->bins.n_features, ns = t->bins.n_slots, at = scan->n_rows;
    binned_part *s = &scan->parts[part];
    size_t n = s->n_rows;
    s->n_rows = 0;
    if (!keep || n == 0)
        goto reset;
    if (n > scan->n_total - at)
        return ck_error_set(err, CK_EIO, scan->path, 0, "the file changed while being read");
    for (size_t g = 0; g < t->bins.n_groups; g++) {
        size_t lanes = ns - g * CK__GROUP < CK__GROUP ? ns - g * CK__GROUP : CK__GROUP;
        size_t kept = scan->n_kept, held = at - scan->n_kept;
        const uint8_t *src = s->bins + g * CK__GROUP;
        for (size_t i = 0; i < n; i++, src += ns) {
            bool out = scan->held_out && scan->held_out[at + i];
            ck__bins *to = out ? &t->held_out : &t->bins;
            memcpy(to->data + ck__slot_offset(to, g * CK__GROUP, out ? held++ : kept++), src,
                   lanes);
        }
    }
    for (size_t i = 0; i < n; i++) {
        bool out = scan->held_out && scan->held_out[at + i];
        if (out)
            t->held_out_labels[at + i - scan->n_kept] = s->labels[i];
        else
            t->labels[scan->n_kept++] = s->labels[i];
    }
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

/* The last pass: every row of n_total binned with the edges of t->bins, into t->bins or
 * (held_out[i]) t->held_out. */
static int bin_rows(ck__binned_table *t, const char *path, const ck_table_opts *opts,
                    const uint8_t *held_out, size_t n_total, ck_error *err)
{
    size_t nf = t->bins.n_features, n_parts = CK_TABLE_SCAN_PARTS(opts->n_threads);
    binned_scan scan = { .t = t, .path = path, .held_out = held_out, .n_total = n_total };
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
    if (rc == CK_OK && scan.n_rows != n_total)
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

/* A split's middle pass: the training rows (held_out[i] 0) whose place among them is a
 * multiple of `stride`, the sample ck__bins_fit() learns their edges from. */
typedef struct float_part {
    float *rows; /* n_rows × n_features */
    size_t n_rows, cap;
} float_part;

typedef struct sample_scan {
    const char *path;
    size_t n_features, stride;
    const uint8_t *held_out;
    size_t n_total; /* rows in the file */
    float_part *parts;
    size_t n_rows; /* rows ended so far */
    size_t n_kept; /* ... of them training rows */
    float_part sample;
} sample_scan;

static bool append_rows(float_part *p, const float *rows, size_t n, size_t n_features)
{
    if (!ck__grow((void **)&p->rows, &p->cap, (p->n_rows + n) * n_features, sizeof *p->rows))
        return false;
    memcpy(p->rows + p->n_rows * n_features, rows, n * n_features * sizeof *rows);
    p->n_rows += n;
    return true;
}

static int sample_block(void *ctx, const ck_table_block *block, ck_error *err)
{
    sample_scan *scan = ctx;
    if (!append_rows(&scan->parts[block->part], block->rows, block->n_rows, scan->n_features))
        return ck_error_set(err, CK_ENOMEM, scan->path, 0, "out of memory");
    return CK_OK;
}

static int sample_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    sample_scan *scan = ctx;
    float_part *p = &scan->parts[part];
    size_t n = p->n_rows, nf = scan->n_features;
    p->n_rows = 0;
    if (!keep)
        return CK_OK;
    if (n > scan->n_total - scan->n_rows)
        return ck_error_set(err, CK_EIO, scan->path, 0, "the file changed while being read");
    for (size_t i = 0; i < n; i++) {
        if (scan->held_out[scan->n_rows + i])
            continue;
        if (scan->n_kept++ % scan->stride == 0 &&
            !append_rows(&scan->sample, p->rows + i * nf, 1, nf))
            return ck_error_set(err, CK_ENOMEM, scan->path, 0, "out of memory");
    }
    scan->n_rows += n;
    return CK_OK;
}

static int read_training_sample(ck_dataset **out, const ck_schema *schema, const char *path,
                                const ck_table_opts *opts, const uint8_t *held_out, size_t n_total,
                                size_t n_held, ck_error *err)
{
    size_t n_kept = n_total - n_held, n_parts = CK_TABLE_SCAN_PARTS(opts->n_threads);
    sample_scan scan = { .path = path,
                         .n_features = ck_schema_n_features(schema),
                         .stride = ck__bins_sample_stride(n_kept),
                         .held_out = held_out,
                         .n_total = n_total };
    scan.parts = calloc(n_parts, sizeof *scan.parts);
    ck_table_stream *stream = NULL;
    int rc = scan.parts ? CK_OK : ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    if (rc == CK_OK && (rc = ck_table_stream_open(&stream, path, opts, schema, err)) == CK_OK) {
        ck_table_scan_fns fns = { sample_block, sample_end_part, &scan };
        rc = ck_table_stream_scan(stream, opts->n_threads, &fns, err);
    }
    if (rc == CK_OK && scan.n_rows != n_total)
        rc = ck_error_set(err, CK_EIO, path, 0, "the file changed while being read");
    if (rc == CK_OK)
        rc = ck__dataset_from_rows(out, schema, scan.sample.rows, scan.sample.n_rows, err);
    ck_table_stream_free(stream);
    for (size_t k = 0; scan.parts != NULL && k < n_parts; k++)
        free(scan.parts[k].rows);
    free(scan.parts);
    free(scan.sample.rows);
    return rc;
}

/* With the edges learned: room for the rows (n_held of them flagged in held_out) and the
 * binning pass. */
static int bin_table(ck__binned_table *t, const char *path, const ck_table_opts *opts,
                     const uint8_t *held_out, size_t n_rows, size_t n_held, ck_error *err)
{
    size_t nf = t->bins.n_features;
    int rc = CK_OK;
    t->labels = ck__alloc_array(n_rows - n_held + 1, sizeof *t->labels);
    t->constant = ck__alloc_array(nf + 1, sizeof *t->constant);
    if (t->labels == NULL || t->constant == NULL ||
        ck__bins_alloc_rows(&t->bins, n_rows - n_held) != CK_OK)
        rc = CK_ENOMEM;
    if (rc == CK_OK && held_out != NULL &&
        ((t->held_out_labels = ck__alloc_array(n_held + 1, sizeof *t->held_out_labels)) == NULL ||
         ck__bins_like(&t->held_out, &t->bins, n_held) != CK_OK))
        rc = CK_ENOMEM;
    if (rc != CK_OK)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t j = 0; j < nf; j++)
        t->constant[j] = true;
    return bin_rows(t, path, opts, held_out, n_rows, err);
}

/* The first pass: the schema, the rows counted and the sample of every row. */
static int read_sample(ck__binned_table *out, ck_dataset **sample, size_t *n_rows, const char *path,
                       const ck_table_opts *opts, ck_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = ck__dataset_read_table_sample(sample, n_rows, path, opts, err);
    if (rc == CK_OK)
        rc = ck_schema_copy(&out->schema, ck_dataset_schema(*sample), err);
    return rc;
}

int ck__binned_table_read(ck__binned_table *out, const char *path, const ck_table_opts *opts,
                          int max_bins, ck_error *err)
{
    ck_dataset *sample = NULL;
    size_t n_rows = 0;
    int rc = read_sample(out, &sample, &n_rows, path, opts, err);
    if (rc == CK_OK)
        rc = ck__bins_fit_edges(&out->bins, sample, max_bins, opts->n_threads, err);
    ck_dataset_free(sample);
    if (rc == CK_OK)
        rc = bin_table(out, path, opts, NULL, n_rows, 0, err);
    if (rc < 0)
        ck__binned_table_free(out);
    return rc;
}

int ck__binned_table_read_split(ck__binned_table *out, const char *path, const ck_table_opts *opts,
                                int max_bins, double fraction, uint64_t seed, ck_error *err)
{
    ck_dataset *sample = NULL;
    size_t n_rows = 0, n_held = 0;
    uint8_t *held_out = NULL;
    int rc = read_sample(out, &sample, &n_rows, path, opts, err);
    /* the first pass's sample is of every row: the edges a refit bins them with */
    if (rc == CK_OK)
        rc = ck__bins_fit_edges(&out->every_row, sample, max_bins, opts->n_threads, err);
    ck_dataset_free(sample);
    sample = NULL;
    if (rc == CK_OK && (held_out = ck__held_out_mask(n_rows, fraction, seed)) == NULL)
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    for (size_t i = 0; rc == CK_OK && i < n_rows; i++)
        n_held += held_out[i];
    if (rc == CK_OK)
        rc = read_training_sample(&sample, out->schema, path, opts, held_out, n_rows, n_held, err);
    if (rc == CK_OK)
        rc = ck__bins_fit_edges(&out->bins, sample, max_bins, opts->n_threads, err);
    ck_dataset_free(sample);
    if (rc == CK_OK)
        rc = bin_table(out, path, opts, held_out, n_rows, n_held, err);
    free(held_out);
    if (rc < 0)
        ck__binned_table_free(out);
    return rc;
}

int ck__binned_table_read_every_row(ck__binned_table *t, const char *path,
                                    const ck_table_opts *opts, ck_error *err)
{
    assert(t->every_row.n_features == t->bins.n_features); /* read with a split */
    size_t n_rows = t->bins.n_rows + t->held_out.n_rows;
    ck__bins edges = t->every_row;
    ck_schema *schema = t->schema;
    t->every_row = (ck__bins){ 0 };
    t->schema = NULL;
    ck__binned_table_free(t);
    t->schema = schema;
    t->bins = edges;
    int rc = bin_table(t, path, opts, NULL, n_rows, 0, err);
    if (rc < 0)
        ck__binned_table_free(t);
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
    if (drop == NULL || ck__bins_drop(&t->bins, drop) != CK_OK ||
        (t->held_out.n_features > 0 && ck__bins_drop(&t->held_out, drop) != CK_OK) ||
        (t->every_row.n_features > 0 && ck__bins_drop(&t->every_row, drop) != CK_OK)) {
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
    ck__bins_free(&t->held_out);
    ck__bins_free(&t->every_row);
    free(t->labels);
    free(t->held_out_labels);
    free(t->constant);
    memset(t, 0, sizeof *t);
}
