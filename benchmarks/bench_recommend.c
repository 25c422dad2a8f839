/*
 * Top-K recommendation speed (run_recommend.sh): every customer of a synthetic matrix gets
 * their top K items from an ALS recommender, by the path churn-predict takes
 * (src/pipeline/recommendations.c): fixed blocks of CK_RECOMMEND_BLOCK customers, each
 * scored by ck_recommender_score_rows() (every customer folded in exactly, then one dgemm
 * of the block's factors by the item factors) and ranked by ck_recommend_top(), the blocks
 * shared among the threads by ck__parallel_for(), K item indices kept per customer.
 *
 * The matrix is bench_als's (same generator, same defaults: 1M users x 50k items, ~30
 * interactions a user, popularity-skewed, weights from {0.1, 0.5, 1, 2}). The item factors
 * are not fitted: N(0, 0.1²) draws from the seed (the cost of scoring does not depend on
 * their values); λ 100 and α 10 as ck_recommend_params_default().
 *
 * --blend N also times the blend with every component weighted (repeat, EASE lists of
 * CK__EASE_KEEP random items for the 10,000 most popular items, the same ALS, item-kNN of
 * 100 neighbours fitted on the first N customers, popularity) on the first N customers,
 * and prints the time scaled to all of them (linear in customers: each is scored alone).
 *
 * --one-by-one N times the path churn-predict took before blocks: ck_recommender_score()
 * (fold-in and a dgemv over all item factors) and ck_recommend_top() one customer at a time
 * on one thread, for the first N customers, scaled to all of them.
 *
 * --write DIR writes the matrix (as bench_als does), the item factors (item_factors.f64,
 * n_items x factors) and the first 1,000 customers' top K (top.u32, K per customer) for
 * benchmarks/peers/recommend_numpy.py, which checks its own lists against them.
 *
 * Usage: bench_recommend [--users N] [--items N] [--per-user X] [--factors K] [--threads T]
 *                        [--top K] [--reps R] [--seed S] [--blend N] [--one-by-one N]
 *                        [--write DIR]
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/parallel.h"
#include "base/rng.h"
#include "bench_matrix.h"
#include "bench_timing.h"
#include "churnkit/recommend.h"
#include "learn/recommend/recommend_int.h"

#define CHECKED_CUSTOMERS 1000

static long parse_long(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) {
        fprintf(stderr, "bench_recommend: %s: expected a non-negative integer, got \"%s\"\n", opt,
                s);
        exit(2);
    }
    return v;
}

/* Every customer's top K, in fixed blocks shared among the threads (as ck__picks_init). */
typedef struct job {
    const ck_recommender *r;
    const ck_interactions *x;
    size_t n_users, k;
    uint32_t *lists;
    size_t *listed;
    int rc;
} job;

static int top_blocks(size_t lo, size_t hi, void *arg)
{
    job *j = arg;
    size_t m = j->x->n_items, size = ck_recommender_batch_scratch_size(j->r, CK_RECOMMEND_BLOCK);
    double *scores = malloc((size_t)CK_RECOMMEND_BLOCK * m * sizeof *scores);
    double *scratch = malloc(size * sizeof *scratch);
    ck_error err = { 0 };
    int rc = scores && scratch ? CK_OK : CK_ENOMEM;
    for (size_t b = lo; rc == CK_OK && b < hi; b++) {
        size_t first = b * CK_RECOMMEND_BLOCK;
        size_t count =
            j->n_users - first < CK_RECOMMEND_BLOCK ? j->n_users - first : CK_RECOMMEND_BLOCK;
        rc = ck_recommender_score_rows(j->r, CK_RECOMMEND_NEXT, j->x, first, count, scores, scratch,
                                       &err);
        for (size_t i = 0; rc == CK_OK && i < count; i++)
            j->listed[first + i] =
                ck_recommend_top(scores + i * m, m, j->k, NULL, 0, j->lists + (first + i) * j->k);
    }
    if (rc < 0) {
        fprintf(stderr, "bench_recommend: %s\n", rc == CK_ENOMEM ? "out of memory" : err.msg);
        j->rc = rc;
    }
    free(scores);
    free(scratch);
    return rc < 0 ? -1 : 0;
}

/* A blend with every component: the ALS of `als`, random EASE lists on the most popular
 * items, item-kNN fitted on `sample`, popularity of `sample`. */
