/*
 * BG/NBD from memory: the fit (grouping included) and the scoring kernel (P(alive) and
 * the conditional expectation) on customers drawn from CDNOW's published parameters
 * (Fader, Hardie & Lee 2005: r = 0.243, α = 4.414 per week, a = 0.793, b = 2.426), in
 * weeks as the paper: first purchases on one of the 84 days of a 1997 Q1, calibration to
 * day 272, purchase times to the day (so the summary has the granularity of a real log).
 * The summary is written as CSV (x,t_x,T, exact decimal) for the peers of run_bgnbd.sh.
 * The fit runs on --threads threads. Each timing is the median of its repetitions, with the fastest
 * and slowest beside it.
 *
 * usage: bench_bgnbd [--customers N] [--threads N] [--reps N] [--csv OUT.csv]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "bench_timing.h"
#include "churnkit/bgnbd.h"
#include "churnkit/error.h"

#define HORIZON_WEEKS 39.0

/* The BG/NBD process of FHL section 2, to the day. */
static void draw(size_t n, double *x, double *t_x, double *T)
{
    const double r = 0.243, alpha = 4.414, a = 0.793, b = 2.426;
    ck__rng rng;
    ck__rng_seed(&rng, 2005, 0);
    for (size_t i = 0; i < n; i++) {
        double lambda = ck__rng_gamma(&rng, r, 1.0 / alpha);
        double g1 = ck__rng_gamma(&rng, a, 1.0), g2 = ck__rng_gamma(&rng, b, 1.0);
        double drop = g1 / (g1 + g2);
        long first = (long)ck__rng_below(&rng, 84), age = 272 - first, last = 0;
        double count = 0.0, t = 0.0;
        for (;;) {
            t += ck__rng_exponential(&rng, 1.0 / lambda);
            long day = (long)(t * 7.0);
            if (day > age)
                break;
            if (day > last) { /* a purchase on a day already counted merges with it */
                count += 1.0;
                last = day;
            }
            if (ck__rng_bernoulli(&rng, drop))
                break;
        }
        x[i] = count;
        t_x[i] = (double)last / 7.0;
        T[i] = (double)age / 7.0;
    }
}

static void report(const char *what, double *s, int reps, double n)
{
    bench_spread t = bench_spread_of(s, reps);
    printf("%s: median %.4f s (min %.4f, max %.4f), %.3g customers/s\n", what, t.median, t.min,
           t.max, n / t.median);
}

int main(int argc, char **argv)
{
    long n = 1000000, threads = 2, reps = 5;
    const char *csv = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--customers") == 0)
            n = bench_parse_count(argv[i + 1], 100000000);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = bench_parse_count(argv[i + 1], 256);
        else if (strcmp(argv[i], "--reps") == 0)
            reps = bench_parse_count(argv[i + 1], 101);
        else if (strcmp(argv[i], "--csv") == 0)
            csv = argv[i + 1];
        else
            n = -1;
    }
    if (n < 1 || threads < 1 || reps < 1 || argc % 2 == 0) {
        fprintf(stderr, "usage: bench_bgnbd [--customers N] [--threads N] [--reps N] "
                        "[--csv OUT.csv]\n");
        return 2;
    }
    size_t nn = (size_t)n;
    double *x = malloc(nn * sizeof *x), *t_x = malloc(nn * sizeof *t_x);
    double *T = malloc(nn * sizeof *T), *alive = malloc(nn * sizeof *alive);
    double *expected = malloc(nn * sizeof *expected), *times = malloc((size_t)reps * 8);
    if (!x || !t_x || !T || !alive || !expected || !times) {
        fprintf(stderr, "bench_bgnbd: out of memory\n");
        return 1;
    }
    draw(nn, x, t_x, T);
    if (csv) {
        FILE *f = fopen(csv, "w");
        if (f == NULL) {
            fprintf(stderr, "bench_bgnbd: %s: %s\n", csv, strerror(errno));
            return 1;
        }
        fputs("x,t_x,T\n", f);
        for (size_t i = 0; i < nn; i++)
            fprintf(f, "%.17g,%.17g,%.17g\n", x[i], t_x[i], T[i]);
        if (fclose(f) != 0) {
            fprintf(stderr, "bench_bgnbd: %s: write failed\n", csv);
            return 1;
        }
    }
    ck_error err = { 0 };
    char buf[600];
    ck_bgnbd_data d = { x, t_x, T, NULL, nn };
    ck_bgnbd_fit fit;
    ck_bgnbd_fit_options fo = CK_BGNBD_FIT_OPTIONS_INIT;
    fo.n_threads = (int)threads;
    for (int k = 0; k < reps; k++) {
        double t0 = bench_wall_s();
        if (ck_bgnbd_fit_data(&fit, &d, &fo, &err) < 0) {
            fprintf(stderr, "bench_bgnbd: %s\n", ck_error_format(&err, buf, sizeof buf));
            return 1;
        }
        times[k] = bench_wall_s() - t0;
    }
    printf("customers %ld, groups %zu, threads %ld, reps %ld\n", n, fit.n_groups, threads, reps);
    printf("fit: r %.6f alpha %.6f a %.6f b %.6f, log-likelihood %.6f, iterations %d%s\n",
           fit.params.r, fit.params.alpha, fit.params.a, fit.params.b, fit.log_likelihood,
           fit.iterations, fit.converged ? "" : " (not converged)");
    report("fit (grouping, starts, nbd, standard errors)", times, (int)reps, (double)n);
    ck_clv_options o = { HORIZON_WEEKS, 365.25 / 7, 0.10 };
    ck_bgnbd_scores out = { alive, expected, NULL, NULL };
    for (long t = 1; t <= threads; t++) {
        if (t != 1 && t != threads)
            continue;
        for (int k = 0; k < reps; k++) {
            double t0 = bench_wall_s();
            if (ck_bgnbd_score(&fit.params, NULL, &d, &o, (int)t, &out, &err) < 0) {
                fprintf(stderr, "bench_bgnbd: %s\n", ck_error_format(&err, buf, sizeof buf));
                return 1;
            }
            times[k] = bench_wall_s() - t0;
        }
        char what[80];
        snprintf(what, sizeof what, "score p_alive + expected purchases (39 weeks), %ld thread%s",
                 t, t == 1 ? "" : "s");
        report(what, times, (int)reps, (double)n);
    }
    double sum_e = 0.0;
    for (size_t i = 0; i < nn; i++)
        sum_e += expected[i];
    printf("expected purchases in 39 weeks, total %.1f\n", sum_e);
    free(x);
    free(t_x);
    free(T);
    free(alive);
    free(expected);
    free(times);
    return 0;
}
