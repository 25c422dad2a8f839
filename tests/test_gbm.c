/*
 * Boosted-stumps tests. The first split is checked against a brute-force search over
 * every threshold, every side for missing values and every subset of categorical levels:
 * with balanced labels and unit weights, every first-round gradient is ±0.5 and every
 * hessian 0.25, which the quantiser represents exactly, so the histogram search must find
 * the exact optimum. With λ = 0 the best categorical subset is a prefix of the levels
 * ordered by G/H (Breiman et al., CART, 1984, thm. 4.5), which the search relies on.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/gbm.h"
#include "learn/gbm/gbm_int.h"
#include "support/gbm_fixtures.h"

#define TMP CK_TEST_TMP "/gbm_"

static uint64_t rng_state;

static double uniform(void)
{
    return (double)(ck__splitmix64(&rng_state) >> 11) * 0x1.0p-53;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A table: x0 numeric (with missing), x1 numeric, c categorical (levels a..e, missing),
 * and a label from an additive logit plus noise, cut at its median so that exactly half
 * the rows (n is even) are positive. */
static ck_dataset *random_table(const char *path, size_t n, double missing_rate, ck_error *err)
{
    double *x0 = malloc(n * sizeof *x0), *x1 = malloc(n * sizeof *x1);
    double *score = malloc(n * sizeof *score), *sorted = malloc(n * sizeof *sorted);
    int *level = malloc(n * sizeof *level);
    FILE *f = fopen(path, "w");
    ck_dataset *d = NULL;
    if (!x0 || !x1 || !score || !sorted || !level || !f)
        goto done;
    for (size_t i = 0; i < n; i++) {
        x0[i] = (double)(int)(uniform() * 12);
        x1[i] = (double)(int)(uniform() * 30) / 3.0;
        level[i] = (int)(uniform() * 5);
        score[i] = 0.4 * (x0[i] - 6) +
                   (level[i] == 2   ? 1.5
                    : level[i] == 4 ? -1.0
                                    : 0) +
                   0.1 * x1[i] + (uniform() - 0.5) * 4;
        if (uniform() < missing_rate)
            x0[i] = NAN;
        if (uniform() < missing_rate)
            level[i] = -1;
        sorted[i] = score[i];
    }
    qsort(sorted, n, sizeof *sorted, compare_double);
    double median = sorted[n / 2 - 1];
    fputs("x0,x1,c,y\n", f);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x0[i]))
            fputs(",", f);
        else
            fprintf(f, "%g,", x0[i]);
        fprintf(f, "%.6g,", x1[i]);
        if (level[i] < 0)
            fputs(",", f);
        else
            fprintf(f, "%c,", 'a' + level[i]);
        fprintf(f, "%d\n", score[i] > median);
    }
    fclose(f);
    f = NULL;
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    if (ck_dataset_read_table(&d, path, &opts, err) != CK_OK)
        d = NULL;
done:
    if (f)
        fclose(f);
    free(x0);
    free(x1);
    free(score);
    free(sorted);
    free(level);
    return d;
}

/* Sums over a partition, and the gain of splitting the parent so. */
typedef struct sums {
    double gl, hl, gr, hr;
    size_t cl, cr;
} sums;

static double gain_of(const sums *s, double lambda)
{
    double g = s->gl + s->gr, h = s->hl + s->hr;
    return s->gl * s->gl / (s->hl + lambda) + s->gr * s->gr / (s->hr + lambda) -
           g * g / (h + lambda);
}

/* Brute force over every partition the model family allows; returns the best gain. */
static double brute_force_best(const ck_dataset *d, const ck_gbm_params *p, double base)
{
    size_t n = ck_dataset_n_rows(d);
    const float *y = ck_dataset_labels(d);
    double prob = 1.0 / (1.0 + exp(-base));
    double best = 0;
    for (size_t j = 0; j < ck_dataset_n_features(d); j++) {
        const float *x = ck_dataset_column(d, j);
        bool categorical = ck_schema_kind(ck_dataset_schema(d), j) == CK_FEATURE_CATEGORICAL;
        /* candidate rules: numeric thresholds at every present value; categorical every
         * subset of up to 5 levels; each with missing on either side */
        size_t n_rules = categorical ? 32 : n;
        for (size_t r = 0; r < n_rules; r++) {
            if (!categorical && isnan(x[r]))
                continue;
            for (int missing_left = 0; missing_left < 2; missing_left++) {
                sums s = { 0 };
                for (size_t i = 0; i < n; i++) {
                    bool left = isnan(x[i])   ? missing_left
                                : categorical ? ((r >> (size_t)x[i]) & 1) != 0
                                              : x[i] <= x[r];
                    double g = prob - y[i], h = prob * (1 - prob);
                    if (left) {
                        s.gl += g, s.hl += h, s.cl++;
                    } else {
                        s.gr += g, s.hr += h, s.cr++;
                    }
                }
                if (s.cl < (size_t)p->min_samples_leaf || s.cr < (size_t)p->min_samples_leaf ||
                    s.hl < p->min_child_weight || s.hr < p->min_child_weight)
                    continue;
                double gain = gain_of(&s, p->lambda);
                if (gain > best)
                    best = gain;
            }
        }
    }
    return best;
}

