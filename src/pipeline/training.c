/*
 * The rows a model is trained and validated on: feature tables as of each cutoff,
 * stacked into one dataset (DESIGN.md: training may stack several cutoffs), validated out
 * of time on a later cutoff or on a random part of the rows; and the training record
 * (cutoffs, inputs with their SHA-256, row counts) the model file keeps.
 *
 * The record also says what the log could support: its profile (event types, columns,
 * span), the features constant in the training rows (left out of the model: they carry
 * nothing the log has, and left in they would read as evidence), and warnings when a
 * cutoff looks back, or a feature window reaches, before the log's first event.
 */
#include "churnkit/pipeline.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"
#include "churnkit/sha256.h"
#include "churnkit/timestamp.h"
#include "pipeline/input_hash.h"
#include "pipeline/training_int.h"

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

static void add_warning(ck_model_training *t, const char *fmt, ...)
{
    if (t->n_warnings == CK_MODEL_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->warnings[t->n_warnings++], sizeof t->warnings[0], fmt, ap);
    va_end(ap);
}

/* A log shorter than the feature windows: the longer windows all hold the whole log. */
static void warn_log_span(ck_model_training *t, const ck_config *cfg)
{
    const ck_event_profile *p = &t->profile;
    int64_t span =
        (ck_ts_day_start(p->last_ts) - ck_ts_day_start(p->first_ts)) / CK__DAY_SECONDS + 1;
    int first_longer = CK_N_WINDOWS;
    while (first_longer > 0 && cfg->windows_days[first_longer - 1] > span)
        first_longer--;
    if (p->n_events == 0 || first_longer == CK_N_WINDOWS)
        return;
    char list[96] = "", from[16], to[16];
    size_t used = 0;
    for (int w = first_longer; w < CK_N_WINDOWS; w++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%d",
                                 w == first_longer       ? ""
                                 : w == CK_N_WINDOWS - 1 ? " and "
                                                         : ", ",
                                 cfg->windows_days[w]);
    ck_ts_format_date(p->first_ts, from);
    ck_ts_format_date(p->last_ts, to);
    add_warning(t,
                "the log spans %lld days (%s to %s), shorter than the feature window%s of %s "
                "days: windows_days in the config can set shorter ones",
                (long long)span, from, to, first_longer == CK_N_WINDOWS - 1 ? "" : "s", list);
}

/* A cutoff whose lookback (the population) or longest feature window starts before the
 * log's first day: its features and population see less history than they claim. */
static void warn_cutoff(ck_model_training *t, const ck_config *cfg, int64_t cutoff)
{
    const ck_event_profile *p = &t->profile;
    if (p->n_events == 0)
        return;
    int64_t first_day = ck_ts_day_start(p->first_ts);
    int64_t history = (cutoff - first_day) / CK__DAY_SECONDS;
    int window = cfg->windows_days[CK_N_WINDOWS - 1];
    char date[16], first[16];
    ck_ts_format_date(cutoff, date);
    ck_ts_format_date(p->first_ts, first);
    if (cutoff <= first_day) {
        add_warning(t, "cutoff %s: not after the log's first event (%s)", date, first);
        return;
    }
    bool lookback = cfg->lookback_days > history, windows = window > history;
    if (!lookback && !windows)
        return;
    char what[96];
    if (lookback && windows)
        snprintf(what, sizeof what, "the %d-day lookback and the %d-day feature window",
                 cfg->lookback_days, window);
    else if (lookback)
        snprintf(what, sizeof what, "the %d-day lookback", cfg->lookback_days);
    else
        snprintf(what, sizeof what, "the %d-day feature window", window);
    add_warning(t, "cutoff %s: the log starts %lld days before it (%s), less than %s", date,
                (long long)history, first, what);
}

/* Whether column j holds one value in every row (NaN counting as a value: a feature
 * missing everywhere is constant too). */
static bool is_constant(const ck_dataset *d, size_t j)
{
    const float *x = ck_dataset_column(d, j);
    size_t n = ck_dataset_n_rows(d);
    for (size_t i = 1; i < n; i++)
        if (!(x[i] == x[0] || (isnan(x[i]) && isnan(x[0]))))
            return false;
    return true;
}

int ck__pipeline_constant_features(ck_schema **kept_out, const ck_schema *full,
                                   const bool *constant, ck_model_training *t, ck_error *err)
{
    size_t n = ck_schema_n_features(full), n_constant = 0;
    *kept_out = NULL;
    t->n_constant_features = 0;
    for (size_t j = 0; j < n; j++)
        n_constant += constant[j];
    if (n_constant == 0 || n_constant == n || n_constant > CK_MODEL_MAX_CONSTANT)
        return CK_OK;
    ck_schema *kept = NULL;
    int rc = ck_schema_new(&kept, err);
    for (size_t j = 0; rc >= 0 && j < n; j++) {
        const char *name = ck_schema_name(full, j);
        if (constant[j]) {
            snprintf(t->constant_features[t->n_constant_features++], sizeof t->constant_features[0],
                     "%s", name);
            continue;
        }
        int at = ck_schema_add_feature(kept, name, ck_schema_kind(full, j), err);
        rc = at;
        for (size_t k = 0; rc >= 0 && k < ck_schema_n_levels(full, j); k++) {
            const char *level = ck_schema_level(full, j, k);
            rc = ck_schema_add_level(kept, (size_t)at, level, strlen(level), err);
        }
    }
    if (rc < 0) {
        ck_schema_free(kept);
        t->n_constant_features = 0;
        return rc;
    }
    *kept_out = kept;
    return CK_OK;
}

