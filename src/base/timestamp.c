/*
 * Timestamps: the forms of DESIGN.md ("Input data") to Unix seconds and back.
 *
 * Calendar arithmetic uses Howard Hinnant's days_from_civil / civil_from_days
 * ("chrono-Compatible Low-Level Date Algorithms", 2013), exact over the proleptic
 * Gregorian calendar with no table and no libc time zone state.
 */
#include "churnkit/timestamp.h"

#include <stdbool.h>
#include <stdio.h>

#include "churnkit/error.h"

int64_t ck_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Read exactly n digits at s[*i]; false if any is not a digit. */
static bool digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return false;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return true;
}

/* YYYY-MM-DD at the start of s; on success *i is just past it. */
static bool parse_date_part(const char *s, size_t len, size_t *i, int64_t *days_out)
{
    int y, m, d;
    if (!digits(s, len, i, 4, &y) || *i >= len || s[(*i)++] != '-' || !digits(s, len, i, 2, &m) ||
        *i >= len || s[(*i)++] != '-' || !digits(s, len, i, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *days_out = ck_days_from_civil(y, m, d);
    return true;
}

int ck_date_parse(int64_t *out, const char *s, size_t len)
{
    size_t i = 0;
    int64_t days;
    if (!parse_date_part(s, len, &i, &days) || i != len)
        return CK_EPARSE;
    *out = days * 86400;
    return CK_OK;
}

/* Unix seconds: [+-]digits[.digits], at most 12 integer digits (year ~33,000). */
static int parse_unix(int64_t *out, const char *s, size_t len)
{
    size_t i = 0;
    bool negative = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    size_t start = i;
    int64_t v = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 12)
        v = v * 10 + (s[i++] - '0');
    if (i == start)
        return CK_EPARSE;
    bool has_fraction = false;
    if (i < len && s[i] == '.') {
        size_t frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == frac_start)
            return CK_EPARSE;
        for (size_t k = frac_start; k < i; k++)
            has_fraction |= s[k] != '0';
    }
    if (i != len)
        return CK_EPARSE;
    /* floor, so -1.5 s is -2 like every other form */
    *out = negative ? -v - (has_fraction ? 1 : 0) : v;
    return CK_OK;
}

int ck_ts_parse(int64_t *out, const char *s, size_t len)
{
    if (len < 10 || s[4] != '-')
        return parse_unix(out, s, len);
    size_t i = 0;
    int64_t days;
    if (!parse_date_part(s, len, &i, &days))
        return CK_EPARSE;
    if (i == len) {
        *out = days * 86400;
        return CK_OK;
    }
    int hh, mm, ss;
    if ((s[i] != 'T' && s[i] != ' ') || (++i, !digits(s, len, &i, 2, &hh)) || i >= len ||
        s[i++] != ':' || !digits(s, len, &i, 2, &mm) || i >= len || s[i++] != ':' ||
        !digits(s, len, &i, 2, &ss))
        return CK_EPARSE;
    if (hh > 23 || mm > 59 || ss > 59)
        return CK_EPARSE;
    if (i < len && s[i] == '.') {
        size_t frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == frac_start)
            return CK_EPARSE;
    }
    int64_t offset = 0;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1;
        int oh, om;
        if (!digits(s, len, &i, 2, &oh))
            return CK_EPARSE;
        if (i < len && s[i] == ':')
            i++;
        if (!digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
            return CK_EPARSE;
        offset = sign * (oh * 3600 + om * 60);
    }
    if (i != len)
        return CK_EPARSE;
    /* local time = UTC + offset, so UTC = local − offset */
    *out = days * 86400 + hh * 3600 + mm * 60 + ss - offset;
    return CK_OK;
}

int64_t ck_ts_day_start(int64_t ts)
{
    int64_t days = ts >= 0 ? ts / 86400 : -((-ts + 86399) / 86400);
    return days * 86400;
}

/* Years of up to 5 digits fit both outputs; the scratch buffer is large enough for any
 * int64 year, so the compiler can see that nothing is truncated. */
void ck_ts_format_date(int64_t ts, char out[16])
{
    int64_t y;
    int m, d;
    char tmp[96];
    civil_from_days(ck_ts_day_start(ts) / 86400, &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02d", (long long)y, m, d);
    snprintf(out, 16, "%.15s", tmp);
}

void ck_ts_format(int64_t ts, char out[32])
{
    int64_t day = ck_ts_day_start(ts);
    int64_t sec = ts - day;
    int64_t y;
    int m, d;
    char tmp[96];
    civil_from_days(day / 86400, &y, &m, &d);
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
    snprintf(out, 32, "%.31s", tmp);
}
