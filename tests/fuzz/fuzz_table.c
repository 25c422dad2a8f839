/*
 * Fuzz harness for the table readers (dataset.h): the input is a table read whole by
 * ck_dataset_read_table(), without a label and then with the header's last column as the
 * label and its first as the id, and, when it reads, streamed again by
 * ck_table_stream_scan() against the schema it inferred. The stream must give exactly the
 * dataset's rows, ids and labels (dataset.h: the same rules and messages as the reader
 * given that schema), so any difference between the two readers is a finding, not only a
 * crash. Each read is also done on two threads in tiny parts (ck__dataset_read_table_parts),
 * which must give the same dataset bit for bit, or the same error.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/dataset.h"
#include "churnkit/schema.h"
#include "data/dataset_int.h"
#include "fuzz_support.h"

/* One part slot's rows since its last end, copied (the block's pointers are borrowed). */
typedef struct part_rows {
    size_t n_rows;
    float *rows; /* n_rows x n_features */
    float *labels;
    char *ids; /* NUL-terminated, one after another */
    size_t ids_len;
    bool failed; /* out of memory: the part is not compared */
} part_rows;

/* Compares the scanned rows with the dataset: blocks of different parts may arrive on
   different threads, each slot's only on one at a time, so each slot keeps its own rows
   and the calling thread compares them when it ends the part, in file order. */
typedef struct compare {
    const ck_dataset *d;
    size_t n_features;
    bool has_label;
    size_t next_row; /* rows kept so far */
    bool incomplete; /* a kept part ran out of memory: the count cannot be checked */
    part_rows parts[CK_TABLE_SCAN_PARTS(2)];
} compare;

/* Two floats are the same value, NaN (missing) equal to NaN. */
static bool same(float a, float b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void part_clear(part_rows *p)
{
    free(p->rows);
    free(p->labels);
    free(p->ids);
    memset(p, 0, sizeof *p);
}

static int on_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    (void)err;
    compare *c = ctx;
    FUZZ_CHECK(b->part >= 0 && b->part < CK_TABLE_SCAN_PARTS(2));
    part_rows *p = &c->parts[b->part];
    for (size_t i = 1; i < b->n_rows; i++)
        FUZZ_CHECK(b->keys[i - 1] < b->keys[i]);
    if (p->failed || b->n_rows == 0)
        return CK_OK;
    size_t n = p->n_rows + b->n_rows, ids_len = p->ids_len;
    for (size_t i = 0; i < b->n_rows; i++)
        ids_len += strlen(b->ids[i]) + 1;
    float *rows = realloc(p->rows, (n * c->n_features + 1) * sizeof *rows);
    if (rows)
        p->rows = rows;
    float *labels = realloc(p->labels, n * sizeof *labels);
    if (labels)
        p->labels = labels;
    char *ids = realloc(p->ids, ids_len);
    if (ids)
        p->ids = ids;
    if (!rows || !labels || !ids) {
        p->failed = true;
        return CK_OK;
    }
    memcpy(p->rows + p->n_rows * c->n_features, b->rows, b->n_rows * c->n_features * sizeof *rows);
    memcpy(p->labels + p->n_rows, b->labels, b->n_rows * sizeof *labels);
    for (size_t i = 0; i < b->n_rows; i++) {
        size_t len = strlen(b->ids[i]) + 1;
        memcpy(p->ids + p->ids_len, b->ids[i], len);
        p->ids_len += len;
    }
    p->n_rows = n;
    return CK_OK;
}

/* Parts end in file order: a kept part's rows are the dataset's next rows. */
static int on_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    (void)err;
    compare *c = ctx;
    FUZZ_CHECK(part >= 0 && part < CK_TABLE_SCAN_PARTS(2));
    part_rows *p = &c->parts[part];
    if (keep && p->failed)
        c->incomplete = true;
    if (keep && !p->failed) {
        FUZZ_CHECK(c->next_row + p->n_rows <= ck_dataset_n_rows(c->d));
        const char *id = p->ids;
        for (size_t i = 0; i < p->n_rows; i++) {
            size_t r = c->next_row + i;
            FUZZ_CHECK(strcmp(id, ck_dataset_row_id(c->d, r)) == 0);
            id += strlen(id) + 1;
            for (size_t j = 0; j < c->n_features; j++)
                FUZZ_CHECK(same(p->rows[i * c->n_features + j], ck_dataset_column(c->d, j)[r]));
            if (c->has_label)
                FUZZ_CHECK(p->labels[i] == ck_dataset_labels(c->d)[r]);
            else
                FUZZ_CHECK(isnan(p->labels[i]));
        }
        c->next_row += p->n_rows;
    }
    part_clear(p);
    return CK_OK;
}

