/*
 * The inside of a boosted-stumps model, shared by the trainer (gbm.c) and the model file
 * (model_json.c): the stumps as trained, and the step tables they compile into.
 */
#ifndef CK_GBM_INT_H
#define CK_GBM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/gbm.h"
#include "data/bins.h"

/* One stump on `feature`. Numeric: x <= threshold goes left. Categorical: the levels
 * listed go left, every other level (and an unseen one) right. Missing goes left when
 * missing_left. Leaf values are on the logit scale, shrinkage included. */
typedef struct ck__stump {
    uint32_t feature;
    double threshold;
    uint32_t *left_levels;
    size_t n_left_levels;
    bool missing_left;
    double left_value, right_value;
    double gain;
} ck__stump;

/* Feature j's compiled function. Numeric: value[k] applies for
 * thresholds[k − 1] < x <= thresholds[k] (k = 0..n_thresholds, the outer ends open).
 * Categorical: level_values[code] for known levels, unseen_value otherwise. Both: NaN
 * scores missing_value. A feature no stump uses has no thresholds and all values 0. */
typedef struct ck__step_table {
    double *thresholds;
    size_t n_thresholds;
    /* each threshold rounded down to a float: for a float x, x > t exactly when
     * x > thresholds_f (no float lies strictly between the two), so scoring compares
     * floats, four or eight at a time; rebuilt by ck__gbm_index() */
    float *thresholds_f;
    bool constant_zero; /* no stump reads the feature: it adds nothing (from ck__gbm_index) */
    double *values;     /* n_thresholds + 1 */
    double *level_values;
    size_t n_levels;
    double unseen_value;
    double missing_value;
} ck__step_table;

struct ck_gbm {
    ck_schema *schema;
    double base_score; /* logit of the weighted positive rate */
    ck__stump *stumps;
    size_t n_stumps;
    ck__step_table *tables; /* one per schema feature */
    double *importance;     /* total gain per feature */
};

/* Build the step tables (and importance) from the stumps; indexes them too. */
int ck__gbm_compile(ck_gbm *model, ck_error *err);

/* Rebuild what scoring derives from the tables (thresholds_f), after tables change. */
int ck__gbm_index(ck_gbm *model, ck_error *err);

/* ck_gbm_train() on the bin edges of `like` (learned on other rows of the same schema, with
 * ck__bins_fit()) instead of edges of its own, so that models of different rows split at
 * the same thresholds; NULL learns them from `train`. */
int ck__gbm_train_like(ck_gbm **out, const ck_dataset *train, const ck_dataset *valid,
                       const ck__bins *like, const ck_gbm_params *params, ck_gbm_report *report,
                       ck_progress_fn progress, void *payload, ck_error *err);

/* Rows as the trainer reads them: their bins, labels (0/1) and weights (NULL: all 1); and
 * when held, their values (ck__gbm_measure() then scores those). */
typedef struct ck__gbm_rows {
    const ck__bins *bins;
    const float *labels;
    const float *weights;
    const ck_dataset *values;
} ck__gbm_rows;

/* ck_gbm_train() on rows binned already, whose features `schema` describes: the model
 * splits on the bins' edges. valid (binned with the same edges) may be NULL. The report's
 * metrics are left NaN: ck__gbm_measure() gives them. */
int ck__gbm_train_bins(ck_gbm **out, const ck_schema *schema, const ck__gbm_rows *train,
                       const ck__gbm_rows *valid, const ck_gbm_params *params,
                       ck_gbm_report *report, ck_progress_fn progress, void *payload,
                       ck_error *err);

/* The log loss and AUC of the training rows and of the validation rows (NaN without
 * them) under the model, weighted as in training. CK_OK or CK_ENOMEM. */
int ck__gbm_measure(ck_gbm_report *r, const ck_gbm *m, const ck__gbm_rows *train,
                    const ck__gbm_rows *valid, double pos_weight, int n_threads, ck_error *err);

/* The probabilities of binned rows: exactly ck_gbm_predict() of their values, for a model
 * whose splits lie on the bins' edges. CK_OK or CK_ENOMEM. */
int ck__gbm_predict_bins(const ck_gbm *m, const ck__bins *bins, double *prob, int n_threads);

/* A model of no stumps: every row scores `base_score` (what early stopping keeps when no
 * round helped). */
int ck__gbm_new_constant(ck_gbm **out, const ck_schema *schema, double base_score, ck_error *err);

#endif
