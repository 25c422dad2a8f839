/*
 * Tests of completing an experiment from the behaviour history (abtest.h):
 * ck_abtest_outcomes_from_events() at the window's edges (a purchase at its start counts,
 * one at its end does not; refunds; the pre-period spend for CUPED), an assignment after
 * the history, and ck_abtest_segments_from_events() as of the day of assigned_at.
 */
#include "churnkit/abtest.h"

#include <stddef.h>
#include <string.h>

#include "check.h"
#include "churnkit/events.h"
#include "support/abtest_fixtures.h"

#define TMP(name) CK_TEST_TMP "/abtest_outcomes_" name

static void test_abtest_outcomes__from_events(void)
{
    ck_error err = { 0 };
    /* assigned at 2024-03-01, window 10 days: [03-01, 03-11). a: purchase at the very start
     * (counts) and a refund inside; b: a purchase exactly at the window's end (does not
     * count) and spend in the 10 days before (the CUPED covariate); c: no event at all */
    const char *events = TMP("events.csv");
    write_file(events, "customer_id,ts,event,amount\n"
                       "a,2024-03-01T00:00:00Z,purchase,100\n"
                       "a,2024-03-05,refund,30\n"
                       "a,2024-02-15,purchase,999\n"
                       "b,2024-03-11T00:00:00Z,purchase,50\n"
                       "b,2024-02-20T10:00:00Z,purchase,40\n"
                       "b,2024-02-25,refund,15\n"
                       "d,2024-03-03,purchase,20\n"
                       "d,2024-03-20,visit,\n");
    const char *assign = TMP("assign_events.csv");
    write_file(assign, "customer_id,arm,assigned_at\n"
                       "a,control,2024-03-01\n"
                       "b,control,2024-03-01\n"
                       "c,treat,2024-03-01\n"
                       "d,treat,2024-03-01T00:00:00Z\n");
    ck_events *ev = NULL;
    ck_abtest *ab = NULL;
    CHECK_OK(ck_events_read_csv(&ev, events, NULL, &err));
    CHECK_OK(ck_abtest_read_csv(&ab, assign, NULL, &err));
    if (ev == NULL || ab == NULL)
        goto done;
    CHECK_OK(ck_abtest_outcomes_from_events(ab, ev, 10, &err));
    CHECK(has_warning(ab, "1 assigned customer has no event"));
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    o.cuped = true;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const ck_abtest_table *t = ck_abtest_table_at(ab, 0);
    const ck_abtest_arm *ctl = find_arm(t, "control"), *tr = find_arm(t, "treat");
    CHECK_EQ_INT(ctl->conversions, 1);
    CHECK_EQ_INT(tr->conversions, 1);
    /* control: a 100 − 30 = 70, b 0; treat: c 0, d 20 */
    CHECK_REL(ctl->revenue_total, 70.0, 1e-15);
    CHECK_REL(tr->revenue_total, 20.0, 1e-15);
    /* pre-period spend: a 0 (02-15 is before 02-20), b 40 − 15 = 25, c 0, d 0; with revenue
     * (70, 0, 0, 20): θ = cov/var = (−562.5/3)/(468.75/3) = −1.2 */
    CHECK_REL(t->cuped_theta, -1.2, 1e-12);
    /* every window ends by 03-11, before the end of the data (03-21) */
    CHECK(!has_warning(ab, "cut short"));
done:
    ck_abtest_free(ab);
    ck_events_free(ev);
}

