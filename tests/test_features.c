/*
 * Feature builder tests. tests/data/features/basic.csv is a hand-made log whose expected
 * values were worked out by hand from docs/FEATURES.md (dates checked with Python's
 * datetime; RFM boundaries with numpy.quantile, noted where used). The no-look-ahead and
 * thread-count properties are checked on random logs.
 */
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/config.h"
#include "churnkit/customers.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/timestamp.h"

#define DATA CK_TEST_DATA "/features/"

static int64_t date(const char *s)
{
    int64_t ts = 0;
    ck_date_parse(&ts, s, strlen(s));
    return ts;
}

static long row_of(const ck_features *f, const char *id)
{
    for (size_t i = 0; i < ck_features_n_rows(f); i++)
        if (strcmp(ck_features_row_id(f, i), id) == 0)
            return (long)i;
    return -1;
}

static double value(const ck_features *f, const char *id, const char *column)
{
    long i = row_of(f, id), j = ck_features_column_index(f, column);
    if (i < 0 || j < 0 || ck_features_is_categorical(f, (size_t)j)) {
        fprintf(stderr, "no numeric value %s/%s\n", id, column);
        return -12345.0;
    }
    return ck_features_values(f, (size_t)j)[i];
}

static const char *level(const ck_features *f, const char *id, const char *column)
{
    long i = row_of(f, id), j = ck_features_column_index(f, column);
    if (i < 0 || j < 0 || !ck_features_is_categorical(f, (size_t)j))
        return "(no such cell)";
    uint32_t code = ck_features_codes(f, (size_t)j)[i];
    return code == CK_MISSING_CODE ? "(missing)" : ck_features_level(f, (size_t)j, code);
}

static int label(const ck_features *f, const char *id)
{
    long i = row_of(f, id);
    return i < 0 || !ck_features_has_label(f) ? -9 : ck_features_labels(f)[i];
}

static ck_features *build(const char *events_path, const char *cutoff, const ck_config *cfg,
                          const ck_customers *customers, bool all, int threads)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    ck_features *f = NULL;
    ck_events_read_opts ropts = CK_EVENTS_READ_OPTS_INIT;
    ropts.config = cfg;
    CHECK_OK(ck_events_read_csv(&ev, events_path, &ropts, &err));
    if (ev == NULL)
        return NULL;
    ck_features_opts fopts = { cfg, customers, all, threads, NULL, NULL, false };
    CHECK_OK(ck_features_build(&f, ev, date(cutoff), &fopts, &err));
    ck_events_free(ev);
    return f;
}

