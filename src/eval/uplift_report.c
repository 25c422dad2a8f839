/*
 * The uplift evaluation report (see uplift_eval.h): one self-contained HTML file for the
 * treatment arms of one model, inline SVG and CSS, no script and nothing fetched, in the
 * look of churn-eval's churn report (the style, cards, frames and legends of chart.c).
 *
 * Layout, top to bottom: the title and the model; per arm, in the caller's order, a section
 * with a card of headline numbers, four cells — the Qini curve, the uplift curve, the
 * uplift by decile and the uplift among the top fractions — and the by-decile table; then
 * a glossary.
 *
 * The charts follow the literature they come from: the Qini curve Q(k) against the
 * fraction targeted with the random line from (0, 0) to (1, Q(n)) and the perfect
 * ordering's curve (Radcliffe 2007, "Using control groups to target on predicted lift",
 * DMA Analytics Journal; scikit-uplift's plot_qini_curve), the uplift curve U(k) with its
 * random line (Rzepakowski & Jaroszewicz 2012, KAIS 32(2); scikit-uplift's
 * plot_uplift_curve). The curves' formulas and the perfect ordering are uplift_eval.c's
 * (docs/EVAL.md, "Uplift"); the perfect curve is drawn from the four counts of the whole
 * data set, in that same order, so the area under the drawn curve is perfect_qini_area's.
 *
 * Curves are drawn at the prefixes k = ⌊j·n/M⌋, j = 0..M, M = min(n, 500) (every k for
 * n ≤ 500): points at least 1/500 of the axis apart, invisible at this size. The perfect
 * curve adds its corners (where one group of its order ends) so that they stay sharp.
 * Uplifts and rates are shown in percent (percentage points for differences).
 */
#include "churnkit/uplift_eval.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/version.h"
#include "eval/chart.h"
#include "io/svg.h"

#define CURVE_POINTS 500 /* at most this many segments per drawn curve */

static const char *const AT_LABEL[CK_UPLIFT_EVAL_N_AT] = { "top 10%", "top 20%", "top 30%",
                                                           "top 50%" };

/* ---- numbers for people ------------------------------------------------------------- */

