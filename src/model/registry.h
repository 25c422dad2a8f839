/*
 * The registry of learners (registry.c) and what the model room offers the per-type
 * public calls (model_types.c): wrapping a learner's fit in a model, and getting it back.
 * Nothing outside src/model/ includes it.
 */
#ifndef CK_REGISTRY_H
#define CK_REGISTRY_H

#include <stddef.h>

#include "churnkit/model.h"
#include "learn/learner.h"

/* The learners, in registry order: i < ck__learner_count(). */
size_t ck__learner_count(void);
const ck__learner *ck__learner_at(size_t i);
/* The learner of a "model_type" name or of a type; NULL when none. */
const ck__learner *ck__learner_find(const char *name);
const ck__learner *ck__learner_of_type(ck_model_type type);
/* The public type of a registered learner. */
ck_model_type ck__learner_type(const ck__learner *learner);

/* A model of `learner` around `fit` (taken over: freed with the model, also on failure),
 * with copies of spec and training. CK_OK or CK_ENOMEM. (model.c) */
int ck__model_wrap(ck_model **out, const ck__learner *learner, void *fit, const ck_model_spec *spec,
                   const ck_model_training *training, ck_error *err);

/* The model's fit when the model is of `learner`, else NULL (borrowed). (model.c) */
const void *ck__model_fit(const ck_model *model, const ck__learner *learner);

/* The learner-measured metrics of a training record, and back. (model.c) */
void ck__model_metrics_of(ck__learner_metrics *m, const ck_model_training *t);
void ck__model_metrics_to(ck_model_training *t, const ck__learner_metrics *m);

#endif
