/*
 * A boosted-stumps model as an object (see gbm.h): its stumps compiled into one step table
 * per feature (gbm_int.h), the importance of each feature, and what scoring derives from
 * the tables. Training is in gbm_train.c, scoring in gbm_score.c, the file in gbm_io.c.
 *
 * A stump adds its left or right value to the logit; summed per feature in stump order,
 * the stumps on one feature make a piecewise-constant function of it, the step table
 * (numeric: one value between consecutive thresholds; categorical: one value per level).
 */
#include "churnkit/gbm.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/gbm/gbm_int.h"

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void free_tables(ck_gbm *m)
{
    if (m->tables == NULL)
        return;
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
        free(m->tables[j].thresholds);
        free(m->tables[j].thresholds_f);
        free(m->tables[j].values);
        free(m->tables[j].level_values);
    }
    free(m->tables);
    m->tables = NULL;
}

static bool level_goes_left(const ck__stump *s, size_t code)
{
    for (size_t k = 0; k < s->n_left_levels; k++)
        if (s->left_levels[k] == code)
            return true;
    return false;
}

/* Compile feature j's stumps, in stump order, into its step table. */
static int compile_feature(ck_gbm *m, size_t j)
{
    ck__step_table *t = &m->tables[j];
    bool categorical = ck_schema_kind(m->schema, j) == CK_FEATURE_CATEGORICAL;
    size_t n_mine = 0;
    for (size_t s = 0; s < m->n_stumps; s++)
        n_mine += m->stumps[s].feature == j;
    if (categorical) {
        t->n_levels = ck_schema_n_levels(m->schema, j);
        t->level_values = calloc(t->n_levels + 1, sizeof *t->level_values);
        if (t->level_values == NULL)
            return CK_ENOMEM;
    } else {
        t->thresholds = ck__alloc_array(n_mine, sizeof *t->thresholds);
        if (t->thresholds == NULL)
            return CK_ENOMEM;
        for (size_t s = 0; s < m->n_stumps; s++)
            if (m->stumps[s].feature == j)
                t->thresholds[t->n_thresholds++] = m->stumps[s].threshold;
        qsort(t->thresholds, t->n_thresholds, sizeof *t->thresholds, compare_double);
        size_t distinct = 0;
        for (size_t k = 0; k < t->n_thresholds; k++)
            if (k == 0 || t->thresholds[k] != t->thresholds[distinct - 1])
                t->thresholds[distinct++] = t->thresholds[k];
        t->n_thresholds = distinct;
        t->values = calloc(distinct + 1, sizeof *t->values);
        if (t->values == NULL)
            return CK_ENOMEM;
    }
    for (size_t s = 0; s < m->n_stumps; s++) {
        const ck__stump *st = &m->stumps[s];
        if (st->feature != j)
            continue;
        t->missing_value += st->missing_left ? st->left_value : st->right_value;
        if (categorical) {
            for (size_t code = 0; code < t->n_levels; code++)
                t->level_values[code] +=
                    level_goes_left(st, code) ? st->left_value : st->right_value;
            t->unseen_value += st->right_value;
        } else {
            /* interval k is (t[k − 1], t[k]]: left of every threshold from t[k] on */
            for (size_t k = 0; k <= t->n_thresholds; k++)
                t->values[k] += k < t->n_thresholds && t->thresholds[k] <= st->threshold
                                    ? st->left_value
                                    : st->right_value;
        }
        m->importance[j] += st->gain;
    }
    return CK_OK;
}

int ck__gbm_compile(ck_gbm *m, ck_error *err)
{
    size_t n_features = ck_schema_n_features(m->schema);
    free_tables(m);
    free(m->importance);
    m->tables = calloc(n_features + 1, sizeof *m->tables);
    m->importance = calloc(n_features + 1, sizeof *m->importance);
    if (m->tables == NULL || m->importance == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t j = 0; j < n_features; j++)
        if (compile_feature(m, j) != CK_OK)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return ck__gbm_index(m, err);
}

