/*
 * Tests of the A/B analysis (ck_abtest_analyze() in abtest.h): every number of a read-out
 * against an independent computation (SciPy 1.10.1 and statsmodels 0.13.5, offline; each
 * block names the functions), Fisher's test on a small sample, the options that make no
 * read-out, the sample-ratio check, costs and the arm × channel table. Reading is tested
 * in test_abtest_assignments.c, outcomes and segments from events in
 * test_abtest_outcomes.c, the writers in test_abtest_report.c and the behaviour on
 * churn-synth campaigns in test_abtest_synthetic.c.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/abtest_fixtures.h"

#define TMP(name) CK_TEST_TMP "/abtest_" name

/* The reference, from this script's output (abref.py, kept in the comments):
 *   proportion_confint(k, n, method="wilson"); confint_proportions_2indep(k, n, k0, n0,
 *   method="newcomb", compare="diff"); proportions_ztest([k, k0], [n, n0]) (every expected
 *   count ≥ 5 here); multipletests(p, method="holm"); scipy.stats.ttest_ind(y_arm, y_ctl,
 *   equal_var=False); statsmodels ttest_ind(..., usevar="unequal") for df;
 *   CompareMeans(...).tconfint_diff(usevar="unequal"); CUPED: θ = np.cov(x, y)[0, 1] /
 *   np.var(x, ddof=1), y − θ(x − x̄), then the same Welch calls, and the reduction
 *   1 − var(y')/var(y); the relative lift by hand (see test_stats.c). */
typedef struct ref_arm {
    const char *arm;
    size_t n, k;
    double rate, wilson[2], revmean;
    double lift, newcombe[2], rel, rel_ci[2], p, holm;
    double rdiff, rci[2], rp, rholm, rdf;
    double cdiff, cci[2], cp;
} ref_arm;

static void check_against(const ck_abtest_table *t, const ref_arm *ref, size_t n_ref, double theta,
                          double reduction)
{
    CHECK_EQ_INT(t->n_arms, n_ref);
    CHECK_REL(t->cuped_theta, theta, 1e-12);
    CHECK_REL(t->cuped_variance_reduction, reduction, 1e-11);
    for (size_t i = 0; i < n_ref; i++) {
        const ref_arm *r = &ref[i];
        const ck_abtest_arm *a = find_arm(t, r->arm);
        CHECK(a != NULL);
        if (a == NULL)
            continue;
        CHECK_EQ_INT(a->n, r->n);
        CHECK_EQ_INT(a->conversions, r->k);
        CHECK_REL(a->rate, r->rate, 1e-15);
        CHECK_NEAR(a->rate_ci[0], r->wilson[0], 1e-14);
        CHECK_NEAR(a->rate_ci[1], r->wilson[1], 1e-14);
        CHECK_REL(a->revenue_per_user, r->revmean, 1e-13);
        if (i == 0) {
            CHECK(a->is_control && isnan(a->abs_lift) && isnan(a->p_value));
            CHECK(a->test == CK_ABTEST_NO_TEST);
            continue;
        }
        CHECK(a->test == CK_ABTEST_Z);
        CHECK_NEAR(a->abs_lift, r->lift, 1e-15);
        CHECK_NEAR(a->abs_lift_ci[0], r->newcombe[0], 1e-14);
        CHECK_NEAR(a->abs_lift_ci[1], r->newcombe[1], 1e-14);
        CHECK_REL(a->rel_lift, r->rel, 1e-13);
        CHECK_REL(a->rel_lift_ci[0], r->rel_ci[0], 1e-12);
        CHECK_REL(a->rel_lift_ci[1], r->rel_ci[1], 1e-12);
        CHECK_REL(a->p_value, r->p, 1e-12);
        CHECK_REL(a->p_adjusted, r->holm, 1e-12);
        CHECK_REL(a->revenue_diff, r->rdiff, 1e-12);
        /* statsmodels' interval uses SciPy's t.ppf, good to about 1e-9 (see test_stats.c) */
        CHECK_REL(a->revenue_diff_ci[0], r->rci[0], 1e-8);
        CHECK_REL(a->revenue_diff_ci[1], r->rci[1], 1e-8);
        CHECK_REL(a->revenue_p_value, r->rp, 1e-10);
        CHECK_REL(a->revenue_p_adjusted, r->rholm, 1e-10);
        CHECK_REL(a->revenue_df, r->rdf, 1e-12);
        CHECK_REL(a->cuped_revenue_diff, r->cdiff, 1e-11);
        CHECK_REL(a->cuped_revenue_diff_ci[0], r->cci[0], 1e-8);
        CHECK_REL(a->cuped_revenue_diff_ci[1], r->cci[1], 1e-8);
        CHECK_REL(a->cuped_revenue_p_value, r->cp, 1e-10);
        CHECK_REL(a->incremental_conversions, r->lift * (double)r->n, 1e-13);
        CHECK_REL(a->incremental_revenue, r->rdiff * (double)r->n, 1e-12);
    }
}

