/*
 * The Gamma-Gamma model of spend (Fader, Hardie & Lee 2005, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", JMR 42(4); Fader & Hardie 2013, "The
 * Gamma-Gamma Model of Monetary Value"): each transaction's value is Gamma(p, ν), ν ~
 * Gamma(q, γ) across customers, fit on the mean m̄ of a customer's x ≥ 1 repeat
 * transactions. Log-likelihood of one customer (the 2013 note, eq. 3):
 *   ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄),
 * gradient
 *   ∂p = x [ψ(px+q) − ψ(px) + ln m̄ + ln x − ln(γ + x m̄)]
 *   ∂q = ψ(px+q) − ψ(q) + ln γ − ln(γ + x m̄)
 *   ∂γ = q/γ − (px+q)/(γ + x m̄).
 * Fit by the BFGS of bgnbd_solver.c on ln(p, q, γ), from p = q = 1 and γ the mean of m̄
 * (so the mean spend p γ/(q−1) starts at the scale of the data) and from two other
 * scales; the best optimum is kept. Conditional expected spend: the 2013 note, eq. 5.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "learn/bgnbd/bgnbd_int.h"

static int check_gg_params(const ck_gammagamma_params *g, ck_error *err)
{
    const double v[3] = { g->p, g->q, g->gamma };
    const char *name[3] = { "p", "q", "gamma" };
    for (int i = 0; i < 3; i++)
        if (!(v[i] > 0.0) || !isfinite(v[i]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "gamma-gamma parameter %s must be a positive number, got %.17g",
                                name[i], v[i]);
    return CK_OK;
}

/* Validate the repeat buyers' rows; count them. */
static int check_rows(const ck_bgnbd_data *d, size_t *n_out, ck_error *err)
{
    if (d->mean_spend == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "gamma-gamma needs the mean spend");
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        int rc = ck_bgnbd_check_customer(d->x[i], d->t_x[i], d->T[i], i, err);
        if (rc < 0)
            return rc;
        if (d->x[i] < 1.0)
            continue;
        if (!(d->mean_spend[i] > 0.0) || !isfinite(d->mean_spend[i]))
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1,
                                "mean spend must be > 0 with %.17g repeat purchases, got %.17g",
                                d->x[i], d->mean_spend[i]);
        n++;
    }
    *n_out = n;
    return CK_OK;
}

static double evaluate(const ck_gammagamma_params *g, const ck_bgnbd_data *d, double *grad)
{
    double p = g->p, q = g->q, gam = g->gamma;
    double lgq = lgamma(q), psq = grad ? ck__bgnbd_digamma(q) : 0.0, lng = log(gam);
    double ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        double x = d->x[i];
        if (x < 1.0)
            continue;
        double m = d->mean_spend[i], px = p * x, lx = log(x), lm = log(m);
        double lden = log(gam + x * m);
        ll += lgamma(px + q) - lgamma(px) - lgq + q * lng + (px - 1.0) * lm + px * lx -
              (px + q) * lden;
        if (grad) {
            double psi = ck__bgnbd_digamma(px + q);
            gp += x * (psi - ck__bgnbd_digamma(px) + lm + lx - lden);
            gq += psi - psq + lng - lden;
            gg += q / gam - (px + q) / (gam + x * m);
        }
    }
    if (grad) {
        grad[0] = gp;
        grad[1] = gq;
        grad[2] = gg;
    }
    return ll;
}

int ck_gammagamma_log_likelihood(const ck_gammagamma_params *params, const ck_bgnbd_data *data,
                                 double *ll_out, double *grad_out, ck_error *err)
{
    size_t n;
    int rc;
    if ((rc = check_gg_params(params, err)) < 0 || (rc = check_rows(data, &n, err)) < 0)
        return rc;
    double grad[3];
    double ll = evaluate(params, data, grad);
    if (ll_out)
        *ll_out = ll;
    if (grad_out)
        memcpy(grad_out, grad, sizeof grad);
    return CK_OK;
}

typedef struct gg_ctx {
    const ck_bgnbd_data *data;
    double n;
} gg_ctx;

static double objective(const double *theta, double *grad, void *ctx)
{
    gg_ctx *c = ctx;
    for (int i = 0; i < 3; i++)
        if (!(fabs(theta[i]) < 700.0))
            return INFINITY;
    ck_gammagamma_params g = { exp(theta[0]), exp(theta[1]), exp(theta[2]) };
    double gr[3];
    double ll = evaluate(&g, c->data, grad ? gr : NULL);
    if (grad) {
        grad[0] = -gr[0] * g.p / c->n;
        grad[1] = -gr[1] * g.q / c->n;
        grad[2] = -gr[2] * g.gamma / c->n;
    }
    return isfinite(ll) ? -ll / c->n : INFINITY;
}

