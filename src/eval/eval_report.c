/*
 * The evaluation report (see eval.h): one self-contained HTML file, inline SVG and CSS, no
 * script and nothing fetched, readable offline and in a mail attachment.
 *
 * Layout, top to bottom: the verdict (champion against challenger, or the model against
 * the baseline), one card of headline numbers per model, the charts in pairs (ROC and
 * precision–recall; cumulative gains and lift by decile; calibration and score
 * distributions by class), AUC by lifecycle stage (a chart and a table, when the
 * evaluation has groups), the metric tables (with every metric stage by stage), and one
 * section per model showing what it learned: importances and the shape functions of its
 * top features for boosted stumps.
 *
 * The charts follow the conventions of the literature they come from: ROC with the chance
 * diagonal (Fawcett 2006, "An introduction to ROC analysis", Pattern Recognition Letters
 * 27), precision–recall with the positive rate as the chance level (Saito & Rehmsmeier
 * 2015, PLoS ONE 10(3)), cumulative gains with the random and the perfect model, the
 * reliability diagram with the diagonal of perfect calibration and points sized by their
 * bin's rows (DeGroot & Fienberg 1983; Niculescu-Mizil & Caruana 2005, ICML). A stumps
 * model is additive, so each feature's step table is exactly its contribution to the
 * logit (gbm.h): the shape function plotted is the model itself, not an approximation
 * such as a partial dependence plot.
 *
 * Chart primitives (scales, ticks, axes, lines) come from svg.c, shared with churn-ab's
 * report; the page's style, cards, plot frames and legends from chart.c, shared with the
 * customer-value report (value_report.c). Curves with many distinct scores are
 * thinned to points at least 1/500 of the plot apart, invisible at this size.
 */
#include "churnkit/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/gbm.h"
#include "churnkit/logreg.h"
#include "churnkit/model.h"
#include "churnkit/schema.h"
#include "churnkit/version.h"
#include "eval/chart.h"
#include "eval/eval_int.h"
#include "io/svg.h"

#define THIN             0.002 /* curves keep points this far apart (share of the axis) */
#define HIST_BINS        40
#define TOP_IMPORTANCES  15
#define TOP_SHAPES       6
#define MAX_LEVELS_SHOWN 14
#define TOP_COEFS        20

/* Series styles: model A, model B, the baseline (eval.h orders results that way). */
static const char *const STROKE[3] = { "s0", "s1", "sb" };
static const char *const FILL[3] = { "f0", "f1", "fb" };

/* ---- small helpers ------------------------------------------------------------------- */

static const char *fmt_p(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "n/a");
    else if (p < 1e-4)
        snprintf(buf, size, "p &lt; 0.0001");
    else
        snprintf(buf, size, "p = %.4f", p);
    return buf;
}

static size_t series_of(const ck_eval_result *r, size_t k)
{
    return r->is_baseline ? 2 : k;
}

/* "A", "B" with two models; "" otherwise. */
static const char *tag_of(const ck_eval *ev, const ck_eval_result *r, size_t k)
{
    if (r->is_baseline)
        return "baseline";
    if (ck_eval_n_models(ev) < 2)
        return "model";
    return k == 0 ? "A" : "B";
}

/* ---- curves ----------------------------------------------------------------------------- */

typedef struct xy {
    double *x, *y;
    size_t n, cap;
} xy;

static void xy_free(xy *c)
{
    free(c->x);
    free(c->y);
    c->x = c->y = NULL;
}

static int xy_init(xy *c, size_t cap)
{
    c->n = 0;
    c->cap = cap;
    c->x = ck__alloc_array(cap, sizeof *c->x);
    c->y = ck__alloc_array(cap, sizeof *c->y);
    if (c->x == NULL || c->y == NULL) {
        xy_free(c);
        return CK_ENOMEM;
    }
    return CK_OK;
}

/* Append a point unless it is within THIN of the last one (the last point always goes). */
static void xy_add(xy *c, double x, double y, bool force)
{
    if (c->n > 0 && !force && fabs(x - c->x[c->n - 1]) < THIN && fabs(y - c->y[c->n - 1]) < THIN)
        return;
    if (c->n < c->cap) {
        c->x[c->n] = x;
        c->y[c->n] = y;
        c->n++;
    }
}

enum { CURVE_ROC, CURVE_PR, CURVE_GAINS, N_CURVES };

/* The ROC, precision–recall and gains curves of one score, thinned. */
static int curves_of(xy out[N_CURVES], const double *score, const float *label, size_t n,
                     ck_error *err)
{
    for (int c = 0; c < N_CURVES; c++)
        out[c] = (xy){ NULL, NULL, 0, 0 };
    ck_curve_point *pts = ck__alloc_array(n, sizeof *pts);
    if (pts == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    int rc = ck_metrics_curve(pts, &m, score, label, NULL, n, err);
    for (int c = 0; rc == CK_OK && c < N_CURVES; c++)
        if (xy_init(&out[c], m + 2) < 0)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc < 0 || m == 0) {
        free(pts);
        for (int c = 0; c < N_CURVES; c++)
            xy_free(&out[c]);
        return rc;
    }
    double pos = pts[m - 1].tp, neg = pts[m - 1].fp, all = pos + neg;
    xy_add(&out[CURVE_ROC], 0, 0, true);
    xy_add(&out[CURVE_GAINS], 0, 0, true);
    /* the precision–recall curve starts at recall 0 with the first group's precision */
    xy_add(&out[CURVE_PR], 0, pts[0].tp / (pts[0].tp + pts[0].fp), true);
    for (size_t i = 0; i < m; i++) {
        bool last = i + 1 == m;
        double tpr = pos > 0 ? pts[i].tp / pos : NAN, fpr = neg > 0 ? pts[i].fp / neg : NAN;
        xy_add(&out[CURVE_ROC], fpr, tpr, last);
        xy_add(&out[CURVE_PR], tpr, pts[i].tp / (pts[i].tp + pts[i].fp), last);
        xy_add(&out[CURVE_GAINS], (pts[i].tp + pts[i].fp) / all, tpr, last);
    }
    free(pts);
    return CK_OK;
}

/* ---- the charts ------------------------------------------------------------------------- */

typedef struct chart_data {
    const ck_eval *ev;
    size_t n_results;
    xy curves[CK_EVAL_MAX_MODELS + 1][N_CURVES];
    char legend_text[CK_EVAL_MAX_MODELS + 1][3][128]; /* per result: ROC, PR, plain */
} chart_data;

static void series_legend(FILE *fp, const chart_data *cd, int which, double x, double y, bool right,
                          const char *extra_cls, const char *extra_label)
{
    const char *cls[CK_EVAL_MAX_MODELS + 2], *labels[CK_EVAL_MAX_MODELS + 2];
    size_t n = 0;
    for (size_t k = 0; k < cd->n_results; k++) {
        const ck_eval_result *r = ck_eval_result_at(cd->ev, k);
        cls[n] = STROKE[series_of(r, k)];
        labels[n++] = cd->legend_text[k][which];
    }
    if (extra_cls != NULL) {
        cls[n] = extra_cls;
        labels[n++] = extra_label;
    }
    ck__chart_legend(fp, x, y, right, cls, labels, n, false);
}

