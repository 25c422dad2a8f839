/*
 * Tests of interactions.h: the customer × item matrix of implicit feedback.
 *
 * A small hand-made log gives the exact CSR, its sums and decayed weights worked out by
 * hand below (default weights: purchase 1, cart 0.5, favorite 0.5, view 0.1; a refund and
 * an event without an item count for nothing); the cutoff is respected (rows after it,
 * even of new items and customers, change nothing); the item column renamed through the
 * config; a log without items refused with a clear message. A random log is then checked
 * against a brute force that sums the generated rows directly, without the event store.
 */
#include "churnkit/interactions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/events.h"
#include "churnkit/timestamp.h"

#define TMP CK_TEST_TMP "/interactions_"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs(text, f);
        CHECK_EQ_INT(fclose(f), 0);
    }
}

static ck_events *read_events(const char *path, const ck_config *cfg)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    ck_events_read_opts opts = CK_EVENTS_READ_OPTS_INIT;
    opts.config = cfg;
    CHECK_OK(ck_events_read_csv(&ev, path, &opts, &err));
    return ev;
}

static int64_t day(const char *date)
{
    int64_t t = 0;
    CHECK_EQ_INT(ck_ts_parse(&t, date, strlen(date)), CK_OK);
    return t;
}

/* Customers u1..u4 in that order of first appearance; u3 has no item. */
static const char hand_log[] = "customer_id,ts,event,item,category,amount\n"
                               "u1,2024-01-01,purchase,B,books,10\n"
                               "u1,2024-01-05,view,A,toys,\n"
                               "u2,2024-01-03,favorite,C,garden,\n"
                               "u1,2024-01-06,view,A,,\n"
                               "u3,2024-01-02,visit,,,\n"
                               "u2,2024-01-04,refund,B,books,10\n"
                               "u1,2024-01-07,cart,B,,\n"
                               "u3,2024-01-08,view,,,\n"
                               "u4,2024-01-09,purchase,A,games,5\n"
                               "u1,2024-01-10,purchase,C,,3\n"       /* at the cutoff: out */
                               "u2,2024-01-11,purchase,D,music,4\n"; /* after: out */

/* The rows to expect, in CSR: n_users, row_start, items, weights. */
typedef struct want {
    size_t n_users, n_items;
    size_t row_start[8];
    uint32_t items[16];
    double weights[16];
} want;

static void check_csr(const ck_interaction_matrix *m, const want *w, double rel_tol)
{
    CHECK_EQ_INT(m->view.n_users, w->n_users);
    CHECK_EQ_INT(m->view.n_items, w->n_items);
    if (m->view.n_users != w->n_users)
        return;
    for (size_t u = 0; u <= w->n_users; u++)
        CHECK_EQ_INT(m->view.row_start[u], w->row_start[u]);
    for (size_t k = 0; k < w->row_start[w->n_users]; k++) {
        CHECK_EQ_INT(m->view.items[k], w->items[k]);
        CHECK_NEAR(m->view.weights[k], (float)w->weights[k], rel_tol * w->weights[k]);
    }
}

static ck_interaction_matrix *build(const ck_events *ev, const ck_interaction_opts *o, int want_rc)
{
    ck_error err = { 0 };
    ck_interaction_matrix *m = (ck_interaction_matrix *)1;
    int rc = ck_interaction_matrix_build(&m, ev, o, &err);
    CHECK_REPORT_(rc == want_rc, "build: %d != %d: %s", rc, want_rc, err.msg);
    if (rc != CK_OK)
        CHECK(m == NULL);
    return rc == CK_OK ? m : NULL;
}

