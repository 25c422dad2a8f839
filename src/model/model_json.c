/*
 * The model file: a model as JSON and back (models/FORMAT.md is the specification,
 * models/schema.json its JSON Schema).
 *
 * Writing builds a cJSON tree and prints it. Every number goes through format_double()
 * below, as raw text, never through cJSON's printer, which keeps only 15 significant
 * digits and so does not give back the double it was given. NaN and infinities have no
 * JSON form and are refused, naming the field; the one exception is a metric that was not
 * measured (a NaN validation AUC without validation data), written as null.
 *
 * Reading checks everything before anything is used: the file is JSON, it is a churnkit
 * model, its format_version is one this reader knows, and every field has its type and
 * range. Each failure is one message naming the field by its JSON path
 * (`body.stumps[3].threshold: expected a number`). The feature spec's config is read by
 * config.c under the rules of a config file. The step tables are computed again from the
 * stumps and must agree with the stored ones (TABLE_TOL), so a file edited by hand, or
 * corrupted, is refused instead of scoring something other than what was trained; the
 * stored tables are then the ones used, so a model scores tomorrow exactly as it scored
 * when it was saved. A logistic regression's original-scale coefficients and intercept are
 * checked against its standardised ones the same way.
 *
 * Members this reader does not know are ignored: a later churnkit may add a member that
 * an older reader can safely skip without changing format_version (FORMAT.md,
 * "Versioning"). The config is the exception: an unknown setting there would change the
 * features, so config.c refuses it.
 */
#include "churnkit/model.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/events.h"
#include "churnkit/timestamp.h"
#include "churnkit/version.h"
#include "config/config_int.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"
#include "model/model_int.h"
#include "base/util.h"

#define FORMAT_NAME "churnkit-model"

/* Room for a JSON path in a message, e.g. "feature_spec.schema[12].levels[3]". */
#define PATH_LEN 160

/* 2^53: integers up to this are exact in a double, which is how JSON readers (cJSON,
 * JavaScript) hold numbers. Counts and times stay far below it. */
#define EXACT_INT 9007199254740992.0

/* Stored and recomputed tables agree when |a − b| <= TABLE_TOL · max(1, |a|, |b|). The
 * same stumps summed in another order differ by a few ulps (~1e-16 relative); a real
 * change to a file is far larger. */
#define TABLE_TOL 1e-12

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* ---- numbers ------------------------------------------------------------------------ */

/* The shortest of "%.15g", "%.16g" and "%.17g" that reads back to the same double.
 * 17 significant digits always do for IEEE 754 binary64 (C11 5.2.4.2.2,
 * DECIMAL_DIG), so the file holds each number exactly; the shorter forms keep 0.1 from
 * being written 0.10000000000000001. The sign of −0 is kept ("-0"). Should the host
 * program have set a locale with another decimal point, it is put back to '.'. */
static void format_double(char buf[32], double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    const char *point = localeconv()->decimal_point;
    if (point[0] != '.' && point[0] != '\0' && point[1] == '\0') {
        char *p = strchr(buf, point[0]);
        if (p != NULL)
            *p = '.';
    }
}

static bool same_number(double a, double b)
{
    return fabs(a - b) <= TABLE_TOL * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* ---- writing ------------------------------------------------------------------------ */

/* The first failure is kept in rc (and err); every later step is then skipped, so the
 * tree is built by plain sequences of calls and checked once at the end. */
typedef struct writer {
    int rc;
    ck_error *err;
} writer;

static void w_fail(writer *w, ck_status code, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void w_fail(writer *w, ck_status code, const char *fmt, ...)
{
    if (w->rc < 0)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->rc = ck_error_set(w->err, code, NULL, 0, "%s", msg);
}

/* Attach `item` to object `obj` under `key` (or to array `obj` when key is NULL) and
 * return it; NULL when anything failed, the item then freed. */
static cJSON *put(writer *w, cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL) {
        w_fail(w, CK_ENOMEM, "out of memory");
        return NULL;
    }
    bool ok = w->rc == CK_OK && obj != NULL &&
              (key ? cJSON_AddItemToObject(obj, key, item) : cJSON_AddItemToArray(obj, item));
    if (!ok) {
        cJSON_Delete(item);
        w_fail(w, CK_ENOMEM, "out of memory");
        return NULL;
    }
    return item;
}

static cJSON *w_object(const writer *w)
{
    return w->rc == CK_OK ? cJSON_CreateObject() : NULL;
}

static cJSON *w_array(const writer *w)
{
    return w->rc == CK_OK ? cJSON_CreateArray() : NULL;
}

static cJSON *w_string(const writer *w, const char *s)
{
    return w->rc == CK_OK ? cJSON_CreateString(s) : NULL;
}

static cJSON *w_bool(const writer *w, bool b)
{
    return w->rc == CK_OK ? cJSON_CreateBool(b) : NULL;
}

static cJSON *w_integer(const writer *w, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return w->rc == CK_OK ? cJSON_CreateRaw(buf) : NULL;
}

/* A finite number, or a failure naming the field (path_fmt and its arguments). */
static cJSON *w_number(writer *w, double v, const char *path_fmt, ...) PRINTF_LIKE(3, 4);

static cJSON *w_number(writer *w, double v, const char *path_fmt, ...)
{
    if (w->rc < 0)
        return NULL;
    if (!isfinite(v)) {
        char path[PATH_LEN];
        va_list ap;
        va_start(ap, path_fmt);
        vsnprintf(path, sizeof path, path_fmt, ap);
        va_end(ap);
        w_fail(w, CK_EINVAL, "%s: cannot write %s (model numbers must be finite)", path,
               isnan(v) ? "nan"
               : v > 0  ? "inf"
                        : "-inf");
        return NULL;
    }
    char buf[32];
    format_double(buf, v);
    return cJSON_CreateRaw(buf);
}

/* A metric: a finite number, or null when it was not measured (NaN). */
static cJSON *w_metric(writer *w, double v, const char *key)
{
    if (isnan(v))
        return w->rc == CK_OK ? cJSON_CreateNull() : NULL;
    return w_number(w, v, "metrics.%s", key);
}

/* The config in the config-file format, so that it reads back through config.c. */
static void write_config(writer *w, cJSON *spec, const ck_config *cfg)
{
    cJSON *c = put(w, spec, "config", w_object(w));
    char delimiter[2] = { cfg->delimiter, '\0' };
    put(w, c, "delimiter", w_string(w, delimiter));
    /* every column, renamed or not: the file says in full what it reads */
    cJSON *columns = put(w, c, "columns", w_object(w));
    for (int col = 0; col < CK_COL_COUNT; col++)
        put(w, columns, cfg->column_names[col], w_string(w, ck_event_column_name(col)));
    cJSON *aliases = put(w, c, "event_aliases", w_object(w));
    for (size_t i = 0; i < cfg->n_aliases; i++) {
        const char *event = ck_event_type_name(cfg->aliases[i].event);
        if (event == NULL)
            w_fail(w, CK_EINVAL, "feature_spec.config.event_aliases: \"%s\" has no event type",
                   cfg->aliases[i].alias);
        else
            put(w, aliases, cfg->aliases[i].alias, w_string(w, event));
    }
    cJSON *churn = put(w, c, "churn", w_object(w));
    put(w, churn, "lookback_days", w_integer(w, cfg->lookback_days));
    put(w, churn, "horizon_days", w_integer(w, cfg->horizon_days));
    put(w, churn, "gap_days", w_integer(w, cfg->gap_days));
    cJSON *lifecycle = put(w, c, "lifecycle", w_object(w));
    put(w, lifecycle, "new_days", w_integer(w, cfg->new_days));
    put(w, lifecycle, "active_days", w_integer(w, cfg->active_days));
    put(w, lifecycle, "dormant_days", w_integer(w, cfg->dormant_days));
    cJSON *rfm = put(w, c, "rfm", w_object(w));
    if (cfg->has_rfm_bounds) {
        static const char *const keys[3] = { "recency_bounds", "frequency_bounds",
                                             "monetary_bounds" };
        for (int d = 0; d < 3; d++) {
            cJSON *bounds = put(w, rfm, keys[d], w_array(w));
            for (int k = 0; k < 4; k++)
                put(w, bounds, NULL,
                    w_number(w, cfg->rfm_bounds[d][k], "feature_spec.config.rfm.%s[%d]", keys[d],
                             k));
        }
    }
    cJSON *segments = put(w, rfm, "segments", w_array(w));
    for (int r = 0; r < 5; r++) {
        cJSON *row = put(w, segments, NULL, w_array(w));
        for (int f = 0; f < 5; f++)
            put(w, row, NULL, w_string(w, cfg->rfm_segments[r][f]));
    }
    cJSON *channels = put(w, c, "channels", w_array(w));
    for (size_t i = 0; i < cfg->n_channels; i++)
        put(w, channels, NULL, w_string(w, cfg->channels[i]));
}

static void write_spec(writer *w, cJSON *root, const ck_model_spec *spec, const ck_schema *schema)
{
    cJSON *s = put(w, root, "feature_spec", w_object(w));
    put(w, s, "source", w_string(w, spec->source == CK_SOURCE_EVENTS ? "events" : "table"));
    write_config(w, s, &spec->config);
    put(w, s, "id_column", w_string(w, spec->id_column));
    put(w, s, "label_column", w_string(w, spec->label_column));
    cJSON *features = put(w, s, "schema", w_array(w));
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        cJSON *f = put(w, features, NULL, w_object(w));
        put(w, f, "name", w_string(w, ck_schema_name(schema, j)));
        bool categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        put(w, f, "kind", w_string(w, categorical ? "categorical" : "numeric"));
        if (!categorical)
            continue;
        cJSON *levels = put(w, f, "levels", w_array(w));
        for (size_t k = 0; k < ck_schema_n_levels(schema, j); k++)
            put(w, levels, NULL, w_string(w, ck_schema_level(schema, j, k)));
    }
}

