/*
 * The recommendation evaluation (src/eval/recommend_eval.c): every measure of four methods
 * at K = 4 and K = 10 on a small random case (ties in the scores, customers without
 * holdout items, repeated holdout items, short and empty lists, K larger than the holdout)
 * against tests/recommend_eval_reference.py (numpy, written from the formulas of
 * docs/EVAL.md; its output is kept below; `test_recommend_eval --reference FILE` compares
 * against a fresh run), to 1e-12; the worked example of docs/EVAL.md by hand; bad input;
 * the JSON read back; the text; the HTML report (src/eval/recommend_report.c) holding those
 * numbers as it formats them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/recommend_eval.h"
#include "io/json.h"
#include "support/read_back.h"

#define TOL 1e-12

/* ---- the case of tests/recommend_eval_reference.py (keep the two in sync) -------------- */

#define N_ITEMS     15
#define N_CUSTOMERS 40
#define K_MAX       10
#define N_METHODS   4

static const char *const METHOD[N_METHODS] = { "model", "popular", "repeat", "short" };

/* Printed by `/usr/bin/python3 tests/recommend_eval_reference.py --c` (numpy 1.24): K method
 * variant customers precision recall ndcg map hit_rate coverage items_recommended (lines
 * longer than the column limit, as printed). */
/* clang-format off */
static const char *const REFERENCE[] = {
    "4 model all 33 0.19696969696969696 0.27525252525252519 0.24098149471571781 0.15635521885521886 0.5757575757575758 1 15",
    "4 model new_items 29 0.17241379310344829 0.26724137931034481 0.26095401483312203 0.20162835249042144 0.48275862068965519 1 15",
    "4 popular all 33 0.18181818181818182 0.26767676767676762 0.20683834406497095 0.14141414141414144 0.48484848484848486 0.26666666666666666 4",
    "4 popular new_items 29 0.13793103448275862 0.2413793103448276 0.19063686677441186 0.12931034482758622 0.44827586206896552 0.26666666666666666 4",
    "4 repeat all 33 0.2196969696969697 0.33838383838383834 0.29175917345360486 0.20180976430976427 0.69696969696969702 1 15",
    "4 repeat new_items 29 0.051724137931034482 0.083333333333333329 0.073710384569963955 0.046934865900383142 0.20689655172413793 0.26666666666666666 4",
    "4 short all 33 0.10606060606060606 0.14646464646464646 0.14441120701506943 0.10606060606060606 0.30303030303030304 1 15",
    "4 short new_items 29 0.1206896551724138 0.18965517241379309 0.17933867676330381 0.13984674329501914 0.34482758620689657 1 15",
    "10 model all 33 0.20606060606060603 0.75303030303030305 0.45277420653264583 0.28565496232162896 0.93939393939393945 1 15",
    "10 model new_items 29 0.18275862068965518 0.76724137931034486 0.51072641783161921 0.37228379857690197 0.89655172413793105 1 15",
    "10 popular all 33 0.21515151515151518 0.80000000000000016 0.43136782396641243 0.25477413019079687 1 0.66666666666666663 10",
    "10 popular new_items 29 0.17241379310344829 0.74137931034482762 0.42523892552955112 0.26715927750410512 0.93103448275862066 0.66666666666666663 10",
    "10 repeat all 33 0.19696969696969699 0.71565656565656577 0.45243817699030309 0.29054773929773925 0.93939393939393945 1 15",
    "10 repeat new_items 29 0.14137931034482759 0.58908045977011503 0.36513897368219222 0.23295703338806789 0.82758620689655171 0.66666666666666663 10",
    "10 short all 33 0.075757575757575774 0.24898989898989893 0.20861558696968732 0.14427609427609428 0.45454545454545453 1 15",
    "10 short new_items 29 0.086206896551724158 0.34482758620689657 0.26605744994027136 0.19113984674329504 0.51724137931034486 1 15",
};
/* clang-format on */
#define N_REFERENCE (sizeof REFERENCE / sizeof REFERENCE[0])

/* Knuth's MMIX linear congruential generator, the top 31 bits of the state (the script's). */
static uint64_t lcg_state;

