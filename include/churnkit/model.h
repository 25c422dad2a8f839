/**
 * @file model.h
 * @brief Model files: a trained model with everything needed to use it years later.
 *
 * One JSON file per model (models/FORMAT.md is the specification):
 * `{"format": "churnkit-model", "format_version": 1, "model_type", "created_at",
 * "toolkit_version", "features", "feature_spec", "params", "training", "metrics",
 * "body"}`. Numbers are written with "%.17g" so they read back bit for bit; NaN and
 * infinities are refused. A reader refuses a newer format_version and reads every older
 * one.
 *
 * Versioned storage: `DIR/<name>-v<N>.json`, N from 1; `DIR/<name>` names the highest N
 * and `DIR/<name>@N` version N.
 */
#ifndef CHURNKIT_MODEL_H
#define CHURNKIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/bgnbd.h"
#include "churnkit/config.h"
#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/events.h"
#include "churnkit/export.h"
#include "churnkit/gbm.h"
#include "churnkit/logreg.h"
#include "churnkit/progress.h"
#include "churnkit/recommend.h"
#include "churnkit/stats.h"
#include "churnkit/uplift.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The format version this churnkit writes, and the newest it reads. */
#define CK_MODEL_FORMAT_VERSION 1

/** The model types: each is one learner behind the library's learner interface.
 *  gbm_stumps and logreg give churn probabilities; bgnbd gives a customer's value
 *  (P(alive), expected purchases and spend, clv: ck_model_bgnbd()); uplift the effect of
 *  each arm of an experiment (ck_model_uplift()); recommend the items to offer a customer
 *  (ck_model_recommender()). */
typedef enum ck_model_type {
    CK_MODEL_GBM_STUMPS,
    CK_MODEL_LOGREG,
    CK_MODEL_BGNBD,
    CK_MODEL_UPLIFT,
    CK_MODEL_RECOMMEND
} ck_model_type;

/** How the training data was made, so scoring can make its input the same way. */
typedef enum ck_model_source { CK_SOURCE_EVENTS, CK_SOURCE_TABLE } ck_model_source;

#define CK_MODEL_MAX_CUTOFFS 64
#define CK_MODEL_MAX_INPUTS  8
/** Most constant features a model file lists (beyond it they stay in the model). */
#define CK_MODEL_MAX_CONSTANT 256
/** Most training warnings kept: one per cutoff and one for the whole log, at most. */
#define CK_MODEL_MAX_WARNINGS (CK_MODEL_MAX_CUTOFFS + 2)

/** An input file and the SHA-256 of its bytes. */
typedef struct ck_model_input {
    char role[32]; /**< "events", "customers", "table" */
    char path[512];
    char sha256[65];
} ck_model_input;

/** The refit on every row once validation has chosen the setting (training.refit). */
typedef struct ck_model_refit {
    int rounds;  /**< gbm_stumps: the boosting rounds validation kept; 0 for logreg */
    double C;    /**< logreg: the C the refit used (given, or chosen by cross-validation);
                      0 for gbm_stumps */
    size_t rows; /**< rows refit on: the training and validation rows together */
} ck_model_refit;

/** The training record kept in the file. */
typedef struct ck_model_training {
    char created_at[32]; /**< ISO 8601 UTC, given by the caller (the only clock value) */
    size_t rows, positives;
    size_t valid_rows, valid_positives;
    size_t n_cutoffs;
    int64_t cutoffs[CK_MODEL_MAX_CUTOFFS]; /**< events mode: training cutoffs */
    int64_t valid_cutoff;                  /**< events mode, 0 when none */
    size_t n_inputs;
    ck_model_input inputs[CK_MODEL_MAX_INPUTS];
    /** the training rows' probabilities at their percentiles 0..100 (each customer's
     *  percentile is taken against these, so it never depends on the batch scored), and the
     *  same within each lifecycle stage when the model reads lifecycle_stage */
    bool has_score_percentiles;
    double score_percentiles[CK_SCORE_QUANTILES];
    size_t n_stage_percentiles;
    char stage_names[8][CK_NAME_MAX];
    double stage_percentiles[8][CK_SCORE_QUANTILES];
    /** events mode: what the training log holds (training.profile; older files have none) */
    bool has_profile;
    ck_event_profile profile;
    /** features constant (or entirely missing) in the training rows, left out of the model */
    size_t n_constant_features;
    char constant_features[CK_MODEL_MAX_CONSTANT][CK_NAME_MAX + 16];
    /** what the training data cannot support, in words (training.warnings) */
    size_t n_warnings;
    char warnings[CK_MODEL_MAX_WARNINGS][256];
    /** the model was refit on every row after validation chose its setting (false without
     *  validation, with --no-refit, and in files before it) */
    bool has_refit;
    ck_model_refit refit;
    /* metrics */
    int rounds_kept; /**< gbm_stumps: boosting rounds kept (0 for logreg) */
    double train_logloss, valid_logloss, train_auc, valid_auc; /**< NaN when absent */
} ck_model_training;

