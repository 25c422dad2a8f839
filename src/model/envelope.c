/*
 * The model file's envelope: a model as JSON and back (models/FORMAT.md is the
 * specification, models/schema.json its JSON Schema). The envelope is every member that
 * all model types share (format, versions, features, feature spec, training record, the
 * shared metrics); "params", the learner's metrics and "body" are written and read by the
 * model's learner (learner.h), through the same JSON layer (io/json.h).
 *
 * Every number is written exactly ("%.17g" or shorter when that reads back the same);
 * NaN and infinities have no JSON form and are refused, naming the field; the one
 * exception is a metric that was not measured (a NaN validation AUC without validation
 * data), written as null.
 *
 * Reading checks everything before anything is used: the file is JSON, it is a churnkit
 * model, its format_version is one this reader knows, its model_type is a registered
 * learner, and every field has its type and range. Each failure is one message naming the
 * field by its JSON path (`body.stumps[3].threshold: expected a number`). The feature
 * spec's config is read by config.c under the rules of a config file.
 *
 * Members this reader does not know are ignored: a later churnkit may add a member that
 * an older reader can safely skip without changing format_version (FORMAT.md,
 * "Versioning"). The config is the exception: an unknown setting there would change the
 * features, so config.c refuses it.
 */
#include "churnkit/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/events.h"
#include "churnkit/timestamp.h"
#include "churnkit/version.h"
#include "config/config_json.h"
#include "io/json.h"
#include "model/model_int.h"
#include "model/registry.h"

#define FORMAT_NAME "churnkit-model"

/* ---- writing ------------------------------------------------------------------------ */

/* The config in the config-file format, so that it reads back through config.c. */
static void write_config(ck__json_writer *w, ck__json *spec, const ck_config *cfg)
{
    ck__json *c = ck__json_put(w, spec, "config", ck__json_new_object(w));
    char delimiter[2] = { cfg->delimiter, '\0' };
    ck__json_put(w, c, "delimiter", ck__json_new_string(w, delimiter));
    /* every column, renamed or not: the file says in full what it reads */
    ck__json *columns = ck__json_put(w, c, "columns", ck__json_new_object(w));
    for (int col = 0; col < CK_COL_COUNT; col++) {
        /* the item column only when renamed: a file without it reads as "item" (or as no
         * item column when another column took that name), so a model that does not use
         * items is written as before it existed and older readers still read it */
        if (col == CK_COL_ITEM && (cfg->column_names[col][0] == '\0' ||
                                   strcmp(cfg->column_names[col], ck_event_column_name(col)) == 0))
            continue;
        ck__json_put(w, columns, cfg->column_names[col],
                     ck__json_new_string(w, ck_event_column_name(col)));
    }
    ck__json *aliases = ck__json_put(w, c, "event_aliases", ck__json_new_object(w));
    for (size_t i = 0; i < cfg->n_aliases; i++) {
        const char *event = ck_event_type_name(cfg->aliases[i].event);
        if (event == NULL)
            ck__json_fail_write(w, CK_EINVAL,
                                "feature_spec.config.event_aliases: \"%s\" has no event type",
                                cfg->aliases[i].alias);
        else
            ck__json_put(w, aliases, cfg->aliases[i].alias, ck__json_new_string(w, event));
    }
    ck__json *churn = ck__json_put(w, c, "churn", ck__json_new_object(w));
    ck__json_put(w, churn, "lookback_days", ck__json_new_integer(w, cfg->lookback_days));
    ck__json_put(w, churn, "horizon_days", ck__json_new_integer(w, cfg->horizon_days));
    ck__json_put(w, churn, "gap_days", ck__json_new_integer(w, cfg->gap_days));
    ck__json *lifecycle = ck__json_put(w, c, "lifecycle", ck__json_new_object(w));
    ck__json_put(w, lifecycle, "new_days", ck__json_new_integer(w, cfg->new_days));
    ck__json_put(w, lifecycle, "active_days", ck__json_new_integer(w, cfg->active_days));
    ck__json_put(w, lifecycle, "dormant_days", ck__json_new_integer(w, cfg->dormant_days));
    ck__json *rfm = ck__json_put(w, c, "rfm", ck__json_new_object(w));
    if (cfg->has_rfm_bounds) {
        static const char *const keys[3] = { "recency_bounds", "frequency_bounds",
                                             "monetary_bounds" };
        for (int d = 0; d < 3; d++) {
            ck__json *bounds = ck__json_put(w, rfm, keys[d], ck__json_new_array(w));
            for (int k = 0; k < 4; k++)
                ck__json_put(w, bounds, NULL,
                             ck__json_new_number(w, cfg->rfm_bounds[d][k],
                                                 "feature_spec.config.rfm.%s[%d]", keys[d], k));
        }
    }
    ck__json *segments = ck__json_put(w, rfm, "segments", ck__json_new_array(w));
    for (int r = 0; r < 5; r++) {
        ck__json *row = ck__json_put(w, segments, NULL, ck__json_new_array(w));
        for (int f = 0; f < 5; f++)
            ck__json_put(w, row, NULL, ck__json_new_string(w, cfg->rfm_segments[r][f]));
    }
    ck__json *channels = ck__json_put(w, c, "channels", ck__json_new_array(w));
    for (size_t i = 0; i < cfg->n_channels; i++)
        ck__json_put(w, channels, NULL, ck__json_new_string(w, cfg->channels[i]));
    /* only when configured: a file with the default windows reads as it always did */
    if (!ck_config_default_windows(cfg)) {
        ck__json *windows = ck__json_put(w, c, "windows_days", ck__json_new_array(w));
        for (int k = 0; k < CK_N_WINDOWS; k++)
            ck__json_put(w, windows, NULL, ck__json_new_integer(w, cfg->windows_days[k]));
    }
}

