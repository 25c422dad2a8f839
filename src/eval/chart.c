/*
 * The eval room's report furniture (see chart.h), shared by churn-eval's churn report
 * (eval_report.c) and its customer-value report (value_report.c): the style sheet, the
 * page head, cards, plot frames and legends. Moved here from eval_report.c unchanged, so
 * the churn report's bytes did not change.
 */
#include "eval/chart.h"

#include <math.h>
#include <string.h>

static const char report_css[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:#f3f4f6;color:#1f2937;font:14px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "main{max-width:1180px;margin:0 auto;padding:28px 24px 48px}\n"
    "header h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}\n"
    "header p{margin:0;color:#4b5563}\n"
    "h2{font-size:18px;margin:34px 0 12px;padding-bottom:6px;border-bottom:1px solid #e5e7eb}\n"
    "h3{font-size:15px;margin:0 0 2px}\n"
    ".note{color:#6b7280;font-size:12.5px;margin:0 0 6px}\n"
    ".verdict{margin:20px 0 8px;padding:14px 18px;border-radius:10px;font-size:15.5px;"
    "border-left:6px solid}\n"
    ".verdict.good{background:#ecfdf5;border-color:#059669}\n"
    ".verdict.bad{background:#fef2f2;border-color:#dc2626}\n"
    ".verdict.neutral{background:#fffbeb;border-color:#d97706}\n"
    ".verdict b{font-weight:650}\n"
    ".cards{display:flex;gap:16px;flex-wrap:wrap;margin-top:16px}\n"
    ".card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08),"
    "0 1px 2px rgba(0,0,0,.04);padding:16px 18px}\n"
    ".kpi{flex:1 1 300px;border-top:5px solid #9ca3af}\n"
    ".kpi.k0{border-top-color:#2563eb}.kpi.k1{border-top-color:#ea580c}\n"
    ".kpi .who{font-weight:650;font-size:14px;word-break:break-all}\n"
    ".tag{display:inline-block;font-size:11px;font-weight:700;color:#fff;border-radius:4px;"
    "padding:1px 6px;margin-right:7px;vertical-align:1px;line-height:1.35}\n"
    ".tag.k0{background:#2563eb}.tag.k1{background:#ea580c}.tag.kb{background:#6b7280}\n"
    ".nums{display:grid;grid-template-columns:repeat(3,1fr);gap:10px 14px;margin-top:10px}\n"
    ".num .v{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums}\n"
    ".num .l{font-size:12px;color:#6b7280}\n"
    ".num .ci{font-size:11.5px;color:#6b7280;font-variant-numeric:tabular-nums}\n"
    ".grid2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}\n"
    ".grid3{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px}\n"
    ".grid3 svg.chart{width:100%;height:auto}\n"
    ".shape-title{font-size:13px;text-align:center;margin-top:6px}\n"
    "table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;"
    "font-size:13px}\n"
    "th,td{padding:6px 10px;text-align:right;border-bottom:1px solid #eef0f3;"
    "white-space:nowrap}\n"
    "th{font-weight:600;color:#374151;background:#f9fafb}\n"
    "th:first-child,td:first-child{text-align:left;white-space:normal;min-width:150px}\n"
    "tr.base td{color:#6b7280}\n"
    ".scroll{overflow-x:auto}\n"
    "main>.card{margin-top:16px}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;font-size:13px;"
    "color:#374151}\n"
    "dt{font-weight:600}dd{margin:0}\n"
    "footer{margin-top:36px;color:#9ca3af;font-size:12px}\n";

/* the series on top of svg.c's rules */
static const char series_css[] =
    ".chart .s0{fill:none;stroke:#2563eb;stroke-width:2.4}\n"
    ".chart .s1{fill:none;stroke:#ea580c;stroke-width:2.4}\n"
    ".chart .sb{fill:none;stroke:#6b7280;stroke-width:2;stroke-dasharray:7 4}\n"
    ".chart .f0{fill:#2563eb}.chart .f1{fill:#ea580c}.chart .fb{fill:#9ca3af}\n"
    ".chart .p0{fill:#2563eb;fill-opacity:.8;stroke:#fff}\n"
    ".chart .p1{fill:#ea580c;fill-opacity:.8;stroke:#fff}\n"
    ".chart .chance{stroke:#9ca3af;stroke-width:1.3;stroke-dasharray:3 4;fill:none}\n"
    ".chart .perfect{stroke:#10b981;stroke-width:1.3;stroke-dasharray:2 3;fill:none}\n"
    ".chart .churn{fill:#dc2626;fill-opacity:.5}\n"
    ".chart .stay{fill:#0d9488;fill-opacity:.45}\n"
    ".chart .pos{fill:#dc2626}.chart .neg{fill:#2563eb}\n"
    ".chart .shape{fill:none;stroke:#7c3aed;stroke-width:2.4}\n"
    ".chart .zero{stroke:#6b7280;stroke-width:1}\n"
    ".chart .thr{stroke:#111827;stroke-width:1.2;stroke-dasharray:5 3}\n"
    ".chart .legend-bg{fill:#fff;fill-opacity:.9;stroke:#e5e7eb}\n"
    ".chart .legend{fill:#1f2937;font-size:12px}\n"
    ".chart .small{fill:#6b7280;font-size:11px}\n";

void ck__chart_page_open(FILE *fp, const char *title, const char *extra_css)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          fp);
    ck__chart_esc(fp, title);
    fputs("</title>\n<style>\n", fp);
    fputs(report_css, fp);
    ck__svg_css(fp);
    fputs(series_css, fp);
    if (extra_css != NULL)
        fputs(extra_css, fp);
    fputs("</style></head><body><main>\n", fp);
}

