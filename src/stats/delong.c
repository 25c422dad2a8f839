/*
 * DeLong's test for the difference of two correlated AUCs (see metrics.h).
 *
 * DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more
 * correlated receiver operating characteristic curves: a nonparametric approach",
 * Biometrics 44(3), 837–845. With m positives X_i and n negatives Y_j, and the kernel
 * ψ(x, y) = 1 when x > y, 1/2 when x = y, 0 otherwise, each row has a structural component
 * (a placement value) per model r:
 *     V10_r(X_i) = (1/n) Σ_j ψ(X_i, Y_j)    the share of negatives a positive outranks,
 *     V01_r(Y_j) = (1/m) Σ_i ψ(X_i, Y_j)    the share of positives that outrank a negative;
 * both average to AUC_r. With S10 and S01 the 2×2 sample covariance matrices (divisor
 * m − 1 and n − 1) of the components over the positives and over the negatives,
 *     S = S10 / m + S01 / n
 * is the covariance matrix of (AUC_a, AUC_b), and the difference AUC_b − AUC_a has the
 * variance S_aa + S_bb − 2 S_ab; z = diff / se is asymptotically standard normal.
 *
 * Sun & Xu (2014), "Fast implementation of DeLong's algorithm for comparing the areas
 * under correlated receiver operating characteristic curves", IEEE Signal Processing
 * Letters 21(11), 1389–1393: the components follow from mid-ranks, V10(X_i) =
 * (T_Z(X_i) − T_X(X_i)) / n with T_Z the mid-rank among all rows and T_X among positives.
 * One walk up the sorted tie groups gives the same thing directly: a positive in a group
 * with N_g negatives, above N_below negatives, has V10 = (N_below + N_g / 2) / n; a
 * negative in a group with P_g positives, below P_above positives, has
 * V01 = (P_above + P_g / 2) / m. O(n log n) for the sort, O(n) after it, instead of the
 * O(m n) of the definition.
 *
 * The p-value is two-sided, 2 (1 − Φ(|z|)), and the interval diff ± Φ⁻¹((1 + level)/2) se,
 * with Φ from stats.c.
 */
#include "churnkit/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "base/util.h"
#include "churnkit/stats.h"
#include "stats/metrics_int.h"

/* The components of one model: v10 over the positives, v01 over the negatives, each in
 * row order; pos_index / neg_index map a row to its place among its class. */
static int components(const double *score, const float *label, size_t n, size_t m_pos, size_t n_neg,
                      const size_t *index, double *v10, double *v01, double *auc, ck_error *err)
{
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    *auc = ck__auc_sorted(order, n, label, NULL);
    double pos_below = 0, neg_below = 0; /* counts: exact in doubles */
    for (size_t i = 0, j; i < n; i = j) {
        j = ck__group_end(order, n, i);
        double pg = 0, ng = 0;
        for (size_t k = i; k < j; k++) {
            if (label[order[k].row] > 0.5f)
                pg++;
            else
                ng++;
        }
        double pos_above = (double)m_pos - pos_below - pg;
        for (size_t k = i; k < j; k++) {
            size_t row = order[k].row;
            if (label[row] > 0.5f)
                v10[index[row]] = (neg_below + 0.5 * ng) / (double)n_neg;
            else
                v01[index[row]] = (pos_above + 0.5 * pg) / (double)m_pos;
        }
        pos_below += pg;
        neg_below += ng;
    }
    free(order);
    return CK_OK;
}

/* The sample covariance (divisor len − 1) of x and y, compensated, in index order. */
static double covariance(const double *x, const double *y, size_t len)
{
    ck__ksum sx = { 0, 0 }, sy = { 0, 0 }, sxy = { 0, 0 };
    for (size_t i = 0; i < len; i++) {
        ck__ksum_add(&sx, x[i]);
        ck__ksum_add(&sy, y[i]);
    }
    double mx = ck__ksum_value(&sx) / (double)len, my = ck__ksum_value(&sy) / (double)len;
    for (size_t i = 0; i < len; i++)
        ck__ksum_add(&sxy, (x[i] - mx) * (y[i] - my));
    return ck__ksum_value(&sxy) / (double)(len - 1);
}

int ck_metrics_delong(ck_delong *out, const double *score_a, const double *score_b,
                      const float *label, size_t n, double level, ck_error *err)
{
    *out = (ck_delong){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, { NAN, NAN } };
    if (!(level > 0.0 && level < 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bad confidence level %g: expected (0, 1)",
                            level);
    size_t m_pos = 0;
    for (size_t i = 0; i < n; i++)
        m_pos += label[i] > 0.5f;
    size_t n_neg = n - m_pos;
    if (m_pos < 2 || n_neg < 2)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "DeLong's test needs at least 2 rows of each class (have %zu "
                            "positive, %zu negative)",
                            m_pos, n_neg);
    int rc = CK_OK;
    size_t *index = ck__alloc_array(n, sizeof *index);
    double *v10 = ck__alloc_array(m_pos, 2 * sizeof *v10); /* model a, then model b */
    double *v01 = ck__alloc_array(n_neg, 2 * sizeof *v01);
    if (index == NULL || v10 == NULL || v01 == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0, p = 0, q = 0; i < n; i++)
        index[i] = label[i] > 0.5f ? p++ : q++;
    if ((rc = components(score_a, label, n, m_pos, n_neg, index, v10, v01, &out->auc_a, err)) < 0 ||
        (rc = components(score_b, label, n, m_pos, n_neg, index, v10 + m_pos, v01 + n_neg,
                         &out->auc_b, err)) < 0)
        goto done;

    double m = (double)m_pos, k = (double)n_neg;
    out->var_a = covariance(v10, v10, m_pos) / m + covariance(v01, v01, n_neg) / k;
    out->var_b = covariance(v10 + m_pos, v10 + m_pos, m_pos) / m +
                 covariance(v01 + n_neg, v01 + n_neg, n_neg) / k;
    out->cov = covariance(v10, v10 + m_pos, m_pos) / m + covariance(v01, v01 + n_neg, n_neg) / k;
    out->diff = out->auc_b - out->auc_a;
    /* identical scores give a variance of 0 up to rounding, which may be slightly negative */
    double var = out->var_a + out->var_b - 2.0 * out->cov;
    out->se = sqrt(fmax(var, 0.0));
    if (out->se > 0.0)
        out->z = out->diff / out->se;
    else
        out->z = out->diff == 0.0 ? 0.0 : copysign(INFINITY, out->diff);
    out->p = fmin(1.0, 2.0 * ck_stats_normal_sf(fabs(out->z)));
    double zq = ck_stats_normal_quantile(0.5 + 0.5 * level);
    out->ci[0] = out->diff - zq * out->se;
    out->ci[1] = out->diff + zq * out->se;
done:
    free(v01);
    free(v10);
    free(index);
    return rc;
}