static void write_spec(ck__json_writer *w, ck__json *root, const ck_model_spec *spec,
                       const ck_schema *schema)
{
    ck__json *s = ck__json_put(w, root, "feature_spec", ck__json_new_object(w));
    ck__json_put(w, s, "source",
                 ck__json_new_string(w, spec->source == CK_SOURCE_EVENTS ? "events" : "table"));
    write_config(w, s, &spec->config);
    ck__json_put(w, s, "id_column", ck__json_new_string(w, spec->id_column));
    ck__json_put(w, s, "label_column", ck__json_new_string(w, spec->label_column));
    ck__json *features = ck__json_put(w, s, "schema", ck__json_new_array(w));
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        ck__json *f = ck__json_put(w, features, NULL, ck__json_new_object(w));
        ck__json_put(w, f, "name", ck__json_new_string(w, ck_schema_name(schema, j)));
        bool categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        ck__json_put(w, f, "kind", ck__json_new_string(w, categorical ? "categorical" : "numeric"));
        if (!categorical)
            continue;
        ck__json *levels = ck__json_put(w, f, "levels", ck__json_new_array(w));
        for (size_t k = 0; k < ck_schema_n_levels(schema, j); k++)
            ck__json_put(w, levels, NULL, ck__json_new_string(w, ck_schema_level(schema, j, k)));
    }
}

/* The training log's profile: its counts, the event types it has (only those), the
 * optional columns with values, its first and last event (as a day and in Unix seconds). */
static void write_profile(ck__json_writer *w, ck__json *training, const ck_event_profile *p)
{
    ck__json *o = ck__json_put(w, training, "profile", ck__json_new_object(w));
    ck__json_put(w, o, "events", ck__json_new_integer(w, (long long)p->n_events));
    ck__json_put(w, o, "customers", ck__json_new_integer(w, (long long)p->n_customers));
    ck__json *types = ck__json_put(w, o, "event_counts", ck__json_new_object(w));
    for (int e = 0; e < CK_EV_COUNT; e++)
        if (p->event_counts[e] > 0)
            ck__json_put(w, types, ck_event_type_name(e),
                         ck__json_new_integer(w, (long long)p->event_counts[e]));
    ck__json *columns = ck__json_put(w, o, "columns", ck__json_new_array(w));
    const bool has[3] = { p->has_amount, p->has_channel, p->has_category };
    for (int k = 0; k < 3; k++)
        if (has[k])
            ck__json_put(w, columns, NULL,
                         ck__json_new_string(w, ck_event_column_name(CK_COL_AMOUNT + k)));
    char date[16];
    ck_ts_format_date(p->first_ts, date);
    ck__json_put(w, o, "first_event", ck__json_new_string(w, date));
    ck__json_put(w, o, "first_event_unix", ck__json_new_integer(w, p->first_ts));
    ck_ts_format_date(p->last_ts, date);
    ck__json_put(w, o, "last_event", ck__json_new_string(w, date));
    ck__json_put(w, o, "last_event_unix", ck__json_new_integer(w, p->last_ts));
}

/* Cutoffs twice: as integers (Unix seconds, what the feature builder used) and as dates
 * for people; a reader checks that they agree. */
