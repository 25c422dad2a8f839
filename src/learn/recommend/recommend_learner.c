/*
 * The recommender as a model type (learn/learner.h) and its part of the model file
 * (models/FORMAT.md, "recommend"): "params" the method and the settings of its parts, the
 * event weights and half-life its rows were made with; the body the catalogue (item ids,
 * categories, popularity), the blend's weights, and each fitted part: ALS's item factors
 * (a customer is folded in at scoring), each item's EASE weights kept, each item's
 * neighbours. The model reads no feature: its schema is empty, and its data travel in its
 * params (ck_recommend_params.train).
 */
#include "learn/recommend/recommend_learner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "learn/recommend/recommend_int.h"

static const char *const GOAL_NAMES[CK_RECOMMEND_N_GOALS] = { "next", "new" };
static const char *const BLEND_NAMES[CK_BLEND_N] = { "repeat", "ease", "als", "itemknn",
                                                     "popular" };

typedef struct recommend_fit {
    ck_recommender *model;
    ck_schema *schema; /* empty */
} recommend_fit;

static void fit_free(void *fit)
{
    recommend_fit *f = fit;
    if (f == NULL)
        return;
    ck__recommender_free(f->model);
    ck_schema_free(f->schema);
    free(f);
}

static int train(void **out, const void *params, const ck_dataset *rows, const ck_dataset *valid,
                 ck__learner_metrics *metrics, ck_progress_fn progress, void *payload,
                 ck_error *err)
{
    (void)rows;
    *out = NULL;
    if (valid != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "a recommender validates on its own window: it takes no validation "
                            "rows");
    recommend_fit *f = calloc(1, sizeof *f);
    int rc = f ? ck_schema_new(&f->schema, err)
               : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = ck__recommender_fit(&f->model, params, err);
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
    return ((const recommend_fit *)fit)->schema;
}

/* ---- writing --------------------------------------------------------------------------- */

static void put_numbers(ck__json_writer *w, ck__json *o, const char *key, const double *v,
                        size_t n, const char *at)
{
    ck__json *a = ck__json_put(w, o, key, ck__json_new_array(w));
    for (size_t i = 0; i < n && w->rc == CK_OK; i++)
        ck__json_put(w, a, NULL, ck__json_new_number(w, v[i], "%s.%s[%zu]", at, key, i));
}

static void write_params(const void *fit, ck__json_writer *w, ck__json *o)
{
    const ck_recommender *r = ((const recommend_fit *)fit)->model;
    const ck_recommend_params *p = &r->params;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->als.seed);
    ck__json_put(w, o, "method", ck__json_new_string(w, ck_recommend_method_name(r->method)));
    ck__json_put(w, o, "factors", ck__json_new_integer(w, p->als.factors));
    ck__json_put(w, o, "regularization",
                 ck__json_new_number(w, p->als.regularization, "params.regularization"));
    ck__json_put(w, o, "alpha", ck__json_new_number(w, p->als.alpha, "params.alpha"));
    ck__json_put(w, o, "iterations", ck__json_new_integer(w, p->als.iterations));
    ck__json_put(w, o, "als_solver",
                 ck__json_new_string(w, p->als.solver == CK_ALS_CG ? "cg" : "cholesky"));
    ck__json_put(w, o, "cg_steps", ck__json_new_integer(w, p->als.cg_steps));
    ck__json_put(w, o, "seed", ck__json_new_string(w, seed));
    ck__json_put(w, o, "ease_lambda", ck__json_new_number(w, p->ease_lambda, "params.ease_lambda"));
    ck__json_put(w, o, "ease_items", ck__json_new_integer(w, p->ease_items));
    ck__json_put(w, o, "knn_k", ck__json_new_integer(w, p->knn_k));
    ck__json_put(w, o, "knn_shrink", ck__json_new_number(w, p->knn_shrink, "params.knn_shrink"));
    ck__json_put(w, o, "top_k", ck__json_new_integer(w, p->top_k));
    ck__json *weights = ck__json_put(w, o, "weights", ck__json_new_object(w));
    for (int t = 0; t < CK_EV_COUNT; t++)
        if (r->event_weights[t] > 0)
            ck__json_put(w, weights, ck_event_type_name(t),
                         ck__json_new_number(w, r->event_weights[t], "params.weights"));
    ck__json_put(w, o, "half_life_days",
                 ck__json_new_number(w, r->half_life_days, "params.half_life_days"));
}

