/*
 * The event store (see events.h).
 *
 * Reading appends each good row to build columns in file order (customer index, time,
 * type, amount, channel, category, and item when the file has an item column: a log
 * without one costs no memory for it). Finishing groups rows by customer with a counting
 * sort, which keeps file order within a customer, then sorts each customer's run by time
 * only where it is not already in order (logs are usually time-ordered), with the file
 * position as tie-break so the result is the same whatever the input order of ties.
 */
#include "churnkit/events.h"

#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/parallel.h"
#include "base/util.h"
#include "churnkit/config.h"
#include "churnkit/csv.h"
#include "churnkit/timestamp.h"
#include "io/cell.h"
#include "io/csv_scan.h"

/* Columns under construction, in file order. */
typedef struct batch {
    ck__intern ids, channels, categories, items;
    bool with_items; /* the file has an item column: `item` is kept */
    size_t n, cap;
    uint32_t *customer;
    int64_t *ts;
    uint8_t *type;
    double *amount;
    uint16_t *channel;
    uint16_t *category;
    uint32_t *item;
} batch;

static void batch_free(batch *b)
{
    ck__intern_free(&b->ids);
    ck__intern_free(&b->channels);
    ck__intern_free(&b->categories);
    ck__intern_free(&b->items);
    free(b->customer);
    free(b->ts);
    free(b->type);
    free(b->amount);
    free(b->channel);
    free(b->category);
    free(b->item);
    memset(b, 0, sizeof *b);
}

static bool batch_reserve(batch *b, size_t need)
{
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < need)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p = ck__realloc_array(b->field, cap, sizeof *b->field);                              \
        if (p == NULL)                                                                             \
            return false;                                                                          \
        b->field = p;                                                                              \
    } while (0)
    GROW(customer);
    GROW(ts);
    GROW(type);
    GROW(amount);
    GROW(channel);
    GROW(category);
    if (b->with_items)
        GROW(item);
#undef GROW
    b->cap = cap;
    return true;
}

struct ck_events {
    batch b;         /* when finished: grouped by customer, sorted by time; b.customer freed */
    size_t *offsets; /* customer c's events: [offsets[c], offsets[c + 1]) */
    size_t n_rejected;
    int64_t min_ts, max_ts;
};

void ck_events_free(ck_events *ev)
{
    if (ev == NULL)
        return;
    batch_free(&ev->b);
    free(ev->offsets);
    free(ev);
}

/* ---- reading rows ------------------------------------------------------------------ */

/* What the header says, shared read-only by every chunk. */
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
            if (want[0] == '\0') /* a column the config left unnamed (config.h) */
                continue;
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
    int t = ck_event_type_from_name_n(s, len);
    if (t >= 0)
        return t;
    for (size_t a = 0; a < cfg->n_aliases; a++)
        if (strlen(cfg->aliases[a].alias) == len && memcmp(cfg->aliases[a].alias, s, len) == 0)
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
        return ck_error_set(err, CK_EPARSE, path, line, "more than 65534 distinct %s values", what);
    *out = (uint16_t)k;
    return CK_OK;
}

/* An item id: dense like a level, but a catalogue may hold millions of products. */
static int intern_item(uint32_t *out, ck__intern *dict, const char *s, size_t len, const char *path,
                       long line, ck_error *err)
{
    if (len == 0) {
        *out = CK_NO_ITEM;
        return CK_OK;
    }
    long k = ck__intern_put(dict, s, len);
    if (k < 0)
        return ck_error_set(err, CK_ENOMEM, path, line, "out of memory");
    if ((unsigned long)k >= CK_NO_ITEM)
        return ck_error_set(err, CK_EPARSE, path, line, "more than %lu distinct item values",
                            (unsigned long)CK_NO_ITEM - 1);
    *out = (uint32_t)k;
    return CK_OK;
}

/* The direction of an amount is its event's type, so the amount itself is never negative
 * (DESIGN, events): a negative one on an event whose amount is read is a bad row, worded
 * to say which event the row should have been. Other events' amounts are not read. */
