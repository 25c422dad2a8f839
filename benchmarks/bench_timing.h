/*
 * What every kernel benchmark needs to time itself: clocks, peak memory, option counts,
 * and the median with the fastest and slowest of its repetitions.
 */
#ifndef CK_BENCH_TIMING_H
#define CK_BENCH_TIMING_H

/* Wall-clock seconds (monotonic). */
double bench_wall_s(void);
/* CPU seconds of the whole process, all threads: less sensitive than the wall clock to
 * other jobs on a shared machine. */
double bench_cpu_s(void);
/* Peak resident memory of the process so far, MiB. */
double bench_peak_mib(void);
/* The 1-minute load average, or -1 when /proc/loadavg cannot be read. */
double bench_load1(void);
/* TEXT as a count from 1 to max, or -1. */
long bench_parse_count(const char *text, long max);

typedef struct bench_spread {
    double median, min, max;
} bench_spread;

/* The median, fastest and slowest of n > 0 timings (sorts them in place). */
bench_spread bench_spread_of(double *t, int n);

#endif
