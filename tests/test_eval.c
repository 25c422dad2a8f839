/*
 * Tests of eval.h: an evaluation holds exactly what the metrics of metrics.h give on the
 * same rows (each result compared with a direct call, tolerance 0: the same code on the
 * same numbers); DeLong's comparisons and the bootstrap are the metrics module's, pairs
 * in the right order; bad input is refused; the JSON parses (cJSON) with DESIGN.md's keys
 * and every number read back exactly; the text table and the HTML report hold what they
 * promise; a logistic model's coefficient section draws its coefficients.
 */
#include "churnkit/eval.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/rng.h"
#include "check.h"
#include "support/read_back.h"
#include "churnkit/dataset.h"
#include "churnkit/logreg.h"
#include "churnkit/model.h"
#include "eval/eval_int.h"

#define N 800

static double score_a[N], score_b[N], recency[N];
static float label[N];

static uint64_t next_u64(uint64_t *state)
{
    return ck__splitmix64(state);
}

static double unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

/* Churn leans on a latent risk; model A sees it well, B worse, recency (days, coarse)
 * worse still. */
static void make_data(void)
{
    uint64_t s = 2024;
    for (size_t i = 0; i < N; i++) {
        double risk = unit(&s);
        label[i] = unit(&s) < 0.15 + 0.6 * risk ? 1.0f : 0.0f;
        score_a[i] = fmin(1, fmax(0, 0.1 + 0.7 * risk + 0.2 * (unit(&s) - 0.5)));
        score_b[i] = fmin(1, fmax(0, 0.1 + 0.6 * risk + 0.5 * (unit(&s) - 0.5)));
        recency[i] = floor(400 * risk + 300 * unit(&s)) / 10;
    }
}

static ck_eval *run(size_t n_models, bool baseline, const ck_eval_opts *opts)
{
    ck_error err = { 0 };
    ck_eval_input in = { N,
                         label,
                         n_models,
                         { score_a, score_b },
                         { "a.json", "b.json" },
                         baseline ? recency : NULL,
                         "recency baseline",
                         "test rows",
                         NULL,
                         NULL,
                         0,
                         NULL,
                         NULL };
    ck_eval *ev = NULL;
    CHECK_OK(ck_eval_run(&ev, &in, opts, &err));
    return ev;
}

