/*
 * A value model's data: each customer's purchase summary from events as of a cutoff, or
 * from a summary table, checked row by row, and what the trained model says of the data.
 * The summary itself is ck_bgnbd_summarise()'s (the one definition of x, t_x and T); this
 * file gathers the purchases and nets the refunds out of the spend.
 */
#include "churnkit/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/timestamp.h"
#include "pipeline/value_int.h"

void ck_value_summary_free(ck_value_summary *s)
{
    free(s->customer);
    free(s->x);
    free(s->t_x);
    free(s->T);
    free(s->spend);
    memset(s, 0, sizeof *s);
}

static long day_of(int64_t ts)
{
    return (long)(ck_ts_day_start(ts) / CK__DAY_SECONDS);
}

/* Every purchase before the cutoff: its customer, day and amount. */
typedef struct purchases {
    size_t n, *customer;
    long *day;
    double *amount;
} purchases;

static void purchases_free(purchases *p)
{
    free(p->customer);
    free(p->day);
    free(p->amount);
}

static int gather(purchases *p, const ck_events *ev, int64_t cutoff, ck_error *err)
{
    size_t n_customers = ck_events_n_customers(ev), n = 0;
    for (size_t c = 0; c < n_customers; c++) {
        ck_event_span s = ck_event_span_before(ck_events_customer(ev, c), cutoff);
        for (size_t i = 0; i < s.n; i++)
            n += s.type[i] == CK_EV_PURCHASE;
    }
    p->n = n;
    p->customer = ck__alloc_array(n + 1, sizeof *p->customer);
    p->day = ck__alloc_array(n + 1, sizeof *p->day);
    p->amount = ck__alloc_array(n + 1, sizeof *p->amount);
    if (p->customer == NULL || p->day == NULL || p->amount == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t k = 0;
    for (size_t c = 0; c < n_customers; c++) {
        ck_event_span s = ck_event_span_before(ck_events_customer(ev, c), cutoff);
        for (size_t i = 0; i < s.n; i++)
            if (s.type[i] == CK_EV_PURCHASE) {
                p->customer[k] = c;
                p->day[k] = day_of(s.ts[i]);
                p->amount[k++] = s.amount[i];
            }
    }
    return CK_OK;
}

/* m̄ net of the refunds after the first purchase day: a refund on that day returns part of
 * the first purchase, which the spend model does not see. */
static void net_refunds(ck_value_summary *s, const ck_events *ev, int64_t cutoff, long end_day)
{
    for (size_t k = 0; k < s->n; k++) {
        if (s->x[k] < 1.0)
            continue;
        long first = end_day - lround(s->T[k] * s->days_per_unit);
        ck_event_span e = ck_event_span_before(ck_events_customer(ev, s->customer[k]), cutoff);
        double refunds = 0.0;
        for (size_t i = 0; i < e.n; i++)
            if (e.type[i] == CK_EV_REFUND && day_of(e.ts[i]) > first)
                refunds += e.amount[i];
        s->spend[k] -= refunds / s->x[k];
    }
}

int ck_pipeline_value_summary(ck_value_summary *out, const ck_events *ev, int64_t cutoff,
                              double days_per_unit, bool with_spend, ck_error *err)
{
    memset(out, 0, sizeof *out);
    out->days_per_unit = days_per_unit;
    size_t n_customers = ck_events_n_customers(ev);
    long end_day = day_of(cutoff) - 1; /* the last day of history */
    purchases p = { 0 };
    double *x = ck__alloc_array(n_customers + 1, sizeof *x);
    double *t_x = ck__alloc_array(n_customers + 1, sizeof *t_x);
    double *T = ck__alloc_array(n_customers + 1, sizeof *T);
    double *spend = with_spend ? ck__alloc_array(n_customers + 1, sizeof *spend) : NULL;
    bool *seen = ck__alloc_array(n_customers + 1, sizeof *seen);
    int rc = x && t_x && T && seen && (spend || !with_spend)
                 ? gather(&p, ev, cutoff, err)
                 : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK && p.n == 0) {
        char date[16];
        ck_ts_format_date(cutoff, date);
        rc = ck_error_set(err, CK_EINVAL, NULL, 0, "no purchase before %s: nothing to summarise",
                          date);
    }
    if (rc == CK_OK)
        rc = ck_bgnbd_summarise(p.customer, p.day, with_spend ? p.amount : NULL, p.n, n_customers,
                                end_day, days_per_unit, x, t_x, T, spend, seen, err);
    size_t n = 0;
    for (size_t c = 0; rc == CK_OK && c < n_customers; c++)
        n += seen[c];
    if (rc == CK_OK) {
        out->customer = ck__alloc_array(n + 1, sizeof *out->customer);
        out->x = ck__alloc_array(n + 1, sizeof(double));
        out->t_x = ck__alloc_array(n + 1, sizeof(double));
        out->T = ck__alloc_array(n + 1, sizeof(double));
        out->spend = with_spend ? ck__alloc_array(n + 1, sizeof(double)) : NULL;
        if (!out->customer || !out->x || !out->t_x || !out->T || (with_spend && !out->spend))
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t c = 0; rc == CK_OK && c < n_customers; c++) {
        if (!seen[c])
            continue;
        size_t k = out->n++;
        out->customer[k] = c;
        out->x[k] = x[c];
        out->t_x[k] = t_x[c];
        out->T[k] = T[c];
        if (with_spend)
            out->spend[k] = spend[c];
    }
    if (rc == CK_OK && with_spend)
        net_refunds(out, ev, cutoff, end_day);
    purchases_free(&p);
    free(x);
    free(t_x);
    free(T);
    free(spend);
    free(seen);
    if (rc < 0)
        ck_value_summary_free(out);
    return rc;
}

