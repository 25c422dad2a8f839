/*
 * Item-to-item neighbours (Sarwar, Karypis, Konstan & Riedl, "Item-Based Collaborative
 * Filtering Recommendation Algorithms", WWW 2001, §3.1.1: cosine similarity of the item
 * columns of X; Deshpande & Karypis, "Item-Based Top-N Recommendation Algorithms", TOIS
 * 2004: keep each item's k most similar, score by the sum over the customer's items).
 *
 *     sim(i, j) = Σ_u x_ui x_uj / (‖x_·i‖ ‖x_·j‖ + h),   ‖x_·i‖² = Σ_u x_ui²
 *
 * with a shrinkage h ≥ 0 (Koren, "Factor in the neighbors", TKDD 2010, eq. 2): h = 0 is
 * the plain cosine; h > 0 pulls the similarity of items seen by few customers toward 0, so
 * that two rare items bought once together are not each other's best neighbour.
 *
 * Co-occurrence is computed one item at a time from the transpose of X (item_models_int.h):
 * for each customer u of item i, in ascending order, x_ui · (row u of X) is added into a
 * dense accumulator that the thread keeps, touching only the items that co-occur with i.
 * sim(i, j) and sim(j, i) add the same products in the same order, so they are equal to the
 * bit, and each item's list is its own work, so any thread count gives the same model.
 * Each item's top k by similarity (ties: the smaller index; only similarities > 0, the
 * item itself left out) is kept in a heap whose root is the worst kept, then sorted.
 *
 * Layout: while fitting, item i's neighbours go to slots [i k, i k + count[i]) of a
 * scratch array; they are then packed into start/neighbour/similarity (CSR).
 */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/item_models.h"

#include "base/parallel.h"
#include "base/util.h"
#include "learn/recommend/item_models_int.h"

/* Items per thread at the least. */
#define ITEM_GRAIN 16

typedef struct knn_ctx {
    const ck_interactions *x;
    const ck__item_columns *cols;
    const double *norm;
    double shrink;
    size_t k;         /* slots per item: min(requested k, n_items − 1) */
    uint32_t *slot_j; /* n_items × k */
    double *slot_sim; /* n_items × k */
    size_t *count;    /* n_items */
} knn_ctx;

/* (sa, a) ranks below (sb, b): a lower similarity, or the same and a larger index */
static bool worse(double sa, uint32_t a, double sb, uint32_t b)
{
    return sa < sb || (sa == sb && a > b);
}

static void sift_down(uint32_t *j, double *s, size_t n, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, w = at;
        if (l < n && worse(s[l], j[l], s[w], j[w]))
            w = l;
        if (r < n && worse(s[r], j[r], s[w], j[w]))
            w = r;
        if (w == at)
            return;
        uint32_t tj = j[at];
        double ts = s[at];
        j[at] = j[w];
        s[at] = s[w];
        j[w] = tj;
        s[w] = ts;
        at = w;
    }
}

static void sift_up(uint32_t *j, double *s, size_t at)
{
    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!worse(s[at], j[at], s[parent], j[parent]))
            return;
        uint32_t tj = j[at];
        double ts = s[at];
        j[at] = j[parent];
        s[at] = s[parent];
        j[parent] = tj;
        s[parent] = ts;
        at = parent;
    }
}

static int knn_items(size_t lo, size_t hi, void *arg)
{
    const knn_ctx *c = arg;
    const ck_interactions *x = c->x;
    size_t n = x->n_items;
    double *acc = ck__alloc_array(n, sizeof *acc);
    uint32_t *touched = ck__alloc_array(n, sizeof *touched);
    if (acc == NULL || touched == NULL) {
        free(acc);
        free(touched);
        return CK_ENOMEM;
    }
    memset(acc, 0, n * sizeof *acc);
    for (size_t i = lo; i < hi; i++) {
        size_t n_touched = 0;
        for (size_t k = c->cols->col_start[i]; k < c->cols->col_start[i + 1]; k++) {
            size_t u = c->cols->users[k];
            double xi = c->cols->weights[k];
            for (size_t m = x->row_start[u]; m < x->row_start[u + 1]; m++) {
                uint32_t j = x->items[m];
                /* weights > 0 and their products stay > 0 in double: 0 means untouched */
                if (acc[j] == 0)
                    touched[n_touched++] = j;
                acc[j] += xi * (double)x->weights[m];
            }
        }
        uint32_t *hj = c->slot_j + i * c->k;
        double *hs = c->slot_sim + i * c->k;
        size_t kept = 0;
        for (size_t t = 0; t < n_touched; t++) {
            uint32_t j = touched[t];
            double sim = acc[j] / (c->norm[i] * c->norm[j] + c->shrink);
            acc[j] = 0;
            if (j == i || !(sim > 0) || c->k == 0)
                continue;
            if (kept < c->k) {
                hj[kept] = j;
                hs[kept] = sim;
                sift_up(hj, hs, kept++);
            } else if (worse(hs[0], hj[0], sim, j)) {
                hj[0] = j;
                hs[0] = sim;
                sift_down(hj, hs, kept, 0);
            }
        }
        /* heap sort: the worst to the end each time, the best first */
        for (size_t m = kept; m > 1; m--) {
            uint32_t tj = hj[0];
            double ts = hs[0];
            hj[0] = hj[m - 1];
            hs[0] = hs[m - 1];
            hj[m - 1] = tj;
            hs[m - 1] = ts;
            sift_down(hj, hs, m - 1, 0);
        }
        c->count[i] = kept;
    }
    free(acc);
    free(touched);
    return 0;
}

