/*
 * Dataset tests. The hand-made tables in tests/data/dataset/ carry every case of the table
 * rules (DESIGN.md, "Tables"); their expected floats and codes were worked out by hand from
 * the files, not by running the reader. The real telco and bank tables in ../shared/data
 * are checked against figures computed independently with pandas (read as strings, see
 * the comments); those tests are skipped with a note when the files are absent.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/cell.h"
#include "check.h"
#include "churnkit/customers.h"
#include "churnkit/dataset.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/schema.h"
#include "churnkit/timestamp.h"
#include "data/dataset_int.h"

#define DATA CK_TEST_DATA "/dataset/"
#ifndef CK_SHARED_DATA
#define CK_SHARED_DATA CK_TEST_DATA "/../../../shared/data"
#endif
#define TELCO CK_SHARED_DATA "/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv.gz"
#define BANK  CK_SHARED_DATA "/bank_churn/Churn_Modelling.csv.gz"

/* ---- helpers --------------------------------------------------------------------------- */

static bool same_float(float a, float b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Write @p text to CK_TEST_TMP/name and return the path (valid until the next call). */
static const char *tmp_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", CK_TEST_TMP, name);
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        fprintf(stderr, "cannot write %s\n", path);
        return path;
    }
    fputs(text, out);
    fclose(out);
    return path;
}

static ck_table_opts opts_for(const char *label, const char *id, const ck_schema *schema)
{
    ck_table_opts o = CK_TABLE_OPTS_INIT;
    o.label = label;
    o.id = id;
    o.schema = schema;
    return o;
}

static ck_dataset *read_ok(const char *path, const ck_table_opts *o)
{
    ck_error err = { 0 };
    ck_dataset *d = NULL;
    CHECK_OK(ck_dataset_read_table(&d, path, o, &err));
    return d;
}

/* Reading fails with this code, line and message, and leaves *out NULL. */
static void read_fails(const char *path, const ck_table_opts *o, int code, long line,
                       const char *msg)
{
    ck_error err = { 0 };
    ck_dataset *d = (ck_dataset *)&err; /* must be reset to NULL */
    CHECK_EQ_INT(ck_dataset_read_table(&d, path, o, &err), code);
    CHECK(d == NULL);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
    CHECK_EQ_STR(err.file, path);
}

/* The feature index of @p name in the dataset's schema, or a failed check. */
static size_t feature(const ck_dataset *d, const char *name)
{
    long j = ck_schema_find(ck_dataset_schema(d), name);
    CHECK(j >= 0);
    return j < 0 ? 0 : (size_t)j;
}

/* Column @p name equals @p expect (NaN matches NaN). */
static void check_column(const ck_dataset *d, const char *name, const float *expect, size_t n)
{
    CHECK_EQ_INT(ck_dataset_n_rows(d), n);
    if (ck_dataset_n_rows(d) != n)
        return;
    const float *x = ck_dataset_column(d, feature(d, name));
    for (size_t i = 0; i < n; i++)
        if (!same_float(x[i], expect[i])) {
            fprintf(stderr, "column %s row %zu: %.9g, expected %.9g\n", name, i, x[i], expect[i]);
            CHECK(false);
        }
}

static void check_levels(const ck_dataset *d, const char *name, const char *const *levels, size_t n)
{
    const ck_schema *s = ck_dataset_schema(d);
    size_t j = feature(d, name);
    CHECK_EQ_INT(ck_schema_kind(s, j), CK_FEATURE_CATEGORICAL);
    CHECK_EQ_INT(ck_schema_n_levels(s, j), n);
    for (size_t k = 0; k < n && k < ck_schema_n_levels(s, j); k++)
        CHECK_EQ_STR(ck_schema_level(s, j, k), levels[k]);
}

/* Same rows, ids, labels and schema names, bit for bit (NaN matches NaN). */
static bool same_datasets(const ck_dataset *a, const ck_dataset *b)
{
    size_t n = ck_dataset_n_rows(a), p = ck_dataset_n_features(a);
    if (n != ck_dataset_n_rows(b) || p != ck_dataset_n_features(b))
        return false;
    if ((ck_dataset_labels(a) == NULL) != (ck_dataset_labels(b) == NULL))
        return false;
    for (size_t j = 0; j < p; j++) {
        if (strcmp(ck_schema_name(ck_dataset_schema(a), j),
                   ck_schema_name(ck_dataset_schema(b), j)) != 0)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!same_float(ck_dataset_column(a, j)[i], ck_dataset_column(b, j)[i]))
                return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ck_dataset_row_id(a, i), ck_dataset_row_id(b, i)) != 0)
            return false;
        if (ck_dataset_labels(a) && ck_dataset_labels(a)[i] != ck_dataset_labels(b)[i])
            return false;
    }
    return true;
}

/* ---- tables ---------------------------------------------------------------------------- */

static void test_dataset__table_values(void)
{
    /* basic.csv: CRLF line ends, quoted fields with a delimiter and doubled quotes, spaces
     * around cells, every missing-value token, a column whose numbers turn into text
     * (zip), a column with no value at all (empty) and an ignored one (skip_me). */
    const char *ignore[] = { "skip_me" };
    ck_table_opts o = opts_for("churn", "id", NULL);
    o.ignore = ignore;
    o.n_ignore = 1;
    ck_dataset *d = read_ok(DATA "basic.csv", &o);
    if (d == NULL)
        return;
    const ck_schema *s = ck_dataset_schema(d);
    CHECK_EQ_INT(ck_dataset_n_rows(d), 6);
    CHECK_EQ_INT(ck_dataset_n_features(d), 6);
    const char *names[] = { "age", "plan", "score", "note", "zip", "empty" };
    const int kinds[] = { CK_FEATURE_NUMERIC,     CK_FEATURE_CATEGORICAL, CK_FEATURE_NUMERIC,
                          CK_FEATURE_CATEGORICAL, CK_FEATURE_CATEGORICAL, CK_FEATURE_NUMERIC };
    for (size_t j = 0; j < 6 && j < ck_schema_n_features(s); j++) {
        CHECK_EQ_STR(ck_schema_name(s, j), names[j]);
        CHECK_EQ_INT(ck_schema_kind(s, j), kinds[j]);
    }
    const float age[] = { 34, 28, NAN, 41.5f, NAN, 19 };
    check_column(d, "age", age, 6);
    /* levels are case-sensitive and trimmed: " bronze " is "bronze", "Silver" is new */
    const char *plans[] = { "gold", "silver", "bronze", "Silver" };
    check_levels(d, "plan", plans, 4);
    const float plan[] = { 0, 1, 0, 2, NAN, 3 };
    check_column(d, "plan", plan, 6);
    const float score[] = { 1.5f, NAN, 2.25f, NAN, -300, 0.125f };
    check_column(d, "score", score, 6);
    const char *notes[] = { "hello, world", "x", "say \"hi\"", "y" };
    check_levels(d, "note", notes, 4);
    const float note[] = { 0, 1, 2, 3, 1, NAN };
    check_column(d, "note", note, 6);
    /* numbers first, then "abc": the levels keep the text of the numbers, leading zero
     * included, in order of first appearance */
    const char *zips[] = { "01234", "02134", "99", "abc", "7", "8" };
    check_levels(d, "zip", zips, 6);
    const float zip[] = { 0, 1, 2, 3, 4, 5 };
    check_column(d, "zip", zip, 6);
    CHECK_EQ_INT(ck_schema_kind(s, feature(d, "empty")), CK_FEATURE_NUMERIC);
    const float empty[] = { NAN, NAN, NAN, NAN, NAN, NAN };
    check_column(d, "empty", empty, 6);

    const float labels[] = { 1, 0, 1, 0, 1, 0 };
    const float *y = ck_dataset_labels(d);
    CHECK(y != NULL);
    for (size_t i = 0; y && i < 6; i++)
        CHECK_NEAR(y[i], labels[i], 0);
    const char *ids[] = { "c1", "c2", "c3", "c 4", "c5", "c6" };
    for (size_t i = 0; i < 6; i++)
        CHECK_EQ_STR(ck_dataset_row_id(d, i), ids[i]);
    CHECK_EQ_STR(ck_dataset_id_name(d), "id");
    CHECK(ck_dataset_weights(d) == NULL);
    ck_dataset_free(d);
}

