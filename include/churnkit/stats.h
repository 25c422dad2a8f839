/**
 * @file stats.h
 * @brief The distributions and tests of an A/B read-out: normal, Student t and chi-square
 *        distributions, binomial intervals, two-proportion tests, Welch's t test,
 *        multiple-testing adjustments, score distributions and two-proportion sample sizes.
 *
 * Every function is pure and may run in several threads at once (the C library's lgamma
 * also sets the global signgam, which nothing here reads). Undefined results (an empty
 * sample, a zero variance, a parameter out of range) are NaN, never an error code: a
 * read-out prints them as "n/a" and JSON as null. The functions that allocate (Fisher's
 * test, the adjustments, the score quantiles) return CK_OK or CK_ENOMEM with a ck_error.
 */
#ifndef CHURNKIT_STATS_H
#define CHURNKIT_STATS_H

#include <stddef.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The alternative hypothesis of a test of "treatment minus control". */
typedef enum ck_alternative {
    CK_ALT_TWO_SIDED, /**< the difference is not 0 */
    CK_ALT_GREATER,   /**< the treatment is higher (scipy's "greater", R's "greater") */
    CK_ALT_LESS       /**< the treatment is lower */
} ck_alternative;

/* ---- distributions ---- */

/** The standard normal cdf Φ(z). */
CK_API double ck_stats_normal_cdf(double z);

/** The standard normal upper tail 1 − Φ(z), accurate far into the tail. */
CK_API double ck_stats_normal_sf(double z);

/** The standard normal quantile Φ⁻¹(p), p in (0, 1); ±INFINITY at 0 and 1, NaN outside. */
CK_API double ck_stats_normal_quantile(double p);

/** The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
CK_API double ck_stats_beta_inc(double a, double b, double x);

/** The regularised lower incomplete gamma function P(a, x), a > 0, x ≥ 0. */
CK_API double ck_stats_gamma_p(double a, double x);

/** The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x). */
CK_API double ck_stats_gamma_q(double a, double x);

/** Student's t cdf with @p df > 0 degrees of freedom (df may be fractional). */
CK_API double ck_stats_t_cdf(double t, double df);

/** Student's t upper tail P(T > t), accurate far into the tail. */
CK_API double ck_stats_t_sf(double t, double df);

/** Student's t quantile: the t with cdf(t) = p, p in (0, 1). */
CK_API double ck_stats_t_quantile(double p, double df);

/** The chi-square cdf with @p df > 0 degrees of freedom. */
CK_API double ck_stats_chi2_cdf(double x, double df);

/** The chi-square upper tail P(X > x), the p-value of a chi-square statistic. */
CK_API double ck_stats_chi2_sf(double x, double df);

/* ---- one and two proportions ---- */

/**
 * Wilson's score interval for a proportion of @p k successes in @p n trials at two-sided
 * level @p confidence (0.95). NaN when n = 0.
 */
CK_API void ck_stats_wilson(size_t k, size_t n, double confidence, double *lo, double *hi);

/**
 * Newcombe's hybrid score interval (his method 10) for p1 − p2, from the Wilson intervals
 * of both proportions, at two-sided level @p confidence. NaN when n1 or n2 is 0.
 */
CK_API void ck_stats_newcombe(size_t k1, size_t n1, size_t k2, size_t n2, double confidence,
                              double *lo, double *hi);

/**
 * The delta-method interval for the relative difference p1 / p2 − 1 at two-sided level
 * @p confidence: (p1/p2 − 1) ± z·se, se² = v1/p2² + p1²·v2/p2⁴ with vᵢ = pᵢ(1 − pᵢ)/nᵢ.
 * @return the relative difference; it and the bounds are NaN when p2 = 0
 */
CK_API double ck_stats_relative_lift(size_t k1, size_t n1, size_t k2, size_t n2, double confidence,
                                     double *lo, double *hi);

/**
 * The pooled two-proportion z test of p1 − p2 (proportions_ztest in statsmodels).
 * @param[out] z_out  the statistic, or NULL; NaN when the pooled proportion is 0 or 1
 * @return the p-value; 1 when the pooled proportion is 0 or 1 (no difference is possible)
 */
CK_API double ck_stats_ztest_2prop(size_t k1, size_t n1, size_t k2, size_t n2, ck_alternative alt,
                                   double *z_out);

