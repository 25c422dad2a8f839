/*
 * One read-out table (see ck_abtest_table in abtest.h) from a list of rows and a group
 * per row (experiment_int.h): one pass accumulates per group the count, the conversions
 * and Welford's running mean and sum of squares of revenue (Welford 1962, Technometrics
 * 4; Knuth, TAOCP vol. 2, 4.2.2), which feed Welch's test; then each group is compared
 * with group 0, the control, by the tests of stats.c; then the p-values are adjusted
 * across the table's arms and the arm sizes are checked against the expected split.
 *
 * CUPED: Deng, Xu, Kohavi & Walker (2013), "Improving the sensitivity of online controlled
 * experiments by utilizing pre-experiment data", WSDM, §3: Y' = Y − θ(X − mean X) with
 * θ = cov(X, Y)/var(X) over all the table's rows (any arm; X precedes the assignment, so
 * it is independent of it), X the customer's net spend in the window-length period before
 * assignment. Var(Y') = (1 − ρ²) Var(Y); the reported variance reduction is
 * 1 − var(Y')/var(Y) over the table. The CUPED difference is Welch's test on Y'.
 *
 * Sample-ratio mismatch: Pearson's chi-square of the arm sizes against the expected split
 * (Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online controlled
 * experiments", KDD), flagged below the threshold (0.001 by default).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ab/experiment_int.h"
#include "base/intern.h"
#include "base/util.h"
#include "churnkit/abtest.h"
#include "churnkit/stats.h"

/* Per-group accumulators of one table. */
typedef struct group_acc {
    size_t n, k;
    double mean, m2;         /* revenue */
    double adj_mean, adj_m2; /* CUPED-adjusted revenue */
    double contact_cost;
} group_acc;

static void welford(double *mean, double *m2, size_t n, double x)
{
    double delta = x - *mean;
    *mean += delta / (double)n;
    *m2 += delta * (x - *mean);
}

static double var_of(double m2, size_t n)
{
    return n > 1 ? m2 / (double)(n - 1) : NAN;
}

/* The interval of a two-sided method for a one-sided alternative: the two-sided interval
 * at level 2c − 1 has the one-sided bound at level c on each side; the other side is open. */
static double level_for(const ck_abtest *ab)
{
    return ab->alternative == CK_ALT_TWO_SIDED ? ab->confidence : 2.0 * ab->confidence - 1.0;
}

static void open_side(const ck_abtest *ab, double ci[2])
{
    if (ab->alternative == CK_ALT_GREATER)
        ci[1] = INFINITY;
    else if (ab->alternative == CK_ALT_LESS)
        ci[0] = -INFINITY;
}

static void set_nan_lifts(ck_abtest_arm *a)
{
    a->abs_lift = a->abs_lift_ci[0] = a->abs_lift_ci[1] = NAN;
    a->rel_lift = a->rel_lift_ci[0] = a->rel_lift_ci[1] = NAN;
    a->test = CK_ABTEST_NO_TEST;
    a->z = a->p_value = a->p_adjusted = NAN;
    a->significant = false;
    a->revenue_diff = a->revenue_diff_ci[0] = a->revenue_diff_ci[1] = NAN;
    a->revenue_df = a->revenue_p_value = a->revenue_p_adjusted = NAN;
    a->cuped_revenue_diff = a->cuped_revenue_diff_ci[0] = a->cuped_revenue_diff_ci[1] = NAN;
    a->cuped_revenue_p_value = NAN;
    a->incremental_conversions = a->incremental_revenue = NAN;
    a->cost = a->cost_per_incremental_conversion = a->roi = NAN;
}

/* CUPED's θ over the whole table, from the co-moments of (X, Y) by Welford's update;
 * @p mean_x gets the mean of X. */
static double cuped_theta(const ck_abtest *ab, const ck__abtest_table_spec *spec, double *mean_x)
{
    double mx = 0.0, my = 0.0, cxy = 0.0, cxx = 0.0;
    for (size_t q = 0; q < spec->n_rows; q++) {
        size_t i = spec->rows[q];
        double x = ab->pre[i], y = ab->revenue[i], n = (double)(q + 1);
        double dx = x - mx;
        mx += dx / n;
        my += (y - my) / n;
        cxy += dx * (y - my);
        cxx += dx * (x - mx);
    }
    *mean_x = mx;
    return cxx > 0.0 ? cxy / cxx : 0.0;
}

/* What contacting row i's customer costs: by its channel, else the default (last). */
static double contact_cost_of(const ck_abtest *ab, size_t i)
{
    uint32_t ch = ab->channel >= 0 ? ab->keep[ab->channel].code[i] : CK__ABTEST_MISSING;
    size_t n_levels = ab->channel >= 0 ? ab->keep[ab->channel].levels.count : 0;
    return ab->contact_cost[ch == CK__ABTEST_MISSING ? n_levels : ch];
}

/* The one pass over the table's rows into @p acc (zeroed, one per group).
 * @return CUPED's variance reduction over the table, NaN without CUPED */
