/*
 * Logistic regression as a model type: the learner table the registry lists
 * (model/learner.h), and the public model calls of this type (ck_model_new_logreg,
 * ck_model_logreg, ...). The fit the envelope holds is a ck__logreg_fit: the model, its
 * parameters (C the model's) and the solver's record.
 */
#include "churnkit/model.h"

#include <assert.h>
#include <stdlib.h>

#include "learn/logreg/logreg_io.h"
#include "model/learner.h"

void ck__logreg_fit_free(void *fit)
{
    ck__logreg_fit *f = fit;
    if (f == NULL)
        return;
    ck_logreg_free(f->logreg);
    free(f);
}

/* A new fit around `logreg` (taken over: freed on failure too). */
static int new_fit(ck__logreg_fit **out, ck_logreg *logreg, const ck_logreg_params *params,
                   const ck_logreg_report *report, ck_error *err)
{
    ck__logreg_fit *f = calloc(1, sizeof *f);
    *out = f;
    if (f == NULL) {
        ck_logreg_free(logreg);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    f->logreg = logreg;
    f->params = *params;
    f->report = *report;
    return CK_OK;
}

/* The params kept are those given, with C the model's (the best of the grid under
 * cross-validation); a solver that did not converge leaves its warning in the report
 * (ck_model_logreg_report()). */
static int train(void **out, const void *params, const ck_dataset *train_rows,
                 const ck_dataset *valid, ck_model_training *t, ck_progress_fn progress,
                 void *payload, ck_error *err)
{
    ck_logreg_params p = *(const ck_logreg_params *)params;
    ck_logreg *lr = NULL;
    ck_logreg_report report;
    *out = NULL;
    int rc = ck_logreg_train(&lr, train_rows, valid, &p, &report, progress, payload, err);
    if (rc < 0)
        return rc;
    t->train_logloss = report.train_logloss;
    t->valid_logloss = report.valid_logloss;
    t->train_auc = report.train_auc;
    t->valid_auc = report.valid_auc;
    p.C = report.C;
    ck__logreg_fit *f;
    rc = new_fit(&f, lr, &p, &report, err);
    *out = f;
    return rc;
}

static const ck_schema *schema(const void *fit)
{
    return ck_logreg_schema(((const ck__logreg_fit *)fit)->logreg);
}

static double logit_row(const void *fit, const float *row)
{
    return ck_logreg_logit_row(((const ck__logreg_fit *)fit)->logreg, row);
}

static void contributions(const void *fit, const float *row, double *contrib, double *base_out)
{
    ck_logreg_contributions(((const ck__logreg_fit *)fit)->logreg, row, contrib, base_out);
}

static int predict(const void *fit, const ck_dataset *d, double *prob, int n_threads, ck_error *err)
{
    return ck_logreg_predict(((const ck__logreg_fit *)fit)->logreg, d, prob, n_threads, err);
}

const ck__learner ck__logreg_learner = {
    .name = "logreg",
    .type = CK_MODEL_LOGREG,
    .train = train,
    .free = ck__logreg_fit_free,
    .schema = schema,
    .logit_row = logit_row,
    .contributions = contributions,
    .predict = predict,
    .write_params = ck__logreg_write_params,
    .write_metrics_head = NULL,
    .write_metrics_tail = ck__logreg_write_metrics,
    .write_body = ck__logreg_write_body,
    .read_begin = ck__logreg_read_begin,
    .read_params = ck__logreg_read_params,
    .read_metrics_head = NULL,
    .read_metrics_tail = ck__logreg_read_metrics,
    .read_body = ck__logreg_read_body,
};

int ck_model_new_logreg(ck_model **out, ck_logreg *logreg, const ck_logreg_params *params,
                        const ck_logreg_report *report, const ck_model_spec *spec,
                        const ck_model_training *training, ck_error *err)
{
    assert(out != NULL && logreg != NULL && params != NULL && report != NULL && spec != NULL &&
           training != NULL);
    *out = NULL;
    ck__logreg_fit *f;
    int rc = new_fit(&f, logreg, params, report, err);
    if (rc < 0)
        return rc;
    return ck__model_wrap(out, &ck__logreg_learner, f, spec, training, err);
}

const ck_logreg *ck_model_logreg(const ck_model *model)
{
    const ck__logreg_fit *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? f->logreg : NULL;
}

const ck_logreg_params *ck_model_logreg_params(const ck_model *model)
{
    const ck__logreg_fit *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? &f->params : NULL;
}

const ck_logreg_report *ck_model_logreg_report(const ck_model *model)
{
    const ck__logreg_fit *f = ck__model_fit(model, &ck__logreg_learner);
    return f ? &f->report : NULL;
}
