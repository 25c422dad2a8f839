/*
 * The customer-value model in the model file (models/FORMAT.md, "bgnbd"): "params" (the
 * time unit and solver settings), the log-likelihoods in "metrics" (after the shared
 * members), and the body: the purchase model's and the spend model's parameters with their
 * standard errors and solver records, why there is no spend model (or why it is doubtful),
 * and the data summary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn/bgnbd/bgnbd_learner.h"

/* ---- writing ------------------------------------------------------------------------ */

void ck__bgnbd_write_params(const void *fit, ck__json_writer *w, ck__json *o)
{
    const ck_bgnbd_train_params *p = &((const ck__bgnbd_fit *)fit)->params;
    ck__json_put(w, o, "time_unit", ck__json_new_string(w, ck_bgnbd_time_unit_name(p->days_per_unit)));
    ck__json_put(w, o, "max_iter", ck__json_new_integer(w, p->fit.max_iter));
    ck__json_put(w, o, "tol", ck__json_new_number(w, p->fit.tol, "params.tol"));
}

void ck__bgnbd_write_metrics(const void *fit, const ck__learner_metrics *t, ck__json_writer *w,
                             ck__json *m)
{
    (void)t;
    const ck_bgnbd_model *v = &((const ck__bgnbd_fit *)fit)->model;
    ck__json_put(w, m, "log_likelihood",
                 ck__json_new_number(w, v->purchases.log_likelihood, "metrics.log_likelihood"));
    ck__json_put(w, m, "nbd_log_likelihood",
                 ck__json_new_number(w, v->purchases.nbd_log_likelihood,
                                     "metrics.nbd_log_likelihood"));
    ck__json_put(w, m, "spend_log_likelihood",
                 ck__json_new_metric(w, v->has_spend ? v->spend.log_likelihood : NAN,
                                     "metrics.spend_log_likelihood"));
}

/* Named numbers into a new object o[key]. */
static void put_numbers(ck__json_writer *w, ck__json *o, const char *key, const char *const *names,
                        const double *values, size_t n, const char *at)
{
    ck__json *x = ck__json_put(w, o, key, ck__json_new_object(w));
    for (size_t k = 0; k < n; k++)
        ck__json_put(w, x, names[k], ck__json_new_number(w, values[k], "%s.%s", at, names[k]));
}

static const char *const PURCHASE_NAMES[4] = { "r", "alpha", "a", "b" };
static const char *const SPEND_NAMES[3] = { "p", "q", "gamma" };

static void write_purchases(ck__json_writer *w, ck__json *body, const ck_bgnbd_fit *f)
{
    ck__json *o = ck__json_put(w, body, "purchases", ck__json_new_object(w));
    const double values[4] = { f->params.r, f->params.alpha, f->params.a, f->params.b };
    const double se[4] = { f->se_r, f->se_alpha, f->se_a, f->se_b };
    for (size_t k = 0; k < 4; k++)
        ck__json_put(w, o, PURCHASE_NAMES[k],
                     ck__json_new_number(w, values[k], "body.purchases.%s", PURCHASE_NAMES[k]));
    ck__json_put(w, o, "no_dropout", ck__json_new_bool(w, f->params.no_dropout));
    ck__json_put(w, o, "same_dropout", ck__json_new_bool(w, f->params.same_dropout));
    if (f->has_se)
        put_numbers(w, o, "se", PURCHASE_NAMES, se, 4, "body.purchases.se");
    else
        ck__json_put(w, o, "se", ck__json_new_null(w));
    ck__json_put(w, o, "customers", ck__json_new_integer(w, (long long)f->n_customers));
    ck__json_put(w, o, "groups", ck__json_new_integer(w, (long long)f->n_groups));
    ck__json_put(w, o, "iterations", ck__json_new_integer(w, f->iterations));
    ck__json_put(w, o, "converged", ck__json_new_bool(w, f->converged));
    ck__json_put(w, o, "message", ck__json_new_string(w, f->message));
}

