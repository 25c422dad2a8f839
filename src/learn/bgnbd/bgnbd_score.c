/*
 * Scoring under BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2); FHL):
 * P(alive), the conditional expected purchases, the unconditional curve, lifetime value,
 * and the batch loop over customers.
 *
 * P(alive) (FHL eq. A10; the 2008 note "Computing P(alive) Using the BG/NBD Model"):
 * 1 / (1 + e^u), u = ln(a/(b+x−1)) + (r+x) (ln(α+T) − ln(α+t_x)) for x > 0, so it is a
 * logistic of u and never overflows.
 *
 * Expected purchases in (T, T+t] (FHL eq. 10), with A = r+x, C = a+b+x−1, z = t/(α+T+t):
 *   E = C/(a−1) · [1 − (1−z)^A ₂F₁(A, b+x; C; z)] · P(alive).
 * Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z) with
 * C − B = a − 1 gives (1−z)^A ₂F₁(…) = (1−z)^(a−1) [1 + (a−1) G], G = Σ_{k≥1}
 * (C−A)_k (a)_(k−1) / ((C)_k k!) z^k, so the division by a − 1 cancels:
 *   E / P(alive) = C (1 − (1−z)^(a−1)) / (a−1) − (1−z)^(a−1) · C G,
 * the first part as −C ℓ expm1(y)/y with ℓ = ln(1−z) = −log1p(t/(α+T)), y = (a−1) ℓ
 * (exact at a = 1), and C G = Σ_{k≥1} (C−A)_k (a)_(k−1) / ((C+1)_(k−1) k!) z^k summed
 * with C folded in (finite also at C → 0, x = 0 and a + b → 1). C − A = a+b−r−1 does not
 * grow with x, and the terms fall at least like z^k, so large x and T cost nothing; the
 * sum stops when the tail, bounded by a geometric series of the larger of the last term
 * ratio and z, is below 1e-17 of the result. Only z near 1 (t ≫ α+T) needs many terms.
 * The two parts of E cancel to about ln(b) digits when b is large; at the boundary
 * (no dropout) E = A t / (α+T) exactly.
 *
 * E[X(t)] (FHL eq. 7) is eq. 10 at x = 0, T = 0 (where P(alive) = 1).
 *
 * Lifetime value: see ck_bgnbd_clv() in bgnbd.h (monthly steps, end-of-month discount at
 * an annual rate, as lifetimes' customer_lifetime_value with the rate made annual).
 */
#include <math.h>
#include <stdlib.h>

#include "base/parallel.h"
#include "base/util.h"
#include "learn/bgnbd/bgnbd_int.h"

#define MAX_TERMS  10000000L
#define SERIES_EPS 1e-17
#define STRIDE     4

double ck__bgnbd_log_p_alive_odds(const ck_bgnbd_params *p, double x, double t_x, double T)
{
    /* two logs of ratios rather than four logs: each ratio is exact to rounding; the same
     * dropout p for everyone has odds a/b = p/(1−p) whatever x */
    return log(p->a / (p->same_dropout ? p->b : p->b + x - 1.0)) +
           (p->r + x) * log((p->alpha + T) / (p->alpha + t_x));
}

double ck__bgnbd_p_alive(const ck_bgnbd_params *p, double x, double t_x, double T)
{
    if (p->no_dropout || x == 0.0)
        return 1.0;
    return ck__logistic(-ck__bgnbd_log_p_alive_odds(p, x, t_x, T));
}

