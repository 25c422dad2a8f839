/*
 * Datasets built from feature tables (ck_dataset_from_features): columns, kinds and ids
 * as the feature table holds them, tables of several cutoffs stacked with their
 * categorical levels merged, labels and the population they leave out, and a schema the
 * tables do not match.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "churnkit/customers.h"
#include "churnkit/dataset.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/schema.h"
#include "churnkit/timestamp.h"
#include "support/dataset_fixtures.h"

/* ---- feature tables -------------------------------------------------------------------- */

static ck_events *events_basic(void)
{
    ck_error err = { 0 };
    ck_events *ev = NULL;
    CHECK_OK(ck_events_read_csv(&ev, CK_TEST_DATA "/features/basic.csv", NULL, &err));
    return ev;
}

static ck_features *features_at(const ck_events *ev, const char *day, const char *customers,
                                bool all)
{
    ck_error err = { 0 };
    ck_customers *cu = NULL;
    if (customers != NULL)
        CHECK_OK(ck_customers_read_csv(&cu, customers, NULL, &err));
    int64_t cutoff = 0;
    ck_date_parse(&cutoff, day, strlen(day));
    ck_features_opts fo = CK_FEATURES_OPTS_INIT;
    fo.customers = cu;
    fo.all_customers = all;
    ck_features *f = NULL;
    CHECK_OK(ck_features_build(&f, ev, cutoff, &fo, &err));
    ck_customers_free(cu);
    return f;
}

static void test_dataset_features__values(void)
{
    ck_events *ev = events_basic();
    ck_features *f = ev ? features_at(ev, "2024-03-01", NULL, false) : NULL;
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    const ck_features *tables[] = { f };
    if (f != NULL)
        CHECK_OK(ck_dataset_from_features(&d, tables, 1, true, NULL, &err));
    if (d != NULL) {
        /* every column is a feature, in the table's order and kinds */
        const ck_schema *s = ck_dataset_schema(d);
        CHECK_EQ_INT(ck_dataset_n_features(d), ck_features_n_columns(f));
        for (size_t j = 0; j < ck_features_n_columns(f) && j < ck_schema_n_features(s); j++) {
            CHECK_EQ_STR(ck_schema_name(s, j), ck_features_column_name(f, j));
            CHECK_EQ_INT(ck_schema_kind(s, j) == CK_FEATURE_CATEGORICAL,
                         ck_features_is_categorical(f, j));
        }
        CHECK_EQ_STR(ck_dataset_id_name(d), "customer_id");
        const char *ids[] = { "A", "B", "E", "F" };
        for (size_t i = 0; i < 4; i++)
            CHECK_EQ_STR(ck_dataset_row_id(d, i), ids[i]);
        /* as test_features works them out: A, B, E, F */
        const float recency[] = { 20, 305, 15, 213 };
        check_column(d, "recency_days", recency, 4);
        const float gap[] = { 35.5f, NAN, NAN, 61 };
        check_column(d, "mean_gap_days", gap, 4);
        const float aov[] = { (float)(200.0 / 3.0), 50, 25, 150 };
        check_column(d, "avg_order_value", aov, 4);
        /* stages keep the builder's order: prospect, new, active, dormant, churned */
        const char *stages[] = { "prospect", "new", "active", "dormant", "churned" };
        check_levels(d, "lifecycle_stage", stages, 5);
        const float stage[] = { 2, 4, 1, 3 };
        check_column(d, "lifecycle_stage", stage, 4);
        const float y[] = { 0, 1, 1, 1 };
        for (size_t i = 0; i < 4; i++)
            CHECK_NEAR(ck_dataset_labels(d)[i], y[i], 0);
    }
    ck_dataset_free(d);
    ck_features_free(f);
    ck_events_free(ev);
}

