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

/* Copies of customer ids that stay where they are until the arena is freed (grown in
 * chunks, never moved), so candidates can point at them. */
typedef struct ck__id_arena {
    struct ck__id_chunk *head;
} ck__id_arena;

/* A copy of `id` in the arena, or NULL when memory runs out. */
const char *ck__id_arena_copy(ck__id_arena *a, const char *id);
void ck__id_arena_free(ck__id_arena *a);

/* A candidate for the budget: its value at risk, its probability, its id and the key that
 * finds its row again. */
typedef struct ck__ranked {
    double value, probability;
    const char *id;
    int64_t key;
} ck__ranked;

/* The best N candidates seen so far, with copies of their ids. */
typedef struct ck__budget {
    long n_best;
    ck__ranked *top;
    size_t n_top, cap_top;
    ck__id_arena ids;
} ck__budget;

/* A customer as a candidate: value at risk = probability × `value` (the value model's,
 * when the writer has one) or × revenue_365d, −∞ when unknown (NaN). The id is not
 * copied. */
ck__ranked ck__value_at_risk(const ck_predict_writer *w, const float *row, double value,
                             const char *id, int64_t key);

/* A customer as a candidate under an uplift model (the writer's): the incremental value
 * of the arm worth treating with, −∞ when no arm is (such a customer is not offered). */
ck__ranked ck__incremental_value(const ck_predict_writer *w, const float *row,
                                 const double *uplift, const char *id, int64_t key);

/* Grow *values to hold `need` candidates; false when memory runs out. */
bool ck__ranked_reserve(ck__ranked **values, size_t *cap, size_t need);

/* Offer candidates (their ids are copied); the list is pruned to the best N now and then,
 * so memory stays O(N) however many are offered. The order: value at risk, then the
 * probability (largest first), then the id, then the key (smallest first), so equal
 * values are chosen the same way in every run and every mode. @return CK_OK, CK_ENOMEM */
int ck__budget_offer(ck__budget *b, const ck__ranked *values, size_t n, ck_error *err);

/* The keys of the best N, sorted ascending for ck__budget_has(). @return CK_OK,
 * CK_ENOMEM */
int ck__budget_keys(ck__budget *b, int64_t **keys_out, size_t *n_out, ck_error *err);

bool ck__budget_has(const int64_t *keys, size_t n_keys, int64_t key);

void ck__budget_free(ck__budget *b);

#endif
