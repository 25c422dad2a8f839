/*
 * Reasons in words (ck_reasons_new, ck_enrich_reasons; docs/REASONS.md): the top positive
 * contributions, at most one a family, never an output or a score code, worded by the
 * default templates or the config's, all on hand-worked cases.
 *
 * The hand model (test_reasons__a_hand_model_end_to_end) is gradient-boosted stumps, one
 * stump a feature, so a feature's contribution is its stump's leaf value and, against a
 * training population of one customer on each side of every stump, its Shapley value is
 * (left − right) / 2 for a customer on the left side. The customer scored is on the left
 * of every stump:
 *
 *     feature              left   right  Shapley  family        note
 *     recency_days (> 60)  −0.5   +1     0.75     recency       on the right: +1 − 0.25
 *     r_score              +2     −0.5   1.25     recency       worded as recency_days
 *     frequency            +0.25  −0.25  0.25     purchases
 *     f_score              +1.5   −0.5   1        purchases     worded as frequency
 *     revenue_90d          +0.75  −0.25  0.5      revenue
 *     revenue_180d         +1     −0.25  0.625    revenue       net negative: refunds
 *     lifecycle_stage      +3     −1     2        (output)      never a reason
 *     rfm_segment          +2.5   −1     1.75     (output)      never a reason
 *     channel_sms_180d     +1     −0.125 0.5625   channel
 *     channel_wechat_180d  +0.75  −0.25  0.5      channel
 *     purchases_90d        +0.5   −0.25  0.375    purchases
 *
 * By Shapley value, outputs left out, the first of each family: r_score (1.25), f_score
 * (1), revenue_180d (0.625), channel_sms_180d (0.5625); every other feature's family is
 * already given. All values are binary fractions, so no two are equal by rounding.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/dataset.h"
#include "churnkit/enrich.h"
#include "churnkit/model.h"
#include "churnkit/schema.h"
#include "learn/gbm/gbm_int.h"

#define TMP CK_TEST_TMP "/reasons_"

/* ---- the wording, contributions given ------------------------------------------------ */

static ck_schema *wording_schema(void)
{
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    ck_schema_add_feature(s, "recency_days", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "recency_gap_ratio", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "views_trend", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "lifecycle_stage", CK_FEATURE_CATEGORICAL, &err);
    ck_schema_add_level(s, 3, "active", 6, &err);
    ck_schema_add_level(s, 3, "dormant", 7, &err);
    ck_schema_add_feature(s, "avg_spend_x", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "coupon_share", CK_FEATURE_NUMERIC, &err);
    return s;
}

static void test_reasons__the_top_contributions_in_words(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = wording_schema();
    if (s == NULL)
        return;
    /* views_trend −0.6: the last 30 days are (1 − 0.6) / (1 + 0.6) = 0.25 of the rate
     * before, a fall of 75% */
    const float row[6] = { 143.2f, 2.44f, -0.6f, 1.0f, 12.345f, 0.25f };
    const double contrib[6] = { 0.9, 0.2, 0.5, 0.7, 0.05, -0.3 };
    char out[4][256];
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    /* lifecycle_stage (0.7) is an output, recency_gap_ratio (0.2) recency's family */
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 4, out), 3);
    CHECK_EQ_STR(out[0], "no purchase for 143 days");
    CHECK_EQ_STR(out[1], "views down 75% on the previous 60 days");
    CHECK_EQ_STR(out[2], "avg spend x: 12.3"); /* no template: the name in words */
    CHECK_EQ_STR(out[3], "");
    /* the gap ratio leads its family when it adds more */
    const double gap[6] = { 0.2, 0.9, 0, 0, 0, 0 };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, gap, 2, out), 1);
    CHECK_EQ_STR(out[0], "no purchase for 143 days, 2.4x their usual gap");
    /* only positive contributions: coupon_share (−0.3) never appears */
    const double few[6] = { -1, -1, -1, -1, 0.01, -0.3 };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, few, 3, out), 1);
    CHECK_EQ_STR(out[0], "avg spend x: 12.3");
    CHECK_EQ_STR(out[1], "");
    /* a configured template with a percentage, and a missing value */
    snprintf(cfg.predict.templates[0].feature, CK_NAME_MAX, "coupon_share");
    snprintf(cfg.predict.templates[0].text, CK_TEMPLATE_MAX, "coupons on {coupon_share_pct:0}%%");
    const double coupon[6] = { 0, 0, 0, 0, 0, 1 };
    ck_reasons_free(reasons);
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    ck_enrich_reasons(reasons, row, coupon, 1, out);
    CHECK_EQ_STR(out[0], "coupons on 25%");
    const float missing[6] = { NAN, NAN, 0.0f, NAN, NAN, NAN };
    const double second[6] = { 0, 1, 0.5, 0, 0, 0 };
    ck_enrich_reasons(reasons, missing, second, 2, out);
    CHECK_EQ_STR(out[0], "recency gap ratio: missing"); /* every wording reads a missing value */
    CHECK_EQ_STR(out[1], "views unchanged on the previous 60 days");
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* A missing value takes the feature's "feature:missing" template (the defaults word a
 * missing gap as a single purchase); a reason worded like an earlier one is skipped. */
