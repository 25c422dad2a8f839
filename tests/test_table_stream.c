/*
 * Table-stream tests (src/data/table_stream.c): a table read row by row
 * (ck_table_stream_open/next) gives exactly the rows, ids, labels and errors of reading it
 * whole, and the parallel scan (ck_table_stream_scan) gives exactly the rows of reading it
 * row by row, on generated tables large enough to run in parallel parts.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/schema.h"
#include "support/dataset_fixtures.h"

/* ---- streams --------------------------------------------------------------------------- */

static void test_table_stream__matches_read_table(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(train);
    ck_table_opts o = opts_for("churn", "id", schema);
    ck_dataset *d = read_ok(DATA "score.csv", &o);
    if (d != NULL)
        check_stream_matches(DATA "score.csv", &o, schema, d);
    ck_dataset_free(d);
    o = opts_for("churn", "id", schema);
    check_stream_matches(DATA "basic.csv", &o, schema, train);
    /* no label, no id: NaN labels, rows numbered from 1 */
    o = opts_for(NULL, NULL, schema);
    d = read_ok(DATA "score.csv", &o);
    if (d != NULL) {
        CHECK(ck_dataset_labels(d) == NULL);
        CHECK_EQ_STR(ck_dataset_row_id(d, 1), "2");
        check_stream_matches(DATA "score.csv", &o, schema, d);
    }
    ck_dataset_free(d);
    ck_dataset_free(train);
}

/* The stream fails on the same line with the same message as reading the whole table. */
static void stream_fails(const char *path, const ck_table_opts *o, const ck_schema *schema,
                         int code, long line, const char *msg)
{
    read_fails(path, o, code, line, msg);
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    int rc = ck_table_stream_open(&s, path, o, schema, &err);
    float row[16];
    const char *id;
    float label;
    while (rc == CK_OK && (rc = ck_table_stream_next(s, row, &id, &label, &err)) == 1)
        rc = CK_OK;
    CHECK_EQ_INT(rc, code);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_STR(err.msg, msg);
    ck_table_stream_free(s);
}

static void test_table_stream__errors(void)
{
    ck_dataset *train = basic_dataset();
    if (train == NULL)
        return;
    const ck_schema *schema = ck_dataset_schema(train);
    ck_table_opts o = opts_for("churn", NULL, schema);
    const char *header = "age,plan,score,note,zip,empty,churn\n";
    char text[256];
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n1,a,2,b,c,,maybe\n", header);
    stream_fails(tmp_file("s1.csv", text), &o, schema, CK_EPARSE, 3,
                 "bad label \"maybe\" in column \"churn\" (expected 1/0, true/false or yes/no)");
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n1,a,x2,b,c,,no\n", header);
    stream_fails(tmp_file("s2.csv", text), &o, schema, CK_EPARSE, 3,
                 "bad number \"x2\" in column \"score\"");
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n\n1,a,2,b,c,no\n", header);
    stream_fails(tmp_file("s3.csv", text), &o, schema, CK_EPARSE, 4, "expected 7 fields, got 6");
    stream_fails(tmp_file("s4.csv", "age,plan,note,zip,empty,churn\n"), &o, schema, CK_EPARSE, 1,
                 "missing feature column \"score\"");
    o.id = "id";
    snprintf(text, sizeof text, "%s1,a,2,b,c,,yes\n", header);
    stream_fails(tmp_file("s5.csv", text), &o, schema, CK_EINVAL, 1, "missing id column \"id\"");
    stream_fails(tmp_file("s6.csv", ""), &o, schema, CK_EPARSE, 1,
                 "empty file: expected a header row");
    ck_dataset_free(train);
}

/* ---- parallel scans -------------------------------------------------------------------- */

/*
 * ck_table_stream_scan() checked against ck_table_stream_next() on generated tables of
 * 20 to 24 MiB: three 8 MiB parts, so parts really run in parallel. Most quoted notes span
 * several lines, each of which reads as a valid record on its own, and the lines of
 * consecutive notes chain into more valid records: a part started inside a note (a wrong
 * guess) reads thousands of plausible rows before it stops, so their blocks reach the
 * callback and must be dropped. Keys are checked against the record starts the generator
 * wrote down.
 */

