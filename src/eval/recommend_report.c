/*
 * The recommendation evaluation report (see recommend_eval.h): one self-contained HTML
 * file, inline SVG and CSS, no script and nothing fetched, in the look of churn-eval's
 * other reports (the style, cards, frames and legends of chart.c).
 *
 * Layout, top to bottom: the verdict (the method with the highest recall@K in each
 * variant), the section "Recommendations" with two bar charts, recall@K and NDCG@K, each
 * with a group per method holding a bar for all items (blue, f0) and one for new items
 * (orange, f1), the value written above each bar and the legend under the method names
 * (over the plot it could hide a bar); then the table of every measure and a glossary. A
 * method whose variant evaluated nobody has "n/a" instead of a bar.
 */
#include "churnkit/recommend_eval.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "churnkit/version.h"
#include "eval/chart.h"
#include "io/svg.h"

/* ---- the verdict ------------------------------------------------------------------------ */

/* The method with the highest recall in the variant (the first of equals); SIZE_MAX when
 * none is defined. */
static size_t best_method(const ck_recommend_eval *re, bool new_items)
{
    size_t best = SIZE_MAX;
    for (size_t m = 0; m < re->n_methods; m++) {
        const ck_recommend_metrics *x = new_items ? &re->methods[m].new_items : &re->methods[m].all;
        if (isnan(x->recall))
            continue;
        const ck_recommend_metrics *b = best == SIZE_MAX ? NULL
                                        : new_items      ? &re->methods[best].new_items
                                                         : &re->methods[best].all;
        if (b == NULL || x->recall > b->recall)
            best = m;
    }
    return best;
}

static void verdict(FILE *fp, const ck_recommend_eval *re)
{
    fputs("<div class=\"verdict neutral\">", fp);
    for (int v = 0; v < 2; v++) {
        size_t best = best_method(re, v == 1);
        fputs(v ? " " : "", fp);
        if (best == SIZE_MAX) {
            fprintf(fp, "%s: no customer to evaluate.", v ? "New items" : "All items");
            continue;
        }
        const ck_recommend_method_eval *me = &re->methods[best];
        const ck_recommend_metrics *x = v ? &me->new_items : &me->all;
        fprintf(fp, "%s: <b>", v ? "Items new to the customer" : "All items");
        ck__chart_esc(fp, me->name);
        fprintf(fp, "</b> has the highest recall@%zu, %.1f%% (over %zu customers).", re->k,
                100.0 * x->recall, x->customers);
    }
    fputs("</div>\n", fp);
}

/* ---- the charts ------------------------------------------------------------------------- */

static const char *const VARIANT_CLASS[2] = { "f0", "f1" };
static const char *const VARIANT_LABEL[2] = { "all items", "new items" };

static double measure(const ck_recommend_method_eval *me, bool new_items, bool ndcg)
{
    const ck_recommend_metrics *x = new_items ? &me->new_items : &me->all;
    return ndcg ? x->ndcg : x->recall;
}

/* Grouped bars: a group per method, a bar per variant, in percent. */
static void bar_chart(FILE *fp, const ck_recommend_eval *re, bool ndcg)
{
    char title[64], note[320];
    snprintf(title, sizeof title, "%s@%zu", ndcg ? "NDCG" : "Recall", re->k);
    if (ndcg)
        snprintf(note, sizeof note,
                 "How high the holdout purchases sit in each top %zu, 1 when they fill its first "
                 "places (discounted cumulative gain over the ideal), for all items and for "
                 "items new to the customer.",
                 re->k);
    else
        snprintf(note, sizeof note,
                 "The share of each customer&rsquo;s holdout purchases found in the top %zu "
                 "(over at most %zu of them), averaged over customers, for all items and for "
                 "items new to the customer.",
                 re->k, re->k);
    ck__chart_card_open(fp, title, note);
    double hi = 0.0;
    for (size_t m = 0; m < re->n_methods; m++)
        for (int v = 0; v < 2; v++) {
            double y = measure(&re->methods[m], v == 1, ndcg);
            if (!isnan(y))
                hi = fmax(hi, 100.0 * y);
        }
    hi = hi > 0.0 ? fmin(100.0, hi * 1.15) : 1.0;
    size_t n = re->n_methods ? re->n_methods : 1;
    ck__chart_frame f;
    ck__chart_frame_open_categories(fp, &f, CK__CHART_W, CK__CHART_H, CK__CHART_PLOT_B, title, n,
                                    NULL, NULL, 0.0, hi, "%g", "percent");
    double group = ck__chart_fx(&f, 1.5) - ck__chart_fx(&f, 0.5);
    double bar = group * 0.32, y0 = ck__chart_fy(&f, 0.0);
    char buf[48];
    for (size_t m = 0; m < re->n_methods; m++) {
        double x = ck__chart_fx(&f, (double)m + 1.0);
        ck__svg_line(fp, x, f.bottom, x, f.bottom + 5.0, "axis");
        ck__svg_text(fp, x, f.bottom + 18.0, "middle", "tick", re->methods[m].name);
        for (int v = 0; v < 2; v++) {
            double y = measure(&re->methods[m], v == 1, ndcg);
            double xb = x + (v ? 0.02 * group : -0.02 * group - bar);
            if (isnan(y)) {
                ck__svg_text(fp, xb + 0.5 * bar, y0 - 6.0, "middle", "small", "n/a");
                continue;
            }
            double yt = ck__chart_fy(&f, 100.0 * y);
            ck__svg_rect(fp, xb, yt, bar, y0 - yt, VARIANT_CLASS[v]);
            snprintf(buf, sizeof buf, "%.1f", 100.0 * y);
            ck__svg_text(fp, xb + 0.5 * bar, yt - 4.0, "middle", "small", buf);
        }
    }
    /* the two entries side by side, under the method names */
    double w0, w1, h;
    ck__chart_legend_size(&VARIANT_LABEL[0], 1, &w0, &h);
    ck__chart_legend_size(&VARIANT_LABEL[1], 1, &w1, &h);
    double xl = 0.5 * (f.left + f.right) - 0.5 * (w0 + 8.0 + w1);
    ck__chart_legend(fp, xl, f.bottom + 27.0, false, &VARIANT_CLASS[0], &VARIANT_LABEL[0], 1, true);
    ck__chart_legend(fp, xl + w0 + 8.0, f.bottom + 27.0, false, &VARIANT_CLASS[1],
                     &VARIANT_LABEL[1], 1, true);
    ck__svg_close(fp);
    ck__chart_card_close(fp);
}

