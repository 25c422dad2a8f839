/*
 * The readable table of an evaluation (see eval.h): one line per model and the baseline,
 * then intervals, the top of the ranking, confusion matrices, DeLong's comparisons, and the
 * summary's metrics again group by group (lifecycle stages).
 * Numbers a measure does not define (log loss of a ranking) print as "-".
 */
#include "churnkit/eval.h"

#include <math.h>
#include <string.h>

#define NAME_MIN 18
#define NAME_MAX 44

/* "A  name" for two models, "name" for one; the baseline is indented like a model. */
static void label_of(const ck_eval *ev, size_t k, char *buf, size_t size)
{
    const ck_eval_result *r = ck_eval_result_at(ev, k);
    if (ck_eval_n_models(ev) == 2)
        snprintf(buf, size, "%s  %s", r->is_baseline ? " " : k == 0 ? "A" : "B", r->name);
    else
        snprintf(buf, size, "%s", r->name);
}

static int name_width(const ck_eval *ev)
{
    size_t w = NAME_MIN;
    char buf[300];
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        label_of(ev, k, buf, sizeof buf);
        if (strlen(buf) + 2 > w)
            w = strlen(buf) + 2;
    }
    return (int)(w > NAME_MAX ? NAME_MAX : w);
}

static void name_cell(FILE *out, const ck_eval *ev, size_t k, int width)
{
    char buf[300];
    label_of(ev, k, buf, sizeof buf);
    if ((int)strlen(buf) > width - 2) {
        /* keep the end of a long path: the file name is what tells models apart */
        fprintf(out, "...%-*s", width - 3, buf + strlen(buf) - (size_t)(width - 5));
        return;
    }
    fprintf(out, "%-*s", width, buf);
}

static void number(FILE *out, double v, int width, int decimals)
{
    if (isnan(v))
        fprintf(out, "%*s", width, "-");
    else
        fprintf(out, "%*.*f", width, decimals, v);
}

static void interval(FILE *out, const double ci[2], int width)
{
    char buf[64];
    if (isnan(ci[0]) || isnan(ci[1]))
        snprintf(buf, sizeof buf, "-");
    else
        snprintf(buf, sizeof buf, "%.4f-%.4f", ci[0], ci[1]);
    fprintf(out, "%*s", width, buf);
}

static void summary(FILE *out, const ck_eval *ev, int w)
{
    fprintf(out, "%-*s%8s%8s%10s%8s%8s%8s%10s\n", w, "model", "AUC", "PR AUC", "log loss", "Brier",
            "KS", "ECE", "lift@10%");
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        name_cell(out, ev, k, w);
        number(out, r->auc, 8, 4);
        number(out, r->pr_auc, 8, 4);
        number(out, r->logloss, 10, 4);
        number(out, r->brier, 8, 4);
        number(out, r->ks, 8, 4);
        number(out, r->ece, 8, 4);
        number(out, r->top_decile_lift, 10, 2);
        fputc('\n', out);
    }
}

static void intervals(FILE *out, const ck_eval *ev, int w)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    fprintf(out, "\n%g%% bootstrap intervals (%zu resamples, seed %llu)\n", 100 * o->level,
            o->bootstrap, (unsigned long long)o->seed);
    fprintf(out, "%-*s%16s%16s%16s\n", w, "model", "AUC", "PR AUC", "lift@10%");
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        name_cell(out, ev, k, w);
        interval(out, r->ci.auc, 16);
        interval(out, r->ci.pr_auc, 16);
        interval(out, r->ci.top_decile_lift, 16);
        fputc('\n', out);
    }
}

static void top_of_ranking(FILE *out, const ck_eval *ev, int w)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    if (o->n_top == 0)
        return;
    fprintf(out, "\ntop of the ranking: precision, recall and lift among the riskiest\n");
    fprintf(out, "%-*s", w, "");
    for (size_t t = 0; t < o->n_top; t++) {
        char head[32];
        snprintf(head, sizeof head, "top %g%%", 100 * o->top[t]);
        fprintf(out, "%24s", head);
    }
    fprintf(out, "\n%-*s", w, "model");
    for (size_t t = 0; t < o->n_top; t++)
        fprintf(out, "  %6s  %6s  %6s", "prec", "recall", "lift");
    fputc('\n', out);
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        name_cell(out, ev, k, w);
        for (size_t t = 0; t < r->n_top; t++) {
            fputs("  ", out);
            number(out, r->top[t].precision, 6, 3);
            fputs("  ", out);
            number(out, r->top[t].recall, 6, 3);
            fputs("  ", out);
            number(out, r->top[t].lift, 6, 2);
        }
        fputc('\n', out);
    }
}

static void confusion(FILE *out, const ck_eval *ev, int w)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    if (isnan(o->threshold))
        fprintf(out, "\nconfusion matrix, flagging each score's top 10%% (score >= threshold)\n");
    else
        fprintf(out, "\nconfusion matrix at probability %g (the baseline: its top 10%%)\n",
                o->threshold);
    fprintf(out, "%-*s%10s%9s%9s%9s%9s%9s%8s%8s%8s\n", w, "model", "threshold", "flagged", "TP",
            "FP", "FN", "TN", "prec", "recall", "F1");
    for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
        const ck_confusion *c = &ck_eval_result_at(ev, k)->confusion;
        name_cell(out, ev, k, w);
        fprintf(out, "%10.4g", c->threshold);
        number(out, 100 * c->flagged_rate, 8, 1);
        fputc('%', out);
        fprintf(out, "%9.0f%9.0f%9.0f%9.0f", c->tp, c->fp, c->fn, c->tn);
        number(out, c->precision, 8, 3);
        number(out, c->recall, 8, 3);
        number(out, c->f1, 8, 3);
        fputc('\n', out);
    }
}