/* Every parameter but n_threads: the model is the same for any thread count, and so is
 * its file. The seed is a decimal string, as a uint64 may not fit in a double. */
static void write_gbm_params(writer *w, cJSON *root, const ck_gbm_params *p)
{
    cJSON *o = put(w, root, "params", w_object(w));
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->seed);
    put(w, o, "rounds", w_integer(w, p->rounds));
    put(w, o, "learning_rate", w_number(w, p->learning_rate, "params.learning_rate"));
    put(w, o, "max_bins", w_integer(w, p->max_bins));
    put(w, o, "lambda", w_number(w, p->lambda, "params.lambda"));
    put(w, o, "min_child_weight", w_number(w, p->min_child_weight, "params.min_child_weight"));
    put(w, o, "min_samples_leaf", w_integer(w, p->min_samples_leaf));
    put(w, o, "patience", w_integer(w, p->patience));
    put(w, o, "pos_weight", w_number(w, p->pos_weight, "params.pos_weight"));
    put(w, o, "subsample", w_number(w, p->subsample, "params.subsample"));
    put(w, o, "seed", w_string(w, seed));
}

/* As for the stumps; C is the model's (the best of C_grid under cross-validation). */
static void write_logreg_params(writer *w, cJSON *root, const ck_logreg_params *p)
{
    cJSON *o = put(w, root, "params", w_object(w));
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->seed);
    put(w, o, "solver", w_string(w, ck_logreg_solver_name(p->solver)));
    put(w, o, "penalty", w_string(w, ck_logreg_penalty_name(p->penalty)));
    put(w, o, "C", w_number(w, p->C, "params.C"));
    put(w, o, "pos_weight", w_number(w, p->pos_weight, "params.pos_weight"));
    put(w, o, "tol", w_number(w, p->tol, "params.tol"));
    put(w, o, "max_iter", w_integer(w, p->max_iter));
    put(w, o, "clip", w_number(w, p->clip, "params.clip"));
    put(w, o, "cv_folds", w_integer(w, p->cv_folds));
    if (p->n_grid > CK_LOGREG_MAX_GRID)
        w_fail(w, CK_EINVAL, "params.C_grid: more than %d values", CK_LOGREG_MAX_GRID);
    cJSON *grid = put(w, o, "C_grid", w_array(w));
    for (size_t g = 0; g < p->n_grid && w->rc == CK_OK; g++)
        put(w, grid, NULL, w_number(w, p->grid[g], "params.C_grid[%zu]", g));
    put(w, o, "seed", w_string(w, seed));
}

/* Cutoffs twice: as integers (Unix seconds, what the feature builder used) and as dates
 * for people; a reader checks that they agree. */
static void write_training(writer *w, cJSON *root, const ck_model_training *t)
{
    cJSON *o = put(w, root, "training", w_object(w));
    put(w, o, "rows", w_integer(w, (long long)t->rows));
    put(w, o, "positives", w_integer(w, (long long)t->positives));
    put(w, o, "valid_rows", w_integer(w, (long long)t->valid_rows));
    put(w, o, "valid_positives", w_integer(w, (long long)t->valid_positives));
    if (t->n_cutoffs > CK_MODEL_MAX_CUTOFFS || t->n_inputs > CK_MODEL_MAX_INPUTS)
        w_fail(w, CK_EINVAL, "training: too many cutoffs or inputs");
    char date[16];
    cJSON *dates = put(w, o, "cutoffs", w_array(w));
    for (size_t i = 0; i < t->n_cutoffs && w->rc == CK_OK; i++) {
        ck_ts_format_date(t->cutoffs[i], date);
        put(w, dates, NULL, w_string(w, date));
    }
    cJSON *unix_times = put(w, o, "cutoffs_unix", w_array(w));
    for (size_t i = 0; i < t->n_cutoffs && w->rc == CK_OK; i++)
        put(w, unix_times, NULL, w_integer(w, t->cutoffs[i]));
    if (t->valid_cutoff != 0) {
        ck_ts_format_date(t->valid_cutoff, date);
        put(w, o, "valid_cutoff", w_string(w, date));
        put(w, o, "valid_cutoff_unix", w_integer(w, t->valid_cutoff));
    } else {
        put(w, o, "valid_cutoff", w->rc == CK_OK ? cJSON_CreateNull() : NULL);
        put(w, o, "valid_cutoff_unix", w->rc == CK_OK ? cJSON_CreateNull() : NULL);
    }
    cJSON *inputs = put(w, o, "inputs", w_array(w));
    for (size_t i = 0; i < t->n_inputs && w->rc == CK_OK; i++) {
        cJSON *in = put(w, inputs, NULL, w_object(w));
        put(w, in, "role", w_string(w, t->inputs[i].role));
        put(w, in, "path", w_string(w, t->inputs[i].path));
        put(w, in, "sha256", w_string(w, t->inputs[i].sha256));
    }
}

/* The metrics of every model, then the solver's record of a logistic regression. */
static void write_metrics(writer *w, cJSON *root, const ck_model *model)
{
    const ck_model_training *t = &model->training;
    cJSON *m = put(w, root, "metrics", w_object(w));
    if (model->type == CK_MODEL_GBM_STUMPS)
        put(w, m, "rounds_kept", w_integer(w, t->rounds_kept));
    put(w, m, "train_logloss", w_metric(w, t->train_logloss, "train_logloss"));
    put(w, m, "valid_logloss", w_metric(w, t->valid_logloss, "valid_logloss"));
    put(w, m, "train_auc", w_metric(w, t->train_auc, "train_auc"));
    put(w, m, "valid_auc", w_metric(w, t->valid_auc, "valid_auc"));
    if (t->has_score_percentiles) {
        cJSON *q = put(w, m, "score_percentiles", w_array(w));
        for (int k = 0; k < CK_SCORE_QUANTILES && w->rc == CK_OK; k++)
            put(w, q, NULL, w_number(w, t->score_percentiles[k], "score_percentiles"));
        cJSON *stages = put(w, m, "stage_score_percentiles", w_object(w));
        for (size_t s = 0; s < t->n_stage_percentiles && w->rc == CK_OK; s++) {
            cJSON *sq = put(w, stages, t->stage_names[s], w_array(w));
            for (int k = 0; k < CK_SCORE_QUANTILES && w->rc == CK_OK; k++)
                put(w, sq, NULL,
                    w_number(w, t->stage_percentiles[s][k], "stage_score_percentiles"));
        }
    }
    if (model->contribution_means != NULL) {
        cJSON *means = put(w, m, "contribution_means", w_array(w));
        for (size_t j = 0; j < ck_schema_n_features(ck_model_schema(model)) && w->rc == CK_OK; j++)
            put(w, means, NULL, w_number(w, model->contribution_means[j], "contribution_means"));
    }
    if (model->type != CK_MODEL_LOGREG)
        return;
    const ck_logreg_report *r = &model->logreg_report;
    put(w, m, "iterations", w_integer(w, r->iterations));
    put(w, m, "objective", w_number(w, r->objective, "metrics.objective"));
    put(w, m, "gradient_norm", w_metric(w, r->grad_norm, "gradient_norm"));
    put(w, m, "converged", w_bool(w, r->converged));
    if (r->n_cv > CK_LOGREG_MAX_GRID)
        w_fail(w, CK_EINVAL, "metrics.cv: more than %d values", CK_LOGREG_MAX_GRID);
    cJSON *cv = put(w, m, "cv", w_array(w));
    for (size_t g = 0; g < r->n_cv && w->rc == CK_OK; g++) {
        cJSON *point = put(w, cv, NULL, w_object(w));
        put(w, point, "C", w_number(w, r->cv_C[g], "metrics.cv[%zu].C", g));
        put(w, point, "logloss", w_number(w, r->cv_logloss[g], "metrics.cv[%zu].logloss", g));
    }
}