static void write_training(ck__json_writer *w, ck__json *root, const ck_model_training *t)
{
    ck__json *o = ck__json_put(w, root, "training", ck__json_new_object(w));
    ck__json_put(w, o, "rows", ck__json_new_integer(w, (long long)t->rows));
    ck__json_put(w, o, "positives", ck__json_new_integer(w, (long long)t->positives));
    ck__json_put(w, o, "valid_rows", ck__json_new_integer(w, (long long)t->valid_rows));
    ck__json_put(w, o, "valid_positives", ck__json_new_integer(w, (long long)t->valid_positives));
    if (t->n_cutoffs > CK_MODEL_MAX_CUTOFFS || t->n_inputs > CK_MODEL_MAX_INPUTS)
        ck__json_fail_write(w, CK_EINVAL, "training: too many cutoffs or inputs");
    char date[16];
    ck__json *dates = ck__json_put(w, o, "cutoffs", ck__json_new_array(w));
    for (size_t i = 0; i < t->n_cutoffs && w->rc == CK_OK; i++) {
        ck_ts_format_date(t->cutoffs[i], date);
        ck__json_put(w, dates, NULL, ck__json_new_string(w, date));
    }
    ck__json *unix_times = ck__json_put(w, o, "cutoffs_unix", ck__json_new_array(w));
    for (size_t i = 0; i < t->n_cutoffs && w->rc == CK_OK; i++)
        ck__json_put(w, unix_times, NULL, ck__json_new_integer(w, t->cutoffs[i]));
    if (t->valid_cutoff != 0) {
        ck_ts_format_date(t->valid_cutoff, date);
        ck__json_put(w, o, "valid_cutoff", ck__json_new_string(w, date));
        ck__json_put(w, o, "valid_cutoff_unix", ck__json_new_integer(w, t->valid_cutoff));
    } else {
        ck__json_put(w, o, "valid_cutoff", ck__json_new_null(w));
        ck__json_put(w, o, "valid_cutoff_unix", ck__json_new_null(w));
    }
    ck__json *inputs = ck__json_put(w, o, "inputs", ck__json_new_array(w));
    for (size_t i = 0; i < t->n_inputs && w->rc == CK_OK; i++) {
        ck__json *in = ck__json_put(w, inputs, NULL, ck__json_new_object(w));
        ck__json_put(w, in, "role", ck__json_new_string(w, t->inputs[i].role));
        ck__json_put(w, in, "path", ck__json_new_string(w, t->inputs[i].path));
        ck__json_put(w, in, "sha256", ck__json_new_string(w, t->inputs[i].sha256));
    }
    if (t->has_refit) {
        /* the setting validation chose: a stumps model's rounds, or logreg's C */
        ck__json *refit = ck__json_put(w, o, "refit", ck__json_new_object(w));
        if (t->refit.rounds > 0)
            ck__json_put(w, refit, "rounds", ck__json_new_integer(w, t->refit.rounds));
        else
            ck__json_put(w, refit, "C", ck__json_new_number(w, t->refit.C, "training.refit.C"));
        ck__json_put(w, refit, "rows", ck__json_new_integer(w, (long long)t->refit.rows));
    }
    if (t->has_profile)
        write_profile(w, o, &t->profile);
    if (t->n_constant_features > CK_MODEL_MAX_CONSTANT || t->n_warnings > CK_MODEL_MAX_WARNINGS)
        ck__json_fail_write(w, CK_EINVAL, "training: too many constant features or warnings");
    if (t->has_profile || t->n_constant_features > 0) {
        ck__json *constant = ck__json_put(w, o, "constant_features", ck__json_new_array(w));
        for (size_t i = 0; i < t->n_constant_features && w->rc == CK_OK; i++)
            ck__json_put(w, constant, NULL, ck__json_new_string(w, t->constant_features[i]));
    }
    if (t->has_profile || t->n_warnings > 0) {
        ck__json *warnings = ck__json_put(w, o, "warnings", ck__json_new_array(w));
        for (size_t i = 0; i < t->n_warnings && w->rc == CK_OK; i++)
            ck__json_put(w, warnings, NULL, ck__json_new_string(w, t->warnings[i]));
    }
}

/* The metrics of every model, between the learner's own (learner.h). */
static void write_metrics(ck__json_writer *w, ck__json *root, const ck_model *model)
{
    const ck_model_training *t = &model->training;
    const ck__learner *learner = model->learner;
    ck__json *m = ck__json_put(w, root, "metrics", ck__json_new_object(w));
    ck__learner_metrics lm;
    ck__model_metrics_of(&lm, t);
    if (learner->write_metrics_head != NULL)
        learner->write_metrics_head(model->fit, &lm, w, m);
    ck__json_put(w, m, "train_logloss",
                 ck__json_new_metric(w, t->train_logloss, "metrics.train_logloss"));
    ck__json_put(w, m, "valid_logloss",
                 ck__json_new_metric(w, t->valid_logloss, "metrics.valid_logloss"));
    ck__json_put(w, m, "train_auc", ck__json_new_metric(w, t->train_auc, "metrics.train_auc"));
    ck__json_put(w, m, "valid_auc", ck__json_new_metric(w, t->valid_auc, "metrics.valid_auc"));
    if (t->has_score_percentiles) {
        ck__json *q = ck__json_put(w, m, "score_percentiles", ck__json_new_array(w));
        for (int k = 0; k < CK_SCORE_QUANTILES && w->rc == CK_OK; k++)
            ck__json_put(w, q, NULL,
                         ck__json_new_number(w, t->score_percentiles[k], "score_percentiles"));
        ck__json *stages = ck__json_put(w, m, "stage_score_percentiles", ck__json_new_object(w));
        for (size_t s = 0; s < t->n_stage_percentiles && w->rc == CK_OK; s++) {
            ck__json *sq = ck__json_put(w, stages, t->stage_names[s], ck__json_new_array(w));
            for (int k = 0; k < CK_SCORE_QUANTILES && w->rc == CK_OK; k++)
                ck__json_put(
                    w, sq, NULL,
                    ck__json_new_number(w, t->stage_percentiles[s][k], "stage_score_percentiles"));
        }
    }
    if (model->contribution_means != NULL) {
        ck__json *means = ck__json_put(w, m, "contribution_means", ck__json_new_array(w));
        for (size_t j = 0; j < ck_schema_n_features(ck_model_schema(model)) && w->rc == CK_OK; j++)
            ck__json_put(
                w, means, NULL,
                ck__json_new_number(w, model->contribution_means[j], "contribution_means"));
    }
    if (learner->write_metrics_tail != NULL)
        learner->write_metrics_tail(model->fit, &lm, w, m);
}

