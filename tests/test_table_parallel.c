/*
 * The whole-table reader on several threads (ck_dataset_read_table with opts.n_threads):
 * generated tables read on 1, 2 and 4 threads, with parts made tiny so that a small file
 * has many (ck__dataset_read_table_parts), give the same dataset bit for bit (columns,
 * kinds, levels in order, ids, labels), and every bad file the same error (code, file,
 * line, message).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "churnkit/dataset.h"
#include "churnkit/schema.h"
#include "data/dataset_int.h"
#include "support/dataset_fixtures.h"

/* Part sizes: small (guessed starts fall inside quoted fields and long records; a table
 * of 100 KB has hundreds of parts), and a few kilobytes. Each part opens the file, so
 * smaller parts make the test slow under the sanitizers. */
static const int64_t part_sizes[] = { 150, 2000 };
static const int thread_counts[] = { 2, 4 };

/* Bit for bit: every column's bits, NaNs included. */
static bool same_bits(const ck_dataset *a, const ck_dataset *b)
{
    size_t n = ck_dataset_n_rows(a);
    for (size_t j = 0; j < ck_dataset_n_features(a); j++)
        if (n > 0 && memcmp(ck_dataset_column(a, j), ck_dataset_column(b, j), n * sizeof(float)))
            return false;
    return true;
}

/* Read @p path on one thread, then on 2 and 4 threads with every part size: the same
 * dataset, or the same error. A file read without failure larger than two parts must
 * have been read in parts, not sent back to one thread. Returns the one-thread outcome's
 * code. */
static int check_same_reads(const char *path, const ck_table_opts *o)
{
    FILE *f = fopen(path, "rb");
    long size = 0;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (f != NULL)
        fclose(f);
    ck_error want_err = { 0 };
    ck_dataset *want = NULL;
    ck_table_opts one = *o;
    one.n_threads = 1;
    int want_rc = ck_dataset_read_table(&want, path, &one, &want_err);
    if (getenv("CK_TEST_VERBOSE") != NULL)
        fprintf(stderr, "%s: %d %s\n", path, want_rc, want_err.msg);
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        for (size_t k = 0; k < sizeof part_sizes / sizeof *part_sizes; k++) {
            ck_table_opts many = *o;
            many.n_threads = thread_counts[t];
            ck_error err = { 0 };
            ck_dataset *got = (ck_dataset *)&err; /* must be set */
            size_t parts = 0;
            int rc = ck__dataset_read_table_parts(&got, path, &many, part_sizes[k], &parts, &err);
            if (rc == CK_OK && size > 2 * part_sizes[k])
                CHECK(parts > 1);
            if (rc == CK_OK && size <= 2 * part_sizes[k])
                CHECK_EQ_INT(parts, 0);
            CHECK_EQ_INT(rc, want_rc);
            if (rc != want_rc) {
                fprintf(stderr, "%s: %d threads, parts of %lld bytes: %s\n", path, many.n_threads,
                        (long long)part_sizes[k], err.msg);
            } else if (rc < 0) {
                CHECK(got == NULL);
                CHECK_EQ_INT(err.line, want_err.line);
                CHECK_EQ_STR(err.msg, want_err.msg);
                CHECK_EQ_STR(err.file, want_err.file);
            } else {
                bool same = same_datasets(got, want) && same_bits(got, want) &&
                            same_schemas(ck_dataset_schema(got), ck_dataset_schema(want)) &&
                            strcmp(ck_dataset_id_name(got), ck_dataset_id_name(want)) == 0;
                CHECK(same);
                if (!same)
                    fprintf(stderr, "%s: %d threads, parts of %lld bytes: datasets differ\n", path,
                            many.n_threads, (long long)part_sizes[k]);
            }
            if (rc == CK_OK)
                ck_dataset_free(got);
        }
    }
    ck_dataset_free(want);
    return want_rc;
}

/* ---- generated tables -------------------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (p == NULL)
            abort();
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

static uint32_t rnd(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33);
}

typedef struct gen {
    size_t n_rows;
    const char *eol;    /* "\n" or "\r\n" */
    size_t late;        /* the row where late columns turn */
    bool quotes;        /* quoted fields, some holding line ends */
    const char *defect; /* a cell written into row `defect_row` of column "num", or NULL */
    size_t defect_row;
} gen;

static const char *words[] = { "basic", "plus", "premium", "family", "student", "trial", "gold" };