static void roc_chart(FILE *fp, const chart_data *cd)
{
    ck__chart_card_open(fp, "ROC curve",
                        "Share of churners flagged (true positive rate) against share of loyal "
                        "customers flagged, at every threshold. Up and to the left is better; the "
                        "diagonal is a coin toss.");
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, "ROC curve", 0, 1, 0, 1, "%.0f%%", 100,
                         "false positive rate (retained customers flagged)", "%.0f%%", 100,
                         "true positive rate (churners caught)");
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, 0), ck__chart_fx(&f, 1),
                 ck__chart_fy(&f, 1), "chance");
    for (size_t k = cd->n_results; k-- > 0;) {
        const xy *c = &cd->curves[k][CURVE_ROC];
        ck__svg_polyline(fp, c->x, c->y, c->n, &f.sx, &f.sy,
                         STROKE[series_of(ck_eval_result_at(cd->ev, k), k)]);
    }
    series_legend(fp, cd, 0, f.right - 8, f.bottom - 12 - 19.0 * (double)(cd->n_results + 1) - 8,
                  true, "chance", "chance (AUC 0.5)");
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

static void pr_chart(FILE *fp, const chart_data *cd)
{
    double base = (double)ck_eval_n_positives(cd->ev) / (double)ck_eval_n_rows(cd->ev);
    ck__chart_card_open(fp, "Precision–recall curve",
                        "Of the customers flagged, the share who churn (precision), against the "
                        "share of all churners caught (recall). Dotted: the churn rate, what "
                        "random flagging achieves.");
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, "Precision-recall curve", 0, 1, 0, 1,
                         "%.0f%%", 100, "recall (churners caught)", "%.0f%%", 100,
                         "precision (flagged who churn)");
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, base), ck__chart_fx(&f, 1),
                 ck__chart_fy(&f, base), "chance");
    for (size_t k = cd->n_results; k-- > 0;) {
        const xy *c = &cd->curves[k][CURVE_PR];
        ck__svg_polyline(fp, c->x, c->y, c->n, &f.sx, &f.sy,
                         STROKE[series_of(ck_eval_result_at(cd->ev, k), k)]);
    }
    char chance[64];
    snprintf(chance, sizeof chance, "churn rate %.1f%%", 100 * base);
    series_legend(fp, cd, 1, f.left + 10, f.bottom - 12 - 19.0 * (double)(cd->n_results + 1) - 8,
                  false, "chance", chance);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

static void gains_chart(FILE *fp, const chart_data *cd)
{
    double base = (double)ck_eval_n_positives(cd->ev) / (double)ck_eval_n_rows(cd->ev);
    ck__chart_card_open(fp, "Cumulative gains",
                        "Contact the riskiest customers first: the share of all churners reached "
                        "for each share of customers contacted. Green: a perfect ranking; grey: "
                        "random.");
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, "Cumulative gains", 0, 1, 0, 1, "%.0f%%",
                         100, "customers contacted, riskiest first", "%.0f%%", 100,
                         "churners reached");
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, 0), ck__chart_fx(&f, 1),
                 ck__chart_fy(&f, 1), "chance");
    const double px[3] = { 0, base, 1 }, py[3] = { 0, 1, 1 };
    ck__svg_polyline(fp, px, py, 3, &f.sx, &f.sy, "perfect");
    for (size_t k = cd->n_results; k-- > 0;) {
        const xy *c = &cd->curves[k][CURVE_GAINS];
        ck__svg_polyline(fp, c->x, c->y, c->n, &f.sx, &f.sy,
                         STROKE[series_of(ck_eval_result_at(cd->ev, k), k)]);
    }
    /* mark the top decile on each model's curve */
    for (size_t k = 0; k < cd->n_results; k++) {
        const ck_eval_result *r = ck_eval_result_at(cd->ev, k);
        double y = r->deciles[0].cum_gain;
        if (!isnan(y))
            ck__svg_circle(fp, ck__chart_fx(&f, 0.1), ck__chart_fy(&f, y), 4.0,
                           FILL[series_of(r, k)]);
    }
    series_legend(fp, cd, 2, f.right - 8, f.bottom - 12 - 19.0 * (double)(cd->n_results + 1) - 8,
                  true, "perfect", "perfect ranking");
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

static void lift_chart(FILE *fp, const chart_data *cd)
{
    ck__chart_card_open(
        fp, "Lift by decile",
        "Churn rate in each tenth of customers, riskiest first, as a multiple of the "
        "overall rate. A useful model is well above 1 on the left and below 1 on "
        "the right.");
    double hi = 1.0;
    for (size_t k = 0; k < cd->n_results; k++)
        for (size_t g = 0; g < CK_EVAL_GROUPS; g++) {
            double v = ck_eval_result_at(cd->ev, k)->deciles[g].lift;
            if (isfinite(v) && v > hi)
                hi = v;
        }
    ck__chart_frame f;
    ck__chart_frame_open_categories(fp, &f, CK__CHART_W, CK__CHART_H, CK__CHART_PLOT_B,
                                    "Lift by decile", CK_EVAL_GROUPS, "%.0f",
                                    "decile of predicted risk (1 = riskiest tenth)", 0, hi * 1.08,
                                    "%.1f", "lift (churn rate / overall rate)");
    double slot = (ck__chart_fx(&f, 1.5) - ck__chart_fx(&f, 0.5)) * 0.8;
    double bar = slot / (double)cd->n_results;
    for (size_t g = 0; g < CK_EVAL_GROUPS; g++) {
        double x0 = ck__chart_fx(&f, (double)g + 1.0) - 0.5 * slot;
        for (size_t k = 0; k < cd->n_results; k++) {
            const ck_eval_result *r = ck_eval_result_at(cd->ev, k);
            double v = r->deciles[g].lift;
            if (!isfinite(v))
                continue;
            ck__svg_rect(fp, x0 + bar * (double)k, ck__chart_fy(&f, v), bar - 1.0,
                         ck__chart_fy(&f, 0) - ck__chart_fy(&f, v), FILL[series_of(r, k)]);
        }
    }
    ck__svg_line(fp, f.left, ck__chart_fy(&f, 1), f.right, ck__chart_fy(&f, 1), "ref");
    ck__svg_text(fp, f.right - 4, ck__chart_fy(&f, 1) - 5, "end", "small", "lift 1 = random");
    const char *cls[CK_EVAL_MAX_MODELS + 1], *labels[CK_EVAL_MAX_MODELS + 1];
    for (size_t k = 0; k < cd->n_results; k++) {
        cls[k] = FILL[series_of(ck_eval_result_at(cd->ev, k), k)];
        labels[k] = cd->legend_text[k][2];
    }
    ck__chart_legend(fp, f.right - 8, f.top + 8, true, cls, labels, cd->n_results, true);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

static void calibration_chart(FILE *fp, const chart_data *cd)
{
    ck__chart_card_open(fp, "Calibration",
                        "Mean predicted churn probability against the churn rate observed, in ten "
                        "probability bins; a dot's area is its number of customers. On the "
                        "diagonal, the probabilities can be taken at face value.");
    double hi = 0.05;
    for (size_t k = 0; k < ck_eval_n_models(cd->ev); k++)
        for (size_t b = 0; b < CK_EVAL_BINS; b++) {
            const ck_calibration_bin *bin = &ck_eval_result_at(cd->ev, k)->calibration[b];
            if (bin->rows > 0) {
                hi = fmax(hi, bin->mean_prob);
                hi = fmax(hi, bin->positive_rate);
            }
        }
    hi = fmin(1.0, hi * 1.05);
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, "Calibration", 0, hi, 0, hi, "%.0f%%",
                         100, "mean predicted churn probability", "%.0f%%", 100,
                         "observed churn rate");
    double top = fmin(f.sx.d1, f.sy.d1);
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, 0), ck__chart_fx(&f, top),
                 ck__chart_fy(&f, top), "chance");
    double n = (double)ck_eval_n_rows(cd->ev);
    for (size_t k = 0; k < ck_eval_n_models(cd->ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(cd->ev, k);
        double xs[CK_EVAL_BINS], ys[CK_EVAL_BINS];
        size_t m = 0;
        for (size_t b = 0; b < CK_EVAL_BINS; b++)
            if (r->calibration[b].rows > 0) {
                xs[m] = r->calibration[b].mean_prob;
                ys[m++] = r->calibration[b].positive_rate;
            }
        ck__svg_polyline(fp, xs, ys, m, &f.sx, &f.sy, STROKE[k]);
        for (size_t b = 0; b < CK_EVAL_BINS; b++) {
            const ck_calibration_bin *bin = &r->calibration[b];
            if (bin->rows <= 0)
                continue;
            double radius = 3.0 + 14.0 * sqrt(bin->rows / n);
            ck__svg_circle(fp, ck__chart_fx(&f, bin->mean_prob),
                           ck__chart_fy(&f, bin->positive_rate), radius, k == 0 ? "p0" : "p1");
        }
    }
    const char *cls[CK_EVAL_MAX_MODELS + 1], *labels[CK_EVAL_MAX_MODELS + 1];
    size_t m = 0;
    for (size_t k = 0; k < ck_eval_n_models(cd->ev); k++) {
        cls[m] = STROKE[k];
        labels[m++] = cd->legend_text[k][2];
    }
    cls[m] = "chance";
    labels[m++] = "perfectly calibrated";
    ck__chart_legend(fp, f.left + 10, f.top + 8, false, cls, labels, m, false);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* Score histograms of churned and retained customers, each normalised to its class;
 * returns the highest bar. */
static double histograms(const ck_eval *ev, size_t k, double churn[HIST_BINS],
                         double stay[HIST_BINS], double *n_churn, double *n_stay)
{
    const double *score = ck_eval_scores(ev, k);
    const float *label = ck_eval_labels(ev);
    size_t n = ck_eval_n_rows(ev);
    *n_churn = *n_stay = 0;
    for (size_t b = 0; b < HIST_BINS; b++)
        churn[b] = stay[b] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)(score[i] * HIST_BINS);
        if (b >= HIST_BINS)
            b = HIST_BINS - 1;
        if (label[i] > 0.5f) {
            churn[b]++;
            ++*n_churn;
        } else {
            stay[b]++;
            ++*n_stay;
        }
    }
    double hi = 0.01;
    for (size_t b = 0; b < HIST_BINS; b++) {
        churn[b] = *n_churn > 0 ? churn[b] / *n_churn : 0;
        stay[b] = *n_stay > 0 ? stay[b] / *n_stay : 0;
        hi = fmax(hi, fmax(churn[b], stay[b]));
    }
    return hi;
}