/* ck__pipeline_constant_features() of the features of d. */
static int constant_features(ck_schema **kept_out, const ck_dataset *d, ck_model_training *t,
                             ck_error *err)
{
    size_t n = ck_dataset_n_features(d);
    bool *constant = calloc(n + 1, sizeof *constant);
    if (constant == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t j = 0; j < n; j++)
        constant[j] = is_constant(d, j);
    int rc = ck__pipeline_constant_features(kept_out, ck_dataset_schema(d), constant, t, err);
    free(constant);
    return rc;
}

/* Leave the features constant in *train out of it (rebuilt from the tables against the
 * schema of the rest), listing them in the record. */
static int drop_constant(ck_dataset **train, ck_features *const *tables, size_t n_tables,
                         ck_model_training *t, ck_error *err)
{
    ck_schema *kept = NULL;
    ck_dataset *rebuilt = NULL;
    int rc = constant_features(&kept, *train, t, err);
    if (rc < 0 || kept == NULL)
        return rc;
    rc = ck_dataset_from_features(&rebuilt, (const ck_features *const *)tables, n_tables, true,
                                  kept, err);
    ck_schema_free(kept);
    if (rc < 0) {
        t->n_constant_features = 0;
        return rc;
    }
    ck_dataset_free(*train);
    *train = rebuilt;
    return CK_OK;
}

static int read_training_table(ck_dataset **out, const char *path, const ck_table_opts *opts,
                               ck_model_training *training, ck_error *err)
{
    ck_schema *kept = NULL;
    int rc = ck_dataset_read_table(out, path, opts, err);
    if (rc == CK_OK)
        rc = constant_features(&kept, *out, training, err);
    if (rc < 0 || kept == NULL)
        return rc;
    /* read again against the schema of the rest: the same cells, coded the same way */
    ck_table_opts again = *opts;
    again.schema = kept;
    ck_dataset *rebuilt = NULL;
    rc = ck_dataset_read_table(&rebuilt, path, &again, err);
    ck_schema_free(kept);
    if (rc < 0) {
        training->n_constant_features = 0;
        return rc;
    }
    ck_dataset_free(*out);
    *out = rebuilt;
    return CK_OK;
}

int ck_pipeline_training_table(ck_dataset **out, const char *path, const ck_table_opts *opts,
                               ck_model_training *training, ck_error *err)
{
    ck__input_hash hash;
    ck__input_hash_start(&hash, path);
    int rc = read_training_table(out, path, opts, training, err);
    int hashed = ck__input_hash_finish(&hash, rc == CK_OK, training, "table", err);
    if (rc == CK_OK && hashed < 0) {
        ck_dataset_free(*out);
        *out = NULL;
        rc = hashed;
    }
    return rc;
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
    if (rc == CK_OK)
        rc = drop_constant(train_out, tables, n_train, training, err);
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
        ck_events_profile(ev, &training->profile);
        training->has_profile = true;
        training->n_warnings = 0;
        warn_log_span(training, &spec->config);
        for (size_t i = 0; i < n_train; i++)
            warn_cutoff(training, &spec->config, train_cutoffs[i]);
        if (valid_cutoff)
            warn_cutoff(training, &spec->config, valid_cutoff);
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

int ck_pipeline_split_random_copy(ck_dataset **train_out, ck_dataset **valid_out,
                                  const ck_dataset *all, double fraction, uint64_t seed,
                                  ck_error *err)
{
    *train_out = *valid_out = NULL;
    uint8_t *mask = ck__held_out_mask(ck_dataset_n_rows(all), fraction, seed);
    if (mask == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    int rc = ck_dataset_split(all, mask, train_out, valid_out, err);
    free(mask);
    return rc;
}

int ck_pipeline_split_random(ck_dataset **train, ck_dataset **valid_out, double fraction,
                             uint64_t seed, ck_error *err)
{
    uint8_t *mask = ck__held_out_mask(ck_dataset_n_rows(*train), fraction, seed);
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

void ck__pipeline_count_labels(const float *labels, size_t n, size_t *rows, size_t *positives)
{
    *rows = labels ? n : 0;
    *positives = 0;
    for (size_t i = 0; labels && i < n; i++)
        *positives += labels[i] > 0.5f;
}

void ck_pipeline_count_rows(ck_model_training *training, const ck_dataset *train,
                            const ck_dataset *valid)
{
    ck__pipeline_count_labels(train ? ck_dataset_labels(train) : NULL,
                              train ? ck_dataset_n_rows(train) : 0, &training->rows,
                              &training->positives);
    ck__pipeline_count_labels(valid ? ck_dataset_labels(valid) : NULL,
                              valid ? ck_dataset_n_rows(valid) : 0, &training->valid_rows,
                              &training->valid_positives);
}

int ck__pipeline_add_input_hex(ck_model_training *training, const char *role, const char *path,
                               const char *hex, ck_error *err)
{
    if (training->n_inputs >= CK_MODEL_MAX_INPUTS)
        return ck_error_set(err, CK_EINVAL, path, 0, "more than %d input files",
                            CK_MODEL_MAX_INPUTS);
    ck_model_input *in = &training->inputs[training->n_inputs++];
    snprintf(in->role, sizeof in->role, "%s", role);
    snprintf(in->path, sizeof in->path, "%s", path);
    snprintf(in->sha256, sizeof in->sha256, "%s", hex);
    return CK_OK;
}

int ck_pipeline_add_input(ck_model_training *training, const char *role, const char *path,
                          ck_error *err)
{
    char hex[65];
    int rc = ck_sha256_file(hex, path, err);
    return rc < 0 ? rc : ck__pipeline_add_input_hex(training, role, path, hex, err);
}