/* id,label,num,cat,late_cat,late_word,empty,note,words_then_numbers */
static const char *write_table(const char *name, const gen *g, uint64_t seed)
{
    text t = { 0 };
    uint64_t r = seed;
    char cell[128];
    put(&t, "id,label,num,cat,late_cat,late_word,empty,note,words_then_numbers");
    put(&t, g->eol);
    for (size_t i = 0; i < g->n_rows; i++) {
        snprintf(cell, sizeof cell, "c%05zu,", i);
        put(&t, cell);
        static const char *labels[] = { "0", "1", "yes", "no", "1.0", "TRUE" };
        put(&t, labels[rnd(&r) % 6]);
        put(&t, ",");
        if (g->defect != NULL && i == g->defect_row) {
            put(&t, g->defect);
        } else {
            uint32_t k = rnd(&r) % 10;
            if (k == 0)
                cell[0] = '\0';
            else if (k == 1)
                snprintf(cell, sizeof cell, "NA");
            else if (k == 2)
                snprintf(cell, sizeof cell, "%ue%d", rnd(&r) % 100, (int)(rnd(&r) % 20) - 10);
            else if (k == 3)
                snprintf(cell, sizeof cell, " %d ", (int)(rnd(&r) % 2000) - 1000);
            else
                snprintf(cell, sizeof cell, "%.*f", (int)(rnd(&r) % 8),
                         (rnd(&r) % 1000000) / 997.0 - 300);
            put(&t, cell);
        }
        put(&t, ",");
        put(&t, rnd(&r) % 8 == 0 ? "" : words[rnd(&r) % 7]);
        put(&t, ",");
        if (i < g->late)
            snprintf(cell, sizeof cell, "%u", rnd(&r) % 50);
        else
            snprintf(cell, sizeof cell, "%s", rnd(&r) % 3 ? words[rnd(&r) % 7] : "12");
        put(&t, cell);
        put(&t, ",");
        put(&t, i < g->late ? "" : words[rnd(&r) % 3]);
        put(&t, ",,");
        if (g->quotes && rnd(&r) % 4 == 0) {
            snprintf(cell, sizeof cell, "\"a note, %u\nover two lines%s\"", rnd(&r) % 5,
                     rnd(&r) % 2 ? "\n\nand more" : "");
            put(&t, cell);
        } else if (g->quotes && rnd(&r) % 4 == 0) {
            put(&t, "\"quoted \"\"plain\"\"\"");
        } else {
            put(&t, words[rnd(&r) % 7]);
        }
        put(&t, ",");
        if (i < 3)
            put(&t, words[i]);
        else if (rnd(&r) % 5 == 0)
            put(&t, "inf");
        else {
            snprintf(cell, sizeof cell, "%u", rnd(&r) % 40);
            put(&t, cell);
        }
        put(&t, g->eol);
    }
    const char *path = tmp_file(name, t.s ? t.s : "");
    free(t.s);
    return path;
}