static void test_eval__results_are_the_metrics(void)
{
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval *ev = run(2, true, &opts);
    if (ev == NULL)
        return;
    ck_error err = { 0 };
    CHECK_EQ_INT(ck_eval_n_rows(ev), N);
    CHECK_EQ_INT(ck_eval_n_results(ev), 3);
    CHECK_EQ_INT(ck_eval_n_models(ev), 2);
    size_t pos = 0;
    for (size_t i = 0; i < N; i++)
        pos += label[i] > 0.5f;
    CHECK_EQ_INT(ck_eval_n_positives(ev), pos);
    const double *scores[3] = { score_a, score_b, recency };
    for (size_t k = 0; k < 3; k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        double auc, ap, ks;
        CHECK_OK(ck_metrics_auc(&auc, scores[k], label, NULL, N, &err));
        CHECK_OK(ck_metrics_average_precision(&ap, scores[k], label, NULL, N, &err));
        CHECK_OK(ck_metrics_ks(&ks, scores[k], label, NULL, N, &err));
        CHECK_NEAR(r->auc, auc, 0);
        CHECK_NEAR(r->pr_auc, ap, 0);
        CHECK_NEAR(r->ks, ks, 0);
        ck_gains_row g[10];
        CHECK_OK(ck_metrics_gains(g, 10, scores[k], label, NULL, N, &err));
        CHECK_NEAR(r->deciles[3].positives, g[3].positives, 0);
        /* the top decile's lift is the 10% row's */
        ck_top_fraction t;
        CHECK_OK(ck_metrics_top(&t, (const double[]){ 0.1 }, 1, scores[k], label, NULL, N, &err));
        CHECK_NEAR(r->top_decile_lift, t.lift, 0);
        CHECK_EQ_INT(r->n_top, 3);
        CHECK_NEAR(r->top[1].fraction, 0.10, 0);
        /* the default confusion matrix flags the top 10% */
        double thr;
        CHECK_OK(ck_metrics_top_threshold(&thr, 0.1, scores[k], NULL, N, &err));
        CHECK_NEAR(r->confusion.threshold, thr, 0);
        CHECK(!r->has_ci && isnan(r->ci.auc[0]));
    }
    const ck_eval_result *a = ck_eval_result_at(ev, 0), *base = ck_eval_result_at(ev, 2);
    CHECK_EQ_STR(a->name, "a.json");
    CHECK(!a->is_baseline && base->is_baseline);
    CHECK_NEAR(a->logloss, ck_metrics_logloss(score_a, label, NULL, N), 0);
    CHECK_NEAR(a->brier, ck_metrics_brier(score_a, label, NULL, N), 0);
    ck_calibration_bin bins[10];
    double ece;
    CHECK_OK(ck_metrics_calibration(bins, 10, &ece, score_a, label, NULL, N, &err));
    CHECK_NEAR(a->ece, ece, 0);
    CHECK_NEAR(a->calibration[4].rows, bins[4].rows, 0);
    /* a ranking is not a probability */
    CHECK(isnan(base->logloss) && isnan(base->brier) && isnan(base->ece));
    CHECK(!base->has_vs_baseline);

    /* DeLong: B against A, and each model against the baseline */
    ck_delong d;
    CHECK_OK(ck_metrics_delong(&d, score_a, score_b, label, N, 0.95, &err));
    const ck_eval_comparison *c = ck_eval_comparison_of(ev);
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK_NEAR(c->delong.diff, d.diff, 0);
        CHECK_NEAR(c->delong.p, d.p, 0);
        CHECK(c->delong.diff < 0); /* B sees the risk through more noise */
        CHECK(!c->has_boot_ci);
    }
    CHECK_OK(ck_metrics_delong(&d, recency, score_a, label, N, 0.95, &err));
    CHECK(a->has_vs_baseline);
    CHECK_NEAR(a->vs_baseline.diff, d.diff, 0);
    CHECK_NEAR(a->vs_baseline.z, d.z, 0);
    CHECK(ck_eval_scores(ev, 1)[5] == score_b[5] && ck_eval_labels(ev)[7] == label[7]);
    CHECK(ck_eval_result_at(ev, 3) == NULL);
    ck_eval_free(ev);

    /* one model: no comparison */
    ev = run(1, false, &opts);
    CHECK(ev != NULL && ck_eval_comparison_of(ev) == NULL && ck_eval_n_results(ev) == 1);
    ck_eval_free(ev);
}

static void test_eval__threshold_and_bootstrap(void)
{
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    opts.threshold = 0.5;
    opts.bootstrap = 150;
    opts.seed = 3;
    opts.n_threads = 3;
    ck_eval *ev = run(2, true, &opts);
    if (ev == NULL)
        return;
    ck_error err = { 0 };
    ck_confusion c;
    ck_metrics_confusion(&c, 0.5, score_a, label, NULL, N);
    CHECK_NEAR(ck_eval_result_at(ev, 0)->confusion.tp, c.tp, 0);
    /* the baseline keeps its own top-10% threshold: days are not probabilities */
    double thr;
    CHECK_OK(ck_metrics_top_threshold(&thr, 0.1, recency, NULL, N, &err));
    CHECK_NEAR(ck_eval_result_at(ev, 2)->confusion.threshold, thr, 0);
    /* the intervals are ck_metrics_bootstrap's over all three scores at once */
    const double *scores[3] = { score_a, score_b, recency };
    ck_bootstrap_ci ci[3];
    double diff[2];
    ck_bootstrap_opts bo = { 150, 3, 0.95, 1 };
    CHECK_OK(ck_metrics_bootstrap(ci, diff, scores, 3, label, N, &bo, &err));
    for (size_t k = 0; k < 3; k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        CHECK(r->has_ci);
        CHECK(memcmp(&r->ci, &ci[k], sizeof ci[k]) == 0);
    }
    const ck_eval_comparison *cmp = ck_eval_comparison_of(ev);
    CHECK(cmp != NULL && cmp->has_boot_ci && cmp->boot_diff_ci[0] == diff[0] &&
          cmp->boot_diff_ci[1] == diff[1]);
    ck_eval_free(ev);
}