static void test_reasons__missing_values_and_repeats(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = wording_schema();
    if (s == NULL)
        return;
    size_t t = cfg.predict.n_templates++;
    snprintf(cfg.predict.templates[t].feature, CK_NAME_MAX, "avg_spend_x");
    snprintf(cfg.predict.templates[t].text, CK_TEMPLATE_MAX,
             "no purchase for {recency_days:0} days");
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    if (reasons == NULL) {
        ck_schema_free(s);
        return;
    }
    const float row[6] = { 143.2f, NAN, -0.6f, 1.0f, 12.345f, NAN };
    char out[3][256];
    /* recency_gap_ratio missing, then coupon_share missing (no missing template: plain) */
    const double gap_first[6] = { 0, 0.9, 0, 0, 0, 0.5 };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, gap_first, 2, out), 2);
    CHECK_EQ_STR(out[0], "no purchase for 143 days, after a single one");
    CHECK_EQ_STR(out[1], "coupon share: missing");
    /* avg_spend_x (its own family) words its reason as recency_days does: skipped */
    const double repeat[6] = { 0.9, 0, 0.5, 0, 0.8, 0 };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, repeat, 3, out), 2);
    CHECK_EQ_STR(out[0], "no purchase for 143 days");
    CHECK_EQ_STR(out[1], "views down 75% on the previous 60 days");
    CHECK_EQ_STR(out[2], "");
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* Days since any activity that are the days since the last purchase say one fact with
 * any reason of the recency family: the larger weight gives the reason; different days
 * are two facts. */
static void test_reasons__one_reason_a_fact(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    ck_schema_add_feature(s, "recency_days", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "days_since_last_activity", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "recency_gap_ratio", CK_FEATURE_NUMERIC, &err);
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    if (reasons == NULL) {
        ck_schema_free(s);
        return;
    }
    char out[2][256];
    /* the gap ratio 4.5: 89 days against a usual gap of about 20 */
    const float last_was_a_purchase[3] = { 89.0f, 89.0f, 4.5f };
    const double activity_first[3] = { 0.5, 0.9, 0 }, recency_first[3] = { 0.9, 0.5, 0 },
                 ratio_first[3] = { 0, 0.5, 0.9 };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, last_was_a_purchase, activity_first, 2, out), 1);
    CHECK_EQ_STR(out[0], "no activity of any kind for 89 days");
    CHECK_EQ_STR(out[1], "");
    CHECK_EQ_INT(ck_enrich_reasons(reasons, last_was_a_purchase, recency_first, 2, out), 1);
    CHECK_EQ_STR(out[0], "no purchase for 89 days");
    CHECK_EQ_INT(ck_enrich_reasons(reasons, last_was_a_purchase, ratio_first, 2, out), 1);
    CHECK_EQ_STR(out[0], "no purchase for 89 days, 4.5x their usual gap");
    const float visited_since[3] = { 89.0f, 30.0f, 4.5f };
    CHECK_EQ_INT(ck_enrich_reasons(reasons, visited_since, recency_first, 2, out), 2);
    CHECK_EQ_STR(out[0], "no purchase for 89 days");
    CHECK_EQ_STR(out[1], "no activity of any kind for 30 days");
    CHECK_EQ_INT(ck_enrich_reasons(reasons, visited_since, ratio_first, 2, out), 2);
    CHECK_EQ_STR(out[0], "no purchase for 89 days, 4.5x their usual gap");
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* Templates that cannot apply to the schema are dropped once, for the plain wording. */
static void test_reasons__templates_that_cannot_apply(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = wording_schema();
    if (s == NULL)
        return;
    cfg.predict.n_templates = 4;
    snprintf(cfg.predict.templates[0].feature, CK_NAME_MAX, "coupon_share");
    snprintf(cfg.predict.templates[0].text, CK_TEMPLATE_MAX, "{coupon_share} and {no_such_column}");
    snprintf(cfg.predict.templates[1].feature, CK_NAME_MAX, "avg_spend_x");
    snprintf(cfg.predict.templates[1].text, CK_TEMPLATE_MAX, "spend {avg_spend_x:3");
    snprintf(cfg.predict.templates[2].feature, CK_NAME_MAX, "recency_days");
    snprintf(cfg.predict.templates[2].text, CK_TEMPLATE_MAX, "%s", "");
    snprintf(cfg.predict.templates[3].feature, CK_NAME_MAX, "coupon_share:often");
    snprintf(cfg.predict.templates[3].text, CK_TEMPLATE_MAX, "not a condition");
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    const float row[6] = { 143.2f, 2.44f, -0.6f, 1.0f, 12.345f, 0.25f };
    const double contrib[6] = { 0.1, 0, 0, 0, 0.2, 0.3 };
    char out[3][256];
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 3, out), 3);
    CHECK_EQ_STR(out[0], "coupon share: 0.25"); /* an unknown column, an unknown condition */
    CHECK_EQ_STR(out[1], "avg spend x: 12.3");  /* an unclosed brace */
    CHECK_EQ_STR(out[2], "");                   /* an empty template says nothing */
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* The families of features by name, and the windows' wording by pattern: any window's
 * days, a value's own wording (0, 1, negative), exact names before patterns. */