/* The largest float not above t (t finite). */
static float float_below(double t)
{
    if (t >= (double)FLT_MAX)
        return FLT_MAX;
    if (t < -(double)FLT_MAX)
        return -HUGE_VALF;
    float f = (float)t;
    return (double)f > t ? nextafterf(f, -HUGE_VALF) : f;
}

int ck__gbm_index(ck_gbm *m, ck_error *err)
{
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++) {
        ck__step_table *t = &m->tables[j];
        free(t->thresholds_f);
        t->thresholds_f = ck__alloc_array(t->n_thresholds, sizeof *t->thresholds_f);
        if (t->thresholds_f == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        for (size_t k = 0; k < t->n_thresholds; k++)
            t->thresholds_f[k] = float_below(t->thresholds[k]);
        bool zero = t->missing_value == 0 && t->unseen_value == 0;
        for (size_t k = 0; zero && t->values && k <= t->n_thresholds; k++)
            zero = t->values[k] == 0;
        for (size_t k = 0; zero && k < t->n_levels; k++)
            zero = t->level_values[k] == 0;
        t->constant_zero = zero;
    }
    return CK_OK;
}

int ck__gbm_new_constant(ck_gbm **out, const ck_schema *schema, double base_score, ck_error *err)
{
    ck_gbm *m = *out = calloc(1, sizeof *m);
    if (m == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    m->base_score = base_score;
    int rc = ck_schema_copy(&m->schema, schema, err);
    if (rc == CK_OK)
        rc = ck__gbm_compile(m, err);
    if (rc < 0) {
        ck_gbm_free(m);
        *out = NULL;
    }
    return rc;
}

void ck_gbm_free(ck_gbm *m)
{
    if (m == NULL)
        return;
    free_tables(m);
    for (size_t s = 0; s < m->n_stumps; s++)
        free(m->stumps[s].left_levels);
    free(m->stumps);
    free(m->importance);
    ck_schema_free(m->schema);
    free(m);
}

const ck_schema *ck_gbm_schema(const ck_gbm *m)
{
    return m->schema;
}

const double *ck_gbm_importance(const ck_gbm *m)
{
    return m->importance;
}

double ck_gbm_base_score(const ck_gbm *m)
{
    return m->base_score;
}

void ck_gbm_step_table(const ck_gbm *m, size_t j, ck_gbm_table *out)
{
    const ck__step_table *t = &m->tables[j];
    out->n_thresholds = t->n_thresholds;
    out->thresholds = t->thresholds;
    out->values = t->values;
    out->n_levels = t->n_levels;
    out->level_values = t->level_values;
    out->unseen_value = t->unseen_value;
    out->missing_value = t->missing_value;
    out->constant_zero = t->constant_zero;
}

size_t ck_gbm_top_features(const ck_gbm *m, size_t k, size_t *features_out, double *share_out)
{
    const double *gain = ck_gbm_importance(m);
    size_t n = ck_schema_n_features(ck_gbm_schema(m)), n_out = 0;
    double total = 0;
    for (size_t j = 0; j < n; j++)
        total += gain[j];
    /* k is small (a summary's top 10): k passes over the features, no sort, no memory */
    double below = HUGE_VAL; /* the last gain taken, and its feature */
    size_t below_j = 0;
    while (n_out < k && total > 0) {
        size_t best = n;
        for (size_t j = 0; j < n; j++) {
            bool after_last = gain[j] < below || (gain[j] == below && j > below_j);
            if (gain[j] > 0 && after_last && (best == n || gain[j] > gain[best]))
                best = j;
        }
        if (best == n)
            break;
        features_out[n_out] = best;
        if (share_out)
            share_out[n_out] = gain[best] / total;
        n_out++;
        below = gain[best];
        below_j = best;
    }
    return n_out;
}
