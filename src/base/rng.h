/*
 * The internal pseudo-random number generator: xoshiro256** seeded by splitmix64, the
 * splitmix64 mixer itself (the one copy every module uses), and the distributions the
 * synthetic data generator draws from. Nothing here is public.
 *
 * A generator is a plain value: copy it to fork a stream, keep one per thread. Every
 * function is reentrant (no global state, no lgamma/signgam).
 */
#ifndef CK_RNG_H
#define CK_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ck__rng {
    uint64_t s[4];
    double spare_normal; /* the polar method makes two normals; the second waits here */
    bool has_spare;
} ck__rng;

/* The splitmix64 output function (G. Steele, D. Lea and C. Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): a bijection of 64-bit words with good
 * avalanche. Also a counter-based hash: mix64 of (seed, counters) gives a draw that does
 * not depend on the order draws are made in. */
static inline uint64_t ck__mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* The next output of the splitmix64 stream whose state is *x. */
static inline uint64_t ck__splitmix64(uint64_t *x)
{
    *x += 0x9E3779B97F4A7C15u;
    return ck__mix64(*x);
}

/* n flags (malloc'd; NULL when out of memory), row i's set with probability `fraction`:
 * the splitmix64 stream from seed ^ 0x5DEECE66D, one draw per row, so a row's flag
 * depends on its index and the seed alone. How rows are held out for validation. */
uint8_t *ck__held_out_mask(size_t n, double fraction, uint64_t seed);

/* Seed stream `stream` of `seed`: distinct (seed, stream) pairs give unrelated sequences,
 * so each customer can own a stream and be generated independently of the others. */
void ck__rng_seed(ck__rng *rng, uint64_t seed, uint64_t stream);

/* The next 64 random bits (xoshiro256**, Blackman & Vigna 2018). */
static inline uint64_t ck__rng_next(ck__rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double ck__rng_uniform(ck__rng *rng)
{
    return (double)(ck__rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1]: safe to take the logarithm of. */
static inline double ck__rng_uniform_pos(ck__rng *rng)
{
    return (double)((ck__rng_next(rng) >> 11) + 1) * 0x1.0p-53;
}

/* An integer uniform on [0, n), n >= 1. Scaling a 53-bit uniform biases each value by at
 * most n / 2^53, far below anything a generator of behaviour data can show. */
static inline uint64_t ck__rng_below(ck__rng *rng, uint64_t n)
{
    uint64_t k = (uint64_t)(ck__rng_uniform(rng) * (double)n);
    return k < n ? k : n - 1;
}

/* True with probability p (p <= 0: never; p >= 1: always). */
static inline bool ck__rng_bernoulli(ck__rng *rng, double p)
{
    return ck__rng_uniform(rng) < p;
}

/* Standard normal. */
double ck__rng_normal(ck__rng *rng);

/* Exponential with the given mean (> 0). */
double ck__rng_exponential(ck__rng *rng, double mean);

/* Gamma with shape k > 0 and scale theta > 0 (mean k * theta). */
double ck__rng_gamma(ck__rng *rng, double shape, double scale);

/* Log-normal: exp(mu + sigma * Z) for a standard normal Z. */
double ck__rng_lognormal(ck__rng *rng, double mu, double sigma);

/* Poisson with the given mean (>= 0). */
uint64_t ck__rng_poisson(ck__rng *rng, double mean);

#endif