static void test_interactions__hand_log_exact(void)
{
    write_file(TMP "hand.csv", hand_log);
    ck_events *ev = read_events(TMP "hand.csv", NULL);
    if (ev == NULL)
        return;
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-10");
    ck_interaction_matrix *m = build(ev, &o, CK_OK);
    if (m != NULL) {
        /* items sorted by id: A 0, B 1, C 2 (D only after the cutoff). u1: A two views
         * 0.1 + 0.1, B purchase 1 + cart 0.5; u2: C favorite 0.5 (the refund of B is no
         * interaction); u3 nothing: no row; u4: A purchase 1 */
        want w = { 3, 3, { 0, 2, 3, 4 }, { 0, 1, 2, 0 }, { 0.1 + 0.1, 1.5, 0.5, 1.0 } };
        check_csr(m, &w, 0);
        CHECK(m->view.weights[0] == (float)(0.1 + 0.1));
        CHECK_EQ_STR(m->item_ids[0], "A");
        CHECK_EQ_STR(m->item_ids[1], "B");
        CHECK_EQ_STR(m->item_ids[2], "C");
        CHECK_EQ_STR(m->user_ids[0], "u1");
        CHECK_EQ_STR(m->user_ids[1], "u2");
        CHECK_EQ_STR(m->user_ids[2], "u4");
        CHECK_EQ_INT(m->user_customer[2], 3);
        CHECK_EQ_INT(m->n_customers, 4);
        long rows[4] = { 0, 1, -1, 2 };
        for (int c = 0; c < 4; c++)
            CHECK_EQ_INT(m->row_of_customer[c], rows[c]);
        CHECK_EQ_INT(m->n_events, 6);
        /* A: toys on 01-05, games on 01-09 (the latest); B: books; C: garden */
        const char *cats[3] = { "games", "books", "garden" };
        for (int j = 0; j < 3; j++) {
            CHECK(m->item_category[j] != CK_NO_LEVEL);
            if (m->item_category[j] != CK_NO_LEVEL)
                CHECK_EQ_STR(m->category_names[m->item_category[j]], cats[j]);
        }
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "C"), 2);
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "D"), -1);
    }
    ck_interaction_matrix_free(m);

    /* a half-life of 2 days from the cutoff 2024-01-10: age a days weighs 2^(−a/2) */
    ck_recommend_config rc;
    ck_recommend_config_init(&rc);
    rc.half_life_days = 2;
    o.recommend = &rc;
    m = build(ev, &o, CK_OK);
    if (m != NULL) {
        want w = { 3,
                   3,
                   { 0, 2, 3, 4 },
                   { 0, 1, 2, 0 },
                   { 0.1 * pow(2, -5 / 2.0) + 0.1 * pow(2, -4 / 2.0), /* u1 A: 01-05, 01-06 */
                     1.0 * pow(2, -9 / 2.0) + 0.5 * pow(2, -3 / 2.0), /* u1 B: 01-01, 01-07 */
                     0.5 * pow(2, -7 / 2.0),                          /* u2 C: 01-03 */
                     1.0 * pow(2, -1 / 2.0) } };                      /* u4 A: 01-09 */
        check_csr(m, &w, 1e-7); /* float storage: 2^-24 relative */
    }
    ck_interaction_matrix_free(m);

    /* from 2024-01-05 only, own weights: purchase 2, view 0 */
    rc.half_life_days = 0;
    rc.weights[CK_EV_PURCHASE] = 2;
    rc.weights[CK_EV_VIEW] = 0;
    o.start_ts = day("2024-01-05");
    m = build(ev, &o, CK_OK);
    if (m != NULL) {
        /* u1: B cart 0.5 (the purchase of 01-01 is before the start; views weigh 0);
         * u2: nothing from 01-05; u4: A purchase 2. Items A 0, B 1 */
        want w = { 2, 2, { 0, 1, 2 }, { 1, 0 }, { 0.5, 2.0 } };
        check_csr(m, &w, 0);
        CHECK_EQ_INT(m->row_of_customer[1], -1);
        /* a category may come from before the start: it is not look-ahead */
        CHECK_EQ_STR(m->category_names[m->item_category[1]], "books");
    }
    ck_interaction_matrix_free(m);

    /* a window with no interaction: an empty matrix, not an error */
    o = (ck_interaction_opts)CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-01");
    m = build(ev, &o, CK_OK);
    if (m != NULL) {
        CHECK_EQ_INT(m->view.n_users, 0);
        CHECK_EQ_INT(m->view.n_items, 0);
        CHECK_EQ_INT(m->view.row_start[0], 0);
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "A"), -1);
    }
    ck_interaction_matrix_free(m);
    ck_events_free(ev);
}