/* Fixed decimals, "n/a" when undefined. */
static const char *fmt_num(char *buf, size_t size, double v, int decimals)
{
    if (isnan(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    return ck__chart_fmt(buf, size, v, decimals);
}

/* A rate in percent, one decimal: "12.5%"; "n/a" when undefined. */
static const char *fmt_rate(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%.1f%%", 100.0 * v);
    return buf;
}

/* A difference of rates in percentage points, signed, two decimals: "+2.31". */
static const char *fmt_pts(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%+.2f", 100.0 * v);
    return buf;
}

/* An interval "lo to hi" of differences in points; "n/a" when undefined. */
static const char *fmt_pts_interval(char *buf, size_t size, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%+.2f to %+.2f", 100.0 * lo, 100.0 * hi);
    return buf;
}

/* ---- the curves' points ------------------------------------------------------------- */

/* The j-th of the m + 1 drawn prefixes of n rows: ⌊j·n/m⌋, exact and overflow-free. */
static size_t drawn_k(size_t j, size_t n, size_t m)
{
    return j * (n / m) + j * (n % m) / m;
}

/* Q(k) of the perfect ordering after its first k rows: treated responders,
 * control non-responders, treated non-responders, control responders (uplift_eval.c's
 * perfect_walk), from the counts of the whole data set. */
static double perfect_qini_at(const ck_uplift_group *a, size_t k)
{
    size_t tp = a->treated_positives, tn = a->treated - tp;
    size_t cp = a->control_positives, cn = a->control - cp;
    size_t take_tp = k < tp ? k : tp, rest = k - take_tp;
    size_t take_cn = rest < cn ? rest : cn;
    rest -= take_cn;
    size_t take_tn = rest < tn ? rest : tn;
    rest -= take_tn;
    size_t take_cp = rest < cp ? rest : cp;
    double nt = (double)(take_tp + take_tn), nc = (double)(take_cn + take_cp);
    double yt = (double)take_tp, yc = (double)take_cp;
    return nc > 0 ? yt - yc * nt / nc : yt;
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The drawn points of one arm: the model's Q and U and the perfect Q over x = k/n. */
typedef struct points {
    size_t n_model, n_perfect;
    double *x, *q, *u; /* n_model */
    double *px, *pq;   /* n_perfect */
    double lo_q, hi_q; /* the range of every Qini value drawn */
    double lo_u, hi_u; /* of every uplift-curve value drawn */
} points;

static void points_free(points *p)
{
    free(p->pq);
    free(p->px);
    free(p->u);
    free(p->q);
    free(p->x);
}

static int points_of(points *p, const ck_uplift_eval *ue, ck_error *err)
{
    memset(p, 0, sizeof *p);
    size_t n = ue->n_curve - 1, m = n < CURVE_POINTS ? n : CURVE_POINTS;
    size_t *ks = NULL;
    p->n_model = m + 1;
    p->x = ck__alloc_array(m + 1, sizeof *p->x);
    p->q = ck__alloc_array(m + 1, sizeof *p->q);
    p->u = ck__alloc_array(m + 1, sizeof *p->u);
    p->px = ck__alloc_array(m + 4, sizeof *p->px);
    p->pq = ck__alloc_array(m + 4, sizeof *p->pq);
    ks = ck__alloc_array(m + 4, sizeof *ks);
    if (p->x == NULL || p->q == NULL || p->u == NULL || p->px == NULL || p->pq == NULL ||
        ks == NULL) {
        free(ks);
        points_free(p);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory drawing %zu rows", n);
    }
    /* the random lines end at Q(n), U(n) and start at 0: both are in the ranges */
    p->lo_q = p->hi_q = p->lo_u = p->hi_u = 0.0;
    for (size_t j = 0; j <= m; j++) {
        const ck_uplift_curve_point *c = &ue->curve[drawn_k(j, n, m)];
        p->x[j] = (double)c->rows / (double)n;
        p->q[j] = c->qini;
        p->u[j] = c->uplift;
        p->lo_q = fmin(p->lo_q, c->qini);
        p->hi_q = fmax(p->hi_q, c->qini);
        p->lo_u = fmin(p->lo_u, c->uplift);
        p->hi_u = fmax(p->hi_u, c->uplift);
        ks[j] = c->rows;
    }
    /* the perfect curve's corners, then the drawn prefixes in order, once each */
    const ck_uplift_group *a = &ue->all;
    ks[m + 1] = a->treated_positives;
    ks[m + 2] = ks[m + 1] + (a->control - a->control_positives);
    ks[m + 3] = ks[m + 2] + (a->treated - a->treated_positives);
    qsort(ks, m + 4, sizeof *ks, compare_size);
    for (size_t j = 0; j < m + 4; j++) {
        if (j > 0 && ks[j] == ks[j - 1])
            continue;
        double q = perfect_qini_at(a, ks[j]);
        p->px[p->n_perfect] = (double)ks[j] / (double)n;
        p->pq[p->n_perfect++] = q;
        p->lo_q = fmin(p->lo_q, q);
        p->hi_q = fmax(p->hi_q, q);
    }
    free(ks);
    return CK_OK;
}

/* ---- the charts --------------------------------------------------------------------- */

/* A y range with room above and below, never empty. A dip below 0 of at most 1% of the
 * span (a curve's first rows, often) does not move the axis: it draws at most 3 px under
 * it, where the ticks would otherwise widen the range by a whole step. */
static void pad_range(double *lo, double *hi)
{
    double span = *hi - *lo;
    if (!(span > 0.0))
        span = 1.0;
    *hi += 0.05 * span;
    if (*lo >= -0.01 * span)
        *lo = 0.0;
    else
        *lo -= 0.05 * span;
}

/* One drawn series, in data units, for placing a legend. */
typedef struct series {
    const double *x, *y;
    size_t n;
} series;

/* How many points of the series fall in the box [x0, x0 + w] × [y0, y0 + h] (pixels); each
 * segment is sampled at 16 points, so a long straight one counts too. */
static size_t covered(const ck__chart_frame *f, const series *s, size_t n_series, double x0,
                      double y0, double w, double h)
{
    size_t hits = 0;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i + 1 < s[k].n; i++)
            for (int t = 0; t < 16; t++) {
                double a = t / 16.0;
                double px = ck__chart_fx(f, s[k].x[i] + a * (s[k].x[i + 1] - s[k].x[i]));
                double py = ck__chart_fy(f, s[k].y[i] + a * (s[k].y[i + 1] - s[k].y[i]));
                hits += px >= x0 && px <= x0 + w && py >= y0 && py <= y0 + h;
            }
    return hits;
}

/* A legend in the corner of the plot (8 px in) where it hides the fewest points of the
 * series: tried bottom-right, top-right, top-left, bottom-left; the first of the fewest. */
static void placed_legend(FILE *fp, const ck__chart_frame *f, const series *s, size_t n_series,
                          const char *const *classes, const char *const *labels, size_t n)
{
    double w, h;
    ck__chart_legend_size(labels, n, &w, &h);
    const double xs[4] = { f->right - 8 - w, f->right - 8 - w, f->left + 8, f->left + 8 };
    const double ys[4] = { f->bottom - 8 - h, f->top + 8, f->top + 8, f->bottom - 8 - h };
    size_t best = 0, fewest = SIZE_MAX;
    for (size_t c = 0; c < 4; c++) {
        size_t hits = covered(f, s, n_series, xs[c], ys[c], w, h);
        if (hits < fewest) {
            fewest = hits;
            best = c;
        }
    }
    ck__chart_legend(fp, xs[best], ys[best], false, classes, labels, n, false);
}

static void qini_chart(FILE *fp, const ck_uplift_eval *ue, const points *p)
{
    ck__chart_card_open(fp, "Qini curve",
                        "Extra responders gained by treating the customers with the highest "
                        "predicted uplift first, against the share treated. A good model&rsquo;s "
                        "curve rises above the random line (grey) early; green: a perfect "
                        "ordering.");
    double lo = p->lo_q, hi = p->hi_q;
    pad_range(&lo, &hi);
    char title[96];
    snprintf(title, sizeof title, "Qini curve, %s", ue->arm);
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, title, 0, 1, lo, hi, "%.0f%%", 100,
                         "customers treated, highest predicted uplift first", "%g", 1,
                         "extra responders (Qini)");
    double qn = ue->curve[ue->n_curve - 1].qini;
    if (lo < 0.0)
        ck__svg_line(fp, f.left, ck__chart_fy(&f, 0), f.right, ck__chart_fy(&f, 0), "zero");
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, 0), ck__chart_fx(&f, 1),
                 ck__chart_fy(&f, qn), "chance");
    ck__svg_polyline(fp, p->px, p->pq, p->n_perfect, &f.sx, &f.sy, "perfect");
    ck__svg_polyline(fp, p->x, p->q, p->n_model, &f.sx, &f.sy, "s0");
    const double rx[2] = { 0, 1 }, ry[2] = { 0, qn };
    const series drawn[3] = { { p->x, p->q, p->n_model },
                              { p->px, p->pq, p->n_perfect },
                              { rx, ry, 2 } };
    const char *cls[3] = { "s0", "chance", "perfect" };
    const char *labels[3] = { "model", "random", "perfect ordering" };
    placed_legend(fp, &f, drawn, 3, cls, labels, 3);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