static void test_reasons__families_and_window_patterns(void)
{
    static const char *const names[] = {
        "purchases_7d",
        "purchases_28d",
        "revenue_7d",
        "revenue_28d",
        "monetary",
        "visits_7d",
        "visits_trend",
        "channel_sms_14d",
        "channel_line_14d",
        "mean_gap_days",
        "gap_std_days",
        "refunds",
        "refund_rate",
        "points_balance",
        "days_since_redeem",
        "campaigns_28d",
        "region",
        "tenure_days",
        "days_since_first_purchase",
    };
    enum { N = sizeof names / sizeof *names };
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    for (size_t j = 0; s && j < N; j++)
        ck_schema_add_feature(s, names[j], j == 16 ? CK_FEATURE_CATEGORICAL : CK_FEATURE_NUMERIC,
                              &err);
    if (s == NULL)
        return;
    ck_schema_add_level(s, 16, "north", 5, &err);
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    if (reasons == NULL) {
        ck_schema_free(s);
        return;
    }
    const float row[N] = { 0, 1, -436.4f, 0,   -12, 1, 1.0f, 0,   5,  30,
                           4, 1, 0.5f,    200, 40,  0, 0,    400, 380 };
    /* every feature a reason, the later ones weigh more: each family's reason is its last
     * feature's */
    double contrib[N];
    for (size_t j = 0; j < N; j++)
        contrib[j] = 1.0 + (double)j;
    char out[N][256];
    size_t n = ck_enrich_reasons(reasons, row, contrib, N, out);
    static const char *const want[] = {
        "first purchase 380 days ago",
        "a member for 400 days",
        "region: north",
        "joined no campaign in the last 28 days",
        "points unused for 40 days",                   /* points_balance's family */
        "returned 50% of purchases",                   /* refunds' family */
        "gaps between purchases vary by 4 days",       /* mean_gap_days' family */
        "channel line in the last 14 days: 5",         /* no template: the window in words */
        "visits up from none on the previous 60 days", /* visits_7d's family */
        "refunds exceeded purchases by 12 in all",     /* revenue_*'s family */
        "a single purchase in the last 28 days",       /* purchases_7d's family */
    };
    enum { N_WANT = sizeof want / sizeof *want };
    CHECK_EQ_INT(n, N_WANT);
    for (size_t k = 0; k < N_WANT && k < n; k++)
        CHECK_EQ_STR(out[k], want[k]);
    /* each window's own wording, one at a time */
    static const struct {
        size_t feature;
        const char *text;
    } alone[] = {
        { 0, "no purchase in the last 7 days" },
        { 1, "a single purchase in the last 28 days" },
        { 2, "refunds exceeded purchases by 436 in the last 7 days" },
        { 3, "nothing spent in the last 28 days" },
        { 5, "a single visit in the last 7 days" },
        { 7, "no SMS interaction in the last 14 days" },
        { 11, "one refund so far" },
    };
    for (size_t a = 0; a < sizeof alone / sizeof *alone; a++) {
        double one[N] = { 0 };
        one[alone[a].feature] = 1;
        CHECK_EQ_INT(ck_enrich_reasons(reasons, row, one, 1, out), 1);
        CHECK_EQ_STR(out[0], alone[a].text);
    }
    ck_reasons_free(reasons);
    /* the config's words: an exact name before the pattern, a pattern replaced */
    size_t t = cfg.predict.n_templates;
    snprintf(cfg.predict.templates[t].feature, CK_NAME_MAX, "revenue_7d:negative");
    snprintf(cfg.predict.templates[t].text, CK_TEMPLATE_MAX, "returned more than bought this week");
    for (size_t k = 0; k < t; k++)
        if (strcmp(cfg.predict.templates[k].feature, "purchases_*d:1") == 0)
            snprintf(cfg.predict.templates[k].text, CK_TEMPLATE_MAX, "one order in * days");
    cfg.predict.n_templates = t + 1;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    double rev[N] = { 0 }, buy[N] = { 0 };
    rev[2] = buy[1] = 1;
    ck_enrich_reasons(reasons, row, rev, 1, out);
    CHECK_EQ_STR(out[0], "returned more than bought this week");
    ck_enrich_reasons(reasons, row, buy, 1, out);
    CHECK_EQ_STR(out[0], "one order in 28 days");
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* A score code is worded as the quantity it codes, or left out without one. */
static void test_reasons__score_codes_without_their_quantity(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    if (s == NULL)
        return;
    ck_schema_add_feature(s, "r_score", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "f_score", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "frequency", CK_FEATURE_NUMERIC, &err);
    ck_schema_add_feature(s, "avg_order_value", CK_FEATURE_NUMERIC, &err);
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    const float row[4] = { 1, 1, 3, 42 };
    const double contrib[4] = { 3, 2, 0, 1 };
    char out[3][256];
    /* r_score: no recency_days, no template of its own: left out */
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 3, out), 2);
    CHECK_EQ_STR(out[0], "3 purchases so far"); /* f_score, as frequency */
    CHECK_EQ_STR(out[1], "average order 42");
    ck_reasons_free(reasons);
    /* a template of the code's own words it */
    size_t t = cfg.predict.n_templates++;
    snprintf(cfg.predict.templates[t].feature, CK_NAME_MAX, "r_score:1");
    snprintf(cfg.predict.templates[t].text, CK_TEMPLATE_MAX,
             "among the fifth longest without a purchase");
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 3, out), 3);
    CHECK_EQ_STR(out[0], "among the fifth longest without a purchase");
    ck_reasons_free(reasons);
    ck_schema_free(s);
}