static uint64_t lcg_next(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lcg_state >> 33;
}

typedef struct fixture {
    size_t truth_start[N_CUSTOMERS + 1], known_start[N_CUSTOMERS + 1];
    uint32_t truth[N_CUSTOMERS * (N_ITEMS + 1)], known[N_CUSTOMERS * N_ITEMS];
    int score[N_CUSTOMERS][N_ITEMS], popularity[N_ITEMS];
    uint32_t lists[N_METHODS][N_CUSTOMERS * K_MAX];
    size_t n_listed[N_METHODS][N_CUSTOMERS];
} fixture;

/* Items by key descending, ties by the smaller index, into order[0..N_ITEMS) (insertion
 * sort: 15 items). */
static void order_by(const int *key, uint32_t *order)
{
    for (uint32_t i = 0; i < N_ITEMS; i++) {
        size_t j = i;
        while (j > 0 && key[order[j - 1]] < key[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

static void draw_case(fixture *f)
{
    lcg_state = 20261205;
    for (size_t i = 0; i < N_ITEMS; i++)
        f->popularity[i] = (int)(lcg_next() % 5);
    size_t nt = 0, nk = 0;
    f->truth_start[0] = f->known_start[0] = 0;
    for (size_t u = 0; u < N_CUSTOMERS; u++) {
        size_t first = nt;
        for (uint32_t i = 0; i < N_ITEMS; i++)
            if (lcg_next() % 100 < 20)
                f->truth[nt++] = i;
        for (uint32_t i = 0; i < N_ITEMS; i++)
            if (lcg_next() % 100 < 30)
                f->known[nk++] = i;
        for (size_t i = 0; i < N_ITEMS; i++)
            f->score[u][i] = (int)(lcg_next() % 4);
        if (u % 7 == 3)
            nt = first;
        if (u % 5 == 0 && nt > first) {
            f->truth[nt] = f->truth[first]; /* a repeat counts once */
            nt++;
        }
        f->truth_start[u + 1] = nt;
        f->known_start[u + 1] = nk;
    }
}

static bool is_known(const fixture *f, size_t u, uint32_t item)
{
    for (size_t j = f->known_start[u]; j < f->known_start[u + 1]; j++)
        if (f->known[j] == item)
            return true;
    return false;
}

/* The four methods' lists at this K (rows of k slots). */
static void make_lists(fixture *f, size_t k)
{
    uint32_t order[N_ITEMS];
    for (size_t u = 0; u < N_CUSTOMERS; u++) {
        order_by(f->score[u], order);
        memcpy(&f->lists[0][u * k], order, k * sizeof *order);
        f->n_listed[0][u] = k;
        order_by(f->popularity, order);
        memcpy(&f->lists[1][u * k], order, k * sizeof *order);
        f->n_listed[1][u] = k;
        int key[N_ITEMS];
        for (uint32_t i = 0; i < N_ITEMS; i++)
            key[i] = f->popularity[i] + (is_known(f, u, i) ? 10 : 0);
        order_by(key, order);
        memcpy(&f->lists[2][u * k], order, k * sizeof *order);
        f->n_listed[2][u] = k;
        order_by(f->score[u], order);
        size_t cap = u % (k + 1), n = 0;
        for (size_t j = 0; j < N_ITEMS && n < cap; j++)
            if (!is_known(f, u, order[j]))
                f->lists[3][u * k + n++] = order[j];
        f->n_listed[3][u] = n;
    }
}

static ck_recommend_eval *evaluate_case(fixture *f, size_t k)
{
    make_lists(f, k);
    ck_recommend_eval_truth truth = { N_CUSTOMERS, N_ITEMS,        f->truth_start,
                                      f->truth,    f->known_start, f->known };
    ck_recommend_eval_method methods[N_METHODS];
    for (size_t m = 0; m < N_METHODS; m++)
        methods[m] = (ck_recommend_eval_method){ METHOD[m], f->lists[m],
                                                 m == 3 ? f->n_listed[m] : NULL, 0.25 * (double)m,
                                                 NULL, NULL };
    ck_error err;
    ck_recommend_eval *re = NULL;
    CHECK_OK(ck_recommend_eval_run(&re, &truth, k, methods, N_METHODS, &err));
    return re;
}

/* One reference line against churnkit; 1 when every number matches to TOL. */
static int check_reference_line(const char *line, double *worst)
{
    unsigned k;
    char method[32], variant[32];
    unsigned long customers, distinct;
    double v[6];
    if (sscanf(line, "%u %31s %31s %lu %lf %lf %lf %lf %lf %lf %lu", &k, method, variant,
               &customers, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &distinct) != 11) {
        fprintf(stderr, "reference: bad line: %s\n", line);
        return 0;
    }
    static fixture f;
    draw_case(&f);
    ck_recommend_eval *re = evaluate_case(&f, k);
    if (re == NULL)
        return 0;
    int ok = 0;
    for (size_t m = 0; m < re->n_methods; m++) {
        if (strcmp(re->methods[m].name, method) != 0)
            continue;
        const ck_recommend_metrics *x =
            strcmp(variant, "all") == 0 ? &re->methods[m].all : &re->methods[m].new_items;
        double got[6] = { x->precision, x->recall, x->ndcg, x->map, x->hit_rate, x->coverage };
        ok = x->customers == customers && x->items_recommended == distinct;
        for (int j = 0; j < 6; j++) {
            double d = fabs(got[j] - v[j]);
            *worst = fmax(*worst, d);
            if (!(d <= TOL))
                ok = 0;
        }
        if (!ok)
            fprintf(stderr,
                    "reference mismatch: %s\n  got %zu %.17g %.17g %.17g %.17g %.17g %.17g %zu\n",
                    line, x->customers, got[0], got[1], got[2], got[3], got[4], got[5],
                    x->items_recommended);
    }
    ck_recommend_eval_free(re);
    return ok;
}

static void test_recommend_eval__reference_values(void)
{
    double worst = 0.0;
    for (size_t i = 0; i < N_REFERENCE; i++)
        CHECK(check_reference_line(REFERENCE[i], &worst));
    printf("reference: %zu lines, worst absolute difference %.3g\n", N_REFERENCE, worst);
}

/* --reference FILE: the lines of a fresh run of the script. */
static int compare_reference_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        perror(path);
        return 1;
    }
    char line[1024];
    size_t n = 0;
    double worst = 0.0;
    while (fgets(line, sizeof line, fp) != NULL) {
        if (line[0] == '\n')
            continue;
        CHECK(check_reference_line(line, &worst));
        n++;
    }
    fclose(fp);
    CHECK(n == N_REFERENCE);
    printf("reference file: %zu lines, worst absolute difference %.3g\n", n, worst);
    return check_summary();
}

/* ---- the worked example of docs/EVAL.md ------------------------------------------------ */

/* One customer, K = 5, list 10 11 12 13 14; holdout {11, 14, 2}; known {11, 3}.
 * All: hits at positions 2 and 5. New items: T' = {14, 2}; L' = 10 12 13 14, 14 now 4th. */
static void test_recommend_eval__worked_example(void)
{
    size_t ts[2] = { 0, 3 }, ks[2] = { 0, 2 };
    uint32_t t[3] = { 11, 14, 2 }, kn[2] = { 11, 3 }, list[5] = { 10, 11, 12, 13, 14 };
    ck_recommend_eval_truth truth = { 1, 20, ts, t, ks, kn };
    ck_recommend_eval_method m = { "model", list, NULL, NAN, NULL, NULL };
    ck_error err;
    ck_recommend_eval *re = NULL;
    CHECK_OK(ck_recommend_eval_run(&re, &truth, 5, &m, 1, &err));
    if (re == NULL)
        return;
    const ck_recommend_metrics *a = &re->methods[0].all, *n = &re->methods[0].new_items;
    CHECK_EQ_INT(a->customers, 1);
    CHECK_NEAR(a->precision, 2.0 / 5.0, 1e-15);
    CHECK_NEAR(a->recall, 2.0 / 3.0, 1e-15);
    CHECK_NEAR(a->ndcg, (1.0 / log2(3.0) + 1.0 / log2(6.0)) / (1.0 + 1.0 / log2(3.0) + 0.5), 1e-15);
    CHECK_NEAR(a->map, (1.0 / 2.0 + 2.0 / 5.0) / 3.0, 1e-15);
    CHECK_NEAR(a->hit_rate, 1.0, 0.0);
    CHECK_NEAR(a->coverage, 5.0 / 20.0, 0.0);
    CHECK_EQ_INT(a->items_recommended, 5);
    CHECK_EQ_INT(n->customers, 1);
    CHECK_NEAR(n->precision, 1.0 / 5.0, 1e-15);
    CHECK_NEAR(n->recall, 1.0 / 2.0, 1e-15);
    CHECK_NEAR(n->ndcg, (1.0 / log2(5.0)) / (1.0 + 1.0 / log2(3.0)), 1e-15);
    CHECK_NEAR(n->map, (1.0 / 4.0) / 2.0, 1e-15);
    CHECK_NEAR(n->coverage, 4.0 / 20.0, 0.0);
    CHECK(isnan(re->methods[0].fit_seconds));
    ck_recommend_eval_free(re);

    /* a list made for new items (the known left out) is measured in their place, refilled:
     * 2 12 14 10 13 hits 2 at rank 1 and 14 at rank 3; "all" is unchanged */
    uint32_t fresh[5] = { 2, 12, 14, 10, 13 };
    m.new_items = fresh;
    CHECK_OK(ck_recommend_eval_run(&re, &truth, 5, &m, 1, &err));
    if (re == NULL)
        return;
    n = &re->methods[0].new_items;
    CHECK_NEAR(re->methods[0].all.recall, 2.0 / 3.0, 1e-15);
    CHECK_NEAR(n->precision, 2.0 / 5.0, 1e-15);
    CHECK_NEAR(n->recall, 1.0, 1e-15);
    CHECK_NEAR(n->ndcg, (1.0 + 0.5) / (1.0 + 1.0 / log2(3.0)), 1e-15);
    CHECK_NEAR(n->map, (1.0 + 2.0 / 3.0) / 2.0, 1e-15);
    CHECK_NEAR(n->coverage, 5.0 / 20.0, 0.0);
    ck_recommend_eval_free(re);
    /* such a list holding an item twice is refused, saying which list */
    fresh[4] = 2;
    CHECK(ck_recommend_eval_run(&re, &truth, 5, &m, 1, &err) == CK_EINVAL);
    CHECK(strstr(err.msg, "item 2 is twice in customer 0's list for new items") != NULL);
    m.new_items = NULL;

    /* a customer whose holdout is all known: evaluated in "all" only; nobody in "new" */
    uint32_t t2[1] = { 11 };
    size_t ts2[2] = { 0, 1 };
    truth.truth_start = ts2;
    truth.truth_items = t2;
    CHECK_OK(ck_recommend_eval_run(&re, &truth, 5, &m, 1, &err));
    if (re == NULL)
        return;
    CHECK_EQ_INT(re->methods[0].all.customers, 1);
    CHECK_NEAR(re->methods[0].all.recall, 1.0, 0.0);
    CHECK_NEAR(re->methods[0].all.ndcg, 1.0 / log2(3.0), 1e-15);
    CHECK_EQ_INT(re->methods[0].new_items.customers, 0);
    CHECK(isnan(re->methods[0].new_items.recall) && isnan(re->methods[0].new_items.coverage));
    CHECK_EQ_INT(re->methods[0].new_items.items_recommended, 0);
    /* the report says so rather than drawing a bar */
    FILE *fp = tmpfile();
    CHECK(fp != NULL);
    if (fp != NULL) {
        CHECK_OK(ck_recommend_eval_write_report(re, NULL, fp, &err));
        char *html = read_back(fp);
        CHECK(html != NULL && strstr(html, "<title>Recommendation evaluation</title>") != NULL);
        CHECK(html != NULL && strstr(html, "New items: no customer to evaluate.") != NULL);
        CHECK(html != NULL && strstr(html, ">n/a<") != NULL);
        free(html);
    }
    ck_recommend_eval_free(re);

    /* no known items at all (NULL): the two variants agree */
    truth.known_start = NULL;
    truth.known_items = NULL;
    truth.truth_start = ts;
    truth.truth_items = t;
    CHECK_OK(ck_recommend_eval_run(&re, &truth, 5, &m, 1, &err));
    if (re == NULL)
        return;
    CHECK(memcmp(&re->methods[0].all, &re->methods[0].new_items, sizeof(ck_recommend_metrics)) ==
          0);
    ck_recommend_eval_free(re);
}

/* ---- bad input ---------------------------------------------------------------------------- */

static void expect_einval(const ck_recommend_eval_truth *truth, size_t k,
                          const ck_recommend_eval_method *m, size_t n_methods, const char *msg)
{
    ck_error err;
    ck_recommend_eval *re = (ck_recommend_eval *)&err; /* set to NULL on failure */
    CHECK_EQ_INT(ck_recommend_eval_run(&re, truth, k, m, n_methods, &err), CK_EINVAL);
    CHECK(re == NULL);
    CHECK_EQ_STR(err.msg, msg);
}

static void test_recommend_eval__bad_input(void)
{
    size_t ts[3] = { 0, 1, 2 }, ks[3] = { 0, 0, 0 };
    uint32_t t[2] = { 1, 2 }, list[4] = { 0, 1, 2, 3 };
    ck_recommend_eval_truth truth = { 2, 5, ts, t, ks, t };
    ck_recommend_eval_method m = { "model", list, NULL, NAN, NULL, NULL };
    expect_einval(&truth, 0, &m, 1, "the list length K must be at least 1");
    expect_einval(&truth, 2, &m, 0, "no recommender to evaluate");
    truth.n_items = 0;
    expect_einval(&truth, 2, &m, 1, "the catalogue has no item");
    truth.n_items = 3;
    expect_einval(&truth, 2, &m, 1,
                  "method \"model\": item 3 in customer 1's list is outside the catalogue of 3 "
                  "items");
    truth.n_items = 2;
    expect_einval(&truth, 2, &m, 1,
                  "holdout item 2 of customer 1 is outside the catalogue of 2 items");
    truth.n_items = 5;
    size_t bad[3] = { 0, 2, 1 };
    truth.truth_start = bad;
    expect_einval(&truth, 2, &m, 1, "holdout offsets decrease at customer 1 (1 after 2)");
    truth.truth_start = ts;
    uint32_t twice[4] = { 0, 1, 2, 2 };
    m.items = twice;
    expect_einval(&truth, 2, &m, 1, "method \"model\": item 2 is twice in customer 1's list");
    m.items = list;
    size_t too_many[2] = { 2, 3 };
    m.n_listed = too_many;
    expect_einval(&truth, 2, &m, 1,
                  "method \"model\": customer 1's list has 3 items, more than K = 2");
    m.n_listed = NULL;
    m.name = "a name of more than sixty-three bytes, which the outputs do not have room for";
    expect_einval(&truth, 2, &m, 1,
                  "method name must be at most 63 bytes, got \"a name of more than sixty-three "
                  "bytes, w...\"");
    /* customer 1's error names its line */
    ck_error err;
    ck_recommend_eval *re = NULL;
    m.name = "model";
    m.items = twice;
    CHECK_EQ_INT(ck_recommend_eval_run(&re, &truth, 2, &m, 1, &err), CK_EINVAL);
    CHECK_EQ_INT(err.line, 2);
}

/* ---- writers ------------------------------------------------------------------------------ */

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p != NULL; p = strstr(p + 1, what))
        n++;
    return n;
}

