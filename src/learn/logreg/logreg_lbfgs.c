/*
 * L-BFGS for the l2 logistic-regression objective (logreg_loss.c): Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., 2006, algorithm 7.5, the search direction by the
 * two-loop recursion (algorithm 7.4) over the last MEMORY pairs (s, y). Each evaluation
 * of f and ∇f is one pass over the row blocks, two dgemv calls per block (BLAS level 2),
 * and gives the loss, the gradient and Xβ together; the line search keeps the gradient of
 * the point it accepts, so an iteration whose unit step is accepted costs one pass.
 *
 * Preconditioner. The initial matrix of the recursion is H₀ = γ M⁻¹ instead of γI, with
 * M = ∇²f(0) = I + C Xᵀ D₀ X, D₀ = diag(wᵢ / 4) (σ(0) = ½), and γ = sᵀy / yᵀM⁻¹y over
 * the newest pair (eq. 7.20 in the metric of M; γ = 1 before the first pair). This is
 * L-BFGS on the variables M^{1/2}β, whose Hessian at 0 is the identity: the curvature
 * the pairs must learn is only how far ∇²f has moved from ∇²f(0), not the correlations
 * between columns (a missing indicator against the bias, the level columns of a
 * categorical), which otherwise take the ten pairs most of a run to learn. Algorithm 7.4
 * leaves H₀ free among symmetric positive definite matrices (Nocedal & Wright, section
 * 7.2; a fixed preconditioner in that place: Jiang, Byrd, Eskow & Schnabel, "A
 * preconditioned L-BFGS algorithm with application to molecular energy minimization",
 * University of Colorado CU-CS-982-04, 2004). M is made once,
 * before the first step, by ck__lr_hessian at z = 0 on a sample of the row blocks (every
 * stride-th, at least SAMPLE_MIN_ROWS rows and 200 per column, scaled to the row count,
 * as logreg_newton.c samples): it need not be exact to precondition, and the sample
 * costs a sixteenth of an exact one on the 800k-row benchmark table. M is its diagonal
 * alone, made from the same sample of blocks, with more than FULL_MAX_COLUMNS columns (p²
 * doubles would be too many), and when the full one would cost more than a few passes:
 * its dsyrk does ½ p² multiply-adds per sampled row, a pass 2p per row, so it costs
 * sampled·p / (4n) passes' arithmetic, at level-3 speed a few times faster than the
 * passes' level 2. Up to FULL_PASSES (8) of them are allowed (1.6 on the benchmark table:
 * 50k sampled rows, 101 columns, 800k rows), and always up to SMALL_COLUMNS columns, where
 * the whole matrix is cheap on any table.
 *
 * Step length: backtracking from t = 1 under the Armijo condition (algorithm 3.1). L-BFGS
 * usually asks for a Wolfe line search to keep sᵀy > 0; here f is strongly convex with
 * modulus 1 (the ½‖β‖² term), so sᵀy >= ‖s‖² > 0 for any step and plain backtracking
 * keeps the update well defined (a pair is still skipped should rounding break it). With
 * the preconditioner the first direction, −M⁻¹∇f(0), is a (sampled) Newton step from 0,
 * so the unit step is the natural first trial there too.
 *
 * Stopping: ‖∇f(β)‖ <= tol ‖∇f(0)‖, LIBLINEAR's rule (see logreg_newton.c).
 *
 * Every sum runs in a fixed order (the passes of logreg_loss.c, the dot products and the
 * M⁻¹ product here on one thread), so β is the same bit for bit for any thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/blas.h"
#include "base/util.h"
#include "learn/logreg/logreg_int.h"

/* Pairs kept: scipy's L-BFGS-B and scikit-learn use 10 as well. */
#define MEMORY       10
#define ARMIJO       1e-4
#define MAX_HALVINGS 60

/* The sample of rows behind M: at least this many, and 200 per column (logreg_newton.c's). */
#define SAMPLE_MIN_ROWS 50000
/* When M is the full p × p matrix rather than its diagonal (see the top of the file):
 * up to FULL_MAX_COLUMNS columns (8 MB at 1024), and when it costs at most FULL_PASSES
 * passes' arithmetic or the columns are at most SMALL_COLUMNS. */
#define FULL_MAX_COLUMNS 1024
#define FULL_PASSES      8
#define SMALL_COLUMNS    64

/* Every how many row blocks the sample reads: 1 when it would not halve the rows. */
static size_t sample_stride(const ck__lr_problem *pb)
{
    size_t want = pb->p * 200 > SAMPLE_MIN_ROWS ? pb->p * 200 : SAMPLE_MIN_ROWS;
    size_t stride = pb->n / want;
    return stride >= 2 ? stride : 1;
}

