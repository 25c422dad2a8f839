/*
 * The table rules (DESIGN.md, "Tables") shared by the whole-table reader (dataset.c) and
 * the row-by-row stream (table_stream.c), so both accept the same files, code the same
 * cells the same way and fail with the same messages.
 */
#ifndef CK_DATASET_INT_H
#define CK_DATASET_INT_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/csv.h"
#include "churnkit/dataset.h"

/* A categorical code must be exact as a float: at most 2^24 levels per column. */
#define CK__MAX_LEVELS ((size_t)1 << 24)

/* The longest categorical value a table may hold (docs/TABLES.md, "Limits"): names of
 * plans, cities or products take tens of bytes; a longer cell is a free-text field or a
 * broken file, and each level is copied into the model, once per stump that splits on it. */
#define CK__MAX_LEVEL_BYTES 1024

/* An inferred categorical column with more distinct values than this, and more than half
 * as many as it has values, is an id, not a feature (docs/TABLES.md, "Limits"). */
#define CK__ID_LIKE_LEVELS 1000

/* What each field of a table's records is, resolved from its header row. */
typedef struct ck__table_layout {
    const char *path;      /* as given by the caller (borrowed), for messages */
    size_t n_fields;       /* fields in every record */
    long label_field;      /* -1 when no label is read */
    long id_field;         /* -1 when rows are numbered */
    char *label_name;      /* NULL when no label is read */
    char *id_name;         /* the id column's name, or "row" */
    size_t n_features;     /* schema features, or every column left in inference mode */
    size_t *feature_field; /* feature j is in field feature_field[j] */
    char **feature_names;  /* trimmed header names, in feature order */
} ck__table_layout;

/*
 * Resolve a header row. With @p schema, feature j is the column named like schema
 * feature j and other columns are skipped; without, every column but the label, the id
 * and the ignored ones is a feature, in header order.
 * Returns CK_OK, CK_EINVAL (label, id or ignored column absent), CK_EPARSE (a schema
 * feature absent, a used column named twice), CK_ENOMEM; the messages name path:1.
 */
int ck__table_layout_init(ck__table_layout *t, const char *path, const ck_csv_row *header,
                          const ck_table_opts *opts, const ck_schema *schema, ck_error *err);
void ck__table_layout_free(ck__table_layout *t);

/* The record has exactly n_fields fields, else CK_EPARSE naming its line. */
int ck__table_check_fields(const ck__table_layout *t, const ck_csv_row *row, ck_error *err);

/* The row's label as 0 or 1, else CK_EPARSE `bad label "x" in column "Churn" (...)`. */
int ck__table_label(float *out, const ck__table_layout *t, const ck_csv_row *row, ck_error *err);

/* Field f of the row, trimmed of surrounding spaces (borrowed, not NUL-terminated). */
void ck__table_cell(const ck_csv_row *row, size_t f, const char **s, size_t *len);

/*
 * A trimmed cell as a number: exactly the cells ck__cell_parse_number() accepts, with the
 * same value, but the common short decimals without a detour through strtod.
 */
bool ck__table_number(double *out, const char *s, size_t len);

/* The digits of "digits[.digits]" read as one integer. */
typedef struct ck__digits {
    uint64_t mantissa; /* exact while significant <= 19 */
    int n_digits;      /* digits read, both sides of the point */
    int significant;   /* digits from the first non-zero one */
    int n_fraction;    /* digits after the point */
} ck__digits;

/* Read "digits[.digits]" from p (either part may be empty) into *d; returns where the
 * reading stopped. Inline: the table reader calls it on every cell. */
static inline const char *ck__scan_digits(const char *p, const char *end, ck__digits *d)
{
    const char *start = p;
    *d = (ck__digits){ 0 };
    for (; p < end && (unsigned char)(*p - '0') < 10; p++)
        d->mantissa = d->mantissa * 10 + (uint64_t)(*p - '0');
    d->n_digits = (int)(p - start);
    if (p < end && *p == '.') {
        const char *point = p++;
        for (; p < end && (unsigned char)(*p - '0') < 10; p++)
            d->mantissa = d->mantissa * 10 + (uint64_t)(*p - '0');
        d->n_fraction = (int)(p - point - 1);
        d->n_digits += d->n_fraction;
    }
    /* leading zeros are not significant: counted only when they could matter */
    d->significant = d->n_digits;
    for (const char *z = start; d->significant > 19 && z < p && (*z == '0' || *z == '.'); z++)
        d->significant -= *z == '0';
    return p;
}

/* The value mantissa * 10^exponent, negated when `negative`, when it is computed exactly
 * rounded with one operation (at least one digit, at most 19 significant, a mantissa
 * within 2^53, |exponent| <= 22); false otherwise, and the caller asks strtod. */
static inline bool ck__table_decimal(double *out, bool negative, const ck__digits *d, int exponent)
{
    static const double pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    /* 19 significant digits always fit in 64 bits; 2^53 bounds the exact doubles; with
     * excess precision (x87) one operation could round twice */
    if (FLT_EVAL_METHOD != 0 || d->n_digits == 0 || d->significant > 19 ||
        d->mantissa > ((uint64_t)1 << 53) || exponent < -22 || exponent > 22)
        return false;
    double v = (double)d->mantissa;
    v = exponent < 0 ? v / pow10[-exponent] : v * pow10[exponent];
    *out = negative ? -v : v;
    return true;
}

/* A number as a dataset float; false when it lies beyond the float range. */
bool ck__table_to_float(float *out, double v);

/*
 * Feature j's cell (trimmed) coded against a schema: NaN when missing, the number for a
 * numeric feature, the level code (n_levels when unseen) for a categorical one.
 * `number`: the cell already read as a number (ck__part_fields), or NaN.
 * Returns CK_OK or CK_EPARSE (`bad number "abc" in column "tenure"`, a number beyond the
 * float range).
 */
int ck__table_code_cell(float *out, const ck__table_layout *t, const ck_schema *schema, size_t j,
                        const char *s, size_t len, double number, long line, ck_error *err);

/*
 * ck_dataset_read_table() with parts of about @p part_bytes (a plain file is read in parts
 * when it is larger than two of them and opts->n_threads > 1): tests make parts tiny so
 * that small tables have many. On success, *parts_out (when not NULL) is the number of
 * parts read in parallel: 0 when the file was read on one thread, also after a failure
 * in parts sent it there.
 */
int ck__dataset_read_table_parts(ck_dataset **out, const char *path, const ck_table_opts *opts,
                                 int64_t part_bytes, size_t *parts_out, ck_error *err);

/*
 * ck_dataset_read_table() that keeps only the rows the bin edges are learned from (the
 * rows 0, s, 2s, ... of ck__bins_sample_stride(*n_rows)), in constant memory: every row
 * is read and checked, and the schema is the one the whole table gives.
 * @param[out] n_rows the rows of the table
 */
int ck__dataset_read_table_sample(ck_dataset **out, size_t *n_rows, const char *path,
                                  const ck_table_opts *opts, ck_error *err);

#endif
