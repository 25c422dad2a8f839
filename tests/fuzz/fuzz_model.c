/*
 * Fuzz harness for the model-file loader (ck_model_load): the input is a model file. When
 * it loads, a churn model scores rows (all missing, all zero, every categorical level and
 * one beyond, large values) with its contributions, a value model scores a few customers
 * (a finite P(alive) in [0, 1] and expected purchases ≥ 0, or a clear refusal), an uplift
 * model scores the same rows (each arm's probability in [0, 1], each uplift in [-1, 1], 0
 * for control, and a best arm that is a treatment or none); the model
 * is saved, and the saved file loads again, saves to the same bytes (model.h: numbers are
 * written so that they read back bit for bit) and scores the same.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/model.h"
#include "churnkit/schema.h"
#include "fuzz_support.h"

#define N_ROWS 5

/* Rows to score, coded against the schema: N_ROWS x n_features, NULL out of memory. */
static float *make_rows(const ck_schema *schema, size_t n)
{
    float *rows = malloc((N_ROWS * n + 1) * sizeof *rows);
    if (!rows)
        return NULL;
    for (size_t j = 0; j < n; j++) {
        bool categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        size_t levels = ck_schema_n_levels(schema, j);
        rows[0 * n + j] = NAN;
        rows[1 * n + j] = 0.0f;
        /* the last level, and the unseen-level code n_levels */
        rows[2 * n + j] = categorical ? (float)(levels ? levels - 1 : 0) : 1e30f;
        rows[3 * n + j] = categorical ? (float)levels : -1e30f;
        rows[4 * n + j] = categorical ? (float)(j % (levels + 1)) : (float)j - 3.5f;
    }
    return rows;
}

/* Score the rows; each probability in [0, 1] and the contributions summing to its logit. */
static void score(const ck_model *m, const float *rows, size_t n, double *prob)
{
    double *contrib = malloc((n + 1) * sizeof *contrib);
    for (int r = 0; r < N_ROWS; r++) {
        prob[r] = ck_model_predict_row(m, rows + (size_t)r * n);
        FUZZ_CHECK(prob[r] >= 0.0 && prob[r] <= 1.0);
        if (!contrib)
            continue;
        double base = 0.0;
        ck_model_contributions(m, rows + (size_t)r * n, contrib, &base);
        (void)base;
    }
    free(contrib);
}

/* A value model's scores of a few customers, NaN where it refuses one. */
static void score_value(const ck_model *m, double *out)
{
    static const double customers[N_ROWS][4] = {
        { 0, 0, 10, 5 }, { 2, 5, 10, 10 }, { 40, 300, 310, 52 }, { 1, 0.5, 1, 1000 }, { 7, 7, 7, 0 }
    };
    const ck_bgnbd_model *v = ck_model_bgnbd(m);
    FUZZ_CHECK(v != NULL && !ck_model_gives_churn(m));
    for (int r = 0; r < N_ROWS; r++) {
        const double *c = customers[r];
        double alive = NAN, expected = NAN;
        ck_error err = { 0 };
        if (ck_bgnbd_p_alive(&alive, &v->purchases.params, c[0], c[1], c[2], &err) == CK_OK)
            FUZZ_CHECK(alive >= 0.0 && alive <= 1.0);
        if (ck_bgnbd_expected_purchases(&expected, &v->purchases.params, c[0], c[1], c[2], c[3],
                                        &err) == CK_OK)
            FUZZ_CHECK(!(expected < 0.0));
        out[r] = expected;
    }
}

/* An uplift model's scores of the rows: the first treatment arm's uplift of each. */
static void score_uplift(const ck_model *m, const float *rows, size_t n, double *out)
{
    const ck_uplift *u = ck_model_uplift(m);
    FUZZ_CHECK(u != NULL && !ck_model_gives_churn(m));
    size_t arms = ck_uplift_n_arms(u), control = ck_uplift_control(u);
    FUZZ_CHECK(arms >= 2 && arms <= CK_UPLIFT_MAX_ARMS && control < arms);
    for (int r = 0; r < N_ROWS; r++) {
        double p[CK_UPLIFT_MAX_ARMS], uplift[CK_UPLIFT_MAX_ARMS];
        ck_uplift_score_row(u, rows + (size_t)r * n, p, uplift);
        for (size_t a = 0; a < arms; a++) {
            FUZZ_CHECK(p[a] >= 0.0 && p[a] <= 1.0);
            FUZZ_CHECK(uplift[a] >= -1.0 && uplift[a] <= 1.0);
        }
        FUZZ_CHECK(uplift[control] == 0.0);
        long best = ck_uplift_best_arm(u, uplift, NULL);
        FUZZ_CHECK(best == -1 || (best >= 0 && (size_t)best < arms && (size_t)best != control));
        out[r] = uplift[control == 0 ? 1 : 0];
    }
}

