/*
 * Fixtures of the boosted-stumps trainer tests (test_gbm, test_bins): two trained models
 * the same to the bit, stump by stump.
 *
 * Header-only (static inline), as the other fixtures.
 */
#ifndef CK_TEST_GBM_FIXTURES_H
#define CK_TEST_GBM_FIXTURES_H

#include <stdbool.h>
#include <string.h>

#include "learn/gbm/gbm_int.h"

static inline bool same_models(const ck_gbm *a, const ck_gbm *b)
{
    if (a->n_stumps != b->n_stumps || a->base_score != b->base_score)
        return false;
    for (size_t s = 0; s < a->n_stumps; s++) {
        const ck__stump *x = &a->stumps[s], *y = &b->stumps[s];
        if (x->feature != y->feature || x->threshold != y->threshold ||
            x->left_value != y->left_value || x->right_value != y->right_value ||
            x->gain != y->gain || x->missing_left != y->missing_left ||
            x->n_left_levels != y->n_left_levels ||
            (x->n_left_levels &&
             memcmp(x->left_levels, y->left_levels, x->n_left_levels * sizeof *x->left_levels)))
            return false;
    }
    return true;
}

#endif
