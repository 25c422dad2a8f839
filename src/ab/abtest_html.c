/*
 * The read-out as a self-contained HTML report (see ck_abtest_write_html() in abtest.h):
 * inline CSS, no script, charts as inline SVG (io/svg.c): each arm's conversion rate
 * with its Wilson interval, the lifts against control with their intervals, revenue
 * differences; then the tables. The segments of one column share each chart, as row
 * groups; the arm × channel table has its own section.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab/abtest_int.h"
#include "churnkit/version.h"
#include "io/svg.h"

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
        ck__abtest_arm_label(label, sizeof label, t, r);
        html_cell(fp, label);
        fprintf(fp, "<td>%zu</td><td>%zu</td>", r->n, r->conversions);
        ck__abtest_num(buf, sizeof buf, "%.2f%%", r->rate * 100.0);
        html_cell(fp, buf);
        ck__abtest_interval(buf, sizeof buf, "%.2f", r->rate_ci, 100.0);
        html_cell(fp, buf);
        if (r->is_control || isnan(r->abs_lift)) {
            fprintf(fp, "<td colspan=\"7\" class=\"muted\">%s</td></tr>\n",
                    r->is_control ? "control" : "no lifts");
            continue;
        }
        ck__abtest_num(buf, sizeof buf, "%+.2f", r->abs_lift * 100.0);
        html_cell(fp, buf);
        ck__abtest_interval(buf, sizeof buf, "%+.2f", r->abs_lift_ci, 100.0);
        html_cell(fp, buf);
        ck__abtest_num(buf, sizeof buf, "%+.1f%%", r->rel_lift * 100.0);
        html_cell(fp, buf);
        ck__abtest_interval(buf, sizeof buf, "%+.1f", r->rel_lift_ci, 100.0);
        html_cell(fp, buf);
        html_cell(fp, ck__abtest_test_name(r->test));
        ck__abtest_pvalue(buf, sizeof buf, r->p_value);
        html_cell(fp, buf);
        ck__abtest_pvalue(buf, sizeof buf, r->p_adjusted);
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
        ck__abtest_arm_label(label, sizeof label, t, r);
        html_cell(fp, label);
        if (m->has_revenue) {
            ck__abtest_num(buf, sizeof buf, "%.2f", r->revenue_per_user);
            html_cell(fp, buf);
            ck__abtest_num(buf, sizeof buf, "%+.2f", r->revenue_diff);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_interval(buf, sizeof buf, "%+.2f", r->revenue_diff_ci, 1.0);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_pvalue(buf, sizeof buf, r->revenue_p_value);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_pvalue(buf, sizeof buf, r->revenue_p_adjusted);
            html_cell(fp, lifts ? buf : "");
        }
        if (m->cuped) {
            ck__abtest_num(buf, sizeof buf, "%+.2f", r->cuped_revenue_diff);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_interval(buf, sizeof buf, "%+.2f", r->cuped_revenue_diff_ci, 1.0);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_pvalue(buf, sizeof buf, r->cuped_revenue_p_value);
            html_cell(fp, lifts ? buf : "");
        }
        ck__abtest_num(buf, sizeof buf, "%+.1f", r->incremental_conversions);
        html_cell(fp, lifts ? buf : "");
        if (m->has_revenue) {
            ck__abtest_num(buf, sizeof buf, "%+.2f", r->incremental_revenue);
            html_cell(fp, lifts ? buf : "");
        }
        if (m->has_costs) {
            ck__abtest_num(buf, sizeof buf, "%.2f", r->cost);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_num(buf, sizeof buf, "%.2f", r->cost_per_incremental_conversion);
            html_cell(fp, lifts ? buf : "");
            ck__abtest_num(buf, sizeof buf, "%+.1f%%", r->roi * 100.0);
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
            ck__abtest_arm_label(labels[k], sizeof labels[k], t, a);
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
        ck__abtest_pvalue(p, sizeof p, t->srm_p_value);
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
            ck__abtest_table_title(title, sizeof title, tables[i]);
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
    ck__svg_escape(fp, ck__abtest_alternative_label(m.alternative));
    fprintf(fp,
            " tests at &alpha; = %g; %s correction across arms. Highlighted: significant after "
            "correction.</p>\n",
            m.alpha, ck__abtest_correction_label(m.correction));
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
    rc = ck__abtest_check_stream(fp, err);
done:
    free(group);
    return rc;
}
