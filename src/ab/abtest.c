/*
 * The analysis of an experiment (see ck_abtest_analyze() in abtest.h): the options are
 * checked, the arms put in table order (control first, then by name) with their expected
 * shares and offer costs, the contact costs set by channel, then the tables are made:
 * overall, each segment of each --by column (its rows by a counting sort on the level,
 * levels by name, missing last), and the arm × channel table. Each table is computed by
 * readout_table.c; the statistics themselves are in stats.c.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab/experiment_int.h"
#include "base/intern.h"
#include "base/util.h"

#define MAX_SEGMENTS 200 /* values of a --by column; more is an id, not a segment */

/* Arm order: control first, the others sorted by name (byte order). */
typedef struct named {
    const char *name;
    uint32_t id;
} named;

static int named_cmp(const void *x, const void *y)
{
    const named *a = x, *b = y;
    return strcmp(a->name, b->name);
}

static int add_table(ck_abtest *ab, const ck__abtest_table_spec *spec, ck_error *err)
{
    ck__abtest_table_store *p = realloc(ab->tables, (ab->n_tables + 1) * sizeof *p);
    if (p == NULL)
        return ck__abtest_oom(ab->path, err);
    ab->tables = p;
    int rc = ck__abtest_table_compute(ab, spec, &ab->tables[ab->n_tables], err);
    if (rc < 0)
        return rc;
    ab->n_tables++;
    return CK_OK;
}

/* The control arm's id; an error when it has no rows or is the only arm. */
static int find_control(long *out, const ck_abtest *ab, const char *control, ck_error *err)
{
    size_t K = ab->arms.count;
    *out = ck__intern_find(&ab->arms, control, strlen(control));
    if (*out < 0) {
        char list[512];
        size_t used = 0;
        list[0] = '\0';
        for (size_t a = 0; a < K && used + 1 < sizeof list; a++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", a ? ", " : "",
                             ck__intern_str(&ab->arms, a));
            used += n > 0 ? (size_t)n : 0;
        }
        return ck_error_set(err, CK_EINVAL, ab->path, 0, "no control arm \"%s\" (arms: %s)",
                            control, list);
    }
    if (K < 2)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "only the control arm \"%s\": nothing to compare it with", control);
    return CK_OK;
}

/* Table order: the control first, the others by name; @p sorted is scratch for K arms. */
static void order_arms(ck_abtest *ab, long control, named *sorted)
{
    size_t K = ab->arms.count, m = 0;
    for (size_t a = 0; a < K; a++)
        if ((long)a != control)
            sorted[m++] = (named){ ck__intern_str(&ab->arms, a), (uint32_t)a };
    qsort(sorted, m, sizeof *sorted, named_cmp);
    ab->arm_at[0] = (uint32_t)control;
    for (size_t j = 0; j < m; j++)
        ab->arm_at[j + 1] = sorted[j].id;
    for (size_t j = 0; j < K; j++)
        ab->pos_of_arm[ab->arm_at[j]] = (uint32_t)j;
}

/* The expected share of each arm, in table order: equal, by position, or by name. */
static int expected_split(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t K = ab->arms.count;
    for (size_t j = 0; j < K; j++)
        ab->split[j] = NAN;
    if (o->n_split == 0) {
        for (size_t j = 0; j < K; j++)
            ab->split[j] = 1.0;
    } else if (o->split_arms == NULL) {
        if (o->n_split != K)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "the expected split has %zu weights for %zu arms (in the order "
                                "control, then by name)",
                                o->n_split, K);
        for (size_t j = 0; j < K; j++)
            ab->split[j] = o->split_weights[j];
    } else {
        for (size_t s = 0; s < o->n_split; s++) {
            const char *name = o->split_arms[s];
            long a = ck__intern_find(&ab->arms, name, strlen(name));
            if (a < 0)
                return ck_error_set(err, CK_EINVAL, ab->path, 0,
                                    "arm \"%s\" of the expected split has no rows", name);
            if (!isnan(ab->split[ab->pos_of_arm[a]]))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "arm \"%s\" appears twice in the expected split", name);
            ab->split[ab->pos_of_arm[a]] = o->split_weights[s];
        }
        for (size_t j = 0; j < K; j++)
            if (isnan(ab->split[j]))
                return ck_error_set(err, CK_EINVAL, NULL, 0,
                                    "arm \"%s\" is missing from the expected split",
                                    ck__intern_str(&ab->arms, ab->arm_at[j]));
    }
    double total = 0.0;
    for (size_t j = 0; j < K; j++) {
        if (!(ab->split[j] > 0.0) || isinf(ab->split[j]))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "the expected split needs positive weights, got %g for \"%s\"",
                                ab->split[j], ck__intern_str(&ab->arms, ab->arm_at[j]));
        total += ab->split[j];
    }
    for (size_t j = 0; j < K; j++)
        ab->split[j] /= total;
    return CK_OK;
}