int ck_model_save(const ck_model *model, FILE *out, ck_error *err)
{
    ck__json_writer w = { CK_OK, err };
    const ck_schema *schema = ck_model_schema(model);
    const ck__learner *learner = model->learner;
    ck__json *root = ck__json_new_object(&w);
    if (root == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ck__json_put(&w, root, "format", ck__json_new_string(&w, FORMAT_NAME));
    ck__json_put(&w, root, "format_version", ck__json_new_integer(&w, CK_MODEL_FORMAT_VERSION));
    ck__json_put(&w, root, "model_type", ck__json_new_string(&w, learner->name));
    ck__json_put(&w, root, "created_at", ck__json_new_string(&w, model->training.created_at));
    ck__json_put(&w, root, "toolkit_version", ck__json_new_string(&w, ck_version()));
    ck__json *features = ck__json_put(&w, root, "features", ck__json_new_array(&w));
    for (size_t j = 0; j < ck_schema_n_features(schema); j++)
        ck__json_put(&w, features, NULL, ck__json_new_string(&w, ck_schema_name(schema, j)));
    write_spec(&w, root, &model->spec, schema);
    ck__json *params = ck__json_put(&w, root, "params", ck__json_new_object(&w));
    if (w.rc == CK_OK)
        learner->write_params(model->fit, &w, params);
    write_training(&w, root, &model->training);
    write_metrics(&w, root, model);
    ck__json *body = ck__json_put(&w, root, "body", ck__json_new_object(&w));
    if (w.rc == CK_OK)
        learner->write_body(model->fit, &w, body);
    int rc = w.rc;
    if (rc == CK_OK)
        rc = ck__json_write(root, out, err);
    ck__json_free(root);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

/* "format", "format_version" and "model_type", in the order that gives the clearest
 * message: a file from a newer churnkit is named as such before any field of it is
 * judged by the rules of this version. */
static int read_header(const ck__json_reader *r, const ck__json *root,
                       const ck__learner **learner_out, ck_model_training *t)
{
    const ck__json *format = ck__json_get(root, "format");
    if (!ck__json_is_string(format) || strcmp(ck__json_string(format), FORMAT_NAME) != 0)
        return ck__json_fail(r, CK_EINVAL, "not a churnkit model");
    char path[CK__JSON_PATH_LEN];
    const ck__json *version = ck__json_member(r, root, "", "format_version", path);
    if (version == NULL)
        return CK_EINVAL;
    double v = ck__json_number(version);
    if (!(v >= 1 && v == floor(v)))
        return ck__json_fail(r, CK_EINVAL, "format_version: expected a whole number from 1");
    if (v > CK_MODEL_FORMAT_VERSION)
        return ck__json_fail(
            r, CK_EVERSION,
            "written by a newer churnkit (format_version %.17g; this one reads up to %d)", v,
            CK_MODEL_FORMAT_VERSION);
    const char *type;
    const ck__json *it = ck__json_member(r, root, "", "model_type", path);
    int rc = it ? ck__json_want_string(r, it, path, &type) : CK_EINVAL;
    if (rc < 0)
        return rc;
    *learner_out = ck__learner_find(type);
    if (*learner_out == NULL) {
        char names[128] = "";
        size_t used = 0;
        for (size_t i = 0; i < ck__learner_count() && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     ck__learner_at(i)->name);
        return ck__json_fail(r, CK_EINVAL,
                             "model_type: \"%s\" is not a model type this churnkit reads (%s)",
                             type, names);
    }
    char version_text[32];
    if ((rc = ck__json_get_string(r, root, "", "created_at", t->created_at, sizeof t->created_at)) <
            0 ||
        (rc = ck__json_get_string(r, root, "", "toolkit_version", version_text,
                                  sizeof version_text)) < 0)
        return rc;
    return CK_OK;
}

/* One feature of feature_spec.schema, appended to `schema`. */
static int read_feature(const ck__json_reader *r, const ck__json *f, const char *at,
                        ck_schema *schema)
{
    char path[CK__JSON_PATH_LEN];
    const char *name, *kind;
    const ck__json *it;
    int rc;
    if (!ck__json_is_object(f))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", at);
    if ((it = ck__json_member(r, f, at, "name", path)) == NULL)
        return CK_EINVAL;
    /* any string, "" included: a table's unnamed column (a saved index) is a feature */
    if ((rc = ck__json_want_string(r, it, path, &name)) < 0)
        return rc;
    if (ck_schema_find(schema, name) >= 0)
        return ck__json_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", path, name);
    if ((it = ck__json_member(r, f, at, "kind", path)) == NULL)
        return CK_EINVAL;
    if ((rc = ck__json_want_string(r, it, path, &kind)) < 0)
        return rc;
    ck_feature_kind k;
    if (strcmp(kind, "numeric") == 0)
        k = CK_FEATURE_NUMERIC;
    else if (strcmp(kind, "categorical") == 0)
        k = CK_FEATURE_CATEGORICAL;
    else
        return ck__json_fail(r, CK_EINVAL,
                             "%s: expected \"numeric\" or \"categorical\", got \"%s\"", path, kind);
    int j = ck_schema_add_feature(schema, name, k, r->err);
    if (j < 0)
        return j;

    ck__json_path_key(path, at, "levels");
    const ck__json *levels = ck__json_get(f, "levels");
    if (k == CK_FEATURE_NUMERIC) {
        if (levels != NULL && !(ck__json_is_array(levels) && ck__json_size(levels) == 0))
            return ck__json_fail(r, CK_EINVAL, "%s: a numeric feature has no levels", path);
        return CK_OK;
    }
    if (levels == NULL)
        return ck__json_fail(r, CK_EINVAL, "%s: missing", path);
    if (!ck__json_is_array(levels))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an array", path);
    size_t i = 0;
    for (const ck__json *level = ck__json_child(levels); level; level = ck__json_next(level), i++) {
        char level_path[CK__JSON_PATH_LEN];
        const char *s;
        ck__json_path_index(level_path, path, i);
        if ((rc = ck__json_want_string(r, level, level_path, &s)) < 0)
            return rc;
        int code = ck_schema_add_level(schema, (size_t)j, s, strlen(s), r->err);
        if (code < 0)
            return code;
        if ((size_t)code != i)
            return ck__json_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", level_path, s);
    }
    return CK_OK;
}

static int read_spec(const ck__json_reader *r, const ck__json *root, ck_model_spec *spec,
                     ck_schema *schema)
{
    char at[CK__JSON_PATH_LEN], path[CK__JSON_PATH_LEN];
    const ck__json *s, *it;
    const char *source;
    int rc;
    if ((rc = ck__json_get_object(r, root, "", "feature_spec", &s, at)) < 0)
        return rc;
    if ((it = ck__json_member(r, s, at, "source", path)) == NULL)
        return CK_EINVAL;
    if ((rc = ck__json_want_string(r, it, path, &source)) < 0)
        return rc;
    if (strcmp(source, "events") == 0)
        spec->source = CK_SOURCE_EVENTS;
    else if (strcmp(source, "table") == 0)
        spec->source = CK_SOURCE_TABLE;
    else
        return ck__json_fail(r, CK_EINVAL, "%s: expected \"events\" or \"table\", got \"%s\"", path,
                             source);
    const ck__json *config;
    if ((rc = ck__json_get_object(r, s, at, "config", &config, path)) < 0 ||
        (rc = ck__config_from_json(&spec->config, config, r->file, r->err)) < 0 ||
        (rc = ck__json_get_string(r, s, at, "id_column", spec->id_column, sizeof spec->id_column)) <
            0 ||
        (rc = ck__json_get_string(r, s, at, "label_column", spec->label_column,
                                  sizeof spec->label_column)) < 0)
        return rc;
    const ck__json *features;
    size_t n;
    if ((rc = ck__json_get_array(r, s, at, "schema", SIZE_MAX, &features, &n, path)) < 0)
        return rc;
    size_t j = 0;
    for (const ck__json *f = ck__json_child(features); f; f = ck__json_next(f), j++) {
        char feature_path[CK__JSON_PATH_LEN];
        ck__json_path_index(feature_path, path, j);
        if ((rc = read_feature(r, f, feature_path, schema)) < 0)
            return rc;
    }
    return CK_OK;
}

/* "features" repeats the schema's names, for a reader of the file; they must agree. */
static int read_features(const ck__json_reader *r, const ck__json *root, const ck_schema *schema)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *features;
    size_t n;
    int rc = ck__json_get_array(r, root, "", "features", SIZE_MAX, &features, &n, path);
    if (rc < 0)
        return rc;
    if (n != ck_schema_n_features(schema))
        return ck__json_fail(r, CK_EINVAL,
                             "features: %zu names for %zu features in feature_spec.schema", n,
                             ck_schema_n_features(schema));
    size_t j = 0;
    for (const ck__json *f = ck__json_child(features); f; f = ck__json_next(f), j++) {
        const char *name;
        ck__json_path_index(path, "features", j);
        if ((rc = ck__json_want_string(r, f, path, &name)) < 0)
            return rc;
        if (strcmp(name, ck_schema_name(schema, j)) != 0)
            return ck__json_fail(r, CK_EINVAL,
                                 "%s: \"%s\" differs from feature_spec.schema[%zu] \"%s\"", path,
                                 name, j, ck_schema_name(schema, j));
    }
    return CK_OK;
}

/* A date string and a Unix time that must name the same day. */
static int check_cutoff(const ck__json_reader *r, const ck__json *date, const ck__json *unix_time,
                        const char *date_path, const char *unix_path, int64_t *out)
{
    const char *s;
    double v;
    char formatted[16];
    int rc;
    if ((rc = ck__json_want_string(r, date, date_path, &s)) < 0 ||
        (rc = ck__json_want_integer(r, unix_time, unix_path, -CK__JSON_EXACT_INT,
                                    CK__JSON_EXACT_INT, &v)) < 0)
        return rc;
    ck_ts_format_date((int64_t)v, formatted);
    if (strcmp(formatted, s) != 0)
        return ck__json_fail(r, CK_EINVAL, "%s: \"%s\" is not the day of %s (%s)", date_path, s,
                             unix_path, formatted);
    *out = (int64_t)v;
    return CK_OK;
}

static int read_inputs(const ck__json_reader *r, const ck__json *o, const char *at,
                       ck_model_training *t)
{
    char path[CK__JSON_PATH_LEN], in_path[CK__JSON_PATH_LEN];
    const ck__json *inputs;
    int rc;
    if ((rc = ck__json_get_array(r, o, at, "inputs", CK_MODEL_MAX_INPUTS, &inputs, &t->n_inputs,
                                 path)) < 0)
        return rc;
    size_t i = 0;
    for (const ck__json *in = ck__json_child(inputs); in; in = ck__json_next(in), i++) {
        ck_model_input *mi = &t->inputs[i];
        ck__json_path_index(in_path, path, i);
        if (!ck__json_is_object(in))
            return ck__json_fail(r, CK_EINVAL, "%s: expected an object", in_path);
        if ((rc = ck__json_get_string(r, in, in_path, "role", mi->role, sizeof mi->role)) < 0 ||
            (rc = ck__json_get_string(r, in, in_path, "path", mi->path, sizeof mi->path)) < 0 ||
            (rc = ck__json_get_string(r, in, in_path, "sha256", mi->sha256, sizeof mi->sha256)) < 0)
            return rc;
        size_t n_hex = strspn(mi->sha256, "0123456789abcdef");
        if (n_hex != 64 || mi->sha256[64] != '\0') {
            char key_path[CK__JSON_PATH_LEN];
            ck__json_path_key(key_path, in_path, "sha256");
            return ck__json_fail(r, CK_EINVAL, "%s: expected 64 lowercase hex digits", key_path);
        }
    }
    return CK_OK;
}

/* training.profile, optional (files before it have none). */
static int read_profile(const ck__json_reader *r, const ck__json *o, const char *at,
                        ck_model_training *t)
{
    char pat[CK__JSON_PATH_LEN], path[CK__JSON_PATH_LEN], unix_path[CK__JSON_PATH_LEN];
    const ck__json *p = ck__json_get(o, "profile"), *counts, *columns, *date, *unix_time;
    ck_event_profile *pr = &t->profile;
    size_t n;
    int rc;
    t->has_profile = p != NULL;
    if (p == NULL)
        return CK_OK;
    ck__json_path_key(pat, at, "profile");
    if (!ck__json_is_object(p))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", pat);
    if ((rc = ck__json_get_count(r, p, pat, "events", &pr->n_events)) < 0 ||
        (rc = ck__json_get_count(r, p, pat, "customers", &pr->n_customers)) < 0 ||
        (rc = ck__json_get_object(r, p, pat, "event_counts", &counts, path)) < 0)
        return rc;
    for (const ck__json *c = ck__json_child(counts); c; c = ck__json_next(c)) {
        int e = ck_event_type_from_name(ck__json_key(c));
        if (e < 0)
            return ck__json_fail(r, CK_EINVAL, "%s: \"%s\" is not an event type", path,
                                 ck__json_key(c));
        if ((rc = ck__json_get_count(r, counts, path, ck__json_key(c), &pr->event_counts[e])) < 0)
            return rc;
    }
    if ((rc = ck__json_get_array(r, p, pat, "columns", 3, &columns, &n, path)) < 0)
        return rc;
    for (const ck__json *c = ck__json_child(columns); c; c = ck__json_next(c)) {
        const char *name = ck__json_is_string(c) ? ck__json_string(c) : "";
        if (strcmp(name, "amount") == 0)
            pr->has_amount = true;
        else if (strcmp(name, "channel") == 0)
            pr->has_channel = true;
        else if (strcmp(name, "category") == 0)
            pr->has_category = true;
        else
            return ck__json_fail(r, CK_EINVAL,
                                 "%s: expected \"amount\", \"channel\" or "
                                 "\"category\"",
                                 path);
    }
    static const char *const keys[2][2] = { { "first_event", "first_event_unix" },
                                            { "last_event", "last_event_unix" } };
    int64_t *ts[2] = { &pr->first_ts, &pr->last_ts };
    for (int k = 0; k < 2; k++) {
        if ((date = ck__json_member(r, p, pat, keys[k][0], path)) == NULL ||
            (unix_time = ck__json_member(r, p, pat, keys[k][1], unix_path)) == NULL)
            return CK_EINVAL;
        if ((rc = check_cutoff(r, date, unix_time, path, unix_path, ts[k])) < 0)
            return rc;
    }
    return CK_OK;
}

/* training.refit, optional (absent without a refit, and in files before it): rows, and
 * either rounds (a whole number >= 1) or C (> 0). */
static int read_refit(const ck__json_reader *r, const ck__json *o, const char *at,
                      ck_model_training *t)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *refit = ck__json_get(o, "refit");
    int rc;
    t->has_refit = refit != NULL;
    t->refit = (ck_model_refit){ 0 };
    if (refit == NULL)
        return CK_OK;
    if ((rc = ck__json_get_object(r, o, at, "refit", &refit, path)) < 0 ||
        (rc = ck__json_get_count(r, refit, path, "rows", &t->refit.rows)) < 0)
        return rc;
    bool has_rounds = ck__json_get(refit, "rounds") != NULL;
    if (has_rounds == (ck__json_get(refit, "C") != NULL))
        return ck__json_fail(r, CK_EINVAL, "%s: expected \"rounds\" or \"C\", one of them", path);
    if (has_rounds) {
        if ((rc = ck__json_get_int(r, refit, path, "rounds", &t->refit.rounds)) < 0)
            return rc;
        if (t->refit.rounds < 1)
            return ck__json_fail(r, CK_EINVAL, "%s.rounds: expected at least 1", path);
        return CK_OK;
    }
    return ck__json_get_in_range(r, refit, path, "C", 0, false, HUGE_VAL, "a positive number",
                                 &t->refit.C);
}