/* The histograms of model k on a y axis up to hi (shared by the models' charts, so their
 * shapes compare at a glance). */
static void distribution_chart(FILE *fp, const chart_data *cd, size_t k, double width, double hi)
{
    const ck_eval_result *r = ck_eval_result_at(cd->ev, k);
    double churn[HIST_BINS], stay[HIST_BINS], n_churn, n_stay;
    histograms(cd->ev, k, churn, stay, &n_churn, &n_stay);
    char title[300];
    snprintf(title, sizeof title, "Scores by outcome: %s", r->name);
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, width, CK__CHART_H, title, 0, 1, 0, hi * 1.05, "%.0f%%", 100,
                         "predicted churn probability", "%.0f%%", 100, "share of the class");
    double w = ck__chart_fx(&f, 1.0 / HIST_BINS) - ck__chart_fx(&f, 0);
    for (size_t b = 0; b < HIST_BINS; b++) {
        double x = ck__chart_fx(&f, (double)b / HIST_BINS);
        if (stay[b] > 0)
            ck__svg_rect(fp, x + 0.5, ck__chart_fy(&f, stay[b]), w - 1.0,
                         ck__chart_fy(&f, 0) - ck__chart_fy(&f, stay[b]), "stay");
        if (churn[b] > 0)
            ck__svg_rect(fp, x + 0.5, ck__chart_fy(&f, churn[b]), w - 1.0,
                         ck__chart_fy(&f, 0) - ck__chart_fy(&f, churn[b]), "churn");
    }
    double t = r->confusion.threshold;
    if (isfinite(t) && t >= 0 && t <= 1) {
        ck__svg_line(fp, ck__chart_fx(&f, t), f.top, ck__chart_fx(&f, t), f.bottom, "thr");
        char buf[64];
        snprintf(buf, sizeof buf, "threshold %.3g", t);
        ck__svg_text(fp, ck__chart_fx(&f, t) + (t < 0.75 ? 5 : -5), f.top + 12,
                     t < 0.75 ? "start" : "end", "small", buf);
    }
    char lab_churn[64], lab_stay[64];
    snprintf(lab_churn, sizeof lab_churn, "churned (%.0f)", n_churn);
    snprintf(lab_stay, sizeof lab_stay, "retained (%.0f)", n_stay);
    const char *cls[2] = { "churn", "stay" }, *labels[2] = { lab_churn, lab_stay };
    ck__chart_legend(fp, f.right - 8, f.top + 24, true, cls, labels, 2, true);
    ck__svg_close(fp);
}

/* ---- what a model learned ------------------------------------------------------------- */

/* The features by decreasing importance (gain), at most `max`; returns how many. */
static size_t top_features(const double *gain, size_t n, size_t *out, size_t max)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (!(gain[j] > 0))
            continue;
        size_t pos = m < max ? m : max;
        while (pos > 0 && gain[out[pos - 1]] < gain[j])
            pos--;
        if (pos >= max)
            continue;
        if (m < max)
            m++;
        memmove(out + pos + 1, out + pos, (m - 1 - pos) * sizeof *out);
        out[pos] = j;
    }
    return m;
}

/* A numeric feature's step function: value[k] on (t[k−1], t[k]]. The x range shows every
 * step with a margin; it starts at 0 when the steps do (counts, days and amounts are not
 * negative, and a negative axis would suggest they could be). */
static int numeric_shape(FILE *fp, const ck_gbm_table *t, const char *name, double width,
                         ck_error *err)
{
    double t0 = t->thresholds[0], t1 = t->thresholds[t->n_thresholds - 1];
    double margin = t1 > t0 ? 0.12 * (t1 - t0) : 0.6 * fmax(1.0, fabs(t0));
    double x0 = t0 - margin, x1 = t1 + margin;
    if (t0 >= 0 && x0 < 0)
        x0 = 0;
    double lo = 0, hi = 0;
    for (size_t k = 0; k <= t->n_thresholds; k++) {
        lo = fmin(lo, t->values[k]);
        hi = fmax(hi, t->values[k]);
    }
    double pad = 0.08 * fmax(hi - lo, 1e-3);
    size_t m = 2 * t->n_thresholds + 2;
    double *xs = ck__alloc_array(m, sizeof *xs), *ys = ck__alloc_array(m, sizeof *ys);
    if (xs == NULL || ys == NULL) {
        free(xs);
        free(ys);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, width, 270, name, x0, x1, lo - pad, hi + pad, "%g", 1, name,
                         "%+.2g", 1, "logit contribution");
    size_t p = 0;
    xs[p] = f.sx.d0;
    ys[p++] = t->values[0];
    for (size_t k = 0; k < t->n_thresholds; k++) {
        xs[p] = t->thresholds[k];
        ys[p++] = t->values[k];
        xs[p] = t->thresholds[k];
        ys[p++] = t->values[k + 1];
    }
    xs[p] = f.sx.d1;
    ys[p++] = t->values[t->n_thresholds];
    if (f.sy.d0 < 0 && f.sy.d1 > 0)
        ck__svg_line(fp, f.left, ck__chart_fy(&f, 0), f.right, ck__chart_fy(&f, 0), "zero");
    ck__svg_polyline(fp, xs, ys, p, &f.sx, &f.sy, "shape");
    free(xs);
    free(ys);
    ck__svg_close(fp);
    return CK_OK;
}

