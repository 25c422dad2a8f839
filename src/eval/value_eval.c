/*
 * Evaluating a customer-value model out of time (see value_eval.h), and its text and JSON.
 *
 * Data: per customer x (calibration repeat purchases), the model's expected purchases in
 * the holdout [T, T + H), the actual ones, and a naive baseline; for the tracking curve
 * the customers' first-purchase times s_i, the times of the actual repeat purchases and a
 * grid of times. The result (ck_value_eval) is a plain struct owning its one array.
 *
 * Formulas:
 * - totals Σ predicted and Σ actual; MAE = mean |p − a|; RMSE = √ mean (p − a)².
 * - Spearman's ρ: Pearson's correlation of the ranks, ties given the mean of the ranks
 *   they span (Kendall & Gibbons, "Rank Correlation Methods", 5th ed., 1990, ch. 3; what
 *   scipy.stats.spearmanr computes). Undefined (NaN) when either side is constant, as its
 *   ranks then have no variance.
 * - By calibration frequency (FHL 2005, "Counting Your Customers the Easy Way", Marketing
 *   Science 24(2), Figure 4: conditional expectations): the customers with x = 0, …, 6 and
 *   x ≥ 7, and their mean predicted, actual and baseline holdout purchases.
 * - Tracking (FHL 2005, Figure 2, cumulative repeat transactions): at grid time t, the
 *   predicted repeat purchases of the whole cohort are Σ_i E[X(t − s_i)] over the
 *   customers who had made their first purchase, s_i < t, with E[X(t)] the expected repeat
 *   purchases of a new customer in (0, t] (FHL eq. 7, ck_bgnbd_expected_unconditional).
 *   Customers sharing an s_i share the term, so the sum runs over distinct s_i with their
 *   counts. The actual curve counts the repeat purchases at times ≤ t.
 */
#include "churnkit/value_eval.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "io/json.h"

/* ---- checks ------------------------------------------------------------------------ */

static int check_values(const double *v, size_t n, const char *name, bool whole, ck_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || !(v[i] >= 0.0))
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1,
                                "%s[%zu] must be a finite number >= 0, got %.17g", name, i, v[i]);
        if (whole && v[i] != floor(v[i]))
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1,
                                "%s[%zu] must be a whole number, got %.17g", name, i, v[i]);
    }
    return CK_OK;
}

static int check_input(const ck_value_eval_input *in, ck_error *err)
{
    if (in->n == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no customers to evaluate");
    if (!isfinite(in->horizon) || !(in->horizon > 0.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "horizon must be > 0, got %.17g", in->horizon);
    if (in->time_unit != NULL && (in->time_unit[0] == '\0' ||
                                  strlen(in->time_unit) >= sizeof((ck_value_eval *)0)->time_unit))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "time unit must be 1 to 15 bytes, got \"%.40s\"", in->time_unit);
    int rc;
    if ((rc = check_values(in->x, in->n, "x", true, err)) < 0 ||
        (rc = check_values(in->predicted, in->n, "predicted", false, err)) < 0 ||
        (rc = check_values(in->actual, in->n, "actual", false, err)) < 0 ||
        (rc = check_values(in->baseline, in->n, "baseline", false, err)) < 0)
        return rc;
    return CK_OK;
}

static int check_tracking(const ck_value_tracking_input *t, ck_error *err)
{
    if (t->n_customers == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "tracking: no customers");
    if (t->n_grid == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "tracking: no grid times");
    if (!isfinite(t->calibration_end) || !(t->calibration_end >= 0.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "tracking: calibration end must be a finite number >= 0, got %.17g",
                            t->calibration_end);
    int rc;
    if ((rc = check_values(t->first, t->n_customers, "first", false, err)) < 0 ||
        (rc = check_values(t->repeats, t->n_repeats, "repeats", false, err)) < 0 ||
        (rc = check_values(t->grid, t->n_grid, "grid", false, err)) < 0)
        return rc;
    for (size_t j = 1; j < t->n_grid; j++)
        if (!(t->grid[j] > t->grid[j - 1]))
            return ck_error_set(err, CK_EINVAL, NULL, (long)j + 1,
                                "grid must increase strictly: grid[%zu] = %.17g after %.17g", j,
                                t->grid[j], t->grid[j - 1]);
    /* the parameters, checked once here rather than at the first grid point */
    double unused;
    return ck_bgnbd_expected_unconditional(&unused, &t->params, 0.0, err);
}

/* ---- Spearman's rank correlation ------------------------------------------------------ */

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int by_value(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* rank[i]: the 1-based rank of v[i], ties sharing the mean of the ranks they span. */
static void average_ranks(double *rank, const double *v, size_t n, ranked *tmp)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = (ranked){ v[i], i };
    qsort(tmp, n, sizeof *tmp, by_value);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && tmp[b].v == tmp[a].v)
            b++;
        /* ranks a + 1 … b, mean (a + 1 + b) / 2 */
        double r = 0.5 * ((double)a + 1.0 + (double)b);
        for (size_t k = a; k < b; k++)
            rank[tmp[k].i] = r;
        a = b;
    }
}