static void test_abtest__columns_readout(void)
{
    ck_error err = { 0 };
    const char *by[] = { "seg" };
    ck_abtest *ab = read_columns_case(TMP("columns.csv"), by, 1);
    if (ab == NULL)
        return;
    CHECK_EQ_INT(ck_abtest_n_rows(ab), 300);
    CHECK_EQ_INT(ck_abtest_n_arms(ab), 3);
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    o.cuped = true;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    /* overall, then seg = x, seg = y, then arm × channel */
    CHECK_EQ_INT(ck_abtest_n_tables(ab), 4);
    const ck_abtest_table *all = ck_abtest_table_at(ab, 0);
    static const ref_arm ref_all[] = {
        { .arm = "control",
          .n = 100,
          .k = 10,
          .rate = 0.1,
          .wilson = { 0.05522913706067509, 0.17436566150491348 },
          .revmean = 3.88 },
        { "offer_a",
          100,
          18,
          0.18,
          { 0.11700225498946347, 0.2666735838630073 },
          7.21,
          0.07999999999999999,
          { -0.017462646626674114, 0.17755378161808788 },
          0.7999999999999998,
          { -0.49891058739578376, 2.0989105873957836 },
          0.10304269342469359,
          0.20608538684938718,
          3.33,
          { -0.9706473466513188, 7.630647346651319 },
          0.1283306696583265,
          0.256661339316653,
          187.40971930921748,
          2.606999784596523,
          { -1.2862965134494786, 6.5002960826425245 },
          0.1881555159554747 },
        { "offer_b",
          100,
          12,
          0.12,
          { 0.06999406437019488, 0.19812099426711421 },
          4.74,
          0.01999999999999999,
          { -0.06961498317399598, 0.11004065700345766 },
          0.19999999999999996,
          { -0.7505320166239842, 1.150532016623984 },
          0.6512800661041753,
          0.6512800661041753,
          0.8600000000000003,
          { -3.0493580244449157, 4.769358024444916 },
          0.6648867597513272,
          0.6648867597513272,
          196.80093927678737,
          0.8258155926523187,
          { -2.698766128552089, 4.3503973138567265 },
          0.6445547283448835 },
    };
    check_against(all, ref_all, 3, 0.3418440734768217, 0.20049414868360227);
    /* scipy.stats.chisquare([100, 100, 100]) */
    CHECK(all->has_srm && !all->srm_mismatch);
    CHECK_NEAR(all->srm_chi2, 0.0, 1e-12);
    CHECK_NEAR(all->srm_p_value, 1.0, 1e-12);

    const ck_abtest_table *x = ck_abtest_table_at(ab, 1);
    CHECK(x->kind == CK_ABTEST_SEGMENT);
    CHECK_EQ_STR(x->column, "seg");
    CHECK_EQ_STR(x->value, "x");
    CHECK_EQ_INT(x->n, 150);
    static const ref_arm ref_x[] = {
        { .arm = "control",
          .n = 50,
          .k = 5,
          .rate = 0.1,
          .wilson = { 0.0434757649318904, 0.21360231437479657 },
          .revmean = 3.42 },
        { "offer_a",
          50,
          9,
          0.18,
          { 0.09770192670234175, 0.30796053674300783 },
          8.2,
          0.07999999999999999,
          { -0.06027992978262017, 0.2198888419910379 },
          0.7999999999999998,
          { -1.0369369690051207, 2.63693696900512 },
          0.24900035245210006,
          0.4980007049042001,
          4.779999999999999,
          { -1.6124483054313226, 11.17244830543132 },
          0.14071733116647042,
          0.28143466233294084,
          82.25508705016912,
          3.3624723371795473,
          { -2.4064385234144763, 9.131383197773571 },
          0.24971512746093957 },
        { "offer_b",
          50,
          6,
          0.12,
          { 0.056176001509322726, 0.23804817383202986 },
          4.54,
          0.01999999999999999,
          { -0.11030344820705279, 0.1508830030795139 },
          0.19999999999999996,
          { -1.1442552693794865, 1.5442552693794864 },
          0.7492705235284574,
          0.7492705235284574,
          1.12,
          { -4.092396601491527, 6.332396601491527 },
          0.6706734678240369,
          0.6706734678240369,
          95.62742446004026,
          1.0374604145699498,
          { -3.5788022462178577, 5.653723075357755 },
          0.6565716150274805 },
    };
    check_against(x, ref_x, 3, 0.35886776273935495, 0.2147004924287358);
    CHECK_EQ_STR(ck_abtest_table_at(ab, 2)->value, "y");

    /* Benjamini–Hochberg: multipletests(p, method="fdr_bh") */
    o.correction = CK_CORRECT_BH;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    CHECK_REL(find_arm(ck_abtest_table_at(ab, 0), "offer_a")->p_adjusted, 0.20608538684938718,
              1e-12);
    CHECK_REL(find_arm(ck_abtest_table_at(ab, 0), "offer_b")->p_adjusted, 0.6512800661041753,
              1e-12);

    /* one-sided: the p-value halves for a positive z, the interval opens upwards and its
     * lower end is the two-sided 90% one */
    o.correction = CK_CORRECT_NONE;
    o.alternative = CK_ALT_GREATER;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const ck_abtest_arm *a = find_arm(ck_abtest_table_at(ab, 0), "offer_a");
    CHECK_REL(a->p_value, 0.10304269342469359 / 2.0, 1e-12);
    CHECK(isinf(a->abs_lift_ci[1]) && a->abs_lift_ci[1] > 0);
    double lo, hi;
    ck_stats_newcombe(18, 100, 10, 100, 0.90, &lo, &hi);
    CHECK_NEAR(a->abs_lift_ci[0], lo, 1e-15);
    CHECK(isinf(a->revenue_diff_ci[1]));
    ck_abtest_free(ab);
}

