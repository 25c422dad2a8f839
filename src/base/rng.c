/*
 * Pseudo-random numbers for the synthetic data generator.
 *
 * Bits: xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), 256 bits of state, period 2^256 - 1. Seeding: the
 * state is filled from splitmix64 (G. Steele, D. Lea and C. Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), started at a point that mixes the seed and
 * a stream number, so that every customer owns an unrelated stream.
 *
 * Distributions:
 * - normal: the polar method of G. Marsaglia and T. Bray ("A convenient method for
 *   generating normal variables", SIAM Review 6(3), 1964), which yields pairs;
 * - gamma: G. Marsaglia and W. Tsang, "A simple method for generating gamma variables",
 *   ACM TOMS 26(3), 2000, with their boost G(a) = G(a + 1) U^(1/a) for a < 1;
 * - Poisson: sequential inversion for means below 10, else the transformed rejection PTRS of
 *   W. Hörmann, "The transformed rejection method for generating Poisson random variables",
 *   Insurance: Mathematics and Economics 12(1), 1993; log k! by Stirling's series;
 * - exponential and log-normal by their definitions (inversion; exp of a normal).
 */
#include "base/rng.h"

#include <math.h>
#include <stdlib.h>

uint8_t *ck__held_out_mask(size_t n, double fraction, uint64_t seed)
{
    uint8_t *mask = malloc(n + 1);
    uint64_t state = seed ^ 0x5DEECE66Dull;
    for (size_t i = 0; mask && i < n; i++)
        mask[i] = (double)(ck__splitmix64(&state) >> 11) * 0x1.0p-53 < fraction;
    return mask;
}

void ck__rng_seed(ck__rng *rng, uint64_t seed, uint64_t stream)
{
    /* ck__mix64 is a bijection, so for one seed distinct streams start at distinct points of
     * the splitmix64 sequence; xoshiro's all-zero state cannot come out of four consecutive
     * splitmix64 outputs. */
    uint64_t x = ck__mix64(seed ^ 0x6A09E667F3BCC909u) ^ ck__mix64(stream + 0xD1B54A32D192ED03u);
    for (int i = 0; i < 4; i++)
        rng->s[i] = ck__splitmix64(&x);
    rng->has_spare = false;
    rng->spare_normal = 0.0;
}

double ck__rng_normal(ck__rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = false;
        return rng->spare_normal;
    }
    double u, v, s;
    do {
        u = 2.0 * ck__rng_uniform(rng) - 1.0;
        v = 2.0 * ck__rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    rng->spare_normal = v * f;
    rng->has_spare = true;
    return u * f;
}

double ck__rng_exponential(ck__rng *rng, double mean)
{
    return -mean * log(ck__rng_uniform_pos(rng));
}

double ck__rng_gamma(ck__rng *rng, double shape, double scale)
{
    if (shape < 1.0) {
        double u = ck__rng_uniform_pos(rng);
        return ck__rng_gamma(rng, shape + 1.0, scale) * pow(u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = ck__rng_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = ck__rng_uniform_pos(rng);
        double x2 = x * x;
        /* the squeeze accepts about 98% of draws without a logarithm */
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v * scale;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v * scale;
    }
}

double ck__rng_lognormal(ck__rng *rng, double mu, double sigma)
{
    return exp(mu + sigma * ck__rng_normal(rng));
}

/* log(k!): exact sums below 10; above, Stirling's series for log Gamma(k + 1), whose
 * truncation error after the 1/(1260 n^5) term is below 1e-12 for n >= 10. */
static double log_factorial(uint64_t k)
{
    if (k < 10) {
        double s = 0.0;
        for (uint64_t i = 2; i <= k; i++)
            s += log((double)i);
        return s;
    }
    double n = (double)k + 1.0;
    double n2 = n * n;
    return (n - 0.5) * log(n) - n + 0.91893853320467274178 /* log(2 pi) / 2 */ + 1.0 / (12.0 * n) -
           1.0 / (360.0 * n * n2) + 1.0 / (1260.0 * n * n2 * n2);
}

/* PTRS (Hörmann 1993, table 2), valid for mean >= 10; acceptance above 90%. */
static uint64_t poisson_ptrs(ck__rng *rng, double mean)
{
    double slam = sqrt(mean);
    double loglam = log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = ck__rng_uniform(rng) - 0.5;
        double v = ck__rng_uniform_pos(rng);
        double us = 0.5 - fabs(u);
        if (us < 1e-9)
            continue; /* u = -0.5 exactly would divide by zero below */
        double kf = floor((2.0 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)kf;
        if (kf < 0.0 || (us < 0.013 && v > us))
            continue;
        uint64_t k = (uint64_t)kf;
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
            -mean + kf * loglam - log_factorial(k))
            return k;
    }
}

uint64_t ck__rng_poisson(ck__rng *rng, double mean)
{
    if (!(mean > 0.0))
        return 0;
    if (mean >= 10.0)
        return poisson_ptrs(rng, mean);
    /* inversion: walk the CDF from 0; about mean + 1 steps */
    double u = ck__rng_uniform(rng);
    double p = exp(-mean);
    double cdf = p;
    uint64_t k = 0;
    while (u > cdf && k < 1000) {
        k++;
        p *= mean / (double)k;
        cdf += p;
    }
    return k;
}
