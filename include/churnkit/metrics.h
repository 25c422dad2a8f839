/**
 * @file metrics.h
 * @brief Ranking and probability metrics of churn scores against 0/1 labels, DeLong's test
 *        for two correlated AUCs, and percentile bootstrap intervals.
 *
 * Conventions shared by every function here:
 * - a label is positive (churned) when above 0.5;
 * - weights, when given (non-NULL), weigh each row; NULL means every row weighs 1;
 * - a higher score means more likely to churn; rows are ranked by score, ties broken by
 *   nothing: a tie group is always treated as a whole (a metric that cuts the ranking at
 *   a fraction of the rows takes the same share of every class from a group the cut runs
 *   through, the expected value over random tie-breaking), so no result depends on the
 *   order of the rows;
 * - NaN scores rank below every number, as one tie group of their own;
 * - sums are compensated and run in a fixed order, so results are the same everywhere.
 *
 * Every function is reentrant.
 */
#ifndef CHURNKIT_METRICS_H
#define CHURNKIT_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties
 * counting one half (Mann–Whitney U / (n₊ n₋)). Weights, when given, weigh each pair by
 * the product of its rows' weights.
 * @param weights NULL for unit weights
 * @param[out] out the AUC; NaN when one class is absent
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_metrics_auc(double *out, const double *score, const float *label,
                          const float *weights, size_t n, ck_error *err);

/** Mean log loss of probabilities (clipped to [1e-15, 1 − 1e-15]), weighted when given. */
CK_API double ck_metrics_logloss(const double *prob, const float *label, const float *weights,
                                 size_t n);

/**
 * Brier score: the mean squared difference between probability and label (Brier 1950),
 * weighted when given; 0 is perfect, 0.25 is a constant 1/2. NaN without rows.
 */
CK_API double ck_metrics_brier(const double *prob, const float *label, const float *weights,
                               size_t n);

/**
 * Average precision, the area under the precision–recall curve as a step function:
 * AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ over the distinct scores from the highest down, Pₖ and Rₖ the
 * precision and recall of flagging every row scoring at least the k-th score (a tie group
 * is one step). This is scikit-learn's average_precision_score; unlike the trapezoidal
 * area it is not optimistic (Davis & Goadrich 2006).
 * @param[out] out AP; NaN when there is no positive
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_metrics_average_precision(double *out, const double *score, const float *label,
                                        const float *weights, size_t n, ck_error *err);

/**
 * The two-sample Kolmogorov–Smirnov statistic between the scores of positives and of
 * negatives: the largest distance between their cumulative distributions, max |TPR − FPR|
 * over every threshold (for a useful churn model, the best threshold's TPR − FPR).
 * @param[out] out KS in [0, 1]; NaN when one class is absent
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_metrics_ks(double *out, const double *score, const float *label, const float *weights,
                         size_t n, ck_error *err);

/** One bin of a reliability table. */
typedef struct ck_calibration_bin {
    double lo, hi;        /**< the bin: [lo, hi), the last one closed */
    double rows;          /**< rows (their weight) in the bin */
    double mean_prob;     /**< mean predicted probability; NaN for an empty bin */
    double positive_rate; /**< observed share of positives; NaN for an empty bin */
} ck_calibration_bin;

/**
 * Reliability table over @p n_bins equal-width bins of [0, 1] and the expected
 * calibration error ECE = Σ_b (rows_b / rows) |positive_rate_b − mean_prob_b| (Naeini,
 * Cooper & Hauskrecht 2015; Guo et al. 2017, eq. 3).
 * @param[out] bins     n_bins bins
 * @param[out] ece_out  ECE (may be NULL); NaN without rows
 * @return CK_OK, CK_EINVAL (n_bins 0, or a probability that is NaN or outside [0, 1]:
 *         the message names the row, counted from 1)
 */
