/*
 * The uplift evaluation (src/eval/uplift_eval.c): every number on a fixed 40-row data set
 * with tied scores against tests/uplift_eval_reference.py (numpy, written from the
 * formulas of docs/EVAL.md; its output is kept below); Newcombe's worked example; a perfect
 * ordering scores 1 and a reversed one less than 0; the bootstrap's determinism; the JSON
 * read back; the text; bad input; the HTML report (src/eval/uplift_report.c) holding those
 * numbers as it formats them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/read_back.h"
#include "churnkit/stats.h"
#include "churnkit/uplift_eval.h"
#include "io/json.h"

/* ---- the data set of tests/uplift_eval_reference.py (keep the two in sync) -------------- */

#define N 40

static const double SCORE[N] = { -0.3, 0.4,  0.0,  0.7,  0.3, -0.1, 0.6,  0.2,  -0.2, 0.5,
                                 0.1,  -0.3, 0.4,  0.0,  0.7, 0.3,  -0.1, 0.6,  0.2,  -0.2,
                                 0.5,  0.1,  -0.3, 0.4,  0.0, 0.7,  0.3,  -0.1, 0.6,  0.2,
                                 -0.2, 0.5,  0.1,  -0.3, 0.4, 0.0,  0.7,  0.3,  -0.1, 0.6 };
static const bool TREATED[N] = { 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0,
                                 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1 };
static const int OUTCOME[N] = { 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1,
                                0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0 };
static const char *const ID[N] = { "c00", "c17", "c34", "c11", "c28", "c05", "c22", "c39",
                                   "c16", "c33", "c10", "c27", "c04", "c21", "c38", "c15",
                                   "c32", "c09", "c26", "c03", "c20", "c37", "c14", "c31",
                                   "c08", "c25", "c02", "c19", "c36", "c13", "c30", "c07",
                                   "c24", "c01", "c18", "c35", "c12", "c29", "c06", "c23" };

/* Printed by `/usr/bin/python3 tests/uplift_eval_reference.py` (numpy 1.24, scipy 1.10). */
#define REF_QINI_AREA         1.0935119047619049
#define REF_AUUC              1.5055403045190712
#define REF_PERFECT_QINI_AREA 9.3114204545454555
#define REF_QINI              0.11743771104526775
#define REF_REVERSED_QINI     (-0.35901816812355547)
#define REF_PERFECT_AUUC      11.955626101021293
#define REF_UPLIFT_COEFF      0.12592734933308616

static const struct {
    size_t k;
    double qini, uplift;
} REF_CURVE[] = {
    { 0, 0, 0 },
    { 1, 0, 0 },
    { 5, 2, 2.5 },
    { 13, 3, 4.333333333333333 },
    { 20, 0.28571428571428559, 0.43956043956044022 },
    { 33, 0, 0 },
    { 40, -0.46153846153846168, -0.68376068376068577 },
};

static const struct {
    size_t rows, treated, control;
    double uplift, low, high;
} REF_AT[CK_UPLIFT_EVAL_N_AT] = {
    { 4, 3, 1, 0.66666666666666663, -0.24998565402470574, 0.93850805527960368 },
    { 8, 6, 2, 0.5, -0.22804349949006664, 0.8123836935173494 },
    { 12, 9, 3, 0.33333333333333331, -0.26711755789730224, 0.64579786441960363 },
    { 20, 13, 7, 0.021978021978022011, -0.376762496455538, 0.35897057854674164 },
};

static const struct {
    size_t rows, treated, control;
    double uplift;
} REF_DECILE[CK_UPLIFT_EVAL_DECILES] = {
    { 4, 3, 1, 0.66666666666666663 },
    { 4, 3, 1, 0.33333333333333331 },
    { 4, 3, 1, 0 },
    { 4, 2, 2, 0 },
    { 4, 2, 2, -0.5 },
    { 4, 2, 2, 0 },
    { 4, 3, 1, -0.33333333333333337 },
    { 4, 4, 0, NAN },
    { 4, 2, 2, -0.5 },
    { 4, 3, 1, 0.33333333333333331 },
};

