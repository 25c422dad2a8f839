/*
 * The BG/NBD limit where every customer drops out with the same probability p: the
 * Beta(a, b) of the dropout becomes a point mass as a + b → ∞ at a fixed mean a/(a+b) = p.
 * A fit reaches it when the data shows no spread in dropout across customers (a
 * synthetic brand, a shop whose customers leave alike); the general formulas then lose
 * every digit to cancellation (eq. 10 has C/(a−1) times a difference of near-equal terms),
 * so the limit has its own, exact ones. With A = r + x:
 *
 *   ln L = ln Γ(A) − ln Γ(r) + r ln α + x ln(1−p) − A ln(α+T)
 *          + ln(1 + [x > 0] e^D),   D = ln(p/(1−p)) + A (ln(α+T) − ln(α+t_x)),
 *
 * the limit of FHL eq. 6 (B(a, b+x)/B(a, b) → (1−p)^x, B(a+1, b+x−1)/B(a, b) →
 * p (1−p)^(x−1)); P(alive) = 1 / (1 + [x > 0] e^D); and, alive at T, purchases at rate λ
 * end with a death at rate λp, so E[Y(t) | λ] = (1 − e^(−λpt)) / p, which over the
 * posterior λ ~ Gamma(A, α+T) is
 *
 *   E[Y(t) | alive] = (1 − (1 + p t/(α+T))^(−A)) / p,
 *
 * also eq. 10's limit (₂F₁(A, b+x; C; z) → (1 − (1−p) z)^(−A)). The fit is BFGS on
 * θ = (ln r, ln α, logit p) over the rows; rare, so plain.
 */
#include <math.h>
#include <stdio.h>

#include "learn/bgnbd/bgnbd_int.h"

double ck__bgnbd_same_p(const ck_bgnbd_params *p)
{
    return p->a / (p->a + p->b);
}

/* ln L and, when grad is not NULL, its gradient in (r, α, p), over the rows of d. */
static double same_ll(double r, double alpha, double p, const ck_bgnbd_data *d, double *grad)
{
    double ll = 0.0, g[3] = { 0 };
    double lgr = lgamma(r), psr = ck__bgnbd_digamma(r), la = log(alpha), lp = log(p / (1 - p));
    double l1p = log1p(-p);
    for (size_t i = 0; i < d->n; i++) {
        double x = d->x[i], A = r + x, lT = log(alpha + d->T[i]);
        double lead = lgamma(A) - lgr + r * la + x * l1p - A * lT;
        double s = 0.0, gap = 0.0;
        if (x > 0.0) {
            gap = lT - log(alpha + d->t_x[i]);
            double D = lp + A * gap;
            ll += lead + (D > 0.0 ? D + log1p(exp(-D)) : log1p(exp(D)));
            s = D > 0.0 ? 1.0 / (1.0 + exp(-D)) : exp(D) / (1.0 + exp(D));
        } else {
            ll += lead;
        }
        if (grad) {
            double iT = 1.0 / (alpha + d->T[i]), it = 1.0 / (alpha + d->t_x[i]);
            g[0] += ck__bgnbd_digamma(A) - psr + la - lT + s * gap;
            g[1] += r / alpha - A * iT + s * A * (iT - it);
            g[2] += -x / (1 - p) + s / (p * (1 - p));
        }
    }
    if (grad)
        for (int k = 0; k < 3; k++)
            grad[k] = g[k];
    return ll;
}

typedef struct same_ctx {
    const ck_bgnbd_data *d;
} same_ctx;

static double objective(const double *theta, double *grad, void *ctx)
{
    const same_ctx *c = ctx;
    for (int k = 0; k < 3; k++)
        if (!(fabs(theta[k]) < 700.0))
            return INFINITY;
    double r = exp(theta[0]), alpha = exp(theta[1]), p = 1.0 / (1.0 + exp(-theta[2]));
    if (!(p > 0.0 && p < 1.0))
        return INFINITY;
    double g[3], N = (double)c->d->n;
    double ll = same_ll(r, alpha, p, c->d, grad ? g : NULL);
    if (grad) {
        grad[0] = -g[0] * r / N;
        grad[1] = -g[1] * alpha / N;
        grad[2] = -g[2] * p * (1.0 - p) / N;
    }
    return isfinite(ll) ? -ll / N : INFINITY;
}

static void gradient(const double *v, double *grad, void *ctx)
{
    const same_ctx *c = ctx;
    same_ll(v[0], v[1], v[2], c->d, grad);
}

double ck__bgnbd_same_log_likelihood(const ck_bgnbd_params *p, const ck_bgnbd_data *d,
                                     double *grad)
{
    return same_ll(p->r, p->alpha, ck__bgnbd_same_p(p), d, grad);
}

bool ck__bgnbd_fit_same(ck_bgnbd_fit *out, const ck_bgnbd_data *d, double r, double alpha,
                        double p, const ck_bgnbd_fit_options *opts)
{
    double theta[3] = { log(r), log(alpha), log(p / (1.0 - p)) };
    same_ctx c = { d };
    ck__bgnbd_bfgs_result res =
        ck__bgnbd_bfgs(theta, 3, objective, &c, NULL, opts->max_iter, opts->tol);
    if (!isfinite(res.f))
        return false;
    double v[3] = { exp(theta[0]), exp(theta[1]), 1.0 / (1.0 + exp(-theta[2])) }, se[3];
    out->params = (ck_bgnbd_params){ v[0], v[1], v[2], 1.0 - v[2], false, true };
    out->log_likelihood = -res.f * (double)d->n;
    out->iterations = res.iterations;
    out->converged = res.converged;
    out->has_se = ck__bgnbd_standard_errors(v, 3, gradient, &c, se);
    out->se_r = out->has_se ? se[0] : 0.0;
    out->se_alpha = out->has_se ? se[1] : 0.0;
    out->se_a = out->has_se ? se[2] : 0.0;
    out->se_b = 0.0;
    return true;
}
