/*
 * Tests of logistic regression's part of the model file (src/learn/logreg/logreg_io.c):
 * save → load gives back every field bit for bit and the same scores, NaN refused naming
 * the field, every malformed file refused with its exact message. Models are built by hand
 * (coefficients and preprocessing set directly), so these tests do not depend on the
 * trainer.
 */
#include "churnkit/model.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "churnkit/events.h"
#include "churnkit/predict.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"

#define TMP CK_TEST_TMP "/logreg_io_"
#include "support/model_fixtures.h"

/* ---- logistic regression -------------------------------------------------------------- */

static const ck_logreg_params logreg_params_example = { 0.37,
                                                        CK_LOGREG_L2,
                                                        CK_LOGREG_LBFGS,
                                                        2.5,
                                                        1e-8,
                                                        500,
                                                        0.01,
                                                        5,
                                                        4,
                                                        { 0.01, 0.1, 1.0 / 3, 10 },
                                                        18446744073709551615ULL,
                                                        4 };

static ck_logreg_report logreg_report_example(void)
{
    ck_logreg_report r;
    memset(&r, 0, sizeof r);
    r.C = 0.37;
    r.iterations = 17;
    r.objective = 1234.5678901234567;
    r.grad_norm = 3.3e-9;
    r.converged = true;
    r.n_cv = 4;
    const double C[4] = { 0.01, 0.1, 1.0 / 3, 10 }, loss[4] = { 0.5, 0.41, 0.4000001, 0.43 };
    memcpy(r.cv_C, C, sizeof C);
    memcpy(r.cv_logloss, loss, sizeof loss);
    return r;
}

/* A logistic regression on make_schema() with awkward numbers: recency_days clipped with
 * missing values, lifecycle_stage with missing values, frequency plain, monetary clipped,
 * channel plain. */
static ck_logreg *make_logreg(uint64_t seed)
{
    ck_error err = { 0 };
    rng_state = seed;
    ck_schema *schema = make_schema();
    ck_logreg *m = NULL;
    CHECK_OK(ck__logreg_new(&m, schema, &err));
    ck_schema_free(schema);
    if (m == NULL)
        return NULL;
    for (size_t j = 0; j < 5; j++) {
        ck_logreg_feature *f = &m->features[j];
        f->has_missing = j <= 1;
        if (f->categorical)
            continue;
        f->center = uniform() * 100 - 3;
        f->scale = 20 + uniform() * 40; /* z stays within ±15 on random_row()'s values */
        f->clipped = j != 2;
        f->clip_low = f->center - 2.5 * f->scale;
        f->clip_high = f->center + uniform() * 4 * f->scale;
    }
    ck__logreg_layout(m);
    double beta[32];
    for (size_t k = 0; k < m->n_columns; k++)
        beta[k] = (uniform() - 0.5) / 0.7;
    ck__logreg_set_beta(m, beta);
    return m;
}

static ck_model *make_logreg_model(uint64_t seed)
{
    ck_error err = { 0 };
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    training.rounds_kept = 0;
    ck_logreg_report report = logreg_report_example();
    ck_model *m = NULL;
    ck_logreg *lr = make_logreg(seed);
    if (lr != NULL)
        CHECK_OK(
            ck_model_new_logreg(&m, lr, &logreg_params_example, &report, &spec, &training, &err));
    return m;
}