/* A small sample: 5/10 against 1/12 has expected counts below 5, so Fisher's test:
 * scipy.stats.fisher_exact([[5, 5], [1, 11]]) = 0.05572755417956657; Newcombe from
 * confint_proportions_2indep(5, 10, 1, 12, method="newcomb") */
static void test_abtest__small_sample_uses_fisher(void)
{
    ck_error err = { 0 };
    const char *path = TMP("small.csv");
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    fputs("customer_id,arm,converted\n", fp);
    for (int i = 0; i < 12; i++)
        fprintf(fp, "c%d,ctl,%d\n", i, i == 0);
    for (int i = 0; i < 10; i++)
        fprintf(fp, "t%d,treat,%s\n", i, i < 5 ? "TRUE" : "False");
    CHECK(fclose(fp) == 0);
    ck_abtest *ab = NULL;
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.converted_column = "converted";
    CHECK_OK(ck_abtest_read_csv(&ab, path, &ro, &err));
    if (ab == NULL)
        return;
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    o.control = "ctl";
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const ck_abtest_table *t = ck_abtest_table_at(ab, 0);
    const ck_abtest_arm *a = find_arm(t, "treat");
    CHECK(a->test == CK_ABTEST_FISHER);
    CHECK_REL(a->p_value, 0.05572755417956657, 1e-11);
    CHECK_REL(a->p_adjusted, 0.05572755417956657, 1e-11); /* a family of one */
    CHECK(isnan(a->z));
    CHECK_NEAR(a->abs_lift_ci[0], 0.039070783837913514, 1e-14);
    CHECK_NEAR(a->abs_lift_ci[1], 0.688826729327743, 1e-14);
    CHECK(isnan(a->revenue_diff)); /* no revenue column */
    CHECK(t->arms[0].is_control && strcmp(t->arms[0].arm, "ctl") == 0);
    ck_abtest_free(ab);
}

static void test_abtest__bad_options(void)
{
    ck_error err = { 0 };
    ck_abtest *ab = NULL;
    const char *path = TMP("bad.csv");
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.converted_column = "conv";

    ro.n_by = 0;
    write_file(path, "customer_id,arm,conv\nc1,a,1\nc2,b,0\n");
    CHECK_OK(ck_abtest_read_csv(&ab, path, &ro, &err));
    if (ab != NULL) {
        ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
        CHECK(ck_abtest_analyze(ab, &o, &err) == CK_EINVAL);
        CHECK_EQ_STR(err.msg, "no control arm \"control\" (arms: a, b)");
        o.control = "a";
        const char *names[] = { "a", "b", "c" };
        const double w[] = { 1, 1, 1 };
        o.split_arms = names;
        o.split_weights = w;
        o.n_split = 3;
        CHECK(ck_abtest_analyze(ab, &o, &err) == CK_EINVAL);
        CHECK_EQ_STR(err.msg, "arm \"c\" of the expected split has no rows");
        o.n_split = 1;
        CHECK(ck_abtest_analyze(ab, &o, &err) == CK_EINVAL);
        CHECK_EQ_STR(err.msg, "arm \"b\" is missing from the expected split");
        ck_abtest_free(ab);
        ab = NULL;
    }
    write_file(path, "customer_id,arm,conv\nc1,control,1\nc2,control,0\n");
    CHECK_OK(ck_abtest_read_csv(&ab, path, &ro, &err));
    if (ab != NULL) {
        CHECK(ck_abtest_analyze(ab, NULL, &err) == CK_EINVAL);
        CHECK_EQ_STR(err.msg, "only the control arm \"control\": nothing to compare it with");
        ck_abtest_free(ab);
    }
}