CK_API int ck_metrics_calibration(ck_calibration_bin *bins, size_t n_bins, double *ece_out,
                                  const double *prob, const float *label, const float *weights,
                                  size_t n, ck_error *err);

/** One group of a gains table (rows ranked by descending score, cut in equal parts). */
typedef struct ck_gains_row {
    double rows;                    /**< rows (their weight) in the group */
    double positives;               /**< positives (their weight) in the group */
    double min_score, max_score;    /**< scores of the rows the group holds, wholly or partly */
    double rate;                    /**< positives / rows */
    double lift;                    /**< rate / the overall positive rate */
    double cum_rows, cum_positives; /**< this group and every higher one */
    double cum_gain; /**< cum_positives / all positives: the share of churners caught */
    double cum_lift; /**< (cum_positives / cum_rows) / the overall positive rate */
} ck_gains_row;

/**
 * Cumulative gains and lift table: rows ranked by descending score and cut into
 * @p n_groups groups of equal weight (10: deciles), a tie group across a cut shared
 * between both sides in proportion (see the conventions above). Group 0 is the riskiest;
 * its lift is the top-decile lift when n_groups is 10.
 * @param[out] groups n_groups rows; lifts and rates are NaN without rows or positives
 * @return CK_OK, CK_EINVAL (n_groups 0), CK_ENOMEM
 */
CK_API int ck_metrics_gains(ck_gains_row *groups, size_t n_groups, const double *score,
                            const float *label, const float *weights, size_t n, ck_error *err);

/** The top of the ranking: what flagging a fraction of the riskiest rows catches. */
typedef struct ck_top_fraction {
    double fraction;  /**< of all rows (their weight) */
    double rows;      /**< rows flagged: fraction × all rows */
    double positives; /**< positives among them */
    double precision; /**< positives / rows */
    double recall;    /**< positives / all positives */
    double lift;      /**< precision / the overall positive rate */
} ck_top_fraction;

/**
 * Precision, recall and lift among the top @p fractions of rows by score (each in
 * (0, 1]), a tie group across the cut counted in proportion.
 * @param[out] out one entry per fraction; NaN where undefined (no positives)
 * @return CK_OK, CK_EINVAL (a fraction outside (0, 1]), CK_ENOMEM
 */
CK_API int ck_metrics_top(ck_top_fraction *out, const double *fractions, size_t n_fractions,
                          const double *score, const float *label, const float *weights, size_t n,
                          ck_error *err);

/**
 * The score threshold that flags the top @p fraction of rows: the highest score t such
 * that the rows scoring at least t weigh at least fraction × all rows. Flagging
 * `score >= t` may flag more than the fraction when t is tied.
 * @param[out] out the threshold; NaN without rows (or with only NaN scores)
 * @return CK_OK, CK_EINVAL (fraction outside (0, 1]), CK_ENOMEM
 */
CK_API int ck_metrics_top_threshold(double *out, double fraction, const double *score,
                                    const float *weights, size_t n, ck_error *err);

/** A confusion matrix at a threshold, and what follows from it. */
typedef struct ck_confusion {
    double threshold;
    double tp, fp, fn, tn; /**< rows (their weight); flagged means score >= threshold */
    double precision;      /**< tp / (tp + fp); NaN when nothing is flagged */
    double recall;         /**< tp / (tp + fn), the true positive rate */
    double specificity;    /**< tn / (tn + fp) */
    double accuracy;       /**< (tp + tn) / all */
    double f1;             /**< 2 tp / (2 tp + fp + fn) */
    double flagged_rate;   /**< (tp + fp) / all */
} ck_confusion;

/** The confusion matrix of flagging `score >= threshold` (a NaN score is never flagged). */
CK_API void ck_metrics_confusion(ck_confusion *out, double threshold, const double *score,
                                 const float *label, const float *weights, size_t n);

/** One point of the ranking curve: flagging every row scoring at least @p threshold. */
typedef struct ck_curve_point {
    double threshold;
    double tp, fp; /**< positives and negatives (their weight) flagged */
} ck_curve_point;

