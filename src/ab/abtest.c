/*
 * The A/B read-out engine (see abtest.h); the statistics themselves are in stats.c.
 *
 * Data layout: one row per assignment, in file order, in parallel arrays (arm id, line,
 * assigned_at, converted, revenue, pre-period spend). Customer ids and arm names are
 * interned; a row's customer id is string `row` of the id table, since a customer
 * appears once. Each kept column (--by columns, the channel) holds a level code per row.
 *
 * A table is a list of rows and a group per row: the arm's position (control first,
 * then by name) for the overall and segment tables, or a treated arm × channel cell for
 * the arm × channel table, whose group 0 is the whole control arm. One pass over a
 * table's rows accumulates per group the count, the conversions and Welford's running
 * mean and sum of squares of revenue (Welford 1962, Technometrics 4; Knuth, TAOCP vol. 2,
 * 4.2.2), which feed Welch's test.
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
 * experiments", KDD), flagged below p = 0.001.
 */
#include "churnkit/abtest.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ab/abtest_int.h"
#include "io/cell.h"
#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/events.h"
#include "churnkit/features.h"
#include "churnkit/timestamp.h"
#include "base/intern.h"
#include "base/util.h"

#define MISSING      UINT32_MAX
#define NO_TIME      INT64_MIN
#define QUOTE_MAX    60  /* longest quoted cell in a message */
#define MAX_SEGMENTS 200 /* values of a --by column; more is an id, not a segment */

typedef struct kept_column {
    char *name;
    int field;     /* header index, or -1 when built from events */
    bool computed; /* lifecycle_stage / rfm_segment still to build */
    ck__intern levels;
    uint32_t *code; /* per row; MISSING for a missing value */
} kept_column;

typedef struct table_store {
    ck_abtest_table t;
    ck_abtest_arm *arms;
} table_store;

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

    kept_column *keep;
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
    table_store *tables;
    size_t n_tables;
};

/* ---- small helpers ---- */

static int oom(const char *path, ck_error *err)
{
    return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
}

