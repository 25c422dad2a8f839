/*
 * Logistic regression in the model file (models/FORMAT.md): "params", the solver's record
 * in "metrics" (after the shared members), and the body, one term per feature with its
 * preprocessing and coefficients, written and read through the JSON layer (io/json.h).
 *
 * Reading computes the original-scale coefficients and intercept again from the
 * standardised ones, and they must agree with the stored ones
 * (ck__learner_same_number), so a file edited by hand is refused; the stored numbers are
 * then kept. The layout of the design columns is asked of logreg_model.c once every
 * term's missing indicator is known.
 */
#include "learn/logreg/logreg_io.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/logreg/logreg_int.h"

/* ---- writing ------------------------------------------------------------------------ */

/* Every parameter but n_threads: the model is the same for any thread count, and so is
 * its file. The seed is a decimal string, as a uint64 may not fit in a double. C is the
 * model's (the best of C_grid under cross-validation). */
void ck__logreg_write_params(const void *fit, ck__json_writer *w, ck__json *o)
{
    const ck_logreg_params *p = &((const ck__logreg_fit *)fit)->params;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->seed);
    ck__json_put(w, o, "solver", ck__json_new_string(w, ck_logreg_solver_name(p->solver)));
    ck__json_put(w, o, "penalty", ck__json_new_string(w, ck_logreg_penalty_name(p->penalty)));
    ck__json_put(w, o, "C", ck__json_new_number(w, p->C, "params.C"));
    ck__json_put(w, o, "pos_weight", ck__json_new_number(w, p->pos_weight, "params.pos_weight"));
    ck__json_put(w, o, "tol", ck__json_new_number(w, p->tol, "params.tol"));
    ck__json_put(w, o, "max_iter", ck__json_new_integer(w, p->max_iter));
    ck__json_put(w, o, "clip", ck__json_new_number(w, p->clip, "params.clip"));
    ck__json_put(w, o, "cv_folds", ck__json_new_integer(w, p->cv_folds));
    if (p->n_grid > CK_LOGREG_MAX_GRID)
        ck__json_fail_write(w, CK_EINVAL, "params.C_grid: more than %d values", CK_LOGREG_MAX_GRID);
    ck__json *grid = ck__json_put(w, o, "C_grid", ck__json_new_array(w));
    for (size_t g = 0; g < p->n_grid && w->rc == CK_OK; g++)
        ck__json_put(w, grid, NULL, ck__json_new_number(w, p->grid[g], "params.C_grid[%zu]", g));
    ck__json_put(w, o, "seed", ck__json_new_string(w, seed));
}

/* One term per feature: its preprocessing and coefficients (logreg.h). */
static void write_term(ck__json_writer *w, ck__json *terms, const ck_logreg *m, size_t j)
{
    const ck_logreg_feature *f = ck_logreg_feature_at(m, j);
    ck__json *o = ck__json_put(w, terms, NULL, ck__json_new_object(w));
    ck__json_put(w, o, "feature", ck__json_new_string(w, ck_schema_name(ck_logreg_schema(m), j)));
    if (f->categorical) {
        ck__json *coefs = ck__json_put(w, o, "level_coefs", ck__json_new_array(w));
        for (size_t k = 0; k < f->n_levels && w->rc == CK_OK; k++)
            ck__json_put(w, coefs, NULL,
                         ck__json_new_number(w, f->level_coefs[k],
                                             "body.terms[%zu].level_coefs[%zu]", j, k));
    } else {
        ck__json_put(w, o, "center",
                     ck__json_new_number(w, f->center, "body.terms[%zu].center", j));
        ck__json_put(w, o, "scale", ck__json_new_number(w, f->scale, "body.terms[%zu].scale", j));
        if (f->clipped) {
            ck__json *clip = ck__json_put(w, o, "clip", ck__json_new_array(w));
            ck__json_put(w, clip, NULL,
                         ck__json_new_number(w, f->clip_low, "body.terms[%zu].clip[0]", j));
            ck__json_put(w, clip, NULL,
                         ck__json_new_number(w, f->clip_high, "body.terms[%zu].clip[1]", j));
        } else {
            ck__json_put(w, o, "clip", ck__json_new_null(w));
        }
        ck__json_put(w, o, "coef", ck__json_new_number(w, f->coef, "body.terms[%zu].coef", j));
        ck__json_put(w, o, "coef_original",
                     ck__json_new_number(w, f->coef_original, "body.terms[%zu].coef_original", j));
    }
    if (f->has_missing)
        ck__json_put(w, o, "missing_coef",
                     ck__json_new_number(w, f->missing_coef, "body.terms[%zu].missing_coef", j));
    else
        ck__json_put(w, o, "missing_coef", ck__json_new_null(w));
}

