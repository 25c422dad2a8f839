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
 *
 * Slots (see bins.h) pair numeric features by the number of their bins alone, so bins
 * with the same edges have the same slots. Of the features sorted by that number, the
 * fewest is paired with the most that still fits in a byte, as long as any does: this
 * pairs as many as any pairing can (the product of two counts fits when the sum of their
 * logarithms does, and the greedy is optimal for pairs under a bound on their sum).
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
    free(b->slot);
    free(b->encode);
    free(b->decode);
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
    memset(out, 0, b->n_slots);
    for (size_t j = 0; j < b->n_features; j++)
        out[b->slot[j]] += b->encode[j][bin_value_of(b, j, row[j])];
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

/* The bins a numeric feature of n edges can take, the missing bin with them. */
static size_t n_codes(size_t n_edges)
{
    return n_edges + 2;
}

typedef struct by_codes {
    size_t n_codes, feature;
} by_codes;

static int compare_codes(const void *pa, const void *pb)
{
    const by_codes *a = pa, *b = pb;
    if (a->n_codes != b->n_codes)
        return a->n_codes < b->n_codes ? -1 : 1;
    return a->feature < b->feature ? -1 : a->feature > b->feature;
}

/* Feature j's bin as a number below n_codes(): the missing bin last. */
static size_t code_of_bin(size_t n_edges, int bin)
{
    return bin == CK__BIN_MISSING ? n_edges + 1 : (size_t)bin <= n_edges ? (size_t)bin : 0;
}

static uint8_t bin_of_code(size_t n_edges, size_t code)
{
    return code == n_edges + 1 ? CK__BIN_MISSING : code <= n_edges ? (uint8_t)code : 0;
}

/* Feature j alone in its slot, or sharing it with the byte's low part `unit` codes wide
 * (unit 1: the low part itself) and `width` codes the high part. */
static void set_coding(ck__bins *b, size_t j, size_t unit, size_t width)
{
    for (int c = 0; c < 256; c++) {
        if (unit == 0) { /* alone: the bin is the byte */
            b->encode[j][c] = b->decode[j][c] = (uint8_t)c;
            continue;
        }
        b->encode[j][c] = (uint8_t)(code_of_bin(b->n_edges[j], c) * unit);
        size_t code = (size_t)c / unit % width;
        b->decode[j][c] = bin_of_code(b->n_edges[j], code);
    }
}

/* Slots for the features, from their kinds and numbers of edges (see the top). */
static int assign_slots(ck__bins *b)
{
    size_t nf = b->n_features, m = 0;
    by_codes *order = ck__alloc_array(nf + 1, sizeof *order);
    size_t *partner = ck__alloc_array(nf + 1, sizeof *partner);
    if (order == NULL || partner == NULL) {
        free(order);
        free(partner);
        return CK_ENOMEM;
    }
    for (size_t j = 0; j < nf; j++) {
        partner[j] = j;
        if (!b->categorical[j])
            order[m++] = (by_codes){ n_codes(b->n_edges[j]), j };
    }
    qsort(order, m, sizeof *order, compare_codes);
    for (size_t lo = 0, hi = m; hi > lo + 1;) {
        if (order[lo].n_codes * order[hi - 1].n_codes <= 256) {
            partner[order[lo].feature] = order[hi - 1].feature;
            partner[order[hi - 1].feature] = order[lo].feature;
            lo++;
        }
        hi--;
    }
    /* a slot takes the place of its first feature */
    b->n_slots = 0;
    for (size_t j = 0; j < nf; j++) {
        size_t k = partner[j];
        if (k < j)
            continue;
        b->slot[j] = b->slot[k] = b->n_slots++;
        if (k == j) {
            set_coding(b, j, 0, 0);
            continue;
        }
        size_t low = n_codes(b->n_edges[j]), high = n_codes(b->n_edges[k]);
        set_coding(b, j, 1, low);
        set_coding(b, k, low, high);
    }
    b->n_groups = (b->n_slots + CK__GROUP - 1) / CK__GROUP;
    free(order);
    free(partner);
    return CK_OK;
}

typedef struct bin_job {
    ck__bins *b;
    const ck_dataset *d;
    int max_bins;
} bin_job;

static int fit_features(size_t lo, size_t hi, void *arg)
{
    bin_job *job = arg;
    ck__bins *b = job->b;
    for (size_t j = lo; j < hi; j++)
        if (!b->categorical[j] &&
            fit_edges(&b->edges[j], &b->n_edges[j], ck_dataset_column(job->d, j),
                      ck_dataset_n_rows(job->d), job->max_bins) != CK_OK)
            return CK_ENOMEM;
    return CK_OK;
}

