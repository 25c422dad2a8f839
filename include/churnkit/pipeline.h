/**
 * @file pipeline.h
 * @brief From data to datasets and scores, the same way in every tool: the training and
 *        validation sets of a model, the rows an evaluation measures, the population a
 *        model scores with its eligibility rule, shards and the budget.
 *
 * A model file carries its feature spec (ck_model_spec); these calls are the only place
 * that turns events into a model's rows, so training, evaluation and scoring cannot
 * drift apart.
 */
#ifndef CHURNKIT_PIPELINE_H
#define CHURNKIT_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "churnkit/customers.h"
#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/events.h"
#include "churnkit/export.h"
#include "churnkit/features.h"
#include "churnkit/model.h"
#include "churnkit/predict.h"
#include "churnkit/progress.h"
#include "churnkit/uplift_eval.h"
#include "churnkit/recommend_eval.h"
#include "churnkit/value_eval.h"
#include "churnkit/interactions.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How to read the data a model scores or is evaluated on. */
typedef struct ck_pipeline_read_opts {
    const char *model_path;     /**< names the model in messages */
    const char *purpose;        /**< "score", "evaluate": words the refusal of a table model */
    const char *events_path;    /**< the behaviour history */
    const char *customers_path; /**< customer attributes, or NULL */
    bool skip_bad_rows;
    ck_reject_fn on_reject; /**< called for each skipped row (may be NULL) */
    void *reject_payload;
    int n_threads;
    ck_progress_fn progress; /**< may be NULL */
    void *progress_payload;
} ck_pipeline_read_opts;

/**
 * Read events (and customers) the way @p model reads them: its column names, aliases and
 * delimiter. A model trained on a table is refused before anything is read.
 * @param[out] ev_out         free with ck_events_free()
 * @param[out] customers_out  NULL without customers_path; free with ck_customers_free()
 * @return CK_OK, CK_EINVAL (a table model), and the codes of ck_events_read_csv() and
 *         ck_customers_read_csv()
 */
CK_API int ck_pipeline_read_events(ck_events **ev_out, ck_customers **customers_out,
                                   const ck_model *model, const ck_pipeline_read_opts *opts,
                                   ck_error *err);

/** Whether two models read an event file the same way (delimiter, columns, aliases), so
 *  one reading serves both. */
CK_API bool ck_pipeline_same_reading(const ck_model *a, const ck_model *b);

/**
 * Feature tables as of each cutoff, built with @p opts (ck_features_build()).
 * @param[out] tables  n_cutoffs tables; on failure none is left (all freed)
 * @return CK_OK, CK_EINVAL, CK_ENOMEM
 */
CK_API int ck_pipeline_feature_tables(ck_features **tables, const ck_events *ev,
                                      const int64_t *cutoffs, size_t n_cutoffs,
                                      const ck_features_opts *opts, ck_error *err);

/** How the training rows of an events-mode model are made. */
typedef struct ck_pipeline_training_opts {
    const int64_t *cutoffs; /**< training cutoffs (start of a UTC day) */
    size_t n_cutoffs;       /**< 1 .. CK_MODEL_MAX_CUTOFFS */
    int64_t valid_cutoff;   /**< validate as of this cutoff; 0: see `out_of_time` */
    bool out_of_time;       /**< with valid_cutoff 0 and several cutoffs, the latest validates */
    const ck_customers *customers; /**< attributes, or NULL */
    const char *events_path;       /**< names the data in messages */
    int n_threads;
} ck_pipeline_training_opts;

/**
 * Events mode: the training set (features and labels as of every training cutoff,
 * stacked) and the validation set (as of the validation cutoff, coded against the
 * training schema), with the churn definition of @p spec->config. Records the cutoffs in
 * @p training, and the training population's RFM boundaries (of the latest training
 * cutoff) in @p spec->config, so scoring grades RFM against them.
 * @param[out] train_out  free with ck_dataset_free()
 * @param[out] valid_out  NULL when nothing validates; free with ck_dataset_free()
 * @return CK_OK, CK_EINVAL (a cutoff whose horizon runs past the data: no label),
 *         CK_ENOMEM
 */
