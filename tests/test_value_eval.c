/*
 * The customer-value evaluation (src/eval/value_eval.c, value_report.c): every number on a
 * small fixed data set against tests/value_eval_reference.py (numpy, scipy.stats.spearmanr,
 * and FHL eq. 7 through scipy.special.hyp2f1, customer by customer; its output is kept
 * below); the grouped tracking sum against the per-customer one; Spearman's undefined and
 * extreme cases; the JSON keys and values read back; the text; the report's two charts;
 * bad input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/read_back.h"
#include "churnkit/value_eval.h"
#include "io/json.h"

/* ---- the data set of tests/value_eval_reference.py (keep the two in sync) --------------- */

#define N      14
#define N_REP  18
#define N_GRID 16

static const double X[N] = { 0, 0, 1, 2, 2, 3, 0, 4, 6, 7, 9, 12, 1, 3 };
static const double PREDICTED[N] = { 0.12, 0.3, 0.75, 1.4, 0.9,  2.05, 0.12,
                                     2.6,  3.3, 4.1,  5.5, 7.25, 0.75, 1.6 };
static const double ACTUAL[N] = { 0, 1, 0, 2, 1, 2, 0, 3, 2, 5, 4, 9, 1, 0 };
static const double BASELINE[N] = {
    0, 0, 0.8, 1.6, 1.2, 2.4, 0, 3.5, 4.0, 4.0, 6.75, 10.5, 1.0, 2.4
};
static const ck_bgnbd_params CDNOW = { 0.243, 4.414, 0.793, 2.426, false, false };
static const double FIRST[N] = { 0, 0, 1.5, 2, 2, 3.25, 5, 5, 5, 8, 10, 11.5, 0.5, 12 };
static const double REPEATS[N_REP] = { 1,  2.5, 3,    4,  4,  6.5, 7,     8,  9.75,
                                       10, 12,  13.5, 14, 15, 15,  17.25, 18, 20 };
static const double GRID[N_GRID] = { 0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 26, 39 };

/* Printed by `/usr/bin/python3 tests/value_eval_reference.py` (numpy 1.24, scipy 1.10).
 * Metrics: predicted_total, actual_total, mae, rmse, spearman. */
static const double REF_MODEL[] = { 30.740000000000002, 30, 0.7242857142857142, 0.92770069064788974,
                                    0.86867971214316819 };
static const double REF_BASELINE[] = { 38.149999999999999, 30, 0.92500000000000004,
                                       1.2767844655338547, 0.84093492207775644 };
static const double REF_FREQ_CUSTOMERS[] = { 3, 2, 2, 2, 1, 0, 1, 3 };
static const double REF_FREQ_PREDICTED[] = { 0.18000000000000002, 0.75,
                                             1.1499999999999999,  1.825,
                                             2.6000000000000001,  NAN,
                                             3.2999999999999998,  5.6166666666666671 };
static const double REF_FREQ_ACTUAL[] = { 0.33333333333333331, 0.5, 1.5, 1, 3, NAN, 2, 6 };
static const double REF_FREQ_BASELINE[] = {
    0, 0.90000000000000002, 1.3999999999999999, 2.3999999999999999, 3.5, NAN, 4, 7.083333333333333
};
static const double REF_TRACK_PREDICTED[] = { 0,
                                              0.13360082866840714,
                                              0.31253176119984044,
                                              0.61438604238727523,
                                              0.94034844132563211,
                                              1.2630727068379408,
                                              1.730813112594324,
                                              2.6020333774850006,
                                              3.5076483229067228,
                                              4.4777746160304313,
                                              5.560204482231498,
                                              6.5690594191204843,
                                              7.5176400807551875,
                                              8.4153535448601335,
                                              10.866321846188979,
                                              15.318054136761894 };
static const double REF_TRACK_ACTUAL[] = { 0, 1, 1, 3, 5, 5, 5, 8, 10, 11, 13, 15, 17, 18, 18, 18 };

/* Sums, means, MAE and RMSE are a few roundings from numpy's (pairwise sums): 1e-13
 * relative. Spearman's ρ from the same ranks: 1e-13. The tracking sums go through two
 * independent ₂F₁ evaluations (churnkit's Euler-transformed series, scipy's hyp2f1): 1e-9
 * relative, the precision the BG/NBD reference tests hold the series to. */
