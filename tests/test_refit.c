/*
 * Refit after selection (ck_model_train_refit, ck_pipeline_refit_sets,
 * ck_pipeline_split_random_copy). A small table made by a fixed formula (one numeric
 * feature, one categorical, labels from both with a deterministic scramble) is split into
 * 120 training and 60 validation rows; "all" is the same rows, training then validation.
 *
 * Independent references: the boosting rounds early stopping keeps are found by brute
 * force (one model per round count, each validation log loss summed here from its
 * probabilities, the first strict minimum); the refit is compared stump by stump and
 * coefficient by coefficient with ck_gbm_train()/ck_logreg_train() run directly on all
 * rows with the chosen setting; the refit record's rows are counted by hand (120 + 60);
 * the pipeline's all-cutoffs rows against the hand-worked populations and labels of
 * tests/data/features/basic.csv (as in test_pipeline); --no-refit (no "all" rows) against
 * ck_model_train()'s file byte for byte.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/dataset.h"
#include "churnkit/events.h"
#include "churnkit/gbm.h"
#include "churnkit/logreg.h"
#include "churnkit/model.h"
#include "churnkit/pipeline.h"
#include "churnkit/timestamp.h"
#include "learn/gbm/gbm_int.h"

#define TMP    CK_TEST_TMP "/refit_"
#define EVENTS CK_TEST_DATA "/features/basic.csv"

#define N_TRAIN 120
#define N_VALID 60

static const char *const plans[] = { "basic", "plus", "max" };

/* Row i of the table: x in [0, 10), a plan, and a label that rises with x and with the
 * plan, scrambled by a multiplicative hash so that some rows go against the trend. */
static void write_row(FILE *f, int i)
{
    unsigned h = (unsigned)i * 2654435761u;
    double x = (double)((h >> 8) % 1000) / 100.0;
    int plan = (int)((h >> 20) % 3);
    unsigned noise = (h >> 12) % 10;
    int y = (x + 2.0 * plan > 6.0) != (noise < 2);
    fprintf(f, "r%d,%.2f,%s,%d\n", i, x, plans[plan], y);
}

static void write_table(const char *path, int from, int to, int from2, int to2)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fprintf(f, "id,x,plan,y\n");
    for (int i = from; i < to; i++)
        write_row(f, i);
    for (int i = from2; i < to2; i++)
        write_row(f, i);
    fclose(f);
}

typedef struct tables {
    ck_dataset *train, *valid, *all;
} tables;

/* Training rows 0..119, validation rows 120..179, and all of them in that order, the last
 * two read against the training schema. */
static tables read_tables(void)
{
    ck_error err = { 0 };
    tables t = { NULL, NULL, NULL };
    write_table(TMP "train.csv", 0, N_TRAIN, 0, 0);
    write_table(TMP "valid.csv", N_TRAIN, N_TRAIN + N_VALID, 0, 0);
    write_table(TMP "all.csv", 0, N_TRAIN, N_TRAIN, N_TRAIN + N_VALID);
    ck_table_opts o = CK_TABLE_OPTS_INIT;
    o.label = "y";
    o.id = "id";
    CHECK_OK(ck_dataset_read_table(&t.train, TMP "train.csv", &o, &err));
    if (t.train == NULL)
        return t;
    o.schema = ck_dataset_schema(t.train);
    CHECK_OK(ck_dataset_read_table(&t.valid, TMP "valid.csv", &o, &err));
    CHECK_OK(ck_dataset_read_table(&t.all, TMP "all.csv", &o, &err));
    return t;
}

static void free_tables(tables *t)
{
    ck_dataset_free(t->train);
    ck_dataset_free(t->valid);
    ck_dataset_free(t->all);
}

