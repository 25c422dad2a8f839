/*
 * The rows a model is trained and validated on: feature tables as of each cutoff,
 * stacked into one dataset (DESIGN.md: training may stack several cutoffs), validated out
 * of time on a later cutoff or on a random part of the rows; and the training record
 * (cutoffs, inputs with their SHA-256, row counts) the model file keeps.
 */
#include "churnkit/pipeline.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/rng.h"
#include "churnkit/sha256.h"
#include "churnkit/timestamp.h"

int ck_pipeline_feature_tables(ck_features **tables, const ck_events *ev, const int64_t *cutoffs,
                               size_t n_cutoffs, const ck_features_opts *opts, ck_error *err)
{
    for (size_t i = 0; i < n_cutoffs; i++)
        tables[i] = NULL;
    for (size_t i = 0; i < n_cutoffs; i++) {
        int rc = ck_features_build(&tables[i], ev, cutoffs[i], opts, err);
        if (rc < 0) {
            for (size_t k = 0; k < i; k++) {
                ck_features_free(tables[k]);
                tables[k] = NULL;
            }
            return rc;
        }
    }
    return CK_OK;
}

/* The cutoff that validates: the one asked for, or out of time the latest of several. */
static int64_t validation_cutoff(const ck_pipeline_training_opts *o)
{
    int64_t valid_cutoff = o->valid_cutoff;
    if (!valid_cutoff && o->out_of_time && o->n_cutoffs > 1)
        for (size_t i = 0; i < o->n_cutoffs; i++)
            if (o->cutoffs[i] > valid_cutoff)
                valid_cutoff = o->cutoffs[i];
    return valid_cutoff;
}

static int no_label(const char *events_path, int64_t cutoff, const char *which, ck_error *err)
{
    char date[16];
    ck_ts_format_date(cutoff, date);
    return ck_error_set(err, CK_EINVAL, events_path, 0,
                        "no label as of %s%s: the churn horizon runs past the last event", which,
                        date);
}

/* Both calls: all_out, when asked for, gets every cutoff's rows (the training cutoffs',
 * then the validation cutoff's) coded against the training schema, for the refit. */
static int training_sets(ck_dataset **train_out, ck_dataset **valid_out, ck_dataset **all_out,
                         ck_model_spec *spec, ck_model_training *training, const ck_events *ev,
                         const ck_pipeline_training_opts *opts, ck_error *err)
{
    *train_out = NULL;
    *valid_out = NULL;
    if (all_out)
        *all_out = NULL;
    if (opts->n_cutoffs == 0 || opts->n_cutoffs > CK_MODEL_MAX_CUTOFFS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "between 1 and %d training cutoffs",
                            CK_MODEL_MAX_CUTOFFS);
    int64_t valid_cutoff = validation_cutoff(opts);
    int64_t train_cutoffs[CK_MODEL_MAX_CUTOFFS];
    size_t n_train = 0;
    for (size_t i = 0; i < opts->n_cutoffs; i++)
        if (opts->cutoffs[i] != valid_cutoff)
            train_cutoffs[n_train++] = opts->cutoffs[i];

    ck_features *tables[CK_MODEL_MAX_CUTOFFS] = { NULL };
    ck_features *valid_table = NULL;
    ck_features_opts fopts = { .config = &spec->config,
                               .customers = opts->customers,
                               .n_threads = opts->n_threads };
    int rc = ck_pipeline_feature_tables(tables, ev, train_cutoffs, n_train, &fopts, err);
    if (rc == CK_OK && valid_cutoff)
        rc = ck_features_build(&valid_table, ev, valid_cutoff, &fopts, err);
    for (size_t i = 0; rc == CK_OK && i < n_train; i++)
        if (!ck_features_has_label(tables[i]))
            rc = no_label(opts->events_path, train_cutoffs[i], "", err);
    if (rc == CK_OK && valid_table && !ck_features_has_label(valid_table))
        rc = no_label(opts->events_path, valid_cutoff, "the validation cutoff ", err);
    if (rc == CK_OK) {
        /* scoring later grades RFM against the training population's boundaries: keep
         * those of the latest training cutoff */
        size_t latest = 0;
        for (size_t i = 1; i < n_train; i++)
            if (train_cutoffs[i] > train_cutoffs[latest])
                latest = i;
        ck_features_rfm_bounds(tables[latest], spec->config.rfm_bounds);
        spec->config.has_rfm_bounds = true;
        rc = ck_dataset_from_features(train_out, (const ck_features *const *)tables, n_train, true,
                                      NULL, err);
    }
    if (rc == CK_OK && valid_table) {
        const ck_features *v[1] = { valid_table };
        rc = ck_dataset_from_features(valid_out, v, 1, true, ck_dataset_schema(*train_out), err);
    }
    if (rc == CK_OK && valid_table && all_out) {
        const ck_features *every[CK_MODEL_MAX_CUTOFFS + 1];
        for (size_t i = 0; i < n_train; i++)
            every[i] = tables[i];
        every[n_train] = valid_table;
        rc = ck_dataset_from_features(all_out, every, n_train + 1, true,
                                      ck_dataset_schema(*train_out), err);
    }
    if (rc == CK_OK) {
        for (size_t i = 0; i < n_train; i++)
            training->cutoffs[i] = train_cutoffs[i];
        training->n_cutoffs = n_train;
        training->valid_cutoff = valid_cutoff;
    } else {
        ck_dataset_free(*train_out);
        *train_out = NULL;
        ck_dataset_free(*valid_out);
        *valid_out = NULL;
        if (all_out) {
            ck_dataset_free(*all_out);
            *all_out = NULL;
        }
    }
    for (size_t i = 0; i < n_train; i++)
        ck_features_free(tables[i]);
    ck_features_free(valid_table);
    return rc;
}

