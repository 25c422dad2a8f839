/*
 * Tests of rfm.h: quantiles against numpy, boundaries ignoring NaN, scores with ties at the
 * boundaries in both directions, and the named segments of the default grid.
 *
 * Expected quantiles were computed offline on this machine with numpy 1.24.2 (Debian's
 * python3-numpy), numpy.quantile(values, q) with its default linear method (Hyndman & Fan
 * type 7), and numpy.nanquantile for the data with NaN; the numbers are pasted below with
 * 17 significant digits. numpy interpolates with a slightly different formula, so values
 * are compared with a relative tolerance of 1e-12.
 */
#include "churnkit/rfm.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "churnkit/config.h"

#define REL_TOL(want) (1e-12 * (fabs(want) > 1.0 ? fabs(want) : 1.0))

static const double quintiles[4] = { 0.2, 0.4, 0.6, 0.8 };

static int compare_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Data set F: (i·37 mod 101)·0.75 − 10 for i = 0..99, in that (unsorted) order. */
static void make_f(double out[100])
{
    for (int i = 0; i < 100; i++)
        out[i] = (i * 37 % 101) * 0.75 - 10;
}

/* Data set H: ((i·7919) mod 1009) / 7 for i = 1..501. */
static void make_h(double out[501])
{
    for (int i = 1; i <= 501; i++)
        out[i - 1] = ((i * 7919) % 1009) / 7.0;
}

static void check_quintiles(const double *sorted, size_t n, const double want[4])
{
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(ck_quantile_sorted(sorted, n, quintiles[k]), want[k], REL_TOL(want[k]));
}

static void test_rfm__quantile_small_sets(void)
{
    const double a[] = { 1, 2, 3, 4, 5 };
    check_quintiles(a, 5, (const double[]){ 1.8, 2.6, 3.4, 4.2 });
    CHECK_NEAR(ck_quantile_sorted(a, 5, 0.5), 3.0, 0.0);
    CHECK_NEAR(ck_quantile_sorted(a, 5, 0.0), 1.0, 0.0);
    CHECK_NEAR(ck_quantile_sorted(a, 5, 1.0), 5.0, 0.0);

    const double b[] = { 3.5 }; /* a single value is every quantile */
    check_quintiles(b, 1, (const double[]){ 3.5, 3.5, 3.5, 3.5 });
    CHECK_NEAR(ck_quantile_sorted(b, 1, 0.0), 3.5, 0.0);
    CHECK_NEAR(ck_quantile_sorted(b, 1, 1.0), 3.5, 0.0);

    const double c[] = { 10, 20 };
    check_quintiles(c, 2, (const double[]){ 12, 14, 16, 18 });
    CHECK_NEAR(ck_quantile_sorted(c, 2, 1.0), 20.0, 0.0);

    const double d[] = { 0.5, 2, 2, 2, 7, 11.25, 13, 40, 41, 100.125, 1000 };
    check_quintiles(d, 11, (const double[]){ 2, 7, 13, 41 });
    CHECK_NEAR(ck_quantile_sorted(d, 11, 0.5), 11.25, 0.0);
    CHECK_NEAR(ck_quantile_sorted(d, 11, 1.0), 1000.0, 0.0);

    const double e[] = { 1, 1, 1, 1, 1, 2 };
    check_quintiles(e, 6, (const double[]){ 1, 1, 1, 1 });
    CHECK_NEAR(ck_quantile_sorted(e, 6, 1.0), 2.0, 0.0);

    const double g[] = { -3, -1.5, 0, 2.25 };
    check_quintiles(g, 4,
                    (const double[]){ -2.0999999999999996, -1.1999999999999997,
                                      -0.30000000000000027, 0.9000000000000008 });
    CHECK_NEAR(ck_quantile_sorted(g, 4, 0.5), -0.75, 0.0);
}

static void test_rfm__quantile_larger_sets(void)
{
    double f[100], h[501];
    make_f(f);
    qsort(f, 100, sizeof *f, compare_double);
    check_quintiles(f, 100,
                    (const double[]){ 4.8500000000000005, 19.700000000000003, 34.549999999999997,
                                      50.150000000000006 });
    CHECK_NEAR(ck_quantile_sorted(f, 100, 0.37), 17.472500000000004, REL_TOL(17.47));
    make_h(h);
    qsort(h, 501, sizeof *h, compare_double);
    check_quintiles(h, 501,
                    (const double[]){ 28.571428571428573, 57.428571428571431, 86.285714285714292,
                                      114.85714285714286 });
    CHECK_NEAR(ck_quantile_sorted(h, 501, 0.123), 17.571428571428569, REL_TOL(17.57));
}