static void check_same_logreg_model(const ck_model *a, const ck_model *b)
{
    CHECK_EQ_INT(ck_model_type_of(a), CK_MODEL_LOGREG);
    CHECK_EQ_INT(ck_model_type_of(b), CK_MODEL_LOGREG);
    check_same_schema(ck_model_schema(a), ck_model_schema(b));
    check_same_config(&ck_model_spec_of(a)->config, &ck_model_spec_of(b)->config);
    check_same_training(ck_model_training_of(a), ck_model_training_of(b));
    const ck_logreg_params *pa = ck_model_logreg_params(a), *pb = ck_model_logreg_params(b);
    CHECK(same_bits(pa->C, pb->C) && pa->penalty == pb->penalty && pa->solver == pb->solver);
    CHECK(same_bits(pa->pos_weight, pb->pos_weight) && same_bits(pa->tol, pb->tol));
    CHECK(pa->max_iter == pb->max_iter && same_bits(pa->clip, pb->clip));
    CHECK(pa->cv_folds == pb->cv_folds && pa->n_grid == pb->n_grid && pa->seed == pb->seed);
    for (size_t g = 0; g < pa->n_grid && g < pb->n_grid; g++)
        CHECK(same_bits(pa->grid[g], pb->grid[g]));
    const ck_logreg_report *ra = ck_model_logreg_report(a), *rb = ck_model_logreg_report(b);
    CHECK(same_bits(ra->C, rb->C) && ra->iterations == rb->iterations);
    CHECK(same_bits(ra->objective, rb->objective) && ra->converged == rb->converged);
    CHECK(same_bits(ra->grad_norm, rb->grad_norm) ||
          (isnan(ra->grad_norm) && isnan(rb->grad_norm)));
    CHECK_EQ_INT(ra->n_cv, rb->n_cv);
    for (size_t g = 0; g < ra->n_cv && g < rb->n_cv; g++)
        CHECK(same_bits(ra->cv_C[g], rb->cv_C[g]) &&
              same_bits(ra->cv_logloss[g], rb->cv_logloss[g]));
    const ck_logreg *la = ck_model_logreg(a), *lb = ck_model_logreg(b);
    CHECK_EQ_INT(la->n_columns, lb->n_columns);
    CHECK(same_bits(ck_logreg_intercept(la, false), ck_logreg_intercept(lb, false)));
    CHECK(same_bits(ck_logreg_intercept(la, true), ck_logreg_intercept(lb, true)));
    for (size_t j = 0; j < ck_schema_n_features(la->schema); j++) {
        const ck_logreg_feature *x = ck_logreg_feature_at(la, j), *y = ck_logreg_feature_at(lb, j);
        CHECK(x->categorical == y->categorical && x->clipped == y->clipped);
        CHECK(x->has_missing == y->has_missing && same_bits(x->missing_coef, y->missing_coef));
        CHECK(same_bits(x->center, y->center) && same_bits(x->scale, y->scale));
        CHECK(!x->clipped ||
              (same_bits(x->clip_low, y->clip_low) && same_bits(x->clip_high, y->clip_high)));
        CHECK(same_bits(x->coef, y->coef) && same_bits(x->coef_original, y->coef_original));
        CHECK_EQ_INT(x->n_levels, y->n_levels);
        for (size_t k = 0; k < x->n_levels && k < y->n_levels; k++)
            CHECK(same_bits(x->level_coefs[k], y->level_coefs[k]));
    }
}

/* Simple numbers, so that the file can be edited by text (see the comments for the
 * values): intercept −1.25, intercept_original −1.25 − (0.5 · 10.5 / 2 − 0.75 · 3 / 1.5 +
 * 0.2 · 250 / 100) = −2.875. */
static ck_model *editable_logreg_model(void)
{
    ck_error err = { 0 };
    ck_schema *schema = make_schema();
    ck_logreg *lr = NULL;
    CHECK_OK(ck__logreg_new(&lr, schema, &err));
    ck_schema_free(schema);
    if (lr == NULL)
        return NULL;
    ck_logreg_feature *f = lr->features;
    f[0].center = 10.5, f[0].scale = 2, f[0].clipped = true, f[0].clip_low = 1;
    f[0].clip_high = 100, f[0].has_missing = true;
    f[1].has_missing = true;
    f[2].center = 3, f[2].scale = 1.5;
    f[3].center = 250, f[3].scale = 100, f[3].clipped = true, f[3].clip_low = 0;
    f[3].clip_high = 5000;
    ck__logreg_layout(lr);
    /* recency 0.5, missing −0.75; stage levels, missing 0.0625; frequency −0.75; monetary
     * 0.2; channel levels; intercept */
    const double beta[] = { 0.5,   -0.75, 0.125, -0.25, 0.375, 1,    0.0625,
                            -0.75, 0.2,   0.5,   -0.5,  0,     -1.25 };
    CHECK_EQ_INT(lr->n_columns, sizeof beta / sizeof *beta);
    ck__logreg_set_beta(lr, beta);
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_logreg_params params = logreg_params_example;
    params.C = 1;
    ck_logreg_report report = logreg_report_example();
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_logreg(&m, lr, &params, &report, &spec, &training, &err));
    return m;
}

