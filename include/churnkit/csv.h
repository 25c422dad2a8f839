/**
 * @file csv.h
 * @brief A streaming RFC 4180 CSV reader (plain or gzip) and a field writer.
 *
 * Quoted fields may hold delimiters, doubled quotes and line ends; records end at LF or
 * CRLF; a UTF-8 byte-order mark and completely empty lines are skipped. A `.gz` file (or
 * any gzip stream) is decompressed transparently.
 */
#ifndef CHURNKIT_CSV_H
#define CHURNKIT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "churnkit/error.h"
#include "churnkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open CSV reader. Create with ck_csv_open(), free with ck_csv_free(). */
typedef struct ck_csv ck_csv;

/** One record. Every pointer is borrowed and valid until the next ck_csv_next() call. */
typedef struct ck_csv_row {
    size_t n_fields;
    char **fields;         /**< NUL-terminated, quotes removed, not trimmed */
    const size_t *lengths; /**< length of each field */
    long line;             /**< 1-based line where the record starts */
    const char *raw;       /**< the record exactly as in the file, without its line end */
    size_t raw_len;
} ck_csv_row;

/**
 * Open a CSV file for reading.
 * @param[out] out    the reader, or NULL on failure
 * @param path        the file; named as given in every error message
 * @param delimiter   the field separator, usually ','
 * @return CK_OK, CK_EIO (file cannot be opened), CK_ENOMEM
 */
CK_API int ck_csv_open(ck_csv **out, const char *path, char delimiter, ck_error *err);

/**
 * Read the next record.
 * @param[out] row  the record (borrowed pointers)
 * @return 1 when a record was read, 0 at the end of the file, or CK_EPARSE (unterminated
 *         quote, text after a closing quote, a record longer than 32 MiB, a NUL byte in a
 *         field: `NUL byte in column 2`, with the line it is on), CK_EIO, CK_ENOMEM.
 *         After a NUL byte the record is consumed and row->raw (and the rest of *row)
 *         describes it, so a caller that skips bad rows may read on; after any other
 *         error row->raw is NULL and the reader cannot go on.
 */
CK_API int ck_csv_next(ck_csv *csv, ck_csv_row *row, ck_error *err);

/** The path the reader was opened with (borrowed). */
CK_API const char *ck_csv_path(const ck_csv *csv);

/** The fraction of the file consumed so far, in [0, 1], for progress reports. */
CK_API double ck_csv_progress(const ck_csv *csv);

/** Close the reader; accepts NULL. */
CK_API void ck_csv_free(ck_csv *csv);

/**
 * Write one field, quoting it (RFC 4180) only when it holds the delimiter, a quote, a
 * line end, or leading/trailing spaces.
 */
CK_API void ck_csv_write_field(FILE *out, const char *s, size_t len, char delimiter);

#ifdef __cplusplus
}
#endif

#endif
