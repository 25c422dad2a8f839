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
 * by alternating half-steps: with Y fixed, each user row solves
 *
 *     A_u x_u = b_u,   A_u = YᵀY + Yᵀ(C_u − I)Y + λI,   b_u = Yᵀ C_u p_u,
 *
 * with YᵀY computed once per half-step (BLAS) and the correction from u's own items only;
 * then the items the same way with the roles swapped. Two solvers (ck_als_solver):
 *
 * - CK_ALS_CHOLESKY: the exact minimiser, x_u = A_u⁻¹ b_u, by forming A_u (O(n_u k²)) and
 *   a Cholesky solve (O(k³), LAPACK) per row.
 * - CK_ALS_CG (the default): an approximate one (Takács, Pilászy & Tikk, "Applications of
 *   the conjugate gradient method for implicit feedback collaborative filtering", RecSys
 *   2011): cg_steps steps of conjugate gradients on A_u x = b_u, started from the row's
 *   factors of the previous sweep (zero for the users' first half-step), with A_u never
 *   formed: each step takes one product A_u p = (YᵀY + λI)p + Σ_{i in u} α w_ui (y_iᵀp) y_i,
 *   O(n_u k + k²). Each step lowers the objective of the half-step (or leaves it), so the
 *   objective never rises from sweep to sweep, but a half-step does not reach the exact
 *   minimiser unless cg_steps ≥ k (then up to rounding).
 *
 * Rows are solved in parallel, each on its own in a fixed order of operations, so the
 * factors are the same bits for any thread count, for either solver.
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

/** How a half-step solves each row's system (see the top of the file). */
typedef enum ck_als_solver {
    CK_ALS_CHOLESKY = 0, /**< exact: A_u⁻¹ b_u by Cholesky, O(n_u k² + k³) a row */
    CK_ALS_CG = 1        /**< cg_steps conjugate-gradient steps from the previous factors,
                              O(cg_steps (n_u k + k²)) a row */
} ck_als_solver;

/** Parameters. Start from CK_ALS_PARAMS_INIT: new members are added at the end. */
typedef struct ck_als_params {
    int factors;           /**< k, 1 to 1024 */
    double regularization; /**< λ > 0 */
    double alpha;          /**< ≥ 0: confidence 1 + α w */
    int iterations;        /**< sweeps (a user half-step, then an item half-step), ≥ 1 */
    uint64_t seed;         /**< the item factors' random start */
    int n_threads;         /**< ≥ 1 */
    ck_als_solver solver;  /**< CK_ALS_CG or CK_ALS_CHOLESKY */
    int cg_steps;          /**< CG steps per row and half-step, ≥ 1 (only read by CK_ALS_CG) */
} ck_als_params;

/** The defaults: 64 factors, λ 0.1, α 10, 15 sweeps, seed 42, one thread, CG with 3 steps
 *  (positional: the members in declaration order). */
#define CK_ALS_PARAMS_INIT                                                                         \
    {                                                                                              \
        64, 0.1, 10.0, 15, 42, 1, CK_ALS_CG, 3                                                     \
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
 * @return CK_OK, CK_EINVAL (bad parameters, among them a solver other than the two and
 *         cg_steps below 1 with CK_ALS_CG; an empty or malformed matrix; a row matrix
 *         not positive definite with CK_ALS_CHOLESKY, from non-finite factors), CK_ENOMEM
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
 * One user's factors from their own interactions, with the item factors fixed: the exact
 * minimiser x = A_u⁻¹ b_u of the top of the file, by Cholesky, whatever solver the fit
 * used (a customer not in the training matrix is folded in this way, with no previous
 * factors to start CG from). For a training user and the final item factors, the result
 * is bit for bit what a CK_ALS_CHOLESKY user half-step would give; after a CK_ALS_CG fit
 * it differs from the user's trained factors, which are cg_steps CG steps from their
 * previous ones, by the CG half-step's remaining error. No history (n = 0) gives zero
 * factors.
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