/* A categorical feature's value per level, as bars from zero, the level names slanted
 * under them. */
static void categorical_shape(FILE *fp, const ck_gbm_table *t, const ck_schema *schema, size_t j,
                              const char *name, double width)
{
    size_t shown = t->n_levels < MAX_LEVELS_SHOWN ? t->n_levels : MAX_LEVELS_SHOWN;
    double lo = 0, hi = 0;
    for (size_t k = 0; k < shown; k++) {
        lo = fmin(lo, t->level_values[k]);
        hi = fmax(hi, t->level_values[k]);
    }
    double pad = 0.08 * fmax(hi - lo, 1e-3);
    ck__chart_frame f;
    /* room under the plot for the slanted level names */
    ck__chart_frame_open_categories(fp, &f, width, 270, 80, name, shown ? shown : 1, NULL, NULL,
                                    lo - pad, hi + pad, "%+.2g", "logit contribution");
    double slot = ck__chart_fx(&f, 2) - ck__chart_fx(&f, 1);
    for (size_t k = 0; k < shown; k++) {
        double v = t->level_values[k], x = ck__chart_fx(&f, (double)k + 1);
        ck__svg_rect(fp, x - 0.35 * slot, ck__chart_fy(&f, v), 0.7 * slot,
                     ck__chart_fy(&f, 0) - ck__chart_fy(&f, v), v >= 0 ? "pos" : "neg");
        const char *level = ck_schema_level(schema, j, k);
        char buf[24];
        snprintf(buf, sizeof buf, "%.11s", level ? level : "?");
        double angle = shown > 6 ? -60 : -30;
        fprintf(fp,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"small\" "
                "transform=\"rotate(%.0f %.1f %.1f)\">",
                x + 3, f.bottom + 12, angle, x + 3, f.bottom + 12);
        ck__chart_esc(fp, buf);
        fputs("</text>\n", fp);
    }
    ck__svg_line(fp, f.left, ck__chart_fy(&f, 0), f.right, ck__chart_fy(&f, 0), "zero");
    if (t->n_levels > shown) {
        char buf[48];
        snprintf(buf, sizeof buf, "first %zu of %zu levels", shown, t->n_levels);
        ck__svg_text(fp, f.right - 4, f.top + 26, "end", "small", buf);
    }
    ck__svg_close(fp);
}

/* Horizontal bars of the importance shares, largest first. */
static void importance_chart(FILE *fp, const ck_schema *schema, const size_t *order, size_t m,
                             const double *share)
{
    const double width = 1110, row = 24, left = 230, right = width - 90, top = 8;
    double hi = share[order[0]], lo = 0;
    double ticks[32];
    size_t nt = ck__svg_ticks(&lo, &hi, 6, ticks, 32);
    double height = top + row * (double)m + 50;
    ck__svg_scale sx = { lo, hi, left, right };
    ck__svg_open(fp, width, height, "Feature importance");
    ck__svg_x_axis(fp, &sx, top + row * (double)m, top, ticks, nt, "%g%%", 100,
                   "share of the total gain");
    char buf[32];
    for (size_t i = 0; i < m; i++) {
        double y = top + row * (double)i, v = share[order[i]];
        ck__svg_text(fp, left - 8, y + 16, "end", NULL, ck_schema_name(schema, order[i]));
        ck__svg_rect(fp, left, y + 5, ck__svg_map(&sx, v) - left, row - 9, i < 3 ? "f0" : "fb");
        snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
        ck__svg_text(fp, ck__svg_map(&sx, v) + 6, y + 16, "start", "small", buf);
    }
    ck__svg_close(fp);
}

static int gbm_section(FILE *fp, const ck_gbm *gbm, ck_error *err)
{
    const ck_schema *schema = ck_gbm_schema(gbm);
    size_t n = ck_schema_n_features(schema);
    const double *gain = ck_gbm_importance(gbm);
    size_t *order = ck__alloc_array(TOP_IMPORTANCES, sizeof *order);
    double *share = ck__alloc_array(n, sizeof *share);
    if (order == NULL || share == NULL) {
        free(share);
        free(order);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    }
    size_t m = top_features(gain, n, order, TOP_IMPORTANCES);
    double total = 0;
    for (size_t j = 0; j < n; j++)
        total += gain[j] > 0 ? gain[j] : 0;
    for (size_t j = 0; j < n; j++)
        share[j] = total > 0 && gain[j] > 0 ? gain[j] / total : 0;

    fputs("<div class=\"card\"><h3>Feature importance</h3><p class=\"note\">Share of the "
          "total gain of the stumps that split on each feature (the top 15).</p>\n",
          fp);
    if (m > 0)
        importance_chart(fp, schema, order, m, share);
    else
        fputs("<p>No stump was kept: the model is a constant.</p>\n", fp);
    fputs("</div>\n", fp);

    int rc = CK_OK;
    size_t shapes = m < TOP_SHAPES ? m : TOP_SHAPES;
    if (shapes > 0) {
        fputs("<div class=\"card\" style=\"margin-top:16px\"><h3>Shape functions of the top "
              "features</h3><p class=\"note\">A stumps model adds one function per feature to "
              "the log-odds of churn: here is each top feature's function, exactly as the "
              "model scores it. Above zero raises the churn risk, below zero lowers it.</p>\n"
              "<div class=\"grid3\">\n",
              fp);
        for (size_t i = 0; i < shapes && rc == CK_OK; i++) {
            size_t j = order[i];
            ck_gbm_table table;
            ck_gbm_step_table(gbm, j, &table);
            const ck_gbm_table *t = &table;
            const char *name = ck_schema_name(schema, j);
            fputs("<div><div class=\"shape-title\"><b>", fp);
            ck__chart_esc(fp, name);
            fprintf(fp, "</b> &middot; %.1f%% of the gain", 100 * share[j]);
            if (ck_schema_kind(schema, j) == CK_FEATURE_NUMERIC)
                fprintf(fp, " &middot; missing: %+.3f", t->missing_value);
            fputs("</div>", fp);
            if (ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL)
                categorical_shape(fp, t, schema, j, name, 360);
            else if (t->n_thresholds > 0)
                rc = numeric_shape(fp, t, name, 360, err);
            fputs("</div>\n", fp);
        }
        fputs("</div></div>\n", fp);
    }
    free(share);
    free(order);
    return rc;
}

/* One coefficient of a logistic model: what it multiplies, and its value. */
typedef struct coef_item {
    char name[160];
    double value;
} coef_item;

static int by_magnitude(const void *a, const void *b)
{
    double x = fabs(((const coef_item *)a)->value), y = fabs(((const coef_item *)b)->value);
    if (x != y)
        return x < y ? 1 : -1;
    return strcmp(((const coef_item *)a)->name, ((const coef_item *)b)->name);
}

