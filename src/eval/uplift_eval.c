/*
 * Evaluating an uplift model on held-out randomised-experiment data, one treatment arm
 * against control (see uplift_eval.h), and its text and JSON.
 *
 * Data: n rows of (predicted uplift, treated, outcome 0/1, id), copied into one array and
 * sorted once: by predicted uplift descending, ties by id ascending (strcmp), then by input
 * position, so the order is total and the same on every platform. Every measure below is
 * a walk over that order; the result owns its full curve (n + 1 points).
 *
 * Formulas (docs/EVAL.md, "Uplift"), with N_T(k), N_C(k) the treated and control rows and
 * Y_T(k), Y_C(k) their positives among the first k rows, at every row prefix k = 0..n:
 * - Qini curve (Radcliffe 2007, "Using control groups to target on predicted lift",
 *   DMA Analytics Journal; scikit-uplift's qini_curve):
 *   Q(k) = Y_T(k) − Y_C(k)·N_T(k)/N_C(k), the subtracted term 0 when N_C(k) = 0 (then
 *   Y_C(k) = 0 too, so this is the limit, and scikit-uplift's choice).
 * - Uplift curve (scikit-uplift's uplift_curve): U(k) = (Y_T/N_T − Y_C/N_C)·k, each rate
 *   0 while its group is empty.
 * - Areas over x = k/n by the trapezoid rule, minus the random line from (0, 0) to
 *   (1, F(n)), whose area is F(n)/2: area(F) = (1/n) Σ_{k=1..n} (F(k−1) + F(k))/2 − F(n)/2.
 *   qini_area = area(Q), auuc = area(U).
 * - Qini coefficient (scikit-uplift's qini_auc_score, per-row prefixes): qini_area over
 *   the same area of the perfect ordering, treated responders first, then the
 *   non-responders, then control responders. That area does not depend on the order
 *   inside those groups (in the middle one Y_C = 0, so Q is flat), so it follows from the
 *   four counts alone.
 * - Uplift coefficient: auuc over perfect_auuc, area(U) of the same perfect ordering with
 *   its non-responders ordered control first, then treated (U depends on that order; this
 *   one keeps U(k) = k, its upper bound, over the treated responders and control
 *   non-responders). Per row, like the perfect Qini curve. Not the maximum area over all
 *   orderings in general, so a model can score above 1.
 * - uplift_at(f): among the first m = ⌈f·n⌉ rows (integer arithmetic, f in percent), the
 *   treated rate minus the control rate, with Newcombe's hybrid score interval (Newcombe
 *   1998, Stat Med 17:873-890, method 10; ck_stats_newcombe).
 * - Deciles: group g = 0..9 holds rows [⌊g·n/10⌋, ⌊(g+1)·n/10⌋): sizes differ by at most
 *   one, the larger ones spread evenly.
 * - Bootstrap (Efron & Tibshirani 1993, ch. 13): resample r draws n rows with replacement
 *   from stream (seed, r) of rng.h's generator (xoshiro256** seeded by splitmix64); a
 *   resample only changes how often each row counts, so it is a walk over the sorted order
 *   with counts as multiplicities. Copies of one row are identical, so their order among
 *   themselves does not matter. The interval is the 2.5% and 97.5% type-7 quantiles
 *   (Hyndman & Fan 1996, numpy's "linear") of the resamples whose coefficient is defined.
 */
#include "churnkit/uplift_eval.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"
#include "churnkit/stats.h"
#include "io/json.h"

/* The fractions of uplift_at, in percent so that ⌈f·n⌉ is exact integer arithmetic. */
static const unsigned AT_PERCENT[CK_UPLIFT_EVAL_N_AT] = { 10, 20, 30, 50 };
static const char *const AT_KEY[CK_UPLIFT_EVAL_N_AT] = { "0.1", "0.2", "0.3", "0.5" };

#define LEVEL 0.95

