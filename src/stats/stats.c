/*
 * Distributions and tests for A/B read-outs (see stats.h). Sources, formula by formula:
 *
 * - Normal quantile: Wichura (1988), "Algorithm AS 241: the percentage points of the normal
 *   distribution", Applied Statistics 37(3), 477–484: PPND16, rational approximations with
 *   a relative accuracy of about 1e-16. The cdf is erfc (C99): Φ(z) = erfc(−z/√2)/2.
 * - Incomplete beta: Press, Teukolsky, Vetterling & Flannery, "Numerical Recipes in C",
 *   2nd ed. (1992), §6.4: the continued fraction of I_x(a, b) (DLMF 8.17.22), evaluated by
 *   the modified Lentz method (§5.2; Thompson & Barnett 1986), on the side of
 *   x = (a + 1)/(a + b + 2) where it converges fast, with the symmetry I_x(a,b) =
 *   1 − I_{1−x}(b,a) (DLMF 8.17.4). 1 − x is passed separately so that it keeps its digits.
 * - Student t: P(T > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2 (DLMF 8.17.1 and Abramowitz & Stegun
 *   26.7.1). The quantile solves sf(t) = q by Newton's method on a bracket that falls back
 *   to bisection, started from the normal quantile.
 * - Incomplete gamma and chi-square: Numerical Recipes §6.2, the series for x < a + 1 and
 *   the Lentz continued fraction otherwise (DLMF 8.7.3, 8.9.2); χ²_k cdf = P(k/2, x/2).
 * - Wilson (1927), "Probable inference, the law of succession, and statistical inference",
 *   JASA 22: centre (k + z²/2)/(n + z²), half-width z/(n + z²)·sqrt(k(n − k)/n + z²/4).
 * - Newcombe (1998), "Interval estimation for the difference between independent
 *   proportions: comparison of eleven methods", Statistics in Medicine 17, method 10:
 *   d − sqrt((p1 − l1)² + (u2 − p2)²), d + sqrt((u1 − p1)² + (p2 − l2)²).
 * - Relative lift: the delta method for g(p1, p2) = p1/p2 − 1 with independent arms,
 *   ∇g = (1/p2, −p1/p2²): Deng, Knoblich & Lu (2018), "Applying the delta method in metric
 *   analytics", KDD, §3.
 * - Pooled z test: z = (p1 − p2)/sqrt(p̄(1 − p̄)(1/n1 + 1/n2)), p̄ = (k1 + k2)/(n1 + n2)
 *   (Fleiss, Levin & Paik, "Statistical Methods for Rates and Proportions", 3rd ed., §4.3).
 * - Fisher's exact test: the hypergeometric distribution of the top-left cell given the
 *   margins, with the two-sided p-value of R's fisher.test: the tables whose probability is
 *   at most (1 + 1e-7) times the observed one, the tolerance absorbing rounding in ties.
 *   Probabilities are computed in logs with lgamma and rescaled by their maximum.
 * - Welch (1947), "The generalization of Student's problem when several different
 *   population variances are involved", Biometrika 34; Satterthwaite (1946): df =
 *   (v1 + v2)² / (v1²/(n1 − 1) + v2²/(n2 − 1)), vᵢ = sᵢ²/nᵢ.
 * - Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J.
 *   Statist. 6: adj_(i) = max_{j≤i} min(1, (m − j + 1) p_(j)). Benjamini & Hochberg (1995),
 *   JRSS B 57: adj_(i) = min_{j≥i} min(1, m p_(j) / j).
 * - Sample size: Fleiss, Levin & Paik (2003), eq. 4.14 without the continuity correction;
 *   it equals R's power.prop.test and statsmodels' samplesize_proportions_2indep_onetail.
 *
 * Nothing here allocates except Fisher's test (its support) and the adjustments (an order).
 */
#include "churnkit/stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/util.h"

#define SQRT2    1.41421356237309504880 /* M_SQRT2 and M_PI are not C11 */
#define PI       3.14159265358979323846
#define EPS_CF   1e-15  /* relative step at which a continued fraction or series stops */
#define FPMIN    1e-300 /* Lentz's guard against a zero denominator */
#define MAXIT_CF 100000 /* iterations grow like sqrt(max(a, b)); 1e5 covers a, b ≤ 1e9 */