static int quoted(size_t len)
{
    return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup_str(const char *s)
{
    return s == NULL ? NULL : dup_n(s, strlen(s));
}

/* Append a warning; false when memory runs out. */
static bool warn(ck_abtest *ab, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool warn(ck_abtest *ab, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *copy = dup_str(buf);
    if (copy == NULL || !ck__grow((void **)&ab->warnings, &ab->cap_warnings, ab->n_warnings + 1,
                                  sizeof *ab->warnings)) {
        free(copy);
        return false;
    }
    ab->warnings[ab->n_warnings++] = copy;
    return true;
}

static void drop_warnings_after(ck_abtest *ab, size_t n)
{
    while (ab->n_warnings > n)
        free(ab->warnings[--ab->n_warnings]);
}

static const char *id_of(const ck_abtest *ab, size_t row)
{
    return ck__intern_str(&ab->ids, row);
}

static bool grow_rows(ck_abtest *ab)
{
    if (ab->n_rows < ab->cap_rows)
        return true;
    size_t cap = ab->cap_rows ? 2 * ab->cap_rows : 1024;
    void *p;
#define GROW(field)                                                                                \
    do {                                                                                           \
        if ((p = ck__realloc_array(ab->field, cap, sizeof *ab->field)) == NULL)                    \
            return false;                                                                          \
        ab->field = p;                                                                             \
    } while (0)
    GROW(arm);
    GROW(line);
    GROW(assigned_at);
    GROW(converted);
    GROW(revenue);
    GROW(pre);
    for (size_t k = 0; k < ab->n_keep; k++)
        GROW(keep[k].code);
#undef GROW
    ab->cap_rows = cap;
    return true;
}

static void free_tables(ck_abtest *ab)
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
    free_tables(ab);
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
    drop_warnings_after(ab, 0);
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

/* ---- reading ---- */

/* The cell at `field`, trimmed. */
static void cell_at(const ck_csv_row *row, size_t field, const char **s, size_t *len)
{
    *s = row->fields[field];
    *len = row->lengths[field];
    ck__cell_trim(s, len);
}

typedef struct header {
    char **names;
    size_t n;
} header;

static void header_free(header *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->names[i]);
    free(h->names);
}

static int header_find(const header *h, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* "a, b, c" (truncated) for messages. */
static void header_list(const header *h, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->n && used + 1 < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", h->names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int read_header(header *h, const ck_csv_row *row, const char *path, ck_error *err)
{
    h->names = ck__alloc_array(row->n_fields, sizeof *h->names);
    if (h->names == NULL)
        return oom(path, err);
    for (size_t i = 0; i < row->n_fields; i++) {
        const char *s;
        size_t len;
        cell_at(row, i, &s, &len);
        if ((h->names[i] = dup_n(s, len)) == NULL)
            return oom(path, err);
        h->n++;
        for (size_t j = 0; j < i; j++)
            if (strcmp(h->names[j], h->names[i]) == 0)
                return ck_error_set(err, CK_EPARSE, path, row->line, "duplicate column \"%s\"",
                                    h->names[i]);
    }
    return CK_OK;
}

static long add_keep(ck_abtest *ab, const char *name, int field)
{
    for (size_t k = 0; k < ab->n_keep; k++)
        if (strcmp(ab->keep[k].name, name) == 0)
            return (long)k;
    kept_column *p = realloc(ab->keep, (ab->n_keep + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    ab->keep = p;
    kept_column *kc = &ab->keep[ab->n_keep];
    memset(kc, 0, sizeof *kc);
    kc->field = field;
    kc->computed = field < 0;
    if ((kc->name = dup_str(name)) == NULL)
        return -1;
    return (long)ab->n_keep++;
}

typedef struct fields {
    int id, arm, at, converted, revenue, pre;
} fields;

static int parse_number_cell(double *out, const char *s, size_t len, const char *what,
                             const char *path, long line, bool *missing, ck_error *err)
{
    *missing = ck__cell_is_missing(s, len);
    if (*missing) {
        *out = 0.0;
        return CK_OK;
    }
    if (!ck__cell_parse_number(out, s, len))
        return ck_error_set(err, CK_EPARSE, path, line, "bad %s \"%.*s\"", what, quoted(len), s);
    return CK_OK;
}

static int read_row(ck_abtest *ab, const fields *f, const header *h, const ck_csv_row *row,
                    ck_error *err)
{
    const char *path = ab->path, *s;
    size_t len;
    long line = row->line;
    if (row->n_fields != h->n)
        return ck_error_set(err, CK_EPARSE, path, line, "expected %zu fields, got %zu", h->n,
                            row->n_fields);
    if (!grow_rows(ab))
        return oom(path, err);
    size_t i = ab->n_rows;
    ab->line[i] = line;

    cell_at(row, (size_t)f->id, &s, &len);
    if (ck__cell_is_missing(s, len))
        return ck_error_set(err, CK_EPARSE, path, line, "missing %s", h->names[f->id]);
    long id = ck__intern_put(&ab->ids, s, len);
    if (id < 0)
        return oom(path, err);
    if ((size_t)id != i)
        return ck_error_set(err, CK_EPARSE, path, line,
                            "customer \"%.*s\" is assigned twice (first on line %ld)", quoted(len),
                            s, ab->line[id]);

    cell_at(row, (size_t)f->arm, &s, &len);
    if (ck__cell_is_missing(s, len))
        return ck_error_set(err, CK_EPARSE, path, line, "missing %s", h->names[f->arm]);
    long arm = ck__intern_put(&ab->arms, s, len);
    if (arm < 0)
        return oom(path, err);
    ab->arm[i] = (uint32_t)arm;

    ab->assigned_at[i] = NO_TIME;
    if (f->at >= 0) {
        cell_at(row, (size_t)f->at, &s, &len);
        if (ck_ts_parse(&ab->assigned_at[i], s, len) != CK_OK)
            return ck_error_set(err, CK_EPARSE, path, line, "bad %s \"%.*s\"", h->names[f->at],
                                quoted(len), s);
    }
    ab->converted[i] = 0;
    ab->revenue[i] = ab->pre[i] = 0.0;
    if (f->converted >= 0) {
        cell_at(row, (size_t)f->converted, &s, &len);
        int v = ck__cell_parse_flag(s, len);
        if (v < 0)
            return ck_error_set(err, CK_EPARSE, path, line,
                                "bad %s \"%.*s\" (expected 1/0, true/false or yes/no)",
                                h->names[f->converted], quoted(len), s);
        ab->converted[i] = (uint8_t)v;
    }
    bool missing;
    int rc;
    if (f->revenue >= 0) {
        cell_at(row, (size_t)f->revenue, &s, &len);
        if ((rc = parse_number_cell(&ab->revenue[i], s, len, h->names[f->revenue], path, line,
                                    &missing, err)) < 0)
            return rc;
        ab->n_missing_revenue += missing;
    }
    if (f->pre >= 0) {
        cell_at(row, (size_t)f->pre, &s, &len);
        if ((rc = parse_number_cell(&ab->pre[i], s, len, h->names[f->pre], path, line, &missing,
                                    err)) < 0)
            return rc;
    }
    for (size_t k = 0; k < ab->n_keep; k++) {
        kept_column *kc = &ab->keep[k];
        kc->code[i] = MISSING;
        if (kc->field < 0)
            continue;
        cell_at(row, (size_t)kc->field, &s, &len);
        if (ck__cell_is_missing(s, len))
            continue;
        long code = ck__intern_put(&kc->levels, s, len);
        if (code < 0)
            return oom(path, err);
        kc->code[i] = (uint32_t)code;
    }
    ab->n_rows++;
    return CK_OK;
}

static int find_required(int *out, const header *h, const char *name, const char *path,
                         ck_error *err)
{
    if ((*out = header_find(h, name)) < 0)
        return ck_error_set(err, CK_EPARSE, path, 1, "missing column \"%s\"", name);
    return CK_OK;
}

static int setup_columns(ck_abtest *ab, fields *f, const header *h, const ck_abtest_read_opts *o,
                         ck_error *err)
{
    const char *path = ab->path;
    int rc;
    if ((rc = find_required(&f->id, h, o->id_column, path, err)) < 0 ||
        (rc = find_required(&f->arm, h, o->arm_column, path, err)) < 0)
        return rc;
    f->at = header_find(h, o->assigned_at_column);
    if (o->converted_column == NULL && f->at < 0)
        return ck_error_set(err, CK_EPARSE, path, 1,
                            "missing column \"%s\" (outcomes from events need the assignment "
                            "times)",
                            o->assigned_at_column);
    f->converted = f->revenue = f->pre = -1;
    if (o->converted_column != NULL &&
        (rc = find_required(&f->converted, h, o->converted_column, path, err)) < 0)
        return rc;
    if (o->revenue_column != NULL &&
        (rc = find_required(&f->revenue, h, o->revenue_column, path, err)) < 0)
        return rc;
    if (o->pre_revenue_column != NULL &&
        (rc = find_required(&f->pre, h, o->pre_revenue_column, path, err)) < 0)
        return rc;

    if (o->n_by > 0 && (ab->by = ck__alloc_array(o->n_by, sizeof *ab->by)) == NULL)
        return oom(path, err);
    for (size_t b = 0; b < o->n_by; b++) {
        const char *name = o->by_columns[b];
        int field = header_find(h, name);
        if (field < 0 && strcmp(name, CK_ABTEST_LIFECYCLE_COLUMN) != 0 &&
            strcmp(name, CK_ABTEST_RFM_COLUMN) != 0) {
            char list[512];
            header_list(h, list, sizeof list);
            return ck_error_set(err, CK_EINVAL, path, 0,
                                "no column \"%s\" to segment by (columns: %s; or %s, %s from "
                                "events)",
                                name, list, CK_ABTEST_LIFECYCLE_COLUMN, CK_ABTEST_RFM_COLUMN);
        }
        long k = add_keep(ab, name, field);
        if (k < 0)
            return oom(path, err);
        bool repeated = false;
        for (size_t j = 0; j < ab->n_by; j++)
            repeated |= ab->by[j] == (size_t)k;
        if (!repeated)
            ab->by[ab->n_by++] = (size_t)k;
    }
    ab->channel = -1;
    int ch = header_find(h, o->channel_column);
    if (ch >= 0 && (ab->channel = add_keep(ab, o->channel_column, ch)) < 0)
        return oom(path, err);
    return CK_OK;
}

int ck_abtest_read_csv(ck_abtest **out, const char *path, const ck_abtest_read_opts *opts,
                       ck_error *err)
{
    static const ck_abtest_read_opts defaults = CK_ABTEST_READ_OPTS_INIT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;
    ck_csv *csv = NULL;
    header h = { 0 };
    fields f = { -1, -1, -1, -1, -1, -1 };
    ck_csv_row row;
    int rc;
    ck_abtest *ab = calloc(1, sizeof *ab);
    if (ab == NULL)
        return oom(path, err);
    if ((ab->path = dup_str(path)) == NULL ||
        (opts->converted_column &&
         (ab->converted_column = dup_str(opts->converted_column)) == NULL) ||
        (opts->revenue_column && (ab->revenue_column = dup_str(opts->revenue_column)) == NULL)) {
        rc = oom(path, err);
        goto fail;
    }
    if ((rc = ck_csv_open(&csv, path, opts->delimiter ? opts->delimiter : ',', err)) < 0)
        goto fail;
    if ((rc = ck_csv_next(csv, &row, err)) < 0)
        goto fail;
    if (rc == 0) {
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file: expected a header row");
        goto fail;
    }
    if ((rc = read_header(&h, &row, path, err)) < 0 ||
        (rc = setup_columns(ab, &f, &h, opts, err)) < 0)
        goto fail;
    while ((rc = ck_csv_next(csv, &row, err)) == 1)
        if ((rc = read_row(ab, &f, &h, &row, err)) < 0)
            goto fail;
    if (rc < 0)
        goto fail;
    if (ab->n_rows == 0) {
        rc = ck_error_set(err, CK_EPARSE, path, 0, "no assignments after the header");
        goto fail;
    }
    ab->has_assigned_at = f.at >= 0;
    ab->outcomes_from_columns = f.converted >= 0;
    ab->has_outcomes = ab->outcomes_from_columns;
    ab->has_revenue = f.revenue >= 0;
    ab->has_pre = ab->pre_from_column = f.pre >= 0;
    if (ab->n_missing_revenue > 0 &&
        !warn(ab, "%s: %zu empty %s cell%s counted as 0", path, ab->n_missing_revenue,
              opts->revenue_column, ab->n_missing_revenue == 1 ? "" : "s")) {
        rc = oom(path, err);
        goto fail;
    }
    ab->n_read_warnings = ab->n_warnings;
    header_free(&h);
    ck_csv_free(csv);
    *out = ab;
    return CK_OK;
fail:
    header_free(&h);
    ck_csv_free(csv);
    ck_abtest_free(ab);
    return rc;
}

/* ---- outcomes and segments from events ---- */

int ck_abtest_outcomes_from_events(ck_abtest *ab, const ck_events *ev, int window_days,
                                   ck_error *err)
{
    if (!ab->has_assigned_at)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "no assigned_at column: outcomes from events need the assignment "
                            "times");
    if (window_days < 1)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the window must be at least 1 day, got %d",
                            window_days);
    if (ck_events_n_events(ev) == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "the event history is empty");
    free_tables(ab);
    int64_t w = (int64_t)window_days * CK__DAY_SECONDS;
    /* the data cover each day that has an event, to that day's end (as features.c) */
    int64_t data_end = ck_ts_day_start(ck_events_max_ts(ev)) + CK__DAY_SECONDS;
    char last_day[16];
    ck_ts_format_date(data_end - 1, last_day);
    size_t n_cut = 0, n_unknown = 0;
    for (size_t i = 0; i < ab->n_rows; i++) {
        int64_t a = ab->assigned_at[i];
        if (a >= data_end) {
            char when[32];
            ck_ts_format(a, when);
            return ck_error_set(err, CK_EINVAL, ab->path, ab->line[i],
                                "assigned_at %s is after the end of the events (last event on "
                                "%s)",
                                when, last_day);
        }
        n_cut += a > data_end - w;
        double pre = 0.0, rev = 0.0;
        uint8_t conv = 0;
        long c = ck_events_find_customer(ev, id_of(ab, i));
        if (c < 0) {
            n_unknown++;
        } else {
            ck_event_span span = ck_events_customer(ev, (size_t)c);
            size_t j = ck_event_span_before(span, a - w).n;
            for (; j < span.n && span.ts[j] < a + w; j++) {
                double amount;
                if (span.type[j] == CK_EV_PURCHASE)
                    amount = span.amount[j];
                else if (span.type[j] == CK_EV_REFUND)
                    amount = -span.amount[j];
                else
                    continue;
                if (span.ts[j] < a) {
                    pre += amount;
                } else {
                    rev += amount;
                    conv |= span.type[j] == CK_EV_PURCHASE;
                }
            }
        }
        if (!ab->outcomes_from_columns) {
            ab->converted[i] = conv;
            ab->revenue[i] = rev;
        }
        if (!ab->pre_from_column)
            ab->pre[i] = pre;
    }
    if (n_unknown == ab->n_rows)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "none of the %zu assigned customers has an event: do both files "
                            "use the same customer ids?",
                            ab->n_rows);
    drop_warnings_after(ab, ab->n_read_warnings);
    if (n_cut > 0 && !warn(ab,
                           "%zu assignment%s running past the end of the events (last event "
                           "on %s): %s cut short",
                           n_cut, n_cut == 1 ? " has a window" : "s have windows", last_day,
                           n_cut == 1 ? "its outcome is" : "their outcomes are"))
        return oom(ab->path, err);
    if (n_unknown > 0 &&
        !warn(ab, "%zu assigned customer%s no event at all (counted as not converted)", n_unknown,
              n_unknown == 1 ? " has" : "s have"))
        return oom(ab->path, err);
    ab->n_read_warnings = ab->n_warnings;
    ab->window_days = window_days;
    ab->has_pre = true;
    if (!ab->outcomes_from_columns) {
        ab->has_outcomes = true;
        ab->has_revenue = true;
    }
    return CK_OK;
}

typedef struct day_row {
    int64_t day;
    size_t row;
} day_row;

static int by_day(const void *x, const void *y)
{
    const day_row *a = x, *b = y;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

int ck_abtest_segments_from_events(ck_abtest *ab, const ck_events *ev, const ck_config *cfg,
                                   int n_threads, ck_error *err)
{
    bool any = false;
    for (size_t k = 0; k < ab->n_keep; k++)
        any |= ab->keep[k].computed;
    if (!any)
        return CK_OK;
    if (!ab->has_assigned_at)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "no assigned_at column: segments from events need the assignment "
                            "times");
    free_tables(ab);
    int rc = CK_OK;
    ck_features *f = NULL;
    long *row_of = NULL;
    day_row *order = ck__alloc_array(ab->n_rows, sizeof *order);
    size_t n_customers = ck_events_n_customers(ev);
    row_of = ck__alloc_array(n_customers + 1, sizeof *row_of);
    if (order == NULL || row_of == NULL) {
        rc = oom(ab->path, err);
        goto done;
    }
    for (size_t i = 0; i < ab->n_rows; i++)
        order[i] = (day_row){ ck_ts_day_start(ab->assigned_at[i]), i };
    qsort(order, ab->n_rows, sizeof *order, by_day);
    ck_features_opts fopts = CK_FEATURES_OPTS_INIT;
    fopts.config = cfg;
    fopts.all_customers = true;
    fopts.n_threads = n_threads < 1 ? 1 : n_threads;
    for (size_t start = 0, end; start < ab->n_rows; start = end) {
        int64_t day = order[start].day;
        for (end = start; end < ab->n_rows && order[end].day == day; end++)
            ;
        if ((rc = ck_features_build(&f, ev, day, &fopts, err)) < 0)
            goto done;
        for (size_t c = 0; c < n_customers; c++)
            row_of[c] = -1;
        size_t n_f = ck_features_n_rows(f);
        for (size_t r = 0; r < n_f; r++) {
            long c = ck_events_find_customer(ev, ck_features_row_id(f, r));
            if (c >= 0)
                row_of[c] = (long)r;
        }
        for (size_t k = 0; k < ab->n_keep; k++) {
            kept_column *kc = &ab->keep[k];
            if (!kc->computed)
                continue;
            long j = ck_features_column_index(f, kc->name);
            if (j < 0) {
                rc =
                    ck_error_set(err, CK_EINVAL, NULL, 0, "no %s column in the features", kc->name);
                goto done;
            }
            const uint32_t *codes = ck_features_codes(f, (size_t)j);
            for (size_t q = start; q < end; q++) {
                size_t i = order[q].row;
                long c = ck_events_find_customer(ev, id_of(ab, i));
                kc->code[i] = MISSING;
                if (c < 0 || row_of[c] < 0 || codes[row_of[c]] == CK_MISSING_CODE)
                    continue;
                const char *level = ck_features_level(f, (size_t)j, codes[row_of[c]]);
                long code = ck__intern_put(&kc->levels, level, strlen(level));
                if (code < 0) {
                    rc = oom(ab->path, err);
                    goto done;
                }
                kc->code[i] = (uint32_t)code;
            }
        }
        ck_features_free(f);
        f = NULL;
    }
    for (size_t k = 0; k < ab->n_keep; k++)
        ab->keep[k].computed = false;
done:
    ck_features_free(f);
    free(row_of);
    free(order);
    return rc;
}

/* ---- analysis ---- */

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

typedef struct table_spec {
    ck_abtest_table_kind kind;
    const char *column, *value;
    const size_t *rows;
    size_t n_rows;
    const uint32_t *group; /* per row of the experiment */
    size_t n_groups;
    const uint32_t *group_arm;   /* group → arm position */
    const char *const *channels; /* group → channel (arm × channel table), else NULL */
} table_spec;

static int compute_table(ck_abtest *ab, const table_spec *spec, table_store *out, ck_error *err)
{
    int rc = CK_OK;
    size_t G = spec->n_groups;
    group_acc *acc = calloc(G, sizeof *acc);
    double *p = ck__alloc_array(2 * G, sizeof *p);
    ck_abtest_arm *arms = calloc(G, sizeof *arms);
    if (acc == NULL || p == NULL || arms == NULL) {
        rc = oom(ab->path, err);
        goto fail;
    }
    bool with_cuped = ab->cuped && ab->has_pre && ab->has_revenue;
    /* θ over the whole table, from the co-moments of (X, Y) (Welford's update) */
    double mx = 0.0, my = 0.0, cxy = 0.0, cxx = 0.0, theta = NAN, reduction = NAN;
    if (with_cuped) {
        for (size_t q = 0; q < spec->n_rows; q++) {
            size_t i = spec->rows[q];
            double x = ab->pre[i], y = ab->revenue[i], n = (double)(q + 1);
            double dx = x - mx;
            mx += dx / n;
            my += (y - my) / n;
            cxy += dx * (y - my);
            cxx += dx * (x - mx);
        }
        theta = cxx > 0.0 ? cxy / cxx : 0.0;
    }
    double all_mean = 0.0, all_m2 = 0.0, adj_all_mean = 0.0, adj_all_m2 = 0.0;
    for (size_t q = 0; q < spec->n_rows; q++) {
        size_t i = spec->rows[q];
        group_acc *g = &acc[spec->group[i]];
        g->n++;
        g->k += ab->converted[i];
        welford(&g->mean, &g->m2, g->n, ab->revenue[i]);
        welford(&all_mean, &all_m2, q + 1, ab->revenue[i]);
        if (with_cuped) {
            double y_adj = ab->revenue[i] - theta * (ab->pre[i] - mx);
            welford(&g->adj_mean, &g->adj_m2, g->n, y_adj);
            welford(&adj_all_mean, &adj_all_m2, q + 1, y_adj);
        }
        if (ab->has_costs && spec->group_arm[spec->group[i]] != 0) {
            uint32_t ch = ab->channel >= 0 ? ab->keep[ab->channel].code[i] : MISSING;
            size_t n_levels = ab->channel >= 0 ? ab->keep[ab->channel].levels.count : 0;
            g->contact_cost += ab->contact_cost[ch == MISSING ? n_levels : ch];
        }
    }
    if (with_cuped && all_m2 > 0.0)
        reduction = 1.0 - adj_all_m2 / all_m2;

    const group_acc *c = &acc[0];
    double level = level_for(ab);
    for (size_t g = 0; g < G; g++) {
        ck_abtest_arm *a = &arms[g];
        const group_acc *t = &acc[g];
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
        if (g == 0 || t->n == 0 || c->n == 0)
            continue;
        a->abs_lift = a->rate - (double)c->k / (double)c->n;
        ck_stats_newcombe(t->k, t->n, c->k, c->n, level, &a->abs_lift_ci[0], &a->abs_lift_ci[1]);
        open_side(ab, a->abs_lift_ci);
        a->rel_lift = ck_stats_relative_lift(t->k, t->n, c->k, c->n, level, &a->rel_lift_ci[0],
                                             &a->rel_lift_ci[1]);
        if (!isnan(a->rel_lift))
            open_side(ab, a->rel_lift_ci);
        if (ck_stats_needs_exact(t->k, t->n - t->k, c->k, c->n - c->k)) {
            a->test = CK_ABTEST_FISHER;
            if ((rc = ck_stats_fisher_exact(&a->p_value, t->k, t->n - t->k, c->k, c->n - c->k,
                                            ab->alternative, err)) < 0)
                goto fail;
        } else {
            a->test = CK_ABTEST_Z;
            a->p_value = ck_stats_ztest_2prop(t->k, t->n, c->k, c->n, ab->alternative, &a->z);
        }
        a->incremental_conversions = a->abs_lift * (double)t->n;
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
            ck_welch w =
                ck_stats_welch(t->adj_mean, var_of(t->adj_m2, t->n), t->n, c->adj_mean,
                               var_of(c->adj_m2, c->n), c->n, ab->confidence, ab->alternative);
            a->cuped_revenue_diff = w.diff;
            a->cuped_revenue_diff_ci[0] = w.lo;
            a->cuped_revenue_diff_ci[1] = w.hi;
            a->cuped_revenue_p_value = w.p;
        }
        if (ab->has_costs) {
            a->cost = t->contact_cost + ab->offer_cost[spec->group_arm[g]] * (double)t->k;
            if (a->incremental_conversions > 0.0)
                a->cost_per_incremental_conversion = a->cost / a->incremental_conversions;
            if (a->cost > 0.0 && ab->has_revenue)
                a->roi = (a->incremental_revenue - a->cost) / a->cost;
        }
    }
    /* corrections across the treated arms of this table */
    for (size_t g = 0; g < G; g++) {
        p[g] = arms[g].p_value;
        p[G + g] = arms[g].revenue_p_value;
    }
    if ((rc = ck_stats_adjust(p, p, G, ab->correction, err)) < 0 ||
        (rc = ck_stats_adjust(p + G, p + G, G, ab->correction, err)) < 0)
        goto fail;
    for (size_t g = 1; g < G; g++) {
        arms[g].p_adjusted = p[g];
        arms[g].revenue_p_adjusted = p[G + g];
        arms[g].significant = !isnan(p[g]) && p[g] < ab->alpha;
    }

    ck_abtest_table *t = &out->t;
    memset(t, 0, sizeof *t);
    t->kind = spec->kind;
    t->column = spec->column;
    t->value = spec->value;
    t->n = spec->n_rows;
    t->n_arms = G;
    t->arms = arms;
    t->has_control = c->n > 0;
    t->cuped_theta = theta;
    t->cuped_variance_reduction = reduction;
    t->srm_chi2 = t->srm_df = t->srm_p_value = NAN;
    if (spec->kind != CK_ABTEST_ARM_CHANNEL && spec->n_rows > 0) {
        size_t *observed = ck__alloc_array(G, sizeof *observed);
        if (observed == NULL) {
            rc = oom(ab->path, err);
            goto fail;
        }
        for (size_t g = 0; g < G; g++)
            observed[g] = acc[g].n;
        t->srm_p_value = ck_stats_chi2_gof(observed, ab->split, G, &t->srm_chi2);
        free(observed);
        t->has_srm = !isnan(t->srm_p_value);
        t->srm_df = (double)(G - 1);
        t->srm_mismatch = t->has_srm && t->srm_p_value < ab->srm_threshold;
    }
    out->arms = arms;
    free(acc);
    free(p);
    return CK_OK;
fail:
    free(acc);
    free(p);
    free(arms);
    return rc;
}

static int add_table(ck_abtest *ab, const table_spec *spec, ck_error *err)
{
    table_store *p = realloc(ab->tables, (ab->n_tables + 1) * sizeof *p);
    if (p == NULL)
        return oom(ab->path, err);
    ab->tables = p;
    int rc = compute_table(ab, spec, &ab->tables[ab->n_tables], err);
    if (rc < 0)
        return rc;
    ab->n_tables++;
    return CK_OK;
}

static int setup_arms(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t K = ab->arms.count;
    long control = ck__intern_find(&ab->arms, o->control, strlen(o->control));
    if (control < 0) {
        char list[512];
        size_t used = 0;
        list[0] = '\0';
        for (size_t a = 0; a < K && used + 1 < sizeof list; a++) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", a ? ", " : "",
                             ck__intern_str(&ab->arms, a));
            used += n > 0 ? (size_t)n : 0;
        }
        return ck_error_set(err, CK_EINVAL, ab->path, 0, "no control arm \"%s\" (arms: %s)",
                            o->control, list);
    }
    if (K < 2)
        return ck_error_set(err, CK_EINVAL, ab->path, 0,
                            "only the control arm \"%s\": nothing to compare it with", o->control);
    named *sorted = ck__alloc_array(K, sizeof *sorted);
    ab->pos_of_arm = ck__alloc_array(K, sizeof *ab->pos_of_arm);
    ab->arm_at = ck__alloc_array(K, sizeof *ab->arm_at);
    ab->split = ck__alloc_array(K, sizeof *ab->split);
    ab->offer_cost = ck__alloc_array(K, sizeof *ab->offer_cost);
    if (sorted == NULL || ab->pos_of_arm == NULL || ab->arm_at == NULL || ab->split == NULL ||
        ab->offer_cost == NULL) {
        free(sorted);
        return oom(ab->path, err);
    }
    size_t m = 0;
    for (size_t a = 0; a < K; a++)
        if ((long)a != control)
            sorted[m++] = (named){ ck__intern_str(&ab->arms, a), (uint32_t)a };
    qsort(sorted, m, sizeof *sorted, named_cmp);
    ab->arm_at[0] = (uint32_t)control;
    for (size_t j = 0; j < m; j++)
        ab->arm_at[j + 1] = sorted[j].id;
    free(sorted);
    for (size_t j = 0; j < K; j++)
        ab->pos_of_arm[ab->arm_at[j]] = (uint32_t)j;

    /* the expected split */
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

    /* offer costs by arm */
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