typedef struct row {
    double score;
    const char *id; /* borrowed from the input; used only while sorting */
    size_t pos;
    bool treated;
    bool positive;
} row;

static int compare_rows(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    int c = strcmp(x->id, y->id);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : (x->pos > y->pos);
}

/* ---- the walk ------------------------------------------------------------------------ */

typedef struct walk {
    size_t k, nt, nc, yt, yc;
    double q, u;         /* Q(k), U(k) */
    double sum_q, sum_u; /* Σ (F(k−1) + F(k)) */
} walk;

static double qini_value(const walk *w)
{
    if (w->nc == 0)
        return (double)w->yt;
    return (double)w->yt - (double)w->yc * (double)w->nt / (double)w->nc;
}

static double uplift_value(const walk *w)
{
    double rt = w->nt ? (double)w->yt / (double)w->nt : 0.0;
    double rc = w->nc ? (double)w->yc / (double)w->nc : 0.0;
    return (rt - rc) * (double)w->k;
}

static void walk_step(walk *w, bool treated, bool positive)
{
    w->k++;
    if (treated) {
        w->nt++;
        w->yt += positive;
    } else {
        w->nc++;
        w->yc += positive;
    }
    double q = qini_value(w), u = uplift_value(w);
    w->sum_q += w->q + q;
    w->sum_u += w->u + u;
    w->q = q;
    w->u = u;
}

static double walk_area(double sum, double last, size_t n)
{
    return sum / (2.0 * (double)n) - last / 2.0;
}

/* The perfect ordering of rows with these counts: treated responders, control
 * non-responders, treated non-responders, control responders. The Qini curve is flat over
 * the non-responders whatever their order (Y_C = 0 there); the uplift curve is not, and
 * putting control non-responders first keeps U(k) = k, its bound, over the first
 * treated_pos + control_neg rows. */
static walk perfect_walk(size_t treated_pos, size_t treated_neg, size_t control_neg,
                         size_t control_pos)
{
    walk w = { 0 };
    for (size_t i = 0; i < treated_pos; i++)
        walk_step(&w, true, true);
    for (size_t i = 0; i < control_neg; i++)
        walk_step(&w, false, false);
    for (size_t i = 0; i < treated_neg; i++)
        walk_step(&w, true, false);
    for (size_t i = 0; i < control_pos; i++)
        walk_step(&w, false, true);
    return w;
}

/* The Qini area of the perfect ordering of rows with these counts. */
static double perfect_qini_area(size_t treated_pos, size_t treated_neg, size_t control_neg,
                                size_t control_pos)
{
    walk w = perfect_walk(treated_pos, treated_neg, control_neg, control_pos);
    return walk_area(w.sum_q, w.q, w.k);
}

/* ---- groups ------------------------------------------------------------------------- */

static void group_of(ck_uplift_group *g, const row *r, size_t begin, size_t end, bool with_ci)
{
    memset(g, 0, sizeof *g);
    for (size_t i = begin; i < end; i++) {
        if (r[i].treated) {
            g->treated++;
            g->treated_positives += r[i].positive;
        } else {
            g->control++;
            g->control_positives += r[i].positive;
        }
    }
    g->rows = end - begin;
    g->treated_rate = g->treated ? (double)g->treated_positives / (double)g->treated : NAN;
    g->control_rate = g->control ? (double)g->control_positives / (double)g->control : NAN;
    g->uplift = g->treated_rate - g->control_rate;
    g->low = g->high = NAN;
    if (with_ci && g->treated > 0 && g->control > 0)
        ck_stats_newcombe(g->treated_positives, g->treated, g->control_positives, g->control, LEVEL,
                          &g->low, &g->high);
}