/* ---- normal ---- */

double ck_stats_normal_cdf(double z)
{
    return 0.5 * erfc(-z / SQRT2);
}

double ck_stats_normal_sf(double z)
{
    return 0.5 * erfc(z / SQRT2);
}

/* AS 241's coefficients, lowest power first: a/b for |p − ½| ≤ 0.425, c/d for
 * r = sqrt(−ln min(p, 1 − p)) ≤ 5, e/f beyond. */
static const double as241_a[8] = { 3.387132872796366608,  133.14166789178437745,
                                   1971.5909503065514427, 13731.693765509461125,
                                   45921.953931549871457, 67265.770927008700853,
                                   33430.575583588128105, 2509.0809287301226727 };
static const double as241_b[8] = { 1.0,
                                   42.313330701600911252,
                                   687.1870074920579083,
                                   5394.1960214247511077,
                                   21213.794301586595867,
                                   39307.89580009271061,
                                   28729.085735721942674,
                                   5226.495278852545925 };
static const double as241_c[8] = { 1.42343711074968357734,   4.6303378461565452959,
                                   5.7694972214606914055,    3.64784832476320460504,
                                   1.27045825245236838258,   0.24178072517745061177,
                                   0.0227238449892691845833, 7.7454501427834140764e-4 };
static const double as241_d[8] = { 1.0,
                                   2.05319162663775882187,
                                   1.6763848301838038494,
                                   0.68976733498510000455,
                                   0.14810397642748007459,
                                   0.0151986665636164571966,
                                   5.475938084995344946e-4,
                                   1.05075007164441684324e-9 };
static const double as241_e[8] = { 6.6579046435011037772,     5.4637849111641143699,
                                   1.7848265399172913358,     0.29656057182850489123,
                                   0.026532189526576123093,   0.0012426609473880784386,
                                   2.71155556874348757815e-5, 2.01033439929228813265e-7 };
static const double as241_f[8] = { 1.0,
                                   0.59983220655588793769,
                                   0.13692988092273580531,
                                   0.0148753612908506148525,
                                   7.868691311456132591e-4,
                                   1.8463183175100546818e-5,
                                   1.4215117583164458887e-7,
                                   2.04426310338993978564e-15 };

/* c[0] + c[1] x + ... + c[7] x^7 by Horner's rule. */
static double poly7(const double c[8], double x)
{
    double v = c[7];
    for (int i = 6; i >= 0; i--)
        v = v * x + c[i];
    return v;
}

double ck_stats_normal_quantile(double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly7(as241_a, r) / poly7(as241_b, r);
    }
    double r = sqrt(-log(q < 0.0 ? p : 1.0 - p)), val;
    if (r <= 5.0)
        val = poly7(as241_c, r - 1.6) / poly7(as241_d, r - 1.6);
    else
        val = poly7(as241_e, r - 5.0) / poly7(as241_f, r - 5.0);
    return q < 0.0 ? -val : val;
}

/* ---- incomplete beta ---- */

/* The continued fraction of I_x(a, b) (Numerical Recipes' betacf), modified Lentz. */
static double beta_cf(double a, double b, double x, double y)
{
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    /* 1 − (a + b) x/(a + 1), written with y so that it keeps its digits when x → 1 */
    double c = 1.0, d = (1.0 - b + qab * y) / qap;
    if (fabs(d) < FPMIN)
        d = FPMIN;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= MAXIT_CF; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < FPMIN)
            d = FPMIN;
        c = 1.0 + aa / c;
        if (fabs(c) < FPMIN)
            c = FPMIN;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < FPMIN)
            d = FPMIN;
        c = 1.0 + aa / c;
        if (fabs(c) < FPMIN)
            c = FPMIN;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < EPS_CF)
            break;
    }
    return h;
}

/* ln Γ(x) − ((x − 1/2) ln x − x + ln √(2π)): the Stirling series (DLMF 5.11.1) for
 * x ≥ 10, where five terms leave an error below 1e-16. */