static void test_logreg_io__save_load_round_trip(void)
{
    ck_error err = { 0 };
    ck_model *m = make_logreg_model(17), *back = NULL;
    if (m == NULL)
        return;
    save(m, TMP "logreg.json");
    CHECK_OK(ck_model_load(&back, TMP "logreg.json", &err));
    if (back == NULL) {
        ck_model_free(m);
        return;
    }
    check_same_logreg_model(m, back);
    CHECK_EQ_INT(ck_model_logreg_params(back)->n_threads, 1);
    CHECK(ck_model_gbm(back) == NULL && ck_model_gbm_params(back) == NULL);
    CHECK(ck_model_logreg(back) != NULL &&
          ck_model_schema(back) == ck_logreg_schema(ck_model_logreg(back)));
    /* the same scores and contributions, bit for bit; contributions sum to the logit */
    rng_state = 77;
    size_t differ = 0;
    for (int i = 0; i < 20000; i++) {
        float row[5];
        random_row(row);
        if (i % 50 == 0)
            row[0] = (float)(i % 100 == 0 ? 1e9 : -1e9); /* beyond the clip bounds */
        double p = ck_model_predict_row(m, row), q = ck_model_predict_row(back, row);
        differ += !same_bits(p, q);
        double contrib[5], base;
        ck_model_contributions(back, row, contrib, &base);
        double logit = base;
        for (int j = 0; j < 5; j++)
            logit += contrib[j];
        differ += !same_bits(logit, ck_logreg_logit_row(ck_model_logreg(back), row));
        CHECK(p > 0 && p < 1);
    }
    CHECK_EQ_INT(differ, 0);
    save(back, TMP "logreg2.json");
    char *a = slurp(TMP "logreg.json"), *b = slurp(TMP "logreg2.json");
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    CHECK(a != NULL && strstr(a, "\"model_type\":\t\"logreg\"") != NULL);
    CHECK(a != NULL && strstr(a, "\"rounds_kept\"") == NULL);
    free(a);
    free(b);
    ck_model_free(back);
    ck_model_free(m);
}

static void test_logreg_io__nan_refused_on_save(void)
{
    ck_model *m = make_logreg_model(3);
    if (m == NULL)
        return;
    ck_logreg *lr = (ck_logreg *)ck_model_logreg(m);
    double saved = lr->features[3].coef;
    lr->features[3].coef = NAN; /* the original-scale intercept is written first */
    check_save_refused(m, "body.intercept_original: cannot write nan (model numbers must be "
                          "finite)");
    lr->features[3].coef = saved;
    lr->features[0].missing_coef = -INFINITY;
    check_save_refused(m, "body.terms[0].missing_coef: cannot write -inf (model numbers must be "
                          "finite)");
    lr->features[0].missing_coef = 0;
    lr->level_coefs[2] = INFINITY;
    check_save_refused(m, "body.terms[1].level_coefs[2]: cannot write inf (model numbers must be "
                          "finite)");
    lr->level_coefs[2] = 0;
    ck_logreg_report *r = (ck_logreg_report *)ck_model_logreg_report(m);
    r->objective = NAN;
    check_save_refused(m, "metrics.objective: cannot write nan (model numbers must be finite)");
    r->objective = 1;
    r->cv_logloss[3] = -INFINITY;
    check_save_refused(m,
                       "metrics.cv[3].logloss: cannot write -inf (model numbers must be finite)");
    r->cv_logloss[3] = 1;
    ck_logreg_params *p = (ck_logreg_params *)ck_model_logreg_params(m);
    p->grid[1] = NAN;
    check_save_refused(m, "params.C_grid[1]: cannot write nan (model numbers must be finite)");
    ck_model_free(m);
}

