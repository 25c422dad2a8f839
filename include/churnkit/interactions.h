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

#include "churnkit/config.h"
#include "churnkit/error.h"
#include "churnkit/events.h"
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

/** What to build a matrix from (ck_interaction_matrix_build()). */
typedef struct ck_interaction_opts {
    int64_t start_ts;  /**< events at or after this time; INT64_MIN: from the first */
    int64_t cutoff_ts; /**< events strictly before this time; also the decay's "now" */
    /** weights per event type and the half-life (config.h); NULL: the defaults */
    const ck_recommend_config *recommend;
    /** NULL: the items are every item with an interaction, in ascending byte order of their
     *  ids. Otherwise a fixed catalogue (a trained model's items): item j is item_ids[j],
     *  and events of any other item are left out (ids must be distinct) */
    const char *const *item_ids;
    size_t n_item_ids;
} ck_interaction_opts;

#define CK_INTERACTION_OPTS_INIT                                                                   \
    {                                                                                              \
        INT64_MIN, INT64_MAX, NULL, NULL, 0                                                        \
    }

/**
 * The customer × item matrix of a log with its ids: owned, read-only once built. Every
 * array and string belongs to the matrix (none borrows from the event store), so it
 * outlives the store. Free with ck_interaction_matrix_free().
 */
typedef struct ck_interaction_matrix {
    ck_interactions view; /**< the CSR over the arrays below */
    /** row u is the store's customer user_customer[u]; rows follow the store's customer
     *  order, and only customers with at least one interaction have a row */
    size_t *user_customer;
    const char **user_ids; /**< n_users customer ids */
    size_t n_customers;    /**< customers in the store */
    long *row_of_customer; /**< n_customers: the row of each store customer, or -1 */
    const char **item_ids; /**< n_items item ids (view.n_items) */
    /** n_items: the item's category, an index into category_names, or CK_NO_LEVEL: the
     *  category of the item's latest event before the cutoff that has one (any event type,
     *  from any time before the cutoff; on a tie in time, the later customer in the store,
     *  then the later event; a catalogue item absent from the log has none) */
    uint16_t *item_category;
    size_t n_categories;
    const char **category_names; /**< the store's category names, copied */
    size_t n_events;             /**< events that contributed a weight */
    /* storage */
    size_t *row_start_;
    uint32_t *items_;
    float *weights_;
    uint32_t *by_id_; /* the columns in ascending byte order of their ids */
    char *arena_;
} ck_interaction_matrix;

/**
 * Build the interaction matrix of @p ev: every event in [start_ts, cutoff_ts) with an item
 * and a weight w > 0 for its type adds w · 2^(−age / half_life) to its (customer, item)
 * cell, age = (cutoff_ts − ts) in days (no decay when half_life_days is 0). Sums are taken
 * in double in the store's event order and kept as float; a cell that rounds to 0 is left
 * out. Nothing at or after the cutoff is read, an item's category included.
 *
 * A log with an item column but no interaction in the window gives an empty matrix
 * (n_users = 0), not an error.
 *
 * @param[out] out  the matrix, or NULL on failure; free with ck_interaction_matrix_free()
 * @return CK_OK; CK_EINVAL when the log has no item column ("this log has no item column")
 *         or its item column is empty everywhere, when start_ts ≥ cutoff_ts, or a weight
 *         or the half-life is negative or not finite, a half-life without a cutoff
 *         (cutoff_ts INT64_MAX), or the catalogue repeats an id; CK_ENOMEM
 */
CK_API int ck_interaction_matrix_build(ck_interaction_matrix **out, const ck_events *ev,
                                       const ck_interaction_opts *opts, ck_error *err);

/** Free a matrix; accepts NULL. */
CK_API void ck_interaction_matrix_free(ck_interaction_matrix *m);

/** The column of item @p id, or -1 (a binary search over the ids). */
CK_API long ck_interaction_matrix_find_item(const ck_interaction_matrix *m, const char *id);

#ifdef __cplusplus
}
#endif

#endif