/* Rows after the cutoff, even of new customers and new items, change nothing. */
static void test_interactions__no_look_ahead(void)
{
    char longer[2048];
    snprintf(longer, sizeof longer, "%s%s", hand_log,
             "u9,2024-01-12,purchase,Z,zzz,1\n"
             "u1,2024-02-01,purchase,A,misc,1\n"
             "u4,2024-01-10,view,B,newcat,\n"
             "u1,2024-01-10T00:00:01Z,cart,B,,\n");
    write_file(TMP "hand.csv", hand_log);
    write_file(TMP "longer.csv", longer);
    ck_events *a = read_events(TMP "hand.csv", NULL), *b = read_events(TMP "longer.csv", NULL);
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-10");
    ck_recommend_config rc;
    ck_recommend_config_init(&rc);
    rc.half_life_days = 3.5;
    o.recommend = &rc;
    ck_interaction_matrix *x = a ? build(a, &o, CK_OK) : NULL, *y = b ? build(b, &o, CK_OK) : NULL;
    CHECK(x != NULL && y != NULL);
    if (x != NULL && y != NULL) {
        CHECK_EQ_INT(x->view.n_users, y->view.n_users);
        CHECK_EQ_INT(x->view.n_items, y->view.n_items);
        size_t nnz = x->view.row_start[x->view.n_users];
        CHECK(memcmp(x->view.row_start, y->view.row_start,
                     (x->view.n_users + 1) * sizeof *x->view.row_start) == 0);
        CHECK(memcmp(x->view.items, y->view.items, nnz * sizeof *x->view.items) == 0);
        CHECK(memcmp(x->view.weights, y->view.weights, nnz * sizeof *x->view.weights) == 0);
        for (size_t j = 0; j < x->view.n_items; j++) {
            CHECK_EQ_STR(x->item_ids[j], y->item_ids[j]);
            CHECK_EQ_STR(x->category_names[x->item_category[j]],
                         y->category_names[y->item_category[j]]);
        }
        for (size_t u = 0; u < x->view.n_users; u++)
            CHECK_EQ_STR(x->user_ids[u], y->user_ids[u]);
        CHECK_EQ_INT(y->n_customers, 5);
        CHECK_EQ_INT(y->row_of_customer[4], -1); /* u9: after the cutoff only */
    }
    ck_interaction_matrix_free(x);
    ck_interaction_matrix_free(y);
    ck_events_free(a);
    ck_events_free(b);
}

/* The item column renamed through the config gives the same matrix. */
static void test_interactions__item_column_renamed(void)
{
    write_file(TMP "hand.csv", hand_log);
    char renamed[sizeof hand_log + 16];
    snprintf(renamed, sizeof renamed, "customer_id,ts,event,product,category,amount%s",
             strchr(hand_log, '\n'));
    write_file(TMP "renamed.csv", renamed);
    write_file(TMP "renamed.json", "{\"columns\": {\"product\": \"item\"}}");
    ck_config cfg;
    ck_error err = { 0 };
    CHECK_OK(ck_config_load(&cfg, TMP "renamed.json", &err));
    ck_events *a = read_events(TMP "hand.csv", NULL), *b = read_events(TMP "renamed.csv", &cfg);
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-10");
    ck_interaction_matrix *x = a ? build(a, &o, CK_OK) : NULL, *y = b ? build(b, &o, CK_OK) : NULL;
    CHECK(x != NULL && y != NULL);
    if (x != NULL && y != NULL) {
        size_t nnz = x->view.row_start[x->view.n_users];
        CHECK_EQ_INT(y->view.row_start[y->view.n_users], nnz);
        CHECK(nnz == 4 && memcmp(x->view.items, y->view.items, nnz * sizeof *x->view.items) == 0 &&
              memcmp(x->view.weights, y->view.weights, nnz * sizeof *x->view.weights) == 0);
    }
    ck_interaction_matrix_free(x);
    ck_interaction_matrix_free(y);
    /* without the config, "product" is an unknown column and there are no items */
    ck_events *c = read_events(TMP "renamed.csv", NULL);
    if (c != NULL) {
        ck_interaction_matrix *m = (ck_interaction_matrix *)1;
        CHECK_EQ_INT(ck_interaction_matrix_build(&m, c, &o, &err), CK_EINVAL);
        CHECK_EQ_STR(err.msg, "this log has no item column");
        CHECK(m == NULL);
    }
    ck_events_free(a);
    ck_events_free(b);
    ck_events_free(c);
}