#define TOL_SUM   1e-13
#define TOL_TRACK 1e-9

static ck_value_eval_input input_of(const double *x, const double *pred, const double *act,
                                    const double *base, size_t n)
{
    ck_value_eval_input in = { n, x, pred, act, base, 39.0, "week" };
    return in;
}

static ck_value_tracking_input tracking_of(void)
{
    ck_value_tracking_input t = { CDNOW, FIRST, N, REPEATS, N_REP, GRID, N_GRID, 12.0 };
    return t;
}

static void check_metrics(const ck_value_metrics *m, const double ref[5])
{
    CHECK_NEAR(m->predicted_total, ref[0], TOL_SUM * ref[0]);
    CHECK_NEAR(m->actual_total, ref[1], TOL_SUM * ref[1]);
    CHECK_NEAR(m->mae, ref[2], TOL_SUM * ref[2]);
    CHECK_NEAR(m->rmse, ref[3], TOL_SUM * ref[3]);
    CHECK_NEAR(m->spearman, ref[4], TOL_SUM);
}

static ck_value_eval *reference_eval(bool with_tracking)
{
    ck_error err = { 0 };
    ck_value_eval_input in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    ck_value_tracking_input t = tracking_of();
    ck_value_eval *ve = NULL;
    CHECK_OK(ck_value_eval_run(&ve, &in, with_tracking ? &t : NULL, &err));
    return ve;
}

static void test_value_eval__reference(void)
{
    ck_value_eval *ve = reference_eval(true);
    if (ve == NULL)
        return;
    CHECK_EQ_INT(ve->n_customers, N);
    CHECK_NEAR(ve->horizon, 39.0, 0);
    CHECK_EQ_STR(ve->time_unit, "week");
    check_metrics(&ve->model, REF_MODEL);
    check_metrics(&ve->baseline, REF_BASELINE);
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *f = &ve->by_frequency[k];
        CHECK_EQ_INT(f->customers, (long long)REF_FREQ_CUSTOMERS[k]);
        CHECK_NEAR(f->predicted, REF_FREQ_PREDICTED[k], TOL_SUM);
        CHECK_NEAR(f->actual, REF_FREQ_ACTUAL[k], TOL_SUM);
        CHECK_NEAR(f->baseline, REF_FREQ_BASELINE[k], TOL_SUM);
    }
    CHECK(ve->has_tracking);
    CHECK_NEAR(ve->calibration_end, 12.0, 0);
    CHECK_EQ_INT(ve->n_tracking, N_GRID);
    for (size_t j = 0; j < ve->n_tracking && j < N_GRID; j++) {
        const ck_value_tracking_point *p = &ve->tracking[j];
        CHECK_NEAR(p->t, GRID[j], 0);
        CHECK_NEAR(p->predicted, REF_TRACK_PREDICTED[j], TOL_TRACK * REF_TRACK_PREDICTED[j]);
        CHECK_NEAR(p->actual, REF_TRACK_ACTUAL[j], 0);
    }
    ck_value_eval_free(ve);

    /* without tracking: the same metrics, no curve */
    ve = reference_eval(false);
    if (ve == NULL)
        return;
    check_metrics(&ve->model, REF_MODEL);
    CHECK(!ve->has_tracking);
    CHECK(ve->tracking == NULL && ve->n_tracking == 0);
    CHECK(isnan(ve->calibration_end));
    ck_value_eval_free(ve);
}

/* Grouping customers by equal s_i changes nothing but the order of the additions. */
static void test_value_eval__tracking_grouped(void)
{
    ck_value_eval *ve = reference_eval(true);
    if (ve == NULL)
        return;
    ck_error err = { 0 };
    for (size_t j = 0; j < ve->n_tracking; j++) {
        double sum = 0;
        for (size_t i = 0; i < N; i++) {
            double e = 0;
            if (FIRST[i] < GRID[j])
                CHECK_OK(ck_bgnbd_expected_unconditional(&e, &CDNOW, GRID[j] - FIRST[i], &err));
            sum += e;
        }
        CHECK_NEAR(ve->tracking[j].predicted, sum, 1e-14 * sum);
    }
    ck_value_eval_free(ve);

    /* the plain NBD (no dropout) goes through the same call */
    ck_value_tracking_input t = tracking_of();
    t.params.no_dropout = true;
    ck_value_eval_input in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    CHECK_OK(ck_value_eval_run(&ve, &in, &t, &err));
    if (ve != NULL) {
        /* NBD: E[X(t)] = r t / α */
        double want = 0;
        for (size_t i = 0; i < N; i++)
            if (FIRST[i] < 39.0)
                want += CDNOW.r * (39.0 - FIRST[i]) / CDNOW.alpha;
        CHECK_NEAR(ve->tracking[N_GRID - 1].predicted, want, 1e-12 * want);
    }
    ck_value_eval_free(ve);
}

