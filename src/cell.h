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
/* The whole cell is a finite decimal number (strtod syntax, no hex, no inf/nan). */
bool ck__cell_parse_number(double *out, const char *s, size_t len);

#endif
