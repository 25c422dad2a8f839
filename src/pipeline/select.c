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

ck__ranked ck__value_at_risk(const ck_predict_writer *w, const float *row, int64_t key)
{
    long revenue = w->plan.revenue_365d;
    double value = ck_model_predict_row(w->model, row) * (revenue >= 0 ? row[revenue] : NAN);
    return (ck__ranked){ isnan(value) ? -HUGE_VAL : value, key };
}

bool ck__ranked_reserve(ck__ranked **values, size_t *cap, size_t need)
{
    return ck__grow((void **)values, cap, need, sizeof **values);
}

/* Best first; among equal values the smaller key (the earlier row). */
static int compare_ranked(const void *pa, const void *pb)
{
    const ck__ranked *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return (a->key > b->key) - (a->key < b->key);
}

static void keep_best(ck__budget *b)
{
    if (b->n_top > 0) /* top may be NULL then */
        qsort(b->top, b->n_top, sizeof *b->top, compare_ranked);
    if (b->n_top > (size_t)b->n_best)
        b->n_top = (size_t)b->n_best;
}

int ck__budget_offer(ck__budget *b, const ck__ranked *values, size_t n, ck_error *err)
{
    if (!ck__ranked_reserve(&b->top, &b->cap_top, b->n_top + n))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (n > 0)
        memcpy(b->top + b->n_top, values, n * sizeof *values);
    b->n_top += n;
    /* sorting is O(n log n): prune only once the list has grown well past N */
    if (b->n_top > 2 * (size_t)b->n_best + 65536)
        keep_best(b);
    return CK_OK;
}

static int compare_keys(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

int ck__budget_keys(ck__budget *b, int64_t **keys_out, size_t *n_out, ck_error *err)
{
    keep_best(b);
    *n_out = 0;
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
    free(b->top);
    b->top = NULL;
    b->n_top = b->cap_top = 0;
}
