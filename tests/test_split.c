/*
 * Dataset splits (ck_dataset_split, ck_dataset_split_consume): rows go to either side by
 * a mask, in order, with their ids, labels and the schema's levels; consuming the dataset
 * gives the same halves.
 */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/schema.h"
#include "support/dataset_fixtures.h"

static void test_split__mask_and_consume(void)
{
    ck_dataset *d = basic_dataset();
    if (d == NULL)
        return;
    ck_error err = { 0 };
    const uint8_t mask[] = { 0, 1, 1, 0, 0, 7 };
    ck_dataset *a = NULL, *b = NULL;
    CHECK_OK(ck_dataset_split(d, mask, &a, &b, &err));
    if (a != NULL && b != NULL) {
        CHECK_EQ_INT(ck_dataset_n_rows(a), 3);
        CHECK_EQ_INT(ck_dataset_n_rows(b), 3);
        const char *ids_a[] = { "c1", "c 4", "c5" }, *ids_b[] = { "c2", "c3", "c6" };
        const float age_a[] = { 34, 41.5f, NAN }, age_b[] = { 28, NAN, 19 };
        const float plan_a[] = { 0, 2, NAN }, plan_b[] = { 1, 0, 3 };
        const float y_a[] = { 1, 0, 1 }, y_b[] = { 0, 1, 0 };
        for (size_t i = 0; i < 3; i++) {
            CHECK_EQ_STR(ck_dataset_row_id(a, i), ids_a[i]);
            CHECK_EQ_STR(ck_dataset_row_id(b, i), ids_b[i]);
            CHECK_NEAR(ck_dataset_labels(a)[i], y_a[i], 0);
            CHECK_NEAR(ck_dataset_labels(b)[i], y_b[i], 0);
        }
        check_column(a, "age", age_a, 3);
        check_column(b, "age", age_b, 3);
        check_column(a, "plan", plan_a, 3);
        check_column(b, "plan", plan_b, 3);
        CHECK_EQ_STR(ck_dataset_id_name(b), "id");
        CHECK_EQ_INT(ck_schema_n_levels(ck_dataset_schema(b), feature(b, "zip")), 6);
        CHECK(ck_dataset_weights(a) == NULL);
    }
    ck_dataset_free(a);
    ck_dataset_free(b);
    /* everything on one side */
    const uint8_t none[6] = { 0 };
    CHECK_OK(ck_dataset_split(d, none, &a, &b, &err));
    CHECK(a && b && same_datasets(a, d) && ck_dataset_n_rows(b) == 0);
    ck_dataset_free(a);
    ck_dataset_free(b);
    /* consumed: the same halves, and d is gone */
    ck_dataset *a2 = NULL, *b2 = NULL;
    CHECK_OK(ck_dataset_split(d, mask, &a, &b, &err));
    CHECK_OK(ck_dataset_split_consume(&d, mask, &a2, &b2, &err));
    CHECK(d == NULL);
    CHECK(a && a2 && same_datasets(a, a2));
    CHECK(b && b2 && same_datasets(b, b2));
    ck_dataset_free(a);
    ck_dataset_free(b);
    ck_dataset_free(a2);
    ck_dataset_free(b2);
    ck_dataset_free(d);
}

int main(void)
{
    RUN(test_split__mask_and_consume);
    return check_summary();
}
