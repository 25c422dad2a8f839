/*
 * The data profile and what follows from it: a log's event types, columns and span
 * (ck_events_profile), the features a model leaves out because they are constant in its
 * training rows, the warnings when a cutoff or a window reaches before the log, the model
 * file keeping all three, and decisions taken only from signals the log has.
 *
 * tests/data/invoice/invoices.csv is an invoice-style log (purchases and refunds only, no
 * channel, no category; made by make_invoices.py beside it). Its counts and span were
 * taken from the file with Python's csv and calendar.timegm; the training population (58
 * customers with a purchase in the 365 days before 2024-03-01) the same way. The constant
 * features are reasoned from what the log lacks (see test_profile__constant_features):
 * every customer of a population has bought, and nothing but purchases and refunds exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/events.h"
#include "churnkit/model.h"
#include "churnkit/pipeline.h"
#include "churnkit/predict.h"
#include "churnkit/timestamp.h"

#define INVOICES CK_TEST_DATA "/invoice/invoices.csv"
#define TMP      CK_TEST_TMP "/"

static int64_t date(const char *s)
{
    int64_t ts = 0;
    ck_date_parse(&ts, s, strlen(s));
    return ts;
}

static ck_events *read_events(const char *path, const ck_config *cfg)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.config = cfg;
    CHECK_OK(ck_events_read_csv(&ev, path, &opts, &err));
    return ev;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs(text, f);
        CHECK_EQ_INT(fclose(f), 0);
    }
}

static void test_profile__invoice_log_counts_and_span(void)
{
    ck_events *ev = read_events(INVOICES, NULL);
    if (ev == NULL)
        return;
    ck_event_profile p;
    ck_events_profile(ev, &p);
    CHECK_EQ_INT(p.n_events, 809);
    CHECK_EQ_INT(p.n_customers, 80);
    CHECK_EQ_INT(p.event_counts[CK_EV_PURCHASE], 742);
    CHECK_EQ_INT(p.event_counts[CK_EV_REFUND], 67);
    size_t others = 0;
    for (int e = CK_EV_VISIT; e < CK_EV_COUNT; e++)
        others += p.event_counts[e];
    CHECK_EQ_INT(others, 0);
    CHECK(p.has_amount);
    CHECK(!p.has_channel);
    CHECK(!p.has_category);
    CHECK(!ck_event_profile_has_interactions(&p));
    CHECK_EQ_INT(p.first_ts, 1672663500); /* 2023-01-02 12:45:00 */
    CHECK_EQ_INT(p.last_ts, 1735463926);  /* 2024-12-29 09:18:46 */
    ck_events_free(ev);
}

/* A column present in the header but without a value says nothing: it is not in the
 * profile. Amounts all empty (stored as 0) do not count either. */
static void test_profile__columns_with_values(void)
{
    write_text(TMP "profile_empty_columns.csv", "customer_id,ts,event,amount,channel,category\n"
                                                "a,2024-01-01,purchase,,,\n"
                                                "a,2024-01-02,view,,,\n"
                                                "b,2024-01-03,cart,,,\n");
    ck_events *ev = read_events(TMP "profile_empty_columns.csv", NULL);
    if (ev == NULL)
        return;
    ck_event_profile p;
    ck_events_profile(ev, &p);
    CHECK(!p.has_amount && !p.has_channel && !p.has_category);
    CHECK(ck_event_profile_has_interactions(&p));
    CHECK_EQ_INT(p.event_counts[CK_EV_VIEW], 1);
    CHECK_EQ_INT(p.event_counts[CK_EV_CART], 1);
    CHECK_EQ_INT(p.first_ts, date("2024-01-01"));
    CHECK_EQ_INT(p.last_ts, date("2024-01-03"));
    ck_events_free(ev);

    write_text(TMP "profile_one_value.csv", "customer_id,ts,event,amount,channel,category\n"
                                            "a,2024-01-01,purchase,,,\n"
                                            "a,2024-01-02,purchase,12.5,,shoes\n"
                                            "b,2024-01-03,visit,,app,\n");
    ev = read_events(TMP "profile_one_value.csv", NULL);
    if (ev == NULL)
        return;
    ck_events_profile(ev, &p);
    CHECK(p.has_amount && p.has_channel && p.has_category);
    ck_events_free(ev);
}

