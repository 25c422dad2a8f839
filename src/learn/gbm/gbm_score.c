/*
 * Scoring with boosted stumps (see gbm.h): the logit of a row is the base score plus each
 * feature's step-table value, found by a branch-free lower bound over the thresholds
 * (Khuong & Morin, "Array Layouts for Comparison-Based Searching", 2017); a dataset is
 * scored in blocks of rows, feature by feature, with small tables counted in one
 * vectorised pass per threshold over float copies of the thresholds (gbm_int.h).
 */
#include "churnkit/gbm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"
#include "learn/gbm/gbm_int.h"

/* f_j(x): the step table's value at x. */
static double table_value(const ck__step_table *t, bool categorical, float x)
{
    if (isnan(x))
        return t->missing_value;
    if (categorical) /* codes are exact small integers; anything else is unseen */
        return x >= 0 && x < (float)t->n_levels ? t->level_values[(size_t)x] : t->unseen_value;
    /* branch-free lower bound (Khuong & Morin, "Array Layouts for Comparison-Based
     * Searching", 2017): the first k with x <= thresholds[k] */
    const double *base = t->thresholds;
    size_t n = t->n_thresholds;
    double v = x;
    if (n == 0)
        return t->values[0];
    while (n > 1) {
        size_t half = n / 2;
        base = base[half] < v ? base + half : base;
        n -= half;
    }
    return t->values[(size_t)(base - t->thresholds) + (*base < v)];
}

double ck_gbm_logit_row(const ck_gbm *m, const float *row)
{
    double logit = m->base_score;
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++)
        logit += table_value(&m->tables[j], ck_schema_kind(m->schema, j) == CK_FEATURE_CATEGORICAL,
                             row[j]);
    return logit;
}

void ck_gbm_contributions(const ck_gbm *m, const float *row, double *contrib, double *base_out)
{
    for (size_t j = 0; j < ck_schema_n_features(m->schema); j++)
        contrib[j] = table_value(&m->tables[j],
                                 ck_schema_kind(m->schema, j) == CK_FEATURE_CATEGORICAL, row[j]);
    *base_out = m->base_score;
}

typedef struct predict_job {
    const ck_gbm *m;
    const ck_dataset *d;
    double *out;
} predict_job;

/* Tables with at most this many thresholds are scored by counting, in one vectorised
 * pass per threshold, how many each value exceeds; larger ones by binary search. */
#define COUNT_SEARCH_MAX 32

/* out[i] += f(x[i]) for a numeric feature of a block of n ≤ BLOCK rows. NaN exceeds no
 * threshold, so it lands on index 0 and the missing value is then selected without a
 * branch: missing values fall anywhere in the data. */
static void add_numeric(const ck__step_table *t, const float *x, double *out, size_t n)
{
    uint32_t idx[1024];
    size_t k = t->n_thresholds;
    if (k <= COUNT_SEARCH_MAX) {
        for (size_t i = 0; i < n; i++)
            idx[i] = 0;
        for (size_t q = 0; q < k; q++) {
            float th = t->thresholds_f[q];
            for (size_t i = 0; i < n; i++)
                idx[i] += x[i] > th;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            const float *base = t->thresholds_f;
            size_t len = k;
            while (len > 1) {
                size_t half = len / 2;
                base = base[half] < v ? base + half : base;
                len -= half;
            }
            idx[i] = (uint32_t)(base - t->thresholds_f) + (*base < v);
        }
    }
    for (size_t i = 0; i < n; i++) {
        double value = t->values[idx[i]];
        out[i] += x[i] == x[i] ? value : t->missing_value;
    }
}

/* Rows in blocks, feature by feature within a block: each column is read in order and
 * each step table stays in cache for the whole block. */
static int predict_rows(size_t lo, size_t hi, void *arg)
{
    const predict_job *job = arg;
    const ck_gbm *m = job->m;
    size_t n_features = ck_schema_n_features(m->schema);
    for (size_t start = lo; start < hi; start += 1024) {
        size_t n = (start + 1024 < hi ? start + 1024 : hi) - start;
        double *out = job->out + start;
        for (size_t i = 0; i < n; i++)
            out[i] = m->base_score;
        for (size_t j = 0; j < n_features; j++) {
            const float *x = ck_dataset_column(job->d, j) + start;
            const ck__step_table *t = &m->tables[j];
            if (t->constant_zero)
                continue;
            if (ck_schema_kind(m->schema, j) == CK_FEATURE_CATEGORICAL)
                for (size_t i = 0; i < n; i++)
                    out[i] += table_value(t, true, x[i]);
            else
                add_numeric(t, x, out, n);
        }
        for (size_t i = 0; i < n; i++)
            out[i] = ck__logistic(out[i]);
    }
    return 0;
}

static bool same_schema(const ck_schema *a, const ck_schema *b)
{
    if (ck_schema_n_features(a) != ck_schema_n_features(b))
        return false;
    for (size_t j = 0; j < ck_schema_n_features(a); j++)
        if (strcmp(ck_schema_name(a, j), ck_schema_name(b, j)) != 0 ||
            ck_schema_kind(a, j) != ck_schema_kind(b, j))
            return false;
    return true;
}

typedef struct bins_job {
    const ck_gbm *m;
    const ck__bins *bins;
    const double (*by_byte)[256]; /* each feature's value by each byte of its slot */
    double *out;
} bins_job;

/* As predict_rows(), the features added in the same order: the same probabilities. */
static int predict_bin_rows(size_t lo, size_t hi, void *arg)
{
    const bins_job *job = arg;
    const ck__bins *b = job->bins;
    for (size_t i = lo; i < hi; i++)
        job->out[i] = job->m->base_score;
    for (size_t j = 0; j < b->n_features; j++) {
        if (job->m->tables[j].constant_zero)
            continue;
        const double *by_byte = job->by_byte[j];
        const uint8_t *byte = b->data + ck__bin_offset(b, j, lo);
        for (size_t i = lo; i < hi; i++, byte += CK__GROUP)
            job->out[i] += by_byte[*byte];
    }
    for (size_t i = lo; i < hi; i++)
        job->out[i] = ck__logistic(job->out[i]);
    return 0;
}

int ck__gbm_predict_bins(const ck_gbm *m, const ck__bins *bins, double *prob, int n_threads)
{
    size_t n_features = ck_schema_n_features(m->schema);
    double(*by_byte)[256] = ck__alloc_array(n_features + 1, sizeof *by_byte);
    if (by_byte == NULL)
        return CK_ENOMEM;
    for (size_t j = 0; j < n_features; j++) {
        bool categorical = ck_schema_kind(m->schema, j) == CK_FEATURE_CATEGORICAL;
        for (int k = 0; k < 256; k++)
            by_byte[j][k] =
                table_value(&m->tables[j], categorical, ck__bin_value(bins, j, bins->decode[j][k]));
    }
    bins_job job = { m, bins, (const double(*)[256])by_byte, prob };
    ck__parallel_for(bins->n_rows, 4096, n_threads, predict_bin_rows, &job);
    free(by_byte);
    return CK_OK;
}

int ck_gbm_predict(const ck_gbm *m, const ck_dataset *d, double *prob, int n_threads, ck_error *err)
{
    if (!same_schema(m->schema, ck_dataset_schema(d)))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the data's features do not match the model's");
    predict_job job = { m, d, prob };
    ck__parallel_for(ck_dataset_n_rows(d), 4096, n_threads, predict_rows, &job);
    return CK_OK;
}