static int setup_contact_costs(ck_abtest *ab, const ck_abtest_opts *o, ck_error *err)
{
    size_t n_levels = ab->channel >= 0 ? ab->keep[ab->channel].levels.count : 0;
    ab->contact_cost = ck__alloc_array(n_levels + 1, sizeof *ab->contact_cost);
    if (ab->contact_cost == NULL)
        return oom(ab->path, err);
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
            if (!warn(ab, "a contact cost is given for channel \"%s\", which no assignment has",
                      name))
                return oom(ab->path, err);
            continue;
        }
        ab->contact_cost[l] = o->contact_cost_values[s];
    }
    return CK_OK;
}

/* Levels of a kept column in name order (missing values go last, as a NULL level). */
static int sorted_levels(const ck_abtest *ab, const kept_column *kc, uint32_t **out, ck_error *err)
{
    size_t n = kc->levels.count;
    named *tmp = ck__alloc_array(n, sizeof *tmp);
    *out = ck__alloc_array(n, sizeof **out);
    if (tmp == NULL || *out == NULL) {
        free(tmp);
        free(*out);
        *out = NULL;
        return oom(ab->path, err);
    }
    for (size_t l = 0; l < n; l++)
        tmp[l] = (named){ ck__intern_str(&kc->levels, l), (uint32_t)l };
    qsort(tmp, n, sizeof *tmp, named_cmp);
    for (size_t l = 0; l < n; l++)
        (*out)[l] = tmp[l].id;
    free(tmp);
    return CK_OK;
}