static bool constant(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[0])
            return false;
    return true;
}

/* NaN when either side is constant; CK_ENOMEM otherwise only. */
static int spearman(double *out, const double *p, const double *a, size_t n, ck_error *err)
{
    *out = NAN;
    if (constant(p, n) || constant(a, n))
        return CK_OK;
    double *rp = ck__alloc_array(n, sizeof *rp), *ra = ck__alloc_array(n, sizeof *ra);
    ranked *tmp = ck__alloc_array(n, sizeof *tmp);
    if (rp == NULL || ra == NULL || tmp == NULL) {
        free(tmp);
        free(ra);
        free(rp);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    average_ranks(rp, p, n, tmp);
    average_ranks(ra, a, n, tmp);
    /* both rank vectors sum to n (n + 1) / 2, so their mean is exact */
    double mean = 0.5 * ((double)n + 1.0), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = rp[i] - mean, dy = ra[i] - mean;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    double rho = sxy / sqrt(sxx * syy);
    *out = rho > 1.0 ? 1.0 : rho < -1.0 ? -1.0 : rho;
    free(tmp);
    free(ra);
    free(rp);
    return CK_OK;
}

static int metrics_of(ck_value_metrics *m, const double *p, const double *a, size_t n,
                      ck_error *err)
{
    double sp = 0, sa = 0, abs_err = 0, sq_err = 0;
    for (size_t i = 0; i < n; i++) {
        double d = p[i] - a[i];
        sp += p[i];
        sa += a[i];
        abs_err += fabs(d);
        sq_err += d * d;
    }
    m->predicted_total = sp;
    m->actual_total = sa;
    m->mae = abs_err / (double)n;
    m->rmse = sqrt(sq_err / (double)n);
    return spearman(&m->spearman, p, a, n, err);
}

static void by_frequency(ck_value_eval *ve, const ck_value_eval_input *in)
{
    double sum_p[CK_VALUE_EVAL_FREQ_ROWS] = { 0 }, sum_a[CK_VALUE_EVAL_FREQ_ROWS] = { 0 },
           sum_b[CK_VALUE_EVAL_FREQ_ROWS] = { 0 };
    size_t count[CK_VALUE_EVAL_FREQ_ROWS] = { 0 };
    for (size_t i = 0; i < in->n; i++) {
        size_t k = in->x[i] >= CK_VALUE_EVAL_FREQ_ROWS - 1 ? CK_VALUE_EVAL_FREQ_ROWS - 1
                                                           : (size_t)in->x[i];
        count[k]++;
        sum_p[k] += in->predicted[i];
        sum_a[k] += in->actual[i];
        sum_b[k] += in->baseline[i];
    }
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        ck_value_frequency *f = &ve->by_frequency[k];
        double c = (double)count[k];
        f->customers = count[k];
        f->predicted = count[k] ? sum_p[k] / c : NAN;
        f->actual = count[k] ? sum_a[k] / c : NAN;
        f->baseline = count[k] ? sum_b[k] / c : NAN;
    }
}