CK_API int ck_pipeline_training_sets(ck_dataset **train_out, ck_dataset **valid_out,
                                     ck_model_spec *spec, ck_model_training *training,
                                     const ck_events *ev, const ck_pipeline_training_opts *opts,
                                     ck_error *err);

/**
 * ck_pipeline_training_sets(), and also every row a model is refit on once validation has
 * chosen its setting (ck_model_train_refit()): the training cutoffs' rows, then the
 * validation cutoff's, coded against the training schema.
 * @param[out] all_out  NULL when nothing validates out of time; free with ck_dataset_free()
 * @return as ck_pipeline_training_sets()
 */
CK_API int ck_pipeline_refit_sets(ck_dataset **train_out, ck_dataset **valid_out,
                                  ck_dataset **all_out, ck_model_spec *spec,
                                  ck_model_training *training, const ck_events *ev,
                                  const ck_pipeline_training_opts *opts, ck_error *err);

/**
 * Table mode: read a training table (ck_dataset_read_table()) and leave out the features
 * constant (or missing) in every row, listing them in @p training->constant_features, as
 * events mode does; nothing is left out when every feature is constant. The table is
 * added to @p training's inputs as "table" (ck_pipeline_add_input()), hashed on a thread
 * of its own while it is read.
 * @param[out] out  free with ck_dataset_free()
 * @return the codes of ck_dataset_read_table() and ck_pipeline_add_input(), CK_ENOMEM
 */
CK_API int ck_pipeline_training_table(ck_dataset **out, const char *path, const ck_table_opts *opts,
                                      ck_model_training *training, ck_error *err);

/**
 * A training table held as bins (one byte per row and feature) instead of values: what
 * boosted stumps are trained on, in a third to a half of the memory (docs/TABLES.md).
 */
typedef struct ck_pipeline_bins ck_pipeline_bins;

/** How ck_pipeline_training_table_bins() holds rows out for validation. */
typedef struct ck_pipeline_holdout {
    double fraction; /**< held out as ck_pipeline_split_random() draws them; 0: none */
    uint64_t seed;
    bool refit; /**< after the selection, refit on every row (ck_model_train_refit()) */
} ck_pipeline_holdout;

/**
 * ck_pipeline_training_table() for boosted stumps, read straight into bins of at most
 * @p max_bins per numeric feature, never holding the table's values: two passes over the
 * file (the first checks every row, infers the schema and keeps the rows the bin edges are
 * learned from; the second bins the rows part by part on opts->n_threads threads). With
 * @p holdout (NULL: none) a random fraction of the rows is held out for validation, in
 * bins of the training rows' edges, and one more pass between the two keeps the sample of
 * the training rows those edges are learned from; a refit reads the table once more.
 * Rows and positives (training and validation) are counted into @p training, and the
 * table is added to its inputs as ck_pipeline_training_table() adds it. Trained with
 * ck_pipeline_train_bins() and ck_pipeline_learn_population_bins(), the model and its file
 * are byte for byte those of ck_pipeline_training_table(), ck_pipeline_split_random() or
 * ck_pipeline_split_random_copy() by @p holdout, ck_model_train_refit() and
 * ck_model_learn_population() on the same table.
 * @param path, opts  kept (opts' strings borrowed) for a refit's read
 * @param[out] out  free with ck_pipeline_bins_free()
 * @return the codes of ck_dataset_read_table() (with its messages), CK_EIO when the file
 *         changes between the passes, CK_ENOMEM
 */
CK_API int ck_pipeline_training_table_bins(ck_pipeline_bins **out, const char *path,
                                           const ck_table_opts *opts, int max_bins,
                                           const ck_pipeline_holdout *holdout,
                                           ck_model_training *training, ck_error *err);