/* Sums of a few dozen terms with a handful of roundings each: agreement to 1e-12. */
#define TOL 1e-12

static ck_uplift_eval_input fixed_input(void)
{
    ck_uplift_eval_input in = { "discount", N, SCORE, TREATED, OUTCOME, ID };
    return in;
}

static void test_uplift_eval__reference(void)
{
    ck_error err;
    ck_uplift_eval *ue = NULL;
    ck_uplift_eval_input in = fixed_input();
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue == NULL)
        return;
    CHECK_EQ_STR(ue->arm, "discount");
    CHECK_EQ_INT(ue->all.rows, 40);
    CHECK_EQ_INT(ue->all.treated + ue->all.control, 40);
    CHECK_NEAR(ue->qini_area, REF_QINI_AREA, TOL);
    CHECK_NEAR(ue->auuc, REF_AUUC, TOL);
    CHECK_NEAR(ue->perfect_qini_area, REF_PERFECT_QINI_AREA, TOL);
    CHECK_NEAR(ue->qini, REF_QINI, TOL);
    CHECK_NEAR(ue->perfect_auuc, REF_PERFECT_AUUC, TOL);
    CHECK_NEAR(ue->uplift_coefficient, REF_UPLIFT_COEFF, TOL);
    CHECK_EQ_INT(ue->n_curve, N + 1);
    for (size_t j = 0; j < sizeof REF_CURVE / sizeof REF_CURVE[0]; j++) {
        const ck_uplift_curve_point *p = &ue->curve[REF_CURVE[j].k];
        CHECK_EQ_INT(p->rows, REF_CURVE[j].k);
        CHECK_NEAR(p->qini, REF_CURVE[j].qini, TOL);
        CHECK_NEAR(p->uplift, REF_CURVE[j].uplift, TOL);
    }
    for (size_t j = 0; j < CK_UPLIFT_EVAL_N_AT; j++) {
        const ck_uplift_group *g = &ue->at[j].g;
        CHECK_EQ_INT(g->rows, REF_AT[j].rows);
        CHECK_EQ_INT(g->treated, REF_AT[j].treated);
        CHECK_EQ_INT(g->control, REF_AT[j].control);
        CHECK_NEAR(g->uplift, REF_AT[j].uplift, TOL);
        CHECK_NEAR(g->low, REF_AT[j].low, TOL);
        CHECK_NEAR(g->high, REF_AT[j].high, TOL);
    }
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        const ck_uplift_group *d = &ue->deciles[g];
        CHECK_EQ_INT(d->rows, REF_DECILE[g].rows);
        CHECK_EQ_INT(d->treated, REF_DECILE[g].treated);
        CHECK_EQ_INT(d->control, REF_DECILE[g].control);
        CHECK_NEAR(d->uplift, REF_DECILE[g].uplift, TOL);
    }
    CHECK(isnan(ue->qini_low) && isnan(ue->qini_high));
    ck_uplift_eval_free(ue);
}

/* The input order must not matter: the same rows reversed give the same evaluation (ties
 * are broken by id, not by position). */
static void test_uplift_eval__order_is_by_score_then_id(void)
{
    double score[N];
    bool treated[N];
    int outcome[N];
    const char *id[N];
    for (size_t i = 0; i < N; i++) {
        score[i] = SCORE[N - 1 - i];
        treated[i] = TREATED[N - 1 - i];
        outcome[i] = OUTCOME[N - 1 - i];
        id[i] = ID[N - 1 - i];
    }
    ck_uplift_eval_input in = { NULL, N, score, treated, outcome, id };
    ck_error err;
    ck_uplift_eval *ue = NULL;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue == NULL)
        return;
    CHECK_EQ_STR(ue->arm, "treatment");
    CHECK_NEAR(ue->qini_area, REF_QINI_AREA, TOL);
    CHECK_NEAR(ue->auuc, REF_AUUC, TOL);
    CHECK_NEAR(ue->qini, REF_QINI, TOL);
    CHECK_NEAR(ue->uplift_coefficient, REF_UPLIFT_COEFF, TOL);
    ck_uplift_eval_free(ue);
}