int ck__eval_report_logreg(FILE *fp, const ck_logreg *lr, ck_error *err)
{
    const ck_schema *schema = ck_logreg_schema(lr);
    size_t n = ck_schema_n_features(schema), cap = 0;
    for (size_t j = 0; j < n; j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(lr, j);
        cap += (f->categorical ? f->n_levels : 1) + (f->has_missing ? 1 : 0);
    }
    coef_item *items = ck__alloc_array(cap, sizeof *items);
    if (items == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        const ck_logreg_feature *f = ck_logreg_feature_at(lr, j);
        const char *name = ck_schema_name(schema, j);
        if (f->categorical) {
            for (size_t k = 0; k < f->n_levels; k++) {
                snprintf(items[m].name, sizeof items[m].name, "%.80s = %.60s", name,
                         ck_schema_level(schema, j, k));
                items[m++].value = f->level_coefs[k];
            }
        } else {
            snprintf(items[m].name, sizeof items[m].name, "%.150s", name);
            items[m++].value = f->coef;
        }
        if (f->has_missing) {
            snprintf(items[m].name, sizeof items[m].name, "%.140s missing", name);
            items[m++].value = f->missing_coef;
        }
    }
    qsort(items, m, sizeof *items, by_magnitude);
    size_t shown = m < TOP_COEFS ? m : TOP_COEFS;

    fprintf(fp,
            "<div class=\"card\"><h3>Coefficients</h3><p class=\"note\">The change in the "
            "log-odds of churn for one standard deviation more of a numeric feature, for a "
            "level of a categorical one (against no level), or for a missing value; red raises "
            "the churn risk, blue lowers it. The %zu largest of %zu; intercept %+.3f.</p>\n",
            shown, m, ck_logreg_intercept(lr, false));
    if (shown == 0) {
        fputs("<p>No coefficient.</p></div>\n", fp);
        free(items);
        return CK_OK;
    }
    double big = fabs(items[0].value) > 0 ? fabs(items[0].value) : 1.0;
    double lo = -big, hi = big, ticks[32];
    size_t nt = ck__svg_ticks(&lo, &hi, 7, ticks, 32);
    const double width = 1110, row = 24, left = 300, right = width - 90, top = 8;
    double height = top + row * (double)shown + 50;
    ck__svg_scale sx = { lo, hi, left, right };
    ck__svg_open(fp, width, height, "Coefficients");
    ck__svg_x_axis(fp, &sx, top + row * (double)shown, top, ticks, nt, "%+g", 1,
                   "change in the log-odds of churn");
    double zero = ck__svg_map(&sx, 0);
    char buf[32];
    for (size_t i = 0; i < shown; i++) {
        double y = top + row * (double)i, v = items[i].value, x = ck__svg_map(&sx, v);
        ck__svg_text(fp, left - 8, y + 16, "end", NULL, items[i].name);
        ck__svg_rect(fp, zero, y + 5, x - zero, row - 9, v >= 0 ? "pos" : "neg");
        snprintf(buf, sizeof buf, "%+.3f", v);
        ck__svg_text(fp, v >= 0 ? x + 6 : x - 6, y + 16, v >= 0 ? "start" : "end", "small", buf);
    }
    ck__svg_line(fp, zero, top, zero, top + row * (double)shown, "zero");
    ck__svg_close(fp);
    fputs("</div>\n", fp);
    free(items);
    return CK_OK;
}

static int model_section(FILE *fp, const ck_eval *ev, const ck_model *model, size_t k,
                         ck_error *err)
{
    const ck_eval_result *r = ck_eval_result_at(ev, k);
    if (ck_eval_n_models(ev) == 2)
        fprintf(fp, "<h2>What model %s learned <span class=\"note\">", k == 0 ? "A" : "B");
    else
        fputs("<h2>What the model learned <span class=\"note\">", fp);
    ck__chart_esc(fp, r->name);
    fputs("</span></h2>\n", fp);
    if (ck_model_type_of(model) == CK_MODEL_GBM_STUMPS && ck_model_gbm(model) != NULL)
        return gbm_section(fp, ck_model_gbm(model), err);
    if (ck_model_type_of(model) == CK_MODEL_LOGREG && ck_model_logreg(model) != NULL)
        return ck__eval_report_logreg(fp, ck_model_logreg(model), err);
    fputs("<p class=\"note\">This model type has no picture of its inside yet.</p>\n", fp);
    return CK_OK;
}

/* ---- the page --------------------------------------------------------------------------- */

static void verdict(FILE *fp, const ck_eval *ev)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    const ck_eval_comparison *c = ck_eval_comparison_of(ev);
    char p[48];
    double alpha = 1 - o->level;
    if (c != NULL) {
        const ck_delong *d = &c->delong;
        const char *cls = isnan(d->p) || d->p >= alpha ? "neutral" : d->diff > 0 ? "good" : "bad";
        fprintf(fp, "<div class=\"verdict %s\">", cls);
        if (isnan(d->p))
            fputs("Too few churners or loyal customers to compare the two models.", fp);
        else if (d->p >= alpha)
            fprintf(fp,
                    "<b>No significant difference.</b> The challenger B's AUC differs from the "
                    "champion A's by %+.4f (%g%% CI %+.4f to %+.4f, DeLong's test %s): keep the "
                    "champion unless B wins on something else.",
                    d->diff, 100 * o->level, d->ci[0], d->ci[1], fmt_p(p, sizeof p, d->p));
        else
            fprintf(fp,
                    "<b>The %s ranks churners better.</b> AUC %.4f against %.4f, a difference "
                    "of %+.4f (%g%% CI %+.4f to %+.4f, DeLong's test %s).",
                    d->diff > 0 ? "challenger B" : "champion A", d->diff > 0 ? d->auc_b : d->auc_a,
                    d->diff > 0 ? d->auc_a : d->auc_b, d->diff, 100 * o->level, d->ci[0], d->ci[1],
                    fmt_p(p, sizeof p, d->p));
        fputs("</div>\n", fp);
        return;
    }
    const ck_eval_result *r = ck_eval_result_at(ev, 0);
    if (!r->has_vs_baseline)
        return;
    const ck_delong *d = &r->vs_baseline;
    const char *cls = isnan(d->p) || d->p >= alpha ? "neutral" : d->diff > 0 ? "good" : "bad";
    fprintf(fp, "<div class=\"verdict %s\">", cls);
    fprintf(fp,
            "The model's AUC is %.4f against %.4f for ranking by recency alone: %s by %+.4f "
            "(%g%% CI %+.4f to %+.4f, DeLong's test %s).",
            d->auc_b, d->auc_a, d->diff >= 0 ? "better" : "worse", d->diff, 100 * o->level,
            d->ci[0], d->ci[1], fmt_p(p, sizeof p, d->p));
    fputs("</div>\n", fp);
}

static void kpi(FILE *fp, const char *value, const char *what, const double ci[2], bool has_ci)
{
    fprintf(fp, "<div class=\"num\"><div class=\"v\">%s</div><div class=\"l\">%s</div>", value,
            what);
    if (has_ci && !isnan(ci[0]))
        fprintf(fp, "<div class=\"ci\">%.3f &ndash; %.3f</div>", ci[0], ci[1]);
    fputs("</div>", fp);
}

