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

#include "base/parallel.h"
#include "base/util.h"
#include "data/binned_table.h"
#include "model/model_bins.h"
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

/* The model of a fit just trained: the training record with the metrics it measured. */
static int trained(ck_model **out, const ck__learner *learner, void *fit,
                   const ck__learner_metrics *m, const ck_model_spec *spec,
                   const ck_model_training *training, ck_error *err)
{
    ck_model_training *t = malloc(sizeof *t); /* too large for the stack */
    if (t == NULL) {
        learner->free(fit);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    *t = *training;
    ck__model_metrics_to(t, m);
    int rc = ck__model_wrap(out, learner, fit, spec, t, err);
    free(t);
    return rc;
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
    void *fit = NULL;
    ck__learner_metrics m;
    ck__model_metrics_of(&m, training);
    int rc = learner->train(&fit, params, train, valid, &m, progress, payload, err);
    return rc < 0 ? rc : trained(out, learner, fit, &m, spec, training, err);
}

int ck__model_train_bins(ck_model **out, ck_model_type type, const void *params,
                         const ck_schema *schema, const ck__labelled_bins *train,
                         const ck__labelled_bins *valid, const ck_model_spec *spec,
                         const ck_model_training *training, ck_progress_fn progress, void *payload,
                         ck_error *err)
{
    *out = NULL;
    const ck__learner *learner = ck__learner_of_type(type);
    if (learner == NULL || learner->train_bins == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "model type %d does not train on bins",
                            (int)type);
    void *fit = NULL;
    ck__learner_metrics m;
    ck__model_metrics_of(&m, training);
    int rc = learner->train_bins(&fit, params, schema, train, valid, &m, progress, payload, err);
    return rc < 0 ? rc : trained(out, learner, fit, &m, spec, training, err);
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

/* What the population keeps, gathered block by block of its rows. */
typedef struct population {
    double *prob;        /* each row's churn probability */
    float *stage;        /* each row's lifecycle_stage code, when the model reads it */
    double *contrib_sum; /* per feature, over the rows so far */
} population;

static void population_free(population *p)
{
    free(p->prob);
    free(p->stage);
    free(p->contrib_sum);
}

/* Contributions are summed over fixed runs of rows, aligned on the rows' place in the
 * population, on every thread, and the runs' sums added in order: the means depend
 * neither on the thread count nor on the blocks of 65536 rows a binned population comes
 * in (the run divides the block). */
#define CONTRIB_RUN 4096

typedef struct contrib_job {
    const ck_model *model;
    const ck_dataset *block; /* rows [lo, lo + its rows) of the population */
    size_t lo, first_run;    /* the run holding row lo */
    double *run_sums;        /* n_features per run */
} contrib_job;

static int sum_contributions(size_t first, size_t last, void *arg)
{
    const contrib_job *job = arg;
    size_t n = ck_dataset_n_rows(job->block), n_features = ck_dataset_n_features(job->block);
    float *row = ck__alloc_array(n_features + 1, sizeof *row);
    double *contrib = ck__alloc_array(n_features + 1, sizeof *contrib);
    if (row == NULL || contrib == NULL) {
        free(row);
        free(contrib);
        return CK_ENOMEM;
    }
    for (size_t r = first; r < last; r++) {
        double *sums = job->run_sums + r * n_features;
        size_t lo = (job->first_run + r) * CONTRIB_RUN, hi = lo + CONTRIB_RUN;
        lo = lo > job->lo ? lo - job->lo : 0;
        hi = hi - job->lo < n ? hi - job->lo : n;
        memset(sums, 0, n_features * sizeof *sums);
        for (size_t i = lo; i < hi; i++) {
            for (size_t j = 0; j < n_features; j++)
                row[j] = ck_dataset_column(job->block, j)[i];
            double base;
            ck_model_contributions(job->model, row, contrib, &base);
            for (size_t j = 0; j < n_features; j++)
                sums[j] += contrib[j];
        }
    }
    free(row);
    free(contrib);
    return CK_OK;
}

/* Rows [lo, lo + n(block)) of the population, in order. */
static int gather(population *p, const ck_model *model, const ck_dataset *block, size_t lo,
                  long stage_j, int n_threads, ck_error *err)
{
    size_t n = ck_dataset_n_rows(block), n_features = ck_dataset_n_features(block);
    int rc = ck_model_predict(model, block, p->prob + lo, n_threads, err);
    if (rc < 0 || n == 0)
        return rc;
    if (stage_j >= 0)
        memcpy(p->stage + lo, ck_dataset_column(block, (size_t)stage_j), n * sizeof *p->stage);
    contrib_job job = { model, block, lo, lo / CONTRIB_RUN, NULL };
    size_t n_runs = (lo + n - 1) / CONTRIB_RUN - job.first_run + 1;
    job.run_sums = ck__alloc_array(n_runs * (n_features + 1), sizeof *job.run_sums);
    if (job.run_sums == NULL ||
        ck__parallel_for(n_runs, 1, n_threads, sum_contributions, &job) != CK_OK) {
        free(job.run_sums);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t r = 0; r < n_runs; r++)
        for (size_t j = 0; j < n_features; j++)
            p->contrib_sum[j] += job.run_sums[r * n_features + j];
    free(job.run_sums);
    return CK_OK;
}

/* Score percentiles (overall and within each lifecycle stage) and each feature's mean
 * contribution to the logit, from the probabilities and sums gathered. */
static int learn_from(ck_model *model, population *p, size_t n, const ck_schema *schema,
                      long stage_j, ck_error *err)
{
    ck_model_training *t = &model->training;
    int rc = ck_stats_score_quantiles(t->score_percentiles, p->prob, n, err);
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
    size_t n_levels = stage_j >= 0 ? ck_schema_n_levels(schema, (size_t)stage_j) : 0;
    double *part = n_levels > 0 ? ck__alloc_array(n + 1, sizeof *part) : NULL;
    if (rc == CK_OK && n_levels > 0 && part == NULL)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t level = 0; rc == CK_OK && level < n_levels && level < 8; level++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (p->stage[i] == (float)level)
                part[m++] = p->prob[i];
        if (m == 0)
            continue;
        size_t s = t->n_stage_percentiles++;
        snprintf(t->stage_names[s], CK_NAME_MAX, "%s",
                 ck_schema_level(schema, (size_t)stage_j, level));
        rc = ck_stats_score_quantiles(t->stage_percentiles[s], part, m, err);
    }
    free(part);
    if (rc < 0)
        return rc;
    for (size_t j = 0; j < ck_schema_n_features(schema) && n > 0; j++)
        p->contrib_sum[j] /= (double)n;
    free(model->contribution_means);
    model->contribution_means = p->contrib_sum;
    p->contrib_sum = NULL;
    return CK_OK;
}

/* Rows of values in memory (`rows`) or binned (`bins`, decoded a block at a time). */
static int learn_population(ck_model *model, const ck_dataset *rows, const ck_schema *schema,
                            const ck__bins *bins, int n_threads, ck_error *err)
{
    if (!ck_model_gives_churn(model))
        return not_churn(model, err);
    size_t n = rows ? ck_dataset_n_rows(rows) : bins->n_rows;
    size_t n_features = ck_schema_n_features(schema);
    /* within each lifecycle stage, when the model reads it */
    long stage_j = ck_schema_find(schema, "lifecycle_stage");
    if (stage_j >= 0 && ck_schema_kind(schema, (size_t)stage_j) != CK_FEATURE_CATEGORICAL)
        stage_j = -1;
    population p = {
        .prob = ck__alloc_array(n + 1, sizeof *p.prob),
        .stage = stage_j >= 0 ? ck__alloc_array(n + 1, sizeof *p.stage) : NULL,
        .contrib_sum = calloc(n_features + 1, sizeof *p.contrib_sum),
    };
    int rc = CK_OK;
    if (!p.prob || (stage_j >= 0 && !p.stage) || !p.contrib_sum)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK && rows != NULL)
        rc = gather(&p, model, rows, 0, stage_j, n_threads, err);
    /* a block of 64k rows of values is a few megabytes */
    for (size_t lo = 0; rc == CK_OK && rows == NULL && lo < n; lo += 65536) {
        ck_dataset *block = NULL;
        size_t hi = lo + 65536 < n ? lo + 65536 : n;
        rc = ck__dataset_from_bins(&block, schema, bins, lo, hi, err);
        if (rc == CK_OK)
            rc = gather(&p, model, block, lo, stage_j, n_threads, err);
        ck_dataset_free(block);
    }
    if (rc == CK_OK)
        rc = learn_from(model, &p, n, schema, stage_j, err);
    population_free(&p);
    return rc;
}

const double *ck_model_contribution_means(const ck_model *model)
{
    return model->contribution_means;
}

int ck_model_learn_population(ck_model *model, const ck_dataset *train, int n_threads,
                              ck_error *err)
{
    return learn_population(model, train, ck_dataset_schema(train), NULL, n_threads, err);
}

int ck__model_learn_population_bins(ck_model *model, const ck_schema *schema, const ck__bins *bins,
                                    int n_threads, ck_error *err)
{
    return learn_population(model, NULL, schema, bins, n_threads, err);
}
