/*
 * Fitting BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way",
 * Marketing Science 24(2); FHL) by maximum likelihood.
 *
 * The likelihood of one customer (FHL eq. 6), with A = r + x:
 *   L = B(a, b+x)/B(a, b) · Γ(A) α^r / (Γ(r) (α+T)^A)
 *       + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(A) α^r / (Γ(r) (α+t_x)^A).
 * The second term is the first times e^u, u = ln(a/(b+x−1)) + A (ln(α+T) − ln(α+t_x)),
 * since B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1); so
 *   ln L = ln Γ(A) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − A ln(α+T)
 *          + [x > 0] softplus(u),
 * finite for any x and T. Its gradient, with s = σ(u) the posterior weight of "dropped
 * out at t_x" against "alive":
 *   ∂r = ψ(A) − ψ(r) + ln α − ln(α+T) + s (ln(α+T) − ln(α+t_x))
 *   ∂α = r/α − A/(α+T) + s A (1/(α+T) − 1/(α+t_x))
 *   ∂a = ψ(a+b) − ψ(a+b+x) + s/a
 *   ∂b = ψ(b+x) − ψ(a+b+x) − ψ(b) + ψ(a+b) − s/(b+x−1).
 *
 * Data layout: the rows are grouped by distinct (x, t_x, T) through an open-addressing
 * hash table (groups in order of first appearance, so the sums run in an order fixed by
 * the data), and every group points into a table of the distinct x values and one of the
 * distinct times, found by two more hash tables. An evaluation computes the log-gammas and digammas
 * once per distinct x and ln(α+t) once per distinct time; what is left per group is one exp and one
 * log.
 *
 * The sums run over fixed chunks of groups, on threads, and are added in chunk order, so
 * the fit does not depend on the thread count.
 *
 * The fit: BFGS (bgnbd_solver.c) on θ = ln(r, α, a, b) minimising −ln L / N, from up to
 * three starts sharing the mean purchase rate Σx/ΣT: the first alone when it ends
 * converged inside the domain with a positive definite information (a strict local
 * maximum, and in practice the likelihood has one), otherwise all three, the best kept. The plain
 * NBD (no dropout: ln L without the Beta terms and softplus) is fit beside it; a BG/NBD optimum
 * with E[p] = a/(a+b) < 1e-4, or no better than the NBD's, is the boundary a → 0 or
 * b → ∞, and the model becomes the NBD.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/rng.h"
#include "base/util.h"
#include "learn/bgnbd/bgnbd_int.h"

int ck__bgnbd_check_params(const ck_bgnbd_params *p, ck_error *err)
{
    const double v[4] = { p->r, p->alpha, p->a, p->b };
    const char *name[4] = { "r", "alpha", "a", "b" };
    for (int i = 0; i < (p->no_dropout ? 2 : 4); i++)
        if (!(v[i] > 0.0) || !isfinite(v[i]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "bg/nbd parameter %s must be a positive number, got %.17g", name[i],
                                v[i]);
    return CK_OK;
}

int ck_bgnbd_check_customer(double x, double t_x, double T, size_t row, ck_error *err)
{
    long line = (long)row + 1;
    if (!(x >= 0.0) || !isfinite(x) || x != floor(x) || x > 1e15)
        return ck_error_set(err, CK_EINVAL, NULL, line,
                            "repeat purchases x must be a whole number >= 0, got %.17g", x);
    if (!(T >= 0.0) || !isfinite(T))
        return ck_error_set(err, CK_EINVAL, NULL, line, "age T must be >= 0, got %.17g", T);
    if (!(t_x >= 0.0) || !(t_x <= T))
        return ck_error_set(err, CK_EINVAL, NULL, line,
                            "recency t_x must be in [0, T = %.17g], got %.17g", T, t_x);
    if (x == 0.0 && t_x != 0.0)
        return ck_error_set(err, CK_EINVAL, NULL, line,
                            "recency t_x must be 0 without repeat purchases, got %.17g", t_x);
    if (x > 0.0 && t_x == 0.0)
        return ck_error_set(err, CK_EINVAL, NULL, line,
                            "recency t_x must be > 0 with %.17g repeat purchases", x);
    return CK_OK;
}

/* The grouped data. */
typedef struct groups {
    size_t n, n_x, n_t;
    double n_rows;
    double *count;
    uint32_t *ix, *it_x, *iT; /* into xs and ts */
    double *xs, *ts;          /* distinct x values, distinct times */
    double sum_x, sum_T;
} groups;