/* Lists per item (EASE's weights, the neighbours): [{"items": [...], "values": [...]}]. */
static void put_lists(ck__json_writer *w, ck__json *o, const char *key, size_t n_items,
                      const size_t *start, const uint32_t *item, const double *value)
{
    ck__json *lists = ck__json_put(w, o, key, ck__json_new_array(w));
    for (size_t i = 0; i < n_items && w->rc == CK_OK; i++) {
        ck__json *l = ck__json_put(w, lists, NULL, ck__json_new_object(w));
        ck__json *items = ck__json_put(w, l, "items", ck__json_new_array(w));
        ck__json *values = ck__json_put(w, l, "values", ck__json_new_array(w));
        for (size_t k = start[i]; k < start[i + 1] && w->rc == CK_OK; k++) {
            ck__json_put(w, items, NULL, ck__json_new_integer(w, item[k]));
            ck__json_put(w, values, NULL,
                         ck__json_new_number(w, value[k], "body.%s[%zu].values", key, i));
        }
    }
}

static void write_body(const void *fit, ck__json_writer *w, ck__json *body)
{
    const ck_recommender *r = ((const recommend_fit *)fit)->model;
    ck__json *items = ck__json_put(w, body, "items", ck__json_new_array(w));
    ck__json *categories = ck__json_put(w, body, "categories", ck__json_new_array(w));
    for (size_t j = 0; j < r->n_items && w->rc == CK_OK; j++) {
        ck__json_put(w, items, NULL, ck__json_new_string(w, r->item_ids[j]));
        ck__json_put(w, categories, NULL, ck__json_new_string(w, r->item_categories[j]));
    }
    put_numbers(w, body, "popularity", r->popularity, r->n_items, "body");
    ck__json_put(w, body, "fit_seconds",
                 ck__json_new_metric(w, r->fit_seconds, "body.fit_seconds"));
    if (r->method == CK_RECOMMEND_BLEND) {
        ck__json *b = ck__json_put(w, body, "blend", ck__json_new_object(w));
        for (int g = 0; g < CK_RECOMMEND_N_GOALS; g++) {
            ck__json *weights = ck__json_put(w, b, GOAL_NAMES[g], ck__json_new_object(w));
            for (int c = 0; c < CK_BLEND_N; c++)
                ck__json_put(w, weights, BLEND_NAMES[c],
                             ck__json_new_number(w, r->blend[g][c], "body.blend.%s", GOAL_NAMES[g]));
            ck__json_put(w, weights, "validation_recall",
                         ck__json_new_metric(w, r->blend_recall[g], "body.blend.%s", GOAL_NAMES[g]));
        }
    }
    if (r->als) {
        ck__json *a = ck__json_put(w, body, "als", ck__json_new_object(w));
        ck__json_put(w, a, "factors", ck__json_new_integer(w, r->als->factors));
        ck__json_put(w, a, "regularization",
                     ck__json_new_number(w, r->als->regularization, "body.als.regularization"));
        ck__json_put(w, a, "alpha", ck__json_new_number(w, r->als->alpha, "body.als.alpha"));
        put_numbers(w, a, "item_factors", r->als->item_factors,
                    r->n_items * (size_t)r->als->factors, "body.als");
    }
    if (r->ease_start)
        put_lists(w, body, "ease", r->n_items, r->ease_start, r->ease_item, r->ease_weight);
    if (r->knn)
        put_lists(w, body, "itemknn", r->n_items, r->knn->start, r->knn->neighbour,
                  r->knn->similarity);
}