/* The offer cost per converted customer of each arm, in table order. */
static int offer_costs(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t K = ab->arms.count;
    for (size_t j = 0; j < K; j++)
        ab->offer_cost[j] = j == 0 ? 0.0 : o->offer_cost;
    for (size_t s = 0; s < o->n_offer_costs; s++) {
        const char *name = o->offer_cost_arms[s];
        long a = ck__intern_find(&ab->arms, name, strlen(name));
        if (a < 0)
            return ck_error_set(err, CK_EINVAL, ab->path, 0,
                                "an offer cost is given for arm \"%s\", which has no rows", name);
        ab->offer_cost[ab->pos_of_arm[a]] = o->offer_cost_values[s];
    }
    ab->offer_cost[0] = 0.0; /* the control arm gets no offer */
    return CK_OK;
}

static int setup_arms(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t K = ab->arms.count;
    long control;
    int rc = find_control(&control, ab, o->control, err);
    if (rc < 0)
        return rc;
    named *sorted = ck__alloc_array(K, sizeof *sorted);
    ab->pos_of_arm = ck__alloc_array(K, sizeof *ab->pos_of_arm);
    ab->arm_at = ck__alloc_array(K, sizeof *ab->arm_at);
    ab->split = ck__alloc_array(K, sizeof *ab->split);
    ab->offer_cost = ck__alloc_array(K, sizeof *ab->offer_cost);
    if (sorted == NULL || ab->pos_of_arm == NULL || ab->arm_at == NULL || ab->split == NULL ||
        ab->offer_cost == NULL) {
        free(sorted);
        return ck__abtest_oom(ab->path, err);
    }
    order_arms(ab, control, sorted);
    free(sorted);
    if ((rc = expected_split(ab, o, err)) < 0)
        return rc;
    return offer_costs(ab, o, err);
}

static int setup_contact_costs(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t n_levels = ab->channel >= 0 ? ab->keep[ab->channel].levels.count : 0;
    ab->contact_cost = ck__alloc_array(n_levels + 1, sizeof *ab->contact_cost);
    if (ab->contact_cost == NULL)
        return ck__abtest_oom(ab->path, err);
    for (size_t l = 0; l <= n_levels; l++)
        ab->contact_cost[l] = o->contact_cost;
    if (o->n_contact_costs > 0 && ab->channel < 0)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "contact costs by channel need a channel column");
    for (size_t s = 0; s < o->n_contact_costs; s++) {
        const char *name = o->contact_cost_channels[s];
        long l = ab->channel >= 0
                     ? ck__intern_find(&ab->keep[ab->channel].levels, name, strlen(name))
                     : -1;
        if (l < 0) {
            if (!ck__abtest_warn(
                    ab, "a contact cost is given for channel \"%s\", which no assignment has",
                    name))
                return ck__abtest_oom(ab->path, err);
            continue;
        }
        ab->contact_cost[l] = o->contact_cost_values[s];
    }
    return CK_OK;
}

/* Levels of a kept column in name order (missing values go last, as a NULL level). */
static int sorted_levels(const ck_abtest *ab, const ck__abtest_column *kc, uint32_t **out,
                         ck_error *err)
{
    size_t n = kc->levels.count;
    named *tmp = ck__alloc_array(n, sizeof *tmp);
    *out = ck__alloc_array(n, sizeof **out);
    if (tmp == NULL || *out == NULL) {
        free(tmp);
        free(*out);
        *out = NULL;
        return ck__abtest_oom(ab->path, err);
    }
    for (size_t l = 0; l < n; l++)
        tmp[l] = (named){ ck__intern_str(&kc->levels, l), (uint32_t)l };
    qsort(tmp, n, sizeof *tmp, named_cmp);
    for (size_t l = 0; l < n; l++)
        (*out)[l] = tmp[l].id;
    free(tmp);
    return CK_OK;
}