/**
 * ck_model_train_refit() on binned rows: with rows held out, the selection stops early on
 * them, and with holdout.refit the model is refit on every row, read again into @p rows.
 * @return as ck_model_train_refit(), CK_EIO when the file changed before the refit's read;
 *         CK_EINVAL for a type that needs the values (only CK_MODEL_GBM_STUMPS trains on
 *         bins)
 */
CK_API int ck_pipeline_train_bins(ck_model **out, ck_model_type type, const void *params,
                                  ck_pipeline_bins *rows, const ck_model_spec *spec,
                                  const ck_model_training *training, ck_progress_fn progress,
                                  void *payload, ck_error *err);

/** ck_model_learn_population() on the binned rows @p model was trained on. */
CK_API int ck_pipeline_learn_population_bins(ck_model *model, const ck_pipeline_bins *rows,
                                             int n_threads, ck_error *err);

/** Free binned rows; accepts NULL. */
CK_API void ck_pipeline_bins_free(ck_pipeline_bins *rows);

/**
 * Hold out a random @p fraction of @p *train's rows for validation, each row drawn
 * independently from @p seed; @p *train is consumed and replaced by the rest.
 * @return CK_OK, CK_ENOMEM
 */
CK_API int ck_pipeline_split_random(ck_dataset **train, ck_dataset **valid_out, double fraction,
                                    uint64_t seed, ck_error *err);

/**
 * ck_pipeline_split_random() that keeps @p all (the rows a refit uses): the same rows on
 * each side, in the same order, for the same @p fraction and @p seed.
 * @param[out] train_out, valid_out  both NULL on failure; free each with ck_dataset_free()
 * @return CK_OK, CK_ENOMEM
 */
CK_API int ck_pipeline_split_random_copy(ck_dataset **train_out, ck_dataset **valid_out,
                                         const ck_dataset *all, double fraction, uint64_t seed,
                                         ck_error *err);

/** Count the rows and churned rows of @p train and @p valid (either may be NULL) into
 *  @p training. */
CK_API void ck_pipeline_count_rows(ck_model_training *training, const ck_dataset *train,
                                   const ck_dataset *valid);

/**
 * Add an input file with the SHA-256 of its bytes to the training record.
 * @return CK_OK, CK_EIO, CK_EINVAL (more than CK_MODEL_MAX_INPUTS)
 */
CK_API int ck_pipeline_add_input(ck_model_training *training, const char *role, const char *path,
                                 ck_error *err);

/**
 * Events mode evaluation: @p model's features and labels as of @p cutoff, coded against
 * its schema, read with its own feature spec.
 * @param[out] table_out  the feature table the rows come from (for baselines); free with
 *                        ck_features_free()
 * @return CK_OK, CK_EINVAL (a table model, or no labels as of @p cutoff), CK_ENOMEM
 */
CK_API int ck_pipeline_eval_set(ck_dataset **out, ck_features **table_out, const ck_model *model,
                                const char *model_path, const ck_events *ev,
                                const ck_customers *customers, int64_t cutoff,
                                const char *events_path, int n_threads, ck_error *err);

/**
 * Table mode evaluation: @p path read against @p model's schema, with labels, on up to
 * @p n_threads threads (the same dataset for any count). The label and id columns default to
 * the model's (table models) or `label` and none.
 * @return as ck_dataset_read_table()
 */
CK_API int ck_pipeline_eval_table(ck_dataset **out, const ck_model *model, const char *path,
                                  const char *label, const char *id, int n_threads,
                                  ck_error *err);

/** The latest cutoff @p model was trained or validated on (0 for a table model), so an
 *  evaluation can tell whether it is out of time. */
CK_API int64_t ck_pipeline_latest_cutoff(const ck_model *model);

/**
 * Whether two datasets hold the same customers with the same labels in the same order
 * (two models compared on one evaluation must be).
 */
CK_API bool ck_pipeline_same_rows(const ck_dataset *a, const ck_dataset *b);