static void test_value_eval__spearman_cases(void)
{
    ck_error err = { 0 };
    ck_value_eval *ve = NULL;
    const double x[4] = { 0, 1, 2, 3 }, up[4] = { 1, 2, 3, 4 }, down[4] = { 4, 3, 2, 1 };
    const double flat[4] = { 2, 2, 2, 2 }, tied[4] = { 1, 1, 3, 3 };
    /* a constant actual: no ranking to match, for the model and the baseline */
    ck_value_eval_input in = input_of(x, up, flat, down, 4);
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    if (ve != NULL) {
        CHECK(isnan(ve->model.spearman));
        CHECK(isnan(ve->baseline.spearman));
        CHECK_NEAR(ve->model.mae, 1.0, 0); /* |1−2|, |2−2|, |3−2|, |4−2| */
    }
    ck_value_eval_free(ve);
    /* the same order and the reverse: exactly 1 and −1; a constant baseline: NaN */
    in = input_of(x, up, up, flat, 4);
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    if (ve != NULL) {
        CHECK_NEAR(ve->model.spearman, 1.0, 0);
        CHECK(isnan(ve->baseline.spearman));
    }
    ck_value_eval_free(ve);
    in = input_of(x, down, up, down, 4);
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    if (ve != NULL)
        CHECK_NEAR(ve->model.spearman, -1.0, 0);
    ck_value_eval_free(ve);
    /* ties: ranks (1.5, 1.5, 3.5, 3.5) against (1, 2, 3, 4): ρ = 4 / √(4 · 5) = 2/√5 */
    in = input_of(x, tied, up, up, 4);
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    if (ve != NULL)
        CHECK_NEAR(ve->model.spearman, 2.0 / sqrt(5.0), 1e-15);
    ck_value_eval_free(ve);
    /* one customer: undefined */
    in = input_of(x, up, up, up, 1);
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    if (ve != NULL)
        CHECK(isnan(ve->model.spearman));
    ck_value_eval_free(ve);
}

/* ---- outputs ---------------------------------------------------------------------------- */

static char *capture_json(const ck_value_eval *ve)
{
    ck_error err = { 0 };
    FILE *fp = tmpfile();
    if (fp == NULL)
        return NULL;
    CHECK_OK(ck_value_eval_write_json(ve, fp, &err));
    return read_back(fp);
}

static char *capture_other(const ck_value_eval *ve, bool report)
{
    ck_error err = { 0 };
    FILE *fp = tmpfile();
    if (fp == NULL)
        return NULL;
    ck_value_report_info info = { "Value <check>", "events.csv, cutoff 1997-09-30" };
    if (report)
        CHECK_OK(ck_value_eval_write_report(ve, &info, fp, &err));
    else
        CHECK_OK(ck_value_eval_write_text(ve, fp, &err));
    return read_back(fp);
}

static double number_at(const ck__json *obj, const char *key)
{
    const ck__json *v = ck__json_get(obj, key);
    return v != NULL && ck__json_is_number(v) ? ck__json_number(v) : -12345.0;
}

static void check_metrics_json(const ck__json *obj, const ck_value_metrics *m)
{
    static const char *const keys[] = { "predicted_total", "actual_total", "mae", "rmse",
                                        "spearman" };
    CHECK(ck__json_is_object(obj));
    /* the five keys first, in this order */
    const ck__json *v = ck__json_child(obj);
    for (size_t k = 0; k < 5; k++, v = v ? ck__json_next(v) : NULL)
        CHECK_EQ_STR(v ? ck__json_key(v) : NULL, keys[k]);
    /* every number reads back to the same double */
    CHECK(number_at(obj, "predicted_total") == m->predicted_total);
    CHECK(number_at(obj, "actual_total") == m->actual_total);
    CHECK(number_at(obj, "mae") == m->mae);
    CHECK(number_at(obj, "rmse") == m->rmse);
    CHECK(number_at(obj, "spearman") == m->spearman);
}

