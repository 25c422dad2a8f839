/*
 * Feature binning (see bins.h).
 *
 * Numeric edges come from the sorted non-missing values of the rows 0, s, 2s, ... with s
 * the smallest power of two that leaves at most CK__BIN_SAMPLE_ROWS of them (as LightGBM's
 * bin_construct_sample_cnt; a power of two so that a reader can keep the sample while it
 * is still counting the rows, halving it as it grows): with no more distinct
 * values than bins, one bin per value; otherwise greedy equal-frequency bins, cut only
 * between distinct values. An edge lies halfway between the two values it separates, so
 * a value unseen in training falls on the nearer side.
 */
#include "data/bins.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"

void ck__bins_free(ck__bins *b)
{
    if (b->edges != NULL)
        for (size_t j = 0; j < b->n_features; j++)
            free(b->edges[j]);
    free(b->edges);
    free(b->n_edges);
    free(b->categorical);
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* An order-preserving map of a float's bits to an unsigned key (negative values have
 * all bits flipped, positive ones only the sign), so floats sort as integers. */
static uint32_t float_key(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static float key_float(uint32_t k)
{
    uint32_t u = k & 0x80000000u ? k & 0x7FFFFFFFu : ~k;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* LSD radix sort of 32-bit keys, a byte per pass (stable; `tmp` as large as `keys`). */
static void radix_sort(uint32_t *keys, uint32_t *tmp, size_t n)
{
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((keys[i] >> shift) & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(keys[i] >> shift) & 0xFF]++] = keys[i];
        uint32_t *swap = keys;
        keys = tmp;
        tmp = swap;
    }
    /* four passes: the sorted keys are back in the first array */
}

size_t ck__bins_sample_stride(size_t n_rows)
{
    size_t stride = 1;
    while ((n_rows + stride - 1) / stride > CK__BIN_SAMPLE_ROWS)
        stride *= 2;
    return stride;
}

/* Edges of one numeric column; *edges_out may stay NULL when there is one value. */
static int fit_edges(double **edges_out, size_t *n_out, const float *x, size_t n, int max_bins)
{
    size_t step = ck__bins_sample_stride(n);
    size_t cap = n / step + 1;
    uint32_t *keys = ck__alloc_array(2 * cap, sizeof *keys);
    float *v = ck__alloc_array(cap, sizeof *v);
    double *edges = ck__alloc_array((size_t)max_bins, sizeof *edges);
    if (keys == NULL || v == NULL || edges == NULL) {
        free(keys);
        free(v);
        free(edges);
        return CK_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i += step)
        if (!isnan(x[i]))
            keys[m++] = float_key(x[i]);
    radix_sort(keys, keys + cap, m);
    for (size_t i = 0; i < m; i++)
        v[i] = key_float(keys[i]);
    free(keys);
    size_t n_distinct = 0;
    for (size_t i = 0; i < m; i++)
        n_distinct += i == 0 || v[i] != v[i - 1];
    size_t n_edges = 0;
    if (n_distinct <= (size_t)max_bins) {
        for (size_t i = 1; i < m; i++)
            if (v[i] != v[i - 1])
                edges[n_edges++] = (double)v[i - 1] + ((double)v[i] - (double)v[i - 1]) / 2;
    } else {
        /* greedy: close a bin once it holds its share of what is left */
        size_t start = 0, bins_left = (size_t)max_bins;
        for (size_t i = 1; i < m && bins_left > 1; i++) {
            if (v[i] == v[i - 1])
                continue;
            size_t target = (m - start) / bins_left;
            if (i - start >= target) {
                edges[n_edges++] = (double)v[i - 1] + ((double)v[i] - (double)v[i - 1]) / 2;
                start = i;
                bins_left--;
            }
        }
    }
    free(v);
    *edges_out = edges;
    *n_out = n_edges;
    return CK_OK;
}

/* The first k with x <= edges[k], or n: the bin of x. Branch-free lower bound (Khuong &
 * Morin 2017): data order is random, so a branchy search mispredicts every other step. */
static uint8_t bin_of(const double *edges, size_t n, double x)
{
    if (n == 0)
        return 0;
    const double *base = edges;
    while (n > 1) {
        size_t half = n / 2;
        base = base[half] < x ? base + half : base;
        n -= half;
    }
    return (uint8_t)((size_t)(base - edges) + (*base < x));
}

/* The bin of value v of feature j. */
static uint8_t bin_value_of(const ck__bins *b, size_t j, float v)
{
    if (isnan(v))
        return CK__BIN_MISSING;
    if (b->categorical[j])
        return v < CK__BIN_OTHER ? (uint8_t)v : CK__BIN_OTHER;
    return bin_of(b->edges[j], b->n_edges[j], v);
}

void ck__bin_row(const ck__bins *b, const float *row, uint8_t *out)
{
    for (size_t j = 0; j < b->n_features; j++)
        out[j] = bin_value_of(b, j, row[j]);
}

float ck__bin_value(const ck__bins *b, size_t j, uint8_t bin)
{
    if (bin == CK__BIN_MISSING)
        return NAN;
    if (b->categorical[j])
        return (float)bin;
    size_t n = b->n_edges[j];
    if (n == 0)
        return 0.0f;
    /* every bin holds a sample value, a float: the largest float at or below the bin's
     * upper edge lies above the edge below; past the last edge, the smallest float above
     * it */
    if (bin < n) {
        float f = (float)b->edges[j][bin];
        return (double)f > b->edges[j][bin] ? nextafterf(f, -INFINITY) : f;
    }
    float f = (float)b->edges[j][n - 1];
    return (double)f <= b->edges[j][n - 1] ? nextafterf(f, INFINITY) : f;
}

