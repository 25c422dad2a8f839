/*
 * Inline SVG chart primitives (see svg.h). Coordinates are written with one decimal,
 * enough for a screen and keeping the files small and byte-stable. Ticks follow
 * Heckbert's "nice numbers" (Graphics Gems, 1990): the range is rounded to a nice
 * number, the step to a nice fraction of it (1, 2 or 5 × 10^k).
 */
#include "io/svg.h"

#include <math.h>
#include <string.h>

#define ROW_HEIGHT   26.0
#define GROUP_HEIGHT 24.0
#define AXIS_HEIGHT  46.0
#define TOP_PAD      10.0
#define VALUE_WIDTH  200.0
#define CHAR_WIDTH   7.0 /* a rough width of one character of the 12px labels */

double ck__svg_map(const ck__svg_scale *s, double v)
{
    if (s->d1 == s->d0)
        return 0.5 * (s->p0 + s->p1);
    return s->p0 + (v - s->d0) / (s->d1 - s->d0) * (s->p1 - s->p0);
}

/* Heckbert's nicenum: a 1, 2, 5 or 10 × 10^k near x, rounded or taken at least x. */
static double nice_number(double x, bool round_it)
{
    double e = floor(log10(x)), f = x / pow(10.0, e), nf;
    if (round_it)
        nf = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
    else
        nf = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
    return nf * pow(10.0, e);
}

size_t ck__svg_ticks(double *lo, double *hi, size_t target, double *ticks, size_t max)
{
    if (!(isfinite(*lo) && isfinite(*hi)) || max == 0)
        return 0;
    if (*hi <= *lo) {
        /* a single value: a unit range around it */
        double pad = *lo != 0.0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= pad;
        *hi += pad;
    }
    if (target < 2)
        target = 2;
    double range = nice_number(*hi - *lo, false);
    double step = nice_number(range / (double)(target - 1), true);
    double first = floor(*lo / step) * step, last = ceil(*hi / step) * step;
    size_t n = 0;
    for (double t = first; t <= last + 0.5 * step && n < max; t += step) {
        /* snap accumulated rounding (0.30000000000000004) and -0 */
        double v = round(t / step) * step;
        ticks[n++] = v == 0.0 ? 0.0 : v;
    }
    *lo = first;
    *hi = ticks[n - 1];
    return n;
}

void ck__svg_css(FILE *fp)
{
    fputs("svg.chart{font:12px sans-serif;display:block;margin:4px 0 18px}\n"
          ".chart .axis{stroke:#444;stroke-width:1}\n"
          ".chart .grid{stroke:#ddd;stroke-width:1}\n"
          ".chart .ref{stroke:#888;stroke-width:1.2;stroke-dasharray:4 3}\n"
          ".chart .whisker{stroke:#555;stroke-width:2}\n"
          ".chart .whisker-hi{stroke:#1f5fa8;stroke-width:2.5}\n"
          ".chart .whisker-ref{stroke:#999;stroke-width:2}\n"
          ".chart .point{fill:#555}\n"
          ".chart .point-hi{fill:#1f5fa8}\n"
          ".chart .point-ref{fill:#999}\n"
          ".chart .bar{fill:#9fb7d4}\n"
          ".chart .bar-hi{fill:#5b8cc6}\n"
          ".chart .bar-ref{fill:#ccc}\n"
          ".chart .line{fill:none;stroke:#1f5fa8;stroke-width:2}\n"
          ".chart .tick{fill:#444}\n"
          ".chart .label{fill:#222;font-weight:bold}\n"
          ".chart .group{fill:#222;font-weight:bold}\n"
          ".chart .value{fill:#333;font-family:monospace}\n"
          ".chart .muted{fill:#999}\n",
          fp);
}

void ck__svg_escape(FILE *fp, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

void ck__svg_open(FILE *fp, double width, double height, const char *title)
{
    fprintf(fp,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            width, height, width, height);
    ck__svg_escape(fp, title);
    fputs("\"><title>", fp);
    ck__svg_escape(fp, title);
    fputs("</title>\n", fp);
}

void ck__svg_close(FILE *fp)
{
    fputs("</svg>\n", fp);
}

static void class_attr(FILE *fp, const char *cls)
{
    if (cls != NULL)
        fprintf(fp, " class=\"%s\"", cls);
}

void ck__svg_text(FILE *fp, double x, double y, const char *anchor, const char *cls,
                  const char *text)
{
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
    class_attr(fp, cls);
    fputc('>', fp);
    ck__svg_escape(fp, text);
    fputs("</text>\n", fp);
}

void ck__svg_line(FILE *fp, double x1, double y1, double x2, double y2, const char *cls)
{
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", x1, y1, x2, y2);
    class_attr(fp, cls);
    fputs("/>\n", fp);
}

void ck__svg_rect(FILE *fp, double x, double y, double w, double h, const char *cls)
{
    if (w < 0.0) {
        x += w;
        w = -w;
    }
    if (h < 0.0) {
        y += h;
        h = -h;
    }
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, y, w, h);
    class_attr(fp, cls);
    fputs("/>\n", fp);
}

