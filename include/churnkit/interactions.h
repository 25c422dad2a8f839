/**
 * @file interactions.h
 * @brief Implicit feedback for recommendations: the customer × item matrix of weighted
 *        interactions (purchases, carts, favorites, views of an item) before a cutoff.
 *
 * Customers and items are dense indices (0 .. n_users − 1, 0 .. n_items − 1); the
 * builder keeps their ids. Row u holds the items customer u interacted with, ascending and
 * each once, with the summed weight of those interactions, every weight > 0.
 */
#ifndef CHURNKIT_INTERACTIONS_H
#define CHURNKIT_INTERACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A sparse matrix in compressed rows (CSR). Borrowed arrays. */
typedef struct ck_interactions {
    size_t n_users, n_items;
    const size_t *row_start; /**< n_users + 1: row u is [row_start[u], row_start[u + 1]) */
    const uint32_t *items;   /**< row_start[n_users] item indices, ascending within a row */
    const float *weights;    /**< row_start[n_users] weights, each > 0 */
} ck_interactions;

#ifdef __cplusplus
}
#endif

#endif
