/*
 * The JSON layer: the one place that knows cJSON. Everything else (the model envelope,
 * each learner's params and body, the config, churn-ab read-outs) reads and writes JSON
 * through these functions and the opaque node type ck__json.
 *
 * Writing: a ck__json_writer keeps the first failure; every later call is then skipped,
 * so a tree is built by plain sequences of calls and checked once at the end. Numbers are
 * written by our own "%.17g"-exact formatter as raw text (never cJSON's printer, which
 * keeps 15 digits); NaN and infinities are refused, naming the field by its JSON path.
 *
 * Reading: a ck__json_reader names the file; every getter checks the member's presence,
 * type and range and fails with one message naming the member by its JSON path
 * (`body.stumps[3].threshold: expected a number`).
 */
#ifndef CK_JSON_H
#define CK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/error.h"

#if defined(__GNUC__)
#define CK__PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CK__PRINTF_LIKE(fmt, args)
#endif

/* A JSON value (cJSON's node, declared only: nothing outside json.c sees inside it). */
typedef struct cJSON ck__json;

/* Room for a JSON path in a message, e.g. "feature_spec.schema[12].levels[3]". */
#define CK__JSON_PATH_LEN 160

/* 2^53: integers up to this are exact in a double, which is how JSON readers (cJSON,
 * JavaScript) hold numbers. */
#define CK__JSON_EXACT_INT 9007199254740992.0

/* ---- nodes -------------------------------------------------------------------------- */

bool ck__json_is_object(const ck__json *v);
bool ck__json_is_array(const ck__json *v);
bool ck__json_is_string(const ck__json *v);
bool ck__json_is_number(const ck__json *v);
bool ck__json_is_bool(const ck__json *v);
bool ck__json_is_true(const ck__json *v);
bool ck__json_is_null(const ck__json *v);
/* The text of a string (borrowed), NULL for another type. */
const char *ck__json_string(const ck__json *v);
/* The value of a number, NaN for another type. */
double ck__json_number(const ck__json *v);
/* The member name of an object's member (borrowed). */
const char *ck__json_key(const ck__json *v);
/* The first item of an array or member of an object, NULL when none; then the next. */
const ck__json *ck__json_child(const ck__json *v);
const ck__json *ck__json_next(const ck__json *v);
/* Items of an array, members of an object. */
size_t ck__json_size(const ck__json *v);
/* Member `key` of object `obj` (case-sensitive), NULL when missing or obj no object. */
const ck__json *ck__json_get(const ck__json *obj, const char *key);
/* Free a tree (its root); accepts NULL. */
void ck__json_free(ck__json *root);

/* ---- parsing ------------------------------------------------------------------------ */

/* The whole file at `path`, NUL-terminated, its length in *len_out (embedded NULs
 * counted). CK_OK, CK_EIO (named by path) or CK_ENOMEM. */
int ck__json_read_file(char **out, size_t *len_out, const char *path, ck_error *err);
/* The same, but a file of more than max_bytes is refused (CK_EINVAL, `556793856 bytes:
 * <what> is at most 256 MiB`) before it is read: its size is asked first, and a file that
 * grows (or a pipe) is cut off once it passes the limit. */
int ck__json_read_file_max(char **out, size_t *len_out, const char *path, size_t max_bytes,
                           const char *what, ck_error *err);

/* Parse `text` (len bytes). With `whole`, the value must be all of the text (nothing but
 * space after it, no NUL inside); else the first value is taken and anything after it is
 * ignored (cJSON_Parse's rule, kept for config files). NULL when not JSON, with the
 * 1-based line of the error in *line_out (0 when not known; line_out may be NULL). */
ck__json *ck__json_parse(const char *text, size_t len, bool whole, long *line_out);

/* ---- numbers ------------------------------------------------------------------------ */

/* The shortest of "%.15g", "%.16g" and "%.17g" that reads back to the same double, with
 * '.' as the decimal point whatever the locale. */
void ck__json_format_double(char buf[32], double v);

/* ---- writing ------------------------------------------------------------------------ */

typedef struct ck__json_writer {
    int rc; /* CK_OK until the first failure, then its code */
    ck_error *err;
} ck__json_writer;

/* Record a failure (only the first is kept). */
void ck__json_fail_write(ck__json_writer *w, ck_status code, const char *fmt, ...)
    CK__PRINTF_LIKE(3, 4);

/* Attach `item` to object `obj` under `key` (or to array `obj` when key is NULL) and
 * return it; NULL when anything failed, the item then freed. */
ck__json *ck__json_put(ck__json_writer *w, ck__json *obj, const char *key, ck__json *item);

/* New values, NULL once the writer has failed (ck__json_put then records no new error);
 * a NULL from an allocation is recorded by ck__json_put as CK_ENOMEM. */
