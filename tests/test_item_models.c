/*
 * Tests of item_models.h: EASE, item-to-item cosine neighbours, popularity, repeat
 * purchases and the top-K selection.
 *
 * The unit run checks each model against a brute force written here (a Gauss-Jordan
 * inverse in long double for EASE, a dense cosine and a full sort for the neighbours and
 * the top K), the same bits for 1, 2 and 3 threads, and the error cases. With
 * `--reference FILE` it compares against a fresh run of tests/item_models_reference.py
 * (numpy's inverse and cosine on seeded random matrices; ctest item_models_reference).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/item_models.h"

#include "check.h"

/* ---- a CSR matrix the tests own ---------------------------------------------------- */

typedef struct mat {
    size_t n_users, n_items, nnz;
    size_t *row_start;
    uint32_t *items;
    float *weights;
    ck_interactions x;
} mat;

static void mat_init(mat *m, size_t n_users, size_t n_items, size_t cap)
{
    memset(m, 0, sizeof *m);
    m->n_users = n_users;
    m->n_items = n_items;
    m->row_start = calloc(n_users + 1, sizeof *m->row_start);
    m->items = calloc(cap + 1, sizeof *m->items);
    m->weights = calloc(cap + 1, sizeof *m->weights);
}

static void mat_finish(mat *m)
{
    m->x = (ck_interactions){ .n_users = m->n_users,
                              .n_items = m->n_items,
                              .row_start = m->row_start,
                              .items = m->items,
                              .weights = m->weights };
}

static void mat_free(mat *m)
{
    free(m->row_start);
    free(m->items);
    free(m->weights);
}

static uint64_t lcg_state;

static double lcg_uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* A random matrix: each cell present with probability density, weights from a few
 * values (so cosine ties happen) or 1; the last item has no customer, the first customer
 * nothing. */
static void mat_random(mat *m, uint64_t seed, size_t n_users, size_t n_items, double density,
                       int weighted)
{
    static const float values[] = { 0.5f, 1.0f, 2.0f, 0.25f, 3.0f };
    lcg_state = seed;
    mat_init(m, n_users, n_items, n_users * n_items);
    for (size_t u = 0; u < n_users; u++) {
        for (size_t i = 0; i + 1 < n_items && u > 0; i++) {
            double r = lcg_uniform();
            if (r >= density)
                continue;
            m->items[m->nnz] = (uint32_t)i;
            m->weights[m->nnz] = weighted ? values[(size_t)(lcg_uniform() * 5)] : 1.0f;
            m->nnz++;
        }
        m->row_start[u + 1] = m->nnz;
    }
    mat_finish(m);
}

/* X dense (n_users × n_items), binary or weighted. */
static double *mat_dense(const mat *m, int binary)
{
    double *d = calloc(m->n_users * m->n_items, sizeof *d);
    for (size_t u = 0; u < m->n_users; u++)
        for (size_t k = m->row_start[u]; k < m->row_start[u + 1]; k++)
            d[u * m->n_items + m->items[k]] = binary ? 1.0 : m->weights[k];
    return d;
}

/* ---- brute forces ----------------------------------------------------------------- */

/* EASE from its definition: Gauss-Jordan with partial pivoting in long double. */
static double *brute_ease(const mat *m, double lambda, int binary)
{
    size_t n = m->n_items, nu = m->n_users;
    double *x = mat_dense(m, binary);
    long double *a = calloc(n * 2 * n, sizeof *a); /* [G | I] */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            long double g = 0;
            for (size_t u = 0; u < nu; u++)
                g += (long double)x[u * n + i] * x[u * n + j];
            a[i * 2 * n + j] = g + (i == j ? lambda : 0);
        }
        a[i * 2 * n + n + i] = 1;
    }
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabsl(a[r * 2 * n + c]) > fabsl(a[p * 2 * n + c]))
                p = r;
        for (size_t j = 0; j < 2 * n; j++) {
            long double t = a[c * 2 * n + j];
            a[c * 2 * n + j] = a[p * 2 * n + j];
            a[p * 2 * n + j] = t;
        }
        long double piv = a[c * 2 * n + c];
        for (size_t j = 0; j < 2 * n; j++)
            a[c * 2 * n + j] /= piv;
        for (size_t r = 0; r < n; r++) {
            if (r == c)
                continue;
            long double f = a[r * 2 * n + c];
            for (size_t j = 0; j < 2 * n; j++)
                a[r * 2 * n + j] -= f * a[c * 2 * n + j];
        }
    }
    double *b = calloc(n * n, sizeof *b);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            b[i * n + j] = i == j ? 0.0 : (double)(-a[i * 2 * n + n + j] / a[j * 2 * n + n + j]);
    free(a);
    free(x);
    return b;
}

