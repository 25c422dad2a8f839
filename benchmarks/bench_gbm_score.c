/*
 * The scoring kernel from memory: ck_gbm_predict() over a dataset already read and coded,
 * so neither parsing nor output is timed. A model file and a table are loaded once; after
 * a warm-up that also calibrates how many passes over the data make one repetition last
 * at least 0.2 s, each of the repetitions is timed and the median is reported as ns/row
 * and rows/s, with the fastest and slowest beside it (the method of zstd's benchfn).
 *
 * usage: bench_gbm_score --model MODEL.json --table T.csv [--id COL] [--threads N]
 *                        [--reps N]
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/gbm.h"
#include "churnkit/model.h"

#define MIN_REP_SECONDS 0.2
#define MAX_REPS        101

static int usage(const char *msg)
{
    fprintf(stderr,
            "bench_gbm_score: %s\nusage: bench_gbm_score --model MODEL.json --table T.csv "
            "[--id COL] [--threads N] [--reps N]\n",
            msg);
    return 2;
}

static int fail(const char *what, const ck_error *err)
{
    char buf[600];
    fprintf(stderr, "bench_gbm_score: %s: %s\n", what, ck_error_format(err, buf, sizeof buf));
    return 1;
}

/* Score every row `passes` times; seconds taken, or a negative value on error. */
static double time_passes(const ck_gbm *gbm, const ck_dataset *d, double *prob, int threads,
                          int passes, ck_error *err)
{
    double t0 = bench_wall_s();
    for (int p = 0; p < passes; p++)
        if (ck_gbm_predict(gbm, d, prob, threads, err) < 0)
            return -1.0;
    return bench_wall_s() - t0;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL, *table_path = NULL, *id = NULL;
    int threads = 2, reps = 5;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *val = argv[++i];
        if (strcmp(opt, "--model") == 0)
            model_path = val;
        else if (strcmp(opt, "--table") == 0)
            table_path = val;
        else if (strcmp(opt, "--id") == 0)
            id = val;
        else if (strcmp(opt, "--threads") == 0) {
            if ((threads = bench_parse_count(val, 1024)) < 0)
                return usage("--threads: expected a count from 1 to 1024");
        } else if (strcmp(opt, "--reps") == 0) {
            if ((reps = bench_parse_count(val, MAX_REPS)) < 0)
                return usage("--reps: expected a count from 1 to 101");
        } else
            return usage("unknown option");
    }
    if (model_path == NULL || table_path == NULL)
        return usage("--model and --table are required");

    int status = 1;
    ck_error err = { 0 };
    ck_model *model = NULL;
    ck_dataset *data = NULL;
    double *prob = NULL;
    if (ck_model_load(&model, model_path, &err) < 0) {
        fail(model_path, &err);
        goto done;
    }
    const ck_gbm *gbm = ck_model_gbm(model);
    if (gbm == NULL) {
        fprintf(stderr, "bench_gbm_score: %s: not a boosted-stumps model\n", model_path);
        goto done;
    }
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    opts.id = id;
    opts.schema = ck_gbm_schema(gbm); /* other columns, the label among them, are skipped */
    if (ck_dataset_read_table(&data, table_path, &opts, &err) < 0) {
        fail(table_path, &err);
        goto done;
    }
    size_t n_rows = ck_dataset_n_rows(data);
    if (n_rows == 0) {
        fprintf(stderr, "bench_gbm_score: %s: no rows\n", table_path);
        goto done;
    }
    prob = n_rows <= SIZE_MAX / sizeof *prob ? malloc(n_rows * sizeof *prob) : NULL;
    if (prob == NULL) {
        fprintf(stderr, "bench_gbm_score: out of memory\n");
        goto done;
    }

    /* warm-up (caches, page faults, thread start-up), then grow the passes per repetition
     * until one lasts MIN_REP_SECONDS, so that clock resolution and thread start-up do not
     * dominate a small table */
    int passes = 1;
    double t = time_passes(gbm, data, prob, threads, 1, &err);
    while (t >= 0 && (t = time_passes(gbm, data, prob, threads, passes, &err)) < MIN_REP_SECONDS &&
           passes < INT_MAX / 2)
        passes *= 2;
    if (t < 0) {
        fail("ck_gbm_predict", &err);
        goto done;
    }

    double ns_per_row[MAX_REPS];
    for (int r = 0; r < reps; r++) {
        t = time_passes(gbm, data, prob, threads, passes, &err);
        if (t < 0) {
            fail("ck_gbm_predict", &err);
            goto done;
        }
        ns_per_row[r] = 1e9 * t / ((double)passes * (double)n_rows);
    }
    bench_spread ns = bench_spread_of(ns_per_row, reps);
    /* a checksum keeps the work observable and shows two runs scored the same */
    double checksum = 0;
    for (size_t i = 0; i < n_rows; i++)
        checksum += prob[i];
    printf("bench_gbm_score: %zu rows x %zu features, %d threads, %d reps x %d passes: "
           "median %.2f ns/row = %.1fM rows/s (fastest %.2f, slowest %.2f ns/row); "
           "mean probability %.6f\n",
           n_rows, ck_dataset_n_features(data), threads, reps, passes, ns.median, 1e3 / ns.median,
           ns.min, ns.max, checksum / (double)n_rows);
    status = 0;
done:
    free(prob);
    ck_dataset_free(data);
    ck_model_free(model);
    return status;
}
