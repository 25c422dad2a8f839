/*
 * Bins (data/bins.h), the pairing of features in one byte against brute force:
 *  - the features paired: as many pairs as the best pairing a search of every pairing
 *    finds, numeric features only, each pair's bins (with missing) at most 256;
 *  - every row's bin of every feature: the number of edges below its value (missing 255,
 *    a categorical level its code), whatever its slot;
 *  - a model trained on paired bins, bit for bit the model trained on the same bins each
 *    in a byte of its own (subsampled, with validation rows, on two workers);
 *  - dropping features keeps the bins of the others, a dropped feature's partner too.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/gbm.h"
#include "data/bins.h"
#include "learn/gbm/gbm_int.h"
#include "support/dataset_fixtures.h"
#include "support/gbm_fixtures.h"

static uint32_t rnd(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

/* Numeric features of d[j] distinct values each (0 .. d[j] − 1, in turn), 300 rows. */
static ck_dataset *with_distinct(const size_t *d, size_t nf)
{
    enum { N = 300 };
    static char names[16][24];
    const char *name[16], *ids[N];
    double *cols[16];
    static char id_text[N][24];
    for (size_t j = 0; j < nf; j++) {
        snprintf(names[j], sizeof names[j], "f%zu", j);
        name[j] = names[j];
        cols[j] = malloc(N * sizeof *cols[j]);
        for (size_t i = 0; i < N; i++)
            cols[j][i] = (double)(i % d[j]);
    }
    for (size_t i = 0; i < N; i++) {
        snprintf(id_text[i], sizeof id_text[i], "c%zu", i);
        ids[i] = id_text[i];
    }
    ck_dataset *out = NULL;
    ck_error err = { 0 };
    CHECK_OK(
        ck_dataset_from_columns(&out, name, nf, (const double *const *)cols, ids, N, "id", &err));
    for (size_t j = 0; j < nf; j++)
        free(cols[j]);
    return out;
}

/* The most pairs of the features [from, n) whose bin counts multiply to at most 256, by
 * trying every partner of the first. */
static size_t most_pairs(size_t *codes, size_t from, size_t n)
{
    if (n - from < 2)
        return 0;
    size_t best = most_pairs(codes, from + 1, n); /* the first left alone */
    for (size_t k = from + 1; k < n; k++) {
        if (codes[from] * codes[k] > 256)
            continue;
        size_t swap = codes[from + 1];
        codes[from + 1] = codes[k];
        codes[k] = swap;
        size_t with = 1 + most_pairs(codes, from + 2, n);
        codes[k] = codes[from + 1];
        codes[from + 1] = swap;
        if (with > best)
            best = with;
    }
    return best;
}

/* Each slot holds one or two features, two only when numeric and their bins fit a byte. */
static bool slots_valid(const ck__bins *b)
{
    size_t held[64] = { 0 }, codes[64];
    for (size_t s = 0; s < b->n_slots; s++)
        codes[s] = 1;
    for (size_t j = 0; j < b->n_features; j++) {
        if (b->slot[j] >= b->n_slots)
            return false;
        held[b->slot[j]]++;
        codes[b->slot[j]] *= b->categorical[j] ? 256 : b->n_edges[j] + 2;
    }
    for (size_t s = 0; s < b->n_slots; s++)
        if (held[s] == 0 || held[s] > 2 || (held[s] == 2 && codes[s] > 256))
            return false;
    return b->n_groups == (b->n_slots + CK__GROUP - 1) / CK__GROUP;
}

static void test_bins__most_pairs(void)
{
    /* bins with missing 3, 5, 8, 13, 31, 61, 121, 256: (3, 61), (5, 31), (8, 13) */
    size_t crafted[] = { 2, 4, 7, 12, 30, 60, 120, 1000 };
    ck_dataset *d = with_distinct(crafted, 8);
    ck__bins b;
    ck_error err = { 0 };
    CHECK_OK(ck__bins_fit(&b, d, 255, 1, &err));
    CHECK_EQ_INT(b.n_slots, 5);
    CHECK(b.slot[0] == b.slot[5] && b.slot[1] == b.slot[4] && b.slot[2] == b.slot[3]);
    CHECK(slots_valid(&b));
    ck__bins_free(&b);
    ck_dataset_free(d);

    uint64_t r = 7;
    bool all_best = true, all_valid = true;
    for (int trial = 0; trial < 300; trial++) {
        size_t nf = 2 + rnd(&r) % 9, distinct[16], codes[16];
        /* mostly few values, so that many pairings compete */
        for (size_t j = 0; j < nf; j++)
            distinct[j] = 1 + (rnd(&r) % 4 ? rnd(&r) % 40 : rnd(&r) % 300);
        d = with_distinct(distinct, nf);
        CHECK_OK(ck__bins_fit(&b, d, 255, 1, &err));
        for (size_t j = 0; j < nf; j++)
            codes[j] = b.n_edges[j] + 2;
        all_best &= b.n_slots == nf - most_pairs(codes, 0, nf);
        all_valid &= slots_valid(&b);
        ck__bins_free(&b);
        ck_dataset_free(d);
    }
    CHECK(all_best);
    CHECK(all_valid);
}

