/*
 * The recommender (recommend.h): fitting the components its method needs, choosing the
 * blend's weights out of time, and scoring one customer's row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    p.ease_lambda = 500.0;
    p.knn_k = 100;
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
    r->blend_recall = NAN;
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

double ck_recommender_blend_recall(const ck_recommender *r)
{
    return r->blend_recall;
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

const double *ck_recommender_blend(const ck_recommender *r)
{
    return r->blend;
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

/* Each row's CK__EASE_KEEP largest positive weights of the fitted EASE. */
static int keep_ease(ck_recommender *r, const ck_ease *e, ck_error *err)
{
    size_t n = e->n_items, cap = n * CK__EASE_KEEP + 1, k = 0;
    r->ease_start = ck__alloc_array(n + 1, sizeof *r->ease_start);
    r->ease_item = ck__alloc_array(cap, sizeof *r->ease_item);
    r->ease_weight = ck__alloc_array(cap, sizeof *r->ease_weight);
    ranked_weight *row = ck__alloc_array(n + 1, sizeof *row);
    if (!r->ease_start || !r->ease_item || !r->ease_weight || !row) {
        free(row);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (e->weights[i * n + j] > 0)
                row[m++] = (ranked_weight){ e->weights[i * n + j], (uint32_t)j };
        qsort(row, m, sizeof *row, by_weight);
        r->ease_start[i] = k;
        for (size_t q = 0; q < m && q < CK__EASE_KEEP; q++) {
            r->ease_item[k] = row[q].j;
            r->ease_weight[k++] = row[q].w;
        }
    }
    r->ease_start[n] = k;
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

/* ALS: the customer folded in, then the item factors times their factors. */
static int als_scores(const ck_recommender *r, const uint32_t *items, const float *weights,
                      size_t n, double *scores, double *user, ck_error *err)
{
    size_t k = (size_t)r->als->factors;
    int rc = n ? ck_als_fold_in(r->als, r->gram, items, weights, n, user, err) : CK_OK;
    if (rc < 0)
        return rc;
    if (n == 0)
        memset(user, 0, k * sizeof *user);
    ck__blas_gemv(r->n_items, k, r->als->item_factors, k, user, scores);
    return CK_OK;
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

/* One component of the blend, normalised, into `out`. */
static int component(const ck_recommender *r, int c, const uint32_t *items, const float *weights,
                     size_t n, double *out, double *user, ck_error *err)
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
        int rc = als_scores(r, items, weights, n, out, user, err);
        if (rc < 0)
            return rc;
        break;
    }
    default:
        memcpy(out, r->popularity, m * sizeof *out);
    }
    normalise(out, m);
    return CK_OK;
}

int ck_recommender_score(const ck_recommender *r, const uint32_t *items, const float *weights,
                         size_t n, double *scores, double *scratch, ck_error *err)
{
    size_t m = r->n_items;
    double *part = scratch, *user = scratch + m;
    switch (r->method) {
    case CK_RECOMMEND_ALS:
        return als_scores(r, items, weights, n, scores, user, err);
    case CK_RECOMMEND_EASE:
        list_scores(r->ease_start, r->ease_item, r->ease_weight, m, items, weights, n, scores);
        return CK_OK;
    case CK_RECOMMEND_ITEMKNN:
        ck_itemknn_score(r->knn, items, weights, n, scores);
        return CK_OK;
    case CK_RECOMMEND_REPEAT:
        ck_repeat_score(items, weights, n, r->popularity, m, scores);
        return CK_OK;
    case CK_RECOMMEND_POPULAR:
        memcpy(scores, r->popularity, m * sizeof *scores);
        return CK_OK;
    default:
        break;
    }
    memset(scores, 0, m * sizeof *scores);
    for (int c = 0; c < CK_BLEND_N; c++) {
        if (r->blend[c] == 0.0)
            continue;
        int rc = component(r, c, items, weights, n, part, user, err);
        if (rc < 0)
            return rc;
        ck__blas_axpy(m, r->blend[c], part, scores);
    }
    return CK_OK;
}

/* ---- the blend's weights ------------------------------------------------------------------ */

/* The grid, simplest first (a tie keeps the earlier): repeat, EASE, ALS, popularity. */
static const double REPEAT_W[] = { 0, 0.5, 1, 2, 4 }, EASE_W[] = { 0, 1 }, ALS_W[] = { 0, 1 },
                    POPULAR_W[] = { 0, 0.1, 0.3 };
#define N_GRID (5 * 2 * 2 * 3)

static void grid_weights(int g, double w[CK_BLEND_N])
{
    w[CK_BLEND_POPULAR] = POPULAR_W[g % 3];
    w[CK_BLEND_ALS] = ALS_W[(g / 3) % 2];
    w[CK_BLEND_EASE] = EASE_W[(g / 6) % 2];
    w[CK_BLEND_REPEAT] = REPEAT_W[g / 12];
}

/* Customers are scored in fixed blocks; each block's recall sums per grid point are added
 * in block order, so the choice is the same for any thread count. */
#define BLEND_BLOCK 256

typedef struct blend_job {
    const ck_recommender *r;
    const ck_interactions *train, *truth;
    int top_k;
    double *block_sums; /* N_GRID per block */
    size_t *block_counts;
    int rc;
    ck_error err;
} blend_job;

