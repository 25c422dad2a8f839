/* The benchmarks' synthetic matrix (bench_matrix.h). */
#include "bench_matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

#define MAX_DRAWS 4096

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int bench_matrix_draw(bench_matrix *m, size_t n_users, size_t n_items, double per_user,
                      uint64_t seed)
{
    size_t cap = (size_t)((double)n_users * per_user * 1.02) + 1024, nnz = 0;
    static const float W[4] = { 0.1f, 0.5f, 1.0f, 2.0f };
    uint32_t draw[MAX_DRAWS];
    memset(m, 0, sizeof *m);
    m->row_start = malloc((n_users + 1) * sizeof *m->row_start);
    m->row_start_z = malloc((n_users + 1) * sizeof *m->row_start_z);
    m->items = malloc(cap * sizeof *m->items);
    m->weights = malloc(cap * sizeof *m->weights);
    if (!m->row_start || !m->row_start_z || !m->items || !m->weights) {
        bench_matrix_free(m);
        return -1;
    }
    ck__rng rng;
    ck__rng_seed(&rng, seed, 0);
    for (size_t u = 0; u < n_users; u++) {
        m->row_start[u] = (int64_t)nnz;
        size_t n = 1 + ck__rng_below(&rng, (uint64_t)(2 * per_user - 1));
        if (n > MAX_DRAWS)
            n = MAX_DRAWS;
        for (size_t j = 0; j < n; j++) {
            double r = ck__rng_uniform(&rng);
            draw[j] = (uint32_t)(r * r * (double)n_items);
        }
        qsort(draw, n, sizeof *draw, cmp_u32);
        for (size_t j = 0; j < n && nnz < cap; j++) {
            if (j > 0 && draw[j] == draw[j - 1])
                continue;
            m->items[nnz] = draw[j];
            m->weights[nnz] = W[ck__rng_below(&rng, 4)];
            nnz++;
        }
    }
    m->row_start[n_users] = (int64_t)nnz;
    for (size_t u = 0; u <= n_users; u++)
        m->row_start_z[u] = (size_t)m->row_start[u];
    m->x = (ck_interactions){ n_users, n_items, m->row_start_z, m->items, m->weights };
    return 0;
}

void bench_matrix_free(bench_matrix *m)
{
    free(m->row_start);
    free(m->row_start_z);
    free(m->items);
    free(m->weights);
    memset(m, 0, sizeof *m);
}

int bench_write_file(const char *dir, const char *name, const void *p, size_t size, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, size, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int bench_matrix_write(const bench_matrix *m, const char *dir)
{
    size_t n_users = m->x.n_users, nnz = m->x.row_start[n_users];
    char shape[256];
    int len = snprintf(shape, sizeof shape, "%zu %zu %zu\n", n_users, m->x.n_items, nnz);
    return bench_write_file(dir, "row_start.i64", m->row_start, sizeof *m->row_start,
                            n_users + 1) ||
                   bench_write_file(dir, "items.u32", m->items, sizeof *m->items, nnz) ||
                   bench_write_file(dir, "weights.f32", m->weights, sizeof *m->weights, nnz) ||
                   bench_write_file(dir, "shape.txt", shape, 1, (size_t)len)
               ? -1
               : 0;
}