static void test_eval__refuses_bad_input(void)
{
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval *ev = (ck_eval *)&err; /* set to NULL on failure */
    double p[3] = { 0.2, 0.7, 0.4 };
    float y[3] = { 0, 1, 0 };
    ck_eval_input in = { 3,    y,    1,    { p, NULL }, { "m", NULL }, NULL, NULL,
                         NULL, NULL, NULL, 0,           NULL,          NULL };
    y[2] = 0.5f;
    CHECK(ck_eval_run(&ev, &in, &opts, &err) == CK_EINVAL);
    CHECK(ev == NULL);
    CHECK_EQ_STR(err.msg, "row 3 has no 0/1 label");
    y[2] = 0;
    p[1] = 1.5;
    CHECK(ck_eval_run(&ev, &in, &opts, &err) == CK_EINVAL);
    CHECK_EQ_STR(err.msg, "m: row 2: score 1.5 is not a probability");
    p[1] = 0.7;
    in.n_rows = 0;
    CHECK(ck_eval_run(&ev, &in, &opts, &err) == CK_EINVAL);
    in.n_rows = 3;
    opts.top[0] = 0;
    CHECK(ck_eval_run(&ev, &in, &opts, &err) == CK_EINVAL);
    opts = (ck_eval_opts)CK_EVAL_OPTS_INIT;
    in.n_models = 3;
    CHECK(ck_eval_run(&ev, &in, &opts, &err) == CK_EINVAL);
    /* too few rows of a class for DeLong: the comparison is there, undefined */
    in.n_models = 2;
    in.model_scores[1] = p;
    in.model_names[1] = "m2";
    CHECK_OK(ck_eval_run(&ev, &in, &opts, &err));
    const ck_eval_comparison *c = ev ? ck_eval_comparison_of(ev) : NULL;
    CHECK(c != NULL && isnan(c->delong.p) && c->delong.diff == 0);
    ck_eval_free(ev);
}

/* The whole of a stream written by fn, as a string (free it). */
static char *capture(int (*fn)(const ck_eval *, FILE *, ck_error *), const ck_eval *ev)
{
    ck_error err = { 0 };
    FILE *fp = tmpfile();
    if (fp == NULL)
        return NULL;
    CHECK_OK(fn(ev, fp, &err));
    return read_back(fp);
}

static double number_at(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(item) ? item->valuedouble : cJSON_IsNull(item) ? NAN : -12345;
}