#define SCAN_ROWS      120000
#define SCAN_DEFECT_AT ((int64_t)18 << 20) /* a defect goes in the first record past here */

/* DEFECT_LONG_NOTE is no defect: a 17 MiB quoted note, past what a part read from a
 * guessed start accepts as one record, so it must be read again without the limit. */
enum { DEFECT_NONE, DEFECT_NUMBER, DEFECT_FIELDS, DEFECT_LONG_NOTE, DEFECT_NUL };

typedef struct gen_opts {
    bool quotes;  /* quoted notes, most over several lines */
    bool with_id; /* an id column */
    int defect;   /* DEFECT_NUMBER: "abc" for a tenure; DEFECT_FIELDS: a record a field short;
                     DEFECT_NUL: a NUL byte in a plan */
} gen_opts;

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* A growing text. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void text_printf(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = 2 * t->cap + (size_t)n;
        t->s = xrealloc(t->s, t->cap);
    }
}

/* xorshift64*: the same file on every run. */
static uint32_t gen_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Words for notes of many lengths, which bring the tables past 16 MiB. */
static const char filler[] =
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua ut enim ad minim "
    "veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea "
    "commodo consequat duis aute irure dolor in reprehenderit";

/* A quoted note's lines after the first, which complete the record begun before its
 * opening quote: fake records, then the head of one (id and tenure) whose third field
 * the closing quote opens. Read from a wrong start, the record continues up to the next
 * note's opening quote, and that note's first line supplies the last four fields. */
static void write_chain_note(text *t, const gen_opts *g, uint64_t *rng, size_t row)
{
    static const char *const plans[] = { "basic", "plus", "gold" };
    text_printf(t, "\",%u.5,%s,0.%u,%u\n", gen_rand(rng) % 90, plans[gen_rand(rng) % 3],
                gen_rand(rng) % 1000, gen_rand(rng) % 2);
    for (uint32_t k = 0, n = gen_rand(rng) % 3 + 1; k < n; k++) {
        if (g->with_id)
            text_printf(t, "f%07zu_%u,", row, k);
        text_printf(t, "%u,x %.*s,%u.25,%s,0.%u,%u\n", gen_rand(rng) % 72,
                    (int)(gen_rand(rng) % 80), filler, gen_rand(rng) % 100,
                    plans[gen_rand(rng) % 3], gen_rand(rng) % 1000, gen_rand(rng) % 2);
    }
    if (g->with_id)
        text_printf(t, "f%07zu_h,", row);
    text_printf(t, "%u,\"", gen_rand(rng) % 72);
}

/* One record's cells: tenure (missing, padded), a note, charges (0-4 decimals, exponents),
 * plan (an unseen level, missing), score (%.9g over 13 decades) and every label spelling. */
