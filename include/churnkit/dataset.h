/**
 * @file dataset.h
 * @brief A training or scoring set: a dense float matrix in columns, labels, optional
 *        weights, row ids, and the schema of its features.
 *
 * Column j holds n_rows floats: numeric values, or categorical level codes (see
 * schema.h); NaN is missing. Labels are 0 (retained) or 1 (churned).
 *
 * Table mode (DESIGN.md, "Tables"): any CSV with a label column, an optional id column
 * and feature columns. Column names and cells are trimmed of surrounding spaces and tabs;
 * empty, `NA`, `NaN`, `null` and `?` are missing. A column whose present values all parse
 * as numbers is numeric (a column with no value at all is numeric, all NaN); otherwise it
 * is categorical, its levels the cells' text in order of first appearance, so the same
 * file always gives the same codes. Labels are 1/0, true/false or yes/no in any case, or
 * a number equal to 0 or 1 such as `1.0` (pandas writes an integer column with missing
 * values that way); anything else, an empty cell included, is an error naming the file
 * and line. CRLF line ends, quoted fields and gzip files are normal input. A number
 * beyond the float range (±3.4e38) is an error.
 *
 * Every function is reentrant: different objects may be used from different threads.
 */
#ifndef CHURNKIT_DATASET_H
#define CHURNKIT_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "churnkit/error.h"
#include "churnkit/export.h"
#include "churnkit/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_features ck_features;

/** An opaque dataset. Free with ck_dataset_free(). */
typedef struct ck_dataset ck_dataset;

/** How to read a table. */
typedef struct ck_table_opts {
    const char *label;         /**< label column (must exist); NULL reads no label */
    const char *id;            /**< id column (must exist), or NULL: rows are numbered
                                    from 1 and the id column is called "row" */
    const char *const *ignore; /**< columns to leave out (each must exist) */
    size_t n_ignore;
    char delimiter;          /**< usually ',' */
    const ck_schema *schema; /**< NULL: infer kinds and levels from the table; else read
                                  exactly these features, in the schema's order (every
                                  one must be a column; other columns are skipped):
                                  numeric cells must be numbers, categorical cells get
                                  the schema's codes, n_levels for an unseen level */
    int n_threads;           /**< ck_dataset_read_table() reads a plain file of more than
                                  16 MiB in parts on this many threads; 0 or 1: one thread.
                                  The dataset and any error are the same for every count */
} ck_table_opts;

#define CK_TABLE_OPTS_INIT                                                                         \
    {                                                                                              \
        NULL, NULL, NULL, 0, ',', NULL, 0                                                          \
    }

/**
 * Read a whole table. Without a schema every column but the label, the id and the
 * ignored ones is a feature, in header order; a column that turns out categorical after
 * some numbers costs a second pass over the file, to code its levels in order of first
 * appearance. With opts->n_threads above 1 a large plain file is read in parts on that
 * many threads, with the same result, errors included: a file that fails is read again
 * on one thread, which names its first bad line.
 * @param[out] out  the dataset, NULL on failure; free with ck_dataset_free()
 * @param opts      NULL for CK_TABLE_OPTS_INIT (no label, no id)
 * @return CK_OK; CK_EPARSE with file and line: a bad label (`bad label "maybe" in column
 *         "Churn" (expected 1/0, true/false or yes/no)`), a record with the wrong number
 *         of fields, a schema feature missing from the header (`missing feature column
 *         "tenure"`), a numeric cell that is not a number (`bad number "abc" in column
 *         "tenure"`), a number beyond the float range, a used column named twice, an
 *         empty file, malformed CSV; CK_EINVAL (label, id or ignored column absent, named
 *         in the message); CK_EIO; CK_ENOMEM
 */
CK_API int ck_dataset_read_table(ck_dataset **out, const char *path, const ck_table_opts *opts,
                                 ck_error *err);