static void test_recommend_eval__json(void)
{
    static fixture f;
    draw_case(&f);
    ck_recommend_eval *re = evaluate_case(&f, 4);
    FILE *fp = tmpfile();
    CHECK(re != NULL && fp != NULL);
    if (re == NULL || fp == NULL) {
        if (fp != NULL)
            fclose(fp);
        ck_recommend_eval_free(re);
        return;
    }
    ck_error err;
    CHECK_OK(ck_recommend_eval_write_json(re, fp, &err));
    char *text = read_back(fp);
    ck__json *root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
    CHECK(root != NULL);
    if (root != NULL) {
        CHECK_NEAR(ck__json_number(ck__json_get(root, "k")), 4, 0.0);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "customers")), N_CUSTOMERS, 0.0);
        CHECK_NEAR(ck__json_number(ck__json_get(root, "items")), N_ITEMS, 0.0);
        const ck__json *methods = ck__json_get(root, "methods");
        CHECK_EQ_INT(ck__json_size(methods), N_METHODS);
        const ck__json *m = ck__json_child(methods);
        for (size_t j = 0; j < N_METHODS && m != NULL; j++, m = ck__json_next(m)) {
            const ck_recommend_method_eval *me = &re->methods[j];
            CHECK_EQ_STR(ck__json_string(ck__json_get(m, "name")), METHOD[j]);
            CHECK_NEAR(ck__json_number(ck__json_get(m, "fit_seconds")), 0.25 * (double)j, 0.0);
            for (int v = 0; v < 2; v++) {
                const ck__json *o = ck__json_get(m, v ? "new_items" : "all");
                const ck_recommend_metrics *x = v ? &me->new_items : &me->all;
                /* %.17g-exact: read back bit for bit */
                CHECK_NEAR(ck__json_number(ck__json_get(o, "customers")), x->customers, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "precision")), x->precision, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "recall")), x->recall, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "ndcg")), x->ndcg, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "map")), x->map, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "hit_rate")), x->hit_rate, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "coverage")), x->coverage, 0.0);
                CHECK_NEAR(ck__json_number(ck__json_get(o, "items_recommended")),
                           x->items_recommended, 0.0);
            }
        }
    }
    ck__json_free(root);
    free(text);

    /* undefined numbers are null */
    re->methods[0].fit_seconds = NAN;
    re->methods[0].new_items.recall = NAN;
    fp = tmpfile();
    CHECK(fp != NULL);
    if (fp != NULL) {
        CHECK_OK(ck_recommend_eval_write_json(re, fp, &err));
        text = read_back(fp);
        root = text ? ck__json_parse(text, strlen(text), true, NULL) : NULL;
        const ck__json *m0 = root ? ck__json_child(ck__json_get(root, "methods")) : NULL;
        CHECK(m0 != NULL && ck__json_is_null(ck__json_get(m0, "fit_seconds")));
        CHECK(m0 != NULL &&
              ck__json_is_null(ck__json_get(ck__json_get(m0, "new_items"), "recall")));
        ck__json_free(root);
        free(text);
    }
    ck_recommend_eval_free(re);
}

