/*
 * Tests of metrics.h: AUC against a brute-force count over every (positive, negative)
 * pair on random data with many ties, with and without weights; hand-worked small cases;
 * log loss against hand values and its clipping; average precision and KS against their
 * O(n²) definitions and hand values (confirmed with scikit-learn's
 * average_precision_score and scipy's ks_2samp); Brier, ECE, the gains table, the top of
 * the ranking, thresholds and the confusion matrix on hand-worked cases; DeLong's test
 * against an O(m n) implementation of the paper's definitions here and against values from
 * an independent Python implementation (tests/data/metrics/delong_reference.py, numpy and
 * scipy); the bootstrap reproducible by seed and thread count, and consistent with DeLong.
 *
 * The brute force is the definition itself, O(n²): for each pair, 1 when the positive
 * scores higher, 1/2 on a tie, weighted by w_i · w_j, summed in long double. Unweighted,
 * both sides count multiples of one half far below 2^52, so they agree exactly (tolerance
 * 0). Weighted, the sums are rounded in different orders; the tolerance is 1e-12, far above
 * the ~1e-15 both methods achieve and far below any error in the algorithm.
 */
#include "churnkit/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"

#define N_RANDOM 1500

/* A fixed-seed stream of test data (base/rng.h's splitmix64). */
static uint64_t next_u64(uint64_t *state)
{
    return ck__splitmix64(state);
}

static double next_unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

static double brute_auc(const double *score, const float *label, const float *weights, size_t n)
{
    long double num = 0, pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        long double wi = weights ? weights[i] : 1.0f;
        if (label[i] > 0.5f)
            pos += wi;
        else
            neg += wi;
        if (label[i] <= 0.5f)
            continue;
        for (size_t j = 0; j < n; j++) {
            if (label[j] > 0.5f)
                continue;
            long double wj = weights ? weights[j] : 1.0f;
            if (score[i] > score[j])
                num += wi * wj;
            else if (score[i] == score[j])
                num += 0.5L * wi * wj;
        }
    }
    if (pos * neg <= 0)
        return NAN;
    return (double)(num / (pos * neg));
}

static double auc(const double *score, const float *label, const float *weights, size_t n)
{
    ck_error err = { 0 };
    double out = -1;
    CHECK_OK(ck_metrics_auc(&out, score, label, weights, n, &err));
    return out;
}

/* Scores are integers 0..9 (so ties are everywhere), the label leans on the score. */
static void make_random(double *score, float *label, float *weights, size_t n, uint64_t seed)
{
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++) {
        score[i] = (double)(next_u64(&state) % 10);
        label[i] = next_unit(&state) < 0.1 + 0.06 * score[i] ? 1.0f : 0.0f;
        weights[i] = (float)(0.05 + 2.0 * next_unit(&state));
    }
}

static void test_metrics__auc_matches_brute_force_with_ties(void)
{
    static double score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM];
    for (uint64_t seed = 1; seed <= 4; seed++) {
        make_random(score, label, weights, N_RANDOM, seed);
        double want = brute_auc(score, label, NULL, N_RANDOM);
        CHECK(want > 0.5 && want < 1.0);
        CHECK_NEAR(auc(score, label, NULL, N_RANDOM), want, 0.0);
        /* a prefix, so the class sizes and the tie groups change */
        CHECK_NEAR(auc(score, label, NULL, 101), brute_auc(score, label, NULL, 101), 0.0);
    }
}

static void test_metrics__weighted_auc_matches_brute_force(void)
{
    static double score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM];
    for (uint64_t seed = 11; seed <= 14; seed++) {
        make_random(score, label, weights, N_RANDOM, seed);
        double want = brute_auc(score, label, weights, N_RANDOM);
        CHECK_NEAR(auc(score, label, weights, N_RANDOM), want, 1e-12);
        /* weights change the answer (the data would not show a weighting bug otherwise) */
        CHECK(fabs(want - brute_auc(score, label, NULL, N_RANDOM)) > 1e-6);
    }
    /* unit weights are the unweighted AUC, exactly */
    for (size_t i = 0; i < N_RANDOM; i++)
        weights[i] = 1.0f;
    CHECK_NEAR(auc(score, label, weights, N_RANDOM), auc(score, label, NULL, N_RANDOM), 0.0);
    /* an integer weight is the row repeated */
    static double score2[N_RANDOM + 1];
    static float label2[N_RANDOM + 1];
    for (size_t i = 0; i < N_RANDOM; i++) {
        score2[i] = score[i];
        label2[i] = label[i];
    }
    score2[N_RANDOM] = score[7];
    label2[N_RANDOM] = label[7];
    weights[7] = 2.0f;
    CHECK_NEAR(auc(score, label, weights, N_RANDOM), auc(score2, label2, NULL, N_RANDOM + 1),
               1e-15);
}

/* Scores across the whole range of doubles: signs, zeros of both signs, subnormals,
 * infinities, neighbours one ulp apart. The brute force compares the doubles themselves. */
static void test_metrics__auc_orders_every_double(void)
{
    static const double pool[] = {
        -INFINITY, -1e300, -3.5, -1.0000000000000002, -1.0,  -1e-300, -0.0, 0.0, 5e-324,
        1e-300,    0.25,   1.0,  1.0000000000000002,  1e300, INFINITY
    };
    const size_t n_pool = sizeof pool / sizeof pool[0];
    static double score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM];
    uint64_t state = 31;
    for (size_t i = 0; i < N_RANDOM; i++) {
        size_t k = next_u64(&state) % n_pool;
        score[i] = pool[k];
        label[i] = next_unit(&state) < 0.2 + 0.6 * (double)k / (double)n_pool ? 1.0f : 0.0f;
        weights[i] = (float)(0.05 + 2.0 * next_unit(&state));
    }
    CHECK_NEAR(auc(score, label, NULL, N_RANDOM), brute_auc(score, label, NULL, N_RANDOM), 0.0);
    CHECK_NEAR(auc(score, label, weights, N_RANDOM), brute_auc(score, label, weights, N_RANDOM),
               1e-12);
}

