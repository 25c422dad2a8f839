/*
 * Appending one output row's fields to a buffer, as CSV or a JSON Lines object, shared by
 * churn-predict's row writers (predict.c, value_rows.c). Text is appended by hand, not
 * printed: at ten million rows, printf's format parsing and FILE locking cost more than
 * the scoring itself. Inline, since each field of each row goes through here.
 */
#ifndef CK_ROW_FIELDS_H
#define CK_ROW_FIELDS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/numfmt.h"
#include "base/util.h"
#include "churnkit/predict.h"
#include "io/csv_scan.h"

/* Room for n more bytes; false when out of memory (the caller stops writing). */
static inline bool ck__row_reserve(ck_predict_buffer *b, size_t n)
{
    return b->len + n <= b->cap || ck__grow((void **)&b->text, &b->cap, b->len + n, 1);
}

static inline void ck__row_put(ck_predict_buffer *b, const char *s, size_t n)
{
    if (n == 0) /* s may be NULL */
        return;
    memcpy(b->text + b->len, s, n);
    b->len += n;
}

static inline void ck__row_put_json_string(ck_predict_buffer *b, const char *s, size_t n)
{
    b->text[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            b->text[b->len++] = '\\';
            b->text[b->len++] = (char)ch;
        } else if (ch < 0x20) {
            b->len += (size_t)snprintf(b->text + b->len, 7, "\\u%04x", ch);
        } else {
            b->text[b->len++] = (char)ch;
        }
    }
    b->text[b->len++] = '"';
}

static inline void ck__row_put_csv_field(ck_predict_buffer *b, const char *s, size_t n)
{
    if (!ck__csv_needs_quotes(s, n, ',')) {
        ck__row_put(b, s, n);
        return;
    }
    b->text[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            b->text[b->len++] = '"';
        b->text[b->len++] = s[i];
    }
    b->text[b->len++] = '"';
}

/* One field, `key` for JSON: a string (CSV-quoted as needed; missing when NULL or
 * empty), or a number with `decimals` digits (missing when NaN). */
typedef struct ck__row_fields {
    ck_predict_buffer *b;
    bool jsonl;
    int k; /* fields written so far */
    bool ok;
} ck__row_fields;

static inline void ck__row_field_start(ck__row_fields *f, const char *key, size_t worst)
{
    size_t key_len = f->jsonl ? strlen(key) : 0; /* CSV rows name no keys */
    f->ok = f->ok && ck__row_reserve(f->b, key_len + worst + 8);
    if (!f->ok)
        return;
    if (f->jsonl) {
        ck__row_put(f->b, f->k ? ", \"" : "{\"", f->k ? 3 : 2);
        ck__row_put(f->b, key, key_len);
        ck__row_put(f->b, "\": ", 3);
    } else if (f->k) {
        f->b->text[f->b->len++] = ',';
    }
    f->k++;
}

static inline void ck__row_text_field(ck__row_fields *f, const char *key, const char *value)
{
    size_t n = value ? strlen(value) : 0;
    ck__row_field_start(f, key, 6 * n + 4); /* every byte escaped, at worst */
    if (!f->ok)
        return;
    if (f->jsonl && n == 0)
        ck__row_put(f->b, "null", 4);
    else if (f->jsonl)
        ck__row_put_json_string(f->b, value, n);
    else
        ck__row_put_csv_field(f->b, value, n);
}

static inline void ck__row_number_field(ck__row_fields *f, const char *key, double value, int decimals)
{
    char text[400];
    size_t n = ck__format_fixed(text, value, decimals);
    ck__row_field_start(f, key, n + 4);
    if (!f->ok)
        return;
    if (f->jsonl && n == 0)
        ck__row_put(f->b, "null", 4);
    else
        ck__row_put(f->b, text, n);
}

/* A recommender's two fields (recommend_rows.c): the n ids of `top` joined by ';' as
 * recommended_items, the top pick's category as recommended_category. False when out of
 * memory. */
bool ck__recommend_fields(ck__row_fields *f, const ck_recommender *r, const uint32_t *top,
                          size_t n);

#endif