static void fill_spec(ck_model_spec *spec, ck_model_training *training)
{
    memset(spec, 0, sizeof *spec);
    ck_config_init(&spec->config);
    spec->source = CK_SOURCE_TABLE;
    snprintf(spec->label_column, sizeof spec->label_column, "y");
    snprintf(spec->id_column, sizeof spec->id_column, "id");
    memset(training, 0, sizeof *training);
    snprintf(training->created_at, sizeof training->created_at, "2025-06-01T00:00:00Z");
    training->rows = N_TRAIN;
    training->valid_rows = N_VALID;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The model file as text (NULL on failure; free() it). */
static char *saved(const ck_model *m, const char *path)
{
    ck_error err = { 0 };
    FILE *f = fopen(path, "w+b");
    if (f == NULL)
        return NULL;
    CHECK_OK(ck_model_save(m, f, &err));
    long n = ftell(f);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    rewind(f);
    if (text && fread(text, 1, (size_t)n, f) == (size_t)n)
        text[n] = '\0';
    else {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* Mean log loss of probabilities p against the labels of d (no row weights here). */
static double logloss(const double *p, const ck_dataset *d)
{
    const float *y = ck_dataset_labels(d);
    size_t n = ck_dataset_n_rows(d);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum -= y[i] > 0.5f ? log(p[i]) : log(1 - p[i]);
    return sum / (double)n;
}

static void check_same_stumps(const ck_gbm *a, const ck_gbm *b)
{
    CHECK(same_bits(a->base_score, b->base_score));
    CHECK_EQ_INT(a->n_stumps, b->n_stumps);
    for (size_t s = 0; s < a->n_stumps && s < b->n_stumps; s++) {
        const ck__stump *p = &a->stumps[s], *q = &b->stumps[s];
        CHECK_EQ_INT(p->feature, q->feature);
        CHECK(same_bits(p->threshold, q->threshold));
        CHECK_EQ_INT(p->n_left_levels, q->n_left_levels);
        for (size_t k = 0; k < p->n_left_levels && k < q->n_left_levels; k++)
            CHECK_EQ_INT(p->left_levels[k], q->left_levels[k]);
        CHECK_EQ_INT(p->missing_left, q->missing_left);
        CHECK(same_bits(p->left_value, q->left_value));
        CHECK(same_bits(p->right_value, q->right_value));
        CHECK(same_bits(p->gain, q->gain));
    }
}

static ck_gbm_params gbm_params(void)
{
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = 40;
    p.patience = 40; /* never stops early: the rounds kept are the best of all 40 */
    p.learning_rate = 0.5;
    p.min_samples_leaf = 5;
    p.n_threads = 2;
    return p;
}

/* Early stopping's choice by brute force, then the refit against ck_gbm_train() on all
 * rows with that many rounds and patience 0. */
static void test_refit__gbm_equals_training_on_all_rows(void)
{
    ck_error err = { 0 };
    tables t = read_tables();
    if (t.train == NULL || t.valid == NULL || t.all == NULL)
        goto done;
    ck_gbm_params p = gbm_params();

    /* the first round count whose validation loss beats every fewer (by more than the
     * trainer's 1e-12) */
    double prob[N_VALID], best = HUGE_VAL, losses[41];
    int chosen = 0;
    for (int r = 1; r <= p.rounds; r++) {
        ck_gbm_params q = p;
        q.rounds = r;
        q.patience = 0;
        ck_gbm *g = NULL;
        CHECK_OK(ck_gbm_train(&g, t.train, NULL, &q, NULL, NULL, NULL, &err));
        if (g == NULL)
            goto done;
        CHECK_OK(ck_gbm_predict(g, t.valid, prob, 1, &err));
        ck_gbm_free(g);
        losses[r] = logloss(prob, t.valid);
        if (losses[r] < best - 1e-12) {
            best = losses[r];
            chosen = r;
        }
    }
    /* the case is only worth its name if validation stops before the last round */
    CHECK(chosen > 1 && chosen < p.rounds);

    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec, &training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_train_refit(&m, CK_MODEL_GBM_STUMPS, &p, t.train, t.valid, t.all, &spec,
                                  &training, NULL, NULL, &err));
    ck_gbm_params direct_p = p;
    direct_p.rounds = chosen;
    direct_p.patience = 0;
    ck_gbm *direct = NULL;
    ck_gbm_report direct_r;
    CHECK_OK(ck_gbm_train(&direct, t.all, NULL, &direct_p, &direct_r, NULL, NULL, &err));
    if (m != NULL && direct != NULL) {
        check_same_stumps(ck_model_gbm(m), direct);
        const ck_model_training *tr = ck_model_training_of(m);
        CHECK(tr->has_refit);
        CHECK_EQ_INT(tr->refit.rounds, chosen);
        CHECK(tr->refit.C == 0);
        CHECK_EQ_INT(tr->refit.rows, N_TRAIN + N_VALID);
        CHECK_EQ_INT(tr->rows, N_TRAIN); /* the caller's record stays */
        CHECK_EQ_INT(tr->rounds_kept, chosen);
        /* training metrics of the refit on all rows; validation ones of the selection */
        CHECK(same_bits(tr->train_logloss, direct_r.train_logloss));
        CHECK(same_bits(tr->train_auc, direct_r.train_auc));
        CHECK_NEAR(tr->valid_logloss, losses[chosen], 1e-12);
        /* params as given; the report's rounds run are the selection's (no early stop) */
        CHECK_EQ_INT(ck_model_gbm_params(m)->rounds, p.rounds);
        CHECK_EQ_INT(ck_model_gbm_params(m)->patience, p.patience);
        CHECK_EQ_INT(ck_model_gbm_report(m)->rounds_run, p.rounds);
        CHECK_EQ_INT(ck_model_gbm_report(m)->rounds_kept, chosen);

        /* the record reads back */
        ck_model *back = NULL;
        char *text = saved(m, TMP "gbm.json");
        CHECK(text != NULL && strstr(text, "\"refit\":\t{\n\t\t\t\"rounds\":\t") != NULL);
        CHECK_OK(ck_model_load(&back, TMP "gbm.json", &err));
        if (back != NULL) {
            const ck_model_training *b = ck_model_training_of(back);
            CHECK(b->has_refit);
            CHECK_EQ_INT(b->refit.rounds, chosen);
            CHECK_EQ_INT(b->refit.rows, N_TRAIN + N_VALID);
        }
        ck_model_free(back);
        free(text);
    }
    ck_gbm_free(direct);
    ck_model_free(m);
done:
    free_tables(&t);
}

/* Cross-validation chooses C on the training rows; the refit is ck_logreg_train() at that
 * C on all rows, coefficient for coefficient. */
static void test_refit__logreg_equals_training_on_all_rows(void)
{
    ck_error err = { 0 };
    tables t = read_tables();
    if (t.train == NULL || t.valid == NULL || t.all == NULL)
        goto done;
    ck_logreg_params p = CK_LOGREG_PARAMS_INIT;
    p.cv_folds = 3;
    p.n_grid = 3;
    p.grid[0] = 0.001;
    p.grid[1] = 1;
    p.grid[2] = 1000;
    ck_logreg *sel = NULL;
    ck_logreg_report sel_r;
    CHECK_OK(ck_logreg_train(&sel, t.train, t.valid, &p, &sel_r, NULL, NULL, &err));
    ck_logreg_free(sel);

    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec, &training);
    ck_model *m = NULL;
    CHECK_OK(ck_model_train_refit(&m, CK_MODEL_LOGREG, &p, t.train, t.valid, t.all, &spec,
                                  &training, NULL, NULL, &err));
    ck_logreg_params q = p;
    q.C = sel_r.C;
    q.cv_folds = 0;
    ck_logreg *direct = NULL;
    ck_logreg_report direct_r;
    CHECK_OK(ck_logreg_train(&direct, t.all, NULL, &q, &direct_r, NULL, NULL, &err));
    if (m != NULL && direct != NULL) {
        const ck_logreg *lr = ck_model_logreg(m);
        CHECK(same_bits(ck_logreg_intercept(lr, false), ck_logreg_intercept(direct, false)));
        for (size_t j = 0; j < 2; j++) {
            const ck_logreg_feature *a = ck_logreg_feature_at(lr, j),
                                    *b = ck_logreg_feature_at(direct, j);
            CHECK(same_bits(a->center, b->center) && same_bits(a->scale, b->scale));
            CHECK(same_bits(a->coef, b->coef));
            CHECK(same_bits(a->missing_coef, b->missing_coef));
            CHECK_EQ_INT(a->n_levels, b->n_levels);
            for (size_t k = 0; k < a->n_levels && k < b->n_levels; k++)
                CHECK(same_bits(a->level_coefs[k], b->level_coefs[k]));
        }
        CHECK_EQ_INT(ck_logreg_feature_at(lr, 1)->n_levels, 3);
        const ck_model_training *tr = ck_model_training_of(m);
        CHECK(tr->has_refit);
        CHECK(same_bits(tr->refit.C, sel_r.C));
        CHECK_EQ_INT(tr->refit.rounds, 0);
        CHECK_EQ_INT(tr->refit.rows, N_TRAIN + N_VALID);
        CHECK(same_bits(tr->train_logloss, direct_r.train_logloss));
        CHECK(same_bits(tr->valid_logloss, sel_r.valid_logloss));
        CHECK(same_bits(tr->valid_auc, sel_r.valid_auc));
        /* the solver record is the refit's; the cross-validation curve the selection's */
        const ck_logreg_report *r = ck_model_logreg_report(m);
        CHECK(same_bits(r->objective, direct_r.objective));
        CHECK_EQ_INT(r->n_cv, 3);
        for (size_t g = 0; g < 3; g++)
            CHECK(same_bits(r->cv_logloss[g], sel_r.cv_logloss[g]));
        CHECK_EQ_INT(ck_model_logreg_params(m)->cv_folds, 3);

        ck_model *back = NULL;
        char *text = saved(m, TMP "logreg.json");
        CHECK_OK(ck_model_load(&back, TMP "logreg.json", &err));
        if (back != NULL) {
            CHECK(same_bits(ck_model_training_of(back)->refit.C, sel_r.C));
            CHECK_EQ_INT(ck_model_training_of(back)->refit.rows, N_TRAIN + N_VALID);
        }
        ck_model_free(back);
        free(text);
    }
    ck_logreg_free(direct);
    ck_model_free(m);
done:
    free_tables(&t);
}

/* Without rows to refit on (--no-refit), or without validation, the file is byte for byte
 * ck_model_train()'s, with no training.refit. */
static void test_refit__no_refit_is_train(void)
{
    ck_error err = { 0 };
    tables t = read_tables();
    if (t.train == NULL || t.valid == NULL || t.all == NULL)
        goto done;
    ck_gbm_params p = gbm_params();
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec, &training);
    const ck_dataset *valids[2] = { t.valid, NULL }, *alls[2] = { NULL, t.all };
    for (int k = 0; k < 2; k++) {
        ck_model *a = NULL, *b = NULL;
        CHECK_OK(ck_model_train(&a, CK_MODEL_GBM_STUMPS, &p, t.train, valids[k], &spec, &training,
                                NULL, NULL, &err));
        CHECK_OK(ck_model_train_refit(&b, CK_MODEL_GBM_STUMPS, &p, t.train, valids[k], alls[k],
                                      &spec, &training, NULL, NULL, &err));
        if (a != NULL && b != NULL) {
            char *ta = saved(a, TMP "a.json"), *tb = saved(b, TMP "b.json");
            CHECK(ta != NULL && tb != NULL && strcmp(ta, tb) == 0);
            CHECK(tb != NULL && strstr(tb, "\"refit\"") == NULL);
            CHECK(!ck_model_training_of(b)->has_refit);
            free(ta);
            free(tb);
        }
        ck_model_free(a);
        ck_model_free(b);
    }
done:
    free_tables(&t);
}