int ck_pipeline_value_dataset(ck_dataset **out, const ck_events *ev, const ck_value_summary *s,
                              ck_error *err)
{
    const char *names[4] = { CK_BGNBD_FREQUENCY, CK_BGNBD_RECENCY, CK_BGNBD_AGE,
                             CK_BGNBD_MONETARY };
    const double *columns[4] = { s->x, s->t_x, s->T, s->spend };
    const char **ids = ck__alloc_array(s->n + 1, sizeof *ids);
    if (ids == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < s->n; k++)
        ids[k] = ck_events_customer_id(ev, s->customer[k]);
    int rc = ck_dataset_from_columns(out, names, s->spend ? 4 : 3, columns, ids, s->n,
                                     "customer_id", err);
    free(ids);
    return rc;
}

/* ---- summary tables ------------------------------------------------------------------ */

/* The numeric schema of the table's value columns, in the model's order. */
static int value_schema(ck_schema **out, const ck_value_columns *cols, ck_error *err)
{
    const char *names[4] = { cols->frequency, cols->recency, cols->age, cols->monetary };
    int rc = ck_schema_new(out, err);
    for (size_t j = 0; rc == CK_OK && j < (cols->monetary ? 4u : 3u); j++) {
        int k = ck_schema_add_feature(*out, names[j], CK_FEATURE_NUMERIC, err);
        rc = k < 0 ? k : CK_OK;
    }
    return rc;
}

int ck__value_check_row(const float *row, size_t n_columns, const ck_schema *schema, const char *path,
                     long line, ck_error *err)
{
    for (size_t j = 0; j < n_columns; j++)
        if (isnan(row[j]))
            return ck_error_set(err, CK_EINVAL, path, line, "column \"%s\" is empty",
                                ck_schema_name(schema, j));
    ck_error why = { 0 };
    if (ck_bgnbd_check_customer(row[0], row[1], row[2], 0, &why) < 0)
        return ck_error_set(err, CK_EINVAL, path, line, "%s", why.msg);
    if (n_columns == 4 && !(row[3] >= 0.0))
        return ck_error_set(err, CK_EINVAL, path, line,
                            "monetary value must be >= 0, got %g in column \"%s\"", row[3],
                            ck_schema_name(schema, 3));
    return CK_OK;
}

int ck__value_check_scores(const ck_bgnbd_params *p, const double *expected, size_t n,
                           ck_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(expected[i]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "the model's r %.4g, alpha %.4g, a %.4g, b %.4g give no finite "
                                "expected purchases (a and b that large mean a dropout the same "
                                "for every customer, which this model cannot score)",
                                p->r, p->alpha, p->a, p->b);
    return CK_OK;
}