/* ---- bootstrap ---------------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of sorted v[0..m), m ≥ 1. */
static double quantile7(const double *v, size_t m, double p)
{
    double h = (double)(m - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= m)
        return v[m - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

static int bootstrap(ck_uplift_eval *ue, const row *r, size_t n, size_t resamples, uint64_t seed,
                     ck_error *err)
{
    size_t *count = calloc(n, sizeof *count);
    double *value = calloc(resamples, sizeof *value);
    if (count == NULL || value == NULL) {
        free(count);
        free(value);
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory for %zu bootstrap resamples",
                            resamples);
    }
    size_t valid = 0;
    for (size_t b = 0; b < resamples; b++) {
        ck__rng rng;
        ck__rng_seed(&rng, seed, (uint64_t)b);
        memset(count, 0, n * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[ck__rng_below(&rng, (uint64_t)n)]++;
        walk w = { 0 };
        size_t tp = 0, tn = 0, cp = 0, cn = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t c = 0; c < count[i]; c++)
                walk_step(&w, r[i].treated, r[i].positive);
            if (r[i].treated)
                *(r[i].positive ? &tp : &tn) += count[i];
            else
                *(r[i].positive ? &cp : &cn) += count[i];
        }
        double perfect = perfect_qini_area(tp, tn, cn, cp);
        /* a resample without both groups, or without responders, has no coefficient */
        if (tp + tn == 0 || cp + cn == 0 || perfect == 0.0)
            continue;
        value[valid++] = walk_area(w.sum_q, w.q, n) / perfect;
    }
    ue->bootstrap = resamples;
    ue->bootstrap_valid = valid;
    if (valid > 0) {
        qsort(value, valid, sizeof *value, compare_doubles);
        ue->qini_low = quantile7(value, valid, (1.0 - LEVEL) / 2.0);
        ue->qini_high = quantile7(value, valid, (1.0 + LEVEL) / 2.0);
    }
    free(count);
    free(value);
    return CK_OK;
}

/* ---- the evaluation ------------------------------------------------------------------ */

static int check_input(const ck_uplift_eval_input *in, ck_error *err)
{
    if (in->arm != NULL && strlen(in->arm) >= CK_UPLIFT_EVAL_ARM_LEN)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "arm name must be at most %d bytes, got \"%.40s...\"",
                            CK_UPLIFT_EVAL_ARM_LEN - 1, in->arm);
    if (in->n < 2)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "uplift evaluation needs at least 2 rows, got %zu", in->n);
    size_t treated = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (!isfinite(in->score[i]))
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1,
                                "score[%zu] must be a finite number, got %g", i, in->score[i]);
        if (in->outcome[i] != 0 && in->outcome[i] != 1)
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1,
                                "outcome[%zu] must be 0 or 1, got %d", i, in->outcome[i]);
        if (in->id[i] == NULL)
            return ck_error_set(err, CK_EINVAL, NULL, (long)i + 1, "id[%zu] is missing (NULL)", i);
        treated += in->treated[i];
    }
    const char *arm = in->arm ? in->arm : "treatment";
    if (treated == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "no row of arm \"%s\" among %zu rows", arm,
                            in->n);
    if (treated == in->n)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "no control row among %zu rows (all in arm \"%s\")", in->n, arm);
    return CK_OK;
}

