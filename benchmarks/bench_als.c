/*
 * Implicit ALS speed (run_als.sh): one sweep (a user half-step, then an item half-step)
 * of ck_als on the synthetic matrix of bench_matrix.h.
 *
 * Prints the matrix, then per repetition: the whole ck_als_fit() of one iteration
 * (transpose, start, both half-steps) and the two half-steps timed apart on the fitted
 * factors (the Gram matrix included, as in the fit), with the process's peak resident
 * memory. --write DIR also writes the matrix for benchmarks/peers/als_numpy.py:
 * row_start.i64, items.u32, weights.f32 (native little-endian) and shape.txt.
 *
 * --solver cg|cholesky [cg] picks ck_als_params.solver, --cg-steps N [3] its steps. The
 * timed half-steps start from the fitted factors (CG warm-starts from them, as a second
 * sweep of a fit would). --objective N instead fits N sweeps once and prints the
 * objective after each (the quality side of the solvers), with the fit's time.
 *
 * Usage: bench_als [--users N] [--items N] [--per-user X] [--factors K] [--threads T]
 *                  [--reps R] [--seed S] [--solver cg|cholesky] [--cg-steps N] [--write DIR]
 *                  [--objective N]
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_matrix.h"
#include "bench_timing.h"
#include "churnkit/als.h"
#include "learn/recommend/als_int.h"

static long parse_long(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) {
        fprintf(stderr, "bench_als: %s: expected a non-negative integer, got \"%s\"\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    size_t n_users = 1000000, n_items = 50000;
    double per_user = 30.6;
    int factors = 64, threads = 2, reps = 3, cg_steps = 3, objective_sweeps = 0;
    ck_als_solver solver = CK_ALS_CG;
    uint64_t seed = 2026;
    const char *write_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_als: %s: missing value\n", o);
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
        else if (strcmp(o, "--reps") == 0)
            reps = (int)parse_long(o, v);
        else if (strcmp(o, "--seed") == 0)
            seed = (uint64_t)parse_long(o, v);
        else if (strcmp(o, "--write") == 0)
            write_dir = v;
        else if (strcmp(o, "--objective") == 0)
            objective_sweeps = (int)parse_long(o, v);
        else if (strcmp(o, "--cg-steps") == 0)
            cg_steps = (int)parse_long(o, v);
        else if (strcmp(o, "--solver") == 0) {
            if (strcmp(v, "cg") == 0)
                solver = CK_ALS_CG;
            else if (strcmp(v, "cholesky") == 0)
                solver = CK_ALS_CHOLESKY;
            else {
                fprintf(stderr, "bench_als: --solver: expected cg or cholesky, got \"%s\"\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "bench_als: unknown option %s\n", o);
            return 2;
        }
    }

    double t0 = bench_wall_s();
    bench_matrix mat;
    if (bench_matrix_draw(&mat, n_users, n_items, per_user, seed) < 0) {
        fprintf(stderr, "bench_als: out of memory\n");
        return 1;
    }
    ck_interactions x = mat.x;
    size_t nnz = x.row_start[n_users];
    printf("matrix: %zu users x %zu items, %zu interactions (%.2f a user), drawn in %.2f s\n",
           n_users, n_items, nnz, (double)nnz / (double)n_users, bench_wall_s() - t0);
    if (write_dir != NULL) {
        if (bench_matrix_write(&mat, write_dir) < 0)
            return 1;
        printf("written to %s\n", write_dir);
    }

    ck_als_params p = CK_ALS_PARAMS_INIT;
    p.factors = factors;
    p.iterations = 1;
    p.n_threads = threads;
    p.solver = solver;
    p.cg_steps = cg_steps;
    printf("solver: %s\n", solver == CK_ALS_CG ? "cg" : "cholesky");
    if (solver == CK_ALS_CG)
        printf("cg steps: %d\n", cg_steps);
    ck_error err = { 0 };
    if (objective_sweeps > 0) {
        double *obj = malloc((size_t)objective_sweeps * sizeof *obj);
        ck_als *m = NULL;
        p.iterations = objective_sweeps;
        double a = bench_wall_s();
        if (obj == NULL || ck_als_fit(&m, &x, &p, obj, &err) < 0) {
            fprintf(stderr, "bench_als: %s\n", obj == NULL ? "out of memory" : err.msg);
            return 1;
        }
        printf("fit of %d sweeps (objective after each included) %.3f s\n", objective_sweeps,
               bench_wall_s() - a);
        for (int i = 0; i < objective_sweeps; i++)
            printf("objective after sweep %d: %.17g\n", i + 1, obj[i]);
        ck_als_free(m);
        free(obj);
        reps = 0;
    }
    for (int r = 0; r < reps; r++) {
        ck_als *m = NULL;
        double a = bench_wall_s();
        if (ck_als_fit(&m, &x, &p, NULL, &err) < 0) {
            fprintf(stderr, "bench_als: %s\n", err.msg);
            return 1;
        }
        double fit_s = bench_wall_s() - a;
        ck_interactions t;
        size_t *ts;
        uint32_t *tc;
        float *tw;
        if (ck__als_transpose(&x, &t, &ts, &tc, &tw, &err) < 0) {
            fprintf(stderr, "bench_als: %s\n", err.msg);
            return 1;
        }
        a = bench_wall_s();
        double ca = bench_cpu_s();
        int rc = solver == CK_ALS_CG
                     ? ck__als_half_step_cg(&x, m->item_factors, n_items, factors, p.regularization,
                                            p.alpha, cg_steps, threads, m->user_factors, &err)
                     : ck__als_half_step(&x, m->item_factors, n_items, factors, p.regularization,
                                         p.alpha, threads, m->user_factors, &err);
        double user_s = bench_wall_s() - a, user_cpu = bench_cpu_s() - ca;
        a = bench_wall_s();
        ca = bench_cpu_s();
        if (rc == 0)
            rc = solver == CK_ALS_CG
                     ? ck__als_half_step_cg(&t, m->user_factors, n_users, factors, p.regularization,
                                            p.alpha, cg_steps, threads, m->item_factors, &err)
                     : ck__als_half_step(&t, m->user_factors, n_users, factors, p.regularization,
                                         p.alpha, threads, m->item_factors, &err);
        double item_s = bench_wall_s() - a, item_cpu = bench_cpu_s() - ca;
        if (rc != 0) {
            fprintf(stderr, "bench_als: %s\n", err.msg);
            return 1;
        }
        printf("rep %d: fit of 1 iteration %.3f s; user half-step %.3f s, item half-step %.3f "
               "s, sweep %.3f s; cpu %.3f + %.3f s; peak RSS %.0f MiB\n",
               r + 1, fit_s, user_s, item_s, user_s + item_s, user_cpu, item_cpu, bench_peak_mib());
        fflush(stdout);
        free(ts);
        free(tc);
        free(tw);
        ck_als_free(m);
    }
    bench_matrix_free(&mat);
    return 0;
}
