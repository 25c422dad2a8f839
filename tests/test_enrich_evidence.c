/*
 * Decisions only from evidence (enrich.h), on hand-worked rows: a signal the training log
 * lacked (no interaction events, no coupon events, no channel column) reads as unknown, so
 * the rule that needs it does not fire; the channel comes from the customer's own
 * engagement when there is some, else from the configured default, and says which.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/enrich.h"
#include "churnkit/schema.h"

enum { COUPON, INTERACTIONS, SMS, WECHAT, N };

static ck_schema *schema(void)
{
    static const char *const names[N] = { "coupon_share", "interactions_30d", "channel_sms_180d",
                                          "channel_wechat_180d" };
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    for (int j = 0; s != NULL && j < N; j++)
        ck_schema_add_feature(s, names[j], CK_FEATURE_NUMERIC, &err);
    return s;
}

/* A customer at risk whose coupon share (0.5 ≥ 0.3) and interactions (1 ≤ 2) would each
 * decide a rule, with 4 wechat contacts: with every signal present, price_sensitive wins;
 * without coupon events, low_interaction; without interaction events either, the default;
 * the plan's columns stay where they are. */
static void test_enrich_evidence__rules_need_their_signal(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = schema();
    if (s == NULL)
        return;
    const float row[N] = { 0.5f, 1, 0, 4 };
    ck_enrich_plan plan;
    ck_enrich_plan_init(&plan, s, &cfg.predict);
    CHECK(!plan.no_interactions && !plan.no_coupons && !plan.no_channels);
    CHECK_EQ_INT(plan.coupon_share, COUPON);
    CHECK_EQ_INT(plan.interactions_30d, INTERACTIONS);
    ck_customer_facts f;
    double engagement[CK_MAX_CHANNELS];
    char rfm[4];
    const char *segment, *rule;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    f.band = CK_BAND_HIGH;
    f.probability = 0.8;
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_DISCOUNT);
    CHECK_EQ_STR(rule, "price_sensitive");

    plan.no_coupons = true;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    f.band = CK_BAND_HIGH;
    CHECK(isnan(f.coupon_share));
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(rule, "low_interaction");

    plan.no_interactions = true;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    f.band = CK_BAND_HIGH;
    CHECK(isnan(f.interactions_30d));
    CHECK_EQ_INT(ck_enrich_strategy(&cfg.predict, &f, &rule), CK_STRATEGY_CONTENT);
    CHECK_EQ_STR(rule, "default");
    ck_schema_free(s);
}

/* Recall channels sms, wechat, miniprogram, app: the engagement counts 0, 4 (wechat) decide
 * wechat; without a channel column every count is unknown and sms, the default, is used. */
static void test_enrich_evidence__channel_and_what_decided_it(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = schema();
    if (s == NULL)
        return;
    const float row[N] = { 0, 0, 0, 4 };
    ck_enrich_plan plan;
    ck_enrich_plan_init(&plan, s, &cfg.predict);
    ck_customer_facts f;
    double engagement[CK_MAX_CHANNELS];
    char rfm[4];
    const char *segment;
    size_t c = 99;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, engagement, &c), CK_CHANNEL_ENGAGEMENT);
    CHECK_EQ_INT(c, 1);

    plan.no_channels = true;
    ck_enrich_facts(&plan, s, row, &cfg.predict, &f, engagement, rfm, &segment);
    CHECK(isnan(engagement[0]) && isnan(engagement[1]));
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, engagement, &c), CK_CHANNEL_DEFAULT);
    CHECK_EQ_INT(c, 0);

    /* counts of 0 everywhere, or unknown mixed with 0: no engagement, the default */
    const double zeros[4] = { 0, 0, 0, 0 }, mixed[4] = { NAN, 0, NAN, 0 };
    const double tie[4] = { 0, 2, 2, NAN }, first[4] = { 3, 3, 0, 0 };
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, zeros, &c), CK_CHANNEL_DEFAULT);
    CHECK_EQ_INT(c, 0);
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, mixed, &c), CK_CHANNEL_DEFAULT);
    CHECK_EQ_INT(c, 0);
    /* a tie goes to the earlier allowed channel, as ck_enrich_channel() */
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, tie, &c), CK_CHANNEL_ENGAGEMENT);
    CHECK_EQ_INT(c, 1);
    CHECK_EQ_INT(ck_enrich_channel_choice(&cfg.predict, first, &c), CK_CHANNEL_ENGAGEMENT);
    CHECK_EQ_INT(c, 0);
    ck_schema_free(s);
}

int main(void)
{
    RUN(test_enrich_evidence__rules_need_their_signal);
    RUN(test_enrich_evidence__channel_and_what_decided_it);
    return check_summary();
}
