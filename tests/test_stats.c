/*
 * Tests of the A/B statistics (stats.h) against reference values computed offline with
 * SciPy 1.10.1, statsmodels 0.13.5 and mpmath 1.2.1 (Debian 12's python3-scipy,
 * python3-statsmodels, python3-mpmath). Each table below names the function that produced
 * its numbers; they were printed with repr(float(x)) and pasted here. Tolerances are
 * relative unless said otherwise, and each states why it is what it is.
 */
#include "churnkit/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* |a − b| ≤ rtol·|b| (both 0, both infinite with one sign, or both NaN pass). */
#define CHECK_REL(a, b, rtol)                                                                      \
    do {                                                                                           \
        double ra_ = (a), rb_ = (b);                                                               \
        CHECK_REPORT_((isnan(ra_) && isnan(rb_)) || ra_ == rb_ ||                                  \
                          fabs(ra_ - rb_) <= (rtol)*fabs(rb_),                                     \
                      "%s ~ %s: %.17g != %.17g (rtol %g)", #a, #b, ra_, rb_, (double)(rtol));      \
    } while (0)

/* mpmath at 40 digits: mp.ncdf(z) and 1 − mp.ncdf(z). (SciPy 1.10's norm.cdf(−8) is off
 * by 7e-15 relative, as far from the truth as erfc here, so mpmath is the reference.) */
static void test_stats__normal_cdf(void)
{
    static const double cases[][3] = {
        { -38.5, 0.0, 1.0 },
        { -8.0, 6.220960574271784e-16, 0.9999999999999993 },
        { -1.959963984540054, 0.025000000000000012, 0.975 },
        { -0.3, 0.3820885778110474, 0.6179114221889527 },
        { 0.0, 0.5, 0.5 },
        { 1.0, 0.8413447460685429, 0.15865525393145705 },
        { 2.5, 0.9937903346742238, 0.006209665325776135 },
        { 6.0, 0.9999999990134123, 9.86587645037698e-10 },
        { 9.0, 1.0, 1.1285884059538405e-19 },
    };
    /* z/√2 is rounded before erfc, which moves erfc by 2z²·1e-16 relative: 1e-14 at z = 8 */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_REL(ck_stats_normal_cdf(cases[i][0]), cases[i][1], 1e-14);
        CHECK_REL(ck_stats_normal_sf(cases[i][0]), cases[i][2], 1e-14);
    }
}

/* scipy.stats.norm.ppf(p) */
static void test_stats__normal_quantile(void)
{
    static const double cases[][2] = {
        { 1e-300, -37.0470962993612 },
        { 1e-20, -9.262340089798409 },
        { 1e-10, -6.361340902404056 },
        { 0.001, -3.090232306167813 },
        { 0.02425, -1.972961051311885 },
        { 0.025, -1.9599639845400545 },
        { 0.1, -1.2815515655446004 },
        { 0.3, -0.5244005127080409 },
        { 0.5, 0.0 },
        { 0.7, 0.5244005127080407 },
        { 0.975, 1.959963984540054 },
        { 0.9999, 3.719016485455709 },
    };
    /* AS 241 is good to about 1e-16; 1e-14 leaves room for the last bits of both sides */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_REL(ck_stats_normal_quantile(cases[i][0]), cases[i][1], 1e-14);
    CHECK(isinf(ck_stats_normal_quantile(0.0)) && ck_stats_normal_quantile(0.0) < 0);
    CHECK(isinf(ck_stats_normal_quantile(1.0)) && ck_stats_normal_quantile(1.0) > 0);
    CHECK(isnan(ck_stats_normal_quantile(1.5)));
    CHECK(isnan(ck_stats_normal_quantile(NAN)));
}

