/*
 * Tests of timestamp.h: every accepted form, every rejection, leap years, and formatting.
 *
 * Expected Unix seconds were computed independently with Python 3.11 on this machine:
 * calendar.timegm(datetime.datetime(Y, M, D, h, m, s).timetuple()) for times, and
 * date(Y, M, D).toordinal() - date(1970, 1, 1).toordinal() for day numbers. An offset
 * time was converted to UTC by hand first (12:34:56+08:00 is 04:34:56 UTC). The calendar
 * walk in test_timestamp__calendar_walk is a second independent check: it counts days
 * one by one with its own leap-year rule.
 */
#include "churnkit/timestamp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"

/* s parses (as a whole, NUL not included) to exactly `want` Unix seconds. */
#define CHECK_TS(s, want)                                                                          \
    do {                                                                                           \
        int64_t got_ = INT64_MIN;                                                                  \
        CHECK_EQ_INT(ck_ts_parse(&got_, (s), strlen(s)), CK_OK);                                   \
        CHECK_EQ_INT(got_, (want));                                                                \
    } while (0)

#define CHECK_TS_BAD(s)                                                                            \
    do {                                                                                           \
        int64_t got_ = 0;                                                                          \
        CHECK_EQ_INT(ck_ts_parse(&got_, (s), strlen(s)), CK_EPARSE);                               \
    } while (0)

#define CHECK_DATE(s, want)                                                                        \
    do {                                                                                           \
        int64_t got_ = INT64_MIN;                                                                  \
        CHECK_EQ_INT(ck_date_parse(&got_, (s), strlen(s)), CK_OK);                                 \
        CHECK_EQ_INT(got_, (want));                                                                \
    } while (0)

#define CHECK_DATE_BAD(s)                                                                          \
    do {                                                                                           \
        int64_t got_ = 0;                                                                          \
        CHECK_EQ_INT(ck_date_parse(&got_, (s), strlen(s)), CK_EPARSE);                             \
    } while (0)

static void test_timestamp__date_only(void)
{
    CHECK_TS("2024-03-01", 1709251200);
    CHECK_TS("1970-01-01", 0);
    CHECK_TS("1969-12-31", -86400);
    CHECK_TS("2000-03-01", 11017LL * 86400);
    CHECK_TS("0001-01-01", -62135596800LL);
}

static void test_timestamp__date_time_separators(void)
{
    CHECK_TS("2024-03-01T12:34:56", 1709296496);
    CHECK_TS("2024-03-01 12:34:56", 1709296496);
    CHECK_TS("2024-03-01T00:00:00", 1709251200);
    CHECK_TS("1969-12-31T23:59:59", -1);
    CHECK_TS("9999-12-31T23:59:59", 253402300799LL);
}

static void test_timestamp__fractions_are_floored(void)
{
    CHECK_TS("2024-03-01T12:34:56.789", 1709296496);
    CHECK_TS("2024-03-01T12:34:56.999999999", 1709296496);
    CHECK_TS("2024-03-01 12:34:56.0", 1709296496);
    CHECK_TS("2024-03-01T12:34:56.5Z", 1709296496);
    CHECK_TS("2024-03-01T12:34:56.5+08:00", 1709267696);
    /* before 1970 a dropped fraction must still floor towards the past */
    CHECK_TS("1969-12-31T23:59:59.5", -1);
}

static void test_timestamp__zone_designators(void)
{
    CHECK_TS("2024-03-01T12:34:56Z", 1709296496);
    CHECK_TS("2024-03-01T12:34:56+00:00", 1709296496);
    CHECK_TS("2024-03-01T12:34:56-00:00", 1709296496);
    CHECK_TS("2024-03-01T12:34:56+0000", 1709296496);
    /* 12:34:56+08:00 is 04:34:56 UTC; 12:34:56-05:30 is 18:04:56 UTC */
    CHECK_TS("2024-03-01T12:34:56+08:00", 1709267696);
    CHECK_TS("2024-03-01T12:34:56+0800", 1709267696);
    CHECK_TS("2024-03-01T12:34:56-05:30", 1709316296);
    CHECK_TS("2024-03-01T12:34:56-0530", 1709316296);
    CHECK_TS("2024-03-01 12:34:56-0530", 1709316296);
    /* an offset can move the time across a day (and a leap day) boundary */
    CHECK_TS("2024-03-01T00:30:00+01:00", 1709249400); /* 2024-02-29T23:30:00Z */
    CHECK_TS("2023-12-31T23:59:59-01:00", 1704070799); /* 2024-01-01T00:59:59Z */
    CHECK_TS("1960-06-15T16:00:00+08:00", -301248000); /* 1960-06-15T08:00:00Z */
}