/** What the model reads. */
typedef struct ck_model_spec {
    ck_model_source source;
    ck_config config;            /**< events mode: the churn definition, columns, channels, and the
                                      training population's RFM bounds (has_rfm_bounds set) */
    char id_column[CK_NAME_MAX]; /**< table mode: the id column, "" when none */
    char label_column[CK_NAME_MAX]; /**< table mode */
} ck_model_spec;

/** An opaque model. Free with ck_model_free(). */
typedef struct ck_model ck_model;

/**
 * Wrap a trained stumps model.
 * @param gbm  taken over by the model (freed with it, also on failure)
 * @return CK_OK, CK_ENOMEM
 */
CK_API int ck_model_new_gbm(ck_model **out, ck_gbm *gbm, const ck_gbm_params *params,
                            const ck_model_spec *spec, const ck_model_training *training,
                            ck_error *err);

/**
 * Wrap a trained logistic regression.
 * @param logreg  taken over by the model (freed with it, also on failure)
 * @param params  as trained, with C the model's C (report->C under cross-validation)
 * @param report  the solver's record (iterations, objective, gradient, convergence, the
 *                cross-validation curve) kept in the file's metrics
 * @return CK_OK, CK_ENOMEM
 */
CK_API int ck_model_new_logreg(ck_model **out, ck_logreg *logreg, const ck_logreg_params *params,
                               const ck_logreg_report *report, const ck_model_spec *spec,
                               const ck_model_training *training, ck_error *err);

/**
 * Train a model of any type and wrap it, with the training record, in a model: the one
 * call for every learner (ck_model_new_gbm() and ck_model_new_logreg() wrap a body
 * trained by hand).
 *
 * gbm_stumps: @p params is a ck_gbm_params; without @p valid, patience is kept as 0
 * (there is nothing to stop on). The training report is ck_model_gbm_report().
 * logreg: @p params is a ck_logreg_params; the model's params have C the model's (the best
 * of the grid under cross-validation). The solver's record, with its warning when it did
 * not converge, is ck_model_logreg_report().
 * The record's rounds_kept (gbm_stumps), train and valid log loss and AUC are filled from
 * training; everything else is copied from @p training.
 *
 * @param[out] out  the model, NULL on failure; free with ck_model_free()
 * @param params    the learner's parameters (see above); copied
 * @param valid     labelled validation rows, or NULL
 * @param progress  called as training goes (may be NULL), with @p payload
 * @return CK_OK, CK_EINVAL (bad parameters, no labels, one class only, a type without a
 *         learner), CK_ENOMEM
 */
CK_API int ck_model_train(ck_model **out, ck_model_type type, const void *params,
                          const ck_dataset *train, const ck_dataset *valid,
                          const ck_model_spec *spec, const ck_model_training *training,
                          ck_progress_fn progress, void *payload, ck_error *err);

/**
 * Train with validation, then refit on every row with what validation chose: the model
 * churn-train keeps by default. First as ck_model_train() on @p train with @p valid
 * (early stopping picks gbm_stumps' rounds; logreg's C is the given one or cross-
 * validation's); then, when @p valid and @p all are both given, the model is trained again
 * on @p all (the training and validation rows together, coded against @p train's schema)
 * with that setting: gbm_stumps with rounds the rounds kept and patience 0, logreg at that
 * C without cross-validation. The result is bit for bit what ck_gbm_train() or
 * ck_logreg_train() give on @p all with those params.
 *
 * The refit model's record: training.refit (has_refit, the setting, the rows of @p all);
 * rounds_kept and the training log loss and AUC of the refit, on @p all; the validation
 * log loss and AUC of the selection (the refit has seen the validation rows). Its params,
 * ck_model_gbm_report()'s rounds_run and logreg's cross-validation curve are the
 * selection's. Without @p valid or @p all, or when the selection kept no boosting round,
 * this is ck_model_train() and has_refit is false.
 *
 * @param all       every labelled row, or NULL for no refit
 * @param progress  called through both fits, selection to 0.5 and refit to 1 (may be NULL)
 * @return as ck_model_train()
 */
