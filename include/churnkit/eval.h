/**
 * @file eval.h
 * @brief Evaluating churn scores against known outcomes: one or two models (champion and
 *        challenger) and a baseline scored on the same rows, every metric of metrics.h,
 *        DeLong's comparison and bootstrap intervals; written as a text table, as JSON,
 *        or as one self-contained HTML report with charts.
 *
 * The evaluation copies what it is given; its results are plain structs read through
 * getters. Every function is reentrant on distinct objects.
 */
#ifndef CHURNKIT_EVAL_H
#define CHURNKIT_EVAL_H

#include <math.h> /* NAN in CK_EVAL_OPTS_INIT */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_model ck_model;

#define CK_EVAL_MAX_MODELS 2  /**< champion and challenger */
#define CK_EVAL_MAX_TOP    8  /**< "top k%" fractions */
#define CK_EVAL_GROUPS     10 /**< deciles of the gains table */
#define CK_EVAL_BINS       10 /**< bins of the reliability table */
#define CK_EVAL_MAX_GROUPS 16 /**< groups of rows measured apart (lifecycle stages) */

/** What to measure. */
typedef struct ck_eval_opts {
    double top[CK_EVAL_MAX_TOP]; /**< fractions for precision and recall at the top, (0, 1] */
    size_t n_top;
    double threshold; /**< probability for the confusion matrix; NaN: each model's own
                           threshold flagging its top 10% */
    size_t bootstrap; /**< resamples for the intervals; 0 for none */
    uint64_t seed;    /**< of the bootstrap */
    double level;     /**< of every interval, in (0, 1) */
    int n_threads;    /**< ≥ 1; results do not depend on it */
} ck_eval_opts;

#define CK_EVAL_OPTS_INIT                                                                          \
    {                                                                                              \
        { 0.05, 0.10, 0.20 }, 3, NAN, 0, 42, 0.95, 1                                               \
    }

/** The rows and the scores to evaluate. */
typedef struct ck_eval_input {
    size_t n_rows;
    const float *label;                             /**< 0 retained, 1 churned; n_rows values */
    size_t n_models;                                /**< 1 or 2 */
    const double *model_scores[CK_EVAL_MAX_MODELS]; /**< churn probabilities, n_rows each */
    const char *model_names[CK_EVAL_MAX_MODELS];    /**< shown in every output */
    const double *baseline;    /**< a ranking score (higher: riskier), or NULL for none */
    const char *baseline_name; /**< e.g. "recency baseline" */
    const char *description;   /**< what the rows are (shown in every output), or NULL */
    /* Groups of rows measured apart as well as together (lifecycle stages). */
    const char *const *group;       /**< each row's group, n_rows names (a NULL entry: in
                                         no group), or NULL for no groups */
    const char *const *group_names; /**< the groups in the order reported; every named
                                         group of a row must be one of them */
    size_t n_groups;                /**< ≤ CK_EVAL_MAX_GROUPS */
    const char *group_kind;         /**< what a group is, one word ("stage"): the JSON key
                                         "by_<kind>", each entry's name key and the text
                                         heading; NULL for "group" */
    const char *no_groups_note;     /**< without groups: why, shown in the text (e.g. "the
                                         table has no lifecycle_stage column"), or NULL */
} ck_eval_input;

/** The results for one model or the baseline. */
typedef struct ck_eval_result {
    char name[256];
    bool is_baseline; /**< a ranking, not probabilities: log loss, Brier, ECE and the
                           reliability table are NaN */
    double auc, pr_auc, logloss, brier, ks, ece, top_decile_lift;
    bool has_ci; /**< bootstrap intervals were computed */
    ck_bootstrap_ci ci;
    ck_confusion confusion; /**< at the threshold of the options (the baseline: its own
                                 top-10% threshold) */
    size_t n_top;
    ck_top_fraction top[CK_EVAL_MAX_TOP];
    ck_gains_row deciles[CK_EVAL_GROUPS];
    ck_calibration_bin calibration[CK_EVAL_BINS];
    bool has_vs_baseline;  /**< a model, and there is a baseline */
    ck_delong vs_baseline; /**< DeLong's test of baseline (a) against this model (b) */
} ck_eval_result;

/** The results on one group's rows alone: exactly what ck_eval_run() would give on those
 *  rows (without intervals and without DeLong's tests); metrics undefined on them (AUC
 *  when the group holds one class) are NaN. */
typedef struct ck_eval_group {
    char name[64];
    size_t n_rows, n_positives;
    ck_eval_result results[CK_EVAL_MAX_MODELS + 1]; /**< as ck_eval_result_at() */
} ck_eval_group;

/** Champion (model 0) against challenger (model 1). */
typedef struct ck_eval_comparison {
    ck_delong delong;       /**< diff = AUC(challenger) − AUC(champion) */
    bool has_boot_ci;       /**< with the bootstrap */
    double boot_diff_ci[2]; /**< the percentile interval of the same difference */
} ck_eval_comparison;