static void write_stump(writer *w, cJSON *stumps, const ck__stump *s, size_t i,
                        const ck_schema *schema)
{
    if (s->feature >= ck_schema_n_features(schema)) {
        w_fail(w, CK_EINVAL, "body.stumps[%zu].feature: no feature %u", i, s->feature);
        return;
    }
    cJSON *o = put(w, stumps, NULL, w_object(w));
    put(w, o, "feature", w_string(w, ck_schema_name(schema, s->feature)));
    if (ck_schema_kind(schema, s->feature) == CK_FEATURE_NUMERIC) {
        put(w, o, "threshold", w_number(w, s->threshold, "body.stumps[%zu].threshold", i));
    } else {
        cJSON *levels = put(w, o, "left_levels", w_array(w));
        for (size_t k = 0; k < s->n_left_levels && w->rc == CK_OK; k++) {
            const char *level = ck_schema_level(schema, s->feature, s->left_levels[k]);
            if (level == NULL)
                w_fail(w, CK_EINVAL, "body.stumps[%zu].left_levels[%zu]: no level %u", i, k,
                       s->left_levels[k]);
            put(w, levels, NULL, w_string(w, level));
        }
    }
    put(w, o, "missing_left", w_bool(w, s->missing_left));
    put(w, o, "left", w_number(w, s->left_value, "body.stumps[%zu].left", i));
    put(w, o, "right", w_number(w, s->right_value, "body.stumps[%zu].right", i));
    put(w, o, "gain", w_number(w, s->gain, "body.stumps[%zu].gain", i));
}

static void write_table(writer *w, cJSON *tables, const ck__step_table *t, size_t j,
                        const ck_schema *schema)
{
    cJSON *o = put(w, tables, NULL, w_object(w));
    put(w, o, "feature", w_string(w, ck_schema_name(schema, j)));
    if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC) {
        cJSON *thresholds = put(w, o, "thresholds", w_array(w));
        for (size_t k = 0; k < t->n_thresholds && w->rc == CK_OK; k++)
            put(w, thresholds, NULL,
                w_number(w, t->thresholds[k], "body.tables[%zu].thresholds[%zu]", j, k));
        cJSON *values = put(w, o, "values", w_array(w));
        for (size_t k = 0; k <= t->n_thresholds && w->rc == CK_OK; k++)
            put(w, values, NULL, w_number(w, t->values[k], "body.tables[%zu].values[%zu]", j, k));
    } else {
        cJSON *values = put(w, o, "level_values", w_array(w));
        for (size_t k = 0; k < t->n_levels && w->rc == CK_OK; k++)
            put(w, values, NULL,
                w_number(w, t->level_values[k], "body.tables[%zu].level_values[%zu]", j, k));
        put(w, o, "unseen", w_number(w, t->unseen_value, "body.tables[%zu].unseen", j));
    }
    put(w, o, "missing", w_number(w, t->missing_value, "body.tables[%zu].missing", j));
}

static void write_gbm_body(writer *w, cJSON *root, const ck_gbm *gbm)
{
    cJSON *body = put(w, root, "body", w_object(w));
    put(w, body, "base_score", w_number(w, gbm->base_score, "body.base_score"));
    cJSON *stumps = put(w, body, "stumps", w_array(w));
    for (size_t i = 0; i < gbm->n_stumps && w->rc == CK_OK; i++)
        write_stump(w, stumps, &gbm->stumps[i], i, gbm->schema);
    cJSON *tables = put(w, body, "tables", w_array(w));
    for (size_t j = 0; j < ck_schema_n_features(gbm->schema) && w->rc == CK_OK; j++)
        write_table(w, tables, &gbm->tables[j], j, gbm->schema);
}

/* One term per feature: its preprocessing and coefficients (logreg.h). */
static void write_term(writer *w, cJSON *terms, const ck_logreg *m, size_t j)
{
    const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
    cJSON *o = put(w, terms, NULL, w_object(w));
    put(w, o, "feature", w_string(w, ck_schema_name(ck_logreg_schema(m), j)));
    if (f->categorical) {
        cJSON *coefs = put(w, o, "level_coefs", w_array(w));
        for (size_t k = 0; k < f->n_levels && w->rc == CK_OK; k++)
            put(w, coefs, NULL,
                w_number(w, f->level_coefs[k], "body.terms[%zu].level_coefs[%zu]", j, k));
    } else {
        put(w, o, "center", w_number(w, f->center, "body.terms[%zu].center", j));
        put(w, o, "scale", w_number(w, f->scale, "body.terms[%zu].scale", j));
        if (f->clipped) {
            cJSON *clip = put(w, o, "clip", w_array(w));
            put(w, clip, NULL, w_number(w, f->clip_low, "body.terms[%zu].clip[0]", j));
            put(w, clip, NULL, w_number(w, f->clip_high, "body.terms[%zu].clip[1]", j));
        } else {
            put(w, o, "clip", w->rc == CK_OK ? cJSON_CreateNull() : NULL);
        }
        put(w, o, "coef", w_number(w, f->coef, "body.terms[%zu].coef", j));
        put(w, o, "coef_original",
            w_number(w, f->coef_original, "body.terms[%zu].coef_original", j));
    }
    if (f->has_missing)
        put(w, o, "missing_coef", w_number(w, f->missing_coef, "body.terms[%zu].missing_coef", j));
    else
        put(w, o, "missing_coef", w->rc == CK_OK ? cJSON_CreateNull() : NULL);
}

static void write_logreg_body(writer *w, cJSON *root, const ck_logreg *m)
{
    cJSON *body = put(w, root, "body", w_object(w));
    put(w, body, "intercept", w_number(w, ck_logreg_intercept(m, false), "body.intercept"));
    put(w, body, "intercept_original",
        w_number(w, ck_logreg_intercept(m, true), "body.intercept_original"));
    cJSON *terms = put(w, body, "terms", w_array(w));
    for (size_t j = 0; j < ck_schema_n_features(ck_logreg_schema(m)) && w->rc == CK_OK; j++)
        write_term(w, terms, m, j);
}

