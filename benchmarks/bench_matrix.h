/*
 * The synthetic customer × item matrix of the ALS and recommendation benchmarks
 * (bench_als.c, bench_recommend.c): each customer gets 1 to 2·per_user − 1 draws (uniform;
 * mean per_user) of items with a popularity skew (item ⌊n_items r²⌋ for r uniform: density
 * ∝ 1/√i, popular items first), duplicates merged, weights from {0.1, 0.5, 1, 2} (a view, a
 * cart, a purchase, two purchases). The same seed gives the same matrix.
 */
#ifndef CK_BENCH_MATRIX_H
#define CK_BENCH_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/interactions.h"

typedef struct bench_matrix {
    ck_interactions x;  /* over the arrays below */
    int64_t *row_start; /* n_users + 1, as the NumPy peers read it */
    size_t *row_start_z;
    uint32_t *items;
    float *weights;
} bench_matrix;

/* Draw the matrix; 0, or -1 when memory runs out. */
int bench_matrix_draw(bench_matrix *m, size_t n_users, size_t n_items, double per_user,
                      uint64_t seed);
void bench_matrix_free(bench_matrix *m);

/* Write n values of `size` bytes to DIR/NAME; 0, or -1 with a message on stderr. */
int bench_write_file(const char *dir, const char *name, const void *p, size_t size, size_t n);

/* The matrix for the NumPy peers: DIR/row_start.i64, items.u32, weights.f32 (native
 * little-endian) and shape.txt ("users items interactions"); 0 or -1. */
int bench_matrix_write(const bench_matrix *m, const char *dir);

#endif
