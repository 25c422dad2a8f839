/*
 * L-BFGS for the l2 logistic-regression objective (logreg_loss.c): Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., 2006, algorithm 7.5, the search direction by the
 * two-loop recursion (algorithm 7.4) over the last MEMORY pairs (s, y), with the initial
 * matrix γI, γ = sᵀy / yᵀy (eq. 7.20). Each evaluation of f and ∇f is one pass over the
 * row blocks, two dgemv calls per block (BLAS level 2).
 *
 * Step length: backtracking from 1 under the Armijo condition (algorithm 3.1). L-BFGS
 * usually asks for a Wolfe line search to keep sᵀy > 0; here f is strongly convex with
 * modulus 1 (the ½‖β‖² term), so sᵀy >= ‖s‖² > 0 for any step and plain backtracking
 * keeps the update well defined (a pair is still skipped should rounding break it). The
 * first step, along −∇f, starts at t = 1/‖∇f‖ (section 7.2 leaves the first scaling
 * open; this keeps it from overshooting when the gradient is large).
 *
 * Stopping: ‖∇f(β)‖ <= tol ‖∇f(0)‖, LIBLINEAR's rule (see logreg_newton.c).
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

/* direction = −H∇f by the two-loop recursion; pairs k = 0..n_pairs−1, oldest first, at
 * slot (first + k) % MEMORY. */
static void two_loop(double *d, const double *g, size_t p, double *const *s, double *const *y,
                     const double *rho, size_t first, size_t n_pairs, double *alpha)
{
    for (size_t k = 0; k < p; k++)
        d[k] = -g[k];
    for (size_t k = n_pairs; k-- > 0;) {
        size_t slot = (first + k) % MEMORY;
        alpha[slot] = rho[slot] * ck__blas_dot(p, s[slot], d);
        ck__blas_axpy(p, -alpha[slot], y[slot], d);
    }
    if (n_pairs > 0) {
        size_t last = (first + n_pairs - 1) % MEMORY;
        double gamma = ck__blas_dot(p, s[last], y[last]) / ck__blas_dot(p, y[last], y[last]);
        for (size_t k = 0; k < p; k++)
            d[k] *= gamma;
    }
    for (size_t k = 0; k < n_pairs; k++) {
        size_t slot = (first + k) % MEMORY;
        double b = rho[slot] * ck__blas_dot(p, y[slot], d);
        ck__blas_axpy(p, alpha[slot] - b, s[slot], d);
    }
}

int ck__lr_lbfgs(double *beta, double *z_out, ck__lr_problem *pb, double tol, int max_iter,
                 ck_logreg_report *r, ck_error *err)
{
    size_t p = pb->p;
    double *mem = ck__alloc_array((2 * MEMORY + 4) * p, sizeof *mem);
    /* Xβ of the current point and of the trial one, for z_out */
    double *z = ck__alloc_array(pb->n, sizeof *z), *z_new = ck__alloc_array(pb->n, sizeof *z_new);
    double *s[MEMORY], *y[MEMORY], rho[MEMORY] = { 0 }, alpha[MEMORY] = { 0 };
    if (mem == NULL || z == NULL || z_new == NULL) {
        free(mem);
        free(z);
        free(z_new);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t k = 0; k < MEMORY; k++) {
        s[k] = mem + 2 * k * p;
        y[k] = mem + (2 * k + 1) * p;
    }
    double *g = mem + 2 * MEMORY * p, *g_new = g + p, *d = g_new + p, *trial = d + p;
    size_t first = 0, n_pairs = 0;
    memset(beta, 0, p * sizeof *beta);
    double f = ck__lr_eval(pb, beta, g, z);
    double g0 = ck__lr_norm(g, p), g_norm = g0;
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
                     "lbfgs did not converge in %d iterations (gradient %.3g of its start, tol "
                     "%.3g)",
                     it, g_norm / g0, tol);
            break;
        }
        two_loop(d, g, p, s, y, rho, first, n_pairs, alpha);
        double slope = ck__blas_dot(p, g, d);
        if (!(slope < 0)) {
            /* not a descent direction (rounding): forget the pairs, go down the gradient */
            n_pairs = 0;
            two_loop(d, g, p, s, y, rho, first, n_pairs, alpha);
            slope = ck__blas_dot(p, g, d);
        }
        double t = n_pairs == 0 ? 1.0 / g_norm : 1.0, f_new = f;
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
    free(mem);
    free(z);
    free(z_new);
    return CK_OK;
}
