/* Number formatting (see numfmt.h). */
#include "numfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

size_t ck__format_number(char *buf, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    /* 2^53: every whole number below it is exact in a double */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        int64_t n = (int64_t)v;
        char tmp[24];
        size_t len = 0, out = 0;
        uint64_t u = n < 0 ? (uint64_t)(-n) : (uint64_t)n;
        do {
            tmp[len++] = (char)('0' + u % 10);
            u /= 10;
        } while (u != 0);
        if (n < 0)
            buf[out++] = '-';
        while (len > 0)
            buf[out++] = tmp[--len];
        buf[out] = '\0';
        return out;
    }
    return (size_t)snprintf(buf, 32, "%.10g", v);
}
