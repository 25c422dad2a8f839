/*
 * The customer-value evaluation report (see value_eval.h): one self-contained HTML file,
 * inline SVG and CSS, no script and nothing fetched, in the look of churn-eval's churn
 * report (the style, cards, frames and legends of chart.c).
 *
 * Layout, top to bottom: the verdict (the model's error per customer against the naive
 * baseline's), a card of headline numbers for each, the two charts of Fader, Hardie & Lee
 * (2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)) — the
 * conditional expectations by calibration frequency (their Figure 4: mean holdout
 * purchases of the customers who made 0, 1, …, 6 and 7+ repeat purchases in calibration,
 * actual against predicted) and the cumulative repeat purchases of the cohort over time
 * (their Figure 2, with a line where calibration ends) — then the tables and a glossary.
 */
#include "churnkit/value_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/version.h"
#include "eval/chart.h"
#include "io/svg.h"

/* the actual purchases: black, as the observed series in FHL's figures */
static const char value_css[] = ".chart .act{fill:none;stroke:#111827;stroke-width:2.4}\n"
                                ".chart .pa{fill:#111827}\n";

static const char *const FREQ_LABEL[CK_VALUE_EVAL_FREQ_ROWS] = { "0", "1", "2", "3",
                                                                 "4", "5", "6", "7+" };

/* ---- the page's top ------------------------------------------------------------------- */

static void verdict(FILE *fp, const ck_value_eval *ve)
{
    const ck_value_metrics *m = &ve->model, *b = &ve->baseline;
    const char *cls = m->mae < b->mae ? "good" : m->mae > b->mae ? "bad" : "neutral";
    fprintf(fp, "<div class=\"verdict %s\">", cls);
    fprintf(fp, "Over the %g-", ve->horizon);
    ck__chart_esc(fp, ve->time_unit);
    fprintf(fp,
            " holdout the model expected <b>%.1f</b> purchases and the customers made <b>%.0f</b>",
            m->predicted_total, m->actual_total);
    if (m->actual_total > 0)
        fprintf(fp, " (%+.1f%%)", 100.0 * (m->predicted_total - m->actual_total) / m->actual_total);
    fprintf(fp,
            ". Its error per customer (MAE) is %.4f against %.4f for the naive baseline (each "
            "customer's past purchase rate &times; the holdout): <b>%s</b>.",
            m->mae, b->mae,
            m->mae < b->mae   ? "the model forecasts better"
            : m->mae > b->mae ? "the baseline forecasts better"
                              : "no better than the baseline");
    fputs("</div>\n", fp);
}

static void kpi(FILE *fp, const char *value, const char *what)
{
    fprintf(fp, "<div class=\"num\"><div class=\"v\">%s</div><div class=\"l\">%s</div></div>",
            value, what);
}

static void kpi_card(FILE *fp, const ck_value_metrics *m, bool is_baseline)
{
    char b[48];
    fprintf(fp,
            "<div class=\"card kpi k%c\"><div class=\"who\"><span class=\"tag k%c\">%s</span>%s"
            "</div><div class=\"nums\">",
            is_baseline ? 'b' : '0', is_baseline ? 'b' : '0', is_baseline ? "baseline" : "model",
            is_baseline ? "past purchase rate &times; holdout" : "BG/NBD");
    kpi(fp, ck__chart_fmt(b, sizeof b, m->predicted_total, 1), "predicted purchases");
    kpi(fp, ck__chart_fmt(b, sizeof b, m->actual_total, 0), "actual purchases");
    double rel = m->actual_total > 0
                     ? 100.0 * (m->predicted_total - m->actual_total) / m->actual_total
                     : NAN;
    if (isnan(rel))
        snprintf(b, sizeof b, "\xe2\x80\x93");
    else
        snprintf(b, sizeof b, "%+.1f%%", rel);
    kpi(fp, b, "error of the total");
    kpi(fp, ck__chart_fmt(b, sizeof b, m->mae, 3), "MAE per customer");
    kpi(fp, ck__chart_fmt(b, sizeof b, m->rmse, 3), "RMSE per customer");
    kpi(fp, ck__chart_fmt(b, sizeof b, m->spearman, 3), "Spearman (ranking)");
    fputs("</div></div>\n", fp);
}

