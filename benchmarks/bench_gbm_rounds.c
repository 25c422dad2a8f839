/*
 * The cost of one boosting round, alone: a table is read once, then stumps are trained
 * for a few rounds and for many, alternately, and each pair's difference over the extra
 * rounds is one timing, so that reading, binning and set-up cancel. The parameters are
 * run_gbm.sh's (learning rate 0.1, 255 bins, λ 1, min child weight 1e-3, 20 rows per leaf,
 * no subsampling, no validation). Reports the median ms/round with the fastest and
 * slowest, the load average before and after, and the training AUC of the longer run,
 * which must not move when only the speed should.
 *
 * usage: bench_gbm_rounds --table T.csv --label COL [--id COL] [--threads N] [--reps N]
 *                         [--rounds N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_timing.h"
#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/gbm.h"

#define SHORT_ROUNDS 50
#define MAX_REPS     101

static int usage(const char *msg)
{
    fprintf(stderr,
            "bench_gbm_rounds: %s\nusage: bench_gbm_rounds --table T.csv --label COL [--id COL] "
            "[--threads N] [--reps N] [--rounds N]\n",
            msg);
    return 2;
}

/* Seconds to train `rounds` stumps and measure them, or a negative value on error. */
static double time_training(const ck_dataset *d, int rounds, int threads, ck_gbm_report *report,
                            ck_error *err)
{
    ck_gbm_params p = CK_GBM_PARAMS_INIT;
    p.rounds = rounds;
    p.learning_rate = 0.1;
    p.max_bins = 255;
    p.lambda = 1.0;
    p.min_child_weight = 1e-3;
    p.min_samples_leaf = 20;
    p.patience = 0;
    p.n_threads = threads;
    ck_gbm *gbm = NULL;
    double t0 = bench_wall_s();
    int rc = ck_gbm_train(&gbm, d, NULL, &p, report, NULL, NULL, err);
    double t = bench_wall_s() - t0;
    ck_gbm_free(gbm);
    return rc < 0 ? -1.0 : t;
}

int main(int argc, char **argv)
{
    const char *table_path = NULL;
    ck_table_opts opts = CK_TABLE_OPTS_INIT;
    long threads = 2, reps = 5, rounds = 250;
    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *val = argv[i + 1];
        if (strcmp(opt, "--table") == 0)
            table_path = val;
        else if (strcmp(opt, "--label") == 0)
            opts.label = val;
        else if (strcmp(opt, "--id") == 0)
            opts.id = val;
        else if (strcmp(opt, "--threads") == 0) {
            if ((threads = bench_parse_count(val, 1024)) < 0)
                return usage("--threads: expected a count from 1 to 1024");
        } else if (strcmp(opt, "--reps") == 0) {
            if ((reps = bench_parse_count(val, MAX_REPS)) < 0)
                return usage("--reps: expected a count from 1 to 101");
        } else if (strcmp(opt, "--rounds") == 0) {
            if ((rounds = bench_parse_count(val, 100000)) <= SHORT_ROUNDS)
                return usage("--rounds: expected a count from 51 to 100000");
        } else
            return usage("unknown option");
    }
    if (table_path == NULL || opts.label == NULL)
        return usage("--table and --label are required");

    ck_error err = { 0 };
    char buf[600];
    ck_dataset *data = NULL;
    opts.n_threads = (int)threads;
    if (ck_dataset_read_table(&data, table_path, &opts, &err) < 0) {
        fprintf(stderr, "bench_gbm_rounds: %s\n", ck_error_format(&err, buf, sizeof buf));
        return 1;
    }
    double load_before = bench_load1();
    double ms_per_round[MAX_REPS];
    ck_gbm_report report = { 0 };
    for (int r = 0; r < reps; r++) {
        /* both runs measure their model, so that the measuring cancels too */
        double few = time_training(data, SHORT_ROUNDS, (int)threads, &report, &err);
        double many = few < 0 ? -1 : time_training(data, (int)rounds, (int)threads, &report, &err);
        if (many < 0) {
            fprintf(stderr, "bench_gbm_rounds: %s\n", ck_error_format(&err, buf, sizeof buf));
            ck_dataset_free(data);
            return 1;
        }
        ms_per_round[r] = 1e3 * (many - few) / (double)(rounds - SHORT_ROUNDS);
    }
    bench_spread ms = bench_spread_of(ms_per_round, (int)reps);
    printf("bench_gbm_rounds: %zu rows x %zu features, %ld threads, %ld reps of %d and %ld "
           "rounds: median %.2f ms/round (fastest %.2f, slowest %.2f); training AUC %.6f at "
           "%ld rounds; load average %.2f before, %.2f after\n",
           ck_dataset_n_rows(data), ck_dataset_n_features(data), threads, reps, SHORT_ROUNDS,
           rounds, ms.median, ms.min, ms.max, report.train_auc, rounds, load_before, bench_load1());
    ck_dataset_free(data);
    return 0;
}