/* Dense cosine between item columns, the diagonal and empty columns 0. */
static double *brute_cosine(const mat *m)
{
    size_t n = m->n_items, nu = m->n_users;
    double *x = mat_dense(m, 0);
    double *s = calloc(n * n, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            long double d = 0, ni = 0, nj = 0;
            for (size_t u = 0; u < nu; u++) {
                d += (long double)x[u * n + i] * x[u * n + j];
                ni += (long double)x[u * n + i] * x[u * n + i];
                nj += (long double)x[u * n + j] * x[u * n + j];
            }
            s[i * n + j] = i == j || d == 0 ? 0.0 : (double)(d / sqrtl(ni * nj));
        }
    }
    free(x);
    return s;
}

/* The full ranking of row `row` (n values) by (−value, index), positives only. */
static size_t brute_rank(const double *row, size_t n, uint32_t *order)
{
    size_t c = 0;
    for (size_t j = 0; j < n; j++)
        if (row[j] > 0)
            order[c++] = (uint32_t)j;
    for (size_t a = 1; a < c; a++) { /* insertion sort, stable on the ascending index */
        uint32_t t = order[a];
        size_t b = a;
        while (b > 0 && row[order[b - 1]] < row[t]) {
            order[b] = order[b - 1];
            b--;
        }
        order[b] = t;
    }
    return c;
}

/* ---- EASE -------------------------------------------------------------------------- */

static void check_ease_against_brute(const mat *m, double lambda, int binary)
{
    ck_error err = { 0 };
    ck_ease *e = NULL;
    CHECK_OK(ck_ease_fit(&e, &m->x, lambda, binary, 2, &err));
    if (e == NULL)
        return;
    double *b = brute_ease(m, lambda, binary);
    size_t n = m->n_items;
    double worst = 0;
    for (size_t t = 0; t < n * n; t++)
        if (fabs(e->weights[t] - b[t]) > worst)
            worst = fabs(e->weights[t] - b[t]);
    CHECK_NEAR(worst, 0, 1e-9);
    CHECK_EQ_INT(e->n_items, n);
    CHECK(e->lambda == lambda);
    for (size_t i = 0; i < n; i++)
        CHECK(e->weights[i * n + i] == 0.0);
    /* scores: x_u B, summed here in long double */
    double *s = calloc(n, sizeof *s);
    for (size_t u = 0; u < m->n_users; u++) {
        size_t lo = m->row_start[u], hi = m->row_start[u + 1];
        ck_ease_score(e, m->items + lo, m->weights + lo, hi - lo, binary, s);
        double worst_s = 0;
        for (size_t j = 0; j < n; j++) {
            long double want = 0;
            for (size_t k = lo; k < hi; k++)
                want += (long double)(binary ? 1.0 : m->weights[k]) * b[m->items[k] * n + j];
            if (fabs(s[j] - (double)want) > worst_s)
                worst_s = fabs(s[j] - (double)want);
        }
        CHECK_NEAR(worst_s, 0, 1e-9);
    }
    free(s);
    free(b);
    ck_ease_free(e);
}

static void test_item_models__ease_matches_brute_force(void)
{
    mat m;
    mat_random(&m, 7, 70, 24, 0.2, 0);
    check_ease_against_brute(&m, 1.0, 1);
    check_ease_against_brute(&m, 25.0, 1);
    mat_free(&m);
    mat_random(&m, 8, 50, 31, 0.3, 1);
    check_ease_against_brute(&m, 0.5, 0);
    check_ease_against_brute(&m, 0.5, 1);
    mat_free(&m);
}