static void write_record(text *t, const gen_opts *g, uint64_t *rng, size_t row, int defect)
{
    static const char *const plans[] = { "basic", "plus", "gold", "platinum", "", "NA" };
    static const char *const labels[] = { "1", "0", "yes", "no", "True", "FALSE", "1.0", "0" };
    static const double scales[] = { 1e-6, 1e-3, 1, 1e3, 1e6 };
    if (g->with_id)
        text_printf(t, "c%07zu,", row);
    uint32_t r = gen_rand(rng);
    if (defect == DEFECT_NUMBER)
        text_printf(t, "abc,");
    else if (r % 20 == 0)
        text_printf(t, ",");
    else if (r % 20 == 1)
        text_printf(t, "NA,");
    else if (r % 20 == 2)
        text_printf(t, " %u ,", r % 73);
    else
        text_printf(t, "%u,", r % 73);
    r = gen_rand(rng);
    if (defect == DEFECT_LONG_NOTE) {
        text_printf(t, "\"");
        for (int line = 0; line < (17 << 20) / 100; line++)
            text_printf(t, "%.99s\n", filler);
        text_printf(t, "\",");
    } else if (!g->quotes)
        text_printf(t, "note %u %.*s,", r % 1000, (int)(r / 1000 % 150 + 70), filler);
    else if (r % 10 == 0)
        text_printf(t, "note %u,", r % 1000);
    else if (row % 50000 == 17) /* breaks a wrong chain: a doubled quote starts a line */
        text_printf(t, "\"he said\n\"\"hi\"\", then left\",");
    else if (row % 50000 == 18) /* an empty line inside quotes */
        text_printf(t, "\"first\n\nthird, after an empty line\",");
    else {
        write_chain_note(t, g, rng, row);
        text_printf(t, ",");
    }
    r = gen_rand(rng);
    double charges = (double)(r % 2000000) / 100.0 - 500.0;
    if (r % 25 == 0)
        text_printf(t, "?,");
    else if (r % 25 == 1)
        text_printf(t, "%.3e,", charges);
    else
        text_printf(t, "%.*f,", (int)(r % 5), charges);
    r = gen_rand(rng);
    if (defect == DEFECT_NUL)
        text_printf(t, "pl%cus,", 0);
    else
        text_printf(t, "%s,", plans[r % 6]);
    if (defect != DEFECT_FIELDS)
        text_printf(t, "%.9g,", (double)gen_rand(rng) / 4294967296.0 * scales[r % 5]);
    text_printf(t, "%s%s", labels[gen_rand(rng) % 8], row % 10 == 3 ? "\r\n" : "\n");
}

/* Write a table of SCAN_ROWS records to CK_TEST_TMP/name; *keys gets where each record
 * starts, then the file's size (free it). Returns the path (valid until the next call). */
static const char *write_table(const char *name, const gen_opts *g, int64_t **keys)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", CK_TEST_TMP, name);
    text t = { xrealloc(NULL, 32u << 20), 0, 32u << 20 };
    *keys = xrealloc(NULL, (SCAN_ROWS + 1) * sizeof **keys);
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    text_printf(&t, "%stenure,note,charges,plan,score,churn\n", g->with_id ? "id," : "");
    bool defect_done = false;
    for (size_t i = 0; i < SCAN_ROWS; i++) {
        (*keys)[i] = (int64_t)t.len;
        bool defect = !defect_done && g->defect != DEFECT_NONE && (int64_t)t.len >= SCAN_DEFECT_AT;
        write_record(&t, g, &rng, i + 1, defect ? g->defect : DEFECT_NONE);
        defect_done = defect_done || defect;
    }
    (*keys)[SCAN_ROWS] = (int64_t)t.len;
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(t.s, 1, t.len, out) != t.len)
        fprintf(stderr, "cannot write %s\n", path);
    if (out != NULL)
        fclose(out);
    free(t.s);
    return path;
}

/* Rows with their ids, labels and keys, in order. */
typedef struct rowset {
    size_t n, cap, p; /* rows, room, features per row */
    float *x, *y;
    int64_t *key;
    size_t *id_at; /* where each id starts in ids */
    char *ids;
    size_t ids_len, ids_cap;
    bool disorder; /* a key not above the one before (kept by rowset_clear) */
} rowset;

static void rowset_push(rowset *r, const float *x, float y, int64_t key, const char *id)
{
    size_t len = strlen(id) + 1;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->x = xrealloc(r->x, r->cap * (r->p + 1) * sizeof *r->x);
        r->y = xrealloc(r->y, r->cap * sizeof *r->y);
        r->key = xrealloc(r->key, r->cap * sizeof *r->key);
        r->id_at = xrealloc(r->id_at, r->cap * sizeof *r->id_at);
    }
    if (r->ids_len + len > r->ids_cap) {
        r->ids_cap = 2 * r->ids_cap + len;
        r->ids = xrealloc(r->ids, r->ids_cap);
    }
    if (r->n > 0 && key <= r->key[r->n - 1])
        r->disorder = true;
    memcpy(r->x + r->n * r->p, x, r->p * sizeof *x);
    r->y[r->n] = y;
    r->key[r->n] = key;
    r->id_at[r->n] = r->ids_len;
    memcpy(r->ids + r->ids_len, id, len);
    r->ids_len += len;
    r->n++;
}

