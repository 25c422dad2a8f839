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
 * The Hessian follows by differentiating once more (trigammas for the Gamma and Beta
 * terms; σ′ = σ(1 − σ) for the dropout term, written out at sum_chunks).
 *
 * Data layout: the rows are grouped by distinct (x, t_x, T) through open-addressing hash
 * tables, one per contiguous part of the rows (parts on threads, merged in order; groups
 * in order of first appearance, so the sums run in an order fixed by the data), and every
 * group points into a table of the distinct x values and one of the distinct times,
 * found by two more hash tables. An evaluation takes the terms of x alone (log-gammas,
 * digammas, trigammas) once per distinct x, weighted by its customers, and those of T
 * alone (r ln α − A ln(α+T) and their derivatives) once per distinct time, weighted by
 * its customers and their Σx; what is left per group is the dropout term, one exp and one
 * log. The NBD thus costs O(distinct x + distinct times) per evaluation.
 *
 * The sums run over fixed chunks of groups, on threads, and are added in chunk order, so
 * the fit does not depend on the thread count.
 *
 * The fit: Newton's method with the analytic Hessian (bgnbd_solver.c) on θ = ln(r, α, a,
 * b) minimising −ln L / N, from up to three starts sharing the mean purchase rate
 * Σx/ΣT: the first alone when it ends converged inside the domain with a positive
 * definite information (a strict local maximum, and in practice the likelihood has one),
 * otherwise all three, the best kept. On many groups the first start is the optimum of a
 * sample of them (warm_start). The standard errors come from the same analytic
 * Hessian. The plain NBD (no dropout: ln L without the Beta terms and softplus) is fit
 * beside it by BFGS; a BG/NBD optimum with E[p] = a/(a+b) < 1e-4, or no better than the
 * NBD's, is the boundary a → 0 or b → ∞, and the model becomes the NBD.
 */
#include <float.h>
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
    double *w_x;              /* customers with each distinct x */
    double *w_T, *x_T;        /* per distinct time: customers of that age T, and their Σx */
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
    free(g->w_x);
    free(g->w_T);
    memset(g, 0, sizeof *g);
}

/* v with −0 read as 0: −0 + 0 is +0 in round-to-nearest, any other v + 0 is v. Without
 * a branch: half the customers have x = t_x = 0, in no order a predictor could learn. */
static inline double plus_zero(double v)
{
    return v + 0.0;
}

static inline uint64_t bits_of(double v)
{
    uint64_t u;
    v = plus_zero(v); /* −0 and 0 are one key */
    memcpy(&u, &v, sizeof u);
    return u;
}

/* Distinct values by open addressing: each value gets the code of its first appearance.
 * The slots grow with the values (load ≤ 1/2): data have few distinct x and times. */
typedef struct interner {
    uint32_t *slot; /* code + 1, 0 when empty */
    size_t cap;
    double *values; /* by code, room for every value */
    size_t n;
} interner;

static bool interner_init(interner *in, size_t cap, double *values)
{
    in->cap = cap;
    in->slot = ck__alloc_array(in->cap, sizeof *in->slot);
    if (in->slot == NULL)
        return false;
    memset(in->slot, 0, in->cap * sizeof *in->slot);
    in->values = values;
    in->n = 0;
    return true;
}

static size_t value_slot(const interner *in, uint64_t key)
{
    return (size_t)ck__mix64(key) & (in->cap - 1);
}

/* The code of v; UINT32_MAX when out of memory. */
static uint32_t intern(interner *in, double v)
{
    uint64_t key = bits_of(v);
    for (size_t h = value_slot(in, key);; h = (h + 1) & (in->cap - 1)) {
        uint32_t s = in->slot[h];
        if (s != 0 && bits_of(in->values[s - 1]) == key)
            return s - 1;
        if (s != 0)
            continue;
        in->values[in->n] = plus_zero(v);
        in->slot[h] = (uint32_t)++in->n;
        if (2 * in->n > in->cap) { /* twice the slots, the values placed again */
            interner bigger;
            if (!interner_init(&bigger, 2 * in->cap, in->values))
                return UINT32_MAX;
            for (size_t c = 0; c < in->n; c++) {
                size_t j = value_slot(&bigger, bits_of(in->values[c]));
                for (; bigger.slot[j] != 0; j = (j + 1) & (bigger.cap - 1))
                    ;
                bigger.slot[j] = (uint32_t)c + 1;
            }
            free(in->slot);
            in->slot = bigger.slot;
            in->cap = bigger.cap;
        }
        return (uint32_t)(in->n - 1);
    }
}

/* Groups by open addressing. Each slot holds its group's key and count, so finding a
 * row's group touches one cache line, which the row loop prefetches a few rows ahead;
 * the slots double when half are taken. Groups are numbered in order of first
 * appearance. */
