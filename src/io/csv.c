/*
 * Streaming CSV reader after RFC 4180 (Shafranovich 2005), plain or gzip through zlib's
 * gzread, which passes non-gzip files through unchanged.
 *
 * Layout: `buf[start, end)` holds unread file bytes. A record is parsed from `start`;
 * fields are copied (unquoted) into `fieldbuf`, NUL-terminated, so the raw record stays
 * intact in `buf` for the rejects file. When a record runs past `end` the unread tail is
 * moved to the front, the buffer refilled (grown when one record fills it) and the record
 * parsed again from its beginning; that happens once per buffer, so it costs nothing.
 *
 * Limits (docs/TABLES.md, "Limits"): a record longer than CK__CSV_MAX_RECORD is refused
 * before the buffer grows past it, so one huge cell costs a few times that much memory,
 * never the file's size; a NUL byte in a field is refused naming its column, since every
 * consumer reads fields as C strings and would silently cut the field there. That record
 * is consumed first, so a reader that skips bad rows can go on after it.
 */
#include "churnkit/csv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/util.h"
#include "io/csv_scan.h"

#define CSV_CHUNK (1u << 20)

struct ck_csv {
    gzFile gz;
    char *path;
    char delimiter;
    bool eof;     /* no more bytes from the file */
    long line;    /* line number of the next record */
    int64_t base; /* file offset of buf[0] */
    int64_t file_size;
    char *buf;
    size_t cap, start, end;
    char *fieldbuf;
    size_t fieldbuf_cap;
    size_t *offsets; /* field starts in fieldbuf, then turned into pointers */
    char **fields;
    size_t *lengths;
    size_t fields_cap;
    size_t max_record; /* 0: no limit */
    bool over_limit;
};

/* Move the unread tail to the front and read more; grow when the tail fills the buffer. */
static int refill(ck_csv *csv, ck_error *err)
{
    size_t tail = csv->end - csv->start;
    memmove(csv->buf, csv->buf + csv->start, tail);
    csv->base += (int64_t)csv->start;
    csv->start = 0;
    csv->end = tail;
    if (tail == csv->cap) {
        if (csv->max_record > 0 && tail >= csv->max_record) {
            csv->over_limit = true;
            return ck_error_set(err, CK_EPARSE, csv->path, csv->line,
                                "a record longer than %zu bytes", csv->max_record);
        }
        size_t cap = csv->cap * 2;
        char *p = realloc(csv->buf, cap + 1);
        if (p == NULL)
            return ck_error_set(err, CK_ENOMEM, csv->path, csv->line, "out of memory");
        csv->buf = p;
        csv->cap = cap;
    }
    int n = gzread(csv->gz, csv->buf + csv->end, (unsigned)(csv->cap - csv->end));
    if (n < 0) {
        int errnum;
        const char *msg = gzerror(csv->gz, &errnum);
        return ck_error_set(err, CK_EIO, csv->path, csv->line, "%s",
                            errnum == Z_ERRNO ? strerror(errno) : msg);
    }
    if (n == 0)
        csv->eof = true;
    csv->end += (size_t)n;
    return CK_OK;
}

int ck_csv_open(ck_csv **out, const char *path, char delimiter, ck_error *err)
{
    return ck__csv_open_at(out, path, delimiter, 0, err);
}

