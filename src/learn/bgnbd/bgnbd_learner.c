/*
 * The customer-value model as a model type (learn/learner.h): trained on one row per
 * customer, its repeat purchases x, the time of the last t_x, its age T and, when the data
 * has spend, the mean spend m̄ of its repeat purchases. The purchase process is fit on
 * every customer; the spend model on the repeat buyers with a positive m̄ (a net spend of
 * zero or less, from refunds, cannot come from the Gamma-Gamma model, so those buyers are
 * counted and left out). The learner gives no churn probability: its scores are values
 * (ck_bgnbd_score()).
 */
#include "learn/bgnbd/bgnbd_learner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *ck_bgnbd_time_unit_name(double days_per_unit)
{
    return days_per_unit == 1.0 ? "day" : days_per_unit == 7.0 ? "week" : NULL;
}

void ck__bgnbd_fit_free(void *fit)
{
    ck__bgnbd_fit *f = fit;
    if (f == NULL)
        return;
    ck_schema_free(f->schema);
    free(f);
}

/* The summaries of `rows` as doubles, each row checked. */
typedef struct summaries {
    double *x, *t_x, *T, *spend;
} summaries;

static void summaries_free(summaries *s)
{
    free(s->x);
    free(s->t_x);
    free(s->T);
    free(s->spend);
}

