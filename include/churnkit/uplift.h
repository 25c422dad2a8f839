/**
 * @file uplift.h
 * @brief Uplift models: the incremental effect of each treatment arm of a randomised
 *        experiment on a customer's outcome, learned from the experiment itself.
 *
 * The data: one row per customer of the experiment, the features as they were before
 * assignment, the outcome (1: converted, 0: not) and the arm (ck_uplift_design). One arm
 * is the control; every other arm is a treatment, compared with control.
 *
 * - T-learner: one boosted-stumps model μ_a of P(outcome | x) per arm, on that arm's rows.
 *   The numeric features are binned once, on every row of the experiment, and every arm's
 *   model splits on those bins, so the arms' step functions share their thresholds and
 *   their difference has no steps that only one arm's quantiles made. The uplift of arm a
 *   is μ_a(x) − μ_control(x).
 * - X-learner (Künzel, Sekhon, Bickel & Yu, "Metalearners for estimating heterogeneous
 *   treatment effects using machine learning", PNAS 2019): the T-learner's models, then
 *   the imputed effects D = y − μ_control(x) on arm a's rows and D = μ_a(x) − y on the
 *   control rows, each regressed on x (τ_a1, τ_a0), and
 *   τ_a(x) = g τ_a0(x) + (1 − g) τ_a1(x), g = n_a / (n_a + n_control), the propensity of a
 *   randomised experiment. D lies in [−1, 1]: each regression is boosted stumps for the log
 *   loss on the target (D + 1) / 2, a fractional logit (Papke & Wooldridge 1996): the log
 *   loss is a proper scoring rule for a mean in [0, 1], so 2 p(x) − 1 estimates E[D | x],
 *   and it stays within [−1, 1].
 *
 * Every model stops early on a held-out part of its rows (valid_fraction of each arm, drawn
 * by a seeded hash of the row's position) and is then refit on all of them with the rounds
 * kept. The model is the same for any thread count.
 *
 * The decision: for each treatment arm, the expected net value of treating the customer is
 * uplift × value − cost, with the arm's value of a conversion and its cost (per customer
 * treated) when given, else uplift alone; the best arm is the one with the highest net
 * value, or none when no arm's is above 0.
 */
#ifndef CHURNKIT_UPLIFT_H
#define CHURNKIT_UPLIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/config.h"
#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/gbm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most arms of an experiment, control included. */
#define CK_UPLIFT_MAX_ARMS 16

typedef enum ck_uplift_method {
    CK_UPLIFT_T, /**< one outcome model per arm; uplift = difference */
    CK_UPLIFT_X  /**< the X-learner on top of the T-learner's models */
} ck_uplift_method;

/** The arms of an experiment and each training row's arm. */
typedef struct ck_uplift_design {
    size_t n_arms; /**< 2 to CK_UPLIFT_MAX_ARMS */
    char names[CK_UPLIFT_MAX_ARMS][CK_NAME_MAX];
    size_t control;         /**< the control arm's index */
    const uint8_t *arm_of;  /**< each row's arm index (borrowed); n_rows of the data */
} ck_uplift_design;

/** What one arm's conversion is worth, and what treating one customer with it costs. */
typedef struct ck_uplift_economics {
    bool given; /**< false: decide by uplift alone (value 1, cost 0) */
    double value[CK_UPLIFT_MAX_ARMS], cost[CK_UPLIFT_MAX_ARMS]; /**< by arm index */
} ck_uplift_economics;

/** Training parameters. */
typedef struct ck_uplift_params {
    ck_gbm_params gbm;     /**< every model's boosting (rounds is the upper bound) */
    ck_uplift_method method;
    double valid_fraction; /**< held out of each arm for early stopping, in (0, 0.5] */
    ck_uplift_design design;
    ck_uplift_economics economics;
} ck_uplift_params;

/** Defaults: shallow, slow, strongly regularised boosting, as small noisy effects need
 *  (300 rounds at most, learning rate 0.05, 64 bins, λ 10, 100 rows per leaf at least,
 *  patience 30), the T-learner, a fifth of each arm held out. */
CK_API ck_uplift_params ck_uplift_params_default(void);

/** An arm of a trained model, as the file keeps it. */
typedef struct ck_uplift_arm {
    char name[CK_NAME_MAX];
    size_t rows, positives; /**< training rows and conversions */
    double base_rate;       /**< positives / rows */
    int rounds_kept;        /**< the outcome model's rounds */
    double value, cost;     /**< the economics (1 and 0 when none was given) */
} ck_uplift_arm;

/** A trained uplift model (opaque). Held by a ck_model (ck_model_uplift()). */
typedef struct ck_uplift ck_uplift;

CK_API size_t ck_uplift_n_arms(const ck_uplift *u);
CK_API size_t ck_uplift_control(const ck_uplift *u);
CK_API const ck_uplift_arm *ck_uplift_arm_at(const ck_uplift *u, size_t a);
CK_API ck_uplift_method ck_uplift_method_of(const ck_uplift *u);
CK_API bool ck_uplift_has_economics(const ck_uplift *u);
/** The features the model reads (borrowed). */
CK_API const ck_schema *ck_uplift_schema(const ck_uplift *u);
/** The arm index of a name, or -1. */
CK_API long ck_uplift_find_arm(const ck_uplift *u, const char *name);

/**
 * Score one row (coded against the model's schema).
 * @param[out] p       n_arms probabilities of conversion, one per arm (the outcome models)
 * @param[out] uplift  n_arms uplifts against control (control's is 0); the T-learner's
 *                     p[a] − p[control], or the X-learner's τ_a(x)
 */
CK_API void ck_uplift_score_row(const ck_uplift *u, const float *row, double *p, double *uplift);

/**
 * The arm worth treating with: the treatment arm with the highest uplift × value − cost,
 * or -1 (none) when no arm's is above 0. Ties: the first arm.
 * @param[out] net  the best arm's net value (the highest, even when none is worth it)
 */
CK_API long ck_uplift_best_arm(const ck_uplift *u, const double *uplift, double *net);

/**
 * Score every row of a dataset with the model's schema: n_rows × n_arms values of each,
 * row-major.
 * @return CK_OK, CK_EINVAL (schema mismatch), CK_ENOMEM
 */
CK_API int ck_uplift_predict(const ck_uplift *u, const ck_dataset *d, double *p, double *uplift,
                             int n_threads, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
