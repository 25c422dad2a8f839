/*
 * Scoring an uplift model (uplift.h): each arm's conversion probability, each treatment
 * arm's uplift against control, and the arm worth its cost.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"
#include "learn/gbm/uplift_int.h"

size_t ck_uplift_n_arms(const ck_uplift *u)
{
    return u->n_arms;
}

size_t ck_uplift_control(const ck_uplift *u)
{
    return u->control;
}

const ck_uplift_arm *ck_uplift_arm_at(const ck_uplift *u, size_t a)
{
    return a < u->n_arms ? &u->arms[a] : NULL;
}

ck_uplift_method ck_uplift_method_of(const ck_uplift *u)
{
    return u->method;
}

bool ck_uplift_has_economics(const ck_uplift *u)
{
    return u->has_economics;
}

const ck_schema *ck_uplift_schema(const ck_uplift *u)
{
    return u->schema;
}

long ck_uplift_find_arm(const ck_uplift *u, const char *name)
{
    for (size_t a = 0; a < u->n_arms; a++)
        if (strcmp(u->arms[a].name, name) == 0)
            return (long)a;
    return -1;
}

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

void ck_uplift_score_row(const ck_uplift *u, const float *row, double *p, double *uplift)
{
    for (size_t a = 0; a < u->n_arms; a++)
        p[a] = logistic(ck_gbm_logit_row(u->outcome[a], row));
    for (size_t a = 0; a < u->n_arms; a++) {
        if (a == u->control) {
            uplift[a] = 0.0;
        } else if (u->method == CK_UPLIFT_X) {
            double g = u->propensity[a];
            double tau_treated = 2.0 * logistic(ck_gbm_logit_row(u->effect_treated[a], row)) - 1.0;
            double tau_control = 2.0 * logistic(ck_gbm_logit_row(u->effect_control[a], row)) - 1.0;
            uplift[a] = g * tau_control + (1.0 - g) * tau_treated;
        } else {
            uplift[a] = p[a] - p[u->control];
        }
    }
}

long ck_uplift_best_arm(const ck_uplift *u, const double *uplift, double *net)
{
    long best = -1;
    double best_net = -HUGE_VAL;
    for (size_t a = 0; a < u->n_arms; a++) {
        if (a == u->control)
            continue;
        double v = uplift[a] * u->arms[a].value - u->arms[a].cost;
        if (v > best_net) {
            best_net = v;
            best = (long)a;
        }
    }
    if (net != NULL)
        *net = best_net;
    return best_net > 0 ? best : -1;
}

typedef struct predict_job {
    const ck_uplift *u;
    const ck_dataset *d;
    double *p, *uplift;
} predict_job;

static int predict_range(size_t lo, size_t hi, void *arg)
{
    const predict_job *job = arg;
    size_t n_features = ck_dataset_n_features(job->d), n_arms = job->u->n_arms;
    float *row = ck__alloc_array(n_features + 1, sizeof *row);
    if (row == NULL)
        return CK_ENOMEM;
    for (size_t i = lo; i < hi; i++) {
        for (size_t j = 0; j < n_features; j++)
            row[j] = ck_dataset_column(job->d, j)[i];
        ck_uplift_score_row(job->u, row, job->p + i * n_arms, job->uplift + i * n_arms);
    }
    free(row);
    return 0;
}

int ck_uplift_predict(const ck_uplift *u, const ck_dataset *d, double *p, double *uplift,
                      int n_threads, ck_error *err)
{
    const ck_schema *s = ck_dataset_schema(d);
    bool same = ck_schema_n_features(s) == ck_schema_n_features(u->schema);
    for (size_t j = 0; same && j < ck_schema_n_features(s); j++)
        same = strcmp(ck_schema_name(s, j), ck_schema_name(u->schema, j)) == 0 &&
               ck_schema_kind(s, j) == ck_schema_kind(u->schema, j);
    if (!same)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the data's features are not the uplift model's");
    predict_job job = { u, d, p, uplift };
    if (ck__parallel_for(ck_dataset_n_rows(d), 1024, n_threads, predict_range, &job) != 0)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return CK_OK;
}
