/*
 * The recommender (recommend.h): fitting the components its method needs, choosing the
 * blend's weights out of time, and scoring one customer's row.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/blas.h"
#include "base/parallel.h"
#include "base/util.h"
#include "learn/recommend/recommend_int.h"

static const char *const METHOD_NAMES[CK_RECOMMEND_N_METHODS] = { "als",    "ease",    "itemknn",
                                                                 "repeat", "popular", "blend" };

const char *ck_recommend_method_name(ck_recommend_method m)
{
    return (unsigned)m < CK_RECOMMEND_N_METHODS ? METHOD_NAMES[m] : NULL;
}

int ck_recommend_method_of(const char *name)
{
    for (int m = 0; m < CK_RECOMMEND_N_METHODS; m++)
        if (strcmp(name, METHOD_NAMES[m]) == 0)
            return m;
    return -1;
}

ck_recommend_params ck_recommend_params_default(void)
{
    ck_recommend_params p;
    memset(&p, 0, sizeof p);
    p.method = CK_RECOMMEND_BLEND;
    p.als = (ck_als_params)CK_ALS_PARAMS_INIT;
    /* far stronger than ALS's own default: on churn-synth's brand λ 100 lifted recall@10 on
     * items new to the customer from 0.10 to 0.19 (popularity: 0.15) for 0.40 → 0.39 on all
     * items (docs/RECOMMEND.md) */
    p.als.regularization = 100.0;
    p.ease_lambda = 500.0;
    p.ease_items = 10000;
    p.knn_k = 100;
    p.knn_shrink = 100.0;
    p.top_k = 10;
    p.n_threads = 1;
    return p;
}

ck_recommender *ck__recommender_new(ck_recommend_method method, size_t n_items)
{
    ck_recommender *r = calloc(1, sizeof *r);
    if (r == NULL || (r->popularity = calloc(n_items + 1, sizeof *r->popularity)) == NULL ||
        (r->item_ids = calloc(n_items + 1, sizeof *r->item_ids)) == NULL ||
        (r->item_categories = calloc(n_items + 1, sizeof *r->item_categories)) == NULL) {
        ck__recommender_free(r);
        return NULL;
    }
    r->method = method;
    r->n_items = n_items;
    r->blend_recall[CK_RECOMMEND_NEXT] = r->blend_recall[CK_RECOMMEND_NEW] = NAN;
    r->fit_seconds = NAN;
    return r;
}

void ck__recommender_free(ck_recommender *r)
{
    if (r == NULL)
        return;
    ck_als_free(r->als);
    free(r->gram);
    free(r->ease_start);
    free(r->ease_item);
    free(r->ease_weight);
    ck_itemknn_free(r->knn);
    free(r->popularity);
    for (size_t j = 0; j < r->n_items && r->item_ids; j++)
        free(r->item_ids[j]);
    for (size_t j = 0; j < r->n_items && r->item_categories; j++)
        free(r->item_categories[j]);
    free(r->item_ids);
    free(r->item_categories);
    free(r);
}

double ck_recommender_blend_recall(const ck_recommender *r, ck_recommend_goal goal)
{
    return (unsigned)goal < CK_RECOMMEND_N_GOALS ? r->blend_recall[goal] : NAN;
}

double ck_recommender_fit_seconds(const ck_recommender *r)
{
    return r->fit_seconds;
}

int ck_recommender_top_k(const ck_recommender *r)
{
    return r->params.top_k;
}

const char *ck_recommender_item_id(const ck_recommender *r, size_t j)
{
    return j < r->n_items && r->item_ids[j] ? r->item_ids[j] : "";
}

const char *ck_recommender_item_category(const ck_recommender *r, size_t j)
{
    return j < r->n_items && r->item_categories[j] ? r->item_categories[j] : "";
}

const double *ck_recommender_event_weights(const ck_recommender *r)
{
    return r->event_weights;
}

double ck_recommender_half_life_days(const ck_recommender *r)
{
    return r->half_life_days;
}

ck_recommend_method ck_recommender_method(const ck_recommender *r)
{
    return r->method;
}

size_t ck_recommender_n_items(const ck_recommender *r)
{
    return r->n_items;
}

const double *ck_recommender_blend(const ck_recommender *r, ck_recommend_goal goal)
{
    return r->blend[(unsigned)goal < CK_RECOMMEND_N_GOALS ? goal : CK_RECOMMEND_NEXT];
}

