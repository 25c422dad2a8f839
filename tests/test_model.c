/*
 * Tests of the model object (model.h, src/model/model.c): a table-source model through
 * its file, the accessors of each type, the probability's stability, dataset scoring
 * against row scoring, what a model learns of its training population, reasons against
 * the training mean, and training any type through the registry (ck_model_train) against
 * the learner's own trainer.
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
#include "churnkit/gbm.h"
#include "churnkit/logreg.h"
#include "churnkit/predict.h"
#include "learn/gbm/gbm_int.h"
#include "learn/logreg/logreg_int.h"

#define TMP CK_TEST_TMP "/model_"
#include "support/model_fixtures.h"

/* ck_model_predict on a dataset read against the model's schema scores each row as
 * ck_model_predict_row does. */
/* Five rows on make_schema(), one per lifecycle stage (and one unseen), as a dataset. */
static ck_dataset *population(const ck_model *m)
{
    ck_error err = { 0 };
    spit(TMP "population.csv", "id,monetary,recency_days,channel,lifecycle_stage,frequency\n"
                               "a,100.5,3,sms,new,2\n"
                               "b,,70,web,dormant,1\n"
                               "c,2500,219,fax,churned,\n"
                               "d,0.25,NA,,active,14\n"
                               "e,73,14.6,app,lapsed,3\n");
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    opts.schema = ck_model_schema(m);
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "population.csv", &opts, &err));
    return d;
}

static void test_model__table_source_round_trip(void)
{
    ck_error err = { 0 };
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    memset(&spec, 0, sizeof spec);
    memset(&training, 0, sizeof training);
    spec.source = CK_SOURCE_TABLE;
    ck_config_init(&spec.config);
    spec.config.delimiter = '\t';
    snprintf(spec.id_column, sizeof spec.id_column, "customerID");
    snprintf(spec.label_column, sizeof spec.label_column, "Churn");
    training.train_logloss = training.valid_logloss = NAN;
    training.train_auc = training.valid_auc = NAN;
    ck_model *m = NULL, *back = NULL;
    CHECK_OK(ck_model_new_gbm(&m, make_gbm(3, 0), &params, &spec, &training, &err));
    if (m == NULL)
        return;
    save(m, TMP "table.json");
    CHECK_OK(ck_model_load(&back, TMP "table.json", &err));
    if (back != NULL) {
        check_same_model(m, back);
        CHECK_EQ_INT(ck_model_spec_of(back)->source, CK_SOURCE_TABLE);
        CHECK_EQ_INT(ck_model_training_of(back)->valid_cutoff, 0);
        /* no stumps: every row scores the base rate */
        float row[5] = { 1, 2, 3, 4, 0 };
        CHECK_NEAR(ck_model_predict_row(back, row), 0.2, 1e-15);
    }
    ck_model_free(back);
    ck_model_free(m);
}

static void test_model__accessors(void)
{
    ck_model *m = make_model(2, 10);
    CHECK_EQ_INT(ck_model_type_of(m), CK_MODEL_GBM_STUMPS);
    CHECK(ck_model_gbm(m) != NULL);
    CHECK(ck_model_schema(m) == ck_gbm_schema(ck_model_gbm(m)));
    CHECK_EQ_INT(ck_model_gbm_params(m)->n_threads, 4);
    CHECK_EQ_INT(ck_model_gbm_params(m)->max_bins, 63);
    CHECK_EQ_STR(ck_model_spec_of(m)->config.column_names[CK_COL_TS], "order_date");
    CHECK_EQ_INT(ck_model_training_of(m)->rounds_kept, 187);
    CHECK_EQ_STR(ck_model_type_name(m), "gbm_stumps");
    CHECK(ck_model_logreg(m) == NULL && ck_model_logreg_params(m) == NULL &&
          ck_model_logreg_report(m) == NULL);
    /* a model wrapped by hand reports what its training record says */
    const ck_gbm_report *r = ck_model_gbm_report(m);
    CHECK(r != NULL);
    if (r != NULL) {
        CHECK_EQ_INT(r->rounds_kept, 187);
        CHECK_EQ_INT(r->rounds_run, 187);
        CHECK(same_bits(r->train_logloss, 0.41234567890123456));
        CHECK(isnan(r->valid_auc));
    }
    ck_model_free(m);
    ck_model_free(NULL);
}

/* A labelled table of `n` rows on two numeric features and a categorical one, the label
 * drawn from a logistic model of them (fixed seed). */