static int segment_tables(ck_abtest *ab, const uint32_t *group, const uint32_t *group_arm,
                          size_t *rows, ck_error *err)
{
    size_t K = ab->arms.count;
    for (size_t b = 0; b < ab->n_by; b++) {
        kept_column *kc = &ab->keep[ab->by[b]];
        size_t L = kc->levels.count;
        if (L > MAX_SEGMENTS)
            return ck_error_set(err, CK_EINVAL, ab->path, 0,
                                "column \"%s\" has %zu values; segments need at most %d", kc->name,
                                L, MAX_SEGMENTS);
        uint32_t *order;
        int rc = sorted_levels(ab, kc, &order, err);
        if (rc < 0)
            return rc;
        /* the rows of each level, in file order, by a counting sort (level L: missing) */
        size_t *start = calloc(L + 2, sizeof *start);
        if (start == NULL) {
            free(order);
            return oom(ab->path, err);
        }
        for (size_t i = 0; i < ab->n_rows; i++)
            start[(kc->code[i] == MISSING ? L : kc->code[i]) + 1]++;
        for (size_t l = 0; l <= L; l++)
            start[l + 1] += start[l];
        for (size_t i = 0; i < ab->n_rows; i++)
            rows[start[kc->code[i] == MISSING ? L : kc->code[i]]++] = i;
        /* start[l] now ends level l; it began where level l − 1 ended */
        for (size_t l = 0; l <= L; l++) {
            size_t level = l < L ? order[l] : L;
            uint32_t code = l < L ? order[l] : MISSING;
            size_t first = level == 0 ? 0 : start[level - 1], n = start[level] - first;
            if (n == 0)
                continue;
            const char *value = code == MISSING ? NULL : ck__intern_str(&kc->levels, code);
            table_spec spec = { CK_ABTEST_SEGMENT, kc->name, value, rows + first, n, group, K,
                                group_arm,         NULL };
            if ((rc = add_table(ab, &spec, err)) < 0) {
                free(start);
                free(order);
                return rc;
            }
            const ck_abtest_table *t = &ab->tables[ab->n_tables - 1].t;
            const char *shown = value ? value : "(missing)";
            bool ok = true;
            if (!t->has_control)
                ok = warn(ab, "%s = %s: no assignment to the control arm, so no lifts", kc->name,
                          shown);
            for (size_t g = 1; g < K && ok; g++)
                if (t->arms[g].n == 0)
                    ok = warn(ab, "%s = %s: arm \"%s\" has no rows", kc->name, shown,
                              t->arms[g].arm);
            if (ok && t->srm_mismatch)
                ok = warn(ab, "%s = %s: sample ratio mismatch (chi-square %.2f, p = %.2g)",
                          kc->name, shown, t->srm_chi2, t->srm_p_value);
            if (!ok) {
                free(start);
                free(order);
                return oom(ab->path, err);
            }
        }
        free(start);
        free(order);
    }
    return CK_OK;
}

