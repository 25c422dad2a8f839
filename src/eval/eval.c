/*
 * An evaluation (see eval.h): the metrics of metrics.h for each model and the baseline on
 * the same rows, DeLong's comparisons, and one bootstrap over all of them.
 *
 * Layout: the evaluation owns copies of the labels and of every score (models first, the
 * baseline last) and one ck_eval_result per score. The bootstrap resamples the rows once
 * for every score together (ck_metrics_bootstrap), so the intervals of the two models are
 * paired, and the interval of their difference comes from the same resamples.
 *
 * The confusion matrix uses the options' probability threshold for models; a baseline is
 * a ranking on another scale (days since the last purchase), so it always uses its own
 * threshold flagging the top 10%, the default for models too (Provost & Fawcett 2013,
 * "Data Science for Business", ch. 8: a retention budget buys a fixed share of customers).
 *
 * Groups (lifecycle stages): each group's rows are gathered into their own label and score
 * arrays, in row order, and measured by the same measure() as all rows together, so a
 * group's numbers are exactly those of an evaluation of its rows alone. Decisions are made
 * per group (the campaign acts on the active and the new), and a model that ranks well
 * overall may only be sorting lapsed customers from active ones.
 */
#include "churnkit/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define DEFAULT_TOP_FRACTION 0.10

struct ck_eval {
    size_t n_rows, n_positives;
    ck_eval_opts opts;
    char description[512];
    float *label;
    size_t n_models, n_results;             /* results: the models, then the baseline */
    double *scores[CK_EVAL_MAX_MODELS + 1]; /* copies, n_rows each */
    ck_eval_result results[CK_EVAL_MAX_MODELS + 1];
    bool has_comparison;
    ck_eval_comparison comparison;
    char group_kind[32];
    char no_groups_note[256];
    size_t n_groups; /* those holding rows */
    ck_eval_group *groups;
};

static int check_input(const ck_eval_input *in, const ck_eval_opts *opts, ck_error *err)
{
    if (in->n_rows == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no rows to evaluate");
    if (in->n_models < 1 || in->n_models > CK_EVAL_MAX_MODELS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "expected 1 or 2 models, got %zu",
                            in->n_models);
    if (opts->n_top > CK_EVAL_MAX_TOP)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "at most %d top fractions", CK_EVAL_MAX_TOP);
    for (size_t k = 0; k < opts->n_top; k++)
        if (!(opts->top[k] > 0.0 && opts->top[k] <= 1.0))
            return ck_error_set(err, CK_EINVAL, NULL, 0, "bad top fraction %g: expected (0, 1]",
                                opts->top[k]);
    if (!(opts->level > 0.0 && opts->level < 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bad confidence level %g", opts->level);
    if (!isnan(opts->threshold) && !(opts->threshold >= 0.0 && opts->threshold <= 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bad threshold %g: expected [0, 1]",
                            opts->threshold);
    if (opts->n_threads < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "bad thread count %d", opts->n_threads);
    for (size_t i = 0; i < in->n_rows; i++)
        if (in->label[i] != 0.0f && in->label[i] != 1.0f)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "row %zu has no 0/1 label", i + 1);
    for (size_t m = 0; m < in->n_models; m++)
        for (size_t i = 0; i < in->n_rows; i++)
            if (!(in->model_scores[m][i] >= 0.0 && in->model_scores[m][i] <= 1.0))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "%s: row %zu: score %g is not a probability",
                                    in->model_names[m], i + 1, in->model_scores[m][i]);
    if (in->group != NULL && in->n_groups > CK_EVAL_MAX_GROUPS)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "at most %d groups, got %zu",
                            CK_EVAL_MAX_GROUPS, in->n_groups);
    return CK_OK;
}

/* The index in group_names of each row's group (n_groups: in no group). */
static int group_rows(size_t *index, const ck_eval_input *in, ck_error *err)
{
    for (size_t i = 0; i < in->n_rows; i++) {
        index[i] = in->n_groups;
        if (in->group[i] == NULL)
            continue;
        for (size_t g = 0; g < in->n_groups && index[i] == in->n_groups; g++)
            if (strcmp(in->group[i], in->group_names[g]) == 0)
                index[i] = g;
        if (index[i] == in->n_groups)
            return ck_error_set(err, CK_EINVAL, NULL, 0, "row %zu: unknown %s \"%s\"", i + 1,
                                in->group_kind ? in->group_kind : "group", in->group[i]);
    }
    return CK_OK;
}

