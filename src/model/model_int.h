/*
 * The inside of a model, shared by model.c (construction, scoring, versioned paths) and
 * model_json.c (the file format).
 */
#ifndef CK_MODEL_INT_H
#define CK_MODEL_INT_H

#include "churnkit/model.h"

struct ck_model {
    ck_model_type type;
    ck_gbm *gbm; /* owned, gbm_stumps */
    ck_gbm_params gbm_params;
    ck_logreg *logreg; /* owned, logreg */
    ck_logreg_params logreg_params;
    ck_logreg_report logreg_report;
    ck_model_spec spec;
    ck_model_training training;
    double *contribution_means; /* owned: per feature over the training rows; NULL: none */
};

#endif
