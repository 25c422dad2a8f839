/*
 * Cell parsing shared by every CSV consumer: trimming, missing-value tokens and strict
 * numbers, so the event reader, the customers reader and table mode agree on them.
 */
#ifndef CK_CELL_H
#define CK_CELL_H

#include <stdbool.h>
#include <stddef.h>

/* Drop surrounding spaces and tabs. */
void ck__cell_trim(const char **s, size_t *len);
/* Empty, `NA`, `NaN`, `null` or `?` (DESIGN.md, "Tables"); expects a trimmed cell. */
bool ck__cell_is_missing(const char *s, size_t len);
/* A 0/1 flag, as labels and outcomes are written: 1/0, true/false or yes/no in any case,
 * or a number equal to 0 or 1 ("1.0": pandas writes an integer column with missing values
 * as floats). Returns 1, 0, or -1 when the cell is none of these. Expects a trimmed cell. */
int ck__cell_parse_flag(const char *s, size_t len);
/* The whole cell is a finite decimal number (strtod syntax, no hex, no inf/nan). */
bool ck__cell_parse_number(double *out, const char *s, size_t len);
/* The cell is spelled as a number, decimal (`1e400`, 64 digits) or a word (`inf`,
 * `-Infinity`, `nan`, in any case), whether or not ck__cell_parse_number() takes it: a
 * numeric column holding one that it refuses holds a bad number, not a category. */
bool ck__cell_spells_number(const char *s, size_t len);

#endif
