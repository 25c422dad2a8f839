/**
 * @file uplift_eval.h
 * @brief Evaluating an uplift model on held-out randomised-experiment data, one treatment
 *        arm against control: the Qini and uplift curves, the areas between them and the
 *        random line, the Qini coefficient, the uplift among the top 10/20/30/50% with
 *        Newcombe intervals, the uplift by decile, and a bootstrap interval of the Qini
 *        coefficient. Written as JSON (one arm's object), as a short text summary, or as
 *        an HTML report of one model's arms (src/eval/uplift_report.c).
 *
 * The caller passes, per row, the model's predicted uplift for this arm, whether the row
 * was in this arm (else in control; rows of other arms are left out by the caller), the
 * outcome (0/1) and an id; it loops over the arms itself. Rows are ordered by predicted
 * uplift, highest first, ties broken by id (strcmp, ascending), then by input position.
 * The exact formulas are in docs/EVAL.md, section "Uplift". Every function is reentrant
 * on distinct objects.
 */
#ifndef CHURNKIT_UPLIFT_EVAL_H
#define CHURNKIT_UPLIFT_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The top fractions of uplift_at: 0.1, 0.2, 0.3 and 0.5 of the rows. */
#define CK_UPLIFT_EVAL_N_AT 4
/** Groups of the by-decile table. */
#define CK_UPLIFT_EVAL_DECILES 10
/** Room for the arm's name, its NUL included. */
#define CK_UPLIFT_EVAL_ARM_LEN 64

/** One arm against control, one row per customer (borrowed arrays of n values each). */
typedef struct ck_uplift_eval_input {
    const char *arm;       /**< the arm's name (shown in the outputs); NULL for "treatment";
                                at most 63 bytes */
    size_t n;              /**< rows, ≥ 2 */
    const double *score;   /**< predicted uplift, finite */
    const bool *treated;   /**< true: in this arm; false: in control. Both must occur */
    const int *outcome;    /**< 0 or 1 */
    const char *const *id; /**< non-NULL strings, breaking ties of score */
} ck_uplift_eval_input;

/** Options of ck_uplift_eval_run(). */
typedef struct ck_uplift_eval_params {
    size_t bootstrap; /**< resamples for the Qini coefficient's interval; 0 for none */
    uint64_t seed;    /**< the resamples' seed: the interval depends on it alone */
} ck_uplift_eval_params;

/** No bootstrap. */
#define CK_UPLIFT_EVAL_PARAMS_INIT                                                                 \
    {                                                                                              \
        0, 0                                                                                       \
    }

/** Treated against control in a group of rows. Rates and uplift are NaN when their group
 *  (treated or control) has no rows; low/high are NaN when either has none. */
typedef struct ck_uplift_group {
    size_t rows, treated, control;               /**< counts */
    size_t treated_positives, control_positives; /**< outcomes 1 */
    double treated_rate, control_rate;           /**< positives / rows of each group */
    double uplift;                               /**< treated_rate − control_rate */
    double low, high; /**< Newcombe's hybrid score 95% interval of the uplift (method 10) */
} ck_uplift_group;

/** The uplift among the first ⌈fraction · n⌉ rows of the order. */
typedef struct ck_uplift_at {
    double fraction; /**< 0.1, 0.2, 0.3, 0.5 */
    ck_uplift_group g;
} ck_uplift_at;

/** The curves after the first k rows of the order. */
typedef struct ck_uplift_curve_point {
    size_t rows;   /**< k */
    double qini;   /**< Q(k) = Y_T(k) − Y_C(k)·N_T(k)/N_C(k), the last term 0 when N_C(k) = 0 */
    double uplift; /**< U(k) = (Y_T(k)/N_T(k) − Y_C(k)/N_C(k))·k, each rate 0 when its group
                        is empty */
} ck_uplift_curve_point;

