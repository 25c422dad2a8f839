/*
 * The experiment object (see abtest.h and experiment_int.h): its lifetime, its getters,
 * its warnings and the helpers the engine's files share. Reading is in assignments.c,
 * measuring in outcomes.c and event_segments.c, the analysis in abtest.c.
 */
#include "churnkit/abtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab/abtest_int.h"
#include "ab/experiment_int.h"
#include "base/intern.h"
#include "base/util.h"

int ck__abtest_oom(const char *path, ck_error *err)
{
    return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
}

char *ck__abtest_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ck__abtest_strdup(const char *s)
{
    return s == NULL ? NULL : ck__abtest_strndup(s, strlen(s));
}

bool ck__abtest_warn(ck_abtest *ab, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *copy = ck__abtest_strdup(buf);
    if (copy == NULL || !ck__grow((void **)&ab->warnings, &ab->cap_warnings, ab->n_warnings + 1,
                                  sizeof *ab->warnings)) {
        free(copy);
        return false;
    }
    ab->warnings[ab->n_warnings++] = copy;
    return true;
}

void ck__abtest_drop_warnings_after(ck_abtest *ab, size_t n)
{
    while (ab->n_warnings > n)
        free(ab->warnings[--ab->n_warnings]);
}

const char *ck__abtest_id_of(const ck_abtest *ab, size_t row)
{
    return ck__intern_str(&ab->ids, row);
}

void ck__abtest_free_tables(ck_abtest *ab)
{
    for (size_t i = 0; i < ab->n_tables; i++)
        free(ab->tables[i].arms);
    free(ab->tables);
    ab->tables = NULL;
    ab->n_tables = 0;
    ab->analyzed = false;
}

void ck_abtest_free(ck_abtest *ab)
{
    if (ab == NULL)
        return;
    ck__abtest_free_tables(ab);
    free(ab->path);
    ck__intern_free(&ab->ids);
    ck__intern_free(&ab->arms);
    free(ab->arm);
    free(ab->line);
    free(ab->assigned_at);
    free(ab->converted);
    free(ab->revenue);
    free(ab->pre);
    free(ab->converted_column);
    free(ab->revenue_column);
    for (size_t k = 0; k < ab->n_keep; k++) {
        free(ab->keep[k].name);
        ck__intern_free(&ab->keep[k].levels);
        free(ab->keep[k].code);
    }
    free(ab->keep);
    free(ab->by);
    ck__abtest_drop_warnings_after(ab, 0);
    free(ab->warnings);
    free(ab->control);
    free(ab->pos_of_arm);
    free(ab->arm_at);
    free(ab->split);
    free(ab->offer_cost);
    free(ab->contact_cost);
    free(ab);
}

size_t ck_abtest_n_rows(const ck_abtest *ab)
{
    return ab->n_rows;
}

const char *ck_abtest_row_id(const ck_abtest *ab, size_t i)
{
    return ck__intern_str(&ab->ids, i);
}

const char *ck_abtest_row_arm(const ck_abtest *ab, size_t i)
{
    return ck__intern_str(&ab->arms, ab->arm[i]);
}

int64_t ck_abtest_row_assigned_at(const ck_abtest *ab, size_t i)
{
    return ab->has_assigned_at ? ab->assigned_at[i] : 0;
}

int ck_abtest_row_converted(const ck_abtest *ab, size_t i)
{
    return ab->has_outcomes ? ab->converted[i] : -1;
}

long ck_abtest_row_line(const ck_abtest *ab, size_t i)
{
    return ab->line[i];
}

const char *ck_abtest_path(const ck_abtest *ab)
{
    return ab->path;
}

size_t ck_abtest_n_arms(const ck_abtest *ab)
{
    return ab->arms.count;
}

size_t ck_abtest_n_warnings(const ck_abtest *ab)
{
    return ab->n_warnings;
}

const char *ck_abtest_warning(const ck_abtest *ab, size_t i)
{
    return i < ab->n_warnings ? ab->warnings[i] : NULL;
}

size_t ck_abtest_n_tables(const ck_abtest *ab)
{
    return ab->n_tables;
}

const ck_abtest_table *ck_abtest_table_at(const ck_abtest *ab, size_t i)
{
    return i < ab->n_tables ? &ab->tables[i].t : NULL;
}

void ck__abtest_meta_get(const ck_abtest *ab, ck__abtest_meta *out)
{
    *out = (ck__abtest_meta){ .path = ab->path,
                              .window_days = ab->outcomes_from_columns ? 0 : ab->window_days,
                              .outcomes_from_columns = ab->outcomes_from_columns,
                              .converted_column = ab->converted_column,
                              .revenue_column = ab->revenue_column,
                              .has_revenue = ab->has_revenue,
                              .cuped = ab->cuped,
                              .control = ab->control,
                              .alpha = ab->alpha,
                              .confidence = ab->confidence,
                              .srm_threshold = ab->srm_threshold,
                              .alternative = ab->alternative,
                              .correction = ab->correction,
                              .has_costs = ab->has_costs,
                              .n_arms = ab->arms.count,
                              .split = ab->split };
}