/**
 * Fisher's exact test of the 2×2 table [[a, b], [c, d]] (rows: treatment, control;
 * columns: success, failure), conditional on its margins. Two-sided: the sum of the
 * probabilities of every table no more likely than the observed one, with the relative
 * tolerance 1 + 1e-7 of R's fisher.test (and SciPy's). Greater: P(A ≥ a); less: P(A ≤ a).
 * @param[out] out  the p-value; unchanged on failure
 * @return CK_OK, or CK_ENOMEM (the support holds min(a+b, a+c)+1 tables)
 */
CK_API int ck_stats_fisher_exact(double *out, size_t a, size_t b, size_t c, size_t d,
                                 ck_alternative alt, ck_error *err);

/** Whether the 2×2 table has an expected count below 5 (then Fisher's test is used). */
CK_API int ck_stats_needs_exact(size_t a, size_t b, size_t c, size_t d);

/* ---- means ---- */

/** The result of Welch's unequal-variance t test of mean1 − mean2. */
typedef struct ck_welch {
    double diff;   /**< mean1 − mean2 */
    double se;     /**< sqrt(s1²/n1 + s2²/n2) */
    double df;     /**< Welch–Satterthwaite degrees of freedom */
    double t;      /**< diff / se */
    double p;      /**< p-value for the alternative */
    double lo, hi; /**< interval at the confidence level (one-sided: ±INFINITY on one end) */
} ck_welch;

/**
 * Welch's test from summary statistics (sample means and variances with n − 1).
 * Fields are NaN when n1 or n2 is below 2 or both variances are 0.
 */
CK_API ck_welch ck_stats_welch(double mean1, double var1, size_t n1, double mean2, double var2,
                               size_t n2, double confidence, ck_alternative alt);

/* ---- several tests ---- */

/** Multiple-testing adjustments of a family of p-values. */
typedef enum ck_correction {
    CK_CORRECT_HOLM, /**< Holm (1979) step-down, controls the family-wise error rate */
    CK_CORRECT_BH,   /**< Benjamini–Hochberg (1995) step-up, controls the false discovery rate */
    CK_CORRECT_NONE
} ck_correction;

/**
 * Adjust @p n p-values (NaN entries are left NaN and do not count in the family size).
 * Results equal statsmodels' multipletests(method="holm" | "fdr_bh").
 * @param[out] adjusted  n values (may alias @p p)
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_stats_adjust(double *adjusted, const double *p, size_t n, ck_correction method,
                           ck_error *err);

/**
 * Pearson's chi-square goodness of fit of @p k observed counts against expected shares
 * (any positive weights, normalised here), df = k − 1 (scipy.stats.chisquare).
 * @param[out] chi2_out  the statistic, or NULL
 * @return the p-value; NaN when k < 2, the total is 0 or a weight is not positive
 */
CK_API double ck_stats_chi2_gof(const size_t *observed, const double *weights, size_t k,
                                double *chi2_out);

/* ---- score distributions ---- */

/** Points of a stored score distribution: its 0th, 1st, ..., 100th percentiles. */
#define CK_SCORE_QUANTILES 101

/**
 * The percentiles of @p n scores (NaN ignored) into @p q (CK_SCORE_QUANTILES values),
 * type-7 quantiles as numpy.percentile; all NaN when no score is a number.
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_stats_score_quantiles(double *q, const double *scores, size_t n, ck_error *err);

/* ---- planning ---- */

/**
 * The sample size per arm to detect p2 against p1 with equal arms, by the classic formula
 * (pooled variance under the null hypothesis, unpooled under the alternative):
 * n = (z_α·sqrt(2 p̄ q̄) + z_β·sqrt(p1 q1 + p2 q2))² / (p2 − p1)², p̄ = (p1 + p2)/2,
 * z_α = Φ⁻¹(1 − α/2) two-sided or Φ⁻¹(1 − α) one-sided, z_β = Φ⁻¹(power).
 * @return n, not rounded (round up for a plan); NaN for arguments out of range
 */
CK_API double ck_stats_two_prop_n(double p1, double p2, double alpha, double power, int two_sided);

/**
 * The smallest increase d > 0 that @p n customers per arm detect from a baseline @p p1
 * with the given α and power: the inverse of ck_stats_two_prop_n() in p2 = p1 + d.
 * @return d, or NaN when even p2 = 1 needs more than n
 */
CK_API double ck_stats_two_prop_mde(double p1, double n, double alpha, double power, int two_sided);

#ifdef __cplusplus
}
#endif

#endif