static void test_interactions__refusals(void)
{
    ck_error err = { 0 };
    ck_interaction_matrix *m = NULL;
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-10");
    write_file(TMP "empty_items.csv", "customer_id,ts,event,item\nu1,2024-01-01,purchase,\n");
    ck_events *ev = read_events(TMP "empty_items.csv", NULL);
    if (ev != NULL) {
        CHECK_EQ_INT(ck_interaction_matrix_build(&m, ev, &o, &err), CK_EINVAL);
        CHECK_EQ_STR(err.msg, "this log's item column is empty in every row");
    }
    ck_events_free(ev);
    write_file(TMP "hand.csv", hand_log);
    ev = read_events(TMP "hand.csv", NULL);
    if (ev == NULL)
        return;
    o.start_ts = o.cutoff_ts;
    CHECK_EQ_INT(ck_interaction_matrix_build(&m, ev, &o, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "the interaction window is empty (start at or after the cutoff)");
    o.start_ts = INT64_MIN;
    ck_recommend_config rc;
    ck_recommend_config_init(&rc);
    o.recommend = &rc;
    rc.weights[CK_EV_CART] = NAN;
    CHECK_EQ_INT(ck_interaction_matrix_build(&m, ev, &o, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "recommend weight of \"cart\" must be a finite number >= 0, got nan");
    ck_recommend_config_init(&rc);
    rc.half_life_days = 10;
    o.cutoff_ts = INT64_MAX;
    CHECK_EQ_INT(ck_interaction_matrix_build(&m, ev, &o, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "a half-life needs a cutoff to measure the age of events from");
    o.recommend = NULL;
    const char *dup[] = { "A", "B", "A" };
    o.item_ids = dup;
    o.n_item_ids = 3;
    CHECK_EQ_INT(ck_interaction_matrix_build(&m, ev, &o, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "the item catalogue repeats \"A\"");
    ck_events_free(ev);
}

/* A fixed catalogue (a trained model's items): its order, other items left out. */
static void test_interactions__catalogue(void)
{
    write_file(TMP "hand.csv", hand_log);
    ck_events *ev = read_events(TMP "hand.csv", NULL);
    if (ev == NULL)
        return;
    const char *catalogue[] = { "C", "X", "A" };
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.cutoff_ts = day("2024-01-10");
    o.item_ids = catalogue;
    o.n_item_ids = 3;
    ck_interaction_matrix *m = build(ev, &o, CK_OK);
    if (m != NULL) {
        /* u1: A (column 2) 0.2, B not in the catalogue; u2: C (column 0) 0.5; u4: A 1 */
        want w = { 3, 3, { 0, 1, 2, 3 }, { 2, 0, 2 }, { 0.1 + 0.1, 0.5, 1.0 } };
        check_csr(m, &w, 0);
        CHECK_EQ_INT(m->n_events, 4);
        CHECK_EQ_STR(m->item_ids[1], "X");
        CHECK(m->item_category[1] == CK_NO_LEVEL);
        CHECK_EQ_STR(m->category_names[m->item_category[2]], "games");
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "C"), 0);
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "X"), 1);
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "A"), 2);
        CHECK_EQ_INT(ck_interaction_matrix_find_item(m, "B"), -1);
    }
    ck_interaction_matrix_free(m);
    ck_events_free(ev);
}

/* ---- a random log against a brute force -------------------------------------------- */