static ck_dataset *labelled_table(const char *path, size_t n)
{
    ck_error err = { 0 };
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return NULL;
    static const char *const plans[] = { "gold", "silver", "basic" };
    rng_state = 2024;
    fputs("id,recency,orders,plan,churned\n", f);
    for (size_t i = 0; i < n; i++) {
        double recency = uniform() * 300, orders = (double)below(20);
        size_t plan = below(3);
        double logit = -1 + recency / 100 - orders / 5 + (plan == 2 ? 0.8 : 0);
        int y = uniform() < 1 / (1 + exp(-logit));
        if (below(15) == 0)
            fprintf(f, "c%zu,,%g,%s,%d\n", i, orders, plans[plan], y);
        else
            fprintf(f, "c%zu,%.3f,%g,%s,%d\n", i, recency, orders, plans[plan], y);
    }
    CHECK_EQ_INT(fclose(f), 0);
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    opts.label = "churned";
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, path, &opts, &err));
    return d;
}

/* ck_model_train gives what the learner's own trainer gives, bit for bit, with the
 * training record and the params as churn-train kept them. */
static void test_model__train_through_the_registry(void)
{
    ck_error err = { 0 };
    ck_dataset *d = labelled_table(TMP "train.csv", 600);
    if (d == NULL)
        return;
    size_t n = ck_dataset_n_rows(d);
    double *p = calloc(n, sizeof *p), *q = calloc(n, sizeof *q);
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);

    /* boosted stumps, without validation rows: patience is kept as 0 */
    ck_gbm_params gp = CK_GBM_PARAMS_INIT;
    gp.rounds = 40;
    ck_model *m = NULL;
    ck_gbm *g = NULL;
    ck_gbm_report gr;
    CHECK_OK(
        ck_model_train(&m, CK_MODEL_GBM_STUMPS, &gp, d, NULL, &spec, &training, NULL, NULL, &err));
    CHECK_OK(ck_gbm_train(&g, d, NULL, &gp, &gr, NULL, NULL, &err));
    if (m != NULL && g != NULL) {
        CHECK_EQ_STR(ck_model_type_name(m), "gbm_stumps");
        CHECK_OK(ck_model_predict(m, d, p, 1, &err));
        CHECK_OK(ck_gbm_predict(g, d, q, 1, &err));
        CHECK(memcmp(p, q, n * sizeof *p) == 0);
        const ck_model_training *t = ck_model_training_of(m);
        CHECK_EQ_INT(t->rounds_kept, gr.rounds_kept);
        CHECK(same_bits(t->train_logloss, gr.train_logloss));
        CHECK(same_bits(t->train_auc, gr.train_auc));
        CHECK(isnan(t->valid_logloss) && isnan(t->valid_auc));
        CHECK_EQ_INT(t->rows, training.rows); /* the rest is the caller's record */
        CHECK_EQ_INT(ck_model_gbm_params(m)->patience, 0);
        CHECK_EQ_INT(ck_model_gbm_params(m)->rounds, 40);
        CHECK_EQ_INT(ck_model_gbm_report(m)->rounds_run, gr.rounds_run);
    }
    ck_gbm_free(g);
    ck_model_free(m);

    /* logistic regression with cross-validation: C is the chosen one */
    ck_logreg_params lp = CK_LOGREG_PARAMS_INIT;
    lp.cv_folds = 3;
    lp.n_grid = 3;
    lp.grid[0] = 0.01;
    lp.grid[1] = 1;
    lp.grid[2] = 100;
    ck_logreg *lr = NULL;
    ck_logreg_report lrep;
    m = NULL;
    CHECK_OK(ck_model_train(&m, CK_MODEL_LOGREG, &lp, d, d, &spec, &training, NULL, NULL, &err));
    CHECK_OK(ck_logreg_train(&lr, d, d, &lp, &lrep, NULL, NULL, &err));
    if (m != NULL && lr != NULL) {
        CHECK_EQ_INT(ck_model_type_of(m), CK_MODEL_LOGREG);
        CHECK_EQ_STR(ck_model_type_name(m), "logreg");
        CHECK_OK(ck_model_predict(m, d, p, 1, &err));
        CHECK_OK(ck_logreg_predict(lr, d, q, 1, &err));
        CHECK(memcmp(p, q, n * sizeof *p) == 0);
        CHECK(same_bits(ck_model_logreg_params(m)->C, lrep.C));
        CHECK(same_bits(ck_model_logreg_report(m)->objective, lrep.objective));
        CHECK(same_bits(ck_model_training_of(m)->valid_auc, lrep.valid_auc));
        CHECK(ck_model_gbm(m) == NULL && ck_model_gbm_report(m) == NULL);
    }
    ck_logreg_free(lr);
    ck_model_free(m);

    /* a type without a learner, and a learner's own refusal passed up untouched */
    m = (ck_model *)&err;
    CHECK_EQ_INT(
        ck_model_train(&m, (ck_model_type)99, &gp, d, NULL, &spec, &training, NULL, NULL, &err),
        CK_EINVAL);
    CHECK(m == NULL);
    gp.rounds = 0;
    CHECK_EQ_INT(
        ck_model_train(&m, CK_MODEL_GBM_STUMPS, &gp, d, NULL, &spec, &training, NULL, NULL, &err),
        CK_EINVAL);
    CHECK_EQ_STR(err.msg, "rounds must be at least 1");
    CHECK(m == NULL);
    free(p);
    free(q);
    ck_dataset_free(d);
}

