/*
 * The value model end to end through the library's pipeline and model file: the CDNOW
 * sample (tests/data/cdnow) as an event log and as its summary table gives Fader, Hardie
 * & Lee's published estimates; the file reads back to the same model; the summary of a
 * small hand-worked log (days, refunds netted out of spend); bad summary rows named by
 * file and line; scores and the out-of-time evaluation of the pipeline equal the library's
 * formulas on the same customers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "churnkit/pipeline.h"
#include "churnkit/timestamp.h"

#define CDNOW CK_TEST_DATA "/cdnow/"
#define BAD CK_TEST_TMP "/value_bad.csv"

/* CDNOW_sample.txt (master id, sample id, YYYYMMDD, CDs, dollars) as an event CSV. */
static int write_cdnow_events(const char *path)
{
    gzFile in = gzopen(CDNOW "CDNOW_sample.txt.gz", "rb");
    FILE *out = fopen(path, "w");
    char line[256];
    if (in == NULL || out == NULL)
        return -1;
    fputs("customer_id,ts,event,amount\n", out);
    while (gzgets(in, line, sizeof line)) {
        long master, id, date, cds;
        double dollars;
        if (sscanf(line, "%ld %ld %ld %ld %lf", &master, &id, &date, &cds, &dollars) == 5)
            fprintf(out, "%04ld,%04ld-%02ld-%02ld,purchase,%.2f\n", id, date / 10000,
                    date / 100 % 100, date % 100, dollars);
    }
    gzclose(in);
    return fclose(out);
}

static int64_t date(const char *s)
{
    int64_t t = 0;
    ck_date_parse(&t, s, strlen(s));
    return t;
}

static ck_model *train(const ck_dataset *rows, ck_model_source source, double days_per_unit)
{
    ck_bgnbd_train_params p = CK_BGNBD_TRAIN_PARAMS_INIT;
    p.days_per_unit = days_per_unit;
    ck_model_spec spec = { .source = source };
    ck_config_init(&spec.config);
    ck_model_training tr = { .rows = ck_dataset_n_rows(rows) };
    ck_model *model = NULL;
    ck_error err = { 0 };
    CHECK_OK(ck_model_train(&model, CK_MODEL_BGNBD, &p, rows, NULL, &spec, &tr, NULL, NULL, &err));
    return model;
}

/* FHL 2005 section 5 and the 2013 Gamma-Gamma note, to their printed digits. */
static void check_published(const ck_bgnbd_model *m, double gamma)
{
    CHECK_NEAR(m->purchases.params.r, 0.243, 0.0005);
    CHECK_NEAR(m->purchases.params.alpha, 4.414, 0.0005);
    CHECK_NEAR(m->purchases.params.a, 0.793, 0.0005);
    CHECK_NEAR(m->purchases.params.b, 2.426, 0.0005);
    CHECK_NEAR(m->purchases.log_likelihood, -9582.4, 0.05);
    CHECK(m->has_spend);
    CHECK_NEAR(m->spend.params.p, 6.25, 0.005);
    CHECK_NEAR(m->spend.params.q, 3.74, 0.005);
    CHECK_NEAR(m->spend.params.gamma, gamma, 0.005);
    CHECK_EQ_INT(m->n_customers, 2357);
    CHECK_EQ_INT(m->n_repeat_buyers, 946);
    CHECK_EQ_INT(m->spend.n_customers, 946);
}