/* Rows [lo, hi) of every feature; the two features of a slot add their shares to it. */
static int bin_rows(size_t lo, size_t hi, void *arg)
{
    bin_job *job = arg;
    ck__bins *b = job->b;
    for (size_t j = 0; j < b->n_features; j++) {
        const float *x = ck_dataset_column(job->d, j);
        const uint8_t *encode = b->encode[j];
        uint8_t *out = b->data + ck__bin_offset(b, j, lo);
        for (size_t i = lo; i < hi; i++, out += CK__GROUP)
            *out += encode[bin_value_of(b, j, x[i])];
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

/* Room for n_features features, their edges not yet learned. */
static int setup(ck__bins *b, size_t nf)
{
    memset(b, 0, sizeof *b);
    b->n_features = nf;
    b->categorical = calloc(nf + 1, sizeof *b->categorical);
    b->n_edges = calloc(nf + 1, sizeof *b->n_edges);
    b->edges = calloc(nf + 1, sizeof *b->edges);
    b->slot = calloc(nf + 1, sizeof *b->slot);
    b->encode = calloc(nf + 1, sizeof *b->encode);
    b->decode = calloc(nf + 1, sizeof *b->decode);
    if (!b->categorical || !b->n_edges || !b->edges || !b->slot || !b->encode || !b->decode)
        return CK_ENOMEM;
    return CK_OK;
}

/* With the edges in place: the slots, and the rows of d binned when with_rows. */
static int finish(ck__bins *b, const ck_dataset *d, bool with_rows, int n_threads)
{
    bin_job job = { b, d, 0 };
    if (assign_slots(b) != CK_OK)
        return CK_ENOMEM;
    if (!with_rows)
        return CK_OK;
    if (ck__bins_alloc_rows(b, ck_dataset_n_rows(d)) != CK_OK)
        return CK_ENOMEM;
    return ck__parallel_for(b->n_rows, 65536, n_threads, bin_rows, &job) == 0 ? CK_OK : CK_ENOMEM;
}

static int fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, bool with_rows,
               ck_error *err)
{
    bin_job job = { out, d, max_bins };
    int rc = setup(out, ck_dataset_n_features(d));
    for (size_t j = 0; rc == CK_OK && j < out->n_features; j++)
        out->categorical[j] = ck_schema_kind(ck_dataset_schema(d), j) == CK_FEATURE_CATEGORICAL;
    if (rc != CK_OK || ck__parallel_for(out->n_features, 1, n_threads, fit_features, &job) != 0 ||
        finish(out, d, with_rows, n_threads) != CK_OK) {
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

int ck__bins_like(ck__bins *out, const ck__bins *like, size_t n_rows)
{
    int rc = setup(out, like->n_features);
    for (size_t j = 0; rc == CK_OK && j < out->n_features; j++) {
        out->categorical[j] = like->categorical[j];
        if (like->n_edges[j] == 0)
            continue;
        out->edges[j] = ck__alloc_array(like->n_edges[j], sizeof *out->edges[j]);
        if (out->edges[j] == NULL)
            rc = CK_ENOMEM;
        else
            memcpy(out->edges[j], like->edges[j], like->n_edges[j] * sizeof *out->edges[j]);
        out->n_edges[j] = like->n_edges[j];
    }
    if (rc != CK_OK || assign_slots(out) != CK_OK || ck__bins_alloc_rows(out, n_rows) != CK_OK) {
        ck__bins_free(out);
        return CK_ENOMEM;
    }
    return CK_OK;
}

int ck__bins_apply(ck__bins *out, const ck__bins *like, const ck_dataset *d, int n_threads,
                   ck_error *err)
{
    bin_job job = { out, d, 0 };
    if (ck__bins_like(out, like, ck_dataset_n_rows(d)) != CK_OK ||
        ck__parallel_for(out->n_rows, 65536, n_threads, bin_rows, &job) != 0) {
        ck__bins_free(out);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    return CK_OK;
}

int ck__bins_drop(ck__bins *b, const bool *drop)
{
    size_t n = b->n_rows, kept = 0, n_slots = 0;
    /* a slot's new place, in the order of the slots; SIZE_MAX when no feature kept holds
     * it */
    size_t *moved = ck__alloc_array(b->n_slots + 1, sizeof *moved);
    if (moved == NULL)
        return CK_ENOMEM;
    for (size_t s = 0; s < b->n_slots; s++)
        moved[s] = SIZE_MAX;
    for (size_t j = 0; j < b->n_features; j++)
        if (!drop[j])
            moved[b->slot[j]] = 0;
    for (size_t s = 0; s < b->n_slots; s++)
        if (moved[s] != SIZE_MAX)
            moved[s] = n_slots++;
    for (size_t j = 0; j < b->n_features; j++) {
        if (drop[j]) {
            free(b->edges[j]);
            continue;
        }
        b->slot[kept] = moved[b->slot[j]];
        memcpy(b->encode[kept], b->encode[j], sizeof b->encode[j]);
        memcpy(b->decode[kept], b->decode[j], sizeof b->decode[j]);
        b->categorical[kept] = b->categorical[j];
        b->n_edges[kept] = b->n_edges[j];
        b->edges[kept] = b->edges[j];
        kept++;
    }
    /* every byte moves to the same place or an earlier one, and the places are written in
     * increasing order: no byte is overwritten before it is read */
    for (size_t s = 0; b->data != NULL && s < b->n_slots; s++)
        if (moved[s] != SIZE_MAX)
            for (size_t i = 0; i < n; i++)
                b->data[ck__slot_offset(b, moved[s], i)] = b->data[ck__slot_offset(b, s, i)];
    size_t n_groups = (n_slots + CK__GROUP - 1) / CK__GROUP;
    for (size_t s = n_slots; b->data != NULL && s < n_groups * CK__GROUP; s++)
        for (size_t i = 0; i < n; i++)
            b->data[ck__slot_offset(b, s, i)] = 0;
    free(moved);
    b->n_features = kept;
    b->n_slots = n_slots;
    b->n_groups = n_groups;
    size_t bytes = (n_groups ? n_groups : 1) * CK__GROUP * (n ? n : 1);
    uint8_t *smaller = b->data ? realloc(b->data, bytes) : NULL;
    if (smaller != NULL) /* else the larger block stays: nothing is lost */
        b->data = smaller;
    return CK_OK;
}