/* ---- tracking ---------------------------------------------------------------------------- */

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int tracking_of(ck_value_eval *ve, const ck_value_tracking_input *t, ck_error *err)
{
    int rc = CK_OK;
    double *s = ck__alloc_array(t->n_customers, sizeof *s);
    double *count = ck__alloc_array(t->n_customers, sizeof *count);
    double *rep = ck__alloc_array(t->n_repeats, sizeof *rep);
    ve->tracking = ck__alloc_array(t->n_grid, sizeof *ve->tracking);
    if (s == NULL || count == NULL || rep == NULL || ve->tracking == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* the distinct first-purchase times, ascending, with their customers */
    memcpy(s, t->first, t->n_customers * sizeof *s);
    qsort(s, t->n_customers, sizeof *s, ascending);
    size_t m = 0;
    for (size_t i = 0; i < t->n_customers; i++) {
        if (m > 0 && s[i] == s[m - 1]) {
            count[m - 1] += 1.0;
        } else {
            s[m] = s[i];
            count[m++] = 1.0;
        }
    }
    if (t->n_repeats > 0)
        memcpy(rep, t->repeats, t->n_repeats * sizeof *rep);
    qsort(rep, t->n_repeats, sizeof *rep, ascending);
    size_t r = 0;
    for (size_t j = 0; j < t->n_grid; j++) {
        double tj = t->grid[j], predicted = 0.0;
        for (size_t k = 0; k < m && s[k] < tj; k++) {
            double e;
            if ((rc = ck_bgnbd_expected_unconditional(&e, &t->params, tj - s[k], err)) < 0)
                goto done;
            predicted += count[k] * e;
        }
        while (r < t->n_repeats && rep[r] <= tj)
            r++;
        ve->tracking[j] = (ck_value_tracking_point){ tj, predicted, (double)r };
    }
    ve->n_tracking = t->n_grid;
    ve->has_tracking = true;
    ve->calibration_end = t->calibration_end;
done:
    free(rep);
    free(count);
    free(s);
    return rc;
}

/* ---- the evaluation ---------------------------------------------------------------------- */

int ck_value_eval_run(ck_value_eval **out, const ck_value_eval_input *in,
                      const ck_value_tracking_input *tracking, ck_error *err)
{
    assert(out != NULL && in != NULL);
    assert(in->n == 0 || (in->x && in->predicted && in->actual && in->baseline));
    assert(tracking == NULL ||
           (tracking->first && tracking->grid && (tracking->repeats || tracking->n_repeats == 0)));
    *out = NULL;
    int rc;
    if ((rc = check_input(in, err)) < 0)
        return rc;
    if (tracking != NULL && (rc = check_tracking(tracking, err)) < 0)
        return rc;
    ck_value_eval *ve = calloc(1, sizeof *ve);
    if (ve == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    ve->n_customers = in->n;
    ve->horizon = in->horizon;
    snprintf(ve->time_unit, sizeof ve->time_unit, "%s", in->time_unit ? in->time_unit : "day");
    ve->calibration_end = NAN;
    if ((rc = metrics_of(&ve->model, in->predicted, in->actual, in->n, err)) < 0 ||
        (rc = metrics_of(&ve->baseline, in->baseline, in->actual, in->n, err)) < 0)
        goto fail;
    /* finite inputs can still sum or square past the largest double */
    if (!isfinite(ve->model.predicted_total + ve->model.actual_total + ve->model.rmse +
                  ve->baseline.predicted_total + ve->baseline.rmse)) {
        rc = ck_error_set(err, CK_EINVAL, NULL, 0,
                          "purchases too large to total (the sums or squares overflow)");
        goto fail;
    }
    by_frequency(ve, in);
    if (tracking != NULL && (rc = tracking_of(ve, tracking, err)) < 0)
        goto fail;
    *out = ve;
    return CK_OK;
fail:
    ck_value_eval_free(ve);
    return rc;
}

void ck_value_eval_free(ck_value_eval *ve)
{
    if (ve == NULL)
        return;
    free(ve->tracking);
    free(ve);
}

/* ---- text ---------------------------------------------------------------------------- */

static void number(FILE *out, double v, int width, int decimals)
{
    if (isnan(v))
        fprintf(out, "%*s", width, "-");
    else
        fprintf(out, "%*.*f", width, decimals, v);
}

static void metrics_line(FILE *out, const char *name, const ck_value_metrics *m)
{
    fprintf(out, "%-18s", name);
    number(out, m->predicted_total, 14, 2);
    number(out, m->actual_total, 14, 2);
    number(out, m->mae, 10, 4);
    number(out, m->rmse, 10, 4);
    number(out, m->spearman, 10, 4);
    fputc('\n', out);
}

/* The tracking point at or just before time t (the last point when t is past the grid). */
static const ck_value_tracking_point *point_at(const ck_value_eval *ve, double t)
{
    const ck_value_tracking_point *p = NULL;
    for (size_t j = 0; j < ve->n_tracking && ve->tracking[j].t <= t; j++)
        p = &ve->tracking[j];
    return p;
}

int ck_value_eval_write_text(const ck_value_eval *ve, FILE *out, ck_error *err)
{
    fprintf(out, "holdout of %g %ss, %zu customers\n\n", ve->horizon, ve->time_unit,
            ve->n_customers);
    fprintf(out, "%-18s%14s%14s%10s%10s%10s\n", "purchases", "predicted", "actual", "MAE", "RMSE",
            "Spearman");
    metrics_line(out, "BG/NBD", &ve->model);
    metrics_line(out, "baseline (rate)", &ve->baseline);
    fprintf(out, "\nby calibration repeat purchases, mean holdout purchases\n");
    fprintf(out, "%-6s%11s%12s%12s%12s\n", "x", "customers", "predicted", "actual", "baseline");
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *f = &ve->by_frequency[k];
        if (k + 1 < CK_VALUE_EVAL_FREQ_ROWS)
            fprintf(out, "%-6zu", k);
        else
            fprintf(out, "%-6s", "7+");
        fprintf(out, "%11zu", f->customers);
        number(out, f->predicted, 12, 3);
        number(out, f->actual, 12, 3);
        number(out, f->baseline, 12, 3);
        fputc('\n', out);
    }
    if (ve->has_tracking) {
        fprintf(out, "\ncumulative repeat purchases\n");
        fprintf(out, "%-24s%12s%14s%14s\n", "", "t", "predicted", "actual");
        const ck_value_tracking_point *p = point_at(ve, ve->calibration_end);
        if (p != NULL) {
            fprintf(out, "%-24s%12g", "end of calibration", p->t);
            number(out, p->predicted, 14, 1);
            number(out, p->actual, 14, 1);
            fputc('\n', out);
        }
        p = &ve->tracking[ve->n_tracking - 1];
        fprintf(out, "%-24s%12g", "end", p->t);
        number(out, p->predicted, 14, 1);
        number(out, p->actual, 14, 1);
        fputc('\n', out);
    }
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the value evaluation");
    return CK_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void metrics_json(ck__json_writer *w, ck__json *obj, const ck_value_metrics *m,
                         const char *at)
{
    ck__json_put(w, obj, "predicted_total",
                 ck__json_new_metric(w, m->predicted_total, "%spredicted_total", at));
    ck__json_put(w, obj, "actual_total",
                 ck__json_new_metric(w, m->actual_total, "%sactual_total", at));
    ck__json_put(w, obj, "mae", ck__json_new_metric(w, m->mae, "%smae", at));
    ck__json_put(w, obj, "rmse", ck__json_new_metric(w, m->rmse, "%srmse", at));
    ck__json_put(w, obj, "spearman", ck__json_new_metric(w, m->spearman, "%sspearman", at));
}

int ck_value_eval_write_json(const ck_value_eval *ve, FILE *out, ck_error *err)
{
    ck__json_writer w = { CK_OK, err };
    ck__json *root = ck__json_new_object(&w);
    if (root == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    metrics_json(&w, root, &ve->model, "");
    ck__json *base = ck__json_put(&w, root, "baseline", ck__json_new_object(&w));
    metrics_json(&w, base, &ve->baseline, "baseline.");
    ck__json *freq = ck__json_put(&w, root, "by_frequency", ck__json_new_array(&w));
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *f = &ve->by_frequency[k];
        ck__json *row = ck__json_put(&w, freq, NULL, ck__json_new_object(&w));
        if (k + 1 < CK_VALUE_EVAL_FREQ_ROWS)
            ck__json_put(&w, row, "x", ck__json_new_integer(&w, (long long)k));
        else
            ck__json_put(&w, row, "x", ck__json_new_string(&w, "7+"));
        ck__json_put(&w, row, "customers", ck__json_new_integer(&w, (long long)f->customers));
        ck__json_put(&w, row, "predicted",
                     ck__json_new_metric(&w, f->predicted, "by_frequency[%zu].predicted", k));
        ck__json_put(&w, row, "actual",
                     ck__json_new_metric(&w, f->actual, "by_frequency[%zu].actual", k));
        ck__json_put(&w, row, "baseline",
                     ck__json_new_metric(&w, f->baseline, "by_frequency[%zu].baseline", k));
    }
    ck__json *track = ck__json_put(&w, root, "tracking", ck__json_new_array(&w));
    for (size_t j = 0; j < ve->n_tracking; j++) {
        const ck_value_tracking_point *p = &ve->tracking[j];
        ck__json *pt = ck__json_put(&w, track, NULL, ck__json_new_object(&w));
        ck__json_put(&w, pt, "t", ck__json_new_metric(&w, p->t, "tracking[%zu].t", j));
        ck__json_put(&w, pt, "predicted",
                     ck__json_new_metric(&w, p->predicted, "tracking[%zu].predicted", j));
        ck__json_put(&w, pt, "actual",
                     ck__json_new_metric(&w, p->actual, "tracking[%zu].actual", j));
    }
    ck__json_put(&w, root, "calibration_end",
                 ck__json_new_metric(&w, ve->calibration_end, "calibration_end"));
    ck__json_put(&w, root, "horizon", ck__json_new_metric(&w, ve->horizon, "horizon"));
    ck__json_put(&w, root, "time_unit", ck__json_new_string(&w, ve->time_unit));
    ck__json_put(&w, root, "customers", ck__json_new_integer(&w, (long long)ve->n_customers));
    int rc = w.rc;
    if (rc == CK_OK)
        rc = ck__json_write(root, out, err);
    ck__json_free(root);
    return rc;
}