/* 1000 against 880 with an expected 1:1 split: scipy.stats.chisquare([1000, 880]) gives
 * chi2 = 7.659574468085107, p = 0.005647182255806741; against 10:9 it is no mismatch */
static void test_abtest__sample_ratio_mismatch(void)
{
    ck_error err = { 0 };
    const char *path = TMP("srm.csv");
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    fputs("customer_id,arm,converted\n", fp);
    for (int i = 0; i < 1880; i++)
        fprintf(fp, "c%d,%s,%d\n", i, i < 1000 ? "control" : "treat", i % 7 == 0);
    CHECK(fclose(fp) == 0);
    ck_abtest *ab = NULL;
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.converted_column = "converted";
    CHECK_OK(ck_abtest_read_csv(&ab, path, &ro, &err));
    if (ab == NULL)
        return;
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const ck_abtest_table *t = ck_abtest_table_at(ab, 0);
    CHECK_REL(t->srm_chi2, 7.659574468085107, 1e-12);
    CHECK_REL(t->srm_p_value, 0.005647182255806741, 1e-11);
    CHECK(!t->srm_mismatch); /* p > 0.001 */
    o.srm_threshold = 0.01;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    CHECK(ck_abtest_table_at(ab, 0)->srm_mismatch);
    CHECK(has_warning(ab, "SAMPLE RATIO MISMATCH: arm sizes 1000:880"));
    const char *names[] = { "treat", "control" };
    const double w[] = { 9, 10 };
    o.split_arms = names;
    o.split_weights = w;
    o.n_split = 2;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    CHECK(!ck_abtest_table_at(ab, 0)->srm_mismatch);
    CHECK(!has_warning(ab, "SAMPLE RATIO"));
    ck_abtest_free(ab);
}

/* Costs by hand: contact 0.5 per sms and 0.1 per app treated customer, offers 10 per
 * converted offer_a and 4 per converted offer_b customer. */
static void test_abtest__costs_and_arm_channel(void)
{
    ck_error err = { 0 };
    ck_abtest *ab = read_columns_case(TMP("columns.csv"), NULL, 0);
    if (ab == NULL)
        return;
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    const char *channels[] = { "sms", "app" };
    const double contact[] = { 0.5, 0.1 };
    const char *arms[] = { "offer_a", "offer_b" };
    const double offer[] = { 10.0, 4.0 };
    o.has_costs = true;
    o.contact_cost_channels = channels;
    o.contact_cost_values = contact;
    o.n_contact_costs = 2;
    o.offer_cost_arms = arms;
    o.offer_cost_values = offer;
    o.n_offer_costs = 2;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    /* count the sms and app customers of offer_a by the generator's formula */
    size_t sms = 0, app = 0;
    for (int i = 1; i < 300; i += 3)
        (i / 3) % 2 ? app++ : sms++;
    const ck_abtest_arm *a = find_arm(ck_abtest_table_at(ab, 0), "offer_a");
    double cost = 0.5 * (double)sms + 0.1 * (double)app + 10.0 * 18;
    CHECK_REL(a->cost, cost, 1e-14);
    CHECK_REL(a->cost_per_incremental_conversion, cost / (0.08 * 100), 1e-12);
    CHECK_REL(a->roi, (3.33 * 100 - cost) / cost, 1e-12);
    CHECK(isnan(find_arm(ck_abtest_table_at(ab, 0), "control")->cost));

    /* the arm × channel table: control pooled over channels, then each treated cell */
    CHECK_EQ_INT(ck_abtest_n_tables(ab), 2);
    const ck_abtest_table *t = ck_abtest_table_at(ab, 1);
    CHECK(t->kind == CK_ABTEST_ARM_CHANNEL && !t->has_srm);
    CHECK_EQ_INT(t->n_arms, 5);
    CHECK(t->arms[0].is_control && t->arms[0].n == 100 && t->arms[0].channel == NULL);
    CHECK_EQ_STR(t->arms[1].arm, "offer_a");
    CHECK_EQ_STR(t->arms[1].channel, "app");
    CHECK_EQ_INT(t->arms[1].n + t->arms[2].n, 100);
    CHECK_EQ_INT(t->arms[1].n, app);
    o.arm_channel = false;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    CHECK_EQ_INT(ck_abtest_n_tables(ab), 1);
    ck_abtest_free(ab);
}

int main(void)
{
    RUN(test_abtest__columns_readout);
    RUN(test_abtest__small_sample_uses_fisher);
    RUN(test_abtest__bad_options);
    RUN(test_abtest__sample_ratio_mismatch);
    RUN(test_abtest__costs_and_arm_channel);
    return check_summary();
}
