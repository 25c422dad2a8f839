/**
 * @file item_models.h
 * @brief Item-based recommenders and baselines on implicit feedback: EASE (Steck, "Embarrassingly
 *        Shallow Autoencoders for Sparse Data", WWW 2019), item-to-item cosine neighbours,
 *        the customer's own repeat purchases, and popularity.
 *
 * Each scores every item for one customer from the customer's own interactions (a row of
 * ck_interactions), so a customer not seen at training is scored the same way. Higher is
 * better. Every fit is the same bit for bit for any thread count.
 */
#ifndef CHURNKIT_ITEM_MODELS_H
#define CHURNKIT_ITEM_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/interactions.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- EASE ----------------------------------------------------------------------------- */

/** The item-item weights B (n_items × n_items, row-major, zero diagonal): B = I − P
 *  diagMat(1 / diag(P)), P = (XᵀX + λI)⁻¹, X the binary (or weighted, see ck_ease_fit())
 *  interaction matrix. Owned. */
typedef struct ck_ease {
    size_t n_items;
    double lambda;
    double *weights;
} ck_ease;

/**
 * Fit EASE on @p x with L2 weight @p lambda (> 0). @p binary: X has 1 where a weight is
 * present, else the weights themselves. Needs n_items² doubles (3.2 GB at the limit) and one
 * dense inverse (LAPACK, O(n_items³)).
 * @param[out] out  the model, free with ck_ease_free(); NULL on failure
 * @param n_threads  threads for XᵀX and B (the inverse runs on the calling thread); the
 *                   weights are the same bits for any count
 * @return CK_OK, CK_EINVAL (lambda not finite and > 0, no items, more than
 *         CK_EASE_MAX_ITEMS, an item index out of range or a row not ascending, a weight not
 *         finite and > 0, XᵀX + λI not positive definite in floating point), CK_ENOMEM
 */
#define CK_EASE_MAX_ITEMS 20000
CK_API int ck_ease_fit(ck_ease **out, const ck_interactions *x, double lambda, bool binary,
                       int n_threads, ck_error *err);
/** Free a model of ck_ease_fit(); NULL is fine. */
CK_API void ck_ease_free(ck_ease *m);
/** Scores of every item for a customer with interactions (items, weights, n): s = x_u B,
 *  x_u binary or weighted as at the fit (@p weights may be NULL when @p binary). Writes
 *  n_items scores; the customer's own items score like the others (exclude them with
 *  ck_recommend_top()). Item indices must be below n_items. */
CK_API void ck_ease_score(const ck_ease *m, const uint32_t *items, const float *weights, size_t n,
                          bool binary, double *scores);

/* ---- item-to-item neighbours ------------------------------------------------------------ */

/** Each item's top-K most similar items by cosine similarity of their columns of X. Owned. */
typedef struct ck_itemknn {
    size_t n_items;
    int k;               /**< neighbours kept per item */
    size_t *start;       /**< n_items + 1: item i's neighbours are [start[i], start[i + 1]) */
    uint32_t *neighbour; /**< by similarity, largest first; ties: the smaller index */
    double *similarity;  /**< each > 0 */
} ck_itemknn;

/**
 * Fit the neighbours: sim(i, j) = Σ_u x_ui x_uj / (‖x_·i‖ ‖x_·j‖ + shrink) over the weights
 * of @p x (shrink 0: the cosine; shrink > 0 pulls the similarities of rarely seen items
 * toward 0), each item's @p k largest (ties: the smaller index), only those > 0, never the
 * item itself; an item may keep fewer than k.
 * @param[out] out  the model, free with ck_itemknn_free(); NULL on failure
 * @param n_threads  threads over the items; the same bits for any count
 * @return CK_OK, CK_EINVAL (k < 1, shrink not finite and ≥ 0, no items, an item index out
 *         of range or a row not ascending, a weight not finite and > 0), CK_ENOMEM
 */
CK_API int ck_itemknn_fit(ck_itemknn **out, const ck_interactions *x, int k, double shrink,
                          int n_threads, ck_error *err);
/** Free a model of ck_itemknn_fit(); NULL is fine. */
CK_API void ck_itemknn_free(ck_itemknn *m);
/** Scores: s_j = Σ_{i in u's items} w_ui · sim(i, j) over i's kept neighbours j (0 for
 *  the items no neighbour list reaches). Writes n_items scores. */
CK_API void ck_itemknn_score(const ck_itemknn *m, const uint32_t *items, const float *weights,
                             size_t n, double *scores);

/* ---- baselines ---------------------------------------------------------------------------- */

/** Popularity: each item's total weight over the customers of @p x (n_items values). */
CK_API void ck_popularity(const ck_interactions *x, double *popularity);

/** Repeat purchases: s_i = the customer's own weight of item i (0 when never), plus
 *  popularity[i] / (1 + max popularity) · 1e-3 to order the rest by popularity
 *  (@p popularity may be NULL: no such term). Writes n_items scores. */
CK_API void ck_repeat_score(const uint32_t *items, const float *weights, size_t n,
                            const double *popularity, size_t n_items, double *scores);

/**
 * The top @p k items by score, best first (ties: the smaller index), leaving out those in
 * @p exclude (n_exclude indices ascending, may be NULL) and any NaN score. Writes at most k
 * indices to @p top and returns how many (fewer than k when fewer items are left).
 * O(n_items log k).
 */
CK_API size_t ck_recommend_top(const double *scores, size_t n_items, size_t k,
                               const uint32_t *exclude, size_t n_exclude, uint32_t *top);

#ifdef __cplusplus
}
#endif

#endif
