/*
 * Whom a scoring run covers and contacts. A shard is FNV-1a of the customer id modulo
 * the shard count, so a customer's shard depends on nothing else. The budget flags the N
 * customers with the largest value at risk — churn probability × revenue in the last 365
 * days — with ties to the earlier row, so the choice is the same for any thread count.
 */
#include "pipeline/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "churnkit/pipeline.h"

bool ck_pipeline_in_shard(const char *id, long shard, long n_shards)
{
    if (n_shards <= 1)
        return true;
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (long)(h % (uint64_t)n_shards) == shard;
}

/* A chunk of the id arena: ids are appended until it is full. */
struct ck__id_chunk {
    struct ck__id_chunk *next;
    size_t used, cap;
    char text[];
};

#define ID_CHUNK_BYTES ((size_t)1 << 16)

const char *ck__id_arena_copy(ck__id_arena *a, const char *id)
{
    size_t len = strlen(id) + 1;
    struct ck__id_chunk *c = a->head;
    if (c == NULL || c->cap - c->used < len) {
        size_t cap = len > ID_CHUNK_BYTES ? len : ID_CHUNK_BYTES;
        c = malloc(sizeof *c + cap);
        if (c == NULL)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *copy = c->text + c->used;
    memcpy(copy, id, len);
    c->used += len;
    return copy;
}

void ck__id_arena_free(ck__id_arena *a)
{
    while (a->head != NULL) {
        struct ck__id_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

ck__ranked ck__value_at_risk(const ck_predict_writer *w, const float *row, double value,
                             const char *id, int64_t key)
{
    long revenue = w->plan.revenue_365d;
    double p = ck_model_predict_row(w->model, row);
    double at_risk = p * (w->value ? value : revenue >= 0 ? row[revenue] : NAN);
    return (ck__ranked){ isnan(at_risk) ? -HUGE_VAL : at_risk, p, id, key };
}

ck__ranked ck__incremental_value(const ck_predict_writer *w, const float *row,
                                 const double *uplift, const char *id, int64_t key)
{
    double net = -HUGE_VAL;
    if (uplift == NULL || ck_uplift_best_arm(w->uplift, uplift, &net) < 0)
        net = -HUGE_VAL;
    return (ck__ranked){ net, ck_model_predict_row(w->model, row), id, key };
}

bool ck__ranked_reserve(ck__ranked **values, size_t *cap, size_t need)
{
    return ck__grow((void **)values, cap, need, sizeof **values);
}

/* Best first (the order of ck__budget_offer()). */
static int compare_ranked(const void *pa, const void *pb)
{
    const ck__ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    if (a->probability != b->probability)
        return a->probability > b->probability ? -1 : 1;
    int by_id = strcmp(a->id, b->id);
    if (by_id != 0)
        return by_id;
    return (a->key > b->key) - (a->key < b->key);
}

/* Sort, keep the best N, and keep only their ids. */
static int keep_best(ck__budget *b, ck_error *err)
{
    if (b->n_top > 0) /* top may be NULL then */
        qsort(b->top, b->n_top, sizeof *b->top, compare_ranked);
    if (b->n_top > (size_t)b->n_best)
        b->n_top = (size_t)b->n_best;
    ck__id_arena kept = { NULL };
    for (size_t q = 0; q < b->n_top; q++)
        if ((b->top[q].id = ck__id_arena_copy(&kept, b->top[q].id)) == NULL) {
            ck__id_arena_free(&kept);
            b->n_top = 0; /* their ids are half moved: the list is unusable */
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        }
    ck__id_arena_free(&b->ids);
    b->ids = kept;
    return CK_OK;
}

int ck__budget_offer(ck__budget *b, const ck__ranked *values, size_t n, ck_error *err)
{
    if (!ck__ranked_reserve(&b->top, &b->cap_top, b->n_top + n))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        b->top[b->n_top] = values[i];
        if ((b->top[b->n_top].id = ck__id_arena_copy(&b->ids, values[i].id)) == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        b->n_top++;
    }
    /* sorting is O(n log n): prune only once the list has grown well past N */
    if (b->n_top > 2 * (size_t)b->n_best + 65536)
        return keep_best(b, err);
    return CK_OK;
}

static int compare_keys(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

int ck__budget_keys(ck__budget *b, int64_t **keys_out, size_t *n_out, ck_error *err)
{
    *n_out = 0;
    *keys_out = NULL;
    int rc = keep_best(b, err);
    if (rc < 0)
        return rc;
    *keys_out = ck__alloc_array(b->n_top + 1, sizeof **keys_out);
    if (*keys_out == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t q = 0; q < b->n_top; q++)
        (*keys_out)[q] = b->top[q].key;
    if (b->n_top > 0)
        qsort(*keys_out, b->n_top, sizeof **keys_out, compare_keys);
    *n_out = b->n_top;
    return CK_OK;
}

bool ck__budget_has(const int64_t *keys, size_t n_keys, int64_t key)
{
    return n_keys > 0 && bsearch(&key, keys, n_keys, sizeof *keys, compare_keys) != NULL;
}

void ck__budget_free(ck__budget *b)
{
    ck__id_arena_free(&b->ids);
    free(b->top);
    b->top = NULL;
    b->n_top = b->cap_top = 0;
}