int ck_itemknn_fit(ck_itemknn **out, const ck_interactions *x, int k, double shrink,
                   int n_threads, ck_error *err)
{
    assert(out != NULL && x != NULL);
    *out = NULL;
    if (!(shrink >= 0) || !isfinite(shrink))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "itemknn: shrink must be a number >= 0");
    if (k < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "itemknn: neighbours per item must be at least 1, got %d", k);
    if (x->n_items == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "itemknn: no items");
    if (x->n_items > (size_t)UINT32_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "itemknn: too many items (%zu)", x->n_items);
    size_t n = x->n_items;
    size_t slots_per_item = (size_t)k < n - 1 ? (size_t)k : n - 1, n_slots = 0;
    ck__item_columns cols = { 0 };
    ck_itemknn *m = NULL;
    double *norm = NULL, *slot_sim = NULL;
    uint32_t *slot_j = NULL;
    size_t *count = NULL;
    int rc;
    if ((rc = ck__item_columns_new(&cols, x, "itemknn", err)) < 0)
        return rc;
    bool sized = ck__mul_size(&n_slots, n, slots_per_item);
    norm = ck__alloc_array(n, sizeof *norm);
    count = ck__alloc_array(n, sizeof *count);
    slot_j = sized ? ck__alloc_array(n_slots, sizeof *slot_j) : NULL;
    slot_sim = sized ? ck__alloc_array(n_slots, sizeof *slot_sim) : NULL;
    m = calloc(1, sizeof *m);
    if (norm == NULL || count == NULL || slot_j == NULL || slot_sim == NULL || m == NULL ||
        (m->start = ck__alloc_array(n + 1, sizeof *m->start)) == NULL)
        goto oom;
    m->n_items = n;
    m->k = k;
    for (size_t i = 0; i < n; i++) {
        double ss = 0;
        for (size_t t = cols.col_start[i]; t < cols.col_start[i + 1]; t++)
            ss += (double)cols.weights[t] * (double)cols.weights[t];
        norm[i] = sqrt(ss);
    }

    knn_ctx kc = { .x = x,
                   .cols = &cols,
                   .norm = norm,
                   .shrink = shrink,
                   .k = slots_per_item,
                   .slot_j = slot_j,
                   .slot_sim = slot_sim,
                   .count = count };
    if (ck__parallel_for(n, ITEM_GRAIN, n_threads, knn_items, &kc) != 0)
        goto oom;

    m->start[0] = 0;
    for (size_t i = 0; i < n; i++)
        m->start[i + 1] = m->start[i] + count[i];
    size_t total = m->start[n];
    m->neighbour = ck__alloc_array(total, sizeof *m->neighbour);
    m->similarity = ck__alloc_array(total, sizeof *m->similarity);
    if (m->neighbour == NULL || m->similarity == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        memcpy(m->neighbour + m->start[i], slot_j + i * slots_per_item,
               count[i] * sizeof *m->neighbour);
        memcpy(m->similarity + m->start[i], slot_sim + i * slots_per_item,
               count[i] * sizeof *m->similarity);
    }
    *out = m;
    m = NULL;
    goto done;

oom:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0,
                      "itemknn: out of memory for %zu items x %zu neighbours", n, slots_per_item);
done:
    ck_itemknn_free(m);
    free(slot_sim);
    free(slot_j);
    free(count);
    free(norm);
    ck__item_columns_free(&cols);
    return rc;
}

void ck_itemknn_free(ck_itemknn *m)
{
    if (m == NULL)
        return;
    free(m->start);
    free(m->neighbour);
    free(m->similarity);
    free(m);
}

void ck_itemknn_score(const ck_itemknn *m, const uint32_t *items, const float *weights, size_t n,
                      double *scores)
{
    assert(m != NULL && scores != NULL && (n == 0 || (items != NULL && weights != NULL)));
    memset(scores, 0, m->n_items * sizeof *scores);
    for (size_t t = 0; t < n; t++) {
        uint32_t i = items[t];
        assert(i < m->n_items);
        double w = weights[t];
        for (size_t p = m->start[i]; p < m->start[i + 1]; p++)
            scores[m->neighbour[p]] += w * m->similarity[p];
    }
}
