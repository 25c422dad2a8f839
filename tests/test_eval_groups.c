/*
 * Tests of eval.h's groups (lifecycle stages): each group's results are exactly those of
 * an evaluation of its rows alone (ck_eval_run on the subset, every number compared with
 * tolerance 0); a hand-made log whose per-stage AUCs are worked out by hand and checked
 * again by brute-force pair counting; groups holding no rows left out, the order of the
 * names kept, unknown groups refused; the JSON's by_stage keys (cJSON), its nulls, and the
 * text and report sections.
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

#define N 900

static const char *const STAGES[5] = { "prospect", "new", "active", "dormant", "churned" };

static double score_a[N], score_b[N], recency[N];
static float label[N];
static const char *stage[N];

static uint64_t next_u64(uint64_t *state)
{
    return ck__splitmix64(state);
}

static double unit(uint64_t *state)
{
    return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

/* Churn leans on a latent risk; the stage lapses with it (more churned among the risky);
 * one row in 12 has no stage; no row is a prospect, so that group is absent. Scores are
 * rounded to 1/50, so ties are common. */
static void make_data(void)
{
    uint64_t s = 77;
    for (size_t i = 0; i < N; i++) {
        double risk = unit(&s);
        label[i] = unit(&s) < 0.1 + 0.7 * risk ? 1.0f : 0.0f;
        score_a[i] = round(50 * fmin(1, fmax(0, 0.1 + 0.7 * risk + 0.3 * (unit(&s) - 0.5)))) / 50;
        score_b[i] = fmin(1, fmax(0, 0.2 + 0.5 * risk + 0.5 * (unit(&s) - 0.5)));
        recency[i] = floor(400 * risk + 300 * unit(&s)) / 10;
        double u = unit(&s);
        stage[i] = u < 1.0 / 12
                       ? NULL
                       : STAGES[1 + (size_t)fmin(3, floor(4 * (0.6 * risk + 0.4 * unit(&s))))];
    }
}

static bool same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Every number of two results, exactly (NaN equals NaN). */
static void check_same_result(const ck_eval_result *g, const ck_eval_result *w)
{
    CHECK_EQ_STR(g->name, w->name);
    CHECK(g->is_baseline == w->is_baseline);
    const double gm[7] = { g->auc, g->pr_auc, g->logloss,        g->brier,
                           g->ks,  g->ece,    g->top_decile_lift };
    const double wm[7] = { w->auc, w->pr_auc, w->logloss,        w->brier,
                           w->ks,  w->ece,    w->top_decile_lift };
    for (int i = 0; i < 7; i++)
        CHECK_NEAR(gm[i], wm[i], 0);
    /* the tables: every field a double, compared one by one */
    const double *gc = &g->confusion.threshold, *wc = &w->confusion.threshold;
    for (size_t i = 0; i < sizeof g->confusion / sizeof(double); i++)
        CHECK(same(gc[i], wc[i]));
    CHECK_EQ_INT(g->n_top, w->n_top);
    for (size_t t = 0; t < g->n_top; t++) {
        const double *gt = &g->top[t].fraction, *wt = &w->top[t].fraction;
        for (size_t i = 0; i < sizeof g->top[t] / sizeof(double); i++)
            CHECK(same(gt[i], wt[i]));
    }
    for (size_t d = 0; d < CK_EVAL_GROUPS; d++) {
        const double *gd = &g->deciles[d].rows, *wd = &w->deciles[d].rows;
        for (size_t i = 0; i < sizeof g->deciles[d] / sizeof(double); i++)
            CHECK(same(gd[i], wd[i]));
    }
    for (size_t b = 0; b < CK_EVAL_BINS; b++) {
        const double *gb = &g->calibration[b].lo, *wb = &w->calibration[b].lo;
        for (size_t i = 0; i < sizeof g->calibration[b] / sizeof(double); i++)
            CHECK(same(gb[i], wb[i]));
    }
    CHECK(!g->has_ci && !g->has_vs_baseline);
}