/* One item, λ: G = [Σ x² + λ], P = 1/G, B = [0]; the score of a customer is 0. */
static void test_item_models__ease_single_item(void)
{
    size_t rs[] = { 0, 1, 1 };
    uint32_t it[] = { 0 };
    float w[] = { 2.0f };
    ck_interactions x = { .n_users = 2, .n_items = 1, .row_start = rs, .items = it, .weights = w };
    ck_error err = { 0 };
    ck_ease *e = NULL;
    CHECK_OK(ck_ease_fit(&e, &x, 3.0, false, 1, &err));
    if (e == NULL)
        return;
    CHECK(e->weights[0] == 0.0);
    double s = -1;
    ck_ease_score(e, it, w, 1, false, &s);
    CHECK(s == 0.0);
    ck_ease_free(e);
}

/* ---- item-kNN ---------------------------------------------------------------------- */

static void check_knn_against_brute(const mat *m, int k)
{
    ck_error err = { 0 };
    ck_itemknn *knn = NULL;
    CHECK_OK(ck_itemknn_fit(&knn, &m->x, k, 0.0, 2, &err));
    if (knn == NULL)
        return;
    size_t n = m->n_items;
    double *s = brute_cosine(m);
    uint32_t *order = calloc(n, sizeof *order);
    double *sk = calloc(n * n, sizeof *sk); /* the kept similarities, dense */
    int lists_ok = 1;
    double worst = 0;
    CHECK_EQ_INT(knn->n_items, n);
    CHECK_EQ_INT(knn->k, k);
    for (size_t i = 0; i < n; i++) {
        size_t c = brute_rank(s + i * n, n, order);
        if (c > (size_t)k)
            c = (size_t)k;
        if (knn->start[i + 1] - knn->start[i] != c) {
            lists_ok = 0;
            continue;
        }
        for (size_t r = 0; r < c; r++) {
            size_t p = knn->start[i] + r;
            /* the brute force sums in long double: a tie in exact arithmetic may come out
             * one ulp apart there, so a swap of two equal similarities is allowed */
            if (knn->neighbour[p] != order[r] &&
                fabs(s[i * n + knn->neighbour[p]] - s[i * n + order[r]]) > 1e-14)
                lists_ok = 0;
            if (r > 0 && knn->similarity[p] == knn->similarity[p - 1] &&
                knn->neighbour[p] < knn->neighbour[p - 1])
                lists_ok = 0; /* ties: the smaller index first */
            if (fabs(knn->similarity[p] - s[i * n + knn->neighbour[p]]) > worst)
                worst = fabs(knn->similarity[p] - s[i * n + knn->neighbour[p]]);
            CHECK(knn->similarity[p] > 0);
            sk[i * n + knn->neighbour[p]] = knn->similarity[p];
        }
    }
    CHECK(lists_ok);
    CHECK_NEAR(worst, 0, 1e-12);
    double *sc = calloc(n, sizeof *sc);
    for (size_t u = 0; u < m->n_users; u++) {
        size_t lo = m->row_start[u], hi = m->row_start[u + 1];
        ck_itemknn_score(knn, m->items + lo, m->weights + lo, hi - lo, sc);
        double worst_s = 0;
        for (size_t j = 0; j < n; j++) {
            double want = 0;
            for (size_t t = lo; t < hi; t++)
                want += m->weights[t] * sk[m->items[t] * n + j];
            if (fabs(sc[j] - want) > worst_s)
                worst_s = fabs(sc[j] - want);
        }
        CHECK_NEAR(worst_s, 0, 1e-12);
    }
    free(sc);
    free(sk);
    free(order);
    free(s);
    ck_itemknn_free(knn);
}

static void test_item_models__itemknn_matches_brute_force(void)
{
    mat m;
    mat_random(&m, 21, 60, 20, 0.2, 0); /* binary: many exact ties */
    check_knn_against_brute(&m, 1);
    check_knn_against_brute(&m, 3);
    check_knn_against_brute(&m, 1000); /* more than there are items */
    mat_free(&m);
    mat_random(&m, 22, 40, 33, 0.15, 1);
    check_knn_against_brute(&m, 5);
    mat_free(&m);
}