/* The training and validation sets of the invoice log as of 2024-03-01, validated out of
 * time on 2024-06-01. */
static int invoice_sets(ck_dataset **train, ck_dataset **valid, ck_model_spec *spec,
                        ck_model_training *training, const ck_events *ev)
{
    ck_error err = { 0 };
    static const int64_t cutoffs[2] = { 1709251200, 1717200000 }; /* 2024-03-01, 2024-06-01 */
    ck_pipeline_training_opts o = { .cutoffs = cutoffs,
                                    .n_cutoffs = 2,
                                    .out_of_time = true,
                                    .events_path = "invoices.csv",
                                    .n_threads = 2 };
    spec->source = CK_SOURCE_EVENTS;
    ck_config_init(&spec->config);
    int rc = ck_pipeline_training_sets(train, valid, spec, training, ev, &o, &err);
    CHECK_OK(rc);
    return rc;
}

/*
 * The features the invoice log cannot vary, in schema order: without visit, view,
 * favorite or cart events every interaction count, trend and cart feature is 0; without
 * points, campaigns, coupons, categories, cancellations or channels, those features are 0
 * (coupon_share is 0 / purchases, and every population row has a purchase); with no
 * redemption or points earned days_since_redeem is missing everywhere. Everything bought
 * varies. 8 + 4 + 2 + 1 + 6 (points to membership) + 6 channels = 27, as the issue counted.
 */
static const char *const invoice_constant[27] = {
    "visits_30d",       "views_30d",           "favorites_30d",
    "carts_30d",        "visits_90d",          "views_90d",
    "favorites_90d",    "carts_90d",           "visits_trend",
    "views_trend",      "favorites_trend",     "carts_trend",
    "interactions_30d", "interactions_trend",  "carts_without_purchase",
    "points_balance",   "days_since_redeem",   "campaigns_365d",
    "coupon_share",     "categories_365d",     "membership_cancelled",
    "channel_sms_180d", "channel_wechat_180d", "channel_miniprogram_180d",
    "channel_app_180d", "channel_web_180d",    "channel_store_180d",
};

static void test_profile__constant_features(void)
{
    ck_events *ev = read_events(INVOICES, NULL);
    ck_dataset *train = NULL, *valid = NULL;
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    if (ev == NULL || spec == NULL || training == NULL ||
        invoice_sets(&train, &valid, spec, training, ev) != CK_OK)
        goto done;
    CHECK_EQ_INT(training->n_constant_features, 27);
    for (size_t i = 0; i < 27 && i < training->n_constant_features; i++)
        CHECK_EQ_STR(training->constant_features[i], invoice_constant[i]);
    /* 52 features less 27: none of them is read, and the validation rows match */
    const ck_schema *s = ck_dataset_schema(train);
    CHECK_EQ_INT(ck_schema_n_features(s), 25);
    for (size_t i = 0; i < 27; i++)
        CHECK_EQ_INT(ck_schema_find(s, invoice_constant[i]), -1);
    CHECK(ck_schema_find(s, "recency_days") >= 0 && ck_schema_find(s, "refund_rate") >= 0);
    CHECK_EQ_INT(ck_dataset_n_features(valid), 25);
    CHECK_EQ_INT(ck_dataset_n_rows(train), 58);
    /* 2024-03-01 is 424 days after the first event: nothing reaches before the log */
    CHECK_EQ_INT(training->n_warnings, 0);
    CHECK(training->has_profile);
    CHECK_EQ_INT(training->profile.event_counts[CK_EV_REFUND], 67);
done:
    ck_dataset_free(train);
    ck_dataset_free(valid);
    free(spec);
    free(training);
    ck_events_free(ev);
}

