/*
 * Feature binning (see bins.h).
 *
 * Numeric edges come from the sorted non-missing values of an evenly spaced sample of at
 * most SAMPLE_ROWS rows (as LightGBM's bin_construct_sample_cnt): with no more distinct
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

#define SAMPLE_ROWS 200000

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

/* Edges of one numeric column; *edges_out may stay NULL when there is one value. */
static int fit_edges(double **edges_out, size_t *n_out, const float *x, size_t n, int max_bins)
{
    size_t step = n > SAMPLE_ROWS ? (n + SAMPLE_ROWS - 1) / SAMPLE_ROWS : 1;
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

typedef struct bin_job {
    ck__bins *b;
    const ck_dataset *d;
    int max_bins;
    bool fit;
    int rc;
} bin_job;

static int bin_features(size_t lo, size_t hi, void *arg)
{
    bin_job *job = arg;
    ck__bins *b = job->b;
    size_t n = b->n_rows;
    for (size_t j = lo; j < hi; j++) {
        const float *x = ck_dataset_column(job->d, j);
        if (job->fit && !b->categorical[j] &&
            fit_edges(&b->edges[j], &b->n_edges[j], x, n, job->max_bins) != CK_OK)
            return CK_ENOMEM;
        uint8_t *out = b->data + (j / CK__GROUP) * n * CK__GROUP + j % CK__GROUP;
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            uint8_t bin;
            if (isnan(v))
                bin = CK__BIN_MISSING;
            else if (b->categorical[j])
                bin = v < CK__BIN_OTHER ? (uint8_t)v : CK__BIN_OTHER;
            else
                bin = bin_of(b->edges[j], b->n_edges[j], v);
            out[i * CK__GROUP] = bin;
        }
    }
    return CK_OK;
}

static int setup(ck__bins *b, const ck_dataset *d)
{
    memset(b, 0, sizeof *b);
    b->n_rows = ck_dataset_n_rows(d);
    b->n_features = ck_dataset_n_features(d);
    b->n_groups = (b->n_features + CK__GROUP - 1) / CK__GROUP;
    /* padding lanes of the last group stay 0: no histogram reads them */
    size_t lanes;
    if (ck__mul_size(&lanes, b->n_groups, CK__GROUP))
        b->data = calloc(lanes, b->n_rows ? b->n_rows : 1);
    b->categorical = calloc(b->n_features + 1, sizeof *b->categorical);
    b->n_edges = calloc(b->n_features + 1, sizeof *b->n_edges);
    b->edges = calloc(b->n_features + 1, sizeof *b->edges);
    if (b->data == NULL || b->categorical == NULL || b->n_edges == NULL || b->edges == NULL)
        return CK_ENOMEM;
    const ck_schema *schema = ck_dataset_schema(d);
    for (size_t j = 0; j < b->n_features; j++)
        b->categorical[j] = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
    return CK_OK;
}

int ck__bins_fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, ck_error *err)
{
    bin_job job = { out, d, max_bins, true, 0 };
    if (setup(out, d) != CK_OK ||
        ck__parallel_for(out->n_features, 1, n_threads, bin_features, &job) != 0) {
        ck__bins_free(out);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    return CK_OK;
}

int ck__bins_apply(ck__bins *out, const ck__bins *like, const ck_dataset *d, int n_threads,
                   ck_error *err)
{
    bin_job job = { out, d, 0, false, 0 };
    int rc = setup(out, d);
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
