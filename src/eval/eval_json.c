/*
 * An evaluation as JSON (see eval.h). The keys DESIGN.md fixes come first in each object;
 * more sit beside them; the per-group metrics ("by_stage") close each result's object. Written
 * directly (the document is flat and write-only, so a tree would only be built to be printed):
 * numbers as the shortest of "%.15g", "%.16g" and
 * "%.17g" that reads back to the same double, as model files do; NaN and infinities as
 * null; strings escaped per RFC 8259, section 7.
 */
#include "churnkit/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void num(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}

static void str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void key(FILE *out, const char *name)
{
    str(out, name);
    fputs(": ", out);
}

static void pair(FILE *out, const double v[2])
{
    fputc('[', out);
    num(out, v[0]);
    fputs(", ", out);
    num(out, v[1]);
    fputc(']', out);
}

/* `"name": number` with a leading comma unless first. */
static void field(FILE *out, const char *name, double v, bool first)
{
    if (!first)
        fputs(", ", out);
    key(out, name);
    num(out, v);
}

static void delong(FILE *out, const ck_delong *d)
{
    fputc('{', out);
    field(out, "auc_diff", d->diff, true);
    fputs(", ", out);
    key(out, "auc_diff_ci");
    pair(out, d->ci);
    field(out, "delong_z", d->z, false);
    field(out, "delong_p", d->p, false);
    field(out, "auc_a", d->auc_a, false);
    field(out, "auc_b", d->auc_b, false);
    field(out, "auc_diff_se", d->se, false);
    field(out, "var_a", d->var_a, false);
    field(out, "var_b", d->var_b, false);
    field(out, "cov", d->cov, false);
}

static void metrics(FILE *out, const ck_eval_result *r)
{
    key(out, "metrics");
    fputc('{', out);
    field(out, "auc", r->auc, true);
    field(out, "pr_auc", r->pr_auc, false);
    field(out, "logloss", r->logloss, false);
    field(out, "brier", r->brier, false);
    field(out, "ks", r->ks, false);
    field(out, "ece", r->ece, false);
    field(out, "top_decile_lift", r->top_decile_lift, false);
    fputc('}', out);
}

static void tables(FILE *out, const ck_eval_result *r)
{
    const ck_confusion *c = &r->confusion;
    fputs(",\n     ", out);
    key(out, "confusion");
    fputc('{', out);
    field(out, "threshold", c->threshold, true);
    field(out, "tp", c->tp, false);
    field(out, "fp", c->fp, false);
    field(out, "fn", c->fn, false);
    field(out, "tn", c->tn, false);
    field(out, "precision", c->precision, false);
    field(out, "recall", c->recall, false);
    field(out, "specificity", c->specificity, false);
    field(out, "accuracy", c->accuracy, false);
    field(out, "f1", c->f1, false);
    field(out, "flagged_rate", c->flagged_rate, false);
    fputs("},\n     ", out);
    key(out, "top");
    fputc('[', out);
    for (size_t t = 0; t < r->n_top; t++) {
        const ck_top_fraction *f = &r->top[t];
        fputs(t ? ", {" : "{", out);
        field(out, "fraction", f->fraction, true);
        field(out, "rows", f->rows, false);
        field(out, "positives", f->positives, false);
        field(out, "precision", f->precision, false);
        field(out, "recall", f->recall, false);
        field(out, "lift", f->lift, false);
        fputc('}', out);
    }
    fputs("],\n     ", out);
    key(out, "deciles");
    fputc('[', out);
    for (size_t g = 0; g < CK_EVAL_GROUPS; g++) {
        const ck_gains_row *d = &r->deciles[g];
        fputs(g ? ",\n       {" : "\n       {", out);
        field(out, "decile", (double)(g + 1), true);
        field(out, "rows", d->rows, false);
        field(out, "positives", d->positives, false);
        field(out, "min_score", d->min_score, false);
        field(out, "max_score", d->max_score, false);
        field(out, "rate", d->rate, false);
        field(out, "lift", d->lift, false);
        field(out, "cum_gain", d->cum_gain, false);
        field(out, "cum_lift", d->cum_lift, false);
        fputc('}', out);
    }
    fputc(']', out);
    if (r->is_baseline)
        return;
    fputs(",\n     ", out);
    key(out, "calibration");
    fputc('[', out);
    for (size_t b = 0; b < CK_EVAL_BINS; b++) {
        const ck_calibration_bin *c2 = &r->calibration[b];
        fputs(b ? ",\n       {" : "\n       {", out);
        field(out, "lo", c2->lo, true);
        field(out, "hi", c2->hi, false);
        field(out, "rows", c2->rows, false);
        field(out, "mean_prob", c2->mean_prob, false);
        field(out, "positive_rate", c2->positive_rate, false);
        fputc('}', out);
    }
    fputc(']', out);
}

