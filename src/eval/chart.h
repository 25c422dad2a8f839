/*
 * What the eval room's HTML reports share (churn-eval's churn report, eval_report.c, and
 * its customer-value and uplift reports, value_report.c and uplift_report.c), so that they
 * look alike: the page's head and style sheet, the chart card, a chart's plot frame (size,
 * margins, axes, the maps from data to pixels), the legend box, and number and text
 * formatting for people. Drawing primitives come from io/svg.h below it.
 */
#ifndef CK_EVAL_CHART_H
#define CK_EVAL_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "io/svg.h"

/* One chart: its size and the plot area inside it, in pixels. */
#define CK__CHART_W      540.0
#define CK__CHART_H      380.0
#define CK__CHART_PLOT_L 66.0
#define CK__CHART_PLOT_R 16.0
#define CK__CHART_PLOT_T 14.0
#define CK__CHART_PLOT_B 58.0

/* "<!DOCTYPE html>…<title>" `title` "</title><style>" the reports' rules, svg.c's, the
 * series classes (s0, s1, sb: model A, model B, baseline as lines; f0, f1, fb filled; p0,
 * p1 points; chance, perfect, thr, ref, …), then `extra_css` (NULL for none)
 * "</style></head><body><main>\n". */
void ck__chart_page_open(FILE *fp, const char *title, const char *extra_css);

/* Text escaped for HTML (ck__svg_escape). */
void ck__chart_esc(FILE *fp, const char *s);

/* A number for people into buf: fixed decimals, "–" (en dash) when NaN. Returns buf. */
const char *ck__chart_fmt(char *buf, size_t size, double v, int decimals);

/* A card holding a chart: its heading (escaped) and a note (our own HTML, written as is). */
void ck__chart_card_open(FILE *fp, const char *title, const char *note);
void ck__chart_card_close(FILE *fp);

/* A chart's plot area and its data-to-pixel maps. */
typedef struct ck__chart_frame {
    double left, right, top, bottom; /* the plot area in pixels */
    ck__svg_scale sx, sy;
} ck__chart_frame;

/* Open a chart (<svg>) with axes over [x0, x1] × [y0, y1], widened to nice ticks; tick
 * labels are x_fmt / y_fmt of the tick times x_mul / y_mul. */
void ck__chart_frame_open(FILE *fp, ck__chart_frame *f, double width, double height,
                          const char *title, double x0, double x1, double y0, double y1,
                          const char *x_fmt, double x_mul, const char *x_label, const char *y_fmt,
                          double y_mul, const char *y_label);

/* A frame whose x axis is categories 1..n (deciles, levels): ticks at the whole numbers,
 * labelled by `x_fmt` when given (none when NULL: the caller writes its own labels). */
void ck__chart_frame_open_categories(FILE *fp, ck__chart_frame *f, double width, double height,
                                     double bottom_margin, const char *title, size_t n,
                                     const char *x_fmt, const char *x_label, double y0, double y1,
                                     const char *y_fmt, const char *y_label);

/* Data to pixels. */
double ck__chart_fx(const ck__chart_frame *f, double v);
double ck__chart_fy(const ck__chart_frame *f, double v);

/* A legend box: a line sample (or a filled square when `square`) and a label per entry.
 * (x, y) is the top-left corner; `right` aligns the box's right edge at x instead. */
void ck__chart_legend(FILE *fp, double x, double y, bool right, const char *const *classes,
                      const char *const *labels, size_t n, bool square);

/* The size in pixels of ck__chart_legend()'s box for these labels (to place it). */
void ck__chart_legend_size(const char *const *labels, size_t n, double *w, double *h);

#endif