static void test_table_parallel__generated(void)
{
    ck_table_opts labelled = opts_for("label", "id", NULL);
    /* the ids are left out, not read as a feature (they would look like an id) */
    static const char *ids[] = { "id" };
    ck_table_opts numbered = opts_for("label", NULL, NULL);
    numbered.ignore = ids;
    numbered.n_ignore = 1;
    ck_table_opts plain = opts_for(NULL, NULL, NULL);
    plain.ignore = ids;
    plain.n_ignore = 1;
    const gen cases[] = {
        { 1200, "\n", 900, false, NULL, 0 }, { 1200, "\r\n", 30, true, NULL, 0 },
        { 1000, "\n", 500, true, NULL, 0 },  { 1500, "\r\n", 1490, true, NULL, 0 },
        { 5, "\n", 2, true, NULL, 0 },       { 1, "\r\n", 0, false, NULL, 0 },
        { 400, "\n", 0, true, NULL, 0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char name[32];
        snprintf(name, sizeof name, "parallel_%zu.csv", c);
        const char *path = write_table(name, &cases[c], 17 + c);
        CHECK_EQ_INT(check_same_reads(path, &labelled), CK_OK);
        CHECK_EQ_INT(check_same_reads(path, &numbered), CK_OK);
        CHECK_EQ_INT(check_same_reads(path, &plain), CK_OK);
    }
}

/* A schema read: numbers and codes straight into the columns. */
static void test_table_parallel__schema(void)
{
    const gen g = { 1000, "\n", 600, true, NULL, 0 };
    const char *path = write_table("parallel_schema.csv", &g, 5);
    ck_table_opts o = opts_for("label", "id", NULL);
    ck_dataset *d = read_ok(path, &o);
    if (d == NULL)
        return;
    ck_table_opts with_schema = opts_for("label", "id", ck_dataset_schema(d));
    CHECK_EQ_INT(check_same_reads(path, &with_schema), CK_OK);
    ck_dataset_free(d);
}

/* Small files: a header alone, one row, rows without a line end at the end. */
static void test_table_parallel__small_files(void)
{
    ck_table_opts labelled = opts_for("y", NULL, NULL);
    ck_table_opts plain = opts_for(NULL, NULL, NULL);
    const char *header = tmp_file("parallel_header.csv", "a,b,y\n");
    CHECK_EQ_INT(check_same_reads(header, &plain), CK_OK);
    CHECK_EQ_INT(check_same_reads(header, &labelled), CK_EPARSE);
    const char *one = tmp_file("parallel_one.csv", "a,b,y\r\n1,x,1");
    CHECK_EQ_INT(check_same_reads(one, &labelled), CK_OK);
    const char *empty = tmp_file("parallel_empty.csv", "");
    CHECK_EQ_INT(check_same_reads(empty, &plain), CK_EPARSE);
    const char *blank_lines = tmp_file("parallel_blank.csv", "a,y\n\n1,0\n\n\n2,1\n\n");
    CHECK_EQ_INT(check_same_reads(blank_lines, &labelled), CK_OK);
}

/* A defect late in the file: the first bad line of the file, on any thread count. */
static void test_table_parallel__errors(void)
{
    ck_table_opts o = opts_for("label", "id", NULL);
    static const struct {
        const char *cell;
        size_t row;
        int rc;
    } defects[] = {
        { "1e39", 1100, CK_EPARSE },   /* beyond the float range */
        { "inf", 800, CK_EPARSE },     /* spelled like a number */
        { "1,2", 900, CK_EPARSE },     /* a field too many */
        { "\"open", 1150, CK_EPARSE }, /* a quote left open to the end */
        /* late text: num turns categorical after numbers and is read again */
        { "word", 700, CK_OK },
        { "\"a\nb\"", 10, CK_OK }, /* text early, with a line end: the same */
    };
    for (size_t k = 0; k < sizeof defects / sizeof *defects; k++) {
        gen g = { 1200, k % 2 ? "\r\n" : "\n", 600, true, defects[k].cell, defects[k].row };
        char name[32];
        snprintf(name, sizeof name, "parallel_bad_%zu.csv", k);
        const char *path = write_table(name, &g, 99 + k);
        CHECK_EQ_INT(check_same_reads(path, &o), defects[k].rc);
    }
    /* two bad labels: the first wins */
    text t = { 0 };
    put(&t, "id,label,x\n");
    char line[64];
    for (int i = 0; i < 1500; i++) {
        snprintf(line, sizeof line, "r%d,%s,%d\n", i, i == 1200 || i == 1400 ? "maybe" : "1", i);
        put(&t, line);
    }
    CHECK_EQ_INT(check_same_reads(tmp_file("parallel_bad_label.csv", t.s), &o), CK_EPARSE);
    /* a level too long, and an id-like column */
    t.len = 0;
    put(&t, "id,label,x,y\n");
    for (int i = 0; i < 1500; i++) {
        snprintf(line, sizeof line, "r%d,1,%s,v%d\n", i, i < 100 ? "" : "w", i % 7);
        put(&t, line);
        if (i == 1000) {
            put(&t, "r_long,1,");
            for (int b = 0; b < 1100; b++)
                put(&t, "z");
            put(&t, ",v\n");
        }
    }
    CHECK_EQ_INT(check_same_reads(tmp_file("parallel_long_level.csv", t.s), &o), CK_EPARSE);
    /* the same cell in a column that had numbers first: found when it is read again */
    t.len = 0;
    put(&t, "id,label,x\n");
    for (int i = 0; i < 1500; i++) {
        snprintf(line, sizeof line, "r%d,1,%s\n", i, i < 100 ? "5" : "w");
        put(&t, line);
        if (i == 1000) {
            put(&t, "r_long,1,");
            for (int b = 0; b < 1100; b++)
                put(&t, "z");
            put(&t, "\n");
        }
    }
    CHECK_EQ_INT(check_same_reads(tmp_file("parallel_long_deferred.csv", t.s), &o), CK_EPARSE);
    free(t.s);
}

/* The corpus of bad files, read as tables. */
static void test_table_parallel__bad_corpus(void)
{
    static const char *names[] = { "bad_row_after_multiline_field",
                                   "text_after_quote",
                                   "too_few_fields",
                                   "too_many_fields",
                                   "unterminated_quote",
                                   "nul_in_quoted_field",
                                   "empty",
                                   "duplicate_column" };
    ck_table_opts plain = opts_for(NULL, NULL, NULL);
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/../bad/%s.csv", CK_TEST_DATA, names[k]);
        check_same_reads(path, &plain);
    }
}

int main(void)
{
    RUN(test_table_parallel__generated);
    RUN(test_table_parallel__schema);
    RUN(test_table_parallel__small_files);
    RUN(test_table_parallel__errors);
    RUN(test_table_parallel__bad_corpus);
    return check_summary();
}
