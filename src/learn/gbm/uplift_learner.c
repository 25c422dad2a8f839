/*
 * The uplift model as a model type (learn/learner.h) and its part of the model file
 * (models/FORMAT.md, "uplift"): "params" are the boosting parameters every model of it was
 * trained with, its method and held-out fraction; the body lists the arms, each with its
 * counts, economics and models (base_score, stumps, tables as a gbm_stumps body). The
 * training rows' arms are not kept: the design is data, not a parameter.
 */
#include "learn/gbm/uplift_learner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gbm/gbm_int.h"
#include "learn/gbm/gbm_io.h"
#include "learn/gbm/uplift_int.h"

typedef struct uplift_fit {
    ck_uplift_params params; /* design.arm_of is NULL: the rows are not kept */
    ck_uplift *model;
} uplift_fit;

static void fit_free(void *fit)
{
    uplift_fit *f = fit;
    if (f == NULL)
        return;
    ck__uplift_free(f->model);
    free(f);
}

static int train(void **out, const void *params, const ck_dataset *rows, const ck_dataset *valid,
                 ck__learner_metrics *metrics, ck_progress_fn progress, void *payload,
                 ck_error *err)
{
    *out = NULL;
    if (valid != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "an uplift model holds out a part of each arm itself: it takes no "
                            "validation rows");
    uplift_fit *f = calloc(1, sizeof *f);
    if (f == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    f->params = *(const ck_uplift_params *)params;
    f->params.design.arm_of = NULL;
    int rc = ck__uplift_train(&f->model, rows, params, err);
    if (rc < 0) {
        fit_free(f);
        return rc;
    }
    ck__learner_metrics_none(metrics);
    if (progress)
        progress(1.0, payload);
    *out = f;
    return CK_OK;
}

static const ck_schema *schema(const void *fit)
{
    return ((const uplift_fit *)fit)->model->schema;
}

/* ---- writing ------------------------------------------------------------------------ */

static const char *const METHOD_NAMES[2] = { "t", "x" };

static void write_params(const void *fit, ck__json_writer *w, ck__json *o)
{
    const ck_uplift_params *p = &((const uplift_fit *)fit)->params;
    ck__gbm_fit boosting = { .params = p->gbm };
    ck__gbm_write_params(&boosting, w, o);
    ck__json_put(w, o, "method", ck__json_new_string(w, METHOD_NAMES[p->method]));
    ck__json_put(w, o, "valid_fraction",
                 ck__json_new_number(w, p->valid_fraction, "params.valid_fraction"));
}

static void write_arm(ck__json_writer *w, ck__json *arms, const ck_uplift *u, size_t a)
{
    const ck_uplift_arm *arm = &u->arms[a];
    char at[CK__JSON_PATH_LEN];
    ck__json_path_index(at, "body.arms", a);
    ck__json *o = ck__json_put(w, arms, NULL, ck__json_new_object(w));
    ck__json_put(w, o, "name", ck__json_new_string(w, arm->name));
    ck__json_put(w, o, "rows", ck__json_new_integer(w, (long long)arm->rows));
    ck__json_put(w, o, "positives", ck__json_new_integer(w, (long long)arm->positives));
    ck__json_put(w, o, "rounds_kept", ck__json_new_integer(w, arm->rounds_kept));
    ck__json_put(w, o, "value", ck__json_new_number(w, arm->value, "%s.value", at));
    ck__json_put(w, o, "cost", ck__json_new_number(w, arm->cost, "%s.cost", at));
    ck__json *model = ck__json_put(w, o, "outcome", ck__json_new_object(w));
    char model_at[CK__JSON_PATH_LEN];
    ck__json_path_key(model_at, at, "outcome");
    ck__gbm_write_model(w, model, u->outcome[a], model_at);
    if (u->method != CK_UPLIFT_X || a == u->control)
        return;
    const char *names[2] = { "effect_treated", "effect_control" };
    const ck_gbm *models[2] = { u->effect_treated[a], u->effect_control[a] };
    for (int side = 0; side < 2; side++) {
        ck__json_path_key(model_at, at, names[side]);
        ck__json *e = ck__json_put(w, o, names[side], ck__json_new_object(w));
        ck__json_put(w, e, "rounds_kept", ck__json_new_integer(w, u->effect_rounds[a][side]));
        ck__gbm_write_model(w, e, models[side], model_at);
    }
}

static void write_body(const void *fit, ck__json_writer *w, ck__json *body)
{
    const ck_uplift *u = ((const uplift_fit *)fit)->model;
    ck__json_put(w, body, "control", ck__json_new_string(w, u->arms[u->control].name));
    ck__json_put(w, body, "economics", ck__json_new_bool(w, u->has_economics));
    ck__json *arms = ck__json_put(w, body, "arms", ck__json_new_array(w));
    for (size_t a = 0; a < u->n_arms && w->rc == CK_OK; a++)
        write_arm(w, arms, u, a);
}

/* ---- reading ------------------------------------------------------------------------ */

static int read_begin(void **out, ck_error *err)
{
    uplift_fit *f = calloc(1, sizeof *f);
    *out = f;
    if (f == NULL || (f->model = ck__uplift_new()) == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    f->params = ck_uplift_params_default();
    return CK_OK;
}

static int read_params(void *fit, const ck__json_reader *r, const ck__json *o)
{
    uplift_fit *f = fit;
    ck__gbm_fit boosting = { .params = f->params.gbm };
    int method = 0, rc;
    if ((rc = ck__gbm_read_params(&boosting, r, o)) < 0 ||
        (rc = ck__json_get_choice(r, o, "params", "method", METHOD_NAMES, 2, "\"t\" or \"x\"",
                                  &method)) < 0 ||
        (rc = ck__json_get_in_range(r, o, "params", "valid_fraction", 0, false, 0.5 + 1e-12,
                                    "a number in (0, 0.5]", &f->params.valid_fraction)) < 0)
        return rc;
    f->params.gbm = boosting.params;
    f->params.method = f->model->method = (ck_uplift_method)method;
    return CK_OK;
}

/* Model `key` of arm object `o` (at `at`), on a copy of the schema. */
static int read_model(const ck__json_reader *r, const ck__json *o, const char *at, const char *key,
                      const ck_schema *schema, ck_gbm **out)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *m;
    ck_schema *copy = NULL;
    int rc = ck__json_get_object(r, o, at, key, &m, path);
    if (rc == CK_OK)
        rc = ck_schema_copy(&copy, schema, r->err);
    if (rc == CK_OK)
        rc = ck__gbm_read_model(r, m, path, &copy, out);
    ck_schema_free(copy);
    return rc;
}

static int read_arm(const ck__json_reader *r, const ck__json *o, const char *at, ck_uplift *u,
                    size_t a)
{
    ck_uplift_arm *arm = &u->arms[a];
    int rc;
    if ((rc = ck__json_get_string(r, o, at, "name", arm->name, sizeof arm->name)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "rows", &arm->rows)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "positives", &arm->positives)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "rounds_kept", &arm->rounds_kept)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "value", &arm->value)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "cost", &arm->cost)) < 0 ||
        (rc = read_model(r, o, at, "outcome", u->schema, &u->outcome[a])) < 0)
        return rc;
    if (arm->positives == 0 || arm->positives >= arm->rows)
        return ck__json_fail(r, CK_EINVAL, "%s: expected 0 < positives < rows", at);
    arm->base_rate = (double)arm->positives / (double)arm->rows;
    return CK_OK;
}