/** An evaluation. Free with ck_eval_free(). */
typedef struct ck_eval ck_eval;

/**
 * Measure everything, on all rows and, with groups, on each group's rows alone by the
 * same code. Rows whose label is neither 0 nor 1 are refused, as are model scores that
 * are not probabilities in [0, 1] and groups not among the group names.
 * @param[out] out  the evaluation, NULL on failure; free with ck_eval_free()
 * @return CK_OK, CK_EINVAL (no rows, a bad label, a bad probability, an unknown group,
 *         bad options: the message says which), CK_ENOMEM
 */
CK_API int ck_eval_run(ck_eval **out, const ck_eval_input *in, const ck_eval_opts *opts,
                       ck_error *err);

/** Free an evaluation; accepts NULL. */
CK_API void ck_eval_free(ck_eval *ev);

CK_API size_t ck_eval_n_rows(const ck_eval *ev);
/** Rows labelled churned. */
CK_API size_t ck_eval_n_positives(const ck_eval *ev);
/** The options used (borrowed). */
CK_API const ck_eval_opts *ck_eval_options(const ck_eval *ev);
/** The description given, "" when none (borrowed). */
CK_API const char *ck_eval_description(const ck_eval *ev);
/** The number of results: the models, then the baseline when there is one. */
CK_API size_t ck_eval_n_results(const ck_eval *ev);
/** Result @p k (borrowed, valid until the evaluation is freed). */
CK_API const ck_eval_result *ck_eval_result_at(const ck_eval *ev, size_t k);
CK_API size_t ck_eval_n_models(const ck_eval *ev);
/** The comparison of the two models (borrowed), or NULL with one model. */
CK_API const ck_eval_comparison *ck_eval_comparison_of(const ck_eval *ev);
/** Result @p k's scores, n_rows values (borrowed). */
CK_API const double *ck_eval_scores(const ck_eval *ev, size_t k);
/** The labels, n_rows values (borrowed). */
CK_API const float *ck_eval_labels(const ck_eval *ev);
/** The groups holding rows, in the order of ck_eval_input.group_names (0 without groups). */
CK_API size_t ck_eval_n_groups(const ck_eval *ev);
/** Group @p g (borrowed, valid until the evaluation is freed), or NULL past the end. */
CK_API const ck_eval_group *ck_eval_group_at(const ck_eval *ev, size_t g);
/** What a group is ("stage"; "group" when not given) (borrowed). */
CK_API const char *ck_eval_group_kind(const ck_eval *ev);
/** Why there are no groups, "" when not said or when there are groups (borrowed). */
CK_API const char *ck_eval_no_groups_note(const ck_eval *ev);

/**
 * The readable table: one row per model and the baseline (AUC, PR AUC, log loss, Brier,
 * KS, ECE, top-decile lift), the bootstrap intervals, precision and recall at the top
 * fractions, the confusion matrices, DeLong's comparison, and the same metrics group by
 * group (or the note saying why there are no groups).
 * @return CK_OK or CK_EIO (a write error)
 */
CK_API int ck_eval_write_text(const ck_eval *ev, FILE *out, ck_error *err);

/**
 * JSON with every number (DESIGN.md fixes the keys rows, positives, models[].model,
 * models[].metrics.{auc, pr_auc, logloss, brier, ks, ece, top_decile_lift},
 * models[].auc_ci, comparison.{auc_diff, auc_diff_ci, delong_z, delong_p}; more keys sit
 * beside them). With groups, each model and the baseline get "by_<kind>": [{"<kind>",
 * "rows", "positives", "metrics": {the same keys}}], the groups holding rows in order.
 * Undefined numbers are null.
 * @return CK_OK or CK_EIO
 */
CK_API int ck_eval_write_json(const ck_eval *ev, FILE *out, ck_error *err);

/** What the report shows beyond the evaluation. */
typedef struct ck_eval_report_info {
    const char *title;                          /**< NULL for a default */
    const ck_model *models[CK_EVAL_MAX_MODELS]; /**< the evaluated models, for their
                                                     shape functions, importances or
                                                     coefficients; entries may be NULL */
} ck_eval_report_info;

/**
 * One self-contained HTML file (inline SVG and CSS; no script, nothing fetched): the
 * summary and verdict, ROC and precision–recall curves, cumulative gains, lift by decile,
 * the calibration plot, score distributions by class, the metric tables, AUC by group
 * (a chart and a table of every metric, when there are groups), and per model
 * its importances and the shape functions of its top features (stumps models) or its
 * coefficients (logistic models).
 * @return CK_OK, CK_EIO, CK_ENOMEM
 */
CK_API int ck_eval_write_report(const ck_eval *ev, const ck_eval_report_info *info, FILE *out,
                                ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
