/*
 * Scoring with an uplift model: every customer's features (from events as of a date, or a
 * table streamed row by row), each arm's probability, each treatment arm's uplift and the
 * best arm, one row each (ck_uplift_write_row()).
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "pipeline/flush.h"

static int uplift_model(const ck_uplift **out, const ck_model *model, ck_error *err)
{
    *out = ck_model_uplift(model);
    if (*out == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "a %s model gives no uplift",
                            ck_model_type_name(model));
    return CK_OK;
}

int ck_pipeline_uplift_score_events(const ck_events *ev, const ck_customers *customers,
                                    const ck_model *model, int64_t as_of,
                                    const ck_uplift_score_opts *o, FILE *out, const char *out_path,
                                    size_t *rows_out, ck_error *err)
{
    const ck_uplift *u;
    *rows_out = 0;
    int rc = uplift_model(&u, model, err);
    if (rc < 0)
        return rc;
    if (ck_model_spec_of(model)->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "this uplift model was trained on a table: score it with --table");
    ck_features_opts fo = CK_FEATURES_OPTS_INIT;
    fo.config = &ck_model_spec_of(model)->config;
    fo.customers = customers;
    fo.all_customers = true;
    fo.no_label = true;
    fo.n_threads = o->n_threads;
    ck_features *table = NULL;
    ck_dataset *d = NULL;
    ck_predict_buffer buf = { 0 };
    size_t n_arms = ck_uplift_n_arms(u);
    double *p = NULL, *uplift = NULL;
    rc = ck_pipeline_feature_tables(&table, ev, &as_of, 1, &fo, err);
    if (rc == CK_OK)
        rc = ck_dataset_from_features(&d, (const ck_features *const *)&table, 1, false,
                                      ck_uplift_schema(u), err);
    size_t n = rc == CK_OK ? ck_dataset_n_rows(d) : 0;
    if (rc == CK_OK && ((p = ck__alloc_array(n * n_arms + 1, sizeof *p)) == NULL ||
                        (uplift = ck__alloc_array(n * n_arms + 1, sizeof *uplift)) == NULL))
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck_uplift_predict(u, d, p, uplift, o->n_threads, err);
    if (rc == CK_OK)
        rc = ck_uplift_write_header(u, o->jsonl, "customer_id", &buf, err);
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        const char *id = ck_dataset_row_id(d, i);
        if (!ck_pipeline_in_shard(id, o->shard, o->n_shards))
            continue;
        rc = ck_uplift_write_row(u, o->jsonl, "customer_id", id, p + i * n_arms,
                                 uplift + i * n_arms, &buf, err);
        if (rc == CK_OK && buf.len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, &buf, err);
    ck_predict_buffer_free(&buf);
    free(p);
    free(uplift);
    ck_dataset_free(d);
    ck_features_free(table);
    return rc;
}

int ck_pipeline_uplift_score_table(const char *path, const ck_model *model,
                                   const char *id_column, const ck_uplift_score_opts *o,
                                   FILE *out, const char *out_path, size_t *rows_out,
                                   ck_error *err)
{
    const ck_uplift *u;
    *rows_out = 0;
    int rc = uplift_model(&u, model, err);
    if (rc < 0)
        return rc;
    const ck_model_spec *spec = ck_model_spec_of(model);
    const ck_schema *schema = ck_uplift_schema(u);
    const char *id = id_column ? id_column : spec->id_column[0] ? spec->id_column : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, schema, 0 };
    ck_table_stream *s = NULL;
    ck_predict_buffer buf = { 0 };
    float *row = ck__alloc_array(ck_schema_n_features(schema) + 1, sizeof *row), label;
    double p[CK_UPLIFT_MAX_ARMS], uplift[CK_UPLIFT_MAX_ARMS];
    const char *row_id;
    rc = row ? ck_table_stream_open(&s, path, &topts, schema, err)
             : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck_uplift_write_header(u, o->jsonl, ck_table_stream_id_name(s), &buf, err);
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &row_id, &label, err)) == 1) {
        rc = CK_OK;
        if (!ck_pipeline_in_shard(row_id, o->shard, o->n_shards))
            continue;
        ck_uplift_score_row(u, row, p, uplift);
        rc = ck_uplift_write_row(u, o->jsonl, ck_table_stream_id_name(s), row_id, p, uplift, &buf,
                                 err);
        if (rc == CK_OK && buf.len >= CK__FLUSH_BYTES)
            rc = ck__flush_rows(out, out_path, &buf, err);
        ++*rows_out;
    }
    if (rc == CK_OK)
        rc = ck__flush_rows(out, out_path, &buf, err);
    ck_predict_buffer_free(&buf);
    ck_table_stream_free(s);
    free(row);
    return rc;
}