static void write_spend(ck__json_writer *w, ck__json *body, const ck_bgnbd_model *v)
{
    if (!v->has_spend) {
        ck__json_put(w, body, "spend", ck__json_new_null(w));
        return;
    }
    const ck_gammagamma_fit *f = &v->spend;
    ck__json *o = ck__json_put(w, body, "spend", ck__json_new_object(w));
    const double values[3] = { f->params.p, f->params.q, f->params.gamma };
    const double se[3] = { f->se_p, f->se_q, f->se_gamma };
    for (size_t k = 0; k < 3; k++)
        ck__json_put(w, o, SPEND_NAMES[k],
                     ck__json_new_number(w, values[k], "body.spend.%s", SPEND_NAMES[k]));
    if (f->has_se)
        put_numbers(w, o, "se", SPEND_NAMES, se, 3, "body.spend.se");
    else
        ck__json_put(w, o, "se", ck__json_new_null(w));
    ck__json_put(w, o, "customers", ck__json_new_integer(w, (long long)f->n_customers));
    ck__json_put(w, o, "spend_frequency_correlation",
                 ck__json_new_metric(w, f->spend_frequency_correlation,
                                     "body.spend.spend_frequency_correlation"));
    ck__json_put(w, o, "iterations", ck__json_new_integer(w, f->iterations));
    ck__json_put(w, o, "converged", ck__json_new_bool(w, f->converged));
    ck__json_put(w, o, "message", ck__json_new_string(w, f->message));
}

void ck__bgnbd_write_body(const void *fit, ck__json_writer *w, ck__json *body)
{
    const ck_bgnbd_model *v = &((const ck__bgnbd_fit *)fit)->model;
    write_purchases(w, body, &v->purchases);
    write_spend(w, body, v);
    ck__json_put(w, body, "spend_note", ck__json_new_string(w, v->spend_note));
    ck__json *s = ck__json_put(w, body, "summary", ck__json_new_object(w));
    ck__json_put(w, s, "customers", ck__json_new_integer(w, (long long)v->n_customers));
    ck__json_put(w, s, "repeat_buyers", ck__json_new_integer(w, (long long)v->n_repeat_buyers));
    ck__json_put(w, s, "spend_excluded", ck__json_new_integer(w, (long long)v->n_spend_excluded));
    ck__json_put(w, s, "mean_frequency",
                 ck__json_new_number(w, v->mean_frequency, "body.summary.mean_frequency"));
    ck__json_put(w, s, "mean_recency",
                 ck__json_new_number(w, v->mean_recency, "body.summary.mean_recency"));
    ck__json_put(w, s, "mean_age", ck__json_new_number(w, v->mean_age, "body.summary.mean_age"));
    ck__json_put(w, s, "max_age", ck__json_new_number(w, v->max_age, "body.summary.max_age"));
    ck__json_put(w, s, "mean_spend",
                 ck__json_new_metric(w, v->mean_spend, "body.summary.mean_spend"));
}

/* ---- reading ------------------------------------------------------------------------ */

