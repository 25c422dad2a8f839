/*
 * The read-out as JSON (see ck_abtest_write_json() in abtest.h), written directly with
 * the key names of DESIGN.md: the settings, the overall arms with srm and cuped, the
 * segments, the arm × channel table and the warnings. Numbers are the shortest of %.15g,
 * %.16g and %.17g that reads back to the same double, so they round-trip exactly; NaN
 * and infinite values are null.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab/abtest_int.h"

static void json_string(FILE *fp, const char *s)
{
    if (s == NULL) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", fp);
        else if (*p == '\t')
            fputs("\\t", fp);
        else if (*p == '\r')
            fputs("\\r", fp);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

static void json_number(FILE *fp, double v)
{
    if (!isfinite(v)) {
        fputs("null", fp);
        return;
    }
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v + 0.0);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, fp);
}

static void json_key(FILE *fp, const char *key)
{
    fprintf(fp, ",\"%s\":", key);
}

static void json_num_key(FILE *fp, const char *key, double v)
{
    json_key(fp, key);
    json_number(fp, v);
}

static void json_ci_key(FILE *fp, const char *key, const double ci[2])
{
    json_key(fp, key);
    if (isnan(ci[0]) || isnan(ci[1])) {
        fputs("null", fp);
        return;
    }
    fputc('[', fp);
    json_number(fp, ci[0]);
    fputc(',', fp);
    json_number(fp, ci[1]);
    fputc(']', fp);
}

static void json_arm(FILE *fp, const ck_abtest_table *t, const ck_abtest_arm *a)
{
    fputs("{\"arm\":", fp);
    json_string(fp, a->arm);
    if (t->kind == CK_ABTEST_ARM_CHANNEL) {
        json_key(fp, "channel");
        json_string(fp, a->is_control ? NULL : a->channel);
    }
    fprintf(fp, ",\"n\":%zu,\"conversions\":%zu", a->n, a->conversions);
    json_num_key(fp, "rate", a->rate);
    json_ci_key(fp, "rate_ci", a->rate_ci);
    json_num_key(fp, "abs_lift", a->abs_lift);
    json_ci_key(fp, "abs_lift_ci", a->abs_lift_ci);
    json_num_key(fp, "rel_lift", a->rel_lift);
    json_ci_key(fp, "rel_lift_ci", a->rel_lift_ci);
    json_key(fp, "test");
    json_string(fp, ck__abtest_test_name(a->test));
    json_num_key(fp, "z", a->z);
    json_num_key(fp, "p_value", a->p_value);
    json_num_key(fp, "p_adjusted", a->p_adjusted);
    json_key(fp, "significant");
    fputs(a->test == CK_ABTEST_NO_TEST ? "null" : a->significant ? "true" : "false", fp);
    json_num_key(fp, "revenue_total", a->revenue_total);
    json_num_key(fp, "revenue_per_user", a->revenue_per_user);
    json_num_key(fp, "revenue_diff", a->revenue_diff);
    json_ci_key(fp, "revenue_diff_ci", a->revenue_diff_ci);
    json_num_key(fp, "revenue_df", a->revenue_df);
    json_num_key(fp, "revenue_p_value", a->revenue_p_value);
    json_num_key(fp, "revenue_p_adjusted", a->revenue_p_adjusted);
    json_num_key(fp, "cuped_revenue_diff", a->cuped_revenue_diff);
    json_ci_key(fp, "cuped_revenue_diff_ci", a->cuped_revenue_diff_ci);
    json_num_key(fp, "cuped_revenue_p_value", a->cuped_revenue_p_value);
    json_num_key(fp, "incremental_conversions", a->incremental_conversions);
    json_num_key(fp, "incremental_revenue", a->incremental_revenue);
    json_num_key(fp, "cost", a->cost);
    json_num_key(fp, "cost_per_incremental_conversion", a->cost_per_incremental_conversion);
    json_num_key(fp, "roi", a->roi);
    fputc('}', fp);
}

static void json_arms(FILE *fp, const ck_abtest_table *t)
{
    fputs(",\"arms\":[", fp);
    for (size_t g = 0; g < t->n_arms; g++) {
        fputs(g ? ",\n" : "\n", fp);
        json_arm(fp, t, &t->arms[g]);
    }
    fputs("]", fp);
}

static void json_srm(FILE *fp, const ck_abtest_table *t)
{
    json_key(fp, "srm");
    if (!t->has_srm) {
        fputs("null", fp);
        return;
    }
    fputs("{\"chi2\":", fp);
    json_number(fp, t->srm_chi2);
    json_num_key(fp, "df", t->srm_df);
    json_num_key(fp, "p_value", t->srm_p_value);
    fprintf(fp, ",\"mismatch\":%s}", t->srm_mismatch ? "true" : "false");
}

static void json_cuped(FILE *fp, const ck_abtest_table *t, const ck__abtest_meta *m)
{
    json_key(fp, "cuped");
    if (!m->cuped) {
        fputs("null", fp);
        return;
    }
    fputs("{\"theta\":", fp);
    json_number(fp, t->cuped_theta);
    json_num_key(fp, "variance_reduction", t->cuped_variance_reduction);
    fputc('}', fp);
}

int ck_abtest_write_json(const ck_abtest *ab, FILE *fp, ck_error *err)
{
    ck__abtest_meta m;
    ck__abtest_meta_get(ab, &m);
    const ck_abtest_table *overall = ck_abtest_table_at(ab, 0);
    if (overall == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the experiment has not been analysed");
    fputs("{\"control\":", fp);
    json_string(fp, m.control);
    json_num_key(fp, "alpha", m.alpha);
    json_num_key(fp, "confidence", m.confidence);
    json_key(fp, "alternative");
    json_string(fp, ck__abtest_alternative_name(m.alternative));
    json_key(fp, "correction");
    json_string(fp, ck__abtest_correction_name(m.correction));
    json_key(fp, "assignments");
    json_string(fp, m.path);
    json_key(fp, "outcomes");
    json_string(fp, m.outcomes_from_columns ? "columns" : "events");
    json_key(fp, "window_days");
    if (m.outcomes_from_columns)
        fputs("null", fp);
    else
        fprintf(fp, "%d", m.window_days);
    fprintf(fp, ",\"n\":%zu", overall->n);
    json_key(fp, "expected_split");
    fputc('{', fp);
    for (size_t g = 0; g < overall->n_arms; g++) {
        fputs(g ? "," : "", fp);
        json_string(fp, overall->arms[g].arm);
        fputc(':', fp);
        json_number(fp, m.split[g]);
    }
    fputc('}', fp);
    json_arms(fp, overall);
    fputc('\n', fp);
    json_srm(fp, overall);
    json_cuped(fp, overall, &m);
    fputs(",\n\"segments\":[", fp);
    bool first = true;
    const ck_abtest_table *arm_channel = NULL;
    for (size_t i = 1; i < ck_abtest_n_tables(ab); i++) {
        const ck_abtest_table *t = ck_abtest_table_at(ab, i);
        if (t->kind == CK_ABTEST_ARM_CHANNEL) {
            arm_channel = t;
            continue;
        }
        fputs(first ? "\n{\"column\":" : ",\n{\"column\":", fp);
        first = false;
        json_string(fp, t->column);
        json_key(fp, "value");
        json_string(fp, t->value);
        fprintf(fp, ",\"n\":%zu", t->n);
        json_arms(fp, t);
        json_srm(fp, t);
        json_cuped(fp, t, &m);
        fputc('}', fp);
    }
    fputs("],\n\"arm_channel\":", fp);
    if (arm_channel == NULL) {
        fputs("null", fp);
    } else {
        fputs("{\"column\":", fp);
        json_string(fp, arm_channel->column);
        fprintf(fp, ",\"n\":%zu", arm_channel->n);
        json_arms(fp, arm_channel);
        json_cuped(fp, arm_channel, &m);
        fputc('}', fp);
    }
    fputs(",\n\"warnings\":[", fp);
    for (size_t i = 0; i < ck_abtest_n_warnings(ab); i++) {
        fputs(i ? ",\n" : "\n", fp);
        json_string(fp, ck_abtest_warning(ab, i));
    }
    fputs("]}\n", fp);
    return ck__abtest_check_stream(fp, err);
}