/* Replace the first `from` in `text` by `to`, into path. */
static void write_edited(const char *path, const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    CHECK(at != NULL);
    FILE *f = fopen(path, "wb");
    if (at == NULL || f == NULL) {
        if (f)
            fclose(f);
        return;
    }
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

/* A file before training.refit loads without it; a broken record names its field. */
static void test_refit__record_is_optional_and_checked(void)
{
    ck_error err = { 0 };
    ck_model *m = NULL;
    CHECK_OK(ck_model_load(&m, CK_MODELS_DIR "/reference/v1-gbm_stumps.json", &err));
    CHECK(m != NULL && !ck_model_training_of(m)->has_refit);
    ck_model_free(m);
    m = NULL;

    tables t = read_tables();
    if (t.train == NULL || t.valid == NULL || t.all == NULL)
        goto done;
    ck_gbm_params p = gbm_params();
    ck_model_spec spec;
    ck_model_training training;
    fill_spec(&spec, &training);
    CHECK_OK(ck_model_train_refit(&m, CK_MODEL_GBM_STUMPS, &p, t.train, t.valid, t.all, &spec,
                                  &training, NULL, NULL, &err));
    char *text = m ? saved(m, TMP "ok.json") : NULL;
    if (text == NULL)
        goto done;
    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        { "\"refit\":\t{", "\"refit\":\t{\"C\": 2, ",
          "training.refit: expected \"rounds\" or \"C\", one of them" },
        { "\"refit\":\t{\n\t\t\t\"rounds\":\t", "\"refit\":\t{\"rounds\":\t0, \"x\":\t",
          "training.refit.rounds: expected at least 1" },
        { "\"refit\":\t{\n\t\t\t\"rounds\"", "\"refit\":\t{\"C\": 0, \"x\"",
          "training.refit.C: expected a positive number" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ck_model *bad = NULL;
        write_edited(TMP "bad.json", text, cases[k].from, cases[k].to);
        CHECK_EQ_INT(ck_model_load(&bad, TMP "bad.json", &err), CK_EINVAL);
        CHECK(bad == NULL);
        char want[512];
        snprintf(want, sizeof want, "%s", cases[k].msg);
        CHECK_REPORT_(strstr(err.msg, want) != NULL, "\"%s\" does not hold \"%s\"", err.msg, want);
    }
    free(text);
done:
    ck_model_free(m);
    free_tables(&t);
}

static int64_t date(const char *s)
{
    int64_t ts = 0;
    ck_date_parse(&ts, s, strlen(s));
    return ts;
}

/* Every cutoff's rows for the refit: the training cutoff's (B, D, F as of 2023-09-01, all
 * churned) then the validation cutoff's (A stays; B, E, F churn as of 2024-03-01); the
 * training and validation sets the same as ck_pipeline_training_sets() gives. */
static void test_refit__pipeline_all_cutoffs(void)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    ck_events_read_opts ropts = CK_EVENTS_READ_OPTS_INIT;
    CHECK_OK(ck_events_read_csv(&ev, EVENTS, &ropts, &err));
    if (ev == NULL)
        return;
    int64_t cutoffs[2] = { date("2024-03-01"), date("2023-09-01") };
    ck_pipeline_training_opts o = { .cutoffs = cutoffs,
                                    .n_cutoffs = 2,
                                    .out_of_time = true,
                                    .events_path = EVENTS,
                                    .n_threads = 2 };
    ck_model_spec spec = { 0 }, spec2 = { 0 };
    ck_config_init(&spec.config);
    ck_config_init(&spec2.config);
    ck_model_training tr = { 0 }, tr2 = { 0 };
    ck_dataset *train = NULL, *valid = NULL, *all = NULL, *train2 = NULL, *valid2 = NULL;
    CHECK_OK(ck_pipeline_refit_sets(&train, &valid, &all, &spec, &tr, ev, &o, &err));
    CHECK_OK(ck_pipeline_training_sets(&train2, &valid2, &spec2, &tr2, ev, &o, &err));
    if (train && valid && all && train2 && valid2) {
        const char *ids[7] = { "B", "D", "F", "A", "B", "E", "F" };
        const float labels[7] = { 1, 1, 1, 0, 1, 1, 1 };
        CHECK_EQ_INT(ck_dataset_n_rows(all), 7);
        for (size_t i = 0; i < 7 && i < ck_dataset_n_rows(all); i++) {
            CHECK_EQ_STR(ck_dataset_row_id(all, i), ids[i]);
            CHECK_NEAR(ck_dataset_labels(all)[i], labels[i], 0);
        }
        /* the features: the training rows then the validation rows, column by column */
        size_t nf = ck_dataset_n_features(train);
        CHECK_EQ_INT(ck_dataset_n_features(all), nf);
        CHECK_EQ_INT(ck_dataset_n_features(train2), nf);
        for (size_t j = 0; j < nf; j++) {
            CHECK(memcmp(ck_dataset_column(all, j), ck_dataset_column(train, j),
                         3 * sizeof(float)) == 0);
            CHECK(memcmp(ck_dataset_column(all, j) + 3, ck_dataset_column(valid, j),
                         4 * sizeof(float)) == 0);
            CHECK(memcmp(ck_dataset_column(train, j), ck_dataset_column(train2, j),
                         3 * sizeof(float)) == 0);
            CHECK(memcmp(ck_dataset_column(valid, j), ck_dataset_column(valid2, j),
                         4 * sizeof(float)) == 0);
        }
        CHECK_EQ_INT(tr.valid_cutoff, tr2.valid_cutoff);
    }
    ck_dataset_free(train);
    ck_dataset_free(valid);
    ck_dataset_free(all);
    ck_dataset_free(train2);
    ck_dataset_free(valid2);

    /* one cutoff: nothing validates, nothing to refit on */
    train = valid = all = NULL;
    o.n_cutoffs = 1;
    o.cutoffs = cutoffs + 1;
    CHECK_OK(ck_pipeline_refit_sets(&train, &valid, &all, &spec, &tr, ev, &o, &err));
    CHECK(train != NULL && valid == NULL && all == NULL);
    ck_dataset_free(train);
    ck_events_free(ev);
}

