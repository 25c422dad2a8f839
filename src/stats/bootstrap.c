/*
 * Percentile bootstrap intervals of ranking metrics (see metrics.h).
 *
 * Efron & Tibshirani (1993), "An Introduction to the Bootstrap", ch. 13: draw n rows with
 * replacement from the n rows, recompute the statistic, repeat; the interval at level L is
 * the (1 − L)/2 and (1 + L)/2 quantiles of the resample values.
 *
 * A resample only changes how many times each row counts, never the scores, so the rows
 * are sorted once per score and every resample is a walk over that order with the counts
 * as weights: O(n) per resample and score instead of a sort. The counts are small whole
 * numbers, exact in a float, and with whole weights the AUC's sums are exact (metrics.c),
 * so a resample's AUC is exactly the AUC of the resampled rows.
 *
 * Resample r draws its rows from random stream (seed, r) of the library's generator
 * (rng.h: xoshiro256** seeded by splitmix64), whichever thread runs it, so the intervals
 * depend on the seed alone. Drawing an index as ⌊u · n⌋ from a 53-bit uniform u biases each
 * row by at most n / 2^53 of its probability, far below the Monte Carlo error of any
 * number of resamples one can afford.
 *
 * Quantiles interpolate linearly between order statistics: Hyndman & Fan (1996), "Sample
 * quantiles in statistical packages", The American Statistician 50(4), definition 7 (R's
 * default, numpy's "linear"). A resample in which a statistic is undefined (one class
 * drawn only) is left out of that statistic's quantiles.
 */
#include "churnkit/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/rng.h"
#include "base/util.h"
#include "stats/metrics_int.h"

enum { STAT_AUC, STAT_AP, STAT_LIFT, N_STATS };

typedef struct job {
    const ck__ranked *const *orders; /* one sorted order per score */
    size_t n_scores, n;
    const float *label;
    uint64_t seed;
    size_t resamples;
    double *values; /* [score][stat][resample] */
    double *diff;   /* [resample]: AUC of score 1 − AUC of score 0, or NULL */
} job;

static int run_block(size_t lo, size_t hi, void *ctx)
{
    const job *jb = ctx;
    float *count = ck__alloc_array(jb->n, sizeof *count);
    if (count == NULL)
        return CK_ENOMEM;
    static const double top_decile[1] = { 0.1 };
    for (size_t r = lo; r < hi; r++) {
        ck__rng rng;
        ck__rng_seed(&rng, jb->seed, r);
        memset(count, 0, jb->n * sizeof *count);
        for (size_t i = 0; i < jb->n; i++)
            count[ck__rng_below(&rng, jb->n)] += 1.0f;
        for (size_t s = 0; s < jb->n_scores; s++) {
            const ck__ranked *order = jb->orders[s];
            double *v = jb->values + s * N_STATS * jb->resamples;
            v[STAT_AUC * jb->resamples + r] = ck__auc_sorted(order, jb->n, jb->label, count);
            v[STAT_AP * jb->resamples + r] = ck__ap_sorted(order, jb->n, jb->label, count);
            double pos, total, positives;
            ck__top_sorted(order, jb->n, jb->label, count, top_decile, 1, &pos, &total, &positives);
            v[STAT_LIFT * jb->resamples + r] =
                positives > 0.0 ? (pos / (0.1 * total)) / (positives / total) : NAN;
        }
        if (jb->diff)
            jb->diff[r] = jb->values[N_STATS * jb->resamples + STAT_AUC * jb->resamples + r] -
                          jb->values[STAT_AUC * jb->resamples + r];
    }
    free(count);
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The percentile interval of the defined values among v[0..len) (sorted in place, NaN
 * moved out first); returns how many were defined. */
static size_t percentile_interval(double *v, size_t len, double level, double out[2])
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (!isnan(v[i]))
            v[k++] = v[i];
    out[0] = out[1] = NAN;
    if (k == 0)
        return 0;
    qsort(v, k, sizeof *v, compare_doubles);
    const double q[2] = { 0.5 * (1.0 - level), 0.5 * (1.0 + level) };
    for (int e = 0; e < 2; e++) {
        double h = (double)(k - 1) * q[e];
        size_t i = (size_t)floor(h);
        out[e] = i + 1 < k ? v[i] + (h - (double)i) * (v[i + 1] - v[i]) : v[k - 1];
    }
    return k;
}

int ck_metrics_bootstrap(ck_bootstrap_ci *out, double diff_ci[2], const double *const *scores,
                         size_t n_scores, const float *label, size_t n,
                         const ck_bootstrap_opts *opts, ck_error *err)
{
    if (diff_ci)
        diff_ci[0] = diff_ci[1] = NAN;
    if (n_scores == 0 || n_scores > 64 || opts->resamples == 0 || opts->n_threads < 1 ||
        !(opts->level > 0.0 && opts->level < 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "bad bootstrap options (%zu scores, %zu resamples, level %g)", n_scores,
                            opts->resamples, opts->level);
    int rc = CK_OK;
    size_t b = opts->resamples;
    ck__ranked **orders = calloc(n_scores, sizeof *orders);
    double *values = ck__alloc_array(b, n_scores * N_STATS * sizeof *values);
    double *diff = n_scores >= 2 ? ck__alloc_array(b, sizeof *diff) : NULL;
    if (orders == NULL || values == NULL || (n_scores >= 2 && diff == NULL)) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < n_scores; s++)
        if ((rc = ck__metrics_sort(&orders[s], scores[s], n, err)) < 0)
            goto done;
    job jb = { (const ck__ranked *const *)orders, n_scores, n, label, opts->seed, b, values, diff };
    /* each worker allocates one count array: at least 4 resamples per worker keeps that
     * small next to the work */
    if (ck__parallel_for(b, 4, opts->n_threads, run_block, &jb) != 0) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < n_scores; s++) {
        double *v = values + s * N_STATS * b;
        out[s].n_valid = percentile_interval(v + STAT_AUC * b, b, opts->level, out[s].auc);
        percentile_interval(v + STAT_AP * b, b, opts->level, out[s].pr_auc);
        percentile_interval(v + STAT_LIFT * b, b, opts->level, out[s].top_decile_lift);
    }
    if (diff && diff_ci)
        percentile_interval(diff, b, opts->level, diff_ci);
done:
    for (size_t s = 0; orders && s < n_scores; s++)
        free(orders[s]);
    free(orders);
    free(diff);
    free(values);
    return rc;
}
