/*
 * Logistic regression as a model type, for the model room: the learner table the registry lists,
 * and the fit it holds made and read without knowing its layout (src/model/model_types.c).
 */
#ifndef CK_LOGREG_LEARNER_H
#define CK_LOGREG_LEARNER_H

#include "churnkit/logreg.h"
#include "learn/learner.h"

extern const ck__learner ck__logreg_learner;

/* A fit around `model` (taken over: freed on failure too) with copies of params and
 * report. CK_OK or CK_ENOMEM. */
int ck__logreg_fit_new(void **out, ck_logreg *model, const ck_logreg_params *params,
                       const ck_logreg_report *report, ck_error *err);
/* The fit's parts (borrowed). */
const ck_logreg *ck__logreg_fit_model(const void *fit);
const ck_logreg_params *ck__logreg_fit_params(const void *fit);
const ck_logreg_report *ck__logreg_fit_report(const void *fit);

#endif
