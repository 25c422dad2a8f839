/*
 * A parallel for over [0, n): the range is cut into one contiguous block per worker, so
 * what each index computes never depends on the thread count.
 */
#ifndef CK_PARALLEL_H
#define CK_PARALLEL_H

#include <stddef.h>

/* fn(lo, hi, ctx) handles [lo, hi) and returns 0, or non-zero on failure. */
typedef int (*ck__range_fn)(size_t lo, size_t hi, void *ctx);

/* Run fn over [0, n) on up to n_threads threads, giving each at least `grain` indices;
 * returns the first worker's non-zero result in block order, or 0. */
int ck__parallel_for(size_t n, size_t grain, int n_threads, ck__range_fn fn, void *ctx);

#endif