CK_API int ck_model_train_refit(ck_model **out, ck_model_type type, const void *params,
                                const ck_dataset *train, const ck_dataset *valid,
                                const ck_dataset *all, const ck_model_spec *spec,
                                const ck_model_training *training, ck_progress_fn progress,
                                void *payload, ck_error *err);

/** Free a model (and its body); accepts NULL. */
CK_API void ck_model_free(ck_model *model);

/**
 * Score @p train (the training rows) and keep what churn-predict compares a customer
 * against, so a customer's row is the same in every batch: the distribution of their
 * probabilities, overall and within each lifecycle stage, and each feature's mean
 * contribution to the logit (see ck_model_contribution_means()). When every training row
 * gets the same probability, a warning saying the model ranks nobody is added to the
 * training record's warnings.
 * @return CK_OK, CK_EINVAL (schema mismatch), CK_ENOMEM
 */
CK_API int ck_model_learn_population(ck_model *model, const ck_dataset *train, int n_threads,
                                     ck_error *err);

/**
 * Each feature's mean contribution to the logit over the training rows (borrowed,
 * ck_schema_n_features() values), or NULL when the model file has none (files written
 * before they were kept). The model is additive in its features, so a customer's
 * contribution minus this mean is the feature's exact Shapley value against the
 * training population: how much it moves this customer's logit from the average one.
 */
CK_API const double *ck_model_contribution_means(const ck_model *model);

/**
 * Write the model as JSON (models/FORMAT.md). Every number reads back to the same double;
 * a NaN or infinite number is refused, naming its field (`body.stumps[3].left: cannot
 * write nan ...`), except a metric not measured (NaN), written as null. The thread count
 * is not written: the file is the same for any. Nothing is written on CK_EINVAL.
 * @return CK_OK, CK_EINVAL (a NaN or infinite number), CK_ENOMEM, CK_EIO
 */
CK_API int ck_model_save(const ck_model *model, FILE *out, ck_error *err);

/**
 * Read a model file. Refuses, with a one-line message naming the file: not a churnkit
 * model, a newer format_version, a missing or ill-typed field (named by its JSON path,
 * `body.stumps[3].threshold: expected a number`), a body inconsistent with its schema,
 * step tables that do not match the stumps, original-scale coefficients that do not match
 * the standardised ones. The loaded model's params have n_threads 1.
 * @param[out] out  the model, NULL on failure; free with ck_model_free()
 * @return CK_OK, CK_EIO, CK_EPARSE (not JSON; err.line is set), CK_EVERSION, CK_EINVAL,
 *         CK_ENOMEM
 */
CK_API int ck_model_load(ck_model **out, const char *path, ck_error *err);

/** The kind of body. */
CK_API ck_model_type ck_model_type_of(const ck_model *model);
/** The model type's name as written in the file ("gbm_stumps", "logreg", "bgnbd"); static. */
CK_API const char *ck_model_type_name(const ck_model *model);
/** The features the model reads (borrowed, valid until the model is freed). */
CK_API const ck_schema *ck_model_schema(const ck_model *model);
/** How its input is made (borrowed, valid until the model is freed). */
CK_API const ck_model_spec *ck_model_spec_of(const ck_model *model);
/** The training record and metrics (borrowed, valid until the model is freed). */
CK_API const ck_model_training *ck_model_training_of(const ck_model *model);
/** The stumps model (borrowed), or NULL for another type. */
CK_API const ck_gbm *ck_model_gbm(const ck_model *model);
/** The stumps model's training parameters (borrowed), or NULL for another type. */
CK_API const ck_gbm_params *ck_model_gbm_params(const ck_model *model);
/** The stumps model's training report (borrowed), or NULL for another type. A loaded
 *  model's rounds_run is its rounds_kept (the file keeps no more), and its losses and AUCs
 *  are those of the training record. */
CK_API const ck_gbm_report *ck_model_gbm_report(const ck_model *model);
/** The logistic regression (borrowed), or NULL for another type. */
CK_API const ck_logreg *ck_model_logreg(const ck_model *model);
/** The logistic regression's parameters (borrowed), or NULL for another type. */
CK_API const ck_logreg_params *ck_model_logreg_params(const ck_model *model);
/** The logistic regression's solver record (borrowed), or NULL for another type. A
 *  loaded model's warning is "" and its metrics are those of the training record. */
CK_API const ck_logreg_report *ck_model_logreg_report(const ck_model *model);