static void test_eval__json_has_the_design_keys(void)
{
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    opts.bootstrap = 50;
    ck_eval *ev = run(2, true, &opts);
    char *text = ev ? capture(ck_eval_write_json, ev) : NULL;
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root != NULL);
    if (root == NULL) {
        free(text);
        ck_eval_free(ev);
        return;
    }
    CHECK_NEAR(number_at(root, "rows"), N, 0);
    CHECK_NEAR(number_at(root, "positives"), ck_eval_n_positives(ev), 0);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    CHECK(cJSON_IsArray(models) && cJSON_GetArraySize(models) == 2);
    static const char *const keys[] = { "auc", "pr_auc", "logloss",        "brier",
                                        "ks",  "ece",    "top_decile_lift" };
    for (int k = 0; k < 2 && cJSON_IsArray(models); k++) {
        const cJSON *m = cJSON_GetArrayItem(models, k);
        const ck_eval_result *r = ck_eval_result_at(ev, (size_t)k);
        CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "model")), r->name);
        const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(m, "metrics");
        const double want[7] = { r->auc, r->pr_auc, r->logloss,        r->brier,
                                 r->ks,  r->ece,    r->top_decile_lift };
        for (int i = 0; i < 7; i++)
            CHECK_NEAR(number_at(metrics, keys[i]), want[i], 0); /* read back exactly */
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(m, "auc_ci");
        CHECK(cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2);
        if (cJSON_IsArray(ci))
            CHECK_NEAR(cJSON_GetArrayItem(ci, 1)->valuedouble, r->ci.auc[1], 0);
    }
    const cJSON *cmp = cJSON_GetObjectItemCaseSensitive(root, "comparison");
    const ck_delong *d = &ck_eval_comparison_of(ev)->delong;
    CHECK_NEAR(number_at(cmp, "auc_diff"), d->diff, 0);
    CHECK_NEAR(number_at(cmp, "delong_z"), d->z, 0);
    CHECK_NEAR(number_at(cmp, "delong_p"), d->p, 0);
    const cJSON *dci = cJSON_GetObjectItemCaseSensitive(cmp, "auc_diff_ci");
    CHECK(cJSON_IsArray(dci) && cJSON_GetArraySize(dci) == 2);
    /* the baseline: its log loss is null */
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(root, "baseline");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(base, "metrics"), "logloss")));
    CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(base, "name")),
                 "recency baseline");
    cJSON_Delete(root);
    free(text);
    ck_eval_free(ev);

    /* without --bootstrap no auc_ci; with one model no comparison */
    opts.bootstrap = 0;
    ev = run(1, false, &opts);
    text = ev ? capture(ck_eval_write_json, ev) : NULL;
    CHECK(text != NULL && strstr(text, "\"auc_ci\"") == NULL &&
          strstr(text, "\"comparison\"") == NULL);
    free(text);
    ck_eval_free(ev);
}

static void test_eval__text_and_report(void)
{
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval *ev = run(2, true, &opts);
    char *text = ev ? capture(ck_eval_write_text, ev) : NULL;
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK(strncmp(text, "test rows\n800 rows, ", 20) == 0);
        CHECK(strstr(text, "\nA  a.json ") != NULL);
        CHECK(strstr(text, "\nB  b.json ") != NULL);
        CHECK(strstr(text, "\n   recency baseline ") != NULL);
        CHECK(strstr(text, "champion A against challenger B, DeLong's test:") != NULL);
        CHECK(strstr(text, "against the recency baseline, DeLong's test:") != NULL);
    }
    free(text);

    ck_error err = { 0 };
    FILE *fp = tmpfile();
    ck_eval_report_info info = { "Quarterly check <1>", { NULL, NULL } };
    CHECK(fp != NULL);
    if (fp != NULL && ev != NULL) {
        CHECK_OK(ck_eval_write_report(ev, &info, fp, &err));
        long size = ftell(fp);
        char *html = calloc((size_t)size + 1, 1);
        rewind(fp);
        if (html != NULL && fread(html, 1, (size_t)size, fp) == (size_t)size) {
            CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
            CHECK(strstr(html, "<title>Quarterly check &lt;1&gt;</title>") != NULL);
            size_t svgs = 0;
            for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++)
                svgs++;
            CHECK(svgs == 7); /* ROC, PR, gains, lift, calibration, two distributions */
            CHECK(strstr(html, "<script") == NULL);
            CHECK(strstr(html, "</html>\n") != NULL);
        }
        free(html);
    }
    if (fp != NULL)
        fclose(fp);
    ck_eval_free(ev);
}

