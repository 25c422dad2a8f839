/*
 * Tests of lifecycle.h: each rule of docs/FEATURES.md ("Lifecycle stage") at its exact
 * boundaries, one second inside and one second outside, with the default and custom
 * thresholds, and the stage names.
 *
 * Windows are half-open, [T − w·86400 s, T): a purchase exactly w days before T is inside.
 */
#include "churnkit/lifecycle.h"

#include <stdint.h>

#include "check.h"
#include "churnkit/config.h"

#define DAY 86400LL

/* 2024-03-01T00:00:00Z (Python: calendar.timegm((2024, 3, 1, 0, 0, 0))) */
static const int64_t T = 1709251200LL;

static ck_stage_facts bought(int64_t first, int64_t last)
{
    ck_stage_facts f = { true, first, last, false };
    return f;
}

static void test_lifecycle__prospect_without_purchase(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_stage_facts f = { false, 0, 0, false };
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_PROSPECT);
    /* purchase times are ignored without a purchase */
    f.first_purchase_ts = T - 1;
    f.last_purchase_ts = T - 1;
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_PROSPECT);
}

static void test_lifecycle__cancelled_is_churned_first(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    /* cancellation wins over every other rule */
    ck_stage_facts f = bought(T - 1, T - 1); /* otherwise new */
    f.cancelled = true;
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
    f = bought(T - 100 * DAY, T - DAY); /* otherwise active */
    f.cancelled = true;
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
    f = bought(T - 300 * DAY, T - 200 * DAY); /* otherwise dormant */
    f.cancelled = true;
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
    ck_stage_facts never = { false, 0, 0, true }; /* otherwise prospect */
    CHECK_EQ_INT(ck_lifecycle_stage(&never, T, &cfg), CK_STAGE_CHURNED);
}

static void test_lifecycle__new_boundary(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    /* first purchase exactly 30 d before T: new */
    ck_stage_facts f = bought(T - 30 * DAY, T - 30 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_NEW);
    /* 30 d + 1 s before: no longer new, but the last purchase keeps it active */
    f = bought(T - 30 * DAY - 1, T - 30 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    /* one second before T */
    f = bought(T - 1, T - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_NEW);
    /* new depends on the first purchase only: an old first purchase and a recent last one */
    f = bought(T - 31 * DAY, T - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
}

static void test_lifecycle__active_boundary(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_stage_facts f = bought(T - 400 * DAY, T - 180 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    f = bought(T - 400 * DAY, T - 180 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_DORMANT);
    f = bought(T - 180 * DAY, T - 180 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    f = bought(T - 30 * DAY - 1, T - 30 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
}

static void test_lifecycle__dormant_boundary(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    ck_stage_facts f = bought(T - 500 * DAY, T - 365 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_DORMANT);
    f = bought(T - 500 * DAY, T - 365 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
    f = bought(T - 365 * DAY, T - 365 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_DORMANT);
    f = bought(T - 3650 * DAY, T - 3650 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
}

/* The thresholds come from the config. */
static void test_lifecycle__custom_thresholds(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    cfg.new_days = 7;
    cfg.active_days = 60;
    cfg.dormant_days = 120;
    ck_stage_facts f = bought(T - 7 * DAY, T - 7 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_NEW);
    f = bought(T - 7 * DAY - 1, T - 7 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    f = bought(T - 90 * DAY, T - 60 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    f = bought(T - 90 * DAY, T - 60 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_DORMANT);
    f = bought(T - 200 * DAY, T - 120 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_DORMANT);
    f = bought(T - 200 * DAY, T - 120 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
    /* with the default 180 d this purchase would still be active */
    f = bought(T - 150 * DAY, T - 150 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);

    /* equal thresholds: the stages between them are empty */
    cfg.new_days = cfg.active_days = cfg.dormant_days = 10;
    f = bought(T - 10 * DAY, T - 10 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_NEW);
    f = bought(T - 20 * DAY, T - 10 * DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_ACTIVE);
    f = bought(T - 20 * DAY, T - 10 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, T, &cfg), CK_STAGE_CHURNED);
}

/* Cutoffs and purchases before 1970 (negative Unix seconds) follow the same rules. */
static void test_lifecycle__before_epoch(void)
{
    ck_config cfg;
    ck_config_init(&cfg);
    const int64_t t = -301276800LL; /* 1960-06-15 (Python: calendar.timegm) */
    ck_stage_facts f = bought(t - 30 * DAY, t - DAY);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, t, &cfg), CK_STAGE_NEW);
    f = bought(t - 400 * DAY, t - 180 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, t, &cfg), CK_STAGE_DORMANT);
    f = bought(t - 400 * DAY, t - 365 * DAY - 1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, t, &cfg), CK_STAGE_CHURNED);
    /* a cutoff at the epoch with purchases just before it */
    f = bought(-30 * DAY, -1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, 0, &cfg), CK_STAGE_NEW);
    f = bought(-30 * DAY - 1, -1);
    CHECK_EQ_INT(ck_lifecycle_stage(&f, 0, &cfg), CK_STAGE_ACTIVE);
}

static void test_lifecycle__stage_names(void)
{
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_PROSPECT), "prospect");
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_NEW), "new");
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_ACTIVE), "active");
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_DORMANT), "dormant");
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_CHURNED), "churned");
    CHECK_EQ_STR(ck_stage_name(CK_STAGE_COUNT), "");
}

int main(void)
{
    RUN(test_lifecycle__prospect_without_purchase);
    RUN(test_lifecycle__cancelled_is_churned_first);
    RUN(test_lifecycle__new_boundary);
    RUN(test_lifecycle__active_boundary);
    RUN(test_lifecycle__dormant_boundary);
    RUN(test_lifecycle__custom_thresholds);
    RUN(test_lifecycle__before_epoch);
    RUN(test_lifecycle__stage_names);
    return check_summary();
}