/* Scoring by the outcome itself (treated responders 2, non-responders 1, control
 * responders 0) is the perfect ordering: coefficient 1; the reverse is below 0. */
static void test_uplift_eval__perfect_and_reversed(void)
{
    double perfect[N], reversed[N];
    for (size_t i = 0; i < N; i++) {
        perfect[i] = OUTCOME[i] == 0 ? 1.0 : TREATED[i] ? 2.0 : 0.0;
        reversed[i] = -perfect[i];
    }
    ck_uplift_eval_input in = fixed_input();
    ck_error err;
    ck_uplift_eval *ue = NULL;
    in.score = perfect;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue != NULL) {
        CHECK_NEAR(ue->qini, 1.0, TOL);
        CHECK_NEAR(ue->qini_area, REF_PERFECT_QINI_AREA, TOL);
    }
    ck_uplift_eval_free(ue);
    in.score = reversed;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue != NULL) {
        CHECK(ue->qini < 0.0);
        CHECK_NEAR(ue->qini, REF_REVERSED_QINI, TOL);
    }
    ck_uplift_eval_free(ue);
}

/* The uplift curve's perfect ordering (treated responders 3, control non-responders 2,
 * treated non-responders 1, control responders 0) scores uplift coefficient 1, its auuc the
 * perfect area; it is a perfect Qini ordering too. */
static void test_uplift_eval__perfect_uplift_coefficient(void)
{
    double perfect[N];
    for (size_t i = 0; i < N; i++)
        perfect[i] = TREATED[i] ? (OUTCOME[i] ? 3.0 : 1.0) : (OUTCOME[i] ? 0.0 : 2.0);
    ck_uplift_eval_input in = fixed_input();
    in.score = perfect;
    ck_error err;
    ck_uplift_eval *ue = NULL;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue != NULL) {
        CHECK_NEAR(ue->uplift_coefficient, 1.0, TOL);
        CHECK_NEAR(ue->auuc, REF_PERFECT_AUUC, TOL);
        CHECK_NEAR(ue->perfect_auuc, REF_PERFECT_AUUC, TOL);
        CHECK_NEAR(ue->qini, 1.0, TOL);
    }
    ck_uplift_eval_free(ue);

    /* no responders at all: both perfect areas are 0, both coefficients undefined */
    int none[N] = { 0 };
    in = fixed_input();
    in.outcome = none;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue != NULL) {
        CHECK(isnan(ue->qini) && isnan(ue->uplift_coefficient));
    }
    ck_uplift_eval_free(ue);
}

/* Newcombe (1998), Stat Med 17:873-890, Table II, example (a): 56/70 against 48/80, method
 * 10 gives 0.0524 to 0.3339 (4 decimals published: tolerance 5e-5). Directly, and through
 * the evaluation: 300 rows whose top half holds exactly those counts (uplift_at 0.5). */