static void test_dataset_features__stacks_cutoffs(void)
{
    ck_events *ev = events_basic();
    if (ev == NULL)
        return;
    /* tier levels: [gold, silver] at 03-01 (customers.csv: A gold, B silver) and
     * [silver, platinum] at 02-01 (customers_b.csv: A silver, B platinum) */
    ck_features *f1 = features_at(ev, "2024-03-01", CK_TEST_DATA "/features/customers.csv", false);
    ck_features *f2 = features_at(ev, "2024-02-01", DATA "customers_b.csv", false);
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    const ck_features *tables[] = { f1, f2 };
    if (f1 && f2)
        CHECK_OK(ck_dataset_from_features(&d, tables, 2, true, NULL, &err));
    if (d != NULL) {
        /* 02-01: the population is A, B and F (E buys first on 02-15) */
        const char *ids[] = { "A", "B", "E", "F", "A", "B", "F" };
        CHECK_EQ_INT(ck_dataset_n_rows(d), 7);
        for (size_t i = 0; i < 7 && i < ck_dataset_n_rows(d); i++)
            CHECK_EQ_STR(ck_dataset_row_id(d, i), ids[i]);
        /* 02-01: A last bought 2024-01-01, B 2023-05-01, F 2023-08-01 (Python datetime) */
        const float recency[] = { 20, 305, 15, 213, 31, 276, 184 };
        check_column(d, "recency_days", recency, 7);
        const char *tiers[] = { "gold", "silver", "platinum" };
        check_levels(d, "tier", tiers, 3);
        const float tier[] = { 0, 1, NAN, NAN, 1, 2, NAN };
        check_column(d, "tier", tier, 7);
        const float age[] = { 34, NAN, 29, NAN, 35, 51, NAN };
        check_column(d, "age", age, 7);
        /* 02-01, horizon to 05-01: A buys on 02-10; B cancelled; F never again */
        const float y[] = { 0, 1, 1, 1, 0, 1, 1 };
        for (size_t i = 0; i < 7 && i < ck_dataset_n_rows(d); i++)
            CHECK_NEAR(ck_dataset_labels(d)[i], y[i], 0);
    }

    /* aligned to that schema, a table coded alone gets the same codes; an unknown level
     * is coded n_levels */
    ck_dataset *d2 = NULL;
    const ck_features *second[] = { f2 };
    if (d != NULL && f2 != NULL)
        CHECK_OK(ck_dataset_from_features(&d2, second, 1, true, ck_dataset_schema(d), &err));
    if (d2 != NULL) {
        const float tier[] = { 1, 2, NAN };
        check_column(d2, "tier", tier, 3);
        ck_dataset_free(d2);
        d2 = NULL;
    }
    const ck_features *first[] = { f1 };
    ck_dataset *only1 = NULL;
    if (f1 && f2)
        CHECK_OK(ck_dataset_from_features(&only1, first, 1, true, NULL, &err));
    if (only1 != NULL) {
        CHECK_OK(ck_dataset_from_features(&d2, second, 1, true, ck_dataset_schema(only1), &err));
        const float tier[] = { 1, 2, NAN }; /* silver; platinum unseen (2 levels) */
        if (d2 != NULL)
            check_column(d2, "tier", tier, 3);
        ck_dataset_free(d2);
        ck_dataset_free(only1);
    }
    ck_dataset_free(d);
    ck_features_free(f1);
    ck_features_free(f2);
    ck_events_free(ev);
}

static void test_dataset_features__labels(void)
{
    ck_events *ev = events_basic();
    if (ev == NULL)
        return;
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    /* everyone: C and D are outside the population (label -1) and are left out */
    ck_features *all = features_at(ev, "2024-03-01", NULL, true);
    const ck_features *t1[] = { all };
    if (all != NULL)
        CHECK_OK(ck_dataset_from_features(&d, t1, 1, true, NULL, &err));
    if (d != NULL) {
        CHECK_EQ_INT(ck_features_n_rows(all), 6);
        CHECK_EQ_INT(ck_dataset_n_rows(d), 4);
        CHECK_EQ_STR(ck_dataset_row_id(d, 2), "E");
        ck_dataset_free(d);
        d = NULL;
    }
    /* the horizon after 2024-06-01 runs past the last event: no labels */
    ck_features *late = features_at(ev, "2024-06-01", NULL, false);
    const ck_features *t2[] = { all, late };
    if (late != NULL) {
        d = (ck_dataset *)&err;
        CHECK_EQ_INT(ck_dataset_from_features(&d, t2, 2, true, NULL, &err), CK_EINVAL);
        CHECK(d == NULL);
        CHECK_EQ_STR(err.msg, "no labels: the horizon after cutoff 2024-06-01 runs past the end "
                              "of the data");
        /* for scoring: no labels, and every row kept */
        CHECK_OK(ck_dataset_from_features(&d, t2, 2, false, NULL, &err));
    }
    if (d != NULL) {
        CHECK(ck_dataset_labels(d) == NULL);
        CHECK_EQ_INT(ck_dataset_n_rows(d), 6 + ck_features_n_rows(late));
        ck_dataset_free(d);
    }
    ck_error err2 = { 0 };
    CHECK_EQ_INT(ck_dataset_from_features(&d, t2, 0, false, NULL, &err2), CK_EINVAL);
    ck_features_free(all);
    ck_features_free(late);
    ck_events_free(ev);
}

static void test_dataset_features__schema_errors(void)
{
    ck_events *ev = events_basic();
    ck_features *f = ev ? features_at(ev, "2024-02-01", NULL, false) : NULL;
    if (f == NULL) {
        ck_events_free(ev);
        return;
    }
    ck_error err = { 0 };
    ck_schema *s = NULL;
    ck_dataset *d = NULL;
    const ck_features *tables[] = { f };
    CHECK_OK(ck_schema_new(&s, &err));
    CHECK(ck_schema_add_feature(s, "frequency", CK_FEATURE_NUMERIC, &err) == 0);
    CHECK(ck_schema_add_feature(s, "foo", CK_FEATURE_NUMERIC, &err) == 1);
    CHECK_EQ_INT(ck_dataset_from_features(&d, tables, 1, true, s, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "the feature table for cutoff 2024-02-01 has no column \"foo\"");
    ck_schema_free(s);
    CHECK_OK(ck_schema_new(&s, &err));
    CHECK(ck_schema_add_feature(s, "lifecycle_stage", CK_FEATURE_NUMERIC, &err) == 0);
    CHECK_EQ_INT(ck_dataset_from_features(&d, tables, 1, true, s, &err), CK_EINVAL);
    CHECK_EQ_STR(err.msg, "column \"lifecycle_stage\" is categorical in the feature table for "
                          "cutoff 2024-02-01 but numeric in the schema");
    CHECK(d == NULL);
    ck_schema_free(s);
    ck_features_free(f);
    ck_events_free(ev);
}

int main(void)
{
    RUN(test_dataset_features__values);
    RUN(test_dataset_features__stacks_cutoffs);
    RUN(test_dataset_features__labels);
    RUN(test_dataset_features__schema_errors);
    return check_summary();
}