/**
 * Recency alone as a score, the obvious baseline: each row's recency_days from @p table,
 * whose rows @p d holds in the same order.
 * @param[out] out  n_rows values; free with free()
 * @return CK_OK, CK_EINVAL (no recency_days, or rows out of step), CK_ENOMEM
 */
CK_API int ck_pipeline_recency_baseline(double **out, const ck_features *table, const ck_dataset *d,
                                        ck_error *err);

/**
 * Events mode: each evaluation row's lifecycle stage, from @p table's lifecycle_stage
 * column, whose rows @p d holds in the same order (for ck_eval_input.group).
 * @param[out] out  n_rows names, the static strings of ck_stage_name(); free the array
 *                  with free()
 * @return CK_OK, CK_EINVAL (no lifecycle_stage column, rows out of step), CK_ENOMEM
 */
CK_API int ck_pipeline_eval_stages(const char ***out, const ck_features *table, const ck_dataset *d,
                                   ck_error *err);

/**
 * Table mode: each row's lifecycle stage from the `lifecycle_stage` column of @p path, the
 * table ck_pipeline_eval_table() read into @p d, or *out NULL when the table has no such
 * column. Cells are trimmed like every table cell and must name a stage.
 * @param[out] out  n_rows names as ck_pipeline_eval_stages() gives, or NULL; free with free()
 * @return CK_OK; CK_EPARSE with file and line (`bad lifecycle stage "vip" in column
 *         "lifecycle_stage"`); CK_EINVAL (rows out of step with @p d); CK_EIO; CK_ENOMEM
 */
CK_API int ck_pipeline_eval_table_stages(const char ***out, const ck_model *model, const char *path,
                                         const ck_dataset *d, ck_error *err);

/** The as-of date events are scored at by default: the start of the day after the last
 *  event. */
CK_API int64_t ck_pipeline_default_as_of(const ck_events *ev);

/** Whether customer @p id falls in shard @p shard of @p n_shards (FNV-1a of the id, so a
 *  customer's shard depends on nothing else); every customer when n_shards ≤ 1. */
CK_API bool ck_pipeline_in_shard(const char *id, long shard, long n_shards);

/** What a scoring run writes and whom it scores. */
typedef struct ck_pipeline_score_opts {
    const ck_predict_writer *writer; /**< the model, rules and output format */
    const char *model_path;          /**< names the model in messages */
    long shard, n_shards;            /**< n_shards ≤ 1: every customer */
    long budget;                     /**< flag the N largest values at risk; < 0: none */
    int n_threads;
    ck_progress_fn progress; /**< may be NULL */
    void *progress_payload;
    /* events mode */
    const ck_customers *customers; /**< attributes, or NULL */
    int64_t as_of;                 /**< 0: ck_pipeline_default_as_of() */
    bool all_customers;            /**< also customers outside the model's population, unscored */
    /* table mode */
    const char *id_column; /**< NULL: the model's */
    /** with a value model (writer->value): its horizon and discount, and (table mode) its
     *  columns, read beside the churn model's features */
    const struct ck_value_score_opts *value;
    const ck_schema *value_columns;
    /** with an uplift model (writer->uplift is its body): the model, whose features are
     *  built with its own spec (events) or read beside the churn model's (table) */
    const ck_model *uplift_model;
    /** with a recommender (writer->recommender is its body; events mode only): the model,
     *  the length of each customer's list, and whether the customer's own items are left
     *  out (the new-items question) */
    const ck_model *recommender;
    size_t recommend_top;
    bool recommend_new;
} ck_pipeline_score_opts;

/**
 * Events mode: rebuild @p writer's model's features as of the as-of date, with the
 * model's own feature spec, and write a row per customer of the population to @p out.
 * A customer is scored when inside the population the model was trained on (recency
 * within its lookback) and with at least the rules' min_events events; the others get
 * status insufficient_history. Under a budget, contact=1 marks the N scored customers
 * with the largest probability × revenue_365d (NaN counts as none; ties to the earlier
 * row).
 * @param out_path  names @p out in messages
 * @param[out] rows_out  rows written
 * @return CK_OK, CK_EINVAL (a table model), CK_EIO (a failed write), CK_ENOMEM
 */
