/*
 * Boosted stumps in the model file (models/FORMAT.md): "params", the "rounds_kept"
 * metric, and the body, written and read through the JSON layer (io/json.h).
 *
 * The body holds the stumps as trained and the step tables they compile into. Reading
 * compiles the tables again from the stumps, and they must agree with the stored ones
 * (ck__learner_same_number), so a file edited by hand, or corrupted, is refused instead of
 * scoring something other than what was trained; the stored tables are then the ones
 * used, so a model scores tomorrow exactly as it scored when it was saved.
 */
#include "learn/gbm/gbm_io.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/gbm/gbm_int.h"

/* ---- writing ------------------------------------------------------------------------ */

/* Every parameter but n_threads: the model is the same for any thread count, and so is
 * its file. The seed is a decimal string, as a uint64 may not fit in a double. */
void ck__gbm_write_params(const void *fit, ck__json_writer *w, ck__json *o)
{
    const ck_gbm_params *p = &((const ck__gbm_fit *)fit)->params;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->seed);
    ck__json_put(w, o, "rounds", ck__json_new_integer(w, p->rounds));
    ck__json_put(w, o, "learning_rate",
                 ck__json_new_number(w, p->learning_rate, "params.learning_rate"));
    ck__json_put(w, o, "max_bins", ck__json_new_integer(w, p->max_bins));
    ck__json_put(w, o, "lambda", ck__json_new_number(w, p->lambda, "params.lambda"));
    ck__json_put(w, o, "min_child_weight",
                 ck__json_new_number(w, p->min_child_weight, "params.min_child_weight"));
    ck__json_put(w, o, "min_samples_leaf", ck__json_new_integer(w, p->min_samples_leaf));
    ck__json_put(w, o, "patience", ck__json_new_integer(w, p->patience));
    ck__json_put(w, o, "pos_weight", ck__json_new_number(w, p->pos_weight, "params.pos_weight"));
    ck__json_put(w, o, "subsample", ck__json_new_number(w, p->subsample, "params.subsample"));
    ck__json_put(w, o, "seed", ck__json_new_string(w, seed));
}

static void write_stump(ck__json_writer *w, ck__json *stumps, const ck__stump *s, size_t i,
                        const ck_schema *schema, const char *at)
{
    if (s->feature >= ck_schema_n_features(schema)) {
        ck__json_fail_write(w, CK_EINVAL, "%s.stumps[%zu].feature: no feature %u", at, i, s->feature);
        return;
    }
    ck__json *o = ck__json_put(w, stumps, NULL, ck__json_new_object(w));
    ck__json_put(w, o, "feature", ck__json_new_string(w, ck_schema_name(schema, s->feature)));
    if (ck_schema_kind(schema, s->feature) == CK_FEATURE_NUMERIC) {
        ck__json_put(w, o, "threshold",
                     ck__json_new_number(w, s->threshold, "%s.stumps[%zu].threshold", at, i));
    } else {
        ck__json *levels = ck__json_put(w, o, "left_levels", ck__json_new_array(w));
        for (size_t k = 0; k < s->n_left_levels && w->rc == CK_OK; k++) {
            const char *level = ck_schema_level(schema, s->feature, s->left_levels[k]);
            if (level == NULL)
                ck__json_fail_write(w, CK_EINVAL, "%s.stumps[%zu].left_levels[%zu]: no level %u",
                                    at, i, k, s->left_levels[k]);
            ck__json_put(w, levels, NULL, ck__json_new_string(w, level));
        }
    }
    ck__json_put(w, o, "missing_left", ck__json_new_bool(w, s->missing_left));
    ck__json_put(w, o, "left", ck__json_new_number(w, s->left_value, "%s.stumps[%zu].left", at, i));
    ck__json_put(w, o, "right",
                 ck__json_new_number(w, s->right_value, "%s.stumps[%zu].right", at, i));
    ck__json_put(w, o, "gain", ck__json_new_number(w, s->gain, "%s.stumps[%zu].gain", at, i));
}

