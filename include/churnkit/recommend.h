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
 * The blend adds each component's scores divided by their largest value for the customer
 * (so each lies in [0, 1] where positive), with weights chosen out of time: the components
 * are fit on the interactions before a validation window, the weights that give the best
 * recall@K for the purchases inside the window win (a fixed grid), and the components are
 * then fit again on everything before the cutoff.
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
enum { CK_BLEND_REPEAT, CK_BLEND_EASE, CK_BLEND_ALS, CK_BLEND_POPULAR, CK_BLEND_N };

/** The method's name ("als", "ease", "itemknn", "repeat", "popular", "blend"). */
CK_API const char *ck_recommend_method_name(ck_recommend_method m);
/** The method of a name, or -1. */
CK_API int ck_recommend_method_of(const char *name);

/** Training parameters; the data travel with them, borrowed. */
typedef struct ck_recommend_params {
    ck_recommend_method method;
    ck_als_params als;
    double ease_lambda; /**< EASE's L2 weight [500] */
    int knn_k;          /**< neighbours per item [100] */
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

/** Defaults: the blend, ALS of 64 factors (λ 0.1, α 10, 15 sweeps), EASE λ 500, 100
 *  neighbours, blend chosen on recall@10. */
CK_API ck_recommend_params ck_recommend_params_default(void);

/** A trained recommender (opaque); held by a ck_model (ck_model_recommender()). */
typedef struct ck_recommender ck_recommender;

CK_API ck_recommend_method ck_recommender_method(const ck_recommender *r);
CK_API size_t ck_recommender_n_items(const ck_recommender *r);
/** The blend's weights (CK_BLEND_N values; the others' are 1 for their own component). */
CK_API const double *ck_recommender_blend(const ck_recommender *r);
/** The blend's recall@K on its validation window (NaN for another method). */
CK_API double ck_recommender_blend_recall(const ck_recommender *r);
/** Item @p j's id and category ("" when none); borrowed. */
CK_API const char *ck_recommender_item_id(const ck_recommender *r, size_t j);
CK_API const char *ck_recommender_item_category(const ck_recommender *r, size_t j);
/** The event weights and half-life the model was trained with (CK_EV_COUNT values). */
CK_API const double *ck_recommender_event_weights(const ck_recommender *r);
CK_API double ck_recommender_half_life_days(const ck_recommender *r);

/**
 * Scores of every item (n_items values) for a customer with interactions (items
 * ascending, weights > 0, n of them; n may be 0: popularity alone then). Needs a scratch
 * of ck_recommender_scratch_size() doubles. CK_OK, CK_ENOMEM.
 */
CK_API int ck_recommender_score(const ck_recommender *r, const uint32_t *items,
                                const float *weights, size_t n, double *scores, double *scratch,
                                ck_error *err);
CK_API size_t ck_recommender_scratch_size(const ck_recommender *r);

#ifdef __cplusplus
}
#endif

#endif