static void test_eval_groups__each_group_is_an_evaluation_of_its_rows(void)
{
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    opts.bootstrap = 20; /* the groups have no intervals; the whole keeps its own */
    ck_eval_input in = { N,
                         label,
                         2,
                         { score_a, score_b },
                         { "a.json", "b.json" },
                         recency,
                         "recency baseline",
                         "rows",
                         stage,
                         STAGES,
                         5,
                         "stage",
                         NULL };
    ck_eval *ev = NULL;
    CHECK_OK(ck_eval_run(&ev, &in, &opts, &err));
    if (ev == NULL)
        return;
    CHECK_EQ_STR(ck_eval_group_kind(ev), "stage");
    CHECK_EQ_INT(ck_eval_n_groups(ev), 4); /* no prospect */
    CHECK(ck_eval_group_at(ev, 4) == NULL);
    static float sub_label[N];
    static double sub_a[N], sub_b[N], sub_r[N];
    size_t covered = 0;
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        CHECK_EQ_STR(grp->name, STAGES[g + 1]); /* in the order of the names */
        size_t m = 0, pos = 0;
        for (size_t i = 0; i < N; i++) {
            if (stage[i] == NULL || strcmp(stage[i], grp->name) != 0)
                continue;
            sub_label[m] = label[i];
            sub_a[m] = score_a[i];
            sub_b[m] = score_b[i];
            sub_r[m] = recency[i];
            pos += label[i] > 0.5f;
            m++;
        }
        covered += m;
        CHECK_EQ_INT(grp->n_rows, m);
        CHECK_EQ_INT(grp->n_positives, pos);
        ck_eval_opts alone_opts = opts;
        alone_opts.bootstrap = 0;
        ck_eval_input alone = { m,
                                sub_label,
                                2,
                                { sub_a, sub_b },
                                { "a.json", "b.json" },
                                sub_r,
                                "recency baseline",
                                NULL,
                                NULL,
                                NULL,
                                0,
                                NULL,
                                NULL };
        ck_eval *want = NULL;
        CHECK_OK(ck_eval_run(&want, &alone, &alone_opts, &err));
        for (size_t k = 0; want != NULL && k < 3; k++)
            check_same_result(&grp->results[k], ck_eval_result_at(want, k));
        ck_eval_free(want);
    }
    size_t no_stage = 0;
    for (size_t i = 0; i < N; i++)
        no_stage += stage[i] == NULL;
    CHECK(no_stage > 0);
    CHECK_EQ_INT(covered + no_stage, N);
    /* the whole evaluation is untouched by the groups */
    ck_eval_input whole = in;
    whole.group = NULL;
    ck_eval *plain = NULL;
    CHECK_OK(ck_eval_run(&plain, &whole, &opts, &err));
    for (size_t k = 0; plain != NULL && k < 3; k++) {
        CHECK_NEAR(ck_eval_result_at(ev, k)->auc, ck_eval_result_at(plain, k)->auc, 0);
        CHECK_NEAR(ck_eval_result_at(ev, k)->ci.auc[0], ck_eval_result_at(plain, k)->ci.auc[0], 0);
    }
    CHECK(plain != NULL && ck_eval_n_groups(plain) == 0);
    ck_eval_free(plain);
    ck_eval_free(ev);
}