static void write_table(ck__json_writer *w, ck__json *tables, const ck__step_table *t, size_t j,
                        const ck_schema *schema, const char *at)
{
    ck__json *o = ck__json_put(w, tables, NULL, ck__json_new_object(w));
    ck__json_put(w, o, "feature", ck__json_new_string(w, ck_schema_name(schema, j)));
    if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC) {
        ck__json *thresholds = ck__json_put(w, o, "thresholds", ck__json_new_array(w));
        for (size_t k = 0; k < t->n_thresholds && w->rc == CK_OK; k++)
            ck__json_put(
                w, thresholds, NULL,
                ck__json_new_number(w, t->thresholds[k], "%s.tables[%zu].thresholds[%zu]", at, j, k));
        ck__json *values = ck__json_put(w, o, "values", ck__json_new_array(w));
        for (size_t k = 0; k <= t->n_thresholds && w->rc == CK_OK; k++)
            ck__json_put(
                w, values, NULL,
                ck__json_new_number(w, t->values[k], "%s.tables[%zu].values[%zu]", at, j, k));
    } else {
        ck__json *values = ck__json_put(w, o, "level_values", ck__json_new_array(w));
        for (size_t k = 0; k < t->n_levels && w->rc == CK_OK; k++)
            ck__json_put(w, values, NULL,
                         ck__json_new_number(w, t->level_values[k],
                                             "%s.tables[%zu].level_values[%zu]", at, j, k));
        ck__json_put(w, o, "unseen",
                     ck__json_new_number(w, t->unseen_value, "%s.tables[%zu].unseen", at, j));
    }
    ck__json_put(w, o, "missing",
                 ck__json_new_number(w, t->missing_value, "%s.tables[%zu].missing", at, j));
}

void ck__gbm_write_model(ck__json_writer *w, ck__json *o, const ck_gbm *gbm, const char *at)
{
    ck__json_put(w, o, "base_score", ck__json_new_number(w, gbm->base_score, "%s.base_score", at));
    ck__json *stumps = ck__json_put(w, o, "stumps", ck__json_new_array(w));
    for (size_t i = 0; i < gbm->n_stumps && w->rc == CK_OK; i++)
        write_stump(w, stumps, &gbm->stumps[i], i, gbm->schema, at);
    ck__json *tables = ck__json_put(w, o, "tables", ck__json_new_array(w));
    for (size_t j = 0; j < ck_schema_n_features(gbm->schema) && w->rc == CK_OK; j++)
        write_table(w, tables, &gbm->tables[j], j, gbm->schema, at);
}

void ck__gbm_write_body(const void *fit, ck__json_writer *w, ck__json *body)
{
    ck__gbm_write_model(w, body, ((const ck__gbm_fit *)fit)->gbm, "body");
}

/* Before the shared metrics: the rounds kept by early stopping. */
void ck__gbm_write_metrics(const void *fit, const ck__learner_metrics *t, ck__json_writer *w,
                           ck__json *metrics)
{
    (void)fit;
    ck__json_put(w, metrics, "rounds_kept", ck__json_new_integer(w, t->rounds_kept));
}

/* ---- reading ------------------------------------------------------------------------ */

int ck__gbm_read_begin(void **out, ck_error *err)
{
    ck__gbm_fit *fit = calloc(1, sizeof *fit);
    *out = fit;
    if (fit == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    fit->params = (ck_gbm_params)CK_GBM_PARAMS_INIT;
    return CK_OK;
}

int ck__gbm_read_params(void *fit, const ck__json_reader *r, const ck__json *o)
{
    ck_gbm_params *p = &((ck__gbm_fit *)fit)->params;
    const char *at = "params";
    int rc;
    if ((rc = ck__json_get_int(r, o, at, "rounds", &p->rounds)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "learning_rate", &p->learning_rate)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "max_bins", &p->max_bins)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "lambda", &p->lambda)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "min_child_weight", &p->min_child_weight)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "min_samples_leaf", &p->min_samples_leaf)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "patience", &p->patience)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "pos_weight", &p->pos_weight)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "subsample", &p->subsample)) < 0 ||
        (rc = ck__json_get_u64_string(r, o, at, "seed", &p->seed)) < 0)
        return rc;
    /* not in the file: the model does not depend on it */
    p->n_threads = 1;
    return CK_OK;
}