static void test_dataset__label_spellings(void)
{
    ck_table_opts o = opts_for("label", NULL, NULL);
    ck_dataset *d = read_ok(DATA "labels.csv", &o);
    if (d == NULL)
        return;
    /* 1, 0, true, FALSE, Yes, NO, " yes ", 1.0, 0.0, True, no, YES */
    const float expect[] = { 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1 };
    CHECK_EQ_INT(ck_dataset_n_rows(d), 12);
    CHECK_EQ_INT(ck_dataset_n_features(d), 1);
    for (size_t i = 0; i < 12 && i < ck_dataset_n_rows(d); i++)
        CHECK_NEAR(ck_dataset_labels(d)[i], expect[i], 0);
    /* no id column: rows are numbered from 1 */
    CHECK_EQ_STR(ck_dataset_row_id(d, 0), "1");
    CHECK_EQ_STR(ck_dataset_row_id(d, 11), "12");
    CHECK_EQ_STR(ck_dataset_id_name(d), "row");
    ck_dataset_free(d);
}

static void test_dataset__bad_labels(void)
{
    const char *bad[] = { "maybe", "", "2", "y", "NA", "0.5", "-1", "yess", "nan" };
    ck_table_opts o = opts_for("Churn", NULL, NULL);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char text[256], msg[256];
        snprintf(text, sizeof text, "x,Churn\r\n1,yes\r\n2,%s\r\n3,no\r\n", bad[k]);
        const char *path = tmp_file("bad_label.csv", text);
        snprintf(msg, sizeof msg,
                 "bad label \"%s\" in column \"Churn\" (expected 1/0, true/false or yes/no)",
                 bad[k]);
        read_fails(path, &o, CK_EPARSE, 3, msg);
    }
    /* the line is the record's first line, counted across a quoted line break */
    const char *path = tmp_file("bad_label_line.csv", "note,Churn\n\"two\nlines\",1\n"
                                                      "ok,  Maybe \n");
    read_fails(path, &o, CK_EPARSE, 4,
               "bad label \"Maybe\" in column \"Churn\" (expected 1/0, true/false or yes/no)");
}

static void test_dataset__header_and_row_errors(void)
{
    const char *path = tmp_file("errors.csv", "id,a,b,Churn\nr1,1,2,yes\nr2,3,4,no\n");
    ck_table_opts o = opts_for("churn", NULL, NULL); /* names are case-sensitive */
    read_fails(path, &o, CK_EINVAL, 1, "missing label column \"churn\"");
    o = opts_for("Churn", "customer_id", NULL);
    read_fails(path, &o, CK_EINVAL, 1, "missing id column \"customer_id\"");
    const char *ignore[] = { "a", "c" };
    o = opts_for("Churn", "id", NULL);
    o.ignore = ignore;
    o.n_ignore = 2;
    read_fails(path, &o, CK_EINVAL, 1, "missing ignored column \"c\"");

    o = opts_for("Churn", NULL, NULL);
    path = tmp_file("too_few.csv", "a,b,Churn\n1,2,yes\n3,no\n");
    read_fails(path, &o, CK_EPARSE, 3, "expected 3 fields, got 2");
    path = tmp_file("too_many.csv", "a,b,Churn\r\n1,2,yes\r\n\r\n3,4,no,5\r\n");
    read_fails(path, &o, CK_EPARSE, 4, "expected 3 fields, got 4");
    path = tmp_file("twice.csv", "a,b,a,Churn\n1,2,3,yes\n");
    read_fails(path, &o, CK_EPARSE, 1, "column \"a\" appears twice");
    path = tmp_file("empty.csv", "");
    read_fails(path, &o, CK_EPARSE, 1, "empty file: expected a header row");
    path = tmp_file("unterminated.csv", "a,Churn\n\"1,yes\n");
    read_fails(path, &o, CK_EPARSE, 2, "unterminated quoted field");
    read_fails(CK_TEST_TMP "/no_such_file.csv", &o, CK_EIO, 0, "No such file or directory");

    /* a column named twice is fine when it is ignored */
    const char *twice[] = { "a" };
    o.ignore = twice;
    o.n_ignore = 1;
    ck_dataset *d = read_ok(tmp_file("twice.csv", "a,b,a,Churn\n1,2,3,yes\n"), &o);
    CHECK(d != NULL && ck_dataset_n_features(d) == 1);
    ck_dataset_free(d);
}

static void test_dataset__header_only_and_no_label(void)
{
    ck_table_opts o = opts_for("Churn", "id", NULL);
    ck_dataset *d = read_ok(tmp_file("header_only.csv", "id,a,b,Churn\r\n"), &o);
    if (d != NULL) {
        CHECK_EQ_INT(ck_dataset_n_rows(d), 0);
        CHECK_EQ_INT(ck_dataset_n_features(d), 2);
        CHECK_EQ_INT(ck_schema_kind(ck_dataset_schema(d), 1), CK_FEATURE_NUMERIC);
        CHECK(ck_dataset_labels(d) != NULL);
        ck_dataset_free(d);
    }
    /* no options: no label, no id; every column is a feature, the churn column a
     * categorical one whose "1" and "0" are text levels like the others */
    d = read_ok(DATA "basic.csv", NULL);
    if (d == NULL)
        return;
    CHECK(ck_dataset_labels(d) == NULL);
    CHECK_EQ_INT(ck_dataset_n_features(d), 9);
    CHECK_EQ_STR(ck_dataset_id_name(d), "row");
    CHECK_EQ_STR(ck_dataset_row_id(d, 5), "6");
    const char *churn[] = { "Yes", "no", "TRUE", "false", "1", "0" };
    check_levels(d, "churn", churn, 6);
    const char *ids[] = { "c1", "c2", "c3", "c 4", "c5", "c6" };
    check_levels(d, "id", ids, 6);
    ck_dataset_free(d);
}

static void test_dataset__delimiter(void)
{
    ck_table_opts o = opts_for("y", NULL, NULL);
    o.delimiter = ';';
    ck_dataset *d = read_ok(tmp_file("semicolon.csv", "a;b;y\n\"1;5\";2.5;yes\n7;-1;no\n"), &o);
    if (d == NULL)
        return;
    const char *a_levels[] = { "1;5", "7" };
    check_levels(d, "a", a_levels, 2);
    const float b[] = { 2.5f, -1 };
    check_column(d, "b", b, 2);
    ck_dataset_free(d);
}

/* A long table: the row arrays grow several times, and the second pass codes a column
 * whose text appears after 9,000 numbers. */
