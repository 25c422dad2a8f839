/*
 * Scoring with a value model: each customer's summary (from events as of a date, or a
 * summary table streamed in batches), P(alive), expected purchases over the horizon and,
 * with a spend model, expected spend and clv (ck_bgnbd_score()), one row each.
 */
#include "churnkit/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "pipeline/flush.h"
#include "pipeline/value_int.h"

/* Rows are written into a buffer, flushed to the file in pieces of this size. */
#define CK__FLUSH_BYTES (1 << 20)
/* Table rows scored at once: enough for the threads, little memory. */
#define BATCH_ROWS 65536

ck_clv_options ck_pipeline_clv_options(const ck_bgnbd_model *m, const ck_value_score_opts *o)
{
    return (ck_clv_options){ o->horizon_days / m->days_per_unit, 365.25 / m->days_per_unit,
                             o->annual_discount };
}

/* A batch of customers: their summaries, ids and scores. */
typedef struct batch {
    size_t n;
    double *x, *t_x, *T, *spend;
    double *p_alive, *expected, *expected_spend, *clv;
} batch;

static void batch_free(batch *b)
{
    double *arrays[] = { b->x,       b->t_x,    b->T,              b->spend,
                         b->p_alive, b->expected, b->expected_spend, b->clv };
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
}