typedef struct entry {
    double x, t_x, T;      /* no −0 */
    uint32_t group, count; /* group UINT32_MAX: empty */
} entry;

typedef struct table {
    entry *slot;
    size_t cap, n; /* slots, groups */
} table;

static size_t hash_key(uint64_t kx, uint64_t kt, uint64_t kT)
{
    return (size_t)ck__mix64(kx * 0x9E3779B97F4A7C15ULL ^ kt * 0xC2B2AE3D27D4EB4FULL ^ kT);
}

static bool table_init(table *t, size_t cap)
{
    t->cap = cap;
    t->n = 0;
    t->slot = ck__alloc_array(t->cap, sizeof *t->slot);
    if (t->slot == NULL)
        return false;
    memset(t->slot, 0xff, t->cap * sizeof *t->slot);
    return true;
}

/* Twice the slots, the groups placed again. */
static bool table_rehash(table *t)
{
    table bigger;
    if (!table_init(&bigger, 2 * t->cap))
        return false;
    size_t mask = bigger.cap - 1;
    for (size_t k = 0; k < t->cap; k++) {
        const entry *v = &t->slot[k];
        if (v->group == UINT32_MAX)
            continue;
        size_t j = hash_key(bits_of(v->x), bits_of(v->t_x), bits_of(v->T));
        for (j &= mask; bigger.slot[j].group != UINT32_MAX; j = (j + 1) & mask)
            ;
        bigger.slot[j] = *v;
    }
    free(t->slot);
    t->slot = bigger.slot;
    t->cap = bigger.cap;
    return true;
}

/* Add w customers to the group of (x, t_x, T), none of them −0, whose hash_key is h;
 * false when out of memory. */
static inline bool table_add(table *t, size_t h, double x, double t_x, double T, uint32_t w)
{
    uint64_t kx = bits_of(x), kt = bits_of(t_x), kT = bits_of(T);
    size_t mask = t->cap - 1;
    for (h &= mask;; h = (h + 1) & mask) {
        entry *v = &t->slot[h];
        if (v->group == UINT32_MAX) {
            *v = (entry){ x, t_x, T, (uint32_t)t->n++, w };
            return 2 * t->n <= t->cap || table_rehash(t);
        }
        if (bits_of(v->x) == kx && bits_of(v->t_x) == kt && bits_of(v->T) == kT) {
            v->count += w;
            return true;
        }
    }
}

/* The groups of t in their order: key (x, t_x, T) and count of each; false when out of
 * memory. */