size_t ck_recommender_scratch_size(const ck_recommender *r)
{
    int k = r->als ? r->als->factors : 0;
    return 2 * r->n_items + (size_t)k + 1;
}

int ck__recommender_derive(ck_recommender *r, ck_error *err)
{
    if (r->als == NULL)
        return CK_OK;
    size_t k = (size_t)r->als->factors;
    free(r->gram);
    if ((r->gram = ck__alloc_array(k * k + 1, sizeof *r->gram)) == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck_als_gram(r->als, r->gram);
    return CK_OK;
}

/* ---- the EASE weights as lists ----------------------------------------------------------- */

typedef struct ranked_weight {
    double w;
    uint32_t j;
} ranked_weight;

static int by_weight(const void *pa, const void *pb)
{
    const ranked_weight *a = pa, *b = pb;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    return (a->j > b->j) - (a->j < b->j);
}

/* Each row's CK__EASE_KEEP largest positive weights of the fitted EASE, whose item s is the
 * catalogue's item[s] (NULL: s itself); the items outside it keep no weight. */
static int keep_ease(ck_recommender *r, const ck_ease *e, const uint32_t *item, ck_error *err)
{
    size_t n = e->n_items, cap = n * CK__EASE_KEEP + 1, k = 0;
    r->ease_start = ck__alloc_array(r->n_items + 1, sizeof *r->ease_start);
    r->ease_item = ck__alloc_array(cap, sizeof *r->ease_item);
    r->ease_weight = ck__alloc_array(cap, sizeof *r->ease_weight);
    ranked_weight *row = ck__alloc_array(n + 1, sizeof *row);
    if (!r->ease_start || !r->ease_item || !r->ease_weight || !row) {
        free(row);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    /* the catalogue's rows in order; subset row s of catalogue item `item[s]` */
    size_t s = 0;
    for (size_t i = 0; i < r->n_items; i++) {
        r->ease_start[i] = k;
        if (s == n || (item ? item[s] : s) != i)
            continue;
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (e->weights[s * n + j] > 0)
                row[m++] = (ranked_weight){ e->weights[s * n + j], item ? item[j] : (uint32_t)j };
        qsort(row, m, sizeof *row, by_weight);
        for (size_t q = 0; q < m && q < CK__EASE_KEEP; q++) {
            r->ease_item[k] = row[q].j;
            r->ease_weight[k++] = row[q].w;
        }
        s++;
    }
    r->ease_start[r->n_items] = k;
    free(row);
    return CK_OK;
}

/* ---- scoring ----------------------------------------------------------------------------- */

/* scores = Σ over the customer's items i of w_i × (row i of the lists). */
static void list_scores(const size_t *start, const uint32_t *item, const double *weight,
                        size_t n_items, const uint32_t *items, const float *weights, size_t n,
                        double *scores)
{
    memset(scores, 0, n_items * sizeof *scores);
    for (size_t q = 0; q < n; q++)
        for (size_t k = start[items[q]]; k < start[items[q] + 1]; k++)
            scores[item[k]] += weights[q] * weight[k];
}

/* ALS for rows [0, count) of a block (row i: items[start[i] .. start[i + 1])): each customer
 * folded in exactly (ck_als_fold_in, zero factors for an empty row) into `users` (count ×
 * factors), then their scores `out` (count × n_items) = users × Yᵀ. A block of one is a dgemv,
 * a larger block ONE dgemm, which reads the item factors once per block instead of once per
 * customer (50k × 64 factors: 25 MB). OpenBLAS picks its dgemm kernels by the block's shape,
 * so a customer's scores can differ in the last bits between block sizes (measured on this
 * machine: a row alone and the same row in a block of 256 differ); for a given block they
 * are the same on any thread, as every call runs on the calling thread (base/blas.h). */
static int als_block(const ck_recommender *r, const size_t *start, const uint32_t *items,
                     const float *weights, size_t count, double *users, double *out,
                     ck_error *err)
{
    size_t k = (size_t)r->als->factors;
    for (size_t i = 0; i < count; i++) {
        size_t a = start[i], n = start[i + 1] - a;
        double *user = users + i * k;
        int rc = n ? ck_als_fold_in(r->als, r->gram, items + a, weights + a, n, user, err)
                   : CK_OK;
        if (rc < 0)
            return rc;
        if (n == 0)
            memset(user, 0, k * sizeof *user);
    }
    if (count == 1)
        ck__blas_gemv(r->n_items, k, r->als->item_factors, k, users, out);
    else
        ck__blas_gemm_nt(count, r->n_items, k, 1.0, users, k, r->als->item_factors, k, 0.0, out,
                         r->n_items);
    return CK_OK;
}

/* ALS for one customer: a block of one. */
static int als_scores(const ck_recommender *r, const uint32_t *items, const float *weights,
                      size_t n, double *scores, double *user, ck_error *err)
{
    size_t start[2] = { 0, n };
    return als_block(r, start, items, weights, 1, user, scores, err);
}

/* Item-kNN with each item its own nearest neighbour (similarity 1, its cosine with itself):
 * the customer's own items count as what the neighbours of them count for. */
static void knn_scores(const ck_recommender *r, const uint32_t *items, const float *weights,
                       size_t n, double *scores)
{
    ck_itemknn_score(r->knn, items, weights, n, scores);
    for (size_t q = 0; q < n; q++)
        scores[items[q]] += weights[q];
}

/* Scores divided by their largest value (left as they are when none is positive). */
static void normalise(double *s, size_t n)
{
    double top = 0.0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, s[i]);
    if (top > 0.0)
        for (size_t i = 0; i < n; i++)
            s[i] /= top;
}

/* One component of the blend, normalised, into `out`; ALS from `als_row` (the customer's
 * unnormalised ALS scores, already computed) when it is not NULL, else folded in here. */
static int component(const ck_recommender *r, int c, const uint32_t *items, const float *weights,
                     size_t n, double *out, double *user, const double *als_row, ck_error *err)
{
    size_t m = r->n_items;
    switch (c) {
    case CK_BLEND_REPEAT:
        memset(out, 0, m * sizeof *out);
        for (size_t q = 0; q < n; q++)
            out[items[q]] = weights[q];
        break;
    case CK_BLEND_EASE:
        list_scores(r->ease_start, r->ease_item, r->ease_weight, m, items, weights, n, out);
        break;
    case CK_BLEND_ALS: {
        int rc = CK_OK;
        if (als_row)
            memcpy(out, als_row, m * sizeof *out);
        else
            rc = als_scores(r, items, weights, n, out, user, err);
        if (rc < 0)
            return rc;
        break;
    }
    case CK_BLEND_ITEMKNN:
        knn_scores(r, items, weights, n, out);
        break;
    default:
        memcpy(out, r->popularity, m * sizeof *out);
    }
    normalise(out, m);
    return CK_OK;
}

/* The scratch a block of `count` customers needs: for ALS their factors; for the blend one
 * component's row, the factors and the ALS scores of the block (when ALS has a weight for a
 * question). For count 1 this is at most ck_recommender_scratch_size(). */
size_t ck_recommender_batch_scratch_size(const ck_recommender *r, size_t count)
{
    size_t m = r->n_items, k = r->als ? (size_t)r->als->factors : 0, per_row, total;
    if (r->method == CK_RECOMMEND_ALS)
        per_row = k;
    else if (r->method == CK_RECOMMEND_BLEND)
        per_row = k + (r->als ? m : 0);
    else
        return 1;
    /* SIZE_MAX on overflow: the caller's allocation then fails */
    if (!ck__mul_size(&total, count, per_row) || total > SIZE_MAX - m - 1)
        return SIZE_MAX;
    return total + (r->method == CK_RECOMMEND_BLEND ? m : 0) + 1;
}

/* Scores of rows [0, count) of a block (row i: items[start[i] .. start[i + 1]), into row i of
 * `scores`, count × n_items). ALS goes through als_block(); every other part row by row. */
static int score_methods(const ck_recommender *r, ck_recommend_goal goal, const size_t *start,
                         const uint32_t *items, const float *weights, size_t count,
                         double *scores, double *scratch, ck_error *err)
{
    size_t m = r->n_items, k = r->als ? (size_t)r->als->factors : 0;
    if (r->method == CK_RECOMMEND_ALS)
        return als_block(r, start, items, weights, count, scratch, scores, err);
    if (r->method != CK_RECOMMEND_BLEND) {
        for (size_t i = 0; i < count; i++) {
            const uint32_t *it = items + start[i];
            const float *w = weights + start[i];
            size_t n = start[i + 1] - start[i];
            double *s = scores + i * m;
            switch (r->method) {
            case CK_RECOMMEND_EASE:
                list_scores(r->ease_start, r->ease_item, r->ease_weight, m, it, w, n, s);
                break;
            case CK_RECOMMEND_ITEMKNN:
                knn_scores(r, it, w, n, s);
                break;
            case CK_RECOMMEND_REPEAT:
                ck_repeat_score(it, w, n, r->popularity, m, s);
                break;
            default:
                memcpy(s, r->popularity, m * sizeof *s);
            }
        }
        return CK_OK;
    }
    const double *w = ck_recommender_blend(r, goal);
    double *part = scratch, *users = scratch + m, *als = users + count * k;
    if (w[CK_BLEND_ALS] != 0.0) {
        int rc = als_block(r, start, items, weights, count, users, als, err);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < count; i++) {
        double *s = scores + i * m;
        size_t a = start[i], n = start[i + 1] - a;
        memset(s, 0, m * sizeof *s);
        for (int c = 0; c < CK_BLEND_N; c++) {
            if (w[c] == 0.0)
                continue;
            int rc = component(r, c, items + a, weights + a, n, part, users,
                               c == CK_BLEND_ALS ? als + i * m : NULL, err);
            if (rc < 0)
                return rc;
            ck__blas_axpy(m, w[c], part, s);
        }
    }
    return CK_OK;
}

/* A block's scores; a customer with no interaction gets popularity, whatever the method:
 * nothing else is known of them (the learned parts would score every item 0). */
static int score_block(const ck_recommender *r, ck_recommend_goal goal, const size_t *start,
                       const uint32_t *items, const float *weights, size_t count, double *scores,
                       double *scratch, ck_error *err)
{
    int rc = score_methods(r, goal, start, items, weights, count, scores, scratch, err);
    for (size_t i = 0; rc == CK_OK && i < count; i++)
        if (start[i + 1] == start[i])
            memcpy(scores + i * r->n_items, r->popularity, r->n_items * sizeof *scores);
    return rc;
}

int ck_recommender_score(const ck_recommender *r, ck_recommend_goal goal, const uint32_t *items,
                         const float *weights, size_t n, double *scores, double *scratch,
                         ck_error *err)
{
    size_t start[2] = { 0, n };
    return score_block(r, goal, start, items, weights, 1, scores, scratch, err);
}

int ck_recommender_score_rows(const ck_recommender *r, ck_recommend_goal goal,
                              const ck_interactions *x, size_t first, size_t count,
                              double *scores, double *scratch, ck_error *err)
{
    assert(first <= x->n_users && count <= x->n_users - first);
    if (x->n_items != r->n_items)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the rows have %zu items, the recommender %zu", x->n_items,
                            r->n_items);
    if (count == 0)
        return CK_OK;
    return score_block(r, goal, x->row_start + first, x->items, x->weights, count, scores,
                       scratch, err);
}