/* ---- the hand model ------------------------------------------------------------------ */

enum {
    RECENCY,
    R_SCORE,
    FREQUENCY,
    F_SCORE,
    REVENUE_90,
    REVENUE_180,
    STAGE,
    SEGMENT,
    SMS,
    WECHAT,
    PURCHASES_90,
    N_HAND
};

static const char *const hand_names[N_HAND] = {
    "recency_days",  "r_score",         "frequency",   "f_score",          "revenue_90d",
    "revenue_180d",  "lifecycle_stage", "rfm_segment", "channel_sms_180d", "channel_wechat_180d",
    "purchases_90d",
};

static ck_model *hand_model(void)
{
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    for (int j = 0; s && j < N_HAND; j++)
        ck_schema_add_feature(
            s, hand_names[j],
            j == STAGE || j == SEGMENT ? CK_FEATURE_CATEGORICAL : CK_FEATURE_NUMERIC, &err);
    ck_gbm *g = calloc(1, sizeof *g);
    ck__stump *stumps = calloc(N_HAND, sizeof *stumps);
    uint32_t *churned = malloc(sizeof *churned), *cant_lose = malloc(sizeof *cant_lose);
    if (s == NULL || g == NULL || stumps == NULL || churned == NULL || cant_lose == NULL) {
        ck_schema_free(s);
        free(g);
        free(stumps);
        free(churned);
        free(cant_lose);
        return NULL;
    }
    ck_schema_add_level(s, STAGE, "active", 6, &err);  /* code 0 */
    ck_schema_add_level(s, STAGE, "churned", 7, &err); /* code 1 */
    ck_schema_add_level(s, SEGMENT, "champions", 9, &err);
    ck_schema_add_level(s, SEGMENT, "cant_lose_them", 14, &err);
    *churned = 1;
    *cant_lose = 1;
    g->schema = s;
    g->stumps = stumps;
    g->n_stumps = N_HAND;
    /* the header's table; a left side of x <= threshold */
    const struct {
        double threshold, left, right;
    } numeric[N_HAND] = {
        [RECENCY] = { 60, -0.5, 1 },
        [R_SCORE] = { 1.5, 2, -0.5 },
        [FREQUENCY] = { 1.5, 0.25, -0.25 },
        [F_SCORE] = { 1.5, 1.5, -0.5 },
        [REVENUE_90] = { 0, 0.75, -0.25 },
        [REVENUE_180] = { 0, 1, -0.25 },
        [STAGE] = { 0, 3, -1 },
        [SEGMENT] = { 0, 2.5, -1 },
        [SMS] = { 0.5, 1, -0.125 },
        [WECHAT] = { 0.5, 0.75, -0.25 },
        [PURCHASES_90] = { 0.5, 0.5, -0.25 },
    };
    for (int j = 0; j < N_HAND; j++)
        stumps[j] = (ck__stump){ .feature = (uint32_t)j,
                                 .threshold = numeric[j].threshold,
                                 .left_value = numeric[j].left,
                                 .right_value = numeric[j].right };
    stumps[STAGE].left_levels = churned;
    stumps[STAGE].n_left_levels = 1;
    stumps[SEGMENT].left_levels = cant_lose;
    stumps[SEGMENT].n_left_levels = 1;
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec = { .source = CK_SOURCE_TABLE };
    ck_config_init(&spec.config);
    snprintf(spec.id_column, sizeof spec.id_column, "customer_id");
    ck_model_training training = { .created_at = "2026-11-24T00:00:00Z" };
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    /* the training population: one customer on each side of every stump (recency_days:
     * good is on the left, bad on the right) */
    FILE *f = fopen(TMP "population.csv", "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs("customer_id,recency_days,r_score,frequency,f_score,revenue_90d,revenue_180d,"
              "lifecycle_stage,rfm_segment,channel_sms_180d,channel_wechat_180d,purchases_90d\n"
              "good,10,5,8,5,300,600,active,champions,3,2,3\n"
              "bad,400,1,1,1,-20,-50,churned,cant_lose_them,0,0,0\n",
              f);
        fclose(f);
    }
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "customer_id";
    opts.schema = ck_model_schema(m);
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "population.csv", &opts, &err));
    if (m != NULL && d != NULL)
        CHECK_OK(ck_model_learn_population(m, d, 1, &err));
    ck_dataset_free(d);
    return m;
}