/* id,flag,visits,plan,spend,tenure,score,churned over n rows: few-valued numeric features
 * that pair (flag, visits, tenure, score; visits and score with missing cells), a
 * categorical plan that never does, and spend of many values; churn follows them. */
static const char *table_text(size_t n)
{
    static const char *plans[] = { "basic", "plus", "premium", "family" };
    size_t cap = n * 64 + 64, len = 0;
    char *text = malloc(cap);
    uint64_t r = 20261206;
    len += (size_t)snprintf(text, cap, "id,flag,visits,plan,spend,tenure,score,churned\n");
    for (size_t i = 0; i < n; i++) {
        unsigned flag = rnd(&r) % 2, visits = rnd(&r) % 9, plan = rnd(&r) % 4;
        unsigned spend = rnd(&r) % 100000, tenure = rnd(&r) % 80, score = rnd(&r) % 6;
        bool visits_missing = rnd(&r) % 7 == 0, score_missing = rnd(&r) % 5 == 0;
        double logit = -1.0 + 0.8 * flag - 0.2 * visits + 0.3 * (plan == 2) + 0.00001 * spend -
                       0.015 * tenure + (score_missing ? -0.8 : 0.1 * score);
        bool churned = rnd(&r) / 4294967296.0 < 1 / (1 + exp(-logit));
        char v[16] = "", s[16] = "";
        if (!visits_missing)
            snprintf(v, sizeof v, "%u", visits);
        if (!score_missing)
            snprintf(s, sizeof s, "%u", score);
        len += (size_t)snprintf(text + len, cap - len, "c%zu,%u,%s,%s,%u.%02u,%u,%s,%d\n", i, flag,
                                v, plans[plan], spend / 100, spend % 100, tenure, s, churned);
    }
    const char *path = tmp_file("bins.csv", text);
    free(text);
    return path;
}

static ck_dataset *read_table(size_t n)
{
    ck_table_opts o = opts_for("churned", "id", NULL);
    return read_ok(table_text(n), &o);
}

/* The bin of row i of feature j by its definition. */
static uint8_t bin_by_definition(const ck__bins *b, const ck_dataset *d, size_t j, size_t i)
{
    float x = ck_dataset_column(d, j)[i];
    if (isnan(x))
        return CK__BIN_MISSING;
    if (b->categorical[j])
        return (uint8_t)x;
    uint8_t below = 0;
    for (size_t k = 0; k < b->n_edges[j]; k++)
        below += b->edges[j][k] < (double)x;
    return below;
}

static bool bins_by_definition(const ck__bins *b, const ck_dataset *d)
{
    for (size_t j = 0; j < b->n_features; j++)
        for (size_t i = 0; i < b->n_rows; i++)
            if (ck__bin_at(b, j, i) != bin_by_definition(b, d, j, i))
                return false;
    return true;
}

static void test_bins__bin_at(void)
{
    ck_dataset *d = read_table(5000);
    ck__bins b;
    ck_error err = { 0 };
    CHECK_OK(ck__bins_fit(&b, d, 255, 2, &err));
    /* bins with missing: flag 3, score 7, visits 10, tenure 81, spend 256: flag with
     * tenure, score with visits; spend (too many for flag) and plan (categorical) alone */
    CHECK_EQ_INT(b.n_slots, 4);
    CHECK(b.slot[0] == b.slot[4] && b.slot[1] == b.slot[5]);
    CHECK(b.slot[2] != b.slot[3]);
    CHECK(bins_by_definition(&b, d));
    ck__bins_free(&b);
    ck_dataset_free(d);
}

/* The bins of `b`, each feature in a byte of its own. */
static void unpaired(ck__bins *out, const ck__bins *b)
{
    size_t nf = b->n_features;
    *out = (ck__bins){ .n_features = nf, .n_slots = nf };
    out->n_groups = (nf + CK__GROUP - 1) / CK__GROUP;
    out->slot = calloc(nf, sizeof *out->slot);
    out->encode = calloc(nf, sizeof *out->encode);
    out->decode = calloc(nf, sizeof *out->decode);
    out->categorical = calloc(nf, sizeof *out->categorical);
    out->n_edges = calloc(nf, sizeof *out->n_edges);
    out->edges = calloc(nf, sizeof *out->edges);
    ck__bins_alloc_rows(out, b->n_rows);
    for (size_t j = 0; j < nf; j++) {
        out->slot[j] = j;
        for (int c = 0; c < 256; c++)
            out->encode[j][c] = out->decode[j][c] = (uint8_t)c;
        out->categorical[j] = b->categorical[j];
        out->n_edges[j] = b->n_edges[j];
        out->edges[j] = malloc((b->n_edges[j] + 1) * sizeof(double));
        if (b->n_edges[j] > 0)
            memcpy(out->edges[j], b->edges[j], b->n_edges[j] * sizeof(double));
        for (size_t i = 0; i < b->n_rows; i++)
            out->data[ck__slot_offset(out, j, i)] = ck__bin_at(b, j, i);
    }
}