/*
 * A hand-made case: 14 rows, the model's probability and days since the last purchase.
 *
 *   stage    label  model  days     AUC worked by hand (churner above stayer: 1, tie: 1/2)
 *   new        1    0.9    10       model: P {0.9, 0.6}, N {0.8, 0.6, 0.2}:
 *   new        0    0.8    40         0.9 beats all 3; 0.6: 0 + 1/2 + 1 → 4.5 / 6 = 0.75
 *   new        1    0.6    30       days: P {10, 30}, N {40, 5, 20}:
 *   new        0    0.6     5         10: 1 (over 5); 30: 2 (over 5, 20) → 3 / 6 = 0.5
 *   new        0    0.2    20
 *   active     0    0.7   200       model: P {0.3, 0.5}, N {0.7, 0.1}: 1 + 1 → 2 / 4 = 0.5
 *   active     1    0.3    90       days: P {90, 90}, N {200, 150}: 0 / 4 = 0
 *   active     0    0.1   150
 *   active     1    0.5    90
 *   churned    1    0.95  400       churners only: no AUC (NaN, null in JSON)
 *   churned    1    0.4   500
 *   dormant    0    0.35  250       model: 0.45 over 0.35 → 1; days: 300 over 250 → 1
 *   dormant    1    0.45  300
 *   (none)     0    0.99    1       in no stage
 */
#define HN 14
static const float h_label[HN] = { 1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0 };
static const double h_model[HN] = { 0.9, 0.8, 0.6,  0.6, 0.2,  0.7,  0.3,
                                    0.1, 0.5, 0.95, 0.4, 0.35, 0.45, 0.99 };
static const double h_days[HN] = { 10, 40, 30, 5, 20, 200, 90, 150, 90, 400, 500, 250, 300, 1 };
static const char *const h_stage[HN] = { "new",     "new",     "new",     "new",    "new",
                                         "active",  "active",  "active",  "active", "churned",
                                         "churned", "dormant", "dormant", NULL };

/* AUC by brute force: every churner against every stayer of the stage. */
static double brute_auc(const double *score, const char *name)
{
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < HN; i++)
        for (size_t j = 0; j < HN; j++) {
            if (h_stage[i] == NULL || h_stage[j] == NULL || strcmp(h_stage[i], name) != 0 ||
                strcmp(h_stage[j], name) != 0 || h_label[i] != 1 || h_label[j] != 0)
                continue;
            pairs += 1;
            wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
    return pairs > 0 ? wins / pairs : NAN;
}

static ck_eval *hand_eval(void)
{
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval_input in = { HN,
                         h_label,
                         1,
                         { h_model, NULL },
                         { "m.json", NULL },
                         h_days,
                         "recency baseline",
                         "hand-made",
                         h_stage,
                         STAGES,
                         5,
                         "stage",
                         NULL };
    ck_eval *ev = NULL;
    CHECK_OK(ck_eval_run(&ev, &in, &opts, &err));
    return ev;
}

static void test_eval_groups__hand_made_stage_auc(void)
{
    ck_eval *ev = hand_eval();
    if (ev == NULL)
        return;
    CHECK_EQ_INT(ck_eval_n_rows(ev), HN);
    CHECK_EQ_INT(ck_eval_n_groups(ev), 4);
    static const char *const order[4] = { "new", "active", "dormant", "churned" };
    static const size_t rows[4] = { 5, 4, 2, 2 }, positives[4] = { 2, 2, 1, 2 };
    static const double model_auc[4] = { 0.75, 0.5, 1, NAN }, days_auc[4] = { 0.5, 0, 1, NAN };
    for (size_t g = 0; g < 4; g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        CHECK_EQ_STR(grp->name, order[g]);
        CHECK_EQ_INT(grp->n_rows, rows[g]);
        CHECK_EQ_INT(grp->n_positives, positives[g]);
        CHECK_NEAR(grp->results[0].auc, model_auc[g], 0);
        CHECK_NEAR(grp->results[1].auc, days_auc[g], 0);
        CHECK_NEAR(grp->results[0].auc, brute_auc(h_model, order[g]), 0);
        CHECK_NEAR(grp->results[1].auc, brute_auc(h_days, order[g]), 0);
        CHECK(grp->results[1].is_baseline && isnan(grp->results[1].logloss));
    }
    /* churners only: AUC and KS undefined, log loss still defined: −(ln 0.95 + ln 0.4) / 2 */
    const ck_eval_result *churned = &ck_eval_group_at(ev, 3)->results[0];
    CHECK(isnan(churned->ks));
    CHECK_NEAR(churned->logloss, -(log(0.95) + log(0.4)) / 2, 1e-15);
    /* Brier of the dormant pair: (0.35² + 0.55²) / 2 */
    CHECK_NEAR(ck_eval_group_at(ev, 2)->results[0].brier, (0.35 * 0.35 + 0.55 * 0.55) / 2, 1e-15);
    ck_eval_free(ev);
}

