/*
 * Uplift models (uplift.h, model type uplift): on features that cannot split, every
 * learner's uplift is exactly the difference of the arms' conversion rates, counted here
 * from the table; a model file round-trips bit for bit; the model is the same for any
 * thread count; the experiment's errors (one arm, an unknown control, an arm with no
 * conversion) name what is wrong. How well the learners rank customers is checked against
 * churn-synth's true uplift by tests/uplift_check.py (ctest uplift_check).
 */
#include <stdlib.h>

#include "base/rng.h"
#include "check.h"
#include "churnkit/churnkit.h"
#include "churnkit/pipeline.h"

#define TABLE CK_TEST_TMP "/uplift_table.csv"

/* An experiment of n customers over arms control, mail and call: converted with
 * probability 0.05 + 0.04·[arm mail]·[x0 > 0] + 0.02·[arm call], drawn from a fixed
 * stream; with `constant`, x0 and x1 are 1 for everyone (nothing to split on). */
static int write_experiment(const char *path, size_t n, bool constant, const char *control_name)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    ck__rng rng;
    ck__rng_seed(&rng, 7, 0);
    const char *arms[3] = { control_name, "mail", "call" };
    fprintf(f, "id,x0,x1,arm,converted\n");
    for (size_t i = 0; i < n; i++) {
        double x0 = constant ? 1 : ck__rng_uniform(&rng) * 2 - 1;
        double x1 = constant ? 1 : ck__rng_uniform(&rng);
        size_t a = i % 3;
        double p = 0.05 + (a == 1 && x0 > 0 ? 0.04 : 0) + (a == 2 ? 0.02 : 0);
        fprintf(f, "c%zu,%.4f,%.4f,%s,%d\n", i, x0, x1, arms[a], ck__rng_uniform(&rng) < p);
    }
    return fclose(f);
}

static int train(ck_model **out, const char *path, ck_uplift_method method, int threads,
                 const char *control, ck_error *err)
{
    ck_uplift_data data = { 0 };
    ck_model_training tr = { 0 };
    ck_model_spec spec = { .source = CK_SOURCE_TABLE };
    ck_config_init(&spec.config);
    ck_uplift_table_opts opts = { "converted", "arm", control, "id", ',', NULL, NULL, 0, 1 };
    ck_uplift_params p = ck_uplift_params_default();
    p.method = method;
    p.gbm.n_threads = threads;
    int rc = ck_pipeline_uplift_table(&data, path, &opts, &tr, err);
    if (rc == CK_OK) {
        p.design = data.design;
        rc = ck_model_train(out, CK_MODEL_UPLIFT, &p, data.rows, NULL, &spec, &tr, NULL, NULL,
                            err);
    }
    ck_uplift_data_free(&data);
    return rc;
}

/* The conversion rate of each arm, counted from the table's text. */
static void count_rates(const char *path, double rate[3])
{
    FILE *f = fopen(path, "r");
    char line[256], arm[32];
    double n[3] = { 0 }, y[3] = { 0 };
    int converted;
    if (f == NULL || fgets(line, sizeof line, f) == NULL)
        return;
    while (fgets(line, sizeof line, f) &&
           sscanf(line, "%*[^,],%*[^,],%*[^,],%31[^,],%d", arm, &converted) == 2) {
        int a = strcmp(arm, "mail") == 0 ? 1 : strcmp(arm, "call") == 0 ? 2 : 0;
        n[a]++;
        y[a] += converted;
    }
    fclose(f);
    for (int a = 0; a < 3; a++)
        rate[a] = y[a] / n[a];
}