static void test_dataset__growth_and_deferred_column(void)
{
    const char *path = CK_TEST_TMP "/long.csv";
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        CHECK(false);
        return;
    }
    fputs("n,mixed,label\n", out);
    for (int i = 0; i < 10000; i++) {
        if (i < 9000)
            fprintf(out, "%d,%d,%d\n", i, i % 7, i % 3 == 0);
        else
            fprintf(out, "%d,%s,%d\n", i, i % 2 ? "x" : "", i % 3 == 0);
    }
    fclose(out);
    ck_table_opts o = opts_for("label", NULL, NULL);
    ck_dataset *d = read_ok(path, &o);
    if (d == NULL)
        return;
    CHECK_EQ_INT(ck_dataset_n_rows(d), 10000);
    const char *levels[] = { "0", "1", "2", "3", "4", "5", "6", "x" };
    check_levels(d, "mixed", levels, 8);
    const float *n = ck_dataset_column(d, feature(d, "n"));
    const float *mixed = ck_dataset_column(d, feature(d, "mixed"));
    bool ok = true;
    for (int i = 0; i < 10000; i++) {
        float expect = i < 9000 ? (float)(i % 7) : i % 2 ? 7.0f : NAN;
        ok &= n[i] == (float)i && same_float(mixed[i], expect);
        ok &= ck_dataset_labels(d)[i] == (float)(i % 3 == 0);
    }
    CHECK(ok);
    CHECK_EQ_STR(ck_dataset_row_id(d, 9999), "10000");
    ck_dataset_free(d);
}

/* ---- numbers --------------------------------------------------------------------------- */

static uint64_t rng_state = 12345;

static uint64_t next_random(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static bool same_parse(const char *s)
{
    double a = 0.0, b = 0.0;
    size_t len = strlen(s);
    bool ok_a = ck__table_number(&a, s, len), ok_b = ck__cell_parse_number(&b, s, len);
    if (ok_a != ok_b || (ok_a && memcmp(&a, &b, sizeof a) != 0)) {
        fprintf(stderr, "\"%s\": fast %d %.17g, strtod %d %.17g\n", s, ok_a, a, ok_b, b);
        return false;
    }
    return true;
}

static void test_dataset__numbers_match_strtod(void)
{
    /* the fast path accepts exactly what ck__cell_parse_number accepts, with the same
     * double, sign of zero included */
    static const char *const cases[] = {
        "0",
        "-0",
        "+0",
        "1",
        "-1",
        "+1",
        ".5",
        "5.",
        "-.5",
        "0.1",
        "0.3",
        "123.456",
        "1e5",
        "1E+05",
        "1e-5",
        "2.5e-3",
        "1e22",
        "1e23",
        "1e-22",
        "1e-23",
        "9007199254740992",
        "9007199254740993",
        "18446744073709551615",
        "18446744073709551616",
        "1234567890123456789",
        "12345678901234567890",
        "0.000000000000000000000000001",
        "00000000000000000000000000001",
        "4.9406564584124654e-324",
        "1e308",
        "1e309",
        "1e-400",
        "1.7976931348623157e308",
        "3.4028235e38",
        "3.4028236e38",
        ".",
        "-",
        "+",
        "e5",
        "1e",
        "1e+",
        "--1",
        "1-",
        "1.2.3",
        "0x10",
        "inf",
        "nan",
        "1 2",
        "1,5",
        "",
        "1e1000000",
        "0e99999",
        "1.5E-3",
    };
    bool ok = true;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        ok &= same_parse(cases[k]);
    /* random decimals in the shapes tables hold, and random strings of number characters */
    char s[80];
    for (int t = 0; t < 200000 && ok; t++) {
        size_t len = 0;
        if (t % 2) {
            if (next_random() % 4 == 0)
                s[len++] = next_random() % 2 ? '-' : '+';
            int int_digits = (int)(next_random() % 12), frac_digits = (int)(next_random() % 12);
            for (int i = 0; i < int_digits; i++)
                s[len++] = (char)('0' + next_random() % 10);
            if (next_random() % 3)
                s[len++] = '.';
            for (int i = 0; i < frac_digits; i++)
                s[len++] = (char)('0' + next_random() % 10);
            if (next_random() % 4 == 0)
                len += (size_t)snprintf(s + len, 8, "e%d", (int)(next_random() % 80) - 40);
        } else {
            static const char alphabet[] = "0123456789+-.eE";
            size_t n = next_random() % 70;
            for (size_t i = 0; i < n; i++)
                s[len++] = alphabet[next_random() % (sizeof alphabet - 1)];
        }
        s[len] = '\0';
        ok &= same_parse(s);
    }
    CHECK(ok);
}

static void test_dataset__number_beyond_float_range(void)
{
    ck_table_opts o = opts_for("y", NULL, NULL);
    const char *path = tmp_file("huge.csv", "x,y\n1,1\n-1e39,0\n");
    read_fails(path, &o, CK_EPARSE, 3,
               "number \"-1e39\" in column \"x\" is beyond the float range");
    /* the largest float itself is fine */
    ck_dataset *d = read_ok(tmp_file("big.csv", "x,y\n3.4028234e38,1\n"), &o);
    CHECK(d != NULL && ck_dataset_column(d, 0)[0] == 3.4028234e38f);
    ck_dataset_free(d);
}

/* ---- reading against a schema ---------------------------------------------------------- */

static ck_dataset *basic_dataset(void)
{
    const char *ignore[] = { "skip_me" };
    ck_table_opts o = opts_for("churn", "id", NULL);
    o.ignore = ignore;
    o.n_ignore = 1;
    return read_ok(DATA "basic.csv", &o);
}

static void test_dataset__schema_alignment(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(train);
    /* score.csv: columns in another order, an extra column, unseen levels */
    ck_table_opts o = opts_for("churn", "id", schema);
    ck_dataset *d = read_ok(DATA "score.csv", &o);
    if (d != NULL) {
        CHECK_EQ_INT(ck_dataset_n_features(d), 6);
        for (size_t j = 0; j < 6; j++)
            CHECK_EQ_STR(ck_schema_name(ck_dataset_schema(d), j), ck_schema_name(schema, j));
        /* the dataset keeps its own copy: same levels, no new ones */
        CHECK(ck_dataset_schema(d) != schema);
        CHECK_EQ_INT(ck_schema_n_levels(ck_dataset_schema(d), 1), 4);
        const float age[] = { 50, NAN, NAN };
        check_column(d, "age", age, 3);
        const float plan[] = { 4, 3, 0 }; /* platinum unseen: n_levels = 4 */
        check_column(d, "plan", plan, 3);
        const float score[] = { 1, -2.5f, NAN };
        check_column(d, "score", score, 3);
        const float note[] = { 1, 0, NAN };
        check_column(d, "note", note, 3);
        const float zip[] = { 0, 6, 3 }; /* "555" unseen: n_levels = 6 */
        check_column(d, "zip", zip, 3);
        const float empty[] = { NAN, NAN, 7 };
        check_column(d, "empty", empty, 3);
        const float y[] = { 1, 0, 1 };
        for (size_t i = 0; i < 3; i++)
            CHECK_NEAR(ck_dataset_labels(d)[i], y[i], 0);
        CHECK_EQ_STR(ck_dataset_row_id(d, 2), "s3");
        ck_dataset_free(d);
    }
    /* read again with its own schema, a table gives exactly what inference gave */
    o = opts_for("churn", "id", schema);
    const char *ignore[] = { "skip_me" };
    o.ignore = ignore;
    o.n_ignore = 1;
    d = read_ok(DATA "basic.csv", &o);
    CHECK(d != NULL && same_datasets(d, train));
    ck_dataset_free(d);
    ck_dataset_free(train);
}

static void test_dataset__schema_errors(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    ck_table_opts o = opts_for("churn", NULL, ck_dataset_schema(train));
    const char *path = tmp_file("no_score.csv", "age,plan,note,zip,empty,churn\n1,a,b,c,,yes\n");
    read_fails(path, &o, CK_EPARSE, 1, "missing feature column \"score\"");
    path = tmp_file("bad_number.csv", "age,plan,score,note,zip,empty,churn\n"
                                      "1,a,2,b,c,,yes\n"
                                      "abc,a,2,b,c,,no\n");
    read_fails(path, &o, CK_EPARSE, 3, "bad number \"abc\" in column \"age\"");
    ck_dataset_free(train);
}

/* ---- streams --------------------------------------------------------------------------- */

/* Stream @p path against @p schema and compare every row with @p d. */
static void check_stream_matches(const char *path, const ck_table_opts *o, const ck_schema *schema,
                                 const ck_dataset *d)
{
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    CHECK_OK(ck_table_stream_open(&s, path, o, schema, &err));
    if (s == NULL)
        return;
    CHECK_EQ_STR(ck_table_stream_id_name(s), ck_dataset_id_name(d));
    size_t p = ck_schema_n_features(schema), i = 0;
    float *row = calloc(p + 1, sizeof *row);
    const char *id = NULL;
    float label = 0;
    int rc;
    bool ok = row != NULL;
    while (ok && (rc = ck_table_stream_next(s, row, &id, &label, &err)) == 1) {
        ok = i < ck_dataset_n_rows(d) && strcmp(id, ck_dataset_row_id(d, i)) == 0;
        for (size_t j = 0; ok && j < p; j++)
            ok = same_float(row[j], ck_dataset_column(d, j)[i]);
        ok = ok && same_float(label, ck_dataset_labels(d) ? ck_dataset_labels(d)[i] : NAN);
        i++;
    }
    CHECK(ok);
    CHECK_EQ_INT(i, ck_dataset_n_rows(d));
    CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 0); /* the end stays */
    free(row);
    ck_table_stream_free(s);
}

