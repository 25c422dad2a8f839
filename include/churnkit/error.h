/**
 * @file error.h
 * @brief Status codes and the error record every fallible churnkit call fills.
 *
 * A function that can fail returns `CK_OK` (0) or a negative `ck_status` and takes a
 * `ck_error *err` as its last parameter (NULL allowed). The error is set once, where the
 * file and line are known; callers pass the code up untouched.
 */
#ifndef CHURNKIT_ERROR_H
#define CHURNKIT_ERROR_H

#include <stddef.h>

#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes returned by churnkit functions. */
typedef enum ck_status {
    CK_OK = 0,       /**< success */
    CK_ERR = -1,     /**< unspecified failure */
    CK_ENOMEM = -2,  /**< out of memory */
    CK_EIO = -3,     /**< an operating-system I/O error (errno is in the message) */
    CK_EPARSE = -4,  /**< malformed input data */
    CK_EINVAL = -5,  /**< an invalid argument or setting */
    CK_EVERSION = -6 /**< a file written by a newer churnkit */
} ck_status;

/** Where and why a call failed. `file` is empty and `line` 0 when no file is involved. */
typedef struct ck_error {
    ck_status code;
    long line;
    char file[256];
    char msg[256];
} ck_error;

/**
 * Record an error and return its code, so a caller can write `return ck_error_set(...)`.
 * @param err   the record to fill, or NULL to only return @p code
 * @param code  a negative status
 * @param file  the file at fault, or NULL
 * @param line  its 1-based line, or 0
 * @param fmt   printf-style message: one line, lowercase, no trailing period
 * @return @p code
 */
CK_API int ck_error_set(ck_error *err, ck_status code, const char *file, long line, const char *fmt,
                        ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/**
 * Format an error as `file:line: msg`, `file: msg` or `msg`, whichever applies.
 * @param[out] buf  receives the NUL-terminated text (truncated to @p size)
 * @return @p buf
 */
CK_API const char *ck_error_format(const ck_error *err, char *buf, size_t size);

/** A short lowercase name for a status code ("out of memory"); never NULL. */
CK_API const char *ck_status_name(int code);

#ifdef __cplusplus
}
#endif

#endif