int ck__csv_open_at(ck_csv **out, const char *path, char delimiter, int64_t offset, ck_error *err)
{
    *out = NULL;
    ck_csv *csv = calloc(1, sizeof *csv);
    if (csv == NULL)
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    csv->path = strdup(path);
    csv->cap = CSV_CHUNK;
    csv->buf = malloc(csv->cap + 1);
    if (csv->path == NULL || csv->buf == NULL) {
        ck_csv_free(csv);
        return ck_error_set(err, CK_ENOMEM, path, 0, "out of memory");
    }
    csv->delimiter = delimiter;
    csv->line = 1;
    csv->max_record = CK__CSV_MAX_RECORD;
    errno = 0;
    csv->gz = gzopen(path, "rb");
    if (csv->gz == NULL) {
        int rc = ck_error_set(err, errno ? CK_EIO : CK_ENOMEM, path, 0, "%s",
                              errno ? strerror(errno) : "out of memory");
        ck_csv_free(csv);
        return rc;
    }
    gzbuffer(csv->gz, 256u << 10);
    struct stat st;
    csv->file_size = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
    /* gzdirect() looks at the header first: on a plain file gzseek() is then an lseek,
     * where before it would read and drop every byte up to the offset */
    if (offset > 0 &&
        (gzdirect(csv->gz), gzseek(csv->gz, (z_off_t)offset, SEEK_SET)) != (z_off_t)offset) {
        ck_csv_free(csv);
        return ck_error_set(err, CK_EIO, path, 0, "cannot seek to byte %lld", (long long)offset);
    }
    csv->base = offset;
    int rc = refill(csv, err);
    if (rc < 0) {
        ck_csv_free(csv);
        return rc;
    }
    if (offset == 0 && csv->end >= 3 && memcmp(csv->buf, "\xEF\xBB\xBF", 3) == 0)
        csv->start = 3;
    *out = csv;
    return CK_OK;
}

void ck_csv_free(ck_csv *csv)
{
    if (csv == NULL)
        return;
    if (csv->gz != NULL)
        gzclose(csv->gz);
    free(csv->path);
    free(csv->buf);
    free(csv->fieldbuf);
    free(csv->offsets);
    free(csv->fields);
    free(csv->lengths);
    free(csv);
}

const char *ck_csv_path(const ck_csv *csv)
{
    return csv->path;
}

double ck_csv_progress(const ck_csv *csv)
{
    if (csv->eof)
        return 1.0;
    if (csv->file_size <= 0)
        return 0.0;
    double f = (double)gzoffset(csv->gz) / (double)csv->file_size;
    return f > 1.0 ? 1.0 : f;
}

int64_t ck__csv_offset(const ck_csv *csv)
{
    return csv->base + (int64_t)csv->start;
}

long ck__csv_line(const ck_csv *csv)
{
    return csv->line;
}

bool ck__csv_is_plain(const ck_csv *csv)
{
    return gzdirect(csv->gz) == 1;
}

int64_t ck__csv_file_size(const ck_csv *csv)
{
    return csv->file_size;
}

static bool push_field(ck_csv *csv, size_t n_fields, size_t offset)
{
    if (n_fields < csv->fields_cap)
        goto store;
    size_t cap = csv->fields_cap;
    if (!ck__grow((void **)&csv->offsets, &cap, n_fields + 1, sizeof *csv->offsets))
        return false;
    cap = csv->fields_cap;
    if (!ck__grow((void **)&csv->fields, &cap, n_fields + 1, sizeof *csv->fields))
        return false;
    cap = csv->fields_cap;
    if (!ck__grow((void **)&csv->lengths, &cap, n_fields + 1, sizeof *csv->lengths))
        return false;
    csv->fields_cap = cap;
store:
    csv->offsets[n_fields] = offset;
    return true;
}

enum { PARSED = 1, NEED_MORE = 2 };

/*
 * Parse one record from buf[start, end). Returns PARSED (and sets *rec_end, the index
 * just past its line end, and *lines, the line ends inside it), NEED_MORE when the record
 * may continue past `end` and the file has more, or a negative error.
 */