/* ---- the blend's weights ------------------------------------------------------------------ */

/* The grid, simplest first (a tie keeps the earlier): each learned component 0, ½ or 1, the
 * customer's own items up to 4 times the strongest learned score, a little popularity to
 * break the ties of thin rows. */
static const double REPEAT_W[] = { 0, 0.5, 1, 2, 4 }, LEARNED_W[] = { 0, 0.5, 1 },
                    POPULAR_W[] = { 0, 0.1, 0.3 };
#define N_GRID (5 * 3 * 3 * 3 * 3)

static void grid_weights(int g, double w[CK_BLEND_N])
{
    w[CK_BLEND_POPULAR] = POPULAR_W[g % 3];
    w[CK_BLEND_ITEMKNN] = LEARNED_W[(g / 3) % 3];
    w[CK_BLEND_ALS] = LEARNED_W[(g / 9) % 3];
    w[CK_BLEND_EASE] = LEARNED_W[(g / 27) % 3];
    w[CK_BLEND_REPEAT] = REPEAT_W[g / 81];
}

/* At most this many validation customers, evenly spaced, each ranking the union of every
 * component's best CANDIDATES_PER_K × K items and their own. */
#define BLEND_MAX_CUSTOMERS 10000
#define CANDIDATES_PER_K 4