/* Every metric of one score. */
static int measure(ck_eval_result *r, const double *score, const float *label, size_t n,
                   const ck_eval_opts *opts, ck_error *err)
{
    int rc;
    if ((rc = ck_metrics_auc(&r->auc, score, label, NULL, n, err)) < 0 ||
        (rc = ck_metrics_average_precision(&r->pr_auc, score, label, NULL, n, err)) < 0 ||
        (rc = ck_metrics_ks(&r->ks, score, label, NULL, n, err)) < 0 ||
        (rc = ck_metrics_gains(r->deciles, CK_EVAL_GROUPS, score, label, NULL, n, err)) < 0 ||
        (rc = ck_metrics_top(r->top, opts->top, opts->n_top, score, label, NULL, n, err)) < 0)
        return rc;
    r->n_top = opts->n_top;
    ck_top_fraction decile;
    const double tenth[1] = { DEFAULT_TOP_FRACTION };
    if ((rc = ck_metrics_top(&decile, tenth, 1, score, label, NULL, n, err)) < 0)
        return rc;
    r->top_decile_lift = decile.lift;

    double threshold = r->is_baseline ? NAN : opts->threshold;
    if (isnan(threshold) &&
        (rc = ck_metrics_top_threshold(&threshold, DEFAULT_TOP_FRACTION, score, NULL, n, err)) < 0)
        return rc;
    ck_metrics_confusion(&r->confusion, threshold, score, label, NULL, n);

    if (r->is_baseline) {
        r->logloss = r->brier = r->ece = NAN;
        for (size_t b = 0; b < CK_EVAL_BINS; b++)
            r->calibration[b] = (ck_calibration_bin){ NAN, NAN, 0, NAN, NAN };
        return CK_OK;
    }
    r->logloss = ck_metrics_logloss(score, label, NULL, n);
    r->brier = ck_metrics_brier(score, label, NULL, n);
    return ck_metrics_calibration(r->calibration, CK_EVAL_BINS, &r->ece, score, label, NULL, n,
                                  err);
}

static void no_ci(ck_bootstrap_ci *ci)
{
    *ci = (ck_bootstrap_ci){ { NAN, NAN }, { NAN, NAN }, { NAN, NAN }, 0 };
}