bool ck__bgnbd_expected_if_alive(const ck_bgnbd_params *p, double x, double T, double t,
                                 double *out)
{
    double A = p->r + x, tau = t / (p->alpha + T);
    if (t == 0.0) {
        *out = 0.0;
        return true;
    }
    if (p->no_dropout) {
        *out = A * tau;
        return true;
    }
    if (p->same_dropout) { /* (1 − (1 + p τ)^−A) / p, bgnbd_same.c */
        double q = ck__bgnbd_same_p(p);
        *out = -expm1(-A * log1p(q * tau)) / q;
        return true;
    }
    double a = p->a, C = a + p->b + x - 1.0, CA = a + p->b - p->r - 1.0;
    double ell = -ck__bgnbd_log1p(tau), z = tau / (1.0 + tau), y = (a - 1.0) * ell;
    double phi = y == 0.0 ? 1.0 : expm1(y) / y;
    double first = -C * ell * phi;
    /* The terms in blocks of STRIDE, the tail checked after each block: the ratios do
     * not depend on the running term, so their divisions overlap. With a large a the
     * terms first rise (their ratio is about (a + k) z / k) far beyond the double range
     * while e^y falls below it, so the term and the sum carry a common scale e^shift,
     * and the tail is measured against the larger part of E in the sum's units. */
    double term = CA * z, sum = term, kd = 1.0, shift = 0.0;
    double first_units = fabs(first) * exp(-y); /* |first| in the sum's units, ... */
    for (long k = 1; term != 0.0; k += STRIDE) {
        if (k > MAX_TERMS)
            return false;
        double ratio = 0.0;
        for (int j = 0; j < STRIDE; j++, kd += 1.0) {
            ratio = (CA + kd) * (a + kd - 1.0) / ((C + kd) * (kd + 1.0)) * z;
            term *= ratio;
            sum += term;
        }
        if (fabs(term) > 1e200 || fabs(sum) > 1e200) {
            term *= 1e-200;
            sum *= 1e-200;
            shift += 200.0 * 2.302585092994045684; /* ln 10 */
            first_units = fabs(first) * exp(-(y + shift)); /* ... anew (it may have been ∞) */
        }
        double rho = fabs(ratio) > z ? fabs(ratio) : z;
        double scale = fmax(first_units, fabs(sum));
        if (rho < 1.0 && fabs(term) * rho <= SERIES_EPS * scale * (1.0 - rho))
            break;
    }
    *out = first - exp(y + shift) * sum;
    return true;
}

static int check_horizon(double t, ck_error *err)
{
    if (!(t >= 0.0) || !isfinite(t))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "horizon must be >= 0, got %.17g", t);
    return CK_OK;
}

static int no_convergence(double x, double T, double t, ck_error *err)
{
    return ck_error_set(err, CK_EINVAL, NULL, 0,
                        "expected purchases: the series did not converge for x %.17g, T %.17g, "
                        "horizon %.17g (horizon too long against alpha + T)",
                        x, T, t);
}

int ck_bgnbd_p_alive(double *out, const ck_bgnbd_params *params, double x, double t_x, double T,
                     ck_error *err)
{
    int rc;
    if ((rc = ck__bgnbd_check_params(params, err)) < 0 ||
        (rc = ck_bgnbd_check_customer(x, t_x, T, 0, err)) < 0)
        return rc;
    *out = ck__bgnbd_p_alive(params, x, t_x, T);
    return CK_OK;
}

int ck_bgnbd_expected_purchases(double *out, const ck_bgnbd_params *params, double x, double t_x,
                                double T, double t, ck_error *err)
{
    int rc;
    if ((rc = ck__bgnbd_check_params(params, err)) < 0 ||
        (rc = ck_bgnbd_check_customer(x, t_x, T, 0, err)) < 0 || (rc = check_horizon(t, err)) < 0)
        return rc;
    double e;
    if (!ck__bgnbd_expected_if_alive(params, x, T, t, &e))
        return no_convergence(x, T, t, err);
    *out = e * ck__bgnbd_p_alive(params, x, t_x, T);
    return CK_OK;
}

int ck_bgnbd_expected_unconditional(double *out, const ck_bgnbd_params *params, double t,
                                    ck_error *err)
{
    int rc;
    if ((rc = ck__bgnbd_check_params(params, err)) < 0 || (rc = check_horizon(t, err)) < 0)
        return rc;
    if (!ck__bgnbd_expected_if_alive(params, 0.0, 0.0, t, out))
        return no_convergence(0.0, 0.0, t, err);
    return CK_OK;
}

static int check_clv_options(const ck_clv_options *o, ck_error *err)
{
    if (!(o->horizon > 0.0) || !isfinite(o->horizon))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "clv horizon must be > 0, got %.17g",
                            o->horizon);
    if (!(o->units_per_year > 0.0) || !isfinite(o->units_per_year))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "units per year must be > 0, got %.17g",
                            o->units_per_year);
    if (!(o->annual_discount >= 0.0) || !isfinite(o->annual_discount))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "discount rate must be >= 0, got %.17g",
                            o->annual_discount);
    if (o->horizon / (o->units_per_year / 12.0) > 12000.0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "clv horizon of %.17g is over 1000 years",
                            o->horizon);
    return CK_OK;
}