void ck__chart_esc(FILE *fp, const char *s)
{
    ck__svg_escape(fp, s);
}

/* A number for people: fixed decimals, "–" when undefined. */
const char *ck__chart_fmt(char *buf, size_t size, double v, int decimals)
{
    if (isnan(v))
        snprintf(buf, size, "\xe2\x80\x93");
    else
        snprintf(buf, size, "%.*f", decimals, v);
    return buf;
}

void ck__chart_card_open(FILE *fp, const char *title, const char *note)
{
    fputs("<div class=\"card\"><h3>", fp);
    ck__chart_esc(fp, title);
    fputs("</h3><p class=\"note\">", fp);
    fputs(note, fp); /* our own text, with entities */
    fputs("</p>\n", fp);
}

void ck__chart_card_close(FILE *fp)
{
    fputs("</div>\n", fp);
}

/* ---- the plot frame ------------------------------------------------------------------- */

/* Open a chart with axes over [x0, x1] × [y0, y1] (widened to nice ticks). */
void ck__chart_frame_open(FILE *fp, ck__chart_frame *f, double width, double height,
                          const char *title, double x0, double x1, double y0, double y1,
                          const char *x_fmt, double x_mul, const char *x_label, const char *y_fmt,
                          double y_mul, const char *y_label)
{
    f->left = CK__CHART_PLOT_L;
    f->right = width - CK__CHART_PLOT_R;
    f->top = CK__CHART_PLOT_T;
    f->bottom = height - CK__CHART_PLOT_B;
    double xt[32], yt[32];
    size_t nx = ck__svg_ticks(&x0, &x1, 6, xt, 32);
    size_t ny = ck__svg_ticks(&y0, &y1, 6, yt, 32);
    f->sx = (ck__svg_scale){ x0, x1, f->left, f->right };
    f->sy = (ck__svg_scale){ y0, y1, f->bottom, f->top };
    ck__svg_open(fp, width, height, title);
    ck__svg_x_axis(fp, &f->sx, f->bottom, f->top, xt, nx, x_fmt, x_mul, x_label);
    ck__svg_y_axis(fp, &f->sy, f->left, f->right, yt, ny, y_fmt, y_mul, y_label);
}

/* A frame whose x axis is categories 1..n (deciles, levels): ticks at the whole numbers,
 * labelled by `x_fmt` when given (none when NULL: the caller writes its own labels). */
void ck__chart_frame_open_categories(FILE *fp, ck__chart_frame *f, double width, double height,
                                     double bottom_margin, const char *title, size_t n,
                                     const char *x_fmt, const char *x_label, double y0, double y1,
                                     const char *y_fmt, const char *y_label)
{
    f->left = CK__CHART_PLOT_L;
    f->right = width - CK__CHART_PLOT_R;
    f->top = CK__CHART_PLOT_T;
    f->bottom = height - bottom_margin;
    double yt[32];
    size_t ny = ck__svg_ticks(&y0, &y1, 6, yt, 32);
    f->sx = (ck__svg_scale){ 0.5, (double)n + 0.5, f->left, f->right };
    f->sy = (ck__svg_scale){ y0, y1, f->bottom, f->top };
    ck__svg_open(fp, width, height, title);
    ck__svg_y_axis(fp, &f->sy, f->left, f->right, yt, ny, y_fmt, 1, y_label);
    ck__svg_line(fp, f->left, f->bottom, f->right, f->bottom, "axis");
    char buf[32];
    for (size_t k = 1; x_fmt != NULL && k <= n; k++) {
        double x = ck__svg_map(&f->sx, (double)k);
        ck__svg_line(fp, x, f->bottom, x, f->bottom + 5.0, "axis");
        snprintf(buf, sizeof buf, x_fmt, (double)k);
        ck__svg_text(fp, x, f->bottom + 18.0, "middle", "tick", buf);
    }
    if (x_label != NULL)
        ck__svg_text(fp, 0.5 * (f->left + f->right), f->bottom + 38.0, "middle", "label", x_label);
}

double ck__chart_fx(const ck__chart_frame *f, double v)
{
    return ck__svg_map(&f->sx, v);
}

double ck__chart_fy(const ck__chart_frame *f, double v)
{
    return ck__svg_map(&f->sy, v);
}

void ck__chart_legend_size(const char *const *labels, size_t n, double *w, double *h)
{
    size_t longest = 0;
    for (size_t i = 0; i < n; i++)
        longest = strlen(labels[i]) > longest ? strlen(labels[i]) : longest;
    *w = 40.0 + 6.4 * (double)longest;
    *h = 8.0 + 19.0 * (double)n;
}

/* A legend box: a line sample (or a filled square when `square`) and a label per entry.
 * (x, y) is the top-left corner; `right` aligns the box's right edge at x instead. */
void ck__chart_legend(FILE *fp, double x, double y, bool right, const char *const *classes,
                      const char *const *labels, size_t n, bool square)
{
    double w, h;
    ck__chart_legend_size(labels, n, &w, &h);
    if (right)
        x -= w;
    ck__svg_rect(fp, x, y, w, h, "legend-bg");
    for (size_t i = 0; i < n; i++) {
        double cy = y + 14.0 + 19.0 * (double)i;
        if (square)
            ck__svg_rect(fp, x + 9.0, cy - 6.0, 16.0, 11.0, classes[i]);
        else
            ck__svg_line(fp, x + 8.0, cy - 1.0, x + 28.0, cy - 1.0, classes[i]);
        ck__svg_text(fp, x + 34.0, cy + 3.0, "start", "legend", labels[i]);
    }
}