/** Add @p text to the training record's warnings (training.warnings): what the data could
 *  not support, found once the model is trained. Beyond CK_MODEL_MAX_WARNINGS it is
 *  dropped; "" adds nothing. */
CK_API void ck_model_add_warning(ck_model *model, const char *text);

/** Whether the model gives churn probabilities (gbm_stumps, logreg): only such a model
 *  may be given to the scoring calls below, ck_model_learn_population() and the
 *  evaluation. A bgnbd model gives values instead (ck_model_bgnbd()). */
CK_API bool ck_model_gives_churn(const ck_model *model);
/** The customer-value model (borrowed), or NULL for another type. */
CK_API const ck_bgnbd_model *ck_model_bgnbd(const ck_model *model);
/** An uplift model's body, or NULL for a model of another type. */
CK_API const ck_uplift *ck_model_uplift(const ck_model *model);
/** A recommender's body, or NULL for a model of another type. */
CK_API const ck_recommender *ck_model_recommender(const ck_model *model);

/** 1 / (1 + e^(−logit)), computed without overflow for any finite logit. */
CK_API double ck_model_logistic(double logit);

/**
 * Churn probability of one row coded against the model's schema: the logistic function
 * of the logit, computed without overflow at any logit. Bit for bit what
 * ck_model_predict() gives the same row.
 */
CK_API double ck_model_predict_row(const ck_model *model, const float *row);

/**
 * Each feature's exact contribution to the row's logit, whatever the model type
 * (ck_gbm_contributions(), ck_logreg_contributions()); their sum plus @p base_out is the
 * logit. @param[out] contrib n_features values
 */
CK_API void ck_model_contributions(const ck_model *model, const float *row, double *contrib,
                                   double *base_out);

/**
 * Probabilities for every row of @p d (whose schema must match the model's).
 * @return CK_OK, CK_EINVAL (schema mismatch, a model that gives no churn probability)
 */
CK_API int ck_model_predict(const ck_model *model, const ck_dataset *d, double *prob, int n_threads,
                            ck_error *err);

/**
 * The path for a new version in @p dir: `dir/<name>-v<N>.json`, N one above the highest
 * there (1 in an empty or new directory, which is created with any missing parent).
 * Never a path that exists; but another process may take it before the caller writes
 * it, so a caller that must not overwrite publishes with ck_model_store_publish().
 * @return CK_OK, CK_EIO, CK_EINVAL (name empty or holding '/' or '@', @p size too small)
 */
CK_API int ck_model_next_path(char *out, size_t size, const char *dir, const char *name,
                              ck_error *err);

/**
 * Make @p dir ready to take versions of @p name: check the name and create the directory
 * with any missing parent, so that a caller can write its temporary there before
 * ck_model_store_publish().
 * @return CK_OK, CK_EIO (cannot create, or not a directory), CK_EINVAL (name empty or
 *         holding '/' or '@')
 */
CK_API int ck_model_store_prepare(const char *dir, const char *name, ck_error *err);

/**
 * Publish the finished file @p tmp_path (in @p dir, or on its file system) as a new
 * version `dir/<name>-v<N>.json`, N one above the highest there: link() the temporary to
 * that name, which fails when it exists, and on a name taken meanwhile (a concurrent save)
 * try N + 1; so concurrent publishers each get their own version and none overwrites
 * another. On file systems without hard links, the name is reserved with O_CREAT|O_EXCL
 * and the temporary renamed over it. @p tmp_path is gone on success and untouched on
 * failure. The directory must exist (ck_model_store_prepare creates it).
 * @param[out] path_out the published path (@p path_size bytes)
 * @param[out] version_out N (may be NULL)
 * @return CK_OK, CK_EIO (@p tmp_path missing, directory unwritable), CK_EINVAL (name
 *         empty or holding '/' or '@', too many versions, @p path_size too small)
 */
CK_API int ck_model_store_publish(char *path_out, size_t path_size, unsigned long *version_out,
                                  const char *dir, const char *name, const char *tmp_path,
                                  ck_error *err);

/**
 * Resolve what a user names a model by: a path to a regular file as is; `DIR/<name>` →
 * the highest version; `DIR/<name>@N` → version N. Errors name @p spec as the file:
 * `models/churn@7: no such version (have 1, 2, 3)`.
 * @return CK_OK, CK_EIO (no such model or version, directory unreadable), CK_EINVAL
 *         (a bad version such as `@x`, nothing after the last '/', @p size too small)
 */
CK_API int ck_model_resolve_path(char *out, size_t size, const char *spec, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