/* ---- the charts ------------------------------------------------------------------------ */

/* Mean holdout purchases by calibration repeat purchases: actual, the model, the baseline
 * as lines over the categories 0, …, 6, 7+; the customers of each under its label. */
static void frequency_chart(FILE *fp, const ck_value_eval *ve)
{
    ck__chart_card_open(fp, "Holdout purchases by calibration frequency",
                        "Customers grouped by their repeat purchases in the calibration "
                        "period: the mean purchases each group made in the holdout, against "
                        "the mean the model expected (Fader, Hardie &amp; Lee 2005, "
                        "conditional expectations). Under each group its customers.");
    double hi = 0.0;
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *f = &ve->by_frequency[k];
        if (f->customers == 0)
            continue;
        hi = fmax(hi, fmax(f->actual, fmax(f->predicted, f->baseline)));
    }
    if (!(hi > 0.0))
        hi = 1.0;
    ck__chart_frame f;
    ck__chart_frame_open_categories(fp, &f, CK__CHART_W, CK__CHART_H, CK__CHART_PLOT_B + 14.0,
                                    "Holdout purchases by calibration frequency",
                                    CK_VALUE_EVAL_FREQ_ROWS, NULL, NULL, 0, hi * 1.08, "%g",
                                    "mean purchases in the holdout");
    double xs[CK_VALUE_EVAL_FREQ_ROWS], act[CK_VALUE_EVAL_FREQ_ROWS], pred[CK_VALUE_EVAL_FREQ_ROWS],
        base[CK_VALUE_EVAL_FREQ_ROWS];
    char buf[48];
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *fr = &ve->by_frequency[k];
        xs[k] = (double)k + 1.0;
        act[k] = fr->actual; /* NaN for an empty group: the line breaks there */
        pred[k] = fr->predicted;
        base[k] = fr->baseline;
        double x = ck__chart_fx(&f, xs[k]);
        ck__svg_line(fp, x, f.bottom, x, f.bottom + 5.0, "axis");
        ck__svg_text(fp, x, f.bottom + 18.0, "middle", "tick", FREQ_LABEL[k]);
        snprintf(buf, sizeof buf, "%zu", fr->customers);
        ck__svg_text(fp, x, f.bottom + 34.0, "middle", "small", buf);
    }
    ck__svg_polyline(fp, xs, base, CK_VALUE_EVAL_FREQ_ROWS, &f.sx, &f.sy, "sb");
    ck__svg_polyline(fp, xs, pred, CK_VALUE_EVAL_FREQ_ROWS, &f.sx, &f.sy, "s0");
    ck__svg_polyline(fp, xs, act, CK_VALUE_EVAL_FREQ_ROWS, &f.sx, &f.sy, "act");
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        if (ve->by_frequency[k].customers == 0)
            continue;
        ck__svg_circle(fp, ck__chart_fx(&f, xs[k]), ck__chart_fy(&f, pred[k]), 3.5, "f0");
        ck__svg_circle(fp, ck__chart_fx(&f, xs[k]), ck__chart_fy(&f, act[k]), 3.5, "pa");
    }
    ck__svg_text(fp, 0.5 * (f.left + f.right), f.bottom + 52.0, "middle", "label",
                 "repeat purchases in calibration (customers)");
    const char *cls[3] = { "act", "s0", "sb" };
    const char *labels[3] = { "actual", "BG/NBD", "baseline (past rate)" };
    ck__chart_legend(fp, f.left + 10, f.top + 8, false, cls, labels, 3, false);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* Cumulative repeat purchases of the cohort, actual against predicted, with a vertical
 * line where calibration ends. */
