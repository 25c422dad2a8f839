/*
 * The read-out as text for a terminal (see ck_abtest_write_text() in abtest.h): a header
 * saying where the outcomes come from and how sure the tests are, then per table the
 * conversion rows, and when they apply the revenue, CUPED and cost rows and the
 * sample-ratio line. Columns are fixed-width; the arm column fits the longest label
 * (at most 40 characters).
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ab/abtest_int.h"

static int label_width(const ck_abtest_table *t)
{
    int w = 4;
    char label[160];
    for (size_t g = 0; g < t->n_arms; g++) {
        ck__abtest_arm_label(label, sizeof label, t, &t->arms[g]);
        int len = (int)strlen(label);
        w = len > w ? len : w;
    }
    return w > 40 ? 40 : w;
}

static void text_table(FILE *fp, const ck_abtest_table *t, const ck__abtest_meta *m)
{
    char title[256], label[160], a[48], b[96], c[48], d[96], e[48], f[96], g1[16], g2[16];
    ck__abtest_table_title(title, sizeof title, t);
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
        ck__abtest_arm_label(label, sizeof label, t, r);
        ck__abtest_num(a, sizeof a, "%.2f%%", r->rate * 100.0);
        ck__abtest_interval(b, sizeof b, "%.2f", r->rate_ci, 100.0);
        fprintf(fp, "  %-*s %8zu %7zu %8s  %-17s", w, label, r->n, r->conversions, a, b);
        if (r->is_control || isnan(r->abs_lift)) {
            fputs(r->is_control ? "  (control)\n" : "  (no lifts)\n", fp);
            continue;
        }
        ck__abtest_num(c, sizeof c, "%+.2f", r->abs_lift * 100.0);
        ck__abtest_interval(d, sizeof d, "%+.2f", r->abs_lift_ci, 100.0);
        ck__abtest_num(e, sizeof e, "%+.1f%%", r->rel_lift * 100.0);
        ck__abtest_interval(f, sizeof f, "%+.1f", r->rel_lift_ci, 100.0);
        ck__abtest_pvalue(g1, sizeof g1, r->p_value);
        ck__abtest_pvalue(g2, sizeof g2, r->p_adjusted);
        fprintf(fp, " %10s  %-19s %9s  %-19s %-6s %8s %8s%s\n", c, d, e, f,
                ck__abtest_test_name(r->test), g1, g2, r->significant ? " *" : "");
    }
    if (m->has_revenue) {
        fprintf(fp, "\n  %-*s %12s %10s  %-21s %8s %8s %12s %14s\n", w, "arm", "revenue/cust",
                "diff", ci_head, "p", "p adj", "incr. conv", "incr. revenue");
        for (size_t k = 0; k < t->n_arms; k++) {
            const ck_abtest_arm *r = &t->arms[k];
            ck__abtest_arm_label(label, sizeof label, t, r);
            ck__abtest_num(a, sizeof a, "%.2f", r->revenue_per_user);
            fprintf(fp, "  %-*s %12s", w, label, a);
            if (r->is_control || isnan(r->abs_lift)) {
                fputc('\n', fp);
                continue;
            }
            ck__abtest_num(c, sizeof c, "%+.2f", r->revenue_diff);
            ck__abtest_interval(d, sizeof d, "%+.2f", r->revenue_diff_ci, 1.0);
            ck__abtest_pvalue(g1, sizeof g1, r->revenue_p_value);
            ck__abtest_pvalue(g2, sizeof g2, r->revenue_p_adjusted);
            ck__abtest_num(e, sizeof e, "%+.1f", r->incremental_conversions);
            ck__abtest_num(f, sizeof f, "%+.2f", r->incremental_revenue);
            fprintf(fp, " %10s  %-21s %8s %8s %12s %14s\n", c, d, g1, g2, e, f);
        }
    }
    if (m->cuped) {
        fprintf(fp, "\n  %-*s %10s  %-21s %8s\n", w, "arm", "CUPED diff", ci_head, "p");
        for (size_t k = 1; k < t->n_arms; k++) {
            const ck_abtest_arm *r = &t->arms[k];
            if (isnan(r->abs_lift))
                continue;
            ck__abtest_arm_label(label, sizeof label, t, r);
            ck__abtest_num(c, sizeof c, "%+.2f", r->cuped_revenue_diff);
            ck__abtest_interval(d, sizeof d, "%+.2f", r->cuped_revenue_diff_ci, 1.0);
            ck__abtest_pvalue(g1, sizeof g1, r->cuped_revenue_p_value);
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
            ck__abtest_arm_label(label, sizeof label, t, r);
            ck__abtest_num(a, sizeof a, "%.2f", r->cost);
            ck__abtest_num(c, sizeof c, "%.2f", r->cost_per_incremental_conversion);
            ck__abtest_num(e, sizeof e, "%+.1f%%", r->roi * 100.0);
            fprintf(fp, "  %-*s %12s %16s %10s\n", w, label, a, c, e);
        }
    }
    if (t->has_srm) {
        ck__abtest_pvalue(g1, sizeof g1, t->srm_p_value);
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
            m.confidence * 100.0, ck__abtest_alternative_label(m.alternative), m.alpha,
            ck__abtest_correction_label(m.correction));
    for (size_t i = 0; i < ck_abtest_n_tables(ab); i++)
        text_table(fp, ck_abtest_table_at(ab, i), &m);
    return ck__abtest_check_stream(fp, err);
}
