/*
 * The uplift model as a model type, for the model room: the learner table the registry
 * lists, and the fit it holds, read without knowing its layout (src/model/model_types.c).
 * It lives with boosted stumps because it is made of them: every arm's model, and the
 * X-learner's regressions, are ck_gbm models trained on shared bins (uplift.c).
 */
#ifndef CK_UPLIFT_LEARNER_H
#define CK_UPLIFT_LEARNER_H

#include "churnkit/uplift.h"
#include "learn/learner.h"

extern const ck__learner ck__uplift_learner;

/* The model of a fit (borrowed). */
const ck_uplift *ck__uplift_fit_model(const void *fit);

#endif
