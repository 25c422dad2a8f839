/*
 * Logistic regression as a model type: the learner table the registry lists (learn/learner.h), and
 * the fit the envelope holds, a ck__logreg_fit (logreg_io.h): the model, its parameters and
 * its training report. The public calls of this type on a model (ck_model_new_logreg,
 * ck_model_logreg, ...) are in src/model/model_types.c, through ck__logreg_fit_*().
 */
#include "learn/logreg/logreg_learner.h"

#include <stdlib.h>
#include <string.h>

#include "learn/logreg/logreg_io.h"

void ck__logreg_fit_free(void *fit)
{
    ck__logreg_fit *f = fit;
    if (f == NULL)
        return;
    ck_logreg_free(f->logreg);
    free(f);
}

int ck__logreg_fit_new(void **out, ck_logreg *logreg, const ck_logreg_params *params,
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
                 const ck_dataset *valid, ck__learner_metrics *t, ck_progress_fn progress,
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
    void *f;
    rc = ck__logreg_fit_new(&f, lr, &p, &report, err);
    *out = f;
    return rc;
}

/* The same params at the selection's C, without cross-validation (it chose that C); the
 * cross-validation curve and the validation metrics stay the selection's. */
static int refit(void **out, const void *selected, const ck_dataset *all, ck__learner_metrics *t,
                 int *rounds, double *C, ck_progress_fn progress, void *payload, ck_error *err)
{
    const ck__logreg_fit *s = selected;
    *out = NULL;
    *rounds = 0;
    *C = s->params.C;
    ck_logreg_params p = s->params;
    p.cv_folds = 0;
    ck_logreg *lr = NULL;
    ck_logreg_report report;
    int rc = ck_logreg_train(&lr, all, NULL, &p, &report, progress, payload, err);
    if (rc < 0)
        return rc;
    t->train_logloss = report.train_logloss;
    t->train_auc = report.train_auc;
    report.valid_logloss = s->report.valid_logloss;
    report.valid_auc = s->report.valid_auc;
    report.n_cv = s->report.n_cv;
    memcpy(report.cv_C, s->report.cv_C, sizeof report.cv_C);
    memcpy(report.cv_logloss, s->report.cv_logloss, sizeof report.cv_logloss);
    return ck__logreg_fit_new(out, lr, &s->params, &report, err);
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
    .output = CK__OUTPUT_CHURN,
    .train = train,
    .free = ck__logreg_fit_free,
    .refit = refit,
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

const ck_logreg *ck__logreg_fit_model(const void *fit)
{
    return ((const ck__logreg_fit *)fit)->logreg;
}

const ck_logreg_params *ck__logreg_fit_params(const void *fit)
{
    return &((const ck__logreg_fit *)fit)->params;
}

const ck_logreg_report *ck__logreg_fit_report(const void *fit)
{
    return &((const ck__logreg_fit *)fit)->report;
}