void ck__svg_circle(FILE *fp, double cx, double cy, double r, const char *cls)
{
    fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"", cx, cy, r);
    class_attr(fp, cls);
    fputs("/>\n", fp);
}

void ck__svg_arrow(FILE *fp, double x, double y, int dir, const char *cls)
{
    double d = dir > 0 ? 7.0 : -7.0;
    fprintf(fp, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"", x, y - 4.0, x + d, y, x,
            y + 4.0);
    class_attr(fp, cls);
    fputs("/>\n", fp);
}

void ck__svg_polyline(FILE *fp, const double *xs, const double *ys, size_t n,
                      const ck__svg_scale *sx, const ck__svg_scale *sy, const char *cls)
{
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (isnan(xs[i]) || isnan(ys[i])) {
            if (open) {
                fputc('"', fp);
                class_attr(fp, cls);
                fputs("/>\n", fp);
            }
            open = false;
            continue;
        }
        fprintf(fp, "%s%.1f,%.1f", open ? " " : "<polyline points=\"", ck__svg_map(sx, xs[i]),
                ck__svg_map(sy, ys[i]));
        open = true;
    }
    if (open) {
        fputc('"', fp);
        class_attr(fp, cls);
        fputs("/>\n", fp);
    }
}

/* printf into a buffer with a caller-supplied format of one double. */
static void format_one(char *buf, size_t size, const char *fmt, double v)
{
    snprintf(buf, size, fmt, v);
}

void ck__svg_x_axis(FILE *fp, const ck__svg_scale *sx, double y, double grid_to,
                    const double *ticks, size_t n, const char *tick_fmt, double multiplier,
                    const char *label)
{
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        double x = ck__svg_map(sx, ticks[i]);
        ck__svg_line(fp, x, grid_to, x, y, "grid");
        ck__svg_line(fp, x, y, x, y + 5.0, "axis");
        format_one(buf, sizeof buf, tick_fmt, ticks[i] * multiplier + 0.0);
        ck__svg_text(fp, x, y + 18.0, "middle", "tick", buf);
    }
    double lo = sx->p0 < sx->p1 ? sx->p0 : sx->p1, hi = sx->p0 < sx->p1 ? sx->p1 : sx->p0;
    ck__svg_line(fp, lo, y, hi, y, "axis");
    if (label != NULL)
        ck__svg_text(fp, 0.5 * (lo + hi), y + 38.0, "middle", "label", label);
}

void ck__svg_y_axis(FILE *fp, const ck__svg_scale *sy, double x, double grid_to,
                    const double *ticks, size_t n, const char *tick_fmt, double multiplier,
                    const char *label)
{
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        double y = ck__svg_map(sy, ticks[i]);
        ck__svg_line(fp, x, y, grid_to, y, "grid");
        ck__svg_line(fp, x - 5.0, y, x, y, "axis");
        format_one(buf, sizeof buf, tick_fmt, ticks[i] * multiplier + 0.0);
        ck__svg_text(fp, x - 8.0, y + 4.0, "end", "tick", buf);
    }
    double lo = sy->p0 < sy->p1 ? sy->p0 : sy->p1, hi = sy->p0 < sy->p1 ? sy->p1 : sy->p0;
    ck__svg_line(fp, x, lo, x, hi, "axis");
    if (label != NULL) {
        double cy = 0.5 * (lo + hi), cx = x - 48.0;
        fprintf(fp,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
                "transform=\"rotate(-90 %.1f %.1f)\">",
                cx, cy, cx, cy);
        ck__svg_escape(fp, label);
        fputs("</text>\n", fp);
    }
}

/* The value column: "+1.23 [+0.50, +1.96]", infinite bounds as ∞. */
static void value_text(char *buf, size_t size, const ck__svg_interval *r,
                       const ck__svg_interval_opts *o)
{
    if (isnan(r->value)) {
        snprintf(buf, size, "n/a");
        return;
    }
    char v[48], lo[48], hi[48];
    format_one(v, sizeof v, o->value_fmt, r->value * o->multiplier);
    if (isnan(r->lo) || isnan(r->hi)) {
        snprintf(buf, size, "%s", v);
        return;
    }
    if (isinf(r->lo))
        snprintf(lo, sizeof lo, "%s", r->lo < 0 ? "\xe2\x88\x92\xe2\x88\x9e" : "\xe2\x88\x9e");
    else
        format_one(lo, sizeof lo, o->value_fmt, r->lo * o->multiplier);
    if (isinf(r->hi))
        snprintf(hi, sizeof hi, "%s", r->hi < 0 ? "\xe2\x88\x92\xe2\x88\x9e" : "\xe2\x88\x9e");
    else
        format_one(hi, sizeof hi, o->value_fmt, r->hi * o->multiplier);
    snprintf(buf, size, "%s [%s, %s]", v, lo, hi);
}