static void rowset_append(rowset *dst, const rowset *src)
{
    for (size_t i = 0; i < src->n; i++)
        rowset_push(dst, src->x + i * src->p, src->y[i], src->key[i], src->ids + src->id_at[i]);
}

static void rowset_clear(rowset *r)
{
    r->n = 0;
    r->ids_len = 0;
}

static void rowset_free(rowset *r)
{
    free(r->x);
    free(r->y);
    free(r->key);
    free(r->id_at);
    free(r->ids);
}

/* @p got equals rows [from, from + got->n) of @p want: ids, keys, labels and features bit
 * for bit (NaN included). */
static bool same_rows(const rowset *got, const rowset *want, size_t from)
{
    if (got->p != want->p || from + got->n > want->n)
        return false;
    size_t p = got->p;
    for (size_t i = 0; i < got->n; i++) {
        size_t w = from + i;
        if (strcmp(got->ids + got->id_at[i], want->ids + want->id_at[w]) != 0 ||
            got->key[i] != want->key[w] || memcmp(&got->y[i], &want->y[w], sizeof(float)) != 0 ||
            memcmp(got->x + i * p, want->x + w * p, p * sizeof(float)) != 0) {
            fprintf(stderr, "row %zu: id %s key %lld, expected id %s key %lld\n", w,
                    got->ids + got->id_at[i], (long long)got->key[i], want->ids + want->id_at[w],
                    (long long)want->key[w]);
            return false;
        }
    }
    return true;
}

/* The schema of the generated tables, in another order than the columns; the note column
 * is left out, so it is skipped. */
static ck_schema *scan_schema(void)
{
    ck_error err = { 0 };
    ck_schema *s = NULL;
    CHECK_OK(ck_schema_new(&s, &err));
    if (s == NULL)
        return NULL;
    CHECK_EQ_INT(ck_schema_add_feature(s, "plan", CK_FEATURE_CATEGORICAL, &err), 0);
    CHECK_EQ_INT(ck_schema_add_feature(s, "score", CK_FEATURE_NUMERIC, &err), 1);
    CHECK_EQ_INT(ck_schema_add_feature(s, "tenure", CK_FEATURE_NUMERIC, &err), 2);
    CHECK_EQ_INT(ck_schema_add_feature(s, "charges", CK_FEATURE_NUMERIC, &err), 3);
    const char *levels[] = { "basic", "plus", "gold" };
    for (size_t k = 0; k < 3; k++)
        CHECK_EQ_INT(ck_schema_add_level(s, 0, levels[k], strlen(levels[k]), &err), k);
    return s;
}

/* A generated table and its reference: every row read with ck_table_stream_next(), keyed
 * by the generator's record starts, and how that reading ended. */
typedef struct scan_fixture {
    char path[512];
    ck_table_opts opts;
    ck_schema *schema;
    int64_t *keys;
    rowset ref;
    int ref_rc; /* 0, or the error the stream ended with (ref_err) */
    ck_error ref_err;
} scan_fixture;

/* The reference: f's table read row by row, n_keys rows at most. */
static void fixture_read(scan_fixture *f, size_t n_keys)
{
    f->schema = scan_schema();
    f->ref.p = 4;
    ck_table_stream *s = NULL;
    f->ref_rc = ck_table_stream_open(&s, f->path, &f->opts, f->schema, &f->ref_err);
    CHECK_EQ_INT(f->ref_rc, 0);
    float row[4], label;
    const char *id;
    /* a row too many would get the file's size as its key, and fail the count checks */
    while (f->ref_rc == 0 && f->ref.n <= n_keys &&
           (f->ref_rc = ck_table_stream_next(s, row, &id, &label, &f->ref_err)) == 1) {
        rowset_push(&f->ref, row, label, f->keys[f->ref.n], id);
        f->ref_rc = 0;
    }
    ck_table_stream_free(s);
}

