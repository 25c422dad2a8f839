/*
 * Scoring a feature table in constant memory on every thread. The table is scanned in
 * parts (ck_table_stream_scan): each part's rows are scored and written into the part's
 * own buffer, and the buffers go to the file in part order once the scan keeps them, so
 * the output is the same for any thread count. A budget scans twice: first every row's
 * value at risk, keeping the best N, then the rows with their contact flags.
 */
#include "churnkit/pipeline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "pipeline/select.h"
#include "pipeline/value_int.h"

typedef struct part_output {
    ck_predict_buffer text;
    size_t n_rows;
    int64_t last_key;   /* where the part's last row starts, for progress */
    ck__ranked *values; /* the budget pass: this part's values at risk */
    size_t n_values, cap_values;
    ck__id_arena ids; /* their ids, which outlive the block they came in */
    float *uplift_row; /* with an uplift model: a row coded against its schema */
    double p[CK_UPLIFT_MAX_ARMS], uplift[CK_UPLIFT_MAX_ARMS];
} part_output;

typedef struct table_job {
    const ck_pipeline_score_opts *o;
    FILE *out;
    const char *out_path;
    part_output *parts; /* one per scan slot */
    ck__budget budget;
    int64_t *contact; /* the keys of the rows to contact, ascending */
    size_t n_contact;
    size_t rows;
    double file_size;                    /* bytes, for progress (a .gz file's keys overshoot it) */
    ck_schema *schema;                   /* what is read: the churn model's features, then
                                            the value model's columns it lacks */
    long value_column[4];                /* the value model's columns in it; -1: none */
    long *uplift_column;                 /* the uplift model's features in it */
    uint32_t **uplift_codes;             /* per uplift feature read as a churn model's
                                            categorical feature: its code for each of the
                                            churn model's codes (and the unseen one); NULL
                                            when the codes are the same */
    double progress_from, progress_span; /* this pass's share of the progress */
} table_job;

static size_t n_features(const table_job *job)
{
    return ck_schema_n_features(job->schema);
}

/* The value of row `row` under the writer's value model (NaN without one). */
static int row_value(const table_job *job, const float *row, const char *id, double *out,
                     ck_error *err)
{
    const ck_bgnbd_model *m = job->o->writer->value;
    *out = NAN;
    if (m == NULL)
        return CK_OK;
    const long *c = job->value_column;
    int rc = ck__value_of_customer(m, job->o->value, row[c[0]], row[c[1]], row[c[2]],
                                   c[3] >= 0 ? row[c[3]] : 0.0, out, err);
    if (rc < 0)
        return ck_error_set(err, (ck_status)rc, NULL, 0, "customer \"%s\": %s", id, err->msg);
    return CK_OK;
}

/* Row `row` (of the reading schema) scored by the writer's uplift model into p->uplift;
 * NULL without one. */
static const double *row_uplift(const table_job *job, part_output *p, const float *row)
{
    const ck_uplift *u = job->o->writer->uplift;
    if (u == NULL)
        return NULL;
    const ck_schema *schema = ck_uplift_schema(u);
    for (size_t j = 0; j < ck_schema_n_features(schema); j++) {
        float x = row[job->uplift_column[j]];
        const uint32_t *codes = job->uplift_codes[j];
        p->uplift_row[j] = codes && !isnan(x) ? (float)codes[(size_t)x] : x;
    }
    ck_uplift_score_row(u, p->uplift_row, p->p, p->uplift);
    return p->uplift;
}

/* Progress after a kept part: how far into the file its rows went. */
static void part_progress(const table_job *job, const part_output *p)
{
    if (job->o->progress && job->file_size > 0)
        job->o->progress(job->progress_from +
                             job->progress_span * fmin((double)p->last_key / job->file_size, 0.999),
                         job->o->progress_payload);
}

static int flush(const table_job *job, ck_predict_buffer *b, ck_error *err)
{
    if (b->len > 0 && fwrite(b->text, 1, b->len, job->out) != b->len)
        return ck_error_set(err, CK_EIO, job->out_path, 0, "cannot write: %s", strerror(errno));
    b->len = 0;
    return CK_OK;
}

static int rank_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[b->part];
    size_t n = n_features(job);
    if (!ck__ranked_reserve(&p->values, &p->cap_values, p->n_values + b->n_rows))
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < b->n_rows; i++) {
        if (!ck_pipeline_in_shard(b->ids[i], job->o->shard, job->o->n_shards))
            continue;
        const char *id = ck__id_arena_copy(&p->ids, b->ids[i]);
        if (id == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
        const float *row = b->rows + i * n;
        if (job->o->writer->uplift != NULL) {
            ck__ranked r = ck__incremental_value(job->o->writer, row, row_uplift(job, p, row), id,
                                                 b->keys[i]);
            if (r.value > -HUGE_VAL) /* nobody is contacted whom no arm is worth it for */
                p->values[p->n_values++] = r;
            continue;
        }
        double value;
        int rc = row_value(job, row, id, &value, err);
        if (rc < 0)
            return rc;
        p->values[p->n_values++] = ck__value_at_risk(job->o->writer, row, value, id, b->keys[i]);
    }
    p->last_key = b->keys[b->n_rows - 1];
    return CK_OK;
}