CK_API int ck_pipeline_score_events(const ck_events *ev, const ck_pipeline_score_opts *opts,
                                    FILE *out, const char *out_path, size_t *rows_out,
                                    ck_error *err);

/**
 * Table mode: stream the table at @p path in parts on every thread and write a row per
 * table row to @p out, in file order (the same bytes for any thread count). Under a
 * budget the table is read twice: the values at risk first, then the rows.
 * @return CK_OK, CK_EPARSE, CK_EIO, CK_EINVAL (no revenue_365d for a budget), CK_ENOMEM
 */
CK_API int ck_pipeline_score_table(const char *path, const ck_pipeline_score_opts *opts, FILE *out,
                                   const char *out_path, size_t *rows_out, ck_error *err);

/* ---- customer value (model type bgnbd) ---------------------------------------------- */

/**
 * Each customer's purchase summary as of a cutoff, the BTYD layout (docs/VALUE.md):
 * purchases strictly before the cutoff, by UTC day (several on a day are one
 * transaction); x the purchase days after the first, t_x the last of them and T the day
 * before the cutoff, both counted from the first purchase day, in days / days_per_unit; m̄
 * the mean net spend of the repeat days: their purchase amounts less the refunds after
 * the first purchase day, over x.
 */
typedef struct ck_value_summary {
    size_t n;            /**< customers with a purchase before the cutoff */
    size_t *customer;    /**< their index in the event store, ascending */
    double *x, *t_x, *T; /**< in the unit */
    double *spend;       /**< m̄ (0 for x = 0), or NULL when the log has no amounts */
    double days_per_unit;
} ck_value_summary;

/**
 * The summaries of every customer of @p ev with a purchase before @p cutoff.
 * @param with_spend  compute m̄ (the log has amounts)
 * @return CK_OK, CK_EINVAL (no purchase before the cutoff), CK_ENOMEM
 */
CK_API int ck_pipeline_value_summary(ck_value_summary *out, const ck_events *ev, int64_t cutoff,
                                     double days_per_unit, bool with_spend, ck_error *err);

/** Free a summary's arrays; accepts a zeroed one. */
CK_API void ck_value_summary_free(ck_value_summary *s);

/** The training rows of a value model from a summary: columns frequency, recency, T and,
 *  with spend, monetary_value (bgnbd.h's CK_BGNBD_* names), ids the customers'.
 *  @return CK_OK, CK_ENOMEM */
CK_API int ck_pipeline_value_dataset(ck_dataset **out, const ck_events *ev,
                                     const ck_value_summary *s, ck_error *err);

/** Where a summary table keeps each customer's values (the layout of the BTYD tools). */
typedef struct ck_value_columns {
    const char *frequency, *recency, *age; /**< x, t_x, T */
    const char *monetary;                  /**< m̄, or NULL: no spend */
    const char *id;                        /**< NULL: rows are numbered */
    char delimiter;
} ck_value_columns;

/**
 * Read a summary table into a value model's rows (columns named as in the table, in the
 * order frequency, recency, age, monetary). Every row is checked: x a whole number ≥ 0,
 * 0 ≤ t_x ≤ T, t_x = 0 exactly when x = 0, m̄ ≥ 0; a bad row fails with file and line.
 * @return CK_OK, CK_EPARSE, CK_EINVAL (a bad row, a column missing, no row), CK_EIO,
 *         CK_ENOMEM
 */
CK_API int ck_pipeline_value_table(ck_dataset **out, const char *path,
                                   const ck_value_columns *cols, ck_error *err);

/** Add what a trained value model says of its data (the plain-NBD boundary, a fit that
 *  did not converge, no or a doubtful spend model) to its training warnings. */