static void test_no_split_gives_the_difference_of_rates(void)
{
    ck_error err = { 0 };
    CHECK(write_experiment(TABLE, 6000, true, "control") == 0);
    double rate[3];
    count_rates(TABLE, rate);
    for (int m = 0; m < 2; m++) {
        ck_model *model = NULL;
        CHECK_OK(train(&model, TABLE, m ? CK_UPLIFT_X : CK_UPLIFT_T, 1, NULL, &err));
        if (model == NULL)
            return;
        const ck_uplift *u = ck_model_uplift(model);
        CHECK_EQ_INT(ck_uplift_n_arms(u), 3);
        CHECK_EQ_STR(ck_uplift_arm_at(u, ck_uplift_control(u))->name, "control");
        /* every feature is constant: none is left out, none can split */
        CHECK_EQ_INT(ck_schema_n_features(ck_uplift_schema(u)), 2);
        double p[3], uplift[3];
        float row[2] = { 1, 1 };
        ck_uplift_score_row(u, row, p, uplift);
        long mail = ck_uplift_find_arm(u, "mail"), call = ck_uplift_find_arm(u, "call");
        CHECK(mail > 0 && call > 0);
        CHECK_NEAR(p[0], rate[0], 1e-5);
        CHECK_NEAR(p[mail], rate[1], 1e-5);
        CHECK_NEAR(uplift[mail], rate[1] - rate[0], 1e-5);
        CHECK_NEAR(uplift[call], rate[2] - rate[0], 1e-5);
        /* no economics: the arm with the larger uplift, when above 0 */
        double net;
        long best = ck_uplift_best_arm(u, uplift, &net);
        long expected = rate[1] - rate[0] >= rate[2] - rate[0] ? mail : call;
        CHECK_EQ_INT(best, fmax(rate[1], rate[2]) > rate[0] ? expected : -1);
        ck_model_free(model);
    }
}

