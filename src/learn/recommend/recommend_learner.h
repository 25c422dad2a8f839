/*
 * The recommender as a model type, for the model room: the learner table the registry
 * lists, and the model a fit holds (src/model/model_types.c).
 */
#ifndef CK_RECOMMEND_LEARNER_H
#define CK_RECOMMEND_LEARNER_H

#include "churnkit/recommend.h"
#include "learn/learner.h"

extern const ck__learner ck__recommend_learner;

/* The recommender of a fit (borrowed). */
const ck_recommender *ck__recommend_fit_model(const void *fit);

#endif