CK_API void ck_pipeline_value_warnings(ck_model *model);

/** How value scores are made: the horizon and discount of clv. */
typedef struct ck_value_score_opts {
    double horizon_days;    /**< > 0 [365] */
    double annual_discount; /**< ≥ 0 [0.10] */
    int n_threads;
    bool jsonl;
    long shard, n_shards; /**< n_shards ≤ 1: every customer */
} ck_value_score_opts;

/** The clv settings of @p model for @p o (the horizon in the model's time unit). */
CK_API ck_clv_options ck_pipeline_clv_options(const ck_bgnbd_model *model,
                                              const ck_value_score_opts *o);

/**
 * Events mode: every customer with a purchase before @p as_of, summarised as of it and
 * scored with the value model, one row each (ck_value_write_row()).
 * @return CK_OK, CK_EINVAL (a model trained on a table, no purchase), CK_EIO, CK_ENOMEM
 */
CK_API int ck_pipeline_value_score_events(const ck_events *ev, const ck_model *model,
                                          int64_t as_of, const ck_value_score_opts *o, FILE *out,
                                          const char *out_path, size_t *rows_out, ck_error *err);

/**
 * Table mode: a summary table with the model's columns, streamed, one row each.
 * @param id_column  NULL: the model's
 * @return as ck_pipeline_value_table() for a bad row, CK_EIO, CK_ENOMEM
 */
CK_API int ck_pipeline_value_score_table(const char *path, const ck_model *model,
                                         const char *id_column, const ck_value_score_opts *o,
                                         FILE *out, const char *out_path, size_t *rows_out,
                                         ck_error *err);

/**
 * Evaluate a value model out of time (docs/EVAL.md, "Customer value"): every customer with
 * a purchase before @p cutoff, summarised as of it; the model's expected purchases in
 * [cutoff, cutoff + H days) against the purchase days there; the naive baseline x / T × H;
 * and the cumulative repeat purchases every 7 days from the first day of the log.
 * @return CK_OK, CK_EINVAL (not a value model, a holdout past the last event, no
 *         purchase), CK_ENOMEM
 */
CK_API int ck_pipeline_value_eval(ck_value_eval **out, const ck_events *ev, const ck_model *model,
                                  int64_t cutoff, double horizon_days, int n_threads,
                                  ck_error *err);

/* ---- uplift: an experiment's rows (uplift.c) ----------------------------------------- */

/** A randomised experiment's rows, ready for an uplift model: the features as they were
 *  before assignment, the outcome (1 converted) as the label, and each row's arm. */
typedef struct ck_uplift_data {
    ck_dataset *rows;
    ck_uplift_design design; /**< arm_of is the member below */
    uint8_t *arm_of;
    size_t n_left_out; /**< events mode: assigned customers with no event before their
                            assignment day, so no features (not in rows) */
} ck_uplift_data;

/** Free the rows and arms; accepts a zeroed one. */
CK_API void ck_uplift_data_free(ck_uplift_data *d);

/** How to read an experiment from a table. */
typedef struct ck_uplift_table_opts {
    const char *label;     /**< the outcome column (1/0, true/false, yes/no) */
    const char *treatment; /**< the arm column; every other column but the id is a feature */
    const char *control;   /**< the control arm; NULL: "control", or "0" of a 0/1 column */
    const char *id;        /**< the id column, or NULL */
    char delimiter;
    const ck_uplift *model; /**< NULL to train; else the model's features and arms */
    const char *const *ignore; /**< training: columns to leave out (other outcomes, such as
                                    spend beside conversion, which would leak) */
    size_t n_ignore;
    int n_threads; /**< threads reading the table (the same rows for any count) */
} ck_uplift_table_opts;