#define R_USERS 60
#define R_ITEMS 40
#define R_ROWS  4000

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t next_u32(void)
{
    /* xorshift64*: enough to scatter a test log */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every generated row summed straight into a dense table by (customer, item), in file
 * order, then compared cell by cell with the CSR: no store, no sorting by time. */
static void test_interactions__random_log_against_brute_force(void)
{
    static const char *const events[] = { "purchase", "refund", "visit", "view",
                                          "favorite", "cart",   "coupon" };
    const double weight[] = { 1.0, 0.0, 0.0, 0.1, 0.5, 0.5, 0.0 }; /* the defaults */
    const int64_t t0 = 1704067200, cutoff = t0 + 200 * 86400, start = t0 + 20 * 86400;
    const double half_life_days = 30;
    static double dense[R_USERS][R_ITEMS];
    static int first_seen[R_USERS]; /* customer → its order of first appearance */
    memset(dense, 0, sizeof dense);
    for (int u = 0; u < R_USERS; u++)
        first_seen[u] = -1;
    int n_seen = 0;
    FILE *f = fopen(TMP "random.csv", "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs("customer_id,ts,event,item\n", f);
    for (int r = 0; r < R_ROWS; r++) {
        int u = (int)(next_u32() % R_USERS), e = (int)(next_u32() % 7);
        int item = (int)(next_u32() % (R_ITEMS + 5)); /* ≥ R_ITEMS: an empty cell */
        int64_t ts = t0 + (int64_t)(next_u32() % (260u * 86400u));
        if (first_seen[u] < 0)
            first_seen[u] = n_seen++;
        if (item < R_ITEMS)
            fprintf(f, "c%02d,%lld,%s,i%03d\n", u, (long long)ts, events[e], item * 7 % 1000);
        else
            fprintf(f, "c%02d,%lld,%s,\n", u, (long long)ts, events[e]);
        if (item < R_ITEMS && ts >= start && ts < cutoff && weight[e] > 0)
            dense[u][item] +=
                weight[e] * pow(2.0, -(double)(cutoff - ts) / 86400.0 / half_life_days);
    }
    CHECK_EQ_INT(fclose(f), 0);
    ck_events *ev = read_events(TMP "random.csv", NULL);
    if (ev == NULL)
        return;
    ck_recommend_config rc;
    ck_recommend_config_init(&rc);
    rc.half_life_days = half_life_days;
    ck_interaction_opts o = CK_INTERACTION_OPTS_INIT;
    o.start_ts = start;
    o.cutoff_ts = cutoff;
    o.recommend = &rc;
    ck_interaction_matrix *m = build(ev, &o, CK_OK);
    if (m == NULL) {
        ck_events_free(ev);
        return;
    }
    /* the items with a cell, by id; the customers with one, by first appearance */
    char names[R_ITEMS][16];
    const char *used[R_ITEMS];
    size_t n_used = 0;
    for (int i = 0; i < R_ITEMS; i++) {
        snprintf(names[i], sizeof names[i], "i%03d", i * 7 % 1000);
        bool any = false;
        for (int u = 0; u < R_USERS; u++)
            any |= dense[u][i] > 0;
        if (any)
            used[n_used++] = names[i];
    }
    qsort(used, n_used, sizeof *used, compare_str);
    CHECK_EQ_INT(m->view.n_items, n_used);
    for (size_t j = 0; j < n_used && j < m->view.n_items; j++)
        CHECK_EQ_STR(m->item_ids[j], used[j]);
    size_t n_rows = 0, bad = 0, nnz = 0;
    for (int order = 0; order < n_seen; order++) {
        int u = 0;
        while (first_seen[u] != order)
            u++;
        size_t n_cells = 0;
        for (int i = 0; i < R_ITEMS; i++)
            n_cells += dense[u][i] > 0;
        if (n_cells == 0)
            continue;
        size_t row = n_rows++;
        if (row >= m->view.n_users) {
            bad++;
            continue;
        }
        char id[16];
        snprintf(id, sizeof id, "c%02d", u);
        bad += strcmp(m->user_ids[row], id) != 0;
        size_t lo = m->view.row_start[row], hi = m->view.row_start[row + 1];
        bad += hi - lo != n_cells;
        for (size_t k = lo; k < hi; k++) {
            if (k > lo && m->view.items[k] <= m->view.items[k - 1])
                bad++; /* ascending, each once */
            int i = atoi(m->item_ids[m->view.items[k]] + 1) / 7;
            double w = dense[u][i];
            /* float storage; sums in another order: 1e-6 relative */
            bad += !(m->view.weights[k] > 0 && fabs(m->view.weights[k] - w) <= 1e-6 * w);
            nnz++;
        }
    }
    CHECK_EQ_INT(m->view.n_users, n_rows);
    CHECK_EQ_INT(bad, 0);
    CHECK(nnz > 500); /* the log is not trivially sparse */
    ck_interaction_matrix_free(m);
    ck_events_free(ev);
}

int main(void)
{
    RUN(test_interactions__hand_log_exact);
    RUN(test_interactions__no_look_ahead);
    RUN(test_interactions__item_column_renamed);
    RUN(test_interactions__refusals);
    RUN(test_interactions__catalogue);
    RUN(test_interactions__random_log_against_brute_force);
    return check_summary();
}
