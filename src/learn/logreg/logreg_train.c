/*
 * Training logistic regression (see logreg.h): preprocessing, the problem over design
 * rows, the solver, and the cross-validation of C. The model object and its layout are in
 * logreg_model.c.
 *
 * Cross-validation: stratified K folds (each class's rows shuffled by the seed and dealt
 * in turn); for each fold, the preprocessing is learned again on the other folds' rows
 * and one model is fitted per C of the grid, which then scores the held-out rows; the
 * held-out log loss is pooled over the folds (weighted as the objective). The C with the
 * least pooled log loss wins (the first in grid order on a tie), and the model is then
 * fitted on every training row at that C, as scikit-learn's LogisticRegressionCV does
 * (refit=True).
 */
#include "churnkit/logreg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/blas.h"
#include "base/rng.h"
#include "base/util.h"
#include "churnkit/metrics.h"
#include "learn/logreg/logreg_int.h"

#define DEFAULT_NEWTON_ITER 50
#define DEFAULT_LBFGS_ITER  1000

/* ---- folds -------------------------------------------------------------------------- */

int ck__logreg_folds(uint8_t *fold, const float *y, size_t n, int k, uint64_t seed)
{
    size_t *rows = ck__alloc_array(n, sizeof *rows);
    if (rows == NULL)
        return CK_ENOMEM;
    uint64_t state = seed; /* a splitmix64 stream from the seed */
    for (int cls = 0; cls < 2; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((y[i] > 0.5f) == (cls == 1))
                rows[m++] = i;
        /* Fisher–Yates (Knuth, TAOCP vol. 2, 3.4.2, algorithm P); the modulo bias of a
         * 64-bit draw is far below anything a fold assignment could show */
        for (size_t i = m; i > 1; i--) {
            size_t r = (size_t)(ck__splitmix64(&state) % i);
            size_t t = rows[i - 1];
            rows[i - 1] = rows[r];
            rows[r] = t;
        }
        for (size_t i = 0; i < m; i++)
            fold[rows[i]] = (uint8_t)(i % (size_t)k);
    }
    free(rows);
    return CK_OK;
}

/* ---- training ----------------------------------------------------------------------- */