int ck__bgnbd_read_begin(void **out, ck_error *err)
{
    ck__bgnbd_fit *f = calloc(1, sizeof *f);
    *out = f;
    if (f == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    f->params = (ck_bgnbd_train_params)CK_BGNBD_TRAIN_PARAMS_INIT;
    return CK_OK;
}

int ck__bgnbd_read_params(void *fit, const ck__json_reader *r, const ck__json *o)
{
    static const char *const units[] = { "day", "week" };
    ck__bgnbd_fit *f = fit;
    int unit = 0, rc;
    if ((rc = ck__json_get_choice(r, o, "params", "time_unit", units, 2, "\"day\" or \"week\"",
                                  &unit)) < 0 ||
        (rc = ck__json_get_int(r, o, "params", "max_iter", &f->params.fit.max_iter)) < 0 ||
        (rc = ck__json_get_in_range(r, o, "params", "tol", 0, false, 1, "a number in (0, 1)",
                                    &f->params.fit.tol)) < 0)
        return rc;
    f->params.days_per_unit = unit == 1 ? 7.0 : 1.0;
    f->model.days_per_unit = f->params.days_per_unit;
    return CK_OK;
}

int ck__bgnbd_read_metrics(void *fit, const ck__json_reader *r, const ck__json *m,
                           ck__learner_metrics *t)
{
    (void)t;
    ck_bgnbd_model *v = &((ck__bgnbd_fit *)fit)->model;
    int rc;
    if ((rc = ck__json_get_number(r, m, "metrics", "log_likelihood",
                                  &v->purchases.log_likelihood)) < 0 ||
        (rc = ck__json_get_number(r, m, "metrics", "nbd_log_likelihood",
                                  &v->purchases.nbd_log_likelihood)) < 0)
        return rc;
    return ck__json_get_metric(r, m, "metrics", "spend_log_likelihood", &v->spend.log_likelihood);
}

/* Positive numbers named `names` of object o (at path `at`) into out. */
static int get_positive(const ck__json_reader *r, const ck__json *o, const char *at,
                        const char *const *names, size_t n, double *out)
{
    for (size_t k = 0; k < n; k++) {
        int rc = ck__json_get_in_range(r, o, at, names[k], 0, false, HUGE_VAL,
                                       "a positive number", &out[k]);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

/* "se": null, or the standard errors (≥ 0) of the parameters. */
static int get_se(const ck__json_reader *r, const ck__json *o, const char *at,
                  const char *const *names, size_t n, double *out, bool *has)
{
    char path[CK__JSON_PATH_LEN];
    const ck__json *se = ck__json_member(r, o, at, "se", path);
    if (se == NULL)
        return CK_EINVAL;
    *has = !ck__json_is_null(se);
    if (!*has)
        return CK_OK;
    if (!ck__json_is_object(se))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object or null", path);
    for (size_t k = 0; k < n; k++) {
        int rc = ck__json_get_in_range(r, se, path, names[k], 0, true, HUGE_VAL,
                                       "a number >= 0", &out[k]);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

static int read_purchases(const ck__json_reader *r, const ck__json *body, ck_bgnbd_fit *f)
{
    char at[CK__JSON_PATH_LEN];
    const ck__json *o;
    double values[4], se[4] = { 0 };
    int rc;
    if ((rc = ck__json_get_object(r, body, "body", "purchases", &o, at)) < 0 ||
        (rc = get_positive(r, o, at, PURCHASE_NAMES, 4, values)) < 0 ||
        (rc = ck__json_get_bool(r, o, at, "no_dropout", &f->params.no_dropout)) < 0 ||
        (rc = ck__json_get_bool(r, o, at, "same_dropout", &f->params.same_dropout)) < 0 ||
        (rc = get_se(r, o, at, PURCHASE_NAMES, 4, se, &f->has_se)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "customers", &f->n_customers)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "groups", &f->n_groups)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "iterations", &f->iterations)) < 0 ||
        (rc = ck__json_get_bool(r, o, at, "converged", &f->converged)) < 0 ||
        (rc = ck__json_get_string(r, o, at, "message", f->message, sizeof f->message)) < 0)
        return rc;
    f->params.r = values[0];
    f->params.alpha = values[1];
    f->params.a = values[2];
    f->params.b = values[3];
    f->se_r = se[0];
    f->se_alpha = se[1];
    f->se_a = se[2];
    f->se_b = se[3];
    f->at_boundary = f->params.no_dropout || f->params.same_dropout;
    if (f->params.no_dropout && f->params.same_dropout)
        return ck__json_fail(r, CK_EINVAL, "%s: no_dropout and same_dropout exclude each other",
                             at);
    if (f->params.same_dropout && !(f->params.a < 1.0 && fabs(f->params.a + f->params.b - 1.0) <=
                                                          1e-12))
        return ck__json_fail(r, CK_EINVAL, "%s: with same_dropout, a is p and b is 1 - p", at);
    return CK_OK;
}

static int read_spend(const ck__json_reader *r, const ck__json *body, ck_bgnbd_model *v)
{
    char at[CK__JSON_PATH_LEN];
    const ck__json *o = ck__json_member(r, body, "body", "spend", at);
    if (o == NULL)
        return CK_EINVAL;
    v->has_spend = !ck__json_is_null(o);
    if (!v->has_spend)
        return ck__json_is_null(o) ? CK_OK : CK_EINVAL;
    if (!ck__json_is_object(o))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object or null", at);
    ck_gammagamma_fit *f = &v->spend;
    double values[3], se[3] = { 0 };
    int rc;
    if ((rc = get_positive(r, o, at, SPEND_NAMES, 3, values)) < 0 ||
        (rc = get_se(r, o, at, SPEND_NAMES, 3, se, &f->has_se)) < 0 ||
        (rc = ck__json_get_count(r, o, at, "customers", &f->n_customers)) < 0 ||
        (rc = ck__json_get_metric(r, o, at, "spend_frequency_correlation",
                                  &f->spend_frequency_correlation)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "iterations", &f->iterations)) < 0 ||
        (rc = ck__json_get_bool(r, o, at, "converged", &f->converged)) < 0 ||
        (rc = ck__json_get_string(r, o, at, "message", f->message, sizeof f->message)) < 0)
        return rc;
    if (isnan(f->log_likelihood))
        return ck__json_fail(r, CK_EINVAL,
                             "metrics.spend_log_likelihood: expected a number with a spend model");
    f->params = (ck_gammagamma_params){ values[0], values[1], values[2] };
    f->se_p = se[0];
    f->se_q = se[1];
    f->se_gamma = se[2];
    return CK_OK;
}

static int read_summary(const ck__json_reader *r, const ck__json *body, ck_bgnbd_model *v)
{
    char at[CK__JSON_PATH_LEN];
    const ck__json *s;
    int rc;
    if ((rc = ck__json_get_object(r, body, "body", "summary", &s, at)) < 0 ||
        (rc = ck__json_get_count(r, s, at, "customers", &v->n_customers)) < 0 ||
        (rc = ck__json_get_count(r, s, at, "repeat_buyers", &v->n_repeat_buyers)) < 0 ||
        (rc = ck__json_get_count(r, s, at, "spend_excluded", &v->n_spend_excluded)) < 0 ||
        (rc = ck__json_get_number(r, s, at, "mean_frequency", &v->mean_frequency)) < 0 ||
        (rc = ck__json_get_number(r, s, at, "mean_recency", &v->mean_recency)) < 0 ||
        (rc = ck__json_get_number(r, s, at, "mean_age", &v->mean_age)) < 0 ||
        (rc = ck__json_get_number(r, s, at, "max_age", &v->max_age)) < 0)
        return rc;
    return ck__json_get_metric(r, s, at, "mean_spend", &v->mean_spend);
}

int ck__bgnbd_read_body(void *fit, const ck__json_reader *r, const ck__json *body,
                        ck_schema **schema)
{
    ck__bgnbd_fit *f = fit;
    size_t n = ck_schema_n_features(*schema);
    int rc;
    if (n != 3 && n != 4)
        return ck__json_fail(r, CK_EINVAL,
                             "feature_spec.schema: a bgnbd model reads 3 or 4 columns, got %zu", n);
    if ((rc = read_purchases(r, body, &f->model.purchases)) < 0 ||
        (rc = read_spend(r, body, &f->model)) < 0 ||
        (rc = ck__json_get_string(r, body, "body", "spend_note", f->model.spend_note,
                                  sizeof f->model.spend_note)) < 0 ||
        (rc = read_summary(r, body, &f->model)) < 0)
        return rc;
    if (f->model.has_spend && n != 4)
        return ck__json_fail(r, CK_EINVAL, "body.spend: a spend model needs a monetary column");
    if (f->model.spend.params.q <= 1.0 && f->model.has_spend)
        return ck__json_fail(r, CK_EINVAL, "body.spend.q: expected > 1 (a finite mean spend)");
    f->schema = *schema;
    *schema = NULL;
    return CK_OK;
}