/* Stream the file against the dataset's own schema; it must give the dataset back. */
static void check_stream(const char *path, const ck_table_opts *opts, const ck_dataset *d)
{
    ck_table_stream *s = NULL;
    ck_error err = { 0 };
    int rc = ck_table_stream_open(&s, path, opts, ck_dataset_schema(d), &err);
    if (rc == CK_ENOMEM)
        return;
    FUZZ_CHECK_OK(rc == CK_OK, err);
    FUZZ_CHECK(strcmp(ck_table_stream_id_name(s), ck_dataset_id_name(d)) == 0);
    compare c = { 0 };
    c.d = d;
    c.n_features = ck_dataset_n_features(d);
    c.has_label = opts->label != NULL;
    ck_table_scan_fns fns = { on_block, on_end_part, &c };
    rc = ck_table_stream_scan(s, 2, &fns, &err);
    if (rc != CK_ENOMEM) {
        FUZZ_CHECK_OK(rc == CK_OK, err);
        FUZZ_CHECK(c.incomplete || c.next_row == ck_dataset_n_rows(d));
    }
    for (int k = 0; k < CK_TABLE_SCAN_PARTS(2); k++)
        part_clear(&c.parts[k]);
    ck_table_stream_free(s);
}

/*
 * The parallel reads' parts: of 64 bytes, a seed has a few; of 7, most start at a guess
 * inside a record or a quoted field, which is read again from the true start. Each part
 * opens the file (zlib's buffers, 768 KB, are mmapped under ASan), so a larger input gets
 * larger parts, at most max_parts: hundreds of parts would cut the executions tenfold.
 */
static const struct {
    int64_t bytes;
    int64_t max_parts;
} part_plans[] = { { 64, 3 }, { 7, 6 } };