static void test_eval_groups__refuses_unknown_groups(void)
{
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    const char *groups[HN];
    memcpy(groups, h_stage, sizeof groups);
    groups[3] = "vip";
    ck_eval_input in = {
        HN, h_label, 1,   { h_model, NULL }, { "m.json", NULL }, NULL, NULL, NULL, groups, STAGES,
        5,  "stage", NULL
    };
    ck_eval *ev = (ck_eval *)&err;
    CHECK_EQ_INT(ck_eval_run(&ev, &in, &opts, &err), CK_EINVAL);
    CHECK(ev == NULL);
    CHECK_EQ_STR(err.msg, "row 4: unknown stage \"vip\"");
    in.group = h_stage;
    in.n_groups = CK_EVAL_MAX_GROUPS + 1;
    CHECK_EQ_INT(ck_eval_run(&ev, &in, &opts, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "at most 16 groups, got 17");
}

static char *capture(int (*fn)(const ck_eval *, FILE *, ck_error *), const ck_eval *ev)
{
    ck_error err = { 0 };
    FILE *fp = tmpfile();
    if (fp == NULL)
        return NULL;
    CHECK_OK(fn(ev, fp, &err));
    return read_back(fp);
}

static int write_report(const ck_eval *ev, FILE *fp, ck_error *err)
{
    ck_eval_report_info info = { NULL, { NULL, NULL } };
    return ck_eval_write_report(ev, &info, fp, err);
}

static double number_at(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(item) ? item->valuedouble : cJSON_IsNull(item) ? NAN : -12345;
}

static void test_eval_groups__json_by_stage(void)
{
    ck_eval *ev = hand_eval();
    char *text = ev ? capture(ck_eval_write_json, ev) : NULL;
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root != NULL);
    static const char *const keys[] = { "auc", "pr_auc", "logloss",        "brier",
                                        "ks",  "ece",    "top_decile_lift" };
    const cJSON *model = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "models"), 0);
    const cJSON *base = cJSON_GetObjectItemCaseSensitive(root, "baseline");
    for (size_t k = 0; root != NULL && k < 2; k++) {
        const cJSON *by = cJSON_GetObjectItemCaseSensitive(k == 0 ? model : base, "by_stage");
        CHECK(cJSON_IsArray(by) && cJSON_GetArraySize(by) == 4);
        for (size_t g = 0; cJSON_IsArray(by) && g < 4; g++) {
            const cJSON *entry = cJSON_GetArrayItem(by, (int)g);
            const ck_eval_group *grp = ck_eval_group_at(ev, g);
            const ck_eval_result *r = &grp->results[k];
            CHECK_EQ_INT(cJSON_GetArraySize(entry), 4); /* stage, rows, positives, metrics */
            CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "stage")),
                         grp->name);
            CHECK_NEAR(number_at(entry, "rows"), (double)grp->n_rows, 0);
            CHECK_NEAR(number_at(entry, "positives"), (double)grp->n_positives, 0);
            const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(entry, "metrics");
            CHECK_EQ_INT(cJSON_GetArraySize(metrics), 7);
            const double want[7] = { r->auc, r->pr_auc, r->logloss,        r->brier,
                                     r->ks,  r->ece,    r->top_decile_lift };
            for (int i = 0; i < 7; i++)
                CHECK_NEAR(number_at(metrics, keys[i]), want[i], 0); /* exact, or null */
        }
    }
    /* the churned stage: AUC null; the baseline's log loss null in every stage */
    const cJSON *churned =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(model, "by_stage"), 3);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(churned, "metrics"), "auc")));
    const cJSON *new_base =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(base, "by_stage"), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(new_base, "metrics"), "logloss")));
    CHECK_NEAR(number_at(cJSON_GetObjectItemCaseSensitive(new_base, "metrics"), "auc"), 0.5, 0);
    cJSON_Delete(root);
    free(text);
    ck_eval_free(ev);

    /* no groups: no by_stage key anywhere */
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval_input in = {
        HN, h_label, 1,   { h_model, NULL }, { "m.json", NULL }, NULL, NULL, NULL, NULL, NULL,
        0,  NULL,    NULL
    };
    ev = NULL;
    CHECK_OK(ck_eval_run(&ev, &in, &opts, &err));
    text = ev ? capture(ck_eval_write_json, ev) : NULL;
    CHECK(text != NULL && strstr(text, "\"by_") == NULL);
    free(text);
    ck_eval_free(ev);
}