/* The logistic function at extreme logits: no overflow, no loss to 1 − p. */
static void test_model__probability_is_stable(void)
{
    ck_error err = { 0 };
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    const double logits[] = { -800, -40, -1e-20, 0, 2, 40, 800 };
    const double want[] = { 0, 4.2483542552915889e-18, 0.5, 0.5, 0.88079707797788231, 1, 1 };
    for (size_t i = 0; i < sizeof logits / sizeof *logits; i++) {
        ck_gbm *g = make_gbm(1, 0);
        g->base_score = logits[i];
        ck_model *m = NULL;
        CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
        float row[5] = { 1, 1, 1, 1, 1 };
        double p = ck_model_predict_row(m, row);
        /* relative: e^−40 = 4.248e−18 is exact to the last digits only relatively */
        CHECK_NEAR(p, want[i], 1e-15 * want[i] + (want[i] == 0 ? 1e-300 : 0));
        CHECK(p >= 0 && p <= 1 && !isnan(p));
        ck_model_free(m);
    }
    /* e^−800 underflows to 0 rather than e^800 overflowing to inf / inf */
}

static void test_model__predict_dataset_matches_rows(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(31, 120);
    ck_dataset *d = population(m);
    if (d == NULL) {
        ck_model_free(m);
        return;
    }
    size_t n = ck_dataset_n_rows(d);
    CHECK_EQ_INT(n, 5);
    double prob[5];
    CHECK_OK(ck_model_predict(m, d, prob, 2, &err));
    for (size_t i = 0; i < n; i++) {
        float row[5];
        for (size_t j = 0; j < 5; j++)
            row[j] = ck_dataset_column(d, j)[i];
        CHECK(same_bits(prob[i], ck_model_predict_row(m, row)));
    }
    ck_dataset_free(d);

    /* a dataset with other features */
    spit(TMP "predict_other.csv", "id,x,y\na,1,2\n");
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    CHECK_OK(ck_dataset_read_table(&d, TMP "predict_other.csv", &opts, &err));
    if (d != NULL)
        CHECK_EQ_INT(ck_model_predict(m, d, prob, 1, &err), CK_EINVAL);
    ck_dataset_free(d);
    ck_model_free(m);
}

/* ---- what scoring compares a customer against --------------------------------------- */