static void test_abtest_outcomes__assignment_after_the_events(void)
{
    ck_error err = { 0 };
    const char *events = TMP("events_end.csv");
    write_file(events, "customer_id,ts,event,amount\n"
                       "a,2024-03-01,purchase,10\n"
                       "b,2024-03-31T23:00:00Z,visit,\n");
    const char *late = TMP("assign_late.csv");
    write_file(late, "customer_id,arm,assigned_at\n"
                     "a,control,2024-03-25\n"
                     "b,treat,2024-04-02\n");
    const char *cut = TMP("assign_cut.csv");
    write_file(cut, "customer_id,arm,assigned_at\n"
                    "a,control,2024-03-25\n"
                    "b,treat,2024-03-01\n");
    ck_events *ev = NULL;
    ck_abtest *ab = NULL;
    CHECK_OK(ck_events_read_csv(&ev, events, NULL, &err));
    CHECK_OK(ck_abtest_read_csv(&ab, late, NULL, &err));
    if (ev == NULL || ab == NULL)
        goto done;
    CHECK(ck_abtest_outcomes_from_events(ab, ev, 7, &err) == CK_EINVAL);
    CHECK_EQ_INT(err.line, 3);
    CHECK(strstr(err.msg, "after the end of the events (last event on 2024-03-31)") != NULL);
    ck_abtest_free(ab);
    ab = NULL;
    CHECK_OK(ck_abtest_read_csv(&ab, cut, NULL, &err));
    if (ab == NULL)
        goto done;
    /* a: 03-25 + 10 days runs past 04-01, the end of the last day with an event */
    CHECK_OK(ck_abtest_outcomes_from_events(ab, ev, 10, &err));
    CHECK(has_warning(ab, "1 assignment has a window running past the end of the events"));
done:
    ck_abtest_free(ab);
    ck_events_free(ev);
}

/* lifecycle_stage and rfm_segment as of the day of assigned_at, from the features */
static void test_abtest_outcomes__segments_from_events(void)
{
    ck_error err = { 0 };
    const char *events = TMP("events_stage.csv");
    /* as of 2024-06-01: n bought first on 05-20 (new); act last on 03-01 after one in
     * 2023-12 (active, 92 days); dor last on 2023-10-01 (244 days: dormant); p only visits
     * (prospect); x has no event before the day */
    write_file(events, "customer_id,ts,event,amount\n"
                       "n,2024-05-20,purchase,10\n"
                       "act,2023-12-01,purchase,10\n"
                       "act,2024-03-01,purchase,10\n"
                       "dor,2023-10-01,purchase,10\n"
                       "p,2024-05-01,visit,\n"
                       "x,2024-06-05,purchase,10\n"
                       "n,2024-06-20,purchase,10\n");
    const char *assign = TMP("assign_stage.csv");
    write_file(assign, "customer_id,arm,assigned_at\n"
                       "n,control,2024-06-01T09:00:00Z\n"
                       "act,treat,2024-06-01\n"
                       "dor,control,2024-06-01\n"
                       "p,treat,2024-06-01\n"
                       "x,treat,2024-06-01\n");
    ck_events *ev = NULL;
    ck_abtest *ab = NULL;
    const char *by[] = { "lifecycle_stage", "rfm_segment" };
    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.by_columns = by;
    ro.n_by = 2;
    CHECK_OK(ck_events_read_csv(&ev, events, NULL, &err));
    CHECK_OK(ck_abtest_read_csv(&ab, assign, &ro, &err));
    if (ev == NULL || ab == NULL)
        goto done;
    CHECK_OK(ck_abtest_outcomes_from_events(ab, ev, 30, &err));
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    /* not built yet: an error, not a silent empty segment */
    CHECK(ck_abtest_analyze(ab, &o, &err) == CK_EINVAL);
    CHECK_OK(ck_abtest_segments_from_events(ab, ev, NULL, 1, &err));
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    /* stages sorted by name, missing last: active, dormant, new, prospect, (missing) */
    static const char *const want[] = { "active", "dormant", "new", "prospect", NULL };
    size_t i = 1;
    for (size_t k = 0; k < 5; k++, i++) {
        const ck_abtest_table *t = ck_abtest_table_at(ab, i);
        CHECK(t != NULL);
        if (t == NULL)
            break;
        CHECK_EQ_STR(t->column, "lifecycle_stage");
        CHECK(want[k] ? t->value && strcmp(t->value, want[k]) == 0 : t->value == NULL);
        CHECK_EQ_INT(t->n, 1);
    }
    const ck_abtest_table *t = ck_abtest_table_at(ab, i);
    CHECK(t != NULL && strcmp(t->column, "rfm_segment") == 0);
    /* a segment without control rows is said, not hidden */
    CHECK(has_warning(ab, "lifecycle_stage = active: no assignment to the control arm"));
done:
    ck_abtest_free(ab);
    ck_events_free(ev);
}

int main(void)
{
    RUN(test_abtest_outcomes__from_events);
    RUN(test_abtest_outcomes__assignment_after_the_events);
    RUN(test_abtest_outcomes__segments_from_events);
    return check_summary();
}