static double accumulate(const ck_abtest *ab, const ck__abtest_table_spec *spec, bool with_cuped,
                         double theta, double mean_x, group_acc *acc)
{
    double all_mean = 0.0, all_m2 = 0.0, adj_all_mean = 0.0, adj_all_m2 = 0.0;
    for (size_t q = 0; q < spec->n_rows; q++) {
        size_t i = spec->rows[q];
        group_acc *g = &acc[spec->group[i]];
        g->n++;
        g->k += ab->converted[i];
        welford(&g->mean, &g->m2, g->n, ab->revenue[i]);
        welford(&all_mean, &all_m2, q + 1, ab->revenue[i]);
        if (with_cuped) {
            double y_adj = ab->revenue[i] - theta * (ab->pre[i] - mean_x);
            welford(&g->adj_mean, &g->adj_m2, g->n, y_adj);
            welford(&adj_all_mean, &adj_all_m2, q + 1, y_adj);
        }
        if (ab->has_costs && spec->group_arm[spec->group[i]] != 0)
            g->contact_cost += contact_cost_of(ab, i);
    }
    return with_cuped && all_m2 > 0.0 ? 1.0 - adj_all_m2 / all_m2 : NAN;
}

/* Group g's own numbers: its arm (and channel), size, conversions, rate with Wilson's
 * interval, revenue; everything measured against control is NaN until compared. */
static void describe_arm(const ck_abtest *ab, const ck__abtest_table_spec *spec, size_t g,
                         const group_acc *t, ck_abtest_arm *a)
{
    a->arm = ck__intern_str(&ab->arms, ab->arm_at[spec->group_arm[g]]);
    a->channel = spec->channels != NULL ? spec->channels[g] : NULL;
    a->is_control = g == 0;
    a->n = t->n;
    a->conversions = t->k;
    a->rate = t->n ? (double)t->k / (double)t->n : NAN;
    ck_stats_wilson(t->k, t->n, ab->confidence, &a->rate_ci[0], &a->rate_ci[1]);
    a->revenue_total = ab->has_revenue ? t->mean * (double)t->n : NAN;
    a->revenue_per_user = ab->has_revenue && t->n ? t->mean : NAN;
    set_nan_lifts(a);
}

/* Conversion against control (@p c): the absolute and relative lifts with their
 * intervals, and the p-value of the z test, or of Fisher's when a count is small. */
static int compare_conversion(const ck_abtest *ab, const group_acc *t, const group_acc *c,
                              ck_abtest_arm *a, ck_error *err)
{
    double level = level_for(ab);
    a->abs_lift = a->rate - (double)c->k / (double)c->n;
    ck_stats_newcombe(t->k, t->n, c->k, c->n, level, &a->abs_lift_ci[0], &a->abs_lift_ci[1]);
    open_side(ab, a->abs_lift_ci);
    a->rel_lift = ck_stats_relative_lift(t->k, t->n, c->k, c->n, level, &a->rel_lift_ci[0],
                                         &a->rel_lift_ci[1]);
    if (!isnan(a->rel_lift))
        open_side(ab, a->rel_lift_ci);
    if (ck_stats_needs_exact(t->k, t->n - t->k, c->k, c->n - c->k)) {
        a->test = CK_ABTEST_FISHER;
        int rc = ck_stats_fisher_exact(&a->p_value, t->k, t->n - t->k, c->k, c->n - c->k,
                                       ab->alternative, err);
        if (rc < 0)
            return rc;
    } else {
        a->test = CK_ABTEST_Z;
        a->p_value = ck_stats_ztest_2prop(t->k, t->n, c->k, c->n, ab->alternative, &a->z);
    }
    a->incremental_conversions = a->abs_lift * (double)t->n;
    return CK_OK;
}

/* Revenue per customer against control by Welch's test, and the same on the
 * CUPED-adjusted revenue. */
static void compare_revenue(const ck_abtest *ab, bool with_cuped, const group_acc *t,
                            const group_acc *c, ck_abtest_arm *a)
{
    if (ab->has_revenue) {
        ck_welch w = ck_stats_welch(t->mean, var_of(t->m2, t->n), t->n, c->mean,
                                    var_of(c->m2, c->n), c->n, ab->confidence, ab->alternative);
        a->revenue_diff = w.diff;
        a->revenue_diff_ci[0] = w.lo;
        a->revenue_diff_ci[1] = w.hi;
        a->revenue_df = w.df;
        a->revenue_p_value = w.p;
        a->incremental_revenue = w.diff * (double)t->n;
    }
    if (with_cuped) {
        ck_welch w = ck_stats_welch(t->adj_mean, var_of(t->adj_m2, t->n), t->n, c->adj_mean,
                                    var_of(c->adj_m2, c->n), c->n, ab->confidence, ab->alternative);
        a->cuped_revenue_diff = w.diff;
        a->cuped_revenue_diff_ci[0] = w.lo;
        a->cuped_revenue_diff_ci[1] = w.hi;
        a->cuped_revenue_p_value = w.p;
    }
}

/* A treated arm's cost (its contacts, and the offer to each converted customer), the
 * cost per incremental conversion and the return on it; after the comparisons. */