/* "by_<kind>": every metric on each group's rows alone, for result k. */
static void by_group(FILE *out, const ck_eval *ev, size_t k)
{
    const char *kind = ck_eval_group_kind(ev);
    char name[64];
    snprintf(name, sizeof name, "by_%s", kind);
    fputs(",\n     ", out);
    key(out, name);
    fputc('[', out);
    for (size_t g = 0; g < ck_eval_n_groups(ev); g++) {
        const ck_eval_group *grp = ck_eval_group_at(ev, g);
        fputs(g ? ",\n       {" : "\n       {", out);
        key(out, kind);
        str(out, grp->name);
        field(out, "rows", (double)grp->n_rows, false);
        field(out, "positives", (double)grp->n_positives, false);
        fputs(", ", out);
        metrics(out, &grp->results[k]);
        fputc('}', out);
    }
    fputc(']', out);
}

static void result(FILE *out, const ck_eval *ev, size_t k, bool with_ci)
{
    const ck_eval_result *r = ck_eval_result_at(ev, k);
    fputs("{", out);
    key(out, r->is_baseline ? "name" : "model");
    str(out, r->name);
    fputs(", ", out);
    metrics(out, r);
    if (with_ci) {
        fputs(",\n     ", out);
        key(out, "auc_ci");
        pair(out, r->ci.auc);
        fputs(", ", out);
        key(out, "pr_auc_ci");
        pair(out, r->ci.pr_auc);
        fputs(", ", out);
        key(out, "top_decile_lift_ci");
        pair(out, r->ci.top_decile_lift);
        field(out, "bootstrap_valid", (double)r->ci.n_valid, false);
    }
    tables(out, r);
    if (r->has_vs_baseline) {
        fputs(",\n     ", out);
        key(out, "vs_baseline");
        delong(out, &r->vs_baseline);
        fputc('}', out);
    }
    if (ck_eval_n_groups(ev) > 0)
        by_group(out, ev, k);
    fputc('}', out);
}

int ck_eval_write_json(const ck_eval *ev, FILE *out, ck_error *err)
{
    const ck_eval_opts *o = ck_eval_options(ev);
    bool with_ci = o->bootstrap > 0;
    fputs("{", out);
    field(out, "rows", (double)ck_eval_n_rows(ev), true);
    field(out, "positives", (double)ck_eval_n_positives(ev), false);
    fputs(",\n ", out);
    key(out, "models");
    fputs("[\n  ", out);
    for (size_t k = 0; k < ck_eval_n_models(ev); k++) {
        if (k)
            fputs(",\n  ", out);
        result(out, ev, k, with_ci);
    }
    fputs("]", out);
    const ck_eval_comparison *c = ck_eval_comparison_of(ev);
    if (c != NULL) {
        fputs(",\n ", out);
        key(out, "comparison");
        delong(out, &c->delong);
        if (c->has_boot_ci) {
            fputs(", ", out);
            key(out, "bootstrap_diff_ci");
            pair(out, c->boot_diff_ci);
        }
        fputc('}', out);
    }
    if (ck_eval_n_results(ev) > ck_eval_n_models(ev)) {
        fputs(",\n ", out);
        key(out, "baseline");
        result(out, ev, ck_eval_n_results(ev) - 1, with_ci);
    }
    fputs(",\n ", out);
    key(out, "description");
    str(out, ck_eval_description(ev));
    field(out, "positive_rate",
          ck_eval_n_rows(ev) ? (double)ck_eval_n_positives(ev) / (double)ck_eval_n_rows(ev) : NAN,
          false);
    field(out, "level", o->level, false);
    fputs(", ", out);
    key(out, "threshold");
    num(out, o->threshold);
    fputs(", ", out);
    key(out, "bootstrap");
    fputc('{', out);
    field(out, "resamples", (double)o->bootstrap, true);
    fputs(", ", out);
    key(out, "seed");
    fprintf(out, "%llu", (unsigned long long)o->seed);
    fputs("}}\n", out);
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the JSON");
    return CK_OK;
}