int ck_uplift_eval_run(ck_uplift_eval **out, const ck_uplift_eval_input *in,
                       const ck_uplift_eval_params *params, ck_error *err)
{
    assert(out != NULL && in != NULL);
    *out = NULL;
    const ck_uplift_eval_params none = CK_UPLIFT_EVAL_PARAMS_INIT;
    if (params == NULL)
        params = &none;
    int rc = check_input(in, err);
    if (rc < 0)
        return rc;
    size_t n = in->n, bytes, n_curve = n + 1;
    if (n_curve == 0 || !ck__mul_size(&bytes, n, sizeof(row)))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "too many rows: %zu", n);
    row *r = malloc(bytes);
    ck_uplift_eval *ue = calloc(1, sizeof *ue);
    ck_uplift_curve_point *curve = NULL;
    if (r == NULL || ue == NULL || !ck__mul_size(&bytes, n_curve, sizeof *curve) ||
        (curve = malloc(bytes)) == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory evaluating %zu rows", n);
        goto fail;
    }
    snprintf(ue->arm, sizeof ue->arm, "%s", in->arm ? in->arm : "treatment");
    for (size_t i = 0; i < n; i++)
        r[i] = (row){ in->score[i], in->id[i], i, in->treated[i], in->outcome[i] == 1 };
    qsort(r, n, sizeof *r, compare_rows);

    walk w = { 0 };
    curve[0] = (ck_uplift_curve_point){ 0, 0.0, 0.0 };
    for (size_t i = 0; i < n; i++) {
        walk_step(&w, r[i].treated, r[i].positive);
        curve[i + 1] = (ck_uplift_curve_point){ w.k, w.q, w.u };
    }
    ue->curve = curve;
    ue->n_curve = n_curve;
    curve = NULL;
    ue->qini_area = walk_area(w.sum_q, w.q, n);
    ue->auuc = walk_area(w.sum_u, w.u, n);
    group_of(&ue->all, r, 0, n, true);
    const ck_uplift_group *a = &ue->all;
    walk pw = perfect_walk(a->treated_positives, a->treated - a->treated_positives,
                           a->control - a->control_positives, a->control_positives);
    ue->perfect_qini_area = walk_area(pw.sum_q, pw.q, n);
    ue->perfect_auuc = walk_area(pw.sum_u, pw.u, n);
    ue->qini = ue->perfect_qini_area != 0.0 ? ue->qini_area / ue->perfect_qini_area : NAN;
    ue->uplift_coefficient = ue->perfect_auuc != 0.0 ? ue->auuc / ue->perfect_auuc : NAN;

    for (size_t j = 0; j < CK_UPLIFT_EVAL_N_AT; j++) {
        size_t p = AT_PERCENT[j];
        size_t m = (n / 100) * p + ((n % 100) * p + 99) / 100; /* ⌈p·n/100⌉ without overflow */
        ue->at[j].fraction = (double)p / 100.0;
        group_of(&ue->at[j].g, r, 0, m, true);
    }
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        /* ⌊g·n/10⌋ as (g·(n/10)) + ⌊g·(n%10)/10⌋, exact and overflow-free */
        size_t begin = g * (n / 10) + g * (n % 10) / 10;
        size_t end = (g + 1) * (n / 10) + (g + 1) * (n % 10) / 10;
        group_of(&ue->deciles[g], r, begin, end, false);
    }

    ue->seed = params->seed;
    ue->qini_low = ue->qini_high = NAN;
    if (params->bootstrap > 0 &&
        (rc = bootstrap(ue, r, n, params->bootstrap, params->seed, err)) < 0)
        goto fail;
    free(r);
    *out = ue;
    return CK_OK;
fail:
    free(curve);
    ck_uplift_eval_free(ue);
    free(r);
    return rc;
}

void ck_uplift_eval_free(ck_uplift_eval *ue)
{
    if (ue == NULL)
        return;
    free(ue->curve);
    free(ue);
}

/* ---- text ---------------------------------------------------------------------------- */

static void number(FILE *out, double v, int width, int decimals)
{
    if (isnan(v))
        fprintf(out, "%*s", width, "-");
    else
        fprintf(out, "%*.*f", width, decimals, v);
}