/**
 * An experiment from a table. Training (@p training given): the features constant in every
 * row are left out and listed there, and the table is added to its inputs
 * (ck_pipeline_training_table()); the arms are control first, then the others in order
 * of first appearance. With a model (@p opts->model): its features and its arm indices.
 * @return CK_OK; the codes and messages of ck_dataset_read_table(); CK_EPARSE (a missing
 *         treatment cell, with file and line); CK_EINVAL (no treatment column, one arm only,
 *         an unknown control, no arm named "control" without --control, an arm the model
 *         does not know), CK_ENOMEM
 */
CK_API int ck_pipeline_uplift_table(ck_uplift_data *out, const char *path,
                                    const ck_uplift_table_opts *opts, ck_model_training *training,
                                    ck_error *err);

/** How to read an experiment from events and churn-ab's assignments file. */
typedef struct ck_uplift_events_opts {
    const char *assignments; /**< customer_id, arm, assigned_at (churn-ab's format) */
    int window_days;         /**< outcome: a purchase in [assigned_at, assigned_at + window) */
    const char *control;     /**< as in ck_uplift_table_opts */
    const ck_config *config; /**< the feature settings; NULL for defaults */
    const ck_customers *customers; /**< attributes, or NULL */
    const ck_uplift *model;        /**< NULL to train; else its features and arms */
    int n_threads;
} ck_uplift_events_opts;

/**
 * An experiment from a behaviour history: each assigned customer's features as of the
 * start of their assignment day (every customer with an event before it), the outcome
 * churn-ab's conversion (ck_abtest_outcomes_from_events()). Customers with no event before
 * their assignment day have no features: they are counted in n_left_out.
 * @return CK_OK; the codes of ck_abtest_read_csv() and ck_abtest_outcomes_from_events();
 *         CK_EINVAL (assignments on more than CK_MODEL_MAX_CUTOFFS days, the arm errors of
 *         ck_pipeline_uplift_table()); CK_ENOMEM
 */
CK_API int ck_pipeline_uplift_events(ck_uplift_data *out, const ck_events *ev,
                                     const ck_uplift_events_opts *opts, ck_error *err);

/** Add to a trained uplift model's training warnings what its experiment cannot support:
 *  a treatment arm whose average effect's 95% interval (Newcombe) includes 0, and, for the
 *  T-learner, an arm whose model and control's both kept no boosting round. */
CK_API void ck_pipeline_uplift_warnings(ck_model *model);

/** Add to a trained uplift model's training warnings the numeric features of its training
 *  rows @p data whose mean differs between a treatment arm and control by more than 5
 *  standard errors (Welch): randomisation balances whatever was known before assignment,
 *  so such a column was most likely measured after it — another outcome, leaking. */
CK_API void ck_pipeline_uplift_balance(ck_model *model, const ck_uplift_data *data);

/** How uplift scores are written. */
typedef struct ck_uplift_score_opts {
    int n_threads;
    bool jsonl;
    long shard, n_shards; /**< n_shards ≤ 1: every customer */
} ck_uplift_score_opts;

/**
 * Events mode: every customer with an event before @p as_of, with features as of it,
 * scored with the uplift model, one row each (ck_uplift_write_row()).
 * @return CK_OK, CK_EINVAL (not an uplift model, one trained on a table), CK_EIO, CK_ENOMEM
 */
CK_API int ck_pipeline_uplift_score_events(const ck_events *ev, const ck_customers *customers,
                                           const ck_model *model, int64_t as_of,
                                           const ck_uplift_score_opts *o, FILE *out,
                                           const char *out_path, size_t *rows_out,
                                           ck_error *err);

/**
 * Table mode: a table with the model's features, streamed, one row each.
 * @param id_column  NULL: the model's
 * @return the codes and messages of ck_table_stream_next() for a bad row, CK_EINVAL (not an
 *         uplift model), CK_EIO, CK_ENOMEM
 */
CK_API int ck_pipeline_uplift_score_table(const char *path, const ck_model *model,
                                          const char *id_column, const ck_uplift_score_opts *o,
                                          FILE *out, const char *out_path, size_t *rows_out,
                                          ck_error *err);

