/*
 * The event store (see events.h).
 *
 * Reading appends each good row to build columns in file order (customer index, time,
 * type, amount, channel, category). Finishing groups rows by customer with a counting
 * sort, which keeps file order within a customer, then sorts each customer's run by time
 * only where it is not already in order (logs are usually time-ordered), with the file
 * position as tie-break so the result is the same whatever the input order of ties.
 */
#include "churnkit/events.h"

#include <stdlib.h>
#include <string.h>

#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/timestamp.h"
#include "cell.h"
#include "intern.h"
#include "util.h"

static const char *const event_names[CK_EV_COUNT] = {
    "purchase", "refund",        "visit",    "view",   "favorite", "cart",
    "points_earn", "points_redeem", "campaign", "coupon", "signup",   "cancel",
};

const char *ck_event_type_name(int type)
{
    return type >= 0 && type < CK_EV_COUNT ? event_names[type] : NULL;
}

int ck_event_type_from_name(const char *name)
{
    for (int t = 0; t < CK_EV_COUNT; t++)
        if (strcmp(name, event_names[t]) == 0)
            return t;
    return -1;
}

struct ck_events {
    ck__intern ids, channels, categories;
    size_t n_events, cap, n_rejected;
    /* while reading: per-row customer; after finishing: offsets[n_customers + 1] */
    uint32_t *customer;
    size_t *offsets;
    int64_t *ts;
    uint8_t *type;
    double *amount;
    uint16_t *channel;
    uint16_t *category;
    int64_t min_ts, max_ts;
};

void ck_events_free(ck_events *ev)
{
    if (ev == NULL)
        return;
    ck__intern_free(&ev->ids);
    ck__intern_free(&ev->channels);
    ck__intern_free(&ev->categories);
    free(ev->customer);
    free(ev->offsets);
    free(ev->ts);
    free(ev->type);
    free(ev->amount);
    free(ev->channel);
    free(ev->category);
    free(ev);
}

/* ---- reading ----------------------------------------------------------------------- */

typedef struct reader {
    const ck_config *cfg;
    const char *path;
    int col[CK_COL_COUNT]; /* field index of each canonical column, or -1 */
    size_t n_fields;
} reader;

static int read_header(reader *rd, const ck_csv_row *row, ck_error *err)
{
    for (int c = 0; c < CK_COL_COUNT; c++)
        rd->col[c] = -1;
    rd->n_fields = row->n_fields;
    for (size_t f = 0; f < row->n_fields; f++) {
        const char *name = row->fields[f];
        size_t len = row->lengths[f];
        ck__cell_trim(&name, &len);
        for (int c = 0; c < CK_COL_COUNT; c++) {
            const char *want = rd->cfg->column_names[c];
            if (strlen(want) != len || memcmp(want, name, len) != 0)
                continue;
            if (rd->col[c] >= 0)
                return ck_error_set(err, CK_EPARSE, rd->path, row->line,
                                    "column \"%s\" appears twice", want);
            rd->col[c] = (int)f;
        }
    }
    for (int c = 0; c <= CK_COL_EVENT; c++)
        if (rd->col[c] < 0)
            return ck_error_set(err, CK_EPARSE, rd->path, row->line, "missing column \"%s\"",
                                rd->cfg->column_names[c]);
    return CK_OK;
}

static int lookup_event(const ck_config *cfg, const char *s, size_t len)
{
    for (int t = 0; t < CK_EV_COUNT; t++)
        if (strncmp(event_names[t], s, len) == 0 && event_names[t][len] == '\0')
            return t;
    for (size_t a = 0; a < cfg->n_aliases; a++)
        if (strncmp(cfg->aliases[a].alias, s, len) == 0 && cfg->aliases[a].alias[len] == '\0')
            return cfg->aliases[a].event;
    return -1;
}

