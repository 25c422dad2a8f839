/*
 * Boosted stumps as a model type: the learner table the registry lists (learn/learner.h), and
 * the fit the envelope holds, a ck__gbm_fit (gbm_io.h): the model, its parameters and
 * its training report. The public calls of this type on a model (ck_model_new_gbm,
 * ck_model_gbm, ...) are in src/model/model_types.c, through ck__gbm_fit_*().
 */
#include "learn/gbm/gbm_learner.h"

#include <stdlib.h>

#include "learn/gbm/gbm_int.h"
#include "learn/gbm/gbm_io.h"

void ck__gbm_fit_free(void *fit)
{
    ck__gbm_fit *f = fit;
    if (f == NULL)
        return;
    ck_gbm_free(f->gbm);
    free(f);
}

int ck__gbm_fit_new(void **out, ck_gbm *gbm, const ck_gbm_params *params,
                    const ck_gbm_report *report, ck_error *err)
{
    ck__gbm_fit *f = calloc(1, sizeof *f);
    *out = f;
    if (f == NULL) {
        ck_gbm_free(gbm);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    f->gbm = gbm;
    f->params = *params;
    f->report = *report;
    return CK_OK;
}

/* The fit of a model just trained, its metrics recorded in *t. */
static int trained(void **out, ck_gbm *gbm, const ck_gbm_params *p, const ck_gbm_report *report,
                   ck__learner_metrics *t, ck_error *err)
{
    t->rounds_kept = report->rounds_kept;
    t->train_logloss = report->train_logloss;
    t->valid_logloss = report->valid_logloss;
    t->train_auc = report->train_auc;
    t->valid_auc = report->valid_auc;
    return ck__gbm_fit_new(out, gbm, p, report, err);
}

/* Without validation rows there is nothing to stop on: patience is recorded as 0, which is
 * what training did with it. */
static int train(void **out, const void *params, const ck_dataset *train_rows,
                 const ck_dataset *valid, ck__learner_metrics *t, ck_progress_fn progress,
                 void *payload, ck_error *err)
{
    ck_gbm_params p = *(const ck_gbm_params *)params;
    if (valid == NULL && p.patience > 0)
        p.patience = 0;
    ck_gbm *gbm = NULL;
    ck_gbm_report report;
    *out = NULL;
    int rc = ck_gbm_train(&gbm, train_rows, valid, &p, &report, progress, payload, err);
    return rc < 0 ? rc : trained(out, gbm, &p, &report, t, err);
}

/* ck__gbm_train_bins() and the metrics of the fit it makes. */
static int fit_bins(ck_gbm **out, const ck_schema *schema, const ck__labelled_bins *train,
                    const ck__labelled_bins *valid, const ck_gbm_params *p, ck_gbm_report *report,
                    ck_progress_fn progress, void *payload, ck_error *err)
{
    ck__gbm_rows rows = { train->bins, train->labels, NULL, NULL };
    ck__gbm_rows vrows = { valid ? valid->bins : NULL, valid ? valid->labels : NULL, NULL, NULL };
    const ck__gbm_rows *v = valid ? &vrows : NULL;
    int rc = ck__gbm_train_bins(out, schema, &rows, v, p, report, progress, payload, err);
    if (rc == CK_OK &&
        (rc = ck__gbm_measure(report, *out, &rows, v, p->pos_weight, p->n_threads, err)) < 0) {
        ck_gbm_free(*out);
        *out = NULL;
    }
    return rc;
}

static int train_bins(void **out, const void *params, const ck_schema *schema,
                      const ck__labelled_bins *train_rows, const ck__labelled_bins *valid,
                      ck__learner_metrics *t, ck_progress_fn progress, void *payload, ck_error *err)
{
    ck_gbm_params p = *(const ck_gbm_params *)params;
    if (valid == NULL && p.patience > 0) /* as train() */
        p.patience = 0;
    ck_gbm *gbm = NULL;
    ck_gbm_report report;
    *out = NULL;
    int rc = fit_bins(&gbm, schema, train_rows, valid, &p, &report, progress, payload, err);
    return rc < 0 ? rc : trained(out, gbm, &p, &report, t, err);
}

/* The setting of a refit of `s`: the same params with the rounds it kept and no early
 * stopping. False when it kept no round (nothing to refit). */
static bool refit_setting(const ck__gbm_fit *s, ck_gbm_params *p, int *rounds, double *C)
{
    *rounds = s->report.rounds_kept;
    *C = 0;
    *p = s->params;
    p->rounds = *rounds;
    p->patience = 0;
    return *rounds > 0;
}

/* The refit's fit: its model and training metrics, the selection's record of the rest. */
static int refitted(void **out, const ck__gbm_fit *s, ck_gbm *gbm, ck_gbm_report *report,
                    ck__learner_metrics *t, ck_error *err)
{
    t->rounds_kept = report->rounds_kept;
    t->train_logloss = report->train_logloss;
    t->train_auc = report->train_auc;
    report->rounds_run = s->report.rounds_run;
    report->valid_logloss = s->report.valid_logloss;
    report->valid_auc = s->report.valid_auc;
    return ck__gbm_fit_new(out, gbm, &s->params, report, err);
}

/* Without validation rows, boosting runs the rounds the selection kept (fewer only if no
 * split gains anything on all rows). */
static int refit(void **out, const void *selected, const ck_dataset *all, ck__learner_metrics *t,
                 int *rounds, double *C, ck_progress_fn progress, void *payload, ck_error *err)
{
    ck_gbm_params p;
    *out = NULL;
    if (!refit_setting(selected, &p, rounds, C))
        return CK_OK;
    ck_gbm *gbm = NULL;
    ck_gbm_report report;
    int rc = ck_gbm_train(&gbm, all, NULL, &p, &report, progress, payload, err);
    return rc < 0 ? rc : refitted(out, selected, gbm, &report, t, err);
}

static int refit_bins(void **out, const void *selected, const ck__bins_source *all,
                      ck__learner_metrics *t, int *rounds, double *C, ck_progress_fn progress,
                      void *payload, ck_error *err)
{
    const ck__gbm_fit *s = selected;
    ck_gbm_params p;
    *out = NULL;
    if (!refit_setting(s, &p, rounds, C))
        return CK_OK;
    ck_gbm *gbm = NULL;
    ck_gbm_report report;
    ck__labelled_bins rows;
    int rc = all->get(all->ctx, &rows, err);
    if (rc == CK_OK)
        rc =
            fit_bins(&gbm, ck_gbm_schema(s->gbm), &rows, NULL, &p, &report, progress, payload, err);
    return rc < 0 ? rc : refitted(out, s, gbm, &report, t, err);
}

static const ck_schema *schema(const void *fit)
{
    return ck_gbm_schema(((const ck__gbm_fit *)fit)->gbm);
}

static double logit_row(const void *fit, const float *row)
{
    return ck_gbm_logit_row(((const ck__gbm_fit *)fit)->gbm, row);
}

static void contributions(const void *fit, const float *row, double *contrib, double *base_out)
{
    ck_gbm_contributions(((const ck__gbm_fit *)fit)->gbm, row, contrib, base_out);
}

static int predict(const void *fit, const ck_dataset *d, double *prob, int n_threads, ck_error *err)
{
    return ck_gbm_predict(((const ck__gbm_fit *)fit)->gbm, d, prob, n_threads, err);
}

const ck__learner ck__gbm_learner = {
    .name = "gbm_stumps",
    .output = CK__OUTPUT_CHURN,
    .train = train,
    .free = ck__gbm_fit_free,
    .refit = refit,
    .train_bins = train_bins,
    .refit_bins = refit_bins,
    .schema = schema,
    .logit_row = logit_row,
    .contributions = contributions,
    .predict = predict,
    .write_params = ck__gbm_write_params,
    .write_metrics_head = ck__gbm_write_metrics,
    .write_metrics_tail = NULL,
    .write_body = ck__gbm_write_body,
    .read_begin = ck__gbm_read_begin,
    .read_params = ck__gbm_read_params,
    .read_metrics_head = ck__gbm_read_metrics,
    .read_metrics_tail = ck__gbm_read_metrics_tail,
    .read_body = ck__gbm_read_body,
};

const ck_gbm *ck__gbm_fit_model(const void *fit)
{
    return ((const ck__gbm_fit *)fit)->gbm;
}

const ck_gbm_params *ck__gbm_fit_params(const void *fit)
{
    return &((const ck__gbm_fit *)fit)->params;
}

const ck_gbm_report *ck__gbm_fit_report(const void *fit)
{
    return &((const ck__gbm_fit *)fit)->report;
}
