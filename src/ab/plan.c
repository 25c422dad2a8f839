/*
 * Planning a recall test before it runs: the customers per arm needed to detect an effect,
 * or the smallest effect a given number detects, for a two-proportion test with equal
 * arms (stats.c: pooled variance under the null, unpooled under the alternative; e.g.
 * Chow, Shao & Wang, "Sample Size Calculations in Clinical Research", 2nd ed., 4.2).
 * Several treatment arms split alpha evenly over their comparisons with control
 * (Bonferroni), which keeps the familywise error at alpha whatever the correction used in
 * the read-out.
 */
#include "churnkit/abtest.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ck_abtest_plan_make(ck_abtest_plan *out, const ck_abtest_plan_opts *o, ck_error *err)
{
    long comparisons = o->arms - 1;
    double alpha_each = o->alpha / (double)comparisons;
    int two_sided = o->alternative == CK_ALT_TWO_SIDED;
    /* the formula is symmetric under p → 1 − p, so a decrease from p is an increase from
     * 1 − p */
    bool down = o->alternative == CK_ALT_LESS;
    double p1 = o->baseline, n, mde = o->mde;
    if (!isnan(mde)) {
        double target = down ? p1 - mde : p1 + mde;
        /* the formula's n is rounded up to whole customers; 1e-9 keeps an exact integer
         * from becoming the next one through rounding error */
        n = ceil(ck_stats_two_prop_n(p1, target, alpha_each, o->power, two_sided) - 1e-9);
    } else {
        n = o->n_per_arm;
        mde = ck_stats_two_prop_mde(down ? 1.0 - p1 : p1, n, alpha_each, o->power, two_sided);
        if (isnan(mde))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "%.0f customers per arm cannot detect any change from a baseline "
                                "of %g at power %g",
                                n, p1, o->power);
    }
    *out = (ck_abtest_plan){ .solved_for_mde = isnan(o->mde),
                             .baseline = p1,
                             .target = down ? p1 - mde : p1 + mde,
                             .alpha = o->alpha,
                             .alpha_per_comparison = alpha_each,
                             .power = o->power,
                             .arms = o->arms,
                             .alternative = o->alternative,
                             .n_per_arm = n,
                             .n_total = n * (double)o->arms };
    return CK_OK;
}

static int written(FILE *out, ck_error *err)
{
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write: %s", strerror(errno));
    return CK_OK;
}

int ck_abtest_plan_write_text(const ck_abtest_plan *p, FILE *out, ck_error *err)
{
    long comparisons = p->arms - 1;
    const char *alt = p->alternative == CK_ALT_TWO_SIDED ? "two-sided"
                      : p->alternative == CK_ALT_LESS    ? "one-sided (less)"
                                                         : "one-sided (greater)";
    fprintf(out, "plan: %ld arms (%ld comparison%s with control), %s alpha %g", p->arms,
            comparisons, comparisons == 1 ? "" : "s", alt, p->alpha);
    if (comparisons > 1)
        fprintf(out, " (Bonferroni: %.4g per comparison)", p->alpha_per_comparison);
    fprintf(out, ", power %g\n", p->power);
    double d = p->target - p->baseline;
    fprintf(out, "baseline %.2f%%, %s %+.2f points (%+.1f%%) to %.2f%%\n", p->baseline * 100.0,
            p->solved_for_mde ? "minimum detectable effect" : "effect to detect", d * 100.0,
            d / p->baseline * 100.0, p->target * 100.0);
    fprintf(out, "sample size: %.0f per arm, %.0f in total\n", p->n_per_arm, p->n_total);
    return written(out, err);
}

/* The shortest of %.15g, %.16g and %.17g that reads back as the same double. */
static const char *shortest(char buf[40], double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

int ck_abtest_plan_write_json(const ck_abtest_plan *p, FILE *out, ck_error *err)
{
    char b[7][40];
    double d = fabs(p->target - p->baseline);
    fprintf(out,
            "{\"plan\":\"%s\",\"baseline\":%s,\"target\":%s,\"mde\":%s,\"mde_relative\":%s,"
            "\"alpha\":%s,\"alpha_per_comparison\":%s,\"power\":%s,\"arms\":%ld,"
            "\"alternative\":\"%s\",\"n_per_arm\":%.0f,\"n_total\":%.0f}\n",
            p->solved_for_mde ? "mde" : "sample_size", shortest(b[0], p->baseline),
            shortest(b[1], p->target), shortest(b[2], d), shortest(b[3], d / p->baseline),
            shortest(b[4], p->alpha), shortest(b[5], p->alpha_per_comparison),
            shortest(b[6], p->power), p->arms,
            p->alternative == CK_ALT_TWO_SIDED ? "two-sided"
            : p->alternative == CK_ALT_LESS    ? "less"
                                               : "greater",
            p->n_per_arm, p->n_total);
    return written(out, err);
}
