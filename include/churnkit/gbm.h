/**
 * @file gbm.h
 * @brief Gradient-boosted stumps for log loss, compiled into one piecewise-constant
 *        function per feature.
 *
 * Training follows the histogram method (Ke et al., "LightGBM", NIPS 2017; Chen &
 * Guestrin, "XGBoost", KDD 2016) at depth 1. Each round fits one stump to the gradients
 * of the log loss: a numeric split `x <= threshold` with missing values sent to the side
 * that gains most, or a categorical split of a set of levels against the rest. Because
 * every stump reads one feature, the ensemble is a generalised additive model:
 * logit = base + Σ_j f_j(x_j); each f_j is compiled into a step table, so scoring costs
 * O(features × log bins) whatever the number of rounds, and f_j(x_j) is the exact
 * contribution of feature j.
 */
#ifndef CHURNKIT_GBM_H
#define CHURNKIT_GBM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Training parameters. */
typedef struct ck_gbm_params {
    int rounds;              /**< boosting rounds (upper bound with early stopping) */
    double learning_rate;    /**< shrinkage of each stump */
    int max_bins;            /**< quantile bins per numeric feature, 2–255 */
    double lambda;           /**< L2 penalty on leaf values */
    double min_child_weight; /**< least hessian sum on each side of a split */
    int min_samples_leaf;    /**< least rows on each side of a split */
    int patience;            /**< stop after this many rounds without validation gain; 0 off */
    double pos_weight;       /**< weight of positive rows */
    double subsample;        /**< fraction of rows drawn (without replacement) each round */
    uint64_t seed;           /**< for subsampling */
    int n_threads;           /**< ≥ 1; the model is identical for any count */
} ck_gbm_params;

#define CK_GBM_PARAMS_INIT                                                                         \
    {                                                                                              \
        300, 0.1, 255, 1.0, 1e-3, 20, 30, 1.0, 1.0, 42, 1                                          \
    }

/** What training reports: per-round losses and the rounds kept. */
typedef struct ck_gbm_report {
    int rounds_run, rounds_kept;
    double train_logloss, valid_logloss; /**< at the rounds kept; NaN without validation */
    double train_auc, valid_auc;
} ck_gbm_report;

/** A trained model. Free with ck_gbm_free(). */
typedef struct ck_gbm ck_gbm;

/**
 * Train on @p train, early-stopping on @p valid when given (may be NULL).
 * @param[out] out     the model
 * @param[out] report  may be NULL
 * @return CK_OK, CK_EINVAL (bad parameters, no labels, one class only), CK_ENOMEM
 */
CK_API int ck_gbm_train(ck_gbm **out, const ck_dataset *train, const ck_dataset *valid,
                        const ck_gbm_params *params, ck_gbm_report *report, ck_progress_fn progress,
                        void *payload, ck_error *err);

CK_API void ck_gbm_free(ck_gbm *model);

/** The model's schema (borrowed). */
CK_API const ck_schema *ck_gbm_schema(const ck_gbm *model);

/** The logit of one row (n_features floats coded against the model's schema). */
CK_API double ck_gbm_logit_row(const ck_gbm *model, const float *row);

/**
 * Each feature's exact contribution to the row's logit; their sum plus @p base_out is the
 * logit. @param[out] contrib n_features values
 */
CK_API void ck_gbm_contributions(const ck_gbm *model, const float *row, double *contrib,
                                 double *base_out);

/**
 * Churn probabilities of every row of a dataset whose schema matches the model's.
 * @param[out] prob  n_rows values
 * @return CK_OK, CK_EINVAL (schema mismatch)
 */
CK_API int ck_gbm_predict(const ck_gbm *model, const ck_dataset *d, double *prob, int n_threads,
                          ck_error *err);

/** Per-feature total gain of the stumps, n_features values (borrowed). */
CK_API const double *ck_gbm_importance(const ck_gbm *model);

/**
 * The features with the largest total gain, largest first (equal gains: the earlier
 * feature), at most @p k of those with a gain above 0.
 * @param[out] features_out  up to k feature indices
 * @param[out] share_out     each one's share of the total gain (may be NULL)
 * @return how many were written
 */
CK_API size_t ck_gbm_top_features(const ck_gbm *model, size_t k, size_t *features_out,
                                  double *share_out);

/** The logit every row starts from: the log-odds of the weighted churn rate of the
 *  training rows. ck_gbm_logit_row() adds each feature's table value to it. */
CK_API double ck_gbm_base_score(const ck_gbm *model);

/**
 * One feature's step table: the function f_j that the stumps on feature j add up to.
 * Numeric: f_j(x) = values[k] for thresholds[k − 1] < x <= thresholds[k] (k = 0 ..
 * n_thresholds, the outer ends open), compared in double precision after the float x is
 * widened. Categorical: level_values[code] for a level of the schema, unseen_value for
 * any other code. A missing value (NaN) scores missing_value in both.
 */
typedef struct ck_gbm_table {
    size_t n_thresholds;
    const double *thresholds;   /**< n_thresholds, ascending; numeric only */
    const double *values;       /**< n_thresholds + 1; NULL for a categorical feature */
    size_t n_levels;            /**< the schema's levels; 0 for a numeric feature */
    const double *level_values; /**< n_levels; NULL for a numeric feature */
    double unseen_value;        /**< categorical: a code not in the schema; 0 when numeric */
    double missing_value;       /**< a missing value */
    bool constant_zero;         /**< every value is 0: no stump reads the feature */
} ck_gbm_table;

/**
 * Feature @p j's step table. The arrays are borrowed, valid until the model is freed.
 * @param j  a feature of the model's schema (< ck_schema_n_features())
 * @param[out] out  the table
 */
CK_API void ck_gbm_step_table(const ck_gbm *model, size_t j, ck_gbm_table *out);

#ifdef __cplusplus
}
#endif

#endif