static void test_timestamp__unix_seconds(void)
{
    CHECK_TS("0", 0);
    CHECK_TS("1709296496", 1709296496);
    CHECK_TS("+1709296496", 1709296496);
    CHECK_TS("-1", -1);
    CHECK_TS("-1234567890", -1234567890);
    CHECK_TS("999999999999", 999999999999LL); /* 12 digits, the documented maximum */
    /* fractions floor: towards −∞, also for negative values */
    CHECK_TS("1.5", 1);
    CHECK_TS("1709296496.999", 1709296496);
    CHECK_TS("-1.5", -2);
    CHECK_TS("-0.5", -1);
    CHECK_TS("-2.0", -2);
    CHECK_TS("-2.000", -2);
    CHECK_TS("-86400.25", -86401);
}

static void test_timestamp__leap_years(void)
{
    CHECK_TS("2024-02-29", 19782LL * 86400);
    CHECK_TS("2000-02-29", 11016LL * 86400); /* divisible by 400: leap */
    CHECK_TS("1600-02-29", -135081LL * 86400);
    CHECK_TS("2024-02-29T23:59:59Z", 19782LL * 86400 + 86399);
    CHECK_TS_BAD("2023-02-29"); /* not divisible by 4 */
    CHECK_TS_BAD("1900-02-29"); /* divisible by 100, not by 400 */
    CHECK_TS_BAD("2100-02-29");
    CHECK_TS_BAD("2023-02-29T00:00:00");
    CHECK_TS_BAD("2024-02-30");
    CHECK_DATE("2024-02-29", 19782LL * 86400);
    CHECK_DATE("2000-02-29", 11016LL * 86400);
    CHECK_DATE_BAD("2023-02-29");
    CHECK_DATE_BAD("1900-02-29");
}

static void test_timestamp__rejections(void)
{
    CHECK_TS_BAD("");
    CHECK_TS_BAD("2024-13-01");
    CHECK_TS_BAD("2024-00-10");
    CHECK_TS_BAD("2024-01-32");
    CHECK_TS_BAD("2024-01-00");
    CHECK_TS_BAD("2024-04-31");
    CHECK_TS_BAD("2024-1-01");
    CHECK_TS_BAD("2024-01-1");
    CHECK_TS_BAD("24-01-01");
    CHECK_TS_BAD("2024/01/01");
    CHECK_TS_BAD("2024-01-01x");
    CHECK_TS_BAD("2024-01-01 ");
    CHECK_TS_BAD(" 2024-01-01");
    CHECK_TS_BAD("2024-01-01T");
    CHECK_TS_BAD("2024-01-01T24:00:00");
    CHECK_TS_BAD("2024-01-01T12:60:00");
    CHECK_TS_BAD("2024-01-01T12:00:60");
    CHECK_TS_BAD("2024-01-01T12:00");
    CHECK_TS_BAD("2024-01-01T1:00:00");
    CHECK_TS_BAD("2024-01-01t12:00:00");
    CHECK_TS_BAD("2024-01-01T12:00:00.");
    CHECK_TS_BAD("2024-01-01T12:00:00Zx");
    CHECK_TS_BAD("2024-01-01T12:00:00z");
    CHECK_TS_BAD("2024-01-01T12:00:00 Z");
    CHECK_TS_BAD("2024-01-01T12:00:00+8");
    CHECK_TS_BAD("2024-01-01T12:00:00+08");
    CHECK_TS_BAD("2024-01-01T12:00:00+08:");
    CHECK_TS_BAD("2024-01-01T12:00:00+08:0");
    CHECK_TS_BAD("2024-01-01T12:00:00+24:00");
    CHECK_TS_BAD("2024-01-01T12:00:00+08:60");
    CHECK_TS_BAD("2024-01-01T12:00:00+08:00x");
    CHECK_TS_BAD("2024-01-01T12:00:00Z+08:00");
    CHECK_TS_BAD("abc");
    CHECK_TS_BAD("12a");
    CHECK_TS_BAD("1.");
    CHECK_TS_BAD(".5");
    CHECK_TS_BAD("-");
    CHECK_TS_BAD("+");
    CHECK_TS_BAD("--1");
    CHECK_TS_BAD("1e9");
    CHECK_TS_BAD("1 ");
    CHECK_TS_BAD("1.5.5");
    CHECK_TS_BAD("1234567890123"); /* 13 digits: milliseconds, not seconds */
}