static void test_features__hand_computed_customer(void)
{
    ck_features *f = build(DATA "basic.csv", "2024-03-01", NULL, NULL, false, 1);
    if (f == NULL)
        return;
    /* population: A, B, E, F (C never bought, D's purchase is over 365 days old, G only
     * visits); in order of first appearance in the file */
    CHECK_EQ_INT(ck_features_n_rows(f), 4);
    CHECK_EQ_STR(ck_features_row_id(f, 0), "A");
    CHECK_EQ_STR(ck_features_row_id(f, 1), "B");
    CHECK_EQ_STR(ck_features_row_id(f, 2), "E");
    CHECK_EQ_STR(ck_features_row_id(f, 3), "F");

    /* A: purchases 2023-12-01 (100), 2024-01-01 (60), 2024-02-10 (40); refund 2024-01-10
     * (20); the purchase at the cutoff itself is not seen. */
    CHECK_NEAR(value(f, "A", "recency_days"), 20.0, 0);
    CHECK_NEAR(value(f, "A", "frequency"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "monetary"), 180.0, 0);
    CHECK_NEAR(value(f, "A", "tenure_days"), 121.0, 0); /* first event: signup 2023-11-01 */
    CHECK_NEAR(value(f, "A", "purchases_30d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "purchases_90d"), 2.0, 0); /* window opens 2023-12-02 */
    CHECK_NEAR(value(f, "A", "purchases_180d"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "purchases_365d"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_30d"), 40.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_90d"), 80.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_180d"), 180.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_365d"), 180.0, 0);
    CHECK_NEAR(value(f, "A", "avg_order_value"), 200.0 / 3.0, 1e-12);
    CHECK_NEAR(value(f, "A", "refunds"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "refund_rate"), 1.0 / 3.0, 1e-15);
    CHECK_NEAR(value(f, "A", "mean_gap_days"), 35.5, 1e-12);             /* gaps 31 and 40 */
    CHECK_NEAR(value(f, "A", "gap_std_days"), 6.363961030678928, 1e-12); /* |40 − 31| / √2 */
    CHECK_NEAR(value(f, "A", "recency_gap_ratio"), 20.0 / 35.5, 1e-12);
    CHECK_NEAR(value(f, "A", "days_since_first_purchase"), 91.0, 0);
    CHECK_NEAR(value(f, "A", "days_since_last_activity"), 1.5, 0); /* 2024-02-28T20:00+08:00 */
    CHECK_NEAR(value(f, "A", "visits_30d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "views_30d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "favorites_30d"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "carts_30d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "views_90d"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "views_trend"), 0.0, 0);  /* 1 against 2 / 2 */
    CHECK_NEAR(value(f, "A", "visits_trend"), 1.0, 0); /* 1 against 0 */
    CHECK_NEAR(value(f, "A", "favorites_trend"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "interactions_30d"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "interactions_trend"), 0.5, 1e-15); /* (3 − 1) / (3 + 1) */
    CHECK_NEAR(value(f, "A", "carts_without_purchase"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "points_balance"), 70.0, 0);
    CHECK_NEAR(value(f, "A", "days_since_redeem"), 10.0, 0);
    CHECK_NEAR(value(f, "A", "campaigns_365d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "coupon_share"), 1.0 / 3.0, 1e-15);
    CHECK_NEAR(value(f, "A", "categories_365d"), 2.0, 0);
    CHECK_NEAR(value(f, "A", "membership_cancelled"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "channel_app_180d"), 8.0, 0);
    CHECK_NEAR(value(f, "A", "channel_store_180d"), 2.0, 0);
    CHECK_NEAR(value(f, "A", "channel_wechat_180d"), 2.0, 0);
    CHECK_NEAR(value(f, "A", "channel_miniprogram_180d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "channel_sms_180d"), 0.0, 0);
    CHECK_EQ_STR(level(f, "A", "lifecycle_stage"), "active");
    CHECK_EQ_INT(label(f, "A"), 0); /* bought at the cutoff, inside the horizon */
    ck_features_free(f);
}

/* windows_days [7, 45, 60, 100] on A of basic.csv as of 2024-03-01 (2024 is a leap year:
 * 7 days back is 02-23, 45 is 01-16, 60 is 01-01 00:00, 100 is 2023-11-22), worked by
 * hand: feature names follow the windows, and each window counts what falls inside it. */
static void test_features__configured_windows(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    const int windows[CK_N_WINDOWS] = { 7, 45, 60, 100 };
    memcpy(cfg.windows_days, windows, sizeof windows);
    ck_features *f = build(DATA "basic.csv", "2024-03-01", &cfg, NULL, false, 1);
    if (f == NULL)
        return;
    CHECK_EQ_INT(ck_features_n_columns(f), 52); /* the same columns, named after the windows */
    CHECK_EQ_INT(ck_features_column_index(f, "purchases_30d"), -1);
    CHECK_EQ_INT(ck_features_column_index(f, "channel_app_180d"), -1);
    /* purchases 12-01 (100), 01-01 00:00 (60), 02-10 (40); refund 01-10 (20) */
    CHECK_NEAR(value(f, "A", "purchases_7d"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "purchases_45d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "purchases_60d"), 2.0, 0); /* the window opens at 01-01 00:00 */
    CHECK_NEAR(value(f, "A", "purchases_100d"), 3.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_7d"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_45d"), 40.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_60d"), 80.0, 0);
    CHECK_NEAR(value(f, "A", "revenue_100d"), 180.0, 0);
    /* interactions: visit 02-28 12:00Z; views 12-20, 01-15, 02-20; cart 02-21 */
    CHECK_NEAR(value(f, "A", "visits_7d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "views_7d"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "carts_7d"), 0.0, 0);
    CHECK_NEAR(value(f, "A", "views_45d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "carts_45d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "interactions_7d"), 1.0, 0);
    /* trends: the last 7 days against the 38 before them scaled to 7 days */
    CHECK_NEAR(value(f, "A", "visits_trend"), 1.0, 0);                   /* 1 against 0 */
    CHECK_NEAR(value(f, "A", "views_trend"), -1.0, 0);                   /* 0 against 1 × 7 / 38 */
    CHECK_NEAR(value(f, "A", "interactions_trend"), 24.0 / 52.0, 1e-15); /* 1 vs 2 × 7/38 */
    CHECK_NEAR(value(f, "A", "campaigns_100d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "categories_100d"), 2.0, 0); /* skincare, makeup */
    /* channels over 60 days (from 01-01 00:00): app 01-01 purchase, coupon, refund, 02-10
     * purchase, 02-20 view, 02-21 cart; wechat 02-25 and 02-28; miniprogram; store */
    CHECK_NEAR(value(f, "A", "channel_app_60d"), 6.0, 0);
    CHECK_NEAR(value(f, "A", "channel_wechat_60d"), 2.0, 0);
    CHECK_NEAR(value(f, "A", "channel_miniprogram_60d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "channel_store_60d"), 1.0, 0);
    CHECK_NEAR(value(f, "A", "channel_sms_60d"), 0.0, 0);
    ck_features_free(f);

    /* windows out of order are refused */
    cfg.windows_days[1] = 7;
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK_OK(ck_events_read_csv(&ev, DATA "basic.csv", NULL, &err));
    ck_features_opts fopts = CK_FEATURES_OPTS_INIT;
    fopts.config = &cfg;
    f = NULL;
    CHECK_EQ_INT(ck_features_build(&f, ev, date("2024-03-01"), &fopts, &err), CK_EINVAL);
    CHECK(f == NULL);
    ck_events_free(ev);
}

static void test_features__missing_values_stages_and_labels(void)
{
    ck_features *f = build(DATA "basic.csv", "2024-03-01", NULL, NULL, false, 1);
    if (f == NULL)
        return;
    /* B: one purchase, then cancelled */
    CHECK_NEAR(value(f, "B", "recency_days"), 305.0, 0);
    CHECK_NEAR(value(f, "B", "tenure_days"), 335.0, 0);
    CHECK(isnan(value(f, "B", "mean_gap_days")));
    CHECK(isnan(value(f, "B", "gap_std_days")));
    CHECK(isnan(value(f, "B", "recency_gap_ratio")));
    CHECK(isnan(value(f, "B", "days_since_redeem")));
    CHECK_NEAR(value(f, "B", "coupon_share"), 0.0, 0);
    CHECK_NEAR(value(f, "B", "membership_cancelled"), 1.0, 0);
    CHECK_EQ_STR(level(f, "B", "lifecycle_stage"), "churned");
    CHECK_EQ_INT(label(f, "B"), 1);
    /* E: first purchase 15 days ago; the next is after the horizon */
    CHECK_EQ_STR(level(f, "E", "lifecycle_stage"), "new");
    CHECK_EQ_INT(label(f, "E"), 1);
    /* F: two purchases 61 days apart, the last 213 days ago */
    CHECK_NEAR(value(f, "F", "mean_gap_days"), 61.0, 0);
    CHECK(isnan(value(f, "F", "gap_std_days")));
    CHECK_NEAR(value(f, "F", "recency_gap_ratio"), 213.0 / 61.0, 1e-12);
    CHECK_EQ_STR(level(f, "F", "lifecycle_stage"), "dormant");
    CHECK_EQ_INT(label(f, "F"), 1);
    ck_features_free(f);
}

static void test_features__rfm_scores_and_segments(void)
{
    ck_features *f = build(DATA "basic.csv", "2024-03-01", NULL, NULL, false, 1);
    if (f == NULL)
        return;
    /* numpy.quantile([20, 305, 15, 213], [.2, .4, .6, .8]) etc. */
    double bounds[3][4];
    ck_features_rfm_bounds(f, bounds);
    const double expect[3][4] = { { 18.0, 58.6, 174.4, 249.8 },
                                  { 1.0, 1.2, 1.8, 2.4 },
                                  { 40.0, 76.0, 154.0, 228.0 } };
    for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            CHECK_NEAR(bounds[d][k], expect[d][k], 1e-9);
    /* scores counted by hand against those boundaries */
    const char *ids[4] = { "A", "B", "E", "F" };
    const int r[4] = { 4, 1, 5, 2 }, fs[4] = { 5, 1, 1, 4 }, m[4] = { 4, 2, 1, 5 };
    const char *segment[4] = { "loyal_customers", "hibernating", "new_customers", "at_risk" };
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(value(f, ids[i], "r_score"), r[i], 0);
        CHECK_NEAR(value(f, ids[i], "f_score"), fs[i], 0);
        CHECK_NEAR(value(f, ids[i], "m_score"), m[i], 0);
        CHECK_EQ_STR(level(f, ids[i], "rfm_segment"), segment[i]);
    }
    ck_features_free(f);
}

static void test_features__all_customers(void)
{
    ck_features *f = build(DATA "basic.csv", "2024-03-01", NULL, NULL, true, 1);
    if (f == NULL)
        return;
    /* everyone with an event before the cutoff: G's only event is later */
    CHECK_EQ_INT(ck_features_n_rows(f), 6);
    CHECK(row_of(f, "G") < 0);
    CHECK_EQ_STR(level(f, "C", "lifecycle_stage"), "prospect");
    CHECK(isnan(value(f, "C", "recency_days")));
    CHECK(isnan(value(f, "C", "avg_order_value")));
    CHECK(isnan(value(f, "C", "r_score")));
    CHECK_EQ_STR(level(f, "C", "rfm_segment"), "(missing)");
    CHECK_EQ_INT(label(f, "C"), -1);
    CHECK_EQ_STR(level(f, "D", "lifecycle_stage"), "churned"); /* last purchase 455 days ago */
    CHECK_NEAR(value(f, "D", "r_score"), 1.0, 0);
    CHECK_EQ_INT(label(f, "D"), -1);
    /* the boundaries still come from the population alone */
    double bounds[3][4];
    ck_features_rfm_bounds(f, bounds);
    CHECK_NEAR(bounds[0][0], 18.0, 1e-9);
    CHECK_EQ_INT(label(f, "A"), 0);
    ck_features_free(f);
}

static void test_features__gap_and_horizon(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    cfg.gap_days = 30; /* horizon [2024-03-31, 2024-06-29) */
    ck_features *f = build(DATA "basic.csv", "2024-03-01", &cfg, NULL, false, 1);
    if (f != NULL) {
        CHECK(ck_features_has_label(f));
        CHECK_EQ_INT(label(f, "A"), 1);
        CHECK_EQ_INT(label(f, "E"), 0);
        ck_features_free(f);
    }
    cfg.gap_days = 0;
    cfg.horizon_days = 122; /* ends 2024-07-01, the end of the last day with an event */
    f = build(DATA "basic.csv", "2024-03-01", &cfg, NULL, false, 1);
    if (f != NULL) {
        CHECK(ck_features_has_label(f));
        ck_features_free(f);
    }
    cfg.horizon_days = 123; /* one day past the data */
    f = build(DATA "basic.csv", "2024-03-01", &cfg, NULL, false, 1);
    if (f != NULL) {
        CHECK(!ck_features_has_label(f));
        CHECK(ck_features_labels(f) == NULL);
        ck_features_free(f);
    }
}

static void test_features__customer_attributes(void)
{
    ck_error err = { 0 };
    ck_customers *cu = NULL;
    CHECK_OK(ck_customers_read_csv(&cu, DATA "customers.csv", NULL, &err));
    if (cu == NULL)
        return;
    ck_features *f = build(DATA "basic.csv", "2024-03-01", NULL, cu, false, 1);
    if (f != NULL) {
        /* signup 2023-10-01 precedes A's first event; E's signup is after the cutoff */
        CHECK_NEAR(value(f, "A", "tenure_days"), 152.0, 0);
        CHECK_NEAR(value(f, "E", "tenure_days"), 15.0, 0);
        CHECK_NEAR(value(f, "A", "age"), 34.0, 0);
        CHECK(isnan(value(f, "B", "age")));
        CHECK(isnan(value(f, "F", "age"))); /* not in the customers file */
        CHECK_EQ_STR(level(f, "A", "tier"), "gold");
        CHECK_EQ_STR(level(f, "B", "tier"), "silver");
        CHECK_EQ_STR(level(f, "E", "tier"), "(missing)");
        CHECK_EQ_STR(level(f, "F", "tier"), "(missing)");
        ck_features_free(f);
    }
    ck_customers_free(cu);
}

/* ---- properties on random logs ----------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next_random(void)
{
    return ck__splitmix64(&rng_state);
}

static void write_random_event(FILE *out, int64_t from, int64_t to)
{
    static const char *const kinds[] = { "purchase",      "purchase", "refund", "visit",
                                         "view",          "favorite", "cart",   "points_earn",
                                         "points_redeem", "campaign", "coupon", "signup",
                                         "cancel" };
    static const char *const channels[] = { "sms", "wechat", "app", "web", "store", "" };
    static const char *const categories[] = { "a", "b", "c", "" };
    char ts[32];
    ck_ts_format(from + (int64_t)(next_random() % (uint64_t)(to - from)), ts);
    const char *kind = kinds[next_random() % 13];
    fprintf(out, "c%03d,%s,%s,%d.%02d,%s,%s\n", (int)(next_random() % 300), ts, kind,
            (int)(next_random() % 300), (int)(next_random() % 100), channels[next_random() % 6],
            categories[next_random() % 4]);
}

/* The same customers with the same values; rows are matched by id, since row order
 * follows first appearance in the file. */
static bool same_tables(const ck_features *a, const ck_features *b, bool compare_labels)
{
    if (ck_features_n_rows(a) != ck_features_n_rows(b) ||
        ck_features_n_columns(a) != ck_features_n_columns(b))
        return false;
    for (size_t ia = 0; ia < ck_features_n_rows(a); ia++) {
        long ib = row_of(b, ck_features_row_id(a, ia));
        if (ib < 0)
            return false;
        size_t i = ia, k = (size_t)ib;
        if (compare_labels && ck_features_has_label(a) &&
            ck_features_labels(a)[i] != ck_features_labels(b)[k])
            return false;
        for (size_t j = 0; j < ck_features_n_columns(a); j++) {
            if (ck_features_is_categorical(a, j)) {
                uint32_t ca = ck_features_codes(a, j)[i], cb = ck_features_codes(b, j)[k];
                if ((ca == CK_MISSING_CODE) != (cb == CK_MISSING_CODE) ||
                    (ca != CK_MISSING_CODE &&
                     strcmp(ck_features_level(a, j, ca), ck_features_level(b, j, cb)) != 0))
                    return false;
            } else {
                double va = ck_features_values(a, j)[i], vb = ck_features_values(b, j)[k];
                if (!(va == vb || (isnan(va) && isnan(vb)))) {
                    fprintf(stderr, "row %zu column %s: %.17g != %.17g\n", i,
                            ck_features_column_name(a, j), va, vb);
                    return false;
                }
            }
        }
    }
    return !compare_labels || ck_features_has_label(a) == ck_features_has_label(b);
}

static void test_features__no_look_ahead(void)
{
    const char *before_path = CK_TEST_TMP "/lookahead_before.csv";
    const char *after_path = CK_TEST_TMP "/lookahead_after.csv";
    int64_t start = date("2023-01-01"), cutoff = date("2024-01-01"), end = date("2024-12-31");
    for (int trial = 0; trial < 5; trial++) {
        rng_state = 1000 + (uint64_t)trial;
        FILE *a = fopen(before_path, "w"), *b = fopen(after_path, "w");
        if (a == NULL || b == NULL) {
            CHECK(false);
            return;
        }
        fputs("customer_id,ts,event,amount,channel,category\n", a);
        fputs("customer_id,ts,event,amount,channel,category\n", b);
        for (int i = 0; i < 4000; i++) {
            /* the same history before the cutoff in both files; the second also gets
             * events at or after it, interleaved anywhere in the file */
            uint64_t saved = rng_state;
            write_random_event(a, start, cutoff);
            rng_state = saved;
            write_random_event(b, start, cutoff);
            if (next_random() % 2)
                write_random_event(b, cutoff, end);
        }
        /* ... including one exactly at the cutoff */
        fputs("c001,2024-01-01T00:00:00Z,purchase,5,app,a\n", b);
        fclose(a);
        fclose(b);
        ck_config cfg;
        ck_config_init(&cfg);
        cfg.horizon_days = 30;
        ck_features *fa = build(before_path, "2024-01-01", &cfg, NULL, true, 1);
        ck_features *fb = build(after_path, "2024-01-01", &cfg, NULL, true, 1);
        CHECK(fa != NULL && fb != NULL && ck_features_n_rows(fa) > 250);
        if (fa && fb)
            CHECK(same_tables(fa, fb, false));
        ck_features_free(fa);
        ck_features_free(fb);
    }
}

static void test_features__same_for_any_thread_count(void)
{
    const char *path = CK_TEST_TMP "/threads.csv";
    rng_state = 77;
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        CHECK(false);
        return;
    }
    fputs("customer_id,ts,event,amount,channel,category\n", out);
    for (int i = 0; i < 20000; i++)
        write_random_event(out, date("2023-01-01"), date("2024-12-31"));
    fclose(out);
    ck_features *one = build(path, "2024-06-01", NULL, NULL, false, 1);
    for (int threads = 2; threads <= 5; threads++) {
        ck_features *many = build(path, "2024-06-01", NULL, NULL, false, threads);
        CHECK(one && many && same_tables(one, many, true));
        ck_features_free(many);
    }
    ck_features_free(one);
}

static void test_features__write_csv(void)
{
    ck_features *a = build(DATA "basic.csv", "2024-03-01", NULL, NULL, false, 1);
    ck_features *b = build(DATA "basic.csv", "2024-02-01", NULL, NULL, false, 1);
    if (a == NULL || b == NULL)
        goto done;
    ck_error err = { 0 };
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    const ck_features *tables[2] = { a, b };
    CHECK_OK(ck_features_write_csv(tables, 2, out, ',', &err));
    fclose(out);
    /* header: id, cutoff, the columns, label */
    const char *header = "customer_id,cutoff,recency_days,frequency,monetary,tenure_days,";
    CHECK(strncmp(text, header, strlen(header)) == 0);
    char *first_newline = strchr(text, '\n');
    CHECK(first_newline && strncmp(first_newline - 6, ",label", 6) == 0);
    /* A as of 2024-03-01, written in full and checked against the hand-computed values */
    const char *row_a = "\nA,2024-03-01,20,3,180,121,1,2,3,3,40,80,180,180,66.66666667,1,"
                        "0.3333333333,35.5,6.363961031,0.5633802817,91,1.5,1,1,0,1,1,3,0,1,1,0,"
                        "0,1,3,0.5,1,70,10,1,0.3333333333,2,0,0,2,1,8,0,2,active,4,5,4,"
                        "loyal_customers,0\n";
    CHECK(strstr(text, row_a) != NULL);
    /* stacking: rows of the second cutoff follow, with its date */
    CHECK(strstr(text, "\nA,2024-02-01,") != NULL);
    free(text);
done:
    ck_features_free(a);
    ck_features_free(b);
}

int main(void)
{
    RUN(test_features__hand_computed_customer);
    RUN(test_features__configured_windows);
    RUN(test_features__missing_values_stages_and_labels);
    RUN(test_features__rfm_scores_and_segments);
    RUN(test_features__all_customers);
    RUN(test_features__gap_and_horizon);
    RUN(test_features__customer_attributes);
    RUN(test_features__no_look_ahead);
    RUN(test_features__same_for_any_thread_count);
    RUN(test_features__write_csv);
    return check_summary();
}