static int blend_blocks(size_t lo, size_t hi, void *arg)
{
    blend_job *job = arg;
    const ck_recommender *r = job->r;
    size_t m = r->n_items, k = (size_t)job->top_k;
    int f = r->als ? r->als->factors : 0;
    double *parts = ck__alloc_array(CK_BLEND_N * m + 1, sizeof *parts);
    double *mix = ck__alloc_array(m + 1, sizeof *mix), *user = ck__alloc_array((size_t)f + 1, 8);
    uint32_t *top = ck__alloc_array(k + 1, sizeof *top);
    int rc = parts && mix && user && top ? CK_OK : CK_ENOMEM;
    for (size_t b = lo; rc == CK_OK && b < hi; b++) {
        double *sums = job->block_sums + b * N_GRID;
        size_t last = (b + 1) * BLEND_BLOCK < job->train->n_users ? (b + 1) * BLEND_BLOCK
                                                                     : job->train->n_users;
        for (size_t u = b * BLEND_BLOCK; rc == CK_OK && u < last; u++) {
            const ck_interactions *x = job->train, *t = job->truth;
            size_t t0 = t->row_start[u], t1 = t->row_start[u + 1];
            if (t1 == t0)
                continue;
            size_t x0 = x->row_start[u], n = x->row_start[u + 1] - x0;
            for (int c = 0; c < CK_BLEND_N && rc == CK_OK; c++)
                rc = component(r, c, x->items + x0, x->weights + x0, n, parts + c * m, user,
                               &job->err);
            job->block_counts[b]++;
            for (int g = 0; g < N_GRID && rc == CK_OK; g++) {
                double w[CK_BLEND_N];
                grid_weights(g, w);
                memset(mix, 0, m * sizeof *mix);
                for (int c = 0; c < CK_BLEND_N; c++)
                    if (w[c] != 0.0)
                        ck__blas_axpy(m, w[c], parts + c * m, mix);
                size_t got = ck_recommend_top(mix, m, k, NULL, 0, top), hits = 0;
                for (size_t q = 0; q < got; q++) {
                    /* the truth row is ascending: a binary search */
                    size_t a = t0, z = t1;
                    while (a < z) {
                        size_t mid = (a + z) / 2;
                        if (t->items[mid] < top[q])
                            a = mid + 1;
                        else
                            z = mid;
                    }
                    hits += a < t1 && t->items[a] == top[q];
                }
                sums[g] += (double)hits / (double)(t1 - t0 < k ? t1 - t0 : k);
            }
        }
    }
    free(parts);
    free(mix);
    free(user);
    free(top);
    if (rc < 0)
        job->rc = rc;
    return rc < 0 ? -1 : 0;
}

/* Choose the blend's weights with components fit on `train`, by recall@K on `truth`. */
static int choose_blend(ck_recommender *r, const ck_recommend_params *p, ck_error *err)
{
    const ck_interactions *train = p->valid_train;
    size_t n_blocks = (train->n_users + BLEND_BLOCK - 1) / BLEND_BLOCK;
    blend_job job = { .r = r, .train = train, .truth = p->valid_truth, .top_k = p->top_k };
    job.block_sums = calloc(n_blocks * N_GRID + 1, sizeof *job.block_sums);
    job.block_counts = calloc(n_blocks + 1, sizeof *job.block_counts);
    if (!job.block_sums || !job.block_counts) {
        free(job.block_sums);
        free(job.block_counts);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    ck__parallel_for(n_blocks, 1, p->n_threads, blend_blocks, &job);
    double best = -1.0;
    size_t customers = 0;
    for (size_t b = 0; b < n_blocks; b++)
        customers += job.block_counts[b];
    for (int g = 1; g < N_GRID && job.rc == CK_OK; g++) { /* g = 0: every weight 0 */
        double sum = 0.0;
        for (size_t b = 0; b < n_blocks; b++)
            sum += job.block_sums[b * N_GRID + g];
        if (sum > best) {
            best = sum;
            grid_weights(g, r->blend);
        }
    }
    r->blend_recall = customers ? best / (double)customers : NAN;
    free(job.block_sums);
    free(job.block_counts);
    if (job.rc < 0)
        return job.err.code ? ck_error_set(err, job.err.code, NULL, 0, "%s", job.err.msg)
                            : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (customers == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "no customer bought anything in the validation window: the blend's "
                            "weights cannot be chosen (pick a method, or a longer window)");
    return CK_OK;
}

/* ---- fitting ------------------------------------------------------------------------------ */

/* Whether `r` needs a component: its method's own, or the blend's with a weight (all of
 * them while the weights are still to be chosen). */
static bool needs(const ck_recommender *r, ck_recommend_method component, int blend_part)
{
    if (r->method != CK_RECOMMEND_BLEND)
        return r->method == component;
    bool chosen = false;
    for (int c = 0; c < CK_BLEND_N; c++)
        chosen |= r->blend[c] != 0.0;
    return blend_part >= 0 && (!chosen || r->blend[blend_part] != 0.0);
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
    if (rc == CK_OK && needs(r, CK_RECOMMEND_EASE, CK_BLEND_EASE)) {
        ck_ease *e = NULL;
        if ((rc = ck_ease_fit(&e, x, p->ease_lambda, true, p->n_threads, err)) == CK_OK)
            rc = keep_ease(r, e, err);
        ck_ease_free(e);
    }
    if (rc == CK_OK && needs(r, CK_RECOMMEND_ITEMKNN, -1))
        rc = ck_itemknn_fit(&r->knn, x, p->knn_k, p->n_threads, err);
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
    if (p->top_k < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "top_k must be at least 1");
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
        double chosen[CK_BLEND_N], recall = r->blend_recall;
        memcpy(chosen, r->blend, sizeof chosen);
        ck__recommender_free(r);
        r = rc == CK_OK ? ck__recommender_new(p->method, p->train->n_items) : NULL;
        if (rc == CK_OK && r == NULL)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        if (r != NULL) {
            memcpy(r->blend, chosen, sizeof chosen);
            r->blend_recall = recall;
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
    *out = r;
    return CK_OK;
}