/* The text need not be NUL-terminated: only `len` bytes are read. */
static void test_timestamp__length_bounded(void)
{
    const char *s = "2024-03-01T12:34:56Z and more";
    int64_t t = 0;
    CHECK_EQ_INT(ck_ts_parse(&t, s, 20), CK_OK);
    CHECK_EQ_INT(t, 1709296496);
    CHECK_EQ_INT(ck_ts_parse(&t, s, 10), CK_OK);
    CHECK_EQ_INT(t, 1709251200);
    CHECK_EQ_INT(ck_ts_parse(&t, s, 19), CK_OK); /* without the Z */
    CHECK_EQ_INT(t, 1709296496);
    CHECK_EQ_INT(ck_ts_parse(&t, s, 21), CK_EPARSE);
    CHECK_EQ_INT(ck_ts_parse(&t, s, 9), CK_EPARSE);
    CHECK_EQ_INT(ck_ts_parse(&t, "17092964961", 10), CK_OK);
    CHECK_EQ_INT(t, 1709296496);
    CHECK_EQ_INT(ck_date_parse(&t, s, 10), CK_OK);
    CHECK_EQ_INT(t, 1709251200);
    CHECK_EQ_INT(ck_date_parse(&t, s, 11), CK_EPARSE);
}

static void test_timestamp__date_parse_only_dates(void)
{
    CHECK_DATE("2024-03-01", 1709251200);
    CHECK_DATE("1969-12-31", -86400);
    CHECK_DATE("1900-03-01", -25508LL * 86400);
    CHECK_DATE_BAD("");
    CHECK_DATE_BAD("2024-03-01T00:00:00");
    CHECK_DATE_BAD("2024-03-01 00:00:00");
    CHECK_DATE_BAD("2024-03-01Z");
    CHECK_DATE_BAD("1709251200");
    CHECK_DATE_BAD("2024-3-01");
    CHECK_DATE_BAD("2024-03-1");
    CHECK_DATE_BAD("2024-13-01");
    CHECK_DATE_BAD("2024-12-32");
    CHECK_DATE_BAD("2024-03-01 ");
}