static int read_effects(const ck__json_reader *r, const ck__json *o, const char *at, ck_uplift *u,
                        size_t a)
{
    const char *names[2] = { "effect_treated", "effect_control" };
    ck_gbm **models[2] = { &u->effect_treated[a], &u->effect_control[a] };
    for (int side = 0; side < 2; side++) {
        char path[CK__JSON_PATH_LEN];
        const ck__json *e;
        int rc;
        if ((rc = ck__json_get_object(r, o, at, names[side], &e, path)) < 0 ||
            (rc = ck__json_get_int(r, e, path, "rounds_kept", &u->effect_rounds[a][side])) < 0 ||
            (rc = read_model(r, o, at, names[side], u->schema, models[side])) < 0)
            return rc;
    }
    size_t n_a = u->arms[a].rows, n_c = u->arms[u->control].rows;
    u->propensity[a] = (double)n_a / (double)(n_a + n_c);
    return CK_OK;
}

static int read_body(void *fit, const ck__json_reader *r, const ck__json *body, ck_schema **schema)
{
    ck_uplift *u = ((uplift_fit *)fit)->model;
    char path[CK__JSON_PATH_LEN], control[CK_NAME_MAX];
    const ck__json *arms;
    int rc;
    u->schema = *schema;
    *schema = NULL;
    if ((rc = ck__json_get_string(r, body, "body", "control", control, sizeof control)) < 0 ||
        (rc = ck__json_get_bool(r, body, "body", "economics", &u->has_economics)) < 0 ||
        (rc = ck__json_get_array(r, body, "body", "arms", CK_UPLIFT_MAX_ARMS, &arms, &u->n_arms,
                                 path)) < 0)
        return rc;
    if (u->n_arms < 2)
        return ck__json_fail(r, CK_EINVAL, "%s: expected a control and at least one treatment",
                             path);
    size_t a = 0;
    for (const ck__json *o = ck__json_child(arms); o; o = ck__json_next(o), a++) {
        char at[CK__JSON_PATH_LEN];
        ck__json_path_index(at, path, a);
        if ((rc = read_arm(r, o, at, u, a)) < 0)
            return rc;
        for (size_t b = 0; b < a; b++)
            if (strcmp(u->arms[b].name, u->arms[a].name) == 0)
                return ck__json_fail(r, CK_EINVAL, "%s.name: arm \"%s\" is listed twice", at,
                                     u->arms[a].name);
    }
    long c = ck_uplift_find_arm(u, control);
    if (c < 0)
        return ck__json_fail(r, CK_EINVAL, "body.control: no arm is named \"%s\"", control);
    u->control = (size_t)c;
    a = 0;
    for (const ck__json *o = ck__json_child(arms); o; o = ck__json_next(o), a++) {
        char at[CK__JSON_PATH_LEN];
        ck__json_path_index(at, path, a);
        if (u->method == CK_UPLIFT_X && a != u->control && (rc = read_effects(r, o, at, u, a)) < 0)
            return rc;
    }
    return CK_OK;
}

const ck__learner ck__uplift_learner = {
    .name = "uplift",
    .output = CK__OUTPUT_UPLIFT,
    .train = train,
    .free = fit_free,
    .refit = NULL,
    .schema = schema,
    .logit_row = NULL,
    .contributions = NULL,
    .predict = NULL,
    .write_params = write_params,
    .write_metrics_head = NULL,
    .write_metrics_tail = NULL,
    .write_body = write_body,
    .read_begin = read_begin,
    .read_params = read_params,
    .read_metrics_head = NULL,
    .read_metrics_tail = NULL,
    .read_body = read_body,
};

const ck_uplift *ck__uplift_fit_model(const void *fit)
{
    return ((const uplift_fit *)fit)->model;
}