static void groups_free(groups *g)
{
    free(g->count);
    free(g->ix);
    free(g->it_x);
    free(g->iT);
    free(g->xs);
    free(g->ts);
    memset(g, 0, sizeof *g);
}

static uint64_t bits_of(double v)
{
    uint64_t u;
    v = v == 0.0 ? 0.0 : v; /* −0 and 0 are one key */
    memcpy(&u, &v, sizeof u);
    return u;
}

/* Distinct values by open addressing: each value gets the code of its first appearance. */
typedef struct interner {
    uint32_t *slot; /* code + 1, 0 when empty */
    size_t cap;
    double *values; /* by code */
    size_t n;
} interner;

static bool interner_init(interner *in, size_t max_values, double *values)
{
    in->cap = 16;
    while (in->cap < 2 * max_values)
        in->cap *= 2;
    in->slot = ck__alloc_array(in->cap, sizeof *in->slot);
    if (in->slot == NULL)
        return false;
    memset(in->slot, 0, in->cap * sizeof *in->slot);
    in->values = values;
    in->n = 0;
    return true;
}

static uint32_t intern(interner *in, double v)
{
    uint64_t key = bits_of(v);
    for (size_t h = (size_t)ck__mix64(key) & (in->cap - 1);; h = (h + 1) & (in->cap - 1)) {
        uint32_t s = in->slot[h];
        if (s == 0) {
            in->values[in->n] = v == 0.0 ? 0.0 : v;
            in->slot[h] = (uint32_t)++in->n;
            return (uint32_t)(in->n - 1);
        }
        if (bits_of(in->values[s - 1]) == key)
            return s - 1;
    }
}

/* Validate and group the rows. */
static int group_rows(groups *g, const ck_bgnbd_data *d, ck_error *err)
{
    memset(g, 0, sizeof *g);
    if (d->n == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no customers to fit");
    if (d->n > UINT32_MAX / 2)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "too many customers: %zu", d->n);
    /* The table grows with the groups (load ≤ 1/2), so it stays small and in cache when
     * many rows share few groups; each group's key is kept beside its count. */
    size_t cap = 1024;
    uint32_t *slot = ck__alloc_array(cap, sizeof *slot);
    double *key = ck__alloc_array(d->n, 3 * sizeof *key); /* x, t_x, T of each group */
    g->count = ck__alloc_array(d->n, sizeof *g->count);
    if (slot == NULL || key == NULL || g->count == NULL)
        goto nomem;
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < d->n; i++) {
        double x = d->x[i], t_x = d->t_x[i], T = d->T[i];
        int rc = ck_bgnbd_check_customer(x, t_x, T, i, err); /* in the same pass */
        if (rc < 0) {
            free(slot);
            free(key);
            groups_free(g);
            return rc;
        }
        uint64_t kx = bits_of(x), kt = bits_of(t_x), kT = bits_of(T);
        size_t h = (size_t)ck__mix64(kx * 0x9E3779B97F4A7C15ULL ^ kt * 0xC2B2AE3D27D4EB4FULL ^ kT);
        for (h &= cap - 1;; h = (h + 1) & (cap - 1)) {
            uint32_t s = slot[h];
            if (s == UINT32_MAX) {
                slot[h] = (uint32_t)g->n;
                key[3 * g->n] = x == 0.0 ? 0.0 : x;
                key[3 * g->n + 1] = t_x == 0.0 ? 0.0 : t_x;
                key[3 * g->n + 2] = T == 0.0 ? 0.0 : T;
                g->count[g->n++] = 1.0;
                break;
            }
            const double *k = key + 3 * (size_t)s;
            if (bits_of(k[0]) == kx && bits_of(k[1]) == kt && bits_of(k[2]) == kT) {
                g->count[s] += 1.0;
                break;
            }
        }
        if (2 * g->n > cap) { /* rehash into twice the slots */
            uint32_t *bigger = ck__alloc_array(2 * cap, sizeof *bigger);
            if (bigger == NULL)
                goto nomem;
            free(slot);
            slot = bigger;
            cap *= 2;
            memset(slot, 0xff, cap * sizeof *slot);
            for (size_t k = 0; k < g->n; k++) {
                const double *v = key + 3 * k;
                size_t j = (size_t)ck__mix64(bits_of(v[0]) * 0x9E3779B97F4A7C15ULL ^
                                             bits_of(v[1]) * 0xC2B2AE3D27D4EB4FULL ^ bits_of(v[2]));
                for (j &= cap - 1; slot[j] != UINT32_MAX; j = (j + 1) & (cap - 1))
                    ;
                slot[j] = (uint32_t)k;
            }
        }
        g->sum_x += x;
        g->sum_T += T;
    }
    free(slot);
    slot = NULL;
    g->n_rows = (double)d->n;
    g->ix = ck__alloc_array(g->n, sizeof *g->ix);
    g->it_x = ck__alloc_array(g->n, sizeof *g->it_x);
    g->iT = ck__alloc_array(g->n, sizeof *g->iT);
    g->xs = ck__alloc_array(g->n, sizeof *g->xs);
    g->ts = ck__alloc_array(2 * g->n, sizeof *g->ts);
    if (g->ix == NULL || g->it_x == NULL || g->iT == NULL || g->xs == NULL || g->ts == NULL)
        goto nomem;
    interner in_x, in_t;
    if (!interner_init(&in_x, g->n, g->xs))
        goto nomem;
    if (!interner_init(&in_t, 2 * g->n, g->ts)) {
        free(in_x.slot);
        goto nomem;
    }
    for (size_t k = 0; k < g->n; k++) {
        g->ix[k] = intern(&in_x, key[3 * k]);
        g->it_x[k] = intern(&in_t, key[3 * k + 1]);
        g->iT[k] = intern(&in_t, key[3 * k + 2]);
    }
    g->n_x = in_x.n;
    g->n_t = in_t.n;
    free(in_x.slot);
    free(in_t.slot);
    free(key);
    return CK_OK;