int ck_model_save(const ck_model *model, FILE *out, ck_error *err)
{
    writer w = { CK_OK, err };
    const ck_schema *schema = ck_model_schema(model);
    bool logreg = model->type == CK_MODEL_LOGREG;
    cJSON *root = cJSON_CreateObject();
    char *text = NULL;
    if (root == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    put(&w, root, "format", w_string(&w, FORMAT_NAME));
    put(&w, root, "format_version", w_integer(&w, CK_MODEL_FORMAT_VERSION));
    put(&w, root, "model_type", w_string(&w, logreg ? "logreg" : "gbm_stumps"));
    put(&w, root, "created_at", w_string(&w, model->training.created_at));
    put(&w, root, "toolkit_version", w_string(&w, ck_version()));
    cJSON *features = put(&w, root, "features", w_array(&w));
    for (size_t j = 0; j < ck_schema_n_features(schema); j++)
        put(&w, features, NULL, w_string(&w, ck_schema_name(schema, j)));
    write_spec(&w, root, &model->spec, schema);
    if (logreg)
        write_logreg_params(&w, root, &model->logreg_params);
    else
        write_gbm_params(&w, root, &model->gbm_params);
    write_training(&w, root, &model->training);
    write_metrics(&w, root, model);
    if (logreg)
        write_logreg_body(&w, root, model->logreg);
    else
        write_gbm_body(&w, root, model->gbm);
    if (w.rc < 0)
        goto done;
    text = cJSON_Print(root);
    if (text == NULL) {
        w.rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if (fputs(text, out) == EOF || fputc('\n', out) == EOF || fflush(out) != 0)
        w.rc = ck_error_set(err, CK_EIO, NULL, 0, "write error: %s", strerror(errno));
done:
    cJSON_free(text);
    cJSON_Delete(root);
    return w.rc;
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct reader {
    const char *file;
    ck_error *err;
} reader;

static int r_fail(const reader *r, ck_status code, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int r_fail(const reader *r, ck_status code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ck_error_set(r->err, code, r->file, 0, "%s", msg);
}

/* JSON paths for messages; a path too long for the buffer ends in "..." */
static void mark_truncated(char out[PATH_LEN], int written)
{
    if (written >= PATH_LEN)
        memcpy(out + PATH_LEN - 4, "...", 4);
}

static void path_key(char out[PATH_LEN], const char *at, const char *key)
{
    mark_truncated(out, snprintf(out, PATH_LEN, "%s%s%s", at, at[0] ? "." : "", key));
}

static void path_index(char out[PATH_LEN], const char *at, size_t i)
{
    mark_truncated(out, snprintf(out, PATH_LEN, "%s[%zu]", at, i));
}

/* Member `key` of object `obj` (path `at`), with its path in `path`; NULL when missing. */
static const cJSON *member(const reader *r, const cJSON *obj, const char *at, const char *key,
                           char path[PATH_LEN])
{
    path_key(path, at, key);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (it == NULL)
        r_fail(r, CK_EINVAL, "%s: missing", path);
    return it;
}

static int get_object(const reader *r, const cJSON *obj, const char *at, const char *key,
                      const cJSON **out, char path[PATH_LEN])
{
    *out = NULL; /* set on every path: callers read it only on success */
    const cJSON *it = member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsObject(it))
        return r_fail(r, CK_EINVAL, "%s: expected an object", path);
    *out = it;
    return CK_OK;
}

/* An array of at most `max` items. */
static int get_array(const reader *r, const cJSON *obj, const char *at, const char *key, size_t max,
                     const cJSON **out, size_t *n, char path[PATH_LEN])
{
    *out = NULL;
    *n = 0;
    const cJSON *it = member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsArray(it))
        return r_fail(r, CK_EINVAL, "%s: expected an array", path);
    *n = (size_t)cJSON_GetArraySize(it);
    if (*n > max)
        return r_fail(r, CK_EINVAL, "%s: too many items (at most %zu)", path, max);
    *out = it;
    return CK_OK;
}

static int want_number(const reader *r, const cJSON *it, const char *path, double *out)
{
    *out = 0;
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return r_fail(r, CK_EINVAL, "%s: expected a number", path);
    *out = it->valuedouble;
    return CK_OK;
}

static int get_number(const reader *r, const cJSON *obj, const char *at, const char *key,
                      double *out)
{
    *out = 0;
    char path[PATH_LEN];
    const cJSON *it = member(r, obj, at, key, path);
    return it ? want_number(r, it, path, out) : CK_EINVAL;
}

/* A number, or null for "not measured" (NaN). */
static int get_metric(const reader *r, const cJSON *obj, const char *at, const char *key,
                      double *out)
{
    *out = 0;
    char path[PATH_LEN];
    const cJSON *it = member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (cJSON_IsNull(it)) {
        *out = NAN;
        return CK_OK;
    }
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return r_fail(r, CK_EINVAL, "%s: expected a number or null", path);
    *out = it->valuedouble;
    return CK_OK;
}

/* A whole number in [lo, hi] (both within ±2^53). */
static int want_integer(const reader *r, const cJSON *it, const char *path, double lo, double hi,
                        double *out)
{
    *out = 0;
    double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;
    if (!(v >= lo && v <= hi && v == floor(v)))
        return r_fail(r, CK_EINVAL, "%s: expected a whole number from %.0f to %.0f", path, lo, hi);
    *out = v;
    return CK_OK;
}

static int get_int(const reader *r, const cJSON *obj, const char *at, const char *key, int *out)
{
    char path[PATH_LEN];
    double v;
    const cJSON *it = member(r, obj, at, key, path);
    int rc = it ? want_integer(r, it, path, 0, 2147483647.0, &v) : CK_EINVAL;
    if (rc == CK_OK)
        *out = (int)v;
    return rc;
}

static int get_count(const reader *r, const cJSON *obj, const char *at, const char *key,
                     size_t *out)
{
    char path[PATH_LEN];
    double v;
    const cJSON *it = member(r, obj, at, key, path);
    int rc = it ? want_integer(r, it, path, 0, EXACT_INT, &v) : CK_EINVAL;
    if (rc == CK_OK)
        *out = (size_t)v;
    return rc;
}

static int get_bool(const reader *r, const cJSON *obj, const char *at, const char *key, bool *out)
{
    *out = false;
    char path[PATH_LEN];
    const cJSON *it = member(r, obj, at, key, path);
    if (it == NULL)
        return CK_EINVAL;
    if (!cJSON_IsBool(it))
        return r_fail(r, CK_EINVAL, "%s: expected true or false", path);
    *out = cJSON_IsTrue(it);
    return CK_OK;
}

static int want_string(const reader *r, const cJSON *it, const char *path, const char **out)
{
    *out = NULL;
    if (!cJSON_IsString(it))
        return r_fail(r, CK_EINVAL, "%s: expected a string", path);
    *out = it->valuestring;
    return CK_OK;
}

/* A string copied into out[size]. */
static int get_string(const reader *r, const cJSON *obj, const char *at, const char *key, char *out,
                      size_t size)
{
    char path[PATH_LEN];
    const char *s;
    const cJSON *it = member(r, obj, at, key, path);
    int rc = it ? want_string(r, it, path, &s) : CK_EINVAL;
    if (rc < 0)
        return rc;
    if (strlen(s) >= size)
        return r_fail(r, CK_EINVAL, "%s: too long (at most %zu bytes)", path, size - 1);
    memcpy(out, s, strlen(s) + 1);
    return CK_OK;
}

static int read_text(char **out, size_t *len_out, const char *path, ck_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
    int rc = CK_OK;
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (;;) {
        if (text == NULL) {
            rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
            goto done;
        }
        len += fread(text + len, 1, cap - len - 1, f);
        if (len + 1 < cap)
            break;
        char *bigger = ck__realloc_array(text, cap, 2);
        if (bigger == NULL)
            free(text);
        text = bigger;
        cap *= 2;
    }
    if (ferror(f)) {
        rc = ck_error_set(err, CK_EIO, path, 0, "read error: %s", strerror(errno));
        free(text);
        goto done;
    }
    text[len] = '\0';
    *out = text;
    *len_out = len;
done:
    fclose(f);
    return rc;
}

/* The 1-based line of `pos` in `text`, for JSON syntax errors. */
static long line_of(const char *text, const char *pos)
{
    long line = 1;
    for (const char *p = text; p < pos && *p; p++)
        line += *p == '\n';
    return line;
}

/* "format", "format_version" and "model_type", in the order that gives the clearest
 * message: a file from a newer churnkit is named as such before any field of it is
 * judged by the rules of this version. */
static int read_header(const reader *r, const cJSON *root, ck_model_type *type_out,
                       ck_model_training *t)
{
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(format) || strcmp(format->valuestring, FORMAT_NAME) != 0)
        return r_fail(r, CK_EINVAL, "not a churnkit model");
    char path[PATH_LEN];
    const cJSON *version = member(r, root, "", "format_version", path);
    if (version == NULL)
        return CK_EINVAL;
    double v = cJSON_IsNumber(version) ? version->valuedouble : NAN;
    if (!(v >= 1 && v == floor(v)))
        return r_fail(r, CK_EINVAL, "format_version: expected a whole number from 1");
    if (v > CK_MODEL_FORMAT_VERSION)
        return r_fail(r, CK_EVERSION,
                      "written by a newer churnkit (format_version %.17g; this one reads up to %d)",
                      v, CK_MODEL_FORMAT_VERSION);
    const char *type;
    const cJSON *it = member(r, root, "", "model_type", path);
    int rc = it ? want_string(r, it, path, &type) : CK_EINVAL;
    if (rc < 0)
        return rc;
    if (strcmp(type, "gbm_stumps") == 0)
        *type_out = CK_MODEL_GBM_STUMPS;
    else if (strcmp(type, "logreg") == 0)
        *type_out = CK_MODEL_LOGREG;
    else
        return r_fail(r, CK_EINVAL,
                      "model_type: \"%s\" is not a model type this churnkit reads (gbm_stumps, "
                      "logreg)",
                      type);
    char version_text[32];
    if ((rc = get_string(r, root, "", "created_at", t->created_at, sizeof t->created_at)) < 0 ||
        (rc = get_string(r, root, "", "toolkit_version", version_text, sizeof version_text)) < 0)
        return rc;
    return CK_OK;
}

/* One feature of feature_spec.schema, appended to `schema`. */
static int read_feature(const reader *r, const cJSON *f, const char *at, ck_schema *schema)
{
    char path[PATH_LEN];
    const char *name, *kind;
    const cJSON *it;
    int rc;
    if (!cJSON_IsObject(f))
        return r_fail(r, CK_EINVAL, "%s: expected an object", at);
    if ((it = member(r, f, at, "name", path)) == NULL)
        return CK_EINVAL;
    /* any string, "" included: a table's unnamed column (a saved index) is a feature */
    if ((rc = want_string(r, it, path, &name)) < 0)
        return rc;
    if (ck_schema_find(schema, name) >= 0)
        return r_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", path, name);
    if ((it = member(r, f, at, "kind", path)) == NULL)
        return CK_EINVAL;
    if ((rc = want_string(r, it, path, &kind)) < 0)
        return rc;
    ck_feature_kind k;
    if (strcmp(kind, "numeric") == 0)
        k = CK_FEATURE_NUMERIC;
    else if (strcmp(kind, "categorical") == 0)
        k = CK_FEATURE_CATEGORICAL;
    else
        return r_fail(r, CK_EINVAL, "%s: expected \"numeric\" or \"categorical\", got \"%s\"", path,
                      kind);
    int j = ck_schema_add_feature(schema, name, k, r->err);
    if (j < 0)
        return j;

    path_key(path, at, "levels");
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(f, "levels");
    if (k == CK_FEATURE_NUMERIC) {
        if (levels != NULL && !(cJSON_IsArray(levels) && cJSON_GetArraySize(levels) == 0))
            return r_fail(r, CK_EINVAL, "%s: a numeric feature has no levels", path);
        return CK_OK;
    }
    if (levels == NULL)
        return r_fail(r, CK_EINVAL, "%s: missing", path);
    if (!cJSON_IsArray(levels))
        return r_fail(r, CK_EINVAL, "%s: expected an array", path);
    size_t i = 0;
    for (const cJSON *level = levels->child; level; level = level->next, i++) {
        char level_path[PATH_LEN];
        const char *s;
        path_index(level_path, path, i);
        if ((rc = want_string(r, level, level_path, &s)) < 0)
            return rc;
        int code = ck_schema_add_level(schema, (size_t)j, s, strlen(s), r->err);
        if (code < 0)
            return code;
        if ((size_t)code != i)
            return r_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", level_path, s);
    }
    return CK_OK;
}

static int read_spec(const reader *r, const cJSON *root, ck_model_spec *spec, ck_schema *schema)
{
    char at[PATH_LEN], path[PATH_LEN];
    const cJSON *s, *it;
    const char *source;
    int rc;
    if ((rc = get_object(r, root, "", "feature_spec", &s, at)) < 0)
        return rc;
    if ((it = member(r, s, at, "source", path)) == NULL)
        return CK_EINVAL;
    if ((rc = want_string(r, it, path, &source)) < 0)
        return rc;
    if (strcmp(source, "events") == 0)
        spec->source = CK_SOURCE_EVENTS;
    else if (strcmp(source, "table") == 0)
        spec->source = CK_SOURCE_TABLE;
    else
        return r_fail(r, CK_EINVAL, "%s: expected \"events\" or \"table\", got \"%s\"", path,
                      source);
    const cJSON *config;
    if ((rc = get_object(r, s, at, "config", &config, path)) < 0 ||
        (rc = ck__config_from_json(&spec->config, config, r->file, r->err)) < 0 ||
        (rc = get_string(r, s, at, "id_column", spec->id_column, sizeof spec->id_column)) < 0 ||
        (rc = get_string(r, s, at, "label_column", spec->label_column, sizeof spec->label_column)) <
            0)
        return rc;
    const cJSON *features;
    size_t n;
    if ((rc = get_array(r, s, at, "schema", SIZE_MAX, &features, &n, path)) < 0)
        return rc;
    size_t j = 0;
    for (const cJSON *f = features->child; f; f = f->next, j++) {
        char feature_path[PATH_LEN];
        path_index(feature_path, path, j);
        if ((rc = read_feature(r, f, feature_path, schema)) < 0)
            return rc;
    }
    return CK_OK;
}

/* "features" repeats the schema's names, for a reader of the file; they must agree. */
static int read_features(const reader *r, const cJSON *root, const ck_schema *schema)
{
    char path[PATH_LEN];
    const cJSON *features;
    size_t n;
    int rc = get_array(r, root, "", "features", SIZE_MAX, &features, &n, path);
    if (rc < 0)
        return rc;
    if (n != ck_schema_n_features(schema))
        return r_fail(r, CK_EINVAL, "features: %zu names for %zu features in feature_spec.schema",
                      n, ck_schema_n_features(schema));
    size_t j = 0;
    for (const cJSON *f = features->child; f; f = f->next, j++) {
        const char *name;
        path_index(path, "features", j);
        if ((rc = want_string(r, f, path, &name)) < 0)
            return rc;
        if (strcmp(name, ck_schema_name(schema, j)) != 0)
            return r_fail(r, CK_EINVAL, "%s: \"%s\" differs from feature_spec.schema[%zu] \"%s\"",
                          path, name, j, ck_schema_name(schema, j));
    }
    return CK_OK;
}

/* A uint64 written as a decimal string. */
static int get_seed(const reader *r, const cJSON *o, const char *at, uint64_t *out)
{
    char path[PATH_LEN];
    const char *seed;
    const cJSON *it = member(r, o, at, "seed", path);
    int rc = it ? want_string(r, it, path, &seed) : CK_EINVAL;
    if (rc < 0)
        return rc;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(seed, &end, 10);
    if (seed[0] < '0' || seed[0] > '9' || *end != '\0' || errno == ERANGE)
        return r_fail(r, CK_EINVAL, "%s: expected a whole number from 0 to 2^64 - 1 as a string",
                      path);
    *out = (uint64_t)v;
    return CK_OK;
}

static int read_gbm_params(const reader *r, const cJSON *root, ck_gbm_params *p)
{
    char at[PATH_LEN];
    const cJSON *o;
    int rc;
    if ((rc = get_object(r, root, "", "params", &o, at)) < 0 ||
        (rc = get_int(r, o, at, "rounds", &p->rounds)) < 0 ||
        (rc = get_number(r, o, at, "learning_rate", &p->learning_rate)) < 0 ||
        (rc = get_int(r, o, at, "max_bins", &p->max_bins)) < 0 ||
        (rc = get_number(r, o, at, "lambda", &p->lambda)) < 0 ||
        (rc = get_number(r, o, at, "min_child_weight", &p->min_child_weight)) < 0 ||
        (rc = get_int(r, o, at, "min_samples_leaf", &p->min_samples_leaf)) < 0 ||
        (rc = get_int(r, o, at, "patience", &p->patience)) < 0 ||
        (rc = get_number(r, o, at, "pos_weight", &p->pos_weight)) < 0 ||
        (rc = get_number(r, o, at, "subsample", &p->subsample)) < 0 ||
        (rc = get_seed(r, o, at, &p->seed)) < 0)
        return rc;
    /* not in the file: the model does not depend on it */
    p->n_threads = 1;
    return CK_OK;
}

/* A string that must be one of names[0..n), as its index. */
static int get_choice(const reader *r, const cJSON *o, const char *at, const char *key,
                      const char *const *names, int n, const char *expected, int *out)
{
    char path[PATH_LEN];
    const char *s;
    const cJSON *it = member(r, o, at, key, path);
    int rc = it ? want_string(r, it, path, &s) : CK_EINVAL;
    if (rc < 0)
        return rc;
    for (int k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0) {
            *out = k;
            return CK_OK;
        }
    return r_fail(r, CK_EINVAL, "%s: expected %s, got \"%s\"", path, expected, s);
}

/* A number with lo < v (or lo <= v when lo_closed) and v < hi. */
static int get_in_range(const reader *r, const cJSON *o, const char *at, const char *key, double lo,
                        bool lo_closed, double hi, const char *expected, double *out)
{
    char path[PATH_LEN];
    int rc = get_number(r, o, at, key, out);
    if (rc < 0)
        return rc;
    if (!((lo_closed ? *out >= lo : *out > lo) && *out < hi)) {
        path_key(path, at, key);
        return r_fail(r, CK_EINVAL, "%s: expected %s", path, expected);
    }
    return CK_OK;
}

static int read_logreg_params(const reader *r, const cJSON *root, ck_logreg_params *p)
{
    static const char *const solvers[] = { "newton", "lbfgs", "liblinear" };
    static const char *const penalties[] = { "l2", "l1" };
    char at[PATH_LEN], path[PATH_LEN];
    const cJSON *o, *grid;
    int solver = 0, penalty = 0, rc;
    if ((rc = get_object(r, root, "", "params", &o, at)) < 0 ||
        (rc = get_choice(r, o, at, "solver", solvers, 3, "\"newton\", \"lbfgs\" or \"liblinear\"",
                         &solver)) < 0 ||
        (rc = get_choice(r, o, at, "penalty", penalties, 2, "\"l2\" or \"l1\"", &penalty)) < 0)
        return rc;
    p->solver = (ck_logreg_solver)solver;
    p->penalty = penalty == 1 ? CK_LOGREG_L1 : CK_LOGREG_L2;
    if (p->penalty == CK_LOGREG_L1 && p->solver != CK_LOGREG_LIBLINEAR)
        return r_fail(r, CK_EINVAL, "params.penalty: \"l1\" needs the \"liblinear\" solver");
    if ((rc = get_in_range(r, o, at, "C", 0, false, HUGE_VAL, "a positive number", &p->C)) < 0 ||
        (rc = get_in_range(r, o, at, "pos_weight", 0, false, HUGE_VAL, "a positive number",
                           &p->pos_weight)) < 0 ||
        (rc = get_in_range(r, o, at, "tol", 0, false, 1, "a number in (0, 1)", &p->tol)) < 0 ||
        (rc = get_int(r, o, at, "max_iter", &p->max_iter)) < 0 ||
        (rc = get_in_range(r, o, at, "clip", 0, true, 0.5, "a number in [0, 0.5)", &p->clip)) < 0 ||
        (rc = get_int(r, o, at, "cv_folds", &p->cv_folds)) < 0)
        return rc;
    if (p->cv_folds == 1 || p->cv_folds > 100)
        return r_fail(r, CK_EINVAL, "params.cv_folds: expected 0 or 2 to 100");
    if ((rc = get_array(r, o, at, "C_grid", CK_LOGREG_MAX_GRID, &grid, &p->n_grid, path)) < 0)
        return rc;
    size_t g = 0;
    for (const cJSON *it = grid->child; it; it = it->next, g++) {
        char item_path[PATH_LEN];
        path_index(item_path, path, g);
        if ((rc = want_number(r, it, item_path, &p->grid[g])) < 0)
            return rc;
        if (!(p->grid[g] > 0))
            return r_fail(r, CK_EINVAL, "%s: expected a positive number", item_path);
    }
    if ((rc = get_seed(r, o, at, &p->seed)) < 0)
        return rc;
    p->n_threads = 1;
    return CK_OK;
}

/* A date string and a Unix time that must name the same day. */
static int check_cutoff(const reader *r, const cJSON *date, const cJSON *unix_time,
                        const char *date_path, const char *unix_path, int64_t *out)
{
    const char *s;
    double v;
    char formatted[16];
    int rc;
    if ((rc = want_string(r, date, date_path, &s)) < 0 ||
        (rc = want_integer(r, unix_time, unix_path, -EXACT_INT, EXACT_INT, &v)) < 0)
        return rc;
    ck_ts_format_date((int64_t)v, formatted);
    if (strcmp(formatted, s) != 0)
        return r_fail(r, CK_EINVAL, "%s: \"%s\" is not the day of %s (%s)", date_path, s, unix_path,
                      formatted);
    *out = (int64_t)v;
    return CK_OK;
}

static int read_inputs(const reader *r, const cJSON *o, const char *at, ck_model_training *t)
{
    char path[PATH_LEN], in_path[PATH_LEN];
    const cJSON *inputs;
    int rc;
    if ((rc = get_array(r, o, at, "inputs", CK_MODEL_MAX_INPUTS, &inputs, &t->n_inputs, path)) < 0)
        return rc;
    size_t i = 0;
    for (const cJSON *in = inputs->child; in; in = in->next, i++) {
        ck_model_input *mi = &t->inputs[i];
        path_index(in_path, path, i);
        if (!cJSON_IsObject(in))
            return r_fail(r, CK_EINVAL, "%s: expected an object", in_path);
        if ((rc = get_string(r, in, in_path, "role", mi->role, sizeof mi->role)) < 0 ||
            (rc = get_string(r, in, in_path, "path", mi->path, sizeof mi->path)) < 0 ||
            (rc = get_string(r, in, in_path, "sha256", mi->sha256, sizeof mi->sha256)) < 0)
            return rc;
        size_t n_hex = strspn(mi->sha256, "0123456789abcdef");
        if (n_hex != 64 || mi->sha256[64] != '\0') {
            char key_path[PATH_LEN];
            path_key(key_path, in_path, "sha256");
            return r_fail(r, CK_EINVAL, "%s: expected 64 lowercase hex digits", key_path);
        }
    }
    return CK_OK;
}

static int read_training(const reader *r, const cJSON *root, ck_model_training *t)
{
    char at[PATH_LEN], dates_path[PATH_LEN], unix_path[PATH_LEN];
    const cJSON *o, *dates, *unix_times;
    size_t n_unix;
    int rc;
    if ((rc = get_object(r, root, "", "training", &o, at)) < 0 ||
        (rc = get_count(r, o, at, "rows", &t->rows)) < 0 ||
        (rc = get_count(r, o, at, "positives", &t->positives)) < 0 ||
        (rc = get_count(r, o, at, "valid_rows", &t->valid_rows)) < 0 ||
        (rc = get_count(r, o, at, "valid_positives", &t->valid_positives)) < 0)
        return rc;
    if (t->positives > t->rows || t->valid_positives > t->valid_rows)
        return r_fail(r, CK_EINVAL, "training: more positives than rows");
    if ((rc = get_array(r, o, at, "cutoffs", CK_MODEL_MAX_CUTOFFS, &dates, &t->n_cutoffs,
                        dates_path)) < 0 ||
        (rc = get_array(r, o, at, "cutoffs_unix", CK_MODEL_MAX_CUTOFFS, &unix_times, &n_unix,
                        unix_path)) < 0)
        return rc;
    if (n_unix != t->n_cutoffs)
        return r_fail(r, CK_EINVAL, "%s: %zu times for %zu cutoffs", unix_path, n_unix,
                      t->n_cutoffs);
    const cJSON *d = dates->child, *u = unix_times->child;
    for (size_t i = 0; d && u; d = d->next, u = u->next, i++) {
        char date_i[PATH_LEN], unix_i[PATH_LEN];
        path_index(date_i, dates_path, i);
        path_index(unix_i, unix_path, i);
        if ((rc = check_cutoff(r, d, u, date_i, unix_i, &t->cutoffs[i])) < 0)
            return rc;
    }
    const cJSON *valid_date = member(r, o, at, "valid_cutoff", dates_path);
    const cJSON *valid_unix = valid_date ? member(r, o, at, "valid_cutoff_unix", unix_path) : NULL;
    if (valid_unix == NULL)
        return CK_EINVAL;
    t->valid_cutoff = 0;
    if (cJSON_IsNull(valid_date) != cJSON_IsNull(valid_unix))
        return r_fail(r, CK_EINVAL, "%s: null, and %s not, or the other way round", dates_path,
                      unix_path);
    if (!cJSON_IsNull(valid_date) &&
        (rc = check_cutoff(r, valid_date, valid_unix, dates_path, unix_path, &t->valid_cutoff)) < 0)
        return rc;
    return read_inputs(r, o, at, t);
}

/* 101 ascending finite numbers at `path` (an optional member: absent is fine). */
static int read_percentiles(const reader *r, const cJSON *arr, const char *path, double *out)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != CK_SCORE_QUANTILES)
        return r_fail(r, CK_EINVAL, "%s: expected %d ascending numbers", path, CK_SCORE_QUANTILES);
    int k = 0;
    for (const cJSON *it = arr->child; it; it = it->next, k++) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
            (k > 0 && it->valuedouble < out[k - 1]))
            return r_fail(r, CK_EINVAL, "%s: expected %d ascending numbers", path,
                          CK_SCORE_QUANTILES);
        out[k] = it->valuedouble;
    }
    return CK_OK;
}