static int read_stump(const ck__json_reader *r, const ck__json *o, const char *at,
                      const ck_schema *schema, ck__stump *s)
{
    char path[CK__JSON_PATH_LEN];
    int rc;
    if (!ck__json_is_object(o))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", at);
    long j = ck__learner_read_feature(r, o, at, schema);
    if (j < 0)
        return CK_EINVAL;
    s->feature = (uint32_t)j;
    if (ck_schema_kind(schema, (size_t)j) == CK_FEATURE_NUMERIC) {
        if ((rc = ck__json_get_number(r, o, at, "threshold", &s->threshold)) < 0)
            return rc;
    } else {
        const ck__json *levels;
        size_t n, n_levels = ck_schema_n_levels(schema, (size_t)j);
        if ((rc = ck__json_get_array(r, o, at, "left_levels", n_levels, &levels, &n, path)) < 0)
            return rc;
        s->left_levels = ck__alloc_array(n, sizeof *s->left_levels);
        if (s->left_levels == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        for (const ck__json *it = ck__json_child(levels); it; it = ck__json_next(it)) {
            char level_path[CK__JSON_PATH_LEN];
            const char *level;
            ck__json_path_index(level_path, path, s->n_left_levels);
            if ((rc = ck__json_want_string(r, it, level_path, &level)) < 0)
                return rc;
            size_t code = ck_schema_level_code(schema, (size_t)j, level, strlen(level));
            if (code == n_levels)
                return ck__json_fail(r, CK_EINVAL, "%s: unknown level \"%s\" of \"%s\"", level_path,
                                     level, ck_schema_name(schema, (size_t)j));
            for (size_t k = 0; k < s->n_left_levels; k++)
                if (s->left_levels[k] == code)
                    return ck__json_fail(r, CK_EINVAL, "%s: \"%s\" appears twice", level_path,
                                         level);
            s->left_levels[s->n_left_levels++] = (uint32_t)code;
        }
    }
    if ((rc = ck__json_get_bool(r, o, at, "missing_left", &s->missing_left)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "left", &s->left_value)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "right", &s->right_value)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "gain", &s->gain)) < 0)
        return rc;
    return CK_OK;
}

static int read_table(const ck__json_reader *r, const ck__json *o, const char *at,
                      const ck_schema *schema, size_t j, ck__step_table *t)
{
    char path[CK__JSON_PATH_LEN];
    int rc;
    if (!ck__json_is_object(o))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", at);
    long named = ck__learner_read_feature(r, o, at, schema);
    if (named < 0)
        return CK_EINVAL;
    if ((size_t)named != j) {
        ck__json_path_key(path, at, "feature");
        return ck__json_fail(r, CK_EINVAL,
                             "%s: expected \"%s\" (tables follow the order of features)", path,
                             ck_schema_name(schema, j));
    }
    if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC) {
        const ck__json *arr;
        if ((rc = ck__json_get_array(r, o, at, "thresholds", SIZE_MAX, &arr, &t->n_thresholds,
                                     path)) < 0 ||
            (rc = ck__json_get_numbers(r, o, at, "thresholds", t->n_thresholds, "thresholds",
                                       &t->thresholds)) < 0)
            return rc;
        for (size_t k = 1; k < t->n_thresholds; k++)
            if (t->thresholds[k] < t->thresholds[k - 1])
                return ck__json_fail(r, CK_EINVAL, "%s[%zu]: thresholds not in ascending order",
                                     path, k);
        if ((rc = ck__json_get_numbers(r, o, at, "values", t->n_thresholds + 1,
                                       "one more than thresholds", &t->values)) < 0)
            return rc;
    } else {
        t->n_levels = ck_schema_n_levels(schema, j);
        if ((rc = ck__json_get_numbers(r, o, at, "level_values", t->n_levels, "one per level",
                                       &t->level_values)) < 0 ||
            (rc = ck__json_get_number(r, o, at, "unseen", &t->unseen_value)) < 0)
            return rc;
    }
    return ck__json_get_number(r, o, at, "missing", &t->missing_value);
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
static int check_table(const ck__json_reader *r, const ck__step_table *s, ck__step_table *c,
                       const char *tables_at, size_t j)
{
    char at[CK__JSON_PATH_LEN];
    ck__json_path_index(at, tables_at, j);
    if (s->n_thresholds != c->n_thresholds || s->n_levels != c->n_levels)
        return ck__json_fail(
            r, CK_EINVAL,
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
            if (!ck__learner_same_number(parts[p].stored[k], parts[p].compiled[k]))
                return ck__json_fail(
                    r, CK_EINVAL,
                    "%s.%s: does not match the stumps (%.17g stored, %.17g from the "
                    "stumps)",
                    at, parts[p].name, parts[p].stored[k], parts[p].compiled[k]);
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++)
        if (parts[p].n > 0)
            memcpy(parts[p].compiled, parts[p].stored, parts[p].n * sizeof(double));
    return CK_OK;
}