static int check_sign(int type, const char *cell, size_t len, const char *path, long line,
                      ck_error *err)
{
    const char *instead;
    switch (type) {
    case CK_EV_PURCHASE:
        instead = "a refund is its own event with a positive amount";
        break;
    case CK_EV_REFUND:
        instead = "a refund's amount is the money returned, written positive";
        break;
    case CK_EV_POINTS_EARN:
        instead = "points spent are a points_redeem event with a positive amount";
        break;
    case CK_EV_POINTS_REDEEM:
        instead = "points gained are a points_earn event with a positive amount";
        break;
    default:
        return CK_OK;
    }
    return ck_error_set(err, CK_EPARSE, path, line, "negative amount \"%.*s\" on a %s: %s",
                        (int)len, cell, ck_event_type_name(type), instead);
}

/* The largest amount a row may hold (docs/EVENTS.md, "Limits"): far above any real order or
 * points balance, and small enough that a customer's sums over any log that fits in
 * memory (below 2^40 rows) stay below 1e28, nowhere near overflowing a double. */
#define MAX_AMOUNT 1e15

/* Validate one row and append it; a row error is set with the row's line.
 * *last_customer caches the previous row's customer: logs often hold runs of one. */
static int add_row(batch *b, const reader *rd, const ck_csv_row *row, long *last_customer,
                   ck_error *err)
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
            return ck_error_set(err, CK_EPARSE, path, line, "missing %s", rd->cfg->column_names[c]);
    int64_t ts;
    if (ck_ts_parse(&ts, cell[CK_COL_TS], len[CK_COL_TS]) != CK_OK)
        return ck_error_set(err, CK_EPARSE, path, line, "bad timestamp \"%.*s\"",
                            (int)len[CK_COL_TS], cell[CK_COL_TS]);
    int type = lookup_event(rd->cfg, cell[CK_COL_EVENT], len[CK_COL_EVENT]);
    if (type < 0)
        return ck_error_set(err, CK_EPARSE, path, line, "unknown event \"%.*s\"",
                            (int)len[CK_COL_EVENT], cell[CK_COL_EVENT]);
    int rc;
    double amount = 0.0; /* an empty amount counts as 0 */
    if (len[CK_COL_AMOUNT] > 0 &&
        !ck__cell_parse_number(&amount, cell[CK_COL_AMOUNT], len[CK_COL_AMOUNT]))
        return ck_error_set(err, CK_EPARSE, path, line, "bad amount \"%.*s\"",
                            (int)len[CK_COL_AMOUNT], cell[CK_COL_AMOUNT]);
    if (amount > MAX_AMOUNT || amount < -MAX_AMOUNT)
        return ck_error_set(err, CK_EPARSE, path, line,
                            "amount \"%.*s\" out of range (at most 1e15 in absolute value)",
                            (int)len[CK_COL_AMOUNT], cell[CK_COL_AMOUNT]);
    if (amount < 0 &&
        (rc = check_sign(type, cell[CK_COL_AMOUNT], len[CK_COL_AMOUNT], path, line, err)) < 0)
        return rc;
    uint16_t channel = CK_NO_LEVEL, category = CK_NO_LEVEL;
    if ((rc = intern_level(&channel, &b->channels, cell[CK_COL_CHANNEL], len[CK_COL_CHANNEL],
                           "channel", path, line, err)) < 0 ||
        (rc = intern_level(&category, &b->categories, cell[CK_COL_CATEGORY], len[CK_COL_CATEGORY],
                           "category", path, line, err)) < 0)
        return rc;
    uint32_t item = CK_NO_ITEM;
    if (b->with_items && (rc = intern_item(&item, &b->items, cell[CK_COL_ITEM], len[CK_COL_ITEM],
                                           path, line, err)) < 0)
        return rc;
    const char *id = cell[CK_COL_CUSTOMER_ID];
    size_t id_len = len[CK_COL_CUSTOMER_ID];
    long customer = *last_customer;
    if (customer < 0 || b->ids.lengths[customer] != id_len ||
        memcmp(ck__intern_str(&b->ids, (size_t)customer), id, id_len) != 0)
        customer = ck__intern_put(&b->ids, id, id_len);
    *last_customer = customer;
    if (customer < 0 || !batch_reserve(b, b->n + 1))
        return ck_error_set(err, CK_ENOMEM, path, line, "out of memory");
    size_t i = b->n++;
    b->customer[i] = (uint32_t)customer;
    b->ts[i] = ts;
    b->type[i] = (uint8_t)type;
    b->amount[i] = amount;
    b->channel[i] = channel;
    b->category[i] = category;
    if (b->with_items)
        b->item[i] = item;
    return CK_OK;
}