/* Train the invoice model, save it and read it back. */
static ck_model *invoice_model(const char *path)
{
    ck_error err = { 0 };
    ck_events *ev = read_events(INVOICES, NULL);
    ck_dataset *train = NULL, *valid = NULL;
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    ck_model *m = NULL, *loaded = NULL;
    if (ev == NULL || spec == NULL || training == NULL ||
        invoice_sets(&train, &valid, spec, training, ev) != CK_OK)
        goto done;
    snprintf(training->created_at, sizeof training->created_at, "2026-12-04T00:00:00Z");
    ck_pipeline_count_rows(training, train, valid);
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    params.rounds = 20;
    params.n_threads = 1;
    CHECK_OK(ck_model_train(&m, CK_MODEL_GBM_STUMPS, &params, train, valid, spec, training, NULL,
                            NULL, &err));
    if (m == NULL)
        goto done;
    CHECK_OK(ck_model_learn_population(m, train, 1, &err));
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        goto done;
    CHECK_OK(ck_model_save(m, f, &err));
    CHECK_EQ_INT(fclose(f), 0);
    CHECK_OK(ck_model_load(&loaded, path, &err));
done:
    ck_model_free(m);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    free(spec);
    free(training);
    ck_events_free(ev);
    return loaded;
}

static void test_profile__model_file_keeps_profile(void)
{
    ck_model *m = invoice_model(TMP "profile_invoice_model.json");
    if (m == NULL)
        return;
    const ck_model_training *t = ck_model_training_of(m);
    CHECK(t->has_profile);
    CHECK_EQ_INT(t->profile.n_events, 809);
    CHECK_EQ_INT(t->profile.n_customers, 80);
    CHECK_EQ_INT(t->profile.event_counts[CK_EV_PURCHASE], 742);
    CHECK_EQ_INT(t->profile.event_counts[CK_EV_REFUND], 67);
    CHECK_EQ_INT(t->profile.event_counts[CK_EV_VIEW], 0);
    CHECK(t->profile.has_amount && !t->profile.has_channel && !t->profile.has_category);
    CHECK_EQ_INT(t->profile.first_ts, 1672663500);
    CHECK_EQ_INT(t->profile.last_ts, 1735463926);
    CHECK_EQ_INT(t->n_constant_features, 27);
    for (size_t i = 0; i < 27 && i < t->n_constant_features; i++)
        CHECK_EQ_STR(t->constant_features[i], invoice_constant[i]);
    CHECK_EQ_INT(t->n_warnings, 0);
    CHECK_EQ_INT(ck_schema_n_features(ck_model_schema(m)), 25);
    ck_model_free(m);
}

/* Scored from the invoice log, the model's rows decide nothing from signals the log lacks:
 * no low-interaction or price-sensitive rule, and every channel is the configured default
 * (sms) and says so; customers without a strategy have no channel and no channel_decided_by. */
static void test_profile__decisions_only_from_evidence(void)
{
    ck_error err = { 0 };
    ck_model *m = invoice_model(TMP "profile_invoice_model2.json");
    ck_events *ev = read_events(INVOICES, NULL);
    if (m == NULL || ev == NULL)
        goto done;
    ck_config cfg;
    ck_config_init(&cfg);
    ck_predict_writer w;
    CHECK_OK(ck_predict_writer_init(&w, m, &cfg.predict, NULL, 3, false, false, &err));
    CHECK(w.plan.no_interactions && w.plan.no_coupons && w.plan.no_channels);
    ck_pipeline_score_opts o = {
        .writer = &w, .model_path = "m.json", .budget = -1, .n_threads = 1
    };
    FILE *f = fopen(TMP "profile_scores.csv", "w+");
    size_t rows = 0;
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK_OK(ck_pipeline_score_events(ev, &o, f, "scores.csv", &rows, &err));
        rewind(f);
        char line[4096];
        size_t n = 0, with_strategy = 0, bad = 0;
        CHECK(fgets(line, sizeof line, f) != NULL);
        CHECK(strstr(line, ",recall_channel,decided_by,channel_decided_by,") != NULL);
        while (fgets(line, sizeof line, f) != NULL) {
            /* fields 10..13: strategy, channel, decided_by, channel_decided_by (no field
             * before them is quoted: ids are C1001.., stages and segments are slugs) */
            char *field[14] = { 0 };
            char *p = line;
            for (int k = 1; k <= 13 && p != NULL; k++) {
                field[k] = p;
                p = strchr(p, ',');
                if (p != NULL)
                    *p++ = '\0';
            }
            n++;
            if (field[13] == NULL)
                continue;
            bad += strcmp(field[12], "rule:low_interaction") == 0;
            bad += strcmp(field[12], "rule:price_sensitive") == 0;
            if (strcmp(field[10], "none") == 0) {
                bad += field[11][0] != '\0' || field[13][0] != '\0';
            } else {
                with_strategy++;
                bad += strcmp(field[11], "sms") != 0 || strcmp(field[13], "default") != 0;
            }
        }
        CHECK_EQ_INT(n, rows);
        CHECK(with_strategy > 0); /* the check is not vacuous */
        CHECK_EQ_INT(bad, 0);
        fclose(f);
    }
    ck_predict_writer_free(&w);