static void test_recommend_eval__text(void)
{
    static fixture f;
    draw_case(&f);
    ck_recommend_eval *re = evaluate_case(&f, 4);
    FILE *fp = tmpfile();
    CHECK(re != NULL && fp != NULL);
    if (re == NULL || fp == NULL) {
        if (fp != NULL)
            fclose(fp);
        ck_recommend_eval_free(re);
        return;
    }
    ck_error err;
    CHECK_OK(ck_recommend_eval_write_text(re, fp, &err));
    char *text = read_back(fp);
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK(strstr(text, "top 4 recommendations of 40 customers, 15 items\n") == text);
        /* model, all: 33 customers, precision 0.19697, recall 0.27525, ndcg 0.24098,
         * map 0.15636, hit rate 0.57576, coverage 1 */
        CHECK(strstr(text, "model    all                33      0.1970      0.2753      "
                           "0.2410      0.1564      0.5758    1.0000      0.00\n") != NULL);
        CHECK(strstr(text, "repeat   all                33      0.2197      0.3384      0.2918     "
                           " 0.2018      "
                           "0.6970    1.0000      0.50\n         new                29      0.0517 "
                           "     0.0833      "
                           "0.0737      0.0469      0.2069    0.2667\n") != NULL);
        CHECK_EQ_INT(count_of(text, "\n"), 2 + 2 * N_METHODS + 1);
    }
    free(text);
    ck_recommend_eval_free(re);
}

