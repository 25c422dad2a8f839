/*
 * The customer × item matrix of implicit feedback (see interactions.h).
 *
 * One pass over the store's customers, in store order: each customer's events in
 * [start, cutoff) that carry an item and a positive weight are summed per item into a dense
 * accumulator over the store's items (touched entries listed, then cleared), in the store's
 * event order, so every sum is the same however the file was read. The customer's cells
 * are appended as a CSR row in the store's item numbering; once every row is known the
 * columns are fixed (the catalogue's order, or the used items sorted by id, which makes the
 * matrix independent of the order of the file) and each row is renumbered and sorted.
 *
 * The time decay is the usual exponential forgetting of implicit-feedback recommenders:
 * an event of age a counts w · 2^(−a/h), i.e. half as much every h days (the half-life),
 * with the age measured from the cutoff.
 */
#include "churnkit/interactions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/intern.h"
#include "base/util.h"

#define SECONDS_PER_DAY 86400.0

void ck_interaction_matrix_free(ck_interaction_matrix *m)
{
    if (m == NULL)
        return;
    free(m->user_customer);
    free(m->user_ids);
    free(m->row_of_customer);
    free(m->item_ids);
    free(m->item_category);
    free(m->category_names);
    free(m->row_start_);
    free(m->items_);
    free(m->weights_);
    free(m->by_id_);
    free(m->arena_);
    free(m);
}

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct cell {
    uint32_t item;
    float weight;
} cell;

static int compare_cell(const void *pa, const void *pb)
{
    const cell *a = pa, *b = pb;
    return a->item < b->item ? -1 : a->item > b->item;
}

/* qsort has no payload: the ids the comparison reads are passed through this, one per
 * thread, so concurrent builds do not share it */
static _Thread_local const char *const *sort_ids;

static int compare_by_id(const void *pa, const void *pb)
{
    return strcmp(sort_ids[*(const uint32_t *)pa], sort_ids[*(const uint32_t *)pb]);
}

static int check_opts(const ck_events *ev, const ck_interaction_opts *o,
                      const ck_recommend_config *rc, ck_error *err)
{
    if (!ck_events_has_item_column(ev))
        return ck_error_set(err, CK_EINVAL, NULL, 0, "this log has no item column");
    if (ck_events_n_items(ev) == 0)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "this log's item column is empty in every row");
    if (o->start_ts >= o->cutoff_ts)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "the interaction window is empty (start at or after the cutoff)");
    for (int t = 0; t < CK_EV_COUNT; t++)
        if (!(isfinite(rc->weights[t]) && rc->weights[t] >= 0))
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "recommend weight of \"%s\" must be a finite number >= 0, got %g",
                                ck_event_type_name(t), rc->weights[t]);
    if (!(isfinite(rc->half_life_days) && rc->half_life_days >= 0))
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "recommend half_life_days must be a finite number >= 0, got %g",
                            rc->half_life_days);
    if (rc->half_life_days > 0 && o->cutoff_ts == INT64_MAX)
        return ck_error_set(err, CK_EINVAL, NULL, 0,
                            "a half-life needs a cutoff to measure the age of events from");
    return CK_OK;
}

/* The catalogue's column of each store item (-1: not in it); fails on a repeated id. */
static int map_catalogue(long *col_of, const ck_events *ev, const ck_interaction_opts *o,
                         ck_error *err)
{
    ck__intern cat = CK__INTERN_INIT;
    int rc = CK_OK;
    for (size_t j = 0; j < o->n_item_ids && rc == CK_OK; j++) {
        long k = ck__intern_put(&cat, o->item_ids[j], strlen(o->item_ids[j]));
        if (k < 0)
            rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        else if ((size_t)k != j)
            rc = ck_error_set(err, CK_EINVAL, NULL, 0, "the item catalogue repeats \"%s\"",
                              o->item_ids[j]);
    }
    for (size_t s = 0; s < ck_events_n_items(ev) && rc == CK_OK; s++) {
        const char *id = ck_events_item_id(ev, (uint32_t)s);
        col_of[s] = ck__intern_find(&cat, id, strlen(id));
    }
    ck__intern_free(&cat);
    return rc;
}