done:
    ck_events_free(ev);
    ck_model_free(m);
}

/* Training warnings on a 9-day log (2024-01-01 to 2024-01-09), cutoff 2024-01-06 (5 days
 * of history), horizon 3 days, for several windows and lookbacks. */
static void short_log_warnings(const int windows[CK_N_WINDOWS], int lookback, size_t want_n,
                               const char *want0, const char *want1)
{
    ck_error err = { 0 };
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    if (spec == NULL || training == NULL)
        goto done;
    spec->source = CK_SOURCE_EVENTS;
    ck_config_init(&spec->config);
    spec->config.horizon_days = 3;
    spec->config.lookback_days = lookback;
    memcpy(spec->config.windows_days, windows, sizeof spec->config.windows_days);
    ck_events *ev = read_events(TMP "profile_short_log.csv", &spec->config);
    int64_t cutoff = date("2024-01-06");
    ck_pipeline_training_opts o = { .cutoffs = &cutoff, .n_cutoffs = 1, .n_threads = 1 };
    ck_dataset *train = NULL, *valid = NULL;
    if (ev != NULL)
        CHECK_OK(ck_pipeline_training_sets(&train, &valid, spec, training, ev, &o, &err));
    CHECK_EQ_INT(training->n_warnings, want_n);
    if (want_n > 0)
        CHECK_EQ_STR(training->warnings[0], want0);
    if (want_n > 1)
        CHECK_EQ_STR(training->warnings[1], want1);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_events_free(ev);
done:
    free(spec);
    free(training);
}

static void test_profile__window_warnings_on_a_short_log(void)
{
    write_text(TMP "profile_short_log.csv", "customer_id,ts,event,amount\n"
                                            "a,2024-01-01 10:00:00,purchase,10\n"
                                            "b,2024-01-02,purchase,20\n"
                                            "c,2024-01-03,purchase,5\n"
                                            "a,2024-01-04,purchase,12\n"
                                            "c,2024-01-05,refund,5\n"
                                            "a,2024-01-07,purchase,8\n"
                                            "b,2024-01-09 18:00:00,purchase,9\n");
    const int defaults[CK_N_WINDOWS] = { 30, 90, 180, 365 };
    short_log_warnings(defaults, 365, 2,
                       "the log spans 9 days (2024-01-01 to 2024-01-09), shorter than the feature "
                       "windows of 30, 90, 180 and 365 days: windows_days in the config can set "
                       "shorter ones",
                       "cutoff 2024-01-06: the log starts 5 days before it (2024-01-01), less "
                       "than the 365-day lookback and the 365-day feature window");
    /* windows of days that fit, a lookback of exactly the history: nothing to say */
    const int fit[CK_N_WINDOWS] = { 1, 2, 3, 4 };
    short_log_warnings(fit, 5, 0, NULL, NULL);
    const int week[CK_N_WINDOWS] = { 1, 2, 3, 7 };
    short_log_warnings(week, 3, 1,
                       "cutoff 2024-01-06: the log starts 5 days before it (2024-01-01), less "
                       "than the 7-day feature window",
                       NULL);
    short_log_warnings(fit, 6, 1,
                       "cutoff 2024-01-06: the log starts 5 days before it (2024-01-01), less "
                       "than the 6-day lookback",
                       NULL);
    const int ten[CK_N_WINDOWS] = { 2, 4, 8, 10 };
    short_log_warnings(ten, 5, 2,
                       "the log spans 9 days (2024-01-01 to 2024-01-09), shorter than the feature "
                       "window of 10 days: windows_days in the config can set shorter ones",
                       "cutoff 2024-01-06: the log starts 5 days before it (2024-01-01), less "
                       "than the 10-day feature window");
}