static void kpi_cards(FILE *fp, const ck_eval *ev)
{
    char b1[32];
    fputs("<div class=\"cards\">\n", fp);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        size_t s = series_of(r, k);
        fprintf(fp,
                "<div class=\"card kpi k%c\"><div class=\"who\"><span class=\"tag k%c\">%s</span>",
                s == 2 ? 'b' : (char)('0' + s), s == 2 ? 'b' : (char)('0' + s), tag_of(ev, r, k));
        ck__chart_esc(fp, r->name);
        fputs("</div><div class=\"nums\">", fp);
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->auc, 3), "ROC AUC", r->ci.auc, r->has_ci);
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->pr_auc, 3), "PR AUC (avg. precision)", r->ci.pr_auc,
            r->has_ci);
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->top_decile_lift, 2), "top-decile lift",
            r->ci.top_decile_lift, r->has_ci);
        const double none[2] = { NAN, NAN };
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->ks, 3), "KS", none, false);
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->logloss, 3), "log loss", none, false);
        kpi(fp, ck__chart_fmt(b1, sizeof b1, r->ece, 3), "calibration error (ECE)", none, false);
        fputs("</div></div>\n", fp);
    }
    fputs("</div>\n", fp);
}

static void name_cell(FILE *fp, const ck_eval *ev, const ck_eval_result *r, size_t k)
{
    size_t s = series_of(r, k);
    fprintf(fp, "<td><span class=\"tag k%c\">%s</span>", s == 2 ? 'b' : (char)('0' + s),
            tag_of(ev, r, k));
    ck__chart_esc(fp, r->name);
    fputs("</td>", fp);
}

/* A result's metric cells, in the order of the metrics table's columns. */
static void metric_cells(FILE *fp, const ck_eval_result *r)
{
    char b[32];
    const double values[] = { r->auc, r->pr_auc, r->logloss, r->brier, r->ks, r->ece };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, values[i], 4));
    fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, r->top_decile_lift, 2));
}

static void metrics_table(FILE *fp, const ck_eval *ev)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    char b[32];
    fputs("<div class=\"card scroll\"><table><tr><th>model</th><th>AUC</th><th>PR AUC</th>"
          "<th>log loss</th><th>Brier</th><th>KS</th><th>ECE</th><th>lift@10%</th>",
          fp);
    for (size_t t = 0; t < o->n_top; t++)
        fprintf(fp, "<th>top %g%%: P / R</th>", 100 * o->top[t]);
    fputs("</tr>\n", fp);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        fprintf(fp, "<tr%s>", r->is_baseline ? " class=\"base\"" : "");
        name_cell(fp, ev, r, k);
        metric_cells(fp, r);
        for (size_t t = 0; t < r->n_top; t++) {
            char b2[32];
            fprintf(fp, "<td>%s / %s</td>", ck__chart_fmt(b, sizeof b, r->top[t].precision, 3),
                    ck__chart_fmt(b2, sizeof b2, r->top[t].recall, 3));
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table><p class=\"note\" style=\"margin-top:8px\">P / R: precision and recall "
          "among the riskiest customers (the share of them who churn, and the share of all "
          "churners they hold).</p></div>\n",
          fp);
}

static void confusion_table(FILE *fp, const ck_eval *ev)
{
    char b[32];
    fputs("<div class=\"card scroll\"><h3>Confusion matrix</h3><p class=\"note\">", fp);
    if (isnan(ck_eval_options(ev)->threshold))
        fputs("Each score flags its riskiest 10% (score &ge; threshold).", fp);
    else
        fprintf(fp, "Models flag a probability &ge; %g; the baseline its riskiest 10%%.",
                ck_eval_options(ev)->threshold);
    fputs(" TP: churners flagged; FP: loyal customers flagged; FN: churners missed; TN: loyal "
          "customers left alone.</p><table><tr><th>model</th><th>threshold</th><th>flagged</th>"
          "<th>TP</th><th>FP</th><th>FN</th><th>TN</th><th>precision</th><th>recall</th>"
          "<th>F1</th></tr>\n",
          fp);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        const ck_confusion *c = &r->confusion;
        fprintf(fp, "<tr%s>", r->is_baseline ? " class=\"base\"" : "");
        name_cell(fp, ev, r, k);
        fprintf(fp,
                "<td>%.4g</td><td>%.1f%%</td><td>%.0f</td><td>%.0f</td><td>%.0f</td>"
                "<td>%.0f</td>",
                c->threshold, 100 * c->flagged_rate, c->tp, c->fp, c->fn, c->tn);
        fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, c->precision, 3));
        fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, c->recall, 3));
        fprintf(fp, "<td>%s</td></tr>\n", ck__chart_fmt(b, sizeof b, c->f1, 3));
    }
    fputs("</table></div>\n", fp);
}