static ck_recommender *make_blend(ck_als *als, const ck_interactions *sample, int threads,
                                  ck__rng *rng)
{
    size_t m = als->n_items, ease_items = m < 10000 ? m : 10000;
    ck_recommender *r = ck__recommender_new(CK_RECOMMEND_BLEND, m);
    ck_error err = { 0 };
    if (r == NULL)
        return NULL;
    r->als = als;
    for (int g = 0; g < CK_RECOMMEND_N_GOALS; g++) {
        double w[CK_BLEND_N] = { 1.0, 0.5, 0.5, 0.5, 0.1 };
        memcpy(r->blend[g], w, sizeof w);
    }
    r->ease_start = calloc(m + 1, sizeof *r->ease_start);
    r->ease_item = malloc(ease_items * CK__EASE_KEEP * sizeof *r->ease_item);
    r->ease_weight = malloc(ease_items * CK__EASE_KEEP * sizeof *r->ease_weight);
    if (!r->ease_start || !r->ease_item || !r->ease_weight || ck__recommender_derive(r, &err) < 0 ||
        ck_itemknn_fit(&r->knn, sample, 100, 100.0, threads, &err) < 0) {
        fprintf(stderr, "bench_recommend: %s\n", err.msg[0] ? err.msg : "out of memory");
        r->als = NULL;
        ck__recommender_free(r);
        return NULL;
    }
    size_t q = 0;
    for (size_t i = 0; i < m; i++) {
        r->ease_start[i] = q;
        for (size_t e = 0; i < ease_items && e < CK__EASE_KEEP; e++) {
            r->ease_item[q] = (uint32_t)ck__rng_below(rng, m);
            r->ease_weight[q++] = 0.1 * (double)(CK__EASE_KEEP - e) / CK__EASE_KEEP;
        }
    }
    r->ease_start[m] = q;
    ck_popularity(sample, r->popularity);
    return r;
}

