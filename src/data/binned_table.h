/*
 * A table read straight into bins, for training boosted stumps in a fraction of the
 * memory its floats would take: the floats of a few parts at a time, never the whole
 * matrix.
 *
 * Two passes over the file: the first reads and checks every row as
 * ck_dataset_read_table() does, infers the schema and keeps only the rows the bin edges
 * are learned from (ck__dataset_read_table_sample()); the second reads the rows again
 * against that schema on every thread and bins each part as it arrives. The bins are
 * those ck__bins_fit() gives the dataset ck_dataset_read_table() reads, byte for byte.
 */
#ifndef CK_BINNED_TABLE_H
#define CK_BINNED_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "churnkit/dataset.h"
#include "data/bins.h"

typedef struct ck__binned_table {
    ck_schema *schema; /* as ck_dataset_read_table() infers it */
    ck__bins bins;     /* the rows to train on */
    float *labels;     /* 0 or 1 per row */
    ck__bins held_out; /* read with a split: the rows held out, binned with the edges of
                          `bins`; else no rows and no features */
    float *held_out_labels;
    bool *constant;     /* per feature: one value in every row of the table, held-out rows
                           included (NaN counting as a value) */
    ck__bins every_row; /* read with a split: no rows, the edges ck__binned_table_read()
                           learns from every row, kept for ck__binned_table_read_every_row() */
} ck__binned_table;

/*
 * Read the labelled table at path (opts as for ck_dataset_read_table(), opts->label
 * given, opts->schema NULL) into bins of at most max_bins per numeric feature.
 * Returns CK_OK or what ck_dataset_read_table() would return, with the same message;
 * CK_EIO when the file changes between the passes. On failure *out holds nothing.
 */
int ck__binned_table_read(ck__binned_table *out, const char *path, const ck_table_opts *opts,
                          int max_bins, ck_error *err);

/*
 * ck__binned_table_read() holding out the rows flagged by ck__held_out_mask(rows,
 * fraction, seed) (base/rng.h) in out->held_out, in file order, as
 * ck_pipeline_split_random() holds them out of the dataset. The edges are learned from the
 * other rows alone, so bins and held-out bins are those ck_gbm_train() makes of the two
 * datasets, byte for byte. Three passes: between the two of ck__binned_table_read(), one
 * that keeps the training rows the edges are learned from; the first also learns the
 * edges of every row (out->every_row) for a refit. Returns as ck__binned_table_read().
 */
int ck__binned_table_read_split(ck__binned_table *out, const char *path, const ck_table_opts *opts,
                                int max_bins, double fraction, uint64_t seed, ck_error *err);

/*
 * A table read with a split, read again into bins of every row (no held-out rows), as
 * ck__binned_table_read() and ck__binned_table_keep() to the same features would give
 * them: one pass, with the schema and the edges every_row the split's first pass learned.
 * CK_EIO when the file no longer has the rows it had; on failure *t holds nothing.
 */
int ck__binned_table_read_every_row(ck__binned_table *t, const char *path,
                                    const ck_table_opts *opts, ck_error *err);

/* Keep only the features of `kept` (a subset of the schema's, in its order), in place,
 * taking `kept` over. CK_OK, or CK_ENOMEM (kept still the caller's; free the table). */
int ck__binned_table_keep(ck__binned_table *t, ck_schema *kept, ck_error *err);

void ck__binned_table_free(ck__binned_table *t);

/* n_rows rows of `schema`'s features (n_rows × n_features, row-major, coded as in a
 * dataset) as a dataset: no labels, ids empty. (In dataset.c.) */
int ck__dataset_from_rows(ck_dataset **out, const ck_schema *schema, const float *rows,
                          size_t n_rows, ck_error *err);

/*
 * Rows [lo, hi) of `bins` as a dataset of `schema` (the bins' features), each value one
 * that falls in its bin (ck__bin_value()): what a model trained on the bins scores as it
 * would the rows themselves. No labels; ids empty. (In dataset.c, which owns the
 * dataset's insides.)
 */
int ck__dataset_from_bins(ck_dataset **out, const ck_schema *schema, const ck__bins *bins,
                          size_t lo, size_t hi, ck_error *err);

#endif
