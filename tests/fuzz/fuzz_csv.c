/*
 * Fuzz harness for the CSV reader (csv.h): the input is a file (plain or gzip) read record
 * by record to its end or its first error. Invariants checked on every record: each
 * field's length is its stated length, records start on increasing lines, and what
 * ck_csv_write_field() writes of the records reads back as the same fields (RFC 4180
 * quoting round trip). The rewritten file opens with a line of its own, so a first field
 * that begins like a byte-order mark is not at the start of the file on the second read.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churnkit/csv.h"
#include "fuzz_support.h"

/* Records kept from the first read: each field's bytes, in one flat list. */
typedef struct records {
    size_t n_records, n_fields;
    size_t *record_fields; /* fields of each record */
    size_t *lengths;
    char **fields;
} records;

static void records_free(records *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        free(r->fields[i]);
    free(r->fields);
    free(r->lengths);
    free(r->record_fields);
}

/* Keep a copy of @p row; false when memory runs out (then the round trip is skipped). */
static bool records_add(records *r, const ck_csv_row *row)
{
    size_t *rf = realloc(r->record_fields, (r->n_records + 1) * sizeof *rf);
    if (!rf)
        return false;
    r->record_fields = rf;
    size_t n = r->n_fields + row->n_fields;
    size_t *lengths = realloc(r->lengths, n * sizeof *lengths);
    if (!lengths)
        return false;
    r->lengths = lengths;
    char **fields = realloc(r->fields, n * sizeof *fields);
    if (!fields)
        return false;
    r->fields = fields;
    for (size_t j = 0; j < row->n_fields; j++) {
        char *copy = malloc(row->lengths[j] + 1);
        if (!copy)
            return false;
        memcpy(copy, row->fields[j], row->lengths[j] + 1);
        r->fields[r->n_fields] = copy;
        r->lengths[r->n_fields] = row->lengths[j];
        r->n_fields++;
    }
    r->record_fields[r->n_records++] = row->n_fields;
    return true;
}

/* Read @p path to its end: 0 when every record read, <0 on the reader's first error. */
static int read_all(const char *path, char delimiter, records *keep)
{
    ck_csv *csv = NULL;
    ck_error err = { 0 };
    int rc = ck_csv_open(&csv, path, delimiter, &err);
    if (rc < 0) {
        FUZZ_CHECK(csv == NULL);
        return rc;
    }
    ck_csv_row row;
    long last_line = 0;
    while ((rc = ck_csv_next(csv, &row, &err)) == 1) {
        FUZZ_CHECK(row.n_fields >= 1);
        FUZZ_CHECK(row.line > last_line);
        last_line = row.line;
        for (size_t j = 0; j < row.n_fields; j++)
            FUZZ_CHECK(row.fields[j][row.lengths[j]] == '\0');
        double progress = ck_csv_progress(csv);
        FUZZ_CHECK(progress >= 0.0 && progress <= 1.0);
        if (keep && !records_add(keep, &row))
            keep = NULL;
    }
    FUZZ_CHECK(rc <= 0);
    if (rc < 0)
        FUZZ_CHECK(err.msg[0] != '\0');
    ck_csv_free(csv);
    return rc;
}

/* Write the records back with ck_csv_write_field(), after a first line of our own. */
static bool write_records(FILE *f, const records *r, char delimiter)
{
    fputs("#\n", f);
    size_t k = 0;
    for (size_t i = 0; i < r->n_records; i++) {
        /* a record of one empty field would be an empty line, which readers skip */
        if (r->record_fields[i] == 1 && r->lengths[k] == 0)
            fputs("\"\"", f);
        for (size_t j = 0; j < r->record_fields[i]; j++, k++) {
            if (j > 0)
                fputc(delimiter, f);
            ck_csv_write_field(f, r->fields[k], r->lengths[k], delimiter);
        }
        fputc('\n', f);
    }
    return !ferror(f);
}

/* The rewritten file reads back as exactly the records kept. */
static void check_round_trip(const records *r, char delimiter)
{
    char path[600];
    snprintf(path, sizeof path, "%s.again", fuzz_temp_path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    bool wrote = write_records(f, r, delimiter);
    if (fclose(f) != 0 || !wrote) {
        unlink(path);
        return;
    }
    ck_csv *csv = NULL;
    ck_error err = { 0 };
    if (ck_csv_open(&csv, path, delimiter, &err) < 0) {
        unlink(path);
        return;
    }
    ck_csv_row row;
    int rc = ck_csv_next(csv, &row, &err); /* our first line */
    FUZZ_CHECK(rc == 1 && row.n_fields == 1 && strcmp(row.fields[0], "#") == 0);
    size_t k = 0;
    for (size_t i = 0; i < r->n_records; i++) {
        rc = ck_csv_next(csv, &row, &err);
        if (rc < 0 && err.code == CK_ENOMEM)
            break;
        FUZZ_CHECK(rc == 1);
        FUZZ_CHECK(row.n_fields == r->record_fields[i]);
        for (size_t j = 0; j < row.n_fields; j++, k++) {
            FUZZ_CHECK(row.lengths[j] == r->lengths[k]);
            FUZZ_CHECK(memcmp(row.fields[j], r->fields[k], r->lengths[k]) == 0);
        }
    }
    if (k == r->n_fields)
        FUZZ_CHECK(ck_csv_next(csv, &row, &err) == 0);
    ck_csv_free(csv);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(data, size, ".csv");
    if (!path)
        return 0;
    records keep = { 0 };
    if (read_all(path, ',', &keep) == 0)
        check_round_trip(&keep, ',');
    records_free(&keep);
    /* the delimiter of tab-separated event files */
    read_all(path, '\t', NULL);
    return 0;
}