/* An optional array of strings (training.constant_features, training.warnings). */
static int read_strings(const ck__json_reader *r, const ck__json *o, const char *at,
                        const char *key, size_t max, size_t *n, char *out, size_t size)
{
    char path[CK__JSON_PATH_LEN], item_path[CK__JSON_PATH_LEN];
    const ck__json *arr;
    int rc;
    *n = 0;
    if (ck__json_get(o, key) == NULL)
        return CK_OK;
    if ((rc = ck__json_get_array(r, o, at, key, max, &arr, n, path)) < 0)
        return rc;
    size_t i = 0;
    for (const ck__json *it = ck__json_child(arr); it; it = ck__json_next(it), i++) {
        const char *s;
        ck__json_path_index(item_path, path, i);
        if ((rc = ck__json_want_string(r, it, item_path, &s)) < 0)
            return rc;
        if (strlen(s) >= size)
            return ck__json_fail(r, CK_EINVAL, "%s: longer than %zu bytes", item_path, size - 1);
        snprintf(out + i * size, size, "%s", s);
    }
    return CK_OK;
}

static int read_training(const ck__json_reader *r, const ck__json *root, ck_model_training *t)
{
    char at[CK__JSON_PATH_LEN], dates_path[CK__JSON_PATH_LEN], unix_path[CK__JSON_PATH_LEN];
    const ck__json *o, *dates, *unix_times;
    size_t n_unix;
    int rc;
    if ((rc = ck__json_get_object(r, root, "", "training", &o, at)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "rows", &t->rows)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "positives", &t->positives)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "valid_rows", &t->valid_rows)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "valid_positives", &t->valid_positives)) < 0)
        return rc;
    if (t->positives > t->rows || t->valid_positives > t->valid_rows)
        return ck__json_fail(r, CK_EINVAL, "training: more positives than rows");
    if ((rc = ck__json_get_array(r, o, at, "cutoffs", CK_MODEL_MAX_CUTOFFS, &dates, &t->n_cutoffs,
                                 dates_path)) < 0 ||
        (rc = ck__json_get_array(r, o, at, "cutoffs_unix", CK_MODEL_MAX_CUTOFFS, &unix_times,
                                 &n_unix, unix_path)) < 0)
        return rc;
    if (n_unix != t->n_cutoffs)
        return ck__json_fail(r, CK_EINVAL, "%s: %zu times for %zu cutoffs", unix_path, n_unix,
                             t->n_cutoffs);
    const ck__json *d = ck__json_child(dates), *u = ck__json_child(unix_times);
    for (size_t i = 0; d && u; d = ck__json_next(d), u = ck__json_next(u), i++) {
        char date_i[CK__JSON_PATH_LEN], unix_i[CK__JSON_PATH_LEN];
        ck__json_path_index(date_i, dates_path, i);
        ck__json_path_index(unix_i, unix_path, i);
        if ((rc = check_cutoff(r, d, u, date_i, unix_i, &t->cutoffs[i])) < 0)
            return rc;
    }
    const ck__json *valid_date = ck__json_member(r, o, at, "valid_cutoff", dates_path);
    const ck__json *valid_unix =
        valid_date ? ck__json_member(r, o, at, "valid_cutoff_unix", unix_path) : NULL;
    if (valid_unix == NULL)
        return CK_EINVAL;
    t->valid_cutoff = 0;
    if (ck__json_is_null(valid_date) != ck__json_is_null(valid_unix))
        return ck__json_fail(r, CK_EINVAL, "%s: null, and %s not, or the other way round",
                             dates_path, unix_path);
    if (!ck__json_is_null(valid_date) &&
        (rc = check_cutoff(r, valid_date, valid_unix, dates_path, unix_path, &t->valid_cutoff)) < 0)
        return rc;
    if ((rc = read_inputs(r, o, at, t)) < 0 || (rc = read_refit(r, o, at, t)) < 0 ||
        (rc = read_profile(r, o, at, t)) < 0 ||
        (rc = read_strings(r, o, at, "constant_features", CK_MODEL_MAX_CONSTANT,
                           &t->n_constant_features, t->constant_features[0],
                           sizeof t->constant_features[0])) < 0)
        return rc;
    return read_strings(r, o, at, "warnings", CK_MODEL_MAX_WARNINGS, &t->n_warnings, t->warnings[0],
                        sizeof t->warnings[0]);
}

