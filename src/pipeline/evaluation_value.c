/*
 * A value model measured out of time (docs/EVAL.md, "Customer value"): each customer's
 * summary as of the cutoff, the model's expected purchases in [cutoff, cutoff + H) against
 * the purchase days that happened there, beside the naive forecast (the customer's past
 * repeat-purchase rate x / T times H), and the cumulative repeat purchases week by week
 * (in the model's unit) from the first day of the data to the end of the holdout.
 */
#include "churnkit/pipeline.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/timestamp.h"
#include "pipeline/value_int.h"

static long day_of(int64_t ts)
{
    return (long)(ck_ts_day_start(ts) / CK__DAY_SECONDS);
}

/* The growing list of repeat-purchase times for the tracking curve. */
typedef struct times {
    double *t;
    size_t n, cap;
} times;

static bool times_push(times *l, double t)
{
    if (l->n == l->cap && !ck__grow((void **)&l->t, &l->cap, l->n + 1, sizeof *l->t))
        return false;
    l->t[l->n++] = t;
    return true;
}

/* Per customer of the summary: holdout purchase days, first-purchase time and repeat times
 * (both from `origin`, in the unit). */
static int holdout(const ck_events *ev, const ck_value_summary *s, int64_t cutoff, long end_day,
                   long origin, double *actual, double *first, times *repeats, ck_error *err)
{
    double unit = s->days_per_unit;
    for (size_t k = 0; k < s->n; k++) {
        ck_event_span e = ck_events_customer(ev, s->customer[k]);
        long first_day = LONG_MAX, last = LONG_MIN;
        actual[k] = 0.0;
        for (size_t i = 0; i < e.n; i++) {
            if (e.type[i] != CK_EV_PURCHASE)
                continue;
            long day = day_of(e.ts[i]);
            if (day > end_day || day == last)
                continue;
            if (first_day == LONG_MAX)
                first_day = day;
            else if (!times_push(repeats, (double)(day - origin) / unit))
                return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            actual[k] += e.ts[i] >= cutoff;
            last = day;
        }
        first[k] = (double)(first_day - origin) / unit;
    }
    return CK_OK;
}

int ck_pipeline_value_eval(ck_value_eval **out, const ck_events *ev, const ck_model *model,
                           int64_t cutoff, double horizon_days, int n_threads, ck_error *err)
{
    *out = NULL;
    const ck_bgnbd_model *m = ck_model_bgnbd(model);
    if (m == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model gives no customer value",
                            ck_model_type_name(model));
    int64_t end = cutoff + (int64_t)llround(horizon_days * CK__DAY_SECONDS);
    if (ck_events_max_ts(ev) < ck_ts_day_start(end - 1)) {
        char date[16];
        ck_ts_format_date(end, date);
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the holdout of %g days after the cutoff runs to %s, past the last "
                            "event: its purchases are not all known",
                            horizon_days, date);
    }
    double unit = m->days_per_unit, horizon = horizon_days / unit;
    long origin = day_of(ck_events_min_ts(ev)), end_day = day_of(end) - 1;
    ck_value_summary s = { 0 };
    times repeats = { 0 };
    int rc = ck_pipeline_value_summary(&s, ev, cutoff, unit, false, err);
    size_t n = s.n;
    double *predicted = ck__alloc_array(n + 1, sizeof(double));
    double *actual = ck__alloc_array(n + 1, sizeof(double));
    double *baseline = ck__alloc_array(n + 1, sizeof(double));
    double *first = ck__alloc_array(n + 1, sizeof(double));
    size_t n_grid = (size_t)ceil((double)(end_day + 1 - origin) / 7.0) + 1;
    double *grid = ck__alloc_array(n_grid, sizeof(double));
    if (rc == CK_OK && !(predicted && actual && baseline && first && grid))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK) {
        ck_clv_options clv = { horizon, 365.25 / unit, 0.0 };
        ck_bgnbd_data d = { s.x, s.t_x, s.T, NULL, n };
        ck_bgnbd_scores scores = { NULL, predicted, NULL, NULL };
        rc = ck_bgnbd_score(&m->purchases.params, NULL, &d, &clv, n_threads, &scores, err);
    }
    if (rc == CK_OK)
        rc = ck__value_check_scores(&m->purchases.params, predicted, n, err);
    for (size_t k = 0; rc == CK_OK && k < n; k++)
        baseline[k] = s.T[k] > 0.0 ? s.x[k] / s.T[k] * horizon : 0.0;
    if (rc == CK_OK)
        rc = holdout(ev, &s, cutoff, end_day, origin, actual, first, &repeats, err);
    /* the grid: every 7 days from the first day of the data to the end of the holdout */
    for (size_t g = 0; g < n_grid; g++)
        if (grid)
            grid[g] = fmin(7.0 * (double)g, (double)(end_day + 1 - origin)) / unit;
    while (n_grid > 1 && grid && grid[n_grid - 1] <= grid[n_grid - 2])
        n_grid--;
    if (rc == CK_OK) {
        ck_value_eval_input in = { n,        s.x,     predicted,
                                   actual,   baseline, horizon,
                                   ck_bgnbd_time_unit_name(unit) };
        ck_value_tracking_input track = { m->purchases.params,
                                          first,
                                          n,
                                          repeats.t,
                                          repeats.n,
                                          grid,
                                          n_grid,
                                          (double)(day_of(cutoff) - origin) / unit };
        rc = ck_value_eval_run(out, &in, &track, err);
    }
    free(predicted);
    free(actual);
    free(baseline);
    free(first);
    free(grid);
    free(repeats.t);
    ck_value_summary_free(&s);
    return rc;
}