static void test_value__cdnow_events_and_table(void)
{
    ck_error err = { 0 };
    CHECK(write_cdnow_events(CK_TEST_TMP "/value_cdnow.csv") == 0);
    ck_events *ev = NULL;
    CHECK_OK(ck_events_read_csv(&ev, CK_TEST_TMP "/value_cdnow.csv", NULL, &err));
    ck_value_summary s;
    CHECK_OK(ck_pipeline_value_summary(&s, ev, date("1997-10-01"), 7.0, true, &err));
    ck_dataset *rows = NULL;
    CHECK_OK(ck_pipeline_value_dataset(&rows, ev, &s, &err));
    ck_model *model = train(rows, CK_SOURCE_EVENTS, 7.0);
    /* the log's unrounded spend puts the maximum at gamma 15.4435 (test_bgnbd) */
    check_published(ck_model_bgnbd(model), 15.44);
    CHECK(!ck_model_gives_churn(model));
    double prob;
    CHECK(ck_model_predict(model, rows, &prob, 1, &err) == CK_EINVAL);

    /* the file reads back to the same model */
    FILE *f = fopen(CK_TEST_TMP "/value_model.json", "w");
    CHECK_OK(ck_model_save(model, f, &err));
    fclose(f);
    ck_model *back = NULL;
    CHECK_OK(ck_model_load(&back, CK_TEST_TMP "/value_model.json", &err));
    const ck_bgnbd_model *a = ck_model_bgnbd(model), *b = ck_model_bgnbd(back);
    CHECK(b != NULL && strcmp(ck_model_type_name(back), "bgnbd") == 0);
    const ck_bgnbd_params *pa = &a->purchases.params, *pb = &b->purchases.params;
    CHECK(pa->r == pb->r && pa->alpha == pb->alpha && pa->a == pb->a && pa->b == pb->b &&
          pa->no_dropout == pb->no_dropout);
    CHECK(memcmp(&a->spend.params, &b->spend.params, sizeof a->spend.params) == 0);
    CHECK(a->purchases.log_likelihood == b->purchases.log_likelihood);
    CHECK(a->spend.log_likelihood == b->spend.log_likelihood);
    CHECK(a->purchases.se_b == b->purchases.se_b && a->days_per_unit == 7.0 &&
          b->days_per_unit == 7.0);
    CHECK(a->mean_age == b->mean_age && a->n_repeat_buyers == b->n_repeat_buyers);

    /* scores from events are the library's formulas on the same summaries */
    FILE *out = fopen(CK_TEST_TMP "/value_scores.csv", "w");
    ck_value_score_opts vo = { 273, 0.10, 2, false, 0, 1 };
    size_t n_rows = 0;
    CHECK_OK(ck_pipeline_value_score_events(ev, back, date("1997-10-01"), &vo, out,
                                            CK_TEST_TMP "/value_scores.csv", &n_rows, &err));
    fclose(out);
    CHECK_EQ_INT(n_rows, 2357);
    out = fopen(CK_TEST_TMP "/value_scores.csv", "r");
    char line[512], id[32];
    CHECK(fgets(line, sizeof line, out) != NULL);
    CHECK_EQ_STR(line, "customer_id,frequency,recency,T,monetary_value,p_alive,"
                       "expected_purchases,expected_spend,clv\n");
    CHECK(fgets(line, sizeof line, out) != NULL);
    double x, t_x, T, m, alive, expected, spend, clv;
    CHECK(sscanf(line, "%31[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", id, &x, &t_x, &T, &m, &alive,
                 &expected, &spend, &clv) == 9);
    fclose(out);
    CHECK_EQ_STR(id, "0001");
    double want;
    CHECK_OK(ck_bgnbd_expected_purchases(&want, &b->purchases.params, s.x[0], s.t_x[0], s.T[0],
                                         39.0, &err));
    CHECK_NEAR(expected, want, 5e-9);
    CHECK_OK(ck_bgnbd_p_alive(&want, &b->purchases.params, s.x[0], s.t_x[0], s.T[0], &err));
    CHECK_NEAR(alive, want, 5e-9);
    double e_spend;
    CHECK_OK(ck_gammagamma_expected_spend(&e_spend, &b->spend.params, s.x[0], s.spend[0], &err));
    CHECK_NEAR(spend, e_spend, 5e-5);
    ck_clv_options clv_opts = { 39.0, 365.25 / 7, 0.10 };
    CHECK_OK(ck_bgnbd_clv(&want, &b->purchases.params, s.x[0], s.t_x[0], s.T[0], e_spend,
                          &clv_opts, &err));
    CHECK_NEAR(clv, want, 5e-5);

    /* the summary table (spend rounded to cents) gives the same purchase model */
    ck_value_columns cols = { "x", "t_x", "T", "zbar", "ID", ',' };
    ck_dataset *table = NULL;
    CHECK_OK(ck_pipeline_value_table(&table, CDNOW "cdnow_customers_summary_with_transactions.csv.gz",
                                     &cols, &err));
    ck_model *from_table = train(table, CK_SOURCE_TABLE, 7.0);
    check_published(ck_model_bgnbd(from_table), 15.448);

    ck_model_free(from_table);
    ck_dataset_free(table);
    ck_model_free(back);
    ck_model_free(model);
    ck_dataset_free(rows);
    ck_value_summary_free(&s);
    ck_events_free(ev);
}

/* A hand-worked log: C buys on days 0, 5 (twice: one transaction of 20 + 4) and 9, with a
 * refund of 3 on day 0 (the first purchase's, not netted) and one of 6 on day 9; D buys
 * once; E only after the cutoff (day 20). Cutoff day 12: the last day of history is 11. */