static int tracking_chart(FILE *fp, const ck_value_eval *ve, ck_error *err)
{
    size_t n = ve->n_tracking;
    double *xs = NULL, *pred = NULL, *act = NULL;
    if (ve->has_tracking) {
        xs = ck__alloc_array(n, sizeof *xs);
        pred = ck__alloc_array(n, sizeof *pred);
        act = ck__alloc_array(n, sizeof *act);
        if (xs == NULL || pred == NULL || act == NULL) {
            free(act);
            free(pred);
            free(xs);
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        }
    }
    ck__chart_card_open(fp, "Cumulative repeat purchases",
                        "All the customers' repeat purchases up to each time, against the "
                        "model's expectation for the same customers from their first purchase "
                        "on (Fader, Hardie &amp; Lee 2005, Figure 2). Left of the dashed line "
                        "the model was fitted; right of it, it forecasts.");
    if (!ve->has_tracking) {
        fputs("<p>No purchase times were given: no curve.</p>\n", fp);
        ck__chart_card_close(fp);
        return CK_OK;
    }
    double hi = 0.0;
    for (size_t j = 0; j < n; j++) {
        xs[j] = ve->tracking[j].t;
        pred[j] = ve->tracking[j].predicted;
        act[j] = ve->tracking[j].actual;
        hi = fmax(hi, fmax(pred[j], act[j]));
    }
    double x0 = fmin(xs[0], ve->calibration_end), x1 = fmax(xs[n - 1], ve->calibration_end);
    if (!(x1 > x0))
        x1 = x0 + 1.0;
    if (!(hi > 0.0))
        hi = 1.0;
    char x_label[64];
    snprintf(x_label, sizeof x_label, "time (%ss)", ve->time_unit);
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, "Cumulative repeat purchases", x0, x1, 0,
                         hi * 1.05, "%g", 1, x_label, "%g", 1, "cumulative repeat purchases");
    double xc = ck__chart_fx(&f, ve->calibration_end);
    ck__svg_line(fp, xc, f.top, xc, f.bottom, "thr");
    /* the label on the side with more room */
    bool left = ve->calibration_end > 0.5 * (f.sx.d0 + f.sx.d1);
    ck__svg_text(fp, left ? xc - 5 : xc + 5, f.bottom - 8, left ? "end" : "start", "small",
                 "end of calibration");
    ck__svg_polyline(fp, xs, pred, n, &f.sx, &f.sy, "s0");
    ck__svg_polyline(fp, xs, act, n, &f.sx, &f.sy, "act");
    const char *cls[2] = { "act", "s0" };
    const char *labels[2] = { "actual", "BG/NBD" };
    ck__chart_legend(fp, f.left + 10, f.top + 8, false, cls, labels, 2, false);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
    free(act);
    free(pred);
    free(xs);
    return CK_OK;
}

/* ---- the tables -------------------------------------------------------------------------- */

static void metrics_row(FILE *fp, const ck_value_metrics *m, bool is_baseline)
{
    char b[48];
    fprintf(fp, "<tr%s><td><span class=\"tag k%c\">%s</span>%s</td>",
            is_baseline ? " class=\"base\"" : "", is_baseline ? 'b' : '0',
            is_baseline ? "baseline" : "model",
            is_baseline ? "past rate &times; holdout" : "BG/NBD");
    fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, m->predicted_total, 2));
    fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, m->actual_total, 2));
    fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, m->mae, 4));
    fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, m->rmse, 4));
    fprintf(fp, "<td>%s</td></tr>\n", ck__chart_fmt(b, sizeof b, m->spearman, 4));
}