int ck_uplift_eval_write_text(const ck_uplift_eval *ue, FILE *out, ck_error *err)
{
    const ck_uplift_group *a = &ue->all;
    fprintf(out, "arm %s against control: %zu rows, %zu treated, %zu control\n", ue->arm, a->rows,
            a->treated, a->control);
    fprintf(out, "average uplift %+.4f (treated %.4f, control %.4f), 95%% CI ", a->uplift,
            a->treated_rate, a->control_rate);
    if (isnan(a->low))
        fprintf(out, "-\n");
    else
        fprintf(out, "%+.4f to %+.4f\n", a->low, a->high);
    fprintf(out, "Qini coefficient ");
    number(out, ue->qini, 0, 4);
    if (ue->bootstrap > 0) {
        fprintf(out, ", 95%% bootstrap interval ");
        if (isnan(ue->qini_low))
            fprintf(out, "-");
        else
            fprintf(out, "%.4f to %.4f", ue->qini_low, ue->qini_high);
        fprintf(out, " (%zu of %zu resamples, seed %llu)", ue->bootstrap_valid, ue->bootstrap,
                (unsigned long long)ue->seed);
    }
    fprintf(out, "\nUplift coefficient ");
    number(out, ue->uplift_coefficient, 0, 4);
    fprintf(out, "\nQini area %.4f (perfect %.4f), AUUC %.4f (perfect %.4f)\n\n", ue->qini_area,
            ue->perfect_qini_area, ue->auuc, ue->perfect_auuc);
    fprintf(out, "%-8s%8s%9s%9s%10s%10s%10s%10s%10s\n", "top", "rows", "treated", "control",
            "t rate", "c rate", "uplift", "low", "high");
    for (size_t j = 0; j < CK_UPLIFT_EVAL_N_AT; j++) {
        const ck_uplift_group *g = &ue->at[j].g;
        fprintf(out, "%-8s%8zu%9zu%9zu", AT_KEY[j], g->rows, g->treated, g->control);
        number(out, g->treated_rate, 10, 4);
        number(out, g->control_rate, 10, 4);
        number(out, g->uplift, 10, 4);
        number(out, g->low, 10, 4);
        number(out, g->high, 10, 4);
        fputc('\n', out);
    }
    fprintf(out, "\n%-8s%8s%9s%9s%10s%10s%10s\n", "decile", "rows", "treated", "control", "t rate",
            "c rate", "uplift");
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        const ck_uplift_group *d = &ue->deciles[g];
        fprintf(out, "%-8zu%8zu%9zu%9zu", g + 1, d->rows, d->treated, d->control);
        number(out, d->treated_rate, 10, 4);
        number(out, d->control_rate, 10, 4);
        number(out, d->uplift, 10, 4);
        fputc('\n', out);
    }
    if (ferror(out))
        return ck_error_set(err, CK_EIO, NULL, 0, "cannot write the uplift evaluation");
    return CK_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void group_json(ck__json_writer *w, ck__json *obj, const ck_uplift_group *g, bool with_ci,
                       const char *at)
{
    if (with_ci) {
        ck__json_put(w, obj, "uplift", ck__json_new_metric(w, g->uplift, "%s.uplift", at));
        ck__json_put(w, obj, "low", ck__json_new_metric(w, g->low, "%s.low", at));
        ck__json_put(w, obj, "high", ck__json_new_metric(w, g->high, "%s.high", at));
    }
    ck__json_put(w, obj, "rows", ck__json_new_integer(w, (long long)g->rows));
    ck__json_put(w, obj, "treated", ck__json_new_integer(w, (long long)g->treated));
    ck__json_put(w, obj, "control", ck__json_new_integer(w, (long long)g->control));
    ck__json_put(w, obj, "treated_rate",
                 ck__json_new_metric(w, g->treated_rate, "%s.treated_rate", at));
    ck__json_put(w, obj, "control_rate",
                 ck__json_new_metric(w, g->control_rate, "%s.control_rate", at));
    if (!with_ci)
        ck__json_put(w, obj, "uplift", ck__json_new_metric(w, g->uplift, "%s.uplift", at));
}

