/* Customer attribute tests: typing of columns, missing values, signup dates, errors. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/config.h"
#include "churnkit/customers.h"

#define TMP CK_TEST_TMP "/customers_"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_customers__columns_typed_and_missing_values(void)
{
    ck_error err = { 0 };
    ck_customers *cu = NULL;
    write_file(TMP "typed.csv", "tier, customer_id ,age,signup_date,score\r\n"
                                "gold,a,34,2023-01-02,1e3\r\n"
                                " silver ,b,NA,,?\r\n"
                                "null,c, 41 ,2023-01-03T10:00:00Z,-2.5\r\n");
    CHECK_OK(ck_customers_read_csv(&cu, TMP "typed.csv", NULL, &err));
    if (cu == NULL)
        return;
    CHECK_EQ_INT(ck_customers_n_rows(cu), 3);
    CHECK_EQ_INT(ck_customers_n_attributes(cu), 3); /* tier, age, score */
    CHECK_EQ_STR(ck_customers_attribute_name(cu, 0), "tier");
    CHECK_EQ_STR(ck_customers_attribute_name(cu, 1), "age");
    CHECK_EQ_STR(ck_customers_attribute_name(cu, 2), "score");
    CHECK(ck_customers_attribute_is_categorical(cu, 0));
    CHECK(!ck_customers_attribute_is_categorical(cu, 1));
    CHECK(!ck_customers_attribute_is_categorical(cu, 2));
    long b = ck_customers_find(cu, "b", 1), c = ck_customers_find(cu, "c", 1);
    CHECK_EQ_INT(ck_customers_find(cu, "a", 1), 0);
    CHECK_EQ_INT(ck_customers_find(cu, "zz", 2), -1);
    CHECK_EQ_STR(ck_customers_string(cu, 0, 0), "gold");
    CHECK_EQ_STR(ck_customers_string(cu, 0, (size_t)b), "silver"); /* trimmed */
    CHECK(ck_customers_string(cu, 0, (size_t)c) == NULL);          /* "null" is missing */
    CHECK_NEAR(ck_customers_number(cu, 1, 0), 34.0, 0);
    CHECK(isnan(ck_customers_number(cu, 1, (size_t)b)));
    CHECK_NEAR(ck_customers_number(cu, 1, (size_t)c), 41.0, 0);
    CHECK_NEAR(ck_customers_number(cu, 2, 0), 1000.0, 0);
    CHECK(isnan(ck_customers_number(cu, 2, (size_t)b)));
    CHECK_NEAR(ck_customers_number(cu, 2, (size_t)c), -2.5, 0);
    CHECK_EQ_INT(ck_customers_signup(cu, 0), 1672617600); /* 2023-01-02 */
    CHECK_EQ_INT(ck_customers_signup(cu, (size_t)b), CK_NO_SIGNUP);
    CHECK_EQ_INT(ck_customers_signup(cu, (size_t)c), 1672740000); /* 2023-01-03T10:00Z */
    ck_customers_free(cu);
}

static void expect_error(const char *text, long line, const char *msg)
{
    ck_error err = { 0 };
    ck_customers *cu = NULL;
    write_file(TMP "bad.csv", text);
    CHECK(ck_customers_read_csv(&cu, TMP "bad.csv", NULL, &err) == CK_EPARSE);
    CHECK(cu == NULL);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
}

static void test_customers__errors(void)
{
    expect_error("id,age\nx,1\n", 1, "missing column \"customer_id\"");
    expect_error("customer_id,age\nx,1\ny,2\nx,3\n", 4, "duplicate customer id \"x\"");
    expect_error("customer_id,age\nx,1\n,2\n", 3, "missing customer id");
    expect_error("customer_id,signup_date\nx,2023-02-30\n", 2, "bad signup_date \"2023-02-30\"");
    expect_error("customer_id,age\nx,1,2\n", 2, "expected 2 fields, got 3");
}

static void test_customers__id_column_from_config(void)
{
    ck_error err = { 0 };
    ck_config cfg;
    ck_config_init(&cfg);
    snprintf(cfg.column_names[CK_COL_CUSTOMER_ID], CK_NAME_MAX, "member");
    cfg.delimiter = ';';
    write_file(TMP "member.csv", "member;city\nm1;Shanghai\n");
    ck_customers *cu = NULL;
    CHECK_OK(ck_customers_read_csv(&cu, TMP "member.csv", &cfg, &err));
    if (cu == NULL)
        return;
    CHECK_EQ_INT(ck_customers_find(cu, "m1", 2), 0);
    CHECK_EQ_STR(ck_customers_string(cu, 0, 0), "Shanghai");
    ck_customers_free(cu);
}

int main(void)
{
    RUN(test_customers__columns_typed_and_missing_values);
    RUN(test_customers__errors);
    RUN(test_customers__id_column_from_config);
    return check_summary();
}