static int parse_record(ck_csv *csv, size_t *n_fields_out, size_t *raw_end, size_t *rec_end,
                        long *lines, ck_error *err)
{
    const char *buf = csv->buf;
    const char delim = csv->delimiter;
    size_t i = csv->start, end = csv->end;
    size_t n_fields = 0, out = 0;
    long newlines = 0;
    /* Worst case the fields take as many bytes as the raw record plus one NUL each. */
    if (!ck__grow((void **)&csv->fieldbuf, &csv->fieldbuf_cap, 2 * (end - i) + 2, 1))
        return ck_error_set(err, CK_ENOMEM, csv->path, csv->line, "out of memory");
    char *fb = csv->fieldbuf;
    for (;;) {
        if (!push_field(csv, n_fields, out))
            return ck_error_set(err, CK_ENOMEM, csv->path, csv->line, "out of memory");
        n_fields++;
        if (i < end && buf[i] == '"') {
            i++;
            for (;;) {
                const char *q = memchr(buf + i, '"', end - i);
                size_t stop = q ? (size_t)(q - buf) : end;
                for (size_t k = i; k < stop; k++)
                    newlines += buf[k] == '\n';
                memcpy(fb + out, buf + i, stop - i);
                out += stop - i;
                i = stop;
                if (q == NULL || i + 1 >= end) {
                    if (!csv->eof)
                        return NEED_MORE;
                    if (q == NULL)
                        return ck_error_set(err, CK_EPARSE, csv->path, csv->line,
                                            "unterminated quoted field");
                }
                if (i + 1 < end && buf[i + 1] == '"') {
                    fb[out++] = '"';
                    i += 2;
                    continue;
                }
                i++; /* the closing quote */
                break;
            }
            if (i < end && buf[i] != delim && buf[i] != '\n' &&
                !(buf[i] == '\r' && (i + 1 >= end || buf[i + 1] == '\n')))
                return ck_error_set(err, CK_EPARSE, csv->path, csv->line + newlines,
                                    "unexpected text after a closing quote");
        } else {
            size_t k = i;
            while (k < end && buf[k] != delim && buf[k] != '\n')
                k++;
            size_t stop = k;
            if (k < end && buf[k] == '\n' && k > i && buf[k - 1] == '\r')
                stop = k - 1;
            memcpy(fb + out, buf + i, stop - i);
            out += stop - i;
            i = k;
        }
        fb[out++] = '\0';
        csv->lengths[n_fields - 1] = out - 1 - csv->offsets[n_fields - 1];
        if (i >= end) {
            if (!csv->eof)
                return NEED_MORE;
            *raw_end = i;
            *rec_end = i;
            break;
        }
        if (buf[i] == delim) {
            i++;
            continue;
        }
        /* a line end: LF, or CRLF after a quoted field */
        size_t raw_stop = i;
        if (buf[i] == '\r') {
            i++;
            if (i >= end && !csv->eof)
                return NEED_MORE;
        }
        if (i < end && buf[i] == '\n') {
            if (raw_stop > csv->start && buf[raw_stop - 1] == '\r')
                raw_stop--;
            i++;
            newlines++;
        }
        *raw_end = raw_stop;
        *rec_end = i;
        break;
    }
    *n_fields_out = n_fields;
    *lines = newlines;
    return PARSED;
}

/* A NUL byte at `nul` in the record just consumed (row), in field `column` (1-based):
 * the error names the line it is on, which a quoted line end may put below row->line. */
static int refuse_nul(const ck_csv *csv, const ck_csv_row *row, const char *nul, size_t column,
                      ck_error *err)
{
    long line = row->line;
    for (const char *c = row->raw; c < nul; c++)
        line += *c == '\n';
    return ck_error_set(err, CK_EPARSE, csv->path, line, "NUL byte in column %zu", column);
}