/* The split that keeps every row gives the same two parts as the consuming one. */
static void test_refit__split_copy_matches_split(void)
{
    ck_error err = { 0 };
    tables t = read_tables();
    if (t.all == NULL)
        goto done;
    ck_dataset *a = NULL, *b = NULL, *whole = NULL, *rest = NULL, *held = NULL;
    ck_table_opts o = CK_TABLE_OPTS_INIT;
    o.label = "y";
    o.id = "id";
    CHECK_OK(ck_dataset_read_table(&whole, TMP "all.csv", &o, &err));
    CHECK_OK(ck_pipeline_split_random_copy(&a, &b, whole, 0.25, 7, &err));
    rest = whole;
    CHECK_OK(ck_pipeline_split_random(&rest, &held, 0.25, 7, &err));
    if (a && b && rest && held) {
        CHECK_EQ_INT(ck_dataset_n_rows(a) + ck_dataset_n_rows(b), N_TRAIN + N_VALID);
        CHECK_EQ_INT(ck_dataset_n_rows(a), ck_dataset_n_rows(rest));
        CHECK_EQ_INT(ck_dataset_n_rows(b), ck_dataset_n_rows(held));
        for (size_t i = 0; i < ck_dataset_n_rows(b) && i < ck_dataset_n_rows(held); i++)
            CHECK_EQ_STR(ck_dataset_row_id(b, i), ck_dataset_row_id(held, i));
        for (size_t j = 0; j < 2; j++)
            CHECK(memcmp(ck_dataset_column(a, j), ck_dataset_column(rest, j),
                         ck_dataset_n_rows(a) * sizeof(float)) == 0);
    }
    ck_dataset_free(a);
    ck_dataset_free(b);
    ck_dataset_free(rest);
    ck_dataset_free(held);
done:
    free_tables(&t);
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_refit__gbm_equals_training_on_all_rows);
    RUN(test_refit__logreg_equals_training_on_all_rows);
    RUN(test_refit__no_refit_is_train);
    RUN(test_refit__record_is_optional_and_checked);
    RUN(test_refit__pipeline_all_cutoffs);
    RUN(test_refit__split_copy_matches_split);
    return check_summary();
}
