/*
 * The learner interface: what the model envelope asks of a model type. Each type (a
 * folder under src/learn/) defines one ck__learner table beside its code, and
 * src/model/registry.c lists the tables, one line each. The envelope (src/model/model.c,
 * envelope.c) calls only these operations and knows no learner's insides. This header sits
 * in learn/, below the model room, so a learner never includes anything of the model.
 *
 * A learner's trained state, its "fit", is opaque here: the trained body together with the
 * parameters it was trained with and anything else its part of the file holds (a solver's
 * record). The envelope owns the fit once it is wrapped, and frees it with the learner's
 * free().
 *
 * The model file (models/FORMAT.md) is written and read in one order for every type:
 * envelope members, then "params" (learner), "training" (envelope), "metrics" (the
 * learner's head members, the shared ones, the learner's tail members), "body" (learner),
 * so a broken file gives the same first error whatever reads it.
 */
#ifndef CK_LEARNER_H
#define CK_LEARNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "churnkit/dataset.h"
#include "churnkit/error.h"
#include "churnkit/progress.h"
#include "data/bins.h"
#include "io/json.h"

/* The metrics of the training record that a learner measures or keeps in its part of the
 * file (the envelope copies them to and from ck_model_training). */
typedef struct ck__learner_metrics {
    int rounds_kept; /* gbm_stumps: boosting rounds kept; 0 for other types */
    double train_logloss, valid_logloss, train_auc, valid_auc; /* NaN when absent */
} ck__learner_metrics;

/* What a learner's model gives per customer: a churn probability (the scoring operations
 * below), a value (bgnbd), the effect of each arm of an experiment (uplift) or items to
 * offer (recommend); the last three score through their own public calls, and their churn
 * scoring operations are NULL. */
typedef enum ck__learner_output {
    CK__OUTPUT_CHURN,
    CK__OUTPUT_VALUE,
    CK__OUTPUT_UPLIFT,
    CK__OUTPUT_RECOMMEND
} ck__learner_output;

typedef struct ck__learner {
    const char *name; /* "model_type" in the file */
    ck__learner_output output;

    /* Train on `train` (valid: NULL or labelled rows) with `params` (the learner's own
     * parameter struct, e.g. ck_gbm_params), record the metrics it measured in *m, and
     * return the fit in *out. */
    int (*train)(void **out, const void *params, const ck_dataset *train, const ck_dataset *valid,
                 ck__learner_metrics *m, ck_progress_fn progress, void *payload, ck_error *err);
    void (*free)(void *fit);
    /* Refit on `all` (the training and validation rows together) with the setting that
     * validation chose for `selected`, a fit train() made with validation rows: stumps its
     * rounds kept (patience 0), logreg its C (no cross-validation). The new fit keeps the
     * selection's params and what its record says of the selection (rounds run, the
     * cross-validation curve, the validation metrics). On return *m has the refit's
     * training metrics (on `all`) and rounds kept, and still the selection's validation
     * metrics; *rounds and *C give the setting (0 when not the learner's). *out is NULL,
     * with CK_OK, when the selection kept nothing to refit with (no boosting round). NULL
     * for a learner that takes no validation rows. */
    int (*refit)(void **out, const void *selected, const ck_dataset *all, ck__learner_metrics *m,
                 int *rounds, double *C, ck_progress_fn progress, void *payload, ck_error *err);
    /* train() on rows binned already (data/bins.h), `valid` NULL or held-out rows binned
     * with the same edges: `schema` describes the bins' features, and the fit splits on
     * the bins' edges. NULL for a learner that needs the values themselves. */
    int (*train_bins)(void **out, const void *params, const ck_schema *schema,
                      const ck__labelled_bins *train, const ck__labelled_bins *valid,
                      ck__learner_metrics *m, ck_progress_fn progress, void *payload,
                      ck_error *err);
    /* refit() on binned rows, `selected` a fit train_bins() made, asking `all` for the rows
     * only when there is something to refit. NULL when train_bins is. */
    int (*refit_bins)(void **out, const void *selected, const ck__bins_source *all,
                      ck__learner_metrics *m, int *rounds, double *C, ck_progress_fn progress,
                      void *payload, ck_error *err);

    /* scoring: NULL for a learner whose output is not CK__OUTPUT_CHURN; the fit is only
     * read, so logit_row and contributions are called on several threads at once */
    const ck_schema *(*schema)(const void *fit);
    double (*logit_row)(const void *fit, const float *row);
    void (*contributions)(const void *fit, const float *row, double *contrib, double *base_out);
    int (*predict)(const void *fit, const ck_dataset *d, double *prob, int n_threads,
                   ck_error *err);

    /* writing: into the objects "params", "metrics" (before and after the shared members;
     * NULL when none) and "body", which the envelope has made */
    void (*write_params)(const void *fit, ck__json_writer *w, ck__json *params);
    void (*write_metrics_head)(const void *fit, const ck__learner_metrics *m, ck__json_writer *w,
                               ck__json *metrics);
    void (*write_metrics_tail)(const void *fit, const ck__learner_metrics *m, ck__json_writer *w,
                               ck__json *metrics);
    void (*write_body)(const void *fit, ck__json_writer *w, ck__json *body);

    /* reading: a new fit with default parameters, then its members in the file's order;
     * read_body may take over *schema (setting it NULL) */
    int (*read_begin)(void **out, ck_error *err);
    int (*read_params)(void *fit, const ck__json_reader *r, const ck__json *params);
    int (*read_metrics_head)(void *fit, const ck__json_reader *r, const ck__json *metrics,
                             ck__learner_metrics *m);
    int (*read_metrics_tail)(void *fit, const ck__json_reader *r, const ck__json *metrics,
                             ck__learner_metrics *m);
    int (*read_body)(void *fit, const ck__json_reader *r, const ck__json *body, ck_schema **schema);
} ck__learner;

/* ---- helpers for learners (learner.c) ------------------------------------------------- */

/* The metrics of a learner that measures none of them (no rounds, no log loss or AUC). */
void ck__learner_metrics_none(ck__learner_metrics *m);

/* Stored and recomputed numbers agree when |a − b| <= 1e-12 · max(1, |a|, |b|): the same
 * sums in another order differ by a few ulps (~1e-16 relative); a real change to a file is
 * far larger. */
bool ck__learner_same_number(double a, double b);

/* The feature that member "feature" of object `o` (at path `at`) names: its index in
 * `schema`, or -1 after an error. */
long ck__learner_read_feature(const ck__json_reader *r, const ck__json *o, const char *at,
                              const ck_schema *schema);

#endif
