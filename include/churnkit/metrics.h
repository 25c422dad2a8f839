/**
 * @file metrics.h
 * @brief Ranking and probability metrics of churn scores against 0/1 labels.
 */
#ifndef CHURNKIT_METRICS_H
#define CHURNKIT_METRICS_H

#include <stddef.h>

#include "churnkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties
 * counting one half (Mann–Whitney U / (n₊ n₋)). Weights, when given, weigh each pair by
 * the product of its rows' weights.
 * @param weights NULL for unit weights
 * @param[out] out the AUC; NaN when one class is absent
 * @return CK_OK or CK_ENOMEM
 */
int ck_metrics_auc(double *out, const double *score, const float *label, const float *weights,
                   size_t n, ck_error *err);

/** Mean log loss of probabilities (clipped to [1e-15, 1 − 1e-15]), weighted when given. */
double ck_metrics_logloss(const double *prob, const float *label, const float *weights, size_t n);

#ifdef __cplusplus
}
#endif

#endif
