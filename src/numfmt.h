/*
 * Fast number formatting for CSV outputs: whole numbers (counts, scores, whole amounts)
 * take an integer path; others print with "%.10g". NaN is the empty string.
 */
#ifndef CK_NUMFMT_H
#define CK_NUMFMT_H

#include <stddef.h>

/* Writes the text and a NUL into buf (at least 32 bytes); returns its length. */
size_t ck__format_number(char *buf, double v);

#endif
