/* Number formatting (see numfmt.h). */
#include "base/numfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The digits of u into buf, at least min_digits of them (zero-padded); returns the count. */
static size_t put_digits(char *buf, uint64_t u, size_t min_digits)
{
    char tmp[24];
    size_t len = 0, out = 0;
    do {
        tmp[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0 || len < min_digits);
    while (len > 0)
        buf[out++] = tmp[--len];
    return out;
}

size_t ck__format_number(char *buf, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    /* 2^53: every whole number below it is exact in a double */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        size_t out = 0;
        if (v < 0)
            buf[out++] = '-';
        out += put_digits(buf + out, (uint64_t)fabs(v), 1);
        buf[out] = '\0';
        return out;
    }
    return (size_t)snprintf(buf, 32, "%.10g", v);
}

/* round(|v| × 10^decimals), exactly, for |v| × 10^decimals < 2^52 (decimals ≤ 17). */
static uint64_t scaled_round(double v, int decimals)
{
    /* |v| = m × 2^e exactly; |v| × 10^d = m × 5^d × 2^(e + d), and m × 5^d (at most
     * 53 + 40 bits) is exact in 128-bit arithmetic, so the rounding sees the exact value */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    int e = biased == 0 ? -1074 : biased - 1075;
    if (biased != 0)
        m |= UINT64_C(1) << 52;
    __extension__ typedef unsigned __int128 u128;
    u128 p = m;
    for (int k = 0; k < decimals; k++)
        p *= 5;
    int shift = -(e + decimals);
    if (shift <= 0) /* a whole number already (below 2^52 by the caller's bound) */
        return (uint64_t)(p << -shift);
    if (shift >= 127) /* below 2^-33: rounds to 0 */
        return 0;
    uint64_t whole = (uint64_t)(p >> shift);
    u128 rest = p & (((u128)1 << shift) - 1), half = (u128)1 << (shift - 1);
    return whole + (rest > half || (rest == half && (whole & 1)));
}

size_t ck__format_fixed(char *buf, double v, int decimals)
{
    static const double pow10[18] = { 1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                      1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17 };
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    if (decimals < 0 || decimals > 17 || !(fabs(v) * pow10[decimals] < 0x1p52))
        return (size_t)snprintf(buf, 330, "%.*f", decimals < 0 ? 6 : decimals, v);
    uint64_t n = scaled_round(fabs(v), decimals);
    uint64_t scale = (uint64_t)pow10[decimals];
    size_t out = 0;
    if (signbit(v)) /* as printf: "-0.0" for a small negative number */
        buf[out++] = '-';
    out += put_digits(buf + out, n / scale, 1);
    if (decimals > 0) {
        buf[out++] = '.';
        out += put_digits(buf + out, n % scale, (size_t)decimals);
    }
    buf[out] = '\0';
    return out;
}
