/*
 * Parts of a plain table file read on several threads (see parts.h), with the speculative
 * record starts of the event reader (events.c).
 *
 * The file is planned whole into parts of part_bytes, each starting at a guessed record
 * start (the line after a cut). Worker threads claim the parts in order and read each
 * into one of a few slots (part k into slot k mod n_slots); the calling thread ends them
 * in order: a part whose start is where the part before it stopped is kept as read, any
 * other is forgotten and read again from there by the calling thread (a quoted field may
 * hold a line end, so a guess can fall inside a record). A slot is claimed again only once
 * its part is ended, so memory stays at n_slots parts, and the workers read ahead while
 * the calling thread consumes.
 */
#include "data/parts.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "data/dataset_int.h"
#include "io/csv_scan.h"

#define MAX_WORKERS 32

typedef struct slot {
    int64_t start; /* where the part in the slot was read from */
    ck__part_result res;
    bool done; /* read (the pipeline's lock guards it) */
} slot;

typedef struct pipeline {
    const int64_t *starts; /* part k: the records that start in [starts[k], starts[k + 1]) */
    size_t n_parts;
    slot *slots;
    size_t n_slots;
    const ck__parts_fns *fns;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t claimed, committed; /* parts so far */
    bool stop;
} pipeline;

/* Read part k (from `start`) into its slot. */
static void read_into(pipeline *pl, size_t k, int64_t start, bool guessed)
{
    slot *s = &pl->slots[k % pl->n_slots];
    memset(&s->res, 0, sizeof s->res);
    s->start = start;
    pl->fns->read(pl->fns->ctx, k % pl->n_slots, start, pl->starts[k + 1], guessed, &s->res);
}

/* Claim the next part if its slot is free (with the lock held); false when none is. */
static bool claim(pipeline *pl, size_t *k)
{
    if (pl->stop || pl->claimed >= pl->n_parts || pl->claimed >= pl->committed + pl->n_slots)
        return false;
    *k = pl->claimed++;
    pl->slots[*k % pl->n_slots].done = false;
    return true;
}

/* Read part k into its slot and say so. */
static void read_claimed(pipeline *pl, size_t k)
{
    read_into(pl, k, pl->starts[k], k > 0);
    pthread_mutex_lock(&pl->lock);
    pl->slots[k % pl->n_slots].done = true;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->lock);
}

static void *worker(void *arg)
{
    pipeline *pl = arg;
    pthread_mutex_lock(&pl->lock);
    while (!pl->stop && pl->claimed < pl->n_parts) {
        size_t k;
        if (!claim(pl, &k)) {
            pthread_cond_wait(&pl->changed, &pl->lock);
            continue;
        }
        pthread_mutex_unlock(&pl->lock);
        read_claimed(pl, k);
        pthread_mutex_lock(&pl->lock);
    }
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

/* Part k, read: by a worker, or here when no worker has claimed it yet. */
static slot *wait_for(pipeline *pl, size_t k)
{
    slot *s = &pl->slots[k % pl->n_slots];
    pthread_mutex_lock(&pl->lock);
    size_t mine;
    if (pl->claimed == k && claim(pl, &mine)) {
        pthread_mutex_unlock(&pl->lock);
        read_claimed(pl, mine);
        pthread_mutex_lock(&pl->lock);
    }
    while (!s->done)
        pthread_cond_wait(&pl->changed, &pl->lock);
    pthread_mutex_unlock(&pl->lock);
    return s;
}

int64_t *ck__parts_plan(const char *path, int64_t pos, int64_t part_bytes, size_t *n_parts)
{
    FILE *f = fopen(path, "rb");
    size_t n = 1, cap = 0;
    int64_t *starts = NULL;
    if (f == NULL || !ck__grow((void **)&starts, &cap, 2, sizeof *starts))
        goto fail;
    starts[0] = pos;
    for (int64_t cut = pos + part_bytes;; cut += part_bytes) {
        int64_t start = ck__csv_line_start_after(f, cut);
        if (start < 0)
            break;
        if (start <= starts[n - 1])
            continue;
        if (!ck__grow((void **)&starts, &cap, n + 2, sizeof *starts))
            goto fail;
        starts[n++] = start;
    }
    starts[n] = INT64_MAX; /* the last part reads to the end */
    fclose(f);
    *n_parts = n;
    return starts;
fail:
    if (f)
        fclose(f);
    free(starts);
    return NULL;
}

int ck__parts_run(const int64_t *starts, size_t n_parts, size_t n_slots, int n_workers,
                  long line_base, const ck__parts_fns *fns, ck_error *err)
{
    pipeline pl = { .starts = starts, .n_parts = n_parts, .n_slots = n_slots, .fns = fns };
    pl.slots = calloc(n_slots, sizeof *pl.slots);
    if (pl.slots == NULL)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.changed, NULL);
    if (n_workers > MAX_WORKERS)
        n_workers = MAX_WORKERS;
    pthread_t threads[MAX_WORKERS];
    int started = 0;
    while (started < n_workers && pthread_create(&threads[started], NULL, worker, &pl) == 0)
        started++;
    int rc = CK_OK;
    int64_t true_start = starts[0];
    bool at_end = false;
    size_t k = 0;
    for (; k < n_parts && rc == CK_OK && !at_end; k++) {
        slot *s = wait_for(&pl, k);
        /* a wrong guess, or a record too long to trust a guess with: read it again from
         * the true start, here */
        if (s->start != true_start || s->res.over_limit) {
            rc = fns->end(fns->ctx, k % n_slots, false, err);
            if (rc == CK_OK)
                read_into(&pl, k, true_start, false);
        }
        if (rc == CK_OK && s->res.rc < 0) {
            if (s->res.err.line > 0)
                s->res.err.line += line_base;
            if (err)
                *err = s->res.err;
            rc = s->res.rc;
        } else if (rc == CK_OK) {
            line_base += s->res.lines;
            at_end = s->res.at_end;
            rc = fns->end(fns->ctx, k % n_slots, true, err);
        }
        true_start = s->res.stopped;
        pthread_mutex_lock(&pl.lock);
        pl.committed = k + 1;
        pl.stop = rc != CK_OK || at_end;
        pthread_cond_broadcast(&pl.changed);
        pthread_mutex_unlock(&pl.lock);
    }
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    /* parts read past the end (a wrong guess inside a last quoted field) are forgotten */
    for (; rc == CK_OK && k < pl.claimed; k++)
        rc = fns->end(fns->ctx, k % n_slots, false, err);
    pthread_cond_destroy(&pl.changed);
    pthread_mutex_destroy(&pl.lock);
    free(pl.slots);
    return rc;
}