static void test_logreg_io__bad_files_refused_with_their_message(void)
{
    ck_model *m = editable_logreg_model();
    if (m == NULL)
        return;
    CHECK_NEAR(ck_logreg_intercept(ck_model_logreg(m), true), -2.875, 1e-15);
    save(m, TMP "logreg_good.json");
    ck_model_free(m);
    good_text = slurp(TMP "logreg_good.json");
    if (good_text == NULL)
        return;
    ck_error err = { 0 };
    CHECK_OK(ck_model_load(&m, TMP "logreg_good.json", &err));
    ck_model_free(m);

    static const struct {
        const char *key, *path;
    } members[] = {
        { "\"solver\":", "params.solver" },
        { "\"penalty\":", "params.penalty" },
        { "\"C\":", "params.C" },
        { "\"pos_weight\":", "params.pos_weight" },
        { "\"tol\":", "params.tol" },
        { "\"max_iter\":", "params.max_iter" },
        { "\"clip\":\t0.01", "params.clip" },
        { "\"cv_folds\":", "params.cv_folds" },
        { "\"C_grid\":", "params.C_grid" },
        { "\"seed\":", "params.seed" },
        { "\"train_logloss\":", "metrics.train_logloss" },
        { "\"iterations\":", "metrics.iterations" },
        { "\"objective\":", "metrics.objective" },
        { "\"gradient_norm\":", "metrics.gradient_norm" },
        { "\"converged\":", "metrics.converged" },
        { "\"cv\":", "metrics.cv" },
        { "\"logloss\":", "metrics.cv[0].logloss" },
        { "\"intercept\":", "body.intercept" },
        { "\"intercept_original\":", "body.intercept_original" },
        { "\"terms\":", "body.terms" },
        { "\"feature\":", "body.terms[0].feature" },
        { "\"center\":", "body.terms[0].center" },
        { "\"scale\":", "body.terms[0].scale" },
        { "\"clip\":\t[", "body.terms[0].clip" },
        { "\"coef\":", "body.terms[0].coef" },
        { "\"coef_original\":", "body.terms[0].coef_original" },
        { "\"missing_coef\":", "body.terms[0].missing_coef" },
        { "\"level_coefs\":", "body.terms[1].level_coefs" },
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        char renamed[64], msg[128];
        snprintf(renamed, sizeof renamed, "\"x%s", members[i].key + 1);
        snprintf(msg, sizeof msg, "%s: missing", members[i].path);
        CHECK_EDIT_FAILS(members[i].key, renamed, CK_EINVAL, msg);
    }
    /* the C of the cross-validation curve (the first "C" is the parameter's) */
    CHECK_EDIT_FAILS("{\n\t\t\t\t\"C\":", "{\n\t\t\t\t\"x\":", CK_EINVAL,
                     "metrics.cv[0].C: missing");
    /* a stumps model's members are not a logistic regression's, nor the other way round */
    CHECK_EDIT_FAILS("\"logreg\"", "\"gbm_stumps\"", CK_EINVAL, "params.rounds: missing");

    /* the parameters */
    CHECK_EDIT_FAILS("\"solver\":\t\"lbfgs\"", "\"solver\":\t\"sgd\"", CK_EINVAL,
                     "params.solver: expected \"newton\", \"lbfgs\" or \"liblinear\", got \"sgd\"");
    CHECK_EDIT_FAILS("\"penalty\":\t\"l2\"", "\"penalty\":\t\"elasticnet\"", CK_EINVAL,
                     "params.penalty: expected \"l2\" or \"l1\", got \"elasticnet\"");
    CHECK_EDIT_FAILS("\"penalty\":\t\"l2\"", "\"penalty\":\t\"l1\"", CK_EINVAL,
                     "params.penalty: \"l1\" needs the \"liblinear\" solver");
    CHECK_EDIT_FAILS("\"C\":\t1,", "\"C\":\t0,", CK_EINVAL, "params.C: expected a positive number");
    CHECK_EDIT_FAILS("\"C\":\t1,", "\"C\":\t\"1\",", CK_EINVAL, "params.C: expected a number");
    CHECK_EDIT_FAILS("\"tol\":\t1e-08", "\"tol\":\t1", CK_EINVAL,
                     "params.tol: expected a number in (0, 1)");
    CHECK_EDIT_FAILS("\"clip\":\t0.01", "\"clip\":\t0.5", CK_EINVAL,
                     "params.clip: expected a number in [0, 0.5)");
    CHECK_EDIT_FAILS("\"max_iter\":\t500", "\"max_iter\":\t-1", CK_EINVAL,
                     "params.max_iter: expected a whole number from 0 to 2147483647");
    CHECK_EDIT_FAILS("\"cv_folds\":\t5", "\"cv_folds\":\t1", CK_EINVAL,
                     "params.cv_folds: expected 0 or 2 to 100");
    CHECK_EDIT_FAILS("\"C_grid\":\t[0.01, 0.1", "\"C_grid\":\t[0.01, -0.1", CK_EINVAL,
                     "params.C_grid[1]: expected a positive number");

    /* the metrics */
    CHECK_EDIT_FAILS("\"converged\":\ttrue", "\"converged\":\t1", CK_EINVAL,
                     "metrics.converged: expected true or false");
    CHECK_EDIT_FAILS("\"gradient_norm\":\t3.3e-09", "\"gradient_norm\":\t\"small\"", CK_EINVAL,
                     "metrics.gradient_norm: expected a number or null");
    CHECK_EDIT_FAILS("\"cv\":\t[", "\"cv\":\t[7, ", CK_EINVAL, "metrics.cv[0]: expected an object");

    /* the body */
    CHECK_EDIT_FAILS("\"terms\":\t[", "\"terms\":\t[{}, ", CK_EINVAL,
                     "body.terms: expected 5 terms (one per feature), got 6");
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\"", "\"feature\":\t\"frequency\"", CK_EINVAL,
                     "body.terms[0].feature: expected \"recency_days\" (terms follow the order of "
                     "features)");
    CHECK_EDIT_FAILS("\"feature\":\t\"recency_days\"", "\"feature\":\t\"recency\"", CK_EINVAL,
                     "body.terms[0].feature: unknown feature \"recency\"");
    CHECK_EDIT_FAILS("\"scale\":\t2,", "\"scale\":\t0,", CK_EINVAL,
                     "body.terms[0].scale: expected a positive number");
    CHECK_EDIT_FAILS("\"clip\":\t[1, 100]", "\"clip\":\t[100, 1]", CK_EINVAL,
                     "body.terms[0].clip: expected null or [low, high] with low <= high");
    CHECK_EDIT_FAILS("\"clip\":\t[1, 100]", "\"clip\":\t[1]", CK_EINVAL,
                     "body.terms[0].clip: expected null or [low, high] with low <= high");
    CHECK_EDIT_FAILS(
        "\"coef_original\":\t0.25", "\"coef_original\":\t0.26", CK_EINVAL,
        "body.terms[0].coef_original: does not match coef / scale (0.26000000000000001 "
        "stored, 0.25 computed)");
    CHECK_EDIT_FAILS("\"intercept_original\":\t-2.875", "\"intercept_original\":\t-2.5", CK_EINVAL,
                     "body.intercept_original: does not match the terms (-2.5 stored, -2.875 from "
                     "intercept, coef, center and scale)");
    CHECK_EDIT_FAILS("\"level_coefs\":\t[", "\"level_coefs\":\t[0, ", CK_EINVAL,
                     "body.terms[1].level_coefs: expected 4 numbers (one per level), got 5");
    CHECK_EDIT_FAILS("\"missing_coef\":\t-0.75", "\"missing_coef\":\t\"n/a\"", CK_EINVAL,
                     "body.terms[0].missing_coef: expected a number or null");
    CHECK_EDIT_FAILS("\"coef\":\t0.5", "\"coef\":\t1e999", CK_EINVAL,
                     "body.terms[0].coef: expected a number");

    /* a missing indicator null: the feature then has none, and a missing value scores 0 */
    char *text = edited("\"missing_coef\":\t-0.75", "\"missing_coef\":\tnull");
    if (text != NULL) {
        spit(TMP "logreg_edit.json", text);
        free(text);
        CHECK_OK(ck_model_load(&m, TMP "logreg_edit.json", &err));
        if (m != NULL) {
            const ck_logreg *lr = ck_model_logreg(m);
            CHECK(!ck_logreg_feature_at(lr, 0)->has_missing);
            CHECK_EQ_INT(lr->n_columns, 12);
            float row[5] = { NAN, 0, 3, 250, 0 };
            double contrib[5], base;
            ck_model_contributions(m, row, contrib, &base);
            CHECK(contrib[0] == 0 && contrib[2] == 0 && contrib[3] == 0);
            CHECK(contrib[1] == 0.125 && contrib[4] == 0.5 && base == -1.25);
        }
        ck_model_free(m);
    }
    free(good_text);
    good_text = NULL;
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_logreg_io__save_load_round_trip);
    RUN(test_logreg_io__nan_refused_on_save);
    RUN(test_logreg_io__bad_files_refused_with_their_message);
    return check_summary();
}
