/*
 * Inline SVG chart primitives for the HTML reports (churn-ab's, churn-eval's): linear
 * scales, nice ticks, axes with labels and grid lines, text escaping, lines, rectangles,
 * points, polylines, and a horizontal interval chart (a forest plot, or bars with error
 * bars). Everything is written to a stdio stream; the caller checks ferror() once at the
 * end. Elements carry CSS classes styled by ck__svg_css(), so a report puts that once in
 * its <style> and every chart follows it. No script, no external resource.
 */
#ifndef CK_SVG_H
#define CK_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A linear map from data [d0, d1] to pixels [p0, p1] (p1 < p0 for a y axis). */
typedef struct ck__svg_scale {
    double d0, d1, p0, p1;
} ck__svg_scale;

double ck__svg_map(const ck__svg_scale *s, double v);

/*
 * Nice tick values (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990): a step
 * of 1, 2 or 5 × 10^k giving about `target` ticks over [*lo, *hi], which are widened to
 * the outermost ticks. Writes at most `max` ticks and returns their number.
 */
size_t ck__svg_ticks(double *lo, double *hi, size_t target, double *ticks, size_t max);

/* The CSS rules for the classes used below (no <style> tags). */
void ck__svg_css(FILE *fp);

/* Text escaped for XML and HTML content and attribute values (& < > " '). */
void ck__svg_escape(FILE *fp, const char *s);

/* <svg> with a viewBox of width × height, role="img" and a <title> for screen readers. */
void ck__svg_open(FILE *fp, double width, double height, const char *title);
void ck__svg_close(FILE *fp);

/* Text at (x, y); anchor is "start", "middle" or "end"; cls may be NULL. */
void ck__svg_text(FILE *fp, double x, double y, const char *anchor, const char *cls,
                  const char *text);
void ck__svg_line(FILE *fp, double x1, double y1, double x2, double y2, const char *cls);
void ck__svg_rect(FILE *fp, double x, double y, double w, double h, const char *cls);
void ck__svg_circle(FILE *fp, double cx, double cy, double r, const char *cls);
/* A small triangle at (x, y) pointing right (dir > 0) or left: an interval open that way. */
void ck__svg_arrow(FILE *fp, double x, double y, int dir, const char *cls);
/* Data points joined by straight lines (NaN points are skipped, breaking the line). */
void ck__svg_polyline(FILE *fp, const double *xs, const double *ys, size_t n,
                      const ck__svg_scale *sx, const ck__svg_scale *sy, const char *cls);

/*
 * Axes with tick marks, tick labels (printf `tick_fmt`, one double conversion, applied to
 * tick × multiplier), grid lines across the plot and a centred axis label. The x axis sits
 * at pixel row `y` with grid lines up to `grid_to`; the y axis at pixel column `x` with
 * grid lines to `grid_to`, its label rotated.
 */
void ck__svg_x_axis(FILE *fp, const ck__svg_scale *sx, double y, double grid_to,
                    const double *ticks, size_t n, const char *tick_fmt, double multiplier,
                    const char *label);
void ck__svg_y_axis(FILE *fp, const ck__svg_scale *sy, double x, double grid_to,
                    const double *ticks, size_t n, const char *tick_fmt, double multiplier,
                    const char *label);

/* One row of an interval chart. */
typedef struct ck__svg_interval {
    const char *label;    /* left of the plot */
    double value, lo, hi; /* NaN value: "n/a"; an infinite bound runs to the edge */
    int emphasis;         /* 0 plain, 1 highlighted (e.g. significant), 2 reference row */
    const char *group;    /* when it changes from the row before, a heading row; or NULL */
} ck__svg_interval;

typedef struct ck__svg_interval_opts {
    const char *title;     /* the chart's accessible title */
    const char *x_label;   /* the axis label */
    double multiplier;     /* values are shown times this (100 for percent) */
    const char *tick_fmt;  /* printf format of tick labels, one double ("%g%%") */
    const char *value_fmt; /* printf format of the value column, one double ("%+.2f") */
    bool bars;             /* a bar from the reference to the value, not a point */
    double reference;      /* a vertical reference line (0 for lifts), NaN for none */
    double width;          /* total width in pixels (720) */
} ck__svg_interval_opts;

/* A horizontal interval chart: a row per item, its interval as a whisker, the values as
 * text at the right, the x axis at the bottom. */
void ck__svg_interval_chart(FILE *fp, const ck__svg_interval *rows, size_t n,
                            const ck__svg_interval_opts *o);

#endif