static void test_uplift_eval__newcombe_worked_example(void)
{
    double lo, hi;
    ck_stats_newcombe(56, 70, 48, 80, 0.95, &lo, &hi);
    CHECK_NEAR(lo, 0.0524, 5e-5);
    CHECK_NEAR(hi, 0.3339, 5e-5);

    enum { M = 300 };
    static double score[M];
    static bool treated[M];
    static int outcome[M];
    static char names[M][8];
    static const char *id[M];
    for (size_t i = 0; i < M; i++) {
        snprintf(names[i], sizeof names[i], "r%03zu", i);
        id[i] = names[i];
        score[i] = i < 150 ? 1.0 : 0.0;
        size_t j = i % 150;
        if (i < 150) {
            treated[i] = j < 70;
            outcome[i] = j < 70 ? j < 56 : j - 70 < 48;
        } else {
            treated[i] = j % 2 == 0;
            outcome[i] = j % 5 == 0;
        }
    }
    ck_uplift_eval_input in = { "vip", M, score, treated, outcome, id };
    ck_error err;
    ck_uplift_eval *ue = NULL;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue == NULL)
        return;
    const ck_uplift_group *g = &ue->at[3].g;
    CHECK_NEAR(ue->at[3].fraction, 0.5, 0.0);
    CHECK_EQ_INT(g->rows, 150);
    CHECK_EQ_INT(g->treated, 70);
    CHECK_EQ_INT(g->treated_positives, 56);
    CHECK_EQ_INT(g->control, 80);
    CHECK_EQ_INT(g->control_positives, 48);
    CHECK_NEAR(g->uplift, 0.2, 1e-15);
    CHECK_NEAR(g->low, 0.0524, 5e-5);
    CHECK_NEAR(g->high, 0.3339, 5e-5);
    /* ⌈0.1·300⌉ = 30, ⌈0.3·300⌉ = 90: exact, no floating-point rounding up to 31 or 91 */
    CHECK_EQ_INT(ue->at[0].g.rows, 30);
    CHECK_EQ_INT(ue->at[2].g.rows, 90);
    ck_uplift_eval_free(ue);
}

/* Decile sizes for n = 23: ⌊g·23/10⌋ boundaries, sizes 2 2 2 3 2 2 3 2 2 3; the top
 * fractions round up: 3, 5, 7, 12 rows. */
static void test_uplift_eval__uneven_groups(void)
{
    static const size_t sizes[CK_UPLIFT_EVAL_DECILES] = { 2, 2, 2, 3, 2, 2, 3, 2, 2, 3 };
    static const size_t at_rows[CK_UPLIFT_EVAL_N_AT] = { 3, 5, 7, 12 };
    ck_uplift_eval_input in = fixed_input();
    in.n = 23;
    ck_error err;
    ck_uplift_eval *ue = NULL;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue == NULL)
        return;
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++)
        CHECK_EQ_INT(ue->deciles[g].rows, sizes[g]);
    for (size_t j = 0; j < CK_UPLIFT_EVAL_N_AT; j++)
        CHECK_EQ_INT(ue->at[j].g.rows, at_rows[j]);
    ck_uplift_eval_free(ue);
}

static void test_uplift_eval__bootstrap(void)
{
    ck_uplift_eval_input in = fixed_input();
    ck_uplift_eval_params params = { 400, 20240601 };
    ck_error err;
    ck_uplift_eval *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(ck_uplift_eval_run(&a, &in, &params, &err));
    CHECK_OK(ck_uplift_eval_run(&b, &in, &params, &err));
    params.seed++;
    CHECK_OK(ck_uplift_eval_run(&c, &in, &params, &err));
    if (a != NULL && b != NULL && c != NULL) {
        CHECK_EQ_INT(a->bootstrap, 400);
        CHECK(a->bootstrap_valid > 390 && a->bootstrap_valid <= 400);
        CHECK(isfinite(a->qini_low) && isfinite(a->qini_high));
        CHECK(a->qini_low < a->qini && a->qini < a->qini_high);
        CHECK(a->qini_low >= -1.5 && a->qini_high <= 1.0 + TOL);
        /* bit-identical for a seed, different for another */
        CHECK(a->qini_low == b->qini_low && a->qini_high == b->qini_high);
        CHECK(a->qini_low != c->qini_low || a->qini_high != c->qini_high);
        /* the point estimates do not depend on the bootstrap */
        CHECK(a->qini == c->qini);
    }
    ck_uplift_eval_free(a);
    ck_uplift_eval_free(b);
    ck_uplift_eval_free(c);
}