static void test_gbm__first_split_is_the_brute_force_optimum(void)
{
    ck_error err = { 0 };
    for (int trial = 0; trial < 12; trial++) {
        rng_state = 100 + (uint64_t)trial;
        ck_dataset *d = random_table(TMP "split.csv", 200 + 38 * (size_t)trial,
                                     trial % 3 == 0 ? 0.0 : 0.15, &err);
        CHECK(d != NULL);
        if (d == NULL)
            return;
        ck_gbm_params p = CK_GBM_PARAMS_INIT;
        p.rounds = 1;
        p.learning_rate = 1.0;
        p.lambda = 0.0;
        p.min_child_weight = 1e-9;
        p.min_samples_leaf = 1 + trial % 4;
        p.patience = 0;
        ck_gbm *m = NULL;
        CHECK_OK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err));
        if (m != NULL) {
            double expect = brute_force_best(d, &p, m->base_score);
            CHECK_EQ_INT(m->n_stumps, 1);
            if (m->n_stumps == 1)
                CHECK_NEAR(m->stumps[0].gain, expect, 1e-9 * expect);
        }
        ck_gbm_free(m);
        ck_dataset_free(d);
    }
}

/* The sum of the stumps, straight from their rules. */
static double stump_sum(const ck_gbm *m, const float *row)
{
    double logit = m->base_score;
    for (size_t s = 0; s < m->n_stumps; s++) {
        const ck__stump *st = &m->stumps[s];
        float x = row[st->feature];
        bool left;
        if (isnan(x)) {
            left = st->missing_left;
        } else if (st->left_levels != NULL || st->n_left_levels > 0) {
            left = false;
            for (size_t k = 0; k < st->n_left_levels; k++)
                left |= st->left_levels[k] == (uint32_t)x;
        } else {
            left = x <= st->threshold;
        }
        logit += left ? st->left_value : st->right_value;
    }
    return logit;
}

static void test_gbm__compiled_tables_equal_the_sum_of_stumps(void)
{
    ck_error err = { 0 };
    rng_state = 7;
    ck_dataset *d = random_table(TMP "compile.csv", 3000, 0.1, &err);
    if (d == NULL) {
        CHECK(false);
        return;
    }
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 120;
    p.min_samples_leaf = 5;
    ck_gbm *m = NULL;
    CHECK_OK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err));
    if (m != NULL) {
        size_t nf = ck_dataset_n_features(d);
        float row[8];
        double worst = 0;
        /* the training rows, and values between and beyond them, and unseen levels */
        for (size_t i = 0; i < ck_dataset_n_rows(d); i++) {
            for (size_t j = 0; j < nf; j++)
                row[j] = ck_dataset_column(d, j)[i];
            if (i % 3 == 1)
                row[1] += 0.05f;
            if (i % 7 == 0)
                row[2] = 9; /* a level the model never saw */
            double a = ck_gbm_logit_row(m, row), b = stump_sum(m, row);
            worst = fmax(worst, fabs(a - b));
            double contrib[8], base;
            ck_gbm_contributions(m, row, contrib, &base);
            double total = base;
            for (size_t j = 0; j < nf; j++)
                total += contrib[j];
            CHECK_NEAR(total, a, 1e-12);
        }
        CHECK(worst <= 1e-12);
    }
    ck_gbm_free(m);
    ck_dataset_free(d);
}

static void test_gbm__training_loss_decreases(void)
{
    ck_error err = { 0 };
    rng_state = 11;
    ck_dataset *d = random_table(TMP "loss.csv", 4000, 0.05, &err);
    if (d == NULL) {
        CHECK(false);
        return;
    }
    double previous = HUGE_VAL;
    const int rounds[4] = { 1, 10, 50, 200 };
    for (int k = 0; k < 4; k++) {
        ck_gbm_params p = CK_GBM_PARAMS_INIT;
        p.rounds = rounds[k];
        ck_gbm_report r;
        ck_gbm *m = NULL;
        CHECK_OK(ck_gbm_train(&m, d, NULL, &p, &r, NULL, NULL, &err));
        CHECK(r.train_logloss < previous);
        CHECK(r.train_logloss < log(2.0)); /* below the balanced base rate's loss */
        previous = r.train_logloss;
        ck_gbm_free(m);
    }
    ck_dataset_free(d);
}