/* M⁻¹: p × p (full) or p (its diagonal). */
typedef struct precond {
    size_t p;
    bool full;
    double *inv;
} precond;

/* The diagonal of ∇²f(0) over every stride-th row block, scaled to the row count. One
 * thread, through the first chunk's scratch block: no pass is running. */
static void hessian_diag_at_zero(ck__lr_problem *pb, size_t stride, double *diag)
{
    size_t p = pb->p, sampled = 0;
    double *xb = pb->blocks;
    memset(diag, 0, p * sizeof *diag);
    for (size_t b = 0; b < pb->n_blocks; b += stride) {
        size_t lo = b * CK__LR_BLOCK_ROWS;
        size_t hi = lo + CK__LR_BLOCK_ROWS < pb->n ? lo + CK__LR_BLOCK_ROWS : pb->n;
        ck__logreg_block(pb->m, pb->d, lo, hi, xb);
        for (size_t i = lo; i < hi; i++) {
            /* σ(0)(1 − σ(0)) = ¼ */
            double w = 0.25 * ck__logreg_row_weight(pb->row_w, pb->y, i, pb->pos_weight);
            const double *x = xb + (i - lo) * p;
            for (size_t k = 0; k < p; k++)
                diag[k] += w * x[k] * x[k];
        }
        sampled += hi - lo;
    }
    double scale = pb->C * ((double)pb->n / (double)(sampled ? sampled : 1));
    for (size_t k = 0; k < p; k++)
        diag[k] = 1.0 / (1.0 + scale * diag[k]);
}

/* M⁻¹ into pc (allocated here). z0 is Xβ at β = 0 (zeros). CK_OK, CK_ENOMEM, or
 * CK_EINVAL when M is not positive definite (only non-finite data can do that: M ⪰ I). */