/* scipy.stats.t.sf(t, df) */
static void test_stats__t_tail(void)
{
    static const double cases[][3] = {
        { -3.0, 1.0, 0.8975836176504333 },        { 0.5, 1.0, 0.3524163823495668 },
        { 2.1, 1.0, 0.141463028121509 },          { 8.0, 1.0, 0.03958342416056554 },
        { 40.0, 1.0, 0.007956089912025812 },      { -3.0, 2.5, 0.9637119522254841 },
        { 0.5, 2.5, 0.3288489599348574 },         { 2.1, 2.5, 0.0722512223774219 },
        { 8.0, 2.5, 0.0038283220655217225 },      { 40.0, 2.5, 7.097817145246693e-05 },
        { -3.0, 10.0, 0.9933281724887152 },       { 0.5, 10.0, 0.31394680287148646 },
        { 2.1, 10.0, 0.031038622101109265 },      { 8.0, 10.0, 5.887471394833078e-06 },
        { 40.0, 10.0, 1.1404288715428737e-12 },   { -3.0, 57.3, 0.9980042943526197 },
        { 0.5, 57.3, 0.30949494870442257 },       { 2.1, 57.3, 0.020071277935691897 },
        { 8.0, 57.3, 3.318655609405664e-11 },     { 40.0, 57.3, 7.287930658610958e-44 },
        { -3.0, 1000.0, 0.9986166454778809 },     { 0.5, 1000.0, 0.3085925404169375 },
        { 2.1, 1000.0, 0.01798943715539097 },     { 8.0, 1000.0, 1.7133307411957495e-15 },
        { 40.0, 1000.0, 5.239426077586736e-210 }, { -3.0, 100000.0, 0.9986497695579676 },
        { 0.5, 100000.0, 0.308538088827209 },     { 2.1, 100000.0, 0.017865669816148396 },
        { 8.0, 100000.0, 6.286959938128174e-16 }, { 40.0, 100000.0, 0.0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double t = cases[i][0], df = cases[i][1], want = cases[i][2];
        /* the continued fraction loses digits as df grows (about 1e-16·sqrt(df), measured
         * against mpmath at 50 digits): 1e-12 up to df = 1000, 1e-10 at 1e5 */
        double rtol = df <= 1000.0 ? 1e-12 : 1e-10;
        CHECK_REL(ck_stats_t_sf(t, df), want, rtol);
        CHECK_REL(ck_stats_t_cdf(-t, df), want, rtol);
    }
    CHECK_EQ_INT(ck_stats_t_sf(0.0, 3.0) == 0.5, 1);
    CHECK(isnan(ck_stats_t_sf(1.0, 0.0)));
    CHECK_REL(ck_stats_t_sf(2.0, INFINITY), ck_stats_normal_sf(2.0), 1e-15);
}

/* The t quantile with mpmath at 40 digits: findroot of the regularised incomplete beta
 * (mp.betainc(df/2, 1/2, 0, df/(df+t²), regularized=True)/2 = tail). SciPy 1.10's t.ppf
 * is only good to about 1e-11 here (its sf at its own ppf misses p by that much), so the
 * reference is the high-precision root. */
static void test_stats__t_quantile(void)
{
    static const double cases[][3] = {
        { 1e-08, 1.0, -31830988.618379056 },   { 0.025, 1.0, -12.706204736174705 },
        { 0.3, 1.0, -0.7265425280053609 },     { 0.975, 1.0, 12.706204736174694 },
        { 0.999, 1.0, 318.30883898555015 },    { 1e-08, 3.0, -479.5250695797383 },
        { 0.025, 3.0, -3.1824463052837095 },   { 0.3, 3.0, -0.5843897274398187 },
        { 0.975, 3.0, 3.1824463052837086 },    { 0.999, 3.0, 10.214531852407383 },
        { 1e-08, 7.5, -24.45123942597323 },    { 0.025, 7.5, -2.3330396268649745 },
        { 0.3, 7.5, -0.5474128775812612 },     { 0.975, 7.5, 2.333039626864974 },
        { 0.999, 7.5, 4.630319094034101 },     { 1e-08, 30.0, -7.556534651885402 },
        { 0.025, 30.0, -2.042272456301238 },   { 0.3, 30.0, -0.5300190039065045 },
        { 0.975, 30.0, 2.0422724563012378 },   { 0.999, 30.0, 3.385184866829305 },
        { 1e-08, 200.0, -5.848150187488378 },  { 0.025, 200.0, -1.9718962236339093 },
        { 0.3, 200.0, -0.5252373340155535 },   { 0.975, 200.0, 1.971896223633909 },
        { 0.999, 200.0, 3.1314798142211213 },  { 1e-08, 5000.0, -5.621132014775146 },
        { 0.025, 5000.0, -1.960438551706508 }, { 0.3, 5000.0, -0.524433944832573 },
        { 0.975, 5000.0, 1.9604385517065075 }, { 0.999, 5000.0, 3.0918631199609816 },
    };
    /* 1 − p loses up to 1e-16/q relative in q when p is near 1, which moves t by
     * that over the density: 1e-12 covers every case here */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_REL(ck_stats_t_quantile(cases[i][0], cases[i][1]), cases[i][2], 1e-12);
    /* closed forms: df = 1 is Cauchy, t = tan(π(p − ½)); df = 2, t = (2p − 1)/sqrt(2p(1 − p)) */
    for (double p = 0.01; p < 1.0; p += 0.07) {
        CHECK_REL(ck_stats_t_quantile(p, 1.0), tan(3.14159265358979323846 * (p - 0.5)), 1e-12);
        CHECK_REL(ck_stats_t_quantile(p, 2.0), (2.0 * p - 1.0) / sqrt(2.0 * p * (1.0 - p)), 1e-12);
    }
    CHECK(ck_stats_t_quantile(0.5, 9.0) == 0.0);
    CHECK(isinf(ck_stats_t_quantile(1.0, 9.0)));
}

/* scipy.special.betainc(a, b, x); gammainc, gammaincc(a, x); scipy.stats.chi2.cdf/sf */
static void test_stats__incomplete_functions(void)
{
    static const double beta[][4] = {
        { 0.5, 0.5, 0.2, 0.29516723530086664 },     { 2.0, 3.0, 0.4, 0.5247999999999999 },
        { 5.0, 0.5, 0.3, 0.0006913033857629761 },   { 50.0, 0.5, 0.99, 0.31730439787419623 },
        { 0.5, 40.0, 0.01, 0.6286139767460155 },    { 10.0, 10.0, 0.5, 0.5000000000000002 },
        { 200.0, 300.0, 0.41, 0.6776281647721865 },
    };
    for (size_t i = 0; i < sizeof beta / sizeof *beta; i++)
        CHECK_REL(ck_stats_beta_inc(beta[i][0], beta[i][1], beta[i][2]), beta[i][3], 1e-12);
    static const double gam[][4] = {
        { 0.5, 0.1, 0.34527915398142317, 0.6547208460185768 },
        { 1.5, 3.0, 0.8883897749052874, 0.11161022509471268 },
        { 3.0, 2.0, 0.32332358381693654, 0.6766764161830634 },
        { 10.0, 25.0, 0.9997785233617512, 0.0002214766382487835 },
        { 100.0, 90.0, 0.15822098918643007, 0.84177901081357 },
        { 0.5, 30.0, 0.9999999999999906, 9.485737571073857e-15 },
    };
    for (size_t i = 0; i < sizeof gam / sizeof *gam; i++) {
        CHECK_REL(ck_stats_gamma_p(gam[i][0], gam[i][1]), gam[i][2], 1e-12);
        CHECK_REL(ck_stats_gamma_q(gam[i][0], gam[i][1]), gam[i][3], 1e-12);
    }
    static const double chi2[][4] = {
        { 0.5, 1.0, 0.5204998778130466, 0.47950012218695337 },
        { 3.2, 3.0, 0.6381949725024683, 0.36180502749753174 },
        { 100.0, 3.0, 1.0, 1.5541594313896026e-21 },
        { 7.81, 3.0, 0.9498939436499941, 0.05010605635000589 },
        { 20.0, 10.0, 0.9707473119230389, 0.029252688076961124 },
        { 0.01, 2.0, 0.004987520807317688, 0.9950124791926823 },
    };
    for (size_t i = 0; i < sizeof chi2 / sizeof *chi2; i++) {
        CHECK_REL(ck_stats_chi2_cdf(chi2[i][0], chi2[i][1]), chi2[i][2], 1e-12);
        CHECK_REL(ck_stats_chi2_sf(chi2[i][0], chi2[i][1]), chi2[i][3], 1e-12);
    }
    CHECK(ck_stats_chi2_sf(0.0, 3.0) == 1.0);
    CHECK(isnan(ck_stats_beta_inc(-1.0, 1.0, 0.5)));
}

/* statsmodels.stats.proportion.proportion_confint(k, n, alpha=1-conf, method="wilson") */
static void test_stats__wilson(void)
{
    static const double cases[][5] = {
        { 0, 10, 0.95, 0.0, 0.2775327998628892 },
        { 0, 10, 0.9, 0.0, 0.2129419700834071 },
        { 1, 10, 0.95, 0.017876213095072896, 0.4041500267952385 },
        { 1, 10, 0.9, 0.02263490873086718, 0.34771866733585843 },
        { 5, 10, 0.95, 0.236593090512564, 0.7634069094874361 },
        { 5, 10, 0.9, 0.26927182113826714, 0.7307281788617328 },
        { 10, 10, 0.95, 0.7224672001371107, 0.9999999999999999 },
        { 10, 10, 0.9, 0.7870580299165928, 1.0 },
        { 37, 412, 0.95, 0.06585591872396813, 0.12133431247964653 },
        { 37, 412, 0.9, 0.06923459174250057, 0.11572928121471276 },
        { 1234, 20000, 0.95, 0.05844880600362469, 0.06511953280315662 },
        { 1234, 20000, 0.9, 0.058960342820097586, 0.06455822510996105 },
    };
    /* absolute: the bounds are probabilities; statsmodels rounds k = n to 1 − 1e-16 */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lo, hi;
        ck_stats_wilson((size_t)cases[i][0], (size_t)cases[i][1], cases[i][2], &lo, &hi);
        CHECK_NEAR(lo, cases[i][3], 1e-14);
        CHECK_NEAR(hi, cases[i][4], 1e-14);
    }
    double lo, hi;
    ck_stats_wilson(0, 0, 0.95, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi));
}