/* ---- chunks: a file read in parallel ---------------------------------------------- */

/*
 * A plain file is cut into one chunk per thread at byte offsets, each starting just after
 * a line end. That guess can be wrong (a quoted field may hold a line end), so it is
 * checked (speculative parsing, as in Ge et al., "Speculative Distributed CSV Data
 * Parsing for Big Data Analytics", SIGMOD 2019): the first chunk starts at a true record
 * boundary, and a chunk that starts at one and stops exactly where the next one starts
 * proves that start true as well. Any mismatch falls back to one serial pass.
 * Line numbers inside a chunk restart at 1 and are shifted once the chunks before it
 * have counted theirs.
 */

typedef struct reject {
    char *raw;
    size_t len;
    ck_error why;
} reject;

typedef struct chunk {
    const reader *rd;
    const ck_events_read_opts *opts;
    int64_t start, stop_at; /* read the records that start in [start, stop_at) */
    bool reports_progress;
    batch b;
    reject *rejects;
    size_t n_rejects, cap_rejects;
    int rc; /* the first failure, its line relative to the chunk */
    ck_error err;
    int64_t stopped; /* where the next record would have started */
    long lines;      /* lines read */
} chunk;

static void chunk_free(chunk *ch)
{
    batch_free(&ch->b);
    for (size_t i = 0; i < ch->n_rejects; i++)
        free(ch->rejects[i].raw);
    free(ch->rejects);
}

static int keep_reject(chunk *ch, const ck_csv_row *row, const ck_error *why)
{
    if (!ck__grow((void **)&ch->rejects, &ch->cap_rejects, ch->n_rejects + 1, sizeof *ch->rejects))
        return CK_ENOMEM;
    reject *r = &ch->rejects[ch->n_rejects];
    r->raw = malloc(row->raw_len + 1);
    if (r->raw == NULL)
        return CK_ENOMEM;
    memcpy(r->raw, row->raw, row->raw_len);
    r->len = row->raw_len;
    r->why = *why;
    ch->n_rejects++;
    return CK_OK;
}

static void parse_chunk(chunk *ch)
{
    const ck_events_read_opts *opts = ch->opts;
    ck_csv *csv = NULL;
    ch->rc = ck__csv_open_at(&csv, ch->rd->path, ch->rd->cfg->delimiter, ch->start, &ch->err);
    if (ch->rc < 0)
        return;
    long last_customer = -1;
    size_t rows = 0;
    ck_csv_row row;
    while (ck__csv_offset(csv) < ch->stop_at) {
        ck_error row_err;
        int rc = ck_csv_next(csv, &row, &row_err);
        /* a record the reader refused but consumed (a NUL byte) is a bad row like any */
        bool skippable = rc == CK_EPARSE && row.raw != NULL;
        if (rc <= 0 && !skippable) {
            ch->rc = rc;
            if (rc < 0)
                ch->err = row_err;
            break;
        }
        if (!skippable)
            rc = add_row(&ch->b, ch->rd, &row, &last_customer, &row_err);
        if (rc == CK_EPARSE && opts->skip_bad_rows)
            rc = keep_reject(ch, &row, &row_err);
        else if (rc < 0)
            ch->err = row_err;
        if (rc < 0) {
            ch->rc = rc == CK_ENOMEM ? ck_error_set(&ch->err, CK_ENOMEM, ch->rd->path, row.line,
                                                    "out of memory")
                                     : rc;
            break;
        }
        if (ch->reports_progress && opts->progress && ++rows % 65536 == 0) {
            int64_t span = ch->stop_at == INT64_MAX ? 0 : ch->stop_at - ch->start;
            opts->progress(span > 0 ? (double)(ck__csv_offset(csv) - ch->start) / (double)span
                                    : ck_csv_progress(csv),
                           opts->progress_payload);
        }
    }
    ch->stopped = ck__csv_offset(csv);
    ch->lines = ck__csv_line(csv) - 1;
    ck_csv_free(csv);
}

