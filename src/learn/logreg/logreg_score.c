/*
 * Scores of logistic regression (see logreg.h, "Contributions"): the logit of a row is the
 * intercept plus each feature's contribution, summed in feature order, the same for one
 * row and for a dataset scored in blocks of rows.
 */
#include "churnkit/logreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"
#include "learn/logreg/logreg_int.h"

static double contribution(const ck_logreg_feature *f, float x)
{
    if (isnan(x))
        return f->missing_coef;
    if (f->categorical) /* codes are exact small integers; anything else is unseen */
        return x >= 0 && x < (float)f->n_levels ? f->level_coefs[(size_t)x] : 0.0;
    return f->coef * ck__logreg_z(f, x);
}

double ck_logreg_logit_row(const ck_logreg *m, const float *row)
{
    double logit = m->intercept;
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++)
        logit += contribution(&m->features[j], row[j]);
    return logit;
}

void ck_logreg_contributions(const ck_logreg *m, const float *row, double *contrib,
                             double *base_out)
{
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++)
        contrib[j] = contribution(&m->features[j], row[j]);
    *base_out = m->intercept;
}

typedef struct predict_job {
    const ck_logreg *m;
    const ck_dataset *d;
    double *out;
} predict_job;

/* Feature by feature over a block of rows: the same sum, in the same order, as
 * ck_logreg_logit_row, so a row scores the same bits either way. */
static int predict_rows(size_t lo, size_t hi, void *arg)
{
    const predict_job *job = arg;
    const ck_logreg *m = job->m;
    for (size_t start = lo; start < hi; start += 1024) {
        size_t end = start + 1024 < hi ? start + 1024 : hi;
        for (size_t i = start; i < end; i++)
            job->out[i] = m->intercept;
        for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
            const float *x = ck_dataset_column(job->d, j);
            for (size_t i = start; i < end; i++)
                job->out[i] += contribution(&m->features[j], x[i]);
        }
        for (size_t i = start; i < end; i++)
            job->out[i] = ck__logistic(job->out[i]);
    }
    return 0;
}

static bool same_schema(const ck_schema *a, const ck_schema *b)
{
    if (ck_schema_n_features(a) != ck_schema_n_features(b))
        return false;
    for (size_t j = 0; j < ck_schema_n_features(a); j++)
        if (strcmp(ck_schema_name(a, j), ck_schema_name(b, j)) != 0 ||
            ck_schema_kind(a, j) != ck_schema_kind(b, j) ||
            ck_schema_n_levels(a, j) != ck_schema_n_levels(b, j))
            return false;
    return true;
}

int ck_logreg_predict(const ck_logreg *m, const ck_dataset *d, double *prob, int n_threads,
                      ck_error *err)
{
    if (!same_schema(m->schema, ck_dataset_schema(d)))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the data's features do not match the model's");
    predict_job job = { m, d, prob };
    ck__parallel_for(ck_dataset_n_rows(d), 4096, n_threads, predict_rows, &job);
    return CK_OK;
}
