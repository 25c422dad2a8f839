/*
 * The read-out of an analysed experiment (see abtest.h) in three forms: a text table for
 * a terminal, JSON with the key names of DESIGN.md for machines, and a self-contained
 * HTML report whose charts are inline SVG (svg.c): each arm's conversion rate with its
 * Wilson interval, the lifts against control with their intervals, revenue differences,
 * and the same per segment and per arm × channel cell.
 *
 * JSON numbers are the shortest of %.15g, %.16g and %.17g that reads back to the same
 * double, so they round-trip exactly; NaN and infinite values are null.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ab/abtest_int.h"
#include "churnkit/version.h"
#include "io/svg.h"

static int check_stream(FILE *fp, ck_error *err)
{
    if (ferror(fp))
        return ck_error_set(err, CK_EIO, NULL, 0, "write error");
    return CK_OK;
}

static const char *alternative_name(ck_alternative a)
{
    return a == CK_ALT_GREATER ? "greater" : a == CK_ALT_LESS ? "less" : "two-sided";
}

static const char *alternative_label(ck_alternative a)
{
    return a == CK_ALT_GREATER ? "one-sided (arm > control)"
           : a == CK_ALT_LESS  ? "one-sided (arm < control)"
                               : "two-sided";
}

static const char *correction_name(ck_correction c)
{
    return c == CK_CORRECT_HOLM ? "holm" : c == CK_CORRECT_BH ? "bh" : "none";
}

static const char *correction_label(ck_correction c)
{
    return c == CK_CORRECT_HOLM ? "Holm" : c == CK_CORRECT_BH ? "Benjamini-Hochberg" : "no";
}

static const char *test_name(ck_abtest_test t)
{
    return t == CK_ABTEST_Z ? "z" : t == CK_ABTEST_FISHER ? "fisher" : NULL;
}

/* A row's label: the arm, or "arm/channel" in the arm × channel table. */
static void arm_label(char *buf, size_t size, const ck_abtest_table *t, const ck_abtest_arm *a)
{
    if (t->kind != CK_ABTEST_ARM_CHANNEL)
        snprintf(buf, size, "%s", a->arm);
    else if (a->is_control)
        snprintf(buf, size, "%s (all)", a->arm);
    else
        snprintf(buf, size, "%s/%s", a->arm, a->channel ? a->channel : "(missing)");
}

static void table_title(char *buf, size_t size, const ck_abtest_table *t)
{
    if (t->kind == CK_ABTEST_OVERALL)
        snprintf(buf, size, "all customers");
    else if (t->kind == CK_ABTEST_SEGMENT)
        snprintf(buf, size, "%s = %s", t->column, t->value ? t->value : "(missing)");
    else
        snprintf(buf, size, "arm \xc3\x97 %s (each cell against the whole control arm)", t->column);
}

/* ---- text ---- */

static void num(char *buf, size_t size, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else if (isinf(v))
        snprintf(buf, size, "%s", v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, size, fmt, v + 0.0);
}

static void interval(char *buf, size_t size, const char *fmt, const double ci[2], double mult)
{
    char lo[40], hi[40];
    if (isnan(ci[0]) || isnan(ci[1])) {
        snprintf(buf, size, "n/a");
        return;
    }
    num(lo, sizeof lo, fmt, ci[0] * mult);
    num(hi, sizeof hi, fmt, ci[1] * mult);
    snprintf(buf, size, "[%s, %s]", lo, hi);
}

static void pvalue(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "n/a");
    else if (p < 0.0001)
        snprintf(buf, size, "<0.0001");
    else
        snprintf(buf, size, "%.4f", p);
}

static int label_width(const ck_abtest_table *t)
{
    int w = 4;
    char label[160];
    for (size_t g = 0; g < t->n_arms; g++) {
        arm_label(label, sizeof label, t, &t->arms[g]);
        int len = (int)strlen(label);
        w = len > w ? len : w;
    }
    return w > 40 ? 40 : w;
}