static int parse_chunks(size_t lo, size_t hi, void *arg)
{
    chunk *chunks = arg;
    for (size_t k = lo; k < hi; k++)
        parse_chunk(&chunks[k]);
    return 0;
}

/* Speculative chunk starts: just past the first line end at or after each cut. */
static size_t plan_chunks(int64_t *starts, size_t n, int64_t data_start, int64_t size,
                          const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 1;
    starts[0] = data_start;
    size_t planned = 1;
    for (size_t k = 1; k < n; k++) {
        int64_t cut = data_start + (size - data_start) * (int64_t)k / (int64_t)n;
        if (cut <= starts[planned - 1])
            continue;
        int64_t start = ck__csv_line_start_after(f, cut);
        if (start < 0)
            break;
        starts[planned++] = start;
    }
    fclose(f);
    return planned;
}

/* Move the chunks' rows into one batch, in file order, interning their ids, channels
 * and categories again so indices follow first appearance in the whole file. */
static int merge_chunks(batch *out, chunk *chunks, size_t n, const char *path, ck_error *err)
{
    if (n == 1) {
        *out = chunks[0].b;
        memset(&chunks[0].b, 0, sizeof chunks[0].b);
        return CK_OK;
    }
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += chunks[k].b.n;
    memset(out, 0, sizeof *out);
    out->with_items = chunks[0].b.with_items;
    if (!batch_reserve(out, total ? total : 1))
        goto nomem;
    for (size_t k = 0; k < n; k++) {
        batch *b = &chunks[k].b;
        ck__intern *dicts[4][2] = { { &b->ids, &out->ids },
                                    { &b->channels, &out->channels },
                                    { &b->categories, &out->categories },
                                    { &b->items, &out->items } };
        uint32_t *maps[4] = { NULL, NULL, NULL, NULL };
        bool ok = true;
        for (int d = 0; d < 4 && ok; d++) {
            const ck__intern *from = dicts[d][0];
            maps[d] = ck__alloc_array(from->count, sizeof *maps[d]);
            ok = maps[d] != NULL;
            for (size_t i = 0; ok && i < from->count; i++) {
                long g = ck__intern_put(dicts[d][1], ck__intern_str(from, i), from->lengths[i]);
                ok = g >= 0;
                maps[d][i] = (uint32_t)g;
            }
        }
        for (size_t i = 0; ok && i < b->n; i++) {
            size_t j = out->n++;
            out->customer[j] = maps[0][b->customer[i]];
            out->ts[j] = b->ts[i];
            out->type[j] = b->type[i];
            out->amount[j] = b->amount[i];
            out->channel[j] =
                b->channel[i] == CK_NO_LEVEL ? CK_NO_LEVEL : (uint16_t)maps[1][b->channel[i]];
            out->category[j] =
                b->category[i] == CK_NO_LEVEL ? CK_NO_LEVEL : (uint16_t)maps[2][b->category[i]];
            if (out->with_items)
                out->item[j] = b->item[i] == CK_NO_ITEM ? CK_NO_ITEM : maps[3][b->item[i]];
        }
        for (int d = 0; d < 4; d++)
            free(maps[d]);
        batch_free(b);
        if (!ok)
            goto nomem;
    }
    if (out->channels.count >= CK_NO_LEVEL || out->categories.count >= CK_NO_LEVEL)
        return ck_error_set(err, CK_EPARSE, path, 0,
                            "more than 65534 distinct channel or category values");
    return CK_OK;
nomem:
    return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
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
#define PERMUTE(b, field, order, ok)                                                               \
    do {                                                                                           \
        __typeof__((b)->field) dst_ = ck__alloc_array((b)->n, sizeof *(b)->field);                 \
        if (dst_ == NULL) {                                                                        \
            ok = false;                                                                            \
            break;                                                                                 \
        }                                                                                          \
        for (size_t i_ = 0; i_ < (b)->n; i_++)                                                     \
            dst_[i_] = (b)->field[(order)[i_]];                                                    \
        free((b)->field);                                                                          \
        (b)->field = dst_;                                                                         \
    } while (0)

static int finish(ck_events *ev, const char *path, ck_error *err)
{
    batch *b = &ev->b;
    size_t n_customers = b->ids.count, n = b->n;
    ev->offsets = calloc(n_customers + 1, sizeof *ev->offsets);
    uint32_t *order = ck__alloc_array(n, sizeof *order);
    size_t *next = ck__alloc_array(n_customers, sizeof *next);
    ts_index *scratch = NULL;
    if (ev->offsets == NULL || order == NULL || next == NULL)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        ev->offsets[b->customer[i] + 1]++;
    for (size_t c = 0; c < n_customers; c++)
        ev->offsets[c + 1] += ev->offsets[c];
    memcpy(next, ev->offsets, n_customers * sizeof *next);
    for (size_t i = 0; i < n; i++)
        order[next[b->customer[i]]++] = (uint32_t)i;
    free(next);
    next = NULL;
    free(b->customer);
    b->customer = NULL;
    size_t scratch_cap = 0;
    for (size_t c = 0; c < n_customers; c++) {
        size_t lo = ev->offsets[c], hi = ev->offsets[c + 1];
        bool sorted = true;
        for (size_t i = lo + 1; i < hi && sorted; i++)
            sorted = b->ts[order[i - 1]] <= b->ts[order[i]];
        if (sorted)
            continue;
        if (!ck__grow((void **)&scratch, &scratch_cap, hi - lo, sizeof *scratch))
            goto nomem;
        for (size_t i = lo; i < hi; i++)
            scratch[i - lo] = (ts_index){ b->ts[order[i]], order[i] };
        qsort(scratch, hi - lo, sizeof *scratch, compare_ts_index);
        for (size_t i = lo; i < hi; i++)
            order[i] = scratch[i - lo].index;
    }
    free(scratch);
    scratch = NULL;
    bool ok = true;
    PERMUTE(b, ts, order, ok);
    if (ok)
        PERMUTE(b, type, order, ok);
    if (ok)
        PERMUTE(b, amount, order, ok);
    if (ok)
        PERMUTE(b, channel, order, ok);
    if (ok)
        PERMUTE(b, category, order, ok);
    if (ok && b->with_items)
        PERMUTE(b, item, order, ok);
    if (!ok)
        goto nomem;
    free(order);
    ev->min_ts = ev->max_ts = n ? b->ts[0] : 0;
    for (size_t i = 1; i < n; i++) {
        if (b->ts[i] < ev->min_ts)
            ev->min_ts = b->ts[i];
        if (b->ts[i] > ev->max_ts)
            ev->max_ts = b->ts[i];
    }
    return CK_OK;
nomem:
    free(order);
    free(next);
    free(scratch);
    return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
}

/* Files smaller than this are read by one thread. */
#define PARALLEL_MIN_BYTES (8 << 20)
#define MAX_CHUNKS         64

/* Read the rows after the header: in parallel chunks when the file is plain and large,
 * in one pass otherwise or when a speculative chunk start proves wrong. */
static int read_rows(ck_events *ev, const reader *rd, const ck_events_read_opts *opts,
                     int64_t data_start, long first_line, int64_t file_size, bool plain,
                     ck_error *err)
{
    int64_t starts[MAX_CHUNKS];
    size_t n = opts->n_threads < 1 ? 1 : (size_t)opts->n_threads;
    if (n > MAX_CHUNKS)
        n = MAX_CHUNKS;
    if (!plain || file_size < PARALLEL_MIN_BYTES)
        n = 1;
    n = n > 1 ? plan_chunks(starts, n, data_start, file_size, rd->path) : 1;
    starts[0] = data_start;
    chunk *chunks = calloc(n, sizeof *chunks);
    if (chunks == NULL)
        return ck_error_set(err, CK_ENOMEM, rd->path, 0, "out of memory");
    for (size_t k = 0; k < n; k++)
        chunks[k] = (chunk){ .rd = rd,
                             .opts = opts,
                             .start = starts[k],
                             .stop_at = k + 1 < n ? starts[k + 1] : INT64_MAX,
                             .reports_progress = k == 0,
                             .b = { .with_items = rd->col[CK_COL_ITEM] >= 0 } };
    ck__parallel_for(n, 1, (int)n, parse_chunks, chunks);

    int rc = CK_OK;
    long line_base = first_line - 1;
    for (size_t k = 0; k < n && rc == CK_OK; k++) {
        chunk *ch = &chunks[k];
        if (ch->rc == CK_OK && k + 1 < n && ch->stopped != ch->stop_at) {
            /* a wrong guess (nothing was reported yet): read again in one pass */
            for (size_t j = 0; j < n; j++)
                chunk_free(&chunks[j]);
            free(chunks);
            return read_rows(ev, rd, opts, data_start, first_line, file_size, false, err);
        }
        for (size_t i = 0; i < ch->n_rejects; i++) {
            ch->rejects[i].why.line += line_base;
            if (opts->on_reject)
                opts->on_reject(ch->rejects[i].raw, ch->rejects[i].len, &ch->rejects[i].why,
                                opts->reject_payload);
        }
        ev->n_rejected += ch->n_rejects;
        if (ch->rc < 0) {
            if (ch->err.line > 0)
                ch->err.line += line_base;
            if (err)
                *err = ch->err;
            rc = ch->rc;
        }
        line_base += ch->lines;
    }
    if (rc == CK_OK)
        rc = merge_chunks(&ev->b, chunks, n, rd->path, err);
    for (size_t k = 0; k < n; k++)
        chunk_free(&chunks[k]);
    free(chunks);
    return rc;
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
    int64_t data_start = ck__csv_offset(csv);
    long first_line = ck__csv_line(csv);
    bool plain = ck__csv_is_plain(csv);
    int64_t file_size = ck__csv_file_size(csv);
    ck_csv_free(csv);
    csv = NULL;
    if ((rc = read_rows(ev, &rd, opts, data_start, first_line, file_size, plain, err)) < 0 ||
        (rc = finish(ev, path, err)) < 0)
        goto fail;
    if (opts->progress)
        opts->progress(1.0, opts->progress_payload);
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
    return ev->b.ids.count;
}

size_t ck_events_n_events(const ck_events *ev)
{
    return ev->b.n;
}

size_t ck_events_n_rejected(const ck_events *ev)
{
    return ev->n_rejected;
}

const char *ck_events_customer_id(const ck_events *ev, size_t c)
{
    return ck__intern_str(&ev->b.ids, c);
}

long ck_events_find_customer(const ck_events *ev, const char *id)
{
    return ck__intern_find(&ev->b.ids, id, strlen(id));
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
    const batch *b = &ev->b;
    size_t lo = ev->offsets[c];
    return (ck_event_span){ ev->offsets[c + 1] - lo,
                            b->ts + lo,
                            b->type + lo,
                            b->amount + lo,
                            b->channel + lo,
                            b->category + lo,
                            b->with_items ? b->item + lo : NULL };
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
    return ev->b.channels.count;
}

const char *ck_events_channel_name(const ck_events *ev, uint16_t channel)
{
    return channel < ev->b.channels.count ? ck__intern_str(&ev->b.channels, channel) : "";
}

size_t ck_events_n_categories(const ck_events *ev)
{
    return ev->b.categories.count;
}

const char *ck_events_category_name(const ck_events *ev, uint16_t category)
{
    return category < ev->b.categories.count ? ck__intern_str(&ev->b.categories, category) : "";
}

bool ck_events_has_item_column(const ck_events *ev)
{
    return ev->b.with_items;
}

size_t ck_events_n_items(const ck_events *ev)
{
    return ev->b.items.count;
}

const char *ck_events_item_id(const ck_events *ev, uint32_t item)
{
    return item < ev->b.items.count ? ck__intern_str(&ev->b.items, item) : "";
}

long ck_events_find_item(const ck_events *ev, const char *id)
{
    return ck__intern_find(&ev->b.items, id, strlen(id));
}