/* ---- reading ------------------------------------------------------------------------------ */

static int read_begin(void **out, ck_error *err)
{
    recommend_fit *f = calloc(1, sizeof *f);
    *out = f;
    if (f == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return CK_OK;
}

static int read_params(void *fit, const ck__json_reader *r, const ck__json *o)
{
    recommend_fit *f = fit;
    const char *at = "params";
    ck_recommend_params p = ck_recommend_params_default();
    char method[32], solver[16];
    const ck__json *weights;
    char path[CK__JSON_PATH_LEN];
    int rc;
    if ((rc = ck__json_get_string(r, o, at, "method", method, sizeof method)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "factors", &p.als.factors)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "regularization", &p.als.regularization)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "alpha", &p.als.alpha)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "iterations", &p.als.iterations)) < 0 ||
        (rc = ck__json_get_string(r, o, at, "als_solver", solver, sizeof solver)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "cg_steps", &p.als.cg_steps)) < 0 ||
        (rc = ck__json_get_u64_string(r, o, at, "seed", &p.als.seed)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "ease_lambda", &p.ease_lambda)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "ease_items", &p.ease_items)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "knn_k", &p.knn_k)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "knn_shrink", &p.knn_shrink)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "top_k", &p.top_k)) < 0 ||
        (rc = ck__json_get_object(r, o, at, "weights", &weights, path)) < 0 ||
        (rc = ck__json_get_in_range(r, o, at, "half_life_days", 0, true, HUGE_VAL,
                                    "a number >= 0", &p.half_life_days)) < 0)
        return rc;
    if (strcmp(solver, "cg") != 0 && strcmp(solver, "cholesky") != 0)
        return ck__json_fail(r, CK_EINVAL, "params.als_solver: expected \"cg\" or \"cholesky\"");
    p.als.solver = strcmp(solver, "cg") == 0 ? CK_ALS_CG : CK_ALS_CHOLESKY;
    int m = ck_recommend_method_of(method);
    if (m < 0)
        return ck__json_fail(r, CK_EINVAL, "params.method: unknown method \"%s\"", method);
    p.method = (ck_recommend_method)m;
    for (const ck__json *it = ck__json_child(weights); it; it = ck__json_next(it)) {
        int t = ck_event_type_from_name(ck__json_key(it));
        double v = ck__json_number(it);
        if (t < 0 || !(v > 0) || !isfinite(v))
            return ck__json_fail(r, CK_EINVAL, "%s.%s: expected an event type with a weight > 0",
                                 path, ck__json_key(it));
        p.event_weights[t] = v;
    }
    /* the recommender is made once the body gives the catalogue's size */
    f->model = ck__recommender_new(p.method, 0);
    if (f->model == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    f->model->params = p;
    return CK_OK;
}

/* An array of exactly n numbers at o[key] into a new array. */
static int get_numbers(const ck__json_reader *r, const ck__json *o, const char *at,
                       const char *key, size_t n, const char *what, double **out)
{
    return ck__json_get_numbers(r, o, at, key, n, what, out);
}