/**
 * The ranking curve from which ROC (fp / N, tp / P), precision–recall (tp / P,
 * tp / (tp + fp)) and gains ((tp + fp) / all, tp / P) curves follow: one point per
 * distinct score, from the highest down (the last point flags every row).
 * @param[out] points   room for n points
 * @param[out] n_points how many were written (the number of distinct scores)
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_metrics_curve(ck_curve_point *points, size_t *n_points, const double *score,
                            const float *label, const float *weights, size_t n, ck_error *err);

/** DeLong's test of two correlated AUCs measured on the same rows. */
typedef struct ck_delong {
    double auc_a, auc_b;
    double var_a, var_b; /**< variance of each AUC estimate */
    double cov;          /**< their covariance */
    double diff;         /**< auc_b − auc_a */
    double se;           /**< standard error of diff */
    double z;            /**< diff / se; 0 when both are 0 */
    double p;            /**< two-sided p-value of z under the standard normal */
    double ci[2];        /**< the @p level confidence interval of diff: diff ± z_{1−α/2} se */
} ck_delong;

/**
 * DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more
 * correlated receiver operating characteristic curves: a nonparametric approach",
 * Biometrics 44(3): the variance of each AUC and their covariance from the structural
 * components (placement values) of each row, computed in O(n log n) from mid-ranks as in
 * Sun & Xu (2014), "Fast implementation of DeLong's algorithm", IEEE Signal Processing
 * Letters 21(11). Unweighted.
 * @param level  of the interval of the difference, in (0, 1), e.g. 0.95
 * @param[out] out the test
 * @return CK_OK, CK_EINVAL (fewer than 2 positives or 2 negatives, bad level), CK_ENOMEM
 */
CK_API int ck_metrics_delong(ck_delong *out, const double *score_a, const double *score_b,
                             const float *label, size_t n, double level, ck_error *err);

/** How to bootstrap. */
typedef struct ck_bootstrap_opts {
    size_t resamples; /**< ≥ 1 */
    uint64_t seed;    /**< the same seed gives the same intervals, for any n_threads */
    double level;     /**< of the intervals, in (0, 1) */
    int n_threads;    /**< ≥ 1 */
} ck_bootstrap_opts;

#define CK_BOOTSTRAP_OPTS_INIT                                                                     \
    {                                                                                              \
        1000, 42, 0.95, 1                                                                          \
    }

/** Percentile intervals of one score's metrics. */
typedef struct ck_bootstrap_ci {
    double auc[2], pr_auc[2], top_decile_lift[2];
    /** resamples in which the statistic was defined (both classes present; a positive) */
    size_t n_valid;
} ck_bootstrap_ci;

/**
 * Percentile bootstrap intervals (Efron & Tibshirani 1993, "An Introduction to the
 * Bootstrap", ch. 13) of the AUC, average precision and top-decile lift of each score,
 * from the same resamples of the rows (drawn with replacement, n of n), so the scores'
 * intervals are paired; and of the AUC difference scores[1] − scores[0] when two or more
 * are given. The bounds are the (1 − level)/2 and (1 + level)/2 quantiles of the resample
 * values, interpolated linearly between order statistics (Hyndman & Fan 1996, type 7).
 * Resample r draws from its own random stream (seed, r), so the result does not depend on
 * the thread count. Unweighted.
 * @param scores     n_scores arrays of n scores
 * @param[out] out   n_scores intervals
 * @param[out] diff_ci  the interval of the AUC difference (may be NULL; NaN with one score)
 * @return CK_OK, CK_EINVAL (bad options), CK_ENOMEM
 */
CK_API int ck_metrics_bootstrap(ck_bootstrap_ci *out, double diff_ci[2],
                                const double *const *scores, size_t n_scores, const float *label,
                                size_t n, const ck_bootstrap_opts *opts, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