static int intern_level(uint16_t *out, ck__intern *dict, const char *s, size_t len,
                        const char *what, const char *path, long line, ck_error *err)
{
    if (len == 0) {
        *out = CK_NO_LEVEL;
        return CK_OK;
    }
    long k = ck__intern_put(dict, s, len);
    if (k < 0)
        return ck_error_set(err, CK_ENOMEM, path, line, "out of memory");
    if (k >= CK_NO_LEVEL)
        return ck_error_set(err, CK_EPARSE, path, line, "more than 65534 distinct %s values",
                            what);
    *out = (uint16_t)k;
    return CK_OK;
}

static bool reserve(ck_events *ev, size_t need)
{
    if (need <= ev->cap)
        return true;
    size_t cap = ev->cap ? ev->cap * 2 : 65536;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p = ck__realloc_array(ev->field, cap, sizeof *ev->field);                        \
        if (p == NULL)                                                                             \
            return false;                                                                          \
        ev->field = p;                                                                             \
    } while (0)
    GROW(customer);
    GROW(ts);
    GROW(type);
    GROW(amount);
    GROW(channel);
    GROW(category);
#undef GROW
    ev->cap = cap;
    return true;
}

/* Validate one row and append it; a row error is set with the row's line. */
static int add_row(ck_events *ev, const reader *rd, const ck_csv_row *row, ck_error *err)
{
    const char *path = rd->path;
    long line = row->line;
    if (row->n_fields != rd->n_fields)
        return ck_error_set(err, CK_EPARSE, path, line, "expected %zu fields, got %zu",
                            rd->n_fields, row->n_fields);
    const char *cell[CK_COL_COUNT];
    size_t len[CK_COL_COUNT];
    for (int c = 0; c < CK_COL_COUNT; c++) {
        cell[c] = rd->col[c] >= 0 ? row->fields[rd->col[c]] : "";
        len[c] = rd->col[c] >= 0 ? row->lengths[rd->col[c]] : 0;
        ck__cell_trim(&cell[c], &len[c]);
    }
    for (int c = 0; c <= CK_COL_EVENT; c++)
        if (len[c] == 0)
            return ck_error_set(err, CK_EPARSE, path, line, "missing %s",
                                rd->cfg->column_names[c]);
    int64_t ts;
    if (ck_ts_parse(&ts, cell[CK_COL_TS], len[CK_COL_TS]) != CK_OK)
        return ck_error_set(err, CK_EPARSE, path, line, "bad timestamp \"%.*s\"",
                            (int)len[CK_COL_TS], cell[CK_COL_TS]);
    int type = lookup_event(rd->cfg, cell[CK_COL_EVENT], len[CK_COL_EVENT]);
    if (type < 0)
        return ck_error_set(err, CK_EPARSE, path, line, "unknown event \"%.*s\"",
                            (int)len[CK_COL_EVENT], cell[CK_COL_EVENT]);
    double amount = 0.0; /* an empty amount counts as 0 */
    if (len[CK_COL_AMOUNT] > 0 &&
        !ck__cell_parse_number(&amount, cell[CK_COL_AMOUNT], len[CK_COL_AMOUNT]))
        return ck_error_set(err, CK_EPARSE, path, line, "bad amount \"%.*s\"",
                            (int)len[CK_COL_AMOUNT], cell[CK_COL_AMOUNT]);
    uint16_t channel, category;
    int rc;
    if ((rc = intern_level(&channel, &ev->channels, cell[CK_COL_CHANNEL], len[CK_COL_CHANNEL],
                           "channel", path, line, err)) < 0 ||
        (rc = intern_level(&category, &ev->categories, cell[CK_COL_CATEGORY],
                           len[CK_COL_CATEGORY], "category", path, line, err)) < 0)
        return rc;
    long customer = ck__intern_put(&ev->ids, cell[CK_COL_CUSTOMER_ID], len[CK_COL_CUSTOMER_ID]);
    if (customer < 0 || !reserve(ev, ev->n_events + 1))
        return ck_error_set(err, CK_ENOMEM, path, line, "out of memory");
    size_t i = ev->n_events++;
    ev->customer[i] = (uint32_t)customer;
    ev->ts[i] = ts;
    ev->type[i] = (uint8_t)type;
    ev->amount[i] = amount;
    ev->channel[i] = channel;
    ev->category[i] = category;
    return CK_OK;
}