static char *written(const ck_uplift_eval *ue, bool json)
{
    ck_error err;
    FILE *fp = tmpfile();
    if (fp == NULL)
        return NULL;
    if (json)
        CHECK_OK(ck_uplift_eval_write_json(ue, fp, &err));
    else
        CHECK_OK(ck_uplift_eval_write_text(ue, fp, &err));
    return read_back(fp);
}

static void test_uplift_eval__json(void)
{
    ck_uplift_eval_input in = fixed_input();
    ck_error err;
    ck_uplift_eval *ue = NULL;
    CHECK_OK(ck_uplift_eval_run(&ue, &in, NULL, &err));
    if (ue == NULL)
        return;
    char *text = written(ue, true);
    ck__json *root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        CHECK_EQ_STR(ck__json_string(ck__json_get(root, "arm")), "discount");
        CHECK_NEAR(ck__json_number(ck__json_get(root, "qini")), REF_QINI, 0.0);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "qini_area")), REF_QINI_AREA, TOL);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "auuc")), REF_AUUC, TOL);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "uplift_coefficient")), REF_UPLIFT_COEFF,
                   TOL);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "perfect_auuc")), REF_PERFECT_AUUC, TOL);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "perfect_qini_area")), REF_PERFECT_QINI_AREA,
                   TOL);
        CHECK(ck__json_is_null(ck__json_get(root, "qini_interval")));
        const ck__json *at = ck__json_get(root, "uplift_at");
        CHECK_EQ_INT(ck__json_size(at), 4);
        const ck__json *a1 = ck__json_get(at, "0.1");
        CHECK_NEAR(ck__json_number(ck__json_get(a1, "low")), REF_AT[0].low, 0.0);
        CHECK_NEAR(ck__json_number(ck__json_get(a1, "treated")), 3, 0.0);
        CHECK_NEAR(ck__json_number(ck__json_get(a1, "control")), 1, 0.0);
        CHECK(ck__json_get(at, "0.5") != NULL);
        const ck__json *dec = ck__json_get(root, "deciles");
        CHECK_EQ_INT(ck__json_size(dec), 10);
        /* decile 8 has no control row: its uplift is null */
        const ck__json *d = ck__json_child(dec);
        for (int g = 0; g < 7 && d != NULL; g++)
            d = ck__json_next(d);
        CHECK(d != NULL && ck__json_is_null(ck__json_get(d, "uplift")));
        const ck__json *curve = ck__json_get(root, "curve");
        CHECK_EQ_INT(ck__json_size(curve), N + 1); /* n ≤ 100: every prefix */
    }
    ck__json_free(root);
    free(text);
    ck_uplift_eval_free(ue);

    /* 1000 rows: the curve is thinned to 101 points; the interval is an array */
    enum { M = 1000 };
    static double score[M];
    static bool treated[M];
    static int outcome[M];
    static const char *id[M];
    for (size_t i = 0; i < M; i++) {
        score[i] = (double)(i % 37);
        treated[i] = i % 3 != 0;
        outcome[i] = (i % 7 == 0) || (treated[i] && i % 37 > 30);
        id[i] = ID[i % N];
    }
    ck_uplift_eval_input big = { "email", M, score, treated, outcome, id };
    ck_uplift_eval_params params = { 50, 7 };
    CHECK_OK(ck_uplift_eval_run(&ue, &big, &params, &err));
    if (ue == NULL)
        return;
    CHECK(ue->qini > 0.0);
    text = written(ue, true);
    root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        const ck__json *curve = ck__json_get(root, "curve");
        CHECK_EQ_INT(ck__json_size(curve), 101);
        const ck__json *iv = ck__json_get(root, "qini_interval");
        CHECK(ck__json_is_array(iv) && ck__json_size(iv) == 2);
        CHECK_NEAR(ck__json_number(ck__json_child(iv)), ue->qini_low, 0.0);
    }
    ck__json_free(root);
    free(text);
    text = written(ue, false);
    CHECK(text != NULL && strstr(text, "arm email against control: 1000 rows") != NULL);
    CHECK(text != NULL && strstr(text, "bootstrap interval") != NULL);
    CHECK(text != NULL && strstr(text, "Uplift coefficient ") != NULL);
    free(text);
    ck_uplift_eval_free(ue);
}

