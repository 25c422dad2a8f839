/*
 * The inside of a model, shared by model.c (the object, scoring, the training population)
 * and envelope.c (the file format). Nothing outside src/model/ includes it.
 */
#ifndef CK_MODEL_INT_H
#define CK_MODEL_INT_H

#include "churnkit/model.h"
#include "model/registry.h"

struct ck_model {
    const ck__learner *learner;
    void *fit; /* owned: the learner's trained body, params and record (learner.h) */
    ck_model_spec spec;
    ck_model_training training;
    double *contribution_means; /* owned: per feature over the training rows; NULL: none */
};

#endif