ck__json *ck__json_new_object(const ck__json_writer *w);
ck__json *ck__json_new_array(const ck__json_writer *w);
ck__json *ck__json_new_string(const ck__json_writer *w, const char *s);
ck__json *ck__json_new_bool(const ck__json_writer *w, bool b);
ck__json *ck__json_new_null(const ck__json_writer *w);
ck__json *ck__json_new_integer(const ck__json_writer *w, long long v);
/* A finite number, or a CK_EINVAL failure naming the field (path_fmt and its arguments):
 * `body.stumps[3].left: cannot write nan (model numbers must be finite)`. */
ck__json *ck__json_new_number(ck__json_writer *w, double v, const char *path_fmt, ...)
    CK__PRINTF_LIKE(3, 4);
/* A metric: a finite number, or null when it was not measured (NaN). */
ck__json *ck__json_new_metric(ck__json_writer *w, double v, const char *path_fmt, ...)
    CK__PRINTF_LIKE(3, 4);

/* Print the tree, indented, and a newline to `out`, and flush it. CK_OK, CK_ENOMEM,
 * CK_EIO. */
int ck__json_write(const ck__json *root, FILE *out, ck_error *err);

/* ---- reading ------------------------------------------------------------------------ */

typedef struct ck__json_reader {
    const char *file; /* names every error */
    ck_error *err;
} ck__json_reader;

/* Record an error naming the file, and return its code. */
int ck__json_fail(const ck__json_reader *r, ck_status code, const char *fmt, ...)
    CK__PRINTF_LIKE(3, 4);

/* JSON paths for messages ("at.key", "at[i]"); a path too long ends in "...". */
void ck__json_path_key(char out[CK__JSON_PATH_LEN], const char *at, const char *key);
void ck__json_path_index(char out[CK__JSON_PATH_LEN], const char *at, size_t i);

/* Member `key` of object `obj` (at path `at`), its path into `path`; NULL (error set) when
 * missing. */
const ck__json *ck__json_member(const ck__json_reader *r, const ck__json *obj, const char *at,
                                const char *key, char path[CK__JSON_PATH_LEN]);

/* The getters: member `key` of `obj` (at path `at`), checked; CK_OK or CK_EINVAL with the
 * message. Those with `path` leave the member's path there. */
int ck__json_get_object(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, const ck__json **out, char path[CK__JSON_PATH_LEN]);
/* An array of at most `max` items, their count in *n. */
int ck__json_get_array(const ck__json_reader *r, const ck__json *obj, const char *at,
                       const char *key, size_t max, const ck__json **out, size_t *n,
                       char path[CK__JSON_PATH_LEN]);
/* A finite number. */
int ck__json_get_number(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, double *out);
/* A finite number, or null for "not measured" (NaN). */
int ck__json_get_metric(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, double *out);
/* A whole number from 0 to 2^31 − 1. */
int ck__json_get_int(const ck__json_reader *r, const ck__json *obj, const char *at, const char *key,
                     int *out);
/* A whole number from 0 to 2^53. */
int ck__json_get_count(const ck__json_reader *r, const ck__json *obj, const char *at,
                       const char *key, size_t *out);
int ck__json_get_bool(const ck__json_reader *r, const ck__json *obj, const char *at,
                      const char *key, bool *out);
/* A string copied into out[size]. */
int ck__json_get_string(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, char *out, size_t size);
/* A number with lo < v (lo <= v when lo_closed) and v < hi; else "expected <expected>". */
int ck__json_get_in_range(const ck__json_reader *r, const ck__json *obj, const char *at,
                          const char *key, double lo, bool lo_closed, double hi,
                          const char *expected, double *out);
/* A string that must be one of names[0..n), as its index. */
int ck__json_get_choice(const ck__json_reader *r, const ck__json *obj, const char *at,
                        const char *key, const char *const *names, int n, const char *expected,
                        int *out);
/* A uint64 written as a decimal string (a uint64 may not fit in a double). */
int ck__json_get_u64_string(const ck__json_reader *r, const ck__json *obj, const char *at,
                            const char *key, uint64_t *out);
/* An array of exactly `n` numbers into a new array *out (free() it; NULL on failure);
 * `what` says why n ("one per level"). CK_ENOMEM too. */
int ck__json_get_numbers(const ck__json_reader *r, const ck__json *obj, const char *at,
                         const char *key, size_t n, const char *what, double **out);

/* The same checks on a value already in hand, at `path`. */
int ck__json_want_number(const ck__json_reader *r, const ck__json *v, const char *path,
                         double *out);
int ck__json_want_integer(const ck__json_reader *r, const ck__json *v, const char *path, double lo,
                          double hi, double *out);
int ck__json_want_string(const ck__json_reader *r, const ck__json *v, const char *path,
                         const char **out);

#endif