static void test_model__learn_population(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(31, 120);
    ck_dataset *d = population(m);
    if (d == NULL) {
        ck_model_free(m);
        return;
    }
    CHECK(ck_model_contribution_means(m) == NULL);
    CHECK_OK(ck_model_learn_population(m, d, 2, &err));
    /* by hand: each row's contributions, averaged; each row's probability, sorted */
    double sum[5] = { 0 }, prob[5], logit_sum = 0;
    for (size_t i = 0; i < 5; i++) {
        float row[5];
        double contrib[5], base;
        for (size_t j = 0; j < 5; j++)
            row[j] = ck_dataset_column(d, j)[i];
        ck_model_contributions(m, row, contrib, &base);
        double logit = base;
        for (size_t j = 0; j < 5; j++) {
            sum[j] += contrib[j];
            logit += contrib[j];
        }
        logit_sum += logit;
        prob[i] = ck_model_predict_row(m, row);
    }
    const double *means = ck_model_contribution_means(m);
    CHECK(means != NULL);
    double base = ck_model_gbm(m)->base_score, mean_logit = base;
    for (size_t j = 0; means && j < 5; j++) {
        CHECK(same_bits(means[j], sum[j] / 5));
        mean_logit += means[j];
    }
    /* additive: the mean logit is the base plus the mean contributions */
    CHECK_NEAR(mean_logit, logit_sum / 5, 1e-12);
    /* percentiles of five scores (type 7): 0 → the least, 50 → the third, 100 → the most */
    double sorted[5];
    memcpy(sorted, prob, sizeof sorted);
    for (size_t i = 1; i < 5; i++)
        for (size_t k = i; k > 0 && sorted[k] < sorted[k - 1]; k--) {
            double t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    const ck_model_training *t = ck_model_training_of(m);
    CHECK(t->has_score_percentiles);
    CHECK(same_bits(t->score_percentiles[0], sorted[0]));
    CHECK(same_bits(t->score_percentiles[50], sorted[2]));
    CHECK(same_bits(t->score_percentiles[100], sorted[4]));
    CHECK_NEAR(t->score_percentiles[25], sorted[1], 1e-15);
    /* one row per seen stage: each stage's distribution is that one score */
    CHECK_EQ_INT(t->n_stage_percentiles, 4);
    for (size_t s = 0; s < t->n_stage_percentiles; s++)
        CHECK(t->stage_percentiles[s][0] == t->stage_percentiles[s][100]);

    /* the file keeps them exactly */
    save(m, TMP "population.json");
    ck_model *back = NULL;
    CHECK_OK(ck_model_load(&back, TMP "population.json", &err));
    const double *back_means = back ? ck_model_contribution_means(back) : NULL;
    CHECK(back_means != NULL);
    for (size_t j = 0; means && back_means && j < 5; j++)
        CHECK(same_bits(back_means[j], means[j]));
    if (back != NULL)
        check_same_training(ck_model_training_of(back), t);
    ck_model_free(back);

    /* optional (older files have none); when present, one number per feature */
    char *text = slurp(TMP "population.json");
    char *at = text ? strstr(text, "\"contribution_means\"") : NULL;
    CHECK(at != NULL);
    if (at != NULL) {
        char *open = strchr(at, '['), *close = strchr(at, ']');
        char *shorter = malloc(strlen(text) + 1);
        if (shorter != NULL && open && close) {
            /* drop the last number: [a, b, c, d, e] → [a, b, c, d] */
            char *last_comma = close;
            while (last_comma > open && *last_comma != ',')
                last_comma--;
            snprintf(shorter, strlen(text) + 1, "%.*s%s", (int)(last_comma - text), text, close);
            check_load_fails_text(shorter, CK_EINVAL, 0,
                                  "metrics.contribution_means: expected 5 numbers");
            /* without the member: loads, with no means */
            char *before = at;
            while (before > text && *before != ',')
                before--;
            snprintf(shorter, strlen(text) + 1, "%.*s%s", (int)(before - text), text, close + 1);
            spit(TMP "no_means.json", shorter);
            CHECK_OK(ck_model_load(&back, TMP "no_means.json", &err));
            CHECK(back != NULL && ck_model_contribution_means(back) == NULL);
            ck_model_free(back);
        }
        free(shorter);
    }
    free(text);
    ck_dataset_free(d);
    ck_model_free(m);
}

/* Over many rows the contributions are summed on every thread, in runs of 4096 rows
 * added in order: the means have the same bits for any thread count, those of that
 * order by hand, and agree with a plain running sum. */
static void test_model__population_means_in_runs(void)
{
    ck_error err = { 0 };
    ck_model *m = make_model(31, 120);
    const size_t n = 10000;
    const char *stages[] = { "new", "active", "dormant", "churned", "lapsed" };
    const char *channels[] = { "sms", "web", "app", "" };
    FILE *f = fopen(TMP "many.csv", "w");
    CHECK(f != NULL);
    if (f == NULL) {
        ck_model_free(m);
        return;
    }
    fprintf(f, "id,monetary,recency_days,channel,lifecycle_stage,frequency\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "c%zu,%.2f,%zu,%s,%s,%zu\n", i, (double)(i * 7919 % 5000) / 3.0, i * 31 % 400,
                channels[i % 4], stages[i * 13 % 5], i % 23);
    fclose(f);
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = "id";
    opts.schema = ck_model_schema(m);
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, TMP "many.csv", &opts, &err));
    if (d == NULL) {
        ck_model_free(m);
        return;
    }
    double one_thread[5];
    CHECK_OK(ck_model_learn_population(m, d, 1, &err));
    memcpy(one_thread, ck_model_contribution_means(m), sizeof one_thread);
    CHECK_OK(ck_model_learn_population(m, d, 2, &err));
    const double *means = ck_model_contribution_means(m);
    double total[5] = { 0 }, running[5] = { 0 };
    for (size_t lo = 0; lo < n; lo += 4096) {
        double run[5] = { 0 };
        for (size_t i = lo; i < n && i < lo + 4096; i++) {
            float row[5];
            double contrib[5], base;
            for (size_t j = 0; j < 5; j++)
                row[j] = ck_dataset_column(d, j)[i];
            ck_model_contributions(m, row, contrib, &base);
            for (size_t j = 0; j < 5; j++) {
                run[j] += contrib[j];
                running[j] += contrib[j];
            }
        }
        for (size_t j = 0; j < 5; j++)
            total[j] += run[j];
    }
    for (size_t j = 0; j < 5; j++) {
        CHECK(same_bits(means[j], one_thread[j]));
        CHECK(same_bits(means[j], total[j] / (double)n));
        CHECK_NEAR(means[j], running[j] / (double)n, 1e-12 * (1 + fabs(means[j])));
    }
    ck_dataset_free(d);
    ck_model_free(m);
}

