/*
 * The baselines every recommender is compared with, and what the item models share.
 *
 * Popularity is each item's total weight in X (column sums, summed over customers in
 * ascending order). The repeat-purchase score is the customer's own weight of an item,
 * plus a tie-break below any weight that orders the rest by popularity:
 * popularity / (1 + max popularity) · 1e-3 < 1e-3, while own weights are positive sums of
 * event weights (DESIGN: 0.1 for a view at the least).
 *
 * ck_recommend_top() keeps the best k items in a binary heap whose root is the worst kept
 * (lowest score; among equal scores the larger index), so it runs in O(n log k); the kept
 * items are then sorted best first (Cormen et al., Introduction to Algorithms, ch. 6).
 *
 * The transpose of X (ck__item_columns_new) is a counting sort by item: one pass counts each
 * item's customers, a prefix sum places the columns, and a second pass in customer order
 * fills them, so each column lists its customers ascending.
 */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/item_models.h"

#include "base/util.h"
#include "learn/recommend/item_models_int.h"

int ck__item_columns_new(ck__item_columns *out, const ck_interactions *x, const char *who,
                         ck_error *err)
{
    assert(out != NULL && x != NULL);
    memset(out, 0, sizeof *out);
    if (x->n_users > UINT32_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "%s: too many customers (%zu)", who,
                            x->n_users);
    for (size_t u = 0; u < x->n_users; u++) {
        for (size_t k = x->row_start[u]; k < x->row_start[u + 1]; k++) {
            uint32_t i = x->items[k];
            float w = x->weights[k];
            if (i >= x->n_items)
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: customer %zu: item index %u is not below %zu", who, u,
                                    (unsigned)i, x->n_items);
            if (k > x->row_start[u] && i <= x->items[k - 1])
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: customer %zu: items not ascending at item %u", who, u,
                                    (unsigned)i);
            if (!(w > 0) || !isfinite(w))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: customer %zu: item %u: weight \"%g\" is not a finite "
                                    "positive number",
                                    who, u, (unsigned)i, (double)w);
        }
    }
    size_t nnz = x->row_start[x->n_users];
    size_t n1;
    if (x->n_items == SIZE_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "%s: too many items", who);
    n1 = x->n_items + 1;
    out->n_items = x->n_items;
    out->col_start = ck__alloc_array(n1, sizeof *out->col_start);
    out->users = ck__alloc_array(nnz, sizeof *out->users);
    out->weights = ck__alloc_array(nnz, sizeof *out->weights);
    if (out->col_start == NULL || out->users == NULL || out->weights == NULL) {
        ck__item_columns_free(out);
        return ck_error_set(err, CK_ENOMEM, NULL, 0,
                            "%s: out of memory transposing %zu "
                            "interactions",
                            who, nnz);
    }
    memset(out->col_start, 0, n1 * sizeof *out->col_start);
    for (size_t k = 0; k < nnz; k++)
        out->col_start[x->items[k] + 1]++;
    for (size_t i = 0; i < x->n_items; i++)
        out->col_start[i + 1] += out->col_start[i];
    /* col_start[i] serves as item i's fill position, then is shifted back below */
    for (size_t u = 0; u < x->n_users; u++) {
        for (size_t k = x->row_start[u]; k < x->row_start[u + 1]; k++) {
            size_t at = out->col_start[x->items[k]]++;
            out->users[at] = (uint32_t)u;
            out->weights[at] = x->weights[k];
        }
    }
    for (size_t i = x->n_items; i > 0; i--)
        out->col_start[i] = out->col_start[i - 1];
    out->col_start[0] = 0;
    return CK_OK;
}

void ck__item_columns_free(ck__item_columns *c)
{
    if (c == NULL)
        return;
    free(c->col_start);
    free(c->users);
    free(c->weights);
    memset(c, 0, sizeof *c);
}

void ck_popularity(const ck_interactions *x, double *popularity)
{
    assert(x != NULL && popularity != NULL);
    for (size_t i = 0; i < x->n_items; i++)
        popularity[i] = 0;
    size_t nnz = x->row_start[x->n_users];
    for (size_t k = 0; k < nnz; k++) {
        assert(x->items[k] < x->n_items);
        popularity[x->items[k]] += x->weights[k];
    }
}

void ck_repeat_score(const uint32_t *items, const float *weights, size_t n,
                     const double *popularity, size_t n_items, double *scores)
{
    assert(scores != NULL && (n == 0 || (items != NULL && weights != NULL)));
    double max_pop = 0;
    for (size_t i = 0; popularity != NULL && i < n_items; i++)
        if (popularity[i] > max_pop)
            max_pop = popularity[i];
    for (size_t i = 0; i < n_items; i++)
        scores[i] = popularity != NULL ? popularity[i] / (1 + max_pop) * 1e-3 : 0;
    for (size_t k = 0; k < n; k++) {
        assert(items[k] < n_items);
        scores[items[k]] += weights[k];
    }
}

/* a ranks below b: a lower score, or the same score and a larger index */
static bool worse(const double *scores, uint32_t a, uint32_t b)
{
    return scores[a] < scores[b] || (scores[a] == scores[b] && a > b);
}

/* Restore the heap property (root = the worst kept) below position at. */
static void sift_down(const double *scores, uint32_t *heap, size_t n, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, w = at;
        if (l < n && worse(scores, heap[l], heap[w]))
            w = l;
        if (r < n && worse(scores, heap[r], heap[w]))
            w = r;
        if (w == at)
            return;
        uint32_t t = heap[at];
        heap[at] = heap[w];
        heap[w] = t;
        at = w;
    }
}

size_t ck_recommend_top(const double *scores, size_t n_items, size_t k, const uint32_t *exclude,
                        size_t n_exclude, uint32_t *top)
{
    assert(scores != NULL && (k == 0 || top != NULL));
    assert(n_exclude == 0 || exclude != NULL);
    assert(n_items <= (size_t)UINT32_MAX + 1);
    if (k == 0)
        return 0;
    size_t n = 0, e = 0;
    for (size_t i = 0; i < n_items; i++) {
        while (e < n_exclude && exclude[e] < i)
            e++;
        if (e < n_exclude && exclude[e] == i)
            continue;
        if (isnan(scores[i]))
            continue;
        uint32_t item = (uint32_t)i;
        if (n < k) {
            /* sift up */
            size_t at = n++;
            top[at] = item;
            while (at > 0) {
                size_t parent = (at - 1) / 2;
                if (!worse(scores, top[at], top[parent]))
                    break;
                uint32_t t = top[at];
                top[at] = top[parent];
                top[parent] = t;
                at = parent;
            }
        } else if (worse(scores, top[0], item)) {
            top[0] = item;
            sift_down(scores, top, n, 0);
        }
    }
    /* heap sort: the worst goes to the end each time, leaving the best first */
    for (size_t m = n; m > 1; m--) {
        uint32_t t = top[0];
        top[0] = top[m - 1];
        top[m - 1] = t;
        sift_down(scores, top, m - 1, 0);
    }
    return n;
}