/* 101 ascending finite numbers at `path` (an optional member: absent is fine). */
static int read_percentiles(const ck__json_reader *r, const ck__json *arr, const char *path,
                            double *out)
{
    if (!ck__json_is_array(arr) || ck__json_size(arr) != CK_SCORE_QUANTILES)
        return ck__json_fail(r, CK_EINVAL, "%s: expected %d ascending numbers", path,
                             CK_SCORE_QUANTILES);
    int k = 0;
    for (const ck__json *it = ck__json_child(arr); it; it = ck__json_next(it), k++) {
        if (!ck__json_is_number(it) || !isfinite(ck__json_number(it)) ||
            (k > 0 && ck__json_number(it) < out[k - 1]))
            return ck__json_fail(r, CK_EINVAL, "%s: expected %d ascending numbers", path,
                                 CK_SCORE_QUANTILES);
        out[k] = ck__json_number(it);
    }
    return CK_OK;
}

/* The training score distribution, optional (files before it was stored score without
 * percentiles). */
static int read_score_percentiles(const ck__json_reader *r, const ck__json *metrics,
                                  ck_model_training *t)
{
    const ck__json *q = ck__json_get(metrics, "score_percentiles");
    const ck__json *stages = ck__json_get(metrics, "stage_score_percentiles");
    t->has_score_percentiles = q != NULL;
    if (q == NULL)
        return CK_OK;
    int rc = read_percentiles(r, q, "metrics.score_percentiles", t->score_percentiles);
    for (const ck__json *s = ck__json_child(stages); rc == CK_OK && s; s = ck__json_next(s)) {
        if (t->n_stage_percentiles == 8 || strlen(ck__json_key(s)) >= CK_NAME_MAX)
            return ck__json_fail(r, CK_EINVAL, "metrics.stage_score_percentiles: too many stages");
        size_t i = t->n_stage_percentiles++;
        snprintf(t->stage_names[i], CK_NAME_MAX, "%s", ck__json_key(s));
        rc = read_percentiles(r, s, "metrics.stage_score_percentiles", t->stage_percentiles[i]);
    }
    return rc;
}