/**
 * A dataset from feature tables (one per cutoff), stacked in order; row ids are the
 * customer ids and the id column is "customer_id". The dataset has labels when every
 * table has them, and then rows outside the population (label -1) are left out; without
 * labels every row is kept.
 * @param need_labels  fail when a table has no labels (training)
 * @param schema  NULL: every column of the first table is a feature (the others must have
 *                those columns), a categorical feature's levels unified by name in the
 *                order the tables list them, table by table; else exactly the schema's
 *                features, each level coded by name against it (n_levels when unseen)
 * @param[out] out  the dataset, NULL on failure; free with ck_dataset_free()
 * @return CK_OK; CK_EINVAL: `no labels: the horizon after cutoff 2024-06-01 runs past the
 *         end of the data`, a feature missing from a table or of another kind there, a
 *         value beyond the float range, no table at all; CK_ENOMEM
 */
CK_API int ck_dataset_from_features(ck_dataset **out, const ck_features *const *tables,
                                    size_t n_tables, bool need_labels, const ck_schema *schema,
                                    ck_error *err);

/**
 * A dataset of numeric columns given as doubles (stored as floats), one row per id, no
 * labels: how summaries computed in memory (a value model's per-customer summary) are
 * handed to a learner.
 * @param names    n_features feature names
 * @param columns  n_features arrays of n_rows values (NaN for missing)
 * @param ids      n_rows row ids; @p id_name names their column
 * @return CK_OK; CK_EINVAL (a value beyond the float range, a repeated name); CK_ENOMEM
 */
CK_API int ck_dataset_from_columns(ck_dataset **out, const char *const *names, size_t n_features,
                                   const double *const *columns, const char *const *ids,
                                   size_t n_rows, const char *id_name, ck_error *err);

/**
 * Give every row a new label (copied from @p labels, n_rows values in [0, 1]): the targets
 * of a learner that fits something other than the data's own labels, such as an X-learner's
 * imputed effects. @return CK_OK or CK_ENOMEM
 */
CK_API int ck_dataset_set_labels(ck_dataset *d, const float *labels, ck_error *err);

/** Free a dataset; accepts NULL. */
CK_API void ck_dataset_free(ck_dataset *d);

CK_API size_t ck_dataset_n_rows(const ck_dataset *d);
CK_API size_t ck_dataset_n_features(const ck_dataset *d);
/** The schema (borrowed). */
CK_API const ck_schema *ck_dataset_schema(const ck_dataset *d);
/** Column @p j, n_rows floats (borrowed). */
CK_API const float *ck_dataset_column(const ck_dataset *d, size_t j);
/** Labels (0/1), or NULL when the data has none (borrowed). */
CK_API const float *ck_dataset_labels(const ck_dataset *d);
/** Row weights, or NULL when every row weighs 1 (borrowed). */
CK_API const float *ck_dataset_weights(const ck_dataset *d);
/** Row @p i's id (borrowed); the 1-based row number when the table had no id column. */
CK_API const char *ck_dataset_row_id(const ck_dataset *d, size_t i);
/** The name of the id column ("customer_id" for feature tables, "row" when a table had
 *  none). Borrowed. */
CK_API const char *ck_dataset_id_name(const ck_dataset *d);

/**
 * Split rows in two: rows with mask[i] non-zero go to @p b_out, the others to @p a_out,
 * both in their original order, with copies of the schema, ids, labels and weights.
 * @param mask  n_rows flags
 * @param[out] a_out, b_out  free each with ck_dataset_free(); both NULL on failure
 * @return CK_OK or CK_ENOMEM
 */
CK_API int ck_dataset_split(const ck_dataset *d, const uint8_t *mask, ck_dataset **a_out,
                            ck_dataset **b_out, ck_error *err);

/**
 * ck_dataset_split() that frees @p *d column by column as it copies, so memory peaks near
 * one copy of the data, not two. On success *d is freed and set to NULL; on failure
 * (CK_ENOMEM) it is untouched.
 */
CK_API int ck_dataset_split_consume(ck_dataset **d, const uint8_t *mask, ck_dataset **a_out,
                                    ck_dataset **b_out, ck_error *err);

/**
 * A table read row by row in constant memory, for scoring: each row's features coded
 * against a schema, by the same rules and with the same messages as
 * ck_dataset_read_table() given that schema.
 */
typedef struct ck_table_stream ck_table_stream;

