/**
 * @file features.h
 * @brief The feature builder: a per-customer feature table as of a cutoff, with the churn
 *        label, lifecycle stage and RFM scores. docs/FEATURES.md defines every column.
 *
 * No look-ahead by construction: a customer's features are computed from the events
 * strictly before the cutoff alone; only the label reads later events.
 */
#ifndef CHURNKIT_FEATURES_H
#define CHURNKIT_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;
typedef struct ck_events ck_events;
typedef struct ck_customers ck_customers;

/** A feature table for one cutoff. Free with ck_features_free(). */
typedef struct ck_features ck_features;

/** How to build a table. */
typedef struct ck_features_opts {
    const ck_config *config;       /**< NULL for defaults */
    const ck_customers *customers; /**< attributes and signup dates, or NULL */
    bool all_customers;            /**< every customer with an event before the cutoff,
                                        not only the population of DESIGN.md */
    int n_threads;                 /**< ≥ 1; the table is identical for any count */
    ck_progress_fn progress;       /**< may be NULL */
    void *progress_payload;
    bool no_label; /**< scoring: no label, however far the data reaches past the cutoff */
} ck_features_opts;

#define CK_FEATURES_OPTS_INIT                                                                      \
    {                                                                                              \
        NULL, NULL, false, 1, NULL, NULL, false                                                    \
    }

/** A categorical cell with no value. */
#define CK_MISSING_CODE UINT32_MAX

/**
 * Build the table as of @p cutoff (Unix seconds; normally the start of a UTC day).
 *
 * Rows are the population — customers with a purchase in [T − lookback, T) — or, with
 * `all_customers`, every customer with an event before T; in the store's customer order.
 * The label is present when the horizon [T + gap, T + gap + horizon) ends no later than
 * the end of the last day that has an event, unless `no_label`.
 *
 * @param[out] out  the table; free with ck_features_free()
 * @return CK_OK, CK_EINVAL (bad options), CK_ENOMEM
 */
CK_API int ck_features_build(ck_features **out, const ck_events *ev, int64_t cutoff,
                             const ck_features_opts *opts, ck_error *err);

/** Free a table; accepts NULL. */
CK_API void ck_features_free(ck_features *f);

CK_API int64_t ck_features_cutoff(const ck_features *f);
CK_API size_t ck_features_n_rows(const ck_features *f);
CK_API size_t ck_features_n_columns(const ck_features *f);

/** Column @p j's name (borrowed), and its index by name (-1 when absent). */
CK_API const char *ck_features_column_name(const ck_features *f, size_t j);
CK_API long ck_features_column_index(const ck_features *f, const char *name);

/** Whether column @p j is categorical (codes and levels) rather than numeric. */
CK_API bool ck_features_is_categorical(const ck_features *f, size_t j);

/** A numeric column's values, one per row, NaN when missing (borrowed). */
CK_API const double *ck_features_values(const ck_features *f, size_t j);

/** A categorical column's level codes, one per row, CK_MISSING_CODE when missing. */
CK_API const uint32_t *ck_features_codes(const ck_features *f, size_t j);
CK_API size_t ck_features_n_levels(const ck_features *f, size_t j);
CK_API const char *ck_features_level(const ck_features *f, size_t j, uint32_t code);

/** Row @p i's customer id (borrowed). */
CK_API const char *ck_features_row_id(const ck_features *f, size_t i);

/**
 * Whether the table has labels, and the labels, one per row: 1 churned, 0 retained, -1 for
 * rows outside the population (only with `all_customers`). NULL without labels.
 */
CK_API bool ck_features_has_label(const ck_features *f);
CK_API const int8_t *ck_features_labels(const ck_features *f);

/** Give the table labels of the caller's own, one per row (1, 0, or -1 to leave the row out
 *  of a dataset made from the table): an experiment's outcomes, say, in place of churn. */
CK_API void ck_features_set_labels(ck_features *f, const int8_t *labels);

/** The RFM boundaries used, [R, F, M][4], from the config or the population. */
CK_API void ck_features_rfm_bounds(const ck_features *f, double out[3][4]);

/**
 * Write tables as CSV: customer_id, a `cutoff` column (YYYY-MM-DD) when more than one
 * table is given, the feature columns, then `label` when every table has labels.
 * Numbers are written with up to 10 significant digits; missing values as empty cells.
 * @return CK_OK, CK_EINVAL (tables with different columns), CK_EIO (write error)
 */
CK_API int ck_features_write_csv(const ck_features *const *tables, size_t n_tables, FILE *out,
                                 char delimiter, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