static int precond_init(precond *pc, ck__lr_problem *pb, const double *z0, ck_error *err)
{
    size_t p = pb->p, pp;
    size_t stride = sample_stride(pb);
    size_t sampled = 0;
    for (size_t b = 0; b < pb->n_blocks; b += stride) {
        size_t lo = b * CK__LR_BLOCK_ROWS;
        sampled += lo + CK__LR_BLOCK_ROWS < pb->n ? CK__LR_BLOCK_ROWS : pb->n - lo;
    }
    /* sampled · p / (4n) <= FULL_PASSES, in doubles: no product can overflow */
    bool cheap = (double)sampled * (double)p <= 4.0 * FULL_PASSES * (double)pb->n;
    pc->p = p;
    pc->full = p <= FULL_MAX_COLUMNS && (p <= SMALL_COLUMNS || cheap);
    pc->inv = ck__alloc_array(pc->full ? (ck__mul_size(&pp, p, p) ? pp : 0) : p, sizeof *pc->inv);
    if (pc->inv == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (!pc->full) {
        hessian_diag_at_zero(pb, stride, pc->inv);
        return CK_OK;
    }
    int rc = ck__lr_hessian(pb, z0, stride, pc->inv, err);
    /* the chunks' partial Hessians are not needed again by this solver */
    free(pb->chunk_hess);
    pb->chunk_hess = NULL;
    if (rc < 0)
        return rc;
    if (ck__blas_spd_inverse(p, pc->inv) != 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "lbfgs: the Hessian at 0 is not positive definite (a value in the "
                            "data is not finite)");
    return CK_OK;
}

/* out = M⁻¹ v */
static void precond_apply(const precond *pc, const double *v, double *out)
{
    if (pc->full) {
        ck__blas_gemv(pc->p, pc->p, pc->inv, pc->p, v, out);
    } else {
        for (size_t k = 0; k < pc->p; k++)
            out[k] = pc->inv[k] * v[k];
    }
}

/* direction = −H∇f by the two-loop recursion with H₀ = γ M⁻¹; pairs k = 0..n_pairs−1,
 * oldest first, at slot (first + k) % MEMORY. q (p) is scratch. */
static void two_loop(double *d, const double *g, const precond *pc, double *const *s,
                     double *const *y, const double *rho, size_t first, size_t n_pairs,
                     double *alpha, double *q)
{
    size_t p = pc->p;
    memcpy(q, g, p * sizeof *q);
    for (size_t k = n_pairs; k-- > 0;) {
        size_t slot = (first + k) % MEMORY;
        alpha[slot] = rho[slot] * ck__blas_dot(p, s[slot], q);
        ck__blas_axpy(p, -alpha[slot], y[slot], q);
    }
    double gamma = 1.0;
    if (n_pairs > 0) {
        /* d holds M⁻¹y for a moment */
        size_t last = (first + n_pairs - 1) % MEMORY;
        precond_apply(pc, y[last], d);
        gamma = ck__blas_dot(p, s[last], y[last]) / ck__blas_dot(p, y[last], d);
    }
    precond_apply(pc, q, d);
    for (size_t k = 0; k < p; k++)
        d[k] *= gamma;
    for (size_t k = 0; k < n_pairs; k++) {
        size_t slot = (first + k) % MEMORY;
        double b = rho[slot] * ck__blas_dot(p, y[slot], d);
        ck__blas_axpy(p, alpha[slot] - b, s[slot], d);
    }
    for (size_t k = 0; k < p; k++)
        d[k] = -d[k];
}

int ck__lr_lbfgs(double *beta, double *z_out, ck__lr_problem *pb, double tol, int max_iter,
                 ck_logreg_report *r, ck_error *err)
{
    size_t p = pb->p;
    double *mem = ck__alloc_array((2 * MEMORY + 5) * p, sizeof *mem);
    /* Xβ of the current point and of the trial one, for z_out */
    double *z = ck__alloc_array(pb->n, sizeof *z), *z_new = ck__alloc_array(pb->n, sizeof *z_new);
    double *s[MEMORY], *y[MEMORY], rho[MEMORY] = { 0 }, alpha[MEMORY] = { 0 };
    precond pc = { 0 };
    int rc = CK_OK;
    if (mem == NULL || z == NULL || z_new == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < MEMORY; k++) {
        s[k] = mem + 2 * k * p;
        y[k] = mem + (2 * k + 1) * p;
    }
    double *g = mem + 2 * MEMORY * p, *g_new = g + p, *d = g_new + p, *trial = d + p;
    double *q = trial + p;
    size_t first = 0, n_pairs = 0;
    memset(beta, 0, p * sizeof *beta);
    double f = ck__lr_eval(pb, beta, g, z);
    double g0 = ck__lr_norm(g, p), g_norm = g0;
    int it = 0;
    r->converged = false;
    r->warning[0] = '\0';
    if (g_norm > tol * g0 && max_iter > 0 && (rc = precond_init(&pc, pb, z, err)) < 0)
        goto done;
    for (;; it++) {
        if (g_norm <= tol * g0) {
            r->converged = true;
            break;
        }
        if (it == max_iter) {
            snprintf(r->warning, sizeof r->warning,
                     "lbfgs did not converge in %d iterations (gradient %.3g of its start, tol "
                     "%.3g)",
                     it, g_norm / g0, tol);
            break;
        }
        two_loop(d, g, &pc, s, y, rho, first, n_pairs, alpha, q);
        double slope = ck__blas_dot(p, g, d);
        if (!(slope < 0)) {
            /* not a descent direction (rounding): forget the pairs, −M⁻¹∇f is one */
            n_pairs = 0;
            two_loop(d, g, &pc, s, y, rho, first, n_pairs, alpha, q);
            slope = ck__blas_dot(p, g, d);
        }
        double t = 1.0, f_new = f;
        int halvings = 0;
        for (; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
            for (size_t k = 0; k < p; k++)
                trial[k] = beta[k] + t * d[k];
            f_new = ck__lr_eval(pb, trial, g_new, z_new);
            if (f_new <= f + ARMIJO * t * slope)
                break;
        }
        if (halvings > MAX_HALVINGS) {
            snprintf(r->warning, sizeof r->warning,
                     "lbfgs: the line search found no decrease after %d iterations (gradient "
                     "%.3g of its start, tol %.3g)",
                     it, g_norm / g0, tol);
            break;
        }
        double sy = 0;
        for (size_t k = 0; k < p; k++)
            sy += (trial[k] - beta[k]) * (g_new[k] - g[k]);
        if (sy > 0) {
            /* the new pair goes in the oldest slot once the memory is full */
            size_t slot = (first + n_pairs) % MEMORY;
            for (size_t k = 0; k < p; k++) {
                s[slot][k] = trial[k] - beta[k];
                y[slot][k] = g_new[k] - g[k];
            }
            rho[slot] = 1.0 / sy;
            if (n_pairs < MEMORY)
                n_pairs++;
            else
                first = (first + 1) % MEMORY;
        }
        memcpy(beta, trial, p * sizeof *beta);
        memcpy(g, g_new, p * sizeof *g);
        double *swap = z;
        z = z_new;
        z_new = swap;
        f = f_new;
        g_norm = ck__lr_norm(g, p);
    }
    r->iterations = it;
    r->objective = f;
    r->grad_norm = g0 > 0 ? g_norm / g0 : 0.0;
    if (z_out != NULL)
        memcpy(z_out, z, pb->n * sizeof *z);
done:
    free(pc.inv);
    free(mem);
    free(z);
    free(z_new);
    return rc;
}
