/**
 * @file recommend.h
 * @brief The recommender model type: implicit-feedback ALS, EASE, item-to-item neighbours,
 *        the customer's own repeat purchases, popularity, or a blend of them, scoring every
 *        item of the catalogue for one customer from that customer's own interactions.
 *
 * A customer is always scored from their own row of interactions (items and weights, as
 * ck_interaction_matrix_build() makes them), so one not seen at training is scored the
 * same way: ALS folds them in (one small solve), the item models read their items.
 *
 * A recommender answers two questions: what the customer will buy next (any item, their own
 * favourites included: CK_RECOMMEND_NEXT) and what new item they will want (the items they
 * have not interacted with: CK_RECOMMEND_NEW). The blend adds each component's scores
 * divided by their largest value for the customer (so each lies in [0, 1] where positive),
 * with a set of weights for each question chosen out of time: the components are fit on the
 * interactions before a validation window, the weights of a fixed grid that give the best
 * recall@K for the purchases inside the window win (for NEW: of the items new to the
 * customer, their own left out of the list), and the components are then fit again on
 * everything before the cutoff. To stay fast on large catalogues the grid ranks, for each
 * validation customer, the union of every component's best 4K items and the customer's own
 * (a top K outside that union is possible but rare), over at most 10,000 validation
 * customers (evenly spaced in the matrix's order).
 */
#ifndef CHURNKIT_RECOMMEND_H
#define CHURNKIT_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/als.h"
#include "churnkit/error.h"
#include "churnkit/event_types.h"
#include "churnkit/export.h"
#include "churnkit/interactions.h"
#include "churnkit/item_models.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_recommend_method {
    CK_RECOMMEND_ALS,
    CK_RECOMMEND_EASE,
    CK_RECOMMEND_ITEMKNN,
    CK_RECOMMEND_REPEAT,
    CK_RECOMMEND_POPULAR,
    CK_RECOMMEND_BLEND,
    CK_RECOMMEND_N_METHODS
} ck_recommend_method;

/** The components a blend weighs, in this order. */
enum { CK_BLEND_REPEAT, CK_BLEND_EASE, CK_BLEND_ALS, CK_BLEND_ITEMKNN, CK_BLEND_POPULAR, CK_BLEND_N };

/** The question a list answers: the next purchase (any item), or a new item (the customer's
 *  own items left out; the caller leaves them out of the top K, ck_recommend_top()). */
typedef enum ck_recommend_goal { CK_RECOMMEND_NEXT, CK_RECOMMEND_NEW, CK_RECOMMEND_N_GOALS } ck_recommend_goal;

/** The method's name ("als", "ease", "itemknn", "repeat", "popular", "blend"). */
CK_API const char *ck_recommend_method_name(ck_recommend_method m);
/** The method of a name, or -1. */
CK_API int ck_recommend_method_of(const char *name);

/** Training parameters; the data travel with them, borrowed. */
typedef struct ck_recommend_params {
    ck_recommend_method method;
    ck_als_params als;
    double ease_lambda; /**< EASE's L2 weight [500] */
    int ease_items;     /**< EASE is fit on the most interacted items, at most this many (its
                             dense solve needs ease_items² doubles) [10000] */
    int knn_k;          /**< neighbours per item [100] */
    double knn_shrink;  /**< item-kNN's shrinkage of similarities (item_models.h) [100] */
    int top_k;          /**< the K whose recall chooses the blend's weights [10] */
    int n_threads;
    /** everything before the cutoff: what the model is fit on */
    const ck_interactions *train;
    /** popularity: each item's weight over the recent window before the cutoff (NULL: the
     *  training matrix's) */
    const ck_interactions *recent;
    /** the blend: the interactions before the validation window, and each of their
     *  customers' purchases inside it (rows of the same customers and items); NULL for any
     *  other method */
    const ck_interactions *valid_train, *valid_truth;
    /** the items' ids and categories (n_items each; a category may be NULL or ""), kept in
     *  the model so that scoring maps a log's items to its columns and names categories */
    const char *const *item_ids;
    const char *const *item_categories;
    /** how interactions were weighted (kept: scoring must weigh a customer's row the same) */
    double event_weights[CK_EV_COUNT];
    double half_life_days;
} ck_recommend_params;

