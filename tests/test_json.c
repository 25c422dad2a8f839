/*
 * Tests of the JSON layer (src/io/json.h): numbers written as the shortest text that reads
 * back to the same double, NaN and infinities refused naming the field and metrics written
 * as null, the first failure kept by a writer, the two parsing rules (the whole text, or
 * its first value) with the line of a syntax error, and the getters' messages, which name
 * the member by its JSON path.
 */
#include "io/json.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

#define TMP CK_TEST_TMP "/json_"

/* Each text reads back (strtod) to the value it was written from, and is the shortest. */
static void test_json__numbers_shortest_exact(void)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        { 0.1, "0.1" },
        { 1.0 / 3, "0.3333333333333333" },
        { -0.0, "-0" },
        { DBL_MAX, "1.7976931348623157e+308" },
        { 5e-324, "4.94065645841247e-324" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 123456789.123, "123456789.123" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[32];
        ck__json_format_double(buf, cases[i].v);
        CHECK_EQ_STR(buf, cases[i].text);
        double back = strtod(buf, NULL);
        CHECK(memcmp(&back, &cases[i].v, sizeof back) == 0);
    }
}

static char *written(const ck__json *root)
{
    ck_error err = { 0 };
    FILE *f = fopen(TMP "out.json", "w+b");
    CHECK(f != NULL);
    if (f == NULL)
        return NULL;
    CHECK_OK(ck__json_write(root, f, &err));
    long size = ftell(f);
    char *text = calloc((size_t)size + 1, 1);
    rewind(f);
    CHECK_EQ_INT(fread(text, 1, (size_t)size, f), size);
    fclose(f);
    return text;
}

static void test_json__writer(void)
{
    ck_error err = { 0 };
    ck__json_writer w = { CK_OK, &err };
    ck__json *root = ck__json_new_object(&w);
    ck__json *a = ck__json_put(&w, root, "a", ck__json_new_array(&w));
    ck__json_put(&w, a, NULL, ck__json_new_number(&w, 0.1, "a[%d]", 0));
    ck__json_put(&w, a, NULL, ck__json_new_integer(&w, -12345678901LL));
    ck__json_put(&w, root, "m", ck__json_new_metric(&w, NAN, "m"));
    ck__json_put(&w, root, "s", ck__json_new_string(&w, "x\"y"));
    ck__json_put(&w, root, "b", ck__json_new_bool(&w, true));
    ck__json_put(&w, root, "z", ck__json_new_null(&w));
    CHECK_EQ_INT(w.rc, CK_OK);
    char *text = written(root);
    CHECK_EQ_STR(text, "{\n\t\"a\":\t[0.1, -12345678901],\n\t\"m\":\tnull,\n\t\"s\":\t\"x\\\"y\",\n"
                       "\t\"b\":\ttrue,\n\t\"z\":\tnull\n}\n");
    free(text);

    /* a non-finite number fails, naming its path; the first failure is the one kept */
    CHECK(ck__json_new_number(&w, INFINITY, "body.stumps[%d].left", 3) == NULL);
    CHECK_EQ_INT(w.rc, CK_EINVAL);
    CHECK_EQ_STR(err.msg, "body.stumps[3].left: cannot write inf (model numbers must be finite)");
    CHECK(ck__json_new_metric(&w, -INFINITY, "metrics.auc") == NULL);
    ck__json_fail_write(&w, CK_ENOMEM, "later");
    CHECK_EQ_INT(w.rc, CK_EINVAL);
    CHECK_EQ_STR(err.msg, "body.stumps[3].left: cannot write inf (model numbers must be finite)");
    CHECK(ck__json_put(&w, root, "late", ck__json_new_string(&w, "no")) == NULL);
    CHECK(ck__json_get(root, "late") == NULL);
    ck__json_free(root);
}

static void test_json__parse_rules_and_lines(void)
{
    long line = -1;
    const char *trailing = "{\"a\": 1} junk";
    ck__json *v = ck__json_parse(trailing, strlen(trailing), false, &line);
    CHECK(v != NULL); /* the first value is taken (config files) */
    CHECK_EQ_INT(line, 0);
    ck__json_free(v);
    CHECK(ck__json_parse(trailing, strlen(trailing), true, &line) == NULL);
    CHECK_EQ_INT(line, 1);

    const char *broken = "{\n  \"a\": 1,\n  \"b\": ]\n}";
    CHECK(ck__json_parse(broken, strlen(broken), true, &line) == NULL);
    CHECK_EQ_INT(line, 3);
    CHECK(ck__json_parse(broken, strlen(broken), false, &line) == NULL);
    CHECK_EQ_INT(line, 3);

    /* a NUL inside the text is not JSON when the whole text must be */
    const char nul[] = "{\"a\": 1}\n\0{}";
    CHECK(ck__json_parse(nul, sizeof nul - 1, true, &line) == NULL);
    CHECK_EQ_INT(line, 2);
    v = ck__json_parse(nul, sizeof nul - 1, false, NULL);
    CHECK(v != NULL);
    ck__json_free(v);
}

static void check_fails(int rc, const ck_error *err, const char *msg)
{
    CHECK_EQ_INT(rc, CK_EINVAL);
    CHECK_EQ_STR(err->file, "f.json");
    CHECK_EQ_INT(err->line, 0);
    CHECK_EQ_STR(err->msg, msg);
}