static void test_bins__same_model(void)
{
    enum { N = 48000 };
    ck_dataset *all = read_table(N), *train = NULL, *valid = NULL;
    uint8_t *mask = malloc(N);
    for (size_t i = 0; i < N; i++)
        mask[i] = i % 4 == 0;
    ck_error err = { 0 };
    CHECK_OK(ck_dataset_split(all, mask, &train, &valid, &err));
    ck__bins tb, vb, tu, vu;
    CHECK_OK(ck__bins_fit(&tb, train, 255, 2, &err));
    CHECK_OK(ck__bins_apply(&vb, &tb, valid, 2, &err));
    CHECK(tb.n_slots < tb.n_features);
    unpaired(&tu, &tb);
    unpaired(&vu, &vb);

    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 80;
    p.subsample = 0.8;
    p.patience = 5;
    p.n_threads = 2;
    ck__gbm_rows tp = { &tb, ck_dataset_labels(train), NULL, NULL };
    ck__gbm_rows vp = { &vb, ck_dataset_labels(valid), NULL, NULL };
    ck__gbm_rows tup = { &tu, ck_dataset_labels(train), NULL, NULL };
    ck__gbm_rows vup = { &vu, ck_dataset_labels(valid), NULL, NULL };
    ck_gbm *paired = NULL, *alone = NULL;
    ck_gbm_report rp, ru;
    const ck_schema *schema = ck_dataset_schema(train);
    CHECK_OK(ck__gbm_train_bins(&paired, schema, &tp, &vp, &p, &rp, NULL, NULL, &err));
    CHECK_OK(ck__gbm_train_bins(&alone, schema, &tup, &vup, &p, &ru, NULL, NULL, &err));
    CHECK(paired != NULL && alone != NULL && paired->n_stumps > 10);
    CHECK(rp.rounds_run == ru.rounds_run && rp.rounds_kept == ru.rounds_kept);
    CHECK(paired != NULL && alone != NULL && same_models(paired, alone));

    /* and the paired bins score as the values */
    size_t nv = ck_dataset_n_rows(valid);
    double *want = malloc(nv * sizeof *want), *got = malloc(nv * sizeof *got);
    CHECK_OK(ck_gbm_predict(paired, valid, want, 1, &err));
    CHECK_OK(ck__gbm_predict_bins(paired, &vb, got, 2));
    CHECK(memcmp(want, got, nv * sizeof *want) == 0);

    free(want);
    free(got);
    ck_gbm_free(paired);
    ck_gbm_free(alone);
    ck__bins_free(&tb);
    ck__bins_free(&vb);
    ck__bins_free(&tu);
    ck__bins_free(&vu);
    free(mask);
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_dataset_free(all);
}

static void test_bins__drop(void)
{
    ck_dataset *d = read_table(3000);
    ck__bins b;
    ck_error err = { 0 };
    CHECK_OK(ck__bins_fit(&b, d, 255, 1, &err));
    size_t nf = b.n_features, n = b.n_rows;
    uint8_t *before = malloc(nf * n);
    for (size_t j = 0; j < nf; j++)
        for (size_t i = 0; i < n; i++)
            before[j * n + i] = ck__bin_at(&b, j, i);
    /* flag (tenure's partner) and plan go: tenure keeps its slot */
    bool drop[6] = { true, false, true, false, false, false };
    size_t kept[4] = { 1, 3, 4, 5 };
    CHECK_EQ_INT(ck__bins_drop(&b, drop), CK_OK);
    CHECK_EQ_INT(b.n_features, 4);
    CHECK_EQ_INT(b.n_slots, 3);
    CHECK(slots_valid(&b));
    bool same = true;
    for (size_t j = 0; j < 4; j++)
        for (size_t i = 0; i < n; i++)
            same &= ck__bin_at(&b, j, i) == before[kept[j] * n + i];
    CHECK(same);
    /* then both of a pair: visits and score */
    bool drop_pair[4] = { true, false, false, true };
    CHECK_EQ_INT(ck__bins_drop(&b, drop_pair), CK_OK);
    CHECK_EQ_INT(b.n_slots, 2);
    CHECK(slots_valid(&b));
    same = true;
    for (size_t i = 0; i < n; i++)
        same &=
            ck__bin_at(&b, 0, i) == before[3 * n + i] && ck__bin_at(&b, 1, i) == before[4 * n + i];
    CHECK(same);
    free(before);
    ck__bins_free(&b);
    ck_dataset_free(d);
}

int main(void)
{
    RUN(test_bins__most_pairs);
    RUN(test_bins__bin_at);
    RUN(test_bins__same_model);
    RUN(test_bins__drop);
    return check_summary();
}
