/*
 * What the parallel readers (events, table scans) and the row writers of other rooms need
 * of the CSV reader beyond the public API: opening a plain file at a byte offset, where
 * the next record starts, the quote-free fast path, and the quoting rule.
 */
#ifndef CK_CSV_SCAN_H
#define CK_CSV_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/csv.h"

/* Records longer than this are refused (docs/TABLES.md, "Limits"): 32 MiB holds a
 * thousand columns of the longest categorical value a table may have (1 KiB) thirty-two
 * times over, and keeps one huge cell from costing more than a few times this much. */
#define CK__CSV_MAX_RECORD ((size_t)32 << 20)

/* Open `path` and start reading at byte `offset` (line numbers restart at 1 there). */
int ck__csv_open_at(ck_csv **out, const char *path, char delimiter, int64_t offset, ck_error *err);
/* The byte offset in the file where the next record (or empty line) starts. */
int64_t ck__csv_offset(const ck_csv *csv);
/* The line number the next record starts on. */
long ck__csv_line(const ck_csv *csv);
/* True when the file is not compressed, so byte offsets can be seeked to. */
bool ck__csv_is_plain(const ck_csv *csv);
/* The file's size in bytes (0 when unknown). */
int64_t ck__csv_file_size(const ck_csv *csv);
/*
 * The next record when it is one line without a quote: row->raw and raw_len (the line
 * without its end) and row->line are set, the fields are left to the caller. Returns 1,
 * 0 at the end, 2 when the next record holds a quote (nothing is consumed: read it with
 * ck_csv_next()), or an error; a NUL byte is refused as ck_csv_next() refuses it, the line
 * consumed. Empty lines are skipped as ck_csv_next() skips them.
 */
int ck__csv_next_plain(ck_csv *csv, ck_csv_row *row, ck_error *err);
/* Refuse records longer than about `bytes` (CK_EPARSE, and ck__csv_over_limit() true;
 * CK__CSV_MAX_RECORD unless set): a reader started at a guessed record start inside a
 * quoted field may otherwise take the rest of the file for one record. */
void ck__csv_limit_record(ck_csv *csv, size_t bytes);
bool ck__csv_over_limit(const ck_csv *csv);
/* Where the record just read starts in the (uncompressed) file, past any empty lines
 * before it. */
int64_t ck__csv_record_offset(const ck_csv *csv, const ck_csv_row *row);
/* Where the first line after byte `offset` starts (just past the first LF at or after
 * it) in the plain file f, or -1 at the end of the file. A guess at a record start: a
 * quoted field may hold a line end. */
int64_t ck__csv_line_start_after(FILE *f, int64_t offset);
/* True when a field must be quoted: it holds the delimiter, a quote or a line end, or
 * starts or ends with a space (which readers would trim). */
bool ck__csv_needs_quotes(const char *s, size_t len, char delimiter);

#endif
