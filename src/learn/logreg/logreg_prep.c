/*
 * Logistic regression's preprocessing, learned on the training rows (see logreg.h), and
 * the design matrix it makes of a dataset.
 *
 * Per numeric feature, over its present training values: the clipping bounds are the
 * quantiles clip and 1 − clip, linearly interpolated between order statistics (Hyndman &
 * Fan, "Sample quantiles in statistical packages", The American Statistician 50(4), 1996,
 * definition 7, numpy's default), found by quickselect with a three-way partition (Hoare,
 * "Algorithm 65: Find", CACM 4(7), 1961; Bentley & McIlroy, "Engineering a sort
 * function", 1993, for the fat partition that keeps runs of equal values linear); then
 * center and scale are the mean and the population standard deviation (as scikit-learn's
 * StandardScaler) of the clipped values, in two passes for accuracy.
 *
 * The design matrix is row-major, n_columns doubles per row, but never stored whole: the
 * solvers' passes (logreg_loss.c) and the LIBLINEAR bridge make it block by block from the
 * dataset's float columns, which costs less than reading a stored matrix of doubles,
 * eight times the dataset's size, from memory would, and keeps the memory to the
 * dataset's whatever the number of one-hot columns.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/util.h"
#include "learn/logreg/logreg_int.h"

/* ---- quantiles ---------------------------------------------------------------------- */

static void swap_f(float *a, float *b)
{
    float t = *a;
    *a = *b;
    *b = t;
}

/* Rearrange v[0..n) so that v[k] is its k-th smallest value, every value before it <=
 * and every value after it >= (quickselect, three-way partition, median-of-three pivot). */
static void select_kth(float *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* v[k] lies in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        float a = v[lo], b = v[mid], c = v[hi - 1];
        float pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        /* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (v[i] < pivot)
                swap_f(&v[lt++], &v[i++]);
            else if (v[i] > pivot)
                swap_f(&v[i], &v[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

/* Quantile q of v[0..n), n > 0, by linear interpolation (Hyndman & Fan's definition 7).
 * v is reordered. */
static double quantile(float *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t k = (size_t)h;
    if (k >= n - 1) {
        select_kth(v, n, n - 1);
        return v[n - 1];
    }
    select_kth(v, n, k);
    float next = v[k + 1]; /* the least value after v[k] */
    for (size_t i = k + 2; i < n; i++)
        next = v[i] < next ? v[i] : next;
    return (double)v[k] + (h - (double)k) * ((double)next - (double)v[k]);
}

/* ---- learning the preprocessing ----------------------------------------------------- */

/* z, or 0 when z is NaN, selected on the bits: a branch on missing values, which come at
 * random, is mispredicted often enough to take a third of the time of a block (measured
 * on the benchmark table, 5% missing). */
static inline double zero_if_nan(double z)
{
    uint64_t bits;
    memcpy(&bits, &z, sizeof bits);
    bits &= -(uint64_t)(z == z);
    memcpy(&z, &bits, sizeof z);
    return z;
}

typedef struct prep_job {
    ck_logreg *m;
    const ck_dataset *d;
    double clip;
} prep_job;

/* v clamped to [low, high] when clipping; NaN stays NaN. */
static double clamp(double v, bool clipped, double low, double high)
{
    return !clipped ? v : v < low ? low : v > high ? high : v;
}

/* scratch: room for n floats when clipping, else NULL. The sums skip missing values
 * without a branch (zero_if_nan), as the design blocks do. */
static void fit_numeric(ck_logreg_feature *f, const float *x, size_t n, double clip, float *scratch)
{
    size_t present = 0;
    for (size_t i = 0; i < n; i++) {
        if (scratch != NULL && !isnan(x[i]))
            scratch[present] = x[i];
        present += x[i] == x[i];
    }
    f->has_missing = present < n;
    f->center = 0;
    f->scale = 1;
    f->clipped = false;
    if (present == 0)
        return;
    if (scratch != NULL) {
        f->clip_low = quantile(scratch, present, clip);
        f->clip_high = quantile(scratch, present, 1.0 - clip);
        f->clipped = true;
    }
    bool clipped = f->clipped;
    double low = f->clip_low, high = f->clip_high, sum = 0, squares = 0;
    for (size_t i = 0; i < n; i++)
        sum += zero_if_nan(clamp(x[i], clipped, low, high));
    double mean = sum / (double)present;
    for (size_t i = 0; i < n; i++) {
        double dev = zero_if_nan(clamp(x[i], clipped, low, high) - mean);
        squares += dev * dev;
    }
    double sd = sqrt(squares / (double)present);
    f->center = mean;
    /* a constant column: z = 0 everywhere, its coefficient goes to 0 under the penalty */
    f->scale = sd > 0 && isfinite(sd) ? sd : 1.0;
}

static int prep_features(size_t lo, size_t hi, void *arg)
{
    const prep_job *job = arg;
    size_t n = ck_dataset_n_rows(job->d);
    float *scratch = NULL;
    for (size_t j = lo; j < hi; j++) {
        ck_logreg_feature *f = &job->m->features[j];
        const float *x = ck_dataset_column(job->d, j);
        if (f->categorical) {
            f->has_missing = false;
            for (size_t i = 0; i < n && !f->has_missing; i++)
                f->has_missing = isnan(x[i]);
            continue;
        }
        if (job->clip > 0 && scratch == NULL &&
            (scratch = ck__alloc_array(n, sizeof *scratch)) == NULL)
            return 1;
        fit_numeric(f, x, n, job->clip, scratch);
    }
    free(scratch);
    return 0;
}

int ck__logreg_fit_prep(ck_logreg *m, const ck_dataset *d, double clip, int n_threads,
                        ck_error *err)
{
    prep_job job = { m, d, clip };
    if (ck__parallel_for(ck_dataset_n_features(d), 1, n_threads, prep_features, &job) != 0)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__logreg_layout(m);
    return CK_OK;
}

/* ---- the design matrix -------------------------------------------------------------- */

void ck__logreg_block(const ck_logreg *m, const ck_dataset *d, size_t lo, size_t hi, double *out)
{
    size_t p = m->n_columns, n_features = ck_schema_n_features(m->schema);
    /* feature by feature over the block's rows: each column of the dataset is read in
     * order, and every entry of the block is written once */
    for (size_t j = 0; j < n_features; j++) {
        /* a copy: the stores into the block cannot then alias the feature's fields, which
         * the compiler would otherwise load again for every row */
        const ck_logreg_feature f = m->features[j];
        const float *col = ck_dataset_column(d, j);
        double *x = out + m->column[j];
        if (f.categorical) {
            for (size_t i = lo; i < hi; i++, x += p) {
                float v = col[i];
                for (size_t k = 0; k < f.n_levels; k++)
                    x[k] = 0.0;
                /* codes are exact small integers; anything else is an unseen level */
                if (v >= 0 && v < (float)f.n_levels)
                    x[(size_t)v] = 1.0;
                if (f.has_missing)
                    x[f.n_levels] = isnan(v) ? 1.0 : 0.0;
            }
        } else {
            /* z is NaN exactly when the value is missing (center and scale are finite) */
            for (size_t i = lo; i < hi; i++, x += p) {
                float v = col[i];
                x[0] = zero_if_nan(ck__logreg_z(&f, v));
                if (f.has_missing)
                    x[1] = (double)(v != v);
            }
        }
    }
    for (size_t i = lo; i < hi; i++)
        out[(i - lo) * p + p - 1] = 1.0;
}
