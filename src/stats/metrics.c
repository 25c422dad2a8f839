/*
 * Point metrics of scores against labels, and the ranking curve (see metrics.h).
 *
 * Every ranking metric starts from one sort of the rows by score (ck__metrics_sort, a
 * radix sort below) and walks the tie groups: upwards for the AUC, downwards (riskiest
 * first) for everything that flags the top of the ranking.
 *
 * AUC is the Mann–Whitney U statistic divided by the number of (positive, negative) pairs:
 * Hanley & McNeil (1982), "The meaning and use of the area under a receiver operating
 * characteristic (ROC) curve", Radiology 143(1), eq. 2, with a tied pair counting one half.
 * Walking the tie groups upwards, a group with positive weight P_g and negative weight N_g
 * contributes
 *     P_g · (N_below + N_g / 2),
 * where N_below is the negative weight of all lower groups. Summed over the groups and
 * divided by P · N, this is the pair-weighted AUC with pair weight w_i · w_j, because the
 * sum over pairs factorises within each group.
 *
 * Average precision: Σ_k (R_k − R_{k−1}) P_k over the tie groups from the top, as
 * scikit-learn's average_precision_score (Zhu 2004, "Recall, precision and average
 * precision"; no interpolation, which Davis & Goadrich 2006, ICML, show to be optimistic).
 *
 * KS: the two-sample Kolmogorov–Smirnov statistic sup_t |F₊(t) − F₋(t)| (Kolmogorov 1933,
 * Smirnov 1948), evaluated after each tie group; the same value as scipy's ks_2samp.
 *
 * Cutting the ranking at a share q of the rows (gains, top fractions): a tie group that
 * straddles the cut contributes the share of its weight that lies above the cut, and the
 * same share of its positives: the expected count over random tie-breaking, and a result
 * that does not depend on the row order.
 *
 * Brier (1950), "Verification of forecasts expressed in terms of probability", Monthly
 * Weather Review 78(1): the mean of (p − y)². Calibration: equal-width reliability bins
 * and the expected calibration error of Naeini, Cooper & Hauskrecht (2015), AAAI, as
 * written by Guo et al. (2017), "On calibration of modern neural networks", ICML, eq. 3.
 *
 * Log loss: −[y log p + (1 − y) log(1 − p)], p clipped to [1e-15, 1 − 1e-15] as
 * scikit-learn's log_loss did up to 1.4, averaged with weights.
 *
 * Sums are compensated (metrics_int.h) and always run in sorted order (score, then row
 * index), so results are the same on every platform. Without weights every partial sum of
 * the AUC is a multiple of one half below 2^52 for n up to about 9·10^7 rows, hence exact.
 */
#include "churnkit/metrics.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "stats/metrics_int.h"

#define LOGLOSS_EPS 1e-15

/* ---- sorting ------------------------------------------------------------------------ */

/* An order-preserving map of doubles to unsigned integers: flip every bit of a negative
 * number, only the sign bit of a positive one. NaN maps to 0, below −inf (whose key is
 * 0x000fffffffffffff), and −0 to the key of +0, so equal keys are exactly equal scores. */
static uint64_t score_key(double x)
{
    if (isnan(x))
        return 0;
    if (x == 0.0)
        x = 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
}

/* Stable LSD radix sort of the keys in RADIX_BITS-bit digits (Knuth, TAOCP vol. 3, 5.2.5):
 * rows start in input order, so equal scores end in row order and the sort is a total
 * order, whatever the platform. Digits on which every key agrees are skipped. The result
 * is in *a or *b; returns which. Linear passes instead of qsort's comparator calls: 3.6
 * times faster on a million random scores (80 ms against 295 ms here). */
#define RADIX_BITS   11
#define RADIX_SIZE   ((size_t)1 << RADIX_BITS)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)