static void cost_arm(const ck_abtest *ab, double offer_cost, const group_acc *t, ck_abtest_arm *a)
{
    a->cost = t->contact_cost + offer_cost * (double)t->k;
    if (a->incremental_conversions > 0.0)
        a->cost_per_incremental_conversion = a->cost / a->incremental_conversions;
    if (a->cost > 0.0 && ab->has_revenue)
        a->roi = (a->incremental_revenue - a->cost) / a->cost;
}

/* Every row of the table: described, and compared with the control when both have rows. */
static int compare_arms(const ck_abtest *ab, const ck__abtest_table_spec *spec, bool with_cuped,
                        const group_acc *acc, ck_abtest_arm *arms, ck_error *err)
{
    const group_acc *c = &acc[0];
    for (size_t g = 0; g < spec->n_groups; g++) {
        ck_abtest_arm *a = &arms[g];
        const group_acc *t = &acc[g];
        describe_arm(ab, spec, g, t, a);
        if (g == 0 || t->n == 0 || c->n == 0)
            continue;
        int rc = compare_conversion(ab, t, c, a, err);
        if (rc < 0)
            return rc;
        compare_revenue(ab, with_cuped, t, c, a);
        if (ab->has_costs)
            cost_arm(ab, ab->offer_cost[spec->group_arm[g]], t, a);
    }
    return CK_OK;
}

/* The corrections across the treated arms of this table, for conversion and revenue. */
static int adjust_p_values(const ck_abtest *ab, ck_abtest_arm *arms, size_t G, ck_error *err)
{
    double *p = ck__alloc_array(2 * G, sizeof *p);
    if (p == NULL)
        return ck__abtest_oom(ab->path, err);
    for (size_t g = 0; g < G; g++) {
        p[g] = arms[g].p_value;
        p[G + g] = arms[g].revenue_p_value;
    }
    int rc;
    if ((rc = ck_stats_adjust(p, p, G, ab->correction, err)) < 0 ||
        (rc = ck_stats_adjust(p + G, p + G, G, ab->correction, err)) < 0) {
        free(p);
        return rc;
    }
    for (size_t g = 1; g < G; g++) {
        arms[g].p_adjusted = p[g];
        arms[g].revenue_p_adjusted = p[G + g];
        arms[g].significant = !isnan(p[g]) && p[g] < ab->alpha;
    }
    free(p);
    return CK_OK;
}

/* The sample-ratio test of the arm sizes; not for the arm × channel table, whose cells
 * have no expected share. */
static int srm_test(const ck_abtest *ab, const ck__abtest_table_spec *spec, const group_acc *acc,
                    ck_abtest_table *t, ck_error *err)
{
    size_t G = spec->n_groups;
    t->srm_chi2 = t->srm_df = t->srm_p_value = NAN;
    if (spec->kind == CK_ABTEST_ARM_CHANNEL || spec->n_rows == 0)
        return CK_OK;
    size_t *observed = ck__alloc_array(G, sizeof *observed);
    if (observed == NULL)
        return ck__abtest_oom(ab->path, err);
    for (size_t g = 0; g < G; g++)
        observed[g] = acc[g].n;
    t->srm_p_value = ck_stats_chi2_gof(observed, ab->split, G, &t->srm_chi2);
    free(observed);
    t->has_srm = !isnan(t->srm_p_value);
    t->srm_df = (double)(G - 1);
    t->srm_mismatch = t->has_srm && t->srm_p_value < ab->srm_threshold;
    return CK_OK;
}

int ck__abtest_table_compute(const ck_abtest *ab, const ck__abtest_table_spec *spec,
                             ck__abtest_table_store *out, ck_error *err)
{
    int rc = CK_OK;
    size_t G = spec->n_groups;
    group_acc *acc = calloc(G, sizeof *acc);
    ck_abtest_arm *arms = calloc(G, sizeof *arms);
    if (acc == NULL || arms == NULL) {
        rc = ck__abtest_oom(ab->path, err);
        goto fail;
    }
    bool with_cuped = ab->cuped && ab->has_pre && ab->has_revenue;
    double mean_x = 0.0, theta = with_cuped ? cuped_theta(ab, spec, &mean_x) : NAN;
    double reduction = accumulate(ab, spec, with_cuped, theta, mean_x, acc);
    if ((rc = compare_arms(ab, spec, with_cuped, acc, arms, err)) < 0 ||
        (rc = adjust_p_values(ab, arms, G, err)) < 0)
        goto fail;
    ck_abtest_table *t = &out->t;
    memset(t, 0, sizeof *t);
    t->kind = spec->kind;
    t->column = spec->column;
    t->value = spec->value;
    t->n = spec->n_rows;
    t->n_arms = G;
    t->arms = arms;
    t->has_control = acc[0].n > 0;
    t->cuped_theta = theta;
    t->cuped_variance_reduction = reduction;
    if ((rc = srm_test(ab, spec, acc, t, err)) < 0)
        goto fail;
    out->arms = arms;
    free(acc);
    return CK_OK;
fail:
    free(acc);
    free(arms);
    return rc;
}
