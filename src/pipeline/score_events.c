/*
 * Scoring from events: the model's own features rebuilt as of the as-of date (no label:
 * nothing after it is read), the eligibility rule that decides who gets a score, the
 * budget, and a row per customer written through the predict writer.
 *
 * Eligibility: a customer is scored when inside the population the model was trained on
 * (recency within its lookback) and with at least the rules' min_events events before
 * the as-of date. No score is made up for the others: they get status
 * insufficient_history.
 */
#include "churnkit/pipeline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/timestamp.h"
#include "pipeline/select.h"
#include "pipeline/value_int.h"

/* Rows are written into a buffer, flushed to the file in pieces of this size. */
#define FLUSH_BYTES (1 << 20)

int64_t ck_pipeline_default_as_of(const ck_events *ev)
{
    return ck_ts_day_start(ck_events_max_ts(ev)) + CK__DAY_SECONDS;
}

/* Write (and empty) a buffer. */
static int flush(FILE *out, const char *out_path, ck_predict_buffer *b, ck_error *err)
{
    if (b->len > 0 && fwrite(b->text, 1, b->len, out) != b->len)
        return ck_error_set(err, CK_EIO, out_path, 0, "cannot write: %s", strerror(errno));
    b->len = 0;
    return CK_OK;
}

/* Row i of d into row. */
static void row_of(const ck_dataset *d, size_t i, float *row)
{
    for (size_t j = 0; j < ck_dataset_n_features(d); j++)
        row[j] = ck_dataset_column(d, j)[i];
}

/* Who gets a score (the file comment). */
static void mark_eligible(uint8_t *eligible, const ck_dataset *d, const ck_events *ev,
                          const ck_model *model, int64_t as_of, int min_events)
{
    const ck_model_spec *spec = ck_model_spec_of(model);
    long recency = ck_schema_find(ck_model_schema(model), "recency_days");
    double lookback = spec->config.lookback_days;
    for (size_t i = 0; i < ck_dataset_n_rows(d); i++) {
        long c = ck_events_find_customer(ev, ck_dataset_row_id(d, i));
        eligible[i] = (recency < 0 || ck_dataset_column(d, (size_t)recency)[i] <= lookback) &&
                      (c < 0 || ck_event_span_before(ck_events_customer(ev, (size_t)c), as_of).n >=
                                    (size_t)min_events);
    }
}

/* With a value model: each row's value (clv, or expected purchases without spend) as of
 * the as-of date; NaN for a customer without a purchase before it. */
static int values_of(double *value, const ck_dataset *d, const ck_events *ev,
                     const ck_pipeline_score_opts *o, int64_t as_of, ck_error *err)
{
    const ck_bgnbd_model *m = o->writer->value;
    size_t n = ck_dataset_n_rows(d);
    for (size_t i = 0; i < n; i++)
        value[i] = NAN;
    ck_value_summary s = { 0 };
    double *by_customer = ck__alloc_array(ck_events_n_customers(ev) + 1, sizeof *by_customer);
    double *scores = NULL;
    int rc = by_customer ? ck_pipeline_value_summary(&s, ev, as_of, m->days_per_unit,
                                                     m->has_spend, err)
                         : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK && (scores = ck__alloc_array(s.n + 1, sizeof *scores)) == NULL)
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK) {
        ck_clv_options clv = ck_pipeline_clv_options(m, o->value);
        ck_bgnbd_data data = { s.x, s.t_x, s.T, s.spend, s.n };
        ck_bgnbd_scores out = { NULL, m->has_spend ? NULL : scores, NULL,
                                m->has_spend ? scores : NULL };
        rc = ck_bgnbd_score(&m->purchases.params, m->has_spend ? &m->spend.params : NULL, &data,
                            &clv, o->n_threads, &out, err);
    }
    if (rc == CK_OK)
        rc = ck__value_check_scores(&m->purchases.params, scores, s.n, err);
    if (rc == CK_OK) {
        for (size_t c = 0; c < ck_events_n_customers(ev); c++)
            by_customer[c] = NAN;
        for (size_t k = 0; k < s.n; k++)
            by_customer[s.customer[k]] = scores[k];
        for (size_t i = 0; i < n; i++) {
            long c = ck_events_find_customer(ev, ck_dataset_row_id(d, i));
            value[i] = c >= 0 ? by_customer[c] : NAN;
        }
    }
    free(scores);
    free(by_customer);
    ck_value_summary_free(&s);
    return rc;
}

