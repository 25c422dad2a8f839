/*
 * SHA-256 (FIPS 180-4, "Secure Hash Standard", August 2015), used to record in a model
 * file exactly which bytes it was trained on.
 *
 * The message is processed in 64-byte blocks (section 6.2.2) by a context holding the
 * eight working hash words, the pending partial block and the total length. Padding
 * (section 5.1.1) appends 0x80, zeros to 56 bytes mod 64, and the message length in
 * bits as a big-endian 64-bit number. The constants K are the first 32 bits of the
 * fractional parts of the cube roots of the first 64 primes (section 4.2.2); the initial
 * hash the same for the square roots of the first 8 primes (section 5.3.3).
 *
 * On x86-64 processors with the SHA extensions a block is compressed by their
 * instructions instead (Gulley et al., "Intel SHA Extensions", Intel 2013): about five
 * times faster, so hashing a training input no longer costs as much as reading it.
 * CK_SHA256_PORTABLE=1 in the environment keeps to the portable code (its tests use it).
 */
#include "churnkit/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files are read in pieces of this size: memory stays constant whatever the file size. */
#define READ_CHUNK ((size_t)64 << 10)

typedef struct sha256_ctx {
    uint32_t h[8];
    uint8_t block[64];
    size_t used;      /* bytes pending in block */
    uint64_t n_bytes; /* message length so far */
} sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void ctx_init(sha256_ctx *c)
{
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, h0, sizeof h0);
    c->used = 0;
    c->n_bytes = 0;
}

/* One block: the message schedule W (6.2.2 step 1), then 64 rounds (steps 2-4). */
static void compress(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + big_s1 + ch + K[t] + w[t];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>

#define HAVE_SHA_NI 1

/* n blocks with SHA256RNDS2 (two rounds each, from the state as ABEF and CDGH) and
 * SHA256MSG1/MSG2 (the message schedule, four words at a time). */
__attribute__((target("sha,sse4.1"))) static void compress_sha_ni(uint32_t h[8],
                                                                   const uint8_t *p, size_t n)
{
    /* the message words are big-endian */
    const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)h);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(h + 4));
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);
    for (; n > 0; n--, p += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh, w[4];
        for (int g = 0; g < 16; g++) {
            __m128i *m = &w[g % 4];
            if (g < 4)
                *m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), big_endian);
            else /* W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], four at a time */
                *m = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(*m, w[(g + 1) % 4]),
                                  _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4)),
                    w[(g + 3) % 4]);
            __m128i wk = _mm_add_epi32(*m, _mm_loadu_si128((const __m128i *)(K + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)h, _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

/* The SHA extensions (CPUID leaf 7: EBX bit 29) and SSSE3 and SSE4.1 (leaf 1: ECX bits 9
 * and 19), unless the environment asks for the portable code. */
static int sha_ni_wanted(void)
{
    unsigned a, b, c, d;
    const char *portable = getenv("CK_SHA256_PORTABLE");
    if (portable != NULL && strcmp(portable, "1") == 0)
        return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 9 & 1) || !(c >> 19 & 1))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
}
#endif

/* Compress n consecutive blocks. */
static void compress_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
#ifdef HAVE_SHA_NI
    /* decided once (CPUID can trap to the hypervisor); threads racing store the same */
    static atomic_int use_sha_ni = -1;
    int use = atomic_load_explicit(&use_sha_ni, memory_order_relaxed);
    if (use < 0) {
        use = sha_ni_wanted();
        atomic_store_explicit(&use_sha_ni, use, memory_order_relaxed);
    }
    if (use) {
        compress_sha_ni(h, p, n);
        return;
    }
#endif
    for (; n > 0; n--, p += 64)
        compress(h, p);
}

static void ctx_update(sha256_ctx *c, const uint8_t *p, size_t len)
{
    c->n_bytes += len;
    if (c->used > 0) {
        size_t take = 64 - c->used < len ? 64 - c->used : len;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < 64)
            return;
        compress_blocks(c->h, c->block, 1);
        c->used = 0;
    }
    compress_blocks(c->h, p, len / 64);
    p += len / 64 * 64;
    len %= 64;
    memcpy(c->block, p, len);
    c->used = len;
}

static void ctx_final(sha256_ctx *c, uint8_t digest[32])
{
    uint64_t bits = c->n_bytes * 8;
    c->block[c->used++] = 0x80;
    if (c->used > 56) {
        memset(c->block + c->used, 0, 64 - c->used);
        compress_blocks(c->h, c->block, 1);
        c->used = 0;
    }
    memset(c->block + c->used, 0, 56 - c->used);
    for (int i = 0; i < 8; i++)
        c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress_blocks(c->h, c->block, 1);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(c->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)c->h[i];
    }
}

void ck_sha256(const void *data, size_t len, uint8_t digest[32])
{
    sha256_ctx c;
    ctx_init(&c);
    ctx_update(&c, data, len);
    ctx_final(&c, digest);
}

int ck_sha256_file(char hex[65], const char *path, ck_error *err)
{
    static const char digits[] = "0123456789abcdef";
    int rc = CK_OK;
    uint8_t *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ck_error_set(err, CK_EIO, path, 0, "%s", strerror(errno));
    buf = malloc(READ_CHUNK);
    if (buf == NULL) {
        rc = ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    sha256_ctx c;
    ctx_init(&c);
    size_t n;
    while ((n = fread(buf, 1, READ_CHUNK, f)) > 0)
        ctx_update(&c, buf, n);
    if (ferror(f)) {
        rc = ck_error_set(err, CK_EIO, path, 0, "read error: %s", strerror(errno));
        goto done;
    }
    uint8_t digest[32];
    ctx_final(&c, digest);
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
done:
    free(buf);
    fclose(f);
    return rc;
}