/* What a segment's table lacks, said rather than hidden; false when memory runs out. */
static bool warn_segment(ck_abtest *ab, const char *column, const char *value,
                         const ck_abtest_table *t)
{
    const char *shown = value ? value : "(missing)";
    bool ok = true;
    if (!t->has_control)
        ok = ck__abtest_warn(ab, "%s = %s: no assignment to the control arm, so no lifts", column,
                             shown);
    for (size_t g = 1; g < t->n_arms && ok; g++)
        if (t->arms[g].n == 0)
            ok = ck__abtest_warn(ab, "%s = %s: arm \"%s\" has no rows", column, shown,
                                 t->arms[g].arm);
    if (ok && t->srm_mismatch)
        ok = ck__abtest_warn(ab, "%s = %s: sample ratio mismatch (chi-square %.2f, p = %.2g)",
                             column, shown, t->srm_chi2, t->srm_p_value);
    return ok;
}

/* The tables of one --by column: one per value with rows, by name, missing last. */
static int column_tables(ck_abtest *ab, const ck__abtest_column *kc, const uint32_t *group,
                         const uint32_t *group_arm, size_t *rows, ck_error *err)
{
    size_t K = ab->arms.count, L = kc->levels.count;
    if (L > MAX_SEGMENTS)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "column \"%s\" has %zu values; segments need at most %d", kc->name, L,
                            MAX_SEGMENTS);
    uint32_t *order;
    int rc = sorted_levels(ab, kc, &order, err);
    if (rc < 0)
        return rc;
    /* the rows of each level, in file order, by a counting sort (level L: missing) */
    size_t *start = calloc(L + 2, sizeof *start);
    if (start == NULL) {
        rc = ck__abtest_oom(ab->path, err);
        goto done;
    }
    for (size_t i = 0; i < ab->n_rows; i++)
        start[(kc->code[i] == CK__ABTEST_MISSING ? L : kc->code[i]) + 1]++;
    for (size_t l = 0; l <= L; l++)
        start[l + 1] += start[l];
    for (size_t i = 0; i < ab->n_rows; i++)
        rows[start[kc->code[i] == CK__ABTEST_MISSING ? L : kc->code[i]]++] = i;
    /* start[l] now ends level l; it began where level l − 1 ended */
    for (size_t l = 0; l <= L; l++) {
        size_t level = l < L ? order[l] : L;
        uint32_t code = l < L ? order[l] : CK__ABTEST_MISSING;
        size_t first = level == 0 ? 0 : start[level - 1], n = start[level] - first;
        if (n == 0)
            continue;
        const char *value = code == CK__ABTEST_MISSING ? NULL : ck__intern_str(&kc->levels, code);
        ck__abtest_table_spec spec = {
            CK_ABTEST_SEGMENT, kc->name, value, rows + first, n, group, K, group_arm, NULL
        };
        if ((rc = add_table(ab, &spec, err)) < 0)
            goto done;
        if (!warn_segment(ab, kc->name, value, &ab->tables[ab->n_tables - 1].t)) {
            rc = ck__abtest_oom(ab->path, err);
            goto done;
        }
    }
done:
    free(start);
    free(order);
    return rc;
}

static int segment_tables(ck_abtest *ab, const uint32_t *group, const uint32_t *group_arm,
                          size_t *rows, ck_error *err)
{
    for (size_t b = 0; b < ab->n_by; b++) {
        int rc = column_tables(ab, &ab->keep[ab->by[b]], group, group_arm, rows, err);
        if (rc < 0)
            return rc;
    }
    return CK_OK;
}

