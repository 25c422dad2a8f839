/*
 * Table mode for boosted stumps in a fraction of the memory (see pipeline.h): the table
 * read straight into bins (data/binned_table.h), its constant features left out as
 * ck_pipeline_training_table() leaves them out, the model trained and its population
 * learned from the bins.
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>

#include "data/binned_table.h"
#include "model/model_bins.h"
#include "pipeline/input_hash.h"
#include "pipeline/training_int.h"

struct ck_pipeline_bins {
    ck__binned_table table;
};

static int read_training_bins(ck_pipeline_bins **out, const char *path, const ck_table_opts *opts,
                              int max_bins, ck_model_training *training, ck_error *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    ck__binned_table *t = &(*out)->table;
    ck_schema *kept = NULL;
    int rc = ck__binned_table_read(t, path, opts, max_bins, err);
    if (rc == CK_OK)
        rc = ck__pipeline_constant_features(&kept, t->schema, t->constant, training, err);
    if (rc == CK_OK && kept != NULL && (rc = ck__binned_table_keep(t, kept, err)) < 0) {
        ck_schema_free(kept);
        training->n_constant_features = 0;
    }
    if (rc < 0) {
        ck_pipeline_bins_free(*out);
        *out = NULL;
        return rc;
    }
    training->rows = t->bins.n_rows;
    training->positives = 0;
    for (size_t i = 0; i < t->bins.n_rows; i++)
        training->positives += t->labels[i] > 0.5f;
    training->valid_rows = training->valid_positives = 0;
    return CK_OK;
}

int ck_pipeline_training_table_bins(ck_pipeline_bins **out, const char *path,
                                    const ck_table_opts *opts, int max_bins,
                                    ck_model_training *training, ck_error *err)
{
    ck__input_hash hash;
    ck__input_hash_start(&hash, path);
    int rc = read_training_bins(out, path, opts, max_bins, training, err);
    int hashed = ck__input_hash_finish(&hash, rc == CK_OK, training, "table", err);
    if (rc == CK_OK && hashed < 0) {
        ck_pipeline_bins_free(*out);
        *out = NULL;
        rc = hashed;
    }
    return rc;
}

int ck_pipeline_train_bins(ck_model **out, ck_model_type type, const void *params,
                           const ck_pipeline_bins *rows, const ck_model_spec *spec,
                           const ck_model_training *training, ck_progress_fn progress,
                           void *payload, ck_error *err)
{
    const ck__binned_table *t = &rows->table;
    return ck__model_train_bins(out, type, params, t->schema, &t->bins, t->labels, spec, training,
                                progress, payload, err);
}

int ck_pipeline_learn_population_bins(ck_model *model, const ck_pipeline_bins *rows, int n_threads,
                                      ck_error *err)
{
    const ck__binned_table *t = &rows->table;
    return ck__model_learn_population_bins(model, t->schema, &t->bins, n_threads, err);
}

void ck_pipeline_bins_free(ck_pipeline_bins *rows)
{
    if (rows == NULL)
        return;
    ck__binned_table_free(&rows->table);
    free(rows);
}