nomem:
    free(slot);
    free(key);
    groups_free(g);
    return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
}

/* Scratch of one evaluation: per distinct x, per distinct time, per chunk of groups. */
typedef struct evaluator {
    const groups *g;
    bool nbd;      /* the plain NBD: r and α only */
    int n_threads; /* over the chunks */
    const ck_bgnbd_params *p;
    bool want_grad;
    double *lg, *la, *dr, *da, *db, *ib; /* n_x each */
    double *lt, *it;                     /* n_t each */
    size_t n_chunks;
    double *partial; /* N_SUMS per chunk */
} evaluator;

/* Groups a chunk: the sums are taken chunk by chunk and then in chunk order, so they do
 * not depend on the number of threads. */
#define CHUNK  8192
#define N_SUMS 5

static void evaluator_free(evaluator *e)
{
    free(e->lg);
    free(e->lt);
    free(e->partial);
}

static int evaluator_init(evaluator *e, const groups *g, bool nbd, int n_threads, ck_error *err)
{
    memset(e, 0, sizeof *e);
    e->g = g;
    e->nbd = nbd;
    e->n_threads = n_threads;
    e->n_chunks = (g->n + CHUNK - 1) / CHUNK;
    e->lg = ck__alloc_array(6 * g->n_x, sizeof *e->lg);
    e->lt = ck__alloc_array(2 * g->n_t, sizeof *e->lt);
    e->partial = ck__alloc_array(N_SUMS * e->n_chunks, sizeof *e->partial);
    if (e->lg == NULL || e->lt == NULL || e->partial == NULL) {
        evaluator_free(e);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    e->la = e->lg + g->n_x;
    e->dr = e->la + g->n_x;
    e->da = e->dr + g->n_x;
    e->db = e->da + g->n_x;
    e->ib = e->db + g->n_x;
    e->it = e->lt + g->n_t;
    return CK_OK;
}

/* The sums of chunks [lo, hi): ln L without the N r ln α term, and the per-group parts
 * of the gradient. softplus(u) and σ(u) share one exp. */
static int sum_chunks(size_t lo, size_t hi, void *ctx)
{
    evaluator *e = ctx;
    const groups *g = e->g;
    double r = e->p->r, inv_a = 1.0 / e->p->a;
    for (size_t c = lo; c < hi; c++) {
        size_t end = (c + 1) * CHUNK < g->n ? (c + 1) * CHUNK : g->n;
        double ll = 0.0, gr = 0.0, ga = 0.0, gA = 0.0, gb = 0.0;
        for (size_t k = c * CHUNK; k < end; k++) {
            size_t ix = g->ix[k], iT = g->iT[k], itx = g->it_x[k];
            double w = g->count[k], x = g->xs[ix], A = r + x;
            double v = e->lg[ix] - A * e->lt[iT], s = 0.0;
            if (!e->nbd && x > 0.0) {
                double u = e->la[ix] + A * (e->lt[iT] - e->lt[itx]);
                double q = exp(-fabs(u));
                v += (u > 0.0 ? u : 0.0) + ck__bgnbd_log1p(q);
                s = u > 0.0 ? 1.0 / (1.0 + q) : q / (1.0 + q);
            }
            ll += w * v;
            if (e->want_grad) {
                gr += w * (e->dr[ix] - e->lt[iT] + s * (e->lt[iT] - e->lt[itx]));
                ga += w * (-A * e->it[iT] + s * A * (e->it[iT] - e->it[itx]));
                if (!e->nbd) {
                    gA += w * (e->da[ix] + s * inv_a);
                    gb += w * (e->db[ix] - s * e->ib[ix]);
                }
            }
        }
        double *out = e->partial + N_SUMS * c;
        out[0] = ll;
        out[1] = gr;
        out[2] = ga;
        out[3] = gA;
        out[4] = gb;
    }
    return 0;
}

/* ln L summed over the groups at p, and its gradient in (r, α[, a, b]) when grad. */
static double evaluate(evaluator *e, const ck_bgnbd_params *p, double *grad)
{
    const groups *g = e->g;
    double r = p->r, alpha = p->alpha, a = p->a, b = p->b;
    double lgr = lgamma(r), psr = ck__bgnbd_digamma(r);
    double lbab = e->nbd ? 0.0 : lgamma(a + b) - lgamma(b);
    double psab = e->nbd ? 0.0 : ck__bgnbd_digamma(a + b), psb = e->nbd ? 0 : ck__bgnbd_digamma(b);
    for (size_t k = 0; k < g->n_x; k++) {
        double x = g->xs[k];
        e->lg[k] = lgamma(r + x) - lgr;
        if (grad)
            e->dr[k] = ck__bgnbd_digamma(r + x) - psr;
        if (e->nbd)
            continue;
        /* ln B(a, b+x) − ln B(a, b) = ln Γ(b+x) − ln Γ(a+b+x) + ln Γ(a+b) − ln Γ(b) */
        e->lg[k] += lgamma(b + x) - lgamma(a + b + x) + lbab;
        e->la[k] = x > 0.0 ? log(a) - log(b + x - 1.0) : 0.0;
        if (grad) {
            double psabx = ck__bgnbd_digamma(a + b + x);
            e->da[k] = psab - psabx;
            e->db[k] = ck__bgnbd_digamma(b + x) - psabx - psb + psab;
            e->ib[k] = x > 0.0 ? 1.0 / (b + x - 1.0) : 0.0;
        }
    }
    for (size_t k = 0; k < g->n_t; k++) {
        e->lt[k] = log(alpha + g->ts[k]);
        e->it[k] = 1.0 / (alpha + g->ts[k]);
    }
    e->p = p;
    e->want_grad = grad != NULL;
    /* one chunk a task; a worker that cannot start runs its chunks on this thread */
    ck__parallel_for(e->n_chunks, 1, e->n_threads, sum_chunks, e);
    double sums[N_SUMS] = { 0 };
    for (size_t c = 0; c < e->n_chunks; c++)
        for (int j = 0; j < N_SUMS; j++)
            sums[j] += e->partial[N_SUMS * c + j];
    double N = g->n_rows;
    double ll = sums[0] + N * r * log(alpha);
    if (grad) {
        grad[0] = sums[1] + N * log(alpha);
        grad[1] = sums[2] + N * r / alpha;
        if (!e->nbd) {
            grad[2] = sums[3];
            grad[3] = sums[4];
        }
    }
    return ll;
}

static ck_bgnbd_params params_of(const double *theta, bool nbd)
{
    ck_bgnbd_params p = { exp(theta[0]), exp(theta[1]), nbd ? 1.0 : exp(theta[2]),
                          nbd ? 1.0 : exp(theta[3]), nbd };
    return p;
}

/* The solver's objective: −ln L / N in log-parameters. */
static double objective(const double *theta, double *grad, void *ctx)
{
    evaluator *e = ctx;
    size_t k = e->nbd ? 2 : 4;
    for (size_t i = 0; i < k; i++)
        if (!(fabs(theta[i]) < 700.0))
            return INFINITY;
    ck_bgnbd_params p = params_of(theta, e->nbd);
    double gp[4], N = e->g->n_rows;
    double ll = evaluate(e, &p, grad ? gp : NULL);
    if (grad) {
        const double v[4] = { p.r, p.alpha, p.a, p.b };
        for (size_t i = 0; i < k; i++)
            grad[i] = -gp[i] * v[i] / N;
    }
    return isfinite(ll) ? -ll / N : INFINITY;
}

/* E[p] = a/(a+b) below 1e-7: the search is running down the ridge to a → 0 or b → ∞,
 * where the likelihood only creeps towards the NBD's; nothing is left to learn there. */
static bool at_boundary(const double *theta)
{
    return theta[2] - (theta[3] > theta[2] ? theta[3] + log1p(exp(theta[2] - theta[3]))
                                           : theta[2] + log1p(exp(theta[3] - theta[2]))) <
           log(1e-7);
}

static void gradient_natural(const double *params, double *grad, void *ctx);

/* The observed information at θ is positive definite; se receives the standard errors. */
static bool concave_at(evaluator *e, const double *theta, double *se)
{
    ck_bgnbd_params p = params_of(theta, false);
    double v[4] = { p.r, p.alpha, p.a, p.b };
    return ck__bgnbd_standard_errors(v, 4, gradient_natural, e, se);
}

static void gradient_natural(const double *params, double *grad, void *ctx)
{
    evaluator *e = ctx;
    ck_bgnbd_params p = { params[0], params[1], e->nbd ? 1.0 : params[2], e->nbd ? 1.0 : params[3],
                          e->nbd };
    evaluate(e, &p, grad);
}

int ck_bgnbd_log_likelihood(const ck_bgnbd_params *params, const ck_bgnbd_data *data,
                            double *ll_out, double *grad_out, ck_error *err)
{
    int rc = ck__bgnbd_check_params(params, err);
    if (rc < 0)
        return rc;
    groups g;
    evaluator e;
    if ((rc = group_rows(&g, data, err)) < 0)
        return rc;
    if ((rc = evaluator_init(&e, &g, params->no_dropout, 1, err)) < 0) {
        groups_free(&g);
        return rc;
    }
    double grad[4] = { 0 };
    double ll = evaluate(&e, params, grad);
    if (ll_out)
        *ll_out = ll;
    if (grad_out)
        memcpy(grad_out, grad, sizeof grad);
    evaluator_free(&e);
    groups_free(&g);
    return CK_OK;
}

int ck_bgnbd_fit_data(ck_bgnbd_fit *out, const ck_bgnbd_data *data,
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
    groups g;
    evaluator e, e_nbd;
    int rc = group_rows(&g, data, err);
    if (rc < 0)
        return rc;
    if (!(g.sum_x > 0.0) || !(g.sum_T > 0.0)) {
        groups_free(&g);
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "no repeat purchases among %zu customers: bg/nbd cannot be fit",
                            data->n);
    }
    if ((rc = evaluator_init(&e, &g, false, opts->n_threads, err)) < 0) {
        groups_free(&g);
        return rc;
    }
    if ((rc = evaluator_init(&e_nbd, &g, true, opts->n_threads, err)) < 0) {
        evaluator_free(&e);
        groups_free(&g);
        return rc;
    }
    /* Starts sharing the mean rate r/α = Σx/ΣT, with dropout from strong to none. */
    double alpha0 = g.sum_T / g.sum_x;
    const double starts[3][4] = { { 1.0, alpha0, 1.0, 1.0 },
                                  { 0.5, 0.5 * alpha0, 0.5, 5.0 },
                                  { 2.0, 2.0 * alpha0, 2.0, 20.0 } };
    double best[4] = { 0 }, se_first[4];
    bool has_se_first = false;
    ck__bgnbd_bfgs_result best_res = { INFINITY, 0, false };
    for (int s = 0; s < 3; s++) {
        double theta[4];
        for (int i = 0; i < 4; i++)
            theta[i] = log(starts[s][i]);
        ck__bgnbd_bfgs_result res =
            ck__bgnbd_bfgs(theta, 4, objective, &e, at_boundary, opts->max_iter, opts->tol);
        if (res.f < best_res.f || (!best_res.converged && res.converged && res.f == best_res.f)) {
            best_res = res;
            memcpy(best, theta, sizeof best);
        }
        /* An interior optimum, converged, where the likelihood curves down in every
         * direction is the maximum the other starts would find; they are for the rest. */
        if (s == 0 && best_res.converged && !at_boundary(best) && concave_at(&e, best, se_first)) {
            has_se_first = true;
            break;
        }
    }
    /* from the BG/NBD optimum's r and α, nearer the NBD's than any fixed start */
    double theta_nbd[2] = { best[0], best[1] };
    ck__bgnbd_bfgs_result nbd =
        ck__bgnbd_bfgs(theta_nbd, 2, objective, &e_nbd, NULL, opts->max_iter, opts->tol);

    out->n_customers = data->n;
    out->n_groups = g.n;
    out->iterations = best_res.iterations;
    out->converged = best_res.converged;
    out->params = params_of(best, false);
    out->log_likelihood = -best_res.f * g.n_rows;
    out->nbd_log_likelihood = -nbd.f * g.n_rows;
    double mean_p = out->params.a / (out->params.a + out->params.b);
    /* The NBD is the BG/NBD's limit, so an interior optimum beats it strictly; equal up
     * to the solver's tolerance means the search ran to the boundary. */
    bool no_gain =
        out->log_likelihood - out->nbd_log_likelihood <= 1e-9 * fabs(out->nbd_log_likelihood);
    if (isfinite(best_res.f) && (mean_p < 1e-4 || no_gain)) {
        out->at_boundary = true;
        out->params.no_dropout = true;
        out->params.r = exp(theta_nbd[0]);
        out->params.alpha = exp(theta_nbd[1]);
        out->converged = nbd.converged;
        snprintf(out->message, sizeof out->message,
                 "no dropout: the fit ran to the boundary (a = %.3g, b = %.3g, E[p] = %.3g), "
                 "the plain NBD; P(alive) is 1, rank by expected purchases",
                 out->params.a, out->params.b, mean_p);
        double p2[2] = { out->params.r, out->params.alpha }, se[2];
        out->has_se = false;
        if (ck__bgnbd_standard_errors(p2, 2, gradient_natural, &e_nbd, se)) {
            out->se_r = se[0];
            out->se_alpha = se[1];
        }
    } else {
        double p4[4] = { out->params.r, out->params.alpha, out->params.a, out->params.b }, se[4];
        if (has_se_first) /* computed at this point already */
            memcpy(se, se_first, sizeof se);
        out->has_se = has_se_first || ck__bgnbd_standard_errors(p4, 4, gradient_natural, &e, se);
        if (out->has_se) {
            out->se_r = se[0];
            out->se_alpha = se[1];
            out->se_a = se[2];
            out->se_b = se[3];
        }
    }
    if (!out->converged && out->message[0] == '\0')
        snprintf(out->message, sizeof out->message,
                 "the solver stopped after %d iterations without converging (tol %g)",
                 out->iterations, opts->tol);
    evaluator_free(&e_nbd);
    evaluator_free(&e);
    groups_free(&g);
    if (!isfinite(out->log_likelihood))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bg/nbd fit failed: no finite likelihood");
    return CK_OK;
}