int ck__gbm_read_body(void *fit, const ck__json_reader *r, const ck__json *body, ck_schema **schema)
{
    return ck__gbm_read_model(r, body, "body", schema, &((ck__gbm_fit *)fit)->gbm);
}

int ck__gbm_read_model(const ck__json_reader *r, const ck__json *body, const char *at,
                       ck_schema **schema, ck_gbm **out)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *stumps, *tables;
    size_t n_stumps, n_tables, n_features = ck_schema_n_features(*schema);
    ck__step_table *stored = NULL;
    int rc;
    ck_gbm *gbm = *out = calloc(1, sizeof *gbm);
    if (gbm == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    gbm->schema = *schema;
    *schema = NULL;
    if ((rc = ck__json_get_number(r, body, at, "base_score", &gbm->base_score)) < 0 ||
        (rc = ck__json_get_array(r, body, at, "stumps", SIZE_MAX, &stumps, &n_stumps, path)) < 0)
        return rc;
    /* calloc: every left_levels is NULL until read, so a failure part way frees cleanly */
    gbm->stumps = calloc(n_stumps ? n_stumps : 1, sizeof *gbm->stumps);
    if (gbm->stumps == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    gbm->n_stumps = n_stumps;
    size_t i = 0;
    for (const ck__json *s = ck__json_child(stumps); s; s = ck__json_next(s), i++) {
        char stump_path[CK__JSON_PATH_LEN];
        ck__json_path_index(stump_path, path, i);
        if ((rc = read_stump(r, s, stump_path, gbm->schema, &gbm->stumps[i])) < 0)
            return rc;
    }

    if ((rc = ck__json_get_array(r, body, at, "tables", SIZE_MAX, &tables, &n_tables, path)) < 0)
        return rc;
    if (n_tables != n_features)
        return ck__json_fail(r, CK_EINVAL, "%s: expected %zu tables (one per feature), got %zu",
                             path, n_features, n_tables);
    stored = calloc(n_features ? n_features : 1, sizeof *stored);
    if (stored == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    size_t j = 0;
    for (const ck__json *t = ck__json_child(tables); t; t = ck__json_next(t), j++) {
        char table_path[CK__JSON_PATH_LEN];
        ck__json_path_index(table_path, path, j);
        if ((rc = read_table(r, t, table_path, gbm->schema, j, &stored[j])) < 0)
            goto done;
    }
    if ((rc = ck__gbm_compile(gbm, r->err)) < 0)
        goto done;
    for (j = 0; j < n_features; j++)
        if ((rc = check_table(r, &stored[j], &gbm->tables[j], path, j)) < 0)
            goto done;
    rc = ck__gbm_index(gbm, r->err); /* the stored tables now score */
done:
    free_tables(stored, n_features);
    return rc;
}

int ck__gbm_read_metrics(void *fit, const ck__json_reader *r, const ck__json *metrics,
                         ck__learner_metrics *t)
{
    ck__gbm_fit *f = fit;
    int rc = ck__json_get_int(r, metrics, "metrics", "rounds_kept", &t->rounds_kept);
    f->report.rounds_run = f->report.rounds_kept = t->rounds_kept;
    return rc;
}

/* After the shared metrics: nothing more in the file; the report takes their values. */
int ck__gbm_read_metrics_tail(void *fit, const ck__json_reader *r, const ck__json *metrics,
                              ck__learner_metrics *t)
{
    (void)r;
    (void)metrics;
    ck_gbm_report *report = &((ck__gbm_fit *)fit)->report;
    report->train_logloss = t->train_logloss;
    report->valid_logloss = t->valid_logloss;
    report->train_auc = t->train_auc;
    report->valid_auc = t->valid_auc;
    return CK_OK;
}