int ck__parts_open(ck_csv **out, const char *path, char delimiter, int64_t start, bool guessed,
                   int64_t part_bytes, ck_error *err)
{
    int rc = ck__csv_open_at(out, path, delimiter, start, err);
    /* a start inside a quoted field flips what is quoted: the rest of the file could be
     * read as one record */
    if (rc == CK_OK && guessed)
        ck__csv_limit_record(*out, 2 * (size_t)part_bytes);
    return rc;
}

bool ck__part_fields_init(ck__part_fields *f, size_t n_fields)
{
    f->room = n_fields + 1;
    f->fields = ck__alloc_array(f->room, sizeof *f->fields);
    f->lengths = ck__alloc_array(f->room, sizeof *f->lengths);
    f->numbers = ck__alloc_array(f->room, sizeof *f->numbers);
    return f->fields != NULL && f->lengths != NULL && f->numbers != NULL;
}

void ck__part_fields_free(ck__part_fields *f)
{
    free(f->fields);
    free(f->lengths);
    free(f->numbers);
    f->fields = NULL;
    f->lengths = NULL;
    f->numbers = NULL;
}

/*
 * Read a field from s as a plain decimal, -?digits[.digits]: *stop is where the reading
 * stopped. True (and *out the value ck__table_number() gives it) when the field ends
 * there, at the delimiter or the line's end, and ck__table_decimal() computes it exactly.
 * Reading the digits while looking for the delimiter touches each byte of a numeric table
 * once.
 */
static bool plain_decimal(const char *s, const char *end, char delim, const char **stop,
                          double *out)
{
    bool negative = s < end && *s == '-';
    ck__digits d;
    *stop = ck__scan_digits(s + negative, end, &d);
    return (*stop == end || **stop == delim) && ck__table_decimal(out, negative, &d, -d.n_fraction);
}

/* Split a plain line (no quotes) at the delimiter into f's fields, without copying. */
static void split_line(const ck__part_fields *f, char delim, ck_csv_row *rec)
{
    const char *s = rec->raw, *end = rec->raw + rec->raw_len;
    size_t n = 0;
    for (;;) {
        const char *stop;
        double number;
        if (!plain_decimal(s, end, delim, &stop, &number)) {
            number = NAN;
            /* a byte loop: fields are short, shorter than a call to memchr pays for */
            while (stop < end && *stop != delim)
                stop++;
        }
        if (n < f->room) {
            f->fields[n] = (char *)s;
            f->lengths[n] = (size_t)(stop - s);
            f->numbers[n] = number;
        }
        n++;
        if (stop == end)
            break;
        s = stop + 1;
    }
    rec->n_fields = n;
    rec->fields = f->fields;
    rec->lengths = f->lengths;
}

int ck__part_next_record(ck_csv *csv, ck_csv_row *rec, const ck__part_fields *f, char delimiter,
                         ck_error *err)
{
    int rc = ck__csv_next_plain(csv, rec, err);
    if (rc == 2) {
        for (size_t k = 0; k < f->room; k++)
            f->numbers[k] = NAN;
        return ck_csv_next(csv, rec, err);
    }
    if (rc == 1)
        split_line(f, delimiter, rec);
    return rc;
}
