/*
 * Table mode for boosted stumps in a fraction of the memory (see pipeline.h): the table
 * read straight into bins (data/binned_table.h), its constant features left out as
 * ck_pipeline_training_table() leaves them out, the model trained and its population
 * learned from the bins. With validation rows held out, the selection is trained on the
 * split's bins; a refit then reads the table again, into bins of every row.
 */
#include "churnkit/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "data/binned_table.h"
#include "model/model_bins.h"
#include "pipeline/input_hash.h"
#include "pipeline/training_int.h"

struct ck_pipeline_bins {
    ck__binned_table table; /* the split's rows; after a refit, every row */
    char *path;
    ck_table_opts opts;
    int max_bins;
    ck_pipeline_holdout holdout;
};

/* The table in bins (split as rows->holdout says when `split`), its constant features
 * left out and listed in *training with its rows and positives. */
static int read_training_bins(ck_pipeline_bins *rows, bool split, ck_model_training *training,
                              ck_error *err)
{
    ck__binned_table *t = &rows->table;
    const ck_pipeline_holdout *h = &rows->holdout;
    ck_schema *kept = NULL;
    int rc = split ? ck__binned_table_read_split(t, rows->path, &rows->opts, rows->max_bins,
                                                 h->fraction, h->seed, err)
                   : ck__binned_table_read(t, rows->path, &rows->opts, rows->max_bins, err);
    if (rc == CK_OK)
        rc = ck__pipeline_constant_features(&kept, t->schema, t->constant, training, err);
    if (rc == CK_OK && kept != NULL && (rc = ck__binned_table_keep(t, kept, err)) < 0) {
        ck_schema_free(kept);
        training->n_constant_features = 0;
    }
    if (rc < 0) {
        ck__binned_table_free(t);
        return rc;
    }
    ck__pipeline_count_labels(t->labels, t->bins.n_rows, &training->rows, &training->positives);
    ck__pipeline_count_labels(t->held_out_labels, t->held_out.n_rows, &training->valid_rows,
                              &training->valid_positives);
    return CK_OK;
}

int ck_pipeline_training_table_bins(ck_pipeline_bins **out, const char *path,
                                    const ck_table_opts *opts, int max_bins,
                                    const ck_pipeline_holdout *holdout, ck_model_training *training,
                                    ck_error *err)
{
    ck_pipeline_bins *rows = *out = calloc(1, sizeof **out);
    if (rows == NULL || (rows->path = strdup(path)) == NULL) {
        ck_pipeline_bins_free(rows);
        *out = NULL;
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    rows->opts = *opts;
    rows->max_bins = max_bins;
    if (holdout != NULL)
        rows->holdout = *holdout;
    ck__input_hash hash;
    ck__input_hash_start(&hash, path);
    int rc = read_training_bins(rows, rows->holdout.fraction > 0, training, err);
    int hashed = ck__input_hash_finish(&hash, rc == CK_OK, training, "table", err);
    if (rc == CK_OK && hashed < 0)
        rc = hashed;
    if (rc < 0) {
        ck_pipeline_bins_free(rows);
        *out = NULL;
    }
    return rc;
}

/* ck__bins_source.get for a refit: the split's bins freed, the table read again into bins
 * of every row, with the schema and edges the split's first pass found. */
static int all_rows(void *ctx, ck__labelled_bins *all, ck_error *err)
{
    ck_pipeline_bins *rows = ctx;
    ck__binned_table *t = &rows->table;
    int rc = ck__binned_table_read_every_row(t, rows->path, &rows->opts, err);
    *all = (ck__labelled_bins){ &t->bins, t->labels };
    return rc;
}

int ck_pipeline_train_bins(ck_model **out, ck_model_type type, const void *params,
                           ck_pipeline_bins *rows, const ck_model_spec *spec,
                           const ck_model_training *training, ck_progress_fn progress,
                           void *payload, ck_error *err)
{
    const ck__binned_table *t = &rows->table;
    ck__labelled_bins train = { &t->bins, t->labels };
    ck__labelled_bins valid = { &t->held_out, t->held_out_labels };
    ck__bins_source all = { all_rows, rows };
    bool split = rows->holdout.fraction > 0;
    return ck__model_train_refit_bins(out, type, params, t->schema, &train, split ? &valid : NULL,
                                      rows->holdout.refit ? &all : NULL, spec, training, progress,
                                      payload, err);
}

int ck_pipeline_learn_population_bins(ck_model *model, const ck_pipeline_bins *rows, int n_threads,
                                      ck_error *err)
{
    /* the rows the model was fit on: after a refit, every row (all_rows() read them) */
    const ck__binned_table *t = &rows->table;
    return ck__model_learn_population_bins(model, t->schema, &t->bins, n_threads, err);
}

void ck_pipeline_bins_free(ck_pipeline_bins *rows)
{
    if (rows == NULL)
        return;
    ck__binned_table_free(&rows->table);
    free(rows->path);
    free(rows);
}