static double stirling_rest(double x)
{
    double r = 1.0 / x, r2 = r * r;
    return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

/* ln B(a, b). With the larger argument ≥ 10, ln Γ(a + b) − ln Γ(a) is taken from the
 * Stirling series as (a − ½) log1p(b/a) + b ln(a + b) − b + rest(a + b) − rest(a), which
 * avoids subtracting two logs of gamma near 1e7 when the t test has 1e6 degrees of freedom
 * (plain lgamma differences lose ten digits there). */
static double log_beta(double a, double b)
{
    double big = a > b ? a : b, small = a > b ? b : a;
    if (big < 10.0)
        return lgamma(a) + lgamma(b) - lgamma(a + b);
    double ratio = (big - 0.5) * log1p(small / big) + small * log(big + small) - small +
                   stirling_rest(big + small) - stirling_rest(big);
    return lgamma(small) - ratio;
}

/* I_x(a, b) with y = 1 − x given separately (it may carry more digits than 1 − x). */
static double beta_inc_xy(double a, double b, double x, double y)
{
    if (isnan(a) || isnan(b) || isnan(x) || a <= 0.0 || b <= 0.0 || x < 0.0 || x > 1.0)
        return NAN;
    if (x == 0.0)
        return 0.0;
    if (y == 0.0)
        return 1.0;
    /* the logs of x and y from whichever of the two is not close to 1 */
    double ln_x = x > 0.5 ? log1p(-y) : log(x), ln_y = y > 0.5 ? log1p(-x) : log(y);
    double ln_front = -log_beta(a, b) + a * ln_x + b * ln_y;
    double front = exp(ln_front);
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_cf(a, b, x, y) / a;
    return 1.0 - front * beta_cf(b, a, y, x) / b;
}

double ck_stats_beta_inc(double a, double b, double x)
{
    return beta_inc_xy(a, b, x, 1.0 - x);
}

/* ---- incomplete gamma ---- */

/* ln of the common factor x^a e^−x / Γ(a). */
static double gamma_front(double a, double x)
{
    return a * log(x) - x - lgamma(a);
}

/* P(a, x) by its series (DLMF 8.7.3), for x < a + 1. */
static double gamma_series(double a, double x)
{
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < MAXIT_CF; n++) {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if (fabs(del) < fabs(sum) * EPS_CF)
            break;
    }
    return sum * exp(gamma_front(a, x));
}

/* Q(a, x) by its continued fraction (DLMF 8.9.2), for x ≥ a + 1, modified Lentz. */
static double gamma_cf(double a, double x)
{
    double b = x + 1.0 - a, c = 1.0 / FPMIN, d = 1.0 / b, h = d;
    for (int i = 1; i <= MAXIT_CF; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < FPMIN)
            d = FPMIN;
        c = b + an / c;
        if (fabs(c) < FPMIN)
            c = FPMIN;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < EPS_CF)
            break;
    }
    return exp(gamma_front(a, x)) * h;
}

double ck_stats_gamma_p(double a, double x)
{
    if (isnan(a) || isnan(x) || a <= 0.0 || x < 0.0)
        return NAN;
    if (x == 0.0)
        return 0.0;
    if (isinf(x))
        return 1.0;
    return x < a + 1.0 ? gamma_series(a, x) : 1.0 - gamma_cf(a, x);
}

double ck_stats_gamma_q(double a, double x)
{
    if (isnan(a) || isnan(x) || a <= 0.0 || x < 0.0)
        return NAN;
    if (x == 0.0)
        return 1.0;
    if (isinf(x))
        return 0.0;
    return x < a + 1.0 ? 1.0 - gamma_series(a, x) : gamma_cf(a, x);
}

/* ---- Student t ---- */

double ck_stats_t_sf(double t, double df)
{
    if (isnan(t) || isnan(df) || df <= 0.0)
        return NAN;
    if (isinf(df))
        return ck_stats_normal_sf(t);
    double tail; /* P(T > |t|) */
    if (isinf(t) || fabs(t) > 1e150) {
        tail = 0.0;
    } else {
        double t2 = t * t;
        tail = 0.5 * beta_inc_xy(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2));
    }
    return t > 0.0 ? tail : 1.0 - tail;
}

double ck_stats_t_cdf(double t, double df)
{
    return ck_stats_t_sf(-t, df);
}

static double t_pdf(double t, double df)
{
    return exp(lgamma(0.5 * (df + 1.0)) - lgamma(0.5 * df) - 0.5 * log(df * PI) -
               0.5 * (df + 1.0) * log1p(t * t / df));
}

