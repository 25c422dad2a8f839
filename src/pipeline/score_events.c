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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"
#include "churnkit/timestamp.h"
#include "pipeline/flush.h"
#include "pipeline/recommendations.h"
#include "pipeline/select.h"
#include "pipeline/value_int.h"

int64_t ck_pipeline_default_as_of(const ck_events *ev)
{
    return ck_ts_day_start(ck_events_max_ts(ev)) + CK__DAY_SECONDS;
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

/* With an uplift model: each row's uplift per arm (n_rows × n_arms, row-major), from the
 * features its own spec builds as of the as-of date for every customer with an event;
 * *has[i] is false for a row the uplift model has no features for. */
static int uplifts_of(double **out, uint8_t **has, const ck_dataset *d, const ck_events *ev,
                      const ck_pipeline_score_opts *o, int64_t as_of, ck_error *err)
{
    const ck_uplift *u = o->writer->uplift;
    size_t n = ck_dataset_n_rows(d), n_arms = ck_uplift_n_arms(u);
    ck_features_opts fopts = { .config = &ck_model_spec_of(o->uplift_model)->config,
                               .customers = o->customers,
                               .all_customers = true,
                               .n_threads = o->n_threads,
                               .no_label = true };
    ck_features *table = NULL;
    ck_dataset *ud = NULL;
    double *p = NULL, *uplift = NULL;
    ck__intern ids = { 0 };
    *out = ck__alloc_array(n * n_arms + 1, sizeof **out);
    *has = calloc(n + 1, 1);
    int rc = *out && *has ? ck_features_build(&table, ev, as_of, &fopts, err)
                          : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK) {
        const ck_features *tables[1] = { table };
        rc = ck_dataset_from_features(&ud, tables, 1, false, ck_uplift_schema(u), err);
    }
    size_t m = rc == CK_OK ? ck_dataset_n_rows(ud) : 0;
    if (rc == CK_OK && ((p = ck__alloc_array(m * n_arms + 1, sizeof *p)) == NULL ||
                        (uplift = ck__alloc_array(m * n_arms + 1, sizeof *uplift)) == NULL))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck_uplift_predict(u, ud, p, uplift, o->n_threads, err);
    for (size_t k = 0; rc == CK_OK && k < m; k++)
        if (ck__intern_put(&ids, ck_dataset_row_id(ud, k), strlen(ck_dataset_row_id(ud, k))) < 0)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        const char *id = ck_dataset_row_id(d, i);
        long k = ck__intern_find(&ids, id, strlen(id));
        (*has)[i] = k >= 0;
        if (k >= 0)
            memcpy(*out + i * n_arms, uplift + (size_t)k * n_arms, n_arms * sizeof **out);
    }
    ck__intern_free(&ids);
    free(p);
    free(uplift);
    ck_dataset_free(ud);
    ck_features_free(table);
    return rc;
}

/* What row i knows beyond its features. */
static ck_predict_extras extras_of(const ck_predict_writer *w, const double *value,
                                   const double *uplift, const uint8_t *has_uplift, size_t i)
{
    size_t n_arms = w->uplift ? ck_uplift_n_arms(w->uplift) : 0;
    return (ck_predict_extras){ value[i], w->uplift && has_uplift[i] ? uplift + i * n_arms : NULL,
                                NULL, 0 };
}

/* The budget: the value at risk (or, with an uplift model, the incremental value) of every
 * scored customer in the shard, then the best N. */
static int choose_contacts(uint8_t *contact, const ck_dataset *d, const uint8_t *eligible,
                           const double *value, const double *uplift, const uint8_t *has_uplift,
                           const ck_pipeline_score_opts *o, float *row, ck_error *err)
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
        if (!eligible[i] || !ck_pipeline_in_shard(ck_dataset_row_id(d, i), o->shard, o->n_shards))
            continue;
        const char *id = ck_dataset_row_id(d, i);
        if (o->writer->uplift == NULL) {
            values[n_values++] = ck__value_at_risk(o->writer, row, value[i], id, (int64_t)i);
            continue;
        }
        ck_predict_extras x = extras_of(o->writer, value, uplift, has_uplift, i);
        ck__ranked r = ck__incremental_value(o->writer, row, x.uplift, id, (int64_t)i);
        if (r.value > -HUGE_VAL) /* nobody is contacted whom no arm is worth it for */
            values[n_values++] = r;
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
    uint8_t *eligible = NULL, *contact = NULL, *has_uplift = NULL;
    double *value = NULL, *uplift = NULL;
    ck_predict_buffer buf = { 0 };
    ck__picks picks = { 0 };
    int rc = w->recommender ? ck__picks_init_threads(&picks, ev, o->recommender, as_of,
                                                     o->recommend_top, o->recommend_new,
                                                     o->n_threads, o->shard, o->n_shards, err)
                            : CK_OK;
    if (rc == CK_OK)
        rc = ck_features_build(&table, ev, as_of, &fopts, err);
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
    if (w->uplift && (rc = uplifts_of(&uplift, &has_uplift, d, ev, o, as_of, err)) < 0)
        goto done;
    if (w->budget && (rc = choose_contacts(contact, d, eligible, value, uplift, has_uplift, o, row,
                                           err)) < 0)
        goto done;
    rc = ck_predict_write_header(w, "customer_id", &buf, err);
    for (size_t i = 0; i < n && rc == CK_OK; i++) {
        const char *id = ck_dataset_row_id(d, i);
        if (!ck_pipeline_in_shard(id, o->shard, o->n_shards))
            continue;
        row_of(d, i, row);
        ck_predict_extras x = extras_of(w, value, uplift, has_uplift, i);
        if (w->recommender && (rc = ck__picks_for(&picks, id, &x.n_recommended, err)) < 0)
            break;
        x.recommended = picks.top;
        rc = ck_predict_write_full_row(w, id, row, &x, eligible[i], contact[i], &buf, err);
        if (rc == CK_OK && buf.len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, &buf, err);
done:
    ck__picks_free(&picks);
    ck_predict_buffer_free(&buf);
    free(value);
    free(uplift);
    free(has_uplift);
    free(contact);
    free(eligible);
    free(row);
    ck_dataset_free(d);
    ck_features_free(table);
    return rc;
}