static void test_metrics__auc_ignores_row_order(void)
{
    static double score[N_RANDOM], shuffled_score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM], shuffled_label[N_RANDOM],
        shuffled_weights[N_RANDOM];
    make_random(score, label, weights, N_RANDOM, 21);
    /* reverse order: equal scores meet the sum in another row order */
    for (size_t i = 0; i < N_RANDOM; i++) {
        shuffled_score[i] = score[N_RANDOM - 1 - i];
        shuffled_label[i] = label[N_RANDOM - 1 - i];
        shuffled_weights[i] = weights[N_RANDOM - 1 - i];
    }
    CHECK_NEAR(auc(shuffled_score, shuffled_label, NULL, N_RANDOM),
               auc(score, label, NULL, N_RANDOM), 0.0);
    CHECK_NEAR(auc(shuffled_score, shuffled_label, shuffled_weights, N_RANDOM),
               auc(score, label, weights, N_RANDOM), 1e-14);
}

static void test_metrics__auc_hand_cases(void)
{
    const float label[] = { 0, 0, 1, 1 };
    CHECK_NEAR(auc((const double[]){ 0.1, 0.2, 0.8, 0.9 }, label, NULL, 4), 1.0, 0.0);
    CHECK_NEAR(auc((const double[]){ 0.9, 0.8, 0.2, 0.1 }, label, NULL, 4), 0.0, 0.0);
    CHECK_NEAR(auc((const double[]){ 0.5, 0.5, 0.5, 0.5 }, label, NULL, 4), 0.5, 0.0);
    /* pairs (pos 0.8 vs neg 0.1, 0.8): 1 + 1/2; (pos 0.3 vs 0.1, 0.8): 1 + 0 → 2.5 / 4 */
    CHECK_NEAR(auc((const double[]){ 0.1, 0.8, 0.8, 0.3 }, label, NULL, 4), 0.625, 0.0);
    /* weights 1, 3 on the negatives, 2, 1 on the positives (0.8, 0.3):
     * pos 0.8 (w 2): 1·1 + ½·3 = 2.5 → 5; pos 0.3 (w 1): 1·1 → 1; total 6 / (3 · 4) */
    CHECK_NEAR(auc((const double[]){ 0.1, 0.8, 0.8, 0.3 }, label, (const float[]){ 1, 3, 2, 1 }, 4),
               0.5, 1e-15);
    /* one class absent, or no rows: NaN */
    CHECK(isnan(auc((const double[]){ 0.1, 0.9 }, (const float[]){ 1, 1 }, NULL, 2)));
    CHECK(isnan(auc((const double[]){ 0.1, 0.9 }, (const float[]){ 0, 0 }, NULL, 2)));
    CHECK(isnan(auc(NULL, NULL, NULL, 0)));
    /* a class whose weights are all zero is absent too */
    CHECK(isnan(
        auc((const double[]){ 0.1, 0.9 }, (const float[]){ 0, 1 }, (const float[]){ 1, 0 }, 2)));
    /* NaN scores rank below every number, tied among themselves */
    CHECK_NEAR(auc((const double[]){ NAN, 0.3 }, (const float[]){ 0, 1 }, NULL, 2), 1.0, 0.0);
    CHECK_NEAR(auc((const double[]){ NAN, NAN }, (const float[]){ 0, 1 }, NULL, 2), 0.5, 0.0);
    /* −0 and +0 are one tie group */
    CHECK_NEAR(auc((const double[]){ -0.0, 0.0 }, (const float[]){ 1, 0 }, NULL, 2), 0.5, 0.0);
}

static void test_metrics__logloss_hand_values(void)
{
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 0.8 }, (const float[]){ 1 }, NULL, 1),
               -log(0.8), 1e-15);
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 0.3 }, (const float[]){ 0 }, NULL, 1),
               -log(0.7), 1e-15);
    /* mean: (−log 0.8 − log 0.7) / 2, computed with Python's math.log */
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 0.8, 0.3 }, (const float[]){ 1, 0 }, NULL, 2),
               0.2899092476264711, 1e-15);
    /* weighted mean: (3 · −log 0.8 + 1 · −log 0.7) / 4 */
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 0.8, 0.3 }, (const float[]){ 1, 0 },
                                  (const float[]){ 3, 1 }, 2),
               (3 * -log(0.8) - log(0.7)) / 4, 1e-15);
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 0.5 }, (const float[]){ 1 }, NULL, 1),
               0.69314718055994531, 1e-15);
    /* no rows, or zero total weight: NaN */
    CHECK(isnan(ck_metrics_logloss(NULL, NULL, NULL, 0)));
    CHECK(isnan(ck_metrics_logloss((const double[]){ 0.5 }, (const float[]){ 1 },
                                   (const float[]){ 0 }, 1)));
}

static void test_metrics__logloss_clips(void)
{
    /* p = 0 on a positive costs −log 1e-15 = 34.538776394910684, not infinity */
    double l = ck_metrics_logloss((const double[]){ 0.0 }, (const float[]){ 1 }, NULL, 1);
    CHECK(isfinite(l));
    CHECK_NEAR(l, 34.538776394910684, 1e-12);
    /* p = 1 on a negative: 1 − 1e-15 is not representable; the nearest double is
     * 1 − 0.999200722162641e-15, so the loss is within 1e-3 of 34.5388 */
    l = ck_metrics_logloss((const double[]){ 1.0 }, (const float[]){ 0 }, NULL, 1);
    CHECK(isfinite(l));
    CHECK_NEAR(l, 34.538776394910684, 1e-3);
    /* the right answers with certainty cost about 1e-15 */
    CHECK_NEAR(ck_metrics_logloss((const double[]){ 1.0, 0.0 }, (const float[]){ 1, 0 }, NULL, 2),
               0.0, 1e-14);
    /* probabilities beyond [0, 1] clip the same way */
    CHECK_NEAR(ck_metrics_logloss((const double[]){ -0.5 }, (const float[]){ 1 }, NULL, 1),
               34.538776394910684, 1e-12);
}