static void test_rfm__bounds_ignore_nan(void)
{
    ck_error err = { 0 };
    double bounds[4] = { -1, -1, -1, -1 };
    /* numpy.nanquantile([5, nan, 1, 4, nan, 2, 3], q) */
    const double n[] = { 5, NAN, 1, 4, NAN, 2, 3 };
    CHECK_OK(ck_rfm_bounds(bounds, n, 7, &err));
    const double want_n[4] = { 1.8, 2.6, 3.4, 4.2 };
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(bounds[k], want_n[k], REL_TOL(want_n[k]));

    /* unsorted input, NaN in every 7th slot: the quintiles of data set F */
    double values[150];
    double f[100];
    make_f(f);
    size_t m = 0, next = 0;
    for (size_t i = 0; i < 150; i++)
        values[i] = (i % 7 == 3 || next == 100) ? NAN : f[next++];
    m = next;
    CHECK_EQ_INT(m, 100);
    CHECK_OK(ck_rfm_bounds(bounds, values, 150, &err));
    const double want_f[4] = { 4.8500000000000005, 19.700000000000003, 34.549999999999997,
                               50.150000000000006 };
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(bounds[k], want_f[k], REL_TOL(want_f[k]));
    /* the input is left as it was */
    CHECK(isnan(values[3]));
    CHECK_NEAR(values[0], f[0], 0.0);
    CHECK_NEAR(values[1], f[1], 0.0);

    /* no finite value: all boundaries 0 */
    const double all_nan[] = { NAN, NAN, NAN };
    for (int k = 0; k < 4; k++)
        bounds[k] = -1;
    CHECK_OK(ck_rfm_bounds(bounds, all_nan, 3, &err));
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(bounds[k], 0.0, 0.0);
    for (int k = 0; k < 4; k++)
        bounds[k] = -1;
    CHECK_OK(ck_rfm_bounds(bounds, NULL, 0, &err));
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(bounds[k], 0.0, 0.0);

    /* one value */
    const double one[] = { NAN, 42.5 };
    CHECK_OK(ck_rfm_bounds(bounds, one, 2, &err));
    for (int k = 0; k < 4; k++)
        CHECK_NEAR(bounds[k], 42.5, 0.0);
}

/* f_score = 1 + #{b : v > b}: a value equal to a boundary stays below it. */
static void test_rfm__score_higher_is_better(void)
{
    const double b[4] = { 1.8, 2.6, 3.4, 4.2 };
    CHECK_EQ_INT(ck_rfm_score(-1e300, b, 0), 1);
    CHECK_EQ_INT(ck_rfm_score(1.0, b, 0), 1);
    CHECK_EQ_INT(ck_rfm_score(1.8, b, 0), 1);
    CHECK_EQ_INT(ck_rfm_score(nextafter(1.8, 2.0), b, 0), 2);
    CHECK_EQ_INT(ck_rfm_score(2.6, b, 0), 2);
    CHECK_EQ_INT(ck_rfm_score(3.0, b, 0), 3);
    CHECK_EQ_INT(ck_rfm_score(3.4, b, 0), 3);
    CHECK_EQ_INT(ck_rfm_score(4.2, b, 0), 4);
    CHECK_EQ_INT(ck_rfm_score(nextafter(4.2, 5.0), b, 0), 5);
    CHECK_EQ_INT(ck_rfm_score(1e300, b, 0), 5);
    CHECK_EQ_INT(ck_rfm_score(INFINITY, b, 0), 5);
}

/* r_score = 5 − #{b : v > b}: fewer days is better. */
static void test_rfm__score_lower_is_better(void)
{
    const double b[4] = { 10, 30, 90, 180 };
    CHECK_EQ_INT(ck_rfm_score(0.0, b, 1), 5);
    CHECK_EQ_INT(ck_rfm_score(10.0, b, 1), 5);
    CHECK_EQ_INT(ck_rfm_score(10.5, b, 1), 4);
    CHECK_EQ_INT(ck_rfm_score(30.0, b, 1), 4);
    CHECK_EQ_INT(ck_rfm_score(30.000001, b, 1), 3);
    CHECK_EQ_INT(ck_rfm_score(90.0, b, 1), 3);
    CHECK_EQ_INT(ck_rfm_score(180.0, b, 1), 2);
    CHECK_EQ_INT(ck_rfm_score(180.5, b, 1), 1);
    CHECK_EQ_INT(ck_rfm_score(1e9, b, 1), 1);
}