static void test_dataset__stream_matches_read_table(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(train);
    ck_table_opts o = opts_for("churn", "id", schema);
    ck_dataset *d = read_ok(DATA "score.csv", &o);
    if (d != NULL)
        check_stream_matches(DATA "score.csv", &o, schema, d);
    ck_dataset_free(d);
    o = opts_for("churn", "id", schema);
    check_stream_matches(DATA "basic.csv", &o, schema, train);
    /* no label, no id: NaN labels, rows numbered from 1 */
    o = opts_for(NULL, NULL, schema);
    d = read_ok(DATA "score.csv", &o);
    if (d != NULL) {
        CHECK(ck_dataset_labels(d) == NULL);
        CHECK_EQ_STR(ck_dataset_row_id(d, 1), "2");
        check_stream_matches(DATA "score.csv", &o, schema, d);
    }
    ck_dataset_free(d);
    ck_dataset_free(train);
}

/* The stream fails on the same line with the same message as reading the whole table. */
static void stream_fails(const char *path, const ck_table_opts *o, const ck_schema *schema,
                         int code, long line, const char *msg)
{
    read_fails(path, o, code, line, msg);
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    int rc = ck_table_stream_open(&s, path, o, schema, &err);
    float row[16];
    const char *id;
    float label;
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &id, &label, &err)) == 1)
        rc = CK_OK;
    CHECK_EQ_INT(rc, code);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
    ck_table_stream_free(s);
}

static void test_dataset__stream_errors(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(train);
    ck_table_opts o = opts_for("churn", NULL, schema);
    const char *header = "age,plan,score,note,zip,empty,churn\n";
    char text[256];
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n1,a,2,b,c,,maybe\n", header);
    stream_fails(tmp_file("s1.csv", text), &o, schema, CK_EPARSE, 3,
                 "bad label \"maybe\" in column \"churn\" (expected 1/0, true/false or yes/no)");
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n1,a,x2,b,c,,no\n", header);
    stream_fails(tmp_file("s2.csv", text), &o, schema, CK_EPARSE, 3,
                 "bad number \"x2\" in column \"score\"");
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n\n1,a,2,b,c,no\n", header);
    stream_fails(tmp_file("s3.csv", text), &o, schema, CK_EPARSE, 4, "expected 7 fields, got 6");
    stream_fails(tmp_file("s4.csv", "age,plan,note,zip,empty,churn\n"), &o, schema, CK_EPARSE, 1,
                 "missing feature column \"score\"");
    o.id = "id";
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n", header);
    stream_fails(tmp_file("s5.csv", text), &o, schema, CK_EINVAL, 1, "missing id column \"id\"");
    stream_fails(tmp_file("s6.csv", ""), &o, schema, CK_EPARSE, 1,
                 "empty file: expected a header row");
    ck_dataset_free(train);
}

/* ---- parallel scans -------------------------------------------------------------------- */

/*
 * ck_table_stream_scan() checked against ck_table_stream_next() on generated tables of
 * 20 to 24 MiB: three 8 MiB parts, so parts really run in parallel. Most quoted notes span
 * several lines, each of which reads as a valid record on its own, and the lines of
 * consecutive notes chain into more valid records: a part started inside a note (a wrong
 * guess) reads thousands of plausible rows before it stops, so their blocks reach the
 * callback and must be dropped. Keys are checked against the record starts the generator
 * wrote down.
 */

#define SCAN_ROWS      120000
#define SCAN_DEFECT_AT ((int64_t)18 << 20) /* a defect goes in the first record past here */

/* DEFECT_LONG_NOTE is no defect: a 17 MiB quoted note, past what a part read from a
 * guessed start accepts as one record, so it must be read again without the limit. */
enum { DEFECT_NONE, DEFECT_NUMBER, DEFECT_FIELDS, DEFECT_LONG_NOTE };

typedef struct gen_opts {
    bool quotes;  /* quoted notes, most over several lines */
    bool with_id; /* an id column */
    int defect;   /* DEFECT_NUMBER: "abc" for a tenure; DEFECT_FIELDS: a record a field short */
} gen_opts;

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* A growing text. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void text_printf(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = 2 * t->cap + (size_t)n;
        t->s = xrealloc(t->s, t->cap);
    }
}

/* xorshift64*: the same file on every run. */
static uint32_t gen_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Words for notes of many lengths, which bring the tables past 16 MiB. */
static const char filler[] =
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua ut enim ad minim "
    "veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea "
    "commodo consequat duis aute irure dolor in reprehenderit";

/* A quoted note's lines after the first, which complete the record begun before its
 * opening quote: fake records, then the head of one (id and tenure) whose third field
 * the closing quote opens. Read from a wrong start, the record continues up to the next
 * note's opening quote, and that note's first line supplies the last four fields. */
static void write_chain_note(text *t, const gen_opts *g, uint64_t *rng, size_t row)
{
    static const char *const plans[] = { "basic", "plus", "gold" };
    text_printf(t, "\",%u.5,%s,0.%u,%u\n", gen_rand(rng) % 90, plans[gen_rand(rng) % 3],
                gen_rand(rng) % 1000, gen_rand(rng) % 2);
    for (uint32_t k = 0, n = gen_rand(rng) % 3 + 1; k < n; k++) {
        if (g->with_id)
            text_printf(t, "f%07zu_%u,", row, k);
        text_printf(t, "%u,x %.*s,%u.25,%s,0.%u,%u\n", gen_rand(rng) % 72,
                    (int)(gen_rand(rng) % 80), filler, gen_rand(rng) % 100,
                    plans[gen_rand(rng) % 3], gen_rand(rng) % 1000, gen_rand(rng) % 2);
    }
    if (g->with_id)
        text_printf(t, "f%07zu_h,", row);
    text_printf(t, "%u,\"", gen_rand(rng) % 72);
}