/* Customers are scored in fixed blocks; each block's recall sums per goal and grid point are
 * added in block order, so the choice is the same for any thread count. */
#define BLEND_BLOCK 64

typedef struct blend_job {
    const ck_recommender *r;
    const ck_interactions *train, *truth;
    size_t n_customers, stride; /* validation customer c is row c × stride */
    int top_k;
    double *block_sums; /* CK_RECOMMEND_N_GOALS × N_GRID per block */
    size_t *block_counts; /* CK_RECOMMEND_N_GOALS per block */
    int rc;
    ck_error err;
} blend_job;

/* Whether `item` is in the ascending list [a, z) of `items`. */
static bool contains(const uint32_t *items, size_t a, size_t end, uint32_t item)
{
    size_t z = end;
    while (a < z) {
        size_t mid = (a + z) / 2;
        if (items[mid] < item)
            a = mid + 1;
        else
            z = mid;
    }
    return a < end && items[a] == item;
}

/* The scratch of one worker. */
typedef struct blend_scratch {
    double *parts;      /* CK_BLEND_N × n_items: the customer's normalised components */
    double *user;       /* ALS factors */
    uint32_t *cand;     /* candidate items, the customer's own first */
    uint32_t *stamp;    /* per item: the customer (+1) that last made it a candidate */
    double *cand_parts; /* CK_BLEND_N × candidates */
    double *mix;
    uint32_t *top;
} blend_scratch;