static void uplift_curve_chart(FILE *fp, const ck_uplift_eval *ue, const points *p)
{
    ck__chart_card_open(fp, "Uplift curve",
                        "The treated response rate minus the control rate among the first "
                        "customers, times their number. A good model&rsquo;s curve rises above "
                        "the random line (grey) early; no perfect curve here, its scale would "
                        "flatten the model&rsquo;s.");
    double lo = p->lo_u, hi = p->hi_u;
    pad_range(&lo, &hi);
    char title[96];
    snprintf(title, sizeof title, "Uplift curve, %s", ue->arm);
    ck__chart_frame f;
    ck__chart_frame_open(fp, &f, CK__CHART_W, CK__CHART_H, title, 0, 1, lo, hi, "%.0f%%", 100,
                         "customers treated, highest predicted uplift first", "%g", 1,
                         "extra responders (uplift curve)");
    double un = ue->curve[ue->n_curve - 1].uplift;
    if (lo < 0.0)
        ck__svg_line(fp, f.left, ck__chart_fy(&f, 0), f.right, ck__chart_fy(&f, 0), "zero");
    ck__svg_line(fp, ck__chart_fx(&f, 0), ck__chart_fy(&f, 0), ck__chart_fx(&f, 1),
                 ck__chart_fy(&f, un), "chance");
    ck__svg_polyline(fp, p->x, p->u, p->n_model, &f.sx, &f.sy, "s0");
    const double rx[2] = { 0, 1 }, ry[2] = { 0, un };
    const series drawn[2] = { { p->x, p->u, p->n_model }, { rx, ry, 2 } };
    const char *cls[2] = { "s0", "chance" };
    const char *labels[2] = { "model", "random" };
    placed_legend(fp, &f, drawn, 2, cls, labels, 2);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* The uplift of each decile as a bar from zero, in points, with the overall uplift as a
 * dashed line; a decile without treated or control rows gets "n/a" instead of a bar. */
static void decile_chart(FILE *fp, const ck_uplift_eval *ue)
{
    ck__chart_card_open(fp, "Uplift by decile",
                        "Treated rate minus control rate in each tenth of customers, highest "
                        "predicted uplift first; dashed: the overall uplift. A good model&rsquo;s "
                        "bars fall from left to right, the first ones above the line.");
    double overall = 100.0 * ue->all.uplift, lo = 0.0, hi = 0.0;
    if (!isnan(overall)) {
        lo = fmin(lo, overall);
        hi = fmax(hi, overall);
    }
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        double v = 100.0 * ue->deciles[g].uplift;
        if (isnan(v))
            continue;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    pad_range(&lo, &hi);
    char title[96];
    snprintf(title, sizeof title, "Uplift by decile, %s", ue->arm);
    ck__chart_frame f;
    ck__chart_frame_open_categories(fp, &f, CK__CHART_W, CK__CHART_H, CK__CHART_PLOT_B, title,
                                    CK_UPLIFT_EVAL_DECILES, "%.0f",
                                    "decile of predicted uplift (1 = highest tenth)", lo, hi, "%g",
                                    "uplift (percentage points)");
    double y0 = ck__chart_fy(&f, 0);
    double bar = (ck__chart_fx(&f, 1.5) - ck__chart_fx(&f, 0.5)) * 0.7;
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        double x = ck__chart_fx(&f, (double)g + 1.0), v = 100.0 * ue->deciles[g].uplift;
        if (isnan(v)) {
            ck__svg_text(fp, x, y0 - 6.0, "middle", "small", "n/a");
            continue;
        }
        ck__svg_rect(fp, x - 0.5 * bar, ck__chart_fy(&f, v), bar, y0 - ck__chart_fy(&f, v), "f0");
    }
    ck__svg_line(fp, f.left, y0, f.right, y0, "zero");
    if (!isnan(overall)) {
        double yr = ck__chart_fy(&f, overall);
        char label[48];
        snprintf(label, sizeof label, "dashed: overall uplift %+.2f", overall);
        ck__svg_line(fp, f.left, yr, f.right, yr, "ref");
        /* above the plot, where no bar can hide it */
        ck__svg_text(fp, f.right, f.top - 3, "end", "small", label);
    }
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* ---- the numbers -------------------------------------------------------------------- */

static void kpi(FILE *fp, const char *value, const char *what, const char *ci)
{
    fprintf(fp, "<div class=\"num\"><div class=\"v\">%s</div><div class=\"l\">%s</div>", value,
            what);
    if (ci != NULL)
        fprintf(fp, "<div class=\"ci\">%s</div>", ci);
    fputs("</div>", fp);
}

static void kpi_card(FILE *fp, const ck_uplift_eval *ue)
{
    const ck_uplift_group *a = &ue->all;
    char v[80], ci[128], b1[32], b2[32];
    fputs("<div class=\"cards\"><div class=\"card kpi k0\"><div class=\"who\">"
          "<span class=\"tag k0\">arm</span>",
          fp);
    ck__chart_esc(fp, ue->arm);
    fputs(" against control</div><div class=\"nums\">", fp);
    snprintf(v, sizeof v, "%zu", a->treated);
    kpi(fp, v, "treated rows", NULL);
    snprintf(v, sizeof v, "%zu", a->control);
    kpi(fp, v, "control rows", NULL);
    snprintf(v, sizeof v, "%s / %s", fmt_rate(b1, sizeof b1, a->treated_rate),
             fmt_rate(b2, sizeof b2, a->control_rate));
    kpi(fp, v, "response rate, treated / control", NULL);
    snprintf(ci, sizeof ci, "95%% CI %s (Newcombe)",
             fmt_pts_interval(b1, sizeof b1, a->low, a->high));
    kpi(fp, fmt_pts(v, sizeof v, a->uplift), "overall uplift (points)", ci);
    if (ue->bootstrap > 0) {
        if (isnan(ue->qini_low))
            snprintf(ci, sizeof ci, "bootstrap 95%%: n/a (%zu resamples)", ue->bootstrap);
        else
            snprintf(ci, sizeof ci, "bootstrap 95%%: %.4f to %.4f (%zu of %zu resamples)",
                     ue->qini_low, ue->qini_high, ue->bootstrap_valid, ue->bootstrap);
    } else {
        snprintf(ci, sizeof ci, "no bootstrap interval");
    }
    kpi(fp, fmt_num(v, sizeof v, ue->qini, 4), "Qini coefficient", ci);
    kpi(fp, fmt_num(v, sizeof v, ue->uplift_coefficient, 4), "uplift coefficient", NULL);
    fputs("</div></div></div>\n", fp);
}

/* The uplift among the top fractions, compact enough for half the page: the counts, the
 * uplift and its interval (the rates are in the JSON and the text). */
static void at_table(FILE *fp, const ck_uplift_eval *ue)
{
    fputs("<div class=\"card scroll\"><h3>Uplift among the top</h3><p class=\"note\">The "
          "treated rate minus the control rate among the customers with the highest predicted "
          "uplift, in points, with Newcombe&rsquo;s 95% interval. A good model&rsquo;s top "
          "fractions beat the overall uplift. n/a: no treated or no control row.</p>"
          "<table><tr><th>customers</th><th>treated</th><th>control</th><th>uplift</th>"
          "<th>95% CI</th></tr>\n",
          fp);
    char b[64];
    for (size_t j = 0; j <= CK_UPLIFT_EVAL_N_AT; j++) {
        const ck_uplift_group *g = j < CK_UPLIFT_EVAL_N_AT ? &ue->at[j].g : &ue->all;
        fprintf(fp, "<tr%s><td>%s</td><td>%zu</td><td>%zu</td>",
                j < CK_UPLIFT_EVAL_N_AT ? "" : " class=\"base\"",
                j < CK_UPLIFT_EVAL_N_AT ? AT_LABEL[j] : "all", g->treated, g->control);
        fprintf(fp, "<td>%s</td>", fmt_pts(b, sizeof b, g->uplift));
        fprintf(fp, "<td>%s</td></tr>\n", fmt_pts_interval(b, sizeof b, g->low, g->high));
    }
    fputs("</table></div>\n", fp);
}

static void decile_table(FILE *fp, const ck_uplift_eval *ue)
{
    char b1[32], b2[32], b3[32], b4[32];
    fputs("<div class=\"card scroll\"><h3>Uplift by decile</h3><p class=\"note\">The numbers "
          "of the bars, and the curves&rsquo; areas. n/a: the decile holds no treated or no "
          "control row.</p><table><tr><th>decile</th><th>rows</th><th>treated</th>"
          "<th>control</th><th>treated rate</th><th>control rate</th><th>uplift</th></tr>\n",
          fp);
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        const ck_uplift_group *d = &ue->deciles[g];
        fprintf(fp, "<tr><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>", g + 1, d->rows,
                d->treated, d->control);
        fprintf(fp, "<td>%s</td>", fmt_rate(b1, sizeof b1, d->treated_rate));
        fprintf(fp, "<td>%s</td>", fmt_rate(b1, sizeof b1, d->control_rate));
        fprintf(fp, "<td>%s</td></tr>\n", fmt_pts(b1, sizeof b1, d->uplift));
    }
    fputs("</table>\n", fp);
    fprintf(fp,
            "<p class=\"note\">Qini area %s (perfect %s); area under the uplift curve %s "
            "(perfect %s); both above the random line, in responders.</p></div>\n",
            fmt_num(b1, sizeof b1, ue->qini_area, 4),
            fmt_num(b2, sizeof b2, ue->perfect_qini_area, 4), fmt_num(b3, sizeof b3, ue->auuc, 4),
            fmt_num(b4, sizeof b4, ue->perfect_auuc, 4));
}