/**
 * Open a table; its header must name every schema feature (and `opts->label`,
 * `opts->id` and the ignored columns when given).
 * @param opts    NULL for CK_TABLE_OPTS_INIT; opts->schema is not consulted
 * @param schema  the features to read (copied)
 * @param[out] out  the stream, NULL on failure; free with ck_table_stream_free()
 * @return CK_OK, CK_EPARSE (a feature column missing, an empty file), CK_EINVAL (label,
 *         id or ignored column absent), CK_EIO, CK_ENOMEM
 */
CK_API int ck_table_stream_open(ck_table_stream **out, const char *path, const ck_table_opts *opts,
                                const ck_schema *schema, ck_error *err);

/**
 * The next row.
 * @param[out] row   n_features floats, coded as in a dataset
 * @param[out] id    the row's id (borrowed until the next call); the 1-based row
 *                   number as text when there is no id column
 * @param[out] label the label (0 or 1) when opts->label was given, else NaN
 * @return 1 a row, 0 the end, CK_EPARSE (bad label, bad number, wrong field count: the
 *         message names file and line), CK_EIO, CK_ENOMEM
 */
CK_API int ck_table_stream_next(ck_table_stream *s, float *row, const char **id, float *label,
                                ck_error *err);

/** The line of the file where the row ck_table_stream_next() last returned starts (0
 *  before the first), for messages about its values. */
CK_API long ck_table_stream_line(const ck_table_stream *s);

/** The id column's name, as in the header (or "row"). Borrowed. */
CK_API const char *ck_table_stream_id_name(const ck_table_stream *s);

/** Consecutive rows of a table, handed out by ck_table_stream_scan(). All borrowed. */
typedef struct ck_table_block {
    size_t n_rows;
    const float *rows;      /**< n_rows × n_features, row-major, coded as in a dataset */
    const float *labels;    /**< each row's label (0 or 1), NaN without opts->label */
    const char *const *ids; /**< each row's id, as ck_table_stream_next() gives it */
    const int64_t *keys;    /**< where each record starts in the (uncompressed) file:
                                 unique, and increasing in file order */
    int part; /**< the slot of the part the block belongs to, below CK_TABLE_SCAN_PARTS() */
} ck_table_block;

/** The part slots a scan on @p n_threads threads uses at most. */
#define CK_TABLE_SCAN_PARTS(n_threads) (2 * ((n_threads) < 1 ? 1 : (n_threads)))

/** What ck_table_stream_scan() calls back. */
typedef struct ck_table_scan_fns {
    /**
     * One block, on any thread: blocks of different parts arrive at the same time, the
     * blocks of one part one after another in file order.
     * @return CK_OK, or a negative code with @p err set, which ends the scan (unless the
     *         part turns out to be read from a wrong guess: then it is forgotten with it)
     */
    int (*block)(void *ctx, const ck_table_block *block, ck_error *err);
    /**
     * On the calling thread, the parts in file order: the blocks of slot @p part since
     * its last end are final (@p keep), or were read from a wrongly guessed record start
     * and must be forgotten (they are read again). The slot is then reused.
     * @return CK_OK, or a negative code with @p err set, which ends the scan
     */
    int (*end_part)(void *ctx, int part, bool keep, ck_error *err);
    void *ctx;
} ck_table_scan_fns;

/**
 * Read the rest of the table in blocks, in parallel: the file is cut into parts of a few
 * megabytes at guessed record starts, @p n_threads workers read parts ahead into
 * CK_TABLE_SCAN_PARTS(n_threads) slots, and the calling thread ends them in file order;
 * a part counts only when the part before it stopped exactly where it starts (a quoted
 * field may hold a line end), else it is read again from there. Kept blocks, in part
 * order, are exactly the rows ck_table_stream_next() would return, and the first bad row
 * fails the scan with the same message. A compressed file, a small one, or a table
 * without an id column (whose ids are row numbers) is read on the calling thread, part
 * after part.
 * After the scan the stream is at its end.
 * @return CK_OK, CK_EPARSE (as ck_table_stream_next()), CK_EIO, CK_ENOMEM, or what a
 *         callback returned
 */
CK_API int ck_table_stream_scan(ck_table_stream *s, int n_threads, const ck_table_scan_fns *fns,
                                ck_error *err);

/** Close a stream; accepts NULL. */
CK_API void ck_table_stream_free(ck_table_stream *s);

#ifdef __cplusplus
}
#endif

#endif