static int batch_init(batch *b, size_t cap, ck_error *err)
{
    memset(b, 0, sizeof *b);
    double **arrays[] = { &b->x,       &b->t_x,      &b->T,              &b->spend,
                          &b->p_alive, &b->expected, &b->expected_spend, &b->clv };
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        if ((*arrays[k] = ck__alloc_array(cap + 1, sizeof(double))) == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return CK_OK;
}

static int score_batch(batch *b, const ck_bgnbd_model *m, const ck_value_score_opts *o,
                       ck_error *err)
{
    ck_clv_options clv = ck_pipeline_clv_options(m, o);
    ck_bgnbd_data d = { b->x, b->t_x, b->T, m->has_spend ? b->spend : NULL, b->n };
    ck_bgnbd_scores s = { b->p_alive, b->expected, m->has_spend ? b->expected_spend : NULL,
                          m->has_spend ? b->clv : NULL };
    int rc = ck_bgnbd_score(&m->purchases.params, m->has_spend ? &m->spend.params : NULL, &d,
                            &clv, o->n_threads, &s, err);
    return rc == CK_OK ? ck__value_check_scores(&m->purchases.params, b->expected, b->n, err) : rc;
}

static int write_row(const ck_bgnbd_model *m, const ck_value_score_opts *o, const char *id_name,
                     const char *id, const batch *b, size_t i, ck_predict_buffer *buf,
                     ck_error *err)
{
    ck_value_row row = { b->x[i],       b->t_x[i],       b->T[i],
                         m->has_spend ? b->spend[i] : NAN,
                         b->p_alive[i], b->expected[i],
                         m->has_spend ? b->expected_spend[i] : NAN,
                         m->has_spend ? b->clv[i] : NAN };
    return ck_value_write_row(m, o->jsonl, id_name, id, &row, buf, err);
}

static int value_model(const ck_bgnbd_model **out, const ck_model *model, ck_error *err)
{
    *out = ck_model_bgnbd(model);
    if (*out == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model gives no customer value",
                            ck_model_type_name(model));
    return CK_OK;
}

int ck_pipeline_value_score_events(const ck_events *ev, const ck_model *model, int64_t as_of,
                                   const ck_value_score_opts *o, FILE *out, const char *out_path,
                                   size_t *rows_out, ck_error *err)
{
    const ck_bgnbd_model *m;
    *rows_out = 0;
    int rc = value_model(&m, model, err);
    if (rc < 0)
        return rc;
    if (ck_model_spec_of(model)->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "this value model was trained on a summary table: score it with --table");
    ck_event_profile profile;
    ck_events_profile(ev, &profile);
    if (m->has_spend && !profile.has_amount)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the model values spend, but this log has no amounts: its clv would "
                            "be the population's mean for everyone");
    ck_value_summary s = { 0 };
    batch b = { 0 };
    ck_predict_buffer buf = { 0 };
    rc = ck_pipeline_value_summary(&s, ev, as_of, m->days_per_unit, m->has_spend, err);
    if (rc == CK_OK) {
        /* one batch of every customer, on the summary's arrays */
        b = (batch){ .n = s.n, .x = s.x, .t_x = s.t_x, .T = s.T, .spend = s.spend };
        s.x = s.t_x = s.T = s.spend = NULL;
        double **scores[] = { &b.p_alive, &b.expected, &b.expected_spend, &b.clv };
        for (size_t k = 0; k < 4 && rc == CK_OK; k++)
            if ((*scores[k] = ck__alloc_array(b.n + 1, sizeof(double))) == NULL)
                rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    if (rc == CK_OK)
        rc = score_batch(&b, m, o, err);
    if (rc == CK_OK)
        rc = ck_value_write_header(m, o->jsonl, "customer_id", &buf, err);
    for (size_t i = 0; rc == CK_OK && i < b.n; i++) {
        const char *id = ck_events_customer_id(ev, s.customer[i]);
        if (!ck_pipeline_in_shard(id, o->shard, o->n_shards))
            continue;
        rc = write_row(m, o, "customer_id", id, &b, i, &buf, err);
        if (rc == CK_OK && buf.len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, &buf, err);
    ck_predict_buffer_free(&buf);
    batch_free(&b);
    ck_value_summary_free(&s);
    return rc;
}

/* The ids of a table batch, copied (the stream's id lives until its next row). */
typedef struct id_list {
    char **ids;
    size_t n;
} id_list;

static void id_list_clear(id_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
    l->n = 0;
}

/* Score and write the batch, then empty it. */
static int write_batch(batch *b, id_list *ids, const ck_bgnbd_model *m,
                       const ck_value_score_opts *o, const char *id_name, FILE *out,
                       const char *out_path, ck_predict_buffer *buf, size_t *rows_out,
                       ck_error *err)
{
    int rc = b->n ? score_batch(b, m, o, err) : CK_OK;
    for (size_t i = 0; rc == CK_OK && i < b->n; i++) {
        rc = write_row(m, o, id_name, ids->ids[i], b, i, buf, err);
        if (rc == CK_OK && buf->len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, buf, err);
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, buf, err);
    *rows_out += b->n;
    b->n = 0;
    id_list_clear(ids);
    return rc;
}

int ck_pipeline_value_score_table(const char *path, const ck_model *model, const char *id_column,
                                  const ck_value_score_opts *o, FILE *out, const char *out_path,
                                  size_t *rows_out, ck_error *err)
{
    const ck_bgnbd_model *m;
    *rows_out = 0;
    int rc = value_model(&m, model, err);
    if (rc < 0)
        return rc;
    const ck_model_spec *spec = ck_model_spec_of(model);
    const ck_schema *schema = ck_model_schema(model);
    const char *id = id_column ? id_column : spec->id_column[0] ? spec->id_column : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, schema, 0 };
    size_t n_columns = ck_schema_n_features(schema);
    ck_table_stream *s = NULL;
    batch b = { 0 };
    id_list ids = { ck__alloc_array(BATCH_ROWS, sizeof(char *)), 0 };
    ck_predict_buffer buf = { 0 };
    float row[4], label;
    const char *row_id;
    rc = ids.ids ? batch_init(&b, BATCH_ROWS, err)
                 : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck_table_stream_open(&s, path, &topts, schema, err);
    if (rc == CK_OK)
        rc = ck_value_write_header(m, o->jsonl, ck_table_stream_id_name(s), &buf, err);
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &row_id, &label, err)) == 1) {
        rc = ck__value_check_row(row, n_columns, schema, path, ck_table_stream_line(s), err);
        if (rc < 0 || !ck_pipeline_in_shard(row_id, o->shard, o->n_shards))
            continue;
        size_t i = b.n;
        b.x[i] = row[0];
        b.t_x[i] = row[1];
        b.T[i] = row[2];
        b.spend[i] = n_columns == 4 ? row[3] : 0.0;
        if ((ids.ids[i] = strdup(row_id)) == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        ids.n = ++b.n;
        if (b.n == BATCH_ROWS)
            rc = write_batch(&b, &ids, m, o, ck_table_stream_id_name(s), out, out_path, &buf,
                             rows_out, err);
    }
    if (rc == CK_OK)
        rc = write_batch(&b, &ids, m, o, ck_table_stream_id_name(s), out, out_path, &buf, rows_out,
                         err);
    id_list_clear(&ids);
    free(ids.ids);
    ck_predict_buffer_free(&buf);
    batch_free(&b);
    ck_table_stream_free(s);
    return rc;
}