/* Repeated boundaries (many equal values): equal values share a score, and a value above
 * a repeated boundary jumps over all of its copies. */
static void test_rfm__score_ties(void)
{
    const double b[4] = { 1, 1, 1, 2 }; /* e.g. most customers bought once */
    CHECK_EQ_INT(ck_rfm_score(1.0, b, 0), 1);
    CHECK_EQ_INT(ck_rfm_score(1.5, b, 0), 4);
    CHECK_EQ_INT(ck_rfm_score(2.0, b, 0), 4);
    CHECK_EQ_INT(ck_rfm_score(3.0, b, 0), 5);
    CHECK_EQ_INT(ck_rfm_score(1.0, b, 1), 5);
    CHECK_EQ_INT(ck_rfm_score(1.5, b, 1), 2);
    CHECK_EQ_INT(ck_rfm_score(2.0, b, 1), 2);
    CHECK_EQ_INT(ck_rfm_score(3.0, b, 1), 1);
    const double same[4] = { 7, 7, 7, 7 };
    CHECK_EQ_INT(ck_rfm_score(7.0, same, 0), 1);
    CHECK_EQ_INT(ck_rfm_score(7.5, same, 0), 5);
    CHECK_EQ_INT(ck_rfm_score(7.0, same, 1), 5);
    CHECK_EQ_INT(ck_rfm_score(7.5, same, 1), 1);

    /* scoring a population by its own boundaries: every value gets the score of its
     * equals, and scores never decrease with the value (frequency) or increase (recency) */
    double e[] = { 1, 1, 1, 1, 1, 2, 2, 3, 5, 8, 8, 13 };
    const size_t n = sizeof e / sizeof *e;
    ck_error err = { 0 };
    double bounds[4];
    CHECK_OK(ck_rfm_bounds(bounds, e, n, &err));
    bool monotone = true;
    for (size_t i = 1; i < n; i++) {
        int f0 = ck_rfm_score(e[i - 1], bounds, 0), f1 = ck_rfm_score(e[i], bounds, 0);
        int r0 = ck_rfm_score(e[i - 1], bounds, 1), r1 = ck_rfm_score(e[i], bounds, 1);
        monotone &= e[i] == e[i - 1] ? (f0 == f1 && r0 == r1) : (f0 <= f1 && r0 >= r1);
        monotone &= f1 + r1 == 6; /* the two directions mirror each other */
    }
    CHECK(monotone);
}

static void test_rfm__segment_default_grid(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    /* corners and a few inner cells, from the table in docs/FEATURES.md */
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 5, 5), "champions");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 5, 4), "champions");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 5, 1), "new_customers");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 5, 2), "potential_loyalists");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 1, 1), "hibernating");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 1, 5), "cant_lose_them");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 2, 5), "cant_lose_them");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 2, 3), "at_risk");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 4, 1), "promising");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 4, 4), "loyal_customers");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 3, 1), "about_to_sleep");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 3, 3), "need_attention");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 3, 5), "loyal_customers");
}

static void test_rfm__segment_out_of_range(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 0, 3), "");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 6, 3), "");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 3, 0), "");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 3, 6), "");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, -1, -1), "");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 0, 0), "");
}

/* The segment comes from the config's grid, row R − 1, column F − 1. */
static void test_rfm__segment_custom_grid(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    for (int r = 0; r < 5; r++)
        for (int f = 0; f < 5; f++)
            snprintf(cfg.rfm_segments[r][f], CK_NAME_MAX, "cell_%d_%d", r + 1, f + 1);
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 1, 1), "cell_1_1");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 2, 4), "cell_2_4");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 4, 2), "cell_4_2");
    CHECK_EQ_STR(ck_rfm_segment(&cfg, 5, 5), "cell_5_5");
}

int main(void)
{
    RUN(test_rfm__quantile_small_sets);
    RUN(test_rfm__quantile_larger_sets);
    RUN(test_rfm__bounds_ignore_nan);
    RUN(test_rfm__score_higher_is_better);
    RUN(test_rfm__score_lower_is_better);
    RUN(test_rfm__score_ties);
    RUN(test_rfm__segment_default_grid);
    RUN(test_rfm__segment_out_of_range);
    RUN(test_rfm__segment_custom_grid);
    return check_summary();
}