static void fixture_make(scan_fixture *f, const char *name, const gen_opts *g,
                         const char *label_column)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", write_table(name, g, &f->keys));
    /* past the 16 MiB below which even a plain file is read one part at a time */
    CHECK(f->keys[SCAN_ROWS] > ((int64_t)16 << 20));
    f->opts = opts_for(label_column, g->with_id ? "id" : NULL, NULL);
    fixture_read(f, SCAN_ROWS);
}

/* A small handwritten table; its records start just after the line ends `starts` finds
 * ("\nb,": record b's), n of them. */
static void fixture_write(scan_fixture *f, const char *name, const char *csv,
                          const char *const *starts, size_t n)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s/%s", CK_TEST_TMP, name);
    FILE *out = fopen(f->path, "wb");
    CHECK(out != NULL && fputs(csv, out) >= 0);
    if (out != NULL)
        fclose(out);
    f->keys = xrealloc(NULL, (n + 1) * sizeof *f->keys);
    for (size_t i = 0; i < n; i++)
        f->keys[i] = strstr(csv, starts[i]) - csv + 1; /* past the line end before it */
    f->keys[n] = (int64_t)strlen(csv);
    f->opts = opts_for("churn", "id", NULL);
    fixture_read(f, n);
}

static void fixture_free(scan_fixture *f)
{
    remove(f->path);
    ck_schema_free(f->schema);
    free(f->keys);
    rowset_free(&f->ref);
}

/* What a scan's callbacks gather: each part's rows since its last end, the kept rows in
 * order, and anything done against the contract. */
typedef struct collector {
    int n_parts; /* CK_TABLE_SCAN_PARTS(n_threads) */
    rowset *parts;
    rowset kept;
    pthread_t caller;
    atomic_int blocks; /* blocks handed out so far */
    int fail_at;       /* the block callback fails on this block (1-based), 0 never */
    atomic_bool bad_block;
    bool bad_end;          /* end_part off the calling thread or with a bad part */
    size_t dropped, drops; /* rows dropped, and end_part calls with keep = false */
} collector;

static int collect_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    collector *c = ctx;
    int k = atomic_fetch_add(&c->blocks, 1) + 1;
    if (k == c->fail_at)
        return ck_error_set(err, CK_EINVAL, NULL, 0, "block %d refused", k);
    if (b->part < 0 || b->part >= c->n_parts || b->n_rows == 0) {
        atomic_store(&c->bad_block, true);
        return ck_error_set(err, CK_EINVAL, NULL, 0, "part %d, %zu rows", b->part, b->n_rows);
    }
    /* only this part's worker touches its rowset until end_part */
    rowset *r = &c->parts[b->part];
    for (size_t i = 0; i < b->n_rows; i++)
        rowset_push(r, b->rows + i * r->p, b->labels[i], b->keys[i], b->ids[i]);
    return CK_OK;
}

static int collect_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    collector *c = ctx;
    if (!pthread_equal(pthread_self(), c->caller) || part < 0 || part >= c->n_parts) {
        c->bad_end = true;
        return ck_error_set(err, CK_EINVAL, NULL, 0, "end of part %d", part);
    }
    rowset *r = &c->parts[part];
    if (keep) {
        rowset_append(&c->kept, r);
    } else {
        c->dropped += r->n;
        c->drops++;
    }
    rowset_clear(r);
    return CK_OK;
}

typedef struct scan_outcome {
    int rc;
    ck_error err;
    rowset kept;
    size_t dropped, drops;
} scan_outcome;

/* Open the fixture's table, read `skip` rows with ck_table_stream_next(), then scan the
 * rest on n_threads; the callbacks keep to the contract and the stream ends after. */
