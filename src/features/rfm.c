/*
 * RFM scoring (see rfm.h). Quantiles: Hyndman & Fan (1996), "Sample quantiles in
 * statistical packages", definition 7: h = (n − 1)q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 */
#include "churnkit/rfm.h"

#include <math.h>
#include <stdlib.h>

#include "base/util.h"
#include "churnkit/config.h"

double ck_quantile_sorted(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

int ck_rfm_bounds(double bounds[4], const double *values, size_t n, ck_error *err)
{
    double *sorted = ck__alloc_array(n, sizeof *sorted);
    if (sorted == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            sorted[m++] = values[i];
    qsort(sorted, m, sizeof *sorted, compare_double);
    for (int k = 0; k < 4; k++)
        bounds[k] = m ? ck_quantile_sorted(sorted, m, (k + 1) / 5.0) : 0.0;
    free(sorted);
    return CK_OK;
}

int ck_rfm_score(double value, const double bounds[4], int lower_is_better)
{
    int exceeded = 0;
    for (int k = 0; k < 4; k++)
        exceeded += value > bounds[k];
    return lower_is_better ? 5 - exceeded : 1 + exceeded;
}

const char *ck_rfm_segment(const ck_config *cfg, int r_score, int f_score)
{
    if (r_score < 1 || r_score > 5 || f_score < 1 || f_score > 5)
        return "";
    return cfg->rfm_segments[r_score - 1][f_score - 1];
}