static void test_value_eval__json(void)
{
    ck_value_eval *ve = reference_eval(true);
    char *text = ve ? capture_json(ve) : NULL;
    ck__json *root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        check_metrics_json(root, &ve->model);
        const ck__json *base = ck__json_get(root, "baseline");
        check_metrics_json(base, &ve->baseline);
        CHECK_EQ_INT(ck__json_size(base), 5);
        const ck__json *freq = ck__json_get(root, "by_frequency");
        CHECK(ck__json_is_array(freq) && ck__json_size(freq) == CK_VALUE_EVAL_FREQ_ROWS);
        size_t k = 0;
        for (const ck__json *row = ck__json_child(freq); row; row = ck__json_next(row), k++) {
            static const char *const keys[] = { "x", "customers", "predicted", "actual",
                                                "baseline" };
            const ck__json *v = ck__json_child(row);
            for (size_t i = 0; i < 5; i++, v = v ? ck__json_next(v) : NULL)
                CHECK_EQ_STR(v ? ck__json_key(v) : NULL, keys[i]);
            const ck__json *x = ck__json_get(row, "x");
            if (k < 7)
                CHECK(ck__json_is_number(x) && ck__json_number(x) == (double)k);
            else
                CHECK_EQ_STR(ck__json_string(x), "7+");
            CHECK(number_at(row, "customers") == REF_FREQ_CUSTOMERS[k]);
            if (k == 5) { /* nobody made 5 repeat purchases: means are null */
                CHECK(ck__json_is_null(ck__json_get(row, "predicted")));
                CHECK(ck__json_is_null(ck__json_get(row, "actual")));
                CHECK(ck__json_is_null(ck__json_get(row, "baseline")));
            } else {
                CHECK(number_at(row, "predicted") == ve->by_frequency[k].predicted);
                CHECK(number_at(row, "actual") == ve->by_frequency[k].actual);
                CHECK(number_at(row, "baseline") == ve->by_frequency[k].baseline);
            }
        }
        const ck__json *track = ck__json_get(root, "tracking");
        CHECK(ck__json_is_array(track) && ck__json_size(track) == N_GRID);
        size_t j = 0;
        for (const ck__json *p = ck__json_child(track); p; p = ck__json_next(p), j++) {
            CHECK_EQ_INT(ck__json_size(p), 3);
            CHECK(number_at(p, "t") == GRID[j]);
            CHECK(number_at(p, "predicted") == ve->tracking[j].predicted);
            CHECK(number_at(p, "actual") == ve->tracking[j].actual);
        }
        CHECK(number_at(root, "calibration_end") == 12.0);
        CHECK(number_at(root, "horizon") == 39.0);
        CHECK_EQ_STR(ck__json_string(ck__json_get(root, "time_unit")), "week");
        CHECK(number_at(root, "customers") == N);
    }
    ck__json_free(root);
    free(text);
    ck_value_eval_free(ve);

    /* without tracking, and with an undefined Spearman: [] and nulls */
    ck_error err = { 0 };
    const double x[3] = { 0, 1, 2 }, p[3] = { 0.5, 1, 2 }, flat[3] = { 1, 1, 1 };
    ck_value_eval_input in = { 3, x, p, flat, p, 365.0, NULL };
    CHECK_OK(ck_value_eval_run(&ve, &in, NULL, &err));
    text = ve ? capture_json(ve) : NULL;
    root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        CHECK(ck__json_is_null(ck__json_get(root, "spearman")));
        CHECK(ck__json_is_null(ck__json_get(ck__json_get(root, "baseline"), "spearman")));
        const ck__json *track = ck__json_get(root, "tracking");
        CHECK(ck__json_is_array(track) && ck__json_size(track) == 0);
        CHECK(ck__json_is_null(ck__json_get(root, "calibration_end")));
        CHECK_EQ_STR(ck__json_string(ck__json_get(root, "time_unit")), "day");
    }
    ck__json_free(root);
    free(text);
    ck_value_eval_free(ve);
}