static void scan_table(scan_outcome *out, const scan_fixture *f, const char *path, int n_threads,
                       size_t skip, int fail_at)
{
    memset(out, 0, sizeof *out);
    out->kept.p = 4;
    ck_error err = { 0 };
    ck_table_stream *s = NULL;
    CHECK_OK(ck_table_stream_open(&s, path, &f->opts, f->schema, &err));
    if (s == NULL)
        return;
    float row[4], label;
    const char *id;
    for (size_t i = 0; i < skip; i++)
        CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 1);
    collector c = { .n_parts = CK_TABLE_SCAN_PARTS(n_threads),
                    .caller = pthread_self(),
                    .fail_at = fail_at };
    c.parts = calloc((size_t)c.n_parts, sizeof *c.parts);
    for (int k = 0; c.parts && k < c.n_parts; k++)
        c.parts[k].p = 4;
    c.kept.p = 4;
    ck_table_scan_fns fns = { collect_block, collect_end_part, &c };
    out->rc = c.parts ? ck_table_stream_scan(s, n_threads, &fns, &out->err) : CK_ENOMEM;
    CHECK(!atomic_load(&c.bad_block));
    CHECK(!c.bad_end);
    for (int k = 0; c.parts && k < c.n_parts; k++) {
        CHECK(!c.parts[k].disorder); /* the blocks of one part come in file order */
        rowset_free(&c.parts[k]);
    }
    free(c.parts);
    out->kept = c.kept;
    out->dropped = c.dropped;
    out->drops = c.drops;
    /* after a scan, failed or not, the stream is at its end */
    CHECK_EQ_INT(ck_table_stream_next(s, row, &id, &label, &err), 0);
    ck_table_stream_free(s);
}

/* A scan that succeeded with the reference's rows from `skip` on, keys increasing. */
static void check_scan_matches(const scan_outcome *out, const scan_fixture *f, size_t skip)
{
    CHECK_EQ_INT(out->rc, CK_OK);
    CHECK_EQ_INT(out->kept.n, f->ref.n - skip);
    CHECK(!out->kept.disorder);
    CHECK(same_rows(&out->kept, &f->ref, skip));
}