/* ---- the table ---------------------------------------------------------------------------- */

static void table(FILE *fp, const ck_recommend_eval *re)
{
    char b[48];
    fprintf(fp,
            "<div class=\"card scroll\"><h3>Every measure at K = %zu</h3><p class=\"note\">"
            "Means over the customers with at least one holdout purchase (new items: at "
            "least one they had not had before the cutoff); &ndash;: undefined.</p><table><tr>"
            "<th>recommender</th><th>items</th><th>customers</th><th>precision</th>"
            "<th>recall</th><th>NDCG</th><th>MAP</th><th>hit rate</th><th>coverage</th>"
            "<th>items recommended</th><th>fit (s)</th></tr>\n",
            re->k);
    for (size_t m = 0; m < re->n_methods; m++) {
        const ck_recommend_method_eval *me = &re->methods[m];
        for (int v = 0; v < 2; v++) {
            const ck_recommend_metrics *x = v ? &me->new_items : &me->all;
            fputs("<tr><td>", fp);
            ck__chart_esc(fp, me->name);
            fprintf(fp, "</td><td>%s</td><td>%zu</td>", VARIANT_LABEL[v], x->customers);
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->precision, 4));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->recall, 4));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->ndcg, 4));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->map, 4));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->hit_rate, 4));
            fprintf(fp, "<td>%s</td>", ck__chart_fmt(b, sizeof b, x->coverage, 4));
            fprintf(fp, "<td>%zu</td>", x->items_recommended);
            fprintf(fp, "<td>%s</td></tr>\n",
                    v ? "" : ck__chart_fmt(b, sizeof b, me->fit_seconds, 2));
        }
    }
    fputs("</table></div>\n", fp);
}

static void glossary(FILE *fp)
{
    fputs("<h2>Reading the numbers</h2><div class=\"card\"><dl>\n"
          "<dt>Holdout</dt><dd>The period after the cutoff: the recommenders saw only the "
          "history before it, and their top K lists are compared with what each customer "
          "bought in it.</dd>\n"
          "<dt>New items</dt><dd>The same with the items a customer had before the cutoff "
          "left out of both their holdout purchases and the list (the rest of the list moves "
          "up; it is not refilled): what new product will they want.</dd>\n"
          "<dt>Precision</dt><dd>Hits over K.</dd>\n"
          "<dt>Recall</dt><dd>Hits over the smaller of K and the customer&rsquo;s holdout "
          "items, so that a perfect list scores 1 for everyone.</dd>\n"
          "<dt>NDCG</dt><dd>Hits discounted by 1/log2(position + 1), over the same sum for "
          "the best possible list.</dd>\n"
          "<dt>MAP</dt><dd>The mean of the precision at each hit&rsquo;s position, over the "
          "smaller of K and the holdout items.</dd>\n"
          "<dt>Hit rate</dt><dd>The share of customers with at least one hit.</dd>\n"
          "<dt>Coverage</dt><dd>The share of the catalogue recommended to someone.</dd>\n"
          "</dl></div>\n",
          fp);
}

int ck_recommend_eval_write_report(const ck_recommend_eval *re,
                                   const ck_recommend_report_info *info, FILE *out, ck_error *err)
{
    assert(re != NULL && out != NULL);
    const char *title = info && info->title ? info->title : "Recommendation evaluation";
    ck__chart_page_open(out, title, NULL);
    fputs("<header><h1>", out);
    ck__chart_esc(out, title);
    fputs("</h1><p>", out);
    if (info && info->description && info->description[0]) {
        ck__chart_esc(out, info->description);
        fputs(" &middot; ", out);
    }
    fprintf(out, "top %zu of %zu items, %zu customers, %zu recommender%s</p></header>\n", re->k,
            re->n_items, re->n_customers, re->n_methods, re->n_methods == 1 ? "" : "s");
    verdict(out, re);
    fputs("<h2>Recommendations</h2><div class=\"grid2\">\n", out);
    bar_chart(out, re, false);
    bar_chart(out, re, true);
    fputs("</div>\n", out);
    table(out, re);
    glossary(out);
    fprintf(out, "<footer>churnkit %s &middot; churn-eval</footer>\n</main></body></html>\n",
            ck_version());
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the recommendation report");
    return CK_OK;
}
