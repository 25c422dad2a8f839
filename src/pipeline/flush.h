/*
 * Output rows leave a scorer's buffer for the file in pieces (score_events.c,
 * score_value.c, score_uplift.c): one write per megabyte, not per row.
 */
#ifndef CK_PIPELINE_FLUSH_H
#define CK_PIPELINE_FLUSH_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "churnkit/error.h"
#include "churnkit/predict.h"

/* Rows are written into a buffer, flushed to the file in pieces of this size. */
#define CK__FLUSH_BYTES (1 << 20)

/* Write (and empty) the buffer; `out_path` names `out` in messages. */
static inline int ck__flush_rows(FILE *out, const char *out_path, ck_predict_buffer *b,
                                 ck_error *err)
{
    if (b->len > 0 && fwrite(b->text, 1, b->len, out) != b->len)
        return ck_error_set(err, CK_EIO, out_path, 0, "cannot write: %s", strerror(errno));
    b->len = 0;
    return CK_OK;
}

#endif
