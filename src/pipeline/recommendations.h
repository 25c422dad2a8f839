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
    double *scores, *scratch;
    uint32_t *top; /* the last customer's picks */
    const char **catalogue;
} ck__picks;

/* Ready to pick K items for the customers of `ev` as of `as_of`. CK_OK, CK_EINVAL (not a
 * recommender; the log has no item column), CK_ENOMEM. */
int ck__picks_init(ck__picks *p, const ck_events *ev, const ck_model *model, int64_t as_of,
                   size_t k, bool exclude_own, ck_error *err);
/* The picks of matrix row u (or, u < 0, of a customer without interactions: popularity)
 * into p->top; their number in *n. */
int ck__picks_row(ck__picks *p, long u, size_t *n, ck_error *err);
/* The picks of the customer with this id (anyone the log does not know gets popularity). */
int ck__picks_for(ck__picks *p, const char *id, size_t *n, ck_error *err);
void ck__picks_free(ck__picks *p);

#endif
