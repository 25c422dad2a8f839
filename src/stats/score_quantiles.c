/*
 * The stored score distribution (see stats.h): the 0th to 100th percentiles of a model's
 * scores, kept in the model file so that scoring can place a new score in it. Type-7
 * quantiles, Hyndman & Fan (1996), "Sample quantiles in statistical packages", The
 * American Statistician 50(4), definition 7 (numpy.percentile's and R's default):
 * h = (m − 1)·k/100, q_k = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋) over the m sorted scores.
 */
#include "churnkit/stats.h"

#include <math.h>
#include <stdlib.h>

#include "base/util.h"
#include "stats/metrics_int.h"

int ck_stats_score_quantiles(double *q, const double *scores, size_t n, ck_error *err)
{
    /* sorted by the metrics' radix sort (NaN first, left out); one spare slot: n = 0
     * still asks for a non-empty block */
    double *sorted = ck__alloc_array(n + 1, sizeof *sorted);
    if (sorted == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__ranked *order = NULL;
    int rc = ck__metrics_sort(&order, scores, n, err);
    if (rc < 0) {
        free(sorted);
        return rc;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(scores[order[i].row]))
            sorted[m++] = scores[order[i].row];
    free(order);
    for (int k = 0; k < CK_SCORE_QUANTILES; k++) {
        if (m == 0) {
            q[k] = NAN;
            continue;
        }
        double h = (double)(m - 1) * k / 100.0;
        size_t lo = (size_t)floor(h);
        q[k] = lo + 1 < m ? sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo])
                          : sorted[m - 1];
    }
    free(sorted);
    return CK_OK;
}