static ck__ranked *radix_sort(ck__ranked *a, ck__ranked *b, size_t n, size_t (*count)[RADIX_SIZE])
{
    memset(count, 0, RADIX_PASSES * sizeof count[0]);
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < RADIX_PASSES; p++)
            count[p][(a[i].key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    for (int p = 0; p < RADIX_PASSES; p++) {
        size_t *c = count[p];
        if (n == 0 || c[(a[0].key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)] == n)
            continue;
        size_t offset = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t k = c[d];
            c[d] = offset;
            offset += k;
        }
        for (size_t i = 0; i < n; i++)
            b[c[(a[i].key >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++] = a[i];
        ck__ranked *t = a;
        a = b;
        b = t;
    }
    return a;
}

int ck__metrics_sort(ck__ranked **out, const double *score, size_t n, ck_error *err)
{
    *out = NULL;
    ck__ranked *a = ck__alloc_array(n, sizeof *a);
    ck__ranked *b = ck__alloc_array(n, sizeof *b);
    size_t(*count)[RADIX_SIZE] = ck__alloc_array(RADIX_PASSES, sizeof *count);
    if (a == NULL || b == NULL || count == NULL) {
        free(count);
        free(b);
        free(a);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        a[i].key = score_key(score[i]);
        a[i].row = i;
    }
    ck__ranked *sorted = radix_sort(a, b, n, count);
    free(count);
    free(sorted == a ? b : a);
    *out = sorted;
    return CK_OK;
}

/* The weights of a tie group [i, j) of the sorted rows: positives, negatives. */
static void group_weights(const ck__ranked *order, size_t i, size_t j, const float *label,
                          const float *weights, double *pos_out, double *neg_out)
{
    ck__ksum pos = { 0, 0 }, neg = { 0, 0 };
    for (size_t k = i; k < j; k++) {
        size_t row = order[k].row;
        ck__ksum_add(label[row] > 0.5f ? &pos : &neg, ck__weight(weights, row));
    }
    *pos_out = ck__ksum_value(&pos);
    *neg_out = ck__ksum_value(&neg);
}

/* ---- AUC and average precision ---------------------------------------------------------- */

double ck__auc_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights)
{
    ck__ksum pos_total = { 0, 0 }, neg_below = { 0, 0 }, pairs = { 0, 0 };
    for (size_t i = 0, j; i < n; i = j) {
        j = ck__group_end(order, n, i);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        ck__ksum_add(&pairs, p * ck__ksum_value(&neg_below));
        ck__ksum_add(&pairs, p * (0.5 * q));
        ck__ksum_add(&pos_total, p);
        ck__ksum_add(&neg_below, q);
    }
    double denom = ck__ksum_value(&pos_total) * ck__ksum_value(&neg_below);
    return denom > 0.0 ? ck__ksum_value(&pairs) / denom : NAN;
}

int ck_metrics_auc(double *out, const double *score, const float *label, const float *weights,
                   size_t n, ck_error *err)
{
    *out = NAN;
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    *out = ck__auc_sorted(order, n, label, weights);
    free(order);
    return CK_OK;
}

/* The start of the tie group that ends just before sorted position `end` (> 0). */
static size_t group_start(const ck__ranked *order, size_t end)
{
    size_t i = end - 1;
    while (i > 0 && order[i - 1].key == order[end - 1].key)
        i--;
    return i;
}

double ck__ap_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights)
{
    ck__ksum tp = { 0, 0 }, fp = { 0, 0 }, area = { 0, 0 };
    for (size_t j = n, i; j > 0; j = i) {
        i = group_start(order, j);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        ck__ksum_add(&tp, p);
        ck__ksum_add(&fp, q);
        double flagged = ck__ksum_value(&tp) + ck__ksum_value(&fp);
        if (p > 0.0 && flagged > 0.0)
            ck__ksum_add(&area, p * (ck__ksum_value(&tp) / flagged));
    }
    double positives = ck__ksum_value(&tp);
    return positives > 0.0 ? ck__ksum_value(&area) / positives : NAN;
}

int ck_metrics_average_precision(double *out, const double *score, const float *label,
                                 const float *weights, size_t n, ck_error *err)
{
    *out = NAN;
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    *out = ck__ap_sorted(order, n, label, weights);
    free(order);
    return CK_OK;
}

/* ---- KS and the curve -------------------------------------------------------------------- */

int ck_metrics_curve(ck_curve_point *points, size_t *n_points, const double *score,
                     const float *label, const float *weights, size_t n, ck_error *err)
{
    *n_points = 0;
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    ck__ksum tp = { 0, 0 }, fp = { 0, 0 };
    size_t k = 0;
    for (size_t j = n, i; j > 0; j = i) {
        i = group_start(order, j);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        ck__ksum_add(&tp, p);
        ck__ksum_add(&fp, q);
        points[k].threshold = score[order[i].row];
        points[k].tp = ck__ksum_value(&tp);
        points[k].fp = ck__ksum_value(&fp);
        k++;
    }
    free(order);
    *n_points = k;
    return CK_OK;
}