/* One record's cells: tenure (missing, padded), a note, charges (0-4 decimals, exponents),
 * plan (an unseen level, missing), score (%.9g over 13 decades) and every label spelling. */
static void write_record(text *t, const gen_opts *g, uint64_t *rng, size_t row, int defect)
{
    static const char *const plans[] = { "basic", "plus", "gold", "platinum", "", "NA" };
    static const char *const labels[] = { "1", "0", "yes", "no", "True", "FALSE", "1.0", "0" };
    static const double scales[] = { 1e-6, 1e-3, 1, 1e3, 1e6 };
    if (g->with_id)
        text_printf(t, "c%07zu,", row);
    uint32_t r = gen_rand(rng);
    if (defect == DEFECT_NUMBER)
        text_printf(t, "abc,");
    else if (r % 20 == 0)
        text_printf(t, ",");
    else if (r % 20 == 1)
        text_printf(t, "NA,");
    else if (r % 20 == 2)
        text_printf(t, " %u ,", r % 73);
    else
        text_printf(t, "%u,", r % 73);
    r = gen_rand(rng);
    if (defect == DEFECT_LONG_NOTE) {
        text_printf(t, "\"");
        for (int line = 0; line < (17 << 20) / 100; line++)
            text_printf(t, "%.99s\n", filler);
        text_printf(t, "\",");
    } else if (!g->quotes)
        text_printf(t, "note %u %.*s,", r % 1000, (int)(r / 1000 % 150 + 70), filler);
    else if (r % 10 == 0)
        text_printf(t, "note %u,", r % 1000);
    else if (row % 50000 == 17) /* breaks a wrong chain: a doubled quote starts a line */
        text_printf(t, "\"he said\n\"\"hi\"\", then left\",");
    else if (row % 50000 == 18) /* an empty line inside quotes */
        text_printf(t, "\"first\n\nthird, after an empty line\",");
    else {
        write_chain_note(t, g, rng, row);
        text_printf(t, ",");
    }
    r = gen_rand(rng);
    double charges = (double)(r % 2000000) / 100.0 - 500.0;
    if (r % 25 == 0)
        text_printf(t, "?,");
    else if (r % 25 == 1)
        text_printf(t, "%.3e,", charges);
    else
        text_printf(t, "%.*f,", (int)(r % 5), charges);
    r = gen_rand(rng);
    text_printf(t, "%s,", plans[r % 6]);
    if (defect != DEFECT_FIELDS)
        text_printf(t, "%.9g,", (double)gen_rand(rng) / 4294967296.0 * scales[r % 5]);
    text_printf(t, "%s%s", labels[gen_rand(rng) % 8], row % 10 == 3 ? "\r\n" : "\n");
}

/* Write a table of SCAN_ROWS records to CK_TEST_TMP/name; *keys gets where each record
 * starts, then the file's size (free it). Returns the path (valid until the next call). */
static const char *write_table(const char *name, const gen_opts *g, int64_t **keys)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", CK_TEST_TMP, name);
    text t = { xrealloc(NULL, 32u << 20), 0, 32u << 20 };
    *keys = xrealloc(NULL, (SCAN_ROWS + 1) * sizeof **keys);
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    text_printf(&t, "%stenure,note,charges,plan,score,churn\n", g->with_id ? "id," : "");
    bool defect_done = false;
    for (size_t i = 0; i < SCAN_ROWS; i++) {
        (*keys)[i] = (int64_t)t.len;
        bool defect = !defect_done && g->defect != DEFECT_NONE && (int64_t)t.len >= SCAN_DEFECT_AT;
        write_record(&t, g, &rng, i + 1, defect ? g->defect : DEFECT_NONE);
        defect_done = defect_done || defect;
    }
    (*keys)[SCAN_ROWS] = (int64_t)t.len;
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(t.s, 1, t.len, out) != t.len)
        fprintf(stderr, "cannot write %s\n", path);
    if (out != NULL)
        fclose(out);
    free(t.s);
    return path;
}

/* Rows with their ids, labels and keys, in order. */
typedef struct rowset {
    size_t n, cap, p; /* rows, room, features per row */
    float *x, *y;
    int64_t *key;
    size_t *id_at; /* where each id starts in ids */
    char *ids;
    size_t ids_len, ids_cap;
    bool disorder; /* a key not above the one before (kept by rowset_clear) */
} rowset;

static void rowset_push(rowset *r, const float *x, float y, int64_t key, const char *id)
{
    size_t len = strlen(id) + 1;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->x = xrealloc(r->x, r->cap * (r->p + 1) * sizeof *r->x);
        r->y = xrealloc(r->y, r->cap * sizeof *r->y);
        r->key = xrealloc(r->key, r->cap * sizeof *r->key);
        r->id_at = xrealloc(r->id_at, r->cap * sizeof *r->id_at);
    }
    if (r->ids_len + len > r->ids_cap) {
        r->ids_cap = 2 * r->ids_cap + len;
        r->ids = xrealloc(r->ids, r->ids_cap);
    }
    if (r->n > 0 && key <= r->key[r->n - 1])
        r->disorder = true;
    memcpy(r->x + r->n * r->p, x, r->p * sizeof *x);
    r->y[r->n] = y;
    r->key[r->n] = key;
    r->id_at[r->n] = r->ids_len;
    memcpy(r->ids + r->ids_len, id, len);
    r->ids_len += len;
    r->n++;
}

static void rowset_append(rowset *dst, const rowset *src)
{
    for (size_t i = 0; i < src->n; i++)
        rowset_push(dst, src->x + i * src->p, src->y[i], src->key[i], src->ids + src->id_at[i]);
}

static void rowset_clear(rowset *r)
{
    r->n = 0;
    r->ids_len = 0;
}

static void rowset_free(rowset *r)
{
    free(r->x);
    free(r->y);
    free(r->key);
    free(r->id_at);
    free(r->ids);
}

/* @p got equals rows [from, from + got->n) of @p want: ids, keys, labels and features bit
 * for bit (NaN included). */
static bool same_rows(const rowset *got, const rowset *want, size_t from)
{
    if (got->p != want->p || from + got->n > want->n)
        return false;
    size_t p = got->p;
    for (size_t i = 0; i < got->n; i++) {
        size_t w = from + i;
        if (strcmp(got->ids + got->id_at[i], want->ids + want->id_at[w]) != 0 ||
            got->key[i] != want->key[w] || memcmp(&got->y[i], &want->y[w], sizeof(float)) != 0 ||
            memcmp(got->x + i * p, want->x + w * p, p * sizeof(float)) != 0) {
            fprintf(stderr, "row %zu: id %s key %lld, expected id %s key %lld\n", w,
                    got->ids + got->id_at[i], (long long)got->key[i], want->ids + want->id_at[w],
                    (long long)want->key[w]);
            return false;
        }
    }
    return true;
}

/* The schema of the generated tables, in another order than the columns; the note column
 * is left out, so it is skipped. */