static bool group_starts(const ck__svg_interval *rows, size_t i)
{
    if (rows[i].group == NULL)
        return false;
    return i == 0 || rows[i - 1].group == NULL || strcmp(rows[i - 1].group, rows[i].group) != 0;
}

void ck__svg_interval_chart(FILE *fp, const ck__svg_interval *rows, size_t n,
                            const ck__svg_interval_opts *o)
{
    double width = o->width > 0.0 ? o->width : 720.0;
    size_t longest = 8, n_groups = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        size_t len = rows[i].label ? strlen(rows[i].label) : 0;
        longest = len > longest ? len : longest;
        n_groups += group_starts(rows, i);
        const double v[3] = { rows[i].value, rows[i].lo, rows[i].hi };
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k])) {
                lo = v[k] < lo ? v[k] : lo;
                hi = v[k] > hi ? v[k] : hi;
            }
    }
    if (!isnan(o->reference) || o->bars) {
        double r = isnan(o->reference) ? 0.0 : o->reference;
        lo = r < lo ? r : lo;
        hi = r > hi ? r : hi;
    }
    if (!isfinite(lo)) {
        lo = 0.0;
        hi = 1.0;
    }
    /* a little room at both ends, except below a bar chart's base when nothing is below it */
    double pad = 0.04 * (hi - lo);
    double bar_base = isnan(o->reference) ? 0.0 : o->reference;
    if (!(o->bars && lo >= bar_base))
        lo -= pad;
    hi += pad;
    double ticks[32];
    size_t n_ticks = ck__svg_ticks(&lo, &hi, 6, ticks, 32);

    double left = 16.0 + CHAR_WIDTH * (double)(longest > 36 ? 36 : longest);
    double right = width - VALUE_WIDTH;
    double plot_h = ROW_HEIGHT * (double)n + GROUP_HEIGHT * (double)n_groups;
    double height = TOP_PAD + plot_h + AXIS_HEIGHT;
    ck__svg_scale sx = { lo, hi, left, right - 10.0 };
    ck__svg_open(fp, width, height, o->title);
    double axis_y = TOP_PAD + plot_h;
    ck__svg_x_axis(fp, &sx, axis_y, TOP_PAD, ticks, n_ticks, o->tick_fmt, o->multiplier,
                   o->x_label);
    if (!isnan(o->reference))
        ck__svg_line(fp, ck__svg_map(&sx, o->reference), TOP_PAD, ck__svg_map(&sx, o->reference),
                     axis_y, "ref");
    double y = TOP_PAD;
    char buf[160];
    for (size_t i = 0; i < n; i++) {
        const ck__svg_interval *r = &rows[i];
        if (group_starts(rows, i)) {
            ck__svg_text(fp, 8.0, y + 17.0, "start", "group", r->group);
            y += GROUP_HEIGHT;
        }
        double cy = y + 0.5 * ROW_HEIGHT;
        const char *suffix = r->emphasis == 1 ? "-hi" : r->emphasis == 2 ? "-ref" : "";
        char whisker[16], point[16], bar[16];
        snprintf(whisker, sizeof whisker, "whisker%s", suffix);
        snprintf(point, sizeof point, "point%s", suffix);
        snprintf(bar, sizeof bar, "bar%s", suffix);
        ck__svg_text(fp, left - 8.0, cy + 4.0, "end", r->emphasis == 2 ? "muted" : NULL,
                     r->label ? r->label : "");
        if (!isnan(r->value)) {
            double x = ck__svg_map(&sx, r->value);
            if (o->bars) {
                double base = ck__svg_map(&sx, isnan(o->reference) ? 0.0 : o->reference);
                ck__svg_rect(fp, base, cy - 8.0, x - base, 16.0, bar);
            }
            if (!isnan(r->lo) && !isnan(r->hi)) {
                double x0 = isinf(r->lo) ? sx.p0 : ck__svg_map(&sx, r->lo);
                double x1 = isinf(r->hi) ? sx.p1 : ck__svg_map(&sx, r->hi);
                ck__svg_line(fp, x0, cy, x1, cy, whisker);
                if (isinf(r->lo))
                    ck__svg_arrow(fp, x0, cy, -1, point);
                else
                    ck__svg_line(fp, x0, cy - 5.0, x0, cy + 5.0, whisker);
                if (isinf(r->hi))
                    ck__svg_arrow(fp, x1, cy, 1, point);
                else
                    ck__svg_line(fp, x1, cy - 5.0, x1, cy + 5.0, whisker);
            }
            if (!o->bars)
                ck__svg_circle(fp, x, cy, 4.5, point);
        }
        value_text(buf, sizeof buf, r, o);
        ck__svg_text(fp, right + 4.0, cy + 4.0, "start", "value", buf);
        y += ROW_HEIGHT;
    }
    ck__svg_close(fp);
}