static void expect_error(const ck_uplift_eval_input *in, const char *message)
{
    ck_error err = { 0 };
    ck_uplift_eval *ue = (ck_uplift_eval *)&err; /* must be reset to NULL */
    int rc = ck_uplift_eval_run(&ue, in, NULL, &err);
    CHECK_EQ_INT(rc, CK_EINVAL);
    CHECK(ue == NULL);
    CHECK_REPORT_(strstr(err.msg, message) != NULL, "\"%s\" not in \"%s\"", message, err.msg);
}

static void test_uplift_eval__bad_input(void)
{
    ck_uplift_eval_input in = fixed_input();
    in.n = 1;
    expect_error(&in, "at least 2 rows, got 1");

    bool all_treated[N], none_treated[N];
    for (size_t i = 0; i < N; i++) {
        all_treated[i] = true;
        none_treated[i] = false;
    }
    in = fixed_input();
    in.treated = all_treated;
    expect_error(&in, "no control row among 40 rows");
    in.treated = none_treated;
    expect_error(&in, "no row of arm \"discount\"");

    int outcome[N];
    memcpy(outcome, OUTCOME, sizeof outcome);
    outcome[7] = 2;
    in = fixed_input();
    in.outcome = outcome;
    expect_error(&in, "outcome[7] must be 0 or 1, got 2");

    double score[N];
    memcpy(score, SCORE, sizeof score);
    score[3] = NAN;
    in = fixed_input();
    in.score = score;
    expect_error(&in, "score[3] must be a finite number, got nan");

    const char *id[N];
    memcpy(id, ID, sizeof id);
    id[5] = NULL;
    in = fixed_input();
    in.id = id;
    expect_error(&in, "id[5] is missing");

    in = fixed_input();
    in.arm = "an-arm-name-that-is-far-too-long-to-keep-in-sixty-three-bytes-of-room";
    expect_error(&in, "arm name must be at most 63 bytes");
}

/* ---- the HTML report (src/eval/uplift_report.c) ---------------------------------------- */

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Every element closed in order: a stack of tag names over the page; void elements
 * (meta) and self-closed ones ("/>") need no end tag. Returns true when well nested. */
static bool well_nested(const char *html)
{
    char stack[64][16];
    size_t depth = 0;
    for (const char *p = strchr(html, '<'); p != NULL; p = strchr(p + 1, '<')) {
        if (p[1] == '!')
            continue; /* <!DOCTYPE html> */
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t len = strcspn(name, " >/\n");
        const char *end = strchr(p, '>');
        if (end == NULL || len == 0 || len >= sizeof stack[0])
            return false;
        if (closing) {
            if (depth == 0 || strlen(stack[depth - 1]) != len ||
                strncmp(stack[depth - 1], name, len) != 0)
                return false;
            depth--;
        } else if (end[-1] != '/' && !(len == 4 && strncmp(name, "meta", 4) == 0)) {
            if (depth == sizeof stack / sizeof stack[0])
                return false;
            memcpy(stack[depth], name, len);
            stack[depth++][len] = '\0';
        }
    }
    return depth == 0;
}

/* The points of the first polyline of class `cls` at or after `from`, or NULL (free it). */
static char *polyline_points(const char *from, const char *cls)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\" class=\"%s\"/>", cls);
    const char *end = strstr(from, pattern);
    if (end == NULL)
        return NULL;
    const char *begin = end;
    while (begin > from && strncmp(begin, "points=\"", 8) != 0)
        begin--;
    if (begin == from)
        return NULL;
    begin += 8;
    char *out = calloc((size_t)(end - begin) + 1, 1);
    if (out != NULL)
        memcpy(out, begin, (size_t)(end - begin));
    return out;
}