/* A kept part's values join the best so far. */
static int rank_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[part];
    size_t n = keep ? p->n_values : 0;
    p->n_values = 0;
    if (keep)
        part_progress(job, p);
    int rc = ck__budget_offer(&job->budget, p->values, n, err);
    ck__id_arena_free(&p->ids);
    return rc;
}

static int write_block(void *ctx, const ck_table_block *b, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[b->part];
    size_t n = n_features(job);
    for (size_t i = 0; i < b->n_rows; i++) {
        if (!ck_pipeline_in_shard(b->ids[i], job->o->shard, job->o->n_shards))
            continue;
        bool contact = ck__budget_has(job->contact, job->n_contact, b->keys[i]);
        const float *row = b->rows + i * n;
        ck_predict_extras x = { NAN, row_uplift(job, p, row), NULL, 0 };
        int rc = row_value(job, row, b->ids[i], &x.value, err);
        if (rc == CK_OK)
            rc = ck_predict_write_full_row(job->o->writer, b->ids[i], row, &x, true, contact,
                                           &p->text, err);
        if (rc < 0)
            return rc;
        p->n_rows++;
    }
    p->last_key = b->keys[b->n_rows - 1];
    return CK_OK;
}

static int write_end_part(void *ctx, int part, bool keep, ck_error *err)
{
    table_job *job = ctx;
    part_output *p = &job->parts[part];
    if (keep) {
        job->rows += p->n_rows;
        part_progress(job, p);
    }
    p->n_rows = 0;
    if (!keep)
        p->text.len = 0;
    return flush(job, &p->text, err);
}

static int open_table(const table_job *job, const char *path, ck_table_stream **s, ck_error *err)
{
    const ck_model *model = job->o->writer->model;
    const ck_model_spec *spec = ck_model_spec_of(model);
    const char *id = job->o->id_column    ? job->o->id_column
                     : spec->id_column[0] ? spec->id_column
                                          : NULL;
    ck_table_opts topts = { NULL, id, NULL, 0, spec->config.delimiter, job->schema, 0 };
    return ck_table_stream_open(s, path, &topts, job->schema, err);
}

/* The columns read: the churn model's features, then those of the value model (if any)
 * that it lacks, so a row starts with the churn model's row. */
static int reading_schema(table_job *job, ck_error *err)
{
    int rc = ck_schema_copy(&job->schema, ck_model_schema(job->o->writer->model), err);
    const ck_schema *value = job->o->value_columns;
    for (size_t j = 0; j < 4; j++)
        job->value_column[j] = -1;
    for (size_t j = 0; rc == CK_OK && value && j < ck_schema_n_features(value); j++) {
        const char *name = ck_schema_name(value, j);
        long at = ck_schema_find(job->schema, name);
        if (at >= 0 && ck_schema_kind(job->schema, (size_t)at) != CK_FEATURE_NUMERIC)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "column \"%s\": categorical for the churn model, a number for "
                                "the value model",
                                name);
        if (at < 0 && (at = ck_schema_add_feature(job->schema, name, CK_FEATURE_NUMERIC, err)) < 0)
            return (int)at;
        job->value_column[j] = at;
    }
    return rc;
}

/* The uplift model's features in the reading schema, added when the churn model lacks them
 * (a categorical one with the uplift model's levels, so its codes are the same), and the
 * code maps of those the churn model reads as categorical with levels of its own. */