/* Lists per item into start/item/value (item indices below n_items). */
static int get_lists(const ck__json_reader *r, const ck__json *body, const char *key,
                     size_t n_items, size_t **start, uint32_t **item, double **value)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *lists;
    size_t n, total = 0, cap = 0;
    int rc = ck__json_get_array(r, body, "body", key, n_items, &lists, &n, path);
    if (rc < 0)
        return rc;
    if (n != n_items)
        return ck__json_fail(r, CK_EINVAL, "%s: expected %zu lists (one per item), got %zu", path,
                             n_items, n);
    if ((*start = ck__alloc_array(n_items + 1, sizeof **start)) == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    size_t i = 0;
    for (const ck__json *l = ck__json_child(lists); l; l = ck__json_next(l), i++) {
        char at[CK__JSON_PATH_LEN], ipath[CK__JSON_PATH_LEN], vpath[CK__JSON_PATH_LEN];
        const ck__json *items, *values;
        size_t ni, nv;
        ck__json_path_index(at, path, i);
        if ((rc = ck__json_get_array(r, l, at, "items", n_items, &items, &ni, ipath)) < 0 ||
            (rc = ck__json_get_array(r, l, at, "values", n_items, &values, &nv, vpath)) < 0)
            return rc;
        if (ni != nv)
            return ck__json_fail(r, CK_EINVAL, "%s: %zu items, %zu values", at, ni, nv);
        if (!ck__grow((void **)item, &cap, total + ni + 1, sizeof **item) ||
            (*value = realloc(*value, cap * sizeof **value)) == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        (*start)[i] = total;
        size_t k = 0;
        const ck__json *v = ck__json_child(values);
        for (const ck__json *it = ck__json_child(items); it; it = ck__json_next(it), k++) {
            char ip[CK__JSON_PATH_LEN], vp[CK__JSON_PATH_LEN];
            double j, x;
            ck__json_path_index(ip, ipath, k);
            ck__json_path_index(vp, vpath, k);
            if ((rc = ck__json_want_integer(r, it, ip, 0, (double)n_items - 1, &j)) < 0 ||
                (rc = ck__json_want_number(r, v, vp, &x)) < 0)
                return rc;
            (*item)[total] = (uint32_t)j;
            (*value)[total++] = x;
            v = ck__json_next(v);
        }
    }
    (*start)[n_items] = total;
    return CK_OK;
}

static int read_catalogue(const ck__json_reader *r, const ck__json *body, ck_recommender **model)
{
    char path[CK__JSON_PATH_LEN], cpath[CK__JSON_PATH_LEN];
    const ck__json *items, *categories;
    size_t n, nc;
    int rc;
    if ((rc = ck__json_get_array(r, body, "body", "items", UINT32_MAX, &items, &n, path)) < 0 ||
        (rc = ck__json_get_array(r, body, "body", "categories", n, &categories, &nc, cpath)) < 0)
        return rc;
    if (n == 0 || nc != n)
        return ck__json_fail(r, CK_EINVAL, "%s: expected items and as many categories", path);
    ck_recommender *fresh = ck__recommender_new((*model)->method, n);
    if (fresh == NULL)
        return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
    fresh->params = (*model)->params;
    memcpy(fresh->event_weights, fresh->params.event_weights, sizeof fresh->event_weights);
    fresh->half_life_days = fresh->params.half_life_days;
    ck__recommender_free(*model);
    *model = fresh;
    size_t j = 0;
    const ck__json *c = ck__json_child(categories);
    for (const ck__json *it = ck__json_child(items); it; it = ck__json_next(it), j++) {
        char ip[CK__JSON_PATH_LEN], cp[CK__JSON_PATH_LEN];
        const char *id, *category;
        ck__json_path_index(ip, path, j);
        ck__json_path_index(cp, cpath, j);
        if ((rc = ck__json_want_string(r, it, ip, &id)) < 0 ||
            (rc = ck__json_want_string(r, c, cp, &category)) < 0)
            return rc;
        if ((fresh->item_ids[j] = strdup(id)) == NULL ||
            (fresh->item_categories[j] = strdup(category)) == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        c = ck__json_next(c);
    }
    return CK_OK;
}

/* The blend's weights for each goal. */
static int read_blend(const ck__json_reader *r, const ck__json *body, ck_recommender *m)
{
    char path[CK__JSON_PATH_LEN], gpath[CK__JSON_PATH_LEN];
    const ck__json *b, *weights;
    int rc = ck__json_get_object(r, body, "body", "blend", &b, path);
    for (int g = 0; g < CK_RECOMMEND_N_GOALS && rc == CK_OK; g++) {
        if ((rc = ck__json_get_object(r, b, path, GOAL_NAMES[g], &weights, gpath)) < 0)
            return rc;
        for (int c = 0; c < CK_BLEND_N && rc == CK_OK; c++)
            rc = ck__json_get_in_range(r, weights, gpath, BLEND_NAMES[c], 0, true, HUGE_VAL,
                                       "a number >= 0", &m->blend[g][c]);
        if (rc == CK_OK)
            rc = ck__json_get_metric(r, weights, gpath, "validation_recall", &m->blend_recall[g]);
    }
    return rc;
}

/* Whether either goal of the blend weighs component c. */
static bool blended(const ck_recommender *m, int c)
{
    return m->blend[CK_RECOMMEND_NEXT][c] > 0 || m->blend[CK_RECOMMEND_NEW][c] > 0;
}

static int read_parts(const ck__json_reader *r, const ck__json *body, ck_recommender *m)
{
    double *pop = NULL;
    int rc = get_numbers(r, body, "body", "popularity", m->n_items, "one per item", &pop);
    if (rc < 0)
        return rc;
    memcpy(m->popularity, pop, m->n_items * sizeof *pop);
    free(pop);
    if ((rc = ck__json_get_metric(r, body, "body", "fit_seconds", &m->fit_seconds)) < 0)
        return rc;
    if (m->method == CK_RECOMMEND_BLEND && (rc = read_blend(r, body, m)) < 0)
        return rc;
    bool als = m->method == CK_RECOMMEND_ALS || blended(m, CK_BLEND_ALS);
    bool ease = m->method == CK_RECOMMEND_EASE || blended(m, CK_BLEND_EASE);
    bool knn = m->method == CK_RECOMMEND_ITEMKNN || blended(m, CK_BLEND_ITEMKNN);
    if (als) {
        char path[CK__JSON_PATH_LEN];
        const ck__json *a;
        ck_als *f = m->als = calloc(1, sizeof *f);
        if (f == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        f->n_items = m->n_items;
        if ((rc = ck__json_get_object(r, body, "body", "als", &a, path)) < 0 ||
            (rc = ck__json_get_int(r, a, path, "factors", &f->factors)) < 0 ||
            (rc = ck__json_get_number(r, a, path, "regularization", &f->regularization)) < 0 ||
            (rc = ck__json_get_number(r, a, path, "alpha", &f->alpha)) < 0)
            return rc;
        if (f->factors < 1 || f->factors > 1024)
            return ck__json_fail(r, CK_EINVAL, "%s.factors: expected 1 to 1024", path);
        if ((rc = get_numbers(r, a, path, "item_factors", m->n_items * (size_t)f->factors,
                              "items x factors", &f->item_factors)) < 0)
            return rc;
        if ((rc = ck__recommender_derive(m, r->err)) < 0)
            return rc;
    }
    if (ease && (rc = get_lists(r, body, "ease", m->n_items, &m->ease_start, &m->ease_item,
                                &m->ease_weight)) < 0)
        return rc;
    if (knn) {
        ck_itemknn *k = m->knn = calloc(1, sizeof *k);
        if (k == NULL)
            return ck_error_set(r->err, CK_ENOMEM, r->file, 0, "out of memory");
        k->n_items = m->n_items;
        k->k = m->params.knn_k;
        if ((rc = get_lists(r, body, "itemknn", m->n_items, &k->start, &k->neighbour,
                            &k->similarity)) < 0)
            return rc;
    }
    return CK_OK;
}

static int read_body(void *fit, const ck__json_reader *r, const ck__json *body, ck_schema **schema)
{
    recommend_fit *f = fit;
    if (ck_schema_n_features(*schema) != 0)
        return ck__json_fail(r, CK_EINVAL, "features: a recommend model reads none");
    f->schema = *schema;
    *schema = NULL;
    int rc = read_catalogue(r, body, &f->model);
    return rc < 0 ? rc : read_parts(r, body, f->model);
}

const ck__learner ck__recommend_learner = {
    .name = "recommend",
    .output = CK__OUTPUT_RECOMMEND,
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

const ck_recommender *ck__recommend_fit_model(const void *fit)
{
    return ((const recommend_fit *)fit)->model;
}