int ck_pipeline_training_sets(ck_dataset **train_out, ck_dataset **valid_out, ck_model_spec *spec,
                              ck_model_training *training, const ck_events *ev,
                              const ck_pipeline_training_opts *opts, ck_error *err)
{
    return training_sets(train_out, valid_out, NULL, spec, training, ev, opts, err);
}

int ck_pipeline_refit_sets(ck_dataset **train_out, ck_dataset **valid_out, ck_dataset **all_out,
                           ck_model_spec *spec, ck_model_training *training, const ck_events *ev,
                           const ck_pipeline_training_opts *opts, ck_error *err)
{
    return training_sets(train_out, valid_out, all_out, spec, training, ev, opts, err);
}

/* The splitmix64 stream (Steele, Lea & Flood 2014) from seed ^ 0x5DEECE66D, one draw per
 * row: a row's side depends on its index and the seed alone. NULL when out of memory. */
static uint8_t *held_out_mask(size_t n, double fraction, uint64_t seed)
{
    uint8_t *mask = malloc(n + 1);
    uint64_t state = seed ^ 0x5DEECE66Dull;
    for (size_t i = 0; mask && i < n; i++)
        mask[i] = (double)(ck__splitmix64(&state) >> 11) * 0x1.0p-53 < fraction;
    return mask;
}

int ck_pipeline_split_random_copy(ck_dataset **train_out, ck_dataset **valid_out,
                                  const ck_dataset *all, double fraction, uint64_t seed,
                                  ck_error *err)
{
    *train_out = *valid_out = NULL;
    uint8_t *mask = held_out_mask(ck_dataset_n_rows(all), fraction, seed);
    if (mask == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck_dataset_split(all, mask, train_out, valid_out, err);
    free(mask);
    return rc;
}

int ck_pipeline_split_random(ck_dataset **train, ck_dataset **valid_out, double fraction,
                             uint64_t seed, ck_error *err)
{
    uint8_t *mask = held_out_mask(ck_dataset_n_rows(*train), fraction, seed);
    if (mask == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck_dataset *rest = NULL, *held_out = NULL;
    int rc = ck_dataset_split_consume(train, mask, &rest, &held_out, err);
    free(mask);
    if (rc < 0)
        return rc;
    *train = rest;
    *valid_out = held_out;
    return CK_OK;
}

static void count_labels(const ck_dataset *d, size_t *rows, size_t *positives)
{
    *rows = d ? ck_dataset_n_rows(d) : 0;
    *positives = 0;
    const float *y = d ? ck_dataset_labels(d) : NULL;
    for (size_t i = 0; y && i < *rows; i++)
        *positives += y[i] > 0.5f;
}

void ck_pipeline_count_rows(ck_model_training *training, const ck_dataset *train,
                            const ck_dataset *valid)
{
    count_labels(train, &training->rows, &training->positives);
    count_labels(valid, &training->valid_rows, &training->valid_positives);
}

int ck_pipeline_add_input(ck_model_training *training, const char *role, const char *path,
                          ck_error *err)
{
    if (training->n_inputs >= CK_MODEL_MAX_INPUTS)
        return ck_error_set(err, CK_EINVAL, path, 0, "more than %d input files",
                            CK_MODEL_MAX_INPUTS);
    ck_model_input *in = &training->inputs[training->n_inputs];
    snprintf(in->role, sizeof in->role, "%s", role);
    snprintf(in->path, sizeof in->path, "%s", path);
    int rc = ck_sha256_file(in->sha256, path, err);
    training->n_inputs += rc == CK_OK;
    return rc;
}