static void test_table_stream__scan_matches_stream(void)
{
    scan_fixture f;
    gen_opts g = { true, true, DEFECT_NONE };
    fixture_make(&f, "scan_quoted.csv", &g, "churn");
    /* the table is what the generator meant: every record read */
    CHECK_EQ_INT(f.ref_rc, 0);
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    const int threads[] = { 1, 2, 3, 4, 8 };
    size_t dropped = 0;
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        scan_outcome out;
        scan_table(&out, &f, f.path, threads[t], 0, 0);
        check_scan_matches(&out, &f, 0);
        if (threads[t] == 1) /* one part at a time never guesses */
            CHECK_EQ_INT(out.drops, 0);
        dropped += out.dropped;
        rowset_free(&out.kept);
    }
    /* wrong guesses happened, and their rows reached the callback before being dropped */
    CHECK(dropped > 0);
    /* a scan reads the rest of a stream */
    scan_outcome out;
    scan_table(&out, &f, f.path, 4, 3, 0);
    check_scan_matches(&out, &f, 3);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_table_stream__scan_without_quotes(void)
{
    /* every line is a record: every guess is right and nothing is dropped */
    scan_fixture f;
    gen_opts g = { false, true, DEFECT_NONE };
    fixture_make(&f, "scan_plain.csv", &g, "churn");
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    CHECK_EQ_INT(out.drops, 0);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_table_stream__scan_long_record(void)
{
    scan_fixture f;
    gen_opts g = { false, true, DEFECT_LONG_NOTE };
    fixture_make(&f, "scan_long.csv", &g, "churn");
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    CHECK(out.drops > 0); /* the part holding the note, and the parts guessed inside it */
    rowset_free(&out.kept);
    fixture_free(&f);
}

/* Records split in place (no quotes) and parsed whole (quotes) agree with the row-by-row
 * reader around CRLF ends, empty lines, padded cells and a last line without its end; a
 * CR that ends no line stays in the cell, so the last label below is bad in both. */
static void test_table_stream__scan_small_tables(void)
{
    static const char good[] = "id,tenure,note,charges,plan,score,churn\n"
                               "a,1,n,2.5,basic,0.1,1\r\n"
                               "\n"
                               "\r\n"
                               "b, 7 ,\"q\"\"x\",3,gold,0.2,0\n"
                               "c,,plain,NA,,1e-3,yes\n"
                               "d,4,n,5,plus,0.5,0";
    static const char *const starts[] = { "\na,", "\nb,", "\nc,", "\nd," };
    scan_fixture f;
    fixture_write(&f, "scan_small.csv", good, starts, 4);
    CHECK_EQ_INT(f.ref_rc, 0);
    CHECK_EQ_INT(f.ref.n, 4);
    scan_outcome out;
    scan_table(&out, &f, f.path, 2, 0, 0);
    check_scan_matches(&out, &f, 0);
    rowset_free(&out.kept);
    fixture_free(&f);

    static const char bad[] = "id,tenure,note,charges,plan,score,churn\n"
                              "a,1,n,2.5,basic,0.1,1\n"
                              "d,4,n,5,plus,0.5,0\r";
    static const char *const bad_starts[] = { "\na,", "\nd," };
    fixture_write(&f, "scan_small_bad.csv", bad, bad_starts, 2);
    CHECK_EQ_INT(f.ref_rc, CK_EPARSE);
    scan_table(&out, &f, f.path, 1, 0, 0);
    CHECK_EQ_INT(out.rc, CK_EPARSE);
    CHECK_EQ_INT(out.err.line, 3);
    CHECK_EQ_STR(out.err.msg, f.ref_err.msg);
    rowset_free(&out.kept);
    fixture_free(&f);
}

static void test_table_stream__scan_errors(void)
{
    /* a bad number, a record a field short, a NUL byte (in a table with multi-line
     * records, and in one whose lines the scan splits itself), in the last part: the same
     * error, file and line as reading row by row */
    const char *names[] = { "scan_bad_number.csv", "scan_bad_fields.csv", "scan_nul.csv",
                            "scan_nul_plain.csv" };
    const char *msgs[] = { "bad number \"abc\" in column \"tenure\"", "expected 7 fields, got 6",
                           "NUL byte in column 5", "NUL byte in column 5" };
    const int defects[] = { DEFECT_NUMBER, DEFECT_FIELDS, DEFECT_NUL, DEFECT_NUL };
    for (size_t d = 0; d < 4; d++) {
        scan_fixture f;
        gen_opts g = { d < 3, true, defects[d] };
        fixture_make(&f, names[d], &g, "churn");
        CHECK_EQ_INT(f.ref_rc, CK_EPARSE);
        CHECK_EQ_STR(f.ref_err.msg, msgs[d]);
        CHECK(f.ref.n > 0 && f.keys[f.ref.n] >= SCAN_DEFECT_AT); /* the defect stopped it */
        CHECK(f.ref_err.line > (long)f.ref.n); /* lines count the notes' line ends */
        const int threads[] = { 1, 2, 4 };
        for (size_t t = 0; t < 3; t++) {
            scan_outcome out;
            scan_table(&out, &f, f.path, threads[t], 0, 0);
            CHECK_EQ_INT(out.rc, CK_EPARSE);
            CHECK_EQ_INT(out.err.code, CK_EPARSE);
            CHECK_EQ_STR(out.err.msg, f.ref_err.msg);
            CHECK_EQ_STR(out.err.file, f.ref_err.file);
            CHECK_EQ_INT(out.err.line, f.ref_err.line);
            /* what was kept before the failure is a beginning of the table */
            CHECK(out.kept.n <= f.ref.n && same_rows(&out.kept, &f.ref, 0));
            rowset_free(&out.kept);
        }
        fixture_free(&f);
    }
}

static void test_table_stream__scan_row_numbers(void)
{
    /* no id column: one part at a time, rows numbered as the stream numbers them, from
     * where the stream was; no label column asked for: NaN labels */
    scan_fixture f;
    gen_opts g = { true, false, DEFECT_NONE };
    fixture_make(&f, "scan_no_id.csv", &g, NULL);
    CHECK_EQ_INT(f.ref.n, SCAN_ROWS);
    char number[24];
    for (size_t i = 0; i < f.ref.n; i++) {
        snprintf(number, sizeof number, "%zu", i + 1);
        if (strcmp(f.ref.ids + f.ref.id_at[i], number) != 0 || !isnan(f.ref.y[i])) {
            CHECK_EQ_STR(f.ref.ids + f.ref.id_at[i], number);
            break;
        }
    }
    const size_t skips[] = { 0, 2 };
    const char *first_ids[] = { "1", "3" };
    for (size_t k = 0; k < 2; k++) {
        scan_outcome out;
        scan_table(&out, &f, f.path, 4, skips[k], 0);
        check_scan_matches(&out, &f, skips[k]);
        CHECK_EQ_INT(out.drops, 0);
        if (out.kept.n > 0)
            CHECK_EQ_STR(out.kept.ids, first_ids[k]);
        rowset_free(&out.kept);
    }
    fixture_free(&f);
}

static void test_table_stream__scan_gzip(void)
{
    /* a compressed table is read part after part: the plain file's rows and keys (offsets
     * in the uncompressed text). Stored, not deflated, the .gz is as large as the table:
     * only its being compressed keeps it from parallel parts at byte offsets. */
    scan_fixture f;
    gen_opts g = { true, true, DEFECT_NONE };
    fixture_make(&f, "scan_gz.csv", &g, "churn");
    char gz_path[520];
    snprintf(gz_path, sizeof gz_path, "%s.gz", f.path);
    FILE *in = fopen(f.path, "rb");
    gzFile out = gzopen(gz_path, "wb0");
    CHECK(in != NULL && out != NULL);
    static char chunk[1 << 16];
    size_t n;
    while (in && out && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        CHECK_EQ_INT(gzwrite(out, chunk, (unsigned)n), n);
    if (in)
        fclose(in);
    if (out)
        CHECK_EQ_INT(gzclose(out), Z_OK);
    scan_outcome res;
    scan_table(&res, &f, gz_path, 4, 0, 0);
    check_scan_matches(&res, &f, 0);
    CHECK_EQ_INT(res.drops, 0);
    rowset_free(&res.kept);
    remove(gz_path);
    fixture_free(&f);
}

static void test_table_stream__scan_callback_fails(void)
{
    /* a block callback's failure ends the scan with its code and message: on one thread,
     * and on four without quotes, where every guess is right, so the third block is in a
     * part that is kept whichever thread hands it out */
    const bool quotes[] = { true, false };
    const int threads[] = { 1, 4 };
    for (size_t c = 0; c < 2; c++) {
        scan_fixture f;
        gen_opts g = { quotes[c], true, DEFECT_NONE };
        fixture_make(&f, "scan_callback.csv", &g, "churn");
        scan_outcome out;
        scan_table(&out, &f, f.path, threads[c], 0, 3);
        CHECK_EQ_INT(out.rc, CK_EINVAL);
        CHECK_EQ_STR(out.err.msg, "block 3 refused");
        CHECK_EQ_INT(out.err.line, 0);
        CHECK(out.kept.n < f.ref.n && same_rows(&out.kept, &f.ref, 0));
        rowset_free(&out.kept);
        fixture_free(&f);
    }
}

int main(void)
{
    RUN(test_table_stream__matches_read_table);
    RUN(test_table_stream__errors);
    RUN(test_table_stream__scan_matches_stream);
    RUN(test_table_stream__scan_without_quotes);
    RUN(test_table_stream__scan_long_record);
    RUN(test_table_stream__scan_small_tables);
    RUN(test_table_stream__scan_errors);
    RUN(test_table_stream__scan_row_numbers);
    RUN(test_table_stream__scan_gzip);
    RUN(test_table_stream__scan_callback_fails);
    return check_summary();
}