/* ---- building ----------------------------------------------------------------------- */

/* The rows in store item numbering, before the columns are fixed. */
typedef struct rows {
    size_t n_users, cap_users, cap_starts, n_cells, cap_cells;
    size_t *user_customer;
    size_t *row_start; /* n_users + 1 */
    cell *cells;
} rows;

static void rows_free(rows *r)
{
    free(r->user_customer);
    free(r->row_start);
    free(r->cells);
}

/* Every customer's row; the category of each store item (its latest event with one). */
static int accumulate(rows *r, const ck_events *ev, const ck_interaction_opts *o,
                      const ck_recommend_config *rc, const long *col_of, uint16_t *cat,
                      size_t *n_events)
{
    size_t n_items = ck_events_n_items(ev);
    double *acc = calloc(n_items, sizeof *acc);
    uint8_t *seen = calloc(n_items, 1);
    int64_t *cat_ts = ck__alloc_array(n_items, sizeof *cat_ts);
    uint32_t *touched = ck__alloc_array(n_items, sizeof *touched);
    int rc_out = CK_ENOMEM;
    if (acc == NULL || seen == NULL || cat_ts == NULL || touched == NULL ||
        !ck__grow((void **)&r->row_start, &r->cap_starts, 1, sizeof *r->row_start))
        goto done;
    for (size_t s = 0; s < n_items; s++) {
        cat_ts[s] = INT64_MIN;
        cat[s] = CK_NO_LEVEL;
    }
    r->row_start[0] = 0;
    double half_life_s = rc->half_life_days * SECONDS_PER_DAY;
    for (size_t c = 0; c < ck_events_n_customers(ev); c++) {
        ck_event_span before = ck_event_span_before(ck_events_customer(ev, c), o->cutoff_ts);
        size_t lo = o->start_ts == INT64_MIN ? 0 : ck_event_span_before(before, o->start_ts).n;
        size_t n_touched = 0;
        for (size_t i = 0; i < before.n; i++) {
            uint32_t it = before.item[i];
            if (it == CK_NO_ITEM)
                continue;
            /* the latest category wins; >= hands a tie to the later event */
            if (before.category[i] != CK_NO_LEVEL && before.ts[i] >= cat_ts[it]) {
                cat_ts[it] = before.ts[i];
                cat[it] = before.category[i];
            }
            double w = rc->weights[before.type[i]];
            if (i < lo || !(w > 0) || before.type[i] == CK_EV_REFUND ||
                (col_of != NULL && col_of[it] < 0))
                continue;
            if (half_life_s > 0)
                w *= exp2(-((double)o->cutoff_ts - (double)before.ts[i]) / half_life_s);
            if (!seen[it]) {
                seen[it] = 1;
                touched[n_touched++] = it;
            }
            acc[it] += w;
            (*n_events)++;
        }
        if (n_touched == 0)
            continue;
        if (!ck__grow((void **)&r->cells, &r->cap_cells, r->n_cells + n_touched, sizeof *r->cells))
            goto done;
        size_t first = r->n_cells;
        for (size_t k = 0; k < n_touched; k++) {
            uint32_t it = touched[k];
            float w = (float)acc[it];
            acc[it] = 0.0;
            seen[it] = 0;
            if (w > 0) /* a sum decayed below the smallest float is no interaction */
                r->cells[r->n_cells++] = (cell){ it, w };
        }
        if (r->n_cells == first)
            continue;
        if (!ck__grow((void **)&r->user_customer, &r->cap_users, r->n_users + 1,
                      sizeof *r->user_customer) ||
            !ck__grow((void **)&r->row_start, &r->cap_starts, r->n_users + 2, sizeof *r->row_start))
            goto done;
        r->user_customer[r->n_users++] = c;
        r->row_start[r->n_users] = r->n_cells;
    }
    rc_out = CK_OK;
done:
    free(acc);
    free(seen);
    free(cat_ts);
    free(touched);
    return rc_out;
}

