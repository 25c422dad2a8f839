/*
 * Tests of predict.h: churn-predict's output rows, every column on a hand-worked case.
 *
 * The model: logit = 0 + (recency_days > 30 ? +1 : −1) + (coupon_share > 0.5 ? +0.5 : 0).
 * Its training population, four customers:
 *     recency 10, coupon 0.1, active    logit −1    p = a = 1 / (1 + e)
 *     recency 20, coupon 0.2, dormant   logit −1    p = a
 *     recency 40, coupon 0.1, dormant   logit +1    p = b = 1 / (1 + e^−1)
 *     recency 50, coupon 0.7, dormant   logit 1.5   p = c = 1 / (1 + e^−1.5)
 * so the mean contributions are 0 (recency) and 0.125 (coupon). The customer scored,
 * recency 45 and coupon 0.4, has logit 1 and p = b:
 * - percentile: type-7 percentiles of (a, a, b, c) put b between the 66th, a + 0.98 (b − a),
 *   and the 67th, b + 0.01 (c − b): 66 + 0.02 (b − a) / (0.02 (b − a) + 0.01 (c − b)) = 66.9;
 * - stage_percentile: among the dormant (a, b, c) b is the 50th exactly: 50.0;
 * - band high (p ≥ 0.6), monetary score 5 → vip (rule high_value), channel wechat (7
 *   contacts in 180 days against 3 by sms), so channel_decided_by is engagement;
 * - reasons: recency adds 1 − 0 above the mean, coupon 0 − 0.125 below: one reason.
 */
#include "churnkit/predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "learn/gbm/gbm_int.h"

#define TMP CK_TEST_TMP "/"

enum { RECENCY, COUPON, REVENUE, R_SCORE, F_SCORE, M_SCORE, SEGMENT, STAGE, SMS, WECHAT, N };

static ck_schema *hand_schema(void)
{
    static const char *const names[N] = {
        "recency_days", "coupon_share", "revenue_365d",    "r_score",          "f_score",
        "m_score",      "rfm_segment",  "lifecycle_stage", "channel_sms_180d", "channel_wechat_180d"
    };
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    for (int j = 0; s && j < N; j++)
        ck_schema_add_feature(
            s, names[j], j == SEGMENT || j == STAGE ? CK_FEATURE_CATEGORICAL : CK_FEATURE_NUMERIC,
            &err);
    if (s != NULL) {
        ck_schema_add_level(s, SEGMENT, "at_risk", 7, &err);
        ck_schema_add_level(s, SEGMENT, "champions", 9, &err);
        ck_schema_add_level(s, STAGE, "active", 6, &err);
        ck_schema_add_level(s, STAGE, "dormant", 7, &err);
    }
    return s;
}

static ck_model *hand_model(void)
{
    ck_error err = { 0 };
    ck_gbm *g = calloc(1, sizeof *g);
    ck__stump *stumps = calloc(2, sizeof *stumps);
    if (g == NULL || stumps == NULL) {
        free(g);
        free(stumps);
        return NULL;
    }
    g->schema = hand_schema();
    g->stumps = stumps;
    g->n_stumps = 2;
    stumps[0] =
        (ck__stump){ .feature = RECENCY, .threshold = 30, .left_value = -1, .right_value = 1 };
    stumps[1] = (ck__stump){ .feature = COUPON, .threshold = 0.5, .right_value = 0.5 };
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec = { .source = CK_SOURCE_TABLE };
    ck_config_init(&spec.config);
    snprintf(spec.id_column, sizeof spec.id_column, "customer_id");
    ck_model_training training = { .created_at = "2026-11-24T00:00:00Z" };
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    /* the training population above */
    FILE *f = fopen(TMP "predict_population.csv", "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs("customer_id,recency_days,coupon_share,revenue_365d,r_score,f_score,m_score,"
              "rfm_segment,lifecycle_stage,channel_sms_180d,channel_wechat_180d\n"
              "t1,10,0.1,,,,,,active,,\n"
              "t2,20,0.2,,,,,,dormant,,\n"
              "t3,40,0.1,,,,,,dormant,,\n"
              "t4,50,0.7,,,,,,dormant,,\n",
              f);
        fclose(f);
    }
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "customer_id";
    opts.schema = ck_model_schema(m);
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "predict_population.csv", &opts, &err));
    if (m != NULL && d != NULL)
        CHECK_OK(ck_model_learn_population(m, d, 1, &err));
    ck_dataset_free(d);
    return m;
}

/* The customer of the header comment. */
static void customer(float row[N])
{
    const float values[N] = { 45, 0.4f, 900, 2, 3, 5, 0 /* at_risk */, 1 /* dormant */, 3, 7 };
    memcpy(row, values, sizeof values);
}

/* The hand-worked model with a writer and its buffer. */
typedef struct fixture {
    ck_model *model;
    ck_config cfg;
    ck_predict_writer w;
    ck_predict_buffer b;
} fixture;

static bool fixture_open(fixture *f, int n_reasons, bool jsonl, bool budget)
{
    ck_error err = { 0 };
    memset(f, 0, sizeof *f);
    ck_config_init(&f->cfg);
    f->model = hand_model();
    if (f->model == NULL)
        return false;
    CHECK_OK(ck_predict_writer_init(&f->w, f->model, &f->cfg.predict, NULL, n_reasons, jsonl,
                                    budget, &err));
    return true;
}