int ck__value_of_customer(const ck_bgnbd_model *m, const ck_value_score_opts *o, double x,
                          double t_x, double T, double spend, double *out, ck_error *err)
{
    ck_clv_options clv = ck_pipeline_clv_options(m, o);
    ck_bgnbd_data d = { &x, &t_x, &T, &spend, 1 };
    double expected;
    ck_bgnbd_scores s = { NULL, &expected, NULL, m->has_spend ? out : NULL };
    int rc = ck_bgnbd_score(&m->purchases.params, m->has_spend ? &m->spend.params : NULL, &d,
                            &clv, 1, &s, err);
    if (rc == CK_OK && !m->has_spend)
        *out = expected;
    return rc == CK_OK ? ck__value_check_scores(&m->purchases.params, out, 1, err) : rc;
}

/* Grow the columns and ids to hold `need` rows. */
typedef struct table_rows {
    size_t n, cap;
    double *column[4];
    char **ids;
} table_rows;

static void table_rows_free(table_rows *t)
{
    for (size_t j = 0; j < 4; j++)
        free(t->column[j]);
    for (size_t i = 0; i < t->n; i++)
        free(t->ids[i]);
    free(t->ids);
}

static bool table_rows_push(table_rows *t, const float *row, size_t n_columns, const char *id)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        for (size_t j = 0; j < n_columns; j++) {
            double *p = ck__realloc_array(t->column[j], cap, sizeof *p);
            if (p == NULL)
                return false;
            t->column[j] = p;
        }
        char **ids = ck__realloc_array(t->ids, cap, sizeof *ids);
        if (ids == NULL)
            return false;
        t->ids = ids;
        t->cap = cap;
    }
    if ((t->ids[t->n] = strdup(id)) == NULL)
        return false;
    for (size_t j = 0; j < n_columns; j++)
        t->column[j][t->n] = row[j];
    t->n++;
    return true;
}

int ck_pipeline_value_table(ck_dataset **out, const char *path, const ck_value_columns *cols,
                            ck_error *err)
{
    *out = NULL;
    ck_schema *schema = NULL;
    ck_table_stream *s = NULL;
    table_rows t = { 0 };
    size_t n_columns = cols->monetary ? 4 : 3;
    float row[4], label;
    const char *id;
    ck_table_opts topts = { NULL, cols->id, NULL, 0, cols->delimiter, NULL, 0 };
    int rc = value_schema(&schema, cols, err);
    if (rc == CK_OK)
        rc = ck_table_stream_open(&s, path, &topts, schema, err);
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &id, &label, err)) == 1) {
        rc = ck__value_check_row(row, n_columns, schema, path, ck_table_stream_line(s), err);
        if (rc == CK_OK && !table_rows_push(&t, row, n_columns, id))
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    if (rc == CK_OK && t.n == 0)
        rc = ck_error_set(err, CK_EINVAL, path, 0, "no customer rows");
    if (rc == CK_OK) {
        const char *names[4];
        for (size_t j = 0; j < n_columns; j++)
            names[j] = ck_schema_name(schema, j);
        rc = ck_dataset_from_columns(out, names, n_columns, (const double *const *)t.column,
                                     (const char *const *)t.ids, t.n,
                                     ck_table_stream_id_name(s), err);
    }
    table_rows_free(&t);
    ck_table_stream_free(s);
    ck_schema_free(schema);
    return rc;
}

/* ---- what the model says of its data -------------------------------------------------- */

void ck_pipeline_value_warnings(ck_model *model)
{
    const ck_bgnbd_model *m = ck_model_bgnbd(model);
    if (m == NULL)
        return;
    if (m->purchases.params.no_dropout) {
        ck_model_add_warning(model, "no dropout in this data (the fit is the plain NBD): P(alive) "
                                    "is 1 for every customer, so rank them by expected_purchases, "
                                    "not p_alive");
        ck_model_add_warning(model, m->purchases.message);
    } else if (m->purchases.params.same_dropout || !m->purchases.converged) {
        ck_model_add_warning(model, m->purchases.message);
    }
    if (m->has_spend && !m->spend.converged) {
        char text[sizeof m->spend.message + 16];
        snprintf(text, sizeof text, "spend model: %s", m->spend.message);
        ck_model_add_warning(model, text);
    }
    ck_model_add_warning(model, m->spend_note);
}