static int arm_channel_table(ck_abtest *ab, size_t *rows, ck_error *err)
{
    kept_column *kc = &ab->keep[ab->channel];
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
        rc = oom(ab->path, err);
        goto done;
    }
    for (size_t c = 0; c < n_cells; c++)
        cell[c] = MISSING;
    for (size_t i = 0; i < ab->n_rows; i++) {
        size_t pos = ab->pos_of_arm[ab->arm[i]];
        size_t level = kc->code[i] == MISSING ? L : kc->code[i];
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
            if (*c == MISSING)
                continue;
            *c = (uint32_t)G;
            group_arm[G] = (uint32_t)pos;
            channels[G] = level < L ? ck__intern_str(&kc->levels, level) : NULL;
            G++;
        }
    size_t n = 0;
    for (size_t i = 0; i < ab->n_rows; i++) {
        size_t pos = ab->pos_of_arm[ab->arm[i]];
        size_t level = kc->code[i] == MISSING ? L : kc->code[i];
        group[i] = pos == 0 ? 0 : cell[pos * (L + 1) + level];
        rows[n++] = i;
    }
    table_spec spec = {
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

int ck_abtest_analyze(ck_abtest *ab, const ck_abtest_opts *opts, ck_error *err)
{
    static const ck_abtest_opts defaults = CK_ABTEST_OPTS_INIT;
    if (opts == NULL)
        opts = &defaults;
    free_tables(ab);
    free_setup(ab);
    drop_warnings_after(ab, ab->n_read_warnings);
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
    ab->alpha = opts->alpha;
    ab->confidence = opts->confidence;
    ab->alternative = opts->alternative;
    ab->correction = opts->correction;
    ab->srm_threshold = opts->srm_threshold;
    ab->cuped = opts->cuped && ab->has_pre && ab->has_revenue;
    ab->has_costs = opts->has_costs;
    if ((ab->control = dup_str(opts->control)) == NULL)
        return oom(ab->path, err);
    int rc;
    size_t *rows = NULL;
    uint32_t *group = NULL, *group_arm = NULL;
    if ((rc = setup_arms(ab, opts, err)) < 0 || (rc = setup_contact_costs(ab, opts, err)) < 0)
        goto fail;
    if (opts->cuped && !ab->cuped &&
        !warn(ab, "no pre-assignment spend or no revenue: CUPED is not computed")) {
        rc = oom(ab->path, err);
        goto fail;
    }
    size_t K = ab->arms.count;
    rows = ck__alloc_array(ab->n_rows, sizeof *rows);
    group = ck__alloc_array(ab->n_rows, sizeof *group);
    group_arm = ck__alloc_array(K, sizeof *group_arm);
    if (rows == NULL || group == NULL || group_arm == NULL) {
        rc = oom(ab->path, err);
        goto fail;
    }
    for (size_t i = 0; i < ab->n_rows; i++) {
        rows[i] = i;
        group[i] = ab->pos_of_arm[ab->arm[i]];
    }
    for (size_t j = 0; j < K; j++)
        group_arm[j] = (uint32_t)j;
    table_spec overall = { CK_ABTEST_OVERALL, NULL, NULL, rows, ab->n_rows, group, K,
                           group_arm,         NULL };
    if ((rc = add_table(ab, &overall, err)) < 0)
        goto fail;
    const ck_abtest_table *t = &ab->tables[0].t;
    for (size_t g = 1; g < K; g++)
        if (t->arms[g].n == 0) {
            /* only reachable through a split naming it, which was checked; kept as a guard */
            rc =
                ck_error_set(err, CK_EINVAL, ab->path, 0, "arm \"%s\" has no rows", t->arms[g].arm);
            goto fail;
        }
    if (t->srm_mismatch) {
        char sizes[256], split[256];
        size_t us = 0, up = 0;
        for (size_t g = 0; g < K; g++) {
            int a = snprintf(sizes + us, sizeof sizes - us, "%s%zu", g ? ":" : "", t->arms[g].n);
            int b = snprintf(split + up, sizeof split - up, "%s%.3g", g ? ":" : "",
                             ab->split[g] * 100.0);
            us = a > 0 && us + (size_t)a < sizeof sizes ? us + (size_t)a : us;
            up = b > 0 && up + (size_t)b < sizeof split ? up + (size_t)b : up;
        }
        if (!warn(ab,
                  "SAMPLE RATIO MISMATCH: arm sizes %s against an expected split of %s%% "
                  "(chi-square %.2f, df %.0f, p = %.2g < %g): the assignment or its logging "
                  "is broken, and no lift in this read-out can be trusted",
                  sizes, split, t->srm_chi2, t->srm_df, t->srm_p_value, ab->srm_threshold)) {
            rc = oom(ab->path, err);
            goto fail;
        }
    }
    if ((rc = segment_tables(ab, group, group_arm, rows, err)) < 0)
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
    free_tables(ab);
    return rc;
}