/* The metrics of every model, between the learner's own (learner.h). */
static int read_metrics(const ck__json_reader *r, const ck__json *root, const ck__learner *learner,
                        void *fit, ck_model_training *t)
{
    char at[CK__JSON_PATH_LEN];
    const ck__json *o;
    int rc;
    if ((rc = ck__json_get_object(r, root, "", "metrics", &o, at)) < 0)
        return rc;
    ck__learner_metrics m;
    ck__model_metrics_of(&m, t);
    if (learner->read_metrics_head != NULL && (rc = learner->read_metrics_head(fit, r, o, &m)) < 0)
        return rc;
    t->rounds_kept = m.rounds_kept;
    if ((rc = ck__json_get_metric(r, o, at, "train_logloss", &t->train_logloss)) < 0 ||
        (rc = ck__json_get_metric(r, o, at, "valid_logloss", &t->valid_logloss)) < 0 ||
        (rc = ck__json_get_metric(r, o, at, "train_auc", &t->train_auc)) < 0 ||
        (rc = ck__json_get_metric(r, o, at, "valid_auc", &t->valid_auc)) < 0 ||
        (rc = read_score_percentiles(r, o, t)) < 0)
        return rc;
    ck__model_metrics_of(&m, t);
    if (learner->read_metrics_tail != NULL)
        return learner->read_metrics_tail(fit, r, o, &m);
    return CK_OK;
}