/* A reason raises the customer's risk above the average training customer's: a stump
 * whose two leaves both add to the logit is a reason only for the customers on its
 * higher leaf. */
static void test_model__reasons_against_the_training_mean(void)
{
    ck_error err = { 0 };
    ck_gbm *g = bare_gbm(1);
    g->n_stumps = 1;
    /* recency_days > 30 adds 1 to the logit, the rest (missing too) 0.5 */
    g->stumps[0] = (ck__stump){
        .feature = 0, .threshold = 30, .missing_left = true, .left_value = 0.5, .right_value = 1.0
    };
    CHECK_OK(ck__gbm_compile(g, &err));
    ck_gbm_params params = CK_GBM_PARAMS_INIT;
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec);
    fill_training(&training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_new_gbm(&m, g, &params, &spec, &training, &err));
    if (m == NULL)
        return;
    /* recency 3, 70, 219, missing (left), 14.6: contributions 0.5, 1, 1, 0.5, 0.5 */
    ck_dataset *d = population(m);
    CHECK_OK(ck_model_learn_population(m, d, 1, &err));
    const double *means = ck_model_contribution_means(m);
    CHECK(means != NULL && means[0] == 0.7 && means[2] == 0);
    ck_config cfg;
    ck_config_init(&cfg);
    ck_predict_writer w;
    CHECK_OK(ck_predict_writer_init(&w, m, &cfg.predict, NULL, 1, true, false, &err));
    ck_predict_buffer b = { 0 };
    float row[5] = { 70, NAN, NAN, NAN, NAN };
    CHECK_OK(ck_predict_write_row(&w, "x", row, true, false, &b, &err));
    row[0] = 10;
    CHECK_OK(ck_predict_write_row(&w, "y", row, true, false, &b, &err));
    CHECK(b.text != NULL);
    if (b.text != NULL) {
        b.text[b.len] = '\0';
        /* 70 days: 1 − 0.7 above the mean, its reason; 10 days: 0.5 − 0.7, none */
        CHECK(strstr(b.text, "\"customer_id\": \"x\"") != NULL);
        CHECK(strstr(b.text, "\"reason_1\": \"no purchase for 70 days\"") != NULL);
        const char *y = strstr(b.text, "\"customer_id\": \"y\"");
        CHECK(y != NULL && strstr(y, "\"reason_1\": null") != NULL);
    }
    ck_predict_buffer_free(&b);
    ck_predict_writer_free(&w);
    ck_dataset_free(d);
    ck_model_free(m);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_model__table_source_round_trip);
    RUN(test_model__accessors);
    RUN(test_model__train_through_the_registry);
    RUN(test_model__probability_is_stable);
    RUN(test_model__predict_dataset_matches_rows);
    RUN(test_model__learn_population);
    RUN(test_model__population_means_in_runs);
    RUN(test_model__reasons_against_the_training_mean);
    return check_summary();
}