static void test_timestamp__days_from_civil(void)
{
    CHECK_EQ_INT(ck_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(ck_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ_INT(ck_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ_INT(ck_days_from_civil(2000, 3, 1), 11017);
    CHECK_EQ_INT(ck_days_from_civil(2024, 2, 29), 19782);
    CHECK_EQ_INT(ck_days_from_civil(1900, 3, 1), -25508);
    CHECK_EQ_INT(ck_days_from_civil(1600, 2, 29), -135081);
    CHECK_EQ_INT(ck_days_from_civil(1583, 10, 15), -141062);
    CHECK_EQ_INT(ck_days_from_civil(1, 1, 1), -719162);
    CHECK_EQ_INT(ck_days_from_civil(9999, 12, 31), 2932896);
}

static void test_timestamp__day_start(void)
{
    CHECK_EQ_INT(ck_ts_day_start(0), 0);
    CHECK_EQ_INT(ck_ts_day_start(1), 0);
    CHECK_EQ_INT(ck_ts_day_start(86399), 0);
    CHECK_EQ_INT(ck_ts_day_start(86400), 86400);
    CHECK_EQ_INT(ck_ts_day_start(1709296496), 1709251200);
    CHECK_EQ_INT(ck_ts_day_start(-1), -86400);
    CHECK_EQ_INT(ck_ts_day_start(-86399), -86400);
    CHECK_EQ_INT(ck_ts_day_start(-86400), -86400);
    CHECK_EQ_INT(ck_ts_day_start(-86401), -172800);
    CHECK_EQ_INT(ck_ts_day_start(-301248000), -301276800); /* 1960-06-15T08:00 → 00:00 */
}

static void test_timestamp__format(void)
{
    char date[16], full[32];
    ck_ts_format_date(0, date);
    CHECK_EQ_STR(date, "1970-01-01");
    ck_ts_format_date(-1, date);
    CHECK_EQ_STR(date, "1969-12-31");
    ck_ts_format_date(1709296496, date);
    CHECK_EQ_STR(date, "2024-03-01");
    ck_ts_format_date(11016LL * 86400 + 86399, date);
    CHECK_EQ_STR(date, "2000-02-29");
    ck_ts_format_date(-62135596800LL, date);
    CHECK_EQ_STR(date, "0001-01-01");
    ck_ts_format(0, full);
    CHECK_EQ_STR(full, "1970-01-01T00:00:00Z");
    ck_ts_format(-1, full);
    CHECK_EQ_STR(full, "1969-12-31T23:59:59Z");
    ck_ts_format(1709296496, full);
    CHECK_EQ_STR(full, "2024-03-01T12:34:56Z");
    ck_ts_format(1709249400, full);
    CHECK_EQ_STR(full, "2024-02-29T23:30:00Z");
    ck_ts_format(-301248000, full);
    CHECK_EQ_STR(full, "1960-06-15T08:00:00Z");
    ck_ts_format(253402300799LL, full);
    CHECK_EQ_STR(full, "9999-12-31T23:59:59Z");
    ck_ts_format(-1234567890, full); /* Python: 1930-11-18 00:28:30 */
    CHECK_EQ_STR(full, "1930-11-18T00:28:30Z");
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Walk every day from 1600-01-01 to 2400-12-31 with a plain counter: the day number must
 * match ck_days_from_civil, the formatted date must be the walked date, and parsing it
 * must give the day back. Independent of the library's arithmetic (Hinnant's algorithm).
 */
static void test_timestamp__calendar_walk(void)
{
    static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t day = -135140; /* 1600-01-01, from Python: date(1600,1,1).toordinal() - epoch */
    long mismatches = 0;
    for (int y = 1600; y <= 2400; y++) {
        for (int m = 1; m <= 12; m++) {
            int n = month_days[m - 1] + (m == 2 && is_leap(y));
            for (int d = 1; d <= n; d++, day++) {
                char want[40], got[16];
                snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
                ck_ts_format_date(day * 86400 + (day % 86400 + 86400) % 86400, got);
                int64_t parsed = INT64_MIN, parsed_date = INT64_MIN;
                bool ok = ck_days_from_civil(y, m, d) == day && strcmp(want, got) == 0 &&
                          ck_ts_parse(&parsed, want, 10) == CK_OK && parsed == day * 86400 &&
                          ck_date_parse(&parsed_date, want, 10) == CK_OK &&
                          parsed_date == day * 86400;
                if (!ok && mismatches++ < 5)
                    fprintf(stderr, "calendar walk: %s (day %lld) formatted as %s\n", want,
                            (long long)day, got);
            }
        }
    }
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(day, ck_days_from_civil(2401, 1, 1));
    CHECK_EQ_INT(day, 157420); /* Python: date(2401,1,1).toordinal() - epoch */
}

/* format → parse round trip for times across a wide range of days, before and after 1970. */
static void test_timestamp__round_trip(void)
{
    long failures = 0;
    /* 0001-01-01 to 9999-12-31 in steps of 97 days, each at a different time of day */
    for (int64_t day = -719162; day <= 2932896; day += 97) {
        int64_t ts = day * 86400 + (day * 7919 % 86400 + 86400) % 86400;
        char text[32], date[16];
        ck_ts_format(ts, text);
        ck_ts_format_date(ts, date);
        int64_t back = INT64_MIN, back_date = INT64_MIN;
        bool ok = ck_ts_parse(&back, text, strlen(text)) == CK_OK && back == ts &&
                  ck_date_parse(&back_date, date, strlen(date)) == CK_OK &&
                  back_date == day * 86400 && ck_ts_day_start(ts) == day * 86400 &&
                  strncmp(text, date, 10) == 0;
        if (!ok && failures++ < 5)
            fprintf(stderr, "round trip: %lld → %s / %s → %lld\n", (long long)ts, text, date,
                    (long long)back);
    }
    CHECK_EQ_INT(failures, 0);
    /* every second of one day either side of the epoch */
    for (int64_t ts = -86400; ts < 86400; ts++) {
        char text[32];
        ck_ts_format(ts, text);
        int64_t back = INT64_MIN;
        if ((ck_ts_parse(&back, text, strlen(text)) != CK_OK || back != ts) && failures++ < 5)
            fprintf(stderr, "round trip: %lld → %s → %lld\n", (long long)ts, text, (long long)back);
    }
    CHECK_EQ_INT(failures, 0);
}

int main(void)
{
    RUN(test_timestamp__date_only);
    RUN(test_timestamp__date_time_separators);
    RUN(test_timestamp__fractions_are_floored);
    RUN(test_timestamp__zone_designators);
    RUN(test_timestamp__unix_seconds);
    RUN(test_timestamp__leap_years);
    RUN(test_timestamp__rejections);
    RUN(test_timestamp__length_bounded);
    RUN(test_timestamp__date_parse_only_dates);
    RUN(test_timestamp__days_from_civil);
    RUN(test_timestamp__day_start);
    RUN(test_timestamp__format);
    RUN(test_timestamp__calendar_walk);
    RUN(test_timestamp__round_trip);
    return check_summary();
}