static void deciles_table(FILE *fp, const ck_eval *ev)
{
    char b[32];
    fputs("<div class=\"card scroll\"><h3>Gains table</h3><p class=\"note\">Customers ranked by "
          "predicted risk and cut into tenths (ties shared between neighbouring tenths).</p>"
          "<table><tr><th>decile</th>",
          fp);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        fprintf(fp, "<th colspan=\"3\">%s: churn rate / lift / churners reached</th>",
                tag_of(ev, r, k));
    }
    fputs("</tr>\n", fp);
    for (size_t g = 0; g < CK_EVAL_GROUPS; g++) {
        fprintf(fp, "<tr><td>%zu</td>", g + 1);
        for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
            const ck_gains_row *d = &ck_eval_result_at(ev, k)->deciles[g];
            fprintf(fp, "<td>%s%%</td>", ck__chart_fmt(b, sizeof b, 100 * d->rate, 1));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, d->lift, 2));
            fprintf(fp, "<td>%s%%</td>", ck__chart_fmt(b, sizeof b, 100 * d->cum_gain, 1));
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void reliability_table(FILE *fp, const ck_eval *ev)
{
    char b[32], b2[32];
    fputs("<div class=\"card scroll\"><h3>Reliability table</h3><p class=\"note\">For each band "
          "of predicted probability: the mean prediction &rarr; the churn rate observed "
          "(customers).</p><table><tr><th>predicted</th>",
          fp);
    size_t models = ck_eval_n_models(ev);
    for (size_t k = 0; k < models; k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        fputs("<th>", fp);
        if (models == 2)
            fprintf(fp, "<span class=\"tag k%zu\">%s</span>", k, tag_of(ev, r, k));
        ck__chart_esc(fp, r->name);
        fputs("</th>", fp);
    }
    fputs("</tr>\n", fp);
    for (size_t bin = 0; bin < CK_EVAL_BINS; bin++) {
        const ck_calibration_bin *c0 = &ck_eval_result_at(ev, 0)->calibration[bin];
        fprintf(fp, "<tr><td>%.0f&ndash;%.0f%%</td>", 100 * c0->lo, 100 * c0->hi);
        for (size_t k = 0; k < models; k++) {
            const ck_calibration_bin *c = &ck_eval_result_at(ev, k)->calibration[bin];
            if (c->rows > 0)
                fprintf(fp, "<td>%s%% &rarr; %s%% (%.0f)</td>",
                        ck__chart_fmt(b, sizeof b, 100 * c->mean_prob, 1),
                        ck__chart_fmt(b2, sizeof b2, 100 * c->positive_rate, 1), c->rows);
            else
                fputs("<td>&ndash;</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

static void comparison_table(FILE *fp, const ck_eval *ev)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    const ck_eval_comparison *c = ck_eval_comparison_of(ev);
    bool any = c != NULL;
    for (size_t k = 0; k < ck_eval_n_models(ev); k++)
        any = any || ck_eval_result_at(ev, k)->has_vs_baseline;
    if (!any)
        return;
    char b[48];
    fprintf(fp,
            "<div class=\"card scroll\"><h3>DeLong's test of AUC differences</h3><p "
            "class=\"note\">DeLong, DeLong &amp; Clarke-Pearson (1988): the two rankings are "
            "compared on the same customers, so their correlation is taken into account. "
            "Interval at %g%%.</p><table><tr><th>comparison</th><th>AUC</th><th>AUC</th>"
            "<th>difference</th><th>interval</th><th>z</th><th>p-value</th></tr>\n",
            100 * o->level);
    if (c != NULL) {
        const ck_delong *d = &c->delong;
        fprintf(fp, "<tr><td>B against A</td><td>%.4f</td><td>%.4f</td><td>%+.4f</td>", d->auc_b,
                d->auc_a, d->diff);
        if (isnan(d->se))
            fputs("<td>&ndash;</td><td>&ndash;</td>", fp);
        else
            fprintf(fp, "<td>%+.4f to %+.4f</td><td>%.2f</td>", d->ci[0], d->ci[1], d->z);
        fprintf(fp, "<td>%s</td></tr>\n", fmt_p(b, sizeof b, d->p));
        if (c->has_boot_ci)
            fprintf(fp,
                    "<tr class=\"base\"><td>B against A, bootstrap (%zu resamples)</td><td></td>"
                    "<td></td><td></td><td>%+.4f to %+.4f</td><td></td><td></td></tr>\n",
                    o->bootstrap, c->boot_diff_ci[0], c->boot_diff_ci[1]);
    }
    for (size_t k = 0; k < ck_eval_n_models(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        if (!r->has_vs_baseline)
            continue;
        const ck_delong *d = &r->vs_baseline;
        fprintf(fp,
                "<tr><td>%s against the baseline</td><td>%.4f</td><td>%.4f</td><td>%+.4f</td>"
                "<td>%+.4f to %+.4f</td><td>%.2f</td><td>%s</td></tr>\n",
                tag_of(ev, r, k), d->auc_b, d->auc_a, d->diff, d->ci[0], d->ci[1], d->z,
                fmt_p(b, sizeof b, d->p));
    }
    fputs("</table></div>\n", fp);
}

/* ---- by group (lifecycle stage) ------------------------------------------------------- */

/* AUC of each model and the baseline on each group's rows alone, as bars around chance;
 * under each group its rows and churn rate. A group with one class has no AUC ("n/a"). */
static void group_chart(FILE *fp, const chart_data *cd)
{
    const ck_eval *ev = cd->ev;
    const char *kind = ck_eval_group_kind(ev);
    size_t n = ck_eval_n_groups(ev);
    char title[96];
    snprintf(title, sizeof title, "AUC by %s", kind);
    ck__chart_card_open(fp, title,
                        "How well each score ranks churners among the customers of one stage "
                        "alone, where a campaign acts. 0.5 is a coin toss; n/a: the stage holds "
                        "only churners or only customers who stayed.");
    ck__chart_frame f;
    ck__chart_frame_open_categories(fp, &f, CK__CHART_W, CK__CHART_H, CK__CHART_PLOT_B + 14.0,
                                    title, n, NULL, NULL, 0, 1, "%.1f", "AUC");
    double slot = (ck__chart_fx(&f, 1.5) - ck__chart_fx(&f, 0.5)) * 0.8;
    double bar = slot / (double)cd->n_results;
    char buf[96];
    for (size_t g = 0; g < n; g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        double x0 = ck__chart_fx(&f, (double)g + 1.0) - 0.5 * slot;
        for (size_t k = 0; k < cd->n_results; k++) {
            const ck_eval_result *r = &grp->results[k];
            double xb = x0 + bar * (double)k;
            if (isnan(r->auc)) {
                ck__svg_text(fp, xb + 0.5 * bar, ck__chart_fy(&f, 0) - 6.0, "middle", "small",
                             "n/a");
                continue;
            }
            ck__svg_rect(fp, xb, ck__chart_fy(&f, r->auc), bar - 1.0,
                         ck__chart_fy(&f, 0) - ck__chart_fy(&f, r->auc), FILL[series_of(r, k)]);
        }
        double x = ck__chart_fx(&f, (double)g + 1.0);
        ck__svg_text(fp, x, f.bottom + 18.0, "middle", "tick", grp->name);
        snprintf(buf, sizeof buf, "%zu, %.0f%% churn", grp->n_rows,
                 100.0 * (double)grp->n_positives / (double)grp->n_rows);
        ck__svg_text(fp, x, f.bottom + 34.0, "middle", "small", buf);
    }
    ck__svg_line(fp, f.left, ck__chart_fy(&f, 0.5), f.right, ck__chart_fy(&f, 0.5), "ref");
    ck__svg_text(fp, f.right - 4, ck__chart_fy(&f, 0.5) - 5, "end", "small", "0.5 = coin toss");
    const char *cls[CK_EVAL_MAX_MODELS + 1], *labels[CK_EVAL_MAX_MODELS + 1];
    for (size_t k = 0; k < cd->n_results; k++) {
        cls[k] = FILL[series_of(ck_eval_result_at(ev, k), k)];
        labels[k] = cd->legend_text[k][2];
    }
    ck__chart_legend(fp, f.right - 8, f.top + 8, true, cls, labels, cd->n_results, true);
    ck__svg_text(fp, 0.5 * (f.left + f.right), f.bottom + 52.0, "middle", "label",
                 "customers and churn rate of each stage");
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* Beside the chart: each group's customers, churn rate and every score's AUC. */
static void group_auc_table(FILE *fp, const ck_eval *ev)
{
    char b[32];
    fputs("<div class=\"card scroll\"><h3>", fp);
    ck__chart_esc(fp, "Customers and AUC by ");
    ck__chart_esc(fp, ck_eval_group_kind(ev));
    fputs("</h3><p class=\"note\">The AUC of each score on the stage's customers; every "
          "metric of each stage is under &ldquo;All the numbers&rdquo;. &ndash;: undefined "
          "there.</p><table><tr><th>",
          fp);
    ck__chart_esc(fp, ck_eval_group_kind(ev));
    fputs("</th><th>customers</th><th>churned</th>", fp);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        size_t s = series_of(r, k);
        fprintf(fp, "<th><span class=\"tag k%c\">%s</span></th>", s == 2 ? 'b' : (char)('0' + s),
                tag_of(ev, r, k));
    }
    fputs("</tr>\n", fp);
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        fputs("<tr><td>", fp);
        ck__chart_esc(fp, grp->name);
        fprintf(fp, "</td><td>%zu</td><td>%.1f%%</td>", grp->n_rows,
                100.0 * (double)grp->n_positives / (double)grp->n_rows);
        for (size_t k = 0; k < ck_eval_n_results(ev); k++)
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, grp->results[k].auc, 4));
        fputs("</tr>\n", fp);
    }
    fputs("</table></div>\n", fp);
}

/* Every metric of the summary table, group by group: a row per group and score. */
static void group_table(FILE *fp, const ck_eval *ev)
{
    fputs("<div class=\"card scroll\"><h3>", fp);
    ck__chart_esc(fp, "Every metric by ");
    ck__chart_esc(fp, ck_eval_group_kind(ev));
    fputs("</h3><p class=\"note\">Each stage measured on its own customers, as if it were the "
          "whole evaluation; &ndash;: undefined there (AUC and KS need churners and "
          "customers who stayed).</p><table><tr><th>",
          fp);
    ck__chart_esc(fp, ck_eval_group_kind(ev));
    fputs("</th><th>customers</th><th>churned</th><th>model</th><th>AUC</th><th>PR AUC</th>"
          "<th>log loss</th><th>Brier</th><th>KS</th><th>ECE</th><th>lift@10%</th></tr>\n",
          fp);
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
            const ck_eval_result *r = &grp->results[k];
            fprintf(fp, "<tr%s><td>", r->is_baseline ? " class=\"base\"" : "");
            if (k == 0) {
                ck__chart_esc(fp, grp->name);
                fprintf(fp, "</td><td>%zu</td><td>%.1f%%</td>", grp->n_rows,
                        100.0 * (double)grp->n_positives / (double)grp->n_rows);
            } else {
                fputs("</td><td></td><td></td>", fp);
            }
            name_cell(fp, ev, r, k);
            metric_cells(fp, r);
            fputs("</tr>\n", fp);
        }
    }
    fputs("</table></div>\n", fp);
}