/* The training score distribution, optional (files before it was stored score without
 * percentiles). */
static int read_score_percentiles(const reader *r, const cJSON *metrics, ck_model_training *t)
{
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(metrics, "score_percentiles");
    const cJSON *stages = cJSON_GetObjectItemCaseSensitive(metrics, "stage_score_percentiles");
    t->has_score_percentiles = q != NULL;
    if (q == NULL)
        return CK_OK;
    int rc = read_percentiles(r, q, "metrics.score_percentiles", t->score_percentiles);
    for (const cJSON *s = stages ? stages->child : NULL; rc == CK_OK && s; s = s->next) {
        if (t->n_stage_percentiles == 8 || strlen(s->string) >= CK_NAME_MAX)
            return r_fail(r, CK_EINVAL, "metrics.stage_score_percentiles: too many stages");
        size_t i = t->n_stage_percentiles++;
        snprintf(t->stage_names[i], CK_NAME_MAX, "%s", s->string);
        rc = read_percentiles(r, s, "metrics.stage_score_percentiles", t->stage_percentiles[i]);
    }
    return rc;
}

/* The metrics of every model; `report` (logreg only, else NULL) takes the solver's
 * record. */
static int read_metrics(const reader *r, const cJSON *root, ck_model_training *t,
                        ck_logreg_report *report)
{
    char at[PATH_LEN], path[PATH_LEN];
    const cJSON *o, *cv;
    int rc;
    if ((rc = get_object(r, root, "", "metrics", &o, at)) < 0)
        return rc;
    if (report == NULL && (rc = get_int(r, o, at, "rounds_kept", &t->rounds_kept)) < 0)
        return rc;
    if ((rc = get_metric(r, o, at, "train_logloss", &t->train_logloss)) < 0 ||
        (rc = get_metric(r, o, at, "valid_logloss", &t->valid_logloss)) < 0 ||
        (rc = get_metric(r, o, at, "train_auc", &t->train_auc)) < 0 ||
        (rc = get_metric(r, o, at, "valid_auc", &t->valid_auc)) < 0 ||
        (rc = read_score_percentiles(r, o, t)) < 0)
        return rc;
    if (report == NULL)
        return CK_OK;
    if ((rc = get_int(r, o, at, "iterations", &report->iterations)) < 0 ||
        (rc = get_number(r, o, at, "objective", &report->objective)) < 0 ||
        (rc = get_metric(r, o, at, "gradient_norm", &report->grad_norm)) < 0 ||
        (rc = get_bool(r, o, at, "converged", &report->converged)) < 0 ||
        (rc = get_array(r, o, at, "cv", CK_LOGREG_MAX_GRID, &cv, &report->n_cv, path)) < 0)
        return rc;
    size_t g = 0;
    for (const cJSON *it = cv->child; it; it = it->next, g++) {
        char point[PATH_LEN];
        path_index(point, path, g);
        if (!cJSON_IsObject(it))
            return r_fail(r, CK_EINVAL, "%s: expected an object", point);
        if ((rc = get_number(r, it, point, "C", &report->cv_C[g])) < 0 ||
            (rc = get_number(r, it, point, "logloss", &report->cv_logloss[g])) < 0)
            return rc;
    }
    report->train_logloss = t->train_logloss;
    report->valid_logloss = t->valid_logloss;
    report->train_auc = t->train_auc;
    report->valid_auc = t->valid_auc;
    return CK_OK;
}

