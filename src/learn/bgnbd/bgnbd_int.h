/*
 * What the files of the BG/NBD room share: the digamma and trigamma functions, the BFGS
 * and Newton solvers the fits use, standard errors from a Hessian, and the unchecked
 * per-customer kernels the scoring loop calls after validating a row.
 */
#ifndef CK_BGNBD_INT_H
#define CK_BGNBD_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "churnkit/bgnbd.h"

/* ln(1 + x) for x > −1 to a few ulps, by one log: x ln(u) / (u − 1) with u = 1 + x
 * rounded (D. Goldberg, "What Every Computer Scientist Should Know About Floating-Point
 * Arithmetic", 1991, theorem 4); glibc's log1p is several times slower, and the fit and
 * the scorer call it once a customer. */
static inline double ck__bgnbd_log1p(double x)
{
    double u = 1.0 + x;
    return u == 1.0 ? x : log(u) * x / (u - 1.0);
}

/* ψ(x) and ψ′(x) for x > 0. */
double ck__bgnbd_digamma(double x);
double ck__bgnbd_trigamma(double x);

/* f(θ) and ∇f(θ) (grad may be NULL); a non-finite f marks θ as outside the domain. */
typedef double (*ck__bgnbd_objective)(const double *theta, double *grad, void *ctx);

#define CK__BGNBD_MAX_K 4

typedef struct ck__bgnbd_bfgs_result {
    double f;
    int iterations;
    bool converged;
} ck__bgnbd_bfgs_result;

/* True when the search should end at theta (a boundary reached), or NULL. */
typedef bool (*ck__bgnbd_stop)(const double *theta);

/* Minimise f over R^k (k ≤ CK__BGNBD_MAX_K) from theta (overwritten by the minimiser):
 * stop when max |∂f/∂θ_i| ≤ tol (converged), or when stop(θ) says so after an iteration
 * (not converged). */
ck__bgnbd_bfgs_result ck__bgnbd_bfgs(double *theta, size_t k, ck__bgnbd_objective f, void *ctx,
                                     ck__bgnbd_stop stop, int max_iter, double tol);

/* f(θ), ∇f(θ) and the Hessian of f (row-major k×k) when hess is not NULL. */
typedef double (*ck__bgnbd_objective_h)(const double *theta, double *grad, double *hess, void *ctx);

/* Minimise f as ck__bgnbd_bfgs does, by Newton's method with the exact Hessian. */
ck__bgnbd_bfgs_result ck__bgnbd_newton(double *theta, size_t k, ck__bgnbd_objective_h f, void *ctx,
                                       ck__bgnbd_stop stop, int max_iter, double tol);

/* √diag(info⁻¹) of a k×k information matrix (row-major); false when it is not positive
 * definite. */
bool ck__bgnbd_se_from_information(const double *info, size_t k, double *se_out);

/* Standard errors at theta (natural parameters) from the gradient of the log-likelihood:
 * the Hessian by central differences, then √diag((−H)⁻¹). False when −H is not
 * positive definite. */
typedef void (*ck__bgnbd_gradient)(const double *params, double *grad, void *ctx);
bool ck__bgnbd_standard_errors(const double *params, size_t k, ck__bgnbd_gradient g, void *ctx,
                               double *se_out);

/* Per-customer kernels on valid input (checked by the callers). */
double ck__bgnbd_log_p_alive_odds(const ck_bgnbd_params *p, double x, double t_x, double T);
double ck__bgnbd_p_alive(const ck_bgnbd_params *p, double x, double t_x, double T);
/* E[Y(t)] / P(alive); false when the series does not converge. */
bool ck__bgnbd_expected_if_alive(const ck_bgnbd_params *p, double x, double T, double t,
                                 double *out);
int ck__bgnbd_check_params(const ck_bgnbd_params *p, ck_error *err);

/* The same-dropout limit (bgnbd_same.c): its p = a/(a+b); ln L over the rows with the
 * gradient in (r, α, p) (grad: 3 values, or NULL); and its fit from (r, α, p), into out's
 * params (same_dropout, a = p, b = 1 − p), log_likelihood, iterations, converged and
 * standard errors (se_a that of p, se_b 0). False when no finite optimum was found. */
double ck__bgnbd_same_p(const ck_bgnbd_params *p);
double ck__bgnbd_same_log_likelihood(const ck_bgnbd_params *p, const ck_bgnbd_data *d,
                                     double *grad);
bool ck__bgnbd_fit_same(ck_bgnbd_fit *out, const ck_bgnbd_data *d, double r, double alpha,
                        double p, const ck_bgnbd_fit_options *opts);

#endif
