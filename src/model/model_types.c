/*
 * The public calls of one model type on a model (model.h): wrapping a body trained by hand
 * (ck_model_new_gbm, ck_model_new_logreg) and getting a type's body, parameters and
 * training record back (NULL for a model of another type). They reach each learner's fit
 * only through its ck__<type>_fit_*() calls; the envelope itself (model.c, envelope.c)
 * knows no type. A new model type needs nothing here: ck_model_train() and the learner
 * table serve it; public calls of its own, if any, go beside these.
 */
#include "churnkit/model.h"

#include <assert.h>

#include "learn/bgnbd/bgnbd_learner.h"
#include "learn/gbm/gbm_learner.h"
#include "learn/logreg/logreg_learner.h"
#include "learn/recommend/recommend_learner.h"
#include "learn/gbm/uplift_learner.h"
#include "model/registry.h"

/* ---- boosted stumps ----------------------------------------------------------------- */

int ck_model_new_gbm(ck_model **out, ck_gbm *gbm, const ck_gbm_params *params,
                     const ck_model_spec *spec, const ck_model_training *training, ck_error *err)
{
    assert(out != NULL && gbm != NULL && params != NULL && spec != NULL && training != NULL);
    *out = NULL;
    /* the report as far as the training record tells it */
    ck_gbm_report report = { training->rounds_kept,   training->rounds_kept,
                             training->train_logloss, training->valid_logloss,
                             training->train_auc,     training->valid_auc };
    void *f;
    int rc = ck__gbm_fit_new(&f, gbm, params, &report, err);
    if (rc < 0)
        return rc;
    return ck__model_wrap(out, &ck__gbm_learner, f, spec, training, err);
}

const ck_gbm *ck_model_gbm(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__gbm_learner);
    return f ? ck__gbm_fit_model(f) : NULL;
}

const ck_gbm_params *ck_model_gbm_params(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__gbm_learner);
    return f ? ck__gbm_fit_params(f) : NULL;
}

const ck_gbm_report *ck_model_gbm_report(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__gbm_learner);
    return f ? ck__gbm_fit_report(f) : NULL;
}

/* ---- logistic regression ------------------------------------------------------------ */

int ck_model_new_logreg(ck_model **out, ck_logreg *logreg, const ck_logreg_params *params,
                        const ck_logreg_report *report, const ck_model_spec *spec,
                        const ck_model_training *training, ck_error *err)
{
    assert(out != NULL && logreg != NULL && params != NULL && report != NULL && spec != NULL &&
           training != NULL);
    *out = NULL;
    void *f;
    int rc = ck__logreg_fit_new(&f, logreg, params, report, err);
    if (rc < 0)
        return rc;
    return ck__model_wrap(out, &ck__logreg_learner, f, spec, training, err);
}

const ck_logreg *ck_model_logreg(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? ck__logreg_fit_model(f) : NULL;
}

const ck_logreg_params *ck_model_logreg_params(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? ck__logreg_fit_params(f) : NULL;
}

const ck_logreg_report *ck_model_logreg_report(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? ck__logreg_fit_report(f) : NULL;
}

/* ---- customer value ----------------------------------------------------------------- */

const ck_bgnbd_model *ck_model_bgnbd(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__bgnbd_learner);
    return f ? ck__bgnbd_fit_model(f) : NULL;
}

/* ---- uplift ------------------------------------------------------------------------- */

const ck_uplift *ck_model_uplift(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__uplift_learner);
    return f ? ck__uplift_fit_model(f) : NULL;
}

/* ---- recommendations ---------------------------------------------------------------- */

const ck_recommender *ck_model_recommender(const ck_model *model)
{
    const void *f = ck__model_fit(model, &ck__recommend_learner);
    return f ? ck__recommend_fit_model(f) : NULL;
}
