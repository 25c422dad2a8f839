/*
 * Feature binning for histogram boosting: each feature's values mapped to one byte.
 *
 * Numeric features get at most max_bins quantile bins; bin k holds
 * edges[k − 1] < x <= edges[k]. Categorical features get one bin per level (levels from
 * 254 on share bin 254, "other"). Missing values take bin 255.
 *
 * Layout: features are grouped by eight, and within a group each row's eight bin bytes
 * lie together (row-major), so one pass over the rows builds eight histograms while each
 * row's gradient is loaded once.
 */
#ifndef CK_BINS_H
#define CK_BINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/dataset.h"

#define CK__BIN_MISSING 255
#define CK__BIN_OTHER   254
#define CK__GROUP       8

typedef struct ck__bins {
    size_t n_rows, n_features, n_groups;
    uint8_t *data;     /* n_groups × n_rows × CK__GROUP bytes */
    bool *categorical; /* per feature */
    size_t *n_edges;   /* per numeric feature */
    double **edges;    /* per numeric feature, ascending */
} ck__bins;

/* Where row i's bin of feature j is in data; row i + 1's is CK__GROUP further. */
static inline size_t ck__bin_offset(const ck__bins *b, size_t j, size_t i)
{
    return (j / CK__GROUP) * b->n_rows * CK__GROUP + i * CK__GROUP + j % CK__GROUP;
}

/* The bin of feature j for row i. */
static inline uint8_t ck__bin_at(const ck__bins *b, size_t j, size_t i)
{
    return b->data[ck__bin_offset(b, j, i)];
}

/* Learn the bin edges of `d` and bin it. */
int ck__bins_fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, ck_error *err);

/* Bin `d` (same schema) with the edges of `like`. */
int ck__bins_apply(ck__bins *out, const ck__bins *like, const ck_dataset *d, int n_threads,
                   ck_error *err);

void ck__bins_free(ck__bins *b);

#endif
