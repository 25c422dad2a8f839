/*
 * The rows an evaluation measures a model on: its own features and labels as of a
 * cutoff (events mode) or a labelled table read against its schema, the checks that keep
 * a comparison honest (same rows, out of time), the recency baseline, and each row's
 * lifecycle stage (the features' lifecycle_stage column, or a table's), so the metrics can
 * be read stage by stage.
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/csv.h"
#include "churnkit/lifecycle.h"
#include "churnkit/timestamp.h"
#include "io/cell.h"

int ck_pipeline_eval_set(ck_dataset **out, ck_features **table_out, const ck_model *model,
                         const char *model_path, const ck_events *ev, const ck_customers *customers,
                         int64_t cutoff, const char *events_path, int n_threads, ck_error *err)
{
    *out = NULL;
    *table_out = NULL;
    const ck_model_spec *spec = ck_model_spec_of(model);
    if (spec->source != CK_SOURCE_EVENTS)
        return ck_error_set(err, CK_EINVAL, model_path, 0,
                            "this model was trained on a table: evaluate it with --table");
    ck_features_opts fopts = { .config = &spec->config,
                               .customers = customers,
                               .n_threads = n_threads };
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
                           const char *label, const char *id, int n_threads, ck_error *err)
{
    const ck_model_spec *spec = ck_model_spec_of(model);
    bool from_table = spec->source == CK_SOURCE_TABLE;
    if (label == NULL)
        label = from_table && spec->label_column[0] != 0 ? spec->label_column : "label";
    if (id == NULL && from_table && spec->id_column[0] != 0)
        id = spec->id_column;
    ck_table_opts topts = { label, id, NULL, 0, spec->config.delimiter, ck_model_schema(model),
                            n_threads };
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
        if ((ya && ya[i] != yb[i]) || strcmp(ck_dataset_row_id(a, i), ck_dataset_row_id(b, i)) != 0)
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

/* The static name of the stage called s[0..len), or NULL. */
static const char *stage_named(const char *s, size_t len)
{
    for (int k = 0; k < CK_STAGE_COUNT; k++) {
        const char *name = ck_stage_name((ck_stage)k);
        if (strlen(name) == len && memcmp(name, s, len) == 0)
            return name;
    }
    return NULL;
}

int ck_pipeline_eval_stages(const char ***out, const ck_features *table, const ck_dataset *d,
                            ck_error *err)
{
    *out = NULL;
    long j = ck_features_column_index(table, "lifecycle_stage");
    size_t n = ck_dataset_n_rows(d);
    if (j < 0 || !ck_features_is_categorical(table, (size_t)j))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no lifecycle_stage column");
    if (ck_features_n_rows(table) != n)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the stages' rows are out of step");
    const uint32_t *codes = ck_features_codes(table, (size_t)j);
    const char **stage = ck__alloc_array(n, sizeof *stage);
    if (stage == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ck_features_row_id(table, i), ck_dataset_row_id(d, i)) != 0) {
            free(stage);
            return ck_error_set(err, CK_EINVAL, NULL, 0, "the stages' rows are out of step");
        }
        /* features always give a stage; a missing code would be a bug upstream */
        const char *level =
            codes[i] == CK_MISSING_CODE ? NULL : ck_features_level(table, (size_t)j, codes[i]);
        stage[i] = level ? stage_named(level, strlen(level)) : NULL;
        if (stage[i] == NULL) {
            free(stage);
            return ck_error_set(err, CK_EINVAL, NULL, 0, "customer %s has no lifecycle stage",
                                ck_features_row_id(table, i));
        }
    }
    *out = stage;
    return CK_OK;
}

/* The index of the trimmed header cell called name, or -1. */
static long header_index(const ck_csv_row *row, const char *name)
{
    for (size_t c = 0; c < row->n_fields; c++) {
        const char *s = row->fields[c];
        size_t len = row->lengths[c];
        ck__cell_trim(&s, &len);
        if (len == strlen(name) && memcmp(s, name, len) == 0)
            return (long)c;
    }
    return -1;
}

int ck_pipeline_eval_table_stages(const char ***out, const ck_model *model, const char *path,
                                  const ck_dataset *d, ck_error *err)
{
    *out = NULL;
    size_t n = ck_dataset_n_rows(d), i = 0;
    const char **stage = NULL;
    ck_csv *csv = NULL;
    ck_csv_row row;
    int rc = ck_csv_open(&csv, path, ck_model_spec_of(model)->config.delimiter, err);
    if (rc < 0)
        return rc;
    if ((rc = ck_csv_next(csv, &row, err)) <= 0)
        goto done; /* an empty file: ck_pipeline_eval_table() has said so already */
    long j = header_index(&row, "lifecycle_stage");
    if (j < 0)
        goto done;
    if ((stage = ck__alloc_array(n, sizeof *stage)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    while ((rc = ck_csv_next(csv, &row, err)) == 1) {
        if (i == n || (size_t)j >= row.n_fields) {
            rc = ck_error_set(err, CK_EINVAL, path, row.line, "the stages' rows are out of step");
            goto done;
        }
        const char *s = row.fields[j];
        size_t len = row.lengths[j];
        ck__cell_trim(&s, &len);
        if ((stage[i++] = stage_named(s, len)) == NULL) {
            rc = ck_error_set(err, CK_EPARSE, path, row.line,
                              "bad lifecycle stage \"%.*s\" in column \"lifecycle_stage\" "
                              "(expected prospect, new, active, dormant or churned)",
                              (int)(len > 64 ? 64 : len), s);
            goto done;
        }
    }
    if (rc == 0 && i != n)
        rc = ck_error_set(err, CK_EINVAL, path, 0, "the stages' rows are out of step");
done:
    ck_csv_free(csv);
    if (rc < 0) {
        free(stage);
        return rc;
    }
    *out = stage; /* NULL without the column */
    return CK_OK;
}