static int add_uplift_features(table_job *job, ck_error *err)
{
    const ck_uplift *u = job->o->writer->uplift;
    const ck_schema *us = ck_uplift_schema(u);
    size_t n = ck_schema_n_features(us);
    job->uplift_column = calloc(n + 1, sizeof *job->uplift_column);
    job->uplift_codes = calloc(n + 1, sizeof *job->uplift_codes);
    if (!job->uplift_column || !job->uplift_codes)
        return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    size_t n_churn = ck_schema_n_features(ck_model_schema(job->o->writer->model));
    for (size_t j = 0; j < n; j++) {
        const char *name = ck_schema_name(us, j);
        ck_feature_kind kind = ck_schema_kind(us, j);
        long at = ck_schema_find(job->schema, name);
        if (at >= 0 && ck_schema_kind(job->schema, (size_t)at) != kind)
            return ck_error_set(err, CK_EINVAL, NULL, 0,
                                "column \"%s\": read as %s by the churn model, as %s by the "
                                "uplift model",
                                name, kind == CK_FEATURE_NUMERIC ? "categories" : "numbers",
                                kind == CK_FEATURE_NUMERIC ? "numbers" : "categories");
        if (at < 0) {
            if ((at = ck_schema_add_feature(job->schema, name, kind, err)) < 0)
                return (int)at;
            for (size_t l = 0; kind == CK_FEATURE_CATEGORICAL && l < ck_schema_n_levels(us, j); l++) {
                const char *level = ck_schema_level(us, j, l);
                int rc = ck_schema_add_level(job->schema, (size_t)at, level, strlen(level), err);
                if (rc < 0)
                    return rc;
            }
        } else if (kind == CK_FEATURE_CATEGORICAL && (size_t)at < n_churn) {
            size_t levels = ck_schema_n_levels(job->schema, (size_t)at);
            uint32_t *codes = job->uplift_codes[j] = calloc(levels + 1, sizeof *codes);
            if (codes == NULL)
                return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
            for (size_t l = 0; l < levels; l++) {
                const char *level = ck_schema_level(job->schema, (size_t)at, l);
                codes[l] = (uint32_t)ck_schema_level_code(us, j, level, strlen(level));
            }
            codes[levels] = (uint32_t)ck_schema_n_levels(us, j); /* unseen */
        }
        job->uplift_column[j] = at;
    }
    for (int k = 0; k < CK_TABLE_SCAN_PARTS(job->o->n_threads); k++)
        if ((job->parts[k].uplift_row = ck__alloc_array(n + 1, sizeof(float))) == NULL)
            return ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    return CK_OK;
}

/* The first scan of a budget: the keys of the rows to contact. */
static int choose_contacts(table_job *job, const char *path, ck_error *err)
{
    if (job->o->writer->value == NULL && job->o->writer->uplift == NULL &&
        job->o->writer->plan.revenue_365d < 0)
        return ck_error_set(err, CK_EINVAL, job->o->model_path, 0,
                            "--budget needs revenue_365d among the model's features, or a "
                            "--value-model");
    ck_table_stream *s = NULL;
    ck_table_scan_fns rank = { rank_block, rank_end_part, job };
    job->progress_span = 0.5;
    int rc = open_table(job, path, &s, err);
    if (rc == CK_OK)
        rc = ck_table_stream_scan(s, job->o->n_threads, &rank, err);
    ck_table_stream_free(s);
    if (rc == CK_OK)
        rc = ck__budget_keys(&job->budget, &job->contact, &job->n_contact, err);
    job->progress_from = 0.5;
    return rc;
}

int ck_pipeline_score_table(const char *path, const ck_pipeline_score_opts *o, FILE *out,
                            const char *out_path, size_t *rows_out, ck_error *err)
{
    int n_parts = CK_TABLE_SCAN_PARTS(o->n_threads);
    table_job job = { .o = o,
                      .out = out,
                      .out_path = out_path,
                      .parts = calloc((size_t)n_parts, sizeof *job.parts),
                      .budget = { .n_best = o->budget },
                      .progress_span = 1.0 };
    ck_table_stream *s = NULL;
    struct stat st;
    job.file_size = stat(path, &st) == 0 ? (double)st.st_size : 0;
    int rc = job.parts ? CK_OK : ck_error_set(err, CK_ENOMEM, NULL, 0, "out of memory");
    if (rc == CK_OK)
        rc = reading_schema(&job, err);
    if (rc == CK_OK && o->writer->uplift)
        rc = add_uplift_features(&job, err);
    if (rc == CK_OK && o->writer->budget)
        rc = choose_contacts(&job, path, err);
    if (rc == CK_OK)
        rc = open_table(&job, path, &s, err);
    if (rc == CK_OK)
        rc =
            ck_predict_write_header(o->writer, ck_table_stream_id_name(s), &job.parts[0].text, err);
    if (rc == CK_OK)
        rc = flush(&job, &job.parts[0].text, err);
    ck_table_scan_fns write = { write_block, write_end_part, &job };
    if (rc == CK_OK)
        rc = ck_table_stream_scan(s, o->n_threads, &write, err);
    if (rc == CK_OK && o->progress)
        o->progress(1.0, o->progress_payload);
    *rows_out = job.rows;
    ck_table_stream_free(s);
    for (int k = 0; job.parts && k < n_parts; k++) {
        ck_predict_buffer_free(&job.parts[k].text);
        free(job.parts[k].values);
        ck__id_arena_free(&job.parts[k].ids);
        free(job.parts[k].uplift_row);
    }
    size_t n_uplift = o->writer->uplift ? ck_schema_n_features(ck_uplift_schema(o->writer->uplift)) : 0;
    for (size_t j = 0; job.uplift_codes && j < n_uplift; j++)
        free(job.uplift_codes[j]);
    free(job.uplift_codes);
    free(job.uplift_column);
    free(job.parts);
    ck_schema_free(job.schema);
    ck__budget_free(&job.budget);
    free(job.contact);
    return rc;
}