static void test_value_eval__text(void)
{
    ck_value_eval *ve = reference_eval(true);
    char *text = ve ? capture_other(ve, false) : NULL;
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK(strstr(text, "holdout of 39 weeks, 14 customers") != NULL);
        CHECK(strstr(text, "BG/NBD                     30.74         30.00    0.7243    0.9277"
                           "    0.8687\n") != NULL);
        CHECK(strstr(text, "baseline (rate)") != NULL);
        CHECK(strstr(text, "\n5               0           -           -           -\n") != NULL);
        CHECK(strstr(text, "\n7+              3       5.617       6.000       7.083\n") != NULL);
        /* the curve at the grid point of the calibration end (12) and at the last (39) */
        CHECK(strstr(text, "end of calibration                12           4.5          11.0") !=
              NULL);
        CHECK(strstr(text, "end                               39          15.3          18.0") !=
              NULL);
    }
    free(text);
    ck_value_eval_free(ve);
}

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static void test_value_eval__report(void)
{
    ck_value_eval *ve = reference_eval(true);
    char *html = ve ? capture_other(ve, true) : NULL;
    CHECK(html != NULL);
    if (html != NULL) {
        CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
        CHECK(strstr(html, "<title>Value &lt;check&gt;</title>") != NULL);
        CHECK(strstr(html, "events.csv, cutoff 1997-09-30") != NULL);
        /* the two charts, each an inline SVG */
        CHECK_EQ_INT(count_of(html, "<svg"), 2);
        CHECK(strstr(html, "<h3>Holdout purchases by calibration frequency</h3>") != NULL);
        CHECK(strstr(html, "<h3>Cumulative repeat purchases</h3>") != NULL);
        CHECK(strstr(html, ">7+</text>") != NULL);
        CHECK(strstr(html, "end of calibration") != NULL);
        CHECK(strstr(html, "class=\"thr\"") != NULL);
        /* the curves: polylines of actual, model and baseline */
        CHECK(count_of(html, "class=\"act\"") >= 2);
        CHECK(count_of(html, "class=\"s0\"") >= 2);
        /* the table, model against baseline */
        CHECK(strstr(html, "<h3>Model against baseline</h3>") != NULL);
        CHECK(strstr(html, "<td>30.74</td><td>30.00</td><td>0.7243</td><td>0.9277</td>"
                           "<td>0.8687</td>") != NULL);
        CHECK(strstr(html, "the model forecasts better") != NULL);
        /* self-contained */
        CHECK(strstr(html, "<script") == NULL && strstr(html, "src=") == NULL &&
              strstr(html, "href=") == NULL && strstr(html, "url(") == NULL);
        CHECK(strstr(html, "</html>\n") != NULL);
    }
    free(html);
    ck_value_eval_free(ve);

    /* without tracking: one chart, and a word about the other */
    ve = reference_eval(false);
    html = ve ? capture_other(ve, true) : NULL;
    CHECK(html != NULL);
    if (html != NULL) {
        CHECK_EQ_INT(count_of(html, "<svg"), 1);
        CHECK(strstr(html, "No purchase times were given") != NULL);
    }
    free(html);
    ck_value_eval_free(ve);
}

/* ---- bad input ---------------------------------------------------------------------------- */

static void expect_bad(const ck_value_eval_input *in, const ck_value_tracking_input *t,
                       const char *msg, int line)
{
    ck_error err = { 0 };
    static ck_value_eval dummy;
    ck_value_eval *ve = &dummy; /* must be reset to NULL */
    int rc = ck_value_eval_run(&ve, in, t, &err);
    CHECK_EQ_INT(rc, CK_EINVAL);
    CHECK(ve == NULL);
    CHECK_EQ_STR(err.msg, msg);
    if (strcmp(err.msg, msg) != 0)
        fprintf(stderr, "  (at test line %d)\n", line);
}