/* One customer's candidates: their own items (positions 0 .. n − 1), then every component's
 * best items not yet in. Returns how many. */
static size_t candidates(const blend_job *job, blend_scratch *s, uint32_t mark,
                         const uint32_t *items, size_t n)
{
    size_t m = job->r->n_items, k = (size_t)job->top_k * CANDIDATES_PER_K, nc = 0;
    for (size_t q = 0; q < n; q++) {
        s->stamp[items[q]] = mark;
        s->cand[nc++] = items[q];
    }
    for (int c = 0; c < CK_BLEND_N; c++) {
        uint32_t *best = s->cand + nc;
        size_t got = ck_recommend_top(s->parts + c * m, m, k, NULL, 0, best), kept = 0;
        for (size_t q = 0; q < got; q++)
            if (s->stamp[best[q]] != mark) {
                s->stamp[best[q]] = mark;
                best[kept++] = best[q];
            }
        nc += kept;
    }
    return nc;
}

/* Hits of the mix's top K on the truth [t0, t1), leaving out the candidates at the n_exclude
 * positions of `exclude` (ascending). */
static size_t hits_of(const blend_job *job, blend_scratch *s, size_t nc, const uint32_t *exclude,
                      size_t n_exclude, size_t t0, size_t t1)
{
    size_t got = ck_recommend_top(s->mix, nc, (size_t)job->top_k, exclude, n_exclude, s->top);
    size_t hits = 0;
    for (size_t q = 0; q < got; q++)
        hits += contains(job->truth->items, t0, t1, s->cand[s->top[q]]);
    return hits;
}