int main(int argc, char **argv)
{
    size_t n_users = 1000000, n_items = 50000, top_k = 10, blend_users = 0, single_users = 0;
    double per_user = 30.6;
    int factors = 64, threads = 2, reps = 1;
    uint64_t seed = 2026;
    const char *write_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_recommend: %s: missing value\n", o);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(o, "--users") == 0)
            n_users = (size_t)parse_long(o, v);
        else if (strcmp(o, "--items") == 0)
            n_items = (size_t)parse_long(o, v);
        else if (strcmp(o, "--per-user") == 0)
            per_user = strtod(v, NULL);
        else if (strcmp(o, "--factors") == 0)
            factors = (int)parse_long(o, v);
        else if (strcmp(o, "--threads") == 0)
            threads = (int)parse_long(o, v);
        else if (strcmp(o, "--top") == 0)
            top_k = (size_t)parse_long(o, v);
        else if (strcmp(o, "--reps") == 0)
            reps = (int)parse_long(o, v);
        else if (strcmp(o, "--seed") == 0)
            seed = (uint64_t)parse_long(o, v);
        else if (strcmp(o, "--blend") == 0)
            blend_users = (size_t)parse_long(o, v);
        else if (strcmp(o, "--one-by-one") == 0)
            single_users = (size_t)parse_long(o, v);
        else if (strcmp(o, "--write") == 0)
            write_dir = v;
        else {
            fprintf(stderr, "bench_recommend: unknown option %s\n", o);
            return 2;
        }
    }
    if (n_users == 0 || n_items == 0 || top_k == 0 || factors < 1) {
        fprintf(stderr, "bench_recommend: users, items, top and factors must be positive\n");
        return 2;
    }

    /* the matrix: bench_als's (bench_matrix.h) */
    double t0 = bench_wall_s();
    bench_matrix mat;
    if (bench_matrix_draw(&mat, n_users, n_items, per_user, seed) < 0) {
        fprintf(stderr, "bench_recommend: out of memory\n");
        return 1;
    }
    ck_interactions x = mat.x;
    size_t nnz = x.row_start[n_users];
    printf("matrix: %zu users x %zu items, %zu interactions (%.2f a user), drawn in %.2f s\n",
           n_users, n_items, nnz, (double)nnz / (double)n_users, bench_wall_s() - t0);

    /* the recommender: ALS item factors N(0, 0.1²), λ 100, α 10 */
    ck_recommender *r = ck__recommender_new(CK_RECOMMEND_ALS, n_items);
    ck_als *als = calloc(1, sizeof *als);
    double *y = malloc(n_items * (size_t)factors * sizeof *y);
    ck_error err = { 0 };
    if (r == NULL || als == NULL || y == NULL) {
        fprintf(stderr, "bench_recommend: out of memory\n");
        return 1;
    }
    ck__rng rng;
    ck__rng_seed(&rng, seed, 1);
    for (size_t q = 0; q < n_items * (size_t)factors; q++)
        y[q] = 0.1 * ck__rng_normal(&rng);
    *als = (ck_als){ 0, n_items, factors, 100.0, 10.0, NULL, y };
    r->als = als;
    if (ck__recommender_derive(r, &err) < 0) {
        fprintf(stderr, "bench_recommend: %s\n", err.msg);
        return 1;
    }
    if (write_dir != NULL &&
        (bench_matrix_write(&mat, write_dir) < 0 ||
         bench_write_file(write_dir, "item_factors.f64", y, sizeof *y, n_items * (size_t)factors)))
        return 1;
    printf("recommender: ALS, %d factors, lambda 100, alpha 10; top %zu; %d threads; blocks of "
           "%d customers\n",
           factors, top_k, threads, CK_RECOMMEND_BLOCK);

    job j = { r,
              &x,
              n_users,
              top_k,
              malloc(n_users * top_k * sizeof(uint32_t)),
              malloc(n_users * sizeof(size_t)),
              0 };
    if (j.lists == NULL || j.listed == NULL) {
        fprintf(stderr, "bench_recommend: out of memory\n");
        return 1;
    }
    size_t n_blocks = (n_users + CK_RECOMMEND_BLOCK - 1) / CK_RECOMMEND_BLOCK;
    for (int rep = 0; rep < reps; rep++) {
        double a = bench_wall_s(), ca = bench_cpu_s();
        ck__parallel_for(n_blocks, 1, threads, top_blocks, &j);
        double wall = bench_wall_s() - a, cpu = bench_cpu_s() - ca;
        if (j.rc < 0)
            return 1;
        printf("rep %d: top %zu for %zu customers %.3f s (%.2f us a customer); cpu %.3f s; "
               "peak RSS %.0f MiB\n",
               rep + 1, top_k, n_users, wall, 1e6 * wall / (double)n_users, cpu, bench_peak_mib());
        fflush(stdout);
    }
    if (write_dir != NULL) {
        size_t n = n_users < CHECKED_CUSTOMERS ? n_users : CHECKED_CUSTOMERS;
        /* without a timed run, the blocks of the checked customers alone (the same blocks) */
        if (reps == 0)
            ck__parallel_for((n + CK_RECOMMEND_BLOCK - 1) / CK_RECOMMEND_BLOCK, 1, threads,
                             top_blocks, &j);
        if (j.rc < 0)
            return 1;
        if (bench_write_file(write_dir, "top.u32", j.lists, sizeof *j.lists, n * top_k))
            return 1;
        printf("written to %s\n", write_dir);
    }

    if (single_users > 0) {
        /* the path before blocks: ck_recommender_score (a dgemv) a customer at a time */
        size_t n = single_users < n_users ? single_users : n_users;
        size_t m = n_items;
        double *scores = malloc(m * sizeof *scores);
        double *scratch = malloc(ck_recommender_scratch_size(r) * sizeof *scratch);
        if (scores == NULL || scratch == NULL)
            return 1;
        double a = bench_wall_s(), ca = bench_cpu_s();
        for (size_t u = 0; u < n; u++) {
            size_t s0 = x.row_start[u], len = x.row_start[u + 1] - s0;
            if (ck_recommender_score(r, CK_RECOMMEND_NEXT, x.items + s0, x.weights + s0, len,
                                     scores, scratch, &err) < 0) {
                fprintf(stderr, "bench_recommend: %s\n", err.msg);
                return 1;
            }
            j.listed[u] = ck_recommend_top(scores, m, top_k, NULL, 0, j.lists + u * top_k);
        }
        double wall = bench_wall_s() - a, cpu = bench_cpu_s() - ca;
        printf("one by one: top %zu for %zu customers on 1 thread %.3f s (%.2f us a customer), "
               "scaled to %zu customers %.1f s; cpu %.3f s\n",
               top_k, n, wall, 1e6 * wall / (double)n, n_users, wall * (double)n_users / (double)n,
               cpu);
        free(scores);
        free(scratch);
    }
    if (blend_users > 0) {
        size_t n = blend_users < n_users ? blend_users : n_users;
        ck_interactions sample = { n, n_items, x.row_start, x.items, x.weights };
        double a = bench_wall_s();
        ck__rng_seed(&rng, seed, 2);
        r->als = NULL; /* the blend borrows it */
        ck_recommender *b = make_blend(als, &sample, threads, &rng);
        if (b == NULL)
            return 1;
        printf("blend: repeat 1, EASE 0.5 (random lists, %d items each on the 10000 most "
               "popular), ALS 0.5, item-kNN 0.5 (100 neighbours fitted on the %zu customers), "
               "popular 0.1; built in %.2f s\n",
               CK__EASE_KEEP, n, bench_wall_s() - a);
        job jb = { b, &sample, n, top_k, j.lists, j.listed, 0 };
        size_t nb = (n + CK_RECOMMEND_BLOCK - 1) / CK_RECOMMEND_BLOCK;
        for (int rep = 0; rep < reps; rep++) {
            a = bench_wall_s();
            double ca = bench_cpu_s();
            ck__parallel_for(nb, 1, threads, top_blocks, &jb);
            double wall = bench_wall_s() - a, cpu = bench_cpu_s() - ca;
            if (jb.rc < 0)
                return 1;
            printf("blend rep %d: top %zu for %zu customers %.3f s (%.2f us a customer), "
                   "scaled to %zu customers %.1f s; cpu %.3f s; peak RSS %.0f MiB\n",
                   rep + 1, top_k, n, wall, 1e6 * wall / (double)n, n_users,
                   wall * (double)n_users / (double)n, cpu, bench_peak_mib());
            fflush(stdout);
        }
        b->als = NULL;
        ck__recommender_free(b);
    }
    r->als = als;
    ck__recommender_free(r);
    free(j.lists);
    free(j.listed);
    bench_matrix_free(&mat);
    return 0;
}
