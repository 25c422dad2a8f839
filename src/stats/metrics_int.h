/*
 * What the metrics files share (metrics.c: point metrics and curves; delong.c: DeLong's
 * test; bootstrap.c: percentile intervals): compensated sums and the sort of rows by score
 * into tie groups.
 */
#ifndef CK_METRICS_INT_H
#define CK_METRICS_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"

/* Neumaier's improved Kahan–Babuška summation (Neumaier 1974, "Rundungsfehleranalyse
 * einiger Verfahren zur Summation endlicher Summen", ZAMM 54): sum + comp is the total. */
typedef struct ck__ksum {
    double sum, comp;
} ck__ksum;

static inline void ck__ksum_add(ck__ksum *s, double x)
{
    double t = s->sum + x;
    if (fabs(s->sum) >= fabs(x))
        s->comp += (s->sum - t) + x;
    else
        s->comp += (x - t) + s->sum;
    s->sum = t;
}

static inline double ck__ksum_value(const ck__ksum *s)
{
    return s->sum + s->comp;
}

/* A row and its score mapped so that unsigned order is numeric order; equal keys are
 * exactly equal scores (−0 and +0 share one key), and NaN has the lowest key of all. */
typedef struct ck__ranked {
    uint64_t key;
    size_t row;
} ck__ranked;

/* The rows sorted by ascending score, ties in row order, NaN scores first (one tie group
 * below every number): a total order, the same on every platform. Allocates *out (n
 * items, at least one byte); the caller frees it with free().
 * Returns CK_OK or CK_ENOMEM. */
int ck__metrics_sort(ck__ranked **out, const double *score, size_t n, ck_error *err);

/* Where the tie group holding sorted position i ends: the first position after it. */
static inline size_t ck__group_end(const ck__ranked *order, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && order[j].key == order[i].key)
        j++;
    return j;
}

/* Row i's weight: 1 without weights. */
static inline double ck__weight(const float *weights, size_t row)
{
    return weights ? (double)weights[row] : 1.0;
}

/* Walks over rows already sorted (ck__metrics_sort), for callers that score the same
 * ranking many times with other weights (the bootstrap draws weights, not rows). */

/* The weighted AUC (see ck_metrics_auc); NaN when a class is absent. */
double ck__auc_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights);

/* Average precision (see ck_metrics_average_precision); NaN without positives. */
double ck__ap_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights);

/* The positives' weight among the top fractions[k] of the total weight (fractions in
 * [0, 1], any order), a tie group across a cut counted in proportion; *total_out and
 * *positives_out (either may be NULL) get the total weight and the positives' weight. */
void ck__top_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights,
                    const double *fractions, size_t n_fractions, double *pos_out, double *total_out,
                    double *positives_out);

#endif
