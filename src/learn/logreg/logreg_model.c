/*
 * Logistic regression as an object (see logreg.h): per schema feature a ck_logreg_feature
 * (preprocessing and coefficients) and its first column in the design row, and the layout
 * of those columns. Numeric features take one column, categorical ones a column per level,
 * and each feature with missing training values one more, its indicator; the bias column
 * comes last. Coefficients are kept per feature, on the standardised scale, with the
 * original-scale ones derived from them. This file owns the layout: the preprocessing
 * (logreg_prep.c) and the model file (logreg_io.c) set has_missing and ask for it again.
 * Scoring is in logreg_score.c, training in logreg_train.c.
 */
#include "churnkit/logreg.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/logreg/logreg_int.h"

void ck_logreg_free(ck_logreg *m)
{
    if (m == NULL)
        return;
    ck_schema_free(m->schema);
    free(m->features);
    free(m->level_coefs);
    free(m->level_start);
    free(m->column);
    free(m);
}

void ck__logreg_layout(ck_logreg *m)
{
    size_t col = 0;
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
        const ck_logreg_feature *f = &m->features[j];
        m->column[j] = col;
        col += (f->categorical ? f->n_levels : 1) + (f->has_missing ? 1 : 0);
    }
    m->n_columns = col + 1;
}

int ck__logreg_new(ck_logreg **out, const ck_schema *schema, ck_error *err)
{
    *out = NULL;
    size_t n_features = ck_schema_n_features(schema), n_levels = 0;
    for (size_t j = 0; j < n_features; j++)
        if (ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL)
            n_levels += ck_schema_n_levels(schema, j);
    ck_logreg *m = calloc(1, sizeof *m);
    if (m == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck_schema_copy(&m->schema, schema, err);
    if (rc < 0) {
        free(m);
        return rc;
    }
    m->features = calloc(n_features + 1, sizeof *m->features);
    m->column = calloc(n_features + 1, sizeof *m->column);
    m->level_coefs = calloc(n_levels + 1, sizeof *m->level_coefs);
    m->level_start = calloc(n_features + 1, sizeof *m->level_start);
    if (m->features == NULL || m->column == NULL || m->level_coefs == NULL ||
        m->level_start == NULL) {
        ck_logreg_free(m);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    size_t start = 0;
    for (size_t j = 0; j < n_features; j++) {
        ck_logreg_feature *f = &m->features[j];
        f->categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        f->scale = 1;
        m->level_start[j] = start;
        if (f->categorical) {
            f->n_levels = ck_schema_n_levels(schema, j);
            f->level_coefs = m->level_coefs + start;
            start += f->n_levels;
        }
    }
    ck__logreg_layout(m);
    *out = m;
    return CK_OK;
}

double *ck__logreg_level_coefs(ck_logreg *m, size_t j)
{
    return m->level_coefs + m->level_start[j];
}

void ck__logreg_get_beta(const ck_logreg *m, double *beta)
{
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
        const ck_logreg_feature *f = &m->features[j];
        double *b = beta + m->column[j];
        size_t n_values = f->categorical ? f->n_levels : 1;
        if (f->categorical)
            memcpy(b, f->level_coefs, n_values * sizeof *b);
        else
            b[0] = f->coef;
        if (f->has_missing)
            b[n_values] = f->missing_coef;
    }
    beta[m->n_columns - 1] = m->intercept;
}

void ck__logreg_set_beta(ck_logreg *m, const double *beta)
{
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
        ck_logreg_feature *f = &m->features[j];
        const double *b = beta + m->column[j];
        size_t n_values = f->categorical ? f->n_levels : 1;
        if (f->categorical) {
            memcpy(ck__logreg_level_coefs(m, j), b, n_values * sizeof *b);
        } else {
            f->coef = b[0];
            f->coef_original = f->coef / f->scale;
        }
        f->missing_coef = f->has_missing ? b[n_values] : 0.0;
    }
    m->intercept = beta[m->n_columns - 1];
}

const ck_schema *ck_logreg_schema(const ck_logreg *m)
{
    return m->schema;
}

const ck_logreg_feature *ck_logreg_feature_at(const ck_logreg *m, size_t j)
{
    assert(j < ck_schema_n_features(m->schema));
    return &m->features[j];
}

double ck_logreg_intercept(const ck_logreg *m, bool original)
{
    double b = m->intercept;
    for (size_t j = 0; original && j < ck_schema_n_features(m->schema); j++)
        if (!m->features[j].categorical)
            b -= m->features[j].coef * m->features[j].center / m->features[j].scale;
    return b;
}

const char *ck_logreg_solver_name(ck_logreg_solver solver)
{
    switch (solver) {
    case CK_LOGREG_NEWTON:
        return "newton";
    case CK_LOGREG_LBFGS:
        return "lbfgs";
    case CK_LOGREG_LIBLINEAR:
        return "liblinear";
    }
    return "?";
}

const char *ck_logreg_penalty_name(ck_logreg_penalty penalty)
{
    return penalty == CK_LOGREG_L1 ? "l1" : "l2";
}

int ck_logreg_top_terms(const ck_logreg *m, size_t k, ck_logreg_term *out, size_t *n_out,
                        ck_error *err)
{
    *n_out = 0;
    const ck_schema *schema = ck_logreg_schema(m);
    size_t n_terms = 0;
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
        n_terms += (f->categorical ? f->n_levels : 1) + f->has_missing;
    }
    ck_logreg_term *terms = ck__alloc_array(n_terms + 1, sizeof *terms);
    if (terms == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t n = 0;
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
        if (f->categorical)
            for (size_t l = 0; l < f->n_levels; l++)
                terms[n++] = (ck_logreg_term){ j, (long)l, f->level_coefs[l] };
        else
            terms[n++] = (ck_logreg_term){ j, -1, f->coef };
        if (f->has_missing)
            terms[n++] = (ck_logreg_term){ j, -2, f->missing_coef };
    }
    /* selection of the k largest: k is a summary's handful */
    for (size_t q = 0; q < k && q < n; q++) {
        size_t best = q;
        for (size_t i = q + 1; i < n; i++)
            if (fabs(terms[i].coef) > fabs(terms[best].coef))
                best = i;
        ck_logreg_term t = terms[q];
        terms[q] = terms[best];
        terms[best] = t;
        out[(*n_out)++] = terms[q];
    }
    free(terms);
    return CK_OK;
}
