/*
 * The rows an evaluation measures a model on: its own features and labels as of a
 * cutoff (events mode) or a labelled table read against its schema, the checks that keep
 * a comparison honest (same rows, out of time), and the recency baseline.
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "churnkit/timestamp.h"

int ck_pipeline_eval_set(ck_dataset **out, ck_features **table_out, const ck_model *model,
                         const char *model_path, const ck_events *ev,
                         const ck_customers *customers, int64_t cutoff, const char *events_path,
                         int n_threads, ck_error *err)
{
    *out = NULL;
    *table_out = NULL;
    const ck_model_spec *spec = ck_model_spec_of(model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, model_path, 0,
                            "this model was trained on a table: evaluate it with --table");
    ck_features_opts fopts = { .config = &spec->config, .customers = customers, .n_threads = n_threads };
    int rc = ck_features_build(table_out, ev, cutoff, &fopts, err);
    if (rc == CK_OK && !ck_features_has_label(*table_out)) {
        char date[16];
        ck_ts_format_date(cutoff, date);
        rc = ck_error_set(err, CK_EINVAL, events_path, 0,
                          "no labels as of %s: the churn horizon (%d days) runs past the last "
                          "event; choose an earlier --cutoff",
                          date, spec->config.gap_days + spec->config.horizon_days);
    }
    if (rc == CK_OK) {
        const ck_features *tables[1] = { *table_out };
        rc = ck_dataset_from_features(out, tables, 1, true, ck_model_schema(model), err);
    }
    if (rc < 0) {
        ck_features_free(*table_out);
        *table_out = NULL;
    }
    return rc;
}

int ck_pipeline_eval_table(ck_dataset **out, const ck_model *model, const char *path,
                           const char *label, const char *id, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(model);
    bool from_table = spec->source == CK_SOURCE_TABLE;
    if (label == NULL)
        label = from_table && spec->label_column[0] != 0 ? spec->label_column : "label";
    if (id == NULL && from_table && spec->id_column[0] != 0)
        id = spec->id_column;
    ck_table_opts topts = { label, id, NULL, 0, spec->config.delimiter, ck_model_schema(model) };
    return ck_dataset_read_table(out, path, &topts, err);
}

int64_t ck_pipeline_latest_cutoff(const ck_model *model)
{
    const ck_model_training *tr = ck_model_training_of(model);
    int64_t latest = tr->valid_cutoff;
    for (size_t i = 0; i < tr->n_cutoffs; i++)
        if (tr->cutoffs[i] > latest)
            latest = tr->cutoffs[i];
    return latest;
}

bool ck_pipeline_same_rows(const ck_dataset *a, const ck_dataset *b)
{
    size_t n = ck_dataset_n_rows(a);
    if (n != ck_dataset_n_rows(b))
        return false;
    const float *ya = ck_dataset_labels(a), *yb = ck_dataset_labels(b);
    if ((ya == NULL) != (yb == NULL))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((ya && ya[i] != yb[i]) ||
            strcmp(ck_dataset_row_id(a, i), ck_dataset_row_id(b, i)) != 0)
            return false;
    return true;
}

int ck_pipeline_recency_baseline(double **out, const ck_features *table, const ck_dataset *d,
                                 ck_error *err)
{
    *out = NULL;
    long j = ck_features_column_index(table, "recency_days");
    size_t n = ck_dataset_n_rows(d);
    if (j < 0 || ck_features_is_categorical(table, (size_t)j) || ck_features_n_rows(table) != n)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no recency_days column for the baseline");
    for (size_t i = 0; i < n; i++)
        if (strcmp(ck_features_row_id(table, i), ck_dataset_row_id(d, i)) != 0)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "the baseline's rows are out of step");
    *out = malloc((n + 1) * sizeof **out);
    if (*out == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    memcpy(*out, ck_features_values(table, (size_t)j), n * sizeof **out);
    return CK_OK;
}