static int blend_blocks(size_t lo, size_t hi, void *arg)
{
    blend_job *job = arg;
    const ck_recommender *r = job->r;
    size_t m = r->n_items, k = (size_t)job->top_k;
    size_t most = (CK_BLEND_N * CANDIDATES_PER_K) * k + m; /* own items are at most m */
    int f = r->als ? r->als->factors : 0;
    blend_scratch s = { ck__alloc_array(CK_BLEND_N * m + 1, sizeof(double)),
                        ck__alloc_array((size_t)f + 1, sizeof(double)),
                        ck__alloc_array(most + 1, sizeof(uint32_t)),
                        calloc(m + 1, sizeof(uint32_t)),
                        ck__alloc_array(CK_BLEND_N * most + 1, sizeof(double)),
                        ck__alloc_array(most + 1, sizeof(double)),
                        ck__alloc_array(k + 1, sizeof(uint32_t)) };
    int rc = s.parts && s.user && s.cand && s.stamp && s.cand_parts && s.mix && s.top
                 ? CK_OK
                 : CK_ENOMEM;
    /* the exclusion list of candidate positions 0 .. n - 1: the customer's own items */
    uint32_t *position = rc == CK_OK ? ck__alloc_array(m + 1, sizeof *position) : NULL;
    if (rc == CK_OK && position == NULL)
        rc = CK_ENOMEM;
    for (size_t q = 0; rc == CK_OK && q < m; q++)
        position[q] = (uint32_t)q;
    const ck_interactions *x = job->train, *t = job->truth;
    for (size_t b = lo; rc == CK_OK && b < hi; b++) {
        double *sums = job->block_sums + b * CK_RECOMMEND_N_GOALS * N_GRID;
        size_t *counts = job->block_counts + b * CK_RECOMMEND_N_GOALS;
        size_t last = (b + 1) * BLEND_BLOCK < job->n_customers ? (b + 1) * BLEND_BLOCK
                                                                : job->n_customers;
        for (size_t c = b * BLEND_BLOCK; rc == CK_OK && c < last; c++) {
            size_t u = c * job->stride, t0 = t->row_start[u], t1 = t->row_start[u + 1];
            size_t x0 = x->row_start[u], n = x->row_start[u + 1] - x0, n_new = 0;
            if (t1 == t0)
                continue;
            for (size_t q = t0; q < t1; q++)
                n_new += !contains(x->items, x0, x0 + n, t->items[q]);
            for (int p = 0; p < CK_BLEND_N && rc == CK_OK; p++)
                rc = component(r, p, x->items + x0, x->weights + x0, n, s.parts + p * m, s.user,
                               NULL, &job->err);
            if (rc < 0)
                break;
            size_t nc = candidates(job, &s, (uint32_t)(c + 1), x->items + x0, n);
            for (int p = 0; p < CK_BLEND_N; p++)
                for (size_t q = 0; q < nc; q++)
                    s.cand_parts[p * nc + q] = s.parts[p * m + s.cand[q]];
            counts[CK_RECOMMEND_NEXT]++;
            counts[CK_RECOMMEND_NEW] += n_new > 0;
            for (int g = 0; g < N_GRID; g++) {
                double w[CK_BLEND_N];
                grid_weights(g, w);
                memset(s.mix, 0, nc * sizeof *s.mix);
                for (int p = 0; p < CK_BLEND_N; p++)
                    if (w[p] != 0.0)
                        ck__blas_axpy(nc, w[p], s.cand_parts + p * nc, s.mix);
                size_t n_truth = t1 - t0;
                sums[g] += (double)hits_of(job, &s, nc, NULL, 0, t0, t1) /
                           (double)(n_truth < k ? n_truth : k);
                /* NEW: the customer's own items (positions 0 .. n - 1) left out of the list,
                 * so every hit is on an item new to them */
                if (n_new > 0)
                    sums[N_GRID + g] += (double)hits_of(job, &s, nc, position, n, t0, t1) /
                                        (double)(n_new < k ? n_new : k);
            }
        }
    }
    free(s.parts);
    free(s.user);
    free(s.cand);
    free(s.stamp);
    free(s.cand_parts);
    free(s.mix);
    free(s.top);
    free(position);
    if (rc < 0)
        job->rc = rc;
    return rc < 0 ? -1 : 0;
}
/* Choose the blend's weights for each goal with components fit on `valid_train`, by
 * recall@K on `valid_truth`. */