static int arm_section(FILE *fp, const ck_uplift_eval *ue, ck_error *err)
{
    points p;
    int rc = points_of(&p, ue, err);
    if (rc < 0)
        return rc;
    fputs("<h2>Arm ", fp);
    ck__chart_esc(fp, ue->arm);
    fprintf(fp,
            " against control</h2>\n<p class=\"note\">%zu rows: %zu treated, %zu control.</p>\n",
            ue->all.rows, ue->all.treated, ue->all.control);
    kpi_card(fp, ue);
    fputs("<div class=\"grid2\" style=\"margin-top:16px\">\n", fp);
    qini_chart(fp, ue, &p);
    uplift_curve_chart(fp, ue, &p);
    decile_chart(fp, ue);
    at_table(fp, ue);
    fputs("</div>\n", fp);
    decile_table(fp, ue);
    points_free(&p);
    return CK_OK;
}

static void glossary(FILE *fp)
{
    fputs("<h2>Reading the numbers</h2><div class=\"card\"><dl>\n"
          "<dt>Uplift</dt><dd>The treated response rate minus the control rate: the effect of "
          "the treatment on a group, in percentage points.</dd>\n"
          "<dt>Qini curve</dt><dd>Q(k) = treated responders &minus; control responders "
          "&times; treated/control among the first k customers: the extra responders the "
          "treatment brought among them. Random targeting gives the straight line to the "
          "last point.</dd>\n"
          "<dt>Qini coefficient</dt><dd>The area between the model&rsquo;s Qini curve and the "
          "random line, over the same area for a perfect ordering: 1 is perfect, about 0 is "
          "random, below 0 is worse than random.</dd>\n"
          "<dt>Uplift coefficient</dt><dd>The same for the uplift curve (U(k) = the difference "
          "of the two rates among the first k customers, times k). Its perfect ordering is "
          "not always the best, so a model can score a little above 1.</dd>\n"
          "<dt>Intervals</dt><dd>Uplifts: Newcombe&rsquo;s hybrid score 95% interval. Qini "
          "coefficient: the 2.5% and 97.5% percentiles of bootstrap resamples.</dd>\n"
          "</dl></div>\n",
          fp);
}

int ck_uplift_eval_write_report(const ck_uplift_eval *const *arms, size_t n_arms,
                                const ck_uplift_report_info *info, FILE *out, ck_error *err)
{
    assert(out != NULL && (arms != NULL || n_arms == 0));
    const char *title = info && info->title ? info->title : "Uplift evaluation";
    ck__chart_page_open(out, title, NULL);
    fputs("<header><h1>", out);
    ck__chart_esc(out, title);
    fputs("</h1><p>", out);
    if (info && info->model_name && info->model_name[0]) {
        fputs("Model ", out);
        ck__chart_esc(out, info->model_name);
        fputs(" &middot; ", out);
    }
    fprintf(out, "%zu treatment arm%s against control</p></header>\n", n_arms,
            n_arms == 1 ? "" : "s, each");
    if (n_arms == 0)
        fputs("<p>No treatment arm was evaluated.</p>\n", out);
    for (size_t i = 0; i < n_arms; i++) {
        int rc = arm_section(out, arms[i], err);
        if (rc < 0)
            return rc;
    }
    glossary(out);
    fprintf(out, "<footer>churnkit %s &middot; churn-eval</footer>\n</main></body></html>\n",
            ck_version());
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the uplift report");
    return CK_OK;
}