static ck_schema *scan_schema(void)
{
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    if (s == NULL)
        return NULL;
    CHECK_EQ_INT(ck_schema_add_feature(s, "plan", CK_FEATURE_CATEGORICAL, &err), 0);
    CHECK_EQ_INT(ck_schema_add_feature(s, "score", CK_FEATURE_NUMERIC, &err), 1);
    CHECK_EQ_INT(ck_schema_add_feature(s, "tenure", CK_FEATURE_NUMERIC, &err), 2);
    CHECK_EQ_INT(ck_schema_add_feature(s, "charges", CK_FEATURE_NUMERIC, &err), 3);
    const char *levels[] = { "basic", "plus", "gold" };
    for (size_t k = 0; k < 3; k++)
        CHECK_EQ_INT(ck_schema_add_level(s, 0, levels[k], strlen(levels[k]), &err), k);
    return s;
}

/* A generated table and its reference: every row read with ck_table_stream_next(), keyed
 * by the generator's record starts, and how that reading ended. */
typedef struct scan_fixture {
    char path[512];
    ck_table_opts opts;
    ck_schema *schema;
    int64_t *keys;
    rowset ref;
    int ref_rc; /* 0, or the error the stream ended with (ref_err) */
    ck_error ref_err;
} scan_fixture;

/* The reference: f's table read row by row, n_keys rows at most. */
static void fixture_read(scan_fixture *f, size_t n_keys)
{
    f->schema = scan_schema();
    f->ref.p = 4;
    ck_table_stream *s = NULL;
    f->ref_rc = ck_table_stream_open(&s, f->path, &f->opts, f->schema, &f->ref_err);
    CHECK_EQ_INT(f->ref_rc, 0);
    float row[4], label;
    const char *id;
    /* a row too many would get the file's size as its key, and fail the count checks */
    while (f->ref_rc == 0 && f->ref.n <= n_keys &&
           (f->ref_rc = ck_table_stream_next(s, row, &id, &label, &f->ref_err)) == 1) {
        rowset_push(&f->ref, row, label, f->keys[f->ref.n], id);
        f->ref_rc = 0;
    }
    ck_table_stream_free(s);
}

static void fixture_make(scan_fixture *f, const char *name, const gen_opts *g,
                         const char *label_column)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", write_table(name, g, &f->keys));
    /* past the 16 MiB below which even a plain file is read one part at a time */
    CHECK(f->keys[SCAN_ROWS] > ((int64_t)16 << 20));
    f->opts = opts_for(label_column, g->with_id ? "id" : NULL, NULL);
    fixture_read(f, SCAN_ROWS);
}

/* A small handwritten table; its records start just after the line ends `starts` finds
 * ("\nb,": record b's), n of them. */
static void fixture_write(scan_fixture *f, const char *name, const char *csv,
                          const char *const *starts, size_t n)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s/%s", CK_TEST_TMP, name);
    FILE *out = fopen(f->path, "wb");
    CHECK(out != NULL && fputs(csv, out) >= 0);
    if (out != NULL)
        fclose(out);
    f->keys = xrealloc(NULL, (n + 1) * sizeof *f->keys);
    for (size_t i = 0; i < n; i++)
        f->keys[i] = strstr(csv, starts[i]) - csv + 1; /* past the line end before it */
    f->keys[n] = (int64_t)strlen(csv);
    f->opts = opts_for("churn", "id", NULL);
    fixture_read(f, n);
}

static void fixture_free(scan_fixture *f)
{
    remove(f->path);
    ck_schema_free(f->schema);
    free(f->keys);
    rowset_free(&f->ref);
}

/* What a scan's callbacks gather: each part's rows since its last end, the kept rows in
 * order, and anything done against the contract. */
typedef struct collector {
    int n_parts; /* CK_TABLE_SCAN_PARTS(n_threads) */
    rowset *parts;
    rowset kept;
    pthread_t caller;
    atomic_int blocks; /* blocks handed out so far */
    int fail_at;       /* the block callback fails on this block (1-based), 0 never */
    atomic_bool bad_block;
    bool bad_end;          /* end_part off the calling thread or with a bad part */
    size_t dropped, drops; /* rows dropped, and end_part calls with keep = false */
} collector;

static int collect_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    collector *c = ctx;
    int k = atomic_fetch_add(&c->blocks, 1) + 1;
    if (k == c->fail_at)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "block %d refused", k);
    if (b->part < 0 || b->part >= c->n_parts || b->n_rows == 0) {
        atomic_store(&c->bad_block, true);
        return ck_error_set(err, CK_EINVAL, NULL, 0, "part %d, %zu rows", b->part, b->n_rows);
    }
    /* only this part's worker touches its rowset until end_part */
    rowset *r = &c->parts[b->part];
    for (size_t i = 0; i < b->n_rows; i++)
        rowset_push(r, b->rows + i * r->p, b->labels[i], b->keys[i], b->ids[i]);
    return CK_OK;
}

static int collect_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    collector *c = ctx;
    if (!pthread_equal(pthread_self(), c->caller) || part < 0 || part >= c->n_parts) {
        c->bad_end = true;
        return ck_error_set(err, CK_EINVAL, NULL, 0, "end of part %d", part);
    }
    rowset *r = &c->parts[part];
    if (keep) {
        rowset_append(&c->kept, r);
    } else {
        c->dropped += r->n;
        c->drops++;
    }
    rowset_clear(r);
    return CK_OK;
}

typedef struct scan_outcome {
    int rc;
    ck_error err;
    rowset kept;
    size_t dropped, drops;
} scan_outcome;

/* Open the fixture's table, read `skip` rows with ck_table_stream_next(), then scan the
 * rest on n_threads; the callbacks keep to the contract and the stream ends after. */
static void scan_table(scan_outcome *out, const scan_fixture *f, const char *path, int n_threads,
                       size_t skip, int fail_at)
{
    memset(out, 0, sizeof *out);
    out->kept.p = 4;
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    CHECK_OK(ck_table_stream_open(&s, path, &f->opts, f->schema, &err));
    if (s == NULL)
        return;
    float row[4], label;
    const char *id;
    for (size_t i = 0; i < skip; i++)
        CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 1);
    collector c = { .n_parts = CK_TABLE_SCAN_PARTS(n_threads),
                    .caller = pthread_self(),
                    .fail_at = fail_at };
    c.parts = calloc((size_t)c.n_parts, sizeof *c.parts);
    for (int k = 0; c.parts && k < c.n_parts; k++)
        c.parts[k].p = 4;
    c.kept.p = 4;
    ck_table_scan_fns fns = { collect_block, collect_end_part, &c };
    out->rc = c.parts ? ck_table_stream_scan(s, n_threads, &fns, &out->err) : CK_ENOMEM;
    CHECK(!atomic_load(&c.bad_block));
    CHECK(!c.bad_end);
    for (int k = 0; c.parts && k < c.n_parts; k++) {
        CHECK(!c.parts[k].disorder); /* the blocks of one part come in file order */
        rowset_free(&c.parts[k]);
    }
    free(c.parts);
    out->kept = c.kept;
    out->dropped = c.dropped;
    out->drops = c.drops;
    /* after a scan, failed or not, the stream is at its end */
    CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 0);
    ck_table_stream_free(s);
}

/* A scan that succeeded with the reference's rows from `skip` on, keys increasing. */
static void check_scan_matches(const scan_outcome *out, const scan_fixture *f, size_t skip)
{
    CHECK_EQ_INT(out->rc, CK_OK);
    CHECK_EQ_INT(out->kept.n, f->ref.n - skip);
    CHECK(!out->kept.disorder);
    CHECK(same_rows(&out->kept, &f->ref, skip));
}

