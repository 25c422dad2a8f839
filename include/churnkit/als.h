/**
 * @file als.h
 * @brief Implicit-feedback alternating least squares (Hu, Koren & Volinsky, "Collaborative
 *        Filtering for Implicit Feedback Datasets", ICDM 2008).
 *
 * Preference p_ui = 1 when u interacted with i (weight w_ui > 0), else 0; confidence
 * c_ui = 1 + α w_ui (1 for the others). The factors minimise
 *
 *     Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
 *
 * by alternating exact half-steps: each user row x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u,
 * with YᵀY computed once per half-step (BLAS) and the correction from u's own items only,
 * solved by Cholesky (LAPACK); then the items the same way with the roles swapped. Rows are
 * solved in parallel, each on its own, so the factors are the same for any thread count.
 */
#ifndef CHURNKIT_ALS_H
#define CHURNKIT_ALS_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/interactions.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Parameters. */
typedef struct ck_als_params {
    int factors;           /**< k, 1 to 1024 */
    double regularization; /**< λ > 0 */
    double alpha;          /**< ≥ 0: confidence 1 + α w */
    int iterations;        /**< sweeps (a user half-step, then an item half-step), ≥ 1 */
    uint64_t seed;         /**< the item factors' random start */
    int n_threads;         /**< ≥ 1 */
} ck_als_params;

#define CK_ALS_PARAMS_INIT                                                                         \
    {                                                                                              \
        64, 0.1, 10.0, 15, 42, 1                                                                   \
    }

/** A fit: factors row-major, n_users × factors and n_items × factors (owned). */
typedef struct ck_als {
    size_t n_users, n_items;
    int factors;
    double regularization, alpha;
    double *user_factors, *item_factors;
} ck_als;

/**
 * Fit the factors: item factors start small and random from params->seed, then each
 * sweep solves every user, then every item. Runs on params->n_threads threads (OpenBLAS
 * is set to one thread per caller, see src/base/blas.c); the factors and objectives are
 * the same bits for any thread count.
 * @param[out] out        the fit; free with ck_als_free(); NULL on failure
 * @param x               the matrix: at least one interaction, rows ascending, items in
 *                        range, weights positive and finite; not retained
 * @param[out] objective  NULL, or params->iterations values: the objective after each sweep
 * @return CK_OK, CK_EINVAL (bad parameters, an empty or malformed matrix), CK_ENOMEM
 */
CK_API int ck_als_fit(ck_als **out, const ck_interactions *x, const ck_als_params *params,
                      double *objective, ck_error *err);

/** Free a fit from ck_als_fit(); NULL is fine. */
CK_API void ck_als_free(ck_als *m);

/**
 * The objective of the factors on @p x (the formula above; @p x has m's dimensions),
 * computed as Σ_u [x_uᵀ(YᵀY)x_u + Σ_{i in u} (c_ui (1 − x_uᵀy_i)² − (x_uᵀy_i)²)]
 * + λ(‖X‖² + ‖Y‖²) in O(nnz k + n_users k²), summed in a fixed order: the value
 * ck_als_fit() reports after its last sweep, to the bit.
 * @return the objective, or NaN when memory runs out
 */
CK_API double ck_als_objective(const ck_als *m, const ck_interactions *x);

/**
 * One user's factors from their own interactions, with the item factors fixed: the user
 * half-step for one row (a customer not in the training matrix is folded in this way).
 * For a training user and the final item factors, the result is bit for bit what the
 * fit's next user half-step would give. No history (n = 0) gives zero factors.
 * Reentrant: many threads may fold in at once with the same @p m and @p gram.
 * @param items, weights  the user's n interactions (items ascending, each once; weights
 *                        positive and finite, as in ck_interactions)
 * @param gram            YᵀY of the item factors (factors × factors), from ck_als_gram()
 * @param[out] user       factors values
 * @return CK_OK, CK_EINVAL (an item out of range or not ascending, a bad weight),
 *         CK_ENOMEM
 */
CK_API int ck_als_fold_in(const ck_als *m, const double *gram, const uint32_t *items,
                          const float *weights, size_t n, double *user, ck_error *err);

/** YᵀY of the item factors into @p gram (factors × factors, both triangles), summed
 *  over fixed blocks of items: the matrix the fit's user half-step uses, to the bit. */
CK_API void ck_als_gram(const ck_als *m, double *gram);

#ifdef __cplusplus
}
#endif

#endif