void ck__logreg_write_body(const void *fit, ck__json_writer *w, ck__json *body)
{
    const ck_logreg *m = ((const ck__logreg_fit *)fit)->logreg;
    ck__json_put(w, body, "intercept",
                 ck__json_new_number(w, ck_logreg_intercept(m, false), "body.intercept"));
    ck__json_put(w, body, "intercept_original",
                 ck__json_new_number(w, ck_logreg_intercept(m, true), "body.intercept_original"));
    ck__json *terms = ck__json_put(w, body, "terms", ck__json_new_array(w));
    for (size_t j = 0; j < ck_schema_n_features(ck_logreg_schema(m)) && w->rc == CK_OK; j++)
        write_term(w, terms, m, j);
}

/* After the shared metrics: the solver's record. */
void ck__logreg_write_metrics(const void *fit, const ck__learner_metrics *t, ck__json_writer *w,
                              ck__json *m)
{
    (void)t;
    const ck_logreg_report *r = &((const ck__logreg_fit *)fit)->report;
    ck__json_put(w, m, "iterations", ck__json_new_integer(w, r->iterations));
    ck__json_put(w, m, "objective", ck__json_new_number(w, r->objective, "metrics.objective"));
    ck__json_put(w, m, "gradient_norm",
                 ck__json_new_metric(w, r->grad_norm, "metrics.gradient_norm"));
    ck__json_put(w, m, "converged", ck__json_new_bool(w, r->converged));
    if (r->n_cv > CK_LOGREG_MAX_GRID)
        ck__json_fail_write(w, CK_EINVAL, "metrics.cv: more than %d values", CK_LOGREG_MAX_GRID);
    ck__json *cv = ck__json_put(w, m, "cv", ck__json_new_array(w));
    for (size_t g = 0; g < r->n_cv && w->rc == CK_OK; g++) {
        ck__json *point = ck__json_put(w, cv, NULL, ck__json_new_object(w));
        ck__json_put(w, point, "C", ck__json_new_number(w, r->cv_C[g], "metrics.cv[%zu].C", g));
        ck__json_put(w, point, "logloss",
                     ck__json_new_number(w, r->cv_logloss[g], "metrics.cv[%zu].logloss", g));
    }
}

/* ---- reading ------------------------------------------------------------------------ */

