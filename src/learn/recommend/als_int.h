/*
 * The ALS pieces ck_als_fit() is made of, shared with the tests (test_als.c checks one
 * half-step against a dense solve) and the benchmark driver. Nothing here is public.
 */
#ifndef CK_ALS_INT_H
#define CK_ALS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/interactions.h"

/* One half-step: with the factors of the other side fixed (n_fixed × k, row-major), every
 * row r of `rows` (whose column indices index `fixed`) gets
 *     out_r = (FᵀF + Σ_{j in r} α w_rj f_j f_jᵀ + λI)⁻¹ Σ_{j in r} (1 + α w_rj) f_j,
 * out is rows->n_users × k. Rows are solved on up to n_threads threads, each row on its
 * own, so out is the same bits for any n_threads. Returns CK_OK, CK_ENOMEM, or CK_EINVAL
 * when a row's matrix is not positive definite (non-finite factors). */
int ck__als_half_step(const ck_interactions *rows, const double *fixed, size_t n_fixed, int k,
                      double lambda, double alpha, int n_threads, double *out, ck_error *err);

/* The CG half-step (als.c, see its top): like ck__als_half_step(), but each row of `out`
 * (rows->n_users × k) is read as the warm start and replaced by the result of `steps` ≥ 1
 * CG steps on its system. The same bits for any n_threads. CK_OK or CK_ENOMEM. */
int ck__als_half_step_cg(const ck_interactions *rows, const double *fixed, size_t n_fixed, int k,
                         double lambda, double alpha, int steps, int n_threads, double *out,
                         ck_error *err);

/* FᵀF (k × k, both triangles) of the n × k row-major F, summed over fixed blocks of rows
 * on up to n_threads threads and added in block order: the same bits for any n_threads.
 * Returns CK_OK or CK_ENOMEM. */
int ck__als_gram(size_t n, int k, const double *f, int n_threads, double *gram, ck_error *err);

/* The transpose of x (items × users, CSR with users ascending), into arrays allocated
 * here (*row_start_out: n_items + 1; *cols_out, *weights_out: nnz); t's pointers borrow
 * them. Free the three with free(). Returns CK_OK, CK_ENOMEM or CK_EINVAL (more users
 * than a uint32_t index holds). */
int ck__als_transpose(const ck_interactions *x, ck_interactions *t, size_t **row_start_out,
                      uint32_t **cols_out, float **weights_out, ck_error *err);

/* The objective (als.h) of X (x->n_users × k) and Y (x->n_items × k) on x, summed over
 * fixed blocks of users and added in block order (the same bits for any n_threads).
 * NaN when memory runs out. */
double ck__als_objective(const ck_interactions *x, const double *user_factors,
                         const double *item_factors, int k, double lambda, double alpha,
                         int n_threads);

#endif
