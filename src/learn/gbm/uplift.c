/*
 * Training an uplift model (uplift.h): the T-learner's outcome model per arm on shared
 * bins, and, for the X-learner, the two effect regressions of each treatment arm.
 *
 * Every model is fit the same way (fit_rows): a held-out part of its rows (drawn by a
 * seeded hash of the row's position, so the split does not depend on the thread count)
 * chooses the rounds by early stopping, and the model is then refit on all its rows with
 * those rounds. When no round helps, the model is the rows' mean: an arm whose response
 * the data cannot tell from noise adds no made-up structure to the uplift.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"
#include "learn/gbm/gbm_int.h"
#include "learn/gbm/uplift_int.h"

ck_uplift_params ck_uplift_params_default(void)
{
    ck_uplift_params p;
    memset(&p, 0, sizeof p);
    p.gbm = (ck_gbm_params)CK_GBM_PARAMS_INIT;
    p.gbm.rounds = 300;
    p.gbm.learning_rate = 0.05;
    p.gbm.max_bins = 64;
    p.gbm.lambda = 10.0;
    p.gbm.min_samples_leaf = 100;
    p.gbm.patience = 30;
    p.method = CK_UPLIFT_T;
    p.valid_fraction = 0.2;
    return p;
}

ck_uplift *ck__uplift_new(void)
{
    return calloc(1, sizeof(ck_uplift));
}

void ck__uplift_free(ck_uplift *u)
{
    if (u == NULL)
        return;
    for (size_t a = 0; a < CK_UPLIFT_MAX_ARMS; a++) {
        ck_gbm_free(u->outcome[a]);
        ck_gbm_free(u->effect_treated[a]);
        ck_gbm_free(u->effect_control[a]);
    }
    ck_schema_free(u->schema);
    free(u);
}

/* The rows of `d` whose arm is `arm`, with `labels` (NULL: their own). */
static int arm_rows(ck_dataset **out, const ck_dataset *d, const uint8_t *arm_of, size_t arm,
                    const float *labels, ck_error *err)
{
    size_t n = ck_dataset_n_rows(d);
    uint8_t *mask = ck__alloc_array(n + 1, 1);
    ck_dataset *rest = NULL;
    *out = NULL;
    if (mask == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        mask[i] = arm_of[i] == arm;
    int rc = ck_dataset_split(d, mask, &rest, out, err);
    ck_dataset_free(rest);
    free(mask);
    if (rc == CK_OK && labels != NULL)
        rc = ck_dataset_set_labels(*out, labels, err);
    return rc;
}

/* The log-odds of the mean label, clamped away from 0 and 1. */
static double mean_logit(const ck_dataset *rows)
{
    size_t n = ck_dataset_n_rows(rows);
    const float *y = ck_dataset_labels(rows);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += y[i];
    double mean = n ? sum / (double)n : 0.5;
    mean = fmin(fmax(mean, 1e-6), 1 - 1e-6);
    return log(mean / (1 - mean));
}

/* Whether the labels take more than one value (boosting has something to fit). */
static bool varies(const ck_dataset *rows)
{
    size_t n = ck_dataset_n_rows(rows);
    const float *y = ck_dataset_labels(rows);
    for (size_t i = 1; i < n; i++)
        if (y[i] != y[0])
            return true;
    return false;
}

/* One model on `rows` (see the top of the file); `salt` makes each model's held-out draw
 * its own. *rounds gets the rounds kept. */
static int fit_rows(ck_gbm **out, int *rounds, const ck_dataset *rows, const ck__bins *like,
                    const ck_uplift_params *p, uint64_t salt, ck_error *err)
{
    size_t n = ck_dataset_n_rows(rows);
    uint8_t *held = ck__alloc_array(n + 1, 1);
    ck_dataset *fit = NULL, *valid = NULL;
    *out = NULL;
    *rounds = 0;
    if (held == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        held[i] = (double)(ck__mix64(p->gbm.seed ^ (salt * 0xD1B54A32D192ED03ull) ^
                                     (i * 0x9E3779B97F4A7C15ull)) >>
                           11) * 0x1.0p-53 <
                  p->valid_fraction;
    int rc = ck_dataset_split(rows, held, &fit, &valid, err);
    free(held);
    if (rc == CK_OK && ck_dataset_n_rows(fit) > 0 && ck_dataset_n_rows(valid) > 0 && varies(fit)) {
        ck_gbm *selection = NULL;
        ck_gbm_report report;
        rc = ck__gbm_train_like(&selection, fit, valid, like, &p->gbm, &report, NULL, NULL, err);
        *rounds = rc == CK_OK ? report.rounds_kept : 0;
        ck_gbm_free(selection);
    }
    ck_dataset_free(fit);
    ck_dataset_free(valid);
    if (rc < 0)
        return rc;
    if (*rounds == 0)
        return ck__gbm_new_constant(out, ck_dataset_schema(rows), mean_logit(rows), err);
    ck_gbm_params refit = p->gbm;
    refit.rounds = *rounds;
    refit.patience = 0;
    return ck__gbm_train_like(out, rows, NULL, like, &refit, NULL, NULL, NULL, err);
}

static double logistic(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* The X-learner's regressions for treatment arm a: D = y − μ_control(x) on a's rows, and
 * D = μ_a(x) − y on the control rows, each fit on the target (D + 1) / 2. */
static int fit_effects(ck_uplift *u, const ck_dataset *d, const uint8_t *arm_of, size_t a,
                       const ck__bins *like, const ck_uplift_params *p, ck_error *err)
{
    size_t n = ck_dataset_n_rows(d), n_features = ck_dataset_n_features(d);
    const float *y = ck_dataset_labels(d);
    float *target = ck__alloc_array(n + 1, sizeof *target), *row = ck__alloc_array(n_features + 1, sizeof *row);
    ck_dataset *rows = NULL;
    int rc = target && row ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t sides[2] = { a, u->control };
    ck_gbm **models[2] = { &u->effect_treated[a], &u->effect_control[a] };
    for (int side = 0; side < 2 && rc == CK_OK; side++) {
        const ck_gbm *other = u->outcome[side == 0 ? u->control : a];
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (arm_of[i] != sides[side])
                continue;
            for (size_t j = 0; j < n_features; j++)
                row[j] = ck_dataset_column(d, j)[i];
            double mu = logistic(ck_gbm_logit_row(other, row));
            double effect = side == 0 ? y[i] - mu : mu - y[i];
            target[k++] = (float)((effect + 1.0) / 2.0);
        }
        rc = arm_rows(&rows, d, arm_of, sides[side], target, err);
        if (rc == CK_OK)
            rc = fit_rows(models[side], &u->effect_rounds[a][side], rows, like, p,
                          2 * CK_UPLIFT_MAX_ARMS * (side + 1) + a, err);
        ck_dataset_free(rows);
        rows = NULL;
    }
    free(target);
    free(row);
    return rc;
}

/* The design against the data: arms named, in range, each with rows of both outcomes. */
static int check_design(ck_uplift *u, const ck_dataset *d, const ck_uplift_params *p,
                        ck_error *err)
{
    const ck_uplift_design *g = &p->design;
    size_t n = ck_dataset_n_rows(d);
    const float *y = ck_dataset_labels(d);
    if (y == NULL || n == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no labelled rows to train on");
    if (g->n_arms < 2 || g->n_arms > CK_UPLIFT_MAX_ARMS || g->control >= g->n_arms ||
        g->arm_of == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "an uplift model needs a control and 1 to %d treatment arms (got %zu "
                            "arms)",
                            CK_UPLIFT_MAX_ARMS - 1, g->n_arms);
    if (!(p->valid_fraction > 0 && p->valid_fraction <= 0.5))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "valid_fraction must be in (0, 0.5], got %g",
                            p->valid_fraction);
    u->n_arms = g->n_arms;
    u->control = g->control;
    for (size_t i = 0; i < n; i++) {
        if (g->arm_of[i] >= g->n_arms)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "row %zu: arm %u out of range", i + 1,
                                (unsigned)g->arm_of[i]);
        u->arms[g->arm_of[i]].rows++;
        u->arms[g->arm_of[i]].positives += y[i] > 0.5;
    }
    for (size_t a = 0; a < g->n_arms; a++) {
        ck_uplift_arm *arm = &u->arms[a];
        snprintf(arm->name, sizeof arm->name, "%s", g->names[a]);
        if (arm->positives == 0 || arm->positives == arm->rows)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "arm \"%s\" has %s (%zu of %zu customers converted): there is no "
                                "response to learn",
                                arm->name, arm->positives ? "only conversions" : "no conversion",
                                arm->positives, arm->rows);
        arm->base_rate = (double)arm->positives / (double)arm->rows;
        arm->value = p->economics.given ? p->economics.value[a] : 1.0;
        arm->cost = p->economics.given ? p->economics.cost[a] : 0.0;
        if (!isfinite(arm->value) || !isfinite(arm->cost))
            return ck_error_set(err, CK_EINVAL, NULL, 0, "arm \"%s\": value and cost must be "
                                "finite", arm->name);
    }
    u->has_economics = p->economics.given;
    return CK_OK;
}