static bool table_groups(const table *t, double **key_out, double **count_out)
{
    double *key = ck__alloc_array(t->n, 3 * sizeof *key);
    double *count = ck__alloc_array(t->n, sizeof *count);
    if (key == NULL || count == NULL) {
        free(key);
        free(count);
        return false;
    }
    for (size_t k = 0; k < t->cap; k++) {
        const entry *v = &t->slot[k];
        if (v->group == UINT32_MAX)
            continue;
        key[3 * (size_t)v->group] = v->x;
        key[3 * (size_t)v->group + 1] = v->t_x;
        key[3 * (size_t)v->group + 2] = v->T;
        count[v->group] = v->count;
    }
    *key_out = key;
    *count_out = count;
    return true;
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Rows are checked and grouped in contiguous parts, one table each, on threads; the
 * tables are then merged in part order. Merging in order keeps the order of first
 * appearance and the counts are whole numbers, so the groups are the same for any number
 * of parts. */
#define MIN_PART_ROWS 4096
#define AHEAD         8 /* rows between a slot's prefetch and its use */

typedef struct part {
    size_t lo, hi; /* rows */
    table t;
    int rc;
    ck_error err;
} part;

typedef struct grouping {
    const ck_bgnbd_data *d;
    part *parts;
} grouping;

static size_t hash_row(const ck_bgnbd_data *d, size_t i)
{
    return hash_key(bits_of(d->x[i]), bits_of(d->t_x[i]), bits_of(d->T[i]));
}

/* A valid row in few comparisons; a row that fails them gets the full check and its
 * message. (x is at most 1e15, so its conversion to an integer is exact.) */
static inline bool plainly_valid(double x, double t_x, double T)
{
    return x >= 0.0 && x <= 1e15 && x == (double)(int64_t)x && T <= DBL_MAX && t_x >= 0.0 &&
           t_x <= T && (x == 0.0) == (t_x == 0.0);
}

static int group_parts(size_t lo, size_t hi, void *ctx)
{
    grouping *gr = ctx;
    const ck_bgnbd_data *d = gr->d;
    for (size_t p = lo; p < hi; p++) {
        part *pt = &gr->parts[p];
        /* sized for a group every 4 rows, up to 2^18 slots (8 MiB): growing from small
         * costs more (rehashes, and page faults on each new block) than it saves */
        size_t cap = 1024;
        while (cap < (pt->hi - pt->lo) / 4 && cap < ((size_t)1 << 18))
            cap *= 2;
        if (!table_init(&pt->t, cap)) {
            pt->rc = CK_ENOMEM;
            continue;
        }
        size_t ring[AHEAD];
        for (size_t i = pt->lo; i < pt->hi && i < pt->lo + AHEAD; i++)
            ring[i % AHEAD] = hash_row(d, i);
        for (size_t i = pt->lo; i < pt->hi; i++) {
            size_t h = ring[i % AHEAD];
            if (i + AHEAD < pt->hi) {
                size_t h2 = hash_row(d, i + AHEAD);
                ring[i % AHEAD] = h2;
                PREFETCH(&pt->t.slot[h2 & (pt->t.cap - 1)]);
            }
            double x = d->x[i], t_x = d->t_x[i], T = d->T[i];
            if (!plainly_valid(x, t_x, T) &&
                (pt->rc = ck_bgnbd_check_customer(x, t_x, T, i, &pt->err)) < 0)
                break;
            if (!table_add(&pt->t, h, plus_zero(x), plus_zero(t_x), plus_zero(T), 1)) {
                pt->rc = CK_ENOMEM;
                break;
            }
        }
    }
    return 0;
}

/* Validate and group the rows (the first bad row is reported), then index the distinct
 * x values and times and total the customers by x and by T. */
static int group_rows(groups *g, const ck_bgnbd_data *d, int n_threads, ck_error *err)
{
    memset(g, 0, sizeof *g);
    if (d->n == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no customers to fit");
    if (d->n > UINT32_MAX / 2)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "too many customers: %zu", d->n);
    size_t n_parts = d->n / MIN_PART_ROWS;
    n_parts = n_parts < 1 ? 1 : n_parts < (size_t)n_threads ? n_parts : (size_t)n_threads;
    part *parts = ck__alloc_array(n_parts, sizeof *parts);
    if (parts == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    memset(parts, 0, n_parts * sizeof *parts);
    for (size_t p = 0; p < n_parts; p++) {
        parts[p].lo = d->n * p / n_parts;
        parts[p].hi = d->n * (p + 1) / n_parts;
    }
    grouping gr = { d, parts };
    ck__parallel_for(n_parts, 1, n_threads, group_parts, &gr);
    int rc = CK_OK;
    for (size_t p = 0; p < n_parts && rc == CK_OK; p++)
        if (parts[p].rc == CK_ENOMEM)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        else if ((rc = parts[p].rc) < 0 && err != NULL)
            *err = parts[p].err;
    table *t = &parts[0].t;
    for (size_t p = 1; p < n_parts && rc == CK_OK; p++) {
        double *key, *count;
        if (!table_groups(&parts[p].t, &key, &count)) {
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        for (size_t k = 0; k < parts[p].t.n && rc == CK_OK; k++) {
            const double *v = key + 3 * k;
            size_t h = hash_key(bits_of(v[0]), bits_of(v[1]), bits_of(v[2]));
            if (!table_add(t, h, v[0], v[1], v[2], (uint32_t)count[k]))
                rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        }
        free(key);
        free(count);
    }
    for (size_t p = 1; p < n_parts; p++)
        free(parts[p].t.slot);
    double *key = NULL;
    if (rc == CK_OK && !table_groups(t, &key, &g->count))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    g->n = t->n;
    free(t->slot);
    free(parts);
    if (rc < 0) {
        g->n = 0;
        return rc;
    }
    g->n_rows = (double)d->n;
    g->ix = ck__alloc_array(g->n, sizeof *g->ix);
    g->it_x = ck__alloc_array(g->n, sizeof *g->it_x);
    g->iT = ck__alloc_array(g->n, sizeof *g->iT);
    g->xs = ck__alloc_array(g->n, sizeof *g->xs);
    g->ts = ck__alloc_array(2 * g->n, sizeof *g->ts);
    if (g->ix == NULL || g->it_x == NULL || g->iT == NULL || g->xs == NULL || g->ts == NULL)
        goto nomem;
    interner in_x, in_t;
    if (!interner_init(&in_x, 64, g->xs))
        goto nomem;
    if (!interner_init(&in_t, 64, g->ts)) {
        free(in_x.slot);
        goto nomem;
    }
    bool interned = true;
    for (size_t k = 0; k < g->n && interned; k++) {
        g->ix[k] = intern(&in_x, key[3 * k]);
        g->it_x[k] = intern(&in_t, key[3 * k + 1]);
        g->iT[k] = intern(&in_t, key[3 * k + 2]);
        interned = g->ix[k] != UINT32_MAX && g->it_x[k] != UINT32_MAX && g->iT[k] != UINT32_MAX;
    }
    g->n_x = in_x.n;
    g->n_t = in_t.n;
    free(in_x.slot);
    free(in_t.slot);
    if (!interned)
        goto nomem;
    g->w_x = ck__alloc_array(g->n_x, sizeof *g->w_x);
    g->w_T = ck__alloc_array(g->n_t, 2 * sizeof *g->w_T);
    if (g->w_x == NULL || g->w_T == NULL)
        goto nomem;
    g->x_T = g->w_T + g->n_t;
    memset(g->w_x, 0, g->n_x * sizeof *g->w_x);
    memset(g->w_T, 0, 2 * g->n_t * sizeof *g->w_T);
    /* whole numbers, so these totals are exact in any order; ΣT is taken in group order */
    for (size_t k = 0; k < g->n; k++) {
        double w = g->count[k], x = key[3 * k];
        g->w_x[g->ix[k]] += w;
        g->w_T[g->iT[k]] += w;
        g->x_T[g->iT[k]] += w * x;
        g->sum_x += w * x;
        g->sum_T += w * key[3 * k + 2];
    }
    free(key);
    return CK_OK;
nomem:
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
    bool want_grad, want_hess;
    double *la, *ib; /* n_x each: ln a − ln(b+x−1), 1/(b+x−1) */
    double *lt, *it; /* n_t each: ln(α+t), 1/(α+t) */
    size_t n_chunks;
    double *partial; /* N_SUMS per chunk */
    /* the Hessian of the last evaluation that computed one, and its point */
    bool has_hess;
    ck_bgnbd_params hess_at;
    double hess[16];
} evaluator;

/* Groups a chunk: the sums are taken chunk by chunk and then in chunk order, so they do
 * not depend on the number of threads. */
#define CHUNK  8192
#define N_SUMS 15

static void evaluator_free(evaluator *e)
{
    free(e->la);
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
    e->la = ck__alloc_array(2 * g->n_x, sizeof *e->la);
    e->lt = ck__alloc_array(2 * g->n_t, sizeof *e->lt);
    e->partial = ck__alloc_array(N_SUMS * e->n_chunks, sizeof *e->partial);
    if (e->la == NULL || e->lt == NULL || e->partial == NULL) {
        evaluator_free(e);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    e->ib = e->la + g->n_x;
    e->it = e->lt + g->n_t;
    return CK_OK;
}

/* The dropout terms [x > 0] softplus(u) of chunks [lo, hi), and their parts of the
 * gradient and Hessian; softplus(u), σ(u) and σ(u)(1 − σ(u)) share one exp. With
 * ∂u = (D, A E, 1/a, −1/(b+x−1)), D = ln(α+T) − ln(α+t_x), E = 1/(α+T) − 1/(α+t_x),
 * the second derivatives are σ(1−σ) ∂u ∂uᵀ + σ ∂²u, where ∂²u has ∂r∂α = E,
 * ∂α² = A (1/(α+t_x)² − 1/(α+T)²), ∂a² = −1/a², ∂b² = 1/(b+x−1)². */
static int sum_chunks(size_t lo, size_t hi, void *ctx)
{
    evaluator *e = ctx;
    const groups *g = e->g;
    const double *lt = e->lt, *it = e->it, *la = e->la, *ib = e->ib;
    double r = e->p->r;
    for (size_t c = lo; c < hi; c++) {
        size_t end = (c + 1) * CHUNK < g->n ? (c + 1) * CHUNK : g->n;
        double ll = 0.0, gr = 0.0, ga = 0.0, gA = 0.0, gb = 0.0;
        double h[10] = { 0 };
        for (size_t k = c * CHUNK; k < end; k++) {
            size_t ix = g->ix[k], iT = g->iT[k], itx = g->it_x[k];
            double x = g->xs[ix];
            if (x == 0.0) /* no dropout term */
                continue;
            double w = g->count[k], A = r + x, D = lt[iT] - lt[itx];
            double u = la[ix] + A * D;
            double q = exp(-fabs(u)), iq = 1.0 / (1.0 + q);
            ll += w * ((u > 0.0 ? u : 0.0) + ck__bgnbd_log1p(q));
            if (!e->want_grad)
                continue;
            double ws = w * (u > 0.0 ? iq : q * iq), E = it[iT] - it[itx], AE = A * E;
            gr += ws * D;
            ga += ws * AE;
            gA += ws;
            gb += ws * ib[ix];
            if (!e->want_hess)
                continue;
            double v = w * q * iq * iq, vD = v * D, vAE = v * AE, bx = ib[ix];
            h[0] += vD * D;
            h[1] += vD * AE + ws * E;
            h[2] += vD;
            h[3] += vD * bx;
            h[4] += vAE * AE + ws * A * (it[itx] * it[itx] - it[iT] * it[iT]);
            h[5] += vAE;
            h[6] += vAE * bx;
            h[7] += v;
            h[8] += v * bx;
            h[9] += (v + ws) * bx * bx;
        }
        double *out = e->partial + N_SUMS * c;
        out[0] = ll;
        out[1] = gr;
        out[2] = ga;
        out[3] = gA;
        out[4] = gb;
        memcpy(out + 5, h, sizeof h);
    }
    return 0;
}

/* ln L summed over the groups at p; its gradient in (r, α[, a, b]) when grad, and its
 * Hessian (row-major, 2×2 or 4×4) when hess, which needs grad. The terms of x alone
 * (log-gammas, digammas, trigammas) are taken once per distinct x and weighted by its
 * customers, and those of T alone (−(r+x) ln(α+T) and its derivatives) once per distinct
 * T, weighted by its customers and their Σx; only the dropout term is left per group, so
 * the NBD costs no pass over the groups. */
static double evaluate(evaluator *e, const ck_bgnbd_params *p, double *grad, double *hess)
{
    const groups *g = e->g;
    bool full = !e->nbd;
    double r = p->r, alpha = p->alpha, a = p->a, b = p->b, N = g->n_rows;
    double lgr = lgamma(r), psr = grad ? ck__bgnbd_digamma(r) : 0.0;
    double tgr = hess ? ck__bgnbd_trigamma(r) : 0.0;
    double lbab = 0.0, lna = 0.0, psab = 0.0, psb = 0.0, tgab = 0.0, tgb = 0.0;
    if (full) {
        lbab = lgamma(a + b) - lgamma(b);
        lna = log(a);
        psab = grad ? ck__bgnbd_digamma(a + b) : 0.0;
        psb = grad ? ck__bgnbd_digamma(b) : 0.0;
        tgab = hess ? ck__bgnbd_trigamma(a + b) : 0.0;
        tgb = hess ? ck__bgnbd_trigamma(b) : 0.0;
    }
    double ll = 0.0, gr = 0.0, ga = 0.0, gA = 0.0, gb = 0.0, H[4][4] = { { 0 } };
    for (size_t k = 0; k < g->n_x; k++) {
        double x = g->xs[k], w = g->w_x[k];
        e->la[k] = e->ib[k] = 0.0;
        if (x == 0.0) /* every term of x vanishes */
            continue;
        double v = lgamma(r + x) - lgr;
        if (grad)
            gr += w * (ck__bgnbd_digamma(r + x) - psr);
        if (hess)
            H[0][0] += w * (ck__bgnbd_trigamma(r + x) - tgr);
        if (full) {
            /* ln B(a, b+x) − ln B(a, b) = ln Γ(b+x) − ln Γ(a+b+x) + ln Γ(a+b) − ln Γ(b) */
            v += lgamma(b + x) - lgamma(a + b + x) + lbab;
            e->la[k] = lna - log(b + x - 1.0);
            e->ib[k] = 1.0 / (b + x - 1.0);
            if (grad) {
                double psabx = ck__bgnbd_digamma(a + b + x);
                gA += w * (psab - psabx);
                gb += w * (ck__bgnbd_digamma(b + x) - psabx - psb + psab);
            }
            if (hess) {
                double tgabx = ck__bgnbd_trigamma(a + b + x);
                H[2][2] += w * (tgab - tgabx);
                H[3][3] += w * (ck__bgnbd_trigamma(b + x) - tgabx - tgb + tgab);
            }
        }
        ll += w * v;
    }
    H[2][3] = H[2][2]; /* ∂a∂b of the Beta terms equals ∂a² */
    /* Σ (r+x) ln(α+T) and its derivatives, by distinct T with m = Σ (r+x) over its
     * customers */
    double lt_m = 0.0, lt_w = 0.0, it_m = 0.0, it_w = 0.0, it2_m = 0.0;
    for (size_t k = 0; k < g->n_t; k++) {
        double l = log(alpha + g->ts[k]), iv = 1.0 / (alpha + g->ts[k]);
        e->lt[k] = l;
        e->it[k] = iv;
        double w = g->w_T[k], m = r * w + g->x_T[k];
        lt_m += m * l;
        lt_w += w * l;
        it_m += m * iv;
        it_w += w * iv;
        it2_m += m * iv * iv;
    }
    ll += N * r * log(alpha) - lt_m;
    gr += N * log(alpha) - lt_w;
    ga += N * r / alpha - it_m;
    H[0][1] = N / alpha - it_w;
    H[1][1] = it2_m - N * r / (alpha * alpha);
    if (full) {
        e->p = p;
        e->want_grad = grad != NULL;
        e->want_hess = hess != NULL;
        /* two chunks or more a worker: a pass over fewer (the warm start's sample) takes
         * a few tenths of a millisecond, less than a thread's start and join under load;
         * a worker that cannot start runs its chunks on this thread */
        ck__parallel_for(e->n_chunks, 2, e->n_threads, sum_chunks, e);
        double s[N_SUMS] = { 0 };
        for (size_t c = 0; c < e->n_chunks; c++)
            for (int j = 0; j < N_SUMS; j++)
                s[j] += e->partial[N_SUMS * c + j];
        const double *h = s + 5;
        ll += s[0];
        gr += s[1];
        ga += s[2];
        gA += s[3] / a;
        gb -= s[4];
        H[0][0] += h[0];
        H[0][1] += h[1];
        H[0][2] = h[2] / a;
        H[0][3] = -h[3];
        H[1][1] += h[4];
        H[1][2] = h[5] / a;
        H[1][3] = -h[6];
        H[2][2] += (h[7] - s[3]) / (a * a);
        H[2][3] -= h[8] / a;
        H[3][3] += h[9];
    }
    if (grad) {
        grad[0] = gr;
        grad[1] = ga;
        if (full) {
            grad[2] = gA;
            grad[3] = gb;
        }
    }
    if (hess) {
        size_t k = full ? 4 : 2;
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                hess[i * k + j] = i <= j ? H[i][j] : H[j][i];
        e->has_hess = true;
        e->hess_at = *p;
        memcpy(e->hess, hess, k * k * sizeof *hess);
    }
    return ll;
}

static ck_bgnbd_params params_of(const double *theta, bool nbd)
{
    ck_bgnbd_params p = { exp(theta[0]), exp(theta[1]), nbd ? 1.0 : exp(theta[2]),
                          nbd ? 1.0 : exp(theta[3]), nbd, false };
    return p;
}

/* The solvers' objective: −ln L / N in log-parameters θ = ln v, with its gradient and,
 * when hess is not NULL, its Hessian: ∂²/∂θ_i∂θ_j = v_i v_j ∂²/∂v_i∂v_j + [i = j] v_i ∂/∂v_i. */
/* The natural parameters of θ, in v. */
static const double *params_v(const double *theta, double *v)
{
    for (int i = 0; i < 4; i++)
        v[i] = exp(theta[i]);
    return v;
}

static double objective_h(const double *theta, double *grad, double *hess, void *ctx)
{
    evaluator *e = ctx;
    size_t k = e->nbd ? 2 : 4;
    for (size_t i = 0; i < k; i++)
        if (!(fabs(theta[i]) < 700.0))
            return INFINITY;
    ck_bgnbd_params p = params_of(theta, e->nbd);
    double gp[4], hp[16], N = e->g->n_rows;
    double ll = evaluate(e, &p, grad ? gp : NULL, hess ? hp : NULL);
    const double v[4] = { p.r, p.alpha, p.a, p.b };
    if (grad)
        for (size_t i = 0; i < k; i++)
            grad[i] = -gp[i] * v[i] / N;
    if (hess)
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                hess[i * k + j] =
                    -(v[i] * v[j] * hp[i * k + j] + (i == j ? v[i] * gp[i] : 0.0)) / N;
    return isfinite(ll) ? -ll / N : INFINITY;
}

static double objective(const double *theta, double *grad, void *ctx)
{
    return objective_h(theta, grad, NULL, ctx);
}

/* E[p] = a/(a+b) below 1e-7: the search is running down the ridge to a → 0 or b → ∞,
 * where the likelihood only creeps towards the NBD's; nothing is left to learn there. */
static bool at_boundary(const double *theta)
{
    return theta[2] - (theta[3] > theta[2] ? theta[3] + log1p(exp(theta[2] - theta[3]))
                                           : theta[2] + log1p(exp(theta[3] - theta[2]))) <
           log(1e-7);
}

/* a + b beyond 1e6: the Beta of the dropout has no spread left (variance p(1−p)/(a+b+1)),
 * and the search is running out along a ray of fixed a/(a+b) to the same-dropout limit,
 * where eq. 6 only creeps up through rounding noise; the limit is fit on its own
 * (bgnbd_same.c). */
#define SAME_DROPOUT_STOP 1e6
/* ... and beyond 1e5 at the optimum (a spread of p below 0.3% of p(1−p)), the limit is
 * taken when it fits as well. */
#define SAME_DROPOUT_TAKE 1e5

static double log_a_plus_b(const double *theta)
{
    double hi = fmax(theta[2], theta[3]), lo = fmin(theta[2], theta[3]);
    return hi + log1p(exp(lo - hi));
}

static bool at_either_boundary(const double *theta)
{
    return at_boundary(theta) || log_a_plus_b(theta) > log(SAME_DROPOUT_STOP);
}

/* The observed information at natural parameters v (k = 2 for the NBD, else 4) is
 * positive definite; se receives the standard errors. The analytic Hessian is reused
 * when the last evaluation was at v. */
static bool concave_at(evaluator *e, const double *v, double *se)
{
    size_t k = e->nbd ? 2 : 4;
    ck_bgnbd_params p = { v[0], v[1], e->nbd ? 1.0 : v[2], e->nbd ? 1.0 : v[3], e->nbd, false };
    const ck_bgnbd_params *h = &e->hess_at;
    double g[4], info[16];
    if (!e->has_hess || h->r != p.r || h->alpha != p.alpha || h->a != p.a || h->b != p.b)
        evaluate(e, &p, g, info);
    for (size_t i = 0; i < k * k; i++)
        info[i] = -e->hess[i];
    return ck__bgnbd_se_from_information(info, k, se);
}

int ck_bgnbd_log_likelihood(const ck_bgnbd_params *params, const ck_bgnbd_data *data,
                            double *ll_out, double *grad_out, ck_error *err)
{
    int rc = ck__bgnbd_check_params(params, err);
    if (rc < 0)
        return rc;
    groups g;
    evaluator e;
    if ((rc = group_rows(&g, data, 1, err)) < 0)
        return rc;
    if (params->same_dropout) { /* its own likelihood, over the rows (bgnbd_same.c) */
        double grad[4] = { 0 };
        double ll = ck__bgnbd_same_log_likelihood(params, data, grad);
        if (ll_out)
            *ll_out = ll;
        if (grad_out)
            memcpy(grad_out, grad, sizeof grad);
        groups_free(&g);
        return CK_OK;
    }
    if ((rc = evaluator_init(&e, &g, params->no_dropout, 1, err)) < 0) {
        groups_free(&g);
        return rc;
    }
    double grad[4] = { 0 };
    double ll = evaluate(&e, params, grad, NULL);
    if (ll_out)
        *ll_out = ll;
    if (grad_out)
        memcpy(grad_out, grad, sizeof grad);
    evaluator_free(&e);
    groups_free(&g);
    return CK_OK;
}

/* A systematic sample of the groups, every SAMPLE_STEP-th in order, with their counts;
 * its fit is the first start on data of SAMPLE_FROM groups or more. Its optimum lies
 * within a few standard errors of the full one, where Newton's method converges in two or
 * three steps instead of the five or six from a fixed start, and its passes cost an
 * eighth. */
#define SAMPLE_STEP 8
#define SAMPLE_FROM 16384

static int sample_groups(groups *s, const groups *g, ck_error *err)
{
    memset(s, 0, sizeof *s);
    s->n = (g->n + SAMPLE_STEP - 1) / SAMPLE_STEP;
    s->n_x = g->n_x;
    s->n_t = g->n_t;
    s->count = ck__alloc_array(s->n, sizeof *s->count);
    s->ix = ck__alloc_array(s->n, sizeof *s->ix);
    s->it_x = ck__alloc_array(s->n, sizeof *s->it_x);
    s->iT = ck__alloc_array(s->n, sizeof *s->iT);
    s->xs = ck__alloc_array(s->n_x, sizeof *s->xs);
    s->ts = ck__alloc_array(s->n_t, sizeof *s->ts);
    s->w_x = ck__alloc_array(s->n_x, sizeof *s->w_x);
    s->w_T = ck__alloc_array(s->n_t, 2 * sizeof *s->w_T);
    if (s->count == NULL || s->ix == NULL || s->it_x == NULL || s->iT == NULL || s->xs == NULL ||
        s->ts == NULL || s->w_x == NULL || s->w_T == NULL) {
        groups_free(s);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    s->x_T = s->w_T + s->n_t;
    memcpy(s->xs, g->xs, s->n_x * sizeof *s->xs);
    memcpy(s->ts, g->ts, s->n_t * sizeof *s->ts);
    memset(s->w_x, 0, s->n_x * sizeof *s->w_x);
    memset(s->w_T, 0, 2 * s->n_t * sizeof *s->w_T);
    for (size_t k = 0; k < s->n; k++) {
        size_t from = k * SAMPLE_STEP;
        double w = g->count[from], x = g->xs[g->ix[from]];
        s->count[k] = w;
        s->ix[k] = g->ix[from];
        s->it_x[k] = g->it_x[from];
        s->iT[k] = g->iT[from];
        s->w_x[s->ix[k]] += w;
        s->w_T[s->iT[k]] += w;
        s->x_T[s->iT[k]] += w * x;
        s->n_rows += w;
    }
    return CK_OK;
}

/* The first start: the sample's optimum from `start` when the data are large and it ends
 * converged inside the domain (*has_out), else nothing. */
static int warm_start(const groups *g, const double *start, const ck_bgnbd_fit_options *opts,
                      double *theta_out, bool *has_out, ck_error *err)
{
    *has_out = false;
    if (g->n < SAMPLE_FROM)
        return CK_OK;
    groups s;
    evaluator e;
    int rc = sample_groups(&s, g, err);
    if (rc < 0)
        return rc;
    if ((rc = evaluator_init(&e, &s, false, opts->n_threads, err)) < 0) {
        groups_free(&s);
        return rc;
    }
    for (int i = 0; i < 4; i++)
        theta_out[i] = log(start[i]);
    ck__bgnbd_bfgs_result res =
        ck__bgnbd_newton(theta_out, 4, objective_h, &e, at_either_boundary, opts->max_iter,
                         opts->tol);
    *has_out = res.converged && !at_either_boundary(theta_out);
    evaluator_free(&e);
    groups_free(&s);
    return CK_OK;
}

/* The same-dropout limit fit from where the BG/NBD search stopped; taken, into out, when
 * it fits as well: it is the supremum along that ray, and out there eq. 6's log-beta
 * differences of numbers near ln Γ(10^6) keep only a few digits, so "as well" allows
 * 1e-6 of the log-likelihood. */
static bool take_same_dropout(ck_bgnbd_fit *out, const ck_bgnbd_data *data,
                              const ck_bgnbd_fit_options *opts)
{
    ck_bgnbd_fit same = *out;
    const ck_bgnbd_params *p = &out->params;
    if (!ck__bgnbd_fit_same(&same, data, p->r, p->alpha, p->a / (p->a + p->b), opts) ||
        same.log_likelihood < out->log_likelihood - 1e-6 * fabs(out->log_likelihood))
        return false;
    double a_b = p->a + p->b, mean = p->a / a_b;
    *out = same;
    out->at_boundary = true;
    snprintf(out->message, sizeof out->message,
             "the same dropout for everyone: the fit ran to a + b = %.3g at a/(a+b) = %.4f, "
             "the limit with dropout p = %.4f after each purchase for every customer",
             a_b, mean, out->params.a);
    return true;
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
    int rc = group_rows(&g, data, opts->n_threads, err);
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
    double best[4] = { 0 }, se_first[4], v[4], warm[4];
    bool has_se_first = false, has_warm = false;
    if ((rc = warm_start(&g, starts[0], opts, warm, &has_warm, err)) < 0)
        goto done;
    ck__bgnbd_bfgs_result best_res = { INFINITY, 0, false };
    for (int s = 0; s < 3; s++) {
        double theta[4];
        for (int i = 0; i < 4; i++)
            theta[i] = s == 0 && has_warm ? warm[i] : log(starts[s][i]);
        ck__bgnbd_bfgs_result res =
            ck__bgnbd_newton(theta, 4, objective_h, &e, at_either_boundary, opts->max_iter,
                             opts->tol);
        if (res.f < best_res.f || (!best_res.converged && res.converged && res.f == best_res.f)) {
            best_res = res;
            memcpy(best, theta, sizeof best);
        }
        /* An interior optimum, converged, where the likelihood curves down in every
         * direction is the maximum the other starts would find; they are for the rest. */
        if (s == 0 && best_res.converged && !at_either_boundary(best) &&
            concave_at(&e, params_v(best, v), se_first)) {
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
        if (concave_at(&e_nbd, p2, se)) {
            out->se_r = se[0];
            out->se_alpha = se[1];
        }
    } else if (isfinite(best_res.f) && log_a_plus_b(best) > log(SAME_DROPOUT_TAKE) &&
               take_same_dropout(out, data, opts)) {
        /* out has the limit's fit */
    } else {
        double se[4];
        if (has_se_first) /* computed at this point already */
            memcpy(se, se_first, sizeof se);
        out->has_se = has_se_first || concave_at(&e, params_v(best, v), se);
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
done:
    evaluator_free(&e_nbd);
    evaluator_free(&e);
    groups_free(&g);
    if (rc < 0)
        return rc;
    if (!isfinite(out->log_likelihood))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bg/nbd fit failed: no finite likelihood");
    return CK_OK;
}