static void test_gbm__identical_for_any_thread_count(void)
{
    ck_error err = { 0 };
    rng_state = 21;
    ck_dataset *d = random_table(TMP "threads.csv", 30000, 0.1, &err);
    if (d == NULL) {
        CHECK(false);
        return;
    }
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 40;
    p.subsample = 0.7;
    ck_gbm *one = NULL;
    p.n_threads = 1;
    CHECK_OK(ck_gbm_train(&one, d, NULL, &p, NULL, NULL, NULL, &err));
    for (int threads = 2; threads <= 4; threads += 2) {
        ck_gbm *many = NULL;
        p.n_threads = threads;
        CHECK_OK(ck_gbm_train(&many, d, NULL, &p, NULL, NULL, NULL, &err));
        CHECK(one && many && same_models(one, many));
        ck_gbm_free(many);
    }
    ck_gbm_free(one);
    ck_dataset_free(d);
}

/* The summary's top features against a full sort of the gains (ties: earlier feature). */
static const double *sort_gain;

static int by_gain(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (sort_gain[a] != sort_gain[b])
        return sort_gain[a] > sort_gain[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static void test_gbm__top_features_by_gain(void)
{
    ck_error err = { 0 };
    rng_state = 33;
    ck_dataset *d = random_table(TMP "top.csv", 5000, 0.1, &err);
    if (d == NULL) {
        CHECK(false);
        return;
    }
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 30;
    ck_gbm *m = NULL;
    CHECK_OK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err));
    if (m != NULL) {
        size_t n = ck_schema_n_features(ck_gbm_schema(m));
        sort_gain = ck_gbm_importance(m);
        size_t order[64], top[64];
        double share[64], total = 0;
        for (size_t j = 0; j < n && j < 64; j++) {
            order[j] = j;
            total += sort_gain[j];
        }
        qsort(order, n, sizeof *order, by_gain);
        size_t n_positive = 0;
        while (n_positive < n && sort_gain[order[n_positive]] > 0)
            n_positive++;
        size_t k = ck_gbm_top_features(m, n + 1, top, share);
        CHECK_EQ_INT(k, n_positive);
        CHECK(k > 1);
        for (size_t i = 0; i < k; i++) {
            CHECK_EQ_INT(top[i], order[i]);
            CHECK_NEAR(share[i], sort_gain[order[i]] / total, 1e-15);
        }
        CHECK_EQ_INT(ck_gbm_top_features(m, 1, top, NULL), 1);
        CHECK_EQ_INT(top[0], order[0]);
    }
    ck_gbm_free(m);
    ck_dataset_free(d);
}

static void test_gbm__early_stopping_keeps_the_best_round(void)
{
    ck_error err = { 0 };
    rng_state = 31;
    ck_dataset *train = random_table(TMP "es_train.csv", 2000, 0.1, &err);
    ck_dataset *valid = random_table(TMP "es_valid.csv", 2000, 0.1, &err);
    if (train && valid) {
        ck_gbm_params p = CK_GBM_PARAMS_INIT;
        p.rounds = 2000;
        p.learning_rate = 0.5; /* overfits the noise quickly */
        p.min_samples_leaf = 1;
        p.patience = 10;
        ck_gbm_report r;
        ck_gbm *m = NULL;
        CHECK_OK(ck_gbm_train(&m, train, valid, &p, &r, NULL, NULL, &err));
        CHECK(r.rounds_run < 2000);
        CHECK_EQ_INT(r.rounds_kept, r.rounds_run - 10);
        CHECK(m && (int)m->n_stumps == r.rounds_kept);
        CHECK(!isnan(r.valid_logloss) && !isnan(r.valid_auc));
        ck_gbm_free(m);
    }
    ck_dataset_free(train);
    ck_dataset_free(valid);
}

static void test_gbm__bad_parameters_and_one_class(void)
{
    ck_error err = { 0 };
    rng_state = 41;
    ck_dataset *d = random_table(TMP "bad.csv", 100, 0.0, &err);
    if (d == NULL) {
        CHECK(false);
        return;
    }
    ck_gbm *m = NULL;
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.max_bins = 300;
    CHECK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "max_bins must be 2 to 255");
    CHECK(m == NULL);
    ck_dataset_free(d);
    FILE *f = fopen(TMP "one_class.csv", "w");
    if (f) {
        fputs("x,y\n1,0\n2,0\n3,0\n", f);
        fclose(f);
    }
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.label = "y";
    d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "one_class.csv", &opts, &err));
    p = (ck_gbm_params)CK_GBM_PARAMS_INIT;
    if (d)
        CHECK(ck_gbm_train(&m, d, NULL, &p, NULL, NULL, NULL, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "the training labels are all 0 (retained): nothing to learn");
    ck_dataset_free(d);
}

int main(void)
{
    RUN(test_gbm__first_split_is_the_brute_force_optimum);
    RUN(test_gbm__compiled_tables_equal_the_sum_of_stumps);
    RUN(test_gbm__training_loss_decreases);
    RUN(test_gbm__identical_for_any_thread_count);
    RUN(test_gbm__top_features_by_gain);
    RUN(test_gbm__early_stopping_keeps_the_best_round);
    RUN(test_gbm__bad_parameters_and_one_class);
    return check_summary();
}