static void glossary(FILE *fp)
{
    fputs("<h2>Reading the numbers</h2><div class=\"card\"><dl>\n"
          "<dt>ROC AUC</dt><dd>The chance that a random churner scores above a random "
          "retained customer (0.5: random, 1: perfect).</dd>\n"
          "<dt>PR AUC</dt><dd>Average precision over all recall levels; compare it with the "
          "churn rate, its value for a random ranking.</dd>\n"
          "<dt>Top-decile lift</dt><dd>How many times more churners the riskiest 10% holds "
          "than a random 10%.</dd>\n"
          "<dt>KS</dt><dd>The largest gap between the score distributions of churners and "
          "retained customers (0 to 1).</dd>\n"
          "<dt>Log loss, Brier</dt><dd>Errors of the probabilities themselves; lower is "
          "better.</dd>\n"
          "<dt>ECE</dt><dd>Expected calibration error: the average gap between predicted "
          "and observed churn rates over ten probability bins, weighted by customers.</dd>\n"
          "<dt>Intervals</dt><dd>Bootstrap percentile intervals (customers resampled with "
          "replacement) when asked for; DeLong's interval for AUC differences.</dd>\n"
          "</dl></div>\n",
          fp);
}

int ck_eval_write_report(const ck_eval *ev, const ck_eval_report_info *info, FILE *fp,
                         ck_error *err)
{
    int rc = CK_OK;
    chart_data cd = { 0 };
    cd.ev = ev;
    cd.n_results = ck_eval_n_results(ev);
    size_t n = ck_eval_n_rows(ev);
    for (size_t k = 0; k < cd.n_results; k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        if ((rc = curves_of(cd.curves[k], ck_eval_scores(ev, k), ck_eval_labels(ev), n, err)) < 0)
            goto done;
        const char *tag = tag_of(ev, r, k);
        bool short_tag = ck_eval_n_models(ev) == 2 && !r->is_baseline;
        char who[80];
        snprintf(who, sizeof who, "%.60s", short_tag ? tag : r->is_baseline ? r->name : "model");
        snprintf(cd.legend_text[k][0], sizeof cd.legend_text[k][0], "%s (AUC %.3f)", who, r->auc);
        snprintf(cd.legend_text[k][1], sizeof cd.legend_text[k][1], "%s (AP %.3f)", who, r->pr_auc);
        snprintf(cd.legend_text[k][2], sizeof cd.legend_text[k][2], "%s", who);
    }

    const char *title = info && info->title ? info->title : "Churn model evaluation";
    double rate = n ? (double)ck_eval_n_positives(ev) / (double)n : NAN;
    ck__chart_page_open(fp, title, NULL);
    fputs("<header><h1>", fp);
    ck__chart_esc(fp, title);
    fputs("</h1><p>", fp);
    if (ck_eval_description(ev)[0]) {
        ck__chart_esc(fp, ck_eval_description(ev));
        fputs(" &middot; ", fp);
    }
    fprintf(fp, "%zu customers, %zu churned (%.1f%%)</p></header>\n", n, ck_eval_n_positives(ev),
            100 * rate);
    verdict(fp, ev);
    kpi_cards(fp, ev);

    fputs("<h2>How well it ranks</h2><div class=\"grid2\">\n", fp);
    roc_chart(fp, &cd);
    pr_chart(fp, &cd);
    fputs("</div>\n<h2>Who to contact</h2><div class=\"grid2\">\n", fp);
    gains_chart(fp, &cd);
    lift_chart(fp, &cd);
    fputs("</div>\n<h2>How honest the probabilities are</h2><div class=\"grid2\">\n", fp);
    calibration_chart(fp, &cd);
    reliability_table(fp, ev);
    fputs("</div>\n<h2>How the scores separate churners</h2><div class=\"grid2\">\n", fp);
    double hist_hi = 0;
    for (size_t k = 0; k < ck_eval_n_models(ev); k++) {
        double churn[HIST_BINS], stay[HIST_BINS], n_churn, n_stay;
        hist_hi = fmax(hist_hi, histograms(ev, k, churn, stay, &n_churn, &n_stay));
    }
    for (size_t k = 0; k < ck_eval_n_models(ev); k++) {
        bool alone = ck_eval_n_models(ev) == 1;
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        fprintf(fp, "<div class=\"card\"%s><h3>", alone ? " style=\"grid-column:1/-1\"" : "");
        if (!alone)
            fprintf(fp, "<span class=\"tag k%zu\">%s</span>", k, tag_of(ev, r, k));
        ck__chart_esc(fp, r->name);
        fputs("</h3><p class=\"note\">Predicted churn probability of the customers who churned "
              "(red) and who stayed (green), each as a share of its group: the less they "
              "overlap, the better. Dashed: the threshold of the confusion matrix.</p>\n",
              fp);
        distribution_chart(fp, &cd, k, alone ? 1110 : CK__CHART_W, hist_hi);
        fputs("</div>\n", fp);
    }
    fputs("</div>\n", fp);
    if (ck_eval_n_groups(ev) > 0) {
        fputs("<h2>Where the decisions are: by ", fp);
        ck__chart_esc(fp, ck_eval_group_kind(ev));
        fputs("</h2><div class=\"grid2\">\n", fp);
        group_chart(fp, &cd);
        group_auc_table(fp, ev);
        fputs("</div>\n", fp);
    }
    fputs("<h2>All the numbers</h2>\n", fp);
    metrics_table(fp, ev);
    if (ck_eval_n_groups(ev) > 0)
        group_table(fp, ev);
    comparison_table(fp, ev);
    confusion_table(fp, ev);
    deciles_table(fp, ev);

    for (size_t k = 0; info && k < ck_eval_n_models(ev); k++)
        if (info->models[k] != NULL && (rc = model_section(fp, ev, info->models[k], k, err)) < 0)
            goto done;
    glossary(fp);
    fprintf(fp, "<footer>churnkit %s &middot; churn-eval</footer>\n</main></body></html>\n",
            ck_version());
    if (ferror(fp))
        rc = ck_error_set(err, CK_EIO, NULL, 0, "cannot write the report");
done:
    for (size_t k = 0; k < CK_EVAL_MAX_MODELS + 1; k++)
        for (int c = 0; c < N_CURVES; c++)
            xy_free(&cd.curves[k][c]);
    return rc;
}
