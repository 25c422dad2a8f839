/*
 * What the item models of item_models.h share: a check of the interaction matrix they are
 * given, and its transpose (compressed columns), which lets a fit work one item at a time
 * over the customers who have that item, each item on its own (so any thread count gives
 * the same bits).
 */
#ifndef CK_ITEM_MODELS_INT_H
#define CK_ITEM_MODELS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/interactions.h"

/* The columns of X: item i's customers are users[col_start[i] .. col_start[i + 1]),
 * ascending, with their weights. Owned. */
typedef struct ck__item_columns {
    size_t n_items;
    size_t *col_start; /* n_items + 1 */
    uint32_t *users;
    float *weights;
} ck__item_columns;

/* Check that X is well formed: item indices below n_items and ascending within each row,
 * each weight finite and > 0 (CK_EINVAL quoting the first bad row), then transpose it
 * into *out (CK_ENOMEM). `who` names the caller in messages ("ease"). */
int ck__item_columns_new(ck__item_columns *out, const ck_interactions *x, const char *who,
                         ck_error *err);
void ck__item_columns_free(ck__item_columns *c);

#endif