/* The t > 0 with sf(t) = q, q in (0, 0.5). */
static double t_upper_quantile(double q, double df)
{
    double lo = 0.0, hi = 1.0;
    double t = -ck_stats_normal_quantile(q);
    for (int i = 0; i < 2100 && ck_stats_t_sf(hi, df) > q; i++) {
        lo = hi;
        hi *= 2.0;
    }
    if (!(t > lo && t < hi))
        t = 0.5 * (lo + hi);
    for (int i = 0; i < 300; i++) {
        double f = ck_stats_t_sf(t, df) - q;
        if (f == 0.0)
            return t;
        if (f > 0.0) /* the tail is still too heavy: the root lies right of t */
            lo = t;
        else
            hi = t;
        double next = t + f / t_pdf(t, df);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - t) <= 1e-15 * fabs(next) || hi - lo <= 1e-15 * hi)
            return next;
        t = next;
    }
    return t;
}

double ck_stats_t_quantile(double p, double df)
{
    if (isnan(p) || isnan(df) || df <= 0.0 || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    if (isinf(df))
        return ck_stats_normal_quantile(p);
    return p < 0.5 ? -t_upper_quantile(p, df) : t_upper_quantile(1.0 - p, df);
}

/* ---- chi-square ---- */

double ck_stats_chi2_cdf(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0.0)
        return NAN;
    return x <= 0.0 ? 0.0 : ck_stats_gamma_p(0.5 * df, 0.5 * x);
}

double ck_stats_chi2_sf(double x, double df)
{
    if (isnan(x) || isnan(df) || df <= 0.0)
        return NAN;
    return x <= 0.0 ? 1.0 : ck_stats_gamma_q(0.5 * df, 0.5 * x);
}

/* ---- proportions ---- */

/* z for a two-sided interval at level `confidence`. */
static double z_two_sided(double confidence)
{
    return -ck_stats_normal_quantile(0.5 * (1.0 - confidence));
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

void ck_stats_wilson(size_t k, size_t n, double confidence, double *lo, double *hi)
{
    if (n == 0 || k > n || !(confidence > 0.0 && confidence < 1.0)) {
        *lo = *hi = NAN;
        return;
    }
    double z = z_two_sided(confidence), z2 = z * z, nn = (double)n, kk = (double)k;
    double centre = (kk + 0.5 * z2) / (nn + z2);
    double half = z / (nn + z2) * sqrt(kk * (nn - kk) / nn + 0.25 * z2);
    *lo = clamp01(centre - half);
    *hi = clamp01(centre + half);
    /* the bounds at k = 0 and k = n are exactly 0 and 1, not a rounding away from them */
    if (k == 0)
        *lo = 0.0;
    if (k == n)
        *hi = 1.0;
}

void ck_stats_newcombe(size_t k1, size_t n1, size_t k2, size_t n2, double confidence, double *lo,
                       double *hi)
{
    if (n1 == 0 || n2 == 0) {
        *lo = *hi = NAN;
        return;
    }
    double l1, u1, l2, u2;
    ck_stats_wilson(k1, n1, confidence, &l1, &u1);
    ck_stats_wilson(k2, n2, confidence, &l2, &u2);
    double p1 = (double)k1 / (double)n1, p2 = (double)k2 / (double)n2, d = p1 - p2;
    *lo = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
    *hi = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
}

double ck_stats_relative_lift(size_t k1, size_t n1, size_t k2, size_t n2, double confidence,
                              double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (n1 == 0 || n2 == 0 || k2 == 0)
        return NAN;
    double p1 = (double)k1 / (double)n1, p2 = (double)k2 / (double)n2;
    double v1 = p1 * (1.0 - p1) / (double)n1, v2 = p2 * (1.0 - p2) / (double)n2;
    double r = p1 / p2 - 1.0;
    double se = sqrt(v1 / (p2 * p2) + p1 * p1 * v2 / (p2 * p2 * p2 * p2));
    double z = z_two_sided(confidence);
    *lo = r - z * se;
    *hi = r + z * se;
    return r;
}

static double p_from_z(double z, ck_alternative alt)
{
    switch (alt) {
    case CK_ALT_GREATER:
        return ck_stats_normal_sf(z);
    case CK_ALT_LESS:
        return ck_stats_normal_cdf(z);
    default:
        return 2.0 * ck_stats_normal_sf(fabs(z));
    }
}

double ck_stats_ztest_2prop(size_t k1, size_t n1, size_t k2, size_t n2, ck_alternative alt,
                            double *z_out)
{
    if (z_out != NULL)
        *z_out = NAN;
    if (n1 == 0 || n2 == 0)
        return NAN;
    double nn1 = (double)n1, nn2 = (double)n2;
    double pooled = ((double)k1 + (double)k2) / (nn1 + nn2);
    if (pooled <= 0.0 || pooled >= 1.0)
        return 1.0;
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / nn1 + 1.0 / nn2));
    double z = ((double)k1 / nn1 - (double)k2 / nn2) / se;
    if (z_out != NULL)
        *z_out = z;
    return p_from_z(z, alt);
}

