/*
 * A model: a learner's trained body (its "fit", see learner.h) with the record of how it
 * was made (feature spec, training data and metrics), its churn probabilities and
 * contributions, and what it keeps of its training population (score percentiles and
 * mean contributions). Every type-specific step goes through the learner's table; the
 * file is in envelope.c, the versioned directory in model_store.c.
 *
 * The probability is the logistic function of the logit, 1 / (1 + e^−z), evaluated as
 * e^z / (1 + e^z) for z < 0 so that e^−z never overflows and no precision is lost to
 * 1 − (something close to 1) (the usual stable form, e.g. scipy.special.expit).
 */
#include "churnkit/model.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/model_int.h"
#include "model/registry.h"

int ck__model_wrap(ck_model **out, const ck__learner *learner, void *fit, const ck_model_spec *spec,
                   const ck_model_training *training, ck_error *err)
{
    assert(out != NULL && learner != NULL && fit != NULL && spec != NULL && training != NULL);
    *out = NULL;
    ck_model *m = calloc(1, sizeof *m);
    if (m == NULL) {
        learner->free(fit);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    m->learner = learner;
    m->fit = fit;
    m->spec = *spec;
    m->training = *training;
    *out = m;
    return CK_OK;
}

const void *ck__model_fit(const ck_model *model, const ck__learner *learner)
{
    return model->learner == learner ? model->fit : NULL;
}

int ck_model_train(ck_model **out, ck_model_type type, const void *params, const ck_dataset *train,
                   const ck_dataset *valid, const ck_model_spec *spec,
                   const ck_model_training *training, ck_progress_fn progress, void *payload,
                   ck_error *err)
{
    assert(out != NULL && params != NULL && train != NULL && spec != NULL && training != NULL);
    *out = NULL;
    const ck__learner *learner = ck__learner_of_type(type);
    if (learner == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no learner for model type %d", (int)type);
    ck_model_training *t = malloc(sizeof *t);
    if (t == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    *t = *training;
    void *fit = NULL;
    ck__learner_metrics m;
    ck__model_metrics_of(&m, t);
    int rc = learner->train(&fit, params, train, valid, &m, progress, payload, err);
    ck__model_metrics_to(t, &m);
    if (rc == CK_OK)
        rc = ck__model_wrap(out, learner, fit, spec, t, err);
    free(t);
    return rc;
}

void ck_model_free(ck_model *model)
{
    if (model == NULL)
        return;
    model->learner->free(model->fit);
    free(model->contribution_means);
    free(model);
}

void ck__model_metrics_of(ck__learner_metrics *m, const ck_model_training *t)
{
    m->rounds_kept = t->rounds_kept;
    m->train_logloss = t->train_logloss;
    m->valid_logloss = t->valid_logloss;
    m->train_auc = t->train_auc;
    m->valid_auc = t->valid_auc;
}

void ck__model_metrics_to(ck_model_training *t, const ck__learner_metrics *m)
{
    t->rounds_kept = m->rounds_kept;
    t->train_logloss = m->train_logloss;
    t->valid_logloss = m->valid_logloss;
    t->train_auc = m->train_auc;
    t->valid_auc = m->valid_auc;
}

ck_model_type ck_model_type_of(const ck_model *model)
{
    return ck__learner_type(model->learner);
}

const char *ck_model_type_name(const ck_model *model)
{
    return model->learner->name;
}

const ck_schema *ck_model_schema(const ck_model *model)
{
    return model->learner->schema(model->fit);
}

const ck_model_spec *ck_model_spec_of(const ck_model *model)
{
    return &model->spec;
}

const ck_model_training *ck_model_training_of(const ck_model *model)
{
    return &model->training;
}

double ck_model_logistic(double logit)
{
    return ck__logistic(logit);
}

double ck_model_predict_row(const ck_model *model, const float *row)
{
    return ck_model_logistic(model->learner->logit_row(model->fit, row));
}

void ck_model_contributions(const ck_model *model, const float *row, double *contrib,
                            double *base_out)
{
    model->learner->contributions(model->fit, row, contrib, base_out);
}

void ck_model_add_warning(ck_model *model, const char *text)
{
    ck_model_training *t = &model->training;
    if (t->n_warnings < CK_MODEL_MAX_WARNINGS && text[0] != '\0')
        snprintf(t->warnings[t->n_warnings++], sizeof t->warnings[0], "%s", text);
}

bool ck_model_gives_churn(const ck_model *model)
{
    return model->learner->output == CK__OUTPUT_CHURN;
}

/* The error for a churn call on a value model. */
static int not_churn(const ck_model *model, ck_error *err)
{
    return ck_error_set(err, CK_EINVAL, NULL, 0,
                        "a %s model gives customer values, not churn probabilities",
                        model->learner->name);
}

int ck_model_predict(const ck_model *model, const ck_dataset *d, double *prob, int n_threads,
                     ck_error *err)
{
    if (!ck_model_gives_churn(model))
        return not_churn(model, err);
    return model->learner->predict(model->fit, d, prob, n_threads, err);
}

/* Each feature's mean contribution to the logit over the training rows. */
static int learn_contribution_means(ck_model *model, const ck_dataset *train, ck_error *err)
{
    size_t n = ck_dataset_n_rows(train), n_features = ck_dataset_n_features(train);
    double *sum = calloc(n_features + 1, sizeof *sum);
    double *contrib = ck__alloc_array(n_features + 1, sizeof *contrib);
    float *row = ck__alloc_array(n_features + 1, sizeof *row);
    if (sum == NULL || contrib == NULL || row == NULL) {
        free(sum);
        free(contrib);
        free(row);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(train, j)[i];
        double base;
        ck_model_contributions(model, row, contrib, &base);
        for (size_t j = 0; j < n_features; j++)
            sum[j] += contrib[j];
    }
    for (size_t j = 0; j < n_features && n > 0; j++)
        sum[j] /= (double)n;
    free(model->contribution_means);
    model->contribution_means = sum;
    free(contrib);
    free(row);
    return CK_OK;
}

const double *ck_model_contribution_means(const ck_model *model)
{
    return model->contribution_means;
}

int ck_model_learn_population(ck_model *model, const ck_dataset *train, int n_threads,
                              ck_error *err)
{
    if (!ck_model_gives_churn(model))
        return not_churn(model, err);
    ck_model_training *t = &model->training;
    size_t n = ck_dataset_n_rows(train);
    double *prob = ck__alloc_array(n, sizeof *prob), *part = ck__alloc_array(n, sizeof *part);
    int rc = prob && part ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck_model_predict(model, train, prob, n_threads, err);
    if (rc == CK_OK)
        rc = ck_stats_score_quantiles(t->score_percentiles, prob, n, err);
    t->has_score_percentiles = rc == CK_OK;
    t->n_stage_percentiles = 0;
    /* a model that gives every training row one probability ranks nobody: say so, so the
     * scores are not read as a decision (a small or featureless log gets there) */
    if (rc == CK_OK && n > 0 &&
        t->score_percentiles[0] == t->score_percentiles[CK_SCORE_QUANTILES - 1] &&
        t->n_warnings < CK_MODEL_MAX_WARNINGS)
        snprintf(t->warnings[t->n_warnings++], sizeof t->warnings[0],
                 "the model learned nothing from its %zu training rows: every customer gets "
                 "the same churn probability (%.4f), so its scores rank nobody",
                 n, t->score_percentiles[0]);
    /* within each lifecycle stage, when the model reads it */
    const ck_schema *schema = ck_dataset_schema(train);
    long j = ck_schema_find(schema, "lifecycle_stage");
    bool by_stage = j >= 0 && ck_schema_kind(schema, (size_t)j) == CK_FEATURE_CATEGORICAL;
    size_t n_levels = by_stage ? ck_schema_n_levels(schema, (size_t)j) : 0;
    for (size_t level = 0; rc == CK_OK && level < n_levels && level < 8; level++) {
        const float *stage = ck_dataset_column(train, (size_t)j);
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (stage[i] == (float)level)
                part[m++] = prob[i];
        if (m == 0)
            continue;
        size_t s = t->n_stage_percentiles++;
        snprintf(t->stage_names[s], CK_NAME_MAX, "%s", ck_schema_level(schema, (size_t)j, level));
        rc = ck_stats_score_quantiles(t->stage_percentiles[s], part, m, err);
    }
    free(prob);
    free(part);
    if (rc == CK_OK)
        rc = learn_contribution_means(model, train, err);
    return rc;
}