/* ---- average precision and KS --------------------------------------------------------- */

/* AP by its definition: the mean over positives of the precision of flagging every row
 * scoring at least that positive's score (a tie group is flagged whole), weighted. */
static double brute_ap(const double *score, const float *label, const float *weights, size_t n)
{
    long double sum = 0, pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (label[i] <= 0.5f)
            continue;
        long double tp = 0, flagged = 0;
        for (size_t j = 0; j < n; j++) {
            if (score[j] >= score[i]) {
                long double w = weights ? weights[j] : 1.0f;
                flagged += w;
                if (label[j] > 0.5f)
                    tp += w;
            }
        }
        long double wi = weights ? weights[i] : 1.0f;
        sum += wi * tp / flagged;
        pos += wi;
    }
    return pos > 0 ? (double)(sum / pos) : NAN;
}

/* KS by its definition: the largest |TPR − FPR| over every score as threshold. */
static double brute_ks(const double *score, const float *label, size_t n)
{
    double pos = 0, neg = 0, best = 0;
    for (size_t i = 0; i < n; i++) {
        if (label[i] > 0.5f)
            pos++;
        else
            neg++;
    }
    for (size_t i = 0; i < n; i++) {
        double tp = 0, fp = 0;
        for (size_t j = 0; j < n; j++) {
            if (score[j] >= score[i] && label[j] > 0.5f)
                tp++;
            else if (score[j] >= score[i])
                fp++;
        }
        best = fmax(best, fabs(tp / pos - fp / neg));
    }
    return best;
}

static void test_metrics__average_precision(void)
{
    ck_error err = { 0 };
    double ap = -1;
    /* hand values, also scikit-learn's: (1/2)(1/1) + (1/2)(2/3) = 5/6 */
    CHECK_OK(ck_metrics_average_precision(&ap, (const double[]){ 0.9, 0.8, 0.7, 0.6, 0.5 },
                                          (const float[]){ 1, 0, 1, 0, 0 }, NULL, 5, &err));
    CHECK_NEAR(ap, 5.0 / 6.0, 1e-15);
    /* a tie group is one step: 0.9 (P 1/1) then {0.8 pos, 0.8 neg} (P 2/3), ΔR 1/2 each */
    CHECK_OK(ck_metrics_average_precision(&ap, (const double[]){ 0.9, 0.8, 0.8, 0.3 },
                                          (const float[]){ 1, 1, 0, 0 }, NULL, 4, &err));
    CHECK_NEAR(ap, 5.0 / 6.0, 1e-15);
    /* 1/3·1/2 + 1/3·2/3 + 1/3·3/5 = 53/90 (scikit-learn: 0.5888888888888889) */
    const double s6[] = { 0.2, 0.2, 0.9, 0.9, 0.5, 0.1 };
    const float y6[] = { 0, 1, 1, 0, 1, 0 };
    CHECK_OK(ck_metrics_average_precision(&ap, s6, y6, NULL, 6, &err));
    CHECK_NEAR(ap, 53.0 / 90.0, 1e-15);
    /* no positive: NaN */
    CHECK_OK(
        ck_metrics_average_precision(&ap, s6, (const float[]){ 0, 0, 0, 0, 0, 0 }, NULL, 6, &err));
    CHECK(isnan(ap));
    /* random data with many ties, weighted or not, against the definition */
    static double score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM];
    for (uint64_t seed = 41; seed <= 43; seed++) {
        make_random(score, label, weights, N_RANDOM, seed);
        CHECK_OK(ck_metrics_average_precision(&ap, score, label, NULL, N_RANDOM, &err));
        CHECK_NEAR(ap, brute_ap(score, label, NULL, N_RANDOM), 1e-13);
        CHECK_OK(ck_metrics_average_precision(&ap, score, label, weights, N_RANDOM, &err));
        CHECK_NEAR(ap, brute_ap(score, label, weights, N_RANDOM), 1e-12);
    }
}

static void test_metrics__ks(void)
{
    ck_error err = { 0 };
    double ks = -1;
    /* after 0.9: |1/3 − 1/3|; after 0.5: |2/3 − 1/3| = 1/3 (scipy ks_2samp: 0.3333) */
    const double s6[] = { 0.2, 0.2, 0.9, 0.9, 0.5, 0.1 };
    const float y6[] = { 0, 1, 1, 0, 1, 0 };
    CHECK_OK(ck_metrics_ks(&ks, s6, y6, NULL, 6, &err));
    CHECK_NEAR(ks, 1.0 / 3.0, 1e-15);
    /* perfect separation: 1, whichever way round */
    CHECK_OK(ck_metrics_ks(&ks, (const double[]){ 1, 2, 3, 4 }, (const float[]){ 0, 0, 1, 1 }, NULL,
                           4, &err));
    CHECK_NEAR(ks, 1.0, 0.0);
    CHECK_OK(ck_metrics_ks(&ks, (const double[]){ 1, 2, 3, 4 }, (const float[]){ 1, 1, 0, 0 }, NULL,
                           4, &err));
    CHECK_NEAR(ks, 1.0, 0.0);
    CHECK_OK(ck_metrics_ks(&ks, (const double[]){ 1, 2 }, (const float[]){ 1, 1 }, NULL, 2, &err));
    CHECK(isnan(ks));
    static double score[N_RANDOM];
    static float label[N_RANDOM], weights[N_RANDOM];
    for (uint64_t seed = 51; seed <= 53; seed++) {
        make_random(score, label, weights, N_RANDOM, seed);
        CHECK_OK(ck_metrics_ks(&ks, score, label, NULL, N_RANDOM, &err));
        CHECK_NEAR(ks, brute_ks(score, label, N_RANDOM), 1e-14);
        /* an integer weight is the row repeated */
        for (size_t i = 0; i < N_RANDOM; i++)
            weights[i] = 1.0f;
        weights[3] = 3.0f;
        static double s2[N_RANDOM + 2];
        static float y2[N_RANDOM + 2];
        memcpy(s2, score, sizeof score);
        memcpy(y2, label, sizeof label);
        s2[N_RANDOM] = s2[N_RANDOM + 1] = score[3];
        y2[N_RANDOM] = y2[N_RANDOM + 1] = label[3];
        double ks_w;
        CHECK_OK(ck_metrics_ks(&ks_w, score, label, weights, N_RANDOM, &err));
        CHECK_NEAR(ks_w, brute_ks(s2, y2, N_RANDOM + 2), 1e-14);
    }
}

