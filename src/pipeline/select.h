/*
 * Whom a scoring run covers and contacts, shared by the events and the table scorer:
 * shards, the value at risk and the budget's best N.
 */
#ifndef CK_PIPELINE_SELECT_H
#define CK_PIPELINE_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/predict.h"

/* A candidate for the budget: its value at risk, and the key that orders the rows. */
typedef struct ck__ranked {
    double value;
    int64_t key;
} ck__ranked;

/* The best N candidates seen so far. */
typedef struct ck__budget {
    long n_best;
    ck__ranked *top;
    size_t n_top, cap_top;
} ck__budget;

/* A customer's value at risk: probability × revenue_365d, −∞ when unknown (NaN). */
ck__ranked ck__value_at_risk(const ck_predict_writer *w, const float *row, int64_t key);

/* Grow *values to hold `need` candidates; false when memory runs out. */
bool ck__ranked_reserve(ck__ranked **values, size_t *cap, size_t need);

/* Offer candidates; the list is pruned to the best N now and then, so memory stays
 * O(N) however many are offered. @return CK_OK, CK_ENOMEM */
int ck__budget_offer(ck__budget *b, const ck__ranked *values, size_t n, ck_error *err);

/* The keys of the best N (largest value first, ties to the smaller key), sorted
 * ascending for ck__budget_has(). @return CK_OK, CK_ENOMEM */
int ck__budget_keys(ck__budget *b, int64_t **keys_out, size_t *n_out, ck_error *err);

bool ck__budget_has(const int64_t *keys, size_t n_keys, int64_t key);

void ck__budget_free(ck__budget *b);

#endif
