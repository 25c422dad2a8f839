/*
 * Feature binning for histogram boosting: each feature's values mapped to one byte.
 *
 * Numeric features get at most max_bins quantile bins; bin k holds
 * edges[k − 1] < x <= edges[k]. Categorical features get one bin per level (levels from
 * 254 on share bin 254, "other"). Missing values take bin 255.
 *
 * Layout: each row holds one byte per slot. A slot holds one feature's bin, or the bins of
 * two numeric features whose bins (with missing) number at most 256 between them, coded
 * together (bin a + n_a × bin b): one histogram update then counts both, and the joint
 * histogram adds up to each one's exactly. Slots are grouped by eight, and within a group
 * each row's eight bytes lie together (row-major), so one pass over the rows builds eight
 * histograms while each row's gradient is loaded once.
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

/* Numeric edges are learned from at most this many rows (see ck__bins_sample_stride()). */
#define CK__BIN_SAMPLE_ROWS 200000

typedef struct ck__bins {
    size_t n_rows, n_features, n_slots, n_groups;
    uint8_t *data;          /* n_groups × n_rows × CK__GROUP bytes, one per slot */
    size_t *slot;           /* per feature: the slot holding its bin */
    uint8_t (*encode)[256]; /* per feature: its bin's share of its slot's byte */
    uint8_t (*decode)[256]; /* per feature: its bin for each byte of its slot */
    bool *categorical;      /* per feature */
    size_t *n_edges;        /* per numeric feature */
    double **edges;         /* per numeric feature, ascending */
} ck__bins;

/* Labelled rows as bins: what a learner trains on without their values. */
typedef struct ck__labelled_bins {
    const ck__bins *bins;
    const float *labels; /* 0 or 1 per row */
} ck__labelled_bins;

/* Binned rows read only when asked for: a refit asks for its rows once it knows it will
 * refit. get() gives CK_OK with *rows set, or a negative code with err set. */
typedef struct ck__bins_source {
    int (*get)(void *ctx, ck__labelled_bins *rows, ck_error *err);
    void *ctx;
} ck__bins_source;

/* Where row i's byte of slot s is in data; row i + 1's is CK__GROUP further. */
static inline size_t ck__slot_offset(const ck__bins *b, size_t s, size_t i)
{
    return (s / CK__GROUP) * b->n_rows * CK__GROUP + i * CK__GROUP + s % CK__GROUP;
}

/* Where row i's byte holding feature j's bin is (decode[j] reads the bin from it). */
static inline size_t ck__bin_offset(const ck__bins *b, size_t j, size_t i)
{
    return ck__slot_offset(b, b->slot[j], i);
}

/* The bin of feature j for row i. */
static inline uint8_t ck__bin_at(const ck__bins *b, size_t j, size_t i)
{
    return b->decode[j][b->data[ck__bin_offset(b, j, i)]];
}

/* A table of feature j by bin as a table by the byte of its slot, so that a pass over the
 * rows looks each byte up once: by_byte[c] = by_bin[decode[j][c]]. */
static inline void ck__bins_by_byte(const ck__bins *b, size_t j, const double by_bin[256],
                                    double by_byte[256])
{
    for (int c = 0; c < 256; c++)
        by_byte[c] = by_bin[b->decode[j][c]];
}

/* The rows of n that edges are learned from are 0, s, 2s, ...: s is the smallest power of
 * two that leaves at most CK__BIN_SAMPLE_ROWS of them. */
size_t ck__bins_sample_stride(size_t n_rows);

/* Learn the bin edges of `d` and bin it. */
int ck__bins_fit(ck__bins *out, const ck_dataset *d, int max_bins, int n_threads, ck_error *err);

/* Learn the edges ck__bins_fit() would learn on a dataset whose sampled rows (see
 * ck__bins_sample_stride()) are `sample`, binning no row: data is NULL, n_rows 0. */
int ck__bins_fit_edges(ck__bins *out, const ck_dataset *sample, int max_bins, int n_threads,
                       ck_error *err);

/* Room for n_rows rows of bins, all 0 (any rows held before are freed). CK_OK or
 * CK_ENOMEM. */
int ck__bins_alloc_rows(ck__bins *b, size_t n_rows);

/* The slot bytes of one row of n_features values, coded as in a dataset, into out[s]
 * (n_slots of them). */
void ck__bin_row(const ck__bins *b, const float *row, uint8_t *out);

/* A value of feature j that falls in `bin` (NaN for the missing bin): a model trained on
 * these bins treats it as every value of the bin, for its splits lie on the edges. */
float ck__bin_value(const ck__bins *b, size_t j, uint8_t bin);

/* Leave out the features with drop[j], in place; the others keep their order and their
 * bytes (a slot stays while it holds a feature kept). CK_OK, or CK_ENOMEM with nothing
 * changed. */
int ck__bins_drop(ck__bins *b, const bool *drop);

/* The edges and slots of `like`, with room for n_rows rows, all 0. CK_OK or CK_ENOMEM
 * (*out then holds nothing). */
int ck__bins_like(ck__bins *out, const ck__bins *like, size_t n_rows);

/* Bin `d` (same schema) with the edges of `like`. */
int ck__bins_apply(ck__bins *out, const ck__bins *like, const ck_dataset *d, int n_threads,
                   ck_error *err);

void ck__bins_free(ck__bins *b);

#endif