static int check_params(const ck_logreg_params *p, const ck_dataset *train, ck_error *err)
{
    const char *bad = NULL;
    if (!(p->C > 0 && isfinite(p->C)))
        bad = "C must be a positive number";
    else if (!(p->pos_weight > 0 && isfinite(p->pos_weight)))
        bad = "pos_weight must be a positive number";
    else if (!(p->tol > 0 && p->tol < 1))
        bad = "tol must be in (0, 1)";
    else if (p->max_iter < 0)
        bad = "max_iter must be >= 0";
    else if (!(p->clip >= 0 && p->clip < 0.5))
        bad = "clip must be in [0, 0.5)";
    else if (p->penalty == CK_LOGREG_L1 && p->solver != CK_LOGREG_LIBLINEAR)
        bad = "the l1 penalty needs the liblinear solver";
    else if (p->solver == CK_LOGREG_LIBLINEAR && p->max_iter != 0)
        bad = "max_iter must be 0 with the liblinear solver (LIBLINEAR keeps its own limit)";
    else if (p->cv_folds != 0 && (p->cv_folds < 2 || p->cv_folds > 100))
        bad = "cv_folds must be 0 or 2 to 100";
    else if (p->cv_folds != 0 && (p->n_grid == 0 || p->n_grid > CK_LOGREG_MAX_GRID))
        bad = "cross-validation needs 1 to 32 C values";
    else if (p->n_threads < 1)
        bad = "n_threads must be >= 1";
    for (size_t g = 0; bad == NULL && g < p->n_grid && g < CK_LOGREG_MAX_GRID; g++)
        if (!(p->grid[g] > 0 && isfinite(p->grid[g])))
            bad = "every C of the grid must be a positive number";
    if (bad != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "%s", bad);
    const float *y = ck_dataset_labels(train);
    size_t n = ck_dataset_n_rows(train), pos = 0;
    if (y == NULL || n == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no labelled rows to train on");
    for (size_t i = 0; i < n; i++)
        pos += y[i] > 0.5f;
    if (pos == 0 || pos == n)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the training labels are all %s: nothing to learn",
                            pos == 0 ? "0 (retained)" : "1 (churned)");
    size_t fewest = pos < n - pos ? pos : n - pos;
    if (p->cv_folds > 0 && fewest < (size_t)p->cv_folds)
        return ck_error_set(
            err, CK_EINVAL, NULL, 0, "%d folds need at least %d rows of each class (have %zu %s)",
            p->cv_folds, p->cv_folds, fewest, pos < n - pos ? "churned" : "retained");
    if (p->solver == CK_LOGREG_LIBLINEAR && ck_dataset_weights(train) != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the liblinear solver takes no row weights (LIBLINEAR 2.3 has "
                            "class weights only)");
    return CK_OK;
}

/* Learn the preprocessing on d into a new model, and set up its problem. */
static int prepare(ck_logreg **model_out, ck__lr_problem *pb, const ck_dataset *d,
                   const ck_logreg_params *p, ck_error *err)
{
    memset(pb, 0, sizeof *pb);
    int rc = ck__logreg_new(model_out, ck_dataset_schema(d), err);
    if (rc == CK_OK)
        rc = ck__logreg_fit_prep(*model_out, d, p->clip, p->n_threads, err);
    if (rc == CK_OK)
        rc = ck__lr_problem_init(pb, *model_out, d, p->C, p->pos_weight, p->n_threads, err);
    if (rc < 0) {
        ck_logreg_free(*model_out);
        *model_out = NULL;
    }
    return rc;
}

/* Fit the coefficients of m on its problem at C; the training rows' logits into z (may be
 * NULL). */
static int solve(ck_logreg *m, ck__lr_problem *pb, const ck_logreg_params *p, double C, double *z,
                 ck_logreg_report *r, ck_error *err)
{
    size_t n_columns = m->n_columns;
    double *beta = calloc(n_columns, sizeof *beta);
    if (beta == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    pb->C = C;
    int rc;
    switch (p->solver) {
    case CK_LOGREG_NEWTON:
        rc = ck__lr_newton(beta, z, pb, p->tol, p->max_iter ? p->max_iter : DEFAULT_NEWTON_ITER, r,
                           err);
        break;
    case CK_LOGREG_LBFGS:
        rc = ck__lr_lbfgs(beta, z, pb, p->tol, p->max_iter ? p->max_iter : DEFAULT_LBFGS_ITER, r,
                          err);
        break;
    default:
        rc = ck__lr_liblinear(beta, z, pb, p->penalty, p->tol, r, err);
        break;
    }
    if (rc == CK_OK) {
        ck__logreg_set_beta(m, beta);
        r->n_columns = n_columns;
        r->C = C;
    }
    free(beta);
    return rc;
}

/* Log loss of m on d, weighted as the objective; with its total weight in *weight_out.
 * With logits (d's training rows, from the solver) the probabilities come from them, which
 * saves scoring the rows again: they are the model's scores up to rounding. */
static int weighted_logloss(double *loss_out, double *auc_out, double *weight_out,
                            const ck_logreg *m, const ck_dataset *d, const double *logits,
                            double pos_weight, int n_threads, ck_error *err)
{
    size_t n = ck_dataset_n_rows(d);
    const float *y = ck_dataset_labels(d), *row_w = ck_dataset_weights(d);
    double *prob = ck__alloc_array(n, sizeof *prob);
    float *w = ck__alloc_array(n, sizeof *w);
    int rc = CK_OK;
    if (prob == NULL || w == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        w[i] = (float)ck__logreg_row_weight(row_w, y, i, pos_weight);
        total += w[i];
    }
    if (logits != NULL) {
        for (size_t i = 0; i < n; i++)
            prob[i] = ck__logistic(logits[i]);
    } else if ((rc = ck_logreg_predict(m, d, prob, n_threads, err)) < 0) {
        goto done;
    }
    *loss_out = ck_metrics_logloss(prob, y, w, n);
    if (weight_out != NULL)
        *weight_out = total;
    if (auc_out != NULL)
        rc = ck_metrics_auc(auc_out, prob, y, w, n, err);
done:
    free(prob);
    free(w);
    return rc;
}

/* Pooled held-out log loss of every C of the grid into r->cv_logloss; the best C out. */
static int cross_validate(double *best_C, const ck_dataset *train, const ck_logreg_params *p,
                          ck_logreg_report *r, ck_progress_fn progress, void *payload,
                          ck_error *err)
{
    size_t n = ck_dataset_n_rows(train), n_grid = p->n_grid;
    double loss_sum[CK_LOGREG_MAX_GRID] = { 0 }, weight_sum[CK_LOGREG_MAX_GRID] = { 0 };
    uint8_t *fold = ck__alloc_array(n, sizeof *fold), *mask = ck__alloc_array(n, sizeof *mask);
    ck_dataset *fit_rows = NULL, *held = NULL;
    ck_logreg *m = NULL;
    ck__lr_problem pb = { 0 };
    int rc = CK_OK;
    if (fold == NULL || mask == NULL ||
        ck__logreg_folds(fold, ck_dataset_labels(train), n, p->cv_folds, p->seed) != CK_OK) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (int k = 0; k < p->cv_folds; k++) {
        for (size_t i = 0; i < n; i++)
            mask[i] = fold[i] == k;
        if ((rc = ck_dataset_split(train, mask, &fit_rows, &held, err)) < 0 ||
            (rc = prepare(&m, &pb, fit_rows, p, err)) < 0)
            goto done;
        for (size_t g = 0; g < n_grid; g++) {
            ck_logreg_report fold_report = { 0 };
            double loss, weight;
            if ((rc = solve(m, &pb, p, p->grid[g], NULL, &fold_report, err)) < 0 ||
                (rc = weighted_logloss(&loss, NULL, &weight, m, held, NULL, p->pos_weight,
                                       p->n_threads, err)) < 0)
                goto done;
            loss_sum[g] += loss * weight;
            weight_sum[g] += weight;
            if (progress)
                progress((double)((size_t)k * n_grid + g + 1) /
                             (double)((size_t)p->cv_folds * n_grid + 1),
                         payload);
        }
        ck__lr_problem_free(&pb);
        ck_logreg_free(m);
        m = NULL;
        ck_dataset_free(fit_rows);
        ck_dataset_free(held);
        fit_rows = held = NULL;
    }
    r->n_cv = n_grid;
    size_t best = 0;
    for (size_t g = 0; g < n_grid; g++) {
        r->cv_C[g] = p->grid[g];
        r->cv_logloss[g] = loss_sum[g] / weight_sum[g];
        if (r->cv_logloss[g] < r->cv_logloss[best])
            best = g;
    }
    *best_C = p->grid[best];
done:
    ck__lr_problem_free(&pb);
    ck_logreg_free(m);
    ck_dataset_free(fit_rows);
    ck_dataset_free(held);
    free(fold);
    free(mask);
    return rc;
}

int ck_logreg_train(ck_logreg **out, const ck_dataset *train, const ck_dataset *valid,
                    const ck_logreg_params *params, ck_logreg_report *report,
                    ck_progress_fn progress, void *payload, ck_error *err)
{
    *out = NULL;
    int rc = check_params(params, train, err);
    if (rc < 0)
        return rc;
    if (valid != NULL && ck_dataset_labels(valid) == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the validation rows have no labels");
    ck__blas_single_threaded();
    ck_logreg_report r;
    memset(&r, 0, sizeof r);
    r.valid_logloss = r.valid_auc = NAN;
    double C = params->C;
    ck_logreg *m = NULL;
    ck__lr_problem pb = { 0 };
    double *z = ck__alloc_array(ck_dataset_n_rows(train), sizeof *z);
    if (z == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if (params->cv_folds > 0 &&
        (rc = cross_validate(&C, train, params, &r, progress, payload, err)) < 0)
        goto fail;
    if ((rc = prepare(&m, &pb, train, params, err)) < 0 ||
        (rc = solve(m, &pb, params, C, z, &r, err)) < 0)
        goto fail;
    ck__lr_problem_free(&pb);
    if ((rc = weighted_logloss(&r.train_logloss, &r.train_auc, NULL, m, train, z,
                               params->pos_weight, params->n_threads, err)) < 0 ||
        (valid != NULL &&
         (rc = weighted_logloss(&r.valid_logloss, &r.valid_auc, NULL, m, valid, NULL,
                                params->pos_weight, params->n_threads, err)) < 0))
        goto fail;
    free(z);
    if (progress)
        progress(1.0, payload);
    if (report != NULL)
        *report = r;
    *out = m;
    return CK_OK;
fail:
    free(z);
    ck__lr_problem_free(&pb);
    ck_logreg_free(m);
    return rc;
}