static void gradient_natural(const double *params, double *grad, void *ctx)
{
    gg_ctx *c = ctx;
    ck_gammagamma_params g = { params[0], params[1], params[2] };
    evaluate(&g, c->data, grad);
}

int ck_gammagamma_fit_data(ck_gammagamma_fit *out, const ck_bgnbd_data *data,
                           const ck_bgnbd_fit_options *opts, ck_error *err)
{
    const ck_bgnbd_fit_options defaults = CK_BGNBD_FIT_OPTIONS_INIT;
    memset(out, 0, sizeof *out);
    if (opts == NULL)
        opts = &defaults;
    if (opts->max_iter < 1 || !(opts->tol > 0.0) || opts->n_threads < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "bad solver settings: max_iter %d, tol %g, threads %d", opts->max_iter,
                            opts->tol, opts->n_threads);
    size_t n;
    int rc = check_rows(data, &n, err);
    if (rc < 0)
        return rc;
    if (n < 2)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "gamma-gamma needs at least 2 repeat buyers, got %zu", n);
    /* means, and Pearson's r between x and m̄ (two passes, for accuracy) */
    double mx = 0.0, mm = 0.0;
    for (size_t i = 0; i < data->n; i++)
        if (data->x[i] >= 1.0) {
            mx += data->x[i];
            mm += data->mean_spend[i];
        }
    mx /= (double)n;
    mm /= (double)n;
    double sxx = 0.0, smm = 0.0, sxm = 0.0;
    for (size_t i = 0; i < data->n; i++)
        if (data->x[i] >= 1.0) {
            double dx = data->x[i] - mx, dm = data->mean_spend[i] - mm;
            sxx += dx * dx;
            smm += dm * dm;
            sxm += dx * dm;
        }
    if (!(smm > 0.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "gamma-gamma needs spend that varies: every repeat buyer's mean "
                            "spend is %.17g",
                            mm);
    out->spend_frequency_correlation = sxx > 0.0 ? sxm / sqrt(sxx * smm) : 0.0;
    out->n_customers = n;

    gg_ctx ctx = { data, (double)n };
    const double starts[3][3] = { { 1.0, 1.0, mm }, { 5.0, 3.0, mm }, { 0.5, 10.0, 10.0 * mm } };
    double best[3] = { 0 };
    ck__bgnbd_bfgs_result best_res = { INFINITY, 0, false };
    for (int s = 0; s < 3; s++) {
        double theta[3] = { log(starts[s][0]), log(starts[s][1]), log(starts[s][2]) };
        ck__bgnbd_bfgs_result res =
            ck__bgnbd_bfgs(theta, 3, objective, &ctx, NULL, opts->max_iter, opts->tol);
        if (res.f < best_res.f) {
            best_res = res;
            memcpy(best, theta, sizeof best);
        }
    }
    if (!isfinite(best_res.f))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "gamma-gamma fit failed: no finite likelihood");
    out->params.p = exp(best[0]);
    out->params.q = exp(best[1]);
    out->params.gamma = exp(best[2]);
    out->log_likelihood = -best_res.f * (double)n;
    out->iterations = best_res.iterations;
    out->converged = best_res.converged;
    double p3[3] = { out->params.p, out->params.q, out->params.gamma }, se[3];
    out->has_se = ck__bgnbd_standard_errors(p3, 3, gradient_natural, &ctx, se);
    if (out->has_se) {
        out->se_p = se[0];
        out->se_q = se[1];
        out->se_gamma = se[2];
    }
    if (!out->converged)
        snprintf(out->message, sizeof out->message,
                 "the solver stopped after %d iterations without converging (tol %g)",
                 out->iterations, opts->tol);
    return CK_OK;
}

int ck_gammagamma_expected_spend(double *out, const ck_gammagamma_params *params, double x,
                                 double mean_spend, ck_error *err)
{
    int rc = check_gg_params(params, err);
    if (rc < 0)
        return rc;
    if (!(x >= 0.0) || !isfinite(x))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "repeat purchases x must be >= 0, got %.17g",
                            x);
    if (x > 0.0 && (!(mean_spend > 0.0) || !isfinite(mean_spend)))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "mean spend must be > 0 with %.17g repeat purchases, got %.17g", x,
                            mean_spend);
    double den = params->p * x + params->q - 1.0;
    if (!(den > 0.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "expected spend is infinite: p x + q - 1 = %.17g <= 0 (q %.17g)", den,
                            params->q);
    *out = params->p * (params->gamma + (x > 0.0 ? x * mean_spend : 0.0)) / den;
    return CK_OK;
}
