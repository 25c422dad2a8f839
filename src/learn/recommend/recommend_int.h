/*
 * The inside of a recommender (recommend.h), shared by its fit and scoring
 * (recommend.c) and its model file (recommend_learner.c).
 */
#ifndef CK_RECOMMEND_INT_H
#define CK_RECOMMEND_INT_H

#include "churnkit/recommend.h"

/* EASE weights kept per item (see ease_start) */
#define CK__EASE_KEEP 200

struct ck_recommender {
    ck_recommend_method method;
    size_t n_items;
    /* the blend's weights for each question; 0 for the other methods */
    double blend[CK_RECOMMEND_N_GOALS][CK_BLEND_N];
    ck_als *als;              /* ALS and the blend: item factors (user factors freed) */
    double *gram;             /* YᵀY of the item factors, for folding customers in */
    /* EASE and the blend: each item's EASE_KEEP largest positive weights B_ij (row i),
     * kept as lists: a dense n_items² matrix would not fit a model file */
    size_t *ease_start;  /* n_items + 1 */
    uint32_t *ease_item; /* by weight, largest first; ties: the smaller index */
    double *ease_weight;
    ck_itemknn *knn;          /* item-kNN and the blend */
    double *popularity;       /* n_items: every method (repeat's and the empty rows' order) */
    double blend_recall[CK_RECOMMEND_N_GOALS]; /* the blend's validation recall@top_k */
    double fit_seconds;                        /* wall time of the fit (NaN: unknown) */
    char **item_ids, **item_categories; /* n_items each ("" for no category) */
    double event_weights[CK_EV_COUNT], half_life_days;
    ck_recommend_params params; /* as trained (its data pointers NULL) */
};

/* An empty recommender of `method` over `n_items` items (popularity allocated, zero; ids
 * and categories allocated, NULL). */
ck_recommender *ck__recommender_new(ck_recommend_method method, size_t n_items);
void ck__recommender_free(ck_recommender *r);

/* Fit (recommend.c). */
int ck__recommender_fit(ck_recommender **out, const ck_recommend_params *p, ck_error *err);

/* What is computed from what the file keeps: the item factors' Gram matrix. */
int ck__recommender_derive(ck_recommender *r, ck_error *err);

#endif