/* Bytes for a NUL-terminated copy of each string, added to *total. */
static bool add_len(size_t *total, const char *s)
{
    size_t len = strlen(s) + 1;
    if (*total > SIZE_MAX - len)
        return false;
    *total += len;
    return true;
}

static const char *copy_str(char **at, const char *s)
{
    size_t len = strlen(s) + 1;
    memcpy(*at, s, len);
    const char *out = *at;
    *at += len;
    return out;
}

int ck_interaction_matrix_build(ck_interaction_matrix **out, const ck_events *ev,
                                const ck_interaction_opts *opts, ck_error *err)
{
    static const ck_interaction_opts default_opts = CK_INTERACTION_OPTS_INIT;
    ck_recommend_config default_rc;
    if (opts == NULL)
        opts = &default_opts;
    const ck_recommend_config *rcfg = opts->recommend;
    if (rcfg == NULL) {
        ck_recommend_config_init(&default_rc);
        rcfg = &default_rc;
    }
    *out = NULL;
    int rc = check_opts(ev, opts, rcfg, err);
    if (rc < 0)
        return rc;
    size_t n_store_items = ck_events_n_items(ev), n_customers = ck_events_n_customers(ev);
    size_t n_categories = ck_events_n_categories(ev);
    rows r = { 0 };
    long *col_of = ck__alloc_array(n_store_items, sizeof *col_of);
    uint16_t *store_cat = ck__alloc_array(n_store_items, sizeof *store_cat);
    uint32_t *store_of = NULL; /* the store item of each column */
    ck_interaction_matrix *m = calloc(1, sizeof *m);
    if (col_of == NULL || store_cat == NULL || m == NULL)
        goto nomem;
    bool catalogue = opts->item_ids != NULL;
    if (catalogue && (rc = map_catalogue(col_of, ev, opts, err)) < 0)
        goto fail;
    if ((rc = accumulate(&r, ev, opts, rcfg, catalogue ? col_of : NULL, store_cat, &m->n_events)) <
        0)
        goto nomem;

    /* the columns */
    size_t n_items;
    if (catalogue) {
        n_items = opts->n_item_ids;
        store_of = ck__alloc_array(n_items, sizeof *store_of);
        if (store_of == NULL)
            goto nomem;
        for (size_t j = 0; j < n_items; j++)
            store_of[j] = CK_NO_ITEM;
        for (size_t s = 0; s < n_store_items; s++)
            if (col_of[s] >= 0)
                store_of[col_of[s]] = (uint32_t)s;
    } else {
        /* the items with a cell, sorted by id */
        for (size_t s = 0; s < n_store_items; s++)
            col_of[s] = -1;
        for (size_t k = 0; k < r.n_cells; k++)
            col_of[r.cells[k].item] = 0;
        n_items = 0;
        for (size_t s = 0; s < n_store_items; s++)
            n_items += col_of[s] == 0;
        store_of = ck__alloc_array(n_items, sizeof *store_of);
        const char **ids = ck__alloc_array(n_store_items, sizeof *ids);
        if (store_of == NULL || ids == NULL) {
            free(ids);
            goto nomem;
        }
        size_t j = 0;
        for (size_t s = 0; s < n_store_items; s++) {
            ids[s] = ck_events_item_id(ev, (uint32_t)s);
            if (col_of[s] == 0)
                store_of[j++] = (uint32_t)s;
        }
        sort_ids = ids;
        qsort(store_of, n_items, sizeof *store_of, compare_by_id);
        sort_ids = NULL;
        free(ids);
        for (size_t c = 0; c < n_items; c++)
            col_of[store_of[c]] = (long)c;
    }

    /* the rows, renumbered and sorted */
    m->view.n_users = r.n_users;
    m->view.n_items = n_items;
    m->row_start_ = r.row_start;
    r.row_start = NULL;
    m->user_customer = r.user_customer;
    r.user_customer = NULL;
    m->items_ = ck__alloc_array(r.n_cells, sizeof *m->items_);
    m->weights_ = ck__alloc_array(r.n_cells, sizeof *m->weights_);
    if (m->items_ == NULL || m->weights_ == NULL)
        goto nomem;
    if (r.n_users == 0)
        m->row_start_[0] = 0;
    for (size_t u = 0; u < r.n_users; u++) {
        size_t lo = m->row_start_[u], hi = m->row_start_[u + 1];
        for (size_t k = lo; k < hi; k++)
            r.cells[k].item = (uint32_t)col_of[r.cells[k].item];
        qsort(r.cells + lo, hi - lo, sizeof *r.cells, compare_cell);
        for (size_t k = lo; k < hi; k++) {
            m->items_[k] = r.cells[k].item;
            m->weights_[k] = r.cells[k].weight;
        }
    }
    m->view.row_start = m->row_start_;
    m->view.items = m->items_;
    m->view.weights = m->weights_;

    /* customers, items, categories: ids copied into one arena */
    m->n_customers = n_customers;
    m->n_categories = n_categories;
    m->row_of_customer = ck__alloc_array(n_customers, sizeof *m->row_of_customer);
    m->user_ids = ck__alloc_array(r.n_users, sizeof *m->user_ids);
    m->item_ids = ck__alloc_array(n_items, sizeof *m->item_ids);
    m->item_category = ck__alloc_array(n_items, sizeof *m->item_category);
    m->category_names = ck__alloc_array(n_categories, sizeof *m->category_names);
    m->by_id_ = ck__alloc_array(n_items, sizeof *m->by_id_);
    if (m->row_of_customer == NULL || m->user_ids == NULL || m->item_ids == NULL ||
        m->item_category == NULL || m->category_names == NULL || m->by_id_ == NULL)
        goto nomem;
    size_t bytes = 0;
    bool fits = true;
    for (size_t u = 0; u < r.n_users && fits; u++)
        fits = add_len(&bytes, ck_events_customer_id(ev, m->user_customer[u]));
    for (size_t j = 0; j < n_items && fits; j++)
        fits = add_len(&bytes, catalogue ? opts->item_ids[j] : ck_events_item_id(ev, store_of[j]));
    for (size_t k = 0; k < n_categories && fits; k++)
        fits = add_len(&bytes, ck_events_category_name(ev, (uint16_t)k));
    if (!fits || (m->arena_ = malloc(bytes ? bytes : 1)) == NULL)
        goto nomem;
    char *at = m->arena_;
    for (size_t c = 0; c < n_customers; c++)
        m->row_of_customer[c] = -1;
    for (size_t u = 0; u < r.n_users; u++) {
        m->user_ids[u] = copy_str(&at, ck_events_customer_id(ev, m->user_customer[u]));
        m->row_of_customer[m->user_customer[u]] = (long)u;
    }
    for (size_t j = 0; j < n_items; j++) {
        m->item_ids[j] =
            copy_str(&at, catalogue ? opts->item_ids[j] : ck_events_item_id(ev, store_of[j]));
        m->item_category[j] = store_of[j] == CK_NO_ITEM ? CK_NO_LEVEL : store_cat[store_of[j]];
        m->by_id_[j] = (uint32_t)j;
    }
    for (size_t k = 0; k < n_categories; k++)
        m->category_names[k] = copy_str(&at, ck_events_category_name(ev, (uint16_t)k));
    if (catalogue) {
        sort_ids = m->item_ids;
        qsort(m->by_id_, n_items, sizeof *m->by_id_, compare_by_id);
        sort_ids = NULL;
    }
    rows_free(&r);
    free(col_of);
    free(store_cat);
    free(store_of);
    *out = m;
    return CK_OK;
nomem:
    rc = ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
fail:
    rows_free(&r);
    free(col_of);
    free(store_cat);
    free(store_of);
    ck_interaction_matrix_free(m);
    return rc;
}

long ck_interaction_matrix_find_item(const ck_interaction_matrix *m, const char *id)
{
    size_t lo = 0, hi = m->view.n_items;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->item_ids[m->by_id_[mid]], id);
        if (c == 0)
            return (long)m->by_id_[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