int ck_uplift_eval_write_json(const ck_uplift_eval *ue, FILE *out, ck_error *err)
{
    ck__json_writer w = { CK_OK, err };
    ck__json *root = ck__json_new_object(&w);
    if (root == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory writing JSON");
    ck__json_put(&w, root, "arm", ck__json_new_string(&w, ue->arm));
    ck__json_put(&w, root, "qini", ck__json_new_metric(&w, ue->qini, "qini"));
    ck__json_put(&w, root, "qini_area", ck__json_new_metric(&w, ue->qini_area, "qini_area"));
    ck__json_put(&w, root, "auuc", ck__json_new_metric(&w, ue->auuc, "auuc"));
    ck__json_put(&w, root, "perfect_qini_area",
                 ck__json_new_metric(&w, ue->perfect_qini_area, "perfect_qini_area"));
    ck__json_put(&w, root, "uplift_coefficient",
                 ck__json_new_metric(&w, ue->uplift_coefficient, "uplift_coefficient"));
    ck__json_put(&w, root, "perfect_auuc",
                 ck__json_new_metric(&w, ue->perfect_auuc, "perfect_auuc"));
    ck__json_put(&w, root, "rows", ck__json_new_integer(&w, (long long)ue->all.rows));
    ck__json_put(&w, root, "treated", ck__json_new_integer(&w, (long long)ue->all.treated));
    ck__json_put(&w, root, "control", ck__json_new_integer(&w, (long long)ue->all.control));
    ck__json *at = ck__json_put(&w, root, "uplift_at", ck__json_new_object(&w));
    for (size_t j = 0; j < CK_UPLIFT_EVAL_N_AT; j++) {
        char path[32];
        snprintf(path, sizeof path, "uplift_at.%s", AT_KEY[j]);
        ck__json *g = ck__json_put(&w, at, AT_KEY[j], ck__json_new_object(&w));
        group_json(&w, g, &ue->at[j].g, true, path);
    }
    ck__json *dec = ck__json_put(&w, root, "deciles", ck__json_new_array(&w));
    for (size_t g = 0; g < CK_UPLIFT_EVAL_DECILES; g++) {
        char path[32];
        snprintf(path, sizeof path, "deciles[%zu]", g);
        ck__json *d = ck__json_put(&w, dec, NULL, ck__json_new_object(&w));
        ck__json_put(&w, d, "decile", ck__json_new_integer(&w, (long long)g + 1));
        group_json(&w, d, &ue->deciles[g], false, path);
    }
    if (ue->bootstrap > 0 && !isnan(ue->qini_low)) {
        ck__json *iv = ck__json_put(&w, root, "qini_interval", ck__json_new_array(&w));
        ck__json_put(&w, iv, NULL, ck__json_new_metric(&w, ue->qini_low, "qini_interval[0]"));
        ck__json_put(&w, iv, NULL, ck__json_new_metric(&w, ue->qini_high, "qini_interval[1]"));
    } else {
        ck__json_put(&w, root, "qini_interval", ck__json_new_null(&w));
    }
    ck__json_put(&w, root, "bootstrap", ck__json_new_integer(&w, (long long)ue->bootstrap));
    ck__json *curve = ck__json_put(&w, root, "curve", ck__json_new_array(&w));
    size_t n = ue->n_curve - 1, last = SIZE_MAX;
    for (size_t j = 0; j <= 100; j++) {
        /* k = ⌊j·n/100⌋, exact and overflow-free; for n ≤ 100 repeats are skipped */
        size_t k = j * (n / 100) + j * (n % 100) / 100;
        if (k == last)
            continue;
        last = k;
        const ck_uplift_curve_point *p = &ue->curve[k];
        ck__json *pt = ck__json_put(&w, curve, NULL, ck__json_new_object(&w));
        ck__json_put(&w, pt, "fraction",
                     ck__json_new_metric(&w, (double)k / (double)n, "curve[%zu].fraction", j));
        ck__json_put(&w, pt, "rows", ck__json_new_integer(&w, (long long)k));
        ck__json_put(&w, pt, "qini", ck__json_new_metric(&w, p->qini, "curve[%zu].qini", j));
        ck__json_put(&w, pt, "uplift", ck__json_new_metric(&w, p->uplift, "curve[%zu].uplift", j));
    }
    int rc = w.rc;
    if (rc == CK_OK)
        rc = ck__json_write(root, out, err);
    ck__json_free(root);
    return rc;
}
