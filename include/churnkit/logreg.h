/**
 * @file logreg.h
 * @brief Logistic regression with its preprocessing: Newton and L-BFGS on BLAS kernels,
 *        and LIBLINEAR.
 *
 * Preprocessing, learned on the training rows and kept in the model. A numeric feature x
 * is clipped to [low, high] (the training quantiles q and 1 − q, with clip q > 0) and
 * standardised, z = (x̂ − center) / scale, center and scale being the mean and standard
 * deviation of the clipped training values (scale 1 when they do not vary). A missing
 * value is imputed with the training mean (z = 0). A categorical feature is one-hot coded
 * over its schema levels; an unseen level is all zeros. Each feature that had a missing
 * value among the training rows also gets a missing indicator, 1 when the value is
 * missing. The design row is these columns, then a bias column of 1.
 *
 * One objective for every solver, LIBLINEAR's (Fan et al., "LIBLINEAR: A Library for Large
 * Linear Classification", JMLR 9, 2008, eq. 2, with -B 1):
 *     f(β) = C Σᵢ wᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + ½‖β‖²   (l2)   or   + ‖β‖₁   (l1),
 * zᵢ = xᵢ·β over the design row, where wᵢ is the row weight times pos_weight for churned
 * rows. The bias column's coefficient, the intercept, is penalised like the others, as
 * LIBLINEAR does with a bias feature.
 *
 * Contributions. A row's logit is intercept + Σ_j c_j with c_j = coef_j · z_j for a
 * present numeric value (equivalently coef_original_j · (x̂_j − center_j): the distance
 * from the training mean on the original scale), the level's coefficient for a
 * categorical value, and, for a missing value, the missing indicator's coefficient (0
 * when the feature had no missing training values); an unseen level contributes 0.
 *
 * Every function is reentrant. Training sets OpenBLAS to one thread for the whole
 * process (churnkit parallelises over row blocks itself; see src/blas.c); with the
 * liblinear solver it sets LIBLINEAR's print hook, and with the l1 penalty it seeds the C
 * library's rand() with srand(1), as LIBLINEAR draws its coordinate order from rand().
 */
#ifndef CHURNKIT_LOGREG_H
#define CHURNKIT_LOGREG_H

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

/** How the coefficients are found. */
typedef enum ck_logreg_solver {
    CK_LOGREG_NEWTON,   /**< Newton's method, Hessian by dsyrk, step by Cholesky (l2) */
    CK_LOGREG_LBFGS,    /**< limited-memory BFGS, loss and gradient by dgemv (l2) */
    CK_LOGREG_LIBLINEAR /**< LIBLINEAR 2.3: -s 0 (l2) or -s 6 (l1) */
} ck_logreg_solver;

typedef enum ck_logreg_penalty { CK_LOGREG_L2, CK_LOGREG_L1 } ck_logreg_penalty;

/** At most this many C values are cross-validated. */
#define CK_LOGREG_MAX_GRID 32

/** Training parameters. */
typedef struct ck_logreg_params {
    double C;                  /**< weight of the loss against the penalty, > 0 */
    ck_logreg_penalty penalty; /**< l1 needs the liblinear solver */
    ck_logreg_solver solver;
    double pos_weight; /**< weight of churned rows, > 0 */
    double tol;   /**< stop when ‖∇f(β)‖ <= tol · ‖∇f(0)‖ (LIBLINEAR's rule, its eps
                       rescaled to it), > 0 */
    int max_iter; /**< iteration limit; 0: 50 for newton, 1000 for lbfgs. LIBLINEAR
                       2.3 keeps its own limits (1000 for -s 0) and must get 0 */
    double clip;  /**< clip numeric features at the training quantiles clip and
                       1 − clip, in [0, 0.5); 0: no clipping */
    int cv_folds; /**< 0: fit at C; K ≥ 2: choose C among grid by stratified K-fold
                       log loss, then fit on every training row */
    size_t n_grid;
    double grid[CK_LOGREG_MAX_GRID]; /**< C values to cross-validate, each > 0 */
    uint64_t seed;                   /**< for the folds */
    int n_threads;                   /**< ≥ 1; the model is identical for any count */
} ck_logreg_params;

#define CK_LOGREG_PARAMS_INIT                                                                      \
    {                                                                                              \
        1.0, CK_LOGREG_L2, CK_LOGREG_NEWTON, 1.0, 1e-7, 0, 0.0, 0, 0, { 0 }, 42, 1                 \
    }