static int read_summaries(summaries *s, const ck_dataset *rows, ck_error *err)
{
    size_t n = ck_dataset_n_rows(rows), n_columns = ck_dataset_n_features(rows);
    const ck_schema *schema = ck_dataset_schema(rows);
    double **out[4] = { &s->x, &s->t_x, &s->T, &s->spend };
    memset(s, 0, sizeof *s);
    for (size_t j = 0; j < n_columns; j++) {
        if (ck_schema_kind(schema, j) != CK_FEATURE_NUMERIC)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "column \"%s\" must be numeric",
                                ck_schema_name(schema, j));
        if ((*out[j] = ck__alloc_array(n + 1, sizeof(double))) == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        const float *column = ck_dataset_column(rows, j);
        for (size_t i = 0; i < n; i++) {
            if (isnan(column[i]))
                return ck_error_set(err, CK_EINVAL, NULL, 0, "customer \"%s\": %s is missing",
                                    ck_dataset_row_id(rows, i), ck_schema_name(schema, j));
            (*out[j])[i] = column[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        ck_error why = { 0 };
        if (ck_bgnbd_check_customer(s->x[i], s->t_x[i], s->T[i], i, &why) < 0)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "customer \"%s\": %s",
                                ck_dataset_row_id(rows, i), why.msg);
    }
    return CK_OK;
}

/* The data summary kept in the file. */
static void describe(ck_bgnbd_model *m, const summaries *s, size_t n)
{
    double sum[3] = { 0 };
    for (size_t i = 0; i < n; i++) {
        sum[0] += s->x[i];
        sum[1] += s->t_x[i];
        sum[2] += s->T[i];
        m->n_repeat_buyers += s->x[i] >= 1.0;
        m->max_age = fmax(m->max_age, s->T[i]);
    }
    m->n_customers = n;
    m->mean_frequency = n ? sum[0] / (double)n : 0.0;
    m->mean_recency = n ? sum[1] / (double)n : 0.0;
    m->mean_age = n ? sum[2] / (double)n : 0.0;
    m->mean_spend = NAN;
}

/* q beyond this: the spend levels ν ~ Gamma(q, γ) have no spread left (their coefficient
 * of variation is 1/√q), and a customer's own mean gets at most p x / (p x + q − 1) of
 * the weight in E[M] (under 1% for p x below 100): the fit ran to the boundary. */
#define SPEND_NO_SPREAD 1e4

/* The spend model on the repeat buyers with a positive mean spend. Too few of them, or no
 * variation in their spend, leaves no spend model and a note saying why: a value model
 * without spend still ranks by expected purchases. */
static int fit_spend(ck_bgnbd_model *m, const summaries *s, size_t n,
                     const ck_bgnbd_fit_options *opts, ck_error *err)
{
    size_t kept = 0;
    double *x = ck__alloc_array(n + 1, sizeof *x), *spend = ck__alloc_array(n + 1, sizeof *spend);
    double *t_x = ck__alloc_array(n + 1, sizeof *t_x), *T = ck__alloc_array(n + 1, sizeof *T);
    int rc = x && spend && t_x && T ? CK_OK
                                    : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    double total = 0.0;
    for (size_t i = 0; rc == CK_OK && i < n; i++) {
        if (s->x[i] < 1.0)
            continue;
        if (!(s->spend[i] > 0.0)) {
            m->n_spend_excluded++;
            continue;
        }
        x[kept] = s->x[i];
        t_x[kept] = s->t_x[i];
        T[kept] = s->T[i];
        spend[kept++] = s->spend[i];
        total += s->spend[i];
    }
    if (rc == CK_OK) {
        ck_bgnbd_data d = { x, t_x, T, spend, kept };
        ck_error why = { 0 };
        if (ck_gammagamma_fit_data(&m->spend, &d, opts, &why) == CK_OK &&
            m->spend.params.q <= 1.0) {
            snprintf(m->spend_note, sizeof m->spend_note,
                     "no spend model: its fit has q = %.3g <= 1, an infinite mean spend (the "
                     "spend varies too wildly for the Gamma-Gamma model)",
                     m->spend.params.q);
        } else if (why.code == CK_OK) {
            m->has_spend = true;
            m->mean_spend = total / (double)kept;
        } else if (why.code == CK_ENOMEM) {
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        } else {
            snprintf(m->spend_note, sizeof m->spend_note, "no spend model: %s", why.msg);
        }
    }
    double r = m->spend.spend_frequency_correlation;
    const ck_gammagamma_params *g = &m->spend.params;
    if (m->has_spend && g->q > SPEND_NO_SPREAD)
        snprintf(m->spend_note, sizeof m->spend_note,
                 "the spend model finds no spread in spend levels between customers (q = %.3g "
                 "runs to infinity): every customer's expected_spend is the population's mean, "
                 "%.2f, whatever they spent so far",
                 g->q, g->p * g->gamma / (g->q - 1.0));
    else if (m->has_spend && fabs(r) > CK_GAMMAGAMMA_MAX_CORRELATION)
        snprintf(m->spend_note, sizeof m->spend_note,
                 "spend and frequency are correlated among the repeat buyers (Pearson r %.3f): "
                 "the spend model assumes them independent, so expected spend and clv are "
                 "biased for the most and least frequent buyers",
                 r);
    free(x);
    free(t_x);
    free(T);
    free(spend);
    return rc;
}

static int train(void **out, const void *params, const ck_dataset *rows, const ck_dataset *valid,
                 ck__learner_metrics *metrics, ck_progress_fn progress, void *payload,
                 ck_error *err)
{
    const ck_bgnbd_train_params *p = params;
    size_t n = ck_dataset_n_rows(rows), n_columns = ck_dataset_n_features(rows);
    *out = NULL;
    if (ck_bgnbd_time_unit_name(p->days_per_unit) == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "time unit: expected 1 (day) or 7 (week) "
                            "days, got %g", p->days_per_unit);
    if (valid != NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "a value model is fit on every customer: it takes no validation rows");
    if (n_columns != 3 && n_columns != 4)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "a value model reads frequency, recency, T and optionally monetary "
                            "value: got %zu columns",
                            n_columns);
    ck__bgnbd_fit *f = calloc(1, sizeof *f);
    summaries s = { 0 };
    int rc = f ? read_summaries(&s, rows, err)
               : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK) {
        f->params = *p;
        f->model.days_per_unit = p->days_per_unit;
        describe(&f->model, &s, n);
        ck_bgnbd_data d = { s.x, s.t_x, s.T, NULL, n };
        rc = ck_bgnbd_fit_data(&f->model.purchases, &d, &p->fit, err);
    }
    if (rc == CK_OK && n_columns == 4)
        rc = fit_spend(&f->model, &s, n, &p->fit, err);
    else if (rc == CK_OK)
        snprintf(f->model.spend_note, sizeof f->model.spend_note,
                 "no spend model: the data has no spend (expected_spend and clv are not given)");
    if (rc == CK_OK)
        rc = ck_schema_copy(&f->schema, ck_dataset_schema(rows), err);
    if (f)
        summaries_free(&s);
    if (rc < 0) {
        ck__bgnbd_fit_free(f);
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
    return ((const ck__bgnbd_fit *)fit)->schema;
}

const ck__learner ck__bgnbd_learner = {
    .name = "bgnbd",
    .output = CK__OUTPUT_VALUE,
    .train = train,
    .free = ck__bgnbd_fit_free,
    .refit = NULL,
    .schema = schema,
    .logit_row = NULL,
    .contributions = NULL,
    .predict = NULL,
    .write_params = ck__bgnbd_write_params,
    .write_metrics_head = NULL,
    .write_metrics_tail = ck__bgnbd_write_metrics,
    .write_body = ck__bgnbd_write_body,
    .read_begin = ck__bgnbd_read_begin,
    .read_params = ck__bgnbd_read_params,
    .read_metrics_head = NULL,
    .read_metrics_tail = ck__bgnbd_read_metrics,
    .read_body = ck__bgnbd_read_body,
};

const ck_bgnbd_model *ck__bgnbd_fit_model(const void *fit)
{
    return &((const ck__bgnbd_fit *)fit)->model;
}

const ck_bgnbd_train_params *ck__bgnbd_fit_params(const void *fit)
{
    return &((const ck__bgnbd_fit *)fit)->params;
}