static bool names_any(const char *text, const char *const *words, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strstr(text, words[k]) != NULL)
            return true;
    return false;
}

static void test_reasons__a_hand_model_end_to_end(void)
{
    ck_error err = { 0 };
    ck_model *m = hand_model();
    if (m == NULL)
        return;
    const ck_schema *s = ck_model_schema(m);
    /* left of every stump: bought once 400 days ago, refunds beyond purchases of 436 in the
     * last 180 days (and of 12.75 in the last 90), no contact by any channel */
    const float row[N_HAND] = {
        400, 1, 1, 1, -12.75f, -436, 1 /* churned */, 1 /* cant_lose_them */, 0, 0, 0
    };
    double contrib[N_HAND], base;
    ck_model_contributions(m, row, contrib, &base);
    const double *means = ck_model_contribution_means(m);
    CHECK(means != NULL);
    if (means == NULL) {
        ck_model_free(m);
        return;
    }
    const double shapley[N_HAND] = { 0.75, 1.25, 0.25, 1, 0.5, 0.625, 2, 1.75, 0.5625, 0.5, 0.375 };
    for (int j = 0; j < N_HAND; j++) {
        contrib[j] -= means[j];
        CHECK_NEAR(contrib[j], shapley[j], 0); /* binary fractions: exact */
    }
    ck_config cfg;
    ck_config_init(&cfg);
    ck_reasons *reasons = NULL;
    CHECK_OK(ck_reasons_new(&reasons, &cfg.predict, s, &err));
    if (reasons == NULL) {
        ck_model_free(m);
        return;
    }
    char out[10][256];
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 10, out), 4);
    CHECK_EQ_STR(out[0], "no purchase for 400 days");                               /* r_score */
    CHECK_EQ_STR(out[1], "bought only once so far");                                /* f_score */
    CHECK_EQ_STR(out[2], "refunds exceeded purchases by 436 in the last 180 days"); /* 0.625 */
    CHECK_EQ_STR(out[3], "no SMS interaction in the last 180 days");                /* 0.5625 */
    CHECK_EQ_STR(out[4], "");
    /* three asked: the first three */
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, contrib, 3, out), 3);
    CHECK_EQ_STR(out[2], "refunds exceeded purchases by 436 in the last 180 days");
    /* the properties, on every subset of the features: drop each feature in turn and
     * the reasons never share a family, never name a stage, a segment or a score code */
    static const char *const forbidden[] = { "active",   "churned",   "dormant",
                                             "prospect", "champions", "cant_lose_them",
                                             "segment",  "score",     "stage",
                                             "-" };
    for (int drop = -1; drop < N_HAND; drop++) {
        double c[N_HAND];
        memcpy(c, contrib, sizeof c);
        if (drop >= 0)
            c[drop] = -1;
        size_t n = ck_enrich_reasons(reasons, row, c, 10, out);
        CHECK(n >= 3);
        for (size_t a = 0; a < n; a++) {
            CHECK(!names_any(out[a], forbidden, sizeof forbidden / sizeof *forbidden));
            for (size_t b = 0; b < a; b++)
                CHECK(strcmp(out[a], out[b]) != 0);
        }
        /* one reason a family: which family each wording belongs to */
        static const char *const family_words[][2] = {
            { "no purchase for", "recency" },
            { "bought only", "purchases" },
            { "purchases in the", "purchases" },
            { "purchase in the", "purchases" },
            { "spent", "revenue" },
            { "refunds exceeded", "revenue" },
            { "interaction", "channel" },
        };
        const char *fam[10] = { 0 };
        for (size_t a = 0; a < n; a++) {
            for (size_t w = 0; w < sizeof family_words / sizeof *family_words; w++)
                if (strstr(out[a], family_words[w][0]) != NULL)
                    fam[a] = family_words[w][1];
            CHECK(fam[a] != NULL);
            for (size_t b = 0; b < a && fam[a]; b++)
                CHECK(fam[b] == NULL || strcmp(fam[a], fam[b]) != 0);
        }
    }
    /* without r_score, recency_days leads its family; without f_score, purchases_90d
     * (0.375) beats frequency (0.25) */
    double c[N_HAND];
    memcpy(c, contrib, sizeof c);
    c[R_SCORE] = c[F_SCORE] = 0;
    CHECK_EQ_INT(ck_enrich_reasons(reasons, row, c, 10, out), 4);
    CHECK_EQ_STR(out[0], "no purchase for 400 days");
    CHECK_EQ_STR(out[1], "refunds exceeded purchases by 436 in the last 180 days");
    CHECK_EQ_STR(out[2], "no SMS interaction in the last 180 days");
    CHECK_EQ_STR(out[3], "no purchase in the last 90 days");
    /* and revenue_90d (0.5) words its own refunds once revenue_180d adds nothing */
    c[REVENUE_180] = 0;
    ck_enrich_reasons(reasons, row, c, 10, out);
    CHECK_EQ_STR(out[2], "refunds exceeded purchases by 13 in the last 90 days");
    ck_reasons_free(reasons);
    ck_model_free(m);
}

int main(void)
{
    RUN(test_reasons__the_top_contributions_in_words);
    RUN(test_reasons__missing_values_and_repeats);
    RUN(test_reasons__one_reason_a_fact);
    RUN(test_reasons__templates_that_cannot_apply);
    RUN(test_reasons__families_and_window_patterns);
    RUN(test_reasons__score_codes_without_their_quantity);
    RUN(test_reasons__a_hand_model_end_to_end);
    return check_summary();
}
