/*
 * The numerical pieces under both fits: the digamma and trigamma functions, BFGS and
 * Newton's method with a backtracking line search, and standard errors from a Hessian.
 *
 * Digamma: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic
 * series ψ(x) ~ ln x − 1/(2x) − Σ B_2k / (2k x^2k) (Abramowitz & Stegun 6.3.18), whose
 * terms up to B_14 leave an error below 1e-17 at x = 10. Trigamma likewise:
 * ψ′(x) = ψ′(x + 1) + 1/x², then ψ′(x) ~ 1/x + 1/(2x²) + Σ B_2k / x^(2k+1) (A&S 6.4.12).
 *
 * BFGS: Nocedal & Wright, "Numerical Optimization", 2nd ed., 2006, algorithm 6.1, the
 * inverse-Hessian update (eq. 6.17) with the first matrix scaled by sᵀy / yᵀy (eq. 6.20);
 * the step is backtracked from 1 under the Armijo condition (algorithm 3.1), and a pair
 * with sᵀy ≤ 0 is skipped so the matrix stays positive definite. The fits run it on the
 * logs of their parameters, so every point is in the domain; a step is also capped at 3
 * in every log-parameter (a factor e^3), which keeps the first trial steps from overflowing
 * the likelihood. Near the optimum, where the decrease Armijo asks for is below the
 * rounding of f, a step that keeps f within rounding and shrinks the gradient is taken.
 *
 * Newton: the same line search on the direction −(H + μI)⁻¹ g, μ = 0 when the Hessian H is
 * positive definite, else the smallest of 1e-8, 1e-7, … times its largest diagonal entry
 * that makes it so (Nocedal & Wright section 3.4); it converges in a few iterations where
 * BFGS needs tens, and each evaluation of BG/NBD's likelihood is a pass over the groups.
 *
 * Standard errors: the observed information −H, H the Hessian of the log-likelihood in
 * the natural parameters (analytic, or by central differences of the analytic gradient:
 * step 1e-5 relative, error O(h²) against rounding O(ε/h), both near 1e-10), inverted by
 * Cholesky.
 */
#include <math.h>
#include <string.h>

#include "learn/bgnbd/bgnbd_int.h"

double ck__bgnbd_digamma(double x)
{
    double acc = 0.0;
    while (x < 10.0) {
        acc -= 1.0 / x;
        x += 1.0;
    }
    double inv2 = 1.0 / (x * x);
    /* B_2k / (2k): 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12 */
    double series =
        inv2 *
        (1.0 / 12 -
         inv2 * (1.0 / 120 -
                 inv2 * (1.0 / 252 -
                         inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 -
                                                                         inv2 * (1.0 / 12)))))));
    return acc + log(x) - 0.5 / x - series;
}