/* A model with configured windows keeps them in its feature spec, and reads back with
 * the feature names of those windows. */
static void test_profile__configured_windows_round_trip(void)
{
    ck_error err = { 0 };
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    ck_model *m = NULL, *loaded = NULL;
    ck_dataset *train = NULL, *valid = NULL;
    ck_events *ev = NULL;
    if (spec == NULL || training == NULL)
        goto done;
    spec->source = CK_SOURCE_EVENTS;
    ck_config_init(&spec->config);
    const int windows[CK_N_WINDOWS] = { 14, 60, 120, 300 };
    memcpy(spec->config.windows_days, windows, sizeof windows);
    ev = read_events(INVOICES, &spec->config);
    int64_t cutoff = date("2024-03-01");
    ck_pipeline_training_opts o = { .cutoffs = &cutoff, .n_cutoffs = 1, .n_threads = 1 };
    if (ev == NULL)
        goto done;
    CHECK_OK(ck_pipeline_training_sets(&train, &valid, spec, training, ev, &o, &err));
    if (train == NULL)
        goto done;
    CHECK(ck_schema_find(ck_dataset_schema(train), "revenue_300d") >= 0);
    CHECK(ck_schema_find(ck_dataset_schema(train), "revenue_365d") < 0);
    ck_pipeline_count_rows(training, train, valid);
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    params.rounds = 5;
    params.n_threads = 1;
    CHECK_OK(ck_model_train(&m, CK_MODEL_GBM_STUMPS, &params, train, NULL, spec, training, NULL,
                            NULL, &err));
    FILE *f = fopen(TMP "profile_windows_model.json", "w");
    if (m == NULL || f == NULL)
        goto done_file;
    CHECK_OK(ck_model_save(m, f, &err));
done_file:
    if (f != NULL)
        CHECK_EQ_INT(fclose(f), 0);
    if (m == NULL)
        goto done;
    CHECK_OK(ck_model_load(&loaded, TMP "profile_windows_model.json", &err));
    if (loaded == NULL)
        goto done;
    const ck_config *cfg = &ck_model_spec_of(loaded)->config;
    for (int k = 0; k < CK_N_WINDOWS; k++)
        CHECK_EQ_INT(cfg->windows_days[k], windows[k]);
    CHECK(ck_schema_find(ck_model_schema(loaded), "revenue_300d") >= 0);
    /* the rules read the windows' own columns: the longest revenue window */
    ck_enrich_plan plan;
    ck_enrich_plan_for_model(&plan, loaded, &cfg->predict);
    CHECK_EQ_INT(plan.revenue_365d, ck_schema_find(ck_model_schema(loaded), "revenue_300d"));
done:
    ck_model_free(loaded);
    ck_model_free(m);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_events_free(ev);
    free(spec);
    free(training);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST)
        return 1;
    RUN(test_profile__invoice_log_counts_and_span);
    RUN(test_profile__columns_with_values);
    RUN(test_profile__constant_features);
    RUN(test_profile__model_file_keeps_profile);
    RUN(test_profile__decisions_only_from_evidence);
    RUN(test_profile__window_warnings_on_a_short_log);
    RUN(test_profile__configured_windows_round_trip);
    return check_summary();
}