static int arm_channel_table(ck_abtest *ab, size_t *rows, ck_error *err)
{
    ck__abtest_column *kc = &ab->keep[ab->channel];
    size_t K = ab->arms.count, L = kc->levels.count;
    int rc = CK_OK;
    uint32_t *order = NULL, *cell = NULL, *group = NULL, *group_arm = NULL;
    const char **channels = NULL;
    if (L > MAX_SEGMENTS)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "column \"%s\" has %zu values; the arm × channel table needs at most "
                            "%d",
                            kc->name, L, MAX_SEGMENTS);
    if ((rc = sorted_levels(ab, kc, &order, err)) < 0)
        return rc;
    /* cell[pos * (L + 1) + level] → group, level L standing for a missing channel */
    size_t n_cells = K * (L + 1);
    cell = ck__alloc_array(n_cells, sizeof *cell);
    group = ck__alloc_array(ab->n_rows, sizeof *group);
    group_arm = ck__alloc_array(n_cells + 1, sizeof *group_arm);
    channels = ck__alloc_array(n_cells + 1, sizeof *channels);
    if (cell == NULL || group == NULL || group_arm == NULL || channels == NULL) {
        rc = ck__abtest_oom(ab->path, err);
        goto done;
    }
    for (size_t c = 0; c < n_cells; c++)
        cell[c] = CK__ABTEST_MISSING;
    for (size_t i = 0; i < ab->n_rows; i++) {
        size_t pos = ab->pos_of_arm[ab->arm[i]];
        size_t level = kc->code[i] == CK__ABTEST_MISSING ? L : kc->code[i];
        if (pos > 0)
            cell[pos * (L + 1) + level] = 0; /* present */
    }
    /* groups: 0 is the whole control arm; then the present cells by arm, then channel */
    size_t G = 1;
    group_arm[0] = 0;
    channels[0] = NULL;
    for (size_t pos = 1; pos < K; pos++)
        for (size_t l = 0; l <= L; l++) {
            size_t level = l < L ? order[l] : L;
            uint32_t *c = &cell[pos * (L + 1) + level];
            if (*c == CK__ABTEST_MISSING)
                continue;
            *c = (uint32_t)G;
            group_arm[G] = (uint32_t)pos;
            channels[G] = level < L ? ck__intern_str(&kc->levels, level) : NULL;
            G++;
        }
    size_t n = 0;
    for (size_t i = 0; i < ab->n_rows; i++) {
        size_t pos = ab->pos_of_arm[ab->arm[i]];
        size_t level = kc->code[i] == CK__ABTEST_MISSING ? L : kc->code[i];
        group[i] = pos == 0 ? 0 : cell[pos * (L + 1) + level];
        rows[n++] = i;
    }
    ck__abtest_table_spec spec = {
        CK_ABTEST_ARM_CHANNEL, kc->name, NULL, rows, n, group, G, group_arm, channels
    };
    /* the table keeps the channel names by pointer, into the column's level table */
    rc = add_table(ab, &spec, err);
done:
    free(order);
    free(cell);
    free(group);
    free(group_arm);
    free(channels);
    return rc;
}

static void free_setup(ck_abtest *ab)
{
    free(ab->pos_of_arm);
    free(ab->arm_at);
    free(ab->split);
    free(ab->offer_cost);
    free(ab->contact_cost);
    free(ab->control);
    ab->pos_of_arm = ab->arm_at = NULL;
    ab->split = ab->offer_cost = ab->contact_cost = NULL;
    ab->control = NULL;
}

/* The options that make no read-out, before anything is computed. */
static int check_ready(const ck_abtest *ab, const ck_abtest_opts *opts, ck_error *err)
{
    if (!ab->has_outcomes)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "no outcomes: measure them from events or name the outcome columns");
    for (size_t k = 0; k < ab->n_keep; k++)
        if (ab->keep[k].computed)
            return ck_error_set(err, CK_EINVAL, ab->path, 0,
                                "column \"%s\" is not in the file and was not built from events",
                                ab->keep[k].name);
    if (!(opts->alpha > 0.0 && opts->alpha < 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "alpha must be in (0, 1), got %g",
                            opts->alpha);
    double min_conf = opts->alternative == CK_ALT_TWO_SIDED ? 0.0 : 0.5;
    if (!(opts->confidence > min_conf && opts->confidence < 1.0))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the confidence must be in (%g, 1), got %g",
                            min_conf, opts->confidence);
    return CK_OK;
}

/* The settings of this analysis, kept for the tables and the writers. */
static int keep_settings(ck_abtest *ab, const ck_abtest_opts *opts, ck_error *err)
{
    ab->alpha = opts->alpha;
    ab->confidence = opts->confidence;
    ab->alternative = opts->alternative;
    ab->correction = opts->correction;
    ab->srm_threshold = opts->srm_threshold;
    ab->cuped = opts->cuped && ab->has_pre && ab->has_revenue;
    ab->has_costs = opts->has_costs;
    if ((ab->control = ck__abtest_strdup(opts->control)) == NULL)
        return ck__abtest_oom(ab->path, err);
    return CK_OK;
}