static void text_table(FILE *fp, const ck_abtest_table *t, const ck__abtest_meta *m)
{
    char title[256], label[160], a[48], b[96], c[48], d[96], e[48], f[96], g1[16], g2[16];
    table_title(title, sizeof title, t);
    fprintf(fp, "== %s: %zu customers ==\n", title, t->n);
    int w = label_width(t);
    int ci = (int)(m->confidence * 100.0 + 0.5);
    char ci_head[16];
    snprintf(ci_head, sizeof ci_head, "%d%% CI", ci);
    fprintf(fp, "  %-*s %8s %7s %8s  %-17s %10s  %-19s %9s  %-19s %-6s %8s %8s\n", w, "arm", "n",
            "conv", "rate", ci_head, "lift (pp)", ci_head, "rel. lift", ci_head, "test", "p",
            "p adj");
    for (size_t k = 0; k < t->n_arms; k++) {
        const ck_abtest_arm *r = &t->arms[k];
        arm_label(label, sizeof label, t, r);
        num(a, sizeof a, "%.2f%%", r->rate * 100.0);
        interval(b, sizeof b, "%.2f", r->rate_ci, 100.0);
        fprintf(fp, "  %-*s %8zu %7zu %8s  %-17s", w, label, r->n, r->conversions, a, b);
        if (r->is_control || isnan(r->abs_lift)) {
            fputs(r->is_control ? "  (control)\n" : "  (no lifts)\n", fp);
            continue;
        }
        num(c, sizeof c, "%+.2f", r->abs_lift * 100.0);
        interval(d, sizeof d, "%+.2f", r->abs_lift_ci, 100.0);
        num(e, sizeof e, "%+.1f%%", r->rel_lift * 100.0);
        interval(f, sizeof f, "%+.1f", r->rel_lift_ci, 100.0);
        pvalue(g1, sizeof g1, r->p_value);
        pvalue(g2, sizeof g2, r->p_adjusted);
        fprintf(fp, " %10s  %-19s %9s  %-19s %-6s %8s %8s%s\n", c, d, e, f, test_name(r->test), g1,
                g2, r->significant ? " *" : "");
    }
    if (m->has_revenue) {
        fprintf(fp, "\n  %-*s %12s %10s  %-21s %8s %8s %12s %14s\n", w, "arm", "revenue/cust",
                "diff", ci_head, "p", "p adj", "incr. conv", "incr. revenue");
        for (size_t k = 0; k < t->n_arms; k++) {
            const ck_abtest_arm *r = &t->arms[k];
            arm_label(label, sizeof label, t, r);
            num(a, sizeof a, "%.2f", r->revenue_per_user);
            fprintf(fp, "  %-*s %12s", w, label, a);
            if (r->is_control || isnan(r->abs_lift)) {
                fputc('\n', fp);
                continue;
            }
            num(c, sizeof c, "%+.2f", r->revenue_diff);
            interval(d, sizeof d, "%+.2f", r->revenue_diff_ci, 1.0);
            pvalue(g1, sizeof g1, r->revenue_p_value);
            pvalue(g2, sizeof g2, r->revenue_p_adjusted);
            num(e, sizeof e, "%+.1f", r->incremental_conversions);
            num(f, sizeof f, "%+.2f", r->incremental_revenue);
            fprintf(fp, " %10s  %-21s %8s %8s %12s %14s\n", c, d, g1, g2, e, f);
        }
    }
    if (m->cuped) {
        fprintf(fp, "\n  %-*s %10s  %-21s %8s\n", w, "arm", "CUPED diff", ci_head, "p");
        for (size_t k = 1; k < t->n_arms; k++) {
            const ck_abtest_arm *r = &t->arms[k];
            if (isnan(r->abs_lift))
                continue;
            arm_label(label, sizeof label, t, r);
            num(c, sizeof c, "%+.2f", r->cuped_revenue_diff);
            interval(d, sizeof d, "%+.2f", r->cuped_revenue_diff_ci, 1.0);
            pvalue(g1, sizeof g1, r->cuped_revenue_p_value);
            fprintf(fp, "  %-*s %10s  %-21s %8s\n", w, label, c, d, g1);
        }
        fprintf(fp, "  theta %.4g; variance of revenue reduced by %.1f%%\n", t->cuped_theta,
                t->cuped_variance_reduction * 100.0);
    }
    if (m->has_costs) {
        fprintf(fp, "\n  %-*s %12s %16s %10s\n", w, "arm", "cost", "per incr. conv", "ROI");
        for (size_t k = 1; k < t->n_arms; k++) {
            const ck_abtest_arm *r = &t->arms[k];
            if (isnan(r->abs_lift))
                continue;
            arm_label(label, sizeof label, t, r);
            num(a, sizeof a, "%.2f", r->cost);
            num(c, sizeof c, "%.2f", r->cost_per_incremental_conversion);
            num(e, sizeof e, "%+.1f%%", r->roi * 100.0);
            fprintf(fp, "  %-*s %12s %16s %10s\n", w, label, a, c, e);
        }
    }
    if (t->has_srm) {
        pvalue(g1, sizeof g1, t->srm_p_value);
        fprintf(fp, "\n  sample ratio: chi-square %.2f, df %.0f, p %s%s\n", t->srm_chi2, t->srm_df,
                g1,
                t->srm_mismatch ? "  ** MISMATCH: the assignment or its logging is broken **" : "");
    }
    fputc('\n', fp);
}

