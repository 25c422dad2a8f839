/**
 * @file value_eval.h
 * @brief Evaluating a customer-value (BG/NBD) model out of time: each customer's expected
 *        purchases in a holdout window against the purchases that happened, beside a naive
 *        baseline; by calibration frequency; and the cumulative repeat purchases over time
 *        (the "tracking plot"). Written as a text summary, as JSON, or as one
 *        self-contained HTML report with the two charts of Fader, Hardie & Lee (2005).
 *
 * The caller computes the per-customer numbers (the model's expected purchases in
 * [T, T + H), the actual ones, the baseline) and, for the tracking plot, the customers'
 * first-purchase times and the times of the repeat purchases; the evaluation copies what
 * it keeps. Every function is reentrant on distinct objects.
 */
#ifndef CHURNKIT_VALUE_EVAL_H
#define CHURNKIT_VALUE_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "churnkit/bgnbd.h"
#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Rows of the by-frequency table: x = 0, 1, …, 6, then x ≥ 7 ("7+"). */
#define CK_VALUE_EVAL_FREQ_ROWS 8

/** The holdout comparison, one row per customer (borrowed arrays of n values each). */
typedef struct ck_value_eval_input {
    size_t n;                /**< customers, ≥ 1 */
    const double *x;         /**< calibration repeat purchases, whole numbers ≥ 0 */
    const double *predicted; /**< the model's expected purchases in the holdout, ≥ 0 */
    const double *actual;    /**< purchases in the holdout (distinct purchase days in
                                  [T, T + H)), ≥ 0 */
    const double *baseline;  /**< the naive forecast (past purchase rate × H), ≥ 0 */
    double horizon;          /**< H, the holdout's length in time_unit, > 0 */
    const char *time_unit;   /**< "day", "week", …: what times are counted in (shown in
                                  every output); NULL for "day"; at most 15 bytes */
} ck_value_eval_input;

/** The cumulative repeat-purchase curve (FHL 2005, Figure 2): all times in the same unit
 *  and from the same origin (e.g. weeks since the first day of the data). */
typedef struct ck_value_tracking_input {
    ck_bgnbd_params params; /**< the fitted model */
    const double *first;    /**< each customer's first-purchase time s_i, ≥ 0 */
    size_t n_customers;     /**< ≥ 1 */
    const double *repeats;  /**< the time of every actual repeat purchase (a purchase day
                                 after its customer's first), ≥ 0, any order */
    size_t n_repeats;       /**< may be 0 */
    const double *grid;     /**< the times t_0 < t_1 < … at which to count, ≥ 0 */
    size_t n_grid;          /**< ≥ 1 */
    double calibration_end; /**< where calibration ends (the cutoff), ≥ 0: the charts
                                 draw a line there */
} ck_value_tracking_input;

/** The totals and errors of one forecast against the actual purchases. */
typedef struct ck_value_metrics {
    double predicted_total, actual_total; /**< sums over customers */
    double mae;                           /**< mean |predicted − actual| */
    double rmse;                          /**< √ mean (predicted − actual)² */
    double spearman; /**< Spearman's rank correlation of predicted and actual (average
                          ranks for ties); NaN when either is constant */
} ck_value_metrics;

/** One row of the by-frequency table: customers with a number of calibration repeat
 *  purchases, and their mean holdout purchases (NaN when the row has no customers). */
typedef struct ck_value_frequency {
    size_t customers;
    double predicted, actual, baseline; /**< means over the row's customers */
} ck_value_frequency;

/** One point of the tracking curve. */
typedef struct ck_value_tracking_point {
    double t;         /**< the grid time */
    double predicted; /**< Σ_i E[X(t − s_i)] over the customers with s_i < t (FHL eq. 7) */
    double actual;    /**< repeat purchases at times ≤ t */
} ck_value_tracking_point;

