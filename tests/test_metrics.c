/*
 * Tests of metrics.h: AUC against a brute-force count over every (positive, negative)
 * pair on random data with many ties, with and without weights; hand-worked small cases;
 * log loss against hand values and its clipping.
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

#include "check.h"

#define N_RANDOM 1500

/* splitmix64 (Steele, Lea & Flood 2014): a fixed-seed stream independent of the library. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
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

int main(void)
{
    RUN(test_metrics__auc_matches_brute_force_with_ties);
    RUN(test_metrics__weighted_auc_matches_brute_force);
    RUN(test_metrics__auc_orders_every_double);
    RUN(test_metrics__auc_ignores_row_order);
    RUN(test_metrics__auc_hand_cases);
    RUN(test_metrics__logloss_hand_values);
    RUN(test_metrics__logloss_clips);
    return check_summary();
}