int ck_stats_needs_exact(size_t a, size_t b, size_t c, size_t d)
{
    double n = (double)a + (double)b + (double)c + (double)d;
    if (n == 0.0)
        return 1;
    double rows[2] = { (double)a + (double)b, (double)c + (double)d };
    double cols[2] = { (double)a + (double)c, (double)b + (double)d };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (rows[i] * cols[j] / n < 5.0)
                return 1;
    return 0;
}

/* ln C(n, k) */
static double lchoose(double n, double k)
{
    return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0);
}

int ck_stats_fisher_exact(double *out, size_t a, size_t b, size_t c, size_t d, ck_alternative alt,
                          ck_error *err)
{
    size_t row1 = a + b, row2 = c + d, col1 = a + c;
    size_t lo = col1 > row2 ? col1 - row2 : 0;
    size_t hi = row1 < col1 ? row1 : col1;
    if (hi == lo) {
        *out = 1.0; /* one table fits the margins */
        return CK_OK;
    }
    size_t n_support = hi - lo + 1;
    double *logp = ck__alloc_array(n_support, sizeof *logp);
    if (logp == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    double max = -INFINITY;
    for (size_t i = 0; i < n_support; i++) {
        double x = (double)(lo + i);
        logp[i] = lchoose((double)row1, x) + lchoose((double)row2, (double)col1 - x);
        if (logp[i] > max)
            max = logp[i];
    }
    /* rescaled by the most likely table, so the largest term is 1 and nothing underflows
     * that matters; the common factor 1/C(N, col1) cancels in the ratio */
    double total = 0.0, tail = 0.0, observed = exp(logp[a - lo] - max);
    for (size_t i = 0; i < n_support; i++) {
        double pi = exp(logp[i] - max);
        size_t x = lo + i;
        total += pi;
        bool in_tail;
        switch (alt) {
        case CK_ALT_GREATER:
            in_tail = x >= a;
            break;
        case CK_ALT_LESS:
            in_tail = x <= a;
            break;
        default:
            in_tail = pi <= observed * (1.0 + 1e-7);
            break;
        }
        if (in_tail)
            tail += pi;
    }
    free(logp);
    double p = tail / total;
    *out = p > 1.0 ? 1.0 : p;
    return CK_OK;
}

/* ---- Welch ---- */

ck_welch ck_stats_welch(double mean1, double var1, size_t n1, double mean2, double var2, size_t n2,
                        double confidence, ck_alternative alt)
{
    ck_welch w = { mean1 - mean2, NAN, NAN, NAN, NAN, NAN, NAN };
    if (n1 < 2 || n2 < 2 || !(var1 >= 0.0) || !(var2 >= 0.0))
        return w;
    double v1 = var1 / (double)n1, v2 = var2 / (double)n2;
    if (v1 + v2 <= 0.0)
        return w;
    w.se = sqrt(v1 + v2);
    w.df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (double)(n1 - 1) + v2 * v2 / (double)(n2 - 1));
    w.t = w.diff / w.se;
    switch (alt) {
    case CK_ALT_GREATER:
        w.p = ck_stats_t_sf(w.t, w.df);
        w.lo = w.diff - ck_stats_t_quantile(confidence, w.df) * w.se;
        w.hi = INFINITY;
        break;
    case CK_ALT_LESS:
        w.p = ck_stats_t_cdf(w.t, w.df);
        w.lo = -INFINITY;
        w.hi = w.diff + ck_stats_t_quantile(confidence, w.df) * w.se;
        break;
    default: {
        w.p = 2.0 * ck_stats_t_sf(fabs(w.t), w.df);
        double q = ck_stats_t_quantile(0.5 + 0.5 * confidence, w.df);
        w.lo = w.diff - q * w.se;
        w.hi = w.diff + q * w.se;
        break;
    }
    }
    if (w.p > 1.0)
        w.p = 1.0;
    return w;
}