/* ---- probabilities: Brier and calibration --------------------------------------------- */

static void test_metrics__brier(void)
{
    /* (0.2² + 0.3²) / 2 = 0.065 */
    CHECK_NEAR(ck_metrics_brier((const double[]){ 0.8, 0.3 }, (const float[]){ 1, 0 }, NULL, 2),
               0.065, 1e-16);
    /* weighted: (3 · 0.04 + 0.09) / 4 */
    CHECK_NEAR(ck_metrics_brier((const double[]){ 0.8, 0.3 }, (const float[]){ 1, 0 },
                                (const float[]){ 3, 1 }, 2),
               0.0525, 1e-16);
    CHECK_NEAR(ck_metrics_brier((const double[]){ 0.5, 0.5 }, (const float[]){ 1, 0 }, NULL, 2),
               0.25, 0.0);
    CHECK(isnan(ck_metrics_brier(NULL, NULL, NULL, 0)));
}

static void test_metrics__calibration(void)
{
    ck_error err = { 0 };
    ck_calibration_bin bins[10];
    double ece = -1;
    /* bin 0: {0.05 → 0}, gap 0.05; bin 1: {0.15 → 0, 0.12 → 1}, mean 0.135, rate 1/2, gap
     * 0.365; bin 9: {0.95 → 1, 0.91 → 0, 1.0 → 1}, mean 0.62/... see below */
    const double p[] = { 0.05, 0.15, 0.12, 0.95, 0.91 };
    const float y[] = { 0, 0, 1, 1, 0 };
    CHECK_OK(ck_metrics_calibration(bins, 10, &ece, p, y, NULL, 5, &err));
    /* (1 · 0.05 + 2 · 0.365 + 2 · |0.5 − 0.93|) / 5 = 1.64 / 5 */
    CHECK_NEAR(ece, 0.328, 1e-15);
    CHECK_NEAR(bins[0].rows, 1, 0);
    CHECK_NEAR(bins[1].rows, 2, 0);
    CHECK_NEAR(bins[1].mean_prob, 0.135, 1e-16);
    CHECK_NEAR(bins[1].positive_rate, 0.5, 0);
    CHECK_NEAR(bins[9].mean_prob, 0.93, 1e-15);
    CHECK_NEAR(bins[3].lo, 0.3, 1e-16);
    CHECK_NEAR(bins[3].hi, 0.4, 1e-16);
    CHECK_NEAR(bins[3].rows, 0, 0);
    CHECK(isnan(bins[3].mean_prob) && isnan(bins[3].positive_rate));
    /* p = 1 joins the last bin; p = 0.1 opens bin 1 */
    CHECK_OK(ck_metrics_calibration(bins, 10, &ece, (const double[]){ 1.0, 0.1 },
                                    (const float[]){ 1, 0 }, NULL, 2, &err));
    CHECK_NEAR(bins[9].rows, 1, 0);
    CHECK_NEAR(bins[1].rows, 1, 0);
    CHECK_NEAR(ece, 0.05, 1e-16);
    /* weights: the 0.05 row counted 3 times → (3 · 0.05 + 0.73 + 0.86) / 7 */
    CHECK_OK(
        ck_metrics_calibration(bins, 10, &ece, p, y, (const float[]){ 3, 1, 1, 1, 1 }, 5, &err));
    CHECK_NEAR(ece, 1.74 / 7, 1e-15);
    /* a probability out of range is refused, naming its row */
    CHECK(ck_metrics_calibration(bins, 10, &ece, (const double[]){ 0.5, 1.5 },
                                 (const float[]){ 1, 0 }, NULL, 2, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "row 2: probability 1.5 is not in [0, 1]");
    CHECK(ck_metrics_calibration(bins, 10, &ece, (const double[]){ NAN }, (const float[]){ 1 },
                                 NULL, 1, &err) == CK_EINVAL);
}

/* ---- the top of the ranking: gains, fractions, thresholds, confusion, curve ------------ */

/* Ten rows, riskiest first, with ties across every cut of the tests below. */
static const double rank_score[10] = { 9, 8, 8, 7, 6, 5, 5, 5, 2, 1 };
static const float rank_label[10] = { 1, 1, 0, 1, 0, 1, 0, 0, 0, 0 };

static void test_metrics__gains_halves_and_quarters(void)
{
    ck_error err = { 0 };
    ck_gains_row g[4];
    /* halves: the cut at 5 rows falls between 6 and the 5s */
    CHECK_OK(ck_metrics_gains(g, 2, rank_score, rank_label, NULL, 10, &err));
    CHECK_NEAR(g[0].rows, 5, 0);
    CHECK_NEAR(g[0].positives, 3, 0);
    CHECK_NEAR(g[0].min_score, 6, 0);
    CHECK_NEAR(g[0].max_score, 9, 0);
    CHECK_NEAR(g[0].rate, 0.6, 1e-16);
    CHECK_NEAR(g[0].lift, 1.5, 1e-15);
    CHECK_NEAR(g[0].cum_gain, 0.75, 0);
    CHECK_NEAR(g[1].positives, 1, 0);
    CHECK_NEAR(g[1].min_score, 1, 0);
    CHECK_NEAR(g[1].max_score, 5, 0);
    CHECK_NEAR(g[1].lift, 0.5, 1e-15);
    CHECK_NEAR(g[1].cum_rows, 10, 0);
    CHECK_NEAR(g[1].cum_gain, 1, 0);
    CHECK_NEAR(g[1].cum_lift, 1, 1e-15);
    /* quarters of 2.5 rows: the group {8 pos, 8 neg} (rows 1..3) is cut at 2.5, three
     * quarters of it above: 1 + 1.5 · 1/2 positives; the rest: 0.5 · 1/2 + 1 (the 7); the
     * {5 pos, 5, 5} group (rows 5..8) is cut at 7.5: 2.5 of its 3 rows, 2.5/3 of a positive */
    CHECK_OK(ck_metrics_gains(g, 4, rank_score, rank_label, NULL, 10, &err));
    const double rows[4] = { 2.5, 2.5, 2.5, 2.5 };
    const double pos[4] = { 1.75, 1.25, 2.5 / 3, 0.5 / 3 };
    const double lo[4] = { 8, 6, 5, 1 }, hi[4] = { 9, 8, 5, 5 };
    for (int k = 0; k < 4; k++) {
        CHECK_NEAR(g[k].rows, rows[k], 1e-15);
        CHECK_NEAR(g[k].positives, pos[k], 1e-15);
        CHECK_NEAR(g[k].min_score, lo[k], 0);
        CHECK_NEAR(g[k].max_score, hi[k], 0);
        CHECK_NEAR(g[k].lift, pos[k] / 2.5 / 0.4, 1e-15);
    }
    CHECK_NEAR(g[1].cum_gain, 0.75, 1e-15);
    CHECK_NEAR(g[1].cum_lift, 1.5, 1e-15);
    CHECK_NEAR(g[3].cum_positives, 4, 1e-15);
    /* the row order does not matter */
    double rev_score[10];
    float rev_label[10];
    for (int i = 0; i < 10; i++) {
        rev_score[i] = rank_score[9 - i];
        rev_label[i] = rank_label[9 - i];
    }
    ck_gains_row r[4];
    CHECK_OK(ck_metrics_gains(r, 4, rev_score, rev_label, NULL, 10, &err));
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(r[k].positives, g[k].positives, 1e-15);
    CHECK(ck_metrics_gains(g, 0, rank_score, rank_label, NULL, 10, &err) == CK_EINVAL);
}

static void test_metrics__deciles_of_distinct_scores(void)
{
    /* 20 rows scored 20..1, every third one (from the top) churned: decile k holds rows
     * 2k, 2k + 1 (0-based from the top) */
    double score[20];
    float label[20];
    double pos_in[10] = { 0 };
    for (int i = 0; i < 20; i++) {
        score[i] = 20 - i;
        label[i] = i % 3 == 0;
        pos_in[i / 2] += label[i];
    }
    ck_error err = { 0 };
    ck_gains_row g[10];
    CHECK_OK(ck_metrics_gains(g, 10, score, label, NULL, 20, &err));
    double cum = 0;
    for (int k = 0; k < 10; k++) {
        cum += pos_in[k];
        CHECK_NEAR(g[k].rows, 2, 0);
        CHECK_NEAR(g[k].positives, pos_in[k], 0);
        CHECK_NEAR(g[k].max_score, 20 - 2 * k, 0);
        CHECK_NEAR(g[k].min_score, 19 - 2 * k, 0);
        CHECK_NEAR(g[k].cum_gain, cum / 7, 1e-15);
        CHECK_NEAR(g[k].lift, (pos_in[k] / 2) / (7.0 / 20), 1e-15);
    }
    /* top-decile lift: 1 churner of 2 rows against 7 of 20 */
    CHECK_NEAR(g[0].lift, 0.5 / 0.35, 1e-15);
}

static void test_metrics__top_fractions(void)
{
    ck_error err = { 0 };
    ck_top_fraction t[4];
    /* top 10%: the 9 (a churner); 20%: the 9 and half the {8, 8} group; 25%: three
     * quarters of it; 100%: everyone */
    CHECK_OK(ck_metrics_top(t, (const double[]){ 0.1, 0.2, 0.25, 1.0 }, 4, rank_score, rank_label,
                            NULL, 10, &err));
    CHECK_NEAR(t[0].positives, 1, 0);
    CHECK_NEAR(t[0].precision, 1, 0);
    CHECK_NEAR(t[0].recall, 0.25, 0);
    CHECK_NEAR(t[0].lift, 2.5, 1e-15);
    CHECK_NEAR(t[1].rows, 2, 0);
    CHECK_NEAR(t[1].positives, 1.5, 0);
    CHECK_NEAR(t[1].precision, 0.75, 0);
    CHECK_NEAR(t[2].positives, 1.75, 0);
    CHECK_NEAR(t[2].recall, 0.4375, 0);
    CHECK_NEAR(t[3].positives, 4, 0);
    CHECK_NEAR(t[3].lift, 1, 1e-15);
    /* weights: the 9 weighs 2 (11 in all, 5 churned); the top 25% weighs 2.75: the 9 (2)
     * and 0.75 of the {8, 8} group's weight of 2, so 2 + 0.75 / 2 positives */
    float w[10] = { 2, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    CHECK_OK(ck_metrics_top(t, (const double[]){ 0.25 }, 1, rank_score, rank_label, w, 10, &err));
    CHECK_NEAR(t[0].rows, 2.75, 0);
    CHECK_NEAR(t[0].positives, 2.375, 0);
    CHECK_NEAR(t[0].recall, 0.475, 1e-16);
    CHECK(ck_metrics_top(t, (const double[]){ 0.0 }, 1, rank_score, rank_label, NULL, 10, &err) ==
          CK_EINVAL);
    CHECK(ck_metrics_top(t, (const double[]){ 1.5 }, 1, rank_score, rank_label, NULL, 10, &err) ==
          CK_EINVAL);
}

static void test_metrics__threshold_and_confusion(void)
{
    ck_error err = { 0 };
    double t = -1;
    /* 10%: one row, the 9; 20%: two rows reach into the {8, 8} group, which is flagged whole */
    CHECK_OK(ck_metrics_top_threshold(&t, 0.1, rank_score, NULL, 10, &err));
    CHECK_NEAR(t, 9, 0);
    CHECK_OK(ck_metrics_top_threshold(&t, 0.2, rank_score, NULL, 10, &err));
    CHECK_NEAR(t, 8, 0);
    CHECK_OK(ck_metrics_top_threshold(&t, 1.0, rank_score, NULL, 10, &err));
    CHECK_NEAR(t, 1, 0);
    /* NaN scores are never flagged: the lowest number is the threshold of flagging all */
    CHECK_OK(ck_metrics_top_threshold(&t, 1.0, (const double[]){ NAN, 3, 4 }, NULL, 3, &err));
    CHECK_NEAR(t, 3, 0);
    CHECK_OK(ck_metrics_top_threshold(&t, 0.5, NULL, NULL, 0, &err));
    CHECK(isnan(t));
    CHECK(ck_metrics_top_threshold(&t, 0, rank_score, NULL, 10, &err) == CK_EINVAL);

    ck_confusion c;
    ck_metrics_confusion(&c, 8, rank_score, rank_label, NULL, 10);
    CHECK_NEAR(c.tp, 2, 0);
    CHECK_NEAR(c.fp, 1, 0);
    CHECK_NEAR(c.fn, 2, 0);
    CHECK_NEAR(c.tn, 5, 0);
    CHECK_NEAR(c.precision, 2.0 / 3, 1e-16);
    CHECK_NEAR(c.recall, 0.5, 0);
    CHECK_NEAR(c.specificity, 5.0 / 6, 1e-16);
    CHECK_NEAR(c.accuracy, 0.7, 1e-16);
    CHECK_NEAR(c.f1, 4.0 / 7, 1e-16);
    CHECK_NEAR(c.flagged_rate, 0.3, 1e-16);
    /* nothing flagged: precision undefined */
    ck_metrics_confusion(&c, 100, rank_score, rank_label, NULL, 10);
    CHECK(isnan(c.precision));
    CHECK_NEAR(c.recall, 0, 0);
}

static void test_metrics__curve(void)
{
    ck_error err = { 0 };
    ck_curve_point pts[10];
    size_t n_pts = 0;
    CHECK_OK(ck_metrics_curve(pts, &n_pts, rank_score, rank_label, NULL, 10, &err));
    const double th[] = { 9, 8, 7, 6, 5, 2, 1 }, tp[] = { 1, 2, 3, 3, 4, 4, 4 },
                 fp[] = { 0, 1, 1, 2, 4, 5, 6 };
    CHECK_EQ_INT(n_pts, 7);
    for (size_t k = 0; k < 7 && k < n_pts; k++) {
        CHECK_NEAR(pts[k].threshold, th[k], 0);
        CHECK_NEAR(pts[k].tp, tp[k], 0);
        CHECK_NEAR(pts[k].fp, fp[k], 0);
    }
    /* the trapezoids under the ROC points are the AUC */
    double area = 0, prev_x = 0, prev_y = 0, auc_value = -1;
    for (size_t k = 0; k < n_pts; k++) {
        double x = pts[k].fp / 6, y = pts[k].tp / 4;
        area += (x - prev_x) * (y + prev_y) / 2;
        prev_x = x;
        prev_y = y;
    }
    CHECK_OK(ck_metrics_auc(&auc_value, rank_score, rank_label, NULL, 10, &err));
    CHECK_NEAR(area, auc_value, 1e-15);
}

/* ---- DeLong --------------------------------------------------------------------------- */

/* The rows of tests/data/metrics/delong_reference.py. */
static const double dl_a[20] = { 0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.4, 0.3,
                                 0.3, 0.2, 0.1, 0.7, 0.2, 0.9, 0.4, 0.6, 0.5, 0.1 };
static const double dl_b[20] = { 0.7, 0.9, 0.6, 0.8, 0.6, 0.4, 0.7, 0.3, 0.5, 0.2,
                                 0.4, 0.3, 0.2, 0.5, 0.1, 0.8, 0.6, 0.3, 0.2, 0.4 };
static const float dl_y[20] = { 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0 };

static void test_metrics__delong_matches_reference(void)
{
    /* printed by delong_reference.py (an O(m n) numpy implementation of the 1988 paper,
     * p-value and quantile from scipy.stats.norm); the tolerance allows for rounding in
     * other orders, far below any error in a formula */
    ck_error err = { 0 };
    ck_delong d;
    CHECK_OK(ck_metrics_delong(&d, dl_a, dl_b, dl_y, 20, 0.95, &err));
    CHECK_NEAR(d.auc_a, 0.72727272727272718, 1e-15);
    CHECK_NEAR(d.auc_b, 0.69696969696969691, 1e-15);
    CHECK_NEAR(d.var_a, 0.014086572798694012, 1e-15);
    CHECK_NEAR(d.var_b, 0.021875318845015812, 1e-15);
    CHECK_NEAR(d.cov, 0.012307417610447914, 1e-15);
    CHECK_NEAR(d.diff, 0.69696969696969691 - 0.72727272727272718, 1e-15);
    CHECK_NEAR(d.se, 0.10652256297524011, 1e-14);
    CHECK_NEAR(d.z, -0.28447522718800761, 1e-13);
    CHECK_NEAR(d.p, 0.77604621598977852, 1e-13);
    CHECK_NEAR(d.ci[0], -0.23908341727540072, 1e-13);
    CHECK_NEAR(d.ci[1], 0.17847735666934017, 1e-13);
    /* swapping the models flips the difference, not the test */
    ck_delong s;
    CHECK_OK(ck_metrics_delong(&s, dl_b, dl_a, dl_y, 20, 0.95, &err));
    CHECK_NEAR(s.diff, -d.diff, 1e-16);
    CHECK_NEAR(s.p, d.p, 1e-15);
    CHECK_NEAR(s.var_a, d.var_b, 1e-16);
}

/* DeLong's variances by the paper's definition, O(m n): the test's own implementation. */
static void brute_delong(const double *a, const double *b, const float *y, size_t n, double *var_a,
                         double *var_b, double *cov)
{
    size_t m_pos = 0;
    for (size_t i = 0; i < n; i++)
        m_pos += y[i] > 0.5f;
    size_t n_neg = n - m_pos;
    double *v10 = calloc(2 * m_pos, sizeof *v10), *v01 = calloc(2 * n_neg, sizeof *v01);
    if (v10 == NULL || v01 == NULL)
        abort();
    for (int r = 0; r < 2; r++) {
        const double *s = r ? b : a;
        size_t p = 0, q = 0;
        for (size_t i = 0; i < n; i++) {
            double sum = 0;
            for (size_t j = 0; j < n; j++) {
                if ((y[j] > 0.5f) == (y[i] > 0.5f))
                    continue;
                double hi = y[i] > 0.5f ? s[i] : s[j], lo = y[i] > 0.5f ? s[j] : s[i];
                sum += hi > lo ? 1.0 : hi == lo ? 0.5 : 0.0;
            }
            if (y[i] > 0.5f)
                v10[r * m_pos + p++] = sum / (double)n_neg;
            else
                v01[r * n_neg + q++] = sum / (double)m_pos;
        }
    }
    double c[2][2][2]; /* [positives/negatives][r][s] */
    for (int part = 0; part < 2; part++) {
        const double *v = part ? v01 : v10;
        size_t len = part ? n_neg : m_pos;
        double mean[2] = { 0, 0 };
        for (int r = 0; r < 2; r++) {
            for (size_t i = 0; i < len; i++)
                mean[r] += v[r * len + i];
            mean[r] /= (double)len;
        }
        for (int r = 0; r < 2; r++)
            for (int s = 0; s < 2; s++) {
                double sum = 0;
                for (size_t i = 0; i < len; i++)
                    sum += (v[r * len + i] - mean[r]) * (v[s * len + i] - mean[s]);
                c[part][r][s] = sum / (double)(len - 1) / (double)len;
            }
    }
    *var_a = c[0][0][0] + c[1][0][0];
    *var_b = c[0][1][1] + c[1][1][1];
    *cov = c[0][0][1] + c[1][0][1];
    free(v10);
    free(v01);
}

static void test_metrics__delong_matches_definition(void)
{
    static double a[N_RANDOM], b[N_RANDOM];
    static float y[N_RANDOM], w[N_RANDOM];
    ck_error err = { 0 };
    for (uint64_t seed = 61; seed <= 62; seed++) {
        make_random(a, y, w, N_RANDOM, seed);
        /* b: a noisier version of a, on a coarser grid (more ties) */
        uint64_t state = seed * 7;
        for (size_t i = 0; i < N_RANDOM; i++)
            b[i] = floor((a[i] + 6.0 * next_unit(&state)) / 2.0);
        ck_delong d;
        CHECK_OK(ck_metrics_delong(&d, a, b, y, N_RANDOM, 0.95, &err));
        double var_a, var_b, cov;
        brute_delong(a, b, y, N_RANDOM, &var_a, &var_b, &cov);
        CHECK_NEAR(d.var_a, var_a, 1e-15);
        CHECK_NEAR(d.var_b, var_b, 1e-15);
        CHECK_NEAR(d.cov, cov, 1e-15);
        CHECK_NEAR(d.auc_a, brute_auc(a, y, NULL, N_RANDOM), 0);
        CHECK_NEAR(d.auc_b, brute_auc(b, y, NULL, N_RANDOM), 0);
        CHECK(d.diff < 0 && d.p < 0.05); /* the noisy score ranks worse, and visibly so */
        CHECK_NEAR(d.z, d.diff / sqrt(var_a + var_b - 2 * cov), 1e-9);
    }
}

static void test_metrics__delong_edges(void)
{
    ck_error err = { 0 };
    ck_delong d;
    /* the same score twice: no difference, p = 1 */
    CHECK_OK(ck_metrics_delong(&d, dl_a, dl_a, dl_y, 20, 0.95, &err));
    CHECK_NEAR(d.diff, 0, 0);
    CHECK_NEAR(d.z, 0, 0);
    CHECK_NEAR(d.p, 1, 0);
    CHECK_NEAR(d.ci[0], 0, 1e-9);
    /* a 90% interval is narrower: ±1.6448536269514722 se (scipy norm.ppf(0.95)) */
    CHECK_OK(ck_metrics_delong(&d, dl_a, dl_b, dl_y, 20, 0.90, &err));
    CHECK_NEAR(d.ci[1] - d.diff, 1.6448536269514722 * d.se, 1e-13);
    /* one positive only */
    CHECK(ck_metrics_delong(&d, dl_a, dl_b, (const float[]){ 1, 0, 0, 0 }, 4, 0.95, &err) ==
          CK_EINVAL);
    CHECK_EQ_STR(err.msg,
                 "DeLong's test needs at least 2 rows of each class (have 1 positive, 3 negative)");
    CHECK(ck_metrics_delong(&d, dl_a, dl_b, dl_y, 20, 1.0, &err) == CK_EINVAL);
}

/* ---- bootstrap ------------------------------------------------------------------------ */

static void test_metrics__bootstrap_reproducible(void)
{
    static double a[N_RANDOM], b[N_RANDOM];
    static float y[N_RANDOM], w[N_RANDOM];
    make_random(a, y, w, N_RANDOM, 71);
    uint64_t state = 5;
    for (size_t i = 0; i < N_RANDOM; i++)
        b[i] = a[i] + 4.0 * next_unit(&state);
    const double *scores[2] = { a, b };
    ck_error err = { 0 };
    ck_bootstrap_opts opts = CK_BOOTSTRAP_OPTS_INIT;
    opts.resamples = 300;
    opts.seed = 9;
    ck_bootstrap_ci one[2], again[2], threaded[2], other[2];
    double diff1[2], diff2[2], diff4[2], diff_other[2];
    CHECK_OK(ck_metrics_bootstrap(one, diff1, scores, 2, y, N_RANDOM, &opts, &err));
    CHECK_OK(ck_metrics_bootstrap(again, diff2, scores, 2, y, N_RANDOM, &opts, &err));
    opts.n_threads = 4;
    CHECK_OK(ck_metrics_bootstrap(threaded, diff4, scores, 2, y, N_RANDOM, &opts, &err));
    /* the same seed: the same bits, for any thread count */
    CHECK(memcmp(one, again, sizeof one) == 0);
    CHECK(memcmp(one, threaded, sizeof one) == 0);
    CHECK(memcmp(diff1, diff4, sizeof diff1) == 0 && memcmp(diff1, diff2, sizeof diff1) == 0);
    /* another seed: other resamples */
    opts.seed = 10;
    CHECK_OK(ck_metrics_bootstrap(other, diff_other, scores, 2, y, N_RANDOM, &opts, &err));
    CHECK(one[0].auc[0] != other[0].auc[0]);
    CHECK_EQ_INT(one[0].n_valid, 300);
}

static void test_metrics__bootstrap_agrees_with_delong(void)
{
    static double a[N_RANDOM], b[N_RANDOM];
    static float y[N_RANDOM], w[N_RANDOM];
    make_random(a, y, w, N_RANDOM, 81);
    uint64_t state = 6;
    for (size_t i = 0; i < N_RANDOM; i++)
        b[i] = a[i] + 3.0 * next_unit(&state);
    const double *scores[2] = { a, b };
    ck_error err = { 0 };
    ck_bootstrap_opts opts = CK_BOOTSTRAP_OPTS_INIT;
    opts.resamples = 1000;
    opts.n_threads = 2;
    ck_bootstrap_ci ci[2];
    double diff_ci[2];
    CHECK_OK(ck_metrics_bootstrap(ci, diff_ci, scores, 2, y, N_RANDOM, &opts, &err));
    ck_delong d;
    CHECK_OK(ck_metrics_delong(&d, a, b, y, N_RANDOM, 0.95, &err));
    /* the intervals hold the point estimates */
    double ap, lift_pos;
    CHECK(ci[0].auc[0] < d.auc_a && d.auc_a < ci[0].auc[1]);
    CHECK(ci[1].auc[0] < d.auc_b && d.auc_b < ci[1].auc[1]);
    CHECK_OK(ck_metrics_average_precision(&ap, a, y, NULL, N_RANDOM, &err));
    CHECK(ci[0].pr_auc[0] < ap && ap < ci[0].pr_auc[1]);
    ck_top_fraction top;
    CHECK_OK(ck_metrics_top(&top, (const double[]){ 0.1 }, 1, a, y, NULL, N_RANDOM, &err));
    lift_pos = top.lift;
    CHECK(ci[0].top_decile_lift[0] < lift_pos && lift_pos < ci[0].top_decile_lift[1]);
    /* both estimate the same sampling distribution: the 95% widths agree to within 20%
     * (1000 resamples put a Monte Carlo error of a few per cent on a percentile width) */
    double delong_width_a = 2 * 1.959963984540054 * sqrt(d.var_a);
    CHECK(fabs((ci[0].auc[1] - ci[0].auc[0]) / delong_width_a - 1) < 0.2);
    CHECK(fabs((diff_ci[1] - diff_ci[0]) / (d.ci[1] - d.ci[0]) - 1) < 0.2);
    CHECK(ck_metrics_bootstrap(ci, diff_ci, scores, 2, y, N_RANDOM,
                               &(ck_bootstrap_opts){ 0, 1, 0.95, 1 }, &err) == CK_EINVAL);
}

int main(void)
{
    RUN(test_metrics__auc_matches_brute_force_with_ties);
    RUN(test_metrics__weighted_auc_matches_brute_force);
    RUN(test_metrics__auc_orders_every_double);
    RUN(test_metrics__auc_ignores_row_order);
    RUN(test_metrics__auc_hand_cases);
    RUN(test_metrics__logloss_hand_values);
    RUN(test_metrics__logloss_clips);
    RUN(test_metrics__average_precision);
    RUN(test_metrics__ks);
    RUN(test_metrics__brier);
    RUN(test_metrics__calibration);
    RUN(test_metrics__gains_halves_and_quarters);
    RUN(test_metrics__deciles_of_distinct_scores);
    RUN(test_metrics__top_fractions);
    RUN(test_metrics__threshold_and_confusion);
    RUN(test_metrics__curve);
    RUN(test_metrics__delong_matches_reference);
    RUN(test_metrics__delong_matches_definition);
    RUN(test_metrics__delong_edges);
    RUN(test_metrics__bootstrap_reproducible);
    RUN(test_metrics__bootstrap_agrees_with_delong);
    return check_summary();
}