/* The loud warning of a sample-ratio mismatch in the overall table. */
static bool warn_srm(ck_abtest *ab, const ck_abtest_table *t)
{
    char sizes[256], split[256];
    size_t us = 0, up = 0;
    for (size_t g = 0; g < t->n_arms; g++) {
        int a = snprintf(sizes + us, sizeof sizes - us, "%s%zu", g ? ":" : "", t->arms[g].n);
        int b =
            snprintf(split + up, sizeof split - up, "%s%.3g", g ? ":" : "", ab->split[g] * 100.0);
        us = a > 0 && us + (size_t)a < sizeof sizes ? us + (size_t)a : us;
        up = b > 0 && up + (size_t)b < sizeof split ? up + (size_t)b : up;
    }
    return ck__abtest_warn(ab,
                           "SAMPLE RATIO MISMATCH: arm sizes %s against an expected split of "
                           "%s%% (chi-square %.2f, df %.0f, p = %.2g < %g): the assignment or "
                           "its logging is broken, and no lift in this read-out can be trusted",
                           sizes, split, t->srm_chi2, t->srm_df, t->srm_p_value, ab->srm_threshold);
}

/* The table of every assignment, grouped by arm position; fills @p rows, @p group and
 * @p group_arm, which the segment tables reuse. */
static int overall_table(ck_abtest *ab, size_t *rows, uint32_t *group, uint32_t *group_arm,
                         ck_error *err)
{
    size_t K = ab->arms.count;
    for (size_t i = 0; i < ab->n_rows; i++) {
        rows[i] = i;
        group[i] = ab->pos_of_arm[ab->arm[i]];
    }
    for (size_t j = 0; j < K; j++)
        group_arm[j] = (uint32_t)j;
    ck__abtest_table_spec overall = { CK_ABTEST_OVERALL, NULL, NULL, rows, ab->n_rows, group, K,
                                      group_arm,         NULL };
    int rc = add_table(ab, &overall, err);
    if (rc < 0)
        return rc;
    const ck_abtest_table *t = &ab->tables[0].t;
    /* only reachable through a split naming an arm without rows, which was checked; kept as
     * a guard */
    for (size_t g = 1; g < K; g++)
        if (t->arms[g].n == 0)
            return ck_error_set(err, CK_EINVAL, ab->path, 0, "arm \"%s\" has no rows",
                                t->arms[g].arm);
    if (t->srm_mismatch && !warn_srm(ab, t))
        return ck__abtest_oom(ab->path, err);
    return CK_OK;
}

int ck_abtest_analyze(ck_abtest *ab, const ck_abtest_opts *opts, ck_error *err)
{
    static const ck_abtest_opts defaults = CK_ABTEST_OPTS_INIT;
    if (opts == NULL)
        opts = &defaults;
    ck__abtest_free_tables(ab);
    free_setup(ab);
    ck__abtest_drop_warnings_after(ab, ab->n_read_warnings);
    int rc;
    if ((rc = check_ready(ab, opts, err)) < 0 || (rc = keep_settings(ab, opts, err)) < 0)
        return rc;
    size_t *rows = NULL;
    uint32_t *group = NULL, *group_arm = NULL;
    if ((rc = setup_arms(ab, opts, err)) < 0 || (rc = setup_contact_costs(ab, opts, err)) < 0)
        goto fail;
    if (opts->cuped && !ab->cuped &&
        !ck__abtest_warn(ab, "no pre-assignment spend or no revenue: CUPED is not computed")) {
        rc = ck__abtest_oom(ab->path, err);
        goto fail;
    }
    rows = ck__alloc_array(ab->n_rows, sizeof *rows);
    group = ck__alloc_array(ab->n_rows, sizeof *group);
    group_arm = ck__alloc_array(ab->arms.count, sizeof *group_arm);
    if (rows == NULL || group == NULL || group_arm == NULL) {
        rc = ck__abtest_oom(ab->path, err);
        goto fail;
    }
    if ((rc = overall_table(ab, rows, group, group_arm, err)) < 0 ||
        (rc = segment_tables(ab, group, group_arm, rows, err)) < 0)
        goto fail;
    if (opts->arm_channel && ab->channel >= 0 && (rc = arm_channel_table(ab, rows, err)) < 0)
        goto fail;
    ab->analyzed = true;
    free(rows);
    free(group);
    free(group_arm);
    return CK_OK;
fail:
    free(rows);
    free(group);
    free(group_arm);
    ck__abtest_free_tables(ab);
    return rc;
}
