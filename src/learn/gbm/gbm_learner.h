/*
 * Boosted stumps as a model type, for the model room: the learner table the registry lists, and the
 * fit it holds made and read without knowing its layout (src/model/model_types.c).
 */
#ifndef CK_GBM_LEARNER_H
#define CK_GBM_LEARNER_H

#include "churnkit/gbm.h"
#include "learn/learner.h"

extern const ck__learner ck__gbm_learner;

/* A fit around `model` (taken over: freed on failure too) with copies of params and
 * report. CK_OK or CK_ENOMEM. */
int ck__gbm_fit_new(void **out, ck_gbm *model, const ck_gbm_params *params,
                    const ck_gbm_report *report, ck_error *err);
/* The fit's parts (borrowed). */
const ck_gbm *ck__gbm_fit_model(const void *fit);
const ck_gbm_params *ck__gbm_fit_params(const void *fit);
const ck_gbm_report *ck__gbm_fit_report(const void *fit);

#endif
