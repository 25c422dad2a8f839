/*
 * A recommender's picks for the customers of a log as of a date (recommendations.c), shared
 * by churn-predict's recommender rows and the campaign rows a churn model writes beside one.
 */
#ifndef CK_PIPELINE_RECOMMENDATIONS_H
#define CK_PIPELINE_RECOMMENDATIONS_H

#include "churnkit/pipeline.h"

typedef struct ck__picks {
    const ck_recommender *r;
    const ck_events *ev;
    ck_interaction_matrix *m; /* every customer's interactions before as_of, weighted as the
                                 model was trained, on its catalogue */
    size_t k;
    bool exclude_own; /* the NEW question: the customer's own items left out */
    uint32_t *lists;  /* matrix row u's picks at lists[u × k] */
    size_t *listed;   /* how many row u has; NOT_PICKED while its block is not scored */
    uint32_t *empty;  /* the picks of a customer without interactions */
    size_t n_empty;
    double *scores, *scratch; /* one block's, for a block scored on demand (NULL until) */
    const uint32_t *top;      /* the last customer's picks (borrowed from lists or empty) */
    const char **catalogue;
} ck__picks;

/* Ready to pick K items for the customers of `ev` as of `as_of`: every matrix customer's top
 * K computed up front in fixed blocks of CK_RECOMMEND_BLOCK rows on up to n_threads threads,
 * only the blocks holding a customer of the shard (n_shards ≤ 1: all); a row outside them is
 * scored on demand (its whole block). The picks are the same for any thread count and shard.
 * CK_OK, CK_EINVAL (not a recommender; the log has no item column), CK_ENOMEM. */
int ck__picks_init_threads(ck__picks *p, const ck_events *ev, const ck_model *model,
                           int64_t as_of, size_t k, bool exclude_own, int n_threads, long shard,
                           long n_shards, ck_error *err);
/* The picks of matrix row u (or, u < 0, of a customer without interactions: popularity)
 * into p->top; their number in *n. */
int ck__picks_row(ck__picks *p, long u, size_t *n, ck_error *err);
/* The picks of the customer with this id (anyone the log does not know gets popularity). */
int ck__picks_for(ck__picks *p, const char *id, size_t *n, ck_error *err);
void ck__picks_free(ck__picks *p);

#endif