static void test_dataset__scan_matches_stream(void)
{
    scan_fixture f;
    gen_opts g = { true, true, DEFECT_NONE };
    fixture_make(&f, "scan_quoted.csv", &g, "churn");
    /* the table is what the generator meant: every record read */
    CHECK_EQ_INT(f.ref_rc, 0);
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    const int threads[] = { 1, 2, 3, 4, 8 };
    size_t dropped = 0;
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        scan_outcome out;
        scan_table(&out, &f, f.path, threads[t], 0, 0);
        check_scan_matches(&out, &f, 0);
        if (threads[t] == 1) /* one part at a time never guesses */
            CHECK_EQ_INT(out.drops, 0);
        dropped += out.dropped;
        rowset_free(&out.kept);
    }
    /* wrong guesses happened, and their rows reached the callback before being dropped */
    CHECK(dropped > 0);
    /* a scan reads the rest of a stream */
    scan_outcome out;
    scan_table(&out, &f, f.path, 4, 3, 0);
    check_scan_matches(&out, &f, 3);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_dataset__scan_without_quotes(void)
{
    /* every line is a record: every guess is right and nothing is dropped */
    scan_fixture f;
    gen_opts g = { false, true, DEFECT_NONE };
    fixture_make(&f, "scan_plain.csv", &g, "churn");
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    CHECK_EQ_INT(out.drops, 0);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_dataset__scan_long_record(void)
{
    scan_fixture f;
    gen_opts g = { false, true, DEFECT_LONG_NOTE };
    fixture_make(&f, "scan_long.csv", &g, "churn");
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    CHECK(out.drops > 0); /* the part holding the note, and the parts guessed inside it */
    rowset_free(&out.kept);
    fixture_free(&f);
}

/* Records split in place (no quotes) and parsed whole (quotes) agree with the row-by-row
 * reader around CRLF ends, empty lines, padded cells and a last line without its end; a
 * CR that ends no line stays in the cell, so the last label below is bad in both. */
static void test_dataset__scan_small_tables(void)
{
    static const char good[] = "id,tenure,note,charges,plan,score,churn\n"
                               "a,1,n,2.5,basic,0.1,1\r\n"
                               "\n"
                               "\r\n"
                               "b, 7 ,\"q\"\"x\",3,gold,0.2,0\n"
                               "c,,plain,NA,,1e-3,yes\n"
                               "d,4,n,5,plus,0.5,0";
    static const char *const starts[] = { "\na,", "\nb,", "\nc,", "\nd," };
    scan_fixture f;
    fixture_write(&f, "scan_small.csv", good, starts, 4);
    CHECK_EQ_INT(f.ref_rc, 0);
    CHECK_EQ_INT(f.ref.n, 4);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    rowset_free(&out.kept);
    fixture_free(&f);

    static const char bad[] = "id,tenure,note,charges,plan,score,churn\n"
                              "a,1,n,2.5,basic,0.1,1\n"
                              "d,4,n,5,plus,0.5,0\r";
    static const char *const bad_starts[] = { "\na,", "\nd," };
    fixture_write(&f, "scan_small_bad.csv", bad, bad_starts, 2);
    CHECK_EQ_INT(f.ref_rc, CK_EPARSE);
    scan_table(&out, &f, f.path, 1, 0, 0);
    CHECK_EQ_INT(out.rc, CK_EPARSE);
    CHECK_EQ_INT(out.err.line, 3);
    CHECK_EQ_STR(out.err.msg, f.ref_err.msg);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_dataset__scan_errors(void)
{
    /* a bad number, then a record a field short, in the last part of a table with many
     * multi-line records: the same error, file and line as reading row by row */
    const char *names[] = { "scan_bad_number.csv", "scan_bad_fields.csv" };
    const char *msgs[] = { "bad number \"abc\" in column \"tenure\"", "expected 7 fields, got 6" };
    const int defects[] = { DEFECT_NUMBER, DEFECT_FIELDS };
    for (size_t d = 0; d < 2; d++) {
        scan_fixture f;
        gen_opts g = { true, true, defects[d] };
        fixture_make(&f, names[d], &g, "churn");
        CHECK_EQ_INT(f.ref_rc, CK_EPARSE);
        CHECK_EQ_STR(f.ref_err.msg, msgs[d]);
        CHECK(f.ref.n > 0 && f.keys[f.ref.n] >= SCAN_DEFECT_AT); /* the defect stopped it */
        CHECK(f.ref_err.line > (long)f.ref.n); /* lines count the notes' line ends */
        const int threads[] = { 1, 2, 4 };
        for (size_t t = 0; t < 3; t++) {
            scan_outcome out;
            scan_table(&out, &f, f.path, threads[t], 0, 0);
            CHECK_EQ_INT(out.rc, CK_EPARSE);
            CHECK_EQ_INT(out.err.code, CK_EPARSE);
            CHECK_EQ_STR(out.err.msg, f.ref_err.msg);
            CHECK_EQ_STR(out.err.file, f.ref_err.file);
            CHECK_EQ_INT(out.err.line, f.ref_err.line);
            /* what was kept before the failure is a beginning of the table */
            CHECK(out.kept.n <= f.ref.n && same_rows(&out.kept, &f.ref, 0));
            rowset_free(&out.kept);
        }
        fixture_free(&f);
    }
}

static void test_dataset__scan_row_numbers(void)
{
    /* no id column: one part at a time, rows numbered as the stream numbers them, from
     * where the stream was; no label column asked for: NaN labels */
    scan_fixture f;
    gen_opts g = { true, false, DEFECT_NONE };
    fixture_make(&f, "scan_no_id.csv", &g, NULL);
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    char number[24];
    for (size_t i = 0; i < f.ref.n; i++) {
        snprintf(number, sizeof number, "%zu", i + 1);
        if (strcmp(f.ref.ids + f.ref.id_at[i], number) != 0 || !isnan(f.ref.y[i])) {
            CHECK_EQ_STR(f.ref.ids + f.ref.id_at[i], number);
            break;
        }
    }
    const size_t skips[] = { 0, 2 };
    const char *first_ids[] = { "1", "3" };
    for (size_t k = 0; k < 2; k++) {
        scan_outcome out;
        scan_table(&out, &f, f.path, 4, skips[k], 0);
        check_scan_matches(&out, &f, skips[k]);
        CHECK_EQ_INT(out.drops, 0);
        if (out.kept.n > 0)
            CHECK_EQ_STR(out.kept.ids, first_ids[k]);
        rowset_free(&out.kept);
    }
    fixture_free(&f);
}

static void test_dataset__scan_gzip(void)
{
    /* a compressed table is read part after part: the plain file's rows and keys (offsets
     * in the uncompressed text). Stored, not deflated, the .gz is as large as the table:
     * only its being compressed keeps it from parallel parts at byte offsets. */
    scan_fixture f;
    gen_opts g = { true, true, DEFECT_NONE };
    fixture_make(&f, "scan_gz.csv", &g, "churn");
    char gz_path[520];
    snprintf(gz_path, sizeof gz_path, "%s.gz", f.path);
    FILE *in = fopen(f.path, "rb");
    gzFile out = gzopen(gz_path, "wb0");
    CHECK(in != NULL && out != NULL);
    static char chunk[1 << 16];
    size_t n;
    while (in && out && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        CHECK_EQ_INT(gzwrite(out, chunk, (unsigned)n), n);
    if (in)
        fclose(in);
    if (out)
        CHECK_EQ_INT(gzclose(out), Z_OK);
    scan_outcome res;
    scan_table(&res, &f, gz_path, 4, 0, 0);
    check_scan_matches(&res, &f, 0);
    CHECK_EQ_INT(res.drops, 0);
    rowset_free(&res.kept);
    remove(gz_path);
    fixture_free(&f);
}

static void test_dataset__scan_callback_fails(void)
{
    /* a block callback's failure ends the scan with its code and message: on one thread,
     * and on four without quotes, where every guess is right, so the third block is in a
     * part that is kept whichever thread hands it out */
    const bool quotes[] = { true, false };
    const int threads[] = { 1, 4 };
    for (size_t c = 0; c < 2; c++) {
        scan_fixture f;
        gen_opts g = { quotes[c], true, DEFECT_NONE };
        fixture_make(&f, "scan_callback.csv", &g, "churn");
        scan_outcome out;
        scan_table(&out, &f, f.path, threads[c], 0, 3);
        CHECK_EQ_INT(out.rc, CK_EINVAL);
        CHECK_EQ_STR(out.err.msg, "block 3 refused");
        CHECK_EQ_INT(out.err.line, 0);
        CHECK(out.kept.n < f.ref.n && same_rows(&out.kept, &f.ref, 0));
        rowset_free(&out.kept);
        fixture_free(&f);
    }
}

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

static void test_dataset__from_features_values(void)
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

static void test_dataset__from_features_stacks_cutoffs(void)
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

static void test_dataset__from_features_labels(void)
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

static void test_dataset__from_features_schema_errors(void)
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

/* ---- splits ---------------------------------------------------------------------------- */

static void test_dataset__split(void)
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

/* ---- real tables ----------------------------------------------------------------------- */

static bool present(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        printf("note: %s is absent; skipped\n", path);
        return false;
    }
    fclose(f);
    return true;
}

static void test_dataset__telco(void)
{
    if (!present(TELCO))
        return;
    /* Independently, with pandas: read_csv(dtype=str, keep_default_na=False) gives 7043
     * rows, Churn Yes 1869; TotalCharges " " in 11 rows (488, 753, 936, 1082, 1340, 3331,
     * 3826, 4380, 5218, 6670, 6754), the other values summing to 16056168.7; Contract
     * levels in order of appearance: Month-to-month, One year, Two year. */
    ck_table_opts o = opts_for("Churn", "customerID", NULL);
    ck_dataset *d = read_ok(TELCO, &o);
    if (d == NULL)
        return;
    const ck_schema *s = ck_dataset_schema(d);
    CHECK_EQ_INT(ck_dataset_n_rows(d), 7043);
    CHECK_EQ_INT(ck_dataset_n_features(d), 19);
    size_t positives = 0;
    for (size_t i = 0; i < ck_dataset_n_rows(d); i++)
        positives += ck_dataset_labels(d)[i] == 1.0f;
    CHECK_EQ_INT(positives, 1869);
    size_t tc = feature(d, "TotalCharges");
    CHECK_EQ_INT(ck_schema_kind(s, tc), CK_FEATURE_NUMERIC);
    const float *x = ck_dataset_column(d, tc);
    size_t n_nan = 0;
    double sum = 0;
    for (size_t i = 0; i < ck_dataset_n_rows(d); i++) {
        if (isnan(x[i]))
            n_nan++;
        else
            sum += x[i];
    }
    CHECK_EQ_INT(n_nan, 11);
    CHECK(isnan(x[488]) && isnan(x[6754]));
    CHECK_NEAR(x[0], 29.85f, 0);
    /* floats hold about 7 digits: 7032 values, each off by at most half an ulp (< 0.0005) */
    CHECK_NEAR(sum, 16056168.7, 7032 * 0.0005);
    const char *contracts[] = { "Month-to-month", "One year", "Two year" };
    check_levels(d, "Contract", contracts, 3);
    const char *genders[] = { "Female", "Male" };
    check_levels(d, "gender", genders, 2);
    CHECK_EQ_INT(ck_schema_kind(s, feature(d, "SeniorCitizen")), CK_FEATURE_NUMERIC);
    CHECK_EQ_INT(ck_schema_kind(s, feature(d, "tenure")), CK_FEATURE_NUMERIC);
    CHECK_EQ_INT(ck_schema_n_levels(s, feature(d, "PaymentMethod")), 4);
    CHECK_EQ_STR(ck_dataset_id_name(d), "customerID");
    CHECK_EQ_STR(ck_dataset_row_id(d, 0), "7590-VHVEG");
    CHECK_EQ_STR(ck_dataset_row_id(d, 7042), "3186-AJIEK");
    CHECK_NEAR(ck_dataset_column(d, feature(d, "tenure"))[7042], 66, 0);

    /* with its own schema, reading and streaming give the very same rows */
    o.schema = s;
    ck_dataset *again = read_ok(TELCO, &o);
    CHECK(again != NULL && same_datasets(again, d));
    ck_dataset_free(again);
    check_stream_matches(TELCO, &o, s, d);
    ck_dataset_free(d);
}

static void test_dataset__bank(void)
{
    if (!present(BANK))
        return;
    /* pandas: 10000 rows, Exited 2037; Geography France, Spain, Germany in order of
     * appearance; mean Age 38.9218; first CustomerId 15634602 */
    const char *ignore[] = { "RowNumber", "Surname" };
    ck_table_opts o = opts_for("Exited", "CustomerId", NULL);
    o.ignore = ignore;
    o.n_ignore = 2;
    ck_dataset *d = read_ok(BANK, &o);
    if (d == NULL)
        return;
    CHECK_EQ_INT(ck_dataset_n_rows(d), 10000);
    CHECK_EQ_INT(ck_dataset_n_features(d), 10);
    size_t positives = 0;
    double age = 0;
    const float *a = ck_dataset_column(d, feature(d, "Age"));
    for (size_t i = 0; i < ck_dataset_n_rows(d); i++) {
        positives += ck_dataset_labels(d)[i] == 1.0f;
        age += a[i];
    }
    CHECK_EQ_INT(positives, 2037);
    CHECK_NEAR(age / 10000, 38.9218, 1e-12);
    const char *geo[] = { "France", "Spain", "Germany" };
    check_levels(d, "Geography", geo, 3);
    CHECK_EQ_STR(ck_dataset_row_id(d, 0), "15634602");
    CHECK(ck_schema_find(ck_dataset_schema(d), "Surname") < 0);
    ck_dataset_free(d);
}

int main(void)
{
    RUN(test_dataset__table_values);
    RUN(test_dataset__label_spellings);
    RUN(test_dataset__bad_labels);
    RUN(test_dataset__header_and_row_errors);
    RUN(test_dataset__header_only_and_no_label);
    RUN(test_dataset__delimiter);
    RUN(test_dataset__growth_and_deferred_column);
    RUN(test_dataset__numbers_match_strtod);
    RUN(test_dataset__number_beyond_float_range);
    RUN(test_dataset__schema_alignment);
    RUN(test_dataset__schema_errors);
    RUN(test_dataset__stream_matches_read_table);
    RUN(test_dataset__stream_errors);
    RUN(test_dataset__scan_matches_stream);
    RUN(test_dataset__scan_without_quotes);
    RUN(test_dataset__scan_long_record);
    RUN(test_dataset__scan_small_tables);
    RUN(test_dataset__scan_errors);
    RUN(test_dataset__scan_row_numbers);
    RUN(test_dataset__scan_gzip);
    RUN(test_dataset__scan_callback_fails);
    RUN(test_dataset__from_features_values);
    RUN(test_dataset__from_features_stacks_cutoffs);
    RUN(test_dataset__from_features_labels);
    RUN(test_dataset__from_features_schema_errors);
    RUN(test_dataset__split);
    RUN(test_dataset__telco);
    RUN(test_dataset__bank);
    return check_summary();
}
