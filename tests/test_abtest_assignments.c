/*
 * Tests of reading an assignments file (ck_abtest_read_csv() in abtest.h): each bad
 * header or row stops the read with the file's line and a message that quotes the value.
 */
#include "churnkit/abtest.h"

#include <string.h>

#include "check.h"
#include "support/abtest_fixtures.h"

#define TMP(name) CK_TEST_TMP "/abtest_assignments_" name

static void test_abtest_assignments__bad_rows(void)
{
    ck_error err = { 0 };
    ck_abtest *ab = NULL;
    const char *path = TMP("bad.csv");

    write_file(path, "customer_id,arm,assigned_at\nc1,control,2024-01-01\nc2,treat,2024-01-01\n"
                     "c1,treat,2024-01-02\n");
    CHECK(ck_abtest_read_csv(&ab, path, NULL, &err) == CK_EPARSE && ab == NULL);
    CHECK_EQ_INT(err.line, 4);
    CHECK_EQ_STR(err.msg, "customer \"c1\" is assigned twice (first on line 2)");

    write_file(path, "customer_id,arm\nc1,control\n");
    CHECK(ck_abtest_read_csv(&ab, path, NULL, &err) == CK_EPARSE);
    CHECK_EQ_STR(err.msg,
                 "missing column \"assigned_at\" (outcomes from events need the assignment "
                 "times)");

    write_file(path, "customer_id,arm,assigned_at\nc1,,2024-01-01\n");
    CHECK(ck_abtest_read_csv(&ab, path, NULL, &err) == CK_EPARSE);
    CHECK_EQ_STR(err.msg, "missing arm");

    write_file(path, "customer_id,arm,assigned_at\nc1,control,2024-13-01\n");
    CHECK(ck_abtest_read_csv(&ab, path, NULL, &err) == CK_EPARSE);
    CHECK_EQ_STR(err.msg, "bad assigned_at \"2024-13-01\"");

    ck_abtest_read_opts ro = CK_ABTEST_READ_OPTS_INIT;
    ro.converted_column = "conv";
    write_file(path, "customer_id,arm,conv\nc1,control,maybe\n");
    CHECK(ck_abtest_read_csv(&ab, path, &ro, &err) == CK_EPARSE);
    CHECK_EQ_STR(err.msg, "bad conv \"maybe\" (expected 1/0, true/false or yes/no)");

    const char *by[] = { "tier" };
    ro.by_columns = by;
    ro.n_by = 1;
    write_file(path, "customer_id,arm,conv\nc1,control,1\n");
    CHECK(ck_abtest_read_csv(&ab, path, &ro, &err) == CK_EINVAL);
    CHECK(strstr(err.msg, "no column \"tier\" to segment by (columns: customer_id, arm, conv") !=
          NULL);
}

int main(void)
{
    RUN(test_abtest_assignments__bad_rows);
    return check_summary();
}