int ck_abtest_write_text(const ck_abtest *ab, FILE *fp, ck_error *err)
{
    ck__abtest_meta m;
    ck__abtest_meta_get(ab, &m);
    const ck_abtest_table *overall = ck_abtest_table_at(ab, 0);
    if (overall == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the experiment has not been analysed");
    fprintf(fp, "%s: %zu customers in %zu arms; control arm \"%s\"\n", m.path, overall->n, m.n_arms,
            m.control);
    if (m.outcomes_from_columns)
        fprintf(fp, "outcome: column %s%s%s\n", m.converted_column,
                m.revenue_column ? "; revenue: column " : "",
                m.revenue_column ? m.revenue_column : "");
    else
        fprintf(fp,
                "outcome: a purchase within %d days from assigned_at; revenue: purchases minus "
                "refunds in those days\n",
                m.window_days);
    fprintf(fp,
            "%g%% intervals; %s tests at alpha %g; %s correction across arms (* = significant)\n\n",
            m.confidence * 100.0, alternative_label(m.alternative), m.alpha,
            correction_label(m.correction));
    for (size_t i = 0; i < ck_abtest_n_tables(ab); i++)
        text_table(fp, ck_abtest_table_at(ab, i), &m);
    return check_stream(fp, err);
}

/* ---- JSON ---- */

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
    json_string(fp, test_name(a->test));
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
    json_string(fp, alternative_name(m.alternative));
    json_key(fp, "correction");
    json_string(fp, correction_name(m.correction));
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
    return check_stream(fp, err);
}

/* ---- HTML ---- */

static void html_cell(FILE *fp, const char *text)
{
    fputs("<td>", fp);
    ck__svg_escape(fp, text);
    fputs("</td>", fp);
}