/** Defaults: the blend, ALS of 64 factors (λ 100, α 10, 15 sweeps), EASE λ 500 on at most
 *  10,000 items, 100 neighbours shrunk by 100, blend chosen on recall@10. */
CK_API ck_recommend_params ck_recommend_params_default(void);

/** A trained recommender (opaque); held by a ck_model (ck_model_recommender()). */
typedef struct ck_recommender ck_recommender;

CK_API ck_recommend_method ck_recommender_method(const ck_recommender *r);
CK_API size_t ck_recommender_n_items(const ck_recommender *r);
/** The blend's weights for a question (CK_BLEND_N values; all 0 for another method). */
CK_API const double *ck_recommender_blend(const ck_recommender *r, ck_recommend_goal goal);
/** The blend's recall@K for a question on its validation window (NaN for another method). */
CK_API double ck_recommender_blend_recall(const ck_recommender *r, ck_recommend_goal goal);
/** The seconds the fit took (the blend's validation fit included; NaN when unknown). */
CK_API double ck_recommender_fit_seconds(const ck_recommender *r);
/** The K whose recall chose the blend. */
CK_API int ck_recommender_top_k(const ck_recommender *r);
/** Item @p j's id and category ("" when none); borrowed. */
CK_API const char *ck_recommender_item_id(const ck_recommender *r, size_t j);
CK_API const char *ck_recommender_item_category(const ck_recommender *r, size_t j);
/** The event weights and half-life the model was trained with (CK_EV_COUNT values). */
CK_API const double *ck_recommender_event_weights(const ck_recommender *r);
CK_API double ck_recommender_half_life_days(const ck_recommender *r);

/**
 * Scores of every item (n_items values) for a customer with interactions (items
 * ascending, weights > 0, n of them; n may be 0: popularity alone then), for @p goal (the
 * blend's weights for it; the other methods score the same for both). Needs a scratch of
 * ck_recommender_scratch_size() doubles. CK_OK, CK_ENOMEM.
 */
CK_API int ck_recommender_score(const ck_recommender *r, ck_recommend_goal goal,
                                const uint32_t *items, const float *weights, size_t n,
                                double *scores, double *scratch, ck_error *err);
CK_API size_t ck_recommender_scratch_size(const ck_recommender *r);

/**
 * Scores of every item for rows [first, first + count) of @p x (a matrix on the model's
 * catalogue, as ck_interaction_matrix_build() makes them), a block of customers: row i of
 * @p scores (count × n_items, row-major) is customer first + i's, as ck_recommender_score()
 * defines them. ALS folds each customer in exactly (ck_als_fold_in()) and then multiplies
 * the block's factors by the item factors with one matrix product, which reads the item
 * factors once per block rather than once per customer; the other parts go row by row.
 *
 * Bits: a customer's scores depend only on their row and on the block's size and their
 * place in it, never on the thread that computes it. With ALS (alone or in the blend) a
 * block of one and a larger block can differ in the last bits (the BLAS kernels chosen by
 * the product's shape), so a caller that must write the same bytes for any thread count
 * scores fixed blocks of rows (as churn-predict does: 128 matrix rows, CK_RECOMMEND_BLOCK).
 * ck_recommender_score() is a block of one.
 * Reentrant: threads may score blocks of the same recommender at once, each with its own
 * @p scores and @p scratch.
 * @param scratch  ck_recommender_batch_scratch_size(r, count) doubles
 * @return CK_OK, CK_EINVAL (@p x's items are not the model's; an item out of range or a
 *         bad weight in a row, from the fold-in), CK_ENOMEM
 */
CK_API int ck_recommender_score_rows(const ck_recommender *r, ck_recommend_goal goal,
                                     const ck_interactions *x, size_t first, size_t count,
                                     double *scores, double *scratch, ck_error *err);
/** The doubles of scratch ck_recommender_score_rows() needs for a block of @p count
 *  customers (SIZE_MAX when that does not fit in a size_t). */
CK_API size_t ck_recommender_batch_scratch_size(const ck_recommender *r, size_t count);

/** The block of customers churn-predict scores at once: fixed blocks of this many matrix
 *  rows give the same bytes for any thread count (ck_recommender_score_rows()). */
#define CK_RECOMMEND_BLOCK 128

#ifdef __cplusplus
}
#endif

#endif