/* Save a model into memory. */
static char *saved(const ck_model *model, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    ck_error err = { 0 };
    if (f == NULL)
        return NULL;
    int rc = ck_model_save(model, f, &err);
    fclose(f);
    if (rc < 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void test_round_trip_and_threads(void)
{
    ck_error err = { 0 };
    /* arms of 33,000 rows: boosting splits them between two workers */
    CHECK(write_experiment(TABLE, 99000, false, "control") == 0);
    for (int m = 0; m < 2; m++) {
        ck_model *one = NULL, *two = NULL, *back = NULL;
        CHECK_OK(train(&one, TABLE, m ? CK_UPLIFT_X : CK_UPLIFT_T, 1, NULL, &err));
        CHECK_OK(train(&two, TABLE, m ? CK_UPLIFT_X : CK_UPLIFT_T, 2, NULL, &err));
        size_t len1 = 0, len2 = 0, len3 = 0;
        char *a = one ? saved(one, &len1) : NULL, *b = two ? saved(two, &len2) : NULL;
        CHECK(a && b && len1 == len2 && memcmp(a, b, len1) == 0);
        const char *path = CK_TEST_TMP "/uplift_model.json";
        FILE *f = fopen(path, "w");
        CHECK(f && a && fwrite(a, 1, len1, f) == len1);
        if (f)
            fclose(f);
        CHECK_OK(ck_model_load(&back, path, &err));
        char *c = back ? saved(back, &len3) : NULL;
        CHECK(a && c && len1 == len3 && memcmp(a, c, len1) == 0);
        if (one && back) {
            /* every score the same after the round trip, and the mail arm's uplift ranks
             * x0 > 0 above x0 <= 0, where the simulation put the effect */
            const ck_uplift *u = ck_model_uplift(one), *v = ck_model_uplift(back);
            long mail = ck_uplift_find_arm(u, "mail");
            double p1[3], u1[3], p2[3], u2[3], high = 0, low = 0;
            for (int k = 0; k < 200; k++) {
                float row[2] = { (float)(k % 20) / 10.0f - 0.95f, (float)(k / 20) / 10.0f };
                ck_uplift_score_row(u, row, p1, u1);
                ck_uplift_score_row(v, row, p2, u2);
                for (int arm = 0; arm < 3; arm++)
                    CHECK(p1[arm] == p2[arm] && u1[arm] == u2[arm]);
                *(row[0] > 0 ? &high : &low) += u1[mail];
            }
            CHECK(high / 100 > low / 100 + 0.01);
        }
        free(a);
        free(b);
        free(c);
        ck_model_free(one);
        ck_model_free(two);
        ck_model_free(back);
    }
}

/* The error of training on `text` as a table. */
static void expect_error(const char *text, const char *control, long line, const char *message)
{
    ck_error err = { 0 };
    FILE *f = fopen(TABLE, "w");
    CHECK(f && fputs(text, f) >= 0);
    if (f)
        fclose(f);
    ck_model *model = NULL;
    CHECK(train(&model, TABLE, CK_UPLIFT_T, 1, control, &err) < 0);
    CHECK_REPORT_(strstr(err.msg, message) != NULL, "\"%s\" lacks \"%s\"", err.msg, message);
    CHECK_EQ_INT(err.line, line);
    ck_model_free(model);
}

static void test_bad_experiments(void)
{
    expect_error("id,x,arm,converted\na,1,mail,1\nb,2,mail,0\n", NULL, 0,
                 "the treatment has one arm only (\"mail\")");
    expect_error("id,x,arm,converted\na,1,mail,1\nb,2,ctl,0\n", "control", 0,
                 "unknown control arm \"control\": the arms are \"mail\", \"ctl\"");
    expect_error("id,x,arm,converted\na,1,mail,1\nb,2,ctl,0\n", NULL, 0,
                 "no arm is named \"control\": name the control arm with --control");
    expect_error("id,x,arm,converted\na,1,mail,0\nb,2,control,0\nc,3,control,1\n", NULL, 0,
                 "arm \"mail\" has no conversion (0 of 1 customers converted)");
    expect_error("id,x,arm,converted\na,1,mail,1\nb,2,,0\n", NULL, 3, "missing arm");
    /* a 0/1 treatment flag: 0 is the control */
    ck_error err = { 0 };
    ck_model *model = NULL;
    FILE *f = fopen(TABLE, "w");
    CHECK(f && fputs("id,x,t,converted\na,1,1,1\nb,2,0,0\nc,2,0,1\nd,1,1,0\n", f) >= 0);
    if (f)
        fclose(f);
    ck_uplift_data data = { 0 };
    ck_uplift_table_opts opts = { "converted", "t", NULL, "id", ',', NULL, NULL, 0, 1 };
    ck_model_training tr = { 0 };
    CHECK_OK(ck_pipeline_uplift_table(&data, TABLE, &opts, &tr, &err));
    CHECK_EQ_STR(data.design.names[data.design.control], "0");
    CHECK_EQ_INT(data.arm_of[0], 1);
    CHECK_EQ_INT(data.arm_of[1], 0);
    ck_uplift_data_free(&data);
    ck_model_free(model);
}

/* A column the treatment moved (measured after assignment) is named; the features drawn
 * before it are not. */
static void test_balance_names_a_leaking_column(void)
{
    ck_error err = { 0 };
    FILE *f = fopen(TABLE, "w");
    ck__rng rng;
    ck__rng_seed(&rng, 11, 0);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fprintf(f, "id,x0,spend,arm,converted\n");
    for (int i = 0; i < 4000; i++) {
        bool treated = i % 2;
        int y = ck__rng_uniform(&rng) < (treated ? 0.12 : 0.06);
        /* spend follows the outcome the treatment raised */
        fprintf(f, "c%d,%.4f,%.2f,%s,%d\n", i, ck__rng_uniform(&rng),
                y ? 20 + 10 * ck__rng_uniform(&rng) : 0.0, treated ? "mail" : "control", y);
    }
    fclose(f);
    ck_uplift_data data = { 0 };
    ck_model_training tr = { 0 };
    ck_model_spec spec = { .source = CK_SOURCE_TABLE };
    ck_config_init(&spec.config);
    ck_uplift_table_opts opts = { "converted", "arm", NULL, "id", ',', NULL, NULL, 0, 1 };
    ck_uplift_params p = ck_uplift_params_default();
    ck_model *model = NULL;
    CHECK_OK(ck_pipeline_uplift_table(&data, TABLE, &opts, &tr, &err));
    p.design = data.design;
    CHECK_OK(ck_model_train(&model, CK_MODEL_UPLIFT, &p, data.rows, NULL, &spec, &tr, NULL, NULL,
                            &err));
    if (model != NULL) {
        ck_pipeline_uplift_balance(model, &data);
        const ck_model_training *t = ck_model_training_of(model);
        CHECK_EQ_INT(t->n_warnings, 1);
        CHECK(strstr(t->warnings[0], "column \"spend\" differs between arm \"mail\"") != NULL);
    }
    ck_model_free(model);
    ck_uplift_data_free(&data);
}

int main(void)
{
    RUN(test_no_split_gives_the_difference_of_rates);
    RUN(test_round_trip_and_threads);
    RUN(test_bad_experiments);
    RUN(test_balance_names_a_leaking_column);
    return check_summary();
}