static void test_value_eval__bad_input(void)
{
    ck_value_eval_input in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    ck_value_tracking_input t = tracking_of();
    double bad[N];

    in.n = 0;
    expect_bad(&in, NULL, "no customers to evaluate", __LINE__);
    in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    in.horizon = 0;
    expect_bad(&in, NULL, "horizon must be > 0, got 0", __LINE__);
    in.horizon = NAN;
    expect_bad(&in, NULL, "horizon must be > 0, got nan", __LINE__);
    in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    in.time_unit = "fortnight-and-a-half";
    expect_bad(&in, NULL, "time unit must be 1 to 15 bytes, got \"fortnight-and-a-half\"",
               __LINE__);
    in.time_unit = "";
    expect_bad(&in, NULL, "time unit must be 1 to 15 bytes, got \"\"", __LINE__);

    in = input_of(bad, PREDICTED, ACTUAL, BASELINE, N);
    memcpy(bad, X, sizeof bad);
    bad[3] = 1.5;
    expect_bad(&in, NULL, "x[3] must be a whole number, got 1.5", __LINE__);
    bad[3] = -1;
    expect_bad(&in, NULL, "x[3] must be a finite number >= 0, got -1", __LINE__);
    in = input_of(X, bad, ACTUAL, BASELINE, N);
    memcpy(bad, PREDICTED, sizeof bad);
    bad[13] = INFINITY;
    expect_bad(&in, NULL, "predicted[13] must be a finite number >= 0, got inf", __LINE__);
    in = input_of(X, PREDICTED, bad, BASELINE, N);
    memcpy(bad, ACTUAL, sizeof bad);
    bad[0] = NAN;
    expect_bad(&in, NULL, "actual[0] must be a finite number >= 0, got nan", __LINE__);
    in = input_of(X, PREDICTED, ACTUAL, bad, N);
    memcpy(bad, BASELINE, sizeof bad);
    bad[7] = -0.25;
    expect_bad(&in, NULL, "baseline[7] must be a finite number >= 0, got -0.25", __LINE__);
    /* finite, but their squares overflow */
    bad[7] = 1e300;
    expect_bad(&in, NULL, "purchases too large to total (the sums or squares overflow)", __LINE__);

    in = input_of(X, PREDICTED, ACTUAL, BASELINE, N);
    t.n_customers = 0;
    expect_bad(&in, &t, "tracking: no customers", __LINE__);
    t = tracking_of();
    t.n_grid = 0;
    expect_bad(&in, &t, "tracking: no grid times", __LINE__);
    t = tracking_of();
    t.calibration_end = -1;
    expect_bad(&in, &t, "tracking: calibration end must be a finite number >= 0, got -1", __LINE__);
    t = tracking_of();
    double grid[N_GRID];
    memcpy(grid, GRID, sizeof grid);
    grid[5] = grid[4];
    t.grid = grid;
    expect_bad(&in, &t, "grid must increase strictly: grid[5] = 4 after 4", __LINE__);
    grid[5] = -5;
    expect_bad(&in, &t, "grid[5] must be a finite number >= 0, got -5", __LINE__);
    t = tracking_of();
    memcpy(bad, FIRST, sizeof bad);
    bad[2] = NAN;
    t.first = bad;
    expect_bad(&in, &t, "first[2] must be a finite number >= 0, got nan", __LINE__);
    t = tracking_of();
    double rep[N_REP];
    memcpy(rep, REPEATS, sizeof rep);
    rep[17] = -2;
    t.repeats = rep;
    expect_bad(&in, &t, "repeats[17] must be a finite number >= 0, got -2", __LINE__);
    /* the parameters: BG/NBD's own check and message */
    t = tracking_of();
    t.params.r = 0;
    ck_error err = { 0 };
    ck_value_eval *ve = NULL;
    CHECK_EQ_INT(ck_value_eval_run(&ve, &in, &t, &err), CK_EINVAL);
    CHECK(ve == NULL && err.msg[0] != '\0');
    /* no repeat purchases at all is fine: a flat actual curve */
    t = tracking_of();
    t.n_repeats = 0;
    t.repeats = NULL;
    CHECK_OK(ck_value_eval_run(&ve, &in, &t, &err));
    if (ve != NULL)
        CHECK_NEAR(ve->tracking[N_GRID - 1].actual, 0, 0);
    ck_value_eval_free(ve);
    ck_value_eval_free(NULL);
}

int main(void)
{
    RUN(test_value_eval__reference);
    RUN(test_value_eval__tracking_grouped);
    RUN(test_value_eval__spearman_cases);
    RUN(test_value_eval__json);
    RUN(test_value_eval__text);
    RUN(test_value_eval__report);
    RUN(test_value_eval__bad_input);
    return check_summary();
}