static void fixture_close(fixture *f)
{
    ck_predict_buffer_free(&f->b);
    ck_predict_writer_free(&f->w);
    ck_model_free(f->model);
}

/* The rows written so far, as a string (the buffer is not NUL-terminated). */
static char *text_of(const ck_predict_buffer *b)
{
    char *s = malloc(b->len + 1);
    if (s != NULL) {
        memcpy(s, b->text, b->len);
        s[b->len] = '\0';
    }
    return s;
}

static void test_predict__every_column_of_a_hand_worked_row(void)
{
    ck_error err = { 0 };
    fixture f;
    if (!fixture_open(&f, 3, false, false))
        return;
    CHECK_OK(ck_predict_write_header(&f.w, "customer_id", &f.b, &err));
    float row[N];
    customer(row);
    CHECK_OK(ck_predict_write_row(&f.w, "X", row, true, false, &f.b, &err));
    CHECK_OK(ck_predict_write_row(&f.w, "P", row, false, false, &f.b, &err));

    double a = 1 / (1 + exp(1.0)), bp = 1 / (1 + exp(-1.0)), c = 1 / (1 + exp(-1.5));
    double percentile = 66 + 0.02 * (bp - a) / (0.02 * (bp - a) + 0.01 * (c - bp));
    char want[1024];
    snprintf(want, sizeof want,
             "customer_id,churn_probability,risk_score,risk_band,percentile,stage_percentile,"
             "lifecycle_stage,rfm_score,rfm_segment,recall_strategy,recall_channel,decided_by,"
             "channel_decided_by,reason_1,reason_2,reason_3,status\n"
             "X,%.12f,%.0f,high,%.1f,50.0,dormant,235,at_risk,vip,wechat,rule:high_value,"
             "engagement,no purchase for 45 days,,,scored\n"
             "P,,,,,,dormant,235,at_risk,none,,rule:insufficient_history,,,,,"
             "insufficient_history\n",
             bp, round(bp * 100), percentile);
    char *got = text_of(&f.b);
    CHECK_EQ_STR(got, want);
    CHECK(strstr(want, "X,0.731058578630,73,high,66.9,50.0,") != NULL);
    free(got);
    fixture_close(&f);
}

/* The same row as JSON Lines, with the contact flag of --budget and one reason asked. */
static void test_predict__json_lines_and_contact(void)
{
    ck_error err = { 0 };
    fixture f;
    if (!fixture_open(&f, 1, true, true))
        return;
    CHECK_OK(ck_predict_write_header(&f.w, "customer_id", &f.b, &err));
    CHECK_EQ_INT(f.b.len, 0); /* no header line */
    float row[N];
    customer(row);
    CHECK_OK(ck_predict_write_row(&f.w, "X \"1\"", row, true, true, &f.b, &err));
    char *got = text_of(&f.b);
    CHECK_EQ_STR(got, "{\"customer_id\": \"X \\\"1\\\"\", \"churn_probability\": 0.731058578630, "
                      "\"risk_score\": 73, \"risk_band\": \"high\", \"percentile\": 66.9, "
                      "\"stage_percentile\": 50.0, \"lifecycle_stage\": \"dormant\", "
                      "\"rfm_score\": \"235\", \"rfm_segment\": \"at_risk\", "
                      "\"recall_strategy\": \"vip\", \"recall_channel\": \"wechat\", "
                      "\"decided_by\": \"rule:high_value\", "
                      "\"channel_decided_by\": \"engagement\", "
                      "\"reason_1\": \"no purchase for 45 days\", \"status\": \"scored\", "
                      "\"contact\": 1}\n");
    free(got);
    fixture_close(&f);
}

/* CSV quoting of an id that needs it, and the lower bands by probability. */
static void test_predict__quoting_and_bands(void)
{
    ck_error err = { 0 };
    fixture f;
    if (!fixture_open(&f, 0, false, false))
        return;
    float row[N];
    customer(row);
    row[RECENCY] = 12; /* logit −1: p = a = 0.269, below the medium band's 0.3 */
    CHECK_OK(ck_predict_write_row(&f.w, "Lee, \"Jo\"", row, true, false, &f.b, &err));
    char *got = text_of(&f.b);
    double a = 1 / (1 + exp(1.0));
    char want[512];
    /* a is the least training score twice over: the 0th to 33rd percentiles all equal a
     * (type 7: h = 3k / 100 ≤ 1), so a takes the middle of their run, 16.5; among the
     * dormant it is the least once: the 0th */
    snprintf(want, sizeof want,
             "\"Lee, \"\"Jo\"\"\",%.12f,27,low,16.5,0.0,dormant,235,at_risk,none,,"
             "rule:not_at_risk,,scored\n",
             a);
    CHECK_EQ_STR(got, want);
    free(got);
    fixture_close(&f);
}

int main(void)
{
    RUN(test_predict__every_column_of_a_hand_worked_row);
    RUN(test_predict__json_lines_and_contact);
    RUN(test_predict__quoting_and_bands);
    return check_summary();
}