/* The feature a stump or table names; its index, or -1 after an error. */
static long feature_of(const reader *r, const cJSON *o, const char *at, const ck_schema *schema)
{
    char path[PATH_LEN];
    const char *name;
    const cJSON *it = member(r, o, at, "feature", path);
    if (it == NULL || want_string(r, it, path, &name) < 0)
        return -1;
    long j = ck_schema_find(schema, name);
    if (j < 0)
        r_fail(r, CK_EINVAL, "%s: unknown feature \"%s\"", path, name);
    return j;
}

static int read_stump(const reader *r, const cJSON *o, const char *at, const ck_schema *schema,
                      ck__stump *s)
{
    char path[PATH_LEN];
    int rc;
    if (!cJSON_IsObject(o))
        return r_fail(r, CK_EINVAL, "%s: expected an object", at);
    long j = feature_of(r, o, at, schema);
    if (j < 0)
        return CK_EINVAL;
    s->feature = (uint32_t)j;
    if (ck_schema_kind(schema, (size_t)j) == CK_FEATURE_NUMERIC) {
        if ((rc = get_number(r, o, at, "threshold", &s->threshold)) < 0)
            return rc;
    } else {
        const cJSON *levels;
        size_t n, n_levels = ck_schema_n_levels(schema, (size_t)j);
        if ((rc = get_array(r, o, at, "left_levels", n_levels, &levels, &n, path)) < 0)
            return rc;
        s->left_levels = ck__alloc_array(n, sizeof *s->left_levels);
        if (s->left_levels == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        for (const cJSON *it = levels->child; it; it = it->next) {
            char level_path[PATH_LEN];
            const char *level;
            path_index(level_path, path, s->n_left_levels);
            if ((rc = want_string(r, it, level_path, &level)) < 0)
                return rc;
            size_t code = ck_schema_level_code(schema, (size_t)j, level, strlen(level));
            if (code == n_levels)
                return r_fail(r, CK_EINVAL, "%s: unknown level \"%s\" of \"%s\"", level_path, level,
                              ck_schema_name(schema, (size_t)j));
            for (size_t k = 0; k < s->n_left_levels; k++)
                if (s->left_levels[k] == code)
                    return r_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", level_path, level);
            s->left_levels[s->n_left_levels++] = (uint32_t)code;
        }
    }
    if ((rc = get_bool(r, o, at, "missing_left", &s->missing_left)) < 0 ||
        (rc = get_number(r, o, at, "left", &s->left_value)) < 0 ||
        (rc = get_number(r, o, at, "right", &s->right_value)) < 0 ||
        (rc = get_number(r, o, at, "gain", &s->gain)) < 0)
        return rc;
    return CK_OK;
}

/* An array of exactly `n` numbers into a new array *out (NULL when n is 0). */
static int get_numbers(const reader *r, const cJSON *o, const char *at, const char *key, size_t n,
                       const char *what, double **out)
{
    *out = NULL;
    char path[PATH_LEN];
    const cJSON *arr;
    size_t got;
    int rc = get_array(r, o, at, key, SIZE_MAX, &arr, &got, path);
    if (rc < 0)
        return rc;
    if (got != n)
        return r_fail(r, CK_EINVAL, "%s: expected %zu numbers (%s), got %zu", path, n, what, got);
    *out = ck__alloc_array(n, sizeof **out);
    if (*out == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    size_t k = 0;
    for (const cJSON *it = arr->child; it; it = it->next, k++) {
        char item_path[PATH_LEN];
        path_index(item_path, path, k);
        if ((rc = want_number(r, it, item_path, &(*out)[k])) < 0)
            return rc;
    }
    return CK_OK;
}

static int read_table(const reader *r, const cJSON *o, const char *at, const ck_schema *schema,
                      size_t j, ck__step_table *t)
{
    char path[PATH_LEN];
    int rc;
    if (!cJSON_IsObject(o))
        return r_fail(r, CK_EINVAL, "%s: expected an object", at);
    long named = feature_of(r, o, at, schema);
    if (named < 0)
        return CK_EINVAL;
    if ((size_t)named != j) {
        path_key(path, at, "feature");
        return r_fail(r, CK_EINVAL, "%s: expected \"%s\" (tables follow the order of features)",
                      path, ck_schema_name(schema, j));
    }
    if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC) {
        const cJSON *arr;
        if ((rc = get_array(r, o, at, "thresholds", SIZE_MAX, &arr, &t->n_thresholds, path)) < 0 ||
            (rc = get_numbers(r, o, at, "thresholds", t->n_thresholds, "thresholds",
                              &t->thresholds)) < 0)
            return rc;
        for (size_t k = 1; k < t->n_thresholds; k++)
            if (t->thresholds[k] < t->thresholds[k - 1])
                return r_fail(r, CK_EINVAL, "%s[%zu]: thresholds not in ascending order", path, k);
        if ((rc = get_numbers(r, o, at, "values", t->n_thresholds + 1, "one more than thresholds",
                              &t->values)) < 0)
            return rc;
    } else {
        t->n_levels = ck_schema_n_levels(schema, j);
        if ((rc = get_numbers(r, o, at, "level_values", t->n_levels, "one per level",
                              &t->level_values)) < 0 ||
            (rc = get_number(r, o, at, "unseen", &t->unseen_value)) < 0)
            return rc;
    }
    return get_number(r, o, at, "missing", &t->missing_value);
}

static void free_tables(ck__step_table *tables, size_t n)
{
    for (size_t j = 0; tables && j < n; j++) {
        free(tables[j].thresholds);
        free(tables[j].values);
        free(tables[j].level_values);
    }
    free(tables);
}

/* Stored table `s` against table `c` compiled from the stumps; on agreement the stored
 * numbers replace the compiled ones (see the top of the file). */
static int check_table(const reader *r, const ck__step_table *s, ck__step_table *c, size_t j)
{
    char at[PATH_LEN];
    path_index(at, "body.tables", j);
    if (s->n_thresholds != c->n_thresholds || s->n_levels != c->n_levels)
        return r_fail(r, CK_EINVAL,
                      "%s: does not match the stumps (%zu thresholds and %zu levels stored, %zu "
                      "and %zu from the stumps)",
                      at, s->n_thresholds, s->n_levels, c->n_thresholds, c->n_levels);
    const struct {
        const char *name;
        const double *stored;
        double *compiled;
        size_t n;
    } parts[] = {
        { "thresholds", s->thresholds, c->thresholds, s->n_thresholds },
        { "values", s->values, c->values, s->values ? s->n_thresholds + 1 : 0 },
        { "level_values", s->level_values, c->level_values, s->n_levels },
        { "unseen", &s->unseen_value, &c->unseen_value, s->level_values ? 1 : 0 },
        { "missing", &s->missing_value, &c->missing_value, 1 },
    };
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++)
        for (size_t k = 0; k < parts[p].n; k++)
            if (!same_number(parts[p].stored[k], parts[p].compiled[k]))
                return r_fail(r, CK_EINVAL,
                              "%s.%s: does not match the stumps (%.17g stored, %.17g from the "
                              "stumps)",
                              at, parts[p].name, parts[p].stored[k], parts[p].compiled[k]);
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++)
        if (parts[p].n > 0)
            memcpy(parts[p].compiled, parts[p].stored, parts[p].n * sizeof(double));
    return CK_OK;
}