/* The same bits, any NaN equal to any NaN (-0 is not 0: memcmp sees the sign). */
static bool same_bits(float a, float b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* The parallel reader's dataset is the one-thread reader's, bit for bit. */
static void check_same_datasets(const ck_dataset *got, const ck_dataset *want)
{
    size_t n_rows = ck_dataset_n_rows(want), n_features = ck_dataset_n_features(want);
    FUZZ_CHECK(ck_dataset_n_rows(got) == n_rows);
    FUZZ_CHECK(ck_dataset_n_features(got) == n_features);
    FUZZ_CHECK(strcmp(ck_dataset_id_name(got), ck_dataset_id_name(want)) == 0);
    const ck_schema *a = ck_dataset_schema(got), *b = ck_dataset_schema(want);
    FUZZ_CHECK(ck_schema_n_features(a) == ck_schema_n_features(b));
    for (size_t j = 0; j < n_features; j++) {
        FUZZ_CHECK(strcmp(ck_schema_name(a, j), ck_schema_name(b, j)) == 0);
        FUZZ_CHECK(ck_schema_kind(a, j) == ck_schema_kind(b, j));
        FUZZ_CHECK(ck_schema_n_levels(a, j) == ck_schema_n_levels(b, j));
        /* levels in the same order: the codes below mean the same values */
        for (size_t k = 0; k < ck_schema_n_levels(b, j); k++)
            FUZZ_CHECK(strcmp(ck_schema_level(a, j, k), ck_schema_level(b, j, k)) == 0);
        const float *x = ck_dataset_column(got, j), *y = ck_dataset_column(want, j);
        for (size_t i = 0; i < n_rows; i++)
            FUZZ_CHECK(same_bits(x[i], y[i]));
    }
    const float *la = ck_dataset_labels(got), *lb = ck_dataset_labels(want);
    FUZZ_CHECK((la == NULL) == (lb == NULL));
    for (size_t i = 0; i < n_rows; i++) {
        FUZZ_CHECK(strcmp(ck_dataset_row_id(got, i), ck_dataset_row_id(want, i)) == 0);
        if (lb != NULL)
            FUZZ_CHECK(same_bits(la[i], lb[i]));
    }
}

/*
 * Read the file again on two threads in parts of @p part_bytes: a failed parallel read is
 * read again on one thread, so the outcome must be the one-thread read's (@p want_rc with
 * @p want or @p want_err) exactly, messages included. @p plain: the input is not gzip.
 */
static void check_parallel(const char *path, const ck_table_opts *opts, size_t size, bool plain,
                           int64_t part_bytes, int want_rc, const ck_dataset *want,
                           const ck_error *want_err)
{
    ck_table_opts many = *opts;
    many.n_threads = 2;
    ck_dataset *got = NULL;
    ck_error err = { 0 };
    size_t parts = 0;
    int rc = ck__dataset_read_table_parts(&got, path, &many, part_bytes, &parts, &err);
    /* out of memory on either side says nothing about the file */
    if (rc == CK_ENOMEM || want_rc == CK_ENOMEM) {
        ck_dataset_free(got);
        return;
    }
    if (rc != want_rc || (rc < 0 && strcmp(err.msg, want_err->msg) != 0))
        fprintf(stderr, "parts of %lld bytes: %d %s:%ld: %s\none thread: %d %s:%ld: %s\n",
                (long long)part_bytes, rc, err.file, err.line, err.msg, want_rc, want_err->file,
                want_err->line, want_err->msg);
    FUZZ_CHECK(rc == want_rc);
    if (rc < 0) {
        FUZZ_CHECK(got == NULL);
        FUZZ_CHECK(err.code == want_err->code);
        FUZZ_CHECK(strcmp(err.msg, want_err->msg) == 0);
        FUZZ_CHECK(strcmp(err.file, want_err->file) == 0);
        FUZZ_CHECK(err.line == want_err->line);
        return;
    }
    /* a plain file of more than two parts that reads was read in parts: a silent fall back
       to one thread would hide a file the parallel reader refuses (and test nothing) */
    FUZZ_CHECK((parts > 0) == (plain && (int64_t)size > 2 * part_bytes));
    check_same_datasets(got, want);
    ck_dataset_free(got);
}

/* Read the table whole, then in parallel; when it reads, check its shape and stream it. */
static void read_table(const char *path, size_t size, bool plain, const ck_table_opts *opts)
{
    ck_dataset *d = NULL;
    ck_error err = { 0 };
    int rc = ck_dataset_read_table(&d, path, opts, &err);
    for (size_t k = 0; k < sizeof part_plans / sizeof *part_plans; k++) {
        int64_t n = part_plans[k].max_parts, bytes = ((int64_t)size + n - 1) / n;
        bytes = bytes > part_plans[k].bytes ? bytes : part_plans[k].bytes;
        check_parallel(path, opts, size, plain, bytes, rc, d, &err);
    }
    if (rc < 0) {
        FUZZ_CHECK(d == NULL);
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }
    const ck_schema *schema = ck_dataset_schema(d);
    size_t n_rows = ck_dataset_n_rows(d), n_features = ck_dataset_n_features(d);
    FUZZ_CHECK(ck_schema_n_features(schema) == n_features);
    FUZZ_CHECK((ck_dataset_labels(d) != NULL) == (opts->label != NULL));
    for (size_t j = 0; j < n_features; j++) {
        const float *col = ck_dataset_column(d, j);
        bool categorical = ck_schema_kind(schema, j) == CK_FEATURE_CATEGORICAL;
        size_t n_levels = ck_schema_n_levels(schema, j);
        for (size_t i = 0; i < n_rows; i++) {
            /* a number within the float range, or a code of a level the table has */
            if (categorical && !isnan(col[i]))
                FUZZ_CHECK(col[i] >= 0 && col[i] < (float)n_levels && col[i] == floorf(col[i]));
            else
                FUZZ_CHECK(isnan(col[i]) || isfinite(col[i]));
        }
    }
    for (size_t i = 0; i < n_rows; i++) {
        FUZZ_CHECK(ck_dataset_row_id(d, i) != NULL);
        if (opts->label)
            FUZZ_CHECK(ck_dataset_labels(d)[i] == 0.0f || ck_dataset_labels(d)[i] == 1.0f);
    }
    check_stream(path, opts, d);
    ck_dataset_free(d);
}

/*
 * The first and last names of the input's header, as the id and the label of the
 * labelled read, so every seed table (telco's customerID ... Churn, a feature table's
 * customer_id ... label) is read with its label. A plain split: a quoted header is read
 * without a label. False when there is no usable pair.
 */
static bool header_names(const uint8_t *data, size_t size, char *id, char *label, size_t cap)
{
    size_t start = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0, end = start;
    while (end < size && data[end] != '\n')
        end++;
    if (end > start && data[end - 1] == '\r')
        end--;
    const uint8_t *line = data + start;
    size_t len = end - start, first = 0, last = len;
    while (first < len && line[first] != ',')
        first++;
    while (last > 0 && line[last - 1] != ',')
        last--;
    if (first == len || memchr(line, '"', len) || memchr(line, '\0', len))
        return false;
    /* trimmed of spaces and tabs, as the reader trims names */
    size_t a = 0, b = first;
    while (a < b && (line[a] == ' ' || line[a] == '\t'))
        a++;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
        b--;
    size_t c = last, d = len;
    while (c < d && (line[c] == ' ' || line[c] == '\t'))
        c++;
    while (d > c && (line[d - 1] == ' ' || line[d - 1] == '\t'))
        d--;
    if (b == a || d == c || b - a >= cap || d - c >= cap)
        return false;
    memcpy(id, line + a, b - a);
    id[b - a] = '\0';
    memcpy(label, line + c, d - c);
    label[d - c] = '\0';
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size, ".csv");
    if (!path)
        return 0;
    /* zlib reads a file that starts with the gzip magic as gzip, anything else as it is */
    bool is_plain = size < 2 || data[0] != 0x1f || data[1] != 0x8b;
    ck_table_opts plain = CK_TABLE_OPTS_INIT;
    read_table(path, size, is_plain, &plain);
    char id[128], label[128];
    if (header_names(data, size, id, label, sizeof id) && strcmp(id, label) != 0) {
        ck_table_opts labelled = CK_TABLE_OPTS_INIT;
        labelled.label = label;
        labelled.id = id;
        read_table(path, size, is_plain, &labelled);
    }
    return 0;
}