/* Each group's rows measured alone, groups holding rows kept in the order of the names. */
static int measure_groups(ck_eval *ev, const ck_eval_input *in, ck_error *err)
{
    size_t n = ev->n_rows;
    int rc = CK_OK;
    size_t *index = ck__alloc_array(n, sizeof *index);
    float *label = ck__alloc_array(n, sizeof *label);
    double *score = ck__alloc_array(n, sizeof *score);
    ev->groups = ck__alloc_array(in->n_groups, sizeof *ev->groups);
    if (index == NULL || label == NULL || score == NULL || ev->groups == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if ((rc = group_rows(index, in, err)) < 0)
        goto done;
    for (size_t g = 0; g < in->n_groups; g++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (index[i] == g)
                label[m++] = ev->label[i];
        if (m == 0)
            continue;
        ck_eval_group *grp = &ev->groups[ev->n_groups++];
        memset(grp, 0, sizeof *grp);
        snprintf(grp->name, sizeof grp->name, "%s", in->group_names[g]);
        grp->n_rows = m;
        for (size_t i = 0; i < m; i++)
            grp->n_positives += label[i] > 0.5f;
        for (size_t k = 0; k < ev->n_results; k++) {
            ck_eval_result *r = &grp->results[k];
            memcpy(r->name, ev->results[k].name, sizeof r->name);
            r->is_baseline = ev->results[k].is_baseline;
            no_ci(&r->ci);
            m = 0;
            for (size_t i = 0; i < n; i++)
                if (index[i] == g)
                    score[m++] = ev->scores[k][i];
            if ((rc = measure(r, score, label, m, &ev->opts, err)) < 0)
                goto done;
        }
    }
done:
    free(score);
    free(label);
    free(index);
    return rc;
}

int ck_eval_run(ck_eval **out, const ck_eval_input *in, const ck_eval_opts *opts, ck_error *err)
{
    *out = NULL;
    int rc = check_input(in, opts, err);
    if (rc < 0)
        return rc;
    ck_eval *ev = calloc(1, sizeof *ev);
    if (ev == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t n = in->n_rows;
    ev->n_rows = n;
    ev->opts = *opts;
    ev->n_models = in->n_models;
    ev->n_results = in->n_models + (in->baseline != NULL);
    snprintf(ev->description, sizeof ev->description, "%s", in->description ? in->description : "");
    snprintf(ev->group_kind, sizeof ev->group_kind, "%s",
             in->group_kind ? in->group_kind : "group");
    if (in->group == NULL && in->no_groups_note != NULL)
        snprintf(ev->no_groups_note, sizeof ev->no_groups_note, "%s", in->no_groups_note);
    if ((ev->label = ck__alloc_array(n, sizeof *ev->label)) == NULL)
        goto oom;
    memcpy(ev->label, in->label, n * sizeof *ev->label);
    for (size_t i = 0; i < n; i++)
        ev->n_positives += ev->label[i] > 0.5f;
    for (size_t k = 0; k < ev->n_results; k++) {
        bool baseline = k == in->n_models;
        const double *src = baseline ? in->baseline : in->model_scores[k];
        if ((ev->scores[k] = ck__alloc_array(n, sizeof *ev->scores[k])) == NULL)
            goto oom;
        memcpy(ev->scores[k], src, n * sizeof *src);
        ck_eval_result *r = &ev->results[k];
        const char *name = baseline ? in->baseline_name : in->model_names[k];
        snprintf(r->name, sizeof r->name, "%s", name ? name : baseline ? "baseline" : "model");
        r->is_baseline = baseline;
        no_ci(&r->ci);
        if ((rc = measure(r, ev->scores[k], ev->label, n, opts, err)) < 0)
            goto fail;
    }

    if (in->group != NULL && (rc = measure_groups(ev, in, err)) < 0)
        goto fail;

    /* DeLong: each model against the baseline, and the challenger against the champion */
    bool delong_possible = ev->n_positives >= 2 && n - ev->n_positives >= 2;
    for (size_t m = 0; delong_possible && in->baseline && m < ev->n_models; m++) {
        ck_eval_result *r = &ev->results[m];
        if ((rc = ck_metrics_delong(&r->vs_baseline, ev->scores[ev->n_models], ev->scores[m],
                                    ev->label, n, opts->level, err)) < 0)
            goto fail;
        r->has_vs_baseline = true;
    }
    if (ev->n_models == 2) {
        ev->has_comparison = true;
        ck_delong *d = &ev->comparison.delong;
        if (delong_possible) {
            if ((rc = ck_metrics_delong(d, ev->scores[0], ev->scores[1], ev->label, n, opts->level,
                                        err)) < 0)
                goto fail;
        } else {
            /* a test needs two rows of each class; the outputs show it as undefined */
            *d = (ck_delong){ ev->results[0].auc,
                              ev->results[1].auc,
                              NAN,
                              NAN,
                              NAN,
                              ev->results[1].auc - ev->results[0].auc,
                              NAN,
                              NAN,
                              NAN,
                              { NAN, NAN } };
        }
        ev->comparison.boot_diff_ci[0] = ev->comparison.boot_diff_ci[1] = NAN;
    }

    if (opts->bootstrap > 0) {
        ck_bootstrap_opts bo = { opts->bootstrap, opts->seed, opts->level, opts->n_threads };
        ck_bootstrap_ci ci[CK_EVAL_MAX_MODELS + 1];
        const double *scores[CK_EVAL_MAX_MODELS + 1];
        for (size_t k = 0; k < ev->n_results; k++)
            scores[k] = ev->scores[k];
        double diff_ci[2];
        if ((rc = ck_metrics_bootstrap(ci, diff_ci, scores, ev->n_results, ev->label, n, &bo,
                                       err)) < 0)
            goto fail;
        for (size_t k = 0; k < ev->n_results; k++) {
            ev->results[k].ci = ci[k];
            ev->results[k].has_ci = true;
        }
        if (ev->has_comparison) {
            ev->comparison.has_boot_ci = true;
            ev->comparison.boot_diff_ci[0] = diff_ci[0];
            ev->comparison.boot_diff_ci[1] = diff_ci[1];
        }
    }
    *out = ev;
    return CK_OK;
oom:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
fail:
    ck_eval_free(ev);
    return rc;
}

void ck_eval_free(ck_eval *ev)
{
    if (ev == NULL)
        return;
    for (size_t k = 0; k < CK_EVAL_MAX_MODELS + 1; k++)
        free(ev->scores[k]);
    free(ev->groups);
    free(ev->label);
    free(ev);
}

size_t ck_eval_n_rows(const ck_eval *ev)
{
    return ev->n_rows;
}

size_t ck_eval_n_positives(const ck_eval *ev)
{
    return ev->n_positives;
}

const ck_eval_opts *ck_eval_options(const ck_eval *ev)
{
    return &ev->opts;
}

const char *ck_eval_description(const ck_eval *ev)
{
    return ev->description;
}

size_t ck_eval_n_results(const ck_eval *ev)
{
    return ev->n_results;
}

const ck_eval_result *ck_eval_result_at(const ck_eval *ev, size_t k)
{
    return k < ev->n_results ? &ev->results[k] : NULL;
}

size_t ck_eval_n_models(const ck_eval *ev)
{
    return ev->n_models;
}

const ck_eval_comparison *ck_eval_comparison_of(const ck_eval *ev)
{
    return ev->has_comparison ? &ev->comparison : NULL;
}

const double *ck_eval_scores(const ck_eval *ev, size_t k)
{
    return k < ev->n_results ? ev->scores[k] : NULL;
}

const float *ck_eval_labels(const ck_eval *ev)
{
    return ev->label;
}

size_t ck_eval_n_groups(const ck_eval *ev)
{
    return ev->n_groups;
}

const ck_eval_group *ck_eval_group_at(const ck_eval *ev, size_t g)
{
    return g < ev->n_groups ? &ev->groups[g] : NULL;
}

const char *ck_eval_group_kind(const ck_eval *ev)
{
    return ev->group_kind;
}

const char *ck_eval_no_groups_note(const ck_eval *ev)
{
    return ev->no_groups_note;
}