static int choose_blend(ck_recommender *r, const ck_recommend_params *p, ck_error *err)
{
    const ck_interactions *train = p->valid_train;
    size_t stride = (train->n_users + BLEND_MAX_CUSTOMERS - 1) / BLEND_MAX_CUSTOMERS;
    stride = stride ? stride : 1;
    size_t n_customers = (train->n_users + stride - 1) / stride;
    size_t n_blocks = (n_customers + BLEND_BLOCK - 1) / BLEND_BLOCK;
    blend_job job = { .r = r,
                      .train = train,
                      .truth = p->valid_truth,
                      .n_customers = n_customers,
                      .stride = stride,
                      .top_k = p->top_k };
    size_t cells = n_blocks * CK_RECOMMEND_N_GOALS;
    job.block_sums = calloc(cells * N_GRID + 1, sizeof *job.block_sums);
    job.block_counts = calloc(cells + 1, sizeof *job.block_counts);
    if (!job.block_sums || !job.block_counts) {
        free(job.block_sums);
        free(job.block_counts);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    ck__parallel_for(n_blocks, 1, p->n_threads, blend_blocks, &job);
    size_t customers[CK_RECOMMEND_N_GOALS] = { 0 };
    for (int goal = 0; goal < CK_RECOMMEND_N_GOALS && job.rc == CK_OK; goal++) {
        double best = -1.0;
        for (size_t b = 0; b < n_blocks; b++)
            customers[goal] += job.block_counts[b * CK_RECOMMEND_N_GOALS + (size_t)goal];
        for (int g = 1; g < N_GRID; g++) { /* g = 0: every weight 0 */
            double sum = 0.0;
            for (size_t b = 0; b < n_blocks; b++)
                sum += job.block_sums[(b * CK_RECOMMEND_N_GOALS + (size_t)goal) * N_GRID +
                                      (size_t)g];
            if (sum > best) {
                best = sum;
                grid_weights(g, r->blend[goal]);
            }
        }
        r->blend_recall[goal] = customers[goal] ? best / (double)customers[goal] : NAN;
    }
    free(job.block_sums);
    free(job.block_counts);
    if (job.rc < 0)
        return job.err.code ? ck_error_set(err, job.err.code, NULL, 0, "%s", job.err.msg)
                            : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (customers[CK_RECOMMEND_NEXT] == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "no customer bought anything in the validation window: the blend's "
                            "weights cannot be chosen (pick a method, or a longer window)");
    return CK_OK;
}

/* ---- fitting ------------------------------------------------------------------------------ */

/* Whether `r` needs a component: its method's own, or the blend's with a weight for either
 * goal (all of them while the weights are still to be chosen). */
static bool needs(const ck_recommender *r, ck_recommend_method component, int blend_part)
{
    if (r->method != CK_RECOMMEND_BLEND)
        return r->method == component;
    bool chosen = false, used = false;
    for (int g = 0; g < CK_RECOMMEND_N_GOALS; g++)
        for (int c = 0; c < CK_BLEND_N; c++) {
            chosen |= r->blend[g][c] != 0.0;
            used |= c == blend_part && r->blend[g][c] != 0.0;
        }
    return !chosen || used;
}

/* The rows of a matrix on its most interacted items (ties: the smaller index), renumbered in
 * catalogue order: subset item s is the catalogue's item[s]. */
typedef struct item_subset {
    ck_interactions view;
    size_t *start;
    uint32_t *items, *item;
    float *weights;
} item_subset;

typedef struct counted_item {
    size_t count;
    uint32_t j;
} counted_item;

static int by_count(const void *pa, const void *pb)
{
    const counted_item *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return (a->j > b->j) - (a->j < b->j);
}

static int by_index(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* `x` on its `keep` most interacted items; `x` itself (item NULL) when it has no more. */
static int item_subset_make(item_subset *out, const ck_interactions *x, size_t keep, ck_error *err)
{
    memset(out, 0, sizeof *out);
    out->view = *x;
    if (x->n_items <= keep)
        return CK_OK;
    size_t m = x->n_items, nnz = x->row_start[x->n_users];
    counted_item *order = ck__alloc_array(m + 1, sizeof *order);
    int32_t *renumber = ck__alloc_array(m + 1, sizeof *renumber);
    out->item = ck__alloc_array(keep + 1, sizeof *out->item);
    out->start = ck__alloc_array(x->n_users + 1, sizeof *out->start);
    out->items = ck__alloc_array(nnz + 1, sizeof *out->items);
    out->weights = ck__alloc_array(nnz + 1, sizeof *out->weights);
    int rc = order && renumber && out->item && out->start && out->items && out->weights
                 ? CK_OK
                 : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK) {
        for (size_t j = 0; j < m; j++) {
            order[j] = (counted_item){ 0, (uint32_t)j };
            renumber[j] = -1;
        }
        for (size_t q = 0; q < nnz; q++)
            order[x->items[q]].count++;
        qsort(order, m, sizeof *order, by_count);
        for (size_t s = 0; s < keep; s++)
            out->item[s] = order[s].j;
        qsort(out->item, keep, sizeof *out->item, by_index);
        for (size_t s = 0; s < keep; s++)
            renumber[out->item[s]] = (int32_t)s;
        size_t k = 0;
        for (size_t u = 0; u < x->n_users; u++) {
            out->start[u] = k;
            for (size_t q = x->row_start[u]; q < x->row_start[u + 1]; q++)
                if (renumber[x->items[q]] >= 0) {
                    out->items[k] = (uint32_t)renumber[x->items[q]];
                    out->weights[k++] = x->weights[q];
                }
        }
        out->start[x->n_users] = k;
        out->view = (ck_interactions){ x->n_users, keep, out->start, out->items, out->weights };
    }
    free(order);
    free(renumber);
    return rc;
}

static void item_subset_free(item_subset *s)
{
    free(s->start);
    free(s->items);
    free(s->item);
    free(s->weights);
}

/* EASE on the most interacted items of `x`, kept as lists. */
static int fit_ease(ck_recommender *r, const ck_recommend_params *p, const ck_interactions *x,
                    ck_error *err)
{
    item_subset sub;
    ck_ease *e = NULL;
    int rc = item_subset_make(&sub, x, (size_t)p->ease_items, err);
    if (rc == CK_OK)
        rc = ck_ease_fit(&e, &sub.view, p->ease_lambda, true, p->n_threads, err);
    if (rc == CK_OK)
        rc = keep_ease(r, e, sub.item, err);
    ck_ease_free(e);
    item_subset_free(&sub);
    return rc;
}

/* The components of `method` on `x`, popularity from `recent` (or x). */
static int fit_components(ck_recommender *r, const ck_recommend_params *p,
                          const ck_interactions *x, const ck_interactions *recent, ck_error *err)
{
    int rc = CK_OK;
    ck_popularity(recent ? recent : x, r->popularity);
    if (needs(r, CK_RECOMMEND_ALS, CK_BLEND_ALS)) {
        ck_als_params a = p->als;
        a.n_threads = p->n_threads;
        if ((rc = ck_als_fit(&r->als, x, &a, NULL, err)) == CK_OK)
            rc = ck__recommender_derive(r, err);
    }
    if (rc == CK_OK && needs(r, CK_RECOMMEND_EASE, CK_BLEND_EASE))
        rc = fit_ease(r, p, x, err);
    if (rc == CK_OK && needs(r, CK_RECOMMEND_ITEMKNN, CK_BLEND_ITEMKNN))
        rc = ck_itemknn_fit(&r->knn, x, p->knn_k, p->knn_shrink, p->n_threads, err);
    return rc;
}

/* The items' ids and categories, the weighting, and the parameters, as the model keeps them. */
static int keep_catalogue(ck_recommender *r, const ck_recommend_params *p, ck_error *err)
{
    for (size_t j = 0; j < r->n_items; j++) {
        const char *id = p->item_ids ? p->item_ids[j] : NULL;
        const char *category = p->item_categories ? p->item_categories[j] : NULL;
        char number[32];
        if (id == NULL) {
            snprintf(number, sizeof number, "%zu", j);
            id = number;
        }
        if ((r->item_ids[j] = strdup(id)) == NULL ||
            (r->item_categories[j] = strdup(category ? category : "")) == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    memcpy(r->event_weights, p->event_weights, sizeof r->event_weights);
    r->half_life_days = p->half_life_days;
    r->params = *p;
    r->params.train = r->params.recent = r->params.valid_train = r->params.valid_truth = NULL;
    r->params.item_ids = r->params.item_categories = NULL;
    return CK_OK;
}

int ck__recommender_fit(ck_recommender **out, const ck_recommend_params *p, ck_error *err)
{
    *out = NULL;
    if (p->train == NULL || p->train->n_users == 0 || p->train->n_items == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no interaction with an item to learn from");
    if (p->top_k < 1 || p->ease_items < 1 || p->knn_k < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "top_k, ease_items and knn_k must each be at least 1");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool blend = p->method == CK_RECOMMEND_BLEND;
    if (blend && (p->valid_train == NULL || p->valid_truth == NULL ||
                  p->valid_train->n_items != p->train->n_items))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the blend needs a validation window before the cutoff");
    ck_recommender *r = ck__recommender_new(p->method, p->train->n_items);
    if (r == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = CK_OK;
    if (blend) {
        /* weights out of time: components on the data before the window, then again */
        rc = fit_components(r, p, p->valid_train, NULL, err);
        if (rc == CK_OK)
            rc = choose_blend(r, p, err);
        double chosen[CK_RECOMMEND_N_GOALS][CK_BLEND_N], recall[CK_RECOMMEND_N_GOALS];
        memcpy(chosen, r->blend, sizeof chosen);
        memcpy(recall, r->blend_recall, sizeof recall);
        ck__recommender_free(r);
        r = rc == CK_OK ? ck__recommender_new(p->method, p->train->n_items) : NULL;
        if (rc == CK_OK && r == NULL)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        if (r != NULL) {
            memcpy(r->blend, chosen, sizeof chosen);
            memcpy(r->blend_recall, recall, sizeof recall);
        }
    }
    if (rc == CK_OK)
        rc = fit_components(r, p, p->train, p->recent, err);
    if (rc == CK_OK)
        rc = keep_catalogue(r, p, err);
    if (rc < 0) {
        ck__recommender_free(r);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->fit_seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    *out = r;
    return CK_OK;
}