/** An evaluation; made by ck_uplift_eval_run(), which owns its curve. */
typedef struct ck_uplift_eval {
    char arm[CK_UPLIFT_EVAL_ARM_LEN];
    ck_uplift_group all;       /**< the whole data set (its uplift is the average effect) */
    double qini;               /**< the Qini coefficient: qini_area / perfect_qini_area; NaN
                                    when the perfect area is 0 */
    double qini_area;          /**< ∫ Q over x = k/n minus the random line's area Q(n)/2 */
    double perfect_qini_area;  /**< the same for the perfect ordering */
    double auuc;               /**< ∫ U over x = k/n minus the random line's area U(n)/2 */
    double perfect_auuc;       /**< the same for the perfect ordering (non-responders
                                    control first, then treated) */
    double uplift_coefficient; /**< auuc / perfect_auuc; NaN when the perfect area is 0 */
    ck_uplift_at at[CK_UPLIFT_EVAL_N_AT];
    ck_uplift_group deciles[CK_UPLIFT_EVAL_DECILES]; /**< rows [⌊g·n/10⌋, ⌊(g+1)·n/10⌋);
                                                          their low/high are NaN */
    ck_uplift_curve_point *curve;                    /**< n + 1 points, k = 0..n */
    size_t n_curve;
    size_t bootstrap;       /**< resamples drawn (0: no interval) */
    size_t bootstrap_valid; /**< those with a defined Qini coefficient */
    uint64_t seed;
    double qini_low, qini_high; /**< the 95% percentile interval; NaN without bootstrap */
} ck_uplift_eval;

/**
 * Evaluate one arm against control.
 * @param[out] out  the evaluation (NULL on failure); free with ck_uplift_eval_free()
 * @param params    NULL for CK_UPLIFT_EVAL_PARAMS_INIT
 * @return CK_OK, CK_EINVAL (fewer than 2 rows; no treated or no control row; a score that
 *         is not finite, an outcome other than 0/1 or a NULL id, named with its row and
 *         line = row + 1; an arm name too long), CK_ENOMEM
 */
CK_API int ck_uplift_eval_run(ck_uplift_eval **out, const ck_uplift_eval_input *in,
                              const ck_uplift_eval_params *params, ck_error *err);

/** Free an evaluation; accepts NULL. */
CK_API void ck_uplift_eval_free(ck_uplift_eval *ue);

/**
 * The arm's JSON object, followed by a newline:
 * {"arm", "qini", "qini_area", "auuc", "perfect_qini_area", "uplift_coefficient",
 *  "perfect_auuc", "rows", "treated", "control",
 *  "uplift_at": {"0.1": {"uplift", "low", "high", "treated", "control", "rows",
 *  "treated_rate", "control_rate"}, "0.2", "0.3", "0.5"},
 *  "deciles": [{"decile", "rows", "treated", "control", "treated_rate", "control_rate",
 *  "uplift"}, … 10], "qini_interval": [lo, hi] or null, "bootstrap",
 *  "curve": [{"fraction", "rows", "qini", "uplift"}, … at most 101]}.
 * The curve is thinned to k = ⌊j·n/100⌋, j = 0..100 (every k when n ≤ 100). Undefined
 * numbers are null.
 * @return CK_OK, CK_EIO, CK_ENOMEM
 */
CK_API int ck_uplift_eval_write_json(const ck_uplift_eval *ue, FILE *out, ck_error *err);

/**
 * The readable summary: the counts, the Qini coefficient (with its interval), the uplift
 * coefficient, the areas, the uplift at the top fractions and by decile.
 * @return CK_OK or CK_EIO (a write error)
 */
CK_API int ck_uplift_eval_write_text(const ck_uplift_eval *ue, FILE *out, ck_error *err);

/** What the report says about where its numbers come from. */
typedef struct ck_uplift_report_info {
    const char *title;      /**< NULL for "Uplift evaluation" */
    const char *model_name; /**< the model evaluated (a file name, say), or NULL */
} ck_uplift_report_info;

/**
 * One self-contained HTML page (inline SVG and CSS, no script, nothing fetched; the look
 * of ck_eval_write_report()) for the treatment arms of one model, in the order given. Per
 * arm: the headline numbers (treated and control rows, the overall uplift with its
 * interval, the Qini coefficient with its bootstrap interval when there is one, the uplift
 * coefficient), the Qini curve with the random line and the perfect ordering's curve, the
 * uplift curve with the random line, the uplift by decile as bars with the overall uplift
 * as a reference line, and the uplift among the top 10/20/30/50% with Newcombe intervals.
 * Undefined numbers show as "n/a".
 * @param arms  n_arms evaluations (borrowed), each of one arm against control
 * @param info  NULL for the defaults
 * @param out   the page is written here; the caller opens and closes it
 * @return CK_OK, CK_EIO (a write error), CK_ENOMEM
 */
CK_API int ck_uplift_eval_write_report(const ck_uplift_eval *const *arms, size_t n_arms,
                                       const ck_uplift_report_info *info, FILE *out, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