/* ---- adjustments ---- */

typedef struct {
    double p;
    size_t index;
} ranked;

static int by_p(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int ck_stats_adjust(double *adjusted, const double *p, size_t n, ck_correction method,
                    ck_error *err)
{
    ranked *r = ck__alloc_array(n, sizeof *r);
    if (r == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            r[m++] = (ranked){ p[i], i };
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            adjusted[i] = NAN;
    qsort(r, m, sizeof *r, by_p);
    if (method == CK_CORRECT_HOLM) {
        double running = 0.0;
        for (size_t j = 0; j < m; j++) {
            double v = (double)(m - j) * r[j].p;
            if (v > running)
                running = v;
            adjusted[r[j].index] = running > 1.0 ? 1.0 : running;
        }
    } else if (method == CK_CORRECT_BH) {
        double running = 1.0;
        for (size_t j = m; j-- > 0;) {
            double v = (double)m * r[j].p / (double)(j + 1);
            if (v < running)
                running = v;
            adjusted[r[j].index] = running;
        }
    } else {
        for (size_t j = 0; j < m; j++)
            adjusted[r[j].index] = r[j].p;
    }
    free(r);
    return CK_OK;
}

double ck_stats_chi2_gof(const size_t *observed, const double *weights, size_t k, double *chi2_out)
{
    if (chi2_out != NULL)
        *chi2_out = NAN;
    if (k < 2)
        return NAN;
    double total = 0.0, wsum = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (!(weights[i] > 0.0) || isinf(weights[i]))
            return NAN;
        total += (double)observed[i];
        wsum += weights[i];
    }
    if (total <= 0.0)
        return NAN;
    double chi2 = 0.0;
    for (size_t i = 0; i < k; i++) {
        double e = total * weights[i] / wsum, o = (double)observed[i];
        chi2 += (o - e) * (o - e) / e;
    }
    if (chi2_out != NULL)
        *chi2_out = chi2;
    return ck_stats_chi2_sf(chi2, (double)(k - 1));
}

/* ---- planning ---- */

double ck_stats_two_prop_n(double p1, double p2, double alpha, double power, int two_sided)
{
    if (!(p1 >= 0.0 && p1 <= 1.0 && p2 >= 0.0 && p2 <= 1.0) || p1 == p2 ||
        !(alpha > 0.0 && alpha < 1.0) || !(power > 0.0 && power < 1.0))
        return NAN;
    double za = -ck_stats_normal_quantile(two_sided ? 0.5 * alpha : alpha);
    double zb = ck_stats_normal_quantile(power);
    double pbar = 0.5 * (p1 + p2), d = p2 - p1;
    double root =
        za * sqrt(2.0 * pbar * (1.0 - pbar)) + zb * sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2));
    return root * root / (d * d);
}

double ck_stats_two_prop_mde(double p1, double n, double alpha, double power, int two_sided)
{
    if (!(p1 > 0.0 && p1 < 1.0) || !(n > 0.0) || isinf(n))
        return NAN;
    double room = 1.0 - p1;
    /* n(d) falls from infinity as d grows from 0 but need not be monotone near p2 = 1:
     * the smallest detectable d is the first crossing on a fine grid, refined by bisection */
    enum { GRID = 1000 };
    double lo = 0.0, hi = NAN;
    for (int i = 1; i <= GRID; i++) {
        double d = room * i / GRID;
        if (ck_stats_two_prop_n(p1, p1 + d, alpha, power, two_sided) <= n) {
            hi = d;
            break;
        }
        lo = d;
    }
    if (isnan(hi))
        return NAN;
    for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid > 0.0 && ck_stats_two_prop_n(p1, p1 + mid, alpha, power, two_sided) <= n)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}
