/*
 * EASE, the closed-form item-item model of Steck, "Embarrassingly Shallow Autoencoders for
 * Sparse Data" (WWW 2019), eq. 8: with the Gram matrix G = XᵀX + λI and P = G⁻¹,
 *
 *     B = I − P · diagMat(1 ⊘ diag(P)),   that is B_ij = −P_ij / P_jj (i ≠ j), B_ii = 0,
 *
 * the minimiser of ‖X − XB‖² + λ‖B‖² under diag(B) = 0. A customer's scores are x_u B.
 *
 * Layout: G, P and B share one dense n_items × n_items row-major array. Row i of G is built
 * from item i's column of X (the transpose, item_models_int.h): for each customer u who has
 * i, in ascending order, x_ui · (row u of X) is added into it. Each row of G is the work of
 * one thread, summed in the same order for any thread count, and G_ij, G_ji add the same
 * products in the same order, so G is exactly symmetric. P comes from LAPACK (dpotrf +
 * dpotri, ck__blas_spd_inverse), B from P in place, row by row in parallel.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/item_models.h"

#include "base/blas.h"
#include "base/parallel.h"
#include "base/util.h"
#include "learn/recommend/item_models_int.h"

/* Rows of G (or B) per thread at the least: a row costs O(n_items) at the least. */
#define ROW_GRAIN 8

typedef struct gram_ctx {
    const ck_interactions *x;
    const ck__item_columns *cols;
    bool binary;
    double lambda;
    double *g;
} gram_ctx;

static int gram_rows(size_t lo, size_t hi, void *arg)
{
    const gram_ctx *c = arg;
    const ck_interactions *x = c->x;
    size_t n = x->n_items;
    for (size_t i = lo; i < hi; i++) {
        double *row = c->g + i * n;
        memset(row, 0, n * sizeof *row);
        for (size_t k = c->cols->col_start[i]; k < c->cols->col_start[i + 1]; k++) {
            size_t u = c->cols->users[k];
            double xi = c->binary ? 1.0 : (double)c->cols->weights[k];
            for (size_t m = x->row_start[u]; m < x->row_start[u + 1]; m++)
                row[x->items[m]] += xi * (c->binary ? 1.0 : (double)x->weights[m]);
        }
        row[i] += c->lambda;
    }
    return 0;
}

typedef struct weights_ctx {
    size_t n;
    const double *diag; /* diag(P), kept before B overwrites it */
    double *p;
} weights_ctx;

static int weights_rows(size_t lo, size_t hi, void *arg)
{
    const weights_ctx *c = arg;
    for (size_t i = lo; i < hi; i++) {
        double *row = c->p + i * c->n;
        for (size_t j = 0; j < c->n; j++)
            row[j] = i == j ? 0.0 : -row[j] / c->diag[j];
    }
    return 0;
}

int ck_ease_fit(ck_ease **out, const ck_interactions *x, double lambda, bool binary, int n_threads,
                ck_error *err)
{
    assert(out != NULL && x != NULL);
    *out = NULL;
    if (!(lambda > 0) || !isfinite(lambda))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "ease: lambda must be a finite number > 0, got \"%g\"", lambda);
    if (x->n_items == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "ease: no items");
    if (x->n_items > CK_EASE_MAX_ITEMS)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "ease: %zu items, more than the %d a dense item-item model allows",
                            x->n_items, CK_EASE_MAX_ITEMS);
    size_t n = x->n_items, nn;
    ck__item_columns cols = { 0 };
    ck_ease *m = NULL;
    double *diag = NULL;
    int rc;
    if ((rc = ck__item_columns_new(&cols, x, "ease", err)) < 0)
        return rc;
    m = calloc(1, sizeof *m);
    diag = ck__alloc_array(n, sizeof *diag);
    if (m == NULL || diag == NULL || !ck__mul_size(&nn, n, n) ||
        (m->weights = ck__alloc_array(nn, sizeof *m->weights)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0,
                          "ease: out of memory for the %zu x %zu item-item matrix", n, n);
        goto fail;
    }
    m->n_items = n;
    m->lambda = lambda;

    ck__blas_single_threaded();
    gram_ctx gc = { .x = x, .cols = &cols, .binary = binary, .lambda = lambda, .g = m->weights };
    ck__parallel_for(n, ROW_GRAIN, n_threads, gram_rows, &gc);
    int minor = ck__blas_spd_inverse(n, m->weights);
    if (minor != 0) {
        /* λ > 0 makes G positive definite in exact arithmetic; only rounding gets here */
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "ease: X^T X + lambda I is not positive definite in floating point "
                          "(leading minor %d, lambda %g): raise lambda",
                          minor, lambda);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        diag[i] = m->weights[i * n + i];
    weights_ctx wc = { .n = n, .diag = diag, .p = m->weights };
    ck__parallel_for(n, ROW_GRAIN, n_threads, weights_rows, &wc);
    free(diag);
    ck__item_columns_free(&cols);
    *out = m;
    return CK_OK;

fail:
    free(diag);
    ck_ease_free(m);
    ck__item_columns_free(&cols);
    return rc;
}

void ck_ease_free(ck_ease *m)
{
    if (m == NULL)
        return;
    free(m->weights);
    free(m);
}

void ck_ease_score(const ck_ease *m, const uint32_t *items, const float *weights, size_t n,
                   bool binary, double *scores)
{
    assert(m != NULL && scores != NULL && (n == 0 || items != NULL));
    assert(binary || n == 0 || weights != NULL);
    size_t n_items = m->n_items;
    memset(scores, 0, n_items * sizeof *scores);
    for (size_t k = 0; k < n; k++) {
        assert(items[k] < n_items);
        double xi = binary ? 1.0 : (double)weights[k];
        const double *row = m->weights + (size_t)items[k] * n_items;
        for (size_t j = 0; j < n_items; j++)
            scores[j] += xi * row[j];
    }
}