/**
 * Evaluate an uplift model on a held-out experiment (docs/EVAL.md, "Uplift"): each
 * treatment arm with rows in @p data against control, in the model's arm order.
 * @param[out] out    *n_out evaluations; free with ck_pipeline_uplift_evals_free()
 * @return CK_OK, CK_EINVAL (not an uplift model; no control row; no treated row), the
 *         codes of ck_uplift_eval_run(), CK_ENOMEM
 */
CK_API int ck_pipeline_uplift_eval(ck_uplift_eval ***out, size_t *n_out, const ck_model *model,
                                   const ck_uplift_data *data,
                                   const ck_uplift_eval_params *params, int n_threads,
                                   ck_error *err);
CK_API void ck_pipeline_uplift_evals_free(ck_uplift_eval **evals, size_t n);

/** The config's "uplift" section for the arms of @p design (given false without one).
 *  @return CK_OK, CK_EINVAL (an arm of the config not in the experiment) */
CK_API int ck_pipeline_uplift_economics(ck_uplift_economics *out, const ck_config *cfg,
                                        const ck_uplift_design *design, ck_error *err);

/* ---- recommendations (recommendations.c) -------------------------------------------------- */

/** How a recommender is trained from events. */
typedef struct ck_pipeline_recommend_opts {
    ck_recommend_params params; /**< method and settings; the data pointers are filled in */
    int64_t cutoff;             /**< everything before it is the training data */
    int valid_days;             /**< the blend's validation window before the cutoff [30] */
    int recent_days;            /**< popularity over this window before the cutoff [90] */
} ck_pipeline_recommend_opts;

/**
 * Train a recommender on the interactions of @p ev before the cutoff, weighted by
 * spec->config.recommend; for the blend, its weights chosen on the purchases of the
 * validation window by components fit on what came before it.
 * @return CK_OK, CK_EINVAL (no item column, no interaction before the cutoff, no purchase in
 *         the validation window for the blend), the learners' codes, CK_ENOMEM
 */
CK_API int ck_pipeline_recommend_train(ck_model **out, const ck_events *ev,
                                       const ck_pipeline_recommend_opts *opts,
                                       const ck_model_spec *spec,
                                       const ck_model_training *training, ck_error *err);

/** How recommendations are written. */
typedef struct ck_recommend_score_opts {
    int top;                /**< K ≥ 1 */
    bool exclude_purchased; /**< leave out the items the customer already interacted with */
    bool jsonl;
    long shard, n_shards;
    int n_threads; /**< threads scoring the customers (0 or 1: one); the output is the same
                        bytes for any number */
} ck_recommend_score_opts;

/**
 * Every customer with an interaction before @p as_of, weighted as the model was trained,
 * scored: customer_id, recommended_items (K ids, best first, ';'-separated) and
 * recommended_category (the top pick's).
 * @return CK_OK, CK_EINVAL (not a recommender, no item column), CK_EIO, CK_ENOMEM
 */
CK_API int ck_pipeline_recommend_score_events(const ck_events *ev, const ck_model *model,
                                              int64_t as_of, const ck_recommend_score_opts *o,
                                              FILE *out, const char *out_path, size_t *rows_out,
                                              ck_error *err);

/**
 * Evaluate a recommender out of time (docs/EVAL.md, "Recommendations"): each customer with
 * interactions before @p cutoff and a purchase in [cutoff, cutoff + horizon_days), the
 * model's top @p k against those purchases, beside the popularity and repeat-purchase
 * baselines, all items and items new to the customer.
 * @return CK_OK, CK_EINVAL (not a recommender, a holdout past the data, nobody to
 *         evaluate), CK_ENOMEM
 */
CK_API int ck_pipeline_recommend_eval(ck_recommend_eval **out, const ck_events *ev,
                                      const ck_model *model, int64_t cutoff, double horizon_days,
                                      size_t k, ck_error *err);

#ifdef __cplusplus
}
#endif

#endif
