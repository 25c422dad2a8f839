/*
 * Newton's method for the l2 logistic-regression objective (logreg_loss.c).
 *
 * Each iteration solves H s = −∇f for the Newton step, with H = I + C Xᵀ D X accumulated
 * over row blocks by dsyrk and factored by Cholesky (dpotrf, dpotrs): H ⪰ I, so the
 * factorisation cannot fail on finite data. The step length is found by backtracking
 * from 1 until the Armijo condition f(β + t s) <= f(β) + c₁ t ∇fᵀs holds (Nocedal &
 * Wright, "Numerical Optimization", 2nd ed., 2006, algorithm 3.1 and section 3.3; with an
 * exact Hessian of a strongly convex f the full step is taken near the solution and
 * convergence is quadratic, theorem 3.6).
 *
 * On a large table the Hessian is computed on a sample of the rows, every k-th row block
 * (at least SAMPLE_MIN_ROWS rows, and 200 per column), scaled to the full row count: a
 * subsampled Newton method (Byrd, Chin, Neveitt & Nocedal, "On the use of stochastic
 * Hessian information in optimization methods for machine learning", SIAM J. Optim.
 * 21(3), 2011; Roosta-Khorasani & Mahoney, "Sub-sampled Newton methods", Math. Program.
 * 174, 2019). The gradient is always exact, so the stopping test is too; the steps
 * converge linearly, at a rate near the relative error of the sampled Hessian (about 0.06
 * per step on the 800k-row benchmark table, whose exact Hessian would cost 16 times as
 * much). Should a step near the solution (gradient below NEAR of its start) gain less
 * than SLOW_RATE, the sample is not good enough, and every later Hessian is exact, which
 * gives the quadratic convergence of Newton's method back. Tables with fewer than twice
 * the sample's rows always get the exact Hessian.
 *
 * Stopping: ‖∇f(β)‖ <= tol ‖∇f(0)‖, LIBLINEAR's rule (Lin, Weng & Keerthi, "Trust region
 * Newton method for large-scale logistic regression", JMLR 9, 2008, section 2), so that
 * the solvers stop at the same point.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/blas.h"
#include "base/util.h"
#include "learn/logreg/logreg_int.h"

/* Armijo's sufficient-decrease constant (Nocedal & Wright's usual 1e-4) and the most
 * halvings of the step before giving up. */
#define ARMIJO       1e-4
#define MAX_HALVINGS 60

/* A subsampled Hessian reads at least this many rows, and at least 200 per column. */
#define SAMPLE_MIN_ROWS 50000
#define NEAR            1e-3
#define SLOW_RATE       0.25

/* Every how many row blocks the subsampled Hessian reads: 1 when the sample would not be
 * at least half the rows smaller than the table. */
static size_t sample_stride(const ck__lr_problem *pb)
{
    size_t want = pb->p * 200 > SAMPLE_MIN_ROWS ? pb->p * 200 : SAMPLE_MIN_ROWS;
    size_t stride = pb->n / want;
    return stride >= 2 ? stride : 1;
}

int ck__lr_newton(double *beta, double *z_out, ck__lr_problem *pb, double tol, int max_iter,
                  ck_logreg_report *r, ck_error *err)
{
    size_t n = pb->n, p = pb->p;
    double *g = ck__alloc_array(p, sizeof *g), *g_new = ck__alloc_array(p, sizeof *g_new);
    double *step = ck__alloc_array(p, sizeof *step), *trial = ck__alloc_array(p, sizeof *trial);
    size_t pp;
    double *h = ck__mul_size(&pp, p, p) ? ck__alloc_array(pp, sizeof *h) : NULL;
    double *z = ck__alloc_array(n, sizeof *z), *z_new = ck__alloc_array(n, sizeof *z_new);
    int rc = CK_OK;
    if (!g || !g_new || !step || !trial || !h || !z || !z_new) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    memset(beta, 0, p * sizeof *beta);
    double f = ck__lr_eval(pb, beta, g, z);
    double g0 = ck__lr_norm(g, p), g_norm = g0;
    size_t stride = sample_stride(pb); /* 1 once the Hessian is exact */
    int it = 0;
    r->converged = false;
    r->warning[0] = '\0';
    for (;; it++) {
        if (g_norm <= tol * g0) {
            r->converged = true;
            break;
        }
        if (it == max_iter) {
            snprintf(r->warning, sizeof r->warning,
                     "newton did not converge in %d iterations (gradient %.3g of its start, "
                     "tol %.3g)",
                     it, g0 > 0 ? g_norm / g0 : 0.0, tol);
            break;
        }
        if ((rc = ck__lr_hessian(pb, z, stride, h, err)) < 0)
            goto done;
        for (size_t k = 0; k < p; k++)
            step[k] = -g[k];
        if (ck__blas_cholesky_solve(p, h, step) != 0) {
            /* H ⪰ I: only a NaN or infinity in the data gets here */
            rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                              "newton: the Hessian is not positive definite (a value in the "
                              "data is not finite)");
            goto done;
        }
        double slope = ck__blas_dot(p, g, step), t = 1.0, f_new = f;
        int halvings = 0;
        for (; halvings <= MAX_HALVINGS; halvings++, t *= 0.5) {
            for (size_t k = 0; k < p; k++)
                trial[k] = beta[k] + t * step[k];
            f_new = ck__lr_eval(pb, trial, g_new, z_new);
            if (f_new <= f + ARMIJO * t * slope)
                break;
        }
        if (halvings > MAX_HALVINGS) {
            /* rounding noise in f hides any further decrease */
            snprintf(r->warning, sizeof r->warning,
                     "newton: the line search found no decrease after %d iterations (gradient "
                     "%.3g of its start, tol %.3g)",
                     it, g_norm / g0, tol);
            break;
        }
        memcpy(beta, trial, p * sizeof *beta);
        double *swap = g;
        g = g_new;
        g_new = swap;
        swap = z;
        z = z_new;
        z_new = swap;
        f = f_new;
        double g_new_norm = ck__lr_norm(g, p);
        if (stride > 1 && g_new_norm < NEAR * g0 && g_new_norm > SLOW_RATE * g_norm)
            stride = 1;
        g_norm = g_new_norm;
    }
    r->iterations = it;
    r->objective = f;
    r->grad_norm = g0 > 0 ? g_norm / g0 : 0.0;
    if (z_out != NULL)
        memcpy(z_out, z, n * sizeof *z);
done:
    free(g);
    free(g_new);
    free(step);
    free(trial);
    free(h);
    free(z);
    free(z_new);
    return rc;
}
