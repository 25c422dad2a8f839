/*
 * Reading a plain table file in parts on several threads (shared by the table stream's
 * scan and the whole-table reader): the file is cut into parts at guessed record starts,
 * workers read parts ahead into a few slots, and the calling thread ends them in file
 * order, keeping a part only when the part before it stopped exactly where it starts.
 */
#ifndef CK_DATA_PARTS_H
#define CK_DATA_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/csv.h"
#include "churnkit/error.h"

/* What reading one part found. */
typedef struct ck__part_result {
    int rc; /* CK_OK, or the first failure (err's line counted from the part's start) */
    ck_error err;
    int64_t stopped; /* where the next record would start */
    long lines;      /* lines read */
    bool at_end;     /* the file ended in the part */
    bool over_limit; /* a guessed start met a record too long to trust */
} ck__part_result;

typedef struct ck__parts_fns {
    /* Read the records that start in [start, stop_at) into slot `slot`, on any thread;
     * `guessed`: the start may fall inside a quoted field (open with ck__parts_open). */
    void (*read)(void *ctx, size_t slot, int64_t start, int64_t stop_at, bool guessed,
                 ck__part_result *res);
    /* On the calling thread, in file order: the slot's part is final (keep) or was read
     * from a wrong guess and is forgotten (it is read again). Returns CK_OK or a negative
     * code with err set, which ends the run. */
    int (*end)(void *ctx, size_t slot, bool keep, ck_error *err);
    void *ctx;
} ck__parts_fns;

/* The part starts of the plain file `path`: `pos` (a true record start), then the line
 * after each further `part_bytes`; *n_parts of them, followed by INT64_MAX. NULL when out
 * of memory or the file cannot be opened. Free with free(). */
int64_t *ck__parts_plan(const char *path, int64_t pos, int64_t part_bytes, size_t *n_parts);

/*
 * Read the planned parts on n_workers threads into n_slots slots (part k in slot
 * k mod n_slots) and end them in order. A failed part that was read from its true start
 * fails the run with its error, its line made absolute by adding `line_base` and the
 * lines of the parts before it. Returns CK_OK, that failure, or what `end` returned.
 */
int ck__parts_run(const int64_t *starts, size_t n_parts, size_t n_slots, int n_workers,
                  long line_base, const ck__parts_fns *fns, ck_error *err);

/* Open `path` at `start` for a part; a guessed start refuses records longer than
 * 2 * part_bytes (then ck__csv_over_limit() says so). */
int ck__parts_open(ck_csv **out, const char *path, char delimiter, int64_t start, bool guessed,
                   int64_t part_bytes, ck_error *err);

/* Room for one record's fields, split without copying. A plain line's fields that are
 * plain decimals (-?digits[.digits], computed exactly by ck__table_decimal()) are read as
 * numbers while they are split: numbers[f] is then what ck__table_number() gives the
 * field, else NaN (a quoted record's fields are never read ahead). */
typedef struct ck__part_fields {
    char **fields;
    size_t *lengths;
    double *numbers;
    size_t room; /* one more than a record should have, to tell a record with too many */
} ck__part_fields;

bool ck__part_fields_init(ck__part_fields *f, size_t n_fields);
void ck__part_fields_free(ck__part_fields *f);

/* The next record: a plain line split in place into f's fields (only the first f->room
 * are kept; rec->n_fields counts all), or anything else parsed by ck_csv_next().
 * Returns 1, 0 at the end, or a negative code with err set. */
int ck__part_next_record(ck_csv *csv, ck_csv_row *rec, const ck__part_fields *f, char delimiter,
                         ck_error *err);

#endif