/** What training reports. */
typedef struct ck_logreg_report {
    double C;          /**< the model's C: params->C, or the best of the grid */
    int iterations;    /**< of the solver, for the model's fit */
    double objective;  /**< f at the solution */
    double grad_norm;  /**< ‖∇f‖ / ‖∇f(0)‖ at the solution; NaN for l1 */
    bool converged;    /**< false: @p warning says why */
    char warning[256]; /**< "" when converged */
    size_t n_columns;  /**< design columns, the bias included */
    double train_logloss, valid_logloss; /**< weighted as the objective; NaN when absent.
                                              The training rows' from the solver's logits,
                                              the model's scores up to rounding */
    double train_auc, valid_auc;
    size_t n_cv;                           /**< C values cross-validated, 0 without */
    double cv_C[CK_LOGREG_MAX_GRID];       /**< in grid order */
    double cv_logloss[CK_LOGREG_MAX_GRID]; /**< pooled held-out log loss of each */
} ck_logreg_report;

/** What the model does with one feature: its preprocessing and coefficients. */
typedef struct ck_logreg_feature {
    bool categorical;
    /* numeric */
    double center, scale; /**< z = (x̂ − center) / scale; 0 and 1 when categorical */
    bool clipped;         /**< x̂ = x clamped to [clip_low, clip_high] */
    double clip_low, clip_high;
    double coef;          /**< of z */
    double coef_original; /**< of x̂: coef / scale */
    /* categorical */
    size_t n_levels;
    const double *level_coefs; /**< one per schema level (borrowed) */
    /* both */
    bool has_missing;    /**< a missing indicator column exists */
    double missing_coef; /**< its coefficient; 0 without one */
} ck_logreg_feature;

/** A trained model. Free with ck_logreg_free(). */
typedef struct ck_logreg ck_logreg;

/**
 * Train on @p train; @p valid (may be NULL) is only scored, for the report.
 * @param[out] out     the model, NULL on failure; free with ck_logreg_free()
 * @param[out] report  may be NULL
 * @param progress     called after each fit (one per fold and C with cross-validation)
 * @return CK_OK (also when the solver did not converge: see report->converged),
 *         CK_EINVAL (bad parameters, no labels, one class only, a class with fewer rows
 *         than folds, row weights with the liblinear solver), CK_ENOMEM
 */
CK_API int ck_logreg_train(ck_logreg **out, const ck_dataset *train, const ck_dataset *valid,
                           const ck_logreg_params *params, ck_logreg_report *report,
                           ck_progress_fn progress, void *payload, ck_error *err);

/** Free a model; accepts NULL. */
CK_API void ck_logreg_free(ck_logreg *model);

/** The model's schema (borrowed). */
CK_API const ck_schema *ck_logreg_schema(const ck_logreg *model);

/** Feature @p j's preprocessing and coefficients (borrowed, valid until the model is
 *  freed). */
CK_API const ck_logreg_feature *ck_logreg_feature_at(const ck_logreg *model, size_t j);

/** One coefficient of the design: a numeric feature's value, a level of a categorical
 *  one, or a feature's missing indicator. */
typedef struct ck_logreg_term {
    size_t feature;
    long level;  /**< the level's index; −1: the numeric value; −2: the missing indicator */
    double coef; /**< standardised scale */
} ck_logreg_term;

/**
 * The @p k coefficients largest in size, largest first (a numeric feature's per standard
 * deviation), taken by selection from the design in feature order.
 * @param[out] out    up to k terms
 * @param[out] n_out  how many were written
 * @return CK_OK, CK_ENOMEM
 */
CK_API int ck_logreg_top_terms(const ck_logreg *model, size_t k, ck_logreg_term *out, size_t *n_out,
                               ck_error *err);

/** The intercept: the bias column's coefficient (standardised scale), or with
 *  @p original the intercept of the original scale, intercept − Σ coef · center / scale. */
CK_API double ck_logreg_intercept(const ck_logreg *model, bool original);

/** The logit of one row (n_features floats coded against the model's schema). */
CK_API double ck_logreg_logit_row(const ck_logreg *model, const float *row);

/**
 * Each feature's contribution to the row's logit (see the top of this file); their sum
 * in feature order plus @p base_out (the intercept) is ck_logreg_logit_row() exactly.
 * @param[out] contrib  n_features values
 */
CK_API void ck_logreg_contributions(const ck_logreg *model, const float *row, double *contrib,
                                    double *base_out);

/**
 * Churn probabilities of every row of a dataset whose schema matches the model's.
 * @param[out] prob  n_rows values
 * @return CK_OK, CK_EINVAL (schema mismatch)
 */
CK_API int ck_logreg_predict(const ck_logreg *model, const ck_dataset *d, double *prob,
                             int n_threads, ck_error *err);

/** "newton", "lbfgs", "liblinear". */
CK_API const char *ck_logreg_solver_name(ck_logreg_solver solver);
/** "l2", "l1". */
CK_API const char *ck_logreg_penalty_name(ck_logreg_penalty penalty);

#ifdef __cplusplus
}
#endif

#endif