int ck__uplift_train(ck_uplift **out, const ck_dataset *d, const ck_uplift_params *p,
                     ck_error *err)
{
    ck_uplift *u = *out = ck__uplift_new();
    if (u == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    u->method = p->method;
    ck__bins shared = { 0 };
    ck_dataset *rows = NULL;
    const uint8_t *arm_of = p->design.arm_of;
    int rc = check_design(u, d, p, err);
    if (rc == CK_OK)
        rc = ck_schema_copy(&u->schema, ck_dataset_schema(d), err);
    if (rc == CK_OK)
        rc = ck__bins_fit(&shared, d, p->gbm.max_bins, p->gbm.n_threads, err);
    for (size_t a = 0; a < u->n_arms && rc == CK_OK; a++) {
        if ((rc = arm_rows(&rows, d, arm_of, a, NULL, err)) == CK_OK)
            rc = fit_rows(&u->outcome[a], &u->arms[a].rounds_kept, rows, &shared, p, a, err);
        ck_dataset_free(rows);
        rows = NULL;
    }
    for (size_t a = 0; a < u->n_arms && rc == CK_OK; a++) {
        size_t n_a = u->arms[a].rows, n_c = u->arms[u->control].rows;
        u->propensity[a] = (double)n_a / (double)(n_a + n_c);
        if (a != u->control && u->method == CK_UPLIFT_X)
            rc = fit_effects(u, d, arm_of, a, &shared, p, err);
    }
    ck__bins_free(&shared);
    if (rc < 0) {
        ck__uplift_free(u);
        *out = NULL;
    }
    return rc;
}
