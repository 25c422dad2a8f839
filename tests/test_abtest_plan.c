/*
 * Test planning (ck_abtest_plan_*): sample sizes and detectable effects against the
 * two-proportion formula evaluated in Python with statistics.NormalDist (values quoted
 * below; the effect for a given n found there by bisection), and the JSON written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/abtest.h"

static void test_abtest_plan__sample_size_three_arms(void)
{
    ck_error err = { 0 };
    /* alpha 0.05 over 2 comparisons: 0.025 each; Python n = 4651.4178... → 4652 */
    ck_abtest_plan_opts o = { 0.10, 0.02, NAN, 0.05, 0.8, 3, CK_ALT_TWO_SIDED };
    ck_abtest_plan p;
    CHECK_OK(ck_abtest_plan_make(&p, &o, &err));
    CHECK(!p.solved_for_mde);
    CHECK_NEAR(p.alpha_per_comparison, 0.025, 1e-15);
    CHECK_NEAR(p.target, 0.12, 1e-15);
    CHECK_NEAR(p.n_per_arm, 4652, 0);
    CHECK_NEAR(p.n_total, 13956, 0);
}

static void test_abtest_plan__one_sided_decrease(void)
{
    ck_error err = { 0 };
    /* from 30% down to 25%, one-sided: Python n = 985.071 → 986 */
    ck_abtest_plan_opts o = { 0.30, 0.05, NAN, 0.05, 0.8, 2, CK_ALT_LESS };
    ck_abtest_plan p;
    CHECK_OK(ck_abtest_plan_make(&p, &o, &err));
    CHECK_NEAR(p.target, 0.25, 1e-15);
    CHECK_NEAR(p.n_per_arm, 986, 0);
}

static void test_abtest_plan__detectable_effect(void)
{
    ck_error err = { 0 };
    /* 5000 per arm from 10%: Python bisection gives d = 0.017439914809797806 */
    ck_abtest_plan_opts o = { 0.10, NAN, 5000, 0.05, 0.8, 2, CK_ALT_TWO_SIDED };
    ck_abtest_plan p;
    CHECK_OK(ck_abtest_plan_make(&p, &o, &err));
    CHECK(p.solved_for_mde);
    CHECK_NEAR(p.target - p.baseline, 0.017439914809797806, 1e-9);
    CHECK_NEAR(p.n_per_arm, 5000, 0);
    /* 10 per arm cannot detect even 50% → 100% (Python: that needs 10.51) */
    ck_abtest_plan_opts tiny = { 0.5, NAN, 10, 0.05, 0.8, 2, CK_ALT_TWO_SIDED };
    CHECK_EQ_INT(ck_abtest_plan_make(&p, &tiny, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "10 customers per arm cannot detect any change from a baseline of 0.5 "
                          "at power 0.8");
}

static void test_abtest_plan__json(void)
{
    ck_error err = { 0 };
    ck_abtest_plan_opts o = { 0.30, 0.05, NAN, 0.05, 0.8, 2, CK_ALT_LESS };
    ck_abtest_plan p;
    CHECK_OK(ck_abtest_plan_make(&p, &o, &err));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return;
    CHECK_OK(ck_abtest_plan_write_json(&p, f, &err));
    fclose(f);
    /* Python: 0.3 - 0.05 == 0.25, abs(0.25 - 0.3) == 0.04999999999999999, / 0.3 ==
     * 0.16666666666666663, each written in the shortest form that reads back */
    CHECK_EQ_STR(
        text,
        "{\"plan\":\"sample_size\",\"baseline\":0.3,\"target\":0.25,\"mde\":0.04999999999999999,"
        "\"mde_relative\":0.16666666666666663,\"alpha\":0.05,"
        "\"alpha_per_comparison\":0.05,\"power\":0.8,\"arms\":2,"
        "\"alternative\":\"less\",\"n_per_arm\":986,\"n_total\":1972}\n");
    free(text);
}

int main(void)
{
    RUN(test_abtest_plan__sample_size_three_arms);
    RUN(test_abtest_plan__one_sided_decrease);
    RUN(test_abtest_plan__detectable_effect);
    RUN(test_abtest_plan__json);
    return check_summary();
}
