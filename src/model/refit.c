/*
 * Refit after selection: validation (early stopping on the validation rows, or logreg's
 * given or cross-validated C) chooses a model's setting on the training rows; the model
 * kept is then trained again with that setting on every row, validation rows included, so
 * it has seen the most recent behaviour. This is the usual practice after early stopping
 * or a grid search (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning,
 * 2nd ed., sec. 7.10: choose the tuning parameter by validation, then fit on all the
 * data). The learner does the refit (learner.h, refit()); the record (training.refit)
 * says it happened, with what setting and on how many rows, and the validation metrics
 * stay those of the selection, since the refit model has seen the validation rows.
 */
#include "churnkit/model.h"

#include <assert.h>
#include <stdlib.h>

#include "model/model_bins.h"
#include "model/model_int.h"
#include "model/registry.h"

/* One progress bar through both fits: the selection to 0.5, the refit from 0.5 to 1. */
typedef struct halves {
    ck_progress_fn fn;
    void *payload;
    double start;
} halves;

static void half_progress(double fraction, void *payload)
{
    const halves *h = payload;
    h->fn(h->start + 0.5 * fraction, h->payload);
}

/* Refit `selected` (consumed; trained with validation rows) on `all`, or on the n_rows
 * rows of `all_bins` when given, its progress the second half of the bar. */
static int refit_selected(ck_model **out, ck_model *selected, const ck_dataset *all,
                          const ck__bins_source *all_bins, size_t n_rows, const ck_model_spec *spec,
                          ck_progress_fn progress, void *payload, ck_error *err)
{
    const ck__learner *learner = selected->learner;
    ck_model_training *t = malloc(sizeof *t);
    if (t == NULL) {
        ck_model_free(selected);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    *t = selected->training;
    ck__learner_metrics m;
    ck__model_metrics_of(&m, t);
    void *fit = NULL;
    int rounds = 0, rc = CK_OK;
    double C = 0;
    halves h = { progress, payload, 0.5 };
    ck_progress_fn fn = progress ? half_progress : NULL;
    if (all_bins != NULL && learner->refit_bins != NULL)
        rc = learner->refit_bins(&fit, selected->fit, all_bins, &m, &rounds, &C, fn, &h, err);
    else if (all_bins == NULL && learner->refit != NULL)
        rc = learner->refit(&fit, selected->fit, all, &m, &rounds, &C, fn, &h, err);
    if (rc == CK_OK && fit == NULL) {
        /* the selection kept no round (or the type cannot refit): the selection stays */
        *out = selected;
        selected = NULL;
    } else if (rc == CK_OK) {
        ck__model_metrics_to(t, &m);
        t->has_refit = true;
        t->refit = (ck_model_refit){ .rounds = rounds, .C = C, .rows = n_rows };
        rc = ck__model_wrap(out, learner, fit, spec, t, err);
    }
    if (rc == CK_OK && progress)
        progress(1.0, payload);
    ck_model_free(selected);
    free(t);
    return rc;
}

int ck_model_train_refit(ck_model **out, ck_model_type type, const void *params,
                         const ck_dataset *train, const ck_dataset *valid, const ck_dataset *all,
                         const ck_model_spec *spec, const ck_model_training *training,
                         ck_progress_fn progress, void *payload, ck_error *err)
{
    assert(out != NULL);
    if (valid == NULL || all == NULL)
        return ck_model_train(out, type, params, train, valid, spec, training, progress, payload,
                              err);
    *out = NULL;
    halves h = { progress, payload, 0.0 };
    ck_model *selected = NULL;
    int rc = ck_model_train(&selected, type, params, train, valid, spec, training,
                            progress ? half_progress : NULL, &h, err);
    return rc < 0 ? rc
                  : refit_selected(out, selected, all, NULL, ck_dataset_n_rows(all), spec, progress,
                                   payload, err);
}

int ck__model_train_refit_bins(ck_model **out, ck_model_type type, const void *params,
                               const ck_schema *schema, const ck__labelled_bins *train,
                               const ck__labelled_bins *valid, const ck__bins_source *all,
                               const ck_model_spec *spec, const ck_model_training *training,
                               ck_progress_fn progress, void *payload, ck_error *err)
{
    if (valid == NULL || all == NULL)
        return ck__model_train_bins(out, type, params, schema, train, valid, spec, training,
                                    progress, payload, err);
    halves h = { progress, payload, 0.0 };
    ck_model *selected = NULL;
    int rc = ck__model_train_bins(&selected, type, params, schema, train, valid, spec, training,
                                  progress ? half_progress : NULL, &h, err);
    /* the training and validation rows, every row between them */
    size_t n_rows = train->bins->n_rows + valid->bins->n_rows;
    return rc < 0 ? rc
                  : refit_selected(out, selected, NULL, all, n_rows, spec, progress, payload, err);
}