/* A recommender's scores for customers with no history, with the first item, and with the
 * first and last items, for each question (the first N_ROWS of those): their sums into
 * prob, for the saved model to give again. */
static void score_recommend(const ck_model *m, double *prob)
{
    const ck_recommender *r = ck_model_recommender(m);
    size_t n = ck_recommender_n_items(r);
    double *scores = calloc(n + 1, sizeof *scores);
    double *scratch = calloc(ck_recommender_scratch_size(r) + 1, sizeof *scratch);
    uint32_t items[2] = { 0, (uint32_t)(n - 1) };
    float weights[2] = { 1.0f, 0.25f };
    size_t lens[3] = { 0, 1, n > 1 ? 2 : 1 };
    for (int r_ = 0; r_ < N_ROWS; r_++)
        prob[r_] = NAN;
    for (int k = 0; k < N_ROWS && scores && scratch; k++) {
        ck_error err = { 0 };
        int rc = ck_recommender_score(r, (ck_recommend_goal)(k % 2), items, weights, lens[k / 2],
                                      scores, scratch, &err);
        FUZZ_CHECK(rc == CK_OK || rc == CK_ENOMEM);
        if (rc < 0)
            continue;
        prob[k] = 0.0;
        for (size_t j = 0; j < n; j++)
            prob[k] += scores[j];
    }
    free(scores);
    free(scratch);
}

/* Save to memory; NULL when the model cannot be saved (NaN or memory), else the bytes. */
static char *save(const ck_model *m, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    ck_error err = { 0 };
    int rc = ck_model_save(m, f, &err);
    if (fclose(f) != 0 || rc < 0) {
        /* a loaded model holds only finite numbers, so only memory may fail */
        FUZZ_CHECK(rc == CK_OK || rc == CK_ENOMEM || rc == CK_EIO);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Load the saved bytes again, from a file beside the input's. */
static int load_again(ck_model **out, const char *bytes, size_t len)
{
    char path[600];
    snprintf(path, sizeof path, "%s.again.json", fuzz_temp_path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return CK_EIO;
    size_t wrote = fwrite(bytes, 1, len, f);
    if (fclose(f) != 0 || wrote != len) {
        unlink(path);
        return CK_EIO;
    }
    ck_error err = { 0 };
    int rc = ck_model_load(out, path, &err);
    if (rc < 0 && rc != CK_ENOMEM) {
        fprintf(stderr, "the saved model does not load: %s\n", err.msg);
        FUZZ_CHECK(rc == CK_OK);
    }
    unlink(path);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size, ".json");
    if (!path)
        return 0;
    ck_model *m = NULL;
    ck_error err = { 0 };
    int rc = ck_model_load(&m, path, &err);
    if (rc < 0) {
        FUZZ_CHECK(m == NULL);
        FUZZ_CHECK(err.msg[0] != '\0');
        return 0;
    }
    const ck_schema *schema = ck_model_schema(m);
    size_t n = ck_schema_n_features(schema);
    FUZZ_CHECK(strcmp(ck_model_type_name(m), "gbm_stumps") == 0 ||
               strcmp(ck_model_type_name(m), "logreg") == 0 ||
               strcmp(ck_model_type_name(m), "bgnbd") == 0 ||
               strcmp(ck_model_type_name(m), "uplift") == 0 ||
               strcmp(ck_model_type_name(m), "recommend") == 0);
    bool churn = ck_model_gives_churn(m), uplift = ck_model_uplift(m) != NULL;
    bool value = ck_model_bgnbd(m) != NULL, recommend = ck_model_recommender(m) != NULL;
    float *rows = churn || uplift ? make_rows(schema, n) : NULL;
    double prob[N_ROWS], again_prob[N_ROWS];
    if (rows && uplift)
        score_uplift(m, rows, n, prob);
    else if (rows)
        score(m, rows, n, prob);
    else if (value)
        score_value(m, prob);
    else if (recommend)
        score_recommend(m, prob);

    size_t len = 0;
    char *saved = save(m, &len);
    ck_model *again = NULL;
    if (saved && load_again(&again, saved, len) == CK_OK) {
        size_t len2 = 0;
        char *saved2 = save(again, &len2);
        if (saved2) {
            FUZZ_CHECK(len2 == len && memcmp(saved, saved2, len) == 0);
            free(saved2);
        }
        if (rows || value || recommend) {
            FUZZ_CHECK(ck_schema_n_features(ck_model_schema(again)) == n);
            if (rows && uplift)
                score_uplift(again, rows, n, again_prob);
            else if (rows)
                score(again, rows, n, again_prob);
            else if (value)
                score_value(again, again_prob);
            else
                score_recommend(again, again_prob);
            for (int r = 0; r < N_ROWS; r++)
                FUZZ_CHECK(prob[r] == again_prob[r] || (isnan(prob[r]) && isnan(again_prob[r])));
        }
    }
    ck_model_free(again);
    free(saved);
    free(rows);
    ck_model_free(m);
    return 0;
}