/* Two arms on the reference rows: the model's scores, and the perfect ordering's (with a
 * name to escape and a bootstrap). The page holds the reference script's numbers as it
 * formats them, three charts per arm, and is well nested and self-contained; on the
 * perfect arm the model's Qini curve is the drawn perfect curve, point for point. */
static void test_uplift_eval__report(void)
{
    double perfect[N];
    for (size_t i = 0; i < N; i++)
        perfect[i] = OUTCOME[i] == 0 ? 1.0 : TREATED[i] ? 2.0 : 0.0;
    ck_uplift_eval_input in = fixed_input();
    ck_error err;
    ck_uplift_eval *a = NULL, *b = NULL;
    CHECK_OK(ck_uplift_eval_run(&a, &in, NULL, &err));
    in.score = perfect;
    in.arm = "vip <b>";
    ck_uplift_eval_params params = { 200, 7 };
    CHECK_OK(ck_uplift_eval_run(&b, &in, &params, &err));
    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    if (a == NULL || b == NULL || fp == NULL) {
        if (fp != NULL)
            fclose(fp);
        ck_uplift_eval_free(a);
        ck_uplift_eval_free(b);
        return;
    }
    const ck_uplift_eval *arms[2] = { a, b };
    ck_uplift_report_info info = { "Uplift & <check>", "uplift.json" };
    CHECK_OK(ck_uplift_eval_write_report(arms, 2, &info, fp, &err));
    char *html = read_back(fp);
    CHECK(html != NULL);
    if (html == NULL)
        goto done;
    /* kept beside the other scratch files, to look at */
    FILE *keep = fopen(CK_TEST_TMP "/uplift_report.html", "w");
    if (keep != NULL) {
        fputs(html, keep);
        fclose(keep);
    }
    CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(html, "</html>\n") != NULL);
    CHECK(well_nested(html));
    CHECK(strstr(html, "<title>Uplift &amp; &lt;check&gt;</title>") != NULL);
    CHECK(strstr(html, "Model uplift.json") != NULL);
    CHECK(strstr(html, "2 treatment arms, each against control") != NULL);
    /* three charts per arm, each an inline SVG, nothing fetched */
    CHECK_EQ_INT(count_of(html, "<svg"), 6);
    CHECK_EQ_INT(count_of(html, "</svg>"), 6);
    CHECK_EQ_INT(count_of(html, "<h3>Qini curve</h3>"), 2);
    CHECK_EQ_INT(count_of(html, "<h3>Uplift curve</h3>"), 2);
    CHECK_EQ_INT(count_of(html, "<h3>Uplift by decile</h3>"), 4); /* chart and table */
    CHECK_EQ_INT(count_of(html, "<h3>Uplift among the top</h3>"), 2);
    CHECK_EQ_INT(count_of(html, "class=\"perfect\""), 4); /* the curve, its legend's sample */
    CHECK(strstr(html, "<script") == NULL && strstr(html, "src=") == NULL &&
          strstr(html, "href=") == NULL && strstr(html, "url(") == NULL);

    /* arm 1: the reference numbers as the page writes them */
    const char *arm1 = strstr(html, "<h2>Arm discount against control</h2>");
    const char *arm2 = strstr(html, "<h2>Arm vip &lt;b&gt; against control</h2>");
    CHECK(arm1 != NULL && arm2 != NULL && arm1 < arm2);
    if (arm1 == NULL || arm2 == NULL)
        goto done;
    char want[160];
    snprintf(want, sizeof want, "<div class=\"v\">%.4f</div><div class=\"l\">Qini coefficient",
             REF_QINI);
    CHECK(strstr(arm1, want) != NULL && strstr(arm1, want) < arm2);
    CHECK(strstr(arm1, "<div class=\"v\">0.1174</div>") != NULL);
    CHECK(strstr(arm1, "<div class=\"v\">0.1259</div><div class=\"l\">uplift coefficient") != NULL);
    CHECK(strstr(arm1, "no bootstrap interval") < arm2);
    /* 27 treated (12 responders), 13 control (6): the overall uplift is U(n)/n = -0.017094 */
    CHECK(strstr(arm1, "<div class=\"v\">27</div><div class=\"l\">treated rows") != NULL);
    CHECK(strstr(arm1, "<div class=\"v\">13</div><div class=\"l\">control rows") != NULL);
    CHECK(strstr(arm1, "<div class=\"v\">44.4% / 46.2%</div>") != NULL);
    CHECK(strstr(arm1, "<div class=\"v\">-1.71</div><div class=\"l\">overall uplift") != NULL);
    /* uplift_at 0.1 and 0.5 with the script's Newcombe bounds, in points */
    CHECK(strstr(arm1, "<tr><td>top 10%</td><td>3</td><td>1</td><td>+66.67</td>"
                       "<td>-25.00 to +93.85</td></tr>") != NULL);
    CHECK(strstr(arm1, "<tr><td>top 50%</td><td>13</td><td>7</td><td>+2.20</td>"
                       "<td>-37.68 to +35.90</td></tr>") != NULL);
    /* decile 8 has no control row: n/a in the table and over its empty slot in the chart */
    CHECK(strstr(arm1, "<tr><td>8</td><td>4</td><td>4</td><td>0</td><td>75.0%</td>"
                       "<td>n/a</td><td>n/a</td></tr>") != NULL);
    CHECK(strstr(arm1, ">n/a</text>") != NULL && strstr(arm1, ">n/a</text>") < arm2);
    CHECK(strstr(arm1, ">dashed: overall uplift -1.71</text>") != NULL);
    CHECK(strstr(arm1, "Qini area 1.0935 (perfect 9.3114); area under the uplift curve 1.5055 "
                       "(perfect 11.9556)") != NULL);

    /* arm 2: a perfect ordering scores 1, with the bootstrap interval as computed */
    CHECK(strstr(arm2, "<div class=\"v\">1.0000</div><div class=\"l\">Qini coefficient") != NULL);
    snprintf(want, sizeof want, "bootstrap 95%%: %.4f to %.4f (%zu of 200 resamples)", b->qini_low,
             b->qini_high, b->bootstrap_valid);
    CHECK(strstr(arm2, want) != NULL);
    /* the model's drawn Qini curve is the perfect one (n <= 500: every prefix is drawn) */
    char *drawn_perfect = polyline_points(arm2, "perfect");
    const char *after = drawn_perfect ? strstr(arm2, "class=\"perfect\"") : NULL;
    char *drawn_model = after ? polyline_points(after, "s0") : NULL;
    CHECK(drawn_perfect != NULL && drawn_model != NULL);
    if (drawn_perfect != NULL && drawn_model != NULL)
        CHECK_EQ_STR(drawn_model, drawn_perfect);
    free(drawn_model);
    free(drawn_perfect);
    /* and on the model's arm it is not */
    drawn_perfect = polyline_points(arm1, "perfect");
    after = drawn_perfect ? strstr(arm1, "class=\"perfect\"") : NULL;
    drawn_model = after ? polyline_points(after, "s0") : NULL;
    CHECK(drawn_perfect != NULL && drawn_model != NULL && strcmp(drawn_model, drawn_perfect) != 0);
    free(drawn_model);
    free(drawn_perfect);
done:
    free(html);
    ck_uplift_eval_free(a);
    ck_uplift_eval_free(b);
}

int main(void)
{
    RUN(test_uplift_eval__reference);
    RUN(test_uplift_eval__order_is_by_score_then_id);
    RUN(test_uplift_eval__perfect_and_reversed);
    RUN(test_uplift_eval__perfect_uplift_coefficient);
    RUN(test_uplift_eval__newcombe_worked_example);
    RUN(test_uplift_eval__uneven_groups);
    RUN(test_uplift_eval__bootstrap);
    RUN(test_uplift_eval__json);
    RUN(test_uplift_eval__bad_input);
    RUN(test_uplift_eval__report);
    return check_summary();
}