/** An evaluation; made by ck_value_eval_run(), which owns its arrays. */
typedef struct ck_value_eval {
    size_t n_customers;
    double horizon;
    char time_unit[16];
    ck_value_metrics model, baseline;
    ck_value_frequency by_frequency[CK_VALUE_EVAL_FREQ_ROWS]; /**< [k]: x = k for k < 7;
                                                                   [7]: x ≥ 7 */
    bool has_tracking;
    double calibration_end;            /**< NaN without tracking */
    ck_value_tracking_point *tracking; /**< n_tracking points, the grid's order; NULL
                                            without tracking */
    size_t n_tracking;
} ck_value_eval;

/**
 * Evaluate: the metrics of the model and of the baseline, the by-frequency table and, when
 * @p tracking is given, the tracking curve. The predicted curve groups the customers by
 * equal s_i, so its cost is (distinct first-purchase times) × (grid points) evaluations of
 * ck_bgnbd_expected_unconditional().
 * @param[out] out   the evaluation (NULL on failure); free with ck_value_eval_free()
 * @param tracking   NULL for no tracking curve
 * @return CK_OK, CK_EINVAL (no customers; a value that is not finite or is negative, or an
 *         x that is not whole, named with its array and line = row + 1; a time unit too
 *         long; a grid not strictly increasing; bad BG/NBD parameters; values so large
 *         that their totals overflow; a grid time so far past α that E[X(t)] does not
 *         converge, see ck_bgnbd_expected_unconditional()), CK_ENOMEM
 */
CK_API int ck_value_eval_run(ck_value_eval **out, const ck_value_eval_input *in,
                             const ck_value_tracking_input *tracking, ck_error *err);

/** Free an evaluation; accepts NULL. */
CK_API void ck_value_eval_free(ck_value_eval *ve);

/**
 * The readable summary: totals, MAE, RMSE and Spearman of the model and the baseline, the
 * by-frequency table, and the tracking curve at the end of calibration and at its end.
 * @return CK_OK or CK_EIO (a write error)
 */
CK_API int ck_value_eval_write_text(const ck_value_eval *ve, FILE *out, ck_error *err);

/**
 * The JSON object that churn-eval puts under "value", followed by a newline:
 * {"predicted_total", "actual_total", "mae", "rmse", "spearman",
 *  "baseline": {the same five keys},
 *  "by_frequency": [{"x", "customers", "predicted", "actual", "baseline"}, …],
 *  "tracking": [{"t", "predicted", "actual"}, …], "calibration_end", "horizon",
 *  "time_unit", "customers"}.
 * "x" is the number 0, 1, …, 6 and, in the last entry (x ≥ 7), the string "7+"; the
 * entries' "predicted", "actual" and "baseline" are means over their customers. Numbers
 * are the shortest of %.15g/%.16g/%.17g that reads back exactly; undefined ones (a
 * Spearman of a constant, the means of an empty row, calibration_end without tracking)
 * are null; "tracking" is [] without tracking.
 * @return CK_OK, CK_EIO, CK_ENOMEM
 */
CK_API int ck_value_eval_write_json(const ck_value_eval *ve, FILE *out, ck_error *err);

/** What the report shows beyond the evaluation. */
typedef struct ck_value_report_info {
    const char *title;       /**< NULL for "Customer value evaluation" */
    const char *description; /**< a line under the title (data, cutoff), or NULL */
} ck_value_report_info;

/**
 * One self-contained HTML file (inline SVG and CSS, no script, nothing fetched; the look
 * of ck_eval_write_report()): the headline numbers of the model and the baseline, mean
 * predicted against actual holdout purchases by calibration repeat purchases (0, …, 6,
 * 7+), the cumulative repeat purchases over time, predicted against actual, with a line
 * at the end of calibration (when the evaluation has a tracking curve), and the tables.
 * @param info  NULL for the defaults
 * @return CK_OK, CK_EIO, CK_ENOMEM
 */
CK_API int ck_value_eval_write_report(const ck_value_eval *ve, const ck_value_report_info *info,
                                      FILE *out, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