/* The coefficient section of a logistic model, on a model trained here: drawn alone, and
 * through a model file's ck_model in the whole report. */
static void test_eval__logreg_coefficients(void)
{
    ck_error err = { 0 };
    char path[512];
    snprintf(path, sizeof path, "%s/eval_logreg.csv", CK_TEST_TMP);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    fputs("y,tenure,plan\n", fp);
    uint64_t s = 77;
    for (int i = 0; i < 300; i++) {
        double tenure = 60 * unit(&s);
        const char *plan = i % 3 == 0 ? "basic" : i % 3 == 1 ? "plus" : "pro";
        double p = 1 / (1 + exp(-(1.5 - tenure / 20 + (i % 3 == 0 ? 0.8 : 0))));
        fprintf(fp, "%d,%.3f,%s\n", unit(&s) < p, tenure, plan);
    }
    fclose(fp);
    ck_dataset *d = NULL;
    ck_table_opts topts = CK_TABLE_OPTS_INIT;
    topts.label = "y";
    CHECK_OK(ck_dataset_read_table(&d, path, &topts, &err));
    ck_logreg *lr = NULL;
    ck_logreg_params params = CK_LOGREG_PARAMS_INIT;
    if (d != NULL)
        CHECK_OK(ck_logreg_train(&lr, d, NULL, &params, NULL, NULL, NULL, &err));
    FILE *out = tmpfile();
    if (lr != NULL && out != NULL) {
        CHECK_OK(ck__eval_report_logreg(out, lr, &err));
        long size = ftell(out);
        char *html = calloc((size_t)size + 1, 1);
        rewind(out);
        if (html != NULL && fread(html, 1, (size_t)size, out) == (size_t)size) {
            CHECK(strstr(html, "<h3>Coefficients</h3>") != NULL);
            CHECK(strstr(html, ">tenure</text>") != NULL);
            CHECK(strstr(html, ">plan = basic</text>") != NULL);
            /* tenure lowers the risk: a blue bar; the largest coefficient comes first */
            const char *t = strstr(html, ">tenure</text>");
            CHECK(t != NULL && strstr(t, "class=\"neg\"") != NULL);
        }
        free(html);
    }
    if (out != NULL)
        fclose(out);
    /* the whole report of a logistic model shows its coefficients */
    ck_model *model = NULL;
    ck_logreg_report report = { 0 };
    ck_model_spec spec = { 0 };
    ck_model_training training = { 0 };
    spec.source = CK_SOURCE_TABLE;
    if (lr != NULL) {
        CHECK_OK(ck_model_new_logreg(&model, lr, &params, &report, &spec, &training, &err));
        lr = NULL; /* the model owns it now, also on failure */
    }
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval *ev = model ? run(1, false, &opts) : NULL;
    FILE *page = tmpfile();
    if (ev != NULL && page != NULL) {
        ck_eval_report_info info = { NULL, { model, NULL } };
        CHECK_OK(ck_eval_write_report(ev, &info, page, &err));
        long size = ftell(page);
        char *html = calloc((size_t)size + 1, 1);
        rewind(page);
        if (html != NULL && fread(html, 1, (size_t)size, page) == (size_t)size)
            CHECK(strstr(html, "<h3>Coefficients</h3>") != NULL &&
                  strstr(html, "<h3>Feature importance</h3>") == NULL);
        free(html);
    }
    if (page != NULL)
        fclose(page);
    ck_eval_free(ev);
    ck_model_free(model);
    ck_logreg_free(lr);
    ck_dataset_free(d);
}

int main(void)
{
    make_data();
    RUN(test_eval__results_are_the_metrics);
    RUN(test_eval__threshold_and_bootstrap);
    RUN(test_eval__refuses_bad_input);
    RUN(test_eval__json_has_the_design_keys);
    RUN(test_eval__text_and_report);
    RUN(test_eval__logreg_coefficients);
    return check_summary();
}