/* Two items never bought together have no neighbours; the lists hold only sims > 0. */
static void test_item_models__itemknn_no_cooccurrence(void)
{
    size_t rs[] = { 0, 1, 2, 4 };
    uint32_t it[] = { 0, 1, 0, 2 };
    float w[] = { 1, 1, 1, 1 };
    ck_interactions x = { .n_users = 3, .n_items = 3, .row_start = rs, .items = it, .weights = w };
    ck_error err = { 0 };
    ck_itemknn *knn = NULL;
    CHECK_OK(ck_itemknn_fit(&knn, &x, 5, 0.0, 1, &err));
    if (knn == NULL)
        return;
    CHECK_EQ_INT(knn->start[1] - knn->start[0], 1); /* item 0: item 2 */
    CHECK_EQ_INT(knn->start[2] - knn->start[1], 0); /* item 1: none */
    CHECK_EQ_INT(knn->start[3] - knn->start[2], 1); /* item 2: item 0 */
    CHECK_EQ_INT(knn->neighbour[knn->start[0]], 2);
    CHECK_NEAR(knn->similarity[knn->start[0]], 1 / sqrt(2.0), 1e-15);
    ck_itemknn_free(knn);
    /* shrunk: co-occurrence 1 over ‖x_0‖ ‖x_2‖ + 3 = √2 + 3 */
    knn = NULL;
    CHECK_OK(ck_itemknn_fit(&knn, &x, 5, 3.0, 1, &err));
    if (knn != NULL)
        CHECK_NEAR(knn->similarity[knn->start[0]], 1 / (sqrt(2.0) + 3.0), 1e-15);
    ck_itemknn_free(knn);
    knn = NULL;
    CHECK_EQ_INT(ck_itemknn_fit(&knn, &x, 5, -1.0, 1, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "shrink must be a number >= 0") != NULL);
}

/* ---- thread counts ------------------------------------------------------------------ */

static void test_item_models__same_bits_any_thread_count(void)
{
    mat m;
    mat_random(&m, 31, 150, 70, 0.1, 1);
    ck_error err = { 0 };
    ck_ease *e[3] = { NULL, NULL, NULL };
    ck_itemknn *k[3] = { NULL, NULL, NULL };
    for (int t = 0; t < 3; t++) {
        CHECK_OK(ck_ease_fit(&e[t], &m.x, 2.0, false, t + 1, &err));
        CHECK_OK(ck_itemknn_fit(&k[t], &m.x, 7, 0.0, t + 1, &err));
    }
    size_t n = m.n_items;
    for (int t = 1; t < 3; t++) {
        if (e[0] == NULL || e[t] == NULL || k[0] == NULL || k[t] == NULL)
            break;
        CHECK(memcmp(e[0]->weights, e[t]->weights, n * n * sizeof(double)) == 0);
        CHECK(memcmp(k[0]->start, k[t]->start, (n + 1) * sizeof(size_t)) == 0);
        size_t total = k[0]->start[n];
        CHECK(memcmp(k[0]->neighbour, k[t]->neighbour, total * sizeof(uint32_t)) == 0);
        CHECK(memcmp(k[0]->similarity, k[t]->similarity, total * sizeof(double)) == 0);
    }
    for (int t = 0; t < 3; t++) {
        ck_ease_free(e[t]);
        ck_itemknn_free(k[t]);
    }
    mat_free(&m);
}

/* ---- baselines and the top K -------------------------------------------------------- */

static void test_item_models__popularity_and_repeat(void)
{
    size_t rs[] = { 0, 2, 3, 5 };
    uint32_t it[] = { 0, 2, 2, 1, 2 };
    float w[] = { 1.0f, 0.5f, 2.0f, 0.25f, 1.0f };
    ck_interactions x = { .n_users = 3, .n_items = 4, .row_start = rs, .items = it, .weights = w };
    double pop[4];
    ck_popularity(&x, pop);
    CHECK(pop[0] == 1.0 && pop[1] == 0.25 && pop[2] == 3.5 && pop[3] == 0.0);
    double s[4];
    ck_repeat_score(it + 3, w + 3, 2, pop, 4, s); /* customer 2: items 1 (0.25), 2 (1) */
    CHECK_NEAR(s[0], 1.0 / 4.5 * 1e-3, 1e-18);
    CHECK_NEAR(s[1], 0.25 + 0.25 / 4.5 * 1e-3, 1e-15);
    CHECK_NEAR(s[2], 1.0 + 3.5 / 4.5 * 1e-3, 1e-15);
    CHECK(s[3] == 0.0);
    uint32_t top[4];
    CHECK_EQ_INT(ck_recommend_top(s, 4, 4, NULL, 0, top), 4);
    CHECK(top[0] == 2 && top[1] == 1 && top[2] == 0 && top[3] == 3);
    ck_repeat_score(NULL, NULL, 0, NULL, 4, s); /* nobody: all 0 */
    CHECK(s[0] == 0 && s[3] == 0);
}

