/*
 * Tests of the read-out writers (abtest.h): the JSON contract of DESIGN.md, exactly its
 * key names, nulls on the control row and numbers that round-trip; a self-contained HTML
 * report (no script, every <svg> closed) and the text tables.
 */
#include "churnkit/abtest.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/abtest_fixtures.h"

#define TMP(name) CK_TEST_TMP "/abtest_report_" name

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n)
        buf[n] = '\0';
    fclose(fp);
    return buf;
}

static bool is_null(const cJSON *o, const char *key)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* The key names of DESIGN.md ("--json FILE"), exactly. */
static void test_abtest_report__json_contract(void)
{
    ck_error err = { 0 };
    const char *by[] = { "seg" };
    ck_abtest *ab = read_columns_case(TMP("columns.csv"), by, 1);
    if (ab == NULL)
        return;
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const char *path = TMP("readout.json");
    FILE *fp = fopen(path, "wb");
    CHECK_OK(ck_abtest_write_json(ab, fp, &err));
    fclose(fp);
    char *text = slurp(path);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    CHECK(root != NULL);
    if (root == NULL)
        goto done;
    CHECK_EQ_STR(cJSON_GetObjectItemCaseSensitive(root, "control")->valuestring, "control");
    CHECK_NEAR(cJSON_GetObjectItemCaseSensitive(root, "alpha")->valuedouble, 0.05, 0);
    const cJSON *arms = cJSON_GetObjectItemCaseSensitive(root, "arms");
    CHECK(cJSON_GetArraySize(arms) == 3);
    static const char *const keys[] = { "arm",
                                        "n",
                                        "conversions",
                                        "rate",
                                        "rate_ci",
                                        "abs_lift",
                                        "abs_lift_ci",
                                        "rel_lift",
                                        "rel_lift_ci",
                                        "test",
                                        "p_value",
                                        "p_adjusted",
                                        "revenue_per_user",
                                        "revenue_diff",
                                        "revenue_diff_ci",
                                        "revenue_p_value",
                                        "incremental_conversions",
                                        "incremental_revenue" };
    const cJSON *arm;
    cJSON_ArrayForEach(arm, arms)
    {
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            CHECK_REPORT_(cJSON_HasObjectItem(arm, keys[k]), "arm without \"%s\"", keys[k]);
    }
    const cJSON *ctl = cJSON_GetArrayItem(arms, 0), *a = cJSON_GetArrayItem(arms, 1);
    CHECK_EQ_STR(cJSON_GetObjectItemCaseSensitive(ctl, "arm")->valuestring, "control");
    static const char *const lift_keys[] = { "abs_lift",
                                             "abs_lift_ci",
                                             "rel_lift",
                                             "rel_lift_ci",
                                             "test",
                                             "p_value",
                                             "p_adjusted",
                                             "revenue_diff",
                                             "revenue_diff_ci",
                                             "revenue_p_value",
                                             "incremental_conversions",
                                             "incremental_revenue" };
    for (size_t k = 0; k < sizeof lift_keys / sizeof *lift_keys; k++)
        CHECK_REPORT_(is_null(ctl, lift_keys[k]), "control \"%s\" is not null", lift_keys[k]);
    CHECK_EQ_STR(cJSON_GetObjectItemCaseSensitive(a, "test")->valuestring, "z");
    CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "rate_ci")), 2);
    /* numbers round-trip exactly */
    CHECK(cJSON_GetObjectItemCaseSensitive(a, "p_value")->valuedouble == 0.10304269342469359 ||
          fabs(cJSON_GetObjectItemCaseSensitive(a, "p_value")->valuedouble - 0.10304269342469359) <
              1e-12);
    const cJSON *srm = cJSON_GetObjectItemCaseSensitive(root, "srm");
    CHECK(cJSON_HasObjectItem(srm, "chi2") && cJSON_HasObjectItem(srm, "p_value") &&
          cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(srm, "mismatch")));
    const cJSON *segs = cJSON_GetObjectItemCaseSensitive(root, "segments");
    CHECK_EQ_INT(cJSON_GetArraySize(segs), 2);
    const cJSON *s0 = cJSON_GetArrayItem(segs, 0);
    CHECK_EQ_STR(cJSON_GetObjectItemCaseSensitive(s0, "column")->valuestring, "seg");
    CHECK_EQ_STR(cJSON_GetObjectItemCaseSensitive(s0, "value")->valuestring, "x");
    CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s0, "arms")), 3);
    CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "arm_channel")));
done:
    cJSON_Delete(root);
    free(text);
    ck_abtest_free(ab);
}

static void test_abtest_report__text_and_html(void)
{
    ck_error err = { 0 };
    const char *by[] = { "seg" };
    ck_abtest *ab = read_columns_case(TMP("columns.csv"), by, 1);
    if (ab == NULL)
        return;
    ck_abtest_opts o = CK_ABTEST_OPTS_INIT;
    o.cuped = true;
    CHECK(ck_abtest_write_html(ab, stdout, &err) == CK_EINVAL); /* not analysed yet */
    CHECK_OK(ck_abtest_analyze(ab, &o, &err));
    const char *path = TMP("report.html");
    FILE *fp = fopen(path, "wb");
    CHECK_OK(ck_abtest_write_html(ab, fp, &err));
    fclose(fp);
    char *html = slurp(path);
    CHECK(html != NULL);
    if (html != NULL) {
        CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
        CHECK(strstr(html, "<script") == NULL);
        CHECK(strstr(html, "http://") == strstr(html, "http://www.w3.org/2000/svg"));
        CHECK(strstr(html, "conversion rate (%), with 95% Wilson intervals") != NULL);
        CHECK(strstr(html, "percentage points), 95% Newcombe intervals") != NULL);
        CHECK(strstr(html, "seg = x (n = 150)") != NULL);
        /* every <svg> is closed */
        size_t open = 0, close = 0;
        for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++)
            open++;
        for (const char *p = html; (p = strstr(p, "</svg>")) != NULL; p++)
            close++;
        CHECK(open >= 8 && open == close);
    }
    free(html);
    path = TMP("readout.txt");
    fp = fopen(path, "wb");
    CHECK_OK(ck_abtest_write_text(ab, fp, &err));
    fclose(fp);
    char *text = slurp(path);
    CHECK(text != NULL && strstr(text, "== seg = x: 150 customers ==") != NULL);
    CHECK(text != NULL && strstr(text, "offer_a") != NULL);
    free(text);
    ck_abtest_free(ab);
}

int main(void)
{
    RUN(test_abtest_report__json_contract);
    RUN(test_abtest_report__text_and_html);
    return check_summary();
}
