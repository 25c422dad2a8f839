/*
 * Segment columns built from the behaviour history (see
 * ck_abtest_segments_from_events() in abtest.h): lifecycle_stage and rfm_segment as of
 * the start of the UTC day of each assigned_at. Assignments are grouped by that day, so
 * the features are built once per distinct day (ck_features_build() with every
 * customer), and each assignment takes its customer's level of that day.
 */
#include "churnkit/abtest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ab/experiment_int.h"
#include "base/intern.h"
#include "base/util.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/timestamp.h"

typedef struct day_row {
    int64_t day;
    size_t row;
} day_row;

static int by_day(const void *x, const void *y)
{
    const day_row *a = x, *b = y;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* row_of[c]: customer c's row in the features, or -1. */
static void index_rows(long *row_of, const ck_events *ev, const ck_features *f)
{
    size_t n_customers = ck_events_n_customers(ev);
    for (size_t c = 0; c < n_customers; c++)
        row_of[c] = -1;
    size_t n_f = ck_features_n_rows(f);
    for (size_t r = 0; r < n_f; r++) {
        long c = ck_events_find_customer(ev, ck_features_row_id(f, r));
        if (c >= 0)
            row_of[c] = (long)r;
    }
}

/* The computed columns' levels of the @p n assignments of one day from its features. */
static int take_levels(ck_abtest *ab, const ck_events *ev, const ck_features *f, const long *row_of,
                       const day_row *rows, size_t n, ck_error *err)
{
    for (size_t k = 0; k < ab->n_keep; k++) {
        ck__abtest_column *kc = &ab->keep[k];
        if (!kc->computed)
            continue;
        long j = ck_features_column_index(f, kc->name);
        if (j < 0)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "no %s column in the features", kc->name);
        const uint32_t *codes = ck_features_codes(f, (size_t)j);
        for (size_t q = 0; q < n; q++) {
            size_t i = rows[q].row;
            long c = ck_events_find_customer(ev, ck__abtest_id_of(ab, i));
            kc->code[i] = CK__ABTEST_MISSING;
            if (c < 0 || row_of[c] < 0 || codes[row_of[c]] == CK_MISSING_CODE)
                continue;
            const char *level = ck_features_level(f, (size_t)j, codes[row_of[c]]);
            long code = ck__intern_put(&kc->levels, level, strlen(level));
            if (code < 0)
                return ck__abtest_oom(ab->path, err);
            kc->code[i] = (uint32_t)code;
        }
    }
    return CK_OK;
}

int ck_abtest_segments_from_events(ck_abtest *ab, const ck_events *ev, const ck_config *cfg,
                                   int n_threads, ck_error *err)
{
    bool any = false;
    for (size_t k = 0; k < ab->n_keep; k++)
        any |= ab->keep[k].computed;
    if (!any)
        return CK_OK;
    if (!ab->has_assigned_at)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "no assigned_at column: segments from events need the assignment "
                            "times");
    ck__abtest_free_tables(ab);
    int rc = CK_OK;
    ck_features *f = NULL;
    long *row_of = NULL;
    day_row *order = ck__alloc_array(ab->n_rows, sizeof *order);
    size_t n_customers = ck_events_n_customers(ev);
    row_of = ck__alloc_array(n_customers + 1, sizeof *row_of);
    if (order == NULL || row_of == NULL) {
        rc = ck__abtest_oom(ab->path, err);
        goto done;
    }
    for (size_t i = 0; i < ab->n_rows; i++)
        order[i] = (day_row){ ck_ts_day_start(ab->assigned_at[i]), i };
    qsort(order, ab->n_rows, sizeof *order, by_day);
    ck_features_opts fopts = CK_FEATURES_OPTS_INIT;
    fopts.config = cfg;
    fopts.all_customers = true;
    fopts.n_threads = n_threads < 1 ? 1 : n_threads;
    for (size_t start = 0, end; start < ab->n_rows; start = end) {
        int64_t day = order[start].day;
        for (end = start; end < ab->n_rows && order[end].day == day; end++)
            ;
        if ((rc = ck_features_build(&f, ev, day, &fopts, err)) < 0)
            goto done;
        index_rows(row_of, ev, f);
        if ((rc = take_levels(ab, ev, f, row_of, order + start, end - start, err)) < 0)
            goto done;
        ck_features_free(f);
        f = NULL;
    }
    for (size_t k = 0; k < ab->n_keep; k++)
        ab->keep[k].computed = false;
done:
    ck_features_free(f);
    free(row_of);
    free(order);
    return rc;
}