int ck__logreg_read_begin(void **out, ck_error *err)
{
    ck__logreg_fit *fit = calloc(1, sizeof *fit);
    *out = fit;
    if (fit == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    fit->params = (ck_logreg_params)CK_LOGREG_PARAMS_INIT;
    return CK_OK;
}

int ck__logreg_read_params(void *fit, const ck__json_reader *r, const ck__json *o)
{
    static const char *const solvers[] = { "newton", "lbfgs", "liblinear" };
    static const char *const penalties[] = { "l2", "l1" };
    ck_logreg_params *p = &((ck__logreg_fit *)fit)->params;
    const char *at = "params";
    char path[CK__JSON_PATH_LEN];
    const ck__json *grid;
    int solver = 0, penalty = 0, rc;
    if ((rc = ck__json_get_choice(r, o, at, "solver", solvers, 3,
                                  "\"newton\", \"lbfgs\" or \"liblinear\"", &solver)) < 0 ||
        (rc = ck__json_get_choice(r, o, at, "penalty", penalties, 2, "\"l2\" or \"l1\"",
                                  &penalty)) < 0)
        return rc;
    p->solver = (ck_logreg_solver)solver;
    p->penalty = penalty == 1 ? CK_LOGREG_L1 : CK_LOGREG_L2;
    if (p->penalty == CK_LOGREG_L1 && p->solver != CK_LOGREG_LIBLINEAR)
        return ck__json_fail(r, CK_EINVAL, "params.penalty: \"l1\" needs the \"liblinear\" solver");
    if ((rc = ck__json_get_in_range(r, o, at, "C", 0, false, HUGE_VAL, "a positive number",
                                    &p->C)) < 0 ||
        (rc = ck__json_get_in_range(r, o, at, "pos_weight", 0, false, HUGE_VAL, "a positive number",
                                    &p->pos_weight)) < 0 ||
        (rc = ck__json_get_in_range(r, o, at, "tol", 0, false, 1, "a number in (0, 1)", &p->tol)) <
            0 ||
        (rc = ck__json_get_int(r, o, at, "max_iter", &p->max_iter)) < 0 ||
        (rc = ck__json_get_in_range(r, o, at, "clip", 0, true, 0.5, "a number in [0, 0.5)",
                                    &p->clip)) < 0 ||
        (rc = ck__json_get_int(r, o, at, "cv_folds", &p->cv_folds)) < 0)
        return rc;
    if (p->cv_folds == 1 || p->cv_folds > 100)
        return ck__json_fail(r, CK_EINVAL, "params.cv_folds: expected 0 or 2 to 100");
    if ((rc = ck__json_get_array(r, o, at, "C_grid", CK_LOGREG_MAX_GRID, &grid, &p->n_grid, path)) <
        0)
        return rc;
    size_t g = 0;
    for (const ck__json *it = ck__json_child(grid); it; it = ck__json_next(it), g++) {
        char item_path[CK__JSON_PATH_LEN];
        ck__json_path_index(item_path, path, g);
        if ((rc = ck__json_want_number(r, it, item_path, &p->grid[g])) < 0)
            return rc;
        if (!(p->grid[g] > 0))
            return ck__json_fail(r, CK_EINVAL, "%s: expected a positive number", item_path);
    }
    if ((rc = ck__json_get_u64_string(r, o, at, "seed", &p->seed)) < 0)
        return rc;
    p->n_threads = 1;
    return CK_OK;
}

/* One term of body.terms: feature j's preprocessing and coefficients into m. */
static int read_term(const ck__json_reader *r, const ck__json *o, const char *at, ck_logreg *m,
                     size_t j)
{
    char path[CK__JSON_PATH_LEN];
    int rc;
    if (!ck__json_is_object(o))
        return ck__json_fail(r, CK_EINVAL, "%s: expected an object", at);
    long named = ck__learner_read_feature(r, o, at, m->schema);
    if (named < 0)
        return CK_EINVAL;
    if ((size_t)named != j) {
        ck__json_path_key(path, at, "feature");
        return ck__json_fail(r, CK_EINVAL,
                             "%s: expected \"%s\" (terms follow the order of features)", path,
                             ck_schema_name(m->schema, j));
    }
    ck_logreg_feature *f = &m->features[j];
    if (f->categorical) {
        double *coefs;
        if ((rc = ck__json_get_numbers(r, o, at, "level_coefs", f->n_levels, "one per level",
                                       &coefs)) < 0)
            return rc;
        memcpy(ck__logreg_level_coefs(m, j), coefs, f->n_levels * sizeof *coefs);
        free(coefs);
    } else {
        if ((rc = ck__json_get_number(r, o, at, "center", &f->center)) < 0 ||
            (rc = ck__json_get_in_range(r, o, at, "scale", 0, false, HUGE_VAL, "a positive number",
                                        &f->scale)) < 0)
            return rc;
        const ck__json *clip = ck__json_member(r, o, at, "clip", path);
        if (clip == NULL)
            return CK_EINVAL;
        f->clipped = !ck__json_is_null(clip);
        if (f->clipped) {
            const ck__json *low = ck__json_child(clip);
            const ck__json *high = low ? ck__json_next(low) : NULL;
            bool pair = ck__json_is_array(clip) && ck__json_size(clip) == 2 &&
                        ck__json_is_number(low) && ck__json_is_number(high);
            f->clip_low = pair ? ck__json_number(low) : NAN;
            f->clip_high = pair ? ck__json_number(high) : NAN;
            if (!(isfinite(f->clip_low) && isfinite(f->clip_high) && f->clip_low <= f->clip_high))
                return ck__json_fail(r, CK_EINVAL,
                                     "%s: expected null or [low, high] with low <= high", path);
        }
        double stored;
        if ((rc = ck__json_get_number(r, o, at, "coef", &f->coef)) < 0 ||
            (rc = ck__json_get_number(r, o, at, "coef_original", &stored)) < 0)
            return rc;
        f->coef_original = f->coef / f->scale;
        if (!ck__learner_same_number(stored, f->coef_original)) {
            ck__json_path_key(path, at, "coef_original");
            return ck__json_fail(r, CK_EINVAL,
                                 "%s: does not match coef / scale (%.17g stored, %.17g computed)",
                                 path, stored, f->coef_original);
        }
        f->coef_original = stored;
    }
    const ck__json *missing = ck__json_member(r, o, at, "missing_coef", path);
    if (missing == NULL)
        return CK_EINVAL;
    f->has_missing = !ck__json_is_null(missing);
    f->missing_coef = 0;
    if (f->has_missing && !(ck__json_is_number(missing) && isfinite(ck__json_number(missing))))
        return ck__json_fail(r, CK_EINVAL, "%s: expected a number or null", path);
    if (f->has_missing)
        f->missing_coef = ck__json_number(missing);
    return CK_OK;
}

/* The logistic-regression body. Like the stumps' tables, the original-scale numbers are
 * computed again from the standardised ones and must agree (ck__learner_same_number), so a file
 * edited by hand is refused; the stored numbers are then kept. */
int ck__logreg_read_body(void *fit, const ck__json_reader *r, const ck__json *body,
                         ck_schema **schema)
{
    ck__logreg_fit *fl = fit;
    char path[CK__JSON_PATH_LEN];
    const char *at = "body";
    const ck__json *terms;
    size_t n_terms, n_features = ck_schema_n_features(*schema);
    double stored;
    int rc;
    if ((rc = ck__logreg_new(&fl->logreg, *schema, r->err)) < 0)
        return rc;
    ck_logreg *m = fl->logreg;
    if ((rc = ck__json_get_number(r, body, at, "intercept", &m->intercept)) < 0 ||
        (rc = ck__json_get_number(r, body, at, "intercept_original", &stored)) < 0 ||
        (rc = ck__json_get_array(r, body, at, "terms", SIZE_MAX, &terms, &n_terms, path)) < 0)
        return rc;
    if (n_terms != n_features)
        return ck__json_fail(r, CK_EINVAL, "%s: expected %zu terms (one per feature), got %zu",
                             path, n_features, n_terms);
    size_t j = 0;
    for (const ck__json *t = ck__json_child(terms); t; t = ck__json_next(t), j++) {
        char term_path[CK__JSON_PATH_LEN];
        ck__json_path_index(term_path, path, j);
        if ((rc = read_term(r, t, term_path, m, j)) < 0)
            return rc;
    }
    ck__logreg_layout(m);
    double computed = ck_logreg_intercept(m, true);
    if (!ck__learner_same_number(stored, computed))
        return ck__json_fail(
            r, CK_EINVAL,
            "body.intercept_original: does not match the terms (%.17g stored, %.17g "
            "from intercept, coef, center and scale)",
            stored, computed);
    fl->report.C = fl->params.C;
    fl->report.n_columns = m->n_columns;
    return CK_OK;
}

int ck__logreg_read_metrics(void *fit, const ck__json_reader *r, const ck__json *o,
                            ck__learner_metrics *t)
{
    ck_logreg_report *report = &((ck__logreg_fit *)fit)->report;
    const char *at = "metrics";
    char path[CK__JSON_PATH_LEN];
    const ck__json *cv;
    int rc;
    if ((rc = ck__json_get_int(r, o, at, "iterations", &report->iterations)) < 0 ||
        (rc = ck__json_get_number(r, o, at, "objective", &report->objective)) < 0 ||
        (rc = ck__json_get_metric(r, o, at, "gradient_norm", &report->grad_norm)) < 0 ||
        (rc = ck__json_get_bool(r, o, at, "converged", &report->converged)) < 0 ||
        (rc = ck__json_get_array(r, o, at, "cv", CK_LOGREG_MAX_GRID, &cv, &report->n_cv, path)) < 0)
        return rc;
    size_t g = 0;
    for (const ck__json *it = ck__json_child(cv); it; it = ck__json_next(it), g++) {
        char point[CK__JSON_PATH_LEN];
        ck__json_path_index(point, path, g);
        if (!ck__json_is_object(it))
            return ck__json_fail(r, CK_EINVAL, "%s: expected an object", point);
        if ((rc = ck__json_get_number(r, it, point, "C", &report->cv_C[g])) < 0 ||
            (rc = ck__json_get_number(r, it, point, "logloss", &report->cv_logloss[g])) < 0)
            return rc;
    }
    report->train_logloss = t->train_logloss;
    report->valid_logloss = t->valid_logloss;
    report->train_auc = t->train_auc;
    report->valid_auc = t->valid_auc;
    return CK_OK;
}
