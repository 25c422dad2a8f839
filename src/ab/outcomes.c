/*
 * Outcomes measured from the behaviour history (see ck_abtest_outcomes_from_events() in
 * abtest.h): for each assignment at time a and window w, one pass over the customer's
 * events in [a − w, a + w) gives the pre-period spend (the CUPED covariate, before a) and
 * the conversion and net revenue (from a on). The history covers each day that has an
 * event to that day's end, as in features.c.
 */
#include "churnkit/abtest.h"

#include <stdint.h>

#include "ab/experiment_int.h"
#include "base/util.h"
#include "churnkit/events.h"
#include "churnkit/timestamp.h"

/* One assignment's outcome: net spend before it, net revenue and conversion after it. */
typedef struct outcome {
    double pre, revenue;
    uint8_t converted;
} outcome;

/* Purchases count plus, refunds minus, in [a − w, a) for the pre-period and in [a, a + w)
 * for the outcome; a purchase in the latter converts. */
static void measure(outcome *o, ck_event_span span, int64_t a, int64_t w)
{
    size_t j = ck_event_span_before(span, a - w).n;
    for (; j < span.n && span.ts[j] < a + w; j++) {
        double amount;
        if (span.type[j] == CK_EV_PURCHASE)
            amount = span.amount[j];
        else if (span.type[j] == CK_EV_REFUND)
            amount = -span.amount[j];
        else
            continue;
        if (span.ts[j] < a) {
            o->pre += amount;
        } else {
            o->revenue += amount;
            o->converted |= span.type[j] == CK_EV_PURCHASE;
        }
    }
}

int ck_abtest_outcomes_from_events(ck_abtest *ab, const ck_events *ev, int window_days,
                                   ck_error *err)
{
    if (!ab->has_assigned_at)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "no assigned_at column: outcomes from events need the assignment "
                            "times");
    if (window_days < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the window must be at least 1 day, got %d",
                            window_days);
    if (ck_events_n_events(ev) == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the event history is empty");
    ck__abtest_free_tables(ab);
    int64_t w = (int64_t)window_days * CK__DAY_SECONDS;
    /* the data cover each day that has an event, to that day's end (as features.c) */
    int64_t data_end = ck_ts_day_start(ck_events_max_ts(ev)) + CK__DAY_SECONDS;
    char last_day[16];
    ck_ts_format_date(data_end - 1, last_day);
    size_t n_cut = 0, n_unknown = 0;
    for (size_t i = 0; i < ab->n_rows; i++) {
        int64_t a = ab->assigned_at[i];
        if (a >= data_end) {
            char when[32];
            ck_ts_format(a, when);
            return ck_error_set(err, CK_EINVAL, ab->path, ab->line[i],
                                "assigned_at %s is after the end of the events (last event on "
                                "%s)",
                                when, last_day);
        }
        n_cut += a > data_end - w;
        outcome o = { 0.0, 0.0, 0 };
        long c = ck_events_find_customer(ev, ck__abtest_id_of(ab, i));
        if (c < 0)
            n_unknown++;
        else
            measure(&o, ck_events_customer(ev, (size_t)c), a, w);
        if (!ab->outcomes_from_columns) {
            ab->converted[i] = o.converted;
            ab->revenue[i] = o.revenue;
        }
        if (!ab->pre_from_column)
            ab->pre[i] = o.pre;
    }
    if (n_unknown == ab->n_rows)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "none of the %zu assigned customers has an event: do both files "
                            "use the same customer ids?",
                            ab->n_rows);
    ck__abtest_drop_warnings_after(ab, ab->n_read_warnings);
    if (n_cut > 0 &&
        !ck__abtest_warn(ab,
                         "%zu assignment%s running past the end of the events (last event "
                         "on %s): %s cut short",
                         n_cut, n_cut == 1 ? " has a window" : "s have windows", last_day,
                         n_cut == 1 ? "its outcome is" : "their outcomes are"))
        return ck__abtest_oom(ab->path, err);
    if (n_unknown > 0 &&
        !ck__abtest_warn(ab, "%zu assigned customer%s no event at all (counted as not converted)",
                         n_unknown, n_unknown == 1 ? " has" : "s have"))
        return ck__abtest_oom(ab->path, err);
    ab->n_read_warnings = ab->n_warnings;
    ab->window_days = window_days;
    ab->has_pre = true;
    if (!ab->outcomes_from_columns) {
        ab->has_outcomes = true;
        ab->has_revenue = true;
    }
    return CK_OK;
}