static void html_table(FILE *fp, const ck_abtest_table *t, const ck__abtest_meta *m)
{
    char label[160], buf[96];
    int ci = (int)(m->confidence * 100.0 + 0.5);
    fprintf(fp,
            "<div "
            "class=\"scroll\"><table><tr><th>arm</th><th>n</th><th>conversions</th><th>rate</"
            "th><th>%d%% CI</th>"
            "<th>lift (pp)</th><th>%d%% CI</th><th>relative lift</th><th>%d%% CI</th>"
            "<th>test</th><th>p</th><th>p adjusted</th></tr>\n",
            ci, ci, ci);
    for (size_t g = 0; g < t->n_arms; g++) {
        const ck_abtest_arm *r = &t->arms[g];
        fprintf(fp, "<tr%s>", r->significant ? " class=\"sig\"" : "");
        arm_label(label, sizeof label, t, r);
        html_cell(fp, label);
        fprintf(fp, "<td>%zu</td><td>%zu</td>", r->n, r->conversions);
        num(buf, sizeof buf, "%.2f%%", r->rate * 100.0);
        html_cell(fp, buf);
        interval(buf, sizeof buf, "%.2f", r->rate_ci, 100.0);
        html_cell(fp, buf);
        if (r->is_control || isnan(r->abs_lift)) {
            fprintf(fp, "<td colspan=\"7\" class=\"muted\">%s</td></tr>\n",
                    r->is_control ? "control" : "no lifts");
            continue;
        }
        num(buf, sizeof buf, "%+.2f", r->abs_lift * 100.0);
        html_cell(fp, buf);
        interval(buf, sizeof buf, "%+.2f", r->abs_lift_ci, 100.0);
        html_cell(fp, buf);
        num(buf, sizeof buf, "%+.1f%%", r->rel_lift * 100.0);
        html_cell(fp, buf);
        interval(buf, sizeof buf, "%+.1f", r->rel_lift_ci, 100.0);
        html_cell(fp, buf);
        html_cell(fp, test_name(r->test));
        pvalue(buf, sizeof buf, r->p_value);
        html_cell(fp, buf);
        pvalue(buf, sizeof buf, r->p_adjusted);
        html_cell(fp, buf);
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
    if (!m->has_revenue && !m->has_costs)
        return;
    /* revenue, increments and costs in a second table, so neither runs off the page */
    fputs("<div class=\"scroll\"><table><tr><th>arm</th>", fp);
    if (m->has_revenue)
        fprintf(fp,
                "<th>revenue per customer</th><th>difference</th><th>%d%% CI</th><th>p</th>"
                "<th>p adjusted</th>",
                ci);
    if (m->cuped)
        fprintf(fp, "<th>CUPED difference</th><th>%d%% CI</th><th>p</th>", ci);
    fputs("<th>incr. conversions</th>", fp);
    if (m->has_revenue)
        fputs("<th>incr. revenue</th>", fp);
    if (m->has_costs)
        fputs("<th>cost</th><th>cost per incr. conversion</th><th>ROI</th>", fp);
    fputs("</tr>\n", fp);
    for (size_t g = 0; g < t->n_arms; g++) {
        const ck_abtest_arm *r = &t->arms[g];
        bool lifts = !r->is_control && !isnan(r->abs_lift);
        fputs("<tr>", fp);
        arm_label(label, sizeof label, t, r);
        html_cell(fp, label);
        if (m->has_revenue) {
            num(buf, sizeof buf, "%.2f", r->revenue_per_user);
            html_cell(fp, buf);
            num(buf, sizeof buf, "%+.2f", r->revenue_diff);
            html_cell(fp, lifts ? buf : "");
            interval(buf, sizeof buf, "%+.2f", r->revenue_diff_ci, 1.0);
            html_cell(fp, lifts ? buf : "");
            pvalue(buf, sizeof buf, r->revenue_p_value);
            html_cell(fp, lifts ? buf : "");
            pvalue(buf, sizeof buf, r->revenue_p_adjusted);
            html_cell(fp, lifts ? buf : "");
        }
        if (m->cuped) {
            num(buf, sizeof buf, "%+.2f", r->cuped_revenue_diff);
            html_cell(fp, lifts ? buf : "");
            interval(buf, sizeof buf, "%+.2f", r->cuped_revenue_diff_ci, 1.0);
            html_cell(fp, lifts ? buf : "");
            pvalue(buf, sizeof buf, r->cuped_revenue_p_value);
            html_cell(fp, lifts ? buf : "");
        }
        num(buf, sizeof buf, "%+.1f", r->incremental_conversions);
        html_cell(fp, lifts ? buf : "");
        if (m->has_revenue) {
            num(buf, sizeof buf, "%+.2f", r->incremental_revenue);
            html_cell(fp, lifts ? buf : "");
        }
        if (m->has_costs) {
            num(buf, sizeof buf, "%.2f", r->cost);
            html_cell(fp, lifts ? buf : "");
            num(buf, sizeof buf, "%.2f", r->cost_per_incremental_conversion);
            html_cell(fp, lifts ? buf : "");
            num(buf, sizeof buf, "%+.1f%%", r->roi * 100.0);
            html_cell(fp, lifts ? buf : "");
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

enum { CHART_RATE, CHART_LIFT, CHART_REL_LIFT, CHART_REVENUE };

/* One chart over several tables (a segment column's values become row groups). */
static int html_chart(FILE *fp, const ck_abtest_table *const *tables, size_t n_tables, int what,
                      const ck__abtest_meta *m, const char *title, ck_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < n_tables; i++)
        n += tables[i]->n_arms;
    ck__svg_interval *rows = calloc(n ? n : 1, sizeof *rows);
    char(*labels)[160] = calloc(n ? n : 1, sizeof *labels);
    char(*groups)[200] = calloc(n_tables ? n_tables : 1, sizeof *groups);
    if (rows == NULL || labels == NULL || groups == NULL) {
        free(rows);
        free(labels);
        free(groups);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n_tables; i++) {
        const ck_abtest_table *t = tables[i];
        if (n_tables > 1)
            snprintf(groups[i], sizeof groups[i], "%s = %s (n = %zu)", t->column,
                     t->value ? t->value : "(missing)", t->n);
        for (size_t g = 0; g < t->n_arms; g++) {
            const ck_abtest_arm *a = &t->arms[g];
            if (what != CHART_RATE && a->is_control)
                continue;
            ck__svg_interval *r = &rows[k];
            arm_label(labels[k], sizeof labels[k], t, a);
            r->label = labels[k];
            r->group = n_tables > 1 ? groups[i] : NULL;
            r->emphasis = a->is_control ? 2 : a->significant ? 1 : 0;
            switch (what) {
            case CHART_RATE:
                r->value = a->rate;
                r->lo = a->rate_ci[0];
                r->hi = a->rate_ci[1];
                break;
            case CHART_LIFT:
                r->value = a->abs_lift;
                r->lo = a->abs_lift_ci[0];
                r->hi = a->abs_lift_ci[1];
                break;
            case CHART_REL_LIFT:
                r->value = a->rel_lift;
                r->lo = a->rel_lift_ci[0];
                r->hi = a->rel_lift_ci[1];
                break;
            default:
                r->value = a->revenue_diff;
                r->lo = a->revenue_diff_ci[0];
                r->hi = a->revenue_diff_ci[1];
                r->emphasis = a->revenue_p_adjusted < m->alpha ? 1 : 0;
                break;
            }
            k++;
        }
    }
    char x_label[160];
    int ci = (int)(m->confidence * 100.0 + 0.5);
    ck__svg_interval_opts o = { title, x_label, 100.0, "%g", "%+.2f", false, 0.0, 760.0 };
    switch (what) {
    case CHART_RATE:
        snprintf(x_label, sizeof x_label, "conversion rate (%%), with %d%% Wilson intervals", ci);
        o.value_fmt = "%.2f%%";
        o.tick_fmt = "%g%%";
        o.bars = true;
        o.reference = NAN;
        break;
    case CHART_LIFT:
        snprintf(x_label, sizeof x_label,
                 "lift in conversion rate against control (percentage points), %d%% Newcombe "
                 "intervals",
                 ci);
        break;
    case CHART_REL_LIFT:
        snprintf(x_label, sizeof x_label,
                 "relative lift against control (%%), %d%% delta-method intervals", ci);
        o.value_fmt = "%+.1f%%";
        o.tick_fmt = "%g%%";
        break;
    default:
        snprintf(x_label, sizeof x_label,
                 "revenue per customer minus control's, %d%% Welch intervals", ci);
        o.multiplier = 1.0;
        break;
    }
    ck__svg_interval_chart(fp, rows, k, &o);
    free(rows);
    free(labels);
    free(groups);
    return CK_OK;
}

static void html_heading(FILE *fp, const char *tag, const char *text)
{
    fprintf(fp, "<%s>", tag);
    ck__svg_escape(fp, text);
    fprintf(fp, "</%s>\n", tag);
}

static void html_srm_cuped(FILE *fp, const ck_abtest_table *t, const ck__abtest_meta *m)
{
    char p[32];
    if (t->has_srm) {
        pvalue(p, sizeof p, t->srm_p_value);
        fprintf(fp, "<p class=\"%s\">Sample ratio: chi-square %.2f, df %.0f, p %s%s</p>\n",
                t->srm_mismatch ? "warn" : "note", t->srm_chi2, t->srm_df, p,
                t->srm_mismatch ? " &mdash; MISMATCH: the assignment or its logging is broken; "
                                  "do not trust these lifts"
                                : " &mdash; consistent with the expected split");
    }
    if (m->cuped)
        fprintf(fp,
                "<p class=\"note\">CUPED on revenue with the spend of the %d days before "
                "assignment: &theta; = %.4g, variance reduced by %.1f%%.</p>\n",
                m->window_days, t->cuped_theta, t->cuped_variance_reduction * 100.0);
}

static int html_section(FILE *fp, const ck_abtest_table *const *tables, size_t n_tables,
                        const ck__abtest_meta *m, ck_error *err)
{
    int rc;
    if ((rc = html_chart(fp, tables, n_tables, CHART_RATE, m, "Conversion rate by arm", err)) < 0)
        return rc;
    html_heading(fp, "h3", "Lift in conversion rate against control");
    if ((rc = html_chart(fp, tables, n_tables, CHART_LIFT, m,
                         "Lift in conversion rate against control", err)) < 0)
        return rc;
    html_heading(fp, "h3", "Relative lift against control");
    if ((rc = html_chart(fp, tables, n_tables, CHART_REL_LIFT, m, "Relative lift", err)) < 0)
        return rc;
    if (m->has_revenue) {
        html_heading(fp, "h3", "Revenue per customer against control");
        if ((rc = html_chart(fp, tables, n_tables, CHART_REVENUE, m,
                             "Revenue per customer against control", err)) < 0)
            return rc;
    }
    char title[256];
    for (size_t i = 0; i < n_tables; i++) {
        if (n_tables > 1) {
            table_title(title, sizeof title, tables[i]);
            snprintf(title + strlen(title), sizeof title - strlen(title), " (n = %zu)",
                     tables[i]->n);
            html_heading(fp, "h4", title);
        }
        html_table(fp, tables[i], m);
        html_srm_cuped(fp, tables[i], m);
    }
    return CK_OK;
}

int ck_abtest_write_html(const ck_abtest *ab, FILE *fp, ck_error *err)
{
    ck__abtest_meta m;
    ck__abtest_meta_get(ab, &m);
    const ck_abtest_table *overall = ck_abtest_table_at(ab, 0);
    if (overall == NULL)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the experiment has not been analysed");
    size_t n_tables = ck_abtest_n_tables(ab);
    const ck_abtest_table **group = calloc(n_tables, sizeof *group);
    if (group == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
          "churn-ab read-out: ",
          fp);
    ck__svg_escape(fp, m.path);
    fputs("</title>\n<style>\n"
          "body{font:14px/1.45 sans-serif;color:#222;max-width:1180px;margin:24px auto;"
          "padding:0 16px}\n"
          "h1{font-size:22px}h2{font-size:18px;margin-top:36px;border-bottom:1px solid #ccc}"
          "h3{font-size:15px;margin:18px 0 4px}h4{font-size:14px;margin:18px 0 4px}\n"
          "table{border-collapse:collapse;margin:6px 0 10px;font-size:12.5px}\n"
          "th,td{padding:3px 7px;border-bottom:1px solid #e2e2e2;text-align:right;"
          "white-space:nowrap}\n"
          "th{background:#f3f5f8;font-weight:600;white-space:normal;vertical-align:bottom}\n"
          ".scroll{overflow-x:auto}\n"
          "td:first-child,th:first-child{text-align:left}\n"
          "tr.sig td{color:#1f5fa8;font-weight:600}\n"
          "td.muted{color:#999;text-align:left}\n"
          ".warn{background:#fdecea;border:2px solid #c62828;color:#8e0000;font-weight:bold;"
          "padding:8px 12px}\n"
          ".note{background:#f6f8fa;border:1px solid #dde3ea;padding:6px 10px}\n"
          ".meta{color:#555}\nfooter{margin-top:40px;color:#888;font-size:12px}\n",
          fp);
    ck__svg_css(fp);
    fputs("</style>\n</head>\n<body>\n<h1>Recall campaign read-out</h1>\n<p class=\"meta\">", fp);
    ck__svg_escape(fp, m.path);
    fprintf(fp, ": %zu customers in %zu arms; control arm &ldquo;", overall->n, m.n_arms);
    ck__svg_escape(fp, m.control);
    fputs("&rdquo;.<br>", fp);
    if (m.outcomes_from_columns) {
        fputs("Outcome: column ", fp);
        ck__svg_escape(fp, m.converted_column);
        if (m.revenue_column != NULL) {
            fputs("; revenue: column ", fp);
            ck__svg_escape(fp, m.revenue_column);
        }
    } else {
        fprintf(fp,
                "Outcome: a purchase within %d days from assignment; revenue: purchases minus "
                "refunds in those days",
                m.window_days);
    }
    fprintf(fp, ".<br>%g%% intervals; ", m.confidence * 100.0);
    ck__svg_escape(fp, alternative_label(m.alternative));
    fprintf(fp,
            " tests at &alpha; = %g; %s correction across arms. Highlighted: significant after "
            "correction.</p>\n",
            m.alpha, correction_label(m.correction));
    for (size_t i = 0; i < ck_abtest_n_warnings(ab); i++) {
        const char *w = ck_abtest_warning(ab, i);
        bool loud = strncmp(w, "SAMPLE RATIO MISMATCH", 21) == 0;
        fprintf(fp, "<p class=\"%s\">", loud ? "warn" : "note");
        ck__svg_escape(fp, w);
        fputs("</p>\n", fp);
    }
    int rc;
    html_heading(fp, "h2", "All customers");
    html_heading(fp, "h3", "Conversion rate by arm");
    if ((rc = html_section(fp, &overall, 1, &m, err)) < 0)
        goto done;
    /* the segments of each column together, then the arm × channel table */
    for (size_t i = 1; i < n_tables;) {
        const ck_abtest_table *t = ck_abtest_table_at(ab, i);
        size_t n = 0;
        for (size_t j = i; j < n_tables; j++) {
            const ck_abtest_table *u = ck_abtest_table_at(ab, j);
            if (u->kind != t->kind || strcmp(u->column, t->column) != 0)
                break;
            group[n++] = u;
            if (t->kind == CK_ABTEST_ARM_CHANNEL)
                break;
        }
        char title[256];
        if (t->kind == CK_ABTEST_SEGMENT)
            snprintf(title, sizeof title, "By %s", t->column);
        else
            snprintf(title, sizeof title,
                     "Arm \xc3\x97 %s, each cell against the whole control arm", t->column);
        html_heading(fp, "h2", title);
        html_heading(fp, "h3", "Conversion rate by arm");
        if ((rc = html_section(fp, group, n, &m, err)) < 0)
            goto done;
        i += n;
    }
    fprintf(fp, "<footer>churnkit %s &mdash; churn-ab</footer>\n</body>\n</html>\n", ck_version());
    rc = check_stream(fp, err);
done:
    free(group);
    return rc;
}
