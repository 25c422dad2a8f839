/*
 * Campaign enrichment tests: risk bands at their boundaries, each strategy rule, the
 * channel choice, all on hand-worked cases (the reasons: test_reasons.c).
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/enrich.h"
#include "churnkit/schema.h"

static void test_enrich__bands(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_predict_rules *r = &cfg.predict;
    CHECK_EQ_INT(ck_enrich_band(r, 0.6, NAN), CK_BAND_HIGH);
    CHECK_EQ_INT(ck_enrich_band(r, 0.5999, NAN), CK_BAND_MEDIUM);
    CHECK_EQ_INT(ck_enrich_band(r, 0.3, NAN), CK_BAND_MEDIUM);
    CHECK_EQ_INT(ck_enrich_band(r, 0.2999, NAN), CK_BAND_LOW);
    r->bands_by_percentile = true;
    r->band_high = 90;
    r->band_medium = 70;
    CHECK_EQ_INT(ck_enrich_band(r, 0.99, 89.9), CK_BAND_MEDIUM);
    CHECK_EQ_INT(ck_enrich_band(r, 0.01, 90), CK_BAND_HIGH);
    CHECK_EQ_INT(ck_enrich_band(r, 0.99, 10), CK_BAND_LOW);
    CHECK_EQ_STR(ck_risk_band_name(CK_BAND_MEDIUM), "medium");
}

static ck_customer_facts at_risk(void)
{
    ck_customer_facts f = { CK_BAND_HIGH, 0.8, 3, 500, 0.1, 6, 1.2, 10, "active", NAN };
    return f;
}

static void test_enrich__strategy_rules_in_order(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    const ck_predict_rules *r = &cfg.predict;
    const char *rule;
    ck_customer_facts f = at_risk();
    f.band = CK_BAND_LOW;
    f.m_score = 5; /* not at risk beats everything */
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_NONE);
    CHECK_EQ_STR(rule, "not_at_risk");
    f = at_risk();
    f.m_score = 5;
    f.coupon_share = 0.9; /* high value first */
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_VIP);
    CHECK_EQ_STR(rule, "high_value");
    f = at_risk();
    f.coupon_share = 0.3; /* at the threshold */
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_DISCOUNT);
    CHECK_EQ_STR(rule, "price_sensitive");
    f = at_risk();
    f.frequency = 3;
    f.recency_gap_ratio = 1.5;
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_NEW_ARRIVAL);
    CHECK_EQ_STR(rule, "launch_driven");
    f.lifecycle_stage = "dormant"; /* only recent buyers follow a launch */
    f.interactions_30d = 2;
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(rule, "low_interaction");
    f = at_risk();
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(rule, "default");
    /* unknown values never trigger a rule */
    f.m_score = f.coupon_share = f.frequency = f.interactions_30d = NAN;
    CHECK_EQ_INT(ck_enrich_strategy(r, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(rule, "default");
    /* value at risk, when configured: 0.8 × 500 = 400 */
    cfg.predict.vip_min_value_at_risk = 400;
    f = at_risk();
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_VIP);
    /* clv from a value model, when configured: at the threshold, not below, not unknown */
    cfg.predict.vip_min_value_at_risk = 1e300;
    cfg.predict.vip_min_clv = 250;
    f.clv = 250;
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_VIP);
    CHECK_EQ_STR(rule, "high_value");
    f.clv = 249.99;
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_CONTENT);
    f.clv = NAN;
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(ck_strategy_name(CK_STRATEGY_NEW_ARRIVAL), "new_arrival");
    CHECK_EQ_INT(ck_strategy_from_name("vip"), CK_STRATEGY_VIP);
}

static void test_enrich__channel_with_most_engagement(void)
{
    ck_config cfg;
    ck_config_init(&cfg); /* sms, wechat, miniprogram, app */
    const double a[4] = { 1, 5, 5, 2 }, b[4] = { NAN, NAN, NAN, NAN }, c[4] = { NAN, 0, 3, 1 };
    CHECK_EQ_INT(ck_enrich_channel(&cfg.predict, a), 1); /* tie: the first allowed */
    CHECK_EQ_INT(ck_enrich_channel(&cfg.predict, b), 0);
    CHECK_EQ_INT(ck_enrich_channel(&cfg.predict, c), 2);
}

static void test_enrich__facts_from_a_row(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    const char *names[] = { "r_score", "f_score", "m_score", "channel_wechat_180d",
                            "coupon_share" };
    for (int i = 0; i < 5; i++)
        ck_schema_add_feature(s, names[i], CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "rfm_segment", CK_FEATURE_CATEGORICAL, &err);
    ck_schema_add_level(s, 5, "champions", 9, &err);
    ck_enrich_plan plan;
    ck_enrich_plan_init(&plan, s, &cfg.predict);
    const float row[6] = { 5, 4, 5, 7, 0.5f, 0 };
    ck_customer_facts f;
    double engagement[CK_MAX_CHANNELS];
    char rfm[4];
    const char *segment;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    CHECK_EQ_STR(rfm, "545");
    CHECK_EQ_STR(segment, "champions");
    CHECK_NEAR(f.m_score, 5, 0);
    CHECK_NEAR(f.coupon_share, 0.5, 0);
    CHECK(isnan(f.frequency) && f.lifecycle_stage == NULL);
    CHECK(isnan(engagement[0]));     /* sms: not a feature */
    CHECK_NEAR(engagement[1], 7, 0); /* wechat */
    ck_schema_free(s);
}

static void test_enrich__percentiles_against_the_training_distribution(void)
{
    double q[CK_SCORE_QUANTILES];
    /* a uniform distribution: percentile k at k / 100 (the quantiles themselves are
     * tested in test_stats.c) */
    for (int k = 0; k < CK_SCORE_QUANTILES; k++)
        q[k] = k / 100.0;
    CHECK_NEAR(ck_enrich_percentile(q, 0.255), 25.5, 1e-9);
    CHECK_NEAR(ck_enrich_percentile(q, 0.25), 25, 1e-9);
    CHECK_NEAR(ck_enrich_percentile(q, -1), 0, 0);
    CHECK_NEAR(ck_enrich_percentile(q, 2), 100, 0);
    CHECK(isnan(ck_enrich_percentile(NULL, 0.5)));
    /* a run of equal percentiles (many equal scores): the middle of the run */
    for (int k = 0; k < CK_SCORE_QUANTILES; k++)
        q[k] = k < 40 ? 0.1 : k / 100.0;
    CHECK_NEAR(ck_enrich_percentile(q, 0.1), 19.5, 1e-12);
}

int main(void)
{
    RUN(test_enrich__bands);
    RUN(test_enrich__strategy_rules_in_order);
    RUN(test_enrich__channel_with_most_engagement);
    RUN(test_enrich__facts_from_a_row);
    RUN(test_enrich__percentiles_against_the_training_distribution);
    return check_summary();
}