static void test_eval_groups__text_and_report(void)
{
    ck_eval *ev = hand_eval();
    char *text = ev ? capture(ck_eval_write_text, ev) : NULL;
    CHECK(text != NULL);
    if (text != NULL) {
        /* rows, churn rate and the numbers worked by hand above (AUC, then PR AUC: new's
         * churners at ranks 1 and 3–4 of a tie, AP = (1/1 + 2/4) / 2 = 0.75) */
        CHECK(strstr(text,
                     "\nby stage, each on its own rows\n"
                     "stage       rows  churned  model                  AUC  PR AUC") != NULL);
        CHECK(strstr(text, "\nnew            5    40.0%  m.json              0.7500  0.7500") !=
              NULL);
        CHECK(strstr(text, "\n                           recency baseline    0.5000  0.5000") !=
              NULL);
        CHECK(strstr(text, "\nchurned        2   100.0%  m.json                   -  1.0000") !=
              NULL);
    }
    free(text);
    char *html = ev ? capture(write_report, ev) : NULL;
    CHECK(html != NULL);
    if (html != NULL) {
        CHECK(strstr(html, "<h2>Where the decisions are: by stage</h2>") != NULL);
        CHECK(strstr(html, "<title>AUC by stage</title>") != NULL);
        CHECK(strstr(html, ">5, 40% churn</text>") != NULL);
        CHECK(strstr(html, ">n/a</text>") != NULL); /* the churned stage has no AUC */
        size_t svgs = 0;
        for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++)
            svgs++;
        CHECK(svgs == 7); /* ROC, PR, gains, lift, calibration, distribution, by stage */
    }
    free(html);
    ck_eval_free(ev);

    /* without groups the text says why */
    ck_error err = { 0 };
    ck_eval_opts opts = CK_EVAL_OPTS_INIT;
    ck_eval_input in = { HN,
                         h_label,
                         1,
                         { h_model, NULL },
                         { "m.json", NULL },
                         NULL,
                         NULL,
                         NULL,
                         NULL,
                         NULL,
                         0,
                         "stage",
                         "the table has no lifecycle_stage column" };
    ev = NULL;
    CHECK_OK(ck_eval_run(&ev, &in, &opts, &err));
    text = ev ? capture(ck_eval_write_text, ev) : NULL;
    CHECK(text != NULL && strstr(text, "\nno table by stage: the table has no lifecycle_stage "
                                       "column\n") != NULL);
    free(text);
    html = ev ? capture(write_report, ev) : NULL;
    CHECK(html != NULL && strstr(html, "Where the decisions are") == NULL);
    free(html);
    ck_eval_free(ev);
}

int main(void)
{
    make_data();
    RUN(test_eval_groups__each_group_is_an_evaluation_of_its_rows);
    RUN(test_eval_groups__hand_made_stage_auc);
    RUN(test_eval_groups__refuses_unknown_groups);
    RUN(test_eval_groups__json_by_stage);
    RUN(test_eval_groups__text_and_report);
    return check_summary();
}
