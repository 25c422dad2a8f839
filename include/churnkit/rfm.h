/**
 * @file rfm.h
 * @brief RFM quintile boundaries, scores 1–5 and named segments.
 *
 * Boundaries are the 20/40/60/80% quantiles of a population's values (linear
 * interpolation between order statistics, as numpy.quantile and R's type 7). A value's
 * score counts the boundaries it exceeds: frequency and monetary score
 * 1 + #{b : v > b}; recency, where fewer days is better, 5 − #{b : v > b}. Equal values
 * therefore always share a score, and stored boundaries score any later customer the same
 * way whatever the rest of the population does.
 */
#ifndef CHURNKIT_RFM_H
#define CHURNKIT_RFM_H

#include <stddef.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_config ck_config;

/**
 * The quintile boundaries of @p n values (NaN values are ignored).
 * @param[out] bounds  four ascending boundaries; all 0 when no value is finite
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_rfm_bounds(double bounds[4], const double *values, size_t n, ck_error *err);

/** The type-7 quantile @p q in [0, 1] of @p n ascending-sorted values (n ≥ 1). */
CK_API double ck_quantile_sorted(const double *sorted, size_t n, double q);

/** Score 1–5 of @p value against @p bounds; @p lower_is_better for recency. */
CK_API int ck_rfm_score(double value, const double bounds[4], int lower_is_better);

/** The named segment of an R and an F score (1–5) in the config's grid (borrowed). */
CK_API const char *ck_rfm_segment(const ck_config *cfg, int r_score, int f_score);

#ifdef __cplusplus
}
#endif

#endif