static void test_value__summary_by_hand(void)
{
    FILE *f = fopen(CK_TEST_TMP "/value_small.csv", "w");
    fputs("customer_id,ts,event,amount\n"
          "C,2024-01-01T10:00:00,purchase,10\n"
          "C,2024-01-01T11:00:00,refund,3\n"
          "C,2024-01-06T09:00:00,purchase,20\n"
          "C,2024-01-06T18:00:00,purchase,4\n"
          "C,2024-01-10T09:00:00,purchase,30\n"
          "C,2024-01-10T10:00:00,refund,6\n"
          "D,2024-01-03T10:00:00,purchase,8\n"
          "E,2024-01-21T10:00:00,purchase,5\n",
          f);
    fclose(f);
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK_OK(ck_events_read_csv(&ev, CK_TEST_TMP "/value_small.csv", NULL, &err));
    ck_value_summary s;
    CHECK_OK(ck_pipeline_value_summary(&s, ev, date("2024-01-12"), 1.0, true, &err));
    CHECK_EQ_INT(s.n, 2);
    CHECK_EQ_STR(ck_events_customer_id(ev, s.customer[0]), "C");
    CHECK_NEAR(s.x[0], 2, 0);
    CHECK_NEAR(s.t_x[0], 9, 0);
    CHECK_NEAR(s.T[0], 10, 0);
    CHECK_NEAR(s.spend[0], (24.0 + 30.0 - 6.0) / 2, 1e-12);
    CHECK_EQ_STR(ck_events_customer_id(ev, s.customer[1]), "D");
    CHECK_NEAR(s.x[1], 0, 0);
    CHECK_NEAR(s.T[1], 8, 0);
    ck_value_summary_free(&s);
    /* in weeks */
    CHECK_OK(ck_pipeline_value_summary(&s, ev, date("2024-01-12"), 7.0, false, &err));
    CHECK_NEAR(s.t_x[0], 9.0 / 7, 1e-15);
    CHECK(s.spend == NULL);
    ck_value_summary_free(&s);
    CHECK(ck_pipeline_value_summary(&s, ev, date("2024-01-01"), 1.0, true, &err) == CK_EINVAL);
    ck_events_free(ev);
}

static void check_bad_table(const char *text, const char *message)
{
    FILE *f = fopen(BAD, "w");
    fputs(text, f);
    fclose(f);
    ck_value_columns cols = { "x", "t_x", "T", "m", "id", ',' };
    ck_dataset *d = NULL;
    ck_error err = { 0 };
    CHECK(ck_pipeline_value_table(&d, BAD, &cols, &err) < 0);
    CHECK(d == NULL);
    CHECK_EQ_STR(err.msg, message);
    CHECK_EQ_STR(err.file, BAD);
}

static void test_value__bad_table_rows(void)
{
    check_bad_table("id,x,t_x,T,m\na,1,2,3,4\nb,1.5,2,3,4\n",
                    "repeat purchases x must be a whole number >= 0, got 1.5");
    check_bad_table("id,x,t_x,T,m\na,1,4,3,4\n",
                    "recency t_x must be in [0, T = 3], got 4");
    check_bad_table("id,x,t_x,T,m\na,0,1,3,0\n",
                    "recency t_x must be 0 without repeat purchases, got 1");
    check_bad_table("id,x,t_x,T,m\na,1,1,3,-2\n",
                    "monetary value must be >= 0, got -2 in column \"m\"");
    check_bad_table("id,x,t_x,T,m\na,1,1,,2\n", "column \"T\" is empty");
    check_bad_table("id,x,t_x,T,m\n", "no customer rows");
    FILE *f = fopen(BAD, "w");
    fputs("id,x,t_x,T,m\na,1,1,3,2\nb,2,1,3,2\nc,2,5,3,2\n", f);
    fclose(f);
    ck_value_columns cols = { "x", "t_x", "T", "m", "id", ',' };
    ck_dataset *d = NULL;
    ck_error err = { 0 };
    CHECK(ck_pipeline_value_table(&d, BAD, &cols, &err) == CK_EINVAL);
    CHECK_EQ_INT(err.line, 4);
}

int main(void)
{
    RUN(test_value__cdnow_events_and_table);
    RUN(test_value__summary_by_hand);
    RUN(test_value__bad_table_rows);
    return check_summary();
}