int ck_csv_next(ck_csv *csv, ck_csv_row *row, ck_error *err)
{
    int rc;
    row->raw = NULL; /* set again only for a record consumed, good or refused */
    for (;;) {
        if (csv->start >= csv->end) {
            if (csv->eof)
                return 0;
            if ((rc = refill(csv, err)) < 0)
                return rc;
            continue;
        }
        /* skip an empty line (LF or CRLF) */
        char c = csv->buf[csv->start];
        if (c == '\n' ||
            (c == '\r' && csv->start + 1 < csv->end && csv->buf[csv->start + 1] == '\n')) {
            csv->start += c == '\n' ? 1 : 2;
            csv->line++;
            continue;
        }
        if (c == '\r' && csv->start + 1 >= csv->end && !csv->eof) {
            if ((rc = refill(csv, err)) < 0)
                return rc;
            continue;
        }
        size_t n_fields = 0, raw_end = 0, rec_end = 0;
        long lines = 0;
        rc = parse_record(csv, &n_fields, &raw_end, &rec_end, &lines, err);
        if (rc == NEED_MORE) {
            if ((rc = refill(csv, err)) < 0)
                return rc;
            continue;
        }
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < n_fields; k++)
            csv->fields[k] = csv->fieldbuf + csv->offsets[k];
        row->n_fields = n_fields;
        row->fields = csv->fields;
        row->lengths = csv->lengths;
        row->line = csv->line;
        row->raw = csv->buf + csv->start;
        row->raw_len = raw_end - csv->start;
        csv->line += lines;
        csv->start = rec_end;
        const char *nul = memchr(row->raw, '\0', row->raw_len);
        if (nul != NULL) {
            size_t column = n_fields;
            for (size_t k = 0; k < n_fields; k++)
                if (memchr(row->fields[k], '\0', row->lengths[k]) != NULL) {
                    column = k + 1;
                    break;
                }
            return refuse_nul(csv, row, nul, column, err);
        }
        return 1;
    }
}

int ck__csv_next_plain(ck_csv *csv, ck_csv_row *row, ck_error *err)
{
    row->raw = NULL;
    for (;;) {
        if (csv->start >= csv->end) {
            if (csv->eof)
                return 0;
            int rc = refill(csv, err);
            if (rc < 0)
                return rc;
            continue;
        }
        const char *p = csv->buf + csv->start;
        size_t avail = csv->end - csv->start;
        const char *lf = memchr(p, '\n', avail);
        if (lf == NULL && !csv->eof) {
            int rc = refill(csv, err);
            if (rc < 0)
                return rc;
            continue;
        }
        size_t n = lf ? (size_t)(lf - p) : avail;
        if (memchr(p, '"', n) != NULL)
            return 2;
        size_t consumed = lf ? n + 1 : n;
        /* a CR ends the record only before an LF, as in ck_csv_next() */
        if (lf != NULL && n > 0 && p[n - 1] == '\r')
            n--;
        csv->start += consumed;
        if (n == 0 && lf != NULL) { /* an empty line */
            csv->line++;
            continue;
        }
        row->raw = p;
        row->raw_len = n;
        row->line = csv->line++;
        const char *nul = memchr(p, '\0', n);
        if (nul != NULL) {
            /* no quote on the line: each delimiter before the NUL ends a field */
            size_t column = 1;
            for (const char *c = p; c < nul; c++)
                column += *c == csv->delimiter;
            return refuse_nul(csv, row, nul, column, err);
        }
        return 1;
    }
}

void ck__csv_limit_record(ck_csv *csv, size_t bytes)
{
    csv->max_record = bytes;
}

bool ck__csv_over_limit(const ck_csv *csv)
{
    return csv->over_limit;
}

int64_t ck__csv_record_offset(const ck_csv *csv, const ck_csv_row *row)
{
    return csv->base + (row->raw - csv->buf);
}

int64_t ck__csv_line_start_after(FILE *f, int64_t offset)
{
    if (fseeko(f, (off_t)offset, SEEK_SET) != 0)
        return -1;
    int c;
    while ((c = getc(f)) != EOF && c != '\n')
        offset++;
    return c == EOF ? -1 : offset + 1;
}

bool ck__csv_needs_quotes(const char *s, size_t len, char delimiter)
{
    bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    return quote;
}

void ck_csv_write_field(FILE *out, const char *s, size_t len, char delimiter)
{
    if (!ck__csv_needs_quotes(s, len, delimiter)) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}
