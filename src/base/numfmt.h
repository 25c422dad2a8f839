/*
 * Fast number formatting for CSV outputs: whole numbers (counts, scores, whole amounts)
 * take an integer path; others print with "%.10g". NaN is the empty string.
 */
#ifndef CK_NUMFMT_H
#define CK_NUMFMT_H

#include <stddef.h>

/* Writes the text and a NUL into buf (at least 32 bytes); returns its length. */
size_t ck__format_number(char *buf, double v);

/*
 * v with `decimals` (0–17) digits after the point, the same text as printf("%.*f"): the
 * exact binary value rounded to nearest, ties to even. Writes the text and a NUL into buf
 * (at least 32 bytes; values of 2^52 / 10^decimals or more take printf, and need up to
 * 330); returns its length. NaN is the empty string.
 */
size_t ck__format_fixed(char *buf, double v, int decimals);

#endif
