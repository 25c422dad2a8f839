/**
 * @file timestamp.h
 * @brief Parsing and formatting of the timestamp forms of DESIGN.md, in UTC.
 *
 * Times are Unix seconds (`int64_t`). Accepted forms:
 * `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH:MM|±HHMM]`, and Unix seconds
 * (an optional sign, digits, an optional fraction). Fractions of a second are dropped
 * (floored), so events in the same second keep their file order.
 */
#ifndef CHURNKIT_TIMESTAMP_H
#define CHURNKIT_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parse a timestamp in any accepted form.
 * @param[out] out  Unix seconds (UTC)
 * @param s         the text, not necessarily NUL-terminated
 * @param len       its length
 * @return CK_OK, or CK_EPARSE when the text is not a valid time (no message is set)
 */
CK_API int ck_ts_parse(int64_t *out, const char *s, size_t len);

/**
 * Parse a calendar date `YYYY-MM-DD` (only that form) as the start of that UTC day.
 * @return CK_OK or CK_EPARSE
 */
CK_API int ck_date_parse(int64_t *out, const char *s, size_t len);

/** Days since 1970-01-01 of a proleptic Gregorian date (m 1–12, d 1–31). */
CK_API int64_t ck_days_from_civil(int64_t y, int m, int d);

/** The start of the UTC day holding @p ts. */
CK_API int64_t ck_ts_day_start(int64_t ts);

/** Write `YYYY-MM-DD` (the UTC day of @p ts) and a NUL into @p out. */
CK_API void ck_ts_format_date(int64_t ts, char out[16]);

/** Write `YYYY-MM-DDTHH:MM:SSZ` and a NUL into @p out. */
CK_API void ck_ts_format(int64_t ts, char out[32]);

#ifdef __cplusplus
}
#endif

#endif
