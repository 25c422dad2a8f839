/*
 * Tests of numfmt.h against glibc's printf, which rounds the exact binary value (ties to
 * even): whole numbers, "%.10g", and "%.*f" on random values of every magnitude, on exact
 * ties (k + 1/2^j, which printf must round to even), on values one ulp either side of a
 * decimal tie, on subnormals and on values too large for the fast path.
 */
#include "base/numfmt.h"
#include "base/rng.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"

static int fixed_mismatches;

static void check_fixed(double v, int decimals)
{
    char want[400], got[400];
    snprintf(want, sizeof want, "%.*f", decimals, v);
    size_t len = ck__format_fixed(got, v, decimals);
    if (strcmp(want, got) != 0 || len != strlen(want)) {
        if (fixed_mismatches++ < 10)
            CHECK_REPORT_(false, "%.17g with %d decimals: \"%s\", printf \"%s\"", v, decimals, got,
                          want);
    }
}

static void test_whole_numbers(void)
{
    char buf[32];
    CHECK_EQ_INT(ck__format_number(buf, 0.0), 1);
    CHECK_EQ_STR(buf, "0");
    ck__format_number(buf, -0.0);
    CHECK_EQ_STR(buf, "0");
    ck__format_number(buf, -42.0);
    CHECK_EQ_STR(buf, "-42");
    ck__format_number(buf, 9007199254740991.0);
    CHECK_EQ_STR(buf, "9007199254740991");
    ck__format_number(buf, 9007199254740992.0);
    CHECK_EQ_STR(buf, "9.007199255e+15");
    ck__format_number(buf, 0.125);
    CHECK_EQ_STR(buf, "0.125");
    CHECK_EQ_INT(ck__format_number(buf, NAN), 0);
    CHECK_EQ_STR(buf, "");
}

static void test_fixed_random(void)
{
    ck__rng rng; /* seeded: a failure reproduces */
    ck__rng_seed(&rng, 2026, 0);
    fixed_mismatches = 0;
    for (int i = 0; i < 400000; i++) {
        int decimals = (int)ck__rng_below(&rng, 18);
        double v;
        switch (i % 4) {
        case 0: /* probabilities */
            v = ck__rng_uniform(&rng);
            break;
        case 1: /* percentiles and scores */
            v = ck__rng_uniform(&rng) * 100;
            break;
        case 2: /* any magnitude and sign */
            v = ldexp(ck__rng_uniform(&rng) - 0.5, (int)ck__rng_below(&rng, 140) - 80);
            break;
        default: /* short decimals, as in input files: often right on a tie */
            v = (double)ck__rng_below(&rng, 2000000) / pow(10, (double)ck__rng_below(&rng, 7));
        }
        check_fixed(v, decimals);
    }
    CHECK_EQ_INT(fixed_mismatches, 0);
}

static void test_fixed_edges(void)
{
    fixed_mismatches = 0;
    /* exact binary ties: k + 1/2^j rounded at the j-th binary digit's decimal place */
    for (int k = 0; k < 50; k++)
        for (int d = 0; d < 6; d++) {
            double tie = (double)k + 0.5 * pow(10, -d);
            check_fixed(tie, d); /* only exact when 0.5·10^-d is, i.e. d = 0 */
            check_fixed((double)k + 0.5, 0);
            check_fixed((double)k + 0.25, 1);
            check_fixed((double)k + 0.125, 2);
            check_fixed((double)k + 0.0625, 3);
            check_fixed(-((double)k + 0.5), 0);
            check_fixed(nextafter(tie, 0), d);
            check_fixed(nextafter(tie, 1e9), d);
        }
    double specials[] = { 0.0,
                          -0.0,
                          1.0,
                          -1.0,
                          0.5,
                          1.5,
                          2.5,
                          -2.5,
                          1e-300,
                          DBL_MIN,
                          4.9e-324,
                          -1e-20,
                          0.05,
                          0.15,
                          0.25,
                          0.35,
                          0.45,
                          1e15,
                          4503599627370495.5,
                          4503599627370496.0,
                          1e17,
                          1e300,
                          INFINITY,
                          -INFINITY,
                          0.999999999999,
                          0.9999999999995,
                          99.95,
                          99.96 };
    for (size_t s = 0; s < sizeof specials / sizeof *specials; s++)
        for (int d = 0; d <= 17; d++)
            check_fixed(specials[s], d);
    CHECK_EQ_INT(fixed_mismatches, 0);
    char buf[32];
    CHECK_EQ_INT(ck__format_fixed(buf, NAN, 3), 0);
    CHECK_EQ_STR(buf, "");
    ck__format_fixed(buf, 0.0438337196584, 12);
    CHECK_EQ_STR(buf, "0.043833719658");
}

int main(void)
{
    RUN(test_whole_numbers);
    RUN(test_fixed_random);
    RUN(test_fixed_edges);
    return check_summary();
}