static void p_value(FILE *out, double p)
{
    if (isnan(p))
        fputs("p undefined", out);
    else if (p < 1e-4)
        fputs("p < 0.0001", out);
    else
        fprintf(out, "p = %.4f", p);
}

static void delong_line(FILE *out, const ck_delong *d, double level)
{
    fprintf(out, "AUC %.4f -> %.4f, difference %+.4f", d->auc_a, d->auc_b, d->diff);
    if (!isnan(d->se))
        fprintf(out, " (%g%% CI %+.4f to %+.4f), z = %.2f, ", 100 * level, d->ci[0], d->ci[1],
                d->z);
    else
        fputs(" (too few rows of a class for a test), ", out);
    p_value(out, d->p);
    fputc('\n', out);
}

static void comparisons(FILE *out, const ck_eval *ev)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    const ck_eval_comparison *c = ck_eval_comparison_of(ev);
    if (c != NULL) {
        fprintf(out, "\nchampion A against challenger B, DeLong's test:\n  ");
        delong_line(out, &c->delong, o->level);
        if (c->has_boot_ci)
            fprintf(out, "  bootstrap %g%% interval of the difference: %+.4f to %+.4f\n",
                    100 * o->level, c->boot_diff_ci[0], c->boot_diff_ci[1]);
        const ck_delong *d = &c->delong;
        double alpha = 1 - o->level;
        if (!isnan(d->p))
            fprintf(out, "  %s\n",
                    d->p >= alpha ? "no significant difference in AUC at this level"
                    : d->diff > 0 ? "the challenger B ranks churners better"
                                  : "the champion A ranks churners better");
    }
    for (size_t k = 0; k < ck_eval_n_models(ev); k++) {
        const ck_eval_result *r = ck_eval_result_at(ev, k);
        if (!r->has_vs_baseline)
            continue;
        const ck_eval_result *base = ck_eval_result_at(ev, ck_eval_n_results(ev) - 1);
        if (k == 0)
            fprintf(out, "\nagainst the %s, DeLong's test:\n", base->name);
        fprintf(out, "  %s: ", ck_eval_n_models(ev) == 2 ? (k == 0 ? "A" : "B") : r->name);
        delong_line(out, &r->vs_baseline, o->level);
    }
}

/* The summary's metrics again, group by group: a stage's rows, churn rate, then one line
 * per model and the baseline. */
static void by_group(FILE *out, const ck_eval *ev, int w)
{
    const char *kind = ck_eval_group_kind(ev);
    if (ck_eval_n_groups(ev) == 0) {
        if (ck_eval_no_groups_note(ev)[0])
            fprintf(out, "\nno table by %s: %s\n", kind, ck_eval_no_groups_note(ev));
        return;
    }
    int sw = (int)strlen(kind);
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++)
        if ((int)strlen(ck_eval_group_at(ev, g)->name) > sw)
            sw = (int)strlen(ck_eval_group_at(ev, g)->name);
    sw += 2;
    fprintf(out, "\nby %s, each on its own rows\n", kind);
    fprintf(out, "%-*s%7s%9s  %-*s%8s%8s%10s%8s%8s%8s%10s\n", sw, kind, "rows", "churned", w,
            "model", "AUC", "PR AUC", "log loss", "Brier", "KS", "ECE", "lift@10%");
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        for (size_t k = 0; k < ck_eval_n_results(ev); k++) {
            const ck_eval_result *r = &grp->results[k];
            if (k == 0)
                fprintf(out, "%-*s%7zu%8.1f%%  ", sw, grp->name, grp->n_rows,
                        100.0 * (double)grp->n_positives / (double)grp->n_rows);
            else
                fprintf(out, "%*s", sw + 18, "");
            name_cell(out, ev, k, w);
            number(out, r->auc, 8, 4);
            number(out, r->pr_auc, 8, 4);
            number(out, r->logloss, 10, 4);
            number(out, r->brier, 8, 4);
            number(out, r->ks, 8, 4);
            number(out, r->ece, 8, 4);
            number(out, r->top_decile_lift, 10, 2);
            fputc('\n', out);
        }
    }
}

int ck_eval_write_text(const ck_eval *ev, FILE *out, ck_error *err)
{
    size_t rows = ck_eval_n_rows(ev), pos = ck_eval_n_positives(ev);
    if (ck_eval_description(ev)[0])
        fprintf(out, "%s\n", ck_eval_description(ev));
    fprintf(out, "%zu rows, %zu churned (%.1f%%)\n\n", rows, pos,
            rows ? 100.0 * (double)pos / (double)rows : 0.0);
    int w = name_width(ev);
    summary(out, ev, w);
    if (ck_eval_options(ev)->bootstrap > 0)
        intervals(out, ev, w);
    top_of_ranking(out, ev, w);
    confusion(out, ev, w);
    comparisons(out, ev);
    by_group(out, ev, w);
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the table");
    return CK_OK;
}