double ck__bgnbd_trigamma(double x)
{
    double acc = 0.0;
    while (x < 10.0) {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    double iv = 1.0 / x, inv2 = iv * iv;
    /* B_2k: 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6 */
    double series =
        iv * inv2 *
        (1.0 / 6 -
         inv2 * (1.0 / 30 -
                 inv2 * (1.0 / 42 -
                         inv2 * (1.0 / 30 -
                                 inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))));
    return acc + iv + 0.5 * inv2 + series;
}

static double max_abs(const double *v, size_t k)
{
    double m = 0.0;
    for (size_t i = 0; i < k; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

#define ARMIJO       1e-4
#define MAX_LOG_STEP 3.0
#define MIN_STEP     1e-20
#define F_NOISE      1e-14 /* relative rounding of a sum of many log-likelihood terms */

/* The objective as a solver calls it: with its Hessian (Newton) or without (BFGS). */
typedef struct objective_fns {
    ck__bgnbd_objective f;     /* or NULL, then fh */
    ck__bgnbd_objective_h fh;
    void *ctx;
} objective_fns;

/* Backtracking from theta along the descent direction d (f and g there, slope gᵀd < 0):
 * the first step, halving from the largest allowed, that meets Armijo's condition — or,
 * near the optimum, where the decrease Armijo asks for falls below the rounding of f, that
 * keeps f within rounding and shrinks the gradient. True with trial, f_new, g_new (and
 * H_new for Newton) at that step; false when no step down to MIN_STEP does. */
static bool line_search(const objective_fns *o, const double *theta, const double *d, size_t k,
                        double f, const double *g, double slope, double *trial, double *f_new,
                        double *g_new, double *H_new)
{
    for (double step = fmin(1.0, MAX_LOG_STEP / max_abs(d, k)); step >= MIN_STEP; step *= 0.5) {
        for (size_t i = 0; i < k; i++)
            trial[i] = theta[i] + step * d[i];
        *f_new = o->f ? o->f(trial, g_new, o->ctx) : o->fh(trial, g_new, H_new, o->ctx);
        if (!isfinite(*f_new))
            continue;
        if (*f_new <= f + ARMIJO * step * slope ||
            (*f_new <= f + F_NOISE * fabs(f) && max_abs(g_new, k) < max_abs(g, k)))
            return true;
    }
    return false;
}

ck__bgnbd_bfgs_result ck__bgnbd_bfgs(double *theta, size_t k, ck__bgnbd_objective f, void *ctx,
                                     ck__bgnbd_stop stop, int max_iter, double tol)
{
    enum { K = CK__BGNBD_MAX_K };
    double H[K][K] = { { 0 } }, g[K], g_new[K], d[K], trial[K], s[K], y[K];
    for (size_t i = 0; i < k; i++)
        H[i][i] = 1.0;
    bool scaled = false;
    ck__bgnbd_bfgs_result res = { f(theta, g, ctx), 0, false };
    while (res.iterations < max_iter) {
        if (!isfinite(res.f))
            break;
        if (max_abs(g, k) <= tol) {
            res.converged = true;
            break;
        }
        double slope = 0.0;
        for (size_t i = 0; i < k; i++) {
            d[i] = 0.0;
            for (size_t j = 0; j < k; j++)
                d[i] -= H[i][j] * g[j];
            slope += d[i] * g[i];
        }
        if (!(slope < 0.0)) { /* rounding broke descent: restart from steepest descent */
            memset(H, 0, sizeof H);
            for (size_t i = 0; i < k; i++) {
                H[i][i] = 1.0;
                d[i] = -g[i];
            }
            slope = -(g[0] * g[0]);
            for (size_t i = 1; i < k; i++)
                slope -= g[i] * g[i];
            scaled = false;
        }
        const objective_fns fns = { f, NULL, ctx };
        double f_new;
        if (!line_search(&fns, theta, d, k, res.f, g, slope, trial, &f_new, g_new, NULL))
            return res; /* no decrease left in double precision */
        res.iterations++;
        double sy = 0.0, yy = 0.0;
        for (size_t i = 0; i < k; i++) {
            s[i] = trial[i] - theta[i];
            y[i] = g_new[i] - g[i];
            sy += s[i] * y[i];
            yy += y[i] * y[i];
            theta[i] = trial[i];
            g[i] = g_new[i];
        }
        res.f = f_new;
        if (stop && stop(theta))
            break;
        if (sy <= 1e-300 || yy <= 0.0)
            continue;
        if (!scaled) {
            for (size_t i = 0; i < k; i++)
                for (size_t j = 0; j < k; j++)
                    H[i][j] = i == j ? sy / yy : 0.0;
            scaled = true;
        }
        /* H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / sᵀy */
        double rho = 1.0 / sy, Hy[K], yHy = 0.0;
        for (size_t i = 0; i < k; i++) {
            Hy[i] = 0.0;
            for (size_t j = 0; j < k; j++)
                Hy[i] += H[i][j] * y[j];
            yHy += y[i] * Hy[i];
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                H[i][j] +=
                    -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
    if (!res.converged && isfinite(res.f) && max_abs(g, k) <= tol)
        res.converged = true;
    return res;
}

/* L Lᵀ = A + mu I for row-major k×k A (k ≤ CK__BGNBD_MAX_K); false when it is not
 * positive definite. */
static bool cholesky(const double *A, double mu, size_t k,
                     double L[CK__BGNBD_MAX_K][CK__BGNBD_MAX_K])
{
    for (size_t j = 0; j < k; j++) {
        double v = A[j * k + j] + mu;
        for (size_t m = 0; m < j; m++)
            v -= L[j][m] * L[j][m];
        if (!(v > 0.0) || !isfinite(v))
            return false;
        L[j][j] = sqrt(v);
        for (size_t i = j + 1; i < k; i++) {
            double w = A[i * k + j];
            for (size_t m = 0; m < j; m++)
                w -= L[i][m] * L[j][m];
            L[i][j] = w / L[j][j];
        }
    }
    return true;
}

/* Solve (H + mu I) d = −g by Cholesky (H row-major k×k); false when H + mu I is not
 * positive definite. */
static bool shifted_solve(const double *H, double mu, const double *g, size_t k, double *d)
{
    enum { K = CK__BGNBD_MAX_K };
    double L[K][K] = { { 0 } }, z[K];
    if (!cholesky(H, mu, k, L))
        return false;
    for (size_t i = 0; i < k; i++) {
        double v = -g[i];
        for (size_t m = 0; m < i; m++)
            v -= L[i][m] * z[m];
        z[i] = v / L[i][i];
    }
    for (size_t i = k; i-- > 0;) {
        double v = z[i];
        for (size_t m = i + 1; m < k; m++)
            v -= L[m][i] * d[m];
        d[i] = v / L[i][i];
    }
    return true;
}

ck__bgnbd_bfgs_result ck__bgnbd_newton(double *theta, size_t k, ck__bgnbd_objective_h f, void *ctx,
                                       ck__bgnbd_stop stop, int max_iter, double tol)
{
    enum { K = CK__BGNBD_MAX_K };
    double H[K * K], g[K], H_new[K * K], g_new[K], d[K], trial[K];
    ck__bgnbd_bfgs_result res = { f(theta, g, H, ctx), 0, false };
    while (res.iterations < max_iter) {
        if (!isfinite(res.f))
            break;
        if (max_abs(g, k) <= tol) {
            res.converged = true;
            break;
        }
        /* Newton's direction, shifted towards steepest descent until the matrix is
         * positive definite (away from the optimum the likelihood need not be concave) */
        double scale = 0.0, slope = 0.0;
        for (size_t i = 0; i < k; i++)
            scale = fmax(scale, fabs(H[i * k + i]));
        if (!(scale > 0.0) || !isfinite(scale))
            scale = 1.0;
        bool found = false;
        for (double mu = 0.0; !found && mu <= 1e10 * scale;
             mu = mu > 0.0 ? 10.0 * mu : 1e-8 * scale) {
            if (!shifted_solve(H, mu, g, k, d))
                continue;
            slope = 0.0;
            for (size_t i = 0; i < k; i++)
                slope += d[i] * g[i];
            found = slope < 0.0;
        }
        if (!found) {
            slope = 0.0;
            for (size_t i = 0; i < k; i++) {
                d[i] = -g[i];
                slope -= g[i] * g[i];
            }
        }
        const objective_fns fns = { NULL, f, ctx };
        double f_new;
        if (!line_search(&fns, theta, d, k, res.f, g, slope, trial, &f_new, g_new, H_new))
            return res;
        res.iterations++;
        memcpy(theta, trial, k * sizeof *theta);
        memcpy(g, g_new, k * sizeof *g);
        memcpy(H, H_new, k * k * sizeof *H);
        res.f = f_new;
        if (stop && stop(theta))
            break;
    }
    if (!res.converged && isfinite(res.f) && max_abs(g, k) <= tol)
        res.converged = true;
    return res;
}

bool ck__bgnbd_se_from_information(const double *info, size_t k, double *se_out)
{
    enum { K = CK__BGNBD_MAX_K };
    /* Cholesky info = L Lᵀ, then the diagonal of (L Lᵀ)⁻¹ column by column */
    double L[K][K] = { { 0 } };
    if (!cholesky(info, 0.0, k, L))
        return false;
    for (size_t c = 0; c < k; c++) {
        double z[K], w[K];
        for (size_t i = 0; i < k; i++) { /* L z = e_c */
            double v = i == c ? 1.0 : 0.0;
            for (size_t m = 0; m < i; m++)
                v -= L[i][m] * z[m];
            z[i] = v / L[i][i];
        }
        for (size_t i = k; i-- > 0;) { /* Lᵀ w = z */
            double v = z[i];
            for (size_t m = i + 1; m < k; m++)
                v -= L[m][i] * w[m];
            w[i] = v / L[i][i];
        }
        if (!(w[c] > 0.0))
            return false;
        se_out[c] = sqrt(w[c]);
    }
    return true;
}

bool ck__bgnbd_standard_errors(const double *params, size_t k, ck__bgnbd_gradient gradient,
                               void *ctx, double *se_out)
{
    enum { K = CK__BGNBD_MAX_K };
    double H[K][K], point[K], gp[K], gm[K];
    for (size_t j = 0; j < k; j++) {
        double h = 1e-5 * params[j];
        memcpy(point, params, k * sizeof *point);
        point[j] = params[j] + h;
        gradient(point, gp, ctx);
        point[j] = params[j] - h;
        gradient(point, gm, ctx);
        for (size_t i = 0; i < k; i++)
            H[i][j] = -(gp[i] - gm[i]) / (2.0 * h); /* the information, −H */
    }
    double info[K * K];
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            info[i * k + j] = 0.5 * (H[i][j] + H[j][i]);
    return ck__bgnbd_se_from_information(info, k, se_out);
}