/* statsmodels.stats.proportion.confint_proportions_2indep(k1, n1, k2, n2,
 * method="newcomb", compare="diff", alpha=1-conf) */
static void test_stats__newcombe(void)
{
    static const double cases[][7] = {
        { 56, 70, 48, 80, 0.95, 0.05243147240236498, 0.333872654036906 },
        { 56, 70, 48, 80, 0.99, 0.005370869250078403, 0.3718084317757736 },
        { 9, 10, 3, 10, 0.95, 0.17052272393450302, 0.8090179735354881 },
        { 9, 10, 3, 10, 0.99, 0.04302696661534444, 0.8374050678947365 },
        { 0, 20, 0, 25, 0.95, -0.13319225093904846, 0.16112515805281938 },
        { 0, 20, 0, 25, 0.99, -0.20973346885562544, 0.24910540109875343 },
        { 10, 10, 0, 20, 0.95, 0.6790860371419147, 1.0 },
        { 10, 10, 0, 20, 0.99, 0.5297467824643289, 1.0 },
        { 120, 1500, 95, 1480, 0.95, -0.0028200114170451145, 0.03450896127930992 },
        { 120, 1500, 95, 1480, 0.99, -0.008761737908518481, 0.04049729745290143 },
        { 3, 40, 1, 38, 0.95, -0.07055596264922451, 0.1742086098630336 },
        { 3, 40, 1, 38, 0.99, -0.12460142727897798, 0.22697154624991173 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lo, hi;
        ck_stats_newcombe((size_t)cases[i][0], (size_t)cases[i][1], (size_t)cases[i][2],
                          (size_t)cases[i][3], cases[i][4], &lo, &hi);
        CHECK_NEAR(lo, cases[i][5], 1e-14);
        CHECK_NEAR(hi, cases[i][6], 1e-14);
    }
}

/* The delta-method interval, by hand in numpy: p1/p2 − 1 ± z·sqrt(p1(1−p1)/n1/p2² +
 * p1²p2(1−p2)/n2/p2⁴), z = scipy.stats.norm.ppf(0.5 + conf/2) */
static void test_stats__relative_lift(void)
{
    static const double cases[][8] = {
        { 120, 1500, 95, 1480, 0.95, 0.24631578947368427, -0.0769873009676389, 0.5696188799150075 },
        { 56, 70, 48, 80, 0.9, 0.3333333333333335, 0.09404234118641994, 0.572624325480247 },
        { 3, 40, 1, 38, 0.95, 1.85, -4.474700069838633, 8.174700069838634 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double lo, hi;
        double r =
            ck_stats_relative_lift((size_t)cases[i][0], (size_t)cases[i][1], (size_t)cases[i][2],
                                   (size_t)cases[i][3], cases[i][4], &lo, &hi);
        CHECK_REL(r, cases[i][5], 1e-13);
        CHECK_REL(lo, cases[i][6], 1e-12);
        CHECK_REL(hi, cases[i][7], 1e-12);
    }
    double lo, hi;
    CHECK(isnan(ck_stats_relative_lift(3, 10, 0, 10, 0.95, &lo, &hi)) && isnan(lo));
}

/* statsmodels.stats.proportion.proportions_ztest([k1, k2], [n1, n2], alternative=...)
 * ("two-sided", "larger", "smaller"); pooled variance, its default */
static void test_stats__ztest(void)
{
    static const struct {
        size_t k1, n1, k2, n2;
        ck_alternative alt;
        double z, p;
    } cases[] = {
        { 120, 1500, 95, 1480, CK_ALT_TWO_SIDED, 1.6679075074623178, 0.09533408912147825 },
        { 120, 1500, 95, 1480, CK_ALT_GREATER, 1.6679075074623178, 0.04766704456073913 },
        { 120, 1500, 95, 1480, CK_ALT_LESS, 1.6679075074623178, 0.9523329554392609 },
        { 56, 70, 48, 80, CK_ALT_TWO_SIDED, 2.6501719512585336, 0.00804508136819656 },
        { 56, 70, 48, 80, CK_ALT_GREATER, 2.6501719512585336, 0.00402254068409828 },
        { 56, 70, 48, 80, CK_ALT_LESS, 2.6501719512585336, 0.9959774593159018 },
        { 300, 1000, 340, 1000, CK_ALT_TWO_SIDED, -1.9174124721184278, 0.05518555099113365 },
        { 300, 1000, 340, 1000, CK_ALT_GREATER, -1.9174124721184278, 0.9724072245044332 },
        { 300, 1000, 340, 1000, CK_ALT_LESS, -1.9174124721184278, 0.027592775495566824 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double z;
        double p = ck_stats_ztest_2prop(cases[i].k1, cases[i].n1, cases[i].k2, cases[i].n2,
                                        cases[i].alt, &z);
        CHECK_REL(z, cases[i].z, 1e-13);
        CHECK_REL(p, cases[i].p, 1e-12);
    }
    double z;
    CHECK(ck_stats_ztest_2prop(0, 10, 0, 12, CK_ALT_TWO_SIDED, &z) == 1.0 && isnan(z));
}

/* scipy.stats.fisher_exact([[a, b], [c, d]], alternative=...)[1]: two-sided, greater, less.
 * Includes ties (the symmetric tables), a p of exactly 1 and a 1000-customer table. */
static void test_stats__fisher(void)
{
    static const struct {
        size_t a, b, c, d;
        double two, greater, less;
    } cases[] = {
        { 3, 1, 1, 3, 0.48571428571428565, 0.24285714285714283, 0.9857142857142858 },
        { 1, 9, 11, 3, 0.0027594561852200836, 0.9999663480953022, 0.0013797280926100418 },
        { 0, 5, 5, 0, 0.007936507936507938, 1.0, 0.003968253968253969 },
        { 2, 7, 8, 2, 0.02301413756522116, 0.9990149169715733, 0.01852172595206651 },
        { 5, 0, 1, 4, 0.047619047619047616, 0.02380952380952381, 1.0 },
        { 0, 10, 3, 7, 0.21052631578947367, 1.0, 0.10526315789473684 },
        { 3, 497, 12, 488, 0.03383001196539725, 0.9965127296924103, 0.016915005982698624 },
        { 1, 1, 1, 1, 1.0, 0.8333333333333334, 0.8333333333333334 },
        { 7, 13, 7, 13, 1.0, 0.629473188427582, 0.6294731884275822 },
        { 4, 2, 1, 20, 0.00397621701969528, 0.003976217019695281, 0.9999256781865478 },
    };
    ck_error err = { 0 };
    double p;
    /* probabilities from lgamma differences carry about 1e-13 relative error */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t a = cases[i].a, b = cases[i].b, c = cases[i].c, d = cases[i].d;
        CHECK_OK(ck_stats_fisher_exact(&p, a, b, c, d, CK_ALT_TWO_SIDED, &err));
        CHECK_REL(p, cases[i].two, 1e-11);
        CHECK_OK(ck_stats_fisher_exact(&p, a, b, c, d, CK_ALT_GREATER, &err));
        CHECK_REL(p, cases[i].greater, 1e-11);
        CHECK_OK(ck_stats_fisher_exact(&p, a, b, c, d, CK_ALT_LESS, &err));
        CHECK_REL(p, cases[i].less, 1e-11);
    }
    CHECK_OK(ck_stats_fisher_exact(&p, 0, 0, 0, 5, CK_ALT_TWO_SIDED, &err));
    CHECK(p == 1.0);
    /* expected counts: 5·3/10 = 1.5 < 5 → exact; 500·15/1000 = 7.5 ≥ 5 everywhere → z */
    CHECK(ck_stats_needs_exact(3, 2, 0, 5));
    CHECK(!ck_stats_needs_exact(3, 497, 12, 488));
    CHECK(ck_stats_needs_exact(3, 497, 1, 499));
}

/* Out of memory is a code and a message, not a NaN p-value: a support of PTRDIFF_MAX/4
 * tables cannot be sized, so the allocation fails before asking malloc. */
static void test_stats__fisher_out_of_memory(void)
{
    size_t big = (size_t)PTRDIFF_MAX / 4;
    ck_error err = { 0 };
    double p = 0.25;
    CHECK_EQ_INT(ck_stats_fisher_exact(&p, big, 0, 0, big, CK_ALT_TWO_SIDED, &err), CK_ENOMEM);
    CHECK_EQ_INT(err.code, CK_ENOMEM);
    CHECK_EQ_STR(err.msg, "out of memory");
    CHECK(p == 0.25); /* the out parameter is left alone */
    CHECK_EQ_INT(ck_stats_fisher_exact(&p, big, 0, 0, big, CK_ALT_GREATER, NULL), CK_ENOMEM);
}

/* The stored score distribution: numpy.percentile([1, 2, 3, 4], [0, 25, 50, 100]) = 1,
 * 1.75, 2.5, 4 (NaN scores are ignored); no number at all gives NaN everywhere. */
static void test_stats__score_quantiles(void)
{
    ck_error err = { 0 };
    const double scores[5] = { 4, 2, NAN, 1, 3 };
    double q[CK_SCORE_QUANTILES];
    CHECK_OK(ck_stats_score_quantiles(q, scores, 5, &err));
    CHECK_NEAR(q[0], 1, 0);
    CHECK_NEAR(q[25], 1.75, 1e-15);
    CHECK_NEAR(q[50], 2.5, 1e-15);
    CHECK_NEAR(q[100], 4, 0);
    const double none[2] = { NAN, NAN };
    CHECK_OK(ck_stats_score_quantiles(q, none, 2, &err));
    CHECK(isnan(q[0]) && isnan(q[50]) && isnan(q[100]));
    CHECK_OK(ck_stats_score_quantiles(q, NULL, 0, &err));
    CHECK(isnan(q[100]));
}

static int compare_scores(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Many scores, negative ones, ties and NaN among them: the quantiles have the bits of
 * type 7 over a comparison sort of the numbers (the function sorts by radix). */
static void test_stats__score_quantiles_many(void)
{
    ck_error err = { 0 };
    enum { N = 20011 };
    static double scores[N], sorted[N];
    size_t m = 0;
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        double u = (double)(x >> 11) * 0x1.0p-53;
        scores[i] = i % 97 == 0 ? NAN : i % 5 == 0 ? (double)(i % 7) - 3.0 : 40.0 * u - 10.0;
        if (!isnan(scores[i]))
            sorted[m++] = scores[i];
    }
    qsort(sorted, m, sizeof *sorted, compare_scores);
    double q[CK_SCORE_QUANTILES];
    CHECK_OK(ck_stats_score_quantiles(q, scores, N, &err));
    for (int k = 0; k < CK_SCORE_QUANTILES; k++) {
        double h = (double)(m - 1) * k / 100.0;
        size_t lo = (size_t)floor(h);
        double want = lo + 1 < m ? sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo])
                                 : sorted[m - 1];
        CHECK(memcmp(&q[k], &want, sizeof want) == 0);
    }
}