int ck_metrics_ks(double *out, const double *score, const float *label, const float *weights,
                  size_t n, ck_error *err)
{
    *out = NAN;
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    /* totals first: the distance needs both rates after every group */
    double pos_total, neg_total;
    group_weights(order, 0, n, label, weights, &pos_total, &neg_total);
    if (pos_total > 0.0 && neg_total > 0.0) {
        ck__ksum tp = { 0, 0 }, fp = { 0, 0 };
        double best = 0.0;
        for (size_t j = n, i; j > 0; j = i) {
            i = group_start(order, j);
            double p, q;
            group_weights(order, i, j, label, weights, &p, &q);
            ck__ksum_add(&tp, p);
            ck__ksum_add(&fp, q);
            double d = fabs(ck__ksum_value(&tp) / pos_total - ck__ksum_value(&fp) / neg_total);
            if (d > best)
                best = d;
        }
        *out = best;
    }
    free(order);
    return CK_OK;
}

/* ---- cutting the ranking at shares of the rows ------------------------------------------ */

/* The total weight and positives' weight, summed group by group from the top: the same
 * sums, in the same order, as the walks below, so the last group ends exactly at *total. */
static void totals_from_top(const ck__ranked *order, size_t n, const float *label,
                            const float *weights, double *total, double *positives)
{
    ck__ksum w = { 0, 0 }, pos = { 0, 0 };
    for (size_t j = n, i; j > 0; j = i) {
        i = group_start(order, j);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        ck__ksum_add(&w, p + q);
        ck__ksum_add(&pos, p);
    }
    *total = ck__ksum_value(&w);
    *positives = ck__ksum_value(&pos);
}

void ck__top_sorted(const ck__ranked *order, size_t n, const float *label, const float *weights,
                    const double *fractions, size_t n_fractions, double *pos_out, double *total_out,
                    double *positives_out)
{
    double total, positives;
    totals_from_top(order, n, label, weights, &total, &positives);
    for (size_t k = 0; k < n_fractions; k++)
        pos_out[k] = fractions[k] >= 1.0 ? positives : 0.0;
    ck__ksum cum = { 0, 0 }, cum_pos = { 0, 0 };
    for (size_t j = n, i; j > 0; j = i) {
        i = group_start(order, j);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        double lo = ck__ksum_value(&cum), w = p + q;
        ck__ksum_add(&cum, w);
        double hi = ck__ksum_value(&cum);
        for (size_t k = 0; k < n_fractions; k++) {
            double cut = fractions[k] * total;
            if (fractions[k] > 0.0 && fractions[k] < 1.0 && cut > lo && cut <= hi && w > 0.0)
                pos_out[k] = ck__ksum_value(&cum_pos) + p * ((cut - lo) / w);
        }
        ck__ksum_add(&cum_pos, p);
    }
    if (total_out)
        *total_out = total;
    if (positives_out)
        *positives_out = positives;
}

int ck_metrics_top(ck_top_fraction *out, const double *fractions, size_t n_fractions,
                   const double *score, const float *label, const float *weights, size_t n,
                   ck_error *err)
{
    for (size_t k = 0; k < n_fractions; k++)
        if (!(fractions[k] > 0.0 && fractions[k] <= 1.0))
            return ck_error_set(err, CK_EINVAL, NULL, 0, "bad fraction %g: expected (0, 1]",
                                fractions[k]);
    double *pos = ck__alloc_array(n_fractions, sizeof *pos);
    if (pos == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0) {
        free(pos);
        return rc;
    }
    double total, positives;
    ck__top_sorted(order, n, label, weights, fractions, n_fractions, pos, &total, &positives);
    double base_rate = total > 0.0 ? positives / total : NAN;
    for (size_t k = 0; k < n_fractions; k++) {
        ck_top_fraction *t = &out[k];
        t->fraction = fractions[k];
        t->rows = fractions[k] * total;
        t->positives = pos[k];
        t->precision = t->rows > 0.0 ? pos[k] / t->rows : NAN;
        t->recall = positives > 0.0 ? pos[k] / positives : NAN;
        t->lift = base_rate > 0.0 ? t->precision / base_rate : NAN;
    }
    free(order);
    free(pos);
    return CK_OK;
}