static int read_gbm_body(const reader *r, const cJSON *root, ck_gbm *gbm)
{
    char at[PATH_LEN], path[PATH_LEN];
    const cJSON *body, *stumps, *tables;
    size_t n_stumps, n_tables, n_features = ck_schema_n_features(gbm->schema);
    ck__step_table *stored = NULL;
    int rc;
    if ((rc = get_object(r, root, "", "body", &body, at)) < 0 ||
        (rc = get_number(r, body, at, "base_score", &gbm->base_score)) < 0 ||
        (rc = get_array(r, body, at, "stumps", SIZE_MAX, &stumps, &n_stumps, path)) < 0)
        return rc;
    /* calloc: every left_levels is NULL until read, so a failure part way frees cleanly */
    gbm->stumps = calloc(n_stumps ? n_stumps : 1, sizeof *gbm->stumps);
    if (gbm->stumps == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    gbm->n_stumps = n_stumps;
    size_t i = 0;
    for (const cJSON *s = stumps->child; s; s = s->next, i++) {
        char stump_path[PATH_LEN];
        path_index(stump_path, path, i);
        if ((rc = read_stump(r, s, stump_path, gbm->schema, &gbm->stumps[i])) < 0)
            return rc;
    }

    if ((rc = get_array(r, body, at, "tables", SIZE_MAX, &tables, &n_tables, path)) < 0)
        return rc;
    if (n_tables != n_features)
        return r_fail(r, CK_EINVAL, "%s: expected %zu tables (one per feature), got %zu", path,
                      n_features, n_tables);
    stored = calloc(n_features ? n_features : 1, sizeof *stored);
    if (stored == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    size_t j = 0;
    for (const cJSON *t = tables->child; t; t = t->next, j++) {
        char table_path[PATH_LEN];
        path_index(table_path, path, j);
        if ((rc = read_table(r, t, table_path, gbm->schema, j, &stored[j])) < 0)
            goto done;
    }
    if ((rc = ck__gbm_compile(gbm, r->err)) < 0)
        goto done;
    for (j = 0; j < n_features; j++)
        if ((rc = check_table(r, &stored[j], &gbm->tables[j], j)) < 0)
            goto done;
    rc = ck__gbm_index(gbm, r->err); /* the stored tables now score */
done:
    free_tables(stored, n_features);
    return rc;
}

/* One term of body.terms: feature j's preprocessing and coefficients into m. */
static int read_term(const reader *r, const cJSON *o, const char *at, ck_logreg *m, size_t j)
{
    char path[PATH_LEN];
    int rc;
    if (!cJSON_IsObject(o))
        return r_fail(r, CK_EINVAL, "%s: expected an object", at);
    long named = feature_of(r, o, at, m->schema);
    if (named < 0)
        return CK_EINVAL;
    if ((size_t)named != j) {
        path_key(path, at, "feature");
        return r_fail(r, CK_EINVAL, "%s: expected \"%s\" (terms follow the order of features)",
                      path, ck_schema_name(m->schema, j));
    }
    ck_logreg_feature *f = &m->features[j];
    if (f->categorical) {
        double *coefs;
        if ((rc = get_numbers(r, o, at, "level_coefs", f->n_levels, "one per level", &coefs)) < 0)
            return rc;
        /* the model owns the storage behind the borrowed pointer */
        memcpy(m->level_coefs + (f->level_coefs - m->level_coefs), coefs,
               f->n_levels * sizeof *coefs);
        free(coefs);
    } else {
        if ((rc = get_number(r, o, at, "center", &f->center)) < 0 ||
            (rc = get_in_range(r, o, at, "scale", 0, false, HUGE_VAL, "a positive number",
                               &f->scale)) < 0)
            return rc;
        const cJSON *clip = member(r, o, at, "clip", path);
        if (clip == NULL)
            return CK_EINVAL;
        f->clipped = !cJSON_IsNull(clip);
        if (f->clipped) {
            bool pair = cJSON_IsArray(clip) && cJSON_GetArraySize(clip) == 2 &&
                        cJSON_IsNumber(clip->child) && cJSON_IsNumber(clip->child->next);
            f->clip_low = pair ? clip->child->valuedouble : NAN;
            f->clip_high = pair ? clip->child->next->valuedouble : NAN;
            if (!(isfinite(f->clip_low) && isfinite(f->clip_high) && f->clip_low <= f->clip_high))
                return r_fail(r, CK_EINVAL, "%s: expected null or [low, high] with low <= high",
                              path);
        }
        double stored;
        if ((rc = get_number(r, o, at, "coef", &f->coef)) < 0 ||
            (rc = get_number(r, o, at, "coef_original", &stored)) < 0)
            return rc;
        f->coef_original = f->coef / f->scale;
        if (!same_number(stored, f->coef_original)) {
            path_key(path, at, "coef_original");
            return r_fail(r, CK_EINVAL,
                          "%s: does not match coef / scale (%.17g stored, %.17g computed)", path,
                          stored, f->coef_original);
        }
        f->coef_original = stored;
    }
    const cJSON *missing = member(r, o, at, "missing_coef", path);
    if (missing == NULL)
        return CK_EINVAL;
    f->has_missing = !cJSON_IsNull(missing);
    f->missing_coef = 0;
    if (f->has_missing && !(cJSON_IsNumber(missing) && isfinite(missing->valuedouble)))
        return r_fail(r, CK_EINVAL, "%s: expected a number or null", path);
    if (f->has_missing)
        f->missing_coef = missing->valuedouble;
    return CK_OK;
}

/* The logistic-regression body. Like the stumps' tables, the original-scale numbers are
 * computed again from the standardised ones and must agree within TABLE_TOL, so a file
 * edited by hand is refused; the stored numbers are then kept. */
static int read_logreg_body(const reader *r, const cJSON *root, ck_logreg *m)
{
    char at[PATH_LEN], path[PATH_LEN];
    const cJSON *body, *terms;
    size_t n_terms, n_features = ck_schema_n_features(m->schema);
    double stored;
    int rc;
    if ((rc = get_object(r, root, "", "body", &body, at)) < 0 ||
        (rc = get_number(r, body, at, "intercept", &m->intercept)) < 0 ||
        (rc = get_number(r, body, at, "intercept_original", &stored)) < 0 ||
        (rc = get_array(r, body, at, "terms", SIZE_MAX, &terms, &n_terms, path)) < 0)
        return rc;
    if (n_terms != n_features)
        return r_fail(r, CK_EINVAL, "%s: expected %zu terms (one per feature), got %zu", path,
                      n_features, n_terms);
    size_t j = 0;
    for (const cJSON *t = terms->child; t; t = t->next, j++) {
        char term_path[PATH_LEN];
        path_index(term_path, path, j);
        if ((rc = read_term(r, t, term_path, m, j)) < 0)
            return rc;
    }
    ck__logreg_layout(m);
    double computed = ck_logreg_intercept(m, true);
    if (!same_number(stored, computed))
        return r_fail(r, CK_EINVAL,
                      "body.intercept_original: does not match the terms (%.17g stored, %.17g "
                      "from intercept, coef, center and scale)",
                      stored, computed);
    return CK_OK;
}

/* The body of each model type, after the members they share, in the order of the file;
 * the body's constructor takes `schema`. */
static int load_gbm(ck_model **out, const reader *r, const cJSON *root, ck_schema **schema,
                    const ck_model_spec *spec, ck_model_training *training)
{
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    int rc;
    if ((rc = read_gbm_params(r, root, &params)) < 0 ||
        (rc = read_training(r, root, training)) < 0 ||
        (rc = read_metrics(r, root, training, NULL)) < 0)
        return rc;
    ck_gbm *gbm = calloc(1, sizeof *gbm);
    if (gbm == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    gbm->schema = *schema;
    *schema = NULL;
    if ((rc = read_gbm_body(r, root, gbm)) < 0) {
        ck_gbm_free(gbm);
        return rc;
    }
    return ck_model_new_gbm(out, gbm, &params, spec, training, r->err);
}

static int load_logreg(ck_model **out, const reader *r, const cJSON *root, ck_schema **schema,
                       const ck_model_spec *spec, ck_model_training *training)
{
    ck_logreg_params params = CK_LOGREG_PARAMS_INIT;
    ck_logreg_report report;
    ck_logreg *m = NULL;
    int rc;
    memset(&report, 0, sizeof report);
    if ((rc = read_logreg_params(r, root, &params)) < 0 ||
        (rc = read_training(r, root, training)) < 0 ||
        (rc = read_metrics(r, root, training, &report)) < 0 ||
        (rc = ck__logreg_new(&m, *schema, r->err)) < 0)
        return rc;
    if ((rc = read_logreg_body(r, root, m)) < 0) {
        ck_logreg_free(m);
        return rc;
    }
    report.C = params.C;
    report.n_columns = m->n_columns;
    return ck_model_new_logreg(out, m, &params, &report, spec, training, r->err);
}

/* Each feature's mean contribution over the training rows, optional (older files have
 * none). */
static int read_contribution_means(const reader *r, const cJSON *root, ck_model *model)
{
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(root, "metrics");
    const cJSON *means = cJSON_GetObjectItemCaseSensitive(metrics, "contribution_means");
    if (means == NULL)
        return CK_OK;
    size_t n = ck_schema_n_features(ck_model_schema(model)), k = 0;
    if (!cJSON_IsArray(means) || (size_t)cJSON_GetArraySize(means) != n)
        return r_fail(r, CK_EINVAL, "metrics.contribution_means: expected %zu numbers", n);
    model->contribution_means = ck__alloc_array(n + 1, sizeof *model->contribution_means);
    if (model->contribution_means == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    for (const cJSON *it = means->child; it; it = it->next, k++) {
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
            return r_fail(r, CK_EINVAL, "metrics.contribution_means[%zu]: expected a number", k);
        model->contribution_means[k] = it->valuedouble;
    }
    return CK_OK;
}

int ck_model_load(ck_model **out, const char *path, ck_error *err)
{
    *out = NULL;
    const reader r = { path, err };
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    ck_schema *schema = NULL;
    ck_model_spec *spec = calloc(1, sizeof *spec);
    ck_model_training *training = calloc(1, sizeof *training);
    ck_model_type type = CK_MODEL_GBM_STUMPS;
    int rc;
    if (spec == NULL || training == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    if ((rc = read_text(&text, &len, path, err)) < 0)
        goto done;
    const char *end = NULL;
    root = cJSON_ParseWithOpts(text, &end, 1);
    if (root == NULL || strlen(text) != len) {
        rc = ck_error_set(err, CK_EPARSE, path, end ? line_of(text, end) : 0, "invalid JSON");
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        rc = r_fail(&r, CK_EINVAL, "not a churnkit model");
        goto done;
    }
    if ((rc = read_header(&r, root, &type, training)) < 0 ||
        (rc = ck_schema_new(&schema, err)) < 0 || (rc = read_spec(&r, root, spec, schema)) < 0 ||
        (rc = read_features(&r, root, schema)) < 0)
        goto done;
    rc = type == CK_MODEL_LOGREG ? load_logreg(out, &r, root, &schema, spec, training)
                                 : load_gbm(out, &r, root, &schema, spec, training);
    if (rc == CK_OK && (rc = read_contribution_means(&r, root, *out)) < 0) {
        ck_model_free(*out);
        *out = NULL;
    }
done:
    ck_schema_free(schema);
    cJSON_Delete(root);
    free(text);
    free(training);
    free(spec);
    return rc;
}