static void test_recommend_eval__report(void)
{
    static fixture f;
    draw_case(&f);
    ck_recommend_eval *re = evaluate_case(&f, 10);
    FILE *fp = tmpfile();
    CHECK(re != NULL && fp != NULL);
    if (re == NULL || fp == NULL) {
        if (fp != NULL)
            fclose(fp);
        ck_recommend_eval_free(re);
        return;
    }
    snprintf(re->methods[3].name, sizeof re->methods[3].name, "short <b>");
    ck_recommend_report_info info = { "Picks & <check>", "recommend.json, cutoff 2026-01-01" };
    ck_error err;
    CHECK_OK(ck_recommend_eval_write_report(re, &info, fp, &err));
    char *html = read_back(fp);
    CHECK(html != NULL);
    if (html == NULL) {
        ck_recommend_eval_free(re);
        return;
    }
    FILE *keep = fopen(CK_TEST_TMP "/recommend_report.html", "w");
    if (keep != NULL) {
        fputs(html, keep);
        fclose(keep);
    }
    CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(html, "</html>\n") != NULL);
    CHECK(strstr(html, "<title>Picks &amp; &lt;check&gt;</title>") != NULL);
    CHECK(strstr(html, "recommend.json, cutoff 2026-01-01 &middot; top 10 of 15 items, 40 "
                       "customers, 4 recommenders") != NULL);
    CHECK(strstr(html, "<h2>Recommendations</h2>") != NULL);
    CHECK_EQ_INT(count_of(html, "<svg"), 2);
    CHECK_EQ_INT(count_of(html, "</svg>"), 2);
    CHECK(strstr(html, "<h3>Recall@10</h3>") != NULL && strstr(html, "<h3>NDCG@10</h3>") != NULL);
    CHECK(strstr(html, "<script") == NULL && strstr(html, "src=") == NULL &&
          strstr(html, "href=") == NULL);
    CHECK(strstr(html, "short &lt;b&gt;") != NULL && strstr(html, "short <b>") == NULL);
    /* the verdict: popular has the best recall of all items (0.8), model of new ones */
    CHECK(strstr(html, "All items: <b>popular</b> has the highest recall@10, 80.0% (over 33 "
                       "customers).") != NULL);
    CHECK(strstr(html, "Items new to the customer: <b>model</b> has the highest recall@10, "
                       "76.7% (over 29 customers).") != NULL);
    /* the bars' labels, in percent: recall and NDCG, all and new, of each method */
    const char *bars[] = { ">75.3<", ">76.7<", ">45.3<", ">51.1<", ">80.0<",
                           ">74.1<", ">43.1<", ">42.5<", ">71.6<", ">58.9<",
                           ">36.5<", ">24.9<", ">34.5<", ">20.9<", ">26.6<" };
    for (size_t i = 0; i < sizeof bars / sizeof bars[0]; i++)
        CHECK(strstr(html, bars[i]) != NULL);
    /* the table: a row per method and variant */
    CHECK(strstr(html, "<tr><td>model</td><td>all items</td><td>33</td><td>0.2061</td>"
                       "<td>0.7530</td><td>0.4528</td><td>0.2857</td><td>0.9394</td>"
                       "<td>1.0000</td><td>15</td><td>0.00</td></tr>") != NULL);
    CHECK(strstr(html, "<tr><td>repeat</td><td>new items</td><td>29</td><td>0.1414</td>"
                       "<td>0.5891</td><td>0.3651</td><td>0.2330</td><td>0.8276</td>"
                       "<td>0.6667</td><td>10</td><td></td></tr>") != NULL);
    free(html);
    ck_recommend_eval_free(re);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reference") == 0)
        return compare_reference_file(argv[2]);
    RUN(test_recommend_eval__reference_values);
    RUN(test_recommend_eval__worked_example);
    RUN(test_recommend_eval__bad_input);
    RUN(test_recommend_eval__json);
    RUN(test_recommend_eval__text);
    RUN(test_recommend_eval__report);
    return check_summary();
}