/* The budget: the value at risk of every scored customer in the shard, then the best N. */
static int choose_contacts(uint8_t *contact, const ck_dataset *d, const uint8_t *eligible,
                           const double *value, const ck_pipeline_score_opts *o, float *row,
                           ck_error *err)
{
    ck__budget budget = { .n_best = o->budget };
    ck__ranked *values = NULL;
    size_t n = ck_dataset_n_rows(d), n_values = 0, cap = 0;
    int64_t *keys = NULL;
    size_t n_keys = 0;
    if (!ck__ranked_reserve(&values, &cap, n))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        row_of(d, i, row);
        if (eligible[i] && ck_pipeline_in_shard(ck_dataset_row_id(d, i), o->shard, o->n_shards))
            values[n_values++] =
                ck__value_at_risk(o->writer, row, value[i], ck_dataset_row_id(d, i), (int64_t)i);
    }
    int rc = ck__budget_offer(&budget, values, n_values, err);
    if (rc == CK_OK)
        rc = ck__budget_keys(&budget, &keys, &n_keys, err);
    for (size_t q = 0; rc == CK_OK && q < n_keys; q++)
        contact[keys[q]] = 1;
    free(keys);
    free(values);
    ck__budget_free(&budget);
    return rc;
}

int ck_pipeline_score_events(const ck_events *ev, const ck_pipeline_score_opts *o, FILE *out,
                             const char *out_path, size_t *rows_out, ck_error *err)
{
    const ck_predict_writer *w = o->writer;
    const ck_model_spec *spec = ck_model_spec_of(w->model);
    *rows_out = 0;
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, o->model_path, 0,
                            "this model was trained on a table: score it with --table");
    int64_t as_of = o->as_of ? o->as_of : ck_pipeline_default_as_of(ev);
    ck_features_opts fopts = { .config = &spec->config,
                               .customers = o->customers,
                               .all_customers = o->all_customers,
                               .n_threads = o->n_threads,
                               .no_label = true };
    ck_features *table = NULL;
    ck_dataset *d = NULL;
    float *row = NULL;
    uint8_t *eligible = NULL, *contact = NULL;
    double *value = NULL;
    ck_predict_buffer buf = { 0 };
    int rc = ck_features_build(&table, ev, as_of, &fopts, err);
    if (rc == CK_OK) {
        const ck_features *tables[1] = { table };
        rc = ck_dataset_from_features(&d, tables, 1, false, ck_model_schema(w->model), err);
    }
    if (rc < 0)
        goto done;
    size_t n = ck_dataset_n_rows(d);
    row = ck__alloc_array(ck_dataset_n_features(d) + 1, sizeof *row);
    eligible = malloc(n + 1);
    contact = calloc(n + 1, 1);
    value = ck__alloc_array(n + 1, sizeof *value);
    if (row == NULL || eligible == NULL || contact == NULL || value == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    mark_eligible(eligible, d, ev, w->model, as_of, w->rules->min_events);
    for (size_t i = 0; i < n; i++)
        value[i] = NAN;
    if (w->value && (rc = values_of(value, d, ev, o, as_of, err)) < 0)
        goto done;
    if (w->budget && (rc = choose_contacts(contact, d, eligible, value, o, row, err)) < 0)
        goto done;
    rc = ck_predict_write_header(w, "customer_id", &buf, err);
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        const char *id = ck_dataset_row_id(d, i);
        if (!ck_pipeline_in_shard(id, o->shard, o->n_shards))
            continue;
        row_of(d, i, row);
        rc = ck_predict_write_valued_row(w, id, row, value[i], eligible[i], contact[i], &buf, err);
        if (rc == CK_OK && buf.len >= FLUSH_BYTES)
            rc = flush(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = flush(out, out_path, &buf, err);
done:
    ck_predict_buffer_free(&buf);
    free(value);
    free(contact);
    free(eligible);
    free(row);
    ck_dataset_free(d);
    ck_features_free(table);
    return rc;
}