/* CLV / spend of one valid customer, false when a series did not converge. */
static bool clv_unit(const ck_bgnbd_params *p, double x, double t_x, double T,
                     const ck_clv_options *o, double *out)
{
    double month = o->units_per_year / 12.0, log_d = log1p(o->annual_discount);
    double prev = 0.0, total = 0.0;
    for (long m = 1;; m++) {
        double t_m = fmin((double)m * month, o->horizon), e;
        if (!ck__bgnbd_expected_if_alive(p, x, T, t_m, &e))
            return false;
        total += (e - prev) * exp(-log_d * t_m / o->units_per_year);
        prev = e;
        if (t_m >= o->horizon)
            break;
    }
    *out = total * ck__bgnbd_p_alive(p, x, t_x, T);
    return true;
}

int ck_bgnbd_clv(double *out, const ck_bgnbd_params *params, double x, double t_x, double T,
                 double spend, const ck_clv_options *opts, ck_error *err)
{
    int rc;
    if ((rc = ck__bgnbd_check_params(params, err)) < 0 ||
        (rc = ck_bgnbd_check_customer(x, t_x, T, 0, err)) < 0 ||
        (rc = check_clv_options(opts, err)) < 0)
        return rc;
    if (!(spend >= 0.0) || !isfinite(spend))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "spend must be >= 0, got %.17g", spend);
    double v;
    if (!clv_unit(params, x, t_x, T, opts, &v))
        return no_convergence(x, T, opts->horizon, err);
    *out = spend * v;
    return CK_OK;
}

typedef struct score_job {
    const ck_bgnbd_params *params;
    const ck_gammagamma_params *spend;
    const ck_bgnbd_data *data;
    const ck_clv_options *opts;
    ck_bgnbd_scores *out;
} score_job;

/* A failure's code, with the row's line set in err. */
static int at_row(int rc, size_t row, ck_error *err)
{
    if (err)
        err->line = (long)row + 1;
    return rc;
}

/* Score row i; on failure fill err (may be NULL) and return its code. */
static int score_row(const score_job *job, size_t i, ck_error *err)
{
    const ck_bgnbd_data *d = job->data;
    double x = d->x[i], t_x = d->t_x[i], T = d->T[i];
    int rc = ck_bgnbd_check_customer(x, t_x, T, i, err);
    if (rc < 0)
        return rc;
    const ck_bgnbd_params *p = job->params;
    ck_bgnbd_scores *o = job->out;
    double alive = ck__bgnbd_p_alive(p, x, t_x, T);
    if (o->p_alive)
        o->p_alive[i] = alive;
    if (o->expected_purchases) {
        double e;
        if (!ck__bgnbd_expected_if_alive(p, x, T, job->opts->horizon, &e))
            return at_row(no_convergence(x, T, job->opts->horizon, err), i, err);
        o->expected_purchases[i] = alive * e;
    }
    if (job->spend && (o->expected_spend || o->clv)) {
        /* a repeat buyer whose refunds cancel their spend tells the spend model nothing:
         * the population's mean, as for a customer without repeat purchases */
        double m = x > 0.0 && d->mean_spend[i] > 0.0 ? d->mean_spend[i] : 0.0, s;
        if ((rc = ck_gammagamma_expected_spend(&s, job->spend, m > 0.0 ? x : 0.0, m, err)) < 0)
            return at_row(rc, i, err);
        if (o->expected_spend)
            o->expected_spend[i] = s;
        if (o->clv) {
            double v;
            if (!clv_unit(p, x, t_x, T, job->opts, &v))
                return at_row(no_convergence(x, T, job->opts->horizon, err), i, err);
            o->clv[i] = s * v;
        }
    }
    return CK_OK;
}

static int score_range(size_t lo, size_t hi, void *ctx)
{
    for (size_t i = lo; i < hi; i++)
        if (score_row(ctx, i, NULL) < 0)
            return 1;
    return 0;
}

int ck_bgnbd_score(const ck_bgnbd_params *params, const ck_gammagamma_params *spend,
                   const ck_bgnbd_data *data, const ck_clv_options *opts, int n_threads,
                   ck_bgnbd_scores *out, ck_error *err)
{
    int rc = ck__bgnbd_check_params(params, err);
    if (rc < 0 || (rc = check_clv_options(opts, err)) < 0)
        return rc;
    if (spend && (out->expected_spend || out->clv) && data->mean_spend == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "spend scores need the mean spend");
    score_job job = { params, spend, data, opts, out };
    if (ck__parallel_for(data->n, 4096, n_threads, score_range, &job) == 0)
        return CK_OK;
    /* A row failed: find the first one again, alone, for its message (the same for any
     * thread count). */
    for (size_t i = 0; i < data->n; i++)
        if ((rc = score_row(&job, i, err)) < 0)
            return rc;
    return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
}