/* ---- finishing: group by customer, sort by time ----------------------------------- */

typedef struct ts_index {
    int64_t ts;
    uint32_t index;
} ts_index;

static int compare_ts_index(const void *pa, const void *pb)
{
    const ts_index *a = pa, *b = pb;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Apply the permutation `order` to one column: column[i] = old[order[i]]. */
#define PERMUTE(ev, field, order, ok)                                                              \
    do {                                                                                           \
        void *p_ = ck__alloc_array((ev)->n_events, sizeof *(ev)->field);                      \
        if (p_ == NULL) {                                                                          \
            ok = false;                                                                            \
            break;                                                                                 \
        }                                                                                          \
        __typeof__((ev)->field) dst_ = p_;                                                         \
        for (size_t i_ = 0; i_ < (ev)->n_events; i_++)                                             \
            dst_[i_] = (ev)->field[(order)[i_]];                                                   \
        free((ev)->field);                                                                         \
        (ev)->field = dst_;                                                                        \
    } while (0)

static int finish(ck_events *ev, const char *path, ck_error *err)
{
    size_t n_customers = ev->ids.count, n = ev->n_events;
    ev->offsets = calloc(n_customers + 1, sizeof *ev->offsets);
    uint32_t *order = ck__alloc_array(n, sizeof *order);
    ts_index *scratch = NULL;
    if (ev->offsets == NULL || order == NULL)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        ev->offsets[ev->customer[i] + 1]++;
    for (size_t c = 0; c < n_customers; c++)
        ev->offsets[c + 1] += ev->offsets[c];
    {
        size_t *next = ck__alloc_array(n_customers, sizeof *next);
        if (next == NULL)
            goto nomem;
        memcpy(next, ev->offsets, n_customers * sizeof *next);
        for (size_t i = 0; i < n; i++)
            order[next[ev->customer[i]]++] = (uint32_t)i;
        free(next);
    }
    free(ev->customer);
    ev->customer = NULL;
    size_t scratch_cap = 0;
    for (size_t c = 0; c < n_customers; c++) {
        size_t lo = ev->offsets[c], hi = ev->offsets[c + 1];
        bool sorted = true;
        for (size_t i = lo + 1; i < hi && sorted; i++)
            sorted = ev->ts[order[i - 1]] <= ev->ts[order[i]];
        if (sorted)
            continue;
        if (!ck__grow((void **)&scratch, &scratch_cap, hi - lo, sizeof *scratch))
            goto nomem;
        for (size_t i = lo; i < hi; i++)
            scratch[i - lo] = (ts_index){ ev->ts[order[i]], order[i] };
        qsort(scratch, hi - lo, sizeof *scratch, compare_ts_index);
        for (size_t i = lo; i < hi; i++)
            order[i] = scratch[i - lo].index;
    }
    free(scratch);
    scratch = NULL;
    bool ok = true;
    PERMUTE(ev, ts, order, ok);
    if (ok)
        PERMUTE(ev, type, order, ok);
    if (ok)
        PERMUTE(ev, amount, order, ok);
    if (ok)
        PERMUTE(ev, channel, order, ok);
    if (ok)
        PERMUTE(ev, category, order, ok);
    if (!ok)
        goto nomem;
    free(order);
    ev->min_ts = ev->max_ts = n ? ev->ts[0] : 0;
    for (size_t i = 1; i < n; i++) {
        if (ev->ts[i] < ev->min_ts)
            ev->min_ts = ev->ts[i];
        if (ev->ts[i] > ev->max_ts)
            ev->max_ts = ev->ts[i];
    }
    return CK_OK;
nomem:
    free(order);
    free(scratch);
    return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
}

int ck_events_read_csv(ck_events **out, const char *path, const ck_events_read_opts *opts,
                       ck_error *err)
{
    static const ck_events_read_opts default_opts = CK_EVENTS_READ_OPTS_INIT;
    ck_config default_cfg;
    if (opts == NULL)
        opts = &default_opts;
    reader rd = { .cfg = opts->config, .path = path };
    if (rd.cfg == NULL) {
        ck_config_init(&default_cfg);
        rd.cfg = &default_cfg;
    }
    *out = NULL;
    ck_csv *csv = NULL;
    ck_events *ev = calloc(1, sizeof *ev);
    if (ev == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    int rc = ck_csv_open(&csv, path, rd.cfg->delimiter, err);
    if (rc < 0)
        goto fail;
    ck_csv_row row;
    rc = ck_csv_next(csv, &row, err);
    if (rc == 0)
        rc = ck_error_set(err, CK_EPARSE, path, 1, "empty file: expected a header row");
    if (rc < 0 || (rc = read_header(&rd, &row, err)) < 0)
        goto fail;
    size_t rows = 0;
    while ((rc = ck_csv_next(csv, &row, err)) == 1) {
        ck_error row_err;
        rc = add_row(ev, &rd, &row, &row_err);
        if (rc == CK_EPARSE && opts->skip_bad_rows) {
            ev->n_rejected++;
            if (opts->on_reject)
                opts->on_reject(row.raw, row.raw_len, &row_err, opts->reject_payload);
        } else if (rc < 0) {
            if (err)
                *err = row_err;
            goto fail;
        }
        if (opts->progress && ++rows % 65536 == 0)
            opts->progress(ck_csv_progress(csv), opts->progress_payload);
    }
    if (rc < 0 || (rc = finish(ev, path, err)) < 0)
        goto fail;
    if (opts->progress)
        opts->progress(1.0, opts->progress_payload);
    ck_csv_free(csv);
    *out = ev;
    return CK_OK;
fail:
    ck_csv_free(csv);
    ck_events_free(ev);
    return rc;
}

/* ---- access ------------------------------------------------------------------------ */

size_t ck_events_n_customers(const ck_events *ev)
{
    return ev->ids.count;
}

size_t ck_events_n_events(const ck_events *ev)
{
    return ev->n_events;
}

size_t ck_events_n_rejected(const ck_events *ev)
{
    return ev->n_rejected;
}

const char *ck_events_customer_id(const ck_events *ev, size_t c)
{
    return ck__intern_str(&ev->ids, c);
}

long ck_events_find_customer(const ck_events *ev, const char *id)
{
    return ck__intern_find(&ev->ids, id, strlen(id));
}

int64_t ck_events_min_ts(const ck_events *ev)
{
    return ev->min_ts;
}

int64_t ck_events_max_ts(const ck_events *ev)
{
    return ev->max_ts;
}

ck_event_span ck_events_customer(const ck_events *ev, size_t c)
{
    size_t lo = ev->offsets[c];
    return (ck_event_span){ ev->offsets[c + 1] - lo, ev->ts + lo,      ev->type + lo,
                            ev->amount + lo,         ev->channel + lo, ev->category + lo };
}

ck_event_span ck_event_span_before(ck_event_span span, int64_t t)
{
    size_t lo = 0, hi = span.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (span.ts[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    span.n = lo;
    return span;
}

size_t ck_events_n_channels(const ck_events *ev)
{
    return ev->channels.count;
}

const char *ck_events_channel_name(const ck_events *ev, uint16_t channel)
{
    return channel < ev->channels.count ? ck__intern_str(&ev->channels, channel) : "";
}

size_t ck_events_n_categories(const ck_events *ev)
{
    return ev->categories.count;
}

const char *ck_events_category_name(const ck_events *ev, uint16_t category)
{
    return category < ev->categories.count ? ck__intern_str(&ev->categories, category) : "";
}