static void test_item_models__top_k_ties_and_exclusions(void)
{
    const double s[] = { 1, 3, 2, 3, NAN, 0, 3, -1, 2 };
    uint32_t top[9];
    CHECK_EQ_INT(ck_recommend_top(s, 9, 4, NULL, 0, top), 4);
    CHECK(top[0] == 1 && top[1] == 3 && top[2] == 6 && top[3] == 2);
    const uint32_t ex[] = { 1, 2, 7 };
    CHECK_EQ_INT(ck_recommend_top(s, 9, 3, ex, 3, top), 3);
    CHECK(top[0] == 3 && top[1] == 6 && top[2] == 8);
    /* all that is left: NaN is never recommended */
    CHECK_EQ_INT(ck_recommend_top(s, 9, 100, ex, 3, top), 5);
    CHECK(top[0] == 3 && top[1] == 6 && top[2] == 8 && top[3] == 0 && top[4] == 5);
    CHECK_EQ_INT(ck_recommend_top(s, 9, 0, NULL, 0, top), 0);
    const uint32_t all[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
    CHECK_EQ_INT(ck_recommend_top(s, 9, 3, all, 9, top), 0);
    const double eq[] = { 5, 5, 5, 5, 5 };
    CHECK_EQ_INT(ck_recommend_top(eq, 5, 2, NULL, 0, top), 2);
    CHECK(top[0] == 0 && top[1] == 1);
}

/* Against a full sort on random scores with many ties and random exclusions. */
static void test_item_models__top_k_matches_full_sort(void)
{
    enum { N = 500 };
    double s[N];
    uint32_t ex[N], top[N], order[N];
    int ok = 1;
    lcg_state = 99;
    for (int round = 0; round < 50; round++) {
        size_t n_ex = 0;
        for (size_t i = 0; i < N; i++) {
            s[i] = 1 + floor(lcg_uniform() * 40); /* > 0, so brute_rank keeps all */
            if (lcg_uniform() < 0.1)
                ex[n_ex++] = (uint32_t)i;
        }
        size_t k = 1 + (size_t)(lcg_uniform() * 60);
        size_t got = ck_recommend_top(s, N, k, ex, n_ex, top);
        double t[N];
        memcpy(t, s, sizeof t);
        for (size_t e = 0; e < n_ex; e++)
            t[ex[e]] = 0;
        size_t c = brute_rank(t, N, order);
        ok &= got == (c < k ? c : k);
        for (size_t r = 0; r < got && r < c; r++)
            ok &= top[r] == order[r];
    }
    CHECK(ok);
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_item_models__errors(void)
{
    mat m;
    mat_random(&m, 5, 10, 6, 0.4, 1);
    ck_error err = { 0 };
    ck_ease *e = (ck_ease *)&m; /* set to NULL on failure */
    CHECK_EQ_INT(ck_ease_fit(&e, &m.x, 0.0, true, 1, &err), CK_EINVAL);
    CHECK(e == NULL);
    CHECK(strstr(err.msg, "lambda") != NULL);
    CHECK_EQ_INT(ck_ease_fit(&e, &m.x, -1.0, true, 1, &err), CK_EINVAL);
    CHECK_EQ_INT(ck_ease_fit(&e, &m.x, NAN, true, 1, &err), CK_EINVAL);
    CHECK_EQ_INT(ck_ease_fit(&e, &m.x, INFINITY, true, 1, &err), CK_EINVAL);

    ck_interactions big = m.x;
    big.n_items = CK_EASE_MAX_ITEMS + 1;
    CHECK_EQ_INT(ck_ease_fit(&e, &big, 1.0, true, 1, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "ease: 20001 items, more than the 20000 a dense item-item model allows");
    ck_interactions none = m.x;
    none.n_items = 0;
    CHECK_EQ_INT(ck_ease_fit(&e, &none, 1.0, true, 1, &err), CK_EINVAL);
    ck_itemknn *k = NULL;
    CHECK_EQ_INT(ck_itemknn_fit(&k, &none, 3, 0.0, 1, &err), CK_EINVAL);
    CHECK_EQ_INT(ck_itemknn_fit(&k, &m.x, 0, 0.0, 1, &err), CK_EINVAL);
    CHECK(k == NULL);
    CHECK_EQ_STR(err.msg, "itemknn: neighbours per item must be at least 1, got 0");

    /* a malformed matrix: an item out of range, a row not ascending, a bad weight */
    size_t rs[] = { 0, 2 };
    uint32_t it[] = { 0, 3 };
    float w[] = { 1, 1 };
    ck_interactions bad = {
        .n_users = 1, .n_items = 3, .row_start = rs, .items = it, .weights = w
    };
    CHECK_EQ_INT(ck_ease_fit(&e, &bad, 1.0, true, 1, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "ease: customer 0: item index 3 is not below 3");
    it[1] = 0;
    CHECK_EQ_INT(ck_itemknn_fit(&k, &bad, 2, 0.0, 1, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "itemknn: customer 0: items not ascending at item 0");
    it[1] = 1;
    w[1] = 0;
    CHECK_EQ_INT(ck_ease_fit(&e, &bad, 1.0, true, 1, &err), CK_EINVAL);
    w[1] = NAN;
    CHECK_EQ_INT(ck_itemknn_fit(&k, &bad, 2, 0.0, 1, &err), CK_EINVAL);
    CHECK(strstr(err.msg, "weight") != NULL);
    CHECK(e == NULL && k == NULL);
    ck_ease_free(NULL);
    ck_itemknn_free(NULL);
    mat_free(&m);
}

/* ---- --reference FILE ------------------------------------------------------------------ */

/* Split a line into doubles after skipping `skip` words; returns how many. */
static size_t parse_numbers(const char *line, size_t skip, double *out, size_t max)
{
    const char *p = line;
    char *end;
    for (size_t s = 0; s < skip; s++) {
        while (*p == ' ')
            p++;
        while (*p && *p != ' ')
            p++;
    }
    size_t n = 0;
    for (;;) {
        double v = strtod(p, &end);
        if (end == p || n == max)
            return n;
        out[n++] = v;
        p = end;
    }
}

static int compare_reference_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 1;
    }
    static char line[1 << 20];
    double *v = malloc(sizeof(double) * 100000);
    mat m = { 0 };
    int have_mat = 0;
    ck_ease *e = NULL;
    ck_itemknn *knn = NULL;
    double *sc = NULL;
    double worst_ease = 0, worst_knn = 0, worst_score = 0;
    size_t n_values = 0, lists_bad = 0, lists = 0;
    ck_error err = { 0 };
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "matrix ", 7) == 0) {
            if (have_mat)
                mat_free(&m);
            char name[64];
            size_t nu, ni;
            if (sscanf(line, "matrix %63s %zu %zu", name, &nu, &ni) != 3)
                break;
            mat_init(&m, nu, ni, nu * ni);
            have_mat = 1;
            free(sc);
            sc = calloc(ni, sizeof *sc);
        } else if (strncmp(line, "row ", 4) == 0) {
            size_t c = parse_numbers(line, 1, v, 100000);
            size_t u = (size_t)v[0], cnt = (size_t)v[1];
            CHECK(c == 2 + 2 * cnt);
            for (size_t t = 0; t < cnt; t++) {
                m.items[m.nnz] = (uint32_t)v[2 + 2 * t];
                m.weights[m.nnz] = (float)v[3 + 2 * t];
                m.nnz++;
            }
            m.row_start[u + 1] = m.nnz;
            mat_finish(&m);
        } else if (strncmp(line, "pop ", 4) == 0) {
            size_t c = parse_numbers(line, 1, v, 100000);
            CHECK_EQ_INT(c, m.n_items);
            ck_popularity(&m.x, sc);
            for (size_t j = 0; j < c && j < m.n_items; j++, n_values++)
                CHECK_NEAR(sc[j], v[j], 1e-9);
        } else if (strncmp(line, "ease ", 5) == 0) {
            parse_numbers(line, 1, v, 2);
            ck_ease_free(e);
            e = NULL;
            CHECK_OK(ck_ease_fit(&e, &m.x, v[1], v[0] != 0, 3, &err));
        } else if (strncmp(line, "B ", 2) == 0 && e != NULL) {
            size_t c = parse_numbers(line, 1, v, 100000);
            size_t i = (size_t)v[0];
            CHECK_EQ_INT(c, 1 + m.n_items);
            for (size_t j = 0; j + 1 < c; j++, n_values++) {
                double d = fabs(e->weights[i * m.n_items + j] - v[1 + j]);
                if (d > worst_ease)
                    worst_ease = d;
            }
        } else if (strncmp(line, "escore ", 7) == 0 && e != NULL) {
            size_t c = parse_numbers(line, 1, v, 100000);
            size_t u = (size_t)v[2], lo = m.row_start[u], hi = m.row_start[u + 1];
            CHECK(v[1] == e->lambda);
            ck_ease_score(e, m.items + lo, m.weights + lo, hi - lo, v[0] != 0, sc);
            for (size_t j = 0; j + 3 < c; j++, n_values++)
                if (fabs(sc[j] - v[3 + j]) > worst_score)
                    worst_score = fabs(sc[j] - v[3 + j]);
        } else if (strncmp(line, "knn ", 4) == 0) {
            parse_numbers(line, 1, v, 1);
            ck_itemknn_free(knn);
            knn = NULL;
            CHECK_OK(ck_itemknn_fit(&knn, &m.x, (int)v[0], 0.0, 3, &err));
        } else if (strncmp(line, "N ", 2) == 0 && knn != NULL) {
            size_t c = parse_numbers(line, 1, v, 100000);
            size_t i = (size_t)v[0], cnt = (size_t)v[1];
            lists++;
            int ok = c == 2 + 2 * cnt && knn->start[i + 1] - knn->start[i] == cnt;
            for (size_t t = 0; ok && t < cnt; t++, n_values++) {
                size_t p = knn->start[i] + t;
                ok = knn->neighbour[p] == (uint32_t)v[2 + 2 * t];
                if (fabs(knn->similarity[p] - v[3 + 2 * t]) > worst_knn)
                    worst_knn = fabs(knn->similarity[p] - v[3 + 2 * t]);
            }
            if (!ok) {
                lists_bad++;
                fprintf(stderr, "reference mismatch: neighbours of item %zu: %s\n", i, line);
            }
        } else if (strncmp(line, "kscore ", 7) == 0 && knn != NULL) {
            size_t c = parse_numbers(line, 1, v, 100000);
            size_t u = (size_t)v[1], lo = m.row_start[u], hi = m.row_start[u + 1];
            ck_itemknn_score(knn, m.items + lo, m.weights + lo, hi - lo, sc);
            for (size_t j = 0; j + 2 < c; j++, n_values++)
                if (fabs(sc[j] - v[2 + j]) > worst_score)
                    worst_score = fabs(sc[j] - v[2 + j]);
        }
    }
    fclose(f);
    CHECK(n_values > 1000);
    CHECK_EQ_INT(lists_bad, 0);
    CHECK_NEAR(worst_ease, 0, 1e-9);
    CHECK_NEAR(worst_knn, 0, 1e-12);
    CHECK_NEAR(worst_score, 0, 1e-9);
    printf("reference file: %zu values, %zu neighbour lists; worst |difference|: EASE weights "
           "%.3g, similarities %.3g, scores %.3g\n",
           n_values, lists, worst_ease, worst_knn, worst_score);
    ck_ease_free(e);
    ck_itemknn_free(knn);
    free(sc);
    free(v);
    if (have_mat)
        mat_free(&m);
    return check_summary();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--reference") == 0)
        return compare_reference_file(argv[2]);
    RUN(test_item_models__ease_matches_brute_force);
    RUN(test_item_models__ease_single_item);
    RUN(test_item_models__itemknn_matches_brute_force);
    RUN(test_item_models__itemknn_no_cooccurrence);
    RUN(test_item_models__same_bits_any_thread_count);
    RUN(test_item_models__popularity_and_repeat);
    RUN(test_item_models__top_k_ties_and_exclusions);
    RUN(test_item_models__top_k_matches_full_sort);
    RUN(test_item_models__errors);
    return check_summary();
}
