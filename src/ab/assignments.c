/*
 * Reading an assignments file (see ck_abtest_read_csv() in abtest.h): one row per
 * customer with its arm, assigned_at, optional outcome columns and the kept columns
 * (--by columns, the channel), appended to the experiment's parallel arrays
 * (experiment_int.h). Cells are trimmed; each error names the file and the line.
 */
#include "churnkit/abtest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab/experiment_int.h"
#include "base/intern.h"
#include "base/util.h"
#include "churnkit/csv.h"
#include "churnkit/timestamp.h"
#include "io/cell.h"

#define NO_TIME   INT64_MIN
#define QUOTE_MAX 60 /* longest quoted cell in a message */

static int quoted(size_t len)
{
    return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
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
        return ck__abtest_oom(path, err);
    for (size_t i = 0; i < row->n_fields; i++) {
        const char *s;
        size_t len;
        cell_at(row, i, &s, &len);
        if ((h->names[i] = ck__abtest_strndup(s, len)) == NULL)
            return ck__abtest_oom(path, err);
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
    ck__abtest_column *p = realloc(ab->keep, (ab->n_keep + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    ab->keep = p;
    ck__abtest_column *kc = &ab->keep[ab->n_keep];
    memset(kc, 0, sizeof *kc);
    kc->field = field;
    kc->computed = field < 0;
    if ((kc->name = ck__abtest_strdup(name)) == NULL)
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

/* Row i's outcome cells (converted, revenue, pre-period spend), those the file has. */
static int read_outcomes(ck_abtest *ab, const fields *f, const header *h, const ck_csv_row *row,
                         size_t i, ck_error *err)
{
    const char *path = ab->path, *s;
    size_t len;
    long line = row->line;
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
    return CK_OK;
}

/* Row i's level in each kept column (missing for a column built from events later). */
static int read_kept(ck_abtest *ab, const ck_csv_row *row, size_t i, ck_error *err)
{
    const char *s;
    size_t len;
    for (size_t k = 0; k < ab->n_keep; k++) {
        ck__abtest_column *kc = &ab->keep[k];
        kc->code[i] = CK__ABTEST_MISSING;
        if (kc->field < 0)
            continue;
        cell_at(row, (size_t)kc->field, &s, &len);
        if (ck__cell_is_missing(s, len))
            continue;
        long code = ck__intern_put(&kc->levels, s, len);
        if (code < 0)
            return ck__abtest_oom(ab->path, err);
        kc->code[i] = (uint32_t)code;
    }
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
        return ck__abtest_oom(path, err);
    size_t i = ab->n_rows;
    ab->line[i] = line;

    cell_at(row, (size_t)f->id, &s, &len);
    if (ck__cell_is_missing(s, len))
        return ck_error_set(err, CK_EPARSE, path, line, "missing %s", h->names[f->id]);
    long id = ck__intern_put(&ab->ids, s, len);
    if (id < 0)
        return ck__abtest_oom(path, err);
    if ((size_t)id != i)
        return ck_error_set(err, CK_EPARSE, path, line,
                            "customer \"%.*s\" is assigned twice (first on line %ld)", quoted(len),
                            s, ab->line[id]);

    cell_at(row, (size_t)f->arm, &s, &len);
    if (ck__cell_is_missing(s, len))
        return ck_error_set(err, CK_EPARSE, path, line, "missing %s", h->names[f->arm]);
    long arm = ck__intern_put(&ab->arms, s, len);
    if (arm < 0)
        return ck__abtest_oom(path, err);
    ab->arm[i] = (uint32_t)arm;

    ab->assigned_at[i] = NO_TIME;
    if (f->at >= 0) {
        cell_at(row, (size_t)f->at, &s, &len);
        if (ck_ts_parse(&ab->assigned_at[i], s, len) != CK_OK)
            return ck_error_set(err, CK_EPARSE, path, line, "bad %s \"%.*s\"", h->names[f->at],
                                quoted(len), s);
    }
    int rc;
    if ((rc = read_outcomes(ab, f, h, row, i, err)) < 0 || (rc = read_kept(ab, row, i, err)) < 0)
        return rc;
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
        return ck__abtest_oom(path, err);
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
            return ck__abtest_oom(path, err);
        bool repeated = false;
        for (size_t j = 0; j < ab->n_by; j++)
            repeated |= ab->by[j] == (size_t)k;
        if (!repeated)
            ab->by[ab->n_by++] = (size_t)k;
    }
    ab->channel = -1;
    int ch = header_find(h, o->channel_column);
    if (ch >= 0 && (ab->channel = add_keep(ab, o->channel_column, ch)) < 0)
        return ck__abtest_oom(path, err);
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
        return ck__abtest_oom(path, err);
    if ((ab->path = ck__abtest_strdup(path)) == NULL ||
        (opts->converted_column &&
         (ab->converted_column = ck__abtest_strdup(opts->converted_column)) == NULL) ||
        (opts->revenue_column &&
         (ab->revenue_column = ck__abtest_strdup(opts->revenue_column)) == NULL)) {
        rc = ck__abtest_oom(path, err);
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
        !ck__abtest_warn(ab, "%s: %zu empty %s cell%s counted as 0", path, ab->n_missing_revenue,
                         opts->revenue_column, ab->n_missing_revenue == 1 ? "" : "s")) {
        rc = ck__abtest_oom(path, err);
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
