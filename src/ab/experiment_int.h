/*
 * The experiment (struct ck_abtest) as the A/B engine's files share it: assignments.c
 * fills it from the CSV, outcomes.c and event_segments.c complete it from the behaviour
 * history, abtest.c analyses it and readout_table.c computes each table. The writers
 * (abtest_text.c, abtest_json.c, abtest_html.c) see only abtest_int.h.
 *
 * Data layout: one row per assignment, in file order, in parallel arrays (arm id, line,
 * assigned_at, converted, revenue, pre-period spend). Customer ids and arm names are
 * interned; a row's customer id is string `row` of the id table, since a customer
 * appears once. Each kept column (--by columns, the channel) holds a level code per row.
 */
#ifndef CK_AB_EXPERIMENT_INT_H
#define CK_AB_EXPERIMENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/intern.h"
#include "churnkit/abtest.h"

/* A kept column's code for a missing value. */
#define CK__ABTEST_MISSING UINT32_MAX

typedef struct ck__abtest_column {
    char *name;
    int field;     /* header index, or -1 when built from events */
    bool computed; /* lifecycle_stage / rfm_segment still to build */
    ck__intern levels;
    uint32_t *code; /* per row; CK__ABTEST_MISSING for a missing value */
} ck__abtest_column;

typedef struct ck__abtest_table_store {
    ck_abtest_table t;
    ck_abtest_arm *arms;
} ck__abtest_table_store;

struct ck_abtest {
    char *path;
    size_t n_rows, cap_rows;
    ck__intern ids, arms;
    uint32_t *arm;
    long *line;
    int64_t *assigned_at;
    uint8_t *converted;
    double *revenue, *pre;
    bool has_assigned_at, has_outcomes, outcomes_from_columns, has_revenue, has_pre,
        pre_from_column;
    char *converted_column, *revenue_column;
    int window_days;
    size_t n_missing_revenue;

    ck__abtest_column *keep;
    size_t n_keep, n_by; /* the --by columns are keep[by[0..n_by)] */
    size_t *by;
    long channel; /* index into keep, or -1 */

    char **warnings;
    size_t n_warnings, cap_warnings, n_read_warnings;

    /* the last analysis */
    bool analyzed;
    char *control;
    double alpha, confidence, srm_threshold;
    ck_alternative alternative;
    ck_correction correction;
    bool cuped, has_costs;
    uint32_t *pos_of_arm; /* arm id → position in the tables */
    uint32_t *arm_at;     /* position → arm id */
    double *split;        /* expected share per position */
    double *offer_cost;   /* per position */
    double *contact_cost; /* per channel level, then the default at the end */
    ck__abtest_table_store *tables;
    size_t n_tables;
};

/* Set the out-of-memory error, naming the assignments file. */
int ck__abtest_oom(const char *path, ck_error *err);

/* A malloc'd copy of the n bytes at s (NUL added), or of s (NULL for NULL); NULL on OOM. */
char *ck__abtest_strndup(const char *s, size_t n);
char *ck__abtest_strdup(const char *s);

/* Append a warning; false when memory runs out. */
bool ck__abtest_warn(ck_abtest *ab, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Drop the warnings after the first n (those of an earlier measurement or analysis). */
void ck__abtest_drop_warnings_after(ck_abtest *ab, size_t n);

/* Row `row`'s customer id (borrowed). */
const char *ck__abtest_id_of(const ck_abtest *ab, size_t row);

/* Forget the last analysis's tables: new data make them stale. */
void ck__abtest_free_tables(ck_abtest *ab);

/*
 * What one read-out table covers: a list of rows and a group per row: the arm's position
 * (control first, then by name) for the overall and segment tables, or a treated arm ×
 * channel cell for the arm × channel table, whose group 0 is the whole control arm.
 */
typedef struct ck__abtest_table_spec {
    ck_abtest_table_kind kind;
    const char *column, *value;
    const size_t *rows;
    size_t n_rows;
    const uint32_t *group; /* per row of the experiment */
    size_t n_groups;
    const uint32_t *group_arm;   /* group → arm position */
    const char *const *channels; /* group → channel (arm × channel table), else NULL */
} ck__abtest_table_spec;

/* Compute the table of @p spec with the settings of the current analysis into @p out
 * (which owns its arms on success). @return CK_OK or CK_ENOMEM */
int ck__abtest_table_compute(const ck_abtest *ab, const ck__abtest_table_spec *spec,
                             ck__abtest_table_store *out, ck_error *err);

#endif