/* The learner's members, in the order of the file, into a new model. */
static int read_model(ck_model **out, const ck__json_reader *r, const ck__json *root,
                      const ck__learner *learner, ck_schema **schema, const ck_model_spec *spec,
                      ck_model_training *training)
{
    char at[CK__JSON_PATH_LEN];
    const ck__json *params, *body;
    void *fit = NULL;
    int rc;
    if ((rc = learner->read_begin(&fit, r->err)) < 0 ||
        (rc = ck__json_get_object(r, root, "", "params", &params, at)) < 0 ||
        (rc = learner->read_params(fit, r, params)) < 0 ||
        (rc = read_training(r, root, training)) < 0 ||
        (rc = read_metrics(r, root, learner, fit, training)) < 0 ||
        (rc = ck__json_get_object(r, root, "", "body", &body, at)) < 0 ||
        (rc = learner->read_body(fit, r, body, schema)) < 0) {
        learner->free(fit);
        return rc;
    }
    return ck__model_wrap(out, learner, fit, spec, training, r->err);
}

/* Each feature's mean contribution over the training rows, optional (older files have
 * none). */
static int read_contribution_means(const ck__json_reader *r, const ck__json *root, ck_model *model)
{
    const ck__json *metrics = ck__json_get(root, "metrics");
    const ck__json *means = ck__json_get(metrics, "contribution_means");
    if (means == NULL)
        return CK_OK;
    size_t n = ck_schema_n_features(ck_model_schema(model)), k = 0;
    if (!ck__json_is_array(means) || (size_t)ck__json_size(means) != n)
        return ck__json_fail(r, CK_EINVAL, "metrics.contribution_means: expected %zu numbers", n);
    model->contribution_means = ck__alloc_array(n + 1, sizeof *model->contribution_means);
    if (model->contribution_means == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    for (const ck__json *it = ck__json_child(means); it; it = ck__json_next(it), k++) {
        if (!ck__json_is_number(it) || !isfinite(ck__json_number(it)))
            return ck__json_fail(r, CK_EINVAL, "metrics.contribution_means[%zu]: expected a number",
                                 k);
        model->contribution_means[k] = ck__json_number(it);
    }
    return CK_OK;
}

/* The largest model file read (models/FORMAT.md, "What a reader checks"): real models take
 * kilobytes to a few megabytes; parsing costs several times the text, so a bound keeps a
 * wrong or hostile file from taking gigabytes before it is refused. */
#define MODEL_MAX_BYTES ((size_t)256 << 20)

int ck_model_load(ck_model **out, const char *path, ck_error *err)
{
    *out = NULL;
    const ck__json_reader r = { path, err };
    char *text = NULL;
    size_t len = 0;
    ck__json *root = NULL;
    ck_schema *schema = NULL;
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    const ck__learner *learner = NULL;
    int rc;
    if (spec == NULL || training == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    if ((rc = ck__json_read_file_max(&text, &len, path, MODEL_MAX_BYTES, "a model file", err)) < 0)
        goto done;
    long line;
    root = ck__json_parse(text, len, true, &line);
    if (root == NULL) {
        rc = ck_error_set(err, CK_EPARSE, path, line, "invalid JSON");
        goto done;
    }
    if (!ck__json_is_object(root)) {
        rc = ck__json_fail(&r, CK_EINVAL, "not a churnkit model");
        goto done;
    }
    if ((rc = read_header(&r, root, &learner, training)) < 0 ||
        (rc = ck_schema_new(&schema, err)) < 0 || (rc = read_spec(&r, root, spec, schema)) < 0 ||
        (rc = read_features(&r, root, schema)) < 0 ||
        (rc = read_model(out, &r, root, learner, &schema, spec, training)) < 0)
        goto done;
    if ((rc = read_contribution_means(&r, root, *out)) < 0) {
        ck_model_free(*out);
        *out = NULL;
    }
done:
    ck_schema_free(schema);
    ck__json_free(root);
    free(text);
    free(training);
    free(spec);
    return rc;
}