static void metrics_table(FILE *fp, const ck_value_eval *ve)
{
    fputs("<div class=\"card scroll\"><h3>Model against baseline</h3><p class=\"note\">Holdout "
          "purchases of all the customers, and the errors per customer; &ndash;: undefined "
          "(a constant forecast has no ranking).</p><table><tr><th>forecast</th>"
          "<th>predicted</th><th>actual</th><th>MAE</th><th>RMSE</th><th>Spearman</th></tr>\n",
          fp);
    metrics_row(fp, &ve->model, false);
    metrics_row(fp, &ve->baseline, true);
    fputs("</table></div>\n", fp);
}

static void frequency_table(FILE *fp, const ck_value_eval *ve)
{
    char b[48];
    fputs("<div class=\"card scroll\"><h3>Mean holdout purchases by calibration "
          "frequency</h3><p class=\"note\">The numbers of the chart.</p><table><tr>"
          "<th>repeat purchases in calibration</th><th>customers</th><th>actual</th>"
          "<th>BG/NBD</th><th>baseline</th></tr>\n",
          fp);
    for (size_t k = 0; k < CK_VALUE_EVAL_FREQ_ROWS; k++) {
        const ck_value_frequency *f = &ve->by_frequency[k];
        fprintf(fp, "<tr><td>%s</td><td>%zu</td>", FREQ_LABEL[k], f->customers);
        fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, f->actual, 3));
        fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, f->predicted, 3));
        fprintf(fp, "<td>%s</td></tr>\n", ck__chart_fmt(b, sizeof b, f->baseline, 3));
    }
    fputs("</table></div>\n", fp);
}

static void glossary(FILE *fp)
{
    fputs("<h2>Reading the numbers</h2><div class=\"card\"><dl>\n"
          "<dt>Holdout</dt><dd>The period after the cutoff: the model saw only the purchases "
          "before it, and its forecasts are compared with the purchases in it (distinct "
          "purchase days).</dd>\n"
          "<dt>Baseline</dt><dd>The naive forecast: each customer's past purchase rate "
          "times the length of the holdout.</dd>\n"
          "<dt>MAE, RMSE</dt><dd>Mean absolute and root mean squared difference between "
          "forecast and actual purchases per customer; lower is better.</dd>\n"
          "<dt>Spearman</dt><dd>The rank correlation of forecast and actual purchases: how "
          "well the forecast orders customers (1: the same order, 0: unrelated).</dd>\n"
          "<dt>Repeat purchases</dt><dd>Purchase days after a customer's first.</dd>\n"
          "</dl></div>\n",
          fp);
}

int ck_value_eval_write_report(const ck_value_eval *ve, const ck_value_report_info *info, FILE *fp,
                               ck_error *err)
{
    const char *title = info && info->title ? info->title : "Customer value evaluation";
    ck__chart_page_open(fp, title, value_css);
    fputs("<header><h1>", fp);
    ck__chart_esc(fp, title);
    fputs("</h1><p>", fp);
    if (info && info->description && info->description[0]) {
        ck__chart_esc(fp, info->description);
        fputs(" &middot; ", fp);
    }
    fprintf(fp, "%zu customers, a holdout of %g ", ve->n_customers, ve->horizon);
    ck__chart_esc(fp, ve->time_unit);
    fputs("s</p></header>\n", fp);
    verdict(fp, ve);
    fputs("<div class=\"cards\">\n", fp);
    kpi_card(fp, &ve->model, false);
    kpi_card(fp, &ve->baseline, true);
    fputs("</div>\n<h2>Who buys how much</h2><div class=\"grid2\">\n", fp);
    frequency_chart(fp, ve);
    int rc;
    if ((rc = tracking_chart(fp, ve, err)) < 0)
        return rc;
    fputs("</div>\n<h2>All the numbers</h2><div class=\"grid2\">\n", fp);
    metrics_table(fp, ve);
    frequency_table(fp, ve);
    fputs("</div>\n", fp);
    glossary(fp);
    fprintf(fp, "<footer>churnkit %s &middot; churn-eval</footer>\n</main></body></html>\n",
            ck_version());
    if (ferror(fp))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the report");
    return CK_OK;
}