static void test_json__getters_name_the_path(void)
{
    ck_error err = { 0 };
    const char *text = "{\"body\": {\"n\": 2.5, \"i\": 7, \"big\": 1e300, \"s\": \"abc\", "
                       "\"seed\": \"18446744073709551615\", \"arr\": [1, 2, \"x\"], "
                       "\"ok\": [0.5, 1.5], \"m\": null, \"t\": true, \"c\": \"lbfgs\"}}";
    ck__json *root = ck__json_parse(text, strlen(text), true, NULL);
    CHECK(root != NULL);
    if (root == NULL)
        return;
    const ck__json_reader r = { "f.json", &err };
    char path[CK__JSON_PATH_LEN];
    const ck__json *body, *arr;
    size_t n;
    double x;
    int i;
    bool b;
    uint64_t u;
    char s[4];
    double *numbers;
    CHECK_OK(ck__json_get_object(&r, root, "", "body", &body, path));
    CHECK_EQ_STR(path, "body");
    CHECK_OK(ck__json_get_number(&r, body, "body", "n", &x));
    CHECK(x == 2.5);
    CHECK_OK(ck__json_get_int(&r, body, "body", "i", &i));
    CHECK_EQ_INT(i, 7);
    CHECK_OK(ck__json_get_metric(&r, body, "body", "m", &x));
    CHECK(isnan(x));
    CHECK_OK(ck__json_get_bool(&r, body, "body", "t", &b));
    CHECK(b);
    CHECK_OK(ck__json_get_u64_string(&r, body, "body", "seed", &u));
    CHECK(u == UINT64_MAX);
    CHECK_OK(ck__json_get_string(&r, body, "body", "s", s, sizeof s));
    CHECK_EQ_STR(s, "abc");
    CHECK_OK(ck__json_get_numbers(&r, body, "body", "ok", 2, "two", &numbers));
    CHECK(numbers != NULL && numbers[0] == 0.5 && numbers[1] == 1.5);
    free(numbers);
    static const char *const solvers[] = { "newton", "lbfgs" };
    CHECK_OK(ck__json_get_choice(&r, body, "body", "c", solvers, 2, "a solver", &i));
    CHECK_EQ_INT(i, 1);

    check_fails(ck__json_get_number(&r, body, "body", "nope", &x), &err, "body.nope: missing");
    check_fails(ck__json_get_number(&r, body, "body", "s", &x), &err, "body.s: expected a number");
    check_fails(ck__json_get_int(&r, body, "body", "big", &i), &err,
                "body.big: expected a whole number from 0 to 2147483647");
    check_fails(ck__json_get_int(&r, body, "body", "n", &i), &err,
                "body.n: expected a whole number from 0 to 2147483647");
    check_fails(ck__json_get_string(&r, body, "body", "s", s, 3), &err,
                "body.s: too long (at most 2 bytes)");
    check_fails(ck__json_get_bool(&r, body, "body", "i", &b), &err,
                "body.i: expected true or false");
    check_fails(ck__json_get_array(&r, body, "body", "arr", 2, &arr, &n, path), &err,
                "body.arr: too many items (at most 2)");
    check_fails(ck__json_get_numbers(&r, body, "body", "arr", 3, "three", &numbers), &err,
                "body.arr[2]: expected a number");
    CHECK(numbers == NULL);
    check_fails(ck__json_get_numbers(&r, body, "body", "arr", 2, "one per level", &numbers), &err,
                "body.arr: expected 2 numbers (one per level), got 3");
    check_fails(ck__json_get_object(&r, body, "body", "arr", &arr, path), &err,
                "body.arr: expected an object");
    check_fails(ck__json_get_in_range(&r, body, "body", "n", 0, false, 1, "a number in (0, 1)", &x),
                &err, "body.n: expected a number in (0, 1)");
    check_fails(ck__json_get_choice(&r, body, "body", "s", solvers, 2, "a solver", &i), &err,
                "body.s: expected a solver, got \"abc\"");
    check_fails(ck__json_get_u64_string(&r, body, "body", "s", &u), &err,
                "body.s: expected a whole number from 0 to 2^64 - 1 as a string");

    /* node access */
    CHECK_OK(ck__json_get_array(&r, body, "body", "arr", 3, &arr, &n, path));
    CHECK_EQ_INT(ck__json_size(arr), 3);
    const ck__json *third = ck__json_next(ck__json_next(ck__json_child(arr)));
    CHECK_EQ_STR(ck__json_string(third), "x");
    CHECK(isnan(ck__json_number(third)));
    CHECK_EQ_STR(ck__json_key(ck__json_child(body)), "n");
    ck__json_path_index(path, "body.arr", 12);
    CHECK_EQ_STR(path, "body.arr[12]");
    ck__json_free(root);
}

static void test_json__read_file(void)
{
    ck_error err = { 0 };
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(TMP "read.json", "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs("[1,\n2]", f);
    fclose(f);
    CHECK_OK(ck__json_read_file(&text, &len, TMP "read.json", &err));
    CHECK_EQ_INT(len, 6);
    CHECK_EQ_STR(text, "[1,\n2]");
    free(text);
    CHECK_EQ_INT(ck__json_read_file(&text, &len, TMP "absent.json", &err), CK_EIO);
    CHECK(text == NULL);
    CHECK_EQ_STR(err.msg, strerror(ENOENT));
}

int main(void)
{
    if (mkdir(CK_TEST_TMP, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s: %s\n", CK_TEST_TMP, strerror(errno));
        return 1;
    }
    RUN(test_json__numbers_shortest_exact);
    RUN(test_json__writer);
    RUN(test_json__parse_rules_and_lines);
    RUN(test_json__getters_name_the_path);
    RUN(test_json__read_file);
    return check_summary();
}