typedef struct bin_job {
    ck__bins *b;
    const ck_dataset *d;
    int max_bins;
    bool fit;
} bin_job;

static int bin_features(size_t lo, size_t hi, void *arg)
{
    bin_job *job = arg;
    ck__bins *b = job->b;
    size_t n = b->n_rows;
    for (size_t j = lo; j < hi; j++) {
        const float *x = ck_dataset_column(job->d, j);
        if (job->fit && !b->categorical[j] &&
            fit_edges(&b->edges[j], &b->n_edges[j], x, ck_dataset_n_rows(job->d), job->max_bins) !=
                CK_OK)
            return CK_ENOMEM;
        if (b->data == NULL)
            continue;
        uint8_t *out = b->data + (j / CK__GROUP) * n * CK__GROUP + j % CK__GROUP;
        for (size_t i = 0; i < n; i++)
            out[i * CK__GROUP] = bin_value_of(b, j, x[i]);
    }
    return CK_OK;
}

int ck__bins_alloc_rows(ck__bins *b, size_t n_rows)
{
    /* padding lanes of the last group stay 0: no histogram reads them */
    size_t lanes;
    free(b->data);
    b->data = NULL;
    b->n_rows = n_rows;
    if (ck__mul_size(&lanes, b->n_groups, CK__GROUP))
        b->data = calloc(lanes, n_rows ? n_rows : 1);
    return b->data != NULL ? CK_OK : CK_ENOMEM;
}

/* Edges to be learned or copied for the features of d; rows binned when with_rows. */
static int setup(ck__bins *b, const ck_dataset *d, bool with_rows)
{
    memset(b, 0, sizeof *b);
    b->n_features = ck_dataset_n_features(d);
    b->n_groups = (b->n_features + CK__GROUP - 1) / CK__GROUP;
    b->categorical = calloc(b->n_features + 1, sizeof *b->categorical);
    b->n_edges = calloc(b->n_features + 1, sizeof *b->n_edges);
    b->edges = calloc(b->n_features + 1, sizeof *b->edges);
    if (b->categorical == NULL || b->n_edges == NULL || b->edges == NULL ||
        (with_rows && ck__bins_alloc_rows(b, ck_dataset_n_rows(d)) != CK_OK))
        return CK_ENOMEM;
    const ck_schema *schema = ck_dataset_schema(d);
    for (size_t j = 0; j < b->n_features; j++)
        b->categorical[j] = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
    return CK_OK;
}

static int fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, bool with_rows,
               ck_error *err)
{
    bin_job job = { out, d, max_bins, true };
    if (setup(out, d, with_rows) != CK_OK ||
        ck__parallel_for(out->n_features, 1, n_threads, bin_features, &job) != 0) {
        ck__bins_free(out);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    return CK_OK;
}

int ck__bins_fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, ck_error *err)
{
    return fit(out, d, max_bins, n_threads, true, err);
}

int ck__bins_fit_edges(ck__bins *out, const ck_dataset *sample, int max_bins, int n_threads,
                       ck_error *err)
{
    return fit(out, sample, max_bins, n_threads, false, err);
}

int ck__bins_apply(ck__bins *out, const ck__bins *like, const ck_dataset *d, int n_threads,
                   ck_error *err)
{
    bin_job job = { out, d, 0, false };
    int rc = setup(out, d, true);
    for (size_t j = 0; rc == CK_OK && j < out->n_features; j++) {
        if (out->categorical[j] || like->n_edges[j] == 0)
            continue;
        out->edges[j] = ck__alloc_array(like->n_edges[j], sizeof *out->edges[j]);
        if (out->edges[j] == NULL)
            rc = CK_ENOMEM;
        else
            memcpy(out->edges[j], like->edges[j], like->n_edges[j] * sizeof *out->edges[j]);
        out->n_edges[j] = like->n_edges[j];
    }
    if (rc != CK_OK || ck__parallel_for(out->n_features, 1, n_threads, bin_features, &job) != 0) {
        ck__bins_free(out);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    return CK_OK;
}

void ck__bins_drop(ck__bins *b, const bool *drop)
{
    size_t n = b->n_rows, kept = 0;
    for (size_t j = 0; j < b->n_features; j++) {
        if (drop[j]) {
            free(b->edges[j]);
            continue;
        }
        /* every byte moves to the same place or an earlier one, and the places are
         * written in increasing order: no byte is overwritten before it is read */
        for (size_t i = 0; b->data != NULL && i < n; i++)
            b->data[ck__bin_offset(b, kept, i)] = b->data[ck__bin_offset(b, j, i)];
        b->categorical[kept] = b->categorical[j];
        b->n_edges[kept] = b->n_edges[j];
        b->edges[kept] = b->edges[j];
        kept++;
    }
    size_t n_groups = (kept + CK__GROUP - 1) / CK__GROUP;
    for (size_t j = kept; b->data != NULL && j < n_groups * CK__GROUP; j++)
        for (size_t i = 0; i < n; i++)
            b->data[ck__bin_offset(b, j, i)] = 0;
    b->n_features = kept;
    b->n_groups = n_groups;
    size_t bytes = (n_groups ? n_groups : 1) * CK__GROUP * (n ? n : 1);
    uint8_t *smaller = b->data ? realloc(b->data, bytes) : NULL;
    if (smaller != NULL) /* else the larger block stays: nothing is lost */
        b->data = smaller;
}