int ck_metrics_gains(ck_gains_row *groups, size_t n_groups, const double *score, const float *label,
                     const float *weights, size_t n, ck_error *err)
{
    if (n_groups == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a gains table needs at least one group");
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    double total, positives;
    totals_from_top(order, n, label, weights, &total, &positives);
    for (size_t g = 0; g < n_groups; g++)
        groups[g] = (ck_gains_row){ 0, 0, NAN, NAN, NAN, NAN, 0, 0, NAN, NAN };

    /* group g covers the weight (cut(g), cut(g + 1)] from the top; cut(n_groups) is the
     * total itself, which the running sum reaches exactly (totals_from_top) */
    ck__ksum cum = { 0, 0 };
    size_t g = 0;
    for (size_t j = n, i; j > 0 && g < n_groups; j = i) {
        i = group_start(order, j);
        double p, q;
        group_weights(order, i, j, label, weights, &p, &q);
        double w = p + q, lo = ck__ksum_value(&cum);
        ck__ksum_add(&cum, w);
        double hi = ck__ksum_value(&cum), s = score[order[i].row];
        while (g < n_groups && w > 0.0) {
            double cut_lo = total * (double)g / (double)n_groups;
            double cut_hi = g + 1 == n_groups ? total : total * (double)(g + 1) / (double)n_groups;
            double a = fmax(lo, cut_lo), b = fmin(hi, cut_hi);
            if (b > a) {
                ck_gains_row *r = &groups[g];
                r->rows += b - a;
                r->positives += p * ((b - a) / w);
                /* fmin/fmax ignore the NaN the fields start with */
                r->min_score = fmin(r->min_score, s);
                r->max_score = fmax(r->max_score, s);
            }
            if (hi < cut_hi)
                break;
            g++;
            if (hi == cut_hi)
                break;
        }
    }
    free(order);

    double base_rate = total > 0.0 ? positives / total : NAN;
    double cum_rows = 0.0, cum_pos = 0.0;
    for (g = 0; g < n_groups; g++) {
        ck_gains_row *r = &groups[g];
        cum_rows += r->rows;
        cum_pos += r->positives;
        r->cum_rows = cum_rows;
        r->cum_positives = cum_pos;
        r->rate = r->rows > 0.0 ? r->positives / r->rows : NAN;
        r->lift = base_rate > 0.0 ? r->rate / base_rate : NAN;
        r->cum_gain = positives > 0.0 ? cum_pos / positives : NAN;
        r->cum_lift = base_rate > 0.0 && cum_rows > 0.0 ? cum_pos / cum_rows / base_rate : NAN;
    }
    return CK_OK;
}

int ck_metrics_top_threshold(double *out, double fraction, const double *score,
                             const float *weights, size_t n, ck_error *err)
{
    *out = NAN;
    if (!(fraction > 0.0 && fraction <= 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bad fraction %g: expected (0, 1]", fraction);
    ck__ranked *order;
    int rc = ck__metrics_sort(&order, score, n, err);
    if (rc < 0)
        return rc;
    ck__ksum total = { 0, 0 };
    for (size_t j = n; j > 0; j--)
        ck__ksum_add(&total, ck__weight(weights, order[j - 1].row));
    double cut = fraction * ck__ksum_value(&total);
    ck__ksum cum = { 0, 0 };
    for (size_t j = n, i; j > 0; j = i) {
        i = group_start(order, j);
        double s = score[order[i].row];
        if (isnan(s))
            break; /* NaN scores are never flagged: keep the lowest number */
        for (size_t k = i; k < j; k++)
            ck__ksum_add(&cum, ck__weight(weights, order[k].row));
        *out = s;
        if (ck__ksum_value(&cum) >= cut)
            break;
    }
    free(order);
    return CK_OK;
}

/* ---- thresholds and probabilities -------------------------------------------------------- */

void ck_metrics_confusion(ck_confusion *out, double threshold, const double *score,
                          const float *label, const float *weights, size_t n)
{
    ck__ksum cell[4] = { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 } }; /* tp, fp, fn, tn */
    for (size_t i = 0; i < n; i++) {
        bool positive = label[i] > 0.5f, flagged = score[i] >= threshold;
        ck__ksum_add(&cell[flagged ? (positive ? 0 : 1) : (positive ? 2 : 3)],
                     ck__weight(weights, i));
    }
    double tp = ck__ksum_value(&cell[0]), fp = ck__ksum_value(&cell[1]);
    double fn = ck__ksum_value(&cell[2]), tn = ck__ksum_value(&cell[3]);
    double all = tp + fp + fn + tn;
    out->threshold = threshold;
    out->tp = tp;
    out->fp = fp;
    out->fn = fn;
    out->tn = tn;
    out->precision = tp + fp > 0.0 ? tp / (tp + fp) : NAN;
    out->recall = tp + fn > 0.0 ? tp / (tp + fn) : NAN;
    out->specificity = tn + fp > 0.0 ? tn / (tn + fp) : NAN;
    out->accuracy = all > 0.0 ? (tp + tn) / all : NAN;
    out->f1 = 2 * tp + fp + fn > 0.0 ? 2 * tp / (2 * tp + fp + fn) : NAN;
    out->flagged_rate = all > 0.0 ? (tp + fp) / all : NAN;
}

double ck_metrics_logloss(const double *prob, const float *label, const float *weights, size_t n)
{
    ck__ksum loss = { 0, 0 }, weight = { 0, 0 };
    for (size_t i = 0; i < n; i++) {
        double p = prob[i];
        /* Comparisons leave a NaN probability NaN, so it shows in the result. */
        if (p < LOGLOSS_EPS)
            p = LOGLOSS_EPS;
        if (p > 1.0 - LOGLOSS_EPS)
            p = 1.0 - LOGLOSS_EPS;
        double w = ck__weight(weights, i);
        double y = (double)label[i];
        double l = -(y * log(p) + (1.0 - y) * log1p(-p));
        ck__ksum_add(&loss, w * l);
        ck__ksum_add(&weight, w);
    }
    double total = ck__ksum_value(&weight);
    return total > 0.0 ? ck__ksum_value(&loss) / total : NAN;
}

double ck_metrics_brier(const double *prob, const float *label, const float *weights, size_t n)
{
    ck__ksum loss = { 0, 0 }, weight = { 0, 0 };
    for (size_t i = 0; i < n; i++) {
        double w = ck__weight(weights, i);
        double d = prob[i] - (label[i] > 0.5f ? 1.0 : 0.0);
        ck__ksum_add(&loss, w * d * d);
        ck__ksum_add(&weight, w);
    }
    double total = ck__ksum_value(&weight);
    return total > 0.0 ? ck__ksum_value(&loss) / total : NAN;
}

int ck_metrics_calibration(ck_calibration_bin *bins, size_t n_bins, double *ece_out,
                           const double *prob, const float *label, const float *weights, size_t n,
                           ck_error *err)
{
    if (ece_out)
        *ece_out = NAN;
    if (n_bins == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a reliability table needs at least one bin");
    for (size_t i = 0; i < n; i++)
        if (!(prob[i] >= 0.0 && prob[i] <= 1.0))
            return ck_error_set(err, CK_EINVAL, NULL, 0, "row %zu: probability %g is not in [0, 1]",
                                i + 1, prob[i]);
    ck__ksum *sums = ck__alloc_array(n_bins, 3 * sizeof *sums); /* rows, Σ w p, Σ w y */
    if (sums == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    memset(sums, 0, n_bins * 3 * sizeof *sums);
    for (size_t i = 0; i < n; i++) {
        /* bin b holds [b / B, (b + 1) / B); p = 1 joins the last bin */
        size_t b = (size_t)(prob[i] * (double)n_bins);
        if (b >= n_bins)
            b = n_bins - 1;
        double w = ck__weight(weights, i);
        ck__ksum_add(&sums[3 * b], w);
        ck__ksum_add(&sums[3 * b + 1], w * prob[i]);
        ck__ksum_add(&sums[3 * b + 2], label[i] > 0.5f ? w : 0.0);
    }
    ck__ksum total = { 0, 0 }, gap = { 0, 0 };
    for (size_t b = 0; b < n_bins; b++) {
        ck_calibration_bin *bin = &bins[b];
        bin->lo = (double)b / (double)n_bins;
        bin->hi = (double)(b + 1) / (double)n_bins;
        bin->rows = ck__ksum_value(&sums[3 * b]);
        bin->mean_prob = bin->rows > 0.0 ? ck__ksum_value(&sums[3 * b + 1]) / bin->rows : NAN;
        bin->positive_rate = bin->rows > 0.0 ? ck__ksum_value(&sums[3 * b + 2]) / bin->rows : NAN;
        ck__ksum_add(&total, bin->rows);
        if (bin->rows > 0.0)
            ck__ksum_add(&gap, bin->rows * fabs(bin->positive_rate - bin->mean_prob));
    }
    free(sums);
    if (ece_out && ck__ksum_value(&total) > 0.0)
        *ece_out = ck__ksum_value(&gap) / ck__ksum_value(&total);
    return CK_OK;
}