/* Welch on two revenue samples: scipy.stats.ttest_ind(x1, x2, equal_var=False,
 * alternative=...) for t and p; statsmodels.stats.weightstats.ttest_ind(..., usevar="unequal")
 * for df. Intervals: mean difference ± q·se with se = CompareMeans(DescrStatsW(x1),
 * DescrStatsW(x2)).std_meandiff_separatevar and q the t quantile by mpmath at 40 digits
 * (statsmodels' tconfint_diff agrees to 1e-9 only: SciPy 1.10's t.ppf(0.9, 26.48) is off
 * by 3.5e-9). The samples were drawn with numpy's default_rng(20240601): lognormal spends,
 * most of them 0. */
static void test_stats__welch(void)
{
    static const double x1[] = { 0.0,    32.11, 10.56, 0.0, 0.0,  66.92, 76.22, 49.81, 0.0,
                                 0.0,    68.91, 0.0,   0.0, 0.0,  13.2,  39.95, 0.0,   0.0,
                                 106.83, 0.0,   9.41,  0.0, 4.87, 17.64, 0.0 };
    static const double x2[] = { 20.31, 0.0, 0.0,  0.0, 0.0, 0.0, 0.0, 0.0,  0.0, 0.0, 0.0,
                                 33.39, 0.0, 0.0,  0.0, 0.0, 0.0, 0.0, 19.6, 0.0, 0.0, 0.0,
                                 0.0,   0.0, 7.29, 0.0, 0.0, 0.0, 0.0, 9.3,  0.0 };
    size_t n1 = sizeof x1 / sizeof *x1, n2 = sizeof x2 / sizeof *x2;
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0;
    for (size_t i = 0; i < n1; i++)
        m1 += x1[i] / (double)n1;
    for (size_t i = 0; i < n2; i++)
        m2 += x2[i] / (double)n2;
    for (size_t i = 0; i < n1; i++)
        v1 += (x1[i] - m1) * (x1[i] - m1) / (double)(n1 - 1);
    for (size_t i = 0; i < n2; i++)
        v2 += (x2[i] - m2) * (x2[i] - m2) / (double)(n2 - 1);
    static const struct {
        ck_alternative alt;
        double conf, p, lo, hi;
    } cases[] = {
        { CK_ALT_TWO_SIDED, 0.95, 0.011763043492355305, 4.087305020951038, 29.827740140339284 },
        { CK_ALT_TWO_SIDED, 0.9, 0.011763043492355305, 6.275912994254689, 27.639132167035633 },
        { CK_ALT_GREATER, 0.95, 0.0058815217461776525, 6.275912994254689, INFINITY },
        { CK_ALT_GREATER, 0.9, 0.0058815217461776525, 8.720749984013862, INFINITY },
        { CK_ALT_LESS, 0.95, 0.9941184782538224, -INFINITY, 27.639132167035633 },
        { CK_ALT_LESS, 0.9, 0.9941184782538224, -INFINITY, 25.194295177276462 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ck_welch w = ck_stats_welch(m1, v1, n1, m2, v2, n2, cases[i].conf, cases[i].alt);
        /* the means and variances are summed here in another order than numpy's pairwise
         * sums: 1e-12 */
        CHECK_REL(w.t, 2.7059247677071814, 1e-12);
        CHECK_REL(w.df, 26.48191901366791, 1e-12);
        CHECK_REL(w.p, cases[i].p, 1e-11);
        CHECK_REL(w.lo, cases[i].lo, 1e-11);
        CHECK_REL(w.hi, cases[i].hi, 1e-11);
    }
    ck_welch w = ck_stats_welch(1.0, 0.0, 5, 1.0, 0.0, 5, 0.95, CK_ALT_TWO_SIDED);
    CHECK(isnan(w.p) && w.diff == 0.0);
    w = ck_stats_welch(1.0, 2.0, 1, 1.0, 2.0, 5, 0.95, CK_ALT_TWO_SIDED);
    CHECK(isnan(w.t));
}

/* statsmodels.stats.multitest.multipletests(p, method="holm" | "fdr_bh")[1] on the p-values
 * without the NaN (which stays NaN and is not counted in the family) */
static void test_stats__adjust(void)
{
    ck_error err = { 0 };
    const double p[] = { 0.01, 0.04, 0.03, 0.005, NAN, 0.2, 0.04 };
    const double holm[] = { 0.05, 0.12, 0.12, 0.03, NAN, 0.2, 0.12 };
    const double bh[] = {
        0.030000000000000002, 0.048, 0.048, 0.030000000000000002, NAN, 0.2, 0.048
    };
    double out[7];
    CHECK_OK(ck_stats_adjust(out, p, 7, CK_CORRECT_HOLM, &err));
    for (int i = 0; i < 7; i++)
        CHECK_NEAR(out[i], holm[i], 1e-15);
    CHECK_OK(ck_stats_adjust(out, p, 7, CK_CORRECT_BH, &err));
    for (int i = 0; i < 7; i++)
        CHECK_NEAR(out[i], bh[i], 1e-15);
    CHECK_OK(ck_stats_adjust(out, p, 7, CK_CORRECT_NONE, &err));
    CHECK(out[1] == 0.04 && isnan(out[4]));
    /* in place, capped at 1 */
    double q[] = { 0.6, 0.7, 0.01 };
    CHECK_OK(ck_stats_adjust(q, q, 3, CK_CORRECT_HOLM, &err));
    CHECK(q[0] == 1.0 && q[1] == 1.0);
    CHECK_NEAR(q[2], 0.03, 1e-16);
}

/* scipy.stats.chisquare(observed, f_exp = weights / sum(weights) · sum(observed)) */
static void test_stats__chi2_gof(void)
{
    const size_t o1[] = { 102, 98, 95, 105 }, o2[] = { 520, 230, 250 },
                 o3[] = { 3000, 2900, 3150, 2950 }, o4[] = { 100, 140 };
    const double w1[] = { 1, 1, 1, 1 }, w2[] = { 2, 1, 1 }, w4[] = { 1, 1 };
    double chi2;
    CHECK_REL(ck_stats_chi2_gof(o1, w1, 4, &chi2), 0.9009952599011448, 1e-12);
    CHECK_REL(chi2, 0.5800000000000001, 1e-12);
    CHECK_REL(ck_stats_chi2_gof(o2, w2, 3, &chi2), 0.3011942119122021, 1e-12);
    CHECK_REL(chi2, 2.4000000000000004, 1e-12);
    CHECK_REL(ck_stats_chi2_gof(o3, w1, 4, &chi2), 0.008616778497902072, 1e-12);
    CHECK_REL(chi2, 11.666666666666668, 1e-12);
    CHECK_REL(ck_stats_chi2_gof(o4, w4, 2, &chi2), 0.009823274507519235, 1e-12);
    CHECK(isnan(ck_stats_chi2_gof(o4, w4, 1, &chi2)));
    const double bad[] = { 1, 0 };
    CHECK(isnan(ck_stats_chi2_gof(o4, bad, 2, NULL)));
}

/* statsmodels.stats.proportion.samplesize_proportions_2indep_onetail(p2 − p1, p1, power,
 * ratio=1, alpha, alternative) — the same formula, pooled under H0 and unpooled under H1;
 * the MDE by scipy.optimize.brentq on that function (xtol = rtol = 1e-15) */
static void test_stats__sample_size(void)
{
    static const struct {
        double p1, p2, alpha, power;
        int two_sided;
        double n;
    } cases[] = {
        { 0.05, 0.06, 0.05, 0.8, 1, 8157.7314478492835 },
        { 0.10, 0.12, 0.05, 0.9, 1, 5141.306183038059 },
        { 0.05, 0.06, 0.05, 0.8, 0, 6425.721824411102 },
        { 0.3, 0.25, 0.01, 0.8, 1, 1861.3564734187087 },
        { 0.05, 0.07, 0.05 / 3, 0.8, 1, 2950.928139123213 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_REL(ck_stats_two_prop_n(cases[i].p1, cases[i].p2, cases[i].alpha, cases[i].power,
                                      cases[i].two_sided),
                  cases[i].n, 1e-12);
    static const struct {
        double p1, n, alpha, power;
        int two_sided;
        double d;
    } mde[] = {
        { 0.05, 8000, 0.05, 0.8, 1, 0.010102517054625629 },
        { 0.2, 500, 0.05, 0.8, 1, 0.07533170703604607 },
        { 0.05, 3000, 0.05 / 3, 0.9, 0, 0.020979278535782166 },
    };
    for (size_t i = 0; i < sizeof mde / sizeof *mde; i++) {
        double d = ck_stats_two_prop_mde(mde[i].p1, mde[i].n, mde[i].alpha, mde[i].power,
                                         mde[i].two_sided);
        CHECK_REL(d, mde[i].d, 1e-10);
        /* and it inverts the sample size */
        CHECK_REL(ck_stats_two_prop_n(mde[i].p1, mde[i].p1 + d, mde[i].alpha, mde[i].power,
                                      mde[i].two_sided),
                  mde[i].n, 1e-9);
    }
    CHECK(isnan(ck_stats_two_prop_n(0.1, 0.1, 0.05, 0.8, 1)));
    CHECK(isnan(ck_stats_two_prop_mde(0.1, 3.0, 0.05, 0.8, 1)));
}

int main(void)
{
    RUN(test_stats__normal_cdf);
    RUN(test_stats__normal_quantile);
    RUN(test_stats__t_tail);
    RUN(test_stats__t_quantile);
    RUN(test_stats__incomplete_functions);
    RUN(test_stats__wilson);
    RUN(test_stats__newcombe);
    RUN(test_stats__relative_lift);
    RUN(test_stats__ztest);
    RUN(test_stats__fisher);
    RUN(test_stats__fisher_out_of_memory);
    RUN(test_stats__score_quantiles);
    RUN(test_stats__score_quantiles_many);
    RUN(test_stats__welch);
    RUN(test_stats__adjust);
    RUN(test_stats__chi2_gof);
    RUN(test_stats__sample_size);
    return check_summary();
}
